/* clean_setup.c — turning an rs_clean_spec into resolved rules: column
 * indices, parsed filters, fill and outlier rules, the id map, the output
 * shape; and the statistics that the second pass needs. */
#include "clean/clean_impl.h"

#include "num.h"
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rs_clean_reason(cleaner *c, const char *text, int fault)
{
    int added;
    int32_t idx = rs_idmap_intern(c->reasons, text, strlen(text), &added);
    if (idx < 0)
        return -1;
    if ((size_t)idx >= c->reasons_cap) {
        size_t cap = c->reasons_cap ? c->reasons_cap * 2 : 16;
        long *counts = realloc(c->reason_counts, cap * sizeof *counts);
        unsigned char *fault_flags = counts ? realloc(c->reason_is_fault, cap) : NULL;
        if (counts)
            c->reason_counts = counts;
        if (!counts || !fault_flags)
            return -1;
        c->reason_is_fault = fault_flags;
        memset(c->reason_counts + c->reasons_cap, 0, (cap - c->reasons_cap) * sizeof *counts);
        memset(c->reason_is_fault + c->reasons_cap, 0, cap - c->reasons_cap);
        c->reasons_cap = cap;
    }
    if (added)
        c->reason_is_fault[idx] = (unsigned char)fault;
    return idx;
}

static int clean_text_needs_quoting(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
            return 1;
    return 0;
}

static rs_type type_of_column(rs_col_type stored)
{
    return stored == RS_COL_I64 ? RS_TYPE_INT
           : stored == RS_COL_STR ? RS_TYPE_STR
                                  : RS_TYPE_NUM;
}

/* "COL<sep>REST": COL into name, a pointer to REST; the separator is the
 * first (or, from_right, the last) one.  -1 when missing or COL is empty. */
static int split_item(const char *item, char sep, int from_right, char *name, size_t cap,
                      const char **rest)
{
    const char *at = from_right ? strrchr(item, sep) : strchr(item, sep);
    if (!at || at == item)
        return -1;
    snprintf(name, cap, "%.*s", (int)(at - item), item);
    *rest = at + 1;
    return 0;
}

static rs_status find_col(cleaner *c, const char *name, const char *option, size_t *col,
                          rs_error *err)
{
    return rs_table_find_col(c->table, name, option, col, err);
}

