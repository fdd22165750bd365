/* rs-tune — search a kind's settings on a validation split of the training
 * input (lib/tune), print the leaderboard and write the best model trained
 * on all of the input.  This file parses, checks and reports. */
#include "blas.h"
#include "common.h"
#include "kind_options.h"
#include "io/paths.h"
#include "models/kinds_text.h"
#include "num.h"
#include "threads.h"
#include "tune/tune.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage_head[] =
    "Usage: rs-tune --model KIND [--label COL] [--budget N] [--time SECONDS]\n"
    "         [--metric M] [OPTION]...\n"
    "         -i TRAIN -o BEST.rsm\n"
    "Search KIND's settings and write the best model.  rs-tune carves a validation\n"
    "split from TRAIN the way rs-split does (per user for recommenders, random and\n"
    "stratified by the label for supervised kinds, or by time), trains settings on\n"
    "the rest and scores them on it with rs-recommend's and rs-eval's code, prints\n"
    "the leaderboard (CSV, or --json) on stdout, then trains the best setting on\n"
    "all of TRAIN and writes it to BEST.rsm.  The sequence kinds (markov, sknn,\n"
    "seqease, sasrec) are refused: the split ignores order.\n"
    "\n"
    "The settings searched are the options of KIND that have a search range (see\n"
    "rs-train --list-models and man rs-tune); an option given on the command line\n"
    "is fixed, not searched.  Setting 0 is KIND's defaults; the others are points\n"
    "of a Halton sequence shifted by --seed, drawn on each option's scale (log for\n"
    "penalties and rates).  Kinds with --epochs are searched by successive halving:\n"
    "every setting trains 1/ETA of the epochs, the best 1/ETA train the full count;\n"
    "every one of those trainings counts against --budget.\n"
    "TRAIN must be a file (it is read to split and again for the final model).\n"
    "\n"
    "Options:\n"
    "      --model KIND            the kind to tune (required; rs-train --list-models)\n"
    "      --budget N              trainings to spend on the search (default 20; the\n"
    "                              final training on all of TRAIN is one more)\n"
    "      --time SECONDS          start no training after SECONDS of search (the\n"
    "                              ones running finish; setting 0 always trains,\n"
    "                              and the final training follows): the rows that\n"
    "                              ran hold the values they hold without --time,\n"
    "                              but how many ran depends on the machine\n"
    "      --metric M              what to optimise on the validation rows:\n"
    "                              recommenders ndcg@K, recall@K, precision@K, map@K\n"
    "                              or hitrate@K (default ndcg@10); supervised auc,\n"
    "                              logloss (default for a 0/1 label) or rmse\n"
    "                              (default otherwise, and for linreg)\n"
    "      --split HOW             user (recommenders' default: each user's rows\n"
    "                              split), random (supervised: stratified by the\n"
    "                              label) or time (the latest rows; recommenders)\n"
    "      --valid-ratio R         the validation share, 0 < R < 1 (default 0.2)\n"
    "      --valid FILE            a validation table instead of a split\n"
    "      --valid-out FILE        write the carved validation rows to FILE (CSV)\n"
    "      --eta N                 successive halving keeps the best 1/N (default 3)\n"
    "      --max-epochs N          the full epoch count of halving (default: KIND's\n"
    "                              default --epochs)\n"
    "      --json                  the leaderboard as a JSON array\n"
    "      --label COL, --features COLS, --id COL\n"
    "                              supervised: as rs-train\n"
    "      --user-col, --item-col, --value-col, --time-col COL, --time-format FMT\n"
    "                              recommenders: as rs-train\n"
    "  -o, --output BEST.rsm       the best model (required)\n"
    "  -j, --threads N             settings trained at once, one thread each; the\n"
    "                              final model trains on N threads\n"
    "  -v, --verbose               the best setting and the split's sizes on stderr\n"
    "\n"
    "Kind options (fixed, not searched; a kind takes only its own):\n";
static const char usage_tail[] =
    "\n"
    "The leaderboard has one line per training, best first: trial (the setting),\n"
    "rung (halving round), epochs, each searched option, the metric, seconds.  The\n"
    "same TRAIN, --seed and -j give the same leaderboard but for the seconds.\n"
    "A summary line goes to stderr unless -q.\n"
    "\n"
    "Examples:\n"
    "  rs-tune --model als --budget 30 -i train.csv -o als.rsm > board.csv\n"
    "  rs-tune --model logreg --label Revenue --metric logloss -i enc_train.csv \\\n"
    "    -o buy.rsm --json\n"
    "  rs-tune --model ease --split time --valid-out valid.csv -i events.csv -o e.rsm\n";

