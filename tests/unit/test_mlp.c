/* The mlp's backward pass against central finite differences of its
 * forward pass: every parameter, three activations, the three losses
 * (bce, squared, softmax over 4 classes), and with dropout (the same seed
 * gives the same mask in every call). */
#include "models/mlp.h"
#include "tap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int check_gradient(int activation, int loss, float dropout, const char *what)
{
    size_t K = loss == RS_MLP_SOFTMAX ? 4 : 1;
    rs_mlp_shape shape = {3, {4, 5, 3, K}, activation, loss};
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
        y[i] = loss == RS_MLP_SOFTMAX ? (float)(i % K)   /* every class, two twice */
               : loss == RS_MLP_BCE ? (float)(i % 2) : (float)(rs_rng_uniform(&rng) * 3 - 1);
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

/* Softmax by hand: no hidden layer, 2 inputs, 3 classes. */
static void check_softmax_known_answer(void)
{
    /* W (2 x 3) then b (3): logits z = x W + b for x = (1, 2) are
     * (1 + 0 + 0, 0 + 2 + 0, -1 + 2 + 1) = (1, 2, 2) */
    rs_mlp_shape shape = {1, {2, 3}, RS_ACT_RELU, RS_MLP_SOFTMAX};
    float params[9] = {1, 0, -1, 0, 1, 1, 0, 0, 1}, x[2] = {1, 2}, y[1] = {0}, grad[9];
    rs_mlp_work *work = rs_mlp_work_new(&shape, 1);
    double loss = rs_mlp_loss_grad(&shape, params, x, y, 1, grad, work, 0, NULL);
    /* loss = log(e + 2 e^2) - 1; p = (e, e^2, e^2) / (e + 2 e^2) */
    double s = exp(1) + 2 * exp(2), p[3] = {exp(1) / s, exp(2) / s, exp(2) / s};
    CHECK(fabs(loss - (log(s) - 1)) < 1e-6, "softmax loss of logits (1,2,2), class 0: log(e + 2e^2) - 1 = %.6f (got %.6f)",
          log(s) - 1, loss);
    double worst = 0;
    for (int k = 0; k < 3; k++) {   /* dW[j][k] = x_j (p_k - [k = 0]), db_k = p_k - [k = 0] */
        double r = p[k] - (k == 0);
        worst = fmax(worst, fabs(grad[k] - 1 * r));
        worst = fmax(worst, fabs(grad[3 + k] - 2 * r));
        worst = fmax(worst, fabs(grad[6 + k] - r));
    }
    CHECK(worst < 1e-6, "its gradient is x (p - onehot(y)) and p - onehot(y) (worst |diff| %.2g)", worst);
    const float *out = rs_mlp_forward(&shape, params, x, 1, work, 0, NULL);
    double probs[3];
    rs_mlp_output_scores(&shape, out, 1, probs);
    CHECK(fabs(probs[0] - p[0]) < 1e-7 && fabs(probs[1] - p[1]) < 1e-7 && fabs(probs[2] - p[2]) < 1e-7,
          "scores are the probabilities (%.6f %.6f %.6f)", p[0], p[1], p[2]);
    rs_mlp_work_free(work);
    /* logits far beyond exp's range: still probabilities summing to 1, a finite loss */
    rs_mlp_shape wide = {1, {1, 3}, RS_ACT_RELU, RS_MLP_SOFTMAX};
    const float huge[6] = {1000, -1000, 999, -5e30f, 5e30f, 5e30f};
    const float label[2] = {2, 0};
    double pr[6], sum0 = 0, sum1 = 0;
    rs_mlp_output_scores(&wide, huge, 2, pr);
    for (int k = 0; k < 3; k++)
        sum0 += pr[k], sum1 += pr[3 + k];
    double big = rs_mlp_output_loss(&wide, huge, label, 2, NULL);
    /* row 0: log(1 + e^-2000 + e^-1) + 1000 - 999 = 1 + log(1 + e^-1); row 1: log 2 + 1e31 (in float: 1e31) */
    CHECK(fabs(sum0 - 1) < 1e-12 && fabs(sum1 - 1) < 1e-12 && pr[1] == 0 && fabs(pr[4] - 0.5) < 1e-12,
          "extreme logits: probabilities sum to 1 (row 1: 0, 0.5, 0.5)");
    double expect = (1 + log1p(exp(-1)) + (log(2) + 5e30 + 5e30)) / 2;
    CHECK(isfinite(big) && fabs(big - expect) / expect < 1e-6, "and the loss is finite: %.6g (got %.6g)", expect, big);
}

/* A saved and loaded mlp model with no hidden layer over 2 features and
 * the given keys (scaling NULL: none); K outputs, "classes" c0..c{named-1}
 * when named > 0. */
static rs_model *saved_mlp(const char *scaling, const char *loss, size_t K, size_t named)
{
    rs_error err = {0};
    char path[] = "/tmp/rs-mlp-model.XXXXXX";
    close(mkstemp(path));
    float mean[2] = {0, 0}, scale[2] = {1, 1}, weight[2 * 4] = {0}, bias[4] = {0};
    rs_idmap *classes = rs_idmap_new();
    for (size_t c = 0; c < named; c++) {
        char name[8];
        snprintf(name, sizeof name, "c%zu", c);
        rs_idmap_intern(classes, name, strlen(name), NULL);
    }
    rs_model *m = rs_model_new("mlp");
    int ok = !rs_model_set(m, "hidden", "none", &err) && !rs_model_set(m, "activation", "relu", &err) &&
             !rs_model_set(m, "loss", loss, &err) && (!scaling || !rs_model_set(m, "scaling", scaling, &err)) &&
             (K == 1 || !rs_model_set_i64(m, "n_classes", (int64_t)K, &err)) &&
             (!named || !rs_model_add_ids(m, "classes", classes, &err)) &&
             !rs_model_add_tensor(m, "input_mean", mean, 1, 2, &err) &&
             !rs_model_add_tensor(m, "input_scale", scale, 1, 2, &err) &&
             !rs_model_add_tensor(m, "layer1_weight", weight, 2, K, &err) &&
             !rs_model_add_tensor(m, "layer1_bias", bias, 1, K, &err) && !rs_model_save(m, path, &err);
    rs_model_free(m);
    rs_idmap_free(classes);
    rs_model *l = ok ? rs_model_load(path, &err) : NULL;
    unlink(path);
    return l;
}

/* rows_load on such a model: 1 when it loads, else 0 with the message. */
static int loads(rs_model *m, char *msg, size_t size)
{
    const rs_kind *mlp = rs_kind_find("mlp");
    rs_error err = {0};
    void *state = m ? mlp->rows_load(m, 2, &err) : NULL;
    snprintf(msg, size, "%s", err.msg);
    if (state)
        mlp->unload(state);
    rs_model_free(m);
    return state != NULL;
}

/* Damaged keys of a saved model: a clear error, never a crash. */
static void check_damaged_models(void)
{
    char msg[sizeof ((rs_error *)0)->msg];
    CHECK(loads(saved_mlp(NULL, "squared", 1, 0), msg, sizeof msg), "a whole model loads (%s)", msg);
    CHECK(loads(saved_mlp("quantile", "squared", 1, 0), msg, sizeof msg) == 0 && strstr(msg, "input_quantiles"),
          "scaling quantile without its tensor: '%s'", msg);
    CHECK(loads(saved_mlp("rank", "squared", 1, 0), msg, sizeof msg) == 0 &&
              !strcmp(msg, "the mlp model's scaling 'rank' is unknown (expected quantile)"),
          "a corrupt scaling value: '%s'", msg);
    CHECK(loads(saved_mlp(NULL, "hinge", 1, 0), msg, sizeof msg) == 0 &&
              !strcmp(msg, "the mlp model's activation 'relu' or loss 'hinge' is unknown"),
          "an unknown loss: '%s'", msg);
    CHECK(loads(saved_mlp(NULL, "softmax", 3, 3), msg, sizeof msg), "a softmax model of 3 classes loads (%s)", msg);
    CHECK(loads(saved_mlp(NULL, "softmax", 3, 2), msg, sizeof msg) == 0 &&
              !strcmp(msg, "the mlp model names 2 classes but n_classes is 3"),
          "softmax with fewer class names than outputs: '%s'", msg);
    CHECK(loads(saved_mlp(NULL, "softmax", 3, 0), msg, sizeof msg) == 0 && strstr(msg, "classes"),
          "softmax without its class names: '%s'", msg);
    CHECK(loads(saved_mlp(NULL, "softmax", 1, 0), msg, sizeof msg) == 0 && strstr(msg, "n_classes"),
          "softmax without n_classes: '%s'", msg);
}

int main(void)
{
    check_gradient(RS_ACT_TANH, RS_MLP_BCE, 0, "tanh, bce");
    check_gradient(RS_ACT_SIGMOID, RS_MLP_SQUARED, 0, "sigmoid, squared");
    check_gradient(RS_ACT_RELU, RS_MLP_BCE, 0, "relu, bce");
    check_gradient(RS_ACT_TANH, RS_MLP_SQUARED, 0.3f, "tanh, squared, dropout 0.3");
    check_gradient(RS_ACT_TANH, RS_MLP_SOFTMAX, 0, "tanh, softmax over 4 classes");
    check_gradient(RS_ACT_RELU, RS_MLP_SOFTMAX, 0, "relu, softmax over 4 classes");
    check_gradient(RS_ACT_SIGMOID, RS_MLP_SOFTMAX, 0.3f, "sigmoid, softmax over 4 classes, dropout 0.3");
    check_softmax_known_answer();
    check_damaged_models();

    /* The loss itself: one layer, no hidden units, known logit. */
    rs_mlp_shape linear = {1, {2, 1}, RS_ACT_RELU, RS_MLP_BCE};
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
