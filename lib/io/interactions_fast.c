/* interactions_fast.c — the -j loader of interactions_fast.h.
 *
 * The file is cut into one byte range per thread.  A thread owns the lines
 * that start in its range (it skips the partial line it starts in and
 * finishes the one that crosses its end), reads them with pread into its own
 * buffer, splits them on the delimiter and interns the ids into its own
 * id maps.  The maps are then merged in file order — thread 0's keys in
 * the order it first saw them, then thread 1's new keys, ... — which is the
 * order of first sight over the whole file, so every index is what the
 * one-thread reader gives, and the rows are renumbered and joined in place.
 *
 * Anything this reader does not handle the way the CSV reader does (a
 * quote, a lone CR, a short or long row, an empty id, a bad number or
 * time) makes it give up: the caller reads the file again with the
 * general reader, which parses quotes and names the line of an error. */
#include "io/interactions_fast.h"

#include "hash.h"
#include "mem.h"
#include "num.h"
#include "threads.h"
#include "timeparse.h"

#include <fcntl.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bytes read at a time per thread: small enough to stay in the level-2
 * cache beside the id maps' arrays (4 MB measured slower). */
enum { BLOCK = 1 << 16 };

/* A dictionary column of an rsf file (frame.h): rows hold codes, and each
 * block brings its new entries.  A thread interns the id entries of its
 * blocks into its map (parses the time entries), in code order; the codes
 * become indices (times) once every thread's entries are merged (gather). */
enum { USER, ITEM, TIME, N_CODED };
typedef struct {
    int32_t *entry_local;   /* (n_entries) ids: the local index of each entry this thread met */
    int64_t *entry_time;    /* (n_entries) time: each entry's time */
    size_t n_entries, cap;
    int64_t max_excess;     /* max over rows of code - entries met through the row's block */
} part_dict;

typedef struct {
    rs_idmap *users, *items;
    int coded[N_CODED];     /* user, item, time: a dictionary column (its rows hold codes) */
    part_dict dict[N_CODED];
    size_t n, cap;
    int32_t *user, *item;   /* (n) local indices */
    float *value;           /* (n) when the file has values */
    int64_t *ts;            /* (n) when a time column is read */
    int32_t *user_global, *item_global;   /* local index -> merged index */
    size_t first;           /* the index of its first row in the file's rows */
    size_t guess;           /* about how many rows it will read */
} part;

/* Rows split but not yet interned: their ids are looked up a batch at a
 * time (hash all, prefetch all slots, then intern), so the cache misses of
 * a batch overlap.  The fields point into the thread's read buffer. */
enum { BATCH = 32 };
enum { I64_TEXT = 24 };   /* room for rs_format_i64 */
typedef struct {
    size_t n;
    rs_field user[BATCH], item[BATCH];
    uint64_t user_hash[BATCH], item_hash[BATCH];
    char id_text[BATCH][2][I64_TEXT];   /* rsf ids stored as numbers, as text */
} batch;

typedef struct {
    int fd;
    off_t body, size;
    unsigned char delim;
    size_t n_cols, max_field;
    const fast_columns *c;
    const char *time_format;
    int n_threads;
    part *parts;
    atomic_int give_up;
    /* rsf input: the blocks, and the column types */
    const rs_col_type *types;
    const unsigned char *dict;   /* (n_cols) dictionary columns, or NULL */
    int32_t *code_index[2];      /* user, item: a dictionary column's code -> merged index */
    int64_t *code_time;          /* a dictionary time column's code -> time */
    const char **names;
    size_t n_blocks;
    struct rsf_block { off_t at; uint32_t n_rows, payload; } *blocks;
    size_t *block_first;    /* (n_threads + 1): thread t reads blocks [first[t], first[t+1]) */
} job;

/* Room for BATCH more rows; the first time for about as many as the
 * thread will read (p->guess), advised for 2 MB pages (mem.h: growing
 * them later copies them, so the guess is generous). */
