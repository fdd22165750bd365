/* expr.h — row filters of the form COL OP VALUE.
 *
 * OP is one of = != < <= > >= ~ !~ (~ is a POSIX extended regex match,
 * unanchored unless the pattern says ^ or $).  Spaces around COL, OP and
 * VALUE are ignored; "VALUE" in double quotes keeps its spaces.
 *
 * Comparisons are numeric when the column has a numeric type, or when VALUE
 * is a number (then a field that is not a number, or is empty, fails every
 * test except !=).  Otherwise they compare bytes.  A regex tests the field's
 * text. */
#ifndef RS_EXPR_H
#define RS_EXPR_H

#include "error.h"
#include "io/record.h"

#include <regex.h>

typedef enum { RS_OP_EQ, RS_OP_NE, RS_OP_LT, RS_OP_LE, RS_OP_GT, RS_OP_GE, RS_OP_MATCH,
               RS_OP_NOMATCH } rs_op;

typedef enum {
    RS_MATCH_REGEX,      /* regexec */
    RS_MATCH_PREFIX,     /* ^literal */
    RS_MATCH_EXACT,      /* ^literal$ */
    RS_MATCH_SUBSTRING,  /* literal */
    RS_MATCH_SUFFIX      /* literal$ */
} rs_match_kind;

typedef struct {
    char *text;           /* the expression as given, without spaces: "Quantity>0" */
    char *column;
    rs_op op;
    char *value;          /* literal value / regex pattern */
    size_t value_len;
    int value_is_number;
    double value_number;
    rs_match_kind match;
    char *literal;        /* for the literal match kinds */
    size_t literal_len;
    regex_t regex;
    int has_regex;
} rs_expr;

/* Parse text into e (all fields owned by e). */
rs_status rs_expr_parse(const char *text, rs_expr *e, rs_error *err);
void rs_expr_free(rs_expr *e);

/* Test a field.  number: the field's value when the column is numeric
 * (NaN when missing), used when numeric_column; scratch: at least len + 1
 * bytes, used to NUL-terminate for regexec. */
int rs_expr_test(const rs_expr *e, const rs_field *f, int numeric_column, double number,
                 char *scratch);

#endif
