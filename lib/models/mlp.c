/* mlp.c — multilayer perceptron: sgemm forward/backward over mini-batches,
 * Adam, dropout, early stopping on a validation table (see mlp.h). */
#include "models/mlp.h"

#include "blas.h"
#include "eval/metrics.h"
#include "stats.h"
#include "threads.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rs_mlp_work {
    size_t max_batch;
    float *act[RS_MLP_MAX_HIDDEN + 2];    /* layer outputs (after activation) */
    float *mask[RS_MLP_MAX_HIDDEN + 2];   /* dropout: 0 or 1/keep */
    float *dropped[RS_MLP_MAX_HIDDEN + 2];
    float *delta[2];
};

size_t rs_mlp_n_params(const rs_mlp_shape *shape)
{
    size_t n = 0;
    for (size_t l = 0; l < shape->n_layers; l++)
        n += (shape->sizes[l] + 1) * shape->sizes[l + 1];
    return n;
}

rs_mlp_work *rs_mlp_work_new(const rs_mlp_shape *shape, size_t max_batch)
{
    rs_mlp_work *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->max_batch = max_batch;
    size_t widest = 1;
    int ok = 1;
    for (size_t l = 0; l <= shape->n_layers; l++) {
        size_t s = shape->sizes[l];
        widest = s > widest ? s : widest;
        if (l == 0)
            continue;
        ok &= (w->act[l] = malloc(max_batch * s * sizeof(float))) != NULL;
        if (l < shape->n_layers) {
            ok &= (w->mask[l] = malloc(max_batch * s * sizeof(float))) != NULL;
            ok &= (w->dropped[l] = malloc(max_batch * s * sizeof(float))) != NULL;
        }
    }
    for (int i = 0; i < 2; i++)
        ok &= (w->delta[i] = malloc(max_batch * widest * sizeof(float))) != NULL;
    if (!ok) {
        rs_mlp_work_free(w);
        return NULL;
    }
    return w;
}

void rs_mlp_work_free(rs_mlp_work *w)
{
    if (!w)
        return;
    for (size_t l = 0; l < RS_MLP_MAX_HIDDEN + 2; l++)
        free(w->act[l]), free(w->mask[l]), free(w->dropped[l]);
    free(w->delta[0]), free(w->delta[1]);
    free(w);
}

static float activate(int kind, float z)
{
    switch (kind) {
    case RS_ACT_RELU: return z > 0 ? z : 0;
    case RS_ACT_TANH: return tanhf(z);
    default: return 1 / (1 + expf(-z));
    }
}

/* The activation's derivative from its output a. */
static float activation_slope(int kind, float a)
{
    switch (kind) {
    case RS_ACT_RELU: return a > 0 ? 1.0f : 0.0f;
    case RS_ACT_TANH: return 1 - a * a;
    default: return a * (1 - a);
    }
}

const float *rs_mlp_forward(const rs_mlp_shape *shape, const float *params, const float *x, size_t n,
                            rs_mlp_work *w, float dropout, rs_rng *rng)
{
    const float *in = x;
    const float *layer = params;
    for (size_t l = 0; l < shape->n_layers; l++) {
        size_t a = shape->sizes[l], b = shape->sizes[l + 1];
        const float *weight = layer, *bias = layer + a * b;
        float *z = w->act[l + 1];
        for (size_t i = 0; i < n; i++)
            memcpy(z + i * b, bias, b * sizeof *z);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)b, (int)a, 1.0f, in, (int)a, weight,
                    (int)b, 1.0f, z, (int)b);
        in = z;
        if (l + 1 < shape->n_layers) {
            for (size_t i = 0; i < n * b; i++)
                z[i] = activate(shape->activation, z[i]);
            if (dropout > 0) {
                float keep = 1 - dropout, *mask = w->mask[l + 1], *out = w->dropped[l + 1];
                for (size_t i = 0; i < n * b; i++) {
                    mask[i] = rs_rng_uniform(rng) < keep ? 1 / keep : 0;
                    out[i] = z[i] * mask[i];
                }
                in = out;
            }
        }
        layer += (a + 1) * b;
    }
    return w->act[shape->n_layers];
}

double rs_mlp_loss_grad(const rs_mlp_shape *shape, const float *params, const float *x, const float *y,
                        size_t n, float *grad, rs_mlp_work *w, float dropout, rs_rng *rng)
{
    const float *out = rs_mlp_forward(shape, params, x, n, w, dropout, rng);
    float *dz = w->delta[0], *din = w->delta[1];
    double loss = rs_mlp_output_loss(shape, out, y, n, dz);
    size_t offset = rs_mlp_n_params(shape);
    for (size_t l = shape->n_layers; l-- > 0;) {
        size_t a = shape->sizes[l], b = shape->sizes[l + 1];
        offset -= (a + 1) * b;
        const float *weight = params + offset;
        float *g_weight = grad + offset, *g_bias = g_weight + a * b;
        const float *in = l == 0 ? x : dropout > 0 ? w->dropped[l] : w->act[l];
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)a, (int)b, (int)n, 1.0f, in, (int)a, dz, (int)b,
                    0.0f, g_weight, (int)b);
        for (size_t j = 0; j < b; j++)
            g_bias[j] = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < b; j++)
                g_bias[j] += dz[i * b + j];
        if (l == 0)
            break;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)a, (int)b, 1.0f, dz, (int)b, weight,
                    (int)b, 0.0f, din, (int)a);
        const float *act = w->act[l], *mask = dropout > 0 ? w->mask[l] : NULL;
        for (size_t i = 0; i < n * a; i++)
            din[i] *= activation_slope(shape->activation, act[i]) * (mask ? mask[i] : 1.0f);
        float *swap = dz;
        dz = din, din = swap;
    }
    return loss;
}

