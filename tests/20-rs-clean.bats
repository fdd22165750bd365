#!/usr/bin/env bats
# rs-clean's options, one by one, with exact expected output.

setup() {
    load test_helper/common-setup
    _common_setup
    printf '%s\n' 'InvoiceNo,StockCode,Quantity,UnitPrice,CustomerID,Country' \
        '536365,85123A,6,2.55,17850.0,United Kingdom' \
        'C536379,D,-1,27.50,14527.0,United Kingdom' \
        '536370,22728,24,3.75,,France' \
        '536365,85123A,6,2.55,17850.0,United Kingdom' \
        '536371,22086,80,0,13047.0,United Kingdom' > retail.csv
}

@test "--help lists every option and the common block on stdout; --version" {
    run --separate-stderr rs-clean --help
    assert_success
    for opt in --schema --time-format --time-out --select --rename --trim --lower --require --fill \
               --keep-if --drop-if --outliers --dedupe --dedupe-keep --id-map --id-col --id-map-strict \
               --rejects --report --strict 'Common options' --input --output --format --delimiter \
               --no-header --max-field --threads --seed --quiet --verbose; do
        assert_output --partial -- "$opt"
    done
    [ -z "$stderr" ]
    run --separate-stderr rs-clean --version
    assert_output --regexp '^rs-clean \(rs\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "the Online Retail rules: counts add up and every reason is reported" {
    run --separate-stderr rs-clean -i retail.csv --schema CustomerID:int,Quantity:int,UnitPrice:num \
        --require CustomerID --drop-if 'InvoiceNo~^C' --keep-if 'Quantity>0' --keep-if 'UnitPrice>0' \
        --dedupe --rejects rej.csv --report rep.json
    assert_success
    assert_output $'InvoiceNo,StockCode,Quantity,UnitPrice,CustomerID,Country\n536365,85123A,6,2.55,17850,United Kingdom'
    run cat rej.csv
    assert_output "$(printf '%s\n' 'line,reason,InvoiceNo,StockCode,Quantity,UnitPrice,CustomerID,Country' \
        '3,drop-if InvoiceNo~^C,C536379,D,-1,27.50,14527.0,United Kingdom' \
        '4,require CustomerID,536370,22728,24,3.75,,France' \
        '5,duplicate,536365,85123A,6,2.55,17850.0,United Kingdom' \
        '6,keep-if UnitPrice>0,536371,22086,80,0,13047.0,United Kingdom')"
    [ "$(json_count rep.json rows_in)" = 5 ]
    [ "$(json_count rep.json rows_out)" = 1 ]
    [ "$(json_count rep.json rows_rejected)" = 4 ]
    run cat rep.json
    assert_line '    "drop-if InvoiceNo~^C": 1,'
    assert_line '    "require CustomerID": 1,'
    assert_line '    "keep-if UnitPrice>0": 1,'
    assert_line '    "duplicate": 1'
    assert_line '  "malformed_rows": 1,'
    assert_line '  "passes": 1,' 
}

@test "--schema int accepts 17850.0 and writes 17850; a non-int is rejected with its reason" {
    printf 'id,n\na,17850.0\nb,12.5\nc,-0\nd,007\n' > t.csv
    run --separate-stderr rs-clean -i t.csv --schema n:int
    assert_success
    assert_output $'id,n\na,17850\nc,0\nd,7'
    assert_stderr --partial "rs-clean: t.csv:3: type n:int ('12.5'): row rejected"
}

@test "--schema num writes the shortest form; bool becomes 1/0; unknown type is a usage error" {
    printf 'x,b\n2.50,yes\n1e3,FALSE\n-0.0,t\n' > t.csv
    run --separate-stderr rs-clean -i t.csv --schema x:num,b:bool
    assert_success
    assert_output $'x,b\n2.5,1\n1000,0\n0,1'
    run --separate-stderr rs-clean -i t.csv --schema x:float
    assert_failure 2
    assert_stderr --partial "unknown type 'float' (expected str, int, num, bool or time)"
}

