#!/usr/bin/env bats
# No tool writes over its own input or writes two outputs into one file:
# the same regular file (same inode, or the same path once links are
# resolved) named twice is a usage error before anything is read or written.

setup() {
    load test_helper/common-setup
    _common_setup
    printf 'user,item,value\nu1,a,1\nu2,,2\nu3,b,3\n' > in.csv
    cp in.csv in.orig
}

# The input is untouched and no output or temp file appeared.
untouched() {
    run cmp in.csv in.orig
    assert_success
    run find . -name '*.tmp.*' -o -name 'out*'
    refute_output
}

@test "rs-clean: -o, --rejects, --report and -i must be different files" {
    run --separate-stderr rs-clean -i in.csv --require item -o out.csv --rejects out.csv
    assert_failure 2
    assert_stderr --partial "-o and --rejects name the same file 'out.csv'"
    untouched
    run --separate-stderr rs-clean -i in.csv --require item -o x.csv --rejects ./in.csv
    assert_failure 2
    assert_stderr --partial "-i and --rejects name the same file './in.csv' (the input would be overwritten)"
    run --separate-stderr rs-clean -i in.csv -o y.csv --report "$PWD/y.csv"
    assert_failure 2
    assert_stderr --partial "-o and --report name the same file"
    untouched
}

@test "a symlink or a hard link to the input is the input" {
    ln -s in.csv soft.csv
    ln in.csv hard.csv
    run --separate-stderr rs-clean -i in.csv -o soft.csv
    assert_failure 2
    assert_stderr --partial "-i and -o name the same file 'soft.csv'"
    run --separate-stderr rs-clean -i hard.csv -o in.csv
    assert_failure 2
    assert_stderr --partial "-i and -o name the same file 'in.csv'"
    mkdir sub
    run --separate-stderr rs-clean -i in.csv -o sub/../in.csv
    assert_failure 2
    untouched
}

@test "standard streams and devices are never a clash; different files are fine" {
    run --separate-stderr rs-clean -i in.csv --require item -o - --rejects /dev/null --report /dev/null
    assert_success
    assert_output "user,item,value
u1,a,1
u3,b,3"
    run --separate-stderr rs-clean -i in.csv --require item -o good.csv --rejects bad.csv
    assert_success
    [ -s good.csv ]
    [ -s bad.csv ]
}

@test "rs-split, rs-train, rs-predict, rs-recommend, rs-eval and rs-features refuse the same clashes" {
    run --separate-stderr rs-split -i in.csv --by random --ratio 0.5 -o t.csv --test-out t.csv
    assert_failure 2
    assert_stderr --partial "-o and --test-out name the same file 't.csv'"
    run --separate-stderr rs-split -i in.csv --by random --ratio 0.5 -o in.csv --test-out t.csv
    assert_failure 2
    assert_stderr --partial "-i and -o name the same file"
    run --separate-stderr rs-train --model pop -i in.csv -o in.csv
    assert_failure 2
    assert_stderr --partial "-i and -o name the same file 'in.csv'"
    printf 'user,item\nu1,a\n' | rs-train --model pop -o m.rsm -q
    cp m.rsm m.orig
    run --separate-stderr rs-predict -m m.rsm -i in.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "-m and -o name the same file 'm.rsm'"
    run --separate-stderr rs-recommend -m m.rsm --users in.csv -o in.csv
    assert_failure 2
    assert_stderr --partial "--users and -o name the same file 'in.csv'"
    run --separate-stderr rs-eval rank --truth in.csv --recs in.csv -o in.csv
    assert_failure 2
    assert_stderr --partial "name the same file 'in.csv'"
    run --separate-stderr rs-features encode -i in.csv --onehot item -o in.csv
    assert_failure 2
    assert_stderr --partial "-i and -o name the same file 'in.csv'"
    run cmp m.rsm m.orig
    assert_success
    untouched
}
