/* gbdt_grow.c — one tree, grown leaf-wise on gradient histograms
 * (gbdt.h): the leaf with the largest gain is split next, the smaller
 * child's histogram is built from its rows and the larger one's is its
 * parent's minus it.  Threads take features, so sums never depend on -j. */
#include "models/gbdt.h"

#include "mem.h"
#include "threads.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { HIST_BINS = 256, CHUNKS = 8, CHUNK_MIN_ROWS = 65536 };
/* Categories are ordered by gradient / (hessian + CAT_SMOOTH) before the
 * scan, so a rare category does not sort to an end on noise. */
#define CAT_SMOOTH 10.0

/* A histogram bin's sums.  Rows are not counted per bin (a third add in
 * the hottest loop): a bin's rows are estimated as its hessian times the
 * leaf's rows per unit of hessian, as LightGBM does; exact for squared
 * loss, where every hessian is 1. */
typedef struct {
    double g, h;
} bin_stat;

typedef struct {
    double gain;              /* <= 0: no split */
    int32_t feature, bin, default_left, categorical;
    uint32_t bitmap[RS_GBDT_BITMAP_WORDS];
    bin_stat left;            /* the left child's sums (missing included when it goes left) */
} split;

typedef struct {
    size_t begin, end;        /* its rows: rows[begin..end) */
    int32_t node;
    long depth;
    bin_stat sum;
    size_t n;                 /* end - begin */
    double rows_per_hessian;  /* n / sum.h */
    bin_stat *hist;           /* (n_features x HIST_BINS), or NULL */
    split best;
} leaf;

typedef struct {
    const rs_gbdt_binned *b;
    const float *g, *h;
    const uint32_t *rows;
    const unsigned char *use;
    const rs_gbdt_grow_params *p;
    const leaf *lf;
    bin_stat *hist;
    split *best;              /* (n_features) */
    bin_stat *chunks;         /* a large leaf's per-chunk histograms, or NULL */
} feature_job;

/* ---- gains ---------------------------------------------------------------- */

static void set_count(leaf *lf)
{
    lf->n = lf->end - lf->begin;
    lf->rows_per_hessian = lf->sum.h > 0 ? (double)lf->n / lf->sum.h : 1;
}

static double soft(double g, double l1)
{
    return g > l1 ? g - l1 : g < -l1 ? g + l1 : 0;
}

static double score(const bin_stat *s, const rs_gbdt_grow_params *p)
{
    double t = soft(s->g, p->l1);
    return t * t / (s->h + p->l2);
}

/* The gain of splitting parent into left and parent - left, or -1 when a
 * child is too small. */
static double split_gain(const leaf *lf, const bin_stat *left, const rs_gbdt_grow_params *p)
{
    const bin_stat *parent = &lf->sum;
    bin_stat right = {parent->g - left->g, parent->h - left->h};
    double min_h = (double)p->min_rows / lf->rows_per_hessian * (1 - 1e-9);
    if (left->h < min_h || right.h < min_h || left->h < p->min_hessian || right.h < p->min_hessian)
        return -1;
    return score(left, p) + score(&right, p) - score(parent, p);
}

static void consider(split *best, double gain, const bin_stat *left, int32_t feature)
{
    if (gain > best->gain) {
        best->gain = gain;
        best->left = *left;
        best->feature = feature;
    }
}

/* ---- the best split of one feature ---------------------------------------- */

static void best_numeric(const bin_stat *hist, const leaf *lf, int n_bins, int32_t j, const rs_gbdt_grow_params *p,
                         split *best)
{
    const bin_stat *miss = &hist[RS_GBDT_MISSING];
    bin_stat left = {0, 0};
    for (int b = 0; b + 1 < n_bins; b++) {
        left.g += hist[b].g, left.h += hist[b].h;
        if (hist[b].h == 0)   /* no rows (every row's hessian is > 0) */
            continue;
        double before = best->gain;
        consider(best, split_gain(lf, &left, p), &left, j);
        if (best->gain > before) {
            best->bin = b;
            /* no missing rows here: they go with the heavier child */
            best->default_left = miss->h == 0 && left.h > lf->sum.h - left.h;
        }
        if (miss->h == 0)
            continue;
        bin_stat with_missing = {left.g + miss->g, left.h + miss->h};
        before = best->gain;
        consider(best, split_gain(lf, &with_missing, p), &with_missing, j);
        if (best->gain > before) {
            best->bin = b;
            best->default_left = 1;
        }
    }
}

