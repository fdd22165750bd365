/* linear.c — linreg (closed form) and logreg (Newton or OWL-QN).
 *
 * linreg centres the features and the label, accumulates X'X with dsyrk
 * block by block (double: the normal equations square the condition
 * number) and solves by Cholesky; a pivot that vanishes relative to its
 * column's variance is rank deficiency, reported by column name.
 *
 * logreg minimises  sum_i c_i log(1 + exp(-s_i (w.x_i + b))) + l2/2 |w|^2
 * + l1 |w|_1, s_i = +-1, c_i the class weight, as LIBLINEAR and
 * scikit-learn (C = 1 / l2, bias not penalised).  With l1 = 0 and up to
 * NEWTON_MAX features: Newton steps on the exact Hessian (X' D X via ssyrk,
 * one pass per step, a handful of steps) with a backtracking line search;
 * otherwise OWL-QN (L-BFGS for the orthant-wise L1 problem). */
#include "models/kind.h"
#include "models/owlqn.h"
#include "models/softmax.h"

#include "blas.h"
#include "logistic.h"
#include "eval/metrics.h"
#include "threads.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK_ROWS = 1024, NEWTON_MAX = 1024 };

typedef struct {
    const rs_dataset *d;
    const size_t *act;     /* active (non-constant) feature columns */
    size_t k;              /* their count; parameters are k + 1 (bias last) */
    int n_threads;
} problem;

/* ---- --valid: the current model on the validation table ---------------- */

/* One progress line: log loss and ROC AUC (logistic) or RMSE (linear). */
static void valid_progress(const rs_params *p, const float *w, float bias, int logistic, long iteration)
{
    const rs_dataset *v = p->valid;
    if (!v || !p->progress || v->n_rows == 0)
        return;
    float *z = malloc(v->n_rows * sizeof *z);
    double *margin = malloc(v->n_rows * sizeof *margin);
    unsigned char *labels = malloc(v->n_rows);
    if (z && margin && labels) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)v->n_rows, (int)v->n_features, 1.0f, v->x, (int)v->n_features, w,
                    1, 0.0f, z, 1);
        for (size_t i = 0; i < v->n_rows; i++)
            margin[i] = (double)z[i] + bias;
        double loss, auc;
        rs_margin_fit(margin, v->y, v->n_rows, logistic, labels, &loss, &auc);
        if (!logistic)
            rs_progress(p, "iteration %ld valid_rmse %.6g", iteration, sqrt(loss));
        else if (!isnan(auc))
            rs_progress(p, "iteration %ld valid_loss %.6g valid_auc %.6g", iteration, loss, auc);
    }
    free(z), free(margin), free(labels);
}

/* ---- linreg ---------------------------------------------------------- */

typedef struct {
    const problem *pb;
    const double *mean;    /* (k) */
    double y_mean;
    double *gram, *xty;    /* per thread: (k x k), (k) */
    double *scratch;       /* per thread: (BLOCK_ROWS x k) + (BLOCK_ROWS) */
} normal_job;

static void normal_thread(void *ctx, int t, int n_threads)
{
    normal_job *job = ctx;
    const problem *pb = job->pb;
    size_t k = pb->k, d = pb->d->n_features, begin, end;
    double *gram = job->gram + (size_t)t * k * k, *xty = job->xty + (size_t)t * k;
    double *block = job->scratch + (size_t)t * BLOCK_ROWS * (k + 1), *yc = block + BLOCK_ROWS * k;
    rs_thread_range(pb->d->n_rows, t, n_threads, &begin, &end);
    for (size_t r0 = begin; r0 < end; r0 += BLOCK_ROWS) {
        size_t rows = end - r0 < BLOCK_ROWS ? end - r0 : BLOCK_ROWS;
        for (size_t i = 0; i < rows; i++) {
            const float *x = pb->d->x + (r0 + i) * d;
            for (size_t j = 0; j < k; j++)
                block[i * k + j] = (double)x[pb->act[j]] - job->mean[j];
            yc[i] = pb->d->y[r0 + i] - job->y_mean;
        }
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)k, (int)rows, 1.0, block, (int)k, 1.0, gram,
                    (int)k);
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)rows, (int)k, 1.0, block, (int)k, yc, 1, 1.0, xty, 1);
    }
}

