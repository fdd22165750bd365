/* idmap.h — string ids to dense indices 0..n-1, in order of first sight.
 *
 * Users and items arrive as arbitrary strings ("17850", "85123A",
 * "device:9f2c"); models want dense integer indices.  An rs_idmap owns a copy
 * of every key.  Lookups never allocate. */
#ifndef RS_IDMAP_H
#define RS_IDMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct rs_idmap rs_idmap;

rs_idmap *rs_idmap_new(void);
void rs_idmap_free(rs_idmap *map);

/* Index of key, adding it when new (*added = 1).  -1 when out of memory or
 * when the map already holds INT32_MAX keys. */
int32_t rs_idmap_intern(rs_idmap *map, const char *key, size_t len, int *added);

/* The same with the key's hash given (rs_idmap_hash): a loader hashes a
 * batch of keys, prefetches their slots (rs_idmap_prefetch), then interns
 * them, so the memory waits of the batch overlap instead of adding up. */
uint64_t rs_idmap_hash(const char *key, size_t len);
void rs_idmap_prefetch(const rs_idmap *map, uint64_t hash);
int32_t rs_idmap_intern_hashed(rs_idmap *map, const char *key, size_t len, uint64_t hash, int *added);

/* 1 while every key is one prefix and a number written the one way
 * ("17850", "u154"): such a map finds keys through an array by number and
 * needs neither a hash nor a prefetch (a loader skips both).  The keys and
 * indices are the same either way. */
int rs_idmap_is_numbered(const rs_idmap *map);

/* Index of key, or -1 when absent. */
int32_t rs_idmap_find(const rs_idmap *map, const char *key, size_t len);

/* The key of index idx (0 <= idx < size); not NUL-terminated. The pointer is
 * valid until the next intern. */
const char *rs_idmap_key(const rs_idmap *map, int32_t idx, size_t *len);

int32_t rs_idmap_size(const rs_idmap *map);

/* Every index of map ordered by its key's bytes (shorter first on a common
 * prefix): a new array of rs_idmap_size entries, or NULL when out of memory.
 * The caller frees it. */
int32_t *rs_idmap_sorted_new(const rs_idmap *map);

#endif
