/* test_gbdt.c — TreeSHAP (gbdt_shap.c) against its definition: on random
 * trees the contributions sum to the tree's output, and on trees over at
 * most 6 features they equal the Shapley values computed by brute force
 * over every subset, with the path-dependent value function (a feature
 * outside the subset is averaged over both children by their cover). */
#include "models/gbdt.h"
#include "rng.h"

#include "tap.h"

#include <math.h>

enum { MAX_NODES = 4096, MAX_FEATURES = 20 };   /* depth <= 10: at most 2047 nodes */

typedef struct {
    rs_gbdt_node nodes[MAX_NODES];
    size_t n_nodes;
    uint32_t bitmaps[4 * RS_GBDT_BITMAP_WORDS];
} random_tree;

/* A node covering `cover` rows, split while depth allows; children are
 * appended after it (the order the loader checks). */
static int32_t grow(random_tree *t, rs_rng *rng, int depth, int max_depth, size_t n_features, double cover)
{
    int32_t i = (int32_t)t->n_nodes++;
    rs_gbdt_node *n = &t->nodes[i];
    *n = (rs_gbdt_node){.feature = -1, .cover = (float)cover};
    if (depth == max_depth || cover < 4 || rs_rng_uniform(rng) < 0.15) {
        n->value = (float)(rs_rng_uniform(rng) * 4 - 2);
        return i;
    }
    int32_t feature = (int32_t)rs_rng_below(rng, n_features);
    int categorical = feature == 0;   /* feature 0 is a category code 0..3 */
    int flags = (rs_rng_uniform(rng) < 0.5 ? RS_GBDT_DEFAULT_LEFT : 0) | (categorical ? RS_GBDT_CATEGORICAL : 0);
    float threshold = (float)(rs_rng_uniform(rng) * 2 - 1);
    int32_t bitmap = categorical ? (int32_t)rs_rng_below(rng, 4) : 0;
    double share = 0.1 + 0.8 * rs_rng_uniform(rng), left_cover = floor(cover * share);
    int32_t left = grow(t, rng, depth + 1, max_depth, n_features, left_cover);
    int32_t right = grow(t, rng, depth + 1, max_depth, n_features, cover - left_cover);
    n = &t->nodes[i];
    n->feature = feature, n->flags = flags, n->threshold = threshold, n->bin = bitmap;
    n->left = left, n->right = right;
    return i;
}

static void random_row(rs_rng *rng, size_t n_features, float *row)
{
    for (size_t j = 0; j < n_features; j++)
        row[j] = rs_rng_uniform(rng) < 0.1 ? NAN : (float)(rs_rng_uniform(rng) * 2 - 1);
    if (!isnan(row[0]))
        row[0] = (float)rs_rng_below(rng, 4);
}

/* E[f(x) | x_S]: features in S follow the row, the others both children
 * weighted by cover. */
static double conditional(const random_tree *t, int32_t i, const float *row, unsigned subset)
{
    const rs_gbdt_node *n = &t->nodes[i];
    if (n->feature < 0)
        return n->value;
    if (subset >> n->feature & 1)
        return conditional(t, rs_gbdt_goes_left(n, t->bitmaps, row[n->feature]) ? n->left : n->right, row, subset);
    return (t->nodes[n->left].cover * conditional(t, n->left, row, subset) +
            t->nodes[n->right].cover * conditional(t, n->right, row, subset)) / n->cover;
}

static double factorial(int k)
{
    return k <= 1 ? 1 : k * factorial(k - 1);
}

static void brute_force(const random_tree *t, const float *row, int m, double *phi)
{
    for (int i = 0; i < m; i++) {
        phi[i] = 0;
        for (unsigned s = 0; s < 1u << m; s++) {
            if (s >> i & 1)
                continue;
            int size = __builtin_popcount(s);
            double weight = factorial(size) * factorial(m - size - 1) / factorial(m);
            phi[i] += weight * (conditional(t, 0, row, s | 1u << i) - conditional(t, 0, row, s));
        }
    }
    phi[m] = conditional(t, 0, row, 0);
}

static void random_bitmaps(random_tree *t, rs_rng *rng)
{
    for (size_t k = 0; k < sizeof t->bitmaps / sizeof t->bitmaps[0]; k++)
        t->bitmaps[k] = (uint32_t)rs_rng_next(rng);
}

