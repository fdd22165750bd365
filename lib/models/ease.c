/* ease.c — Steck's EASE (2019): the item-item weights B minimising
 * |X - XB|^2 + l2 |B|^2 subject to diag(B) = 0, in closed form:
 *   P = (X'X + l2 I)^-1,  B_ij = -P_ij / P_jj (i != j),  B_jj = 0.
 * X'X from dense blocks of users through ssyrk (counts: exact in float up
 * to 2^24 users per pair); P by Cholesky (spotrf, spotri) with OpenBLAS on
 * -j threads.  Memory: 4 n_items^2 bytes while training and in the model. */
#include "../blas.h"
#include "../reco.h"

#include <stdlib.h>
#include <string.h>

enum { USER_BLOCK = 256, MAX_ITEMS = 32768 };

rs_status rs_ease_train(const rs_reco_data *d, rs_model *m, rs_error *err)
{
    size_t n = d->ui.n_cols, n_users = d->ui.n_rows;
    double l2 = d->p->l2 >= 0 ? d->p->l2 : 500;
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
    rs_blas_threads(d->p->threads);
    for (size_t u0 = 0; u0 < n_users; u0 += USER_BLOCK) {
        size_t rows = n_users - u0 < USER_BLOCK ? n_users - u0 : USER_BLOCK;
        memset(block, 0, rows * n * sizeof *block);
        for (size_t r = 0; r < rows; r++)
            for (int32_t k = d->ui.ptr[u0 + r]; k < d->ui.ptr[u0 + r + 1]; k++)
                block[r * n + (size_t)d->ui.idx[k]] = d->ui.val[k];
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)n, (int)rows, 1.0f, block, (int)n, 1.0f, gram, (int)n);
    }
    for (size_t j = 0; j < n; j++)
        gram[j * n + j] += (float)l2;
    int nn = (int)n, info = 0;
    spotrf_("L", &nn, gram, &nn, &info);
    if (info == 0)
        spotri_("L", &nn, gram, &nn, &info);
    rs_blas_threads(1);
    free(block);
    rs_status st = RS_OK;
    if (info != 0) {
        free(gram);
        return rs_error_set(err, RS_EDATA, NULL, 0, "ease: X'X + l2 I is not positive definite (raise --l2)");
    } else {
        for (size_t i = 0; i < n; i++)   /* the upper triangle holds the inverse */
            for (size_t j = i + 1; j < n; j++)
                gram[j * n + i] = gram[i * n + j];
        /* row j of B, in place: what item j contributes to every item i */
        float *diag = malloc(n * sizeof *diag);
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
        if (rs_model_set_f64(m, "l2", l2, err))
            st = err->code;
    }
    if (st == RS_OK)
        return rs_model_adopt_tensor(m, "weights", gram, n, n, err);
    free(gram);
    return st;
}
