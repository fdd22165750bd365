#!/usr/bin/env bats
# -j N splits the work into N slices whatever the machine (the same -j, the
# same bytes) and runs them on no more threads than the CPUs the process may
# use; the default -j is that CPU count, or SLURM_CPUS_PER_TASK in a job.

setup() {
    load test_helper/common-setup
    _common_setup
    awk 'BEGIN { srand(4); print "a,b,y"; for (i = 0; i < 3000; i++) { a = rand(); b = rand()
        printf "%.4f,%.4f,%d\n", a, b, (a + b + rand() > 1.5) } }' > t.csv
}

@test "-j above the CPU count: the same bytes on one CPU as on all, and a note" {
    command -v taskset > /dev/null || skip "taskset is not installed"
    rs-train --model logreg --label y -i t.csv -o free.rsm -j 3 -q
    run --separate-stderr taskset -c 0 rs-train --model logreg --label y -i t.csv -o one.rsm -j 3
    assert_success
    assert_stderr --partial "rs-train: -j 3: 3 slices of the work (the same bytes as -j 3 anywhere), run on 1 thread (the CPUs this process may use)"
    run cmp free.rsm one.rsm
    assert_success
    run --separate-stderr taskset -c 0 rs-train --model logreg --label y -i t.csv -o q.rsm -j 3 -q
    assert_success
    assert_equal "$stderr" ""
}

@test "OPENBLAS_THREAD_TIMEOUT: set to 20 when unset, a given value kept, none with RS_BLAS_KEEP=1 (-vv prints it)" {
    run --separate-stderr env -u OPENBLAS_THREAD_TIMEOUT -u RS_BLAS_KEEP rs-train --model logreg --label y -i t.csv -o m.rsm -vv
    assert_success
    assert_stderr --regexp "OpenBLAS kernel [A-Za-z0-9]+, [0-9]+ threads, idle OpenBLAS threads spin 2\^20 cycles"
    run --separate-stderr env -u RS_BLAS_KEEP OPENBLAS_THREAD_TIMEOUT=25 rs-train --model logreg --label y -i t.csv -o m.rsm -vv
    assert_success
    assert_stderr --regexp "idle OpenBLAS threads spin 2\^25 cycles"
    run --separate-stderr env -u OPENBLAS_THREAD_TIMEOUT RS_BLAS_KEEP=1 rs-train --model logreg --label y -i t.csv -o m.rsm -vv
    assert_success
    assert_stderr --regexp "idle OpenBLAS threads spin 2\^28 cycles"
    printf 'user,item\nu1,i1\nu1,i2\nu2,i1\nu3,i2\n' > clicks.csv
    rs-train --model pop -i clicks.csv -o pop.rsm -q
    run --separate-stderr env -u OPENBLAS_THREAD_TIMEOUT -u RS_BLAS_KEEP rs-recommend -m pop.rsm -k 1 -vv
    assert_success
    assert_stderr --regexp "rs-recommend: OpenBLAS kernel [A-Za-z0-9]+, idle OpenBLAS threads spin 2\^20 cycles"
}

@test "the default -j: the CPUs this process may use, or SLURM_CPUS_PER_TASK" {
    command -v taskset > /dev/null || skip "taskset is not installed"
    run --separate-stderr taskset -c 0 rs-train --model logreg --label y -i t.csv -o m.rsm -vv
    assert_success
    assert_stderr --regexp "OpenBLAS kernel [A-Za-z0-9]+, 1 threads"
    run --separate-stderr env SLURM_CPUS_PER_TASK=3 rs-train --model logreg --label y -i t.csv -o m.rsm -vv
    assert_stderr --regexp "OpenBLAS kernel [A-Za-z0-9]+, 3 threads"
    run --separate-stderr env SLURM_CPUS_PER_TASK=x rs-train --model logreg --label y -i t.csv -o m.rsm -vv
    assert_stderr --regexp "OpenBLAS kernel [A-Za-z0-9]+, $(nproc) threads"
}
