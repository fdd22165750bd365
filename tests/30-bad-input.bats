#!/usr/bin/env bats
# Bad input and failing output: a clear "rs-clean: FILE:LINE: message", the
# documented exit code, never a crash or silently lost rows.

setup() {
    load test_helper/common-setup
    _common_setup
}

@test "unterminated quote: error at the line where the field opens, exit 1" {
    printf 'a,b\n1,2\n3,"never closed\n4,5\n' > t.csv
    run --separate-stderr rs-clean -i t.csv
    assert_failure 1
    assert_stderr 'rs-clean: t.csv:3: unterminated quoted field (the closing quote is missing)'
}

@test "ragged rows are rejected with their line and reason; the rest goes through" {
    printf 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n' > t.csv
    run --separate-stderr rs-clean -i t.csv
    assert_success
    assert_output $'a,b,c\n1,2,3\n10,11,12'
    assert_stderr --partial 'rs-clean: t.csv:3: expected 3 fields, got 2: row rejected'
    assert_stderr --partial 'rs-clean: t.csv:4: expected 3 fields, got 4: row rejected'
    assert_stderr --partial 'rs-clean: t.csv: 4 rows in, 2 out, 2 rejected'
    run rs-clean -i t.csv --rejects rej.csv -q
    run cat rej.csv
    assert_output $'line,reason,a,b,c\n3,"expected 3 fields, got 2",4,5\n4,"expected 3 fields, got 4",6,7,8,9'
}

@test "an empty file is an error: a header is expected" {
    : > empty.csv
    run --separate-stderr rs-clean -i empty.csv
    assert_failure 1
    assert_stderr 'rs-clean: empty.csv: empty input (expected a header line)'
}

@test "a header-only file is an empty table: header out, zero rows counted" {
    printf 'a,b\n' > h.csv
    run --separate-stderr rs-clean -i h.csv --report rep.json
    assert_success
    assert_output 'a,b'
    [ "$(json_count rep.json rows_in)" = 0 ]
    [ "$(json_count rep.json rows_out)" = 0 ]
}

@test "NUL bytes: the row is rejected with its line, not truncated or passed on" {
    printf 'a,b\n1,x\0y\n2,z\n' > nul.csv
    run --separate-stderr rs-clean -i nul.csv --rejects rej.csv
    assert_success
    assert_output $'a,b\n2,z'
    run cut -d, -f1,2 rej.csv
    assert_output $'line,reason\n2,NUL byte'
    run --separate-stderr rs-clean -i nul.csv
    assert_stderr --partial 'rs-clean: nul.csv:2: NUL byte: row rejected'
}

@test "invalid UTF-8 passes through byte for byte, with a warning naming the line" {
    printf 'a,b\n1,caf\xe9\n2,ok\n' > latin1.csv
    run --separate-stderr rs-clean -i latin1.csv -o out.csv --report rep.json
    assert_success
    assert_stderr 'rs-clean: latin1.csv:2: invalid UTF-8 in column b (passed through unchanged; rows counted in the report)'
    run cmp latin1.csv out.csv
    assert_success
    [ "$(json_count rep.json invalid_utf8_rows)" = 1 ]
}

@test "a 10 MB field is an error under the default bound, and fine when raised" {
    { printf 'a,b\n1,'; head -c 10485760 /dev/zero | tr '\0' x; printf '\n2,y\n'; } > huge.csv
    run --separate-stderr rs-clean -i huge.csv
    assert_failure 1
    assert_stderr 'rs-clean: huge.csv:2: field longer than 1048576 bytes (unterminated quote? raise --max-field)'
    run --separate-stderr rs-clean -i huge.csv --max-field 20000000 -o out.csv
    assert_success
    run cmp huge.csv out.csv
    assert_success
}

@test "an unknown column in an option: exit 2, listing the columns that exist" {
    printf 'InvoiceNo,Quantity\n1,2\n' > t.csv
    run --separate-stderr rs-clean -i t.csv --keep-if 'Qty>0'
    assert_failure 2
    assert_stderr $'rs-clean: t.csv: unknown column \'Qty\' in --keep-if (columns: InvoiceNo, Quantity)\nTry \'rs-clean --help\' for more information.'
    for opt in "--select Qty" "--schema Qty:int" "--require Qty" "--lower Qty" "--dedupe=Qty" "--fill Qty=0" "--outliers Qty:iqr"; do
        run --separate-stderr rs-clean -i t.csv $opt
        assert_failure 2
        assert_stderr --partial "unknown column 'Qty'"
    done
}

@test "a duplicated header name is ambiguous when an option uses it" {
    printf 'a,a\n1,2\n' > t.csv
    run --separate-stderr rs-clean -i t.csv --select a
    assert_failure 2
    assert_stderr --partial "column 'a' in --select is ambiguous: the header has it 2 times"
}

