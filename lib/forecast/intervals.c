/* intervals.c — empirical error quantiles (intervals.h). */
#include "forecast/intervals.h"

#include "stats.h"

#include <math.h>
#include <stdlib.h>

void rs_fc_interval_work_free(rs_fc_interval_work *w)
{
    free(w->buf);
    w->buf = NULL;
    w->cap = 0;
}

/* The order statistic of split conformal prediction: with m exchangeable
 * errors, the ceil((m + 1) q)-th smallest is at or above a new error with
 * probability >= q (upper quantiles; floor for the lower ones).  Type 7
 * interpolation under-covers on the few dozen errors a series has. */
static double conformal_quantile(const double *sorted, size_t m, double q)
{
    double rank = q >= 0.5 ? ceil((double)(m + 1) * q) : floor((double)(m + 1) * q);
    size_t k = rank < 1 ? 1 : rank > (double)m ? m : (size_t)rank;
    return sorted[k - 1];
}

static double at_least_0(double x)
{
    return x > 0 ? x : 0;
}

int rs_fc_intervals(const rs_fc_interval_spec *spec, const rs_fc_model *model, const double *y, size_t n, int h,
                    const double *point, double *q, double *order_up_to, double *lead_demand, rs_fc_work *fw,
                    rs_fc_interval_work *w)
{
    int lead = spec->lead_time;
    int steps = h > lead ? h : lead;
    size_t from = n > (size_t)spec->calibration ? n - (size_t)spec->calibration : 1;
    size_t origins = n - from + 1;
    size_t need = origins * (size_t)steps * 2 + origins;
    if (need > w->cap) {
        double *buf = realloc(w->buf, need * 2 * sizeof *buf);
        if (!buf)
            return -1;
        w->buf = buf;
        w->cap = need * 2;
    }
    if (rs_fc_work_reserve(fw, n, steps, model->params[0].season) < 0)
        return -1;
    double *fc = w->buf, *errors = fc + origins * (size_t)steps, *sums = errors + origins * (size_t)steps;
    rs_fc_model_path(model, y, n, from, steps, fc, fw);
    size_t n_errors = 0, n_sums = 0;
    for (size_t o = from; o < n; o++) {
        const double *row = fc + (o - from) * (size_t)steps;
        for (int k = 0; k < h && o + (size_t)k < n; k++)
            errors[n_errors++] = y[o + (size_t)k] - row[k];
        if (lead > 0 && o + (size_t)lead <= n) {
            double e = 0;
            for (int k = 0; k < lead; k++)
                e += y[o + (size_t)k] - row[k];
            sums[n_sums++] = e;
        }
    }
    rs_sort_doubles(errors, n_errors);
    for (size_t j = 0; j < spec->n_quantiles; j++) {
        double e = n_errors ? conformal_quantile(errors, n_errors, spec->quantiles[j]) : 0;
        for (int k = 0; k < h; k++)
            q[(size_t)k * spec->n_quantiles + j] = at_least_0(point[k] + e);
    }
    if (lead > 0) {
        const double *final = fc + (n - from) * (size_t)steps;
        double total = 0;
        for (int k = 0; k < lead; k++)
            total += at_least_0(final[k]);
        double e;
        if (n_sums) {
            rs_sort_doubles(sums, n_sums);
            e = conformal_quantile(sums, n_sums, spec->service_level);
        } else {
            /* no lead time inside the history: the one-step errors, L times */
            size_t n_one = 0;
            for (size_t o = from; o < n; o++)
                errors[n_one++] = y[o] - fc[(o - from) * (size_t)steps];
            rs_sort_doubles(errors, n_one);
            e = n_one ? lead * conformal_quantile(errors, n_one, spec->service_level) : 0;
        }
        *lead_demand = total;
        *order_up_to = at_least_0(total + e);
    }
    return 0;
}
