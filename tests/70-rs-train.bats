#!/usr/bin/env bats
# rs-train and rs-predict, supervised kinds: known answers (closed forms,
# NumPy's normal equations, scikit-learn's logistic regression), feature
# matching by name, determinism, bad input and bad model files.

setup() {
    load test_helper/common-setup
    _common_setup
    PY=/usr/bin/python3
}

# 200 rows, features a b c, y = 1.5 + 2a - 3b + 0.5c + noise; seeded.
make_reg() {
    awk 'BEGIN { srand(3); print "id,a,b,c,y"
        for (i = 1; i <= 200; i++) { a = rand() * 4 - 2; b = rand() * 2; c = int(rand() * 5)
            printf "u%d,%.4f,%.4f,%d,%.4f\n", i, a, b, c, 1.5 + 2 * a - 3 * b + 0.5 * c + (rand() - 0.5) } }' > reg.csv
}

# 400 rows, overlapping classes: y ~ Bernoulli(sigmoid(0.5 + a - 2b)).
make_cls() {
    awk 'BEGIN { srand(5); print "user,a,b,y"
        for (i = 1; i <= 400; i++) { a = rand() * 4 - 2; b = rand() * 2 - 1; z = 0.5 + a - 2 * b
            printf "c%d,%.4f,%.4f,%d\n", i, a, b, rand() < 1 / (1 + exp(-z)) } }' > cls.csv
}

weights() { # model -> "name=weight" lines via a one-hot probe
    rs-predict --describe "$1" | awk '$1 == "feature" { print $2 }'
}

@test "linreg: an exact linear problem gives its exact coefficients" {
    printf 'a,b,y\n1,0,3\n0,1,-2\n1,1,0\n2,1,2\n3,5,-8\n' > exact.csv   # y = 1 + 2a - 3b
    run rs-train --model linreg --label y -i exact.csv -o m.rsm
    assert_success
    printf 'a,b\n0,0\n1,0\n0,1\n' | rs-predict -m m.rsm > p.csv
    run awk -F, 'NR > 1 { v[NR - 1] = $2 } END {
        b = v[1]; wa = v[2] - b; wb = v[3] - b; d = (b - 1)^2 + (wa - 2)^2 + (wb + 3)^2
        printf "%s %s\n", (d < 1e-10 ? "exact" : "off"), b " " wa " " wb }' p.csv
    assert_output --partial "exact"
}

@test "linreg: coefficients equal NumPy's normal-equation solution (1e-5), OLS and ridge" {
    make_reg
    for l2 in 0 10; do
        rs-train --model linreg --label y --l2 $l2 -i reg.csv -o m.rsm -q
        printf 'a,b,c\n0,0,0\n1,0,0\n0,1,0\n0,0,1\n' | rs-predict -m m.rsm > p.csv
        awk -F, 'NR > 1 { v[NR - 1] = $2 } END { printf "%.9g %.9g %.9g %.9g\n", v[1], v[2] - v[1], v[3] - v[1], v[4] - v[1] }' p.csv > rs.txt
        L2=$l2 $PY -c '
import os, numpy as np
d = np.genfromtxt("reg.csv", delimiter=",", names=True, dtype=None, encoding=None)
X = np.array([d["a"], d["b"], d["c"]], dtype=float).T; y = d["y"].astype(float)
Xc = X - X.mean(0); yc = y - y.mean(); lam = float(os.environ["L2"])
w = np.linalg.solve(Xc.T @ Xc + lam * np.eye(3), Xc.T @ yc); b = y.mean() - X.mean(0) @ w
print("%.9g %.9g %.9g %.9g" % (b, *w))' > np.txt
        run paste -d' ' rs.txt np.txt
        echo "l2=$l2: $output"
        run awk '{ for (i = 1; i <= 4; i++) { d = $i - $(i + 4); if (d < 0) d = -d; if (d > 1e-5 * (1 + ($(i+4) < 0 ? -$(i+4) : $(i+4)))) bad++ } } END { exit bad > 0 }' <(paste -d' ' rs.txt np.txt)
        assert_success
    done
}

@test "linreg: linearly dependent features are an error naming the column; --l2 fits anyway" {
    printf 'a,b,c,y\n1,2,3,1\n2,1,3,2\n3,5,8,2\n4,1,5,5\n5,3,8,4\n' > dep.csv   # c = a + b
    run --separate-stderr rs-train --model linreg --label y -i dep.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "linearly dependent: 'c' is (nearly) a combination"
    [ ! -e m.rsm ]
    run rs-train --model linreg --label y --l2 0.1 -i dep.csv -o m.rsm -q
    assert_success
}

