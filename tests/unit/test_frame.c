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
