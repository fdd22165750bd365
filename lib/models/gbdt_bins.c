/* gbdt_bins.c — features quantised once into byte bins (gbdt.h). */
#include "models/gbdt.h"

#include "threads.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { EDGE_SAMPLE = 200000 };

static int by_value(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* An edge between neighbouring distinct values a < b: their midpoint when
 * it lies below b in float, else a (a bin holds (previous edge, edge]). */
static float edge_between(float a, float b)
{
    float mid = (float)((double)a + ((double)b - (double)a) / 2);
    return mid < b && mid >= a ? mid : a;
}

/* The edges of one feature from its sorted non-missing values v[0..m). */
static size_t feature_edges(const float *v, size_t m, int max_bins, float *out)
{
    size_t n_distinct = 0;
    for (size_t i = 0; i < m; i++)
        n_distinct += i == 0 || v[i] != v[i - 1];
    size_t n_edges = 0;
    if (n_distinct <= (size_t)max_bins) {
        for (size_t i = 1; i < m; i++)
            if (v[i] != v[i - 1])
                out[n_edges++] = edge_between(v[i - 1], v[i]);
        return n_edges;
    }
    /* Greedy equal counts: close a bin at the end of a run of equal values
     * once it holds its share of the rows not yet binned. */
    size_t start = 0;
    for (size_t i = 0; i < m && n_edges + 1 < (size_t)max_bins;) {
        size_t run_end = i;
        while (run_end < m && v[run_end] == v[i])
            run_end++;
        size_t bins_left = (size_t)max_bins - n_edges;
        double share = (double)(m - start) / (double)bins_left;
        if (run_end < m && (double)(run_end - start) >= share) {
            out[n_edges++] = edge_between(v[run_end - 1], v[run_end]);
            start = run_end;
        }
        i = run_end;
    }
    return n_edges;
}

rs_status rs_gbdt_edges_new(const float *x, size_t n_rows, size_t n_features, const unsigned char *categorical,
                            int max_bins, float **edges, uint32_t **edge_start, rs_error *err)
{
    size_t step = n_rows > EDGE_SAMPLE ? (n_rows + EDGE_SAMPLE - 1) / EDGE_SAMPLE : 1;
    float *values = malloc((n_rows / step + 1) * sizeof *values);
    *edges = malloc(((size_t)max_bins * n_features + 1) * sizeof **edges);
    *edge_start = calloc(n_features + 1, sizeof **edge_start);
    if (!values || !*edges || !*edge_start) {
        free(values), free(*edges), free(*edge_start);
        *edges = NULL, *edge_start = NULL;
        return rs_error_nomem(err);
    }
    size_t n_edges = 0;
    for (size_t j = 0; j < n_features; j++) {
        (*edge_start)[j] = (uint32_t)n_edges;
        if (categorical[j])
            continue;
        size_t m = 0;
        for (size_t i = 0; i < n_rows; i += step)
            if (!isnan(x[i * n_features + j]))
                values[m++] = x[i * n_features + j];
        qsort(values, m, sizeof *values, by_value);
        n_edges += feature_edges(values, m, max_bins, *edges + n_edges);
    }
    (*edge_start)[n_features] = (uint32_t)n_edges;
    free(values);
    return RS_OK;
}

uint8_t rs_gbdt_bin(const rs_gbdt_binned *b, size_t j, float v)
{
    if (isnan(v))
        return RS_GBDT_MISSING;
    if (b->categorical[j])
        return v < 0 ? 0 : v > 254 ? 254 : (uint8_t)v;
    /* the first edge >= v: values <= edge[k] are in bin k or below */
    const float *e = b->edges + b->edge_start[j];
    size_t lo = 0, hi = b->edge_start[j + 1] - b->edge_start[j];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (e[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (uint8_t)lo;
}

typedef struct {
    rs_gbdt_binned *b;
    const float *x;
} bin_job;

static void bin_features(void *ctx, int t, int n_threads)
{
    bin_job *job = ctx;
    size_t begin, end, n = job->b->n_rows, d = job->b->n_features;
    rs_thread_range(d, t, n_threads, &begin, &end);
    for (size_t j = begin; j < end; j++)
        for (size_t i = 0; i < n; i++)
            job->b->bins[j * n + i] = rs_gbdt_bin(job->b, j, job->x[i * d + j]);
}

rs_status rs_gbdt_bin_rows(rs_gbdt_binned *b, const float *x, int threads, rs_error *err)
{
    if (!(b->bins = malloc(b->n_rows * b->n_features + 1)))
        return rs_error_nomem(err);
    bin_job job = {b, x};
    rs_parallel(threads, bin_features, &job);
    return RS_OK;
}

void rs_gbdt_binned_free(rs_gbdt_binned *b)
{
    free(b->bins);
    b->bins = NULL;
}
