/* owlqn.c — see owlqn.h.  Andrew & Gao (2007): the L-BFGS direction of the
 * pseudo-gradient, kept in its orthant, with a backtracking line search
 * that projects each trial onto the orthant of the start. */
#include "models/owlqn.h"

#include "blas.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { LBFGS_M = 10 };

double rs_norm2(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i] * v[i];
    return sqrt(s);
}

/* The OWL-QN pseudo-gradient of f + l1 |w|_1 (intercepts unpenalised). */
static void pseudo_gradient(const double *theta, const double *g, size_t n, size_t k, double l1, double *pg)
{
    for (size_t j = 0; j < k; j++) {
        if (theta[j] > 0)
            pg[j] = g[j] + l1;
        else if (theta[j] < 0)
            pg[j] = g[j] - l1;
        else if (g[j] + l1 < 0)
            pg[j] = g[j] + l1;
        else if (g[j] - l1 > 0)
            pg[j] = g[j] - l1;
        else
            pg[j] = 0;
    }
    for (size_t j = k; j < n; j++)
        pg[j] = g[j];
}

static double l1_norm(const double *theta, size_t k)
{
    double s = 0;
    for (size_t j = 0; j < k; j++)
        s += fabs(theta[j]);
    return s;
}

/* Two-loop recursion: dir = -H pg from the last m (s, y) pairs. */
static void lbfgs_direction(const double *pg, size_t kb, const double *s, const double *y, const double *rho,
                            int used, int newest, double *alpha, double *dir)
{
    for (size_t j = 0; j < kb; j++)
        dir[j] = -pg[j];
    for (int c = 0, i = newest; c < used; c++, i = (i + LBFGS_M - 1) % LBFGS_M) {
        alpha[i] = rho[i] * cblas_ddot((int)kb, s + (size_t)i * kb, 1, dir, 1);
        cblas_daxpy((int)kb, -alpha[i], y + (size_t)i * kb, 1, dir, 1);
    }
    if (used) {
        const double *yn = y + (size_t)newest * kb;
        double gamma = 1 / (rho[newest] * cblas_ddot((int)kb, yn, 1, yn, 1));
        cblas_dscal((int)kb, gamma, dir, 1);
    }
    for (int c = 0, i = (newest + LBFGS_M - used + 1) % LBFGS_M; c < used; c++, i = (i + 1) % LBFGS_M) {
        double beta = rho[i] * cblas_ddot((int)kb, y + (size_t)i * kb, 1, dir, 1);
        cblas_daxpy((int)kb, alpha[i] - beta, s + (size_t)i * kb, 1, dir, 1);
    }
}

rs_status rs_owlqn(const rs_owlqn_problem *pb, double *theta, rs_solve_report *rep, rs_error *err)
{
    size_t k = pb->n_penalized, kb = pb->n;
    double l1 = pb->l1;
    double *mem = calloc(kb * (2 * LBFGS_M + 6) + 2 * LBFGS_M, sizeof *mem);
    if (!mem)
        return rs_error_nomem(err);
    double *s = mem, *y = s + LBFGS_M * kb, *g = y + LBFGS_M * kb, *pg = g + kb, *dir = pg + kb;
    double *trial = dir + kb, *g_new = trial + kb, *rho = g_new + 2 * kb, *alpha = rho + LBFGS_M;
    double f = pb->eval(pb->ctx, theta, g) + l1 * l1_norm(theta, k);
    pseudo_gradient(theta, g, kb, k, l1, pg);
    double g0 = rs_norm2(pg, kb), gn = g0;
    int used = 0, newest = LBFGS_M - 1;
    rep->solver = "owlqn";
    rep->converged = 0;
    for (rep->iterations = 0; rep->iterations < pb->max_iter; rep->iterations++) {
        if (gn <= pb->tol * g0 || gn == 0) {
            rep->converged = 1;
            break;
        }
        lbfgs_direction(pg, kb, s, y, rho, used, newest, alpha, dir);
        for (size_t j = 0; j < k; j++)
            if (dir[j] * pg[j] >= 0)
                dir[j] = 0;
        double step = used ? 1 : 1 / gn, f_new = f;
        int accepted = 0;
        for (int tries = 0; tries < 40 && !accepted; tries++, step *= 0.5) {
            double decrease = 0;
            for (size_t j = 0; j < kb; j++) {
                double orthant = theta[j] != 0 ? theta[j] : -pg[j];
                trial[j] = theta[j] + step * dir[j];
                if (j < k && trial[j] * orthant <= 0)
                    trial[j] = 0;
                decrease += pg[j] * (trial[j] - theta[j]);
            }
            f_new = pb->eval(pb->ctx, trial, g_new) + l1 * l1_norm(trial, k);
            accepted = f_new <= f + 1e-4 * decrease;
        }
        if (!accepted)
            break;   /* no descent left at double precision */
        newest = (newest + 1) % LBFGS_M;
        double *sn = s + (size_t)newest * kb, *yn = y + (size_t)newest * kb;
        for (size_t j = 0; j < kb; j++)
            sn[j] = trial[j] - theta[j], yn[j] = g_new[j] - g[j];
        double sy = cblas_ddot((int)kb, sn, 1, yn, 1);
        if (sy > 1e-12) {
            rho[newest] = 1 / sy;
            used = used < LBFGS_M ? used + 1 : LBFGS_M;
        } else {
            newest = (newest + LBFGS_M - 1) % LBFGS_M;
        }
        double change = f - f_new;
        memcpy(theta, trial, kb * sizeof *theta);
        memcpy(g, g_new, kb * sizeof *g);
        f = f_new;
        pseudo_gradient(theta, g, kb, k, l1, pg);
        gn = rs_norm2(pg, kb);
        if (pb->progress)
            pb->progress(pb->ctx, rep->iterations + 1, f, gn);
        if (change <= 1e-14 * fabs(f)) {
            rep->iterations++;
            rep->converged = gn <= pb->tol * g0 * 1e3;
            break;
        }
    }
    rep->objective = f;
    rep->grad_ratio = g0 > 0 ? gn / g0 : 0;
    free(mem);
    return RS_OK;
}
