/* wrap.h — what a kind that holds other models needs (uplift's outcome
 * models, egreedy's reward model per action): fitting an inner kind on a
 * dataset, and loading an inner model nested in a model file (io/model.h
 * rs_model_nest) with the kinds a wrapper can hold.  Kind files never call
 * the registry: the inner kind comes in rs_params.inner when training, and
 * is found here by name when loading. */
#ifndef RS_WRAP_H
#define RS_WRAP_H

#include "models/kind.h"

/* A nested inner model, loaded for scoring. */
typedef struct {
    rs_model *view;          /* the nested view into the parent's mapping */
    const rs_kind *kind;
    void *state;             /* the kind's loaded state */
} rs_wrapped;

/* kind fitted on d with p (features constant over d's rows, or marked in
 * all, get weight 0), as a new model in *out. */
rs_status rs_wrap_fit(const rs_kind *kind, const rs_params *p, const rs_dataset *d, const unsigned char *all,
                      rs_model **out, rs_error *err);
/* kind's predictions of model (loaded or just fitted) for d's rows (n_rows). */
rs_status rs_wrap_predict(const rs_kind *kind, const rs_model *model, const rs_dataset *d, double *out,
                          rs_error *err);
/* The model nested under prefix in m, loaded: a kind a wrapper cannot hold
 * (logreg, linreg, gbdt) is an error. */
rs_status rs_wrapped_load(rs_wrapped *w, const rs_model *m, const char *prefix, size_t n_features, rs_error *err);
void rs_wrapped_unload(rs_wrapped *w);

/* The two option-table entries every wrapper kind shares: --inner (one of
 * choices, default logreg) and --inner-options.  The help lines are one
 * text, since --help shows an option once for all kinds. */
#define RS_WRAP_INNER_OPTIONS(choices)                                                                        \
    {"inner", "logreg", 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_OPTION_CHOICE, "KIND", choices,           \
     "uplift (logreg or gbdt), egreedy: the kind of the inner models"},                                      \
    {"inner-options", NULL, 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_OPTION_TEXT, "'OPTS'", NULL,          \
     "uplift, egreedy: options of the inner kind, e.g. '--l2 10'"}

#endif
