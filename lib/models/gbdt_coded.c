/* gbdt_coded.c — scoring a numeric forest on byte codes of the row values.
 *
 * Why: walking trees on floats costs a node load, a value load, a float
 * compare and a NaN test per step.  Here each row value is first replaced by
 * its code — how many of the forest's thresholds for that feature lie below
 * it — once per row, and every tree is laid out as a complete binary tree of
 * the forest's depth (a leaf above that depth is padded with nodes that
 * always go left), so a step is a 2-byte offset load, one code byte load,
 * one compare with the node's byte j and no child pointer:
 *
 *     v <= threshold_j  <=>  code(v) <= j      (thresholds sorted, distinct)
 *
 * and "go right" is code > j.  Each value is coded twice, once with a
 * missing value as 255 (above every j: right) and once as 0 (left); a node
 * reads the copy of its missing direction, and a padding node has j = 255.
 * The codes of a chunk of rows are stored feature by feature, so the rows of
 * the 8 lanes walked together differ by a constant offset and a node holds
 * the offset of its feature's codes (beside its j, in a second array: the
 * compare reads j from memory, five instructions a step).  Leaf values are
 * added in tree order as the float walker does, so scores are the same
 * bytes.  Whole groups of 64 rows of a forest at most 8 deep are scored by
 * node masks instead (gbdt_masks.c), the rest by this walk.  Forests with
 * categorical splits, more than 254 distinct thresholds on a feature, more
 * than 1,024 features (two codes each in a chunk of CODED_BYTES) or depth
 * beyond RS_GBDT_CODED_MAX_DEPTH keep the float walker. */
#include "models/gbdt_coded.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


static int compare_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Each feature's sorted distinct thresholds; 0 when some feature has too
 * many for a byte code. */
static int collect_thresholds(rs_gbdt_coded *c, const rs_gbdt_node *nodes, size_t n_nodes)
{
    uint32_t *count = calloc(c->n_features + 1, sizeof *count);
    c->threshold_start = calloc(c->n_features + 1, sizeof *c->threshold_start);
    c->thresholds = malloc((n_nodes + 1) * sizeof *c->thresholds);
    if (!count || !c->threshold_start || !c->thresholds) {
        free(count);
        return 0;
    }
    for (size_t i = 0; i < n_nodes; i++)
        if (nodes[i].feature >= 0)
            count[nodes[i].feature + 1]++;
    for (size_t f = 0; f < c->n_features; f++)
        count[f + 1] += count[f];
    memcpy(c->threshold_start, count, (c->n_features + 1) * sizeof *count);
    for (size_t i = 0; i < n_nodes; i++)
        if (nodes[i].feature >= 0)
            c->thresholds[count[nodes[i].feature]++] = nodes[i].threshold;
    free(count);
    /* sort and deduplicate in place, feature by feature */
    uint32_t out = 0;
    for (size_t f = 0; f < c->n_features; f++) {
        float *th = c->thresholds + c->threshold_start[f];
        size_t n = c->threshold_start[f + 1] - c->threshold_start[f];
        qsort(th, n, sizeof *th, compare_float);
        c->threshold_start[f] = out;
        for (size_t k = 0; k < n; k++)
            if (k == 0 || th[k] != th[k - 1])
                c->thresholds[out++] = th[k];
        if (out - c->threshold_start[f] > CODED_MISSING - 1)
            return 0;
    }
    c->threshold_start[c->n_features] = out;
    return 1;
}

/* j: the index of value among feature f's thresholds. */
static unsigned threshold_index(const rs_gbdt_coded *c, size_t f, float value)
{
    const float *th = c->thresholds + c->threshold_start[f];
    unsigned j = 0;
    while (th[j] != value)
        j++;
    return j;
}

/* Tree node i (within its tree) into complete-tree slot `slot` at `level`,
 * and its subtree below. */
static void place(rs_gbdt_coded *c, const rs_gbdt_node *tree, int32_t i, size_t slot, int level, uint16_t *offset,
                  uint8_t *split, float *leaf)
{
    const rs_gbdt_node *n = &tree[i];
    if (level == c->depth) {
        leaf[slot - (((size_t)1 << c->depth) - 1)] = n->value;
        return;
    }
    if (n->feature < 0) {   /* a leaf above the bottom: always left (no code > 255) */
        offset[slot] = 0, split[slot] = CODED_MISSING;
        place(c, tree, i, 2 * slot + 1, level + 1, offset, split, leaf);
        return;
    }
    unsigned j = threshold_index(c, (size_t)n->feature, n->threshold);
    size_t copy = (n->flags & RS_GBDT_DEFAULT_LEFT) ? c->n_features : 0;   /* missing as 0: left */
    offset[slot] = (uint16_t)((copy + (size_t)n->feature) * c->stride), split[slot] = (uint8_t)j;
    place(c, tree, n->left, 2 * slot + 1, level + 1, offset, split, leaf);
    place(c, tree, n->right, 2 * slot + 2, level + 1, offset, split, leaf);
}

