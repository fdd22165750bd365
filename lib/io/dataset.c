/* dataset.c — see dataset.h. */
#include "io/dataset.h"

#include "mem.h"
#include "num.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

rs_status rs_row_parse(const rs_table *t, const rs_record *rec, const size_t *cols, size_t n, float *row,
                       rs_error *err)
{
    for (size_t j = 0; j < n; j++) {
        const rs_field *f = &rec->fields[cols[j]];
        double v;
        if (rs_parse_f64(f->ptr, f->len, &v) < 0 || v > FLT_MAX || v < -FLT_MAX)
            return rs_table_bad_field(t, rec, cols[j], "a finite number", err);
        row[j] = (float)v;
    }
    return RS_OK;
}

rs_status rs_row_parse_mixed(const rs_table *t, const rs_record *rec, const size_t *cols, size_t n,
                             rs_idmap *const *categories, float *row, rs_error *err)
{
    for (size_t j = 0; j < n; j++) {
        const rs_field *f = &rec->fields[cols[j]];
        if (f->len == 0) {
            row[j] = NAN;
        } else if (categories && categories[j]) {
            int32_t code = rs_idmap_find(categories[j], f->ptr, f->len);
            row[j] = (float)(code >= 0 ? code : rs_idmap_size(categories[j]));
        } else if (rs_row_parse(t, rec, cols + j, 1, row + j, err) != RS_OK) {
            return err->code;
        }
    }
    return RS_OK;
}

rs_status rs_dataset_id_col(const rs_table *t, const char *spec_id, size_t *col, int *found,
                            rs_error *err)
{
    *found = 0;
    if (spec_id) {
        if (rs_table_find_col(t, spec_id, "--id", col, err) != RS_OK)
            return err->code;
        *found = 1;
        return RS_OK;
    }
    *found = rs_table_has_col(t, "id", col) || rs_table_has_col(t, "user", col);
    return RS_OK;
}

/* The feature columns: the listed names, or every column of the first
 * record (but label and id) that holds a number. */
static rs_status choose_features(const rs_table *t, const rs_record *first, const rs_dataset_spec *spec,
                                 size_t label_col, int has_id, size_t id_col, const size_t *aux_cols,
                                 size_t **cols, size_t *n, rs_error *err)
{
    size_t n_cols = rs_table_n_cols(t);
    *cols = calloc(n_cols ? n_cols : 1, sizeof **cols);
    if (!*cols)
        return rs_error_nomem(err);
    *n = 0;
    if (spec->features && spec->features->n) {
        for (size_t i = 0; i < spec->features->n; i++) {
            size_t c;
            if (rs_table_find_col(t, spec->features->items[i], "--features", &c, err) != RS_OK)
                return err->code;
            if (c == label_col)
                return rs_error_set(err, RS_EUSAGE, NULL, 0, "--features lists the label column '%s'",
                                    spec->features->items[i]);
            for (size_t k = 0; k < spec->n_aux; k++)
                if (c == aux_cols[k])
                    return rs_error_set(err, RS_EUSAGE, NULL, 0, "--features lists the %s column '%s'",
                                        spec->aux_option[k], spec->features->items[i]);
            if (*n >= n_cols)
                return rs_error_set(err, RS_EUSAGE, NULL, 0, "--features lists a column twice");
            (*cols)[(*n)++] = c;
        }
        return RS_OK;
    }
    for (size_t c = 0; c < n_cols; c++) {
        double v;
        int aux = 0;
        for (size_t k = 0; k < spec->n_aux; k++)
            aux |= c == aux_cols[k];
        if (aux || c == label_col || (has_id && c == id_col))
            continue;
        if (spec->mixed || rs_parse_f64(first->fields[c].ptr, first->fields[c].len, &v) == 0)
            (*cols)[(*n)++] = c;
    }
    if (*n == 0)
        return rs_error_set(err, RS_EDATA, rs_table_name(t), first->line,
                            "no numeric feature columns besides the label (encode the table with "
                            "rs-features encode, or name them with --features)");
    return RS_OK;
}

/* A cell of a mixed table being learnt: empty is NaN; the first non-empty
 * value of a column makes it numeric or categorical (numeric[j]). */
