/* multiclass.h — metrics of a predicted class against the true class over
 * many classes, as scikit-learn defines them (zero_division=0).
 *
 * Rows hold class indices 0..n_classes-1 (an rs_idmap's).  For a set of rows
 * the labels are the union of their true and predicted classes; for class c
 * with tp_c rows predicted c and truly c, pred_c rows predicted c and
 * support_c rows truly c:
 *   precision_c   tp_c / pred_c      (0 when pred_c = 0)
 *   recall_c      tp_c / support_c   (0 when support_c = 0)
 *   f1_c          2 P R / (P + R)    (0 when P + R = 0)
 *   macro         the mean over the labels
 *   weighted      the mean weighted by support_c
 *   micro         from the sums of tp, pred and support (= accuracy)
 *   accuracy      sum tp_c / n
 * With probabilities (one column per class of the model, any subset of the
 * classes) the probability labels are the classes with a column plus the
 * true classes without one, whose probability is 0:
 *   log_loss      -(1/n) sum ln(q_i,y_i), q = clip(p, eps, 1 - eps) / the row
 *                 sum of the clipped values, eps = 2^-52 (scikit-learn 1.2);
 *                 undefined with fewer than two probability labels
 *   top_k         the share of rows whose true class is among the k classes
 *                 with the highest probability; ties rank the class later in
 *                 the sorted order first (scikit-learn's stable argsort,
 *                 reversed) */
#ifndef RS_MULTICLASS_H
#define RS_MULTICLASS_H

#include "error.h"

#include <stddef.h>
#include <stdint.h>

enum { RS_MC_MACRO, RS_MC_MICRO, RS_MC_WEIGHTED, RS_MC_AVERAGES };

typedef struct {
    const int32_t *truth, *pred;    /* (n) class indices */
    const double *proba;            /* (n, n_proba) row-major, or NULL */
    const int32_t *proba_class;     /* (n_proba) the class of each column */
    const int32_t *class_col;       /* (n_classes) its column, or -1 */
    const int32_t *rank;            /* (n_classes) position in the sorted order */
    const int32_t *order;           /* (n_classes) the class at each position */
    size_t n_classes, n_proba;
    long k;                          /* top-k cut-off (>= 1) */
} rs_mc_data;

typedef struct {
    long n, n_labels, n_proba_labels, correct, k, top_k_hits;
    double accuracy, top_k_accuracy, log_loss;        /* NaN when undefined */
    double precision[RS_MC_AVERAGES], recall[RS_MC_AVERAGES], f1[RS_MC_AVERAGES];
} rs_mc_metrics;

/* Per-class counts of the last rows computed; the arrays are indexed by
 * class, labels lists the classes present (true or predicted) in the
 * sorted order. */
typedef struct {
    long *support, *predicted, *tp;  /* (n_classes) */
    int32_t *labels;                 /* (n_labels) */
    int32_t *missing;                /* (n_classes) scratch: true classes without a column */
    size_t n_labels, n_classes;
} rs_mc_counts;

rs_status rs_mc_counts_init(rs_mc_counts *c, size_t n_classes, rs_error *err);
void rs_mc_counts_free(rs_mc_counts *c);

/* Metrics of the rows listed in rows (n_rows > 0); the counts are reset
 * first, then filled. */
void rs_mc_compute(const rs_mc_data *d, const size_t *rows, size_t n_rows, rs_mc_counts *c, rs_mc_metrics *m);

/* Per-class precision, recall and F1 from the counts. */
void rs_mc_class_scores(const rs_mc_counts *c, int32_t cls, double *precision, double *recall, double *f1);

#endif
