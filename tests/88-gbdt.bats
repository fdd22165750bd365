#!/usr/bin/env bats
# gbdt: known answers (the first split and its leaves from the closed form,
# an exact fit of a step function, Poisson scores above 0), missing values
# and categories, TreeSHAP through rs-predict, importance, determinism,
# early stopping and bad input.

setup() {
    load test_helper/common-setup
    _common_setup
    root=$BATS_TEST_DIRNAME/..
}

# One tree, one split, every row seen: the closed form applies as it is.
one_split=(--model gbdt --trees 1 --leaves 2 --lr 1 --min-rows 1 --subsample 1)

# |a - b| <= tol
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }

@test "known answer: the first split and both leaves are the closed-form optimum (bce, l2 1)" {
    printf 'x,y\n1,0\n2,0\n3,1\n4,1\n5,1\n' > t.csv
    rs-train -q "${one_split[@]}" --label y -i t.csv -o m.rsm
    # Worked out: base = log(0.6/0.4); p = 0.6 so g = p - y = (0.6, 0.6, -0.4, -0.4, -0.4), h = 0.24.
    # The split x <= 2.5: G_L = 1.2, H_L = 0.48, G_R = -1.2, H_R = 0.72, G = 0, H = 1.2, l2 = 1:
    # gain = 1.44/1.48 + 1.44/1.72 - 0 = 1.81018227; leaves -1.2/1.48 = -0.81081081, 1.2/1.72 = 0.69767442.
    run rs-predict --describe m.rsm
    assert_line --regexp '^importance x gain 1\.81018[0-9]* splits 1$'
    assert_line --regexp '^base_score 0\.40546510810816'

    printf 'x\n1\n2.5\n2.6\n5\n' > s.csv
    rs-predict -m m.rsm -i s.csv > p.csv
    base=0.4054651081
    for row in 2:-0.81081081 3:-0.81081081 4:0.69767442 5:0.69767442; do
        line=${row%%:*} leaf=${row#*:}
        got=$(sed -n "${line}p" p.csv | cut -d, -f2)
        want=$(awk -v b="$base" -v l="$leaf" 'BEGIN { printf "%.9f", 1 / (1 + exp(-(b + l))) }')
        near "$got" "$want" 1e-6
    done
}

@test "known answer: the gain uses --l2 and soft-thresholds by --l1" {
    printf 'x,y\n1,0\n2,0\n3,1\n4,1\n5,1\n' > t.csv
    rs-train -q "${one_split[@]}" --l2 0.5 --l1 0.2 --label y -i t.csv -o m.rsm
    # G_L = 1.2 -> 1.0, G_R = -1.2 -> -1.0: gain = 1/(0.48+0.5) + 1/(0.72+0.5) = 1.02040816 + 0.81967213
    run rs-predict --describe m.rsm
    assert_line --regexp '^importance x gain 1\.84008[0-9]* splits 1$'
}

@test "known answer: squared error, learning rate 1 and enough leaves fit a step function exactly" {
    printf 'x,y\n1,0\n2,0\n3,5\n4,5\n5,5\n6,9\n7,9\n8,-2\n' > t.csv
    rs-train -q --model gbdt --trees 1 --leaves 8 --lr 1 --l2 0 --min-rows 1 --subsample 1 --label y \
        -i t.csv -o m.rsm
    run rs-predict --describe m.rsm
    assert_line "loss squared"
    assert_line "base_score 3.875"
    rs-predict -m m.rsm -i t.csv --keep y > p.csv
    tail -n +2 p.csv | while IFS=, read -r _ score y; do
        near "$score" "$y" 1e-6
    done
    [ "$(wc -l < p.csv)" -eq 9 ]
}

@test "poisson: counts in, every score > 0, their mean near the labels' mean" {
    awk 'BEGIN { srand(3); print "x1,x2,units"; for (i = 0; i < 400; i++) { a = rand(); b = rand()
        lambda = exp(2 * a - 1); n = 0; p = exp(-lambda); f = p; u = rand(); while (u > f) { n++; p *= lambda / n; f += p }
        printf "%.4f,%.4f,%d\n", a, b, n } }' > t.csv
    rs-train -q --model gbdt --loss poisson --trees 200 --label units -i t.csv -o m.rsm
    run rs-predict --describe m.rsm
    assert_line "loss poisson"
    rs-predict -m m.rsm -i t.csv --keep units > p.csv
    run awk -F, 'NR > 1 { n++; s += $2; y += $3; if ($2 <= 0) bad++ } END { printf "%d %d %.3f\n", n, bad, s / y }' p.csv
    assert_output --regexp '^400 0 (0\.9[5-9][0-9]|1\.0[0-4][0-9])$'
    printf 'x1,x2,units\n0.5,0.5,-1\n0.2,0.1,3\n' > neg.csv
    run --separate-stderr rs-train --model gbdt --loss poisson --label units -i neg.csv -o n.rsm
    assert_failure 1
    assert_stderr --partial "--loss poisson needs counts >= 0 (row 1 is -1)"
}

