/* aggregates.c — rs-features users / items / label: one streaming pass over
 * the event log, accumulators per user or item, distinct counts through
 * 128-bit keysets keyed by (index, bytes). */
#include "features/aggregates.h"

#include "features/features_out.h"
#include "keyset.h"
#include "mem.h"
#include "timeparse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400.0
static const char *const weekday_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* Add (idx, bytes) to a keyset; 1 when new, 0 when seen, -1 out of memory. */
static int first_time(rs_keyset *set, int32_t idx, const void *bytes, size_t len, char *scratch)
{
    memcpy(scratch, &idx, 4);
    memcpy(scratch + 4, bytes, len);
    int added;
    return rs_keyset_upsert(set, scratch, len + 4, 0, &added) ? added : -1;
}

/* Count per (idx, category) in a keyset. */
static int count_pair(rs_keyset *set, int32_t idx, int32_t category)
{
    int32_t key[2] = {idx, category};
    int added;
    int64_t *v = rs_keyset_upsert(set, key, sizeof key, 0, &added);
    if (!v)
        return -1;
    ++*v;
    return 0;
}

static double pair_count(rs_keyset *set, int32_t idx, int32_t category)
{
    int32_t key[2] = {idx, category};
    int64_t *v = rs_keyset_find(set, key, sizeof key);
    return v ? (double)*v : 0;
}

static int64_t day_of(int64_t ts)
{
    return ts >= 0 ? ts / 86400 : -((-ts + 86399) / 86400);
}

/* ---- users ---- */

typedef struct {
    int64_t first_ts, last_ts, last_purchase_ts;
    double events, purchases, views, monetary, value_sum, value_sumsq, value_n;
    double orders, active_days, distinct_items;
    float hour[24], weekday[7];
    int seen;
} user_acc;

typedef struct {
    const rs_features_spec *spec;
    rs_eventlog *log;
    user_acc *users;            /* (n_users) */
    size_t users_cap;
    double *win;                /* (n_users x n_windows x 3): events, orders, spend */
    size_t win_cap;
    rs_keyset *orders, *days, *items, *types, *channels;
    rs_keyset **win_orders;     /* (n_windows) */
    unsigned char *type_used, *channel_used;   /* seen at or before --asof */
    size_t type_cap, channel_cap;
    char scratch[1 << 16];
} user_agg;

/* Mark category idx as seen at or before --asof: only those become columns,
 * so an event after --asof cannot even add a column. */
static int mark_used(unsigned char **used, size_t *cap, int32_t idx)
{
    size_t old = *cap;
    if (rs_grow((void **)used, cap, (size_t)idx + 1, 1) < 0)
        return -1;
    memset(*used + old, 0, *cap - old);
    (*used)[idx] = 1;
    return 0;
}

static int is_used(const unsigned char *used, size_t cap, int32_t idx)
{
    return (size_t)idx < cap && used[idx];
}

static rs_status grow_users(user_agg *a, int32_t user, rs_error *err)
{
    size_t old = a->users_cap, nw = a->spec->n_windows;
    if (rs_grow((void **)&a->users, &a->users_cap, (size_t)user + 1, sizeof *a->users) < 0)
        return rs_error_nomem(err);
    memset(a->users + old, 0, (a->users_cap - old) * sizeof *a->users);
    size_t win_old = a->win_cap;
    if (nw && rs_grow((void **)&a->win, &a->win_cap, a->users_cap * nw * 3, sizeof *a->win) < 0)
        return rs_error_nomem(err);
    if (nw)
        memset(a->win + win_old, 0, (a->win_cap - win_old) * sizeof *a->win);
    return RS_OK;
}

/* The order an event belongs to: its order id, or (without an order
 * column) the event itself, named by its line held in *line. */
static void order_key(const rs_event *ev, long *line, const void **bytes, size_t *len)
{
    *line = ev->line;
    *bytes = ev->order ? (const void *)ev->order : (const void *)line;
    *len = ev->order ? ev->order_len : sizeof *line;
}

