/* ease.c — Steck's EASE (2019): the item-item weights B minimising
 * |X - XB|^2 + l2 |B|^2 subject to diag(B) = 0, in closed form:
 *   P = (X'X + l2 I)^-1,  B_ij = -P_ij / P_jj (i != j),  B_jj = 0.
 * X'X from dense blocks of users through dsyrk; P by Cholesky (dpotrf,
 * dpotri) in double.  Memory: 8 n_items^2 bytes while training, 4 n_items^2
 * in the model. */
#include "../blas.h"
#include "../reco.h"

#include <stdlib.h>
#include <string.h>

enum { USER_BLOCK = 256, MAX_ITEMS = 16384 };

rs_status rs_ease_train(const rs_reco_data *d, rs_model *m, rs_error *err)
{
    size_t n = d->ui.n_cols, n_users = d->ui.n_rows;
    double l2 = d->p->l2 >= 0 ? d->p->l2 : 500;
    if (n > MAX_ITEMS)
        return rs_error_set(err, RS_EDATA, NULL, 0,
                            "ease holds an n_items x n_items matrix: %zu items would need %.1f GB (at most %d items; "
                            "keep the popular ones with rs-clean, or use als)", n, 8.0 * (double)n * (double)n / 1e9,
                            MAX_ITEMS);
    double *gram = calloc(n * n, sizeof *gram), *block = malloc(USER_BLOCK * n * sizeof *block);
    float *weights = malloc(n * n * sizeof *weights);
    if (!gram || !block || !weights) {
        free(gram), free(block), free(weights);
        return rs_error_nomem(err);
    }
    for (size_t u0 = 0; u0 < n_users; u0 += USER_BLOCK) {
        size_t rows = n_users - u0 < USER_BLOCK ? n_users - u0 : USER_BLOCK;
        memset(block, 0, rows * n * sizeof *block);
        for (size_t r = 0; r < rows; r++)
            for (int32_t k = d->ui.ptr[u0 + r]; k < d->ui.ptr[u0 + r + 1]; k++)
                block[r * n + (size_t)d->ui.idx[k]] = d->ui.val[k];
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)n, (int)rows, 1.0, block, (int)n, 1.0, gram, (int)n);
    }
    for (size_t j = 0; j < n; j++)
        gram[j * n + j] += l2;
    int nn = (int)n, info = 0;
    dpotrf_("L", &nn, gram, &nn, &info);
    if (info == 0)
        dpotri_("L", &nn, gram, &nn, &info);
    rs_status st = RS_OK;
    if (info != 0) {
        st = rs_error_set(err, RS_EDATA, NULL, 0, "ease: X'X + l2 I is not positive definite (raise --l2)");
    } else {
        for (size_t i = 0; i < n; i++)   /* the upper triangle holds the inverse */
            for (size_t j = i + 1; j < n; j++)
                gram[j * n + i] = gram[i * n + j];
        /* row j of B: what item j contributes to every item i */
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < n; i++)
                weights[j * n + i] = i == j ? 0.0f : (float)(-gram[j * n + i] / gram[i * n + i]);
        if (rs_model_set_f64(m, "l2", l2, err))
            st = err->code;
    }
    free(gram), free(block);
    if (st == RS_OK)
        return rs_model_adopt_tensor(m, "weights", weights, n, n, err);
    free(weights);
    return st;
}
