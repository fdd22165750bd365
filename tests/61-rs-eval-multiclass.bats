#!/usr/bin/env bats
# rs-eval class over many classes: agreement with scikit-learn on 400 random
# cases (a committed fixture, tests/fixtures/eval-multiclass), hand-computed
# cases, the confusion matrix and heat map, and bad input.

setup() {
    load test_helper/common-setup
    _common_setup
    fixture=$BATS_TEST_DIRNAME/fixtures/eval-multiclass
    # truth a b c a b, predicted a a c b b:
    #   a: support 2, predicted 2, tp 1 -> P = R = F = .5; b likewise; c: 1 1 1 -> 1
    #   accuracy 3/5; macro P = R = F = (.5 + .5 + 1) / 3; weighted (2 .5 + 2 .5 + 1) / 5 = .6
    #   log loss: -(ln .7 + ln .4 + ln .8 + ln .3 + ln .7) / 5 = 0.61135139507835...
    #   top-2: every true class is among the two most probable; top-1: rows 2 and 4 miss
    printf 'y,class,proba_a,proba_b,proba_c,seg\na,a,0.7,0.2,0.1,x\nb,a,0.5,0.4,0.1,x\nc,c,0.1,0.1,0.8,y\na,b,0.3,0.6,0.1,y\nb,b,0.2,0.7,0.1,y\n' > t.csv
}

@test "every metric equals scikit-learn's within 1e-9 on 400 random cases (fixture from scripts/eval-multiclass-cases)" {
    # accuracy, top-1/3/5, macro/micro/weighted P/R/F1, per-class P/R/F1 and support, log loss and every
    # non-zero confusion cell, per case (--by) and for all rows; classes absent from the predictions and
    # from the truth, one-class cases, a true class without a probability column, ties at top-k
    run --separate-stderr "$BATS_TEST_DIRNAME/helpers/multiclass_check.sh" "$fixture" 1e-9
    assert_success
    assert_line --regexp '^expected-str\.csv: 3216 values checked, max \|diff\| [0-9.e-]+$'
    assert_line --regexp '^expected-str-class\.csv: 5904 values checked, '
    assert_line --regexp '^expected-str-pairs\.csv: 1233 values checked, max \|diff\| 0$'
    assert_line --regexp '^expected-int\.csv: 3216 values checked, '
    assert_line --regexp '^expected-int-class\.csv: 5796 values checked, '
    assert_line --regexp '^expected-int-pairs\.csv: 1232 values checked, max \|diff\| 0$'
    refute_line --partial 'differs'
}

@test "the agreement check can fail: one changed expected value is reported" {
    cp -r "$fixture" fx
    sed -i '2s/^all,n,[0-9]*/all,n,1/' fx/expected-str.csv
    run --separate-stderr "$BATS_TEST_DIRNAME/helpers/multiclass_check.sh" fx 1e-9
    assert_failure 1
    assert_line --regexp '^differs: all,n column 3: 1 vs [0-9]+$'
}

@test "a hand-computed case in CSV and JSON: accuracy, averages, log loss, top-k" {
    run --separate-stderr rs-eval class -i t.csv --truth y --csv -k 2
    assert_success
    assert_line 'all,n,5'
    assert_line 'all,classes,3'
    assert_line 'all,accuracy,0.6'
    assert_line 'all,k,2'
    assert_line 'all,top_k_accuracy,1'
    assert_line 'all,precision_macro,0.6666666666666666'
    assert_line 'all,f1_macro,0.6666666666666666'
    assert_line 'all,recall_micro,0.6'
    assert_line 'all,f1_weighted,0.6'
    assert_line --regexp '^all,log_loss,0\.6113513950783[0-9]*$'
    assert_stderr ''
    run --separate-stderr rs-eval class -i t.csv --truth y --pred class -k 1 --json
    assert_output --partial '"all": {"n": 5, "classes": 3, "accuracy": 0.6, "k": 1, "top_k_accuracy": 0.6, '
    run --separate-stderr rs-eval class -i t.csv --truth y
    assert_line --regexp '^top_k_accuracy +1\.0$'
    assert_line --regexp '^k +5$'
}

@test "--by segments: labels are the union within each segment" {
    # x: truth a b, predicted a a -> labels {a, b}: P (1/2 + 0) / 2, R (1 + 0) / 2
    run --separate-stderr rs-eval class -i t.csv --truth y --by seg --csv
    assert_success
    assert_line 'x,classes,2'
    assert_line 'x,precision_macro,0.25'
    assert_line 'x,recall_macro,0.5'
    assert_line 'y,classes,3'
    assert_line 'y,accuracy,0.6666666666666666'
}