@test "missing values (empty cells) follow the side learned for them, in training and in scoring" {
    { echo x,y; for x in 1 2 3 4 5 6 7 8; do echo "$x,$(( x > 4 ))"; done; for _ in 1 2 3 4; do echo ",1"; done; } > right.csv
    rs-train -q "${one_split[@]}" --label y -i right.csv -o right.rsm
    printf 'x,id\n1,a\n8,b\n,c\n' > s.csv
    run rs-predict -m right.rsm -i s.csv
    low=$(sed -n 2p <<< "$output" | cut -d, -f2) high=$(sed -n 3p <<< "$output" | cut -d, -f2)
    missing=$(sed -n 4p <<< "$output" | cut -d, -f2)
    assert_equal "$missing" "$high"
    [ "$low" != "$high" ]
    { echo x,y; for x in 1 2 3 4 5 6 7 8; do echo "$x,$(( x > 4 ))"; done; for _ in 1 2 3 4; do echo ",0"; done; } > left.csv
    rs-train -q "${one_split[@]}" --label y -i left.csv -o left.rsm
    run rs-predict -m left.rsm -i s.csv
    assert_equal "$(sed -n 4p <<< "$output" | cut -d, -f2)" "$(sed -n 2p <<< "$output" | cut -d, -f2)"
}

@test "a text column is categorical: one split separates a set of categories; an unseen one scores too" {
    { echo colour,y; for _ in 1 2 3 4 5; do printf 'red,1\nblue,0\ngreen,1\ngrey,0\n'; done; } > t.csv
    rs-train -q "${one_split[@]}" --label y -i t.csv -o m.rsm
    run rs-predict --describe m.rsm
    assert_line "feature_types c"
    # base 0, g = -0.5 (red, green) or 0.5 (blue, grey), h = 0.25, 10 rows a side, l2 1:
    # gain = 25/3.5 + 25/3.5 = 14.2857143
    assert_line --regexp '^importance colour gain 14\.28571[0-9]* splits 1$'
    printf 'colour,id\nred,1\ngreen,2\nblue,3\ngrey,4\npurple,5\n' > s.csv
    run rs-predict -m m.rsm -i s.csv
    assert_success
    red=$(sed -n 2p <<< "$output" | cut -d, -f2)
    assert_equal "$(sed -n 3p <<< "$output" | cut -d, -f2)" "$red"
    blue=$(sed -n 4p <<< "$output" | cut -d, -f2)
    assert_equal "$(sed -n 5p <<< "$output" | cut -d, -f2)" "$blue"
    [ "$red" != "$blue" ]
    # unseen (purple) and missing go to the side that is not the chosen set
    purple=$(sed -n 6p <<< "$output" | cut -d, -f2)
    run grep -c "^$purple$" <<< "$(printf '%s\n%s\n' "$red" "$blue")"
    assert_output 1
}