static rs_status add_user_event(user_agg *a, const rs_event *ev, rs_error *err)
{
    if ((size_t)ev->user >= a->users_cap && grow_users(a, ev->user, err))
        return err->code;
    user_acc *u = &a->users[ev->user];
    if (!u->seen || ev->ts < u->first_ts)
        u->first_ts = ev->ts;
    if (!u->seen || ev->ts > u->last_ts)
        u->last_ts = ev->ts;
    u->seen = 1;
    u->events++;
    u->views += ev->is_view;
    int64_t day = day_of(ev->ts);
    if (ev->order_len > sizeof a->scratch - 8)
        return rs_error_set(err, RS_EDATA, rs_eventlog_name(a->log), ev->line, "order id too long");
    int nomem = 0, r;
    if ((r = first_time(a->days, ev->user, &day, sizeof day, a->scratch)) < 0)
        nomem = 1;
    u->active_days += r > 0;
    if (ev->item >= 0) {
        if ((r = first_time(a->items, ev->user, &ev->item, sizeof ev->item, a->scratch)) < 0)
            nomem = 1;
        u->distinct_items += r > 0;
    }
    if (ev->event >= 0 && (count_pair(a->types, ev->user, ev->event) < 0 ||
                           mark_used(&a->type_used, &a->type_cap, ev->event) < 0))
        nomem = 1;
    if (ev->channel >= 0 && (count_pair(a->channels, ev->user, ev->channel) < 0 ||
                             mark_used(&a->channel_used, &a->channel_cap, ev->channel) < 0))
        nomem = 1;
    if (!isnan(ev->value)) {
        u->value_sum += ev->value;
        u->value_sumsq += ev->value * ev->value;
        u->value_n++;
    }
    int64_t secs = ev->ts - day * 86400;
    u->hour[secs / 3600]++;
    u->weekday[(day % 7 + 7 + 3) % 7]++;   /* 1970-01-01 was a Thursday */
    const void *ok;
    size_t ok_len;
    long line;
    order_key(ev, &line, &ok, &ok_len);
    double spend = isnan(ev->value) ? 0 : ev->value * ev->qty;
    int new_order = 0;
    if (ev->is_purchase) {
        u->purchases++;
        u->monetary += spend;
        if (u->purchases == 1 || ev->ts > u->last_purchase_ts)
            u->last_purchase_ts = ev->ts;
        if ((new_order = first_time(a->orders, ev->user, ok, ok_len, a->scratch)) < 0)
            nomem = 1;
        u->orders += new_order > 0;
    }
    for (size_t w = 0; w < a->spec->n_windows; w++) {
        if (ev->ts <= a->spec->asof - a->spec->windows[w])
            continue;
        double *win = a->win + ((size_t)ev->user * a->spec->n_windows + w) * 3;
        win[0]++;
        if (ev->is_purchase) {
            if ((r = first_time(a->win_orders[w], ev->user, ok, ok_len, a->scratch)) < 0)
                nomem = 1;
            win[1] += r > 0;
            win[2] += spend;
        }
    }
    return nomem ? rs_error_nomem(err) : RS_OK;
}

