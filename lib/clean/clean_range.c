/* clean_range.c — see clean_range.h. */
#include "clean/clean_range.h"

#include "mem.h"

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* A fast line: where it ends and its fields. */
typedef struct {
    size_t len;         /* bytes before the '\n' */
    size_t n_fields;
    unsigned flags;     /* RS_REC_NON_ASCII or 0 */
} fast_line;

static int add_field(range_parser *rp, size_t n, const unsigned char *start, const unsigned char *end)
{
    if (n >= rp->fields_cap && rs_grow((void **)&rp->fields, &rp->fields_cap, n + 1, sizeof *rp->fields) < 0)
        return -1;
    rp->fields[n].ptr = (const char *)start;
    rp->fields[n].len = (size_t)(end - start);
    return 0;
}

enum { LINE_FAST = 1, LINE_SLOW = 0, LINE_NOMEM = -1 };

/* Byte classes of 64 bytes of the range at a time, as bit masks, so each
 * byte is classified once however short the lines are. */
typedef struct {
    const unsigned char *data;   /* (len) the range */
    size_t len;
    size_t chunk;                /* bit i of the masks is byte chunk + i */
    uint64_t nl, comma, bad, high;   /* '\n'; ','; a quote, CR or NUL; >= 0x80 */
} line_scanner;

static void load_chunk(line_scanner *sc, size_t at)
{
    unsigned char tail[64];
    const unsigned char *p = sc->data + at;
    size_t n = sc->len - at < 64 ? sc->len - at : 64;
    if (n < 64) {   /* past the range: spaces, which are of no class */
        memset(tail, ' ', sizeof tail);
        memcpy(tail, p, n);
        p = tail;
    }
    sc->chunk = at;
    sc->nl = sc->comma = sc->bad = sc->high = 0;
#ifdef __SSE2__
    const __m128i nl = _mm_set1_epi8('\n'), comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"'),
                  cr = _mm_set1_epi8('\r'), zero = _mm_setzero_si128();
    for (int b = 0; b < 4; b++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * b));
        __m128i bad = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, cr)),
                                   _mm_cmpeq_epi8(v, zero));
        int shift = 16 * b;
        sc->nl |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)) << shift;
        sc->comma |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma)) << shift;
        sc->bad |= (uint64_t)(unsigned)_mm_movemask_epi8(bad) << shift;
        sc->high |= (uint64_t)(unsigned)_mm_movemask_epi8(v) << shift;
    }
#else
    for (int i = 0; i < 64; i++) {
        uint64_t bit = (uint64_t)1 << i;
        unsigned char b = p[i];
        sc->nl |= b == '\n' ? bit : 0;
        sc->comma |= b == ',' ? bit : 0;
        sc->bad |= b == '"' || b == '\r' || b == 0 ? bit : 0;
        sc->high |= b >= 0x80 ? bit : 0;
    }
#endif
}

/* The line at pos (a line start).  LINE_FAST: l and rp->fields describe
 * it; LINE_SLOW: libcsv must read it (a quote, CR or NUL, or no '\n'
 * before the end of the range). */
static int scan_line(line_scanner *sc, range_parser *rp, size_t pos, fast_line *l)
{
    if (pos < sc->chunk || pos - sc->chunk >= 64)
        load_chunk(sc, pos);
    const unsigned char *start = sc->data + pos;
    unsigned off = (unsigned)(pos - sc->chunk);
    l->n_fields = 0;
    l->flags = 0;
    for (;;) {
        uint64_t from = ~(uint64_t)0 << off;
        uint64_t nl = sc->nl & from;
        uint64_t span = from & (nl ? (nl & -nl) - 1 : ~(uint64_t)0);   /* up to the newline */
        if (sc->bad & span)
            return LINE_SLOW;
        if (sc->high & span)
            l->flags = RS_REC_NON_ASCII;
        for (uint64_t m = sc->comma & span; m; m &= m - 1) {
            const unsigned char *at = sc->data + sc->chunk + (unsigned)__builtin_ctzll(m);
            if (add_field(rp, l->n_fields++, start, at) < 0)
                return LINE_NOMEM;
            start = at + 1;
        }
        if (nl) {
            size_t end = sc->chunk + (unsigned)__builtin_ctzll(nl);
            l->len = end - pos;
            return add_field(rp, l->n_fields++, start, sc->data + end) < 0 ? LINE_NOMEM : LINE_FAST;
        }
        if (sc->chunk + 64 >= sc->len)
            return LINE_SLOW;   /* no newline: the last line of the input */
        load_chunk(sc, sc->chunk + 64);
        off = 0;
    }
}

