/* mlp.h — the multilayer perceptron's forward and backward passes, over a
 * mini-batch with sgemm.  Exposed for the trainer, the scorer and the
 * finite-difference gradient test.
 *
 * Parameters are one float array: for each layer l (input size a, output
 * size b) the weights W_l (a x b, row-major) then the bias b_l (b).  Hidden
 * layers apply the activation (and dropout while training); the output is
 * one linear unit: a logit for bce (loss log(1 + exp(-s z)), s = +-1), the
 * prediction itself for squared (loss (z - y)^2 / 2).  Losses and gradients
 * are means over the batch. */
#ifndef RS_MLP_H
#define RS_MLP_H

#include "rng.h"
#include "models/kind.h"

enum { RS_ACT_RELU, RS_ACT_TANH, RS_ACT_SIGMOID };

typedef struct {
    size_t n_layers;                          /* weight layers: hidden + 1 */
    size_t sizes[RS_MLP_MAX_HIDDEN + 2];      /* input, hidden..., 1 */
    int activation;                           /* RS_ACT_* */
    int bce;                                  /* 1: bce, 0: squared */
} rs_mlp_shape;

typedef struct rs_mlp_work rs_mlp_work;

size_t rs_mlp_n_params(const rs_mlp_shape *shape);
rs_mlp_work *rs_mlp_work_new(const rs_mlp_shape *shape, size_t max_batch);
void rs_mlp_work_free(rs_mlp_work *w);

/* The output units (n) for rows x (n x input).  dropout > 0 needs rng. */
const float *rs_mlp_forward(const rs_mlp_shape *shape, const float *params, const float *x, size_t n,
                            rs_mlp_work *w, float dropout, rs_rng *rng);
/* Mean loss over the batch, and its gradient into grad (n_params). */
double rs_mlp_loss_grad(const rs_mlp_shape *shape, const float *params, const float *x, const float *y,
                        size_t n, float *grad, rs_mlp_work *w, float dropout, rs_rng *rng);

/* One row's inputs as the network sees them: (x - mean) * scale. */
void rs_mlp_standardize(const float *x, size_t d, const float *mean, const float *scale, float *out);

/* A saved network: its shape, flat parameters and input standardisation
 * (new arrays the caller frees). */
rs_status rs_mlp_load(const rs_model *m, size_t n_features, rs_mlp_shape *shape, float **params,
                      float **mean, float **scale, rs_error *err);

#endif