@test "logreg: agrees with scikit-learn LogisticRegression (C = 1/l2) on overlapping classes" {
    make_cls
    for opts in "--l2 1" "--l2 0.01" "--l2 1 --class-weight balanced" "--l2 1 --class-weight 1,3"; do
        rs-train --model logreg --label y $opts -i cls.csv -o m.rsm -q
        rs-predict -m m.rsm -i cls.csv > p.csv
        OPTS="$opts" $PY -c '
import os, numpy as np
from sklearn.linear_model import LogisticRegression
d = np.genfromtxt("cls.csv", delimiter=",", names=True, dtype=None, encoding=None)
X = np.array([d["a"], d["b"]], dtype=float).T; y = d["y"]
o = os.environ["OPTS"].split(); C = 1 / float(o[1]); cw = None
if "balanced" in o: cw = "balanced"
elif "--class-weight" in o: w = o[-1].split(","); cw = {0: float(w[0]), 1: float(w[1])}
m = LogisticRegression(C=C, class_weight=cw, tol=1e-12, max_iter=10000).fit(X, y)
for p in m.predict_proba(X)[:, 1]: print("%.9f" % p)' > sk.txt
        run awk -F, 'NR == FNR { if (FNR > 1) p[FNR - 1] = $2; next } { d = p[FNR] - $1; if (d < 0) d = -d; if (d > m) m = d }
                    END { printf "max diff %.2g\n", m; exit m > 1e-5 }' p.csv sk.txt
        echo "$opts: $output"
        assert_success
    done
}

@test "logreg: separable classes with L2 are ranked perfectly and the weights stay finite" {
    printf 'x,y\n-3,0\n-2,0\n-1,0\n1,1\n2,1\n3,1\n' > sep.csv
    run --separate-stderr rs-train --model logreg --label y -i sep.csv -o m.rsm
    assert_success
    assert_stderr --partial "converged"
    rs-predict -m m.rsm -i sep.csv --keep y > p.csv
    run rs-eval class -i p.csv --truth y --score score --csv
    assert_line "all,roc_auc,1"
    run awk -F, 'NR > 1 && ($2 <= 0 || $2 >= 1) { bad++ } END { exit bad > 0 }' p.csv
    assert_success
}

@test "logreg: --l1 above the largest gradient zeroes every weight and the bias is the log-odds" {
    make_cls
    rs-train --model logreg --label y --l1 1000 -i cls.csv -o m.rsm -q
    run rs-predict --describe m.rsm
    assert_line "solver owlqn"
    printf 'a,b\n0,0\n5,-3\n' | rs-predict -m m.rsm > p.csv
    run awk -F, 'NR == FNR { if (FNR > 1) { n++; s += $4 } next } FNR > 1 { p[FNR - 1] = $2 }
        END { rate = s / n; d = p[1] - rate; if (d < 0) d = -d
              printf "%.6f %.6f %s\n", rate, p[1], p[1] == p[2] && d < 1e-6 ? "zero weights" : "nonzero" }' cls.csv p.csv
    assert_output --partial "zero weights"
}

@test "logreg: a small --l1 gives an objective no worse than the L2-only solution of the same problem" {
    make_cls
    awk -F, 'BEGIN { srand(9) } { printf "%s,%s\n", $0, NR == 1 ? "noise" : sprintf("%.4f", rand()) }' cls.csv > cls2.csv
    rs-train --model logreg --label y --l2 1 --l1 3 -i cls2.csv -o l1.rsm -q
    run rs-predict --describe l1.rsm
    assert_line "converged 1"
    rs-train --model logreg --label y --l2 1 --l1 3 --max-iter 2 -i cls2.csv -o l1short.rsm -q
    obj() { rs-predict --describe "$1" | awk '$1 == "objective" { print $2 }'; }
    run awk -v a="$(obj l1.rsm)" -v b="$(obj l1short.rsm)" 'BEGIN { exit !(a <= b) }'
    assert_success
}

@test "logreg: --max-iter too small warns that it did not converge" {
    make_cls
    run --separate-stderr rs-train --model logreg --label y --max-iter 1 -i cls.csv -o m.rsm
    assert_success
    assert_stderr --partial "logreg did not converge in 1 iterations"
    run rs-predict --describe m.rsm
    assert_line "converged 0"
    assert_line "iterations 1"
}

