/* eval_policy.c — rs-eval policy: the value of a target policy estimated
 * from the logs of another (off-policy evaluation).
 *
 * Each logged row i holds the action a_i, the reward r_i and the logging
 * policy's propensity p_i of a_i.  The target policy gives t_i, its own
 * probability of a_i (--target-prob COL), or its probability of every action
 * (--target-prefix P: columns P<action>); w_i = t_i / p_i.  With every
 * action's probability a reward model r(x, a) gives the direct method: from
 * columns (--reward-prefix Q: Q<action>), else a ridge regression of the
 * reward on [1, --context columns] per action (no context: the mean reward of
 * each action).  v_i = sum_a pi(a | x_i) r(x_i, a), rhat_i = r(x_i, a_i).
 *   ips   = (1/n) sum w_i r_i
 *   snips = sum w_i r_i / sum w_i
 *   dm    = (1/n) sum v_i
 *   dr    = (1/n) sum [v_i + w_i (r_i - rhat_i)]
 * and the clipped variants with min(w_i, --clip M).  ess = (sum w)^2 /
 * sum w^2.  The intervals are percentile bootstrap intervals (2.5 %, 97.5 %)
 * of the Poisson bootstrap: in resample b row i counts c_bi ~ Poisson(1)
 * times.  The counts are drawn per fixed chunk of rows from (--seed, chunk),
 * and chunk sums are added in chunk order, so the output does not depend
 * on -j; the reward model is not refitted per resample. */
#include "eval/eval.h"

#include "idmap.h"
#include "mem.h"
#include "models/supervised.h"
#include "num.h"
#include "policy/ridge_arms.h"
#include "rng.h"
#include "stats.h"
#include "threads.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MIN_CHUNK = 65536, MAX_CHUNKS = 64, MAX_CONTEXT = 512 };

/* Tiny propensities and dominating weights are warned about. */
static const double TINY_PROPENSITY = 1e-3, DOMINATING_SHARE = 0.1;

/* The sums a resample needs, per row: each estimator is a ratio of two.
 * The clipped ones differ only in rows whose weight exceeds the cap, so they
 * are kept as the excess e = w - min(w, clip) (D_*), summed in those rows
 * alone: S_W - D_W is the sum of clipped weights. */
enum { S_N, S_W, S_WR, S_DM, S_DR, D_W, D_WR, D_DR, N_SUMS };

typedef struct {
    size_t n, cap;
    double *w, *r;         /* (n) weights, rewards */
    double *v, *rhat;      /* (n) the reward model: target value, logged action's */
    int32_t *act;          /* (n) action index (with every action's probability) */
    double *pi;            /* (n, k) the target's probabilities, wide form */
    double *rmodel;        /* (n, k) reward columns (--reward-prefix) */
    double *x;             /* (n, d) context */
    size_t k, d;
    int rmodel_cols;       /* --reward-prefix given */
    long tiny, tiny_line;  /* rows with propensity < TINY_PROPENSITY, the first */
} logs;

typedef struct {
    rs_table *t;
    size_t c_action, c_reward, c_prop, c_target;
    size_t *c_pi, *c_rmodel, *c_x;  /* (k), (k), (d) */
    rs_idmap *actions;
    const char *name;
    /* --model: the target policy, its feature columns and one row's features */
    rs_model *model;
    rs_scorer *scorer;
    size_t *c_feature;
    float *features;
} columns;

static void logs_free(logs *l)
{
    free(l->w), free(l->r), free(l->v), free(l->rhat), free(l->act), free(l->pi), free(l->rmodel), free(l->x);
}

static void columns_free(columns *c)
{
    free(c->c_pi), free(c->c_rmodel), free(c->c_x), free(c->c_feature), free(c->features);
    rs_idmap_free(c->actions);
    rs_scorer_free(c->scorer);
    rs_model_free(c->model);
    rs_table_free(c->t);
}

static int wide(const rs_eval_spec *s)
{
    return s->target_prefix != NULL;
}

