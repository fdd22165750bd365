#include "hash.h"

#include <string.h>

/* Multiply-fold mixing in the style of wyhash; bytes are loaded
 * little-endian explicitly so the value does not depend on the host. */
static uint64_t mum(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static uint64_t load_le(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint64_t load64(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
#else
    return load_le(p, 8);
#endif
}

uint64_t rs_hash64(const void *data, size_t len, uint64_t seed)
{
    const uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull,
                   k2 = 0x8ebc6af09c88c6e3ull;
    const unsigned char *p = data;
    uint64_t h = seed ^ mum(seed ^ k0, (uint64_t)len ^ k1);
    size_t i = 0;
    for (; i + 16 <= len; i += 16)
        h = mum(load64(p + i) ^ k1 ^ h, load64(p + i + 8) ^ k2);
    if (i + 8 <= len) {
        h = mum(load64(p + i) ^ k1, h ^ k2);
        i += 8;
    }
    if (i < len)
        h = mum(load_le(p + i, len - i) ^ k2, h ^ k0);
    return mum(h ^ k0, (uint64_t)len ^ k1);
}
