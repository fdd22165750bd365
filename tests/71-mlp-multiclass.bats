#!/usr/bin/env bats
# mlp on a class label: a softmax output layer with cross-entropy (the
# gradients against finite differences are in tests/unit/test_mlp.c), the
# class handling, model keys and rs-predict output logreg and gbdt share,
# early stopping on the validation log loss, scikit-learn's MLPClassifier
# on a generated 5-class problem (tests/fixtures/gbdt-softmax/sklearn-mlp.txt,
# from scripts/mlp-softmax-reference), determinism and bad input.

setup() {
    load test_helper/common-setup
    _common_setup
    fixture=$BATS_TEST_DIRNAME/fixtures/gbdt-softmax
}

# Three clusters around (0,0), (4,0) and (0,4), each point within 1 of its
# centre: separable by two lines.  $1 rows, seed $2.
make_clusters() { # rows seed
    awk -v n="$1" -v seed="$2" 'BEGIN { srand(seed); print "id,x1,x2,zone"
        split("centre east north", name, " "); cx[1] = 0; cy[1] = 0; cx[2] = 4; cy[2] = 0; cx[3] = 0; cy[3] = 4
        for (i = 1; i <= n; i++) { c = 1 + (i % 3)
            printf "p%d,%.4f,%.4f,%s\n", i, cx[c] + 2 * rand() - 1, cy[c] + 2 * rand() - 1, name[c] } }'
}

metric() { awk -v m="$1" '$1 == m { print $2 }' "$2"; }

@test "a separable 3-class problem: accuracy 1 on new rows; the probabilities sum to 1; the class is the most probable" {
    make_clusters 300 1 > train.csv
    make_clusters 150 2 > test.csv
    run --separate-stderr rs-train --model mlp --hidden 8 --lr 0.01 --epochs 60 --batch 32 --label zone -i train.csv -o m.rsm
    assert_success
    assert_stderr --regexp '^rs-train: mlp: 300 rows x 2 features, 60 epochs, 3 classes \[label=zone id=id\]'
    rs-predict -m m.rsm -i test.csv --proba --keep zone > p.csv
    run head -1 p.csv
    assert_output "id,class,probability,proba_centre,proba_east,proba_north,zone"
    run awk -F, 'NR > 1 { n++; ok += $2 == $7 } END { print n, ok }' p.csv
    assert_output "150 150"
    run awk -F, 'NR > 1 { s = $4 + $5 + $6; if (s < 0.999999 || s > 1.000001) bad++
        top = $4 > $5 ? ($4 > $6 ? $4 : $6) : ($5 > $6 ? $5 : $6); if ($3 != top) bad++ } END { print bad + 0 }' p.csv
    assert_output 0
    rs-eval class -i p.csv --truth-col zone > e.txt
    run metric accuracy e.txt
    assert_output 1.0
}

@test "the model: loss softmax, the classes, one output unit per class; --describe shows them" {
    make_clusters 90 1 > train.csv
    rs-train -q --model mlp --hidden 4 --epochs 2 --label zone -i train.csv -o m.rsm
    run rs-predict --describe m.rsm
    assert_line "loss softmax"
    assert_line "n_classes 3"
    assert_line "hidden 4"
    assert_line "tensor layer2_weight 4x3"
    assert_line "tensor layer2_bias 1x3"
}

@test "integer classes (more than two values) are classes, ordered by value; --loss squared keeps the number" {
    awk 'BEGIN { srand(4); print "x,stars"; for (i = 1; i <= 120; i++) { s = 1 + i % 5
        printf "%.3f,%d\n", s + 0.4 * rand(), s } }' > stars.csv
    rs-train -q --model mlp --hidden 8 --lr 0.02 --epochs 80 --batch 20 --label stars -i stars.csv -o c.rsm
    printf 'x\n3.2\n' | rs-predict -m c.rsm --proba > p.csv
    run head -1 p.csv
    assert_output "row,class,probability,proba_1,proba_2,proba_3,proba_4,proba_5"
    run cut -d, -f2 p.csv
    assert_line 3
    rs-train -q --model mlp --loss squared --hidden 8 --lr 0.02 --epochs 80 --batch 20 --label stars -i stars.csv -o r.rsm
    run rs-predict --describe r.rsm
    assert_line "loss squared"
    refute_line --partial "n_classes"
    printf 'x\n3.2\n' | rs-predict -m r.rsm > r.csv
    run head -1 r.csv
    assert_output "row,score"
}

