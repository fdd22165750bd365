/* dataset.h — a numeric table in memory for supervised training: the
 * features as one dense float32 row-major matrix, the label as doubles.
 *
 * Columns are found by name, so a validation or scoring file may order
 * them differently or carry extra columns. */
#ifndef RS_DATASET_H
#define RS_DATASET_H

#include "idmap.h"
#include "strlist.h"
#include "io/table.h"

/* Distinct values a text (categorical) column keeps; the rarer ones share
 * one more code, "other", which unseen values also get when scoring. */
enum { RS_MAX_CATEGORIES = 254 };
/* At most this many aux columns (rs_dataset_spec.aux). */
enum { RS_DATASET_MAX_AUX = 4 };

typedef struct {
    size_t n_rows, n_features;
    float *x;            /* (n_rows x n_features) */
    double *y;           /* (n_rows) */
    rs_strlist names;    /* the feature names, in column order of x */
    char *id_name;       /* the id column found, or NULL */
    /* With spec.mixed: the categories of each text column in code order
     * (most frequent first), NULL for a numeric column; NULL otherwise. */
    rs_idmap **categories;
    /* The spec's aux columns (a policy's action and propensity), never
     * features: (n_rows x n_aux), NULL without any. */
    double *aux;
    size_t n_aux;
} rs_dataset;

typedef struct {
    const char *label;          /* required */
    const char *id;             /* never a feature; NULL: "id" or "user" when present */
    const rs_strlist *features; /* NULL or empty: every column but label and id whose
                                   first value is a number (with mixed: every column
                                   but label and id) */
    /* 1 for kinds that read raw tables (RS_KIND_MIXED): an empty cell is
     * missing (NaN), and a column whose first non-empty value is not a
     * number holds categories, coded 0.. by frequency (rs_row_parse_mixed). */
    int mixed;
    /* mixed: code the text columns with this table's categories (a --valid
     * table like the training one); NULL: learn them. */
    const rs_dataset *like;
    /* Columns read as numbers beside the label, never features (a policy's
     * action and propensity), each named in errors by its option. */
    const char *const *aux, *const *aux_option;
    size_t n_aux;
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

/* rs_row_parse for a mixed table: an empty cell is NaN; a column with
 * categories[j] non-NULL is coded by it, a value it lacks as "other" (its
 * size). */
rs_status rs_row_parse_mixed(const rs_table *t, const rs_record *rec, const size_t *cols, size_t n,
                             rs_idmap *const *categories, float *row, rs_error *err);

/* A label: a number, or true/false in any case (1/0). */
int rs_label_parse(const char *s, size_t len, double *out);

#endif