/* ---- training ---------------------------------------------------------- */

float rs_mlp_quantile_share(const float *q, size_t n, float x)
{
    size_t below = 0, at_most = 0, hi = n;   /* below: quantiles < x; at_most: <= x */
    while (below < hi) {
        size_t mid = below + (hi - below) / 2;
        if (q[mid] < x)
            below = mid + 1;
        else
            hi = mid;
    }
    for (at_most = below, hi = n; at_most < hi;) {   /* past the tied run, if any */
        size_t mid = at_most + (hi - at_most) / 2;
        if (q[mid] <= x)
            at_most = mid + 1;
        else
            hi = mid;
    }
    double last = (double)(n > 1 ? n - 1 : 1);
    if (at_most > below)
        return (float)((double)(below + at_most - 1) / 2 / last);
    if (below == 0)
        return 0;
    if (below == n)
        return 1;
    double t = ((double)x - q[below - 1]) / ((double)q[below] - q[below - 1]);
    return (float)(((double)(below - 1) + t) / last);
}

void rs_mlp_standardize(const rs_mlp_input *in, const float *x, size_t d, float *out)
{
    for (size_t j = 0; j < d; j++) {
        float v = in->quantiles ? rs_mlp_quantile_share(in->quantiles + j * RS_MLP_QUANTILES, RS_MLP_QUANTILES, x[j])
                                : x[j];
        out[j] = (v - in->mean[j]) * in->scale[j];
    }
}

typedef struct {
    rs_mlp_shape shape;
    float *params, *grad, *adam_m, *adam_v, *best;
    float *mean, *scale;   /* input standardisation: (u - mean) * scale */
    float *quantiles;      /* (dim x RS_MLP_QUANTILES) --scaling quantile, or NULL */
    /* (n_rows x dim) the training and validation rows through the quantile
     * map once (owned), not once per epoch; NULL without it */
    float *mapped_train, *mapped_valid;
    const float *train_x, *valid_x;   /* the rows standardised: mapped, or the tables' own */
    rs_mlp_input input;    /* (u - mean) * scale of those rows: no quantiles */
    float *xb, *yb;        /* one batch (at least RS_SCORE_BATCH rows: evaluate's) */
    size_t *order;
    double *scores;
    unsigned char *labels;
    rs_mlp_work *work;          /* evaluation */
    int n_threads;              /* each mini-batch is split over them */
    size_t batch;
    float *tgrad, *txb, *tyb;   /* per thread: gradient, batch rows, labels */
    double *tloss;
    rs_mlp_work **twork;
} trainer;

static void trainer_free(trainer *t)
{
    free(t->params), free(t->grad), free(t->adam_m), free(t->adam_v), free(t->best), free(t->mean);
    free(t->quantiles), free(t->mapped_train), free(t->mapped_valid);
    free(t->scale), free(t->xb), free(t->yb), free(t->order), free(t->scores), free(t->labels);
    rs_mlp_work_free(t->work);
    for (int th = 0; t->twork && th < t->n_threads; th++)
        rs_mlp_work_free(t->twork[th]);
    free(t->twork), free(t->tgrad), free(t->txb), free(t->tyb), free(t->tloss);
}

/* Per-thread buffers: each thread takes a slice of every mini-batch. */
static rs_status alloc_threads(trainer *t, size_t np, size_t dim, rs_error *err)
{
    size_t n = (size_t)t->n_threads;
    t->tgrad = malloc(n * np * sizeof(float));
    t->txb = malloc(n * t->batch * (dim + 1) * sizeof(float));
    t->tyb = malloc(n * t->batch * sizeof(float));
    t->tloss = calloc(n, sizeof(double));
    t->twork = calloc(n, sizeof *t->twork);
    if (!t->tgrad || !t->txb || !t->tyb || !t->tloss || !t->twork)
        return rs_error_nomem(err);
    for (size_t th = 0; th < n; th++)
        if (!(t->twork[th] = rs_mlp_work_new(&t->shape, t->batch)))
            return rs_error_nomem(err);
    return RS_OK;
}

/* The default width, from the data (issue 18): one hidden layer of the
 * power of two at or above twice the features, 16 to 256 units: room to
 * combine every pair of inputs without a wide layer over a few.  The
 * Online Shoppers encoding (30 features) gets 64, the width hand-picked
 * for it before.  The model records it (hidden). */
