/* sparse.c — see sparse.h. */
#include "sparse.h"

#include <stdlib.h>
#include <string.h>

void rs_csr_free(rs_csr *m)
{
    free(m->ptr), free(m->idx), free(m->val);
    memset(m, 0, sizeof *m);
}

static rs_status csr_alloc(rs_csr *m, size_t n_rows, size_t n_cols, size_t nnz, rs_error *err)
{
    if (nnz > INT32_MAX)
        return rs_error_set(err, RS_EDATA, NULL, 0, "%zu non-zeros: more than 2^31 - 1", nnz);
    m->n_rows = n_rows, m->n_cols = n_cols;
    m->ptr = calloc(n_rows + 1, sizeof *m->ptr);
    m->idx = malloc((nnz + 1) * sizeof *m->idx);
    m->val = malloc((nnz + 1) * sizeof *m->val);
    if (!m->ptr || !m->idx || !m->val) {
        rs_csr_free(m);
        return rs_error_nomem(err);
    }
    return RS_OK;
}

rs_status rs_csr_transpose(const rs_csr *m, rs_csr *out, rs_error *err)
{
    size_t nnz = rs_csr_nnz(m);
    if (csr_alloc(out, m->n_cols, m->n_rows, nnz, err) != RS_OK)
        return err->code;
    for (size_t k = 0; k < nnz; k++)
        out->ptr[m->idx[k] + 1]++;
    for (size_t c = 0; c < m->n_cols; c++)
        out->ptr[c + 1] += out->ptr[c];
    int32_t *next = malloc((m->n_cols + 1) * sizeof *next);
    if (!next) {
        rs_csr_free(out);
        return rs_error_nomem(err);
    }
    memcpy(next, out->ptr, m->n_cols * sizeof *next);
    for (size_t r = 0; r < m->n_rows; r++)   /* rows in order: columns come out sorted */
        for (int32_t k = m->ptr[r]; k < m->ptr[r + 1]; k++) {
            int32_t at = next[m->idx[k]]++;
            out->idx[at] = (int32_t)r;
            out->val[at] = m->val[k];
        }
    free(next);
    return RS_OK;
}

rs_status rs_csr_from_triples(rs_csr *m, size_t n_rows, size_t n_cols, const int32_t *rows, const int32_t *cols,
                              const float *vals, size_t n, rs_error *err)
{
    /* Bucket by column first, then stably by row: each row's columns sorted. */
    rs_csr by_col = {0}, by_row = {0};
    if (csr_alloc(&by_col, n_cols, n_rows, n, err) != RS_OK)
        return err->code;
    for (size_t k = 0; k < n; k++)
        by_col.ptr[cols[k] + 1]++;
    for (size_t c = 0; c < n_cols; c++)
        by_col.ptr[c + 1] += by_col.ptr[c];
    int32_t *next = malloc((n_cols + 1) * sizeof *next);
    if (!next) {
        rs_csr_free(&by_col);
        return rs_error_nomem(err);
    }
    memcpy(next, by_col.ptr, n_cols * sizeof *next);
    for (size_t k = 0; k < n; k++) {
        int32_t at = next[cols[k]]++;
        by_col.idx[at] = rows[k];
        by_col.val[at] = vals ? vals[k] : 1.0f;
    }
    free(next);
    rs_status st = rs_csr_transpose(&by_col, &by_row, err);
    rs_csr_free(&by_col);
    if (st != RS_OK)
        return st;
    /* Sum duplicates in place. */
    int32_t write = 0;
    for (size_t r = 0; r < n_rows; r++) {
        int32_t start = by_row.ptr[r], end = by_row.ptr[r + 1];
        by_row.ptr[r] = write;
        for (int32_t k = start; k < end; k++) {
            if (write > by_row.ptr[r] && by_row.idx[write - 1] == by_row.idx[k]) {
                by_row.val[write - 1] += by_row.val[k];
            } else {
                by_row.idx[write] = by_row.idx[k];
                by_row.val[write++] = by_row.val[k];
            }
        }
    }
    by_row.ptr[n_rows] = write;
    *m = by_row;
    return RS_OK;
}

rs_status rs_csr_validate(const rs_csr *m, const char *what, rs_error *err)
{
    if (m->ptr[0] != 0)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's %s does not start at 0", what);
    for (size_t r = 0; r < m->n_rows; r++) {
        if (m->ptr[r + 1] < m->ptr[r])
            return rs_error_set(err, RS_EDATA, NULL, 0, "the model's %s has decreasing offsets", what);
        for (int32_t k = m->ptr[r]; k < m->ptr[r + 1]; k++)
            if (m->idx[k] < 0 || (size_t)m->idx[k] >= m->n_cols || (k > m->ptr[r] && m->idx[k] <= m->idx[k - 1]))
                return rs_error_set(err, RS_EDATA, NULL, 0, "the model's %s has an index out of range or order",
                                    what);
    }
    return RS_OK;
}

int32_t rs_csr_find(const rs_csr *m, size_t row, int32_t col)
{
    int32_t lo = m->ptr[row], hi = m->ptr[row + 1];
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (m->idx[mid] < col)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->ptr[row + 1] && m->idx[lo] == col ? lo : -1;
}
