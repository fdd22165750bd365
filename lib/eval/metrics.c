#include "eval/metrics.h"

#include "logistic.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t key;     /* the score's bits, ordered so ascending key = descending score */
    unsigned char label;
} scored;             /* 16 bytes: the score itself is recovered from the key */

static uint64_t descending_key(double x)
{
    if (x == 0)
        x = 0.0;   /* -0 and +0 are one score: one key, so they tie */
    uint64_t u;
    memcpy(&u, &x, 8);
    u = (u >> 63) ? ~u : u | 0x8000000000000000ull;   /* ascending order of x */
    return ~u;
}

static double score_of(uint64_t key)
{
    uint64_t u = ~key;
    u = (u >> 63) ? u & 0x7fffffffffffffffull : ~u;
    double x;
    memcpy(&x, &u, 8);
    return x;
}

/* LSD radix sort of a (n) by key, 16 bits a pass; b is scratch.  Returns
 * the array holding the result (a after an even number of passes). */
static scored *radix_sort(scored *a, scored *b, size_t n, size_t *count)
{
    for (int pass = 0; pass < 4; pass++) {
        int shift = 16 * pass;
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(a[i].key >> shift) & 0xffff]++;
        size_t sum = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            b[count[(a[i].key >> shift) & 0xffff]++] = a[i];
        scored *t = a;
        a = b;
        b = t;
    }
    return a;
}

static scored *sorted_new(const double *score, const unsigned char *label, size_t n, rs_error *err)
{
    scored *a = malloc((n ? n : 1) * sizeof *a), *b = malloc((n ? n : 1) * sizeof *b);
    size_t *count = malloc(65536 * sizeof *count);
    if (!a || !b || !count) {
        free(a), free(b), free(count);
        rs_error_nomem(err);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        a[i] = (scored){descending_key(score[i]), label[i]};
    scored *sorted = radix_sort(a, b, n, count);
    free(sorted == a ? b : a);
    free(count);
    return sorted;
}

rs_status rs_sort_scores_desc(double *score, unsigned char *label, size_t n, rs_error *err)
{
    scored *sorted = sorted_new(score, label, n, err);
    if (!sorted)
        return err->code;
    for (size_t i = 0; i < n; i++) {
        score[i] = score_of(sorted[i].key);
        label[i] = sorted[i].label;
    }
    free(sorted);
    return RS_OK;
}

static void threshold_metrics(const unsigned char *y, const double *s, size_t n, double threshold,
                              rs_class_metrics *m)
{
    for (size_t i = 0; i < n; i++) {
        int pred = s[i] >= threshold;
        m->tp += pred && y[i];
        m->fp += pred && !y[i];
        m->fn += !pred && y[i];
        m->tn += !pred && !y[i];
    }
    m->accuracy = n ? (double)(m->tp + m->tn) / (double)n : NAN;
    m->precision = (m->tp + m->fp) ? (double)m->tp / (double)(m->tp + m->fp) : 0;
    m->recall = m->positives ? (double)m->tp / (double)m->positives : 0;
    long denom = 2 * m->tp + m->fp + m->fn;
    m->f1 = denom ? 2.0 * (double)m->tp / (double)denom : 0;
}

static void probability_metrics(const unsigned char *y, const double *s, size_t n, rs_class_metrics *m)
{
    const double eps = 0x1p-52;
    double ll = 0, brier = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(s[i] >= 0 && s[i] <= 1)) {
            m->log_loss = m->brier = NAN;
            return;
        }
        double p = s[i] < eps ? eps : s[i] > 1 - eps ? 1 - eps : s[i];
        ll -= y[i] ? log(p) : log1p(-p);
        brier += (s[i] - y[i]) * (s[i] - y[i]);
    }
    m->log_loss = n ? ll / (double)n : NAN;
    m->brier = n ? brier / (double)n : NAN;
}

/* AUC, AP, best F1 and the curve from scores sorted descending: one walk
 * over groups of equal scores. */
