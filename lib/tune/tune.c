/* tune.c — see tune.h. */
#include "tune/tune.h"

#include "clean/split.h"
#include "io/csv.h"
#include "io/json.h"
#include "models/reco.h"
#include "models/supervised.h"
#include "models/train.h"
#include "num.h"
#include "threads.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* At most two rungs, the first not shorter than MIN_EPOCHS: a few epochs
 * rank settings by how fast they start, not where they end (bpr's best
 * learning rates look poor at 6 of 60 epochs). */
enum { MAX_RUNGS = 2, MIN_EPOCHS = 3 };

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* ---- the validation split: rs-split's code ------------------------------ */

/* The time that leaves the last share R of the rows after it: rows at or
 * before it are fit rows, so every validation row is later than every fit
 * row. */
static rs_status time_cutoff(const rs_interactions *x, double ratio, int64_t *cutoff, rs_error *err)
{
    if (!x->ts)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--split time needs a time column (ts, or --time-col)");
    int64_t *ts = malloc((x->n + 1) * sizeof *ts);
    if (!ts)
        return rs_error_nomem(err);
    memcpy(ts, x->ts, x->n * sizeof *ts);
    qsort(ts, x->n, sizeof *ts, cmp_i64);
    size_t keep = (size_t)ceil((1 - ratio) * (double)x->n);
    *cutoff = ts[keep > 0 ? keep - 1 : 0];
    free(ts);
    return RS_OK;
}

static rs_status carve(const rs_tune_spec *spec, const rs_interactions *all, const char *fit_path,
                       const char *valid_path, rs_error *err)
{
    int supervised = spec->kind->family == RS_FAMILY_SUPERVISED;
    rs_split_spec s = {.input = spec->input, .train_path = fit_path, .test_path = valid_path,
                       .table = *spec->table, .out_format = RS_FORMAT_CSV, .ratio = 1 - spec->valid_ratio,
                       .user_col = spec->cols.user_col ? spec->cols.user_col : "user",
                       .time_col = spec->cols.time_col ? spec->cols.time_col : "ts",
                       .time_format = spec->cols.time_format, .seed = spec->seed};
    switch (spec->split) {
    case RS_TUNE_SPLIT_AUTO:
        s.mode = supervised ? RS_SPLIT_RANDOM : RS_SPLIT_USER;
        break;
    case RS_TUNE_SPLIT_USER: s.mode = RS_SPLIT_USER; break;
    case RS_TUNE_SPLIT_RANDOM: s.mode = RS_SPLIT_RANDOM; break;
    case RS_TUNE_SPLIT_TIME: s.mode = RS_SPLIT_TIME; break;
    }
    if (supervised && s.mode != RS_SPLIT_RANDOM)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--split %s works with recommender kinds; %s takes random",
                            s.mode == RS_SPLIT_USER ? "user" : "time", spec->kind->name);
    if (supervised)
        s.stratify = spec->base->label;   /* the class balance of the input on both sides */
    if (s.mode == RS_SPLIT_TIME && time_cutoff(all, spec->valid_ratio, &s.cutoff, err) != RS_OK)
        return err->code;
    rs_split_report report;
    return rs_split_run(&s, &report, err);
}

/* ---- the search ---------------------------------------------------------- */

typedef struct {
    const rs_tune_data *data;
    rs_tune_row *rows;
    const rs_params *params;   /* (n) one per row */
    size_t n;
    rs_error *errs;            /* (n) */
    rs_status *status;         /* (n) */
    double deadline;           /* now_seconds() after which no training starts; 0: none */
    int keep_first;            /* row 0 runs whatever the time (the first rung's trial 0) */
} rung_job;

