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

/* One cache line of weights: 16 floats (a zmm register with avx512f, two
 * ymm with avx2).  The row kernels below hold a row's scores (or its step)
 * in such lines, in registers, while they walk the row's non-zeros: the
 * per-class arithmetic and its order are those of a plain loop
 * z[k] += x w[k] over j, so the bytes do not change, but z is loaded and
 * stored once per row instead of once per non-zero. */
typedef float line_f __attribute__((vector_size(64)));

enum { BLOCK_LINES = 6 };   /* lines held at once: 12 of avx2's 16 ymm registers */

/* z[0..16 lines) += (val[j] f) w_j[0..16 lines) for the row's non-zeros j
 * in order, w_j = v + idx[j] stride; lines a constant where it is inlined. */
static inline __attribute__((always_inline)) void scores_block(float *restrict z, const float *restrict v,
                                                               size_t stride, const uint32_t *idx, const float *val,
                                                               size_t n, float f, size_t lines)
{
    line_f acc[BLOCK_LINES];
    for (size_t c = 0; c < lines; c++)
        memcpy(&acc[c], z + LINE * c, sizeof acc[c]);
    for (size_t j = 0; j < n; j++) {
        const float *w = v + (size_t)idx[j] * stride;
        float x = val[j] * f;
        for (size_t c = 0; c < lines; c++) {
            line_f l;
            memcpy(&l, w + LINE * c, sizeof l);
            acc[c] += x * l;
        }
    }
    for (size_t c = 0; c < lines; c++)
        memcpy(z + LINE * c, &acc[c], sizeof acc[c]);
}

/* w_j[0..16 lines) += (val[j] g) step[0..16 lines) for the row's non-zeros
 * j, w_j as above; the step stays in registers. */
static inline __attribute__((always_inline)) void update_block(float *restrict v, size_t stride,
                                                               const uint32_t *idx, const float *val, size_t n,
                                                               float g, const float *restrict step, size_t lines)
{
    line_f s[BLOCK_LINES];
    for (size_t c = 0; c < lines; c++)
        memcpy(&s[c], step + LINE * c, sizeof s[c]);
    for (size_t j = 0; j < n; j++) {
        float *w = v + (size_t)idx[j] * stride;
        float x = val[j] * g;
        for (size_t c = 0; c < lines; c++) {
            line_f l;
            memcpy(&l, w + LINE * c, sizeof l);
            l += x * s[c];
            memcpy(w + LINE * c, &l, sizeof l);
        }
    }
}

/* z[0..len) += (val[j] f) w_j[0..len) for the row's non-zeros j (len a
 * multiple of LINE): BLOCK_LINES lines at a time, each count of lines its
 * own unrolled copy so the lines stay in registers. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static void scores_clones(float *restrict z,
                                                                                       const float *restrict v,
                                                                                       size_t stride,
                                                                                       const uint32_t *idx,
                                                                                       const float *val, size_t n,
                                                                                       float f, size_t len)
{
    for (size_t at = 0; at < len; at += BLOCK_LINES * LINE) {
        size_t lines = (len - at) / LINE < BLOCK_LINES ? (len - at) / LINE : BLOCK_LINES;
        switch (lines) {
#define SCORES(L) case L: scores_block(z + at, v + at, stride, idx, val, n, f, L); break;
            SCORES(1) SCORES(2) SCORES(3) SCORES(4) SCORES(5) SCORES(6)
#undef SCORES
        }
    }
}

/* w_j[0..len) += (val[j] g) step[0..len) for the row's non-zeros j, w_j
 * and len as above. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static void update_clones(float *restrict v,
                                                                                       size_t stride,
                                                                                       const uint32_t *idx,
                                                                                       const float *val, size_t n,
                                                                                       float g,
                                                                                       const float *restrict step,
                                                                                       size_t len)
{
    for (size_t at = 0; at < len; at += BLOCK_LINES * LINE) {
        size_t lines = (len - at) / LINE < BLOCK_LINES ? (len - at) / LINE : BLOCK_LINES;
        switch (lines) {
#define UPDATE(L) case L: update_block(v + at, stride, idx, val, n, g, step + at, L); break;
            UPDATE(1) UPDATE(2) UPDATE(3) UPDATE(4) UPDATE(5) UPDATE(6)
#undef UPDATE
        }
    }
}

void rs_text_row_scores(float *restrict z, const float *restrict v, size_t stride, const uint32_t *idx,
                        const float *val, size_t n, float f, size_t len)
{
    scores_clones(z, v, stride, idx, val, n, f, len);
}

void rs_text_row_update(float *restrict v, size_t stride, const uint32_t *idx, const float *val, size_t n, float g,
                        const float *restrict step, size_t len)
{
    update_clones(v, stride, idx, val, n, g, step, len);
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

/* The rows come in a shuffled order: the loop asks for row q + 2's
 * non-zeros while it computes row q.  (Asking for row q + 1's weight rows
 * too, 5 lines per bucket, stalled the loop on the memory queue and took
 * more time than it saved: measured on BANKING77.) */
static void prefetch_row(const rs_text_rows *x, size_t i)
{
    const uint32_t *idx = x->idx + x->ptr[i];
    const float *val = x->val + x->ptr[i];
    size_t n = x->ptr[i + 1] - x->ptr[i];
    __builtin_prefetch(&x->y[i]);
    for (size_t j = 0; j < n; j += 16)
        __builtin_prefetch(idx + j), __builtin_prefetch(val + j);
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
    rs_text_row_scores(z, sh->v, stride, idx, val, n, (float)sh->scale, stride);
    double top = -INFINITY, sum = 0;
    for (size_t k = 0; k < K; k++)
        top = z[k] > top ? z[k] : top;
    for (size_t k = 0; k < K; k++)
        sum += z[k] = expf(z[k] - (float)top);
    sh->scale *= decay < 0.5 ? 1 - decay : 0.5;   /* every weight's L2 shrink, in one number (at most half a step) */
    for (size_t k = 0; k < stride; k++)
        sh->step[k] = k < K ? (float)(c * lr * (z[k] / sum - (k == y))) : 0;
    rs_text_row_update(sh->v, stride, idx, val, n, (float)(-1 / sh->scale), sh->step, stride);
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

/* a[u] = b[u] = (a[u] sa + b[u] sb) / 2 in double, rounded to float: the
 * mean of the two shards (restrict, one loop: it vectorises). */
_Static_assert(RS_TEXT_SHARDS == 2, "average_thread averages two shards");
static void mean_of_two(float *restrict a, float *restrict b, double sa, double sb, size_t n)
{
    for (size_t u = 0; u < n; u++) {
        float mean = (float)((0.0 + a[u] * sa + b[u] * sb) / 2);   /* 0.0 +: -0 sums to +0, as it always did */
        a[u] = b[u] = mean;
    }
}

/* Thread t of n averages its range of weight rows over the shards into
 * every shard's copy, scale 1. */
static void average_thread(void *ctx, int t, int n_threads)
{
    sgd_run *run = ctx;
    size_t stride = run->m->stride, begin, end;
    rs_thread_range(run->m->n_used, t, n_threads, &begin, &end);
    mean_of_two(run->sh[0].v + begin * stride, run->sh[1].v + begin * stride, run->sh[0].scale, run->sh[1].scale,
                (end - begin) * stride);
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
