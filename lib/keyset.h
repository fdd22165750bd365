/* keyset.h — a set of 128-bit digests of byte strings, each with an int64
 * value.
 *
 * For deduplication over millions of rows without keeping the rows: two
 * independent 64-bit hashes make a false "duplicate" a 1-in-2^128 event per
 * pair (about 1e-26 for ten million rows), while memory stays at 24 bytes a
 * key whatever the row width. */
#ifndef RS_KEYSET_H
#define RS_KEYSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct rs_keyset rs_keyset;

rs_keyset *rs_keyset_new(void);
void rs_keyset_free(rs_keyset *set);

/* Find key; when absent add it with value `value`.  Returns a pointer to the
 * stored value (valid until the next add) and sets *added; NULL when out of
 * memory. */
int64_t *rs_keyset_upsert(rs_keyset *set, const void *key, size_t len, int64_t value, int *added);

/* Pointer to the value of key, or NULL. */
int64_t *rs_keyset_find(rs_keyset *set, const void *key, size_t len);

size_t rs_keyset_size(const rs_keyset *set);

#endif
