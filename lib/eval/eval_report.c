#include "eval/eval_report.h"

#include "io/csv.h"
#include "io/json.h"
#include "mem.h"
#include "num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rs_eval_report_group(rs_eval_report *r, const char *group, size_t len)
{
    char name[512];
    snprintf(name, sizeof name, "%.*s", (int)(len > 500 ? 500 : len), group);
    size_t n = r->groups.n + 1;
    double **rows = realloc(r->rows, n * sizeof *rows);
    if (rows)
        r->rows = rows;
    size_t *lens = rows ? realloc(r->row_len, n * sizeof *lens) : NULL;
    if (!lens || rs_strlist_push(&r->groups, name) < 0)
        return -1;
    r->row_len = lens;
    r->rows[n - 1] = NULL;
    r->row_len[n - 1] = 0;
    return 0;
}

static double value_at(const rs_eval_report *r, size_t g, size_t m)
{
    return m < r->row_len[g] ? r->rows[g][m] : NAN;
}

int rs_eval_report_set(rs_eval_report *r, const char *metric, double value, int is_int)
{
    size_t m = 0;
    while (m < r->metrics.n && strcmp(r->metrics.items[m], metric))
        m++;
    if (m == r->metrics.n) {
        unsigned char *ints = realloc(r->is_int, r->metrics.n + 1);
        if (!ints)
            return -1;
        r->is_int = ints;
        r->is_int[m] = (unsigned char)is_int;
        if (rs_strlist_push(&r->metrics, metric) < 0)
            return -1;
    }
    size_t g = r->groups.n - 1;
    if (m >= r->row_len[g]) {
        double *row = realloc(r->rows[g], (m + 1) * sizeof *row);
        if (!row)
            return -1;
        for (size_t k = r->row_len[g]; k <= m; k++)
            row[k] = NAN;
        r->rows[g] = row;
        r->row_len[g] = m + 1;
    }
    r->rows[g][m] = value;
    return 0;
}

static size_t format_value(double v, int is_int, int text, char *buf)
{
    if (isnan(v))
        return (size_t)snprintf(buf, RS_NUM_BUF, "%s", text ? "-" : "");
    if (is_int)
        return rs_format_i64((int64_t)llround(v), buf);
    if (!text)
        return rs_format_f64(v, buf);
    size_t n = (size_t)snprintf(buf, RS_NUM_BUF, "%.6f", v);
    while (n > 1 && buf[n - 1] == '0' && buf[n - 2] != '.')
        buf[--n] = '\0';
    return n;
}

static void write_text(const rs_eval_report *r, rs_out *out)
{
    size_t width0 = 6;
    for (size_t m = 0; m < r->metrics.n; m++)
        if (strlen(r->metrics.items[m]) > width0)
            width0 = strlen(r->metrics.items[m]);
    size_t *width = calloc(r->groups.n + 1, sizeof *width);
    char buf[RS_NUM_BUF + 8];
    for (size_t g = 0; width && g < r->groups.n; g++) {
        width[g] = strlen(r->groups.items[g]);
        for (size_t m = 0; m < r->metrics.n; m++) {
            size_t n = format_value(value_at(r, g, m), r->is_int[m], 1, buf);
            width[g] = n > width[g] ? n : width[g];
        }
    }
    char line[256];
    int n = snprintf(line, sizeof line, "%-*s", (int)width0, "metric");
    rs_out_write(out, line, (size_t)n);
    for (size_t g = 0; g < r->groups.n; g++) {
        n = snprintf(line, sizeof line, "  %*s", (int)(width ? width[g] : 8), r->groups.items[g]);
        rs_out_write(out, line, (size_t)n);
    }
    rs_out_putc(out, '\n');
    for (size_t m = 0; m < r->metrics.n; m++) {
        n = snprintf(line, sizeof line, "%-*s", (int)width0, r->metrics.items[m]);
        rs_out_write(out, line, (size_t)n);
        for (size_t g = 0; g < r->groups.n; g++) {
            format_value(value_at(r, g, m), r->is_int[m], 1, buf);
            n = snprintf(line, sizeof line, "  %*s", (int)(width ? width[g] : 8), buf);
            rs_out_write(out, line, (size_t)n);
        }
        rs_out_putc(out, '\n');
    }
    free(width);
}

static void write_json(const rs_eval_report *r, rs_out *out)
{
    char buf[RS_NUM_BUF];
    rs_out_putc(out, '{');
    for (size_t g = 0; g < r->groups.n; g++) {
        rs_out_write(out, g ? ",\n  " : "\n  ", g ? 4 : 3);
        rs_json_write_string(out, r->groups.items[g], strlen(r->groups.items[g]));
        rs_out_write(out, ": {", 3);
        for (size_t m = 0; m < r->metrics.n; m++) {
            double v = value_at(r, g, m);
            rs_out_write(out, m ? ", " : "", m ? 2 : 0);
            rs_json_write_string(out, r->metrics.items[m], strlen(r->metrics.items[m]));
            rs_out_write(out, ": ", 2);
            if (isnan(v))
                rs_out_write(out, "null", 4);
            else
                rs_out_write(out, buf, format_value(v, r->is_int[m], 0, buf));
        }
        rs_out_putc(out, '}');
    }
    rs_out_write(out, "\n}\n", 3);
}

static void write_csv(const rs_eval_report *r, rs_out *out)
{
    char buf[RS_NUM_BUF];
    rs_out_write(out, "group,metric,value\n", 19);
    for (size_t g = 0; g < r->groups.n; g++)
        for (size_t m = 0; m < r->metrics.n; m++) {
            rs_csv_write_field(out, r->groups.items[g], strlen(r->groups.items[g]));
            rs_out_putc(out, ',');
            rs_out_write(out, r->metrics.items[m], strlen(r->metrics.items[m]));
            rs_out_putc(out, ',');
            rs_out_write(out, buf, format_value(value_at(r, g, m), r->is_int[m], 0, buf));
            rs_out_putc(out, '\n');
        }
}

rs_status rs_eval_report_write(const rs_eval_report *r, rs_eval_format fmt, rs_out *out, rs_error *err)
{
    if (fmt == RS_EVAL_JSON)
        write_json(r, out);
    else if (fmt == RS_EVAL_CSV)
        write_csv(r, out);
    else
        write_text(r, out);
    return rs_out_status(out, err);
}

void rs_eval_report_free(rs_eval_report *r)
{
    for (size_t g = 0; g < r->groups.n; g++)
        free(r->rows[g]);
    free(r->rows);
    free(r->row_len);
    rs_strlist_free(&r->groups);
    rs_strlist_free(&r->metrics);
    free(r->is_int);
    memset(r, 0, sizeof *r);
}
