/* als.c — implicit-feedback ALS (Hu, Koren, Volinsky 2008) with the
 * conjugate-gradient inner solver of Takacs et al. (as in implicit):
 * confidence c = 1 + alpha v, preference 1 on every observed pair.
 * For each user, with Y the item factors,
 *   (Y'Y + Y'(C_u - I)Y + l2 I) x_u = Y' C_u 1,
 * solved by --cg-steps CG steps warm-started from the last x_u; Y'Y once
 * per half-iteration (ssyrk).  Users (items) are split into thread ranges,
 * each solve independent, so -j changes nothing in the result. */
#include "models/factors.h"

#include "blas.h"
#include "threads.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const rs_csr *rows;     /* entity -> other (confidences from values) */
    float *solve;           /* (n x k) updated */
    const float *fixed;     /* (m x k) */
    const float *yty;       /* (k x k) */
    size_t k;
    double l2, alpha;
    long cg_steps;
    size_t widest;          /* the longest row of either matrix */
    float **scratch;        /* per thread: gathered rows, weights, CG vectors */
} half_job;

static size_t widest_row(const rs_csr *m)
{
    size_t widest = 0;
    for (size_t e = 0; e < m->n_rows; e++)
        widest = (size_t)(m->ptr[e + 1] - m->ptr[e]) > widest ? (size_t)(m->ptr[e + 1] - m->ptr[e]) : widest;
    return widest;
}

/* A x = (Y'Y + l2 I) x + Y_u' diag(c - 1) Y_u x, with Y_u (n x k) the
 * entity's gathered rows: two sgemv on contiguous memory. */
static void apply_a(const half_job *job, const float *yu, const float *c1, size_t n, const float *x, float *t,
                    float *out)
{
    int k = (int)job->k;
    /* yty is stored full: sgemv is faster than ssymv in OpenBLAS */
    cblas_sgemv(CblasRowMajor, CblasNoTrans, k, k, 1.0f, job->yty, k, x, 1, 0.0f, out, 1);
    cblas_saxpy(k, (float)job->l2, x, 1, out, 1);
    if (n == 0)
        return;
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, k, 1.0f, yu, k, x, 1, 0.0f, t, 1);
    for (size_t i = 0; i < n; i++)
        t[i] *= c1[i];
    cblas_sgemv(CblasRowMajor, CblasTrans, (int)n, k, 1.0f, yu, k, t, 1, 1.0f, out, 1);
}

static void half_thread(void *ctx, int t, int n_threads)
{
    half_job *job = ctx;
    size_t k = job->k, begin, end;
    float *r = job->scratch[t], *p = r + k, *ap = p + k, *yu = ap + k;
    rs_thread_range(job->rows->n_rows, t, n_threads, &begin, &end);
    const rs_csr *rows = job->rows;
    float *c1 = yu + job->widest * k, *tmp = c1 + job->widest;
    for (size_t e = begin; e < end; e++) {
        float *x = job->solve + e * k;
        size_t n = (size_t)(rows->ptr[e + 1] - rows->ptr[e]);
        for (size_t i = 0; i < n; i++) {
            int32_t at = rows->ptr[e] + (int32_t)i;
            memcpy(yu + i * k, job->fixed + (size_t)rows->idx[at] * k, k * sizeof *yu);
            c1[i] = (float)(job->alpha * rows->val[at]);
            tmp[i] = 1 + c1[i];
        }
        /* r = b - A x, b = Y_u' c (tmp holds c, then serves apply_a) */
        if (n)
            cblas_sgemv(CblasRowMajor, CblasTrans, (int)n, (int)k, 1.0f, yu, (int)k, tmp, 1, 0.0f, r, 1);
        else
            memset(r, 0, k * sizeof *r);
        apply_a(job, yu, c1, n, x, tmp, ap);
        for (size_t j = 0; j < k; j++)
            r[j] -= ap[j];
        memcpy(p, r, k * sizeof *p);
        float rsold = rs_dot(r, r, k);
        for (long it = 0; it < job->cg_steps && rsold > 1e-20f; it++) {
            apply_a(job, yu, c1, n, p, tmp, ap);
            float step = rsold / rs_dot(p, ap, k);
            for (size_t j = 0; j < k; j++) {
                x[j] += step * p[j];
                r[j] -= step * ap[j];
            }
            float rsnew = rs_dot(r, r, k);
            for (size_t j = 0; j < k; j++)
                p[j] = r[j] + rsnew / rsold * p[j];
            rsold = rsnew;
        }
    }
}

