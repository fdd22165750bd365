/* classes_out.h — rs-predict's columns for a model of a class label: the
 * predicted class and its probability, with --top K the next K-1 classes
 * (class_2, probability_2, ...), with --proba one proba_CLASS column per
 * class in the model's class order (what rs-eval class reads). */
#ifndef RS_CLASSES_OUT_H
#define RS_CLASSES_OUT_H

#include "error.h"
#include "io/record.h"
#include "num.h"
#include "strlist.h"

typedef struct {
    size_t n_classes, top;
    int proba;
    const char **names_of;        /* (n_classes) the class names (borrowed) */
    rs_strlist names;             /* the column names, in order */
    size_t *best;                 /* (top) scratch: the best classes of a row */
    char (*cells)[RS_NUM_BUF];    /* (top + n_classes) scratch: a row's numbers */
} rs_classes_out;

/* top >= 1 of n_classes >= 2 classes named names[k] (borrowed: keep them
 * until rs_classes_out_free); --top beyond them is RS_EUSAGE. */
rs_status rs_classes_out_init(rs_classes_out *o, size_t n_classes, const char *const *names, long top, int proba,
                              rs_error *err);
/* One row's fields from its probabilities p (n_classes) into fields;
 * returns how many.  Ties rank the class first in model order first. */
size_t rs_classes_out_row(rs_classes_out *o, const double *p, rs_field *fields);
void rs_classes_out_free(rs_classes_out *o);

#endif
