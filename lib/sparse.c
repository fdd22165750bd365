/* sparse.c — see sparse.h. */
#include "sparse.h"

#include "mem.h"
#include "threads.h"

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
    m->idx = rs_malloc_huge((nnz + 1) * sizeof *m->idx);
    m->val = rs_malloc_huge((nnz + 1) * sizeof *m->val);
    if (!m->ptr || !m->idx || !m->val) {
        rs_csr_free(m);
        return rs_error_nomem(err);
    }
    return RS_OK;
}

/* Stable parallel bucketing, the one step behind both builds: entries are
 * cut into n_threads ranges in order; each thread counts its range per
 * bucket, the counts are laid out bucket by bucket and thread by thread
 * within a bucket, and each thread scatters its range in order.  An
 * entry's place therefore depends only on its bucket and its position in
 * the input, never on -j: the output is the same bytes on every -j. */
typedef struct {
    size_t n_buckets;
    int n_threads;
    int32_t *counts;        /* (n_threads, n_buckets): counts, then next slots */
    /* the entries: k in [0, n); bucket(k) = key[k]; the payload written to
     * out_idx is row_of[k] when given, else the row r with ptr[r] <= k < ptr[r+1] */
    size_t n;
    const int32_t *key, *row_of, *row_ptr;
    size_t n_rows;
    const float *val;       /* NULL: 1 */
    int32_t *out_idx;
    float *out_val;         /* NULL: the values are not wanted */
} bucket_job;

/* The entries [*begin, *end) and, for CSR input, the first row, of thread t:
 * CSR input is cut at row boundaries so a thread knows each entry's row. */
static void bucket_range(const bucket_job *b, int t, size_t *begin, size_t *end, size_t *row)
{
    if (!b->row_ptr) {
        rs_thread_range(b->n, t, b->n_threads, begin, end);
        *row = 0;
        return;
    }
    size_t r0, r1;
    rs_thread_range(b->n_rows, t, b->n_threads, &r0, &r1);
    *begin = (size_t)b->row_ptr[r0], *end = (size_t)b->row_ptr[r1], *row = r0;
}

static void bucket_count(void *ctx, int t, int n_threads)
{
    (void)n_threads;
    const bucket_job *b = ctx;
    int32_t *count = b->counts + (size_t)t * b->n_buckets;
    size_t begin, end, row;
    bucket_range(b, t, &begin, &end, &row);
    for (size_t k = begin; k < end; k++)
        count[b->key[k]]++;
}

static void bucket_scatter(void *ctx, int t, int n_threads)
{
    (void)n_threads;
    const bucket_job *b = ctx;
    int32_t *next = b->counts + (size_t)t * b->n_buckets;
    size_t begin, end, row;
    bucket_range(b, t, &begin, &end, &row);
    for (size_t k = begin; k < end; k++) {
        if (b->row_ptr)
            while ((size_t)b->row_ptr[row + 1] <= k)
                row++;
        int32_t at = next[b->key[k]]++;
        b->out_idx[at] = b->row_of ? b->row_of[k] : (int32_t)row;
        if (b->out_val)
            b->out_val[at] = b->val ? b->val[k] : 1.0f;
    }
}

/* out (already allocated: n_buckets rows) = the entries of b bucketed;
 * out->val left unwritten when with_values is 0. */
static rs_status bucket(bucket_job *b, rs_csr *out, int with_values, int threads, rs_error *err)
{
    b->n_threads = threads < 1 ? 1 : threads;
    b->n_buckets = out->n_rows;
    b->out_idx = out->idx, b->out_val = with_values ? out->val : NULL;
    if (!(b->counts = calloc((size_t)b->n_threads * b->n_buckets + 1, sizeof *b->counts)))
        return rs_error_nomem(err);
    rs_parallel(b->n_threads, bucket_count, b);
    int32_t at = 0;
    for (size_t c = 0; c < b->n_buckets; c++) {
        out->ptr[c] = at;
        for (int t = 0; t < b->n_threads; t++) {
            int32_t *slot = b->counts + (size_t)t * b->n_buckets + c, n = *slot;
            *slot = at;
            at += n;
        }
    }
    out->ptr[b->n_buckets] = at;
    rs_parallel(b->n_threads, bucket_scatter, b);
    free(b->counts);
    return RS_OK;
}

/* out = transpose of m, into out's arrays when they are allocated (room
 * for nnz entries and n_cols + 1 offsets), else into new ones. */
static rs_status transpose_into(const rs_csr *m, rs_csr *out, int threads, rs_error *err)
{
    size_t nnz = rs_csr_nnz(m);
    if (!out->idx && csr_alloc(out, m->n_cols, m->n_rows, nnz, err) != RS_OK)
        return err->code;
    out->n_rows = m->n_cols, out->n_cols = m->n_rows;
    /* rows in order: each column's row indices come out sorted */
    bucket_job b = {.n = nnz, .key = m->idx, .row_ptr = m->ptr, .n_rows = m->n_rows, .val = m->val};
    rs_status st = bucket(&b, out, 1, threads, err);
    if (st != RS_OK)
        rs_csr_free(out);
    return st;
}

rs_status rs_csr_transpose_j(const rs_csr *m, rs_csr *out, int threads, rs_error *err)
{
    *out = (rs_csr){0};
    return transpose_into(m, out, threads, err);
}

rs_status rs_csr_transpose(const rs_csr *m, rs_csr *out, rs_error *err)
{
    return rs_csr_transpose_j(m, out, 1, err);
}

