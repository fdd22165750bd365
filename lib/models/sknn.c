/* sknn.c — session kNN (Jannach & Ludewig 2017) and its sequence-aware
 * variant (V-SkNN).
 *
 * The training sequences (sessions with --session-col, else each user's
 * history) are kept as sets of items, numbered from the oldest to the most
 * recent (by their last event; "sess", sessions x items, and its transpose
 * "item_sess").  A query's last --steps items s_1 (most recent) .. s_L
 * weigh w_l = 1 with --position-weight none, or 1 - (l - 1) / L (linear:
 * V-SkNN).  Its candidate neighbours are, for each of those items, the
 * --sample most recent sessions holding it (the query user's own are
 * skipped); their similarity
 *   sim(q, n) = sum_{l: s_l in n} w_l / sqrt(L |n|)
 * (with repeated query items counted once, at their most recent position),
 * and the --neighbors most similar score every item they hold:
 *   score(j) = sum_{n in N, j in n} sim(q, n).
 * --session-items N keeps of each training session only its N most recent
 * distinct items (0: all): the cost of a recommendation is the candidates'
 * touches and the neighbours' items.  The defaults --sample 100 and
 * --session-items 20 (500 and all before) were chosen for speed and
 * re-checked on the bench-seq protocols, where both raised NDCG@10
 * (BENCHMARKS.md).  Scoring is sparse (score_sparse):
 * rs-recommend ranks only the items the neighbours hold. */
#include "models/kind.h"
#include "io/sequences.h"
#include "topk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- training ----------------------------------------------------------- */

static const int64_t *sort_last;   /* qsort has no context argument */

/* Sessions from the oldest to the most recent: by the time of the last
 * event (file order without times), then by index. */
static int by_recency(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (sort_last && sort_last[i] != sort_last[j])
        return sort_last[i] < sort_last[j] ? -1 : 1;
    return (i > j) - (i < j);
}

/* Session q's events as (r, item) pairs into row and item; with keep > 0,
 * only its keep most recent distinct items (stamp: (n_items) the last
 * session that counted each item, -1 at first).  Returns how many. */
static size_t session_items(const rs_sequences *s, size_t q, int32_t r, size_t keep, int32_t *stamp, int32_t *row,
                            int32_t *item)
{
    size_t n = 0, distinct = 0;
    for (size_t t = s->start[q + 1]; t > s->start[q]; t--) {   /* most recent first */
        int32_t j = s->item[t - 1];
        if (stamp[j] != r) {
            if (keep && distinct == keep)
                continue;   /* an older item past the keep most recent */
            stamp[j] = r, distinct++;
        }
        row[n] = r, item[n++] = j;
    }
    return n;
}

