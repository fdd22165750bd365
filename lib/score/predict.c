/* predict.c — rs-predict's work: score a table's rows with a supervised
 * model, batch by batch (constant memory), or its user,item pairs with a
 * recommender; the pass-through columns and the output. */
#include "score/predict.h"
#include "score/classes_out.h"

#include "mem.h"
#include "num.h"
#include "models/reco.h"
#include "models/supervised.h"
#include "threads.h"

#include <float.h>
#include <stdatomic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RS_PREDICT_BATCHES = 3 };

/* The rows of one batch: features, and the text passed through. */
typedef struct {
    size_t n_rows, n_pass;     /* pass-through fields per row: id (if any) + keep */
    float *x;                  /* (RS_SCORE_BATCH x n_features) */
    double *scores;
    char (*score_text)[RS_NUM_BUF];   /* the scores as text, formatted on the scoring threads */
    unsigned char *score_len;
    double *contrib;           /* --explain: (RS_SCORE_BATCH x (n_features + 1)) */
    double *outcomes;          /* --outcomes: (RS_SCORE_BATCH x 2) */
    rs_field *fields;          /* one output row */
    char (*numbers)[RS_NUM_BUF];   /* --explain: its numbers' text */
    char *text;                /* the pass-through bytes */
    size_t text_len, text_cap;
    size_t *offsets;           /* (RS_SCORE_BATCH x n_pass) starts; lengths follow */
    size_t *lengths;
    unsigned char *special;    /* a row's pass-through needs CSV quoting */
    long first_row;            /* 1-based number of the batch's first row */
    /* a policy: the actions (the scores hold their propensities) */
    int32_t *actions;
    char (*prop_text)[RS_NUM_BUF];
    unsigned char *prop_len;
} batch;

typedef struct {
    rs_table *in;
    rs_scorer *scorer;
    size_t *feature_cols, *pass_cols, n_pass;
    unsigned char *direct;     /* (n_features): read as numbers from rsf, not text */
    size_t n_direct, *direct_cols, *direct_features;   /* (n_direct) their columns and features */
    double *direct_values;     /* (n_direct) the current row's */
    int has_id;
    rs_table_sink sink;
    batch b[RS_PREDICT_BATCHES];   /* one read while one is scored and one written */
    long next_row;             /* 1-based number of the next row read */
    const rs_predict_spec *a;
    size_t n_outputs;          /* 1, or the classes of a class-label model */
    rs_classes_out classes;    /* their columns */
} predictor;

static rs_status copy_pass_fields(batch *b, const rs_record *rec, const size_t *cols, rs_error *err)
{
    size_t row = b->n_rows;
    for (size_t k = 0; k < b->n_pass; k++) {
        const rs_field *f = &rec->fields[cols[k]];
        if (rs_grow((void **)&b->text, &b->text_cap, b->text_len + f->len + 1, 1) < 0)
            return rs_error_nomem(err);
        memcpy(b->text + b->text_len, f->ptr, f->len);
        b->offsets[row * b->n_pass + k] = b->text_len;
        b->lengths[row * b->n_pass + k] = f->len;
        b->text_len += f->len;
    }
    b->special[row] = (rec->flags & RS_REC_SPECIAL) != 0;
    return RS_OK;
}

/* Scores (and their text) of rows [begin, end) of b. */
static void score_rows(predictor *pr, batch *b, size_t begin, size_t end)
{
    size_t d = rs_scorer_n_features(pr->scorer);
    if (end <= begin)
        return;
    if (b->actions) {   /* a policy: the action (as score_text) and its propensity */
        rs_scorer_choose(pr->scorer, b->x + begin * d, end - begin, pr->a->seed + (uint64_t)(b->first_row - 1) + begin,
                         b->actions + begin, b->scores + begin);
        for (size_t i = begin; i < end; i++) {
            b->score_len[i] = (unsigned char)rs_format_i64(b->actions[i], b->score_text[i]);
            b->prop_len[i] = (unsigned char)rs_format_f32((float)b->scores[i], b->prop_text[i]);
        }
        return;
    }
    rs_scorer_score(pr->scorer, b->x + begin * d, end - begin, b->scores + begin * pr->n_outputs);
    for (size_t i = begin; i < end && pr->n_outputs == 1; i++)   /* formatting costs as much as a small model */
        b->score_len[i] = (unsigned char)rs_format_f32((float)b->scores[i], b->score_text[i]);
}

