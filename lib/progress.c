/* progress.c — see progress.h. */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>

void rs_progress_emit(rs_progress_fn fn, void *ctx, const char *fmt, ...)
{
    if (!fn)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fn(ctx, line);
}
