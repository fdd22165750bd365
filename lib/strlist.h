/* strlist.h — lists of option values.
 *
 * Options like --select a,b --select c accumulate; an rs_strlist owns the
 * split, trimmed items. */
#ifndef RS_STRLIST_H
#define RS_STRLIST_H

#include <stddef.h>

typedef struct {
    char **items;   /* (n), each owned */
    size_t n, cap;
} rs_strlist;

/* Append one item (copied).  0, or -1 when out of memory. */
int rs_strlist_push(rs_strlist *list, const char *item);
/* Append every comma-separated item of text (empty items are kept, so the
 * caller can reject them). */
int rs_strlist_push_split(rs_strlist *list, const char *text);
void rs_strlist_free(rs_strlist *list);

#endif
