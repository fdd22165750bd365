#!/usr/bin/env bats
# logreg on a class label (multinomial, softmax): known answers from
# scikit-learn (tests/fixtures/softmax, made by scripts/softmax-known-answer),
# the class order, rs-predict's class columns (--proba, --top), the binary
# path unchanged, determinism and bad input.

setup() {
    load test_helper/common-setup
    _common_setup
    fx=$BATS_TEST_DIRNAME/fixtures/softmax
}

# The largest |difference| between rs-predict --proba output and an
# expected-*.csv (same rows, same proba_ columns after rs's class, probability).
max_diff() { # predictions expected
    awk -F, 'NR == FNR { if (FNR > 1) for (j = 2; j <= NF; j++) e[FNR, j] = $j; next }
        FNR == 1 { for (j = 1; j <= NF; j++) if ($j ~ /^proba_/) first = first ? first : j; next }
        { for (j = first; j <= NF; j++) { d = $j - e[FNR, j - first + 2]; d = d < 0 ? -d : d; if (d > m) m = d } n++ }
        END { printf "%d rows, max |diff| %s\n", n, (m < 1e-4 ? "< 1e-4" : m) }' "$2" "$1"
}

@test "known answers: probabilities equal scikit-learn's multinomial LogisticRegression within 1e-4 (L2 C=1, C=10; L1 C=0.5)" {
    rs-train --model logreg --label intent -i "$fx/train.csv" -o l2.rsm --l2 1 -q
    rs-predict -m l2.rsm -i "$fx/test.csv" --proba > l2.csv
    run max_diff l2.csv "$fx/expected-l2-1.csv"
    assert_output "20 rows, max |diff| < 1e-4"
    rs-train --model logreg --label intent -i "$fx/train.csv" -o weak.rsm --l2 0.1 -q
    rs-predict -m weak.rsm -i "$fx/test.csv" --proba > weak.csv
    run max_diff weak.csv "$fx/expected-l2-0.1.csv"
    assert_output "20 rows, max |diff| < 1e-4"
    rs-train --model logreg --label intent -i "$fx/train.csv" -o l1.rsm --l2 0 --l1 2 -q
    rs-predict -m l1.rsm -i "$fx/test.csv" --proba > l1.csv
    run max_diff l1.csv "$fx/expected-l1-2.csv"
    assert_output "20 rows, max |diff| < 1e-4"
}

@test "the check can fail: a changed expected probability is reported" {
    rs-train --model logreg --label intent -i "$fx/train.csv" -o l2.rsm --l2 1 -q
    rs-predict -m l2.rsm -i "$fx/test.csv" --proba > l2.csv
    sed '2s/^1,0\.[0-9]*/1,0.5/' "$fx/expected-l2-1.csv" > bad.csv
    run max_diff l2.csv bad.csv
    refute_output --partial "< 1e-4"
}

@test "the model stores the classes in sorted order; describe shows them; the probabilities sum to 1" {
    rs-train --model logreg --label intent -i "$fx/train.csv" -o m.rsm -q
    run rs-predict --describe m.rsm
    assert_line "n_classes 4"
    assert_line "solver owlqn"
    rs-predict -m m.rsm -i "$fx/test.csv" --proba > p.csv
    run head -1 p.csv
    assert_output "id,class,probability,proba_billing,proba_delivery,proba_refund,proba_returns"
    run awk -F, 'NR > 1 { s = $4 + $5 + $6 + $7; if (s < 0.999999 || s > 1.000001) bad++ } END { print bad + 0 }' p.csv
    assert_output 0
    # class is the most probable one and probability its value
    run awk -F, 'NR > 1 { b = 4; for (j = 5; j <= 7; j++) if ($j > $b) b = j
        split("x,x,x,billing,delivery,refund,returns", n, ","); if (n[b] != $2 || $b != $3) bad++ } END { print bad + 0 }' p.csv
    assert_output 0
}

@test "integer classes are ordered by value, names by bytes; the codes do not depend on row order" {
    printf 'a,y\n0,10\n1,9\n2,2\n0.5,10\n1.5,9\n2.5,2\n0.2,10\n' > int.csv
    rs-train --model logreg --label y -i int.csv -o m.rsm -q
    printf 'a\n1\n' | rs-predict -m m.rsm --proba > p.csv
    run head -1 p.csv
    assert_output "row,class,probability,proba_2,proba_9,proba_10"
    printf 'a,y\n0,b\n1,B\n2,a\n0.5,b\n1.5,B\n2.5,a\n' > names.csv
    rs-train --model logreg --label y -i names.csv -o n.rsm -q
    printf 'a\n1\n' | rs-predict -m n.rsm --proba > q.csv
    run head -1 q.csv
    assert_output "row,class,probability,proba_B,proba_a,proba_b"
    { head -1 names.csv; tail -n +2 names.csv | sort -r; } > shuffled.csv
    rs-train --model logreg --label y -i shuffled.csv -o s.rsm -q
    printf 'a\n1\n' | rs-predict -m s.rsm --proba > r.csv
    run cmp q.csv r.csv
    assert_success
}

