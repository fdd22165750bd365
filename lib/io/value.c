#include "io/value.h"

#include "num.h"
#include "timeparse.h"

#include <math.h>
#include <string.h>
#include <strings.h>

static const char *const type_names[] = {"str", "int", "num", "bool", "time"};

rs_status rs_type_parse(const char *name, rs_type *type, rs_error *err)
{
    for (int t = RS_TYPE_STR; t <= RS_TYPE_TIME; t++)
        if (strcmp(name, type_names[t]) == 0) {
            *type = (rs_type)t;
            return RS_OK;
        }
    return rs_error_set(err, RS_EUSAGE, NULL, 0,
                        "unknown type '%s' (expected str, int, num, bool or time)", name);
}

const char *rs_type_name(rs_type type)
{
    return type_names[type];
}

int rs_type_is_numeric(rs_type type)
{
    return type != RS_TYPE_STR;
}

rs_col_type rs_type_col_type(rs_type type, const rs_value_options *opt)
{
    switch (type) {
    case RS_TYPE_INT:
    case RS_TYPE_BOOL:
        return RS_COL_I64;
    case RS_TYPE_NUM:
        return RS_COL_F64;
    case RS_TYPE_TIME:
        return opt->time_out_epoch ? RS_COL_I64 : RS_COL_STR;
    default:
        return RS_COL_STR;
    }
}

static int parse_bool(const char *s, size_t len, int *v)
{
    static const char *const yes[] = {"1", "true", "yes", "y", "t"};
    static const char *const no[] = {"0", "false", "no", "n", "f"};
    for (size_t i = 0; i < 5; i++) {
        if (strlen(yes[i]) == len && strncasecmp(s, yes[i], len) == 0)
            return *v = 1, 0;
        if (strlen(no[i]) == len && strncasecmp(s, no[i], len) == 0)
            return *v = 0, 0;
    }
    return -1;
}

size_t rs_value_format_number(rs_type type, const rs_value_options *opt, double number, char *buf)
{
    switch (type) {
    case RS_TYPE_NUM:
        return rs_format_f64(number, buf);
    case RS_TYPE_TIME:
        if (!opt->time_out_epoch)
            return rs_time_format_iso((int64_t)llround(number), buf);
        return rs_format_i64((int64_t)llround(number), buf);
    case RS_TYPE_BOOL:
        buf[0] = number != 0 ? '1' : '0';
        buf[1] = '\0';
        return 1;
    default:
        return rs_format_i64((int64_t)llround(number), buf);
    }
}

int rs_value_normalize(rs_type type, const rs_value_options *opt, const char *s, size_t len,
                       rs_field *out, char *buf, double *number)
{
    out->ptr = s;
    out->len = len;
    switch (type) {
    case RS_TYPE_STR:
        *number = NAN;
        return 0;
    case RS_TYPE_INT: {
        int64_t v;
        if (rs_parse_i64(s, len, &v) < 0)
            return -1;
        *number = (double)v;
        if (!rs_i64_text_is_canonical(s, len)) {
            out->ptr = buf;
            out->len = rs_format_i64(v, buf);
        }
        return 0;
    }
    case RS_TYPE_NUM:
        if (rs_parse_f64(s, len, number) < 0)
            return -1;
        if (!rs_f64_text_is_canonical(s, len)) {
            out->ptr = buf;
            out->len = rs_format_f64(*number, buf);
        }
        return 0;
    case RS_TYPE_BOOL: {
        int v;
        if (parse_bool(s, len, &v) < 0)
            return -1;
        *number = v;
        out->ptr = v ? "1" : "0";
        out->len = 1;
        return 0;
    }
    case RS_TYPE_TIME: {
        int64_t t;
        if (rs_time_parse(s, len, opt->time_format, &t) < 0)
            return -1;
        *number = (double)t;
        out->ptr = buf;
        out->len = rs_value_format_number(type, opt, *number, buf);
        return 0;
    }
    }
    return -1;
}
