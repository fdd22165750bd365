/* topk: the K best of n scores against a full sort (stable order: higher
 * score first, ties by lower index), over sizes around the 16-score chunks
 * the scan skips, with ties, -INFINITY (filtered) and NaN (never kept);
 * rs_topk_select (partial quicksort of candidates) against the same sort,
 * on random, sorted, reversed and all-equal scores. */
#include "rng.h"
#include "tap.h"
#include "topk.h"

#include <math.h>

enum { MAX_N = 100 };

/* The reference: every keepable index, sorted by rs_scored_before. */
static size_t reference(const float *s, size_t n, size_t k, rs_scored *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] > -INFINITY)   /* false for -INFINITY and NaN */
            out[m++] = (rs_scored){(int32_t)i, s[i]};
    for (size_t i = 1; i < m; i++)   /* insertion sort */
        for (size_t j = i; j > 0 && rs_scored_before(out[j], out[j - 1]); j--) {
            rs_scored t = out[j];
            out[j] = out[j - 1], out[j - 1] = t;
        }
    return m < k ? m : k;
}

enum { SELECT_N = 3000 };

/* rs_topk_select on n candidates of scores s (indices shuffled: the order
 * given is not the index order) against the insertion-sorted reference. */
static int select_same(const float *s, size_t n, size_t k, rs_rng *rng)
{
    static rs_scored got[SELECT_N], want[SELECT_N];
    for (size_t i = 0; i < n; i++)
        want[i] = (rs_scored){(int32_t)i, s[i]};
    for (size_t i = 1; i < n; i++)   /* insertion sort: every entry counts, -INFINITY too */
        for (size_t j = i; j > 0 && rs_scored_before(want[j], want[j - 1]); j--) {
            rs_scored t = want[j];
            want[j] = want[j - 1], want[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++)
        got[i] = (rs_scored){(int32_t)i, s[i]};
    for (size_t i = n; i > 1; i--) {   /* Fisher-Yates */
        size_t j = (size_t)rs_rng_below(rng, i);
        rs_scored t = got[i - 1];
        got[i - 1] = got[j], got[j] = t;
    }
    size_t kept = rs_topk_select(got, n, k), expect = n < k ? n : k;
    int same = kept == expect;
    for (size_t i = 0; same && i < kept; i++)
        same = got[i].index == want[i].index && got[i].score == want[i].score;
    if (!same)
        printf("# select differs: n %zu k %zu\n", n, k);
    return same;
}

static void check_select(rs_rng *rng)
{
    static float s[SELECT_N];
    const size_t ns[] = {0, 1, 2, 16, 17, 40, 100, 101, 255, 256, 500, SELECT_N};
    const size_t ks[] = {0, 1, 10, 16, 17, 100, 200, 1000, SELECT_N + 1};
    int all_same = 1;
    size_t cases = 0;
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++)
        for (size_t pattern = 0; pattern < 6; pattern++)
            for (size_t c = 0; c < sizeof ks / sizeof ks[0]; c++) {
                size_t n = ns[a];
                /* few values (ties), many, ascending, descending, all equal; and high
                 * scores just where the threshold's sample looks (every 23rd of 3000:
                 * 131 of them), so that for k 200 too few pass it */
                for (size_t i = 0; i < n; i++)
                    s[i] = pattern == 0   ? (float)rs_rng_below(rng, 5)
                           : pattern == 1 ? (rs_rng_below(rng, 20) == 0 ? -INFINITY : (float)rs_rng_below(rng, 100000))
                           : pattern == 2 ? (float)i
                           : pattern == 3 ? (float)(n - i)
                           : pattern == 4 ? 1.0f
                                          : (i % 23 == 0 ? 100.0f : (float)rs_rng_below(rng, 50));
                all_same &= select_same(s, n, ks[c], rng);
                cases++;
            }
    CHECK(all_same, "rs_topk_select equals the sorted reference on %zu cases (n 0..%d, ties, -inf, runs)", cases,
          SELECT_N);
}

int main(void)
{
    rs_rng rng;
    rs_rng_seed(&rng, 7);
    float s[MAX_N];
    rs_scored got[MAX_N + 1], want[MAX_N + 1];
    const size_t ks[] = {0, 1, 3, 10, 16, 17, 200};
    int all_same = 1;
    size_t cases = 0;
    for (size_t n = 0; n <= MAX_N; n++)
        for (size_t trial = 0; trial < 20; trial++) {
            for (size_t i = 0; i < n; i++) {
                uint64_t r = rs_rng_below(&rng, 10);
                /* few distinct values: many ties; some filtered, some NaN, an ascending run now and then */
                s[i] = r == 0 ? -INFINITY : r == 1 ? NAN : trial % 5 == 0 ? (float)i : (float)rs_rng_below(&rng, 4);
            }
            for (size_t c = 0; c < sizeof ks / sizeof ks[0]; c++) {
                size_t k = ks[c] < MAX_N ? ks[c] : MAX_N;
                size_t a = rs_topk(s, n, k, got), b = reference(s, n, k, want);
                int same = a == b;
                for (size_t i = 0; same && i < a; i++)
                    same = got[i].index == want[i].index && got[i].score == want[i].score;
                if (!same)
                    printf("# differs: n %zu trial %zu k %zu (%zu vs %zu kept)\n", n, trial, k, a, b);
                all_same &= same;
                cases++;
            }
        }
    CHECK(all_same, "rs_topk equals the sorted reference on %zu cases (n 0..100, ties, -inf, NaN)", cases);
    float one[] = {NAN, -INFINITY, 2, 2, 5};
    rs_scored best[3];
    size_t kept = rs_topk(one, 5, 3, best);
    CHECK(kept == 3 && best[0].index == 4 && best[1].index == 2 && best[2].index == 3,
          "5 first, then the tie 2 (index 2 before 3); NaN and -inf never");
    check_select(&rng);
    return tap_done();
}
