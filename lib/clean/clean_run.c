/* clean_run.c — an rs-clean job from end to end: the outputs opened, the
 * passes run (the emit pass on threads when it can), the report written,
 * and everything renamed into place only when all of it succeeded. */
#include "clean/clean_impl.h"

#include "io/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rs_status open_outputs(cleaner *c, rs_error *err)
{
    const rs_clean_spec *spec = c->spec;
    if (spec->rejects_path) {
        if (!(c->rejects_out = rs_out_open(spec->rejects_path, err)))
            return err->code;
        rs_out_write(c->rejects_out, "line,reason", 11);
        for (size_t i = 0; i < c->n_cols; i++) {
            const char *name = rs_table_col_name(c->table, i);
            rs_out_putc(c->rejects_out, ',');
            rs_csv_write_field(c->rejects_out, name, strlen(name));
        }
        rs_out_putc(c->rejects_out, '\n');
    }
    if (!(c->out = rs_out_open(spec->output, err)))
        return err->code;
    c->writer = rs_table_writer_new(c->out, spec->out_format, c->n_out,
                                    (const char *const *)c->out_names, c->out_types, err);
    return c->writer ? RS_OK : err->code;
}

static void write_counts(rs_out *out, const char *key, const rs_clean_count *counts, size_t n)
{
    char buf[64];
    rs_out_write(out, ",\n  ", 4);
    rs_json_write_string(out, key, strlen(key));
    rs_out_write(out, ": {", 3);
    for (size_t i = 0; i < n; i++) {
        rs_out_write(out, i ? ",\n    " : "\n    ", i ? 6 : 5);
        rs_json_write_string(out, counts[i].name, strlen(counts[i].name));
        rs_out_write(out, buf, (size_t)snprintf(buf, sizeof buf, ": %ld", counts[i].count));
    }
    rs_out_write(out, n ? "\n  }" : "}", n ? 4 : 1);
}

static rs_status write_report(const cleaner *c, rs_error *err)
{
    rs_out *out = rs_out_open(c->spec->report_path, err);
    if (!out)
        return err->code;
    const rs_clean_report *r = c->report;
    char buf[512];
    rs_out_write(out, "{\n  \"input\": ", 13);
    rs_json_write_string(out, c->input_name, strlen(c->input_name));
    rs_out_write(out, buf, (size_t)snprintf(buf, sizeof buf,
                 ",\n  \"rows_in\": %ld,\n  \"rows_out\": %ld,\n  \"rows_rejected\": %ld,\n"
                 "  \"malformed_rows\": %ld,\n  \"invalid_utf8_rows\": %ld,\n  \"blank_lines\": %ld,\n"
                 "  \"passes\": %d", r->rows_in, r->rows_out, r->rows_rejected, r->malformed_rows,
                 r->invalid_utf8_rows, r->blank_lines, r->passes));
    write_counts(out, "rejected", r->rejected, r->n_rejected);
    write_counts(out, "filled", r->filled, r->n_filled);
    write_counts(out, "clipped", r->clipped, r->n_clipped);
    rs_out_write(out, "\n}\n", 3);
    return rs_out_commit(out, err);
}

static int add_count(rs_clean_count **list, size_t *n, const char *name, size_t len, long count)
{
    rs_clean_count *l = realloc(*list, (*n + 1) * sizeof *l);
    if (!l)
        return -1;
    *list = l;
    if (!(l[*n].name = malloc(len + 1)))
        return -1;
    memcpy(l[*n].name, name, len);
    l[*n].name[len] = '\0';
    l[(*n)++].count = count;
    return 0;
}