@test "two class names (yes/no) are classes; a 0/1 label keeps the binary model and its one score column" {
    printf 'a,y\n0,no\n1,yes\n2,yes\n0.5,no\n1.5,yes\n0.2,no\n' > yn.csv
    run --separate-stderr rs-train --model logreg --label y -i yn.csv -o yn.rsm
    assert_success
    assert_stderr --regexp '^rs-train: logreg: 6 rows x 1 features, owlqn [0-9]+ iterations \(converged\), 2 classes \[label=y id=-\]'
    printf 'a\n3\n' | rs-predict -m yn.rsm > p.csv
    run head -1 p.csv
    assert_output "row,class,probability"
    run tail -1 p.csv
    assert_output --regexp '^1,yes,0\.[0-9]+$'
    printf 'a,y\n0,0\n1,1\n2,1\n0.5,0\n1.5,1\n0.2,false\n' > bin.csv
    rs-train --model logreg --label y -i bin.csv -o bin.rsm -q
    run rs-predict --describe bin.rsm
    refute_line --partial "n_classes"
    assert_line "solver newton"
    printf 'a\n3\n' | rs-predict -m bin.rsm > b.csv
    run head -1 b.csv
    assert_output "row,score"
    # a stray value in a 0/1 label makes three classes, and the summary says so
    printf 'a,y\n0,0\n1,1\n2,1\n0.5,0\n1.5,maybe\n' > stray.csv
    run --separate-stderr rs-train --model logreg --label y -i stray.csv -o s.rsm
    assert_success
    assert_stderr --partial ", 3 classes [label=y id=-]"
}

@test "--top K writes the K best classes in order; with --proba too; ties take the class first in order" {
    rs-train --model logreg --label intent -i "$fx/train.csv" -o m.rsm -q
    rs-predict -m m.rsm -i "$fx/test.csv" --top 3 --proba > p.csv
    run head -1 p.csv
    assert_output "id,class,probability,class_2,probability_2,class_3,probability_3,proba_billing,proba_delivery,proba_refund,proba_returns"
    # decreasing probabilities, three different classes, each equal to its proba_ column
    run awk -F, 'NR > 1 { if (!($3 >= $5 && $5 >= $7)) bad++; if ($2 == $4 || $4 == $6 || $2 == $6) bad++
        col["billing"] = 8; col["delivery"] = 9; col["refund"] = 10; col["returns"] = 11
        if ($(col[$2]) != $3 || $(col[$4]) != $5 || $(col[$6]) != $7) bad++ } END { print NR - 1, bad + 0 }' p.csv
    assert_output "20 0"
    # a model whose weights are all 0 (every feature constant but one, huge L2) ties every class: model order
    printf 'a,y\n1,c\n2,b\n3,a\n' > tie.csv
    rs-train --model logreg --label y -i tie.csv -o t.rsm --l2 1e30 -q
    printf 'a\n0\n' | rs-predict -m t.rsm --top 3 > t.csv
    run tail -1 t.csv
    assert_output "1,a,0.33333334,b,0.33333334,c,0.33333334"
}

@test "the output feeds rs-eval class directly: accuracy and log loss over the four classes" {
    rs-train --model logreg --label intent -i "$fx/train.csv" -o m.rsm -q
    rs-predict -m m.rsm -i "$fx/test.csv" --proba --keep intent > p.csv
    run --separate-stderr rs-eval class -i p.csv --truth-col intent -k 2
    assert_success
    assert_line --regexp '^accuracy +0\.[0-9]+$'
    assert_line --regexp '^log_loss +0\.[0-9]+$'
    # accuracy by hand: the share of rows whose class is the truth
    acc=$(awk -F, 'NR > 1 { n++; ok += $2 == $NF } END { printf "%.6f", ok / n }' p.csv)
    run awk -v a="$acc" '$1 == "accuracy" { printf "%.6f\n", $2 - a }' <<< "$output"
    assert_output "0.000000"
}

@test "a class only in the test file: predictions use the training classes; rs-eval counts it with recall 0" {
    rs-train --model logreg --label intent -i "$fx/train.csv" -o m.rsm -q
    { cat "$fx/test.csv"; echo 'r21,0.1,0.2,0.3,warranty'; } > test.csv
    rs-predict -m m.rsm -i test.csv --keep intent > p.csv
    run tail -1 p.csv
    assert_output --regexp '^r21,(billing|delivery|refund|returns),0\.[0-9]+,warranty$'
    rs-eval class -i p.csv --truth-col intent --per-class pc.csv > /dev/null
    run grep '^all,warranty,' pc.csv
    assert_output "all,warranty,1,0,0,0,0,0"
}

