#!/usr/bin/python3
"""bench-mlp-softmax.py: the generated problem and scikit-learn's side of
scripts/bench-mlp-softmax.

  gen DIR ROWS TEST_ROWS   DIR/train.csv, DIR/test.csv: 20 normal features,
                           5 classes (names) drawn from a softmax of
                           3 tanh(X A) B (A 20 x 8, B 8 x 5, seed 5): a
                           problem a one-hidden-layer network can learn
  sklearn DIR HIDDEN EPOCHS BATCH SEED
                           MLPClassifier on z-scored inputs (Adam 0.001,
                           alpha 0, no early stopping): prints accuracy,
                           log loss and the fit's CPU seconds
"""
import sys
import time
import warnings

import numpy as np

NAMES = np.array(["address", "cancel", "delivery", "refund", "voucher"])


def gen(out, n, n_test):
    r = np.random.default_rng(5)
    A, B = r.normal(size=(20, 8)) / np.sqrt(20), r.normal(size=(8, 5))
    for path, rows in (("train", n), ("test", n_test)):
        X = np.round(r.normal(size=(rows, 20)), 4)
        z = 3 * np.tanh(X @ A * 2) @ B
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        y = (p.cumsum(1) > r.random((rows, 1))).argmax(1)
        with open(f"{out}/{path}.csv", "w") as f:
            f.write(",".join(f"x{j + 1}" for j in range(20)) + ",label\n")
            for xi, yi in zip(X, y):
                f.write(",".join(f"{v:.4f}" for v in xi) + "," + NAMES[yi] + "\n")


def sklearn(out, hidden, epochs, batch, seed):
    import pandas as pd
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import accuracy_score, log_loss
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler
    warnings.simplefilter("ignore", ConvergenceWarning)
    train, test = pd.read_csv(f"{out}/train.csv"), pd.read_csv(f"{out}/test.csv")
    X, y = train.drop(columns="label").values, train.label.values
    Xt, yt = test.drop(columns="label").values, test.label.values
    t0 = time.process_time()
    scale = StandardScaler().fit(X)
    c = MLPClassifier(hidden_layer_sizes=(hidden,), solver="adam", learning_rate_init=0.001, alpha=0,
                      batch_size=batch, max_iter=epochs, n_iter_no_change=epochs + 1, random_state=seed)
    c.fit(scale.transform(X), y)
    cpu = time.process_time() - t0
    p = c.predict_proba(scale.transform(Xt))
    print(f"{accuracy_score(yt, c.classes_[p.argmax(1)]):.4f} {log_loss(yt, p, labels=c.classes_):.4f} {cpu:.2f}")


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sklearn(sys.argv[2], *(int(a) for a in sys.argv[3:7]))
