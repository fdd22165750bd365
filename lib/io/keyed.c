/* keyed.c — see keyed.h. */
#include "io/keyed.h"

#include "num.h"

enum { MAX_KEYS = 4 };

rs_status rs_keyed_read(const char *path, const rs_table_options *opt, const char *const *key_cols, size_t n_keys,
                        const char *value_col, const char *option, rs_keyed_fn fn, void *ctx, rs_error *err)
{
    if (n_keys > MAX_KEYS)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "at most %d key columns", MAX_KEYS);
    rs_table *t = rs_table_open(path, opt, err);
    if (!t)
        return err->code;
    size_t col[MAX_KEYS], cv;
    rs_status st = RS_OK;
    for (size_t k = 0; k < n_keys && !st; k++)
        st = rs_table_find_col(t, key_cols[k], option, &col[k], err);
    if (!st)
        st = rs_table_find_col(t, value_col, option, &cv, err);
    rs_record rec;
    int got = 0;
    rs_field keys[MAX_KEYS];
    while (!st && (got = rs_table_next(t, &rec, err)) > 0) {
        if ((st = rs_table_check_width(t, &rec, err)))
            break;
        double v;
        if (rs_parse_f64(rec.fields[cv].ptr, rec.fields[cv].len, &v) < 0) {
            st = rs_table_bad_field(t, &rec, cv, "a number", err);
            break;
        }
        for (size_t k = 0; k < n_keys; k++)
            keys[k] = rec.fields[col[k]];
        st = fn(ctx, keys, v, t, &rec, err);
    }
    if (got < 0 && !st)
        st = err->code;
    rs_table_free(t);
    return st;
}
