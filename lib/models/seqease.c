/* seqease.c — EASE's item-item weights read with recency (issue 20).
 *
 * Training is EASE's (ease.c) on the 0/1 user x item matrix, order
 * ignored: B = the closed form with --l2.  Scoring reads the query's
 * sequence instead of a flat history: with S_0 the last step (an item, or
 * with --baskets a basket), S_1 the one before, ...,
 *   x_i = recency^l  for the most recent step S_l holding item i,
 *   score = x B.
 * So the items just bought speak loudest, while the whole history still
 * counts: what a plain Markov chain misses on next baskets, and what EASE
 * misses on next items.  --recency 1 gives EASE on 0/1 values.
 * Measured on the protocols (BENCHMARKS.md, scripts/bench-seq). */
#include "blas.h"
#include "models/ease.h"
#include "models/kind.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const rs_kind rs_kind_seqease;

static rs_status seqease_train(rs_reco_data *d, rs_model *m, rs_error *err)
{
    float *weights = NULL;
    double l2 = 0;
    if (rs_model_set_f64(m, "recency", rs_params_real(d->p, "recency"), err) != RS_OK ||
        rs_model_set_i64(m, "baskets", rs_params_int(d->p, "baskets"), err) != RS_OK)
        return err->code;
    if (rs_ease_weights(&d->ui, 1, d->p->l2, d->p->threads, &weights, &l2, err) != RS_OK)
        return err->code;
    if (rs_model_set_f64(m, "l2", l2, err) != RS_OK) {
        free(weights);
        return err->code;
    }
    return rs_model_adopt_tensor(m, "weights", weights, d->ui.n_cols, d->ui.n_cols, err);
}

/* ---- scoring: the decayed history row times B, a block by one sgemm ---- */

typedef struct {
    const float *weights;   /* (n_items x n_items), row j: what item j adds */
    float recency;
    int baskets;
} seqease_state;

static void *seqease_load(const rs_reco_base *b, rs_error *err)
{
    seqease_state *st = calloc(1, sizeof *st);
    if (!st) {
        rs_error_nomem(err);
        return NULL;
    }
    double recency;
    int64_t baskets;
    if (!(st->weights = rs_model_need(b->model, "weights", b->n_items, b->n_items, err)) ||
        rs_model_get_f64(b->model, "recency", &recency, err) || rs_model_get_i64(b->model, "baskets", &baskets, err)) {
        free(st);
        return NULL;
    }
    st->recency = (float)recency;
    st->baskets = baskets != 0;
    return st;
}

/* The dense decayed histories of a block: RS_RECO_BLOCK x n_items floats. */
static void *seqease_work_new(const rs_reco_base *b, const void *state)
{
    (void)state;
    return calloc(RS_RECO_BLOCK * b->n_items + 1, sizeof(float));
}

/* row (zeroed, n_items) += each item's weight recency^l, l the steps since
 * its most recent event; items are visited newest first, so the first
 * weight an item gets is its own.  set (may be NULL) receives the items
 * given a weight, *n_set their number. */
static void decayed_history(const seqease_state *st, const rs_reco_query *q, float *row, int32_t *set, size_t *n_set)
{
    float w = 1;
    size_t n = 0;
    for (size_t t = q->n_sequence; t-- > 0;) {
        int new_step = t + 1 < q->n_sequence &&
                       (!st->baskets || !q->sequence_basket || q->sequence_basket[t] != q->sequence_basket[t + 1]);
        if (new_step)
            w *= st->recency;
        int32_t item = q->sequence[t];
        if (row[item] == 0 && w > 0) {
            row[item] = w;
            if (set)
                set[n++] = item;
        }
    }
    if (n_set)
        *n_set = n;
}

static void seqease_score_block(const rs_reco_base *b, const void *state, const rs_reco_query *q, size_t n,
                                float *scores, void *work)
{
    const seqease_state *st = state;
    float *block = work;   /* (n x n_items) */
    memset(block, 0, n * b->n_items * sizeof *block);
    for (size_t i = 0; i < n; i++)
        if (rs_reco_source(b, &q[i]) >= 0 && q[i].sequence)
            decayed_history(st, &q[i], block + i * b->n_items, NULL, NULL);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)b->n_items, (int)b->n_items, 1.0f, block,
                (int)b->n_items, st->weights, (int)b->n_items, 0.0f, scores, (int)b->n_items);
}

/* One pair: the decayed history in the work block's first row (cleared
 * again after), its items listed in the second row's space. */
static float seqease_score_pair(const rs_reco_base *b, const void *state, const rs_reco_query *q, int32_t item,
                                void *work)
{
    float s;
    if (rs_reco_pair_fallback(b, q, item, &s))
        return s;
    const seqease_state *st = state;
    float *row = work;
    int32_t *set = (int32_t *)(row + b->n_items);   /* RS_RECO_BLOCK >= 2 rows of n_items */
    size_t n_set = 0;
    s = 0;
    if (q->sequence)
        decayed_history(st, q, row, set, &n_set);
    for (size_t k = 0; k < n_set; k++) {
        s += row[set[k]] * st->weights[(size_t)set[k] * b->n_items + (size_t)item];
        row[set[k]] = 0;
    }
    return s;
}

static void seqease_similar(const rs_reco_base *b, const void *state, int32_t item, float *scores)
{
    const seqease_state *st = state;
    memcpy(scores, st->weights + (size_t)item * b->n_items, b->n_items * sizeof *scores);
}

static const rs_kind_option seqease_options[] = {
    {"l2", NULL, 0, INFINITY, 1, 0, RS_SEARCH_LOG, 1, 10000, "10 x mean users per item (mean diagonal of X'X)",
     RS_SHARED},
    {"recency", "0.9", 0, 1, 0, 0, RS_SEARCH_LINEAR, 0.3, 1, NULL, RS_OPTION_REAL, "X", NULL,
     "seqease: an item last seen l steps before the end weighs X^l"},
    {"baskets", "off", 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_OPTION_FLAG, NULL, NULL,
     "markov, seqease: a step is a basket (one time, or --basket-col), not an item"},
    {NULL},
};

const rs_kind rs_kind_seqease = {
    .name = "seqease",
    .family = RS_FAMILY_RECOMMENDER,
    .summary = "next item/basket: EASE weights over a recency-decayed history (--recency)",
    .options = seqease_options,
    .flags = RS_KIND_FOLDS_IN | RS_KIND_ORDERED,
    .quick_args = "",
    .train_interactions = seqease_train,
    .reco_load = seqease_load,
    .work_new = seqease_work_new,
    .work_free = free,
    .score_block = seqease_score_block,
    .score_pair = seqease_score_pair,
    .similar = seqease_similar,
    .unload = free,
};
