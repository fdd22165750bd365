/* intervals.h — quantiles of the forecast and the order-up-to level, from
 * the empirical errors of the fitted model's own rolling-origin forecasts.
 *
 * From each of the last C origins o of the history (C = calibration), the
 * fitted model forecasts the next H periods; every error y - f that falls
 * inside the history is kept (pooled over the steps).  The q quantile of
 * the forecast at step k is f_k + Q_q(errors), at least 0 (Q: type 7,
 * stats.h).  Over a lead time of L periods, the demand sums
 * D_o = y[o] + .. + y[o+L-1] against the summed forecasts give the errors
 * E_o; the order-up-to level at service level s is
 * f_1 + .. + f_L + Q_s(E), at least 0.  With no full lead time inside the
 * history, the L one-step errors' quantile times L stands in. */
#ifndef RS_FORECAST_INTERVALS_H
#define RS_FORECAST_INTERVALS_H

#include "forecast/fit.h"

typedef struct {
    const double *quantiles;   /* (n_quantiles) in (0, 1) */
    size_t n_quantiles;
    int calibration;           /* C >= 1 */
    int lead_time;             /* 0: no order-up-to */
    double service_level;
} rs_fc_interval_spec;

/* Growable scratch of one thread. */
typedef struct {
    double *buf;
    size_t cap;
} rs_fc_interval_work;

void rs_fc_interval_work_free(rs_fc_interval_work *w);

/* point (h): the model's forecast from origin n.  Writes q (h x n_quantiles,
 * step-major) and, with a lead time, *order_up_to and *lead_demand (the
 * summed point forecast).  -1 when out of memory. */
int rs_fc_intervals(const rs_fc_interval_spec *spec, const rs_fc_model *model, const double *y, size_t n, int h,
                    const double *point, double *q, double *order_up_to, double *lead_demand, rs_fc_work *fw,
                    rs_fc_interval_work *w);

#endif