@test "mlp: learns XOR, which logreg cannot" {
    awk 'BEGIN { srand(1); print "a,b,y"; for (i = 0; i < 400; i++) { a = rand() * 2 - 1; b = rand() * 2 - 1
        printf "%.3f,%.3f,%d\n", a, b, (a > 0) != (b > 0) } }' > xor.csv
    rs-train --model mlp --hidden 16 --activation tanh --lr 0.01 --epochs 200 --batch 32 --label y -i xor.csv -o mlp.rsm -q
    rs-predict -m mlp.rsm -i xor.csv --keep y > p.csv
    run rs-eval class -i p.csv --truth y --score score --csv
    auc=$(echo "$output" | awk -F, '$2 == "roc_auc" { print $3 }')
    awk -v a="$auc" 'BEGIN { exit !(a > 0.97) }'
    rs-train --model logreg --label y -i xor.csv -o lr.rsm -q
    rs-predict -m lr.rsm -i xor.csv --keep y > q.csv
    run rs-eval class -i q.csv --truth y --score score --csv
    auc=$(echo "$output" | awk -F, '$2 == "roc_auc" { print $3 }')
    awk -v a="$auc" 'BEGIN { exit !(a < 0.7) }'
}

@test "mlp: squared loss fits a regression; --hidden 0 is linear regression by Adam" {
    make_reg
    rs-train --model mlp --hidden 0 --lr 0.05 --epochs 300 --batch 50 --label y -i reg.csv -o m.rsm -q
    run rs-predict --describe m.rsm
    assert_line "loss squared"
    assert_line "hidden none"
    rs-predict -m m.rsm -i reg.csv --keep y > p.csv
    run rs-eval reg -i p.csv --truth y --pred score --csv
    r2=$(echo "$output" | awk -F, '$2 == "r2" { print $3 }')
    awk -v r="$r2" 'BEGIN { exit !(r > 0.97) }'
}

@test "mlp: --valid prints losses per epoch and early stopping keeps the best epoch" {
    make_cls
    head -301 cls.csv > fit.csv
    { head -1 cls.csv; tail -100 cls.csv; } > valid.csv
    run --separate-stderr rs-train --model mlp --hidden 8,4 --activation sigmoid --dropout 0.1 --epochs 400 --patience 2 \
        --lr 0.05 --label y -i fit.csv --valid valid.csv -o m.rsm -v
    assert_success
    assert_stderr --regexp "epoch 1 train_loss [0-9.]+ valid_loss [0-9.]+ valid_auc [0-9.]+"
    assert_stderr --partial "early stop: no better valid_loss for 2 epochs"
    run rs-predict --describe m.rsm
    assert_line "hidden 8,4"
    assert_line "activation sigmoid"
    best=$(echo "$output" | awk '$1 == "best_epoch" { print $2 }')
    ran=$(echo "$output" | awk '$1 == "epochs_run" { print $2 }')
    [ "$ran" -eq $((best + 2)) ]
}

@test "same data, --seed and -j: identical model bytes; another seed: another mlp" {
    make_cls
    rs-train --model mlp --seed 4 -j 2 --label y -i cls.csv -o a.rsm -q
    rs-train --model mlp --seed 4 -j 2 --label y -i cls.csv -o b.rsm -q
    cmp a.rsm b.rsm
    rs-train --model mlp --seed 5 -j 2 --label y -i cls.csv -o c.rsm -q
    run cmp -s a.rsm c.rsm
    assert_failure 1
    rs-train --model logreg -j 2 --label y -i cls.csv -o d.rsm -q
    rs-train --model logreg -j 2 --label y -i cls.csv -o e.rsm -q
    cmp d.rsm e.rsm
    rs-train --model linreg -j 2 --label y -i cls.csv -o f.rsm -q
    rs-train --model linreg -j 2 --label y -i cls.csv -o g.rsm -q
    cmp f.rsm g.rsm
}

@test "-j 1 and -j 2 give the same logreg to float precision" {
    make_cls
    rs-train --model logreg -j 1 --label y -i cls.csv -o a.rsm -q
    rs-train --model logreg -j 2 --label y -i cls.csv -o b.rsm -q
    rs-predict -m a.rsm -i cls.csv > a.csv
    rs-predict -m b.rsm -i cls.csv > b.csv
    run awk -F, 'NR == FNR { p[FNR] = $2; next } FNR > 1 { d = p[FNR] - $2; if (d < 0) d = -d; if (d > m) m = d } END { print "max diff", m; exit m > 1e-5 }' a.csv b.csv
    assert_success
}

