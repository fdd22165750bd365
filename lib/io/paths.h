/* paths.h — a tool's files must not overlap: two outputs, or an output and
 * an input, that are the same regular file would lose data (the rejects
 * written over the clean rows, the input replaced before it was read). */
#ifndef RS_PATHS_H
#define RS_PATHS_H

#include "error.h"

#include <stddef.h>

typedef struct {
    const char *path;     /* NULL or "-": standard input/output, never compared */
    const char *option;   /* "-o", "--rejects": for the message */
    int is_output;
} rs_path_use;

/* RS_EUSAGE naming both options when two outputs, or an output and an
 * input, are the same file: the same device and inode when both exist,
 * else the same path once the directory's links are resolved (and the
 * file's own, when it exists).  Pipes, terminals and sockets are never the
 * same file as anything.  Call before reading or writing anything. */
rs_status rs_paths_distinct(const rs_path_use *uses, size_t n, rs_error *err);

/* The directory of path (a new string): "." when it has none, "/" for a
 * file at the root; NULL when out of memory. */
char *rs_path_dir_new(const char *path);

#endif
