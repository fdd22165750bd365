/* predict_text.c — rs_predict_text (predict.h).  The featurisation is the
 * model's (text_model.c), so the same text gives the same features as in
 * training.  Rows are read in batches; a batch's rows are hashed and scored
 * on -j threads (each row on its own, so any -j gives the same bytes), then
 * written in order. */
#include "mem.h"
#include "num.h"
#include "models/text_model.h"
#include "score/classes_out.h"
#include "score/predict.h"
#include "threads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_KEEP = 64, BATCH = 2048, BATCH_CELLS = 1 << 16 };

/* A batch of rows: their fields copied out of the reader (text columns,
 * then id and --keep), the class probabilities the threads fill in. */
typedef struct {
    size_t n_rows, n_fields;     /* n_fields a row */
    char *bytes;                 /* the fields' bytes */
    size_t n_bytes, cap_bytes;
    size_t *start, *len;         /* (BATCH x n_fields) */
    long *line;                  /* (BATCH) input line */
    double *numbers;             /* (BATCH x the model's numeric columns) */
    rs_status *status;           /* (BATCH) the row's scoring status */
    double *proba;               /* (BATCH x n_classes) */
    size_t n_out;                /* output fields a row (classes_out's) */
    rs_field *out;               /* (rows x n_out) a row's output fields, formatted by its thread */
    char (*cells)[RS_NUM_BUF];   /* (rows x n_out) their numbers */
} text_batch;

typedef struct {
    rs_table *in;
    rs_table_sink sink;
    rs_classes_out out;          /* the column names */
    rs_classes_out *outs;        /* (threads) each thread's formatter */
    size_t batch_rows;           /* BATCH, fewer when a row has many output fields */
    size_t *text_cols, *num_cols, id_col, keep_cols[MAX_KEEP];
    int has_id;
    rs_field *fields;
    text_batch b;
    int threads;
    rs_text_scorer *scorers;     /* (threads) */
} text_run;

typedef struct {
    text_run *r;
    const rs_text_model *tm;
} score_job;

static rs_status open_run(text_run *r, rs_text_model *tm, const rs_model *m, const rs_predict_spec *a, rs_error *err)
{
    if (a->keep.n > MAX_KEEP)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--keep lists %zu columns (at most 64)", a->keep.n);
    if (a->have_threshold || a->explain)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "%s is not for a text model (it writes classes)",
                            a->have_threshold ? "--threshold" : "--explain");
    size_t K = tm->n_classes, n_cols = tm->columns.n, n_num = tm->numeric.n;
    if (rs_classes_out_init(&r->out, K, (const char *const *)tm->classes, a->top ? a->top : 1, a->proba, err) ||
        !(r->in = rs_table_open(a->input, a->table, err)))
        return err->code;
    text_batch *b = &r->b;
    b->n_fields = n_cols + 1 + a->keep.n;
    r->threads = a->threads > 0 ? a->threads : 1;
    r->text_cols = malloc(n_cols * sizeof *r->text_cols);
    r->num_cols = malloc((n_num + 1) * sizeof *r->num_cols);
    b->numbers = malloc((BATCH * n_num + 1) * sizeof *b->numbers);
    r->fields = malloc((1 + r->out.names.n + a->keep.n) * sizeof *r->fields);
    r->scorers = calloc((size_t)r->threads, sizeof *r->scorers);
    b->start = malloc(BATCH * b->n_fields * sizeof *b->start);
    b->len = malloc(BATCH * b->n_fields * sizeof *b->len);
    b->line = malloc(BATCH * sizeof *b->line);
    b->status = malloc(BATCH * sizeof *b->status);
    b->proba = malloc(BATCH * K * sizeof *b->proba);
    b->n_out = r->out.names.n;
    r->batch_rows = BATCH_CELLS / b->n_out < 64 ? 64 : BATCH_CELLS / b->n_out > BATCH ? BATCH : BATCH_CELLS / b->n_out;
    b->out = malloc(r->batch_rows * b->n_out * sizeof *b->out);
    b->cells = malloc(r->batch_rows * b->n_out * sizeof *b->cells);
    r->outs = calloc((size_t)r->threads, sizeof *r->outs);
    for (int t = 0; r->outs && t < r->threads; t++)
        if (rs_classes_out_init(&r->outs[t], K, (const char *const *)tm->classes, a->top ? a->top : 1, a->proba, err))
            return err->code;
    const char **names = malloc((1 + r->out.names.n + a->keep.n) * sizeof *names);
    rs_col_type *types = calloc(1 + r->out.names.n + a->keep.n, sizeof *types);
    rs_status st = r->text_cols && r->num_cols && b->numbers && r->fields && r->scorers && b->start && b->len && b->line && b->status && b->proba && b->out && b->cells && r->outs &&
                   names && types ? RS_OK : rs_error_nomem(err);
    for (size_t c = 0; st == RS_OK && c < n_cols; c++)
        if (rs_table_find_col(r->in, tm->columns.items[c], "the model's text columns", &r->text_cols[c], err))
            st = RS_EDATA;
    for (size_t c = 0; st == RS_OK && c < n_num; c++)
        if (rs_table_find_col(r->in, tm->numeric.items[c], "the model's numeric columns", &r->num_cols[c], err))
            st = RS_EDATA;
    const char *model_id = rs_model_get(m, "id");
    if (st == RS_OK && a->id) {
        st = rs_table_find_col(r->in, a->id, "--id", &r->id_col, err);
        r->has_id = st == RS_OK;
    } else if (st == RS_OK && model_id) {
        r->has_id = rs_table_has_col(r->in, model_id, &r->id_col);
    }
    for (size_t k = 0; st == RS_OK && k < a->keep.n; k++)
        st = rs_table_find_col(r->in, a->keep.items[k], "--keep", &r->keep_cols[k], err);
    size_t n = 0;
    if (st == RS_OK) {
        names[n++] = r->has_id ? rs_table_col_name(r->in, r->id_col) : "row";
        for (size_t j = 0; j < r->out.names.n; j++)
            names[n++] = r->out.names.items[j];
        for (size_t k = 0; k < a->keep.n; k++)
            names[n++] = rs_table_col_name(r->in, r->keep_cols[k]);
        for (size_t j = 0; j < n; j++)
            types[j] = RS_COL_STR;
        st = rs_table_sink_open(&r->sink, a->output, a->format, n, names, types, err);
    }
    free(names), free(types);
    return st;
}