@test "rs-predict matches features by name: reordered and extra columns give the same scores" {
    make_cls
    rs-train --model logreg --label y -i cls.csv -o m.rsm -q
    rs-predict -m m.rsm -i cls.csv > a.csv
    awk -F, -v OFS=, '{ print $3, "junk", $1, $2 }' cls.csv > shuffled.csv
    rs-predict -m m.rsm -i shuffled.csv > b.csv
    cmp a.csv b.csv
    run head -2 a.csv
    assert_line --index 0 "user,score"
    assert_line --index 1 --regexp "^c1,0\.[0-9]+$"
}

@test "rs-predict: a missing feature is an error naming it" {
    make_cls
    rs-train --model logreg --label y -i cls.csv -o m.rsm -q
    cut -d, -f1,2 cls.csv > nob.csv
    run --separate-stderr rs-predict -m m.rsm -i nob.csv
    assert_failure 1
    assert_stderr --partial "unknown column 'b' in the model's features"
}

@test "rs-predict: --keep, --threshold, --id, row numbers, rsf input and output" {
    make_cls
    rs-train --model logreg --label y --features a,b -i cls.csv -o m.rsm -q
    run rs-predict -m m.rsm -i cls.csv --keep y,a --threshold 0.5
    assert_line --index 0 "user,score,class,y,a"
    run awk -F, 'NR > 1 && (($2 >= 0.5) != $3) { bad++ } END { exit bad > 0 }' <(rs-predict -m m.rsm -i cls.csv --threshold 0.5)
    assert_success
    cut -d, -f2- cls.csv > noid.csv
    run rs-predict -m m.rsm -i noid.csv
    assert_line --index 0 "row,score"
    assert_line --index 400 --regexp "^400,"
    run rs-predict -m m.rsm -i cls.csv --id y
    assert_line --index 0 "y,score"
    rs-predict -m m.rsm -i cls.csv --format rsf -o p.rsf
    rs-predict -m m.rsm -i cls.csv > p.csv
    rs-clean -i p.rsf > back.csv
    cmp p.csv back.csv
}

@test "rs-predict --describe prints key value lines: kind, label, solver report, features" {
    make_cls
    rs-train --model logreg --label y -i cls.csv -o m.rsm -q
    run rs-predict --describe m.rsm
    assert_success
    assert_line --index 0 "format rsm 1"
    assert_line "kind logreg"
    assert_line "label y"
    assert_line "id user"
    assert_line "train_rows 400"
    assert_line "n_features 2"
    assert_line "l2 1"
    assert_line "solver newton"
    assert_line "tensor weights 1x2"
    assert_line "feature a"
    assert_line "feature b"
}

@test "bad model files: corrupt, truncated, future version, not a model, missing" {
    make_cls
    rs-train --model logreg --label y -i cls.csv -o m.rsm -q
    size=$(stat -c %s m.rsm)
    cp m.rsm bad.rsm; printf 'X' | dd of=bad.rsm bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
    run --separate-stderr rs-predict -m bad.rsm -i cls.csv
    assert_failure 1
    assert_stderr --regexp "^rs-predict: bad.rsm: .*(checksum|damaged)"
    head -c $((size - 20)) m.rsm > short.rsm
    run --separate-stderr rs-predict -m short.rsm -i cls.csv
    assert_failure 1
    assert_stderr --regexp "^rs-predict: short.rsm: .*truncated"
    cp m.rsm future.rsm; printf '\x09' | dd of=future.rsm bs=1 seek=8 conv=notrunc 2>/dev/null
    run --separate-stderr rs-predict -m future.rsm -i cls.csv
    assert_failure 1
    assert_stderr --partial "future.rsm: not a valid rs model file (the version field and the checksum disagree: the file is damaged)"
    run --separate-stderr rs-predict -m cls.csv -i cls.csv
    assert_failure 1
    assert_stderr --partial "not a valid rs model file"
    run --separate-stderr rs-predict -m nosuch.rsm -i cls.csv
    assert_failure 1
    assert_stderr --partial "nosuch.rsm"
    run --separate-stderr rs-predict --describe short.rsm
    assert_failure 1
}

