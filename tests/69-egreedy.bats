#!/usr/bin/env bats
# rs-train --model egreedy: epsilon-greedy over a reward model per action
# (any wrappable kind).  Its greedy action is the argmax of the per-action
# models fitted by hand; its probabilities are (1 - eps) [greedy] + eps / K,
# which rs-eval policy --model reads; trained from uniform logs it earns far
# more than the logging policy (scripts/gen-bandit's truth); bad input.

setup_file() {
    cd "$BATS_FILE_TMPDIR"
    root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
    "$root/scripts/gen-bandit" --logging uniform --actions 3 --features 3 --rows 3000 --seed 5 > logs3.csv
    "$root/scripts/gen-bandit" --logging uniform --rows 20000 --seed 11 > uniform.csv
    "$root/scripts/gen-bandit" --rows 20000 --seed 99 | cut -d, -f1-10 > contexts.csv
}

setup() {
    load test_helper/common-setup
    _common_setup
    root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
    cp "$BATS_FILE_TMPDIR"/*.csv .
}

# Each row's greedy action by hand: linreg of reward on x1..x3 per action,
# fitted on that action's rows, then the argmax (lowest on ties).
by_hand() { # input.csv > greedy.csv (row,greedy)
    for a in 0 1 2; do
        awk -F, -v a="$a" 'NR == 1 || $4 == a' logs3.csv > "arm$a.csv"
        rs-train --model linreg --label reward --features x1,x2,x3 -i "arm$a.csv" -o "arm$a.rsm" -q
        rs-predict -m "arm$a.rsm" -i "$1" | cut -d, -f2 > "r$a.txt"
    done
    paste -d, r0.txt r1.txt r2.txt | awk -F, 'NR == 1 { print "row,greedy"; next }
        { b = 0; if ($2 > $(b + 1)) b = 1; if ($3 > $(b + 1)) b = 2; print NR - 1 "," b }'
}

@test "egreedy --epsilon 0: each row's action is the argmax of per-action linreg models fitted by hand" {
    rs-train --model egreedy --inner linreg --epsilon 0 --label reward --features x1,x2,x3 -i logs3.csv -o e.rsm -q
    rs-predict -m e.rsm -i logs3.csv > chosen.csv
    by_hand logs3.csv > greedy.csv
    run head -1 chosen.csv
    assert_output "row,action,propensity"
    run cut -d, -f3 chosen.csv
    refute_line --regexp '^(0|0\.[0-9]+)$'
    cmp <(cut -d, -f1,2 chosen.csv | tail -n +2) <(tail -n +2 greedy.csv)
    [ "$(cut -d, -f2 greedy.csv | sort -u | wc -l)" -ge 3 ]
}

@test "egreedy --epsilon 0.3: propensities (1 - eps) [greedy] + eps / K, and rs-eval policy --model reads them" {
    rs-train --model egreedy --inner linreg --epsilon 0.3 --label reward --features x1,x2,x3 -i logs3.csv -o e.rsm -q
    rs-predict -m e.rsm -i logs3.csv --seed 4 > chosen.csv
    by_hand logs3.csv > greedy.csv
    # greedy rows: 0.7 + 0.1; the others: 0.1
    paste -d, chosen.csv greedy.csv | awk -F, 'NR > 1 { p = ($2 == $5) ? 0.8 : 0.1; d = $3 - p
        if (d > 1e-6 || d < -1e-6) { print "row " $1 ": " $3 " != " p; bad = 1 } if ($2 != $5) off++ }
        END { print "off", off; exit bad }' > check.txt
    # about eps (K - 1) / K = 20 % of the 3000 rows leave the greedy action
    run awk '$1 == "off" { exit !($2 >= 480 && $2 <= 720) }' check.txt
    assert_success
    paste -d, logs3.csv greedy.csv | awk -F, 'NR == 1 { print $0 ",t"; next } { print $0 "," (($4 == $8) ? 0.8 : 0.1) }' > withp.csv
    rs-eval policy -i withp.csv --model e.rsm --csv --seed 1 > model.csv
    rs-eval policy -i withp.csv --target-prob t --csv --seed 1 > given.csv
    for m in ips snips ips_clipped; do
        a=$(awk -F, -v m="$m" '$2 == m { print $3 }' model.csv)
        b=$(awk -F, -v m="$m" '$2 == m { print $3 }' given.csv)
        awk -v a="$a" -v b="$b" 'BEGIN { d = a - b; exit !(a != "" && d < 1e-9 && d > -1e-9) }'
    done
}

@test "egreedy over logreg, trained on uniform logs: its true value is far above the logging policy's" {
    rs-train --model egreedy --epsilon 0 --label reward --features x1,x2,x3,x4,x5,x6,x7,x8,x9,x10 -i uniform.csv -o e.rsm -q
    rs-predict -m e.rsm -i contexts.csv --keep x1,x2,x3,x4,x5,x6,x7,x8,x9,x10 > chosen.csv
    value=$("$root/scripts/gen-bandit" --choices chosen.csv)
    uniform=$("$root/scripts/gen-bandit" --value uniform)
    best=$("$root/scripts/gen-bandit" --value best)
    echo "egreedy $value, uniform $uniform, best $best"
    awk -v v="$value" -v u="$uniform" -v b="$best" 'BEGIN { exit !(v >= 1.5 * u && v >= 0.85 * b) }'
}

@test "egreedy: the model holds one reward model per action; the same choices for a seed and any -j" {
    rs-train --model egreedy --inner gbdt --inner-options '--trees 5' --label reward --features x1,x2,x3 \
        -i logs3.csv -o g.rsm -q
    run rs-predict --describe g.rsm
    assert_line "n_actions 3"
    assert_line "epsilon 0.1"
    assert_line "inner gbdt"
    assert_line "action.0.kind gbdt"
    assert_line "action.2.n_trees 5"
    rs-predict -m g.rsm -i logs3.csv --seed 9 -j 1 > a.csv
    rs-predict -m g.rsm -i logs3.csv --seed 9 -j 2 > b.csv
    cmp a.csv b.csv
    rs-predict -m g.rsm -i logs3.csv --seed 10 > c.csv
    run cmp -s a.csv c.csv
    assert_failure
}

@test "egreedy: bad input — an action that is not an integer, an action never logged, a reward model that cannot fit" {
    awk -F, 'BEGIN { OFS = "," } NR == 3 { $4 = 1.5 } { print }' logs3.csv > frac.csv
    run --separate-stderr rs-train --model egreedy --label reward --features x1,x2,x3 -i frac.csv -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: frac.csv: data row 2: action 1.5 is not an integer 0..999 (policies number actions from 0)"
    awk -F, 'NR == 1 || $4 != 1' logs3.csv > gap.csv
    run --separate-stderr rs-train --model egreedy --label reward --features x1,x2,x3 -i gap.csv -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: gap.csv: action 1 was never logged: egreedy fits a reward model per action 0..2"
    awk -F, 'BEGIN { OFS = "," } NR > 1 && $4 == 2 { $5 = 0 } { print }' logs3.csv > noclick.csv
    run --separate-stderr rs-train --model egreedy --label reward --features x1,x2,x3 -i noclick.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "rs-train: noclick.csv:"
    run --separate-stderr rs-train --model egreedy --inner mlp --label reward -i logs3.csv -o m.rsm
    assert_failure 2
    run --separate-stderr rs-train --model egreedy --epsilon 2 --label reward -i logs3.csv -o m.rsm
    assert_failure 2
    run --separate-stderr rs-train --model egreedy --label reward --features x1,x2,x3 -i logs3.csv --valid logs3.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--valid is not for --model egreedy"
    [ ! -e m.rsm ]
}
