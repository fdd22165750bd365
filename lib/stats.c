#include "stats.h"

#include <math.h>
#include <stdlib.h>

double rs_mean(const double *x, size_t n)
{
    /* two-pass: the correction term removes most of the rounding error */
    if (n == 0)
        return NAN;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    double mean = sum / (double)n, corr = 0;
    for (size_t i = 0; i < n; i++)
        corr += x[i] - mean;
    return mean + corr / (double)n;
}

double rs_sd(const double *x, size_t n)
{
    if (n < 2)
        return 0;
    double mean = rs_mean(x, n), ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    return sqrt(ss / (double)(n - 1));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void rs_sort_doubles(double *x, size_t n)
{
    qsort(x, n, sizeof *x, cmp_double);
}

double rs_quantile_sorted(const double *sorted, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

double rs_mad(const double *x, size_t n, double median, double *scratch)
{
    for (size_t i = 0; i < n; i++)
        scratch[i] = fabs(x[i] - median);
    rs_sort_doubles(scratch, n);
    return rs_quantile_sorted(scratch, n, 0.5);
}
