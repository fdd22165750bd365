#include "num.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Powers of ten that doubles hold exactly (10^22 is the last). */
static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Shape check: [+-]?digits[.digits][(e|E)[+-]?digits], at least one digit in
 * the mantissa.  strtod alone would accept hex, inf, nan and leading space. */
static int decimal_shape(const char *s, size_t len)
{
    size_t i = 0, mant_digits = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < len && is_digit(s[i]))
        i++, mant_digits++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && is_digit(s[i]))
            i++, mant_digits++;
    }
    if (mant_digits == 0)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t exp_digits = 0;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        while (i < len && is_digit(s[i]))
            i++, exp_digits++;
        if (exp_digits == 0)
            return 0;
    }
    return i == len;
}

int rs_parse_f64(const char *s, size_t len, double *out)
{
    char buf[128];
    if (len > 0 && len <= 16) {   /* the commonest shape first: [+-]digits, exact up to 15 digits */
        size_t i = (s[0] == '-' || s[0] == '+'), start = i;
        int64_t v = 0;
        while (i < len && is_digit(s[i]))
            v = v * 10 + (s[i++] - '0');
        if (i == len && i > start && i - start <= 15) {
            *out = s[0] == '-' ? -(double)v : (double)v;
            return 0;
        }
    }
    if (len == 0 || len >= sizeof buf || !decimal_shape(s, len))
        return -1;
    /* Clinger's fast path: at most 15 significant digits and at most 22
     * decimals make an exact integer and an exact power of ten, so one
     * correctly rounded division gives exactly what strtod gives.  Prices,
     * quantities and ratings all take it. */
    if (len <= 16) {
        size_t i = (s[0] == '-' || s[0] == '+'), digits = 0, decimals = 0;
        int64_t v = 0;
        int seen_point = 0;
        for (; i < len; i++) {
            if (is_digit(s[i])) {
                v = v * 10 + (s[i] - '0');
                digits++;
                decimals += (size_t)seen_point;
            } else if (s[i] == '.' && !seen_point) {
                seen_point = 1;
            } else {
                break;
            }
        }
        if (i == len && digits > 0 && digits <= 15) {
            double x = (double)v / pow10_exact[decimals];
            *out = s[0] == '-' ? -x : x;
            return 0;
        }
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    char *end;
    double v = strtod(buf, &end);
    if (end != buf + len || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int rs_parse_i64(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    size_t first = i;
    uint64_t mag = 0;
    const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    while (i < len && is_digit(s[i])) {
        unsigned d = (unsigned)(s[i] - '0');
        if (mag > (limit - d) / 10)
            return -1;
        mag = mag * 10 + d;
        i++;
    }
    if (i == first)
        return -1;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] == '0')
            i++;
    }
    if (i != len)
        return -1;
    *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return 0;
}

size_t rs_format_i64(int64_t x, char *buf)
{
    /* digits backwards into a scratch, then copied: no printf on hot paths */
    char tmp[24];
    size_t n = 0, len = 0;
    uint64_t mag = x < 0 ? 0 - (uint64_t)x : (uint64_t)x;
    do {
        tmp[n++] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag);
    if (x < 0)
        buf[len++] = '-';
    while (n)
        buf[len++] = tmp[--n];
    buf[len] = '\0';
    return len;
}

/* Lay out `ndig` significant digits with decimal exponent `point` (value =
 * 0.DIGITS x 10^point) the way JavaScript does. */
static size_t layout_digits(int neg, const char *digits, int ndig, int point, char *buf)
{
    size_t n = 0;
    if (neg)
        buf[n++] = '-';
    if (point >= ndig && point <= 21) {
        memcpy(buf + n, digits, (size_t)ndig), n += (size_t)ndig;
        for (int i = ndig; i < point; i++)
            buf[n++] = '0';
    } else if (point > 0 && point <= 21) {
        memcpy(buf + n, digits, (size_t)point), n += (size_t)point;
        buf[n++] = '.';
        memcpy(buf + n, digits + point, (size_t)(ndig - point)), n += (size_t)(ndig - point);
    } else if (point > -6 && point <= 0) {
        buf[n++] = '0';
        buf[n++] = '.';
        for (int i = point; i < 0; i++)
            buf[n++] = '0';
        memcpy(buf + n, digits, (size_t)ndig), n += (size_t)ndig;
    } else {
        buf[n++] = digits[0];
        if (ndig > 1) {
            buf[n++] = '.';
            memcpy(buf + n, digits + 1, (size_t)(ndig - 1)), n += (size_t)(ndig - 1);
        }
        n += (size_t)snprintf(buf + n, RS_NUM_BUF - n, "e%c%d", point - 1 < 0 ? '-' : '+',
                              abs(point - 1));
    }
    buf[n] = '\0';
    return n;
}

/* Shortest of min_prec..max_prec significant digits that reads back as x
 * (as a float when is_float), laid out by layout_digits. */
