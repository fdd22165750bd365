/* rsf dictionary columns: what the writer chooses, values read back, the
 * stop for keys that do not repeat, and damaged dictionaries rejected. */
#include "io/frame.h"
#include "io/interactions_fast.h"
#include "hash.h"
#include "frame_bytes.h"
#include "tap.h"

#include <stdint.h>

static const char *names[] = {"key", "n"};

/* rows rows of (key, n): key "k<i % distinct>" (or "<i>" when distinct is
 * 0: every key new), n = i; the file's bytes (the caller frees them). */
static unsigned char *write_rows(long rows, long distinct, int with_key, size_t *len)
{
    rs_error err;
    char path[] = "/tmp/rs-frame-dict.XXXXXX";
    close(mkstemp(path));
    rs_out *out = rs_out_open(path, &err);
    rs_col_type types[] = {RS_COL_STR, RS_COL_I64};
    rs_frame_writer *w = rs_frame_writer_new(out, with_key ? 2 : 1, with_key ? names : names + 1,
                                             with_key ? types : types + 1, &err);
    for (long i = 0; i < rows; i++) {
        char key[32], n[32];
        snprintf(key, sizeof key, distinct ? "k%ld" : "%ld", distinct ? i % distinct : i);
        snprintf(n, sizeof n, "%ld", i);
        rs_field f[2] = {{key, strlen(key)}, {n, strlen(n)}};
        if (rs_frame_writer_add_text(w, with_key ? f : f + 1, &err) != RS_OK)
            return NULL;
    }
    if (rs_frame_writer_finish(w, &err) != RS_OK || rs_out_commit(out, &err) != RS_OK)
        return NULL;
    rs_frame_writer_free(w);
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    unsigned char *b = malloc(*len);
    if (fread(b, 1, *len, f) != *len)
        *len = 0;
    fclose(f);
    unlink(path);
    return b;
}

typedef struct {
    long distinct, wrong;
} expect;

static void check_row(const rs_record *rec, long i, void *ctx)
{
    expect *e = ctx;
    char want[64], have[64];
    int w = snprintf(want, sizeof want, e->distinct ? "k%ld|%ld" : "%ld|%ld", e->distinct ? i % e->distinct : i, i);
    int h = snprintf(have, sizeof have, "%.*s|%.*s", (int)rec->fields[0].len, rec->fields[0].ptr,
                     (int)rec->fields[1].len, rec->fields[1].ptr);
    e->wrong += w != h || strcmp(want, have) != 0;
}

/* Read every row and check row i is (key of i, i): the rows read, or -1
 * with err set; *wrong the rows that are not. */
static long read_check(const unsigned char *bytes, size_t len, long distinct, rs_error *err, long *wrong)
{
    expect e = {distinct, 0};
    long rows = frame_read_bytes(bytes, len, err, check_row, &e);
    *wrong = e.wrong;
    return rows;
}

/* The -j loader on the file (key as user, n as item): its result, and
 * *bad the rows whose indices are not first sight's (user i % distinct,
 * item i). */
static int fast_load(const unsigned char *bytes, size_t len, int threads, long distinct, size_t *n, long *bad)
{
    rs_error err;
    const char *path = tap_temp_file(bytes, len);
    rs_table_options opt = {0};
    rs_table *t = rs_table_open(path, &opt, &err);
    rs_idmap *users = rs_idmap_new(), *items = rs_idmap_new();
    fast_columns c = {.user = 0, .item = 1};
    fast_rows x = {0};
    int done = t ? rs_interactions_read_fast(&x, users, items, path, &opt, t, &c, NULL, threads, &err) : -1;
    unlink(path);
    *n = x.n, *bad = 0;
    for (size_t i = 0; done == 1 && i < x.n; i++)
        *bad += x.user[i] != (int32_t)(i % (size_t)distinct) || x.item[i] != (int32_t)i;
    *bad += done == 1 && rs_idmap_size(users) != distinct;
    free(x.user), free(x.item), free(x.value), free(x.ts);
    rs_idmap_free(users), rs_idmap_free(items);
    rs_table_free(t);
    return done;
}