static rs_status ranking_metrics(const scored *r, size_t n, rs_class_metrics *m, rs_curve *curve, rs_error *err)
{
    long P = m->positives, N = (long)n - P, tp = 0, fp = 0;
    double pairs = 0, ap = 0, prev_recall = 0;
    m->best_f1 = 0;
    m->best_f1_threshold = NAN;
    size_t cap = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        long p = 0, q = 0;
        for (; j < n && r[j].key == r[i].key; j++)
            p += r[j].label, q += !r[j].label;
        double s_i = score_of(r[i].key);
        /* each positive here beats the negatives scored lower and ties these */
        pairs += (double)p * (double)(N - fp - q) + 0.5 * (double)p * (double)q;
        tp += p, fp += q;
        if (P) {
            double recall = (double)tp / (double)P, precision = (double)tp / (double)(tp + fp);
            ap += (recall - prev_recall) * precision;
            prev_recall = recall;
        }
        double f1 = 2.0 * (double)tp / (double)(2 * tp + fp + (P - tp));
        if (f1 > m->best_f1)
            m->best_f1 = f1, m->best_f1_threshold = s_i;
        if (curve) {
            if (curve->n_points == cap) {
                cap = cap ? cap * 2 : 256;
                rs_curve_point *pts = realloc(curve->points, cap * sizeof *pts);
                if (!pts)
                    return rs_error_nomem(err);
                curve->points = pts;
            }
            curve->points[curve->n_points++] = (rs_curve_point){s_i, tp, fp};
        }
        i = j;
    }
    m->roc_auc = P && N ? pairs / ((double)P * (double)N) : NAN;
    m->pr_auc = P ? ap : NAN;
    if (curve)
        curve->positives = P, curve->negatives = N;
    return RS_OK;
}

rs_status rs_class_metrics_compute(const unsigned char *y, const double *score, size_t n,
                                   double threshold, rs_class_metrics *m, rs_curve *curve, rs_error *err)
{
    memset(m, 0, sizeof *m);
    if (curve)
        memset(curve, 0, sizeof *curve);
    m->n = (long)n;
    for (size_t i = 0; i < n; i++)
        m->positives += y[i];
    m->base_rate = n ? (double)m->positives / (double)n : NAN;
    threshold_metrics(y, score, n, threshold, m);
    probability_metrics(y, score, n, m);
    scored *sorted = sorted_new(score, y, n, err);
    if (!sorted)
        return err->code;
    rs_status st = ranking_metrics(sorted, n, m, curve, err);
    free(sorted);
    return st;
}

void rs_curve_free(rs_curve *curve)
{
    free(curve->points);
    memset(curve, 0, sizeof *curve);
}

void rs_reg_metrics_compute(const double *truth, const double *pred, size_t n, rs_reg_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->n = (long)n;
    double st = 0, sp = 0;
    for (size_t i = 0; i < n; i++)
        st += truth[i], sp += pred[i];
    m->mean_truth = n ? st / (double)n : NAN;
    m->mean_pred = n ? sp / (double)n : NAN;
    double ss_res = 0, ss_tot = 0, abs_sum = 0, ape = 0;
    long ape_n = 0;
    for (size_t i = 0; i < n; i++) {
        double e = truth[i] - pred[i], d = truth[i] - m->mean_truth;
        ss_res += e * e;
        ss_tot += d * d;
        abs_sum += fabs(e);
        if (truth[i] != 0)
            ape += fabs(e) / fabs(truth[i]), ape_n++;
    }
    m->mse = n ? ss_res / (double)n : NAN;
    m->rmse = sqrt(m->mse);
    m->mae = n ? abs_sum / (double)n : NAN;
    m->r2 = !n ? NAN : ss_tot > 0 ? 1 - ss_res / ss_tot : ss_res == 0 ? 1 : 0;
    m->mape = ape_n ? ape / (double)ape_n : NAN;
    m->mape_skipped = (long)n - ape_n;
}

void rs_margin_fit(const double *margin, const double *y, size_t n, int logistic, unsigned char *labels,
                   double *mean_loss, double *auc)
{
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        double m = margin[i], t = y[i];
        labels[i] = t > 0.5;
        total += logistic ? rs_log1p_exp_neg(t > 0.5 ? m : -m) : (m - t) * (m - t);
    }
    *mean_loss = total / (double)n;
    *auc = NAN;
    rs_class_metrics cm;
    rs_error ignored;
    if (logistic && rs_class_metrics_compute(labels, margin, n, 0, &cm, NULL, &ignored) == RS_OK)
        *auc = cm.roc_auc;
}