@test "more than 254 categories: the rarest share one code, with a warning; the model still trains" {
    awk 'BEGIN { print "shop,y"; for (i = 0; i < 300; i++) for (k = 0; k <= i % 3; k++) printf "s%d,%d\n", i, i % 2 }' > t.csv
    run --separate-stderr rs-train --model gbdt --trees 3 --label y -i t.csv -o m.rsm
    assert_success
    assert_stderr --partial "column 'shop' has 300 categories: the 46 rarest share one code ('other')"
    run rs-predict --describe m.rsm
    assert_line "ids categories.0 254"
}

@test "a constant column and an all-empty column are warned about and never split on" {
    printf 'a,k,e,y\n1,7,,0\n2,7,,0\n3,7,,1\n4,7,,1\n5,7,,1\n6,7,,0\n' > t.csv
    run --separate-stderr rs-train "${one_split[@]}" --trees 5 --label y -i t.csv -o m.rsm
    assert_success
    assert_stderr --partial "feature 'k' is constant (7 in every row)"
    assert_stderr --partial "feature 'e' is empty in every row: it is not used"
    run rs-predict --describe m.rsm
    assert_line "importance k gain 0 splits 0"
    assert_line "importance e gain 0 splits 0"
}

@test "a label with one class, a non-0/1 label for bce, text in a numeric column: clear errors" {
    printf 'x,y\n1,1\n2,1\n3,1\n' > one.csv
    run --separate-stderr rs-train --model gbdt --label y -i one.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "the label has one class (every one of the 3 rows is 1)"
    printf 'x,y\n1,0\n2,3\n3,1\n' > three.csv
    run --separate-stderr rs-train --model gbdt --loss bce --label y -i three.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "--loss bce needs a 0/1 label (row 2 is 3"
    printf 'x,y\n1,0\n2,1\nabc,1\n' > mixed.csv
    run --separate-stderr rs-train --model gbdt --label y -i mixed.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "mixed.csv:4:"
    assert_stderr --partial "abc"
    [ ! -e m.rsm ]
}

@test "--valid: other column order and extra columns are fine, a missing feature is an error naming it" {
    awk 'BEGIN { srand(5); print "a,b,y"; for (i = 0; i < 300; i++) { a = rand(); b = rand(); printf "%.3f,%.3f,%d\n", a, b, rand() < a } }' > t.csv
    awk -F, 'BEGIN { OFS = "," } { print $3, "extra", $2, $1 }' t.csv > v.csv
    run --separate-stderr rs-train --model gbdt --label y --trees 50 -i t.csv --valid v.csv -o m.rsm
    assert_success
    run rs-predict --describe m.rsm
    assert_line --regexp '^valid_loss 0\.[0-9]+'
    cut -d, -f1,3 t.csv > nob.csv
    run --separate-stderr rs-train --model gbdt --label y -i t.csv --valid nob.csv -o m2.rsm
    assert_failure
    assert_stderr --partial "'b'"
}

@test "--valid stops early: pure-noise labels keep only the trees up to the best validation loss" {
    awk 'BEGIN { srand(11); print "a,b,y"; for (i = 0; i < 600; i++) printf "%.3f,%.3f,%d\n", rand(), rand(), rand() < 0.5 }' > t.csv
    head -1 t.csv > v.csv
    awk 'BEGIN { srand(12); for (i = 0; i < 300; i++) printf "%.3f,%.3f,%d\n", rand(), rand(), rand() < 0.5 }' >> v.csv
    rs-train -q --model gbdt --label y --trees 500 --patience 5 -i t.csv --valid v.csv -o m.rsm
    n=$(rs-predict --describe m.rsm | awk '$1 == "n_trees" { print $2 }')
    [ "$n" -lt 100 ]
    run bash -c "rs-train --model gbdt --label y --trees 500 --patience 5 -i t.csv --valid v.csv -o m2.rsm -v 2>&1 | grep -c 'valid loss'"
    [ "$output" -eq $(( n + 5 )) ]
}

