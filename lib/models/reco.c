/* reco.c — recommenders whatever their kind: the training every kind
 * shares (the interactions as CSR, the seen items, popularity, the header)
 * and the loaded model's dispatch to its kind (lib/models/kind.h). */
#include "models/reco.h"

#include "io/sequences.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- training ----------------------------------------------------------- */

/* Interactions per item (with --recent, the last DAYS before the newest). */
static rs_status count_popularity(const rs_reco_data *d, rs_model *m, float *popularity, rs_error *err)
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

/* Each user's events in time order as "seq_ptr" (n_users + 1), "seq_idx"
 * (items) and "seq_basket" (basket numbers): what rs-recommend hands an
 * ordered kind as a model user's sequence. */
static rs_status store_user_sequences(const rs_reco_data *d, rs_model *m, rs_error *err)
{
    rs_sequences *own = NULL;   /* with sessions, the users' sequences apart */
    if (d->x->session && !(own = rs_sequences_new(d->x, RS_SEQ_BY_USER, d->p->seed, err)))
        return err->code;
    const rs_sequences *by_user = own ? own : d->seq;
    size_t n = by_user->n;
    int32_t *ptr = malloc((by_user->n_seq + 1) * sizeof *ptr), *items = malloc((n + 1) * sizeof *items),
            *baskets = malloc((n + 1) * sizeof *baskets);
    rs_status st = ptr && items && baskets ? RS_OK : rs_error_nomem(err);
    if (st == RS_OK) {
        for (size_t u = 0; u <= by_user->n_seq; u++)
            ptr[u] = (int32_t)by_user->start[u];
        memcpy(items, by_user->item, n * sizeof *items);
        memcpy(baskets, by_user->basket, n * sizeof *baskets);
        st = rs_model_adopt_i32(m, "seq_ptr", ptr, 1, by_user->n_seq + 1, err);   /* frees it on error */
        ptr = NULL;
    }
    if (st == RS_OK)
        st = rs_model_adopt_i32(m, "seq_idx", items, 1, n, err), items = NULL;
    if (st == RS_OK)
        st = rs_model_adopt_i32(m, "seq_basket", baskets, 1, n, err), baskets = NULL;
    free(ptr), free(items), free(baskets);
    rs_sequences_free(own);
    return st;
}

/* The sequences an ordered kind trains on: sessions with a session column,
 * else users (io/sequences.h). */
static rs_status build_sequences(rs_reco_data *d, rs_model *m, rs_error *err)
{
    if (d->x->n >= INT32_MAX)
        return rs_error_set(err, RS_EDATA, NULL, 0, "too many interactions for sequences (%zu)", d->x->n);
    rs_sequences *seq = rs_sequences_new(d->x, d->x->session ? RS_SEQ_BY_SESSION : RS_SEQ_BY_USER, d->p->seed, err);
    if (!seq)
        return err->code;
    d->seq = seq;
    if (rs_model_set(m, "seq_order", d->x->ts ? "time" : "file", err) ||
        rs_model_set_i64(m, "n_sequences", (int64_t)seq->n_seq, err))
        return err->code;
    return store_user_sequences(d, m, err);
}

