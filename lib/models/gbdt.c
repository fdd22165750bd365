/* gbdt.c — gradient-boosted trees (the gbdt kind): histogram boosting in
 * the way of LightGBM and XGBoost's hist method.  Features are quantised
 * once into at most 255 byte bins (gbdt_bins.c), each tree is grown
 * leaf-wise on gradient histograms (gbdt_grow.c), empty cells learn their
 * side at every split and text columns are split as category sets.
 * Losses: bce (0/1 label), squared, poisson (counts), softmax (a class
 * label: one tree per class per round).  Explanations are exact TreeSHAP
 * (gbdt_shap.c). */
#include "models/gbdt.h"

#include "hash.h"
#include "logistic.h"
#include "mem.h"
#include "models/kind.h"
#include "models/supervised.h"
#include "rng.h"
#include "threads.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { LOSS_BCE, LOSS_SQUARED, LOSS_POISSON, LOSS_SOFTMAX } loss_kind;
static const char *const loss_names[] = {"bce", "squared", "poisson", "softmax"};

/* XGBoost's max_delta_step for Poisson: the hessian exp(raw + 0.7) keeps
 * the first steps from overshooting when counts are small. */
#define POISSON_HESSIAN_SHIFT 0.7

/* ---- losses ---------------------------------------------------------------- */

/* g and, when h is not NULL, h (the losses whose h the grower works out
 * from g leave it: hessian_rule). */
static void gradient(loss_kind loss, double raw, double y, float *g, float *h)
{
    if (loss == LOSS_BCE) {
        /* p - y as it is, but for the sign of a zero: g's sign bit is the
         * label (y = 1: p - 1 <= 0; y = 0: p >= 0), so the table keeps no
         * label once the first gradients are worked out (sign_labels) */
        float d = (float)(rs_sigmoid(raw) - y);
        *g = y > 0 ? -fabsf(d) : fabsf(d);
        if (h)
            *h = rs_gbdt_logistic_hessian(*g);
    } else if (loss == LOSS_POISSON) {
        *g = (float)(exp(raw) - y);
        *h = (float)exp(raw + POISSON_HESSIAN_SHIFT);
    } else {
        *g = (float)(raw - y);
        if (h)
            *h = 1;
    }
}

/* Where the grower gets each row's hessian: held only where it cannot be
 * worked out from the gradient (Poisson needs the label, softmax the
 * class's p). */
static rs_gbdt_hessian hessian_rule(loss_kind loss)
{
    return loss == LOSS_BCE ? RS_GBDT_H_LOGISTIC : loss == LOSS_SQUARED ? RS_GBDT_H_ONE : RS_GBDT_H_GIVEN;
}

/* The loss of one row: log loss, half squared error, Poisson deviance / 2. */
static double row_loss(loss_kind loss, double raw, double y)
{
    if (loss == LOSS_BCE)
        return y == 1 ? rs_log1p_exp_neg(raw) : rs_log1p_exp_neg(-raw);
    if (loss == LOSS_POISSON)
        return exp(raw) - y * raw;
    return 0.5 * (raw - y) * (raw - y);
}

/* Softmax over K raw scores spaced `stride` apart, into p (K). */
static void softmax(const double *raw, size_t stride, size_t K, double *p)
{
    double top = -INFINITY, sum = 0;
    for (size_t k = 0; k < K; k++)
        top = fmax(top, raw[k * stride]);
    for (size_t k = 0; k < K; k++)
        sum += p[k] = exp(raw[k * stride] - top);
    for (size_t k = 0; k < K; k++)
        p[k] /= sum;
}

/* Softmax over K float raw scores spaced `stride` apart, into p (K). */
static void softmax_floats(const float *raw, size_t stride, size_t K, double *p)
{
    for (size_t k = 0; k < K; k++)
        p[k] = raw[k * stride];
    rs_softmax(p, K, p);
}

/* Softmax gradients of one row whose class is y, as XGBoost's
 * multi:softprob: g = p - [k = y], h = 2 p (1 - p). */
static void softmax_gradient(const float *raw, size_t stride, size_t K, size_t y, float *g, float *h)
{
    double p[RS_MAX_CLASSES];
    softmax_floats(raw, stride, K, p);
    for (size_t k = 0; k < K; k++) {
        g[k * stride] = (float)(p[k] - (k == y));
        h[k * stride] = (float)fmax(2 * p[k] * (1 - p[k]), RS_GBDT_MIN_HESSIAN);
    }
}

static double softmax_loss(const float *raw, size_t stride, size_t K, size_t y)
{
    double p[RS_MAX_CLASSES];
    softmax_floats(raw, stride, K, p);
    return -log(fmax(p[y], 1e-300));
}

static double output(loss_kind loss, double raw)
{
    return loss == LOSS_BCE ? rs_sigmoid(raw) : loss == LOSS_POISSON ? exp(raw) : raw;
}

static rs_status choose_loss(const rs_dataset *d, const rs_params *p, loss_kind *loss, double *base, rs_error *err)
{
    size_t count[2];
    size_t first_other = rs_label_classes(d, count);
    *loss = !p->loss ? (first_other ? LOSS_SQUARED : LOSS_BCE)
            : !strcmp(p->loss, "bce") ? LOSS_BCE : !strcmp(p->loss, "poisson") ? LOSS_POISSON
            : !strcmp(p->loss, "softmax") ? LOSS_SOFTMAX : LOSS_SQUARED;
    if (*loss == LOSS_SOFTMAX) {   /* every class starts equal: the first trees learn the priors */
        *base = 0;
        if (!d->classes)
            return rs_error_set(err, RS_EDATA, NULL, 0,
                                "--loss softmax needs a class label (this one is 0/1: use --loss bce)");
        return RS_OK;
    }
    double sum = 0;
    for (size_t i = 0; i < d->n_rows; i++)
        sum += d->y[i];
    double mean = sum / (double)d->n_rows;
    if (*loss == LOSS_BCE) {
        if (first_other)
            return rs_error_set(err, RS_EDATA, NULL, 0,
                                "--loss bce needs a 0/1 label (row %zu is %g; use --loss squared or poisson)",
                                first_other, d->y[first_other - 1]);
        if (rs_require_two_classes(d, count, err) != RS_OK)
            return err->code;
        *base = log(mean / (1 - mean));
    } else if (*loss == LOSS_POISSON) {
        for (size_t i = 0; i < d->n_rows; i++)
            if (d->y[i] < 0)
                return rs_error_set(err, RS_EDATA, NULL, 0,
                                    "--loss poisson needs counts >= 0 (row %zu is %g)", i + 1, d->y[i]);
        if (mean <= 0)
            return rs_error_set(err, RS_EDATA, NULL, 0, "--loss poisson: every label is 0, nothing to learn");
        *base = log(mean);
    } else {
        *base = mean;
    }
    return RS_OK;
}

/* ---- training ---------------------------------------------------------------- */

typedef struct {
    const rs_dataset *d;
    rs_gbdt_binned bins;
    /* (n_outputs x n_rows) current raw scores, output-major: floats, as
     * XGBoost keeps its margins (half the bytes of doubles) */
    float *raw;
    /* (n_rows) the labels in the narrowest type that holds each exactly
     * (bytes: 0/1, class codes, small counts; else floats), when the table
     * was read in passes (d->y then freed); both NULL: d->y */
    uint8_t *y8;
    float *y;
    /* log loss once the first gradients are there: row i's label is the
     * sign bit of sign_labels[i] (the gradients; see gradient()), and y8
     * is freed, a byte a row */
    const float *sign_labels;
} scored_table;

static inline double label(const scored_table *t, size_t i)
{
    if (t->sign_labels)
        return signbit(t->sign_labels[i]) ? 1 : 0;
    return t->y8 ? t->y8[i] : t->y ? t->y[i] : t->d->y[i];
}

