#!/usr/bin/env bats
# The saved fuzz corpus, replayed by make test: tests/fuzz/corpus/NAME holds
# inputs of harness tests/fuzz/NAME.c (minimised with libFuzzer's -merge=1
# from make fuzz runs, crash reproducers included).  make unit links each
# harness with tests/fuzz/replay.c against librs.a with the normal compiler,
# so make sanitize replays them under ASan and UBSan: a crash, an
# out-of-bounds access or a leak fails the test.

setup() {
    load test_helper/common-setup
    _common_setup
    root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
}

# replay NAME: every file of the corpus once, nothing on stderr.
replay() {
    corpus=$root/tests/fuzz/corpus/$1
    n=$(find "$corpus" -type f | wc -l)
    run --separate-stderr "$RS_BUILD/tests/fuzz/$1" "$corpus"
    assert_success
    assert_output "replayed $n inputs"
    assert_stderr ""
}

@test "the corpus of every harness is saved (at least 20 inputs each) and together under 400 KB" {
    for h in fuzz_model fuzz_csv fuzz_frame fuzz_encode; do
        run find "$root/tests/fuzz/corpus/$h" -type f
        assert_success
        [ "${#lines[@]}" -ge 20 ]
    done
    bytes=$(find "$root/tests/fuzz/corpus" -type f -exec cat {} + | wc -c)
    [ "$bytes" -lt 400000 ]
}

@test "fuzz_model replays its corpus (models of every kind, scored) without a fault" {
    replay fuzz_model
}

@test "fuzz_csv replays its corpus (every delimiter, --no-header, --max-field) without a fault" {
    replay fuzz_csv
}

@test "fuzz_frame replays its corpus (rsf frames) without a fault" {
    replay fuzz_frame
}

@test "fuzz_encode replays its corpus (rs-features encode --apply params) without a fault" {
    replay fuzz_encode
}

@test "the replay driver fails on a file it cannot read, and counts files given one by one" {
    run --separate-stderr "$RS_BUILD/tests/fuzz/fuzz_csv" missing
    assert_failure 1
    assert_stderr "replay: missing: No such file or directory"
    printf ',\000a,b\n1,2\n' > one
    printf '\000\000x::y\n' > two
    run --separate-stderr "$RS_BUILD/tests/fuzz/fuzz_csv" one two
    assert_success
    assert_output "replayed 2 inputs"
}
