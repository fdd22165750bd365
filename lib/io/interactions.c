/* interactions.c — see interactions.h. */
#include "io/interactions.h"

#include "io/interactions_fast.h"

#include "mem.h"
#include "num.h"
#include "timeparse.h"

#include <stdlib.h>
#include <string.h>

typedef fast_columns columns;

static rs_status find_columns(const rs_table *t, const rs_interactions_spec *spec, columns *c, rs_error *err)
{
    memset(c, 0, sizeof *c);
    if (rs_table_find_col(t, spec->user_col ? spec->user_col : "user", "--user-col", &c->user, err) ||
        rs_table_find_col(t, spec->item_col ? spec->item_col : "item", "--item-col", &c->item, err))
        return err->code;
    if (spec->value_col || spec->value_required) {
        if (rs_table_find_col(t, spec->value_col ? spec->value_col : "value", "--value-col", &c->value, err))
            return err->code;
        c->has_value = 1;
    } else {
        c->has_value = rs_table_has_col(t, "value", &c->value);
    }
    if (spec->want_time) {
        if (spec->time_col && spec->time_optional) {
            c->has_time = rs_table_has_col(t, spec->time_col, &c->time);
        } else if (spec->time_col) {
            if (rs_table_find_col(t, spec->time_col, "--time-col", &c->time, err))
                return err->code;
            c->has_time = 1;
        } else {
            c->has_time = rs_table_has_col(t, "ts", &c->time);
        }
    }
    if (spec->session_col && rs_table_find_col(t, spec->session_col, "--session-col", &c->session, err))
        return err->code;
    if (spec->basket_col && rs_table_find_col(t, spec->basket_col, "--basket-col", &c->basket, err))
        return err->code;
    c->has_session = spec->session_col != NULL, c->has_basket = spec->basket_col != NULL;
    return RS_OK;
}

static rs_status grow(rs_interactions *x, size_t *cap, rs_error *err)
{
    size_t c1 = *cap, c2 = *cap, c3 = *cap, c4 = *cap, c5 = *cap, c6 = *cap;
    if ((x->sessions && rs_grow((void **)&x->session, &c5, x->n + 1, sizeof *x->session) < 0) ||
        (x->baskets && rs_grow((void **)&x->basket, &c6, x->n + 1, sizeof *x->basket) < 0) ||
        rs_grow((void **)&x->user, &c1, x->n + 1, sizeof *x->user) < 0 ||
        rs_grow((void **)&x->item, &c2, x->n + 1, sizeof *x->item) < 0 ||
        (x->ts && rs_grow((void **)&x->ts, &c3, x->n + 1, sizeof *x->ts) < 0) ||
        (x->has_value && rs_grow((void **)&x->value, &c4, x->n + 1, sizeof *x->value) < 0))
        return rs_error_nomem(err);
    *cap = c1;
    return RS_OK;
}

static int32_t intern_field(rs_idmap *map, const rs_field *f)
{
    int added;
    return rs_idmap_intern(map, f->ptr, f->len, &added);
}

static rs_status add_row(rs_interactions *x, const rs_table *t, const rs_record *rec, const columns *c,
                         const rs_interactions_spec *spec, int add_users, size_t *cap, rs_error *err)
{
    if (rs_table_check_width(t, rec, err) != RS_OK)
        return err->code;
    const rs_field *u = &rec->fields[c->user], *it = &rec->fields[c->item];
    if (u->len == 0)
        return rs_table_bad_field(t, rec, c->user, "a user id", err);
    if (it->len == 0)
        return rs_table_bad_field(t, rec, c->item, "an item id", err);
    int added;
    int32_t item = x->own_items ? rs_idmap_intern(x->items, it->ptr, it->len, &added)
                                : rs_idmap_find(x->items, it->ptr, it->len);
    if (item < 0 && x->own_items)
        return rs_error_nomem(err);
    if (item < 0) {
        x->unknown_items++;
        return RS_OK;
    }
    int32_t user = add_users ? rs_idmap_intern(x->users, u->ptr, u->len, &added)
                             : rs_idmap_find(x->users, u->ptr, u->len);
    if (user < 0 && add_users)
        return rs_error_nomem(err);
    if (user < 0)
        return RS_OK;
    if (x->n == *cap && grow(x, cap, err) != RS_OK)
        return err->code;
    double v = 1;
    if (c->has_value && rs_parse_f64(rec->fields[c->value].ptr, rec->fields[c->value].len, &v) < 0)
        return rs_table_bad_field(t, rec, c->value, "a finite number", err);
    int rc = c->has_time ? rs_time_parse(rec->fields[c->time].ptr, rec->fields[c->time].len, spec->time_format,
                                         &x->ts[x->n]) : 0;
    if (rc < 0)
        return rs_table_bad_field(t, rec, c->time,
                                  rs_time_expected(rc, "a time (epoch seconds, ISO 8601 or --time-format)"), err);
    if (c->has_session && rec->fields[c->session].len == 0)
        return rs_table_bad_field(t, rec, c->session, "a session id", err);
    if (c->has_basket && rec->fields[c->basket].len == 0)
        return rs_table_bad_field(t, rec, c->basket, "a basket id", err);
    if (c->has_session && (x->session[x->n] = intern_field(x->sessions, &rec->fields[c->session])) < 0)
        return rs_error_nomem(err);
    if (c->has_basket && (x->basket[x->n] = intern_field(x->baskets, &rec->fields[c->basket])) < 0)
        return rs_error_nomem(err);
    x->user[x->n] = user;
    x->item[x->n] = item;
    if (x->has_value)
        x->value[x->n] = (float)v;
    x->n++;
    return RS_OK;
}