static int part_grow(part *p, const fast_columns *c)
{
    size_t c1 = p->cap, c2 = p->cap, c3 = p->cap, c4 = p->cap, need = (p->cap ? p->cap : p->guess) + BATCH;
    if (rs_grow((void **)&p->user, &c1, need, sizeof *p->user) < 0 ||
        rs_grow((void **)&p->item, &c2, need, sizeof *p->item) < 0 ||
        (c->has_value && rs_grow((void **)&p->value, &c3, need, sizeof *p->value) < 0) ||
        (c->has_time && rs_grow((void **)&p->ts, &c4, need, sizeof *p->ts) < 0))
        return -1;
    if (p->cap == 0) {
        rs_advise_huge(p->user, c1 * sizeof *p->user), rs_advise_huge(p->item, c1 * sizeof *p->item);
        if (c->has_value)
            rs_advise_huge(p->value, c1 * sizeof *p->value);
        if (c->has_time)
            rs_advise_huge(p->ts, c1 * sizeof *p->ts);
    }
    p->cap = c1;
    return 0;
}

/* Hash a batch's ids and prefetch their slots, unless map is numbered
 * (idmap.h: its array stays in cache, and a prefetch pass parsing the
 * keys twice measured slower). */
static void hash_ids(const rs_idmap *map, const rs_field *ids, uint64_t *hash, size_t n)
{
    if (rs_idmap_is_numbered(map))
        return;
    for (size_t r = 0; r < n; r++) {
        hash[r] = rs_idmap_hash(ids[r].ptr, ids[r].len);
        rs_idmap_prefetch(map, hash[r]);
    }
}

static int32_t intern_id(rs_idmap *map, const rs_field *id, uint64_t hash)
{
    int added;
    return rs_idmap_is_numbered(map) ? rs_idmap_intern(map, id->ptr, id->len, &added)
                                     : rs_idmap_intern_hashed(map, id->ptr, id->len, hash, &added);
}

/* Intern the batch's ids into p's maps: the rows p->n...  (The codes of a
 * dictionary column are in place already.) */
static int flush(part *p, batch *b)
{
    if (!p->coded[0])
        hash_ids(p->users, b->user, b->user_hash, b->n);
    if (!p->coded[1])
        hash_ids(p->items, b->item, b->item_hash, b->n);
    for (size_t r = 0; r < b->n; r++, p->n++) {
        if (!p->coded[1] && (p->item[p->n] = intern_id(p->items, &b->item[r], b->item_hash[r])) < 0)
            return -1;
        if (!p->coded[0] && (p->user[p->n] = intern_id(p->users, &b->user[r], b->user_hash[r])) < 0)
            return -1;
    }
    b->n = 0;
    return 0;
}

/* One line (without its '\n') into the batch: 0 taken or skipped (blank),
 * -1 give up. */
static int take_line(job *j, part *p, batch *b, const unsigned char *line, size_t len)
{
    if (len && line[len - 1] == '\r')
        len--;
    if (len == 0)
        return 0;   /* a blank line: the CSV reader skips it too */
    const fast_columns *c = j->c;
    rs_field f[4] = {{0}};   /* user, item, value, time */
    size_t want[4] = {c->user, c->item, c->has_value ? c->value : (size_t)-1, c->has_time ? c->time : (size_t)-1};
    const unsigned char *s = line, *end = line + len;
    size_t col = 0;
    for (;; col++) {
        const unsigned char *d = memchr(s, j->delim, (size_t)(end - s));
        const unsigned char *e = d ? d : end;
        if ((size_t)(e - s) > j->max_field || col >= j->n_cols)
            return -1;
        for (int w = 0; w < 4; w++)
            if (want[w] == col)
                f[w] = (rs_field){(const char *)s, (size_t)(e - s)};
        if (!d)
            break;
        s = d + 1;
    }
    if (col + 1 != j->n_cols || f[0].len == 0 || f[1].len == 0)
        return -1;
    if (p->n + b->n == p->cap && part_grow(p, c) < 0)
        return -1;
    double v = 1;
    size_t row = p->n + b->n;
    if (c->has_value && (rs_parse_f64(f[2].ptr, f[2].len, &v) < 0))
        return -1;
    if (c->has_time && rs_time_parse(f[3].ptr, f[3].len, j->time_format, &p->ts[row]) < 0)
        return -1;
    if (c->has_value)
        p->value[row] = (float)v;
    b->user[b->n] = f[0];
    b->item[b->n] = f[1];
    return ++b->n == BATCH ? flush(p, b) : 0;
}

/* No quote, and no CR but one just before a '\n' (or, when more bytes
 * follow, at the end: the next read decides). */
static int plain_bytes(const unsigned char *b, size_t len, int more)
{
    if (memchr(b, '"', len))
        return 0;
    for (const unsigned char *q = b; (q = memchr(q, '\r', len - (size_t)(q - b))); q++)
        if (q + 1 >= b + len ? !more : q[1] != '\n')
            return 0;
    return 1;
}