static uint32_t u32_at(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* The first block's payload and its size. */
static unsigned char *first_payload(unsigned char *bytes, uint32_t *size)
{
    unsigned char *block = bytes + rs_frame_header_bytes(names, 2);
    *size = u32_at(block + 4);
    return block + 8;
}

static void reseal(unsigned char *payload, uint32_t size)
{
    uint64_t sum = rs_hash64(payload, size, 0);
    memcpy(payload + size, &sum, 8);
}

int main(void)
{
    rs_error err;
    size_t len;
    long wrong = 0;
    unsigned char *bytes = write_rows(20000, 300, 1, &len);
    CHECK(bytes && u32_at(bytes + 8) == 2 && bytes[16] == RS_COL_STR && bytes[17] == 1,
          "a str column is written as a dictionary column, in format version 2");
    CHECK(read_check(bytes, len, 300, &err, &wrong) == 20000 && wrong == 0,
          "20000 rows of 300 keys read back as they were written (%ld wrong)", wrong);
    uint32_t size;
    unsigned char *payload = first_payload(bytes, &size);
    CHECK(u32_at(payload) == 300 && u32_at(payload + 4) == 1,
          "the first block brings the 300 keys it uses, once each (%u)", u32_at(payload));
    size_t codes_at = 8 + ((301 * 4 + 7) & ~7u) + ((u32_at(payload + 8 + 300 * 4) + 7) & ~7u);
    CHECK(u32_at(payload + codes_at) == 0 && u32_at(payload + codes_at + 4 * 299) == 299 &&
              u32_at(payload + codes_at + 4 * 300) == 0,
          "rows hold codes in order of first sight");
    size_t plain_len;
    unsigned char *unique = write_rows(20000, 0, 1, &plain_len);
    CHECK(len + 8 * 20000 < plain_len,
          "300 repeated keys are stored once: 8 bytes a row less than 20000 distinct keys (%zu, %zu)", len, plain_len);
    free(unique);

    for (int threads = 1; threads <= 3; threads++) {
        size_t n;
        long bad;
        int done = fast_load(bytes, len, threads, 300, &n, &bad);
        CHECK(done == 1 && n == 20000 && bad == 0,
              "the -j %d loader reads dictionary ids as indices in order of first sight (%d, %zu rows, %ld wrong)",
              threads, done, n, bad);
    }

    unsigned char *damaged = malloc(len);
    memcpy(damaged, bytes, len);
    payload = first_payload(damaged, &size);
    uint32_t beyond = 300;   /* the first block defines codes 0..299 */
    memcpy(payload + codes_at + 4 * 5, &beyond, 4);
    reseal(payload, size);
    CHECK(read_check(damaged, len, 300, &err, &wrong) == -1 && strstr(err.msg, "corrupt rsf file (dictionary code)"),
          "a code beyond the entries so far is an error: %s", err.msg);
    for (int threads = 1; threads <= 3; threads += 2) {
        size_t n;
        long bad;
        CHECK(fast_load(damaged, len, threads, 300, &n, &bad) == 0,
              "the -j %d loader leaves a code beyond the entries to the general reader", threads);
    }
    memcpy(damaged, bytes, len);
    payload = first_payload(damaged, &size);
    payload[4] = 2;
    reseal(payload, size);
    CHECK(read_check(damaged, len, 300, &err, &wrong) == -1 && strstr(err.msg, "corrupt rsf file (dictionary block)"),
          "a block's dictionary mode other than 0 or 1 is an error: %s", err.msg);
    memcpy(damaged, bytes, len);
    damaged[8] = 1;   /* version 1 has no dictionary columns */
    size_t header = rs_frame_header_bytes(names, 2) - 8;
    uint64_t sum = rs_hash64(damaged, header, 0);
    memcpy(damaged + header, &sum, 8);
    CHECK(read_check(damaged, len, 300, &err, &wrong) == -1 && strstr(err.msg, "corrupt rsf file (column type)"),
          "a dictionary flag in a version 1 header is an error: %s", err.msg);
    free(damaged);
    free(bytes);

    bytes = write_rows(20000, 300, 0, &len);
    CHECK(bytes && u32_at(bytes + 8) == 1, "a file without str columns is still written as version 1");
    free(bytes);

    /* every key new: the dictionary stops after 1M rows, the rest is plain */
    long rows = (1L << 20) + 20000;
    bytes = write_rows(rows, 0, 1, &len);
    CHECK(read_check(bytes, len, 0, &err, &wrong) == rows && wrong == 0,
          "%ld distinct keys read back (%ld wrong)", rows, wrong);
    unsigned char *block = bytes + rs_frame_header_bytes(names, 2);
    int coded_first = (int)u32_at(block + 12), coded_last = -1;
    while (u32_at(block) != 0) {
        coded_last = (int)u32_at(block + 12);
        block += 16 + u32_at(block + 4);
    }
    CHECK(coded_first == 1 && coded_last == 0,
          "keys that do not repeat: coded blocks first, plain str after 1M rows (%d, %d)", coded_first, coded_last);
    size_t n;
    long bad;
    CHECK(fast_load(bytes, len, 2, rows, &n, &bad) == 0,
          "the -j loader leaves a dictionary that stopped to the general reader");
    free(bytes);
    return tap_done();
}
