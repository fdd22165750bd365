/* mf.c — explicit rating prediction by biased matrix factorisation
 * (Koren, Bell, Volinsky 2009), trained by SGD:
 *   r^_ui = mu + b_u + b_i + q_i . p_u
 * and with --svdpp (Koren 2008) the implicit term
 *   p_u + |N(u)|^-1/2 sum_{j in N(u)} y_j,  N(u) the items u rated.
 * Ratings are visited user by user in a seeded random order (users
 * shuffled, each user's ratings shuffled), so SVD++'s implicit sum is
 * computed once per user visit and its gradient applied at the end of it.
 * One thread: the result is the same for every -j.  The model stores the
 * effective user vectors (p_u plus the implicit sum), so scoring is a dot
 * product for every kind of factor model. */
#include "models/factors.h"


#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t k;
    double lr, l2, mu, lo, hi;   /* lo, hi: the training ratings' range */
    int svdpp;
    float *p, *q, *y, *bu, *bi;
    float *implicit, *grad_implicit;   /* (k) */
} mf_state;

static void shuffle(int32_t *a, size_t n, rs_rng *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rs_rng_below(rng, i);
        int32_t t = a[i - 1];
        a[i - 1] = a[j], a[j] = t;
    }
}

/* One visit of user u: SGD over the user's ratings (in order[]). */
static double visit_user(mf_state *s, const rs_csr *ui, size_t u, const int32_t *order, size_t n)
{
    size_t k = s->k;
    float *pu = s->p + u * k, *imp = s->implicit, lr = (float)s->lr, l2 = (float)s->l2;
    float norm = n ? 1 / sqrtf((float)n) : 0;
    memset(imp, 0, k * sizeof *imp);
    if (s->svdpp) {
        for (size_t t = 0; t < n; t++) {
            const float *yj = s->y + (size_t)ui->idx[ui->ptr[u] + t] * k;
            for (size_t f = 0; f < k; f++)
                imp[f] += yj[f];
        }
        for (size_t f = 0; f < k; f++)
            imp[f] *= norm;
        memset(s->grad_implicit, 0, k * sizeof *s->grad_implicit);
    }
    double sq = 0;
    for (size_t t = 0; t < n; t++) {
        int32_t at = ui->ptr[u] + order[t], i = ui->idx[at];
        float *qi = s->q + (size_t)i * k;
        float pred = (float)s->mu + s->bu[u] + s->bi[i];
        for (size_t f = 0; f < k; f++)
            pred += qi[f] * (pu[f] + imp[f]);
        float e = ui->val[at] - pred;
        sq += (double)e * e;
        s->bu[u] += lr * (e - l2 * s->bu[u]);
        s->bi[i] += lr * (e - l2 * s->bi[i]);
        for (size_t f = 0; f < k; f++) {
            float pf = pu[f], qf = qi[f];
            pu[f] += lr * (e * qf - l2 * pf);
            qi[f] += lr * (e * (pf + imp[f]) - l2 * qf);
            if (s->svdpp)
                s->grad_implicit[f] += e * qf;
        }
    }
    /* The n per-rating updates of y_j at once: the gradient summed, the
     * decay compounded over the n steps. */
    float decay = (float)pow(1 - s->lr * s->l2, (double)n);
    if (s->svdpp && n)
        for (size_t t = 0; t < n; t++) {
            float *yj = s->y + (size_t)ui->idx[ui->ptr[u] + t] * k;
            for (size_t f = 0; f < k; f++)
                yj[f] = yj[f] * decay + lr * s->grad_implicit[f] * norm;
        }
    return sq;
}

static rs_status save(mf_state *s, const rs_csr *ui, rs_model *m, long epochs, rs_error *err)
{
    size_t k = s->k, n_users = ui->n_rows, n_items = ui->n_cols;
    /* effective user vectors: p_u + |N(u)|^-1/2 sum y_j */
    for (size_t u = 0; s->svdpp && u < n_users; u++) {
        size_t n = (size_t)(ui->ptr[u + 1] - ui->ptr[u]);
        float norm = n ? 1 / sqrtf((float)n) : 0;
        for (int32_t t = ui->ptr[u]; t < ui->ptr[u + 1]; t++)
            for (size_t f = 0; f < k; f++)
                s->p[u * k + f] += norm * s->y[(size_t)ui->idx[t] * k + f];
    }
    if (rs_model_set_i64(m, "factors", (int64_t)k, err) || rs_model_set_i64(m, "epochs", epochs, err) ||
        rs_model_set_f64(m, "lr", s->lr, err) || rs_model_set_f64(m, "l2", s->l2, err) ||
        rs_model_set_i64(m, "svdpp", s->svdpp, err) || rs_model_set_f64(m, "global_mean", s->mu, err) ||
        rs_model_set_f64(m, "rating_min", s->lo, err) || rs_model_set_f64(m, "rating_max", s->hi, err))
        return err->code;
    float **arrays[] = {&s->p, &s->q, &s->bu, &s->bi, &s->y};
    static const char *const names[] = {"user_factors", "item_factors", "user_bias", "item_bias", "implicit_factors"};
    size_t rows[] = {n_users, n_items, 1, 1, n_items}, cols[] = {k, k, n_users, n_items, k};
    rs_status st = RS_OK;
    for (int a = 0; a < 5 && st == RS_OK; a++) {
        if (!*arrays[a])
            continue;
        st = rs_model_adopt_tensor(m, names[a], *arrays[a], rows[a], cols[a], err);
        *arrays[a] = NULL;   /* the model owns it now (or freed it) */
    }
    return st;
}

