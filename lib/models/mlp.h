/* mlp.h — the multilayer perceptron's forward and backward passes, over a
 * mini-batch with sgemm.  Exposed for the trainer, the scorer and the
 * finite-difference gradient test.
 *
 * Parameters are one float array: for each layer l (input size a, output
 * size b) the weights W_l (a x b, row-major) then the bias b_l (b).  Hidden
 * layers apply the activation (and dropout while training); the output
 * layer is linear: one unit, a logit for bce (loss log(1 + exp(-s z)),
 * s = +-1) or the prediction itself for squared (loss (z - y)^2 / 2); or K
 * units for softmax, the logits of a class label's K classes (y the class
 * code 0..K-1, loss log sum_k exp(z_k) - z_y).  Losses and gradients are
 * means over the batch (mlp_loss.c holds the output layer's). */
#ifndef RS_MLP_H
#define RS_MLP_H

#include "rng.h"
#include "models/kind.h"

enum { RS_ACT_RELU, RS_ACT_TANH, RS_ACT_SIGMOID };
/* The output layer's loss (the model's "loss" key: squared, bce, softmax). */
enum { RS_MLP_SQUARED, RS_MLP_BCE, RS_MLP_SOFTMAX };

typedef struct {
    size_t n_layers;                          /* weight layers: hidden + 1 */
    size_t sizes[RS_MLP_MAX_HIDDEN + 2];      /* input, hidden..., outputs (1, or K for softmax) */
    int activation;                           /* RS_ACT_* */
    int loss;                                 /* RS_MLP_* */
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

/* ---- the output layer (mlp_loss.c) ---- */
/* The loss's name in the model, and its code from the name (-1: unknown). */
const char *rs_mlp_loss_name(int loss);
int rs_mlp_loss_code(const char *name);
/* The mean loss of outputs out (n x outputs) against labels y (n; class
 * codes for softmax); with dz non-NULL, its gradient with respect to out
 * into dz (n x outputs). */
double rs_mlp_output_loss(const rs_mlp_shape *shape, const float *out, const float *y, size_t n, float *dz);
/* What rs-predict writes for n rows of outputs: the probability (bce), the
 * K class probabilities (softmax: n x K, each row summing to 1), or the
 * value (squared). */
void rs_mlp_output_scores(const rs_mlp_shape *shape, const float *out, size_t n, double *scores);

/* Quantile points per feature of --scaling quantile: the training
 * column's quantiles at k / (Q - 1), k = 0..Q-1 (scikit-learn's
 * QuantileTransformer takes 1,000; 100 score the same on Online Shoppers). */
enum { RS_MLP_QUANTILES = 100 };

/* How the network sees a row's inputs. */
typedef struct {
    /* (d x RS_MLP_QUANTILES) each feature's training quantiles, ascending:
     * the feature goes through its empirical distribution function first
     * (--scaling quantile); NULL: it does not (zscore) */
    const float *quantiles;
    const float *mean, *scale;   /* (d) then (u - mean) * scale */
} rs_mlp_input;

/* The share u in [0, 1] of the training column at or below x, by linear
 * interpolation between its n quantiles q (ascending); x equal to a run of
 * tied quantiles (a spike such as 0) takes the middle of the run, as
 * scikit-learn's QuantileTransformer does; below q[0] 0, above q[n-1] 1. */
float rs_mlp_quantile_share(const float *q, size_t n, float x);

/* One row's inputs as the network sees them. */
void rs_mlp_standardize(const rs_mlp_input *in, const float *x, size_t d, float *out);

/* A saved network: its shape, flat parameters and input scaling (new
 * arrays the caller frees; *quantiles NULL without --scaling quantile). */
rs_status rs_mlp_load(const rs_model *m, size_t n_features, rs_mlp_shape *shape, float **params,
                      float **mean, float **scale, float **quantiles, rs_error *err);

#endif
