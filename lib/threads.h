/* threads.h — run one function on N threads, each told its index.
 *
 * Work is split by thread index, never by who finishes first, so results
 * reduced in index order are the same on every run with the same -j. */
#ifndef RS_THREADS_H
#define RS_THREADS_H

#include <stddef.h>

typedef void (*rs_thread_fn)(void *ctx, int thread, int n_threads);

/* fn(ctx, t, n) for t in 0..n-1, on at most rs_cpu_count() threads (a
 * thread runs slices t, t + threads, ...); returns when all are done.
 * When a thread cannot be started its slices run on the caller's thread. */
void rs_parallel(int n_threads, rs_thread_fn fn, void *ctx);

/* The CPUs this process may run on (its affinity mask). */
int rs_cpu_count(void);

/* -j N: N (a note when N is above rs_cpu_count()); -j 0 (the default):
 * SLURM_CPUS_PER_TASK when set, else rs_cpu_count(). */
int rs_threads_resolve(int requested);

/* A pool of threads started once and woken for each run, for callers
 * that run many short parallel steps (a tree's nodes): the same slices as
 * rs_parallel, without starting threads each time.  rs_pool_new gives NULL
 * when it cannot start or needs no threads; rs_pool_run(NULL, ...) is
 * rs_parallel.  A pool runs one caller's steps at a time. */
typedef struct rs_pool rs_pool;
rs_pool *rs_pool_new(int n_threads);
void rs_pool_run(rs_pool *pool, int n_threads, rs_thread_fn fn, void *ctx);
void rs_pool_free(rs_pool *pool);

/* The rows [*begin, *end) of n that thread t of n_threads owns. */
void rs_thread_range(size_t n, int thread, int n_threads, size_t *begin, size_t *end);

#endif