@test "--schema time: ISO 8601 and epoch in; --time-out iso (default) and epoch out" {
    printf 'ts\n2010-12-01 08:26:00\n978300760\n2010-12-01T09:26:00+01:00\n' > t.csv
    # 2001-01-01 is day 11323 = 978307200 s; 978300760 is 6440 s (1:47:20) earlier
    run --separate-stderr rs-clean -i t.csv --schema ts:time
    assert_output $'ts\n2010-12-01T08:26:00Z\n2000-12-31T22:12:40Z\n2010-12-01T08:26:00Z'
    run --separate-stderr rs-clean -i t.csv --schema ts:time --time-out epoch
    assert_output $'ts\n1291191960\n978300760\n1291191960'
    run --separate-stderr rs-clean -i t.csv --schema ts:time --time-out local
    assert_failure 2
    assert_stderr --partial "invalid --time-out 'local' (expected iso or epoch)"
}

@test "--time-format parses with strptime; other layouts are rejected" {
    printf 'ts\n01/12/2010 08:26\n2010-12-01 08:26\n' > t.csv
    run --separate-stderr rs-clean -i t.csv --schema ts:time --time-format '%d/%m/%Y %H:%M' --time-out epoch
    assert_success
    assert_output $'ts\n1291191960'
    assert_stderr --partial 't.csv:3: type ts:time'
}

@test "--select orders columns; --rename renames them; bad rename is a usage error" {
    run --separate-stderr rs-clean -i retail.csv --select CustomerID,InvoiceNo --rename CustomerID=user,InvoiceNo=order
    assert_success
    assert_line --index 0 'user,order'
    assert_line --index 1 '17850.0,536365'
    run --separate-stderr rs-clean -i retail.csv --select CustomerID --rename InvoiceNo=order
    assert_failure 2
    assert_stderr --partial "column 'InvoiceNo' is not in the output"
    run --separate-stderr rs-clean -i retail.csv --rename InvoiceNo
    assert_failure 2
    assert_stderr --partial "invalid --rename 'InvoiceNo' (expected OLD=NEW)"
}

@test "--trim strips spaces; --lower lower-cases ASCII in the named columns only" {
    printf 'a,b\n  X Y  ,  Z\n\tCAFÉ ,Q\n' > t.csv
    run --separate-stderr rs-clean -i t.csv --trim --lower a
    assert_success
    assert_output $'a,b\nx y,Z\ncafÉ,Q'
}

@test "--require rejects empty cells (after --trim)" {
    printf 'a,b\n1,x\n2,\n3,  \n' > t.csv
    run --separate-stderr rs-clean -i t.csv --require b --trim --rejects rej.csv
    assert_success
    assert_output $'a,b\n1,x'
    run cut -d, -f1,2 rej.csv
    assert_output $'line,reason\n3,require b\n4,require b'
}

@test "--fill VALUE, mean, median and mode (statistics from a first pass)" {
    printf 'x,y,c\n1,10,a\n,20,b\n3,,b\n10,40,\n' > t.csv
    run --separate-stderr rs-clean -i t.csv --schema x:num,y:int --fill x=mean --fill y=median --fill c=mode
    assert_success
    # x: mean(1,3,10) = 14/3; y: median(10,20,40) = 20; c: b occurs twice
    assert_output $'x,y,c\n1,10,a\n4.666666666666667,20,b\n3,20,b\n10,40,b'
    run --separate-stderr rs-clean -i t.csv --fill c=none --report rep.json
    assert_line --index 4 '10,40,none'
    run grep -A1 '"filled"' rep.json
    assert_output $'  "filled": {\n    "c": 1'
}

@test "--fill mode ties go to the smallest value; stdin is spooled for the second pass" {
    printf 'c\nb\na\n\n' > t.csv
    run bash -c 'rs-clean --fill c=mode --require c < t.csv'
    assert_success
    assert_output $'c\nb\na'
    printf 'c\nb\na\n""\n' > t2.csv
    run bash -c 'cat t2.csv | rs-clean --fill c=mode'
    assert_output $'c\nb\na\na'
}

