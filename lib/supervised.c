/* supervised.c — one interface over linreg, logreg and mlp (supervised.h):
 * the checks every kind needs, the model header they share, and scoring. */
#include "supervised.h"

#include "blas.h"
#include "models/mlp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rs_sup_params_default(rs_sup_params *p)
{
    memset(p, 0, sizeof *p);
    p->l2 = -1;   /* per kind: 1 for logreg (C = 1), 0 otherwise */
    p->class_weight[0] = p->class_weight[1] = 1;
    p->tol = 1e-6;
    p->max_iter = 0;
    p->dropout = 0;
    p->lr = 1e-3;
    p->epochs = 20;
    p->batch = 256;
    p->patience = 3;
    p->threads = 1;
    p->hidden[0] = 64;
    p->n_hidden = 1;
}

int rs_sup_kind_known(const char *kind)
{
    return !strcmp(kind, "linreg") || !strcmp(kind, "logreg") || !strcmp(kind, "mlp");
}

size_t rs_label_classes(const rs_dataset *d, size_t count[2])
{
    size_t first_other = 0;
    count[0] = count[1] = 0;
    for (size_t i = 0; i < d->n_rows; i++) {
        if (d->y[i] == 0 || d->y[i] == 1)
            count[d->y[i] == 1]++;
        else if (!first_other)
            first_other = i + 1;
    }
    return first_other;
}

rs_status rs_require_two_classes(const rs_dataset *d, const size_t count[2], rs_error *err)
{
    if (count[0] && count[1])
        return RS_OK;
    return rs_error_set(err, RS_EDATA, NULL, 0,
                        "the label has one class (every one of the %zu rows is %d): nothing to learn", d->n_rows,
                        count[1] ? 1 : 0);
}

rs_status rs_check_features(const rs_dataset *d, unsigned char *constant, rs_error *err)
{
    size_t dim = d->n_features, n_constant = 0;
    for (size_t j = 0; j < dim; j++) {
        float first = d->x[j];
        constant[j] = 1;
        for (size_t i = 1; i < d->n_rows && constant[j]; i++)
            constant[j] = d->x[i * dim + j] == first;
        if (constant[j]) {
            n_constant++;
            rs_warn(NULL, 0, "feature '%s' is constant (%g in every row): its weight is 0", d->names.items[j],
                    (double)first);
        }
    }
    if (n_constant == dim && d->n_rows > 1)
        return rs_error_set(err, RS_EDATA, NULL, 0, "every feature is constant: nothing to learn from");
    return RS_OK;
}

static rs_status add_header(rs_model *m, const rs_dataset *d, const rs_sup_params *p, rs_error *err)
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
    if (rs_model_set(m, "label", p->label, err) || (p->id && rs_model_set(m, "id", p->id, err)) ||
        rs_model_set_i64(m, "train_rows", (int64_t)d->n_rows, err) ||
        rs_model_set_i64(m, "n_features", (int64_t)d->n_features, err)) {
        rs_idmap_free(names);
        return err->code;
    }
    return rs_model_adopt_ids(m, "features", names, err);
}

rs_model *rs_sup_train_new(const rs_dataset *train, const rs_sup_params *params, rs_error *err)
{
    rs_sup_params p = *params;
    if (p.l2 < 0)
        p.l2 = !strcmp(p.kind, "logreg") ? 1 : 0;
    if (p.max_iter <= 0)
        p.max_iter = p.l1 > 0 || train->n_features + 1 > 1024 ? 1000 : 100;
    if (!rs_sup_kind_known(p.kind)) {
        rs_error_set(err, RS_EUSAGE, NULL, 0, "unknown --model '%s'", p.kind);
        return NULL;
    }
    unsigned char *constant = calloc(train->n_features + 1, 1);
    rs_model *m = rs_model_new(p.kind);
    rs_status st = !constant || !m ? rs_error_nomem(err) : RS_OK;
    if (st == RS_OK)
        st = rs_check_features(train, constant, err);
    if (st == RS_OK)
        st = add_header(m, train, &p, err);
    if (st == RS_OK)
        st = !strcmp(p.kind, "mlp") ? rs_mlp_train(train, &p, constant, m, err)
                                    : rs_linear_train(train, &p, constant, m, err);
    free(constant);
    if (st != RS_OK) {
        rs_model_free(m);
        return NULL;
    }
    return m;
}

/* ---- scoring ----------------------------------------------------------- */

enum { SCORE_LINEAR, SCORE_LOGISTIC, SCORE_MLP };

struct rs_scorer {
    int how;
    size_t n_features;
    rs_idmap *names;
    char **name_strs;
    const float *weights;  /* in the model's mapping */
    float bias;
    rs_mlp_shape shape;
    float *params, *mean, *scale, *xb, *z;
    rs_mlp_work *work;
};

