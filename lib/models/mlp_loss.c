/* mlp_loss.c — the mlp's output layer (mlp.h): its loss and the gradient
 * with respect to its outputs, and the scores rs-predict writes from them.
 * Squared and bce have one output unit; softmax has one per class:
 *
 *   p_k = exp(z_k - m) / sum_j exp(z_j - m),  m = max_j z_j
 *   loss = log sum_j exp(z_j - m) + m - z_y,  d loss / d z_k = p_k - [k = y]
 *
 * in double (the shift by the maximum keeps exp in range for any logits). */
#include "models/mlp.h"

#include "logistic.h"

#include <math.h>
#include <string.h>

static const char *const loss_names[] = {"squared", "bce", "softmax"};

const char *rs_mlp_loss_name(int loss)
{
    return loss_names[loss];
}

int rs_mlp_loss_code(const char *name)
{
    for (int k = 0; k < (int)(sizeof loss_names / sizeof loss_names[0]); k++)
        if (!strcmp(name, loss_names[k]))
            return k;
    return -1;
}

/* One row's softmax: the class probabilities into p (K), and log sum_j exp(z_j). */
static double softmax_row(const float *z, size_t K, double *p)
{
    for (size_t k = 0; k < K; k++)
        p[k] = z[k];
    return rs_softmax(p, K, p);
}

/* Softmax's mean cross-entropy; dz (n x K) its gradient, p - onehot(y), / n. */
static double softmax_loss(const float *out, const float *y, size_t n, size_t K, float *dz)
{
    double loss = 0, p[RS_MAX_CLASSES];
    for (size_t i = 0; i < n; i++) {
        const float *z = out + i * K;
        size_t label = (size_t)y[i];
        loss += softmax_row(z, K, p) - z[label];
        for (size_t k = 0; dz && k < K; k++)
            dz[i * K + k] = (float)((p[k] - (k == label)) / (double)n);
    }
    return loss / (double)n;
}

double rs_mlp_output_loss(const rs_mlp_shape *shape, const float *out, const float *y, size_t n, float *dz)
{
    if (shape->loss == RS_MLP_SOFTMAX)
        return softmax_loss(out, y, n, shape->sizes[shape->n_layers], dz);
    double loss = 0;
    for (size_t i = 0; i < n; i++) {
        double z = out[i];
        if (shape->loss == RS_MLP_BCE) {
            double margin = y[i] > 0.5f ? z : -z;
            loss += rs_log1p_exp_neg(margin);
            if (dz)
                dz[i] = (float)((rs_sigmoid(z) - y[i]) / (double)n);
        } else {
            loss += 0.5 * (z - y[i]) * (z - y[i]);
            if (dz)
                dz[i] = (float)((z - y[i]) / (double)n);
        }
    }
    return loss / (double)n;
}

void rs_mlp_output_scores(const rs_mlp_shape *shape, const float *out, size_t n, double *scores)
{
    size_t K = shape->sizes[shape->n_layers];
    for (size_t i = 0; i < n; i++) {
        if (shape->loss == RS_MLP_SOFTMAX)
            softmax_row(out + i * K, K, scores + i * K);
        else
            scores[i] = shape->loss == RS_MLP_BCE ? rs_sigmoid(out[i]) : out[i];
    }
}
