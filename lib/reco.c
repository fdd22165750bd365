/* reco.c — recommender training: the parts every kind shares (the
 * interactions as CSR, the seen items, popularity, the header) and the
 * dispatch to lib/models/. */
#include "reco.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = {"pop", "itemknn", "userknn", "content", "mf", "als", "bpr", "ease", NULL};

void rs_reco_params_default(rs_reco_params *p)
{
    memset(p, 0, sizeof *p);
    p->factors = 64;
    p->epochs = -1;
    p->lr = p->l2 = p->alpha = -1;
    p->neighbors = 100;
    p->shrink = -1;
    p->weighting = "none";
    p->cg_steps = 3;
    p->threads = 1;
    p->seed = 1;
}

int rs_reco_kind_known(const char *kind)
{
    for (int i = 0; kinds[i]; i++)
        if (!strcmp(kinds[i], kind))
            return 1;
    return 0;
}

rs_status rs_model_adopt_csr(rs_model *m, const char *name, rs_csr *c, rs_error *err)
{
    char key[64];
    size_t nnz = rs_csr_nnz(c), n_rows = c->n_rows;
    int32_t *ptr = c->ptr, *idx = c->idx;
    float *val = c->val;
    memset(c, 0, sizeof *c);
    snprintf(key, sizeof key, "%s_ptr", name);
    if (rs_model_adopt_i32(m, key, ptr, 1, n_rows + 1, err)) {
        free(idx), free(val);
        return err->code;
    }
    snprintf(key, sizeof key, "%s_idx", name);
    if (rs_model_adopt_i32(m, key, idx, 1, nnz, err)) {
        free(val);
        return err->code;
    }
    snprintf(key, sizeof key, "%s_val", name);
    return rs_model_adopt_tensor(m, key, val, 1, nnz, err);
}

rs_status rs_model_csr(const rs_model *m, const char *name, size_t n_rows, size_t n_cols, rs_csr *c,
                       rs_error *err)
{
    char key[64];
    size_t r1, c1, r2, c2, r3, c3;
    snprintf(key, sizeof key, "%s_ptr", name);
    const int32_t *ptr = rs_model_i32(m, key, &r1, &c1);
    snprintf(key, sizeof key, "%s_idx", name);
    const int32_t *idx = rs_model_i32(m, key, &r2, &c2);
    snprintf(key, sizeof key, "%s_val", name);
    const float *val = rs_model_tensor(m, key, &r3, &c3);
    if (!ptr || !idx || !val || r1 * c1 != n_rows + 1 || r2 * c2 != r3 * c3 || (size_t)ptr[n_rows] != r2 * c2)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's %s matrix is missing or inconsistent", name);
    /* A view into the read-only mapping: never written, never freed. */
    *c = (rs_csr){n_rows, n_cols, (int32_t *)ptr, (int32_t *)idx, (float *)val};
    return rs_csr_validate(c, name, err);
}

rs_status rs_pop_train(const rs_reco_data *d, rs_model *m, float *popularity, rs_error *err)
{
    const rs_interactions *x = d->x;
    int64_t since = INT64_MIN;
    if (d->p->recent_days > 0) {
        if (!x->ts)
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "--recent needs a time column (ts, or --time-col)");
        int64_t latest = INT64_MIN;
        for (size_t k = 0; k < x->n; k++)
            latest = x->ts[k] > latest ? x->ts[k] : latest;
        since = latest - (int64_t)(d->p->recent_days * 86400);
        if (rs_model_set_f64(m, "recent_days", d->p->recent_days, err) ||
            rs_model_set_i64(m, "recent_since", since, err))
            return err->code;
    }
    for (size_t k = 0; k < x->n; k++)
        if (!x->ts || x->ts[k] >= since)
            popularity[x->item[k]] += 1;
    return RS_OK;
}

static rs_status train_kind(const rs_reco_data *d, rs_model *m, rs_error *err)
{
    const char *kind = d->p->kind;
    if (!strcmp(kind, "itemknn") || !strcmp(kind, "userknn"))
        return rs_knn_train(d, m, err);
    if (!strcmp(kind, "content"))
        return rs_content_train(d, m, err);
    if (!strcmp(kind, "mf"))
        return rs_mf_train(d, m, err);
    if (!strcmp(kind, "als"))
        return rs_als_train(d, m, err);
    if (!strcmp(kind, "bpr"))
        return rs_bpr_train(d, m, err);
    if (!strcmp(kind, "ease"))
        return rs_ease_train(d, m, err);
    return RS_OK;   /* pop: the popularity tensor is the model */
}

static rs_status build(rs_reco_data *d, rs_model *m, rs_error *err)
{
    const rs_interactions *x = d->x;
    if (x->n == 0)
        return rs_error_set(err, RS_EDATA, NULL, 0, "no interactions to train on");
    if (!strcmp(d->p->kind, "content") && rs_content_prepare(d, err) != RS_OK)
        return err->code;
    size_t n_users = (size_t)rs_idmap_size(x->users), n_items = (size_t)rs_idmap_size(x->items);
    if (rs_csr_from_triples(&d->ui, n_users, n_items, x->user, x->item, x->value, x->n, err) ||
        rs_csr_transpose(&d->ui, &d->iu, err))
        return err->code;
    float *popularity = calloc(n_items + 1, sizeof *popularity);
    if (!popularity)
        return rs_error_nomem(err);
    if (rs_pop_train(d, m, popularity, err) != RS_OK) {
        free(popularity);
        return err->code;
    }
    if (rs_model_set_i64(m, "n_users", (int64_t)n_users, err) || rs_model_set_i64(m, "n_items", (int64_t)n_items, err) ||
        rs_model_set_i64(m, "n_interactions", (int64_t)rs_csr_nnz(&d->ui), err) ||
        rs_model_set_i64(m, "train_rows", (int64_t)x->n, err) ||
        rs_model_set(m, "values", x->has_value ? "column" : "ones", err) ||
        rs_model_set_i64(m, "seed", (int64_t)d->p->seed, err) ||
        rs_model_adopt_tensor(m, "popularity", popularity, 1, n_items, err))
        return err->code;
    if (train_kind(d, m, err) != RS_OK)
        return err->code;
    /* Last: the model takes the seen matrix over. */
    if (rs_model_add_ids(m, "users", x->users, err) || rs_model_add_ids(m, "items", x->items, err) ||
        rs_model_adopt_csr(m, "seen", &d->ui, err))
        return err->code;
    return RS_OK;
}

rs_model *rs_reco_train_new(const rs_interactions *x, const rs_reco_params *p, rs_error *err)
{
    if (!rs_reco_kind_known(p->kind)) {
        rs_error_set(err, RS_EUSAGE, NULL, 0, "unknown --model '%s'", p->kind);
        return NULL;
    }
    rs_reco_data d = {x, p, {0}, {0}, {0}};
    rs_model *m = rs_model_new(p->kind);
    rs_status st = m ? build(&d, m, err) : rs_error_nomem(err);
    rs_csr_free(&d.ui);
    rs_csr_free(&d.iu);
    rs_csr_free(&d.content);
    if (st != RS_OK) {
        rs_model_free(m);
        return NULL;
    }
    return m;
}
