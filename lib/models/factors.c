/* factors.c — see factors.h. */
#include "models/factors.h"

#include "blas.h"
#include "threads.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The Box-Muller pairs [first, end) of the total values of f, drawn from
 * rng (two uniforms a pair). */
static void init_pairs(float *f, size_t total, size_t first, size_t end, double scale, rs_rng *rng)
{
    for (size_t i = 2 * first; i < 2 * end; i += 2) {
        double u = rs_rng_uniform(rng), v = rs_rng_uniform(rng);
        double r = sqrt(-2 * log(u > 1e-300 ? u : 1e-300)) * scale;
        f[i] = (float)(r * cos(6.283185307179586 * v));
        if (i + 1 < total)
            f[i + 1] = (float)(r * sin(6.283185307179586 * v));
    }
}

typedef struct {
    float *f;
    size_t total, pairs;
    double scale;
    rs_rng *starts;   /* (n_threads) the generator where each thread's pairs begin */
} init_job;

static void init_thread(void *ctx, int t, int n_threads)
{
    init_job *job = ctx;
    size_t first, end;
    rs_thread_range(job->pairs, t, n_threads, &first, &end);
    init_pairs(job->f, job->total, first, end, job->scale, &job->starts[t]);
}

void rs_factors_init_j(float *f, size_t n, size_t k, double scale, rs_rng *rng, int threads)
{
    size_t total = n * k, pairs = (total + 1) / 2;
    int n_threads = threads < 1 ? 1 : threads;
    rs_rng *starts = n_threads > 1 ? malloc((size_t)n_threads * sizeof *starts) : NULL;
    if (!starts) {   /* one thread (or no memory for more): in order */
        init_pairs(f, total, 0, pairs, scale, rng);
        return;
    }
    /* the logarithms and cosines are the cost: step the generator alone to
     * where each thread begins, so every value is the one-thread value */
    for (int t = 0; t < n_threads; t++) {
        size_t first, end;
        rs_thread_range(pairs, t, n_threads, &first, &end);
        starts[t] = *rng;
        for (size_t p = first; p < end; p++)
            rs_rng_next(rng), rs_rng_next(rng);
    }
    init_job job = {f, total, pairs, scale, starts};
    rs_parallel(n_threads, init_thread, &job);
    free(starts);
}

void rs_factors_init(float *f, size_t n, size_t k, double scale, rs_rng *rng)
{
    rs_factors_init_j(f, n, k, scale, rng, 1);
}

float rs_dot(const float *x, const float *y, size_t k)
{
    float s = 0;
    for (size_t j = 0; j < k; j++)
        s += x[j] * y[j];
    return s;
}

void rs_gram(const float *f, size_t n, size_t k, float *out)
{
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)k, (int)n, 1.0f, f, (int)k, 0.0f, out, (int)k);
    for (size_t i = 0; i < k; i++)   /* both triangles: sgemv and the exact solves read it whole */
        for (size_t j = 0; j < i; j++)
            out[i * k + j] = out[j * k + i];
}

/* The exact fold-in solve (factors.h): the scoring of als needs it. */
int rs_als_solve_exact(const float *item_factors, const double *yty, size_t k, double l2, double alpha,
                       const int32_t *items, const float *values, size_t n, float *x, double *work)
{
    double *a = work, *b = work + k * k;
    memcpy(a, yty, k * k * sizeof *a);
    memset(b, 0, k * sizeof *b);
    for (size_t j = 0; j < k; j++)
        a[j * k + j] += l2;
    for (size_t t = 0; t < n; t++) {
        const float *y = item_factors + (size_t)items[t] * k;
        double c = 1 + alpha * values[t];
        for (size_t r = 0; r < k; r++) {
            b[r] += c * y[r];
            for (size_t s = 0; s < k; s++)
                a[r * k + s] += (c - 1) * y[r] * y[s];
        }
    }
    int kk = (int)k, one = 1, info = 0;
    dpotrf_("L", &kk, a, &kk, &info);
    if (info != 0)
        return -1;
    dpotrs_("L", &kk, &one, a, &kk, b, &kk, &info);
    for (size_t r = 0; r < k; r++)
        x[r] = (float)b[r];
    return 0;
}