static rs_status linreg_fit(const problem *pb, const rs_params *p, double *w, double *bias, rs_error *err)
{
    const rs_dataset *d = pb->d;
    size_t k = pb->k, T = (size_t)pb->n_threads;
    double *mean = calloc(k + 1, sizeof *mean), y_mean = 0;
    normal_job job = {pb, mean, 0, calloc(T * k * k + 1, sizeof(double)), calloc(T * k + 1, sizeof(double)),
                      malloc(T * BLOCK_ROWS * (k + 1) * sizeof(double))};
    double *diag = malloc((k + 1) * sizeof *diag);
    rs_status st = RS_OK;
    if (!mean || !job.gram || !job.xty || !job.scratch || !diag) {
        st = rs_error_nomem(err);
        goto done;
    }
    for (size_t i = 0; i < d->n_rows; i++) {
        for (size_t j = 0; j < k; j++)
            mean[j] += d->x[i * d->n_features + pb->act[j]];
        y_mean += d->y[i];
    }
    for (size_t j = 0; j < k; j++)
        mean[j] /= (double)d->n_rows;
    job.y_mean = y_mean /= (double)d->n_rows;
    rs_parallel(pb->n_threads, normal_thread, &job);
    for (size_t t = 1; t < T; t++) {
        for (size_t j = 0; j < k * k; j++)
            job.gram[j] += job.gram[t * k * k + j];
        for (size_t j = 0; j < k; j++)
            job.xty[j] += job.xty[t * k + j];
    }
    for (size_t j = 0; j < k; j++) {
        job.gram[j * k + j] += p->l2;
        diag[j] = job.gram[j * k + j];
    }
    /* Row-major upper is column-major lower for LAPACK. */
    int n = (int)k, one = 1, info = 0;
    if (k)
        dpotrf_("L", &n, job.gram, &n, &info);
    for (size_t j = 0; j < k && st == RS_OK; j++) {
        double pivot = job.gram[j * k + j];
        if ((info > 0 && (size_t)info - 1 == j) || pivot * pivot < 1e-10 * diag[j])
            st = rs_error_set(err, RS_EDATA, NULL, 0,
                              "the features are linearly dependent: '%s' is (nearly) a combination of the "
                              "columns before it (drop it, or add --l2)",
                              d->names.items[pb->act[j]]);
        if (info > 0 && (size_t)info - 1 == j)
            break;
    }
    if (st == RS_OK && k)
        dpotrs_("L", &n, &one, job.gram, &n, job.xty, &n, &info);
    if (st == RS_OK) {
        *bias = y_mean;
        for (size_t j = 0; j < k; j++) {
            w[pb->act[j]] = job.xty[j];
            *bias -= job.xty[j] * mean[j];
        }
    }
done:
    free(mean), free(job.gram), free(job.xty), free(job.scratch), free(diag);
    return st;
}

/* ---- logreg: loss, gradient and Hessian in one pass -------------------- */

typedef struct {
    const problem *pb;
    const double *class_weight;
    const float *w;        /* (n_features), 0 on constant columns */
    float bias;
    int want_hess;
    double *loss, *grad, *hess;   /* per thread: 1, (k + 1), (k + 1)^2 */
    float *scratch;               /* per thread */
} logistic_job;

static size_t scratch_floats(size_t k, size_t d)
{
    return BLOCK_ROWS * (k + 1) + (k + 1) * (k + 1) + 2 * BLOCK_ROWS + d;
}

