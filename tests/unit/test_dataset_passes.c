/* test_dataset_passes.c — a table read in passes (dataset.h): each read
 * hands over every row's features, the dataset of the first read outlives
 * rs_dataset_passes_close (which lets the reader's buffers go), and a read
 * after it is an error, not a crash. */
#include "io/dataset.h"

#include "tap.h"

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

int main(void)
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
    return tap_done();
}