@test "rs-predict --top 2 and --proba on an mlp model: the second class is the second most probable" {
    rs-train -q --model mlp --epochs 5 --label label -i "$fixture/train.csv" -o m.rsm
    rs-predict -m m.rsm -i "$fixture/test.csv" --top 2 --proba > t.csv
    run head -1 t.csv
    assert_output "row,class,probability,class_2,probability_2,proba_alpha,proba_beta,proba_delta,proba_eps,proba_gamma"
    run awk -F, 'NR > 1 { split("alpha beta delta eps gamma", n, " "); best = 0; second = 0
        for (j = 6; j <= 10; j++) if ($j > best) { second = best; s = k; best = $j; k = n[j - 5] }
            else if ($j > second) { second = $j; s = n[j - 5] }
        if ($2 != k || $4 != s || $3 != best || $5 != second) bad++ } END { print NR - 1, bad + 0 }' t.csv
    assert_output "1000 0"
}

@test "a generated 5-class problem: accuracy and log loss as scikit-learn's MLPClassifier with the same network" {
    # scikit-learn (16 relu units, Adam 0.001, batches of 200, 200 epochs, alpha 0, z-scored inputs; mean of
    # three seeds): accuracy 0.6027, log loss 1.0024
    rs-train -q --model mlp --hidden 16 --epochs 200 --batch 200 --seed 1 --label label -i "$fixture/train.csv" -o m.rsm
    rs-predict -m m.rsm -i "$fixture/test.csv" --keep label --proba > p.csv
    rs-eval class --truth-col label -i p.csv > e.txt
    acc=$(metric accuracy e.txt)
    loss=$(metric log_loss e.txt)
    sk_acc=$(metric accuracy "$fixture/sklearn-mlp.txt")
    sk_loss=$(metric log_loss "$fixture/sklearn-mlp.txt")
    run awk -v a="$acc" -v s="$sk_acc" 'BEGIN { print (a >= s - 0.02) ? "ok" : "accuracy " a " < " s " - 0.02" }'
    assert_output ok
    run awk -v l="$loss" -v s="$sk_loss" 'BEGIN { print (l <= s + 0.02) ? "ok" : "log loss " l " > " s " + 0.02" }'
    assert_output ok
}