static void *alloc_zero(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

static rs_status setup_schema(cleaner *c, rs_error *err)
{
    for (size_t i = 0; i < c->spec->schema.n; i++) {
        const char *item = c->spec->schema.items[i], *type_name;
        char name[1024];
        if (split_item(item, ':', 1, name, sizeof name, &type_name) < 0)
            return rs_error_set(err, RS_EUSAGE, NULL, 0,
                                "invalid --schema item '%s' (expected COL:TYPE)", item);
        size_t col;
        rs_type type;
        if (find_col(c, name, "--schema", &col, err) || rs_type_parse(type_name, &type, err))
            return err->code;
        c->col_type[col] = type;
        c->any_typed |= type != RS_TYPE_STR;
        char reason[1100];
        snprintf(reason, sizeof reason, "type %s:%s", name, rs_type_name(type));
        if ((c->reason_type[col] = rs_clean_reason(c, reason, 1)) < 0)
            return rs_error_nomem(err);
    }
    return RS_OK;
}

static rs_status setup_flags(cleaner *c, const rs_strlist *names, const char *option,
                             unsigned char *flags, int *any, rs_error *err)
{
    for (size_t i = 0; i < names->n; i++) {
        size_t col;
        if (find_col(c, names->items[i], option, &col, err))
            return err->code;
        flags[col] = 1;
        *any = 1;
    }
    return RS_OK;
}

static rs_status setup_require(cleaner *c, rs_error *err)
{
    if (setup_flags(c, &c->spec->require, "--require", c->col_require, &c->any_require, err))
        return err->code;
    for (size_t col = 0; col < c->n_cols; col++) {
        if (!c->col_require[col])
            continue;
        char reason[1100];
        snprintf(reason, sizeof reason, "require %s", rs_table_col_name(c->table, col));
        if ((c->reason_require[col] = rs_clean_reason(c, reason, 1)) < 0)
            return rs_error_nomem(err);
    }
    return RS_OK;
}

static rs_status need_numeric(cleaner *c, size_t col, const char *option, const char *item,
                              rs_error *err)
{
    if (rs_type_is_numeric(c->col_type[col]) && c->col_type[col] != RS_TYPE_BOOL)
        return RS_OK;
    return rs_error_set(err, RS_EUSAGE, NULL, 0,
                        "%s %s: column '%s' needs a numeric type (add --schema %s:num, int or time)",
                        option, item, rs_table_col_name(c->table, col),
                        rs_table_col_name(c->table, col));
}

static rs_status setup_fills(cleaner *c, rs_error *err)
{
    c->n_fills = c->spec->fill.n;
    if (!(c->fills = alloc_zero(c->n_fills, sizeof *c->fills)))
        return rs_error_nomem(err);
    for (size_t i = 0; i < c->n_fills; i++) {
        fill_rule *f = &c->fills[i];
        const char *item = c->spec->fill.items[i], *how;
        char name[1024];
        if (split_item(item, '=', 0, name, sizeof name, &how) < 0)
            return rs_error_set(err, RS_EUSAGE, NULL, 0,
                                "invalid --fill '%s' (expected COL=VALUE|mean|median|mode)", item);
        if (find_col(c, name, "--fill", &f->col, err))
            return err->code;
        f->kind = strcmp(how, "mean") == 0     ? FILL_MEAN
                  : strcmp(how, "median") == 0 ? FILL_MEDIAN
                  : strcmp(how, "mode") == 0   ? FILL_MODE
                                               : FILL_VALUE;
        if ((f->kind == FILL_MEAN || f->kind == FILL_MEDIAN) &&
            need_numeric(c, f->col, "--fill", item, err))
            return err->code;
        if (f->kind == FILL_MODE && !(f->sample.texts = rs_idmap_new()))
            return rs_error_nomem(err);
        if (f->kind != FILL_VALUE)
            continue;
        if (*how == '\0')
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "--fill %s: empty fill value", item);
        rs_type type = c->col_type[f->col];
        rs_field canon;
        char buf[RS_VALUE_BUF];
        double number;
        if (rs_value_normalize(type, &c->spec->values, how, strlen(how), &canon, buf, &number) < 0)
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "--fill %s: '%s' is not a valid %s", item,
                                how, rs_type_name(type));
        if (!(f->text = malloc(canon.len + 1)))
            return rs_error_nomem(err);
        memcpy(f->text, canon.ptr, canon.len);
        f->text_len = canon.len;
        f->ready = 1;
        c->inserts_special |= clean_text_needs_quoting(f->text, f->text_len);
    }
    return RS_OK;
}

static rs_status setup_filters(cleaner *c, rs_error *err)
{
    c->n_filters = c->spec->n_filters;
    if (!(c->filters = alloc_zero(c->n_filters, sizeof *c->filters)))
        return rs_error_nomem(err);
    for (size_t i = 0; i < c->n_filters; i++) {
        filter_rule *f = &c->filters[i];
        const rs_clean_filter *src = &c->spec->filters[i];
        const char *option = src->keep ? "--keep-if" : "--drop-if";
        if (rs_expr_parse(src->expr, &f->expr, err))
            return err->code;
        f->keep = src->keep;
        if (find_col(c, f->expr.column, option, &f->col, err))
            return err->code;
        rs_type type = c->col_type[f->col];
        int comparison = f->expr.op != RS_OP_MATCH && f->expr.op != RS_OP_NOMATCH;
        f->numeric = comparison && rs_type_is_numeric(type);
        if (f->numeric) {
            /* the value is read as the column reads its fields */
            rs_field canon;
            char buf[RS_VALUE_BUF];
            double number;
            if (rs_value_normalize(type, &c->spec->values, f->expr.value, f->expr.value_len,
                                   &canon, buf, &number) < 0)
                return rs_error_set(err, RS_EUSAGE, NULL, 0,
                                    "%s '%s': '%s' is not a valid %s for column '%s'", option,
                                    src->expr, f->expr.value, rs_type_name(type), f->expr.column);
            f->expr.value_is_number = 1;
            f->expr.value_number = number;
        }
        char reason[1200];
        snprintf(reason, sizeof reason, "%s %s", src->keep ? "keep-if" : "drop-if", f->expr.text);
        if ((f->reason = rs_clean_reason(c, reason, 0)) < 0)
            return rs_error_nomem(err);
    }
    return RS_OK;
}