static rs_status learn_cell(rs_dataset *d, const rs_table *t, const rs_record *rec, size_t col, size_t j,
                            unsigned char *numeric, float *out, rs_error *err)
{
    const rs_field *f = &rec->fields[col];
    if (f->len == 0) {
        *out = NAN;
        return RS_OK;
    }
    if (!d->categories[j]) {
        /* parsed once: a number makes the column numeric, text in a numeric
         * column is the usual error */
        double v;
        int is_number = rs_parse_f64(f->ptr, f->len, &v) == 0 && v <= FLT_MAX && v >= -FLT_MAX;
        if (is_number || numeric[j]) {
            numeric[j] = 1;
            *out = (float)v;
            return is_number ? RS_OK : rs_table_bad_field(t, rec, col, "a finite number", err);
        }
        if (!(d->categories[j] = rs_idmap_new()))
            return rs_error_nomem(err);
    }
    int added;
    int32_t code = rs_idmap_intern(d->categories[j], f->ptr, f->len, &added);
    if (code < 0)
        return rs_error_nomem(err);
    *out = (float)code;
    return RS_OK;
}

/* Typed rsf input: its f64 and i64 feature columns are read as numbers,
 * not formatted as text and parsed back.  The values are the same: the
 * text of a finite double reads back as that double (-0 as 0), and a value
 * the text path would not take as a float (missing, infinite, beyond float
 * range) gets its text back and takes the text path, errors and all. */
typedef struct {
    size_t n, *cols, *features;   /* the direct columns and their features */
    double *values;               /* (n) the current record's */
    unsigned char *ready;         /* (n_features) x[j] holds feature j's value */
    float *x;                     /* (n_features) */
    char (*text)[RS_NUM_BUF];     /* (n) the text given back */
} direct_reader;

static void direct_free(direct_reader *dr)
{
    free(dr->cols), free(dr->features), free(dr->values), free(dr->ready), free(dr->x), free(dr->text);
}

static rs_status direct_open(direct_reader *dr, rs_table *t, const size_t *cols, size_t n_features,
                             const rs_dataset_spec *spec, rs_error *err)
{
    dr->cols = malloc((n_features + 1) * sizeof *dr->cols);
    dr->features = malloc((n_features + 1) * sizeof *dr->features);
    dr->values = malloc((n_features + 1) * sizeof *dr->values);
    dr->ready = calloc(n_features + 1, 1);
    dr->x = malloc((n_features + 1) * sizeof *dr->x);
    dr->text = malloc((n_features + 1) * sizeof *dr->text);
    if (!dr->cols || !dr->features || !dr->values || !dr->ready || !dr->x || !dr->text)
        return rs_error_nomem(err);
    for (size_t j = 0; j < n_features; j++) {
        rs_col_type type = rs_table_col_type(t, cols[j]);
        int categorical = spec->like && spec->like->categories && spec->like->categories[j];
        if ((type != RS_COL_F64 && type != RS_COL_I64) || categorical)
            continue;
        int taken = rs_table_numbers_direct(t, cols[j], err);
        if (taken < 0)
            return err->code;
        if (taken)
            dr->cols[dr->n] = cols[j], dr->features[dr->n++] = j;
    }
    return RS_OK;
}

/* The current record's direct values into x (ready), or their text into
 * rec's fields. */
static void direct_read(direct_reader *dr, const rs_table *t, rs_record *rec)
{
    if (!dr->n || !rs_table_numbers(t, dr->cols, dr->n, dr->values))
        return;
    for (size_t k = 0; k < dr->n; k++) {
        double v = dr->values[k];
        size_t j = dr->features[k];
        dr->ready[j] = v >= -FLT_MAX && v <= FLT_MAX;
        if (dr->ready[j])
            dr->x[j] = (float)(v == 0 ? 0.0 : v);
        else
            rec->fields[dr->cols[k]] = (rs_field){dr->text[k], rs_format_f64(v, dr->text[k])};
    }
}

