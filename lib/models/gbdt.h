/* gbdt.h — the parts of the gradient-boosted trees kind (gbdt.c) that
 * its helper files share: features quantised into byte bins
 * (gbdt_bins.c), growing one tree on gradient histograms (gbdt_grow.c),
 * and TreeSHAP (gbdt_shap.c).
 *
 * A feature's value bins are 0..n_bins-1; bin RS_GBDT_MISSING holds its
 * empty cells.  Bins are stored row-major: a row's bins are one cache line
 * or so, which a leaf's scattered rows need (one load per row, not one per
 * row and feature).  A numeric bin b holds the values in (edge[b-1], edge[b]];
 * a categorical feature's bin is its category code (dataset.h). */
#ifndef RS_GBDT_H
#define RS_GBDT_H

#include "error.h"

#include <stddef.h>
#include <math.h>
#include <stdint.h>

enum { RS_GBDT_MISSING = 255, RS_GBDT_MAX_BINS = 255, RS_GBDT_BITMAP_WORDS = 8 };

/* ---- bins ----------------------------------------------------------------- */

typedef struct rs_gbdt_bin_lookup rs_gbdt_bin_lookup;

typedef struct {
    size_t n_rows, n_features;
    uint8_t *bins;                /* (n_rows x n_features), row-major */
    const unsigned char *categorical;   /* (n_features) borrowed */
    const float *edges;           /* every feature's edges, borrowed */
    const uint32_t *edge_start;   /* (n_features + 1) borrowed */
    rs_gbdt_bin_lookup *lookup;   /* owned, or NULL: rs_gbdt_bin_row searches the edges */
} rs_gbdt_binned;

/* The rows bin edges come from: rows 0, s, 2 s, ... where s is the
 * smallest power of two that leaves at most RS_GBDT_EDGE_SAMPLE of them
 * (every row of a table of at most that many). */
enum { RS_GBDT_EDGE_SAMPLE = 200000 };

/* The edges of every numeric feature of x (n_rows x n_features, NaN
 * missing) for at most max_bins bins, from the sample's rows: one bin per
 * distinct value when there are few, else bins of about equal row counts.
 * New arrays: *edges, *edge_start (n_features + 1). */
rs_status rs_gbdt_edges_new(const float *x, size_t n_rows, size_t n_features, const unsigned char *categorical,
                            int max_bins, float **edges, uint32_t **edge_start, rs_error *err);

/* The same sample taken from rows as they are read, not counted first:
 * row i is kept when i is a multiple of step; when one more would pass
 * RS_GBDT_EDGE_SAMPLE, step doubles and every other row kept goes. */
typedef struct {
    size_t step, n, cap;
    float *rows;                  /* (n x n_features) */
} rs_gbdt_sample;

rs_status rs_gbdt_sample_add(rs_gbdt_sample *s, size_t n_features, size_t i, const float *row, rs_error *err);
/* rs_gbdt_edges_new on the sample's rows, the features shared among
 * threads (the same edges on any number). */
rs_status rs_gbdt_sample_edges(const rs_gbdt_sample *s, size_t n_features, const unsigned char *categorical,
                               int max_bins, int threads, float **edges, uint32_t **edge_start, rs_error *err);
void rs_gbdt_sample_free(rs_gbdt_sample *s);

/* The bin of value v of feature j. */
uint8_t rs_gbdt_bin(const rs_gbdt_binned *b, size_t j, float v);

/* The bins of one row of values (n_features) into bins: rs_gbdt_bin's,
 * through b->lookup when there is one. */
void rs_gbdt_bin_row(const rs_gbdt_binned *b, const float *row, uint8_t *bins);

/* The same for n rows (n x n_features) into bins (n x n_features): the
 * same bins, found a feature at a time over a few rows. */
void rs_gbdt_bin_block(const rs_gbdt_binned *b, const float *rows, size_t n, uint8_t *bins);

/* b->bins for b->n_rows rows (uninitialised, on huge pages where the
 * kernel allows: the grower reads them at random) and b->lookup, both
 * freed by rs_gbdt_binned_free; the members before them must be set. */
rs_status rs_gbdt_binned_alloc(rs_gbdt_binned *b, rs_error *err);

/* x quantised into b->bins (rs_gbdt_binned_alloc's, or made here when
 * NULL). */
rs_status rs_gbdt_bin_rows(rs_gbdt_binned *b, const float *x, int threads, rs_error *err);
void rs_gbdt_binned_free(rs_gbdt_binned *b);