@test "fill values and canonical ids that need quoting are quoted on output" {
    printf 'u,c\nx,\n' > t.csv
    run --separate-stderr rs-clean -i t.csv --fill 'c=a "b", c'
    assert_output $'u,c\nx,"a ""b"", c"'
    printf 'alias,id\nx,"1,2"\n' > ids.csv
    run --separate-stderr rs-clean -i t.csv --id-map ids.csv --id-col u
    assert_output $'u,c\n"1,2",'
}

@test "--fill errors: bad value for the type, mean of a text column, bad syntax" {
    printf 'x,s\n1,a\n' > t.csv
    run --separate-stderr rs-clean -i t.csv --schema x:int --fill x=abc
    assert_failure 2
    assert_stderr --partial "--fill x=abc: 'abc' is not a valid int"
    run --separate-stderr rs-clean -i t.csv --fill s=mean
    assert_failure 2
    assert_stderr --partial "column 's' needs a numeric type (add --schema s:num, int or time)"
    run --separate-stderr rs-clean -i t.csv --fill x
    assert_failure 2
    assert_stderr --partial "invalid --fill 'x' (expected COL=VALUE|mean|median|mode)"
}

@test "--keep-if and --drop-if: every operator, numeric and text, in order" {
    printf 'n,s\n1,apple\n5,banana\n10,cherry\n,date\n' > t.csv
    run --separate-stderr rs-clean -i t.csv --keep-if 'n>=5'
    assert_output $'n,s\n5,banana\n10,cherry'
    run --separate-stderr rs-clean -i t.csv --keep-if 'n<5' --keep-if 'n<=1'
    assert_output $'n,s\n1,apple'
    run --separate-stderr rs-clean -i t.csv --drop-if 'n=5' --drop-if 's!=date' 
    assert_output $'n,s\n,date'
    run --separate-stderr rs-clean -i t.csv --keep-if 's~an' --drop-if 's!~^b'
    assert_output $'n,s\n5,banana'
    run --separate-stderr rs-clean -i t.csv --keep-if 's>b'
    assert_output $'n,s\n5,banana\n10,cherry\n,date'
    run --separate-stderr rs-clean -i t.csv --keep-if 'n>1' --rejects rej.csv
    run cut -d, -f1,2 rej.csv
    assert_output $'line,reason\n2,keep-if n>1\n5,keep-if n>1'
}

@test "a numeric column compares its VALUE as that type (time against a date)" {
    printf 'ts\n2010-12-01 08:26:00\n2011-06-01 00:00:00\n' > t.csv
    run --separate-stderr rs-clean -i t.csv --schema ts:time --keep-if 'ts >= 2011-01-01'
    assert_output $'ts\n2011-06-01T00:00:00Z'
    run --separate-stderr rs-clean -i t.csv --schema ts:time --keep-if 'ts > soon'
    assert_failure 2
    assert_stderr --partial "'soon' is not a valid time for column 'ts'"
}

@test "bad expressions and regexes are usage errors" {
    run --separate-stderr rs-clean -i retail.csv --keep-if 'Quantity'
    assert_failure 2
    assert_stderr --partial "invalid expression 'Quantity'"
    run --separate-stderr rs-clean -i retail.csv --drop-if 'InvoiceNo~(['
    assert_failure 2
    assert_stderr --partial 'invalid regex'
}

