/* rsf: round trip, and truncated, corrupted and newer files rejected. */
#include "io/frame.h"
#include "hash.h"
#include "frame_bytes.h"
#include "tap.h"

#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    char *b = malloc(*len + 1);
    if (fread(b, 1, *len, f) != *len)
        *len = 0;
    fclose(f);
    return b;
}

typedef struct {
    char *text;
    size_t cap;
} first_row;

static void keep_first(const rs_record *rec, long number, void *ctx)
{
    first_row *f = ctx;
    size_t pos = 0;
    for (size_t i = 0; number == 0 && f->text && i < rec->n_fields; i++)
        pos += (size_t)snprintf(f->text + pos, f->cap - pos, "%s%.*s", i ? "|" : "", (int)rec->fields[i].len,
                                rec->fields[i].ptr);
}

/* Read every row; returns rows read, or -1 with err set. */
static long read_all(const void *bytes, size_t len, rs_error *err, char *text, size_t cap)
{
    first_row f = {text, cap};
    return frame_read_bytes(bytes, len, err, keep_first, &f);
}

/* Row `want` (0-based) of columns qty, price, score read as numbers in one
 * call (rs_frame_reader_numbers); with_user asks for the text column too. */
static int numbers_at(const void *bytes, size_t len, long want, int with_user, double *values)
{
    rs_error err;
    rs_in *in;
    rs_frame_reader *r = frame_reader_of_bytes(bytes, len, &in, &err);
    size_t cols[4] = {1, 2, 3, 0};
    int got = 0, direct = 1;
    for (size_t k = 0; k < 4; k++)
        direct &= rs_frame_reader_numbers_direct(r, cols[k], &err) == (cols[k] != 0);
    rs_record rec;
    for (long i = 0; direct && i <= want && rs_frame_reader_next(r, &rec, &err) == 1; i++)
        if (i == want)
            got = rs_frame_reader_numbers(r, cols, with_user ? 4 : 3, values) + 2 * (rec.fields[1].len == 0);
    rs_frame_reader_free(r);
    rs_in_free(in);
    return got;
}

/* Every row read a block at a time (rs_frame_reader_block_rows, _numbers,
 * _skip) after row 0 read as a record: the rows, the sums of the qty and
 * price values that are numbers and the count of those missing; -1 with
 * err set on an error (a damaged end marker after the skips too). */
static long block_sums(const void *bytes, size_t len, rs_error *err, double *qty, double *price, int *missing)
{
    rs_in *in;
    rs_frame_reader *r = frame_reader_of_bytes(bytes, len, &in, err);
    rs_record rec;
    long rows = r && rs_frame_reader_next(r, &rec, err) == 1 ? 1 : -1;
    double scratch[8192];
    *qty = *price = 0, *missing = 0;
    for (long n; rows > 0 && (n = rs_frame_reader_block_rows(r, err)) != 0; rows += n) {
        const double *q = n > 0 && n <= 8192 ? rs_frame_reader_block_numbers(r, 1, (size_t)n, scratch) : NULL;
        for (long i = 0; q && i < n; i++)
            *missing += isnan(q[i]), *qty += isnan(q[i]) ? 0 : q[i];
        const double *p = q ? rs_frame_reader_block_numbers(r, 2, (size_t)n, NULL) : NULL;   /* f64: in place */
        for (long i = 0; p && i < n; i++)
            *missing += isnan(p[i]), *price += isnan(p[i]) ? 0 : p[i];
        if (!p) {
            rows = -1;
            break;
        }
        rs_frame_reader_skip(r, (size_t)n);
    }
    rs_frame_reader_free(r);
    rs_in_free(in);
    return rows;
}

/* Row `want` read as a record after skipping to it block by block: its
 * qty text and line into out. */
static void skip_to(const void *bytes, size_t len, long want, char *out, size_t cap)
{
    rs_error err;
    rs_in *in;
    rs_frame_reader *r = frame_reader_of_bytes(bytes, len, &in, &err);
    rs_record rec;
    long at = 0, n;
    while (r && at < want && (n = rs_frame_reader_block_rows(r, &err)) > 0) {
        long step = want - at < n ? want - at : n;
        rs_frame_reader_skip(r, (size_t)step);
        at += step;
    }
    if (r && rs_frame_reader_next(r, &rec, &err) == 1)
        snprintf(out, cap, "%.*s@%ld", (int)rec.fields[1].len, rec.fields[1].ptr, rec.line);
    rs_frame_reader_free(r);
    rs_in_free(in);
}

