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
 * bytes.  Forests with categorical splits, more than 254 distinct thresholds on a feature, more
 * than 1,024 features (two codes each in a chunk of CODED_BYTES) or depth
 * beyond RS_GBDT_CODED_MAX_DEPTH keep the float walker. */
#include "models/gbdt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { CODED_MISSING = 255, CODED_LANES = 8, CODED_BYTES = 16384, CODED_SEARCH = 256, CODED_CHUNK = 128 };

struct rs_gbdt_coded {
    size_t n_features, n_trees;
    int depth;                 /* every tree padded to it */
    size_t stride;             /* rows per chunk of codes: one feature's codes */
    uint16_t *offset;          /* (n_trees x (2^depth - 1)): where each node's codes start */
    uint8_t *split;            /* (n_trees x (2^depth - 1)): j (255: padding, always left) */
    float *leaf;               /* (n_trees x 2^depth) */
    uint16_t *level_offset;    /* the same as offset and split with each level's */
    uint8_t *level_split;      /* nodes in bit-reversed order (see score_group) */
    float *thresholds;         /* each feature's sorted distinct thresholds */
    uint32_t *threshold_start; /* (n_features + 1) */
    float *padded;             /* (n_features x CODED_SEARCH): the same, +inf after */
    /* the codes of n rows, with vector gathers (below), or NULL: encode_scalar */
    void (*encode)(const struct rs_gbdt_coded *c, const float *rows, size_t n, uint8_t *codes);
    /* 64 rows at a time (below), or NULL: the lane walk */
    void (*group)(const struct rs_gbdt_coded *c, const uint8_t *codes, double *scores, size_t n_outputs);
};

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

static int choose_group(rs_gbdt_coded *c, int widest);

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
    choose_group(c, RS_GBDT_MASKS_AVX512);
    return c;
}

void rs_gbdt_coded_free(rs_gbdt_coded *c)
{
    if (!c)
        return;
    free(c->offset), free(c->split), free(c->level_offset), free(c->level_split), free(c->leaf), free(c->thresholds), free(c->threshold_start), free(c->padded);
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

/* ---- 64 rows at a time: node masks --------------------------------------
 *
 * Why: the walk above costs a dependent load chain per row and level.  With
 * the codes of a feature stored row after row, one vector compare answers a
 * node for 64 rows at once: bit r of above(node) is 1 when row r goes right
 * there.  Every node of a tree is asked (2^depth - 1 compares per 64 rows
 * instead of depth steps per row), then each level's path bit is picked
 * from its nodes' masks by the bits above it (a multiplexer of 64-bit words,
 * 2^level - 1 selects), and the path bits, spread to one byte per row, are
 * the leaf index.  Leaf values are added in tree order, as the walk does:
 * the same score bytes. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

enum { MASK_ROWS = 64, MASK_MAX_DEPTH = 8 };   /* a leaf index in a byte */

/* bit r: p[r] > j (a saturating p[r] - j is not 0), r < 64. */
static inline uint64_t above_sse2(const uint8_t *p, uint8_t j)
{
    __m128i jv = _mm_set1_epi8((char)j), zero = _mm_setzero_si128();
    uint64_t at_most = 0;
    for (int k = 0; k < 4; k++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        at_most |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_subs_epu8(x, jv), zero)) << (16 * k);
    }
    return ~at_most;
}

__attribute__((target("avx2"))) static inline uint64_t above_avx2(const uint8_t *p, uint8_t j)
{
    __m256i jv = _mm256_set1_epi8((char)j), zero = _mm256_setzero_si256();
    __m256i lo = _mm256_loadu_si256((const __m256i *)p), hi = _mm256_loadu_si256((const __m256i *)(p + 32));
    uint64_t at_most = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_subs_epu8(lo, jv), zero)) |
                       (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_subs_epu8(hi, jv), zero))
                           << 32;
    return ~at_most;
}

__attribute__((target("avx512f,avx512bw"))) static inline uint64_t above_avx512(const uint8_t *p, uint8_t j)
{
    return _cvtmask64_u64(_mm512_cmpgt_epu8_mask(_mm512_loadu_si512(p), _mm512_set1_epi8((char)j)));
}

/* encode_scalar's searches, 8 or 16 rows of a feature in a vector: a
 * gather of the thresholds at each halving (the same codes). */
