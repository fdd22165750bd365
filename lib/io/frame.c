#include "io/frame.h"

#include "hash.h"
#include "idmap.h"
#include "num.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "rsf I/O assumes a little-endian host"
#endif

enum {
    BLOCK_ROWS = 8192,
    BLOCK_STR_BYTES = 4 << 20,
    MAX_COLS = 1 << 20,
    MAX_BLOCK_ROWS = 1 << 24,
    READ_STEP = 1 << 20,   /* a block is read (and its buffer grown) this much at a time */
    DICT_TRIAL_ROWS = 1 << 20,
    DICT_MAX_ENTRIES = 1 << 22,
};
#define DICT_MAX_BYTES ((size_t)64 << 20)
#define MAX_PAYLOAD ((uint32_t)1 << 31)

static const char *col_type_name(rs_col_type type)
{
    switch (type) {
    case RS_COL_STR: return "str";
    case RS_COL_I64: return "i64";
    case RS_COL_F64: return "f64";
    case RS_COL_F32: return "f32";
    }
    return "?";
}

static size_t pad8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

typedef struct {
    char *name;
    rs_col_type type;
    unsigned char *values;      /* (BLOCK_ROWS x width) for numeric columns */
    uint32_t *str_off;          /* (BLOCK_ROWS + 1) for str columns */
    char *str_bytes;
    size_t str_len, str_cap;
    /* a dictionary column: the writer's map of values to codes, and the
     * open block's codes; the reader's entries so far */
    int dict;
    rs_idmap *dict_map;         /* NULL once the dictionary has stopped */
    uint32_t *codes;            /* (BLOCK_ROWS) */
    int32_t block_base;         /* the writer: entries before the open block */
    size_t dict_bytes;
    uint64_t *entry_off;        /* the reader: (n_entries + 1) */
    char *entry_bytes;
    size_t n_entries, entry_off_cap, entry_bytes_cap;
} frame_column;

static size_t type_width(rs_col_type t)
{
    return t == RS_COL_F32 ? 4 : 8;
}

/* The bytes of n keys from index base of map, as a str column's bytes. */
static size_t entries_len(const rs_idmap *map, int32_t base, int32_t n)
{
    size_t total = 0, len;
    for (int32_t k = 0; k < n; k++)
        (void)rs_idmap_key(map, base + k, &len), total += len;
    return total;
}

static size_t column_payload(const frame_column *c, size_t n_rows)
{
    if (c->dict_map) {
        int32_t n_new = rs_idmap_size(c->dict_map) - c->block_base;
        return pad8(((size_t)n_new + 1) * 4) + pad8(entries_len(c->dict_map, c->block_base, n_new)) +
               pad8(n_rows * 4);
    }
    if (c->type == RS_COL_STR)
        return pad8((n_rows + 1) * 4) + pad8(c->str_len);
    return pad8(n_rows * type_width(c->type));
}

static void free_columns(frame_column *cols, size_t n)
{
    if (!cols)
        return;
    for (size_t i = 0; i < n; i++) {
        free(cols[i].name);
        free(cols[i].values);
        free(cols[i].str_off);
        free(cols[i].str_bytes);
        rs_idmap_free(cols[i].dict_map);
        free(cols[i].codes);
        free(cols[i].entry_off);
        free(cols[i].entry_bytes);
    }
    free(cols);
}

/* ---- writer ---- */

struct rs_frame_writer {
    rs_out *out;
    frame_column *cols;   /* (n_cols) */
    size_t n_cols;
    size_t n_rows;        /* rows in the open block */
    uint64_t total_rows;
    int header_written;   /* at the first block, once the dictionary columns are chosen */
    size_t n_dict;        /* dictionary columns */
    unsigned char *scratch;   /* payload assembly buffer */
    size_t scratch_cap;
};

static void put_u32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put_u64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get_u32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get_u64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }

rs_frame_writer *rs_frame_writer_new(rs_out *out, size_t n_cols, const char *const *names,
                                     const rs_col_type *types, rs_error *err)
{
    rs_frame_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->cols = calloc(n_cols ? n_cols : 1, sizeof *w->cols)))
        goto nomem;
    w->out = out;
    w->n_cols = n_cols;
    for (size_t i = 0; i < n_cols; i++) {
        frame_column *c = &w->cols[i];
        if (strlen(names[i]) > UINT16_MAX) {
            rs_frame_writer_free(w);
            rs_error_set(err, RS_EUSAGE, NULL, 0, "column name longer than 65535 bytes");
            return NULL;
        }
        c->type = types[i];
        if (!(c->name = strdup(names[i])))
            goto nomem;
        if (c->type == RS_COL_STR) {
            c->str_off = malloc((BLOCK_ROWS + 1) * sizeof *c->str_off);
            c->str_cap = 1 << 12;
            c->str_bytes = malloc(c->str_cap);
            if (!c->str_off || !c->str_bytes)
                goto nomem;
            c->str_off[0] = 0;
        } else if (!(c->values = malloc(BLOCK_ROWS * 8))) {
            goto nomem;
        }
    }
    return w;
