/* gbdt_bins.c — features quantised once into byte bins (gbdt.h). */
#include "models/gbdt.h"

#include "mem.h"
#include "threads.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Floats in ascending order by an LSD radix sort of their bits, mapped so
 * that unsigned order is float order (no NaN here). */
static uint32_t order_key(float v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return u & 0x80000000u ? ~u : u | 0x80000000u;
}

static void sort_floats(float *v, size_t m, uint32_t *keys, uint32_t *tmp)
{
    for (size_t i = 0; i < m; i++)
        keys[i] = order_key(v[i]);
    for (int shift = 0; shift < 32; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < m; i++)
            count[((keys[i] >> shift) & 0xff) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < m; i++)
            tmp[count[(keys[i] >> shift) & 0xff]++] = keys[i];
        memcpy(keys, tmp, m * sizeof *keys);
    }
    for (size_t i = 0; i < m; i++) {
        uint32_t u = keys[i] & 0x80000000u ? keys[i] & 0x7fffffffu : ~keys[i];
        memcpy(&v[i], &u, sizeof u);
    }
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

/* The edges of every numeric feature from rows 0, step, 2 step, ... of x
 * (n_rows x n_features), the features shared among threads: feature j's
 * edges first at edges + j * max_bins, then moved together. */
typedef struct {
    const float *x;
    size_t n_rows, step, n_features;
    const unsigned char *categorical;
    int max_bins;
    float *edges;              /* (n_features x max_bins) */
    size_t *n_edges;           /* (n_features) */
    int failed;                /* a thread found no memory */
} edges_job;

static void edges_thread(void *ctx, int t, int n_threads)
{
    edges_job *job = ctx;
    size_t begin, end, nf = job->n_features, n_sample = (job->n_rows + job->step - 1) / job->step;
    rs_thread_range(nf, t, n_threads, &begin, &end);
    /* one column of the sample at a time */
    float *values = malloc((n_sample + 1) * sizeof *values);
    uint32_t *keys = malloc((n_sample + 1) * sizeof *keys), *tmp = malloc((n_sample + 1) * sizeof *tmp);
    if (!values || !keys || !tmp) {
        job->failed = 1;   /* read after the join */
        begin = end;
    }
    for (size_t j = begin; j < end; j++) {
        job->n_edges[j] = 0;
        if (job->categorical[j])
            continue;
        size_t m = 0;
        for (size_t i = 0; i < job->n_rows; i += job->step)
            if (!isnan(job->x[i * nf + j]))
                values[m++] = job->x[i * nf + j];
        sort_floats(values, m, keys, tmp);
        job->n_edges[j] = feature_edges(values, m, job->max_bins, job->edges + j * (size_t)job->max_bins);
    }
    free(values), free(keys), free(tmp);
}

static rs_status edges_of(const float *x, size_t n_rows, size_t step, size_t n_features,
                          const unsigned char *categorical, int max_bins, int threads, float **edges,
                          uint32_t **edge_start, rs_error *err)
{
    edges_job job = {x, n_rows, step, n_features, categorical, max_bins, NULL, NULL, 0};
    job.edges = *edges = malloc(((size_t)max_bins * n_features + 1) * sizeof **edges);
    job.n_edges = malloc((n_features + 1) * sizeof *job.n_edges);
    *edge_start = calloc(n_features + 1, sizeof **edge_start);
    if (job.edges && job.n_edges && *edge_start)
        rs_parallel(threads, edges_thread, &job);
    if (!job.edges || !job.n_edges || !*edge_start || job.failed) {
        free(*edges), free(*edge_start), free(job.n_edges);
        *edges = NULL, *edge_start = NULL;
        return rs_error_nomem(err);
    }
    size_t n_edges = 0;
    for (size_t j = 0; j < n_features; j++) {   /* each feature's edges after the ones before */
        (*edge_start)[j] = (uint32_t)n_edges;
        memmove(*edges + n_edges, *edges + j * (size_t)max_bins, job.n_edges[j] * sizeof **edges);
        n_edges += job.n_edges[j];
    }
    (*edge_start)[n_features] = (uint32_t)n_edges;
    free(job.n_edges);
    return RS_OK;
}

/* The sample's step for n_rows: the smallest power of two that leaves at
 * most RS_GBDT_EDGE_SAMPLE rows (1 for a table of at most that many). */
static size_t sample_step(size_t n_rows)
{
    size_t step = 1;
    while ((n_rows + step - 1) / step > RS_GBDT_EDGE_SAMPLE)
        step *= 2;
    return step;
}

rs_status rs_gbdt_edges_new(const float *x, size_t n_rows, size_t n_features, const unsigned char *categorical,
                            int max_bins, float **edges, uint32_t **edge_start, rs_error *err)
{
    return edges_of(x, n_rows, sample_step(n_rows), n_features, categorical, max_bins, 1, edges, edge_start, err);
}