static void logistic_thread(void *ctx, int t, int n_threads)
{
    logistic_job *job = ctx;
    const problem *pb = job->pb;
    size_t k = pb->k, d = pb->d->n_features, kb = k + 1, begin, end;
    float *block = job->scratch + (size_t)t * scratch_floats(k, d), *h = block + BLOCK_ROWS * kb;
    float *z = h + kb * kb, *r = z + BLOCK_ROWS, *gx = r + BLOCK_ROWS;
    double *grad = job->grad + (size_t)t * kb, *hess = job->hess + (size_t)t * kb * kb, loss = 0;
    rs_thread_range(pb->d->n_rows, t, n_threads, &begin, &end);
    for (size_t r0 = begin; r0 < end; r0 += BLOCK_ROWS) {
        size_t rows = end - r0 < BLOCK_ROWS ? end - r0 : BLOCK_ROWS;
        const float *x = pb->d->x + r0 * d;
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)rows, (int)d, 1.0f, x, (int)d, job->w, 1, 0.0f, z, 1);
        double rsum = 0;
        for (size_t i = 0; i < rows; i++) {
            double y = pb->d->y[r0 + i], c = job->class_weight[y > 0.5], m = z[i] + job->bias;
            double sm = y > 0.5 ? m : -m;   /* margin s_i z_i */
            loss += c * rs_log1p_exp_neg(sm);
            double prob = rs_sigmoid(m);
            r[i] = (float)(c * (prob - y));
            rsum += r[i];
            if (job->want_hess) {
                float s = (float)sqrt(c * prob * (1 - prob));
                for (size_t j = 0; j < k; j++)
                    block[i * kb + j] = s * x[i * d + pb->act[j]];
                block[i * kb + k] = s;
            }
        }
        cblas_sgemv(CblasRowMajor, CblasTrans, (int)rows, (int)d, 1.0f, x, (int)d, r, 1, 0.0f, gx, 1);
        for (size_t j = 0; j < k; j++)
            grad[j] += gx[pb->act[j]];
        grad[k] += rsum;
        if (job->want_hess) {
            cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)kb, (int)rows, 1.0f, block, (int)kb, 0.0f,
                        h, (int)kb);
            for (size_t a = 0; a < kb; a++)
                for (size_t b = a; b < kb; b++)
                    hess[a * kb + b] += h[a * kb + b];
        }
    }
    job->loss[t] = loss;
}

typedef struct {
    problem pb;
    const rs_params *p;
    double class_weight[2];
    float *w;                          /* (n_features) */
    float w_bias;                      /* the bias of the last evaluation */
    double *loss, *grad_t, *hess_t;    /* per-thread partials */
    float *scratch;
    double *grad, *hess;               /* reduced: (k + 1), (k + 1)^2 */
} logistic;

/* f (smooth part, with l2), its gradient and optionally its Hessian at theta. */
static double logistic_eval(logistic *lg, const double *theta, int want_hess)
{
    size_t k = lg->pb.k, kb = k + 1, T = (size_t)lg->pb.n_threads;
    for (size_t j = 0; j < k; j++)
        lg->w[lg->pb.act[j]] = (float)theta[j];
    lg->w_bias = (float)theta[k];
    memset(lg->grad_t, 0, T * kb * sizeof(double));
    if (want_hess)
        memset(lg->hess_t, 0, T * kb * kb * sizeof(double));
    logistic_job job = {&lg->pb, lg->class_weight, lg->w, (float)theta[k], want_hess, lg->loss, lg->grad_t,
                        lg->hess_t, lg->scratch};
    rs_parallel(lg->pb.n_threads, logistic_thread, &job);
    double f = 0;
    memset(lg->grad, 0, kb * sizeof(double));
    for (size_t t = 0; t < T; t++) {
        f += lg->loss[t];
        for (size_t j = 0; j < kb; j++)
            lg->grad[j] += lg->grad_t[t * kb + j];
    }
    for (size_t j = 0; j < k; j++) {
        f += 0.5 * lg->p->l2 * theta[j] * theta[j];
        lg->grad[j] += lg->p->l2 * theta[j];
    }
    if (want_hess) {
        memset(lg->hess, 0, kb * kb * sizeof(double));
        for (size_t t = 0; t < T; t++)
            for (size_t j = 0; j < kb * kb; j++)
                lg->hess[j] += lg->hess_t[t * kb * kb + j];
        for (size_t j = 0; j < k; j++)
            lg->hess[j * kb + j] += lg->p->l2;
    }
    return f;
}

/* Newton: H delta = -g by Cholesky (damped if H is singular, l2 = 0),
 * then backtracking until the Armijo condition holds. */
