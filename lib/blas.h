/* blas.h — the one place rs includes OpenBLAS: CBLAS, the few LAPACK
 * routines rs calls (Fortran interface; Debian ships no lapacke.h with
 * OpenBLAS), and thread control.
 *
 * rs parallelises over rows or users itself, so inside its threads OpenBLAS
 * must run one thread (else 2 x 2 threads fight for 2 cores).  rs_blas_init
 * sets that once per process. */
#ifndef RS_BLAS_H
#define RS_BLAS_H

#include <cblas.h>

void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info);
void spotrs_(const char *uplo, const int *n, const int *nrhs, const float *a, const int *lda, float *b,
             const int *ldb, int *info);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda, double *b,
             const int *ldb, int *info);
void spotri_(const char *uplo, const int *n, float *a, const int *lda, int *info);
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info);

/* OpenBLAS to one thread (rs's own threads do the parallel work). */
void rs_blas_init(void);
/* The kernel OpenBLAS chose for this CPU, e.g. "SkylakeX" or "Haswell". */
const char *rs_blas_kernel(void);

#endif
