/* libFuzzer harness: rsf frames (lib/io/frame.c) read through the table
 * reader, as every tool reads them, must be rejected cleanly when damaged.
 *
 * Input: byte 0 holds options (bit 0: keep the checksums as they are; else
 * the harness rewrites the header and block checksums, so mutated bytes
 * reach the layout checks and the row decoding behind them; bit 1: read
 * twice with a rewind), the rest is the file.  Seeds are rs-clean
 * --format rsf outputs (scripts/fuzz-seeds-tables). */
#include "hash.h"
#include "io/table.h"

#include "fuzz_file.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t get_u32(const unsigned char *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Rewrite the checksums of the header and of every block in f (size n) as
 * far as its layout can be followed (see io/frame.h). */
static void fix_checksums(unsigned char *f, size_t n)
{
    if (n < 16)
        return;
    size_t pos = 16;
    for (uint32_t i = 0, n_cols = get_u32(f + 12); i < n_cols; i++) {
        if (pos + 4 > n)
            return;
        pos += 4 + (f[pos + 2] | (size_t)f[pos + 3] << 8);
    }
    size_t padded = (pos + 7) & ~(size_t)7;
    if (padded + 8 > n)
        return;
    memset(f + pos, 0, padded - pos);
    put_u64(f + padded, rs_hash64(f, padded, 0));
    for (pos = padded + 8; pos + 8 <= n;) {
        size_t n_rows = get_u32(f + pos), payload = get_u32(f + pos + 4);
        if (n_rows == 0 || pos + 16 + payload > n)
            return;
        put_u64(f + pos + 8 + payload, rs_hash64(f + pos + 8, payload, 0));
        pos += 16 + payload;
    }
}

static void read_all(rs_table *t, rs_error *err)
{
    rs_record rec;
    while (rs_table_next(t, &rec, err) == 1)
        (void)rs_table_check_width(t, &rec, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned char *file = malloc(size);
    if (!file)
        return 0;
    memcpy(file, data + 1, size - 1);
    if (!(data[0] & 1))
        fix_checksums(file, size - 1);
    char path[] = "/tmp/rs-fuzz-frame.XXXXXX";
    int written = fuzz_file_write(file, size - 1, path);
    free(file);
    if (written < 0)
        return 0;
    rs_error err = {0};
    rs_table_options opt = {0};
    opt.csv.delim[0] = ',';
    opt.rewindable = (data[0] >> 1) & 1;
    rs_table *t = rs_table_open(path, &opt, &err);
    if (t) {
        for (size_t c = 0; c < rs_table_n_cols(t); c++)
            (void)rs_table_col_type(t, c);
        read_all(t, &err);
        if (opt.rewindable && rs_table_rewind(t, &err) == RS_OK)
            read_all(t, &err);
        rs_table_free(t);
    }
    unlink(path);
    return 0;
}
