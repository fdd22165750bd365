/* owlqn.h — OWL-QN (L-BFGS for f(theta) + l1 |theta[0..n_penalized)|_1),
 * shared by binary and multinomial logreg.  The first n_penalized
 * parameters carry the L1 penalty, the rest (intercepts) do not; with
 * l1 = 0 it is plain L-BFGS. */
#ifndef RS_OWLQN_H
#define RS_OWLQN_H

#include "error.h"

#include <stddef.h>

/* The smooth part f(theta) (with any L2), its gradient into grad (n). */
typedef double (*rs_owlqn_eval)(void *ctx, const double *theta, double *grad);
/* Called after each accepted step (progress lines); may be NULL. */
typedef void (*rs_owlqn_progress)(void *ctx, long iteration, double objective, double grad_norm);

typedef struct {
    long iterations;
    int converged;
    double objective, grad_ratio;
    const char *solver;
} rs_solve_report;

typedef struct {
    size_t n, n_penalized;
    double l1, tol;     /* stop when |pseudo-gradient| <= tol |at the start| */
    long max_iter;
    rs_owlqn_eval eval;
    rs_owlqn_progress progress;
    void *ctx;
} rs_owlqn_problem;

/* Minimise from theta (n, updated in place). */
rs_status rs_owlqn(const rs_owlqn_problem *pb, double *theta, rs_solve_report *rep, rs_error *err);

/* Euclidean norm of v (n). */
double rs_norm2(const double *v, size_t n);

#endif
