/* eval_ab.c — rs-eval ab: conversion and value per arm against a control.
 *
 * rate = conversions / n.  For each arm against the control:
 *   rate_diff = rate_arm - rate_control, with the 95 % interval
 *   diff +- 1.959964 sqrt(p1 (1 - p1) / n1 + p2 (1 - p2) / n2)  (Wald);
 *   z = diff / sqrt(p (1 - p) (1/n1 + 1/n2)), p the pooled rate, and the
 *   two-sided p_value = erfc(|z| / sqrt 2);
 *   value_diff = mean value (per row) of the arm - of the control, with a
 *   percentile bootstrap interval (--bootstrap resamples of both arms,
 *   --seed). */
#include "eval/eval.h"

#include "idmap.h"
#include "mem.h"
#include "num.h"
#include "rng.h"
#include "io/value.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double *value;      /* (n) per row, 0 without a value column */
    size_t n, cap;
    double conversions, value_sum;
} arm;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double resampled_mean(const arm *a, rs_rng *rng)
{
    double sum = 0;
    for (size_t i = 0; i < a->n; i++)
        sum += a->value[rs_rng_below(rng, a->n)];
    return sum / (double)a->n;
}

static rs_status bootstrap(const arm *control, const arm *treat, long resamples, uint64_t seed,
                           double *lo, double *hi, rs_error *err)
{
    double *diffs = malloc((size_t)resamples * sizeof *diffs);
    if (!diffs)
        return rs_error_nomem(err);
    rs_rng rng;
    rs_rng_seed(&rng, seed);
    for (long b = 0; b < resamples; b++)
        diffs[b] = resampled_mean(treat, &rng) - resampled_mean(control, &rng);
    qsort(diffs, (size_t)resamples, sizeof *diffs, cmp_double);
    *lo = diffs[(size_t)floor(0.025 * (double)(resamples - 1))];
    *hi = diffs[(size_t)ceil(0.975 * (double)(resamples - 1))];
    free(diffs);
    return RS_OK;
}

static rs_status read_arms(const rs_eval_spec *spec, rs_idmap *names, arm **arms, size_t *cap, rs_error *err)
{
    rs_table *t = rs_table_open(spec->input, &spec->table, err);
    if (!t)
        return err->code;
    size_t cg, co, cv = 0;
    rs_status st;
    if ((st = rs_table_find_col(t, spec->group_col, "--group", &cg, err)) ||
        (st = rs_table_find_col(t, spec->outcome_col, "--outcome", &co, err)) ||
        (spec->ab_value_col && (st = rs_table_find_col(t, spec->ab_value_col, "--value-col", &cv, err)))) {
        rs_table_free(t);
        return st;
    }
    rs_record rec;
    int got;
    rs_value_options none = {0};
    while ((got = rs_table_next(t, &rec, err)) > 0) {
        if ((st = rs_table_check_width(t, &rec, err)))
            break;
        const rs_field *g = &rec.fields[cg], *o = &rec.fields[co];
        int32_t idx = rs_idmap_intern(names, g->ptr, g->len, NULL);
        size_t old = *cap;
        if (idx < 0 || rs_grow((void **)arms, cap, (size_t)idx + 1, sizeof **arms) < 0) {
            st = rs_error_nomem(err);
            break;
        }
        memset(*arms + old, 0, (*cap - old) * sizeof **arms);
        arm *a = &(*arms)[idx];
        double converted, value = 0;
        rs_field canon;
        char buf[RS_VALUE_BUF];
        if (!o->len || rs_value_normalize(RS_TYPE_BOOL, &none, o->ptr, o->len, &canon, buf, &converted) < 0) {
            st = rs_table_bad_field(t, &rec, co, "a 0/1 outcome", err);
            break;
        }
        if (spec->ab_value_col) {
            const rs_field *v = &rec.fields[cv];
            if (v->len && rs_parse_f64(v->ptr, v->len, &value) < 0) {
                st = rs_table_bad_field(t, &rec, cv, "a number", err);
                break;
            }
        }
        if (rs_grow((void **)&a->value, &a->cap, a->n + 1, sizeof *a->value) < 0) {
            st = rs_error_nomem(err);
            break;
        }
        a->value[a->n++] = value;
        a->conversions += converted;
        a->value_sum += value;
    }
    if (st == RS_OK && got < 0)
        st = err->code;
    if (st == RS_OK && rs_idmap_size(names) < 2)
        st = rs_error_set(err, RS_EDATA, rs_table_name(t), 0, "an A/B test needs two groups or more in %s (found %d)",
                          spec->group_col, rs_idmap_size(names));
    rs_table_free(t);
    return st;
}