static void read_range(void *ctx, int t, int n_threads)
{
    job *j = ctx;
    part *p = &j->parts[t];
    size_t n_body = (size_t)(j->size - j->body), b0, b1;
    rs_thread_range(n_body, t, n_threads, &b0, &b1);
    off_t begin = j->body + (off_t)b0, stop = j->body + (off_t)b1;
    if (begin >= stop)
        return;
    p->guess = (b1 - b0) / 8;   /* the benchmark's lines are 12.5 bytes */
    unsigned char *buf = malloc(BLOCK + j->max_field + 2);
    if (!buf) {
        atomic_store(&j->give_up, 1);
        return;
    }
    /* A thread after the first starts one byte early: the line that byte
     * ends (or the partial line it is in) belongs to the thread before. */
    off_t pos = t > 0 ? begin - 1 : begin;
    int skipping = t > 0;
    batch b = {0};
    size_t kept = 0;   /* bytes of an unfinished line at buf's start */
    off_t line_start = pos;
    while (!atomic_load_explicit(&j->give_up, memory_order_relaxed)) {
        size_t room = BLOCK + j->max_field + 2 - kept;
        ssize_t got = pread(j->fd, buf + kept, room < BLOCK ? room : BLOCK, pos);
        if (got < 0) {
            atomic_store(&j->give_up, 1);
            break;
        }
        pos += got;
        size_t len = kept + (size_t)got, at = 0;
        int eof = got == 0;
        if (!plain_bytes(buf, len, !eof)) {
            atomic_store(&j->give_up, 1);
            break;
        }
        for (;;) {
            unsigned char *nl = memchr(buf + at, '\n', len - at);
            if (!nl && !(eof && at < len))
                break;
            size_t line_len = nl ? (size_t)(nl - (buf + at)) : len - at;
            if (line_start >= stop) {   /* the next thread's line */
                eof = 1, at = len;
                break;
            }
            if (!skipping && take_line(j, p, &b, buf + at, line_len) < 0) {
                atomic_store(&j->give_up, 1);
                break;
            }
            skipping = 0;
            at += line_len + (nl != NULL);
            line_start += (off_t)line_len + (nl != NULL);
        }
        if (flush(p, &b) < 0)   /* before the buffer moves under its fields */
            atomic_store(&j->give_up, 1);
        if (eof || atomic_load(&j->give_up))
            break;
        kept = len - at;
        if (kept > j->max_field + 1) {   /* a line longer than any field allows */
            atomic_store(&j->give_up, 1);
            break;
        }
        memmove(buf, buf + at, kept);
    }
    free(buf);
}

/* rsf: a little-endian u32 / u64 at p. */
static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

typedef rs_frame_block_col rsf_column;

static rs_field rsf_text(const rsf_column *c, size_t row)
{
    uint32_t a = le32(c->data + 4 * row), b = le32(c->data + 4 * row + 4);
    return (rs_field){(const char *)c->bytes + a, b - a};
}

/* A block's new entries of dictionary column which into p: an id
 * interned into p's map, a time parsed.  0, or -1 (an empty id, a bad
 * time, or out of memory: give up, the general reader says what). */
static int take_entries(const job *j, part *p, int which, const rsf_column *c)
{
    part_dict *d = &p->dict[which];
    size_t cap = d->cap;
    if (which == TIME ? rs_grow((void **)&d->entry_time, &cap, d->n_entries + c->n_new, sizeof *d->entry_time) < 0
                      : rs_grow((void **)&d->entry_local, &cap, d->n_entries + c->n_new, sizeof *d->entry_local) < 0)
        return -1;
    d->cap = cap;
    for (uint32_t k = 0; k < c->n_new; k++, d->n_entries++) {
        uint32_t a = le32(c->new_off + 4 * (size_t)k), b = le32(c->new_off + 4 * (size_t)k + 4);
        const char *text = (const char *)c->new_bytes + a;
        int added;
        if (which == TIME ? rs_time_parse(text, b - a, j->time_format, &d->entry_time[d->n_entries]) < 0
                          : b == a || (d->entry_local[d->n_entries] =
                                           rs_idmap_intern(which ? p->items : p->users, text, b - a, &added)) < 0)
            return -1;
    }
    return 0;
}