typedef struct {
    const rs_params *p;
    loss_kind loss;
    double base;
    rs_gbdt_grow_params grow;
    long n_trees, patience;    /* n_trees: rounds */
    size_t n_outputs;          /* trees per round: softmax's classes, else 1 */
    double subsample, colsample;
    float *edges;
    uint32_t *edge_start;
    unsigned char *categorical, *usable, *use;
    size_t *pick;              /* (n_features) column sampling's draw */
    scored_table train, valid;
    float *g, *h;              /* h NULL: the grower works it out (grow.hessian) */
    uint32_t *rows;
    /* (n_rows / 64 rounded up) bit i % 64 of word i / 64: row i is in this
     * round's sample */
    uint64_t *in_sample;
    size_t *kept;              /* (threads) sample rows each thread drew, then where they go */
    rs_gbdt_forest forest;
    /* the round's trees as update_rows walks them (walk_new), tree k's
     * nodes from walk_start[k] */
    struct walk_node *walk;
    float *walk_value;
    int *walk_depth;           /* (n_outputs) each tree's depth; -1: walked node by node */
    size_t *walk_start;        /* (n_outputs + 1) */
    size_t walk_cap;
    size_t *tree_start;        /* (n_trees x n_outputs + 1) nodes, bitmaps before each tree */
    size_t *bitmap_start;
    rs_rng rng;
} booster;

typedef struct {
    booster *bo;
    scored_table *t;
    long round;                /* its trees walked by the rows, or -1 */
    int sampled;               /* 1: the rows of the round's sample have its trees added already */
    int gradients;             /* 1: also the gradients of the rows */
} rows_job;

/* 1 when row i is in the round's sample. */
static inline int in_sample(const booster *bo, size_t i)
{
    return (bo->in_sample[i / 64] >> (i % 64)) & 1;
}

/* A node of a tree as the rows walk it: every row takes the tree's depth
 * in steps (a leaf is its own child, and every bin goes "left" at it), so
 * several rows walk at once without a branch and their loads overlap.
 * Numeric splits only: a row goes left when its bin is at most bin, or it
 * is missing (RS_GBDT_MISSING, above every numeric bin) and default_left
 * is set: rs_gbdt_bin_goes_left's rule. */
struct walk_node {
    uint32_t feature;
    uint8_t bin, default_left;
    int32_t child[2];          /* left, right, within the tree */
};

enum { WALK_LANES = 8 };

/* Round r's trees as walk nodes; a tree with a categorical split gets
 * depth -1 (its rows take rs_gbdt_tree_value_binned). */
static rs_status walk_new(booster *bo, long r, rs_error *err)
{
    size_t K = bo->n_outputs, first = bo->tree_start[(size_t)r * K], n = bo->tree_start[(size_t)(r + 1) * K] - first;
    if (n > bo->walk_cap) {
        size_t cap = bo->walk_cap;
        if (rs_grow((void **)&bo->walk, &cap, n, sizeof *bo->walk) < 0 ||
            rs_grow((void **)&bo->walk_value, &bo->walk_cap, n, sizeof *bo->walk_value) < 0)
            return rs_error_nomem(err);
    }
    for (size_t k = 0; k < K; k++) {
        size_t start = bo->tree_start[(size_t)r * K + k], size = bo->tree_start[(size_t)r * K + k + 1] - start;
        const rs_gbdt_node *tree = bo->forest.nodes + start;
        struct walk_node *w = bo->walk + (start - first);
        float *value = bo->walk_value + (start - first);
        int depth = 0, categorical = 0;
        /* depth through the nodes' order: children come after their parent;
         * a node's depth is kept in its walk node's child[1] until it is set */
        w[0].child[1] = 0;
        for (size_t i = 0; i < size; i++) {
            const rs_gbdt_node *nd = &tree[i];
            int d = w[i].child[1];
            depth = d > depth ? d : depth;
            value[i] = nd->value;
            if (nd->feature < 0) {
                w[i] = (struct walk_node){0, RS_GBDT_MISSING, 1, {(int32_t)i, (int32_t)i}};
                continue;
            }
            categorical |= (nd->flags & RS_GBDT_CATEGORICAL) != 0;
            w[nd->left].child[1] = w[nd->right].child[1] = d + 1;
            w[i] = (struct walk_node){(uint32_t)nd->feature, (uint8_t)nd->bin,
                                      (nd->flags & RS_GBDT_DEFAULT_LEFT) != 0, {nd->left, nd->right}};
        }
        bo->walk_depth[k] = categorical ? -1 : depth;
        bo->walk_start[k] = start - first;
    }
    return RS_OK;
}

/* One step of a row at node at: its next node. */
static inline int32_t walk_step(const struct walk_node *w, const uint8_t *bins, int32_t at)
{
    const struct walk_node *nd = &w[at];
    unsigned bin = bins[nd->feature];
    return nd->child[!((bin <= nd->bin) | ((bin == RS_GBDT_MISSING) & nd->default_left))];
}

/* Rows rows[0..n) through a tree of walk nodes w (depth steps), each
 * row's leaf value added to raw[row]: WALK_LANES rows at a time. */
static void walk_rows(const struct walk_node *w, const float *value, int depth, const rs_gbdt_binned *b,
                      const uint32_t *rows, size_t n, float *raw)
{
    size_t d = b->n_features, full = n - n % WALK_LANES;
    for (size_t i0 = 0; i0 < full; i0 += WALK_LANES) {
        /* the next lanes' rows on their way to the cache (both lines of a
         * row that crosses one) while these walk */
        for (size_t l = i0 + WALK_LANES; l < i0 + 2 * WALK_LANES && l < n; l++) {
            __builtin_prefetch(b->bins + (size_t)rows[l] * d);
            __builtin_prefetch(b->bins + (size_t)rows[l] * d + d - 1);
        }
        int32_t at[WALK_LANES] = {0};
        const uint8_t *bins[WALK_LANES];
        for (size_t l = 0; l < WALK_LANES; l++)
            bins[l] = b->bins + (size_t)rows[i0 + l] * d;
        for (int step = 0; step < depth; step++)
            for (size_t l = 0; l < WALK_LANES; l++)
                at[l] = walk_step(w, bins[l], at[l]);
        for (size_t l = 0; l < WALK_LANES; l++)
            raw[rows[i0 + l]] += value[at[l]];
    }
    for (size_t i = full; i < n; i++) {
        int32_t at = 0;
        for (int step = 0; step < depth; step++)
            at = walk_step(w, b->bins + (size_t)rows[i] * d, at);
        raw[rows[i]] += value[at];
    }
}

enum { WALK_BATCH = 256 };

/* The round's trees walked by rows[0..m). */
static void walk_batch(const rows_job *job, const uint32_t *rows, size_t m)
{
    const booster *bo = job->bo;
    size_t n = job->t->d->n_rows, K = bo->n_outputs;
    for (size_t k = 0; k < K; k++) {
        float *raw = job->t->raw + k * n;
        if (bo->walk_depth[k] >= 0) {
            walk_rows(bo->walk + bo->walk_start[k], bo->walk_value + bo->walk_start[k], bo->walk_depth[k],
                      &job->t->bins, rows, m, raw);
            continue;
        }
        const rs_gbdt_node *tree = bo->forest.nodes + bo->tree_start[(size_t)job->round * K + k];
        for (size_t r = 0; r < m; r++)
            raw[rows[r]] += rs_gbdt_tree_value_binned(tree, bo->forest.bitmaps, &job->t->bins, rows[r]);
    }
}

/* Rows begin .. end - 1 that the round's trees have not reached (every
 * one, or those outside the round's sample) walk them, found a word of
 * the sample's bits at a time. */
