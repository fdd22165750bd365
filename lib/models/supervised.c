/* supervised.c — one interface over linreg, logreg and mlp (supervised.h):
 * the checks every kind needs, the model header they share, and scoring. */
#include "models/supervised.h"


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A mixed table's feature types ("feature_types n,c,..."; c: categories)
 * and each text column's categories in code order ("categories.J"),
 * borrowed from d until the model is saved. */
static rs_status add_categories(rs_model *m, const rs_dataset *d, rs_error *err)
{
    char *types = malloc(2 * d->n_features);
    if (!types)
        return rs_error_nomem(err);
    for (size_t j = 0; j < d->n_features; j++) {
        types[2 * j] = d->categories[j] ? 'c' : 'n';
        types[2 * j + 1] = j + 1 < d->n_features ? ',' : 0;
    }
    rs_status st = rs_model_set(m, "feature_types", types, err);
    free(types);
    for (size_t j = 0; st == RS_OK && j < d->n_features; j++) {
        char name[64];
        snprintf(name, sizeof name, "categories.%zu", j);
        if (d->categories[j])
            st = rs_model_add_ids(m, name, d->categories[j], err);
    }
    return st;
}

static rs_status add_header(rs_model *m, const rs_dataset *d, const rs_params *p, rs_error *err)
{
    rs_idmap *names = rs_idmap_new();
    if (!names)
        return rs_error_nomem(err);
    for (size_t j = 0; j < d->n_features; j++) {
        int added = 0;
        const char *name = d->names.items[j];
        if (rs_idmap_intern(names, name, strlen(name), &added) < 0) {
            rs_idmap_free(names);
            return rs_error_nomem(err);
        }
        if (!added) {
            rs_idmap_free(names);
            return rs_error_set(err, RS_EDATA, NULL, 0, "two feature columns are named '%s'", name);
        }
    }
    if (d->categories && add_categories(m, d, err) != RS_OK) {
        rs_idmap_free(names);
        return err->code;
    }
    const char *id = p->id ? p->id : d->id_name;
    if (rs_model_set(m, "label", p->label, err) || (id && rs_model_set(m, "id", id, err)) ||
        rs_model_set_i64(m, "train_rows", (int64_t)d->n_rows, err) ||
        rs_model_set_i64(m, "n_features", (int64_t)d->n_features, err)) {
        rs_idmap_free(names);
        return err->code;
    }
    if (d->classes && (rs_model_set_i64(m, "n_classes", (int64_t)rs_dataset_n_classes(d), err) ||
                       rs_model_add_ids(m, "classes", d->classes, err))) {
        rs_idmap_free(names);
        return err->code;
    }
    return rs_model_adopt_ids(m, "features", names, err);
}

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
        st = add_header(m, train, p, err);
    if (st == RS_OK)
        st = kind->train_rows(train, p, constant, m, err);
    free(constant);
    if (st != RS_OK) {
        rs_model_free(m);
        return NULL;
    }
    return m;
}

struct rs_sup_passes {
    rs_dataset_passes *table;
    const char *valid_path;
    const rs_table_options *opt;
    const rs_dataset_spec *spec;
    const rs_params *p;
    rs_model *m;
    unsigned char *constant;   /* (n_features) */
    float *first;              /* (n_features) the first row's */
    rs_dataset *valid;
    rs_row_fn fn;              /* the kind's, during the first read */
    void *ctx;
};

/* The first read: each feature compared with the first row's, then the
 * row to the kind. */
static rs_status first_read_row(void *ctx, const rs_dataset *d, size_t i, const float *row, rs_error *err)
{
    rs_sup_passes *in = ctx;
    size_t dim = d->n_features;
    if (i == 0) {
        if (!(in->constant = malloc(dim + 1)) || !(in->first = malloc((dim + 1) * sizeof *in->first)))
            return rs_error_nomem(err);
        memset(in->constant, 1, dim);
        memcpy(in->first, row, dim * sizeof *row);
    }
    for (size_t j = 0; j < dim; j++)
        in->constant[j] &= row[j] == in->first[j] || (isnan(row[j]) && isnan(in->first[j]));
    return in->fn(in->ctx, d, i, row, err);
}

rs_status rs_sup_passes_read(rs_sup_passes *in, rs_row_fn fn, void *ctx, rs_error *err)
{
    if (rs_dataset_passes_data(in->table))
        return rs_dataset_passes_read(in->table, fn, ctx, err);
    in->fn = fn, in->ctx = ctx;
    if (rs_dataset_passes_read(in->table, first_read_row, in, err) != RS_OK)
        return err->code;
    const rs_dataset *d = rs_dataset_passes_data(in->table);
    if (!in->constant)
        return rs_error_set(err, RS_EDATA, NULL, 0, "no data rows");
    if (rs_report_constant(d, in->constant, in->first, err) != RS_OK || add_header(in->m, d, in->p, err) != RS_OK)
        return err->code;
    if (!in->valid_path)
        return RS_OK;
    rs_dataset_spec valid_spec = {.label = in->spec->label, .id = in->spec->id, .features = &d->names,
                                  .mixed = in->spec->mixed, .like = d, .classes = in->spec->classes};
    return (in->valid = rs_dataset_load(in->valid_path, in->opt, &valid_spec, err)) ? RS_OK : err->code;
}

rs_dataset *rs_sup_passes_dataset(rs_sup_passes *in)
{
    return rs_dataset_passes_data(in->table);
}

const unsigned char *rs_sup_passes_constant(const rs_sup_passes *in)
{
    return in->constant;
}

const rs_dataset *rs_sup_passes_valid(const rs_sup_passes *in)
{
    return in->valid;
}

rs_sup_passes *rs_sup_passes_open(const char *path, const rs_table_options *opt, const rs_dataset_spec *spec,
                                  const char *valid_path, rs_error *err)
{
    rs_sup_passes *in = calloc(1, sizeof *in);
    if (!in) {
        rs_error_nomem(err);
        return NULL;
    }
    *in = (rs_sup_passes){.valid_path = valid_path, .opt = opt, .spec = spec};
    if (!(in->table = rs_dataset_passes_open(path, opt, spec, err))) {
        free(in);
        return NULL;
    }
    return in;
}

rs_model *rs_sup_train_passes_new(rs_sup_passes *in, const rs_params *p, rs_error *err)
{
    const rs_kind *kind = rs_kind_find(p->kind);
    if (!kind || !kind->train_passes) {
        rs_error_set(err, RS_EUSAGE, NULL, 0, "--model '%s' does not train in passes", p->kind);
        return NULL;
    }
    in->p = p;
    rs_model *m = in->m = rs_model_new(p->kind);
    if (!m) {
        rs_error_nomem(err);
        return NULL;
    }
    rs_status st = kind->train_passes(in, p, m, err);
    in->m = NULL;
    if (st != RS_OK) {
        rs_model_free(m);
        return NULL;
    }
    return m;
}

void rs_sup_passes_free(rs_sup_passes *in)
{
    if (!in)
        return;
    rs_dataset_passes_free(in->table);
    rs_dataset_free(in->valid);
    free(in->constant), free(in->first);
    free(in);
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
