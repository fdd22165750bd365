/* num.h — strict number parsing and canonical number formatting.
 *
 * Parsers take (pointer, length) because CSV fields are not NUL-terminated.
 * They accept exactly one number and nothing else: no surrounding spaces, no
 * hex, no inf/nan.  They return 0 on success, -1 otherwise. */
#ifndef RS_NUM_H
#define RS_NUM_H

#include <stddef.h>
#include <stdint.h>

/* Decimal number, optional sign and exponent; must be finite. */
int rs_parse_f64(const char *s, size_t len, double *out);

/* Integer; a zero fraction is allowed ("17850.0" is 17850) because exports
 * often write integer ids as floats. */
int rs_parse_i64(const char *s, size_t len, int64_t *out);

/* Shortest text that reads back as the same double, plain decimal for
 * 1e-6 <= |x| < 1e21 and exponent form ("1.5e-7", "2e+21") otherwise, like
 * JavaScript's Number.toString.  buf holds at least RS_NUM_BUF bytes.
 * Returns the length (no NUL counted; one is written). */
enum { RS_NUM_BUF = 40 };
size_t rs_format_f64(double x, char *buf);
size_t rs_format_f32(float x, char *buf);   /* shortest for a float */
size_t rs_format_i64(int64_t x, char *buf);

/* rs_format_f32's significant digits by exact integer arithmetic (num_f32.c):
 * ndig digits (trailing zeros dropped) of |x| = 0.DIGITS x 10^point, the same
 * as its printf/strtof loop gives; 0 outside 2^-21 <= |x| < 2^126. */
int rs_f32_digits(float x, char digits[9], int *point);

/* True when s is already what rs_format_f64 would write for its value, so
 * writers can pass it through without a parse/format round trip. */
int rs_f64_text_is_canonical(const char *s, size_t len);
int rs_i64_text_is_canonical(const char *s, size_t len);

/* Command-line numbers: whole string, range-checked.  0 or -1. */
int rs_parse_long_arg(const char *arg, long min, long max, long *out);
int rs_parse_double_arg(const char *arg, double *out);

#endif