static rs_status load_names(rs_scorer *s, const rs_model *m, rs_error *err)
{
    int64_t n_features;
    if (rs_model_get_i64(m, "n_features", &n_features, err) != RS_OK)
        return err->code;
    if (!(s->names = rs_model_ids_new(m, "features", err)))
        return err->code;
    if (n_features < 1 || rs_idmap_size(s->names) != n_features)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model says n_features %lld but holds %d feature names",
                            (long long)n_features, rs_idmap_size(s->names));
    s->n_features = (size_t)n_features;
    if (!(s->name_strs = calloc(s->n_features, sizeof *s->name_strs)))
        return rs_error_nomem(err);
    for (size_t j = 0; j < s->n_features; j++) {
        size_t len;
        const char *key = rs_idmap_key(s->names, (int32_t)j, &len);
        if (!(s->name_strs[j] = strndup(key, len)))
            return rs_error_nomem(err);
    }
    return RS_OK;
}

static rs_status load_linear(rs_scorer *s, const rs_model *m, rs_error *err)
{
    size_t rows, cols, brows, bcols;
    s->weights = rs_model_tensor(m, "weights", &rows, &cols);
    const float *bias = rs_model_tensor(m, "bias", &brows, &bcols);
    if (!s->weights || rows != 1 || cols != s->n_features || !bias || brows * bcols != 1)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's weights or bias tensor is missing or of the "
                                                    "wrong shape (expected 1 x %zu and 1 x 1)", s->n_features);
    s->bias = bias[0];
    return RS_OK;
}

rs_scorer *rs_scorer_new(const rs_model *m, rs_error *err)
{
    const char *kind = rs_model_kind(m);
    rs_scorer *s = calloc(1, sizeof *s);
    if (!s) {
        rs_error_nomem(err);
        return NULL;
    }
    rs_status st;
    if (!rs_sup_kind_known(kind))
        st = rs_error_set(err, RS_EUSAGE, NULL, 0,
                          "a %s model does not score feature rows (it scores user,item pairs or "
                          "recommends: rs-recommend)", kind);
    else
        st = load_names(s, m, err);
    if (st == RS_OK && strcmp(kind, "mlp")) {
        s->how = !strcmp(kind, "logreg") ? SCORE_LOGISTIC : SCORE_LINEAR;
        st = load_linear(s, m, err);
        if (st == RS_OK && !(s->z = malloc(RS_SCORE_BATCH * sizeof *s->z)))
            st = rs_error_nomem(err);
    } else if (st == RS_OK) {
        s->how = SCORE_MLP;
        st = rs_mlp_load(m, s->n_features, &s->shape, &s->params, &s->mean, &s->scale, err);
        if (st == RS_OK && (!(s->xb = malloc(RS_SCORE_BATCH * s->n_features * sizeof *s->xb)) ||
                            !(s->work = rs_mlp_work_new(&s->shape, RS_SCORE_BATCH))))
            st = rs_error_nomem(err);
    }
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
    for (size_t j = 0; s->name_strs && j < s->n_features; j++)
        free(s->name_strs[j]);
    free(s->name_strs);
    rs_idmap_free(s->names);
    free(s->params), free(s->mean), free(s->scale), free(s->xb), free(s->z);
    rs_mlp_work_free(s->work);
    free(s);
}

size_t rs_scorer_n_features(const rs_scorer *s)
{
    return s->n_features;
}

const char *rs_scorer_feature(const rs_scorer *s, size_t j)
{
    return s->name_strs[j];
}

int rs_scorer_is_probability(const rs_scorer *s)
{
    return s->how == SCORE_LOGISTIC || (s->how == SCORE_MLP && s->shape.bce);
}

static double sigmoid(double z)
{
    return 1 / (1 + exp(-z));
}

void rs_scorer_score(rs_scorer *s, const float *rows, size_t n, double *scores)
{
    size_t d = s->n_features;
    if (s->how == SCORE_MLP) {
        for (size_t i = 0; i < n; i++)
            rs_mlp_standardize(rows + i * d, d, s->mean, s->scale, s->xb + i * d);
        const float *out = rs_mlp_forward(&s->shape, s->params, s->xb, n, s->work, 0, NULL);
        for (size_t i = 0; i < n; i++)
            scores[i] = s->shape.bce ? sigmoid(out[i]) : out[i];
        return;
    }
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d, 1.0f, rows, (int)d, s->weights, 1, 0.0f, s->z, 1);
    for (size_t i = 0; i < n; i++) {
        double z = (double)s->z[i] + s->bias;
        scores[i] = s->how == SCORE_LOGISTIC ? sigmoid(z) : z;
    }
}
