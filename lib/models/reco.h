/* reco.h — recommenders, whatever their kind: train interactions into an
 * rs_model; load one and score every item for a block of users (model
 * users, or users folded in from a history); one pair; item-to-item lists.
 * Each kind's own training and scoring live in its file under lib/models/
 * (the interface: lib/models/kind.h).
 *
 * Every recommender model holds the id maps "users" and "items", the
 * training interactions as CSR ("seen_ptr", "seen_idx", "seen_val": what
 * each user already has) and "popularity" (the fallback for users the
 * model cannot score). */
#ifndef RS_RECO_H
#define RS_RECO_H

#include "io/interactions.h"
#include "io/model.h"
#include "models/kind.h"

#include <stdint.h>

/* A model ready to save, or NULL (err set).  The model borrows x's id maps
 * ("users", "items") until it is saved: keep x alive until then. */
rs_model *rs_reco_train_new(const rs_interactions *x, const rs_params *p, rs_error *err);
/* Record the column names x was read with in m's header ("user_col",
 * "item_col", "value_col", "time_col"), each only when it differs from the
 * default (user, item, value, ts) and was used: a model trained on default
 * names keeps the bytes it always had. */
rs_status rs_reco_record_columns(rs_model *m, const rs_interactions_spec *cols, const rs_interactions *x,
                                 rs_error *err);
/* The column name m was trained with for role "user", "item", "value" or
 * "time": its header key ROLE_col, or the default (user, item, value, ts)
 * for models without it (every model before rs 0.2). */
const char *rs_reco_column(const rs_model *m, const char *role);

/* ---- scoring ---------------------------------------------------------- */

typedef struct rs_reco rs_reco;

/* A loaded recommender; it borrows m (keep m until rs_reco_free) and owns
 * its own copies of the id maps. */
rs_reco *rs_reco_new(const rs_model *m, rs_error *err);
void rs_reco_free(rs_reco *r);
const rs_kind *rs_reco_kind(const rs_reco *r);
const rs_model *rs_reco_model(const rs_reco *r);
const rs_idmap *rs_reco_users(const rs_reco *r);
const rs_idmap *rs_reco_items(const rs_reco *r);
size_t rs_reco_n_items(const rs_reco *r);
/* 1 when a history can be folded in. */
int rs_reco_folds_in(const rs_reco *r);
/* 1 when --explain works. */
int rs_reco_explains(const rs_reco *r);
/* 1 when item-to-item similarities exist. */
int rs_reco_has_similar(const rs_reco *r);

/* 1 when the kind reads order (RS_KIND_ORDERED): queries carry sequences. */
int rs_reco_ordered(const rs_reco *r);
/* A model user's training events in time order (most recent last) and
 * their basket numbers; 0 and NULLs for a model without sequences. */
size_t rs_reco_sequence(const rs_reco *r, int32_t user, const int32_t **items, const int32_t **baskets);

/* Per-thread scratch for scoring. */
typedef struct rs_reco_work rs_reco_work;
rs_reco_work *rs_reco_work_new(const rs_reco *r);
void rs_reco_work_free(rs_reco_work *w);

/* Scores of every item for q[0..n) (n <= RS_RECO_BLOCK) into
 * scores (n x n_items).  A query the kind cannot serve gets popularity. */
void rs_reco_score(const rs_reco *r, const rs_reco_query *q, size_t n, float *scores, rs_reco_work *w);
/* 1 when the kind scores sparsely (kind.h, score_sparse). */
int rs_reco_sparse(const rs_reco *r);
/* For such a kind and a query it serves: the items scoring other than 0
 * into items (n_items), their scores into row (n_items, all 0 on entry:
 * set the listed ones back to 0 after); returns how many. */
size_t rs_reco_score_sparse(const rs_reco *r, const rs_reco_query *q, float *row, int32_t *items, rs_reco_work *w);
/* 1 when rs_reco_score serves q with the model (not the popularity fallback). */
int rs_reco_serves(const rs_reco *r, const rs_reco_query *q);
/* The score of one (query, item) pair (rs-predict); item -1 is an item
 * the model lacks (mf: the known biases; others 0). */
float rs_reco_score_pair(const rs_reco *r, const rs_reco_query *q, int32_t item, rs_reco_work *w);
/* The history item that contributed most to item's score (-1 if none). */
int32_t rs_reco_explain(const rs_reco *r, const rs_reco_query *q, int32_t item);
/* Similarity of every item to item into scores (n_items); item itself -inf. */
void rs_reco_similar(const rs_reco *r, int32_t item, float *scores);
/* The items a model user interacted with in training (sorted). */
size_t rs_reco_seen(const rs_reco *r, int32_t user, const int32_t **items, const float **values);

#endif