@test "top-k ties rank the class later in the sorted order first, as scikit-learn; integers sort as numbers" {
    printf 'y,class,proba_a,proba_b\na,b,0.5,0.5\nb,b,0.5,0.5\n' > tie.csv
    run --separate-stderr rs-eval class -i tie.csv --truth y -k 1 --csv
    assert_line 'all,top_k_accuracy,0.5'
    # 10 sorts after 9 as a number (before it as text): the tie goes to 10
    printf 'y,class,proba_9,proba_10\n10,9,0.5,0.5\n' > tie.csv
    run --separate-stderr rs-eval class -i tie.csv --truth y -k 1 --csv
    assert_line 'all,top_k_accuracy,1'
    printf 'y,class,proba_9,proba_10x\n10x,9,0.5,0.5\n' > tie.csv
    run --separate-stderr rs-eval class -i tie.csv --truth y -k 1 --csv
    assert_line 'all,top_k_accuracy,0'
}

@test "--per-class, --confusion and --confusion-pairs write the tables" {
    run --separate-stderr rs-eval class -i t.csv --truth y --by seg --per-class pc.csv --confusion cm.csv \
        --confusion-pairs pairs.csv -o /dev/null
    assert_success
    run cat pc.csv
    assert_line --index 0 'group,class,support,predicted,tp,precision,recall,f1'
    assert_line --index 1 'all,a,2,2,1,0.5,0.5,0.5'
    assert_line --index 3 'all,c,1,1,1,1,1,1'
    assert_line --index 4 'x,a,1,2,1,0.5,1,0.6666666666666666'
    assert_line --index 5 'x,b,1,0,0,0,0,0'
    run cat cm.csv
    assert_output "$(printf 'truth,a,b,c\na,1,1,0\nb,1,1,0\nc,0,0,1')"
    run cat pairs.csv
    assert_line --index 0 'group,truth,pred,count'
    assert_line --index 2 'all,a,b,1'
    assert_line --index 6 'x,a,a,1'
    assert_line --index 10 'y,c,c,1'
    assert_equal "$(wc -l < pairs.csv)" 11
}

@test "--plot draws the confusion matrix as an SVG heat map, one cell per non-zero count" {
    run --separate-stderr rs-eval class -i t.csv --truth y --plot heat.svg -o /dev/null
    assert_success
    run xmllint --noout heat.svg
    assert_success
    # the background, the frame and 5 non-zero cells (the diagonal a-a, b-b, c-c and a-b, b-a)
    assert_equal "$(grep -c '<rect' heat.svg)" 7
    assert_equal "$(grep -c 'fill="#0830' heat.svg)" 1
}

@test "a class present only in the predictions counts among the labels with precision, recall and F1 0" {
    printf 'y,class\na,a\nb,b\nc,d\n' > only.csv
    run --separate-stderr rs-eval class -i only.csv --truth y --csv --per-class pc.csv
    assert_success
    assert_line 'all,classes,4'
    assert_line 'all,precision_macro,0.5'
    assert_line 'all,recall_macro,0.5'
    assert_line 'all,precision_weighted,0.6666666666666666'
    run grep '^all,d,' pc.csv
    assert_output 'all,d,0,1,0,0,0,0'
}

@test "a missing or empty prediction or truth is an error naming its line" {
    printf 'y,class\na,a\nb,\n' > miss.csv
    run --separate-stderr rs-eval class -i miss.csv --truth y
    assert_failure 1
    assert_stderr "rs-eval: miss.csv:3: column class: '' is not a class (the prediction is empty)"
    printf 'y,class\n,a\n' > miss.csv
    run --separate-stderr rs-eval class -i miss.csv --truth y
    assert_failure 1
    assert_stderr "rs-eval: miss.csv:2: column y: '' is not a class (the truth is empty)"
    printf 'y,class\na\n' > short.csv
    run --separate-stderr rs-eval class -i short.csv --truth y
    assert_failure 1
    assert_stderr --partial 'short.csv:2: expected 2 fields, got 1'
}

@test "probabilities not summing to 1: a warning, and log loss divides each row by its sum (scikit-learn 1.2)" {
    # row 1: a .2 / .4 = .5; row 2: b .1 / .4 = .25 -> (ln 2 + ln 4) / 2
    printf 'y,class,proba_a,proba_b\na,a,0.2,0.2\nb,a,0.3,0.1\n' > sum.csv
    run --separate-stderr rs-eval class -i sum.csv --truth y --csv
    assert_success
    assert_line 'all,log_loss,1.0397207708399179'
    assert_stderr 'rs-eval: sum.csv:2: probabilities sum to 0.4, not 1 (2 rows like this); log loss divides each row by its sum'
    run --separate-stderr rs-eval class -q -i sum.csv --truth y --csv
    assert_stderr ''
    printf 'y,class,proba_a,proba_b\na,a,1.5,0\n' > range.csv
    run --separate-stderr rs-eval class -i range.csv --truth y
    assert_failure 1
    assert_stderr "rs-eval: range.csv:2: column proba_a: '1.5' is not a probability (a number in [0, 1])"
    printf 'y,class,proba_a,proba_b\na,a,,1\n' > range.csv
    run --separate-stderr rs-eval class -i range.csv --truth y
    assert_failure 1
    assert_stderr "rs-eval: range.csv:2: column proba_a: '' is not a probability (a number in [0, 1])"
}