static rs_status fill_report(cleaner *c, rs_error *err)
{
    rs_clean_report *r = c->report;
    r->blank_lines = c->blank_lines >= 0 ? c->blank_lines : rs_table_blank_lines(c->table);
    for (int32_t i = 0; i < rs_idmap_size(c->reasons); i++) {
        size_t len;
        const char *name = rs_idmap_key(c->reasons, i, &len);
        if (c->reason_counts[i] && add_count(&r->rejected, &r->n_rejected, name, len, c->reason_counts[i]))
            return rs_error_nomem(err);
    }
    for (size_t i = 0; i < c->n_fills; i++) {
        const char *name = rs_table_col_name(c->table, c->fills[i].col);
        if (add_count(&r->filled, &r->n_filled, name, strlen(name), c->fills[i].filled))
            return rs_error_nomem(err);
    }
    for (size_t i = 0; i < c->n_outliers; i++) {
        const char *name = rs_table_col_name(c->table, c->outliers[i].col);
        if (c->outliers[i].clip &&
            add_count(&r->clipped, &r->n_clipped, name, strlen(name), c->outliers[i].clipped))
            return rs_error_nomem(err);
    }
    return RS_OK;
}

/* Statistics are needed by --outliers and --fill mean|median|mode. */
static int needs_stats_pass(const rs_clean_spec *spec)
{
    int needed = spec->outliers.n > 0;
    for (size_t i = 0; i < spec->fill.n; i++) {
        const char *eq = strchr(spec->fill.items[i], '=');
        needed |= eq && (!strcmp(eq + 1, "mean") || !strcmp(eq + 1, "median") || !strcmp(eq + 1, "mode"));
    }
    return needed;
}

static rs_status run_all(cleaner *c, rs_error *err)
{
    const rs_clean_spec *spec = c->spec;
    if (rs_clean_setup(c, err) || open_outputs(c, err))
        return err->code;
    if (needs_stats_pass(spec) && rs_clean_run_pass(c, PASS_STATS, err))
        return err->code;
    if (c->seen && spec->dedupe_keep_last && rs_clean_run_pass(c, PASS_LAST, err))
        return err->code;
    int emitted = 0;
    if (rs_clean_emit_parallel(c, &emitted, err) || (!emitted && rs_clean_run_pass(c, PASS_EMIT, err)) ||
        rs_table_writer_finish(c->writer, err) ||
        fill_report(c, err))
        return err->code;
    if (c->rejects_out) {
        rs_status st = rs_out_commit(c->rejects_out, err);
        c->rejects_out = NULL;
        if (st)
            return st;
    }
    if (spec->report_path && write_report(c, err))
        return err->code;
    rs_status st = rs_out_commit(c->out, err);
    c->out = NULL;
    return st;
}

rs_status rs_clean_run(const rs_clean_spec *spec, rs_clean_report *report, rs_error *err)
{
    memset(report, 0, sizeof *report);
    cleaner c = {.spec = spec, .report = report, .blank_lines = -1};
    rs_table_options topt = spec->table;
    topt.rewindable = needs_stats_pass(spec) || (spec->dedupe && spec->dedupe_keep_last);
    c.table = rs_table_open(spec->input, &topt, err);
    rs_status st = c.table ? run_all(&c, err) : err->code;
    rs_table_writer_free(c.writer);
    rs_out_abort(c.out);
    rs_out_abort(c.rejects_out);
    rs_clean_teardown(&c);
    rs_table_free(c.table);
    if (st)
        rs_clean_report_free(report);
    return st;
}

static void free_counts(rs_clean_count *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i].name);
    free(list);
}

void rs_clean_report_free(rs_clean_report *report)
{
    free_counts(report->rejected, report->n_rejected);
    free_counts(report->filled, report->n_filled);
    free_counts(report->clipped, report->n_clipped);
    memset(report, 0, sizeof *report);
}

void rs_clean_spec_free(rs_clean_spec *spec)
{
    rs_strlist_free(&spec->schema);
    rs_strlist_free(&spec->select);
    rs_strlist_free(&spec->lower);
    rs_strlist_free(&spec->require);
    rs_strlist_free(&spec->dedupe_cols);
    rs_strlist_free(&spec->rename);
    rs_strlist_free(&spec->fill);
    rs_strlist_free(&spec->outliers);
    free(spec->filters);
    spec->filters = NULL;
    spec->n_filters = 0;
}
