/* forecast.c — the rs-forecast run: per-series results computed in
 * parallel into arrays indexed by series (so any -j writes the same bytes),
 * then written in input order. */
#include "forecast/forecast.h"

#include "io/keyed.h"
#include "num.h"
#include "threads.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const rs_fc_spec *spec;
    const rs_fc_series *series;
    int h;
    size_t nq;
    int origins;              /* per series: 1, or the --backtest N */
    /* (n_series x origins): */
    unsigned char *done;      /* 1 when the origin exists (inside the series) */
    rs_fc_model *models;
    double *fc;               /* (x h) */
    double *q;                /* (x h x nq) */
    double *order, *lead;     /* (n_series) */
    int failed;               /* out of memory in a slice */
} job;

static int series_ok(const job *j, size_t s)
{
    return rs_fc_series_len(j->series, s) >= (size_t)j->spec->min_periods;
}

/* Fit and forecast y (n) into slot `at`. */
static int one(job *j, size_t at, const double *y, size_t n, rs_fc_work *fw, rs_fc_interval_work *iw)
{
    const rs_fc_spec *spec = j->spec;
    rs_fc_model *m = &j->models[at];
    if (rs_fc_fit(&spec->cfg, y, n, m, fw) < 0)
        return -1;
    double *fc = j->fc + at * (size_t)j->h;
    if (rs_fc_work_reserve(fw, n, j->h, spec->cfg.season) < 0)
        return -1;
    rs_fc_model_path(m, y, n, n, j->h, fc, fw);
    for (int k = 0; k < j->h; k++)
        fc[k] = fc[k] > 0 ? fc[k] : 0;
    j->done[at] = 1;
    if (!j->nq && !spec->intervals.lead_time)
        return 0;
    double order = 0, lead = 0;
    if (rs_fc_intervals(&spec->intervals, m, y, n, j->h, fc, j->q + at * (size_t)j->h * j->nq, &order, &lead, fw,
                        iw) < 0)
        return -1;
    if (j->order) {
        j->order[at] = order;
        j->lead[at] = lead;
    }
    return 0;
}

static void slice(void *ctx, int t, int n_threads)
{
    job *j = ctx;
    size_t begin, end;
    rs_thread_range(j->series->n_series, t, n_threads, &begin, &end);
    rs_fc_work fw = {0};
    rs_fc_interval_work iw = {0};
    for (size_t s = begin; s < end && !j->failed; s++) {
        if (!series_ok(j, s))
            continue;
        const double *y = j->series->values + j->series->offset[s];
        size_t n = rs_fc_series_len(j->series, s);
        for (int b = 0; b < j->origins; b++) {
            size_t at = s * (size_t)j->origins + (size_t)b;
            /* backtest origin b of N: n - N + b values seen (at least 2) */
            size_t seen = j->spec->backtest ? n - (size_t)j->origins + (size_t)b : n;
            if (j->spec->backtest && (n < (size_t)j->origins || seen < 2))
                continue;
            if (one(j, at, y, seen, &fw, &iw) < 0)
                j->failed = 1;
        }
    }
    rs_fc_work_free(&fw);
    rs_fc_interval_work_free(&iw);
}

static void put_num(rs_field *f, char *buf, double x)
{
    f->ptr = buf;
    f->len = rs_format_f64(x, buf);
}