static rs_status parse_outlier(cleaner *c, const char *item, outlier_rule *o, rs_error *err)
{
    /* COL:method[:K][:drop|clip], read from the right so COL may hold ':' */
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", item);
    char *tok = strrchr(buf, ':');
    o->clip = 0;
    o->k = NAN;
    if (tok && (strcmp(tok + 1, "drop") == 0 || strcmp(tok + 1, "clip") == 0)) {
        o->clip = strcmp(tok + 1, "clip") == 0;
        *tok = '\0';
        tok = strrchr(buf, ':');
    }
    if (tok && rs_parse_double_arg(tok + 1, &o->k) == 0) {
        if (!(o->k > 0))
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "--outliers %s: K must be positive", item);
        *tok = '\0';
        tok = strrchr(buf, ':');
    }
    if (!tok || tok == buf)
        goto invalid;
    const char *method = tok + 1;
    if (strcmp(method, "iqr") == 0)
        o->method = OUTLIER_IQR;
    else if (strcmp(method, "zscore") == 0)
        o->method = OUTLIER_ZSCORE;
    else if (strcmp(method, "mad") == 0)
        o->method = OUTLIER_MAD;
    else
        goto invalid;
    if (isnan(o->k))
        o->k = o->method == OUTLIER_IQR ? 1.5 : o->method == OUTLIER_ZSCORE ? 3.0 : 3.5;
    *tok = '\0';
    if (find_col(c, buf, "--outliers", &o->col, err) || need_numeric(c, o->col, "--outliers", item, err))
        return err->code;
    char reason[1100];
    snprintf(reason, sizeof reason, "outlier %s:%s", buf, method);
    if ((o->reason = rs_clean_reason(c, reason, 0)) < 0)
        return rs_error_nomem(err);
    return RS_OK;
invalid:
    return rs_error_set(err, RS_EUSAGE, NULL, 0,
                        "invalid --outliers '%s' (expected COL:iqr|zscore|mad[:K][:drop|clip])", item);
}

static rs_status setup_outliers(cleaner *c, rs_error *err)
{
    c->n_outliers = c->spec->outliers.n;
    if (!(c->outliers = alloc_zero(c->n_outliers, sizeof *c->outliers)))
        return rs_error_nomem(err);
    for (size_t i = 0; i < c->n_outliers; i++)
        if (parse_outlier(c, c->spec->outliers.items[i], &c->outliers[i], err))
            return err->code;
    return RS_OK;
}

static rs_status setup_output(cleaner *c, rs_error *err)
{
    const rs_strlist *select = &c->spec->select;
    c->n_out = select->n ? select->n : c->n_cols;
    c->out_cols = alloc_zero(c->n_out, sizeof *c->out_cols);
    c->out_names = alloc_zero(c->n_out, sizeof *c->out_names);
    c->out_types = alloc_zero(c->n_out, sizeof *c->out_types);
    c->out_fields = alloc_zero(c->n_out, sizeof *c->out_fields);
    if (!c->out_cols || !c->out_names || !c->out_types || !c->out_fields)
        return rs_error_nomem(err);
    for (size_t i = 0; i < c->n_out; i++) {
        if (select->n && find_col(c, select->items[i], "--select", &c->out_cols[i], err))
            return err->code;
        if (!select->n)
            c->out_cols[i] = i;
        c->out_names[i] = (char *)rs_table_col_name(c->table, c->out_cols[i]);
        size_t col = c->out_cols[i];
        rs_col_type stored = rs_table_col_type(c->table, col);
        c->out_types[i] = stored != RS_COL_STR && c->col_type[col] == type_of_column(stored)
                              ? stored   /* e.g. f32 stays f32 */
                              : rs_type_col_type(c->col_type[col], &c->spec->values);
    }
    for (size_t i = 0; i < c->spec->rename.n; i++) {
        const char *item = c->spec->rename.items[i], *new_name;
        char old_name[1024];
        if (split_item(item, '=', 0, old_name, sizeof old_name, &new_name) < 0 || !*new_name)
            return rs_error_set(err, RS_EUSAGE, NULL, 0,
                                "invalid --rename '%s' (expected OLD=NEW)", item);
        size_t col, k = 0;
        if (find_col(c, old_name, "--rename", &col, err))
            return err->code;
        while (k < c->n_out && c->out_cols[k] != col)
            k++;
        if (k == c->n_out)
            return rs_error_set(err, RS_EUSAGE, NULL, 0,
                                "--rename %s: column '%s' is not in the output (see --select)", item,
                                old_name);
        for (; k < c->n_out; k++)
            if (c->out_cols[k] == col)
                c->out_names[k] = (char *)new_name;
    }
    return RS_OK;
}

