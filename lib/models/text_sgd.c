/* text_sgd.c — see text_sgd.h. */
#include "models/text_sgd.h"

#include "progress.h"
#include "rng.h"
#include "threads.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    LINE = 16,         /* floats per cache line */
};

/* float, restrict, so -O3 vectorises it; every k is its own sum, so the
 * vector width never changes the bytes.  The clones stay inside this file:
 * clang 14 names an extern multiversioned function's dispatcher
 * "NAME.ifunc", which callers in other files do not find. */
__attribute__((target_clones("avx2", "default"))) static void axpy_clones(float *restrict z,
                                                                                    const float *restrict w, float x,
                                                                                    size_t K)
{
    for (size_t k = 0; k < K; k++)
        z[k] += x * w[k];
}

void rs_text_axpy(float *restrict z, const float *restrict w, float x, size_t K)
{
    axpy_clones(z, w, x, K);
}

/* z[k] += x w[k], inlined into the row kernels below (restrict here lets
 * them vectorise). */
static inline void axpy(float *restrict z, const float *restrict w, float x, size_t len)
{
    for (size_t k = 0; k < len; k++)
        z[k] += x * w[k];
}

/* z[0..len) += (val[j] f) w_j[0..len) for the row's non-zeros j in order,
 * w_j = v + idx[j] stride: one call per row, the loop vectorised. */
__attribute__((target_clones("avx2", "default"))) static void row_scores(float *restrict z, const float *restrict v,
                                                                          size_t stride, const uint32_t *idx,
                                                                          const float *val, size_t n, float f,
                                                                          size_t len)
{
    for (size_t j = 0; j < n; j++)
        axpy(z, v + (size_t)idx[j] * stride, val[j] * f, len);
}

/* w_j[0..len) += (val[j] g) step[0..len) for the row's non-zeros j, w_j
 * as above. */
__attribute__((target_clones("avx2", "default"))) static void row_update(float *restrict v, size_t stride,
                                                                          const uint32_t *idx, const float *val,
                                                                          size_t n, float g,
                                                                          const float *restrict step, size_t len)
{
    for (size_t j = 0; j < n; j++)
        axpy(v + (size_t)idx[j] * stride, step, val[j] * g, len);
}

/* One shard's copy of the model and its scratch. */
typedef struct {
    float *v;          /* (n_used x stride) W = scale v; shard 0's is the model's */
    float *bias;       /* (stride) */
    double scale;
    float *z;          /* (stride) a row's scores */
    float *step;       /* (stride) the step on each class */
    size_t steps;      /* the steps taken so far */
    size_t total;      /* the steps of the whole run */
} shard;

typedef struct {
    const rs_text_rows *x;
    const rs_params *p;
    rs_text_sgd_model *m;
    double *cw;            /* (K) class weights */
    size_t *order;         /* (n_rows) this epoch's row order */
    shard sh[RS_TEXT_SHARDS];
} sgd_run;

/* The rows come in a shuffled order and their weight rows are far apart:
 * the loop asks for row q + 2's non-zeros and row q + 1's weights while it
 * computes row q, so memory works while the core does. */
static void prefetch_row(const rs_text_rows *x, size_t i)
{
    const uint32_t *idx = x->idx + x->ptr[i];
    const float *val = x->val + x->ptr[i];
    size_t n = x->ptr[i + 1] - x->ptr[i];
    __builtin_prefetch(&x->y[i]);
    for (size_t j = 0; j < n; j += 16)
        __builtin_prefetch(idx + j), __builtin_prefetch(val + j);
}

static void prefetch_weights(const rs_text_rows *x, const float *v, size_t stride, size_t i)
{
    const uint32_t *idx = x->idx + x->ptr[i];
    size_t n = x->ptr[i + 1] - x->ptr[i];
    for (size_t j = 0; j < n; j++)
        for (size_t k = 0; k < stride; k += LINE)
            __builtin_prefetch(v + (size_t)idx[j] * stride + k, 1, 2);
}