typedef struct {
    double key;
    int bin;
} cat_order;

static int by_key(const void *a, const void *b)
{
    const cat_order *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->bin - y->bin;
}

/* Categories (and the missing bin) sorted by g / (h + CAT_SMOOTH); the
 * best prefix goes left. */
static void best_categorical(const bin_stat *hist, const leaf *lf, int32_t j, const rs_gbdt_grow_params *p,
                             split *best)
{
    cat_order order[HIST_BINS];
    int m = 0;
    for (int b = 0; b < HIST_BINS; b++)
        if (hist[b].h > 0)
            order[m++] = (cat_order){hist[b].g / (hist[b].h + CAT_SMOOTH), b};
    qsort(order, (size_t)m, sizeof *order, by_key);
    bin_stat left = {0, 0};
    int best_k = -1;
    for (int k = 0; k + 1 < m; k++) {
        const bin_stat *s = &hist[order[k].bin];
        left.g += s->g, left.h += s->h;
        double before = best->gain;
        consider(best, split_gain(lf, &left, p), &left, j);
        if (best->gain > before)
            best_k = k;
    }
    if (best_k < 0)
        return;
    best->categorical = 1;
    best->default_left = 0;
    memset(best->bitmap, 0, sizeof best->bitmap);
    for (int k = 0; k <= best_k; k++)
        best->bitmap[order[k].bin / 32] |= 1u << (order[k].bin % 32);
}

static void best_of_feature(const feature_job *job, size_t j, split *best)
{
    const rs_gbdt_binned *b = job->b;
    const bin_stat *hist = job->hist + j * HIST_BINS;
    *best = (split){.gain = job->p->min_gain > 0 ? job->p->min_gain : 0, .feature = -1};
    if (b->categorical[j])
        best_categorical(hist, job->lf, (int32_t)j, job->p, best);
    else
        best_numeric(hist, job->lf, (int)(b->edge_start[j + 1] - b->edge_start[j]) + 1, (int32_t)j, job->p,
                     best);
}

/* ---- histograms ----------------------------------------------------------- */

/* The histograms of features [begin, end) from the leaf's rows: each row's
 * bins are read once, its gradients added to every feature's histogram. */
/* Histograms of features [begin, end) that job->use keeps, over rows
 * k_begin..k_end of job->rows, into out.  Rows go in tiles of TILE_ROWS
 * and features in groups of TILE_FEATURES, so that the group's histograms
 * (8 x 256 x 16 bytes) stay in L1 while the tile's rows pass; each bin
 * still sums its rows in row order, so the sums are the same bytes as a
 * row-by-row pass. */
enum { TILE_ROWS = 256, TILE_FEATURES = 8 };