static rs_status setup_dedupe(cleaner *c, rs_error *err)
{
    if (!c->spec->dedupe)
        return RS_OK;
    c->n_dedupe_cols = c->spec->dedupe_cols.n;
    if (!(c->dedupe_cols = alloc_zero(c->n_dedupe_cols, sizeof *c->dedupe_cols)) ||
        !(c->seen = rs_keyset_new()))
        return rs_error_nomem(err);
    for (size_t i = 0; i < c->n_dedupe_cols; i++)
        if (find_col(c, c->spec->dedupe_cols.items[i], "--dedupe", &c->dedupe_cols[i], err))
            return err->code;
    return RS_OK;
}

/* a -> b and b -> c: every alias points at the id at the end of its chain,
 * so one customer is one id; a chain that comes back to itself is an error
 * naming it (it would swap ids silently). */
static rs_status resolve_chains(cleaner *c, const char *path, rs_error *err)
{
    int32_t n = rs_idmap_size(c->alias_ids);
    for (int32_t a = 0; a < n; a++) {
        int32_t target = c->alias_target[a];
        size_t first_len;
        const char *first = rs_idmap_key(c->canonical_ids, target, &first_len);
        for (int32_t hops = 0;; hops++) {
            size_t len, alias_len;
            const char *key = rs_idmap_key(c->canonical_ids, target, &len);
            int32_t next = rs_idmap_find(c->alias_ids, key, len);
            if (next < 0)
                break;
            if (next == a || hops > n) {
                const char *alias = rs_idmap_key(c->alias_ids, a, &alias_len);
                return rs_error_set(err, RS_EDATA, path, 0,
                                    "--id-map: alias '%.*s' -> '%.*s' -> ... %s (a cycle: every id in it is ambiguous)",
                                    (int)alias_len, alias, (int)first_len, first,
                                    next == a ? "leads back to it" : "never reaches an id that is not an alias");
            }
            target = c->alias_target[next];
        }
        c->alias_target[a] = target;
    }
    return RS_OK;
}

/* --id-map FILE: a CSV whose first two columns are alias and canonical id. */
static rs_status load_id_map(cleaner *c, rs_error *err)
{
    const rs_clean_spec *spec = c->spec;
    if (!spec->id_map_path)
        return RS_OK;
    if (!spec->id_col)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--id-map needs --id-col COL");
    if (find_col(c, spec->id_col, "--id-col", &c->id_col, err))
        return err->code;
    rs_table_options opt = {.csv = {.delim = ","}};
    rs_table *map = rs_table_open(spec->id_map_path, &opt, err);
    if (!map)
        return err->code;
    rs_status st = RS_OK;
    if (rs_table_n_cols(map) < 2) {
        st = rs_error_set(err, RS_EDATA, spec->id_map_path, 1,
                          "expected two columns: alias,id");
        goto done;
    }
    c->alias_ids = rs_idmap_new();
    c->canonical_ids = rs_idmap_new();
    size_t cap = 1024;
    c->alias_target = malloc(cap * sizeof *c->alias_target);
    if (!c->alias_ids || !c->canonical_ids || !c->alias_target) {
        st = rs_error_nomem(err);
        goto done;
    }
    rs_record rec;
    int got;
    while ((got = rs_table_next(map, &rec, err)) > 0) {
        if ((st = rs_table_check_width(map, &rec, err)))
            goto done;
        const rs_field *alias = &rec.fields[0], *id = &rec.fields[1];
        if (alias->len == 0 || id->len == 0) {
            st = rs_error_set(err, RS_EDATA, spec->id_map_path, rec.line, "empty alias or id");
            goto done;
        }
        int added;
        int32_t target = rs_idmap_intern(c->canonical_ids, id->ptr, id->len, NULL);
        int32_t a = rs_idmap_intern(c->alias_ids, alias->ptr, alias->len, &added);
        if (target < 0 || a < 0) {
            st = rs_error_nomem(err);
            goto done;
        }
        if ((size_t)a >= cap) {
            int32_t *t = realloc(c->alias_target, cap * 2 * sizeof *t);
            if (!t) {
                st = rs_error_nomem(err);
                goto done;
            }
            c->alias_target = t;
            cap *= 2;
        }
        if (!added && c->alias_target[a] != target) {
            size_t old_len;
            const char *old = rs_idmap_key(c->canonical_ids, c->alias_target[a], &old_len);
            st = rs_error_set(err, RS_EDATA, spec->id_map_path, rec.line,
                              "alias '%.*s' maps to both '%.*s' and '%.*s'", (int)alias->len,
                              alias->ptr, (int)old_len, old, (int)id->len, id->ptr);
            goto done;
        }
        c->alias_target[a] = target;
        c->inserts_special |= clean_text_needs_quoting(id->ptr, id->len);
        if (id->len > c->max_extra)
            c->max_extra = id->len;
    }
    if (got < 0)
        st = err->code;
    if (st == RS_OK)
        st = resolve_chains(c, spec->id_map_path, err);
    c->has_id_map = 1;
    char reason[1100];
    snprintf(reason, sizeof reason, "id-map-strict %s", spec->id_col);
    if (st == RS_OK && spec->id_map_strict && (c->reason_id_strict = rs_clean_reason(c, reason, 1)) < 0)
        st = rs_error_nomem(err);
done:
    rs_table_free(map);
    return st;
}

