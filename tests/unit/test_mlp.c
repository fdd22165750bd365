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
    return tap_done();
}
