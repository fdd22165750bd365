#!/usr/bin/env bats
# examples/: the Makefile experiment rebuilds only what changed; the nightly
# job publishes atomically and its quality gate stops a bad night.

setup() {
    load test_helper/common-setup
    _common_setup
    root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
}

@test "experiment Makefile: a table of every model; nothing to redo; one .opts edit retrains one model" {
    cp -r "$root/examples/experiment" exp
    cd exp && rm -rf out
    run make -s RS="$RS_BIN" DATA="$root/data/sample/online_retail_sample.csv"
    assert_success
    assert_line --index 0 --regexp '^model +ndcg +prec +recall +map +hit +cover$'
    [ "${#lines[@]}" -eq $(( $(ls models/*.opts | wc -l) + 1 )) ]
    # rows sorted by NDCG, every value a number in [0, 1]
    run awk 'NR > 1 { for (i = 2; i <= 7; i++) if ($i < 0 || $i > 1) bad++; if (NR > 2 && $2 > prev) bad++; prev = $2 }
             END { exit bad > 0 }' out/compare.txt
    assert_success
    # the table's NDCG is rs-eval's
    ndcg=$(grep -o '"ndcg@10": [0-9.e-]*' out/eval-ease-50.json | cut -d' ' -f2)
    grep -qE "^ease-50 +$(printf '%.4f' "$ndcg") " out/compare.txt
    run make -q RS="$RS_BIN" DATA="$root/data/sample/online_retail_sample.csv" out/compare.txt
    assert_success
    touch models/als-64.opts
    run make -n RS="$RS_BIN" DATA="$root/data/sample/online_retail_sample.csv"
    [ "$(echo "$output" | grep -c 'rs-train')" -eq 1 ]
    echo "$output" | grep 'rs-train' | grep -q 'models/als-64.opts'
}

# The bundled sample as daily exports up to a date.
daily_exports() { # state last_day
    mkdir -p "$1/incoming"
    /usr/bin/python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
days = {}
for r in rows[1:]:
    days.setdefault(r[4][:10], []).append(r)
for d, rs in days.items():
    if d <= sys.argv[3]:
        w = csv.writer(open("%s/incoming/orders-%s.csv" % (sys.argv[2], d), "w", newline=""))
        w.writerow(rows[0]); w.writerows(rs)' "$root/data/sample/online_retail_sample.csv" "$1" "$2"
}

@test "nightly.sh: cleans only new days, publishes; below MIN_NDCG it exits 3 and leaves the last files" {
    daily_exports state 2011-09-20
    run --separate-stderr env RS="$RS_BIN" "$root/examples/nightly/nightly.sh" -d 2011-09-15 state
    assert_success
    assert_stderr --regexp "nightly 2011-09-15: cleaned [0-9]+ new daily file\(s\) up to 2011-09-14"
    assert_stderr --regexp "published [0-9]+ recommendations"
    [ ! -e state/clean/orders-2011-09-15.csv ]
    [ -s state/publish/recs.csv ]
    [ -s state/publish/features.csv ]
    [ -s state/publish/model.rsm ]
    n_clean=$(ls state/clean/orders-*.csv | wc -l)
    run --separate-stderr env RS="$RS_BIN" "$root/examples/nightly/nightly.sh" -d 2011-09-16 state
    assert_success
    assert_stderr --partial "cleaned 1 new daily file(s) up to 2011-09-15"
    [ "$(ls state/clean/orders-*.csv | wc -l)" -eq $((n_clean + 1)) ]
    cp state/publish/recs.csv before.csv
    run --separate-stderr env RS="$RS_BIN" MIN_NDCG=0.99 "$root/examples/nightly/nightly.sh" -d 2011-09-17 state
    assert_failure 3
    assert_stderr --regexp "NDCG@10 0\.[0-9]+ on the last 14 days is below 0.99: not publishing"
    cmp before.csv state/publish/recs.csv
    run "$root/examples/nightly/nightly.sh"
    assert_failure 2
}
