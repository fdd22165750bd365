/* idmap: dense indices in order of first sight; keyset: digests with values. */
#include "hash.h"
#include "idmap.h"
#include "keyset.h"
#include "tap.h"

#include <stdint.h>
#include <string.h>

int main(void)
{
    rs_idmap *empty_first = rs_idmap_new();
    int fresh;
    CHECK(rs_idmap_intern(empty_first, "", 0, &fresh) == 0 && fresh && rs_idmap_intern(empty_first, "", 0, &fresh) == 0 &&
              !fresh && rs_idmap_find(empty_first, "x", 1) == -1,
          "the empty key as the very first key (no arena yet)");
    rs_idmap_free(empty_first);

    rs_idmap *map = rs_idmap_new();
    char key[32];
    int dense_ok = 1, find_ok = 1, keys_ok = 1;
    for (int i = 0; i < 100000; i++) {
        int n = snprintf(key, sizeof key, "user-%d", i * 7919 % 100003);
        int added;
        int32_t idx = rs_idmap_intern(map, key, (size_t)n, &added);
        if (idx != i || !added)
            dense_ok = 0;
    }
    CHECK(dense_ok, "100000 new keys get indices 0..99999 in order");
    CHECK(rs_idmap_size(map) == 100000, "size counts distinct keys");
    for (int i = 0; i < 100000; i++) {
        int n = snprintf(key, sizeof key, "user-%d", i * 7919 % 100003);
        int added;
        if (rs_idmap_find(map, key, (size_t)n) != i || rs_idmap_intern(map, key, (size_t)n, &added) != i || added)
            find_ok = 0;
        size_t len;
        const char *k = rs_idmap_key(map, i, &len);
        if (len != (size_t)n || memcmp(k, key, len) != 0)
            keys_ok = 0;
    }
    CHECK(find_ok, "find and re-intern return the first index, without adding");
    CHECK(keys_ok, "rs_idmap_key returns the stored bytes");
    CHECK(rs_idmap_find(map, "user-x", 6) == -1, "absent keys are -1");
    int added;
    int32_t empty = rs_idmap_intern(map, "", 0, &added);
    CHECK(empty == 100000 && added && rs_idmap_find(map, "", 0) == empty, "the empty key is a key");
    int32_t a = rs_idmap_intern(map, "a\0b", 3, &added), b = rs_idmap_intern(map, "a\0c", 3, &added);
    CHECK(a != b && rs_idmap_find(map, "a\0b", 3) == a, "keys with NUL bytes are compared by length");
    rs_idmap_free(map);

    /* numbered mode: prefix + number keys through an array, the same
     * indices as first sight; any other key hashes every key held */
    rs_idmap *num = rs_idmap_new();
    int first_ok = 1;
    int32_t first[5000];
    int32_t n_seen = 0;
    for (int i = 0; i < 5000; i++)
        first[i] = -1;
    for (int i = 0; i < 20000; i++) {
        int v = (int)((unsigned)i * 2654435761u % 5000u), n = snprintf(key, sizeof key, "u%d", v);
        int is_new = first[v] < 0;
        if (is_new)
            first[v] = n_seen++;
        if (rs_idmap_intern(num, key, (size_t)n, &added) != first[v] || added != is_new)
            first_ok = 0;
    }
    CHECK(first_ok && rs_idmap_size(num) == n_seen && rs_idmap_is_numbered(num),
          "numbered keys (u0..u4999): indices in order of first sight, the map stays numbered");
    CHECK(rs_idmap_find(num, "u12", 3) == first[12] && rs_idmap_find(num, "u012", 4) == -1 &&
              rs_idmap_find(num, "v12", 3) == -1 && rs_idmap_find(num, "u", 1) == -1 &&
              rs_idmap_find(num, "u99999", 6) == -1 && rs_idmap_is_numbered(num),
          "numbered find: a leading zero, another prefix, no digits, a number not held are absent (still numbered)");
    int32_t zero_lead = rs_idmap_intern(num, "u012", 4, &added);
    CHECK(zero_lead == n_seen && added && !rs_idmap_is_numbered(num), "'u012' (a leading zero) is a new key: the map is hashed");
    int same_ok = 1;
    for (int v = 0; v < 5000; v++) {
        int n = snprintf(key, sizeof key, "u%d", v);
        size_t len;
        const char *k = rs_idmap_key(num, first[v], &len);
        if (rs_idmap_find(num, key, (size_t)n) != first[v] || rs_idmap_intern(num, key, (size_t)n, &added) != first[v] ||
            added || len != (size_t)n || memcmp(k, key, len))
            same_ok = 0;
    }
    CHECK(same_ok && rs_idmap_find(num, "u012", 4) == zero_lead, "after hashing: every key keeps its index and bytes");
    rs_idmap_free(num);
    const char *const leave[][2] = {{"17850", "x17850"}, {"item7", "item77777777777"}, {"0", "00"}, {"a1", "b1"},
                                    {"7", "2000000"}, {"u1", "u"}, {"k9", ""}};
    int leave_ok = 1;
    for (size_t c = 0; c < sizeof leave / sizeof *leave; c++) {
        rs_idmap *m = rs_idmap_new();
        int32_t a0 = rs_idmap_intern(m, leave[c][0], strlen(leave[c][0]), &added);
        int numbered = rs_idmap_is_numbered(m);
        int32_t a1 = rs_idmap_intern(m, leave[c][1], strlen(leave[c][1]), &added);
        if (a0 != 0 || !numbered || a1 != 1 || !added || rs_idmap_is_numbered(m) ||
            rs_idmap_find(m, leave[c][0], strlen(leave[c][0])) != 0 || rs_idmap_find(m, leave[c][1], strlen(leave[c][1])) != 1)
            leave_ok = 0;
        rs_idmap_free(m);
    }
    CHECK(leave_ok, "a second key of another shape (prefix, 10 digits, '00', a number far above the keys, no digits, "
                    "empty) is added as the next index and hashes the map");
    rs_idmap *not_num = rs_idmap_new();
    rs_idmap_intern(not_num, "u007", 4, &added);
    CHECK(!rs_idmap_is_numbered(not_num) && rs_idmap_find(not_num, "u007", 4) == 0 && rs_idmap_find(not_num, "u7", 2) == -1,
          "a first key with a leading zero: hashed from the start");
    rs_idmap_free(not_num);

    CHECK(rs_hash64("abc", 3, 0) == rs_hash64("abc", 3, 0) && rs_hash64("abc", 3, 0) != rs_hash64("abd", 3, 0) &&
              rs_hash64("abc", 3, 0) != rs_hash64("abc", 3, 1),
          "hash depends on bytes and seed");
    /* stability: rs_hash64 values are part of the on-disk and --shard
     * contract; these were recorded when the function was written and must
     * never change (a change re-shards every user) */
    CHECK(rs_hash64("", 0, 0) == 0x832ff0d450935050ull && rs_hash64("17850", 5, 0) == 0xad31cd7385728791ull &&
              rs_hash64("the quick brown fox jumps over", 30, 7) == 0x09db46ba04c00b6cull,
          "hash values are pinned (short, 5-byte and 30-byte keys)");
    rs_keyset *set = rs_keyset_new();
    int ok = 1;
    for (int64_t i = 0; i < 50000; i++) {
        int n = snprintf(key, sizeof key, "row%lld", (long long)i);
        int64_t *v = rs_keyset_upsert(set, key, (size_t)n, i, &added);
        if (!v || !added || *v != i)
            ok = 0;
    }
    for (int64_t i = 0; i < 50000; i++) {
        int n = snprintf(key, sizeof key, "row%lld", (long long)i);
        int64_t *v = rs_keyset_upsert(set, key, (size_t)n, -1, &added);
        if (!v || added || *v != i)
            ok = 0;
    }
    CHECK(ok, "keyset: first upsert adds, the second finds the stored value");
    CHECK(rs_keyset_size(set) == 50000 && rs_keyset_find(set, "nope", 4) == NULL, "keyset size and misses");
    rs_keyset_free(set);
    return tap_done();
}
