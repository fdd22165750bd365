/* trial.c — see trial.h. */
#include "tune/trial.h"

#include "eval/eval.h"
#include "eval/metrics.h"
#include "models/reco.h"
#include "models/supervised.h"
#include "num.h"
#include "score/recommend.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const rank_names[] = {"ndcg", "recall", "precision", "map", "hitrate"};

rs_status rs_metric_parse(const char *text, rs_metric *m, rs_error *err)
{
    memset(m, 0, sizeof *m);
    const rs_metric plain[] = {{RS_METRIC_AUC, "auc", 0, 1}, {RS_METRIC_LOGLOSS, "logloss", 0, 0},
                               {RS_METRIC_RMSE, "rmse", 0, 0}};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (!strcmp(text, plain[i].name)) {
            *m = plain[i];
            return RS_OK;
        }
    const char *at = strchr(text, '@');
    for (size_t i = 0; at && i < sizeof rank_names / sizeof rank_names[0]; i++)
        if (strlen(rank_names[i]) == (size_t)(at - text) && !strncmp(text, rank_names[i], (size_t)(at - text)) &&
            rs_parse_long_arg(at + 1, 1, 100000, &m->k) == 0) {
            m->kind = RS_METRIC_RANK;
            m->higher_better = 1;
            snprintf(m->name, sizeof m->name, "%s@%ld", rank_names[i], m->k);
            return RS_OK;
        }
    return rs_error_set(err, RS_EUSAGE, NULL, 0,
                        "unknown --metric '%s' (expected ndcg@K, recall@K, precision@K, map@K, hitrate@K, auc, "
                        "logloss or rmse)", text);
}

/* The value of metric in group "all" of a CSV report (group,metric,value). */
static rs_status read_report(const char *path, const char *metric, double *value, rs_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return rs_error_set(err, RS_EIO, path, 0, "cannot read the trial's report");
    char line[256], want[64];
    int found = 0;
    snprintf(want, sizeof want, "all,%s,", metric);
    while (!found && fgets(line, sizeof line, f))
        if (!strncmp(line, want, strlen(want))) {
            *value = strtod(line + strlen(want), NULL);
            found = 1;
        }
    fclose(f);
    return found ? RS_OK : rs_error_set(err, RS_EDATA, path, 0, "no '%s' in the trial's report", metric);
}

/* rs-recommend's top K for every validation user, then rs-eval rank against the
 * validation interactions. */
static rs_status score_reco(const rs_tune_data *d, const char *model_path, size_t slot, double *metric,
                            rs_error *err)
{
    char recs[4096], report[4096];
    snprintf(recs, sizeof recs, "%s/recs-%zu.csv", d->workdir, slot);
    snprintf(report, sizeof report, "%s/report-%zu.csv", d->workdir, slot);
    rs_model *m = rs_model_load(model_path, err);
    rs_reco *r = m ? rs_reco_new(m, err) : NULL;
    rs_status st = r ? RS_OK : err->code;
    if (st == RS_OK) {
        /* the validation users: a user new since the fit rows (a time
         * split) gets rs-recommend's popularity fallback */
        rs_recommend_spec rec = {.output = recs, .format = RS_FORMAT_CSV, .table = d->table, .k = d->metric.k,
                                 .users_path = d->valid_path, .user_col = d->cols->user_col, .threads = 1};
        rs_recommend_report rep = {0};
        st = rs_recommend_run(r, &rec, &rep, err);
    }
    rs_reco_free(r);
    rs_model_free(m);
    if (st != RS_OK)
        return st;
    long ks[1] = {d->metric.k};
    rs_eval_spec ev = {.output = report, .table = *d->table, .format = RS_EVAL_CSV, .truth_path = d->valid_path,
                       .recs_path = recs, .user_col = d->cols->user_col, .item_col = d->cols->item_col,
                       .ks = ks, .n_ks = 1};
    if ((st = rs_eval_rank(&ev, err)) == RS_OK)
        st = read_report(report, d->metric.name, metric, err);
    remove(recs);
    remove(report);
    return st;
}

/* The model's scores of the validation rows, then rs-eval class's or reg's
 * metric. */
static rs_status score_rows(const rs_tune_data *d, const char *model_path, double *metric, long *epochs_used,
                            rs_error *err)
{
    const rs_dataset *v = d->valid_rows;
    rs_model *m = rs_model_load(model_path, err);
    rs_scorer *s = m ? rs_scorer_new(m, err) : NULL;
    double *score = malloc((v->n_rows + 1) * sizeof *score);
    unsigned char *label = malloc(v->n_rows + 1);
    rs_status st = !m || !s ? err->code : !score || !label ? rs_error_nomem(err) : RS_OK;
    if (st == RS_OK && d->metric.kind != RS_METRIC_RMSE && !rs_scorer_is_probability(s))
        st = rs_error_set(err, RS_EUSAGE, NULL, 0, "--metric %s needs probabilities; this %s model gives none (its "
                          "loss is squared: use --metric rmse)", d->metric.name, d->kind->name);
    for (size_t r0 = 0; st == RS_OK && r0 < v->n_rows; r0 += RS_SCORE_BATCH) {
        size_t n = v->n_rows - r0 < RS_SCORE_BATCH ? v->n_rows - r0 : RS_SCORE_BATCH;
        rs_scorer_score(s, v->x + r0 * v->n_features, n, score + r0);
    }
    const char *best = m ? rs_model_get(m, "best_epoch") : NULL;
    *epochs_used = best ? atol(best) : 0;
    if (st == RS_OK && d->metric.kind == RS_METRIC_RMSE) {
        rs_reg_metrics reg;
        rs_reg_metrics_compute(v->y, score, v->n_rows, &reg);
        *metric = reg.rmse;
    } else if (st == RS_OK) {
        for (size_t i = 0; i < v->n_rows; i++)
            label[i] = v->y[i] > 0.5;
        rs_class_metrics cm;
        if ((st = rs_class_metrics_compute(label, score, v->n_rows, 0.5, &cm, NULL, err)) == RS_OK)
            *metric = d->metric.kind == RS_METRIC_AUC ? cm.roc_auc : cm.log_loss;
    }
    rs_scorer_free(s);
    rs_model_free(m);
    free(score), free(label);
    return st;
}

rs_status rs_tune_trial(const rs_tune_data *d, const rs_params *p, size_t slot, double *metric, long *epochs_used,
                        rs_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/trial-%zu.rsm", d->workdir, slot);
    *epochs_used = 0;
    rs_model *m = NULL;
    rs_status st = RS_OK;
    if (d->kind->family == RS_FAMILY_RECOMMENDER) {
        if ((m = rs_reco_train_new(d->fit, p, err)))
            st = rs_reco_record_columns(m, d->cols, d->fit, err);
    } else {
        m = rs_sup_train_new(d->fit_rows, p, err);
    }
    if (!m)
        return err->code;
    if (st == RS_OK)
        st = rs_model_save(m, path, err);
    rs_model_free(m);
    if (st == RS_OK)
        st = d->kind->family == RS_FAMILY_RECOMMENDER ? score_reco(d, path, slot, metric, err)
                                                      : score_rows(d, path, metric, epochs_used, err);
    remove(path);
    return st;
}
