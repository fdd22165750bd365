/* factors.c — see factors.h. */
#include "factors.h"

#include "../blas.h"

#include <math.h>

void rs_factors_init(float *f, size_t n, size_t k, double scale, rs_rng *rng)
{
    for (size_t i = 0; i < n * k; i += 2) {
        double u = rs_rng_uniform(rng), v = rs_rng_uniform(rng);
        double r = sqrt(-2 * log(u > 1e-300 ? u : 1e-300)) * scale;
        f[i] = (float)(r * cos(6.283185307179586 * v));
        if (i + 1 < n * k)
            f[i + 1] = (float)(r * sin(6.283185307179586 * v));
    }
}

float rs_dot(const float *x, const float *y, size_t k)
{
    float s = 0;
    for (size_t j = 0; j < k; j++)
        s += x[j] * y[j];
    return s;
}

void rs_gram(const float *f, size_t n, size_t k, float *out)
{
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)k, (int)n, 1.0f, f, (int)k, 0.0f, out, (int)k);
    for (size_t i = 0; i < k; i++)   /* both triangles: sgemv and the exact solves read it whole */
        for (size_t j = 0; j < i; j++)
            out[i * k + j] = out[j * k + i];
}
