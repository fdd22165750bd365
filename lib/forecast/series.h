/* series.h — demand series per period, read from an event log (summed and
 * zero-filled) or from an already aggregated table.
 *
 * Event log: one row per sale with an item column, a time column and a
 * quantity column (absent by default name: each row counts 1); --by columns
 * join the item into the series key ("85123A/France").  Each series runs
 * from its first sale's period (from_start: the first period of the whole
 * log) to the last period of the whole log; periods without sales are 0.
 *
 * Aggregated table: series, period (a time: any time inside the period),
 * value; each series must have every period from its first to its last:
 * a gap or a period given twice is an error naming the line.
 *
 * Either way a negative quantity is an error (returns and cancellations are
 * rs-clean's business), and so is a time that does not parse. */
#ifndef RS_FORECAST_SERIES_H
#define RS_FORECAST_SERIES_H

#include "forecast/calendar.h"
#include "idmap.h"
#include "io/table.h"
#include "strlist.h"

typedef struct {
    const char *path;
    rs_table_options table;
    rs_fc_calendar cal;
    int aggregated;                 /* the input is series,period,value */
    int from_start;                 /* event log: every series from the log's first period */
    const char *item_col, *time_col, *qty_col;         /* event log (NULL: item, ts, qty) */
    const char *series_col, *period_col, *value_col;   /* aggregated (NULL: series, period, value) */
    const rs_strlist *by;           /* event log: more key columns */
    const char *time_format;
} rs_fc_read_options;

typedef struct {
    rs_idmap *names;      /* series keys, indices in order of first sight */
    size_t n_series;
    int64_t *first;       /* (n_series) period of values[offset[s]] */
    size_t *offset;       /* (n_series + 1) into values */
    long *line;           /* (n_series) the input line of the series' first row */
    double *values;       /* (offset[n_series]) */
    char *source;         /* the input's name, for messages */
} rs_fc_series;

rs_fc_series *rs_fc_series_read(const rs_fc_read_options *opt, rs_error *err);
void rs_fc_series_free(rs_fc_series *s);

static inline size_t rs_fc_series_len(const rs_fc_series *s, size_t i)
{
    return s->offset[i + 1] - s->offset[i];
}

#endif
