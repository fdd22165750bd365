#include "keyset.h"

#include "hash.h"

#include <stdlib.h>

typedef struct {
    uint64_t h1, h2;   /* h1 == 0 marks an empty slot; real h1 are forced odd */
    int64_t value;
} keyset_slot;

struct rs_keyset {
    keyset_slot *slots;  /* (n_slots) */
    size_t n_slots;      /* power of two */
    size_t n_keys;
};

rs_keyset *rs_keyset_new(void)
{
    rs_keyset *set = calloc(1, sizeof *set);
    if (!set)
        return NULL;
    set->n_slots = 1024;
    set->slots = calloc(set->n_slots, sizeof *set->slots);
    if (!set->slots) {
        free(set);
        return NULL;
    }
    return set;
}

void rs_keyset_free(rs_keyset *set)
{
    if (!set)
        return;
    free(set->slots);
    free(set);
}

static keyset_slot *lookup(keyset_slot *slots, size_t n_slots, uint64_t h1, uint64_t h2)
{
    size_t mask = n_slots - 1;
    for (size_t i = (h2 ^ (h1 >> 7)) & mask;; i = (i + 1) & mask)
        if (slots[i].h1 == 0 || (slots[i].h1 == h1 && slots[i].h2 == h2))
            return &slots[i];
}

static int grow(rs_keyset *set)
{
    size_t n_slots = set->n_slots * 2;
    keyset_slot *slots = calloc(n_slots, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < set->n_slots; i++)
        if (set->slots[i].h1)
            *lookup(slots, n_slots, set->slots[i].h1, set->slots[i].h2) = set->slots[i];
    free(set->slots);
    set->slots = slots;
    set->n_slots = n_slots;
    return 0;
}

static void digest(const void *key, size_t len, uint64_t *h1, uint64_t *h2)
{
    *h1 = rs_hash64(key, len, 0x243f6a8885a308d3ull) | 1;
    *h2 = rs_hash64(key, len, 0x13198a2e03707344ull);
}

int64_t *rs_keyset_upsert(rs_keyset *set, const void *key, size_t len, int64_t value, int *added)
{
    uint64_t h1, h2;
    digest(key, len, &h1, &h2);
    if ((set->n_keys + 1) * 10 > set->n_slots * 7 && grow(set) < 0)
        return NULL;
    keyset_slot *s = lookup(set->slots, set->n_slots, h1, h2);
    *added = s->h1 == 0;
    if (*added) {
        s->h1 = h1;
        s->h2 = h2;
        s->value = value;
        set->n_keys++;
    }
    return &s->value;
}

int64_t *rs_keyset_find(rs_keyset *set, const void *key, size_t len)
{
    uint64_t h1, h2;
    digest(key, len, &h1, &h2);
    keyset_slot *s = lookup(set->slots, set->n_slots, h1, h2);
    return s->h1 ? &s->value : NULL;
}

size_t rs_keyset_size(const rs_keyset *set)
{
    return set->n_keys;
}