static rs_status user_columns(user_agg *a, feature_table *t, rs_error *err)
{
    rs_eventlog *log = a->log;
    int has_value = rs_eventlog_has(log, RS_EV_VALUE), has_item = rs_eventlog_has(log, RS_EV_ITEM);
    int has_event = rs_eventlog_has(log, RS_EV_EVENT);
    const char *id = rs_eventlog_col_name(log, RS_EV_USER);
    int bad = rs_strlist_push(&t->names, id) | rs_feature_name_add(t, "events", "", 0, "") |
              rs_feature_name_add(t, "purchases", "", 0, "") | rs_feature_name_add(t, "orders", "", 0, "") |
              rs_feature_name_add(t, "active_days", "", 0, "");
    if (has_item)
        bad |= rs_feature_name_add(t, "distinct_items", "", 0, "");
    if (has_value)
        bad |= rs_feature_name_add(t, "monetary", "", 0, "") | rs_feature_name_add(t, "mean_basket", "", 0, "") |
               rs_feature_name_add(t, "value_mean", "", 0, "") | rs_feature_name_add(t, "value_std", "", 0, "");
    bad |= rs_feature_name_add(t, "recency_days", "", 0, "") |
           rs_feature_name_add(t, "recency_purchase_days", "", 0, "") | rs_feature_name_add(t, "tenure_days", "", 0, "");
    if (has_event)
        bad |= rs_feature_name_add(t, "conversion_rate", "", 0, "");
    rs_idmap *types = rs_eventlog_events(log), *channels = rs_eventlog_channels(log);
    for (int32_t k = 0; k < rs_idmap_size(types); k++) {
        if (!is_used(a->type_used, a->type_cap, k))
            continue;
        size_t len;
        const char *name = rs_idmap_key(types, k, &len);
        bad |= rs_feature_name_add(t, "event_", name, len, "_count") |
               rs_feature_name_add(t, "event_", name, len, "_share");
    }
    for (int32_t k = 0; k < rs_idmap_size(channels); k++) {
        if (!is_used(a->channel_used, a->channel_cap, k))
            continue;
        size_t len;
        const char *name = rs_idmap_key(channels, k, &len);
        bad |= rs_feature_name_add(t, "channel_", name, len, "_count") |
               rs_feature_name_add(t, "channel_", name, len, "_share");
    }
    for (size_t w = 0; w < a->spec->n_windows; w++) {
        const char *wn = a->spec->window_names[w];
        bad |= rs_feature_name_add(t, "events_", wn, strlen(wn), "") |
               rs_feature_name_add(t, "orders_", wn, strlen(wn), "");
        if (has_value)
            bad |= rs_feature_name_add(t, "spend_", wn, strlen(wn), "");
    }
    for (int h = 0; h < 24; h++) {
        char hh[3] = {(char)('0' + h / 10), (char)('0' + h % 10), 0};
        bad |= rs_feature_name_add(t, "hour_", hh, 2, "_share");
    }
    for (int d = 0; d < 7; d++)
        bad |= rs_feature_name_add(t, "weekday_", weekday_names[d], 3, "_share");
    return bad ? rs_error_nomem(err) : RS_OK;
}

/* The features of one user; 0 for a user seen only after --asof. */
static int user_row(void *ctx, int32_t user, float *row)
{
    user_agg *a = ctx;
    if ((size_t)user >= a->users_cap || !a->users[user].seen)
        return 0;
    const user_acc *u = &a->users[user];
    rs_eventlog *log = a->log;
    int64_t asof = a->spec->asof;
    size_t k = 0;
    row[k++] = (float)u->events;
    row[k++] = (float)u->purchases;
    row[k++] = (float)u->orders;
    row[k++] = (float)u->active_days;
    if (rs_eventlog_has(log, RS_EV_ITEM))
        row[k++] = (float)u->distinct_items;
    if (rs_eventlog_has(log, RS_EV_VALUE)) {
        double mean = u->value_n ? u->value_sum / u->value_n : NAN;
        double var = u->value_n > 1 ? (u->value_sumsq - u->value_n * mean * mean) / (u->value_n - 1) : 0;
        row[k++] = (float)u->monetary;
        row[k++] = u->orders ? (float)(u->monetary / u->orders) : NAN;
        row[k++] = (float)mean;
        row[k++] = u->value_n ? (float)sqrt(var > 0 ? var : 0) : NAN;
    }
    row[k++] = (float)((double)(asof - u->last_ts) / DAY);
    row[k++] = u->purchases ? (float)((double)(asof - u->last_purchase_ts) / DAY) : NAN;
    row[k++] = (float)((double)(asof - u->first_ts) / DAY);
    if (rs_eventlog_has(log, RS_EV_EVENT))
        row[k++] = u->views ? (float)(u->purchases / u->views) : NAN;
    for (int32_t c = 0; c < rs_idmap_size(rs_eventlog_events(log)); c++) {
        if (!is_used(a->type_used, a->type_cap, c))
            continue;
        double n = pair_count(a->types, user, c);
        row[k++] = (float)n;
        row[k++] = (float)(n / u->events);
    }
    for (int32_t c = 0; c < rs_idmap_size(rs_eventlog_channels(log)); c++) {
        if (!is_used(a->channel_used, a->channel_cap, c))
            continue;
        double n = pair_count(a->channels, user, c);
        row[k++] = (float)n;
        row[k++] = (float)(n / u->events);
    }
    for (size_t w = 0; w < a->spec->n_windows; w++) {
        const double *win = a->win + ((size_t)user * a->spec->n_windows + w) * 3;
        row[k++] = (float)win[0];
        row[k++] = (float)win[1];
        if (rs_eventlog_has(log, RS_EV_VALUE))
            row[k++] = (float)win[2];
    }
    for (int h = 0; h < 24; h++)
        row[k++] = (float)(u->hour[h] / u->events);
    for (int d = 0; d < 7; d++)
        row[k++] = (float)(u->weekday[d] / u->events);
    return 1;
}