nomem:
    rs_frame_writer_free(w);
    rs_error_nomem(err);
    return NULL;
}

void rs_frame_writer_free(rs_frame_writer *w)
{
    if (!w)
        return;
    free_columns(w->cols, w->n_cols);
    free(w->scratch);
    free(w);
}

static rs_field str_at(const frame_column *c, size_t row)
{
    return (rs_field){c->str_bytes + c->str_off[row], c->str_off[row + 1] - c->str_off[row]};
}

/* Every str column starts as a dictionary column (encode_block stops the
 * ones that do not pay). */
static rs_status start_dictionaries(rs_frame_writer *w, rs_error *err)
{
    for (size_t i = 0; i < w->n_cols; i++) {
        frame_column *c = &w->cols[i];
        if (c->type != RS_COL_STR)
            continue;
        if (!(c->dict_map = rs_idmap_new()) || !(c->codes = malloc(BLOCK_ROWS * sizeof *c->codes)))
            return rs_error_nomem(err);
        c->dict = 1;
        w->n_dict++;
    }
    return RS_OK;
}

static rs_status write_header(rs_frame_writer *w, rs_error *err)
{
    size_t header_len = RS_FRAME_MAGIC_LEN + 8;
    for (size_t i = 0; i < w->n_cols; i++)
        header_len += 4 + strlen(w->cols[i].name);
    unsigned char *h = calloc(1, pad8(header_len) + 8);
    if (!h)
        return rs_error_nomem(err);
    memcpy(h, RS_FRAME_MAGIC, RS_FRAME_MAGIC_LEN);
    put_u32(h + 8, w->n_dict ? 2 : 1);   /* version 1 readers read a file without dictionaries */
    put_u32(h + 12, (uint32_t)w->n_cols);
    size_t pos = 16;
    for (size_t i = 0; i < w->n_cols; i++) {
        size_t name_len = strlen(w->cols[i].name);
        h[pos] = (unsigned char)w->cols[i].type;
        h[pos + 1] = (unsigned char)w->cols[i].dict;
        uint16_t nl = (uint16_t)name_len;
        memcpy(h + pos + 2, &nl, 2);
        memcpy(h + pos + 4, w->cols[i].name, name_len);
        pos += 4 + name_len;
    }
    pos = pad8(pos);
    put_u64(h + pos, rs_hash64(h, pos, 0));
    rs_out_write(w->out, h, pos + 8);
    free(h);
    w->header_written = 1;
    return RS_OK;
}

/* The open block's rows of a dictionary column as codes (rows_before rows
 * came before it), new values added to its map.  A map that would outgrow
 * its limits, or holds more than half as many values as rows after
 * DICT_TRIAL_ROWS rows (unique keys: codes save nothing), stops (freed),
 * and this block and the later ones store the column as plain str. */
static rs_status encode_block(frame_column *c, size_t n_rows, uint64_t rows_before, rs_error *err)
{
    if (!c->dict_map)
        return RS_OK;
    c->block_base = rs_idmap_size(c->dict_map);
    if ((size_t)c->block_base + n_rows > DICT_MAX_ENTRIES || c->dict_bytes + c->str_len > DICT_MAX_BYTES ||
        (rows_before >= DICT_TRIAL_ROWS && 2 * (uint64_t)c->block_base > rows_before)) {
        rs_idmap_free(c->dict_map);
        c->dict_map = NULL;
        return RS_OK;
    }
    for (size_t r = 0; r < n_rows; r++) {
        rs_field f = str_at(c, r);
        int added;
        int32_t code = rs_idmap_intern(c->dict_map, f.ptr, f.len, &added);
        if (code < 0)
            return rs_error_nomem(err);
        c->codes[r] = (uint32_t)code;
        c->dict_bytes += added ? f.len : 0;
    }
    return RS_OK;
}

