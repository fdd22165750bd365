/* params.c — the options a kind may take: their types, fields and help
 * lines (one table), and parsing them for a kind against the kind's own
 * defaults and ranges (its table in its file). */
#include "models/kind.h"

#include "num.h"
#include "strlist.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELD(f) offsetof(rs_params, f)

typedef struct {
    rs_option_def def;
    size_t offset;      /* its field in rs_params */
} option_entry;

/* In --help order: the supervised options, then the recommenders'. */
static const option_entry entries[] = {
    {{"l2", RS_OPTION_REAL, "X", NULL, "L2 penalty"}, FIELD(l2)},
    {{"l1", RS_OPTION_REAL, "X", NULL, "L1 penalty"}, FIELD(l1)},
    {{"class-weight", RS_OPTION_CLASS_WEIGHT, "W", NULL, "balanced (n / (2 n_class)) or W0,W1"}, 0},
    {{"tol", RS_OPTION_REAL, "X", NULL, "stop when |gradient| <= X |initial gradient|"}, FIELD(tol)},
    {{"max-iter", RS_OPTION_INT, "N", NULL, "iteration cap; not converging is a warning"}, FIELD(max_iter)},
    {{"hidden", RS_OPTION_SIZES, "LIST", NULL, "hidden sizes, e.g. 64,32 (0: none; at most 8)"}, 0},
    {{"activation", RS_OPTION_CHOICE, "F", "relu,tanh,sigmoid", "hidden units' activation"}, FIELD(activation)},
    {{"loss", RS_OPTION_CHOICE, "L", "bce,squared,poisson,softmax", "training loss (poisson: gbdt; softmax: classes)"}, FIELD(loss)},
    {{"dropout", RS_OPTION_REAL, "P", NULL, "drop hidden units with probability P"}, FIELD(dropout)},
    {{"lr", RS_OPTION_REAL, "X", NULL, "learning rate (Adam step; SGD step)"}, FIELD(lr)},
    {{"epochs", RS_OPTION_INT, "N", NULL, "passes over the data (als: iterations)"}, FIELD(epochs)},
    {{"batch", RS_OPTION_INT, "N", NULL, "rows per mini-batch"}, FIELD(batch)},
    {{"patience", RS_OPTION_INT, "N", NULL, "with --valid: stop after N epochs, no better loss"},
     FIELD(patience)},
    {{"factors", RS_OPTION_INT, "N", NULL, "latent factors"}, FIELD(factors)},
    {{"alpha", RS_OPTION_REAL, "X", NULL, "confidence slope: 1 + alpha x value"}, FIELD(alpha)},
    {{"cg-steps", RS_OPTION_INT, "N", NULL, "conjugate-gradient steps per solve"}, FIELD(cg_steps)},
    {{"svdpp", RS_OPTION_FLAG, NULL, NULL, "add SVD++'s implicit-feedback term"}, FIELD(svdpp)},
    {{"hogwild", RS_OPTION_FLAG, NULL, NULL, "-j threads without locks (faster; runs differ)"},
     FIELD(hogwild)},
    {{"neighbors", RS_OPTION_INT, "N", NULL, "neighbours kept per item (user)"}, FIELD(neighbors)},
    {{"shrink", RS_OPTION_REAL, "X", NULL, "cosine shrinkage, in mean squared weighted values"}, FIELD(shrink)},
    {{"weighting", RS_OPTION_CHOICE, "W", "none,idf,bm25", "weighting of the other dimension"}, FIELD(weighting)},
    {{"recent", RS_OPTION_REAL, "DAYS", NULL, "count only the last DAYS before the newest"},
     FIELD(recent_days)},
    {{"item-features", RS_OPTION_TEXT, "FILE", NULL, "item,attribute... table (item col: --item-col)"},
     FIELD(item_features)},
};

enum { N_ENTRIES = sizeof entries / sizeof entries[0], MAX_DEFS = 256 };

static const option_entry *entry_find(const char *name)
{
    for (size_t i = 0; i < N_ENTRIES; i++)
        if (!strcmp(entries[i].def.name, name))
            return &entries[i];
    return NULL;
}

