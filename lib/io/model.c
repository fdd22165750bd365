#include "io/model.h"

#include "io/frame.h"

/* The file is little-endian and tensors are mapped as they lie: a
 * big-endian host would need byte swaps on every load. */
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "rsm model files assume a little-endian host"
#endif

#include "num.h"

#include "hash.h"
#include "mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRAILER_TAG "RSMEND\0\0"
enum { FIXED = 16, TRAILER = 16, MAX_LINE = 4096 };

typedef struct {
    char *name;
    int is_ids;
    size_t rows, cols;        /* tensor shape; ids: count, 0 */
    size_t offset, bytes;     /* in the file */
    int is_int;               /* an int32 tensor ("itensor") */
    const void *data;         /* saving: borrowed */
    const rs_idmap *ids;      /* saving: borrowed */
    void *owned_data;         /* adopted: freed with the model */
    rs_idmap *owned_ids;
} section;

struct rs_model {
    char *kind;
    char **keys, **values;    /* (n_pairs) */
    size_t n_pairs, pairs_cap;
    section *sections;        /* (n_sections) */
    size_t n_sections, sections_cap;
    const unsigned char *map; /* loaded: the mapping */
    size_t map_len;
    int map_borrowed;         /* a nested model's view of its parent's */
    char *path;
};

static size_t align_up(size_t n)
{
    return (n + RS_MODEL_ALIGN - 1) / RS_MODEL_ALIGN * RS_MODEL_ALIGN;
}

rs_model *rs_model_new(const char *kind)
{
    rs_model *m = calloc(1, sizeof *m);
    if (m && !(m->kind = strdup(kind))) {
        free(m);
        return NULL;
    }
    return m;
}

static int valid_token(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
            return 0;
    return 1;
}

rs_status rs_model_set(rs_model *m, const char *key, const char *value, rs_error *err)
{
    if (!valid_token(key) || strchr(value, '\n') || !strcmp(key, "kind") || !strcmp(key, "tensor") ||
        !strcmp(key, "ids"))
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid model key '%s'", key);
    size_t cap = m->pairs_cap;
    if (rs_grow((void **)&m->keys, &cap, m->n_pairs + 1, sizeof *m->keys) < 0 ||
        rs_grow((void **)&m->values, &m->pairs_cap, m->n_pairs + 1, sizeof *m->values) < 0)
        return rs_error_nomem(err);
    if (!(m->keys[m->n_pairs] = strdup(key)) || !(m->values[m->n_pairs] = strdup(value)))
        return rs_error_nomem(err);
    m->n_pairs++;
    return RS_OK;
}

rs_status rs_model_set_f64(rs_model *m, const char *key, double value, rs_error *err)
{
    char buf[RS_NUM_BUF];
    rs_format_f64(value, buf);   /* shortest text that reads back exactly */
    return rs_model_set(m, key, buf, err);
}

rs_status rs_model_set_i64(rs_model *m, const char *key, int64_t value, rs_error *err)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)value);
    return rs_model_set(m, key, buf, err);
}

static section *add_section(rs_model *m, const char *name, rs_error *err)
{
    if (!valid_token(name)) {
        rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid section name '%s'", name);
        return NULL;
    }
    if (rs_grow((void **)&m->sections, &m->sections_cap, m->n_sections + 1, sizeof *m->sections) < 0) {
        rs_error_nomem(err);
        return NULL;
    }
    section *s = &m->sections[m->n_sections];
    memset(s, 0, sizeof *s);
    if (!(s->name = strdup(name))) {
        rs_error_nomem(err);
        return NULL;
    }
    m->n_sections++;
    return s;
}

rs_status rs_model_add_tensor(rs_model *m, const char *name, const float *data, size_t rows, size_t cols,
                              rs_error *err)
{
    section *s = add_section(m, name, err);
    if (!s)
        return err->code;
    s->rows = rows, s->cols = cols, s->data = data, s->bytes = rows * cols * sizeof(float);
    return RS_OK;
}

rs_status rs_model_add_ids(rs_model *m, const char *name, const rs_idmap *ids, rs_error *err)
{
    section *s = add_section(m, name, err);
    if (!s)
        return err->code;
    s->is_ids = 1;
    s->ids = ids;
    s->rows = (size_t)rs_idmap_size(ids);
    s->bytes = 4 * s->rows;
    for (int32_t i = 0; i < rs_idmap_size(ids); i++) {
        size_t len;
        rs_idmap_key(ids, i, &len);
        s->bytes += len;
    }
    return RS_OK;
}