static void rung_thread(void *ctx, int t, int n_threads)
{
    rung_job *job = ctx;
    for (size_t i = (size_t)t; i < job->n; i += (size_t)n_threads) {
        double start = now_seconds();
        rs_tune_row *row = &job->rows[i];
        if (job->deadline > 0 && start >= job->deadline && !(i == 0 && job->keep_first)) {
            row->skipped = 1;
            continue;
        }
        job->status[i] = rs_tune_trial(job->data, &job->params[i], i, &row->metric, &row->epochs_used,
                                       &job->errs[i]);
        row->seconds = now_seconds() - start;
        if (job->status[i] == RS_EDATA)   /* the kind refused this setting: the others go on */
            row->failed = 1, row->metric = NAN;
    }
}

static int higher_better;

/* Best first: the later rung, a setting that trained, the better metric,
 * then the earlier trial (deterministic). */
static int row_order(const void *a, const void *b)
{
    const rs_tune_row *x = a, *y = b;
    if (x->skipped != y->skipped)
        return x->skipped - y->skipped;
    if (x->rung != y->rung)
        return y->rung - x->rung;
    if (x->failed != y->failed)
        return x->failed - y->failed;
    if (!x->failed && x->metric != y->metric)
        return (x->metric > y->metric) == (higher_better != 0) ? -1 : 1;
    return (x->trial > y->trial) - (x->trial < y->trial);
}

/* base, then the row's values, then its epochs. */
static rs_status row_params(const rs_tune_spec *spec, const rs_tune_space *space, const rs_tune_row *row,
                            rs_params *p, rs_error *err)
{
    *p = *spec->base;
    for (size_t d = 0; d < space->n_dims; d++)
        if (row->values[d][0] && rs_params_set(p, spec->kind, space->dims[d]->name, row->values[d], err) != RS_OK)
            return err->code;
    if (row->epochs > 0) {
        char text[32];
        snprintf(text, sizeof text, "%ld", row->epochs);
        if (rs_params_set(p, spec->kind, "epochs", text, err) != RS_OK)
            return err->code;
    }
    return RS_OK;
}

/* Trainings of n settings over rungs 0..last with eta: ceil(n / eta^i) each. */
static long halving_cost(long n, long eta, int last)
{
    long cost = 0, div = 1;
    for (int i = 0; i <= last; i++, div *= eta)
        cost += (n + div - 1) / div;
    return cost;
}

static rs_status run_rung(const rs_tune_spec *spec, const rs_tune_data *data, rs_tune_result *res,
                          rs_tune_row *rows, size_t n, double deadline, int keep_first, rs_error *err)
{
    rs_params *params = calloc(n + 1, sizeof *params);
    rs_error *errs = calloc(n + 1, sizeof *errs);
    rs_status *status = calloc(n + 1, sizeof *status), st = RS_OK;
    if (!params || !errs || !status)
        st = rs_error_nomem(err);
    for (size_t i = 0; st == RS_OK && i < n; i++)
        if ((st = row_params(spec, &res->space, &rows[i], &params[i], err)) == RS_OK) {
            params[i].threads = 1;
            params[i].progress = NULL;
        }
    if (st == RS_OK) {
        rung_job job = {data, rows, params, n, errs, status, deadline, keep_first};
        /* a kind that adds items while preparing changes the shared data */
        rs_parallel(spec->kind->prepare ? 1 : spec->threads, rung_thread, &job);
        for (size_t i = 0; st == RS_OK && i < n; i++)
            if (status[i] != RS_OK && status[i] != RS_EDATA) {
                *err = errs[i];
                st = status[i];
            } else if (status[i] == RS_EDATA && !res->failure[0]) {
                snprintf(res->failure, sizeof res->failure, "%s", errs[i].msg);
            }
    }
    free(params), free(errs), free(status);
    return st;
}

/* Drop the rows --time left out; n_rows counts the rest. */
static void drop_skipped(rs_tune_result *res)
{
    size_t kept = 0;
    for (size_t r = 0; r < res->n_rows; r++)
        if (!res->rows[r].skipped)
            res->rows[kept++] = res->rows[r];
    res->skipped = res->n_rows - kept;
    res->n_rows = kept;
}

