#!/usr/bin/env bats
# gbdt reads its training table twice and never holds it as floats: the
# first read learns labels and categories and keeps the sample the bin edges
# come from, the second bins each row as it comes (stdin is spooled).  The
# models are the bytes rs-train wrote when it held the table (fixtures), the
# sample of a larger table follows its documented rule, and bad input is
# named FILE:LINE as before.

setup() {
    load test_helper/common-setup
    _common_setup
    fixture=$BATS_TEST_DIRNAME/fixtures/gbdt-main
}

# The fixture tables: 3000 training rows, 800 validation rows, and the
# training table as typed rsf (empty cells NaN, text columns text).
make_tables() {
    awk -v rows=3000 -f "$fixture/gen.awk" > t.csv
    awk -v rows=800 -f "$fixture/gen.awk" > v.csv
    rs-clean -q -i t.csv --schema id:int,x1:num,x2:num,c:str,y:int,r:num,k:str --format rsf -o t.rsf
}

bce=(--model gbdt --label y --features x1,x2,c --trees 8 --leaves 8 --seed 3)
squared=(--model gbdt --label r --features x1,x2,c --trees 8 --leaves 8 --seed 3)
softmax=(--model gbdt --label k --loss softmax --features x1,x2,c --trees 4 --leaves 4)

@test "the fixture table has empty cells, more than 254 categories and a label not exact in float" {
    make_tables
    run awk -F, 'NR > 1 && $2 == "" { n++ } END { print n }' t.csv
    assert_output 604
    run bash -c "cut -d, -f4 t.csv | sed 1d | sort -u | wc -l"
    assert_output 273
    # r has 7 decimals: its values are doubles a float does not hold
    run awk -F, 'NR == 2 { print $6 }' t.csv
    assert_output -- "-2.9882619"
}

@test "bce with empty cells and grouped categories: the held table's model bytes from CSV, rsf and stdin" {
    make_tables
    rs-train -q "${bce[@]}" -i t.csv -o csv.rsm
    cmp csv.rsm "$fixture/bce.rsm"
    rs-train -q "${bce[@]}" -i t.rsf -o rsf.rsm
    cmp rsf.rsm "$fixture/bce.rsm"
    # a pipe: spooled to a temp file for the second read
    cat t.csv | rs-train -q "${bce[@]}" -o stdin.rsm
    cmp stdin.rsm "$fixture/bce.rsm"
    cat t.rsf | rs-train -q "${bce[@]}" -i - -o stdin_rsf.rsm
    cmp stdin_rsf.rsm "$fixture/bce.rsm"
    # stdin redirected from a file: read twice in place
    rs-train -q "${bce[@]}" < t.csv -o redirected.rsm
    cmp redirected.rsm "$fixture/bce.rsm"
}

@test "squared loss on double labels with --valid: the held table's model bytes from CSV, rsf and stdin" {
    make_tables
    rs-train -q "${squared[@]}" -i t.csv --valid v.csv -o csv.rsm
    cmp csv.rsm "$fixture/squared.rsm"
    rs-train -q "${squared[@]}" -i t.rsf --valid v.csv -o rsf.rsm
    cmp rsf.rsm "$fixture/squared.rsm"
    cat t.csv | rs-train -q "${squared[@]}" --valid v.csv -o stdin.rsm
    cmp stdin.rsm "$fixture/squared.rsm"
    run rs-predict --describe csv.rsm
    assert_line "valid_loss 2.2069814689880927"
}

@test "softmax on a text class label: the held table's model bytes from CSV, rsf and stdin" {
    make_tables
    rs-train -q "${softmax[@]}" -i t.csv -o csv.rsm
    cmp csv.rsm "$fixture/softmax.rsm"
    rs-train -q "${softmax[@]}" -i t.rsf -o rsf.rsm
    cmp rsf.rsm "$fixture/softmax.rsm"
    cat t.csv | rs-train -q "${softmax[@]}" -o stdin.rsm
    cmp stdin.rsm "$fixture/softmax.rsm"
}

# Rows 0, 2, 4, ... of gen_halves N: x alternates 0 and 1 with y = x; every
# odd row has x = 0.5 (y alternating).  When the edges come from the even
# rows alone, 0.5 is an edge (0 | 1): the split sends 0.4 left and 0.6
# right.  From every row the values are 0, 0.5, 1, the edges 0.25 and 0.75,
# and 0.4 and 0.6 share a bin: one score.
gen_halves() {
    awk -v n="$1" 'BEGIN { print "x,y"; for (i = 0; i < n; i++)
        if (i % 2 == 0) { x = int(i / 2) % 2; print x "," x } else print "0.5," int(i / 2) % 2 }'
}
one_tree=(--model gbdt --label y --trees 1 --leaves 2 --lr 1 --min-rows 1 --subsample 1)

