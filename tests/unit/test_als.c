/* test_als.c — ALS's fast path (conjugate gradient in float, warm-started,
 * lib/models/als.c) against the exact solve, on random cases.
 *
 * Training ends with a user half-step against the final item factors Y, so
 * each stored user vector x_u is --cg-steps CG steps on
 *   (Y'Y + sum_i (c_i - 1) y_i y_i' + l2 I) x = sum_i c_i y_i,  c_i = 1 + alpha v_i.
 * CG on a k x k system reaches the solution in k steps (in exact
 * arithmetic): with --cg-steps >= 2k the stored x_u must equal the exact
 * solution, computed here in double by Gaussian elimination from the
 * model's own Y (independent of rs_gram and LAPACK), and so must the
 * library's exact fold-in solve (rs_als_solve_exact, Cholesky in double). */
#include "models/factors.h"
#include "dense_ref.h"
#include "reco_fixture.h"
#include "tap.h"

#include <math.h>


/* One random case; returns the largest relative error of CG and of the
 * library's exact solve against the reference, over every user. */
static void one_case(rs_rng *rng, int trial, double *worst_cg, double *worst_exact)
{
    size_t n_users = 3 + rs_rng_below(rng, 40), n_items = 2 + rs_rng_below(rng, 30), k = 1 + rs_rng_below(rng, 8);
    double l2 = exp(log(0.01) + rs_rng_uniform(rng) * log(1000.0));          /* 0.01 .. 10 */
    double alpha = exp(log(0.1) + rs_rng_uniform(rng) * log(400.0));         /* 0.1 .. 40 */
    char csv[32], factors[16], epochs[16], cg[16], l2s[32], alphas[32], seed[24];
    fixture_ratings(rng, n_users, n_items, 0.05 + 0.4 * rs_rng_uniform(rng), rs_rng_below(rng, 2), csv);
    snprintf(factors, sizeof factors, "%zu", k);
    snprintf(epochs, sizeof epochs, "%d", 1 + (int)rs_rng_below(rng, 3));
    snprintf(cg, sizeof cg, "%zu", 2 * k + 2);
    snprintf(l2s, sizeof l2s, "%.17g", l2);
    snprintf(alphas, sizeof alphas, "%.17g", alpha);
    snprintf(seed, sizeof seed, "%d", trial);
    const char *options[] = {"factors", factors, "epochs", epochs, "cg-steps", cg, "l2", l2s,
                             "alpha", alphas, "seed", seed, NULL};
    rs_error err = {0};
    rs_model *m = fixture_train("als", csv, options, &err);
    unlink(csv);
    rs_reco *r = m ? rs_reco_new(m, &err) : NULL;
    if (!r) {
        CHECK(0, "case %d: als trains and loads (%s)", trial, err.msg);
        rs_model_free(m);
        return;
    }
    size_t rows, cols, item_rows, item_cols;
    const float *x = rs_model_tensor(m, "user_factors", &rows, &cols);
    const float *y = rs_model_tensor(m, "item_factors", &item_rows, &item_cols);
    size_t nu = rows, ni = item_rows;
    double *yty = calloc(k * k, sizeof *yty), *a = malloc(k * k * sizeof *a), *b = malloc(k * sizeof *b);
    double *work = malloc((k * k + k) * sizeof *work);
    float *exact = malloc(k * sizeof *exact);
    for (size_t i = 0; i < ni; i++)
        for (size_t p = 0; p < k; p++)
            for (size_t q = 0; q < k; q++)
                yty[p * k + q] += (double)y[i * k + p] * y[i * k + q];
    for (size_t u = 0; u < nu; u++) {
        const int32_t *items;
        const float *values;
        size_t n = rs_reco_seen(r, (int32_t)u, &items, &values);
        memcpy(a, yty, k * k * sizeof *a);
        memset(b, 0, k * sizeof *b);
        for (size_t p = 0; p < k; p++)
            a[p * k + p] += l2;
        for (size_t t = 0; t < n; t++) {
            const float *yi = y + (size_t)items[t] * k;
            double c = 1 + alpha * values[t];
            for (size_t p = 0; p < k; p++) {
                b[p] += c * yi[p];
                for (size_t q = 0; q < k; q++)
                    a[p * k + q] += (c - 1) * yi[p] * yi[q];
            }
        }
        ref_solve(a, b, k);
        double norm = 0, d_cg = 0, d_exact = 0;
        int solved = rs_als_solve_exact(y, yty, k, l2, alpha, items, values, n, exact, work) == 0;
        for (size_t p = 0; p < k; p++) {
            norm += b[p] * b[p];
            d_cg += (x[u * k + p] - b[p]) * (x[u * k + p] - b[p]);
            d_exact += (exact[p] - b[p]) * (exact[p] - b[p]);
        }
        double rel_cg = sqrt(d_cg / (norm + 1e-30)), rel_exact = solved ? sqrt(d_exact / (norm + 1e-30)) : INFINITY;
        *worst_cg = rel_cg > *worst_cg ? rel_cg : *worst_cg;
        *worst_exact = rel_exact > *worst_exact ? rel_exact : *worst_exact;
    }
    CHECK(cols == k && item_cols == k && nu >= 1 && ni >= 1, "case %d: %zu users x %zu items, k %zu", trial, nu, ni, k);
    free(yty), free(a), free(b), free(work), free(exact);
    rs_reco_free(r);
    rs_model_free(m);
}

int main(void)
{
    rs_rng rng;
    rs_rng_seed(&rng, 20240612);
    enum { CASES = 40 };
    double worst_cg = 0, worst_exact = 0;
    for (int trial = 0; trial < CASES; trial++)
        one_case(&rng, trial, &worst_cg, &worst_exact);
    printf("# largest relative error over %d cases: CG %.3g, exact solve %.3g\n", CASES, worst_cg, worst_exact);
    CHECK(worst_cg < 1e-3, "the trained user factors (CG, 2k + 2 steps) equal the exact solution within 1e-3 (%.3g)",
          worst_cg);
    CHECK(worst_exact < 1e-5, "rs_als_solve_exact (the fold-in) equals it within 1e-5 (%.3g)", worst_exact);
    return tap_done();
}
