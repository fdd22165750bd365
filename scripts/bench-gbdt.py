#!/usr/bin/python3
"""The Python side of scripts/bench-gbdt (run with Debian's /usr/bin/python3,
which has python3-xgboost, python3-sklearn and python3-pandas).

  auc TEST.csv LABEL SCORES.csv
      test ROC AUC (scikit-learn's roc_auc_score) of the 'score' column of
      SCORES.csv against LABEL of TEST.csv, row by row (rs-predict and the
      xgb command below both write one line per test row, in order).  The
      same code scores rs and XGBoost.
  xgb TRAIN.csv TEST.csv LABEL SCORES.csv --seed S [--drop COLS] [params]
      XGBoost's XGBClassifier on TRAIN, P(label = 1) of every TEST row to
      SCORES.csv (header 'score').  Numeric columns as they are, TRUE/FALSE
      as 1/0, other text columns label-coded (codes from the training part's
      sorted values; a value unseen in training is missing).
  speed TRAIN.csv LABEL [--score-train FILE --score-input FILE] [params]
      XGBoost fit time on TRAIN (CSV load excluded: the clock runs around
      fit only), as 'key value' lines; with --score-train, also fit a
      --score-trees model on that file and time predict on --score-input.
"""
import argparse
import resource
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import roc_auc_score

TRUE = {"true", "1", "1.0", "yes"}
FALSE = {"false", "0", "0.0", "no"}


def label01(col):
    """A label column as 0/1: TRUE/FALSE (any case) or numbers."""
    if col.dtype == bool:
        return col.astype(np.int8).to_numpy()
    if np.issubdtype(col.dtype, np.number):
        return col.to_numpy()
    s = col.astype(str).str.strip().str.lower()
    bad = ~s.isin(TRUE | FALSE)
    if bad.any():
        sys.exit(f"bench-gbdt.py: label value {col[bad].iloc[0]!r} is not TRUE/FALSE or 0/1")
    return s.isin(TRUE).astype(np.int8).to_numpy()


def read(path):
    return pd.read_csv(path, low_memory=False)


def cmd_auc(a):
    truth = label01(read(a.test)[a.label])
    score = read(a.scores)["score"].to_numpy(dtype=float)
    if len(score) != len(truth):
        sys.exit(f"bench-gbdt.py: {a.scores} has {len(score)} scores for {len(truth)} test rows")
    print("%.6f" % roc_auc_score(truth, score))


def features(train, test, label, drop):
    """Train and test feature matrices: numbers as they are, booleans 1/0,
    text label-coded with the training part's sorted categories."""
    cols = [c for c in train.columns if c != label and c not in drop]
    xtr, xte = pd.DataFrame(index=train.index), pd.DataFrame(index=test.index)
    coded = []
    for c in cols:
        if train[c].dtype == bool:
            xtr[c], xte[c] = train[c].astype(np.float32), test[c].astype(np.float32)
        elif np.issubdtype(train[c].dtype, np.number):
            xtr[c], xte[c] = train[c].astype(np.float32), test[c].astype(np.float32)
        else:
            cats = sorted(train[c].dropna().astype(str).unique())
            code = {v: i for i, v in enumerate(cats)}
            xtr[c] = train[c].astype(str).map(code).astype(np.float32)
            xte[c] = test[c].astype(str).map(code).astype(np.float32)  # unseen: NaN
            coded.append(c)
    return xtr.to_numpy(), xte.to_numpy(), coded


def cmd_xgb(a):
    train, test = read(a.train), read(a.test)
    drop = set(filter(None, a.drop.split(",")))
    xtr, xte, coded = features(train, test, a.label, drop)
    m = xgb.XGBClassifier(tree_method="hist", max_depth=a.max_depth, n_estimators=a.trees,
                          learning_rate=a.learning_rate, subsample=a.subsample, max_bin=a.bins,
                          n_jobs=a.threads, random_state=a.seed)
    m.fit(xtr, label01(train[a.label]))
    pd.DataFrame({"score": m.predict_proba(xte)[:, 1]}).to_csv(a.scores, index=False, float_format="%.9g")
    print("label-coded: " + (",".join(coded) or "none"), file=sys.stderr)


def load_xy(path, label):
    d = pd.read_csv(path, dtype=np.float32)  # empty cells -> NaN (missing)
    return d.drop(columns=[label]).to_numpy(), d[label].to_numpy()


def cmd_speed(a):
    def model(trees):
        return xgb.XGBClassifier(tree_method="hist", max_depth=a.max_depth, n_estimators=trees,
                                 learning_rate=a.learning_rate, subsample=a.subsample, max_bin=a.bins,
                                 n_jobs=a.threads, random_state=a.seed)
    t0 = time.perf_counter()
    x, y = load_xy(a.train, a.label)
    t1 = time.perf_counter()
    print("load_s %.3f" % (t1 - t0))
    m = model(a.trees)
    t0 = time.perf_counter()
    m.fit(x, y)
    t1 = time.perf_counter()
    print("fit_s %.3f" % (t1 - t0))
    print("rows %d" % x.shape[0])
    print("missing_share %.4f" % np.isnan(x).mean())
    if a.score_train:
        del x, y
        xs, ys = load_xy(a.score_train, a.label)
        m = model(a.score_trees).fit(xs, ys)
        del xs, ys
        xi, _ = load_xy(a.score_input, a.label)
        t0 = time.perf_counter()
        m.predict_proba(xi)
        t1 = time.perf_counter()
        print("predict_s %.3f" % (t1 - t0))
        print("predict_rows %d" % xi.shape[0])
    print("max_rss_mb %.0f" % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("auc")
    s.add_argument("test"), s.add_argument("label"), s.add_argument("scores")
    s.set_defaults(run=cmd_auc)

    def params(s, trees, depth, lr, subsample):
        s.add_argument("--trees", type=int, default=trees)
        s.add_argument("--max-depth", type=int, default=depth)
        s.add_argument("--learning-rate", type=float, default=lr)
        s.add_argument("--subsample", type=float, default=subsample)
        s.add_argument("--bins", type=int, default=256)  # XGBoost's default max_bin
        s.add_argument("--threads", type=int, default=2)
        s.add_argument("--seed", type=int, default=1)
    s = sub.add_parser("xgb")
    s.add_argument("train"), s.add_argument("test"), s.add_argument("label"), s.add_argument("scores")
    s.add_argument("--drop", default="")
    params(s, 300, 4, 0.05, 0.8)
    s.set_defaults(run=cmd_xgb)
    s = sub.add_parser("speed")
    s.add_argument("train"), s.add_argument("label")
    s.add_argument("--score-train"), s.add_argument("--score-input")
    s.add_argument("--score-trees", type=int, default=300)
    params(s, 100, 6, 0.1, 1.0)
    s.set_defaults(run=cmd_speed)
    a = p.parse_args()
    a.run(a)


if __name__ == "__main__":
    main()
