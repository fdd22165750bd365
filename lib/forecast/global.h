/* global.h — one gradient-boosted model across all series (--method
 * global): trained with the gbdt kind (Poisson loss) on every series'
 * history, then run recursively, each forecast becoming the next step's
 * lag.
 *
 * Features of period t of a series (values before its first period are 0):
 *   lag1..lag8  log1p(y[t-k])
 *   mean4, mean8  log1p of the mean of the last 4 and 8 values
 *   season      with use_season: the period's place in the year, week of
 *               the year (0..52), month (0..11) or, for days, the weekday
 *               (0 Monday).  Off by default: with less than two years of
 *               history the forecast weeks' season was seen once at most
 *               (on Online Retail, last December's peak for October), and
 *               the trees follow it: WAPE 0.663 with it, 0.642 without.
 * The label is y[t] (log1p(y[t]) with log_target), for every t >= 1 of
 * every series.  A saved model records its target (forecast_target) and
 * its features, so --model-in needs neither. */
#ifndef RS_FORECAST_GLOBAL_H
#define RS_FORECAST_GLOBAL_H

#include "forecast/series.h"
#include "models/kind.h"

#include <stdint.h>

enum { RS_FC_GLOBAL_LAGS = 8, RS_FC_GLOBAL_MAX_FEATURES = RS_FC_GLOBAL_LAGS + 3 };

typedef struct {
    const rs_kind *kind;       /* gbdt, found by the caller */
    const rs_strlist *options; /* kind options as rs_params_apply takes them (name, value, ...) */
    const char *model_in;      /* forecast with this model instead of training one */
    const char *model_out;     /* save the trained model here */
    int log_target;            /* train on log1p(y) (squared loss), forecast expm1 */
    int use_season;            /* the season feature */
    int threads;
    uint64_t seed;
} rs_fc_global_spec;

/* Forecasts (n_series x h) of every series with at least min_periods
 * values (done[s] = 1 for those). */
rs_status rs_fc_global_forecast(const rs_fc_global_spec *spec, const rs_fc_series *s, const rs_fc_calendar *cal,
                                int h, size_t min_periods, double *fc, unsigned char *done, rs_error *err);

#endif