static void walk_round(const rows_job *job, size_t begin, size_t end)
{
    const booster *bo = job->bo;
    uint32_t rows[WALK_BATCH + 64];
    size_t m = 0;
    for (size_t w = begin / 64; w * 64 < end; w++) {
        size_t lo = w * 64;
        uint64_t bits = job->sampled ? ~bo->in_sample[w] : ~(uint64_t)0;
        if (lo < begin)
            bits &= ~(uint64_t)0 << (begin - lo);
        if (end - lo < 64)
            bits &= ((uint64_t)1 << (end - lo)) - 1;
        for (; bits; bits &= bits - 1)
            rows[m++] = (uint32_t)(lo + (size_t)__builtin_ctzll(bits));
        if (m >= WALK_BATCH) {
            walk_batch(job, rows, m);
            m = 0;
        }
    }
    walk_batch(job, rows, m);
}

static void rows_thread(void *ctx, int th, int n_threads)
{
    rows_job *job = ctx;
    size_t begin, end;
    rs_thread_range(job->t->d->n_rows, th, n_threads, &begin, &end);
    const booster *bo = job->bo;
    size_t n = job->t->d->n_rows, K = bo->n_outputs;
    if (job->round >= 0)
        walk_round(job, begin, end);
    for (size_t i = begin; i < end && job->gradients; i++) {
        if (bo->loss == LOSS_SOFTMAX)
            softmax_gradient(job->t->raw + i, n, K, (size_t)label(job->t, i), bo->g + i, bo->h + i);
        else
            gradient(bo->loss, job->t->raw[i], label(job->t, i), &bo->g[i], bo->h ? &bo->h[i] : NULL);
    }
}

static void update_rows(booster *bo, scored_table *t, long round, int sampled, int gradients)
{
    rows_job job = {bo, t, round, sampled, gradients};
    /* below ~100,000 rows starting threads costs more than it saves */
    rs_pool_run(bo->grow.pool, t->d->n_rows < 100000 ? 1 : bo->grow.threads, rows_thread, &job);
}

static double mean_loss(const booster *bo, const scored_table *t)
{
    double sum = 0;
    for (size_t i = 0; i < t->d->n_rows; i++)
        sum += bo->loss == LOSS_SOFTMAX ? softmax_loss(t->raw + i, t->d->n_rows, bo->n_outputs, (size_t)label(t, i))
                                        : row_loss(bo->loss, t->raw[i], label(t, i));
    return sum / (double)t->d->n_rows;
}

/* t's scores at the base score, and its bins: d->x binned, or (x NULL)
 * left for the caller to fill. */
static rs_status table_new(booster *bo, scored_table *t, const rs_dataset *d, rs_error *err)
{
    t->d = d;
    t->bins = (rs_gbdt_binned){d->n_rows, d->n_features, NULL, bo->categorical, bo->edges, bo->edge_start, NULL};
    if (!(t->raw = malloc(d->n_rows * bo->n_outputs * sizeof *t->raw)))
        return rs_error_nomem(err);
    for (size_t i = 0; i < d->n_rows * bo->n_outputs; i++)
        t->raw[i] = (float)bo->base;
    if (rs_gbdt_binned_alloc(&t->bins, err) != RS_OK)
        return err->code;
    return !d->x ? RS_OK : rs_gbdt_bin_rows(&t->bins, d->x, bo->p->threads > 0 ? bo->p->threads : 1, err);
}

/* Everything but the edges and the tables. */
static rs_status booster_setup(booster *bo, const rs_dataset *d, const rs_params *p, const unsigned char *constant,
                               rs_error *err)
{
    size_t n = d->n_rows, dim = d->n_features;
    bo->p = p;
    bo->n_trees = rs_params_int(p, "trees");
    bo->patience = p->patience;
    bo->subsample = rs_params_real(p, "subsample");
    bo->colsample = rs_params_real(p, "colsample");
    bo->grow = (rs_gbdt_grow_params){rs_params_int(p, "leaves"), rs_params_int(p, "max-depth"),
                                     rs_params_int(p, "min-rows"), rs_params_real(p, "min-hessian"), p->l2, p->l1,
                                     rs_params_real(p, "min-gain"), p->lr, p->threads > 0 ? p->threads : 1, 0, NULL,
                                     RS_GBDT_H_GIVEN};
    bo->grow.pool = rs_pool_new(bo->grow.threads);   /* NULL: each step starts its threads */
    rs_rng_seed(&bo->rng, p->seed);
    if (choose_loss(d, p, &bo->loss, &bo->base, err) != RS_OK)
        return err->code;
    bo->n_outputs = bo->loss == LOSS_SOFTMAX ? rs_dataset_n_classes(d) : 1;
    bo->grow.hessian = hessian_rule(bo->loss);
    size_t n_grown = (size_t)bo->n_trees * bo->n_outputs;
    bo->categorical = calloc(dim, 1), bo->usable = calloc(dim, 1), bo->use = calloc(dim, 1);
    bo->pick = malloc(dim * sizeof *bo->pick);
    bo->g = malloc(n * bo->n_outputs * sizeof *bo->g);
    bo->h = bo->grow.hessian == RS_GBDT_H_GIVEN ? malloc(n * bo->n_outputs * sizeof *bo->h) : NULL;
    bo->rows = malloc(n * sizeof *bo->rows);
    bo->in_sample = malloc((n / 64 + 1) * sizeof *bo->in_sample);
    bo->kept = malloc((size_t)bo->grow.threads * sizeof *bo->kept);
    bo->walk_depth = malloc(bo->n_outputs * sizeof *bo->walk_depth);
    bo->walk_start = malloc((bo->n_outputs + 1) * sizeof *bo->walk_start);
    bo->tree_start = calloc(n_grown + 1, sizeof *bo->tree_start);
    bo->bitmap_start = calloc(n_grown + 1, sizeof *bo->bitmap_start);
    if (!bo->categorical || !bo->usable || !bo->use || !bo->pick || !bo->g || (!bo->h && bo->grow.hessian == RS_GBDT_H_GIVEN) ||
        !bo->rows || !bo->in_sample || !bo->kept || !bo->walk_depth || !bo->walk_start || !bo->tree_start ||
        !bo->bitmap_start)
        return rs_error_nomem(err);
    for (size_t j = 0; j < dim; j++) {
        bo->categorical[j] = d->categories && d->categories[j];
        bo->usable[j] = !constant[j];
    }
    return RS_OK;
}

static rs_status booster_init(booster *bo, const rs_dataset *d, const rs_params *p, const unsigned char *constant,
                              rs_error *err)
{
    if (booster_setup(bo, d, p, constant, err) != RS_OK ||
        rs_gbdt_edges_new(d->x, d->n_rows, d->n_features, bo->categorical, (int)rs_params_int(p, "bins"), &bo->edges,
                          &bo->edge_start, err) != RS_OK ||
        table_new(bo, &bo->train, d, err) != RS_OK || (p->valid && table_new(bo, &bo->valid, p->valid, err) != RS_OK))
        return err->code;
    return RS_OK;
}

static void booster_free(booster *bo)
{
    scored_table *tables[2] = {&bo->train, &bo->valid};
    for (int k = 0; k < 2; k++) {
        rs_gbdt_binned_free(&tables[k]->bins);
        free(tables[k]->raw), free(tables[k]->y8), free(tables[k]->y);
    }
    free(bo->edges), free(bo->edge_start), free(bo->categorical), free(bo->usable), free(bo->use);
    free(bo->pick);
    free(bo->g), free(bo->h), free(bo->rows), free(bo->in_sample), free(bo->kept);
    free(bo->walk), free(bo->walk_value), free(bo->walk_depth), free(bo->walk_start);
    free(bo->tree_start), free(bo->bitmap_start);
    rs_gbdt_forest_free(&bo->forest);
    rs_pool_free(bo->grow.pool);
}

