/* table.h — a named-column table read from CSV or rsf, and written to
 * either.
 *
 * rs_table_open sniffs the first bytes: the rsf magic selects the binary
 * reader, anything else is CSV.  Every tool reads through this, so every
 * tool accepts both formats on input without being told. */
#ifndef RS_TABLE_H
#define RS_TABLE_H

#include "io/csv.h"
#include "io/frame.h"

typedef enum { RS_FORMAT_CSV, RS_FORMAT_RSF } rs_format;

typedef struct {
    rs_csv_options csv;
    int no_header;      /* CSV only: columns are named c1..cN */
    int rewindable;     /* the caller will rewind (multi-pass) */
} rs_table_options;

typedef struct rs_table rs_table;

rs_table *rs_table_open(const char *path, const rs_table_options *opt, rs_error *err);
void rs_table_free(rs_table *t);

size_t rs_table_n_cols(const rs_table *t);
const char *rs_table_col_name(const rs_table *t, size_t col);
/* RS_COL_STR for every CSV column; the stored type for rsf. */
rs_col_type rs_table_col_type(const rs_table *t, size_t col);
const char *rs_table_name(const rs_table *t);   /* "-" for stdin */
int rs_table_is_frame(const rs_table *t);       /* rsf: the names are the file's own */
/* rsf: (n_cols) 1 for a dictionary column (frame.h); NULL for CSV. */
const unsigned char *rs_table_frame_dict(const rs_table *t);

/* Column index, or RS_EUSAGE naming the option and listing the columns that
 * exist (or saying the name is ambiguous). */
rs_status rs_table_find_col(const rs_table *t, const char *name, const char *option,
                            size_t *col, rs_error *err);

/* 1 and *col when a column is named exactly name (the first such), else 0:
 * for optional columns, where absence is not an error. */
int rs_table_has_col(const rs_table *t, const char *name, size_t *col);

/* 1 record, 0 end, -1 error.  The record is valid until the next call. */
int rs_table_next(rs_table *t, rs_record *rec, rs_error *err);
/* rsf input: read numeric column col as a number with rs_table_number,
 * its text field left empty (no formatting): 1.  0 for CSV input or a text
 * column (read its text), -1 when out of memory. */
int rs_table_numbers_direct(rs_table *t, size_t col, rs_error *err);
/* The current record's number in a direct column (NaN: missing): 1, or 0
 * when the column is not direct (read its text). */
int rs_table_number(const rs_table *t, size_t col, double *value);
/* The same for n direct columns at once: 1, or 0 when one is not. */
int rs_table_numbers(const rs_table *t, const size_t *cols, size_t n, double *values);
rs_status rs_table_rewind(rs_table *t, rs_error *err);
/* rsf input, a block at a time (frame.h): the rows of the current block
 * not yet returned (0 at the end or for CSV, -1 on error), the next n of
 * them in numeric column col as numbers (in the block, or in values; NULL:
 * not available), and skipping them as n calls of rs_table_next would. */
long rs_table_block_rows(rs_table *t, rs_error *err);
const double *rs_table_block_numbers(const rs_table *t, size_t col, size_t n, double *values);
void rs_table_skip(rs_table *t, size_t n);
long rs_table_blank_lines(const rs_table *t);

/* RS_OK when rec is as wide as the header, else RS_EDATA
 * "FILE:LINE: expected N fields, got M (clean the table with rs-clean first)". */
rs_status rs_table_check_width(const rs_table *t, const rs_record *rec, rs_error *err);
/* RS_EDATA "FILE:LINE: column NAME: 'VALUE' is not WHAT" (VALUE cut at 40 bytes). */
rs_status rs_table_bad_field(const rs_table *t, const rs_record *rec, size_t col, const char *what,
                             rs_error *err);

/* Parse a --format argument. */
rs_status rs_format_parse(const char *arg, rs_format *fmt, rs_error *err);

typedef struct rs_table_writer rs_table_writer;

/* Writes the header now.  The writer borrows out. */
rs_table_writer *rs_table_writer_new(rs_out *out, rs_format fmt, size_t n_cols,
                                     const char *const *names, const rs_col_type *types,
                                     rs_error *err);
/* plain: the caller knows no field needs CSV quoting (see RS_REC_SPECIAL). */
rs_status rs_table_writer_write(rs_table_writer *w, const rs_field *fields, int plain,
                                rs_error *err);
rs_status rs_table_writer_finish(rs_table_writer *w, rs_error *err);
void rs_table_writer_free(rs_table_writer *w);

/* An output table: the file (atomic) and its writer together. */
typedef struct {
    rs_out *out;
    rs_table_writer *writer;
} rs_table_sink;

rs_status rs_table_sink_open(rs_table_sink *sink, const char *path, rs_format fmt, size_t n_cols,
                             const char *const *names, const rs_col_type *types, rs_error *err);
/* Finish the table and rename the file into place. */
rs_status rs_table_sink_commit(rs_table_sink *sink, rs_error *err);
/* Free; an uncommitted file is removed.  Safe on a zeroed sink. */
void rs_table_sink_close(rs_table_sink *sink);

#endif