/* Read the whole log, keeping what is at or before --asof. */
typedef rs_status (*add_event_fn)(void *agg, const rs_event *ev, rs_error *err);

static rs_status read_log(rs_eventlog *log, const rs_features_spec *spec, void *agg, add_event_fn add,
                          add_event_fn add_after, rs_features_report *report, rs_error *err)
{
    rs_event ev;
    int got;
    while ((got = rs_eventlog_next(log, &ev, err)) > 0) {
        if (report->events_read == 0 || ev.ts < report->first_ts)
            report->first_ts = ev.ts;
        if (report->events_read == 0 || ev.ts > report->last_ts)
            report->last_ts = ev.ts;
        report->events_read++;
        if (ev.ts <= spec->asof) {
            report->events_used++;
            if (add && add(agg, &ev, err))
                return err->code;
        } else if (add_after && add_after(agg, &ev, err)) {
            return err->code;
        }
    }
    if (got < 0)
        return err->code;
    if (report->events_read && (spec->asof < report->first_ts || spec->asof > report->last_ts)) {
        char a[48], f[48], l[48];
        rs_time_format_iso(spec->asof, a);
        rs_time_format_iso(report->first_ts, f);
        rs_time_format_iso(report->last_ts, l);
        rs_warn(rs_eventlog_name(log), 0, "--asof %s is outside the data (%s .. %s)%s", a, f, l,
                spec->asof < report->first_ts ? ": no event is used" : "");
    }
    return RS_OK;
}

static rs_status users_add(void *agg, const rs_event *ev, rs_error *err)
{
    return add_user_event(agg, ev, err);
}

static rs_status open_log(const rs_features_spec *spec, rs_eventlog **log, rs_error *err)
{
    *log = rs_eventlog_open(spec->input, &spec->table, &spec->log, err);
    return *log ? RS_OK : err->code;
}

rs_status rs_features_users(const rs_features_spec *spec, rs_features_report *report, rs_error *err)
{
    memset(report, 0, sizeof *report);
    user_agg a = {.spec = spec};
    feature_table t = {0};
    rs_status st = open_log(spec, &a.log, err);
    if (st)
        return st;
    a.orders = rs_keyset_new(), a.days = rs_keyset_new(), a.items = rs_keyset_new();
    a.types = rs_keyset_new(), a.channels = rs_keyset_new();
    a.win_orders = calloc(spec->n_windows + 1, sizeof *a.win_orders);
    int nomem = !a.orders || !a.days || !a.items || !a.types || !a.channels || !a.win_orders;
    for (size_t w = 0; !nomem && w < spec->n_windows; w++)
        nomem = !(a.win_orders[w] = rs_keyset_new());
    if (nomem) {
        st = rs_error_nomem(err);
        goto done;
    }
    if ((st = read_log(a.log, spec, &a, users_add, NULL, report, err)) || (st = user_columns(&a, &t, err)) ||
        (st = rs_feature_table_open(&t, spec->output, spec->out_format, err)))
        goto done;
    st = rs_feature_table_write_all(&t, rs_eventlog_users(a.log), user_row, &a, &report->rows_out, err);
done:
    rs_feature_table_free(&t);
    rs_keyset_free(a.orders), rs_keyset_free(a.days), rs_keyset_free(a.items);
    rs_keyset_free(a.types), rs_keyset_free(a.channels);
    for (size_t w = 0; a.win_orders && w < spec->n_windows; w++)
        rs_keyset_free(a.win_orders[w]);
    free(a.win_orders);
    free(a.type_used), free(a.channel_used);
    free(a.users);
    free(a.win);
    rs_eventlog_free(a.log);
    return st;
}

