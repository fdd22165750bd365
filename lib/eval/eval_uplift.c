/* eval_uplift.c — rs-eval uplift: how well a score ranks customers by the
 * effect of a treatment, from a randomised (or propensity-balanced) test:
 * the Qini coefficient, the area under the uplift curve and the uplift at
 * the top k %, with the Qini curve as SVG (the formulas: uplift.h). */
#include "eval/eval.h"

#include "eval/uplift.h"
#include "io/svg.h"
#include "mem.h"
#include "num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_PLOT_POINTS = 1000 };

typedef struct {
    double *score, *y;
    unsigned char *t;
    size_t n, cap;
} uplift_rows;

static void rows_free(uplift_rows *r)
{
    free(r->score), free(r->y), free(r->t);
}

static rs_status push(uplift_rows *r, double score, int treated, double y, rs_error *err)
{
    size_t cap = r->cap, cap2 = r->cap;
    if (rs_grow((void **)&r->score, &cap, r->n + 1, sizeof *r->score) < 0 ||
        rs_grow((void **)&r->y, &cap2, r->n + 1, sizeof *r->y) < 0 ||
        rs_grow((void **)&r->t, &r->cap, r->n + 1, sizeof *r->t) < 0)
        return rs_error_nomem(err);
    r->score[r->n] = score, r->y[r->n] = y, r->t[r->n] = (unsigned char)treated;
    r->n++;
    return RS_OK;
}

/* One record's treatment (0/1), outcome and score. */
static rs_status parse_row(const rs_table *t, const rs_record *rec, const size_t cols[3], uplift_rows *r,
                           rs_error *err)
{
    const rs_field *ft = &rec->fields[cols[0]], *fy = &rec->fields[cols[1]], *fs = &rec->fields[cols[2]];
    double treated, y, score;
    if (rs_parse_f64(ft->ptr, ft->len, &treated) < 0 || (treated != 0 && treated != 1))
        return rs_table_bad_field(t, rec, cols[0], "a treatment of 0 or 1", err);
    if (rs_parse_f64(fy->ptr, fy->len, &y) < 0 || !isfinite(y))
        return rs_table_bad_field(t, rec, cols[1], "an outcome that is a number", err);
    if (rs_parse_f64(fs->ptr, fs->len, &score) < 0 || isnan(score))
        return rs_table_bad_field(t, rec, cols[2], "a score that is a number", err);
    return push(r, score, treated == 1, y, err);
}

static rs_status read_rows(const rs_eval_spec *spec, uplift_rows *r, char *name, size_t name_size, rs_error *err)
{
    rs_table *t = rs_table_open(spec->input, &spec->table, err);
    if (!t)
        return err->code;
    snprintf(name, name_size, "%s", rs_table_name(t));
    size_t cols[3];
    rs_status st;
    if ((st = rs_table_find_col(t, spec->treatment_col ? spec->treatment_col : "treatment", "--treatment-col",
                                &cols[0], err)) ||
        (st = rs_table_find_col(t, spec->outcome_col ? spec->outcome_col : "outcome", "--outcome", &cols[1], err)) ||
        (st = rs_table_find_col(t, spec->score_col ? spec->score_col : "score", "--score", &cols[2], err))) {
        rs_table_free(t);
        return st;
    }
    rs_record rec;
    int got;
    while ((got = rs_table_next(t, &rec, err)) > 0)
        if ((st = rs_table_check_width(t, &rec, err)) || (st = parse_row(t, &rec, cols, r, err)))
            break;
    if (st == RS_OK && got < 0)
        st = err->code;
    rs_table_free(t);
    return st;
}

/* At most MAX_PLOT_POINTS points of the curve (every step's end when
 * fewer), as fractions of the rows. */
static size_t thin(const rs_uplift_curve *c, double n, double *x, double *v)
{
    size_t stride = c->n_points / MAX_PLOT_POINTS + 1, m = 0;
    for (size_t i = 0; i < c->n_points; i += stride, m++)
        x[m] = c->k[i] / n, v[m] = c->qini[i];
    if ((c->n_points - 1) % stride)   /* always the last point */
        x[m] = 1, v[m] = c->qini[c->n_points - 1], m++;
    return m;
}

