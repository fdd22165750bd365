/* eval.c — rs-eval class and reg: read the columns, group rows by --by,
 * compute per group, write the report and the plot. */
#include "eval/eval.h"

#include "idmap.h"
#include "mem.h"
#include "eval/metrics.h"
#include "num.h"
#include "io/svg.h"
#include "io/value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_PLOT_SERIES = 8, MAX_CURVE_POINTS = 400, CALIBRATION_BINS = 10 };

/* The rows of an evaluation: two numbers and a group each. */
typedef struct {
    double *a, *b;          /* truth, score/prediction */
    int32_t *group;
    size_t n, cap;
    rs_idmap *groups;
    int32_t *order;         /* (n_groups) group indices sorted by name */
} eval_rows;

static void rows_free(eval_rows *r)
{
    free(r->a), free(r->b), free(r->group), free(r->order);
    rs_idmap_free(r->groups);
}

static int parse_label(const rs_field *f, double *v)
{
    rs_value_options none = {0};
    rs_field canon;
    char buf[RS_VALUE_BUF];
    return f->len ? rs_value_normalize(RS_TYPE_BOOL, &none, f->ptr, f->len, &canon, buf, v) : -1;
}

/* Room for twice as many rows in all three arrays. */
static int grow_rows(eval_rows *rows)
{
    size_t cap = rows->cap ? rows->cap * 2 : 4096;
    if (rs_resize((void **)&rows->a, cap, sizeof *rows->a) || rs_resize((void **)&rows->b, cap, sizeof *rows->b) ||
        rs_resize((void **)&rows->group, cap, sizeof *rows->group))
        return -1;
    rows->cap = cap;
    return 0;
}

rs_status rs_eval_segment(rs_idmap *groups, const rs_eval_spec *spec, const rs_record *rec, size_t by_col,
                          int32_t *group, rs_error *err)
{
    const rs_field *f = spec->by ? &rec->fields[by_col] : &(rs_field){"", 0};
    if ((*group = rs_idmap_intern(groups, f->ptr, f->len, NULL)) < 0)
        return rs_error_nomem(err);
    return RS_OK;
}

/* Read truth (a label when labels) and the second column as numbers. */
static rs_status read_rows(const rs_eval_spec *spec, const char *second, const char *second_opt, int labels,
                           eval_rows *rows, rs_error *err)
{
    rs_table *t = rs_table_open(spec->input, &spec->table, err);
    if (!t)
        return err->code;
    size_t ca, cb, cg = 0;
    rs_status st;
    if ((st = rs_table_find_col(t, spec->truth_col, "--truth", &ca, err)) ||
        (st = rs_table_find_col(t, second, second_opt, &cb, err)) ||
        (spec->by && (st = rs_table_find_col(t, spec->by, "--by", &cg, err))) || !(rows->groups = rs_idmap_new())) {
        rs_table_free(t);
        return st ? st : rs_error_nomem(err);
    }
    rs_record rec;
    int got;
    while ((got = rs_table_next(t, &rec, err)) > 0) {
        if ((st = rs_table_check_width(t, &rec, err)))
            break;
        if (rows->n == rows->cap && grow_rows(rows) < 0) {
            st = rs_error_nomem(err);
            break;
        }
        double *a = &rows->a[rows->n], *b = &rows->b[rows->n];
        const rs_field *fa = &rec.fields[ca], *fb = &rec.fields[cb];
        if (labels ? parse_label(fa, a) < 0 : rs_parse_f64(fa->ptr, fa->len, a) < 0) {
            st = rs_table_bad_field(t, &rec, ca, labels ? "a 0/1 label" : "a number", err);
            break;
        }
        if (rs_parse_f64(fb->ptr, fb->len, b) < 0) {
            st = rs_table_bad_field(t, &rec, cb, "a number", err);
            break;
        }
        if ((st = rs_eval_segment(rows->groups, spec, &rec, cg, &rows->group[rows->n], err)))
            break;
        rows->n++;
    }
    if (got < 0)
        st = err->code;
    if (st == RS_OK && rows->n == 0)
        st = rs_error_set(err, RS_EDATA, rs_table_name(t), 0, "no rows to evaluate");
    rs_table_free(t);
    if (st)
        return st;
    if (!(rows->order = rs_idmap_sorted_new(rows->groups)))
        return rs_error_nomem(err);
    return RS_OK;
}

