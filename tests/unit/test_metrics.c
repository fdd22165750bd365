/* Metrics against naive references: AUC by all positive-negative pairs,
 * AP by recomputing precision and recall at every distinct threshold, and
 * hand-computed cases. */
#include "eval/metrics.h"
#include "rng.h"
#include "tap.h"

#include <math.h>

static int near(double a, double b)
{
    return (isnan(a) && isnan(b)) || fabs(a - b) <= 1e-9 * (1 + fabs(b));
}

static double naive_auc(const unsigned char *y, const double *s, size_t n)
{
    double num = 0, pairs = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (y[i] && !y[j]) {
                pairs++;
                num += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
            }
    return pairs ? num / pairs : NAN;
}

static double naive_ap(const unsigned char *y, const double *s, size_t n)
{
    /* thresholds = distinct scores, descending; precision/recall of s >= t */
    double ap = 0, prev = 0, P = 0, last = INFINITY;
    for (size_t i = 0; i < n; i++)
        P += y[i];
    if (P == 0)
        return NAN;
    for (;;) {
        double t = -INFINITY;
        for (size_t i = 0; i < n; i++)
            if (s[i] < last && s[i] > t)
                t = s[i];
        if (t == -INFINITY)
            break;
        double tp = 0, pp = 0;
        for (size_t i = 0; i < n; i++)
            if (s[i] >= t)
                pp++, tp += y[i];
        ap += (tp / P - prev) * (tp / pp);
        prev = tp / P;
        last = t;
    }
    return ap;
}