/* ---- items ---- */

typedef struct {
    int64_t first_ts, last_ts;
    double events, purchases, orders, units, revenue, buyers, repeat_buyers;
    double price_sum, price_sumsq, price_n, price_min, price_max, recent, before;
    int seen;
} item_acc;

typedef struct {
    const rs_features_spec *spec;
    rs_eventlog *log;
    item_acc *items;            /* (n_items) */
    size_t items_cap;
    double *win;                /* (n_items x n_windows x 3): events, purchases, units */
    size_t win_cap;
    rs_keyset *orders, *buyer_orders, *buyers;
    char scratch[1 << 16];
} item_agg;

enum { TREND_WINDOW = 30 * 86400 };

static rs_status items_add(void *agg, const rs_event *ev, rs_error *err)
{
    item_agg *a = agg;
    size_t nw = a->spec->n_windows;
    if ((size_t)ev->item >= a->items_cap) {
        size_t old = a->items_cap, win_old = a->win_cap;
        if (rs_grow((void **)&a->items, &a->items_cap, (size_t)ev->item + 1, sizeof *a->items) < 0 ||
            (nw && rs_grow((void **)&a->win, &a->win_cap, a->items_cap * nw * 3, sizeof *a->win) < 0))
            return rs_error_nomem(err);
        memset(a->items + old, 0, (a->items_cap - old) * sizeof *a->items);
        if (nw)
            memset(a->win + win_old, 0, (a->win_cap - win_old) * sizeof *a->win);
    }
    if (ev->order_len > sizeof a->scratch - 16)
        return rs_error_set(err, RS_EDATA, rs_eventlog_name(a->log), ev->line, "order id too long");
    item_acc *it = &a->items[ev->item];
    if (!it->seen || ev->ts < it->first_ts)
        it->first_ts = ev->ts;
    if (!it->seen || ev->ts > it->last_ts)
        it->last_ts = ev->ts;
    it->seen = 1;
    it->events++;
    int64_t age = a->spec->asof - ev->ts;
    for (size_t w = 0; w < nw; w++)
        if (age < a->spec->windows[w]) {
            double *win = a->win + ((size_t)ev->item * nw + w) * 3;
            win[0]++;
            win[1] += ev->is_purchase;
            win[2] += ev->is_purchase ? ev->qty : 0;
        }
    if (!ev->is_purchase)
        return RS_OK;
    it->purchases++;
    it->units += ev->qty;
    it->recent += age < TREND_WINDOW;
    it->before += age >= TREND_WINDOW && age < 2 * TREND_WINDOW;
    if (!isnan(ev->value)) {
        it->revenue += ev->value * ev->qty;
        it->price_min = it->price_n == 0 || ev->value < it->price_min ? ev->value : it->price_min;
        it->price_max = it->price_n == 0 || ev->value > it->price_max ? ev->value : it->price_max;
        it->price_sum += ev->value;
        it->price_sumsq += ev->value * ev->value;
        it->price_n++;
    }
    const void *ok;
    size_t ok_len;
    long line;
    order_key(ev, &line, &ok, &ok_len);
    int r = first_time(a->orders, ev->item, ok, ok_len, a->scratch);
    /* (item, user, order) new: one more distinct order of this user */
    memcpy(a->scratch + 4, &ev->user, 4);
    memcpy(a->scratch + 8, ok, ok_len);
    int32_t item = ev->item;
    memcpy(a->scratch, &item, 4);
    int added;
    if (r < 0 || !rs_keyset_upsert(a->buyer_orders, a->scratch, ok_len + 8, 0, &added))
        return rs_error_nomem(err);
    it->orders += r > 0;
    if (added) {
        int32_t pair[2] = {ev->item, ev->user};
        int pair_added;
        int64_t *n = rs_keyset_upsert(a->buyers, pair, sizeof pair, 0, &pair_added);
        if (!n)
            return rs_error_nomem(err);
        ++*n;
        it->buyers += *n == 1;
        it->repeat_buyers += *n == 2;
    }
    return RS_OK;
}

