#include "error.h"

#include <stdio.h>
#include <string.h>

rs_status rs_error_set(rs_error *err, rs_status code, const char *file, long line,
                       const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->line = line;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

rs_status rs_error_nomem(rs_error *err)
{
    return rs_error_set(err, RS_ENOMEM, NULL, 0, "out of memory");
}

void rs_error_clear(rs_error *err)
{
    err->code = RS_OK;
    err->file[0] = '\0';
    err->line = 0;
    err->msg[0] = '\0';
}

int rs_exit_code(rs_status code)
{
    switch (code) {
    case RS_OK:
    case RS_EPIPE:
        return RS_EXIT_OK;
    case RS_EUSAGE:
        return RS_EXIT_USAGE;
    default:
        return RS_EXIT_FAILURE;
    }
}

static rs_warn_hook warn_hook;

void rs_set_warn_hook(rs_warn_hook hook)
{
    warn_hook = hook;
}

void rs_warn(const char *file, long line, const char *fmt, ...)
{
    if (!warn_hook)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    warn_hook(file, line, msg);
}