static rs_status parse_features(rs_dataset *d, const rs_table *t, const rs_record *rec, const size_t *cols,
                                const rs_dataset_spec *spec, unsigned char *numeric, const direct_reader *dr,
                                float *row, rs_error *err)
{
    if (!dr->n && !spec->mixed)
        return rs_row_parse(t, rec, cols, d->n_features, row, err);
    if (!dr->n && spec->like)
        return rs_row_parse_mixed(t, rec, cols, d->n_features, spec->like->categories, row, err);
    for (size_t j = 0; j < d->n_features; j++) {
        rs_status st;
        if (dr->ready[j]) {
            row[j] = dr->x[j];
            if (numeric)
                numeric[j] = 1;   /* a number, as learn_cell would find */
            continue;
        }
        if (!spec->mixed)
            st = rs_row_parse(t, rec, cols + j, 1, row + j, err);
        else if (spec->like)
            st = rs_row_parse_mixed(t, rec, cols + j, 1, spec->like->categories ? spec->like->categories + j : NULL,
                                    row + j, err);
        else
            st = learn_cell(d, t, rec, cols[j], j, numeric, &row[j], err);
        if (st != RS_OK)
            return st;
    }
    return RS_OK;
}

/* With spec.rows_fn: the row being read, and each learnt text column's
 * code counts (the frequency order is found from them, not from x). */
typedef struct {
    float *row;                   /* (n_features) */
    size_t **counts, *cap_counts; /* (n_features): (codes) and their capacity */
} row_sink;

static void sink_free(row_sink *rs, size_t n_features)
{
    for (size_t j = 0; rs->counts && j < n_features; j++)
        free(rs->counts[j]);
    free(rs->row), free(rs->counts), free(rs->cap_counts);
}

/* The row's codes of learnt text columns counted. */
static rs_status count_codes(const rs_dataset *d, row_sink *rs, rs_error *err)
{
    for (size_t j = 0; j < d->n_features; j++) {
        if (!d->categories[j] || isnan(rs->row[j]))
            continue;
        size_t code = (size_t)rs->row[j], have = rs->cap_counts[j];
        if (rs_grow((void **)&rs->counts[j], &rs->cap_counts[j], code + 1, sizeof **rs->counts) < 0)
            return rs_error_nomem(err);
        memset(rs->counts[j] + have, 0, (rs->cap_counts[j] - have) * sizeof **rs->counts);
        rs->counts[j][code]++;
    }
    return RS_OK;
}

static rs_status read_label(rs_dataset *d, const rs_table *t, const rs_record *rec, size_t label_col,
                            const size_t *aux_cols, const rs_dataset_spec *spec, rs_error *err)
{
    if (d->n_aux)
        d->line[d->n_rows] = rec->line;
    for (size_t k = 0; k < d->n_aux; k++) {
        const rs_field *f = &rec->fields[aux_cols[k]];
        double *v = &d->aux[d->n_rows * d->n_aux + k];
        if (!f->len || rs_parse_f64(f->ptr, f->len, v) < 0 || !isfinite(*v))
            return rs_table_bad_field(t, rec, aux_cols[k], "a number", err);
    }
    const rs_field *label = &rec->fields[label_col];
    if (spec->classes) {
        if (rs_label_class_row(d, t, rec, label_col, spec->like, &d->y[d->n_rows], err) != RS_OK)
            return err->code;
    } else if (rs_label_parse(label->ptr, label->len, &d->y[d->n_rows]) < 0) {
        char what[256];
        snprintf(what, sizeof what, "a number (or true/false)%s%s", spec->label_hint ? "; " : "",
                 spec->label_hint ? spec->label_hint : "");
        return rs_table_bad_field(t, rec, label_col, what, err);
    }
    return RS_OK;
}

/* Room for one more row in every array kept. */
static rs_status grow_rows(rs_dataset *d, size_t *cap_rows, const rs_dataset_spec *spec, rs_error *err)
{
    if (d->n_rows < *cap_rows)
        return RS_OK;
    /* every array grows from the same capacity to the same one; with
     * none kept (a second read) there is nothing to grow */
    size_t cap_x = *cap_rows, cap_y = *cap_rows, cap_aux = *cap_rows, cap_line = *cap_rows;
    if ((!spec->rows_fn && rs_grow((void **)&d->x, &cap_x, d->n_rows + 1, d->n_features * sizeof(float)) < 0) ||
        (!spec->rows_only && rs_grow((void **)&d->y, &cap_y, d->n_rows + 1, sizeof(double)) < 0) ||
        (d->n_aux && rs_grow((void **)&d->aux, &cap_aux, d->n_rows + 1, d->n_aux * sizeof(double)) < 0) ||
        (d->n_aux && rs_grow((void **)&d->line, &cap_line, d->n_rows + 1, sizeof(long)) < 0))
        return rs_error_nomem(err);
    *cap_rows = !spec->rows_fn ? cap_x : !spec->rows_only ? cap_y : SIZE_MAX;
    return RS_OK;
}