/* A str layout of n strings: offsets, then bytes; returns the end. */
static unsigned char *put_strings(unsigned char *p, const rs_idmap *map, int32_t base, int32_t n)
{
    unsigned char *bytes = p + pad8(((size_t)n + 1) * 4);
    uint32_t at = 0;
    put_u32(p, 0);
    for (int32_t k = 0; k < n; k++) {
        size_t len;
        const char *key = rs_idmap_key(map, base + k, &len);
        memcpy(bytes + at, key, len);
        at += (uint32_t)len;
        put_u32(p + 4 * ((size_t)k + 1), at);
    }
    return bytes + pad8(at);
}

static unsigned char *put_column(unsigned char *p, frame_column *c, size_t n_rows)
{
    if (c->dict_map) {
        p = put_strings(p, c->dict_map, c->block_base, rs_idmap_size(c->dict_map) - c->block_base);
        memcpy(p, c->codes, n_rows * 4);
        return p + pad8(n_rows * 4);
    }
    if (c->type == RS_COL_STR) {
        memcpy(p, c->str_off, (n_rows + 1) * 4);
        p += pad8((n_rows + 1) * 4);
        memcpy(p, c->str_bytes, c->str_len);
        return p + pad8(c->str_len);
    }
    size_t n = n_rows * type_width(c->type);
    memcpy(p, c->values, n);
    return p + pad8(n);
}

static rs_status flush_block(rs_frame_writer *w, rs_error *err)
{
    if (w->n_rows == 0)
        return RS_OK;
    if (!w->header_written && (start_dictionaries(w, err) || write_header(w, err)))
        return err->code;
    size_t payload = 8 * w->n_dict;
    for (size_t i = 0; i < w->n_cols; i++) {
        if (encode_block(&w->cols[i], w->n_rows, w->total_rows, err))
            return err->code;
        payload += column_payload(&w->cols[i], w->n_rows);
    }
    if (payload >= MAX_PAYLOAD)
        return rs_error_set(err, RS_EDATA, NULL, 0, "rsf block too large");
    if (payload + 16 > w->scratch_cap) {
        unsigned char *s = realloc(w->scratch, payload + 16);
        if (!s)
            return rs_error_nomem(err);
        w->scratch = s;
        w->scratch_cap = payload + 16;
    }
    unsigned char *p = w->scratch + 8;
    memset(p, 0, payload);
    for (size_t i = 0; i < w->n_cols; i++) {
        const frame_column *c = &w->cols[i];
        if (c->dict) {
            put_u32(p, c->dict_map ? (uint32_t)(rs_idmap_size(c->dict_map) - c->block_base) : 0);
            put_u32(p + 4, c->dict_map != NULL);
            p += 8;
        }
    }
    for (size_t i = 0; i < w->n_cols; i++) {
        p = put_column(p, &w->cols[i], w->n_rows);
        w->cols[i].str_len = 0;
    }
    put_u32(w->scratch, (uint32_t)w->n_rows);
    put_u32(w->scratch + 4, (uint32_t)payload);
    put_u64(w->scratch + 8 + payload, rs_hash64(w->scratch + 8, payload, 0));
    rs_out_write(w->out, w->scratch, payload + 16);
    w->total_rows += w->n_rows;
    w->n_rows = 0;
    return rs_out_status(w->out, err);
}

static rs_status add_str(frame_column *c, size_t row, const rs_field *f, rs_error *err)
{
    if (c->str_len + f->len > c->str_cap) {
        size_t cap = c->str_cap;
        while (cap < c->str_len + f->len)
            cap *= 2;
        char *b = realloc(c->str_bytes, cap);
        if (!b)
            return rs_error_nomem(err);
        c->str_bytes = b;
        c->str_cap = cap;
    }
    memcpy(c->str_bytes + c->str_len, f->ptr, f->len);
    c->str_len += f->len;
    c->str_off[row + 1] = (uint32_t)c->str_len;
    return RS_OK;
}