typedef struct {
    predictor *pr;
    batch *b;
} score_job;

static void score_thread(void *ctx, int t, int n_threads)
{
    score_job *job = ctx;
    size_t begin, end;
    rs_thread_range(job->b->n_rows, t, n_threads, &begin, &end);
    score_rows(job->pr, job->b, begin, end);
}

static rs_status write_rows(predictor *pr, batch *b, rs_error *err);

/* Scores b on -j threads (each row's score is its own: the same output for
 * any -j; each row's choice draws from its own seed) and writes it. */
static rs_status write_batch(predictor *pr, batch *b, rs_error *err)
{
    score_job job = {pr, b};
    rs_parallel(rs_scorer_parallel(pr->scorer) && b->n_rows >= 64 ? pr->a->threads : 1, score_thread, &job);
    return write_rows(pr, b, err);
}

/* The batch's rows, scored, to the output (after --outcomes, --explain). */
static rs_status write_rows(predictor *pr, batch *b, rs_error *err)
{
    size_t d = rs_scorer_n_features(pr->scorer);
    if (pr->a->explain)
        rs_scorer_explain(pr->scorer, b->x, b->n_rows, b->contrib);
    if (pr->a->outcomes)
        rs_scorer_outcomes(pr->scorer, b->x, b->n_rows, b->outcomes);
    rs_field *fields = b->fields;
    char row_num[RS_NUM_BUF], outcome_num[2][RS_NUM_BUF];
    for (size_t i = 0; i < b->n_rows; i++) {
        size_t n = 0, pass = 0;
        if (pr->has_id) {
            fields[n++] = (rs_field){b->text + b->offsets[i * b->n_pass], b->lengths[i * b->n_pass]};
            pass = 1;
        } else {
            fields[n++] = (rs_field){row_num, rs_format_i64(b->first_row + (long)i, row_num)};
        }
        if (pr->n_outputs > 1)
            n += rs_classes_out_row(&pr->classes, b->scores + i * pr->n_outputs, fields + n);
        else
            fields[n++] = (rs_field){b->score_text[i], b->score_len[i]};
        if (b->actions)
            fields[n++] = (rs_field){b->prop_text[i], b->prop_len[i]};
        if (pr->a->have_threshold)
            fields[n++] = (rs_field){b->scores[i] >= pr->a->threshold ? "1" : "0", 1};
        for (size_t j = 0; pr->a->outcomes && j < 2; j++)
            fields[n++] = (rs_field){outcome_num[j], rs_format_f32((float)b->outcomes[2 * i + j], outcome_num[j])};
        for (size_t j = 0; pr->a->explain && j <= d; j++)
            fields[n++] = (rs_field){b->numbers[j], rs_format_f32((float)b->contrib[i * (d + 1) + j], b->numbers[j])};
        for (; pass < b->n_pass; pass++)
            fields[n++] = (rs_field){b->text + b->offsets[i * b->n_pass + pass], b->lengths[i * b->n_pass + pass]};
        if (rs_table_writer_write(pr->sink.writer, fields, !b->special[i] && pr->n_outputs == 1, err) != RS_OK)
            return err->code;
    }
    return RS_OK;
}