enum { OPT_MODEL = RS_OPT_FIRST_OWN, OPT_LABEL, OPT_FEATURES, OPT_ID, OPT_VALID, OPT_USER_COL, OPT_ITEM_COL,
       OPT_VALUE_COL, OPT_TIME_COL, OPT_TIME_FORMAT, OPT_BUDGET, OPT_METRIC, OPT_SPLIT, OPT_VALID_RATIO,
       OPT_VALID_OUT, OPT_ETA, OPT_MAX_EPOCHS, OPT_JSON, OPT_TIME, OPT_KIND_FIRST };

static const struct option own_options[] = {
    {"model", required_argument, NULL, OPT_MODEL},     {"label", required_argument, NULL, OPT_LABEL},
    {"features", required_argument, NULL, OPT_FEATURES}, {"id", required_argument, NULL, OPT_ID},
    {"id-col", required_argument, NULL, OPT_ID},       {"valid", required_argument, NULL, OPT_VALID},
    {"user-col", required_argument, NULL, OPT_USER_COL}, {"item-col", required_argument, NULL, OPT_ITEM_COL},
    {"value-col", required_argument, NULL, OPT_VALUE_COL}, {"time-col", required_argument, NULL, OPT_TIME_COL},
    {"time-format", required_argument, NULL, OPT_TIME_FORMAT}, {"budget", required_argument, NULL, OPT_BUDGET},
    {"metric", required_argument, NULL, OPT_METRIC},   {"split", required_argument, NULL, OPT_SPLIT},
    {"valid-ratio", required_argument, NULL, OPT_VALID_RATIO},
    {"valid-out", required_argument, NULL, OPT_VALID_OUT}, {"eta", required_argument, NULL, OPT_ETA},
    {"max-epochs", required_argument, NULL, OPT_MAX_EPOCHS}, {"json", no_argument, NULL, OPT_JSON},
    {"time", required_argument, NULL, OPT_TIME},
};
enum { N_OWN = sizeof own_options / sizeof own_options[0] };

typedef struct {
    const char *kind_name, *valid_path, *valid_out, *label, *id, *metric;
    rs_interactions_spec cols;
    rs_strlist features;
    rs_strlist given;           /* kind options: name, arg, name, arg ... */
    rs_strlist fixed;           /* their names */
    rs_tune_split split;
    long budget, eta, max_epochs;
    double valid_ratio, time_limit;
    int json;
    const struct option *long_options;
} args;

static rs_status kind_option(args *a, int opt, const char *arg, rs_error *err)
{
    const char *name = rs_kind_long_option_name(a->long_options, opt);
    if (!name)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "%s", "");
    if (rs_strlist_push(&a->given, name) < 0 || rs_strlist_push(&a->given, arg ? arg : "") < 0 ||
        rs_strlist_push(&a->fixed, name) < 0)
        return rs_error_nomem(err);
    return RS_OK;
}