static rs_status write_forecasts(const job *j, const rs_fc_calendar *cal, rs_error *err)
{
    const rs_fc_spec *spec = j->spec;
    size_t nq = j->nq, bt = spec->backtest ? 2 : 0, n_cols = 3 + nq + bt;
    const char **names = calloc(n_cols, sizeof *names);
    rs_col_type *types = calloc(n_cols, sizeof *types);
    char **qcol = calloc(nq + 1, sizeof *qcol);
    char (*bufs)[RS_NUM_BUF] = calloc(n_cols, sizeof *bufs);
    rs_field *fields = calloc(n_cols, sizeof *fields);
    rs_table_sink sink = {0};
    rs_status st = names && types && qcol && bufs && fields ? RS_OK : rs_error_nomem(err);
    size_t c = 0;
    if (!st) {
        names[c++] = "series";
        if (bt)
            names[c++] = "origin";
        names[c++] = "period";
        names[c++] = "forecast";
        for (size_t q = 0; q < nq && !st; q++) {
            size_t len = strlen(spec->quantile_names[q]) + 2;
            if (!(qcol[q] = malloc(len)))
                st = rs_error_nomem(err);
            else
                snprintf(qcol[q], len, "q%s", spec->quantile_names[q]);
            names[c++] = qcol[q];
        }
        if (bt)
            names[c++] = "actual";
        for (size_t i = 0; i < n_cols; i++)
            types[i] = i == 0 || (i == 1 && bt) || i == (bt ? 2u : 1u) ? RS_COL_STR : RS_COL_F64;
    }
    if (!st)
        st = rs_table_sink_open(&sink, spec->output, spec->format, n_cols, names, types, err);
    char date[RS_FC_DATE_BUF], origin[RS_FC_DATE_BUF];
    const rs_fc_series *s = j->series;
    for (size_t i = 0; i < s->n_series && !st; i++) {
        size_t key_len, n = rs_fc_series_len(s, i);
        const char *key = rs_idmap_key(s->names, (int32_t)i, &key_len);
        for (int b = 0; b < j->origins && !st; b++) {
            size_t at = i * (size_t)j->origins + (size_t)b;
            if (!j->done[at])
                continue;
            size_t seen = spec->backtest ? n - (size_t)j->origins + (size_t)b : n;
            rs_fc_period_format(cal, s->first[i] + (int64_t)seen - 1, origin);
            for (int k = 0; k < j->h && !st; k++) {
                if (bt && seen + (size_t)k >= n)
                    break;
                c = 0;
                fields[c++] = (rs_field){key, key_len};
                if (bt)
                    fields[c++] = (rs_field){origin, strlen(origin)};
                rs_fc_period_format(cal, s->first[i] + (int64_t)seen + k, date);
                fields[c++] = (rs_field){date, strlen(date)};
                put_num(&fields[c], bufs[c], j->fc[at * (size_t)j->h + (size_t)k]);
                c++;
                for (size_t q = 0; q < nq; q++, c++)
                    put_num(&fields[c], bufs[c], j->q[(at * (size_t)j->h + (size_t)k) * nq + q]);
                if (bt) {
                    put_num(&fields[c], bufs[c], s->values[s->offset[i] + seen + (size_t)k]);
                    c++;
                }
                st = rs_table_writer_write(sink.writer, fields, 0, err);
            }
        }
    }
    if (!st)
        st = rs_table_sink_commit(&sink, err);
    rs_table_sink_close(&sink);
    for (size_t q = 0; q < nq; q++)
        free(qcol[q]);
    free(qcol);
    free(names);
    free(types);
    free(bufs);
    free(fields);
    return st;
}