/* A number column's value: 0, or -1 when missing (the general reader then
 * names the row). */
static int rsf_number(const rsf_column *c, rs_col_type type, size_t row, double *v)
{
    if (type == RS_COL_F32) {
        uint32_t bits = le32(c->data + 4 * row);
        float f;
        memcpy(&f, &bits, 4);
        *v = f;
    } else if (type == RS_COL_F64) {
        uint64_t bits = le64(c->data + 8 * row);
        memcpy(v, &bits, 8);
    } else {
        int64_t i = (int64_t)le64(c->data + 8 * row);
        if (i == RS_I64_MISSING)
            return -1;
        *v = (double)i;
    }
    return isfinite(*v) ? 0 : -1;
}

/* An id: its text, or an i64 column's number written as the general
 * reader writes it, into text (a missing number: empty, which gives up). */
static rs_field rsf_id(const job *j, const rsf_column *cols, size_t col, size_t row, char *text)
{
    if (j->types[col] == RS_COL_STR)
        return rsf_text(&cols[col], row);
    int64_t v = (int64_t)le64(cols[col].data + 8 * row);
    return (rs_field){text, v == RS_I64_MISSING ? 0 : rs_format_i64(v, text)};
}

/* A dictionary column's code at row, checked as far as this thread can
 * (the rest in codes_valid). */
static uint32_t rsf_code(part *p, int which, const rsf_column *c, size_t row)
{
    part_dict *d = &p->dict[which];
    uint32_t code = le32(c->data + 4 * row);
    int64_t excess = (int64_t)code - (int64_t)d->n_entries;
    d->max_excess = excess > d->max_excess ? excess : d->max_excess;
    return code;
}

static int rsf_row(job *j, part *p, batch *b, const rsf_column *cols, size_t row)
{
    const fast_columns *c = j->c;
    rs_field user = {"", 1}, item = {"", 1};
    if (!p->coded[0])
        user = rsf_id(j, cols, c->user, row, b->id_text[b->n][0]);
    if (!p->coded[1])
        item = rsf_id(j, cols, c->item, row, b->id_text[b->n][1]);
    if (user.len == 0 || item.len == 0)
        return -1;
    if (p->n + b->n == p->cap && part_grow(p, c) < 0)
        return -1;
    size_t at = p->n + b->n;
    if (p->coded[USER])
        p->user[at] = (int32_t)rsf_code(p, USER, &cols[c->user], row);
    if (p->coded[ITEM])
        p->item[at] = (int32_t)rsf_code(p, ITEM, &cols[c->item], row);
    double v = 1;
    if (c->has_value) {
        if (j->types[c->value] == RS_COL_STR) {
            rs_field f = rsf_text(&cols[c->value], row);
            if (rs_parse_f64(f.ptr, f.len, &v) < 0)
                return -1;
        } else if (rsf_number(&cols[c->value], j->types[c->value], row, &v) < 0) {
            return -1;
        }
        p->value[at] = (float)v;
    }
    if (p->coded[TIME]) {
        p->ts[at] = rsf_code(p, TIME, &cols[c->time], row);   /* the time once the entries are merged */
    } else if (c->has_time) {
        rs_field f = rsf_text(&cols[c->time], row);
        if (rs_time_parse(f.ptr, f.len, j->time_format, &p->ts[at]) < 0)
            return -1;
    }
    b->user[b->n] = user;
    b->item[b->n] = item;
    return ++b->n == BATCH ? flush(p, b) : 0;
}

