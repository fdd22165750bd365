/* frame.h — rsf, the binary frame format between rs tools.
 *
 * Layout (all integers little-endian; every section starts 8-byte aligned):
 *
 *   header  magic "\x89RSF\r\n\x1a\n" (8)  version u32  n_cols u32
 *           per column: type u8, dict u8, name_len u16, name bytes
 *           zero padding to 8, checksum u64 (rs_hash64 of everything before)
 *   block   n_rows u32 (> 0)  payload_bytes u32
 *           payload: in version 2, first per dictionary column n_new u32,
 *           coded u32; then per column, in order, padded to 8:
 *             i64 / f64: n_rows x 8 bytes     f32: n_rows x 4 bytes
 *             str: (n_rows + 1) x u32 offsets, then the bytes
 *             dictionary column, coded 1: its n_new new entries as a str
 *               column of n_new rows, then n_rows x u32 codes;
 *               coded 0: n_new is 0 and the column is laid out as str
 *           checksum u64 (rs_hash64 of the payload)
 *   end     0 u32  0 u32  total_rows u64
 *
 * Missing values: NaN for f32/f64, INT64_MIN for i64, "" for str.  Blocks
 * make the format streamable; the end marker and checksums make a truncated
 * or damaged file an error instead of silently fewer rows.
 *
 * Dictionary columns (version 2) are text columns with few distinct values
 * (user and item ids): each value is stored once, in the block where it is
 * first seen, and rows hold its code — the entries' number in order of
 * first sight over the whole file.  The writer starts every str column as
 * one and stops a dictionary that would outgrow 4M entries or 64 MB, or
 * that holds more than half as many entries as rows after 1M rows (unique
 * keys); later blocks store that column as plain str (coded 0).  A file
 * without str columns is written as version 1, as before. */
#ifndef RS_FRAME_H
#define RS_FRAME_H

#include "error.h"
#include "io/io.h"
#include "io/record.h"

#include <stdint.h>

#define RS_FRAME_MAGIC "\x89RSF\r\n\x1a\n"
enum { RS_FRAME_MAGIC_LEN = 8, RS_FRAME_VERSION = 2 };

typedef enum { RS_COL_STR = 1, RS_COL_I64 = 2, RS_COL_F64 = 3, RS_COL_F32 = 4 } rs_col_type;

#define RS_I64_MISSING INT64_MIN


typedef struct rs_frame_writer rs_frame_writer;

/* The writer borrows out; names and types are copied. */
rs_frame_writer *rs_frame_writer_new(rs_out *out, size_t n_cols, const char *const *names,
                                     const rs_col_type *types, rs_error *err);
/* One row given as text: numeric columns must hold numbers (or be empty =
 * missing); otherwise RS_EDATA naming the column. */
rs_status rs_frame_writer_add_text(rs_frame_writer *w, const rs_field *fields, rs_error *err);
/* Writes the last block and the end marker (does not commit out). */
rs_status rs_frame_writer_finish(rs_frame_writer *w, rs_error *err);
void rs_frame_writer_free(rs_frame_writer *w);

/* Where one column of a block is (rs_frame_block_index). */
typedef struct {
    const unsigned char *data;      /* numbers; a str column's n_rows + 1 offsets; or n_rows codes */
    const unsigned char *bytes;     /* the bytes a str column's offsets index */
    const unsigned char *new_off, *new_bytes;   /* a dictionary block's n_new + 1 offsets and bytes */
    uint32_t n_new;
    int coded;                      /* 1: data holds n_rows u32 codes into the column's dictionary */
} rs_frame_block_col;

/* Lay out a block's columns (payload of size bytes, n_rows rows; dict: the
 * header's dictionary flags, or NULL for none) as the writer lays them out,
 * every offset checked against size (codes are not: they index the
 * dictionary the blocks before built).  NULL, or what is wrong. */
const char *rs_frame_block_index(const rs_col_type *types, const unsigned char *dict, size_t n_cols,
                                 const unsigned char *payload, size_t size, size_t n_rows, rs_frame_block_col *cols);
/* The header's size in a file with these column names. */
size_t rs_frame_header_bytes(const char *const *names, size_t n_cols);

typedef struct rs_frame_reader rs_frame_reader;

/* prefix: bytes already read from in (at least the magic). */
rs_frame_reader *rs_frame_reader_new(rs_in *in, const void *prefix, size_t prefix_len,
                                     rs_error *err);
void rs_frame_reader_free(rs_frame_reader *r);
size_t rs_frame_reader_n_cols(const rs_frame_reader *r);
const char *rs_frame_reader_col_name(const rs_frame_reader *r, size_t col);
rs_col_type rs_frame_reader_col_type(const rs_frame_reader *r, size_t col);
/* (n_cols) 1 for a dictionary column. */
const unsigned char *rs_frame_reader_dict_flags(const rs_frame_reader *r);
/* Next row as text fields (numbers in canonical form); 1, 0 at end, -1. */
int rs_frame_reader_next(rs_frame_reader *r, rs_record *rec, rs_error *err);
rs_status rs_frame_reader_rewind(rs_frame_reader *r, rs_error *err);
/* A block at a time, for readers that take numbers column by column: the
 * rows of the current block not yet returned (the next block is loaded
 * when none are left): their count, 0 at the end, -1 on error. */
long rs_frame_reader_block_rows(rs_frame_reader *r, rs_error *err);
/* Numeric column col of the next n of those rows as numbers (NaN when
 * missing), as rs_frame_reader_number gives them: an f64 column's own
 * doubles in the block (valid until the block is left), another's
 * converted into values (n); NULL for a text column or more rows than are
 * left. */
const double *rs_frame_reader_block_numbers(const rs_frame_reader *r, size_t col, size_t n, double *values);
/* The next n rows of the block (at most those left) returned without text,
 * as n calls of rs_frame_reader_next would; the next call gives the row
 * after them. */
void rs_frame_reader_skip(rs_frame_reader *r, size_t n);
/* Read numeric column col as numbers (rs_frame_reader_number) instead of
 * text: its fields are left empty, which saves formatting every value.
 * 1, or 0 for a text column (left as it is), -1 when out of memory. */
int rs_frame_reader_numbers_direct(rs_frame_reader *r, size_t col, rs_error *err);
/* The current row's value of a direct column into *value (NaN when
 * missing): 1, or 0 when col is not direct. */
int rs_frame_reader_number(const rs_frame_reader *r, size_t col, double *value);
/* The same for n direct columns cols at once: 1, or 0 when one is not. */
int rs_frame_reader_numbers(const rs_frame_reader *r, const size_t *cols, size_t n, double *values);

#endif
