/* egreedy.c — an epsilon-greedy policy over a reward model of any
 * wrappable kind (rs_params.inner: logreg for 0/1 rewards, linreg, gbdt).
 *
 * Training, from logged rows (context x, action a, reward r): one model of
 * the inner kind per action, fitted on that action's rows (r on x: the
 * direct method, unweighted; the logging policy's propensities are not
 * used).  Actions are integers 0..K-1 and each must have been logged.
 * The model file holds them nested as action.0 .. action.K-1.
 *
 * Acting (rs-predict), each row from its own generator (seed + row): the
 * action of highest predicted reward r_a(x) (the lowest on ties), or with
 * probability epsilon a uniform action; the propensity written is
 * (1 - epsilon) [a = greedy] + epsilon / K, and rows_action_probs gives it
 * for every action, so rs-eval policy --model evaluates the policy.  The
 * score (rs-predict of rows_score) is the highest r_a(x). */
#include "models/kind.h"

#include "models/wrap.h"
#include "rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ACTIONS = 1000 };

typedef struct {
    size_t k;
    double epsilon;
    rs_wrapped *arm;   /* (k) the reward model of each action */
} egreedy;

/* ---- training ----------------------------------------------------------- */

/* The number of actions, each an integer 0..MAX_ACTIONS-1 logged at least
 * once; rows[a] counts them. */
static rs_status count_actions(const rs_dataset *d, size_t *k, size_t **rows, rs_error *err)
{
    double top = -1;
    for (size_t i = 0; i < d->n_rows; i++) {
        double a = d->aux[i * d->n_aux];
        if (a < 0 || a >= MAX_ACTIONS || a != floor(a))
            return rs_error_set(err, RS_EDATA, NULL, 0,
                                "data row %zu: action %g is not an integer 0..%d (policies number actions from 0)",
                                i + 1, a, MAX_ACTIONS - 1);
        top = a > top ? a : top;
    }
    *k = (size_t)top + 1;
    if (!(*rows = calloc(*k + 1, sizeof **rows)))
        return rs_error_nomem(err);
    for (size_t i = 0; i < d->n_rows; i++)
        (*rows)[(size_t)d->aux[i * d->n_aux]]++;
    for (size_t a = 0; a < *k; a++)
        if (!(*rows)[a])
            return rs_error_set(err, RS_EDATA, NULL, 0,
                                "action %zu was never logged: egreedy fits a reward model per action 0..%zu", a,
                                *k - 1);
    return RS_OK;
}

/* The rows of action a as a dataset (x and y copied, names borrowed). */
static rs_status action_rows(const rs_dataset *d, size_t a, size_t n, rs_dataset *out, rs_error *err)
{
    memset(out, 0, sizeof *out);
    size_t nf = d->n_features;
    out->x = malloc((n * nf + 1) * sizeof *out->x);
    out->y = malloc((n + 1) * sizeof *out->y);
    if (!out->x || !out->y)
        return rs_error_nomem(err);
    for (size_t i = 0; i < d->n_rows; i++) {
        if ((size_t)d->aux[i * d->n_aux] != a)
            continue;
        memcpy(out->x + out->n_rows * nf, d->x + i * nf, nf * sizeof *out->x);
        out->y[out->n_rows++] = d->y[i];
    }
    out->n_features = nf;
    out->names = d->names;
    return RS_OK;
}

static rs_status egreedy_train(const rs_dataset *d, const rs_params *p, const unsigned char *constant, rs_model *m,
                               rs_error *err)
{
    if (!p->inner || !p->inner_params || d->n_aux < 1)
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "egreedy needs its inner kind and the action column (rs-train resolves them)");
    if (p->valid)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--valid is not for --model egreedy");
    size_t k = 0, *rows = NULL;
    rs_status st = count_actions(d, &k, &rows, err);
    for (size_t a = 0; st == RS_OK && a < k; a++) {
        rs_dataset arm;
        rs_model *inner = NULL;
        char prefix[32];
        snprintf(prefix, sizeof prefix, "action.%zu", a);
        st = action_rows(d, a, rows[a], &arm, err);
        if (st == RS_OK)
            st = rs_wrap_fit(p->inner, p->inner_params, &arm, constant, &inner, err);
        if (st == RS_OK)
            st = rs_model_nest(m, prefix, inner, err);
        free(arm.x), free(arm.y);
    }
    free(rows);
    if (st != RS_OK)
        return st;
    return rs_model_set_i64(m, "n_actions", (int64_t)k, err) ||
                   rs_model_set_f64(m, "epsilon", rs_params_real(p, "epsilon"), err) ||
                   rs_model_set(m, "inner", p->inner->name, err)
               ? err->code
               : RS_OK;
}

/* ---- acting --------------------------------------------------------------- */