rs_status rs_frame_writer_add_text(rs_frame_writer *w, const rs_field *fields, rs_error *err)
{
    size_t row = w->n_rows;
    /* numbers first: a bad one must leave the block untouched (the values
     * written at `row` are not counted until n_rows grows) */
    for (size_t i = 0; i < w->n_cols; i++) {
        frame_column *c = &w->cols[i];
        const rs_field *f = &fields[i];
        if (c->type == RS_COL_STR)
            continue;
        double d = NAN;
        int64_t v = RS_I64_MISSING;
        int bad = 0;
        if (f->len && c->type == RS_COL_I64)
            bad = rs_parse_i64(f->ptr, f->len, &v) < 0 || v == RS_I64_MISSING;
        else if (f->len)
            bad = rs_parse_f64(f->ptr, f->len, &d) < 0;
        if (bad)
            return rs_error_set(err, RS_EDATA, NULL, 0, "column %s: '%.*s' is not a %s number",
                                c->name, (int)(f->len > 40 ? 40 : f->len), f->ptr,
                                col_type_name(c->type));
        if (c->type == RS_COL_I64) {
            memcpy(c->values + row * 8, &v, 8);
        } else if (c->type == RS_COL_F64) {
            memcpy(c->values + row * 8, &d, 8);
        } else {
            float x = (float)d;
            memcpy(c->values + row * 4, &x, 4);
        }
    }
    int str_full = 0;
    for (size_t i = 0; i < w->n_cols; i++) {
        frame_column *c = &w->cols[i];
        if (c->type != RS_COL_STR)
            continue;
        if (add_str(c, row, &fields[i], err))
            return err->code;
        str_full |= c->str_len > BLOCK_STR_BYTES;
    }
    w->n_rows++;
    if (w->n_rows == BLOCK_ROWS || str_full)
        return flush_block(w, err);
    return RS_OK;
}

rs_status rs_frame_writer_finish(rs_frame_writer *w, rs_error *err)
{
    if (flush_block(w, err) || (!w->header_written && write_header(w, err)))
        return err->code;
    unsigned char end[16] = {0};
    put_u64(end + 8, w->total_rows);
    rs_out_write(w->out, end, sizeof end);
    return rs_out_status(w->out, err);
}

/* ---- reader ---- */

struct rs_frame_reader {
    rs_in *in;
    const unsigned char *prefix;
    size_t prefix_len;
    unsigned char *prefix_copy;
    size_t header_bytes;        /* to skip on rewind */
    frame_column *cols;         /* (n_cols) names and types */
    rs_col_type *types;         /* (n_cols) the types again, as rs_frame_block_index takes them */
    unsigned char *dict;        /* (n_cols) 1 for a dictionary column */
    size_t n_cols;
    unsigned char *block;       /* payload of the current block */
    size_t block_cap;
    size_t block_rows, block_pos;
    rs_frame_block_col *col_data;   /* (n_cols) where each column of block is */
    uint64_t rows_read;
    int done;
    char *text;                 /* text of the current row */
    size_t text_cap;
    rs_field *fields;           /* (n_cols) */
    unsigned char *direct;      /* (n_cols) or NULL: numbers read by rs_frame_reader_number, no text */
};

static rs_status read_exact(rs_frame_reader *r, void *buf, size_t len, const char *what,
                            rs_error *err)
{
    unsigned char *p = buf;
    size_t n = r->prefix_len < len ? r->prefix_len : len;
    memcpy(p, r->prefix, n);
    r->prefix += n;
    r->prefix_len -= n;
    while (n < len) {
        ssize_t got = rs_in_read(r->in, p + n, len - n, err);
        if (got < 0)
            return err->code;
        if (got == 0)
            return rs_error_set(err, RS_EDATA, rs_in_name(r->in), (long)r->rows_read + 1,
                                "truncated rsf file (%s cut short)", what);
        n += (size_t)got;
    }
    return RS_OK;
}

static rs_status corrupt(rs_frame_reader *r, const char *what, rs_error *err)
{
    return rs_error_set(err, RS_EDATA, rs_in_name(r->in), (long)r->rows_read + 1,
                        "corrupt rsf file (%s)", what);
}