rs_status rs_model_add_i32(rs_model *m, const char *name, const int32_t *data, size_t rows, size_t cols,
                           rs_error *err)
{
    if (rs_model_add_tensor(m, name, (const float *)(const void *)data, rows, cols, err) != RS_OK)
        return err->code;
    m->sections[m->n_sections - 1].is_int = 1;
    return RS_OK;
}

rs_status rs_model_adopt_i32(rs_model *m, const char *name, int32_t *data, size_t rows, size_t cols,
                             rs_error *err)
{
    if (rs_model_add_i32(m, name, data, rows, cols, err) != RS_OK) {
        free(data);
        return err->code;
    }
    m->sections[m->n_sections - 1].owned_data = data;
    return RS_OK;
}

rs_status rs_model_adopt_tensor(rs_model *m, const char *name, float *data, size_t rows, size_t cols,
                                rs_error *err)
{
    if (rs_model_add_tensor(m, name, data, rows, cols, err) != RS_OK) {
        free(data);
        return err->code;
    }
    m->sections[m->n_sections - 1].owned_data = data;
    return RS_OK;
}

rs_status rs_model_adopt_ids(rs_model *m, const char *name, rs_idmap *ids, rs_error *err)
{
    if (rs_model_add_ids(m, name, ids, err) != RS_OK) {
        rs_idmap_free(ids);
        return err->code;
    }
    m->sections[m->n_sections - 1].owned_ids = ids;
    return RS_OK;
}

rs_status rs_model_add_copy(rs_model *m, const char *name, const float *data, size_t rows, size_t cols,
                            rs_error *err)
{
    float *copy = malloc((rows * cols + 1) * sizeof *copy);
    if (!copy)
        return rs_error_nomem(err);
    memcpy(copy, data, rows * cols * sizeof *copy);
    return rs_model_adopt_tensor(m, name, copy, rows, cols, err);
}

/* The header text with section offsets computed from its own length. */
static char *header_text(const rs_model *m, size_t *len_out)
{
    size_t cap = 4096, len = 0;
    char *h = NULL;
    for (int attempt = 0; attempt < 2; attempt++) {
        free(h);
        if (!(h = malloc(cap)))
            return NULL;
        len = (size_t)snprintf(h, cap, "kind %s\n", m->kind);
        for (size_t i = 0; i < m->n_pairs && len < cap; i++)
            len += (size_t)snprintf(h + len, cap - len, "%s %s\n", m->keys[i], m->values[i]);
        size_t offset = align_up(FIXED + cap);   /* the header's room, fixed before offsets */
        for (size_t i = 0; i < m->n_sections && len < cap; i++) {
            const section *s = &m->sections[i];
            if (s->is_ids)
                len += (size_t)snprintf(h + len, cap - len, "ids %s %zu %zu %zu\n", s->name, s->rows, offset, s->bytes);
            else
                len += (size_t)snprintf(h + len, cap - len, "%s %s %zu %zu %zu\n", s->is_int ? "itensor" : "tensor",
                                        s->name, s->rows, s->cols, offset);
            offset = align_up(offset + s->bytes);
        }
        if (len < cap)
            break;
        cap = len * 2 + 4096;
    }
    if (len >= cap) {
        free(h);
        return NULL;
    }
    /* the header occupies cap bytes: pad with spaces-free zeros */
    memset(h + len, 0, cap - len);
    *len_out = cap;
    return h;
}

static void put_u32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }

rs_status rs_model_save(const rs_model *m, const char *path, rs_error *err)
{
    size_t header_cap;
    char *header = header_text(m, &header_cap);
    if (!header)
        return rs_error_nomem(err);
    size_t total = align_up(FIXED + header_cap);
    for (size_t i = 0; i < m->n_sections; i++)
        total = align_up(total + m->sections[i].bytes);
    unsigned char *file = calloc(total + TRAILER, 1);
    if (!file) {
        free(header);
        return rs_error_nomem(err);
    }
    memcpy(file, RS_MODEL_MAGIC, 8);
    put_u32(file + 8, RS_MODEL_VERSION);
    put_u32(file + 12, (uint32_t)header_cap);
    memcpy(file + FIXED, header, header_cap);
    size_t offset = align_up(FIXED + header_cap);
    for (size_t i = 0; i < m->n_sections; i++) {
        const section *s = &m->sections[i];
        unsigned char *p = file + offset;
        if (s->is_ids) {
            size_t pos = 4 * s->rows;
            for (int32_t k = 0; k < rs_idmap_size(s->ids); k++) {
                size_t len;
                const char *key = rs_idmap_key(s->ids, k, &len);
                put_u32(p + 4 * (size_t)k, (uint32_t)len);
                memcpy(p + pos, key, len);
                pos += len;
            }
        } else if (s->bytes) {
            memcpy(p, s->data, s->bytes);
        }
        offset = align_up(offset + s->bytes);
    }
    uint64_t sum = rs_hash64(file, total, 0);
    memcpy(file + total, &sum, 8);
    memcpy(file + total + 8, TRAILER_TAG, 8);
    free(header);
    rs_out *out = rs_out_open(path, err);
    if (!out) {
        free(file);
        return err->code;
    }
    rs_out_write(out, file, total + TRAILER);
    free(file);
    return rs_out_commit(out, err);
}