const rs_option_def *rs_option_defs(size_t *n)
{
    static rs_option_def defs[MAX_DEFS];
    static size_t n_defs;
    if (n_defs == 0) {   /* the shared options, then each kind's own, once */
        for (size_t i = 0; i < N_ENTRIES; i++)
            defs[n_defs++] = entries[i].def;
        size_t n_kinds;
        const rs_kind *const *kinds = rs_kinds(&n_kinds);
        for (size_t k = 0; k < n_kinds; k++)
            for (const rs_kind_option *o = kinds[k]->options; o->name && n_defs < MAX_DEFS; o++) {
                size_t d = 0;
                while (d < n_defs && strcmp(defs[d].name, o->name))
                    d++;
                if (d == n_defs)
                    defs[n_defs++] = (rs_option_def){o->name, o->type, o->arg, o->choices, o->help};
            }
    }
    *n = n_defs;
    return defs;
}

const rs_option_def *rs_option_def_find(const char *name)
{
    size_t n;
    const rs_option_def *defs = rs_option_defs(&n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(defs[i].name, name))
            return &defs[i];
    return NULL;
}

const char *rs_kind_option_range(const rs_kind_option *o, char *buf, size_t size)
{
    char lo[32], hi[32];
    snprintf(lo, sizeof lo, "%.10g", o->lo);
    snprintf(hi, sizeof hi, "%.10g", o->hi);
    if (isinf(o->hi))
        snprintf(buf, size, "X %s %s", o->lo_open ? ">" : ">=", lo);
    else
        snprintf(buf, size, "%s %s X %s %s", lo, o->lo_open ? "<" : "<=", o->hi_open ? "<" : "<=", hi);
    return buf;
}

static int in_range(const rs_kind_option *o, double v)
{
    return (o->lo_open ? v > o->lo : v >= o->lo) && (o->hi_open ? v < o->hi : v <= o->hi);
}

static rs_status invalid(const rs_kind_option *o, const char *arg, const char *expected, rs_error *err)
{
    char range[96];
    return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --%s '%s' (expected %s)", o->name, arg,
                        expected ? expected : rs_kind_option_range(o, range, sizeof range));
}

static rs_status parse_sizes(rs_params *p, const rs_kind_option *o, const char *arg, rs_error *err)
{
    p->n_hidden = 0;
    p->no_hidden = !strcmp(arg, "0");
    if (p->no_hidden)
        return RS_OK;
    rs_strlist sizes = {0};
    rs_status st = rs_strlist_push_split(&sizes, arg) < 0 ? rs_error_nomem(err) : RS_OK;
    for (size_t i = 0; st == RS_OK && i < sizes.n; i++) {
        long v;
        if (i >= RS_MLP_MAX_HIDDEN || rs_parse_long_arg(sizes.items[i], (long)o->lo, (long)o->hi, &v) < 0)
            st = invalid(o, arg, "up to 8 sizes 1..65536, e.g. 64,32", err);
        else
            p->hidden[p->n_hidden++] = (size_t)v;
    }
    rs_strlist_free(&sizes);
    return st;
}

static rs_status parse_class_weight(rs_params *p, const rs_kind_option *o, const char *arg, rs_error *err)
{
    if (!strcmp(arg, "balanced")) {
        p->balanced = 1;
        return RS_OK;
    }
    const char *comma = strchr(arg, ',');
    char w0[64];
    if (!comma || comma - arg >= (long)sizeof w0)
        return invalid(o, arg, "balanced or W0,W1", err);
    snprintf(w0, sizeof w0, "%.*s", (int)(comma - arg), arg);
    if (rs_parse_double_arg(w0, &p->class_weight[0]) < 0 || rs_parse_double_arg(comma + 1, &p->class_weight[1]) < 0 ||
        !(p->class_weight[0] > 0) || !(p->class_weight[1] > 0))
        return invalid(o, arg, "balanced or W0,W1, both > 0", err);
    p->balanced = 0;
    return RS_OK;
}

static rs_status parse_choice(const rs_option_def *d, const rs_kind_option *o, const char *arg, const char **out,
                              rs_error *err)
{
    size_t len = strlen(arg);
    for (const char *c = d->choices; *c;) {
        const char *comma = strchr(c, ',');
        size_t n = comma ? (size_t)(comma - c) : strlen(c);
        if (n == len && !memcmp(c, arg, n)) {
            *out = arg;
            return RS_OK;
        }
        c += n + (comma != NULL);
    }
    char expected[128];
    snprintf(expected, sizeof expected, "one of %s", d->choices);
    return invalid(o, arg, expected, err);
}

