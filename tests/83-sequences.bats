#!/usr/bin/env bats
# Sequences (issue 20): ordered histories for the sequence kinds — time
# order with seeded tie-breaks, baskets, sessions — and the kinds that read
# them.  The library part (lib/io/sequences.c) has its unit test,
# tests/unit/test_sequences.c.

setup() {
    load test_helper/common-setup
    _common_setup
}

@test "--session-col and --basket-col are for the sequence kinds only" {
    printf 'user,item,ts,s\nu1,a,1,x\nu1,b,2,x\n' > t.csv
    run --separate-stderr rs-train --model ease --session-col s -i t.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--session-col is for the sequence kinds (markov, sknn), not ease"
    run --separate-stderr rs-train --model itemknn --basket-col s -i t.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--basket-col is for the sequence kinds (markov, sknn), not itemknn"
    run --separate-stderr rs-train --model linreg --label ts --session-col s -i t.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "session-col"
}