static rs_status append_row(rs_dataset *d, size_t *cap_rows, const rs_table *t, const rs_record *rec,
                            const size_t *cols, size_t label_col, const size_t *aux_cols,
                            const rs_dataset_spec *spec, unsigned char *numeric, const direct_reader *dr,
                            row_sink *sink, rs_error *err)
{
    if (rs_table_check_width(t, rec, err) != RS_OK || grow_rows(d, cap_rows, spec, err) != RS_OK)
        return err->code;
    if (!spec->rows_only && read_label(d, t, rec, label_col, aux_cols, spec, err) != RS_OK)
        return err->code;
    float *row = spec->rows_fn ? sink->row : d->x + d->n_rows * d->n_features;
    if (parse_features(d, t, rec, cols, spec, numeric, dr, row, err) != RS_OK)
        return err->code;
    if (spec->rows_fn && spec->mixed && !spec->like && count_codes(d, sink, err) != RS_OK)
        return err->code;
    if (spec->rows_fn && spec->rows_fn(spec->rows_ctx, d, d->n_rows, row, err) != RS_OK)
        return err->code;
    d->n_rows++;
    return RS_OK;
}

/* Typed rsf input whose features are all direct columns and whose label
 * (when it is read) is an f64 or i64 column: rows converted a chunk at a
 * time, column by column, not cell by cell through a record.  A row with a
 * value the record path would not take as it is (beyond float range, a
 * missing feature where missing is an error, a label that is not a finite
 * number) takes that path, errors and all; every other value is the one
 * direct_read and the label's text give. */
enum { CHUNK_ROWS = 256 };

typedef struct {
    int on;
    size_t label_col;
    size_t first, n;              /* the chunk held: rows first .. first + n - 1 of the table */
    double *values;               /* (CHUNK_ROWS) a column that is not f64 as doubles */
    float *rows;                  /* (CHUNK_ROWS x n_features) */
    double *y;                    /* (CHUNK_ROWS) */
    unsigned char *slow;          /* (CHUNK_ROWS) 1: the row takes the record path */
    size_t *first_number;         /* (n_features) the chunk's first row whose value is a number, or n */
} chunk_reader;

static void chunk_free(chunk_reader *cr)
{
    free(cr->values), free(cr->rows), free(cr->y), free(cr->slow), free(cr->first_number);
}

static rs_status chunk_open(chunk_reader *cr, const rs_table *t, const rs_dataset *d, const rs_dataset_spec *spec,
                            const direct_reader *dr, size_t label_col, rs_error *err)
{
    rs_col_type label = rs_table_col_type(t, label_col);
    int label_direct = spec->rows_only || (!spec->classes && (label == RS_COL_F64 || label == RS_COL_I64));
    if (!rs_table_is_frame(t) || dr->n != d->n_features || d->n_aux || !label_direct)
        return RS_OK;
    size_t nf = d->n_features;
    cr->values = malloc(CHUNK_ROWS * sizeof *cr->values);
    cr->rows = malloc(CHUNK_ROWS * nf * sizeof *cr->rows);
    cr->y = malloc(CHUNK_ROWS * sizeof *cr->y);
    cr->slow = malloc(CHUNK_ROWS);
    cr->first_number = malloc(nf * sizeof *cr->first_number);
    if (!cr->values || !cr->rows || !cr->y || !cr->slow || !cr->first_number)
        return rs_error_nomem(err);
    cr->label_col = label_col;
    cr->on = 1;
    return RS_OK;
}

/* The next n rows of the table (all in its current block) into the chunk,
 * a column at a time. */