static rs_status resolve_columns(predictor *pr, const char *model_id, rs_error *err)
{
    size_t d = rs_scorer_n_features(pr->scorer);
    for (size_t j = 0; j < d; j++)
        if (rs_table_find_col(pr->in, rs_scorer_feature(pr->scorer, j), "the model's features",
                              &pr->feature_cols[j], err) != RS_OK) {
            err->code = RS_EDATA;
            return err->code;
        }
    size_t id_col = 0;
    pr->has_id = 0;
    if (pr->a->id) {
        if (rs_table_find_col(pr->in, pr->a->id, "--id", &id_col, err) != RS_OK)
            return err->code;
        pr->has_id = 1;
    } else if (model_id) {
        pr->has_id = rs_table_has_col(pr->in, model_id, &id_col);
    }
    if (pr->has_id)
        pr->pass_cols[pr->n_pass++] = id_col;
    for (size_t k = 0; k < pr->a->keep.n; k++)
        if (rs_table_find_col(pr->in, pr->a->keep.items[k], "--keep", &pr->pass_cols[pr->n_pass++], err) != RS_OK)
            return err->code;
    return RS_OK;
}

/* --explain's columns: contrib_FEATURE per feature, then contrib_base. */
static rs_status explain_names(const rs_scorer *s, rs_strlist *names, rs_error *err)
{
    size_t d = rs_scorer_n_features(s);
    char name[1024];
    for (size_t j = 0; j <= d; j++) {
        snprintf(name, sizeof name, "contrib_%s", j < d ? rs_scorer_feature(s, j) : "base");
        if (rs_strlist_push(names, name) < 0)
            return rs_error_nomem(err);
    }
    return RS_OK;
}

static rs_status open_output(predictor *pr, rs_error *err)
{
    rs_strlist contrib = {0};
    size_t width = pr->n_pass + 4 + pr->classes.names.n + (pr->a->explain ? rs_scorer_n_features(pr->scorer) + 1 : 0);
    const char **names = calloc(width + 1, sizeof *names);
    rs_col_type *types = calloc(width + 1, sizeof *types);
    rs_status st = names && types ? RS_OK : rs_error_nomem(err);
    if (st == RS_OK && pr->a->explain)
        st = explain_names(pr->scorer, &contrib, err);
    size_t n = 0, pass = 0;
    if (st == RS_OK) {
        names[n++] = pr->has_id ? rs_table_col_name(pr->in, pr->pass_cols[pass++]) : "row";
        if (pr->n_outputs > 1)
            for (size_t j = 0; j < pr->classes.names.n; j++)
                names[n++] = pr->classes.names.items[j];
        else
            names[n++] = pr->b[0].actions ? "action" : "score";
        if (pr->b[0].actions)
            names[n++] = "propensity";
        if (pr->a->have_threshold)
            names[n++] = "class";
        if (pr->a->outcomes)
            names[n++] = "outcome_control", names[n++] = "outcome_treated";
        for (size_t j = 0; j < contrib.n; j++)
            names[n++] = contrib.items[j];
        for (; pass < pr->n_pass; pass++)
            names[n++] = rs_table_col_name(pr->in, pr->pass_cols[pass]);
        for (size_t i = 0; i < n; i++)
            types[i] = RS_COL_STR;
        st = rs_table_sink_open(&pr->sink, pr->a->output, pr->a->format, n, names, types, err);
    }
    rs_strlist_free(&contrib);
    free(names), free(types);
    return st;
}

