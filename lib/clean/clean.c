/* clean.c — rs-clean's row loop: one function per step, run over one to
 * three passes, writing kept rows and rejected rows (clean_run.c drives the
 * passes and writes the report). */
#include "clean/clean_impl.h"

#include "mem.h"
#include "utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KEEP = -1 };

/* Room in the arena for anything this row can write, reserved up front so
 * fields that point into it stay valid for the whole row. */
static int reserve_row(cleaner *c, const rs_record *rec)
{
    size_t bytes = 0;
    for (size_t i = 0; i < rec->n_fields; i++)
        bytes += rec->fields[i].len;
    c->arena_len = 0;
    size_t need = bytes + c->n_cols * (RS_VALUE_BUF + c->max_extra) + 64;
    return rs_grow((void **)&c->arena, &c->arena_cap, need, 1) ||
           rs_grow((void **)&c->scratch, &c->scratch_cap, bytes + 8 * c->n_cols + 64, 1);
}

static char *arena_take(cleaner *c, size_t n)
{
    char *p = c->arena + c->arena_len;
    c->arena_len += n;
    return p;
}

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\v' || ch == '\f';
}

static void trim_and_lower(cleaner *c)
{
    for (size_t i = 0; i < c->n_cols; i++) {
        rs_field *f = &c->work[i];
        if (c->spec->trim) {
            while (f->len && is_space(f->ptr[0]))
                f->ptr++, f->len--;
            while (f->len && is_space(f->ptr[f->len - 1]))
                f->len--;
        }
        if (c->col_lower[i] && f->len) {
            char *lower = arena_take(c, f->len);
            for (size_t k = 0; k < f->len; k++) {
                char ch = f->ptr[k];
                lower[k] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
            }
            f->ptr = lower;
        }
    }
}

static int apply_id_map(cleaner *c)
{
    rs_field *f = &c->work[c->id_col];
    if (f->len == 0)
        return KEEP;
    int32_t alias = rs_idmap_find(c->alias_ids, f->ptr, f->len);
    if (alias >= 0) {
        f->ptr = rs_idmap_key(c->canonical_ids, c->alias_target[alias], &f->len);
        return KEEP;
    }
    if (c->spec->id_map_strict && rs_idmap_find(c->canonical_ids, f->ptr, f->len) < 0)
        return c->reason_id_strict;
    return KEEP;
}

static int check_required(cleaner *c)
{
    for (size_t i = 0; i < c->n_cols; i++)
        if (c->col_require[i] && c->work[i].len == 0) {
            c->fault_col = i;
            return c->reason_require[i];
        }
    return KEEP;
}

static void apply_fills(cleaner *c, int pass)
{
    for (size_t i = 0; i < c->n_fills; i++) {
        fill_rule *f = &c->fills[i];
        rs_field *field = &c->work[f->col];
        if (field->len == 0 && f->ready) {
            field->ptr = f->text;
            field->len = f->text_len;
            if (pass == PASS_EMIT)
                f->filled++;
        }
    }
}

static int apply_types(cleaner *c)
{
    for (size_t i = 0; i < c->n_cols; i++) {
        c->number[i] = NAN;
        rs_type type = c->col_type[i];
        rs_field *f = &c->work[i];
        if (type == RS_TYPE_STR || f->len == 0)
            continue;
        char *buf = arena_take(c, RS_VALUE_BUF);
        rs_field canon;
        if (rs_value_normalize(type, &c->spec->values, f->ptr, f->len, &canon, buf, &c->number[i]) < 0) {
            c->fault_col = i;
            return c->reason_type[i];
        }
        *f = canon;
    }
    return KEEP;
}

static int apply_filters(cleaner *c)
{
    for (size_t i = 0; i < c->n_filters; i++) {
        const filter_rule *f = &c->filters[i];
        int hit = rs_expr_test(&f->expr, &c->work[f->col], f->numeric, c->number[f->col], c->scratch);
        if (hit != f->keep)
            return f->reason;
    }
    return KEEP;
}

