/* predict.h — score every row of a table with a model file (rs-predict):
 * feature rows with a supervised model, user,item pairs with a
 * recommender.  Streams: memory does not grow with the rows. */
#ifndef RS_PREDICT_H
#define RS_PREDICT_H

#include "io/model.h"
#include "strlist.h"
#include "io/table.h"

#include <stdint.h>

typedef struct {
    const char *input, *output;        /* NULL: stdin, stdout */
    rs_format format;
    const rs_table_options *table;
    const char *id;                    /* rows: the id column (NULL: the model's, if present) */
    const char *user_col, *item_col;   /* pairs: NULL for user, item */
    rs_strlist keep;                   /* columns passed through (borrowed strings) */
    int have_threshold;
    double threshold;                  /* a class column: score >= threshold */
    int explain;                       /* rows: each feature's contribution (kinds with rows_explain) */
    int outcomes;                      /* rows: an uplift model's outcome without and with the treatment */
    int threads;                       /* rows: batches scored on this many threads (kinds that allow it) */
    int proba;                         /* class-label model: a proba_CLASS column per class */
    long top;                          /* class-label model: the K best classes (0: 1) */
    uint64_t seed;                     /* rows: a policy's draws (row i: seed + i) */
} rs_predict_spec;

typedef struct {
    long unknown_users, unknown_items;   /* pairs with an id the model lacks */
} rs_predict_report;

rs_status rs_predict_run(const rs_model *m, const rs_predict_spec *spec, rs_predict_report *rep, rs_error *err);
/* A text model (rs-train --text, models/text_model.h): raw text in, class
 * columns out, streaming (predict_text.c).  *done = 0 when m is not one. */
rs_status rs_predict_text(const rs_model *m, const rs_predict_spec *spec, int *done, rs_error *err);
/* The model's header as "key value" lines, then "feature NAME" lines, then
 * for kinds that have it "importance NAME gain G splits N" lines by gain. */
rs_status rs_predict_describe(const char *path, const char *output, rs_error *err);

#endif
