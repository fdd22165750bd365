/* linucb.c — contextual bandit policies over one ridge regression per
 * action (lib/policy/ridge_arms.h): linucb (upper confidence bound) and
 * lints (Thompson sampling).
 *
 * Training, off-policy from logged rows (context x, action a, reward r,
 * propensity p): per action, ridge regression of r on z = [1, x] with
 * A_a = l2 I + sum w z z', b_a = sum w r z, beta_a = A_a^-1 b_a.  With
 * --off-policy ips (the default) a row weighs w = (1/p) / mean over its
 * action's rows of 1/p: the fit then stands for every context as the
 * target policy will meet them, not only those the logging policy sent to
 * a (with uniform logging every w is 1; --propensity-col none: logs
 * without propensities, every w is 1).  Actions are integers 0..K-1;
 * an action never logged keeps beta 0 and A = l2 I (wide bounds).
 *
 * Acting (rs-predict), each row from its own generator (seed + row), so any
 * -j gives the same choices:
 *   linucb: the action of highest beta_a . z + width sqrt(z' A_a^-1 z);
 *   lints:  draws s_a ~ N(beta_a . z, width^2 z' A_a^-1 z), takes the
 *           highest; its probability is P(s_a > every other s_b), computed
 *           by quadrature over the chosen action's normal;
 * then with probability epsilon a uniform action instead.  The propensity
 * written is the probability of the action taken under that whole rule.
 * The score (rs-predict of rows_score) is the highest beta_a . z, the
 * estimated reward of the greedy action. */
#include "models/kind.h"

#include "policy/ridge_arms.h"
#include "rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ACTIONS = 100000, QUAD_POINTS = 96 };

typedef struct {
    size_t k, p;          /* actions; z's length (features + 1) */
    int thompson;
    double width, epsilon;
    float *beta;          /* (k, p) */
    float *inverse;       /* (k, p, p) A_a^-1 */
} policy;

/* ---- training ----------------------------------------------------------- */

static rs_status read_actions(const rs_dataset *d, size_t *k, rs_error *err)
{
    double top = -1;
    for (size_t i = 0; i < d->n_rows; i++) {
        double a = d->aux[i * d->n_aux], prop = d->n_aux > 1 ? d->aux[i * d->n_aux + 1] : 1;
        if (a < 0 || a >= MAX_ACTIONS || a != floor(a))
            return rs_error_set(err, RS_EDATA, d->source, d->line[i],
                                "action %g is not an integer 0..%d (policies number actions from 0)", a,
                                MAX_ACTIONS - 1);
        if (!(prop > 0 && prop <= 1))
            return rs_error_set(err, RS_EDATA, d->source, d->line[i], "propensity %g is not in (0, 1]", prop);
        top = a > top ? a : top;
    }
    *k = (size_t)top + 1;
    return RS_OK;
}

/* Each row's weight: 1, or 1/propensity over its action's mean of it. */
static rs_status row_weights(const rs_dataset *d, size_t k, int ips, double **w, rs_error *err)
{
    double *sum = calloc(k, sizeof *sum), *cnt = calloc(k, sizeof *cnt);
    *w = malloc((d->n_rows + 1) * sizeof **w);
    if (!sum || !cnt || !*w) {
        free(sum), free(cnt);
        return rs_error_nomem(err);
    }
    for (size_t i = 0; i < d->n_rows; i++) {
        size_t a = (size_t)d->aux[i * d->n_aux];
        (*w)[i] = ips && d->n_aux > 1 ? 1 / d->aux[i * d->n_aux + 1] : 1;
        sum[a] += (*w)[i], cnt[a]++;
    }
    for (size_t i = 0; i < d->n_rows; i++) {
        size_t a = (size_t)d->aux[i * d->n_aux];
        (*w)[i] *= cnt[a] / sum[a];
    }
    free(sum), free(cnt);
    return RS_OK;
}

