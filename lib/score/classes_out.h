/* classes_out.h — rs-predict's columns for a model of a class label: the
 * predicted class and its probability, with --top K the next K-1 classes
 * (class_2, probability_2, ...), with --proba one proba_CLASS column per
 * class in the model's class order (what rs-eval class reads). */
#ifndef RS_CLASSES_OUT_H
#define RS_CLASSES_OUT_H

#include "models/supervised.h"
#include "num.h"
#include "strlist.h"

typedef struct {
    size_t n_classes, top;
    int proba;
    rs_strlist names;             /* the column names, in order */
    size_t *best;                 /* (top) scratch: the best classes of a row */
    char (*cells)[RS_NUM_BUF];    /* (top + n_classes) scratch: a row's numbers */
} rs_classes_out;

/* top >= 1 classes of the scorer's n_classes >= 2; --top beyond it is
 * RS_EUSAGE. */
rs_status rs_classes_out_init(rs_classes_out *o, const rs_scorer *s, long top, int proba, rs_error *err);
/* One row's fields from its probabilities p (n_classes) into fields;
 * returns how many.  Ties rank the class first in model order first. */
size_t rs_classes_out_row(rs_classes_out *o, const rs_scorer *s, const double *p, rs_field *fields);
void rs_classes_out_free(rs_classes_out *o);

#endif