/* Per-thread scratch for rows up to widest entries. */
static float **scratch_new(int n_threads, size_t widest, size_t k)
{
    float **s = calloc((size_t)n_threads, sizeof *s);
    for (int t = 0; s && t < n_threads; t++)
        if (!(s[t] = malloc((3 * k + widest * (k + 2) + 1) * sizeof **s))) {
            for (int u = 0; u < t; u++)
                free(s[u]);
            free(s);
            return NULL;
        }
    return s;
}

static void scratch_free(float **s, int n_threads)
{
    for (int t = 0; s && t < n_threads; t++)
        free(s[t]);
    free(s);
}

/* sum_u x'Y'Yx + sum_obs [c (1 - s)^2 - s^2] + l2 (|X|^2 + |Y|^2) */
static double als_loss(const rs_csr *ui, const float *x, const float *y, const float *yty, size_t k, double l2,
                       double alpha)
{
    double loss = 0, reg = 0;
    float *tmp = malloc(k * sizeof *tmp);
    if (!tmp)
        return NAN;
    for (size_t u = 0; u < ui->n_rows; u++) {
        const float *xu = x + u * k;
        cblas_ssymv(CblasRowMajor, CblasUpper, (int)k, 1.0f, yty, (int)k, xu, 1, 0.0f, tmp, 1);
        loss += rs_dot(xu, tmp, k);
        reg += rs_dot(xu, xu, k);
        for (int32_t t = ui->ptr[u]; t < ui->ptr[u + 1]; t++) {
            double s = rs_dot(xu, y + (size_t)ui->idx[t] * k, k), c = 1 + alpha * ui->val[t];
            loss += c * (1 - s) * (1 - s) - s * s;
        }
    }
    for (size_t i = 0; i < ui->n_cols; i++)
        reg += rs_dot(y + i * k, y + i * k, k);
    free(tmp);
    return loss + l2 * reg;
}

/* Defaults that fit the data (issue 18), for --alpha and --l2 not given
 * (0: the options' valid ranges exclude 0).  With v the values (1 without
 * a value column):
 *   alpha = 3 / mean v: an observed pair's confidence 1 + alpha v averages
 *           4, whatever the unit of the values (ratings, counts, seconds);
 *   l2    = 10 (1 + alpha mean v): ten times that mean confidence, so the
 *           penalty follows the weight of the data term (a given --alpha
 *           moves it too).
 * Grids on MovieLens 100K and MovieLens latest-small (per-user 75/25
 * splits) put the best (alpha, l2) at (5, 50) and (1, 20): l2 about ten
 * times the confidence on both.  The values used are recorded in the model
 * (l2, alpha). */
static void als_defaults(const rs_csr *ui, double *l2, double *alpha)
{
    size_t n_obs = rs_csr_nnz(ui);
    double sum = 0;
    for (size_t t = 0; t < n_obs; t++)
        sum += ui->val[t];
    double mean = n_obs > 0 && sum > 0 ? sum / (double)n_obs : 1;
    if (*alpha <= 0)
        *alpha = 3 / mean;
    if (*l2 <= 0)
        *l2 = 10 * (1 + *alpha * mean);
}

