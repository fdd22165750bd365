/* multiclass.c — accuracy, top-k, precision/recall/F1 averages and log loss
 * over many classes (formulas in multiclass.h and man rs-eval). */
#include "eval/multiclass.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

rs_status rs_mc_counts_init(rs_mc_counts *c, size_t n_classes, rs_error *err)
{
    memset(c, 0, sizeof *c);
    size_t n = n_classes ? n_classes : 1;
    c->support = calloc(n, sizeof *c->support);
    c->predicted = calloc(n, sizeof *c->predicted);
    c->tp = calloc(n, sizeof *c->tp);
    c->labels = malloc(n * sizeof *c->labels);
    c->missing = malloc(n * sizeof *c->missing);
    c->n_classes = n_classes;
    if (!c->support || !c->predicted || !c->tp || !c->labels || !c->missing) {
        rs_mc_counts_free(c);
        return rs_error_nomem(err);
    }
    return RS_OK;
}

void rs_mc_counts_free(rs_mc_counts *c)
{
    free(c->support), free(c->predicted), free(c->tp), free(c->labels), free(c->missing);
    memset(c, 0, sizeof *c);
}

void rs_mc_class_scores(const rs_mc_counts *c, int32_t cls, double *precision, double *recall, double *f1)
{
    double p = c->predicted[cls] ? (double)c->tp[cls] / (double)c->predicted[cls] : 0;
    double r = c->support[cls] ? (double)c->tp[cls] / (double)c->support[cls] : 0;
    *precision = p, *recall = r;
    *f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
}

static int cmp_int32(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

static void count_rows(const rs_mc_data *d, const size_t *rows, size_t n_rows, rs_mc_counts *c)
{
    for (size_t i = 0; i < c->n_labels; i++) {
        int32_t cls = c->labels[i];
        c->support[cls] = c->predicted[cls] = c->tp[cls] = 0;
    }
    c->n_labels = 0;
    for (size_t i = 0; i < n_rows; i++) {
        int32_t t = d->truth[rows[i]], p = d->pred[rows[i]];
        if (!c->support[t] && !c->predicted[t])
            c->labels[c->n_labels++] = t;
        c->support[t]++;
        if (!c->support[p] && !c->predicted[p])
            c->labels[c->n_labels++] = p;
        c->predicted[p]++;
        c->tp[t] += t == p;
    }
    /* into the sorted order: through the ranks and back */
    for (size_t i = 0; i < c->n_labels; i++)
        c->labels[i] = d->rank[c->labels[i]];
    qsort(c->labels, c->n_labels, sizeof *c->labels, cmp_int32);
    for (size_t i = 0; i < c->n_labels; i++)
        c->labels[i] = d->order[c->labels[i]];
}

static void averages(const rs_mc_counts *c, long n, rs_mc_metrics *m)
{
    double sum_p = 0, sum_r = 0, sum_f = 0, w_p = 0, w_r = 0, w_f = 0;
    long tp = 0;
    for (size_t i = 0; i < c->n_labels; i++) {
        int32_t cls = c->labels[i];
        double p, r, f, w = (double)c->support[cls];
        rs_mc_class_scores(c, cls, &p, &r, &f);
        sum_p += p, sum_r += r, sum_f += f;
        w_p += p * w, w_r += r * w, w_f += f * w;
        tp += c->tp[cls];
    }
    double labels = (double)c->n_labels, total = (double)n;
    m->precision[RS_MC_MACRO] = sum_p / labels;
    m->recall[RS_MC_MACRO] = sum_r / labels;
    m->f1[RS_MC_MACRO] = sum_f / labels;
    m->precision[RS_MC_WEIGHTED] = w_p / total;
    m->recall[RS_MC_WEIGHTED] = w_r / total;
    m->f1[RS_MC_WEIGHTED] = w_f / total;
    /* every row is predicted once and true once: both sums are n */
    double p = (double)tp / total;
    m->precision[RS_MC_MICRO] = m->recall[RS_MC_MICRO] = p;
    m->f1[RS_MC_MICRO] = p > 0 ? 2 * p * p / (p + p) : 0;
    m->correct = tp;
    m->accuracy = p;
}

/* The probability of class cls in a row: its column, or 0 without one. */
static double proba_of(const rs_mc_data *d, const double *row, int32_t cls)
{
    int32_t col = d->class_col[cls];
    return col >= 0 ? row[col] : 0;
}

/* Does class j (score sj) rank above class t (score st)? */
static int above(const rs_mc_data *d, double sj, int32_t j, double st, int32_t t)
{
    return sj > st || (sj == st && d->rank[j] > d->rank[t]);
}

static void probability_metrics(const rs_mc_data *d, const size_t *rows, size_t n_rows, const rs_mc_counts *c,
                                rs_mc_metrics *m)
{
    const double eps = DBL_EPSILON;
    /* true classes without a column take part with probability 0 */
    int32_t *missing = c->missing;
    size_t n_missing = 0;
    for (size_t i = 0; i < c->n_labels; i++)
        if (c->support[c->labels[i]] && d->class_col[c->labels[i]] < 0)
            missing[n_missing++] = c->labels[i];
    m->n_proba_labels = (long)(d->n_proba + n_missing);
    double loss = 0;
    long hits = 0;
    for (size_t i = 0; i < n_rows; i++) {
        const double *row = d->proba + rows[i] * d->n_proba;
        int32_t t = d->truth[rows[i]];
        double st = proba_of(d, row, t), sum = (double)n_missing * eps;
        long ahead = 0;
        for (size_t j = 0; j < d->n_proba; j++) {
            sum += fmin(fmax(row[j], eps), 1 - eps);
            ahead += d->proba_class[j] != t && above(d, row[j], d->proba_class[j], st, t);
        }
        for (size_t j = 0; j < n_missing; j++)
            ahead += missing[j] != t && above(d, 0, missing[j], st, t);
        loss -= log(fmin(fmax(st, eps), 1 - eps) / sum);
        hits += ahead < d->k;
    }
    m->top_k_hits = hits;
    m->top_k_accuracy = (double)hits / (double)n_rows;
    m->log_loss = m->n_proba_labels >= 2 ? loss / (double)n_rows : NAN;
}

void rs_mc_compute(const rs_mc_data *d, const size_t *rows, size_t n_rows, rs_mc_counts *c, rs_mc_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->n = (long)n_rows;
    m->k = d->k;
    count_rows(d, rows, n_rows, c);
    m->n_labels = (long)c->n_labels;
    averages(c, m->n, m);
    m->top_k_accuracy = m->log_loss = NAN;
    if (d->proba)
        probability_metrics(d, rows, n_rows, c, m);
}