static rs_status build(const rs_kind *kind, rs_reco_data *d, rs_model *m, rs_error *err)
{
    const rs_interactions *x = d->x;
    if (x->n == 0)
        return rs_error_set(err, RS_EDATA, NULL, 0, "no interactions to train on");
    if (kind->prepare && kind->prepare(d, err) != RS_OK)
        return err->code;
    size_t n_users = (size_t)rs_idmap_size(x->users), n_items = (size_t)rs_idmap_size(x->items);
    if (rs_csr_pair_from_triples_j(&d->ui, &d->iu, n_users, n_items, x->user, x->item, x->value, x->n, d->p->threads,
                                   err))
        return err->code;
    float *popularity = calloc(n_items + 1, sizeof *popularity);
    if (!popularity)
        return rs_error_nomem(err);
    if (count_popularity(d, m, popularity, err) != RS_OK) {
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
    if ((kind->flags & RS_KIND_ORDERED) && build_sequences(d, m, err) != RS_OK)
        return err->code;
    if (kind->train_interactions && kind->train_interactions(d, m, err) != RS_OK)
        return err->code;
    /* Last: the model takes the seen matrix over. */
    if (rs_model_add_ids(m, "users", x->users, err) || rs_model_add_ids(m, "items", x->items, err) ||
        rs_model_adopt_csr(m, "seen", &d->ui, err))
        return err->code;
    return RS_OK;
}

rs_model *rs_reco_train_new(const rs_interactions *x, const rs_params *p, rs_error *err)
{
    const rs_kind *kind = rs_kind_find(p->kind);
    if (!kind || kind->family != RS_FAMILY_RECOMMENDER) {
        rs_error_set(err, RS_EUSAGE, NULL, 0, "--model '%s' is not a recommender kind", p->kind);
        return NULL;
    }
    rs_reco_data d = {x, p, {0}, {0}, {0}, NULL};
    rs_model *m = rs_model_new(p->kind);
    rs_status st = m ? build(kind, &d, m, err) : rs_error_nomem(err);
    rs_csr_free(&d.ui);
    rs_csr_free(&d.iu);
    rs_csr_free(&d.content);
    rs_sequences_free((rs_sequences *)d.seq);
    if (st != RS_OK) {
        rs_model_free(m);
        return NULL;
    }
    return m;
}

static const char *const column_roles[4][2] = {{"user", "user"}, {"item", "item"}, {"value", "value"}, {"time", "ts"}};

rs_status rs_reco_record_columns(rs_model *m, const rs_interactions_spec *cols, const rs_interactions *x,
                                 rs_error *err)
{
    const char *given[4] = {cols->user_col, cols->item_col, x->has_value ? cols->value_col : NULL,
                            x->ts ? cols->time_col : NULL};
    for (size_t r = 0; r < 4; r++) {
        char key[16];
        snprintf(key, sizeof key, "%s_col", column_roles[r][0]);
        if (given[r] && strcmp(given[r], column_roles[r][1]) && rs_model_set(m, key, given[r], err))
            return err->code;
    }
    return RS_OK;
}

const char *rs_reco_column(const rs_model *m, const char *role)
{
    for (size_t r = 0; r < 4; r++)
        if (!strcmp(role, column_roles[r][0])) {
            char key[16];
            snprintf(key, sizeof key, "%s_col", role);
            const char *name = rs_model_get(m, key);
            return name && *name ? name : column_roles[r][1];
        }
    return role;
}

/* ---- a loaded model ----------------------------------------------------- */

struct rs_reco {
    rs_reco_base base;
    const rs_kind *kind;
    void *state;                 /* the kind's, freed by kind->unload */
    rs_idmap *users, *items;     /* owned */
};

struct rs_reco_work {
    void *kind_work;             /* the kind's */
    void (*kind_work_free)(void *);
};

/* The model users' sequences (store_user_sequences), checked. */
static rs_status load_sequences(rs_reco_base *b, rs_error *err)
{
    size_t one, rows, n, n_basket;   /* each a 1 x N row, like the CSR tensors */
    const int32_t *ptr = rs_model_i32(b->model, "seq_ptr", &one, &rows);
    b->seq_item = rs_model_i32(b->model, "seq_idx", &one, &n);
    b->seq_basket = rs_model_i32(b->model, "seq_basket", &one, &n_basket);
    if (!ptr || rows != b->n_users + 1 || !b->seq_item || !b->seq_basket || n_basket != n || ptr[0] != 0 ||
        (size_t)ptr[b->n_users] != n)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's sequences (seq_ptr, seq_idx, seq_basket) are missing or damaged");
    for (size_t u = 0; u < b->n_users; u++)
        if (ptr[u + 1] < ptr[u])
            return rs_error_set(err, RS_EDATA, NULL, 0, "the model's seq_ptr is not increasing");
    for (size_t t = 0; t < n; t++)
        if (b->seq_item[t] < 0 || (size_t)b->seq_item[t] >= b->n_items)
            return rs_error_set(err, RS_EDATA, NULL, 0, "the model's seq_idx holds an item out of range");
    b->seq_ptr = ptr;
    return RS_OK;
}

static rs_status load(rs_reco *r, rs_error *err)
{
    const rs_model *m = r->base.model;
    const char *name = rs_model_kind(m);
    if (rs_kind_of_model(name, &r->kind, err) != RS_OK)
        return err->code;
    if (r->kind->family != RS_FAMILY_RECOMMENDER)
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "a %s model does not recommend (it scores feature rows: rs-predict)", name);
    r->base.flags = r->kind->flags;
    if (!(r->users = rs_model_ids_new(m, "users", err)) || !(r->items = rs_model_ids_new(m, "items", err)))
        return err->code;
    r->base.n_users = (size_t)rs_idmap_size(r->users);
    r->base.n_items = (size_t)rs_idmap_size(r->items);
    int64_t n_users, n_items;
    if (rs_model_get_i64(m, "n_users", &n_users, err) || rs_model_get_i64(m, "n_items", &n_items, err))
        return err->code;
    if ((size_t)n_users != r->base.n_users || (size_t)n_items != r->base.n_items)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's n_users/n_items disagree with its id maps");
    if (rs_model_csr(m, "seen", r->base.n_users, r->base.n_items, &r->base.seen, err) ||
        !(r->base.popularity = rs_model_need(m, "popularity", 1, r->base.n_items, err)))
        return err->code;
    if ((r->base.flags & RS_KIND_ORDERED) && load_sequences(&r->base, err) != RS_OK)
        return err->code;
    if (r->kind->reco_load && !(r->state = r->kind->reco_load(&r->base, err)))
        return err->code;
    return RS_OK;
}