static size_t format_shortest(double x, int min_prec, int max_prec, int is_float, char *buf)
{
    if (x == 0) {
        memcpy(buf, "0", 2);
        return 1;
    }
    if (!isfinite(x)) {
        buf[0] = '\0';   /* missing: written as an empty field */
        return 0;
    }
    char sci[48];
    int prec;
    for (prec = min_prec; prec < max_prec; prec++) {
        snprintf(sci, sizeof sci, "%.*e", prec - 1, x);
        if (is_float ? strtof(sci, NULL) == (float)x : strtod(sci, NULL) == x)
            break;
    }
    snprintf(sci, sizeof sci, "%.*e", prec - 1, x);
    /* sci is "-d.ddddde[+-]XX" */
    int neg = sci[0] == '-';
    const char *p = sci + neg;
    char digits[24];
    int ndig = 0;
    for (; *p && *p != 'e'; p++)
        if (is_digit(*p))
            digits[ndig++] = *p;
    int exp10 = atoi(p + 1);
    while (ndig > 1 && digits[ndig - 1] == '0')
        ndig--;
    return layout_digits(neg, digits, ndig, exp10 + 1, buf);
}

/* The common case without printf: x = r / 10^d exactly as strtod would read
 * it, for the fewest decimals d <= 6 and |r| < 2^53.  (r / 10^d is one
 * correctly rounded division of exact operands, the same rounding strtod
 * applies to the text.)  Returns 0 when x is not such a number. */
static size_t format_few_decimals(double x, char *buf)
{
    for (int d = 0; d <= 6; d++) {
        double scaled = x * pow10_exact[d];
        if (!(fabs(scaled) < 9007199254740992.0))
            return 0;
        double r = nearbyint(scaled);
        if (r / pow10_exact[d] != x)
            continue;
        char digits[24];
        size_t n = rs_format_i64((int64_t)fabs(r), digits), len = 0;
        if (x < 0)
            buf[len++] = '-';
        if (n <= (size_t)d) {   /* 0.000ddd */
            buf[len++] = '0';
            buf[len++] = '.';
            for (size_t k = n; k < (size_t)d; k++)
                buf[len++] = '0';
            memcpy(buf + len, digits, n), len += n;
        } else {
            memcpy(buf + len, digits, n - (size_t)d), len += n - (size_t)d;
            if (d) {
                buf[len++] = '.';
                memcpy(buf + len, digits + n - (size_t)d, (size_t)d), len += (size_t)d;
            }
        }
        buf[len] = '\0';
        return len;
    }
    return 0;
}

size_t rs_format_f64(double x, char *buf)
{
    size_t n = x != 0 && isfinite(x) ? format_few_decimals(x, buf) : 0;
    if (n)
        return n;
    /* 17 significant digits always read back exactly for IEEE doubles */
    return format_shortest(x, 15, 17, 0, buf);
}

size_t rs_format_f32(float x, char *buf)
{
    if (x == 0) {
        memcpy(buf, "0", 2);
        return 1;
    }
    if (fabsf(x) < 16777216.0f && x == (float)(int32_t)x)   /* counts: no printf */
        return rs_format_i64((int64_t)x, buf);
    char digits[9];
    int point, ndig = rs_f32_digits(x, digits, &point);
    if (ndig)
        return layout_digits(x < 0, digits, ndig, point, buf);
    return format_shortest((double)x, 6, 9, 1, buf);
}

int rs_i64_text_is_canonical(const char *s, size_t len)
{
    size_t i = 0;
    if (len && s[0] == '-')
        i = 1;
    if (i == len || (s[i] == '0' && (len - i > 1 || i == 1)))
        return i < len && len == 1;
    for (; i < len; i++)
        if (!is_digit(s[i]))
            return 0;
    return len <= 18;
}

int rs_f64_text_is_canonical(const char *s, size_t len)
{
    /* Plain decimals with at most 15 significant digits, no redundant zeros
     * and a magnitude inside the plain-layout range read back and print as
     * themselves; anything else goes through the formatter. */
    size_t i = 0;
    if (len && s[0] == '-')
        i = 1;
    if (i == len)
        return 0;
    size_t int_start = i;
    while (i < len && is_digit(s[i]))
        i++;
    size_t int_len = i - int_start;
    if (int_len == 0 || (int_len > 1 && s[int_start] == '0') || int_len > 21)
        return 0;
    int sig = 0, leading_frac_zeros = 0;
    if (s[int_start] != '0')
        sig = (int)int_len;
    if (i < len) {
        if (s[i] != '.' || i + 1 == len || s[len - 1] == '0')
            return 0;
        i++;
        for (; i < len; i++) {
            if (!is_digit(s[i]))
                return 0;
            if (sig == 0 && s[i] == '0')
                leading_frac_zeros++;
            else
                sig++;
        }
        if (s[int_start] == '0' && leading_frac_zeros >= 6)
            return 0;
    } else if (int_len > 15) {
        /* long integers: trailing zeros are not significant digits here */
        int trailing = 0;
        for (size_t k = len; k > int_start && s[k - 1] == '0'; k--)
            trailing++;
        sig = (int)int_len - trailing;
    }
    if (sig == 0)   /* "0", "-0", "0.0..." */
        return len == 1;
    return sig <= 15;
}

int rs_parse_long_arg(const char *arg, long min, long max, long *out)
{
    if (!arg || !*arg)
        return -1;
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || *end || end == arg || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int rs_parse_double_arg(const char *arg, double *out)
{
    if (!arg)
        return -1;
    return rs_parse_f64(arg, strlen(arg), out);
}
