/* eval_forecast.c — rs-eval forecast: accuracy of demand forecasts.
 *
 * Rows of -i: series, period, forecast F, optional quantile columns qQ
 * (q0.1, q0.9) and the actual Y (column actual, or joined from --actuals on
 * series and period).  Per group (all, and each --by value):
 *   wape  = sum |F - Y| / sum Y            bias = sum (F - Y) / sum Y
 *   mae   = mean |F - Y|
 *   mase  = mean over series of mean |F - Y| / mean |y_t - y_t-1| (history)
 *   rmsse = mean over series of sqrt(mean (F - Y)^2 / mean (y_t - y_t-1)^2)
 *           (both need --train, the history; a series whose history has
 *           no change, or is absent, is left out and counted in
 *           series_unscaled)
 *   pinball_qQ = mean of Q (Y - q) when Y >= q, else (1 - Q)(q - Y)
 *   coverage_qA_qB = the fraction of rows with qA <= Y <= qB, for each
 *           pair of quantile columns A < B with A + B = 1 */
#include "eval/eval.h"

#include "idmap.h"
#include "io/keyed.h"
#include "io/svg.h"
#include "mem.h"
#include "num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    rs_idmap *keys;        /* "series\x1fperiod" */
    double *value;
} lookup;

/* Series and period in one key: the unit separator cannot be in a CSV id
 * that anyone types. */
static int key_of(const rs_field *s, const rs_field *p, char **buf, size_t *cap, size_t *len)
{
    if (rs_grow((void **)buf, cap, s->len + p->len + 1, 1) < 0)
        return -1;
    memcpy(*buf, s->ptr, s->len);
    (*buf)[s->len] = 0x1f;
    memcpy(*buf + s->len + 1, p->ptr, p->len);
    *len = s->len + p->len + 1;
    return 0;
}

typedef struct {
    lookup *lk;
    char *key;
    size_t key_cap, cap;
} actual_ctx;

static rs_status actual_row(void *ctx, const rs_field *keys, double value, const rs_table *t, const rs_record *rec,
                            rs_error *err)
{
    actual_ctx *c = ctx;
    size_t key_len;
    int added = 0;
    int32_t i;
    if (key_of(&keys[0], &keys[1], &c->key, &c->key_cap, &key_len) < 0 ||
        (i = rs_idmap_intern(c->lk->keys, c->key, key_len, &added)) < 0 ||
        rs_grow((void **)&c->lk->value, &c->cap, (size_t)i + 1, sizeof *c->lk->value) < 0)
        return rs_error_nomem(err);
    if (!added)
        return rs_error_set(err, RS_EDATA, rs_table_name(t), rec->line, "series %.*s, period %.*s given twice",
                            (int)keys[0].len, keys[0].ptr, (int)keys[1].len, keys[1].ptr);
    c->lk->value[i] = value;
    return RS_OK;
}

/* --actuals: series,period,value into lk. */
static rs_status read_actuals(const rs_eval_spec *spec, lookup *lk, rs_error *err)
{
    static const char *const keys[] = {"series", "period"};
    actual_ctx c = {lk, NULL, 0, 0};
    rs_status st = rs_keyed_read(spec->actuals_path, &spec->table, keys, 2, "value", "--actuals", actual_row, &c, err);
    free(c.key);
    return st;
}

typedef struct {
    double abs_diff, sq_diff;    /* sums of |y_t - y_t-1| and of its square */
    double last;
    long n;                      /* values seen */
} history_entry;

typedef struct {
    rs_idmap *names;
    history_entry *e;            /* (series) */
    size_t cap;
} history;

static rs_status history_row(void *ctx, const rs_field *keys, double value, const rs_table *t, const rs_record *rec,
                             rs_error *err)
{
    (void)t, (void)rec;
    history *h = ctx;
    int32_t i = rs_idmap_intern(h->names, keys[0].ptr, keys[0].len, NULL);
    size_t old = h->cap;
    if (i < 0 || rs_grow((void **)&h->e, &h->cap, (size_t)i + 1, sizeof *h->e) < 0)
        return rs_error_nomem(err);
    if (h->cap > old)
        memset(h->e + old, 0, (h->cap - old) * sizeof *h->e);
    history_entry *e = &h->e[i];
    if (e->n > 0) {
        double d = value - e->last;
        e->abs_diff += fabs(d);
        e->sq_diff += d * d;
    }
    e->last = value;
    e->n++;
    return RS_OK;
}

