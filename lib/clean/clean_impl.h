/* clean_impl.h — the state rs-clean's setup (clean_setup.c) builds and its
 * row loop (clean.c) runs.  Private to those two files. */
#ifndef RS_CLEAN_IMPL_H
#define RS_CLEAN_IMPL_H

#include "clean/clean.h"
#include "clean/expr.h"
#include "idmap.h"
#include "keyset.h"

enum { FILL_VALUE, FILL_MEAN, FILL_MEDIAN, FILL_MODE };
enum { OUTLIER_IQR, OUTLIER_ZSCORE, OUTLIER_MAD };

typedef struct {
    double *values;   /* (n, cap) observed numbers */
    size_t n, cap;
    rs_idmap *texts;  /* FILL_MODE: distinct values */
    long *counts;     /* (counts_cap) occurrences per distinct value */
    size_t counts_cap;
} column_sample;

typedef struct {
    size_t col;
    int kind;
    char *text;       /* the fill value, canonical for the column type */
    size_t text_len;
    int ready;        /* text is known (after the statistics pass for mean/median/mode) */
    column_sample sample;
    long filled;
} fill_rule;

typedef struct {
    size_t col;
    rs_expr expr;
    int keep;
    int numeric;      /* compare numbers: the column has a numeric type */
    int reason;
} filter_rule;

typedef struct {
    size_t col;
    int method;
    double k;
    int clip;
    double lo, hi;    /* bounds, known after the statistics pass */
    column_sample sample;
    int reason;
    long clipped;
} outlier_rule;

enum { PASS_STATS, PASS_LAST, PASS_EMIT };
enum { RS_CLEAN_MAX_WARNINGS = 10 };

/* A warning a thread met, shown later in input order. */
typedef struct {
    long line;
    int fault;        /* 1: a malformed row (at most RS_CLEAN_MAX_WARNINGS shown); 0: invalid UTF-8 (once) */
    char text[512];
} clean_note;

typedef struct {
    clean_note items[RS_CLEAN_MAX_WARNINGS + 1];   /* enough for what can be shown */
    size_t n;
} clean_notes;

typedef struct {
    const rs_clean_spec *spec;
    rs_table *table;
    const char *input_name;
    size_t n_cols;
    rs_type *col_type;          /* (n_cols) */
    unsigned char *col_lower;   /* (n_cols) */
    unsigned char *col_require; /* (n_cols) */
    int any_typed, any_lower, any_require;
    int filters_only;           /* no step but the filters changes or rejects a whole, valid row */

    fill_rule *fills;           /* (n_fills) */
    size_t n_fills;
    filter_rule *filters;       /* (n_filters) */
    size_t n_filters;
    outlier_rule *outliers;     /* (n_outliers) */
    size_t n_outliers;

    size_t *out_cols;           /* (n_out) input column of each output column */
    char **out_names;           /* (n_out) borrowed from table or spec */
    rs_col_type *out_types;     /* (n_out) */
    size_t n_out;

    size_t *dedupe_cols;        /* (n_dedupe_cols); none: the whole output row */
    size_t n_dedupe_cols;
    rs_keyset *seen;

    rs_idmap *alias_ids;        /* --id-map aliases */
    int32_t *alias_target;      /* (n aliases) index into canonical_ids */
    rs_idmap *canonical_ids;
    size_t id_col;
    int has_id_map;

    rs_idmap *reasons;          /* reject reasons in order of first use */
    long *reason_counts;        /* (reasons_cap) */
    unsigned char *reason_is_fault;
    size_t reasons_cap;
    int reason_nul, reason_dup, reason_id_strict;
    int *reason_require;        /* (n_cols) */
    int *reason_type;           /* (n_cols) */

    /* per-row working memory, reused */
    rs_field *work;             /* (n_cols) */
    double *number;             /* (n_cols) numeric value of typed columns */
    rs_field *out_fields;       /* (n_out) */
    char *arena;                /* rewritten field text of the current row */
    size_t arena_len, arena_cap;
    char *scratch;              /* regex NUL-termination and dedupe keys */
    size_t scratch_cap;
    size_t max_extra;           /* longest fill value / canonical id */
    int inserts_special;        /* a fill value or canonical id needs CSV quoting */
    size_t fault_col;           /* column of a type/require fault, for messages */

    rs_out *out, *rejects_out;
    rs_table_writer *writer;
    long warned;
    int utf8_warned;
    clean_notes *notes;         /* a thread's part: warnings kept here, not printed */
    long blank_lines;           /* -1: ask the table (the emit pass read it) */
    rs_clean_report *report;
} cleaner;

/* clean_setup.c */
rs_status rs_clean_setup(cleaner *c, rs_error *err);
void rs_clean_teardown(cleaner *c);
int rs_clean_reason(cleaner *c, const char *text, int fault);
rs_status rs_clean_finish_stats(cleaner *c, rs_error *err);

/* clean.c */
/* One pass over the table (PASS_STATS, PASS_LAST or PASS_EMIT). */
rs_status rs_clean_run_pass(cleaner *c, int pass, rs_error *err);
/* Process, count and write (or reject) one row of the emit pass. */
rs_status rs_clean_emit_row(cleaner *c, const rs_record *rec, rs_error *err);
/* The same in two steps, for a caller that can copy a kept row's input
 * bytes itself.  rs_clean_judge_row counts the row and rejects it
 * (RS_CLEAN_DROPPED) or keeps it: RS_CLEAN_SAME when allow_same (the
 * caller vouches that rec's bytes are its fields joined by ',' and ended by
 * '\n') and the output row is those fields untouched, else RS_CLEAN_WRITE,
 * and rs_clean_write_kept writes c->out_fields.  -1: error in err. */
enum { RS_CLEAN_DROPPED, RS_CLEAN_SAME, RS_CLEAN_WRITE };
int rs_clean_judge_row(cleaner *c, const rs_record *rec, int allow_same, rs_error *err);
rs_status rs_clean_write_kept(cleaner *c, const rs_record *rec, rs_error *err);
/* A warning about line: printed now, or kept in c->notes by a thread. */
void rs_clean_note(cleaner *c, long line, int fault, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Print a thread's kept warnings as the one-thread run would have. */
void rs_clean_notes_show(cleaner *c, const clean_notes *notes);

/* clean_parallel.c */
/* The emit pass on spec->threads threads when the input allows (*done = 1);
 * else *done = 0 and nothing was read or written. */
rs_status rs_clean_emit_parallel(cleaner *c, int *done, rs_error *err);

#endif
