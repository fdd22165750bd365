/* blas.c — OpenBLAS set-up (see blas.h). */
#include "blas.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int setenv(const char *name, const char *value, int overwrite);

void openblas_set_num_threads(int n);
char *openblas_get_corename(void);

void rs_blas_init(void)
{
    openblas_set_num_threads(1);
}

void rs_blas_threads(int n)
{
    openblas_set_num_threads(n > 0 ? n : 1);
}

const char *rs_blas_kernel(void)
{
    return openblas_get_corename();
}

/* AVX-512 F, BW, DQ and VL: what OpenBLAS's SkylakeX kernels use. */
static int cpu_has_avx512(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}

static int kernel_uses_avx512(const char *name)
{
    static const char *const avx512[] = {"skylakex", "cooperlake", "sapphirerapids", "zen4", "zen5", NULL};
    for (int i = 0; avx512[i]; i++)
        if (name && !strncasecmp(name, avx512[i], strlen(avx512[i])))
            return 1;
    return 0;
}

void rs_blas_choose_kernel(char **argv)
{
    if (getenv("RS_BLAS_KEEP") || !cpu_has_avx512() || kernel_uses_avx512(rs_blas_kernel()))
        return;
    if (setenv("OPENBLAS_CORETYPE", "SkylakeX", 1) != 0 || setenv("RS_BLAS_KEEP", "1", 1) != 0)
        return;
    execv("/proc/self/exe", argv);   /* returns only on failure: go on with the AVX2 kernel */
}
