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

/* The printf/strtof loop rs_format_f32 used to run, as the reference for
 * rs_f32_digits: the digits of the first of "%.5e".."%.7e" that strtof reads
 * back as x (else "%.8e"), trailing zeros dropped, and 0.DIGITS x 10^point. */
static int f32_digits_by_printf(float x, char *digits, int *point)
{
    char sci[48];
    int prec = 6;
    for (; prec < 9; prec++) {
        snprintf(sci, sizeof sci, "%.*e", prec - 1, (double)x);
        if (strtof(sci, NULL) == x)
            break;
    }
    snprintf(sci, sizeof sci, "%.*e", prec - 1, (double)x);
    int n = 0;
    const char *p = sci + (sci[0] == '-');
    for (; *p != 'e'; p++)
        if (*p != '.')
            digits[n++] = *p;
    *point = atoi(p + 1) + 1;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    return n;
}

/* rs_f32_digits(x) equals the loop's digits, or declines (0) only outside
 * its range; *declined counts those. */
static int f32_digits_match(float x, long *declined)
{
    char got[9], want[9];
    int gp = 0, wp = 0, n = rs_f32_digits(x, got, &gp);
    if (n == 0) {
        float a = fabsf(x);
        ++*declined;
        int in_range = a >= ldexpf(1, -21) && a < ldexpf(1, 126);
        if (in_range)
            printf("# %.9g declined\n", (double)x);
        return !in_range;
    }
    int m = f32_digits_by_printf(x, want, &wp);
    int ok = n == m && gp == wp && memcmp(got, want, (size_t)n) == 0;
    if (!ok)
        printf("# %.9g: digits %.*s point %d, the printf loop %.*s point %d\n", (double)x, n, got, gp, m, want, wp);
    return ok;
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

    /* the exact float digits against the printf loop: random bit patterns,
     * every float around powers of two and ten (gap changes, carries), ties */
    long declined = 0, compared = 0;
    int f32_same = 1;
    for (int i = 0; i < 300000 && f32_same; i++, compared++) {
        uint32_t bits = (uint32_t)next_u64();
        float x;
        memcpy(&x, &bits, 4);
        f32_same = f32_digits_match(x, &declined);
    }
    for (int e = -22; e <= 127 && f32_same; e++) {
        float x = ldexpf(1, e);
        for (int k = 0; k < 3; k++)
            x = nextafterf(x, 0);
        for (int k = 0; k < 7 && f32_same; k++, compared++, x = nextafterf(x, INFINITY))
            f32_same = f32_digits_match(x, &declined);
    }
    for (int e = -6; e <= 36 && f32_same; e++) {
        float x = (float)pow(10, e);
        for (int k = 0; k < 64 && f32_same; k++, compared++, x = nextafterf(x, INFINITY))
            f32_same = f32_digits_match(x, &declined) && f32_digits_match(-x, &declined);
    }
    for (uint32_t bits = 0x3f800000u; bits < 0x3f800000u + 200000 && f32_same; bits++, compared++) {
        float x;   /* [1, 1.024): six-digit ties such as 1.0000005 */
        memcpy(&x, &bits, 4);
        f32_same = f32_digits_match(x, &declined);
    }
    CHECK(f32_same, "float digits by integer arithmetic equal the printf/strtof loop's (%ld floats)", compared);
    CHECK(declined < compared / 2, "the exact float digits decline only out of range (%ld of %ld)", declined,
          compared);
    CHECK(rs_f32_digits(4.7e-7f, buf, &(int){0}) == 0 && rs_f32_digits(8.6e37f, buf, &(int){0}) == 0 &&
              rs_f32_digits(NAN, buf, &(int){0}) == 0,
          "rs_f32_digits declines 4.7e-7, 8.6e37 and NaN (the loop formats them)");
    CHECK(rs_format_f32(0.3f, buf) == 3 && strcmp(buf, "0.3") == 0 && rs_format_f32(-1.5e-7f, buf) > 0 &&
              strcmp(buf, "-1.5e-7") == 0 && rs_format_f32(16777217.0f * 2, buf) > 0 && strcmp(buf, "33554432") == 0 &&
              rs_format_f32(0.99999994f, buf) > 0 && strcmp(buf, "0.99999994") == 0 &&
              rs_format_f32(1e10f, buf) > 0 && strcmp(buf, "10000000000") == 0,
          "float text: 0.3, -1.5e-7 (the loop), 2^25, 1 - 2^-24, 1e10");

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
