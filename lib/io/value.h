/* value.h — the column types of a --schema and their canonical text.
 *
 *   str   any bytes
 *   int   integer; "17850.0" is the int 17850            written "17850"
 *   num   finite decimal number                          written shortest ("2.5")
 *   bool  true/false yes/no y/n t/f 1/0, any case       written 1 / 0
 *   time  see timeparse.h                                 written ISO 8601 UTC or epoch
 *
 * An empty field is a missing value of any type and stays empty. */
#ifndef RS_VALUE_H
#define RS_VALUE_H

#include "error.h"
#include "io/frame.h"
#include "io/record.h"

typedef enum { RS_TYPE_STR, RS_TYPE_INT, RS_TYPE_NUM, RS_TYPE_BOOL, RS_TYPE_TIME } rs_type;

typedef struct {
    const char *time_format;   /* strptime pattern, or NULL for epoch/ISO 8601 */
    int time_out_epoch;        /* write times as epoch seconds instead of ISO */
} rs_value_options;

enum { RS_VALUE_BUF = 48 };

rs_status rs_type_parse(const char *name, rs_type *type, rs_error *err);
const char *rs_type_name(rs_type type);
int rs_type_is_numeric(rs_type type);
/* How a column of this type is stored in rsf. */
rs_col_type rs_type_col_type(rs_type type, const rs_value_options *opt);

/* Check s against type and put its canonical text in *out: either s itself
 * (already canonical) or a copy in buf (RS_VALUE_BUF bytes).  *number gets
 * the numeric value (epoch seconds for time, 0/1 for bool, NaN for str).
 * Returns 0, or -1 when s is not a valid value of the type.  s is not empty. */
int rs_value_normalize(rs_type type, const rs_value_options *opt, const char *s, size_t len,
                       rs_field *out, char *buf, double *number);

/* Text of a number as a value of a numeric type (int and time are rounded to
 * the nearest integer second/unit). */
size_t rs_value_format_number(rs_type type, const rs_value_options *opt, double number, char *buf);

#endif
