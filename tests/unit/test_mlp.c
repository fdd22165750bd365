/* The mlp's backward pass against central finite differences of its
 * forward pass: every parameter, three activations, both losses, and with
 * dropout (the same seed gives the same mask in every call). */
#include "models/mlp.h"
#include "tap.h"

#include <math.h>

static int check_gradient(int activation, int bce, float dropout, const char *what)
{
    rs_mlp_shape shape = {3, {4, 5, 3, 1}, activation, bce};
    size_t np = rs_mlp_n_params(&shape), n = 6;
    float *params = malloc(np * sizeof *params), *grad = malloc(np * sizeof *grad);
    float *scratch = malloc(np * sizeof *scratch);
    float x[6 * 4], y[6];
    rs_rng rng;
    rs_rng_seed(&rng, 7);
    for (size_t i = 0; i < np; i++)
        params[i] = (float)(rs_rng_uniform(&rng) * 1.6 - 0.8);
    for (size_t i = 0; i < n * 4; i++)
        x[i] = (float)(rs_rng_uniform(&rng) * 4 - 2);
    for (size_t i = 0; i < n; i++)
        y[i] = bce ? (float)(i % 2) : (float)(rs_rng_uniform(&rng) * 3 - 1);
    rs_mlp_work *work = rs_mlp_work_new(&shape, n);
    rs_rng mask_rng;
    rs_rng_seed(&mask_rng, 99);
    rs_mlp_loss_grad(&shape, params, x, y, n, grad, work, dropout, &mask_rng);
    size_t bad = 0;
    double worst = 0;
    const float eps = 1e-2f;
    for (size_t i = 0; i < np; i++) {
        float saved = params[i];
        params[i] = saved + eps;
        rs_rng_seed(&mask_rng, 99);
        double up = rs_mlp_loss_grad(&shape, params, x, y, n, scratch, work, dropout, &mask_rng);
        params[i] = saved - eps;
        rs_rng_seed(&mask_rng, 99);
        double down = rs_mlp_loss_grad(&shape, params, x, y, n, scratch, work, dropout, &mask_rng);
        params[i] = saved;
        double numeric = (up - down) / (2 * (double)eps), diff = fabs(numeric - grad[i]);
        worst = diff > worst ? diff : worst;
        bad += diff > 2e-3 + 2e-2 * fabs(numeric);
    }
    CHECK(bad == 0, "%s: %zu parameters, analytic = numeric gradient (worst |diff| %.2g, %zu off)", what, np,
          worst, bad);
    rs_mlp_work_free(work);
    free(params), free(grad), free(scratch);
    return bad == 0;
}

int main(void)
{
    check_gradient(RS_ACT_TANH, 1, 0, "tanh, bce");
    check_gradient(RS_ACT_SIGMOID, 0, 0, "sigmoid, squared");
    check_gradient(RS_ACT_RELU, 1, 0, "relu, bce");
    check_gradient(RS_ACT_TANH, 0, 0.3f, "tanh, squared, dropout 0.3");

    /* The loss itself: one layer, no hidden units, known logit. */
    rs_mlp_shape linear = {1, {2, 1}, RS_ACT_RELU, 1};
    float params[3] = {1.0f, -2.0f, 0.5f}, x[2] = {3.0f, 1.0f}, y[1] = {1.0f}, grad[3];
    rs_mlp_work *work = rs_mlp_work_new(&linear, 1);
    double loss = rs_mlp_loss_grad(&linear, params, x, y, 1, grad, work, 0, NULL);
    double z = 3 - 2 + 0.5, expect = log1p(exp(-z)), slope = 1 / (1 + exp(-z)) - 1;
    CHECK(fabs(loss - expect) < 1e-6, "bce of logit 1.5 for y=1 is log(1+e^-1.5) = %.6f (got %.6f)", expect, loss);
    CHECK(fabs(grad[0] - 3 * slope) < 1e-6 && fabs(grad[1] - slope) < 1e-6 && fabs(grad[2] - slope) < 1e-6,
          "its gradient is (sigmoid(z) - y) [x, 1]");
    rs_mlp_work_free(work);

    /* --scaling quantile's share, by hand, the same as scikit-learn's
     * QuantileTransformer interpolation (0.5 (interp(x, q, r) -
     * interp(-x, -q[::-1], -r[::-1])), r = 0, 1/4 .. 1): a tied run of
     * quantiles gives the middle of its shares. */
    const float q[5] = {0, 0, 0, 1, 2};
    const float at[7] = {-1, 0, 0.5f, 1, 1.5f, 2, 3}, share[7] = {0, 0.25f, 0.625f, 0.75f, 0.875f, 1, 1};
    int same = 1;
    for (int i = 0; i < 7; i++)
        same &= fabsf(rs_mlp_quantile_share(q, 5, at[i]) - share[i]) < 1e-6f;
    CHECK(same, "quantile share of -1 0 0.5 1 1.5 2 3 in {0,0,0,1,2}: 0 .25 .625 .75 .875 1 1");
    /* the network's view: the share, then (u - mean) * scale; NULL quantiles: x itself */
    float qs[2 * RS_MLP_QUANTILES], mean[2] = {0.5f, 1}, scale[2] = {2, 3}, out[2];
    for (int k = 0; k < RS_MLP_QUANTILES; k++)   /* feature 0: 0..99, feature 1: 10 x that */
        qs[k] = (float)k, qs[RS_MLP_QUANTILES + k] = 10.0f * (float)k;
    rs_mlp_input in = {qs, mean, scale};
    rs_mlp_standardize(&in, (const float[]){49.5f, 990}, 2, out);
    CHECK(fabsf(out[0] - 0) < 1e-6f && fabsf(out[1] - 0) < 1e-6f,
          "quantile view: (0.5 - 0.5) * 2 = 0 and (1 - 1) * 3 = 0 (got %g %g)", out[0], out[1]);
    in.quantiles = NULL;
    rs_mlp_standardize(&in, (const float[]){1.5f, 2}, 2, out);
    CHECK(fabsf(out[0] - 2) < 1e-6f && fabsf(out[1] - 3) < 1e-6f, "zscore view: (1.5 - 0.5) * 2 = 2, (2 - 1) * 3 = 3");
    return tap_done();
}
