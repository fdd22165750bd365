/* forecast.h — rs-forecast: fit every series (in parallel), forecast, and
 * write the forecasts, their quantiles, backtests, fitted methods and
 * orders. */
#ifndef RS_FORECAST_H
#define RS_FORECAST_H

#include "forecast/fit.h"
#include "forecast/global.h"
#include "forecast/intervals.h"
#include "forecast/series.h"

typedef struct {
    rs_fc_config cfg;
    rs_fc_interval_spec intervals;
    char **quantile_names;        /* (intervals.n_quantiles) the text given, for column names q<text> */
    int backtest;                 /* N origins, 0: forecast */
    long min_periods;             /* shorter series: an error, or skipped with a warning when skip_short */
    int skip_short;
    int threads;
    const char *output, *methods_path, *orders_path, *on_hand_path;
    rs_format format;
    rs_table_options table;       /* for --on-hand */
    rs_fc_global_spec global;     /* --method global */
} rs_fc_spec;

rs_status rs_fc_run(const rs_fc_spec *spec, const rs_fc_series *series, const rs_fc_calendar *cal,
                    rs_error *err);

/* Write the series as series,period,value (--aggregate). */
rs_status rs_fc_write_series(const rs_fc_series *series, const rs_fc_calendar *cal, const char *output,
                             rs_format format, rs_error *err);

#endif
