/* encode.c — rules per column, fitted in a first pass or read from a
 * params file, applied row by row in the last pass. */
#include "features/encode.h"

#include "features/text.h"
#include "hash.h"
#include "idmap.h"
#include "mem.h"
#include "num.h"
#include "io/value.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARAMS_MAGIC "rs-encode-params"
/* MAX_TOP_N: the most categories --onehot keeps (and a params file may
 * list); below 2^MAX_BITS, the size of the encoder's scratch vector. */
enum { PARAMS_VERSION = 1, MAX_BITS = 20, MAX_TOP_N = 100000 };
typedef enum { ENC_ONEHOT, ENC_HASH, ENC_NUMERIC, ENC_BOOL, ENC_TEXT } enc_kind;
typedef enum { SCALE_NONE, SCALE_MINMAX, SCALE_ZSCORE } enc_scale;
static const char *const scale_names[] = {"none", "minmax", "zscore"};
static const char *const kind_names[] = {"onehot", "hash", "numeric", "bool", "text"};

typedef struct {
    char *column;
    size_t col;
    enc_kind kind;
    int log1p;
    enc_scale scale;
    long top_n;
    int bits;
    double a, b;              /* minmax: min, max; zscore: mean, sd */
    double n, sum, sumsq;     /* numeric fit */
    rs_idmap *values;         /* onehot fit: every value; apply: the kept ones */
    long *counts;             /* (counts_cap) */
    size_t counts_cap;
    int32_t n_kept;
    int32_t *kept;            /* (n_kept) value index of each kept category, output order */
    double *idf;              /* (2^bits) text */
    long *df;                 /* (2^bits) text fit */
    double n_docs;
} enc_rule;

typedef struct {
    const rs_encode_spec *spec;
    rs_table *table;
    size_t n_cols;
    enc_rule *rules;          /* (n_rules) */
    size_t n_rules;
    int *rule_of_col;         /* (n_cols) rule index or -1 */
    unsigned char *pass;      /* (n_cols) passed through */
    float *vec;               /* text scratch (2^MAX_BITS) */
    rs_text_scratch text;     /* the tokeniser's (features/text.h) */
    uint32_t *idx;            /* a text's buckets */
    size_t n_idx, idx_cap;
} encoder;

static enc_rule *rule_for(encoder *e, const char *column, rs_error *err)
{
    for (size_t i = 0; i < e->n_rules; i++)
        if (!strcmp(e->rules[i].column, column))
            return &e->rules[i];
    enc_rule *r = realloc(e->rules, (e->n_rules + 1) * sizeof *r);
    if (!r) {
        rs_error_nomem(err);
        return NULL;
    }
    e->rules = r;
    r = &e->rules[e->n_rules++];
    memset(r, 0, sizeof *r);
    r->kind = (enc_kind)-1;
    if (!(r->column = strdup(column)))
        rs_error_nomem(err);
    return r->column ? r : NULL;
}

/* "COL[:N]" with N in [lo, hi]; def when absent. */
static rs_status split_count(const char *item, const char *option, long def, long lo, long hi, char *name,
                             size_t cap, long *n, rs_error *err)
{
    const char *colon = strrchr(item, ':');
    *n = def;
    snprintf(name, cap, "%.*s", colon ? (int)(colon - item) : (int)strlen(item), item);
    if (colon && rs_parse_long_arg(colon + 1, lo, hi, n) < 0)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid %s '%s' (the number after ':' must be %ld..%ld)",
                            option, item, lo, hi);
    if (!*name)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid %s '%s' (no column)", option, item);
    return RS_OK;
}

static rs_status set_kind(enc_rule *r, enc_kind kind, const char *option, rs_error *err)
{
    if (r->kind != (enc_kind)-1 && r->kind != kind)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "column '%s' has two encodings (%s and another)",
                            r->column, option);
    r->kind = kind;
    return RS_OK;
}

