/* UTF-8 validation per RFC 3629. */
#include "tap.h"
#include "utf8.h"

static int valid(const char *s)
{
    return rs_utf8_valid(s, strlen(s));
}

int main(void)
{
    CHECK(valid("") && valid("plain ascii text, long enough for the 8-byte path"), "ASCII");
    CHECK(valid("\xC2\xA3 5") && valid("caf\xC3\xA9") && valid("\xE2\x82\xAC") && valid("\xF0\x9F\x9B\x92"),
          "2, 3 and 4-byte sequences (pound, e-acute, euro, cart emoji)");
    CHECK(!valid("\xA3") && !valid("caf\xE9") && !valid("\xC3") && !valid("\xE2\x82"),
          "Latin-1 bytes and truncated sequences are invalid");
    CHECK(!valid("\xC0\xAF") && !valid("\xE0\x80\xAF") && !valid("\xF0\x80\x80\xAF"), "overlong forms are invalid");
    CHECK(!valid("\xED\xA0\x80") && !valid("\xF4\x90\x80\x80") && !valid("\xF5\x80\x80\x80"),
          "surrogates and code points above U+10FFFF are invalid");
    CHECK(!valid("0123456789abcdef\xFF"), "a bad byte after the fast ASCII path is found");
    return tap_done();
}
