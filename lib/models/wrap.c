/* wrap.c — see wrap.h. */
#include "models/wrap.h"

#include <stdlib.h>
#include <string.h>

extern const rs_kind rs_kind_logreg, rs_kind_linreg, rs_kind_gbdt;
static const rs_kind *const wrappable[] = {&rs_kind_logreg, &rs_kind_linreg, &rs_kind_gbdt};

/* Features constant over d's rows or marked so in all. */
static unsigned char *constant_new(const rs_dataset *d, const unsigned char *all)
{
    unsigned char *c = calloc(d->n_features + 1, 1);
    for (size_t j = 0; c && j < d->n_features; j++) {
        int same = 1;
        for (size_t i = 1; i < d->n_rows && same && !all[j]; i++)
            same = d->x[i * d->n_features + j] == d->x[j];
        c[j] = all[j] || same;
    }
    return c;
}

rs_status rs_wrap_fit(const rs_kind *kind, const rs_params *p, const rs_dataset *d, const unsigned char *all,
                      rs_model **out, rs_error *err)
{
    unsigned char *constant = constant_new(d, all);
    rs_model *inner = rs_model_new(kind->name);
    rs_status st = constant && inner ? kind->train_rows(d, p, constant, inner, err) : rs_error_nomem(err);
    free(constant);
    if (st != RS_OK) {
        rs_model_free(inner);
        return st;
    }
    *out = inner;
    return RS_OK;
}

rs_status rs_wrap_predict(const rs_kind *kind, const rs_model *model, const rs_dataset *d, double *out,
                          rs_error *err)
{
    void *state = kind->rows_load(model, d->n_features, err);
    if (!state)
        return err->code;
    for (size_t i = 0; i < d->n_rows; i += RS_SCORE_BATCH) {
        size_t n = d->n_rows - i < RS_SCORE_BATCH ? d->n_rows - i : RS_SCORE_BATCH;
        kind->rows_score(state, d->x + i * d->n_features, n, out + i);
    }
    kind->unload(state);
    return RS_OK;
}

rs_status rs_wrapped_load(rs_wrapped *w, const rs_model *m, const char *prefix, size_t n_features, rs_error *err)
{
    memset(w, 0, sizeof *w);
    if (!(w->view = rs_model_nested_new(m, prefix, err)))
        return err->code;
    for (size_t i = 0; i < sizeof wrappable / sizeof wrappable[0] && !w->kind; i++)
        if (!strcmp(wrappable[i]->name, rs_model_kind(w->view)))
            w->kind = wrappable[i];
    if (!w->kind)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's %s model is of kind '%s', which a wrapper cannot hold",
                            prefix, rs_model_kind(w->view));
    if (!(w->state = w->kind->rows_load(w->view, n_features, err)))
        return err->code;
    return RS_OK;
}

void rs_wrapped_unload(rs_wrapped *w)
{
    if (w->state)
        w->kind->unload(w->state);
    rs_model_free(w->view);
    memset(w, 0, sizeof *w);
}