@test "bad input: label missing, non-numeric value with file:line, NaN, Inf, empty field, ragged row" {
    make_cls
    run --separate-stderr rs-train --model logreg --label nosuch -i cls.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "unknown column 'nosuch' in --label"
    sed '5s/,[-0-9.]*,/,abc,/' cls.csv > text.csv
    run --separate-stderr rs-train --model logreg --label y -i text.csv -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: text.csv:5: column a: 'abc' is not a finite number"
    for v in NaN inf -Infinity ''; do
        sed "7s/,[-0-9.]*,/,$v,/" cls.csv > v.csv
        run --separate-stderr rs-train --model logreg --label y -i v.csv -o m.rsm
        assert_failure 1
        assert_stderr "rs-train: v.csv:7: column a: '$v' is not a finite number"
    done
    sed '9s/,[-0-9.]*$//' cls.csv > ragged.csv
    run --separate-stderr rs-train --model logreg --label y -i ragged.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "ragged.csv:9: expected 4 fields, got 3"
    sed '4s/,[01]$/,maybe/' cls.csv > lab.csv   # (for logreg, 0, 1 and maybe are three classes)
    run --separate-stderr rs-train --model linreg --label y -i lab.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "lab.csv:4: column y: 'maybe' is not a number (or true/false)"
    run --separate-stderr rs-predict -m /dev/null -i cls.csv
    assert_failure 1
}

@test "bad input: one class, a fractional logreg label, a constant feature, no features, an empty file" {
    printf 'a,b,y\n1,2,1\n2,3,1\n3,1,1\n' > one.csv
    run --separate-stderr rs-train --model logreg --label y -i one.csv -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: one.csv: the label has one class (every one of the 3 rows is 1): nothing to learn"
    run --separate-stderr rs-train --model mlp --label y -i one.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "the label has one class"
    printf 'a,y\n1,0\n2,0.5\n' > two.csv   # a fraction is a number, not a class (0, 2 would be two classes)
    run --separate-stderr rs-train --model logreg --label y -i two.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "logreg needs a 0/1 label or classes (integers or names), but row 2 of the training data has 0.5"
    printf 'a,k,y\n1,5,0\n2,5,1\n3,5,0\n4,5,1\n' > const.csv
    run --separate-stderr rs-train --model logreg --label y -i const.csv -o m.rsm
    assert_success
    assert_stderr --partial "feature 'k' is constant (5 in every row): its weight is 0"
    printf 'name,y\nx,0\ny,1\n' > nofeat.csv
    run --separate-stderr rs-train --model logreg --label y -i nofeat.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "no numeric feature columns besides the label"
    printf 'k,y\n5,0\n5,1\n' > allconst.csv
    run --separate-stderr rs-train --model logreg --label y -i allconst.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "every feature is constant"
    printf 'a,y\n' > empty.csv
    run --separate-stderr rs-train --model logreg --label y -i empty.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "no data rows"
    : > zero.csv
    run --separate-stderr rs-train --model logreg --label y -i zero.csv -o m.rsm
    assert_failure 1
}

@test "--features picks columns (and rejects the label); --valid must have the features" {
    make_cls
    rs-train --model logreg --label y --features b -i cls.csv -o m.rsm -q
    run rs-predict --describe m.rsm
    assert_line "n_features 1"
    assert_line "feature b"
    run --separate-stderr rs-train --model logreg --label y --features a,y -i cls.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--features lists the label column 'y'"
    cut -d, -f1,2,4 cls.csv > va.csv
    run --separate-stderr rs-train --model logreg --label y -i cls.csv --valid va.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "unknown column 'b'"
}

