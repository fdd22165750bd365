/* clean_range.h — clean one byte range of a CSV file that starts at a
 * record boundary (a part of the input under -j).
 *
 * Lines that hold no quote, CR or NUL and end in '\n' are split where they
 * lie (one SSE2 scan finds the newline and the commas) and judged without
 * copying a byte; a run of kept rows whose output is their input line is
 * written with one copy.  Every other line, and the lines a quoted field
 * spans from it, go through the libcsv reader (rs_csv_reader), which is
 * what -j 1 reads with, so the records are the same. */
#ifndef RS_CLEAN_RANGE_H
#define RS_CLEAN_RANGE_H

#include "clean/clean_impl.h"

typedef struct {
    const char *data;   /* (len) bytes; the range may continue in the file */
    size_t len;
    long first_line;
    int file_start;     /* the range starts the file: a BOM may stand first */
    int last;           /* the range ends the input */
} clean_range;

/* What a thread keeps from range to range: no allocation per range. */
typedef struct {
    rs_in *in;
    rs_csv_reader *reader;
    rs_field *fields;   /* (fields_cap) a fast line's fields */
    size_t fields_cap;
    /* the range's output in order: runs of kept lines where they lie in
     * the range, and stretches of the cleaner's memory output between */
    rs_out_piece *pieces;   /* (n_pieces, pieces_cap) */
    size_t n_pieces, pieces_cap;
    size_t mem_mark;        /* memory output bytes already in a piece */
} range_parser;

typedef struct {
    int in_quote;       /* the range (not the last) ended inside a quoted field */
    long blank_lines;
} range_result;

/* Clean every record of range into w's outputs and counts; the output is
 * rp's pieces (rs_out_move_pieces), valid while range's bytes are. */
rs_status rs_clean_range(cleaner *w, range_parser *rp, const clean_range *range, range_result *res,
                         rs_error *err);
void rs_range_parser_free(range_parser *rp);
/* The '\n' bytes in p[0, len). */
long rs_clean_count_newlines(const char *p, size_t len);

#endif