static int apply_outliers(cleaner *c, int pass)
{
    for (size_t i = 0; i < c->n_outliers; i++) {
        outlier_rule *o = &c->outliers[i];
        double v = c->number[o->col];
        if (isnan(v) || (v >= o->lo && v <= o->hi))
            continue;
        if (!o->clip)
            return o->reason;
        rs_type type = c->col_type[o->col];
        double bound = v < o->lo ? o->lo : o->hi;
        if (type != RS_TYPE_NUM)   /* stay integral and inside the bounds */
            bound = v < o->lo ? ceil(o->lo) : floor(o->hi);
        char *buf = arena_take(c, RS_VALUE_BUF);
        c->work[o->col].ptr = buf;
        c->work[o->col].len = rs_value_format_number(type, &c->spec->values, bound, buf);
        c->number[o->col] = bound;
        if (pass == PASS_EMIT)
            o->clipped++;
    }
    return KEEP;
}

/* Length-prefixed fields, so ("ab","c") and ("a","bc") differ. */
static size_t dedupe_key(cleaner *c)
{
    size_t n = c->n_dedupe_cols ? c->n_dedupe_cols : c->n_out;
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        const rs_field *f = c->n_dedupe_cols ? &c->work[c->dedupe_cols[i]] : &c->out_fields[i];
        uint32_t flen = (uint32_t)f->len;
        memcpy(c->scratch + len, &flen, 4);
        memcpy(c->scratch + len + 4, f->ptr, f->len);
        len += 4 + f->len;
    }
    return len;
}

static int apply_dedupe(cleaner *c, long line, int pass, int *nomem)
{
    size_t len = dedupe_key(c);
    int added;
    int64_t *seen_at = rs_keyset_upsert(c->seen, c->scratch, len, line, &added);
    if (!seen_at) {
        *nomem = 1;
        return KEEP;
    }
    if (pass == PASS_LAST) {
        *seen_at = line;   /* the last occurrence wins */
        return KEEP;
    }
    if (c->spec->dedupe_keep_last)
        return *seen_at == line ? KEEP : c->reason_dup;
    return added ? KEEP : c->reason_dup;
}

static void sample_add(column_sample *s, double v, const rs_field *text, int *nomem)
{
    if (s->texts) {
        int32_t idx = rs_idmap_intern(s->texts, text->ptr, text->len, NULL);
        if (idx < 0) {
            *nomem = 1;
            return;
        }
        size_t old_cap = s->counts_cap;
        if (rs_grow((void **)&s->counts, &s->counts_cap, (size_t)idx + 1, sizeof *s->counts) < 0) {
            *nomem = 1;
            return;
        }
        memset(s->counts + old_cap, 0, (s->counts_cap - old_cap) * sizeof *s->counts);
        s->counts[idx]++;
        return;
    }
    if (isnan(v))
        return;
    if (rs_grow((void **)&s->values, &s->cap, s->n + 1, sizeof *s->values) < 0) {
        *nomem = 1;
        return;
    }
    s->values[s->n++] = v;
}

static void collect_stats(cleaner *c, int *nomem)
{
    for (size_t i = 0; i < c->n_fills; i++) {
        fill_rule *f = &c->fills[i];
        if (f->kind != FILL_VALUE && c->work[f->col].len)
            sample_add(&f->sample, c->number[f->col], &c->work[f->col], nomem);
    }
    for (size_t i = 0; i < c->n_outliers; i++)
        sample_add(&c->outliers[i].sample, c->number[c->outliers[i].col], NULL, nomem);
}

static void check_utf8(cleaner *c, const rs_record *rec, int pass)
{
    for (size_t i = 0; i < rec->n_fields; i++) {
        if (rs_utf8_valid(rec->fields[i].ptr, rec->fields[i].len))
            continue;
        if (pass != PASS_EMIT)
            return;
        c->report->invalid_utf8_rows++;
        if (!c->utf8_warned++)
            rs_clean_note(c, rec->line, 0,
                          "invalid UTF-8 in column %s (passed through unchanged; rows counted in the report)",
                          i < c->n_cols ? rs_table_col_name(c->table, i) : "?");
        return;
    }
}