typedef struct {
    booster *bo;
    uint64_t seed;
    int write;                 /* 0: draw thread t's rows, counted into kept[t]; 1: write them from rows + kept[t] */
} sample_job;

/* Thread t's words of rows drawn (row i's draw is a hash of its index and
 * the round's seed, so threads may share the rows any way; whole words, so
 * no two threads write one), then the rows drawn written in order: only
 * the sample's share of rows[] is touched. */
static void sample_thread(void *ctx, int t, int n_threads)
{
    const sample_job *job = ctx;
    booster *bo = job->bo;
    size_t n = bo->train.d->n_rows, begin, end, m = 0;
    rs_thread_range((n + 63) / 64, t, n_threads, &begin, &end);
    if (job->write) {
        uint32_t *rows = bo->rows + bo->kept[t];
        for (size_t w = begin; w < end; w++)
            for (uint64_t bits = bo->in_sample[w]; bits; bits &= bits - 1)
                rows[m++] = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
        return;
    }
    /* a draw's top 53 bits as a fraction below subsample: as an integer,
     * below subsample * 2^53 */
    uint64_t below = (uint64_t)ceil(fmin(bo->subsample, 1) * 0x1p53);
    for (size_t w = begin; w < end; w++) {
        uint64_t bits = 0;
        size_t last = w * 64 + 64 < n ? w * 64 + 64 : n;
        if (bo->subsample >= 1)   /* every row: no draws to make */
            bits = last - w * 64 == 64 ? UINT64_MAX : ((uint64_t)1 << (last - w * 64)) - 1;
        else
            for (size_t i = w * 64; i < last; i++)
                bits |= (uint64_t)((rs_gbdt_draw(job->seed, i) >> 11) < below) << (i % 64);
        bo->in_sample[w] = bits;
        m += (size_t)__builtin_popcountll(bits);
    }
    bo->kept[t] = m;
}

/* This tree's rows (each kept with probability subsample) and features
 * (a colsample share of the usable ones), drawn in a fixed order. */
static size_t draw_sample(booster *bo)
{
    size_t n = bo->train.d->n_rows, dim = bo->train.d->n_features, m = 0;
    int threads = n < 100000 ? 1 : bo->grow.threads;
    sample_job job = {bo, rs_rng_next(&bo->rng), 0};
    rs_pool_run(bo->grow.pool, threads, sample_thread, &job);
    for (int t = 0; t < threads; t++) {   /* each thread's rows after the ones before */
        size_t kept = bo->kept[t];
        bo->kept[t] = m;
        m += kept;
    }
    job.write = 1;
    rs_pool_run(bo->grow.pool, threads, sample_thread, &job);
    if (m == 0) {
        bo->rows[m++] = (uint32_t)rs_rng_below(&bo->rng, n);
        bo->in_sample[bo->rows[0] / 64] |= (uint64_t)1 << (bo->rows[0] % 64);
    }
    size_t n_usable = 0, *pick = bo->pick;
    memset(bo->use, 0, dim);
    for (size_t j = 0; j < dim; j++)
        if (bo->usable[j]) {
            if (bo->colsample >= 1)
                bo->use[j] = 1;
            else
                pick[n_usable++] = j;
        }
    size_t k = (size_t)ceil(bo->colsample * (double)n_usable);
    for (size_t i = 0; i < k && i < n_usable; i++) {   /* a partial shuffle */
        size_t r = i + (size_t)rs_rng_below(&bo->rng, n_usable - i), t = pick[i];
        pick[i] = pick[r], pick[r] = t;
        bo->use[pick[i]] = 1;
    }
    return m;
}

/* Rounds until n_trees, or until the validation loss has not improved for
 * patience rounds (the rounds after its best are then dropped).  A round
 * grows one tree per output on one draw of rows and features. */
static rs_status boost(booster *bo, long *best_round, double *best_valid, rs_error *err)
{
    size_t n = bo->train.d->n_rows, K = bo->n_outputs;
    *best_valid = INFINITY;
    update_rows(bo, &bo->train, -1, 0, 1);
    if (bo->loss == LOSS_BCE && bo->train.y8) {
        bo->train.sign_labels = bo->g;
        free(bo->train.y8);
        bo->train.y8 = NULL;
    }
    for (long r = 0; r < bo->n_trees; r++) {
        size_t m = draw_sample(bo);
        /* each tree adds its leaves to the rows of its sample as it is
         * grown; the others walk it */
        for (size_t k = 0; k < K; k++) {
            size_t t = (size_t)r * K + k;
            bo->tree_start[t] = bo->forest.n_nodes, bo->bitmap_start[t] = bo->forest.n_bitmaps;
            bo->grow.seed = rs_hash64(&t, sizeof t, (uint64_t)bo->p->seed);
            if (rs_gbdt_grow(&bo->train.bins, bo->g + k * n, bo->h ? bo->h + k * n : NULL, bo->rows, m, bo->use,
                             &bo->grow, &bo->forest, bo->train.raw + k * n, err) != RS_OK)
                return err->code;
            bo->tree_start[t + 1] = bo->forest.n_nodes, bo->bitmap_start[t + 1] = bo->forest.n_bitmaps;
        }
        if (walk_new(bo, r, err) != RS_OK)
            return err->code;
        update_rows(bo, &bo->train, m == n ? -1 : r, 1, 1);
        /* the training loss is a pass over the rows: only when shown */
        if (!bo->p->valid) {
            *best_round = r;
            if (bo->p->progress && ((r + 1) % 10 == 0 || r + 1 == bo->n_trees))
                rs_progress(bo->p, "tree %ld: train loss %.6f", r + 1, mean_loss(bo, &bo->train));
            continue;
        }
        update_rows(bo, &bo->valid, r, 0, 0);
        double v = mean_loss(bo, &bo->valid);
        if (bo->p->progress)
            rs_progress(bo->p, "tree %ld: train loss %.6f valid loss %.6f", r + 1, mean_loss(bo, &bo->train), v);
        if (v < *best_valid) {
            *best_valid = v;
            *best_round = r;
        } else if (r - *best_round >= bo->patience) {
            break;
        }
    }
    bo->forest.n_nodes = bo->tree_start[(size_t)(*best_round + 1) * K];
    bo->forest.n_bitmaps = bo->bitmap_start[(size_t)(*best_round + 1) * K];
    return RS_OK;
}

static rs_status save_forest(const booster *bo, long n_trees, rs_model *m, rs_error *err)
{
    const rs_gbdt_forest *f = &bo->forest;
    size_t n = f->n_nodes, dim = bo->train.d->n_features;
    int32_t *nodes = malloc(n * 5 * sizeof *nodes), *starts = malloc(((size_t)n_trees + 1) * sizeof *starts);
    float *values = malloc(n * 4 * sizeof *values);
    int32_t *edge_start = malloc((dim + 1) * sizeof *edge_start);
    if (!nodes || !starts || !values || !edge_start) {
        free(nodes), free(starts), free(values), free(edge_start);
        return rs_error_nomem(err);
    }
    for (size_t i = 0; i < n; i++) {
        const rs_gbdt_node *nd = &f->nodes[i];
        int32_t *o = nodes + 5 * i;
        o[0] = nd->feature, o[1] = nd->left, o[2] = nd->right, o[3] = nd->flags, o[4] = nd->bin;
        float *v = values + 4 * i;
        v[0] = nd->threshold, v[1] = nd->value, v[2] = nd->cover, v[3] = nd->gain;
    }
    for (long t = 0; t <= n_trees; t++)
        starts[t] = (int32_t)bo->tree_start[t];
    for (size_t j = 0; j <= dim; j++)
        edge_start[j] = (int32_t)bo->edge_start[j];
    size_t n_edges = bo->edge_start[dim];
    if (rs_model_adopt_i32(m, "nodes", nodes, n, 5, err) || rs_model_adopt_tensor(m, "node_values", values, n, 4, err) ||
        rs_model_adopt_i32(m, "tree_start", starts, (size_t)n_trees + 1, 1, err) ||
        rs_model_adopt_i32(m, "bin_start", edge_start, dim + 1, 1, err) ||
        (n_edges && rs_model_add_copy(m, "bin_edges", bo->edges, n_edges, 1, err)))
        return err->code;
    if (!f->n_bitmaps)
        return RS_OK;
    int32_t *bitmaps = malloc(f->n_bitmaps * RS_GBDT_BITMAP_WORDS * sizeof *bitmaps);
    if (!bitmaps)
        return rs_error_nomem(err);
    memcpy(bitmaps, f->bitmaps, f->n_bitmaps * RS_GBDT_BITMAP_WORDS * sizeof *bitmaps);
    return rs_model_adopt_i32(m, "bitmaps", bitmaps, f->n_bitmaps, RS_GBDT_BITMAP_WORDS, err);
}

