/* clean_parallel.c — rs-clean's emit pass on several threads (-j).
 *
 * The input file is cut into parts that each end after a '\n'.  Every
 * thread parses and cleans one part into its own memory outputs; the parts
 * are then written in input order, with their counts and warnings, so the
 * bytes are those of the one-thread run.
 *
 * A cut can fall inside a quoted field that holds a newline.  Each part is
 * parsed as if it began a record (speculation); the guess holds when the
 * part before it, itself parsed from a known record start, ended outside
 * quotes.  A part that ends inside a quote stops the round: it and the parts
 * after it are parsed again in the next round, joined into one part that
 * runs past its old end.  The first part of a round always starts at a
 * verified record boundary, so every part that is written was parsed from
 * a true record start with the same reader the one-thread run uses.
 *
 * Used for a CSV file named by -i (not standard input, not rsf, not "::"),
 * CSV output, and no --dedupe (whose first-seen rule is sequential). */
#include "clean/clean_impl.h"

#include "mem.h"
#include "threads.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { DEFAULT_PART_BYTES = 4 << 20, HEADER_BYTES = 1 << 20, HEADER_TRIES = 64 };

typedef struct {
    const char *data;     /* (len) bytes inside the window */
    size_t len;
    long first_line;
    long n_newlines;      /* '\n' bytes in the part, quoted ones too */
    long end_line;        /* the line after the part */
    int file_start;       /* starts the file (--no-header): look for a BOM */
    int last;             /* ends the input */
    /* results */
    rs_status status;
    rs_error err;
    int in_quote;         /* ended inside a quoted field: its successors are void */
    long blank_lines;
    clean_notes notes;
} part;

/* The unparsed input: bytes [0, len) of buf start at a verified record
 * boundary on line `line`. */
typedef struct {
    int fd;
    char *buf;            /* (cap) */
    size_t len, cap;
    long line;
    int eof;
} window;

/* One reader per worker, pointed at each of its parts in turn: no
 * allocation per part. */
typedef struct {
    rs_in *in;
    rs_csv_reader *reader;
} part_reader;

typedef struct {
    cleaner *main;
    cleaner *workers;     /* (n_parts) one per part of a round */
    part_reader *readers; /* (n_parts) */
    part *parts;          /* (n_parts) */
    size_t n_parts;
    int32_t n_shared_reasons;   /* the reasons every worker starts a part with */
} round_ctx;

static void *copy_new(const void *src, size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (p && bytes)
        memcpy(p, src, bytes);
    return p;
}

/* ---- a worker: a cleaner sharing the rules, with its own state ---- */

static void worker_free(cleaner *w)
{
    free(w->report);
    free(w->work);
    free(w->number);
    free(w->out_fields);
    free(w->arena);
    free(w->scratch);
    free(w->fills);
    free(w->outliers);
    rs_idmap_free(w->reasons);
    free(w->reason_counts);
    free(w->reason_is_fault);
    rs_table_writer_free(w->writer);
    rs_out_abort(w->out);
    rs_out_abort(w->rejects_out);
    memset(w, 0, sizeof *w);
}

/* The rules, columns and id maps are only read in the emit pass and stay
 * shared; counters, row memory and outputs are the worker's own. */
