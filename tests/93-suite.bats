#!/usr/bin/env bats
# The suite itself can fail: scripts/lint-tests rejects checks that cannot
# fail, and scripts/run-tests fails when bats is missing.

setup() {
    load test_helper/common-setup
    _common_setup
    root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
}

@test "lint-tests rejects a check before && on a line that is not the last, and a line starting with !" {
    cp "$root/tests/fixtures/lint/bad.bats" .
    run --separate-stderr "$root/scripts/lint-tests" bad.bats
    assert_failure 1
    assert_equal "${#lines[@]}" 5
    chain='a check before "&&" on a line that is not the last of the test never fails it: one check per line (a condition: if ...; then ...; fi)'
    bang='a line starting with "!" never fails a test: "run ! cmd", or "run cmd" and assert_failure N'
    assert_line --index 0 "bad.bats:4: $chain"
    assert_line --index 1 "bad.bats:5: $chain"
    assert_line --index 2 "bad.bats:7: $chain"
    assert_line --index 3 "bad.bats:8: $bang"
    assert_line --index 4 "bad.bats:12: $bang"
    assert_equal "$stderr" ""
}

@test "lint-tests accepts one check per line, run !, conditions, a chain last, and && or ! inside strings" {
    cp "$root/tests/fixtures/lint/good.bats" .
    run --separate-stderr "$root/scripts/lint-tests" good.bats
    assert_success
    assert_output ""
    assert_equal "$stderr" ""
}

@test "lint-tests: usage and an unreadable file are exit 2" {
    run --separate-stderr "$root/scripts/lint-tests"
    assert_failure 2
    assert_stderr "usage: lint-tests FILE.bats..."
    run --separate-stderr "$root/scripts/lint-tests" missing.bats
    assert_failure 2
    assert_stderr "lint-tests: missing.bats: cannot read"
}

@test "run-tests fails, saying how to install bats, when bats is not on PATH" {
    mkdir bin
    ln -s "$(command -v bash)" bin/bash
    ln -s "$(command -v dirname)" bin/dirname
    run --separate-stderr env PATH="$PWD/bin" "$root/scripts/run-tests"
    assert_failure 1
    assert_output ""
    assert_stderr "run-tests: bats is not installed, so the suite cannot run; install it with:
  sudo apt-get install -y bats bats-assert bats-support    (or: make deps)"
}
