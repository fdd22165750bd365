/* test_gbdt_coded.c — scoring on byte codes (gbdt_coded.c) gives the same
 * bytes as walking the float trees (rs_gbdt_tree_value summed in tree
 * order): on random forests whose thresholds repeat and whose rows hit
 * thresholds exactly, with missing values, default directions, -0, +-inf,
 * leaves at every depth and lone-leaf trees; with every way of scoring 64
 * rows at once this CPU has (node masks: SSE2, AVX2, AVX-512) and without
 * (the lane walk), for one score per row and for 3 (tree t to score
 * t % 3), on 203 rows (chunks of 128 and 75: groups of 64 and a rest) and
 * on 50 (no group); and the forests it must refuse (categorical splits, too
 * deep, 255 thresholds on a feature) are refused. */
#include "models/gbdt.h"
#include "rng.h"

#include "tap.h"

#include <math.h>
#include <string.h>

enum { MAX_NODES = 1 << 16, MAX_TREES = 64, N_FEATURES = 7, N_ROWS = 203 };

static rs_gbdt_node nodes[MAX_NODES];
static size_t n_nodes;

/* A few values shared by thresholds and rows, so that rows land exactly on
 * thresholds and one threshold serves several nodes. */
static const float values[] = {-INFINITY, -2.5f, -1, -0.0f, 0.0f, 0.25f, 1, 3, INFINITY};
enum { N_VALUES = sizeof values / sizeof values[0] };

static int32_t grow(rs_rng *rng, size_t start, int depth, int max_depth)
{
    int32_t i = (int32_t)(n_nodes++ - start);
    rs_gbdt_node *n = &nodes[start + (size_t)i];
    *n = (rs_gbdt_node){.feature = -1, .value = (float)(rs_rng_uniform(rng) * 2 - 1)};
    if (depth == max_depth || rs_rng_uniform(rng) < 0.2)
        return i;
    int32_t feature = (int32_t)rs_rng_below(rng, N_FEATURES);
    int flags = rs_rng_uniform(rng) < 0.5 ? RS_GBDT_DEFAULT_LEFT : 0;
    float threshold = values[rs_rng_below(rng, N_VALUES)];
    int32_t left = grow(rng, start, depth + 1, max_depth);
    int32_t right = grow(rng, start, depth + 1, max_depth);
    n = &nodes[start + (size_t)i];
    n->feature = feature, n->flags = flags, n->threshold = threshold, n->left = left, n->right = right;
    return i;
}

/* A forest of n_trees random trees at most max_depth deep; returns its depth. */
static int random_forest(rs_rng *rng, size_t n_trees, int max_depth, size_t *tree_start)
{
    n_nodes = 0;
    int depth = 0, depth_of[MAX_NODES];
    for (size_t t = 0; t < n_trees; t++) {
        tree_start[t] = n_nodes;
        grow(rng, n_nodes, 0, t == 0 ? 0 : max_depth);   /* tree 0 is a lone leaf */
        int d = rs_gbdt_tree_depth(nodes + tree_start[t], n_nodes - tree_start[t], depth_of);
        depth = d > depth ? d : depth;
    }
    tree_start[n_trees] = n_nodes;
    return depth;
}

static float random_value(rs_rng *rng)
{
    double u = rs_rng_uniform(rng);
    return u < 0.15 ? NAN : u < 0.6 ? values[rs_rng_below(rng, N_VALUES)] : (float)(rs_rng_uniform(rng) * 8 - 4);
}

/* rs_gbdt_coded_add on n rows equals the float walk, bit for bit. */
static int same_as_walk(const rs_gbdt_coded *coded, const float *rows, size_t n, size_t n_trees,
                        const size_t *tree_start, size_t n_outputs)
{
    static double scores[N_ROWS * 3];
    for (size_t i = 0; i < n * n_outputs; i++)
        scores[i] = 0.5 + (double)(i % n_outputs);
    rs_gbdt_coded_add(coded, rows, n, scores, n_outputs);
    int all = 1;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < n_outputs; k++) {
            double expected = 0.5 + (double)k;
            for (size_t t = k; t < n_trees; t += n_outputs)
                expected += rs_gbdt_tree_value(nodes + tree_start[t], NULL, rows + i * N_FEATURES);
            all &= memcmp(&expected, &scores[i * n_outputs + k], sizeof expected) == 0;
        }
    return all;
}