static rs_status read_header(rs_frame_reader *r, rs_error *err)
{
    unsigned char fixed[16];
    if (read_exact(r, fixed, 16, "header", err))
        return err->code;
    if (memcmp(fixed, RS_FRAME_MAGIC, RS_FRAME_MAGIC_LEN) != 0)
        return corrupt(r, "bad magic", err);
    uint32_t version = get_u32(fixed + 8);
    if (version < 1 || version > RS_FRAME_VERSION)
        return rs_error_set(err, RS_EDATA, rs_in_name(r->in), 0,
                            "rsf format version %u, this rs reads version %d%s", version,
                            RS_FRAME_VERSION, version > RS_FRAME_VERSION ? " (upgrade rs)" : "");
    uint32_t n_cols = get_u32(fixed + 12);
    if (n_cols > MAX_COLS)
        return corrupt(r, "column count", err);
    /* the header is hashed as a whole: collect it */
    size_t cap = 16 + (size_t)n_cols * 4 + 64, len = 16;
    unsigned char *h = malloc(cap);
    if (!h || !(r->cols = calloc(n_cols ? n_cols : 1, sizeof *r->cols)) ||
        !(r->dict = calloc(n_cols ? n_cols : 1, 1)))
        goto nomem;
    r->n_cols = n_cols;
    memcpy(h, fixed, 16);
    for (uint32_t i = 0; i < n_cols; i++) {
        unsigned char d[4];
        if (read_exact(r, d, 4, "header", err))
            goto fail;
        uint16_t name_len;
        memcpy(&name_len, d + 2, 2);
        if (d[0] < RS_COL_STR || d[0] > RS_COL_F32 || d[1] > (version >= 2 && d[0] == RS_COL_STR)) {
            corrupt(r, "column type", err);
            goto fail;
        }
        r->cols[i].type = (rs_col_type)d[0];
        r->dict[i] = r->cols[i].dict = d[1];
        if (len + 4 + name_len + 16 > cap) {
            cap = (len + 4 + name_len + 16) * 2;
            unsigned char *nh = realloc(h, cap);
            if (!nh)
                goto nomem;
            h = nh;
        }
        memcpy(h + len, d, 4);
        len += 4;
        if (!(r->cols[i].name = malloc((size_t)name_len + 1)))
            goto nomem;
        if (read_exact(r, r->cols[i].name, name_len, "header", err))
            goto fail;
        r->cols[i].name[name_len] = '\0';
        memcpy(h + len, r->cols[i].name, name_len);
        len += name_len;
    }
    size_t padded = pad8(len);
    unsigned char tail[16];
    if (read_exact(r, tail, padded - len + 8, "header", err))
        goto fail;
    memset(h + len, 0, padded - len);
    if (memcmp(tail, h + len, padded - len) != 0 ||
        get_u64(tail + (padded - len)) != rs_hash64(h, padded, 0)) {
        corrupt(r, "header checksum mismatch", err);
        goto fail;
    }
    r->header_bytes = padded + 8;
    free(h);
    return RS_OK;
nomem:
    rs_error_nomem(err);
fail:
    free(h);
    return err->code ? err->code : RS_EDATA;
}

rs_frame_reader *rs_frame_reader_new(rs_in *in, const void *prefix, size_t prefix_len,
                                     rs_error *err)
{
    rs_frame_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->prefix_copy = malloc(prefix_len + 1))) {
        free(r);
        rs_error_nomem(err);
        return NULL;
    }
    r->in = in;
    memcpy(r->prefix_copy, prefix, prefix_len);
    r->prefix = r->prefix_copy;
    r->prefix_len = prefix_len;
    if (read_header(r, err) != RS_OK) {
        rs_frame_reader_free(r);
        return NULL;
    }
    r->col_data = calloc(r->n_cols ? r->n_cols : 1, sizeof *r->col_data);
    r->types = calloc(r->n_cols ? r->n_cols : 1, sizeof *r->types);
    for (size_t i = 0; r->types && i < r->n_cols; i++)
        r->types[i] = r->cols[i].type;
    r->fields = calloc(r->n_cols ? r->n_cols : 1, sizeof *r->fields);
    if (!r->col_data || !r->fields || !r->types) {
        rs_frame_reader_free(r);
        rs_error_nomem(err);
        return NULL;
    }
    return r;
}

void rs_frame_reader_free(rs_frame_reader *r)
{
    if (!r)
        return;
    free_columns(r->cols, r->n_cols);
    free(r->prefix_copy);
    free(r->block);
    free(r->col_data);
    free(r->types);
    free(r->dict);
    free(r->text);
    free(r->fields);
    free(r->direct);
    free(r);
}

size_t rs_frame_reader_n_cols(const rs_frame_reader *r) { return r->n_cols; }
const char *rs_frame_reader_col_name(const rs_frame_reader *r, size_t col) { return r->cols[col].name; }
rs_col_type rs_frame_reader_col_type(const rs_frame_reader *r, size_t col) { return r->cols[col].type; }
const unsigned char *rs_frame_reader_dict_flags(const rs_frame_reader *r) { return r->dict; }

/* A str layout of n strings at payload + *pos: its offsets and bytes, *pos
 * moved past them; NULL, or what is wrong. */