@test "usage errors are exit 2 with a reason" {
    make_cls
    check() { run --separate-stderr rs-train "$@"; assert_failure 2; }
    check --label y -i cls.csv -o m.rsm;                    assert_stderr --partial "--model KIND is required"
    check --model forest --label y -i cls.csv -o m.rsm;     assert_stderr --partial "unknown --model 'forest'"
    check --model logreg -i cls.csv -o m.rsm;               assert_stderr --partial "--label COL is required"
    check --model logreg --label y -i cls.csv;              assert_stderr --partial "-o MODEL.rsm is required"
    check --model linreg --l1 1 --label y -i cls.csv -o m;  assert_stderr --partial "--l1 is not an option of --model linreg"
    check --model logreg --l2 -1 --label y -i cls.csv -o m; assert_stderr --partial "invalid --l2 '-1'"
    check --model logreg --class-weight 1 --label y -o m;   assert_stderr --partial "invalid --class-weight '1'"
    check --model logreg --tol 2 --label y -o m;            assert_stderr --partial "invalid --tol '2'"
    check --model logreg --max-iter 0 --label y -o m;       assert_stderr --partial "invalid --max-iter '0'"
    check --model mlp --hidden 64,x --label y -o m;         assert_stderr --partial "invalid --hidden '64,x'"
    check --model mlp --hidden 1,2,3,4,5,6,7,8,9 --label y -o m; assert_stderr --partial "invalid --hidden"
    check --model mlp --dropout 1 --label y -o m;           assert_stderr --partial "invalid --dropout '1'"
    check --model mlp --lr 0 --label y -o m;                assert_stderr --partial "invalid --lr '0'"
    check --model mlp --epochs 0 --label y -o m;            assert_stderr --partial "invalid --epochs '0'"
    check --model mlp --batch x --label y -o m;             assert_stderr --partial "invalid --batch 'x'"
    check --model mlp --patience -1 --label y -o m;         assert_stderr --partial "invalid --patience '-1'"
    check --model mlp --activation elu --label y -i cls.csv -o m; assert_stderr --partial "invalid --activation 'elu'"
    check --model mlp --loss hinge --label y -i cls.csv -o m;     assert_stderr --partial "invalid --loss 'hinge'"
    run --separate-stderr rs-predict -i cls.csv
    assert_failure 2
    assert_stderr --partial "-m MODEL.rsm is required"
    run --separate-stderr rs-predict -m x --threshold abc
    assert_failure 2
    assert_stderr --partial "invalid --threshold 'abc'"
}

@test "mlp --loss squared on a 0/1 label scores values; --loss bce on other labels is an error" {
    make_cls
    rs-train --model mlp --loss squared --epochs 2 --label y -i cls.csv -o m.rsm -q
    run rs-predict --describe m.rsm
    assert_line "loss squared"
    make_reg
    run --separate-stderr rs-train --model mlp --loss bce --label y -i reg.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "--loss bce needs a 0/1 label"
}

@test "mlp --scaling quantile: scores do not change under a monotone map of a feature; zscore's do; the model says so" {
    # 100 rows: with 100 quantiles each row's value is a quantile, so its
    # share k/99 is the same for a and for exp(3a): the same network, the
    # same scores.  z-scores of a and exp(3a) differ: another network.
    awk 'BEGIN { srand(9); print "a,b,y"; for (i = 0; i < 100; i++) { a = rand() * 2 - 1; b = rand() * 2 - 1
        printf "%.4f,%.4f,%d\n", a, b, rand() < 1 / (1 + exp(-(2 * a - b))) } }' > q.csv
    awk -F, 'NR == 1 { print; next } { printf "%.6f,%s,%s\n", exp(3 * $1), $2, $3 }' q.csv > qexp.csv
    rs-train --model mlp --scaling quantile --epochs 5 --label y -i q.csv -o qa.rsm -q
    rs-train --model mlp --scaling quantile --epochs 5 --label y -i qexp.csv -o qb.rsm -q
    rs-predict -m qa.rsm -i q.csv --keep y > pa.csv
    rs-predict -m qb.rsm -i qexp.csv --keep y > pb.csv
    cmp pa.csv pb.csv
    run awk -F, 'NR > 1 && $2 != 0.5 { n++ } END { print n }' pa.csv
    assert_output "100"
    rs-train --model mlp --epochs 5 --label y -i q.csv -o za.rsm -q
    rs-train --model mlp --scaling zscore --epochs 5 --label y -i qexp.csv -o zb.rsm -q
    rs-predict -m za.rsm -i q.csv --keep y > za.csv
    rs-predict -m zb.rsm -i qexp.csv --keep y > zb.csv
    run cmp -s za.csv zb.csv
    assert_failure 1
    run rs-predict --describe qa.rsm
    assert_line "scaling quantile"
    assert_line "tensor input_quantiles 2x100"
    # zscore (the default) keeps the model as it was before --scaling: no key, no tensor
    run rs-predict --describe za.rsm
    refute_line --partial "scaling"
    refute_line --partial "input_quantiles"
    # a value outside the training range scores as the range's end: share 0 or 1
    { echo "a,b,y"; echo "-1000,0.5,0"; echo "$(sort -t, -k1,1g q.csv | sed -n 2p | cut -d, -f1),0.5,0"; } > edge.csv
    run rs-predict -m qa.rsm -i edge.csv
    [ "$(sed -n 2p <<< "$output" | cut -d, -f2)" = "$(sed -n 3p <<< "$output" | cut -d, -f2)" ]
}