static rs_status item_columns(item_agg *a, feature_table *t, rs_error *err)
{
    int has_value = rs_eventlog_has(a->log, RS_EV_VALUE);
    static const char *const base[] = {"events", "purchases", "orders", "units", "buyers", "repeat_buyer_rate"};
    static const char *const price[] = {"revenue", "price_mean", "price_min", "price_max", "price_std"};
    static const char *const tail[] = {"recency_days", "first_seen_days", "trend_purchases_30d",
                                       "trend_purchases_prev_30d", "trend_30d"};
    const char *id = rs_eventlog_col_name(a->log, RS_EV_ITEM);
    int bad = rs_strlist_push(&t->names, id);
    for (size_t i = 0; i < 6; i++)
        bad |= rs_feature_name_add(t, base[i], "", 0, "");
    for (size_t i = 0; has_value && i < 5; i++)
        bad |= rs_feature_name_add(t, price[i], "", 0, "");
    for (size_t i = 0; i < 5; i++)
        bad |= rs_feature_name_add(t, tail[i], "", 0, "");
    for (size_t w = 0; w < a->spec->n_windows; w++) {
        const char *wn = a->spec->window_names[w];
        bad |= rs_feature_name_add(t, "events_", wn, strlen(wn), "") |
               rs_feature_name_add(t, "purchases_", wn, strlen(wn), "") |
               rs_feature_name_add(t, "units_", wn, strlen(wn), "");
    }
    return bad ? rs_error_nomem(err) : RS_OK;
}

static int item_row(void *ctx, int32_t item, float *row)
{
    const item_agg *a = ctx;
    if ((size_t)item >= a->items_cap || !a->items[item].seen)
        return 0;
    const item_acc *it = &a->items[item];
    int64_t asof = a->spec->asof;
    size_t k = 0;
    row[k++] = (float)it->events;
    row[k++] = (float)it->purchases;
    row[k++] = (float)it->orders;
    row[k++] = (float)it->units;
    row[k++] = (float)it->buyers;
    row[k++] = it->buyers ? (float)(it->repeat_buyers / it->buyers) : NAN;
    if (rs_eventlog_has(a->log, RS_EV_VALUE)) {
        double n = it->price_n, mean = n ? it->price_sum / n : NAN;
        double var = n > 1 ? (it->price_sumsq - n * mean * mean) / (n - 1) : 0;
        row[k++] = (float)it->revenue;
        row[k++] = (float)mean;
        row[k++] = n ? (float)it->price_min : NAN;
        row[k++] = n ? (float)it->price_max : NAN;
        row[k++] = n ? (float)sqrt(var > 0 ? var : 0) : NAN;
    }
    row[k++] = (float)((double)(asof - it->last_ts) / DAY);
    row[k++] = (float)((double)(asof - it->first_ts) / DAY);
    row[k++] = (float)it->recent;
    row[k++] = (float)it->before;
    row[k++] = (float)((it->recent + 1) / (it->before + 1));
    for (size_t w = 0; w < a->spec->n_windows; w++) {
        const double *win = a->win + ((size_t)item * a->spec->n_windows + w) * 3;
        row[k++] = (float)win[0];
        row[k++] = (float)win[1];
        row[k++] = (float)win[2];
    }
    return 1;
}

rs_status rs_features_items(const rs_features_spec *spec, rs_features_report *report, rs_error *err)
{
    memset(report, 0, sizeof *report);
    item_agg a = {.spec = spec};
    feature_table t = {0};
    rs_status st = open_log(spec, &a.log, err);
    if (st)
        return st;
    if (!rs_eventlog_has(a.log, RS_EV_ITEM)) {
        st = rs_error_set(err, RS_EUSAGE, rs_eventlog_name(a.log), 0,
                          "rs-features items needs an item column (--item-col)");
        goto done;
    }
    if (!(a.orders = rs_keyset_new()) || !(a.buyer_orders = rs_keyset_new()) || !(a.buyers = rs_keyset_new())) {
        st = rs_error_nomem(err);
        goto done;
    }
    if ((st = read_log(a.log, spec, &a, items_add, NULL, report, err)) || (st = item_columns(&a, &t, err)) ||
        (st = rs_feature_table_open(&t, spec->output, spec->out_format, err)))
        goto done;
    st = rs_feature_table_write_all(&t, rs_eventlog_items(a.log), item_row, &a, &report->rows_out, err);
done:
    rs_feature_table_free(&t);
    rs_keyset_free(a.orders), rs_keyset_free(a.buyer_orders), rs_keyset_free(a.buyers);
    free(a.items);
    free(a.win);
    rs_eventlog_free(a.log);
    return st;
}