rs_status rs_gbdt_sample_add(rs_gbdt_sample *s, size_t n_features, size_t i, const float *row, rs_error *err)
{
    if (s->step == 0)
        s->step = 1;
    if (i % s->step)
        return RS_OK;
    if (s->n == RS_GBDT_EDGE_SAMPLE) {
        /* the rows kept are 0, step, 2 step, ...: keep every other one */
        for (size_t k = 0; 2 * k < s->n; k++)
            memmove(s->rows + k * n_features, s->rows + 2 * k * n_features, n_features * sizeof *s->rows);
        s->n = (s->n + 1) / 2;
        s->step *= 2;
        if (i % s->step)
            return RS_OK;
    }
    if (rs_grow((void **)&s->rows, &s->cap, s->n + 1, n_features * sizeof *s->rows) < 0)
        return rs_error_nomem(err);
    memcpy(s->rows + s->n * n_features, row, n_features * sizeof *row);
    s->n++;
    return RS_OK;
}

rs_status rs_gbdt_sample_edges(const rs_gbdt_sample *s, size_t n_features, const unsigned char *categorical,
                               int max_bins, int threads, float **edges, uint32_t **edge_start, rs_error *err)
{
    return edges_of(s->rows, s->n, 1, n_features, categorical, max_bins, threads, edges, edge_start, err);
}

void rs_gbdt_sample_free(rs_gbdt_sample *s)
{
    free(s->rows);
    memset(s, 0, sizeof *s);
}

/* The edges of e[0..n) below v (ascending), branch-free (Khuong and
 * Morin's layout of a binary search). */
static unsigned count_below(const float *e, size_t n, float v)
{
    const float *base = e;
    while (n > 1) {
        size_t half = n / 2;
        base += (size_t)(base[half - 1] < v) * half;
        n -= half;
    }
    return (unsigned)(base - e) + (n > 0 && *base < v);
}

uint8_t rs_gbdt_bin(const rs_gbdt_binned *b, size_t j, float v)
{
    if (b->categorical[j] || isnan(v))
        return (uint8_t)rs_gbdt_category_bin(v);
    /* values <= edge[k] are in bin k or below */
    return (uint8_t)count_below(b->edges + b->edge_start[j], b->edge_start[j + 1] - b->edge_start[j], v);
}

/* ---- binning through a lookup --------------------------------------------- */

/* A value's bin in a few compares instead of a binary search's eight
 * dependent loads: a feature's range from its first to its last edge is
 * cut into LOOKUP_BUCKETS equal buckets, below[u] counts the edges of the
 * buckets before u, and a value's bin is that count plus the edges of its
 * own bucket below it.  The bucket comes from a monotone float expression
 * applied to edges and values alike, so the edges of earlier buckets are
 * below the value and those of later ones above it: the count is exact.
 * A bucket of at most LOOKUP_SCAN edges takes LOOKUP_SCAN compares (the
 * edges after it are above the value, and each feature's copy of its
 * edges is padded with +inf); a fuller one (edges crowded in a small part
 * of the range) is searched. */
enum { LOOKUP_BUCKETS = 1024, LOOKUP_SCAN = 4, LOOKUP_STRIDE = RS_GBDT_MAX_BINS + LOOKUP_SCAN };

struct rs_gbdt_bin_lookup {
    float *lo, *scale;      /* (n_features) a value's bucket: (v - lo) * scale, clamped */
    float *edges;           /* (n_features x LOOKUP_STRIDE) each feature's edges, then +inf */
    uint8_t *below;         /* (n_features x (LOOKUP_BUCKETS + 1)) edges in the buckets before */
};

static size_t bucket_of(float v, float lo, float scale)
{
    float x = (v - lo) * scale;
    x = x >= 0 ? x : 0;   /* NaN too */
    x = x < LOOKUP_BUCKETS - 1 ? x : LOOKUP_BUCKETS - 1;
    return (size_t)x;
}

static void lookup_feature(rs_gbdt_bin_lookup *lk, size_t j, const float *e, size_t n)
{
    float *copy = lk->edges + j * LOOKUP_STRIDE;
    uint8_t *below = lk->below + j * (LOOKUP_BUCKETS + 1);
    memcpy(copy, e, n * sizeof *e);
    for (size_t k = n; k < LOOKUP_STRIDE; k++)
        copy[k] = INFINITY;
    float scale = n > 1 ? LOOKUP_BUCKETS / (e[n - 1] - e[0]) : 0;
    lk->lo[j] = n > 0 ? e[0] : 0;
    lk->scale[j] = isfinite(scale) && scale > 0 ? scale : 0;   /* 0: one bucket, searched */
    size_t k = 0;
    for (size_t u = 0; u <= LOOKUP_BUCKETS; u++) {
        while (k < n && bucket_of(e[k], lk->lo[j], lk->scale[j]) < u)
            k++;
        below[u] = (uint8_t)k;
    }
}