/* The rows of group g (or all when g < 0) copied into a and b; returns n. */
static size_t select_group(const eval_rows *rows, int32_t g, double *a, double *b)
{
    size_t n = 0;
    for (size_t i = 0; i < rows->n; i++)
        if (g < 0 || rows->group[i] == g)
            a[n] = rows->a[i], b[n++] = rows->b[i];
    return n;
}

static size_t n_series(const eval_rows *rows, const rs_eval_spec *spec)
{
    return 1 + (spec->by ? (size_t)rs_idmap_size(rows->groups) : 0);
}

/* Series 0 is all rows, series k the k-th group by name. */
static int32_t series_group(const eval_rows *rows, size_t k)
{
    return k == 0 ? -1 : rows->order[k - 1];
}

static const char *series_name(const eval_rows *rows, size_t k, size_t *len)
{
    if (k == 0) {
        *len = 3;
        return "all";
    }
    return rs_idmap_key(rows->groups, rows->order[k - 1], len);
}

rs_status rs_eval_write_report(const rs_eval_spec *spec, const rs_eval_report *report, rs_error *err)
{
    rs_out *out = rs_out_open(spec->output, err);
    if (!out)
        return err->code;
    if (rs_eval_report_write(report, spec->format, out, err)) {
        rs_out_abort(out);
        return err->code;
    }
    return rs_out_commit(out, err);
}

/* ---- class ---- */

static int set_class(rs_eval_report *r, const rs_class_metrics *m)
{
    return rs_eval_report_set(r, "n", (double)m->n, 1) | rs_eval_report_set(r, "positives", (double)m->positives, 1) |
           rs_eval_report_set(r, "base_rate", m->base_rate, 0) | rs_eval_report_set(r, "roc_auc", m->roc_auc, 0) |
           rs_eval_report_set(r, "pr_auc", m->pr_auc, 0) | rs_eval_report_set(r, "log_loss", m->log_loss, 0) |
           rs_eval_report_set(r, "brier", m->brier, 0) | rs_eval_report_set(r, "accuracy", m->accuracy, 0) |
           rs_eval_report_set(r, "precision", m->precision, 0) | rs_eval_report_set(r, "recall", m->recall, 0) |
           rs_eval_report_set(r, "f1", m->f1, 0) | rs_eval_report_set(r, "tp", (double)m->tp, 1) |
           rs_eval_report_set(r, "fp", (double)m->fp, 1) | rs_eval_report_set(r, "tn", (double)m->tn, 1) |
           rs_eval_report_set(r, "fn", (double)m->fn, 1) | rs_eval_report_set(r, "best_f1", m->best_f1, 0) |
           rs_eval_report_set(r, "best_f1_threshold", m->best_f1_threshold, 0);
}

typedef struct {
    rs_curve curve;
    double *cal_x, *cal_y;   /* (CALIBRATION_BINS) mean score, positive rate; NaN when empty */
    int probabilities;        /* every score in [0, 1] */
    long n;
} class_series;

static void calibration(const double *y, const double *s, size_t n, class_series *cs)
{
    double sum_s[CALIBRATION_BINS] = {0}, sum_y[CALIBRATION_BINS] = {0}, count[CALIBRATION_BINS] = {0};
    for (size_t i = 0; i < n; i++) {
        if (!(s[i] >= 0 && s[i] <= 1)) {
            for (int b = 0; b < CALIBRATION_BINS; b++)
                cs->cal_x[b] = cs->cal_y[b] = NAN;
            cs->probabilities = 0;
            return;
        }
        int b = s[i] >= 1 ? CALIBRATION_BINS - 1 : (int)(s[i] * CALIBRATION_BINS);
        sum_s[b] += s[i], sum_y[b] += y[i], count[b]++;
    }
    cs->probabilities = 1;
    for (int b = 0; b < CALIBRATION_BINS; b++) {
        cs->cal_x[b] = count[b] ? sum_s[b] / count[b] : NAN;
        cs->cal_y[b] = count[b] ? sum_y[b] / count[b] : NAN;
    }
}