static rs_status newton(logistic *lg, double *theta, rs_solve_report *rep, rs_error *err)
{
    size_t kb = lg->pb.k + 1;
    double *delta = malloc(kb * sizeof *delta), *trial = malloc(kb * sizeof *trial);
    double *chol = malloc(kb * kb * sizeof *chol);
    if (!delta || !trial || !chol) {
        free(delta), free(trial), free(chol);
        return rs_error_nomem(err);
    }
    double f = logistic_eval(lg, theta, 1), g0 = rs_norm2(lg->grad, kb), gn = g0;
    rep->solver = "newton";
    for (rep->iterations = 0; rep->iterations < lg->p->max_iter; rep->iterations++) {
        if (gn <= lg->p->tol * g0 || gn == 0) {
            rep->converged = 1;
            break;
        }
        int n = (int)kb, one = 1, info = 1;
        for (double damp = 0; info != 0 && damp < 1e6; damp = damp ? damp * 100 : 1e-8 * (1 + lg->hess[0])) {
            memcpy(chol, lg->hess, kb * kb * sizeof *chol);
            for (size_t j = 0; j < kb; j++)
                chol[j * kb + j] += damp;
            dpotrf_("L", &n, chol, &n, &info);
        }
        for (size_t j = 0; j < kb; j++)
            delta[j] = -lg->grad[j];
        dpotrs_("L", &n, &one, chol, &n, delta, &n, &info);
        double slope = 0, step = 1, f_new = f;
        for (size_t j = 0; j < kb; j++)
            slope += lg->grad[j] * delta[j];
        for (int tries = 0; tries < 40; tries++, step *= 0.5) {
            for (size_t j = 0; j < kb; j++)
                trial[j] = theta[j] + step * delta[j];
            f_new = logistic_eval(lg, trial, 1);
            if (f_new <= f + 1e-4 * step * slope)
                break;
        }
        memcpy(theta, trial, kb * sizeof *theta);
        double change = f - f_new;
        f = f_new;
        gn = rs_norm2(lg->grad, kb);
        rs_progress(lg->p, "iteration %ld objective %.10g grad_norm %.4g step %g", rep->iterations + 1, f, gn,
                    step);
        valid_progress(lg->p, lg->w, (float)theta[lg->pb.k], 1, rep->iterations + 1);
        if (change <= 1e-14 * fabs(f)) {   /* no progress left in double precision */
            rep->iterations++;
            rep->converged = gn <= lg->p->tol * g0 * 1e3;
            break;
        }
    }
    rep->objective = f;
    rep->grad_ratio = g0 > 0 ? gn / g0 : 0;
    free(delta), free(trial), free(chol);
    return RS_OK;
}

/* rs_owlqn's view of the binary problem: f and its gradient at theta. */
static double logistic_value(void *ctx, const double *theta, double *grad)
{
    logistic *lg = ctx;
    double f = logistic_eval(lg, theta, 0);
    memcpy(grad, lg->grad, (lg->pb.k + 1) * sizeof *grad);
    return f;
}

static void logistic_progress(void *ctx, long iteration, double objective, double grad_norm)
{
    logistic *lg = ctx;
    rs_progress(lg->p, "iteration %ld objective %.10g grad_norm %.4g", iteration, objective, grad_norm);
    valid_progress(lg->p, lg->w, lg->w_bias, 1, iteration);
}

static rs_status owlqn(logistic *lg, double *theta, rs_solve_report *rep, rs_error *err)
{
    rs_owlqn_problem pb = {lg->pb.k + 1, lg->pb.k, lg->p->l1, lg->p->tol, lg->p->max_iter, logistic_value,
                           logistic_progress, lg};
    return rs_owlqn(&pb, theta, rep, err);
}

static rs_status class_weights(const rs_dataset *d, const rs_params *p, double *cw, rs_error *err)
{
    size_t count[2], other = rs_label_classes(d, count);
    if (other)
        return rs_error_set(err, RS_EDATA, NULL, 0,
                            "logreg needs a 0/1 label or classes (integers or names), but row %zu of the "
                            "training data has %g (use --model linreg for a number)", other, d->y[other - 1]);
    if (rs_require_two_classes(d, count, err) != RS_OK)
        return err->code;
    for (int c = 0; c < 2; c++)
        cw[c] = p->balanced ? (double)d->n_rows / (2.0 * (double)count[c]) : p->class_weight[c];
    return RS_OK;
}