/* Boosting on the booster's tables, then the model's keys and trees. */
static rs_status boost_and_save(booster *bo, const rs_params *p, rs_model *m, rs_error *err)
{
    long best_iteration = 0;
    double best_valid = NAN;
    rs_status st = boost(bo, &best_iteration, &best_valid, err);
    long n_trees = (best_iteration + 1) * (long)bo->n_outputs;
    if (st == RS_OK && (rs_model_set(m, "loss", loss_names[bo->loss], err) ||
                        rs_model_set_f64(m, "base_score", bo->base, err) ||
                        rs_model_set_i64(m, "n_trees", n_trees, err) ||
                        rs_model_set_f64(m, "lr", p->lr, err) || rs_model_set_f64(m, "l2", p->l2, err) ||
                        rs_model_set_f64(m, "l1", p->l1, err) || rs_model_set_i64(m, "seed", (int64_t)p->seed, err) ||
                        (p->valid && rs_model_set_f64(m, "valid_loss", best_valid, err))))
        st = err->code;
    for (size_t k = 0; st == RS_OK && k < p->n_own; k++)
        st = rs_model_set(m, p->own[k].name, p->own[k].value, err);
    if (st == RS_OK)
        st = save_forest(bo, n_trees, m, err);
    return st;
}

static rs_status gbdt_train(const rs_dataset *d, const rs_params *p, const unsigned char *constant, rs_model *m,
                            rs_error *err)
{
    booster bo = {0};
    rs_status st = booster_init(&bo, d, p, constant, err);
    if (st == RS_OK)
        st = boost_and_save(&bo, p, m, err);
    booster_free(&bo);
    return st;
}

/* ---- training in two reads of the table ------------------------------------ */

/* The first read: the rows the edges come from. */
static rs_status sample_row(void *ctx, const rs_dataset *d, size_t i, const float *row, rs_error *err)
{
    return rs_gbdt_sample_add(ctx, d->n_features, i, row, err);
}

/* The second: rows gathered in blocks of BIN_BLOCK, binned on the pool's
 * other threads while this one reads on (binning, not reading, is most of
 * the work of this read).  Blocks pass through BIN_SLOTS buffers: the
 * reader fills one, hands it over full and takes a free one; when none is
 * free it bins a full one itself, so it never waits on a binner that has
 * not started (the pool may run the slices one after another).  Each row's
 * bins depend on the row alone: the same bins whoever bins it. */
enum { BIN_BLOCK = 512, BIN_SLOTS = 4 };
enum { SLOT_FREE, SLOT_FILLING, SLOT_FULL, SLOT_BINNING };

typedef struct {
    rs_gbdt_binned *b;
    rs_sup_passes *in;
    float *rows[BIN_SLOTS];    /* (BIN_BLOCK x n_features) each */
    size_t first[BIN_SLOTS], n[BIN_SLOTS];   /* a slot's first row and its rows */
    int state[BIN_SLOTS];
    int filling;               /* the reader's slot */
    int done;                  /* 1: the reader has handed over its last block */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    rs_status st;
    rs_error *err;
} bin_stream;

static void bin_slot(bin_stream *bs, int s)
{
    rs_gbdt_bin_block(bs->b, bs->rows[s], bs->n[s], bs->b->bins + bs->first[s] * bs->b->n_features);
}

/* A slot in state `from`, or -1 (the lock held). */
static int find_slot(const bin_stream *bs, int from)
{
    for (int s = 0; s < BIN_SLOTS; s++)
        if (bs->state[s] == from)
            return s;
    return -1;
}

/* Full slot s binned outside the lock, then freed (the lock held on
 * entry and exit). */
static void bin_full_slot(bin_stream *bs, int s)
{
    bs->state[s] = SLOT_BINNING;
    pthread_mutex_unlock(&bs->lock);
    bin_slot(bs, s);
    pthread_mutex_lock(&bs->lock);
    bs->state[s] = SLOT_FREE;
    pthread_cond_broadcast(&bs->changed);
}

/* Bins full slots until none is left; with wait, also those handed over
 * later, until the reader is done (the lock held on entry and exit). */
static void bin_full_slots(bin_stream *bs, int wait)
{
    for (;;) {
        int s = find_slot(bs, SLOT_FULL);
        if (s < 0 && (!wait || bs->done))
            return;
        if (s < 0)
            pthread_cond_wait(&bs->changed, &bs->lock);
        else
            bin_full_slot(bs, s);
    }
}

/* The reader's slot handed over (when it holds rows) and a free one taken:
 * one a binner freed, else one binned here. */
static void hand_over(bin_stream *bs, size_t next_first)
{
    pthread_mutex_lock(&bs->lock);
    int s = bs->filling;
    if (bs->n[s]) {
        bs->state[s] = SLOT_FULL;
        pthread_cond_broadcast(&bs->changed);
        while ((s = find_slot(bs, SLOT_FREE)) < 0) {
            int full = find_slot(bs, SLOT_FULL);
            if (full < 0) {   /* every slot is being binned: one will be free soon */
                pthread_cond_wait(&bs->changed, &bs->lock);
                continue;
            }
            bin_full_slot(bs, full);
        }
    }
    bs->state[s] = SLOT_FILLING, bs->filling = s;
    bs->first[s] = next_first, bs->n[s] = 0;
    pthread_mutex_unlock(&bs->lock);
}

static rs_status bin_row(void *ctx, const rs_dataset *d, size_t i, const float *row, rs_error *err)
{
    bin_stream *bs = ctx;
    if (i >= bs->b->n_rows)   /* the file grew since the first read */
        return rs_error_set(err, RS_EDATA, NULL, 0, "the table changed while it was read (more than %zu rows)",
                            bs->b->n_rows);
    int s = bs->filling;
    memcpy(bs->rows[s] + bs->n[s] * d->n_features, row, d->n_features * sizeof *row);
    if (++bs->n[s] == BIN_BLOCK)
        hand_over(bs, i + 1);
    return RS_OK;
}

/* Thread 0 reads the table and hands its blocks over, the others bin them;
 * all bin what is left at the end. */
static void bin_stream_thread(void *ctx, int t, int n_threads)
{
    (void)n_threads;
    bin_stream *bs = ctx;
    if (t == 0) {
        bs->st = rs_sup_passes_read(bs->in, bin_row, bs, bs->err);
        hand_over(bs, 0);
        pthread_mutex_lock(&bs->lock);
        bs->done = 1;
        pthread_cond_broadcast(&bs->changed);
        pthread_mutex_unlock(&bs->lock);
    }
    pthread_mutex_lock(&bs->lock);
    bin_full_slots(bs, 1);
    pthread_mutex_unlock(&bs->lock);
}

