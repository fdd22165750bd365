/* sparse: the -j CSR builds against a dense reference, and the same bytes
 * on every thread count; idmap's hashed intern against the plain one. */
#include "idmap.h"
#include "rng.h"
#include "sparse.h"
#include "tap.h"

#include <math.h>
#include <stdint.h>

static int same_csr(const rs_csr *a, const rs_csr *b)
{
    size_t nnz = rs_csr_nnz(a);
    return a->n_rows == b->n_rows && a->n_cols == b->n_cols && nnz == rs_csr_nnz(b) &&
           !memcmp(a->ptr, b->ptr, (a->n_rows + 1) * sizeof *a->ptr) && !memcmp(a->idx, b->idx, nnz * sizeof *a->idx) &&
           !memcmp(a->val, b->val, nnz * sizeof *a->val);
}

int main(void)
{
    enum { ROWS = 37, COLS = 23, N = 5000 };
    static int32_t rows[N], cols[N];
    static float vals[N];
    static double dense[ROWS][COLS];
    rs_rng rng;
    rs_rng_seed(&rng, 7);
    for (size_t k = 0; k < N; k++) {
        /* skewed, with many repeated pairs and some empty rows and columns */
        double u = rs_rng_uniform(&rng), v = rs_rng_uniform(&rng);
        rows[k] = (int32_t)((ROWS - 3) * u * u), cols[k] = (int32_t)((COLS - 2) * v * v * v);
        vals[k] = (float)(k % 7) * 0.25f + 0.125f;
        dense[rows[k]][cols[k]] += vals[k];
    }
    rs_error err = {0};
    rs_csr one = {0}, t_one = {0};
    CHECK(rs_csr_from_triples(&one, ROWS, COLS, rows, cols, vals, N, &err) == RS_OK, "build on one thread");
    int dense_ok = 1, sorted_ok = rs_csr_validate(&one, "test", &err) == RS_OK;
    for (size_t r = 0; r < ROWS; r++)
        for (size_t c = 0; c < COLS; c++) {
            int32_t at = rs_csr_find(&one, r, (int32_t)c);
            double got = at < 0 ? 0 : one.val[at];
            if ((at < 0) != (dense[r][c] == 0) || fabs(got - dense[r][c]) > 1e-9)
                dense_ok = 0;
        }
    CHECK(sorted_ok, "rows sorted and unique");
    CHECK(dense_ok, "repeated pairs summed: equal to the dense sums (exact in binary fractions)");
    CHECK(rs_csr_transpose(&one, &t_one, &err) == RS_OK, "transpose on one thread");
    int t_ok = t_one.n_rows == COLS && rs_csr_validate(&t_one, "test", &err) == RS_OK;
    for (size_t r = 0; t_ok && r < ROWS; r++)
        for (int32_t k = one.ptr[r]; k < one.ptr[r + 1]; k++) {
            int32_t at = rs_csr_find(&t_one, (size_t)one.idx[k], (int32_t)r);
            t_ok = at >= 0 && t_one.val[at] == one.val[k];
        }
    CHECK(t_ok, "the transpose holds every entry at (col, row)");
    for (int threads = 2; threads <= 9; threads += 7) {
        rs_csr many = {0}, t_many = {0};
        CHECK(rs_csr_from_triples_j(&many, ROWS, COLS, rows, cols, vals, N, threads, &err) == RS_OK &&
                  same_csr(&one, &many),
              "build on %d threads: the same bytes", threads);
        CHECK(rs_csr_transpose_j(&many, &t_many, threads, &err) == RS_OK && same_csr(&t_one, &t_many),
              "transpose on %d threads: the same bytes", threads);
        rs_csr_free(&many), rs_csr_free(&t_many);
    }
    for (int threads = 1; threads <= 9; threads += 4)
        for (int with_values = 0; with_values < 2; with_values++) {
            rs_csr m = {0}, t = {0}, ref = {0}, t_ref = {0};
            const float *v = with_values ? vals : NULL;
            CHECK(rs_csr_pair_from_triples_j(&m, &t, ROWS, COLS, rows, cols, v, N, threads, &err) == RS_OK &&
                      rs_csr_from_triples_j(&ref, ROWS, COLS, rows, cols, v, N, 1, &err) == RS_OK &&
                      rs_csr_transpose_j(&ref, &t_ref, 1, &err) == RS_OK && same_csr(&m, &ref) && same_csr(&t, &t_ref),
                  "the pair on %d threads (%s): the bytes of the build and the transpose", threads,
                  with_values ? "values" : "no values");
            rs_csr_free(&m), rs_csr_free(&t), rs_csr_free(&ref), rs_csr_free(&t_ref);
        }
    rs_csr empty = {0}, t_empty = {0};
    CHECK(rs_csr_pair_from_triples_j(&empty, &t_empty, 3, 2, rows, cols, NULL, 0, 2, &err) == RS_OK &&
              rs_csr_nnz(&empty) == 0 && rs_csr_nnz(&t_empty) == 0 && t_empty.n_rows == 2 && t_empty.n_cols == 3,
          "the pair of no triples: empty 3 x 2 and 2 x 3");
    rs_csr_free(&empty), rs_csr_free(&t_empty);
    rs_csr ones = {0};
    CHECK(rs_csr_from_triples_j(&ones, ROWS, COLS, rows, cols, NULL, N, 3, &err) == RS_OK &&
              rs_csr_nnz(&ones) == rs_csr_nnz(&one),
          "no values: every triple counts 1");
    int count_ok = 1;
    for (size_t k = 0; k < rs_csr_nnz(&ones); k++)
        count_ok &= ones.val[k] >= 1 && ones.val[k] == (float)(int)ones.val[k];
    CHECK(count_ok, "no values: each entry is its pair's count");
    rs_csr_free(&one), rs_csr_free(&t_one), rs_csr_free(&ones);

    /* idmap: keys up to 8 bytes are decided by their slot; longer ones and
     * keys differing only in length or a zero byte must still differ */
    rs_idmap *map = rs_idmap_new();
    const char *keys[] = {"a", "a\0", "abcdefgh", "abcdefghi", "abcdefghj", "", "abcdefg"};
    size_t lens[] = {1, 2, 8, 9, 9, 0, 7};
    int added, distinct_ok = 1;
    for (int32_t i = 0; i < 7; i++)
        distinct_ok &= rs_idmap_intern_hashed(map, keys[i], lens[i], rs_idmap_hash(keys[i], lens[i]), &added) == i &&
                       added;
    for (int32_t i = 0; i < 7; i++)
        distinct_ok &= rs_idmap_find(map, keys[i], lens[i]) == i;
    CHECK(distinct_ok, "keys differing by length, a zero byte or the 9th byte get their own indices");
    rs_idmap_free(map);
    return tap_done();
}