int main(void)
{
    rs_rng rng;
    rs_rng_seed(&rng, 11);
    static float rows[N_ROWS * N_FEATURES];
    size_t tree_start[MAX_TREES + 1];
    int forests = 0, same = 0, deepest = 0, ways[RS_GBDT_MASKS_AVX512 + 1] = {0};
    for (int trial = 0; trial < 60; trial++) {
        size_t n_trees = 1 + rs_rng_below(&rng, MAX_TREES);
        int depth = random_forest(&rng, n_trees, 1 + trial % RS_GBDT_CODED_MAX_DEPTH, tree_start);
        for (size_t k = 0; k < N_ROWS * N_FEATURES; k++)
            rows[k] = random_value(&rng);
        rs_gbdt_coded *coded = rs_gbdt_coded_new(nodes, tree_start, n_trees, N_FEATURES, depth);
        if (!coded)
            continue;
        forests++;
        deepest = depth > deepest ? depth : deepest;
        int all = 1;
        for (int widest = RS_GBDT_MASKS_LANES; widest <= RS_GBDT_MASKS_AVX512; widest++) {
            int used = rs_gbdt_coded_use(coded, widest);
            if (used == widest && depth <= 8)
                ways[widest]++;
            for (size_t n_outputs = 1; n_outputs <= 3; n_outputs += 2)
                for (size_t n = N_ROWS; n > 0; n = n == N_ROWS ? 50 : 0)
                    all &= same_as_walk(coded, rows, n, n_trees, tree_start, n_outputs);
        }
        same += all;
        rs_gbdt_coded_free(coded);
    }
    CHECK(forests == 60, "every random numeric forest of depth <= %d is coded (%d of 60)", RS_GBDT_CODED_MAX_DEPTH,
          forests);
    CHECK(deepest == RS_GBDT_CODED_MAX_DEPTH, "the deepest coded forest is %d deep", deepest);
    CHECK(same == forests, "coded scores equal the float walk bit for bit on %d of %d forests", same, forests);
#if defined(__x86_64__) && defined(__GNUC__)
    CHECK(ways[RS_GBDT_MASKS_LANES] > 0 && ways[RS_GBDT_MASKS_SSE2] > 0,
          "the lane walk and SSE2 masks were both checked (%d and %d forests); AVX2 %d, AVX-512 %d (as the CPU has)",
          ways[RS_GBDT_MASKS_LANES], ways[RS_GBDT_MASKS_SSE2], ways[RS_GBDT_MASKS_AVX2], ways[RS_GBDT_MASKS_AVX512]);
#endif

    /* refused layouts */
    size_t start[3] = {0, 3, 3};
    rs_gbdt_node stump[3] = {{.feature = 0, .left = 1, .right = 2, .flags = RS_GBDT_CATEGORICAL},
                             {.feature = -1, .value = 1},
                             {.feature = -1, .value = 2}};
    start[1] = 3;
    rs_gbdt_coded *c = rs_gbdt_coded_new(stump, start, 1, 1, 1);
    CHECK(c == NULL, "a forest with a categorical split is not coded");
    rs_gbdt_coded_free(c);
    stump[0].flags = 0;
    c = rs_gbdt_coded_new(stump, start, 1, 1, 1);
    CHECK(c != NULL, "the same stump, numeric, is coded");
    rs_gbdt_coded_free(c);
    c = rs_gbdt_coded_new(stump, start, 1, 1, RS_GBDT_CODED_MAX_DEPTH + 1);
    CHECK(c == NULL, "a forest deeper than %d is not coded", RS_GBDT_CODED_MAX_DEPTH);
    rs_gbdt_coded_free(c);

    /* 254 distinct thresholds on one feature fit a byte code, 255 do not */
    static rs_gbdt_node many[255 * 3];
    static size_t many_start[256];
    for (size_t t = 0; t < 255; t++) {
        many_start[t] = 3 * t;
        many[3 * t] = (rs_gbdt_node){.feature = 0, .left = 1, .right = 2, .threshold = (float)t};
        many[3 * t + 1] = (rs_gbdt_node){.feature = -1, .value = 0};
        many[3 * t + 2] = (rs_gbdt_node){.feature = -1, .value = 1};
    }
    many_start[254] = 3 * 254, many_start[255] = 3 * 255;
    c = rs_gbdt_coded_new(many, many_start, 254, 1, 1);
    int fits = c != NULL;
    double score = 0;
    float row = 100.5f;
    if (c)
        rs_gbdt_coded_add(c, &row, 1, &score, 1);
    rs_gbdt_coded_free(c);
    CHECK(fits && score == 101, "254 thresholds are coded; 100.5 is above 101 of them: %g (expected 101)", score);
    c = rs_gbdt_coded_new(many, many_start, 255, 1, 1);
    CHECK(c == NULL, "255 distinct thresholds on one feature are not coded");
    rs_gbdt_coded_free(c);
    return tap_done();
}