@test "rs-eval class on the output: accuracy and log loss equal the ones computed by hand from the columns" {
    rs-train -q --model mlp --epochs 10 --label label -i "$fixture/train.csv" -o m.rsm
    rs-predict -m m.rsm -i "$fixture/test.csv" --keep label --proba > p.csv
    rs-eval class --truth-col label -i p.csv > e.txt
    # by hand: the share of rows whose class is the truth; the mean of -log proba_<truth>
    read -r acc loss < <(awk -F, 'NR == 1 { for (j = 1; j <= NF; j++) col[$j] = j; next }
        { n++; ok += $2 == $NF; l -= log($(col["proba_" $NF])) } END { printf "%.6f %.6f\n", ok / n, l / n }' p.csv)
    run awk -v a="$(metric accuracy e.txt)" -v b="$acc" 'BEGIN { printf "%.6f\n", a - b }'
    assert_output "0.000000"
    run awk -v a="$(metric log_loss e.txt)" -v b="$loss" 'BEGIN { d = a - b; print (d < 1e-5 && d > -1e-5) ? "equal" : d }'
    assert_output equal
}

@test "--valid: the validation log loss and accuracy per epoch; the model keeps the epoch of the lowest loss" {
    head -1501 "$fixture/train.csv" > tr.csv
    { head -1 "$fixture/train.csv"; tail -n 500 "$fixture/train.csv"; } > va.csv
    run --separate-stderr rs-train -v --model mlp --hidden 32 --lr 0.03 --epochs 60 --patience 4 --label label \
        --valid va.csv -i tr.csv -o m.rsm
    assert_success
    assert_stderr --regexp 'rs-train: epoch 1 train_loss [0-9.]+ valid_loss [0-9.]+ valid_accuracy 0\.[0-9]+'
    assert_stderr --partial "early stop: no better valid_loss for 4 epochs"
    # the kept epoch is the one of the lowest printed valid_loss, and the model records both
    read -r best_epoch best_loss < <(grep -o 'epoch [0-9]* train_loss [^ ]* valid_loss [^ ]*' <<< "$stderr" |
        sort -k6,6g | head -1 | awk '{ print $2, $6 }')
    run rs-predict --describe m.rsm
    assert_line "best_epoch $best_epoch"
    vl=$(awk '$1 == "valid_loss" { print $2 }' <<< "$output")
    run awk -v a="$vl" -v b="$best_loss" 'BEGIN { d = a - b; print (d < 1e-5 * a && d > -1e-5 * a) ? "same" : a " " b }'
    assert_output same
    # the recorded valid_loss is the validation file's log loss under the kept network
    rs-predict -m m.rsm -i va.csv --keep label --proba > pv.csv
    rs-eval class --truth-col label -i pv.csv > ev.txt
    run awk -v a="$(metric log_loss ev.txt)" -v b="$vl" 'BEGIN { d = a - b; print (d < 1e-5 && d > -1e-5) ? "same" : a " " b }'
    assert_output same
}

@test "a class absent from --valid: training uses every class, validation the ones it has" {
    make_clusters 300 1 > train.csv
    make_clusters 60 2 | grep -v ',north$' > valid.csv
    run --separate-stderr rs-train -v --model mlp --hidden 8 --lr 0.01 --epochs 30 --batch 32 --label zone \
        --valid valid.csv -i train.csv -o m.rsm
    assert_success
    assert_stderr --partial ", 3 classes [label=zone id=id]"
    run rs-predict --describe m.rsm
    assert_line "n_classes 3"
    assert_line --regexp '^valid_loss 0\.[0-9]+'
    rs-predict -m m.rsm -i train.csv --proba > p.csv
    run head -1 p.csv
    assert_output "id,class,probability,proba_centre,proba_east,proba_north"
    # north is still predicted for the training rows that are north
    run awk -F, 'NR > 1 && $2 == "north" { n++ } END { print n }' p.csv
    assert_output 100
}

@test "works with --scaling quantile and dropout; the same seed and -j give the same bytes; -j 1 and -j 2 agree" {
    make_clusters 300 1 > train.csv
    rs-train -q --model mlp --scaling quantile --dropout 0.2 --hidden 16 --lr 0.02 --epochs 150 --batch 32 --label zone \
        -i train.csv -o q.rsm
    run rs-predict --describe q.rsm
    assert_line "scaling quantile"
    assert_line "loss softmax"
    rs-predict -m q.rsm -i train.csv --keep zone > q.csv
    run awk -F, 'NR > 1 { n++; ok += $2 == $4 } END { print n, ok }' q.csv
    assert_output "300 300"
    # a network large enough to split each mini-batch over the threads (batch x parameters >= 2^21)
    big=(--model mlp --hidden 256,64 --batch 128 --epochs 2 --label label -i "$fixture/train.csv")
    for j in 1 2; do
        rs-train -q "${big[@]}" --dropout 0.1 --seed 3 -j $j -o a$j.rsm
        rs-train -q "${big[@]}" --dropout 0.1 --seed 3 -j $j -o b$j.rsm
        cmp a$j.rsm b$j.rsm
    done
    rs-train -q "${big[@]}" --dropout 0.1 --seed 4 -j 2 -o c2.rsm
    run cmp -s a2.rsm c2.rsm
    assert_failure
    # without dropout (whose masks are drawn per thread slice) -j 1 and -j 2 differ by float rounding only
    for j in 1 2; do
        rs-train -q "${big[@]}" -j $j -o n$j.rsm
        rs-predict -m n$j.rsm -i "$fixture/test.csv" --proba > p$j.csv
    done
    run awk -F, 'NR == FNR { for (j = 4; j <= NF; j++) v[FNR, j] = $j; next }
        FNR > 1 { for (j = 4; j <= NF; j++) { d = $j - v[FNR, j]; if (d > 1e-4 || d < -1e-4) bad++ } } END { print bad + 0 }' p1.csv p2.csv
    assert_output 0
}

@test "bad input: one class, 10,000 labels, an empty label, softmax on 0/1 or fractions, bce on classes, an unknown valid class" {
    assert_class_label_guards --model mlp
    printf 'a,y\n1,3\n2,3\n3,3\n' > three.csv
    run --separate-stderr rs-train --model mlp --label y -i three.csv -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: three.csv: the label has one class (every one of the 3 rows is '3'): nothing to learn"
    printf 'a,y\n1,0\n2,1\n3,0\n4,1\n' > bin.csv
    run --separate-stderr rs-train --model mlp --loss softmax --label y -i bin.csv -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: bin.csv: --loss softmax needs a class label (this one is 0/1: use --loss bce)"
    printf 'a,y\n1,0.5\n2,1.5\n3,2\n' > frac.csv
    run --separate-stderr rs-train --model mlp --loss softmax --label y -i frac.csv -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: frac.csv: --loss softmax needs a class label (this one is a number with a fraction: use --loss squared)"
    make_clusters 30 1 > train.csv
    run --separate-stderr rs-train --model mlp --loss bce --label zone -i train.csv -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: train.csv:2: column zone: 'east' is not a number (or true/false); class labels need logreg, mlp, or gbdt with --loss softmax"
    printf 'id,x1,x2,zone\nv1,0,0,centre\nv2,4,4,south\n' > valid.csv
    run --separate-stderr rs-train --model mlp --label zone -i train.csv --valid valid.csv -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: valid.csv:3: column zone: 'south' is not a class of the training data"
    run --separate-stderr rs-train --model mlp --loss hinge --label zone -i train.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "invalid --loss 'hinge'"
    run test -e m.rsm
    assert_failure
}

@test "rs-tune does not search an mlp on a class label, and says so" {
    make_clusters 60 1 > train.csv
    run --separate-stderr rs-tune --model mlp --label zone --budget 2 -i train.csv -o m.rsm
    assert_failure 1
    assert_stderr --regexp "^rs-tune: train.csv: --metric logloss needs a 0/1 label; zone has the value [a-z]+ \(rs-tune does not search class-label models\)$"
}