/* ---- loading ---- */

static rs_status corrupt(const char *path, const char *what, rs_error *err)
{
    return rs_error_set(err, RS_EDATA, path, 0, "not a valid rs model file (%s)", what);
}

/* What a file that is not a model is, from its first n bytes, when that
 * is clear: an rsf table, gzip data, a text table; else NULL. */
static const char *not_a_model(const unsigned char *head, size_t n)
{
    if (n >= RS_FRAME_MAGIC_LEN && memcmp(head, RS_FRAME_MAGIC, RS_FRAME_MAGIC_LEN) == 0)
        return "it is an rsf table; models are written by rs-train -o";
    if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        return "it is gzip-compressed data";
    size_t probe = n < 4096 ? n : 4096;
    if (n > 0 && memchr(head, '\n', probe) && !memchr(head, 0, probe))
        return "it is a text file, a CSV table perhaps; models are written by rs-train -o";
    return NULL;
}

static rs_status parse_header(rs_model *m, const char *text, size_t len, size_t body_end, rs_error *err)
{
    const char *p = text, *end = text + len;
    int first = 1;
    while (p < end && *p) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return corrupt(m->path, "header line without an end", err);
        char line[MAX_LINE];
        size_t n = (size_t)(nl - p);
        if (n >= sizeof line)
            return corrupt(m->path, "header line too long", err);
        memcpy(line, p, n);
        line[n] = '\0';
        p = nl + 1;
        char *space = strchr(line, ' ');
        if (!space)
            return corrupt(m->path, "header line without a value", err);
        *space = '\0';
        const char *key = line, *value = space + 1;
        if (first) {
            if (strcmp(key, "kind"))
                return corrupt(m->path, "no kind line", err);
            if (!(m->kind = strdup(value)))
                return rs_error_nomem(err);
            first = 0;
            continue;
        }
        if (!strcmp(key, "tensor") || !strcmp(key, "itensor") || !strcmp(key, "ids")) {
            char name[256];
            size_t a, b, c;
            int is_ids = !strcmp(key, "ids");
            if (sscanf(value, "%255s %zu %zu %zu", name, &a, &b, &c) != 4)
                return corrupt(m->path, "malformed section line", err);
            section *s = add_section(m, name, err);
            if (!s)
                return err->code;
            s->is_ids = is_ids;
            s->is_int = !strcmp(key, "itensor");
            s->rows = a;
            s->cols = is_ids ? 0 : b;
            s->offset = is_ids ? b : c;
            if (!is_ids && a && b > SIZE_MAX / 4 / a)
                return corrupt(m->path, "tensor too large", err);
            s->bytes = is_ids ? c : a * b * sizeof(float);
            if (s->offset % RS_MODEL_ALIGN || s->offset > body_end || s->bytes > body_end - s->offset)
                return corrupt(m->path, "section outside the file", err);
            if (!is_ids)
                s->data = m->map + s->offset;
            continue;
        }
        if (rs_model_set(m, key, value, err))
            return corrupt(m->path, "bad key", err);
    }
    return first ? corrupt(m->path, "empty header", err) : RS_OK;
}

