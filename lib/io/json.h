/* json.h — the little JSON output rs needs: escaped strings. */
#ifndef RS_JSON_H
#define RS_JSON_H

#include "io/io.h"

/* s as a JSON string literal, quotes included; bytes that are not valid
 * UTF-8 are written as U+FFFD so the document stays valid. */
void rs_json_write_string(rs_out *out, const char *s, size_t len);

#endif