/* The second read: every row of the table into t's bins. */
static rs_status read_bins(rs_sup_passes *in, scored_table *t, booster *bo, rs_error *err)
{
    bin_stream bs = {.b = &t->bins, .in = in, .err = err};
    rs_status st = RS_OK;
    for (int s = 0; s < BIN_SLOTS && st == RS_OK; s++)
        if (!(bs.rows[s] = malloc(BIN_BLOCK * t->bins.n_features * sizeof *bs.rows[s] + 1)))
            st = rs_error_nomem(err);
    if (st == RS_OK && pthread_mutex_init(&bs.lock, NULL) != 0)
        st = rs_error_nomem(err);
    else if (st == RS_OK && pthread_cond_init(&bs.changed, NULL) != 0) {
        pthread_mutex_destroy(&bs.lock);
        st = rs_error_nomem(err);
    }
    if (st == RS_OK) {
        bs.state[0] = SLOT_FILLING;
        rs_pool_run(bo->grow.pool, bo->grow.threads, bin_stream_thread, &bs);
        pthread_cond_destroy(&bs.changed);
        pthread_mutex_destroy(&bs.lock);
        st = bs.st;
    }
    for (int s = 0; s < BIN_SLOTS; s++)
        free(bs.rows[s]);
    return st;
}

/* The labels in place of the dataset's doubles in the narrowest type that
 * holds each exactly: bytes when each is a whole number 0..255 (0/1, class
 * codes, small counts), else floats when each is a float; 1 or 4 bytes a
 * row, not 8. */
static rs_status labels_narrow(scored_table *t, rs_dataset *d, rs_error *err)
{
    int bytes = 1, floats = 1;
    for (size_t i = 0; i < d->n_rows && (bytes || floats); i++) {
        double v = d->y[i];
        bytes &= v >= 0 && v <= 255 && v == floor(v);
        floats &= (double)(float)v == v;
    }
    if (bytes && (t->y8 = malloc(d->n_rows + 1)))
        for (size_t i = 0; i < d->n_rows; i++)
            t->y8[i] = (uint8_t)d->y[i];
    else if (!bytes && floats && (t->y = malloc((d->n_rows + 1) * sizeof *t->y)))
        for (size_t i = 0; i < d->n_rows; i++)
            t->y[i] = (float)d->y[i];
    else if (bytes || floats)
        return rs_error_nomem(err);
    else
        return RS_OK;
    free(d->y);
    d->y = NULL;
    return RS_OK;
}

/* The table is read twice and never held as floats: the first read keeps
 * the sample the edges come from (rs_gbdt_sample: the same rows as
 * rs_gbdt_edges_new takes from a table in memory, so the same model), the
 * second bins each row as it comes. */
static rs_status gbdt_train_passes(rs_sup_passes *in, const rs_params *p, rs_model *m, rs_error *err)
{
    booster bo = {0};
    rs_gbdt_sample sample = {0};
    rs_params with_valid = *p;
    rs_status st = rs_sup_passes_read(in, sample_row, &sample, err);
    rs_dataset *d = st == RS_OK ? rs_sup_passes_dataset(in) : NULL;
    with_valid.valid = st == RS_OK ? rs_sup_passes_valid(in) : NULL;
    if (st == RS_OK)
        st = booster_setup(&bo, d, &with_valid, rs_sup_passes_constant(in), err);
    if (st == RS_OK)
        st = rs_gbdt_sample_edges(&sample, d->n_features, bo.categorical, (int)rs_params_int(p, "bins"),
                                  bo.grow.threads, &bo.edges, &bo.edge_start, err);
    rs_gbdt_sample_free(&sample);
    if (st == RS_OK)
        st = table_new(&bo, &bo.train, d, err);
    if (st == RS_OK)
        st = read_bins(in, &bo.train, &bo, err);
    rs_sup_passes_close(in);   /* the reader's block buffers: 3.3 MB for 50 f64 rsf columns */
    if (st == RS_OK)
        st = labels_narrow(&bo.train, d, err);
    if (st == RS_OK && with_valid.valid)
        st = table_new(&bo, &bo.valid, with_valid.valid, err);
    if (st == RS_OK)
        st = boost_and_save(&bo, &with_valid, m, err);
    booster_free(&bo);
    return st;
}

/* ---- scoring ----------------------------------------------------------------- */

typedef struct {
    size_t n_features, n_trees, n_nodes;
    rs_gbdt_node *nodes;
    size_t *tree_start;        /* (n_trees + 1) */
    uint32_t *bitmaps;
    size_t n_bitmaps;
    loss_kind loss;
    double base;
    double *shap_work;         /* TreeSHAP paths of the deepest tree */
    /* scoring's copy of the nodes: 16 bytes each, a leaf its own child, so
     * that every row takes the tree's depth in steps without a branch */
    struct fast_node {
        uint32_t feature;      /* low 24 bits; FAST_DEFAULT_LEFT, FAST_CATEGORICAL */
        float threshold;       /* numeric; categorical: its bitmap */
        int32_t child[2];      /* left, right (absolute); a leaf: itself twice */
    } *fast;
    int *depth;                /* (n_trees) */
    rs_gbdt_coded *coded;      /* the same forest on byte codes, or NULL */
    size_t n_outputs;          /* softmax: classes (tree t adds to class t % n_outputs), else 1 */
    char **class_names;        /* softmax: (n_outputs) */
} gbdt_model;

enum { FAST_DEFAULT_LEFT = 1u << 31, FAST_CATEGORICAL = 1u << 30, FAST_FEATURE = (1u << 24) - 1 };

static void gbdt_unload(void *state)
{
    gbdt_model *gm = state;
    if (!gm)
        return;
    free(gm->nodes), free(gm->tree_start), free(gm->bitmaps), free(gm->shap_work);
    free(gm->fast), free(gm->depth);
    rs_gbdt_coded_free(gm->coded);
    rs_class_names_free(gm->class_names, gm->n_outputs);
    free(gm);
}

/* Every child index lies inside its tree, after its parent, and every node
 * but the root is some node's child exactly once: a damaged file can
 * neither loop nor share subtrees. */
static rs_status check_tree(const gbdt_model *gm, size_t t, unsigned char *parents, rs_error *err)
{
    size_t start = gm->tree_start[t], n = gm->tree_start[t + 1] - start;
    memset(parents, 0, n);
    for (size_t i = 0; i < n; i++) {
        const rs_gbdt_node *nd = &gm->nodes[start + i];
        if (nd->feature < 0)
            continue;
        int bad = (size_t)nd->feature >= gm->n_features || nd->left <= (int32_t)i || nd->right <= (int32_t)i ||
                  (size_t)nd->left >= n || (size_t)nd->right >= n || nd->left == nd->right ||
                  ((nd->flags & RS_GBDT_CATEGORICAL) && (nd->bin < 0 || (size_t)nd->bin >= gm->n_bitmaps));
        if (bad || parents[nd->left]++ || parents[nd->right]++)
            return rs_error_set(err, RS_EDATA, NULL, 0, "the model's tree %zu is damaged (node %zu)", t, i);
    }
    for (size_t i = 1; i < n; i++)
        if (!parents[i])
            return rs_error_set(err, RS_EDATA, NULL, 0, "the model's tree %zu is damaged (node %zu)", t, i);
    return RS_OK;
}

