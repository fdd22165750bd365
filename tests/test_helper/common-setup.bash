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

# The class-label guards every classifier shares (rs_label_classes): one
# class, 10,000 distinct labels (an id, not a class), an empty label.
# Arguments: the rs-train options of the kind (its feature column is a).
assert_class_label_guards() {
    printf 'a,y\n1,spam\n2,spam\n3,spam\n' > one.csv
    run --separate-stderr rs-train "$@" --label y -i one.csv -o guard.rsm
    assert_failure 1
    assert_stderr "rs-train: one.csv: the label has one class (every one of the 3 rows is 'spam'): nothing to learn"
    awk 'BEGIN { print "a,y"; for (i = 1; i <= 10000; i++) printf "%d,u%d\n", i % 7, i }' > many.csv
    run --separate-stderr rs-train "$@" --label y -i many.csv -o guard.rsm
    assert_failure 1
    assert_stderr "rs-train: many.csv: the label 'y' has 10000 distinct values, more than 1000 classes: is it an id, or a number (use --model linreg)?"
    printf 'a,y\n1,x\n2,\n3,z\n' > empty.csv
    run --separate-stderr rs-train "$@" --label y -i empty.csv -o guard.rsm
    assert_failure 1
    assert_stderr "rs-train: empty.csv:3: column y: '' is not a class or a number (the label is empty)"
}
