/* suggest.c — see suggest.h. */
#include "suggest.h"

#include <stdlib.h>
#include <string.h>

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

size_t rs_edit_distance(const char *a, size_t a_len, const char *b, size_t b_len, size_t limit)
{
    if ((a_len > b_len ? a_len - b_len : b_len - a_len) > limit)
        return limit + 1;
    /* three rows of the optimal-string-alignment table: i - 2, i - 1, i */
    size_t *rows = malloc(3 * (b_len + 1) * sizeof *rows);
    if (!rows)
        return limit + 1;
    size_t *two = rows, *one = rows + b_len + 1, *cur = rows + 2 * (b_len + 1);
    for (size_t j = 0; j <= b_len; j++)
        one[j] = j;
    for (size_t i = 1; i <= a_len; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= b_len; j++) {
            size_t cost = lower(a[i - 1]) != lower(b[j - 1]);
            size_t d = one[j - 1] + cost;
            if (one[j] + 1 < d)
                d = one[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]) &&
                two[j - 2] + 1 < d)
                d = two[j - 2] + 1;
            cur[j] = d;
        }
        size_t *t = two;
        two = one, one = cur, cur = t;
    }
    size_t d = one[b_len];
    free(rows);
    return d > limit ? limit + 1 : d;
}

long rs_suggest(const char *name, size_t name_len, const char *const *candidates, size_t n_candidates)
{
    long best = -1;
    size_t best_d = RS_SUGGEST_MAX_DISTANCE + 1;
    for (size_t c = 0; c < n_candidates; c++) {
        if (!candidates[c])
            continue;
        size_t d = rs_edit_distance(name, name_len, candidates[c], strlen(candidates[c]), RS_SUGGEST_MAX_DISTANCE);
        if (d < best_d && d < name_len)
            best = (long)c, best_d = d;
    }
    return best;
}
