/* markov.c — next item from the last few steps of a sequence.
 *
 * Training counts transitions between consecutive steps of every
 * sequence (io/sequences.h): a step is an item, or with --baskets a basket,
 * and every item of a step counts once towards every item of the next:
 *   c(i, j) = number of times j's step directly follows a step holding i,
 *   T(i, j) = c(i, j) / (c(i, .) + shrink)            ("trans", items x items).
 * Scoring a sequence whose last --steps steps are S_1 (most recent) .. S_k:
 *   score(j) = sum_l decay^(l-1) mean_{i in S_l} T(i, j)
 *              + backoff popularity(j) / max popularity,
 * so items no transition reaches are ranked by popularity (the back-off). */
#include "models/kind.h"
#include "io/sequences.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- training ----------------------------------------------------------- */

/* Step boundaries of sequence q: a new step at each event (items) or each
 * new basket number (--baskets). */
static int new_step(const rs_sequences *s, size_t t, size_t first, int baskets)
{
    return t == first || !baskets || s->basket[t] != s->basket[t - 1];
}

/* The (from, to) pairs of one sequence into from/to (counting only when
 * they are NULL); returns the number of pairs. */
static size_t sequence_pairs(const rs_sequences *s, size_t q, int baskets, int32_t *from, int32_t *to)
{
    size_t n = 0, a = s->start[q], end = s->start[q + 1];
    size_t prev_begin = a, prev_end = a;   /* the previous step [prev_begin, prev_end) */
    for (size_t t = a; t < end;) {
        size_t step_end = t + 1;
        while (step_end < end && !new_step(s, step_end, a, baskets))
            step_end++;
        for (size_t i = prev_begin; i < prev_end; i++)
            for (size_t j = t; j < step_end; j++, n++)
                if (from)
                    from[n] = s->item[i], to[n] = s->item[j];
        prev_begin = t, prev_end = step_end;
        t = step_end;
    }
    return n;
}

static rs_status markov_train(rs_reco_data *d, rs_model *m, rs_error *err)
{
    const rs_sequences *s = d->seq;
    int baskets = rs_params_int(d->p, "baskets") != 0;
    double shrink = d->p->shrink;
    size_t n_pairs = 0;
    for (size_t q = 0; q < s->n_seq; q++)
        n_pairs += sequence_pairs(s, q, baskets, NULL, NULL);
    if (n_pairs >= INT32_MAX)
        return rs_error_set(err, RS_EDATA, NULL, 0, "too many transitions (%zu) for one model", n_pairs);
    int32_t *from = malloc((n_pairs + 1) * sizeof *from), *to = malloc((n_pairs + 1) * sizeof *to);
    if (!from || !to) {
        free(from), free(to);
        return rs_error_nomem(err);
    }
    for (size_t q = 0, n = 0; q < s->n_seq; q++)
        n += sequence_pairs(s, q, baskets, from + n, to + n);
    rs_csr trans = {0};
    rs_status st = rs_csr_from_triples_j(&trans, s->n_items, s->n_items, from, to, NULL, n_pairs, d->p->threads, err);
    free(from), free(to);
    if (st != RS_OK)
        return st;
    for (size_t i = 0; i < s->n_items; i++) {
        double total = 0;
        for (int32_t k = trans.ptr[i]; k < trans.ptr[i + 1]; k++)
            total += trans.val[k];
        for (int32_t k = trans.ptr[i]; k < trans.ptr[i + 1]; k++)
            trans.val[k] = (float)(trans.val[k] / (total + shrink));
    }
    if (rs_model_set_i64(m, "n_transitions", (int64_t)n_pairs, err) != RS_OK) {
        rs_csr_free(&trans);
        return err->code;
    }
    return rs_model_adopt_csr(m, "trans", &trans, err);
}

/* ---- scoring ------------------------------------------------------------ */

typedef struct {
    rs_csr trans;       /* view into the model */
    size_t steps;
    int baskets;
    float decay, backoff_scale;   /* backoff / max popularity */
    float *backoff_row;           /* (n_items) backoff_scale x popularity: each row's start */
} markov_state;

static void markov_unload(void *state)
{
    markov_state *st = state;
    if (st)
        free(st->backoff_row);
    free(st);
}

static void *markov_load(const rs_reco_base *b, rs_error *err)
{
    markov_state *st = calloc(1, sizeof *st);
    if (!st) {
        rs_error_nomem(err);
        return NULL;
    }
    int64_t steps, baskets;
    double decay, backoff;
    if (rs_model_csr(b->model, "trans", b->n_items, b->n_items, &st->trans, err) ||
        rs_model_get_i64(b->model, "steps", &steps, err) || rs_model_get_i64(b->model, "baskets", &baskets, err) ||
        rs_model_get_f64(b->model, "decay", &decay, err) || rs_model_get_f64(b->model, "backoff", &backoff, err)) {
        free(st);
        return NULL;
    }
    float top = 0;
    for (size_t i = 0; i < b->n_items; i++)
        top = b->popularity[i] > top ? b->popularity[i] : top;
    st->steps = steps > 0 ? (size_t)steps : 1;
    st->baskets = baskets != 0;
    st->decay = (float)decay;
    st->backoff_scale = top > 0 ? (float)(backoff / top) : 0;
    if (!(st->backoff_row = malloc((b->n_items + 1) * sizeof *st->backoff_row))) {
        free(st);
        rs_error_nomem(err);
        return NULL;
    }
    for (size_t i = 0; i < b->n_items; i++)
        st->backoff_row[i] = st->backoff_scale * b->popularity[i];
    return st;
}