rs_model *rs_model_load(const char *path, rs_error *err)
{
    rs_model *m = calloc(1, sizeof *m);
    if (!m || !(m->path = strdup(path))) {
        free(m);
        rs_error_nomem(err);
        return NULL;
    }
    /* O_NONBLOCK: a FIFO with no writer is refused below, not waited on */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        rs_error_set(err, RS_EIO, path, 0, "cannot open: %s", strerror(errno));
        goto fail_fd;
    }
    unsigned char head[64];
    ssize_t n_head = S_ISREG(st.st_mode) ? pread(fd, head, sizeof head, 0) : -1;
    const char *what = n_head >= 0 && (size_t)n_head < sizeof head ? not_a_model(head, (size_t)n_head) : NULL;
    if (!S_ISREG(st.st_mode) || (size_t)st.st_size < FIXED + TRAILER) {
        corrupt(path, !S_ISREG(st.st_mode) ? "not a regular file" : what ? what : "too short: truncated?", err);
        goto fail_fd;
    }
    m->map_len = (size_t)st.st_size;
    void *map = mmap(NULL, m->map_len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    fd = -1;
    if (map == MAP_FAILED) {
        rs_error_set(err, RS_EIO, path, 0, "cannot map: %s", strerror(errno));
        m->map_len = 0;
        goto fail;
    }
    m->map = map;
    if (memcmp(m->map, RS_MODEL_MAGIC, 8)) {
        const char *kind = not_a_model((const unsigned char *)m->map, m->map_len);
        corrupt(path, kind ? kind : "bad magic", err);
        goto fail;
    }
    uint32_t version, header_bytes;
    memcpy(&version, m->map + 8, 4);
    memcpy(&header_bytes, m->map + 12, 4);
    size_t body_end = m->map_len - TRAILER;
    if (version != RS_MODEL_VERSION) {
        /* a damaged version field is damage, not a reason to upgrade */
        uint64_t stored;
        memcpy(&stored, m->map + body_end, 8);
        if (memcmp(m->map + body_end + 8, TRAILER_TAG, 8) || stored != rs_hash64(m->map, body_end, 0))
            corrupt(path, "the version field and the checksum disagree: the file is damaged", err);
        else
            rs_error_set(err, RS_EDATA, path, 0, "model format version %u, this rs reads version %d%s", version,
                         RS_MODEL_VERSION, version > RS_MODEL_VERSION ? " (upgrade rs)" : "");
        goto fail;
    }
    if (memcmp(m->map + body_end + 8, TRAILER_TAG, 8)) {
        corrupt(path, "no end marker: truncated?", err);
        goto fail;
    }
    uint64_t sum;
    memcpy(&sum, m->map + body_end, 8);
#ifdef RS_FUZZING   /* make fuzz: let mutated bytes reach the structure checks */
    sum = rs_hash64(m->map, body_end, 0);
#endif
    if (sum != rs_hash64(m->map, body_end, 0)) {
        corrupt(path, "checksum mismatch: the file is damaged", err);
        goto fail;
    }
    if (header_bytes > body_end - FIXED) {
        corrupt(path, "header size", err);
        goto fail;
    }
    if (parse_header(m, (const char *)m->map + FIXED, header_bytes, body_end, err))
        goto fail;
    return m;
fail_fd:
    if (fd >= 0)
        close(fd);
fail:
    rs_model_free(m);
    return NULL;
}

const char *rs_model_kind(const rs_model *m)
{
    return m->kind;
}

const char *rs_model_get(const rs_model *m, const char *key)
{
    for (size_t i = 0; i < m->n_pairs; i++)
        if (!strcmp(m->keys[i], key))
            return m->values[i];
    return NULL;
}

rs_status rs_model_get_f64(const rs_model *m, const char *key, double *value, rs_error *err)
{
    const char *v = rs_model_get(m, key);
    char *end;
    if (!v || (*value = strtod(v, &end), *end || end == v))
        return rs_error_set(err, RS_EDATA, m->path, 0, "model key '%s' %s", key, v ? "is not a number" : "is missing");
    return RS_OK;
}

rs_status rs_model_get_i64(const rs_model *m, const char *key, int64_t *value, rs_error *err)
{
    const char *v = rs_model_get(m, key);
    char *end;
    if (!v || (*value = strtoll(v, &end, 10), *end || end == v))
        return rs_error_set(err, RS_EDATA, m->path, 0, "model key '%s' %s", key, v ? "is not an integer" : "is missing");
    return RS_OK;
}

/* kind: 0 float tensor, 1 id map, 2 int32 tensor */
static const section *find_section(const rs_model *m, const char *name, int kind)
{
    for (size_t i = 0; i < m->n_sections; i++)
        if (m->sections[i].is_ids + 2 * m->sections[i].is_int == kind && !strcmp(m->sections[i].name, name))
            return &m->sections[i];
    return NULL;
}

const float *rs_model_tensor(const rs_model *m, const char *name, size_t *rows, size_t *cols)
{
    const section *s = find_section(m, name, 0);
    if (!s)
        return NULL;
    *rows = s->rows;
    *cols = s->cols;
    return s->data;
}