static rs_status search(const rs_tune_spec *spec, const rs_tune_data *data, rs_tune_result *res, long r_max,
                        rs_error *err)
{
    double deadline = spec->time_limit > 0 ? now_seconds() + spec->time_limit : 0;
    long eta = spec->eta, n0 = spec->budget;
    int last = 0;
    if (res->halving) {
        double div = (double)eta;
        while (last + 1 < MAX_RUNGS && (double)r_max / div >= MIN_EPOCHS && last + 1 < spec->budget)
            last++, div *= (double)eta;
        while (n0 > 1 && halving_cost(n0, eta, last) > spec->budget)
            n0--;
    }
    if (res->space.n_dims == 0)
        n0 = 1, last = 0;   /* nothing to search: the one setting */
    size_t total = (size_t)(res->halving ? halving_cost(n0, eta, last) : n0);
    if (!(res->rows = calloc(total + 1, sizeof *res->rows)))
        return rs_error_nomem(err);
    rs_tune_row *rung = res->rows;
    size_t n = (size_t)n0;
    for (size_t t = 0; t < n; t++) {   /* setting 0: the kind's defaults (and the fixed options) */
        rung[t].trial = t;
        if (t > 0)
            rs_tune_space_point(&res->space, t - 1, rung[t].values);
    }
    higher_better = spec->metric.higher_better;
    for (int i = 0; i <= last; i++) {
        long div = 1;
        for (int j = i; j < last; j++)
            div *= eta;
        for (size_t t = 0; t < n; t++)
            rung[t].rung = i, rung[t].epochs = res->halving ? (r_max / div > 0 ? r_max / div : 1) : 0;
        rs_status st = run_rung(spec, data, res, rung, n, deadline, i == 0, err);
        res->n_rows += n;
        if (st != RS_OK)
            return st;
        if (i == last || (deadline > 0 && now_seconds() >= deadline))
            break;   /* the last rung, or out of time: no later rung starts */
        rs_tune_row *sorted = malloc(n * sizeof *sorted);
        if (!sorted)
            return rs_error_nomem(err);
        memcpy(sorted, rung, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, row_order);
        size_t ran = 0, next = (n + (size_t)eta - 1) / (size_t)eta;
        for (size_t t = 0; t < n; t++)
            ran += !rung[t].skipped;
        next = next < ran ? next : ran;   /* only settings that trained go on */
        for (size_t t = 0; t < next; t++) {
            rung[n + t] = sorted[t];
            rung[n + t].metric = NAN, rung[n + t].seconds = 0, rung[n + t].failed = 0;
        }
        free(sorted);
        rung += n;
        n = next;
    }
    drop_skipped(res);
    qsort(res->rows, res->n_rows, sizeof *res->rows, row_order);
    if (res->rows[0].failed)
        return rs_error_set(err, RS_EDATA, NULL, 0, "no setting trained: %s", res->failure);
    return RS_OK;
}

/* ---- the run ------------------------------------------------------------- */

static long default_epochs(const rs_kind *kind)
{
    const rs_kind_option *o = rs_kind_option_find(kind, "epochs");
    return o && o->dflt ? atol(o->dflt) : 0;
}

/* The metric must fit the kind (and, for probabilities, the label). */
static rs_status check_metric(const rs_tune_spec *spec, rs_error *err)
{
    const rs_kind *kind = spec->kind;
    const char *m = spec->metric.name;
    /* its validation split and scoring read no order: they would judge a
     * sequence kind on unordered histories */
    if (kind->flags & RS_KIND_ORDERED)
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "%s reads order, which rs-tune's split ignores: choose its settings on a "
                            "validation target (rs-split --method last; scripts/bench-seq)", kind->name);
    if (kind->family == RS_FAMILY_RECOMMENDER && spec->metric.kind != RS_METRIC_RANK)
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "--metric %s does not fit %s, a recommender (ndcg@K, recall@K, precision@K, map@K or "
                            "hitrate@K)", m, kind->name);
    if (kind->family == RS_FAMILY_SUPERVISED && spec->metric.kind == RS_METRIC_RANK)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--metric %s does not fit %s, a supervised kind (auc, logloss "
                            "or rmse)", m, kind->name);
    if (!strcmp(kind->name, "linreg") && spec->metric.kind != RS_METRIC_RMSE)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--metric %s does not fit linreg, which predicts values (rmse)", m);
    if (!strcmp(kind->name, "logreg") && spec->metric.kind == RS_METRIC_RMSE)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--metric rmse does not fit logreg, which predicts "
                            "probabilities (auc or logloss)");
    return RS_OK;
}