@test "--explain: TreeSHAP contributions sum to the raw score (log-odds) of every row; other kinds refuse it" {
    awk 'BEGIN { srand(9); print "a,b,c,kind,y"; for (i = 0; i < 500; i++) { a = rand(); b = rand(); c = (rand() < 0.2) ? "" : sprintf("%.3f", rand())
        k = (rand() < 0.5) ? "p" : "q"; printf "%.3f,%.3f,%s,%s,%d\n", a, b, c, k, rand() < (a + (k == "p") * 0.3) / 1.3 } }' > t.csv
    rs-train -q --model gbdt --label y --trees 40 -i t.csv -o m.rsm
    rs-predict -m m.rsm -i t.csv --explain > e.csv
    run head -1 e.csv
    assert_output "row,score,contrib_a,contrib_b,contrib_c,contrib_kind,contrib_base"
    run awk -F, 'NR > 1 { s = 0; for (i = 3; i <= NF; i++) s += $i; raw = log($2 / (1 - $2)); d = s - raw
        if (d < 0) d = -d; if (d > worst) worst = d; n++ } END { print n, (worst < 1e-4) ? "ok" : worst }' e.csv
    assert_output "500 ok"
    run awk -F, 'NR > 1 { print $7 }' e.csv
    [ "$(sort -u <<< "$output" | wc -l)" -eq 1 ]
    printf 'a,y\n1,0\n2,1\n3,0\n4,1\n' > l.csv
    rs-train -q --model logreg --label y -i l.csv -o l.rsm
    run --separate-stderr rs-predict -m l.rsm -i l.csv --explain
    assert_failure 2
    assert_stderr --partial "--explain: a logreg model has no per-feature contributions (gbdt has)"
    assert_output ""
}

@test "--describe: one importance line per feature, by gain, with split counts" {
    awk 'BEGIN { srand(4); print "weak,strong,noise,y"; for (i = 0; i < 400; i++) { w = rand(); s = rand()
        printf "%.3f,%.3f,%.3f,%d\n", w, s, rand(), rand() < 0.8 * s + 0.2 * w } }' > t.csv
    rs-train -q --model gbdt --label y --trees 30 -i t.csv -o m.rsm
    run bash -c "rs-predict --describe m.rsm | grep '^importance'"
    assert_line --index 0 --regexp '^importance strong gain [0-9.]+ splits [1-9][0-9]*$'
    [ "${#lines[@]}" -eq 3 ]
    run bash -c "rs-predict --describe m.rsm | awk '\$1 == \"importance\" { print \$4 }' | sort -g -r -c"
    assert_success
}

@test "the same data, --seed and -j give the same bytes; -j 1 and -j 2 agree; another seed differs" {
    "$root/scripts/gen-dense" 30000 40 5 > d.csv
    rs-train -q --model gbdt --label y --trees 5 --seed 3 -j 2 -i d.csv -o a.rsm
    rs-train -q --model gbdt --label y --trees 5 --seed 3 -j 2 -i d.csv -o b.rsm
    rs-train -q --model gbdt --label y --trees 5 --seed 3 -j 1 -i d.csv -o c.rsm
    rs-train -q --model gbdt --label y --trees 5 --seed 4 -j 2 -i d.csv -o s.rsm
    cmp a.rsm b.rsm
    cmp a.rsm c.rsm
    run cmp -s a.rsm s.rsm
    assert_failure
}