/* ---- trees ---------------------------------------------------------------- */

enum { RS_GBDT_DEFAULT_LEFT = 1, RS_GBDT_CATEGORICAL = 2 };

typedef struct {
    int32_t feature;     /* -1: a leaf */
    int32_t left, right; /* children, indices within the tree (> this node's) */
    int32_t flags;       /* RS_GBDT_DEFAULT_LEFT (missing goes left), RS_GBDT_CATEGORICAL */
    int32_t bin;         /* numeric: bins <= bin go left; categorical: its bitmap */
    float threshold;     /* numeric: values <= threshold go left */
    float value;         /* a leaf's output (learning rate applied) */
    float cover;         /* training rows that reached the node */
    float gain;          /* an inner node's split gain */
} rs_gbdt_node;

/* The bin of a categorical value: its code (NaN: missing; codes past the
 * last bin clamp to it, as the training bins do). */
static inline unsigned rs_gbdt_category_bin(float v)
{
    return v != v ? RS_GBDT_MISSING : v < 0 ? 0 : v > 254 ? 254 : (unsigned)v;
}

/* 1 when bin is in the set words (RS_GBDT_BITMAP_WORDS words). */
static inline int rs_gbdt_in_set(const uint32_t *words, unsigned bin)
{
    return (words[bin / 32] >> (bin % 32)) & 1;
}

/* 1 when a row whose bin is bin goes left at inner node n: every split
 * rule in one place, for bins (training) and, through the bin of a value,
 * for raw rows. */
static inline int rs_gbdt_bin_goes_left(const rs_gbdt_node *n, const uint32_t *bitmaps, unsigned bin)
{
    if (n->flags & RS_GBDT_CATEGORICAL)
        return rs_gbdt_in_set(bitmaps + (size_t)n->bin * RS_GBDT_BITMAP_WORDS, bin);
    return bin == RS_GBDT_MISSING ? (n->flags & RS_GBDT_DEFAULT_LEFT) != 0 : bin <= (unsigned)n->bin;
}

/* 1 when a row with value v (NaN: missing) goes left at inner node n. */
static inline int rs_gbdt_goes_left(const rs_gbdt_node *n, const uint32_t *bitmaps, float v)
{
    if (n->flags & RS_GBDT_CATEGORICAL)
        return rs_gbdt_bin_goes_left(n, bitmaps, rs_gbdt_category_bin(v));
    if (v != v)
        return (n->flags & RS_GBDT_DEFAULT_LEFT) != 0;
    return v <= n->threshold;   /* the same as bin(v) <= n->bin: threshold is that bin's upper edge */
}

/* The raw output of one tree for a row of values (n_features). */
static inline float rs_gbdt_tree_value(const rs_gbdt_node *tree, const uint32_t *bitmaps, const float *row)
{
    int32_t i = 0;
    while (tree[i].feature >= 0)
        i = rs_gbdt_goes_left(&tree[i], bitmaps, row[tree[i].feature]) ? tree[i].left : tree[i].right;
    return tree[i].value;
}

/* A tree being grown, and the trees grown: nodes and categorical bitmaps
 * appended to growing arrays. */
typedef struct {
    rs_gbdt_node *nodes;
    size_t n_nodes, cap_nodes;
    uint32_t *bitmaps;             /* (n_bitmaps x RS_GBDT_BITMAP_WORDS) */
    size_t n_bitmaps, cap_bitmaps;
} rs_gbdt_forest;

typedef struct {
    long max_leaves, max_depth;   /* max_depth 0: no limit */
    long min_rows;
    double min_hessian, l2, l1, min_gain, learning_rate;
    int threads;
    uint64_t seed;                /* this tree's: the stochastic rounding of its gradients */
    struct rs_pool *pool;         /* threads for the nodes (borrowed; NULL: started per step) */
    int hessian;                  /* rs_gbdt_hessian: where a row's h comes from */
} rs_gbdt_grow_params;

/* A row's hessian: from the h array, or (h NULL) worked out from its
 * gradient, 4 bytes a row not held: 1 for squared error; p (1 - p) for
 * log loss, whose gradient p - y with y 0 or 1 is p or p - 1, so
 * p (1 - p) = |g| (1 - |g|). */
typedef enum { RS_GBDT_H_GIVEN, RS_GBDT_H_ONE, RS_GBDT_H_LOGISTIC } rs_gbdt_hessian;

