/* ridge_arms.c — per-action ridge regression (see ridge_arms.h). */
#include "policy/ridge_arms.h"

#include "blas.h"

#include <stdlib.h>
#include <string.h>

rs_ridge_arms *rs_ridge_arms_new(size_t k, size_t d, double l2)
{
    rs_ridge_arms *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    size_t p = d + 1;
    r->k = k, r->d = d, r->l2 = l2;
    r->gram = calloc(k * p * p, sizeof *r->gram);
    r->rhs = calloc(k * p, sizeof *r->rhs);
    r->count = calloc(k, sizeof *r->count);
    r->beta = calloc(k * p, sizeof *r->beta);
    if (!r->gram || !r->rhs || !r->count || !r->beta) {
        rs_ridge_arms_free(r);
        return NULL;
    }
    return r;
}

void rs_ridge_arms_free(rs_ridge_arms *r)
{
    if (!r)
        return;
    free(r->gram), free(r->rhs), free(r->count), free(r->beta), free(r->inverse);
    free(r);
}

rs_status rs_ridge_arms_want_inverse(rs_ridge_arms *r, rs_error *err)
{
    size_t p = r->d + 1;
    if (!r->inverse && !(r->inverse = calloc(r->k * p * p, sizeof *r->inverse)))
        return rs_error_nomem(err);
    return RS_OK;
}

void rs_ridge_arms_add(rs_ridge_arms *r, size_t a, const double *x, double reward, double w)
{
    size_t p = r->d + 1;
    double *g = r->gram + a * p * p, *b = r->rhs + a * p;
    /* the lower triangle only (column-major 'L' for LAPACK): row i >= col j */
    for (size_t j = 0; j < p; j++) {
        double xj = j ? x[j - 1] : 1;
        double wx = w * xj;
        for (size_t i = j; i < p; i++)
            g[j * p + i] += wx * (i ? x[i - 1] : 1);
        b[j] += wx * reward;
    }
    r->count[a] += w;
}

rs_status rs_ridge_arms_solve(rs_ridge_arms *r, size_t *empty, rs_error *err)
{
    size_t p = r->d + 1;
    double *a = malloc(p * p * sizeof *a);
    if (!a)
        return rs_error_nomem(err);
    *empty = 0;
    for (size_t act = 0; act < r->k; act++) {
        double *beta = r->beta + act * p;
        int has_rows = r->count[act] > 0;
        *empty += !has_rows;
        if (!has_rows && !r->l2_intercept) {
            memset(beta, 0, p * sizeof *beta);
            continue;
        }
        memcpy(a, r->gram + act * p * p, p * p * sizeof *a);
        for (size_t i = r->l2_intercept ? 0 : 1; i < p; i++)
            a[i * p + i] += r->l2;
        memcpy(beta, r->rhs + act * p, p * sizeof *beta);
        int n = (int)p, one = 1, info = 0;
        dpotrf_("L", &n, a, &n, &info);
        if (info == 0)
            dpotrs_("L", &n, &one, a, &n, beta, &n, &info);
        if (info == 0 && r->inverse)
            dpotri_("L", &n, a, &n, &info);
        if (info != 0) {
            free(a);
            return rs_error_set(err, RS_EDATA, NULL, 0,
                                "the reward model of action %zu is singular (give --l2 above 0)", act);
        }
        if (r->inverse) {   /* dpotri fills the lower triangle: mirror it */
            double *inv = r->inverse + act * p * p;
            for (size_t j = 0; j < p; j++)
                for (size_t i = j; i < p; i++)
                    inv[j * p + i] = inv[i * p + j] = a[j * p + i];
        }
    }
    free(a);
    return RS_OK;
}

double rs_ridge_arms_predict(const rs_ridge_arms *r, size_t a, const double *x)
{
    const double *beta = r->beta + a * (r->d + 1);
    double s = beta[0];
    for (size_t j = 0; j < r->d; j++)
        s += beta[j + 1] * x[j];
    return s;
}
