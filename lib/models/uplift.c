/* uplift.c — the effect of a 0/1 treatment on each customer's outcome,
 * from a test where some were treated: an uplift model wraps an inner
 * supervised kind (rs_params.inner: logreg, or gbdt).
 *
 * Two-model (T-learner): mu_0 fitted on the control rows, mu_1 on the
 * treated; the effect tau(x) = mu_1(x) - mu_0(x).
 * X-learner (Kuenzel et al. 2019): the same mu_0 and mu_1, then imputed
 * effects D = y - mu_0(x) on the treated and D = mu_1(x) - y on the control,
 * a regressor of effects (rs_params.inner_effect: linreg for logreg, gbdt
 * with squared loss for gbdt) fitted on each arm, tau_1 and tau_0, and
 * tau(x) = g tau_0(x) + (1 - g) tau_1(x) with g the treated share of the
 * training rows (the propensity of a randomised test; Kuenzel et al.
 * weigh by e(x), which is constant there).
 *
 * The model file holds each inner model under a prefix (io/model.h
 * rs_model_nest): control. and treated., and with the X-learner
 * effect_control. and effect_treated.  rs-predict writes tau(x), and with
 * --outcomes mu_0(x) and mu_1(x). */
#include "models/kind.h"

#include "models/wrap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const prefixes[] = {"control", "treated", "effect_control", "effect_treated"};

/* ---- training ------------------------------------------------------------ */

/* The rows of d in arm (0 control, 1 treated) as a dataset of their own:
 * x and y copied, names borrowed from d. */
static rs_status arm_new(const rs_dataset *d, int arm, rs_dataset *out, rs_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = 0, nf = d->n_features;
    for (size_t i = 0; i < d->n_rows; i++)
        n += d->aux[i * d->n_aux] == arm;
    out->x = malloc((n * nf + 1) * sizeof *out->x);
    out->y = malloc((n + 1) * sizeof *out->y);
    if (!out->x || !out->y)
        return rs_error_nomem(err);
    for (size_t i = 0; i < d->n_rows; i++) {
        if (d->aux[i * d->n_aux] != arm)
            continue;
        memcpy(out->x + out->n_rows * nf, d->x + i * nf, nf * sizeof *out->x);
        out->y[out->n_rows++] = d->y[i];
    }
    out->n_features = nf;
    out->names = d->names;
    return RS_OK;
}

static void arm_free(rs_dataset *a)
{
    free(a->x), free(a->y);
}

/* Fit kind on d and hand the model to m under prefix. */
static rs_status fit_nested(const rs_kind *kind, const rs_params *p, const rs_dataset *d, const unsigned char *all,
                            rs_model *m, const char *prefix, rs_error *err)
{
    rs_model *inner = NULL;
    return rs_wrap_fit(kind, p, d, all, &inner, err) ? err->code : rs_model_nest(m, prefix, inner, err);
}

/* The X-learner's second stage: imputed effects on each arm, a regressor
 * of them per arm.  mu holds mu_0 and mu_1 (nested here afterwards). */
static rs_status fit_effects(const rs_params *p, rs_dataset arm[2], rs_model *mu[2], const unsigned char *all,
                             rs_model *m, rs_error *err)
{
    rs_status st = RS_OK;
    for (int a = 0; a < 2 && st == RS_OK; a++) {
        double *other = malloc((arm[a].n_rows + 1) * sizeof *other);
        if (!other)
            return rs_error_nomem(err);
        /* the other arm's model on this arm's rows */
        st = rs_wrap_predict(p->inner, mu[1 - a], &arm[a], other, err);
        double *y = arm[a].y;
        for (size_t i = 0; st == RS_OK && i < arm[a].n_rows; i++)
            other[i] = a ? y[i] - other[i] : other[i] - y[i];
        rs_dataset imputed = arm[a];
        imputed.y = other;
        if (st == RS_OK)
            st = fit_nested(p->inner_effect, p->inner_effect_params, &imputed, all, m, prefixes[2 + a], err);
        free(other);
    }
    return st;
}

static rs_status uplift_record(rs_model *m, const rs_params *p, const rs_dataset arm[2], int x_learner,
                               rs_error *err)
{
    double n0 = (double)arm[0].n_rows, n1 = (double)arm[1].n_rows;
    return rs_model_set(m, "learner", x_learner ? "x" : "two-model", err) ||
                   rs_model_set(m, "inner", p->inner->name, err) ||
                   rs_model_set(m, "treatment", rs_params_text(p, "treatment"), err) ||
                   rs_model_set_i64(m, "n_control", (int64_t)n0, err) ||
                   rs_model_set_i64(m, "n_treated", (int64_t)n1, err) ||
                   rs_model_set_f64(m, "treated_share", n1 / (n0 + n1), err)
               ? err->code
               : RS_OK;
}

/* Every treatment 0 or 1, and both arms present. */
static rs_status check_treatment(const rs_dataset *d, rs_error *err)
{
    size_t treated = 0;
    for (size_t i = 0; i < d->n_rows; i++) {
        double t = d->aux[i * d->n_aux];
        if (t != 0 && t != 1)
            return rs_error_set(err, RS_EDATA, NULL, 0, "data row %zu: treatment %g is not 0 or 1", i + 1, t);
        treated += t == 1;
    }
    if (treated == 0 || treated == d->n_rows)
        return rs_error_set(err, RS_EDATA, NULL, 0,
                            "uplift needs treated (1) and control (0) rows: found %zu treated and %zu control",
                            treated, d->n_rows - treated);
    return RS_OK;
}

