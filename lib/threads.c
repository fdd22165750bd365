/* threads.c — see threads.h. */
#include "threads.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct {
    rs_thread_fn fn;
    void *ctx;
    int thread, n_threads;
} thread_job;

static void *thread_main(void *arg)
{
    thread_job *job = arg;
    job->fn(job->ctx, job->thread, job->n_threads);
    return NULL;
}

void rs_parallel(int n_threads, rs_thread_fn fn, void *ctx)
{
    if (n_threads <= 1) {
        fn(ctx, 0, 1);
        return;
    }
    thread_job *jobs = calloc((size_t)n_threads, sizeof *jobs);
    pthread_t *ids = calloc((size_t)n_threads, sizeof *ids);
    char *started = calloc((size_t)n_threads, 1);
    if (!jobs || !ids || !started) {
        for (int t = 0; t < n_threads; t++)
            fn(ctx, t, n_threads);
    } else {
        for (int t = 0; t < n_threads; t++) {
            jobs[t] = (thread_job){fn, ctx, t, n_threads};
            if (t > 0)
                started[t] = pthread_create(&ids[t], NULL, thread_main, &jobs[t]) == 0;
        }
        fn(ctx, 0, n_threads);
        for (int t = 1; t < n_threads; t++) {
            if (started[t])
                pthread_join(ids[t], NULL);
            else
                fn(ctx, t, n_threads);
        }
    }
    free(jobs);
    free(ids);
    free(started);
}

int rs_threads_resolve(int requested)
{
    if (requested > 0)
        return requested;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

void rs_thread_range(size_t n, int thread, int n_threads, size_t *begin, size_t *end)
{
    *begin = n * (size_t)thread / (size_t)n_threads;
    *end = n * (size_t)(thread + 1) / (size_t)n_threads;
}