/* The floor of a log-loss hessian (a row whose p is 0 or 1 in doubles). */
#define RS_GBDT_MIN_HESSIAN 1e-16

static inline float rs_gbdt_logistic_hessian(float g)
{
    double a = fabs((double)g), h = a * (1 - a);
    /* fmax's value (NaN too gives the floor) without its libm call: the
     * grower asks this three times a row and tree */
    return (float)(h > RS_GBDT_MIN_HESSIAN ? h : RS_GBDT_MIN_HESSIAN);
}

/* A random 64-bit draw for item i under seed (splitmix64's finaliser on
 * seed + i times the golden ratio): counter-based, so threads may share
 * the items any way; cheaper than rs_hash64 in per-row loops. */
static inline uint64_t rs_gbdt_draw(uint64_t seed, uint64_t i)
{
    uint64_t z = seed + (i + 1) * 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Grow one tree on gradients g, h (n_rows) of the rows rows[0..n)
 * (ascending), using the features with use[j] set, and append it to f.
 * Splits are chosen on gradients quantised by seeded stochastic rounding
 * (p->seed); leaf values and node gains come from g and h themselves (h
 * NULL: as p->hessian says).  rows is reordered (each leaf's rows
 * together).  raw (NULL: none) gets each of those rows' leaf value added,
 * as rs_gbdt_tree_value_binned would give it. */
rs_status rs_gbdt_grow(const rs_gbdt_binned *b, const float *g, const float *h, uint32_t *rows, size_t n,
                       const unsigned char *use, const rs_gbdt_grow_params *p, rs_gbdt_forest *f, float *raw,
                       rs_error *err);

/* The raw output of tree (its nodes) for row i of b. */
float rs_gbdt_tree_value_binned(const rs_gbdt_node *tree, const uint32_t *bitmaps, const rs_gbdt_binned *b,
                                size_t i);

void rs_gbdt_forest_free(rs_gbdt_forest *f);

/* ---- TreeSHAP -------------------------------------------------------------- */

/* The path-dependent Shapley values of one tree (Lundberg et al., 2018)
 * for row: phi[j] += feature j's contribution (phi has n_features + 1;
 * the last gets the tree's expected value).  work holds
 * (depth + 2) * (depth + 3) / 2 path entries of 4 doubles (depth: the
 * tree's). */
void rs_gbdt_shap(const rs_gbdt_node *tree, const uint32_t *bitmaps, const float *row, size_t n_features,
                  double *phi, double *work);

/* The depth of a valid tree of n_nodes (a lone leaf: 0); depth_of holds
 * n_nodes ints. */
int rs_gbdt_tree_depth(const rs_gbdt_node *tree, size_t n_nodes, int *depth_of);

/* ---- scoring on byte codes (gbdt_coded.c) ------------------------------- */

enum { RS_GBDT_CODED_MAX_DEPTH = 10 };

typedef struct rs_gbdt_coded rs_gbdt_coded;

/* The forest (valid trees, n_trees, depth the deepest's) laid out for
 * scoring on byte codes; NULL when it does not fit that layout (categorical
 * splits, a feature with more than 254 thresholds, deeper than
 * RS_GBDT_CODED_MAX_DEPTH, too many features) or memory is short: the
 * caller then walks the float trees, which give the same scores. */
rs_gbdt_coded *rs_gbdt_coded_new(const rs_gbdt_node *nodes, const size_t *tree_start, size_t n_trees,
                                 size_t n_features, int depth);
void rs_gbdt_coded_free(rs_gbdt_coded *c);
/* Adds the trees' outputs, in tree order, to scores (n x n_outputs) of
 * rows (n x n_features, NaN missing): tree t to output t % n_outputs. */
void rs_gbdt_coded_add(const rs_gbdt_coded *c, const float *rows, size_t n, double *scores, size_t n_outputs);
/* How groups of 64 rows are scored (node masks; the same bytes whichever):
 * the widest of these the CPU and forest allow, at most `widest` (new
 * forests use the widest); returns the one chosen, LANES for none. */
enum { RS_GBDT_MASKS_LANES = 0, RS_GBDT_MASKS_SSE2, RS_GBDT_MASKS_AVX2, RS_GBDT_MASKS_AVX512 };
int rs_gbdt_coded_use(rs_gbdt_coded *c, int widest);

#endif
