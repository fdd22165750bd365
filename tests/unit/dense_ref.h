/* dense_ref.h — the dense reference solver the unit tests hold fast paths
 * against: Gauss-Jordan in double, slow and plain. */
#ifndef RS_DENSE_REF_H
#define RS_DENSE_REF_H

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

/* a (n x n, row-major) into its inverse, by Gauss-Jordan with partial
 * pivoting in double; inv is n x n. */
__attribute__((unused)) static void ref_invert(double *a, double *inv, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            inv[i * n + j] = i == j;
    for (size_t c = 0; c < n; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < n; r++)
            if (fabs(a[r * n + c]) > fabs(a[piv * n + c]))
                piv = r;
        for (size_t j = 0; j < n; j++) {
            double t = a[c * n + j];
            a[c * n + j] = a[piv * n + j], a[piv * n + j] = t;
            t = inv[c * n + j];
            inv[c * n + j] = inv[piv * n + j], inv[piv * n + j] = t;
        }
        double d = a[c * n + c];
        for (size_t j = 0; j < n; j++)
            a[c * n + j] /= d, inv[c * n + j] /= d;
        for (size_t r = 0; r < n; r++) {
            if (r == c)
                continue;
            double f = a[r * n + c];
            for (size_t j = 0; j < n; j++)
                a[r * n + j] -= f * a[c * n + j], inv[r * n + j] -= f * inv[c * n + j];
        }
    }
}

/* Solve a x = b (k x k, row-major; a is overwritten) into b, through the
 * inverse. */
__attribute__((unused)) static void ref_solve(double *a, double *b, size_t k)
{
    double *inv = malloc(k * k * sizeof *inv), *x = calloc(k, sizeof *x);
    if (!inv || !x)
        abort();
    ref_invert(a, inv, k);
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            x[i] += inv[i * k + j] * b[j];
    for (size_t i = 0; i < k; i++)
        b[i] = x[i];
    free(inv), free(x);
}

#endif
