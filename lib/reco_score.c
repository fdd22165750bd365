/* reco_score.c — a loaded recommender: score every item for a block of
 * users (one sgemm for the factor kinds and ease), one pair, or the items
 * similar to an item; fold in users from a history. */
#include "reco.h"

#include "blas.h"
#include "models/factors.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { POP, ITEMKNN, USERKNN, CONTENT, MF, ALS, BPR, EASE };
static const char *const kind_names[] = {"pop", "itemknn", "userknn", "content", "mf", "als", "bpr", "ease", NULL};

struct rs_reco {
    const rs_model *m;
    int kind;
    size_t n_users, n_items, k, vocabulary;
    rs_idmap *users, *items;
    rs_csr seen, neighbors, content;     /* views into the model */
    rs_csr content_t;                    /* owned: tokens x items */
    const float *popularity;
    const float *user_factors, *item_factors, *user_bias, *item_bias, *ease;
    float *item_unit;                    /* owned: item factors scaled to length 1 */
    double mu, l2, alpha, rating_min, rating_max;
    double *yty;                         /* owned: als Y'Y (k x k) */
};

struct rs_reco_work {
    float *block;      /* RS_RECO_BLOCK x max(k, n_items) */
    float *profile;    /* content: (vocabulary) */
    int32_t *touched;
    double *solve;     /* als: k * k + k */
};

static int is_factor(int kind)
{
    return kind == MF || kind == ALS || kind == BPR;
}

static rs_status load_factors(rs_reco *r, rs_error *err)
{
    int64_t k;
    if (rs_model_get_i64(r->m, "factors", &k, err) != RS_OK)
        return err->code;
    if (k < 1 || k > 4096)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's factors %lld is out of range", (long long)k);
    r->k = (size_t)k;
    if (!(r->user_factors = rs_model_need(r->m, "user_factors", r->n_users, r->k, err)) ||
        !(r->item_factors = rs_model_need(r->m, "item_factors", r->n_items, r->k, err)))
        return err->code;
    if (r->kind != ALS && !(r->item_bias = rs_model_need(r->m, "item_bias", 1, r->n_items, err)))
        return err->code;
    if (r->kind == MF) {
        if (!(r->user_bias = rs_model_need(r->m, "user_bias", 1, r->n_users, err)) ||
            rs_model_get_f64(r->m, "global_mean", &r->mu, err) != RS_OK ||
            rs_model_get_f64(r->m, "rating_min", &r->rating_min, err) != RS_OK ||
            rs_model_get_f64(r->m, "rating_max", &r->rating_max, err) != RS_OK)
            return err->code;
    }
    if (!(r->item_unit = malloc((r->n_items * r->k + 1) * sizeof *r->item_unit)))
        return rs_error_nomem(err);
    for (size_t i = 0; i < r->n_items; i++) {
        const float *y = r->item_factors + i * r->k;
        float norm = sqrtf(rs_dot(y, y, r->k));
        for (size_t f = 0; f < r->k; f++)
            r->item_unit[i * r->k + f] = norm > 0 ? y[f] / norm : 0;
    }
    if (r->kind == ALS) {
        if (rs_model_get_f64(r->m, "l2", &r->l2, err) || rs_model_get_f64(r->m, "alpha", &r->alpha, err))
            return err->code;
        /* Y'Y once, by ssyrk, for the exact fold-in solves (double there) */
        float *g = malloc(r->k * r->k * sizeof *g);
        if (!g || !(r->yty = malloc(r->k * r->k * sizeof *r->yty))) {
            free(g);
            return rs_error_nomem(err);
        }
        rs_gram(r->item_factors, r->n_items, r->k, g);
        for (size_t i = 0; i < r->k * r->k; i++)
            r->yty[i] = g[i];
        free(g);
    }
    return RS_OK;
}

