/* sasrec.h — the self-attentive sequential recommender's network (Kang and
 * McAuley 2018): its forward and backward passes over a mini-batch of
 * sequences with sgemm.  Exposed for the trainer (sasrec.c), the scorer and
 * the finite-difference gradient test.
 *
 * A batch is packed: sequence b's rows are [start[b], start[b+1]), its
 * items oldest first, at most maxlen of them, and they take the LAST
 * positions of the window (the most recent item always has position
 * maxlen - 1), so no padding rows are computed.  Row i attends to rows
 * 0..i of its own sequence (causal).
 *
 *   x0 = sqrt(d) E[item] + P[position]               (dropout)
 *   per block:  a = LN1(x); Q,K,V = a Wqkv; O = softmax(QK'/sqrt(d)) V (causal)
 *               x1 = x + drop(O); c = LN2(x1)
 *               x  = x1 + drop(drop(relu(c W1 + b1)) W2 + b2)
 *   z = LNf(x);  score of item j at a row: z . E[j]  (embeddings shared)
 *
 * Losses (means over the rows with a target): with n_neg >= 1 the paper's
 * binary cross-entropy of the target against n_neg sampled negatives; with
 * n_neg 0 the cross-entropy of a softmax over every item.
 *
 * Parameters are one float array laid out by rs_sasrec_layout. */
#ifndef RS_SASREC_H
#define RS_SASREC_H

#include "rng.h"

#include <stddef.h>
#include <stdint.h>

enum { RS_SASREC_MAX_BLOCKS = 8 };

typedef struct {
    size_t n_items, dim, blocks, maxlen;
} rs_sasrec_shape;

/* Offsets of each tensor in the flat parameter array. */
typedef struct {
    size_t item;    /* (n_items x d) item embeddings, also the output layer */
    size_t pos;     /* (maxlen x d) position embeddings */
    struct {
        size_t ln1_g, ln1_b;   /* (d) */
        size_t wqkv;           /* (d x 3d): Wq | Wk | Wv side by side */
        size_t ln2_g, ln2_b;   /* (d) */
        size_t w1, b1;         /* (d x d), (d) */
        size_t w2, b2;         /* (d x d), (d) */
    } block[RS_SASREC_MAX_BLOCKS];
    size_t lnf_g, lnf_b;   /* (d) */
    size_t total;
} rs_sasrec_layout;

typedef struct {
    size_t n_seq;
    const size_t *start;      /* (n_seq + 1): rows of sequence b; lengths 1..maxlen */
    const int32_t *item;      /* (rows): input items */
    const int32_t *target;    /* (rows): next item, -1 none; NULL when scoring */
    const int32_t *negative;  /* (rows x n_neg): sampled negatives */
    size_t n_neg;             /* 0: softmax over every item */
    int last_only;            /* scoring: z holds only each sequence's last row, row b for sequence b */
} rs_sasrec_batch;

typedef struct rs_sasrec_work rs_sasrec_work;

void rs_sasrec_layout_of(const rs_sasrec_shape *shape, rs_sasrec_layout *layout);
/* Xavier-normal weights, unit layer-norm gains, zero biases. */
void rs_sasrec_init(const rs_sasrec_shape *shape, float *params, rs_rng *rng);
/* Scratch for batches of at most max_seq sequences (max_seq x maxlen
 * rows); with_loss: also what the loss and backward pass need. */
rs_sasrec_work *rs_sasrec_work_new(const rs_sasrec_shape *shape, size_t max_seq, int with_loss);
void rs_sasrec_work_free(rs_sasrec_work *w);
/* The last layer's rows z (rows x d; with last_only n_seq x d), in w.
 * dropout > 0 needs rng.  last_only skips what the last rows do not need:
 * the last block's queries, attention and feed-forward of earlier rows. */
const float *rs_sasrec_forward(const rs_sasrec_shape *shape, const float *params, const rs_sasrec_batch *batch,
                               rs_sasrec_work *w, float dropout, rs_rng *rng);
/* Mean loss over the rows with a target, and its gradient into grad
 * (layout.total, overwritten). */
double rs_sasrec_loss_grad(const rs_sasrec_shape *shape, const float *params, const rs_sasrec_batch *batch,
                           float *grad, rs_sasrec_work *w, float dropout, rs_rng *rng);

#endif
