/* hash.h — a fast, stable 64-bit hash of bytes.
 *
 * Stable means: the same bytes give the same value on every platform and in
 * every rs version, so it may be used for sharding (rs-split --shard) and
 * for anything written to disk.  Not cryptographic. */
#ifndef RS_HASH_H
#define RS_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t rs_hash64(const void *data, size_t len, uint64_t seed);

#endif
