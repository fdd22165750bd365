#!/usr/bin/env bats
# rs-tune: the leaderboard (settings from the registry's search ranges,
# successive halving, determinism across -j), trials scored exactly as
# rs-train + rs-recommend + rs-eval score them, the carved validation rows
# (--valid-out: disjoint, from the input, later with --split time), the best
# model, and bad input.

setup() {
    load test_helper/common-setup
    _common_setup
    root=$BATS_TEST_DIRNAME/..
    # 60 users in two tastes: odd users pick 8 of items 1..15, even users 8
    # of items 16..30; every (user, item) once, times increasing.
    awk 'BEGIN { srand(11); print "user,item,ts"; t = 1000
        for (u = 1; u <= 60; u++) { base = u % 2 ? 0 : 15; n = 0; delete got
            while (n < 8) { i = base + 1 + int(rand() * 15); if (!(i in got)) { got[i] = 1; n++
                printf "u%d,i%d,%d\n", u, i, t; t += 1 + int(rand() * 5) } } } }' > inter.csv
    # 300 rows, y ~ Bernoulli(sigmoid(a - 2b)), and a constant column k
    awk 'BEGIN { srand(5); print "a,b,k,y"
        for (i = 1; i <= 300; i++) { a = rand() * 4 - 2; b = rand() * 2 - 1; z = a - 2 * b
            printf "%.4f,%.4f,1,%d\n", a, b, rand() < 1 / (1 + exp(-z)) } }' > cls.csv
}

