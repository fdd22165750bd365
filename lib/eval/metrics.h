/* metrics.h — classification and regression metrics, exact.
 *
 * Classification, for labels y in {0,1} and real scores s:
 *   predicted positive  s >= threshold
 *   accuracy            (tp + tn) / n
 *   precision           tp / (tp + fp), 0 when nothing is predicted positive
 *   recall              tp / P, 0 when there are no positives
 *   f1                  2 tp / (2 tp + fp + fn), 0 when tp = fp = fn = 0
 *   roc_auc             P(s+ > s-) + P(s+ = s-) / 2 over all positive-negative
 *                       pairs (ties count one half); NaN without both classes
 *   pr_auc              average precision, sum over distinct thresholds t
 *                       (descending) of (R_t - R_prev) P_t, as scikit-learn;
 *                       NaN without positives
 *   log_loss            -mean(y ln p + (1 - y) ln(1 - p)), p clipped to
 *                       [eps, 1 - eps], eps = 2^-52; NaN when a score is
 *                       outside [0, 1] (not a probability)
 *   brier               mean((p - y)^2); NaN when a score is outside [0, 1]
 *   best_f1_threshold   the score t maximising F1 of "s >= t" (the highest t
 *                       on ties)
 * Missing values (NaN) mean "undefined", written null / empty. */
#ifndef RS_METRICS_H
#define RS_METRICS_H

#include "error.h"

#include <stddef.h>

typedef struct {
    long n, positives, tp, fp, tn, fn;
    double base_rate, accuracy, precision, recall, f1;
    double roc_auc, pr_auc, log_loss, brier;
    double best_f1, best_f1_threshold;
} rs_class_metrics;

/* One point of a curve at a distinct threshold (descending). */
typedef struct {
    double threshold;
    long tp, fp;     /* cumulative at this threshold */
} rs_curve_point;

typedef struct {
    rs_curve_point *points;   /* (n_points) */
    size_t n_points;
    long positives, negatives;
} rs_curve;

/* y (n) in {0,1}, score (n) finite.  curve may be NULL; when given it is
 * filled (free with rs_curve_free). */
rs_status rs_class_metrics_compute(const unsigned char *y, const double *score, size_t n,
                                   double threshold, rs_class_metrics *m, rs_curve *curve,
                                   rs_error *err);
void rs_curve_free(rs_curve *curve);

/* A model's fit on a validation table, from its margins (logits, or the
 * predictions themselves): the mean log loss and ROC AUC of margin against
 * the 0/1 labels y > 0.5 (logistic), or the mean squared error (auc NaN).
 * labels: scratch of n bytes.  One evaluator for every kind's --valid. */
void rs_margin_fit(const double *margin, const double *y, size_t n, int logistic, unsigned char *labels,
                   double *mean_loss, double *auc);

/* Regression: mse, rmse, mae, r2 (1 - SS_res / SS_tot; with constant truth
 * 1 when the predictions are exact, else 0, as scikit-learn), mape (mean of
 * |t - p| / |t| over rows with t != 0; the others are counted in
 * mape_skipped). */
typedef struct {
    long n, mape_skipped;
    double mse, rmse, mae, r2, mape, mean_truth, mean_pred;
} rs_reg_metrics;

void rs_reg_metrics_compute(const double *truth, const double *pred, size_t n, rs_reg_metrics *m);

/* Sort score descending, carrying label along (LSD radix on the IEEE bits:
 * O(n), stable). */
rs_status rs_sort_scores_desc(double *score, unsigned char *label, size_t n, rs_error *err);

#endif