static rs_status rules_from_options(encoder *e, rs_error *err)
{
    const rs_encode_spec *s = e->spec;
    char name[1024];
    long n;
    for (size_t i = 0; i < s->onehot.n; i++) {
        enc_rule *r;
        if (split_count(s->onehot.items[i], "--onehot", 20, 1, MAX_TOP_N, name, sizeof name, &n, err) ||
            !(r = rule_for(e, name, err)) || set_kind(r, ENC_ONEHOT, "--onehot", err))
            return err->code;
        r->top_n = n;
    }
    for (size_t i = 0; i < s->hash.n; i++) {
        enc_rule *r;
        if (!strchr(s->hash.items[i], ':'))
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --hash '%s' (expected COL:BITS)", s->hash.items[i]);
        if (split_count(s->hash.items[i], "--hash", 0, 1, MAX_BITS, name, sizeof name, &n, err) ||
            !(r = rule_for(e, name, err)) || set_kind(r, ENC_HASH, "--hash", err))
            return err->code;
        r->bits = (int)n;
    }
    for (size_t i = 0; i < s->text.n; i++) {
        enc_rule *r;
        if (split_count(s->text.items[i], "--text", 10, 1, MAX_BITS, name, sizeof name, &n, err) ||
            !(r = rule_for(e, name, err)) || set_kind(r, ENC_TEXT, "--text", err))
            return err->code;
        r->bits = (int)n;
    }
    const rs_strlist *numeric[3] = {&s->log1p, &s->minmax, &s->zscore};
    const char *opts[3] = {"--log1p", "--minmax", "--zscore"};
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < numeric[k]->n; i++) {
            enc_rule *r = rule_for(e, numeric[k]->items[i], err);
            if (!r || set_kind(r, ENC_NUMERIC, opts[k], err))
                return err->code;
            if (k == 0)
                r->log1p = 1;
            else if (r->scale != SCALE_NONE && r->scale != (enc_scale)k)
                return rs_error_set(err, RS_EUSAGE, NULL, 0, "column '%s' has both --minmax and --zscore", r->column);
            else
                r->scale = (enc_scale)k;
        }
    for (size_t i = 0; i < s->boolean.n; i++) {
        enc_rule *r = rule_for(e, s->boolean.items[i], err);
        if (!r || set_kind(r, ENC_BOOL, "--bool", err))
            return err->code;
    }
    if (e->n_rules == 0)
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "nothing to encode (give --onehot, --hash, --minmax, --zscore, --log1p, --bool, --text or --apply)");
    return RS_OK;
}

/* ---- params file ---- */

static void write_escaped(rs_out *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        const char *esc = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : NULL;
        if (esc)
            rs_out_write(out, esc, 2);
        else
            rs_out_putc(out, c);
    }
}

static rs_status save_params(const encoder *e, rs_error *err)
{
    rs_out *out = rs_out_open(e->spec->fit_out, err);
    if (!out)
        return err->code;
    rs_out_printf(out, "%s\t%d\n", PARAMS_MAGIC, PARAMS_VERSION);
    for (size_t i = 0; i < e->n_rules; i++) {
        const enc_rule *r = &e->rules[i];
        const char *kind = kind_names[r->kind];
        rs_out_write(out, kind, strlen(kind));
        rs_out_putc(out, '\t');
        write_escaped(out, r->column, strlen(r->column));
        if (r->kind == ENC_ONEHOT) {
            rs_out_printf(out, "\t%d\n", r->n_kept);
            for (int32_t k = 0; k < r->n_kept; k++) {
                size_t len;
                const char *v = rs_idmap_key(r->values, r->kept[k], &len);
                rs_out_write(out, "category\t", 9);
                write_escaped(out, v, len);
                rs_out_putc(out, '\n');
            }
        } else if (r->kind == ENC_HASH) {
            rs_out_printf(out, "\t%d\n", r->bits);
        } else if (r->kind == ENC_NUMERIC) {
            rs_out_printf(out, "\t%d\t%s\t%.17g\t%.17g\n", r->log1p, scale_names[r->scale], r->a, r->b);
        } else if (r->kind == ENC_BOOL) {
            rs_out_putc(out, '\n');
        } else {
            rs_out_printf(out, "\t%d\t%.17g\n", r->bits, r->n_docs);
            for (size_t b = 0; b < (size_t)1 << r->bits; b++)
                rs_out_printf(out, "idf\t%zu\t%.17g\n", b, r->idf[b]);
        }
    }
    rs_out_write(out, "end\n", 4);
    return rs_out_commit(out, err);
}

static size_t unescape(char *s)
{
    size_t w = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '\\' && s[i + 1]) {
            char c = s[++i];
            s[w++] = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
        } else {
            s[w++] = s[i];
        }
    }
    s[w] = '\0';
    return w;
}

