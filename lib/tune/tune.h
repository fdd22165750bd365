/* tune.h — rs-tune: search a kind's settings on a validation split of the
 * training input and train the best on all of it.
 *
 * The search space is the kind's option table (space.h); the settings are
 * quasi-random points in it, the first the kind's defaults.  Kinds with
 * an epochs option are searched by successive halving: every setting
 * trains 1/eta of the epochs, the best 1/eta train the full count; each of
 * those trainings counts against the budget.  Trials run on -j threads, one thread each, so the leaderboard
 * (every column but the seconds) depends on the seed alone.  With a time
 * limit, trainings not started when it runs out are left out (no later
 * rung starts either): which rows the leaderboard holds then depends on
 * the machine's speed, the values in each row do not. */
#ifndef RS_TUNE_H
#define RS_TUNE_H

#include "io/interactions.h"
#include "models/kind.h"
#include "tune/space.h"
#include "tune/trial.h"

typedef enum { RS_TUNE_SPLIT_AUTO, RS_TUNE_SPLIT_USER, RS_TUNE_SPLIT_RANDOM, RS_TUNE_SPLIT_TIME } rs_tune_split;

typedef struct {
    const rs_kind *kind;
    const rs_params *base;          /* the defaults and the fixed options (rs_params_apply) */
    const rs_strlist *fixed;        /* their names: not searched */
    const char *input;              /* a file: it is read to split and again to train the best */
    const char *model_out;
    const char *valid_path;         /* a validation table given, or NULL: carve one */
    const char *valid_out;          /* where the carved rows go, or NULL */
    const char *workdir;            /* the trials' files (a fresh directory) */
    const rs_table_options *table;
    const rs_strlist *features;     /* supervised */
    rs_interactions_spec cols;      /* recommenders */
    rs_tune_split split;
    double valid_ratio;             /* the validation share, 0 < R < 1 */
    rs_metric metric;
    long budget;                    /* trainings, >= 1 */
    long eta;                       /* halving factor, >= 2 */
    long max_epochs;                /* 0: the kind's default epochs */
    double time_limit;              /* > 0: start no training after this many seconds of
                                       search (trial 0 always runs); 0: no limit */
    int threads;
    uint64_t seed;
} rs_tune_spec;

/* One training: setting `trial` at `epochs` (0: no halving). */
typedef struct {
    size_t trial;
    int rung;
    long epochs;
    char values[RS_TUNE_MAX_DIMS][RS_TUNE_VALUE_LEN];
    double metric, seconds;
    long epochs_used;
    int failed;                     /* the kind refused the setting (metric NaN) */
    int skipped;                    /* not started: --time ran out (never in the result) */
} rs_tune_row;

typedef struct {
    rs_tune_space space;
    rs_metric metric;
    int halving;                    /* 1: epochs is the resource */
    rs_tune_row *rows;              /* (n_rows) best first: last rung first, then by metric */
    size_t n_rows;
    long fit_rows, valid_rows;      /* rows (interactions) in each part */
    long final_epochs;
    size_t skipped;                 /* trainings --time left out */
    char failure[768];              /* the first refused setting's message (an rs_error msg) */
} rs_tune_result;

rs_status rs_tune_run(const rs_tune_spec *spec, rs_tune_result *res, rs_error *err);
/* The leaderboard as CSV (trial,rung[,epochs],OPTION...,METRIC,seconds) or
 * a JSON array of objects, to output (NULL: stdout). */
rs_status rs_tune_write(const rs_tune_result *res, const char *output, int json, rs_error *err);
void rs_tune_result_free(rs_tune_result *res);

#endif
