#!/usr/bin/env bats
# Interactions from a CSV file are read on -j threads (each takes a byte
# range of whole lines, the id maps are merged in file order): the model is
# the same bytes as from the one-thread reader (stdin) on every -j, and
# anything that reader treats specially (quotes, CRLF, blank lines, errors)
# gives the same result or the same message.

setup() {
    load test_helper/common-setup
    _common_setup
    # skewed ids, repeated pairs, ids of 1 to 12 bytes, values in quarters
    awk 'BEGIN { srand(11); print "user,item,value"; for (n = 0; n < 4000; n++) { u = rand(); v = rand()
        printf "u%d%s,i%d,%.2f\n", int(300 * u * u), (n % 5 ? "" : "-long-id"), int(90 * v * v * v), int(rand() * 8) / 4 } }' > v.csv
    cut -d, -f1,2 v.csv > ones.csv
}

# model bytes of `rs-train ARGS` reading FILE by path (-j given) or from stdin
train_file() { rs-train -q -o "$1" -i "$2" "${@:3}"; }
train_stdin() { rs-train -q -o "$1" -i - "${@:3}" < "$2"; }
# the model of FILE on each -j of JOBS equals ref.rsm (-j last in ARGS)
same_on_every_j() { # FILE "JOBS" ARGS...
    local file=$1 jobs=$2 j
    shift 2
    for j in $jobs; do
        train_file "m$j.rsm" "$file" "$@" -j "$j"
        cmp ref.rsm "m$j.rsm"
    done
}

@test "als: the same model bytes from a file on -j 1, 2, 3, 7 as from stdin" {
    train_stdin ref.rsm ones.csv --model als --factors 4 --epochs 2 -j 1
    run same_on_every_j ones.csv "1 2 3 7" --model als --factors 4 --epochs 2
    assert_success
    refute_output
}

@test "values summed over repeated pairs: the same bytes on -j 1 and -j 3 (mf)" {
    train_stdin ref.rsm v.csv --model mf --factors 3 --epochs 2 -j 1
    train_file m3.rsm v.csv --model mf --factors 3 --epochs 2 -j 3
    run cmp ref.rsm m3.rsm
    assert_success
    run rs-predict --describe m3.rsm
    assert_line "train_rows 4000"
    assert_line "values column"
}

@test "pop: counts and ids the same as the one-thread reader, on 4 threads" {
    train_stdin ref.rsm ones.csv --model pop -j 1
    train_file m.rsm ones.csv --model pop -j 4
    run cmp ref.rsm m.rsm
    assert_success
    run --separate-stderr rs-train --model pop -i ones.csv -o m.rsm -j 2
    assert_stderr --partial "interactions"
    assert_stderr --partial "$(rs-train --model pop -i - -o r.rsm -j 1 < ones.csv 2>&1 | sed 's/ \[.*//; s/^rs-train: //')"
}

@test "CRLF, blank lines and no final newline: the same model as plain LF" {
    train_file ref.rsm ones.csv --model pop -j 3
    sed 's/$/\r/' ones.csv > crlf.csv
    train_file crlf.rsm crlf.csv --model pop -j 3
    run cmp ref.rsm crlf.rsm
    assert_success
    awk 'NR % 97 == 0 { print "" } { print }' ones.csv > blank.csv
    train_file blank.rsm blank.csv --model pop -j 3
    run cmp ref.rsm blank.rsm
    assert_success
    head -c -1 ones.csv > nofinal.csv
    train_file nofinal.rsm nofinal.csv --model pop -j 3
    run cmp ref.rsm nofinal.rsm
    assert_success
}

@test "quoted ids (read by the general reader) give the model of the unquoted file" {
    train_file ref.rsm ones.csv --model pop -j 2
    awk -F, 'NR == 1 || NR % 500 { print; next } { printf "\"%s\",%s\n", $1, $2 }' ones.csv > quoted.csv
    run grep -c '"' quoted.csv
    assert_output 8
    train_file q.rsm quoted.csv --model pop -j 2
    run cmp ref.rsm q.rsm
    assert_success
}

@test "a short row deep in the file: the line named, as the one-thread reader does" {
    awk 'NR == 3001 { print "u1"; next } { print }' ones.csv > short.csv
    run --separate-stderr rs-train --model pop -i short.csv -o m.rsm -j 3 -q
    assert_failure 1
    assert_stderr "rs-train: short.csv:3001: expected 2 fields, got 1 (clean the table with rs-clean first)"
    run test -e m.rsm
    assert_failure
}