static void lookup_free(rs_gbdt_bin_lookup *lk)
{
    if (!lk)
        return;
    free(lk->lo), free(lk->scale), free(lk->edges), free(lk->below);
    free(lk);
}

static rs_gbdt_bin_lookup *lookup_new(const rs_gbdt_binned *b)
{
    size_t d = b->n_features;
    rs_gbdt_bin_lookup *lk = calloc(1, sizeof *lk);
    if (!lk)
        return NULL;
    lk->lo = malloc((d + 1) * sizeof *lk->lo), lk->scale = malloc((d + 1) * sizeof *lk->scale);
    lk->edges = malloc((d * LOOKUP_STRIDE + 1) * sizeof *lk->edges);
    lk->below = malloc(d * (LOOKUP_BUCKETS + 1) + 1);
    if (!lk->lo || !lk->scale || !lk->edges || !lk->below) {
        lookup_free(lk);
        return NULL;
    }
    for (size_t j = 0; j < d; j++)
        lookup_feature(lk, j, b->edges + b->edge_start[j], b->categorical[j] ? 0 : b->edge_start[j + 1] - b->edge_start[j]);
    return lk;
}

/* The bin of value v of numeric feature j through its lookup. */
static inline uint8_t lookup_bin(const rs_gbdt_bin_lookup *lk, size_t j, float v)
{
    const uint8_t *below = lk->below + j * (LOOKUP_BUCKETS + 1) + bucket_of(v, lk->lo[j], lk->scale[j]);
    unsigned first = below[0], n_in = below[1] - first;
    const float *e = lk->edges + j * LOOKUP_STRIDE + first;
    unsigned bin = n_in <= LOOKUP_SCAN ? first + (e[0] < v) + (e[1] < v) + (e[2] < v) + (e[3] < v)
                                       : first + count_below(e, n_in, v);
    return v != v ? RS_GBDT_MISSING : (uint8_t)bin;
}

/* Rows are binned BLOCK_TILE at a time, a feature at a time: the tile's
 * values (BLOCK_TILE x ~50 floats) and one feature's lookup stay in L1,
 * where a row at a time goes through every feature's lookup. */
enum { BLOCK_TILE = 64 };

void rs_gbdt_bin_block(const rs_gbdt_binned *b, const float *rows, size_t n, uint8_t *bins)
{
    size_t d = b->n_features;
    if (!b->lookup) {
        for (size_t i = 0; i < n; i++)
            rs_gbdt_bin_row(b, rows + i * d, bins + i * d);
        return;
    }
    for (size_t i0 = 0; i0 < n; i0 += BLOCK_TILE) {
        size_t i1 = n - i0 < BLOCK_TILE ? n : i0 + BLOCK_TILE;
        for (size_t j = 0; j < d; j++) {
            if (b->categorical[j]) {
                for (size_t i = i0; i < i1; i++)
                    bins[i * d + j] = (uint8_t)rs_gbdt_category_bin(rows[i * d + j]);
                continue;
            }
            for (size_t i = i0; i < i1; i++)
                bins[i * d + j] = lookup_bin(b->lookup, j, rows[i * d + j]);
        }
    }
}

void rs_gbdt_bin_row(const rs_gbdt_binned *b, const float *row, uint8_t *bins)
{
    if (b->lookup) {
        rs_gbdt_bin_block(b, row, 1, bins);
        return;
    }
    for (size_t j = 0; j < b->n_features; j++)
        bins[j] = rs_gbdt_bin(b, j, row[j]);
}

rs_status rs_gbdt_binned_alloc(rs_gbdt_binned *b, rs_error *err)
{
    if (!(b->bins = rs_malloc_huge(b->n_rows * b->n_features + 1)) || !(b->lookup = lookup_new(b)))
        return rs_error_nomem(err);
    return RS_OK;
}

typedef struct {
    rs_gbdt_binned *b;
    const float *x;
} bin_job;

static void bin_rows(void *ctx, int t, int n_threads)
{
    bin_job *job = ctx;
    size_t begin, end, d = job->b->n_features;
    rs_thread_range(job->b->n_rows, t, n_threads, &begin, &end);
    rs_gbdt_bin_block(job->b, job->x + begin * d, end - begin, job->b->bins + begin * d);
}

rs_status rs_gbdt_bin_rows(rs_gbdt_binned *b, const float *x, int threads, rs_error *err)
{
    if (!b->bins && rs_gbdt_binned_alloc(b, err) != RS_OK)
        return err->code;
    bin_job job = {b, x};
    rs_parallel(threads, bin_rows, &job);
    return RS_OK;
}

void rs_gbdt_binned_free(rs_gbdt_binned *b)
{
    free(b->bins);
    lookup_free(b->lookup);
    b->bins = NULL, b->lookup = NULL;
}
