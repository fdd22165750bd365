# Independent reference for rs-eval class, straight from the definitions:
# AUC over every positive-negative pair (ties 1/2), AP by recomputing
# precision and recall at every distinct threshold.  Input: case,y,s rows
# (no header).  Output: case,metric,value like rs-eval --csv.
BEGIN { FS = ","; OFS = ","; OFMT = CONVFMT = "%.17g" }
{ n[$1]++; y[$1, n[$1]] = $2; s[$1, n[$1]] = $3 }
END {
    for (c in n) {
        N = n[c]; P = 0; tp = fp = tn = fn = 0; ll = 0; br = 0; prob = 1
        for (i = 1; i <= N; i++) {
            P += y[c, i]; pred = s[c, i] >= 0.5
            tp += pred && y[c, i]; fp += pred && !y[c, i]; fn += !pred && y[c, i]; tn += !pred && !y[c, i]
            p = s[c, i]; if (p < 2.220446049250313e-16) p = 2.220446049250313e-16
            if (p > 1 - 2.220446049250313e-16) p = 1 - 2.220446049250313e-16
            ll -= y[c, i] ? log(p) : log(1 - p); br += (s[c, i] - y[c, i]) ^ 2
        }
        auc = ""; num = 0; pairs = 0
        for (i = 1; i <= N; i++) if (y[c, i]) for (j = 1; j <= N; j++) if (!y[c, j]) {
            pairs++; num += s[c, i] > s[c, j] ? 1 : (s[c, i] == s[c, j] ? 0.5 : 0) }
        if (pairs) auc = num / pairs
        ap = ""
        if (P) {
            ap = 0; prev = 0; last = 1e308
            while (1) {
                t = -1e308; for (i = 1; i <= N; i++) if (s[c, i] < last && s[c, i] > t) t = s[c, i]
                if (t == -1e308) break
                tp2 = pp = 0; for (i = 1; i <= N; i++) if (s[c, i] >= t) { pp++; tp2 += y[c, i] }
                ap += (tp2 / P - prev) * (tp2 / pp); prev = tp2 / P; last = t
            }
        }
        prec = tp + fp ? tp / (tp + fp) : 0; rec = P ? tp / P : 0
        f1 = 2 * tp + fp + fn ? 2 * tp / (2 * tp + fp + fn) : 0
        print c, "accuracy", (tp + tn) / N; print c, "precision", prec; print c, "recall", rec
        print c, "f1", f1; print c, "roc_auc", auc; print c, "pr_auc", ap
        print c, "log_loss", ll / N; print c, "brier", br / N
    }
}
