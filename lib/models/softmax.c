/* softmax.c — multinomial logistic regression, as scikit-learn's
 * LogisticRegression(multi_class="multinomial") with C = 1 / l2:
 *
 *   minimise  sum_i c_i (-log p_i,y_i) + l2/2 |W|^2 + l1 |W|_1,
 *   p_i,c = exp(z_i,c) / sum_c' exp(z_i,c'),  z_i = W x_i + b
 *
 * over W (K x features) and b (K, unpenalised), by OWL-QN (owlqn.h; plain
 * L-BFGS when l1 = 0).  One pass over the rows per evaluation, in blocks:
 * Z = X W' by one sgemm, the softmax, then the gradient R' X by another
 * (R = P - Y, weighted).  In double: float32 logits leave the objective
 * noisy at 1e-6 relative, where the line search stalls short of the
 * optimum (the known-answer test needs 1e-4 in the probabilities); the
 * rows are converted block by block.  Threads take row ranges with their own partial
 * gradients, summed in thread order: the same bytes for the same -j. */
#include "models/softmax.h"

#include "blas.h"
#include "logistic.h"
#include "models/owlqn.h"
#include "threads.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK = 256 };

typedef struct {
    const rs_dataset *d;
    const rs_params *p;
    const size_t *act;     /* (k) the non-constant feature columns */
    size_t k, K, dim;      /* active features, classes, all features */
    int n_threads;
    double *class_weight;  /* (K) */
    double *w, *b;         /* (K x dim), (K): the evaluation point */
    double *loss_t;        /* (T) */
    double *grad_t;        /* (T x (K dim + K)) per thread, full layout */
    double *scratch;       /* (T x (BLOCK dim + BLOCK K + K dim)) */
} softmax;

/* Rows begin..end: loss, and the gradient in the full layout into g. */
static void softmax_thread(void *ctx, int t, int n_threads)
{
    softmax *s = ctx;
    size_t K = s->K, dim = s->dim, begin, end;
    double *xb = s->scratch + (size_t)t * (BLOCK * dim + BLOCK * K + K * dim), *z = xb + BLOCK * dim;
    double *gx = z + BLOCK * K;
    double *g = s->grad_t + (size_t)t * (K * dim + K), loss = 0;
    memset(g, 0, (K * dim + K) * sizeof *g);
    rs_thread_range(s->d->n_rows, t, n_threads, &begin, &end);
    for (size_t r0 = begin; r0 < end; r0 += BLOCK) {
        size_t rows = end - r0 < BLOCK ? end - r0 : BLOCK;
        const float *x = s->d->x + r0 * dim;
        for (size_t j = 0; j < rows * dim; j++)
            xb[j] = x[j];
        /* z (rows x K) = x (rows x dim) w' (dim x K) */
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)K, (int)dim, 1.0, xb, (int)dim, s->w,
                    (int)dim, 0.0, z, (int)K);
        for (size_t i = 0; i < rows; i++) {
            double *zi = z + i * K;
            size_t y = (size_t)s->d->y[r0 + i];
            double c = s->class_weight[y], top = -INFINITY, sum = 0;
            for (size_t j = 0; j < K; j++)
                top = fmax(top, zi[j] + s->b[j]);
            for (size_t j = 0; j < K; j++)
                sum += exp(zi[j] + s->b[j] - top);
            loss += c * (log(sum) + top - (zi[y] + s->b[y]));
            for (size_t j = 0; j < K; j++) {   /* zi becomes the residual c (p - [j = y]) */
                double prob = exp(zi[j] + s->b[j] - top) / sum;
                zi[j] = c * (prob - (j == y));
                g[K * dim + j] += zi[j];
            }
        }
        /* gx (K x dim) = z' (K x rows) x (rows x dim) */
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)dim, (int)rows, 1.0, z, (int)K, xb,
                    (int)dim, 0.0, gx, (int)dim);
        for (size_t j = 0; j < K * dim; j++)
            g[j] += gx[j];
    }
    s->loss_t[t] = loss;
}