@test "--dedupe on whole rows, --dedupe=COLS, --dedupe-keep last" {
    printf 'u,i,t\n1,a,1\n1,a,1\n1,b,2\n2,a,3\n1,a,4\n' > t.csv
    run --separate-stderr rs-clean -i t.csv --dedupe
    assert_output $'u,i,t\n1,a,1\n1,b,2\n2,a,3\n1,a,4'
    run --separate-stderr rs-clean -i t.csv --dedupe=u,i
    assert_output $'u,i,t\n1,a,1\n1,b,2\n2,a,3'
    run --separate-stderr rs-clean -i t.csv --dedupe=u,i --dedupe-keep last
    assert_output $'u,i,t\n1,b,2\n2,a,3\n1,a,4'
    run --separate-stderr rs-clean -i t.csv --dedupe-keep last
    assert_failure 2
    assert_stderr --partial '--dedupe-keep needs --dedupe'
    run --separate-stderr rs-clean -i t.csv --dedupe --dedupe-keep middle
    assert_failure 2
}

@test "--dedupe compares the output row: columns left out by --select do not count" {
    printf 'u,i,t\n1,a,1\n1,a,2\n' > t.csv
    run --separate-stderr rs-clean -i t.csv --select u,i --dedupe
    assert_output $'u,i\n1,a'
}

@test "--outliers iqr drops by Tukey's fences (hand-computed)" {
    printf 'x\n1\n2\n3\n4\n100\n' > t.csv
    # sorted 1 2 3 4 100: Q1 = 2, Q3 = 4 (type 7), IQR 2, fences -1 and 7
    run --separate-stderr rs-clean -i t.csv --schema x:num --outliers x:iqr --rejects rej.csv
    assert_output $'x\n1\n2\n3\n4'
    run cut -d, -f1,2 rej.csv
    assert_output $'line,reason\n6,outlier x:iqr'
    # K = 50 widens the fences to -98 and 104
    run --separate-stderr rs-clean -i t.csv --schema x:num --outliers x:iqr:50
    assert_output $'x\n1\n2\n3\n4\n100'
}

@test "--outliers clip moves values to the fence and counts them; int columns stay integral" {
    printf 'x\n1\n2\n3\n4\n100\n-50\n' > t.csv
    # sorted -50 1 2 3 4 100: Q1 = 1.25, Q3 = 3.75, IQR 2.5, fences -2.5 and 7.5
    run --separate-stderr rs-clean -i t.csv --schema x:num --outliers x:iqr:clip --report rep.json
    assert_output $'x\n1\n2\n3\n4\n7.5\n-2.5'
    run grep -A1 '"clipped"' rep.json
    assert_output $'  "clipped": {\n    "x": 2'
    run --separate-stderr rs-clean -i t.csv --schema x:int --outliers x:iqr:clip
    assert_output $'x\n1\n2\n3\n4\n7\n-2'
}

@test "--outliers zscore and mad" {
    { echo x; for i in $(seq 1 20); do echo 10; echo 12; done; echo 1000; } > t.csv
    # mean 35.12, sample sd 154.5: 1000 has z = 6.2, the others |z| < 0.2
    run --separate-stderr rs-clean -i t.csv --schema x:int --outliers x:zscore --report rep.json
    [ "$(json_count rep.json rows_rejected)" = 1 ]
    # 20 x 10, 20 x 12, 1000: median 12; |x - 12| = 20 x 2, 20 x 0, 988 -> MAD 2;
    # bounds 12 +- 3.5 * 2 / 0.6745 = [1.62, 22.38]: only 1000 is out
    run --separate-stderr rs-clean -i t.csv --schema x:int --outliers x:mad:3.5 --report rep.json
    [ "$(json_count rep.json rows_rejected)" = 1 ]
    printf 'x\n1\n2\n3\n4\n5\n50\n' > m.csv
    # median 3.5, |x - 3.5| = 2.5 1.5 .5 .5 1.5 46.5 -> MAD 1.5; bound 3.5 +- 3.5 * 1.5 / 0.6745
    run --separate-stderr rs-clean -i m.csv --schema x:num --outliers x:mad
    assert_output $'x\n1\n2\n3\n4\n5'
}

