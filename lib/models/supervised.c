/* supervised.c — one interface over linreg, logreg and mlp (supervised.h):
 * the checks every kind needs, the model header they share, and scoring. */
#include "models/supervised.h"


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

rs_model *rs_sup_train_new(const rs_dataset *train, const rs_params *p, rs_error *err)
{
    const rs_kind *kind = rs_kind_find(p->kind);
    if (!kind || kind->family != RS_FAMILY_SUPERVISED) {
        rs_error_set(err, RS_EUSAGE, NULL, 0, "--model '%s' is not a supervised kind", p->kind);
        return NULL;
    }
    unsigned char *constant = calloc(train->n_features + 1, 1);
    rs_model *m = rs_model_new(p->kind);
    rs_status st = !constant || !m ? rs_error_nomem(err) : RS_OK;
    if (st == RS_OK)
        st = rs_check_features(train, constant, err);
    if (st == RS_OK)
        st = rs_sup_header(m, train, p, err);
    if (st == RS_OK)
        st = kind->train_rows(train, p, constant, m, err);
    free(constant);
    if (st != RS_OK) {
        rs_model_free(m);
        return NULL;
    }
    return m;
}

/* ---- scoring ----------------------------------------------------------- */

struct rs_scorer {
    const rs_kind *kind;
    void *state;            /* the kind's */
    size_t n_features;
    char **names;           /* (n_features) NUL-terminated */
    rs_idmap **categories;  /* RS_KIND_MIXED: (n_features), NULL for numbers */
};

/* A mixed model's categories (feature_types and categories.J). */
static rs_status load_categories(rs_scorer *s, const rs_model *m, rs_error *err)
{
    const char *types = rs_model_get(m, "feature_types");
    if (!(s->categories = calloc(s->n_features, sizeof *s->categories)))
        return rs_error_nomem(err);
    if (!types)   /* every feature numeric */
        return RS_OK;
    if (strlen(types) != 2 * s->n_features - 1)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's feature_types does not list %zu features",
                            s->n_features);
    for (size_t j = 0; j < s->n_features; j++) {
        char name[64];
        snprintf(name, sizeof name, "categories.%zu", j);
        if (types[2 * j] == 'c' && !(s->categories[j] = rs_model_ids_new(m, name, err)))
            return err->code;
        if (types[2 * j] != 'c' && types[2 * j] != 'n')
            return rs_error_set(err, RS_EDATA, NULL, 0, "the model's feature_types is damaged");
    }
    return RS_OK;
}

static rs_status load_names(rs_scorer *s, const rs_model *m, rs_error *err)
{
    int64_t n_features;
    if (rs_model_get_i64(m, "n_features", &n_features, err) != RS_OK)
        return err->code;
    rs_idmap *names = rs_model_ids_new(m, "features", err);
    if (!names)
        return err->code;
    rs_status st = RS_OK;
    if (n_features < 1 || rs_idmap_size(names) != n_features)
        st = rs_error_set(err, RS_EDATA, NULL, 0, "the model says n_features %lld but holds %d feature names",
                          (long long)n_features, rs_idmap_size(names));
    else if (!(s->names = calloc((size_t)n_features, sizeof *s->names)))
        st = rs_error_nomem(err);
    else
        s->n_features = (size_t)n_features;
    for (size_t j = 0; st == RS_OK && j < s->n_features; j++) {
        size_t len;
        const char *key = rs_idmap_key(names, (int32_t)j, &len);
        if (!(s->names[j] = strndup(key, len)))
            st = rs_error_nomem(err);
    }
    rs_idmap_free(names);
    return st;
}

rs_scorer *rs_scorer_new(const rs_model *m, rs_error *err)
{
    const char *name = rs_model_kind(m);
    rs_scorer *s = calloc(1, sizeof *s);
    if (!s) {
        rs_error_nomem(err);
        return NULL;
    }
    rs_status st = rs_kind_of_model(name, &s->kind, err);
    if (st != RS_OK)
        s->kind = NULL;
    else if (s->kind->family != RS_FAMILY_SUPERVISED)
        st = rs_error_set(err, RS_EUSAGE, NULL, 0,
                          "a %s model does not score feature rows (it scores user,item pairs or "
                          "recommends: rs-recommend)", name);
    else if (load_names(s, m, err) != RS_OK)
        st = err->code;
    else if ((s->kind->flags & RS_KIND_MIXED) && load_categories(s, m, err) != RS_OK)
        st = err->code;
    else if (!(s->state = s->kind->rows_load(m, s->n_features, err)))
        st = err->code;
    if (st != RS_OK) {
        rs_scorer_free(s);
        return NULL;
    }
    return s;
}