/* The actions are the suffixes of the columns named prefix*. */
static rs_status find_prefixed(columns *c, const rs_eval_spec *s, rs_error *err)
{
    size_t n = rs_table_n_cols(c->t), plen = strlen(s->target_prefix);
    if (!(c->actions = rs_idmap_new()) || !(c->c_pi = malloc((n + 1) * sizeof *c->c_pi)))
        return rs_error_nomem(err);
    for (size_t j = 0; j < n; j++) {
        const char *name = rs_table_col_name(c->t, j);
        if (strncmp(name, s->target_prefix, plen) || !name[plen])
            continue;
        int added = 0;
        int32_t a = rs_idmap_intern(c->actions, name + plen, strlen(name + plen), &added);
        if (a < 0)
            return rs_error_nomem(err);
        c->c_pi[a] = j;
    }
    size_t k = (size_t)rs_idmap_size(c->actions);
    if (k == 0)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--target-prefix '%s': no column of %s starts with it",
                            s->target_prefix, c->name);
    if (!s->reward_prefix)
        return RS_OK;
    if (!(c->c_rmodel = malloc(k * sizeof *c->c_rmodel)))
        return rs_error_nomem(err);
    for (size_t a = 0; a < k; a++) {
        size_t len;
        const char *key = rs_idmap_key(c->actions, (int32_t)a, &len);
        char name[1024];
        snprintf(name, sizeof name, "%s%.*s", s->reward_prefix, (int)len, key);
        if (rs_table_find_col(c->t, name, "--reward-prefix", &c->c_rmodel[a], err))
            return err->code;
    }
    return RS_OK;
}

static rs_status find_context(columns *c, const rs_eval_spec *s, size_t *d, rs_error *err)
{
    *d = 0;
    if (!s->context)
        return RS_OK;
    if (!(c->c_x = malloc(MAX_CONTEXT * sizeof *c->c_x)))
        return rs_error_nomem(err);
    for (const char *p = s->context;; ) {
        size_t len = strcspn(p, ",");
        char name[1024];
        snprintf(name, sizeof name, "%.*s", (int)(len < 1023 ? len : 1023), p);
        if (*d == MAX_CONTEXT)
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "--context: at most %d columns", MAX_CONTEXT);
        if (rs_table_find_col(c->t, name, "--context", &c->c_x[(*d)++], err))
            return err->code;
        if (!p[len])
            return RS_OK;
        p += len + 1;
    }
}

/* --model: a policy model gives the target's probability of every action
 * (0..K-1) from the row's features, found by the model's names. */
static rs_status open_model(columns *c, const rs_eval_spec *s, size_t *k, rs_error *err)
{
    if (!(c->model = rs_model_load(s->model_path, err)) || !(c->scorer = rs_scorer_new(c->model, err)))
        return err->code;
    if (!(*k = rs_scorer_n_actions(c->scorer)))
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--model %s: a %s model is not a policy (linucb, lints, egreedy)",
                            s->model_path, rs_model_kind(c->model));
    size_t d = rs_scorer_n_features(c->scorer);
    if (!(c->c_feature = malloc(d * sizeof *c->c_feature)) || !(c->features = malloc(d * sizeof *c->features)))
        return rs_error_nomem(err);
    for (size_t j = 0; j < d; j++)
        if (rs_table_find_col(c->t, rs_scorer_feature(c->scorer, j), "the policy model's features",
                              &c->c_feature[j], err))
            return err->code;
    return RS_OK;
}

/* The logged action as the policy's index 0..K-1, and its probabilities. */
static rs_status model_row(columns *c, const rs_record *rec, logs *l, size_t i, rs_error *err)
{
    const rs_field *af = &rec->fields[c->c_action];
    double a;
    if (rs_parse_f64(af->ptr, af->len, &a) < 0 || a < 0 || a >= (double)l->k || a != floor(a))
        return rs_error_set(err, RS_EDATA, c->name, rec->line,
                            "action '%.*s' is not one of the policy's actions (0..%zu)",
                            (int)(af->len > 40 ? 40 : af->len), af->ptr, l->k - 1);
    if (rs_scorer_parse(c->scorer, c->t, rec, c->c_feature, NULL, c->features, err))
        return err->code;
    l->act[i] = (int32_t)a;
    rs_scorer_action_probs(c->scorer, c->features, 1, l->pi + i * l->k);
    return RS_OK;
}

static rs_status open_columns(columns *c, const rs_eval_spec *s, logs *l, rs_error *err)
{
    if (!(c->t = rs_table_open(s->input, &s->table, err)))
        return err->code;
    c->name = rs_table_name(c->t);
    if (rs_table_find_col(c->t, s->action_col, "--action-col", &c->c_action, err) ||
        rs_table_find_col(c->t, s->reward_col, "--reward-col", &c->c_reward, err) ||
        rs_table_find_col(c->t, s->propensity_col, "--propensity-col", &c->c_prop, err) ||
        (s->target_col && rs_table_find_col(c->t, s->target_col, "--target-prob", &c->c_target, err)) ||
        (wide(s) && find_prefixed(c, s, err)) || find_context(c, s, &l->d, err))
        return err->code;
    l->k = c->actions ? (size_t)rs_idmap_size(c->actions) : 0;
    return s->model_path ? open_model(c, s, &l->k, err) : RS_OK;
}

