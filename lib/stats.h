/* stats.h — descriptive statistics on double arrays. */
#ifndef RS_STATS_H
#define RS_STATS_H

#include <stddef.h>

double rs_mean(const double *x, size_t n);
/* Sample standard deviation (n - 1 in the denominator); 0 when n < 2. */
double rs_sd(const double *x, size_t n);
void rs_sort_doubles(double *x, size_t n);
/* Quantile q in [0,1] of sorted x by linear interpolation between order
 * statistics (Hyndman-Fan type 7, the default of R and NumPy). */
double rs_quantile_sorted(const double *sorted, size_t n, double q);
/* Median absolute deviation from `median` (unscaled); scratch holds n. */
double rs_mad(const double *x, size_t n, double median, double *scratch);

#endif