static rs_status alloc_batch(batch *b, size_t n_features, size_t n_pass, int explain, size_t n_outputs,
                             size_t n_class_cols, rs_error *err)
{
    b->n_pass = n_pass;
    size_t width = n_pass + 5 + n_class_cols + (explain ? n_features + 1 : 0);
    b->fields = malloc(width * sizeof *b->fields);
    if (explain) {
        b->contrib = malloc(RS_SCORE_BATCH * (n_features + 1) * sizeof *b->contrib);
        b->numbers = malloc((n_features + 1) * sizeof *b->numbers);
        if (!b->contrib || !b->numbers)
            return rs_error_nomem(err);
    }
    b->x = malloc(RS_SCORE_BATCH * n_features * sizeof *b->x);
    b->scores = malloc(RS_SCORE_BATCH * n_outputs * sizeof *b->scores);
    b->score_text = malloc(RS_SCORE_BATCH * sizeof *b->score_text);
    b->score_len = malloc(RS_SCORE_BATCH);
    b->offsets = malloc(RS_SCORE_BATCH * (n_pass + 1) * sizeof *b->offsets);
    b->lengths = malloc(RS_SCORE_BATCH * (n_pass + 1) * sizeof *b->lengths);
    b->special = malloc(RS_SCORE_BATCH);
    return b->x && b->scores && b->offsets && b->lengths && b->special && b->fields && b->score_text && b->score_len ? RS_OK : rs_error_nomem(err);
}

static void batch_free(batch *b)
{
    free(b->x), free(b->scores), free(b->text), free(b->offsets), free(b->lengths), free(b->special);
    free(b->fields), free(b->contrib), free(b->numbers), free(b->score_text), free(b->score_len);
    free(b->actions), free(b->prop_text), free(b->prop_len), free(b->outcomes);
}

/* rsf input: the numeric feature columns that are not passed through are
 * read as numbers, without formatting them as text first. */
static rs_status choose_direct(predictor *pr, rs_error *err)
{
    size_t d = rs_scorer_n_features(pr->scorer);
    if (!(pr->direct = calloc(d + 1, 1)) || !(pr->direct_cols = malloc((d + 1) * sizeof *pr->direct_cols)) ||
        !(pr->direct_features = malloc((d + 1) * sizeof *pr->direct_features)) ||
        !(pr->direct_values = malloc((d + 1) * sizeof *pr->direct_values)))
        return rs_error_nomem(err);
    for (size_t j = 0; j < d; j++) {
        int passed = 0;
        for (size_t k = 0; k < pr->n_pass; k++)
            passed |= pr->pass_cols[k] == pr->feature_cols[j];
        int taken = passed || rs_scorer_categorical(pr->scorer, j)
                        ? 0 : rs_table_numbers_direct(pr->in, pr->feature_cols[j], err);
        if (taken < 0)
            return err->code;
        pr->direct[j] = (unsigned char)taken;
        if (taken)
            pr->direct_cols[pr->n_direct] = pr->feature_cols[j], pr->direct_features[pr->n_direct++] = j;
    }
    return RS_OK;
}

static rs_status read_direct(predictor *pr, const rs_record *rec, float *row, rs_error *err)
{
    if (!rs_table_numbers(pr->in, pr->direct_cols, pr->n_direct, pr->direct_values))
        return RS_OK;   /* not direct after all: parsed from their text */
    for (size_t k = 0; k < pr->n_direct; k++) {
        double v = pr->direct_values[k];
        size_t j = pr->direct_features[k];
        if (!(v >= -FLT_MAX && v <= FLT_MAX) && (!isnan(v) || !rs_scorer_reads_missing(pr->scorer)))
            return rs_error_set(err, RS_EDATA, rs_table_name(pr->in), rec->line,
                                "column %s: %s is not a finite number", rs_table_col_name(pr->in, pr->feature_cols[j]),
                                isnan(v) ? "a missing value" : "a value out of float range");
        row[j] = (float)v;
    }
    return RS_OK;
}

/* A class-label model writes class and probability (--top, --proba); a
 * 0/1 or number model one score (--threshold). */
