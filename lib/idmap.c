#include "idmap.h"

#include "hash.h"

#include <stdlib.h>
#include <string.h>

/* Open addressing with linear probing.  A slot holds index+1 (0 = empty),
 * 24 bits of the key's hash, its length (255: longer) and its first 8
 * bytes, so a lookup of a key of at most 8 bytes (most shop and user ids)
 * is decided by the one cache line of its slot, without touching
 * key_offset[] or the arena: loading 20 M interactions is mostly lookups,
 * and each of those misses cost as much as the rest of the row.  Keys live
 * back to back in one byte arena addressed by key_offset[]. */
typedef struct {
    uint64_t head;          /* the key's first 8 bytes, zero-padded */
    uint32_t idx1;          /* index + 1; 0: empty */
    uint32_t tag;           /* hash bits 40..63, then min(len, 255) */
} slot_t;

struct rs_idmap {
    slot_t *slots;          /* (n_slots) */
    size_t n_slots;         /* power of two */
    uint64_t *key_hash;     /* (n_keys) */
    size_t *key_offset;     /* (n_keys + 1) offsets into arena */
    int32_t n_keys;
    size_t keys_cap;
    char *arena;
    size_t arena_len, arena_cap;
};

rs_idmap *rs_idmap_new(void)
{
    rs_idmap *map = calloc(1, sizeof *map);
    if (!map)
        return NULL;
    map->n_slots = 64;
    map->slots = calloc(map->n_slots, sizeof *map->slots);
    map->keys_cap = 32;
    map->key_hash = malloc(map->keys_cap * sizeof *map->key_hash);
    map->key_offset = malloc((map->keys_cap + 1) * sizeof *map->key_offset);
    if (!map->slots || !map->key_hash || !map->key_offset) {
        rs_idmap_free(map);
        return NULL;
    }
    map->key_offset[0] = 0;
    return map;
}

void rs_idmap_free(rs_idmap *map)
{
    if (!map)
        return;
    free(map->slots);
    free(map->key_hash);
    free(map->key_offset);
    free(map->arena);
    free(map);
}

static int key_equal(const rs_idmap *map, int32_t idx, const char *key, size_t len)
{
    size_t off = map->key_offset[idx];
    /* no memcmp for empty keys: the arena may not exist yet (NULL) */
    return map->key_offset[idx + 1] - off == len && (len == 0 || memcmp(map->arena + off, key, len) == 0);
}

static uint32_t slot_tag(uint64_t h, size_t len)
{
    return (uint32_t)(h >> 40) << 8 | (uint32_t)(len < 255 ? len : 255);
}

static uint64_t slot_head(const char *key, size_t len)
{
    uint64_t head = 0;
    if (len)
        memcpy(&head, key, len < 8 ? len : 8);
    return head;
}

static slot_t slot_value(uint64_t h, const char *key, size_t len, int32_t idx)
{
    return (slot_t){slot_head(key, len), (uint32_t)idx + 1, slot_tag(h, len)};
}

static int32_t probe(const rs_idmap *map, uint64_t h, const char *key, size_t len, size_t *slot)
{
    size_t mask = map->n_slots - 1;
    uint32_t tag = slot_tag(h, len);
    uint64_t head = slot_head(key, len);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const slot_t *s = &map->slots[i];
        if (s->idx1 == 0) {
            *slot = i;
            return -1;
        }
        /* equal tags carry equal lengths (or both > 254) */
        if (s->tag == tag && s->head == head && (len <= 8 || key_equal(map, (int32_t)s->idx1 - 1, key, len)))
            return (int32_t)s->idx1 - 1;
    }
}

static int grow_slots(rs_idmap *map)
{
    size_t n_slots = map->n_slots * 2;
    slot_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots)
        return -1;
    for (int32_t k = 0; k < map->n_keys; k++) {
        size_t i = map->key_hash[k] & (n_slots - 1), len;
        while (slots[i].idx1)
            i = (i + 1) & (n_slots - 1);
        const char *key = rs_idmap_key(map, k, &len);
        slots[i] = slot_value(map->key_hash[k], key, len, k);
    }
    free(map->slots);
    map->slots = slots;
    map->n_slots = n_slots;
    return 0;
}

