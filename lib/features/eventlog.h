/* eventlog.h — reading an event log: one row per event (an order line, a
 * view, a cart add, a rating) with columns chosen by name.
 *
 * Canonical columns: user, item, value, qty, ts, event, channel, order.
 * user and ts are required; the others are used when present.  A name set
 * explicitly (--item-col X) must exist; a default name that is absent just
 * leaves the column out.  Without an event column every row is a purchase
 * (an order line). */
#ifndef RS_EVENTLOG_H
#define RS_EVENTLOG_H

#include "idmap.h"
#include "io/table.h"

#include <stdint.h>

enum { RS_EV_USER, RS_EV_ITEM, RS_EV_VALUE, RS_EV_QTY, RS_EV_TS, RS_EV_EVENT, RS_EV_CHANNEL,
       RS_EV_ORDER, RS_EV_N_COLS };

typedef struct {
    const char *names[RS_EV_N_COLS];   /* NULL: the default name */
    const char *time_format;
    const char *purchase_event;        /* default "purchase" */
    const char *view_event;            /* default "view" */
} rs_eventlog_options;

typedef struct {
    int32_t user, item;       /* indices in rs_eventlog_users/items (item -1 without the column) */
    double value;             /* NaN when absent or empty */
    double qty;               /* 1 when absent or empty */
    int64_t ts;
    int32_t event, channel;   /* indices, -1 without the column */
    const char *order;        /* the order id's bytes (valid until the next event), or NULL */
    size_t order_len;
    int is_purchase, is_view;
    long line;
} rs_event;

typedef struct rs_eventlog rs_eventlog;

rs_eventlog *rs_eventlog_open(const char *path, const rs_table_options *table,
                              const rs_eventlog_options *opt, rs_error *err);
void rs_eventlog_free(rs_eventlog *log);
/* 1 an event, 0 end, -1 error (bad time or number, ragged row). */
int rs_eventlog_next(rs_eventlog *log, rs_event *ev, rs_error *err);

int rs_eventlog_has(const rs_eventlog *log, int col);
/* The input's name of a canonical column (e.g. "CustomerID" for user). */
const char *rs_eventlog_col_name(const rs_eventlog *log, int col);
const char *rs_eventlog_name(const rs_eventlog *log);
rs_idmap *rs_eventlog_users(rs_eventlog *log);
rs_idmap *rs_eventlog_items(rs_eventlog *log);
rs_idmap *rs_eventlog_events(rs_eventlog *log);
rs_idmap *rs_eventlog_channels(rs_eventlog *log);

#endif