@test "an empty id, a bad value, an extra field: the line and column named on -j 3" {
    awk 'NR == 2500 { print ",i1"; next } { print }' ones.csv > empty.csv
    run --separate-stderr rs-train --model pop -i empty.csv -o m.rsm -j 3 -q
    assert_failure 1
    assert_stderr "rs-train: empty.csv:2500: column user: '' is not a user id"
    awk 'NR == 1200 { print "u1,i1,x"; next } { print }' v.csv > badv.csv
    run --separate-stderr rs-train --model pop -i badv.csv -o m.rsm -j 3 -q
    assert_failure 1
    assert_stderr "rs-train: badv.csv:1200: column value: 'x' is not a finite number"
    awk 'NR == 3999 { print "u1,i1,2"; next } { print }' ones.csv > wide.csv
    run --separate-stderr rs-train --model pop -i wide.csv -o m.rsm -j 3 -q
    assert_failure 1
    assert_stderr "rs-train: wide.csv:3999: expected 2 fields, got 3 (clean the table with rs-clean first)"
}

@test "--no-header and a tab delimiter on -j 3: the same model as from stdin" {
    tail -n +2 ones.csv | tr , '\t' > nh.tsv
    train_stdin ref.rsm nh.tsv --model pop --no-header --user-col c1 --item-col c2 -d '\t' -j 1
    train_file m.rsm nh.tsv --model pop --no-header --user-col c1 --item-col c2 -d '\t' -j 3
    run cmp ref.rsm m.rsm
    assert_success
}

@test "a time column (--recent) read on -j 3: the same model as from stdin" {
    awk -F, 'NR == 1 { print $0 ",ts"; next } { printf "%s,%d\n", $0, 1700000000 + NR * 60 }' ones.csv > ts.csv
    train_stdin ref.rsm ts.csv --model pop --recent 1 -j 1
    train_file m.rsm ts.csv --model pop --recent 1 -j 3
    run cmp ref.rsm m.rsm
    assert_success
    # the last row is line 4001: ts 1700000000 + 4001 * 60, less one day
    run rs-predict --describe m.rsm
    assert_line "recent_since $((1700000000 + 4001 * 60 - 86400))"
}

@test "rsf input (8192-row blocks) on -j 1, 2, 3: the model of the CSV file" {
    awk 'BEGIN { srand(5); print "user,item,value"; for (n = 0; n < 30000; n++) { u = rand(); v = rand()
        printf "u%d,i%d,%.2f\n", int(900 * u * u), int(200 * v * v * v), int(rand() * 8) / 4 } }' > big.csv
    rs-clean -q -i big.csv --format rsf -o big.rsf
    train_stdin ref.rsm big.csv --model mf --factors 3 --epochs 1 -j 1
    run same_on_every_j big.rsf "1 2 3" --model mf --factors 3 --epochs 1
    assert_success
    refute_output
}

@test "rsf with a text time column (a dictionary of dates) on -j 1, 2, 3: the model of the CSV file" {
    awk 'BEGIN { srand(7); print "user,item,ts"; for (n = 0; n < 30000; n++)
        printf "u%d,i%d,2011-%02d-%02d\n", int(rand() * 500), int(rand() * 300), 1 + int(rand() * 12), 1 + int(rand() * 28) }' > dates.csv
    rs-clean -q -i dates.csv --format rsf -o dates.rsf
    # format version 2: its text columns, ts among them, are dictionary columns
    run od -A n -t u1 -j 8 -N 1 dates.rsf
    assert_output "   2"
    train_stdin ref.rsm dates.csv --model markov -j 1
    run same_on_every_j dates.rsf "1 2 3" --model markov
    assert_success
    refute_output
    # a date the dictionary holds but that does not parse: the CSV file's message
    sed '20001s/,2011-[0-9-]*$/,2011-13-45/' dates.csv > bad.csv
    rs-clean -q -i bad.csv --format rsf -o bad.rsf
    run --separate-stderr rs-train --model markov -i bad.rsf -o m.rsm -j 3 -q
    assert_failure 1
    assert_stderr --regexp "^rs-train: bad\.rsf:20001: .*2011-13-45"
    run --separate-stderr rs-train --model markov -i bad.csv -o m.rsm -j 3 -q
    assert_failure 1
    assert_stderr --regexp "^rs-train: bad\.csv:20001: .*2011-13-45"
}

@test "rsf with integer ids (i64 columns) gives the model of the CSV file on -j 1, 2, 3" {
    printf 'user,item\n3,10\n1,10\n3,11\n2,12\n1,10\n-4,0010\n' > int.csv
    rs-clean -q -i int.csv --schema user:int,item:int --format rsf -o int.rsf
    # the i64 column holds 10 for 0010: the CSV file that rsf stands for
    sed 's/,0010$/,10/' int.csv > int10.csv
    train_stdin ref.rsm int10.csv --model pop -j 1
    run same_on_every_j int.rsf "1 2 3" --model pop
    assert_success
    refute_output
    run rs-predict --describe m2.rsm
    assert_line "n_users 4"
    assert_line "n_interactions 5"
    assert_line "train_rows 6"
}

