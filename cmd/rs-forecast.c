/* rs-forecast — demand per series and period: per-series methods, auto
 * selection, quantiles, backtests and order-up-to levels. */
#include "common.h"
#include "forecast/forecast.h"
#include "io/paths.h"
#include "models/kind.h"
#include "num.h"
#include "threads.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "Usage: rs-forecast --horizon DURATION [OPTION]...\n"
    "Forecast the demand of every series (item) for the next periods, with\n"
    "quantiles from the errors of its own rolling-origin forecasts.  The input is\n"
    "an event log (item, time, quantity: summed per period, zero-filled) or, with\n"
    "--aggregated, a table series,period,value.  With no -i, or when it is -, read\n"
    "standard input.  Reads all series into memory (8 bytes a period).\n"
    "Output: series,period,forecast[,qQ...] (period: the first day, YYYY-MM-DD).\n"
    "\n"
    "Options:\n"
    "      --horizon DURATION      how far ahead, a whole number of periods: 8w, 14d,\n"
    "                              3mo (with --period month); required\n"
    "      --period P              day, week (default) or month\n"
    "      --week-start DAY        the first day of a week (default monday)\n"
    "      --method M              naive, snaive, ma, ses, holt (damped trend), hw\n"
    "                              (additive Holt-Winters), croston, sba, tsb,\n"
    "                              medians (mean of moving medians over w/2, 3w/4\n"
    "                              and w periods), combo (mean of ses, ma and sba)\n"
    "                              or auto (default); global: one gbdt model across\n"
    "                              all series on 8 lags and 2 rolling means, run\n"
    "                              recursively (point forecasts only)\n"
    "      --season N              periods in a season (default 7 days, 52 weeks,\n"
    "                              12 months)\n"
    "      --window N              ma's width, medians' longest (default 8)\n"
    "      --alpha A, --beta B, --phi F, --gamma G\n"
    "                              fix a smoothing parameter (default: estimated per\n"
    "                              series by one-step squared error)\n"
    "      --validation N          auto: the last N origins score the methods\n"
    "                              (default: twice the horizon)\n"
    "      --auto-margin M         auto: another method replaces medians when its\n"
    "                              error is below M x medians' (default 0.8)\n"
    "      --quantiles LIST        e.g. 0.1,0.5,0.9: columns q0.1,q0.5,q0.9\n"
    "      --calibration N         origins whose errors give the quantiles (52)\n"
    "      --backtest N            forecast from each of the last N origins instead:\n"
    "                              series,origin,period,forecast[,qQ...],actual\n"
    "      --lead-time DURATION    with --orders: the lead time, in periods like\n"
    "                              --horizon\n"
    "      --service-level S       the order-up-to quantile (default 0.95)\n"
    "      --orders FILE           series,lead_time_demand,order_up_to,on_hand,order\n"
    "      --on-hand FILE          units in stock: columns series,on_hand (absent: 0)\n"
    "      --methods-out FILE      series,method,alpha,beta,phi,gamma as fitted\n"
    "      --min-periods N         series shorter than N periods (default 2) are an\n"
    "                              error; with this option they are skipped, counted\n"
    "                              in a warning\n"
    "      --model-out FILE        global: save the trained gbdt model\n"
    "      --model-in FILE         global: forecast with this model, no training\n"
    "      --trees N               global: boosting rounds (default 300)\n"
    "      --global-loss L         global: log (squared error on log1p, default),\n"
    "                              poisson or squared\n"
    "      --global-season         global: add the week of the year (month, weekday)\n"
    "      --aggregate             write the series table (series,period,value) and\n"
    "                              stop\n"
    "Event log columns:\n"
    "      --item-col COL          the item (default item)\n"
    "      --time-col COL          the time (default ts): epoch seconds or ISO 8601\n"
    "      --qty-col COL           units sold (default qty; absent: each row is 1)\n"
    "      --by COL[,COL]          more key columns: series ITEM/VALUE...\n"
    "      --time-format FMT       strptime(3) pattern of the time column\n"
    "      --from-start            every series from the log's first period (default:\n"
    "                              from the series' first sale)\n"
    "Aggregated table (--aggregated):\n"
    "      --series-col, --period-col, --value-col COL\n"
    "                              default series, period, value; every period of a\n"
    "                              series from its first to its last, once\n"
    "\n"
    "Examples:\n"
    "  rs-forecast -i sales.csv --item-col StockCode --time-col InvoiceDate \\\n"
    "      --qty-col Quantity --horizon 8w --quantiles 0.1,0.9\n"
    "  rs-forecast -i weekly.csv --aggregated --horizon 4w --lead-time 2w --orders buy.csv\n";

