#!/usr/bin/env bats
# The README runs top to bottom: scripts/readme-test runs its command blocks
# in order in a temp directory (the convention is at the top of the script).

setup() {
    load test_helper/common-setup
    _common_setup
    root=$BATS_TEST_DIRNAME/..
}

@test "every command block of the README runs in order; with ../shared/data, the numbers it prints are the ones its commands give" {
    [ "${SAN:-}" != 1 ] || skip "runs the whole README (10 s or more): once, not under the sanitizers"
    run --separate-stderr env KEEP=1 "$root/scripts/readme-test"
    dir=$(echo "$stderr" | sed -n 's/^readme-test: keeping //p')
    [ -d "$dir/rs" ]
    mv "$dir" kept
    assert_success
    refute_line --partial 'not ok'
    assert_line --regexp '^readme-test: [0-9]+ command blocks ran, [0-9]+ skipped$'
    # the blocks the README has now: retail cleaning, splits, features, encoding, the three models,
    # MovieLens recommendations, rs-eval class, rank, ab and many classes, sharding
    ran=$(echo "$output" | grep -c '^ok README.md:[0-9]*: ')
    [ "$ran" -ge 16 ]
    [ -d "$root/../shared/data" ] || skip "../shared/data is absent: the numbers are not checked"
    assert_line --regexp '^readme-test: [0-9]+ command blocks ran, 0 skipped$'
    assert_line --regexp '^ok README.md:[0-9]+: rs-clean -i ../shared/data/online-retail/online_retail.csv'
    # rep.json: 541,909 in = 392,692 out + 149,217 rejected
    [ "$(json_count kept/rs/rep.json rows_in)" = 541909 ]
    [ "$(json_count kept/rs/rep.json rows_out)" = 392692 ]
    [ "$(json_count kept/rs/rep.json rows_rejected)" = 149217 ]
    # each of these is in the README and in what its command printed
    for want in '3317 customers, base rate 0.5620' 'roc_auc            0.895406' 'roc_auc            0.914748' \
                'roc_auc            0.935926' 'roc_auc            0.863294     0.874987  0.929348           0.859506' \
                'log_loss            0.611351' 'top_k_accuracy           1.0'; do
        grep -qF -- "$want" kept/output.log || { echo "not printed: $want"; false; }
        value=${want##* }
        grep -qF -- "$value" "$root/README.md" || { echo "not in the README: $value"; false; }
    done
    # 54 columns in customers.csv, 943 users in the per-user split's train side
    [ "$(head -1 kept/rs/customers.csv | tr , '\n' | wc -l)" -eq 54 ]
    [ "$(tail -n +2 kept/rs/ml_train.csv | cut -d, -f1 | sort -u | wc -l)" -eq 943 ]
}

@test "without ../shared/data rs-clean reads the bundled sample; the other blocks that need it, or a file made from it, are skipped with a note" {
    [ "${SAN:-}" != 1 ] || skip "runs part of the README: once, not under the sanitizers"
    run --separate-stderr env RS_SHARED_DATA="$BATS_TEST_TMPDIR/none" "$root/scripts/readme-test"
    assert_success
    # the Online Retail chain runs on the bundled sample, as the README says
    assert_line --regexp '^ok README.md:[0-9]+: \(on the bundled sample\) rs-clean -i ../shared/data/online-retail/online_retail.csv'
    assert_line --regexp '^ok README.md:[0-9]+: rs-split -i clean.csv --method random'
    assert_line --regexp '^ok README.md:[0-9]+: cols="--user-col CustomerID'
    assert_line --regexp '^skip README.md:[0-9]+: needs ../shared/data: rs-clean -i ../shared/data/movielens-100k/u.data'
    assert_line --regexp '^skip README.md:[0-9]+: needs ml100k.csv from a skipped block: rs-split -i ml100k.csv --method user'
    assert_line --regexp '^ok README.md:[0-9]+: printf .intent,class,'
    assert_line --regexp '^readme-test: ../shared/data is absent \(.*\): [1-9][0-9]* blocks skipped$'
}

@test "a failing block fails the README test, named by its line; output and make blocks are not run" {
    printf '# t\n\n    make demo\n\nText.\n\n    rs-clean --version\n\n    rs-clean: not a command\n\n    rs-split -i missing.csv --method random --ratio 0.5 -o a.csv --test-out b.csv\n\n    rs-clean --version\n' > README.md
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