static void read_blocks(void *ctx, int t, int n_threads)
{
    (void)n_threads;
    job *j = ctx;
    part *p = &j->parts[t];
    rsf_column *cols = malloc(j->n_cols * sizeof *cols);
    unsigned char *buf = NULL;
    size_t cap = 0;
    batch b = {0};
    int ok = cols != NULL;
    for (int w = 0; w < N_CODED; w++)
        p->dict[w].max_excess = INT64_MIN;
    for (size_t k = j->block_first[t]; k < j->block_first[t + 1]; k++)
        p->guess += j->blocks[k].n_rows;   /* exact */
    for (size_t k = j->block_first[t]; ok && k < j->block_first[t + 1]; k++) {
        const struct rsf_block *blk = &j->blocks[k];
        size_t need = (size_t)blk->payload + 8;
        if (atomic_load_explicit(&j->give_up, memory_order_relaxed) ||
            rs_grow((void **)&buf, &cap, need, 1) < 0 || pread(j->fd, buf, need, blk->at + 8) != (ssize_t)need ||
            le64(buf + blk->payload) != rs_hash64(buf, blk->payload, 0) ||
            rs_frame_block_index(j->types, j->dict, j->n_cols, buf, blk->payload, blk->n_rows, cols)) {
            ok = 0;
            break;
        }
        for (int w = 0; ok && w < N_CODED; w++) {   /* a dictionary that stopped: the general reader */
            if (w == TIME && !j->c->has_time)
                continue;
            const rsf_column *col = &cols[w == USER ? j->c->user : w == ITEM ? j->c->item : j->c->time];
            ok = p->coded[w] == col->coded && (!col->coded || take_entries(j, p, w, col) == 0);
        }
        for (size_t r = 0; ok && r < blk->n_rows; r++)
            ok = rsf_row(j, p, &b, cols, r) == 0;
        ok = ok && flush(p, &b) == 0;   /* before buf is read over */
    }
    if (!ok)
        atomic_store(&j->give_up, 1);
    free(cols), free(buf);
}

/* Walk the block headers (8 bytes each) and cut the blocks into thread
 * ranges of about equal rows: 1, 0 (a damaged file: the general reader
 * says how), or -1 out of memory. */
static int rsf_plan(job *j, rs_error *err)
{
    off_t at = (off_t)rs_frame_header_bytes(j->names, j->n_cols);
    size_t cap = 0, total = 0;
    for (;;) {
        unsigned char head[16];
        if (pread(j->fd, head, 16, at) < 8)
            return 0;
        uint32_t n_rows = le32(head), payload = le32(head + 4);
        if (n_rows == 0) {   /* the end marker: 0, 0, the row count */
            if (payload != 0 || le64(head + 8) != total)
                return 0;
            break;
        }
        if (payload % 8 || payload >= (uint32_t)1 << 31 || at + 16 + (off_t)payload > j->size)
            return 0;
        if (rs_grow((void **)&j->blocks, &cap, j->n_blocks + 1, sizeof *j->blocks) < 0)
            return rs_error_nomem(err), -1;
        j->blocks[j->n_blocks++] = (struct rsf_block){at, n_rows, payload};
        total += n_rows;
        at += 16 + (off_t)payload;
    }
    if (!(j->block_first = calloc((size_t)j->n_threads + 1, sizeof *j->block_first)))
        return rs_error_nomem(err), -1;
    size_t k = 0, seen = 0;
    for (int t = 0; t < j->n_threads; t++) {
        size_t begin, end;
        rs_thread_range(total, t, j->n_threads, &begin, &end);
        j->block_first[t] = k;
        while (k < j->n_blocks && seen + j->blocks[k].n_rows <= end)
            seen += j->blocks[k++].n_rows;
    }
    j->block_first[j->n_threads] = j->n_blocks;
    return 1;
}

static void part_free(part *p)
{
    for (int w = 0; w < N_CODED; w++)
        free(p->dict[w].entry_local), free(p->dict[w].entry_time);
    rs_idmap_free(p->users), rs_idmap_free(p->items);
    free(p->user), free(p->item), free(p->value), free(p->ts);
    free(p->user_global), free(p->item_global);
}

/* map's keys, in their order, into into: local index -> merged index. */
static int32_t *merge_keys(rs_idmap *into, const rs_idmap *map)
{
    int32_t n = rs_idmap_size(map);
    int32_t *global = malloc(((size_t)n + 1) * sizeof *global);
    for (int32_t k = 0; global && k < n; k++) {
        size_t len;
        const char *key = rs_idmap_key(map, k, &len);
        int added;
        if ((global[k] = rs_idmap_intern(into, key, len, &added)) < 0) {
            free(global);
            return NULL;
        }
    }
    return global;
}

/* Thread t's rows into x at parts[t].first, as merged indices. */
typedef struct {
    job *j;
    fast_rows *x;
} renumber_job;

