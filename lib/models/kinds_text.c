/* kinds_text.c — the registry as text: the kinds and option sections of
 * rs-train --help and the --list-models table, so the help, the listing
 * and the man page test all read the same table. */
#include "models/kinds_text.h"

#include "mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *text;
    size_t len, cap;
    int failed;
} text_buf;

static void append(text_buf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(text_buf *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (t->failed || n < 0 || rs_grow((void **)&t->text, &t->cap, t->len + (size_t)n + 1, 1) < 0) {
        t->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(t->text + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

static char *finish(text_buf *t)
{
    if (!t->failed && !t->text)
        append(t, "%s", "");
    if (t->failed) {
        free(t->text);
        return NULL;
    }
    return t->text;
}

static const char *family_name(rs_family f)
{
    return f == RS_FAMILY_SUPERVISED ? "supervised" : "recommender";
}

/* "--factors 64" or "--max-iter derived" */
static void append_default(text_buf *t, const rs_kind_option *o, const char *sep)
{
    if (o->dflt)
        append(t, "%s--%s %s", sep, o->name, o->dflt);
    else
        append(t, "%s--%s (%s)", sep, o->name, o->note ? o->note : "none");
}

char *rs_kinds_help_new(rs_family family)
{
    text_buf t = {0};
    size_t n;
    const rs_kind *const *kinds = rs_kinds(&n);
    for (size_t i = 0; i < n; i++) {
        if (kinds[i]->family != family)
            continue;
        append(&t, "  %-8s %s\n", kinds[i]->name, kinds[i]->summary);
        size_t col = 0;
        for (const rs_kind_option *o = kinds[i]->options; o->name; o++) {
            size_t width = strlen(o->name) + 4 + (o->dflt ? strlen(o->dflt) : strlen(o->note ? o->note : "") + 2);
            if (col == 0 || col + width > 76) {
                append(&t, "%s           ", col ? "\n" : "");
                col = 11;
                append_default(&t, o, "");
            } else {
                append_default(&t, o, ", ");
            }
            col += width + 2;
        }
        append(&t, col ? "\n" : "           (no options)\n");
    }
    return finish(&t);
}

char *rs_kind_options_help_new(void)
{
    text_buf t = {0};
    size_t n_defs, n_kinds;
    const rs_option_def *defs = rs_option_defs(&n_defs);
    const rs_kind *const *kinds = rs_kinds(&n_kinds);
    for (size_t d = 0; d < n_defs; d++) {
        char head[64], who[256] = "";
        size_t used = 0;
        snprintf(head, sizeof head, "--%s%s%s", defs[d].name, defs[d].arg ? " " : "", defs[d].arg ? defs[d].arg : "");
        for (size_t k = 0; k < n_kinds && used < sizeof who; k++)
            if (rs_kind_option_find(kinds[k], defs[d].name))
                used += (size_t)snprintf(who + used, sizeof who - used, "%s%s", used ? ", " : "(", kinds[k]->name);
        size_t width = 30 + strlen(defs[d].help) + (defs[d].choices ? strlen(defs[d].choices) + 2 : 0);
        append(&t, "      %-22s  %s%s%s", head, defs[d].help, defs[d].choices ? ": " : "",
               defs[d].choices ? defs[d].choices : "");
        /* the kinds that take it: on the same line when it fits in 79 */
        append(&t, width + used + 2 > 79 ? "\n%30s%s)\n" : "%.0s %s)\n", "", who);
    }
    return finish(&t);
}

char *rs_kinds_list_new(void)
{
    text_buf t = {0};
    size_t n;
    const rs_kind *const *kinds = rs_kinds(&n);
    append(&t, "kind\tfamily\tsummary\tdefaults\tquick\n");
    for (size_t i = 0; i < n; i++) {
        append(&t, "%s\t%s\t%s\t", kinds[i]->name, family_name(kinds[i]->family), kinds[i]->summary);
        const char *sep = "";
        for (const rs_kind_option *o = kinds[i]->options; o->name; o++, sep = " ")
            append(&t, "%s%s=%s", sep, o->name, o->dflt ? o->dflt : o->note ? "derived" : "none");
        append(&t, "\t%s\n", kinds[i]->quick_args);
    }
    return finish(&t);
}
