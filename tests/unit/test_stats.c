/* Descriptive statistics against hand-computed values. */
#include "stats.h"
#include "tap.h"

#include <math.h>

static int near(double a, double b)
{
    return fabs(a - b) <= 1e-12 * (1 + fabs(b));
}

int main(void)
{
    double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
    CHECK(near(rs_mean(x, 8), 5), "mean of 2 4 4 4 5 5 7 9 is 5");
    /* squared deviations sum to 32; sample sd = sqrt(32/7) */
    CHECK(near(rs_sd(x, 8), sqrt(32.0 / 7)), "sample sd is sqrt(32/7)");
    CHECK(rs_sd(x, 1) == 0 && isnan(rs_mean(x, 0)), "sd of one value is 0, mean of none is NaN");
    double q[] = {1, 2, 3, 4};
    /* type 7: h = (n-1) q = 0.75 -> 1 + 0.75 (2 - 1) */
    CHECK(near(rs_quantile_sorted(q, 4, 0.25), 1.75), "Q1 of 1..4 is 1.75 (type 7)");
    CHECK(near(rs_quantile_sorted(q, 4, 0.5), 2.5) && near(rs_quantile_sorted(q, 4, 0.75), 3.25),
          "median 2.5, Q3 3.25");
    CHECK(near(rs_quantile_sorted(q, 4, 0), 1) && near(rs_quantile_sorted(q, 4, 1), 4), "ends");
    double m[] = {1, 1, 2, 2, 4, 6, 9}, scratch[7];
    /* median 2; |x - 2| = 1 1 0 0 2 4 7 -> median 1 */
    CHECK(near(rs_mad(m, 7, 2, scratch), 1), "MAD of 1 1 2 2 4 6 9 is 1");
    double u[] = {3, 1, 2};
    rs_sort_doubles(u, 3);
    CHECK(u[0] == 1 && u[1] == 2 && u[2] == 3, "sort");
    double big[] = {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
    CHECK(near(rs_sd(big, 4), sqrt(30.0)), "sd is exact far from zero (shifted 4 7 13 16: var 30)");
    return tap_done();
}