static rs_status logreg_fit(const problem *pb, const rs_params *p, double *w, double *bias,
                            rs_solve_report *rep, rs_error *err)
{
    size_t k = pb->k, kb = k + 1, T = (size_t)pb->n_threads, d = pb->d->n_features;
    int use_newton = p->l1 == 0 && kb <= NEWTON_MAX;
    logistic lg = {.pb = *pb, .p = p};
    rep->converged = 0;
    if (class_weights(pb->d, p, lg.class_weight, err) != RS_OK)
        return err->code;
    double *theta = calloc(kb, sizeof *theta);
    lg.w = calloc(d ? d : 1, sizeof *lg.w);
    lg.loss = calloc(T, sizeof *lg.loss);
    lg.grad_t = calloc(T * kb, sizeof *lg.grad_t);
    lg.hess_t = use_newton ? calloc(T * kb * kb, sizeof *lg.hess_t) : NULL;
    lg.scratch = malloc(T * scratch_floats(k, d) * sizeof *lg.scratch);
    lg.grad = calloc(kb, sizeof *lg.grad);
    lg.hess = use_newton ? calloc(kb * kb, sizeof *lg.hess) : NULL;
    rs_status st;
    if (!theta || !lg.w || !lg.loss || !lg.grad_t || !lg.scratch || !lg.grad ||
        (use_newton && (!lg.hess_t || !lg.hess)))
        st = rs_error_nomem(err);
    else
        st = use_newton ? newton(&lg, theta, rep, err) : owlqn(&lg, theta, rep, err);
    if (st == RS_OK) {
        for (size_t j = 0; j < k; j++)
            w[pb->act[j]] = theta[j];
        *bias = theta[k];
    }
    free(theta), free(lg.w), free(lg.loss), free(lg.grad_t), free(lg.hess_t), free(lg.scratch), free(lg.grad),
        free(lg.hess);
    return st;
}

static rs_status linear_train(const rs_dataset *d, const rs_params *params, const unsigned char *constant,
                             rs_model *m, rs_error *err)
{
    static const char *const text_only[] = {"text-bits", "word-ngrams", "char-ngrams", "tfidf", "text-norm"};
    for (size_t i = 0; i < sizeof text_only / sizeof *text_only; i++)
        if (rs_params_text(params, text_only[i]))
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "--%s is for logreg --text", text_only[i]);
    if (params->epochs || params->lr)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--%s is for logreg --text (the solvers here stop on --tol)",
                            params->epochs ? "epochs" : "lr");
    rs_params derived = *params;
    const rs_params *p = &derived;
    if (d->n_rows < 2)   /* one row has no variance to fit; OpenBLAS would be called with empty sizes */
        return rs_error_set(err, RS_EDATA, NULL, 0, "%s needs at least two training rows (the table has %zu)",
                            p->kind, d->n_rows);
    int classes = d->classes != NULL;   /* logreg on a class label: multinomial */
    if (derived.max_iter <= 0)   /* Newton needs few steps; OWL-QN many */
        derived.max_iter = p->l1 > 0 || d->n_features + 1 > NEWTON_MAX || classes ? 1000 : 100;
    if (classes)
        return rs_softmax_train(d, p, constant, m, err);
    size_t n_features = d->n_features;
    size_t *act = malloc((n_features + 1) * sizeof *act);
    double *w = calloc(n_features + 1, sizeof *w), bias = 0;
    if (!act || !w) {
        free(act), free(w);
        return rs_error_nomem(err);
    }
    problem pb = {d, act, 0, p->threads};
    for (size_t j = 0; j < n_features; j++)
        if (!constant[j])
            act[pb.k++] = j;
    rs_solve_report rep = {0, 1, 0, 0, "cholesky"};
    int logistic_kind = !strcmp(p->kind, "logreg");
    rs_status st = logistic_kind ? logreg_fit(&pb, p, w, &bias, &rep, err) : linreg_fit(&pb, p, w, &bias, err);
    float *weights = st == RS_OK ? malloc((n_features + 1) * sizeof *weights) : NULL;
    float *bias_t = st == RS_OK ? malloc(sizeof *bias_t) : NULL;
    if (st == RS_OK && (!weights || !bias_t))
        st = rs_error_nomem(err);
    if (st == RS_OK) {
        for (size_t j = 0; j < n_features; j++)
            weights[j] = (float)w[j];
        *bias_t = (float)bias;
        if (!logistic_kind)
            valid_progress(p, weights, *bias_t, 0, 1);
        if (rs_model_set_f64(m, "l2", p->l2, err) || rs_model_set_f64(m, "l1", p->l1, err) ||
            rs_model_set(m, "solver", rep.solver, err))
            st = err->code;
        if (st == RS_OK && logistic_kind &&
            (rs_model_set(m, "class_weight", p->balanced ? "balanced" : "given", err) ||
             rs_model_set_f64(m, "class_weight_0", p->balanced ? 0 : p->class_weight[0], err) ||
             rs_model_set_f64(m, "class_weight_1", p->balanced ? 0 : p->class_weight[1], err) ||
             rs_model_set_f64(m, "tol", p->tol, err) || rs_model_set_i64(m, "max_iter", p->max_iter, err) ||
             rs_model_set_i64(m, "iterations", rep.iterations, err) ||
             rs_model_set_i64(m, "converged", rep.converged, err) ||
             rs_model_set_f64(m, "objective", rep.objective, err) ||
             rs_model_set_f64(m, "grad_ratio", rep.grad_ratio, err)))
            st = err->code;
        if (st == RS_OK && logistic_kind && !rep.converged)
            rs_warn(NULL, 0, "logreg did not converge in %ld iterations (|grad| fell to %.3g of its start; "
                             "raise --max-iter, or --l2 if the classes are separable)",
                    rep.iterations, rep.grad_ratio);
    }
    if (st == RS_OK && rs_model_adopt_tensor(m, "weights", weights, 1, n_features, err) == RS_OK)
        st = rs_model_adopt_tensor(m, "bias", bias_t, 1, 1, err);
    else if (st == RS_OK)
        st = err->code, free(bias_t);
    else
        free(weights), free(bias_t);
    free(act), free(w);
    return st;
}