static rs_status load_nodes(gbdt_model *gm, const rs_model *m, rs_error *err)
{
    size_t rows, cols, vrows, vcols, srows, scols, brows = 0, bcols = 0;
    const int32_t *nodes = rs_model_i32(m, "nodes", &rows, &cols);
    const float *values = rs_model_tensor(m, "node_values", &vrows, &vcols);
    const int32_t *starts = rs_model_i32(m, "tree_start", &srows, &scols);
    const int32_t *bitmaps = rs_model_i32(m, "bitmaps", &brows, &bcols);
    if (!nodes || !values || !starts || cols != 5 || vcols != 4 || vrows != rows || scols != 1 ||
        srows != gm->n_trees + 1 || (bitmaps && bcols != RS_GBDT_BITMAP_WORDS))
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's trees are missing or damaged");
    gm->n_nodes = rows, gm->n_bitmaps = bitmaps ? brows : 0;
    gm->nodes = malloc((rows + 1) * sizeof *gm->nodes);
    gm->tree_start = malloc((gm->n_trees + 1) * sizeof *gm->tree_start);
    gm->bitmaps = malloc((gm->n_bitmaps + 1) * RS_GBDT_BITMAP_WORDS * sizeof *gm->bitmaps);
    if (!gm->nodes || !gm->tree_start || !gm->bitmaps)
        return rs_error_nomem(err);
    for (size_t i = 0; i < rows; i++) {
        const int32_t *o = nodes + 5 * i;
        const float *v = values + 4 * i;
        gm->nodes[i] = (rs_gbdt_node){o[0], o[1], o[2], o[3], o[4], v[0], v[1], v[2], v[3]};
        if (gm->nodes[i].feature < 0 && !isfinite(v[1]))
            return rs_error_set(err, RS_EDATA, NULL, 0, "the model's leaf %zu is not a number", i);
    }
    if (gm->n_bitmaps)
        memcpy(gm->bitmaps, bitmaps, gm->n_bitmaps * RS_GBDT_BITMAP_WORDS * sizeof *gm->bitmaps);
    for (size_t t = 0; t <= gm->n_trees; t++) {
        gm->tree_start[t] = (size_t)starts[t];
        if (starts[t] < 0 || (size_t)starts[t] > rows || (t > 0 && starts[t] <= starts[t - 1]) ||
            (t == gm->n_trees && (size_t)starts[t] != rows) || (t == 0 && starts[t] != 0))
            return rs_error_set(err, RS_EDATA, NULL, 0, "the model's tree_start is damaged");
    }
    return RS_OK;
}

static void make_fast(gbdt_model *gm)
{
    for (size_t t = 0; t < gm->n_trees; t++)
        for (size_t i = gm->tree_start[t]; i < gm->tree_start[t + 1]; i++) {
            const rs_gbdt_node *n = &gm->nodes[i];
            struct fast_node *f = &gm->fast[i];
            if (n->feature < 0) {
                *f = (struct fast_node){0, 0, {(int32_t)i, (int32_t)i}};
                continue;
            }
            int categorical = (n->flags & RS_GBDT_CATEGORICAL) != 0;
            f->feature = (uint32_t)n->feature | (n->flags & RS_GBDT_DEFAULT_LEFT ? FAST_DEFAULT_LEFT : 0) |
                         (categorical ? FAST_CATEGORICAL : 0);
            memcpy(&f->threshold, categorical ? (const void *)&n->bin : (const void *)&n->threshold, 4);
            f->child[0] = (int32_t)gm->tree_start[t] + n->left;
            f->child[1] = (int32_t)gm->tree_start[t] + n->right;
        }
}

/* Each tree checked, its depth, and TreeSHAP's work for the deepest one. */
static rs_status check_trees(gbdt_model *gm, rs_error *err)
{
    unsigned char *parents = malloc(gm->n_nodes + 1);
    int *depth_of = malloc((gm->n_nodes + 1) * sizeof *depth_of);
    gm->depth = malloc(gm->n_trees * sizeof *gm->depth);
    gm->fast = malloc((gm->n_nodes + 1) * sizeof *gm->fast);
    rs_status st = parents && depth_of && gm->depth && gm->fast ? RS_OK : rs_error_nomem(err);
    int depth = 0;
    for (size_t t = 0; st == RS_OK && t < gm->n_trees; t++) {
        st = check_tree(gm, t, parents, err);
        if (st == RS_OK) {
            gm->depth[t] = rs_gbdt_tree_depth(gm->nodes + gm->tree_start[t],
                                              gm->tree_start[t + 1] - gm->tree_start[t], depth_of);
            depth = gm->depth[t] > depth ? gm->depth[t] : depth;
        }
    }
    free(parents), free(depth_of);
    if (st == RS_OK && gm->n_features > FAST_FEATURE)
        st = rs_error_set(err, RS_EDATA, NULL, 0, "the model has more than %d features", FAST_FEATURE);
    size_t entries = ((size_t)depth + 2) * ((size_t)depth + 3) / 2;
    if (st == RS_OK && !(gm->shap_work = malloc(entries * 4 * sizeof *gm->shap_work)))
        st = rs_error_nomem(err);
    if (st == RS_OK) {
        make_fast(gm);
        gm->coded = rs_gbdt_coded_new(gm->nodes, gm->tree_start, gm->n_trees, gm->n_features, depth);
    }
    return st;
}

static void *gbdt_load(const rs_model *m, size_t n_features, rs_error *err)
{
    gbdt_model *gm = calloc(1, sizeof *gm);
    if (!gm) {
        rs_error_nomem(err);
        return NULL;
    }
    gm->n_features = n_features;
    int64_t n_trees;
    const char *loss = rs_model_get(m, "loss");
    rs_status st = rs_model_get_f64(m, "base_score", &gm->base, err) ? err->code
                   : rs_model_get_i64(m, "n_trees", &n_trees, err) ? err->code : RS_OK;
    int known = 0;
    for (size_t k = 0; loss && k < sizeof loss_names / sizeof loss_names[0]; k++)
        if (!strcmp(loss, loss_names[k]))
            gm->loss = (loss_kind)k, known = 1;
    gm->n_outputs = 1;
    if (st == RS_OK && !known)
        st = rs_error_set(err, RS_EDATA, NULL, 0, "the model's loss is missing or unknown");
    else if (st == RS_OK && gm->loss == LOSS_SOFTMAX && !(gm->class_names = rs_class_names_new(m, &gm->n_outputs, err)))
        st = err->code;
    else if (st == RS_OK && (n_trees < 1 || n_trees > 10000000 || !isfinite(gm->base) ||
                             (size_t)n_trees % gm->n_outputs))
        st = rs_error_set(err, RS_EDATA, NULL, 0, "the model's n_trees or base_score is damaged");
    if (st == RS_OK) {
        gm->n_trees = (size_t)n_trees;
        st = load_nodes(gm, m, err);
    }
    if (st == RS_OK)
        st = check_trees(gm, err);
    if (st != RS_OK) {
        gbdt_unload(gm);
        return NULL;
    }
    return gm;
}

/* 8 rows in flight per tree; 128 rows (of up to ~50 features) stay in L1 */
enum { SCORE_LANES = 8, SCORE_CHUNK = 128 };

/* One step of one row: its next node. */
static inline int32_t fast_step(const struct fast_node *fast, const uint32_t *bitmaps, const float *row, int32_t at,
                                int categorical)
{
    const struct fast_node *f = &fast[at];
    float v = row[f->feature & FAST_FEATURE];
    if (categorical && (f->feature & FAST_CATEGORICAL)) {
        int32_t bitmap;
        memcpy(&bitmap, &f->threshold, 4);
        return f->child[!rs_gbdt_in_set(bitmaps + (size_t)bitmap * RS_GBDT_BITMAP_WORDS, rs_gbdt_category_bin(v))];
    }
    return f->child[!((v <= f->threshold) | ((v != v) & (f->feature >> 31)))];
}

/* SCORE_LANES rows (row i0 + l at rows + l * d) through one tree of the
 * given depth.  A constant lane count lets the compiler keep every lane's
 * node in a register; `categorical` is constant at each call, so a forest
 * without categorical splits has no test for them. */
