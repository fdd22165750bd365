#!/usr/bin/env bats
# librs is a library: it prints nothing (cmd/common.c prints for the
# binaries; warnings leave the library only through rs_set_warn_hook) and
# every global symbol it defines carries the rs_ prefix.

setup() {
    load test_helper/common-setup
    _common_setup
    lib=$RS_BUILD/librs.a
}

@test "librs.a references no printing function (printf family, puts, fputs, fputc, putchar, perror)" {
    run --separate-stderr nm -A -u "$lib"
    assert_success
    # the listing is real: one object of the library calls another's function
    assert_output --partial ' U rs_error_set'
    undefined=$output
    run grep -E ' U (printf|fprintf|vprintf|vfprintf|dprintf|vdprintf|puts|fputs|fputc|putc|putchar|perror|__printf_chk|__fprintf_chk|__vprintf_chk|__vfprintf_chk|__dprintf_chk|__vdprintf_chk)$' <<< "$undefined"
    assert_failure 1
    refute_output
}

@test "every global symbol librs.a defines (nm types T D B R C) starts with rs_" {
    run --separate-stderr nm -A -g --defined-only "$lib"
    assert_success
    assert_output --partial ' T rs_error_set'
    defined=$output
    # ASan marks each instrumented global with its own __odr_asan.NAME symbol
    # xerbla_ is LAPACK's error hook, replaced on purpose (lib/blas.c)
    run awk '$(NF-1) ~ /^[TDBRC]$/ && $NF !~ /^(__odr_asan\.)?rs_/ && $NF != "xerbla_"' <<< "$defined"
    assert_success
    refute_output
}

@test "no include cycle among lib/ modules (a .c/.h pair is one module)" {
    "$BATS_TEST_DIRNAME/../scripts/lib-deps" includes > includes.txt
    # the graph is real: the kinds include their interface
    run grep -c '^lib/models/knn lib/models/kind$' includes.txt
    assert_output 1
    [ "$(wc -l < includes.txt)" -gt 100 ]
    run --separate-stderr tsort includes.txt
    assert_success
    assert_equal "$stderr" ""
}

@test "no cycle among librs.a's objects (who calls whom, from nm)" {
    "$BATS_TEST_DIRNAME/../scripts/lib-deps" objects "$lib" > objects.txt
    run grep -c '^reco.o registry.o$' objects.txt
    assert_output 1
    [ "$(wc -l < objects.txt)" -gt 100 ]
    run --separate-stderr tsort objects.txt
    assert_success
    assert_equal "$stderr" ""
}

@test "the cycle checks can fail: a cycle in the edges is reported" {
    printf 'lib/a lib/b\nlib/b lib/a\n' > cycle.txt
    run --separate-stderr tsort cycle.txt
    assert_failure
    assert_stderr --partial "loop"
}
