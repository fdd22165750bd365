/* reco.h — the recommender kinds behind one interface: train interactions
 * into an rs_model; load one and score every item for a block of users
 * (model users, or users folded in from a history); item-to-item lists.
 *
 * Every recommender model holds the id maps "users" and "items", the
 * training interactions as CSR ("seen_ptr", "seen_idx", "seen_val": what
 * each user already has) and "popularity" (the fallback for users the
 * model cannot score). */
#ifndef RS_RECO_H
#define RS_RECO_H

#include "interactions.h"
#include "model.h"
#include "progress.h"
#include "sparse.h"

#include <stdint.h>

typedef struct {
    const char *kind;            /* pop itemknn userknn content mf als bpr ease */
    int threads;
    uint64_t seed;
    long factors, epochs;
    double lr, l2, alpha;        /* < 0: the kind's default */
    int svdpp;
    long neighbors;              /* knn: neighbours kept per item/user */
    double shrink;               /* knn: cosine shrinkage */
    const char *weighting;       /* knn: none, idf, bm25 */
    double recent_days;          /* pop: 0 = all time */
    long cg_steps;               /* als: conjugate-gradient steps per solve */
    const char *item_features;   /* content: item,text table */
    const rs_table_options *table;
    const char *item_col;        /* content: item column of item_features */
    rs_progress_fn progress;
    void *progress_ctx;
} rs_reco_params;

void rs_reco_params_default(rs_reco_params *p);
int rs_reco_kind_known(const char *kind);
/* The model, or NULL (err set). */
rs_model *rs_reco_train_new(const rs_interactions *x, const rs_reco_params *p, rs_error *err);

/* ---- scoring ---------------------------------------------------------- */

typedef struct rs_reco rs_reco;

rs_reco *rs_reco_new(const rs_model *m, rs_error *err);   /* borrows m */
void rs_reco_free(rs_reco *r);
const char *rs_reco_kind(const rs_reco *r);
const rs_idmap *rs_reco_users(const rs_reco *r);
const rs_idmap *rs_reco_items(const rs_reco *r);
size_t rs_reco_n_items(const rs_reco *r);
/* 1 when a history can be folded in (als, itemknn, ease, content). */
int rs_reco_folds_in(const rs_reco *r);
/* 1 when --explain works (itemknn, ease). */
int rs_reco_explains(const rs_reco *r);
/* 1 when item-to-item similarities exist (all but pop, userknn). */
int rs_reco_has_similar(const rs_reco *r);

/* Whom to score: a model user, or a history (items and values), or
 * neither (popularity). */
typedef struct {
    int32_t user;            /* model index, or -1 */
    const int32_t *items;    /* history, sorted ascending (may be NULL) */
    const float *values;
    size_t n_items;
} rs_reco_query;

typedef struct rs_reco_work rs_reco_work;
enum { RS_RECO_BLOCK = 128 };
rs_reco_work *rs_reco_work_new(const rs_reco *r);
void rs_reco_work_free(rs_reco_work *w);

/* Scores of every item for q[0..n) (n <= RS_RECO_BLOCK) into
 * scores (n x n_items).  A query the kind cannot serve gets popularity. */
void rs_reco_score(const rs_reco *r, const rs_reco_query *q, size_t n, float *scores, rs_reco_work *w);
/* 1 when rs_reco_score serves q with the model (not the popularity fallback). */
int rs_reco_serves(const rs_reco *r, const rs_reco_query *q);
/* The score of one (query, item) pair (rs-predict); item -1 is an item
 * the model lacks (mf: the known biases; others 0). */
float rs_reco_score_pair(const rs_reco *r, const rs_reco_query *q, int32_t item, rs_reco_work *w);
/* The history item that contributed most to item's score (-1 if none). */
int32_t rs_reco_explain(const rs_reco *r, const rs_reco_query *q, int32_t item);
/* Similarity of every item to item into scores (n_items). */
void rs_reco_similar(const rs_reco *r, int32_t item, float *scores);
/* The items a model user interacted with in training (sorted). */
size_t rs_reco_seen(const rs_reco *r, int32_t user, const int32_t **items, const float **values);

/* ---- internals shared by lib/models/ ---------------------------------- */

typedef struct {
    const rs_interactions *x;
    const rs_reco_params *p;
    rs_csr ui;    /* users x items, duplicates summed */
    rs_csr iu;    /* its transpose */
    rs_csr content;   /* content: items x tokens (term counts) */
} rs_reco_data;

/* content: read --item-features, add its items to the item map, count tokens. */
rs_status rs_content_prepare(rs_reco_data *d, rs_error *err);

rs_status rs_pop_train(const rs_reco_data *d, rs_model *m, float *popularity, rs_error *err);
rs_status rs_knn_train(const rs_reco_data *d, rs_model *m, rs_error *err);
rs_status rs_content_train(const rs_reco_data *d, rs_model *m, rs_error *err);
rs_status rs_mf_train(const rs_reco_data *d, rs_model *m, rs_error *err);
rs_status rs_als_train(const rs_reco_data *d, rs_model *m, rs_error *err);
rs_status rs_bpr_train(const rs_reco_data *d, rs_model *m, rs_error *err);
rs_status rs_ease_train(const rs_reco_data *d, rs_model *m, rs_error *err);

/* Store a CSR as three tensors NAME_ptr, NAME_idx (int32), NAME_val; the
 * model takes the arrays over (c is zeroed, also on error). */
rs_status rs_model_adopt_csr(rs_model *m, const char *name, rs_csr *c, rs_error *err);
/* A CSR view of them (no copy), validated against n_rows x n_cols. */
rs_status rs_model_csr(const rs_model *m, const char *name, size_t n_rows, size_t n_cols, rs_csr *c,
                       rs_error *err);

#endif