/* --train: the history of each series in file order (rs-forecast
 * --aggregate writes it so), for the MASE and RMSSE scales. */
static rs_status read_history(const rs_eval_spec *spec, history *h, rs_error *err)
{
    static const char *const keys[] = {"series"};
    return rs_keyed_read(spec->train_path, &spec->table, keys, 1, "value", "--train", history_row, h, err);
}

typedef struct {
    size_t n;
    int32_t *series, *group;   /* (n) */
    double *f, *y;             /* (n) */
    double *q;                 /* (n x nq) */
    size_t nq;
    double *levels;            /* (nq) */
    char **qnames;             /* (nq) the column names */
    rs_idmap *series_names, *groups;
} rows;

static rs_status find_quantiles(rs_table *t, rows *r, size_t **qcol, rs_error *err)
{
    size_t nc = rs_table_n_cols(t);
    *qcol = calloc(nc + 1, sizeof **qcol);
    r->levels = calloc(nc + 1, sizeof *r->levels);
    r->qnames = calloc(nc + 1, sizeof *r->qnames);
    if (!*qcol || !r->levels || !r->qnames)
        return rs_error_nomem(err);
    for (size_t c = 0; c < nc; c++) {
        const char *name = rs_table_col_name(t, c);
        double level;
        if (name[0] == 'q' && rs_parse_f64(name + 1, strlen(name + 1), &level) == 0 && level > 0 && level < 1) {
            (*qcol)[r->nq] = c;
            r->levels[r->nq] = level;
            r->qnames[r->nq++] = strdup(name);
            if (!r->qnames[r->nq - 1])
                return rs_error_nomem(err);
        }
    }
    return RS_OK;
}

static rs_status read_forecasts(const rs_eval_spec *spec, const lookup *actuals, rows *r, rs_error *err)
{
    rs_table *t = rs_table_open(spec->input, &spec->table, err);
    if (!t)
        return err->code;
    size_t cs, cp, cf, ca = 0, cg = 0, *qcol = NULL;
    int has_actual = !spec->actuals_path;
    rs_status st;
    if ((st = rs_table_find_col(t, "series", "-i", &cs, err)) || (st = rs_table_find_col(t, "period", "-i", &cp, err)) ||
        (st = rs_table_find_col(t, spec->score_col ? spec->score_col : "forecast", "--score", &cf, err)) ||
        (has_actual && (st = rs_table_find_col(t, "actual", "-i (or give --actuals FILE)", &ca, err))) ||
        (spec->by && (st = rs_table_find_col(t, spec->by, "--by", &cg, err))) || (st = find_quantiles(t, r, &qcol, err))) {
        free(qcol);
        rs_table_free(t);
        return st;
    }
    char *key = NULL;
    size_t key_cap = 0, key_len, cap = 0, cap2, cap3, cap4, cap5, qcap = 0;
    rs_record rec;
    int got;
    while ((got = rs_table_next(t, &rec, err)) > 0) {
        if ((st = rs_table_check_width(t, &rec, err)))
            break;
        cap2 = cap3 = cap4 = cap5 = cap;
        if (rs_grow((void **)&r->series, &cap2, r->n + 1, sizeof *r->series) < 0 ||
            rs_grow((void **)&r->group, &cap3, r->n + 1, sizeof *r->group) < 0 ||
            rs_grow((void **)&r->f, &cap4, r->n + 1, sizeof *r->f) < 0 ||
            rs_grow((void **)&r->y, &cap5, r->n + 1, sizeof *r->y) < 0 ||
            rs_grow((void **)&r->q, &qcap, (r->n + 1) * (r->nq ? r->nq : 1), sizeof *r->q) < 0) {
            st = rs_error_nomem(err);
            break;
        }
        cap = cap2;
        size_t n = r->n;
        if (rs_parse_f64(rec.fields[cf].ptr, rec.fields[cf].len, &r->f[n]) < 0) {
            st = rs_table_bad_field(t, &rec, cf, "a number", err);
            break;
        }
        for (size_t j = 0; j < r->nq && !st; j++)
            if (rs_parse_f64(rec.fields[qcol[j]].ptr, rec.fields[qcol[j]].len, &r->q[n * r->nq + j]) < 0)
                st = rs_table_bad_field(t, &rec, qcol[j], "a number", err);
        if (st)
            break;
        if (has_actual) {
            if (rs_parse_f64(rec.fields[ca].ptr, rec.fields[ca].len, &r->y[n]) < 0) {
                st = rs_table_bad_field(t, &rec, ca, "a number", err);
                break;
            }
        } else {
            if (key_of(&rec.fields[cs], &rec.fields[cp], &key, &key_cap, &key_len) < 0) {
                st = rs_error_nomem(err);
                break;
            }
            int32_t i = rs_idmap_find(actuals->keys, key, key_len);
            if (i < 0) {
                st = rs_error_set(err, RS_EDATA, rs_table_name(t), rec.line,
                                  "no actual for series %.*s, period %.*s in %s", (int)rec.fields[cs].len,
                                  rec.fields[cs].ptr, (int)rec.fields[cp].len, rec.fields[cp].ptr, spec->actuals_path);
                break;
            }
            r->y[n] = actuals->value[i];
        }
        if ((r->series[n] = rs_idmap_intern(r->series_names, rec.fields[cs].ptr, rec.fields[cs].len, NULL)) < 0 ||
            (st = rs_eval_segment(r->groups, spec, &rec, cg, &r->group[n], err))) {
            st = st ? st : rs_error_nomem(err);
            break;
        }
        r->n++;
    }
    if (got < 0 && !st)
        st = err->code;
    if (!st && r->n == 0)
        st = rs_error_set(err, RS_EDATA, rs_table_name(t), 0, "no rows to evaluate");
    free(key);
    free(qcol);
    rs_table_free(t);
    return st;
}

