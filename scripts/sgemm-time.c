/* sgemm-time M N K THREADS — seconds of one C = A B' (float32, row-major,
 * A M x K, B N x K) through OpenBLAS with THREADS threads, the shape of
 * scoring M users against N items with K factors.  For make bench. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void openblas_set_num_threads(int n);
char *openblas_get_corename(void);

int main(int argc, char **argv)
{
    if (argc != 5)
        return fprintf(stderr, "usage: sgemm-time M N K THREADS\n"), 2;
    size_t m = strtoul(argv[1], NULL, 10), n = strtoul(argv[2], NULL, 10), k = strtoul(argv[3], NULL, 10);
    openblas_set_num_threads(atoi(argv[4]));
    /* C in row blocks so that it fits in memory, as rs-recommend does. */
    size_t block = 4096;
    float *a = malloc(m * k * sizeof *a), *b = malloc(n * k * sizeof *b), *c = malloc(block * n * sizeof *c);
    if (!a || !b || !c)
        return fprintf(stderr, "out of memory\n"), 1;
    for (size_t i = 0; i < m * k; i++)
        a[i] = (float)(i % 7) * 0.1f;
    for (size_t i = 0; i < n * k; i++)
        b[i] = (float)(i % 5) * 0.1f;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t r = 0; r < m; r += block) {
        size_t rows = m - r < block ? m - r : block;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)n, (int)k, 1.0f, a + r * k, (int)k, b,
                    (int)k, 0.0f, c, (int)n);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("%.3f %.1f %s\n", s, 2.0 * (double)m * (double)n * (double)k / s / 1e9, openblas_get_corename());
    return 0;
}