static rs_status choose_outputs(predictor *pr, rs_error *err)
{
    pr->n_outputs = rs_scorer_outputs(pr->scorer);
    if (pr->n_outputs == 1 && (pr->a->proba || pr->a->top))
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "%s is for a model of a class label (this one writes one "
                            "score)", pr->a->proba ? "--proba" : "--top");
    if (pr->n_outputs > 1 && pr->a->have_threshold)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--threshold is for a 0/1 label; this model has %zu classes "
                            "(it writes the most probable one)", pr->n_outputs);
    if (pr->n_outputs == 1)
        return RS_OK;
    const char **names = malloc(pr->n_outputs * sizeof *names);
    if (!names)
        return rs_error_nomem(err);
    for (size_t k = 0; k < pr->n_outputs; k++)
        names[k] = rs_scorer_output(pr->scorer, k);
    rs_status st = rs_classes_out_init(&pr->classes, pr->n_outputs, names, pr->a->top ? pr->a->top : 1, pr->a->proba,
                                       err);
    free(names);
    return st;
}

/* Up to RS_SCORE_BATCH rows into b (none at the end). */
static rs_status fill_batch(predictor *pr, batch *b, rs_error *err)
{
    size_t d = rs_scorer_n_features(pr->scorer);
    b->n_rows = 0, b->text_len = 0, b->first_row = pr->next_row;
    rs_record rec;
    int got = 1;
    while (b->n_rows < RS_SCORE_BATCH && (got = rs_table_next(pr->in, &rec, err)) == 1) {
        if (rs_table_check_width(pr->in, &rec, err) != RS_OK ||
            rs_scorer_parse(pr->scorer, pr->in, &rec, pr->feature_cols, pr->direct, b->x + b->n_rows * d, err) ||
            (pr->n_direct && read_direct(pr, &rec, b->x + b->n_rows * d, err) != RS_OK) ||
            copy_pass_fields(b, &rec, pr->pass_cols, err) != RS_OK)
            return err->code;
        b->n_rows++, pr->next_row++;
    }
    return got < 0 ? err->code : RS_OK;
}

/* One round of the pipeline: slice 0 reads `read` (the next batch), the last
 * slice writes `write` (the one scored in the round before), and every
 * slice, once done with that, scores chunks of `score` as they come: who
 * scores a chunk varies, the chunks and their scores do not.  Each slice
 * touches only its own side (table or sink) and its own batch or chunks. */
enum { SCORE_CHUNK = 64 };

typedef struct {
    predictor *pr;
    batch *read, *score, *write;   /* read and write may be NULL */
    atomic_size_t next_chunk;
    rs_status read_st, write_st;
    rs_error read_err, write_err;
} round_job;

static void round_thread(void *ctx, int t, int n_threads)
{
    round_job *job = ctx;
    if (t == 0 && job->read)
        job->read_st = fill_batch(job->pr, job->read, &job->read_err);
    if (t == n_threads - 1 && job->write)
        job->write_st = write_rows(job->pr, job->write, &job->write_err);
    size_t n = job->score->n_rows, begin;
    while ((begin = SCORE_CHUNK * atomic_fetch_add(&job->next_chunk, 1)) < n)
        score_rows(job->pr, job->score, begin, begin + SCORE_CHUNK < n ? begin + SCORE_CHUNK : n);
}

/* Every batch through the rounds: read, then scored, then written, in
 * input order (the same output as one thread). */
static rs_status pipeline_rows(predictor *pr, rs_error *err)
{
    batch *read = &pr->b[1], *score = &pr->b[0], *write = NULL, *spare = &pr->b[2];
    while (score->n_rows > 0 || write) {
        round_job job = {pr, score->n_rows > 0 ? read : NULL, score, write, 0, RS_OK, RS_OK, {0}, {0}};
        rs_parallel(pr->a->threads, round_thread, &job);
        if (job.write_st != RS_OK || job.read_st != RS_OK) {
            *err = job.write_st != RS_OK ? job.write_err : job.read_err;
            return err->code;
        }
        batch *written = write ? write : spare;
        write = score->n_rows > 0 ? score : NULL;
        score = read, read = written;
        if (!job.read)
            score->n_rows = 0;   /* nothing was read: the input had ended */
    }
    return RS_OK;
}

