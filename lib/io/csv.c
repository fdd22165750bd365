#include "io/csv.h"

#include "mem.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK = 1 << 16, UNIT_SEP = 0x1f, RECORD_SEP = 0x1e };

/* libcsv's parser state inside a field (csv_parser.pstate; libcsv.c names
 * it FIELD_BEGUN).  libcsv reports an unclosed quote only in CSV_STRICT
 * mode, which would also make a stray quote in an unquoted field (5" x 7")
 * fatal, so rs parses leniently and checks this state at the end. */
#define LIBCSV_FIELD_BEGUN 2

/* Records parsed from one chunk wait in a queue: field bytes in `data`,
 * field boundaries in `field_off`/`field_len`, records as ranges of fields. */
typedef struct {
    size_t first_field, n_fields;
    long line;
    unsigned flags;   /* RS_REC_* */
} queued_record;

struct rs_csv_reader {
    rs_in *in;
    struct csv_parser parser;
    int double_colon;         /* "::" mode: "::" is rewritten to UNIT_SEP */
    int libcsv_only;          /* no fast path (for the differential tests) */
    unsigned char delim, quote;
    int pending_colon;        /* a ':' ended the previous chunk in "::" mode */
    size_t max_field;
    unsigned char *chunk;     /* (CHUNK + 1) */
    unsigned char *prefix;    /* sniffed bytes not yet parsed */
    size_t prefix_len;
    unsigned char *prefix_copy;
    int at_start;             /* BOM check pending */
    int eof;

    char *data;               /* field bytes (data_cap) */
    size_t data_len, data_cap;
    size_t *field_off, *field_len;   /* (fields_cap) */
    size_t n_fields, fields_cap;
    queued_record *queue;            /* (queue_cap) */
    size_t queue_len, queue_cap, queue_pos;

    /* the record being assembled */
    size_t cur_first_field;
    long cur_line;            /* line of the next unconsumed byte */
    long cur_record_line;
    unsigned char byte_class[256];   /* RS_REC_* bits each byte sets */
    unsigned char line_class[256];   /* the same, but the delimiter sets none */
    long blank_lines;
    int prev_cr;              /* the last terminator was a CR (CRLF pending) */
    int flags_known;          /* the fast path already classified this record's bytes */
    unsigned known_flags;
    int failed;               /* 1: out of memory, 2: field too long */
    rs_error deferred;        /* an error met after records still queued */

    rs_field *out_fields;     /* (out_cap) handed to the caller */
    size_t out_cap;
};

static int never_space(unsigned char c)
{
    (void)c;
    return 0;
}

rs_status rs_csv_parse_delim(const char *arg, char out[3], rs_error *err)
{
    if (strcmp(arg, "\\t") == 0 || strcmp(arg, "tab") == 0 || strcmp(arg, "\t") == 0) {
        strcpy(out, "\t");
        return RS_OK;
    }
    if (strcmp(arg, "::") == 0) {
        strcpy(out, "::");
        return RS_OK;
    }
    if (strlen(arg) != 1 || arg[0] == '"' || arg[0] == '\n' || arg[0] == '\r')
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "invalid delimiter '%s' (expected one byte, '\\t' or '::')", arg);
    out[0] = arg[0];
    out[1] = '\0';
    return RS_OK;
}

static void parser_init(rs_csv_reader *r)
{
    csv_init(&r->parser, CSV_REPALL_NL | CSV_STRICT_FINI);
    csv_set_space_func(&r->parser, never_space);
    if (r->double_colon) {
        csv_set_delim(&r->parser, UNIT_SEP);
        csv_set_quote(&r->parser, RECORD_SEP);   /* .dat files are not quoted */
    }
}