static rs_status write_methods(const job *j, rs_error *err)
{
    static const char *const names[] = {"series", "method", "alpha", "beta", "phi", "gamma"};
    static const rs_col_type types[] = {RS_COL_STR, RS_COL_STR, RS_COL_F64, RS_COL_F64, RS_COL_F64, RS_COL_F64};
    rs_table_sink sink = {0};
    rs_status st = rs_table_sink_open(&sink, j->spec->methods_path, RS_FORMAT_CSV, 6, names, types, err);
    char bufs[4][RS_NUM_BUF];
    for (size_t i = 0; i < j->series->n_series && !st; i++) {
        size_t at = i * (size_t)j->origins + (size_t)(j->origins - 1);
        if (!j->done[at])
            continue;
        const rs_fc_model *m = &j->models[at];
        rs_field f[6];
        f[0].ptr = rs_idmap_key(j->series->names, (int32_t)i, &f[0].len);
        f[1] = (rs_field){rs_fc_method_name(m->method), strlen(rs_fc_method_name(m->method))};
        /* the parameters the method has (combo's parts: none listed) */
        unsigned mask = m->method == RS_FC_SES || m->method == RS_FC_CROSTON || m->method == RS_FC_SBA ? 1u
                        : m->method == RS_FC_TSB                                                 ? 3u
                        : m->method == RS_FC_HOLT                                                ? 7u
                        : m->method == RS_FC_HW                                                  ? 11u
                                                                                                 : 0u;
        for (int p = 0; p < 4; p++) {
            if (mask >> p & 1)
                put_num(&f[2 + p], bufs[p], m->params[0].p[p]);
            else
                f[2 + p] = (rs_field){"", 0};
        }
        st = rs_table_writer_write(sink.writer, f, 0, err);
    }
    if (!st)
        st = rs_table_sink_commit(&sink, err);
    rs_table_sink_close(&sink);
    return st;
}

typedef struct {
    const rs_fc_series *series;
    double *on_hand;
} on_hand_ctx;

static rs_status on_hand_row(void *ctx, const rs_field *keys, double value, const rs_table *t, const rs_record *rec,
                             rs_error *err)
{
    (void)t, (void)rec, (void)err;
    on_hand_ctx *c = ctx;
    int32_t i = rs_idmap_find(c->series->names, keys[0].ptr, keys[0].len);
    if (i >= 0)
        c->on_hand[i] = value;
    return RS_OK;
}

/* --on-hand FILE: series,on_hand; a series absent from it has 0. */
static rs_status read_on_hand(const rs_fc_spec *spec, const rs_fc_series *s, double *on_hand, rs_error *err)
{
    static const char *const key[] = {"series"};
    on_hand_ctx c = {s, on_hand};
    return rs_keyed_read(spec->on_hand_path, &spec->table, key, 1, "on_hand", "--on-hand", on_hand_row, &c, err);
}

static rs_status write_orders(const job *j, rs_error *err)
{
    static const char *const names[] = {"series", "lead_time_demand", "order_up_to", "on_hand", "order"};
    static const rs_col_type types[] = {RS_COL_STR, RS_COL_F64, RS_COL_F64, RS_COL_F64, RS_COL_F64};
    const rs_fc_series *s = j->series;
    double *on_hand = calloc(s->n_series + 1, sizeof *on_hand);
    if (!on_hand)
        return rs_error_nomem(err);
    rs_status st = j->spec->on_hand_path ? read_on_hand(j->spec, s, on_hand, err) : RS_OK;
    rs_table_sink sink = {0};
    if (!st)
        st = rs_table_sink_open(&sink, j->spec->orders_path, RS_FORMAT_CSV, 5, names, types, err);
    char bufs[4][RS_NUM_BUF];
    for (size_t i = 0; i < s->n_series && !st; i++) {
        if (!j->done[i])
            continue;
        rs_field f[5];
        f[0].ptr = rs_idmap_key(s->names, (int32_t)i, &f[0].len);
        double order = j->order[i] - on_hand[i];
        put_num(&f[1], bufs[0], j->lead[i]);
        put_num(&f[2], bufs[1], j->order[i]);
        put_num(&f[3], bufs[2], on_hand[i]);
        put_num(&f[4], bufs[3], order > 0 ? order : 0);
        st = rs_table_writer_write(sink.writer, f, 0, err);
    }
    if (!st)
        st = rs_table_sink_commit(&sink, err);
    rs_table_sink_close(&sink);
    free(on_hand);
    return st;
}

/* Series shorter than --min-periods: an error naming the first, or (when
 * asked) a warning counting them. */