static size_t default_width(size_t n_features)
{
    size_t width = 16;
    while (width < 2 * n_features && width < 256)
        width *= 2;
    return width;
}

/* The output layer: softmax over the classes of a class label (the
 * dataset has classes: mlp_label_classes), else bce for a 0/1 label and
 * squared for a number, unless --loss says otherwise. */
static rs_status parse_loss(const rs_params *p, const rs_dataset *d, rs_mlp_shape *shape, rs_error *err)
{
    size_t count[2];
    int binary = !d->classes && rs_label_classes(d, count) == 0;
    int given = p->loss ? rs_mlp_loss_code(p->loss) : -1;
    if (p->loss && given < 0)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --loss '%s' (expected bce, squared or softmax)",
                            p->loss);
    shape->loss = d->classes ? RS_MLP_SOFTMAX : p->loss ? given : binary ? RS_MLP_BCE : RS_MLP_SQUARED;
    if (shape->loss == RS_MLP_SOFTMAX && !d->classes)
        return rs_error_set(err, RS_EDATA, NULL, 0, "--loss softmax needs a class label (this one is %s)",
                            binary ? "0/1: use --loss bce" : "a number with a fraction: use --loss squared");
    if (shape->loss == RS_MLP_BCE && !binary)
        return rs_error_set(err, RS_EDATA, NULL, 0, "--loss bce needs a 0/1 label (use --loss squared)");
    if (shape->loss == RS_MLP_SOFTMAX) {
        shape->sizes[shape->n_layers] = rs_dataset_n_classes(d);
        return rs_require_classes(d, err);
    }
    return shape->loss == RS_MLP_BCE ? rs_require_two_classes(d, count, err) : RS_OK;
}

static rs_status parse_shape(const rs_params *p, const rs_dataset *d, rs_mlp_shape *shape, rs_error *err)
{
    int derived = p->n_hidden == 0 && !p->no_hidden;
    shape->n_layers = (derived ? 1 : p->n_hidden) + 1;
    shape->sizes[0] = d->n_features;
    for (size_t l = 0; l < p->n_hidden; l++)
        shape->sizes[l + 1] = p->hidden[l];
    if (derived)
        shape->sizes[1] = default_width(d->n_features);
    shape->sizes[shape->n_layers] = 1;
    const char *act = p->activation ? p->activation : "relu";
    if (!strcmp(act, "relu"))
        shape->activation = RS_ACT_RELU;
    else if (!strcmp(act, "tanh"))
        shape->activation = RS_ACT_TANH;
    else if (!strcmp(act, "sigmoid"))
        shape->activation = RS_ACT_SIGMOID;
    else
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --activation '%s' (expected relu, tanh or sigmoid)",
                            act);
    return parse_loss(p, d, shape, err);
}

/* Each feature's RS_MLP_QUANTILES training quantiles (type 7, as NumPy). */
static rs_status fit_quantiles(trainer *t, const rs_dataset *d, rs_error *err)
{
    size_t dim = d->n_features, n = d->n_rows;
    double *column = malloc((n + 1) * sizeof *column);
    if (!column || !(t->quantiles = malloc((dim * RS_MLP_QUANTILES + 1) * sizeof(float)))) {
        free(column);
        return rs_error_nomem(err);
    }
    for (size_t j = 0; j < dim; j++) {
        for (size_t i = 0; i < n; i++)
            column[i] = d->x[i * dim + j];
        rs_sort_doubles(column, n);
        for (size_t k = 0; k < RS_MLP_QUANTILES; k++)
            t->quantiles[j * RS_MLP_QUANTILES + k] =
                (float)rs_quantile_sorted(column, n, (double)k / (RS_MLP_QUANTILES - 1));
    }
    free(column);
    return RS_OK;
}

/* A table's rows through the quantile map: a new (n_rows x dim) array. */
static float *map_rows(const trainer *t, const rs_dataset *d)
{
    size_t dim = d->n_features;
    float *out = malloc((d->n_rows * dim + 1) * sizeof *out);
    for (size_t i = 0; out && i < d->n_rows; i++)
        for (size_t j = 0; j < dim; j++)
            out[i * dim + j] = rs_mlp_quantile_share(t->quantiles + j * RS_MLP_QUANTILES, RS_MLP_QUANTILES,
                                                     d->x[i * dim + j]);
    return out;
}

/* mean and 1 / sd of each input as the network sees it before them (after
 * the quantile map, if any); 0 for a constant one. */
static void fit_standardize(trainer *t, const rs_dataset *d, const unsigned char *constant)
{
    size_t dim = d->n_features;
    const float *x = t->train_x;
    for (size_t j = 0; j < dim; j++) {
        double sum = 0, sq = 0;
        for (size_t i = 0; i < d->n_rows; i++)
            sum += x[i * dim + j];
        double mu = sum / (double)d->n_rows;
        for (size_t i = 0; i < d->n_rows; i++) {
            double v = x[i * dim + j];
            sq += (v - mu) * (v - mu);
        }
        double sd = sqrt(sq / (double)d->n_rows);
        t->mean[j] = (float)mu;
        t->scale[j] = constant[j] || sd == 0 ? 0.0f : (float)(1 / sd);
    }
}