static rs_status number(columns *c, const rs_record *rec, size_t col, const char *what, double *v, rs_error *err)
{
    const rs_field *f = &rec->fields[col];
    if (!f->len || rs_parse_f64(f->ptr, f->len, v) < 0 || !isfinite(*v))
        return rs_table_bad_field(c->t, rec, col, what, err);
    return RS_OK;
}

static rs_status probability(columns *c, const rs_record *rec, size_t col, double *v, rs_error *err)
{
    if (number(c, rec, col, "a probability in [0, 1]", v, err))
        return err->code;
    return *v >= 0 && *v <= 1 ? RS_OK : rs_table_bad_field(c->t, rec, col, "a probability in [0, 1]", err);
}

static rs_status grow(logs *l, rs_error *err)
{
    if (l->n < l->cap)
        return RS_OK;
    size_t cap = l->cap ? l->cap * 2 : 4096;
    double **arrays[] = {&l->w, &l->r};
    for (size_t i = 0; i < 2; i++) {
        double *p = realloc(*arrays[i], cap * sizeof *p);
        if (!p)
            return rs_error_nomem(err);
        *arrays[i] = p;
    }
    if (l->k) {
        int32_t *act = realloc(l->act, cap * sizeof *act);
        if (act)
            l->act = act;
        double *pi = act ? realloc(l->pi, cap * l->k * sizeof *pi) : NULL;
        if (pi)
            l->pi = pi;
        double *rm = pi && l->rmodel_cols ? realloc(l->rmodel, cap * l->k * sizeof *rm) : NULL;
        if (rm)
            l->rmodel = rm;
        double *x = pi && l->d ? realloc(l->x, cap * l->d * sizeof *x) : NULL;
        if (x)
            l->x = x;
        if (!act || !pi || (l->rmodel_cols && !rm) || (l->d && !x))
            return rs_error_nomem(err);
    }
    l->cap = cap;
    return RS_OK;
}

static rs_status read_row(columns *c, const rs_eval_spec *s, const rs_record *rec, logs *l, rs_error *err)
{
    size_t i = l->n;
    const rs_field *af = &rec->fields[c->c_action];
    if (!af->len)
        return rs_table_bad_field(c->t, rec, c->c_action, "an action (the cell is empty)", err);
    double p, t = 0;
    if (number(c, rec, c->c_reward, "a number (the reward)", &l->r[i], err) ||
        number(c, rec, c->c_prop, "a propensity in (0, 1]", &p, err))
        return err->code;
    if (!(p > 0 && p <= 1))
        return rs_table_bad_field(c->t, rec, c->c_prop, "a propensity in (0, 1]", err);
    if (p < TINY_PROPENSITY && !l->tiny++)
        l->tiny_line = rec->line;
    if (s->target_col && probability(c, rec, c->c_target, &t, err))
        return err->code;
    if (c->scorer) {
        if (model_row(c, rec, l, i, err))
            return err->code;
        t = l->pi[i * l->k + (size_t)l->act[i]];
    } else if (l->k) {
        int32_t a = rs_idmap_find(c->actions, af->ptr, af->len);
        if (a < 0)
            return rs_error_set(err, RS_EDATA, c->name, rec->line,
                                "action '%.*s' is not among the target policy's actions (no column %s%.*s)",
                                (int)(af->len > 40 ? 40 : af->len), af->ptr, s->target_prefix,
                                (int)(af->len > 40 ? 40 : af->len), af->ptr);
        l->act[i] = a;
        for (size_t b = 0; b < l->k; b++)
            if (probability(c, rec, c->c_pi[b], &l->pi[i * l->k + b], err))
                return err->code;
        for (size_t b = 0; l->rmodel && b < l->k; b++)
            if (number(c, rec, c->c_rmodel[b], "a number (the reward model)", &l->rmodel[i * l->k + b], err))
                return err->code;
        t = l->pi[i * l->k + (size_t)a];
    }
    for (size_t j = 0; j < l->d; j++)
        if (number(c, rec, c->c_x[j], "a number (a context column)", &l->x[i * l->d + j], err))
            return err->code;
    l->w[i] = t / p;
    l->n++;
    return RS_OK;
}

