/* gbdt_grow.c — one tree, grown leaf-wise on gradient histograms
 * (gbdt.h): the leaf with the largest gain is split next, the smaller
 * child's histogram is built from its rows and the larger one's is its
 * parent's minus it.
 *
 * Quantised gradients (LightGBM 4's quantised training): each tree's
 * gradients and hessians are rounded stochastically (seeded per row and
 * tree) to integer codes, and a histogram bin holds both code sums packed
 * in one 64-bit integer: one integer add per row and feature, half the
 * bytes of two doubles, and sums that are exact whatever the order — so
 * threads may split rows any way and -j never changes a byte.  A row's
 * codes are kept in 32 bits at its row number, so that the partition
 * moves only row numbers (4 bytes a row of scratch, not 8).  Splits are
 * chosen on the codes; once the tree is grown, each leaf's value and each
 * node's gain are worked out from the float gradients of its rows. */
#include "models/gbdt.h"

#include "mem.h"
#include "threads.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { HIST_BINS = 256, CHUNKS = 8 };
/* Codes per sign at most: |g code| <= levels and 0 <= h code <= levels,
 * with levels * rows < 2^31 so that no packed sum overflows. */
enum { QUANT_LEVELS = 4095 };
/* Categories are ordered by gradient / (hessian + CAT_SMOOTH) before the
 * scan, so a rare category does not sort to an end on noise. */
#define CAT_SMOOTH 10.0

/* A histogram bin's sums: (sum of g codes) << 32 plus (sum of h codes),
 * added and subtracted as one unsigned integer (the h sum never carries:
 * it stays below 2^32).  Rows are not counted per bin: a bin's rows are
 * estimated as its hessian times the leaf's rows per unit of hessian, as
 * LightGBM does; exact for squared loss, where every hessian is 1.  Every
 * row's h code is at least 1, so a bin whose h sum is 0 has no rows. */
typedef uint64_t qstat;

typedef struct {
    double g, h;
} bin_stat;

/* One row's codes, 4 bytes: the g code (int16) << 16 | the h code (uint16);
 * |codes| <= QUANT_LEVELS fit. */
typedef uint32_t row_code;
_Static_assert(QUANT_LEVELS <= INT16_MAX, "a row's codes fit 16 bits each");

typedef struct {
    double g_step, h_step;    /* a code's size in gradient and hessian units */
} quant;

static qstat pack(int32_t g_code, uint32_t h_code)
{
    return ((uint64_t)(uint32_t)g_code << 32) + h_code;
}

static row_code pack_row(int32_t g_code, uint32_t h_code)
{
    return (uint32_t)(uint16_t)(int16_t)g_code << 16 | h_code;
}

static qstat widen(row_code c)
{
    return pack((int16_t)(uint16_t)(c >> 16), c & 0xffff);
}

static uint32_t h_codes(qstat s)
{
    return (uint32_t)s;
}

static bin_stat decode(qstat s, const quant *q)
{
    int32_t g = (int32_t)(uint32_t)(s >> 32);
    return (bin_stat){g * q->g_step, h_codes(s) * q->h_step};
}

typedef struct {
    double gain;              /* <= 0: no split */
    int32_t feature, bin, default_left, categorical;
    uint32_t bitmap[RS_GBDT_BITMAP_WORDS];
    qstat left;               /* the left child's codes (missing included when it goes left) */
} split;

typedef struct {
    size_t begin, end;        /* its rows: rows[begin..end) */
    int32_t node;
    long depth;
    qstat codes;              /* its rows' code sums */
    bin_stat sum;             /* codes decoded: what the gains see */
    size_t n;                 /* end - begin */
    double rows_per_hessian;  /* n / sum.h */
    double score, min_h;      /* score(sum), and the least hessian of a child of min_rows rows */
    qstat *hist;              /* (n_features x HIST_BINS), or NULL */
    split best;
} leaf;

/* What every step of one tree reads. */
typedef struct {
    const rs_gbdt_binned *b;
    const float *g, *h;
    const row_code *codes;    /* (b->n_rows) row r's codes at codes[r], for the rows grown on */
    quant steps;
    const uint32_t *rows;
    const unsigned char *use;
    const rs_gbdt_grow_params *p;
    int threads;
    int hessian;              /* p->hessian, read for every row */
} tree_ctx;

/* Row r's hessian (rs_gbdt_hessian). */
static inline float hess(const tree_ctx *c, uint32_t r)
{
    if (c->h)
        return c->h[r];
    return c->hessian == RS_GBDT_H_LOGISTIC ? rs_gbdt_logistic_hessian(c->g[r]) : 1.0f;
}