/* Curve point indices to draw: at most MAX_CURVE_POINTS, evenly spaced,
 * always ending at the last point. */
static size_t curve_step(const rs_curve *c)
{
    return c->n_points / MAX_CURVE_POINTS + 1;
}

static size_t next_index(const rs_curve *c, size_t i, size_t step)
{
    return i + 1 == c->n_points ? c->n_points : i + step < c->n_points ? i + step : c->n_points - 1;
}

static rs_status plot_class(const rs_eval_spec *spec, const eval_rows *rows, class_series *series, size_t ns,
                            rs_error *err)
{
    rs_out *out = rs_out_open(spec->plot, err);
    if (!out)
        return err->code;
    double *x = malloc((MAX_CURVE_POINTS + 8) * sizeof *x), *y = malloc((MAX_CURVE_POINTS + 8) * sizeof *y);
    if (!x || !y) {
        free(x), free(y), rs_out_abort(out);
        return rs_error_nomem(err);
    }
    rs_svg_begin(out, 900, 800 + 16 * (int)ns, "rs-eval class");
    rs_svg_panel roc = {70, 40, 330, 300, 0, 1, 0, 1}, pr = {520, 40, 330, 300, 0, 1, 0, 1};
    rs_svg_panel cal = {70, 440, 330, 300, 0, 1, 0, 1}, gain = {520, 440, 330, 300, 0, 1, 0, 1};
    rs_svg_axes(out, &roc, "ROC curve", "false positive rate", "true positive rate");
    rs_svg_axes(out, &pr, "Precision-recall curve", "recall", "precision");
    rs_svg_axes(out, &cal, "Calibration (10 bins)", "mean predicted probability", "fraction positive");
    rs_svg_axes(out, &gain, "Cumulative gain", "fraction of population (by score)", "fraction of positives");
    double diag[2] = {0, 1};
    rs_svg_line(out, &roc, diag, diag, 2, "#999", 1);
    rs_svg_line(out, &cal, diag, diag, 2, "#999", 1);
    rs_svg_line(out, &gain, diag, diag, 2, "#999", 1);
    const char *names[MAX_PLOT_SERIES];
    char name_buf[MAX_PLOT_SERIES][64];
    for (size_t k = 0; k < ns; k++) {
        const rs_curve *c = &series[k].curve;
        const char *color = rs_svg_color(k);
        size_t step = curve_step(c), m;
        double P = (double)c->positives, N = (double)c->negatives, total = P + N;
        /* ROC from (0,0); PR and gain along the same points */
        x[0] = y[0] = 0, m = 1;
        for (size_t i = 0; i < c->n_points; i = next_index(c, i, step))
            x[m] = N ? c->points[i].fp / N : NAN, y[m++] = P ? c->points[i].tp / P : NAN;
        rs_svg_line(out, &roc, x, y, m, color, 0);
        m = 0;
        for (size_t i = 0; i < c->n_points; i = next_index(c, i, step)) {
            const rs_curve_point *pt = &c->points[i];
            x[m] = P ? pt->tp / P : NAN, y[m++] = (double)pt->tp / (double)(pt->tp + pt->fp);
        }
        rs_svg_line(out, &pr, x, y, m, color, 0);
        x[0] = y[0] = 0, m = 1;
        for (size_t i = 0; i < c->n_points; i = next_index(c, i, step))
            x[m] = (c->points[i].tp + c->points[i].fp) / total, y[m++] = P ? c->points[i].tp / P : NAN;
        rs_svg_line(out, &gain, x, y, m, color, 0);
        rs_svg_line(out, &cal, series[k].cal_x, series[k].cal_y, CALIBRATION_BINS, color, 0);
        rs_svg_dots(out, &cal, series[k].cal_x, series[k].cal_y, CALIBRATION_BINS, color);
        size_t len;
        const char *nm = series_name(rows, k, &len);
        snprintf(name_buf[k], sizeof name_buf[k], "%.*s (n=%ld)", (int)(len > 40 ? 40 : len), nm, series[k].n);
        names[k] = name_buf[k];
    }
    if (ns && !series[0].probabilities)
        rs_svg_note(out, &cal, "scores outside [0, 1]: not probabilities");
    rs_svg_legend(out, 90, 795, names, ns);
    rs_svg_end(out);
    free(x), free(y);
    return rs_out_commit(out, err);
}