static rs_status read_logs(const rs_eval_spec *s, columns *c, logs *l, rs_error *err)
{
    if (open_columns(c, s, l, err))
        return err->code;
    l->rmodel_cols = s->reward_prefix != NULL;
    rs_record rec;
    int got;
    while ((got = rs_table_next(c->t, &rec, err)) > 0)
        if (rs_table_check_width(c->t, &rec, err) || grow(l, err) || read_row(c, s, &rec, l, err))
            return err->code;
    if (got < 0)
        return err->code;
    if (l->n == 0)
        return rs_error_set(err, RS_EDATA, c->name, 0, "no logged rows");
    return RS_OK;
}

/* v_i and rhat_i from the reward columns or the per-action ridge model. */
static rs_status reward_model(const rs_eval_spec *s, logs *l, rs_error *err)
{
    size_t k = l->k;
    if (!(l->v = malloc(l->n * sizeof *l->v)) || !(l->rhat = malloc(l->n * sizeof *l->rhat)))
        return rs_error_nomem(err);
    rs_ridge_arms *model = NULL;
    double *pred = malloc(k * sizeof *pred);
    if (!pred)
        return rs_error_nomem(err);
    if (!l->rmodel) {
        if (!(model = rs_ridge_arms_new(k, l->d, s->l2))) {
            free(pred);
            return rs_error_nomem(err);
        }
        for (size_t i = 0; i < l->n; i++)
            rs_ridge_arms_add(model, (size_t)l->act[i], l->x + i * l->d, l->r[i], 1);
        size_t empty;
        if (rs_ridge_arms_solve(model, &empty, err)) {
            rs_ridge_arms_free(model), free(pred);
            return err->code;
        }
        if (empty)
            rs_warn(s->input ? s->input : "-", 0,
                    "%zu of %zu actions were never logged: the reward model predicts 0 for them", empty, k);
    }
    for (size_t i = 0; i < l->n; i++) {
        const double *pi = l->pi + i * k;
        double v = 0;
        for (size_t a = 0; a < k; a++) {
            pred[a] = model ? rs_ridge_arms_predict(model, a, l->x + i * l->d) : l->rmodel[i * k + a];
            v += pi[a] * pred[a];
        }
        l->v[i] = v;
        l->rhat[i] = pred[l->act[i]];
    }
    rs_ridge_arms_free(model);
    free(pred);
    return RS_OK;
}

/* Row i's sums (N_SUMS); returns 1 when its weight exceeds the cap. */
static int row_sums(const logs *l, double clip, size_t i, double *s)
{
    double w = l->w[i], r = l->r[i], e = w > clip ? w - clip : 0;
    double v = l->v ? l->v[i] : 0, resid = l->v ? r - l->rhat[i] : 0;
    s[S_N] = 1, s[S_W] = w, s[S_WR] = w * r, s[S_DM] = v, s[S_DR] = v + w * resid;
    s[D_W] = e, s[D_WR] = e * r, s[D_DR] = e * resid;
    return e > 0;
}

/* ---- the estimators --------------------------------------------------- */

enum { E_IPS, E_SNIPS, E_IPS_CLIP, E_SNIPS_CLIP, E_DM, E_DR, E_DR_CLIP, N_EST };
static const char *const est_name[N_EST] = {"ips", "snips", "ips_clipped", "snips_clipped", "dm", "dr",
                                            "dr_clipped"};

static void estimates(const double *sum, double *e)
{
    e[E_IPS] = sum[S_WR] / sum[S_N];
    e[E_SNIPS] = sum[S_WR] / sum[S_W];
    e[E_IPS_CLIP] = (sum[S_WR] - sum[D_WR]) / sum[S_N];
    e[E_SNIPS_CLIP] = (sum[S_WR] - sum[D_WR]) / (sum[S_W] - sum[D_W]);
    e[E_DM] = sum[S_DM] / sum[S_N];
    e[E_DR] = sum[S_DR] / sum[S_N];
    e[E_DR_CLIP] = (sum[S_DR] - sum[D_DR]) / sum[S_N];
}

/* ---- the Poisson bootstrap -------------------------------------------- */

/* Poisson(1) counts by 16-bit quantile: a count from 16 random bits (the
 * probabilities rounded to 1/65536; counts above 8 have less than 1e-5). */
static unsigned char poisson_table[65536];