@test "a true class without a probability column has probability 0 (clipped to 2^-52), with a warning" {
    printf 'y,class,proba_a,proba_b\nc,a,0.5,0.5\n' > orphan.csv
    run --separate-stderr rs-eval class -i orphan.csv --truth y --csv
    assert_success
    # -ln(2^-52 / (1 + 2^-52)) = 52 ln 2
    assert_line 'all,log_loss,36.04365338911715'
    assert_stderr "rs-eval: orphan.csv: true class 'c' has no probability column proba_c (1 class like this): its probability is 0"
}

@test "one class only: every score is 1, log loss is undefined with one probability label" {
    printf 'y,class,proba_a\na,a,1\na,a,1\n' > one.csv
    run --separate-stderr rs-eval class -i one.csv --truth y --json
    assert_success
    assert_output --partial '"all": {"n": 2, "classes": 1, "accuracy": 1, "k": 5, "top_k_accuracy": 1, "precision_macro": 1,'
    assert_output --partial '"f1_weighted": 1, "log_loss": null}'
    # --multiclass: a 0/1 truth as two classes
    printf 'y,class\n1,1\n1,0\n' > two.csv
    run --separate-stderr rs-eval class -i two.csv --truth y --multiclass --csv
    assert_line 'all,classes,2'
    assert_line 'all,recall_macro,0.25'
}

@test "10,000 distinct labels: sparse confusion pairs, a clear refusal of the dense matrix and the heat map" {
    awk 'BEGIN { print "y,class"; for (i = 0; i < 20000; i++) printf "c%d,c%d\n", i % 10000, i % 3 ? (i * 7) % 10000 : i % 10000 }' > big.csv
    run --separate-stderr rs-eval class -i big.csv --truth y --by y --csv --confusion-pairs pairs.csv --per-class pc.csv
    assert_success
    assert_line 'all,classes,10000'
    assert_line 'all,accuracy,0.33345'
    assert_equal "$(grep -c '^all,' pc.csv)" 10000
    # the distinct (truth, prediction) pairs, counted by sort -u
    assert_equal "$(grep -c '^all,' pairs.csv)" "$(tail -n +2 big.csv | sort -u | wc -l)"
    run --separate-stderr rs-eval class -i big.csv --truth y --confusion cm.csv -o out.txt
    assert_failure 1
    assert_stderr 'rs-eval: --confusion: 10000 classes would make 100000000 cells; the matrix is written for at most 1000 classes (--confusion-pairs writes the non-zero cells of any number)'
    [ ! -e out.txt ]
    run --separate-stderr rs-eval class -i big.csv --truth y --plot big.svg
    assert_failure 1
    assert_stderr 'rs-eval: --plot: 10000 classes; the heat map draws at most 200 (--confusion-pairs writes the non-zero cells of any number)'
}

@test "usage errors: --multiclass with --score, --threshold, -k without probabilities, a prefix without columns" {
    run --separate-stderr rs-eval class -i t.csv --truth y --score proba_a --multiclass
    assert_failure 2
    assert_stderr --partial 'rs-eval: --multiclass reads the predicted class (--pred) and probabilities, not --score'
    run --separate-stderr rs-eval class -i t.csv --truth y --score proba_a --per-class pc.csv
    assert_failure 2
    assert_stderr --partial 'are for rs-eval class without --score'
    run --separate-stderr rs-eval class -i t.csv --truth y --threshold 0.3
    assert_failure 2
    assert_stderr --partial '--threshold is for rs-eval class with --score (two classes)'
    run --separate-stderr rs-eval class -i t.csv --truth y -k 0
    assert_failure 2
    assert_stderr --partial "invalid -k '0' (expected 1..1000000)"
    printf 'y,class\na,a\n' > plain.csv
    run --separate-stderr rs-eval class -i plain.csv --truth y -k 3
    assert_failure 2
    assert_stderr --partial '-k needs probability columns (--proba-prefix, default proba_): plain.csv has none'
    run --separate-stderr rs-eval class -i t.csv --truth y --proba-prefix p_
    assert_failure 2
    assert_stderr --partial "no column of t.csv is named --proba-prefix 'p_' + a class"
    run --separate-stderr rs-eval class -i t.csv --truth y --pred guess
    assert_failure 2
    assert_stderr --partial "unknown column 'guess' in --pred"
    run --separate-stderr rs-eval class -i t.csv --truth y --confusion t.csv
    assert_failure 2
    assert_stderr --partial '--confusion'
}