static rs_status sknn_train(rs_reco_data *d, rs_model *m, rs_error *err)
{
    const rs_sequences *s = d->seq;
    const rs_params *p = d->p;
    size_t n_seq = s->n_seq;
    size_t *order = malloc((n_seq + 1) * sizeof *order);
    int64_t *last = s->time ? malloc((n_seq + 1) * sizeof *last) : NULL;
    int32_t *row = malloc((s->n + 1) * sizeof *row), *sess_user = malloc((n_seq + 1) * sizeof *sess_user);
    if (!order || (s->time && !last) || !row || !sess_user) {
        free(order), free(last), free(row), free(sess_user);
        return rs_error_nomem(err);
    }
    for (size_t q = 0; q < n_seq; q++) {
        order[q] = q;
        if (last)
            last[q] = s->start[q + 1] > s->start[q] ? s->time[s->start[q + 1] - 1] : INT64_MIN;
    }
    sort_last = last;
    qsort(order, n_seq, sizeof *order, by_recency);
    size_t keep = (size_t)rs_params_int(p, "session-items"), n_kept = 0;
    int32_t *item = malloc((s->n + 1) * sizeof *item), *stamp = malloc((s->n_items + 1) * sizeof *stamp);
    if (!item || !stamp) {
        free(order), free(last), free(row), free(sess_user), free(item), free(stamp);
        return rs_error_nomem(err);
    }
    for (size_t j = 0; j < s->n_items; j++)
        stamp[j] = -1;
    for (size_t r = 0; r < n_seq; r++) {
        size_t q = order[r];
        sess_user[r] = s->user[q];
        n_kept += session_items(s, q, (int32_t)r, keep, stamp, row + n_kept, item + n_kept);
    }
    free(order), free(last), free(stamp);
    rs_csr sess = {0}, item_sess = {0};
    rs_status st = rs_csr_from_triples_j(&sess, n_seq, s->n_items, row, item, NULL, n_kept, p->threads, err);
    free(row), free(item);
    for (size_t k = 0; st == RS_OK && k < rs_csr_nnz(&sess); k++)
        sess.val[k] = 1;   /* a set: repeats count once */
    if (st == RS_OK)
        st = rs_csr_transpose_j(&sess, &item_sess, p->threads, err);
    if (st == RS_OK && (rs_model_set_i64(m, "steps", rs_params_int(p, "steps"), err) ||
                        rs_model_set_i64(m, "sample", rs_params_int(p, "sample"), err) ||
                        rs_model_set_i64(m, "neighbors", p->neighbors, err) ||
                        (keep && rs_model_set_i64(m, "session_items", (int64_t)keep, err)) ||
                        rs_model_set(m, "position_weight", rs_params_text(p, "position-weight"), err)))
        st = err->code;
    if (st == RS_OK)
        st = rs_model_adopt_i32(m, "sess_user", sess_user, 1, n_seq, err), sess_user = NULL;
    if (st == RS_OK)
        st = rs_model_adopt_csr(m, "sess", &sess, err);
    if (st == RS_OK)
        st = rs_model_adopt_csr(m, "item_sess", &item_sess, err);
    free(sess_user);
    rs_csr_free(&sess), rs_csr_free(&item_sess);
    return st;
}

/* ---- scoring ------------------------------------------------------------ */

typedef struct {
    rs_csr sess, item_sess;   /* views into the model */
    const int32_t *sess_user;
    size_t n_sess, steps, sample, neighbors;
    int linear;
} sknn_state;

/* What scoring reads of a candidate session, in one 16-byte slot: one
 * cache line per session touched instead of one per array (the touches
 * are scattered over all sessions: they miss the cache). */
typedef struct {
    float sim;     /* accumulated overlap, 0 when untouched */
    int32_t user;  /* sess_user */
    float len;     /* items in the session */
    float norm;    /* sqrtf(steps x len): the divisor when the query has all --steps items */
} session_slot;

typedef struct {
    session_slot *slot;  /* (n_sess) */
    int32_t *touched;    /* (n_sess) */
    rs_scored *candidate;   /* (n_sess) similarities of the touched (index: the touch order), then the best */
    int32_t *query;      /* (steps) distinct query items */
    float *weight;       /* (steps) */
} sknn_work;

static void *sknn_load(const rs_reco_base *b, rs_error *err)
{
    sknn_state *st = calloc(1, sizeof *st);
    if (!st) {
        rs_error_nomem(err);
        return NULL;
    }
    int64_t n_sess, steps, sample, neighbors;
    size_t one, n_user;
    const char *pw = rs_model_get(b->model, "position_weight");
    if (rs_model_get_i64(b->model, "n_sequences", &n_sess, err) || rs_model_get_i64(b->model, "steps", &steps, err) ||
        rs_model_get_i64(b->model, "sample", &sample, err) ||
        rs_model_get_i64(b->model, "neighbors", &neighbors, err) ||
        rs_model_csr(b->model, "sess", (size_t)n_sess, b->n_items, &st->sess, err) ||
        rs_model_csr(b->model, "item_sess", b->n_items, (size_t)n_sess, &st->item_sess, err)) {
        free(st);
        return NULL;
    }
    st->sess_user = rs_model_i32(b->model, "sess_user", &one, &n_user);
    if (!st->sess_user || n_user != (size_t)n_sess || steps < 1 || sample < 1 || neighbors < 1 || !pw) {
        free(st);
        rs_error_set(err, RS_EDATA, NULL, 0, "the sknn model's sessions or settings are missing or damaged");
        return NULL;
    }
    st->n_sess = (size_t)n_sess, st->steps = (size_t)steps, st->sample = (size_t)sample;
    st->neighbors = (size_t)neighbors, st->linear = !strcmp(pw, "linear");
    return st;
}

