/* test_gbdt_sample.c — the rows gbdt's bin edges come from (gbdt_bins.c).
 * The sample taken while rows are read (rs_gbdt_sample: the step doubles
 * whenever one more row would pass RS_GBDT_EDGE_SAMPLE) holds the rows of
 * the documented rule, worked out by hand below, and gives the same edges
 * as rs_gbdt_edges_new on the table held in memory (rs-train reads in
 * passes, rs-tune holds the table: one model either way). */
#include "models/gbdt.h"
#include "rng.h"

#include "tap.h"

#include <math.h>

enum { N_FEATURES = 3 };

/* Row i: a feature with more distinct values than bins (equal-count edges
 * depend on which rows are in the sample), one with empty cells, one with
 * few values. */
static void make_row(rs_rng *rng, size_t i, float *row)
{
    row[0] = (float)(rs_rng_uniform(rng) * 1000 + (double)(i % 97));
    row[1] = i % 5 == 0 ? NAN : (float)(i % 1013) / 7.0f;
    row[2] = (float)(i % 3);
}

static int same_edges(const float *a, const uint32_t *sa, const float *b, const uint32_t *sb)
{
    for (size_t j = 0; j <= N_FEATURES; j++)
        if (sa[j] != sb[j])
            return 0;
    for (uint32_t k = 0; k < sa[N_FEATURES]; k++)
        if (a[k] != b[k])   /* bit-equal (no NaN among edges) */
            return 0;
    return 1;
}

int main(void)
{
    /* n rows -> the step (the smallest power of two s with ceil(n / s) <=
     * 200,000) and the rows kept, ceil(n / s) */
    static const struct {
        size_t n, step, kept;
    } cases[] = {
        {1, 1, 1},           {7, 1, 7},             {200000, 1, 200000}, {200001, 2, 100001},
        {262144, 2, 131072}, {400000, 2, 200000},   {400001, 4, 100001}, {1000000, 8, 125000},
        {1600001, 16, 100001},
    };
    static float x[1600001 * N_FEATURES];
    unsigned char categorical[N_FEATURES] = {0, 0, 0};
    rs_error err = {0};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t n = cases[c].n;
        rs_rng rng;
        rs_rng_seed(&rng, 11 + c);
        rs_gbdt_sample s = {0};
        int added = 1;
        for (size_t i = 0; i < n; i++) {
            make_row(&rng, i, x + i * N_FEATURES);
            added &= rs_gbdt_sample_add(&s, N_FEATURES, i, x + i * N_FEATURES, &err) == RS_OK;
        }
        CHECK(added, "n %zu: every row added", n);
        CHECK(s.step == cases[c].step && s.n == cases[c].kept, "n %zu: step %zu (want %zu), rows kept %zu (want %zu)",
              n, s.step, cases[c].step, s.n, cases[c].kept);
        /* the kept rows are rows 0, step, 2 step, ... in order */
        int in_order = 1;
        for (size_t k = 0; k < s.n; k++)
            for (size_t j = 0; j < N_FEATURES; j++) {
                float a = s.rows[k * N_FEATURES + j], b = x[k * s.step * N_FEATURES + j];
                in_order &= a == b || (isnan(a) && isnan(b));
            }
        CHECK(in_order, "n %zu: the sample holds rows 0, %zu, %zu, ...", n, s.step, 2 * s.step);
        float *held, *streamed;
        uint32_t *held_start, *streamed_start;
        rs_status a = rs_gbdt_edges_new(x, n, N_FEATURES, categorical, 255, &held, &held_start, &err);
        /* the sample's edges on 3 threads: each takes a share of the features */
        rs_status b = rs_gbdt_sample_edges(&s, N_FEATURES, categorical, 255, 3, &streamed, &streamed_start, &err);
        CHECK(a == RS_OK && b == RS_OK && same_edges(held, held_start, streamed, streamed_start),
              "n %zu: the same edges from the table held (1 thread) and from the sample read (3) (%u edges)", n,
              a == RS_OK ? held_start[N_FEATURES] : 0);
        if (n > 1000)
            CHECK(held_start[1] - held_start[0] == 254 && held_start[3] - held_start[2] == 2,
                  "n %zu: 254 edges for the many-valued feature, 2 for the three-valued one", n);
        if (a == RS_OK)
            free(held), free(held_start);
        if (b == RS_OK)
            free(streamed), free(streamed_start);
        rs_gbdt_sample_free(&s);
    }
    return tap_done();
}
