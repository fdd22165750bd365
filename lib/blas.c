/* blas.c — OpenBLAS set-up (see blas.h). */
#include "blas.h"

void openblas_set_num_threads(int n);
char *openblas_get_corename(void);

void rs_blas_init(void)
{
    openblas_set_num_threads(1);
}

const char *rs_blas_kernel(void)
{
    return openblas_get_corename();
}