static void chunk_fill(chunk_reader *cr, const rs_table *t, const rs_dataset *d, const rs_dataset_spec *spec,
                       const direct_reader *dr, size_t n)
{
    size_t nf = d->n_features;
    cr->first = d->n_rows, cr->n = n;
    memset(cr->slow, 0, n);
    if (!spec->rows_only) {
        const double *y = rs_table_block_numbers(t, cr->label_col, n, cr->values);
        for (size_t i = 0; i < n; i++) {
            cr->slow[i] = !isfinite(y[i]);
            cr->y[i] = y[i] == 0 ? 0.0 : y[i];   /* -0 reads back from its text as 0 */
        }
    }
    int missing_is_slow = !spec->mixed;
    for (size_t k = 0; k < dr->n; k++) {
        size_t j = dr->features[k], i = 0;
        const double *v = rs_table_block_numbers(t, dr->cols[k], n, cr->values);
        for (; i < n; i++) {
            double x = v[i];
            int number = x >= -FLT_MAX && x <= FLT_MAX;
            cr->rows[i * nf + j] = number ? (float)(x == 0 ? 0.0 : x) : NAN;
            cr->slow[i] |= (number ^ 1) & ((x == x) | missing_is_slow);
        }
        for (i = 0; i < n && !(v[i] >= -FLT_MAX && v[i] <= FLT_MAX); i++)
            ;
        cr->first_number[j] = i;
    }
}

/* Rows a .. b - 1 of the chunk to the dataset, as append_row would add
 * them. */
static rs_status chunk_hand(chunk_reader *cr, rs_dataset *d, size_t *cap_rows, const rs_dataset_spec *spec,
                            unsigned char *numeric, size_t a, size_t b, rs_error *err)
{
    size_t nf = d->n_features;
    for (size_t i = a; i < b; i++) {
        const float *row = cr->rows + i * nf;
        if (grow_rows(d, cap_rows, spec, err) != RS_OK)
            return err->code;
        if (!spec->rows_only)
            d->y[d->n_rows] = cr->y[i];
        if (!spec->rows_fn)
            memcpy(d->x + d->n_rows * nf, row, nf * sizeof *row);
        else if (spec->rows_fn(spec->rows_ctx, d, d->n_rows, row, err) != RS_OK)
            return err->code;
        d->n_rows++;
    }
    for (size_t j = 0; numeric && j < nf; j++)   /* a number seen, as parse_features marks it */
        numeric[j] |= cr->first_number[j] < b;
    return RS_OK;
}

/* The rows after the current one, as many as take the chunk path (until
 * one that does not, or the end). */
static rs_status chunk_rows(chunk_reader *cr, rs_dataset *d, size_t *cap_rows, rs_table *t,
                            const rs_dataset_spec *spec, unsigned char *numeric, const direct_reader *dr,
                            rs_error *err)
{
    for (size_t j = 0; cr->on && spec->mixed && !spec->like && j < d->n_features; j++)
        cr->on = !d->categories[j];   /* a text column learnt: its codes are counted row by row */
    while (cr->on) {
        if (d->n_rows >= cr->first + cr->n) {
            long left = rs_table_block_rows(t, err);
            if (left <= 0)
                return left < 0 ? err->code : RS_OK;
            chunk_fill(cr, t, d, spec, dr, (size_t)left < CHUNK_ROWS ? (size_t)left : CHUNK_ROWS);
        }
        size_t a = d->n_rows - cr->first, b = a;
        while (b < cr->n && !cr->slow[b])
            b++;
        rs_status st = chunk_hand(cr, d, cap_rows, spec, numeric, a, b, err);
        rs_table_skip(t, b - a);
        if (st != RS_OK || b < cr->n)
            return st;
    }
    return RS_OK;
}

/* Recode text column j by frequency (most frequent 0, ties in order of
 * first sight), keeping at most RS_MAX_CATEGORIES; the rarer ones share
 * the code after the kept ones. */
typedef struct {
    size_t count;
    int32_t code;
} code_count;

static int by_count(const void *a, const void *b)
{
    const code_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return (x->code > y->code) - (x->code < y->code);
}