static inline __attribute__((always_inline)) void walk_lanes(const gbdt_model *gm, const float *rows, size_t d,
                                                             int32_t root, int depth, double *scores,
                                                             size_t stride, int categorical)
{
    int32_t at[SCORE_LANES];
    for (size_t l = 0; l < SCORE_LANES; l++)
        at[l] = root;
    for (int step = 0; step < depth; step++)
        for (size_t l = 0; l < SCORE_LANES; l++)
            at[l] = fast_step(gm->fast, gm->bitmaps, rows + l * d, at[l], categorical);
    for (size_t l = 0; l < SCORE_LANES; l++)
        scores[l * stride] += gm->nodes[at[l]].value;
}

/* Tree by tree over a chunk of rows that stays in L1: one tree's nodes stay
 * in cache while every row goes through it, SCORE_LANES rows at a time, each
 * taking exactly the tree's depth in steps (a leaf is its own child): no
 * branch to mispredict and the lanes' loads overlap.  Each row's sum runs
 * in tree order; tree t adds to output t % n_outputs (scores n x n_outputs). */
static inline __attribute__((always_inline)) void score_chunk(const gbdt_model *gm, const float *rows, size_t n,
                                                              double *scores, int categorical)
{
    size_t d = gm->n_features, full = n - n % SCORE_LANES, K = gm->n_outputs;
    for (size_t t = 0; t < gm->n_trees; t++) {
        int32_t root = (int32_t)gm->tree_start[t];
        double *out = scores + t % K;
        for (size_t i0 = 0; i0 < full; i0 += SCORE_LANES)
            walk_lanes(gm, rows + i0 * d, d, root, gm->depth[t], out + i0 * K, K, categorical);
        for (size_t i = full; i < n; i++) {
            int32_t at = root;
            for (int step = 0; step < gm->depth[t]; step++)
                at = fast_step(gm->fast, gm->bitmaps, rows + i * d, at, categorical);
            out[i * K] += gm->nodes[at].value;
        }
    }
}

static void gbdt_score(void *state, const float *rows, size_t n, double *scores)
{
    const gbdt_model *gm = state;
    size_t d = gm->n_features, K = gm->n_outputs;
    for (size_t i = 0; i < n * K; i++)
        scores[i] = gm->base;
    if (gm->coded)
        rs_gbdt_coded_add(gm->coded, rows, n, scores, K);
    else
    for (size_t c0 = 0; c0 < n; c0 += SCORE_CHUNK) {
        size_t len = n - c0 < SCORE_CHUNK ? n - c0 : SCORE_CHUNK;
        if (gm->n_bitmaps)
            score_chunk(gm, rows + c0 * d, len, scores + c0 * K, 1);
        else
            score_chunk(gm, rows + c0 * d, len, scores + c0 * K, 0);
    }
    if (gm->loss == LOSS_SOFTMAX) {
        for (size_t i = 0; i < n; i++)
            softmax(scores + i * K, 1, K, scores + i * K);
        return;
    }
    for (size_t i = 0; i < n; i++)
        scores[i] = output(gm->loss, scores[i]);
}

static int gbdt_probability(const void *state)
{
    loss_kind loss = ((const gbdt_model *)state)->loss;
    return loss == LOSS_BCE || loss == LOSS_SOFTMAX;
}

static size_t gbdt_outputs(const void *state)
{
    return ((const gbdt_model *)state)->n_outputs;
}

static const char *gbdt_output_name(const void *state, size_t j)
{
    const gbdt_model *gm = state;
    return gm->class_names ? gm->class_names[j] : "score";
}

static int gbdt_label_classes(const rs_params *p)
{
    return p->loss && !strcmp(p->loss, "softmax");
}

static void gbdt_explain(void *state, const float *rows, size_t n, double *contrib)
{
    gbdt_model *gm = state;
    size_t width = gm->n_features + 1;
    for (size_t i = 0; i < n; i++) {
        double *phi = contrib + i * width;
        memset(phi, 0, width * sizeof *phi);
        phi[gm->n_features] = gm->base;
        for (size_t t = 0; t < gm->n_trees; t++)
            rs_gbdt_shap(gm->nodes + gm->tree_start[t], gm->bitmaps, rows + i * gm->n_features, gm->n_features, phi,
                         gm->shap_work);
    }
}

static void gbdt_importance(const void *state, double *gain, double *splits)
{
    const gbdt_model *gm = state;
    memset(gain, 0, gm->n_features * sizeof *gain);
    memset(splits, 0, gm->n_features * sizeof *splits);
    for (size_t i = 0; i < gm->n_nodes; i++)
        if (gm->nodes[i].feature >= 0) {
            gain[gm->nodes[i].feature] += gm->nodes[i].gain;
            splits[gm->nodes[i].feature] += 1;
        }
}

static const rs_kind_option gbdt_options[] = {
    {"trees", "300", 1, 1e6, 0, 0, RS_SEARCH_LOG_INT, 50, 2000, NULL, RS_OPTION_INT, "N", NULL,
     "boosting rounds (with --valid: at most N)"},
    {"lr", "0.05", 0, 1, 1, 0, RS_SEARCH_LOG, 0.01, 0.3, NULL, RS_SHARED},
    {"leaves", "15", 2, 65536, 0, 0, RS_SEARCH_LOG_INT, 4, 256, NULL, RS_OPTION_INT, "N", NULL,
     "leaves per tree at most (grown best-first)"},
    {"max-depth", "0", 0, 64, 0, 0, RS_SEARCH_INT, 0, 12, NULL, RS_OPTION_INT, "N", NULL,
     "depth limit per tree (0: none, --leaves bounds it)"},
    {"min-rows", "20", 1, 1e9, 0, 0, RS_SEARCH_LOG_INT, 1, 200, NULL, RS_OPTION_INT, "N", NULL,
     "rows per leaf at least"},
    {"min-hessian", "0.001", 0, INFINITY, 0, 0, RS_SEARCH_LOG, 1e-4, 10, NULL, RS_OPTION_REAL, "X", NULL,
     "hessian (weight) per leaf at least"},
    {"min-gain", "0", 0, INFINITY, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_OPTION_REAL, "X", NULL,
     "split only when the gain exceeds X"},
    {"l2", "1", 0, INFINITY, 0, 0, RS_SEARCH_LOG, 1e-3, 100, NULL, RS_SHARED},
    {"l1", "0", 0, INFINITY, 0, 0, RS_SEARCH_LOG, 1e-3, 10, NULL, RS_SHARED},
    {"bins", "255", 2, 255, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_OPTION_INT, "N", NULL,
     "value bins per numeric feature at most"},
    {"subsample", "0.8", 0, 1, 1, 0, RS_SEARCH_LINEAR, 0.5, 1, NULL, RS_OPTION_REAL, "X", NULL,
     "share of rows each tree sees (seeded)"},
    {"colsample", "1", 0, 1, 1, 0, RS_SEARCH_LINEAR, 0.3, 1, NULL, RS_OPTION_REAL, "X", NULL,
     "share of features each tree sees (seeded)"},
    {"loss", NULL, 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, "bce for a 0/1 label, else squared", RS_SHARED},
    {"patience", "20", 1, 1e6, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_SHARED},
    {NULL},
};

const rs_kind rs_kind_gbdt = {
    .name = "gbdt",
    .family = RS_FAMILY_SUPERVISED,
    .summary = "gradient-boosted trees: histograms, missing values, categories",
    .options = gbdt_options,
    .flags = RS_KIND_MIXED | RS_KIND_PARALLEL_SCORE,
    .quick_args = "--trees 2 --leaves 2 --min-rows 1",
    .train_rows = gbdt_train,
    .train_passes = gbdt_train_passes,
    .rows_load = gbdt_load,
    .rows_score = gbdt_score,
    .rows_probability = gbdt_probability,
    .rows_outputs = gbdt_outputs,
    .rows_output_name = gbdt_output_name,
    .label_classes = gbdt_label_classes,
    .rows_explain = gbdt_explain,
    .rows_importance = gbdt_importance,
    .unload = gbdt_unload,
};