typedef struct {
    double abs_err, sq_err, err, y;
    long n;
} acc;

/* Metrics of the rows in group g (-1: all) into the report; per_series
 * (series) is scratch.  history may be NULL. */
static int report_group(rs_eval_report *rep, const rows *r, int32_t g, const history *h, acc *per_series,
                        size_t n_series)
{
    memset(per_series, 0, n_series * sizeof *per_series);
    acc all = {0};
    size_t nq = r->nq;
    double *pinball = calloc(nq + 1, sizeof *pinball);
    long n = 0;
    if (!pinball)
        return -1;
    for (size_t i = 0; i < r->n; i++) {
        if (g >= 0 && r->group[i] != g)
            continue;
        double e = r->f[i] - r->y[i];
        acc *a = &per_series[r->series[i]];
        a->abs_err += fabs(e), a->sq_err += e * e, a->err += e, a->y += r->y[i], a->n++;
        all.abs_err += fabs(e), all.err += e, all.y += r->y[i];
        for (size_t j = 0; j < nq; j++) {
            double qv = r->q[i * nq + j], tau = r->levels[j];
            pinball[j] += r->y[i] >= qv ? tau * (r->y[i] - qv) : (1 - tau) * (qv - r->y[i]);
        }
        n++;
    }
    double mase = 0, rmsse = 0;
    long scaled = 0, unscaled = 0, n_ser = 0;
    for (size_t s = 0; s < n_series; s++) {
        const acc *a = &per_series[s];
        if (!a->n)
            continue;
        n_ser++;
        if (!h)
            continue;
        size_t len;
        const char *name = rs_idmap_key(r->series_names, (int32_t)s, &len);
        int32_t k = rs_idmap_find(h->names, name, len);
        if (k < 0 || h->e[k].n < 2 || h->e[k].abs_diff == 0) {
            unscaled++;
            continue;
        }
        double steps = (double)(h->e[k].n - 1);
        mase += a->abs_err / (double)a->n / (h->e[k].abs_diff / steps);
        rmsse += sqrt(a->sq_err / (double)a->n / (h->e[k].sq_diff / steps));
        scaled++;
    }
    int bad = rs_eval_report_set(rep, "series", (double)n_ser, 1) | rs_eval_report_set(rep, "n", (double)n, 1) |
              rs_eval_report_set(rep, "wape", all.abs_err / all.y, 0) |
              rs_eval_report_set(rep, "bias", all.err / all.y, 0) |
              rs_eval_report_set(rep, "mae", all.abs_err / (double)n, 0) |
              rs_eval_report_set(rep, "mase", h && scaled ? mase / (double)scaled : NAN, 0) |
              rs_eval_report_set(rep, "rmsse", h && scaled ? rmsse / (double)scaled : NAN, 0);
    if (h)
        bad |= rs_eval_report_set(rep, "series_unscaled", (double)unscaled, 1);
    for (size_t j = 0; j < nq; j++) {
        char name[96];
        snprintf(name, sizeof name, "pinball_%s", r->qnames[j]);
        bad |= rs_eval_report_set(rep, name, pinball[j] / (double)n, 0);
    }
    for (size_t a = 0; a < nq; a++)
        for (size_t b = 0; b < nq; b++) {
            if (!(r->levels[a] < r->levels[b]) || fabs(r->levels[a] + r->levels[b] - 1) > 1e-9)
                continue;
            long inside = 0;
            for (size_t i = 0; i < r->n; i++)
                if ((g < 0 || r->group[i] == g) && r->y[i] >= r->q[i * nq + a] && r->y[i] <= r->q[i * nq + b])
                    inside++;
            char name[200];
            snprintf(name, sizeof name, "coverage_%s_%s", r->qnames[a], r->qnames[b]);
            bad |= rs_eval_report_set(rep, name, (double)inside / (double)n, 0);
        }
    free(pinball);
    return bad;
}

