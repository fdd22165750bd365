/* fuzz_file.h — the fuzzers' input as a file, since the loaders take paths. */
#ifndef RS_FUZZ_FILE_H
#define RS_FUZZ_FILE_H

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* Write data to a new temp file named in path (a "...XXXXXX" template);
 * 0, or -1 (nothing left behind). */
static int fuzz_file_write(const uint8_t *data, size_t size, char *path)
{
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    int ok = write(fd, data, size) == (ssize_t)size;
    close(fd);
    if (!ok) {
        unlink(path);
        return -1;
    }
    return 0;
}

#endif
