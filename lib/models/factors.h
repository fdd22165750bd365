/* factors.h — helpers shared by the factor models (mf, als, bpr). */
#ifndef RS_FACTORS_H
#define RS_FACTORS_H

#include "rng.h"
#include "models/kind.h"

#include <stddef.h>
#include <stdint.h>

/* n x k factors drawn N(0, scale^2) from rng (Box-Muller), row-major. */
void rs_factors_init(float *f, size_t n, size_t k, double scale, rs_rng *rng);
/* The same values on up to threads threads, rng left where the one-thread
 * call leaves it. */
void rs_factors_init_j(float *f, size_t n, size_t k, double scale, rs_rng *rng, int threads);
/* x . y over k floats, accumulated in float (the BLAS way). */
float rs_dot(const float *x, const float *y, size_t k);

/* out = F'F (k x k, both triangles) for F (n x k), by ssyrk. */
void rs_gram(const float *f, size_t n, size_t k, float *out);

/* ALS's exact solve for one user: (Y'Y + sum_i (c_i - 1) y_i y_i' + l2 I) x
 * = sum_i c_i y_i, c_i = 1 + alpha v_i, by Cholesky in double.  yty is
 * Y'Y (k x k).  work: k*k + k doubles.  Returns 0, or -1 if not positive
 * definite. */
int rs_als_solve_exact(const float *item_factors, const double *yty, size_t k, double l2, double alpha,
                       const int32_t *items, const float *values, size_t n, float *x, double *work);

/* ---- scoring, shared by mf, als and bpr ---------------------------------- */

enum { RS_FACTORS_MF, RS_FACTORS_ALS, RS_FACTORS_BPR };

/* Each kind's load: the factors (views), and what its variant adds (mf:
 * biases and the rating range; als: Y'Y for exact fold-in solves). */
void *rs_factors_load_mf(const rs_reco_base *b, rs_error *err);
void *rs_factors_load_als(const rs_reco_base *b, rs_error *err);
void *rs_factors_load_bpr(const rs_reco_base *b, rs_error *err);
void rs_factors_unload(void *state);
void *rs_factors_work_new(const rs_reco_base *b, const void *state);
void rs_factors_work_free(void *work);
/* User vectors of a block times the item factors: one sgemm. */
void rs_factors_score_block(const rs_reco_base *b, const void *state, const rs_reco_query *q, size_t n,
                            float *scores, void *work);
float rs_factors_score_pair(const rs_reco_base *b, const void *state, const rs_reco_query *q, int32_t item,
                            void *work);
/* Cosine of the item factors. */
void rs_factors_similar(const rs_reco_base *b, const void *state, int32_t item, float *scores);

#endif
