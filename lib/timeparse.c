#define _GNU_SOURCE
#include "timeparse.h"

#include "num.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Howard Hinnant's days_from_civil / civil_from_days: exact for every
 * proleptic Gregorian date, no time zone database involved. */
int64_t rs_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, unsigned m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return days[m - 1] + (m == 2 && leap);
}

/* Exactly n digits at s[*i]; advances *i. */
static int digits(const char *s, size_t len, size_t *i, int n, int *out)
{
    int v = 0;
    for (int k = 0; k < n; k++, (*i)++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9')
            return -1;
        v = v * 10 + (s[*i] - '0');
    }
    *out = v;
    return 0;
}

static int parse_offset(const char *s, size_t len, size_t *i, int *offset_sec)
{
    *offset_sec = 0;
    if (*i == len)
        return 0;
    if (s[*i] == 'Z' || s[*i] == 'z') {
        (*i)++;
        return 0;
    }
    if (s[*i] != '+' && s[*i] != '-')
        return -1;
    int sign = s[(*i)++] == '-' ? -1 : 1, hh, mm = 0;
    if (digits(s, len, i, 2, &hh) < 0 || hh > 23)
        return -1;
    if (*i < len && s[*i] == ':')
        (*i)++;
    if (*i < len && digits(s, len, i, 2, &mm) < 0)
        return -1;
    if (mm > 59)
        return -1;
    *offset_sec = sign * (hh * 3600 + mm * 60);
    return 0;
}

static int parse_iso(const char *s, size_t len, int64_t *epoch)
{
    size_t i = 0;
    int year, month, day, hour = 0, minute = 0, second = 0, offset = 0;
    if (digits(s, len, &i, 4, &year) < 0 || i >= len || s[i++] != '-' ||
        digits(s, len, &i, 2, &month) < 0 || i >= len || s[i++] != '-' ||
        digits(s, len, &i, 2, &day) < 0)
        return -1;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, (unsigned)month))
        return -1;
    if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        i++;
        if (digits(s, len, &i, 2, &hour) < 0 || i >= len || s[i++] != ':' ||
            digits(s, len, &i, 2, &minute) < 0)
            return -1;
        if (i < len && s[i] == ':') {
            i++;
            if (digits(s, len, &i, 2, &second) < 0)
                return -1;
            if (i < len && (s[i] == '.' || s[i] == ',')) {
                size_t start = ++i;
                while (i < len && s[i] >= '0' && s[i] <= '9')
                    i++;
                if (i == start)
                    return -1;
            }
        }
        if (hour > 23 || minute > 59 || second > 60)
            return -1;
        if (parse_offset(s, len, &i, &offset) < 0)
            return -1;
    }
    if (i != len)
        return -1;
    *epoch = rs_days_from_civil(year, (unsigned)month, (unsigned)day) * 86400 + hour * 3600 +
             minute * 60 + second - offset;
    return 0;
}

/* Epoch seconds beyond 1e11 (the year 5138) are epoch milliseconds or
 * microseconds read as seconds: refused, never a date 40,000 years away. */
static const int64_t EPOCH_SECONDS_MAX = 100000000000LL;

static int parse_epoch(const char *s, size_t len, int64_t *epoch)
{
    if (rs_parse_i64(s, len, epoch) == 0)
        return *epoch >= EPOCH_SECONDS_MAX || *epoch <= -EPOCH_SECONDS_MAX ? RS_TIME_TOO_BIG : 0;
    /* "978300760.5": fractional seconds are floored */
    size_t i = (len && s[0] == '-');
    size_t start = i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == start || i >= len || s[i] != '.')
        return -1;
    double v;
    if (rs_parse_f64(s, len, &v) < 0 || fabs(v) > 9.2e18)
        return -1;
    *epoch = (int64_t)floor(v);
    return fabs(v) >= (double)EPOCH_SECONDS_MAX ? RS_TIME_TOO_BIG : 0;
}

const char *rs_time_expected(int rc, const char *usual)
{
    return rc == RS_TIME_TOO_BIG ? "a time in epoch seconds (this number is past the year 5138: epoch "
                                   "milliseconds or microseconds? divide by 1000 or 1000000 first)"
                                 : usual;
}

static int parse_strptime(const char *s, size_t len, const char *format, int64_t *epoch)
{
    char buf[256];
    if (len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_mday = 1;
    const char *end = strptime(buf, format, &tm);
    if (!end || *end)
        return -1;
    if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
        tm.tm_mday > days_in_month(tm.tm_year + 1900LL, (unsigned)tm.tm_mon + 1))
        return -1;
    *epoch = rs_days_from_civil(tm.tm_year + 1900LL, (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday) *
                 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec - tm.tm_gmtoff;
    return 0;
}

int rs_time_parse(const char *s, size_t len, const char *strptime_format, int64_t *epoch)
{
    if (len == 0)
        return -1;
    if (strptime_format)
        return parse_strptime(s, len, strptime_format, epoch);
    if (len >= 10 && s[4] == '-')
        return parse_iso(s, len, epoch);
    return parse_epoch(s, len, epoch);
}

size_t rs_time_format_iso(int64_t epoch, char *buf)
{
    int64_t days = epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
    int64_t secs = epoch - days * 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999)
        return (size_t)snprintf(buf, RS_TIME_BUF, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y,
                                m, d, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    /* the common case without printf: it runs once per timestamp written */
    unsigned parts[6] = {(unsigned)y, m, d, (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60),
                         (unsigned)(secs % 60)};
    static const char seps[] = "--T::Z";
    size_t n = 0;
    for (int i = 0; i < 6; i++) {
        if (i == 0) {
            buf[n++] = (char)('0' + parts[0] / 1000);
            buf[n++] = (char)('0' + parts[0] / 100 % 10);
        }
        buf[n++] = (char)('0' + parts[i] / 10 % 10);
        buf[n++] = (char)('0' + parts[i] % 10);
        buf[n++] = seps[i];
    }
    buf[n] = '\0';
    return n;
}

rs_status rs_duration_parse(const char *s, const char *what, int64_t *seconds, rs_error *err)
{
    static const struct {
        const char *name;
        int64_t seconds;
    } units[] = {{"s", 1}, {"min", 60}, {"h", 3600}, {"d", 86400}, {"w", 7 * 86400}};
    size_t len = strlen(s), digits = 0;
    while (digits < len && s[digits] >= '0' && s[digits] <= '9')
        digits++;
    const char *unit = s + digits;
    int64_t n;
    if (digits == 0 || rs_parse_i64(s, digits, &n) < 0 || n <= 0 || n > INT64_MAX / 86400 / 7)
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "invalid %s '%s' (expected a whole number > 0 and a unit: " RS_DURATION_UNITS
                            ", e.g. 90d)",
                            what, s);
    if (!*unit)
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "invalid %s '%s': a duration needs a unit (" RS_DURATION_UNITS "), e.g. %sd", what, s,
                            s);
    if (!strcmp(unit, "m"))
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "invalid %s '%s': 'm' is ambiguous (minutes or months?); write %.*smin for minutes "
                            "(units: " RS_DURATION_UNITS ")",
                            what, s, (int)digits, s);
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
        if (!strcmp(unit, units[u].name)) {
            *seconds = n * units[u].seconds;
            return RS_OK;
        }
    return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid %s '%s': unknown unit '%s' (units: " RS_DURATION_UNITS ")",
                        what, s, unit);
}