static rs_status trainer_init(trainer *t, const rs_dataset *d, const rs_params *p,
                              const unsigned char *constant, rs_error *err)
{
    if (parse_shape(p, d, &t->shape, err) != RS_OK)
        return err->code;
    size_t np = rs_mlp_n_params(&t->shape), dim = d->n_features, batch = (size_t)p->batch;
    size_t n_score = p->valid ? p->valid->n_rows : 1;
    t->params = malloc(np * sizeof(float));
    t->grad = malloc(np * sizeof(float));
    t->adam_m = calloc(np, sizeof(float));
    t->adam_v = calloc(np, sizeof(float));
    t->best = malloc(np * sizeof(float));
    t->mean = calloc(dim + 1, sizeof(float));
    t->scale = calloc(dim + 1, sizeof(float));
    t->xb = malloc((batch > RS_SCORE_BATCH ? batch : RS_SCORE_BATCH) * (dim + 1) * sizeof(float));
    t->yb = malloc((batch > RS_SCORE_BATCH ? batch : RS_SCORE_BATCH) * sizeof(float));
    t->order = malloc(d->n_rows * sizeof(size_t));
    t->scores = malloc(n_score * sizeof(double));
    t->labels = malloc(n_score);
    t->work = rs_mlp_work_new(&t->shape, batch > RS_SCORE_BATCH ? batch : RS_SCORE_BATCH);
    if (!t->params || !t->grad || !t->adam_m || !t->adam_v || !t->best || !t->mean || !t->scale || !t->xb ||
        !t->yb || !t->order || !t->scores || !t->labels || !t->work)
        return rs_error_nomem(err);
    t->n_threads = p->threads > 0 ? p->threads : 1;
    t->batch = batch;
    if (alloc_threads(t, np, dim, err) != RS_OK)
        return err->code;
    const char *scaling = rs_params_text(p, "scaling");
    if (scaling && !strcmp(scaling, "quantile") && fit_quantiles(t, d, err) != RS_OK)
        return err->code;
    if (t->quantiles && (!(t->mapped_train = map_rows(t, d)) ||
                         (p->valid && !(t->mapped_valid = map_rows(t, p->valid)))))
        return rs_error_nomem(err);
    t->train_x = t->quantiles ? t->mapped_train : d->x;
    t->valid_x = t->quantiles ? t->mapped_valid : p->valid ? p->valid->x : NULL;
    t->input = (rs_mlp_input){NULL, t->mean, t->scale};
    fit_standardize(t, d, constant);
    return RS_OK;
}

/* Glorot-uniform weights (He for relu), zero biases. */
static void init_params(trainer *t, rs_rng *rng)
{
    float *layer = t->params;
    for (size_t l = 0; l < t->shape.n_layers; l++) {
        size_t a = t->shape.sizes[l], b = t->shape.sizes[l + 1];
        double limit = t->shape.activation == RS_ACT_RELU && l + 1 < t->shape.n_layers ? sqrt(6.0 / (double)a)
                                                                                        : sqrt(6.0 / (double)(a + b));
        for (size_t i = 0; i < a * b; i++)
            layer[i] = (float)((2 * rs_rng_uniform(rng) - 1) * limit);
        memset(layer + a * b, 0, b * sizeof(float));
        layer += (a + 1) * b;
    }
}

/* Adam with bias correction; l2 decays weights, not biases. */
static void adam_step(trainer *t, const rs_params *p, long step)
{
    const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    double c1 = 1 - pow(beta1, (double)step), c2 = 1 - pow(beta2, (double)step);
    size_t i = 0;
    for (size_t l = 0; l < t->shape.n_layers; l++) {
        size_t a = t->shape.sizes[l], b = t->shape.sizes[l + 1];
        for (size_t e = 0; e < (a + 1) * b; e++, i++) {
            double g = t->grad[i] + (e < a * b ? p->l2 * t->params[i] : 0);
            t->adam_m[i] = (float)(beta1 * t->adam_m[i] + (1 - beta1) * g);
            t->adam_v[i] = (float)(beta2 * t->adam_v[i] + (1 - beta2) * g * g);
            t->params[i] -= (float)(p->lr * (t->adam_m[i] / c1) / (sqrt(t->adam_v[i] / c2) + eps));
        }
    }
}

/* The class of the largest logit, the first of a tie (as rs-predict). */
static size_t best_class(const float *z, size_t K)
{
    size_t best = 0;
    for (size_t k = 1; k < K; k++)
        best = z[k] > z[best] ? k : best;
    return best;
}

/* Mean loss of the current network on a table (x: its rows as
 * standardised, t->train_x's or t->valid_x's), and its AUC (bce, squared)
 * or accuracy (softmax). */
