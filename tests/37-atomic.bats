#!/usr/bin/env bats
# Outputs replace the old file whole or not at all: a run killed while it
# writes (SIGTERM, SIGINT, SIGHUP, even kill -9) leaves the old output and
# no temp file; the replaced file keeps its mode; the new file is synced
# before the rename; a symlink is followed to its target, even a dangling one.

setup() {
    load test_helper/common-setup
    _common_setup
    echo old > out.csv
}

# Start rs-clean reading a FIFO that delivers 200,000 rows and then stays
# open, wait (polling /proc, never a fixed sleep) until it holds its output
# file, and leave its pid in $pid and the writer's in $writer.
start_writing() {
    mkfifo fifo
    (awk 'BEGIN { print "a,b"; for (i = 0; i < 200000; i++) print i "," 2 * i }'; sleep 60) > fifo &
    writer=$!
    # a background job of a script starts with SIGINT ignored; rs keeps an
    # ignored signal ignored, so give it the default back for the test
    env --default-signal=INT,TERM,HUP rs-clean -i fifo -o out.csv 2> err.txt &
    pid=$!
    for _ in $(seq 200); do
        if ls -l "/proc/$pid/fd" 2>/dev/null | grep -E "out\.csv\.tmp\.|\(deleted\)" > /dev/null; then
            return 0
        fi
        sleep 0.05
    done
    echo "rs-clean never opened its output"
    return 1
}

finish() { # signal
    kill "-$1" "$pid"
    wait "$pid" || true
    kill "$writer" 2> /dev/null || true
    run find . -name 'out.csv.tmp.*'
    refute_output
    run cat out.csv
    assert_output old
}

@test "kill -9 while writing: the old output stays and no temp file is left (O_TMPFILE: the new file has no name yet)" {
    start_writing
    finish KILL
}

@test "SIGTERM, SIGINT and SIGHUP while writing a named temp file: it is removed (RS_NO_TMPFILE=1 forces that path)" {
    export RS_NO_TMPFILE=1
    for sig in TERM INT HUP; do
        rm -f fifo
        start_writing
        run find . -name 'out.csv.tmp.*'
        assert_output --regexp 'out\.csv\.tmp\.'
        finish "$sig"
    done
}

@test "a finished run replaces the output, which keeps its mode (600 stays 600)" {
    chmod 600 out.csv
    printf 'a\n1\n' > in.csv
    rs-clean -i in.csv -o out.csv
    run cat out.csv
    assert_output "a
1"
    run stat -c %a out.csv
    assert_output 600
    RS_NO_TMPFILE=1 rs-clean -i in.csv -o out.csv
    run stat -c %a out.csv
    assert_output 600
    run stat -c %a "$(umask 022; rs-clean -i in.csv -o new.csv; echo new.csv)"
    assert_output 644
}

@test "the new file is fsynced before it is renamed into place" {
    [ "${SAN:-}" != 1 ] || skip "strace: the sanitizers refuse ptrace"
    command -v strace > /dev/null || skip "strace is not installed"
    printf 'a\n1\n' > in.csv
    run strace -f -e trace=fsync,fdatasync,rename,renameat,renameat2 -o trace.txt rs-clean -i in.csv -o out.csv
    assert_success
    run grep -nE '^[0-9]+ +(fsync|fdatasync|rename)' trace.txt
    # a sync of the file, the rename, then a sync of the directory
    assert_line --index 0 --regexp 'fsync\('
    assert_line --index 1 --regexp 'rename(at2?)?\(.*out\.csv\.tmp\.[0-9a-f]{6}.*out\.csv'
    assert_line --index 2 --regexp 'fsync\('
}

@test "a symlink output is followed: the target is written, the link stays; a dangling link creates its target" {
    printf 'a\n1\n' > in.csv
    mkdir d
    echo old > d/target.csv
    ln -s d/target.csv link.csv
    rs-clean -i in.csv -o link.csv
    [ -L link.csv ]
    run cat d/target.csv
    assert_output "a
1"
    ln -s d/missing.csv dangling.csv
    rs-clean -i in.csv -o dangling.csv
    [ -L dangling.csv ]
    run cat d/missing.csv
    assert_output "a
1"
}