const float *rs_model_need(const rs_model *m, const char *name, size_t rows, size_t cols, rs_error *err)
{
    size_t r, c;
    const float *data = rs_model_tensor(m, name, &r, &c);
    if (!data || r != rows || c != cols) {
        rs_error_set(err, RS_EDATA, m->path, 0, "the model's tensor %s is %s (expected %zu x %zu)", name,
                     data ? "of the wrong shape" : "missing", rows, cols);
        return NULL;
    }
    return data;
}

const int32_t *rs_model_i32(const rs_model *m, const char *name, size_t *rows, size_t *cols)
{
    const section *s = find_section(m, name, 2);
    if (!s)
        return NULL;
    *rows = s->rows;
    *cols = s->cols;
    return s->data;
}

rs_idmap *rs_model_ids_new(const rs_model *m, const char *name, rs_error *err)
{
    const section *s = find_section(m, name, 1);
    if (!s || !m->map) {
        rs_error_set(err, RS_EDATA, m->path, 0, "the model has no id map '%s'", name);
        return NULL;
    }
    rs_idmap *ids = rs_idmap_new();
    if (!ids) {
        rs_error_nomem(err);
        return NULL;
    }
    const unsigned char *p = m->map + s->offset;
    size_t pos = 4 * s->rows;
    if (pos > s->bytes)
        goto bad;
    for (size_t i = 0; i < s->rows; i++) {
        uint32_t len;
        memcpy(&len, p + 4 * i, 4);
        int added;
        if (len > s->bytes - pos)
            goto bad;
        if (rs_idmap_intern(ids, (const char *)p + pos, len, &added) != (int32_t)i || !added)
            goto bad;
        pos += len;
    }
    return ids;
bad:
    rs_idmap_free(ids);
    corrupt(m->path, "id map", err);
    return NULL;
}

void rs_model_describe(const rs_model *m, rs_out *out)
{
    rs_out_printf(out, "format rsm %d\nkind %s\n", RS_MODEL_VERSION, m->kind);
    for (size_t i = 0; i < m->n_pairs; i++)
        rs_out_printf(out, "%s %s\n", m->keys[i], m->values[i]);
    for (size_t i = 0; i < m->n_sections; i++) {
        const section *s = &m->sections[i];
        if (s->is_ids)
            rs_out_printf(out, "ids %s %zu\n", s->name, s->rows);
        else
            rs_out_printf(out, "%s %s %zux%zu\n", s->is_int ? "itensor" : "tensor", s->name, s->rows, s->cols);
    }
}

void rs_model_free(rs_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_pairs; i++)
        free(m->keys[i]), free(m->values[i]);
    for (size_t i = 0; i < m->n_sections; i++) {
        free(m->sections[i].name);
        free(m->sections[i].owned_data);
        rs_idmap_free(m->sections[i].owned_ids);
    }
    free(m->keys), free(m->values), free(m->sections), free(m->kind), free(m->path);
    if (m->map && !m->map_borrowed)
        munmap((void *)m->map, m->map_len);
    free(m);
}

/* ---- nested models ---- */

static rs_idmap *ids_copy_new(const rs_idmap *ids)
{
    rs_idmap *copy = rs_idmap_new();
    for (int32_t i = 0; copy && i < rs_idmap_size(ids); i++) {
        size_t len;
        const char *key = rs_idmap_key(ids, i, &len);
        if (rs_idmap_intern(copy, key, len, NULL) < 0) {
            rs_idmap_free(copy);
            return NULL;
        }
    }
    return copy;
}

/* Section s of inner into m as name: moved when owned, else copied. */
static rs_status nest_section(rs_model *m, const char *name, section *s, rs_error *err)
{
    if (s->is_ids) {
        rs_idmap *ids = s->owned_ids ? s->owned_ids : ids_copy_new(s->ids);
        s->owned_ids = NULL;
        return ids ? rs_model_adopt_ids(m, name, ids, err) : rs_error_nomem(err);
    }
    void *data = s->owned_data;
    s->owned_data = NULL;
    if (!data && (data = malloc(s->bytes + 1)))
        memcpy(data, s->data, s->bytes);
    if (!data)
        return rs_error_nomem(err);
    return s->is_int ? rs_model_adopt_i32(m, name, data, s->rows, s->cols, err)
                     : rs_model_adopt_tensor(m, name, data, s->rows, s->cols, err);
}

