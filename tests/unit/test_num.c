/* Strict number parsing and shortest formatting. */
#include "num.h"
#include "tap.h"

#include <math.h>
#include <stdint.h>

static int f64_ok(const char *s, double want)
{
    double v;
    return rs_parse_f64(s, strlen(s), &v) == 0 && v == want;
}

static int f64_bad(const char *s)
{
    double v;
    return rs_parse_f64(s, strlen(s), &v) < 0;
}

static int fmt_is(double x, const char *want)
{
    char buf[RS_NUM_BUF];
    size_t n = rs_format_f64(x, buf);
    int ok = n == strlen(want) && strcmp(buf, want) == 0;
    if (!ok)
        printf("# format %.17g gave '%s', want '%s'\n", x, buf, want);
    return ok;
}

static uint64_t rng_state = 88172645463325252ull;
static uint64_t next_u64(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

int main(void)
{
    CHECK(f64_ok("2.55", 2.55) && f64_ok("-3", -3) && f64_ok("1e3", 1000) && f64_ok("+.5", 0.5),
          "decimal numbers parse");
    CHECK(f64_ok("123456789012345", 123456789012345.0), "15-digit integers parse exactly");
    CHECK(f64_bad("") && f64_bad(" 1") && f64_bad("1 ") && f64_bad("0x1A") && f64_bad("inf") &&
              f64_bad("nan") && f64_bad("1e") && f64_bad(".") && f64_bad("1,5") && f64_bad("1e999"),
          "empty, spaced, hex, inf, nan, partial and overflowing numbers are rejected");

    int64_t v;
    CHECK(rs_parse_i64("17850.0", 7, &v) == 0 && v == 17850, "17850.0 is the int 17850");
    CHECK(rs_parse_i64("-42", 3, &v) == 0 && v == -42, "negative ints");
    CHECK(rs_parse_i64("9223372036854775807", 19, &v) == 0 && v == INT64_MAX, "INT64_MAX");
    CHECK(rs_parse_i64("-9223372036854775808", 20, &v) == 0 && v == INT64_MIN, "INT64_MIN");
    CHECK(rs_parse_i64("9223372036854775808", 19, &v) < 0, "overflow is rejected");
    CHECK(rs_parse_i64("17850.5", 7, &v) < 0 && rs_parse_i64("1e3", 3, &v) < 0 &&
              rs_parse_i64("", 0, &v) < 0 && rs_parse_i64("-", 1, &v) < 0,
          "fractions, exponents, empty and bare signs are not ints");

    CHECK(fmt_is(0.1, "0.1") && fmt_is(2.55, "2.55") && fmt_is(-3, "-3") && fmt_is(0, "0") &&
              fmt_is(-0.0, "0"),
          "shortest formatting of simple values");
    CHECK(fmt_is(0.1 + 0.2, "0.30000000000000004"), "17 digits when 15 and 16 do not read back");
    CHECK(fmt_is(1e21, "1e+21") && fmt_is(1e20, "100000000000000000000") &&
              fmt_is(1e-7, "1e-7") && fmt_is(1.5e-7, "1.5e-7") && fmt_is(0.000001, "0.000001"),
          "plain layout for 1e-6 <= |x| < 1e21, exponent form outside (as JavaScript)");
    char buf[RS_NUM_BUF];
    CHECK(rs_format_f64(NAN, buf) == 0 && buf[0] == '\0', "NaN (missing) formats as empty");
    CHECK(rs_format_f32(0.1f, buf) == 3 && strcmp(buf, "0.1") == 0, "shortest float32 text");

    /* invariant: format(x) reads back as x, for random bit patterns */
    int roundtrip_ok = 1, canonical_ok = 1;
    for (int i = 0; i < 200000; i++) {
        uint64_t bits = next_u64();
        double x;
        memcpy(&x, &bits, 8);
        if (!isfinite(x))
            continue;
        size_t n = rs_format_f64(x, buf);
        double back;
        if (rs_parse_f64(buf, n, &back) < 0 || back != x)
            roundtrip_ok = 0;
    }
    CHECK(roundtrip_ok, "format then parse returns the same double (200000 random doubles)");

    /* invariant: text judged canonical is exactly what the formatter writes */
    for (int i = 0; i < 200000 && canonical_ok; i++) {
        char s[40];
        int int_digits = (int)(next_u64() % 8), frac_digits = (int)(next_u64() % 9);
        size_t n = 0;
        if (next_u64() % 2)
            s[n++] = '-';
        for (int k = 0; k < int_digits; k++)
            s[n++] = (char)('0' + next_u64() % 10);
        if (int_digits == 0)
            s[n++] = '0';
        if (frac_digits) {
            s[n++] = '.';
            for (int k = 0; k < frac_digits; k++)
                s[n++] = (char)('0' + next_u64() % 10);
        }
        s[n] = '\0';
        double x;
        if (rs_parse_f64(s, n, &x) < 0)
            continue;
        size_t m = rs_format_f64(x, buf);
        int same = m == n && memcmp(buf, s, n) == 0;
        if (rs_f64_text_is_canonical(s, n) != same) {
            printf("# '%s': canonical=%d but formatter wrote '%s'\n", s, rs_f64_text_is_canonical(s, n), buf);
            canonical_ok = 0;
        }
    }
    CHECK(canonical_ok, "rs_f64_text_is_canonical agrees with the formatter (200000 random decimals)");
    /* the fast paths against references: strtod for parsing, the smallest
     * %.{p}g that reads back for the digit count of formatting */
    int parse_same = 1, digits_minimal = 1;
    for (int i = 0; i < 300000; i++) {
        char s[40];
        int int_digits = 1 + (int)(next_u64() % 9), frac_digits = (int)(next_u64() % 7);
        long long whole = (long long)(next_u64() % 1000000000ull) % (long long)pow(10, int_digits);
        long long frac = frac_digits ? (long long)(next_u64() % (unsigned long long)pow(10, frac_digits)) : 0;
        int n = frac_digits ? snprintf(s, sizeof s, "%s%lld.%0*lld", next_u64() % 2 ? "-" : "", whole, frac_digits, frac)
                            : snprintf(s, sizeof s, "%lld", whole);
        double fast, ref = strtod(s, NULL);
        if (rs_parse_f64(s, (size_t)n, &fast) < 0 || fast != ref) {
            printf("# parse '%s': %.17g, strtod %.17g\n", s, fast, ref);
            parse_same = 0;
        }
        int p = 1;
        char g[40];
        for (; p < 17; p++) {
            snprintf(g, sizeof g, "%.*g", p, ref);
            if (strtod(g, NULL) == ref)
                break;
        }
        size_t m = rs_format_f64(ref, buf);
        int sig = 0, leading = 1;
        for (size_t k = 0; k < m; k++) {
            if (buf[k] < '0' || buf[k] > '9')
                continue;
            if (leading && buf[k] == '0')
                continue;
            leading = 0;
            sig++;
        }
        /* trailing zeros of an integer are layout, not precision */
        for (size_t k = m; k > 0 && !strchr(buf, '.') && buf[k - 1] == '0'; k--)
            sig--;
        if (ref != 0 && sig != p) {
            printf("# format %.17g: '%s' has %d digits, shortest has %d\n", ref, buf, sig, p);
            digits_minimal = 0;
        }
        if (!parse_same || !digits_minimal)
            break;
    }
    CHECK(parse_same, "the fast decimal parser equals strtod (300000 random short decimals)");
    CHECK(digits_minimal, "formatting uses the fewest significant digits that read back");

    CHECK(rs_i64_text_is_canonical("17850", 5) && !rs_i64_text_is_canonical("017850", 6) &&
              !rs_i64_text_is_canonical("17850.0", 7) && !rs_i64_text_is_canonical("-0", 2) &&
              rs_i64_text_is_canonical("0", 1),
          "canonical int text");

    long l;
    double d;
    CHECK(rs_parse_long_arg("12", 0, 100, &l) == 0 && l == 12, "CLI integer");
    CHECK(rs_parse_long_arg("12x", 0, 100, &l) < 0 && rs_parse_long_arg("101", 0, 100, &l) < 0 &&
              rs_parse_long_arg("", 0, 100, &l) < 0 && rs_parse_long_arg("99999999999999999999", 0, 100, &l) < 0,
          "CLI integers: trailing junk, out of range, empty, overflow rejected");
    CHECK(rs_parse_double_arg("1.5", &d) == 0 && d == 1.5 && rs_parse_double_arg("1.5k", &d) < 0,
          "CLI doubles");
    return tap_done();
}