rs_reco *rs_reco_new(const rs_model *m, rs_error *err)
{
    rs_reco *r = calloc(1, sizeof *r);
    if (!r) {
        rs_error_nomem(err);
        return NULL;
    }
    r->base.model = m;
    if (load(r, err) != RS_OK) {
        rs_reco_free(r);
        return NULL;
    }
    return r;
}

void rs_reco_free(rs_reco *r)
{
    if (!r)
        return;
    if (r->state && r->kind->unload)
        r->kind->unload(r->state);
    rs_idmap_free(r->users);
    rs_idmap_free(r->items);
    free(r);
}

const rs_kind *rs_reco_kind(const rs_reco *r) { return r->kind; }
const rs_model *rs_reco_model(const rs_reco *r) { return r->base.model; }
const rs_idmap *rs_reco_users(const rs_reco *r) { return r->users; }
const rs_idmap *rs_reco_items(const rs_reco *r) { return r->items; }
size_t rs_reco_n_items(const rs_reco *r) { return r->base.n_items; }
int rs_reco_folds_in(const rs_reco *r) { return (r->kind->flags & RS_KIND_FOLDS_IN) != 0; }
int rs_reco_explains(const rs_reco *r) { return r->kind->contribution != NULL; }
int rs_reco_has_similar(const rs_reco *r) { return r->kind->similar != NULL; }

size_t rs_reco_seen(const rs_reco *r, int32_t user, const int32_t **items, const float **values)
{
    return rs_reco_base_seen(&r->base, user, items, values);
}

size_t rs_reco_sequence(const rs_reco *r, int32_t user, const int32_t **items, const int32_t **baskets)
{
    const rs_reco_base *b = &r->base;
    if (!b->seq_ptr || user < 0) {
        *items = *baskets = NULL;
        return 0;
    }
    *items = b->seq_item + b->seq_ptr[user];
    *baskets = b->seq_basket + b->seq_ptr[user];
    return (size_t)(b->seq_ptr[user + 1] - b->seq_ptr[user]);
}

int rs_reco_ordered(const rs_reco *r) { return (r->kind->flags & RS_KIND_ORDERED) != 0; }

rs_reco_work *rs_reco_work_new(const rs_reco *r)
{
    rs_reco_work *w = calloc(1, sizeof *w);
    if (w && r->kind->work_new && !(w->kind_work = r->kind->work_new(&r->base, r->state))) {
        free(w);
        return NULL;
    }
    if (w)
        w->kind_work_free = r->kind->work_free;
    return w;
}

void rs_reco_work_free(rs_reco_work *w)
{
    if (!w)
        return;
    if (w->kind_work && w->kind_work_free)
        w->kind_work_free(w->kind_work);
    free(w);
}

int rs_reco_serves(const rs_reco *r, const rs_reco_query *q)
{
    return rs_reco_source(&r->base, q) >= 0;
}

void rs_reco_score(const rs_reco *r, const rs_reco_query *q, size_t n, float *scores, rs_reco_work *w)
{
    size_t n_items = r->base.n_items;
    if (r->kind->score_block)
        r->kind->score_block(&r->base, r->state, q, n, scores, w->kind_work);
    for (size_t b = 0; b < n; b++) {
        float *row = scores + b * n_items;
        if (rs_reco_source(&r->base, &q[b]) < 0) {
            memcpy(row, r->base.popularity, n_items * sizeof *row);
        } else if (!r->kind->score_block) {
            memset(row, 0, n_items * sizeof *row);
            r->kind->score_row(&r->base, r->state, &q[b], row, w->kind_work);
        }
    }
}

int rs_reco_sparse(const rs_reco *r) { return r->kind->score_sparse != NULL; }

size_t rs_reco_score_sparse(const rs_reco *r, const rs_reco_query *q, float *row, int32_t *items, rs_reco_work *w)
{
    return r->kind->score_sparse(&r->base, r->state, q, row, items, w->kind_work);
}

float rs_reco_score_pair(const rs_reco *r, const rs_reco_query *q, int32_t item, rs_reco_work *w)
{
    return r->kind->score_pair(&r->base, r->state, q, item, w->kind_work);
}

int32_t rs_reco_explain(const rs_reco *r, const rs_reco_query *q, int32_t item)
{
    if (!r->kind->contribution || rs_reco_source(&r->base, q) < 0)
        return -1;
    const int32_t *items;
    const float *values;
    size_t h = rs_reco_history(&r->base, q, &items, &values);
    int32_t best = -1;
    float best_part = 0;
    for (size_t t = 0; t < h; t++) {
        float part = values[t] * r->kind->contribution(&r->base, r->state, items[t], item);
        if (part > best_part)
            best = items[t], best_part = part;
    }
    return best;
}

void rs_reco_similar(const rs_reco *r, int32_t item, float *scores)
{
    for (size_t i = 0; i < r->base.n_items; i++)
        scores[i] = -INFINITY;
    if (r->kind->similar)
        r->kind->similar(&r->base, r->state, item, scores);
    scores[item] = -INFINITY;
}
