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
 * back to back in one byte arena addressed by key_offset[].
 *
 * Numbered mode: while every key is one prefix followed by a number written
 * the one way (decimal, no leading zero: "17850", "u154", "user-0"), keys
 * are found through by_number[number] instead of the slots: no hash, and a
 * small array that stays in cache.  Keys, indices and first-sight order are
 * the same in both modes; the first key that is not such a key (another
 * prefix, a leading zero, no digits, a number far above the keys held)
 * builds the slots from the keys held and the map stays hashed. */
typedef struct {
    uint64_t head;          /* the key's first 8 bytes, zero-padded */
    uint32_t idx1;          /* index + 1; 0: empty */
    uint32_t tag;           /* hash bits 40..63, then min(len, 255) */
} slot_t;

enum { PREFIX_MAX = 16, NUMBER_DIGITS_MAX = 9, NUMBERS_SLACK = 1 << 20 };

struct rs_idmap {
    slot_t *slots;          /* (n_slots); unused in numbered mode */
    size_t n_slots;         /* power of two */
    uint64_t *key_hash;     /* (n_keys); filled when leaving numbered mode */
    int numbered;           /* 1: every key is prefix + number (see above) */
    char prefix[PREFIX_MAX];
    size_t prefix_len;
    int32_t *by_number;     /* (numbers_cap) number -> index + 1; 0: absent */
    size_t numbers_cap;
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
    map->numbered = 1;
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
    free(map->by_number);
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

/* The slots rebuilt at n_slots (a power of two) from key_hash[]. */
static int build_slots(rs_idmap *map, size_t n_slots)
{
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

/* Store a new key (room reserved) as index n_keys: that index. */
static int32_t append_key(rs_idmap *map, const char *key, size_t len, uint64_t h)
{
    int32_t idx = map->n_keys++;
    if (len)
        memcpy(map->arena + map->arena_len, key, len);
    map->arena_len += len;
    map->key_hash[idx] = h;
    map->key_offset[idx + 1] = map->arena_len;
    return idx;
}

/* key as a prefix and a number written the one way (1 to 9 digits, no
 * leading zero): 1 with both, else 0. */
static int split_number(const char *key, size_t len, size_t *prefix_len, uint32_t *number)
{
    size_t at = len;
    while (at > 0 && (unsigned char)(key[at - 1] - '0') < 10)
        at--;
    size_t digits = len - at;
    if (digits == 0 || digits > NUMBER_DIGITS_MAX || (digits > 1 && key[at] == '0') || at > PREFIX_MAX)
        return 0;
    uint32_t value = 0;
    for (size_t i = at; i < len; i++)
        value = value * 10 + (uint32_t)(key[i] - '0');
    *prefix_len = at, *number = value;
    return 1;
}

/* Numbered mode: 1 and the key's number when the key has the map's shape
 * (any prefix while the map is empty), else 0.  The map's prefix does not
 * end in a digit, so its keys are it and then digits only. */
static int key_number(const rs_idmap *map, const char *key, size_t len, uint32_t *number)
{
    size_t prefix_len = map->prefix_len, digits = len - prefix_len;
    if (map->n_keys == 0)
        return split_number(key, len, &prefix_len, number);
    if (len <= prefix_len || digits > NUMBER_DIGITS_MAX || (digits > 1 && key[prefix_len] == '0'))
        return 0;
    for (size_t i = 0; i < prefix_len; i++)
        if (key[i] != map->prefix[i])
            return 0;
    uint32_t value = 0;
    for (size_t i = prefix_len; i < len; i++) {
        uint32_t digit = (uint32_t)(unsigned char)key[i] - '0';
        if (digit > 9)
            return 0;
        value = value * 10 + digit;
    }
    *number = value;
    return 1;
}

/* Make by_number cover number: 0, or -1 when the number is far above the
 * keys held (the array would outweigh the slots) or out of memory. */
static int cover_number(rs_idmap *map, uint32_t number)
{
    size_t limit = NUMBERS_SLACK + 8 * (size_t)map->n_keys, cap = map->numbers_cap ? map->numbers_cap : 1024;
    if (number >= limit)
        return -1;
    while (cap <= number)
        cap *= 2;
    cap = cap < limit ? cap : limit;
    int32_t *grown = realloc(map->by_number, cap * sizeof *grown);
    if (!grown)
        return -1;
    memset(grown + map->numbers_cap, 0, (cap - map->numbers_cap) * sizeof *grown);
    map->by_number = grown, map->numbers_cap = cap;
    return 0;
}

/* Hash every key held into slots and leave numbered mode: 0, or -1 out
 * of memory. */
static int leave_numbered(rs_idmap *map)
{
    size_t n_slots = map->n_slots;
    while ((size_t)(map->n_keys + 1) * 2 > n_slots)
        n_slots *= 2;
    for (int32_t k = 0; k < map->n_keys; k++) {
        size_t len;
        const char *key = rs_idmap_key(map, k, &len);
        map->key_hash[k] = rs_hash64(key, len, 0);
    }
    if (build_slots(map, n_slots) < 0)
        return -1;
    free(map->by_number);
    map->by_number = NULL, map->numbers_cap = 0, map->numbered = 0;
    return 0;
}

enum { NOT_NUMBERED = -2 };

/* Numbered mode: the key's index (added when new), -1 out of memory, or
 * NOT_NUMBERED when the map has just left numbered mode for this key. */
static int32_t intern_numbered(rs_idmap *map, const char *key, size_t len, int *added)
{
    uint32_t number;
    if (!key_number(map, key, len, &number) || (number >= map->numbers_cap && cover_number(map, number) < 0))
        return leave_numbered(map) < 0 ? -1 : NOT_NUMBERED;
    int32_t idx = map->by_number[number] - 1;
    if (added)
        *added = idx < 0;
    if (idx >= 0)
        return idx;
    if (map->n_keys == INT32_MAX || reserve_key(map, len) < 0)
        return -1;
    if (map->n_keys == 0) {   /* the first key sets the prefix */
        split_number(key, len, &map->prefix_len, &number);
        memcpy(map->prefix, key, map->prefix_len);
    }
    idx = append_key(map, key, len, 0);
    map->by_number[number] = idx + 1;
    return idx;
}

uint64_t rs_idmap_hash(const char *key, size_t len)
{
    return rs_hash64(key, len, 0);
}

int rs_idmap_is_numbered(const rs_idmap *map)
{
    return map->numbered;
}

void rs_idmap_prefetch(const rs_idmap *map, uint64_t hash)
{
    if (!map->numbered)
        __builtin_prefetch(&map->slots[hash & (map->n_slots - 1)]);
}

int32_t rs_idmap_intern(rs_idmap *map, const char *key, size_t len, int *added)
{
    if (map->numbered) {
        int32_t idx = intern_numbered(map, key, len, added);
        if (idx != NOT_NUMBERED)
            return idx;
    }
    return rs_idmap_intern_hashed(map, key, len, rs_hash64(key, len, 0), added);
}

int32_t rs_idmap_intern_hashed(rs_idmap *map, const char *key, size_t len, uint64_t h, int *added)
{
    if (map->numbered) {
        int32_t idx = intern_numbered(map, key, len, added);
        if (idx != NOT_NUMBERED)
            return idx;
    }
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
        if (build_slots(map, map->n_slots * 2) < 0)
            return -1;
        probe(map, h, key, len, &slot);
    }
    idx = append_key(map, key, len, h);
    map->slots[slot] = slot_value(h, key, len, idx);
    return idx;
}

int32_t rs_idmap_find(const rs_idmap *map, const char *key, size_t len)
{
    if (map->numbered) {   /* every key held has the map's shape */
        uint32_t number;
        return key_number(map, key, len, &number) && number < map->numbers_cap ? map->by_number[number] - 1 : -1;
    }
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
