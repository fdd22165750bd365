/* timeparse.h — timestamps as UTC epoch seconds.
 *
 * Accepted without a format: epoch seconds ("978300760", "978300760.5" is
 * floored), and ISO 8601 dates and date-times: "2010-12-01",
 * "2010-12-01 08:26", "2010-12-01T08:26:00", with optional fraction of a
 * second (dropped), and "Z" or a "+01:00"/"+0100"/"+01" offset.  A time with
 * no offset is taken as UTC.  With a strptime(3) format, that format must
 * consume the whole text. */
#ifndef RS_TIMEPARSE_H
#define RS_TIMEPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* 0, or -1 when the text is not a valid time, or RS_TIME_TOO_BIG for a
 * number of epoch seconds past the year 5138 (epoch milliseconds or
 * microseconds, surely).  strptime_format may be NULL. */
enum { RS_TIME_TOO_BIG = -2 };
int rs_time_parse(const char *s, size_t len, const char *strptime_format, int64_t *epoch);
/* What a bad time was expected to be, for rc from rs_time_parse: usual, or
 * the epoch-milliseconds explanation. */
const char *rs_time_expected(int rc, const char *usual);

/* "YYYY-MM-DDTHH:MM:SSZ"; buf holds at least RS_TIME_BUF bytes.  Returns
 * the length. */
enum { RS_TIME_BUF = 48 };
size_t rs_time_format_iso(int64_t epoch, char *buf);

/* The one reader of durations (--horizon, --windows): a whole number > 0
 * and a unit, "45s", "90min", "12h", "90d", "2w", to seconds.  A bare
 * number is refused (seconds? days?), and so is "m" (minutes or months?);
 * each error (RS_EUSAGE) lists the units.  what names the value in the
 * message: "--horizon", "--windows". */
#define RS_DURATION_UNITS "s, min, h, d, w"
rs_status rs_duration_parse(const char *s, const char *what, int64_t *seconds, rs_error *err);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
int64_t rs_days_from_civil(int64_t year, unsigned month, unsigned day);

#endif
