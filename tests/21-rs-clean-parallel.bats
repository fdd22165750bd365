#!/usr/bin/env bats
# rs-clean -j N: parts of the input cleaned on N threads, written in input
# order, must give the bytes of -j 1 (output, rejects, report, stderr).
#
# RS_CLEAN_PART_BYTES (a test hook, read by cmd/rs-clean.c) sets how many
# bytes a part holds before it is cut at the next '\n'.  With 1 every
# physical line is a part, so every quoted newline is a cut inside a quoted
# field, which the reader must detect and undo.

setup_file() {
    # messy.csv: 400 rows; every 7th has a quoted newline, every 11th a
    # quoted field holding a blank line, every 41st a stray quote inside an
    # unquoted field (5" x 7, read as text), every 37th is ragged (a 7th
    # field, tagged RAGGED<i>), every 31st has a Latin-1 byte, every 29th
    # ends in CRLF, a blank line follows every 23rd.
    LC_ALL=C awk 'BEGIN {
        print "id,name,qty,price,day,country"
        for (i = 1; i <= 400; i++) {
            name = "item" i
            if (i % 7 == 0) name = "\"line one\nline two, \"\"quoted\"\"\""
            if (i % 11 == 0) name = "\"multi\n\nblank inside\""
            if (i % 41 == 0) name = "5\" x 7"
            if (i % 31 == 0) name = "caf\351"
            qty = i % 13 == 0 ? "" : (i % 5 == 0 ? -(i % 9) : i % 17)
            price = i % 19 == 0 ? "abc" : sprintf("%.2f", i * 0.37)
            day = sprintf("2024-01-%02d", i % 28 + 1)
            country = i % 3 == 0 ? "France" : "United Kingdom"
            extra = i % 37 == 0 ? ",RAGGED" i : ""
            printf "%d,%s,%s,%s,%s,%s%s%s\n", i, name, qty, price, day, country, extra, i % 29 == 0 ? "\r" : ""
            if (i % 23 == 0) print ""
        }
    }' > "$BATS_FILE_TMPDIR/messy.csv"
    printf 'alias,id\nFrance,FR\nUnited Kingdom,UK\n' > "$BATS_FILE_TMPDIR/map.csv"
    # edge.csv: 300 rows for the in-place splitter and its hand-offs to
    # libcsv: CRLF (every 13th), bad UTF-8 (17th), good UTF-8 (19th), a 5th
    # field (23rd), a 3rd field missing (29th), a NUL byte (31st), empty
    # fields (37th), a blank line after (43rd), a stray quote (47th), a lone
    # CR inside a field (53rd), a quoted field of 40 lines (61st), a quoted
    # empty field (67th); the last row has no final newline.
    LC_ALL=C awk 'BEGIN {
        print "id,name,qty,note"
        for (i = 1; i <= 300; i++) {
            name = "item" i; qty = i % 7 - 2; note = "n" i
            if (i % 17 == 0) name = "bad\377" i
            if (i % 19 == 0) name = "caf\303\251" i
            if (i % 31 == 0) note = sprintf("nul%cbyte", 0)
            if (i % 47 == 0) name = "5\" x 7"
            if (i % 53 == 0) note = "lone\rcr"
            if (i % 67 == 0) note = "\"\""
            if (i % 61 == 0) {
                note = "\"first"
                for (k = 2; k <= 40; k++) note = note "\nline " k
                note = note "\""
            }
            row = i "," name "," qty "," note
            if (i % 23 == 0) row = row ",EXTRA"
            if (i % 29 == 0) row = i "," name "," qty
            if (i % 37 == 0) row = i ",,,"
            printf "%s%s%s", row, i % 13 == 0 ? "\r" : "", i < 300 ? "\n" : ""
            if (i % 43 == 0) print ""
        }
    }' > "$BATS_FILE_TMPDIR/edge.csv"
    # huge.csv: 200 KB fields, plain (row 5) and quoted across 2000 lines
    # (row 9), among short rows: they span several parts of 4 KB
    LC_ALL=C awk 'BEGIN {
        print "id,text,qty"
        big = "x"; while (length(big) < 200000) big = big big
        for (i = 1; i <= 12; i++) {
            text = "t" i
            if (i == 5) text = substr(big, 1, 200000)
            if (i == 9) { text = "\"q"; for (k = 0; k < 2000; k++) text = text "\n" substr(big, 1, 99); text = text "\"" }
            printf "%d,%s,%d\n", i, text, i % 3
        }
    }' > "$BATS_FILE_TMPDIR/huge.csv"
}