/* A leaf's histogram from its slices' parts (parts[0] is lf->hist) and its
 * features' best splits; with other, also a sibling's: the parent's
 * histogram, in other->hist, less lf's. */
typedef struct {
    const tree_ctx *c;
    leaf *lf, *other;         /* other: NULL, or lf's larger sibling */
    qstat *const *parts;
    int n_parts;
    split *best, *best_other; /* (n_features) each */
} leaves_job;

/* ---- gains ---------------------------------------------------------------- */

static double soft(double g, double l1)
{
    return g > l1 ? g - l1 : g < -l1 ? g + l1 : 0;
}

static double score(const bin_stat *s, const rs_gbdt_grow_params *p)
{
    double t = soft(s->g, p->l1);
    return t * t / (s->h + p->l2);
}

/* The leaf's sums, and what every candidate split's gain reads of them
 * (worked out once, not per bin). */
static void set_sums(leaf *lf, qstat codes, const quant *q, const rs_gbdt_grow_params *p)
{
    lf->codes = codes;
    lf->sum = decode(codes, q);
    lf->n = lf->end - lf->begin;
    lf->rows_per_hessian = lf->sum.h > 0 ? (double)lf->n / lf->sum.h : 1;
    lf->score = score(&lf->sum, p);
    lf->min_h = (double)p->min_rows / lf->rows_per_hessian * (1 - 1e-9);
}

/* The gain of splitting parent into left and parent - left, or -1 when a
 * child is too small. */
static double split_gain(const leaf *lf, const bin_stat *left, const rs_gbdt_grow_params *p)
{
    const bin_stat *parent = &lf->sum;
    bin_stat right = {parent->g - left->g, parent->h - left->h};
    if (left->h < lf->min_h || right.h < lf->min_h || left->h < p->min_hessian || right.h < p->min_hessian)
        return -1;
    return score(left, p) + score(&right, p) - lf->score;
}

static int consider(split *best, double gain, qstat left, int32_t feature)
{
    if (!(gain > best->gain))
        return 0;
    best->gain = gain;
    best->left = left;
    best->feature = feature;
    return 1;
}

/* ---- the best split of one feature ---------------------------------------- */

