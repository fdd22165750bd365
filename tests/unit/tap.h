/* tap.h — a minimal TAP producer for the C unit tests of lib/. */
#ifndef RS_TAP_H
#define RS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int tap_count, tap_failed;

__attribute__((format(printf, 4, 5), unused)) static void tap_check(int ok, const char *file, int line,
                                                            const char *fmt, ...)
{
    va_list ap;
    printf("%s %d - ", ok ? "ok" : "not ok", ++tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!ok) {
        printf("#   failed at %s:%d\n", file, line);
        tap_failed++;
    }
}

#define CHECK(cond, ...) tap_check((cond) != 0, __FILE__, __LINE__, __VA_ARGS__)

__attribute__((unused)) static int tap_done(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed != 0;
}

/* Write bytes to a fresh temp file; returns its path (static buffer). */
__attribute__((unused)) static const char *tap_temp_file(const void *data, size_t len)
{
    static char path[64];
    strcpy(path, "/tmp/rs-unit.XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
        perror("tap_temp_file");
        exit(2);
    }
    close(fd);
    return path;   /* the caller unlinks it */
}

#endif
