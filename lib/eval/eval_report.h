/* eval_report.h — metrics per group, written as an aligned text table
 * (metrics down, groups across), JSON ({"group": {"metric": value}}) or
 * tidy CSV (group,metric,value).  Undefined values (NaN) are "-", null and
 * empty. */
#ifndef RS_EVAL_REPORT_H
#define RS_EVAL_REPORT_H

#include "io/io.h"
#include "strlist.h"

typedef enum { RS_EVAL_TEXT, RS_EVAL_JSON, RS_EVAL_CSV } rs_eval_format;

typedef struct {
    rs_strlist groups;     /* "all" first */
    rs_strlist metrics;    /* in order of first use */
    double **rows;         /* (groups) each (row_len[g]) values by metric index */
    size_t *row_len;       /* (groups) */
    unsigned char *is_int; /* (metrics) written without decimals */
} rs_eval_report;

/* Select the group (adding it); then rs_eval_report_set fills its metrics. */
int rs_eval_report_group(rs_eval_report *r, const char *group, size_t len);
int rs_eval_report_set(rs_eval_report *r, const char *metric, double value, int is_int);
rs_status rs_eval_report_write(const rs_eval_report *r, rs_eval_format fmt, rs_out *out, rs_error *err);
void rs_eval_report_free(rs_eval_report *r);

#endif
