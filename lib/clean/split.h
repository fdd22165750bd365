/* split.h — honest train/test splits, folds and shards of a table.
 *
 * Every row goes to exactly one side: rows in = train + test, always.
 * Modes that need counts (random, user, last, folds) read the input twice
 * (stdin is spooled) and keep a few bytes per row; time and shard stream. */
#ifndef RS_SPLIT_H
#define RS_SPLIT_H

#include "io/table.h"

#include <stdint.h>

typedef enum { RS_SPLIT_NONE, RS_SPLIT_RANDOM, RS_SPLIT_USER, RS_SPLIT_TIME, RS_SPLIT_LAST,
               RS_SPLIT_FOLDS, RS_SPLIT_SHARD, RS_SPLIT_LAST_BASKET } rs_split_mode;

typedef struct {
    const char *input, *train_path, *test_path;
    rs_table_options table;
    rs_format out_format;
    rs_split_mode mode;
    double ratio;              /* train fraction, for random and user */
    const char *stratify;      /* column, random mode */
    const char *user_col;      /* user and last modes; default "user" */
    const char *time_col;      /* time and last modes; default "ts" */
    const char *key_col;       /* shard mode; default user_col */
    const char *time_format;   /* strptime pattern or NULL */
    const char *item_col;      /* last modes: time ties by a seeded hash of (user, item); default
                                  "item" when present (else ties keep file order) */
    const char *basket_col;    /* last-basket mode: the basket id (default: one time, one basket) */
    int64_t cutoff;            /* time mode: ts <= cutoff is train */
    long last_n;               /* last modes: rows, or baskets */
    long folds, fold;          /* 1 <= fold <= folds */
    long shard_k, shard_n;     /* 1 <= k <= n */
    uint64_t seed;
} rs_split_spec;

typedef struct {
    long rows_in, rows_train, rows_test;
    long users;                /* user and last modes */
} rs_split_report;

rs_status rs_split_run(const rs_split_spec *spec, rs_split_report *report, rs_error *err);

#endif