/* The reject reason index, or KEEP. */
static int process_row(cleaner *c, const rs_record *rec, int pass, int *nomem)
{
    c->fault_col = SIZE_MAX;
    if (rec->n_fields != c->n_cols) {
        char reason[96];
        snprintf(reason, sizeof reason, "expected %zu fields, got %zu", c->n_cols, rec->n_fields);
        int r = rs_clean_reason(c, reason, 1);
        if (r < 0)
            *nomem = 1;
        return r;
    }
    if (rec->flags & RS_REC_NUL)
        return c->reason_nul;
    if (rec->flags & RS_REC_NON_ASCII)
        check_utf8(c, rec, pass);
    if (reserve_row(c, rec) < 0) {
        *nomem = 1;
        return KEEP;
    }
    memcpy(c->work, rec->fields, c->n_cols * sizeof *c->work);
    int r;
    if (c->spec->trim || c->any_lower)
        trim_and_lower(c);
    if (c->has_id_map && (r = apply_id_map(c)) != KEEP)
        return r;
    if (c->any_require && (r = check_required(c)) != KEEP)
        return r;
    if (pass != PASS_STATS)
        apply_fills(c, pass);
    if ((r = apply_types(c)) != KEEP || (r = apply_filters(c)) != KEEP)
        return r;
    if (pass == PASS_STATS) {
        collect_stats(c, nomem);
        return KEEP;
    }
    if ((r = apply_outliers(c, pass)) != KEEP)
        return r;
    for (size_t i = 0; i < c->n_out; i++)
        c->out_fields[i] = c->work[c->out_cols[i]];
    if (c->seen && (r = apply_dedupe(c, rec->line, pass, nomem)) != KEEP)
        return r;
    return KEEP;
}

static void write_reject(cleaner *c, const rs_record *rec, int reason)
{
    rs_out *out = c->rejects_out;
    char line[32];
    int n = snprintf(line, sizeof line, "%ld,", rec->line);
    rs_out_write(out, line, (size_t)n);
    size_t len;
    const char *text = rs_idmap_key(c->reasons, reason, &len);
    rs_csv_write_field(out, text, len);
    for (size_t i = 0; i < rec->n_fields; i++) {
        rs_out_putc(out, ',');
        rs_csv_write_field(out, rec->fields[i].ptr, rec->fields[i].len);
    }
    rs_out_putc(out, '\n');
}

static rs_status reject(cleaner *c, const rs_record *rec, int reason, rs_error *err)
{
    size_t len;
    const char *text = rs_idmap_key(c->reasons, reason, &len);
    int fault = c->reason_is_fault[reason];
    char detail[160] = "";
    if (c->fault_col != SIZE_MAX) {   /* a type or require fault: show the value */
        const rs_field *f = &rec->fields[c->fault_col];
        snprintf(detail, sizeof detail, " ('%.*s')", (int)(f->len > 60 ? 60 : f->len), f->ptr);
    }
    if (fault && c->spec->strict)
        return rs_error_set(err, RS_EDATA, c->input_name, rec->line, "%.*s%s (--strict)", (int)len,
                            text, detail);
    c->reason_counts[reason]++;
    c->report->rows_rejected++;
    c->report->malformed_rows += fault;
    if (c->rejects_out) {
        write_reject(c, rec, reason);
    } else if (fault && c->warned++ < RS_CLEAN_MAX_WARNINGS) {
        rs_clean_note(c, rec->line, 1, "%.*s%s: row rejected", (int)len, text, detail);
    }
    return RS_OK;
}

void rs_clean_note(cleaner *c, long line, int fault, const char *fmt, ...)
{
    char text[sizeof c->notes->items[0].text];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (c->notes) {   /* a thread's part: kept for rs_clean_notes_show, in order */
        if (c->notes->n < sizeof c->notes->items / sizeof c->notes->items[0]) {
            clean_note *n = &c->notes->items[c->notes->n++];
            n->line = line;
            n->fault = fault;
            memcpy(n->text, text, sizeof text);
        }
        return;
    }
    rs_warn(c->input_name, line, "%s%s", text,
            fault && c->warned == RS_CLEAN_MAX_WARNINGS ? " (further ones are not shown; see --rejects)" : "");
}

void rs_clean_notes_show(cleaner *c, const clean_notes *notes)
{
    for (size_t i = 0; i < notes->n; i++) {
        const clean_note *n = &notes->items[i];
        if (n->fault ? c->warned++ < RS_CLEAN_MAX_WARNINGS : !c->utf8_warned++)
            rs_clean_note(c, n->line, n->fault, "%s", n->text);
    }
}

/* Steps 1-10 for a row that is only filtered (c->filters_only): its
 * fields are the output fields, so nothing is copied or rewritten. */
