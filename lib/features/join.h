/* join.h — rs-features join: left join of a table with another on a key. */
#ifndef RS_JOIN_H
#define RS_JOIN_H

#include "io/table.h"

typedef struct {
    const char *input, *output, *right, *on, *right_on;
    rs_table_options table;
    rs_format out_format;
} rs_join_spec;

/* Every -i row, in order, followed by the --right columns (but its key) of
 * the right row with the same key, or empty fields when there is none.  The
 * right table is read into memory; a key repeated there is an error. */
rs_status rs_join_run(const rs_join_spec *spec, rs_error *err);

#endif
