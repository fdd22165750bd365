#include "io/table.h"

#include "idmap.h"
#include "io/model.h"
#include "suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rs_table {
    rs_in *in;
    rs_csv_reader *csv;
    rs_frame_reader *frame;
    size_t n_cols;
    char **names;            /* (n_cols), owned */
    rs_col_type *types;      /* (n_cols) */
    int no_header;
    int pending_first;       /* --no-header: the first record is data, not yet returned */
};

static rs_status set_names_from_record(rs_table *t, const rs_record *rec, int numbered,
                                       rs_error *err)
{
    t->n_cols = rec->n_fields;
    t->names = calloc(t->n_cols ? t->n_cols : 1, sizeof *t->names);
    t->types = calloc(t->n_cols ? t->n_cols : 1, sizeof *t->types);
    if (!t->names || !t->types)
        return rs_error_nomem(err);
    for (size_t i = 0; i < t->n_cols; i++) {
        char num[32];
        size_t len = numbered ? (size_t)snprintf(num, sizeof num, "c%zu", i + 1) : rec->fields[i].len;
        const char *src = numbered ? num : rec->fields[i].ptr;
        if (!(t->names[i] = malloc(len + 1)))
            return rs_error_nomem(err);
        memcpy(t->names[i], src, len);
        t->names[i][len] = '\0';
        t->types[i] = RS_COL_STR;
    }
    return RS_OK;
}

static rs_status open_csv(rs_table *t, const rs_table_options *opt, const unsigned char *sniff,
                          size_t sniff_len, rs_error *err)
{
    if (!(t->csv = rs_csv_reader_new(t->in, &opt->csv, sniff, sniff_len, err)))
        return err->code;
    rs_record first;
    int got = rs_csv_reader_next(t->csv, &first, err);
    if (got < 0)
        return err->code;
    if (got == 0) {
        if (!opt->no_header)
            return rs_error_set(err, RS_EDATA, rs_in_name(t->in), 0,
                                "empty input (expected a header line)");
        return set_names_from_record(t, &(rs_record){0}, 1, err);
    }
    if (first.n_fields == 1 && !opt->no_header && strcmp(opt->csv.delim, "\t") &&
        memchr(first.fields[0].ptr, '\t', first.fields[0].len))
        rs_warn(rs_in_name(t->in), first.line,
                "the header is one column that holds tabs: if the file is tab-separated, read it with -d '\\t'");
    if ((first.flags & RS_REC_NUL) && !opt->no_header)
        return rs_error_set(err, RS_EDATA, rs_in_name(t->in), first.line,
                            "NUL byte in the header line (binary file?)");
    rs_status st = set_names_from_record(t, &first, opt->no_header, err);
    t->pending_first = opt->no_header;
    return st;
}

static rs_status open_frame(rs_table *t, const unsigned char *sniff, size_t sniff_len,
                            rs_error *err)
{
    if (!(t->frame = rs_frame_reader_new(t->in, sniff, sniff_len, err)))
        return err->code;
    rs_record names = {0};
    names.n_fields = rs_frame_reader_n_cols(t->frame);
    rs_status st = set_names_from_record(t, &names, 1, err);
    if (st)
        return st;
    for (size_t i = 0; i < t->n_cols; i++) {
        const char *name = rs_frame_reader_col_name(t->frame, i);
        char *copy = strdup(name);
        if (!copy)
            return rs_error_nomem(err);
        free(t->names[i]);
        t->names[i] = copy;
        t->types[i] = rs_frame_reader_col_type(t->frame, i);
    }
    return RS_OK;
}

/* Files that are surely not a table, named for what they are: gzip (magic
 * 1f 8b) and an rs model (.rsm).  path is NULL or "-" for standard input. */
static rs_status refuse_binary(const char *path, const char *name, const unsigned char *sniff, size_t sniff_len,
                               rs_error *err)
{
    int is_stdin = !path || !strcmp(path, "-");
    if (sniff_len >= 2 && sniff[0] == 0x1f && sniff[1] == 0x8b)
        return rs_error_set(err, RS_EDATA, name, 0,
                            "gzip-compressed data, not a table: decompress it first (zcat %s | " RS_MSG_PROG
                            " ... -i -)",
                            is_stdin ? "FILE" : path);
    if (sniff_len == 8 && memcmp(sniff, RS_MODEL_MAGIC, 8) == 0)
        return rs_error_set(err, RS_EDATA, name, 0,
                            "an rs model file (.rsm), not a table: a model is read with -m by rs-predict and "
                            "rs-recommend (rs-predict --describe shows what it holds)");
    return RS_OK;
}