__attribute__((target("avx2"))) static inline void store_codes8(uint8_t *to, __m256i v)
{
    __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    _mm_storel_epi64((__m128i *)to, _mm_packus_epi16(w, w));
}

__attribute__((target("avx2"))) static void encode_avx2(const rs_gbdt_coded *c, const float *rows, size_t n,
                                                         uint8_t *codes)
{
    size_t d = c->n_features, stride = c->stride, full = n - n % 8;
    __m256i lane_at = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int)d));
    for (size_t f = 0; f < d; f++) {
        const float *th = c->padded + f * CODED_SEARCH;
        uint8_t *code = codes + f * stride, *code_left = codes + (d + f) * stride;
        for (size_t i0 = 0; i0 < full; i0 += 8) {
            __m256 v = _mm256_i32gather_ps(rows + i0 * d + f, lane_at, 4);
            __m256i below = _mm256_setzero_si256();
            for (int step = CODED_SEARCH / 2; step; step /= 2) {
                __m256 t = _mm256_i32gather_ps(th, _mm256_add_epi32(below, _mm256_set1_epi32(step - 1)), 4);
                __m256i lt = _mm256_castps_si256(_mm256_cmp_ps(t, v, _CMP_LT_OQ));
                below = _mm256_add_epi32(below, _mm256_and_si256(lt, _mm256_set1_epi32(step)));
            }
            __m256i missing = _mm256_castps_si256(_mm256_cmp_ps(v, v, _CMP_UNORD_Q));   /* below is 0 */
            store_codes8(code + i0, _mm256_or_si256(below, _mm256_and_si256(missing, _mm256_set1_epi32(CODED_MISSING))));
            store_codes8(code_left + i0, below);
        }
    }
    encode_scalar(c, rows, full, n, codes);
}

enum { ENCODE_CHAINS = 4 };

__attribute__((target("avx512f"))) static void encode_avx512(const rs_gbdt_coded *c, const float *rows, size_t n,
                                                              uint8_t *codes)
{
    size_t d = c->n_features, stride = c->stride, full = n - n % 16;
    __m512i lane_at = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                         _mm512_set1_epi32((int)d));
    for (size_t f = 0; f < d; f++) {
        const float *th = c->padded + f * CODED_SEARCH;
        uint8_t *code = codes + f * stride, *code_left = codes + (d + f) * stride;
        /* ENCODE_CHAINS searches at once: each halving waits for its gather */
        for (size_t i0 = 0; i0 < full; i0 += 16 * ENCODE_CHAINS) {
            int chains = (int)((full - i0) / 16 < ENCODE_CHAINS ? (full - i0) / 16 : ENCODE_CHAINS);
            __m512 v[ENCODE_CHAINS];
            __m512i below[ENCODE_CHAINS];
            for (int g = 0; g < chains; g++)
                v[g] = _mm512_i32gather_ps(lane_at, rows + (i0 + 16 * (size_t)g) * d + f, 4),
                below[g] = _mm512_setzero_si512();
            for (int step = CODED_SEARCH / 2; step; step /= 2)
                for (int g = 0; g < chains; g++) {
                    __m512 t = _mm512_i32gather_ps(_mm512_add_epi32(below[g], _mm512_set1_epi32(step - 1)), th, 4);
                    below[g] = _mm512_mask_add_epi32(below[g], _mm512_cmp_ps_mask(t, v[g], _CMP_LT_OQ), below[g],
                                                     _mm512_set1_epi32(step));
                }
            for (int g = 0; g < chains; g++) {
                __mmask16 missing = _mm512_cmp_ps_mask(v[g], v[g], _CMP_UNORD_Q);   /* below is 0 */
                __m512i right = _mm512_mask_mov_epi32(below[g], missing, _mm512_set1_epi32(CODED_MISSING));
                _mm_storeu_si128((__m128i *)(code + i0 + 16 * g), _mm512_cvtepi32_epi8(right));
                _mm_storeu_si128((__m128i *)(code_left + i0 + 16 * g), _mm512_cvtepi32_epi8(below[g]));
            }
        }
    }
    encode_scalar(c, rows, full, n, codes);
}

/* Bit i of x (8 bits) to bit `to` of byte i. */
static inline uint64_t spread_mul(uint64_t x, int to)
{
    uint64_t bit7 = (((x * 0x0101010101010101u) & 0x8040201008040201u) + 0x7F7F7F7F7F7F7F7Fu) & 0x8080808080808080u;
    return bit7 >> (7 - to);
}