/* rs_owlqn's f: theta = K x k weights (class-major), then K biases. */
static double softmax_value(void *ctx, const double *theta, double *grad)
{
    softmax *s = ctx;
    size_t K = s->K, k = s->k, dim = s->dim, T = (size_t)s->n_threads, stride = K * dim + K;
    for (size_t c = 0; c < K; c++) {
        for (size_t j = 0; j < k; j++)
            s->w[c * dim + s->act[j]] = theta[c * k + j];
        s->b[c] = theta[K * k + c];
    }
    rs_parallel(s->n_threads, softmax_thread, s);
    double f = 0;
    memset(grad, 0, (K * k + K) * sizeof *grad);
    for (size_t t = 0; t < T; t++) {
        const double *g = s->grad_t + t * stride;
        f += s->loss_t[t];
        for (size_t c = 0; c < K; c++) {
            for (size_t j = 0; j < k; j++)
                grad[c * k + j] += g[c * dim + s->act[j]];
            grad[K * k + c] += g[K * dim + c];
        }
    }
    for (size_t j = 0; j < K * k; j++) {
        f += 0.5 * s->p->l2 * theta[j] * theta[j];
        grad[j] += s->p->l2 * theta[j];
    }
    return f;
}

static void softmax_progress(void *ctx, long iteration, double objective, double grad_norm)
{
    softmax *s = ctx;
    rs_progress(s->p, "iteration %ld objective %.10g grad_norm %.4g", iteration, objective, grad_norm);
}

/* Class weights: 1, or balanced n / (K n_c); an absent class is no class. */
static rs_status class_weights(const rs_dataset *d, const rs_params *p, double *cw, rs_error *err)
{
    size_t K = rs_dataset_n_classes(d);
    if (!p->balanced && (p->class_weight[0] != 1 || p->class_weight[1] != 1))
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "--class-weight W0,W1 is for a 0/1 label; the label '%s' has %zu classes (use "
                            "--class-weight balanced)", p->label, K);
    size_t *count = calloc(K, sizeof *count);
    if (!count)
        return rs_error_nomem(err);
    for (size_t i = 0; i < d->n_rows; i++)
        count[(size_t)d->y[i]]++;
    for (size_t c = 0; c < K; c++)
        cw[c] = p->balanced ? (double)d->n_rows / ((double)K * (double)count[c]) : 1;
    free(count);
    return rs_require_classes(d, err);
}

static rs_status save(rs_model *m, const softmax *s, const double *theta, const rs_solve_report *rep, rs_error *err)
{
    size_t K = s->K, k = s->k, dim = s->dim;
    float *w = calloc(K * dim, sizeof *w), *b = malloc(K * sizeof *b);
    if (!w || !b) {
        free(w), free(b);
        return rs_error_nomem(err);
    }
    for (size_t c = 0; c < K; c++) {
        for (size_t j = 0; j < k; j++)
            w[c * dim + s->act[j]] = (float)theta[c * k + j];
        b[c] = (float)theta[K * k + c];
    }
    const rs_params *p = s->p;
    if (rs_model_adopt_tensor(m, "weights", w, K, dim, err) != RS_OK) {
        free(b);
        return err->code;
    }
    if (rs_model_adopt_tensor(m, "bias", b, 1, K, err) || rs_model_set_f64(m, "l2", p->l2, err) ||
        rs_model_set_f64(m, "l1", p->l1, err) || rs_model_set(m, "solver", rep->solver, err) ||
        rs_model_set(m, "class_weight", p->balanced ? "balanced" : "given", err) ||
        rs_model_set_f64(m, "tol", p->tol, err) || rs_model_set_i64(m, "max_iter", p->max_iter, err) ||
        rs_model_set_i64(m, "iterations", rep->iterations, err) ||
        rs_model_set_i64(m, "converged", rep->converged, err) ||
        rs_model_set_f64(m, "objective", rep->objective, err) ||
        rs_model_set_f64(m, "grad_ratio", rep->grad_ratio, err))
        return err->code;
    if (!rep->converged)
        rs_warn(NULL, 0, "logreg did not converge in %ld iterations (|grad| fell to %.3g of its start; "
                         "raise --max-iter, or --l2 if the classes are separable)",
                rep->iterations, rep->grad_ratio);
    return RS_OK;
}