/* Summing the repeats of a pair: row r of by_row (columns sorted, repeats
 * side by side in input order) into m at m->ptr[r]; a thread owns a range
 * of rows.  values: by_row holds them; else each entry counts 1. */
typedef struct {
    const rs_csr *by_row;
    rs_csr *m;
    int values, n_threads;
} merge_job;

static void merge_count(void *ctx, int t, int n_threads)
{
    merge_job *g = ctx;
    const rs_csr *in = g->by_row;
    size_t r0, r1;
    rs_thread_range(in->n_rows, t, n_threads, &r0, &r1);
    for (size_t r = r0; r < r1; r++) {
        int32_t distinct = 0;
        for (int32_t k = in->ptr[r]; k < in->ptr[r + 1]; k++)
            distinct += k == in->ptr[r] || in->idx[k] != in->idx[k - 1];
        g->m->ptr[r + 1] = distinct;
    }
}

static void merge_write(void *ctx, int t, int n_threads)
{
    merge_job *g = ctx;
    const rs_csr *in = g->by_row;
    size_t r0, r1;
    rs_thread_range(in->n_rows, t, n_threads, &r0, &r1);
    for (size_t r = r0; r < r1; r++) {
        int32_t write = g->m->ptr[r];
        for (int32_t k = in->ptr[r]; k < in->ptr[r + 1]; k++) {
            /* the same float sums, in the same order, as one pass would make */
            float v = g->values ? in->val[k] : 1.0f;
            if (k > in->ptr[r] && in->idx[k] == in->idx[k - 1]) {
                g->m->val[write - 1] += v;
            } else {
                g->m->idx[write] = in->idx[k];
                g->m->val[write++] = v;
            }
        }
    }
}

/* m from the triples, and in *spare the arrays of the bucketed copy it was
 * merged from (room for n entries and n_cols + 1 offsets, for the caller to
 * reuse or free).  Bucket by column first, then stably by row: each row's
 * columns sorted, and repeats of a pair in input order (their sum is the
 * same floats on every -j).  Without values neither pass moves any: each
 * entry counts 1 when the repeats are summed. */
static rs_status from_triples(rs_csr *m, rs_csr *spare, size_t n_rows, size_t n_cols, const int32_t *rows,
                              const int32_t *cols, const float *vals, size_t n, int threads, rs_error *err)
{
    rs_csr by_col = {0}, by_row = {0};
    if (csr_alloc(&by_col, n_cols, n_rows, n, err) != RS_OK)
        return err->code;
    bucket_job b = {.n = n, .key = cols, .row_of = rows, .val = vals};
    bucket_job t = {.n = n, .key = by_col.idx, .row_ptr = by_col.ptr, .n_rows = n_cols, .val = vals ? by_col.val : NULL};
    merge_job g = {.by_row = &by_row, .m = m, .values = vals != NULL, .n_threads = threads < 1 ? 1 : threads};
    *m = (rs_csr){.n_rows = n_rows, .n_cols = n_cols};
    rs_status st = bucket(&b, &by_col, vals != NULL, threads, err);
    if (st == RS_OK)
        st = csr_alloc(&by_row, n_rows, n_cols, n, err);
    if (st == RS_OK)
        st = bucket(&t, &by_row, vals != NULL, threads, err);
    if (st == RS_OK && !(m->ptr = calloc(n_rows + 1, sizeof *m->ptr)))
        st = rs_error_nomem(err);
    if (st != RS_OK) {
        rs_csr_free(&by_col), rs_csr_free(&by_row);
        return st;
    }
    /* merged into by_col's arrays, free now: counts per row, offsets, then the entries */
    m->idx = by_col.idx, m->val = by_col.val;
    rs_parallel(g.n_threads, merge_count, &g);
    for (size_t r = 0; r < n_rows; r++)
        m->ptr[r + 1] += m->ptr[r];
    rs_parallel(g.n_threads, merge_write, &g);
    free(by_col.ptr);
    *spare = by_row;
    return RS_OK;
}

rs_status rs_csr_from_triples_j(rs_csr *m, size_t n_rows, size_t n_cols, const int32_t *rows, const int32_t *cols,
                                const float *vals, size_t n, int threads, rs_error *err)
{
    rs_csr spare = {0};
    rs_status st = from_triples(m, &spare, n_rows, n_cols, rows, cols, vals, n, threads, err);
    rs_csr_free(&spare);
    return st;
}

rs_status rs_csr_pair_from_triples_j(rs_csr *m, rs_csr *t, size_t n_rows, size_t n_cols, const int32_t *rows,
                                     const int32_t *cols, const float *vals, size_t n, int threads, rs_error *err)
{
    rs_csr spare = {0};
    rs_status st = from_triples(m, &spare, n_rows, n_cols, rows, cols, vals, n, threads, err);
    if (st != RS_OK)
        return st;
    /* the transpose goes where the bucketed copy was: no new pages to fault in */
    free(spare.ptr);
    *t = (rs_csr){.idx = spare.idx, .val = spare.val};
    if (!(t->ptr = malloc((n_cols + 1) * sizeof *t->ptr))) {
        rs_csr_free(m), rs_csr_free(t);
        return rs_error_nomem(err);
    }
    if ((st = transpose_into(m, t, threads, err)) != RS_OK)
        rs_csr_free(m);
    return st;
}

rs_status rs_csr_from_triples(rs_csr *m, size_t n_rows, size_t n_cols, const int32_t *rows, const int32_t *cols,
                              const float *vals, size_t n, rs_error *err)
{
    return rs_csr_from_triples_j(m, n_rows, n_cols, rows, cols, vals, n, 1, err);
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