static rs_status own_option(void *ctx, int opt, const char *arg, rs_error *err)
{
    args *a = ctx;
    switch (opt) {
    case OPT_MODEL: a->kind_name = arg; return RS_OK;
    case OPT_LABEL: a->label = arg; return RS_OK;
    case OPT_FEATURES: return rs_strlist_push_split(&a->features, arg) < 0 ? rs_error_nomem(err) : RS_OK;
    case OPT_ID: a->id = arg; return RS_OK;
    case OPT_VALID: a->valid_path = arg; return RS_OK;
    case OPT_VALID_OUT: a->valid_out = arg; return RS_OK;
    case OPT_USER_COL: a->cols.user_col = arg; return RS_OK;
    case OPT_ITEM_COL: a->cols.item_col = arg; return RS_OK;
    case OPT_VALUE_COL: a->cols.value_col = arg; return RS_OK;
    case OPT_TIME_COL: a->cols.time_col = arg; return RS_OK;
    case OPT_TIME_FORMAT: a->cols.time_format = arg; return RS_OK;
    case OPT_METRIC: a->metric = arg; return RS_OK;
    case OPT_JSON: a->json = 1; return RS_OK;
    case OPT_BUDGET:
        return rs_parse_long_arg(arg, 1, 100000, &a->budget) < 0
                   ? rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --budget '%s' (expected 1 <= N <= 100000)", arg)
                   : RS_OK;
    case OPT_ETA:
        return rs_parse_long_arg(arg, 2, 100, &a->eta) < 0
                   ? rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --eta '%s' (expected 2 <= N <= 100)", arg)
                   : RS_OK;
    case OPT_MAX_EPOCHS:
        return rs_parse_long_arg(arg, 1, 1000000, &a->max_epochs) < 0
                   ? rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --max-epochs '%s' (expected 1 <= N <= 1000000)",
                                  arg)
                   : RS_OK;
    case OPT_VALID_RATIO:
        if (rs_parse_double_arg(arg, &a->valid_ratio) < 0 || !(a->valid_ratio > 0 && a->valid_ratio < 1))
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --valid-ratio '%s' (expected 0 < R < 1)", arg);
        return RS_OK;
    case OPT_TIME:
        if (rs_parse_double_arg(arg, &a->time_limit) < 0 || !(a->time_limit > 0 && a->time_limit <= 1e9))
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --time '%s' (expected seconds, 0 < S <= 1e9)", arg);
        return RS_OK;
    case OPT_SPLIT:
        if (!strcmp(arg, "user"))
            a->split = RS_TUNE_SPLIT_USER;
        else if (!strcmp(arg, "random"))
            a->split = RS_TUNE_SPLIT_RANDOM;
        else if (!strcmp(arg, "time"))
            a->split = RS_TUNE_SPLIT_TIME;
        else
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --split '%s' (expected user, random or time)", arg);
        return RS_OK;
    default: return kind_option(a, opt, arg, err);
    }
}

static rs_status check_args(const args *a, const rs_common *c, const rs_kind **kind, rs_error *err)
{
    if (rs_kind_resolve(a->kind_name, kind, err) != RS_OK)
        return err->code;
    int supervised = (*kind)->family == RS_FAMILY_SUPERVISED;
    if (!a->label && supervised)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--label COL is required");
    if (a->label && !supervised)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--label is for supervised kinds; %s is a recommender",
                            (*kind)->name);
    if (!c->output || !strcmp(c->output, "-"))
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "-o BEST.rsm is required (a model is binary; the leaderboard goes to stdout)");
    if (!c->input || !strcmp(c->input, "-"))
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "-i TRAIN is required and must be a file (it is read twice)");
    if (a->valid_path && a->valid_out)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--valid-out writes the rows rs-tune carves; with --valid "
                            "nothing is carved");
    if (a->valid_path && a->split != RS_TUNE_SPLIT_AUTO)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--split chooses how to carve; with --valid nothing is carved");
    return RS_OK;
}

/* Warnings printed once each: every trial trains on the same rows, so a
 * warning about them (a constant feature) would repeat per trial. */
static pthread_mutex_t warn_lock = PTHREAD_MUTEX_INITIALIZER;
static rs_strlist warned;
static int warn_quiet;

