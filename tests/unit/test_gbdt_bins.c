/* test_gbdt_bins.c — a value's bin (gbdt_bins.c) through the lookup that
 * rs_gbdt_binned_alloc builds equals the number of the feature's edges
 * below the value, counted one by one here, and rs_gbdt_bin's binary
 * search: for hand-made edges worked out by hand, and for edges from
 * rs_gbdt_edges_new on normal, lognormal (edges crowded into a few
 * buckets), few-valued and extreme columns, at every edge, its float
 * neighbours, random values, the infinities, -0 and NaN. */
#include "models/gbdt.h"
#include "rng.h"

#include "tap.h"

#include <float.h>
#include <math.h>

enum { N_ROWS = 20000, N_FEATURES = 8 };

/* The edges below v, counted one by one: the definition of a bin. */
static unsigned naive_bin(const float *edges, size_t n, float v)
{
    if (v != v)
        return RS_GBDT_MISSING;
    unsigned count = 0;
    for (size_t k = 0; k < n; k++)
        count += edges[k] < v;
    return count;
}

/* Feature j of a row: the column kinds the lookup must get right. */
static float column_value(rs_rng *rng, size_t j, size_t i)
{
    double z = rs_rng_normal(rng);
    switch (j) {
    case 0: return (float)z;                                        /* 254 edges, spread */
    case 1: return (float)exp(3 * z);                               /* lognormal: crowded near 0 */
    case 2: return (float)(i % 3);                                  /* 2 edges */
    case 3: return i % 2 ? -FLT_MAX / 2 * (float)fabs(z) : FLT_MAX / 2 * (float)fabs(z);   /* range overflows */
    case 4: return 1 + (float)(i % 200) * FLT_EPSILON;              /* 199 edges a float apart */
    case 5: return (float)(i % 7);                                  /* categorical codes */
    case 6: return 5;                                               /* one value: no edge */
    default: return i % 4 == 0 ? NAN : (float)(z * 1e-38);          /* subnormal range, empty cells */
    }
}

/* Values to bin for feature j: each edge and its float neighbours, the
 * extremes, and random values of the column. */
static size_t probe_values(const float *e, size_t n, rs_rng *rng, size_t j, float *out)
{
    static const float extremes[] = {INFINITY, -INFINITY, FLT_MAX, -FLT_MAX, 0.0f, -0.0f, FLT_MIN, -FLT_MIN};
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        out[m++] = e[k];
        out[m++] = nextafterf(e[k], INFINITY);
        out[m++] = nextafterf(e[k], -INFINITY);
    }
    for (size_t k = 0; k < sizeof extremes / sizeof extremes[0]; k++)
        out[m++] = extremes[k];
    out[m++] = NAN;
    for (size_t k = 0; k < 2000; k++)
        out[m++] = column_value(rng, j, k);
    return m;
}

static void check_hand_made(void)
{
    /* feature 0: edges 1, 2, 3 (bins (-inf,1], (1,2], (2,3], (3,inf));
     * feature 1: no edges; feature 2: categorical */
    const float edges[] = {1, 2, 3};
    const uint32_t edge_start[] = {0, 3, 3, 3};
    const unsigned char categorical[] = {0, 0, 1};
    rs_gbdt_binned b = {1, 3, NULL, categorical, edges, edge_start, NULL};
    rs_error err = {0};
    CHECK(rs_gbdt_binned_alloc(&b, &err) == RS_OK && b.lookup, "hand-made: the lookup is built");
    static const struct {
        float v;
        uint8_t bin0, bin1, bin2;
    } cases[] = {
        {0.5f, 0, 0, 0}, {1, 0, 0, 1}, {1.5f, 1, 0, 1}, {2, 1, 0, 2}, {3, 2, 0, 3},
        {3.5f, 3, 0, 3}, {-INFINITY, 0, 0, 0}, {INFINITY, 3, 0, 254}, {NAN, 255, 255, 255}, {300, 3, 0, 254},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        float row[3] = {cases[c].v, cases[c].v, cases[c].v};
        uint8_t bins[3];
        rs_gbdt_bin_row(&b, row, bins);
        CHECK(bins[0] == cases[c].bin0 && bins[1] == cases[c].bin1 && bins[2] == cases[c].bin2,
              "hand-made: %g -> bins %u %u %u (expected %u %u %u)", (double)cases[c].v, bins[0], bins[1], bins[2],
              cases[c].bin0, cases[c].bin1, cases[c].bin2);
    }
    rs_gbdt_binned_free(&b);
}