static void build_features(const feature_job *job, size_t begin, size_t end, size_t k_begin, size_t k_end,
                           bin_stat *out)
{
    size_t d = job->b->n_features, used[RS_GBDT_MAX_BINS + 1];
    size_t cap = sizeof used / sizeof used[0];
    const uint8_t *row_bins[TILE_ROWS];
    double tile_g[TILE_ROWS], tile_h[TILE_ROWS];
    for (size_t j0 = begin; j0 < end; j0 += cap) {
        size_t j1 = j0 + cap < end ? j0 + cap : end, n_used = 0;
        for (size_t j = j0; j < j1; j++)
            if (job->use[j]) {
                used[n_used++] = j;
                memset(out + j * HIST_BINS, 0, HIST_BINS * sizeof *out);
            }
        for (size_t k0 = k_begin; k0 < k_end; k0 += TILE_ROWS) {
            size_t n_tile = k_end - k0 < TILE_ROWS ? k_end - k0 : TILE_ROWS;
            for (size_t k = 0; k < n_tile; k++) {
                uint32_t r = job->rows[k0 + k];
                row_bins[k] = job->b->bins + (size_t)r * d;
                tile_g[k] = job->g[r], tile_h[k] = job->h[r];
            }
            for (size_t u0 = 0; u0 < n_used; u0 += TILE_FEATURES) {
                size_t u1 = u0 + TILE_FEATURES < n_used ? u0 + TILE_FEATURES : n_used;
                for (size_t k = 0; k < n_tile; k++)
                    for (size_t u = u0; u < u1; u++) {
                        bin_stat *s = &out[used[u] * HIST_BINS + row_bins[k][used[u]]];
                        s->g += tile_g[k], s->h += tile_h[k];
                    }
            }
        }
    }
}

/* A large leaf's rows are cut into CHUNKS fixed ranges, each with its own
 * histograms (built on the threads, every row's bins read once: split by
 * features, each thread would stream every row), then added in chunk order:
 * the same sums for any -j. */
static void chunk_bounds(const leaf *lf, int c, size_t *begin, size_t *end)
{
    size_t n = lf->end - lf->begin;
    *begin = lf->begin + n * (size_t)c / CHUNKS;
    *end = lf->begin + n * (size_t)(c + 1) / CHUNKS;
}

static void chunk_thread(void *ctx, int t, int n_threads)
{
    const feature_job *job = ctx;
    size_t d = job->b->n_features;
    for (int c = t; c < CHUNKS; c += n_threads) {
        size_t k0, k1;
        chunk_bounds(job->lf, c, &k0, &k1);
        build_features(job, 0, d, k0, k1, job->chunks + (size_t)c * d * HIST_BINS);
    }
}

static void reduce_chunks(const feature_job *job, size_t begin, size_t end)
{
    size_t d = job->b->n_features;
    for (size_t j = begin; j < end; j++) {
        if (!job->use[j])
            continue;
        bin_stat *hist = job->hist + j * HIST_BINS;
        memcpy(hist, job->chunks + j * HIST_BINS, HIST_BINS * sizeof *hist);
        for (int c = 1; c < CHUNKS; c++) {
            const bin_stat *part = job->chunks + ((size_t)c * d + j) * HIST_BINS;
            for (size_t b = 0; b < HIST_BINS; b++)
                hist[b].g += part[b].g, hist[b].h += part[b].h;
        }
    }
}

/* Thread t's features: histograms built (rows NULL: already there, by
 * subtraction) and each one's best split. */
static void features_thread(void *ctx, int t, int n_threads)
{
    const feature_job *job = ctx;
    size_t begin, end;
    rs_thread_range(job->b->n_features, t, n_threads, &begin, &end);
    if (job->chunks)
        reduce_chunks(job, begin, end);
    else if (job->rows)
        build_features(job, begin, end, job->lf->begin, job->lf->end, job->hist);
    for (size_t j = begin; j < end; j++) {
        if (job->use[j])
            best_of_feature(job, j, &job->best[j]);
        else
            job->best[j] = (split){.gain = 0, .feature = -1};
    }
}

/* The leaf's histogram (built from its rows when build, else already
 * there) and its best split, the first feature winning a tie. */
static void examine(leaf *lf, int build, const rs_gbdt_binned *b, const float *g, const float *h,
                    const uint32_t *rows, const unsigned char *use, const rs_gbdt_grow_params *p, split *per_feature,
                    bin_stat *chunks)
{
    feature_job job = {b, g, h, build ? rows : NULL, use, p, lf, lf->hist, per_feature, NULL};
    size_t work = (lf->end - lf->begin) * b->n_features;
    if (build && lf->end - lf->begin >= CHUNK_MIN_ROWS) {
        job.chunks = chunks;
        rs_parallel(p->threads, chunk_thread, &job);
    }
    rs_parallel(work < ((size_t)1 << 20) ? 1 : p->threads, features_thread, &job);
    lf->best = (split){.gain = 0, .feature = -1};
    if (p->max_depth > 0 && lf->depth >= p->max_depth)
        return;
    for (size_t j = 0; j < b->n_features; j++)
        if (per_feature[j].feature >= 0 && per_feature[j].gain > lf->best.gain)
            lf->best = per_feature[j];
}