/* Copy one record's fields into the batch: the text columns, the id (or
 * nothing), the --keep columns; its numbers parsed (a field that is not a
 * number is an error with file and line). */
static rs_status add_row(text_run *r, const rs_text_model *tm, const rs_record *rec, rs_error *err)
{
    if (rs_table_check_width(r->in, rec, err) != RS_OK)
        return err->code;
    text_batch *b = &r->b;
    for (size_t c = 0, n_num = tm->numeric.n; c < n_num; c++) {
        const rs_field *f = &rec->fields[r->num_cols[c]];
        if (rs_parse_f64(f->ptr, f->len, &b->numbers[b->n_rows * n_num + c]) < 0)
            return rs_table_bad_field(r->in, rec, r->num_cols[c], "a number", err);
    }
    size_t n_cols = tm->columns.n, at = b->n_rows * b->n_fields;
    for (size_t f = 0; f < b->n_fields; f++) {
        const rs_field *field = f < n_cols ? &rec->fields[r->text_cols[f]]
                                : f == n_cols ? (r->has_id ? &rec->fields[r->id_col] : NULL)
                                : &rec->fields[r->keep_cols[f - n_cols - 1]];
        size_t len = field ? field->len : 0;
        if (rs_grow((void **)&b->bytes, &b->cap_bytes, b->n_bytes + len + 1, 1) < 0)
            return rs_error_nomem(err);
        if (len)
            memcpy(b->bytes + b->n_bytes, field->ptr, len);
        b->start[at + f] = b->n_bytes, b->len[at + f] = len;
        b->n_bytes += len;
    }
    b->line[b->n_rows++] = rec->line;
    return RS_OK;
}

/* Row i's text fields (n_cols of them) as rs_fields. */
static void row_texts(const text_batch *b, size_t i, size_t n_cols, rs_field *texts, const rs_field **ptrs)
{
    for (size_t c = 0; c < n_cols; c++) {
        size_t at = i * b->n_fields + c;
        texts[c] = (rs_field){b->bytes + b->start[at], b->len[at]};
        ptrs[c] = &texts[c];
    }
}

enum { MAX_TEXT_COLS = 64 };

/* Row i's output fields into the batch: the numbers copied out of the
 * formatter's scratch (the class names are the model's, they stay put). */
static void format_row(text_batch *b, rs_classes_out *o, size_t i, size_t K)
{
    rs_field *f = b->out + i * b->n_out;
    const char *scratch = o->cells[0], *scratch_end = o->cells[o->top + K];
    size_t n = rs_classes_out_row(o, b->proba + i * K, f);
    for (size_t j = 0; j < n; j++)
        if (f[j].ptr >= scratch && f[j].ptr < scratch_end) {
            memcpy(b->cells[i * b->n_out + j], f[j].ptr, f[j].len);
            f[j].ptr = b->cells[i * b->n_out + j];
        }
}