static rs_status worker_new(cleaner *w, const cleaner *c, rs_error *err)
{
    *w = *c;
    w->report = NULL, w->work = NULL, w->number = NULL, w->out_fields = NULL;
    w->arena = NULL, w->arena_cap = w->arena_len = 0;
    w->scratch = NULL, w->scratch_cap = 0;
    w->reasons = NULL, w->reason_counts = NULL, w->reason_is_fault = NULL, w->reasons_cap = 0;
    w->writer = NULL, w->out = NULL, w->rejects_out = NULL;
    w->seen = NULL;
    w->fills = copy_new(c->fills, c->n_fills * sizeof *c->fills);
    w->outliers = copy_new(c->outliers, c->n_outliers * sizeof *c->outliers);
    w->report = calloc(1, sizeof *w->report);
    w->work = calloc(c->n_cols ? c->n_cols : 1, sizeof *w->work);
    w->number = calloc(c->n_cols ? c->n_cols : 1, sizeof *w->number);
    w->out_fields = calloc(c->n_out ? c->n_out : 1, sizeof *w->out_fields);
    if (!w->fills || !w->outliers || !w->report || !w->work || !w->number || !w->out_fields)
        return rs_error_nomem(err);
    if (!(w->out = rs_out_open_memory(err)) ||
        (c->rejects_out && !(w->rejects_out = rs_out_open_memory(err))))
        return err->code;
    w->writer = rs_table_writer_new(w->out, RS_FORMAT_CSV, c->n_out, (const char *const *)c->out_names,
                                    c->out_types, err);
    if (!w->writer)
        return err->code;
    rs_out_memory_clear(w->out);   /* the header is the main output's */
    return RS_OK;
}

/* Start a part: zero counts, and the reasons as the main cleaner has them
 * now, so reasons new in the part get indices in their order of first use. */
static rs_status worker_reset(cleaner *w, const cleaner *c, clean_notes *notes)
{
    memset(w->report, 0, sizeof *w->report);
    for (size_t i = 0; i < w->n_fills; i++)
        w->fills[i].filled = 0;
    for (size_t i = 0; i < w->n_outliers; i++)
        w->outliers[i].clipped = 0;
    w->warned = 0;
    w->utf8_warned = 0;
    w->notes = notes;
    notes->n = 0;
    rs_out_memory_clear(w->out);   /* a part dropped in the last round left bytes */
    if (w->rejects_out)
        rs_out_memory_clear(w->rejects_out);
    rs_idmap_free(w->reasons);
    free(w->reason_counts);
    free(w->reason_is_fault);
    w->reasons = rs_idmap_new();
    w->reason_counts = calloc(c->reasons_cap ? c->reasons_cap : 1, sizeof *w->reason_counts);
    w->reason_is_fault = copy_new(c->reason_is_fault, c->reasons_cap);
    w->reasons_cap = c->reasons_cap;
    if (!w->reasons || !w->reason_counts || !w->reason_is_fault)
        return RS_ENOMEM;
    for (int32_t i = 0; i < rs_idmap_size(c->reasons); i++) {
        size_t len;
        const char *text = rs_idmap_key(c->reasons, i, &len);
        if (rs_idmap_intern(w->reasons, text, len, NULL) < 0)
            return RS_ENOMEM;
    }
    return RS_OK;
}

/* ---- one part, on a thread ---- */

static rs_status part_reader_open(part_reader *pr, const cleaner *w, const part *p, rs_error *err)
{
    if (!pr->reader) {
        if (!(pr->in = rs_in_open_memory(w->input_name, p->data, p->len, err)) ||
            !(pr->reader = rs_csv_reader_new(pr->in, &w->spec->table.csv, NULL, 0, err)))
            return err->code;
    } else {
        rs_in_memory_reset(pr->in, p->data, p->len);
        if (rs_csv_reader_rewind(pr->reader, err))
            return err->code;
    }
    if (!p->file_start)
        rs_csv_reader_start_at(pr->reader, p->first_line);
    return RS_OK;
}

static void part_reader_close(part_reader *pr)
{
    rs_csv_reader_free(pr->reader);
    rs_in_free(pr->in);
    pr->reader = NULL;
    pr->in = NULL;
}

static rs_status clean_part(cleaner *w, part_reader *pr, part *p, rs_error *err)
{
    if (part_reader_open(pr, w, p, err))
        return err->code;
    rs_record rec;
    int got = 0;
    rs_status st = RS_OK;
    while (st == RS_OK && (got = rs_csv_reader_next(pr->reader, &rec, err)) > 0)
        st = rs_clean_emit_row(w, &rec, err);
    if (st == RS_OK && got < 0) {
        p->in_quote = !p->last && rs_csv_reader_in_quote(pr->reader);
        st = p->in_quote ? RS_OK : err->code;
    }
    p->blank_lines = rs_csv_reader_blank_lines(pr->reader);
    return st;
}