int main(void)
{
    check_hand_made();
    static float x[N_ROWS * N_FEATURES];
    rs_rng rng;
    rs_rng_seed(&rng, 5);
    for (size_t i = 0; i < N_ROWS; i++)
        for (size_t j = 0; j < N_FEATURES; j++)
            x[i * N_FEATURES + j] = column_value(&rng, j, i);
    unsigned char categorical[N_FEATURES] = {0, 0, 0, 0, 0, 1, 0, 0};
    float *edges = NULL;
    uint32_t *edge_start = NULL;
    rs_error err = {0};
    CHECK(rs_gbdt_edges_new(x, N_ROWS, N_FEATURES, categorical, 255, &edges, &edge_start, &err) == RS_OK,
          "edges of the generated columns");
    /* at least these edges (exactly these for the few-valued columns) */
    static const size_t least_edges[N_FEATURES] = {200, 200, 2, 200, 199, 0, 0, 200};
    for (size_t j = 0; j < N_FEATURES; j++) {
        size_t n = edge_start[j + 1] - edge_start[j];
        CHECK(least_edges[j] < 200 ? n == least_edges[j] : n >= least_edges[j], "feature %zu has %zu edges", j, n);
    }
    rs_gbdt_binned b = {1, N_FEATURES, NULL, categorical, edges, edge_start, NULL};
    CHECK(rs_gbdt_binned_alloc(&b, &err) == RS_OK && b.lookup, "the lookup is built");
    static float probes[3 * 256 + 2100];
    for (size_t j = 0; j < N_FEATURES; j++) {
        const float *e = edges + edge_start[j];
        size_t n = edge_start[j + 1] - edge_start[j];
        size_t m = probe_values(e, n, &rng, j, probes), wrong_naive = 0, wrong_search = 0;
        for (size_t k = 0; k < m; k++) {
            float row[N_FEATURES] = {0};
            uint8_t bins[N_FEATURES];
            row[j] = probes[k];
            rs_gbdt_bin_row(&b, row, bins);
            unsigned want = categorical[j] ? rs_gbdt_category_bin(probes[k]) : naive_bin(e, n, probes[k]);
            wrong_naive += bins[j] != want;
            wrong_search += bins[j] != rs_gbdt_bin(&b, j, probes[k]);
        }
        CHECK(wrong_naive == 0, "feature %zu: the lookup's bin is the count of edges below, %zu values (%zu wrong)",
              j, m, wrong_naive);
        CHECK(wrong_search == 0, "feature %zu: the lookup agrees with rs_gbdt_bin's search (%zu wrong)", j,
              wrong_search);
    }
    /* a whole table: rs_gbdt_bin_rows (on threads) against the search */
    rs_gbdt_binned t = {N_ROWS, N_FEATURES, NULL, categorical, edges, edge_start, NULL};
    size_t wrong = 0;
    CHECK(rs_gbdt_binned_alloc(&t, &err) == RS_OK && rs_gbdt_bin_rows(&t, x, 3, &err) == RS_OK, "a table binned");
    for (size_t i = 0; i < N_ROWS; i++)
        for (size_t j = 0; j < N_FEATURES; j++)
            wrong += t.bins[i * N_FEATURES + j] != rs_gbdt_bin(&t, j, x[i * N_FEATURES + j]);
    CHECK(wrong == 0, "the table's %d cells binned as rs_gbdt_bin does (%zu wrong)", N_ROWS * N_FEATURES, wrong);
    /* a block of rows that is not whole tiles, a feature at a time: each
     * row's bins are rs_gbdt_bin_row's */
    static uint8_t block[N_ROWS * N_FEATURES];
    size_t first = 3, n = 1000 + 37;
    rs_gbdt_bin_block(&t, x + first * N_FEATURES, n, block);
    wrong = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t row_bins[N_FEATURES];
        rs_gbdt_bin_row(&t, x + (first + i) * N_FEATURES, row_bins);
        wrong += memcmp(row_bins, block + i * N_FEATURES, N_FEATURES) != 0;
    }
    CHECK(wrong == 0, "rs_gbdt_bin_block: %zu rows binned as rs_gbdt_bin_row bins them (%zu rows wrong)", n, wrong);
    rs_gbdt_binned_free(&t);
    rs_gbdt_binned_free(&b);
    free(edges), free(edge_start);
    return tap_done();
}