static const char *str_layout(const unsigned char *payload, size_t size, size_t *pos, size_t n,
                              const unsigned char **off, const unsigned char **bytes)
{
    size_t off_bytes = pad8((n + 1) * 4);
    if (*pos + off_bytes > size)
        return "block layout";
    *off = payload + *pos;
    uint32_t prev = 0;
    for (size_t k = 0; k <= n; k++) {
        uint32_t o = get_u32(*off + 4 * k);
        if ((k == 0 && o != 0) || o < prev)
            return "string offsets";
        prev = o;
    }
    *bytes = *off + off_bytes;
    *pos += off_bytes + pad8(prev);
    return *pos > size ? "block layout" : NULL;
}

const char *rs_frame_block_index(const rs_col_type *types, const unsigned char *dict, size_t n_cols,
                                 const unsigned char *payload, size_t size, size_t n_rows, rs_frame_block_col *cols)
{
    size_t pos = 0, n_dict = 0;
    for (size_t i = 0; i < n_cols; i++)
        n_dict += dict && dict[i];
    if (8 * n_dict > size)
        return "block layout";
    const unsigned char *table = payload;
    pos = 8 * n_dict;
    for (size_t i = 0; i < n_cols; i++) {
        rs_frame_block_col *c = &cols[i];
        const char *why = NULL;
        *c = (rs_frame_block_col){0};
        if (dict && dict[i]) {
            c->n_new = get_u32(table), c->coded = (int)get_u32(table + 4);
            table += 8;
            if (c->coded > 1 || (!c->coded && c->n_new) || c->n_new > MAX_BLOCK_ROWS)
                return "dictionary block";
        }
        if (c->coded) {
            why = str_layout(payload, size, &pos, c->n_new, &c->new_off, &c->new_bytes);
            c->data = payload + pos;
            pos += pad8(n_rows * 4);
        } else if (types[i] == RS_COL_STR) {
            why = str_layout(payload, size, &pos, n_rows, &c->data, &c->bytes);
        } else {
            c->data = payload + pos;
            pos += pad8(n_rows * type_width(types[i]));
        }
        if (why)
            return why;
        if (pos > size)
            return "block layout";
    }
    return pos != size ? "block size" : NULL;
}

size_t rs_frame_header_bytes(const char *const *names, size_t n_cols)
{
    size_t len = 16;
    for (size_t i = 0; i < n_cols; i++)
        len += 4 + strlen(names[i]);
    return pad8(len) + 8;
}

/* A coded block's new entries onto column c's dictionary, and its codes
 * checked against it: 0, or -1 (*why set when damaged, else out of memory). */
static int add_entries(frame_column *c, const rs_frame_block_col *b, size_t n_rows, const char **why)
{
    size_t new_len = get_u32(b->new_off + 4 * (size_t)b->n_new);
    if (c->n_entries + b->n_new > DICT_MAX_ENTRIES) {
        *why = "dictionary size";
        return -1;
    }
    size_t n_off = c->n_entries + b->n_new + 1, n_bytes = (c->n_entries ? c->entry_off[c->n_entries] : 0) + new_len;
    if (n_off > c->entry_off_cap) {
        size_t cap = 2 * n_off;
        uint64_t *o = realloc(c->entry_off, cap * sizeof *o);
        if (!o)
            return -1;
        c->entry_off = o, c->entry_off_cap = cap;
    }
    if (n_bytes > c->entry_bytes_cap) {
        size_t cap = 2 * n_bytes + 64;
        char *e = realloc(c->entry_bytes, cap);
        if (!e)
            return -1;
        c->entry_bytes = e, c->entry_bytes_cap = cap;
    }
    uint64_t base = c->n_entries ? c->entry_off[c->n_entries] : 0;
    c->entry_off[0] = 0;
    memcpy(c->entry_bytes + base, b->new_bytes, new_len);
    for (uint32_t k = 1; k <= b->n_new; k++)
        c->entry_off[c->n_entries + k] = base + get_u32(b->new_off + 4 * (size_t)k);
    c->n_entries += b->n_new;
    for (size_t row = 0; row < n_rows; row++)
        if (get_u32(b->data + 4 * row) >= c->n_entries) {
            *why = "dictionary code";
            return -1;
        }
    return 0;
}

/* Check the block's column layout against payload_bytes before trusting any
 * offset in it. */
static rs_status index_block(rs_frame_reader *r, size_t payload, rs_error *err)
{
    const char *why = rs_frame_block_index(r->types, r->dict, r->n_cols, r->block, payload, r->block_rows, r->col_data);
    if (why)
        return corrupt(r, why, err);
    for (size_t i = 0; i < r->n_cols; i++)
        if (r->col_data[i].coded && add_entries(&r->cols[i], &r->col_data[i], r->block_rows, &why) < 0)
            return why ? corrupt(r, why, err) : rs_error_nomem(err);
    return RS_OK;
}