static void best_numeric(const qstat *hist, const leaf *lf, int n_bins, int32_t j, const tree_ctx *c, split *best)
{
    qstat miss = hist[RS_GBDT_MISSING], left = 0;
    bin_stat miss_sum = decode(miss, &c->steps);
    for (int b = 0; b + 1 < n_bins; b++) {
        left += hist[b];
        if (h_codes(hist[b]) == 0)   /* no rows */
            continue;
        bin_stat l = decode(left, &c->steps);
        if (consider(best, split_gain(lf, &l, c->p), left, j)) {
            best->bin = b;
            /* no missing rows here: they go with the heavier child */
            best->default_left = h_codes(miss) == 0 && l.h > lf->sum.h - l.h;
        }
        if (h_codes(miss) == 0)
            continue;
        bin_stat with_missing = {l.g + miss_sum.g, l.h + miss_sum.h};
        if (consider(best, split_gain(lf, &with_missing, c->p), left + miss, j)) {
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
static void best_categorical(const qstat *hist, const leaf *lf, int32_t j, const tree_ctx *c, split *best)
{
    cat_order order[HIST_BINS];
    int m = 0;
    for (int b = 0; b < HIST_BINS; b++)
        if (h_codes(hist[b]) > 0) {
            bin_stat s = decode(hist[b], &c->steps);
            order[m++] = (cat_order){s.g / (s.h + CAT_SMOOTH), b};
        }
    qsort(order, (size_t)m, sizeof *order, by_key);
    qstat left = 0;
    int best_k = -1;
    for (int k = 0; k + 1 < m; k++) {
        left += hist[order[k].bin];
        bin_stat l = decode(left, &c->steps);
        if (consider(best, split_gain(lf, &l, c->p), left, j))
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

static void best_of_feature(const tree_ctx *c, const leaf *lf, size_t j, split *best)
{
    const rs_gbdt_binned *b = c->b;
    const qstat *hist = lf->hist + j * HIST_BINS;
    *best = (split){.gain = c->p->min_gain > 0 ? c->p->min_gain : 0, .feature = -1};
    if (b->categorical[j])
        best_categorical(hist, lf, (int32_t)j, c, best);
    else
        best_numeric(hist, lf, (int)(b->edge_start[j + 1] - b->edge_start[j]) + 1, (int32_t)j, c, best);
}

/* ---- histograms ----------------------------------------------------------- */

/* Histograms of the features c->use keeps, over rows k_begin..k_end of
 * c->rows, into out.  Rows go in tiles of TILE_ROWS (their bins fetched
 * ahead while the tile's codes are gathered) and features in groups of
 * TILE_FEATURES, so that the group's histograms (16 x 256 x 8 bytes) stay
 * in L1 while the tile's rows pass. */
enum { TILE_ROWS = 256, TILE_FEATURES = 16 };

/* The tile's codes added to the histograms of TILE_FEATURES + n_tail
 * consecutive features, the first at offset `first` of each row's bins:
 * a fixed count, so each add is a byte load and an add to memory, and a
 * short tail (50 features: 16, 16 and 18, not a fourth pass for 2). */
static void add_run(qstat *out, const uint8_t *const *row_bins, size_t first, const qstat *tile_q, size_t n_tile,
                    size_t n_tail)
{
    for (size_t k = 0; k < n_tile; k++) {
        const uint8_t *rb = row_bins[k] + first;
        /* rb opaque to the optimiser: else GCC keeps first + u for every u
         * in registers and on the stack, ten extra loads a row (10 % of a
         * tree's CPU), where rb[u] is one load at a constant offset */
        __asm__("" : "+r"(rb));
        qstat v = tile_q[k];
        for (size_t u = 0; u < TILE_FEATURES; u++)
            out[u * HIST_BINS + rb[u]] += v;
        for (size_t u = TILE_FEATURES; u < TILE_FEATURES + n_tail; u++)
            out[u * HIST_BINS + rb[u]] += v;
    }
}

/* The same for the n listed features (row_bins start at feature j0). */
static void add_listed(qstat *out, const uint8_t *const *row_bins, const uint32_t *used, size_t n, size_t j0,
                       const qstat *tile_q, size_t n_tile)
{
    for (size_t k = 0; k < n_tile; k++) {
        const uint8_t *rb = row_bins[k] - j0;
        qstat v = tile_q[k];
        for (size_t u = 0; u < n; u++)
            out[(size_t)used[u] * HIST_BINS + rb[used[u]]] += v;
    }
}

/* The features' histograms zeroed in out. */
static void zero_hists(const tree_ctx *c, qstat *out)
{
    for (size_t j = 0; j < c->b->n_features; j++)
        if (c->use[j])
            memset(out + j * HIST_BINS, 0, HIST_BINS * sizeof *out);
}

/* Rows rows[0..n) added into out's histograms. */
static void build_rows(const tree_ctx *c, const uint32_t *rows, size_t n, qstat *out)
{
    size_t d = c->b->n_features, n_used = 0;
    uint32_t used[RS_GBDT_MAX_BINS + 1];
    const uint8_t *row_bins[TILE_ROWS];
    qstat tile_q[TILE_ROWS];
    for (size_t j0 = 0; j0 < d; j0 += RS_GBDT_MAX_BINS + 1) {
        size_t j1 = j0 + RS_GBDT_MAX_BINS + 1 < d ? j0 + RS_GBDT_MAX_BINS + 1 : d;
        n_used = 0;
        for (size_t j = j0; j < j1; j++)
            if (c->use[j])
                used[n_used++] = (uint32_t)j;
        for (size_t k0 = 0; k0 < n; k0 += TILE_ROWS) {
            size_t n_tile = n - k0 < TILE_ROWS ? n - k0 : TILE_ROWS;
            for (size_t k = 0; k < n_tile; k++) {
                uint32_t r = rows[k0 + k];
                row_bins[k] = c->b->bins + (size_t)r * d + j0;
                __builtin_prefetch(row_bins[k]);
                __builtin_prefetch(row_bins[k] + (j1 - j0) - 1);   /* a row often ends in the next line */
                tile_q[k] = widen(c->codes[r]);
            }
            for (size_t u0 = 0, u1; u0 < n_used; u0 = u1) {
                u1 = u0 + TILE_FEATURES < n_used ? u0 + TILE_FEATURES : n_used;
                if (u1 - u0 < TILE_FEATURES || used[u1 - 1] - used[u0] != TILE_FEATURES - 1) {
                    add_listed(out, row_bins, used + u0, u1 - u0, j0, tile_q, n_tile);
                    continue;
                }
                /* fewer than a group left, all next to these: a tail of this run */
                size_t n_tail = n_used - u1 < TILE_FEATURES && used[n_used - 1] - used[u0] == n_used - 1 - u0
                                    ? n_used - u1 : 0;
                add_run(out + (size_t)used[u0] * HIST_BINS, row_bins, used[u0] - j0, tile_q, n_tile, n_tail);
                u1 += n_tail;
            }
        }
    }
}

/* Slice t of n of lf's rows: rows[*begin..*end). */
static void leaf_slice(const leaf *lf, int t, int n, size_t *begin, size_t *end)
{
    rs_thread_range(lf->end - lf->begin, t, n, begin, end);
    *begin += lf->begin, *end += lf->begin;
}

/* Slice t of a large leaf: its share of the rows into parts[t]. */
static void rows_thread(void *ctx, int t, int n_threads)
{
    const leaves_job *job = ctx;
    size_t k0, k1;
    leaf_slice(job->lf, t, n_threads, &k0, &k1);
    zero_hists(job->c, job->parts[t]);
    build_rows(job->c, job->c->rows + k0, k1 - k0, job->parts[t]);
}

/* parts[1..n_parts) added into hist, feature j. */
static void merge_parts(qstat *hist, qstat *const *parts, int n_parts, size_t j)
{
    for (int s = 1; s < n_parts; s++) {
        const qstat *part = parts[s] + j * HIST_BINS;
        for (size_t k = 0; k < HIST_BINS; k++)
            hist[j * HIST_BINS + k] += part[k];
    }
}

/* Thread t's features: the slices' histograms added into the leaf's (the
 * sums are integers: any order gives the same bytes), the sibling's by
 * subtraction, and each feature's best split. */
static void features_thread(void *ctx, int t, int n_threads)
{
    const leaves_job *job = ctx;
    const tree_ctx *c = job->c;
    size_t begin, end;
    rs_thread_range(c->b->n_features, t, n_threads, &begin, &end);
    for (size_t j = begin; j < end; j++) {
        if (!c->use[j]) {
            job->best[j] = (split){.gain = 0, .feature = -1};
            if (job->other)
                job->best_other[j] = job->best[j];
            continue;
        }
        merge_parts(job->lf->hist, job->parts, job->n_parts, j);
        best_of_feature(c, job->lf, j, &job->best[j]);
        if (!job->other)
            continue;
        qstat *other = job->other->hist + j * HIST_BINS;
        const qstat *own = job->lf->hist + j * HIST_BINS;
        for (size_t k = 0; k < HIST_BINS; k++)
            other[k] -= own[k];
        best_of_feature(c, job->other, j, &job->best_other[j]);
    }
}

/* lf's best split from the features' bests, the first feature winning a
 * tie; none at the depth limit. */
static void choose_split(leaf *lf, const tree_ctx *c, const split *per_feature)
{
    lf->best = (split){.gain = 0, .feature = -1};
    if (c->p->max_depth > 0 && lf->depth >= c->p->max_depth)
        return;
    for (size_t j = 0; j < c->b->n_features; j++)
        if (per_feature[j].feature >= 0 && per_feature[j].gain > lf->best.gain)
            lf->best = per_feature[j];
}

/* Leaves of fewer rows x features than this are built on one thread. */
#define ONE_THREAD_WORK ((size_t)1 << 18)

/* The split search costs the same for any number of rows: on a pool,
 * waking a thread is cheaper than a small leaf's search. */
static int scan_threads(const tree_ctx *c, int threads)
{
    return c->p->pool && c->b->n_features >= 16 ? c->threads : threads;
}

/* The root's histogram, built from its rows, and its best split.  parts
 * holds c->threads histogram sets, the first lf->hist. */
static void examine_root(leaf *lf, const tree_ctx *c, qstat **parts, split *per_feature)
{
    int threads = lf->n * c->b->n_features < ONE_THREAD_WORK ? 1 : c->threads;
    parts[0] = lf->hist;
    leaves_job job = {c, lf, NULL, parts, threads, per_feature, NULL};
    rs_pool_run(c->p->pool, threads, rows_thread, &job);
    rs_pool_run(c->p->pool, scan_threads(c, threads), features_thread, &job);
    choose_split(lf, c, per_feature);
}

/* ---- quantised gradients ------------------------------------------------- */

/* The sample's rows go in CHUNKS fixed ranges (rs_thread_range), each
 * range's sums added in range order: the same doubles for any number of
 * threads. */
typedef struct {
    const tree_ctx *c;
    row_code *row_codes;      /* (b->n_rows) out, at the rows' numbers */
    size_t n;
    double g_scale, h_scale;  /* codes per gradient, per hessian unit */
    int32_t levels;
    double g_max[CHUNKS], h_max[CHUNKS];
    qstat codes[CHUNKS];
} quant_job;

static void max_thread(void *ctx, int t, int n_threads)
{
    quant_job *job = ctx;
    for (int c = t; c < CHUNKS; c += n_threads) {
        size_t begin, end;
        double g_max = 0, h_max = 0;
        rs_thread_range(job->n, c, CHUNKS, &begin, &end);
        for (size_t k = begin; k < end; k++) {
            uint32_t r = job->c->rows[k];
            double g = fabs(job->c->g[r]), h = hess(job->c, r);
            g_max = g > g_max ? g : g_max;   /* fmax without its call: NaN is passed over too */
            h_max = h > h_max ? h : h_max;
        }
        job->g_max[c] = g_max, job->h_max[c] = h_max;
    }
}

/* x rounded down or up at random, up with probability x - floor(x): the
 * expected code is x itself (u uniform in [0, 1)).  An integer: the clamps
 * after it are integer compares, not two more conversions. */
static int64_t stochastic_round(double x, double u)
{
    double y = x + u;
    int64_t t = (int64_t)y;       /* floor without a libm call (|y| < 2^31 here) */
    return t - ((double)t > y);   /* an integer step, not a branch: below zero it goes either way at random */
}

static void quant_thread(void *ctx, int t, int n_threads)
{
    quant_job *job = ctx;
    /* the context's fields as locals: the stores to row_codes (32-bit
     * integers) could otherwise alias them, and they would be reloaded for
     * every row */
    const tree_ctx c = *job->c;
    const uint64_t seed = c.p->seed;
    const int32_t L = job->levels;
    const double g_scale = job->g_scale, h_scale = job->h_scale;
    row_code *row_codes = job->row_codes;
    for (int ch = t; ch < CHUNKS; ch += n_threads) {
        size_t begin, end;
        qstat codes = 0;
        rs_thread_range(job->n, ch, CHUNKS, &begin, &end);
        for (size_t k = begin; k < end; k++) {
            uint32_t r = c.rows[k];
            uint64_t bits = rs_gbdt_draw(seed, r);
            double ug = (double)(bits >> 40) * 0x1p-24, uh = (double)(bits & 0xffffff) * 0x1p-24;
            double x = c.g[r] * g_scale, y = hess(&c, r) * h_scale;
            x = !(x >= -L) ? -L : x > L ? L : x;   /* within the codes (NaN too) before rounding */
            y = !(y >= 0) ? 0 : y > L ? L : y;
            int64_t gc = stochastic_round(x, ug), hc = stochastic_round(y, uh);
            gc = gc > L ? L : gc;                  /* x + u may round up to L + 1 */
            hc = hc < 1 ? 1 : hc > L ? L : hc;     /* every row weighs: h = 0 means an empty bin */
            row_codes[r] = pack_row((int32_t)gc, (uint32_t)hc);
            codes += pack((int32_t)gc, (uint32_t)hc);
        }
        job->codes[ch] = codes;
    }
}

/* The codes of rows[0..n) into row_codes (at the rows' numbers), their
 * sizes into c->steps, and their sum into *codes. */
static void quantise(tree_ctx *c, row_code *row_codes, size_t n, qstat *codes)
{
    quant_job job = {.c = c, .row_codes = row_codes, .n = n};
    int threads = n < 100000 ? 1 : c->threads;
    rs_pool_run(c->p->pool, threads, max_thread, &job);
    double g_max = 0, h_max = 0;
    for (int k = 0; k < CHUNKS; k++)
        g_max = fmax(g_max, job.g_max[k]), h_max = fmax(h_max, job.h_max[k]);
    size_t cap = (size_t)INT32_MAX / (n > 0 ? n : 1);
    job.levels = cap < QUANT_LEVELS ? (cap > 0 ? (int32_t)cap : 1) : QUANT_LEVELS;
    job.g_scale = g_max > 0 ? job.levels / g_max : 1;
    job.h_scale = h_max > 0 ? job.levels / h_max : 1;
    c->steps = (quant){1 / job.g_scale, 1 / job.h_scale};
    rs_pool_run(c->p->pool, threads, quant_thread, &job);
    *codes = 0;
    for (int k = 0; k < CHUNKS; k++)
        *codes += job.codes[k];
}

/* ---- the tree ------------------------------------------------------------- */

static int goes_left_binned(const split *s, uint8_t bin)
{
    if (s->categorical)
        return rs_gbdt_in_set(s->bitmap, bin);
    return bin == RS_GBDT_MISSING ? s->default_left : bin <= s->bin;
}

/* Rows of lf going left first, each side in its old order: in CHUNKS
 * fixed ranges partitioned on threads, each chunk's lefts packed in place
 * at its start and its rights into the scratch array, then gathered in
 * chunk order: the same order whatever the number of threads.  With
 * parts, each slice also adds the rows of one side, as its chunks have
 * just been read, into its histograms parts[t]: the smaller child's,
 * built while the rows are still in the caches, and without a run of
 * its own. */
typedef struct {
    const leaf *lf;
    const tree_ctx *c;
    uint32_t *rows, *right_rows;
    qstat *const *parts;      /* NULL: no histograms */
    int left_side;            /* with parts: 1 the lefts' histograms, 0 the rights' */
    size_t n_left[CHUNKS];
} partition_job;

/* Rows this far ahead have their bins fetched while the current one is
 * read: a leaf's rows are scattered over the table, each a miss far out
 * in the caches (16 left partition ~15 % slower). */
enum { PREFETCH_ROWS = 64 };

static void partition_thread(void *ctx, int t, int n_threads)
{
    partition_job *job = ctx;
    size_t d = job->c->b->n_features;
    const uint8_t *col = job->c->b->bins + job->lf->best.feature;
    /* each bin's side looked up: no branch on a missing bin (a fifth of
     * the rows of a table with 20 % missing goes either way) */
    uint8_t left_of[HIST_BINS];
    for (unsigned bin = 0; bin < HIST_BINS; bin++)
        left_of[bin] = (uint8_t)goes_left_binned(&job->lf->best, (uint8_t)bin);
    uint32_t *rows = job->rows, *right_rows = job->right_rows;
    if (job->parts)
        zero_hists(job->c, job->parts[t]);
    for (int c = t; c < CHUNKS; c += n_threads) {
        size_t begin, end, n_left = 0, n_right = 0;
        leaf_slice(job->lf, c, CHUNKS, &begin, &end);
        for (size_t k = begin; k < end; k++) {
            if (k + PREFETCH_ROWS < end)
                __builtin_prefetch(col + (size_t)rows[k + PREFETCH_ROWS] * d);
            uint32_t r = rows[k];
            size_t left = left_of[col[(size_t)r * d]];
            /* both places written, one kept: no branch on the data (a left
             * slot is at or before k, already read) */
            rows[begin + n_left] = r;
            right_rows[begin + n_right] = r;
            n_left += left, n_right += 1 - left;
        }
        job->n_left[c] = n_left;
        if (job->parts && job->left_side)
            build_rows(job->c, rows + begin, n_left, job->parts[t]);
        else if (job->parts)
            build_rows(job->c, right_rows + begin, n_right, job->parts[t]);
    }
}

/* Returns where the right side starts; *n_parts: the slices that built
 * histograms (with parts). */
static size_t partition(const leaf *lf, const tree_ctx *c, uint32_t *rows, uint32_t *right_rows, qstat *const *parts,
                        int left_side, int *n_parts)
{
    partition_job job = {lf, c, rows, right_rows, parts, left_side, {0}};
    *n_parts = lf->end - lf->begin < 8192 ? 1 : c->threads;
    rs_pool_run(c->p->pool, *n_parts, partition_thread, &job);
    size_t at = lf->begin;
    for (int k = 0; k < CHUNKS; k++) {   /* lefts move down (or stay): in chunk order */
        size_t begin, end;
        leaf_slice(lf, k, CHUNKS, &begin, &end);
        memmove(rows + at, rows + begin, job.n_left[k] * sizeof *rows);
        at += job.n_left[k];
    }
    size_t mid = at;
    for (int k = 0; k < CHUNKS; k++) {
        size_t begin, end, n_right;
        leaf_slice(lf, k, CHUNKS, &begin, &end);
        n_right = end - begin - job.n_left[k];
        memcpy(rows + at, right_rows + begin, n_right * sizeof *rows);
        at += n_right;
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

/* Node lf->node becomes lf's split, with two new leaf nodes (its gain is
 * set once the tree is grown). */
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
    n->cover = (float)lf->n;
    return RS_OK;
}

typedef struct {
    leaf *leaves;
    size_t n_leaves;
    split *per_feature;         /* (2 n_features) each feature's best split: two children's */
    row_code *codes;            /* (b->n_rows) row r's codes at codes[r] */
    uint32_t *right_rows;       /* (n) partition scratch */
    qstat *parts;               /* (threads - 1) x n_features x HIST_BINS: large leaves' row slices */
    qstat **part_of;            /* (threads) where slice t builds */
    bin_stat *node_sums;        /* (2 max_leaves) */
} grower;

static void grower_free(grower *gr)
{
    for (size_t i = 0; gr->leaves && i < gr->n_leaves; i++)
        free(gr->leaves[i].hist);
    free(gr->leaves), free(gr->per_feature), free(gr->codes), free(gr->right_rows);
    free(gr->parts), free(gr->part_of), free(gr->node_sums);
}

/* Split leaf i: the smaller child's histogram from its rows as they are
 * partitioned, the larger's by subtraction in the parent's buffer, and
 * both children's best splits in one run. */
static rs_status split_leaf(grower *gr, size_t i, tree_ctx *c, uint32_t *rows, rs_gbdt_forest *f, size_t tree_start,
                            rs_error *err)
{
    const rs_gbdt_binned *b = c->b;
    const rs_gbdt_grow_params *p = c->p;
    leaf parent = gr->leaves[i];
    gr->leaves[i].hist = NULL;   /* parent.hist goes to a child or is freed here */
    /* neither child will be split: no histograms needed */
    int last = (p->max_depth > 0 && parent.depth + 1 >= p->max_depth) || gr->n_leaves + 1 >= (size_t)p->max_leaves;
    /* which child has fewer rows, as the hessians estimate it (either
     * gives the same histograms: integer sums; the smaller is cheaper) */
    int left_small = h_codes(parent.best.left) <= h_codes(parent.codes - parent.best.left);
    qstat *small_hist = NULL;
    if (!last && !(small_hist = malloc(b->n_features * HIST_BINS * sizeof *small_hist))) {
        free(parent.hist);
        return rs_error_nomem(err);
    }
    gr->part_of[0] = small_hist;
    int n_parts = 0;
    size_t mid = partition(&parent, c, rows, gr->right_rows, last ? NULL : gr->part_of, left_small, &n_parts);
    int32_t left_node = 0, right_node = 0;
    if (make_inner(f, tree_start, &parent, b, &left_node, &right_node, err) != RS_OK) {
        free(parent.hist), free(small_hist);
        return err->code;
    }
    leaf l = {.begin = parent.begin, .end = mid, .node = left_node, .depth = parent.depth + 1};
    leaf r = {.begin = mid, .end = parent.end, .node = right_node, .depth = parent.depth + 1};
    set_sums(&l, parent.best.left, &c->steps, p);
    set_sums(&r, parent.codes - parent.best.left, &c->steps, p);
    if (last) {
        free(parent.hist);
        l.best.feature = r.best.feature = -1;
    } else {
        leaf *small = left_small ? &l : &r, *large = left_small ? &r : &l;
        small->hist = small_hist, large->hist = parent.hist;
        leaves_job job = {c, small, large, gr->part_of, n_parts, gr->per_feature, gr->per_feature + b->n_features};
        rs_pool_run(p->pool, scan_threads(c, n_parts), features_thread, &job);
        choose_split(small, c, job.best);
        choose_split(large, c, job.best_other);
    }
    gr->leaves[i] = l;
    gr->leaves[gr->n_leaves++] = r;
    return RS_OK;
}

/* ---- the grown tree's values and gains ------------------------------------ */

typedef struct {
    const grower *gr;
    const tree_ctx *c;
    rs_gbdt_node *tree;
    bin_stat *node_sums;      /* (nodes) the float gradient sums of each node's rows */
    size_t n;
    float *raw;
} values_job;

/* The leaves starting in thread t's share of rows[0..n): each one's float
 * gradient sums (its rows in order: the same doubles for any -j), its
 * value, and its rows' raw scores.  A leaf's rows are scattered over g
 * and raw (4 MB each for a million rows): fetched ahead, as the partition
 * fetches their bins. */
static void values_thread(void *ctx, int t, int n_threads)
{
    const values_job *job = ctx;
    const tree_ctx *c = job->c;
    size_t begin, end;
    rs_thread_range(job->n, t, n_threads, &begin, &end);
    for (size_t i = 0; i < job->gr->n_leaves; i++) {
        const leaf *lf = &job->gr->leaves[i];
        if (lf->begin < begin || lf->begin >= end)
            continue;
        const uint32_t *rows = c->rows;
        bin_stat sum = {0, 0};
        for (size_t k = lf->begin; k < lf->end; k++) {
            if (k + PREFETCH_ROWS < lf->end)
                __builtin_prefetch(&c->g[rows[k + PREFETCH_ROWS]]);
            sum.g += c->g[rows[k]], sum.h += hess(c, rows[k]);
        }
        rs_gbdt_node *nd = &job->tree[lf->node];
        float value = (float)(-soft(sum.g, c->p->l1) / (sum.h + c->p->l2) * c->p->learning_rate);
        nd->value = value;
        nd->cover = (float)lf->n;
        job->node_sums[lf->node] = sum;
        for (size_t k = lf->begin; job->raw && k < lf->end; k++) {
            if (k + PREFETCH_ROWS < lf->end)
                __builtin_prefetch(&job->raw[rows[k + PREFETCH_ROWS]], 1);
            job->raw[rows[k]] += value;
        }
    }
}

/* Leaf values from the float gradients (raw, when not NULL, gets them
 * added), then each inner node's gain from its children's sums, as the
 * closed form has it: children come after their parent in the tree. */
static void finish_tree(const grower *gr, rs_gbdt_forest *f, size_t tree_start, const tree_ctx *c, size_t n,
                        float *raw)
{
    rs_gbdt_node *tree = f->nodes + tree_start;
    values_job job = {gr, c, tree, gr->node_sums, n, raw};
    rs_pool_run(c->p->pool, n < 100000 ? 1 : c->threads, values_thread, &job);
    for (size_t k = f->n_nodes - tree_start; k-- > 0;) {
        if (tree[k].feature < 0)
            continue;
        bin_stat *l = &gr->node_sums[tree[k].left], *r = &gr->node_sums[tree[k].right], *sum = &gr->node_sums[k];
        *sum = (bin_stat){l->g + r->g, l->h + r->h};
        tree[k].gain = (float)(score(l, c->p) + score(r, c->p) - score(sum, c->p));
    }
}

static rs_status grower_new(grower *gr, const rs_gbdt_binned *b, const rs_gbdt_grow_params *p, size_t n, rs_error *err)
{
    size_t d = b->n_features, slices = p->threads > 1 ? (size_t)p->threads : 1;
    *gr = (grower){calloc((size_t)p->max_leaves, sizeof *gr->leaves), 0, calloc(2 * d, sizeof *gr->per_feature),
                   malloc((b->n_rows + 1) * sizeof *gr->codes), malloc((n + 1) * sizeof *gr->right_rows),
                   malloc(((slices - 1) * d * HIST_BINS + 1) * sizeof *gr->parts),
                   calloc(slices, sizeof *gr->part_of), calloc(2 * (size_t)p->max_leaves, sizeof *gr->node_sums)};
    if (!gr->leaves || !gr->per_feature || !gr->codes || !gr->right_rows || !gr->parts || !gr->part_of ||
        !gr->node_sums)
        return rs_error_nomem(err);
    for (size_t t = 1; t < slices; t++)
        gr->part_of[t] = gr->parts + (t - 1) * d * HIST_BINS;
    return RS_OK;
}

rs_status rs_gbdt_grow(const rs_gbdt_binned *b, const float *g, const float *h, uint32_t *rows, size_t n,
                       const unsigned char *use, const rs_gbdt_grow_params *p, rs_gbdt_forest *f, float *raw,
                       rs_error *err)
{
    size_t tree_start = f->n_nodes, d = b->n_features;
    grower gr;
    tree_ctx c = {b, g, h, NULL, {1, 1}, rows, use, p, p->threads > 1 ? p->threads : 1, p->hessian};
    int32_t root = 0;
    rs_status st = grower_new(&gr, b, p, n, err);
    if (st == RS_OK)
        st = add_node(f, tree_start, &root, err);
    if (st == RS_OK && !(gr.leaves[0].hist = malloc(d * HIST_BINS * sizeof *gr.leaves[0].hist)))
        st = rs_error_nomem(err);
    if (st == RS_OK) {
        c.codes = gr.codes;
        qstat codes;
        quantise(&c, gr.codes, n, &codes);
        leaf *lf = &gr.leaves[gr.n_leaves++];
        lf->begin = 0, lf->end = n, lf->node = root, lf->depth = 0;
        set_sums(lf, codes, &c.steps, p);
        examine_root(lf, &c, gr.part_of, gr.per_feature);
    }
    while (st == RS_OK && gr.n_leaves < (size_t)p->max_leaves) {
        size_t best = gr.n_leaves;
        for (size_t i = 0; i < gr.n_leaves; i++)
            if (gr.leaves[i].best.feature >= 0 && (best == gr.n_leaves || gr.leaves[i].best.gain > gr.leaves[best].best.gain))
                best = i;
        if (best == gr.n_leaves)
            break;
        st = split_leaf(&gr, best, &c, rows, f, tree_start, err);
    }
    if (st == RS_OK)
        finish_tree(&gr, f, tree_start, &c, n, raw);
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