static rs_status load_kind(rs_reco *r, rs_error *err)
{
    if (is_factor(r->kind))
        return load_factors(r, err);
    if (r->kind == ITEMKNN || r->kind == USERKNN) {
        size_t n = r->kind == ITEMKNN ? r->n_items : r->n_users;
        return rs_model_csr(r->m, "neighbors", n, n, &r->neighbors, err);
    }
    if (r->kind == EASE)
        return (r->ease = rs_model_need(r->m, "weights", r->n_items, r->n_items, err)) ? RS_OK : err->code;
    if (r->kind == CONTENT) {
        int64_t vocabulary;
        if (rs_model_get_i64(r->m, "vocabulary", &vocabulary, err) != RS_OK)
            return err->code;
        if (vocabulary < 0 || vocabulary > INT32_MAX)
            return rs_error_set(err, RS_EDATA, NULL, 0, "the model's vocabulary is out of range");
        r->vocabulary = (size_t)vocabulary;
        if (rs_model_csr(r->m, "content", r->n_items, r->vocabulary, &r->content, err) != RS_OK)
            return err->code;
        return rs_csr_transpose(&r->content, &r->content_t, err);
    }
    return RS_OK;
}

static rs_status load(rs_reco *r, rs_error *err)
{
    const char *kind = rs_model_kind(r->m);
    r->kind = -1;
    for (int i = 0; kind_names[i]; i++)
        if (!strcmp(kind, kind_names[i]))
            r->kind = i;
    if (r->kind < 0)
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "a %s model does not recommend (it scores feature rows: rs-predict)", kind);
    if (!(r->users = rs_model_ids_new(r->m, "users", err)) || !(r->items = rs_model_ids_new(r->m, "items", err)))
        return err->code;
    r->n_users = (size_t)rs_idmap_size(r->users);
    r->n_items = (size_t)rs_idmap_size(r->items);
    int64_t n_users, n_items;
    if (rs_model_get_i64(r->m, "n_users", &n_users, err) || rs_model_get_i64(r->m, "n_items", &n_items, err))
        return err->code;
    if ((size_t)n_users != r->n_users || (size_t)n_items != r->n_items)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's n_users/n_items disagree with its id maps");
    if (rs_model_csr(r->m, "seen", r->n_users, r->n_items, &r->seen, err) ||
        !(r->popularity = rs_model_need(r->m, "popularity", 1, r->n_items, err)))
        return err->code;
    return load_kind(r, err);
}

rs_reco *rs_reco_new(const rs_model *m, rs_error *err)
{
    rs_reco *r = calloc(1, sizeof *r);
    if (!r) {
        rs_error_nomem(err);
        return NULL;
    }
    r->m = m;
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
    rs_idmap_free(r->users);
    rs_idmap_free(r->items);
    rs_csr_free(&r->content_t);
    free(r->item_unit);
    free(r->yty);
    free(r);
}

const char *rs_reco_kind(const rs_reco *r) { return kind_names[r->kind]; }
const rs_idmap *rs_reco_users(const rs_reco *r) { return r->users; }
const rs_idmap *rs_reco_items(const rs_reco *r) { return r->items; }
size_t rs_reco_n_items(const rs_reco *r) { return r->n_items; }
int rs_reco_folds_in(const rs_reco *r) { return r->kind == ALS || r->kind == ITEMKNN || r->kind == EASE || r->kind == CONTENT; }
int rs_reco_explains(const rs_reco *r) { return r->kind == ITEMKNN || r->kind == EASE; }
int rs_reco_has_similar(const rs_reco *r) { return r->kind != POP && r->kind != USERKNN; }

size_t rs_reco_seen(const rs_reco *r, int32_t user, const int32_t **items, const float **values)
{
    *items = r->seen.idx + r->seen.ptr[user];
    *values = r->seen.val + r->seen.ptr[user];
    return (size_t)(r->seen.ptr[user + 1] - r->seen.ptr[user]);
}

rs_reco_work *rs_reco_work_new(const rs_reco *r)
{
    rs_reco_work *w = calloc(1, sizeof *w);
    size_t width = r->n_items > r->k ? r->n_items : r->k;
    if (!w || !(w->block = malloc(RS_RECO_BLOCK * (width + 1) * sizeof *w->block)) ||
        !(w->profile = calloc(r->vocabulary + 1, sizeof *w->profile)) ||
        !(w->touched = malloc((r->vocabulary + 1) * sizeof *w->touched)) ||
        !(w->solve = malloc((r->k * r->k + r->k + 1) * sizeof *w->solve))) {
        rs_reco_work_free(w);
        return NULL;
    }
    return w;
}

