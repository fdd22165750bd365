"""statsmodels' simple exponential smoothing on the rs-forecast protocol
(scripts/bench-forecast): fit and forecast every series of TRAIN
(series,period,value, in time order) H periods ahead; write
series,period,forecast to OUT with the periods of TEST, and print the wall
seconds of the fitting alone (reading and writing excluded)."""
import csv
import sys
import time
import warnings

import numpy as np
from statsmodels.tsa.holtwinters import SimpleExpSmoothing

train, test, out, h = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
series = {}
with open(train) as f:
    for row in csv.DictReader(f):
        series.setdefault(row["series"], []).append(float(row["value"]))
periods = {}
with open(test) as f:
    for row in csv.DictReader(f):
        periods.setdefault(row["series"], []).append(row["period"])
warnings.simplefilter("ignore")
t0 = time.perf_counter()
forecasts = {}
for name, values in series.items():
    fit = SimpleExpSmoothing(np.asarray(values), initialization_method="estimated").fit()
    forecasts[name] = fit.forecast(h)
seconds = time.perf_counter() - t0
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["series", "period", "forecast"])
    for name, fc in forecasts.items():
        for period, value in zip(periods[name], fc):
            w.writerow([name, period, repr(max(float(value), 0.0))])
print(f"{seconds:.2f}")
