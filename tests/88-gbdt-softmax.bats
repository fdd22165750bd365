#!/usr/bin/env bats
# gbdt --loss softmax: one tree per class per round on a class label; the
# first round's leaves from the closed form, XGBoost's multi:softprob on a
# generated 5-class problem (reference numbers from
# scripts/gbdt-softmax-reference), rs-predict's class outputs, early
# stopping, determinism and bad input.

setup() {
    load test_helper/common-setup
    _common_setup
    fixture=$BATS_TEST_DIRNAME/fixtures/gbdt-softmax
}

# |a - b| <= tol
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }

metric() { awk -v m="$1" '$1 == m { print $2 }' "$2"; }

@test "known answer: one round without a split gives each class the closed-form leaf" {
    # 10 rows, classes a a a a a b b b c c; --min-rows 6 leaves no split, so
    # each class's tree is one leaf.  Every class starts at raw 0 (p = 1/3):
    # g_k = sum(p - [y = k]) = 10/3 - n_k, h_k = sum 2 p (1 - p) = 40/9,
    # leaf_k = -g_k / h_k = (n_k - 10/3) * 9/40: a 0.375, b -0.075, c -0.3.
    printf 'x,label\n1,a\n2,a\n3,a\n4,a\n5,a\n6,b\n7,b\n8,b\n9,c\n10,c\n' > k.csv
    rs-train -q --model gbdt --loss softmax --label label --trees 1 --lr 1 --l2 0 --subsample 1 --min-rows 6 \
        -i k.csv -o k.rsm
    rs-predict -m k.rsm -i k.csv --proba > p.csv
    run head -1 p.csv
    assert_output 'row,class,probability,proba_a,proba_b,proba_c'
    read -r pa pb pc < <(awk 'BEGIN { s = exp(0.375) + exp(-0.075) + exp(-0.3);
        printf "%.9f %.9f %.9f\n", exp(0.375) / s, exp(-0.075) / s, exp(-0.3) / s }')
    row=$(sed -n 2p p.csv)
    [ "$(cut -d, -f2 <<< "$row")" = a ]
    near "$(cut -d, -f4 <<< "$row")" "$pa" 1e-6
    near "$(cut -d, -f5 <<< "$row")" "$pb" 1e-6
    near "$(cut -d, -f6 <<< "$row")" "$pc" 1e-6
    # no split: every row scores the same
    run bash -c "tail -n +2 p.csv | cut -d, -f2- | sort -u | wc -l"
    assert_output 1
}

@test "a generated 5-class problem: accuracy and log loss as good as XGBoost's multi:softprob" {
    rs-train -q --model gbdt --loss softmax --label label --trees 100 -i "$fixture/train.csv" -o m.rsm
    rs-predict -m m.rsm -i "$fixture/test.csv" --keep label --proba > p.csv
    rs-eval class --truth-col label --multiclass -i p.csv > e.txt
    xgb_acc=$(metric accuracy "$fixture/xgboost.txt")
    xgb_loss=$(metric log_loss "$fixture/xgboost.txt")
    acc=$(metric accuracy e.txt)
    loss=$(metric log_loss e.txt)
    # XGBoost: 0.606 and 1.0100 (hist, depth 4, the same rounds, rate and subsample)
    awk -v a="$acc" -v x="$xgb_acc" 'BEGIN { exit !(a >= x - 0.01) }'
    awk -v l="$loss" -v x="$xgb_loss" 'BEGIN { exit !(l <= x + 0.015) }'
    # the probabilities of a row sum to 1 and the class is the most probable
    run awk -F, 'NR > 1 { s = 0; top = 0; for (j = 4; j <= 8; j++) { s += $j; if ($j > top) top = $j }
                          if (s < 0.999999 || s > 1.000001 || $3 != top) bad++ } END { print bad + 0 }' p.csv
    assert_output 0
}

@test "rs-predict --top 2 and the model's classes; --describe names the loss" {
    rs-train -q --model gbdt --loss softmax --label label --trees 20 -i "$fixture/train.csv" -o m.rsm
    run rs-predict --describe m.rsm
    assert_line 'loss softmax'
    assert_line 'n_classes 5'
    assert_line 'n_trees 100'
    rs-predict -m m.rsm -i "$fixture/test.csv" --top 2 > t.csv
    rs-predict -m m.rsm -i "$fixture/test.csv" --proba > p.csv
    run head -1 t.csv
    assert_output 'row,class,probability,class_2,probability_2'
    [ "$(wc -l < t.csv)" -eq 1001 ]
    # the second class is the second most probable of --proba's columns
    run bash -c "paste -d, t.csv p.csv | awk -F, 'NR > 1 { split(\"alpha beta delta eps gamma\", n, \" \");
        best = 0; second = 0; for (j = 9; j <= 13; j++) if (\$j > best) { second = best; s = k; best = \$j; k = n[j - 8] }
        else if (\$j > second) { second = \$j; s = n[j - 8] }
        if (\$2 != k || \$4 != s) bad++ } END { print bad + 0 }'"
    assert_output 0
}

@test "--valid stops early on the multiclass log loss and keeps whole rounds" {
    head -1501 "$fixture/train.csv" > tr.csv
    { head -1 "$fixture/train.csv"; tail -n 500 "$fixture/train.csv"; } > va.csv
    rs-train -q --model gbdt --loss softmax --label label --trees 2000 --lr 0.3 --patience 5 --valid va.csv \
        -i tr.csv -o m.rsm
    run rs-predict --describe m.rsm
    n_trees=$(awk '$1 == "n_trees" { print $2 }' <<< "$output")
    [ "$n_trees" -lt 10000 ]
    [ $((n_trees % 5)) -eq 0 ]
    assert_line --regexp '^valid_loss 0\.[0-9]+|^valid_loss 1\.[0-9]+'
}

@test "the same seed and -j give the same model bytes; -j 1 and -j 2 agree" {
    rs-train -q --model gbdt --loss softmax --label label --trees 30 --seed 4 -j 1 -i "$fixture/train.csv" -o a.rsm
    rs-train -q --model gbdt --loss softmax --label label --trees 30 --seed 4 -j 2 -i "$fixture/train.csv" -o b.rsm
    cmp a.rsm b.rsm
    rs-predict -m a.rsm -j 1 -i "$fixture/test.csv" --proba > a.csv
    rs-predict -m a.rsm -j 2 -i "$fixture/test.csv" --proba > b.csv
    cmp a.csv b.csv
}

@test "bad input: softmax on a 0/1 label, a class label without softmax, --explain on classes" {
    printf 'x,label\n1,0\n2,1\n3,0\n4,1\n' > b.csv
    run rs-train -q --model gbdt --loss softmax --label label -i b.csv -o m.rsm
    assert_failure
    assert_output --partial 'b.csv: --loss softmax needs a class label (this one is 0/1: use --loss bce)'
    run rs-train -q --model gbdt --label label -i "$fixture/train.csv" -o m.rsm
    assert_failure
    assert_output --partial "train.csv:2: column label: 'delta' is not a number"
    rs-train -q --model gbdt --loss softmax --label label --trees 5 -i "$fixture/train.csv" -o m.rsm
    run rs-predict -m m.rsm -i "$fixture/test.csv" --explain
    assert_failure
    assert_output --partial 'm.rsm: --explain: contributions are per score; this gbdt model has 5 classes'
}