static rs_status order_column(rs_dataset *d, size_t j, const size_t *counts, rs_error *err)
{
    rs_idmap *old = d->categories[j], *kept = rs_idmap_new();
    size_t n_codes = (size_t)rs_idmap_size(old);
    code_count *order = calloc(n_codes, sizeof *order);
    float *recode = calloc(n_codes, sizeof *recode);
    if (!kept || !order || !recode) {
        rs_idmap_free(kept), free(order), free(recode);
        return rs_error_nomem(err);
    }
    for (size_t c = 0; c < n_codes; c++)
        order[c].code = (int32_t)c;
    for (size_t c = 0; counts && c < n_codes; c++)
        order[c].count = counts[c];
    for (size_t i = 0; d->x && i < d->n_rows; i++)
        if (!isnan(d->x[i * d->n_features + j]))
            order[(size_t)d->x[i * d->n_features + j]].count++;
    qsort(order, n_codes, sizeof *order, by_count);
    for (size_t r = 0; r < n_codes; r++) {
        recode[order[r].code] = (float)(r < RS_MAX_CATEGORIES ? r : RS_MAX_CATEGORIES);
        size_t len;
        const char *key = rs_idmap_key(old, order[r].code, &len);
        int added;
        if (r < RS_MAX_CATEGORIES && rs_idmap_intern(kept, key, len, &added) < 0) {
            rs_idmap_free(kept), free(order), free(recode);
            return rs_error_nomem(err);
        }
    }
    for (size_t i = 0; d->x && i < d->n_rows; i++) {
        float *v = &d->x[i * d->n_features + j];
        if (!isnan(*v))
            *v = recode[(size_t)*v];
    }
    if (n_codes > RS_MAX_CATEGORIES)
        rs_warn(NULL, 0, "column '%s' has %zu categories: the %zu rarest share one code ('other')",
                d->names.items[j], n_codes, n_codes - RS_MAX_CATEGORIES);
    rs_idmap_free(old);
    d->categories[j] = kept;
    free(order), free(recode);
    return RS_OK;
}

static rs_status order_categories(rs_dataset *d, const row_sink *sink, rs_error *err)
{
    for (size_t j = 0; j < d->n_features; j++)
        if (d->categories[j] && order_column(d, j, sink->counts ? sink->counts[j] : NULL, err) != RS_OK)
            return err->code;
    return RS_OK;
}

/* A table coded with like's categories keeps a copy of them (the model
 * and the caller see one dataset type). */
static rs_status copy_categories(rs_dataset *d, const rs_dataset *like, rs_error *err)
{
    for (size_t j = 0; j < d->n_features; j++) {
        if (!like->categories[j])
            continue;
        if (!(d->categories[j] = rs_idmap_new()))
            return rs_error_nomem(err);
        for (int32_t c = 0; c < rs_idmap_size(like->categories[j]); c++) {
            size_t len;
            const char *key = rs_idmap_key(like->categories[j], c, &len);
            int added;
            if (rs_idmap_intern(d->categories[j], key, len, &added) < 0)
                return rs_error_nomem(err);
        }
    }
    return RS_OK;
}