static void poisson_table_init(void)
{
    double cdf = 0, pk = exp(-1.0);
    unsigned k = 0, u = 0;
    while (u < 65536) {
        cdf += pk;
        unsigned end = cdf >= 1 || k >= 12 ? 65536 : (unsigned)(cdf * 65536.0);
        for (; u < end; u++)
            poisson_table[u] = (unsigned char)k;
        k++;
        pk /= k;
    }
}

typedef struct {
    const logs *l;
    double clip;
    size_t resamples, chunk, n_chunks;
    int model;             /* DM and DR sums too */
    uint64_t seed;
    double *chunk_sums;    /* (n_chunks, N_SUMS, resamples) */
    double *counts;        /* (threads, resamples) scratch */
} boot_ctx;

/* a[r] += c[r] s for r < n: the loop the compiler vectorises. */
static void axpy(double *restrict a, const double *restrict c, double s, size_t n)
{
    for (size_t r = 0; r < n; r++)
        a[r] += c[r] * s;
}

static void boot_chunk(const boot_ctx *b, size_t chunk, double *cnt)
{
    const logs *l = b->l;
    size_t begin = chunk * b->chunk, end = begin + b->chunk < l->n ? begin + b->chunk : l->n, B = b->resamples;
    double *acc = b->chunk_sums + chunk * N_SUMS * B, s[N_SUMS];
    memset(acc, 0, N_SUMS * B * sizeof *acc);
    rs_rng rng;
    rs_rng_seed(&rng, b->seed ^ (0x9e3779b97f4a7c15ull * (chunk + 1)));
    for (size_t i = begin; i < end; i++) {
        int clipped = row_sums(l, b->clip, i, s);
        for (size_t r = 0; r < B; r += 4) {
            uint64_t bits = rs_rng_next(&rng);
            for (size_t q = 0; q < 4 && r + q < B; q++, bits >>= 16)
                cnt[r + q] = poisson_table[bits & 0xffff];
        }
        for (size_t r = 0; r < B; r++)
            acc[S_N * B + r] += cnt[r];
        axpy(acc + S_W * B, cnt, s[S_W], B);
        axpy(acc + S_WR * B, cnt, s[S_WR], B);
        if (b->model) {
            axpy(acc + S_DM * B, cnt, s[S_DM], B);
            axpy(acc + S_DR * B, cnt, s[S_DR], B);
        }
        for (size_t j = D_W; clipped && j < N_SUMS; j++)
            axpy(acc + j * B, cnt, s[j], B);
    }
}

static void boot_thread(void *ctx, int thread, int n_threads)
{
    const boot_ctx *b = ctx;
    double *cnt = b->counts + (size_t)thread * b->resamples;
    for (size_t chunk = (size_t)thread; chunk < b->n_chunks; chunk += (size_t)n_threads)
        boot_chunk(b, chunk, cnt);
}

/* lo, hi (N_EST): the 2.5 % and 97.5 % quantiles of each estimator. */
static rs_status bootstrap(const rs_eval_spec *s, const logs *l, double *lo, double *hi, rs_error *err)
{
    /* at most MAX_CHUNKS chunks of at least MIN_CHUNK rows, fixed by n alone */
    size_t chunk = (l->n + MAX_CHUNKS - 1) / MAX_CHUNKS;
    chunk = chunk < MIN_CHUNK ? MIN_CHUNK : chunk;
    boot_ctx b = {.l = l, .clip = s->clip, .resamples = (size_t)s->bootstrap, .seed = s->seed, .chunk = chunk,
                  .n_chunks = (l->n + chunk - 1) / chunk, .model = l->v != NULL};
    size_t B = b.resamples;
    double *totals = calloc(B * N_SUMS, sizeof *totals);
    double *est = malloc(B * N_EST * sizeof *est), *col = malloc(B * sizeof *col);
    b.chunk_sums = malloc(b.n_chunks * N_SUMS * B * sizeof *b.chunk_sums);
    b.counts = malloc((size_t)s->threads * B * sizeof *b.counts);
    if (!totals || !est || !col || !b.chunk_sums || !b.counts) {
        free(totals), free(est), free(col), free(b.chunk_sums), free(b.counts);
        return rs_error_nomem(err);
    }
    poisson_table_init();
    rs_parallel(s->threads, boot_thread, &b);
    for (size_t c = 0; c < b.n_chunks; c++)   /* in chunk order: the same sums for any -j */
        for (size_t j = 0; j < N_SUMS; j++)
            for (size_t r = 0; r < B; r++)
                totals[r * N_SUMS + j] += b.chunk_sums[(c * N_SUMS + j) * B + r];
    for (size_t r = 0; r < B; r++)
        estimates(totals + r * N_SUMS, est + r * N_EST);
    /* a resample that drew no row (or no weight, for SNIPS) has no value:
     * the quantiles are those of the others (tiny logs only) */
    for (size_t e = 0; e < N_EST; e++) {
        size_t m = 0;
        for (size_t r = 0; r < B; r++)
            if (isfinite(est[r * N_EST + e]))
                col[m++] = est[r * N_EST + e];
        rs_sort_doubles(col, m);
        lo[e] = m ? rs_quantile_sorted(col, m, 0.025) : NAN;
        hi[e] = m ? rs_quantile_sorted(col, m, 0.975) : NAN;
    }
    free(totals), free(est), free(col), free(b.chunk_sums), free(b.counts);
    return RS_OK;
}