@test "rsf with text ids (a dictionary column), one empty: the CSV file's message on -j 3" {
    awk 'BEGIN { print "user,item"; for (n = 1; n <= 20000; n++) printf "%s,i%d\n", n == 12000 ? "" : "u" n % 97, n % 13 }' > miss.csv
    rs-clean -q -i miss.csv --format rsf -o miss.rsf
    run od -A n -t u1 -j 8 -N 1 miss.rsf
    assert_output "   2"
    run --separate-stderr rs-train --model pop -i miss.rsf -o m.rsm -j 3 -q
    assert_failure 1
    assert_stderr "rs-train: miss.rsf:12001: column user: '' is not a user id"
    run --separate-stderr rs-train --model pop -i miss.csv -o m.rsm -j 3 -q
    assert_failure 1
    assert_stderr "rs-train: miss.csv:12001: column user: '' is not a user id"
    run test -e m.rsm
    assert_failure
}

@test "rsf with integer ids, one missing: the general reader's message on -j 3" {
    awk 'BEGIN { print "user,item"; for (n = 1; n <= 3000; n++) printf "%s,%d\n", n == 2400 ? "" : n % 97, n % 13 }' > miss.csv
    rs-clean -q -i miss.csv --schema user:int,item:int --format rsf -o miss.rsf
    run --separate-stderr rs-train --model pop -i miss.rsf -o m.rsm -j 3 -q
    assert_failure 1
    assert_stderr "rs-train: miss.rsf:2401: column user: '' is not a user id"
    run test -e m.rsm
    assert_failure
}

@test "a damaged rsf block: the general reader's checksum error, no model" {
    rs-clean -q -i v.csv --format rsf -o v.rsf
    size=$(stat -c %s v.rsf)
    # flip one byte in the middle of the payload of the one block
    printf 'Z' | dd of=v.rsf bs=1 seek=$((size / 2)) conv=notrunc status=none
    run --separate-stderr rs-train --model pop -i v.rsf -o m.rsm -j 2
    assert_failure 1
    assert_stderr --regexp '^rs-train: v\.rsf:[0-9]+: .*block checksum mismatch'
    run test -e m.rsm
    assert_failure
}

# ids.csv: 3000 rows, each item 10 times (pop's scores all tie, so
# rs-recommend lists the items in model order); ids that are numbers or
# u + a number (the id maps' numbered mode), then late in the file keys of
# other shapes: items x290..x299 and 0289 next to 289 (a leading zero),
# users u007 and 17850
numbered_then_other_ids() {
    awk 'BEGIN { print "user,item"; for (r = 0; r < 3000; r++) { k = r < 2500 ? (r * 7) % 250 : 250 + (r * 3) % 50
        name = k; if (k >= 290) name = "x" k; if (k == 296) name = "0289"
        u = "u" (r * 13) % 400; if (r == 2800) u = "u007"; if (r == 2900) u = "17850"
        printf "%s,%s\n", u, name } }' > ids.csv
}

@test "numbered ids, then ids of other shapes late in the file: indices in order of first sight on -j 1, 2, 3" {
    numbered_then_other_ids
    awk -F, 'NR > 1 && !seen[$2]++ { print $2 }' ids.csv > items.expected
    awk -F, 'NR > 1 && !seen[$1]++ { print $1 }' ids.csv > users.expected
    run grep -c -x -e 0289 -e 289 -e x299 items.expected
    assert_output 3
    rs-clean -q -i ids.csv --format rsf -o ids.rsf
    for input in ids.csv ids.rsf; do
        for j in 1 2 3; do
            rs-train -q --model pop -i "$input" -o "m$j.rsm" -j "$j"
            rs-recommend -m "m$j.rsm" -k 1000 --include-seen | awk -F, '$1 == "u0" { print $2 }' > items.got
            run diff items.expected items.got
            assert_success
            rs-recommend -m "m$j.rsm" -k 1 | tail -n +2 | cut -d, -f1 > users.got
            run diff users.expected users.got
            assert_success
        done
    done
}

@test "numbered ids, then ids of other shapes: the same model bytes from a file on -j 2, 3 as from stdin" {
    numbered_then_other_ids
    train_stdin ref.rsm ids.csv --model als --factors 4 --epochs 2 -j 1
    run same_on_every_j ids.csv "1 2 3" --model als --factors 4 --epochs 2
    assert_success
    refute_output
    rs-clean -q -i ids.csv --format rsf -o ids.rsf
    run same_on_every_j ids.rsf "1 3" --model als --factors 4 --epochs 2
    assert_success
    refute_output
}
