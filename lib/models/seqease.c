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
 *
 * --next X adds X times next-step weights N (the transition part of
 * Choi et al.'s SLIST, 2021): every step t of every training sequence is a
 * target row y_t (its items 1), its source the decayed history x_t of the
 * --next-window events before it (weighted as at scoring), and
 *   N = argmin sum_t |y_t - x_t N|^2 + l2 |N|^2 = (S'S + l2 I)^-1 S'Y,
 * so the weights = B + X N.  EASE says what goes with the whole history, N
 * what comes next after the recent steps.
 * Measured on the protocols (BENCHMARKS.md, scripts/bench-seq). */
#include "blas.h"
#include "io/sequences.h"
#include "models/ease.h"
#include "models/kind.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const rs_kind rs_kind_seqease;

/* ---- training: the next-step weights ------------------------------------ */

typedef struct {
    const rs_sequences *s;
    int baskets;
    float recency;
    size_t window;
    float *mark;      /* (n_items) the source's weight of each item, 0 elsewhere */
    int32_t *list;    /* (window) the source's items */
} source_ctx;

static int step_starts(const rs_sequences *s, int baskets, size_t t, size_t first)
{
    return t == first || !baskets || s->basket[t] != s->basket[t - 1];
}

/* The decayed history of the events [first, end) of a sequence, at most
 * the last c->window of them, into c->mark / c->list (as decayed_history
 * weighs a query); returns the number of items. */
static size_t source_of(source_ctx *c, size_t first, size_t end)
{
    size_t k = 0, lo = end - first > c->window ? end - c->window : first;
    float w = 1;
    for (size_t t = end; t-- > lo;) {
        if (t + 1 < end && step_starts(c->s, c->baskets, t + 1, first))
            w *= c->recency;
        int32_t item = c->s->item[t];
        if (c->mark[item] == 0 && w > 0)
            c->mark[item] = w, c->list[k++] = item;
    }
    return k;
}

/* S'S (gram) and S'Y (cross_t: row y, column i = sum_t x_t[i] y_t[y]) over
 * every step that has a step before it. */
static void accumulate_steps(source_ctx *c, float *gram, float *cross_t)
{
    const rs_sequences *s = c->s;
    size_t n = s->n_items;
    for (size_t q = 0; q < s->n_seq; q++) {
        size_t first = s->start[q], end = s->start[q + 1];
        for (size_t t = first; t < end;) {
            size_t step_end = t + 1;
            while (step_end < end && !step_starts(s, c->baskets, step_end, first))
                step_end++;
            size_t k = t > first ? source_of(c, first, t) : 0;
            for (size_t a = 0; a < k; a++) {
                float xa = c->mark[c->list[a]];
                float *row = gram + (size_t)c->list[a] * n;
                for (size_t b = 0; b < k; b++)
                    row[c->list[b]] += xa * c->mark[c->list[b]];
            }
            for (size_t y = t; y < step_end; y++)
                for (size_t a = 0; a < k; a++)
                    cross_t[(size_t)s->item[y] * n + (size_t)c->list[a]] += c->mark[c->list[a]];
            for (size_t a = 0; a < k; a++)
                c->mark[c->list[a]] = 0;
            t = step_end;
        }
    }
}

/* weights += mix N, N = (S'S + l2 I)^-1 S'Y by Cholesky. */
static rs_status add_next_weights(const rs_reco_data *d, double l2, double mix, float *weights, rs_error *err)
{
    const rs_sequences *s = d->seq;
    size_t n = s->n_items;
    source_ctx c = {s, rs_params_int(d->p, "baskets") != 0, (float)rs_params_real(d->p, "recency"),
                    (size_t)rs_params_int(d->p, "next-window"), NULL, NULL};
    float *gram = calloc(n * n + 1, sizeof *gram), *cross_t = calloc(n * n + 1, sizeof *cross_t);
    c.mark = calloc(n + 1, sizeof *c.mark);
    c.list = malloc((c.window + 1) * sizeof *c.list);
    rs_status st = RS_OK;
    if (!gram || !cross_t || !c.mark || !c.list) {
        st = rs_error_nomem(err);
        goto done;
    }
    accumulate_steps(&c, gram, cross_t);
    for (size_t j = 0; j < n; j++)
        gram[j * n + j] += (float)l2;
    int nn = (int)n, info = 0;
    rs_blas_threads(d->p->threads);
    spotrf_("L", &nn, gram, &nn, &info);
    if (info == 0)   /* column-major, cross_t is S'Y: solved in place into N (column y: what reaches y) */
        spotrs_("L", &nn, &nn, gram, &nn, cross_t, &nn, &info);
    rs_blas_threads(1);
    if (info != 0) {
        st = rs_error_set(err, RS_EDATA, NULL, 0, "seqease: S'S + l2 I is not positive definite (raise --l2)");
        goto done;
    }
    for (size_t i = 0; i < n; i++)   /* weights row i: what item i adds to every item y */
        for (size_t y = 0; y < n; y++)
            weights[i * n + y] += (float)mix * cross_t[y * n + i];
done:
    free(gram), free(cross_t), free(c.mark), free(c.list);
    return st;
}

static rs_status seqease_train(rs_reco_data *d, rs_model *m, rs_error *err)
{
    float *weights = NULL;
    double l2 = 0, mix = rs_params_real(d->p, "next");
    if (rs_model_set_f64(m, "recency", rs_params_real(d->p, "recency"), err) != RS_OK ||
        rs_model_set_i64(m, "baskets", rs_params_int(d->p, "baskets"), err) != RS_OK ||
        rs_model_set_f64(m, "next", mix, err) != RS_OK ||
        rs_model_set_i64(m, "next_window", rs_params_int(d->p, "next-window"), err) != RS_OK)
        return err->code;
    if (rs_ease_weights(&d->ui, 1, d->p->l2, d->p->threads, &weights, &l2, err) != RS_OK)
        return err->code;
    if (rs_model_set_f64(m, "l2", l2, err) != RS_OK || (mix > 0 && add_next_weights(d, l2, mix, weights, err))) {
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

/* The dense decayed histories of a block (RS_RECO_BLOCK x n_items floats),
 * then one pair's history (n_items, kept zero between pairs) and its items
 * (n_items int32). */
static void *seqease_work_new(const rs_reco_base *b, const void *state)
{
    (void)state;
    return calloc((RS_RECO_BLOCK + 2) * b->n_items + 1, sizeof(float));
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

/* One pair: the decayed history in the pair row after the block (cleared
 * again after: score_block leaves its rows filled), its items listed after. */
static float seqease_score_pair(const rs_reco_base *b, const void *state, const rs_reco_query *q, int32_t item,
                                void *work)
{
    float s;
    if (rs_reco_pair_fallback(b, q, item, &s))
        return s;
    const seqease_state *st = state;
    float *row = (float *)work + RS_RECO_BLOCK * b->n_items;
    int32_t *set = (int32_t *)(row + b->n_items);
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
    {"next", "0", 0, INFINITY, 0, 0, RS_SEARCH_LINEAR, 0, 4, NULL, RS_OPTION_REAL, "X", NULL,
     "seqease: add X times the next-step weights (each step regressed on the decayed steps before it)"},
    {"next-window", "50", 1, 100000, 0, 0, RS_SEARCH_INT, 10, 200, NULL, RS_OPTION_INT, "N", NULL,
     "seqease --next: a step's source is at most the N events before it"},
    {"baskets", "off", 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_OPTION_FLAG, NULL, NULL,
     "markov, seqease: a step is a basket (one time, or --basket-col), not an item"},
    {NULL},
};

const rs_kind rs_kind_seqease = {
    .name = "seqease",
    .family = RS_FAMILY_RECOMMENDER,
    .summary = "next item/basket: EASE over a recency-decayed history (--recency)",
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
