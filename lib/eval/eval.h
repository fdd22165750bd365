/* eval.h — rs-eval: metrics of predictions against truth, overall and per
 * segment (--by), as text, JSON or CSV, with SVG plots. */
#ifndef RS_EVAL_H
#define RS_EVAL_H

#include "eval/eval_report.h"
#include "idmap.h"
#include "io/table.h"

#include <stdint.h>

typedef struct {
    const char *input, *output, *plot;
    rs_table_options table;
    rs_eval_format format;
    const char *by;
    /* class / reg */
    const char *truth_col, *score_col, *pred_col;
    double threshold;
    /* class, many classes (eval_multiclass.c) */
    int multiclass;
    const char *proba_prefix;  /* NULL: "proba_" (optional columns) */
    const char *per_class_path, *confusion_path, *pairs_path;
    long top_k;                /* 0: 5 */
    /* rank */
    const char *truth_path, *recs_path, *train_path;
    const char *user_col, *item_col, *rank_col, *value_col;   /* TEST's (and TRAIN's) */
    const char *rec_user_col, *rec_item_col;   /* RECS': NULL: see eval_rank.c recs_col */
    long *ks;                  /* (n_ks) ascending */
    size_t n_ks;
    int graded;
    /* ab */
    const char *group_col, *outcome_col, *ab_value_col, *control;
    long bootstrap;
    uint64_t seed;
    /* forecast (eval_forecast.c): -i series,period,forecast[,qQ...][,actual];
     * actuals_path and train_path (the history, for MASE and RMSSE) hold
     * series,period,value; plot_series: the series drawn in --plot */
    const char *actuals_path, *per_series_path, *plot_series;
    /* policy (eval_policy.c) */
    const char *action_col, *reward_col, *propensity_col;   /* NULL: action, reward, propensity */
    const char *target_col;      /* the target policy's probability of the logged action */
    const char *target_prefix;   /* or of every action: columns PREFIX<action> */
    const char *model_path;      /* or a policy model (linucb, lints, egreedy) */
    const char *reward_prefix;   /* the reward model r(x, a): columns PREFIX<action> */
    const char *context;         /* comma list: the ridge reward model's features */
    double clip, l2;             /* weight cap of the clipped estimators; ridge penalty */
    int threads;
    /* uplift (eval_uplift.c): the 0/1 treatment; the outcome is outcome_col,
     * the score score_col, and ks the top percentages */
    const char *treatment_col;
    const char *curve_path;      /* --curve: the Qini and uplift curves as CSV */
} rs_eval_spec;

/* The row's --by segment into groups (every row in one segment "" without
 * --by; by_col is the --by column): its index in *group. */
rs_status rs_eval_segment(rs_idmap *groups, const rs_eval_spec *spec, const rs_record *rec, size_t by_col,
                          int32_t *group, rs_error *err);

rs_status rs_eval_class(const rs_eval_spec *spec, rs_error *err);
/* --confusion writes the dense matrix up to this many classes (10^6 cells);
 * --plot draws the heat map up to RS_EVAL_HEATMAP_MAX_CLASSES. */
enum { RS_EVAL_CONFUSION_MAX_CLASSES = 1000, RS_EVAL_HEATMAP_MAX_CLASSES = 200 };

/* rs-eval class over many classes: the predicted class in --pred (default
 * "class"), probabilities in the columns --proba-prefix CLASS. */
rs_status rs_eval_multiclass(const rs_eval_spec *spec, rs_error *err);
rs_status rs_eval_reg(const rs_eval_spec *spec, rs_error *err);
rs_status rs_eval_rank(const rs_eval_spec *spec, rs_error *err);
rs_status rs_eval_ab(const rs_eval_spec *spec, rs_error *err);
rs_status rs_eval_forecast(const rs_eval_spec *spec, rs_error *err);
/* Off-policy value of a target policy from logs (eval_policy.c). */
rs_status rs_eval_policy(const rs_eval_spec *spec, rs_error *err);
/* Qini, AUUC and uplift at the top k % of a score (eval_uplift.c). */
rs_status rs_eval_uplift(const rs_eval_spec *spec, rs_error *err);
/* Write a report to spec->output in spec->format (for the eval modules). */
rs_status rs_eval_write_report(const rs_eval_spec *spec, const rs_eval_report *report, rs_error *err);

#endif
