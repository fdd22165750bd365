/* reco_base.c — what the recommender kinds share when they score: where a
 * query's history comes from, and the pair fallbacks. */
#include "models/kind.h"

int rs_reco_source(const rs_reco_base *b, const rs_reco_query *q)
{
    if (b->flags & RS_KIND_SERVES_ALL)
        return 0;
    if (q->items && (b->flags & RS_KIND_FOLDS_IN))
        return 1;
    return q->user >= 0 ? 0 : -1;
}

size_t rs_reco_history(const rs_reco_base *b, const rs_reco_query *q, const int32_t **items, const float **values)
{
    if (rs_reco_source(b, q) == 1) {
        *items = q->items;
        *values = q->values;
        return q->n_items;
    }
    return rs_reco_base_seen(b, q->user, items, values);
}

size_t rs_reco_base_seen(const rs_reco_base *b, int32_t user, const int32_t **items, const float **values)
{
    *items = b->seen.idx + b->seen.ptr[user];
    *values = b->seen.val + b->seen.ptr[user];
    return (size_t)(b->seen.ptr[user + 1] - b->seen.ptr[user]);
}

int rs_reco_pair_fallback(const rs_reco_base *b, const rs_reco_query *q, int32_t item, float *score)
{
    if (item < 0) {
        *score = 0;
        return 1;
    }
    if (rs_reco_source(b, q) < 0) {
        *score = b->popularity[item];
        return 1;
    }
    return 0;
}

float rs_reco_pair_from_history(const rs_reco_base *b, const rs_kind *kind, const void *state,
                                const rs_reco_query *q, int32_t item)
{
    float s = 0;
    if (rs_reco_pair_fallback(b, q, item, &s))
        return s;
    const int32_t *items;
    const float *values;
    size_t h = rs_reco_history(b, q, &items, &values);
    for (size_t t = 0; t < h; t++)
        s += values[t] * kind->contribution(b, state, items[t], item);
    return s;
}
