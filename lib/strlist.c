#include "strlist.h"

#include <stdlib.h>
#include <string.h>

static int push_n(rs_strlist *list, const char *item, size_t len)
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 8;
        char **items = realloc(list->items, cap * sizeof *items);
        if (!items)
            return -1;
        list->items = items;
        list->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, item, len);
    copy[len] = '\0';
    list->items[list->n++] = copy;
    return 0;
}

int rs_strlist_push(rs_strlist *list, const char *item)
{
    return push_n(list, item, strlen(item));
}

int rs_strlist_push_split(rs_strlist *list, const char *text)
{
    for (;;) {
        size_t len = strcspn(text, ",");
        const char *s = text;
        size_t n = len;
        while (n && *s == ' ')
            s++, n--;
        while (n && s[n - 1] == ' ')
            n--;
        if (push_n(list, s, n) < 0)
            return -1;
        if (text[len] == '\0')
            return 0;
        text += len + 1;
    }
}

void rs_strlist_free(rs_strlist *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->items[i]);
    free(list->items);
    memset(list, 0, sizeof *list);
}