/* One SGD step of a shard on row i; c the row's class weight. */
static void step_row(shard *sh, const rs_text_sgd_model *m, const rs_text_rows *x, size_t i, double c, double lr,
                     double decay)
{
    const uint32_t *idx = x->idx + x->ptr[i];
    const float *val = x->val + x->ptr[i];
    size_t n = x->ptr[i + 1] - x->ptr[i], K = m->K, y = (size_t)x->y[i], stride = m->stride;
    float *z = sh->z;
    memcpy(z, sh->bias, stride * sizeof *z);   /* bias has stride entries, the padding 0 */
    row_scores(z, sh->v, stride, idx, val, n, (float)sh->scale, stride);
    double top = -INFINITY, sum = 0;
    for (size_t k = 0; k < K; k++)
        top = z[k] > top ? z[k] : top;
    for (size_t k = 0; k < K; k++)
        sum += z[k] = (float)exp(z[k] - top);
    sh->scale *= decay < 0.5 ? 1 - decay : 0.5;   /* every weight's L2 shrink, in one number (at most half a step) */
    for (size_t k = 0; k < stride; k++)
        sh->step[k] = k < K ? (float)(c * lr * (z[k] / sum - (k == y))) : 0;
    row_update(sh->v, stride, idx, val, n, (float)(-1 / sh->scale), sh->step, stride);
    for (size_t k = 0; k < K; k++)
        sh->bias[k] -= sh->step[k];
    if (sh->scale < 1e-4) {   /* fold the scale back before v grows out of float range */
        for (size_t u = 0; u < m->n_used * stride; u++)
            sh->v[u] = (float)(sh->v[u] * sh->scale);
        sh->scale = 1;
    }
}

/* Shard s's pass over its slice of the epoch's order: the slice s of
 * RS_TEXT_SHARDS contiguous slices. */
static void shard_epoch(sgd_run *run, int s)
{
    const rs_text_rows *x = run->x;
    shard *sh = &run->sh[s];
    size_t begin, end, n = x->n_rows;
    rs_thread_range(n, s, RS_TEXT_SHARDS, &begin, &end);
    for (size_t q = begin; q < end; q++, sh->steps++) {
        size_t i = run->order[q], y = (size_t)x->y[i];
        if (q + 2 < end)
            prefetch_row(x, run->order[q + 2]);
        if (q + 1 < end)
            prefetch_weights(x, sh->v, run->m->stride, run->order[q + 1]);
        double lr = run->p->lr * (1 - (double)sh->steps / (double)sh->total);
        step_row(sh, run->m, x, i, run->cw[y], lr, lr * run->p->l2 / (double)n);
    }
}

/* Thread t of n runs the shards t, t + n, ... */
static void shards_thread(void *ctx, int t, int n_threads)
{
    for (int s = t; s < RS_TEXT_SHARDS; s += n_threads)
        shard_epoch(ctx, s);
}

/* Thread t of n averages its range of weight rows over the shards (in
 * shard order, in double) into every shard's copy, scale 1. */
static void average_thread(void *ctx, int t, int n_threads)
{
    sgd_run *run = ctx;
    size_t stride = run->m->stride, begin, end;
    rs_thread_range(run->m->n_used, t, n_threads, &begin, &end);
    for (size_t u = begin * stride; u < end * stride; u++) {
        double sum = 0;
        for (int s = 0; s < RS_TEXT_SHARDS; s++)
            sum += run->sh[s].v[u] * run->sh[s].scale;
        float mean = (float)(sum / RS_TEXT_SHARDS);
        for (int s = 0; s < RS_TEXT_SHARDS; s++)
            run->sh[s].v[u] = mean;
    }
}

static void average(sgd_run *run, int n_threads)
{
    rs_parallel(n_threads, average_thread, run);
    for (size_t k = 0; k < run->m->stride; k++) {
        double sum = 0;
        for (int s = 0; s < RS_TEXT_SHARDS; s++)
            sum += run->sh[s].bias[k];
        for (int s = 0; s < RS_TEXT_SHARDS; s++)
            run->sh[s].bias[k] = (float)(sum / RS_TEXT_SHARDS);
    }
    for (int s = 0; s < RS_TEXT_SHARDS; s++)
        run->sh[s].scale = 1;
}