@test "--outliers errors: unknown method, text column, bad K" {
    printf 'x,s\n1,a\n' > t.csv
    run --separate-stderr rs-clean -i t.csv --outliers x:box
    assert_failure 2
    assert_stderr --partial "invalid --outliers 'x:box'"
    run --separate-stderr rs-clean -i t.csv --outliers s:iqr
    assert_failure 2
    assert_stderr --partial "needs a numeric type"
    run --separate-stderr rs-clean -i t.csv --schema x:num --outliers x:iqr:-1
    assert_failure 2
    assert_stderr --partial 'K must be positive'
}

@test "--id-map merges aliases into canonical ids; --id-map-strict rejects unknowns" {
    printf 'alias,id\ndevice:9f2c,17850\nloyalty-001,17850\nmail@x.org,13047\n' > ids.csv
    printf 'user,event\ndevice:9f2c,view\n17850,buy\nloyalty-001,view\nstranger,view\n' > ev.csv
    run --separate-stderr rs-clean -i ev.csv --id-map ids.csv --id-col user
    assert_output $'user,event\n17850,view\n17850,buy\n17850,view\nstranger,view'
    run --separate-stderr rs-clean -i ev.csv --id-map ids.csv --id-col user --id-map-strict --rejects rej.csv
    assert_output $'user,event\n17850,view\n17850,buy\n17850,view'
    run cat rej.csv
    assert_line --index 1 '5,id-map-strict user,stranger,view'
}

@test "--id-map errors: conflicting alias, missing --id-col, unknown column" {
    printf 'alias,id\na,1\na,2\n' > bad.csv
    printf 'user\na\n' > ev.csv
    run --separate-stderr rs-clean -i ev.csv --id-map bad.csv --id-col user
    assert_failure 1
    assert_stderr "rs-clean: bad.csv:3: alias 'a' maps to both '1' and '2'"
    run --separate-stderr rs-clean -i ev.csv --id-map bad.csv
    assert_failure 2
    assert_stderr --partial '--id-map needs --id-col COL'
    run --separate-stderr rs-clean -i ev.csv --id-col user
    assert_failure 2
    assert_stderr --partial 'need --id-map FILE'
}

@test "--rejects keeps the original fields, untouched by --trim or --schema" {
    printf 'a,b\n x ,1.50\n y ,oops\n' > t.csv
    run --separate-stderr rs-clean -i t.csv --trim --schema b:num --rejects rej.csv
    assert_output $'a,b\nx,1.5'
    run cat rej.csv
    assert_output $'line,reason,a,b\n3,type b:num, y ,oops'
}

@test "--report is valid JSON with every count" {
    run --separate-stderr rs-clean -i retail.csv --keep-if 'Quantity>0' --report rep.json -o out.csv
    assert_success
    run cat rep.json
    assert_line --index 0 '{'
    assert_line --partial '"input": "retail.csv"'
    assert_line '  "rows_in": 5,'
    assert_line '  "rows_out": 4,'
    assert_line '  "rows_rejected": 1,'
    assert_line '    "keep-if Quantity>0": 1'
    assert_line '}'
}

@test "--strict: the first malformed row is an error; filter rejects are not" {
    printf 'a,b\n1,2\n3\n' > t.csv
    run --separate-stderr rs-clean -i t.csv --strict
    assert_failure 1
    assert_stderr 'rs-clean: t.csv:3: expected 2 fields, got 1 (--strict)'
    run --separate-stderr rs-clean -i retail.csv --strict --keep-if 'Quantity>0' -q
    assert_success
}

@test "-q silences warnings and the summary; -v adds the per-reason breakdown" {
    printf 'a,b\n1,2\n3\n' > t.csv
    run --separate-stderr rs-clean -i t.csv -q
    assert_success
    [ -z "$stderr" ]
    run --separate-stderr rs-clean -i retail.csv --keep-if 'Quantity>0' -v
    assert_stderr --partial 'rs-clean: retail.csv: 5 rows in, 4 out, 1 rejected'
    assert_stderr --partial 'rejected        1  keep-if Quantity>0'
}

