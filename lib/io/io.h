/* io.h — raw input and output streams with honest error reporting.
 *
 * rs_in reads a file or stdin ("-" or NULL) and can rewind, spooling stdin to
 * an unlinked temp file when a second pass is needed.  rs_out buffers writes
 * to a file or stdout; a regular output file is written to a temp file beside
 * it and renamed on commit, so readers never see half a file.  Every write
 * error is kept and reported at commit: a full disk is an error, a closed
 * pipe is RS_EPIPE (quiet). */
#ifndef RS_IO_H
#define RS_IO_H

#include "error.h"

#include <stddef.h>
#include <sys/types.h>

typedef struct rs_in rs_in;

rs_in *rs_in_open(const char *path, rs_error *err);
void rs_in_free(rs_in *in);
/* Bytes read into buf (0 at end), or -1 with err filled. */
ssize_t rs_in_read(rs_in *in, void *buf, size_t len, rs_error *err);
/* Read len bytes at data (borrowed, kept alive by the caller) as a stream
 * named name: a part of a file that threads parse on their own. */
rs_in *rs_in_open_memory(const char *name, const void *data, size_t len, rs_error *err);
/* A memory input reads other bytes from their start (then rewind its reader). */
void rs_in_memory_reset(rs_in *in, const void *data, size_t len);
/* Make the stream rewindable (spools stdin/pipes to a temp file); call before
 * the first read. */
rs_status rs_in_make_rewindable(rs_in *in, rs_error *err);
rs_status rs_in_rewind(rs_in *in, rs_error *err);
/* "-" for stdin, else the path as given. */
const char *rs_in_name(const rs_in *in);

typedef struct rs_out rs_out;

rs_out *rs_out_open(const char *path, rs_error *err);
/* Flushes, checks, closes and renames into place; frees out. */
rs_status rs_out_commit(rs_out *out, rs_error *err);
/* Discards: removes the temp file; frees out.  Safe on NULL. */
void rs_out_abort(rs_out *out);
/* An output that grows in memory (a thread's share of a file, written in
 * order later by rs_out_move).  Free it with rs_out_abort. */
rs_out *rs_out_open_memory(rs_error *err);
/* Append mem's bytes to dst and empty mem; RS_ENOMEM when mem could not grow. */
rs_status rs_out_move(rs_out *dst, rs_out *mem, rs_error *err);
/* A piece of output: len bytes at ptr, or (ptr NULL) at offset off of a
 * memory output's buffer. */
typedef struct {
    const char *ptr;
    size_t off, len;
} rs_out_piece;
/* Append the pieces to dst in order, without copying them (writev), and
 * empty mem, whose buffer the NULL pieces point into. */
rs_status rs_out_move_pieces(rs_out *dst, rs_out *mem, const rs_out_piece *pieces, size_t n, rs_error *err);
/* Drop what mem holds. */
void rs_out_memory_clear(rs_out *mem);
/* Buffered write; errors are sticky and reported by rs_out_commit (and by
 * rs_out_status, to stop early). */
void rs_out_write(rs_out *out, const void *data, size_t len);
static inline void rs_out_putc(rs_out *out, char c);
/* printf-style formatting written to out like rs_out_write (any length). */
void rs_out_printf(rs_out *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
rs_status rs_out_status(const rs_out *out, rs_error *err);

/* internals for the inline fast path */
struct rs_out {
    int fd;
    int is_temp;
    int anonymous;        /* an O_TMPFILE file: no name until commit */
    int memory;           /* rs_out_open_memory: buf grows, nothing is written */
    int write_errno;      /* first write errno, 0 if none */
    char *buf;            /* (cap) */
    size_t len, cap;
    size_t written;       /* bytes written to fd (a temp file: its size) */
    size_t flushed;       /* of which handed to the disk early (sync_file_range) */
    char *path;           /* final path, NULL for stdout */
    char *temp_path;      /* temp file renamed to path on commit */
};

void rs_out_flush_buffer(rs_out *out);

static inline void rs_out_putc(rs_out *out, char c)
{
    if (out->len == out->cap)
        rs_out_flush_buffer(out);
    out->buf[out->len++] = c;
}

#endif