static rs_status alloc_batches(predictor *pr, rs_error *err)
{
    size_t d = rs_scorer_n_features(pr->scorer);
    for (int k = 0; k < RS_PREDICT_BATCHES; k++)
        if (alloc_batch(&pr->b[k], d, pr->n_pass, pr->a->explain, pr->n_outputs, pr->classes.names.n, err) != RS_OK)
            return err->code;
    return RS_OK;
}

static rs_status predict_rows(predictor *pr, const rs_model *model, rs_error *err)
{
    size_t d = rs_scorer_n_features(pr->scorer);
    if (pr->a->keep.n > 64)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--keep lists %zu columns (at most 64)", pr->a->keep.n);
    if (pr->a->explain && rs_scorer_outputs(pr->scorer) > 1)
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "--explain: contributions are per score; this %s model has %zu classes (one score each)",
                            rs_model_kind(model), rs_scorer_outputs(pr->scorer));
    if (rs_scorer_is_policy(pr->scorer) && pr->a->have_threshold)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--threshold: a %s model chooses actions, it has no score "
                            "to threshold", rs_model_kind(model));
    for (int k = 0; k < RS_PREDICT_BATCHES && rs_scorer_is_policy(pr->scorer); k++)
        if (!(pr->b[k].actions = malloc(RS_SCORE_BATCH * sizeof *pr->b[k].actions)) ||
            !(pr->b[k].prop_text = malloc(RS_SCORE_BATCH * sizeof *pr->b[k].prop_text)) ||
            !(pr->b[k].prop_len = malloc(RS_SCORE_BATCH)))
            return rs_error_nomem(err);
    if (pr->a->outcomes && !rs_scorer_has_outcomes(pr->scorer))
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "--outcomes: a %s model does not predict outcomes with and without a treatment "
                            "(uplift does)", rs_model_kind(model));
    for (int k = 0; k < RS_PREDICT_BATCHES && pr->a->outcomes; k++)
        if (!(pr->b[k].outcomes = malloc(RS_SCORE_BATCH * 2 * sizeof *pr->b[k].outcomes)))
            return rs_error_nomem(err);
    if (pr->a->explain && !rs_scorer_can_explain(pr->scorer))
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "--explain: a %s model has no per-feature contributions (gbdt has)", rs_model_kind(model));
    if (choose_outputs(pr, err) != RS_OK || !(pr->in = rs_table_open(pr->a->input, pr->a->table, err)))
        return err->code;
    pr->feature_cols = malloc(d * sizeof *pr->feature_cols);
    pr->pass_cols = malloc((pr->a->keep.n + 1) * sizeof *pr->pass_cols);
    if (!pr->feature_cols || !pr->pass_cols)
        return rs_error_nomem(err);
    if (resolve_columns(pr, rs_model_get(model, "id"), err) != RS_OK || choose_direct(pr, err) != RS_OK ||
        alloc_batches(pr, err) != RS_OK || open_output(pr, err) != RS_OK)
        return err->code;
    pr->next_row = 1;
    batch *cur = &pr->b[0], *next = &pr->b[1];
    if (fill_batch(pr, cur, err) != RS_OK)
        return err->code;
    /* With threads, the next batch is read and the last one written while
     * this one is scored (reading and writing are the serial parts). */
    if (pr->a->threads > 1 && rs_scorer_parallel(pr->scorer) && !pr->a->explain) {
        if (pipeline_rows(pr, err) != RS_OK)
            return err->code;
    } else {
        while (cur->n_rows > 0) {
            if (write_batch(pr, cur, err) != RS_OK || fill_batch(pr, next, err) != RS_OK)
                return err->code;
            batch *done = cur;
            cur = next, next = done;
        }
    }
    return rs_table_sink_commit(&pr->sink, err);
}

/* ---- user,item pairs with a recommender model ------------------------- */

typedef struct {
    rs_table *in;
    rs_table_sink sink;
    rs_reco *reco;
    rs_reco_work *work;
    size_t user_col, item_col, keep_cols[64];
    long unknown_users, unknown_items;
} pair_run;

