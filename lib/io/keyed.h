/* keyed.h — read a table of key columns and one number per row
 * (series,value; series,period,value; series,on_hand), handing each row to
 * a callback: the one loop behind rs-forecast --on-hand and rs-eval
 * forecast's --actuals and --train. */
#ifndef RS_KEYED_H
#define RS_KEYED_H

#include "io/table.h"

/* keys: the row's key fields (n_keys, in the order named); value: the
 * number; t and rec: for messages.  Return RS_OK to go on. */
typedef rs_status (*rs_keyed_fn)(void *ctx, const rs_field *keys, double value, const rs_table *t,
                                 const rs_record *rec, rs_error *err);

/* Open path, find key_cols (n_keys <= 4) and value_col (a missing one is
 * RS_EUSAGE naming option), and call fn on every row; a value that is not
 * a number is RS_EDATA "FILE:LINE: column C: 'x' is not a number". */
rs_status rs_keyed_read(const char *path, const rs_table_options *opt, const char *const *key_cols, size_t n_keys,
                        const char *value_col, const char *option, rs_keyed_fn fn, void *ctx, rs_error *err);

#endif
