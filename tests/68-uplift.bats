#!/usr/bin/env bats
# rs-train --model uplift: the two-model learner equals the difference of
# two logreg models fitted on each arm; the X-learner equals its second
# stage rebuilt from rs-train and rs-predict; on scripts/gen-uplift's
# simulated test (known per-row effects) its Qini is at least 80 % of the
# oracle's; the model file holds the inner models; bad input.

setup_file() {
    cd "$BATS_FILE_TMPDIR"
    root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
    "$root/scripts/gen-uplift" --rows 4000 --seed 1 > small.csv
    "$root/scripts/gen-uplift" --rows 20000 --seed 11 > train.csv
    "$root/scripts/gen-uplift" --rows 20000 --seed 12 > test.csv
}

setup() {
    load test_helper/common-setup
    _common_setup
    cp "$BATS_FILE_TMPDIR"/*.csv .
    F=x1,x2,x3,x4,x5,x6
    awk -F, 'NR == 1 || $7 == 0' small.csv > control.csv
    awk -F, 'NR == 1 || $7 == 1' small.csv > treated.csv
}

# The largest |a - b| over the score columns of two rs-predict outputs.
max_diff() { # a.csv b.csv
    paste -d, "$1" "$2" | awk -F, 'NR > 1 { d = $2 - $4; if (d < 0) d = -d; if (d > m) m = d } END { printf "%.3g\n", m }'
}

# Succeeds when a <= b.
at_most() { # a b
    awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'
}

@test "uplift two-model: the effect is logreg on the treated minus logreg on the control" {
    rs-train --model uplift --label outcome --features "$F" -i small.csv -o u.rsm -q
    rs-train --model logreg --label outcome --features "$F" -i control.csv -o c.rsm -q
    rs-train --model logreg --label outcome --features "$F" -i treated.csv -o t.rsm -q
    rs-predict -m u.rsm -i test.csv > u.csv
    paste -d, <(rs-predict -m t.rsm -i test.csv) <(rs-predict -m c.rsm -i test.csv | cut -d, -f2) |
        awk -F, 'NR == 1 { print "row,score"; next } { printf "%d,%.9g\n", $1, $2 - $3 }' > expected.csv
    run head -1 u.csv
    assert_output "row,score"
    [ "$(wc -l < u.csv)" -eq 20001 ]
    at_most "$(max_diff u.csv expected.csv)" 1e-6
}

@test "uplift: rs-predict --outcomes writes each arm's model's prediction; other kinds refuse it" {
    rs-train --model uplift --learner x --label outcome --features "$F" -i small.csv -o u.rsm -q
    rs-train --model logreg --label outcome --features "$F" -i control.csv -o c.rsm -q
    rs-train --model logreg --label outcome --features "$F" -i treated.csv -o t.rsm -q
    rs-predict -m u.rsm -i test.csv --outcomes --keep treatment > o.csv
    run head -1 o.csv
    assert_output "row,score,outcome_control,outcome_treated,treatment"
    cut -d, -f1,3 o.csv > control_col.csv
    cut -d, -f1,4 o.csv > treated_col.csv
    at_most "$(max_diff control_col.csv <(rs-predict -m c.rsm -i test.csv))" 1e-7
    at_most "$(max_diff treated_col.csv <(rs-predict -m t.rsm -i test.csv))" 1e-7
    cmp <(cut -d, -f1,2 o.csv) <(rs-predict -m u.rsm -i test.csv)
    run --separate-stderr rs-predict -m c.rsm -i test.csv --outcomes
    assert_failure 2
    assert_stderr --partial "--outcomes: a logreg model does not predict outcomes with and without a treatment"
}

# X-learner by hand: D = y - mu0(x) on the treated, mu1(x) - y on the
# control; linreg (--l2 1, logreg's) of D on each arm: tau1, tau0; then
# tau = g tau0 + (1 - g) tau1 with g the treated share.
@test "uplift X-learner: the effect equals its second stage rebuilt from logreg, linreg and awk" {
    rs-train --model uplift --learner x --label outcome --features "$F" -i small.csv -o x.rsm -q
    rs-train --model logreg --label outcome --features "$F" -i control.csv -o c.rsm -q
    rs-train --model logreg --label outcome --features "$F" -i treated.csv -o t.rsm -q
    rs-predict -m c.rsm -i treated.csv --keep "$F,outcome" |
        awk -F, 'NR == 1 { print "x1,x2,x3,x4,x5,x6,d"; next } { print $3","$4","$5","$6","$7","$8","($9 - $2) }' > d1.csv
    rs-predict -m t.rsm -i control.csv --keep "$F,outcome" |
        awk -F, 'NR == 1 { print "x1,x2,x3,x4,x5,x6,d"; next } { print $3","$4","$5","$6","$7","$8","($2 - $9) }' > d0.csv
    rs-train --model linreg --l2 1 --label d -i d1.csv -o tau1.rsm -q
    rs-train --model linreg --l2 1 --label d -i d0.csv -o tau0.rsm -q
    g=$(awk -F, 'NR > 1 { n++; t += $7 } END { printf "%.17g", t / n }' small.csv)
    run rs-predict --describe x.rsm
    assert_line --regexp "^treated_share 0[.][0-9]+$"
    awk -v b="$(rs-predict --describe x.rsm | awk '$1 == "treated_share" { print $2 }')" -v g="$g" \
        'BEGIN { d = b - g; exit !(d < 1e-15 && d > -1e-15) }'
    paste -d, <(rs-predict -m tau0.rsm -i test.csv) <(rs-predict -m tau1.rsm -i test.csv | cut -d, -f2) |
        awk -F, -v g="$g" 'NR == 1 { print "row,score"; next } { printf "%d,%.9g\n", $1, g * $2 + (1 - g) * $3 }' > expected.csv
    rs-predict -m x.rsm -i test.csv > x.csv
    at_most "$(max_diff x.csv expected.csv)" 1e-5
}

@test "uplift: the model file holds both outcome models (and the X-learner's effect models)" {
    rs-train --model uplift --label outcome --features "$F" -i small.csv -o u.rsm -q
    run rs-predict --describe u.rsm
    assert_line "kind uplift"
    assert_line "control.kind logreg"
    assert_line "treated.kind logreg"
    assert_line "learner two-model"
    assert_line "inner logreg"
    assert_line "treatment treatment"
    assert_line "n_treated $(awk -F, 'NR > 1 { t += $7 } END { print t }' small.csv)"
    assert_line "tensor control.weights 1x6"
    assert_line "tensor treated.weights 1x6"
    refute_line --partial "effect_"
    rs-train --model uplift --learner x --inner gbdt --inner-options '--trees 7 --lr 0.2' --label outcome \
        --features "$F" -i small.csv -o g.rsm -q
    run rs-predict --describe g.rsm
    assert_line "control.kind gbdt"
    assert_line "control.n_trees 7"
    assert_line "effect_treated.kind gbdt"
    assert_line "effect_treated.loss squared"
    assert_line "treated.loss bce"
}

@test "uplift: the Qini of every learner is at least 80 % of the oracle's (ranking by the true effect)" {
    rs-eval uplift -i test.csv --score effect --csv > oracle.csv
    oracle=$(awk -F, '$2 == "qini" { print $3 }' oracle.csv)
    at_most 0.2 "$oracle"
    for setting in "two-model logreg" "x logreg" "two-model gbdt" "x gbdt"; do
        read -r learner inner <<< "$setting"
        rs-train --model uplift --learner "$learner" --inner "$inner" --inner-options "$([ "$inner" = gbdt ] &&
            echo '--trees 100 --lr 0.1' || echo '--l2 1')" --label outcome --features "$F" -i train.csv -o m.rsm -q
        rs-predict -m m.rsm -i test.csv --keep treatment,outcome > scored.csv
        qini=$(rs-eval uplift -i scored.csv --csv | awk -F, '$2 == "qini" { print $3 }')
        echo "$setting: qini $qini, oracle $oracle"
        awk -v q="$qini" -v o="$oracle" 'BEGIN { exit !(q >= 0.8 * o) }'
    done
}

@test "uplift: the same bytes for the same input, seed and -j; the treatment is never a feature" {
    rs-train --model uplift --inner gbdt --inner-options '--trees 5' --label outcome --features "$F" \
        -i small.csv -o a.rsm -q -j 2 --seed 3
    rs-train --model uplift --inner gbdt --inner-options '--trees 5' --label outcome --features "$F" \
        -i small.csv -o b.rsm -q -j 2 --seed 3
    cmp a.rsm b.rsm
    cut -d, -f1-8 small.csv > plain.csv
    rs-train --model uplift --label outcome -i plain.csv -o p.rsm -q
    run rs-predict --describe p.rsm
    assert_line "n_features 6"
    refute_line "feature treatment"
}

@test "uplift: bad input — treatment not 0/1, one arm, an outcome that is not a number, a missing column" {
    awk -F, 'BEGIN { OFS = "," } NR == 5 { $7 = 2 } { print }' small.csv > t2.csv
    run --separate-stderr rs-train --model uplift --label outcome --features "$F" -i t2.csv -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: t2.csv: data row 4: treatment 2 is not 0 or 1"
    run --separate-stderr rs-train --model uplift --label outcome --features "$F" -i treated.csv -o m.rsm
    assert_failure 1
    assert_stderr --regexp "uplift needs treated \(1\) and control \(0\) rows: found [0-9]+ treated and 0 control$"
    awk -F, 'BEGIN { OFS = "," } NR == 3 { $8 = "maybe" } { print }' small.csv > y.csv
    run --separate-stderr rs-train --model uplift --label outcome --features "$F" -i y.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "y.csv:3:"
    run --separate-stderr rs-train --model uplift --treatment coupon --label outcome --features "$F" -i small.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "coupon"
    [ ! -e m.rsm ]
}

@test "uplift: usage errors — an inner kind it cannot hold, inner options of another kind, --valid" {
    run --separate-stderr rs-train --model uplift --inner mlp --label outcome -i small.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--inner"
    run --separate-stderr rs-train --model uplift --inner-options '--trees 5' --label outcome -i small.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--trees is not an option of --model logreg"
    run --separate-stderr rs-train --model uplift --inner-options 'l2 5' --label outcome -i small.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--inner-options: 'l2' is not a long option"
    run --separate-stderr rs-train --model uplift --inner-options '--l2' --label outcome -i small.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--inner-options: --l2 needs a value"
    run --separate-stderr rs-train --model uplift --learner s --label outcome -i small.csv -o m.rsm
    assert_failure 2
    run --separate-stderr rs-train --model uplift --label outcome --features "$F" -i small.csv --valid test.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--valid is not for --model uplift"
    run --separate-stderr rs-train --model logreg --treatment t --label outcome -i small.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--treatment is not an option of --model logreg"
    [ ! -e m.rsm ]
}