static rs_status pairs_open(pair_run *pr, const rs_predict_spec *a, rs_error *err)
{
    if (a->keep.n > 64)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--keep lists %zu columns (at most 64)", a->keep.n);
    if (!(pr->in = rs_table_open(a->input, a->table, err)) ||
        rs_table_find_col(pr->in, a->user_col ? a->user_col : rs_reco_column(rs_reco_model(pr->reco), "user"),
                          "--user-col", &pr->user_col, err) ||
        rs_table_find_col(pr->in, a->item_col ? a->item_col : rs_reco_column(rs_reco_model(pr->reco), "item"),
                          "--item-col", &pr->item_col, err))
        return err->code;
    const char *names[64 + 4];
    rs_col_type types[64 + 4];
    size_t n = 0;
    names[n++] = rs_table_col_name(pr->in, pr->user_col);
    names[n++] = rs_table_col_name(pr->in, pr->item_col);
    names[n++] = "score";
    if (a->have_threshold)
        names[n++] = "class";
    for (size_t k = 0; k < a->keep.n; k++) {
        if (rs_table_find_col(pr->in, a->keep.items[k], "--keep", &pr->keep_cols[k], err))
            return err->code;
        names[n++] = rs_table_col_name(pr->in, pr->keep_cols[k]);
    }
    for (size_t i = 0; i < n; i++)
        types[i] = RS_COL_STR;
    if (!(pr->work = rs_reco_work_new(pr->reco)))
        return rs_error_nomem(err);
    return rs_table_sink_open(&pr->sink, a->output, a->format, n, names, types, err);
}

static rs_status pairs_row(pair_run *pr, const rs_predict_spec *a, const rs_record *rec, rs_error *err)
{
    if (rs_table_check_width(pr->in, rec, err) != RS_OK)
        return err->code;
    const rs_field *u = &rec->fields[pr->user_col], *it = &rec->fields[pr->item_col];
    rs_reco_query q = {.user = rs_idmap_find(rs_reco_users(pr->reco), u->ptr, u->len)};
    int32_t item = rs_idmap_find(rs_reco_items(pr->reco), it->ptr, it->len);
    pr->unknown_users += q.user < 0;
    pr->unknown_items += item < 0;
    q.n_sequence = rs_reco_sequence(pr->reco, q.user, &q.sequence, &q.sequence_basket);   /* ordered kinds */
    float score = rs_reco_score_pair(pr->reco, &q, item, pr->work);
    char text[RS_NUM_BUF];
    rs_field f[64 + 4];
    size_t n = 0;
    f[n++] = *u;
    f[n++] = *it;
    f[n++] = (rs_field){text, rs_format_f32(score, text)};
    if (a->have_threshold)
        f[n++] = (rs_field){score >= a->threshold ? "1" : "0", 1};
    for (size_t k = 0; k < a->keep.n; k++)
        f[n++] = rec->fields[pr->keep_cols[k]];
    return rs_table_writer_write(pr->sink.writer, f, !(rec->flags & RS_REC_SPECIAL), err);
}

static rs_status predict_pairs(const rs_model *m, const rs_predict_spec *a, rs_predict_report *rep, rs_error *err)
{
    pair_run pr = {0};
    rs_status st = (pr.reco = rs_reco_new(m, err)) ? pairs_open(&pr, a, err) : err->code;
    rs_record rec;
    int got = 0;
    while (st == RS_OK && (got = rs_table_next(pr.in, &rec, err)) == 1)
        st = pairs_row(&pr, a, &rec, err);
    if (st == RS_OK && got < 0)
        st = err->code;
    if (st == RS_OK)
        st = rs_table_sink_commit(&pr.sink, err);
    rep->unknown_users = pr.unknown_users;
    rep->unknown_items = pr.unknown_items;
    rs_table_sink_close(&pr.sink);
    rs_table_free(pr.in);
    rs_reco_work_free(pr.work);
    rs_reco_free(pr.reco);
    return st;
}