rs_status rs_eval_class(const rs_eval_spec *spec, rs_error *err)
{
    eval_rows rows = {0};
    rs_eval_report report = {0};
    class_series series[MAX_PLOT_SERIES];
    size_t plotted = 0;
    double *y = NULL, *s = NULL;
    unsigned char *labels = NULL;
    rs_status st = read_rows(spec, spec->score_col, "--score", 1, &rows, err);
    if (st)
        goto done;
    labels = malloc(rows.n);
    if (spec->by)
        y = malloc(rows.n * sizeof *y), s = malloc(rows.n * sizeof *s);
    if (!labels || (spec->by && (!y || !s))) {
        st = rs_error_nomem(err);
        goto done;
    }
    size_t ns = n_series(&rows, spec);
    for (size_t k = 0; k < ns; k++) {
        /* all rows are used in place; a segment's are gathered first */
        const double *yk = rows.a, *sk = rows.b;
        size_t n = rows.n;
        if (series_group(&rows, k) >= 0) {
            n = select_group(&rows, series_group(&rows, k), y, s);
            yk = y, sk = s;
        }
        for (size_t i = 0; i < n; i++)
            labels[i] = yk[i] != 0;
        rs_class_metrics m;
        int plot_it = spec->plot && k < MAX_PLOT_SERIES;
        class_series *cs = &series[plotted];
        if ((st = rs_class_metrics_compute(labels, sk, n, spec->threshold, &m, plot_it ? &cs->curve : NULL, err)))
            goto done;
        if (plot_it) {
            cs->cal_x = malloc(CALIBRATION_BINS * sizeof(double));
            cs->cal_y = malloc(CALIBRATION_BINS * sizeof(double));
            plotted++;
            if (!cs->cal_x || !cs->cal_y) {
                st = rs_error_nomem(err);
                goto done;
            }
            calibration(yk, sk, n, cs);
            cs->n = (long)n;
        }
        size_t len;
        const char *name = series_name(&rows, k, &len);
        if (rs_eval_report_group(&report, name, len) || set_class(&report, &m)) {
            st = rs_error_nomem(err);
            goto done;
        }
    }
    if ((st = rs_eval_write_report(spec, &report, err)))
        goto done;
    if (spec->plot)
        st = plot_class(spec, &rows, series, plotted, err);
done:
    for (size_t k = 0; k < plotted; k++) {
        rs_curve_free(&series[k].curve);
        free(series[k].cal_x), free(series[k].cal_y);
    }
    free(y), free(s), free(labels);
    rows_free(&rows);
    rs_eval_report_free(&report);
    return st;
}

/* ---- reg ---- */

enum { SCATTER_BINS = 20 };

static int cmp_pair(const void *x, const void *y)
{
    const double *a = x, *b = y;
    return (a[0] > b[0]) - (a[0] < b[0]);
}