static rs_status load_rows(rs_dataset *d, rs_table *t, const rs_dataset_spec *spec, rs_error *err)
{
    size_t label_col, id_col = 0, *cols = NULL, cap_rows = 0, aux_cols[RS_DATASET_MAX_AUX];
    int has_id;
    rs_record rec;
    if (rs_table_find_col(t, spec->label, "--label", &label_col, err) != RS_OK ||
        rs_dataset_id_col(t, spec->id, &id_col, &has_id, err) != RS_OK)
        return err->code;
    d->n_aux = spec->rows_only ? 0 : spec->n_aux < RS_DATASET_MAX_AUX ? spec->n_aux : RS_DATASET_MAX_AUX;
    for (size_t k = 0; k < d->n_aux; k++)
        if (rs_table_find_col(t, spec->aux[k], spec->aux_option[k], &aux_cols[k], err) != RS_OK)
            return err->code;
    if (has_id && !(d->id_name = strdup(rs_table_col_name(t, id_col))))
        return rs_error_nomem(err);
    if (d->n_aux && !(d->source = strdup(rs_table_name(t))))
        return rs_error_nomem(err);
    int got = rs_table_next(t, &rec, err);
    if (got < 0)
        return err->code;
    if (got == 0)
        return rs_error_set(err, RS_EDATA, rs_table_name(t), 0, "no data rows");
    rs_status st = rs_table_check_width(t, &rec, err);
    if (st == RS_OK)
        st = choose_features(t, &rec, spec, label_col, has_id, id_col, aux_cols, &cols, &d->n_features, err);
    for (size_t j = 0; st == RS_OK && j < d->n_features; j++)
        if (rs_strlist_push(&d->names, rs_table_col_name(t, cols[j])) < 0)
            st = rs_error_nomem(err);
    unsigned char *numeric = NULL;
    if (st == RS_OK && spec->mixed && !(numeric = calloc(d->n_features, 1)))
        st = rs_error_nomem(err);
    if (st == RS_OK && spec->mixed && !(d->categories = calloc(d->n_features, sizeof *d->categories)))
        st = rs_error_nomem(err);
    row_sink sink = {0};
    if (st == RS_OK && spec->rows_fn && !(sink.row = malloc((d->n_features + 1) * sizeof *sink.row)))
        st = rs_error_nomem(err);
    if (st == RS_OK && spec->rows_fn && spec->mixed && !spec->like &&
        (!(sink.counts = calloc(d->n_features, sizeof *sink.counts)) ||
         !(sink.cap_counts = calloc(d->n_features, sizeof *sink.cap_counts))))
        st = rs_error_nomem(err);
    direct_reader dr = {0};
    chunk_reader cr = {0};
    if (st == RS_OK)
        st = direct_open(&dr, t, cols, d->n_features, spec, err);
    if (st == RS_OK)
        st = chunk_open(&cr, t, d, spec, &dr, label_col, err);
    while (st == RS_OK && got == 1) {
        if (rs_table_check_width(t, &rec, err) != RS_OK)
            st = err->code;
        else
            direct_read(&dr, t, &rec);
        if (st == RS_OK)
            st = append_row(d, &cap_rows, t, &rec, cols, label_col, aux_cols, spec, numeric, &dr, &sink, err);
        if (st == RS_OK)
            st = chunk_rows(&cr, d, &cap_rows, t, spec, numeric, &dr, err);
        if (st == RS_OK && (got = rs_table_next(t, &rec, err)) < 0)
            st = err->code;
    }
    if (st == RS_OK && spec->classes && !spec->like && !spec->rows_only)
        st = rs_label_classes_finish(d, spec->label, err);
    if (st == RS_OK && spec->mixed && spec->like)
        st = copy_categories(d, spec->like, err);
    else if (st == RS_OK && spec->mixed)
        st = order_categories(d, &sink, err);
    sink_free(&sink, d->n_features);
    chunk_free(&cr);
    direct_free(&dr);
    free(numeric);
    free(cols);
    return st;
}

rs_dataset *rs_dataset_load(const char *path, const rs_table_options *opt, const rs_dataset_spec *spec,
                            rs_error *err)
{
    rs_dataset *d = calloc(1, sizeof *d);
    if (!d) {
        rs_error_nomem(err);
        return NULL;
    }
    rs_table *t = rs_table_open(path, opt, err);
    if (!t || load_rows(d, t, spec, err) != RS_OK) {
        rs_table_free(t);
        rs_dataset_free(d);
        return NULL;
    }
    rs_table_free(t);
    return d;
}

struct rs_dataset_passes {
    rs_table *t;
    rs_dataset_spec spec;
    rs_dataset *d;           /* the first read's */
};

rs_dataset_passes *rs_dataset_passes_open(const char *path, const rs_table_options *opt,
                                          const rs_dataset_spec *spec, rs_error *err)
{
    rs_dataset_passes *ps = calloc(1, sizeof *ps);
    if (!ps) {
        rs_error_nomem(err);
        return NULL;
    }
    rs_table_options rewindable = *opt;
    rewindable.rewindable = 1;
    ps->spec = *spec;
    if (!(ps->t = rs_table_open(path, &rewindable, err))) {
        free(ps);
        return NULL;
    }
    return ps;
}

