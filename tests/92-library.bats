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
    run awk '$(NF-1) ~ /^[TDBRC]$/ && $NF !~ /^rs_/' <<< "$defined"
    assert_success
    refute_output
}