static rs_status als_train(rs_reco_data *d, rs_model *m, rs_error *err)
{
    const rs_params *p = d->p;
    size_t k = (size_t)p->factors, n_users = d->ui.n_rows, n_items = d->ui.n_cols;
    double l2 = p->l2, alpha = p->alpha;
    als_defaults(&d->ui, &l2, &alpha);
    long iterations = p->epochs;
    float *x = malloc((n_users * k + 1) * sizeof *x), *y = malloc((n_items * k + 1) * sizeof *y);
    size_t widest = widest_row(&d->ui) > widest_row(&d->iu) ? widest_row(&d->ui) : widest_row(&d->iu);
    float *g = malloc(k * k * sizeof *g), **scratch = scratch_new(p->threads, widest, k);
    if (!x || !y || !g || !scratch) {
        free(x), free(y), free(g), scratch_free(scratch, p->threads);
        return rs_error_nomem(err);
    }
    rs_rng rng;
    rs_rng_seed(&rng, p->seed);
    rs_factors_init_j(x, n_users, k, 0.01, &rng, p->threads);
    rs_factors_init_j(y, n_items, k, 0.01, &rng, p->threads);
    for (long it = 1; it <= iterations; it++) {
        rs_gram(y, n_items, k, g);
        half_job users = {&d->ui, x, y, g, k, l2, alpha, p->cg_steps, widest, scratch};
        rs_parallel(p->threads, half_thread, &users);
        rs_gram(x, n_users, k, g);
        half_job items = {&d->iu, y, x, g, k, l2, alpha, p->cg_steps, widest, scratch};
        rs_parallel(p->threads, half_thread, &items);
        if (p->progress) {
            rs_gram(y, n_items, k, g);
            rs_progress_emit(p->progress, p->progress_ctx, "iteration %ld loss %.6g", it,
                             als_loss(&d->ui, x, y, g, k, l2, alpha));
        }
    }
    /* A last user half-step against the final item factors, so a user's
     * stored factors are what folding in their own history gives. */
    rs_gram(y, n_items, k, g);
    half_job last = {&d->ui, x, y, g, k, l2, alpha, p->cg_steps, widest, scratch};
    rs_parallel(p->threads, half_thread, &last);
    free(g), scratch_free(scratch, p->threads);
    if (rs_model_set_i64(m, "factors", (int64_t)k, err) || rs_model_set_i64(m, "iterations", iterations, err) ||
        rs_model_set_f64(m, "l2", l2, err) || rs_model_set_f64(m, "alpha", alpha, err) ||
        rs_model_set_i64(m, "cg_steps", p->cg_steps, err)) {
        free(x), free(y);
        return err->code;
    }
    if (rs_model_adopt_tensor(m, "user_factors", x, n_users, k, err))
        return free(y), err->code;
    return rs_model_adopt_tensor(m, "item_factors", y, n_items, k, err);
}

static const rs_kind_option als_options[] = {
    {"factors", "64", 1, 4096, 0, 0, RS_SEARCH_LOG_INT, 8, 256, NULL, RS_SHARED},
    {"epochs", "15", 1, 1e6, 0, 0, RS_SEARCH_INT, 5, 50, NULL, RS_SHARED},
    {"l2", NULL, 0, INFINITY, 1, 0, RS_SEARCH_LOG, 1e-3, 100, "10 x (1 + alpha x mean value)", RS_SHARED},
    {"alpha", NULL, 0, INFINITY, 1, 0, RS_SEARCH_LOG, 0.1, 100, "3 / mean value", RS_SHARED},
    {"cg-steps", "3", 1, 1000, 0, 0, RS_SEARCH_INT, 2, 10, NULL, RS_SHARED},
    {NULL},
};

const rs_kind rs_kind_als = {
    .name = "als",
    .family = RS_FAMILY_RECOMMENDER,
    .summary = "implicit: weighted ALS (Hu-Koren-Volinsky), CG solves",
    .options = als_options,
    .flags = RS_KIND_FOLDS_IN,
    .quick_args = "--factors 2 --epochs 1",
    .train_interactions = als_train,
    RS_FACTORS_SCORING(rs_factors_load_als),
};