static rs_status plot_reg(const rs_eval_spec *spec, const eval_rows *rows, rs_error *err)
{
    size_t ns = n_series(rows, spec) < MAX_PLOT_SERIES ? n_series(rows, spec) : MAX_PLOT_SERIES;
    double *pairs = malloc(rows->n * 2 * sizeof *pairs);
    double lo = INFINITY, hi = -INFINITY;
    if (!pairs)
        return rs_error_nomem(err);
    for (size_t i = 0; i < rows->n; i++) {
        lo = fmin(lo, fmin(rows->a[i], rows->b[i]));
        hi = fmax(hi, fmax(rows->a[i], rows->b[i]));
    }
    if (!(hi > lo))
        hi = lo + 1;
    rs_out *out = rs_out_open(spec->plot, err);
    if (!out) {
        free(pairs);
        return err->code;
    }
    rs_svg_begin(out, 560, 520, "rs-eval reg");
    rs_svg_panel p = {80, 40, 420, 380, lo, hi, lo, hi};
    rs_svg_axes(out, &p, "Predicted vs truth (means of 20 equal-count bins of truth)", "truth", "prediction");
    double diag[2] = {lo, hi};
    rs_svg_line(out, &p, diag, diag, 2, "#999", 1);
    const char *names[MAX_PLOT_SERIES];
    char name_buf[MAX_PLOT_SERIES][64];
    for (size_t k = 0; k < ns; k++) {
        int32_t g = series_group(rows, k);
        size_t n = 0;
        for (size_t i = 0; i < rows->n; i++)
            if (g < 0 || rows->group[i] == g)
                pairs[2 * n] = rows->a[i], pairs[2 * n + 1] = rows->b[i], n++;
        qsort(pairs, n, 2 * sizeof *pairs, cmp_pair);
        double x[SCATTER_BINS], y[SCATTER_BINS];
        size_t m = 0;
        for (size_t b = 0; b < SCATTER_BINS && n; b++) {
            size_t from = n * b / SCATTER_BINS, to = n * (b + 1) / SCATTER_BINS;
            if (to <= from)
                continue;
            double sx = 0, sy = 0;
            for (size_t i = from; i < to; i++)
                sx += pairs[2 * i], sy += pairs[2 * i + 1];
            x[m] = sx / (double)(to - from), y[m++] = sy / (double)(to - from);
        }
        rs_svg_line(out, &p, x, y, m, rs_svg_color(k), 0);
        rs_svg_dots(out, &p, x, y, m, rs_svg_color(k));
        size_t len;
        const char *nm = series_name(rows, k, &len);
        snprintf(name_buf[k], sizeof name_buf[k], "%.*s (n=%zu)", (int)(len > 40 ? 40 : len), nm, n);
        names[k] = name_buf[k];
    }
    rs_svg_legend(out, 100, 470, names, ns);
    rs_svg_end(out);
    free(pairs);
    return rs_out_commit(out, err);
}

rs_status rs_eval_reg(const rs_eval_spec *spec, rs_error *err)
{
    eval_rows rows = {0};
    rs_eval_report report = {0};
    double *t = NULL, *p = NULL;
    rs_status st = read_rows(spec, spec->pred_col, spec->score_col ? "--score" : "--pred", 0, &rows, err);
    if (st)
        goto done;
    t = malloc(rows.n * sizeof *t), p = malloc(rows.n * sizeof *p);
    if (!t || !p) {
        st = rs_error_nomem(err);
        goto done;
    }
    for (size_t k = 0; k < n_series(&rows, spec); k++) {
        size_t n = select_group(&rows, series_group(&rows, k), t, p), len;
        rs_reg_metrics m;
        rs_reg_metrics_compute(t, p, n, &m);
        const char *name = series_name(&rows, k, &len);
        if (rs_eval_report_group(&report, name, len) || rs_eval_report_set(&report, "n", (double)m.n, 1) ||
            rs_eval_report_set(&report, "mse", m.mse, 0) || rs_eval_report_set(&report, "rmse", m.rmse, 0) ||
            rs_eval_report_set(&report, "mae", m.mae, 0) || rs_eval_report_set(&report, "r2", m.r2, 0) ||
            rs_eval_report_set(&report, "mape", m.mape, 0) ||
            rs_eval_report_set(&report, "mape_skipped", (double)m.mape_skipped, 1) ||
            rs_eval_report_set(&report, "mean_truth", m.mean_truth, 0) ||
            rs_eval_report_set(&report, "mean_pred", m.mean_pred, 0)) {
            st = rs_error_nomem(err);
            goto done;
        }
    }
    if ((st = rs_eval_write_report(spec, &report, err)) == RS_OK && spec->plot)
        st = plot_reg(spec, &rows, err);
done:
    free(t), free(p);
    rows_free(&rows);
    rs_eval_report_free(&report);
    return st;
}
