/* supervised.h — supervised models, whatever their kind: train a dataset
 * into an rs_model, and score feature rows with a loaded one.  Each kind's
 * own training and scoring live in its file under lib/models/ (the
 * interface: lib/models/kind.h). */
#ifndef RS_SUPERVISED_H
#define RS_SUPERVISED_H

#include "io/dataset.h"
#include "io/model.h"
#include "models/kind.h"

/* A model ready to save, or NULL (err set: a single-class label, rank
 * deficiency, ...).  Constant features are warned about and get weight 0. */
rs_model *rs_sup_train_new(const rs_dataset *train, const rs_params *p, rs_error *err);

/* The model's header keys: label, id, train_rows, n_features, the feature
 * names, a mixed table's feature types and categories, the classes. */
rs_status rs_sup_header(rs_model *m, const rs_dataset *d, const rs_params *p, rs_error *err);

/* Training from a table read in passes, its features never held (a kind
 * with train_passes, kind.h): the kind reads the rows as often as it needs
 * through rs_sup_passes_read. */
rs_sup_passes *rs_sup_passes_open(const char *path, const rs_table_options *opt, const rs_dataset_spec *spec,
                                  const char *valid_path, rs_error *err);
/* A model ready to save (keep in until it is saved: the model borrows its
 * categories), or NULL. */
rs_model *rs_sup_train_passes_new(rs_sup_passes *in, const rs_kind *kind, const rs_params *p, rs_error *err);
void rs_sup_passes_free(rs_sup_passes *in);
/* Read the training table once more, each row's features to fn (the
 * first read's text codes are by first sight, dataset.h).  After the first
 * read the features are checked (constant ones warned about), the model's
 * header is written and the --valid table is read. */
rs_status rs_sup_passes_read(rs_sup_passes *in, rs_row_fn fn, void *ctx, rs_error *err);
/* After the kind's last read: the table's reader and its buffers go. */
void rs_sup_passes_close(rs_sup_passes *in);
/* After the first read: the dataset (x NULL; the kind may free y once it
 * has what it needs), the constant features (n_features) and the
 * validation table (NULL: none). */
rs_dataset *rs_sup_passes_dataset(rs_sup_passes *in);
const unsigned char *rs_sup_passes_constant(const rs_sup_passes *in);
const rs_dataset *rs_sup_passes_valid(const rs_sup_passes *in);

/* Scoring with a loaded model (it borrows the model: keep it until
 * rs_scorer_free). */
typedef struct rs_scorer rs_scorer;

rs_scorer *rs_scorer_new(const rs_model *m, rs_error *err);
void rs_scorer_free(rs_scorer *s);
size_t rs_scorer_n_features(const rs_scorer *s);
/* The name of feature j, NUL-terminated. */
const char *rs_scorer_feature(const rs_scorer *s, size_t j);
/* 1 when scores are probabilities (logreg, mlp with bce). */
int rs_scorer_is_probability(const rs_scorer *s);
/* Scores per row: 1, or K class probabilities for a model of a class
 * label (rs_scorer_score then writes n x K), named by rs_scorer_output. */
size_t rs_scorer_outputs(const rs_scorer *s);
const char *rs_scorer_output(const rs_scorer *s, size_t j);
/* Scores of n <= RS_SCORE_BATCH rows (row-major, n_features each). */
void rs_scorer_score(rs_scorer *s, const float *rows, size_t n, double *scores);
/* The model's features of one record into row (but those with skip[j]
 * set; skip may be NULL): numbers, and for a kind that reads raw tables
 * (RS_KIND_MIXED) empty cells as missing and text as the model's category
 * codes. */
rs_status rs_scorer_parse(const rs_scorer *s, const rs_table *t, const rs_record *rec, const size_t *cols,
                          const unsigned char *skip, float *row, rs_error *err);
/* 1 when missing values (NaN) are valid input (RS_KIND_MIXED). */
int rs_scorer_reads_missing(const rs_scorer *s);
/* 1 when feature j holds categories (text). */
int rs_scorer_categorical(const rs_scorer *s, size_t j);
/* 1 when rs_scorer_score may run on several threads at once. */
int rs_scorer_parallel(const rs_scorer *s);
/* 1 when the kind writes per-feature contributions (--explain). */
int rs_scorer_can_explain(const rs_scorer *s);
/* n x (n_features + 1) contributions, the last the expected raw score. */
void rs_scorer_explain(rs_scorer *s, const float *rows, size_t n, double *contrib);
/* 1 when the model predicts potential outcomes (uplift), and they for n
 * rows: (n x 2) without and with the treatment. */
int rs_scorer_has_outcomes(const rs_scorer *s);
void rs_scorer_outcomes(rs_scorer *s, const float *rows, size_t n, double *outcomes);
/* Each feature's total gain and split count: 1, or 0 when the kind has
 * no importance. */
int rs_scorer_importance(const rs_scorer *s, double *gain, double *splits);
/* 1 when the model is a policy (rs_scorer_choose acts). */
int rs_scorer_is_policy(const rs_scorer *s);
/* A policy's action and its probability for n <= RS_SCORE_BATCH rows; row
 * i draws from seed + i, so a caller passes seed + the index of rows[0]. */
void rs_scorer_choose(rs_scorer *s, const float *rows, size_t n, uint64_t seed, int32_t *action,
                      double *propensity);
/* A policy's number of actions (0 for a model that is not a policy), and
 * its probability of each of them for n <= RS_SCORE_BATCH rows (n x K). */
size_t rs_scorer_n_actions(const rs_scorer *s);
void rs_scorer_action_probs(rs_scorer *s, const float *rows, size_t n, double *probs);

#endif