/* level_offset and level_split: node p of level L (slot 2^L - 1 + p) at
 * 2^L - 1 + p with p's L bits reversed. */
static int reverse_levels(rs_gbdt_coded *c)
{
    size_t inner = ((size_t)1 << c->depth) - 1;
    c->level_offset = malloc((c->n_trees * inner + 1) * sizeof *c->level_offset);
    c->level_split = malloc(c->n_trees * inner + 1);
    if (!c->level_offset || !c->level_split)
        return 0;
    for (int level = 0; level < c->depth; level++) {
        size_t first = ((size_t)1 << level) - 1;
        for (size_t p = 0; p < ((size_t)1 << level); p++) {
            size_t q = 0;
            for (int b = 0; b < level; b++)
                q |= ((p >> b) & 1) << (level - 1 - b);
            for (size_t t = 0; t < c->n_trees; t++) {
                c->level_offset[t * inner + first + q] = c->offset[t * inner + first + p];
                c->level_split[t * inner + first + q] = c->split[t * inner + first + p];
            }
        }
    }
    return 1;
}

rs_gbdt_coded *rs_gbdt_coded_new(const rs_gbdt_node *nodes, const size_t *tree_start, size_t n_trees,
                                 size_t n_features, int depth)
{
    if (depth > RS_GBDT_CODED_MAX_DEPTH || n_features == 0 || CODED_BYTES / (2 * n_features) < CODED_LANES)
        return NULL;
    size_t n_nodes = tree_start[n_trees];
    for (size_t i = 0; i < n_nodes; i++)
        if (nodes[i].feature >= 0 && ((nodes[i].flags & RS_GBDT_CATEGORICAL) || nodes[i].threshold != nodes[i].threshold))
            return NULL;
    rs_gbdt_coded *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->n_features = n_features, c->n_trees = n_trees, c->depth = depth;
    c->stride = CODED_BYTES / (2 * n_features);
    c->stride = c->stride > CODED_CHUNK ? CODED_CHUNK : c->stride - c->stride % CODED_LANES;
    size_t inner = ((size_t)1 << depth) - 1, leaves = (size_t)1 << depth;
    c->offset = calloc(n_trees * inner + 1, sizeof *c->offset);
    c->split = calloc(n_trees * inner + 1, sizeof *c->split);
    c->leaf = calloc(n_trees * leaves + 64, sizeof *c->leaf);   /* + 64: add_leaves_avx512 reads 64 */
    c->padded = malloc(n_features * CODED_SEARCH * sizeof *c->padded);
    if (!c->offset || !c->split || !c->leaf || !c->padded || !collect_thresholds(c, nodes, n_nodes)) {
        rs_gbdt_coded_free(c);
        return NULL;
    }
    for (size_t f = 0; f < n_features; f++)
        for (size_t k = 0; k < CODED_SEARCH; k++) {
            size_t m = c->threshold_start[f + 1] - c->threshold_start[f];
            c->padded[f * CODED_SEARCH + k] = k < m ? c->thresholds[c->threshold_start[f] + k] : INFINITY;
        }
    for (size_t t = 0; t < n_trees; t++)
        place(c, nodes + tree_start[t], 0, 0, 0, c->offset + t * inner, c->split + t * inner, c->leaf + t * leaves);
    if (!reverse_levels(c)) {
        rs_gbdt_coded_free(c);
        return NULL;
    }
    rs_gbdt_masks_choose(c, RS_GBDT_MASKS_AVX512);
    return c;
}

void rs_gbdt_coded_free(rs_gbdt_coded *c)
{
    if (!c)
        return;
    free(c->offset), free(c->split), free(c->level_offset), free(c->level_split), free(c->leaf);
    free(c->thresholds), free(c->threshold_start), free(c->padded);
    free(c);
}

/* codes of rows (n x d), feature by feature: codes[f * stride + i] how
 * many of f's thresholds lie below row i's value (255 when missing), and
 * codes[(d + f) * stride + i] the same with 0 for missing.  Each feature's
 * thresholds are padded to CODED_SEARCH with +inf, so every search takes the
 * same 8 halvings without a branch and CODED_LANES rows' searches overlap. */
