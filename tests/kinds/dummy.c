/* dummy.c — a model kind built only by the test of "How to add a model
 * kind" (tests/85-kinds.bats): it is this file plus the line
 * RS_KIND(dummy) in lib/models/kinds.def, nothing else.  It scores an item
 * by its interaction count times --dummy-scale. */
#include "models/kind.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
    double scale;
} dummy_model;

static rs_status dummy_train(rs_reco_data *d, rs_model *m, rs_error *err)
{
    return rs_model_set_f64(m, "dummy_scale", rs_params_real(d->p, "dummy-scale"), err);
}

static void *dummy_load(const rs_reco_base *b, rs_error *err)
{
    dummy_model *dm = calloc(1, sizeof *dm);
    if (!dm) {
        rs_error_nomem(err);
        return NULL;
    }
    if (rs_model_get_f64(b->model, "dummy_scale", &dm->scale, err) != RS_OK) {
        free(dm);
        return NULL;
    }
    return dm;
}

static void dummy_score_block(const rs_reco_base *b, const void *state, const rs_reco_query *q, size_t n,
                              float *scores, void *work)
{
    (void)q, (void)work;
    const dummy_model *dm = state;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < b->n_items; j++)
            scores[i * b->n_items + j] = (float)(dm->scale * b->popularity[j]);
}

static float dummy_score_pair(const rs_reco_base *b, const void *state, const rs_reco_query *q, int32_t item,
                              void *work)
{
    (void)q, (void)work;
    const dummy_model *dm = state;
    return item < 0 ? 0 : (float)(dm->scale * b->popularity[item]);
}

static const rs_kind_option dummy_options[] = {
    {"dummy-scale", "1", 0, INFINITY, 1, 0, RS_SEARCH_LOG, 0.1, 10, NULL, RS_OPTION_REAL, "X", NULL,
     "the dummy kind's score per interaction"},
    {NULL},
};

const rs_kind rs_kind_dummy = {
    .name = "dummy",
    .family = RS_FAMILY_RECOMMENDER,
    .summary = "a test kind: interactions per item times --dummy-scale",
    .options = dummy_options,
    .flags = RS_KIND_SERVES_ALL,
    .quick_args = "",
    .train_interactions = dummy_train,
    .reco_load = dummy_load,
    .score_block = dummy_score_block,
    .score_pair = dummy_score_pair,
    .unload = free,
};