static void sknn_work_free(void *work)
{
    sknn_work *w = work;
    if (!w)
        return;
    free(w->slot), free(w->touched), free(w->candidate), free(w->query), free(w->weight);
    free(w);
}

static void *sknn_work_new(const rs_reco_base *b, const void *state)
{
    (void)b;
    const sknn_state *st = state;
    sknn_work *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->slot = malloc((st->n_sess + 1) * sizeof *w->slot);
    w->touched = malloc((st->n_sess + 1) * sizeof *w->touched);
    w->candidate = malloc((st->n_sess + 1) * sizeof *w->candidate);
    w->query = malloc((st->steps + 1) * sizeof *w->query);
    w->weight = malloc((st->steps + 1) * sizeof *w->weight);
    if (!w->slot || !w->touched || !w->candidate || !w->query || !w->weight) {
        sknn_work_free(w);
        return NULL;
    }
    for (size_t n = 0; n < st->n_sess; n++) {
        float len = (float)(size_t)(st->sess.ptr[n + 1] - st->sess.ptr[n]);
        w->slot[n] = (session_slot){0, st->sess_user[n], len, sqrtf((float)st->steps * len)};
    }
    return w;
}

/* The query's last distinct items and their position weights; returns L. */
static size_t query_items(const sknn_state *st, const rs_reco_query *q, sknn_work *w)
{
    size_t n = 0;
    for (size_t t = q->n_sequence; t > 0 && n < st->steps; t--) {
        int32_t item = q->sequence[t - 1];
        size_t j = 0;
        while (j < n && w->query[j] != item)
            j++;
        if (j == n)
            w->query[n++] = item;
    }
    for (size_t l = 0; l < n; l++)
        w->weight[l] = st->linear ? 1.0f - (float)l / (float)n : 1.0f;
    return n;
}

/* The neighbours of the query into w->candidate, most similar first (ties:
 * the first touched first); returns how many. */
static size_t find_neighbors(const sknn_state *st, const rs_reco_query *q, sknn_work *w)
{
    size_t L = query_items(st, q, w), n_touched = 0;
    for (size_t l = 0; l < L; l++)   /* each window's most recent end, read first */
        if (st->item_sess.ptr[w->query[l] + 1] > 0)
            __builtin_prefetch(st->item_sess.idx + st->item_sess.ptr[w->query[l] + 1] - 1);
    for (size_t l = 0; l < L; l++) {
        int32_t item = w->query[l], begin = st->item_sess.ptr[item], end = st->item_sess.ptr[item + 1];
        size_t taken = 0;
        for (int32_t k = end; k > begin && taken < st->sample; k--) {   /* most recent first */
            int32_t n = st->item_sess.idx[k - 1];
            session_slot *s = &w->slot[n];
            if (q->user >= 0 && s->user == q->user)
                continue;
            taken++;
            if (s->sim == 0)
                w->touched[n_touched++] = n;
            s->sim += w->weight[l];
        }
    }
    for (size_t i = 0; i < n_touched; i++) {
        session_slot *s = &w->slot[w->touched[i]];
        float norm = L == st->steps ? s->norm : sqrtf((float)L * s->len);
        w->candidate[i] = (rs_scored){(int32_t)i, s->sim / norm};
        s->sim = 0;
    }
    size_t kept = rs_topk_select(w->candidate, n_touched, st->neighbors);
    for (size_t i = 0; i < kept; i++)
        w->candidate[i].index = w->touched[w->candidate[i].index];
    return kept;
}