/* ---- scoring ------------------------------------------------------------ */

typedef struct {
    int variant;                     /* RS_FACTORS_* */
    size_t k;
    const float *user_factors;       /* (n_users x k), views into the model */
    const float *item_factors;       /* (n_items x k) */
    const float *user_bias;          /* mf: (n_users) */
    const float *item_bias;          /* mf, bpr: (n_items) */
    float *item_unit;                /* owned: item factors scaled to length 1 */
    double mu, rating_min, rating_max;   /* mf */
    double l2, alpha;                /* als */
    double *yty;                     /* owned, als: Y'Y (k x k) */
} factor_model;

typedef struct {
    float *block;      /* (RS_RECO_BLOCK x k): the block's user vectors */
    double *solve;     /* als: k * k + k */
} factor_work;

void rs_factors_unload(void *state)
{
    factor_model *f = state;
    if (!f)
        return;
    free(f->item_unit);
    free(f->yty);
    free(f);
}

static rs_status load_variant(const rs_reco_base *b, factor_model *f, rs_error *err)
{
    const rs_model *m = b->model;
    if (f->variant != RS_FACTORS_ALS && !(f->item_bias = rs_model_need(m, "item_bias", 1, b->n_items, err)))
        return err->code;
    if (f->variant == RS_FACTORS_MF &&
        (!(f->user_bias = rs_model_need(m, "user_bias", 1, b->n_users, err)) ||
         rs_model_get_f64(m, "global_mean", &f->mu, err) != RS_OK ||
         rs_model_get_f64(m, "rating_min", &f->rating_min, err) != RS_OK ||
         rs_model_get_f64(m, "rating_max", &f->rating_max, err) != RS_OK))
        return err->code;
    if (f->variant != RS_FACTORS_ALS)
        return RS_OK;
    if (rs_model_get_f64(m, "l2", &f->l2, err) || rs_model_get_f64(m, "alpha", &f->alpha, err))
        return err->code;
    /* Y'Y once, by ssyrk, for the exact fold-in solves (double there) */
    float *g = malloc(f->k * f->k * sizeof *g);
    if (!g || !(f->yty = malloc(f->k * f->k * sizeof *f->yty))) {
        free(g);
        return rs_error_nomem(err);
    }
    rs_gram(f->item_factors, b->n_items, f->k, g);
    for (size_t i = 0; i < f->k * f->k; i++)
        f->yty[i] = g[i];
    free(g);
    return RS_OK;
}

static rs_status load_factors(const rs_reco_base *b, factor_model *f, rs_error *err)
{
    int64_t k;
    if (rs_model_get_i64(b->model, "factors", &k, err) != RS_OK)
        return err->code;
    if (k < 1 || k > 4096)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's factors %lld is out of range", (long long)k);
    f->k = (size_t)k;
    if (!(f->user_factors = rs_model_need(b->model, "user_factors", b->n_users, f->k, err)) ||
        !(f->item_factors = rs_model_need(b->model, "item_factors", b->n_items, f->k, err)))
        return err->code;
    if (load_variant(b, f, err) != RS_OK)
        return err->code;
    if (!(f->item_unit = malloc((b->n_items * f->k + 1) * sizeof *f->item_unit)))
        return rs_error_nomem(err);
    for (size_t i = 0; i < b->n_items; i++) {
        const float *y = f->item_factors + i * f->k;
        float norm = sqrtf(rs_dot(y, y, f->k));
        for (size_t c = 0; c < f->k; c++)
            f->item_unit[i * f->k + c] = norm > 0 ? y[c] / norm : 0;
    }
    return RS_OK;
}

static void *load(const rs_reco_base *b, int variant, rs_error *err)
{
    factor_model *f = calloc(1, sizeof *f);
    if (!f) {
        rs_error_nomem(err);
        return NULL;
    }
    f->variant = variant;
    if (load_factors(b, f, err) != RS_OK) {
        rs_factors_unload(f);
        return NULL;
    }
    return f;
}

void *rs_factors_load_mf(const rs_reco_base *b, rs_error *err) { return load(b, RS_FACTORS_MF, err); }
void *rs_factors_load_als(const rs_reco_base *b, rs_error *err) { return load(b, RS_FACTORS_ALS, err); }
void *rs_factors_load_bpr(const rs_reco_base *b, rs_error *err) { return load(b, RS_FACTORS_BPR, err); }