static void warn_once(const char *file, long line, const char *msg)
{
    pthread_mutex_lock(&warn_lock);
    int seen = 0;
    for (size_t i = 0; i < warned.n && !seen; i++)
        seen = !strcmp(warned.items[i], msg);
    if (!seen && !warn_quiet) {
        rs_strlist_push(&warned, msg);
        if (file && file[0] && line > 0)
            fprintf(stderr, "rs-tune: %s:%ld: %s\n", file, line, msg);
        else
            fprintf(stderr, "rs-tune: %s\n", msg);
    }
    pthread_mutex_unlock(&warn_lock);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *usage_new(void)
{
    char *opts = rs_kind_options_help_new(), *usage = NULL;
    if (opts) {
        size_t len = strlen(usage_head) + strlen(opts) + strlen(usage_tail) + 1;
        if ((usage = malloc(len)))
            snprintf(usage, len, "%s%s%s", usage_head, opts, usage_tail);
    }
    free(opts);
    return usage;
}

static rs_status prepare(args *a, const rs_common *c, const rs_kind *kind, rs_params *p, rs_tune_spec *spec,
                         rs_error *err)
{
    if (rs_params_apply(p, kind, &a->given, err) != RS_OK)
        return err->code;
    p->label = a->label;
    p->id = a->id;
    p->item_col = a->cols.item_col;
    p->threads = rs_threads_resolve(c->threads);
    p->seed = c->seed;
    p->table = &c->table;
    const char *metric = a->metric;
    if (!metric)
        metric = kind->family == RS_FAMILY_RECOMMENDER ? "ndcg@10" : !strcmp(kind->name, "linreg") ? "rmse" : "logloss";
    if (rs_metric_parse(metric, &spec->metric, err) != RS_OK)
        return err->code;
    spec->kind = kind;
    spec->base = p;
    spec->fixed = &a->fixed;
    spec->input = c->input;
    spec->model_out = c->output;
    spec->valid_path = a->valid_path;
    spec->valid_out = a->valid_out;
    spec->table = &c->table;
    spec->features = &a->features;
    spec->cols = a->cols;
    spec->split = a->split;
    spec->valid_ratio = a->valid_ratio;
    spec->budget = a->budget;
    spec->eta = a->eta;
    spec->max_epochs = a->max_epochs;
    spec->time_limit = a->time_limit;
    spec->threads = p->threads;
    spec->seed = c->seed;
    return RS_OK;
}

static void report(const rs_common *c, const rs_tune_spec *spec, const rs_tune_result *res, double seconds)
{
    if (c->quiet)
        return;
    const rs_tune_row *best = &res->rows[0];
    fprintf(stderr, "rs-tune: %s: %zu trainings, best trial %zu %s %.6f", spec->kind->name, res->n_rows, best->trial,
            res->metric.name, best->metric);
    for (size_t d = 0; d < res->space.n_dims; d++)
        fprintf(stderr, " --%s %s", res->space.dims[d]->name,
                best->values[d][0] ? best->values[d] : res->space.dims[d]->dflt ? res->space.dims[d]->dflt : "derived");
    if (res->halving)
        fprintf(stderr, " --epochs %ld", res->final_epochs);
    fprintf(stderr, " (fit %ld rows, validation %ld), %.3f s -> %s\n", res->fit_rows, res->valid_rows, seconds,
            spec->model_out);
    if (res->skipped)
        fprintf(stderr, "rs-tune: --time %g ran out: %zu trainings not started\n", spec->time_limit, res->skipped);
}

static int run(args *a, rs_common *common, int argc, char **argv, const char *usage)
{
    int code = rs_cli_parse(common, argc, argv, 1, RS_COMMON_SHORT, a->long_options, own_option, a, usage);
    if (code >= 0)
        return code;
    double start = now_seconds();
    rs_error err = {0};
    const rs_kind *kind = NULL;
    rs_params p;
    rs_tune_spec spec = {0};
    rs_tune_result res = {0};
    warn_quiet = common->quiet;
    rs_set_warn_hook(warn_once);
    rs_path_use files[] = {{common->input, "-i", 0}, {a->valid_path, "--valid", 0}, {common->output, "-o", 1},
                           {a->valid_out, "--valid-out", 1}};
    rs_status st = check_args(a, common, &kind, &err);
    if (st == RS_OK)
        st = rs_paths_distinct(files, 4, &err);
    if (st == RS_OK)
        st = prepare(a, common, kind, &p, &spec, &err);
    rs_blas_init();
    char workdir[4096];
    const char *tmp = getenv("TMPDIR");
    snprintf(workdir, sizeof workdir, "%s/rs-tune.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (st == RS_OK && !mkdtemp(workdir))
        st = rs_error_set(&err, RS_EIO, workdir, 0, "cannot make the trials' directory");
    else if (st == RS_OK) {
        spec.workdir = workdir;
        st = rs_tune_run(&spec, &res, &err);
        rmdir(workdir);
    }
    if (st == RS_OK)
        st = rs_tune_write(&res, NULL, a->json, &err);
    if (st == RS_OK)
        report(common, &spec, &res, now_seconds() - start);
    rs_tune_result_free(&res);
    return rs_cli_finish(common->prog, st, &err);
}

int main(int argc, char **argv)
{
    rs_blas_choose_kernel(argv);
    rs_common common;
    rs_common_init(&common, "rs-tune");
    args a = {.budget = 20, .eta = 3, .valid_ratio = 0.2};
    struct option *long_options = rs_kind_long_options_new(own_options, N_OWN, OPT_KIND_FIRST);
    char *usage = usage_new();
    a.long_options = long_options;
    rs_error err = {0};
    int code = long_options && usage ? run(&a, &common, argc, argv, usage)
                                     : rs_cli_finish(common.prog, rs_error_nomem(&err), &err);
    rs_strlist_free(&a.features);
    rs_strlist_free(&a.given);
    rs_strlist_free(&a.fixed);
    rs_strlist_free(&warned);
    free(long_options);
    free(usage);
    return code;
}