int main(void)
{
    rs_error err;
    rs_class_metrics m;
    /* hand case: y 1 0 1 0, s .9 .8 .4 .4 at t .5:
     * tp 1 fp 1 fn 1 tn 1; pairs (+,-): (.9,.8) (.9,.4) (.4,.8) (.4,.4 tie) -> 2.5/4;
     * AP: t .9 P 1 R .5; t .8 P .5 R .5; t .4 P .5 R 1 -> .5 + .5 x .5 = .75 */
    unsigned char y[] = {1, 0, 1, 0};
    double s[] = {0.9, 0.8, 0.4, 0.4};
    rs_class_metrics_compute(y, s, 4, 0.5, &m, NULL, &err);
    CHECK(m.tp == 1 && m.fp == 1 && m.fn == 1 && m.tn == 1 && near(m.accuracy, 0.5), "confusion matrix");
    CHECK(near(m.roc_auc, 0.625) && near(m.pr_auc, 0.75), "AUC 0.625 with a tie, AP 0.75 (hand)");
    /* log loss: -(ln .9 + ln .2 + ln .4 + ln .6) / 4; brier (.01 + .64 + .36 + .16) / 4 */
    CHECK(near(m.log_loss, -(log(0.9) + log(0.2) + log(0.4) + log(0.6)) / 4) && near(m.brier, 1.17 / 4),
          "log loss and Brier (hand)");
    /* F1 at thresholds .9: 2/(2+0+1) = .667; .8: 2/(2+1+1) = .5; .4: 4/(4+2) = .667 -> first (.9) */
    CHECK(near(m.best_f1, 2.0 / 3) && m.best_f1_threshold == 0.9, "best F1 threshold is the highest on ties");

    unsigned char ones[] = {1, 1, 1};
    double c[] = {0.3, 0.3, 0.3};
    rs_class_metrics_compute(ones, c, 3, 0.5, &m, NULL, &err);
    CHECK(isnan(m.roc_auc) && near(m.pr_auc, 1) && m.precision == 0 && m.recall == 0 && m.f1 == 0,
          "all positives: AUC undefined, AP 1, nothing predicted: precision/recall/F1 0");
    unsigned char mixed[] = {1, 0, 0, 1};
    double flat[] = {0.5, 0.5, 0.5, 0.5};
    rs_class_metrics_compute(mixed, flat, 4, 0.5, &m, NULL, &err);
    CHECK(near(m.roc_auc, 0.5) && near(m.pr_auc, 0.5), "constant score: AUC 0.5, AP = base rate");
    double margin[] = {2.5, -1, 0.3, 0.8};
    rs_class_metrics_compute(mixed, margin, 4, 0.5, &m, NULL, &err);
    /* positives 2.5 .8 beat negatives -1 .3 in all four pairs */
    CHECK(isnan(m.log_loss) && isnan(m.brier) && near(m.roc_auc, 1), "scores outside [0,1]: no log loss; AUC still defined");

    rs_rng rng;
    rs_rng_seed(&rng, 2024);
    int agree = 1;
    for (int round = 0; round < 300 && agree; round++) {
        size_t n = 1 + rs_rng_below(&rng, 200);
        unsigned char yy[200];
        double ss[200];
        int levels = 1 + (int)rs_rng_below(&rng, 12);   /* few levels: many ties */
        for (size_t i = 0; i < n; i++) {
            yy[i] = rs_rng_uniform(&rng) < 0.3;
            ss[i] = round % 3 ? (double)rs_rng_below(&rng, (uint64_t)levels) / levels : rs_rng_uniform(&rng);
        }
        rs_class_metrics_compute(yy, ss, n, 0.5, &m, NULL, &err);
        if (!near(m.roc_auc, naive_auc(yy, ss, n)) || !near(m.pr_auc, naive_ap(yy, ss, n))) {
            printf("# round %d: auc %.17g vs %.17g, ap %.17g vs %.17g\n", round, m.roc_auc, naive_auc(yy, ss, n),
                   m.pr_auc, naive_ap(yy, ss, n));
            agree = 0;
        }
    }
    CHECK(agree, "AUC and AP equal the naive pairwise/threshold definitions on 300 random cases with ties");

    unsigned char signs[] = {1, 0};
    double zeros[] = {0.0, -0.0};
    rs_class_metrics_compute(signs, zeros, 2, 0.5, &m, NULL, &err);
    CHECK(near(m.roc_auc, 0.5), "+0 and -0 are the same score: a tie");
    double sorted[] = {0.5, -0.0, 0.0, -3, 1e300, -1e-300, 7};
    unsigned char lab[] = {0, 1, 2, 3, 4, 5, 6};
    rs_sort_scores_desc(sorted, lab, 7, &err);
    int desc = 1;
    for (int i = 1; i < 7; i++)
        desc &= sorted[i - 1] >= sorted[i];
    CHECK(desc && lab[0] == 4 && lab[6] == 3, "radix sort: descending over signs and magnitudes");

    rs_reg_metrics r;
    double t[] = {3, -0.5, 2, 7}, p[] = {2.5, 0.0, 2, 8};
    rs_reg_metrics_compute(t, p, 4, &r);
    /* errors .5 -.5 0 -1: MSE 1.5/4, MAE 2/4; mean t 2.875, SS_tot 29.1875 -> R2 = 1 - 1.5/29.1875 */
    CHECK(near(r.mse, 0.375) && near(r.mae, 0.5) && near(r.r2, 1 - 1.5 / 29.1875), "MSE, MAE, R2 (hand)");
    CHECK(near(r.mape, (0.5 / 3 + 1 + 0 + 1.0 / 7) / 4) && r.mape_skipped == 0, "MAPE");
    double z[] = {0, 2}, zp[] = {1, 2};
    rs_reg_metrics_compute(z, zp, 2, &r);
    CHECK(r.mape_skipped == 1 && near(r.mape, 0), "MAPE skips zero truths and counts them");
    double k[] = {4, 4}, kp[] = {4, 4}, kq[] = {4, 5};
    rs_reg_metrics_compute(k, kp, 2, &r);
    double exact = r.r2;
    rs_reg_metrics_compute(k, kq, 2, &r);
    CHECK(exact == 1 && r.r2 == 0, "constant truth: R2 1 when exact, else 0");
    return tap_done();
}
