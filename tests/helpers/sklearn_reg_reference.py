# scikit-learn's regression metrics for case,t,p rows (used when installed).
import csv, sys
from collections import defaultdict
from sklearn import metrics
cases = defaultdict(lambda: ([], []))
for c, t, p in csv.reader(open(sys.argv[1])):
    cases[c][0].append(float(t)); cases[c][1].append(float(p))
out = csv.writer(sys.stdout, lineterminator="\n")
for c, (t, p) in cases.items():
    out.writerow([c, "mse", metrics.mean_squared_error(t, p)])
    out.writerow([c, "mae", metrics.mean_absolute_error(t, p)])
    out.writerow([c, "r2", metrics.r2_score(t, p) if len(t) > 1 else ""])