rs_status rs_clean_setup(cleaner *c, rs_error *err)
{
    c->n_cols = rs_table_n_cols(c->table);
    c->input_name = rs_table_name(c->table);
    size_t n = c->n_cols;
    c->col_type = alloc_zero(n, sizeof *c->col_type);
    c->col_lower = alloc_zero(n, 1);
    c->col_require = alloc_zero(n, 1);
    c->reason_require = alloc_zero(n, sizeof(int));
    c->reason_type = alloc_zero(n, sizeof(int));
    c->work = alloc_zero(n, sizeof *c->work);
    c->number = alloc_zero(n, sizeof *c->number);
    c->reasons = rs_idmap_new();
    if (!c->col_type || !c->col_lower || !c->col_require || !c->reason_require ||
        !c->reason_type || !c->work || !c->number || !c->reasons)
        return rs_error_nomem(err);
    /* columns read from rsf keep their stored type unless --schema says otherwise */
    for (size_t col = 0; col < n; col++)
        c->col_type[col] = type_of_column(rs_table_col_type(c->table, col));
    if (setup_schema(c, err) || setup_require(c, err) ||
        setup_flags(c, &c->spec->lower, "--lower", c->col_lower, &c->any_lower, err) ||
        load_id_map(c, err) || setup_fills(c, err) || setup_filters(c, err) ||
        setup_outliers(c, err) || setup_output(c, err) || setup_dedupe(c, err))
        return err->code;
    for (size_t i = 0; i < c->n_fills; i++)
        if (c->fills[i].kind == FILL_VALUE && c->fills[i].text_len > c->max_extra)
            c->max_extra = c->fills[i].text_len;
    if ((c->reason_nul = rs_clean_reason(c, "NUL byte", 1)) < 0 ||
        (c->reason_dup = rs_clean_reason(c, "duplicate", 0)) < 0)
        return rs_error_nomem(err);
    c->filters_only = !c->spec->trim && !c->any_lower && !c->has_id_map && !c->any_require &&
                      c->n_fills == 0 && !c->any_typed && c->n_outliers == 0 && !c->seen;
    return RS_OK;
}

static void sample_free(column_sample *s)
{
    free(s->values);
    rs_idmap_free(s->texts);
    free(s->counts);
}

void rs_clean_teardown(cleaner *c)
{
    for (size_t i = 0; c->fills && i < c->n_fills; i++) {
        free(c->fills[i].text);
        sample_free(&c->fills[i].sample);
    }
    for (size_t i = 0; c->filters && i < c->n_filters; i++)
        rs_expr_free(&c->filters[i].expr);
    for (size_t i = 0; c->outliers && i < c->n_outliers; i++)
        sample_free(&c->outliers[i].sample);
    free(c->fills);
    free(c->filters);
    free(c->outliers);
    free(c->col_type);
    free(c->col_lower);
    free(c->col_require);
    free(c->reason_require);
    free(c->reason_type);
    free(c->out_cols);
    free(c->out_names);
    free(c->out_types);
    free(c->out_fields);
    free(c->dedupe_cols);
    rs_keyset_free(c->seen);
    rs_idmap_free(c->alias_ids);
    rs_idmap_free(c->canonical_ids);
    free(c->alias_target);
    rs_idmap_free(c->reasons);
    free(c->reason_counts);
    free(c->reason_is_fault);
    free(c->work);
    free(c->number);
    free(c->arena);
    free(c->scratch);
}

