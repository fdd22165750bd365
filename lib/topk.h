/* topk.h — the K best of n scores, without sorting all n.
 *
 * A min-heap of K entries: O(n log K).  Order: higher score first; equal
 * scores by lower index first, so ties are broken the same way on every
 * run.  Scores of -INFINITY (filtered out) are never returned. */
#ifndef RS_TOPK_H
#define RS_TOPK_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int32_t index;
    float score;
} rs_scored;

/* The best min(k, candidates) of scores[0..n) into out, best first;
 * returns how many.  heap: scratch of k entries. */
size_t rs_topk(const float *scores, size_t n, size_t k, rs_scored *out);

/* The best min(k, n) of cand[0..n) (indices distinct, scores not NaN;
 * every entry counts, -INFINITY too) moved to the front of cand, best
 * first; returns how many.  A score threshold guessed from a sample, then
 * a partial quicksort of what passes it: O(n) on average where rs_topk's
 * heap is O(n log k) and mispredicts on rising scores.  The order is
 * rs_topk's total order, so the result does not depend on the method. */
size_t rs_topk_select(rs_scored *cand, size_t n, size_t k);

/* 1 when a ranks before b. */
static inline int rs_scored_before(rs_scored a, rs_scored b)
{
    return a.score > b.score || (a.score == b.score && a.index < b.index);
}

#endif