enum { OPT_HORIZON = RS_OPT_FIRST_OWN, OPT_PERIOD, OPT_WEEK_START, OPT_METHOD, OPT_SEASON, OPT_WINDOW, OPT_ALPHA,
       OPT_BETA, OPT_PHI, OPT_GAMMA, OPT_VALIDATION, OPT_QUANTILES, OPT_CALIBRATION, OPT_BACKTEST, OPT_LEAD_TIME,
       OPT_SERVICE_LEVEL, OPT_ORDERS, OPT_ON_HAND, OPT_METHODS_OUT, OPT_MIN_PERIODS, OPT_AGGREGATE, OPT_ITEM_COL,
       OPT_TIME_COL, OPT_QTY_COL, OPT_BY, OPT_TIME_FORMAT, OPT_AGGREGATED, OPT_SERIES_COL, OPT_PERIOD_COL,
       OPT_VALUE_COL, OPT_FROM_START, OPT_AUTO_MARGIN, OPT_MODEL_OUT, OPT_MODEL_IN, OPT_TREES,
       OPT_GLOBAL_LOSS, OPT_GLOBAL_SEASON };

static const struct option long_options[] = {
    RS_COMMON_LONG_OPTIONS,
    {"horizon", required_argument, NULL, OPT_HORIZON},
    {"period", required_argument, NULL, OPT_PERIOD},
    {"week-start", required_argument, NULL, OPT_WEEK_START},
    {"method", required_argument, NULL, OPT_METHOD},
    {"season", required_argument, NULL, OPT_SEASON},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"alpha", required_argument, NULL, OPT_ALPHA},
    {"beta", required_argument, NULL, OPT_BETA},
    {"phi", required_argument, NULL, OPT_PHI},
    {"gamma", required_argument, NULL, OPT_GAMMA},
    {"validation", required_argument, NULL, OPT_VALIDATION},
    {"quantiles", required_argument, NULL, OPT_QUANTILES},
    {"calibration", required_argument, NULL, OPT_CALIBRATION},
    {"backtest", required_argument, NULL, OPT_BACKTEST},
    {"lead-time", required_argument, NULL, OPT_LEAD_TIME},
    {"service-level", required_argument, NULL, OPT_SERVICE_LEVEL},
    {"orders", required_argument, NULL, OPT_ORDERS},
    {"on-hand", required_argument, NULL, OPT_ON_HAND},
    {"methods-out", required_argument, NULL, OPT_METHODS_OUT},
    {"min-periods", required_argument, NULL, OPT_MIN_PERIODS},
    {"aggregate", no_argument, NULL, OPT_AGGREGATE},
    {"item-col", required_argument, NULL, OPT_ITEM_COL},
    {"time-col", required_argument, NULL, OPT_TIME_COL},
    {"qty-col", required_argument, NULL, OPT_QTY_COL},
    {"by", required_argument, NULL, OPT_BY},
    {"time-format", required_argument, NULL, OPT_TIME_FORMAT},
    {"aggregated", no_argument, NULL, OPT_AGGREGATED},
    {"series-col", required_argument, NULL, OPT_SERIES_COL},
    {"period-col", required_argument, NULL, OPT_PERIOD_COL},
    {"value-col", required_argument, NULL, OPT_VALUE_COL},
    {"from-start", no_argument, NULL, OPT_FROM_START},
    {"auto-margin", required_argument, NULL, OPT_AUTO_MARGIN},
    {"model-out", required_argument, NULL, OPT_MODEL_OUT},
    {"model-in", required_argument, NULL, OPT_MODEL_IN},
    {"trees", required_argument, NULL, OPT_TREES},
    {"global-loss", required_argument, NULL, OPT_GLOBAL_LOSS},
    {"global-season", no_argument, NULL, OPT_GLOBAL_SEASON},
    {NULL, 0, NULL, 0},
};

typedef struct {
    rs_fc_spec spec;
    rs_fc_read_options read;
    rs_strlist by, quantiles, kind_options;
    const char *trees, *global_loss;
    double *q_values;
    const char *horizon, *lead_time;
    int aggregate, have_season, have_validation, have_service_level, have_margin;
} args;