static rs_status save(rs_model *m, const rs_ridge_arms *r, const rs_params *p, size_t empty, rs_error *err)
{
    size_t k = r->k, q = r->d + 1;
    float *beta = malloc(k * q * sizeof *beta), *inv = malloc(k * q * q * sizeof *inv);
    if (!beta || !inv) {
        free(beta), free(inv);
        return rs_error_nomem(err);
    }
    for (size_t i = 0; i < k * q; i++)
        beta[i] = (float)r->beta[i];
    for (size_t i = 0; i < k * q * q; i++)
        inv[i] = (float)r->inverse[i];
    const char *width = strcmp(p->kind, "lints") ? "ucb-width" : "posterior-scale";
    if (rs_model_adopt_tensor(m, "beta", beta, k, q, err) || rs_model_adopt_tensor(m, "inverse", inv, k, q * q, err))
        return err->code;
    return rs_model_set_i64(m, "n_actions", (int64_t)k, err) ||
                   rs_model_set_i64(m, "unlogged_actions", (int64_t)empty, err) ||
                   rs_model_set_f64(m, "width", rs_params_real(p, width), err) ||
                   rs_model_set_f64(m, "epsilon", rs_params_real(p, "epsilon"), err) ||
                   rs_model_set(m, "off_policy", rs_params_text(p, "off-policy"), err)
               ? err->code
               : RS_OK;
}

static rs_status policy_train(const rs_dataset *d, const rs_params *p, const unsigned char *constant, rs_model *m,
                              rs_error *err)
{
    (void)constant;   /* a constant feature is harmless in a ridge */
    size_t k = 0, empty = 0;
    double *w = NULL, *x = malloc((d->n_features + 1) * sizeof *x);
    if (!x)
        return rs_error_nomem(err);
    if (d->n_aux < 1 || read_actions(d, &k, err) ||
        row_weights(d, k, !strcmp(rs_params_text(p, "off-policy"), "ips"), &w, err)) {
        free(x);
        return d->n_aux < 1 ? rs_error_set(err, RS_EUSAGE, NULL, 0, "a policy needs the logged action") : err->code;
    }
    rs_ridge_arms *r = rs_ridge_arms_new(k, d->n_features, p->l2);
    rs_status st = r ? rs_ridge_arms_want_inverse(r, err) : rs_error_nomem(err);
    if (st == RS_OK) {
        r->l2_intercept = 1;
        for (size_t i = 0; i < d->n_rows; i++) {
            for (size_t j = 0; j < d->n_features; j++)
                x[j] = d->x[i * d->n_features + j];
            rs_ridge_arms_add(r, (size_t)d->aux[i * d->n_aux], x, d->y[i], w[i]);
        }
        st = rs_ridge_arms_solve(r, &empty, err);
    }
    if (st == RS_OK && empty)
        rs_warn(NULL, 0, "%zu of %zu actions (0..%zu) were never logged: their estimates are the prior", empty, k,
                k - 1);
    if (st == RS_OK)
        st = save(m, r, p, empty, err);
    rs_ridge_arms_free(r);
    free(w), free(x);
    return st;
}

/* ---- acting --------------------------------------------------------------- */

static void *policy_load(const rs_model *m, size_t n_features, rs_error *err)
{
    int64_t k;
    policy *s = calloc(1, sizeof *s);
    if (!s) {
        rs_error_nomem(err);
        return NULL;
    }
    s->p = n_features + 1;
    s->thompson = !strcmp(rs_model_kind(m), "lints");
    if (rs_model_get_i64(m, "n_actions", &k, err) || rs_model_get_f64(m, "width", &s->width, err) ||
        rs_model_get_f64(m, "epsilon", &s->epsilon, err) || k < 1 || k > MAX_ACTIONS ||
        !(s->beta = (float *)rs_model_need(m, "beta", (size_t)k, s->p, err)) ||
        !(s->inverse = (float *)rs_model_need(m, "inverse", (size_t)k, s->p * s->p, err))) {
        if (err->code == RS_OK)
            rs_error_set(err, RS_EDATA, NULL, 0, "the model's n_actions is out of range");
        free(s);
        return NULL;
    }
    s->k = (size_t)k;
    return s;
}

static void policy_unload(void *state)
{
    free(state);
}