/* A kind-own option's value, kept as the text given (already checked). */
static rs_status set_own(rs_params *p, const rs_kind_option *o, const char *arg, rs_error *err)
{
    size_t i = 0;
    while (i < p->n_own && strcmp(p->own[i].name, o->name))
        i++;
    if (i == sizeof p->own / sizeof p->own[0])
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--%s: too many options of one kind", o->name);
    p->own[i].name = o->name;
    p->own[i].value = o->type == RS_OPTION_FLAG ? (strcmp(arg, "off") ? "1" : "0") : arg;
    p->n_own += i == p->n_own;
    return RS_OK;
}

/* arg checked as its type says against the kind's range: the number in
 * *real or *integer, the choice in *text. */
static rs_status check_value(const rs_option_def *d, const rs_kind_option *o, const char *arg, double *real,
                             long *integer, const char **text, rs_error *err)
{
    switch (d->type) {
    case RS_OPTION_INT:
        return rs_parse_long_arg(arg, (long)o->lo, (long)fmin(o->hi, 9e18), integer) < 0 ? invalid(o, arg, NULL, err)
                                                                                          : RS_OK;
    case RS_OPTION_REAL:
        return rs_parse_double_arg(arg, real) < 0 || !in_range(o, *real) ? invalid(o, arg, NULL, err) : RS_OK;
    case RS_OPTION_CHOICE:
        return parse_choice(d, o, arg, text, err);
    case RS_OPTION_TEXT:
        *text = arg;
        return *arg ? RS_OK : invalid(o, arg, "a non-empty value", err);
    default:   /* flags; sizes and class weights are parsed where they are stored */
        return RS_OK;
    }
}

/* arg into the field of entry e, or kept as the kind's own option. */
static rs_status parse_value(rs_params *p, const option_entry *e, const rs_kind_option *o, const char *arg,
                             rs_error *err)
{
    rs_option_def own = {o->name, o->type, o->arg, o->choices, o->help};
    const rs_option_def *d = e ? &e->def : &own;
    double real = 0;
    long integer = 0;
    const char *text = NULL;
    if (check_value(d, o, arg, &real, &integer, &text, err) != RS_OK)
        return err->code;
    if (!e)
        return set_own(p, o, arg, err);
    char *field = (char *)p + e->offset;
    switch (d->type) {
    case RS_OPTION_INT: *(long *)(void *)field = integer; return RS_OK;
    case RS_OPTION_REAL: *(double *)(void *)field = real; return RS_OK;
    case RS_OPTION_FLAG: *(int *)(void *)field = strcmp(arg, "off") != 0; return RS_OK;
    case RS_OPTION_CHOICE:
    case RS_OPTION_TEXT: *(const char **)(void *)field = text; return RS_OK;
    case RS_OPTION_SIZES: return parse_sizes(p, o, arg, err);
    case RS_OPTION_CLASS_WEIGHT: return parse_class_weight(p, o, arg, err);
    }
    return RS_OK;
}

rs_status rs_params_init(rs_params *p, const rs_kind *kind, rs_error *err)
{
    memset(p, 0, sizeof *p);
    p->kind = kind->name;
    p->threads = 1;
    p->seed = 1;
    for (const rs_kind_option *o = kind->options; o->name; o++) {
        if (o->dflt && parse_value(p, entry_find(o->name), o, o->dflt, err) != RS_OK)
            return err->code;
    }
    return RS_OK;
}

static rs_status not_an_option(const rs_kind *kind, const char *name, rs_error *err)
{
    return rs_error_set(err, RS_EUSAGE, NULL, 0, "--%s is not an option of --model %s (see rs-train --help)", name,
                        kind->name);
}

rs_status rs_params_set(rs_params *p, const rs_kind *kind, const char *name, const char *arg, rs_error *err)
{
    const rs_kind_option *o = rs_kind_option_find(kind, name);
    if (!o)
        return not_an_option(kind, name, err);
    return parse_value(p, entry_find(name), o, arg ? arg : "on", err);
}

/* What each family's data is read with: rs-train reads these itself, but
 * the other family's are as wrong as an option the kind does not list. */
