#!/usr/bin/env bats
# Typed rsf input whose features are all number columns is read a chunk of
# rows at a time, column by column (dataset.c's chunk_reader); a row holding
# a value that path does not take as it is (beyond float range, an empty
# label, an empty cell where empty is an error) is read as a record, as
# before.  Either way the rows are the CSV file's: the same model bytes,
# the same message at the same line, on tables of several rsf blocks (8,192
# rows each) whose odd rows fall inside chunks and across their edges.

setup() {
    load test_helper/common-setup
    _common_setup
    # 20,000 rows: a (num) empty every 97th row, b (int), c (num) empty
    # every 211th row, a 0/1 label y
    awk 'BEGIN { srand(7); print "id,a,b,c,y"; for (i = 1; i <= 20000; i++) {
        a = sprintf("%.3f", rand() * 10 - 5); b = int(rand() * 100) - 50; c = sprintf("%.2f", rand())
        y = a + b / 20 + rand() > 0.5 ? 1 : 0; if (i % 97 == 0) a = ""; if (i % 211 == 0) c = ""
        print i "," a "," b "," c "," y } }' > t.csv
    # the same without empty cells (linreg takes none)
    awk -F, 'BEGIN { OFS = "," } NR > 1 { if ($2 == "") $2 = "1.5"; if ($4 == "") $4 = "0.5" } { print }' t.csv > full.csv
}

schema=id:int,a:num,b:int,c:num,y:int

# FILE.csv as rsf (FILE.rsf) with the schema given, or the default one
to_rsf() { rs-clean -q -i "$1.csv" --schema "${2:-$schema}" --format rsf -o "$1.rsf"; }

# rs-train ARGS on FILE.csv and on FILE.rsf: cmp of the two models
same_model() { # FILE ARGS...
    local file=$1
    shift
    rs-train -q "$@" -i "$file.csv" -o csv.rsm
    rs-train -q "$@" -i "$file.rsf" -o rsf.rsm
    cmp csv.rsm rsf.rsm
}

@test "gbdt (empty cells) and linreg on 20,000 rsf rows: the CSV file's model bytes, on -j 1 and 2" {
    to_rsf t
    to_rsf full
    run same_model t --model gbdt --label y --trees 3 --leaves 8 -j 1
    assert_success
    run same_model t --model gbdt --label y --trees 3 --leaves 8 -j 2
    assert_success
    run same_model full --model linreg --label y
    assert_success
}

@test "a label of -0 in a num column reads as 0 (its rsf text), the CSV file's model bytes otherwise" {
    awk -F, 'BEGIN { OFS = "," } NR > 1 { $5 = NR % 3 ? $2 * 1.5 : "-0" } { print }' full.csv > negz.csv
    to_rsf negz id:int,a:num,b:int,c:num,y:num
    run same_model negz --model gbdt --label y --loss squared --trees 3 --leaves 8
    assert_success
}

@test "a value beyond float range in row 5000 of rsf: the CSV file's message at its line (gbdt, linreg)" {
    awk -F, 'BEGIN { OFS = "," } NR == 5001 { $2 = "1e39" } { print }' full.csv > big.csv
    to_rsf big
    run --separate-stderr rs-train -q --model gbdt --label y --trees 3 -i big.rsf -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: big.rsf:5001: column a: '1e+39' is not a finite number"
    run --separate-stderr rs-train -q --model linreg --label y -i big.rsf -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: big.rsf:5001: column a: '1e+39' is not a finite number"
    run --separate-stderr rs-train -q --model linreg --label y -i big.csv -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: big.csv:5001: column a: '1e39' is not a finite number"
}

@test "an empty label in row 9000 of rsf (the second block): named at its line" {
    awk -F, 'BEGIN { OFS = "," } NR == 9001 { $5 = "" } { print }' full.csv > nolabel.csv
    to_rsf nolabel
    run --separate-stderr rs-train -q --model gbdt --label y --trees 3 -i nolabel.rsf -o m.rsm
    assert_failure 1
    assert_stderr --partial "rs-train: nolabel.rsf:9001: column y: '' is not a number"
}

@test "empty cells where linreg takes none: the first one's line, in a num and in an int column" {
    to_rsf t
    run --separate-stderr rs-train -q --model linreg --label y -i t.rsf -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: t.rsf:98: column a: '' is not a finite number"
    awk -F, 'BEGIN { OFS = "," } NR == 1025 { $3 = "" } { print }' full.csv > intgap.csv
    to_rsf intgap
    run --separate-stderr rs-train -q --model linreg --label y -i intgap.rsf -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: intgap.rsf:1025: column b: '' is not a finite number"
}

@test "gbdt's first read: a feature constant but in row 15000 is used, one constant in every row is warned about" {
    awk -F, 'BEGIN { OFS = "," } { $6 = NR == 1 ? "k" : NR == 15001 ? 2 : 1; $7 = NR == 1 ? "z" : 4; print }' \
        full.csv > late.csv
    to_rsf late id:int,a:num,b:int,c:num,y:int,k:num,z:num
    run --separate-stderr rs-train --model gbdt --label y --trees 3 -i late.rsf -o m.rsm
    assert_success
    assert_stderr --partial "feature 'z' is constant (4 in every row): its weight is 0"
    run grep -c "feature 'k'" <<< "$stderr"
    assert_output 0
}