rs_status rs_model_nest(rs_model *m, const char *prefix, rs_model *inner, rs_error *err)
{
    char key[512];
    snprintf(key, sizeof key, "%s.kind", prefix);
    rs_status st = rs_model_set(m, key, inner->kind, err);
    for (size_t i = 0; st == RS_OK && i < inner->n_pairs; i++) {
        snprintf(key, sizeof key, "%s.%s", prefix, inner->keys[i]);
        st = rs_model_set(m, key, inner->values[i], err);
    }
    for (size_t i = 0; st == RS_OK && i < inner->n_sections; i++) {
        snprintf(key, sizeof key, "%s.%s", prefix, inner->sections[i].name);
        st = nest_section(m, key, &inner->sections[i], err);
    }
    rs_model_free(inner);
    return st;
}

rs_model *rs_model_nested_new(const rs_model *m, const char *prefix, rs_error *err)
{
    size_t plen = strlen(prefix);
    char key[512];
    snprintf(key, sizeof key, "%s.kind", prefix);
    const char *kind = rs_model_get(m, key);
    if (!kind) {
        rs_error_set(err, RS_EDATA, m->path, 0, "the model holds no inner model '%s'", prefix);
        return NULL;
    }
    rs_model *v = rs_model_new(kind);
    if (!v || (m->path && !(v->path = strdup(m->path)))) {
        rs_model_free(v);
        rs_error_nomem(err);
        return NULL;
    }
    v->map = m->map, v->map_len = m->map_len, v->map_borrowed = 1;
    rs_status st = RS_OK;
    for (size_t i = 0; st == RS_OK && i < m->n_pairs; i++) {
        const char *k = m->keys[i];
        if (!strncmp(k, prefix, plen) && k[plen] == '.' && strcmp(k + plen + 1, "kind"))
            st = rs_model_set(v, k + plen + 1, m->values[i], err);
    }
    for (size_t i = 0; st == RS_OK && i < m->n_sections; i++) {
        const section *s = &m->sections[i];
        if (strncmp(s->name, prefix, plen) || s->name[plen] != '.')
            continue;
        section *c = add_section(v, s->name + plen + 1, err);
        if (!c) {
            st = err->code;
            break;
        }
        char *name = c->name;
        *c = *s;   /* the same offsets and views into the shared mapping */
        c->name = name, c->owned_data = NULL, c->owned_ids = NULL;
    }
    if (st != RS_OK) {
        rs_model_free(v);
        return NULL;
    }
    return v;
}

rs_status rs_model_adopt_csr(rs_model *m, const char *name, rs_csr *c, rs_error *err)
{
    char key[64];
    size_t nnz = rs_csr_nnz(c), n_rows = c->n_rows;
    int32_t *ptr = c->ptr, *idx = c->idx;
    float *val = c->val;
    memset(c, 0, sizeof *c);
    snprintf(key, sizeof key, "%s_ptr", name);
    if (rs_model_adopt_i32(m, key, ptr, 1, n_rows + 1, err)) {
        free(idx), free(val);
        return err->code;
    }
    snprintf(key, sizeof key, "%s_idx", name);
    if (rs_model_adopt_i32(m, key, idx, 1, nnz, err)) {
        free(val);
        return err->code;
    }
    snprintf(key, sizeof key, "%s_val", name);
    return rs_model_adopt_tensor(m, key, val, 1, nnz, err);
}

rs_status rs_model_csr(const rs_model *m, const char *name, size_t n_rows, size_t n_cols, rs_csr *c,
                       rs_error *err)
{
    char key[64];
    size_t r1 = 0, c1 = 0, r2 = 0, c2 = 0, r3 = 0, c3 = 0;
    snprintf(key, sizeof key, "%s_ptr", name);
    const int32_t *ptr = rs_model_i32(m, key, &r1, &c1);
    snprintf(key, sizeof key, "%s_idx", name);
    const int32_t *idx = rs_model_i32(m, key, &r2, &c2);
    snprintf(key, sizeof key, "%s_val", name);
    const float *val = rs_model_tensor(m, key, &r3, &c3);
    if (!ptr || !idx || !val || r1 * c1 != n_rows + 1 || r2 * c2 != r3 * c3 || (size_t)ptr[n_rows] != r2 * c2)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's %s matrix is missing or inconsistent", name);
    /* A view into the read-only mapping: never written, never freed. */
    *c = (rs_csr){n_rows, n_cols, (int32_t *)ptr, (int32_t *)idx, (float *)val};
    return rs_csr_validate(c, name, err);
}
