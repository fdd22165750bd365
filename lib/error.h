/* error.h — the one error record librs fills and cmd/ prints.
 *
 * librs never prints and never exits: a failing function returns a non-zero
 * rs_status and fills an rs_error.  cmd/ alone prints it (rs_error_print in
 * cmd/common.c) and maps it to an exit code (rs_exit_code). */
#ifndef RS_ERROR_H
#define RS_ERROR_H

#include <stdarg.h>

typedef enum {
    RS_OK = 0,
    RS_EDATA,   /* bad input data: exit 1 */
    RS_EIO,     /* I/O failure: exit 1 */
    RS_ENOMEM,  /* out of memory: exit 1 */
    RS_EUSAGE,  /* bad options or arguments: exit 2 */
    RS_EPIPE    /* downstream closed the pipe: quiet, exit 0 */
} rs_status;

enum { RS_EXIT_OK = 0, RS_EXIT_FAILURE = 1, RS_EXIT_USAGE = 2 };

typedef struct {
    rs_status code;
    char file[256];  /* "" when the error is not about a file; "-" is stdin */
    long line;       /* 1-based line; 0 when not about a line */
    char msg[768];
} rs_error;

/* Where a message names the command that is running ("zcat x.gz | rs-clean
 * -i -"), the library writes RS_MSG_PROG and cmd/ prints the name there. */
#define RS_MSG_PROG "\x01"

/* Fill err and return code.  file may be NULL, line 0. */
rs_status rs_error_set(rs_error *err, rs_status code, const char *file, long line,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
rs_status rs_error_nomem(rs_error *err);
void rs_error_clear(rs_error *err);

int rs_exit_code(rs_status code);

/* Warnings (a row rejected, bad UTF-8 passed through) go through one hook
 * that cmd/ installs; with no hook they are dropped. */
typedef void (*rs_warn_hook)(const char *file, long line, const char *msg);
void rs_set_warn_hook(rs_warn_hook hook);
void rs_warn(const char *file, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
