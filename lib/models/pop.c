/* pop.c — popularity: interactions per item (with --recent, the last DAYS
 * before the newest interaction).  The shared training (reco.c) counts
 * them for every kind as the fallback; for pop they are the model. */
#include "models/kind.h"

#include <math.h>
#include <string.h>

static void pop_score_block(const rs_reco_base *b, const void *state, const rs_reco_query *q, size_t n,
                            float *scores, void *work)
{
    (void)state, (void)q, (void)work;
    for (size_t i = 0; i < n; i++)
        memcpy(scores + i * b->n_items, b->popularity, b->n_items * sizeof *scores);
}

static float pop_score_pair(const rs_reco_base *b, const void *state, const rs_reco_query *q, int32_t item,
                            void *work)
{
    (void)state, (void)q, (void)work;
    return item < 0 ? 0 : b->popularity[item];
}

static const rs_kind_option pop_options[] = {
    {"recent", NULL, 0, INFINITY, 1, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_SHARED},
    {NULL},
};

const rs_kind rs_kind_pop = {
    .name = "pop",
    .family = RS_FAMILY_RECOMMENDER,
    .summary = "popularity: interactions per item (--recent DAYS: the last DAYS)",
    .options = pop_options,
    .flags = RS_KIND_SERVES_ALL,
    .quick_args = "",
    .score_block = pop_score_block,
    .score_pair = pop_score_pair,
};