static void shuffle(size_t *order, size_t n, rs_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n; i > 1; i--) {   /* Fisher-Yates */
        size_t j = (size_t)rs_rng_below(rng, i), tmp = order[i - 1];
        order[i - 1] = order[j], order[j] = tmp;
    }
}

/* Balanced: n / (K n_k); else 1.  NULL when out of memory. */
static double *class_weights(const rs_text_rows *x, size_t K, int balanced)
{
    double *cw = malloc(K * sizeof *cw);
    size_t *count = calloc(K, sizeof *count);
    if (!cw || !count) {
        free(cw), free(count);
        return NULL;
    }
    for (size_t i = 0; i < x->n_rows; i++)
        count[(size_t)x->y[i]]++;
    for (size_t k = 0; k < K; k++)
        cw[k] = balanced && count[k] ? (double)x->n_rows / ((double)K * (double)count[k]) : 1;
    free(count);
    return cw;
}

/* Shard 0 holds the model's v and bias; the others copies of them. */
static int shards_new(sgd_run *run, long epochs)
{
    rs_text_sgd_model *m = run->m;
    size_t size = m->n_used * m->stride + 16;
    for (int s = 0; s < RS_TEXT_SHARDS; s++) {
        shard *sh = &run->sh[s];
        size_t begin, end;
        rs_thread_range(run->x->n_rows, s, RS_TEXT_SHARDS, &begin, &end);
        sh->scale = 1, sh->total = (size_t)epochs * (end - begin);
        sh->v = s ? aligned_alloc(64, size * sizeof *sh->v) : m->v;
        sh->bias = s ? malloc(m->stride * sizeof *sh->bias) : m->bias;
        sh->z = malloc(m->stride * sizeof *sh->z);
        sh->step = malloc(m->stride * sizeof *sh->step);
        if (!sh->v || !sh->bias || !sh->z || !sh->step)
            return 0;
        if (s)
            memcpy(sh->v, m->v, size * sizeof *sh->v), memcpy(sh->bias, m->bias, m->stride * sizeof *sh->bias);
    }
    return 1;
}

static void shards_free(sgd_run *run)
{
    for (int s = 0; s < RS_TEXT_SHARDS; s++) {
        if (s)
            free(run->sh[s].v), free(run->sh[s].bias);
        free(run->sh[s].z), free(run->sh[s].step);
    }
}

rs_status rs_text_sgd(const rs_text_rows *x, const rs_params *p, rs_text_sgd_model *m, rs_text_epoch_fn epoch_end,
                      void *ctx, rs_error *err)
{
    int want = p->threads > 0 ? p->threads : 1, cpus = rs_cpu_count();
    int n_threads = want < RS_TEXT_SHARDS ? want : RS_TEXT_SHARDS;
    n_threads = n_threads < cpus ? n_threads : cpus > 0 ? cpus : 1;
    sgd_run run = {.x = x, .p = p, .m = m, .cw = class_weights(x, m->K, p->balanced),
                   .order = malloc((x->n_rows + 1) * sizeof *run.order)};
    int ok = run.cw && run.order && shards_new(&run, p->epochs);
    rs_rng rng;
    rs_rng_seed(&rng, p->seed);
    for (long e = 0; ok && e < p->epochs; e++) {
        shuffle(run.order, x->n_rows, &rng);
        rs_parallel(n_threads, shards_thread, &run);
        average(&run, n_threads);
        if (epoch_end)
            epoch_end(ctx, e + 1, m, 1);
        rs_progress(p, "epoch %ld of %ld", e + 1, p->epochs);
    }
    m->scale = 1;
    shards_free(&run);
    free(run.cw), free(run.order);
    return ok ? RS_OK : rs_error_nomem(err);
}
