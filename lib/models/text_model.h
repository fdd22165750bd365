/* text_model.h — logreg on raw text (rs-train --text COL[,COL]): the
 * rows become hashed word and character n-grams (features/text.h),
 * TF-IDF weighted and L2-normalised, held as CSR (memory grows with the
 * non-zeros, never with rows x 2^bits); a softmax over the classes of the
 * label (a 0/1 label is the two classes 0 and 1) is fitted by SGD.  The
 * featurisation is stored in the model, so rs-predict reads raw text. */
#ifndef RS_TEXT_MODEL_H
#define RS_TEXT_MODEL_H

#include "features/text.h"
#include "io/table.h"
#include "models/kind.h"

/* Read spec's table, train, save to output. summary as rs_train_run's.
 * numeric (NULL or empty: none): numeric columns, standardised with the
 * training mean and standard deviation (stored in the model) and appended
 * to each row's text features (after the TF-IDF weighting and the L2
 * normalisation, which they take no part in).  With valid_path (or NULL),
 * the epoch with the lowest log loss on it is kept. */
rs_status rs_text_train(const rs_params *p, const char *input, const rs_strlist *numeric, const char *valid_path,
                        const rs_table_options *table, const char *output, char *summary, size_t summary_size,
                        rs_error *err);

/* A loaded text model: what scoring needs. */
typedef struct {
    rs_text_spec spec;
    int blocks;               /* text_norm blocks: words and char n-grams normalised apart */
    rs_strlist columns;       /* the text columns */
    size_t n_classes;
    char **classes;           /* (n_classes) names */
    const float *idf;         /* (2^bits) */
    const float *weights;     /* (B x n_classes) the rows of the buckets training saw */
    int32_t *slot;            /* (2^bits) each bucket's row of weights, -1 for none; NULL: row = bucket */
    const float *bias;        /* (n_classes) */
    rs_strlist numeric;       /* the numeric columns (--features), their buckets 2^bits + c */
    const float *num_mean;    /* (numeric.n) the training means */
    const float *num_sd;      /* (numeric.n) the training standard deviations (1 for a constant column) */
} rs_text_model;

/* One scoring thread's scratch (zero it to start; it grows with the
 * longest text, no malloc per row after). */
typedef struct {
    rs_text_scratch scratch;
    uint32_t *idx;            /* a row's buckets */
    float *val, *z;           /* their weights; the row's class scores */
    size_t n_idx, cap_idx, cap_val, cap_z;
} rs_text_scorer;

void rs_text_scorer_free(rs_text_scorer *s);

/* NULL when m is not a text model (no error), else RS_OK/err. */
rs_status rs_text_model_load(const rs_model *m, rs_text_model **out, rs_error *err);
void rs_text_model_free(rs_text_model *tm);
/* The class probabilities (n_classes) of one row's text fields (one per
 * column, in the model's order) and numbers (numeric.n, as read: the
 * model standardises them).  Invalid UTF-8 is RS_EDATA. */
rs_status rs_text_model_score(const rs_text_model *tm, rs_text_scorer *s, const rs_field *const *texts,
                              const double *numbers, double *proba, rs_error *err);

#endif
