/* text_sgd.c — see text_sgd.h. */
#include "models/text_sgd.h"

#include "progress.h"
#include "rng.h"
#include "threads.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum {
    BLOCK = 16,        /* classes per thread block: one cache line of floats */
    LINE = 16,         /* a counter per cache line */
    CHECK = 256,       /* steps between checks that the threads share the cores well */
    MAX_YIELDS = 8,    /* more waits that gave the core away in a check's steps: go on alone */
};

/* float, restrict, so -O3 vectorises it; every k is its own sum, so the
 * vector width never changes the bytes. */
__attribute__((noinline, target_clones("avx2", "default"))) void rs_text_axpy(float *restrict z,
                                                                             const float *restrict w, float x, size_t K)
{
    for (size_t k = 0; k < K; k++)
        z[k] += x * w[k];
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

typedef struct {
    const rs_text_rows *x;
    const rs_params *p;
    rs_text_sgd_model *m;
    double *cw;                /* (K) class weights */
    int n_threads;
    float *scores;             /* (2 x stride) the row's scores, double-buffered by step parity */
    _Atomic size_t *done;      /* (n_threads x LINE) the steps each thread has scored */
    _Atomic size_t *arrived;   /* (n_threads x LINE) the meetings each thread has reached */
    _Atomic size_t checked;    /* the meetings thread 0 has closed */
    rs_text_epoch_fn epoch_end;
    void *ctx;
    _Atomic int alone;         /* its verdict: thread 0 goes on alone */
    _Atomic int go;            /* the threads start when n_threads is final */
} sgd_run;

/* One thread's share: the classes [k0, k1) of every weight row. */
typedef struct {
    sgd_run *run;
    int t;
    size_t k0, k1;
    double scale;              /* its copy of the scale (all copies equal) */
    size_t *order;             /* (n_rows) this epoch's row order */
    float *step;               /* (stride) the step on each of its classes */
    float *expo;               /* (K) exp(score - top) of every class */
    _Atomic size_t yields;     /* waits that gave the core away */
    size_t meetings;           /* the meetings it has been to (every thread the same) */
    pthread_t id;
} sgd_part;

/* Spin briefly, then yield: on a loaded machine the other thread may be
 * off its core. */
static void pause_or_yield(unsigned *spins, _Atomic size_t *yields)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();   /* tens of cycles: 1024 of them outlast a step of the other thread */
#endif
    if (++*spins > 1024) {
        sched_yield();
        if (yields)
            atomic_fetch_add_explicit(yields, 1, memory_order_relaxed);
    }
}

static void wait_for(_Atomic size_t *counter, size_t s, _Atomic size_t *yields)
{
    for (unsigned spins = 0; atomic_load_explicit(counter, memory_order_acquire) < s;)
        pause_or_yield(&spins, yields);
}

/* Wait until every thread has scored s steps. */
static void wait_scored(sgd_part *pt, size_t s)
{
    for (int u = 0; u < pt->run->n_threads; u++)
        wait_for(&pt->run->done[(size_t)u * LINE], s, &pt->yields);
}

/* Every CHECK steps, and after each epoch when there is an epoch_end, the
 * threads meet; thread 0 calls epoch_end (epoch > 0) while the others wait,
 * and when their waits gave the core away more than MAX_YIELDS times since
 * the last meeting (other work holds the cores), it goes on alone with all
 * the classes: the arithmetic of each class is the same, so the bytes are
 * too.  Returns 0 for a thread that is to stop. */
static int meet(sgd_part *pt, sgd_part *parts, long epoch, size_t *yields_before)
{
    sgd_run *run = pt->run;
    size_t seq = ++pt->meetings;
    atomic_store_explicit(&run->arrived[(size_t)pt->t * LINE], seq, memory_order_release);
    if (pt->t) {
        wait_for(&run->checked, seq, NULL);
        return !atomic_load_explicit(&run->alone, memory_order_acquire);
    }
    size_t yields = 0;
    for (int u = 0; u < run->n_threads; u++) {
        wait_for(&run->arrived[(size_t)u * LINE], seq, NULL);
        yields += atomic_load_explicit(&parts[u].yields, memory_order_relaxed);
    }
    if (epoch > 0)
        run->epoch_end(run->ctx, epoch, run->m, pt->scale);
    int alone = yields - *yields_before > MAX_YIELDS;
    *yields_before = yields;
    atomic_store_explicit(&run->alone, alone, memory_order_relaxed);
    atomic_store_explicit(&run->checked, seq, memory_order_release);
    if (alone)   /* the others stop after this store and touch nothing more */
        run->n_threads = 1, pt->k0 = 0, pt->k1 = run->m->stride;
    return 1;
}

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