rs_status rs_predict_run(const rs_model *m, const rs_predict_spec *spec, rs_predict_report *rep, rs_error *err)
{
    const rs_kind *kind;
    memset(rep, 0, sizeof *rep);
    if (rs_kind_of_model(rs_model_kind(m), &kind, err) != RS_OK)
        return err->code;
    if (kind->family == RS_FAMILY_RECOMMENDER)
        return predict_pairs(m, spec, rep, err);
    int text_model;
    rs_status text_st = rs_predict_text(m, spec, &text_model, err);
    if (text_st != RS_OK || text_model)
        return text_st;
    predictor pr = {.a = spec};
    rs_status st = (pr.scorer = rs_scorer_new(m, err)) ? predict_rows(&pr, m, err) : err->code;
    rs_table_sink_close(&pr.sink);
    rs_table_free(pr.in);
    free(pr.feature_cols), free(pr.pass_cols), free(pr.direct), free(pr.direct_cols), free(pr.direct_features);
    free(pr.direct_values);
    for (int k = 0; k < RS_PREDICT_BATCHES; k++)
        batch_free(&pr.b[k]);
    rs_classes_out_free(&pr.classes);
    rs_scorer_free(pr.scorer);
    return st;
}

typedef struct {
    double gain, splits;
    size_t feature;
} importance;

static int by_gain(const void *a, const void *b)
{
    const importance *x = a, *y = b;
    if (x->gain != y->gain)
        return x->gain < y->gain ? 1 : -1;
    return (x->feature > y->feature) - (x->feature < y->feature);
}

/* "importance NAME gain G splits N" per feature, by gain, for kinds that
 * have it. */
static rs_status describe_importance(const rs_model *m, rs_out *out, rs_error *err)
{
    const rs_kind *kind;
    if (rs_kind_of_model(rs_model_kind(m), &kind, err) != RS_OK || kind->family != RS_FAMILY_SUPERVISED ||
        !kind->rows_importance)
        return RS_OK;
    rs_scorer *s = rs_scorer_new(m, err);
    if (!s)
        return err->code;
    size_t d = rs_scorer_n_features(s);
    double *gain = malloc(d * sizeof *gain), *splits = malloc(d * sizeof *splits);
    importance *order = malloc(d * sizeof *order);
    rs_status st = gain && splits && order ? RS_OK : rs_error_nomem(err);
    if (st == RS_OK) {
        rs_scorer_importance(s, gain, splits);
        for (size_t j = 0; j < d; j++)
            order[j] = (importance){gain[j], splits[j], j};
        qsort(order, d, sizeof *order, by_gain);
        for (size_t j = 0; j < d; j++)
            rs_out_printf(out, "importance %s gain %.9g splits %.0f\n", rs_scorer_feature(s, order[j].feature),
                          order[j].gain, order[j].splits);
    }
    free(gain), free(splits), free(order);
    rs_scorer_free(s);
    return st;
}

rs_status rs_predict_describe(const char *path, const char *output, rs_error *err)
{
    rs_model *m = rs_model_load(path, err);
    rs_out *out = m ? rs_out_open(output, err) : NULL;
    rs_status st = m && out ? RS_OK : err->code;
    if (st == RS_OK) {
        rs_model_describe(m, out);
        rs_idmap *features = rs_model_get(m, "n_features") ? rs_model_ids_new(m, "features", err) : NULL;
        for (int32_t j = 0; features && j < rs_idmap_size(features); j++) {
            size_t len;
            const char *name = rs_idmap_key(features, j, &len);
            rs_out_printf(out, "feature %.*s\n", (int)len, name);
        }
        rs_idmap_free(features);
        st = describe_importance(m, out, err);
        if (st == RS_OK)
            st = rs_out_commit(out, err);
        else
            rs_out_abort(out);
    } else if (out) {
        rs_out_abort(out);
    }
    rs_model_free(m);
    return st;
}
