/* The row kernels of logreg --text's SGD (lib/models/text_sgd.c) against
 * the naive loops they replace: the fast ones hold up to 6 cache lines of
 * a row's scores (or its step) in registers and are cloned for avx512f,
 * avx2 and plain x86-64, but each class is its own sum in the same order,
 * so the results must be the naive loops' bytes exactly, for every length
 * (1 to 9 lines: one block, a block and a rest, two blocks) and for weight
 * rows wider than the length (stride > len). */
#include "models/text_sgd.h"
#include "rng.h"
#include "tap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { ROWS = 50, NNZ = 37, MAX_LEN = 9 * 16 };

static void naive_scores(float *z, const float *v, size_t stride, const uint32_t *idx, const float *val, size_t n,
                         float f, size_t len)
{
    for (size_t j = 0; j < n; j++) {
        float x = val[j] * f;
        for (size_t k = 0; k < len; k++)
            z[k] += x * v[(size_t)idx[j] * stride + k];
    }
}

static void naive_update(float *v, size_t stride, const uint32_t *idx, const float *val, size_t n, float g,
                         const float *step, size_t len)
{
    for (size_t j = 0; j < n; j++) {
        float x = val[j] * g;
        for (size_t k = 0; k < len; k++)
            v[(size_t)idx[j] * stride + k] += x * step[k];
    }
}

static float uniform(rs_rng *rng)
{
    return (float)(2 * rs_rng_uniform(rng) - 1);
}

int main(void)
{
    rs_rng rng;
    rs_rng_seed(&rng, 7);
    uint32_t idx[NNZ];
    float val[NNZ];
    for (size_t j = 0; j < NNZ; j++) {   /* distinct rows, as a merged text row has */
        idx[j] = (uint32_t)((j * 17 + 3) % ROWS);
        val[j] = uniform(&rng);
    }
    for (size_t len = 16; len <= MAX_LEN; len += 16) {
        for (size_t stride = len; stride <= len + 16; stride += 16) {
            size_t size = ROWS * stride + 16;
            float *v = aligned_alloc(64, size * sizeof *v), *v_ref = malloc(size * sizeof *v_ref);
            float z[MAX_LEN], z_ref[MAX_LEN], step[MAX_LEN];
            for (size_t u = 0; u < size; u++)
                v[u] = v_ref[u] = uniform(&rng);
            for (size_t k = 0; k < len; k++)
                z[k] = z_ref[k] = uniform(&rng), step[k] = uniform(&rng);
            rs_text_row_scores(z, v, stride, idx, val, NNZ, 0.37f, len);
            naive_scores(z_ref, v_ref, stride, idx, val, NNZ, 0.37f, len);
            CHECK(!memcmp(z, z_ref, len * sizeof *z), "row_scores: len %zu stride %zu: the naive loop's bytes", len,
                  stride);
            rs_text_row_update(v, stride, idx, val, NNZ, -1.9f, step, len);
            naive_update(v_ref, stride, idx, val, NNZ, -1.9f, step, len);
            CHECK(!memcmp(v, v_ref, size * sizeof *v), "row_update: len %zu stride %zu: the naive loop's bytes (and "
                  "nothing past len touched)", len, stride);
            free(v), free(v_ref);
        }
    }
    return tap_done();
}