static void clean_part_thread(void *ctx, int t, int n)
{
    (void)n;
    round_ctx *r = ctx;
    part *p = &r->parts[t];
    cleaner *w = &r->workers[t];
    p->in_quote = 0;
    p->blank_lines = 0;
    rs_error_clear(&p->err);
    p->status = worker_reset(w, r->main, &p->notes);
    if (p->status)
        p->status = rs_error_nomem(&p->err);
    else
        p->status = clean_part(w, &r->readers[t], p, &p->err);
}

/* ---- reading and cutting ---- */

/* Read until the window holds want bytes or the input ends. */
static rs_status window_fill(window *win, size_t want, const char *name, rs_error *err)
{
    if (want > win->cap && rs_grow((void **)&win->buf, &win->cap, want, 1) < 0)
        return rs_error_nomem(err);
    while (win->len < want && !win->eof) {
        ssize_t n = read(win->fd, win->buf + win->len, win->cap - win->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return rs_error_set(err, RS_EIO, name, 0, "read error: %s", strerror(errno));
        win->eof = n == 0;
        win->len += (size_t)n;
    }
    return RS_OK;
}

static long count_newlines(const char *p, size_t len)
{
    long n = 0;
    for (size_t i = 0; i < len; i++)   /* vectorised by the compiler */
        n += p[i] == '\n';
    return n;
}

static void count_part_newlines(void *ctx, int t, int n)
{
    (void)n;
    part *p = &((part *)ctx)[t];
    p->n_newlines = count_newlines(p->data, p->len);
}

/* The end of a part that starts at pos and is about size bytes: just after
 * the first '\n' at or past pos + size - 1, or the end of the input.  When
 * the window ends first: its last complete line when the part may be
 * short, else 0 (read more). */
static size_t cut_part(const window *win, size_t pos, size_t size, int may_be_short, int *last)
{
    size_t from = pos + size - 1;
    const char *nl = from < win->len ? memchr(win->buf + from, '\n', win->len - from) : NULL;
    *last = 0;
    if (nl) {
        size_t end = (size_t)(nl - win->buf) + 1;
        *last = win->eof && end == win->len;
        return end;
    }
    if (win->eof) {
        *last = 1;
        return win->len > pos ? win->len : 0;
    }
    for (size_t i = win->len; may_be_short && i > pos; i--)
        if (win->buf[i - 1] == '\n')
            return i;
    return 0;
}

/* ---- the header ---- */

/* The byte where data rows start, its line, and the blank lines before:
 * the end of the shortest prefix that ends with '\n', outside quotes, and
 * holds exactly one record (the header).  -1 when none is found in the
 * window (the emit pass then runs on one thread). */
static int find_data_start(const window *win, const cleaner *c, size_t *offset, long *blank)
{
    const char *p = win->buf, *end = win->buf + win->len;
    for (int tries = 0; tries < HEADER_TRIES; tries++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return -1;
        p = nl + 1;
        rs_error err = {0};
        rs_in *in = rs_in_open_memory(c->input_name, win->buf, (size_t)(p - win->buf), &err);
        rs_csv_reader *reader = in ? rs_csv_reader_new(in, &c->spec->table.csv, NULL, 0, &err) : NULL;
        int got = -1, records = 0, in_quote = 0;
        rs_record rec;
        while (reader && (got = rs_csv_reader_next(reader, &rec, &err)) > 0)
            records++;
        if (reader) {
            in_quote = got < 0 && rs_csv_reader_in_quote(reader);
            *blank = rs_csv_reader_blank_lines(reader);
        }
        rs_csv_reader_free(reader);
        rs_in_free(in);
        if (in_quote || (got == 0 && records == 0))
            continue;
        if (got < 0 || records != 1)
            return -1;
        *offset = (size_t)(p - win->buf);
        return 0;
    }
    return -1;
}

/* ---- merging, in input order ---- */

static rs_status merge_reasons(cleaner *c, const cleaner *w, int32_t n_shared, rs_error *err)
{
    for (int32_t i = 0; i < rs_idmap_size(w->reasons); i++) {
        int32_t global = i;
        if (i >= n_shared) {   /* new in this part: interned in its order of first use */
            size_t len;
            const char *text = rs_idmap_key(w->reasons, i, &len);
            char name[512];
            snprintf(name, sizeof name, "%.*s", (int)len, text);
            if ((global = rs_clean_reason(c, name, w->reason_is_fault[i])) < 0)
                return rs_error_nomem(err);
        }
        c->reason_counts[global] += w->reason_counts[i];
    }
    return RS_OK;
}

static void show_progress(const cleaner *c, long before, long after)
{
    if (!c->spec->progress)
        return;
    for (long at = (before / 65536 + 1) * 65536; at <= after; at += 65536)
        c->spec->progress(at, 0);
}

static rs_status merge_part(cleaner *c, const cleaner *w, const part *p, int32_t n_shared, rs_error *err)
{
    rs_clean_notes_show(c, &p->notes);
    if (p->status) {
        *err = p->err;
        return err->code;
    }
    if (merge_reasons(c, w, n_shared, err) || rs_out_move(c->out, w->out, err) ||
        (c->rejects_out && rs_out_move(c->rejects_out, w->rejects_out, err)))
        return err->code;
    rs_clean_report *r = c->report;
    const rs_clean_report *wr = w->report;
    show_progress(c, r->rows_in, r->rows_in + wr->rows_in);
    r->rows_in += wr->rows_in;
    r->rows_out += wr->rows_out;
    r->rows_rejected += wr->rows_rejected;
    r->malformed_rows += wr->malformed_rows;
    r->invalid_utf8_rows += wr->invalid_utf8_rows;
    for (size_t i = 0; i < c->n_fills; i++)
        c->fills[i].filled += w->fills[i].filled;
    for (size_t i = 0; i < c->n_outliers; i++)
        c->outliers[i].clipped += w->outliers[i].clipped;
    c->blank_lines += p->blank_lines;
    return rs_out_status(c->out, err);   /* stop early on a full disk or closed pipe */
}

/* ---- the rounds ---- */

/* Cut up to n parts from the window; the first is at least min_first bytes. */
static size_t cut_round(window *win, part *parts, size_t n, size_t part_bytes, size_t min_first,
                        int file_start)
{
    size_t pos = 0, n_cut = 0;
    long line = win->line;   /* each part's first line, once its newlines are counted */
    while (n_cut < n && pos < win->len) {
        int last;
        /* a first part that must run past a quoted newline is never short */
        int grown = n_cut == 0 && min_first > 0;
        size_t end = cut_part(win, pos, grown && min_first > part_bytes ? min_first : part_bytes, !grown, &last);
        if (end == 0)
            break;
        part *p = &parts[n_cut++];
        p->data = win->buf + pos;
        p->len = end - pos;
        p->file_start = file_start && pos == 0;
        p->last = last;
        pos = end;
    }
    rs_parallel((int)n_cut, count_part_newlines, parts);
    for (size_t t = 0; t < n_cut; t++) {
        parts[t].first_line = line;
        line += parts[t].n_newlines;
        parts[t].end_line = line;
    }
    return n_cut;
}

static rs_status run_rounds(round_ctx *r, window *win, size_t part_bytes, int file_start, rs_error *err)
{
    cleaner *c = r->main;
    size_t n = r->n_parts, min_first = 0;
    for (;;) {
        size_t first = min_first > part_bytes ? min_first : part_bytes;
        if (window_fill(win, first + (n - 1) * part_bytes + 1, c->input_name, err))
            return err->code;
        size_t n_cut = cut_round(win, r->parts, n, part_bytes, min_first, file_start);
        if (n_cut == 0 && win->eof)
            return RS_OK;
        if (n_cut == 0) {   /* one line longer than the window: read more */
            min_first = win->len + 1;
            continue;
        }
        r->n_shared_reasons = rs_idmap_size(c->reasons);
        rs_parallel((int)n_cut, clean_part_thread, r);
        size_t consumed = 0;
        min_first = 0;
        for (size_t t = 0; t < n_cut; t++) {
            const part *p = &r->parts[t];
            if (p->in_quote) {   /* the rest of the round started mid-field: again, joined */
                min_first = p->len + 1;
                break;
            }
            if (merge_part(c, &r->workers[t], p, r->n_shared_reasons, err))
                return err->code;
            consumed += p->len;
            win->line = p->end_line;
            file_start = 0;
        }
        if (consumed == win->len && win->eof)
            return RS_OK;
        memmove(win->buf, win->buf + consumed, win->len - consumed);
        win->len -= consumed;
    }
}

static int parallel_possible(const cleaner *c)
{
    const rs_clean_spec *spec = c->spec;
    struct stat st;
    return spec->threads > 1 && !c->seen && spec->out_format == RS_FORMAT_CSV &&
           !rs_table_is_frame(c->table) && spec->input && strcmp(spec->input, "-") != 0 &&
           strcmp(spec->table.csv.delim, "::") != 0 && !spec->table.csv.libcsv_only &&
           stat(spec->input, &st) == 0 && S_ISREG(st.st_mode);
}

static rs_status emit_parallel(cleaner *c, window *win, round_ctx *r, int *done, rs_error *err)
{
    const rs_clean_spec *spec = c->spec;
    size_t part_bytes = spec->part_bytes ? spec->part_bytes : DEFAULT_PART_BYTES;
    if (window_fill(win, part_bytes > HEADER_BYTES ? part_bytes : HEADER_BYTES, c->input_name, err))
        return err->code;
    size_t offset = 0;
    long blank = 0;
    if (!spec->table.no_header && find_data_start(win, c, &offset, &blank) < 0)
        return RS_OK;   /* no header found that ends in the window: one thread */
    *done = 1;
    c->report->passes++;
    c->blank_lines = blank;
    win->line = 1 + count_newlines(win->buf, offset);
    memmove(win->buf, win->buf + offset, win->len - offset);
    win->len -= offset;
    r->n_parts = (size_t)spec->threads;
    r->workers = calloc(r->n_parts, sizeof *r->workers);
    r->parts = calloc(r->n_parts, sizeof *r->parts);
    r->readers = calloc(r->n_parts, sizeof *r->readers);
    if (!r->workers || !r->parts || !r->readers)
        return rs_error_nomem(err);
    for (size_t t = 0; t < r->n_parts; t++)
        if (worker_new(&r->workers[t], c, err))
            return err->code;
    if (run_rounds(r, win, part_bytes, offset == 0, err))
        return err->code;
    if (spec->progress)
        spec->progress(c->report->rows_in, 1);
    return RS_OK;
}

rs_status rs_clean_emit_parallel(cleaner *c, int *done, rs_error *err)
{
    *done = 0;
    if (!parallel_possible(c))
        return RS_OK;
    window win = {.fd = open(c->spec->input, O_RDONLY | O_CLOEXEC)};
    if (win.fd < 0)
        return RS_OK;   /* the one-thread pass reports what is wrong */
    round_ctx r = {.main = c};
    rs_status st = emit_parallel(c, &win, &r, done, err);
    for (size_t t = 0; r.workers && t < r.n_parts; t++)
        worker_free(&r.workers[t]);
    for (size_t t = 0; r.readers && t < r.n_parts; t++)
        part_reader_close(&r.readers[t]);
    free(r.workers);
    free(r.readers);
    free(r.parts);
    free(win.buf);
    close(win.fd);
    return st;
}
