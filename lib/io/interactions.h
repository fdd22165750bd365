/* interactions.h — user,item[,value][,ts] rows read into dense indices.
 *
 * Every recommender trains on this, and rs-recommend reads --history and
 * rs-predict scores user,item pairs through it. */
#ifndef RS_INTERACTIONS_H
#define RS_INTERACTIONS_H

#include "idmap.h"
#include "io/table.h"

#include <stdint.h>

typedef struct {
    const char *user_col, *item_col;   /* default user, item */
    const char *value_col;             /* NULL: "value" when present, else every row counts 1 */
    const char *time_col;              /* NULL: "ts" when present and wanted */
    const char *time_format;
    int want_time;
    int value_required;                /* explicit ratings: the value column must exist */
    int threads;                       /* -j: a CSV file is read on this many (0 or 1: one) */
    /* sequences (io/sequences.h): NULL, or the column whose value names the
     * event's session / basket (read as text ids) */
    const char *session_col, *basket_col;
    int time_optional;                 /* want_time: a time_col the table lacks is no error */
} rs_interactions_spec;

typedef struct {
    rs_idmap *users, *items;   /* owned unless borrowed (see load) */
    int own_users, own_items;
    size_t n;                  /* rows kept */
    int32_t *user, *item;      /* (n) */
    float *value;              /* (n); NULL without a value column (every row counts 1) */
    int64_t *ts;               /* (n) when want_time and a time column exists */
    long unknown_items;        /* rows skipped: item not in a borrowed item map */
    int has_value;
    /* with spec.session_col / basket_col (else NULL): each row's index into
     * the sessions / baskets map (first sight order) */
    int32_t *session, *basket;   /* (n) */
    rs_idmap *sessions, *baskets;
} rs_interactions;

/* Read a table.  users/items: NULL makes new maps (every id is added); a
 * given map is borrowed: users are still added to it when add_users,
 * items are looked up and rows with an unknown item skipped and counted. */
rs_interactions *rs_interactions_load(const char *path, const rs_table_options *opt,
                                      const rs_interactions_spec *spec, rs_idmap *users, int add_users,
                                      rs_idmap *items, rs_error *err);
void rs_interactions_free(rs_interactions *x);

#endif
