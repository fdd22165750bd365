/* ridge_arms.h — one ridge regression per action on a shared context:
 * reward ~ beta_a . [1, x], penalty l2/2 |beta without the intercept|^2,
 * fitted from weighted rows.  The direct method's reward model (rs-eval
 * policy --context) and the policies' per-action models use it.
 *
 * Accumulate rows with rs_ridge_arms_add, then rs_ridge_arms_solve; the
 * normal equations are kept in double (d is small: contexts, not items). */
#ifndef RS_RIDGE_ARMS_H
#define RS_RIDGE_ARMS_H

#include "error.h"

#include <stddef.h>

typedef struct {
    size_t k, d;          /* actions; context features (the intercept is extra) */
    double l2;
    double *gram;         /* (k, d+1, d+1): sum of w [1,x][1,x]^T per action */
    double *rhs;          /* (k, d+1): sum of w r [1,x] */
    double *count;        /* (k): sum of w */
    double *beta;         /* (k, d+1): the solution, intercept first */
    int l2_intercept;     /* 1: the intercept is penalised too (every system
                             is then invertible, with or without rows) */
    double *inverse;      /* (k, d+1, d+1) or NULL: filled by solve when set
                             (allocated by rs_ridge_arms_want_inverse) */
} rs_ridge_arms;

rs_ridge_arms *rs_ridge_arms_new(size_t k, size_t d, double l2);
void rs_ridge_arms_free(rs_ridge_arms *r);
/* Have solve fill r->inverse with each action's (X'WX + l2 I)^-1 too. */
rs_status rs_ridge_arms_want_inverse(rs_ridge_arms *r, rs_error *err);
/* One row: action a, context x (d), reward, weight w. */
void rs_ridge_arms_add(rs_ridge_arms *r, size_t a, const double *x, double reward, double w);
/* Solve every action's system into beta.  An action without rows (zero
 * weight) gets beta = 0 (and, with l2_intercept, the inverse I / l2): *empty
 * counts them. */
rs_status rs_ridge_arms_solve(rs_ridge_arms *r, size_t *empty, rs_error *err);
/* beta_a . [1, x] */
double rs_ridge_arms_predict(const rs_ridge_arms *r, size_t a, const double *x);

#endif
