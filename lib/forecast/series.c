/* series.c — reading series (series.h): rows as (series, period, value)
 * triples, sorted (skipped when already in order, as aggregated tables
 * usually are), then summed or checked and laid out per series. */
#include "forecast/series.h"

#include "mem.h"
#include "num.h"
#include "timeparse.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    int32_t series;
    int32_t rel_period;   /* period - the smallest period seen (fits: periods are days at most) */
    double value;
    long line;
} triple;

typedef struct {
    triple *rows;
    size_t n, cap;
    int64_t min_period, max_period;
    int64_t *raw_period;  /* (n) kept until min_period is known */
    size_t raw_cap;
} triples;

static int cmp_triple(const void *a, const void *b)
{
    const triple *x = a, *y = b;
    if (x->series != y->series)
        return x->series < y->series ? -1 : 1;
    if (x->rel_period != y->rel_period)
        return x->rel_period < y->rel_period ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

void rs_fc_series_free(rs_fc_series *s)
{
    if (!s)
        return;
    rs_idmap_free(s->names);
    free(s->first);
    free(s->offset);
    free(s->line);
    free(s->values);
    free(s->source);
    free(s);
}

typedef struct {
    size_t key, time, value;
    size_t by[16];
    size_t n_by;
} columns;

static rs_status find_columns(rs_table *t, const rs_fc_read_options *opt, columns *c, int *has_value, rs_error *err)
{
    rs_status st;
    *has_value = 1;
    if (opt->aggregated) {
        if ((st = rs_table_find_col(t, opt->series_col ? opt->series_col : "series", "--series-col", &c->key, err)) ||
            (st = rs_table_find_col(t, opt->period_col ? opt->period_col : "period", "--period-col", &c->time, err)) ||
            (st = rs_table_find_col(t, opt->value_col ? opt->value_col : "value", "--value-col", &c->value, err)))
            return st;
        return RS_OK;
    }
    if ((st = rs_table_find_col(t, opt->item_col ? opt->item_col : "item", "--item-col", &c->key, err)) ||
        (st = rs_table_find_col(t, opt->time_col ? opt->time_col : "ts", "--time-col", &c->time, err)))
        return st;
    if (opt->qty_col)
        st = rs_table_find_col(t, opt->qty_col, "--qty-col", &c->value, err);
    else
        *has_value = rs_table_has_col(t, "qty", &c->value);
    if (st)
        return st;
    c->n_by = opt->by ? opt->by->n : 0;
    if (c->n_by > 16)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--by: at most 16 columns");
    for (size_t i = 0; i < c->n_by; i++)
        if ((st = rs_table_find_col(t, opt->by->items[i], "--by", &c->by[i], err)))
            return st;
    return RS_OK;
}

/* The series key of rec into key (the item, then "/" and each --by value). */
static int make_key(const rs_record *rec, const columns *c, char **key, size_t *cap, size_t *len)
{
    size_t need = rec->fields[c->key].len + 1;
    for (size_t i = 0; i < c->n_by; i++)
        need += rec->fields[c->by[i]].len + 1;
    if (rs_grow((void **)key, cap, need, 1) < 0)
        return -1;
    const rs_field *f = &rec->fields[c->key];
    memcpy(*key, f->ptr, f->len);
    *len = f->len;
    for (size_t i = 0; i < c->n_by; i++) {
        f = &rec->fields[c->by[i]];
        (*key)[(*len)++] = '/';
        memcpy(*key + *len, f->ptr, f->len);
        *len += f->len;
    }
    return 0;
}

static rs_status read_rows(rs_table *t, const rs_fc_read_options *opt, rs_idmap *names, triples *tr, rs_error *err)
{
    columns c = {0};
    int has_value;
    rs_status st = find_columns(t, opt, &c, &has_value, err);
    if (st)
        return st;
    const char *what_time = rs_time_expected(-1, "a time (epoch seconds, ISO 8601, or --time-format)");
    char *key = NULL;
    size_t key_cap = 0, key_len;
    rs_record rec;
    int got;
    tr->min_period = INT64_MAX;
    tr->max_period = INT64_MIN;
    while ((got = rs_table_next(t, &rec, err)) > 0) {
        if ((st = rs_table_check_width(t, &rec, err)))
            break;
        int64_t epoch;
        const rs_field *tf = &rec.fields[c.time];
        int rc = rs_time_parse(tf->ptr, tf->len, opt->time_format, &epoch);
        if (rc < 0) {
            st = rs_table_bad_field(t, &rec, c.time, rs_time_expected(rc, what_time), err);
            break;
        }
        double value = 1;
        if (has_value) {
            const rs_field *vf = &rec.fields[c.value];
            if (rs_parse_f64(vf->ptr, vf->len, &value) < 0) {
                st = rs_table_bad_field(t, &rec, c.value, "a number", err);
                break;
            }
            if (value < 0) {
                st = rs_error_set(err, RS_EDATA, rs_table_name(t), rec.line,
                                  "column %s: %.*s is negative (demand is >= 0: remove returns and cancellations, "
                                  "e.g. with rs-clean)",
                                  rs_table_col_name(t, c.value), (int)(vf->len > 40 ? 40 : vf->len), vf->ptr);
                break;
            }
        }
        if (make_key(&rec, &c, &key, &key_cap, &key_len) < 0 ||
            rs_grow((void **)&tr->rows, &tr->cap, tr->n + 1, sizeof *tr->rows) < 0 ||
            rs_grow((void **)&tr->raw_period, &tr->raw_cap, tr->n + 1, sizeof *tr->raw_period) < 0) {
            st = rs_error_nomem(err);
            break;
        }
        int32_t series = rs_idmap_intern(names, key, key_len, NULL);
        if (series < 0) {
            st = rs_error_nomem(err);
            break;
        }
        int64_t period = rs_fc_period_of(&opt->cal, epoch);
        tr->min_period = period < tr->min_period ? period : tr->min_period;
        tr->max_period = period > tr->max_period ? period : tr->max_period;
        tr->raw_period[tr->n] = period;
        tr->rows[tr->n++] = (triple){series, 0, value, rec.line};
    }
    free(key);
    if (got < 0 && !st)
        st = err->code;
    if (!st && tr->n == 0)
        st = rs_error_set(err, RS_EDATA, rs_table_name(t), 0, "no rows: nothing to forecast");
    if (!st && tr->max_period - tr->min_period > 10000000)
        st = rs_error_set(err, RS_EDATA, rs_table_name(t), 0, "the times span more than 10^7 periods");
    return st;
}

/* Lay sorted rows out per series: sum (event log) or check (aggregated). */
static rs_status lay_out(const rs_fc_read_options *opt, const triples *tr, rs_fc_series *s, rs_error *err)
{
    size_t n_series = s->n_series;
    s->first = calloc(n_series, sizeof *s->first);
    s->offset = calloc(n_series + 1, sizeof *s->offset);
    s->line = calloc(n_series, sizeof *s->line);
    if (!s->first || !s->offset || !s->line)
        return rs_error_nomem(err);
    int32_t last_rel = (int32_t)(tr->max_period - tr->min_period);
    /* first pass: each series' span */
    size_t total = 0;
    for (size_t i = 0; i < tr->n;) {
        size_t j = i;
        while (j < tr->n && tr->rows[j].series == tr->rows[i].series)
            j++;
        int32_t end = opt->aggregated ? tr->rows[j - 1].rel_period : last_rel;
        int32_t start = opt->from_start && !opt->aggregated ? 0 : tr->rows[i].rel_period;
        size_t span = (size_t)(end - start) + 1;
        int32_t sid = tr->rows[i].series;
        s->first[sid] = tr->min_period + start;
        s->line[sid] = tr->rows[i].line;
        s->offset[sid + 1] = span;
        total += span;
        i = j;
    }
    for (size_t k = 0; k < n_series; k++)
        s->offset[k + 1] += s->offset[k];
    s->values = calloc(total ? total : 1, sizeof *s->values);
    if (!s->values)
        return rs_error_nomem(err);
    for (size_t i = 0; i < tr->n; i++) {
        const triple *r = &tr->rows[i];
        size_t at = (size_t)(tr->min_period + r->rel_period - s->first[r->series]);
        if (opt->aggregated && i > 0 && tr->rows[i - 1].series == r->series) {
            const triple *prev = &tr->rows[i - 1];
            size_t len;
            const char *key = rs_idmap_key(s->names, r->series, &len);
            char date[RS_FC_DATE_BUF];
            rs_fc_period_format(&opt->cal, tr->min_period + r->rel_period, date);
            if (prev->rel_period == r->rel_period)
                return rs_error_set(err, RS_EDATA, s->source, r->line,
                                    "series %.*s: period %s given twice (also on line %ld)", (int)len, key, date,
                                    prev->line);
            if (r->rel_period > prev->rel_period + 1) {
                char missing[RS_FC_DATE_BUF];
                rs_fc_period_format(&opt->cal, tr->min_period + prev->rel_period + 1, missing);
                return rs_error_set(err, RS_EDATA, s->source, r->line,
                                    "series %.*s: a gap before period %s (%s is missing; give every period, "
                                    "with 0 for no demand, or read the event log)",
                                    (int)len, key, date, missing);
            }
        }
        s->values[s->offset[r->series] + at] += r->value;
    }
    return RS_OK;
}

rs_fc_series *rs_fc_series_read(const rs_fc_read_options *opt, rs_error *err)
{
    rs_fc_series *s = calloc(1, sizeof *s);
    triples tr = {0};
    if (!s || !(s->names = rs_idmap_new())) {
        free(s);
        rs_error_nomem(err);
        return NULL;
    }
    rs_table *t = rs_table_open(opt->path, &opt->table, err);
    rs_status st = t ? RS_OK : err->code;
    if (!st && !(s->source = strdup(rs_table_name(t))))
        st = rs_error_nomem(err);
    if (!st)
        st = read_rows(t, opt, s->names, &tr, err);
    rs_table_free(t);
    if (!st) {
        int sorted = 1;
        for (size_t i = 0; i < tr.n; i++) {
            tr.rows[i].rel_period = (int32_t)(tr.raw_period[i] - tr.min_period);
            if (i > 0 && cmp_triple(&tr.rows[i - 1], &tr.rows[i]) > 0)
                sorted = 0;
        }
        if (!sorted)
            qsort(tr.rows, tr.n, sizeof *tr.rows, cmp_triple);
        s->n_series = (size_t)rs_idmap_size(s->names);
        st = lay_out(opt, &tr, s, err);
    }
    free(tr.rows);
    free(tr.raw_period);
    if (st) {
        rs_fc_series_free(s);
        return NULL;
    }
    return s;
}
