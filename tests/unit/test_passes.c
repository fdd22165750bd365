/* test_passes.c — a table read in passes (rs_dataset_passes, dataset.h)
 * that changes between two reads: rs-train's gbdt reads its training file
 * twice, and a file another process appends to or truncates meanwhile must
 * give "the table changed while it was read", never rows silently lost or
 * rows beyond the first read's count taken as data. */
#include "io/dataset.h"

#include "tap.h"

#include <stdio.h>

typedef struct {
    size_t calls, last;
    float sum;
} seen;

static rs_status count_row(void *ctx, const rs_dataset *d, size_t i, const float *row, rs_error *err)
{
    (void)d, (void)err;
    seen *s = ctx;
    s->calls++, s->last = i, s->sum += row[0];
    return RS_OK;
}

static void append(const char *path, const char *text)
{
    FILE *f = fopen(path, "a");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

static void truncate_to(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

/* Opens path, reads it once (3 rows expected), lets change() rewrite it,
 * reads it again: the second read's status and message. */
static rs_status two_reads(const char *path, void (*change)(const char *, const char *), const char *text,
                           seen *second, rs_error *err)
{
    rs_table_options opt = {.csv.delim = ","};
    rs_dataset_spec spec = {.label = "y"};
    rs_dataset_passes *ps = rs_dataset_passes_open(path, &opt, &spec, err);
    seen first = {0};
    CHECK(ps != NULL, "the table opens: %s", err->msg);
    if (!ps)
        return err->code;
    rs_status st = rs_dataset_passes_read(ps, count_row, &first, err);
    CHECK(st == RS_OK && first.calls == 3 && first.sum == 6.0f, "first read: 3 rows, x summing to 6 (got %zu, %g)",
          first.calls, (double)first.sum);
    CHECK(rs_dataset_passes_data(ps) && rs_dataset_passes_data(ps)->n_rows == 3, "the first read's dataset has 3 rows");
    if (change)
        change(path, text);
    st = rs_dataset_passes_read(ps, count_row, second, err);
    rs_dataset_passes_free(ps);
    return st;
}

int main(void)
{
    static const char table[] = "x,y\n1,0\n2,1\n3,0\n";
    rs_error err = {0};

    const char *path = tap_temp_file(table, sizeof table - 1);
    seen again = {0};
    rs_status st = two_reads(path, NULL, NULL, &again, &err);
    CHECK(st == RS_OK, "unchanged: the second read passes (%s)", err.msg);
    CHECK(again.calls == 3 && again.last == 2 && again.sum == 6.0f, "unchanged: the same 3 rows again");
    unlink(path);

    path = tap_temp_file(table, sizeof table - 1);
    again = (seen){0};
    rs_error_clear(&err);
    st = two_reads(path, append, "4,1\n5,0\n", &again, &err);
    CHECK(st == RS_EDATA, "grown by 2 rows: an error (status %d)", (int)st);
    CHECK(strstr(err.msg, "the table changed while it was read (3 rows, then 5)") != NULL, "grown: message '%s'",
          err.msg);
    CHECK(err.file && strcmp(err.file, path) == 0, "grown: the message names the file");
    unlink(path);

    path = tap_temp_file(table, sizeof table - 1);
    again = (seen){0};
    rs_error_clear(&err);
    st = two_reads(path, truncate_to, "x,y\n1,0\n", &again, &err);
    CHECK(st == RS_EDATA, "truncated to 1 row: an error (status %d)", (int)st);
    CHECK(strstr(err.msg, "the table changed while it was read (3 rows, then 1)") != NULL,
          "truncated: message '%s'", err.msg);
    unlink(path);

    path = tap_temp_file(table, sizeof table - 1);
    again = (seen){0};
    rs_error_clear(&err);
    st = two_reads(path, truncate_to, "x,y\n1,0\n2,1\nzz,0\n", &again, &err);
    CHECK(st == RS_EDATA, "a cell turned to text: an error (status %d)", (int)st);
    CHECK(err.line == 4 && strstr(err.msg, "'zz'") != NULL, "the changed cell is named at its line: %ld '%s'",
          err.line, err.msg);
    unlink(path);
    return tap_done();
}
