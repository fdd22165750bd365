/* kind_options.h — the long options of a command that takes every kind's
 * options (rs-train, rs-tune): the common ones, the command's own, then one
 * per kind option of the registry (lib/models/params.c), numbered from
 * first.  Header-only: two commands use it, the others need no models. */
#ifndef RS_CMD_KIND_OPTIONS_H
#define RS_CMD_KIND_OPTIONS_H

#include "common.h"
#include "models/kind.h"

#include <stdlib.h>
#include <string.h>

/* A calloc'ed table ending in a zero entry (free it), or NULL. */
static inline struct option *rs_kind_long_options_new(const struct option *own, size_t n_own, int first)
{
    static const struct option common[] = {RS_COMMON_LONG_OPTIONS};
    size_t n_common = sizeof common / sizeof common[0], n_defs;
    const rs_option_def *defs = rs_option_defs(&n_defs);
    struct option *all = calloc(n_common + n_own + n_defs + 1, sizeof *all);
    if (!all)
        return NULL;
    memcpy(all, common, sizeof common);
    memcpy(all + n_common, own, n_own * sizeof *own);
    for (size_t d = 0; d < n_defs; d++)
        all[n_common + n_own + d] =
            (struct option){defs[d].name, defs[d].arg ? required_argument : no_argument, NULL, first + (int)d};
    return all;
}

/* The name of option value opt in all: the first, so an alias (--id-col)
 * is checked as its name; NULL when there is none. */
static inline const char *rs_kind_long_option_name(const struct option *all, int opt)
{
    for (size_t i = 0; all[i].name; i++)
        if (all[i].val == opt)
            return all[i].name;
    return NULL;
}

/* The kind --model names: RS_EUSAGE when none is given or it is unknown,
 * listing the registry's kinds. */
static inline rs_status rs_kind_resolve(const char *name, const rs_kind **kind, rs_error *err)
{
    char names[512];
    if (!name)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--model KIND is required (%s)", rs_kind_names(names, sizeof names));
    if (!(*kind = rs_kind_find(name)))
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "unknown --model '%s' (expected %s)", name,
                            rs_kind_names(names, sizeof names));
    return RS_OK;
}

#endif