static const struct {
    const char *name;
    rs_family family;
} data_options[] = {
    {"label", RS_FAMILY_SUPERVISED},    {"features", RS_FAMILY_SUPERVISED},   {"id", RS_FAMILY_SUPERVISED},
    {"valid", RS_FAMILY_SUPERVISED},    {"user-col", RS_FAMILY_RECOMMENDER}, {"item-col", RS_FAMILY_RECOMMENDER},
    {"value-col", RS_FAMILY_RECOMMENDER}, {"time-col", RS_FAMILY_RECOMMENDER}, {"time-format", RS_FAMILY_RECOMMENDER},
    {"session-col", RS_FAMILY_RECOMMENDER}, {"basket-col", RS_FAMILY_RECOMMENDER},
};

static int data_option_family(const char *name)
{
    for (size_t i = 0; i < sizeof data_options / sizeof data_options[0]; i++)
        if (!strcmp(data_options[i].name, name))
            return (int)data_options[i].family;
    return -1;
}

rs_status rs_params_apply(rs_params *p, const rs_kind *kind, const rs_strlist *given, rs_error *err)
{
    if (rs_params_init(p, kind, err) != RS_OK)
        return err->code;
    for (size_t i = 0; i + 1 < given->n; i += 2) {
        const char *name = given->items[i], *arg = given->items[i + 1];
        int family = data_option_family(name);
        const rs_option_def *def = rs_option_def_find(name);
        if (family >= 0 && family != (int)kind->family)
            return not_an_option(kind, name, err);
        if (family < 0 && rs_params_set(p, kind, name, def && def->arg ? arg : NULL, err) != RS_OK)
            return err->code;
    }
    return RS_OK;
}

/* --inner-options "--a 1 --flag --b x" as name, arg pairs for rs_params_apply. */
static rs_status split_inner_options(const char *text, rs_strlist *given, rs_error *err)
{
    char *copy = strdup(text ? text : ""), *save = NULL;
    if (!copy)
        return rs_error_nomem(err);
    rs_status st = RS_OK;
    for (char *tok = strtok_r(copy, " \t", &save); tok && st == RS_OK; tok = strtok_r(NULL, " \t", &save)) {
        if (strncmp(tok, "--", 2) || !tok[2]) {
            st = rs_error_set(err, RS_EUSAGE, NULL, 0, "--inner-options: '%s' is not a long option (--name value)",
                              tok);
            break;
        }
        const rs_option_def *def = rs_option_def_find(tok + 2);
        const char *arg = def && def->arg ? strtok_r(NULL, " \t", &save) : "";
        if (!arg)
            st = rs_error_set(err, RS_EUSAGE, NULL, 0, "--inner-options: %s needs a value", tok);
        else if (rs_strlist_push(given, tok + 2) < 0 || rs_strlist_push(given, arg) < 0)
            st = rs_error_nomem(err);
    }
    free(copy);
    return st;
}

rs_status rs_params_wrap(rs_params *p, const rs_kind *kind, rs_params inner[2], rs_strlist *args, rs_error *err)
{
    if (!rs_kind_option_find(kind, "inner"))
        return RS_OK;
    const char *name = rs_params_text(p, "inner");
    const rs_kind *in = name ? rs_kind_find(name) : NULL;
    if (!in || in->family != RS_FAMILY_SUPERVISED)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--inner '%s' is not a supervised kind", name ? name : "");
    rs_status st = split_inner_options(rs_params_text(p, "inner-options"), args, err);
    if (st == RS_OK)
        st = rs_params_apply(&inner[0], in, args, err);
    if (st != RS_OK)
        return st;
    const rs_kind *effect = !strcmp(in->name, "logreg") ? rs_kind_find("linreg") : in;
    if (effect == in) {
        inner[1] = inner[0];
        inner[1].loss = "squared";
    } else if (rs_params_init(&inner[1], effect, err) != RS_OK) {
        return err->code;
    } else {
        inner[1].l2 = inner[0].l2;
    }
    for (int i = 0; i < 2; i++) {
        inner[i].threads = p->threads, inner[i].seed = p->seed, inner[i].label = p->label;
        inner[i].progress = NULL, inner[i].progress_ctx = NULL, inner[i].valid = NULL;
    }
    p->inner = in, p->inner_params = &inner[0];
    p->inner_effect = effect, p->inner_effect_params = &inner[1];
    return RS_OK;
}
