#!/usr/bin/env bats
# The documentation matches the tools: man pages render, every option in
# --help is in the man page, the README's commands are real.

setup() {
    load test_helper/common-setup
    _common_setup
    root=$BATS_TEST_DIRNAME/..
}

@test "man pages render with man -l and groff reports no warnings" {
    for page in "$root"/man/*.[1-9]; do
        run --separate-stderr env MANWIDTH=80 MANROFFSEQ= man --warnings -l "$page"
        assert_success
        [ -z "$stderr" ] || { echo "$page: $stderr"; false; }
        assert_output --partial 'NAME'
    done
}

@test "every long option in each tool's --help is documented in its man page" {
    for tool in rs-clean rs-train rs-predict rs-recommend; do
        for opt in $($tool --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
            grep -q -- "${opt//-/\\\\-}" "$root/man/$tool.1" || { echo "missing in $tool.1: $opt"; false; }
        done
    done
}

@test "the README starts with make demo and make test and shows the rs-clean command" {
    run head -12 "$root/README.md"
    assert_output --partial 'make demo'
    assert_output --partial 'make test'
    run grep -c "rs-clean -i ../shared/data/online-retail/online_retail.csv" "$root/README.md"
    [ "$output" -ge 1 ]
}

@test "make install puts binaries and man pages under DESTDIR/PREFIX; uninstall removes them" {
    run make -C "$root" --no-print-directory install DESTDIR="$BATS_TEST_TMPDIR/stage" PREFIX=/opt/rs BUILD="$RS_BUILD"
    assert_success
    [ -x "$BATS_TEST_TMPDIR/stage/opt/rs/bin/rs-clean" ]
    [ -f "$BATS_TEST_TMPDIR/stage/opt/rs/share/man/man1/rs-clean.1" ]
    [ -f "$BATS_TEST_TMPDIR/stage/opt/rs/share/man/man7/rs.7" ]
    run "$BATS_TEST_TMPDIR/stage/opt/rs/bin/rs-clean" --version
    assert_output --partial 'rs-clean (rs)'
    run make -C "$root" --no-print-directory uninstall DESTDIR="$BATS_TEST_TMPDIR/stage" PREFIX=/opt/rs
    assert_success
    [ ! -e "$BATS_TEST_TMPDIR/stage/opt/rs/bin/rs-clean" ]
    [ ! -e "$BATS_TEST_TMPDIR/stage/opt/rs/share/man/man7/rs.7" ]
}

@test "the demo cleans the bundled sample and prints counts that add up" {
    cp -r "$root/data" "$root/scripts" .
    mkdir -p build && ln -s "$RS_BIN" build/bin
    run --separate-stderr env BUILD=build scripts/demo
    assert_success
    assert_output --partial 'rows in 6253 = rows out 4741 + rejected 1512'
    assert_output --partial '1350  require CustomerID'
    assert_output --partial 'customers in the clean data: 54'
    assert_output --partial '41 customers, 25 buy again within 90 days (base rate 0.610)'
    assert_output --partial 'rs-split 70/30 stratified: 41 rows: train 29, test 12'
    [ -s demo-out/clean.csv ] && [ -s demo-out/rejects.csv ] && [ -s demo-out/report.json ]
}