rs_status rs_eval_ab(const rs_eval_spec *spec, rs_error *err)
{
    rs_idmap *names = rs_idmap_new();
    arm *arms = NULL;
    size_t cap = 0;
    int32_t *order = NULL;
    rs_eval_report report = {0};
    rs_status st = names ? read_arms(spec, names, &arms, &cap, err) : rs_error_nomem(err);
    int32_t n = names ? rs_idmap_size(names) : 0, control = 0;
    if (st == RS_OK && !(order = rs_idmap_sorted_new(names)))
        st = rs_error_nomem(err);
    if (st)
        goto done;
    control = order[0];
    if (spec->control && (control = rs_idmap_find(names, spec->control, strlen(spec->control))) < 0) {
        st = rs_error_set(err, RS_EUSAGE, NULL, 0, "--control '%s' is not a value of %s", spec->control, spec->group_col);
        goto done;
    }
    const arm *c = &arms[control];
    for (int32_t k = -1; k < n; k++) {
        int32_t g = k < 0 ? control : order[k];
        if (k >= 0 && g == control)
            continue;
        const arm *a = &arms[g];
        size_t len;
        const char *name = rs_idmap_key(names, g, &len);
        double n1 = (double)a->n, n2 = (double)c->n, p1 = a->conversions / n1, p2 = c->conversions / n2;
        int bad = rs_eval_report_group(&report, name, len) | rs_eval_report_set(&report, "n", n1, 1) |
                  rs_eval_report_set(&report, "conversions", a->conversions, 1) |
                  rs_eval_report_set(&report, "rate", p1, 0);
        if (spec->ab_value_col)
            bad |= rs_eval_report_set(&report, "value_mean", a->value_sum / n1, 0);
        if (g != control) {
            double diff = p1 - p2, se = sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2);
            double pooled = (a->conversions + c->conversions) / (n1 + n2);
            double se0 = sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
            double z = se0 > 0 ? diff / se0 : NAN;
            bad |= rs_eval_report_set(&report, "rate_diff", diff, 0) |
                   rs_eval_report_set(&report, "rate_diff_low", diff - 1.959963984540054 * se, 0) |
                   rs_eval_report_set(&report, "rate_diff_high", diff + 1.959963984540054 * se, 0) |
                   rs_eval_report_set(&report, "z", z, 0) |
                   rs_eval_report_set(&report, "p_value", isnan(z) ? NAN : erfc(fabs(z) / sqrt(2)), 0);
            if (spec->ab_value_col) {
                double lo = NAN, hi = NAN;
                if ((st = bootstrap(c, a, spec->bootstrap, spec->seed, &lo, &hi, err)))
                    goto done;
                bad |= rs_eval_report_set(&report, "value_diff", a->value_sum / n1 - c->value_sum / n2, 0) |
                       rs_eval_report_set(&report, "value_diff_low", lo, 0) |
                       rs_eval_report_set(&report, "value_diff_high", hi, 0);
            }
        }
        if (bad) {
            st = rs_error_nomem(err);
            goto done;
        }
    }
    st = rs_eval_write_report(spec, &report, err);
done:
    for (size_t g = 0; g < cap; g++)
        free(arms[g].value);
    free(arms), free(order);
    rs_idmap_free(names);
    rs_eval_report_free(&report);
    return st;
}