rs_csv_reader *rs_csv_reader_new(rs_in *in, const rs_csv_options *opt, const void *prefix,
                                 size_t prefix_len, rs_error *err)
{
    rs_csv_reader *r = calloc(1, sizeof *r);
    if (!r)
        goto nomem;
    r->in = in;
    r->double_colon = strcmp(opt->delim, "::") == 0;
    r->libcsv_only = opt->libcsv_only;
    r->delim = r->double_colon ? UNIT_SEP : (unsigned char)opt->delim[0];
    r->quote = r->double_colon ? RECORD_SEP : '"';
    r->max_field = opt->max_field ? opt->max_field : RS_CSV_DEFAULT_MAX_FIELD;
    r->chunk = malloc(CHUNK + 1);
    r->prefix_copy = malloc(prefix_len + 1);
    r->data_cap = CHUNK;
    r->data = malloc(r->data_cap);
    r->fields_cap = 1024;
    r->field_off = malloc(r->fields_cap * sizeof *r->field_off);
    r->field_len = malloc(r->fields_cap * sizeof *r->field_len);
    r->queue_cap = 256;
    r->queue = malloc(r->queue_cap * sizeof *r->queue);
    if (!r->chunk || !r->prefix_copy || !r->data || !r->field_off || !r->field_len || !r->queue)
        goto nomem;
    if (prefix_len)
        memcpy(r->prefix_copy, prefix, prefix_len);
    parser_init(r);
    if (!r->double_colon)
        csv_set_delim(&r->parser, (unsigned char)opt->delim[0]);
    r->prefix = r->prefix_copy;
    r->prefix_len = prefix_len;
    r->at_start = 1;
    r->cur_line = 1;
    r->byte_class[0] = RS_REC_NUL;
    r->byte_class['\n'] = RS_REC_NEWLINE | RS_REC_SPECIAL;
    r->byte_class['\r'] = RS_REC_NEWLINE | RS_REC_SPECIAL;
    r->byte_class['"'] = r->byte_class[','] = RS_REC_SPECIAL;
    for (int b = 0x80; b < 0x100; b++)
        r->byte_class[b] = RS_REC_NON_ASCII;
    memcpy(r->line_class, r->byte_class, sizeof r->line_class);
    r->line_class[r->delim] = 0;
    return r;
nomem:
    rs_csv_reader_free(r);
    rs_error_nomem(err);
    return NULL;
}

void rs_csv_reader_free(rs_csv_reader *r)
{
    if (!r)
        return;
    csv_free(&r->parser);
    free(r->chunk);
    free(r->prefix_copy);
    free(r->data);
    free(r->field_off);
    free(r->field_len);
    free(r->queue);
    free(r->out_fields);
    free(r);
}

void rs_csv_reader_start_at(rs_csv_reader *r, long line)
{
    r->cur_line = line;
    r->at_start = 0;
}

int rs_csv_reader_in_quote(const rs_csv_reader *r)
{
    return r->parser.pstate == LIBCSV_FIELD_BEGUN && r->parser.quoted;
}

long rs_csv_reader_blank_lines(const rs_csv_reader *r)
{
    return r->blank_lines;
}

static void on_field(void *s, size_t len, void *ctx)
{
    rs_csv_reader *r = ctx;
    if (r->failed)
        return;
    if (r->n_fields == r->cur_first_field)
        r->cur_record_line = r->cur_line;
    if (len > r->max_field) {
        r->failed = 2;
        return;
    }
    if (r->data_len + len > r->data_cap || r->n_fields + 1 > r->fields_cap) {   /* rarely */
        size_t cap = r->fields_cap;
        if (rs_grow((void **)&r->data, &r->data_cap, r->data_len + len, 1) < 0 ||
            rs_grow((void **)&r->field_off, &cap, r->n_fields + 1, sizeof(size_t)) < 0 ||
            rs_grow((void **)&r->field_len, &r->fields_cap, r->n_fields + 1, sizeof(size_t)) < 0) {
            r->failed = 1;
            return;
        }
    }
    if (len)
        memcpy(r->data + r->data_len, s, len);
    r->field_off[r->n_fields] = r->data_len;
    r->field_len[r->n_fields] = len;
    r->n_fields++;
    r->data_len += len;
}

