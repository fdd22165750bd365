/* topk: the K best of n scores against a full sort (stable order: higher
 * score first, ties by lower index), over sizes around the 16-score chunks
 * the scan skips, with ties, -INFINITY (filtered) and NaN (never kept). */
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
    return tap_done();
}
