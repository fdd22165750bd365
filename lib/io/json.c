#include "io/json.h"

#include "utf8.h"

#include <stdio.h>

void rs_json_write_string(rs_out *out, const char *s, size_t len)
{
    rs_out_putc(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            rs_out_putc(out, '\\');
            rs_out_putc(out, (char)c);
        } else if (c < 0x20) {
            char esc[8];
            int n = snprintf(esc, sizeof esc, "\\u%04x", c);
            rs_out_write(out, esc, (size_t)n);
        } else if (c < 0x80) {
            rs_out_putc(out, (char)c);
        } else {
            size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            if (i + n <= len && rs_utf8_valid(s + i, n)) {
                rs_out_write(out, s + i, n);
                i += n - 1;
            } else {
                rs_out_write(out, "\xEF\xBF\xBD", 3);
            }
        }
    }
    rs_out_putc(out, '"');
}