static void renumber(void *ctx, int t, int n_threads)
{
    (void)n_threads;
    const renumber_job *r = ctx;
    part *p = &r->j->parts[t];
    fast_rows *x = r->x;
    const int32_t *user_index = p->coded[0] ? r->j->code_index[0] : p->user_global,
                  *item_index = p->coded[1] ? r->j->code_index[1] : p->item_global;
    for (size_t k = 0; k < p->n; k++) {
        x->user[p->first + k] = user_index[p->user[k]];
        x->item[p->first + k] = item_index[p->item[k]];
    }
    if (p->n && r->j->c->has_value)
        memcpy(x->value + p->first, p->value, p->n * sizeof *x->value);
    if (p->coded[TIME])
        for (size_t k = 0; k < p->n; k++)
            x->ts[p->first + k] = r->j->code_time[p->ts[k]];
    else if (p->n && r->j->c->has_time)
        memcpy(x->ts + p->first, p->ts, p->n * sizeof *x->ts);
}

/* 1 when every code of dictionary column which names an entry of its
 * block or of one before (a thread knows only the entries it met: the
 * threads before it add theirs here); else 0, and the general reader says
 * what is wrong. */
static int codes_valid(const job *j, int which)
{
    int64_t before = 0;
    for (int t = 0; t < j->n_threads; t++) {
        const part_dict *d = &j->parts[t].dict[which];
        if (j->parts[t].n && d->max_excess >= before)
            return 0;
        before += (int64_t)d->n_entries;
    }
    return 1;
}

/* A dictionary column's codes -> merged indices (times): the threads'
 * entries, in thread order, are the dictionary in code order.  0, or -1
 * out of memory. */
static int code_indices(job *j, int which)
{
    size_t total = 0;
    for (int t = 0; t < j->n_threads; t++)
        total += j->parts[t].dict[which].n_entries;
    int32_t *index = NULL;
    int64_t *time = NULL;
    if (which == TIME ? !(time = j->code_time = malloc((total + 1) * sizeof *time))
                      : !(index = j->code_index[which] = malloc((total + 1) * sizeof *index)))
        return -1;
    for (int t = 0; t < j->n_threads; t++) {
        const part *p = &j->parts[t];
        const part_dict *d = &p->dict[which];
        const int32_t *global = which == ITEM ? p->item_global : p->user_global;
        for (size_t k = 0; k < d->n_entries; k++)
            if (which == TIME)
                *time++ = d->entry_time[k];
            else
                *index++ = global[d->entry_local[k]];
    }
    return 0;
}

/* Everything read and merged into x: RS_OK; RS_ENOMEM.  The maps are merged
 * in file order; then every thread writes its rows into x at once.  (Not
 * by growing thread 0's arrays: an array advised for 2 MB pages is copied,
 * not moved, when it grows.) */
static rs_status gather(job *j, fast_rows *x, rs_idmap *users, rs_idmap *items, rs_error *err)
{
    size_t total = 0;
    for (int t = 0; t < j->n_threads; t++) {
        part *p = &j->parts[t];
        if (!(p->user_global = merge_keys(users, p->users)) || !(p->item_global = merge_keys(items, p->items)))
            return rs_error_nomem(err);
        rs_idmap_free(p->users), rs_idmap_free(p->items);
        p->users = p->items = NULL;
        p->first = total;
        total += p->n;
    }
    for (int w = 0; w < N_CODED; w++)
        if (j->parts[0].coded[w] && code_indices(j, w) < 0)
            return rs_error_nomem(err);
    size_t n = total + 1;   /* never NULL */
    if (!(x->user = rs_malloc_huge(n * sizeof *x->user)) || !(x->item = rs_malloc_huge(n * sizeof *x->item)) ||
        (j->c->has_value && !(x->value = rs_malloc_huge(n * sizeof *x->value))) ||
        (j->c->has_time && !(x->ts = rs_malloc_huge(n * sizeof *x->ts))))
        return rs_error_nomem(err);
    x->n = total;
    renumber_job r = {j, x};
    rs_parallel(j->n_threads, renumber, &r);
    return RS_OK;
}

int rs_interactions_fast_can_read(const char *path, const rs_table_options *opt, const rs_table *t)
{
    struct stat st;
    int csv_ok = opt->csv.delim[0] != 0 && opt->csv.delim[1] == 0 && opt->csv.delim[0] != '"' &&
                 opt->csv.delim[0] != '\n' && opt->csv.delim[0] != '\r' && !opt->csv.libcsv_only;
    return path && strcmp(path, "-") && (rs_table_is_frame(t) || csv_ok) && stat(path, &st) == 0 &&
           S_ISREG(st.st_mode);
}

/* The CSV body's first byte (after the header line, which must itself be
 * plain): 0, or -1 for a file this reader does not take. */
