# Loaded by every tests/*.bats: assertions, and the built binaries on PATH.
_common_setup() {
    bats_require_minimum_version 1.5.0
    bats_load_library bats-support
    bats_load_library bats-assert
    RS_BIN=${RS_BIN:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)/build/bin}
    RS_BUILD=${RS_BUILD:-${RS_BIN%/bin}}
    export RS_BIN RS_BUILD
    PATH="$RS_BIN:$PATH"
    cd "$BATS_TEST_TMPDIR" || return 1
}

# The value of "key": N in a JSON report written one key per line.
json_count() { # file key
    sed -n "s/^ *\"$2\": \\([0-9]*\\).*/\\1/p" "$1" | head -1
}

# bats-assert gained assert_stderr in 2.1; Debian 12 ships 2.0.  The same
# contract: exact by default, --partial for a substring, --regexp for ERE.
if ! declare -F assert_stderr >/dev/null; then
    assert_stderr() {
        local mode=exact
        case "${1-}" in
        --partial) mode=partial; shift ;;
        --regexp) mode=regexp; shift ;;
        esac
        local expected=$1 ok=1
        case $mode in
        exact) [[ "$stderr" == "$expected" ]] || ok=0 ;;
        partial) [[ "$stderr" == *"$expected"* ]] || ok=0 ;;
        regexp) [[ "$stderr" =~ $expected ]] || ok=0 ;;
        esac
        if [ "$ok" = 0 ]; then
            batslib_print_kv_single_or_multi 8 expected "$expected" actual "$stderr" |
                batslib_decorate "stderr differs ($mode)" | fail
        fi
    }
fi
