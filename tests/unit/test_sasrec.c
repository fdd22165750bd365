/* SASRec's backward pass against central finite differences of its forward
 * pass: every parameter of a tiny two-block model, both losses (sampled
 * negatives, full softmax), with and without dropout (the same seed gives
 * the same masks in every call); and the causal mask: a row's output does
 * not depend on later items. */
#include "models/sasrec.h"
#include "tap.h"

#include <math.h>

/* three sequences of lengths 4, 2, 1 over 7 items; maxlen 4 */
static const size_t start[] = {0, 4, 6, 7};
static const int32_t item[] = {0, 3, 5, 2, 6, 1, 4};
static const int32_t target[] = {3, 5, 2, 6, 1, -1, 0};
static const int32_t negative[] = {1, 4, 2, 6, 0, 5, 3, 1, 4, 2, 0, 3, 6, 5};

static int check_gradient(size_t n_neg, float dropout, const char *what)
{
    rs_sasrec_shape shape = {7, 4, 2, 4};
    rs_sasrec_layout layout;
    rs_sasrec_layout_of(&shape, &layout);
    size_t np = layout.total;
    float *params = malloc(np * sizeof *params), *grad = malloc(np * sizeof *grad);
    float *scratch = malloc(np * sizeof *scratch);
    rs_rng rng;
    rs_rng_seed(&rng, 5);
    rs_sasrec_init(&shape, params, &rng);
    for (size_t i = 0; i < np; i++)   /* gains and biases away from 1 and 0 too */
        params[i] += (float)(rs_rng_uniform(&rng) * 0.6 - 0.3);
    rs_sasrec_batch batch = {3, start, item, target, negative, n_neg, 0};
    rs_sasrec_work *work = rs_sasrec_work_new(&shape, 3, 1);
    rs_rng mask_rng;
    rs_rng_seed(&mask_rng, 99);
    rs_sasrec_loss_grad(&shape, params, &batch, grad, work, dropout, &mask_rng);
    size_t bad = 0;
    double worst = 0;
    const float eps = 1e-3f;
    for (size_t i = 0; i < np; i++) {
        float saved = params[i];
        params[i] = saved + eps;
        rs_rng_seed(&mask_rng, 99);
        double up = rs_sasrec_loss_grad(&shape, params, &batch, scratch, work, dropout, &mask_rng);
        params[i] = saved - eps;
        rs_rng_seed(&mask_rng, 99);
        double down = rs_sasrec_loss_grad(&shape, params, &batch, scratch, work, dropout, &mask_rng);
        params[i] = saved;
        double numeric = (up - down) / (2 * (double)eps), diff = fabs(numeric - grad[i]);
        worst = diff > worst ? diff : worst;
        bad += diff > 5e-4 + 1e-2 * fabs(numeric);   /* eps 1e-3: few relu kinks crossed */
    }
    CHECK(bad == 0, "%s: %zu parameters, analytic = numeric gradient (worst |diff| %.2g, %zu off)", what, np,
          worst, bad);
    rs_sasrec_work_free(work);
    free(params), free(grad), free(scratch);
    return bad == 0;
}

/* Row i of a sequence sees items 0..i only: changing the last item leaves
 * the earlier rows' outputs as they were. */
static void check_causal(void)
{
    rs_sasrec_shape shape = {7, 4, 2, 4};
    rs_sasrec_layout layout;
    rs_sasrec_layout_of(&shape, &layout);
    float *params = malloc(layout.total * sizeof *params), before[16];
    rs_rng rng;
    rs_rng_seed(&rng, 3);
    rs_sasrec_init(&shape, params, &rng);
    rs_sasrec_work *work = rs_sasrec_work_new(&shape, 1, 0);
    size_t one[] = {0, 4};
    int32_t seq[] = {0, 3, 5, 2};
    rs_sasrec_batch batch = {1, one, seq, NULL, NULL, 0, 0};
    memcpy(before, rs_sasrec_forward(&shape, params, &batch, work, 0, NULL), sizeof before);
    seq[3] = 6;
    const float *after = rs_sasrec_forward(&shape, params, &batch, work, 0, NULL);
    CHECK(!memcmp(before, after, 12 * sizeof *after), "causal: rows 0..2 unchanged when item 3 changes");
    CHECK(memcmp(before + 12, after + 12, 4 * sizeof *after) != 0, "row 3 changes with its own item");
    rs_sasrec_work_free(work);
    free(params);
}

/* Scoring's shortcut (last_only: the last block for the last rows only)
 * gives the last rows of the full forward pass, with 2 blocks and with 1. */
static void check_last_only(size_t blocks)
{
    rs_sasrec_shape shape = {7, 8, blocks, 4};
    rs_sasrec_layout layout;
    rs_sasrec_layout_of(&shape, &layout);
    float *params = malloc(layout.total * sizeof *params), full[3 * 8];
    rs_rng rng;
    rs_rng_seed(&rng, 11);
    rs_sasrec_init(&shape, params, &rng);
    rs_sasrec_work *work = rs_sasrec_work_new(&shape, 3, 0);
    rs_sasrec_batch batch = {3, start, item, NULL, NULL, 0, 0};
    const float *z = rs_sasrec_forward(&shape, params, &batch, work, 0, NULL);
    for (size_t b = 0; b < 3; b++)
        memcpy(full + b * 8, z + (start[b + 1] - 1) * 8, 8 * sizeof *z);
    batch.last_only = 1;
    z = rs_sasrec_forward(&shape, params, &batch, work, 0, NULL);
    double worst = 0;
    for (size_t i = 0; i < 3 * 8; i++)
        worst = fmax(worst, fabs((double)z[i] - full[i]));
    CHECK(worst < 1e-5, "%zu blocks: last_only rows = the full pass's last rows (worst |diff| %.2g)", blocks, worst);
    rs_sasrec_work_free(work);
    free(params);
}

int main(void)
{
    check_gradient(2, 0, "two sampled negatives");
    check_gradient(0, 0, "softmax over every item");
    check_gradient(1, 0.3f, "one negative, dropout 0.3");
    check_gradient(0, 0.2f, "softmax, dropout 0.2");
    check_causal();
    check_last_only(2);
    check_last_only(1);
    check_last_only(0);
    return tap_done();
}