/* Add the neighbours' similarities into row over their items (in the
 * order of the neighbours: the sum's rounding is the same on every path);
 * with items, list each item the first time it gets a score (a
 * similarity is above 0, so a listed item stays above 0).  Returns how
 * many were listed. */
static size_t add_neighbors(const sknn_state *st, const sknn_work *w, size_t kept, float *row, int32_t *items)
{
    size_t listed = 0;
    for (size_t i = 0; i < kept; i++) {
        int32_t n = w->candidate[i].index;
        float sim = w->candidate[i].score;
        const int32_t *at = st->sess.idx + st->sess.ptr[n], *end = st->sess.idx + st->sess.ptr[n + 1];
        if (!items) {
            for (; at < end; at++)
                row[*at] += sim;
            continue;
        }
        for (; at < end; at++) {   /* branch-free: whether an item is new follows no pattern */
            int32_t item = *at;
            items[listed] = item;
            listed += row[item] == 0;
            row[item] += sim;
        }
    }
    return listed;
}

static void sknn_score_row(const rs_reco_base *b, const void *state, const rs_reco_query *q, float *row, void *work)
{
    (void)b;
    add_neighbors(state, work, find_neighbors(state, q, work), row, NULL);
}

static size_t sknn_score_sparse(const rs_reco_base *b, const void *state, const rs_reco_query *q, float *row,
                                int32_t *items, void *work)
{
    (void)b;
    return add_neighbors(state, work, find_neighbors(state, q, work), row, items);
}

static float sknn_score_pair(const rs_reco_base *b, const void *state, const rs_reco_query *q, int32_t item,
                             void *work)
{
    float s;
    if (rs_reco_pair_fallback(b, q, item, &s))
        return s;
    const sknn_state *st = state;
    sknn_work *w = work;
    size_t kept = find_neighbors(st, q, w);
    s = 0;
    for (size_t i = 0; i < kept; i++)
        if (rs_csr_find(&st->sess, (size_t)w->candidate[i].index, item) >= 0)
            s += w->candidate[i].score;
    return s;
}

static const rs_kind_option sknn_options[] = {
    {"neighbors", "100", 1, 1 << 30, 0, 0, RS_SEARCH_LOG_INT, 10, 1000, NULL, RS_SHARED},
    {"steps", "10", 1, 1000, 0, 0, RS_SEARCH_INT, 1, 50, NULL, RS_OPTION_INT, "N", NULL,
     "markov, sknn: read the last N steps (items; markov --baskets: baskets)"},
    {"sample", "100", 1, 1 << 30, 0, 0, RS_SEARCH_LOG_INT, 50, 5000, NULL, RS_OPTION_INT, "N", NULL,
     "sknn: candidates: the N most recent sessions holding each query item"},
    {"session-items", "20", 0, 1 << 30, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_OPTION_INT, "N", NULL,
     "sknn: a training session keeps its N most recent distinct items (0: all)"},
    {"position-weight", "linear", 0, 0, 0, 0, RS_SEARCH_CHOICE, 0, 0, NULL, RS_OPTION_CHOICE, "W", "linear,none",
     "sknn: the l-th last of L query items weighs 1 - (l-1)/L (linear) or 1"},
    {NULL},
};

const rs_kind rs_kind_sknn = {
    .name = "sknn",
    .family = RS_FAMILY_RECOMMENDER,
    .summary = "session kNN: items of the sessions most like the last --steps items",
    .options = sknn_options,
    .flags = RS_KIND_FOLDS_IN | RS_KIND_ORDERED,
    .quick_args = "",
    .train_interactions = sknn_train,
    .reco_load = sknn_load,
    .work_new = sknn_work_new,
    .work_free = sknn_work_free,
    .score_row = sknn_score_row,
    .score_sparse = sknn_score_sparse,
    .score_pair = sknn_score_pair,
    .unload = free,
};
