/* sequences.c — see sequences.h. */
#include "io/sequences.h"

#include "hash.h"

#include <stdlib.h>
#include <string.h>

/* splitmix64's finaliser: the two id hashes into one tie value. */
static uint64_t tie_mix(uint64_t user_hash, uint64_t item_hash)
{
    uint64_t z = user_hash * 0x9e3779b97f4a7c15ULL + item_hash;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t rs_seq_tie(uint64_t seed, const char *user, size_t user_len, const char *item, size_t item_len)
{
    return tie_mix(rs_hash64(user, user_len, seed), rs_hash64(item, item_len, seed));
}

/* Each id's hash under seed: (size of map). */
static uint64_t *id_hashes_new(const rs_idmap *map, uint64_t seed)
{
    size_t n = (size_t)rs_idmap_size(map);
    uint64_t *h = malloc((n + 1) * sizeof *h);
    for (size_t i = 0; h && i < n; i++) {
        size_t len;
        const char *key = rs_idmap_key(map, (int32_t)i, &len);
        h[i] = rs_hash64(key, len, seed);
    }
    return h;
}

typedef struct {
    int64_t ts;
    uint64_t basket_tie, tie;
    uint32_t row;             /* file order: the last tie-break */
} event_key;

static int compare_keys(const void *pa, const void *pb)
{
    const event_key *a = pa, *b = pb;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    if (a->basket_tie != b->basket_tie)
        return a->basket_tie < b->basket_tie ? -1 : 1;
    if (a->tie != b->tie)
        return a->tie < b->tie ? -1 : 1;
    return a->row < b->row ? -1 : a->row > b->row;
}

typedef struct {
    const rs_interactions *x;
    uint64_t *user_hash, *item_hash, *basket_hash;   /* per id; basket_hash NULL without baskets */
} tie_hashes;

/* Sort one sequence's rows (file order on entry) by time and ties. */
static void sort_rows(const tie_hashes *th, uint32_t *rows, size_t n, event_key *keys)
{
    const rs_interactions *x = th->x;
    for (size_t t = 0; t < n; t++) {
        uint32_t r = rows[t];
        uint64_t hu = th->user_hash[x->user[r]];
        keys[t] = (event_key){x->ts[r], th->basket_hash ? tie_mix(hu, th->basket_hash[x->basket[r]]) : 0,
                              tie_mix(hu, th->item_hash[x->item[r]]), r};
    }
    qsort(keys, n, sizeof *keys, compare_keys);
    for (size_t t = 0; t < n; t++)
        rows[t] = keys[t].row;
}

/* Basket numbers of one sequence, in its final order. */
static void number_baskets(const rs_interactions *x, const uint32_t *rows, size_t n, int32_t *basket)
{
    int32_t b = 0;
    for (size_t t = 0; t < n; t++) {
        uint32_t r = rows[t], prev = t ? rows[t - 1] : r;
        int changed = x->basket ? x->basket[r] != x->basket[prev] : x->ts ? x->ts[r] != x->ts[prev] : 1;
        b += t > 0 && changed;
        basket[t] = b;
    }
}

/* rows grouped by sequence, file order within (a counting sort). */
static rs_status group_rows(rs_sequences *s, const int32_t *group, size_t n, uint32_t *rows, rs_error *err)
{
    for (size_t r = 0; r < n; r++)
        s->start[group[r] + 1]++;
    for (size_t g = 0; g < s->n_seq; g++)
        s->start[g + 1] += s->start[g];
    size_t *fill = malloc((s->n_seq + 1) * sizeof *fill);
    if (!fill)
        return rs_error_nomem(err);
    memcpy(fill, s->start, (s->n_seq + 1) * sizeof *fill);
    for (size_t r = 0; r < n; r++)
        rows[fill[group[r]]++] = (uint32_t)r;
    free(fill);
    return RS_OK;
}

static rs_status order_all(rs_sequences *s, const rs_interactions *x, uint32_t *rows, uint64_t seed, rs_error *err)
{
    size_t longest = 0;
    for (size_t q = 0; q < s->n_seq; q++)
        longest = s->start[q + 1] - s->start[q] > longest ? s->start[q + 1] - s->start[q] : longest;
    tie_hashes th = {x, NULL, NULL, NULL};
    event_key *keys = NULL;
    rs_status st = RS_OK;
    if (x->ts) {
        th.user_hash = id_hashes_new(x->users, seed);
        th.item_hash = id_hashes_new(x->items, seed);
        th.basket_hash = x->basket ? id_hashes_new(x->baskets, seed) : NULL;
        keys = malloc((longest + 1) * sizeof *keys);
        if (!th.user_hash || !th.item_hash || (x->basket && !th.basket_hash) || !keys)
            st = rs_error_nomem(err);
    }
    for (size_t q = 0; st == RS_OK && q < s->n_seq; q++) {
        size_t a = s->start[q], n = s->start[q + 1] - a;
        if (x->ts)
            sort_rows(&th, rows + a, n, keys);
        number_baskets(x, rows + a, n, s->basket + a);
        for (size_t t = 0; t < n; t++)
            s->item[a + t] = x->item[rows[a + t]];
        for (size_t t = 0; s->time && t < n; t++)
            s->time[a + t] = x->ts[rows[a + t]];
        s->user[q] = n ? x->user[rows[a]] : (int32_t)q;
    }
    free(th.user_hash), free(th.item_hash), free(th.basket_hash), free(keys);
    return st;
}

rs_sequences *rs_sequences_new(const rs_interactions *x, rs_seq_grouping grouping, uint64_t seed, rs_error *err)
{
    if (grouping == RS_SEQ_BY_SESSION && !x->session) {
        rs_error_set(err, RS_EUSAGE, NULL, 0, "sessions need a session column (--session-col)");
        return NULL;
    }
    if (x->n >= UINT32_MAX) {
        rs_error_set(err, RS_EDATA, NULL, 0, "too many events for sequences (%zu)", x->n);
        return NULL;
    }
    rs_sequences *s = calloc(1, sizeof *s);
    uint32_t *rows = malloc((x->n + 1) * sizeof *rows);
    if (!s || !rows) {
        free(s), free(rows);
        rs_error_nomem(err);
        return NULL;
    }
    const rs_idmap *groups = grouping == RS_SEQ_BY_SESSION ? x->sessions : x->users;
    s->n_seq = (size_t)rs_idmap_size(groups);
    s->n_items = (size_t)rs_idmap_size(x->items);
    s->n = x->n;
    s->start = calloc(s->n_seq + 1, sizeof *s->start);
    s->item = malloc((x->n + 1) * sizeof *s->item);
    s->basket = malloc((x->n + 1) * sizeof *s->basket);
    s->user = malloc((s->n_seq + 1) * sizeof *s->user);
    s->time = x->ts ? malloc((x->n + 1) * sizeof *s->time) : NULL;
    rs_status st = !s->start || !s->item || !s->basket || !s->user || (x->ts && !s->time) ? rs_error_nomem(err) : RS_OK;
    if (st == RS_OK)
        st = group_rows(s, grouping == RS_SEQ_BY_SESSION ? x->session : x->user, x->n, rows, err);
    if (st == RS_OK)
        st = order_all(s, x, rows, seed, err);
    free(rows);
    if (st != RS_OK) {
        rs_sequences_free(s);
        return NULL;
    }
    return s;
}

void rs_sequences_free(rs_sequences *s)
{
    if (!s)
        return;
    free(s->start), free(s->item), free(s->basket), free(s->user), free(s->time);
    free(s);
}
