/* registry.c — the model kinds, listed once (kinds.def). */
#include "models/kind.h"

#include <stdio.h>
#include <string.h>

#define RS_KIND(name) extern const rs_kind rs_kind_##name;
#include "kinds.def"
#undef RS_KIND

#define RS_KIND(name) &rs_kind_##name,
static const rs_kind *const kinds[] = {
#include "kinds.def"
};
#undef RS_KIND

enum { N_KINDS = sizeof kinds / sizeof kinds[0] };

const rs_kind *const *rs_kinds(size_t *n)
{
    *n = N_KINDS;
    return kinds;
}

const rs_kind *rs_kind_find(const char *name)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (!strcmp(kinds[i]->name, name))
            return kinds[i];
    return NULL;
}

const char *rs_kind_names(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (size_t i = 0; i < N_KINDS && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i == 0 ? "" : i + 1 == N_KINDS ? " or " : ", ",
                                 kinds[i]->name);
    return buf;
}

rs_status rs_kind_of_model(const char *name, const rs_kind **kind, rs_error *err)
{
    char names[512];
    if ((*kind = rs_kind_find(name)))
        return RS_OK;
    return rs_error_set(err, RS_EDATA, NULL, 0, "unknown model kind '%s' (this rs knows %s)", name,
                        rs_kind_names(names, sizeof names));
}

const rs_kind_option *rs_kind_option_find(const rs_kind *kind, const char *name)
{
    for (const rs_kind_option *o = kind->options; o->name; o++)
        if (!strcmp(o->name, name))
            return o;
    return NULL;
}