/* ---- the tree ------------------------------------------------------------- */

static int goes_left_binned(const split *s, uint8_t bin)
{
    if (s->categorical)
        return rs_gbdt_in_set(s->bitmap, bin);
    return bin == RS_GBDT_MISSING ? s->default_left : bin <= s->bin;
}

/* Rows of lf going left first, each side in its old order, in chunks
 * partitioned on threads into two scratch arrays and gathered in chunk
 * order: the same order whatever the number of threads.  Returns where
 * the right side starts. */

typedef struct {
    const leaf *lf;
    const rs_gbdt_binned *b;
    uint32_t *rows, *lefts, *rights;
    size_t n_left[CHUNKS];
} partition_job;

static void partition_thread(void *ctx, int t, int n_threads)
{
    partition_job *job = ctx;
    size_t d = job->b->n_features;
    const uint8_t *col = job->b->bins + job->lf->best.feature;
    for (int c = t; c < CHUNKS; c += n_threads) {
        size_t begin, end, n_left = 0, n_right = 0;
        chunk_bounds(job->lf, c, &begin, &end);
        for (size_t k = begin; k < end; k++) {
            uint32_t r = job->rows[k];
            if (goes_left_binned(&job->lf->best, col[(size_t)r * d]))
                job->lefts[begin + n_left++] = r;
            else
                job->rights[begin + n_right++] = r;
        }
        job->n_left[c] = n_left;
    }
}

static size_t partition(const leaf *lf, const rs_gbdt_binned *b, uint32_t *rows, uint32_t *lefts, uint32_t *rights,
                        int threads)
{
    partition_job job = {lf, b, rows, lefts, rights, {0}};
    rs_parallel(lf->end - lf->begin < 65536 ? 1 : threads, partition_thread, &job);
    size_t at = lf->begin;
    for (int c = 0; c < CHUNKS; c++) {
        size_t begin, end;
        chunk_bounds(lf, c, &begin, &end);
        memcpy(rows + at, lefts + begin, job.n_left[c] * sizeof *rows);
        at += job.n_left[c];
    }
    size_t mid = at;
    for (int c = 0; c < CHUNKS; c++) {
        size_t begin, end;
        chunk_bounds(lf, c, &begin, &end);
        memcpy(rows + at, rights + begin, (end - begin - job.n_left[c]) * sizeof *rows);
        at += end - begin - job.n_left[c];
    }
    return mid;
}

static rs_status add_node(rs_gbdt_forest *f, size_t tree_start, int32_t *index, rs_error *err)
{
    if (rs_grow((void **)&f->nodes, &f->cap_nodes, f->n_nodes + 1, sizeof *f->nodes) < 0)
        return rs_error_nomem(err);
    *index = (int32_t)(f->n_nodes - tree_start);
    f->nodes[f->n_nodes++] = (rs_gbdt_node){.feature = -1};
    return RS_OK;
}

