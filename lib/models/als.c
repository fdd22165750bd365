/* als.c — implicit-feedback ALS (Hu, Koren, Volinsky 2008) with the
 * conjugate-gradient inner solver of Takacs et al. (as in implicit):
 * confidence c = 1 + alpha v, preference 1 on every observed pair.
 * For each user, with Y the item factors,
 *   (Y'Y + Y'(C_u - I)Y + l2 I) x_u = Y' C_u 1,
 * solved by --cg-steps CG steps warm-started from the last x_u; Y'Y once
 * per half-iteration (ssyrk).  Users (items) are split into thread ranges,
 * each solve independent, so -j changes nothing in the result. */
#include "factors.h"

#include "../blas.h"
#include "../reco.h"
#include "../threads.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void rs_factors_init(float *f, size_t n, size_t k, double scale, rs_rng *rng)
{
    for (size_t i = 0; i < n * k; i += 2) {
        double u = rs_rng_uniform(rng), v = rs_rng_uniform(rng);
        double r = sqrt(-2 * log(u > 1e-300 ? u : 1e-300)) * scale;
        f[i] = (float)(r * cos(6.283185307179586 * v));
        if (i + 1 < n * k)
            f[i + 1] = (float)(r * sin(6.283185307179586 * v));
    }
}

float rs_dot(const float *x, const float *y, size_t k)
{
    float s = 0;
    for (size_t j = 0; j < k; j++)
        s += x[j] * y[j];
    return s;
}

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

typedef struct {
    const rs_csr *rows;     /* entity -> other (confidences from values) */
    float *solve;           /* (n x k) updated */
    const float *fixed;     /* (m x k) */
    const float *yty;       /* (k x k) */
    size_t k;
    double l2, alpha;
    long cg_steps;
    float *scratch;         /* per thread: 3 k */
} half_job;

/* A x for the user's system, without forming A. */
static void apply_a(const half_job *job, int32_t e, const float *x, float *out)
{
    size_t k = job->k;
    cblas_ssymv(CblasRowMajor, CblasUpper, (int)k, 1.0f, job->yty, (int)k, x, 1, 0.0f, out, 1);
    for (size_t j = 0; j < k; j++)
        out[j] += (float)job->l2 * x[j];
    for (int32_t t = job->rows->ptr[e]; t < job->rows->ptr[e + 1]; t++) {
        const float *y = job->fixed + (size_t)job->rows->idx[t] * k;
        float c1 = (float)(job->alpha * job->rows->val[t]);   /* c - 1 */
        float s = c1 * rs_dot(y, x, k);
        for (size_t j = 0; j < k; j++)
            out[j] += s * y[j];
    }
}

static void half_thread(void *ctx, int t, int n_threads)
{
    half_job *job = ctx;
    size_t k = job->k, begin, end;
    float *r = job->scratch + (size_t)t * 3 * k, *p = r + k, *ap = p + k;
    rs_thread_range(job->rows->n_rows, t, n_threads, &begin, &end);
    for (size_t e = begin; e < end; e++) {
        float *x = job->solve + e * k;
        /* r = b - A x, b = sum c_i y_i */
        apply_a(job, (int32_t)e, x, ap);
        for (size_t j = 0; j < k; j++)
            r[j] = -ap[j];
        for (int32_t q = job->rows->ptr[e]; q < job->rows->ptr[e + 1]; q++) {
            const float *y = job->fixed + (size_t)job->rows->idx[q] * k;
            float c = 1 + (float)(job->alpha * job->rows->val[q]);
            for (size_t j = 0; j < k; j++)
                r[j] += c * y[j];
        }
        memcpy(p, r, k * sizeof *p);
        float rsold = rs_dot(r, r, k);
        for (long it = 0; it < job->cg_steps && rsold > 1e-20f; it++) {
            apply_a(job, (int32_t)e, p, ap);
            float alpha = rsold / rs_dot(p, ap, k);
            for (size_t j = 0; j < k; j++) {
                x[j] += alpha * p[j];
                r[j] -= alpha * ap[j];
            }
            float rsnew = rs_dot(r, r, k);
            for (size_t j = 0; j < k; j++)
                p[j] = r[j] + rsnew / rsold * p[j];
            rsold = rsnew;
        }
    }
}

static void gram(const float *f, size_t n, size_t k, float *out)
{
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)k, (int)n, 1.0f, f, (int)k, 0.0f, out, (int)k);
    for (size_t i = 0; i < k; i++)   /* full symmetric, for the exact solves */
        for (size_t j = 0; j < i; j++)
            out[i * k + j] = out[j * k + i];
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

rs_status rs_als_train(const rs_reco_data *d, rs_model *m, rs_error *err)
{
    const rs_reco_params *p = d->p;
    size_t k = (size_t)p->factors, n_users = d->ui.n_rows, n_items = d->ui.n_cols;
    double l2 = p->l2 >= 0 ? p->l2 : 0.1, alpha = p->alpha >= 0 ? p->alpha : 1;
    long iterations = p->epochs > 0 ? p->epochs : 15;
    float *x = malloc((n_users * k + 1) * sizeof *x), *y = malloc((n_items * k + 1) * sizeof *y);
    float *g = malloc(k * k * sizeof *g), *scratch = malloc((size_t)p->threads * 3 * k * sizeof *scratch);
    if (!x || !y || !g || !scratch) {
        free(x), free(y), free(g), free(scratch);
        return rs_error_nomem(err);
    }
    rs_rng rng;
    rs_rng_seed(&rng, p->seed);
    rs_factors_init(x, n_users, k, 0.01, &rng);
    rs_factors_init(y, n_items, k, 0.01, &rng);
    for (long it = 1; it <= iterations; it++) {
        gram(y, n_items, k, g);
        half_job users = {&d->ui, x, y, g, k, l2, alpha, p->cg_steps, scratch};
        rs_parallel(p->threads, half_thread, &users);
        gram(x, n_users, k, g);
        half_job items = {&d->iu, y, x, g, k, l2, alpha, p->cg_steps, scratch};
        rs_parallel(p->threads, half_thread, &items);
        if (p->progress) {
            gram(y, n_items, k, g);
            rs_progress_emit(p->progress, p->progress_ctx, "iteration %ld loss %.6g", it,
                             als_loss(&d->ui, x, y, g, k, l2, alpha));
        }
    }
    free(g), free(scratch);
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