static void encode_scalar(const rs_gbdt_coded *c, const float *rows, size_t first, size_t n, uint8_t *codes)
{
    size_t d = c->n_features, stride = c->stride;
    for (size_t f = 0; f < d; f++) {
        const float *th = c->padded + f * CODED_SEARCH;
        uint8_t *code = codes + f * stride, *code_left = codes + (d + f) * stride;
        size_t i0 = first;
        for (; i0 + CODED_LANES <= n; i0 += CODED_LANES) {
            float v[CODED_LANES];
            uint32_t below[CODED_LANES];
            for (size_t l = 0; l < CODED_LANES; l++)
                v[l] = rows[(i0 + l) * d + f], below[l] = 0;
            for (uint32_t step = CODED_SEARCH / 2; step; step /= 2)
                for (size_t l = 0; l < CODED_LANES; l++)
                    below[l] += th[below[l] + step - 1] < v[l] ? step : 0;
            for (size_t l = 0; l < CODED_LANES; l++) {
                code[i0 + l] = v[l] != v[l] ? CODED_MISSING : (uint8_t)below[l];
                code_left[i0 + l] = (uint8_t)below[l];   /* NaN is below no threshold: 0 */
            }
        }
        for (size_t i = i0; i < n; i++) {
            float v = rows[i * d + f];
            uint32_t below = 0;
            for (uint32_t step = CODED_SEARCH / 2; step; step /= 2)
                below += th[below + step - 1] < v ? step : 0;
            code[i] = v != v ? CODED_MISSING : (uint8_t)below;
            code_left[i] = (uint8_t)below;
        }
    }
}

/* One level down from slot for the row whose codes start at code + lane
 * (lane apart from code: a constant displacement once the lanes unroll). */
static inline size_t coded_step(const uint16_t *offset, const uint8_t *split, const uint8_t *code, size_t lane,
                                size_t slot)
{
    return 2 * slot + 1 + (code[offset[slot] + lane] > split[slot]);
}

/* Adds every tree's output to scores (n x n_outputs; tree t to output
 * t % n_outputs) of rows [first, n) of a chunk's codes. */
static void walk_codes(const rs_gbdt_coded *c, const uint8_t *codes, size_t first, size_t n, double *scores,
                       size_t n_outputs)
{
    size_t inner = ((size_t)1 << c->depth) - 1, leaves = (size_t)1 << c->depth;
    size_t full = first + (n - first) - (n - first) % CODED_LANES;
    for (size_t t = 0; t < c->n_trees; t++) {
        const uint16_t *offset = c->offset + t * inner;
        const uint8_t *split = c->split + t * inner;
        const float *leaf = c->leaf + t * leaves;
        double *out = scores + t % n_outputs;
        for (size_t i0 = first; i0 < full; i0 += CODED_LANES) {
            size_t at[CODED_LANES] = {0};
            const uint8_t *code = codes + i0;   /* lane l's codes: code + l */
            for (int level = 0; level < c->depth; level++) {
#ifdef __GNUC__
                /* code is opaque here, so the compiler addresses the lanes as
                 * code + offset + l (a displacement) instead of keeping 8 lane
                 * pointers, which spill */
                __asm__("" : "+r"(code));
#endif
                for (size_t l = 0; l < CODED_LANES; l++)
                    at[l] = coded_step(offset, split, code, l, at[l]);
            }
            for (size_t l = 0; l < CODED_LANES; l++)
                out[(i0 + l) * n_outputs] += leaf[at[l] - inner];
        }
        for (size_t i = full; i < n; i++) {
            size_t at = 0;
            for (int level = 0; level < c->depth; level++)
                at = coded_step(offset, split, codes, i, at);
            out[i * n_outputs] += leaf[at - inner];
        }
    }
}

void rs_gbdt_coded_add(const rs_gbdt_coded *c, const float *rows, size_t n, double *scores, size_t n_outputs)
{
    uint8_t codes[CODED_BYTES];
    size_t d = c->n_features, chunk = c->stride;
    for (size_t i0 = 0; i0 < n; i0 += chunk) {
        size_t len = n - i0 < chunk ? n - i0 : chunk;
        encode_scalar(c, rows + i0 * d, c->encode ? c->encode(c, rows + i0 * d, len, codes) : 0, len, codes);
        size_t grouped = c->group ? len - len % CODED_GROUP_ROWS : 0;
        for (size_t g = 0; g < grouped; g += CODED_GROUP_ROWS)
            c->group(c, codes + g, scores + (i0 + g) * n_outputs, n_outputs);
        walk_codes(c, codes, grouped, len, scores + i0 * n_outputs, n_outputs);
    }
}

int rs_gbdt_coded_use(rs_gbdt_coded *c, int widest)
{
    return rs_gbdt_masks_choose(c, widest);
}
