/* text_sgd.h — the softmax SGD of logreg --text (text_model.c) on sparse
 * rows, on RS_TEXT_SHARDS model copies averaged after each pass.
 *
 * Minimises  sum_i c_i (-log p_i,y_i) + l2/2 |W|^2  (the bias free) by SGD
 * over the rows in a shuffled order (--seed) for --epochs passes, the step
 * falling linearly from --lr to 0 (as fastText).  The L2 decay of every
 * weight at every step is one scale factor (W = scale v), so a step costs
 * the row's non-zeros times the classes, not the whole table.
 *
 * Each pass's shuffled order is cut into RS_TEXT_SHARDS contiguous slices;
 * shard s runs SGD over slice s on its own copy of the weights, and at the
 * end of the pass the copies are averaged (parameter mixing, McDonald et
 * al. 2010) and every shard starts the next pass from the mean.  The shards
 * share nothing during a pass, so -j threads run them without a handshake
 * per row, and a shard's arithmetic does not depend on which thread runs
 * it: the model bytes are the same for every -j. */
#ifndef RS_TEXT_SGD_H
#define RS_TEXT_SGD_H

#include "models/kind.h"

#include <stdint.h>

/* The model copies (and so the threads a fit can use). */
enum { RS_TEXT_SHARDS = 2 };

/* The training rows: CSR over the renumbered buckets, a class per row. */
typedef struct {
    size_t n_rows;
    const size_t *ptr;      /* (n_rows + 1) */
    const uint32_t *idx;    /* (nnz) rows of v */
    const float *val;       /* (nnz) */
    const double *y;        /* (n_rows) class 0..K-1 */
} rs_text_rows;

typedef struct {
    size_t K, dim;
    size_t n_used;     /* the buckets some training row has */
    size_t stride;     /* K rounded up to a 64-byte line */
    uint32_t *bucket;  /* (n_used) the bucket of each row of v, the most frequent first */
    float *v;          /* (n_used x stride), 64-byte aligned, zero: W = scale v */
    double scale;
    float *bias;       /* (K) */
} rs_text_sgd_model;

/* Called after each epoch (1..epochs) with every thread stopped: the
 * weights are scale m->v and m->bias. */
typedef void (*rs_text_epoch_fn)(void *ctx, long epoch, const rs_text_sgd_model *m, double scale);

/* Train m (v, scale, bias) on x; p: epochs, lr, l2, seed, balanced,
 * threads; epoch_end (or NULL) sees each epoch's weights.  Only RS_ENOMEM
 * fails. */
rs_status rs_text_sgd(const rs_text_rows *x, const rs_params *p, rs_text_sgd_model *m, rs_text_epoch_fn epoch_end,
                      void *ctx, rs_error *err);

/* The row kernels of the SGD step (len a multiple of 16, the weight rows
 * w_j = v + idx[j] stride, the non-zeros j in order; each class its own
 * sum, so the bytes are those of the plain loops for any vector width):
 *   scores:  z[k] += (val[j] f) w_j[k]     for k < len
 *   update:  w_j[k] += (val[j] g) step[k]  for k < len */
void rs_text_row_scores(float *restrict z, const float *restrict v, size_t stride, const uint32_t *idx,
                        const float *val, size_t n, float f, size_t len);
void rs_text_row_update(float *restrict v, size_t stride, const uint32_t *idx, const float *val, size_t n, float g,
                        const float *restrict step, size_t len);

/* z[k] += x w[k] for k < K (vectorised; each k its own sum). */
void rs_text_axpy(float *restrict z, const float *restrict w, float x, size_t K);

#endif