setup() {
    load test_helper/common-setup
    _common_setup
    cp "$BATS_FILE_TMPDIR/messy.csv" "$BATS_FILE_TMPDIR/map.csv" "$BATS_FILE_TMPDIR/edge.csv" \
        "$BATS_FILE_TMPDIR/huge.csv" .
}

# Run rs-clean with -j J and parts of P bytes; keep status, stdout, stderr,
# rejects and report under the name TAG.
clean_as() { # TAG J P ARGS...
    local tag=$1 j=$2 p=$3 status=0
    shift 3
    RS_CLEAN_PART_BYTES=$p rs-clean -j "$j" "$@" --rejects "rej.$tag" --report "rep.$tag" \
        > "out.$tag" 2> "err.$tag" || status=$?
    echo "$status" > "status.$tag"
}

@test "quoted newlines on every cut: -j 2, 3 and 4 with parts of 1 to 4096 bytes give the -j 1 bytes" {
    clean_as one 1 0 -i messy.csv
    # what -j 1 reads, counted without rs: 400 rows, 10 ragged (37, 74, ... 370)
    [ "$(json_count rep.one rows_in)" -eq 400 ]
    [ "$(json_count rep.one rows_rejected)" -eq 10 ]
    [ "$(json_count rep.one blank_lines)" -eq 17 ]
    for p in 1 5 17 64 333 4096; do
        for j in 2 3 4; do
            clean_as "p$p.j$j" "$j" "$p" -i messy.csv
            cmp out.one "out.p$p.j$j"
            cmp rej.one "rej.p$p.j$j"
            cmp rep.one "rep.p$p.j$j"
            # -j above the CPU count adds a note; the rest of stderr is the same
            cmp err.one <(grep -v '^rs-clean: -j [0-9]*: ' "err.p$p.j$j")
        done
    done
}