int main(void)
{
    rs_rng rng;
    rs_rng_seed(&rng, 7);
    double work[4 * 60 * 60];
    double worst_sum = 0, worst_brute = 0;
    int trees_with_repeats = 0;
    for (int trial = 0; trial < 300; trial++) {
        static random_tree t;
        memset(&t, 0, sizeof t);
        int small = trial % 2 == 0;
        size_t n_features = small ? 1 + rs_rng_below(&rng, 6) : MAX_FEATURES;
        random_bitmaps(&t, &rng);
        grow(&t, &rng, 0, small ? 6 : 10, n_features, 1000);
        int depth_of[MAX_NODES];
        int depth = rs_gbdt_tree_depth(t.nodes, t.n_nodes, depth_of);
        if ((size_t)(depth + 2) * (size_t)(depth + 3) / 2 * 4 > sizeof work / sizeof work[0])
            return 1;
        float row[MAX_FEATURES];
        random_row(&rng, n_features, row);
        double phi[MAX_FEATURES + 1] = {0};
        rs_gbdt_shap(t.nodes, t.bitmaps, row, n_features, phi, work);
        double sum = 0;
        for (size_t j = 0; j <= n_features; j++)
            sum += phi[j];
        double value = rs_gbdt_tree_value(t.nodes, t.bitmaps, row);
        worst_sum = fmax(worst_sum, fabs(sum - value));
        if (!small)
            continue;
        double brute[MAX_FEATURES + 1];
        brute_force(&t, row, (int)n_features, brute);
        for (size_t j = 0; j <= n_features; j++)
            worst_brute = fmax(worst_brute, fabs(brute[j] - phi[j]));
        unsigned seen = 0;   /* a feature split on twice exercises unwind() */
        int repeated = 0;
        for (size_t i = 0; i < t.n_nodes; i++)
            if (t.nodes[i].feature >= 0) {
                repeated |= seen >> t.nodes[i].feature & 1;
                seen |= 1u << t.nodes[i].feature;
            }
        trees_with_repeats += repeated;
    }
    CHECK(trees_with_repeats > 50, "the small trees split on a feature twice (%d of 150)", trees_with_repeats);
    CHECK(worst_sum < 1e-5, "300 random trees: contributions sum to the tree's output (worst %.2g)", worst_sum);
    CHECK(worst_brute < 1e-9, "150 trees over <= 6 features: equal to brute-force Shapley values (worst %.2g)",
          worst_brute);

    /* A hand case: a stump on feature 1 (cover 3 left, 1 right), leaves -1
     * and 3: expected value 0; a row going right gets phi_1 = 3. */
    rs_gbdt_node stump[3] = {
        {.feature = 1, .left = 1, .right = 2, .threshold = 0.5f, .cover = 4},
        {.feature = -1, .value = -1, .cover = 3},
        {.feature = -1, .value = 3, .cover = 1},
    };
    float row[2] = {0, 1};
    double phi[3] = {0};
    rs_gbdt_shap(stump, NULL, row, 2, phi, work);
    CHECK(phi[0] == 0 && phi[1] == 3 && phi[2] == 0, "stump: phi = (0, 3), expected value 0 (got %g %g %g)", phi[0],
          phi[1], phi[2]);
    float missing[2] = {0, NAN};
    double phi_missing[3] = {0};
    rs_gbdt_shap(stump, NULL, missing, 2, phi_missing, work);
    CHECK(phi_missing[1] == 3, "stump: a missing value goes right (no default-left flag): phi_1 = 3 (got %g)",
          phi_missing[1]);
    stump[0].flags = RS_GBDT_DEFAULT_LEFT;
    double phi_left[3] = {0};
    rs_gbdt_shap(stump, NULL, missing, 2, phi_left, work);
    CHECK(phi_left[1] == -1, "stump: default left sends it left: phi_1 = -1 (got %g)", phi_left[1]);

    /* Log loss's hessian from its gradient: g = p - y with y 0 or 1, so
     * |g| (1 - |g|) = p (1 - p) for either label; floored where p is 0 or 1. */
    CHECK(rs_gbdt_logistic_hessian(0.25f) == 0.1875f, "y 0, p 0.25: h = 0.1875 (got %.9g)",
          (double)rs_gbdt_logistic_hessian(0.25f));
    CHECK(rs_gbdt_logistic_hessian(-0.25f) == 0.1875f, "y 1, p 0.75: h = 0.1875 (got %.9g)",
          (double)rs_gbdt_logistic_hessian(-0.25f));
    CHECK(rs_gbdt_logistic_hessian(-0.5f) == 0.25f, "y 1, p 0.5: h = 0.25");
    CHECK(rs_gbdt_logistic_hessian(0.0f) == (float)RS_GBDT_MIN_HESSIAN, "y 0, p 0: the floor 1e-16");
    CHECK(rs_gbdt_logistic_hessian(-1.0f) == (float)RS_GBDT_MIN_HESSIAN, "y 1, p 0: the floor 1e-16");
    /* Against p (1 - p) from p itself, both labels: a float g near -1 (y 1,
     * p near 0) holds 1 - |g| = p to about 6e-8 / p relative, 6e-5 at p =
     * 0.001 (the split search rounds hessians to 1/4095 of their largest). */
    double worst = 0;
    for (int k = 1; k < 1000; k++) {
        double p = k / 1000.0;
        for (int y = 0; y < 2; y++) {
            float g = (float)(p - y);
            worst = fmax(worst, fabs(rs_gbdt_logistic_hessian(g) - p * (1 - p)) / (p * (1 - p)));
        }
    }
    CHECK(worst < 1e-4, "p 0.001..0.999, y 0 and 1: within 1e-4 (relative) of p (1 - p) (worst %.2g)", worst);
    return tap_done();
}
