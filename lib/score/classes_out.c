/* classes_out.c — see classes_out.h. */
#include "score/classes_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

rs_status rs_classes_out_init(rs_classes_out *o, size_t n_classes, const char *const *names, long top, int proba,
                              rs_error *err)
{
    memset(o, 0, sizeof *o);
    o->n_classes = n_classes;
    if (!(o->names_of = malloc(n_classes * sizeof *o->names_of)))
        return rs_error_nomem(err);
    for (size_t k = 0; k < n_classes; k++)
        o->names_of[k] = names[k];
    if (top < 1 || (size_t)top > o->n_classes)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--top %ld: the model has %zu classes", top, o->n_classes);
    o->top = (size_t)top;
    o->proba = proba;
    o->best = malloc(o->top * sizeof *o->best);
    o->cells = malloc((o->top + o->n_classes) * sizeof *o->cells);
    if (!o->best || !o->cells || rs_strlist_push(&o->names, "class") < 0 ||
        rs_strlist_push(&o->names, "probability") < 0)
        return rs_error_nomem(err);
    char name[1024];
    for (size_t t = 1; t < o->top; t++) {
        snprintf(name, sizeof name, "class_%zu", t + 1);
        if (rs_strlist_push(&o->names, name) < 0)
            return rs_error_nomem(err);
        snprintf(name, sizeof name, "probability_%zu", t + 1);
        if (rs_strlist_push(&o->names, name) < 0)
            return rs_error_nomem(err);
    }
    for (size_t c = 0; proba && c < o->n_classes; c++) {
        snprintf(name, sizeof name, "proba_%s", o->names_of[c]);
        if (rs_strlist_push(&o->names, name) < 0)
            return rs_error_nomem(err);
    }
    return RS_OK;
}

size_t rs_classes_out_row(rs_classes_out *o, const double *p, rs_field *fields)
{
    size_t n = 0, K = o->n_classes;
    /* the top classes by selection: top is small, K at most RS_MAX_CLASSES */
    for (size_t t = 0; t < o->top; t++) {
        size_t best = K;
        for (size_t c = 0; c < K; c++) {
            int taken = 0;
            for (size_t u = 0; u < t && !taken; u++)
                taken = o->best[u] == c;
            if (!taken && (best == K || p[c] > p[best]))
                best = c;
        }
        o->best[t] = best;
        const char *name = o->names_of[best];
        fields[n++] = (rs_field){name, strlen(name)};
        fields[n++] = (rs_field){o->cells[t], rs_format_f32((float)p[best], o->cells[t])};
    }
    for (size_t c = 0; o->proba && c < K; c++)
        fields[n++] = (rs_field){o->cells[o->top + c], rs_format_f32((float)p[c], o->cells[o->top + c])};
    return n;
}

void rs_classes_out_free(rs_classes_out *o)
{
    rs_strlist_free(&o->names);
    free(o->best), free(o->cells), free(o->names_of);
}