/* ---- scoring: one sgemv per batch --------------------------------------- */

typedef struct {
    int logistic;
    void *softmax;          /* a multinomial logreg's state (softmax.h), or NULL */
    size_t n_features;
    const float *weights;   /* (n_features), in the model's mapping */
    float bias;
    float *z;               /* (RS_SCORE_BATCH) */
} linear_model;

static void linear_unload(void *state)
{
    linear_model *lm = state;
    if (lm)
        free(lm->z), rs_softmax_unload(lm->softmax);
    free(lm);
}

static void *linear_load(const rs_model *m, size_t n_features, rs_error *err)
{
    if (rs_model_get(m, "n_classes")) {
        linear_model *lm = calloc(1, sizeof *lm);
        if (!lm)
            rs_error_nomem(err);
        else if (!(lm->softmax = rs_softmax_load(m, n_features, err)))
            free(lm), lm = NULL;
        return lm;
    }
    size_t rows, cols, brows, bcols;
    const float *weights = rs_model_tensor(m, "weights", &rows, &cols);
    const float *bias = rs_model_tensor(m, "bias", &brows, &bcols);
    if (!weights || rows != 1 || cols != n_features || !bias || brows * bcols != 1) {
        rs_error_set(err, RS_EDATA, NULL, 0, "the model's weights or bias tensor is missing or of the "
                                             "wrong shape (expected 1 x %zu and 1 x 1)", n_features);
        return NULL;
    }
    linear_model *lm = calloc(1, sizeof *lm);
    if (!lm || !(lm->z = malloc(RS_SCORE_BATCH * sizeof *lm->z))) {
        linear_unload(lm);
        rs_error_nomem(err);
        return NULL;
    }
    lm->logistic = !strcmp(rs_model_kind(m), "logreg");
    lm->n_features = n_features;
    lm->weights = weights;
    lm->bias = bias[0];
    return lm;
}

static void linear_score(void *state, const float *rows, size_t n, double *scores)
{
    linear_model *lm = state;
    size_t d = lm->n_features;
    if (lm->softmax) {
        rs_softmax_score(lm->softmax, rows, n, scores);
        return;
    }
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d, 1.0f, rows, (int)d, lm->weights, 1, 0.0f, lm->z, 1);
    for (size_t i = 0; i < n; i++) {
        double z = (double)lm->z[i] + lm->bias;
        scores[i] = lm->logistic ? rs_sigmoid(z) : z;
    }
}

