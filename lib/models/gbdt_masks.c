/* gbdt_masks.c — scoring 64 rows of a byte-coded forest at a time, and
 * coding the rows with vector gathers.
 *
 * Why: gbdt_coded.c's walk costs a dependent load chain per row and level.
 * The codes of a feature are stored row after row, so one vector compare
 * answers a node for 64 rows at once: bit r of above(node) is 1 when row r
 * goes right there.  Every node of a tree is asked (2^depth - 1 compares per
 * 64 rows instead of depth steps per row); then, level by level, the rows
 * at each node are a 64-bit word (the root's all ones; a node's rows split
 * into its children by its mask), and the rows that go right anywhere on a
 * level are that level's path bit.  The path bits, one byte per row, are
 * the leaf index.  Leaf values are added in tree order, as the walk does:
 * the same score bytes.  Each variant (SSE2, AVX2, AVX-512) is compiled
 * for its instructions and chosen at run time by what the CPU has. */
#include "models/gbdt_coded.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

enum { MASK_MAX_DEPTH = 8 };   /* a leaf index in a byte */

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

/* gbdt_coded.c's threshold searches, 8 or 16 rows of a feature in a vector:
 * a gather of the thresholds at each halving (the same codes), for the rows
 * up to the last whole vector; returns how many. */
__attribute__((target("avx2"))) static inline void store_codes8(uint8_t *to, __m256i v)
{
    __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    _mm_storel_epi64((__m128i *)to, _mm_packus_epi16(w, w));
}

__attribute__((target("avx2"))) static size_t encode_avx2(const rs_gbdt_coded *c, const float *rows, size_t n,
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
            __m256i right = _mm256_or_si256(below, _mm256_and_si256(missing, _mm256_set1_epi32(CODED_MISSING)));
            store_codes8(code + i0, right);
            store_codes8(code_left + i0, below);
        }
    }
    return full;
}

enum { ENCODE_CHAINS = 4 };

__attribute__((target("avx512f"))) static size_t encode_avx512(const rs_gbdt_coded *c, const float *rows, size_t n,
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
    return full;
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
    uint8_t leaf_at[CODED_GROUP_ROWS];
    for (int q = 0; q < CODED_GROUP_ROWS / 8; q++) {
        uint64_t at = 0;
        for (int level = 0; level < depth; level++)
            at |= spread((path[level] >> (8 * q)) & 0xFF, depth - 1 - level);
        memcpy(leaf_at + 8 * q, &at, 8);
    }
    for (size_t r = 0; r < CODED_GROUP_ROWS; r++)
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
    uint8_t leaf_at[CODED_GROUP_ROWS];
    _mm512_storeu_si512(leaf_at, at);
    __m512 t0 = _mm512_loadu_ps(leaf), t1 = _mm512_loadu_ps(leaf + 16);
    __m512 t2 = _mm512_loadu_ps(leaf + 32), t3 = _mm512_loadu_ps(leaf + 48);
    for (int g = 0; g < CODED_GROUP_ROWS / 16; g++) {
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
int rs_gbdt_masks_choose(rs_gbdt_coded *c, int widest)
{
    c->group = NULL, c->encode = NULL;
    if (widest < RS_GBDT_MASKS_SSE2)
        return 0;
    __builtin_cpu_init();
    if (widest >= RS_GBDT_MASKS_AVX512 && __builtin_cpu_supports("avx512f"))
        c->encode = encode_avx512;
    else if (widest >= RS_GBDT_MASKS_AVX2 && __builtin_cpu_supports("avx2"))
        c->encode = encode_avx2;
    if (c->depth > MASK_MAX_DEPTH || c->stride % CODED_GROUP_ROWS)
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
int rs_gbdt_masks_choose(rs_gbdt_coded *c, int widest)
{
    (void)widest;
    c->group = NULL, c->encode = NULL;
    return 0;
}
#endif
