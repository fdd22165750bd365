/* test_ease.c — EASE's fast path (X'X by ssyrk over dense user blocks,
 * Cholesky and inverse in float: spotrf/spotri, lib/models/ease.c) against
 * the closed form in double on random cases:
 *   P = (X'X + l2 I)^-1,  B_ji = -P_ji / P_ii (j != i),  B_ii = 0,
 * with X'X summed here from the training rows (duplicates summed, as the
 * model's seen matrix holds them) and P by Gauss-Jordan elimination in
 * double.  The float error grows with the condition number of X'X + l2 I,
 * at most (lambda_max + l2) / l2 <= (trace X'X + l2) / l2: the tolerance,
 * relative to the largest |B|, is 2e-6 times that bound and at most 1e-4
 * (over 1000 random cases the largest error seen was 1.0e-5). */
#include "dense_ref.h"
#include "reco_fixture.h"
#include "tap.h"

#include <math.h>


/* One random case: 1 when the model's weights match the closed form. */
static int one_case(rs_rng *rng, int trial, double *worst)
{
    /* users fewer than items too: X'X singular, l2 makes it definite */
    size_t n_users = 1 + rs_rng_below(rng, 300), n_items = 2 + rs_rng_below(rng, 60);
    double l2 = exp(log(0.5) + rs_rng_uniform(rng) * log(2000.0));   /* 0.5 .. 1000 */
    char csv[32], l2s[32];
    fixture_ratings(rng, n_users, n_items, 0.02 + 0.3 * rs_rng_uniform(rng), rs_rng_below(rng, 2), csv);
    snprintf(l2s, sizeof l2s, "%.17g", l2);
    const char *options[] = {"l2", l2s, NULL};
    rs_error err = {0};
    rs_model *m = fixture_train("ease", csv, options, &err);
    unlink(csv);
    rs_reco *r = m ? rs_reco_new(m, &err) : NULL;
    if (!r) {
        CHECK(0, "case %d: ease trains and loads (%s)", trial, err.msg);
        rs_model_free(m);
        return 0;
    }
    size_t n = rs_reco_n_items(r), rows, cols;
    const float *w = rs_model_tensor(m, "weights", &rows, &cols);
    double *gram = calloc(n * n, sizeof *gram), *p = malloc(n * n * sizeof *p);
    for (size_t u = 0; u < (size_t)rs_idmap_size(rs_reco_users(r)); u++) {
        const int32_t *items;
        const float *values;
        size_t h = rs_reco_seen(r, (int32_t)u, &items, &values);
        for (size_t s = 0; s < h; s++)
            for (size_t t = 0; t < h; t++)
                gram[(size_t)items[s] * n + (size_t)items[t]] += (double)values[s] * values[t];
    }
    double trace = 0;
    for (size_t i = 0; i < n; i++) {
        trace += gram[i * n + i];
        gram[i * n + i] += l2;
    }
    ref_invert(gram, p, n);
    double largest = 0, diff = 0;
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++) {
            double b = i == j ? 0 : -p[j * n + i] / p[i * n + i];
            largest = fabs(b) > largest ? fabs(b) : largest;
            diff = fabs(w[j * n + i] - b) > diff ? fabs(w[j * n + i] - b) : diff;
        }
    double bound = (trace + l2) / l2, rel = diff / (largest + 1e-30), tol = fmin(2e-6 * bound, 1e-4);
    *worst = rel > *worst ? rel : *worst;
    int ok = rows == n && cols == n && rel <= tol;
    CHECK(ok, "case %d: %zu users x %zu items, l2 %.3g: B within %.3g of the closed form (allowed %.3g)", trial,
          n_users, n, l2, rel, tol);
    free(gram), free(p);
    rs_reco_free(r);
    rs_model_free(m);
    return ok;
}

int main(void)
{
    rs_rng rng;
    rs_rng_seed(&rng, 20240613);
    double worst = 0;
    for (int trial = 0; trial < 40; trial++)
        one_case(&rng, trial, &worst);
    printf("# largest relative error of B: %.3g\n", worst);
    return tap_done();
}