/* mean[a] = beta_a . z and sd[a] = sqrt(z' A_a^-1 z) for one row. */
static void arm_stats(const policy *s, const float *row, double *mean, double *sd)
{
    size_t p = s->p;
    for (size_t a = 0; a < s->k; a++) {
        const float *b = s->beta + a * p, *inv = s->inverse + a * p * p;
        double m = b[0], q = 0;
        for (size_t j = 1; j < p; j++)
            m += b[j] * (double)row[j - 1];
        for (size_t i = 0; i < p; i++) {
            double zi = i ? row[i - 1] : 1, t = 0;
            for (size_t j = 0; j < p; j++)
                t += inv[i * p + j] * (j ? row[j - 1] : 1);
            q += zi * t;
        }
        mean[a] = m;
        sd[a] = q > 0 ? sqrt(q) : 0;
    }
}

static size_t argmax(const double *v, size_t n)
{
    size_t best = 0;
    for (size_t a = 1; a < n; a++)
        best = v[a] > v[best] ? a : best;
    return best;
}

/* P(N(mean[a], sd[a]) exceeds every other N(mean[b], sd[b])), the normals
 * independent: the integral over s of phi_a(s) prod_b Phi_b(s), by the
 * trapezoid rule over mean[a] +- 8 sd[a]. */
static double win_probability(const double *mean, const double *sd, size_t k, size_t a)
{
    if (sd[a] <= 0) {
        double p = 1;
        for (size_t b = 0; b < k; b++)
            if (b != a)
                p *= sd[b] > 0 ? 0.5 * erfc((mean[b] - mean[a]) / (sd[b] * sqrt(2))) : mean[b] < mean[a];
        return p;
    }
    double h = 16.0 / (QUAD_POINTS - 1), total = 0;
    for (int q = 0; q < QUAD_POINTS; q++) {
        double t = -8 + q * h, s = mean[a] + t * sd[a], f = exp(-0.5 * t * t) / 2.5066282746310002;
        for (size_t b = 0; b < k && f > 0; b++)
            if (b != a)
                f *= sd[b] > 0 ? 0.5 * erfc((mean[b] - s) / (sd[b] * sqrt(2))) : mean[b] < s;
        total += (q == 0 || q == QUAD_POINTS - 1 ? 0.5 : 1) * f;
    }
    total *= h;
    return total > 1 ? 1 : total;
}

static void policy_choose(void *state, const float *rows, size_t n, uint64_t seed, int32_t *action,
                          double *propensity)
{
    const policy *s = state;
    double *mean = malloc(3 * s->k * sizeof *mean);
    if (!mean) {   /* no memory for the scratch: the first action, said plainly */
        for (size_t i = 0; i < n; i++)
            action[i] = 0, propensity[i] = NAN;
        return;
    }
    double *sd = mean + s->k, *draw = sd + s->k;
    for (size_t i = 0; i < n; i++) {
        rs_rng rng;
        rs_rng_seed(&rng, seed + i);
        arm_stats(s, rows + i * (s->p - 1), mean, sd);
        size_t chosen, greedy;
        if (s->thompson) {
            for (size_t a = 0; a < s->k; a++)
                draw[a] = mean[a] + s->width * sd[a] * rs_rng_normal(&rng);
            greedy = argmax(draw, s->k);
            for (size_t a = 0; a < s->k; a++)
                sd[a] *= s->width;   /* the draws' spread */
        } else {
            for (size_t a = 0; a < s->k; a++)
                draw[a] = mean[a] + s->width * sd[a];
            greedy = argmax(draw, s->k);
        }
        chosen = greedy;
        if (s->epsilon > 0 && rs_rng_uniform(&rng) < s->epsilon)
            chosen = (size_t)rs_rng_below(&rng, s->k);
        /* the rule's probability of the action taken */
        double p_rule = s->thompson ? win_probability(mean, sd, s->k, chosen) : chosen == greedy;
        action[i] = (int32_t)chosen;
        propensity[i] = (1 - s->epsilon) * p_rule + s->epsilon / (double)s->k;
    }
    free(mean);
}

static size_t policy_actions(const void *state)
{
    return ((const policy *)state)->k;
}

/* Every action's probability under the whole rule (the draws of lints by
 * quadrature, then epsilon), row by row. */
