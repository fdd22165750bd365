/* space.c — see space.h. */
#include "tune/space.h"

#include "rng.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const unsigned primes[RS_TUNE_MAX_DIMS] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53};

double rs_tune_radical_inverse(uint64_t index, unsigned base)
{
    double inverse = 1.0 / base, scale = inverse, u = 0;
    while (index > 0) {
        u += (double)(index % base) * scale;
        index /= base;
        scale *= inverse;
    }
    return u;
}

static int listed(const rs_strlist *names, const char *name)
{
    for (size_t i = 0; names && i < names->n; i++)
        if (!strcmp(names->items[i], name))
            return 1;
    return 0;
}

rs_status rs_tune_space_init(rs_tune_space *s, const rs_kind *kind, const rs_strlist *fixed, const char *skip,
                             uint64_t seed, rs_error *err)
{
    memset(s, 0, sizeof *s);
    s->kind = kind;
    for (const rs_kind_option *o = kind->options; o->name; o++) {
        if (o->scale == RS_SEARCH_NONE || listed(fixed, o->name) || (skip && !strcmp(skip, o->name)))
            continue;
        if (s->n_dims == RS_TUNE_MAX_DIMS)
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "%s searches more than %d options: fix some on the command line",
                                kind->name, RS_TUNE_MAX_DIMS);
        s->dims[s->n_dims++] = o;
    }
    rs_rng rng;
    rs_rng_seed(&rng, seed ^ 0x7475e3e5ULL);   /* a stream apart from the split's and the kinds' */
    for (size_t d = 0; d < s->n_dims; d++)
        s->shift[d] = rs_rng_uniform(&rng);
    return RS_OK;
}

/* The choices of a CHOICE option: its own list, or the shared definition's. */
static const char *choices_of(const rs_kind_option *o)
{
    if (o->choices)
        return o->choices;
    const rs_option_def *def = rs_option_def_find(o->name);
    return def && def->choices ? def->choices : "";
}

void rs_tune_space_value(const rs_kind_option *o, double u, char *out, size_t size)
{
    double lo = o->search_lo, hi = o->search_hi;
    switch (o->scale) {
    case RS_SEARCH_LINEAR:
        snprintf(out, size, "%.4g", lo + u * (hi - lo));
        return;
    case RS_SEARCH_LOG:
        snprintf(out, size, "%.3g", exp(log(lo) + u * (log(hi) - log(lo))));
        return;
    case RS_SEARCH_INT: {
        double v = floor(lo + u * (hi - lo + 1));
        snprintf(out, size, "%.0f", v > hi ? hi : v);
        return;
    }
    case RS_SEARCH_LOG_INT: {   /* log-uniform over [lo, hi + 1), then down */
        double v = floor(exp(log(lo) + u * (log(hi + 1) - log(lo))));
        snprintf(out, size, "%.0f", v > hi ? hi : v < lo ? lo : v);
        return;
    }
    case RS_SEARCH_LAYERS: {   /* u < 1/2: one layer, else two; the rest of u is the width's */
        int two = u >= 0.5;
        double w = floor(exp(log(lo) + (two ? 2 * u - 1 : 2 * u) * (log(hi + 1) - log(lo))));
        w = w > hi ? hi : w < lo ? lo : w;
        if (two)
            snprintf(out, size, "%.0f,%.0f", w, floor(w / 2) > 1 ? floor(w / 2) : 1);
        else
            snprintf(out, size, "%.0f", w);
        return;
    }
    case RS_SEARCH_CHOICE: {
        const char *list = choices_of(o);
        size_t n = 1;
        for (const char *c = list; *c; c++)
            n += *c == ',';
        size_t pick = (size_t)(u * (double)n);
        const char *start = list;
        for (size_t at = 0; at < pick && strchr(start, ','); at++)
            start = strchr(start, ',') + 1;
        size_t len = strcspn(start, ",");
        snprintf(out, size, "%.*s", (int)len, start);
        return;
    }
    case RS_SEARCH_NONE:
        break;
    }
    snprintf(out, size, "%s", o->dflt ? o->dflt : "");
}

void rs_tune_space_point(const rs_tune_space *s, uint64_t index, char values[][RS_TUNE_VALUE_LEN])
{
    for (size_t d = 0; d < s->n_dims; d++) {
        double u = rs_tune_radical_inverse(index + 1, primes[d]) + s->shift[d];
        rs_tune_space_value(s->dims[d], u - floor(u), values[d], RS_TUNE_VALUE_LEN);
    }
}