static rs_status params_error(const char *path, long line, const char *what, rs_error *err)
{
    return rs_error_set(err, RS_EDATA, path, line, "%s", what);
}

static rs_status load_params(encoder *e, rs_error *err)
{
    const char *path = e->spec->apply;
    FILE *f = fopen(path, "r");
    if (!f)
        return rs_error_set(err, RS_EIO, path, 0, "cannot open: %s", strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    ssize_t n;
    enc_rule *r = NULL;
    rs_status st = RS_OK;
    int ended = 0;
    while (!ended && (n = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        char *fields[6] = {0};
        int nf = 0;
        for (char *p = line, *tab; nf < 6; p = tab + 1) {
            fields[nf++] = p;
            if (!(tab = strchr(p, '\t')))
                break;
            *tab = '\0';
        }
        if (lineno == 1) {
            long version;
            if (nf != 2 || strcmp(fields[0], PARAMS_MAGIC) != 0) {
                const unsigned char *head = (const unsigned char *)line;
                const char *what = n >= 4 && !memcmp(head, "\x89RSF", 4)   ? "an rsf table"
                                   : n >= 4 && !memcmp(head, "\x89RSM", 4) ? "an rs model file (.rsm)"
                                   : n >= 2 && head[0] == 0x1f && head[1] == 0x8b ? "gzip-compressed data"
                                                                                  : NULL;
                st = what ? rs_error_set(err, RS_EDATA, path, 0,
                                         "%s, not an rs-features encode params file (written by --fit-out)", what)
                          : params_error(path, 1, "not an rs-features encode params file (expected "
                                                  "'rs-encode-params' on the first line; was it written by "
                                                  "--fit-out?)", err);
                break;
            }
            if (rs_parse_long_arg(fields[1], 1, 1000000, &version) < 0 || version != PARAMS_VERSION) {
                st = rs_error_set(err, RS_EDATA, path, 1, "params format version %s, this rs reads version %d",
                                  fields[1], PARAMS_VERSION);
                break;
            }
            continue;
        }
        const char *kind = fields[0];
        long a = 0;
        if (!strcmp(kind, "end")) {
            ended = 1;
        } else if (!strcmp(kind, "category") && nf == 2 && r && r->kind == ENC_ONEHOT) {
            if (r->n_kept == MAX_TOP_N) {
                st = rs_error_set(err, RS_EDATA, path, lineno, "column '%s' has more than %d categories",
                                  r->column, MAX_TOP_N);
                break;
            }
            unescape(fields[1]);
            int32_t idx = rs_idmap_intern(r->values, fields[1], strlen(fields[1]), NULL);
            if (idx < 0 || rs_grow((void **)&r->kept, &r->counts_cap, (size_t)r->n_kept + 1, sizeof *r->kept) < 0) {
                st = rs_error_nomem(err);
                break;
            }
            r->kept[r->n_kept++] = idx;
        } else if (!strcmp(kind, "idf") && nf == 3 && r && r->kind == ENC_TEXT &&
                   rs_parse_long_arg(fields[1], 0, (1L << r->bits) - 1, &a) == 0 &&
                   rs_parse_double_arg(fields[2], &r->idf[a]) == 0) {
            continue;
        } else if (nf >= 2 && (!strcmp(kind, "onehot") || !strcmp(kind, "hash") || !strcmp(kind, "numeric") ||
                               !strcmp(kind, "bool") || !strcmp(kind, "text"))) {
            unescape(fields[1]);
            if (!(r = rule_for(e, fields[1], err))) {
                st = err->code;
                break;
            }
            if (r->kind != (enc_kind)-1) {   /* a second rule would leak and mix the first */
                st = rs_error_set(err, RS_EDATA, path, lineno, "column '%s' has two rules", r->column);
                break;
            }
            int ok = 1;
            if (!strcmp(kind, "onehot")) {
                r->kind = ENC_ONEHOT;
                ok = nf == 3 && (r->values = rs_idmap_new()) != NULL;
            } else if (!strcmp(kind, "hash")) {
                r->kind = ENC_HASH;
                ok = nf == 3 && rs_parse_long_arg(fields[2], 1, MAX_BITS, &a) == 0;
                r->bits = (int)a;
            } else if (!strcmp(kind, "numeric")) {
                r->kind = ENC_NUMERIC;
                ok = nf == 6 && rs_parse_long_arg(fields[2], 0, 1, &a) == 0 &&
                     rs_parse_double_arg(fields[4], &r->a) == 0 && rs_parse_double_arg(fields[5], &r->b) == 0;
                r->log1p = (int)a;
                if (ok) {   /* fields[3] exists only on a line of 6 fields */
                    r->scale = !strcmp(fields[3], "minmax") ? SCALE_MINMAX
                               : !strcmp(fields[3], "zscore") ? SCALE_ZSCORE
                                                              : SCALE_NONE;
                    ok = r->scale != SCALE_NONE || !strcmp(fields[3], "none");
                }
            } else if (!strcmp(kind, "bool")) {
                r->kind = ENC_BOOL;
                ok = nf == 2;
            } else {
                r->kind = ENC_TEXT;
                ok = nf == 4 && rs_parse_long_arg(fields[2], 1, MAX_BITS, &a) == 0 &&
                     rs_parse_double_arg(fields[3], &r->n_docs) == 0;
                r->bits = (int)a;
                ok = ok && (r->idf = calloc((size_t)1 << r->bits, sizeof *r->idf)) != NULL;
            }
            if (!ok) {
                st = params_error(path, lineno, "malformed rule line", err);
                break;
            }
        } else {
            st = params_error(path, lineno, "unknown line (the file is damaged or from another tool)", err);
            break;
        }
    }
    if (st == RS_OK && !ended)
        st = params_error(path, lineno + 1, "truncated params file (no 'end' line)", err);
    if (st == RS_OK && e->n_rules == 0)
        st = params_error(path, lineno, "the params file has no rules", err);
    free(line);
    fclose(f);
    return st;
}

/* ---- fitting ---- */

static int parse_bool(const rs_field *f, double *v)
{
    rs_value_options none = {0};
    rs_field canon;
    char buf[RS_VALUE_BUF];
    return rs_value_normalize(RS_TYPE_BOOL, &none, f->ptr, f->len, &canon, buf, v);
}

/* The value a numeric rule sees: the number, log1p'd when asked. -1 when
 * the field is not a number (or <= -1 under log1p); NaN when empty. */
static int numeric_input(const enc_rule *r, const rs_field *f, double *x)
{
    if (f->len == 0) {
        *x = NAN;
        return 0;
    }
    if (rs_parse_f64(f->ptr, f->len, x) < 0)
        return -1;
    if (r->log1p) {
        if (!(*x > -1))
            return -1;
        *x = log1p(*x);
    }
    return 0;
}

static rs_status bad_value(const encoder *e, const rs_record *rec, const enc_rule *r, const char *what, rs_error *err)
{
    return rs_table_bad_field(e->table, rec, r->col, what, err);
}

/* The words of text rule r's field (rs-train --text's tokeniser: text.h,
 * unigrams only): each adds 1 to its hashed bucket in vec.  Invalid UTF-8
 * is an error naming file, line and column. */
static rs_status tokenize(encoder *e, const rs_record *rec, const enc_rule *r, float *vec, rs_error *err)
{
    const rs_field *f = &rec->fields[r->col];
    rs_text_spec spec = {.bits = r->bits, .word_max = 1};
    e->n_idx = 0;
    if (rs_text_hash(&spec, f->ptr, f->len, &e->text, &e->idx, &e->n_idx, &e->idx_cap, err) != RS_OK)
        return err->code == RS_EDATA ? bad_value(e, rec, r, "valid UTF-8 text", err) : err->code;
    for (size_t i = 0; i < e->n_idx; i++)
        vec[e->idx[i]] += 1;
    return RS_OK;
}

static rs_status fit_row(encoder *e, const rs_record *rec, rs_error *err)
{
    for (size_t i = 0; i < e->n_rules; i++) {
        enc_rule *r = &e->rules[i];
        const rs_field *f = &rec->fields[r->col];
        double x;
        if (r->kind == ENC_ONEHOT) {
            int32_t idx = rs_idmap_intern(r->values, f->ptr, f->len, NULL);
            size_t old = r->counts_cap;
            if (idx < 0 || rs_grow((void **)&r->counts, &r->counts_cap, (size_t)idx + 1, sizeof *r->counts) < 0)
                return rs_error_nomem(err);
            memset(r->counts + old, 0, (r->counts_cap - old) * sizeof *r->counts);
            r->counts[idx]++;
        } else if (r->kind == ENC_NUMERIC) {
            if (numeric_input(r, f, &x) < 0)
                return bad_value(e, rec, r, r->log1p ? "a number > -1 (for --log1p)" : "a number", err);
            if (isnan(x))
                continue;
            r->a = r->n == 0 || x < r->a ? x : r->a;
            r->b = r->n == 0 || x > r->b ? x : r->b;
            r->n++, r->sum += x, r->sumsq += x * x;
        } else if (r->kind == ENC_TEXT) {
            size_t nb = (size_t)1 << r->bits;
            memset(e->vec, 0, nb * sizeof *e->vec);
            if (tokenize(e, rec, r, e->vec, err) != RS_OK)
                return err->code;
            for (size_t b = 0; b < nb; b++)
                r->df[b] += e->vec[b] > 0;
            r->n_docs++;
        }
    }
    return RS_OK;
}

static const rs_idmap *cmp_values;
static const long *cmp_counts;

static int by_count_then_value(const void *pa, const void *pb)
{
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    if (cmp_counts[a] != cmp_counts[b])
        return cmp_counts[a] > cmp_counts[b] ? -1 : 1;
    size_t la, lb;
    const char *sa = rs_idmap_key(cmp_values, a, &la), *sb = rs_idmap_key(cmp_values, b, &lb);
    int c = memcmp(sa, sb, la < lb ? la : lb);
    return c ? c : (la > lb) - (la < lb);
}

static rs_status finish_fit(encoder *e, rs_error *err)
{
    for (size_t i = 0; i < e->n_rules; i++) {
        enc_rule *r = &e->rules[i];
        if (r->kind == ENC_ONEHOT) {
            int32_t n = rs_idmap_size(r->values);
            if (!(r->kept = malloc(((size_t)n + 1) * sizeof *r->kept)))
                return rs_error_nomem(err);
            for (int32_t k = 0; k < n; k++)
                r->kept[k] = k;
            cmp_values = r->values, cmp_counts = r->counts;
            qsort(r->kept, (size_t)n, sizeof *r->kept, by_count_then_value);
            r->n_kept = n < r->top_n ? n : (int32_t)r->top_n;
        } else if (r->kind == ENC_NUMERIC && r->scale == SCALE_ZSCORE) {
            double mean = r->n ? r->sum / r->n : 0;
            double var = r->n > 1 ? (r->sumsq - r->n * mean * mean) / (r->n - 1) : 0;
            r->a = mean;
            r->b = var > 0 ? sqrt(var) : 0;
        } else if (r->kind == ENC_TEXT) {
            /* smoothed IDF as in scikit-learn: ln((1 + N) / (1 + df)) + 1 */
            for (size_t b = 0; b < (size_t)1 << r->bits; b++)
                r->idf[b] = log((1 + r->n_docs) / (1 + (double)r->df[b])) + 1;
        }
    }
    return RS_OK;
}

/* ---- applying ---- */

static int add_name(rs_strlist *names, const char *col, const char *suffix, size_t suffix_len)
{
    char buf[1200];
    snprintf(buf, sizeof buf, "%s_%.*s", col, (int)(suffix_len > 1000 ? 1000 : suffix_len), suffix);
    return rs_strlist_push(names, buf);
}

static rs_status output_columns(encoder *e, rs_strlist *names, rs_col_type **types, rs_error *err)
{
    size_t cap = 0, n = 0;
    int bad = 0;
    for (size_t c = 0; c < e->n_cols; c++) {
        int ri = e->rule_of_col[c];
        if (ri < 0) {
            if (!e->pass[c])
                continue;
            bad |= rs_strlist_push(names, rs_table_col_name(e->table, c));
        } else {
            const enc_rule *r = &e->rules[ri];
            if (r->kind == ENC_ONEHOT) {
                for (int32_t k = 0; k < r->n_kept; k++) {
                    size_t len;
                    const char *v = rs_idmap_key(r->values, r->kept[k], &len);
                    bad |= add_name(names, r->column, v, len);
                }
                bad |= add_name(names, r->column, "other", 5);
            } else if (r->kind == ENC_HASH || r->kind == ENC_TEXT) {
                for (size_t b = 0; b < (size_t)1 << r->bits; b++) {
                    char suffix[16];
                    int len = snprintf(suffix, sizeof suffix, "%c%zu", r->kind == ENC_HASH ? 'h' : 't', b);
                    bad |= add_name(names, r->column, suffix, (size_t)len);
                }
            } else {
                bad |= rs_strlist_push(names, r->column);
            }
        }
        if (rs_grow((void **)types, &cap, names->n, sizeof **types) < 0)
            return rs_error_nomem(err);
        for (; n < names->n; n++)
            (*types)[n] = ri < 0 ? rs_table_col_type(e->table, c) : RS_COL_F32;
    }
    return bad ? rs_error_nomem(err) : RS_OK;
}

static float scaled(const enc_rule *r, double x)
{
    if (isnan(x))
        return NAN;
    if (r->scale == SCALE_MINMAX)
        return r->b > r->a ? (float)((x - r->a) / (r->b - r->a)) : 0;
    if (r->scale == SCALE_ZSCORE)
        return r->b > 0 ? (float)((x - r->a) / r->b) : 0;
    return (float)x;
}

/* Encode one row into values (one per output column; pass-through columns
 * keep their text in fields). */
static rs_status encode_row(encoder *e, const rs_record *rec, rs_field *fields, char *text, rs_error *err)
{
    size_t k = 0;
    for (size_t c = 0; c < e->n_cols; c++) {
        int ri = e->rule_of_col[c];
        if (ri < 0) {
            if (e->pass[c])
                fields[k++] = rec->fields[c];
            continue;
        }
        enc_rule *r = &e->rules[ri];
        const rs_field *f = &rec->fields[c];
        size_t width = r->kind == ENC_ONEHOT ? (size_t)r->n_kept + 1
                       : r->kind == ENC_HASH || r->kind == ENC_TEXT ? (size_t)1 << r->bits : 1;
        float *v = e->vec;
        memset(v, 0, width * sizeof *v);
        double x;
        if (r->kind == ENC_ONEHOT) {
            int32_t idx = rs_idmap_find(r->values, f->ptr, f->len), slot = r->n_kept;
            for (int32_t q = 0; idx >= 0 && q < r->n_kept; q++)
                if (r->kept[q] == idx)
                    slot = q;
            v[slot] = 1;
        } else if (r->kind == ENC_HASH) {
            v[rs_hash64(f->ptr, f->len, 0) & (width - 1)] = 1;
        } else if (r->kind == ENC_TEXT) {
            if (tokenize(e, rec, r, v, err) != RS_OK)
                return err->code;
            double norm = 0;
            for (size_t b = 0; b < width; b++) {
                v[b] = (float)(v[b] * r->idf[b]);
                norm += (double)v[b] * v[b];
            }
            for (size_t b = 0; norm > 0 && b < width; b++)
                v[b] = (float)(v[b] / sqrt(norm));
        } else if (r->kind == ENC_BOOL) {
            if (f->len && parse_bool(f, &x) < 0)
                return bad_value(e, rec, r, "a boolean (TRUE/FALSE, yes/no, y/n, t/f, 1/0)", err);
            v[0] = f->len ? (float)x : NAN;
        } else {
            if (numeric_input(r, f, &x) < 0)
                return bad_value(e, rec, r, r->log1p ? "a number > -1 (for --log1p)" : "a number", err);
            v[0] = scaled(r, x);
        }
        for (size_t b = 0; b < width; b++, k++) {
            char *buf = text + k * RS_NUM_BUF;
            fields[k].ptr = buf;
            fields[k].len = rs_format_f32(v[b], buf);
        }
    }
    return RS_OK;
}

static rs_status resolve(encoder *e, rs_error *err)
{
    e->n_cols = rs_table_n_cols(e->table);
    e->rule_of_col = malloc((e->n_cols + 1) * sizeof *e->rule_of_col);
    e->pass = calloc(e->n_cols + 1, 1);
    if (!e->rule_of_col || !e->pass || !(e->vec = malloc(((size_t)1 << MAX_BITS) * sizeof *e->vec)))
        return rs_error_nomem(err);
    for (size_t c = 0; c < e->n_cols; c++)
        e->rule_of_col[c] = -1, e->pass[c] = !e->spec->has_keep;
    for (size_t i = 0; i < e->n_rules; i++) {
        enc_rule *r = &e->rules[i];
        const char *why = e->spec->apply ? "the params file" : "an encoding option";
        rs_status st = rs_table_find_col(e->table, r->column, why, &r->col, err);
        if (st && e->spec->apply) {
            /* the params file, not the command line, named it: a data error */
            char msg[sizeof err->msg];
            memcpy(msg, err->msg, sizeof msg);
            return rs_error_set(err, RS_EDATA, rs_table_name(e->table), 0, "%s", msg);
        }
        if (st)
            return st;
        e->rule_of_col[r->col] = (int)i;
        if (!e->spec->apply && r->kind == ENC_ONEHOT && !(r->values = rs_idmap_new()))
            return rs_error_nomem(err);
        if (!e->spec->apply && r->kind == ENC_TEXT &&
            (!(r->df = calloc((size_t)1 << r->bits, sizeof *r->df)) || !(r->idf = calloc((size_t)1 << r->bits, sizeof *r->idf))))
            return rs_error_nomem(err);
    }
    for (size_t i = 0; i < e->spec->keep.n; i++) {
        size_t c;
        if (rs_table_find_col(e->table, e->spec->keep.items[i], "--keep", &c, err))
            return err->code;
        e->pass[c] = 1;
    }
    return RS_OK;
}

static rs_status transform(encoder *e, rs_error *err)
{
    rs_strlist names = {0};
    rs_col_type *types = NULL;
    rs_table_sink sink = {0};
    rs_field *fields = NULL;
    char *text = NULL;
    rs_status st = output_columns(e, &names, &types, err);
    if (st)
        goto done;
    fields = malloc((names.n + 1) * sizeof *fields);
    text = malloc((names.n + 1) * RS_NUM_BUF);
    if (!fields || !text) {
        st = rs_error_nomem(err);
        goto done;
    }
    if ((st = rs_table_sink_open(&sink, e->spec->output, e->spec->out_format, names.n,
                                 (const char *const *)names.items, types, err)))
        goto done;
    rs_record rec;
    int got;
    while ((got = rs_table_next(e->table, &rec, err)) > 0) {
        if ((st = rs_table_check_width(e->table, &rec, err)) || (st = encode_row(e, &rec, fields, text, err)) ||
            (st = rs_table_writer_write(sink.writer, fields, 0, err)))
            goto done;
    }
    st = got < 0 ? err->code : rs_table_sink_commit(&sink, err);
done:
    rs_table_sink_close(&sink);
    rs_strlist_free(&names);
    free(types), free(fields), free(text);
    return st;
}

static rs_status fit(encoder *e, rs_error *err)
{
    rs_record rec;
    int got;
    while ((got = rs_table_next(e->table, &rec, err)) > 0) {
        if (rs_table_check_width(e->table, &rec, err) || fit_row(e, &rec, err))
            return err->code;
    }
    if (got < 0 || finish_fit(e, err))
        return err->code;
    if (e->spec->fit_out && save_params(e, err))
        return err->code;
    return rs_table_rewind(e->table, err);
}

rs_status rs_encode_run(const rs_encode_spec *spec, rs_error *err)
{
    encoder e = {.spec = spec};
    rs_status st;
    int options = spec->onehot.n || spec->hash.n || spec->minmax.n || spec->zscore.n || spec->log1p.n ||
                  spec->boolean.n || spec->text.n;
    if (spec->apply && (options || spec->fit_out))
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "--apply takes every rule from its params file: give no encoding options or --fit-out with it");
    st = spec->apply ? load_params(&e, err) : rules_from_options(&e, err);
    rs_table_options topt = spec->table;
    topt.rewindable = !spec->apply;
    if (st == RS_OK && !(e.table = rs_table_open(spec->input, &topt, err)))
        st = err->code;
    if (st == RS_OK && !(st = resolve(&e, err)) && (spec->apply || !(st = fit(&e, err))))
        st = transform(&e, err);
    for (size_t i = 0; i < e.n_rules; i++) {
        enc_rule *r = &e.rules[i];
        free(r->column), rs_idmap_free(r->values), free(r->counts), free(r->kept), free(r->idf), free(r->df);
    }
    free(e.rules), free(e.rule_of_col), free(e.pass), free(e.vec), free(e.idx);
    rs_text_scratch_free(&e.text);
    rs_table_free(e.table);
    return st;
}

void rs_encode_spec_free(rs_encode_spec *spec)
{
    rs_strlist *lists[] = {&spec->onehot, &spec->hash, &spec->minmax, &spec->zscore,
                           &spec->log1p, &spec->boolean, &spec->text, &spec->keep};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        rs_strlist_free(lists[i]);
}