static void score_thread(void *ctx, int t, int n_threads)
{
    score_job *job = ctx;
    text_run *r = job->r;
    text_batch *b = &r->b;
    size_t begin, end, n_cols = job->tm->columns.n, K = job->tm->n_classes;
    rs_field texts[MAX_TEXT_COLS];
    const rs_field *ptrs[MAX_TEXT_COLS];
    rs_thread_range(b->n_rows, t, n_threads, &begin, &end);
    for (size_t i = begin; i < end; i++) {
        rs_error err = {0};
        row_texts(b, i, n_cols, texts, ptrs);
        if ((b->status[i] = rs_text_model_score(job->tm, &r->scorers[t], ptrs, b->numbers + i * job->tm->numeric.n,
                                                b->proba + i * K, &err)) == RS_OK)
            format_row(b, &r->outs[t], i, K);
    }
}

/* Score the batch on the threads, then write its rows in order; a row that
 * failed is scored again here for its message (the first in input order). */
static rs_status flush_batch(text_run *r, const rs_text_model *tm, const rs_predict_spec *a, long *row, rs_error *err)
{
    text_batch *b = &r->b;
    score_job job = {r, tm};
    size_t n_cols = tm->columns.n, K = tm->n_classes;
    rs_parallel(b->n_rows >= 64 ? r->threads : 1, score_thread, &job);
    for (size_t i = 0; i < b->n_rows; i++) {
        if (b->status[i] != RS_OK) {
            rs_field texts[MAX_TEXT_COLS];
            const rs_field *ptrs[MAX_TEXT_COLS];
            row_texts(b, i, n_cols, texts, ptrs);
            if (rs_text_model_score(tm, &r->scorers[0], ptrs, b->numbers + i * tm->numeric.n, b->proba + i * K, err) ==
                RS_OK)
                return rs_error_set(err, RS_EDATA, rs_table_name(r->in), b->line[i], "text: scoring failed");
            char what[sizeof err->msg];
            snprintf(what, sizeof what, "%s", err->msg);
            return err->code == RS_EDATA ? rs_error_set(err, RS_EDATA, rs_table_name(r->in), b->line[i], "text: %s",
                                                        what)
                                         : err->code;
        }
        char row_num[RS_NUM_BUF];
        size_t n = 0, id = i * b->n_fields + n_cols;   /* the id's field; the --keep ones follow */
        ++*row;
        r->fields[n++] = r->has_id ? (rs_field){b->bytes + b->start[id], b->len[id]}
                                   : (rs_field){row_num, rs_format_i64(*row, row_num)};
        memcpy(r->fields + n, b->out + i * b->n_out, b->n_out * sizeof *r->fields);
        n += b->n_out;
        for (size_t k = 1; k <= a->keep.n; k++)
            r->fields[n++] = (rs_field){b->bytes + b->start[id + k], b->len[id + k]};
        if (rs_table_writer_write(r->sink.writer, r->fields, 0, err) != RS_OK)
            return err->code;
    }
    b->n_rows = b->n_bytes = 0;
    return RS_OK;
}

rs_status rs_predict_text(const rs_model *m, const rs_predict_spec *a, int *done, rs_error *err)
{
    rs_text_model *tm;
    *done = 0;
    rs_status st = rs_text_model_load(m, &tm, err);
    if (st != RS_OK || !tm)
        return st;   /* not a text model, or a damaged one */
    *done = 1;
    text_run r = {0};
    st = open_run(&r, tm, m, a, err);
    if (st == RS_OK && tm->columns.n > MAX_TEXT_COLS)
        st = rs_error_set(err, RS_EDATA, NULL, 0, "the model has %zu text columns (at most %d)", tm->columns.n,
                          MAX_TEXT_COLS);
    rs_record rec;
    int got = 0;
    long row = 0;
    while (st == RS_OK && (got = rs_table_next(r.in, &rec, err)) == 1)
        if ((st = add_row(&r, tm, &rec, err)) == RS_OK && r.b.n_rows == r.batch_rows)
            st = flush_batch(&r, tm, a, &row, err);
    if (st == RS_OK && got < 0)
        st = err->code;
    if (st == RS_OK && r.b.n_rows)
        st = flush_batch(&r, tm, a, &row, err);
    if (st == RS_OK)
        st = rs_table_sink_commit(&r.sink, err);
    rs_table_sink_close(&r.sink);
    rs_table_free(r.in);
    rs_classes_out_free(&r.out);
    for (int t = 0; r.outs && t < r.threads; t++)
        rs_classes_out_free(&r.outs[t]);
    free(r.outs), free(r.b.out), free(r.b.cells);
    for (int t = 0; r.scorers && t < r.threads; t++)
        rs_text_scorer_free(&r.scorers[t]);
    free(r.text_cols), free(r.num_cols), free(r.fields), free(r.scorers), free(r.b.numbers);
    free(r.b.bytes), free(r.b.start), free(r.b.len), free(r.b.line), free(r.b.status), free(r.b.proba);
    rs_text_model_free(tm);
    return st;
}
