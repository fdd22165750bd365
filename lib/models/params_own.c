/* params_own.c — the values of kind-own options (kind.h), read by the
 * kinds themselves.  Apart from params.c, which parses and checks them
 * against the registry, so that a kind file never depends on the registry
 * that lists it. */
#include "models/kind.h"

#include <stdlib.h>
#include <string.h>

static const char *own_value(const rs_params *p, const char *name)
{
    for (size_t i = 0; i < p->n_own; i++)
        if (!strcmp(p->own[i].name, name))
            return p->own[i].value;
    return NULL;
}

double rs_params_real(const rs_params *p, const char *name)
{
    const char *v = own_value(p, name);
    return v ? strtod(v, NULL) : 0;
}

long rs_params_int(const rs_params *p, const char *name)
{
    const char *v = own_value(p, name);
    return v ? strtol(v, NULL, 10) : 0;
}

const char *rs_params_text(const rs_params *p, const char *name)
{
    return own_value(p, name);
}

