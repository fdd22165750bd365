#!/usr/bin/env bats
# Reading and writing tables: dialects, line numbers, rsf, stdin/stdout.
# rs-clean with no rules is the identity filter, so it is the probe here.

setup() {
    load test_helper/common-setup
    _common_setup
}

@test "CSV with quoted delimiters, quotes and newlines passes through unchanged" {
    printf 'id,desc,qty\n1,"a, b",2\n2,"say ""hi""",3\n3,"two\nlines",4\n' > in.csv
    run --separate-stderr rs-clean -i in.csv
    assert_success
    assert_output "$(cat in.csv)"
}

@test "stdin by default and with -i -; stdout with -o -" {
    printf 'a,b\n1,2\n' > in.csv
    run bash -c 'rs-clean < in.csv && rs-clean -i - -o - < in.csv'
    assert_success
    assert_output $'a,b\n1,2\na,b\n1,2'
}

@test "tab-separated without header (MovieLens u.data shape): columns c1..cN" {
    printf '196\t242\t3\t881250949\n186\t302\t3\t891717742\n' > u.data
    run --separate-stderr rs-clean -d '\t' --no-header -i u.data
    assert_success
    assert_output $'c1,c2,c3,c4\n196,242,3,881250949\n186,302,3,891717742'
}

@test "the :: delimiter of MovieLens .dat files, colons inside fields kept" {
    printf '1::Toy Story (1995)::Animation\n2::Star Wars: Episode IV (1977)::Sci-Fi\n' > movies.dat
    run --separate-stderr rs-clean -d :: --no-header -i movies.dat --rename c1=item,c2=title,c3=genre
    assert_success
    assert_output $'item,title,genre\n1,Toy Story (1995),Animation\n2,Star Wars: Episode IV (1977),Sci-Fi'
}

@test "semicolon and pipe delimiters" {
    printf 'a;b\n1;x,y\n' > semi.csv
    printf 'a|b\n1|2\n' > pipe.csv
    run --separate-stderr rs-clean -d ';' -i semi.csv
    assert_output $'a,b\n1,"x,y"'
    run --separate-stderr rs-clean -d '|' -i pipe.csv
    assert_output $'a,b\n1,2'
}

@test "CRLF line endings (movielens-latest-small) become LF, no CR in fields" {
    printf 'userId,movieId,rating\r\n1,1,4.0\r\n1,3,4.0\r\n' > ratings.csv
    run --separate-stderr rs-clean -i ratings.csv --schema rating:num
    assert_success
    assert_output $'userId,movieId,rating\n1,1,4\n1,3,4'
}

@test "a UTF-8 byte order mark is not part of the first column name" {
    printf '\xef\xbb\xbfuser,item\nu1,i1\n' > bom.csv
    run --separate-stderr rs-clean -i bom.csv --select user
    assert_success
    assert_output $'user\nu1'
}

@test "blank lines are skipped, counted in the report, and line numbers stay exact" {
    printf 'a,b\n1,2\n\n3\n\n\n5,6\n' > blank.csv
    run --separate-stderr rs-clean -i blank.csv --rejects rej.csv --report rep.json
    assert_success
    assert_output $'a,b\n1,2\n5,6'
    run cat rej.csv
    assert_output $'line,reason,a,b\n4,"expected 2 fields, got 1",3'
    [ "$(json_count rep.json blank_lines)" = 3 ]
}

@test "a quoted newline does not shift the line numbers of later rows" {
    printf 'a,b\n1,"x\ny\nz"\n2\n' > ql.csv
    run --separate-stderr rs-clean -i ql.csv
    assert_success
    assert_stderr --partial 'rs-clean: ql.csv:5: expected 2 fields, got 1: row rejected'
}