@test "more than 200,000 rows: the edges come from rows 0, 2, 4, ... (262,144 rows: step 2)" {
    gen_halves 262144 > big.csv
    rs-train -q "${one_tree[@]}" -i big.csv -o big.rsm
    printf 'x\n0.4\n0.5\n0.6\n' > probe.csv
    rs-predict -m big.rsm -i probe.csv -o p.csv
    s04=$(sed -n 2p p.csv | cut -d, -f2) s05=$(sed -n 3p p.csv | cut -d, -f2) s06=$(sed -n 4p p.csv | cut -d, -f2)
    # 0.5 is the edge: 0.4 and 0.5 go left with the x = 0 rows, 0.6 right with the x = 1 rows
    assert_equal "$s04" "$s05"
    awk -v a="$s04" -v b="$s06" 'BEGIN { exit !(a + 0.3 < b) }'
}

@test "at most 200,000 rows: every row is in the sample (200,000 rows: 0.4 and 0.6 share a bin)" {
    gen_halves 200000 > all.csv
    rs-train -q "${one_tree[@]}" -i all.csv -o all.rsm
    printf 'x\n0.4\n0.6\n' > probe.csv
    rs-predict -m all.rsm -i probe.csv -o p.csv
    assert_equal "$(sed -n 2p p.csv | cut -d, -f2)" "$(sed -n 3p p.csv | cut -d, -f2)"
}

@test "more than 200,000 rows: the sample is deterministic, the same bytes from a file, stdin and rsf" {
    # 500,001 rows: step 4 (the sample halves twice while the rows are read)
    awk 'BEGIN { print "a,b,y"; for (i = 0; i <= 500000; i++)
        printf "%d,%.3f,%d\n", (i * 7919) % 1000, sin(i) * 100, (i * 7919) % 1000 < 400 }' > big.csv
    rs-train -q --model gbdt --label y --trees 3 --leaves 4 -i big.csv -o one.rsm
    rs-train -q --model gbdt --label y --trees 3 --leaves 4 -i big.csv -o two.rsm
    cmp one.rsm two.rsm
    cat big.csv | rs-train -q --model gbdt --label y --trees 3 --leaves 4 -o stdin.rsm
    cmp one.rsm stdin.rsm
    rs-clean -q -i big.csv --schema a:int,b:num,y:int --format rsf -o big.rsf
    rs-train -q --model gbdt --label y --trees 3 --leaves 4 -i big.rsf -o rsf.rsm
    cmp one.rsm rsf.rsm
    run rs-predict --describe one.rsm
    assert_line "train_rows 500001"
}

@test "bad input is named FILE:LINE on the first read, from a file and from stdin" {
    printf 'x,y\n1,0\n2,1\nabc,0\n4,1\n' > bad.csv
    run --separate-stderr rs-train --model gbdt --label y -i bad.csv -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: bad.csv:4: column x: 'abc' is not a finite number"
    run --separate-stderr bash -c "cat bad.csv | rs-train --model gbdt --label y -o m.rsm"
    assert_failure 1
    assert_stderr "rs-train: -:4: column x: 'abc' is not a finite number"
    printf 'x,y\n1,0\n2,1\n3\n' > short.csv
    run --separate-stderr rs-train --model gbdt --label y -o m.rsm < short.csv
    assert_failure 1
    assert_stderr "rs-train: -:4: expected 2 fields, got 1 (clean the table with rs-clean first)"
    [ ! -e m.rsm ]
}

@test "bad input: a --valid file with a bad cell is named FILE:LINE; constant features are warned about once" {
    printf 'x,z,y\n1,5,0\n2,5,1\n3,5,0\n4,5,1\n' > t.csv
    printf 'x,z,y\n1,5,0\n2,zz,1\n' > v.csv
    run --separate-stderr rs-train --model gbdt --label y --trees 2 -i t.csv --valid v.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "rs-train: v.csv:3: column z: 'zz' is not a finite number"
    run --separate-stderr rs-train --model gbdt --label y --trees 2 -i t.csv -o m.rsm
    assert_success
    run grep -c "feature 'z' is constant (5 in every row)" <<< "$stderr"
    assert_output 1
}

@test "bad input: a pipe that cannot be spooled for the second read is an error naming stdin, no model" {
    printf 'x,y\n1,0\n2,1\n3,0\n' > t.csv
    run --separate-stderr bash -c "cat t.csv | TMPDIR=/nonexistent rs-train --model gbdt --label y -o m.rsm"
    assert_failure 1
    assert_stderr "rs-train: -: cannot create temp file for a second pass: No such file or directory"
    [ ! -e m.rsm ]
}

