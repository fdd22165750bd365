/* buyagain.c — the repeat-purchase baseline: each customer's own most
 * frequent items,
 *   score(j) = the user's summed value of j (interactions, without a value
 *              column) + popularity(j) / (top popularity + 1),
 * so every item bought before ranks above every other, and the rest follow
 * popularity.  Nothing to train: the seen matrix and popularity every
 * recommender model holds are the model.  Useful with rs-recommend
 * --include-seen (else the bought items are filtered out and only the
 * popularity order is left). */
#include "models/kind.h"

#include <stdlib.h>

typedef struct {
    float scale;   /* 1 / (top popularity + 1) */
} buyagain_state;

static void *buyagain_load(const rs_reco_base *b, rs_error *err)
{
    buyagain_state *st = malloc(sizeof *st);
    if (!st) {
        rs_error_nomem(err);
        return NULL;
    }
    float top = 0;
    for (size_t i = 0; i < b->n_items; i++)
        top = b->popularity[i] > top ? b->popularity[i] : top;
    st->scale = 1.0f / (top + 1.0f);
    return st;
}

static void buyagain_score_row(const rs_reco_base *b, const void *state, const rs_reco_query *q, float *row,
                               void *work)
{
    (void)work;
    const buyagain_state *st = state;
    for (size_t i = 0; i < b->n_items; i++)
        row[i] = st->scale * b->popularity[i];
    const int32_t *items;
    const float *values;
    size_t h = rs_reco_history(b, q, &items, &values);
    for (size_t t = 0; t < h; t++)
        row[items[t]] += values[t];
}

static float buyagain_score_pair(const rs_reco_base *b, const void *state, const rs_reco_query *q, int32_t item,
                                 void *work)
{
    (void)work;
    float s;
    if (rs_reco_pair_fallback(b, q, item, &s))
        return s;
    const int32_t *items;
    const float *values;
    size_t h = rs_reco_history(b, q, &items, &values);
    s = ((const buyagain_state *)state)->scale * b->popularity[item];
    for (size_t t = 0; t < h; t++)
        if (items[t] == item)
            s += values[t];
    return s;
}

static const rs_kind_option buyagain_options[] = {
    {NULL},
};

const rs_kind rs_kind_buyagain = {
    .name = "buyagain",
    .family = RS_FAMILY_RECOMMENDER,
    .summary = "repeat purchases: the user's most frequent items, then popularity",
    .options = buyagain_options,
    .flags = RS_KIND_FOLDS_IN,
    .quick_args = "",
    .reco_load = buyagain_load,
    .score_row = buyagain_score_row,
    .score_pair = buyagain_score_pair,
    .unload = free,
};