@test "120,000 rows (the sample, the gradient codes, the leaf values and large leaves' rows on threads): -j 1, 2 and 3 give the same bytes" {
    "$root/scripts/gen-dense" 120000 6 9 > d.csv
    rs-train -q --model gbdt --label y --trees 3 --seed 5 -j 1 -i d.csv -o a.rsm
    rs-train -q --model gbdt --label y --trees 3 --seed 5 -j 2 -i d.csv -o b.rsm
    rs-train -q --model gbdt --label y --trees 3 --seed 5 -j 3 -i d.csv -o c.rsm
    cmp a.rsm b.rsm
    cmp a.rsm c.rsm
}

@test "gbdt's own options are checked against their ranges" {
    printf 'x,y\n1,0\n2,1\n' > t.csv
    for bad in "--leaves 1" "--subsample 0" "--subsample 1.5" "--colsample 0" "--bins 256" "--bins 1" \
               "--trees 0" "--lr 0" "--min-rows 0" "--max-depth -1" "--loss hinge"; do
        run --separate-stderr rs-train --model gbdt --label y $bad -i t.csv -o m.rsm
        assert_failure 2
        assert_stderr --partial "invalid ${bad%% *}"
    done
    run --separate-stderr rs-train --model mlp --loss poisson --label y -i t.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--loss"
}

@test "--max-depth bounds every tree; --leaves bounds the leaves" {
    "$root/scripts/gen-dense" 3000 6 8 > d.csv
    rs-train -q --model gbdt --label y --trees 3 --max-depth 2 --leaves 64 --min-rows 1 -i d.csv -o m.rsm
    run rs-predict --describe m.rsm
    # depth 2: at most 3 inner nodes and 4 leaves per tree -> at most 21 nodes in 3 trees
    assert_line --regexp '^itensor nodes (1[0-9]|2[01]|[7-9])x5'
    rs-train -q --model gbdt --label y --trees 1 --leaves 5 --min-rows 1 -i d.csv -o l.rsm
    run rs-predict --describe l.rsm
    assert_line "itensor nodes 9x5"
}

@test "rs-predict -j 2 reads the next batch and writes the last while one is scored: the same bytes as -j 1 and -j 3; a bad row in a later batch is FILE:LINE" {
    "$root/scripts/gen-dense" 3000 5 6 > d.csv
    rs-train -q --model gbdt --label y --trees 20 -i d.csv -o g.rsm
    rs-predict -m g.rsm -i d.csv -j 1 --keep x2 > j1.out
    rs-predict -m g.rsm -i d.csv -j 2 --keep x2 > j2.out
    rs-predict -q -m g.rsm -i d.csv -j 3 --keep x2 > j3.out
    cmp j1.out j2.out
    cmp j1.out j3.out
    run tail -1 j2.out
    assert_output --regexp "^3000,0\.[0-9]+,$(tail -1 d.csv | cut -d, -f2)\$"
    # row 2501 (line 2502) is in the third batch of 1024: read while the second is written
    awk -F, -v OFS=, 'NR == 2502 { $3 = "abc" } 1' d.csv > bad.csv
    run --separate-stderr rs-predict -m g.rsm -i bad.csv -j 2 -o out.csv
    assert_failure 1
    assert_stderr --partial "bad.csv:2502: column x3"
    assert [ ! -e out.csv ]
}