static void on_record_end(int terminator, void *ctx)
{
    rs_csv_reader *r = ctx;
    if (r->failed)
        return;
    size_t n = r->n_fields - r->cur_first_field;
    if (n > 0) {
        if (rs_grow((void **)&r->queue, &r->queue_cap, r->queue_len + 1, sizeof *r->queue) < 0) {
            r->failed = 1;
            return;
        }
        /* one pass over the record's bytes (contiguous in data), unless the
         * fast path classified them while splitting */
        const unsigned char *p = (const unsigned char *)r->data + r->field_off[r->cur_first_field];
        const unsigned char *end = (const unsigned char *)r->data + r->data_len;
        unsigned flags = r->known_flags;
        if (!r->flags_known)
            for (const unsigned char *q = p; q < end; q++)
                flags |= r->byte_class[*q];
        r->flags_known = 0;
        r->known_flags = 0;
        if (flags & RS_REC_NEWLINE)   /* quoted newlines: later lines stay exact */
            for (const unsigned char *q = p; (q = memchr(q, '\n', (size_t)(end - q))); q++)
                r->cur_line++;
        r->queue[r->queue_len++] = (queued_record){r->cur_first_field, n, r->cur_record_line, flags};
        r->cur_first_field = r->n_fields;
    } else if (!(terminator == '\n' && r->prev_cr) && terminator != -1) {
        r->blank_lines++;
    }
    if (terminator == '\n')
        r->cur_line++;
    r->prev_cr = terminator == '\r';
}

/* Move the fields of the record still being assembled to the front so the
 * buffers do not grow with the input. */
static void compact(rs_csv_reader *r)
{
    size_t keep = r->n_fields - r->cur_first_field;
    size_t base = keep ? r->field_off[r->cur_first_field] : r->data_len;
    memmove(r->data, r->data + base, r->data_len - base);
    for (size_t i = 0; i < keep; i++) {
        r->field_off[i] = r->field_off[r->cur_first_field + i] - base;
        r->field_len[i] = r->field_len[r->cur_first_field + i];
    }
    r->data_len -= base;
    r->n_fields = keep;
    r->cur_first_field = 0;
    r->queue_len = r->queue_pos = 0;
}

static long open_record_line(const rs_csv_reader *r)
{
    return r->n_fields > r->cur_first_field ? r->cur_record_line : r->cur_line;
}

/* libcsv is between records: no field begun, nothing of a record kept. */
static int at_record_start(const rs_csv_reader *r)
{
    return r->parser.pstate == 0 && r->parser.entry_pos == 0 && r->n_fields == r->cur_first_field;
}

/* Split one complete line that holds no quote (the line excludes its '\n'):
 * one loop finds the delimiters and classifies the bytes.  Fields go through
 * the same callbacks libcsv calls, in the same order, so the two paths
 * cannot drift apart in what they count.  Returns 0 without consuming
 * anything when a CR stands inside the line (libcsv's business). */
static int split_plain_line(rs_csv_reader *r, const unsigned char *line, size_t len)
{
    int crlf = len && line[len - 1] == '\r';
    len -= (size_t)crlf;
    unsigned flags = 0;
    for (size_t i = 0; i < len; i++)
        flags |= r->line_class[line[i]];
    if (flags & RS_REC_NEWLINE)
        return 0;
    if (len > 0) {
        const unsigned char *p = line, *end = line + len;
        for (;;) {
            const unsigned char *d = memchr(p, r->delim, (size_t)(end - p));
            if (!d) {
                on_field((void *)p, (size_t)(end - p), r);
                break;
            }
            on_field((void *)p, (size_t)(d - p), r);
            p = d + 1;
        }
        r->flags_known = 1;
        r->known_flags = flags;
    }
    if (crlf)
        on_record_end('\r', r);
    on_record_end('\n', r);
    return 1;
}

/* Lines without a quote character, whole in this buffer and starting at a
 * record boundary, are split directly (memchr); libcsv parses everything
 * else: quoted fields, lone CRs, and the partial line at the buffer's end. */
