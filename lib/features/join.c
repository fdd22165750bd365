#include "features/join.h"

#include "idmap.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    rs_table *right;
    size_t right_key, n_right;
    rs_idmap *keys;           /* right key -> right row */
    char *bytes;              /* right fields back to back */
    size_t bytes_len, bytes_cap;
    size_t *offsets;          /* (n_rows x (n_right + 1)) field starts */
    size_t offsets_cap;
} right_side;

static rs_status load_right(const rs_join_spec *spec, right_side *r, rs_error *err)
{
    const char *key = spec->right_on ? spec->right_on : spec->on;
    if (rs_table_find_col(r->right, key, spec->right_on ? "--right-on" : "--on", &r->right_key, err))
        return err->code;
    r->n_right = rs_table_n_cols(r->right);
    if (!(r->keys = rs_idmap_new()))
        return rs_error_nomem(err);
    rs_record rec;
    int got;
    while ((got = rs_table_next(r->right, &rec, err)) > 0) {
        if (rs_table_check_width(r->right, &rec, err))
            return err->code;
        const rs_field *k = &rec.fields[r->right_key];
        int added;
        int32_t row = rs_idmap_intern(r->keys, k->ptr, k->len, &added);
        if (row < 0)
            return rs_error_nomem(err);
        if (!added)
            return rs_error_set(err, RS_EDATA, spec->right, rec.line,
                                "key '%.*s' appears twice in the right table (a join needs unique keys)",
                                (int)(k->len > 60 ? 60 : k->len), k->ptr);
        size_t base = (size_t)row * (r->n_right + 1);
        if (rs_grow((void **)&r->offsets, &r->offsets_cap, base + r->n_right + 1, sizeof *r->offsets) < 0)
            return rs_error_nomem(err);
        for (size_t i = 0; i < r->n_right; i++) {
            if (rs_grow((void **)&r->bytes, &r->bytes_cap, r->bytes_len + rec.fields[i].len + 1, 1) < 0)
                return rs_error_nomem(err);
            r->offsets[base + i] = r->bytes_len;
            memcpy(r->bytes + r->bytes_len, rec.fields[i].ptr, rec.fields[i].len);
            r->bytes_len += rec.fields[i].len;
        }
        r->offsets[base + r->n_right] = r->bytes_len;
    }
    return got < 0 ? err->code : RS_OK;
}

rs_status rs_join_run(const rs_join_spec *spec, rs_error *err)
{
    if (!spec->right || !spec->on)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "rs-features join needs --right FILE and --on COL");
    right_side r = {0};
    rs_table *left = NULL;
    rs_table_sink sink = {0};
    const char **names = NULL;
    rs_col_type *types = NULL;
    rs_field *fields = NULL;
    rs_status st = RS_OK;
    size_t left_key, n_left = 0, n_out = 0;
    rs_table_options ropt = spec->table;
    if (!(left = rs_table_open(spec->input, &spec->table, err)) ||
        !(r.right = rs_table_open(spec->right, &ropt, err)) ||
        rs_table_find_col(left, spec->on, "--on", &left_key, err) || load_right(spec, &r, err)) {
        st = err->code;
        goto done;
    }
    n_left = rs_table_n_cols(left);
    n_out = n_left + r.n_right - 1;
    names = malloc(n_out * sizeof *names);
    types = malloc(n_out * sizeof *types);
    fields = malloc(n_out * sizeof *fields);
    if (!names || !types || !fields) {
        st = rs_error_nomem(err);
        goto done;
    }
    for (size_t i = 0; i < n_left; i++)
        names[i] = rs_table_col_name(left, i), types[i] = rs_table_col_type(left, i);
    for (size_t i = 0, k = n_left; i < r.n_right; i++)
        if (i != r.right_key)
            names[k] = rs_table_col_name(r.right, i), types[k++] = rs_table_col_type(r.right, i);
    if ((st = rs_table_sink_open(&sink, spec->output, spec->out_format, n_out, names, types, err)))
        goto done;
    rs_record rec;
    int got;
    while ((got = rs_table_next(left, &rec, err)) > 0) {
        if ((st = rs_table_check_width(left, &rec, err)))
            goto done;
        memcpy(fields, rec.fields, n_left * sizeof *fields);
        const rs_field *k = &rec.fields[left_key];
        int32_t row = rs_idmap_find(r.keys, k->ptr, k->len);
        for (size_t i = 0, j = n_left; i < r.n_right; i++) {
            if (i == r.right_key)
                continue;
            size_t base = (size_t)row * (r.n_right + 1);
            fields[j].ptr = row < 0 ? "" : r.bytes + r.offsets[base + i];
            fields[j++].len = row < 0 ? 0 : r.offsets[base + i + 1] - r.offsets[base + i];
        }
        if ((st = rs_table_writer_write(sink.writer, fields, 0, err)))
            goto done;
    }
    st = got < 0 ? err->code : rs_table_sink_commit(&sink, err);
done:
    rs_table_sink_close(&sink);
    free(names), free(types), free(fields);
    rs_table_free(left);
    rs_table_free(r.right);
    rs_idmap_free(r.keys);
    free(r.bytes);
    free(r.offsets);
    return st;
}
