/* record.h — one row of text fields, as every reader yields it. */
#ifndef RS_RECORD_H
#define RS_RECORD_H

#include <stddef.h>

typedef struct {
    const char *ptr;   /* not NUL-terminated */
    size_t len;
} rs_field;

/* What one scan of a record's bytes found, so later stages can skip work
 * on the plain rows that are almost all of any file.  A reader that did not
 * scan sets RS_REC_NON_ASCII | RS_REC_SPECIAL (check everything). */
enum {
    RS_REC_NUL = 1,        /* a NUL byte */
    RS_REC_NEWLINE = 2,    /* a CR or LF inside a field */
    RS_REC_NON_ASCII = 4,  /* a byte >= 0x80 (UTF-8 must be checked) */
    RS_REC_SPECIAL = 8     /* a byte CSV output must quote: , " CR LF */
};

typedef struct {
    rs_field *fields;  /* (n_fields), owned by the reader */
    size_t n_fields;
    long line;         /* input line where the record starts (1-based) */
    unsigned flags;    /* RS_REC_* */
} rs_record;

#endif