static int filter_row(cleaner *c, const rs_record *rec, int *nomem)
{
    c->fault_col = SIZE_MAX;
    const rs_field *last = &rec->fields[rec->n_fields - 1];
    size_t bytes = (size_t)(last->ptr + last->len - rec->fields[0].ptr);
    if (bytes + 64 > c->scratch_cap &&
        rs_grow((void **)&c->scratch, &c->scratch_cap, bytes + 64, 1) < 0) {
        *nomem = 1;
        return KEEP;
    }
    for (size_t i = 0; i < c->n_filters; i++) {
        const filter_rule *f = &c->filters[i];
        if (rs_expr_test(&f->expr, &rec->fields[f->col], 0, NAN, c->scratch) != f->keep)
            return f->reason;
    }
    for (size_t i = 0; i < c->n_out; i++)
        c->out_fields[i] = rec->fields[c->out_cols[i]];
    return KEEP;
}

/* The output row is the record's fields, untouched and in input order. */
static int same_as_input(const cleaner *c, const rs_record *rec)
{
    if (c->n_out != rec->n_fields)
        return 0;
    for (size_t i = 0; i < c->n_out; i++)
        if (c->out_fields[i].ptr != rec->fields[i].ptr || c->out_fields[i].len != rec->fields[i].len)
            return 0;
    return 1;
}

int rs_clean_judge_row(cleaner *c, const rs_record *rec, int allow_same, rs_error *err)
{
    int nomem = 0;
    int quick = c->filters_only && rec->n_fields == c->n_cols && rec->n_fields > 0 &&
                !(rec->flags & (RS_REC_NUL | RS_REC_NON_ASCII));
    int r = quick ? filter_row(c, rec, &nomem) : process_row(c, rec, PASS_EMIT, &nomem);
    if (nomem) {
        rs_error_nomem(err);
        return -1;
    }
    c->report->rows_in++;
    if (r != KEEP)
        return reject(c, rec, r, err) ? -1 : RS_CLEAN_DROPPED;
    c->report->rows_out++;
    if (allow_same && !(rec->flags & RS_REC_SPECIAL) && !c->inserts_special && same_as_input(c, rec))
        return RS_CLEAN_SAME;
    return RS_CLEAN_WRITE;
}

rs_status rs_clean_write_kept(cleaner *c, const rs_record *rec, rs_error *err)
{
    int plain = !(rec->flags & RS_REC_SPECIAL) && !c->inserts_special;
    if (rs_table_writer_write(c->writer, c->out_fields, plain, err)) {
        char msg[sizeof err->msg];
        memcpy(msg, err->msg, sizeof msg);
        return rs_error_set(err, err->code, c->input_name, rec->line, "%s", msg);
    }
    return RS_OK;
}

rs_status rs_clean_emit_row(cleaner *c, const rs_record *rec, rs_error *err)
{
    int verdict = rs_clean_judge_row(c, rec, 0, err);
    if (verdict < 0)
        return err->code;
    return verdict == RS_CLEAN_WRITE ? rs_clean_write_kept(c, rec, err) : RS_OK;
}

rs_status rs_clean_run_pass(cleaner *c, int pass, rs_error *err)
{
    if (pass != PASS_STATS && c->report->passes > 0 && rs_table_rewind(c->table, err))
        return err->code;
    c->report->passes++;
    rs_record rec;
    int got, nomem = 0;
    while ((got = rs_table_next(c->table, &rec, err)) > 0) {
        if (pass == PASS_EMIT) {
            if (rs_clean_emit_row(c, &rec, err))
                return err->code;
            if ((c->report->rows_in & 0xfff) == 0 && rs_out_status(c->out, err))
                return err->code;   /* stop early on a full disk or closed pipe */
            if ((c->report->rows_in & 0xffff) == 0 && c->spec->progress)
                c->spec->progress(c->report->rows_in, 0);
            continue;
        }
        int r = process_row(c, &rec, pass, &nomem);
        if (nomem)
            return rs_error_nomem(err);
        if (r != KEEP && c->spec->strict && c->reason_is_fault[r])
            return reject(c, &rec, r, err);
    }
    if (got < 0)
        return err->code;
    if (pass == PASS_EMIT && c->spec->progress)
        c->spec->progress(c->report->rows_in, 1);
    if (pass == PASS_STATS)
        return rs_clean_finish_stats(c, err);
    return RS_OK;
}
