/* calendar.h — periods (days, weeks, months) as whole numbers.
 *
 * day: days since 1970-01-01; week: weeks since the first week_start day
 * on or after 1970-01-01 (Monday: 1970-01-05), so a week is 7 days from
 * week_start; month: 12 x year + month - 1.  Times are UTC. */
#ifndef RS_FORECAST_CALENDAR_H
#define RS_FORECAST_CALENDAR_H

#include "error.h"

#include <stddef.h>
#include <stdint.h>

typedef enum { RS_FC_DAY, RS_FC_WEEK, RS_FC_MONTH } rs_fc_period_kind;

typedef struct {
    rs_fc_period_kind kind;
    int week_start;   /* 0 Monday .. 6 Sunday */
} rs_fc_calendar;

/* --period day|week|month; --week-start monday..sunday (or mon..sun). */
rs_status rs_fc_period_parse(const char *arg, rs_fc_period_kind *kind, rs_error *err);
rs_status rs_fc_week_start_parse(const char *arg, int *week_start, rs_error *err);

int64_t rs_fc_period_of(const rs_fc_calendar *cal, int64_t epoch);
/* The first day of the period as YYYY-MM-DD; buf holds RS_FC_DATE_BUF. */
enum { RS_FC_DATE_BUF = 24 };
size_t rs_fc_period_format(const rs_fc_calendar *cal, int64_t period, char *buf);

/* Periods in a season: 7 days, 52 weeks, 12 months. */
int rs_fc_season_default(rs_fc_period_kind kind);

/* --horizon: a duration that is a whole number of periods ("8w", "14d";
 * months: "3mo"), to periods (>= 1). */
rs_status rs_fc_horizon_parse(const char *arg, const char *what, rs_fc_period_kind kind, int *periods,
                              rs_error *err);

#endif