/* Calls add(ctx, item, weight) for every item of the last steps of q's
 * sequence, weight decay^(l-1) / |S_l|; returns the steps seen. */
typedef void (*step_item_fn)(void *ctx, int32_t item, float weight);

static size_t each_recent_item(const markov_state *st, const rs_reco_query *q, step_item_fn add, void *ctx)
{
    size_t end = q->n_sequence, l = 0;
    float w = 1;
    while (end > 0 && l < st->steps) {
        size_t begin = end - 1;
        if (st->baskets && q->sequence_basket)
            while (begin > 0 && q->sequence_basket[begin - 1] == q->sequence_basket[end - 1])
                begin--;
        float each = w / (float)(end - begin);
        for (size_t t = begin; t < end; t++)
            add(ctx, q->sequence[t], each);
        end = begin, l++, w *= st->decay;
    }
    return l;
}

typedef struct {
    const markov_state *st;
    float *row;
} row_ctx;

static void add_row(void *ctx, int32_t item, float weight)
{
    row_ctx *c = ctx;
    const rs_csr *tr = &c->st->trans;
    for (int32_t k = tr->ptr[item]; k < tr->ptr[item + 1]; k++)
        c->row[tr->idx[k]] += weight * tr->val[k];
}

/* Each row starts as the back-off (one copy, no separate zeroing pass),
 * then the transitions out of the recent steps are added. */
static void markov_score_block(const rs_reco_base *b, const void *state, const rs_reco_query *q, size_t n,
                               float *scores, void *work)
{
    (void)work;
    const markov_state *st = state;
    for (size_t i = 0; i < n; i++) {
        if (rs_reco_source(b, &q[i]) < 0)
            continue;   /* overwritten with popularity by the caller */
        row_ctx c = {st, scores + i * b->n_items};
        memcpy(c.row, st->backoff_row, b->n_items * sizeof *c.row);
        each_recent_item(st, &q[i], add_row, &c);
    }
}

typedef struct {
    const markov_state *st;
    int32_t item;
    float sum;
} pair_ctx;

static void add_pair(void *ctx, int32_t item, float weight)
{
    pair_ctx *c = ctx;
    int32_t at = rs_csr_find(&c->st->trans, (size_t)item, c->item);
    if (at >= 0)
        c->sum += weight * c->st->trans.val[at];
}

static float markov_score_pair(const rs_reco_base *b, const void *state, const rs_reco_query *q, int32_t item,
                               void *work)
{
    (void)work;
    float s;
    if (rs_reco_pair_fallback(b, q, item, &s))
        return s;
    const markov_state *st = state;
    pair_ctx c = {st, item, 0};
    each_recent_item(st, q, add_pair, &c);
    return c.sum + st->backoff_scale * b->popularity[item];
}

/* Similar items: the transitions out of item (what follows it). */
static void markov_similar(const rs_reco_base *b, const void *state, int32_t item, float *scores)
{
    (void)b;
    const rs_csr *tr = &((const markov_state *)state)->trans;
    for (int32_t k = tr->ptr[item]; k < tr->ptr[item + 1]; k++)
        scores[tr->idx[k]] = tr->val[k];
}

/* The options go to the header for scoring. */
static rs_status markov_train_all(rs_reco_data *d, rs_model *m, rs_error *err)
{
    const rs_params *p = d->p;
    if (rs_model_set_i64(m, "steps", rs_params_int(p, "steps"), err) ||
        rs_model_set_i64(m, "baskets", rs_params_int(p, "baskets"), err) ||
        rs_model_set_f64(m, "decay", rs_params_real(p, "decay"), err) ||
        rs_model_set_f64(m, "backoff", rs_params_real(p, "backoff"), err) ||
        rs_model_set_f64(m, "shrink", p->shrink, err))
        return err->code;
    return markov_train(d, m, err);
}

static const rs_kind_option markov_options[] = {
    {"steps", "1", 1, 1000, 0, 0, RS_SEARCH_INT, 1, 8, NULL, RS_OPTION_INT, "N", NULL,
     "markov, sknn: read the last N steps (items; markov --baskets: baskets)"},
    {"decay", "0.5", 0, 1, 1, 0, RS_SEARCH_LINEAR, 0.1, 1, NULL, RS_OPTION_REAL, "X", NULL,
     "markov: the l-th last step weighs X^(l-1)"},
    {"shrink", "0", 0, INFINITY, 0, 0, RS_SEARCH_LINEAR, 0, 20, NULL, RS_SHARED},
    {"backoff", "0.01", 0, INFINITY, 0, 0, RS_SEARCH_LOG, 1e-4, 1, NULL, RS_OPTION_REAL, "X", NULL,
     "markov: add X popularity / top popularity (the back-off)"},
    {"baskets", "off", 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_OPTION_FLAG, NULL, NULL,
     "markov, seqease: a step is a basket (one time, or --basket-col), not an item"},
    {NULL},
};

const rs_kind rs_kind_markov = {
    .name = "markov",
    .family = RS_FAMILY_RECOMMENDER,
    .summary = "next item: decayed transitions from the last --steps items (baskets)",
    .options = markov_options,
    .flags = RS_KIND_FOLDS_IN | RS_KIND_ORDERED,
    .quick_args = "",
    .train_interactions = markov_train_all,
    .reco_load = markov_load,
    .score_block = markov_score_block,
    .score_pair = markov_score_pair,
    .similar = markov_similar,
    .unload = markov_unload,
};
