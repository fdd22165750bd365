/* The thread pool (threads.h): every slice of every run runs once, with
 * its index and the slice count, as rs_parallel runs them. */
#include "tap.h"
#include "threads.h"

#include <stdatomic.h>

enum { MAX_SLICES = 8, RUNS = 2000 };

typedef struct {
    atomic_int calls[MAX_SLICES];
    atomic_int wrong_count;   /* calls told another slice count */
    int expect_slices;
} tally;

static void count_slice(void *ctx, int t, int n_threads)
{
    tally *c = ctx;
    if (n_threads != c->expect_slices)
        atomic_fetch_add(&c->wrong_count, 1);
    atomic_fetch_add(&c->calls[t], 1);
}

/* RUNS runs of n slices on pool: each slice called RUNS times. */
static int runs_once_each(rs_pool *pool, int n)
{
    tally c = {.expect_slices = n};
    for (int r = 0; r < RUNS; r++)
        rs_pool_run(pool, n, count_slice, &c);
    int ok = atomic_load(&c.wrong_count) == 0;
    for (int t = 0; t < MAX_SLICES; t++)
        ok &= atomic_load(&c.calls[t]) == (t < n ? RUNS : 0);
    return ok;
}

int main(void)
{
    CHECK(rs_pool_new(1) == NULL, "one thread needs no pool");
    rs_pool *pool = rs_pool_new(2);
    CHECK(rs_cpu_count() < 2 || pool != NULL, "a pool of 2 starts on %d CPUs", rs_cpu_count());
    for (int n = 1; n <= 5; n++)
        CHECK(runs_once_each(pool, n), "pool of 2, %d slices: each slice runs once a run, %d runs", n, RUNS);
    rs_pool_free(pool);
    pool = rs_pool_new(MAX_SLICES);
    CHECK(runs_once_each(pool, MAX_SLICES), "pool of %d, as many slices", MAX_SLICES);
    rs_pool_free(pool);
    CHECK(runs_once_each(NULL, 3), "no pool: rs_parallel's slices");
    rs_pool_free(NULL);
    return tap_done();
}
