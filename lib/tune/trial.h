/* trial.h — one setting of a kind trained on the fit part and scored on the
 * validation part, with the library code the commands use: rs-train's
 * training (rs_reco_train_new, rs_sup_train_new), rs-recommend's top-K
 * (rs_recommend_run) and rs-eval's metrics (rs_eval_rank,
 * rs_class_metrics_compute, rs_reg_metrics_compute).  Trials share the fit
 * and validation data read once; each writes only its own files in the
 * work directory (named by its slot), so trials run on threads at once. */
#ifndef RS_TUNE_TRIAL_H
#define RS_TUNE_TRIAL_H

#include "io/dataset.h"
#include "io/interactions.h"
#include "models/kind.h"

typedef enum { RS_METRIC_RANK, RS_METRIC_AUC, RS_METRIC_LOGLOSS, RS_METRIC_RMSE } rs_metric_kind;

/* A validation metric: "ndcg@10", "recall@20" (any rs-eval rank metric @K),
 * "auc", "logloss" or "rmse". */
typedef struct {
    rs_metric_kind kind;
    char name[32];      /* as rs-eval rank reports it: ndcg@10; or auc, logloss, rmse */
    long k;             /* rank metrics */
    int higher_better;
} rs_metric;

/* Parse text into m; an unknown metric is RS_EUSAGE listing them. */
rs_status rs_metric_parse(const char *text, rs_metric *m, rs_error *err);

typedef struct {
    const rs_kind *kind;
    rs_metric metric;
    const char *workdir;                  /* the trials' files */
    const rs_table_options *table;
    /* recommenders */
    const rs_interactions *fit;
    const rs_interactions_spec *cols;
    const char *valid_path;               /* the validation interactions (rs-eval rank's truth) */
    /* supervised */
    const rs_dataset *fit_rows, *valid_rows;
} rs_tune_data;

/* Train p on d's fit part and score it on the validation part: *metric, and
 * *epochs_used (the best epoch an early-stopping kind kept; 0 for others).
 * slot names the trial's files. */
rs_status rs_tune_trial(const rs_tune_data *d, const rs_params *p, size_t slot, double *metric, long *epochs_used,
                        rs_error *err);

#endif