__attribute__((target("bmi2"))) static inline uint64_t spread_pdep(uint64_t x, int to)
{
    return _pdep_u64(x, 0x0101010101010101u << to);
}

/* out[r * n_outputs] += leaf[the leaf row r reached] for the 64 rows, the
 * leaf index's bits being the path bits, level 0 first. */
static inline void add_leaves_with(const uint64_t *path, int depth, const float *leaf, double *out,
                                   size_t n_outputs, uint64_t (*spread)(uint64_t x, int to))
{
    uint8_t leaf_at[MASK_ROWS];
    for (int q = 0; q < MASK_ROWS / 8; q++) {
        uint64_t at = 0;
        for (int level = 0; level < depth; level++)
            at |= spread((path[level] >> (8 * q)) & 0xFF, depth - 1 - level);
        memcpy(leaf_at + 8 * q, &at, 8);
    }
    for (size_t r = 0; r < MASK_ROWS; r++)
        out[r * n_outputs] += leaf[leaf_at[r]];
}

static void add_leaves_mul(const uint64_t *path, int depth, const float *leaf, double *out, size_t n_outputs)
{
    add_leaves_with(path, depth, leaf, out, n_outputs, spread_mul);
}

__attribute__((target("bmi2"))) static void add_leaves_pdep(const uint64_t *path, int depth, const float *leaf,
                                                             double *out, size_t n_outputs)
{
    add_leaves_with(path, depth, leaf, out, n_outputs, spread_pdep);
}

/* The same with one score per row and at most 64 leaves: the leaf indexes
 * built as bytes in a vector, leaf values looked up by permutes of the 64
 * (c->leaf is padded so that 64 can be read). */
__attribute__((target("avx512f,avx512bw,bmi2"))) static void add_leaves_avx512(const uint64_t *path, int depth,
                                                                                const float *leaf, double *out,
                                                                                size_t n_outputs)
{
    if (n_outputs != 1 || depth > 6) {
        add_leaves_pdep(path, depth, leaf, out, n_outputs);
        return;
    }
    __m512i at = _mm512_setzero_si512();
    for (int level = 0; level < depth; level++)
        at = _mm512_or_si512(at, _mm512_maskz_mov_epi8(_cvtu64_mask64(path[level]),
                                                        _mm512_set1_epi8((char)(1 << (depth - 1 - level)))));
    uint8_t leaf_at[MASK_ROWS];
    _mm512_storeu_si512(leaf_at, at);
    __m512 t0 = _mm512_loadu_ps(leaf), t1 = _mm512_loadu_ps(leaf + 16);
    __m512 t2 = _mm512_loadu_ps(leaf + 32), t3 = _mm512_loadu_ps(leaf + 48);
    for (int g = 0; g < MASK_ROWS / 16; g++) {
        __m512i ix = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(leaf_at + 16 * g)));
        __m512 v = _mm512_mask_blend_ps(_mm512_test_epi32_mask(ix, _mm512_set1_epi32(32)),
                                        _mm512_permutex2var_ps(t0, ix, t1), _mm512_permutex2var_ps(t2, ix, t3));
        __m256 high = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
        double *o = out + 16 * g;
        _mm512_storeu_pd(o, _mm512_add_pd(_mm512_loadu_pd(o), _mm512_cvtps_pd(_mm512_castps512_ps256(v))));
        _mm512_storeu_pd(o + 8, _mm512_add_pd(_mm512_loadu_pd(o + 8), _mm512_cvtps_pd(high)));
    }
}

typedef uint64_t (*above_fn)(const uint8_t *p, uint8_t j);
typedef void (*leaves_fn)(const uint64_t *path, int depth, const float *leaf, double *out, size_t n_outputs);

/* Adds every tree's output to the scores of the 64 rows whose codes start
 * at codes (a chunk's codes plus the group's first row). */
