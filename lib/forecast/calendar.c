/* calendar.c — periods of calendar.h. */
#include "forecast/calendar.h"

#include "num.h"
#include "timeparse.h"

#include <stdio.h>
#include <string.h>

static const char *const day_names[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                        "sunday"};

rs_status rs_fc_period_parse(const char *arg, rs_fc_period_kind *kind, rs_error *err)
{
    if (!strcmp(arg, "day"))
        *kind = RS_FC_DAY;
    else if (!strcmp(arg, "week"))
        *kind = RS_FC_WEEK;
    else if (!strcmp(arg, "month"))
        *kind = RS_FC_MONTH;
    else
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --period '%s' (expected day, week or month)", arg);
    return RS_OK;
}

rs_status rs_fc_week_start_parse(const char *arg, int *week_start, rs_error *err)
{
    for (int d = 0; d < 7; d++)
        if (!strcmp(arg, day_names[d]) || (strlen(arg) == 3 && !strncmp(arg, day_names[d], 3))) {
            *week_start = d;
            return RS_OK;
        }
    return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --week-start '%s' (expected monday .. sunday, or mon .. sun)",
                        arg);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* 1970-01-05 was a Monday: day 4 + week_start is the first such weekday. */
static int64_t week_anchor(const rs_fc_calendar *cal)
{
    return 4 + cal->week_start;
}

int64_t rs_fc_period_of(const rs_fc_calendar *cal, int64_t epoch)
{
    int64_t day = floor_div(epoch, 86400);
    if (cal->kind == RS_FC_DAY)
        return day;
    if (cal->kind == RS_FC_WEEK)
        return floor_div(day - week_anchor(cal), 7);
    char iso[RS_TIME_BUF];
    rs_time_format_iso(epoch, iso);
    int year = 0, month = 0;
    sscanf(iso, "%d-%d", &year, &month);
    return 12 * (int64_t)year + month - 1;
}

size_t rs_fc_period_format(const rs_fc_calendar *cal, int64_t period, char *buf)
{
    if (cal->kind == RS_FC_MONTH)
        return (size_t)snprintf(buf, RS_FC_DATE_BUF, "%04lld-%02d-01", (long long)floor_div(period, 12),
                                (int)(period - 12 * floor_div(period, 12)) + 1);
    int64_t day = cal->kind == RS_FC_DAY ? period : week_anchor(cal) + 7 * period;
    char iso[RS_TIME_BUF];
    rs_time_format_iso(day * 86400, iso);
    memcpy(buf, iso, 10);
    buf[10] = 0;
    return 10;
}

int rs_fc_season_default(rs_fc_period_kind kind)
{
    return kind == RS_FC_DAY ? 7 : kind == RS_FC_WEEK ? 52 : 12;
}

rs_status rs_fc_horizon_parse(const char *arg, const char *what, rs_fc_period_kind kind, int *periods,
                              rs_error *err)
{
    size_t len = strlen(arg);
    if (kind == RS_FC_MONTH) {
        char num[32];
        long months;
        if (len < 3 || len > 30 || strcmp(arg + len - 2, "mo")) 
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid %s '%s' (with --period month: months, e.g. 3mo)",
                                what, arg);
        memcpy(num, arg, len - 2);
        num[len - 2] = 0;
        if (rs_parse_long_arg(num, 1, 100000, &months) < 0)
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid %s '%s' (expected a whole number > 0 of months, e.g. 3mo)",
                                what, arg);
        *periods = (int)months;
        return RS_OK;
    }
    int64_t seconds;
    rs_status st = rs_duration_parse(arg, what, &seconds, err);
    if (st)
        return st;
    int64_t unit = kind == RS_FC_DAY ? 86400 : 7 * 86400;
    if (seconds % unit)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid %s '%s' (expected a whole number of %s, e.g. %s)", what,
                            arg, kind == RS_FC_DAY ? "days" : "weeks", kind == RS_FC_DAY ? "14d" : "8w");
    if (seconds / unit > 100000)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid %s '%s' (at most 100000 periods)", what, arg);
    *periods = (int)(seconds / unit);
    return RS_OK;
}
