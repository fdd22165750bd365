/* sparse.h — compressed sparse rows (CSR) of float values: interactions
 * (users x items), neighbour lists, TF-IDF rows.  Column indices are
 * sorted within each row and unique. */
#ifndef RS_SPARSE_H
#define RS_SPARSE_H

#include "error.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    size_t n_rows, n_cols;
    int32_t *ptr;     /* (n_rows + 1): row r is [ptr[r], ptr[r + 1]) */
    int32_t *idx;     /* (nnz) column indices */
    float *val;       /* (nnz) */
} rs_csr;

static inline size_t rs_csr_nnz(const rs_csr *m)
{
    return m->ptr ? (size_t)m->ptr[m->n_rows] : 0;
}

/* A CSR from n (row, col, value) triples in any order; duplicates are
 * summed.  Two counting sorts: O(n + rows + cols). */
rs_status rs_csr_from_triples(rs_csr *m, size_t n_rows, size_t n_cols, const int32_t *rows, const int32_t *cols,
                              const float *vals, size_t n, rs_error *err);
/* out = transpose of m (CSC of m, as a CSR). */
rs_status rs_csr_transpose(const rs_csr *m, rs_csr *out, rs_error *err);
/* The same two on up to threads threads: the same bytes for every count. */
rs_status rs_csr_from_triples_j(rs_csr *m, size_t n_rows, size_t n_cols, const int32_t *rows, const int32_t *cols,
                                const float *vals, size_t n, int threads, rs_error *err);
rs_status rs_csr_transpose_j(const rs_csr *m, rs_csr *out, int threads, rs_error *err);
/* m from triples and t its transpose, as the two calls above make them, but
 * t reuses the arrays m was sorted in (less memory to fault in). */
rs_status rs_csr_pair_from_triples_j(rs_csr *m, rs_csr *t, size_t n_rows, size_t n_cols, const int32_t *rows,
                                     const int32_t *cols, const float *vals, size_t n, int threads, rs_error *err);
/* Check a CSR read from a file: monotone offsets, indices in range, sorted. */
rs_status rs_csr_validate(const rs_csr *m, const char *what, rs_error *err);
void rs_csr_free(rs_csr *m);
/* The position of (row, col) in idx/val by binary search, or -1. */
int32_t rs_csr_find(const rs_csr *m, size_t row, int32_t col);

#endif
