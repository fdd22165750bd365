/* threads.c — see threads.h. */
#define _GNU_SOURCE   /* sched_getaffinity */
#include "threads.h"

#include "error.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A worker runs slices worker, worker + n_workers, ... of n_slices. */
typedef struct {
    rs_thread_fn fn;
    void *ctx;
    int worker, n_workers, n_slices;
} thread_job;

static void run_slices(const thread_job *job)
{
    for (int t = job->worker; t < job->n_slices; t += job->n_workers)
        job->fn(job->ctx, t, job->n_slices);
}

static void *thread_main(void *arg)
{
    run_slices(arg);
    return NULL;
}

int rs_cpu_count(void)
{
    /* asked once: rs_parallel runs per mini-batch and per half-iteration */
    static int count;
    if (count > 0)
        return count;
    cpu_set_t set;
    CPU_ZERO(&set);
    long n = sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0 ? CPU_COUNT(&set)
                                                                              : sysconf(_SC_NPROCESSORS_ONLN);
    count = n < 1 ? 1 : n > 1024 ? 1024 : (int)n;
    return count;
}

void rs_parallel(int n_threads, rs_thread_fn fn, void *ctx)
{
    if (n_threads <= 1) {
        fn(ctx, 0, 1);
        return;
    }
    /* the slices are n_threads whatever the machine (the same -j, the same
     * bytes); they run on no more threads than there are CPUs to run them */
    int n_workers = rs_cpu_count();
    n_workers = n_workers < n_threads ? n_workers : n_threads;
    thread_job *jobs = calloc((size_t)n_workers, sizeof *jobs);
    pthread_t *ids = calloc((size_t)n_workers, sizeof *ids);
    char *started = calloc((size_t)n_workers, 1);
    if (!jobs || !ids || !started) {
        run_slices(&(thread_job){fn, ctx, 0, 1, n_threads});
    } else {
        for (int w = 0; w < n_workers; w++) {
            jobs[w] = (thread_job){fn, ctx, w, n_workers, n_threads};
            if (w > 0)
                started[w] = pthread_create(&ids[w], NULL, thread_main, &jobs[w]) == 0;
        }
        run_slices(&jobs[0]);
        for (int w = 1; w < n_workers; w++) {
            if (started[w])
                pthread_join(ids[w], NULL);
            else
                run_slices(&jobs[w]);
        }
    }
    free(jobs);
    free(ids);
    free(started);
}

int rs_threads_resolve(int requested)
{
    int cpus = rs_cpu_count();
    if (requested > 0) {
        if (requested > cpus)
            rs_warn(NULL, 0, "-j %d: %d slices of the work (the same bytes as -j %d anywhere), run on %d thread%s "
                             "(the CPUs this process may use)", requested, requested, requested, cpus,
                    cpus == 1 ? "" : "s");
        return requested;
    }
    const char *slurm = getenv("SLURM_CPUS_PER_TASK");   /* a Slurm job's share of the node */
    char *end;
    long n = slurm ? strtol(slurm, &end, 10) : 0;
    if (slurm && *end == 0 && n > 0 && n <= 1024)
        return (int)n;
    return cpus;
}

void rs_thread_range(size_t n, int thread, int n_threads, size_t *begin, size_t *end)
{
    *begin = n * (size_t)thread / (size_t)n_threads;
    *end = n * (size_t)(thread + 1) / (size_t)n_threads;
}
