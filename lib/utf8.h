/* utf8.h — UTF-8 validation (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
#ifndef RS_UTF8_H
#define RS_UTF8_H

#include <stddef.h>

/* 1 when s[0..len) is valid UTF-8. */
int rs_utf8_valid(const char *s, size_t len);

#endif