static rs_status open_reader(range_parser *rp, const cleaner *w, const char *data, size_t len,
                             int file_start, long line, rs_error *err)
{
    if (!rp->reader) {
        if (!(rp->in = rs_in_open_memory(w->input_name, data, len, err)) ||
            !(rp->reader = rs_csv_reader_new(rp->in, &w->spec->table.csv, NULL, 0, err)))
            return err->code;
    } else {
        rs_in_memory_reset(rp->in, data, len);
        if (rs_csv_reader_rewind(rp->reader, err))
            return err->code;
    }
    if (!file_start)
        rs_csv_reader_start_at(rp->reader, line);
    return RS_OK;
}

long rs_clean_count_newlines(const char *p, size_t len)
{
    long n = 0;
    size_t i = 0;
#ifdef __SSE2__
    /* per byte lane, subtract the compare mask (-1 on '\n') for up to 255
     * blocks, then add the lanes up with psadbw */
    const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    while (i + 16 <= len) {
        __m128i lanes = zero;
        size_t stop = len - i > 255 * 16 ? i + 255 * 16 : i + (len - i) / 16 * 16;
        for (; i < stop; i += 16)
            lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + i)), nl));
        __m128i sums = _mm_sad_epu8(lanes, zero);
        n += _mm_cvtsi128_si32(sums) + _mm_cvtsi128_si32(_mm_unpackhi_epi64(sums, sums));
    }
#endif
    for (; i < len; i++)
        n += p[i] == '\n';
    return n;
}

/* Whether libcsv, reading [0, len) of data from a record start, ends inside
 * a quoted field.  Records are read and dropped. */
static int ends_in_quote(range_parser *rp, const cleaner *w, const char *data, size_t len, int file_start,
                         long line)
{
    rs_error err = {0};
    if (open_reader(rp, w, data, len, file_start, line, &err))
        return 0;   /* the reading pass meets it again */
    rs_record rec;
    int got;
    while ((got = rs_csv_reader_next(rp->reader, &rec, &err)) > 0)
        ;
    return got < 0 && rs_csv_reader_in_quote(rp->reader);
}

/* The end of the lines libcsv must read from the line at pos: that line,
 * grown (doubling) while a quoted field runs past it and the range goes on. */
static size_t slow_end(range_parser *rp, const cleaner *w, const clean_range *range, size_t pos, long line)
{
    const char *data = range->data;
    const char *nl = memchr(data + pos, '\n', range->len - pos);
    size_t end = nl ? (size_t)(nl - data) + 1 : range->len;
    int file_start = range->file_start && pos == 0;
    while (end < range->len && ends_in_quote(rp, w, data + pos, end - pos, file_start, line)) {
        size_t want = pos + 2 * (end - pos);
        nl = want < range->len ? memchr(data + want, '\n', range->len - want) : NULL;
        end = nl ? (size_t)(nl - data) + 1 : range->len;
    }
    return end;
}

/* Read [pos, end) with libcsv and clean its records.  *in_quote: it ended
 * inside a quoted field at the end of a range that is not the last. */
static rs_status clean_slow(cleaner *w, range_parser *rp, const clean_range *range, size_t pos, size_t end,
                            long line, range_result *res, rs_error *err)
{
    if (open_reader(rp, w, range->data + pos, end - pos, range->file_start && pos == 0, line, err))
        return err->code;
    rs_record rec;
    int got = 0;
    rs_status st = RS_OK;
    while (st == RS_OK && (got = rs_csv_reader_next(rp->reader, &rec, err)) > 0)
        st = rs_clean_emit_row(w, &rec, err);
    if (st == RS_OK && got < 0) {
        res->in_quote = !range->last && end == range->len && rs_csv_reader_in_quote(rp->reader);
        st = res->in_quote ? RS_OK : err->code;
    }
    res->blank_lines += rs_csv_reader_blank_lines(rp->reader);
    return st;
}

/* Kept rows whose output is their own line, contiguous in the input. */
typedef struct {
    size_t start, end;
} verbatim_run;

static int add_piece(range_parser *rp, const char *ptr, size_t off, size_t len)
{
    if (len == 0)
        return 0;
    if (rp->n_pieces == rp->pieces_cap &&
        rs_grow((void **)&rp->pieces, &rp->pieces_cap, rp->n_pieces + 1, sizeof *rp->pieces) < 0)
        return -1;
    rp->pieces[rp->n_pieces++] = (rs_out_piece){ptr, off, len};
    return 0;
}

