/* uplift.h — the Qini and uplift curves of a ranking of customers by
 * predicted treatment effect, their areas and the uplift at the top k %.
 *
 * Rows are ranked by score, highest first; rows of equal score form one
 * step (their order among themselves does not matter).  Over the top k
 * rows, with n_t, n_c the treated and control rows and y_t, y_c the sums
 * of their outcomes:
 *   Qini   Q(k) = y_t - y_c n_t / n_c          (0 for the second term when n_c = 0)
 *   uplift U(k) = (y_t / n_t - y_c / n_c) k    (a term with a zero count is 0)
 * as scikit-uplift defines them.  Areas are trapezoids over k = 0..n at the
 * ends of the steps, both curves starting at (0, 0).  The random ranking is
 * the line from (0, 0) to (n, Q(n)); the perfect one ranks by
 * y (2 t - 1): treated responders first, control responders last. */
#ifndef RS_UPLIFT_H
#define RS_UPLIFT_H

#include "error.h"

#include <stddef.h>

/* A curve at the ends of the steps: k (rows) and the value, from (0, 0). */
typedef struct {
    double *k, *qini, *uplift;   /* (n_points) */
    size_t n_points;
} rs_uplift_curve;

typedef struct {
    double qini_area;        /* area under Q minus the random line's */
    double perfect_area;     /* the same for the perfect ranking */
    double qini;             /* qini_area / perfect_area (scikit-uplift's qini_auc_score) */
    double auuc;             /* area under U / n (outcome units) */
    double n_treated, n_control;
} rs_uplift_summary;

/* The curve of score over rows (t 0/1, y the outcome), n rows, into c
 * (free with rs_uplift_curve_free); score NULL ranks by y (2 t - 1). */
rs_status rs_uplift_curve_new(const double *score, const unsigned char *t, const double *y, size_t n,
                              rs_uplift_curve *c, rs_error *err);
void rs_uplift_curve_free(rs_uplift_curve *c);
/* Areas and the Qini coefficient (NaN when the perfect ranking gains no
 * more than random). */
rs_status rs_uplift_summarize(const double *score, const unsigned char *t, const double *y, size_t n,
                              rs_uplift_summary *s, rs_error *err);
/* Mean outcome of the treated minus of the control among the first
 * ceil(n pct / 100) rows of order (rs_uplift_order_new) (ties broken by row order); NaN when
 * either arm is absent there (scikit-uplift's uplift_at_k, "first"). */
double rs_uplift_at(const unsigned char *t, const double *y, size_t n, double pct, const size_t *order);
/* The rows by score, highest first, ties by row order (free it). */
size_t *rs_uplift_order_new(const double *score, size_t n);

#endif
