/* dataset.h — a numeric table in memory for supervised training: the
 * features as one dense float32 row-major matrix, the label as doubles.
 *
 * Columns are found by name, so a validation or scoring file may order
 * them differently or carry extra columns. */
#ifndef RS_DATASET_H
#define RS_DATASET_H

#include "strlist.h"
#include "io/table.h"

typedef struct {
    size_t n_rows, n_features;
    float *x;            /* (n_rows x n_features) */
    double *y;           /* (n_rows) */
    rs_strlist names;    /* the feature names, in column order of x */
    char *id_name;       /* the id column found, or NULL */
} rs_dataset;

typedef struct {
    const char *label;          /* required */
    const char *id;             /* never a feature; NULL: "id" or "user" when present */
    const rs_strlist *features; /* NULL or empty: every column but label and id whose
                                   first value is a number */
} rs_dataset_spec;

rs_dataset *rs_dataset_load(const char *path, const rs_table_options *opt, const rs_dataset_spec *spec,
                            rs_error *err);
void rs_dataset_free(rs_dataset *d);

/* The id column: spec_id when given (an error if absent), else "id" or
 * "user" when the table has one; *found = 0 when there is none. */
rs_status rs_dataset_id_col(const rs_table *t, const char *spec_id, size_t *col, int *found,
                            rs_error *err);

/* Columns cols[0..n) of rec as floats into row; a field that is not a
 * finite number in float range is "FILE:LINE: column NAME: 'V' is not a number". */
rs_status rs_row_parse(const rs_table *t, const rs_record *rec, const size_t *cols, size_t n, float *row,
                       rs_error *err);

/* Rows per label class in count[0], count[1]; the 1-based row of the first
 * label that is neither 0 nor 1 (0 when all are). */
size_t rs_label_classes(const rs_dataset *d, size_t count[2]);
/* RS_OK when both classes occur, else the "one class" error. */
rs_status rs_require_two_classes(const rs_dataset *d, const size_t count[2], rs_error *err);
/* Mark constant features (warned about: their weight is 0); an error when
 * every feature is constant. */
rs_status rs_check_features(const rs_dataset *d, unsigned char *constant, rs_error *err);

/* A label: a number, or true/false in any case (1/0). */
int rs_label_parse(const char *s, size_t len, double *out);

#endif
