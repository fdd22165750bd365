/* idlist.h — a side file of ids (rs-recommend --users, --exclude, --allow,
 * --similar FILE), read one way everywhere.
 *
 * A table of several columns has a header, and the ids are in the column
 * named col_name (default dflt: "user" or "item").  A CSV of one column may
 * have a header or not; its first line is
 *   - data when it is an id the caller knows (a user or item of the model),
 *     or when it does not look like a column name (it does not start with a
 *     letter or '_': "17850", "85123A");
 *   - the header otherwise: quietly when it is the column's name (col_name or
 *     dflt), else with a warning naming it, so no line is dropped unsaid.
 * --no-header makes every line data; an rsf file always has its names.  The
 * rule is documented once, in rs(7) "Id lists". */
#ifndef RS_IDLIST_H
#define RS_IDLIST_H

#include "idmap.h"
#include "io/table.h"

/* Read the ids of path into *out (a new map: file order, each id once, empty
 * fields skipped).  known: n_known maps (entries may be NULL) whose ids make
 * a first line data; option names the column option in messages
 * ("--user-col"). */
rs_status rs_idlist_read(const char *path, const rs_table_options *opt, const char *col_name, const char *dflt,
                         const char *option, const rs_idmap *const *known, size_t n_known, rs_idmap **out,
                         rs_error *err);

#endif
