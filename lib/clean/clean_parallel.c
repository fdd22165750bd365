/* clean_parallel.c — rs-clean's emit pass on several threads (-j).
 *
 * The data rows of the file are cut into parts of about part_bytes: part k
 * runs from just after the first '\n' at or past its nominal start to the
 * same point of part k + 1, so every thread finds the ends of its own part
 * with pread, and no thread reads for the others.  A thread takes the next
 * part, reads it, counts its newlines (its first line is the sum of the
 * counts before it), cleans it into memory (clean_range.c) and, when the
 * parts before it are written, writes it: output, rejects, counts and
 * warnings in input order, so the bytes are those of the one-thread run.
 * While one thread writes, the others read and clean.
 *
 * A cut can fall inside a quoted field that holds a newline.  Each part is
 * cleaned as if it began a record (speculation); the guess holds when the
 * verified end of what was written before it is its start.  A written part
 * that ends inside a quote is cleaned again, when its turn comes, over a
 * range that runs on past its end until the quote closes (doubling), and
 * the parts that range swallowed are skipped or cleaned again from where it
 * ended.  So every byte written was cleaned from a verified record start
 * with the reader the one-thread run uses (libcsv for anything quoted).
 *
 * Used for a CSV file named by -i (not standard input, not rsf, not "::"),
 * CSV output, and no --dedupe (whose first-seen rule is sequential). */
#include "clean/clean_range.h"

#include "mem.h"
#include "threads.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { DEFAULT_PART_BYTES = 256 << 10, HEADER_BYTES = 1 << 20, HEADER_TRIES = 64, READ_SLACK = 64 << 10 };

/* The reject reasons every part starts with: the setup's, frozen before the
 * threads start (the main cleaner's list grows as parts are written). */
typedef struct {
    rs_idmap *reasons;
    unsigned char *is_fault;   /* (cap) */
    size_t cap;
} reason_base;

/* One thread's part and everything it keeps between parts. */
typedef struct {
    cleaner w;
    range_parser rp;
    char *buf;              /* (cap) file bytes [base, base + len) */
    size_t len, cap;
    off_t base;
    int eof;                /* buf reaches the end of the file */
    off_t start, end;       /* the part, in file offsets */
    long first_line;
    long newlines;          /* '\n' bytes in the part, quoted ones too */
    rs_status status;       /* of cleaning the part */
    int load_failed;        /* reading it failed: err says why */
    rs_error err;
    range_result res;
    clean_notes notes;
} slot;

typedef struct {
    cleaner *main;
    reason_base base;
    int fd;
    off_t data_start;
    size_t part_bytes, n_parts;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t next_part;        /* the next part a thread takes */
    long *newlines;          /* (n_parts) -1 until counted */
    long *first_line;        /* (n_parts) */
    size_t lines_known;      /* first_line[0, lines_known) are set */
    size_t written;          /* parts written or skipped, in order */
    off_t verified_pos;      /* the end of what was written: a record start */
    long verified_line;
    int stop;                /* an error is in err: take no more parts */
    rs_error err;
    slot *slots;             /* (n_slots) */
    int n_slots;
} pipeline;

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

/* Start a part: zero counts, and the setup's reasons, so reasons new in
 * the part get indices in their order of first use. */
static rs_status worker_reset(cleaner *w, const reason_base *base, clean_notes *notes)
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
    rs_out_memory_clear(w->out);   /* a part cleaned again, or one that failed, left bytes */
    if (w->rejects_out)
        rs_out_memory_clear(w->rejects_out);
    rs_idmap_free(w->reasons);
    free(w->reason_counts);
    free(w->reason_is_fault);
    w->reasons = rs_idmap_new();
    w->reason_counts = calloc(base->cap ? base->cap : 1, sizeof *w->reason_counts);
    w->reason_is_fault = copy_new(base->is_fault, base->cap);
    w->reasons_cap = base->cap;
    if (!w->reasons || !w->reason_counts || !w->reason_is_fault)
        return RS_ENOMEM;
    for (int32_t i = 0; i < rs_idmap_size(base->reasons); i++) {
        size_t len;
        const char *text = rs_idmap_key(base->reasons, i, &len);
        if (rs_idmap_intern(w->reasons, text, len, NULL) < 0)
            return RS_ENOMEM;
    }
    return RS_OK;
}