static rs_status check_short(const rs_fc_spec *spec, const rs_fc_series *s, rs_error *err)
{
    size_t skipped = 0;
    for (size_t i = 0; i < s->n_series; i++) {
        size_t n = rs_fc_series_len(s, i);
        if (n >= (size_t)spec->min_periods)
            continue;
        if (!spec->skip_short) {
            size_t len;
            const char *key = rs_idmap_key(s->names, (int32_t)i, &len);
            return rs_error_set(err, RS_EDATA, s->source, s->line[i],
                                "series %.*s has %zu period%s; at least %ld are needed to fit a method "
                                "(--min-periods N skips shorter series with a warning)",
                                (int)len, key, n, n == 1 ? "" : "s", spec->min_periods);
        }
        skipped++;
    }
    if (skipped)
        rs_warn(s->source, 0, "skipped %zu series shorter than %ld periods (--min-periods)", skipped,
                spec->min_periods);
    return RS_OK;
}

rs_status rs_fc_run(const rs_fc_spec *spec, const rs_fc_series *series, const rs_fc_calendar *cal, rs_error *err)
{
    rs_status st = check_short(spec, series, err);
    if (st)
        return st;
    job j = {.spec = spec, .series = series, .h = spec->cfg.horizon, .nq = spec->intervals.n_quantiles,
             .origins = spec->backtest ? spec->backtest : 1};
    size_t slots = series->n_series * (size_t)j.origins;
    j.done = calloc(slots + 1, 1);
    j.models = calloc(slots + 1, sizeof *j.models);
    j.fc = calloc(slots * (size_t)j.h + 1, sizeof *j.fc);
    j.q = calloc(slots * (size_t)j.h * j.nq + 1, sizeof *j.q);
    if (spec->intervals.lead_time) {
        j.order = calloc(slots + 1, sizeof *j.order);
        j.lead = calloc(slots + 1, sizeof *j.lead);
    }
    if (!j.done || !j.models || !j.fc || !j.q || (spec->intervals.lead_time && (!j.order || !j.lead)))
        st = rs_error_nomem(err);
    if (!st && spec->cfg.method == RS_FC_GLOBAL) {
        st = rs_fc_global_forecast(&spec->global, series, cal, j.h, (size_t)spec->min_periods, j.fc, j.done, err);
    } else if (!st) {
        rs_parallel(spec->threads, slice, &j);
        if (j.failed)
            st = rs_error_nomem(err);
    }
    if (!st)
        st = write_forecasts(&j, cal, err);
    if (!st && spec->methods_path)
        st = write_methods(&j, err);
    if (!st && spec->orders_path)
        st = write_orders(&j, err);
    free(j.done);
    free(j.models);
    free(j.fc);
    free(j.q);
    free(j.order);
    free(j.lead);
    return st;
}

rs_status rs_fc_write_series(const rs_fc_series *s, const rs_fc_calendar *cal, const char *output,
                             rs_format format, rs_error *err)
{
    static const char *const names[] = {"series", "period", "value"};
    static const rs_col_type types[] = {RS_COL_STR, RS_COL_STR, RS_COL_F64};
    rs_table_sink sink = {0};
    rs_status st = rs_table_sink_open(&sink, output, format, 3, names, types, err);
    char date[RS_FC_DATE_BUF], num[RS_NUM_BUF];
    for (size_t i = 0; i < s->n_series && !st; i++) {
        rs_field f[3];
        f[0].ptr = rs_idmap_key(s->names, (int32_t)i, &f[0].len);
        for (size_t t = 0; t < rs_fc_series_len(s, i) && !st; t++) {
            f[1] = (rs_field){date, rs_fc_period_format(cal, s->first[i] + (int64_t)t, date)};
            put_num(&f[2], num, s->values[s->offset[i] + t]);
            st = rs_table_writer_write(sink.writer, f, 0, err);
        }
    }
    if (!st)
        st = rs_table_sink_commit(&sink, err);
    rs_table_sink_close(&sink);
    return st;
}