static rs_status mf_train(rs_reco_data *d, rs_model *m, rs_error *err)
{
    const rs_params *p = d->p;
    const rs_csr *ui = &d->ui;
    size_t k = (size_t)p->factors, n_users = ui->n_rows, n_items = ui->n_cols, nnz = rs_csr_nnz(ui);
    long epochs = p->epochs;
    mf_state s = {0};
    s.k = k, s.lr = p->lr, s.l2 = p->l2, s.lo = INFINITY, s.hi = -INFINITY;
    s.svdpp = p->svdpp;
    if (!d->x->has_value)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "mf predicts ratings: the table needs a value column "
                                                     "(value, or --value-col)");
    s.p = malloc((n_users * k + 1) * sizeof(float));
    s.q = malloc((n_items * k + 1) * sizeof(float));
    s.y = s.svdpp ? calloc(n_items * k + 1, sizeof(float)) : NULL;
    s.bu = calloc(n_users + 1, sizeof(float));
    s.bi = calloc(n_items + 1, sizeof(float));
    s.implicit = malloc(2 * k * sizeof(float));
    s.grad_implicit = s.implicit ? s.implicit + k : NULL;
    int32_t *users = malloc((n_users + 1) * sizeof *users), *order = malloc((n_items + 1) * sizeof *order);
    rs_status st = RS_OK;
    if (!s.p || !s.q || (s.svdpp && !s.y) || !s.bu || !s.bi || !s.implicit || !users || !order)
        st = rs_error_nomem(err);
    if (st == RS_OK) {
        for (size_t t = 0; t < nnz; t++) {
            s.mu += ui->val[t];
            s.lo = ui->val[t] < s.lo ? ui->val[t] : s.lo;
            s.hi = ui->val[t] > s.hi ? ui->val[t] : s.hi;
        }
        s.mu /= (double)nnz;
        rs_rng rng;
        rs_rng_seed(&rng, p->seed);
        rs_factors_init(s.p, n_users, k, 0.1, &rng);
        rs_factors_init(s.q, n_items, k, 0.1, &rng);
        for (size_t u = 0; u < n_users; u++)
            users[u] = (int32_t)u;
        for (long e = 1; e <= epochs; e++) {
            double sq = 0;
            shuffle(users, n_users, &rng);
            for (size_t v = 0; v < n_users; v++) {
                size_t u = (size_t)users[v], n = (size_t)(ui->ptr[u + 1] - ui->ptr[u]);
                for (size_t t = 0; t < n; t++)
                    order[t] = (int32_t)t;
                shuffle(order, n, &rng);
                sq += visit_user(&s, ui, u, order, n);
            }
            rs_progress_emit(p->progress, p->progress_ctx, "epoch %ld train_rmse %.6g", e, sqrt(sq / (double)nnz));
        }
        st = save(&s, ui, m, epochs, err);
    }
    free(s.p), free(s.q), free(s.y), free(s.bu), free(s.bi), free(s.implicit), free(users), free(order);
    return st;
}

static const rs_kind_option mf_options[] = {
    {"factors", "64", 1, 4096, 0, 0, RS_SEARCH_LOG_INT, 8, 256, NULL, RS_SHARED},
    {"epochs", "60", 1, 1e6, 0, 0, RS_SEARCH_INT, 10, 200, NULL, RS_SHARED},
    {"lr", "0.01", 0, 10, 1, 0, RS_SEARCH_LOG, 1e-3, 0.1, NULL, RS_SHARED},
    {"l2", "0.1", 0, INFINITY, 0, 0, RS_SEARCH_LOG, 1e-3, 1, NULL, RS_SHARED},
    {"svdpp", "off", 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_SHARED},
    {NULL},
};

const rs_kind rs_kind_mf = {
    .name = "mf",
    .family = RS_FAMILY_RECOMMENDER,
    .summary = "explicit ratings: biased matrix factorisation by SGD (--svdpp)",
    .options = mf_options,
    .flags = RS_KIND_NEEDS_VALUE,
    .quick_args = "--factors 2 --epochs 1",
    .train_interactions = mf_train,
    RS_FACTORS_SCORING(rs_factors_load_mf),
};
