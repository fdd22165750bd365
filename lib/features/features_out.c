#include "features/features_out.h"

#include "num.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rs_feature_name_add(feature_table *t, const char *prefix, const char *middle, size_t middle_len,
                        const char *suffix)
{
    char name[256];
    size_t n = (size_t)snprintf(name, sizeof name, "%s", prefix);
    for (size_t i = 0; i < middle_len && n < sizeof name - 64; i++) {
        char c = middle[i];
        c = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        name[n++] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_';
    }
    snprintf(name + n, sizeof name - n, "%s", suffix);
    return rs_strlist_push(&t->names, name);
}

rs_status rs_feature_table_open(feature_table *t, const char *path, rs_format fmt, rs_error *err)
{
    size_t n = t->names.n;
    rs_col_type *types = malloc(n * sizeof *types);
    t->fields = calloc(n, sizeof *t->fields);
    t->text = malloc(n * RS_NUM_BUF);
    t->row = calloc(n, sizeof *t->row);
    if (!types || !t->fields || !t->text || !t->row) {
        free(types);
        return rs_error_nomem(err);
    }
    types[0] = RS_COL_STR;
    for (size_t i = 1; i < n; i++)
        types[i] = RS_COL_F32;
    rs_status st = rs_table_sink_open(&t->sink, path, fmt, n, (const char *const *)t->names.items, types, err);
    free(types);
    return st;
}

/* Writes id and t->row; NaN is written as an empty field. */
static rs_status feature_table_write(feature_table *t, const char *id, size_t id_len, rs_error *err)
{
    t->fields[0].ptr = id;
    t->fields[0].len = id_len;
    for (size_t i = 1; i < t->names.n; i++) {
        char *buf = t->text + i * RS_NUM_BUF;
        t->fields[i].ptr = buf;
        t->fields[i].len = rs_format_f32(t->row[i - 1], buf);
    }
    return rs_table_writer_write(t->sink.writer, t->fields, 0, err);
}

static rs_status feature_table_commit(feature_table *t, rs_error *err)
{
    return rs_table_sink_commit(&t->sink, err);
}

rs_status rs_feature_table_write_all(feature_table *t, rs_idmap *ids, feature_row_fn fill, void *ctx,
                                     long *rows_out, rs_error *err)
{
    for (int32_t i = 0; i < rs_idmap_size(ids); i++) {
        if (!fill(ctx, i, t->row))
            continue;
        size_t len;
        const char *id = rs_idmap_key(ids, i, &len);
        if (feature_table_write(t, id, len, err))
            return err->code;
        ++*rows_out;
    }
    return feature_table_commit(t, err);
}

void rs_feature_table_free(feature_table *t)
{
    rs_table_sink_close(&t->sink);
    rs_strlist_free(&t->names);
    free(t->fields);
    free(t->text);
    free(t->row);
}
