#!/usr/bin/env bats
# The README runs top to bottom: scripts/readme-test runs its command blocks
# in order in a temp directory (the convention is at the top of the script).

setup() {
    load test_helper/common-setup
    _common_setup
    root=$BATS_TEST_DIRNAME/..
}

@test "every command block of the README runs in order, on ../shared/data when it is there (scripts/readme-test)" {
    [ "${SAN:-}" != 1 ] || skip "runs the whole README (about a minute): once, not under the sanitizers"
    run --separate-stderr "$root/scripts/readme-test"
    assert_success
    refute_line --partial 'not ok'
    assert_line --regexp '^readme-test: [0-9]+ command blocks ran, [0-9]+ skipped$'
    # the blocks the README has now: retail cleaning, splits, features, encoding, the three models,
    # MovieLens recommendations, rs-eval class, rank, ab and many classes, sharding
    ran=$(echo "$output" | grep -c '^ok README.md:[0-9]*: ')
    [ "$ran" -ge 16 ]
    if [ -d "$root/../shared/data" ]; then
        assert_line --regexp '^readme-test: [0-9]+ command blocks ran, 0 skipped$'
        assert_line --regexp '^ok README.md:[0-9]+: rs-clean -i ../shared/data/online-retail/online_retail.csv'
    fi
}

@test "without ../shared/data the blocks that need it, or a file made from it, are skipped with a note" {
    [ "${SAN:-}" != 1 ] || skip "runs part of the README: once, not under the sanitizers"
    run --separate-stderr env RS_SHARED_DATA="$BATS_TEST_TMPDIR/none" "$root/scripts/readme-test"
    assert_success
    assert_line --regexp '^skip README.md:[0-9]+: needs ../shared/data: rs-clean -i ../shared/data/online-retail/online_retail.csv'
    assert_line --regexp '^skip README.md:[0-9]+: needs clean.csv from a skipped block: rs-split -i clean.csv'
    assert_line --regexp '^ok README.md:[0-9]+: printf .intent,class,'
    assert_line --regexp '^readme-test: ../shared/data is absent \(.*\): [1-9][0-9]* blocks skipped$'
}

@test "a failing block fails the README test, named by its line; output and make blocks are not run" {
    printf '# t\n\n    make demo\n\nText.\n\n    rs-clean --version\n\n    rs-clean: not a command\n\n    rs-split -i missing.csv --by random --ratio 0.5 -o a.csv --test-out b.csv\n\n    rs-clean --version\n' > README.md
    run --separate-stderr "$root/scripts/readme-test" README.md
    assert_failure 1
    assert_line 'ok README.md:7: rs-clean --version'
    assert_line 'not ok README.md:11: exit 1'
    assert_line --partial 'missing.csv'
    assert_line 'readme-test: 3 command blocks, 0 skipped: failed'
    refute_line --partial 'README.md:3'
    refute_line --partial 'README.md:13'
}

@test "make demo asks only for the build packages and builds the seven tools it runs, in parallel, not the tests" {
    run --separate-stderr make -n -C "$root" --no-print-directory demo BUILD="$BATS_TEST_TMPDIR/b"
    assert_success
    assert_line 'scripts/install-deps --build'
    assert_output --regexp "make[^ ]* --no-print-directory -j[0-9]+ $BATS_TEST_TMPDIR/b/bin/rs-clean "
    refute_output --partial 'tests/unit'
    refute_output --partial 'run-tests'
    run --separate-stderr "$root/scripts/install-deps" --tests
    assert_failure 2
    assert_stderr 'usage: scripts/install-deps [--build]'
}