static off_t csv_body(int fd, const rs_table_options *opt)
{
    if (!opt->no_header) {
        unsigned char head[4096];
        ssize_t got = pread(fd, head, sizeof head, 0);
        unsigned char *nl = got > 0 ? memchr(head, '\n', (size_t)got) : NULL;
        if (!nl || !plain_bytes(head, (size_t)(nl - head + 1), 0) || nl == head || head[0] == '\r')
            return -1;
        return (off_t)(nl - head) + 1;
    }
    unsigned char bom[3];   /* the CSV reader drops a byte order mark */
    return pread(fd, bom, 3, 0) == 3 && !memcmp(bom, "\xef\xbb\xbf", 3) ? -1 : 0;
}

/* rsf: ids as text (plain or dictionary) or i64, a value column as a
 * number or plain text, a time column as plain text (other types: the
 * general reader). */
static int rsf_types_taken(const job *j)
{
    const fast_columns *c = j->c;
    rs_col_type user = j->types[c->user], item = j->types[c->item];
    int value_coded = c->has_value && j->dict && j->dict[c->value];
    return (user == RS_COL_STR || user == RS_COL_I64) && (item == RS_COL_STR || item == RS_COL_I64) &&
           (!c->has_time || j->types[c->time] == RS_COL_STR) && !value_coded;
}

int rs_interactions_read_fast(fast_rows *x, rs_idmap *users, rs_idmap *items, const char *path, const rs_table_options *opt, const rs_table *t,
                              const fast_columns *c, const char *time_format, int threads, rs_error *err)
{
    job j = {.n_cols = rs_table_n_cols(t), .c = c, .time_format = time_format, .n_threads = threads < 1 ? 1 : threads,
             .delim = (unsigned char)opt->csv.delim[0],
             .max_field = opt->csv.max_field ? opt->csv.max_field : RS_CSV_DEFAULT_MAX_FIELD};
    atomic_init(&j.give_up, 0);
    int frame = rs_table_is_frame(t), result = 1;
    struct stat st = {0};
    j.names = calloc(j.n_cols + 1, sizeof *j.names);
    rs_col_type *types = calloc(j.n_cols + 1, sizeof *types);
    j.parts = calloc((size_t)j.n_threads, sizeof *j.parts);
    if (!j.names || !types || !j.parts) {
        free(j.names), free(types), free(j.parts);
        rs_error_nomem(err);
        return -1;
    }
    for (size_t i = 0; i < j.n_cols; i++)
        j.names[i] = rs_table_col_name(t, i), types[i] = rs_table_col_type(t, i);
    j.types = types;
    j.dict = frame ? rs_table_frame_dict(t) : NULL;
    if ((j.fd = open(path, O_RDONLY)) < 0 || fstat(j.fd, &st) < 0 || !S_ISREG(st.st_mode))
        result = 0;
    j.size = st.st_size;
    if (result == 1 && !frame && (j.body = csv_body(j.fd, opt)) < 0)
        result = 0;
    if (result == 1 && frame)
        result = rsf_types_taken(&j) ? rsf_plan(&j, err) : 0;
    for (int k = 0; result == 1 && k < j.n_threads; k++) {
        if (!(j.parts[k].users = rs_idmap_new()) || !(j.parts[k].items = rs_idmap_new()))
            result = 0;
        j.parts[k].coded[USER] = frame && j.dict && j.dict[c->user];
        j.parts[k].coded[ITEM] = frame && j.dict && j.dict[c->item];
        j.parts[k].coded[TIME] = frame && j.dict && c->has_time && j.dict[c->time];
    }
    if (result == 1)
        rs_parallel(j.n_threads, frame ? read_blocks : read_range, &j);
    if (j.fd >= 0)
        close(j.fd);
    if (result == 1 && atomic_load(&j.give_up))
        result = 0;
    for (int w = 0; w < N_CODED; w++)
        if (result == 1 && j.parts[0].coded[w] && !codes_valid(&j, w))
            result = 0;
    if (result == 1 && gather(&j, x, users, items, err) != RS_OK)
        result = -1;
    for (int k = 0; k < j.n_threads; k++)
        part_free(&j.parts[k]);
    free(j.parts), free(j.names), free(types), free(j.blocks), free(j.block_first);
    free(j.code_index[0]), free(j.code_index[1]), free(j.code_time);
    return result;
}