/* ---- label ---- */

typedef struct {
    const rs_features_spec *spec;
    unsigned char *seen, *active, *bought;   /* (cap) per user */
    double *spend;
    size_t cap;
} label_agg;

static rs_status label_grow(label_agg *a, int32_t user, rs_error *err)
{
    if ((size_t)user < a->cap)
        return RS_OK;
    size_t old = a->cap, cap = a->cap;
    size_t c1 = cap, c2 = cap, c3 = cap;
    if (rs_grow((void **)&a->seen, &c1, (size_t)user + 1, 1) < 0 ||
        rs_grow((void **)&a->active, &c2, (size_t)user + 1, 1) < 0 ||
        rs_grow((void **)&a->bought, &c3, (size_t)user + 1, 1) < 0 ||
        rs_grow((void **)&a->spend, &cap, (size_t)user + 1, sizeof *a->spend) < 0)
        return rs_error_nomem(err);
    /* all four grew to the same capacity: rs_grow doubles from the same start */
    a->cap = cap;
    memset(a->seen + old, 0, cap - old);
    memset(a->active + old, 0, cap - old);
    memset(a->bought + old, 0, cap - old);
    memset(a->spend + old, 0, (cap - old) * sizeof *a->spend);
    return RS_OK;
}

static rs_status label_before(void *agg, const rs_event *ev, rs_error *err)
{
    label_agg *a = agg;
    if (label_grow(a, ev->user, err))
        return err->code;
    a->seen[ev->user] = 1;
    return RS_OK;
}

static rs_status label_after(void *agg, const rs_event *ev, rs_error *err)
{
    label_agg *a = agg;
    if (ev->ts > a->spec->asof + a->spec->horizon)
        return RS_OK;
    if (label_grow(a, ev->user, err))
        return err->code;
    a->active[ev->user] = 1;
    if (ev->is_purchase) {
        a->bought[ev->user] = 1;
        a->spend[ev->user] += isnan(ev->value) ? 0 : ev->value * ev->qty;
    }
    return RS_OK;
}

static int label_row(void *ctx, int32_t user, float *row)
{
    const label_agg *a = ctx;
    if ((size_t)user >= a->cap || !a->seen[user])
        return 0;
    row[0] = a->spec->label == RS_LABEL_BUYS    ? a->bought[user]
             : a->spec->label == RS_LABEL_SPEND ? (float)a->spend[user]
                                                : !a->active[user];
    return 1;
}

rs_status rs_features_label(const rs_features_spec *spec, rs_features_report *report, rs_error *err)
{
    memset(report, 0, sizeof *report);
    label_agg a = {.spec = spec};
    feature_table t = {0};
    rs_eventlog *log;
    rs_status st = open_log(spec, &log, err);
    if (st)
        return st;
    if ((st = read_log(log, spec, &a, label_before, label_after, report, err)))
        goto done;
    if (report->events_read && spec->asof + spec->horizon > report->last_ts) {
        char end[48], last[48];
        rs_time_format_iso(spec->asof + spec->horizon, end);
        rs_time_format_iso(report->last_ts, last);
        rs_warn(rs_eventlog_name(log), 0,
                "the label window ends %s, after the last event (%s): labels may be incomplete", end, last);
    }
    const char *id = rs_eventlog_col_name(log, RS_EV_USER);
    if (rs_strlist_push(&t.names, id) || rs_feature_name_add(&t, "label", "", 0, "")) {
        st = rs_error_nomem(err);
        goto done;
    }
    if ((st = rs_feature_table_open(&t, spec->output, spec->out_format, err)))
        goto done;
    st = rs_feature_table_write_all(&t, rs_eventlog_users(log), label_row, &a, &report->rows_out, err);
done:
    rs_feature_table_free(&t);
    free(a.seen), free(a.active), free(a.bought), free(a.spend);
    rs_eventlog_free(log);
    return st;
}