static rs_status reason_base_new(reason_base *b, const cleaner *c)
{
    b->cap = c->reasons_cap;
    b->is_fault = copy_new(c->reason_is_fault, c->reasons_cap);
    b->reasons = rs_idmap_new();
    if (!b->is_fault || !b->reasons)
        return RS_ENOMEM;
    for (int32_t i = 0; i < rs_idmap_size(c->reasons); i++) {
        size_t len;
        const char *text = rs_idmap_key(c->reasons, i, &len);
        if (rs_idmap_intern(b->reasons, text, len, NULL) < 0)
            return RS_ENOMEM;
    }
    return RS_OK;
}

/* ---- reading a part's bytes ---- */

/* Append up to want more file bytes to the slot's buffer (fewer at the end). */
static rs_status slot_read_more(slot *s, int fd, size_t want, const char *name, rs_error *err)
{
    if (s->len + want + 1 > s->cap && rs_grow((void **)&s->buf, &s->cap, s->len + want + 1, 1) < 0)
        return rs_error_nomem(err);
    size_t goal = s->len + want;
    while (s->len < goal && !s->eof) {
        ssize_t n = pread(fd, s->buf + s->len, goal - s->len, s->base + (off_t)s->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return rs_error_set(err, RS_EIO, name, 0, "read error: %s", strerror(errno));
        s->eof = n == 0;
        s->len += (size_t)n;
    }
    return RS_OK;
}

/* The file offset just after the first '\n' at or past `from` (>= base),
 * or the end of the file; reads on as needed. */
static rs_status slot_line_end(slot *s, int fd, off_t from, size_t step, const char *name, off_t *at,
                               rs_error *err)
{
    for (;;) {
        size_t i = (size_t)(from - s->base);
        const char *nl = i < s->len ? memchr(s->buf + i, '\n', s->len - i) : NULL;
        if (nl) {
            *at = s->base + (off_t)(nl - s->buf) + 1;
            return RS_OK;
        }
        if (s->eof) {
            *at = s->base + (off_t)s->len;
            return RS_OK;
        }
        if (slot_read_more(s, fd, step > s->len ? step : s->len, name, err))
            return err->code;
    }
}

/* Read part k: its bytes from the '\n' before its nominal start to the one
 * before the next part's. */
static rs_status slot_load(pipeline *p, slot *s, size_t k, rs_error *err)
{
    const char *name = p->main->input_name;
    off_t nominal = p->data_start + (off_t)(k * p->part_bytes);
    s->base = k == 0 ? p->data_start : nominal - 1;
    s->len = 0;
    s->eof = 0;
    /* the part and a little more: the next part's first line, mostly */
    size_t slack = p->part_bytes < READ_SLACK ? p->part_bytes + 64 : READ_SLACK;
    if (slot_read_more(s, p->fd, p->part_bytes + slack, name, err))
        return err->code;
    s->start = p->data_start;
    if (k > 0 && slot_line_end(s, p->fd, s->base, slack, name, &s->start, err))
        return err->code;
    if (k + 1 < p->n_parts)
        return slot_line_end(s, p->fd, nominal + (off_t)p->part_bytes - 1, slack, name, &s->end, err);
    while (!s->eof)   /* the last part runs to the end of the file */
        if (slot_read_more(s, p->fd, s->len + slack, name, err))
            return err->code;
    s->end = s->base + (off_t)s->len;
    return RS_OK;
}

static int slot_is_last(const slot *s, off_t end)
{
    return s->eof && end == s->base + (off_t)s->len;
}

/* ---- cleaning ---- */

static rs_status clean_at(pipeline *p, slot *s, off_t from, off_t to, long line)
{
    if (worker_reset(&s->w, &p->base, &s->notes))
        return rs_error_nomem(&s->err);
    clean_range range = {s->buf + (from - s->base), (size_t)(to - from), line, from == 0, slot_is_last(s, to)};
    rs_error_clear(&s->err);
    return rs_clean_range(&s->w, &s->rp, &range, &s->res, &s->err);
}

/* The part, again, from the verified position: the speculation failed.
 * The range grows while it ends inside a quoted field. */
static rs_status clean_again(pipeline *p, slot *s, off_t *to)
{
    off_t from = p->verified_pos;
    *to = s->end;
    for (;;) {
        s->status = clean_at(p, s, from, *to, p->verified_line);
        if (s->status || !s->res.in_quote)
            return s->status;
        off_t want = from + 2 * (*to - from) - 1;
        if (slot_line_end(s, p->fd, want, (size_t)(*to - from) + READ_SLACK, p->main->input_name, to, &s->err))
            return s->status = s->err.code;
    }
}

/* ---- writing, in input order ---- */

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

static rs_status merge_slot(pipeline *p, slot *s, rs_error *err)
{
    cleaner *c = p->main;
    const cleaner *w = &s->w;
    rs_clean_notes_show(c, &s->notes);
    if (s->status) {
        *err = s->err;
        return err->code;
    }
    if (merge_reasons(c, w, rs_idmap_size(p->base.reasons), err) || rs_out_move_pieces(c->out, w->out, s->rp.pieces, s->rp.n_pieces, err) ||
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
    c->blank_lines += s->res.blank_lines;
    return rs_out_status(c->out, err);   /* stop early on a full disk or closed pipe */
}

/* Part k's turn (the parts before it are written): write it, or clean it
 * again first, or skip it when an earlier range swallowed it. */
static rs_status write_turn(pipeline *p, slot *s, rs_error *err)
{
    if (s->load_failed) {
        *err = s->err;
        return err->code;
    }
    if (p->verified_pos >= s->end)
        return RS_OK;
    off_t from = p->verified_pos, to = s->end;
    int guessed_right = from == s->start && !s->res.in_quote;
    if (!guessed_right)
        clean_again(p, s, &to);
    if (merge_slot(p, s, err))
        return err->code;
    p->verified_line = guessed_right ? s->first_line + s->newlines
                                     : p->verified_line + rs_clean_count_newlines(s->buf + (from - s->base),
                                                                                  (size_t)(to - from));
    p->verified_pos = to;
    return RS_OK;
}

/* ---- a thread: take parts until none are left ---- */

/* With the lock held: the first lines that the counts so far settle. */
static void settle_lines(pipeline *p)
{
    while (p->lines_known < p->n_parts && p->newlines[p->lines_known - 1] >= 0) {
        p->first_line[p->lines_known] = p->first_line[p->lines_known - 1] + p->newlines[p->lines_known - 1];
        p->lines_known++;
    }
}

static void run_part(pipeline *p, slot *s, size_t k)
{
    rs_error_clear(&s->err);
    s->res.in_quote = 0;
    s->res.blank_lines = 0;
    s->notes.n = 0;
    s->status = slot_load(p, s, k, &s->err);
    s->load_failed = s->status != RS_OK;
    s->newlines = s->status ? 0
                            : rs_clean_count_newlines(s->buf + (s->start - s->base), (size_t)(s->end - s->start));
    pthread_mutex_lock(&p->lock);
    p->newlines[k] = s->newlines;
    settle_lines(p);
    pthread_cond_broadcast(&p->cond);
    while (p->lines_known <= k)
        pthread_cond_wait(&p->cond, &p->lock);
    s->first_line = p->first_line[k];
    int stop = p->stop;
    pthread_mutex_unlock(&p->lock);
    if (!s->status && !stop && s->end > s->start)
        s->status = clean_at(p, s, s->start, s->end, s->first_line);
    pthread_mutex_lock(&p->lock);
    while (p->written < k)
        pthread_cond_wait(&p->cond, &p->lock);
    stop = p->stop;
    pthread_mutex_unlock(&p->lock);
    rs_error err = {0};
    rs_status st = stop ? RS_OK : write_turn(p, s, &err);   /* alone: the turn is this part's */
    pthread_mutex_lock(&p->lock);
    if (st) {
        p->stop = 1;
        p->err = err;
    }
    p->written++;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

static void pipeline_thread(void *ctx, int t, int n)
{
    (void)n;
    pipeline *p = ctx;
    slot *s = &p->slots[t];
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t k = p->next_part;
        int stop = p->stop || k >= p->n_parts;
        if (!stop)
            p->next_part++;
        pthread_mutex_unlock(&p->lock);
        if (stop)
            return;
        run_part(p, s, k);
    }
}

/* ---- the header ---- */

/* The byte where data rows start, its line, and the blank lines before:
 * the end of the shortest prefix that ends with '\n', outside quotes, and
 * holds exactly one record (the header).  -1 when none is found in the
 * first bytes (the emit pass then runs on one thread). */
static int find_data_start(const char *buf, size_t buf_len, const cleaner *c, size_t *offset, long *blank)
{
    const char *p = buf, *end = buf + buf_len;
    for (int tries = 0; tries < HEADER_TRIES; tries++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return -1;
        p = nl + 1;
        rs_error err = {0};
        rs_in *in = rs_in_open_memory(c->input_name, buf, (size_t)(p - buf), &err);
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
        *offset = (size_t)(p - buf);
        return 0;
    }
    return -1;
}

/* Where the data rows start, and their first line; -1: not found (one
 * thread), -2: a read error in err. */
static int locate_data(pipeline *p, long *first_line, long *blank, rs_error *err)
{
    cleaner *c = p->main;
    slot head = {.base = 0};
    if (slot_read_more(&head, p->fd, HEADER_BYTES, c->input_name, err)) {
        free(head.buf);
        return -2;
    }
    size_t offset = 0;
    int found = c->spec->table.no_header || find_data_start(head.buf, head.len, c, &offset, blank) == 0;
    p->data_start = (off_t)offset;
    *first_line = 1 + rs_clean_count_newlines(head.buf, offset);
    free(head.buf);
    return found ? 0 : -1;
}

/* ---- the whole pass ---- */

static int parallel_possible(const cleaner *c)
{
    const rs_clean_spec *spec = c->spec;
    struct stat st;
    return spec->threads > 1 && !c->seen && spec->out_format == RS_FORMAT_CSV &&
           !rs_table_is_frame(c->table) && spec->input && strcmp(spec->input, "-") != 0 &&
           strcmp(spec->table.csv.delim, "::") != 0 && !spec->table.csv.libcsv_only &&
           stat(spec->input, &st) == 0 && S_ISREG(st.st_mode);
}

static rs_status pipeline_start(pipeline *p, int *done, rs_error *err)
{
    cleaner *c = p->main;
    const rs_clean_spec *spec = c->spec;
    struct stat st;
    if (fstat(p->fd, &st) < 0)
        return RS_OK;   /* the one-thread pass reports what is wrong */
    p->part_bytes = spec->part_bytes ? spec->part_bytes : DEFAULT_PART_BYTES;
    long blank = 0;
    long first_line = 1;
    int located = locate_data(p, &first_line, &blank, err);
    if (located == -2)
        return err->code;
    if (located < 0)
        return RS_OK;   /* no header found that ends in the first bytes: one thread */
    *done = 1;
    c->report->passes++;
    c->blank_lines = blank;
    off_t data_bytes = st.st_size > p->data_start ? st.st_size - p->data_start : 0;
    p->n_parts = (size_t)((data_bytes + (off_t)p->part_bytes - 1) / (off_t)p->part_bytes);
    p->newlines = malloc((p->n_parts ? p->n_parts : 1) * sizeof *p->newlines);
    p->first_line = malloc((p->n_parts ? p->n_parts : 1) * sizeof *p->first_line);
    int cpus = rs_cpu_count();
    p->n_slots = spec->threads < cpus ? spec->threads : cpus;
    p->slots = calloc((size_t)p->n_slots, sizeof *p->slots);
    if (!p->newlines || !p->first_line || !p->slots || reason_base_new(&p->base, c))
        return rs_error_nomem(err);
    for (size_t k = 0; k < p->n_parts; k++)
        p->newlines[k] = -1;
    p->first_line[0] = first_line;
    p->lines_known = 1;
    p->verified_pos = p->data_start;
    p->verified_line = first_line;
    for (int t = 0; t < p->n_slots; t++)
        if (worker_new(&p->slots[t].w, c, err))
            return err->code;
    rs_parallel(p->n_slots, pipeline_thread, p);
    if (p->stop) {
        *err = p->err;
        return err->code;
    }
    if (spec->progress)
        spec->progress(c->report->rows_in, 1);
    return RS_OK;
}

rs_status rs_clean_emit_parallel(cleaner *c, int *done, rs_error *err)
{
    *done = 0;
    if (!parallel_possible(c))
        return RS_OK;
    pipeline p = {.main = c, .fd = open(c->spec->input, O_RDONLY | O_CLOEXEC)};
    if (p.fd < 0)
        return RS_OK;   /* the one-thread pass reports what is wrong */
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.cond, NULL);
    rs_status st = pipeline_start(&p, done, err);
    for (int t = 0; p.slots && t < p.n_slots; t++) {
        worker_free(&p.slots[t].w);
        rs_range_parser_free(&p.slots[t].rp);
        free(p.slots[t].buf);
    }
    free(p.slots);
    free(p.newlines);
    free(p.first_line);
    rs_idmap_free(p.base.reasons);
    free(p.base.is_fault);
    pthread_cond_destroy(&p.cond);
    pthread_mutex_destroy(&p.lock);
    close(p.fd);
    return st;
}