static inline __attribute__((always_inline)) void score_group(const rs_gbdt_coded *c, const uint8_t *codes,
                                                              double *scores, size_t n_outputs, above_fn above,
                                                              leaves_fn add_leaves)
{
    int depth = c->depth;
    size_t inner = ((size_t)1 << depth) - 1, leaves = (size_t)1 << depth;
    uint64_t mask[((size_t)1 << MASK_MAX_DEPTH) - 1], path[MASK_MAX_DEPTH], in[(size_t)1 << MASK_MAX_DEPTH];
    for (size_t t = 0; t < c->n_trees; t++) {
        const uint16_t *offset = c->level_offset + t * inner;
        const uint8_t *split = c->level_split + t * inner;
        for (size_t k = 0; k < inner; k++)
            mask[k] = above(codes + offset[k], split[k]);
        /* the rows at each node of a level (in[k]), level by level: a
         * level's nodes in bit-reversed order put node k's children at k
         * (left) and k + width (right) of the next; the rows that go right
         * anywhere on a level are its path bit */
        in[0] = ~(uint64_t)0;
        for (int level = 0; level < depth; level++) {
            size_t width = (size_t)1 << level;
            const uint64_t *node = mask + width - 1;
            uint64_t right = 0;
            for (size_t k = 0; k < width; k++) {
                uint64_t go = in[k] & node[k];
                right |= go;
                in[k + width] = go, in[k] &= ~node[k];
            }
            path[level] = right;
        }
        add_leaves(path, depth, c->leaf + t * leaves, scores + t % n_outputs, n_outputs);
    }
}

static void score_group_sse2(const rs_gbdt_coded *c, const uint8_t *codes, double *scores, size_t n_outputs)
{
    score_group(c, codes, scores, n_outputs, above_sse2, add_leaves_mul);
}

__attribute__((target("avx2,bmi2"))) static void score_group_avx2(const rs_gbdt_coded *c, const uint8_t *codes,
                                                                   double *scores, size_t n_outputs)
{
    score_group(c, codes, scores, n_outputs, above_avx2, add_leaves_pdep);
}

__attribute__((target("avx512f,avx512bw,bmi2"))) static void
score_group_avx512(const rs_gbdt_coded *c, const uint8_t *codes, double *scores, size_t n_outputs)
{
    score_group(c, codes, scores, n_outputs, above_avx512, add_leaves_avx512);
}

/* The widest compare this CPU has, at most `widest`; 0 (the lane walk) when
 * the trees are too deep for a byte leaf index. */
static int choose_group(rs_gbdt_coded *c, int widest)
{
    c->group = NULL, c->encode = NULL;
    if (widest < RS_GBDT_MASKS_SSE2)
        return 0;
    __builtin_cpu_init();
    if (widest >= RS_GBDT_MASKS_AVX512 && __builtin_cpu_supports("avx512f"))
        c->encode = encode_avx512;
    else if (widest >= RS_GBDT_MASKS_AVX2 && __builtin_cpu_supports("avx2"))
        c->encode = encode_avx2;
    if (c->depth > MASK_MAX_DEPTH || c->stride % MASK_ROWS)
        return 0;
    int bmi2 = __builtin_cpu_supports("bmi2");
    if (widest >= RS_GBDT_MASKS_AVX512 && bmi2 && __builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512bw")) {
        c->group = score_group_avx512;
        return RS_GBDT_MASKS_AVX512;
    }
    if (widest >= RS_GBDT_MASKS_AVX2 && bmi2 && __builtin_cpu_supports("avx2")) {
        c->group = score_group_avx2;
        return RS_GBDT_MASKS_AVX2;
    }
    c->group = score_group_sse2;
    return RS_GBDT_MASKS_SSE2;
}
#else
enum { MASK_ROWS = 64 };

static int choose_group(rs_gbdt_coded *c, int widest)
{
    (void)widest;
    c->group = NULL, c->encode = NULL;
    return 0;
}
#endif

void rs_gbdt_coded_add(const rs_gbdt_coded *c, const float *rows, size_t n, double *scores, size_t n_outputs)
{
    uint8_t codes[CODED_BYTES];
    size_t d = c->n_features, chunk = c->stride;
    for (size_t i0 = 0; i0 < n; i0 += chunk) {
        size_t len = n - i0 < chunk ? n - i0 : chunk;
        if (c->encode)
            c->encode(c, rows + i0 * d, len, codes);
        else
            encode_scalar(c, rows + i0 * d, 0, len, codes);
        size_t grouped = c->group ? len - len % MASK_ROWS : 0;
        for (size_t g = 0; g < grouped; g += MASK_ROWS)
            c->group(c, codes + g, scores + (i0 + g) * n_outputs, n_outputs);
        walk_codes(c, codes, grouped, len, scores + i0 * n_outputs, n_outputs);
    }
}

int rs_gbdt_coded_use(rs_gbdt_coded *c, int widest)
{
    return choose_group(c, widest);
}