static int load_block(rs_frame_reader *r, rs_error *err)
{
    unsigned char head[8];
    if (read_exact(r, head, 8, "block header", err))
        return -1;
    uint32_t n_rows = get_u32(head), payload = get_u32(head + 4);
    if (n_rows == 0) {
        unsigned char total[8];
        if (read_exact(r, total, 8, "end marker", err))
            return -1;
        if (payload != 0 || get_u64(total) != r->rows_read) {
            corrupt(r, "row count in end marker", err);
            return -1;
        }
        r->done = 1;
        return 0;
    }
    if (n_rows > MAX_BLOCK_ROWS || payload >= MAX_PAYLOAD || payload % 8) {
        corrupt(r, "block header", err);
        return -1;
    }
    /* The buffer grows with the bytes that arrive, not with what the block
     * header claims: a damaged length in a short file is reported as
     * truncation after at most READ_STEP bytes, not after a 2 GiB malloc. */
    size_t need = (size_t)payload + 8;
    for (size_t have = 0, step; have < need; have += step) {
        step = need - have < READ_STEP ? need - have : READ_STEP;
        if (have + step > r->block_cap) {
            size_t cap = 2 * r->block_cap > have + step ? 2 * r->block_cap : have + step;
            unsigned char *b = realloc(r->block, cap < need ? cap : need);
            if (!b) {
                rs_error_nomem(err);
                return -1;
            }
            r->block = b;
            r->block_cap = cap < need ? cap : need;
        }
        if (read_exact(r, r->block + have, step, "block", err))
            return -1;
    }
    if (get_u64(r->block + payload) != rs_hash64(r->block, payload, 0)) {
        corrupt(r, "block checksum mismatch", err);
        return -1;
    }
    r->block_rows = n_rows;
    r->block_pos = 0;
    if (index_block(r, payload, err))
        return -1;
    return 1;
}

/* Row row's text in str column i of the current block. */
static rs_field str_cell(const rs_frame_reader *r, size_t i, size_t row)
{
    const rs_frame_block_col *b = &r->col_data[i];
    if (b->coded) {
        const frame_column *c = &r->cols[i];
        uint32_t code = get_u32(b->data + 4 * row);
        return (rs_field){c->entry_bytes + c->entry_off[code], c->entry_off[code + 1] - c->entry_off[code]};
    }
    uint32_t a = get_u32(b->data + 4 * row), e = get_u32(b->data + 4 * (row + 1));
    return (rs_field){(const char *)b->bytes + a, e - a};
}

/* 1 when the current block has a row left (the next one loaded when it
 * has none), 0 at the end, -1 on an error. */
static int block_ready(rs_frame_reader *r, rs_error *err)
{
    if (r->done)
        return 0;
    if (r->block_pos == r->block_rows)
        return load_block(r, err);
    return 1;
}

int rs_frame_reader_next(rs_frame_reader *r, rs_record *rec, rs_error *err)
{
    int got = block_ready(r, err);
    if (got <= 0)
        return got;
    size_t row = r->block_pos++;
    /* first the text lengths, then one buffer for all of them */
    size_t need = 0;
    for (size_t i = 0; i < r->n_cols; i++)
        need += r->cols[i].type == RS_COL_STR ? str_cell(r, i, row).len : RS_NUM_BUF;
    if (need > r->text_cap) {
        char *t = realloc(r->text, need);
        if (!t) {
            rs_error_nomem(err);
            return -1;
        }
        r->text = t;
        r->text_cap = need;
    }
    char *t = r->text;
    for (size_t i = 0; i < r->n_cols; i++) {
        const unsigned char *d = r->col_data[i].data;
        size_t len = 0;
        switch (r->direct && r->direct[i] ? 0 : r->cols[i].type) {
        case RS_COL_STR: {
            rs_field f = str_cell(r, i, row);
            len = f.len;
            memcpy(t, f.ptr, len);
            break;
        }
        case RS_COL_I64: {
            int64_t v = (int64_t)get_u64(d + 8 * row);
            len = v == RS_I64_MISSING ? 0 : rs_format_i64(v, t);
            break;
        }
        case RS_COL_F64: {
            double v;
            memcpy(&v, d + 8 * row, 8);
            len = rs_format_f64(v, t);
            break;
        }
        case RS_COL_F32: {
            float v;
            memcpy(&v, d + 4 * row, 4);
            len = rs_format_f32(v, t);
            break;
        }
        }
        r->fields[i].ptr = t;
        r->fields[i].len = len;
        t += len;
    }
    r->rows_read++;
    rec->fields = r->fields;
    rec->n_fields = r->n_cols;
    rec->line = (long)r->rows_read + 1;
    rec->flags = RS_REC_NON_ASCII | RS_REC_SPECIAL;   /* not scanned */
    return 1;
}

