#include "features/eventlog.h"

#include "num.h"
#include "timeparse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const default_names[RS_EV_N_COLS] = {"user", "item", "value", "qty",
                                                        "ts", "event", "channel", "order"};
static const char *const option_names[RS_EV_N_COLS] = {
    "--user-col", "--item-col", "--value-col", "--qty-col",
    "--time-col", "--event-col", "--channel-col", "--order-col"};

struct rs_eventlog {
    rs_table *table;
    rs_eventlog_options opt;
    size_t col[RS_EV_N_COLS];
    int has[RS_EV_N_COLS];
    rs_idmap *users, *items, *events, *channels;
    int32_t purchase_idx, view_idx;   /* -1 until seen */
};

static rs_status resolve(rs_eventlog *log, rs_error *err)
{
    for (int c = 0; c < RS_EV_N_COLS; c++) {
        const char *name = log->opt.names[c] ? log->opt.names[c] : default_names[c];
        int required = log->opt.names[c] || c == RS_EV_USER || c == RS_EV_TS;
        size_t col;
        rs_status st = rs_table_find_col(log->table, name, option_names[c], &col, err);
        if (st == RS_OK) {
            log->col[c] = col;
            log->has[c] = 1;
        } else if (required) {
            return st;
        }
    }
    rs_error_clear(err);
    return RS_OK;
}

rs_eventlog *rs_eventlog_open(const char *path, const rs_table_options *table,
                              const rs_eventlog_options *opt, rs_error *err)
{
    rs_eventlog *log = calloc(1, sizeof *log);
    if (!log) {
        rs_error_nomem(err);
        return NULL;
    }
    log->opt = *opt;
    if (!log->opt.purchase_event)
        log->opt.purchase_event = "purchase";
    if (!log->opt.view_event)
        log->opt.view_event = "view";
    log->purchase_idx = log->view_idx = -1;
    if (!(log->table = rs_table_open(path, table, err)) || resolve(log, err))
        goto fail;
    if (!(log->users = rs_idmap_new()) || !(log->items = rs_idmap_new()) ||
        !(log->events = rs_idmap_new()) || !(log->channels = rs_idmap_new())) {
        rs_error_nomem(err);
        goto fail;
    }
    return log;
fail:
    rs_eventlog_free(log);
    return NULL;
}

void rs_eventlog_free(rs_eventlog *log)
{
    if (!log)
        return;
    rs_table_free(log->table);
    rs_idmap_free(log->users);
    rs_idmap_free(log->items);
    rs_idmap_free(log->events);
    rs_idmap_free(log->channels);
    free(log);
}

static rs_status bad_field(rs_eventlog *log, const rs_record *rec, int c, const char *what, rs_error *err)
{
    return rs_table_bad_field(log->table, rec, log->col[c], what, err);
}

static int32_t intern(rs_idmap *map, const rs_field *f, rs_error *err)
{
    int32_t idx = rs_idmap_intern(map, f->ptr, f->len, NULL);
    if (idx < 0)
        rs_error_nomem(err);
    return idx;
}

static int is_named(const rs_field *f, const char *name)
{
    return f->len == strlen(name) && memcmp(f->ptr, name, f->len) == 0;
}

int rs_eventlog_next(rs_eventlog *log, rs_event *ev, rs_error *err)
{
    rs_record rec;
    int got = rs_table_next(log->table, &rec, err);
    if (got <= 0)
        return got;
    if (rs_table_check_width(log->table, &rec, err))
        return -1;
    const rs_field *f = rec.fields;
    memset(ev, 0, sizeof *ev);
    ev->line = rec.line;
    ev->value = NAN;
    ev->qty = 1;
    ev->item = ev->event = ev->channel = -1;
    const rs_field *ts = &f[log->col[RS_EV_TS]];
    int rc = rs_time_parse(ts->ptr, ts->len, log->opt.time_format, &ev->ts);
    if (rc < 0) {
        bad_field(log, &rec, RS_EV_TS, rs_time_expected(rc, "a time (epoch seconds or ISO 8601)"), err);
        return -1;
    }
    if ((ev->user = intern(log->users, &f[log->col[RS_EV_USER]], err)) < 0)
        return -1;
    if (log->has[RS_EV_ITEM] && (ev->item = intern(log->items, &f[log->col[RS_EV_ITEM]], err)) < 0)
        return -1;
    const rs_field *v = log->has[RS_EV_VALUE] ? &f[log->col[RS_EV_VALUE]] : NULL;
    if (v && v->len && rs_parse_f64(v->ptr, v->len, &ev->value) < 0) {
        bad_field(log, &rec, RS_EV_VALUE, "a number", err);
        return -1;
    }
    const rs_field *q = log->has[RS_EV_QTY] ? &f[log->col[RS_EV_QTY]] : NULL;
    if (q && q->len && rs_parse_f64(q->ptr, q->len, &ev->qty) < 0) {
        bad_field(log, &rec, RS_EV_QTY, "a number", err);
        return -1;
    }
    if (log->has[RS_EV_EVENT]) {
        const rs_field *e = &f[log->col[RS_EV_EVENT]];
        if ((ev->event = intern(log->events, e, err)) < 0)
            return -1;
        if (log->purchase_idx < 0 && is_named(e, log->opt.purchase_event))
            log->purchase_idx = ev->event;
        if (log->view_idx < 0 && is_named(e, log->opt.view_event))
            log->view_idx = ev->event;
        ev->is_purchase = ev->event == log->purchase_idx;
        ev->is_view = ev->event == log->view_idx;
    } else {
        ev->is_purchase = 1;
    }
    if (log->has[RS_EV_CHANNEL] && (ev->channel = intern(log->channels, &f[log->col[RS_EV_CHANNEL]], err)) < 0)
        return -1;
    if (log->has[RS_EV_ORDER]) {
        ev->order = f[log->col[RS_EV_ORDER]].ptr;
        ev->order_len = f[log->col[RS_EV_ORDER]].len;
    }
    return 1;
}

int rs_eventlog_has(const rs_eventlog *log, int col) { return log->has[col]; }
const char *rs_eventlog_col_name(const rs_eventlog *log, int col)
{
    return log->has[col] ? rs_table_col_name(log->table, log->col[col]) : default_names[col];
}
const char *rs_eventlog_name(const rs_eventlog *log) { return rs_table_name(log->table); }
rs_idmap *rs_eventlog_users(rs_eventlog *log) { return log->users; }
rs_idmap *rs_eventlog_items(rs_eventlog *log) { return log->items; }
rs_idmap *rs_eventlog_events(rs_eventlog *log) { return log->events; }
rs_idmap *rs_eventlog_channels(rs_eventlog *log) { return log->channels; }
