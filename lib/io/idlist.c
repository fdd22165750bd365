/* idlist.c — see idlist.h. */
#include "io/idlist.h"

#include <string.h>

static int is_known(const rs_idmap *const *known, size_t n_known, const char *id, size_t len)
{
    for (size_t k = 0; k < n_known; k++)
        if (known[k] && rs_idmap_find(known[k], id, len) >= 0)
            return 1;
    return 0;
}

static int looks_like_name(const char *s)
{
    return (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_';
}

/* For a CSV of one column read with a header: 1 when the header line is
 * an id (see idlist.h), 0 when it is the header; warns when it is a header
 * that is not the column's name. */
static int first_line_is_data(const rs_table *t, const char *col_name, const char *dflt,
                              const rs_idmap *const *known, size_t n_known)
{
    const char *first = rs_table_col_name(t, 0);
    if (!*first)
        return 0;   /* an empty line holds no id */
    if (is_known(known, n_known, first, strlen(first)) || !looks_like_name(first))
        return 1;
    if (strcmp(first, col_name ? col_name : dflt) != 0)
        rs_warn(rs_table_name(t), 1,
                "the first line, '%s', is read as a header: it is not an id of the model (with --no-header it is "
                "read as an id)",
                first);
    return 0;
}

rs_status rs_idlist_read(const char *path, const rs_table_options *opt, const char *col_name, const char *dflt,
                         const char *option, const rs_idmap *const *known, size_t n_known, rs_idmap **out,
                         rs_error *err)
{
    *out = NULL;
    rs_table *t = rs_table_open(path, opt, err);
    if (!t)
        return err->code;
    size_t col = 0;
    rs_status st = RS_OK;
    int one_csv_column = rs_table_n_cols(t) == 1 && !opt->no_header && !rs_table_is_frame(t);
    if (rs_table_n_cols(t) > 1 || (col_name && !one_csv_column && !opt->no_header))
        st = rs_table_find_col(t, col_name ? col_name : dflt, option, &col, err);
    if (st == RS_OK && !(*out = rs_idmap_new()))
        st = rs_error_nomem(err);
    int added;
    if (st == RS_OK && one_csv_column && first_line_is_data(t, col_name, dflt, known, n_known)) {
        const char *first = rs_table_col_name(t, 0);
        if (rs_idmap_intern(*out, first, strlen(first), &added) < 0)
            st = rs_error_nomem(err);
    }
    rs_record rec;
    int got = 0;
    while (st == RS_OK && (got = rs_table_next(t, &rec, err)) == 1) {
        if ((st = rs_table_check_width(t, &rec, err)) != RS_OK)
            break;
        if (rec.fields[col].len && rs_idmap_intern(*out, rec.fields[col].ptr, rec.fields[col].len, &added) < 0)
            st = rs_error_nomem(err);
    }
    if (st == RS_OK && got < 0)
        st = err->code;
    rs_table_free(t);
    return st;
}