/* ---- statistics, between the first pass and the others ---- */

static rs_status fill_value_from_stats(cleaner *c, fill_rule *f, rs_error *err)
{
    column_sample *s = &f->sample;
    char buf[RS_VALUE_BUF];
    size_t len = 0;
    const char *text = buf;
    const char *name = rs_table_col_name(c->table, f->col);
    if (f->kind == FILL_MODE) {
        int32_t best = -1;
        size_t best_len = 0;
        const char *best_text = NULL;
        for (int32_t i = 0; i < rs_idmap_size(s->texts); i++) {
            size_t l;
            const char *t = rs_idmap_key(s->texts, i, &l);
            int cmp = 0;
            if (best >= 0 && s->counts[i] == s->counts[best]) {
                size_t m = l < best_len ? l : best_len;
                cmp = memcmp(t, best_text, m);
                if (cmp == 0)
                    cmp = (l > best_len) - (l < best_len);
            }
            if (best < 0 || s->counts[i] > s->counts[best] || (s->counts[i] == s->counts[best] && cmp < 0))
                best = i, best_text = t, best_len = l;
        }
        if (best >= 0)
            text = best_text, len = best_len;
    } else if (s->n) {
        double v;
        if (f->kind == FILL_MEAN) {
            v = rs_mean(s->values, s->n);
        } else {
            rs_sort_doubles(s->values, s->n);
            v = rs_quantile_sorted(s->values, s->n, 0.5);
        }
        len = rs_value_format_number(c->col_type[f->col], &c->spec->values, v, buf);
    }
    if (len == 0) {
        rs_warn(c->input_name, 0, "--fill %s: no values to compute it from; cells stay empty", name);
        f->ready = 0;
        return RS_OK;
    }
    if (!(f->text = malloc(len)))
        return rs_error_nomem(err);
    memcpy(f->text, text, len);
    f->text_len = len;
    f->ready = 1;
    c->inserts_special |= clean_text_needs_quoting(text, len);
    if (len > c->max_extra)
        c->max_extra = len;
    return RS_OK;
}

static void outlier_bounds(cleaner *c, outlier_rule *o, rs_error *err)
{
    column_sample *s = &o->sample;
    o->lo = -INFINITY;
    o->hi = INFINITY;
    if (s->n == 0)
        return;
    rs_sort_doubles(s->values, s->n);
    const char *name = rs_table_col_name(c->table, o->col);
    if (o->method == OUTLIER_IQR) {
        double q1 = rs_quantile_sorted(s->values, s->n, 0.25);
        double q3 = rs_quantile_sorted(s->values, s->n, 0.75);
        o->lo = q1 - o->k * (q3 - q1);
        o->hi = q3 + o->k * (q3 - q1);
    } else if (o->method == OUTLIER_ZSCORE) {
        double mean = rs_mean(s->values, s->n), sd = rs_sd(s->values, s->n);
        o->lo = mean - o->k * sd;
        o->hi = mean + o->k * sd;
    } else {
        double median = rs_quantile_sorted(s->values, s->n, 0.5);
        double *scratch = malloc(s->n * sizeof *scratch);
        if (!scratch) {
            rs_error_nomem(err);
            return;
        }
        /* Iglewicz-Hoaglin: |0.6745 (x - median) / MAD| > K */
        double mad = rs_mad(s->values, s->n, median, scratch);
        free(scratch);
        if (mad == 0) {
            rs_warn(c->input_name, 0, "--outliers %s:mad: the MAD is 0, so no value is flagged", name);
            return;
        }
        o->lo = median - o->k * mad / 0.6745;
        o->hi = median + o->k * mad / 0.6745;
    }
}

rs_status rs_clean_finish_stats(cleaner *c, rs_error *err)
{
    rs_error_clear(err);
    for (size_t i = 0; i < c->n_fills; i++)
        if (c->fills[i].kind != FILL_VALUE && fill_value_from_stats(c, &c->fills[i], err))
            return err->code;
    for (size_t i = 0; i < c->n_outliers; i++) {
        outlier_bounds(c, &c->outliers[i], err);
        if (err->code)
            return err->code;
    }
    return RS_OK;
}