/* ---- the report -------------------------------------------------------- */

static void warn_weights(const rs_eval_spec *s, const columns *c, const logs *l, double sum_w, double max_w)
{
    if (l->tiny)
        rs_warn(c->name, l->tiny_line,
                "%ld rows have a propensity below %g (this is the first): their weights make IPS noisy", l->tiny,
                TINY_PROPENSITY);
    if (sum_w > 0 && max_w > DOMINATING_SHARE * sum_w)
        rs_warn(c->name, 0, "one row's weight is %.1f %% of all weights: the estimates rest on few rows",
                100 * max_w / sum_w);
    if (sum_w == 0)
        rs_warn(c->name, 0, "the target policy gives probability 0 to every logged action: %s is undefined",
                s->target_col ? "SNIPS" : "SNIPS (and IPS is 0)");
}

static rs_status report_all(const rs_eval_spec *s, const columns *c, const logs *l, rs_error *err)
{
    double sum[N_SUMS] = {0}, row[N_SUMS], sum_w2 = 0, max_w = 0, e[N_EST], lo[N_EST], hi[N_EST];
    for (size_t i = 0; i < l->n; i++) {
        row_sums(l, s->clip, i, row);
        for (size_t j = 0; j < N_SUMS; j++)
            sum[j] += row[j];
        sum_w2 += l->w[i] * l->w[i];
        max_w = l->w[i] > max_w ? l->w[i] : max_w;
    }
    estimates(sum, e);
    if (bootstrap(s, l, lo, hi, err))
        return err->code;
    warn_weights(s, c, l, sum[S_W], max_w);
    rs_eval_report report = {0};
    int bad = rs_eval_report_group(&report, "all", 3) | rs_eval_report_set(&report, "n", (double)l->n, 1);
    size_t n_est = l->v ? N_EST : E_SNIPS_CLIP + 1;
    for (size_t k = 0; k < n_est; k++) {
        char name[64];
        bad |= rs_eval_report_set(&report, est_name[k], e[k], 0);
        snprintf(name, sizeof name, "%s_low", est_name[k]);
        bad |= rs_eval_report_set(&report, name, lo[k], 0);
        snprintf(name, sizeof name, "%s_high", est_name[k]);
        bad |= rs_eval_report_set(&report, name, hi[k], 0);
    }
    bad |= rs_eval_report_set(&report, "logged_reward", sum[S_N] > 0 ? rs_mean(l->r, l->n) : NAN, 0) |
           rs_eval_report_set(&report, "weight_mean", sum[S_W] / sum[S_N], 0) |
           rs_eval_report_set(&report, "weight_max", max_w, 0) |
           rs_eval_report_set(&report, "ess", sum_w2 > 0 ? sum[S_W] * sum[S_W] / sum_w2 : 0, 0) |
           rs_eval_report_set(&report, "clip", s->clip, 0) |
           rs_eval_report_set(&report, "tiny_propensities", (double)l->tiny, 1);
    rs_status st = bad ? rs_error_nomem(err) : rs_eval_write_report(s, &report, err);
    rs_eval_report_free(&report);
    return st;
}

rs_status rs_eval_policy(const rs_eval_spec *spec, rs_error *err)
{
    rs_eval_spec s = *spec;
    s.action_col = s.action_col ? s.action_col : "action";
    s.reward_col = s.reward_col ? s.reward_col : "reward";
    s.propensity_col = s.propensity_col ? s.propensity_col : "propensity";
    columns c = {0};
    logs l = {0};
    rs_status st = read_logs(&s, &c, &l, err);
    if (st == RS_OK && l.k)
        st = reward_model(&s, &l, err);
    if (st == RS_OK)
        st = report_all(&s, &c, &l, err);
    logs_free(&l);
    columns_free(&c);
    return st;
}
