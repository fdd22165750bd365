/* test_dataset_passes.c — a table read in passes (dataset.h): each read
 * hands over every row's features, the dataset of the first read outlives
 * rs_dataset_passes_close (which lets the reader's buffers go), and a read
 * after it is an error, not a crash.  A table that changes between two
 * reads (rs-train's gbdt reads its file twice: another process appending
 * to it or truncating it meanwhile) gives "the table changed while it was
 * read", never rows silently lost or rows past the first read's count
 * taken as data. */
#include "io/dataset.h"

#include "tap.h"

#include <stdio.h>

/* The sum of every feature of every row and the rows seen. */
typedef struct {
    double sum;
    size_t rows;
} tally;

static rs_status add_row(void *ctx, const rs_dataset *d, size_t i, const float *row, rs_error *err)
{
    (void)i, (void)err;
    tally *t = ctx;
    for (size_t j = 0; j < d->n_features; j++)
        t->sum += row[j];
    t->rows++;
    return RS_OK;
}

static void reads_and_close(void)
{
    static const char csv[] = "a,b,y\n1,2,0\n3,4,1\n5,6,1\n";
    const char *path = tap_temp_file(csv, sizeof csv - 1);
    rs_error err;
    rs_table_options opt = {.csv.delim = ","};
    rs_dataset_spec spec = {.label = "y"};
    rs_dataset_passes *ps = rs_dataset_passes_open(path, &opt, &spec, &err);
    CHECK(ps != NULL, "the table opens for passes");
    tally first = {0}, second = {0}, third = {0};
    CHECK(rs_dataset_passes_read(ps, add_row, &first, &err) == RS_OK, "the first read");
    CHECK(first.rows == 3 && first.sum == 21, "the first read sees 3 rows summing to 21 (%zu, %g)", first.rows,
          first.sum);
    CHECK(rs_dataset_passes_read(ps, add_row, &second, &err) == RS_OK, "the second read");
    CHECK(second.rows == 3 && second.sum == 21, "the second read sees the same rows (%zu, %g)", second.rows,
          second.sum);
    unlink(path);
    rs_dataset_passes_close(ps);
    const rs_dataset *d = rs_dataset_passes_data(ps);
    CHECK(d && d->n_rows == 3 && d->y[0] == 0 && d->y[1] == 1 && d->y[2] == 1,
          "the first read's dataset (labels 0, 1, 1) outlives the close");
    CHECK(rs_dataset_passes_read(ps, add_row, &third, &err) == RS_EUSAGE && third.rows == 0,
          "a read after the close is a usage error and reads nothing");
    CHECK(!strcmp(err.msg, "the table was read for the last time already"), "its message: '%s'", err.msg);
    rs_dataset_passes_close(ps);   /* twice: nothing to let go */
    rs_dataset_passes_free(ps);
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
                           tally *second, rs_error *err)
{
    rs_table_options opt = {.csv.delim = ","};
    rs_dataset_spec spec = {.label = "y"};
    rs_dataset_passes *ps = rs_dataset_passes_open(path, &opt, &spec, err);
    tally first = {0};
    CHECK(ps != NULL, "the table opens: %s", err->msg);
    if (!ps)
        return err->code;
    rs_status st = rs_dataset_passes_read(ps, add_row, &first, err);
    CHECK(st == RS_OK && first.rows == 3 && first.sum == 6.0f, "first read: 3 rows, x summing to 6 (got %zu, %g)",
          first.rows, first.sum);
    CHECK(rs_dataset_passes_data(ps) && rs_dataset_passes_data(ps)->n_rows == 3, "the first read's dataset has 3 rows");
    if (change)
        change(path, text);
    st = rs_dataset_passes_read(ps, add_row, second, err);
    rs_dataset_passes_free(ps);
    return st;
}

static void changes_between_reads(void)
{
    static const char table[] = "x,y\n1,0\n2,1\n3,0\n";
    static const struct {
        const char *what;
        void (*change)(const char *, const char *);
        const char *text;
        rs_status status;
        const char *message;   /* a part of it */
        long line;
    } cases[] = {
        {"unchanged", NULL, NULL, RS_OK, "", 0},
        {"grown by 2 rows", append, "4,1\n5,0\n", RS_EDATA, "the table changed while it was read (3 rows, then 5)", 0},
        {"truncated to 1 row", truncate_to, "x,y\n1,0\n", RS_EDATA,
         "the table changed while it was read (3 rows, then 1)", 0},
        {"a cell turned to text", truncate_to, "x,y\n1,0\n2,1\nzz,0\n", RS_EDATA, "column x: 'zz' is not", 4},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const char *path = tap_temp_file(table, sizeof table - 1);
        tally again = {0};
        rs_error err = {0};
        rs_status st = two_reads(path, cases[c].change, cases[c].text, &again, &err);
        CHECK(st == cases[c].status, "%s: status %d (got %d: %s)", cases[c].what, (int)cases[c].status, (int)st,
              err.msg);
        CHECK(strstr(err.msg, cases[c].message) != NULL && err.line == cases[c].line, "%s: message '%s' at line %ld",
              cases[c].what, err.msg, err.line);
        if (st == RS_OK)
            CHECK(again.rows == 3 && again.sum == 6, "%s: the same 3 rows again", cases[c].what);
        else
            CHECK(strcmp(err.file, path) == 0, "%s: the message names the file (%s)", cases[c].what, err.file);
        unlink(path);
    }
}

int main(void)
{
    reads_and_close();
    changes_between_reads();
    return tap_done();
}
