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

/* Big arrays written in random order (counting-sort scatters, per-thread
 * row arrays): ask for 2 MB pages on the whole 2 MB-aligned part of
 * [p, p + bytes), so that filling them takes 512 times fewer page faults
 * and their random writes fewer TLB misses.  A hint only: where the kernel
 * has no transparent huge pages, nothing changes.  Such an array is
 * copied, not moved, when realloc grows it (the advice splits its mapping):
 * size it once. */
void rs_advise_huge(void *p, size_t bytes);
/* malloc(bytes), advised as above. */
void *rs_malloc_huge(size_t bytes);

#endif
