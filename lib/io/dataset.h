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
#include "io/model.h"

/* Distinct values a text (categorical) column keeps; the rarer ones share
 * one more code, "other", which unseen values also get when scoring. */
enum { RS_MAX_CATEGORIES = 254 };
/* At most this many aux columns (rs_dataset_spec.aux). */
enum { RS_DATASET_MAX_AUX = 4 };

typedef struct rs_dataset {
    size_t n_rows, n_features;
    float *x;            /* (n_rows x n_features); NULL with spec.rows_fn */
    double *y;           /* (n_rows) */
    rs_strlist names;    /* the feature names, in column order of x */
    char *id_name;       /* the id column found, or NULL */
    /* With spec.mixed: the categories of each text column in code order
     * (most frequent first), NULL for a numeric column; NULL otherwise. */
    rs_idmap **categories;
    /* With spec.classes and a label of class names (labels.c): the names in
     * code order, y holding each row's code 0..K-1; NULL: y is the number. */
    rs_idmap *classes;
    /* The spec's aux columns (a policy's action and propensity), never
     * features: (n_rows x n_aux), NULL without any. */
    double *aux;
    size_t n_aux;
    /* With aux columns: the input's name and each row's line (n_rows), so
     * a kind that checks them (a policy's actions) names FILE:LINE. */
    char *source;
    long *line;
} rs_dataset;

/* A row of features handed over as it is read (rs_dataset_spec.rows_fn):
 * row i (from 0) of d, d->n_features floats (NaN: missing). */
typedef rs_status (*rs_row_fn)(void *ctx, const struct rs_dataset *d, size_t i, const float *row, rs_error *err);

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
    /* 1 for a classifier (rs_kind.label_classes): a label that is not all
     * 0/1 and not all numbers is a class label (rs_dataset.classes); with
     * like, the label must be one of like's classes. */
    int classes;
    /* Without classes: said after "is not a number" for a label that is
     * text (which kinds take class labels), or NULL. */
    const char *label_hint;
    /* Columns read as numbers beside the label, never features (a policy's
     * action and propensity), each named in errors by its option. */
    const char *const *aux, *const *aux_option;
    size_t n_aux;
    /* Each row's features to rows_fn as it is read, instead of keeping them
     * (x stays NULL).  When text columns are learnt (mixed without like),
     * their codes here are by first sight: the final codes, by frequency,
     * are known after the last row (a second read with like gives them). */
    rs_row_fn rows_fn;
    void *rows_ctx;
    /* With rows_fn: the labels are not read (y stays NULL): a second read
     * of a table whose labels were read before. */
    int rows_only;
} rs_dataset_spec;

rs_dataset *rs_dataset_load(const char *path, const rs_table_options *opt, const rs_dataset_spec *spec,
                            rs_error *err);
void rs_dataset_free(rs_dataset *d);

/* A table read in passes, its features never held (rs-train for a kind
 * with train_passes): the first read learns the dataset (labels, names,
 * categories, classes; x NULL), each later read hands over the features
 * again, coded by it.  A pipe or stdin is spooled to an unlinked temp file
 * (io.h) to be read again; errors name it "-" as usual. */
typedef struct rs_dataset_passes rs_dataset_passes;

rs_dataset_passes *rs_dataset_passes_open(const char *path, const rs_table_options *opt,
                                          const rs_dataset_spec *spec, rs_error *err);
/* One read of every row: each row's features to fn(ctx, ...). */
rs_status rs_dataset_passes_read(rs_dataset_passes *ps, rs_row_fn fn, void *ctx, rs_error *err);
/* The dataset of the first read (NULL before it), owned by ps. */
rs_dataset *rs_dataset_passes_data(rs_dataset_passes *ps);
/* After the last read: the table and its reader's buffers go (the dataset
 * stays); a read after it is an error. */
void rs_dataset_passes_close(rs_dataset_passes *ps);
void rs_dataset_passes_free(rs_dataset_passes *ps);

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
/* A validation table read like train (its features, its categories and
 * classes) from the spec train was read with (train may be NULL). */
rs_dataset_spec rs_dataset_valid_spec(const rs_dataset_spec *train_spec, const rs_dataset *train);
/* 1 when two cells of a feature hold the same value, both empty (NaN: x != x) counting as the same. */
static inline int rs_same_cell(float a, float b)
{
    return a == b || (a != a && b != b);
}
/* Mark constant features (warned about: their weight is 0); an error when
 * every feature is constant. */
rs_status rs_check_features(const rs_dataset *d, unsigned char *constant, rs_error *err);
/* The same from flags found while the rows went by: constant[j] set when
 * every row has first[j] (NaN: every row empty) in feature j. */
rs_status rs_report_constant(const rs_dataset *d, const unsigned char *constant, const float *first,
                             rs_error *err);

/* rs_row_parse for a mixed table: an empty cell is NaN; a column with
 * categories[j] non-NULL is coded by it, a value it lacks as "other" (its
 * size). */
rs_status rs_row_parse_mixed(const rs_table *t, const rs_record *rec, const size_t *cols, size_t n,
                             rs_idmap *const *categories, float *row, rs_error *err);

/* A label: a number, or true/false in any case (1/0). */
int rs_label_parse(const char *s, size_t len, double *out);

/* ---- class labels (labels.c) ----
 * A classifier kind asks for them with rs_kind.label_classes; it then
 * finds rs_dataset.classes set (K names in code order, y in 0..K-1) or
 * NULL (y as numbers: 0/1 for a binary label).  The names are sorted: by
 * value when every one is an integer, else by bytes. */
enum { RS_MAX_CLASSES = 1000 };   /* more distinct labels are an error: an id or a number */

/* One row's label as text: interned into d->classes (first-sight code), or
 * with like (a --valid table) coded by like's classes. */
rs_status rs_label_class_row(rs_dataset *d, const rs_table *t, const rs_record *rec, size_t col,
                             const rs_dataset *like, double *y, rs_error *err);
/* After the last row: numbers stay numbers, else classes in sorted order. */
rs_status rs_label_classes_finish(rs_dataset *d, const char *label, rs_error *err);
/* K, or 0 when the label is a number. */
size_t rs_dataset_n_classes(const rs_dataset *d);
/* RS_OK when a class label has two classes or more, else the "one class"
 * error naming the class. */
rs_status rs_require_classes(const rs_dataset *d, rs_error *err);
/* A model's class names ("classes" ids, at least 2) in code order, as new
 * strings; NULL with err set when they are missing or damaged. */
char **rs_class_names_new(const rs_model *m, size_t *n_classes, rs_error *err);
void rs_class_names_free(char **names, size_t n_classes);

#endif
