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

/* Call first in main, before any input is read.  OpenBLAS picks its CPU
 * kernel when the library loads, from OPENBLAS_CORETYPE or its CPU table.
 * Measured: Debian 12's 0.3.21 picks an AVX-512 kernel (Cooperlake) on AMD
 * Zen 5 by itself; an OPENBLAS_CORETYPE=Haswell left in the environment
 * gives the AVX2 kernel on a CPU with AVX-512, at about 0.65x the sgemm
 * speed (OPENBLAS_L2_SIZE is ignored by 0.3.21).  Then this sets
 * OPENBLAS_CORETYPE=SkylakeX and re-executes the program once (same argv,
 * same open files; nothing has been read yet).  It re-executes too when
 * OPENBLAS_THREAD_TIMEOUT is unset, setting it to 20 (OpenBLAS's idle pool
 * threads spin 2^20 cycles, not 2^28, before they sleep: no CPU taken from
 * rs's own threads at start).  RS_BLAS_KEEP=1 keeps what OpenBLAS chose:
 * no re-execution. */
void rs_blas_choose_kernel(char **argv);
/* OpenBLAS's own threads, for one big call outside rs's threads (ease's
 * inverse); set back to 1 after it. */
void rs_blas_threads(int n);
/* The kernel OpenBLAS chose for this CPU, e.g. "SkylakeX" or "Haswell". */
const char *rs_blas_kernel(void);
/* OPENBLAS_THREAD_TIMEOUT as OpenBLAS read it at load ("28", its default,
 * when unset): idle pool threads spin 2^that cycles before they sleep. */
const char *rs_blas_thread_timeout(void);
/* The BLAS/LAPACK routine that rejected an argument (and which, 1-based),
 * or NULL: a bug in rs, reported by cmd/ as an internal error. */
const char *rs_blas_argument_error(int *argument);

#endif
