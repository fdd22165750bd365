/* csv.h — streaming RFC 4180 reader (on libcsv) and field writer.
 *
 * The reader yields one rs_record at a time with the line it starts on; a
 * quoted newline does not confuse the count.  Delimiters: any single byte,
 * or the two-byte "::" of MovieLens .dat files (which are not quoted).  CRLF
 * and LF endings, a UTF-8 BOM, and blank lines (skipped, but counted as
 * lines) are handled.  A field longer than max_field bytes is an error, so a
 * stray quote cannot swallow the whole input into memory. */
#ifndef RS_CSV_H
#define RS_CSV_H

#include "error.h"
#include "io/io.h"
#include "io/record.h"

typedef struct {
    char delim[3];       /* "," "\t" ";" "|" "::" ... NUL-terminated */
    size_t max_field;    /* bytes; 0 means the default */
    int libcsv_only;     /* tests: parse every line with libcsv (the reference) */
} rs_csv_options;

enum { RS_CSV_DEFAULT_MAX_FIELD = 1 << 20 };

/* Parse a --delimiter argument: one byte, "\t", "tab", or "::". */
rs_status rs_csv_parse_delim(const char *arg, char out[3], rs_error *err);

typedef struct rs_csv_reader rs_csv_reader;

/* The reader borrows in; prefix (may be empty) holds bytes already read
 * from it (format sniffing) and is parsed first. */
rs_csv_reader *rs_csv_reader_new(rs_in *in, const rs_csv_options *opt, const void *prefix,
                                 size_t prefix_len, rs_error *err);
void rs_csv_reader_free(rs_csv_reader *r);
/* 1: *rec holds the next record (valid until the next call); 0: end; -1: error. */
int rs_csv_reader_next(rs_csv_reader *r, rs_record *rec, rs_error *err);
/* The input starts inside a file, at a record boundary on this line: no
 * byte-order mark is looked for, lines count from here. */
void rs_csv_reader_start_at(rs_csv_reader *r, long line);
/* After next() returned 0 or -1: the input ended inside a quoted field (a
 * part of a file cut where a quoted newline stands, or an unterminated quote). */
int rs_csv_reader_in_quote(const rs_csv_reader *r);
/* Push back the record the last successful next() returned. */
void rs_csv_reader_unread(rs_csv_reader *r);
/* Blank lines skipped so far. */
long rs_csv_reader_blank_lines(const rs_csv_reader *r);
/* Start again from the beginning (the input must be rewindable). */
rs_status rs_csv_reader_rewind(rs_csv_reader *r, rs_error *err);

/* Write one field, quoted when it holds the delimiter, a quote, CR or LF. */
void rs_csv_write_field(rs_out *out, const char *s, size_t len);
/* Write a record: fields joined by ',' and ended by '\n'.  plain: the
 * caller knows no field needs quoting (no , " CR LF), so none is scanned. */
void rs_csv_write_record(rs_out *out, const rs_field *fields, size_t n_fields, int plain);

#endif