/* --per-series FILE: series,n,wape,mase,rmsse,bias over all rows. */
static rs_status write_per_series(const rs_eval_spec *spec, const rows *r, const history *h, acc *per, rs_error *err)
{
    static const char *const names[] = {"series", "n", "wape", "mase", "rmsse", "bias"};
    static const rs_col_type types[] = {RS_COL_STR, RS_COL_F64, RS_COL_F64, RS_COL_F64, RS_COL_F64, RS_COL_F64};
    size_t n_series = (size_t)rs_idmap_size(r->series_names);
    memset(per, 0, n_series * sizeof *per);
    for (size_t i = 0; i < r->n; i++) {
        double e = r->f[i] - r->y[i];
        acc *a = &per[r->series[i]];
        a->abs_err += fabs(e), a->sq_err += e * e, a->err += e, a->y += r->y[i], a->n++;
    }
    rs_table_sink sink = {0};
    rs_status st = rs_table_sink_open(&sink, spec->per_series_path, RS_FORMAT_CSV, 6, names, types, err);
    char buf[5][RS_NUM_BUF];
    for (size_t s = 0; s < n_series && !st; s++) {
        const acc *a = &per[s];
        rs_field f[6];
        f[0].ptr = rs_idmap_key(r->series_names, (int32_t)s, &f[0].len);
        double mase = NAN, rmsse = NAN;
        int32_t k = h ? rs_idmap_find(h->names, f[0].ptr, f[0].len) : -1;
        if (k >= 0 && h->e[k].n >= 2 && h->e[k].abs_diff > 0) {
            double steps = (double)(h->e[k].n - 1);
            mase = a->abs_err / (double)a->n / (h->e[k].abs_diff / steps);
            rmsse = sqrt(a->sq_err / (double)a->n / (h->e[k].sq_diff / steps));
        }
        double v[5] = {(double)a->n, a->abs_err / a->y, mase, rmsse, a->err / a->y};
        for (int c = 0; c < 5; c++) {
            if (isfinite(v[c]))
                f[c + 1] = (rs_field){buf[c], rs_format_f64(v[c], buf[c])};
            else
                f[c + 1] = (rs_field){"", 0};
        }
        st = rs_table_writer_write(sink.writer, f, 0, err);
    }
    if (!st)
        st = rs_table_sink_commit(&sink, err);
    rs_table_sink_close(&sink);
    return st;
}

/* --plot: actual and forecast against the row order of each asked series
 * (one panel each, at most 8), with the outer quantiles dashed. */