static void egreedy_unload(void *state)
{
    egreedy *s = state;
    for (size_t a = 0; s && s->arm && a < s->k; a++)
        rs_wrapped_unload(&s->arm[a]);
    if (s)
        free(s->arm);
    free(s);
}

static void *egreedy_load(const rs_model *m, size_t n_features, rs_error *err)
{
    int64_t k;
    egreedy *s = calloc(1, sizeof *s);
    if (!s) {
        rs_error_nomem(err);
        return NULL;
    }
    rs_status st = rs_model_get_i64(m, "n_actions", &k, err) || rs_model_get_f64(m, "epsilon", &s->epsilon, err)
                       ? err->code
                       : RS_OK;
    if (st == RS_OK && (k < 1 || k > MAX_ACTIONS || !(s->epsilon >= 0 && s->epsilon <= 1)))
        st = rs_error_set(err, RS_EDATA, NULL, 0, "the model's n_actions or epsilon is out of range");
    if (st == RS_OK && !(s->arm = calloc((size_t)k, sizeof *s->arm)))
        st = rs_error_nomem(err);
    if (st == RS_OK)
        s->k = (size_t)k;
    for (size_t a = 0; st == RS_OK && a < s->k; a++) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "action.%zu", a);
        st = rs_wrapped_load(&s->arm[a], m, prefix, n_features, err);
    }
    if (st != RS_OK) {
        egreedy_unload(s);
        return NULL;
    }
    return s;
}

/* The greedy action and its predicted reward for n <= RS_SCORE_BATCH rows. */
static void greedy(const egreedy *s, const float *rows, size_t n, size_t *best, double *best_reward)
{
    double reward[RS_SCORE_BATCH];
    for (size_t a = 0; a < s->k; a++) {
        s->arm[a].kind->rows_score(s->arm[a].state, rows, n, reward);
        for (size_t i = 0; i < n; i++)
            if (a == 0 || reward[i] > best_reward[i])
                best[i] = a, best_reward[i] = reward[i];
    }
}

static void egreedy_score(void *state, const float *rows, size_t n, double *scores)
{
    size_t best[RS_SCORE_BATCH];
    greedy(state, rows, n, best, scores);
}

static void egreedy_choose(void *state, const float *rows, size_t n, uint64_t seed, int32_t *action,
                           double *propensity)
{
    const egreedy *s = state;
    size_t best[RS_SCORE_BATCH];
    double reward[RS_SCORE_BATCH];
    greedy(s, rows, n, best, reward);
    for (size_t i = 0; i < n; i++) {
        rs_rng rng;
        rs_rng_seed(&rng, seed + i);
        size_t chosen = best[i];
        if (s->epsilon > 0 && rs_rng_uniform(&rng) < s->epsilon)
            chosen = (size_t)rs_rng_below(&rng, s->k);
        action[i] = (int32_t)chosen;
        propensity[i] = (1 - s->epsilon) * (chosen == best[i]) + s->epsilon / (double)s->k;
    }
}

static size_t egreedy_actions(const void *state)
{
    return ((const egreedy *)state)->k;
}

static void egreedy_action_probs(void *state, const float *rows, size_t n, double *probs)
{
    const egreedy *s = state;
    size_t best[RS_SCORE_BATCH];
    double reward[RS_SCORE_BATCH];
    greedy(s, rows, n, best, reward);
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < s->k; a++)
            probs[i * s->k + a] = (1 - s->epsilon) * (a == best[i]) + s->epsilon / (double)s->k;
}

static int egreedy_probability(const void *state)
{
    (void)state;
    return 0;
}

static const rs_kind_option egreedy_options[] = {
    {"epsilon", "0.1", 0, 1, 0, 0, RS_SEARCH_LINEAR, 0, 0.2, NULL, RS_OPTION_REAL, "P",
     NULL, "policies: a uniform random action with probability P"},
    {"action-col", "action", 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_OPTION_TEXT, "COL", NULL,
     "policies: the logged action (integers 0..K-1)"},
    RS_WRAP_INNER_OPTIONS("logreg,linreg,gbdt"),
    {NULL},
};

const rs_kind rs_kind_egreedy = {
    .name = "egreedy",
    .family = RS_FAMILY_SUPERVISED,
    .summary = "contextual bandit: epsilon-greedy over a reward model per action",
    .options = egreedy_options,
    .quick_args = "--action-col t",
    .train_rows = egreedy_train,
    .rows_load = egreedy_load,
    .rows_score = egreedy_score,
    .rows_probability = egreedy_probability,
    .rows_choose = egreedy_choose,
    .rows_actions = egreedy_actions,
    .rows_action_probs = egreedy_action_probs,
    .unload = egreedy_unload,
};