static void parse_mixed(rs_csv_reader *r, const unsigned char *buf, size_t len)
{
    size_t pos = 0;
    const unsigned char *next_quote = memchr(buf, r->quote, len);
    while (pos < len && !r->failed) {
        const unsigned char *nl = memchr(buf + pos, '\n', len - pos);
        size_t line_end = nl ? (size_t)(nl - buf) : len;   /* index of '\n' or len */
        if (next_quote && (size_t)(next_quote - buf) < pos)
            next_quote = memchr(buf + pos, r->quote, len - pos);
        int plain = nl && at_record_start(r) &&
                    !(next_quote && (size_t)(next_quote - buf) < line_end);
        if (!plain || !split_plain_line(r, buf + pos, line_end - pos))
            csv_parse(&r->parser, buf + pos, line_end - pos + (nl != NULL), on_field, on_record_end, r);
        pos = line_end + 1;
    }
}

/* "::" becomes UNIT_SEP in place; a trailing ':' waits for the next chunk.
 * Returns the new length, or -1 when the data holds UNIT_SEP itself. */
static long rewrite_double_colon(rs_csv_reader *r, unsigned char *buf, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == UNIT_SEP || buf[i] == RECORD_SEP)
            return -1;
        if (buf[i] == ':' && i + 1 < len && buf[i + 1] == ':') {
            buf[w++] = UNIT_SEP;
            i++;
        } else if (buf[i] == ':' && i + 1 == len) {
            r->pending_colon = 1;
        } else {
            buf[w++] = buf[i];
        }
    }
    return (long)w;
}

static rs_status feed(rs_csv_reader *r, unsigned char *buf, size_t len, rs_error *err)
{
    if (r->at_start && len > 0) {
        r->at_start = 0;
        if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
            buf += 3, len -= 3;
    }
    if (r->double_colon) {
        long n = rewrite_double_colon(r, buf, len);
        if (n < 0)
            return rs_error_set(err, RS_EDATA, rs_in_name(r->in), open_record_line(r),
                                "control byte 0x1E/0x1F is not supported in '::' files");
        len = (size_t)n;
    }
    /* libcsv grows a field's buffer by blk_size bytes at a time (128 by
     * default): growing by the current size instead keeps a long field
     * linear rather than quadratic */
    size_t blk = r->parser.entry_size > CHUNK ? r->parser.entry_size : CHUNK;
    csv_set_blk_size(&r->parser, blk);
    if (r->libcsv_only)
        csv_parse(&r->parser, buf, len, on_field, on_record_end, r);
    else
        parse_mixed(r, buf, len);
    if (r->failed == 1 || csv_error(&r->parser) == CSV_ENOMEM)
        return rs_error_nomem(err);
    if (r->failed == 2 || r->parser.entry_pos > r->max_field)
        return rs_error_set(err, RS_EDATA, rs_in_name(r->in), open_record_line(r),
                            "field longer than %zu bytes (unterminated quote? raise --max-field)",
                            r->max_field);
    return RS_OK;
}

static rs_status finish(rs_csv_reader *r, rs_error *err)
{
    r->eof = 1;
    if (r->pending_colon) {
        r->pending_colon = 0;
        unsigned char colon = ':';
        csv_parse(&r->parser, &colon, 1, on_field, on_record_end, r);
    }
    long line = open_record_line(r);
    if (r->parser.pstate == LIBCSV_FIELD_BEGUN && r->parser.quoted)
        return rs_error_set(err, RS_EDATA, rs_in_name(r->in), line,
                            "unterminated quoted field (the closing quote is missing)");
    if (csv_fini(&r->parser, on_field, on_record_end, r) != 0 || r->failed == 1)
        return rs_error_nomem(err);
    if (r->failed == 2)
        return rs_error_set(err, RS_EDATA, rs_in_name(r->in), line,
                            "field longer than %zu bytes (raise --max-field)", r->max_field);
    return RS_OK;
}

/* Read and parse chunks until a record is queued or the input ends.  An
 * error is kept in r->deferred and reported once the records parsed before
 * it have been handed out, so every good row before a bad spot is seen. */