@test "an unwritable output is exit 1: /dev/full as -o and as stdout" {
    printf 'a\n1\n' > t.csv
    run --separate-stderr rs-clean -i t.csv -o /dev/full
    assert_failure 1
    assert_stderr 'rs-clean: /dev/full: write error: No space left on device'
    run --separate-stderr bash -c 'rs-clean -i t.csv > /dev/full'
    assert_failure 1
    assert_stderr 'rs-clean: stdout: write error: No space left on device'
    run --separate-stderr rs-clean -i t.csv --rejects /dev/full
    assert_failure 1
    run --separate-stderr rs-clean --help
    run --separate-stderr bash -c 'rs-clean --help > /dev/full'
    assert_failure 1
    assert_stderr 'rs-clean: stdout: write error'
}

@test "a missing input file or directory: exit 1 naming it; nothing left behind" {
    run --separate-stderr rs-clean -i nope.csv -o out.csv
    assert_failure 1
    assert_stderr 'rs-clean: nope.csv: cannot open: No such file or directory'
    run --separate-stderr rs-clean -i . -o out.csv
    assert_failure 1
    assert_stderr 'rs-clean: .: is a directory'
    run ls
    refute_output --partial out.csv
}

@test "output files appear whole or not at all: an error leaves the old file untouched" {
    printf 'a,b\n1,2\n' > good.csv
    printf 'a,b\n1,"open\n' > bad.csv
    rs-clean -i good.csv -o out.csv
    run rs-clean -i bad.csv -o out.csv
    assert_failure 1
    run cat out.csv
    assert_output $'a,b\n1,2'
    run bash -c 'ls | grep -c tmp'
    assert_output 0
}

@test "a closed pipe downstream ends quietly with status 0" {
    awk 'BEGIN { print "a,b"; for (i = 0; i < 300000; i++) print i "," i }' > big.csv
    run --separate-stderr bash -c 'set -o pipefail; rs-clean -i big.csv | head -1'
    assert_success
    assert_output 'a,b'
    [ -z "$stderr" ]
}

@test "a gzip file is refused with the zcat pipe to use, from a file and from stdin (issue 12)" {
    printf 'user,item\nu1,a\n' > t.csv
    gzip -k t.csv
    run --separate-stderr rs-clean -i t.csv.gz
    assert_failure 1
    refute_output
    assert_stderr "rs-clean: t.csv.gz: gzip-compressed data, not a table: decompress it first (zcat t.csv.gz | rs-clean ... -i -)"
    run --separate-stderr bash -c 'rs-train --model pop -o m.rsm < t.csv.gz'
    assert_failure 1
    assert_stderr "rs-train: -: gzip-compressed data, not a table: decompress it first (zcat FILE | rs-train ... -i -)"
    run --separate-stderr rs-recommend -m t.csv.gz
    assert_failure 1
    assert_stderr "rs-recommend: t.csv.gz: not a valid rs model file (it is gzip-compressed data)"
    # and the pipe it names works
    run --separate-stderr bash -c 'zcat t.csv.gz | rs-clean -i -'
    assert_success
    assert_output $'user,item\nu1,a'
}

@test "a model given as a table, and a table given as a model, are named for what they are (issue 12)" {
    printf 'user,item\nu1,a\nu2,a\n' > t.csv
    rs-train --model pop -i t.csv -o m.rsm -q
    rs-clean -i t.csv --format rsf -o t.rsf
    run --separate-stderr rs-clean -i m.rsm
    assert_failure 1
    refute_output
    assert_stderr "rs-clean: m.rsm: an rs model file (.rsm), not a table: a model is read with -m by rs-predict and rs-recommend (rs-predict --describe shows what it holds)"
    run --separate-stderr rs-recommend -m m.rsm --users m.rsm
    assert_failure 1
    assert_stderr --partial "rs-recommend: m.rsm: an rs model file (.rsm), not a table"
    run --separate-stderr rs-recommend -m t.rsf
    assert_failure 1
    assert_stderr "rs-recommend: t.rsf: not a valid rs model file (it is an rsf table; models are written by rs-train -o)"
    run --separate-stderr rs-predict -m t.csv -i t.csv
    assert_failure 1
    assert_stderr "rs-predict: t.csv: not a valid rs model file (it is a text file, a CSV table perhaps; models are written by rs-train -o)"
}

@test "a header with tabs read as one column gets a hint to use -d '\\t' (issue 12)" {
    printf 'user\titem\nu1\ta\n' > t.tsv
    run --separate-stderr rs-train --model pop -i t.tsv -o m.rsm
    assert_failure 2
    assert_stderr "rs-train: t.tsv:1: the header is one column that holds tabs: if the file is tab-separated, read it with -d '\\t'
rs-train: t.tsv: unknown column 'user' in --user-col (columns: user	item)
Try 'rs-train --help' for more information."
    run --separate-stderr rs-train --model pop -i t.tsv -d '\t' -o m.rsm
    assert_success
    assert_stderr --partial 'rs-train: pop: 1 users x 1 items'
    run --separate-stderr rs-clean -q -i t.tsv
    assert_success
    assert_stderr ''
}
