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

/* ---- a pool: threads started once, woken for each run --------------------- */

typedef struct {
    rs_pool *pool;
    int worker;
} pool_seat;

struct rs_pool {
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    pthread_t *ids;
    pool_seat *seats;
    int n_workers;            /* started threads + the caller */
    int stop, pending;
    unsigned long run;        /* counts runs: a worker waits for a new one */
    thread_job job;           /* the current run (worker: the seat's index) */
};

static void *pool_main(void *arg)
{
    const pool_seat *seat = arg;
    rs_pool *pool = seat->pool;
    unsigned long seen = 0;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        while (pool->run == seen && !pool->stop)
            pthread_cond_wait(&pool->wake, &pool->lock);
        if (pool->stop) {
            pthread_mutex_unlock(&pool->lock);
            return NULL;
        }
        seen = pool->run;
        thread_job job = pool->job;
        pthread_mutex_unlock(&pool->lock);
        job.worker = seat->worker;
        if (job.worker < job.n_workers)
            run_slices(&job);
        pthread_mutex_lock(&pool->lock);
        if (--pool->pending == 0)
            pthread_cond_signal(&pool->done);
        pthread_mutex_unlock(&pool->lock);
    }
}

rs_pool *rs_pool_new(int n_threads)
{
    int cpus = rs_cpu_count(), n = n_threads < cpus ? n_threads : cpus;
    rs_pool *pool = n > 1 ? calloc(1, sizeof *pool) : NULL;
    if (!pool)
        return NULL;
    pool->ids = calloc((size_t)n, sizeof *pool->ids);
    pool->seats = calloc((size_t)n, sizeof *pool->seats);
    if (!pool->ids || !pool->seats || pthread_mutex_init(&pool->lock, NULL) != 0) {
        free(pool->ids), free(pool->seats), free(pool);
        return NULL;
    }
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->done, NULL);
    pool->n_workers = 1;
    for (int w = 1; w < n; w++) {
        pool->seats[w] = (pool_seat){pool, w};
        if (pthread_create(&pool->ids[w], NULL, pool_main, &pool->seats[w]) != 0)
            break;
        pool->n_workers++;
    }
    return pool;
}

void rs_pool_run(rs_pool *pool, int n_threads, rs_thread_fn fn, void *ctx)
{
    if (!pool || n_threads <= 1 || pool->n_workers <= 1) {
        rs_parallel(n_threads, fn, ctx);
        return;
    }
    int n_workers = pool->n_workers < n_threads ? pool->n_workers : n_threads;
    pthread_mutex_lock(&pool->lock);
    pool->job = (thread_job){fn, ctx, 0, n_workers, n_threads};
    pool->pending = pool->n_workers - 1;
    pool->run++;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    run_slices(&(thread_job){fn, ctx, 0, n_workers, n_threads});
    pthread_mutex_lock(&pool->lock);
    while (pool->pending > 0)
        pthread_cond_wait(&pool->done, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}

void rs_pool_free(rs_pool *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->stop = 1;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (int w = 1; w < pool->n_workers; w++)
        pthread_join(pool->ids[w], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    pthread_mutex_destroy(&pool->lock);
    free(pool->ids), free(pool->seats), free(pool);
}
