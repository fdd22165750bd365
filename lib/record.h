/* record.h — one row of text fields, as every reader yields it. */
#ifndef RS_RECORD_H
#define RS_RECORD_H

#include <stddef.h>

typedef struct {
    const char *ptr;   /* not NUL-terminated */
    size_t len;
} rs_field;

typedef struct {
    rs_field *fields;  /* (n_fields), owned by the reader */
    size_t n_fields;
    long line;         /* input line where the record starts (1-based) */
    int has_nul;       /* some field holds a NUL byte */
} rs_record;

#endif