static rs_status bad(rs_error *err, const char *fmt, const char *arg)
{
    return rs_error_set(err, RS_EUSAGE, NULL, 0, fmt, arg);
}

static rs_status fixed_param(double *slot, const char *name, const char *arg, double lo, double hi, rs_error *err)
{
    if (rs_parse_double_arg(arg, slot) < 0 || !(*slot >= lo && *slot <= hi))
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --%s '%s' (expected %g..%g)", name, arg, lo, hi);
    return RS_OK;
}

static rs_status own_option(void *ctx, int opt, const char *arg, rs_error *err)
{
    args *a = ctx;
    rs_fc_spec *s = &a->spec;
    long v;
    switch (opt) {
    case OPT_HORIZON: a->horizon = arg; return RS_OK;
    case OPT_PERIOD: return rs_fc_period_parse(arg, &a->read.cal.kind, err);
    case OPT_WEEK_START: return rs_fc_week_start_parse(arg, &a->read.cal.week_start, err);
    case OPT_METHOD:
        s->cfg.method = rs_fc_method_parse(arg);
        return s->cfg.method < 0 ? bad(err, "invalid --method '%s' (expected naive, snaive, ma, ses, holt, hw, "
                                            "croston, sba, tsb, medians, combo, auto or global)", arg)
                                 : RS_OK;
    case OPT_SEASON:
        a->have_season = 1;
        return rs_parse_long_arg(arg, 1, 10000, &v) < 0 ? bad(err, "invalid --season '%s' (expected 1..10000)", arg)
                                                         : (s->cfg.season = (int)v, RS_OK);
    case OPT_WINDOW:
        return rs_parse_long_arg(arg, 1, 10000, &v) < 0 ? bad(err, "invalid --window '%s' (expected 1..10000)", arg)
                                                         : (s->cfg.window = (int)v, RS_OK);
    case OPT_ALPHA: return fixed_param(&s->cfg.fixed[RS_FC_ALPHA], "alpha", arg, 0, 1, err);
    case OPT_BETA: return fixed_param(&s->cfg.fixed[RS_FC_BETA], "beta", arg, 0, 1, err);
    case OPT_PHI: return fixed_param(&s->cfg.fixed[RS_FC_PHI], "phi", arg, 0, 1, err);
    case OPT_GAMMA: return fixed_param(&s->cfg.fixed[RS_FC_GAMMA], "gamma", arg, 0, 1, err);
    case OPT_VALIDATION:
        a->have_validation = 1;
        return rs_parse_long_arg(arg, 1, 100000, &v) < 0 ? bad(err, "invalid --validation '%s' (expected 1..100000)", arg)
                                                          : (s->cfg.validation = (int)v, RS_OK);
    case OPT_QUANTILES:
        return rs_strlist_push_split(&a->quantiles, arg) < 0 ? rs_error_nomem(err) : RS_OK;
    case OPT_CALIBRATION:
        return rs_parse_long_arg(arg, 1, 100000, &v) < 0 ? bad(err, "invalid --calibration '%s' (expected 1..100000)", arg)
                                                          : (s->intervals.calibration = (int)v, RS_OK);
    case OPT_BACKTEST:
        return rs_parse_long_arg(arg, 1, 100000, &v) < 0 ? bad(err, "invalid --backtest '%s' (expected 1..100000)", arg)
                                                          : (s->backtest = (int)v, RS_OK);
    case OPT_LEAD_TIME: a->lead_time = arg; return RS_OK;
    case OPT_SERVICE_LEVEL:
        a->have_service_level = 1;
        if (rs_parse_double_arg(arg, &s->intervals.service_level) < 0 ||
            !(s->intervals.service_level > 0 && s->intervals.service_level < 1))
            return bad(err, "invalid --service-level '%s' (expected 0 < S < 1)", arg);
        return RS_OK;
    case OPT_ORDERS: s->orders_path = arg; return RS_OK;
    case OPT_ON_HAND: s->on_hand_path = arg; return RS_OK;
    case OPT_METHODS_OUT: s->methods_path = arg; return RS_OK;
    case OPT_MIN_PERIODS:
        s->skip_short = 1;
        return rs_parse_long_arg(arg, 2, 1000000, &s->min_periods) < 0
                   ? bad(err, "invalid --min-periods '%s' (expected 2..1000000)", arg) : RS_OK;
    case OPT_AGGREGATE: a->aggregate = 1; return RS_OK;
    case OPT_ITEM_COL: a->read.item_col = arg; return RS_OK;
    case OPT_TIME_COL: a->read.time_col = arg; return RS_OK;
    case OPT_QTY_COL: a->read.qty_col = arg; return RS_OK;
    case OPT_BY: return rs_strlist_push_split(&a->by, arg) < 0 ? rs_error_nomem(err) : RS_OK;
    case OPT_TIME_FORMAT: a->read.time_format = arg; return RS_OK;
    case OPT_AGGREGATED: a->read.aggregated = 1; return RS_OK;
    case OPT_SERIES_COL: a->read.series_col = arg; return RS_OK;
    case OPT_PERIOD_COL: a->read.period_col = arg; return RS_OK;
    case OPT_VALUE_COL: a->read.value_col = arg; return RS_OK;
    case OPT_FROM_START: a->read.from_start = 1; return RS_OK;
    case OPT_MODEL_OUT: s->global.model_out = arg; return RS_OK;
    case OPT_MODEL_IN: s->global.model_in = arg; return RS_OK;
    case OPT_TREES:
        return rs_parse_long_arg(arg, 1, 100000, &v) < 0 ? bad(err, "invalid --trees '%s' (expected 1..100000)", arg)
                                                          : (a->trees = arg, RS_OK);
    case OPT_GLOBAL_LOSS:
        if (strcmp(arg, "poisson") && strcmp(arg, "squared") && strcmp(arg, "log"))
            return bad(err, "invalid --global-loss '%s' (expected poisson, squared or log)", arg);
        a->global_loss = arg;
        return RS_OK;
    case OPT_GLOBAL_SEASON: s->global.use_season = 1; return RS_OK;
    case OPT_AUTO_MARGIN:
        a->have_margin = 1;
        return fixed_param(&s->cfg.margin, "auto-margin", arg, 0.01, 1, err);
    default: return bad(err, "%s", "");
    }
}

