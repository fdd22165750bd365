/* predict_text.c — rs_predict_text (predict.h).  The featurisation is the
 * model's (text_model.c), so the same text gives the same features as in
 * training. */
#include "models/text_model.h"
#include "score/classes_out.h"
#include "score/predict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_KEEP = 64 };

typedef struct {
    rs_table *in;
    rs_table_sink sink;
    rs_classes_out out;
    size_t *text_cols, id_col, keep_cols[MAX_KEEP];
    int has_id;
    const rs_field **texts;
    double *proba;
    rs_field *fields;
} text_run;

static rs_status open_run(text_run *r, rs_text_model *tm, const rs_model *m, const rs_predict_spec *a, rs_error *err)
{
    if (a->keep.n > MAX_KEEP)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--keep lists %zu columns (at most 64)", a->keep.n);
    if (a->have_threshold || a->explain)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "%s is not for a text model (it writes classes)",
                            a->have_threshold ? "--threshold" : "--explain");
    size_t K = tm->n_classes, n_cols = tm->columns.n;
    if (rs_classes_out_init(&r->out, K, (const char *const *)tm->classes, a->top ? a->top : 1, a->proba, err) ||
        !(r->in = rs_table_open(a->input, a->table, err)))
        return err->code;
    r->text_cols = malloc(n_cols * sizeof *r->text_cols);
    r->texts = malloc(n_cols * sizeof *r->texts);
    r->proba = malloc(K * sizeof *r->proba);
    r->fields = malloc((1 + r->out.names.n + a->keep.n) * sizeof *r->fields);
    const char **names = malloc((1 + r->out.names.n + a->keep.n) * sizeof *names);
    rs_col_type *types = calloc(1 + r->out.names.n + a->keep.n, sizeof *types);
    rs_status st = r->text_cols && r->texts && r->proba && r->fields && names && types ? RS_OK : rs_error_nomem(err);
    for (size_t c = 0; st == RS_OK && c < n_cols; c++)
        if (rs_table_find_col(r->in, tm->columns.items[c], "the model's text columns", &r->text_cols[c], err))
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

static rs_status score_row(text_run *r, rs_text_model *tm, const rs_predict_spec *a, const rs_record *rec, long row,
                           rs_error *err)
{
    if (rs_table_check_width(r->in, rec, err) != RS_OK)
        return err->code;
    for (size_t c = 0; c < tm->columns.n; c++)
        r->texts[c] = &rec->fields[r->text_cols[c]];
    if (rs_text_model_score(tm, r->texts, r->proba, err) != RS_OK) {
        char what[sizeof err->msg];
        snprintf(what, sizeof what, "%s", err->msg);
        return err->code == RS_EDATA ? rs_error_set(err, RS_EDATA, rs_table_name(r->in), rec->line, "text: %s", what)
                                     : err->code;
    }
    char row_num[RS_NUM_BUF];
    size_t n = 0;
    r->fields[n++] = r->has_id ? rec->fields[r->id_col] : (rs_field){row_num, rs_format_i64(row, row_num)};
    n += rs_classes_out_row(&r->out, r->proba, r->fields + n);
    for (size_t k = 0; k < a->keep.n; k++)
        r->fields[n++] = rec->fields[r->keep_cols[k]];
    return rs_table_writer_write(r->sink.writer, r->fields, 0, err);
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
    rs_record rec;
    int got = 0;
    long row = 0;
    while (st == RS_OK && (got = rs_table_next(r.in, &rec, err)) == 1)
        st = score_row(&r, tm, a, &rec, ++row, err);
    if (st == RS_OK && got < 0)
        st = err->code;
    if (st == RS_OK)
        st = rs_table_sink_commit(&r.sink, err);
    rs_table_sink_close(&r.sink);
    rs_table_free(r.in);
    rs_classes_out_free(&r.out);
    free(r.text_cols), free(r.texts), free(r.proba), free(r.fields);
    rs_text_model_free(tm);
    return st;
}