static void policy_action_probs(void *state, const float *rows, size_t n, double *probs)
{
    const policy *s = state;
    double *mean = malloc(3 * s->k * sizeof *mean);
    for (size_t i = 0; i < n; i++) {
        double *p = probs + i * s->k;
        if (!mean) {   /* no scratch: a policy that says nothing (NaN) */
            for (size_t a = 0; a < s->k; a++)
                p[a] = NAN;
            continue;
        }
        double *sd = mean + s->k, *score = sd + s->k;
        arm_stats(s, rows + i * (s->p - 1), mean, sd);
        size_t greedy = 0;
        if (!s->thompson) {
            for (size_t a = 0; a < s->k; a++)
                score[a] = mean[a] + s->width * sd[a];
            greedy = argmax(score, s->k);
        }
        for (size_t a = 0; a < s->k; a++)
            sd[a] *= s->width;
        for (size_t a = 0; a < s->k; a++) {
            double rule = s->thompson ? win_probability(mean, sd, s->k, a) : a == greedy;
            p[a] = (1 - s->epsilon) * rule + s->epsilon / (double)s->k;
        }
    }
    free(mean);
}

static void policy_score(void *state, const float *rows, size_t n, double *scores)
{
    const policy *s = state;
    size_t p = s->p;
    for (size_t i = 0; i < n; i++) {
        const float *row = rows + i * (p - 1);
        double best = -INFINITY;
        for (size_t a = 0; a < s->k; a++) {
            const float *b = s->beta + a * p;
            double m = b[0];
            for (size_t j = 1; j < p; j++)
                m += b[j] * (double)row[j - 1];
            best = m > best ? m : best;
        }
        scores[i] = best;
    }
}

static int policy_probability(const void *state)
{
    (void)state;
    return 0;
}

#define POLICY_OPTIONS                                                                                            \
    {"l2", "1", 0, INFINITY, 1, 0, RS_SEARCH_LOG, 0.01, 100, NULL, RS_SHARED},                                    \
    {"epsilon", "0", 0, 1, 0, 0, RS_SEARCH_LINEAR, 0, 0.2, NULL, RS_OPTION_REAL, "P", NULL,                       \
     "policies: a uniform random action with probability P"},                                                     \
    {"off-policy", "ips", 0, 0, 0, 0, RS_SEARCH_CHOICE, 0, 0, NULL, RS_OPTION_CHOICE, "W", "ips,none",            \
     "policies: rows weigh 1/propensity (ips) or 1"},                                                 \
    {"action-col", "action", 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_OPTION_TEXT, "COL", NULL,                 \
     "policies: the logged action (integers 0..K-1)"},                                                            \
    {"propensity-col", "propensity", 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_OPTION_TEXT, "COL", NULL,         \
     "policies: the logged propensity (none: weights 1)"}

static const rs_kind_option linucb_options[] = {
    POLICY_OPTIONS,
    {"ucb-width", "1", 0, INFINITY, 0, 0, RS_SEARCH_LINEAR, 0, 3, NULL, RS_OPTION_REAL, "X", NULL,
     "linucb: bonus X sqrt(z' A^-1 z) on each action's estimate"},
    {NULL},
};

static const rs_kind_option lints_options[] = {
    POLICY_OPTIONS,
    {"posterior-scale", "1", 0, INFINITY, 0, 0, RS_SEARCH_LINEAR, 0, 3, NULL, RS_OPTION_REAL, "X", NULL,
     "lints: draws from N(beta . z, X^2 z' A^-1 z)"},
    {NULL},
};

#define POLICY_MEMBERS                                                                                             \
    .family = RS_FAMILY_SUPERVISED, .flags = RS_KIND_PARALLEL_SCORE, .train_rows = policy_train,                  \
    .rows_load = policy_load, .rows_score = policy_score, .rows_probability = policy_probability,                 \
    .rows_choose = policy_choose, .rows_actions = policy_actions, .rows_action_probs = policy_action_probs,       \
    .unload = policy_unload

const rs_kind rs_kind_linucb = {
    .name = "linucb",
    .summary = "contextual bandit: per-action ridge, upper confidence bound",
    .options = linucb_options,
    .quick_args = "--action-col a --propensity-col none",
    POLICY_MEMBERS,
};

const rs_kind rs_kind_lints = {
    .name = "lints",
    .summary = "contextual bandit: per-action ridge, Thompson sampling",
    .options = lints_options,
    .quick_args = "--action-col a --propensity-col none",
    POLICY_MEMBERS,
};