static rs_status load(rs_interactions *x, const char *path, const rs_table_options *opt,
                      const rs_interactions_spec *spec, int add_users, rs_error *err)
{
    rs_table *t = rs_table_open(path, opt, err);
    if (!t)
        return err->code;
    columns c;
    size_t cap = 0;
    rs_status st = find_columns(t, spec, &c, err);
    x->has_value = c.has_value;
    if (st == RS_OK && c.has_session && !(x->sessions = rs_idmap_new()))
        st = rs_error_nomem(err);
    if (st == RS_OK && c.has_basket && !(x->baskets = rs_idmap_new()))
        st = rs_error_nomem(err);
    if (st == RS_OK && !c.has_session && !c.has_basket && x->own_users && x->own_items && rs_interactions_fast_can_read(path, opt, t)) {
        /* a regular file: read on -j threads (gives up on what it does not take) */
        fast_rows rows = {0};
        int done = rs_interactions_read_fast(&rows, x->users, x->items, path, opt, t, &c, spec->time_format,
                                             spec->threads, err);
        x->n = rows.n, x->user = rows.user, x->item = rows.item, x->value = rows.value, x->ts = rows.ts;
        if (done != 0) {
            rs_table_free(t);
            return done < 0 ? err->code : RS_OK;
        }
        rs_table_free(t);
        if (!(t = rs_table_open(path, opt, err)))
            return err->code;
    }
    if (st == RS_OK && c.has_time && !(x->ts = malloc(sizeof *x->ts)))
        st = rs_error_nomem(err);
    rs_record rec;
    int got = 0;
    while (st == RS_OK && (got = rs_table_next(t, &rec, err)) == 1)
        st = add_row(x, t, &rec, &c, spec, add_users, &cap, err);
    if (st == RS_OK && got < 0)
        st = err->code;
    rs_table_free(t);
    return st;
}

rs_interactions *rs_interactions_load(const char *path, const rs_table_options *opt,
                                      const rs_interactions_spec *spec, rs_idmap *users, int add_users,
                                      rs_idmap *items, rs_error *err)
{
    rs_interactions *x = calloc(1, sizeof *x);
    if (!x) {
        rs_error_nomem(err);
        return NULL;
    }
    x->own_users = users == NULL, x->own_items = items == NULL;
    x->users = users ? users : rs_idmap_new();
    x->items = items ? items : rs_idmap_new();
    if (!x->users || !x->items) {
        rs_error_nomem(err);
        rs_interactions_free(x);
        return NULL;
    }
    if (load(x, path, opt, spec, users ? add_users : 1, err) != RS_OK) {
        rs_interactions_free(x);
        return NULL;
    }
    return x;
}

void rs_interactions_free(rs_interactions *x)
{
    if (!x)
        return;
    if (x->own_users)
        rs_idmap_free(x->users);
    if (x->own_items)
        rs_idmap_free(x->items);
    free(x->user), free(x->item), free(x->value), free(x->ts);
    free(x->session), free(x->basket);
    rs_idmap_free(x->sessions);
    rs_idmap_free(x->baskets);
    free(x);
}
