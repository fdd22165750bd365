/* libFuzzer harness: the table reader (CSV with libcsv and the fast path,
 * rsf frames) and the numeric row parser must reject any bytes cleanly. */
#include "io/dataset.h"
#include "io/table.h"

#include "fuzz_file.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/rs-fuzz-csv.XXXXXX";
    if (fuzz_file_write(data, size, path) < 0)
        return 0;
    rs_error err = {0};
    rs_table_options opt = {0};
    opt.csv.delim[0] = ',';
    opt.csv.max_field = 1 << 16;
    rs_table *t = rs_table_open(path, &opt, &err);
    if (t) {
        rs_record rec;
        size_t cols[8];
        float row[8];
        size_t n = rs_table_n_cols(t) < 8 ? rs_table_n_cols(t) : 8;
        for (size_t j = 0; j < n; j++)
            cols[j] = j;
        while (rs_table_next(t, &rec, &err) == 1)
            if (rs_table_check_width(t, &rec, &err) == RS_OK)
                (void)rs_row_parse(t, &rec, cols, n, row, &err);
        rs_table_free(t);
    }
    unlink(path);
    return 0;
}
