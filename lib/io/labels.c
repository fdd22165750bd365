/* labels.c — class labels of a supervised table (dataset.h): a label
 * column read as text, decided once all rows are in.
 *
 * Every label's text is interned while the rows load (y = first-sight
 * code).  Afterwards: labels that are all 0/1 (or true/false) stay the
 * numbers they were (the binary path, unchanged); labels that are all
 * numbers but some not an integer stay numbers too (the kind reports them:
 * logreg is not regression); anything else is a class label.  Classes are
 * coded in a stable order that does not depend on the row order: by value
 * when every class is an integer, else by the bytes of the name. */
#include "io/dataset.h"
#include "io/model.h"

#include "num.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int rs_label_parse(const char *s, size_t len, double *out)
{
    if (len == 4 && !strncasecmp(s, "true", 4)) {
        *out = 1;
        return 0;
    }
    if (len == 5 && !strncasecmp(s, "false", 5)) {
        *out = 0;
        return 0;
    }
    return rs_parse_f64(s, len, out);
}

rs_status rs_label_class_row(rs_dataset *d, const rs_table *t, const rs_record *rec, size_t col,
                             const rs_dataset *like, double *y, rs_error *err)
{
    const rs_field *f = &rec->fields[col];
    if (like) {   /* a --valid table: the training classes, or its numbers */
        if (!like->classes)
            return rs_label_parse(f->ptr, f->len, y) < 0
                       ? rs_table_bad_field(t, rec, col, "a number (or true/false)", err) : RS_OK;
        int32_t code = rs_idmap_find(like->classes, f->ptr, f->len);
        if (code < 0)
            return rs_table_bad_field(t, rec, col, "a class of the training data", err);
        *y = code;
        return RS_OK;
    }
    if (f->len == 0)
        return rs_table_bad_field(t, rec, col, "a class or a number (the label is empty)", err);
    if (!d->classes && !(d->classes = rs_idmap_new()))
        return rs_error_nomem(err);
    int added;
    int32_t code = rs_idmap_intern(d->classes, f->ptr, f->len, &added);
    if (code < 0)
        return rs_error_nomem(err);
    *y = code;
    return RS_OK;
}

typedef struct {
    double value;
    int32_t code;
} numbered;

static int by_value(const void *a, const void *b)
{
    const numbered *x = a, *y = b;
    return (x->value > y->value) - (x->value < y->value);
}

/* The codes in class order: by value when every name is an integer (and
 * *all_numbers then), else by bytes; NULL when out of memory. */
static int32_t *class_order(const rs_idmap *names, int *all_numbers, int *all_integers, int *all_binary)
{
    size_t n = (size_t)rs_idmap_size(names);
    numbered *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return NULL;
    *all_numbers = *all_integers = *all_binary = 1;
    for (size_t c = 0; c < n; c++) {
        size_t len;
        const char *key = rs_idmap_key(names, (int32_t)c, &len);
        double x = 0;
        int is_label = rs_label_parse(key, len, &x) == 0;
        int is_number = rs_parse_f64(key, len, &x) == 0;
        *all_binary &= is_label && (x == 0 || x == 1);
        *all_numbers &= is_number;
        *all_integers &= is_number && x == floor(x) && fabs(x) < 1e15;
        v[c] = (numbered){x, (int32_t)c};
    }
    int32_t *order = NULL;
    if (*all_integers) {
        qsort(v, n, sizeof *v, by_value);
        if ((order = malloc((n ? n : 1) * sizeof *order)))
            for (size_t r = 0; r < n; r++)
                order[r] = v[r].code;
    } else {
        order = rs_idmap_sorted_new(names);
    }
    free(v);
    return order;
}

/* Labels that are numbers after all: y holds each row's number. */
static void back_to_numbers(rs_dataset *d)
{
    for (size_t i = 0; i < d->n_rows; i++) {
        size_t len;
        const char *key = rs_idmap_key(d->classes, (int32_t)d->y[i], &len);
        rs_label_parse(key, len, &d->y[i]);
    }
    rs_idmap_free(d->classes);
    d->classes = NULL;
}

rs_status rs_label_classes_finish(rs_dataset *d, const char *label, rs_error *err)
{
    if (!d->classes)
        return RS_OK;
    int all_numbers, all_integers, all_binary;
    int32_t *order = class_order(d->classes, &all_numbers, &all_integers, &all_binary);
    if (!order)
        return rs_error_nomem(err);
    if (all_binary || (all_numbers && !all_integers)) {
        free(order);
        back_to_numbers(d);
        return RS_OK;
    }
    size_t n = (size_t)rs_idmap_size(d->classes);
    if (n > RS_MAX_CLASSES) {
        free(order);
        return rs_error_set(err, RS_EDATA, NULL, 0,
                            "the label '%s' has %zu distinct values, more than %d classes: is it an id, or a "
                            "number (use --model linreg)?", label, n, RS_MAX_CLASSES);
    }
    rs_idmap *sorted = rs_idmap_new();
    double *recode = malloc(n * sizeof *recode);
    rs_status st = sorted && recode ? RS_OK : rs_error_nomem(err);
    for (size_t r = 0; st == RS_OK && r < n; r++) {
        size_t len;
        const char *key = rs_idmap_key(d->classes, order[r], &len);
        int added;
        recode[order[r]] = (double)r;
        if (rs_idmap_intern(sorted, key, len, &added) < 0)
            st = rs_error_nomem(err);
    }
    if (st == RS_OK) {
        for (size_t i = 0; i < d->n_rows; i++)
            d->y[i] = recode[(size_t)d->y[i]];
        rs_idmap_free(d->classes);
        d->classes = sorted;
        sorted = NULL;
    }
    rs_idmap_free(sorted);
    free(recode), free(order);
    return st;
}

size_t rs_dataset_n_classes(const rs_dataset *d)
{
    return d->classes ? (size_t)rs_idmap_size(d->classes) : 0;
}

rs_status rs_require_classes(const rs_dataset *d, rs_error *err)
{
    if (rs_dataset_n_classes(d) >= 2)
        return RS_OK;
    size_t len = 0;
    const char *name = d->classes ? rs_idmap_key(d->classes, 0, &len) : "";
    return rs_error_set(err, RS_EDATA, NULL, 0,
                        "the label has one class (every one of the %zu rows is '%.*s'): nothing to learn", d->n_rows,
                        (int)(len > 40 ? 40 : len), name);
}

char **rs_class_names_new(const rs_model *m, size_t *n_classes, rs_error *err)
{
    rs_idmap *classes = rs_model_ids_new(m, "classes", err);
    if (!classes)
        return NULL;
    size_t K = (size_t)rs_idmap_size(classes);
    char **names = K >= 2 ? calloc(K, sizeof *names) : NULL;
    if (K < 2)
        rs_error_set(err, RS_EDATA, NULL, 0, "the model's classes are damaged (%zu class%s)", K, K == 1 ? "" : "es");
    else if (!names)
        rs_error_nomem(err);
    for (size_t c = 0; names && c < K; c++) {
        size_t len;
        const char *key = rs_idmap_key(classes, (int32_t)c, &len);
        if (!(names[c] = strndup(key, len))) {
            rs_error_nomem(err);
            rs_class_names_free(names, K), names = NULL;
        }
    }
    rs_idmap_free(classes);
    *n_classes = names ? K : 0;
    return names;
}

void rs_class_names_free(char **names, size_t n_classes)
{
    for (size_t c = 0; names && c < n_classes; c++)
        free(names[c]);
    free(names);
}
