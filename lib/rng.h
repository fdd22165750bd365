/* rng.h — seeded, portable pseudo-random numbers (xoshiro256**, seeded by
 * splitmix64).  The same seed gives the same sequence on every platform and
 * in every rs version: outputs that depend on --seed stay reproducible. */
#ifndef RS_RNG_H
#define RS_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} rs_rng;

void rs_rng_seed(rs_rng *rng, uint64_t seed);
uint64_t rs_rng_next(rs_rng *rng);
/* Uniform in [0, 1) with 53 random bits. */
double rs_rng_uniform(rs_rng *rng);
/* Uniform integer in [0, n), unbiased (n > 0). */
uint64_t rs_rng_below(rs_rng *rng, uint64_t n);
/* Standard normal (Box-Muller, the cosine branch: two uniforms a draw). */
double rs_rng_normal(rs_rng *rng);

#endif
