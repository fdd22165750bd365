# scikit-learn's values for the same cases (used when sklearn is installed).
import csv, sys, warnings
from collections import defaultdict
from sklearn import metrics
warnings.simplefilter("ignore")
cases = defaultdict(lambda: ([], []))
for c, y, s in csv.reader(open(sys.argv[1])):
    cases[c][0].append(int(y)); cases[c][1].append(float(s))
out = csv.writer(sys.stdout, lineterminator="\n")
for c, (y, s) in cases.items():
    pred = [int(v >= 0.5) for v in s]
    both = 0 < sum(y) < len(y)
    rows = {"accuracy": metrics.accuracy_score(y, pred),
            "precision": metrics.precision_score(y, pred, zero_division=0),
            "recall": metrics.recall_score(y, pred, zero_division=0),
            "f1": metrics.f1_score(y, pred, zero_division=0),
            "roc_auc": metrics.roc_auc_score(y, s) if both else "",
            "pr_auc": metrics.average_precision_score(y, s) if sum(y) else "",
            "log_loss": metrics.log_loss(y, s, labels=[0, 1]),
            "brier": metrics.brier_score_loss(y, s, pos_label=1)}
    for k, v in rows.items():
        out.writerow([c, k, v])