/* Node lf->node becomes lf's split, with two new leaf nodes. */
static rs_status make_inner(rs_gbdt_forest *f, size_t tree_start, const leaf *lf, const rs_gbdt_binned *b,
                            int32_t *left, int32_t *right, rs_error *err)
{
    const split *s = &lf->best;
    int32_t bitmap = -1;
    if (s->categorical) {
        if (rs_grow((void **)&f->bitmaps, &f->cap_bitmaps, f->n_bitmaps + 1,
                    RS_GBDT_BITMAP_WORDS * sizeof *f->bitmaps) < 0)
            return rs_error_nomem(err);
        memcpy(f->bitmaps + f->n_bitmaps * RS_GBDT_BITMAP_WORDS, s->bitmap, sizeof s->bitmap);
        bitmap = (int32_t)f->n_bitmaps++;
    }
    if (add_node(f, tree_start, left, err) != RS_OK || add_node(f, tree_start, right, err) != RS_OK)
        return err->code;
    rs_gbdt_node *n = &f->nodes[tree_start + (size_t)lf->node];
    n->feature = s->feature;
    n->left = *left, n->right = *right;
    n->flags = (s->default_left ? RS_GBDT_DEFAULT_LEFT : 0) | (s->categorical ? RS_GBDT_CATEGORICAL : 0);
    n->bin = s->categorical ? bitmap : s->bin;
    n->threshold = s->categorical ? 0 : b->edges[b->edge_start[s->feature] + (size_t)s->bin];
    n->gain = (float)s->gain;
    n->cover = (float)lf->n;
    return RS_OK;
}

typedef struct {
    leaf *leaves;
    size_t n_leaves;
    split *per_feature;
    uint32_t *lefts, *rights;   /* partition scratch (n each) */
    bin_stat *chunks;           /* CHUNKS x n_features x HIST_BINS, for large leaves */
} grower;

static void grower_free(grower *gr)
{
    for (size_t i = 0; gr->leaves && i < gr->n_leaves; i++)
        free(gr->leaves[i].hist);
    free(gr->leaves), free(gr->per_feature), free(gr->lefts), free(gr->rights);
    free(gr->chunks);
}

/* Split leaf i: the smaller child's histogram from its rows, the larger's
 * by subtraction in the parent's buffer. */
static rs_status split_leaf(grower *gr, size_t i, const rs_gbdt_binned *b, const float *g, const float *h,
                            uint32_t *rows, const unsigned char *use, const rs_gbdt_grow_params *p,
                            rs_gbdt_forest *f, size_t tree_start, rs_error *err)
{
    leaf parent = gr->leaves[i];
    int32_t left_node = 0, right_node = 0;
    if (make_inner(f, tree_start, &parent, b, &left_node, &right_node, err) != RS_OK)
        return err->code;
    size_t mid = partition(&parent, b, rows, gr->lefts, gr->rights, p->threads);
    bin_stat lsum = parent.best.left;
    bin_stat rsum = {parent.sum.g - lsum.g, parent.sum.h - lsum.h};
    leaf l = {.begin = parent.begin, .end = mid, .node = left_node, .depth = parent.depth + 1, .sum = lsum};
    leaf r = {.begin = mid, .end = parent.end, .node = right_node, .depth = parent.depth + 1, .sum = rsum};
    set_count(&l), set_count(&r);
    if ((p->max_depth > 0 && parent.depth + 1 >= p->max_depth) || gr->n_leaves + 1 >= (size_t)p->max_leaves) {
        /* neither child will be split: no histograms needed */
        free(parent.hist);
        l.best.feature = r.best.feature = -1;
        gr->leaves[i] = l;
        gr->leaves[gr->n_leaves++] = r;
        return RS_OK;
    }
    int left_small = mid - parent.begin <= parent.end - mid;
    leaf *small = left_small ? &l : &r, *large = left_small ? &r : &l;
    large->hist = parent.hist;
    if (!(small->hist = malloc(b->n_features * HIST_BINS * sizeof *small->hist))) {
        gr->leaves[i].hist = NULL;
        free(parent.hist);
        return rs_error_nomem(err);
    }
    examine(small, 1, b, g, h, rows, use, p, gr->per_feature, gr->chunks);
    for (size_t j = 0; j < b->n_features; j++)
        if (use[j])
            for (size_t k = 0; k < HIST_BINS; k++) {
                bin_stat *d = &large->hist[j * HIST_BINS + k];
                const bin_stat *s = &small->hist[j * HIST_BINS + k];
                d->g -= s->g, d->h -= s->h;
            }
    examine(large, 0, b, g, h, rows, use, p, gr->per_feature, gr->chunks);
    gr->leaves[i] = l;
    gr->leaves[gr->n_leaves++] = r;
    return RS_OK;
}