static rs_status uplift_train(const rs_dataset *d, const rs_params *p, const unsigned char *constant, rs_model *m,
                              rs_error *err)
{
    if (!p->inner || !p->inner_params || !p->inner_effect || d->n_aux < 1)
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "an uplift model needs its inner kind and the treatment column (rs-train resolves them)");
    if (p->valid)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--valid is not for --model uplift");
    if (check_treatment(d, err))
        return err->code;
    int x_learner = !strcmp(rs_params_text(p, "learner"), "x");
    rs_dataset arm[2];
    rs_model *mu[2] = {NULL, NULL};
    rs_status st = arm_new(d, 0, &arm[0], err);
    if (st == RS_OK)
        st = arm_new(d, 1, &arm[1], err);
    for (int a = 0; a < 2 && st == RS_OK; a++)
        st = rs_wrap_fit(p->inner, p->inner_params, &arm[a], constant, &mu[a], err);
    if (st == RS_OK && x_learner)
        st = fit_effects(p, arm, mu, constant, m, err);
    for (int a = 0; a < 2; a++) {
        if (st == RS_OK)
            st = rs_model_nest(m, prefixes[a], mu[a], err);
        else
            rs_model_free(mu[a]);
    }
    if (st == RS_OK)
        st = uplift_record(m, p, arm, x_learner, err);
    arm_free(&arm[0]), arm_free(&arm[1]);
    return st;
}

/* ---- scoring ------------------------------------------------------------- */

typedef struct {
    size_t n_models;               /* 2 (two-model) or 4 (X) */
    double treated_share;
    rs_wrapped inner[4];           /* in the order of prefixes */
} uplift_model;

static void uplift_unload(void *state)
{
    uplift_model *u = state;
    for (size_t i = 0; u && i < 4; i++)
        rs_wrapped_unload(&u->inner[i]);
    free(u);
}

static void *uplift_load(const rs_model *m, size_t n_features, rs_error *err)
{
    uplift_model *u = calloc(1, sizeof *u);
    if (!u) {
        rs_error_nomem(err);
        return NULL;
    }
    const char *learner = rs_model_get(m, "learner");
    rs_status st = rs_model_get_f64(m, "treated_share", &u->treated_share, err);
    if (st == RS_OK && (!learner || (strcmp(learner, "x") && strcmp(learner, "two-model"))))
        st = rs_error_set(err, RS_EDATA, NULL, 0, "the model's learner is missing or unknown");
    u->n_models = st == RS_OK && !strcmp(learner, "x") ? 4 : 2;
    for (size_t i = 0; st == RS_OK && i < u->n_models; i++)
        st = rs_wrapped_load(&u->inner[i], m, prefixes[i], n_features, err);
    if (st != RS_OK) {
        uplift_unload(u);
        return NULL;
    }
    return u;
}

/* tau(x) of n <= RS_SCORE_BATCH rows. */
static void uplift_score(void *state, const float *rows, size_t n, double *scores)
{
    uplift_model *u = state;
    double a[RS_SCORE_BATCH], b[RS_SCORE_BATCH];
    size_t first = u->n_models == 4 ? 2 : 0;   /* X: the effect regressors */
    u->inner[first].kind->rows_score(u->inner[first].state, rows, n, a);
    u->inner[first + 1].kind->rows_score(u->inner[first + 1].state, rows, n, b);
    double g = u->treated_share;
    for (size_t i = 0; i < n; i++)
        scores[i] = first ? g * a[i] + (1 - g) * b[i] : b[i] - a[i];
}

/* mu_0(x) and mu_1(x), the outcome models' predictions, for n rows. */
static void uplift_outcomes(void *state, const float *rows, size_t n, double *outcomes)
{
    uplift_model *u = state;
    double a[RS_SCORE_BATCH], b[RS_SCORE_BATCH];
    u->inner[0].kind->rows_score(u->inner[0].state, rows, n, a);
    u->inner[1].kind->rows_score(u->inner[1].state, rows, n, b);
    for (size_t i = 0; i < n; i++)
        outcomes[2 * i] = a[i], outcomes[2 * i + 1] = b[i];
}

static int uplift_probability(const void *state)
{
    (void)state;
    return 0;
}

static const rs_kind_option uplift_options[] = {
    {"treatment", "treatment", 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_OPTION_TEXT, "COL", NULL,
     "uplift: the treatment column, 0 or 1 (never a feature)"},
    {"learner", "two-model", 0, 0, 0, 0, RS_SEARCH_CHOICE, 0, 0, NULL, RS_OPTION_CHOICE, "L", "two-model,x",
     "uplift: one model per arm (two-model) or the X-learner"},
    RS_WRAP_INNER_OPTIONS("logreg,gbdt"),
    {NULL},
};

const rs_kind rs_kind_uplift = {
    .name = "uplift",
    .family = RS_FAMILY_SUPERVISED,
    .summary = "treatment effect per row: two-model or X-learner over logreg or gbdt",
    .options = uplift_options,
    .quick_args = "--treatment t",
    .train_rows = uplift_train,
    .rows_load = uplift_load,
    .rows_score = uplift_score,
    .rows_probability = uplift_probability,
    .rows_outcomes = uplift_outcomes,
    .unload = uplift_unload,
};