int main(void)
{
    rs_error err;
    char path[] = "/tmp/rs-frame.XXXXXX";
    close(mkstemp(path));
    rs_out *out = rs_out_open(path, &err);
    const char *names[] = {"user", "qty", "price", "score"};
    rs_col_type types[] = {RS_COL_STR, RS_COL_I64, RS_COL_F64, RS_COL_F32};
    rs_frame_writer *w = rs_frame_writer_new(out, 4, names, types, &err);
    int ok = 1;
    for (int i = 0; i < 20000; i++) {
        char user[16], qty[16], price[32];
        snprintf(user, sizeof user, "u%d", i);
        snprintf(qty, sizeof qty, "%d", i - 10000);
        snprintf(price, sizeof price, "%d.25", i);
        rs_field f[4] = {{user, strlen(user)}, {qty, strlen(qty)}, {price, strlen(price)}, {"0.1", 3}};
        if (i == 7)
            f[1].len = f[2].len = 0;   /* missing values */
        ok &= rs_frame_writer_add_text(w, f, &err) == RS_OK;
    }
    rs_field bad[4] = {{"u", 1}, {"x", 1}, {"1", 1}, {"1", 1}};
    CHECK(rs_frame_writer_add_text(w, bad, &err) == RS_EDATA && strstr(err.msg, "qty"),
          "text that is not a number in an i64 column is an error naming the column");
    ok &= rs_frame_writer_finish(w, &err) == RS_OK && rs_out_commit(out, &err) == RS_OK;
    rs_frame_writer_free(w);
    CHECK(ok, "20000 rows written in 3 blocks");

    size_t len;
    char *bytes = slurp(path, &len);
    unlink(path);
    char row[256] = "";
    CHECK(read_all(bytes, len, &err, row, sizeof row) == 20000, "all rows read back");
    CHECK(strcmp(row, "u0|-10000|0.25|0.1") == 0, "values read back as canonical text (got %s)", row);
    CHECK(len % 8 == 0 && memcmp(bytes, RS_FRAME_MAGIC, 8) == 0, "magic and 8-byte alignment");
    double v[4] = {0};
    CHECK(numbers_at(bytes, len, 12345, 0, v) == 3 && v[0] == 2345 && v[1] == 12345.25 && v[2] == 0.1f,
          "i64, f64 and f32 columns read as numbers in one call, the text left empty (%g %g %g)", v[0], v[1], v[2]);
    CHECK(numbers_at(bytes, len, 7, 0, v) == 3 && isnan(v[0]) && isnan(v[1]) && v[2] == 0.1f,
          "missing i64 and f64 values read as NaN");
    CHECK(numbers_at(bytes, len, 0, 1, v) == 2, "a text column among them: 0 (read its text)");

    double qty, price;
    int missing;
    long by_blocks = block_sums(bytes, len, &err, &qty, &price, &missing);
    /* rows 1..19999 but 7: qty i - 10000 sums to 0 - (7 - 10000); price i + 0.25 to
     * 19999 * 20000 / 2 - 7 + 0.25 * 19998 */
    CHECK(by_blocks == 20000 && qty == 0 - (7 - 10000) && missing == 2,
          "a block at a time: 20000 rows, the i64 column's sum %g, its and the f64 column's missing row as NaN "
          "(%d), the end marker's count still checked", qty, missing);
    CHECK(price == 19999.0 * 20000 / 2 - 7 + 0.25 * 19998, "the f64 column read in place sums to %.2f", price);
    char at[64] = "";
    skip_to(bytes, len, 12344, at, sizeof at);
    CHECK(strcmp(at, "2344@12346") == 0, "skipping 12344 rows across a block: the next record is row 12344 "
          "(qty 2344) at line 12346 (got %s)", at);
    CHECK(block_sums(bytes, len - 16, &err, &qty, &price, &missing) == -1 && strstr(err.msg, "truncated"),
          "a block at a time, a file without its end marker is an error: %s", err.msg);

    long rows = read_all(bytes, len - 9, &err, NULL, 0);
    CHECK(rows == -1 && strstr(err.msg, "truncated"), "a file cut short is an error: %s", err.msg);
    rows = read_all(bytes, len - 16, &err, NULL, 0);
    CHECK(rows == -1 && strstr(err.msg, "truncated"), "a file without its end marker is an error");

    char *damaged = malloc(len);
    memcpy(damaged, bytes, len);
    damaged[len / 2] ^= 0x40;
    CHECK(read_all(damaged, len, &err, NULL, 0) == -1 && strstr(err.msg, "corrupt"),
          "a flipped bit in a block is caught by its checksum: %s", err.msg);
    memcpy(damaged, bytes, len);
    damaged[20] ^= 0x01;   /* inside the column names */
    CHECK(read_all(damaged, len, &err, NULL, 0) == -1 && strstr(err.msg, "corrupt"), "header damage is caught");
    memcpy(damaged, bytes, len);
    damaged[8] = 3;        /* version 3 */
    CHECK(read_all(damaged, len, &err, NULL, 0) == -1 && strstr(err.msg, "version 3") && strstr(err.msg, "upgrade"),
          "a newer version names both versions: %s", err.msg);
    free(damaged);
    free(bytes);
    return tap_done();
}