static void evaluate(trainer *t, const rs_dataset *d, const float *x, double *loss, double *quality)
{
    size_t dim = d->n_features, K = t->shape.sizes[t->shape.n_layers], hits = 0;
    double total = 0;
    for (size_t r0 = 0; r0 < d->n_rows; r0 += RS_SCORE_BATCH) {
        size_t rows = d->n_rows - r0 < RS_SCORE_BATCH ? d->n_rows - r0 : RS_SCORE_BATCH;
        for (size_t i = 0; i < rows; i++) {
            rs_mlp_standardize(&t->input, x + (r0 + i) * dim, dim, t->xb + i * dim);
            t->yb[i] = (float)d->y[r0 + i];
        }
        const float *out = rs_mlp_forward(&t->shape, t->params, t->xb, rows, t->work, 0, NULL);
        if (t->shape.loss == RS_MLP_SOFTMAX) {
            total += rs_mlp_output_loss(&t->shape, out, t->yb, rows, NULL) * (double)rows;
            for (size_t i = 0; i < rows; i++)
                hits += best_class(out + i * K, K) == (size_t)t->yb[i];
            continue;
        }
        for (size_t i = 0; i < rows; i++)
            t->scores[r0 + i] = out[i];
    }
    if (t->shape.loss == RS_MLP_SOFTMAX) {
        *loss = total / (double)d->n_rows;
        *quality = (double)hits / (double)d->n_rows;
        return;
    }
    rs_margin_fit(t->scores, d->y, d->n_rows, t->shape.loss == RS_MLP_BCE, t->labels, loss, quality);
    if (t->shape.loss == RS_MLP_SQUARED)   /* the training loss: (z - y)^2 / 2 */
        *loss *= 0.5;
}

typedef struct {
    trainer *t;
    const rs_dataset *d;
    float dropout;
    size_t r0, rows;       /* the batch: order[r0 .. r0 + rows) */
    uint64_t seed;         /* this batch's dropout masks */
} batch_job;

/* Thread th's slice of the batch: its gradient summed (not averaged) over
 * its rows, its loss likewise. */
static void batch_thread(void *ctx, int th, int n_threads)
{
    batch_job *job = ctx;
    trainer *t = job->t;
    size_t begin, end, dim = job->d->n_features, np = rs_mlp_n_params(&t->shape);
    rs_thread_range(job->rows, th, n_threads, &begin, &end);
    float *grad = t->tgrad + (size_t)th * np, *xb = t->txb + (size_t)th * t->batch * (dim + 1);
    float *yb = t->tyb + (size_t)th * t->batch;
    size_t n = end - begin;
    t->tloss[th] = 0;
    if (n == 0) {
        memset(grad, 0, np * sizeof *grad);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        size_t row = t->order[job->r0 + begin + i];
        rs_mlp_standardize(&t->input, t->train_x + row * dim, dim, xb + i * dim);
        yb[i] = (float)job->d->y[row];
    }
    rs_rng rng;
    rs_rng_seed(&rng, job->seed + (uint64_t)th * 0x9E3779B97F4A7C15ull);
    t->tloss[th] = rs_mlp_loss_grad(&t->shape, t->params, xb, yb, n, grad, t->twork[th], job->dropout, &rng) *
                   (double)n;
    for (size_t j = 0; j < np; j++)
        grad[j] *= (float)n;
}

/* One pass in a seeded order; each mini-batch split over the threads, the
 * slices' gradients added in thread order (the same -j, the same bytes). */
static double train_epoch(trainer *t, const rs_dataset *d, const rs_params *p, rs_rng *rng, long *step)
{
    size_t n = d->n_rows, batch = (size_t)p->batch, np = rs_mlp_n_params(&t->shape);
    for (size_t i = n; i > 1; i--) {   /* Fisher-Yates */
        size_t j = (size_t)rs_rng_below(rng, i), tmp = t->order[i - 1];
        t->order[i - 1] = t->order[j], t->order[j] = tmp;
    }
    double total = 0;
    for (size_t r0 = 0; r0 < n; r0 += batch) {
        size_t rows = n - r0 < batch ? n - r0 : batch;
        /* Threads pay off only when a slice is worth a thread start. */
        int threads = rows * np < ((size_t)1 << 21) ? 1 : (size_t)t->n_threads < rows ? t->n_threads : (int)rows;
        batch_job job = {t, d, (float)p->dropout, r0, rows, rs_rng_next(rng)};
        rs_parallel(threads, batch_thread, &job);
        memcpy(t->grad, t->tgrad, np * sizeof *t->grad);
        for (int th = 1; th < threads; th++)
            for (size_t j = 0; j < np; j++)
                t->grad[j] += t->tgrad[(size_t)th * np + j];
        for (size_t j = 0; j < np; j++)
            t->grad[j] /= (float)rows;
        for (int th = 0; th < threads; th++)
            total += t->tloss[th];
        adam_step(t, p, ++*step);
    }
    return total / (double)n;
}