static void set_leaf_values(grower *gr, rs_gbdt_forest *f, size_t tree_start, const rs_gbdt_grow_params *p,
                            const uint32_t *rows, double *raw)
{
    for (size_t i = 0; i < gr->n_leaves; i++) {
        const leaf *lf = &gr->leaves[i];
        rs_gbdt_node *n = &f->nodes[tree_start + (size_t)lf->node];
        n->value = (float)(-soft(lf->sum.g, p->l1) / (lf->sum.h + p->l2) * p->learning_rate);
        n->cover = (float)lf->n;
        for (size_t k = lf->begin; raw && k < lf->end; k++)
            raw[rows[k]] += n->value;
    }
}

rs_status rs_gbdt_grow(const rs_gbdt_binned *b, const float *g, const float *h, uint32_t *rows, size_t n,
                       const unsigned char *use, const rs_gbdt_grow_params *p, rs_gbdt_forest *f, double *raw,
                       rs_error *err)
{
    size_t tree_start = f->n_nodes, d = b->n_features;
    grower gr = {calloc((size_t)p->max_leaves, sizeof *gr.leaves), 0, calloc(d, sizeof *gr.per_feature),
                 malloc((n + 1) * sizeof *gr.lefts), malloc((n + 1) * sizeof *gr.rights),
                 n >= CHUNK_MIN_ROWS ? malloc(CHUNKS * d * HIST_BINS * sizeof *gr.chunks) : NULL};
    int32_t root = 0;
    rs_status st = !gr.leaves || !gr.per_feature || !gr.lefts || !gr.rights || (n >= CHUNK_MIN_ROWS && !gr.chunks) ? rs_error_nomem(err)
                                                                 : add_node(f, tree_start, &root, err);
    if (st == RS_OK && !(gr.leaves[0].hist = malloc(d * HIST_BINS * sizeof *gr.leaves[0].hist)))
        st = rs_error_nomem(err);
    if (st == RS_OK) {
        leaf *lf = &gr.leaves[gr.n_leaves++];
        lf->begin = 0, lf->end = n, lf->node = root, lf->depth = 0;
        for (size_t k = 0; k < n; k++)
            lf->sum.g += g[rows[k]], lf->sum.h += h[rows[k]];
        set_count(lf);
        examine(lf, 1, b, g, h, rows, use, p, gr.per_feature, gr.chunks);
    }
    while (st == RS_OK && gr.n_leaves < (size_t)p->max_leaves) {
        size_t best = gr.n_leaves;
        for (size_t i = 0; i < gr.n_leaves; i++)
            if (gr.leaves[i].best.feature >= 0 && (best == gr.n_leaves || gr.leaves[i].best.gain > gr.leaves[best].best.gain))
                best = i;
        if (best == gr.n_leaves)
            break;
        st = split_leaf(&gr, best, b, g, h, rows, use, p, f, tree_start, err);
    }
    if (st == RS_OK)
        set_leaf_values(&gr, f, tree_start, p, rows, raw);
    grower_free(&gr);
    return st;
}

float rs_gbdt_tree_value_binned(const rs_gbdt_node *tree, const uint32_t *bitmaps, const rs_gbdt_binned *b,
                                size_t i)
{
    int32_t k = 0;
    while (tree[k].feature >= 0) {
        const rs_gbdt_node *nd = &tree[k];
        uint8_t bin = b->bins[i * b->n_features + (size_t)nd->feature];
        k = rs_gbdt_bin_goes_left(nd, bitmaps, bin) ? nd->left : nd->right;
    }
    return tree[k].value;
}

void rs_gbdt_forest_free(rs_gbdt_forest *f)
{
    free(f->nodes), free(f->bitmaps);
    memset(f, 0, sizeof *f);
}
