/* supervised.h — the supervised model kinds (linreg, logreg, mlp) behind
 * one interface: train a dataset into an rs_model, and score feature rows
 * with a loaded one.  rs-train and rs-predict do not care which kind. */
#ifndef RS_SUPERVISED_H
#define RS_SUPERVISED_H

#include "dataset.h"
#include "model.h"
#include "progress.h"

#include <stdint.h>

enum { RS_MLP_MAX_HIDDEN = 8 };


typedef struct {
    const char *kind;           /* "linreg", "logreg" or "mlp" */
    const char *label, *id;     /* names recorded in the model */
    double l2, l1;              /* penalties: l2/2 |w|^2 + l1 |w|_1 (bias free) */
    int balanced;               /* class weights n / (2 n_class) */
    double class_weight[2];     /* else these (default 1, 1) */
    double tol;                 /* logreg: stop when |grad| <= tol |grad_0| */
    long max_iter;
    size_t hidden[RS_MLP_MAX_HIDDEN], n_hidden;
    const char *activation;     /* relu, tanh, sigmoid */
    const char *loss;           /* bce or squared; NULL: bce for 0/1 labels */
    double dropout, lr;
    long epochs, batch, patience;
    int threads;
    uint64_t seed;
    const rs_dataset *valid;    /* NULL or a table with the same features */
    rs_progress_fn progress;
    void *progress_ctx;
} rs_sup_params;

void rs_sup_params_default(rs_sup_params *p);
int rs_sup_kind_known(const char *kind);

/* A model ready to save, or NULL (err set: a single-class label, rank
 * deficiency, ...).  Constant features are warned about and get weight 0. */
rs_model *rs_sup_train_new(const rs_dataset *train, const rs_sup_params *p, rs_error *err);

/* Scoring with a loaded model. */
typedef struct rs_scorer rs_scorer;

rs_scorer *rs_scorer_new(const rs_model *m, rs_error *err);
void rs_scorer_free(rs_scorer *s);
size_t rs_scorer_n_features(const rs_scorer *s);
/* The name of feature j, NUL-terminated. */
const char *rs_scorer_feature(const rs_scorer *s, size_t j);
/* 1 when scores are probabilities (logreg, mlp with bce). */
int rs_scorer_is_probability(const rs_scorer *s);
enum { RS_SCORE_BATCH = 1024 };
/* Scores of n <= RS_SCORE_BATCH rows (row-major, n_features each). */
void rs_scorer_score(rs_scorer *s, const float *rows, size_t n, double *scores);

/* Internals shared by the kinds (lib/models/). */
/* Rows per label class in count[0], count[1]; the 1-based row of the first
 * label that is neither 0 nor 1 (0 when all are). */
size_t rs_label_classes(const rs_dataset *d, size_t count[2]);
/* RS_OK when both classes occur, else the "one class" error. */
rs_status rs_require_two_classes(const rs_dataset *d, const size_t count[2], rs_error *err);
rs_status rs_check_features(const rs_dataset *d, unsigned char *constant, rs_error *err);
rs_status rs_linear_train(const rs_dataset *d, const rs_sup_params *p, const unsigned char *constant,
                          rs_model *m, rs_error *err);
rs_status rs_mlp_train(const rs_dataset *d, const rs_sup_params *p, const unsigned char *constant,
                       rs_model *m, rs_error *err);
#define rs_progress(p, ...) rs_progress_emit((p)->progress, (p)->progress_ctx, __VA_ARGS__)

#endif
