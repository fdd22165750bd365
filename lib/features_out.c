#include "features_out.h"

#include "num.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int feature_name_add(feature_table *t, const char *prefix, const char *middle, size_t middle_len,
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

rs_status feature_table_open(feature_table *t, const char *path, rs_format fmt, rs_error *err)
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
    if ((t->out = rs_out_open(path, err)))
        t->writer = rs_table_writer_new(t->out, fmt, n, (const char *const *)t->names.items, types, err);
    free(types);
    return t->writer ? RS_OK : err->code;
}

rs_status feature_table_write(feature_table *t, const char *id, size_t id_len, rs_error *err)
{
    t->fields[0].ptr = id;
    t->fields[0].len = id_len;
    for (size_t i = 1; i < t->names.n; i++) {
        char *buf = t->text + i * RS_NUM_BUF;
        t->fields[i].ptr = buf;
        t->fields[i].len = rs_format_f32(t->row[i - 1], buf);
    }
    return rs_table_writer_write(t->writer, t->fields, 0, err);
}

rs_status feature_table_commit(feature_table *t, rs_error *err)
{
    rs_status st = rs_table_writer_finish(t->writer, err);
    if (st == RS_OK) {
        st = rs_out_commit(t->out, err);
        t->out = NULL;
    }
    return st;
}

void feature_table_free(feature_table *t)
{
    rs_table_writer_free(t->writer);
    rs_out_abort(t->out);
    rs_strlist_free(&t->names);
    free(t->fields);
    free(t->text);
    free(t->row);
}