void rs_reco_work_free(rs_reco_work *w)
{
    if (!w)
        return;
    free(w->block), free(w->profile), free(w->touched), free(w->solve);
    free(w);
}

/* What a query is scored from: 1 its history, 0 the model user, -1 popularity. */
static int source(const rs_reco *r, const rs_reco_query *q)
{
    if (r->kind == POP)
        return 0;
    if (q->items && rs_reco_folds_in(r))
        return 1;
    return q->user >= 0 ? 0 : -1;
}

int rs_reco_serves(const rs_reco *r, const rs_reco_query *q)
{
    return r->kind == POP || source(r, q) >= 0;
}

/* The query's history: its own, or the model user's seen items. */
static size_t history(const rs_reco *r, const rs_reco_query *q, const int32_t **items, const float **values)
{
    if (source(r, q) == 1) {
        *items = q->items;
        *values = q->values;
        return q->n_items;
    }
    return rs_reco_seen(r, q->user, items, values);
}

/* ---- per-kind scoring of one query into a row ------------------------ */

static void score_itemknn(const rs_reco *r, const int32_t *items, const float *values, size_t n, float *row)
{
    for (size_t t = 0; t < n; t++)
        for (int32_t k = r->neighbors.ptr[items[t]]; k < r->neighbors.ptr[items[t] + 1]; k++)
            row[r->neighbors.idx[k]] += values[t] * r->neighbors.val[k];
}

static void score_userknn(const rs_reco *r, int32_t user, float *row)
{
    for (int32_t k = r->neighbors.ptr[user]; k < r->neighbors.ptr[user + 1]; k++) {
        int32_t v = r->neighbors.idx[k];
        for (int32_t s = r->seen.ptr[v]; s < r->seen.ptr[v + 1]; s++)
            row[r->seen.idx[s]] += r->neighbors.val[k] * r->seen.val[s];
    }
}

/* The profile: value-weighted sum of the history's token vectors, unit length. */
static size_t content_profile(const rs_reco *r, const int32_t *items, const float *values, size_t n,
                              rs_reco_work *w)
{
    size_t n_touched = 0;
    for (size_t t = 0; t < n; t++)
        for (int32_t k = r->content.ptr[items[t]]; k < r->content.ptr[items[t] + 1]; k++) {
            int32_t tok = r->content.idx[k];
            if (w->profile[tok] == 0)
                w->touched[n_touched++] = tok;
            w->profile[tok] += values[t] * r->content.val[k];
        }
    double norm = 0;
    for (size_t t = 0; t < n_touched; t++)
        norm += (double)w->profile[w->touched[t]] * w->profile[w->touched[t]];
    for (size_t t = 0; t < n_touched && norm > 0; t++)
        w->profile[w->touched[t]] /= (float)sqrt(norm);
    return n_touched;
}

static void content_clear(rs_reco_work *w, size_t n_touched)
{
    for (size_t t = 0; t < n_touched; t++)
        w->profile[w->touched[t]] = 0;
}

static void score_content(const rs_reco *r, const int32_t *items, const float *values, size_t n, float *row,
                          rs_reco_work *w)
{
    size_t n_touched = content_profile(r, items, values, n, w);
    for (size_t t = 0; t < n_touched; t++) {
        int32_t tok = w->touched[t];
        for (int32_t k = r->content_t.ptr[tok]; k < r->content_t.ptr[tok + 1]; k++)
            row[r->content_t.idx[k]] += w->profile[tok] * r->content_t.val[k];
    }
    content_clear(w, n_touched);
}