/* A probability metric needs a 0/1 label in the fit rows and both classes
 * among the validation rows. */
static rs_status check_labels(const rs_tune_spec *spec, const rs_dataset *fit, const rs_dataset *valid,
                              const char *valid_name, rs_error *err)
{
    /* a label the classifier reads as classes (not 0/1): rs-tune scores one
     * probability or value per row */
    for (size_t i = 0; fit->classes && i < fit->n_rows; i++) {
        size_t len;
        const char *name = rs_idmap_key(fit->classes, (int32_t)fit->y[i], &len);
        if (!(len == 1 && (name[0] == '0' || name[0] == '1')))
            return rs_error_set(err, RS_EDATA, spec->input, 0,
                                "--metric %s needs a 0/1 label; %s has the value %.*s (rs-tune does not search "
                                "class-label models)", spec->metric.name, spec->base->label, (int)len, name);
    }
    if (spec->metric.kind != RS_METRIC_AUC && spec->metric.kind != RS_METRIC_LOGLOSS)
        return RS_OK;
    size_t count[2], bad = rs_label_classes(fit, count);
    if (bad)
        return rs_error_set(err, RS_EDATA, spec->input, 0, "--metric %s needs a 0/1 label; %s has the value %g",
                            spec->metric.name, spec->base->label, fit->y[bad - 1]);
    if ((bad = rs_label_classes(valid, count)))
        return rs_error_set(err, RS_EDATA, valid_name, 0, "--metric %s needs a 0/1 label; %s has the value %g",
                            spec->metric.name, spec->base->label, valid->y[bad - 1]);
    if (count[1] == 0 || count[0] == 0)
        return rs_error_set(err, RS_EDATA, valid_name, 0,
                            "the validation rows (%zu) have no %s (%s = %d): --metric %s is undefined; give more "
                            "rows or a larger --valid-ratio", valid->n_rows, count[1] ? "negatives" : "positives",
                            spec->base->label, count[1] ? 0 : 1, spec->metric.name);
    return RS_OK;
}

static rs_status final_model(const rs_tune_spec *spec, rs_tune_result *res, rs_interactions *all, rs_error *err)
{
    rs_tune_row best = res->rows[0];
    best.epochs = best.epochs_used > 0 ? best.epochs_used : best.epochs;
    res->final_epochs = best.epochs;
    rs_params p;
    if (row_params(spec, &res->space, &best, &p, err) != RS_OK)
        return err->code;
    p.threads = spec->threads;
    p.valid = NULL;
    rs_model *m = NULL;
    rs_status st = RS_OK;
    rs_dataset *rows = NULL;
    if (spec->kind->family == RS_FAMILY_RECOMMENDER) {
        if ((m = rs_reco_train_new(all, &p, err)))
            st = rs_reco_record_columns(m, &spec->cols, all, err);
    } else {
        rs_train_rows_spec ds;
        rs_train_rows_spec_init(&ds, spec->kind, &p, spec->features);
        if ((rows = rs_dataset_load(spec->input, spec->table, &ds.spec, err)))
            m = rs_sup_train_new(rows, &p, err);
    }
    st = !m ? err->code : st;
    if (st == RS_OK)
        st = rs_model_save(m, spec->model_out, err);
    rs_model_free(m);
    rs_dataset_free(rows);
    return st;
}

