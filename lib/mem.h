/* mem.h — growing arrays. */
#ifndef RS_MEM_H
#define RS_MEM_H

#include <stddef.h>

/* Make *p hold at least `need` elements of `elem` bytes, doubling *cap (in
 * elements; 0 starts at 16).  0, or -1 when out of memory (*p unchanged). */
int rs_grow(void **p, size_t *cap, size_t need, size_t elem);

/* Make *p hold exactly n elements of `elem` bytes (for parallel arrays that
 * share one capacity).  0, or -1 when out of memory (*p unchanged). */
int rs_resize(void **p, size_t n, size_t elem);

#endif