static rs_status plot(const rs_eval_spec *spec, const rows *r, rs_error *err)
{
    rs_strlist names = {0};
    if (rs_strlist_push_split(&names, spec->plot_series ? spec->plot_series : "") < 0)
        return rs_error_nomem(err);
    size_t np = names.n > 8 ? 8 : names.n;
    for (size_t p = 0; p < np; p++)
        if (rs_idmap_find(r->series_names, names.items[p], strlen(names.items[p])) < 0) {
            rs_status st = rs_error_set(err, RS_EUSAGE, NULL, 0, "--plot-series: no series '%s' in the forecasts",
                                        names.items[p]);
            rs_strlist_free(&names);
            return st;
        }
    rs_out *out = rs_out_open(spec->plot, err);
    double *x = malloc((r->n + 1) * sizeof *x), *ya = malloc((r->n + 1) * sizeof *ya),
           *yf = malloc((r->n + 1) * sizeof *yf), *lo = malloc((r->n + 1) * sizeof *lo),
           *hi = malloc((r->n + 1) * sizeof *hi);
    rs_status st = out ? RS_OK : err->code;
    if (!st && (!x || !ya || !yf || !lo || !hi))
        st = rs_error_nomem(err);
    if (!st) {
        rs_svg_begin(out, 900, 60 + 300 * (int)np, "rs-eval forecast");
        for (size_t p = 0; p < np; p++) {
            int32_t sid = rs_idmap_find(r->series_names, names.items[p], strlen(names.items[p]));
            size_t m = 0;
            double ymax = 0;
            for (size_t i = 0; i < r->n; i++) {
                if (r->series[i] != sid)
                    continue;
                x[m] = (double)m + 1;
                ya[m] = r->y[i];
                yf[m] = r->f[i];
                lo[m] = r->nq ? r->q[i * r->nq] : r->f[i];
                hi[m] = r->nq ? r->q[i * r->nq + r->nq - 1] : r->f[i];
                double top = fmax(fmax(ya[m], yf[m]), hi[m]);
                ymax = top > ymax ? top : ymax;
                m++;
            }
            rs_svg_panel panel = {70, 40 + 300 * (double)p, 780, 220, 1, m > 1 ? (double)m : 2, 0, ymax > 0 ? ymax : 1};
            char title[300];
            snprintf(title, sizeof title, "series %s: actual (first colour) and forecast", names.items[p]);
            rs_svg_axes(out, &panel, title, "row of the series", "units");
            rs_svg_line(out, &panel, x, ya, m, rs_svg_color(0), 0);
            rs_svg_dots(out, &panel, x, ya, m, rs_svg_color(0));
            rs_svg_line(out, &panel, x, yf, m, rs_svg_color(1), 0);
            if (r->nq) {
                rs_svg_line(out, &panel, x, lo, m, rs_svg_color(1), 1);
                rs_svg_line(out, &panel, x, hi, m, rs_svg_color(1), 1);
            }
        }
        static const char *const legend[] = {"actual", "forecast (dashed: outer quantiles)"};
        rs_svg_legend(out, 90, 30 + 300 * (double)np, legend, 2);
        rs_svg_end(out);
        st = rs_out_commit(out, err);
        out = NULL;
    }
    rs_out_abort(out);
    free(x), free(ya), free(yf), free(lo), free(hi);
    rs_strlist_free(&names);
    return st;
}

rs_status rs_eval_forecast(const rs_eval_spec *spec, rs_error *err)
{
    lookup actuals = {0};
    history hist = {0};
    rows r = {0};
    rs_eval_report report = {0};
    acc *per = NULL;
    rs_status st = RS_OK;
    if (!(actuals.keys = rs_idmap_new()) || !(hist.names = rs_idmap_new()) || !(r.series_names = rs_idmap_new()) ||
        !(r.groups = rs_idmap_new()))
        st = rs_error_nomem(err);
    if (!st && spec->actuals_path)
        st = read_actuals(spec, &actuals, err);
    if (!st && spec->train_path)
        st = read_history(spec, &hist, err);
    if (!st)
        st = read_forecasts(spec, &actuals, &r, err);
    size_t n_series = st ? 0 : (size_t)rs_idmap_size(r.series_names);
    if (!st && !(per = calloc(n_series + 1, sizeof *per)))
        st = rs_error_nomem(err);
    const history *h = spec->train_path ? &hist : NULL;
    if (!st) {
        int32_t *order = rs_idmap_sorted_new(r.groups);
        int bad = !order || rs_eval_report_group(&report, "all", 3) < 0 || report_group(&report, &r, -1, h, per, n_series);
        for (int32_t k = 0; spec->by && order && k < rs_idmap_size(r.groups) && !bad; k++) {
            size_t len;
            const char *name = rs_idmap_key(r.groups, order[k], &len);
            bad = rs_eval_report_group(&report, name, len) < 0 || report_group(&report, &r, order[k], h, per, n_series);
        }
        free(order);
        st = bad ? rs_error_nomem(err) : rs_eval_write_report(spec, &report, err);
    }
    if (!st && spec->per_series_path)
        st = write_per_series(spec, &r, h, per, err);
    if (!st && spec->plot)
        st = plot(spec, &r, err);
    rs_eval_report_free(&report);
    rs_idmap_free(actuals.keys);
    free(actuals.value);
    rs_idmap_free(hist.names);
    free(hist.e);
    free(r.series), free(r.group), free(r.f), free(r.y), free(r.q), free(r.levels);
    for (size_t j = 0; j < r.nq; j++)
        free(r.qnames[j]);
    free(r.qnames);
    rs_idmap_free(r.series_names);
    rs_idmap_free(r.groups);
    free(per);
    return st;
}