rs_status rs_dataset_passes_read(rs_dataset_passes *ps, rs_row_fn fn, void *ctx, rs_error *err)
{
    if (!ps->t)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "the table was read for the last time already");
    if (!ps->d) {
        rs_dataset_spec first = ps->spec;
        first.rows_fn = fn, first.rows_ctx = ctx;
        if (!(ps->d = calloc(1, sizeof *ps->d)))
            return rs_error_nomem(err);
        return load_rows(ps->d, ps->t, &first, err);
    }
    /* the same columns by name, text coded by the first read's categories;
     * the labels were read the first time */
    rs_dataset_spec again = rs_dataset_valid_spec(&ps->spec, ps->d);
    again.rows_fn = fn, again.rows_ctx = ctx, again.rows_only = 1;
    rs_dataset *d = calloc(1, sizeof *d);
    rs_status st = !d ? rs_error_nomem(err) : rs_table_rewind(ps->t, err) ? err->code : load_rows(d, ps->t, &again, err);
    if (st == RS_OK && d->n_rows != ps->d->n_rows)
        st = rs_error_set(err, RS_EDATA, rs_table_name(ps->t), 0, "the table changed while it was read (%zu rows, "
                          "then %zu)", ps->d->n_rows, d->n_rows);
    rs_dataset_free(d);
    return st;
}

rs_dataset *rs_dataset_passes_data(rs_dataset_passes *ps)
{
    return ps->d;
}

void rs_dataset_passes_close(rs_dataset_passes *ps)
{
    rs_table_free(ps->t);
    ps->t = NULL;
}

void rs_dataset_passes_free(rs_dataset_passes *ps)
{
    if (!ps)
        return;
    rs_table_free(ps->t);
    rs_dataset_free(ps->d);
    free(ps);
}

void rs_dataset_free(rs_dataset *d)
{
    if (!d)
        return;
    free(d->x);
    free(d->y);
    free(d->aux);
    free(d->source);
    free(d->line);
    rs_strlist_free(&d->names);
    free(d->id_name);
    for (size_t j = 0; d->categories && j < d->n_features; j++)
        rs_idmap_free(d->categories[j]);
    free(d->categories);
    rs_idmap_free(d->classes);
    free(d);
}

size_t rs_label_classes(const rs_dataset *d, size_t count[2])
{
    size_t first_other = 0;
    count[0] = count[1] = 0;
    for (size_t i = 0; i < d->n_rows; i++) {
        if (d->y[i] == 0 || d->y[i] == 1)
            count[d->y[i] == 1]++;
        else if (!first_other)
            first_other = i + 1;
    }
    return first_other;
}

rs_status rs_require_two_classes(const rs_dataset *d, const size_t count[2], rs_error *err)
{
    if (count[0] && count[1])
        return RS_OK;
    return rs_error_set(err, RS_EDATA, NULL, 0,
                        "the label has one class (every one of the %zu rows is %d): nothing to learn", d->n_rows,
                        count[1] ? 1 : 0);
}

rs_dataset_spec rs_dataset_valid_spec(const rs_dataset_spec *train_spec, const rs_dataset *train)
{
    return (rs_dataset_spec){.label = train_spec->label, .id = train_spec->id,
                             .features = train ? &train->names : NULL, .mixed = train_spec->mixed, .like = train,
                             .classes = train_spec->classes};
}

rs_status rs_check_features(const rs_dataset *d, unsigned char *constant, rs_error *err)
{
    size_t dim = d->n_features;
    for (size_t j = 0; j < dim; j++) {
        float first = d->x[j];
        constant[j] = 1;
        for (size_t i = 1; i < d->n_rows && constant[j]; i++)
            constant[j] = rs_same_cell(d->x[i * dim + j], first);
    }
    return rs_report_constant(d, constant, d->x, err);
}

rs_status rs_report_constant(const rs_dataset *d, const unsigned char *constant, const float *first,
                             rs_error *err)
{
    size_t dim = d->n_features, n_constant = 0;
    for (size_t j = 0; j < dim; j++) {
        if (constant[j] && isnan(first[j])) {
            n_constant++;
            rs_warn(NULL, 0, "feature '%s' is empty in every row: it is not used", d->names.items[j]);
        } else if (constant[j]) {
            n_constant++;
            rs_warn(NULL, 0, "feature '%s' is constant (%g in every row): its weight is 0", d->names.items[j],
                    (double)first[j]);
        }
    }
    if (n_constant == dim && d->n_rows > 1)
        return rs_error_set(err, RS_EDATA, NULL, 0, "every feature is constant: nothing to learn from");
    return RS_OK;
}