rs_table *rs_table_open(const char *path, const rs_table_options *opt, rs_error *err)
{
    rs_table *t = calloc(1, sizeof *t);
    if (!t) {
        rs_error_nomem(err);
        return NULL;
    }
    t->no_header = opt->no_header;
    if (!(t->in = rs_in_open(path, err)))
        goto fail;
    if (opt->rewindable && rs_in_make_rewindable(t->in, err))
        goto fail;
    unsigned char sniff[RS_FRAME_MAGIC_LEN];
    size_t sniff_len = 0;
    while (sniff_len < sizeof sniff) {
        ssize_t n = rs_in_read(t->in, sniff + sniff_len, sizeof sniff - sniff_len, err);
        if (n < 0)
            goto fail;
        if (n == 0)
            break;
        sniff_len += (size_t)n;
    }
    int is_frame = sniff_len == RS_FRAME_MAGIC_LEN && memcmp(sniff, RS_FRAME_MAGIC, sniff_len) == 0;
    if (refuse_binary(path, rs_in_name(t->in), sniff, sniff_len, err))
        goto fail;
    if ((is_frame ? open_frame(t, sniff, sniff_len, err) : open_csv(t, opt, sniff, sniff_len, err)))
        goto fail;
    return t;
fail:
    rs_table_free(t);
    return NULL;
}

void rs_table_free(rs_table *t)
{
    if (!t)
        return;
    rs_csv_reader_free(t->csv);
    rs_frame_reader_free(t->frame);
    for (size_t i = 0; t->names && i < t->n_cols; i++)
        free(t->names[i]);
    free(t->names);
    free(t->types);
    rs_in_free(t->in);
    free(t);
}

size_t rs_table_n_cols(const rs_table *t) { return t->n_cols; }
const char *rs_table_col_name(const rs_table *t, size_t col) { return t->names[col]; }
rs_col_type rs_table_col_type(const rs_table *t, size_t col) { return t->types[col]; }
const char *rs_table_name(const rs_table *t) { return rs_in_name(t->in); }
int rs_table_is_frame(const rs_table *t) { return t->frame != NULL; }
const unsigned char *rs_table_frame_dict(const rs_table *t) { return t->frame ? rs_frame_reader_dict_flags(t->frame) : NULL; }
long rs_table_blank_lines(const rs_table *t) { return t->csv ? rs_csv_reader_blank_lines(t->csv) : 0; }

int rs_table_has_col(const rs_table *t, const char *name, size_t *col)
{
    for (size_t i = 0; i < t->n_cols; i++)
        if (strcmp(t->names[i], name) == 0) {
            *col = i;
            return 1;
        }
    return 0;
}

rs_status rs_table_find_col(const rs_table *t, const char *name, const char *option,
                            size_t *col, rs_error *err)
{
    size_t found = 0, n_found = 0;
    for (size_t i = 0; i < t->n_cols; i++)
        if (strcmp(t->names[i], name) == 0)
            found = i, n_found++;
    if (n_found == 1) {
        *col = found;
        return RS_OK;
    }
    if (n_found > 1)
        return rs_error_set(err, RS_EUSAGE, rs_table_name(t), 0,
                            "column '%s' in %s is ambiguous: the header has it %zu times", name,
                            option, n_found);
    char list[512];
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < t->n_cols && len < sizeof list - 1; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", t->names[i]);
    if (len >= sizeof list - 1)
        strcpy(list + sizeof list - 5, "...");
    long near = rs_suggest(name, strlen(name), (const char *const *)t->names, t->n_cols);
    if (near >= 0)
        return rs_error_set(err, RS_EUSAGE, rs_table_name(t), 0,
                            "unknown column '%s' in %s: did you mean '%s'? (columns: %s)", name, option,
                            t->names[near], list);
    return rs_error_set(err, RS_EUSAGE, rs_table_name(t), 0,
                        "unknown column '%s' in %s (columns: %s)", name, option, list);
}

int rs_table_numbers_direct(rs_table *t, size_t col, rs_error *err)
{
    return t->frame ? rs_frame_reader_numbers_direct(t->frame, col, err) : 0;
}

int rs_table_number(const rs_table *t, size_t col, double *value)
{
    return t->frame ? rs_frame_reader_number(t->frame, col, value) : 0;
}

int rs_table_numbers(const rs_table *t, const size_t *cols, size_t n, double *values)
{
    return t->frame ? rs_frame_reader_numbers(t->frame, cols, n, values) : 0;
}

long rs_table_block_rows(rs_table *t, rs_error *err)
{
    return t->frame ? rs_frame_reader_block_rows(t->frame, err) : 0;
}

const double *rs_table_block_numbers(const rs_table *t, size_t col, size_t n, double *values)
{
    return t->frame ? rs_frame_reader_block_numbers(t->frame, col, n, values) : NULL;
}

void rs_table_skip(rs_table *t, size_t n)
{
    if (t->frame)
        rs_frame_reader_skip(t->frame, n);
}

int rs_table_next(rs_table *t, rs_record *rec, rs_error *err)
{
    if (t->frame)
        return rs_frame_reader_next(t->frame, rec, err);
    if (!t->csv)
        return 0;
    if (t->pending_first) {
        /* --no-header: the first record was read to learn the width */
        t->pending_first = 0;
        rs_csv_reader_unread(t->csv);
    }
    return rs_csv_reader_next(t->csv, rec, err);
}