int rs_frame_reader_numbers_direct(rs_frame_reader *r, size_t col, rs_error *err)
{
    if (col >= r->n_cols || r->cols[col].type == RS_COL_STR)
        return 0;
    if (!r->direct && !(r->direct = calloc(r->n_cols, 1))) {
        rs_error_nomem(err);
        return -1;
    }
    r->direct[col] = 1;
    return 1;
}

int rs_frame_reader_number(const rs_frame_reader *r, size_t col, double *value)
{
    if (!r->direct || !r->direct[col] || r->block_pos == 0)
        return 0;
    const unsigned char *d = r->col_data[col].data;
    size_t row = r->block_pos - 1;
    if (r->cols[col].type == RS_COL_I64) {
        int64_t v = (int64_t)get_u64(d + 8 * row);
        *value = v == RS_I64_MISSING ? NAN : (double)v;
    } else if (r->cols[col].type == RS_COL_F64) {
        memcpy(value, d + 8 * row, 8);
    } else {
        float v;
        memcpy(&v, d + 4 * row, 4);
        *value = v;
    }
    return 1;
}

/* Number column col's cell in row row of the block, as a double (an i64
 * column's missing value NaN). */
static inline double cell_number(const rs_frame_reader *r, size_t col, size_t row)
{
    const unsigned char *d = r->col_data[col].data;
    if (r->cols[col].type == RS_COL_F64) {
        double v;
        memcpy(&v, d + 8 * row, 8);
        return v;
    }
    if (r->cols[col].type == RS_COL_F32) {
        float v;
        memcpy(&v, d + 4 * row, 4);
        return v;
    }
    int64_t v = (int64_t)get_u64(d + 8 * row);
    return v == RS_I64_MISSING ? NAN : (double)v;
}

int rs_frame_reader_numbers(const rs_frame_reader *r, const size_t *cols, size_t n, double *values)
{
    if (!r->direct || r->block_pos == 0)
        return 0;
    size_t row = r->block_pos - 1;
    for (size_t k = 0; k < n; k++) {   /* one call per row, not per cell: rs-predict's hot loop */
        if (!r->direct[cols[k]])
            return 0;
        values[k] = cell_number(r, cols[k], row);
    }
    return 1;
}

long rs_frame_reader_block_rows(rs_frame_reader *r, rs_error *err)
{
    int got = block_ready(r, err);
    if (got <= 0)
        return got;
    return (long)(r->block_rows - r->block_pos);
}

const double *rs_frame_reader_block_numbers(const rs_frame_reader *r, size_t col, size_t n, double *values)
{
    if (col >= r->n_cols || r->cols[col].type == RS_COL_STR || n > r->block_rows - r->block_pos)
        return NULL;
    size_t row = r->block_pos;
    /* little-endian doubles (get_u64), 8-aligned in the block (pad8) */
    if (r->cols[col].type == RS_COL_F64)
        return (const double *)(const void *)(r->col_data[col].data + 8 * row);
    for (size_t k = 0; k < n; k++)
        values[k] = cell_number(r, col, row + k);
    return values;
}

void rs_frame_reader_skip(rs_frame_reader *r, size_t n)
{
    n = n < r->block_rows - r->block_pos ? n : r->block_rows - r->block_pos;
    r->block_pos += n;
    r->rows_read += n;
}

rs_status rs_frame_reader_rewind(rs_frame_reader *r, rs_error *err)
{
    if (rs_in_rewind(r->in, err))
        return err->code;
    r->prefix_len = 0;   /* the input delivers the sniffed bytes again */
    unsigned char skip[256];
    for (size_t left = r->header_bytes; left;) {
        size_t n = left < sizeof skip ? left : sizeof skip;
        if (read_exact(r, skip, n, "header", err))
            return err->code;
        left -= n;
    }
    r->block_rows = r->block_pos = 0;
    r->rows_read = 0;
    r->done = 0;
    for (size_t i = 0; i < r->n_cols; i++)
        r->cols[i].n_entries = 0;   /* the blocks build the dictionaries again */
    return RS_OK;
}