@test "--format rsf writes the binary frame; it is detected on input and reads back identically" {
    printf 'user,qty,price,when\nu1,17850.0,2.55,2010-12-01 08:26:00\nu2,,0.1,2011-01-02T03:04:05Z\n' > in.csv
    rs-clean -i in.csv --schema qty:int,price:num,when:time --format rsf -o t.rsf
    run head -c 4 t.rsf
    assert_output $'\x89RSF'
    run --separate-stderr rs-clean -i t.rsf
    assert_success
    assert_output $'user,qty,price,when\nu1,17850,2.55,2010-12-01T08:26:00Z\nu2,,0.1,2011-01-02T03:04:05Z'
    run bash -c 'rs-clean < t.rsf'
    assert_output --partial 'u1,17850,2.55'
}

@test "CSV -> rsf -> CSV round trip is byte-identical for a numeric table" {
    # canonical numbers (what rs writes): no trailing zeros, no leading zeros
    awk 'BEGIN { srand(7); print "a,b,c"; for (i = 0; i < 20000; i++) {
                 f = int(rand() * 99) + 1; if (f % 10 == 0) f++;
                 printf "%d,%d.%d,%d\n", int(rand() * 1e6) - 5e5, int(rand() * 1000), f, i } }' > num.csv
    rs-clean -i num.csv --schema a:int,b:num,c:int --format rsf -o num.rsf
    rs-clean -i num.rsf -o back.csv
    run cmp num.csv back.csv
    assert_success
    run rs-clean -i num.rsf --format rsf -o again.rsf
    run cmp num.rsf again.rsf
    assert_success
}

@test "for any numbers, CSV -> rsf -> CSV equals the direct CSV normalisation" {
    printf 'x,n\n31.60,007\n1e3,-0\n0.1000,17850.0\n,\n' > t.csv
    rs-clean -i t.csv --schema x:num,n:int -o direct.csv
    rs-clean -i t.csv --schema x:num,n:int --format rsf | rs-clean -o via.csv
    run cat via.csv
    assert_output $'x,n\n31.6,7\n1000,0\n0.1,17850\n,'
    run cmp direct.csv via.csv
    assert_success
}

@test "a truncated rsf file is an error, not fewer rows" {
    printf 'a\n1\n2\n' > in.csv
    rs-clean -i in.csv --schema a:int --format rsf -o t.rsf
    head -c 40 t.rsf > cut.rsf
    run --separate-stderr rs-clean -i cut.rsf
    assert_failure 1
    assert_stderr --regexp '^rs-clean: cut.rsf:[0-9]+: truncated rsf file'
}

@test "a damaged rsf block length in a short file is truncation, found without allocating it (make fuzz)" {
    [ "${SAN:-}" != 1 ] || skip "ulimit -v: the sanitizers reserve terabytes of address space"
    printf 'a\n1\n' > in.csv
    rs-clean -i in.csv --schema a:int --format rsf -o t.rsf
    # header (32 bytes), then a block of 1 row claiming 2 GiB - 8 of payload, then 8 bytes
    head -c 32 t.rsf > big.rsf
    printf '\001\000\000\000\370\377\377\177abcdefgh' >> big.rsf
    run --separate-stderr bash -c 'ulimit -v 400000 && rs-clean -i big.rsf'
    assert_failure 1
    assert_stderr "rs-clean: big.rsf:1: truncated rsf file (block cut short)"
    refute_output
}

@test "--no-header on an empty input is an empty table" {
    : > empty.csv
    run --separate-stderr rs-clean --no-header -i empty.csv
    assert_success
    assert_output ''
}

@test "output through a symlink replaces the target and keeps the link" {
    printf 'a\n1\n' > in.csv
    printf 'old\n' > real.csv
    ln -s real.csv link.csv
    rs-clean -i in.csv -o link.csv
    [ -L link.csv ]
    run cat real.csv
    assert_output $'a\n1'
}

@test "--report /dev/stdout and /dev/stderr write in place (never renamed over)" {
    printf 'a\n1\n' > in.csv
    run --separate-stderr bash -c 'rs-clean -i in.csv -o /dev/null --report /dev/stdout > out.txt; cat out.txt'
    assert_success
    assert_line '  "rows_in": 1,'
    [ -L /dev/stdout ] || [ -c /dev/stdout ]
    run --separate-stderr rs-clean -i in.csv -o /dev/null --report /dev/stderr
    assert_stderr --partial '"rows_out": 1,'
}