/* The user vector of a factor model: trained, or (als) folded in. */
static const float *user_vector(const rs_reco *r, const rs_reco_query *q, float *buf, rs_reco_work *w)
{
    if (source(r, q) == 1) {
        if (rs_als_solve_exact(r->item_factors, r->yty, r->k, r->l2, r->alpha, q->items, q->values, q->n_items, buf,
                               w->solve) < 0)
            memset(buf, 0, r->k * sizeof *buf);
        return buf;
    }
    return r->user_factors + (size_t)q->user * r->k;
}

static void score_factor_block(const rs_reco *r, const rs_reco_query *q, size_t n, float *scores, rs_reco_work *w)
{
    size_t k = r->k;
    for (size_t b = 0; b < n; b++) {
        float *dst = w->block + b * k;
        if (source(r, &q[b]) < 0)
            memset(dst, 0, k * sizeof *dst);
        else
            memcpy(dst, user_vector(r, &q[b], dst, w), k * sizeof *dst);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)r->n_items, (int)k, 1.0f, w->block, (int)k,
                r->item_factors, (int)k, 0.0f, scores, (int)r->n_items);
    for (size_t b = 0; b < n; b++) {
        float *row = scores + b * r->n_items;
        float base = r->kind == MF && q[b].user >= 0 && source(r, &q[b]) == 0
                         ? (float)r->mu + r->user_bias[q[b].user] : (float)r->mu;
        for (size_t i = 0; r->item_bias && i < r->n_items; i++)
            row[i] += r->item_bias[i] + (r->kind == MF ? base : 0);
    }
}

static void score_ease_block(const rs_reco *r, const rs_reco_query *q, size_t n, float *scores, rs_reco_work *w)
{
    memset(w->block, 0, n * r->n_items * sizeof *w->block);
    for (size_t b = 0; b < n; b++) {
        const int32_t *items;
        const float *values;
        if (source(r, &q[b]) < 0)
            continue;
        size_t h = history(r, &q[b], &items, &values);
        for (size_t t = 0; t < h; t++)
            w->block[b * r->n_items + (size_t)items[t]] = values[t];
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)r->n_items, (int)r->n_items, 1.0f, w->block,
                (int)r->n_items, r->ease, (int)r->n_items, 0.0f, scores, (int)r->n_items);
}

void rs_reco_score(const rs_reco *r, const rs_reco_query *q, size_t n, float *scores, rs_reco_work *w)
{
    if (is_factor(r->kind))
        score_factor_block(r, q, n, scores, w);
    else if (r->kind == EASE)
        score_ease_block(r, q, n, scores, w);
    for (size_t b = 0; b < n; b++) {
        float *row = scores + b * r->n_items;
        int from = source(r, &q[b]);
        if (from < 0 || r->kind == POP) {
            memcpy(row, r->popularity, r->n_items * sizeof *row);
            continue;
        }
        if (is_factor(r->kind) || r->kind == EASE)
            continue;
        memset(row, 0, r->n_items * sizeof *row);
        const int32_t *items;
        const float *values;
        size_t h = history(r, &q[b], &items, &values);
        if (r->kind == ITEMKNN)
            score_itemknn(r, items, values, h, row);
        else if (r->kind == USERKNN)
            score_userknn(r, q[b].user, row);
        else
            score_content(r, items, values, h, row, w);
    }
}

/* ---- one pair, explanations, similar items ---------------------------- */