static rs_status save_network(trainer *t, const rs_params *p, rs_model *m, long epochs_run, long best_epoch,
                              double best_loss, rs_error *err)
{
    static const char *const act_names[] = {"relu", "tanh", "sigmoid"};
    char hidden[256] = "", name[64];
    size_t used = 0;
    for (size_t l = 1; l < t->shape.n_layers; l++)   /* as trained: given or derived */
        used += (size_t)snprintf(hidden + used, sizeof hidden - used, "%s%zu", l > 1 ? "," : "", t->shape.sizes[l]);
    if (rs_model_set(m, "hidden", t->shape.n_layers > 1 ? hidden : "none", err) ||
        rs_model_set(m, "activation", act_names[t->shape.activation], err) ||
        rs_model_set(m, "loss", rs_mlp_loss_name(t->shape.loss), err) ||
        rs_model_set_f64(m, "dropout", p->dropout, err) || rs_model_set_f64(m, "lr", p->lr, err) ||
        rs_model_set_f64(m, "l2", p->l2, err) || rs_model_set_i64(m, "batch", p->batch, err) ||
        rs_model_set_i64(m, "epochs", p->epochs, err) || rs_model_set_i64(m, "epochs_run", epochs_run, err) ||
        rs_model_set_i64(m, "seed", (int64_t)p->seed, err))
        return err->code;
    if (p->valid && (rs_model_set_i64(m, "best_epoch", best_epoch, err) ||
                     rs_model_set_f64(m, "valid_loss", best_loss, err)))
        return err->code;
    size_t dim = t->shape.sizes[0];
    if (rs_model_add_copy(m, "input_mean", t->mean, 1, dim, err) ||
        rs_model_add_copy(m, "input_scale", t->scale, 1, dim, err))
        return err->code;
    /* zscore models keep the keys and tensors they had before --scaling */
    if (t->quantiles && (rs_model_set(m, "scaling", "quantile", err) ||
                         rs_model_add_copy(m, "input_quantiles", t->quantiles, dim, RS_MLP_QUANTILES, err)))
        return err->code;
    const float *layer = t->params;
    for (size_t l = 0; l < t->shape.n_layers; l++) {
        size_t a = t->shape.sizes[l], b = t->shape.sizes[l + 1];
        snprintf(name, sizeof name, "layer%zu_weight", l + 1);
        if (rs_model_add_copy(m, name, layer, a, b, err))
            return err->code;
        snprintf(name, sizeof name, "layer%zu_bias", l + 1);
        if (rs_model_add_copy(m, name, layer + a * b, 1, b, err))
            return err->code;
        layer += (a + 1) * b;
    }
    return RS_OK;
}

static rs_status fit(trainer *t, const rs_dataset *d, const rs_params *p, rs_model *m, rs_error *err)
{
    rs_rng rng;
    rs_rng_seed(&rng, p->seed);
    init_params(t, &rng);
    for (size_t i = 0; i < d->n_rows; i++)
        t->order[i] = i;
    size_t np = rs_mlp_n_params(&t->shape);
    long step = 0, epoch, best_epoch = 0, stale = 0;
    double best_loss = INFINITY;
    for (epoch = 1; epoch <= p->epochs; epoch++) {
        double train_loss = train_epoch(t, d, p, &rng, &step), valid_loss, quality;
        if (!isfinite(train_loss))
            return rs_error_set(err, RS_EDATA, NULL, 0, "mlp training diverged at epoch %ld (lower --lr)", epoch);
        if (!p->valid) {
            rs_progress(p, "epoch %ld train_loss %.6g", epoch, train_loss);
            continue;
        }
        evaluate(t, p->valid, t->valid_x, &valid_loss, &quality);
        rs_progress(p, "epoch %ld train_loss %.6g valid_loss %.6g valid_%s %.6g", epoch, train_loss, valid_loss,
                    t->shape.loss == RS_MLP_SOFTMAX ? "accuracy" : "auc", quality);
        if (valid_loss < best_loss) {
            best_loss = valid_loss, best_epoch = epoch, stale = 0;
            memcpy(t->best, t->params, np * sizeof(float));
        } else if (++stale >= p->patience) {
            rs_progress(p, "early stop: no better valid_loss for %ld epochs; keeping epoch %ld", stale, best_epoch);
            epoch++;
            break;
        }
    }
    if (p->valid)
        memcpy(t->params, t->best, np * sizeof(float));
    return save_network(t, p, m, epoch - 1, best_epoch, best_loss, err);
}

static rs_status mlp_train(const rs_dataset *d, const rs_params *p, const unsigned char *constant, rs_model *m,
                          rs_error *err)
{
    trainer t = {0};
    rs_status st = trainer_init(&t, d, p, constant, err);
    if (st == RS_OK)
        st = fit(&t, d, p, m, err);
    trainer_free(&t);
    return st;
}

/* ---- loading ----------------------------------------------------------- */

