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

@test "every long option in rs-clean --help is documented in rs-clean.1" {
    for opt in $(rs-clean --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
        grep -q -- "${opt//-/\\\\-}" "$root/man/rs-clean.1" || { echo "missing in man page: $opt"; false; }
    done
}

@test "the README starts with make demo and make test and shows the rs-clean command" {
    run head -12 "$root/README.md"
    assert_output --partial 'make demo'
    assert_output --partial 'make test'
    run grep -c "rs-clean -i ../shared/data/online-retail/online_retail.csv" "$root/README.md"
    [ "$output" -ge 1 ]
}