static rs_status parse_quantiles(args *a, rs_error *err)
{
    size_t n = a->quantiles.n;
    if (!n)
        return RS_OK;
    if (!(a->q_values = calloc(n, sizeof *a->q_values)))
        return rs_error_nomem(err);
    for (size_t i = 0; i < n; i++) {
        const char *q = a->quantiles.items[i];
        if (rs_parse_double_arg(q, &a->q_values[i]) < 0 || !(a->q_values[i] > 0 && a->q_values[i] < 1))
            return bad(err, "invalid --quantiles item '%s' (expected numbers 0 < q < 1, e.g. 0.1,0.5,0.9)", q);
    }
    a->spec.intervals.quantiles = a->q_values;
    a->spec.intervals.n_quantiles = n;
    a->spec.quantile_names = a->quantiles.items;
    return RS_OK;
}

static rs_status check(args *a, const rs_common *c, rs_error *err)
{
    rs_fc_spec *s = &a->spec;
    rs_fc_period_kind kind = a->read.cal.kind;
    if (a->by.n && a->read.aggregated)
        return bad(err, "%s", "--by is for an event log (an aggregated table names its series in --series-col)");
    if ((a->read.series_col || a->read.period_col || a->read.value_col) && !a->read.aggregated)
        return bad(err, "%s", "--series-col, --period-col and --value-col need --aggregated");
    if ((a->read.item_col || a->read.time_col || a->read.qty_col || a->read.from_start) && a->read.aggregated)
        return bad(err, "%s", "--item-col, --time-col, --qty-col and --from-start are for an event log, not "
                              "--aggregated");
    if (!a->aggregate && !a->horizon)
        return bad(err, "%s", "--horizon DURATION is required (e.g. --horizon 8w)");
    if (a->horizon && rs_fc_horizon_parse(a->horizon, "--horizon", kind, &s->cfg.horizon, err))
        return err->code;
    if (a->lead_time && rs_fc_horizon_parse(a->lead_time, "--lead-time", kind, &s->intervals.lead_time, err))
        return err->code;
    if (!!a->lead_time != !!s->orders_path)
        return bad(err, "%s", "--lead-time and --orders FILE go together");
    if ((s->on_hand_path || a->have_service_level) && !s->orders_path)
        return bad(err, "%s", "--on-hand and --service-level need --orders FILE and --lead-time");
    if (s->backtest && (s->orders_path || s->methods_path))
        return bad(err, "%s", "--backtest writes forecasts only (not --orders or --methods-out)");
    if (!a->have_season)
        s->cfg.season = rs_fc_season_default(kind);
    if (!a->have_validation)
        s->cfg.validation = 2 * s->cfg.horizon;
    if ((a->have_validation || a->have_margin) && s->cfg.method != RS_FC_AUTO)
        return bad(err, "%s", "--validation and --auto-margin are for --method auto");
    if (parse_quantiles(a, err))
        return err->code;
    if (s->cfg.method == RS_FC_GLOBAL && (a->quantiles.n || s->orders_path || s->backtest || s->methods_path))
        return bad(err, "%s", "--method global gives point forecasts only (not --quantiles, --orders, --backtest "
                              "or --methods-out)");
    if (s->cfg.method != RS_FC_GLOBAL &&
        (s->global.model_out || s->global.model_in || a->trees || a->global_loss || s->global.use_season))
        return bad(err, "%s", "--model-out, --model-in, --trees, --global-loss and --global-season are for "
                              "--method global");
    if (s->global.model_in && (s->global.model_out || a->trees || a->global_loss || s->global.use_season))
        return bad(err, "%s", "--model-in forecasts with a trained model: not with --model-out, --trees, "
                              "--global-loss or --global-season");
    if (s->cfg.method == RS_FC_GLOBAL) {
        if (!(s->global.kind = rs_kind_find("gbdt")))
            return bad(err, "%s", "--method global needs the gbdt kind, which this build lacks");
        if (rs_strlist_push(&a->kind_options, "loss") < 0 ||
            rs_strlist_push(&a->kind_options, a->global_loss && strcmp(a->global_loss, "log") ? a->global_loss
                                                                                              : "squared") < 0 ||
            rs_strlist_push(&a->kind_options, "trees") < 0 ||
            rs_strlist_push(&a->kind_options, a->trees ? a->trees : "300") < 0)
            return rs_error_nomem(err);
        s->global.options = &a->kind_options;
        s->global.log_target = !a->global_loss || !strcmp(a->global_loss, "log");
    }
    rs_path_use files[] = {{c->input, "-i", 0},           {s->on_hand_path, "--on-hand", 0},
                           {c->output, "-o", 1},          {s->orders_path, "--orders", 1},
                           {s->methods_path, "--methods-out", 1}, {s->global.model_in, "--model-in", 0},
                           {s->global.model_out, "--model-out", 1}};
    return rs_paths_distinct(files, sizeof files / sizeof *files, err);
}