void rs_scorer_free(rs_scorer *s)
{
    if (!s)
        return;
    for (size_t j = 0; s->names && j < s->n_features; j++)
        free(s->names[j]);
    free(s->names);
    for (size_t j = 0; s->categories && j < s->n_features; j++)
        rs_idmap_free(s->categories[j]);
    free(s->categories);
    if (s->state)
        s->kind->unload(s->state);
    free(s);
}

size_t rs_scorer_n_features(const rs_scorer *s)
{
    return s->n_features;
}

const char *rs_scorer_feature(const rs_scorer *s, size_t j)
{
    return s->names[j];
}

int rs_scorer_is_probability(const rs_scorer *s)
{
    return s->kind->rows_probability(s->state);
}

size_t rs_scorer_outputs(const rs_scorer *s)
{
    return s->kind->rows_outputs ? s->kind->rows_outputs(s->state) : 1;
}

const char *rs_scorer_output(const rs_scorer *s, size_t j)
{
    return s->kind->rows_output_name ? s->kind->rows_output_name(s->state, j) : "score";
}

void rs_scorer_score(rs_scorer *s, const float *rows, size_t n, double *scores)
{
    s->kind->rows_score(s->state, rows, n, scores);
}

rs_status rs_scorer_parse(const rs_scorer *s, const rs_table *t, const rs_record *rec, const size_t *cols,
                          const unsigned char *skip, float *row, rs_error *err)
{
    if (!skip)
        return s->categories ? rs_row_parse_mixed(t, rec, cols, s->n_features, s->categories, row, err)
                             : rs_row_parse(t, rec, cols, s->n_features, row, err);
    for (size_t j = 0; j < s->n_features; j++) {
        if (skip[j])
            continue;
        if (s->categories ? rs_row_parse_mixed(t, rec, cols + j, 1, s->categories + j, row + j, err)
                          : rs_row_parse(t, rec, cols + j, 1, row + j, err))
            return err->code;
    }
    return RS_OK;
}

int rs_scorer_reads_missing(const rs_scorer *s)
{
    return s->categories != NULL;
}

int rs_scorer_categorical(const rs_scorer *s, size_t j)
{
    return s->categories && s->categories[j];
}

int rs_scorer_parallel(const rs_scorer *s)
{
    return (s->kind->flags & RS_KIND_PARALLEL_SCORE) != 0;
}

int rs_scorer_can_explain(const rs_scorer *s)
{
    return s->kind->rows_explain != NULL;
}

void rs_scorer_explain(rs_scorer *s, const float *rows, size_t n, double *contrib)
{
    s->kind->rows_explain(s->state, rows, n, contrib);
}

int rs_scorer_has_outcomes(const rs_scorer *s)
{
    return s->kind->rows_outcomes != NULL;
}

void rs_scorer_outcomes(rs_scorer *s, const float *rows, size_t n, double *outcomes)
{
    s->kind->rows_outcomes(s->state, rows, n, outcomes);
}

int rs_scorer_importance(const rs_scorer *s, double *gain, double *splits)
{
    if (!s->kind->rows_importance)
        return 0;
    s->kind->rows_importance(s->state, gain, splits);
    return 1;
}

int rs_scorer_is_policy(const rs_scorer *s)
{
    return s->kind->rows_choose != NULL;
}

void rs_scorer_choose(rs_scorer *s, const float *rows, size_t n, uint64_t seed, int32_t *action,
                      double *propensity)
{
    s->kind->rows_choose(s->state, rows, n, seed, action, propensity);
}

size_t rs_scorer_n_actions(const rs_scorer *s)
{
    return s->kind->rows_actions ? s->kind->rows_actions(s->state) : 0;
}

void rs_scorer_action_probs(rs_scorer *s, const float *rows, size_t n, double *probs)
{
    s->kind->rows_action_probs(s->state, rows, n, probs);
}