/* Close the pieces: what the cleaner wrote to memory since the last piece. */
static int memory_piece(cleaner *w, range_parser *rp)
{
    size_t len = w->out->len;   /* a memory output: its buffer holds everything written */
    int st = len > rp->mem_mark ? add_piece(rp, NULL, rp->mem_mark, len - rp->mem_mark) : 0;
    rp->mem_mark = len;
    return st;
}

static int run_flush(cleaner *w, range_parser *rp, const clean_range *range, verbatim_run *run)
{
    int st = 0;
    if (run->end > run->start)
        st = memory_piece(w, rp) | add_piece(rp, range->data + run->start, 0, run->end - run->start);
    run->start = run->end = 0;
    return st;
}

static int run_add(cleaner *w, range_parser *rp, const clean_range *range, verbatim_run *run, size_t pos,
                   size_t end)
{
    int st = 0;
    if (run->end != pos || run->end == run->start) {
        st = run_flush(w, rp, range, run);
        run->start = pos;
    }
    run->end = end;
    return st;
}

static rs_status clean_fast_line(cleaner *w, range_parser *rp, const clean_range *range, verbatim_run *run,
                                 size_t pos, const fast_line *l, long line, rs_error *err)
{
    rs_record rec = {rp->fields, l->n_fields, line, l->flags};
    int verdict = rs_clean_judge_row(w, &rec, 1, err);
    if (verdict < 0)
        return err->code;
    if (verdict == RS_CLEAN_SAME)
        return run_add(w, rp, range, run, pos, pos + l->len + 1) ? rs_error_nomem(err) : RS_OK;
    if (verdict == RS_CLEAN_WRITE) {
        if (run_flush(w, rp, range, run))
            return rs_error_nomem(err);
        return rs_clean_write_kept(w, &rec, err);
    }
    return RS_OK;
}

/* The fast path reads ',' files only: with another delimiter a ',' inside
 * a field would need quoting on output. */
static int fast_possible(const cleaner *w)
{
    return strcmp(w->spec->table.csv.delim, ",") == 0;
}

static rs_status clean_lines(cleaner *w, range_parser *rp, const clean_range *range, range_result *res,
                             rs_error *err)
{
    if (!fast_possible(w))
        return clean_slow(w, rp, range, 0, range->len, range->first_line, res, err);
    size_t max_field = w->spec->table.csv.max_field ? w->spec->table.csv.max_field : RS_CSV_DEFAULT_MAX_FIELD;
    verbatim_run run = {0, 0};
    line_scanner sc = {(const unsigned char *)range->data, range->len, SIZE_MAX / 2, 0, 0, 0, 0};
    size_t pos = 0;
    long line = range->first_line;
    while (pos < range->len && !res->in_quote) {
        fast_line l;
        int kind = range->file_start && pos == 0 ? LINE_SLOW : scan_line(&sc, rp, pos, &l);
        if (kind == LINE_NOMEM)
            return rs_error_nomem(err);
        if (kind == LINE_FAST && l.len > max_field)
            kind = LINE_SLOW;   /* libcsv says which field is too long */
        if (kind == LINE_SLOW) {
            if (run_flush(w, rp, range, &run))
                return rs_error_nomem(err);
            size_t end = slow_end(rp, w, range, pos, line);
            if (clean_slow(w, rp, range, pos, end, line, res, err))
                return err->code;
            line += rs_clean_count_newlines(range->data + pos, end - pos);
            pos = end;
            continue;
        }
        if (l.len == 0) {
            res->blank_lines++;
        } else if (clean_fast_line(w, rp, range, &run, pos, &l, line, err)) {
            return err->code;
        }
        pos += l.len + 1;
        line++;
    }
    return run_flush(w, rp, range, &run) ? rs_error_nomem(err) : RS_OK;
}

rs_status rs_clean_range(cleaner *w, range_parser *rp, const clean_range *range, range_result *res,
                         rs_error *err)
{
    res->in_quote = 0;
    res->blank_lines = 0;
    rp->n_pieces = 0;
    rp->mem_mark = w->out->len;
    if (clean_lines(w, rp, range, res, err))
        return err->code;
    return memory_piece(w, rp) ? rs_error_nomem(err) : RS_OK;
}

void rs_range_parser_free(range_parser *rp)
{
    rs_csv_reader_free(rp->reader);
    rs_in_free(rp->in);
    free(rp->fields);
    free(rp->pieces);
    memset(rp, 0, sizeof *rp);
}
