/* aggregates.h — per-user and per-item aggregates of an event log as of a
 * date, and labels from the window after it.
 *
 * Leakage is impossible by construction: an event after --asof changes no
 * feature and no column (event-type and channel columns come from the
 * events at or before --asof; users and items seen only later get no row).  Features are
 * float32 (rsf f32 columns; shortest float text in CSV); a missing value
 * (e.g. days since the last purchase of a user who never bought) is empty. */
#ifndef RS_AGGREGATES_H
#define RS_AGGREGATES_H

#include "features/eventlog.h"

typedef enum { RS_LABEL_BUYS, RS_LABEL_SPEND, RS_LABEL_CHURN } rs_label_kind;

typedef struct {
    const char *input, *output;
    rs_table_options table;
    rs_format out_format;
    rs_eventlog_options log;
    int64_t asof;
    int64_t *windows;          /* (n_windows) seconds, e.g. 7d 30d 90d */
    const char **window_names; /* (n_windows) "7d" ... as written in column names */
    size_t n_windows;
    int64_t horizon;           /* label */
    rs_label_kind label;
} rs_features_spec;

typedef struct {
    long events_read, events_used, rows_out;
    int64_t first_ts, last_ts;
} rs_features_report;

rs_status rs_features_users(const rs_features_spec *spec, rs_features_report *report, rs_error *err);
rs_status rs_features_items(const rs_features_spec *spec, rs_features_report *report, rs_error *err);
rs_status rs_features_label(const rs_features_spec *spec, rs_features_report *report, rs_error *err);

#endif