@test "--progress reports the rows read on stderr, never on stdout" {
    awk 'BEGIN { print "a"; for (i = 0; i < 70000; i++) print i }' > big.csv
    run --separate-stderr rs-clean -i big.csv --progress -o out.csv
    assert_success
    assert_stderr --partial 'rs-clean: 65536 rows'
    assert_stderr --partial 'rs-clean: 70000 rows'
    run --separate-stderr rs-clean -i big.csv -o out.csv
    [ -z "$stderr" ]
}

@test "invariant: rows in = rows out + rows rejected on a messy generated file" {
    awk 'BEGIN { srand(3); print "u,q,p,s";
        for (i = 0; i < 5000; i++) {
            r = rand();
            if (r < 0.05) print "u" i ",1";                         # ragged
            else if (r < 0.1) print "u" i ",x,1.5,s";                # bad int
            else if (r < 0.15) print ",3,2.5,s";                     # missing user
            else printf "u%d,%d,%.2f,\"t, %d\"\n", i % 700, int(rand() * 20) - 5, rand() * 9, i % 3 }
        }' > messy.csv
    run --separate-stderr rs-clean -i messy.csv --schema q:int,p:num --require u --keep-if 'q>0' \
        --outliers p:zscore:2 --dedupe=u,q --rejects rej.csv --report rep.json -o out.csv
    assert_success
    in=$(( $(wc -l < messy.csv) - 1 ))
    out=$(( $(wc -l < out.csv) - 1 ))
    rej=$(( $(wc -l < rej.csv) - 1 ))
    [ "$in" -eq 5000 ]
    [ $((out + rej)) -eq "$in" ]
    [ "$(json_count rep.json rows_out)" -eq "$out" ]
    [ "$(json_count rep.json rows_rejected)" -eq "$rej" ]
}

@test "unknown options, stray arguments and bad common option values are usage errors" {
    run --separate-stderr rs-clean --frobnicate
    assert_failure 2
    assert_stderr --partial "Try 'rs-clean --help' for more information."
    run --separate-stderr rs-clean retail.csv
    assert_failure 2
    assert_stderr --partial "unexpected argument 'retail.csv' (use -i FILE)"
    run --separate-stderr rs-clean -i retail.csv -j 0
    assert_failure 2
    assert_stderr --partial "invalid --threads '0' (expected 1..1024)"
    run --separate-stderr rs-clean -i retail.csv --seed x
    assert_failure 2
    run --separate-stderr rs-clean -i retail.csv --format parquet
    assert_failure 2
    assert_stderr --partial "invalid --format 'parquet' (expected csv or rsf)"
    run --separate-stderr rs-clean -i retail.csv -d ab
    assert_failure 2
    assert_stderr --partial "invalid delimiter 'ab'"
    run --separate-stderr rs-clean -i retail.csv --max-field 0
    assert_failure 2
}

@test "--seed and -j are accepted and do not change the output" {
    run --separate-stderr rs-clean -i retail.csv --dedupe
    expected=$output
    run --separate-stderr rs-clean -i retail.csv --dedupe --seed 42 -j 2
    assert_output "$expected"
}

@test "--id-map: chains resolve to the id at their end; cycles are an error naming them" {
    printf 'id,v\na,1\nb,2\nc,3\nd,4\n' > t.csv
    printf 'alias,id\na,b\nb,c\n' > chain.csv
    run --separate-stderr rs-clean -i t.csv --id-map chain.csv --id-col id
    assert_success
    assert_output "id,v
c,1
c,2
c,3
d,4"
    printf 'alias,id\na,b\nb,a\n' > cycle.csv
    run --separate-stderr rs-clean -i t.csv --id-map cycle.csv --id-col id -o out.csv
    assert_failure 1
    assert_stderr --partial "cycle.csv: --id-map: alias 'a' -> 'b' -> ... leads back to it (a cycle"
    [ ! -e out.csv ]
    printf 'alias,id\na,b\nb,c\nc,b\n' > loop.csv
    run --separate-stderr rs-clean -i t.csv --id-map loop.csv --id-col id
    assert_failure 1
    assert_stderr --partial "never reaches an id that is not an alias"
}
