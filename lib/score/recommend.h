/* recommend.h — top-K items for many users from a loaded recommender
 * (rs-recommend), with the filters shops need, or the items similar to
 * given items.
 *
 * Memory per thread: a block of RS_RECO_BLOCK x n_items float scores, plus
 * the kind's scratch (ease: another RS_RECO_BLOCK x n_items floats for the
 * block's histories; the factor kinds RS_RECO_BLOCK x factors). */
#ifndef RS_RECOMMEND_H
#define RS_RECOMMEND_H

#include "models/reco.h"
#include "io/table.h"
#include "progress.h"

typedef struct {
    const char *output;                    /* NULL: stdout */
    rs_format format;
    const rs_table_options *table;         /* for every file read */
    const char *users_path, *history_path, *exclude_path, *allow_path;
    const char *similar;                   /* items (a file, or a comma-separated list) */
    const char *user_col, *item_col, *value_col;
    long k;
    int include_seen, explain;
    int threads;
    uint64_t seed;                         /* ordered kinds: --history's time ties (io/sequences.h) */
    rs_progress_fn progress;               /* "users N of M" now and then; NULL: none */
    void *progress_ctx;
} rs_recommend_spec;

/* What happened, for the command's notes on stderr. */
typedef struct {
    size_t n_users;                 /* users recommended for */
    long fallback;                  /* of them, given popularity */
    long fold_ins;                  /* of them, scored from --history */
    int history_unknown_items;      /* --history named items the model lacks */
    long unknown_filter_items;      /* --exclude/--allow items the model lacks */
} rs_recommend_report;

rs_status rs_recommend_run(const rs_reco *r, const rs_recommend_spec *spec, rs_recommend_report *rep,
                           rs_error *err);

#endif