static rs_status parse_saved_shape(const rs_model *m, size_t n_features, rs_mlp_shape *shape, rs_error *err)
{
    const char *hidden = rs_model_get(m, "hidden"), *act = rs_model_get(m, "activation");
    const char *loss = rs_model_get(m, "loss");
    if (!hidden || !act || !loss)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the mlp model lacks its hidden, activation or loss key");
    shape->n_layers = 1;
    shape->sizes[0] = n_features;
    for (const char *s = hidden; strcmp(hidden, "none") && *s;) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s || v == 0 || v > 1u << 20 || shape->n_layers > RS_MLP_MAX_HIDDEN || (*end && *end != ','))
            return rs_error_set(err, RS_EDATA, NULL, 0, "the mlp model's hidden '%s' is malformed", hidden);
        shape->sizes[shape->n_layers++] = v;
        s = *end ? end + 1 : end;
    }
    shape->sizes[shape->n_layers] = 1;
    shape->activation = !strcmp(act, "relu") ? RS_ACT_RELU : !strcmp(act, "tanh") ? RS_ACT_TANH
                      : !strcmp(act, "sigmoid") ? RS_ACT_SIGMOID : -1;
    shape->loss = rs_mlp_loss_code(loss);
    if (shape->activation < 0 || shape->loss < 0)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the mlp model's activation '%s' or loss '%s' is unknown", act,
                            loss);
    int64_t K;
    if (shape->loss == RS_MLP_SOFTMAX) {   /* one output per class */
        if (rs_model_get_i64(m, "n_classes", &K, err) != RS_OK)
            return err->code;
        if (K < 2 || K > RS_MAX_CLASSES)
            return rs_error_set(err, RS_EDATA, NULL, 0, "the mlp model's n_classes %lld is out of range (2..%d)",
                                (long long)K, RS_MAX_CLASSES);
        shape->sizes[shape->n_layers] = (size_t)K;
    }
    return RS_OK;
}

/* --scaling quantile's tensor into *quantiles; a model without the key
 * (zscore, or older than the option) leaves it NULL. */
static rs_status load_quantiles(const rs_model *m, size_t n_features, float **quantiles, rs_error *err)
{
    const char *scaling = rs_model_get(m, "scaling");
    if (!scaling)
        return RS_OK;
    if (strcmp(scaling, "quantile"))
        return rs_error_set(err, RS_EDATA, NULL, 0, "the mlp model's scaling '%s' is unknown (expected quantile)",
                            scaling);
    const float *q = rs_model_need(m, "input_quantiles", n_features, RS_MLP_QUANTILES, err);
    if (!q)
        return err->code;
    if (!(*quantiles = malloc((n_features * RS_MLP_QUANTILES + 1) * sizeof(float))))
        return rs_error_nomem(err);
    memcpy(*quantiles, q, n_features * RS_MLP_QUANTILES * sizeof(float));
    return RS_OK;
}

rs_status rs_mlp_load(const rs_model *m, size_t n_features, rs_mlp_shape *shape, float **params, float **mean,
                      float **scale, float **quantiles, rs_error *err)
{
    *params = *mean = *scale = *quantiles = NULL;
    if (load_quantiles(m, n_features, quantiles, err) != RS_OK)
        return err->code;
    if (parse_saved_shape(m, n_features, shape, err) != RS_OK)
        return err->code;
    const float *mu = rs_model_need(m, "input_mean", 1, n_features, err);
    const float *sc = mu ? rs_model_need(m, "input_scale", 1, n_features, err) : NULL;
    if (!sc)
        return err->code;
    *params = malloc(rs_mlp_n_params(shape) * sizeof(float));
    *mean = malloc((n_features + 1) * sizeof(float));
    *scale = malloc((n_features + 1) * sizeof(float));
    if (!*params || !*mean || !*scale)
        return rs_error_nomem(err);
    memcpy(*mean, mu, n_features * sizeof(float));
    memcpy(*scale, sc, n_features * sizeof(float));
    float *layer = *params;
    char name[64];
    for (size_t l = 0; l < shape->n_layers; l++) {
        size_t a = shape->sizes[l], b = shape->sizes[l + 1];
        snprintf(name, sizeof name, "layer%zu_weight", l + 1);
        const float *w = rs_model_need(m, name, a, b, err);
        snprintf(name, sizeof name, "layer%zu_bias", l + 1);
        const float *bias = w ? rs_model_need(m, name, 1, b, err) : NULL;
        if (!bias)
            return err->code;
        memcpy(layer, w, a * b * sizeof(float));
        memcpy(layer + a * b, bias, b * sizeof(float));
        layer += (a + 1) * b;
    }
    return RS_OK;
}

/* ---- scoring ------------------------------------------------------------ */

typedef struct {
    rs_mlp_shape shape;
    size_t n_features;
    float *params, *mean, *scale;   /* owned copies */
    float *quantiles;               /* owned, or NULL (zscore) */
    rs_mlp_input input;             /* views of the three */
    float *xb;                      /* (RS_SCORE_BATCH x n_features) standardised rows */
    rs_mlp_work *work;
    char **class_names;             /* softmax: (K) the classes in code order; else NULL */
} mlp_model;

static void mlp_unload(void *state)
{
    mlp_model *mm = state;
    if (!mm)
        return;
    rs_class_names_free(mm->class_names, mm->shape.sizes[mm->shape.n_layers]);
    free(mm->params), free(mm->mean), free(mm->scale), free(mm->quantiles), free(mm->xb);
    rs_mlp_work_free(mm->work);
    free(mm);
}

