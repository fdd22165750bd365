/* test_blas.c — an illegal BLAS argument is caught by rs's xerbla_, not
 * printed on standard output by OpenBLAS's. */
#include "blas.h"
#include "tap.h"

int main(void)
{
    int argument = -1;
    CHECK(rs_blas_argument_error(&argument) == NULL && argument == 0, "no error before any call");
    double a[4] = {0}, c[4] = {0};
    /* lda 0 < k: argument 7 of DSYRK, as rs-train used to make it on one row */
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, 2, 1, 1.0, a, 0, 0.0, c, 2);
    const char *routine = rs_blas_argument_error(&argument);
    CHECK(routine && !strcmp(routine, "DSYRK") && argument == 7, "DSYRK's argument 7 is reported: %s %d",
          routine ? routine : "(none)", argument);
    return tap_done();
}
