/* clean.h — the rs-clean engine: typed, filtered, deduplicated rows out;
 * every other row to the rejects with its reason; counts that add up.
 *
 * Steps, in this order, for every row:
 *   1 structure   ragged rows and NUL bytes are rejected; bad UTF-8 is
 *                 counted and passed through unchanged
 *   2 --trim, --lower
 *   3 --id-map    aliases in --id-col become canonical ids
 *   4 --require   empty required fields reject the row
 *   5 --fill      empty fields get a value
 *   6 --schema    values are checked and written canonically
 *   7 --keep-if / --drop-if, in the order given
 *   8 --outliers  drop or clip
 *   9 --dedupe    on the output row (or on the given columns)
 *  10 --select / --rename shape the output
 * Options name input columns; --rename changes only the output header.
 *
 * Rules that need statistics (--fill mean|median|mode, --outliers) and
 * --dedupe-keep last read the input more than once (stdin is spooled to a
 * temp file). Statistics come from the rows that pass steps 1-7 (fills not
 * yet applied). */
#ifndef RS_CLEAN_H
#define RS_CLEAN_H

#include "strlist.h"
#include "io/table.h"
#include "io/value.h"

typedef struct {
    const char *expr;
    int keep;            /* 1: --keep-if, 0: --drop-if */
} rs_clean_filter;

typedef struct {
    const char *input;         /* NULL or "-": stdin */
    const char *output;        /* NULL or "-": stdout */
    const char *rejects_path;  /* NULL: rejected rows are only counted */
    const char *report_path;
    rs_table_options table;
    rs_format out_format;
    rs_value_options values;
    rs_strlist schema;         /* COL:TYPE items */
    rs_strlist select, lower, require, dedupe_cols;
    rs_strlist rename;         /* OLD=NEW items */
    rs_strlist fill;           /* COL=VALUE|mean|median|mode items */
    rs_strlist outliers;       /* COL:iqr|zscore|mad[:K][:drop|clip] items */
    rs_clean_filter *filters;  /* (n_filters), in command-line order */
    size_t n_filters;
    int trim, dedupe, dedupe_keep_last, strict;
    const char *id_map_path, *id_col;
    int id_map_strict;
    int threads;               /* -j: the emit pass parses and filters parts of the input in parallel */
    size_t part_bytes;         /* bytes per part for -j (0: the default; tests set it small) */
    /* called with the rows read so far every 65536 rows of the final pass
     * and once at the end (rows_in, done = 1); NULL for none */
    void (*progress)(long rows_in, int done);
} rs_clean_spec;

typedef struct {
    char *name;
    long count;
} rs_clean_count;

typedef struct {
    long rows_in, rows_out, rows_rejected;
    long blank_lines, invalid_utf8_rows, malformed_rows;
    int passes;
    rs_clean_count *rejected;   /* (n_rejected) per reason, in order of first use */
    size_t n_rejected;
    rs_clean_count *filled;     /* (n_filled) per --fill column */
    size_t n_filled;
    rs_clean_count *clipped;    /* (n_clipped) per clipping --outliers column */
    size_t n_clipped;
} rs_clean_report;

void rs_clean_spec_free(rs_clean_spec *spec);

/* Run the whole job.  On success report is filled (free it with
 * rs_clean_report_free) and the outputs are in place; on error nothing is
 * renamed into place. */
rs_status rs_clean_run(const rs_clean_spec *spec, rs_clean_report *report, rs_error *err);
void rs_clean_report_free(rs_clean_report *report);

#endif