rs_status rs_table_rewind(rs_table *t, rs_error *err)
{
    if (t->frame)
        return rs_frame_reader_rewind(t->frame, err);
    rs_status st = rs_csv_reader_rewind(t->csv, err);
    if (st || t->no_header)
        return st;
    rs_record header;
    return rs_csv_reader_next(t->csv, &header, err) < 0 ? err->code : RS_OK;
}

rs_status rs_table_check_width(const rs_table *t, const rs_record *rec, rs_error *err)
{
    if (rec->n_fields == t->n_cols)
        return RS_OK;
    return rs_error_set(err, RS_EDATA, rs_table_name(t), rec->line,
                        "expected %zu fields, got %zu (clean the table with rs-clean first)", t->n_cols,
                        rec->n_fields);
}

rs_status rs_table_bad_field(const rs_table *t, const rs_record *rec, size_t col, const char *what,
                             rs_error *err)
{
    const rs_field *f = &rec->fields[col];
    return rs_error_set(err, RS_EDATA, rs_table_name(t), rec->line, "column %s: '%.*s' is not %s",
                        t->names[col], (int)(f->len > 40 ? 40 : f->len), f->ptr, what);
}

rs_status rs_format_parse(const char *arg, rs_format *fmt, rs_error *err)
{
    if (strcmp(arg, "csv") == 0)
        *fmt = RS_FORMAT_CSV;
    else if (strcmp(arg, "rsf") == 0)
        *fmt = RS_FORMAT_RSF;
    else
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --format '%s' (expected csv or rsf)",
                            arg);
    return RS_OK;
}

struct rs_table_writer {
    rs_out *out;
    size_t n_cols;
    rs_frame_writer *frame;   /* NULL for CSV */
};

/* RS_OK when no two of names are equal, else RS_EDATA naming the first
 * repeated one: a table with two columns of one name cannot be read back
 * by name. */
static rs_status check_unique_names(size_t n_cols, const char *const *names, rs_error *err)
{
    rs_idmap *seen = rs_idmap_new();
    if (!seen)
        return rs_error_nomem(err);
    rs_status st = RS_OK;
    for (size_t i = 0; i < n_cols && st == RS_OK; i++) {
        int added;
        int32_t first = rs_idmap_intern(seen, names[i], strlen(names[i]), &added);
        if (first < 0)
            st = rs_error_nomem(err);
        else if (!added)
            st = rs_error_set(err, RS_EDATA, NULL, 0,
                              "output column '%s' would appear twice (columns %d and %zu): output column names "
                              "must be unique",
                              names[i], first + 1, i + 1);
    }
    rs_idmap_free(seen);
    return st;
}

rs_table_writer *rs_table_writer_new(rs_out *out, rs_format fmt, size_t n_cols,
                                     const char *const *names, const rs_col_type *types,
                                     rs_error *err)
{
    if (check_unique_names(n_cols, names, err) != RS_OK)
        return NULL;
    rs_table_writer *w = calloc(1, sizeof *w);
    if (!w) {
        rs_error_nomem(err);
        return NULL;
    }
    w->out = out;
    w->n_cols = n_cols;
    if (fmt == RS_FORMAT_RSF) {
        if (!(w->frame = rs_frame_writer_new(out, n_cols, names, types, err))) {
            free(w);
            return NULL;
        }
        return w;
    }
    for (size_t i = 0; i < n_cols; i++) {
        if (i)
            rs_out_putc(out, ',');
        rs_csv_write_field(out, names[i], strlen(names[i]));
    }
    if (n_cols)
        rs_out_putc(out, '\n');
    return w;
}

rs_status rs_table_writer_write(rs_table_writer *w, const rs_field *fields, int plain,
                                rs_error *err)
{
    if (w->frame)
        return rs_frame_writer_add_text(w->frame, fields, err);
    rs_csv_write_record(w->out, fields, w->n_cols, plain);
    return RS_OK;
}

rs_status rs_table_writer_finish(rs_table_writer *w, rs_error *err)
{
    if (w->frame)
        return rs_frame_writer_finish(w->frame, err);
    return rs_out_status(w->out, err);
}

void rs_table_writer_free(rs_table_writer *w)
{
    if (!w)
        return;
    rs_frame_writer_free(w->frame);
    free(w);
}

rs_status rs_table_sink_open(rs_table_sink *sink, const char *path, rs_format fmt, size_t n_cols,
                             const char *const *names, const rs_col_type *types, rs_error *err)
{
    sink->writer = NULL;
    if (!(sink->out = rs_out_open(path, err)))
        return err->code;
    sink->writer = rs_table_writer_new(sink->out, fmt, n_cols, names, types, err);
    return sink->writer ? RS_OK : err->code;
}

rs_status rs_table_sink_commit(rs_table_sink *sink, rs_error *err)
{
    rs_status st = rs_table_writer_finish(sink->writer, err);
    if (st == RS_OK) {
        st = rs_out_commit(sink->out, err);
        sink->out = NULL;
    }
    return st;
}

void rs_table_sink_close(rs_table_sink *sink)
{
    rs_table_writer_free(sink->writer);
    rs_out_abort(sink->out);
    sink->writer = NULL;
    sink->out = NULL;
}