@test "a quoted field with a newline comes out whole, with its row, under -j 2 and 1-byte parts" {
    run --separate-stderr env RS_CLEAN_PART_BYTES=1 rs-clean -j 2 -i messy.csv --select id,name --keep-if 'id<=7'
    assert_success
    assert_output "$(printf 'id,name\n1,item1\n2,item2\n3,item3\n4,item4\n5,item5\n6,item6\n7,"line one\nline two, ""quoted"""')"
}

@test "every option under -j 2 gives the -j 1 output, rejects, report, stderr and status" {
    local -a cases=(
        ""
        "--schema qty:int,price:num,day:time"
        "--schema day:time --time-format %Y-%m-%d --time-out epoch"
        "--trim --lower country,name"
        "--require qty"
        "--fill qty=0"
        "--fill qty=mean --schema qty:int"
        "--fill qty=median --schema qty:num"
        "--fill qty=mode"
        "--keep-if qty>0 --schema qty:int"
        "--drop-if country~^Fr"
        "--drop-if name~line"
        "--keep-if price>=10 --drop-if id=100"
        "--outliers qty:iqr --schema qty:int"
        "--outliers qty:zscore:1:clip --schema qty:int"
        "--outliers price:mad:2:clip --schema price:num"
        "--dedupe=country,day"
        "--dedupe --dedupe-keep last --select country"
        "--id-map map.csv --id-col country"
        "--id-map map.csv --id-col name --id-map-strict"
        "--select country,qty,id --rename qty=quantity,id=ID"
        "--strict"
        "--strict --schema price:num"
        "--no-header"
        "-d ;"
        "--format rsf"
        "--max-field 20"
        "--quiet"
        "--verbose --schema price:num --fill qty=0 --outliers qty:iqr:1.5:clip"
    )
    for args in "${cases[@]}"; do
        # shellcheck disable=SC2086
        clean_as one 1 0 -i messy.csv $args
        # shellcheck disable=SC2086
        clean_as two 2 61 -i messy.csv $args
        echo "case: $args"
        cmp status.one status.two
        cmp out.one out.two
        cmp err.one <(grep -v '^rs-clean: -j [0-9]*: ' err.two)   # the note of -j above the CPUs aside
        if [ -e rej.one ]; then cmp rej.one rej.two; fi
        if [ -e rep.one ]; then cmp rep.one rep.two; fi
        rm -f rej.* rep.*
    done
}

@test "-j 2: a ragged row is reported at its own line, counted past quoted newlines and blank lines" {
    line=$(grep -n RAGGED370 messy.csv | cut -d: -f1)
    [ "$line" -gt 400 ]   # the quoted newlines and blank lines push it past row 370's number
    run --separate-stderr env RS_CLEAN_PART_BYTES=7 rs-clean -j 2 -i messy.csv -o out.csv
    assert_success
    assert_stderr --partial "rs-clean: messy.csv:$line: expected 6 fields, got 7: row rejected"
    run --separate-stderr env RS_CLEAN_PART_BYTES=7 rs-clean -j 2 -i messy.csv --strict -o out.csv
    assert_failure 1
    first=$(grep -n 'RAGGED37$' messy.csv | cut -d: -f1)
    assert_stderr --partial "rs-clean: messy.csv:$first: expected 6 fields, got 7 (--strict)"
}

@test "-j 2: the rejects file names each bad row's line (where a record with a quoted newline starts)" {
    RS_CLEAN_PART_BYTES=3 rs-clean -j 2 -i messy.csv --rejects rej.csv -o out.csv
    for i in 37 74 111 148 185 222 296 333 370; do
        line=$(grep -n "RAGGED$i\$" messy.csv | cut -d: -f1)
        grep -q "^$line,\"expected 6 fields, got 7\",$i," rej.csv
    done
    # row 259 has a quoted newline: its line is where the record starts
    line=$(grep -n '^259,"line one$' messy.csv | cut -d: -f1)
    grep -q "^$line,\"expected 6 fields, got 7\",259,\"line one\$" rej.csv
    [ "$(wc -l < rej.csv)" -eq 12 ]   # header, 10 rows, one of them two lines long
}

@test "-j 2: more than 10 malformed rows give the same 10 warnings and the same note as -j 1" {
    { echo a,b; for i in $(seq 1 30); do echo "$i,x,y"; echo "$i,ok"; done; } > ragged.csv
    run --separate-stderr rs-clean -j 1 -i ragged.csv -o one.csv
    expected=$stderr
    run --separate-stderr env RS_CLEAN_PART_BYTES=10 rs-clean -j 2 -i ragged.csv -o two.csv
    assert_success
    assert_stderr "$expected"
    [ "$(grep -c 'row rejected' <<< "$stderr")" -eq 10 ]
    assert_stderr --partial "ragged.csv:20: expected 2 fields, got 3: row rejected (further ones are not shown; see --rejects)"
}

@test "-j 2: invalid UTF-8 is warned about once, at its first line" {
    line=$(LC_ALL=C grep -n "$(printf 'caf\351')" messy.csv | head -1 | cut -d: -f1)
    run --separate-stderr env RS_CLEAN_PART_BYTES=9 rs-clean -j 2 -i messy.csv --report rep.json -o out.csv
    assert_success
    assert_stderr --partial "messy.csv:$line: invalid UTF-8 in column name"
    [ "$(grep -c 'invalid UTF-8' <<< "$stderr")" -eq 1 ]
    [ "$(json_count rep.json invalid_utf8_rows)" -eq 12 ]
}

@test "-j 2: an unterminated quote is an error at the line where its field starts" {
    { echo a,b; for i in $(seq 1 50); do echo "$i,x"; done; echo '51,"open'; echo '52,y'; } > open.csv
    run --separate-stderr env RS_CLEAN_PART_BYTES=4 rs-clean -j 2 -i open.csv -o out.csv
    assert_failure 1
    assert_stderr "rs-clean: open.csv:52: unterminated quoted field (the closing quote is missing)"
    run --separate-stderr rs-clean -j 1 -i open.csv -o out.csv
    assert_stderr "rs-clean: open.csv:52: unterminated quoted field (the closing quote is missing)"
    [ ! -e out.csv ]
}

@test "-j 2: a header with a quoted newline, a BOM with --no-header, CRLF and blank lines before the header" {
    printf '\n\n"a\nb",c\r\n1,2\r\n\r\n3,"4\r\n5"\r\n' > head.csv
    run --separate-stderr env RS_CLEAN_PART_BYTES=1 rs-clean -j 2 -i head.csv --report rep.json
    assert_success
    assert_output "$(printf '"a\nb",c\n1,2\n3,"4\r\n5"')"
    [ "$(json_count rep.json blank_lines)" -eq 3 ]
    printf '\xef\xbb\xbfx,y\n1,2\n' > bom.csv
    run --separate-stderr env RS_CLEAN_PART_BYTES=1 rs-clean -j 2 -i bom.csv --no-header
    assert_success
    assert_output "$(printf 'c1,c2\nx,y\n1,2')"
}

@test "-j 2 on standard input, rsf output and --dedupe runs on one thread with the same bytes" {
    rs-clean -j 1 -i messy.csv --dedupe=country -o one.csv
    RS_CLEAN_PART_BYTES=5 rs-clean -j 2 -i - --dedupe=country -o two.csv < messy.csv
    cmp one.csv two.csv
    [ "$(wc -l < one.csv)" -eq 3 ]
}

@test "-j 2: a full disk is an error, as with -j 1" {
    run --separate-stderr env RS_CLEAN_PART_BYTES=64 rs-clean -j 2 -q -i messy.csv -o /dev/full
    assert_failure 1
    assert_stderr "rs-clean: /dev/full: write error: No space left on device"
}

@test "-j 2: --progress reports the rows read at the end, as -j 1 does" {
    run --separate-stderr env RS_CLEAN_PART_BYTES=64 rs-clean -j 2 --progress -i messy.csv -o out.csv --rejects rej.csv
    assert_success
    assert_stderr --partial "rs-clean: 400 rows"
    [ -z "$output" ]
}

# Compare runs TAG1 and TAG2 of clean_as: status, output, stderr (the -j
# note aside), rejects and report.
same_runs() { # TAG1 TAG2
    cmp "status.$1" "status.$2"
    cmp "out.$1" "out.$2"
    cmp "err.$1" <(grep -v '^rs-clean: -j [0-9]*: ' "err.$2")
    if [ -e "rej.$1" ]; then cmp "rej.$1" "rej.$2"; fi
    if [ -e "rep.$1" ]; then cmp "rep.$1" "rep.$2"; fi
}

@test "edge.csv: what -j 1 reads (the counts the -j comparisons below rest on)" {
    clean_as one 1 0 -i edge.csv --keep-if 'qty>0'
    [ "$(cat status.one)" -eq 0 ]
    # libcsv ends a record at a lone CR: rows 53 106 159 212 265 are two
    # records each, the second one field ("cr")
    [ "$(json_count rep.one rows_in)" -eq 305 ]
    [ "$(json_count rep.one blank_lines)" -eq 6 ]
    # 13 rows with a 5th field (23 ... 299), 10 with 3 (29 ... 290), 9 NUL
    # rows (31 ... 279), 5 one-field "cr" records
    [ "$(json_count rep.one malformed_rows)" -eq 37 ]
    grep -q '"expected 4 fields, got 5": 13,' rep.one
    grep -q '"expected 4 fields, got 3": 10,' rep.one
    grep -q '"NUL byte": 9,' rep.one
    grep -q '"expected 4 fields, got 1": 5$' rep.one
    [ "$(json_count rep.one invalid_utf8_rows)" -eq 17 ]   # 17 ... 289
    # row 62 follows the 40-line field of row 61: its line counts those lines
    line=$(grep -an '^62,item62,' edge.csv | cut -d: -f1)
    [ "$line" -eq 103 ]
    grep -aq "^103,NUL byte,62,item62," rej.one
    # the last row, without a final newline, is read
    [ "$(tail -c 1 edge.csv | od -An -c | tr -d ' ')" = 0 ]
    [ "$(tail -1 out.one)" = "300,item300,4,n300" ]
}

@test "edge.csv: CRLF, BOM-free bad UTF-8, NUL, ragged rows, lone CRs, a 40-line quoted field and no final newline: -j 2 and 3 give the -j 1 bytes on every cut" {
    local -a cases=(
        ""
        "--keep-if qty>0"
        "--drop-if name~^item1 --select note,id"
        "--keep-if note!= --rename qty=q"
        "--strict"
        "--max-field 30"
        "--trim --keep-if qty>=0"
    )
    for args in "${cases[@]}"; do
        echo "case: $args"
        # shellcheck disable=SC2086
        clean_as one 1 0 -i edge.csv $args
        for p in 1 7 64 333 4096; do
            # shellcheck disable=SC2086
            clean_as "p$p" 2 "$p" -i edge.csv $args
            same_runs one "p$p"
        done
        # shellcheck disable=SC2086
        clean_as three 3 50 -i edge.csv $args
        same_runs one three
        rm -f rej.* rep.*
    done
}

@test "edge.csv with --strict stops at the first malformed row, at its line, under -j 2" {
    run --separate-stderr env RS_CLEAN_PART_BYTES=64 rs-clean -j 2 -i edge.csv --strict -o out.csv
    assert_failure 1
    assert_stderr "$(printf '%s\n' \
        'rs-clean: edge.csv:18: invalid UTF-8 in column name (passed through unchanged; rows counted in the report)' \
        'rs-clean: edge.csv:24: expected 4 fields, got 5 (--strict)')"
    [ ! -e out.csv ]
}

@test "huge.csv: 200 KB fields, one quoted across 2000 lines and several parts, come out whole under -j 2" {
    for p in 4096 65536 0; do
        clean_as one 1 0 -i huge.csv --keep-if 'qty>=0'
        clean_as "p$p" 2 "$p" -i huge.csv --keep-if 'qty>=0'
        same_runs one "p$p"
    done
    [ "$(json_count rep.one rows_in)" -eq 12 ]
    [ "$(json_count rep.one rows_out)" -eq 12 ]
    [ "$(sed -n 6p out.one | cut -d, -f2 | wc -c)" -eq 200001 ]
    # row 9's field: 2000 quoted newlines, each followed by 99 x, then row 10 on its own line
    [ "$(grep -c '^x\{99\}' out.one)" -eq 2000 ]
    [ "$(grep -c '^x' out.one)" -eq 2000 ]
    grep -q '^10,t10,1$' out.one
}

@test "huge.csv: a field over --max-field is an error at its line under -j 2, as under -j 1" {
    run --separate-stderr env RS_CLEAN_PART_BYTES=4096 rs-clean -j 2 -i huge.csv --max-field 100000 -o out.csv
    assert_failure 1
    assert_stderr "rs-clean: huge.csv:6: field longer than 100000 bytes (unterminated quote? raise --max-field)"
    run --separate-stderr rs-clean -j 1 -i huge.csv --max-field 100000 -o out.csv
    assert_stderr "rs-clean: huge.csv:6: field longer than 100000 bytes (unterminated quote? raise --max-field)"
}

@test "a 2 MB file: kept runs written in place, rows libcsv read and rewritten rows interleave in input order under -j 2 and 3" {
    # 40,000 rows: every 9th quoted with a comma, every 50th with a quoted
    # newline, every 7th a negative qty; outputs above the write buffer
    LC_ALL=C awk 'BEGIN {
        print "id,name,qty,city"
        for (i = 1; i <= 40000; i++) {
            name = i % 9 == 0 ? "\"n, " i "\"" : (i % 50 == 0 ? "\"two\nlines " i "\"" : "name" i)
            printf "%d,%s,%d,city%d\n", i, name, i % 7 == 0 ? -i : i, i % 100
        }
    }' > big.csv
    [ "$(wc -c < big.csv)" -gt 1000000 ]
    local -a cases=("--keep-if qty>0" "--keep-if qty>0 --select city,id" "--drop-if city=city5 --lower name" "")
    for args in "${cases[@]}"; do
        echo "case: $args"
        # shellcheck disable=SC2086
        clean_as one 1 0 -i big.csv $args
        for p in 4096 100000; do
            # shellcheck disable=SC2086
            clean_as "p$p" 2 "$p" -i big.csv $args
            same_runs one "p$p"
        done
        # shellcheck disable=SC2086
        clean_as three 3 30000 -i big.csv $args
        same_runs one three
    done
    # the last case keeps every row: 40,000 of them, two lines long the 800
    # 50ths but for the 88 that are also 9ths (450 ... 39600)
    [ "$(json_count rep.one rows_out)" -eq 40000 ]
    [ "$(wc -l < out.one)" -eq $((1 + 40000 + 800 - 88)) ]
}
