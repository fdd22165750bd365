/* libFuzzer harness: the table reader (CSV with libcsv and the fast path)
 * and the numeric row parser must reject any bytes cleanly, with every
 * delimiter -d accepts and every reader option.
 *
 * Input: byte 0 is the delimiter (any byte rs_csv_parse_delim accepts; 0
 * means "::"; '"', CR and LF, which it refuses, mean ','), byte 1 the
 * options (bit 0 --no-header, bit 1 libcsv only, bit 2 read twice with a
 * rewind, bits 3-4 --max-field 65536, 1, 7 or 1048576), the rest the file.
 * tests/fuzz/replay.c runs it outside libFuzzer. */
#include "io/dataset.h"
#include "io/table.h"

#include "fuzz_file.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read every record as the tools do: width check, then numbers. */
static void read_all(rs_table *t, rs_error *err)
{
    rs_record rec;
    size_t cols[8];
    float row[8];
    size_t n = rs_table_n_cols(t) < 8 ? rs_table_n_cols(t) : 8;
    for (size_t j = 0; j < n; j++)
        cols[j] = j;
    while (rs_table_next(t, &rec, err) == 1)
        if (rs_table_check_width(t, &rec, err) == RS_OK && rs_row_parse(t, &rec, cols, n, row, err) != RS_OK &&
            n > 0)
            (void)rs_table_bad_field(t, &rec, 0, "a number", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t max_fields[4] = {1 << 16, 1, 7, RS_CSV_DEFAULT_MAX_FIELD};
    if (size < 2)
        return 0;
    rs_table_options opt = {0};
    char arg[2] = {(char)data[0], '\0'};
    rs_error err = {0};
    if (data[0] == 0)
        (void)rs_csv_parse_delim("::", opt.csv.delim, &err);
    else if (rs_csv_parse_delim(arg, opt.csv.delim, &err) != RS_OK)
        (void)rs_csv_parse_delim(",", opt.csv.delim, &err);
    opt.no_header = data[1] & 1;
    opt.csv.libcsv_only = (data[1] >> 1) & 1;
    opt.rewindable = (data[1] >> 2) & 1;
    opt.csv.max_field = max_fields[(data[1] >> 3) & 3];

    char path[] = "/tmp/rs-fuzz-csv.XXXXXX";
    if (fuzz_file_write(data + 2, size - 2, path) < 0)
        return 0;
    rs_table *t = rs_table_open(path, &opt, &err);
    if (t) {
        size_t col;
        if (rs_table_n_cols(t) > 0)
            (void)rs_table_find_col(t, rs_table_col_name(t, 0), "--fuzz", &col, &err);
        (void)rs_table_find_col(t, "c1", "--fuzz", &col, &err);
        read_all(t, &err);
        if (opt.rewindable && rs_table_rewind(t, &err) == RS_OK)
            read_all(t, &err);
        (void)rs_table_blank_lines(t);
        rs_table_free(t);
    }
    unlink(path);
    return 0;
}
