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

@test "every option in each tool's --help, long and short, is documented in its man page (all eight tools)" {
    for tool in rs-clean rs-split rs-features rs-train rs-predict rs-recommend rs-eval rs-forecast; do
        run --separate-stderr "$tool" --help
        assert_success
        longs=$(echo "$output" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
        shorts=$(echo "$output" | grep -oE '^ +-[a-zA-Z],' | tr -d ' ,' | sort -u)
        [ "$(echo "$longs" | wc -l)" -ge 15 ]
        [ "$(echo "$shorts" | wc -l)" -ge 7 ]
        # in roff a hyphen is \-: --input is \-\-input, and -i is \-i not preceded by a hyphen
        for opt in $longs; do
            grep -q -- "${opt//-/\\\\-}" "$root/man/$tool.1" || { echo "missing in $tool.1: $opt"; false; }
        done
        for opt in $shorts; do
            grep -qE -- "(^|[^-])\\\\-${opt#-}([^a-zA-Z0-9]|\$)" "$root/man/$tool.1" || { echo "missing in $tool.1: $opt"; false; }
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

@test "the demo runs the whole pipeline on the bundled sample and prints numbers that add up" {
    cp -r "$root/data" "$root/scripts" .
    mkdir -p build && ln -s "$RS_BIN" build/bin
    run --separate-stderr env BUILD=build scripts/demo
    assert_success
    # rows in = out + rejected, and the reasons add up to the rejected
    line=$(echo "$output" | grep -E '^   rows in [0-9]+ = rows out [0-9]+ \+ rejected [0-9]+$')
    read -r rin rout rrej <<< "$(echo "$line" | awk '{ print $3, $7, $10 }')"
    [ "$rin" -eq $((rout + rrej)) ]
    [ "$rin" -eq $(($(wc -l < data/sample/online_retail_sample.csv) - 1)) ]
    reasons=$(echo "$output" | sed -n '/rejected by reason/,/customers in/p' | awk '$1 ~ /^[0-9]+$/ { s += $1 } END { print s }')
    [ "$reasons" -eq "$rrej" ]
    [ "$(($(wc -l < demo-out/clean.csv) - 1))" -eq "$rout" ]
    # the AUCs printed are the ones rs-eval wrote
    auc=$(sed -n 's/^all,roc_auc,//p' demo-out/propensity_eval.csv)
    assert_output --partial "$(printf 'ROC AUC %.3f' "$auc")"
    assert_output --regexp 'baseline, orders in the last 90 days as the score: ROC AUC 0\.[0-9]{3}'
    for m in pop itemknn als ease; do
        ndcg=$(sed -n 's/^all,ndcg@10,//p' demo-out/eval_$m.csv)
        assert_output --regexp "   $m +$(printf '%.4f' "$ndcg") "
        [ "$(($(wc -l < demo-out/recs_$m.csv) - 1))" -gt 0 ]
    done
    [ "$(echo "$output" | grep -cE '^ +([1-9]|10)  [0-9A-Z]+ ')" -eq 10 ]
    [ -s demo-out/rejects.csv ]
    [ -s demo-out/report.json ]
    [ -s demo-out/propensity.rsm ]
    xmllint --noout demo-out/propensity.svg demo-out/recommend.svg
}