void rs_factors_work_free(void *work)
{
    factor_work *w = work;
    if (!w)
        return;
    free(w->block), free(w->solve);
    free(w);
}

void *rs_factors_work_new(const rs_reco_base *b, const void *state)
{
    (void)b;
    const factor_model *f = state;
    factor_work *w = calloc(1, sizeof *w);
    if (w && (!(w->block = malloc((RS_RECO_BLOCK * f->k + 1) * sizeof *w->block)) ||
              !(w->solve = malloc((f->k * f->k + f->k + 1) * sizeof *w->solve)))) {
        rs_factors_work_free(w);
        return NULL;
    }
    return w;
}

/* The user vector: trained, or (als) folded in from the history into buf. */
static const float *user_vector(const rs_reco_base *b, const factor_model *f, const rs_reco_query *q, float *buf,
                                factor_work *w)
{
    if (rs_reco_source(b, q) == 1) {
        if (rs_als_solve_exact(f->item_factors, f->yty, f->k, f->l2, f->alpha, q->items, q->values, q->n_items, buf,
                               w->solve) < 0)
            memset(buf, 0, f->k * sizeof *buf);
        return buf;
    }
    return f->user_factors + (size_t)q->user * f->k;
}

void rs_factors_score_block(const rs_reco_base *b, const void *state, const rs_reco_query *q, size_t n,
                            float *scores, void *work)
{
    const factor_model *f = state;
    factor_work *w = work;
    size_t k = f->k;
    int is_mf = f->variant == RS_FACTORS_MF;
    for (size_t i = 0; i < n; i++) {
        float *dst = w->block + i * k;
        const float *x = rs_reco_source(b, &q[i]) < 0 ? NULL : user_vector(b, f, &q[i], dst, w);
        if (!x)
            memset(dst, 0, k * sizeof *dst);
        else if (x != dst)
            memcpy(dst, x, k * sizeof *dst);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)b->n_items, (int)k, 1.0f, w->block, (int)k,
                f->item_factors, (int)k, 0.0f, scores, (int)b->n_items);
    for (size_t i = 0; i < n; i++) {
        float *row = scores + i * b->n_items;
        float base = is_mf && q[i].user >= 0 && rs_reco_source(b, &q[i]) == 0
                         ? (float)f->mu + f->user_bias[q[i].user] : (float)f->mu;
        for (size_t j = 0; f->item_bias && j < b->n_items; j++)
            row[j] += f->item_bias[j] + (is_mf ? base : 0);
    }
}

static float clamp_rating(const factor_model *f, float s)
{
    return s < f->rating_min ? (float)f->rating_min : s > f->rating_max ? (float)f->rating_max : s;
}

float rs_factors_score_pair(const rs_reco_base *b, const void *state, const rs_reco_query *q, int32_t item,
                            void *work)
{
    const factor_model *f = state;
    int from = rs_reco_source(b, q);
    if (f->variant == RS_FACTORS_MF && (from < 0 || item < 0))   /* a rating: the biases that are known */
        return clamp_rating(f, (float)f->mu + (item >= 0 ? f->item_bias[item] : 0) +
                                   (from == 0 ? f->user_bias[q->user] : 0));
    float s;
    if (rs_reco_pair_fallback(b, q, item, &s))
        return s;
    float buf[4096];
    const float *x = user_vector(b, f, q, buf, work);
    s = rs_dot(x, f->item_factors + (size_t)item * f->k, f->k);
    if (f->variant == RS_FACTORS_MF)   /* a rating: clamped to the training range */
        s = clamp_rating(f, s + (float)f->mu + f->item_bias[item] + (from == 0 ? f->user_bias[q->user] : 0));
    else if (f->variant == RS_FACTORS_BPR)
        s += f->item_bias[item];
    return s;
}

void rs_factors_similar(const rs_reco_base *b, const void *state, int32_t item, float *scores)
{
    const factor_model *f = state;
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)b->n_items, (int)f->k, 1.0f, f->item_unit, (int)f->k,
                f->item_unit + (size_t)item * f->k, 1, 0.0f, scores, 1);
}
