/* blas.c — OpenBLAS set-up (see blas.h). */
#include "blas.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int setenv(const char *name, const char *value, int overwrite);

void openblas_set_num_threads(int n);
char *openblas_get_corename(void);

/* OpenBLAS reports an illegal argument through LAPACK's xerbla_, whose own
 * version prints on standard output (into the data) and lets the call
 * return as if it had worked.  This one, found first because the binary
 * defines it, keeps the first report for rs_blas_argument_error() instead.
 * The name is LAPACK's, hence the one symbol without the rs_ prefix. */
static char bad_routine[16];
static int bad_argument;

int xerbla_(const char *routine, const int *argument, int routine_len);
int xerbla_(const char *routine, const int *argument, int routine_len)
{
    if (!bad_argument) {
        int n = routine_len < (int)sizeof bad_routine - 1 ? routine_len : (int)sizeof bad_routine - 1;
        n = n > 0 ? (int)strnlen(routine, (size_t)n) : 0;   /* OpenBLAS counts the NUL */
        memcpy(bad_routine, routine, (size_t)(n > 0 ? n : 0));
        bad_routine[n > 0 ? n : 0] = 0;
        for (int i = n - 1; i >= 0 && bad_routine[i] == ' '; i--)
            bad_routine[i] = 0;
        bad_argument = *argument;
    }
    return 0;
}

const char *rs_blas_argument_error(int *argument)
{
    *argument = bad_argument;
    return bad_argument ? bad_routine : NULL;
}

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

const char *rs_blas_thread_timeout(void)
{
    const char *v = getenv("OPENBLAS_THREAD_TIMEOUT");
    return v && *v ? v : "28";
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

/* OpenBLAS starts its pool threads when it loads, and an idle one spins
 * 2^28 cycles (about 0.1 s) before it sleeps: CPU taken from rs's own -j
 * threads in every run, a quarter of a BANKING77 text fit's.  2^20 cycles
 * (under a millisecond) still covers the gap between two BLAS calls of a
 * multi-threaded factorisation.  Read only at load: set before the re-exec. */
#define THREAD_TIMEOUT "20"

void rs_blas_choose_kernel(char **argv)
{
    if (getenv("RS_BLAS_KEEP"))
        return;
    int kernel = cpu_has_avx512() && !kernel_uses_avx512(rs_blas_kernel());
    int timeout = !getenv("OPENBLAS_THREAD_TIMEOUT");
    if (!kernel && !timeout)
        return;
    if ((kernel && setenv("OPENBLAS_CORETYPE", "SkylakeX", 1) != 0) ||
        (timeout && setenv("OPENBLAS_THREAD_TIMEOUT", THREAD_TIMEOUT, 1) != 0) || setenv("RS_BLAS_KEEP", "1", 1) != 0)
        return;
    execv("/proc/self/exe", argv);   /* returns only on failure: go on as loaded */
}