static int32_t find_sorted(const int32_t *idx, int32_t lo, int32_t hi, int32_t key)
{
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (idx[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The similarity of history item j to item (itemknn), or 0. */
static float neighbor_sim(const rs_reco *r, int32_t j, int32_t item)
{
    int32_t at = find_sorted(r->neighbors.idx, r->neighbors.ptr[j], r->neighbors.ptr[j + 1], item);
    return at < r->neighbors.ptr[j + 1] && r->neighbors.idx[at] == item ? r->neighbors.val[at] : 0;
}

static float clamp_rating(const rs_reco *r, float s)
{
    return s < r->rating_min ? (float)r->rating_min : s > r->rating_max ? (float)r->rating_max : s;
}

float rs_reco_score_pair(const rs_reco *r, const rs_reco_query *q, int32_t item, rs_reco_work *w)
{
    int from = source(r, q);
    if (r->kind == MF && (from < 0 || item < 0))   /* a rating: the biases that are known */
        return clamp_rating(r, (float)r->mu + (item >= 0 ? r->item_bias[item] : 0) +
                                   (from == 0 ? r->user_bias[q->user] : 0));
    if (item < 0)
        return 0;
    if (r->kind == POP || from < 0)
        return r->popularity[item];
    if (is_factor(r->kind)) {
        float buf[4096];
        const float *x = user_vector(r, q, buf, w);
        float s = rs_dot(x, r->item_factors + (size_t)item * r->k, r->k);
        if (r->kind == MF)   /* a rating: clamped to the training range */
            s = clamp_rating(r, s + (float)r->mu + r->item_bias[item] + (from == 0 ? r->user_bias[q->user] : 0));
        else if (r->kind == BPR)
            s += r->item_bias[item];
        return s;
    }
    const int32_t *items;
    const float *values;
    size_t h = history(r, q, &items, &values);
    float s = 0;
    if (r->kind == ITEMKNN)
        for (size_t t = 0; t < h; t++)
            s += values[t] * neighbor_sim(r, items[t], item);
    else if (r->kind == EASE)
        for (size_t t = 0; t < h; t++)
            s += values[t] * r->ease[(size_t)items[t] * r->n_items + (size_t)item];
    else if (r->kind == USERKNN)
        for (int32_t k = r->neighbors.ptr[q->user]; k < r->neighbors.ptr[q->user + 1]; k++) {
            int32_t v = r->neighbors.idx[k], at = find_sorted(r->seen.idx, r->seen.ptr[v], r->seen.ptr[v + 1], item);
            if (at < r->seen.ptr[v + 1] && r->seen.idx[at] == item)
                s += r->neighbors.val[k] * r->seen.val[at];
        }
    else {   /* content */
        size_t n_touched = content_profile(r, items, values, h, w);
        for (int32_t k = r->content.ptr[item]; k < r->content.ptr[item + 1]; k++)
            s += w->profile[r->content.idx[k]] * r->content.val[k];
        content_clear(w, n_touched);
    }
    return s;
}

int32_t rs_reco_explain(const rs_reco *r, const rs_reco_query *q, int32_t item)
{
    if (!rs_reco_explains(r) || source(r, q) < 0)
        return -1;
    const int32_t *items;
    const float *values;
    size_t h = history(r, q, &items, &values);
    int32_t best = -1;
    float best_part = 0;
    for (size_t t = 0; t < h; t++) {
        float part = values[t] * (r->kind == ITEMKNN ? neighbor_sim(r, items[t], item)
                                                     : r->ease[(size_t)items[t] * r->n_items + (size_t)item]);
        if (part > best_part)
            best = items[t], best_part = part;
    }
    return best;
}

void rs_reco_similar(const rs_reco *r, int32_t item, float *scores)
{
    for (size_t i = 0; i < r->n_items; i++)
        scores[i] = -INFINITY;
    if (is_factor(r->kind)) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)r->n_items, (int)r->k, 1.0f, r->item_unit, (int)r->k,
                    r->item_unit + (size_t)item * r->k, 1, 0.0f, scores, 1);
    } else if (r->kind == ITEMKNN) {
        for (int32_t k = r->neighbors.ptr[item]; k < r->neighbors.ptr[item + 1]; k++)
            scores[r->neighbors.idx[k]] = r->neighbors.val[k];
    } else if (r->kind == EASE) {
        memcpy(scores, r->ease + (size_t)item * r->n_items, r->n_items * sizeof *scores);
    } else if (r->kind == CONTENT) {
        for (size_t i = 0; i < r->n_items; i++)
            scores[i] = 0;
        for (int32_t k = r->content.ptr[item]; k < r->content.ptr[item + 1]; k++) {
            int32_t tok = r->content.idx[k];
            for (int32_t l = r->content_t.ptr[tok]; l < r->content_t.ptr[tok + 1]; l++)
                scores[r->content_t.idx[l]] += r->content.val[k] * r->content_t.val[l];
        }
    }
    scores[item] = -INFINITY;
}