static void prefetch_weights(const sgd_part *pt, size_t i)
{
    const rs_text_sgd_model *m = pt->run->m;
    const rs_text_rows *x = pt->run->x;
    const uint32_t *idx = x->idx + x->ptr[i];
    size_t n = x->ptr[i + 1] - x->ptr[i];
    for (size_t j = 0; j < n; j++)
        for (size_t k = pt->k0; k < pt->k1; k += LINE)
            __builtin_prefetch(m->v + (size_t)idx[j] * m->stride + k, 1, 2);
}

/* Step s on row i for the part's classes; c the row's class weight. */
static void step_row(sgd_part *pt, size_t i, size_t s, double c, double lr, double decay)
{
    sgd_run *run = pt->run;
    rs_text_sgd_model *m = run->m;
    const rs_text_rows *x = run->x;
    const uint32_t *idx = x->idx + x->ptr[i];
    const float *val = x->val + x->ptr[i];
    size_t n = x->ptr[i + 1] - x->ptr[i], K = m->K, y = (size_t)x->y[i], k0 = pt->k0, len = pt->k1 - k0;
    float *z = run->scores + (s & 1) * m->stride, f = (float)pt->scale;
    memcpy(z + k0, m->bias + k0, len * sizeof *z);   /* bias has stride entries, the padding 0 */
    row_scores(z + k0, m->v + k0, m->stride, idx, val, n, f, len);
    if (run->n_threads > 1) {
        atomic_store_explicit(&run->done[(size_t)pt->t * LINE], s + 1, memory_order_release);
        wait_scored(pt, s + 1);
    }
    double top = -INFINITY, sum = 0;   /* every thread: all classes, in class order */
    for (size_t k = 0; k < K; k++)
        top = z[k] > top ? z[k] : top;
    for (size_t k = 0; k < K; k++)
        sum += pt->expo[k] = (float)exp(z[k] - top);
    pt->scale *= decay < 0.5 ? 1 - decay : 0.5;   /* every weight's L2 shrink, in one number (at most half a step) */
    for (size_t k = k0; k < pt->k1; k++)
        pt->step[k - k0] = k < K ? (float)(c * lr * (pt->expo[k] / sum - (k == y))) : 0;
    float g = (float)(-1 / pt->scale);   /* one division per row, not per non-zero */
    row_update(m->v + k0, m->stride, idx, val, n, g, pt->step, len);
    for (size_t k = k0; k < pt->k1 && k < K; k++)
        m->bias[k] -= pt->step[k - k0];
    if (pt->scale < 1e-4) {   /* fold the scale back before v grows out of float range */
        for (size_t u = 0; u < m->n_used; u++)
            for (size_t k = k0; k < pt->k1; k++)
                m->v[u * m->stride + k] = (float)(m->v[u * m->stride + k] * pt->scale);
        pt->scale = 1;
    }
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

static void *sgd_loop(void *arg)
{
    sgd_part *pt = arg;
    sgd_run *run = pt->run;
    for (unsigned spins = 0; !atomic_load_explicit(&run->go, memory_order_acquire);)
        pause_or_yield(&spins, NULL);
    size_t blocks = run->m->stride / BLOCK, b0, b1, n = run->x->n_rows;
    rs_thread_range(blocks, pt->t, run->n_threads, &b0, &b1);
    pt->k0 = b0 * BLOCK, pt->k1 = b1 * BLOCK, pt->scale = 1;
    rs_rng rng;   /* every thread draws the same orders */
    rs_rng_seed(&rng, run->p->seed);
    long epochs = run->p->epochs;
    double total = (double)epochs * (double)n;
    size_t s = 0, yields_before = 0;
    for (long e = 0; e < epochs; e++) {
        shuffle(pt->order, n, &rng);
        for (size_t q = 0; q < n; q++, s++) {
            if (run->n_threads > 1 && s % CHECK == CHECK - 1 && !meet(pt, pt - pt->t, 0, &yields_before))
                return NULL;
            size_t i = pt->order[q], y = (size_t)run->x->y[i];
            if (q + 2 < n)
                prefetch_row(run->x, pt->order[q + 2]);
            if (q + 1 < n)
                prefetch_weights(pt, pt->order[q + 1]);
            double lr = run->p->lr * (1 - (double)s / total);
            step_row(pt, i, s, run->cw[y], lr, lr * run->p->l2 / (double)n);
        }
        if (run->epoch_end && run->n_threads > 1) {
            if (!meet(pt, pt - pt->t, e + 1, &yields_before))
                return NULL;
        } else if (run->epoch_end) {
            run->epoch_end(run->ctx, e + 1, run->m, pt->scale);
        }
        if (pt->t == 0)
            rs_progress(run->p, "epoch %ld of %ld", e + 1, epochs);
    }
    return NULL;
}

static void parts_free(sgd_part *parts, int n)
{
    for (int t = 0; parts && t < n; t++)
        free(parts[t].order), free(parts[t].step), free(parts[t].expo);
    free(parts);
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

rs_status rs_text_sgd(const rs_text_rows *x, const rs_params *p, rs_text_sgd_model *m, rs_text_epoch_fn epoch_end,
                      void *ctx, rs_error *err)
{
    size_t blocks = m->stride / BLOCK;
    int want = p->threads > 0 ? p->threads : 1, cpus = rs_cpu_count();
    int n_threads = (int)((size_t)want < blocks ? (size_t)want : blocks);
    n_threads = n_threads < cpus ? n_threads : cpus > 0 ? cpus : 1;
    sgd_run run = {.x = x, .p = p, .m = m, .cw = class_weights(x, m->K, p->balanced), .n_threads = n_threads,
                   .epoch_end = epoch_end, .ctx = ctx};
    sgd_part *parts = calloc((size_t)n_threads, sizeof *parts);
    run.scores = aligned_alloc(64, 2 * m->stride * sizeof *run.scores);
    run.done = aligned_alloc(64, (size_t)n_threads * LINE * sizeof *run.done);
    run.arrived = aligned_alloc(64, (size_t)n_threads * LINE * sizeof *run.arrived);
    int ok = run.cw && parts && run.scores && run.done && run.arrived;
    for (int t = 0; ok && t < n_threads; t++) {
        parts[t] = (sgd_part){.run = &run, .t = t};
        atomic_init(&run.done[(size_t)t * LINE], 0);
        atomic_init(&run.arrived[(size_t)t * LINE], 0);
        atomic_init(&parts[t].yields, 0);
        ok = (parts[t].order = malloc((x->n_rows + 1) * sizeof *parts[t].order)) &&
             (parts[t].step = malloc(m->stride * sizeof *parts[t].step)) &&
             (parts[t].expo = malloc(m->K * sizeof *parts[t].expo));
    }
    if (ok) {
        atomic_init(&run.go, 0);
        atomic_init(&run.checked, 0);
        atomic_init(&run.alone, 0);
        int started = 1;   /* a thread that cannot start: train on those that did */
        while (started < n_threads && pthread_create(&parts[started].id, NULL, sgd_loop, &parts[started]) == 0)
            started++;
        run.n_threads = started;
        atomic_store_explicit(&run.go, 1, memory_order_release);
        sgd_loop(&parts[0]);
        for (int t = 1; t < started; t++)
            pthread_join(parts[t].id, NULL);
        m->scale = parts[0].scale;
    }
    parts_free(parts, n_threads);
    free(run.cw), free(run.scores), free((void *)run.done), free((void *)run.arrived);
    return ok ? RS_OK : rs_error_nomem(err);
}
