#!/usr/bin/env bats
# Many processes at once: twenty rs-recommend and twenty rs-predict on one
# model file (mmapped, read-only), and twenty rs-clean into different
# outputs, all give exactly what one run alone gives.

setup() {
    load test_helper/common-setup
    _common_setup
    awk 'BEGIN { srand(8); print "user,item,value"
        for (u = 1; u <= 60; u++) for (i = 1; i <= 40; i++) if (rand() < 0.2) printf "u%d,i%d,%d\n", u, i, 1 + int(rand() * 5) }' > r.csv
}

@test "twenty rs-recommend and twenty rs-predict on one model file: every output equals a single run's" {
    rs-train --model ease -i r.csv -o m.rsm -q
    rs-recommend -m m.rsm -k 5 -j 1 -o alone.csv
    rs-predict -m m.rsm -i r.csv -j 1 -o alone_pred.csv
    pids=()
    for n in $(seq 20); do
        rs-recommend -m m.rsm -k 5 -j 1 -o "rec$n.csv" &
        pids+=($!)
        rs-predict -m m.rsm -i r.csv -j 1 -o "pred$n.csv" &
        pids+=($!)
    done
    for p in "${pids[@]}"; do
        wait "$p"
    done
    for n in $(seq 20); do
        run cmp alone.csv "rec$n.csv"
        assert_success
        run cmp alone_pred.csv "pred$n.csv"
        assert_success
    done
    [ "$(wc -l < alone.csv)" -gt 100 ]
}

@test "twenty rs-clean runs into different outputs at once: each equals a single run's" {
    rs-clean -i r.csv --keep-if 'value>2' -o alone.csv --rejects alone_rej.csv
    pids=()
    for n in $(seq 20); do
        rs-clean -i r.csv --keep-if 'value>2' -o "out$n.csv" --rejects "rej$n.csv" &
        pids+=($!)
    done
    for p in "${pids[@]}"; do
        wait "$p"
    done
    for n in $(seq 20); do
        run cmp alone.csv "out$n.csv"
        assert_success
        run cmp alone_rej.csv "rej$n.csv"
        assert_success
    done
    run find . -name '*.tmp.*'
    refute_output
}