static int reserve_key(rs_idmap *map, size_t len)
{
    if ((size_t)map->n_keys == map->keys_cap) {
        size_t cap = map->keys_cap * 2;
        uint64_t *h = realloc(map->key_hash, cap * sizeof *h);
        if (!h)
            return -1;
        map->key_hash = h;
        size_t *off = realloc(map->key_offset, (cap + 1) * sizeof *off);
        if (!off)
            return -1;
        map->key_offset = off;
        map->keys_cap = cap;
    }
    if (map->arena_len + len > map->arena_cap) {
        size_t cap = map->arena_cap ? map->arena_cap : 1024;
        while (cap < map->arena_len + len)
            cap *= 2;
        char *a = realloc(map->arena, cap);
        if (!a)
            return -1;
        map->arena = a;
        map->arena_cap = cap;
    }
    return 0;
}

uint64_t rs_idmap_hash(const char *key, size_t len)
{
    return rs_hash64(key, len, 0);
}

void rs_idmap_prefetch(const rs_idmap *map, uint64_t hash)
{
    __builtin_prefetch(&map->slots[hash & (map->n_slots - 1)]);
}

int32_t rs_idmap_intern(rs_idmap *map, const char *key, size_t len, int *added)
{
    return rs_idmap_intern_hashed(map, key, len, rs_hash64(key, len, 0), added);
}

int32_t rs_idmap_intern_hashed(rs_idmap *map, const char *key, size_t len, uint64_t h, int *added)
{
    size_t slot;
    int32_t idx = probe(map, h, key, len, &slot);
    if (added)
        *added = idx < 0;
    if (idx >= 0)
        return idx;
    if (map->n_keys == INT32_MAX || reserve_key(map, len) < 0)
        return -1;
    /* keep the load factor under 1/2 so probes stay short */
    if ((size_t)(map->n_keys + 1) * 2 > map->n_slots) {
        if (grow_slots(map) < 0)
            return -1;
        probe(map, h, key, len, &slot);
    }
    idx = map->n_keys++;
    if (len)
        memcpy(map->arena + map->arena_len, key, len);
    map->arena_len += len;
    map->key_hash[idx] = h;
    map->key_offset[idx + 1] = map->arena_len;
    map->slots[slot] = slot_value(h, key, len, idx);
    return idx;
}

int32_t rs_idmap_find(const rs_idmap *map, const char *key, size_t len)
{
    size_t slot;
    return probe(map, rs_hash64(key, len, 0), key, len, &slot);
}

const char *rs_idmap_key(const rs_idmap *map, int32_t idx, size_t *len)
{
    *len = map->key_offset[idx + 1] - map->key_offset[idx];
    return map->arena ? map->arena + map->key_offset[idx] : "";
}

int32_t rs_idmap_size(const rs_idmap *map)
{
    return map->n_keys;
}

typedef struct {
    const char *key;
    size_t len;
    int32_t idx;
} key_view;

static int by_key_bytes(const void *pa, const void *pb)
{
    const key_view *a = pa, *b = pb;
    int c = memcmp(a->key, b->key, a->len < b->len ? a->len : b->len);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

int32_t *rs_idmap_sorted_new(const rs_idmap *map)
{
    size_t n = (size_t)map->n_keys;
    key_view *views = malloc((n ? n : 1) * sizeof *views);
    int32_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!views || !order) {
        free(views), free(order);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        views[i].key = rs_idmap_key(map, (int32_t)i, &views[i].len);
        views[i].idx = (int32_t)i;
    }
    qsort(views, n, sizeof *views, by_key_bytes);
    for (size_t i = 0; i < n; i++)
        order[i] = views[i].idx;
    free(views);
    return order;
}
