/* interactions_fast.h — interactions from a CSV or rsf file on several
 * threads.
 *
 * The loader behind rs_interactions_load when it makes its own id maps and
 * reads a regular file: the same rows and the same indices (first sight
 * over the whole file) as the one-thread reader, for any thread count.  It
 * handles plain CSV lines and rsf files with text or i64 ids; on anything
 * else it gives up and the general reader runs instead. */
#ifndef RS_INTERACTIONS_FAST_H
#define RS_INTERACTIONS_FAST_H

#include "error.h"
#include "idmap.h"
#include "io/table.h"

#include <stdint.h>

/* The columns to read (indices into each row). */
typedef struct {
    size_t user, item, value, time;
    int has_value, has_time;
    size_t session, basket;      /* the general reader's only (sequences) */
    int has_session, has_basket;
} fast_columns;

/* 1 when path names a regular file (it can be read twice) that t has open
 * as rsf, or as CSV with options rs_interactions_read_fast may handle. */
int rs_interactions_fast_can_read(const char *path, const rs_table_options *opt, const rs_table *t);

/* What the loader fills: the rows, in file order. */
typedef struct {
    size_t n;
    int32_t *user, *item;   /* (n) indices into the maps */
    float *value;           /* (n) with a value column, else NULL */
    int64_t *ts;            /* (n) with a time column, else NULL */
} fast_rows;

/* Fill rows (empty) and the maps users and items (empty) from the file t has open (t
 * gives the columns; the file is read again from the start): 1 done, 0 not handled here (x
 * untouched: read it with the general reader), -1 error in err (out of
 * memory). */
int rs_interactions_read_fast(fast_rows *x, rs_idmap *users, rs_idmap *items, const char *path, const rs_table_options *opt, const rs_table *t,
                              const fast_columns *c, const char *time_format, int threads, rs_error *err);

#endif