@test "rs-tune --help documents every option of its own in the man page; kind options are rs-train's" {
    run --separate-stderr rs-tune --help
    assert_success
    own=$(echo "$output" | sed '/^Kind options/,$d' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
    [ "$(echo "$own" | wc -l)" -ge 20 ]
    for opt in $own; do
        grep -q -- "${opt//-/\\\\-}" "$root/man/rs-tune.1" || { echo "missing in rs-tune.1: $opt"; false; }
    done
    kind=$(echo "$output" | sed -n '/^Kind options/,/^The leaderboard/p' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
    [ "$(echo "$kind" | wc -l)" -ge 20 ]
    for opt in $kind; do
        grep -q -- "${opt//-/\\\\-}" "$root/man/rs-train.1" || { echo "missing in rs-train.1: $opt"; false; }
    done
}

@test "ease: one leaderboard line per training, best first, trial 0 the defaults, the best written to -o" {
    run --separate-stderr rs-tune --model ease --budget 4 -i inter.csv -o best.rsm -j 1
    assert_success
    [ "${lines[0]}" = "trial,rung,l2,ndcg@10,seconds" ]
    [ "${#lines[@]}" -eq 5 ]
    # trial 0 is the kind's default l2, derived from the data at training: empty
    run awk -F, '$1 == 0 { print "[" $3 "]" }' <<< "$output"
    assert_output "[]"
    # sorted by ndcg@10, best first
    run awk -F, 'NR > 2 && $4 > prev { bad = 1 } NR > 1 { prev = $4 } END { print bad ? "unsorted" : "sorted" }' <<< "$(rs-tune -q --model ease --budget 4 -i inter.csv -o best.rsm -j 1)"
    assert_output "sorted"
    best_l2=$(rs-tune -q --model ease --budget 4 -i inter.csv -o best.rsm -j 1 | awk -F, 'NR == 2 { print $3 }')
    # trial 0 best: l2 derived from all the input, 10 x 480 / 30 users per item
    best_l2=${best_l2:-160}
    run rs-predict --describe best.rsm
    assert_line "kind ease"
    assert_line "l2 $best_l2"
    assert_line "n_interactions 480"
    assert_stderr --regexp '^rs-tune: ease: 4 trainings, best trial [0-9]+ ndcg@10 0\.[0-9]{6} --l2 [0-9.e+]+ \(fit 3[0-9]{2} rows, validation [0-9]+ rows?\)|validation'
}

@test "a trial's metric is what rs-train, rs-recommend and rs-eval rank give on the same split" {
    run --separate-stderr rs-tune --model itemknn --budget 3 --valid-out valid.csv -i inter.csv -o best.rsm -j 1
    assert_success
    tuned=$(awk -F, '$1 == 0 { print $6 }' <<< "$output")
    # the fit rows: the input without the validation rows (every row is unique)
    { head -1 inter.csv; grep -vxF -f <(tail -n +2 valid.csv) <(tail -n +2 inter.csv); } > fit.csv
    rs-train -q --model itemknn -i fit.csv -o fit.rsm
    rs-recommend -m fit.rsm -k 10 -o recs.csv
    run rs-eval rank -k 10 --truth valid.csv --recs recs.csv --csv
    assert_line "all,ndcg@10,$tuned"
}

@test "--valid-out: rows of the input, disjoint from the fit rows, the rows rs-split --by user carves" {
    run --separate-stderr rs-tune --model pop --seed 9 --valid-out valid.csv -i inter.csv -o best.rsm
    assert_success
    n_in=$(( $(wc -l < inter.csv) - 1 ))
    n_valid=$(( $(wc -l < valid.csv) - 1 ))
    [ "$n_valid" -gt 0 ]
    # every validation row is an input row
    run bash -c "tail -n +2 valid.csv | grep -cvxF -f <(tail -n +2 inter.csv)"
    assert_output "0"
    # the summary's fit rows are the others
    assert_stderr --partial "(fit $(( n_in - n_valid )) rows, validation $n_valid)"
    rs-split -i inter.csv --by user --ratio 0.8 --seed 9 -o f.csv --test-out v.csv
    run cmp valid.csv v.csv
    assert_success
    # the final model trained on every input row
    run rs-predict --describe best.rsm
    assert_line "n_interactions $n_in"
}

@test "--split time: every validation row is later than every fit row" {
    run --separate-stderr rs-tune --model ease --budget 2 --split time --valid-ratio 0.25 --valid-out valid.csv \
        -i inter.csv -o best.rsm
    assert_success
    n_valid=$(( $(wc -l < valid.csv) - 1 ))
    [ "$n_valid" -eq 120 ]
    first_valid=$(tail -n +2 valid.csv | cut -d, -f3 | sort -n | head -1)
    last_fit=$(tail -n +2 inter.csv | grep -vxF -f <(tail -n +2 valid.csv) | cut -d, -f3 | sort -n | tail -1)
    [ "$last_fit" -lt "$first_valid" ]
}

@test "successive halving: rungs, epochs and promotions within the budget" {
    run --separate-stderr rs-tune --model als --budget 7 --max-epochs 9 --factors 4 -i inter.csv -o best.rsm -j 2
    assert_success
    [ "${lines[0]}" = "trial,rung,epochs,l2,alpha,cg-steps,ndcg@10,seconds" ]
    # 5 settings at 3 epochs, the best 2 (ceil(5/3)) again at 9: 7 trainings
    run awk -F, 'NR > 1 { n[$2 ":" $3]++ } END { print n["0:3"], n["1:9"] }' <<< "$output"
    assert_output "5 2"
    board=$output
    run awk -F, 'NR > 1 && $2 == 0 { print $1 }' <<< "$(rs-tune -q --model als --budget 7 --max-epochs 9 --factors 4 -i inter.csv -o best.rsm -j 2)"
    top2=$(echo "$output" | head -2 | sort | tr '\n' ' ')
    promoted=$(rs-tune -q --model als --budget 7 --max-epochs 9 --factors 4 -i inter.csv -o best.rsm -j 2 |
               awk -F, 'NR > 1 && $2 == 1 { print $1 }' | sort | tr '\n' ' ')
    [ "$top2" = "$promoted" ]
    run rs-predict --describe best.rsm
    assert_line "iterations 9"
    assert_line "factors 4"
}

@test "the same seed gives the same leaderboard on -j 1 and -j 2 (but the seconds); another seed other settings" {
    rs-tune -q --model itemknn --budget 6 -i inter.csv -o a.rsm -j 1 | cut -d, -f1-6 > j1.csv
    rs-tune -q --model itemknn --budget 6 -i inter.csv -o b.rsm -j 2 | cut -d, -f1-6 > j2.csv
    run cmp j1.csv j2.csv
    assert_success
    run cmp a.rsm b.rsm
    assert_success
    rs-tune -q --seed 2 --model itemknn --budget 6 -i inter.csv -o c.rsm -j 2 | cut -d, -f3-5 | sort > s2.csv
    run cmp <(cut -d, -f3-5 j1.csv | sort) s2.csv
    assert_failure
}

@test "--json: the same leaderboard as an array of objects" {
    rs-tune -q --model itemknn --budget 4 -i inter.csv -o a.rsm > board.csv
    rs-tune -q --json --model itemknn --budget 4 -i inter.csv -o a.rsm > board.json
    run /usr/bin/python3 -c '
import csv, json
rows = list(csv.DictReader(open("board.csv")))
objs = json.load(open("board.json"))
assert len(rows) == len(objs) == 4
for r, o in zip(rows, objs):
    assert int(r["trial"]) == o["trial"] and r["weighting"] == o["weighting"]
    assert float(r["neighbors"]) == o["neighbors"] and float(r["ndcg@10"]) == o["ndcg@10"]
print("same")'
    assert_output "same"
}

@test "an option given is fixed: not searched, in every trial and the final model" {
    run --separate-stderr rs-tune --model ease --l2 300 --budget 5 -i inter.csv -o best.rsm
    assert_success
    [ "${lines[0]}" = "trial,rung,ndcg@10,seconds" ]
    [ "${#lines[@]}" -eq 2 ]
    run rs-predict --describe best.rsm
    assert_line "l2 300"
}

@test "logreg: trials score the validation table as rs-eval class does; warnings once; the best l2 in the model" {
    head -201 cls.csv > train.csv
    { head -1 cls.csv; tail -n +202 cls.csv; } > valid.csv
    run --separate-stderr rs-tune --model logreg --label y --l1 0 --budget 5 --valid valid.csv -i train.csv -o best.rsm
    assert_success
    [ "${lines[0]}" = "trial,rung,l2,logloss,seconds" ]
    [ "$(grep -c "feature 'k' is constant" <<< "$stderr")" -eq 1 ]
    # trial 0: the defaults, trained on all of train.csv
    default_loss=$(awk -F, '$1 == 0 { print $4 }' <<< "$output")
    rs-train -q --model logreg --label y -i train.csv -o d.rsm
    rs-predict -m d.rsm -i valid.csv --keep y -o p.csv
    # the same within the rounding of rs-predict's written scores
    run awk -F, -v want="$default_loss" '$2 == "log_loss" { d = $3 - want; print (d < 1e-9 && d > -1e-9) ? "same" : $3 }' \
        <(rs-eval class -i p.csv --truth y --score score --csv)
    assert_output "same"
    best_l2=$(awk -F, 'NR == 2 { print $3 }' <<< "$(rs-tune -q --model logreg --label y --l1 0 --budget 5 --valid valid.csv -i train.csv -o best.rsm)")
    run rs-predict --describe best.rsm
    assert_line "l2 $best_l2"
    assert_line "train_rows 200"
}

@test "supervised --metric auc is higher-better; rmse for linreg" {
    run --separate-stderr rs-tune --model logreg --label y --metric auc --budget 4 -i cls.csv -o best.rsm
    assert_success
    run awk -F, 'NR > 2 && $5 > prev { bad = 1 } NR > 1 { prev = $5 } END { print bad ? "unsorted" : "sorted" }' <<< "$output"
    assert_output "sorted"
    run --separate-stderr rs-tune --model linreg --label y --budget 3 -i cls.csv -o lin.rsm
    assert_success
    [ "${lines[0]}" = "trial,rung,l2,rmse,seconds" ]
}

@test "bad input: budget 0, metrics that do not fit, no positives, no validation rows" {
    run --separate-stderr rs-tune --model ease --budget 0 -i inter.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "rs-tune: invalid --budget '0' (expected 1 <= N <= 100000)"
    run --separate-stderr rs-tune --model als --metric auc -i inter.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "rs-tune: --metric auc does not fit als, a recommender (ndcg@K, recall@K"
    run --separate-stderr rs-tune --model logreg --label y --metric ndcg@10 -i cls.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "rs-tune: --metric ndcg@10 does not fit logreg, a supervised kind (auc, logloss or rmse)"
    run --separate-stderr rs-tune --model linreg --label y --metric auc -i cls.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "does not fit linreg, which predicts values (rmse)"
    run --separate-stderr rs-tune --model logreg --label y --metric rmse -i cls.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "--metric rmse does not fit logreg"
    run --separate-stderr rs-tune --model ease --metric ndcg -i inter.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "unknown --metric 'ndcg' (expected ndcg@K"
    # a validation table without positives
    { head -1 cls.csv; tail -n +2 cls.csv | grep ',0$' | head -20; } > neg.csv
    run --separate-stderr rs-tune --model logreg --label y -i cls.csv --valid neg.csv -o m.rsm
    [ "$status" -eq 1 ]
    assert_stderr --partial "rs-tune: neg.csv: the validation rows (20) have no positives (y = 1): --metric logloss is undefined"
    [ ! -e m.rsm ]
    # a carved split without positives: 2 positives in 100 rows, 5 % to validation
    awk -F, 'NR == 1 || n < 98 && $4 == 0 { print; n++ } NR > 1 && p < 2 && $4 == 1 { print; p++ }' cls.csv > rare.csv
    run --separate-stderr rs-tune --model logreg --label y --valid-ratio 0.05 -i rare.csv -o m.rsm
    [ "$status" -eq 1 ]
    assert_stderr --partial "rs-tune: the validation split: the validation rows (5) have no positives (y = 1)"
    # a label that is not 0/1 with logloss
    sed 's/,1$/,2/' cls.csv > two.csv
    run --separate-stderr rs-tune --model logreg --label y -i two.csv -o m.rsm
    [ "$status" -eq 1 ]
    assert_stderr "rs-tune: two.csv: --metric logloss needs a 0/1 label; y has the value 2 (rs-tune does not search class-label models)"
    # the same in a --valid file whose training file is 0/1
    run --separate-stderr rs-tune --model logreg --label y -i cls.csv --valid two.csv -o m.rsm
    [ "$status" -eq 1 ]
    assert_stderr "rs-tune: two.csv: --metric logloss needs a 0/1 label; y has the value 2"
    # a validation table without interactions
    head -1 inter.csv > empty.csv
    run --separate-stderr rs-tune --model ease -i inter.csv --valid empty.csv -o m.rsm
    [ "$status" -eq 1 ]
    assert_stderr --partial "rs-tune: empty.csv: the validation split has no interactions (no positives to rank)"
}

@test "usage errors: each names what is wrong" {
    run --separate-stderr rs-tune --model ease -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "-i TRAIN is required and must be a file (it is read twice)"
    run --separate-stderr rs-tune --model ease -i - -o m.rsm < inter.csv
    [ "$status" -eq 2 ]
    assert_stderr --partial "must be a file"
    run --separate-stderr rs-tune --model ease -i inter.csv
    [ "$status" -eq 2 ]
    assert_stderr --partial "-o BEST.rsm is required"
    run --separate-stderr rs-tune -i inter.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "--model KIND is required"
    run --separate-stderr rs-tune --model nope -i inter.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "unknown --model 'nope'"
    run --separate-stderr rs-tune --model logreg -i cls.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "--label COL is required"
    run --separate-stderr rs-tune --model ease --label y -i inter.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "--label is for supervised kinds; ease is a recommender"
    run --separate-stderr rs-tune --model ease --factors 8 -i inter.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "factors"
    assert_stderr --partial "ease"
    run --separate-stderr rs-tune --model ease --split sideways -i inter.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "invalid --split 'sideways' (expected user, random or time)"
    run --separate-stderr rs-tune --model logreg --label y --split user -i cls.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "--split user works with recommender kinds; logreg takes random"
    run --separate-stderr rs-tune --model ease --valid-ratio 1 -i inter.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "invalid --valid-ratio '1' (expected 0 < R < 1)"
    run --separate-stderr rs-tune --model ease --eta 1 -i inter.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "invalid --eta '1' (expected 2 <= N <= 100)"
    run --separate-stderr rs-tune --model als --max-epochs 0 -i inter.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "invalid --max-epochs '0'"
    run --separate-stderr rs-tune --model ease --valid inter.csv --valid-out v.csv -i inter.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "--valid-out writes the rows rs-tune carves; with --valid nothing is carved"
    run --separate-stderr rs-tune --model ease --valid inter.csv --split time -i inter.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "--split chooses how to carve; with --valid nothing is carved"
    cut -d, -f1,2 inter.csv > no_ts.csv
    run --separate-stderr rs-tune --model ease --split time -i no_ts.csv -o m.rsm
    [ "$status" -eq 2 ]
    assert_stderr --partial "--split time needs a time column (ts, or --time-col)"
    run --separate-stderr rs-tune --model ease -i inter.csv -o m.rsm --valid-out inter.csv
    [ "$status" -eq 2 ]
    [ ! -e m.rsm ]
}

@test "a full disk for the leaderboard is an error (exit 1)" {
    run --separate-stderr bash -c 'rs-tune -q --model pop -i inter.csv -o m.rsm > /dev/full'
    [ "$status" -eq 1 ]
    assert_stderr --partial "rs-tune:"
}

@test "--time: no training starts after the time, but setting 0; the rows that ran are the rows without --time" {
    # 1 microsecond: only trial 0 (the defaults) trains, then the final model
    run --separate-stderr rs-tune --model itemknn --budget 6 --time 0.000001 -i inter.csv -o t.rsm -j 1
    assert_success
    [ "${#lines[@]}" -eq 2 ]
    run awk -F, 'NR == 2 { print $1 "," $2 "," $3 "," $4 "," $5 }' <<< "$output"
    assert_output "0,0,100,10,idf"
    assert_stderr --partial "rs-tune: --time 1e-06 ran out: 5 trainings not started"
    run rs-predict --describe t.rsm
    assert_line "neighbors 100"
    # its row is trial 0's row of the run without --time (all but the seconds)
    full=$(rs-tune -q --model itemknn --budget 6 -i inter.csv -o f.rsm -j 1 | cut -d, -f1-6)
    one=$(rs-tune -q --model itemknn --budget 6 --time 0.000001 -i inter.csv -o t.rsm -j 1 | cut -d, -f1-6)
    run grep -cxF "$(sed -n 2p <<< "$one")" <<< "$full"
    assert_output "1"
    # a time that does not run out: the whole leaderboard, the same model
    long=$(rs-tune -q --model itemknn --budget 6 --time 100000 -i inter.csv -o l.rsm -j 2 | cut -d, -f1-6)
    [ "$long" = "$full" ]
    run cmp l.rsm f.rsm
    assert_success
}

@test "--time with successive halving: no later rung starts once the time has run out" {
    run --separate-stderr rs-tune --model als --budget 7 --max-epochs 9 --factors 4 --time 0.000001 -i inter.csv -o t.rsm -j 1
    assert_success
    [ "${#lines[@]}" -eq 2 ]
    run awk -F, 'NR == 2 { print $1 "," $2 "," $3 }' <<< "$output"
    assert_output "0,0,3"
    # the other 4 settings of the first rung; the second rung never starts
    assert_stderr --partial "4 trainings not started"
    run rs-predict --describe t.rsm
    assert_line "iterations 3"
}

@test "--time: bad values are usage errors" {
    for bad in 0 -1 abc 1e10 nan; do
        run --separate-stderr rs-tune --model ease --time "$bad" -i inter.csv -o m.rsm
        [ "$status" -eq 2 ]
        assert_stderr --partial "invalid --time '$bad' (expected seconds, 0 < S <= 1e9)"
    done
    [ ! -e m.rsm ]
}

@test "mlp: --hidden is searched (one layer or two); a two-layer value is one quoted CSV field, a JSON string" {
    run --separate-stderr rs-tune --model mlp --budget 8 --max-epochs 6 --label y -i cls.csv -o m.rsm -j 1
    assert_success
    [ "${lines[0]}" = "trial,rung,epochs,hidden,activation,dropout,lr,l2,batch,scaling,logloss,seconds" ]
    # every line has its 12 fields: hidden empty (trial 0, derived), N, or "N,N/2"
    for line in "${lines[@]:1}"; do
        [[ $line =~ ^[0-9]+,[01],[0-9]+,([0-9]+|\"([0-9]+),([0-9]+)\"|),(relu|tanh|sigmoid),[^,]+,[^,]+,[^,]+,[0-9]+,(zscore|quantile),[0-9.e-]+,[0-9.]+$ ]] ||
            { echo "bad line: $line"; false; }
    done
    run grep -c ',"[0-9]*,[0-9]*",' <<< "$output"
    [ "$output" -ge 1 ]
    json=$(rs-tune -q --json --model mlp --budget 8 --max-epochs 6 --label y -i cls.csv -o m.rsm -j 1)
    run grep -cE '"hidden": "[0-9]+,[0-9]+"' <<< "$json"
    [ "$output" -ge 1 ]
    run grep -c '"hidden": null' <<< "$json"
    [ "$output" -ge 1 ]
}

@test "mlp: --scaling is searched: trial 0 zscore (the default), others quantile; the best's is in the model" {
    run --separate-stderr rs-tune --model mlp --budget 8 --max-epochs 6 --label y -i cls.csv -o m.rsm -j 1
    assert_success
    board=$output
    run awk -F, 'NR > 1 && $1 == 0 { print $10 }' <<< "$board"
    assert_output "zscore"
    run awk -F, 'NR > 1 && $10 == "quantile" { n++ } END { print (n > 0) }' <<< "$board"
    assert_output "1"
    best=$(rs-tune -q --model mlp --budget 8 --max-epochs 6 --label y -i cls.csv -o m.rsm -j 1 | awk -F, 'NR == 2 { print $10 }')
    run rs-predict --describe m.rsm
    if [ "$best" = quantile ]; then assert_line "scaling quantile"; else refute_line --partial "scaling"; fi
}

@test "a text label: rs-tune says which kinds take class labels, as rs-train does" {
    printf 'a,b,y\n1,2,yes\n2,3,no\n3,1,yes\n4,4,no\n' > text.csv
    # mlp reads a class label unless --loss says a number (bce, squared)
    run --separate-stderr rs-train --model mlp --loss squared --label y -i text.csv -o m.rsm
    [ "$status" -eq 1 ]
    assert_stderr "rs-train: text.csv:2: column y: 'yes' is not a number (or true/false); class labels need logreg, mlp, or gbdt with --loss softmax"
    run --separate-stderr rs-tune --model mlp --loss squared --label y -i text.csv --valid text.csv -o m.rsm
    [ "$status" -eq 1 ]
    assert_stderr "rs-tune: text.csv:2: column y: 'yes' is not a number (or true/false); class labels need logreg, mlp, or gbdt with --loss softmax"
    # on a carved split the message names the input's file and line, not the carved file's
    run --separate-stderr rs-tune --model linreg --label y -i text.csv -o m.rsm
    [ "$status" -eq 1 ]
    assert_stderr "rs-tune: text.csv:2: column y: 'yes' is not a number (or true/false); class labels need logreg, mlp, or gbdt with --loss softmax"
    [ ! -e m.rsm ]
    # a bad value far down the input: its own line, whichever split it was carved into
    { echo "a,b,y"; for i in $(seq 1 30); do echo "$i,$((i % 5)),$((i % 3))"; done; echo "31,2,x7"; echo "32,1,0"; } > late.csv
    run --separate-stderr rs-tune --model linreg --label y --budget 2 -i late.csv -o m.rsm
    [ "$status" -eq 1 ]
    assert_stderr "rs-tune: late.csv:32: column y: 'x7' is not a number (or true/false); class labels need logreg, mlp, or gbdt with --loss softmax"
}

@test "a policy: rs-tune reads the logged action and propensity as rs-train does, never as features" {
    awk 'BEGIN { srand(3); print "x,action,reward,propensity"; for (i = 0; i < 200; i++) { x = rand(); a = int(rand() * 2)
        printf "%.3f,%d,%d,0.5\n", x, a, rand() < (a ? x : 1 - x) } }' > pol.csv
    run --separate-stderr rs-tune --model linucb --label reward --metric rmse --budget 3 -i pol.csv -o lu.rsm -j 1
    assert_success
    [ "${lines[0]}" = "trial,rung,l2,epsilon,off-policy,ucb-width,rmse,seconds" ]
    run rs-predict --describe lu.rsm
    assert_line "n_features 1"
    assert_line "feature x"
    assert_line "n_actions 2"
    assert_line "train_rows 200"
}