static void *mlp_load(const rs_model *m, size_t n_features, rs_error *err)
{
    mlp_model *mm = calloc(1, sizeof *mm);
    if (!mm) {
        rs_error_nomem(err);
        return NULL;
    }
    mm->n_features = n_features;
    if (rs_mlp_load(m, n_features, &mm->shape, &mm->params, &mm->mean, &mm->scale, &mm->quantiles, err) != RS_OK) {
        mlp_unload(mm);
        return NULL;
    }
    mm->input = (rs_mlp_input){mm->quantiles, mm->mean, mm->scale};
    size_t K = mm->shape.sizes[mm->shape.n_layers], named = 0;
    if (mm->shape.loss == RS_MLP_SOFTMAX &&
        (!(mm->class_names = rs_class_names_new(m, &named, err)) || named != K)) {
        if (mm->class_names)
            rs_error_set(err, RS_EDATA, NULL, 0, "the mlp model names %zu classes but n_classes is %zu", named, K);
        rs_class_names_free(mm->class_names, named);
        mm->class_names = NULL;
        mlp_unload(mm);
        return NULL;
    }
    if (!(mm->xb = malloc(RS_SCORE_BATCH * n_features * sizeof *mm->xb)) ||
        !(mm->work = rs_mlp_work_new(&mm->shape, RS_SCORE_BATCH))) {
        mlp_unload(mm);
        rs_error_nomem(err);
        return NULL;
    }
    return mm;
}

static void mlp_score(void *state, const float *rows, size_t n, double *scores)
{
    mlp_model *mm = state;
    size_t d = mm->n_features;
    for (size_t i = 0; i < n; i++)
        rs_mlp_standardize(&mm->input, rows + i * d, d, mm->xb + i * d);
    const float *out = rs_mlp_forward(&mm->shape, mm->params, mm->xb, n, mm->work, 0, NULL);
    rs_mlp_output_scores(&mm->shape, out, n, scores);
}

static int mlp_probability(const void *state)
{
    const mlp_model *mm = state;
    return mm->shape.loss != RS_MLP_SQUARED;
}

static size_t mlp_outputs(const void *state)
{
    const mlp_model *mm = state;
    return mm->shape.loss == RS_MLP_SOFTMAX ? mm->shape.sizes[mm->shape.n_layers] : 1;
}

static const char *mlp_output_name(const void *state, size_t j)
{
    const mlp_model *mm = state;
    return mm->class_names ? mm->class_names[j] : "score";
}

/* A class label is read as classes unless --loss says bce or squared. */
static int mlp_label_classes(const rs_params *p)
{
    return !p->loss || !strcmp(p->loss, "softmax");
}

static const rs_kind_option mlp_options[] = {
    {"hidden", NULL, 1, 65536, 0, 0, RS_SEARCH_LAYERS, 16, 256,
     "one layer: the power of 2 at or above 2 x features, 16..256", RS_SHARED},
    {"activation", "relu", 0, 0, 0, 0, RS_SEARCH_CHOICE, 0, 0, NULL, RS_SHARED},
    {"loss", NULL, 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, "bce for a 0/1 label, softmax for classes, else squared",
     RS_SHARED},
    {"dropout", "0", 0, 1, 0, 1, RS_SEARCH_LINEAR, 0, 0.5, NULL, RS_SHARED},
    {"lr", "0.001", 0, 10, 1, 0, RS_SEARCH_LOG, 1e-4, 1e-2, NULL, RS_SHARED},
    {"l2", "0", 0, INFINITY, 0, 0, RS_SEARCH_LOG, 1e-6, 1e-2, NULL, RS_SHARED},
    {"epochs", "20", 1, 1e6, 0, 0, RS_SEARCH_INT, 5, 100, NULL, RS_SHARED},
    {"batch", "256", 1, 1 << 20, 0, 0, RS_SEARCH_LOG_INT, 32, 1024, NULL, RS_SHARED},
    {"patience", "3", 1, 1e6, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_SHARED},
    /* last: rs-tune's quasi-random draws of the options above stay as they were */
    {"scaling", "zscore", 0, 0, 0, 0, RS_SEARCH_CHOICE, 0, 0, NULL, RS_OPTION_CHOICE, "S", "zscore,quantile",
     "inputs: zscore, or quantile: each feature's training CDF (100 quantiles), then z-scored"},
    {NULL},
};

const rs_kind rs_kind_mlp = {
    .name = "mlp",
    .family = RS_FAMILY_SUPERVISED,
    .summary = "neural network: hidden layers, Adam on mini-batches, early stopping",
    .options = mlp_options,
    .quick_args = "--hidden 2 --epochs 1",
    .train_rows = mlp_train,
    .rows_load = mlp_load,
    .rows_score = mlp_score,
    .rows_probability = mlp_probability,
    .rows_outputs = mlp_outputs,
    .rows_output_name = mlp_output_name,
    .label_classes = mlp_label_classes,
    .unload = mlp_unload,
};