@test "rs-predict reads typed rsf numbers directly: the same bytes as from CSV, for any -j; a missing number is an error for logreg" {
    "$root/scripts/gen-dense" 3000 5 6 > d.csv
    rs-train -q --model gbdt --label y --trees 20 -i d.csv -o g.rsm
    rs-train -q --model logreg --label y -i d.csv -o l.rsm
    rs-clean -q -i d.csv --schema x1:num,x2:num,x3:num,x4:num,x5:num,y:int --format rsf -o d.rsf
    for m in g l; do
        rs-predict -m $m.rsm -i d.csv > csv.out
        rs-predict -m $m.rsm -i d.rsf -j 2 > rsf.out
        rs-predict -m $m.rsm -i d.rsf -j 1 > rsf1.out
        cmp csv.out rsf.out
        cmp rsf.out rsf1.out
    done
    [ "$(wc -l < rsf.out)" -eq 3001 ]
    # a feature also passed through keeps its text (typed rsf writes 0.463 for 0.4630)
    rs-predict -m g.rsm -i d.csv > gbdt.out
    rs-predict -m g.rsm -i d.rsf --keep x2 > kept.out
    run sed -n 17p kept.out
    assert_output "16,$(sed -n 17p gbdt.out | cut -d, -f2),0.463"
    printf 'x1,x2,x3,x4,x5\n0.1,,0.3,0.4,0.5\n' | rs-clean -q --schema x1:num,x2:num,x3:num,x4:num,x5:num --format rsf -o na.rsf
    run --separate-stderr rs-predict -m l.rsm -i na.rsf
    assert_failure 1
    assert_stderr --partial "na.rsf:2: column x2: a missing value is not a finite number"
    run rs-predict -m g.rsm -i na.rsf
    assert_success
    assert_line --index 0 "row,score"
}

@test "rs-train reads typed rsf numbers directly: the same model bytes as from the CSV rs-clean writes back (-0, missing, int, text columns); a value beyond float range is the same error" {
    awk 'BEGIN { srand(5); print "a,n,c,b,y"
         for (i = 1; i <= 400; i++) {
             a = (i % 7 == 0) ? "" : (i % 11 == 0) ? "-0" : sprintf("%.6f", rand() * 4 - 2)
             n = (i % 13 == 0) ? "" : int(rand() * 50)
             b = sprintf("%.17g", rand() * 1e-30)
             print a "," n "," (rand() < 0.5 ? "red" : "blue") "," b "," (rand() < 0.4 + (a > 0) * 0.3 ? 1 : 0) } }' > d.csv
    rs-clean -q -i d.csv --schema a:num,n:int,c:str,b:num,y:int --format rsf -o d.rsf
    rs-clean -q -i d.rsf -o back.csv
    run grep -c '^0,' back.csv
    assert_output --regexp '^[1-9][0-9]*$'
    rs-train -q --model gbdt --label y --trees 5 -j 2 -i d.rsf -o rsf.rsm
    rs-train -q --model gbdt --label y --trees 5 -j 2 -i back.csv -o csv.rsm
    cmp rsf.rsm csv.rsm
    rs-train -q --model gbdt --label y --trees 5 -i d.rsf --valid d.rsf -o rsf_v.rsm
    rs-train -q --model gbdt --label y --trees 5 -i back.csv --valid back.csv -o csv_v.rsm
    cmp rsf_v.rsm csv_v.rsm
    awk -F, -v OFS=, '($1 != "" && $2 != "") || NR == 1' d.csv | cut -d, -f1,2,4,5 > num.csv
    rs-clean -q -i num.csv --schema a:num,n:int,b:num,y:int --format rsf -o num.rsf
    rs-clean -q -i num.rsf -o num_back.csv
    rs-train -q --model logreg --label y -i num.rsf -o lr_rsf.rsm
    rs-train -q --model logreg --label y -i num_back.csv -o lr_csv.rsm
    cmp lr_rsf.rsm lr_csv.rsm
    awk -F, -v OFS=, 'NR == 4 { $1 = "1e300" } 1' d.csv > big.csv
    rs-clean -q -i big.csv --schema a:num,n:int,c:str,b:num,y:int --format rsf -o big.rsf
    run --separate-stderr rs-train -q --model gbdt --label y --trees 5 -i big.rsf -o big.rsm
    assert_failure
    assert_stderr "rs-train: big.rsf:4: column a: '1e+300' is not a finite number"
    run --separate-stderr rs-train -q --model logreg --label y --features a,n -i big.rsf -o big.rsm
    assert_failure
    assert_stderr --partial "big.rsf:4: column a: '1e+300' is not a finite number"
}
