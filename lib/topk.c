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

/* ---- partial quicksort --------------------------------------------------- */

static inline void swap_scored(rs_scored *a, rs_scored *b)
{
    rs_scored t = *a;
    *a = *b, *b = t;
}

/* The branch-free loops below swap unconditionally, an entry as one 8-byte
 * word: the slot written is often the one written the step before, and two
 * 4-byte stores read back as one word stall the load. */
static inline void swap_words(rs_scored *a, rs_scored *b)
{
    _Static_assert(sizeof(rs_scored) == sizeof(uint64_t), "an entry is one word");
    uint64_t x, y;
    memcpy(&x, a, sizeof x);
    memcpy(&y, b, sizeof y);
    memcpy(a, &y, sizeof y);
    memcpy(b, &x, sizeof x);
}

static void insertion_sort(rs_scored *c, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        rs_scored x = c[i];
        size_t j = i;
        for (; j > 0 && rs_scored_before(x, c[j - 1]); j--)
            c[j] = c[j - 1];
        c[j] = x;
    }
}

/* Partition c[0..n) (n >= 3) around the median of its first, middle and
 * last entries: returns p with c[0..p) before c[p], c[p + 1..n) after.
 * The swap is unconditional, the count not: no branch to mispredict. */
static size_t partition(rs_scored *c, size_t n)
{
    size_t mid = n / 2;
    if (rs_scored_before(c[mid], c[0]))
        swap_scored(&c[mid], &c[0]);
    if (rs_scored_before(c[n - 1], c[0]))
        swap_scored(&c[n - 1], &c[0]);
    if (rs_scored_before(c[n - 1], c[mid]))
        swap_scored(&c[n - 1], &c[mid]);
    swap_scored(&c[mid], &c[n - 1]);   /* the pivot waits at the end */
    rs_scored pivot = c[n - 1];
    size_t store = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        rs_scored e = c[i];
        swap_words(&c[i], &c[store]);
        store += (e.score > pivot.score) | ((e.score == pivot.score) & (e.index < pivot.index));
    }
    swap_scored(&c[store], &c[n - 1]);
    return store;
}

/* All of c[0..n) sorted by a heap (root: the entry that ranks last). */
static void heap_sort(rs_scored *c, size_t n)
{
    for (size_t i = n / 2; i > 0; i--)
        sift_down(c, n, i - 1);
    for (size_t end = n; end > 1; end--) {
        swap_scored(&c[0], &c[end - 1]);
        sift_down(c, end - 1, 0);
    }
}

/* Sort the first k of c[0..n) into place (the rest in any order).  depth
 * bounds the recursion: past it, a heap sorts the range (never quadratic). */
static void partial_sort(rs_scored *c, size_t n, size_t k, int depth)
{
    while (n > 16 && k > 0) {
        if (depth-- == 0) {
            heap_sort(c, n);
            return;
        }
        size_t p = partition(c, n);
        if (k > p + 1)   /* some of the k lie after the pivot */
            partial_sort(c + p + 1, n - p - 1, k - p - 1, depth);
        n = p;
        if (k > p)
            k = p;
    }
    insertion_sort(c, n);
}

/* Move the entries of c[0..n) scoring at least t to its front (the rest
 * after them, none lost); returns how many.  Branch-free: the test is
 * unpredictable. */
static size_t keep_at_least(rs_scored *c, size_t n, float t)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        float score = c[i].score;
        swap_words(&c[i], &c[kept]);
        kept += score >= t;
    }
    return kept;
}

enum { SAMPLE = 128 };   /* candidates whose scores guess the k-th best */

size_t rs_topk_select(rs_scored *cand, size_t n, size_t k)
{
    int depth = 0;
    for (size_t m = n; m > 1; m /= 2)
        depth += 2;
    size_t want = n < k ? n : k;
    /* Most of n candidates cannot be among k << n: a score threshold from
     * an evenly spaced sample leaves a few for the sort.  The sample's
     * rank is chosen for about 2k + 16 above the threshold; when fewer
     * than k reach it, the guess was too high: a lower rank, four times
     * as deep, then at last the whole range sorted. */
    if (n >= 2 * SAMPLE && k > 0 && k <= n / 4) {
        rs_scored sample[SAMPLE];
        for (size_t i = 0; i < SAMPLE; i++)
            sample[i] = cand[i * (n / SAMPLE)];
        size_t rank = (2 * k + 16) * SAMPLE / n;   /* <= SAMPLE / 2 + 8 */
        for (;; rank = 4 * rank + 3) {
            if (rank >= SAMPLE)
                break;
            partial_sort(sample, SAMPLE, rank + 1, depth);   /* the sample's best rank + 1, in order */
            size_t above = keep_at_least(cand, n, sample[rank].score);
            if (above >= k) {
                partial_sort(cand, above, k, depth);
                return want;
            }
        }
    }
    partial_sort(cand, n, k, depth);
    return want;
}
