/* ease.c — Steck's EASE (2019): the item-item weights B minimising
 * |X - XB|^2 + l2 |B|^2 subject to diag(B) = 0, in closed form:
 *   P = (X'X + l2 I)^-1,  B_ij = -P_ij / P_jj (i != j),  B_jj = 0.
 * X'X from dense blocks of users through ssyrk (counts: exact in float up
 * to 2^24 users per pair); P by Cholesky (spotrf, spotri) with OpenBLAS on
 * -j threads.  Memory: 4 n_items^2 bytes while training and in the model.
 *
 * The default l2 fits the data (issue 18): 10 times the mean diagonal of
 * X'X, which is the mean number of users per item for 0/1 values.  The
 * penalty then weighs like ten users on every item however large the
 * log: on MovieLens 100K (45.9 users per item) it is 459 where the grid's
 * best is 300 to 500 (NDCG@10 0.484); on MovieLens latest-small (9.0 per
 * item) 90, where 90, 200 and 500 give 0.3705, 0.3699 and 0.3690.  The
 * value used is recorded in the model (l2). */
#include "blas.h"
#include "models/ease.h"
#include "models/kind.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { USER_BLOCK = 256, MAX_ITEMS = 32768 };

rs_status rs_ease_weights(const rs_csr *ui, int binary, double l2, int threads, float **weights, double *l2_used,
                          rs_error *err)
{
    size_t n = ui->n_cols, n_users = ui->n_rows;
    if (n > MAX_ITEMS)
        return rs_error_set(err, RS_EDATA, NULL, 0,
                            "ease holds an n_items x n_items matrix: %zu items would need %.1f GB (at most %d items; "
                            "keep the popular ones with rs-clean, or use als)", n, 4.0 * (double)n * (double)n / 1e9,
                            MAX_ITEMS);
    float *gram = calloc(n * n, sizeof *gram), *block = malloc(USER_BLOCK * n * sizeof *block);
    if (!gram || !block) {
        free(gram), free(block);
        return rs_error_nomem(err);
    }
    rs_blas_threads(threads);
    for (size_t u0 = 0; u0 < n_users; u0 += USER_BLOCK) {
        size_t rows = n_users - u0 < USER_BLOCK ? n_users - u0 : USER_BLOCK;
        memset(block, 0, rows * n * sizeof *block);
        for (size_t r = 0; r < rows; r++)
            for (int32_t k = ui->ptr[u0 + r]; k < ui->ptr[u0 + r + 1]; k++)
                block[r * n + (size_t)ui->idx[k]] = binary ? 1.0f : ui->val[k];
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)n, (int)rows, 1.0f, block, (int)n, 1.0f, gram, (int)n);
    }
    if (!(l2 > 0)) {   /* not given: 10 x the mean diagonal */
        double diag = 0;
        for (size_t j = 0; j < n; j++)
            diag += gram[j * n + j];
        l2 = n > 0 && diag > 0 ? 10 * diag / (double)n : 10;
    }
    for (size_t j = 0; j < n; j++)
        gram[j * n + j] += (float)l2;
    int nn = (int)n, info = 0;
    spotrf_("L", &nn, gram, &nn, &info);
    if (info == 0)
        spotri_("L", &nn, gram, &nn, &info);
    rs_blas_threads(1);
    free(block);
    if (info != 0) {
        free(gram);
        return rs_error_set(err, RS_EDATA, NULL, 0, "ease: X'X + l2 I is not positive definite (raise --l2)");
    }
    for (size_t i = 0; i < n; i++)   /* the upper triangle holds the inverse */
        for (size_t j = i + 1; j < n; j++)
            gram[j * n + i] = gram[i * n + j];
    /* row j of B, in place: what item j contributes to every item i */
    float *diag = malloc((n + 1) * sizeof *diag);
    if (!diag) {
        free(gram);
        return rs_error_nomem(err);
    }
    for (size_t i = 0; i < n; i++)
        diag[i] = gram[i * n + i];
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++)
            gram[j * n + i] = i == j ? 0.0f : -gram[j * n + i] / diag[i];
    free(diag);
    *weights = gram;
    *l2_used = l2;
    return RS_OK;
}

static rs_status ease_train(rs_reco_data *d, rs_model *m, rs_error *err)
{
    float *weights = NULL;
    double l2 = 0;
    if (rs_ease_weights(&d->ui, 0, d->p->l2, d->p->threads, &weights, &l2, err) != RS_OK)
        return err->code;
    if (rs_model_set_f64(m, "l2", l2, err) != RS_OK) {
        free(weights);
        return err->code;
    }
    return rs_model_adopt_tensor(m, "weights", weights, d->ui.n_cols, d->ui.n_cols, err);
}

/* ---- scoring: the history row times B, a block of users by one sgemm ---- */

extern const rs_kind rs_kind_ease;

static void *ease_load(const rs_reco_base *b, rs_error *err)
{
    return (void *)rs_model_need(b->model, "weights", b->n_items, b->n_items, err);
}

/* The dense histories of a block: RS_RECO_BLOCK x n_items floats. */
static void *ease_work_new(const rs_reco_base *b, const void *state)
{
    (void)state;
    return malloc((RS_RECO_BLOCK * b->n_items + 1) * sizeof(float));
}

static void ease_score_block(const rs_reco_base *b, const void *state, const rs_reco_query *q, size_t n,
                             float *scores, void *work)
{
    const float *weights = state;   /* (n_items x n_items) */
    float *block = work;            /* (n x n_items) */
    memset(block, 0, n * b->n_items * sizeof *block);
    for (size_t i = 0; i < n; i++) {
        const int32_t *items;
        const float *values;
        if (rs_reco_source(b, &q[i]) < 0)
            continue;
        size_t h = rs_reco_history(b, &q[i], &items, &values);
        for (size_t t = 0; t < h; t++)
            block[i * b->n_items + (size_t)items[t]] = values[t];
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)b->n_items, (int)b->n_items, 1.0f, block,
                (int)b->n_items, weights, (int)b->n_items, 0.0f, scores, (int)b->n_items);
}

static float ease_contribution(const rs_reco_base *b, const void *state, int32_t j, int32_t item)
{
    const float *weights = state;
    return weights[(size_t)j * b->n_items + (size_t)item];
}

static float ease_score_pair(const rs_reco_base *b, const void *state, const rs_reco_query *q, int32_t item,
                             void *work)
{
    (void)work;
    return rs_reco_pair_from_history(b, &rs_kind_ease, state, q, item);
}

static void ease_similar(const rs_reco_base *b, const void *state, int32_t item, float *scores)
{
    const float *weights = state;
    memcpy(scores, weights + (size_t)item * b->n_items, b->n_items * sizeof *scores);
}

static const rs_kind_option ease_options[] = {
    {"l2", NULL, 0, INFINITY, 1, 0, RS_SEARCH_LOG, 1, 10000, "10 x mean users per item (mean diagonal of X'X)",
     RS_SHARED},
    {NULL},
};

const rs_kind rs_kind_ease = {
    .name = "ease",
    .family = RS_FAMILY_RECOMMENDER,
    .summary = "implicit: Steck's linear autoencoder, closed form (--l2)",
    .options = ease_options,
    .flags = RS_KIND_FOLDS_IN,
    .quick_args = "",
    .train_interactions = ease_train,
    .reco_load = ease_load,
    .work_new = ease_work_new,
    .work_free = free,
    .score_block = ease_score_block,
    .score_pair = ease_score_pair,
    .contribution = ease_contribution,
    .similar = ease_similar,
};