@test "mlp --scaling: a value that is not a choice, or a kind without it, is a usage error" {
    make_cls
    run --separate-stderr rs-train --model mlp --scaling rank --label y -i cls.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "rs-train: invalid --scaling 'rank' (expected one of zscore,quantile)"
    run --separate-stderr rs-train --model logreg --scaling quantile --label y -i cls.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "rs-train: --scaling is not an option of --model logreg"
    [ ! -e m.rsm ]
}

@test "-v prints the Newton iterations; -vv the OpenBLAS kernel; the summary line names the solver" {
    make_cls
    run --separate-stderr rs-train --model logreg --label y -i cls.csv -o m.rsm -vv
    assert_stderr --regexp "rs-train: OpenBLAS kernel [A-Za-z0-9]+, [0-9]+ threads"
    assert_stderr --regexp "iteration 1 objective [0-9.]+ grad_norm"
    assert_stderr --regexp "rs-train: logreg: 400 rows x 2 features, newton [0-9]+ iterations \(converged\) \[label=y id=user\], [0-9.]+ s -> m.rsm"
    run --separate-stderr rs-train --model logreg --label y -i cls.csv -o m.rsm -q
    assert_stderr ""
}

@test "--valid with -v: logreg prints validation loss and AUC per iteration, linreg its RMSE" {
    make_cls
    head -301 cls.csv > fit.csv
    { head -1 cls.csv; tail -100 cls.csv; } > valid.csv
    run --separate-stderr rs-train --model logreg --label y -i fit.csv --valid valid.csv -o m.rsm -v
    assert_success
    assert_stderr --regexp "iteration 1 valid_loss 0\.[0-9]+ valid_auc 0\.[0-9]+"
    # the last line's AUC is the AUC of the saved model on valid.csv
    last=$(echo "$stderr" | grep valid_auc | tail -1 | awk '{ print $NF }')
    rs-predict -m m.rsm -i valid.csv --keep y > p.csv
    auc=$(rs-eval class -i p.csv --truth y --score score --csv | sed -n 's/^all,roc_auc,//p')
    awk -v a="$last" -v b="$auc" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 1e-4) }'
    make_reg
    head -151 reg.csv > rfit.csv
    { head -1 reg.csv; tail -50 reg.csv; } > rvalid.csv
    run --separate-stderr rs-train --model linreg --label y -i rfit.csv --valid rvalid.csv -o r.rsm -v
    assert_stderr --regexp "iteration 1 valid_rmse 0\.[0-9]+"
}

@test "mlp: a large network splits each mini-batch over -j threads, reproducibly; -j 1 and -j 2 agree closely" {
    make_cls
    for j in 1 2; do
        rs-train --model mlp --hidden 256,128 --batch 128 --epochs 3 -j $j --label y -i cls.csv -o a$j.rsm -q
        rs-train --model mlp --hidden 256,128 --batch 128 --epochs 3 -j $j --label y -i cls.csv -o b$j.rsm -q
        cmp a$j.rsm b$j.rsm
        rs-predict -m a$j.rsm -i cls.csv > p$j.csv
    done
    # the slices' gradients are summed in another grouping: float rounding only
    run awk -F, 'NR == FNR { s[FNR] = $2; next } FNR > 1 { d = s[FNR] - $2; if (d < 0) d = -d; if (d > m) m = d }
                END { printf "max diff %.2g\n", m; exit m > 1e-3 }' p1.csv p2.csv
    assert_success
}

@test "linreg and logreg on one row: a clear error, nothing on stdout (OpenBLAS is never called with empty sizes)" {
    printf 'a,y\n1,2\n' > one.csv
    run --separate-stderr rs-train --model linreg --label y -i one.csv -o m.rsm
    assert_failure 1
    refute_output
    assert_stderr --partial "one.csv: linreg needs at least two training rows (the table has 1)"
    refute_output --partial "illegal value"
    [ ! -e m.rsm ]
    run --separate-stderr rs-train --model logreg --label y -i one.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "logreg needs at least two training rows"
}