/* A row the loader refused in a carved split (a file in the work directory)
 * is refused in the user's input too: read the input again so the message
 * names its file and line, not the temporary file's. */
static rs_status carved_error(const rs_tune_spec *spec, const rs_dataset_spec *ds, rs_error *err)
{
    if (!err->line)
        return err->code;
    rs_error again = {0};
    rs_dataset *whole = rs_dataset_load(spec->input, spec->table, ds, &again);
    rs_dataset_free(whole);
    if (!whole && again.line)
        *err = again;
    return err->code;
}

rs_status rs_tune_run(const rs_tune_spec *spec, rs_tune_result *res, rs_error *err)
{
    memset(res, 0, sizeof *res);
    res->metric = spec->metric;
    const rs_kind *kind = spec->kind;
    if (check_metric(spec, err) != RS_OK)
        return err->code;
    long r_max = spec->max_epochs > 0 ? spec->max_epochs : default_epochs(kind);
    const rs_kind_option *epochs = rs_kind_option_find(kind, "epochs");
    int epochs_fixed = 0;
    for (size_t i = 0; spec->fixed && i < spec->fixed->n; i++)
        epochs_fixed |= !strcmp(spec->fixed->items[i], "epochs");
    res->halving = epochs && epochs->scale != RS_SEARCH_NONE && !epochs_fixed && r_max > 0;
    if (rs_tune_space_init(&res->space, kind, spec->fixed, res->halving ? "epochs" : NULL, spec->seed, err))
        return err->code;

    char fit_path[4096], carved[4096];
    snprintf(fit_path, sizeof fit_path, "%s/fit.csv", spec->workdir);
    snprintf(carved, sizeof carved, "%s/valid.csv", spec->workdir);
    const char *valid_path = spec->valid_path ? spec->valid_path : spec->valid_out ? spec->valid_out : carved;
    rs_interactions_spec cols = spec->cols;
    cols.want_time = spec->split == RS_TUNE_SPLIT_TIME || spec->base->recent_days > 0;
    cols.value_required = (kind->flags & RS_KIND_NEEDS_VALUE) && !cols.value_col;
    rs_interactions *all = NULL, *fit = NULL, *valid = NULL;
    rs_dataset *fit_rows = NULL, *valid_rows = NULL;
    rs_status st = RS_OK;
    int reco = kind->family == RS_FAMILY_RECOMMENDER;
    if (reco && !(all = rs_interactions_load(spec->input, spec->table, &cols, NULL, 1, NULL, err)))
        st = err->code;
    if (st == RS_OK && !spec->valid_path)
        st = carve(spec, all, fit_path, valid_path, err);
    const char *fit_from = spec->valid_path ? spec->input : fit_path;
    rs_params base = *spec->base;
    if (st == RS_OK && reco) {
        if (!(fit = rs_interactions_load(fit_from, spec->table, &cols, NULL, 1, NULL, err)) ||
            !(valid = rs_interactions_load(valid_path, spec->table, &cols, NULL, 1, NULL, err)))
            st = err->code;
        else if (valid->n == 0)
            st = rs_error_set(err, RS_EDATA, spec->valid_path ? valid_path : NULL, 0,
                              "the validation split has no interactions (no positives to rank): give more rows or "
                              "a larger --valid-ratio");
    } else if (st == RS_OK) {
        rs_train_rows_spec ds;
        rs_train_rows_spec_init(&ds, kind, &base, spec->features);
        if (!(fit_rows = rs_dataset_load(fit_from, spec->table, &ds.spec, err)))
            st = carved_error(spec, &ds.spec, err);
        rs_dataset_spec vs = rs_dataset_valid_spec(&ds.spec, fit_rows);
        if (st == RS_OK && !(valid_rows = rs_dataset_load(valid_path, spec->table, &vs, err)))
            st = spec->valid_path ? err->code : carved_error(spec, &ds.spec, err);
        if (st == RS_OK)
            st = check_labels(spec, fit_rows, valid_rows, spec->valid_path ? valid_path : "the validation split", err);
        if (st == RS_OK && !base.id)
            base.id = fit_rows->id_name;
        base.valid = valid_rows;
    }
    if (st == RS_OK) {
        res->fit_rows = (long)(reco ? fit->n : fit_rows->n_rows);
        res->valid_rows = (long)(reco ? valid->n : valid_rows->n_rows);
        rs_tune_spec inner = *spec;
        inner.base = &base;
        inner.cols = cols;
        rs_tune_data data = {kind, spec->metric, spec->workdir, spec->table, fit, &cols, valid_path,
                             fit_rows, valid_rows};
        st = search(&inner, &data, res, r_max, err);
        base.valid = NULL;
        if (st == RS_OK)
            st = final_model(&inner, res, all, err);
    }
    rs_interactions_free(fit);
    rs_interactions_free(valid);
    rs_interactions_free(all);
    rs_dataset_free(fit_rows);
    rs_dataset_free(valid_rows);
    remove(fit_path);
    remove(carved);
    return st;
}