static rs_status plot(const rs_eval_spec *spec, const uplift_rows *r, rs_error *err)
{
    rs_uplift_curve model = {0}, perfect = {0};
    double *x = malloc(4 * (MAX_PLOT_POINTS + 2) * sizeof *x);
    if (!x)
        return rs_error_nomem(err);
    double *v = x + MAX_PLOT_POINTS + 2, *px = v + MAX_PLOT_POINTS + 2, *pv = px + MAX_PLOT_POINTS + 2;
    if (rs_uplift_curve_new(r->score, r->t, r->y, r->n, &model, err) ||
        rs_uplift_curve_new(NULL, r->t, r->y, r->n, &perfect, err)) {
        rs_uplift_curve_free(&model);
        free(x);
        return err->code;
    }
    size_t m = thin(&model, (double)r->n, x, v), mp = thin(&perfect, (double)r->n, px, pv);
    double lo = 0, hi = 0;
    for (size_t i = 0; i < m; i++)
        lo = fmin(lo, v[i]), hi = fmax(hi, v[i]);
    for (size_t i = 0; i < mp; i++)
        lo = fmin(lo, pv[i]), hi = fmax(hi, pv[i]);
    rs_status st = RS_OK;
    rs_out *out = rs_out_open(spec->plot, err);
    if (!out)
        st = err->code;
    else {
        rs_svg_begin(out, 720, 480, "rs-eval uplift");
        rs_svg_panel panel = {70, 40, 600, 360, 0, 1, lo, hi > lo ? hi : lo + 1};
        rs_svg_axes(out, &panel, "Qini curve", "fraction targeted (by score, highest first)",
                    "incremental outcomes");
        double rx[2] = {0, 1}, ry[2] = {0, model.qini[model.n_points - 1]};
        rs_svg_line(out, &panel, px, pv, mp, rs_svg_color(1), 1);
        rs_svg_line(out, &panel, rx, ry, 2, rs_svg_color(2), 1);
        rs_svg_line(out, &panel, x, v, m, rs_svg_color(0), 0);
        static const char *const legend[] = {"model", "perfect (dashed)", "random (dashed)"};
        rs_svg_legend(out, 90, 440, legend, 3);
        rs_svg_end(out);
        st = rs_out_commit(out, err);
    }
    rs_uplift_curve_free(&model);
    rs_uplift_curve_free(&perfect);
    free(x);
    return st;
}

/* --curve: rows,qini,uplift at the end of every step, from (0, 0). */
static rs_status write_curve(const rs_eval_spec *spec, const uplift_rows *r, rs_error *err)
{
    rs_uplift_curve c = {0};
    if (rs_uplift_curve_new(r->score, r->t, r->y, r->n, &c, err))
        return err->code;
    rs_out *out = rs_out_open(spec->curve_path, err);
    if (!out) {
        rs_uplift_curve_free(&c);
        return err->code;
    }
    rs_out_printf(out, "rows,qini,uplift\n");
    for (size_t i = 0; i < c.n_points; i++) {
        char q[RS_NUM_BUF], u[RS_NUM_BUF];
        rs_format_f64(c.qini[i], q);
        rs_format_f64(c.uplift[i], u);
        rs_out_printf(out, "%.0f,%s,%s\n", c.k[i], q, u);
    }
    rs_uplift_curve_free(&c);
    return rs_out_commit(out, err);
}

static rs_status report_rows(const rs_eval_spec *spec, const uplift_rows *r, rs_eval_report *rep, rs_error *err)
{
    rs_uplift_summary s;
    size_t *order = rs_uplift_order_new(r->score, r->n);
    if (!order)
        return rs_error_nomem(err);
    if (rs_uplift_summarize(r->score, r->t, r->y, r->n, &s, err)) {
        free(order);
        return err->code;
    }
    double n = (double)r->n;
    int bad = rs_eval_report_group(rep, "all", 3) | rs_eval_report_set(rep, "n", n, 1) |
              rs_eval_report_set(rep, "n_treated", s.n_treated, 1) |
              rs_eval_report_set(rep, "n_control", s.n_control, 1) | rs_eval_report_set(rep, "qini", s.qini, 0) |
              rs_eval_report_set(rep, "qini_area", s.qini_area / n, 0) |
              rs_eval_report_set(rep, "qini_area_perfect", s.perfect_area / n, 0) |
              rs_eval_report_set(rep, "auuc", s.auuc, 0);
    for (size_t i = 0; i < spec->n_ks; i++) {
        char name[48];
        snprintf(name, sizeof name, "uplift_at_%ld", spec->ks[i]);
        bad |= rs_eval_report_set(rep, name, rs_uplift_at(r->t, r->y, r->n, (double)spec->ks[i], order), 0);
    }
    free(order);
    return bad ? rs_error_nomem(err) : RS_OK;
}

rs_status rs_eval_uplift(const rs_eval_spec *spec, rs_error *err)
{
    uplift_rows r = {0};
    rs_eval_report report = {0};
    char name[4096];
    rs_status st = read_rows(spec, &r, name, sizeof name, err);
    size_t treated = 0;
    for (size_t i = 0; i < r.n; i++)
        treated += r.t[i];
    if (st == RS_OK && (treated == 0 || treated == r.n))
        st = rs_error_set(err, RS_EDATA, name, 0,
                          "uplift needs treated (1) and control (0) rows: found %zu treated and %zu control",
                          treated, r.n - treated);
    if (st == RS_OK)
        st = report_rows(spec, &r, &report, err);
    if (st == RS_OK)
        st = rs_eval_write_report(spec, &report, err);
    if (st == RS_OK && spec->plot)
        st = plot(spec, &r, err);
    if (st == RS_OK && spec->curve_path)
        st = write_curve(spec, &r, err);
    rs_eval_report_free(&report);
    rows_free(&r);
    return st;
}