@test "same input and -j give the same model bytes; -j 1 and -j 2 agree to 1e-6" {
    rs-train --model logreg --label intent -i "$fx/train.csv" -o a.rsm -j 2 -q
    rs-train --model logreg --label intent -i "$fx/train.csv" -o b.rsm -j 2 -q
    run cmp a.rsm b.rsm
    assert_success
    rs-train --model logreg --label intent -i "$fx/train.csv" -o c.rsm -j 1 -q
    rs-predict -m a.rsm -i "$fx/test.csv" --proba > a.csv
    rs-predict -m c.rsm -i "$fx/test.csv" --proba > c.csv
    run awk -F, 'NR == FNR { for (j = 3; j <= NF; j++) v[FNR, j] = $j; next }
        FNR > 1 { for (j = 3; j <= NF; j++) { d = $j - v[FNR, j]; if (d > 1e-6 || d < -1e-6) bad++ } } END { print bad + 0 }' a.csv c.csv
    assert_output 0
}

@test "--class-weight balanced weighs classes n / (K n_c); W0,W1 is a usage error on classes" {
    # 1 'a' row against 3 'b' rows at the same point: unweighted P(a) = 1/4, balanced 1/2 (weights 2 and 2/3)
    printf 'k,x,y\n1,0,a\n1,0,b\n1,0,b\n1,0,b\n1,1,c\n1,1,c\n' > w.csv
    rs-train --model logreg --label y -i w.csv -o u.rsm --l2 1e-6 --features x -q
    rs-train --model logreg --label y -i w.csv -o bal.rsm --l2 1e-6 --features x --class-weight balanced -q
    printf 'x\n0\n' | rs-predict -m u.rsm --proba > u.csv
    printf 'x\n0\n' | rs-predict -m bal.rsm --proba > b.csv
    run awk -F, 'NR == 2 { printf "%.3f %.3f\n", $4, $5 }' u.csv
    assert_output "0.250 0.750"
    run awk -F, 'NR == 2 { printf "%.3f %.3f\n", $4, $5 }' b.csv
    assert_output "0.500 0.500"
    run --separate-stderr rs-train --model logreg --label y -i w.csv -o m.rsm --class-weight 1,2
    assert_failure 2
    assert_stderr --partial "rs-train: --class-weight W0,W1 is for a 0/1 label; the label 'y' has 3 classes (use --class-weight balanced)"
}

@test "bad input: one class, 10,000 distinct labels, an empty label, a valid class unknown to training" {
    assert_class_label_guards --model logreg
    printf 'id,a,b,c,intent\nv1,0.1,0.2,0.3,billing\nv2,0.2,0.3,0.4,warranty\n' > valid.csv
    run --separate-stderr rs-train --model logreg --label intent -i "$fx/train.csv" --valid valid.csv -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: valid.csv:3: column intent: 'warranty' is not a class of the training data"
    test ! -e m.rsm
}

@test "usage: --proba and --top need a class model, --threshold a 0/1 one; --top in 1..K" {
    printf 'a,y\n0,0\n1,1\n2,1\n0.5,0\n' > bin.csv
    rs-train --model logreg --label y -i bin.csv -o bin.rsm -q
    run --separate-stderr rs-predict -m bin.rsm -i bin.csv --proba
    assert_failure 2
    assert_stderr --partial "--proba is for a model of a class label (this one writes one score)"
    run --separate-stderr rs-predict -m bin.rsm -i bin.csv --top 2
    assert_failure 2
    assert_stderr --partial "--top is for a model of a class label (this one writes one score)"
    rs-train --model logreg --label intent -i "$fx/train.csv" -o m.rsm -q
    run --separate-stderr rs-predict -m m.rsm -i "$fx/test.csv" --threshold 0.5
    assert_failure 2
    assert_stderr --partial "--threshold is for a 0/1 label; this model has 4 classes (it writes the most probable one)"
    run --separate-stderr rs-predict -m m.rsm -i "$fx/test.csv" --top 5
    assert_failure 2
    assert_stderr --partial "--top 5: the model has 4 classes"
    run --separate-stderr rs-predict -m m.rsm -i "$fx/test.csv" --top 0
    assert_failure 2
    assert_stderr --partial "invalid --top '0' (expected an integer 1..1000)"
    run --separate-stderr rs-predict -m m.rsm -i "$fx/test.csv" --top 1.5
    assert_failure 2
    assert_stderr --partial "invalid --top '1.5' (expected an integer 1..1000)"
}

@test "linreg keeps numeric labels: a class name is not a number" {
    run --separate-stderr rs-train --model linreg --label intent -i "$fx/train.csv" -o m.rsm
    assert_failure 1
    assert_stderr --partial "train.csv:2: column intent: 'returns' is not a number (or true/false); class labels need logreg, mlp, or gbdt with --loss softmax"
}

@test "gbdt without --loss softmax reads numbers: a class name says which option takes classes" {
    run --separate-stderr rs-train --model gbdt --label intent -i "$fx/train.csv" -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: $fx/train.csv:2: column intent: 'returns' is not a number (or true/false); class labels need logreg, mlp, or gbdt with --loss softmax"
}