# One tree of one split on x, every row seen, no shrinkage: each side's leaf
# is its label minus the base score, so each score is its row's label.
step=(--model gbdt --label y --trees 1 --leaves 2 --lr 1 --l2 0 --min-rows 1 --subsample 1)

@test "labels read in passes: bytes (whole numbers 0..255) and floats (256, -1, 0.5) give each label back exactly" {
    # label pairs: both bytes; whole but past 255; whole but below 0; not whole
    for pair in 0:255 7:256 -1:2 3:0.5; do
        a=${pair%%:*} b=${pair#*:}
        printf 'x,y\n1,%s\n2,%s\n3,%s\n4,%s\n' "$a" "$a" "$b" "$b" > t.csv
        rs-train -q "${step[@]}" -i t.csv -o m.rsm
        rs-predict -m m.rsm -i t.csv -o p.csv
        run cut -d, -f2 p.csv
        assert_output "$(printf 'score\n%s\n%s\n%s\n%s' "$a" "$a" "$b" "$b")"
    done
}

@test "a sample with no row drawn takes one row: its tree reaches every row once (loss and scores by hand)" {
    printf 'x,y\n1,1\n2,2\n3,3\n4,6\n' > t.csv
    # --subsample 1e-6 draws no row of 4: seed 4 takes row 1 (y = 1) alone.
    # Its leaf is 1 - 3 (base 3) with --lr 1 --l2 0, so every row's score is
    # 1 and the train loss is (0 + 1 + 4 + 25) / 2 / 4 = 3.75 (row 1 counted
    # twice: 4.25; the other rows not walked: 1.25).
    run --separate-stderr rs-train --progress --model gbdt --label y --trees 1 --lr 1 --l2 0 --min-rows 1 \
        --subsample 0.000001 --seed 4 -i t.csv -o m.rsm
    assert_success
    run grep -x "rs-train: tree 1: train loss 3.750000" <<< "$stderr"
    assert_success
    rs-predict -m m.rsm -i t.csv -o p.csv
    run cut -d, -f2 p.csv
    assert_output "$(printf 'score\n1\n1\n1\n1')"
}

@test "the raw scores kept while training are the model's: the train loss equals the loss of rs-predict's scores; -j 1 and -j 2 write the same bytes" {
    # 120,000 rows, --subsample 0.9: about 108,000 rows a tree, enough for
    # the threads; the sample's rows get their leaves from the grown tree's
    # row order, the others walk it.  The train loss rs-train prints after
    # tree 10 comes from its float raw scores; the model scores every row
    # again in doubles: the two agree to the printed digits.
    awk 'BEGIN { srand(5); print "a,b,y"; for (i = 0; i < 120000; i++) {
        a = rand() * 10; b = int(rand() * 5); printf "%.3f,%d,%.4f\n", a, b, sin(a) * b + rand() } }' > t.csv
    for j in 1 2; do
        run --separate-stderr rs-train --progress --model gbdt --label y --trees 10 --lr 0.3 --subsample 0.9 \
            -j "$j" -i t.csv -o "m$j.rsm"
        assert_success
        train=$(sed -n 's/^rs-train: tree 10: train loss //p' <<< "$stderr")
        rs-predict -m "m$j.rsm" -i t.csv --keep y -o p.csv
        scored=$(awk -F, 'NR > 1 { d = $2 - $3; s += d * d / 2; n++ } END { printf "%.6f", s / n }' p.csv)
        assert_equal "$train" "$scored"
    done
    # the sample's draw, its rows' leaves and the walks split over threads
    # by fixed ranges: the same model whatever -j
    cmp m1.rsm m2.rsm
}

@test "log loss holds no label column while it trains (a row's label is its gradient's sign): rows whose p is exactly 1 keep label 1" {
    # separable, learning rate 1, no L2: after 60 trees every y = 1 row
    # has raw ~40, p = 1 in doubles and a gradient of zero, which must be
    # -0 to say y = 1; were the label lost there, the next trees would
    # push those rows to p = 0
    awk 'BEGIN { print "x,y"; for (i = 0; i < 400; i++) printf "%d,%d\n", i, (i >= 200) }' > t.csv
    run --separate-stderr rs-train --progress --model gbdt --label y --trees 60 --lr 1 --l2 0 --min-rows 1 \
        --min-hessian 0 --subsample 1 -i t.csv -o m.rsm
    assert_success
    train=$(sed -n 's/^rs-train: tree 60: train loss //p' <<< "$stderr")
    assert_equal "$train" 0.000000
    rs-predict -m m.rsm -i t.csv --keep y -o p.csv
    run awk -F, 'NR > 1 && $3 == 1 && $2 == 1 { n++ } END { print n + 0 }' p.csv
    assert_output 200
    run awk -F, 'NR > 1 && $3 == 0 && $2 < 1e-15 { n++ } END { print n + 0 }' p.csv
    assert_output 200
}
