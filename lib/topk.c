/* topk.c — see topk.h. */
#include "topk.h"

#include <math.h>
#include <string.h>

/* out[0..size) is a heap whose root is the entry that ranks last. */
static void sift_down(rs_scored *heap, size_t size, size_t at)
{
    for (;;) {
        size_t worst = at, l = 2 * at + 1, r = l + 1;
        if (l < size && rs_scored_before(heap[worst], heap[l]))
            worst = l;
        if (r < size && rs_scored_before(heap[worst], heap[r]))
            worst = r;
        if (worst == at)
            return;
        rs_scored tmp = heap[at];
        heap[at] = heap[worst], heap[worst] = tmp;
        at = worst;
    }
}

static void sift_up(rs_scored *heap, size_t at)
{
    while (at > 0) {
        size_t parent = (at - 1) / 2;
        if (!rs_scored_before(heap[parent], heap[at]))
            return;
        rs_scored tmp = heap[at];
        heap[at] = heap[parent], heap[parent] = tmp;
        at = parent;
    }
}

/* Keep candidate i if it ranks before the worst kept one. */
static inline void offer(const float *scores, size_t i, size_t k, rs_scored *out, size_t *size, float *threshold)
{
    float score = scores[i];
    if (!(score > *threshold))
        return;
    rs_scored c = {(int32_t)i, score};
    if (*size < k) {
        out[*size] = c;
        sift_up(out, (*size)++);
    } else {
        out[0] = c;
        sift_down(out, *size, 0);
    }
    if (*size == k)
        *threshold = out[0].score;
}

enum { CHUNK = 16 };   /* scores tested at once */

/* GCC/Clang vector types: four floats compared in one instruction (SSE2 on
 * any x86-64; plain code elsewhere). */
typedef float f32x4 __attribute__((vector_size(16)));
typedef int32_t i32x4 __attribute__((vector_size(16)));

/* 1 when some of scores[0..CHUNK) is above threshold (NaN never is). */
static inline int chunk_passes(const float *scores, float threshold)
{
    f32x4 t = {threshold, threshold, threshold, threshold};
    i32x4 any = {0, 0, 0, 0};
    for (size_t j = 0; j < CHUNK; j += 4) {
        f32x4 v;
        memcpy(&v, scores + j, sizeof v);
        any |= v > t;
    }
    return (any[0] | any[1] | any[2] | any[3]) != 0;
}

size_t rs_topk(const float *scores, size_t n, size_t k, rs_scored *out)
{
    size_t size = 0, i = 0;
    if (k == 0)
        return 0;
    /* Scanning in index order, an equal score never beats an entry already
     * kept (its index is lower), so one strict comparison with the worst
     * kept score rejects almost every item; -INFINITY and NaN never pass.
     * A chunk with no score above the threshold is skipped whole (the same
     * test, four at a time): the scan was half of rs-recommend's time for
     * markov on 27,000 items. */
    float threshold = -INFINITY;
    for (; i + CHUNK <= n; i += CHUNK) {
        if (!chunk_passes(scores + i, threshold))
            continue;
        for (size_t j = i; j < i + CHUNK; j++)
            offer(scores, j, k, out, &size, &threshold);
    }
    for (; i < n; i++)
        offer(scores, i, k, out, &size, &threshold);
    /* Heap sort: repeatedly move the last-ranked root to the end. */
    for (size_t end = size; end > 1; end--) {
        rs_scored tmp = out[0];
        out[0] = out[end - 1], out[end - 1] = tmp;
        sift_down(out, end - 1, 0);
    }
    return size;
}