rs_status rs_softmax_train(const rs_dataset *d, const rs_params *p, const unsigned char *constant, rs_model *m,
                           rs_error *err)
{
    size_t K = rs_dataset_n_classes(d), dim = d->n_features, T = (size_t)p->threads;
    softmax s = {.d = d, .p = p, .K = K, .dim = dim, .n_threads = p->threads};
    size_t *act = malloc((dim + 1) * sizeof *act);
    s.class_weight = malloc((K + 1) * sizeof *s.class_weight);
    rs_status st = act && s.class_weight ? RS_OK : rs_error_nomem(err);
    if (st == RS_OK)
        st = class_weights(d, p, s.class_weight, err);
    for (size_t j = 0; st == RS_OK && j < dim; j++)
        if (!constant[j])
            act[s.k++] = j;
    s.act = act;
    size_t n = K * s.k + K;
    double *theta = st == RS_OK ? calloc(n, sizeof *theta) : NULL;
    if (st == RS_OK) {
        s.w = calloc(K * dim, sizeof *s.w);
        s.b = calloc(K, sizeof *s.b);
        s.loss_t = calloc(T, sizeof *s.loss_t);
        s.grad_t = malloc(T * (K * dim + K) * sizeof *s.grad_t);
        s.scratch = malloc(T * (BLOCK * dim + BLOCK * K + K * dim) * sizeof *s.scratch);
        if (!theta || !s.w || !s.b || !s.loss_t || !s.grad_t || !s.scratch)
            st = rs_error_nomem(err);
    }
    rs_solve_report rep = {0};
    if (st == RS_OK) {
        rs_owlqn_problem pb = {n, K * s.k, p->l1, p->tol, p->max_iter, softmax_value, softmax_progress, &s};
        st = rs_owlqn(&pb, theta, &rep, err);
    }
    if (st == RS_OK)
        st = save(m, &s, theta, &rep, err);
    free(act), free(s.class_weight), free(theta), free(s.w), free(s.b), free(s.loss_t), free(s.grad_t);
    free(s.scratch);
    return st;
}

/* ---- scoring ----------------------------------------------------------- */

typedef struct {
    size_t K, dim;
    const float *w, *b;    /* (K x dim), (K) in the model */
    char **names;          /* (K) class names, NUL-terminated */
    float *z;              /* (RS_SCORE_BATCH x K) */
} softmax_model;

void rs_softmax_unload(void *state)
{
    softmax_model *sm = state;
    if (!sm)
        return;
    rs_class_names_free(sm->names, sm->K);
    free(sm->z), free(sm);
}

void *rs_softmax_load(const rs_model *m, size_t n_features, rs_error *err)
{
    size_t rows, cols, brows, bcols, K;
    const float *w = rs_model_tensor(m, "weights", &rows, &cols);
    const float *b = rs_model_tensor(m, "bias", &brows, &bcols);
    char **names = rs_class_names_new(m, &K, err);
    if (!names)
        return NULL;
    softmax_model *sm = NULL;
    if (!w || rows != K || cols != n_features || !b || brows != 1 || bcols != K) {
        rs_error_set(err, RS_EDATA, NULL, 0, "the model's weights or bias tensor is missing or of the wrong shape "
                                             "(expected %zu x %zu and 1 x %zu)", K, n_features, K);
    } else if (!(sm = calloc(1, sizeof *sm)) || !(sm->z = malloc(RS_SCORE_BATCH * K * sizeof *sm->z))) {
        rs_error_nomem(err);
        free(sm), sm = NULL;
    } else {
        *sm = (softmax_model){K, n_features, w, b, names, sm->z};
        return sm;
    }
    rs_class_names_free(names, K);
    return NULL;
}

void rs_softmax_score(void *state, const float *rows, size_t n, double *scores)
{
    softmax_model *sm = state;
    size_t K = sm->K;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)K, (int)sm->dim, 1.0f, rows, (int)sm->dim,
                sm->w, (int)sm->dim, 0.0f, sm->z, (int)K);
    for (size_t i = 0; i < n; i++) {
        const float *zi = sm->z + i * K;
        double *p = scores + i * K;
        for (size_t c = 0; c < K; c++)
            p[c] = (double)zi[c] + sm->b[c];
        rs_softmax(p, K, p);
    }
}

size_t rs_softmax_outputs(const void *state)
{
    const softmax_model *sm = state;
    return sm->K;
}

const char *rs_softmax_output_name(const void *state, size_t j)
{
    const softmax_model *sm = state;
    return sm->names[j];
}
