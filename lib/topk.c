/* topk.c — see topk.h. */
#include "topk.h"

#include <math.h>

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

size_t rs_topk(const float *scores, size_t n, size_t k, rs_scored *out)
{
    size_t size = 0;
    if (k == 0)
        return 0;
    /* Scanning in index order, an equal score never beats an entry already
     * kept (its index is lower), so one strict comparison with the worst
     * kept score rejects almost every item; -INFINITY and NaN never pass. */
    float threshold = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        float score = scores[i];
        if (!(score > threshold))
            continue;
        rs_scored c = {(int32_t)i, score};
        if (size < k) {
            out[size] = c;
            sift_up(out, size++);
        } else {
            out[0] = c;
            sift_down(out, size, 0);
        }
        if (size == k)
            threshold = out[0].score;
    }
    /* Heap sort: repeatedly move the last-ranked root to the end. */
    for (size_t end = size; end > 1; end--) {
        rs_scored tmp = out[0];
        out[0] = out[end - 1], out[end - 1] = tmp;
        sift_down(out, end - 1, 0);
    }
    return size;
}