static rs_status run(args *a, const rs_common *c, rs_error *err)
{
    rs_status st = check(a, c, err);
    if (st)
        return st;
    rs_fc_read_options *r = &a->read;
    r->path = c->input;
    r->table = c->table;
    r->by = &a->by;
    rs_fc_series *series = rs_fc_series_read(r, err);
    if (!series)
        return err->code;
    rs_fc_spec *s = &a->spec;
    s->output = c->output;
    s->format = c->format;
    s->table = c->table;
    s->threads = rs_threads_resolve(c->threads);
    s->global.threads = s->threads;
    s->global.seed = c->seed;
    st = a->aggregate ? rs_fc_write_series(series, &r->cal, c->output, c->format, err)
                      : rs_fc_run(s, series, &r->cal, err);
    rs_fc_series_free(series);
    return st;
}

int main(int argc, char **argv)
{
    rs_common common;
    rs_common_init(&common, "rs-forecast");
    args a = {.spec = {.cfg = {.method = RS_FC_AUTO, .fixed = {NAN, NAN, NAN, NAN}, .window = 8, .margin = 0.8},
                       .intervals = {.calibration = 52, .service_level = 0.95},
                       .min_periods = 2},
              .read = {.cal = {RS_FC_WEEK, 0}}};
    rs_error err = {0};
    int code = rs_cli_parse(&common, argc, argv, 1, RS_COMMON_SHORT, long_options, own_option, &a, usage_text);
    if (code < 0) {
        rs_cli_install_warnings(&common);
        code = rs_cli_finish(common.prog, run(&a, &common, &err), &err);
    }
    rs_strlist_free(&a.by);
    rs_strlist_free(&a.quantiles);
    rs_strlist_free(&a.kind_options);
    free(a.q_values);
    return code;
}
