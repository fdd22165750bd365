/* suggest.h — "did you mean": the closest of some names to a misspelt one.
 *
 * Closeness is the edit distance (insertions, deletions, substitutions and
 * swaps of two neighbouring bytes) with ASCII case ignored, so 'CustomerId'
 * is 0 away from 'CustomerID'.  A name is suggested when it is at most 2
 * away and nearer than the length of the misspelt name (so 'ts' never
 * suggests 'id'). */
#ifndef RS_SUGGEST_H
#define RS_SUGGEST_H

#include <stddef.h>

enum { RS_SUGGEST_MAX_DISTANCE = 2 };

/* The edit distance of a[0..a_len) and b[0..b_len), ASCII case ignored;
 * any value above limit is reported as limit + 1 (names are short). */
size_t rs_edit_distance(const char *a, size_t a_len, const char *b, size_t b_len, size_t limit);

/* The index of the candidate nearest to name (the first of equals), or -1
 * when none is near enough (see above).  NULL candidates are skipped. */
long rs_suggest(const char *name, size_t name_len, const char *const *candidates, size_t n_candidates);

#endif