/* ---- the leaderboard ----------------------------------------------------- */

rs_status rs_tune_write(const rs_tune_result *res, const char *output, int json, rs_error *err)
{
    rs_out *out = rs_out_open(output, err);
    if (!out)
        return err->code;
    const rs_tune_space *s = &res->space;
    if (!json) {
        rs_out_printf(out, "trial,rung%s", res->halving ? ",epochs" : "");
        for (size_t d = 0; d < s->n_dims; d++)
            rs_out_printf(out, ",%s", s->dims[d]->name);
        rs_out_printf(out, ",%s,seconds\n", res->metric.name);
    } else {
        rs_out_printf(out, "[");
    }
    for (size_t r = 0; r < res->n_rows; r++) {
        const rs_tune_row *row = &res->rows[r];
        char metric[40];
        if (row->failed)
            snprintf(metric, sizeof metric, "%s", json ? "null" : "");
        else
            metric[rs_format_f64(row->metric, metric)] = 0;   /* as rs-eval writes it */
        if (!json) {
            rs_out_printf(out, "%zu,%d", row->trial, row->rung);
            if (res->halving)
                rs_out_printf(out, ",%ld", row->epochs);
            for (size_t d = 0; d < s->n_dims; d++) {   /* quoted when it has a comma: --hidden 64,32 */
                const char *v = row->values[d][0] ? row->values[d] : s->dims[d]->dflt ? s->dims[d]->dflt : "";
                rs_out_printf(out, ",");
                rs_csv_write_field(out, v, strlen(v));
            }
            rs_out_printf(out, ",%s,%.3f\n", metric, row->seconds);
            continue;
        }
        rs_out_printf(out, "%s\n  {\"trial\": %zu, \"rung\": %d", r ? "," : "", row->trial, row->rung);
        if (res->halving)
            rs_out_printf(out, ", \"epochs\": %ld", row->epochs);
        for (size_t d = 0; d < s->n_dims; d++) {
            const char *v = row->values[d][0] ? row->values[d] : s->dims[d]->dflt ? s->dims[d]->dflt : "";
            rs_out_printf(out, ", \"%s\": ", s->dims[d]->name);
            if (!v[0])   /* a default derived from the data (als l2, alpha) */
                rs_out_printf(out, "null");
            else if (s->dims[d]->scale == RS_SEARCH_CHOICE || s->dims[d]->scale == RS_SEARCH_LAYERS)
                rs_json_write_string(out, v, strlen(v));
            else
                rs_out_printf(out, "%s", v);
        }
        rs_out_printf(out, ", \"%s\": %s, \"seconds\": %.3f}", res->metric.name, metric, row->seconds);
    }
    if (json)
        rs_out_printf(out, "%s]\n", res->n_rows ? "\n" : "");
    return rs_out_commit(out, err);
}

void rs_tune_result_free(rs_tune_result *res)
{
    free(res->rows);
    res->rows = NULL;
}