static rs_status fill_queue(rs_csv_reader *r, rs_error *err)
{
    while (r->queue_pos == r->queue_len) {
        if (r->deferred.code) {
            *err = r->deferred;
            return err->code;
        }
        if (r->eof)
            return RS_OK;
        compact(r);
        unsigned char *buf = r->chunk;
        size_t len = 0;
        if (r->pending_colon) {
            r->pending_colon = 0;
            buf[len++] = ':';
        }
        if (r->prefix_len) {
            size_t n = r->prefix_len < CHUNK ? r->prefix_len : CHUNK;
            memcpy(buf + len, r->prefix, n);
            r->prefix += n;
            r->prefix_len -= n;
            len += n;
        } else {
            ssize_t n = rs_in_read(r->in, buf + len, CHUNK, &r->deferred);
            if (n < 0)
                continue;
            if (n == 0) {
                r->pending_colon = len > 0;   /* a lone ':' at the very end */
                finish(r, &r->deferred);
                continue;
            }
            len += (size_t)n;
        }
        if (feed(r, buf, len, &r->deferred))
            r->eof = 1;
    }
    return RS_OK;
}

int rs_csv_reader_next(rs_csv_reader *r, rs_record *rec, rs_error *err)
{
    if (fill_queue(r, err) != RS_OK)
        return -1;
    if (r->queue_pos == r->queue_len)
        return 0;
    const queued_record *q = &r->queue[r->queue_pos++];
    if (q->n_fields > r->out_cap) {
        size_t cap = r->out_cap ? r->out_cap : 16;
        while (cap < q->n_fields)
            cap *= 2;
        rs_field *f = realloc(r->out_fields, cap * sizeof *f);
        if (!f) {
            rs_error_nomem(err);
            return -1;
        }
        r->out_fields = f;
        r->out_cap = cap;
    }
    for (size_t i = 0; i < q->n_fields; i++) {
        r->out_fields[i].ptr = r->data + r->field_off[q->first_field + i];
        r->out_fields[i].len = r->field_len[q->first_field + i];
    }
    rec->fields = r->out_fields;
    rec->n_fields = q->n_fields;
    rec->line = q->line;
    rec->flags = q->flags;
    return 1;
}

void rs_csv_reader_unread(rs_csv_reader *r)
{
    /* the queue is refilled only once drained, so the record is still there */
    if (r->queue_pos > 0)
        r->queue_pos--;
}

rs_status rs_csv_reader_rewind(rs_csv_reader *r, rs_error *err)
{
    rs_status st = rs_in_rewind(r->in, err);
    if (st)
        return st;
    csv_free(&r->parser);
    unsigned char delim = r->parser.delim_char;
    parser_init(r);
    if (!r->double_colon)
        csv_set_delim(&r->parser, delim);
    /* the sniffed prefix came from this input: after a rewind the input
     * itself delivers those bytes again */
    r->prefix_len = 0;
    r->at_start = 1;
    r->eof = r->pending_colon = r->prev_cr = r->failed = 0;
    rs_error_clear(&r->deferred);
    r->data_len = r->n_fields = r->cur_first_field = 0;
    r->queue_len = r->queue_pos = 0;
    r->cur_line = 1;
    r->blank_lines = 0;
    return RS_OK;
}

/* ---- writer ---- */

static const unsigned char needs_quote[256] = {[','] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1};

void rs_csv_write_field(rs_out *out, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && !needs_quote[(unsigned char)s[i]])
        i++;
    if (i == len) {
        rs_out_write(out, s, len);
        return;
    }
    rs_out_putc(out, '"');
    for (size_t start = 0; start < len;) {
        const char *q = memchr(s + start, '"', len - start);
        size_t end = q ? (size_t)(q - s) + 1 : len;
        rs_out_write(out, s + start, end - start);
        if (q)
            rs_out_putc(out, '"');
        start = end;
    }
    rs_out_putc(out, '"');
}

void rs_csv_write_record(rs_out *out, const rs_field *fields, size_t n_fields, int plain)
{
    for (size_t i = 0; i < n_fields; i++) {
        if (i)
            rs_out_putc(out, ',');
        if (plain)
            rs_out_write(out, fields[i].ptr, fields[i].len);
        else
            rs_csv_write_field(out, fields[i].ptr, fields[i].len);
    }
    rs_out_putc(out, '\n');
}
