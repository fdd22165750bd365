/* kinds_text.h — the registry as text for --help and --list-models (new
 * strings the caller frees; NULL when out of memory). */
#ifndef RS_KINDS_TEXT_H
#define RS_KINDS_TEXT_H

#include "models/kind.h"

/* The kinds of one family, each with its summary and option defaults. */
char *rs_kinds_help_new(rs_family family);
/* Every kind option: argument, help, the kinds that take it. */
char *rs_kind_options_help_new(void);
/* A tab-separated table: kind, family, summary, defaults (name=value ...),
 * quick (options for a tiny run: fuzz seeds, tests). */
char *rs_kinds_list_new(void);

#endif
