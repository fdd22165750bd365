/* features_out.h — writing a feature table: an id column, then float32
 * columns, to CSV or rsf.  Private to the features modules. */
#ifndef RS_FEATURES_OUT_H
#define RS_FEATURES_OUT_H

#include "idmap.h"
#include "strlist.h"
#include "io/table.h"

typedef struct {
    rs_strlist names;       /* id first, then features */
    rs_table_sink sink;
    rs_field *fields;       /* (names.n) */
    char *text;             /* (names.n x 40) */
    float *row;             /* (names.n - 1) the feature values of the current row */
} feature_table;

/* Column names: the id's is pushed to names as it is; feature names come
 * from parts,  lower-cased with anything but [a-z0-9_] as '_'. */
int rs_feature_name_add(feature_table *t, const char *prefix, const char *middle, size_t middle_len,
                        const char *suffix);
rs_status rs_feature_table_open(feature_table *t, const char *path, rs_format fmt, rs_error *err);
/* For each index of ids that fill() gives a row for (it returns 1), write the
 * id and the row; *rows_out counts them. */
typedef int (*feature_row_fn)(void *ctx, int32_t idx, float *row);
rs_status rs_feature_table_write_all(feature_table *t, rs_idmap *ids, feature_row_fn fill, void *ctx,
                                     long *rows_out, rs_error *err);
void rs_feature_table_free(feature_table *t);

#endif