static int linear_probability(const void *state)
{
    const linear_model *lm = state;
    return lm->logistic || lm->softmax;
}

static size_t linear_outputs(const void *state)
{
    const linear_model *lm = state;
    return lm->softmax ? rs_softmax_outputs(lm->softmax) : 1;
}

static const char *linear_output_name(const void *state, size_t j)
{
    const linear_model *lm = state;
    return lm->softmax ? rs_softmax_output_name(lm->softmax, j) : "score";
}

static int logreg_label_classes(const rs_params *p)
{
    (void)p;
    return 1;
}

static const rs_kind_option linreg_options[] = {
    {"l2", "0", 0, INFINITY, 0, 0, RS_SEARCH_LOG, 1e-6, 100, NULL, RS_SHARED},
    {NULL},
};

static const rs_kind_option logreg_options[] = {
    {"l2", "1", 0, INFINITY, 0, 0, RS_SEARCH_LOG, 1e-4, 100, NULL, RS_SHARED},
    {"l1", "0", 0, INFINITY, 0, 0, RS_SEARCH_LOG, 1e-4, 10, NULL, RS_SHARED},
    {"class-weight", "1,1", 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_SHARED},
    {"tol", "1e-6", 0, 1, 1, 1, RS_SEARCH_NONE, 0, 0, NULL, RS_SHARED},
    {"max-iter", NULL, 1, 1e6, 0, 0, RS_SEARCH_NONE, 0, 0,
     "100 Newton; 1000 with --l1 or > 1023 features", RS_SHARED},
    /* raw text (text_model.c); not searched: rs-tune tunes the numeric table only */
    {"text", NULL, 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_OPTION_TEXT, "COLS", NULL,
     "train on raw text: hashed n-grams, TF-IDF, SGD"},
    {"text-bits", NULL, 1, 28, 0, 0, RS_SEARCH_NONE, 0, 0, "18", RS_OPTION_INT, "B", NULL,
     "--text: 2^B hashed feature buckets"},
    {"word-ngrams", NULL, 1, 3, 0, 0, RS_SEARCH_NONE, 0, 0, "2", RS_OPTION_INT, "N", NULL,
     "--text: word n-grams of 1..N words"},
    {"char-ngrams", NULL, 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, "none", RS_OPTION_TEXT, "MIN,MAX", NULL,
     "--text: char n-grams of each word, MIN..MAX"},
    {"tfidf", NULL, 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, "on", RS_OPTION_TEXT, "on|off", NULL,
     "--text: weigh counts by idf (off: counts), rows L2-normalised"},
    {"text-norm", NULL, 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, "blocks", RS_OPTION_TEXT, "blocks|row", NULL,
     "--text: L2-normalise words and char n-grams apart (blocks) or together"},
    {"epochs", NULL, 1, 1e6, 0, 0, RS_SEARCH_NONE, 0, 0, "8 with --text", RS_SHARED},
    {"lr", NULL, 0, 100, 1, 0, RS_SEARCH_NONE, 0, 0, "3 with --text", RS_SHARED},
    {NULL},
};

#define LINEAR_FUNCTIONS                                                                  \
    .train_rows = linear_train, .rows_load = linear_load, .rows_score = linear_score,     \
    .rows_probability = linear_probability, .rows_outputs = linear_outputs,                \
    .rows_output_name = linear_output_name, .unload = linear_unload

const rs_kind rs_kind_linreg = {
    .name = "linreg",
    .family = RS_FAMILY_SUPERVISED,
    .summary = "least squares; ridge with --l2 (X'X by dsyrk, then Cholesky)",
    .options = linreg_options,
    .quick_args = "",
    LINEAR_FUNCTIONS,
};

const rs_kind rs_kind_logreg = {
    .name = "logreg",
    .family = RS_FAMILY_SUPERVISED,
    .summary = "logistic regression: 0/1 or classes (softmax); L2/L1; Newton/OWL-QN",
    .options = logreg_options,
    .quick_args = "",
    .label_classes = logreg_label_classes,
    LINEAR_FUNCTIONS,
};
