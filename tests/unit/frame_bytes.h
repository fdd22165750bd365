/* frame_bytes.h — an rsf reader over bytes in memory, for the unit tests of
 * lib/io/frame.c. */
#ifndef RS_TEST_FRAME_BYTES_H
#define RS_TEST_FRAME_BYTES_H

#include "io/frame.h"
#include "tap.h"

/* A reader of bytes (through a temp file, already unlinked) and its input
 * in *in: the caller frees both.  NULL with err set when the header is bad. */
static rs_frame_reader *frame_reader_of_bytes(const void *bytes, size_t len, rs_in **in, rs_error *err)
{
    const char *path = tap_temp_file(bytes, len);
    *in = rs_in_open(path, err);
    unlink(path);
    char magic[8];
    ssize_t n = rs_in_read(*in, magic, 8, err);
    return rs_frame_reader_new(*in, magic, n > 0 ? (size_t)n : 0, err);
}

/* Every row of bytes to row(rec, its 0-based number, ctx): the rows read,
 * or -1 with err set. */
static long frame_read_bytes(const void *bytes, size_t len, rs_error *err,
                             void (*row)(const rs_record *rec, long number, void *ctx), void *ctx)
{
    rs_in *in;
    rs_frame_reader *r = frame_reader_of_bytes(bytes, len, &in, err);
    long rows = -1;
    if (r) {
        rs_record rec;
        int got;
        for (rows = 0; (got = rs_frame_reader_next(r, &rec, err)) > 0; rows++)
            row(&rec, rows, ctx);
        if (got < 0)
            rows = -1;
    }
    rs_frame_reader_free(r);
    rs_in_free(in);
    return rows;
}

#endif
