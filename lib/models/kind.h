/* kind.h — the one interface every model kind implements.
 *
 * A kind is one `const rs_kind` in its own file under lib/models/ (a family
 * of close kinds may share a file) plus one line in lib/models/kinds.def.
 * Everything else — rs-train's option parsing and checking, --help and
 * --list-models, rs-predict, rs-recommend, the fuzz seeds and the docs
 * tests — reads the registry (registry.c) and serves the kind unchanged.
 *
 * A kind holds:
 *   - its name, family (what it trains on and how it is scored) and a
 *     one-line summary;
 *   - its option table: every option it accepts, with the default, the
 *     valid range and the range and scale a search explores.  Defaults shown
 *     by --help, written in the man page and recorded in the model file all
 *     come from this table.  An option the kind does not list is a usage
 *     error naming the option and the kind;
 *   - its functions: training into an rs_model (the kind writes its own
 *     header keys and tensors), and scoring a loaded model.
 *
 * Ownership: a kind's load() returns state the kind frees with unload();
 * its work_new() scratch is per thread and freed with work_free().  Views
 * into the model (rs_model_need, rs_model_csr) are borrowed from the mapped
 * file and live as long as the rs_model. */
#ifndef RS_KIND_H
#define RS_KIND_H

#include "io/dataset.h"
#include "error.h"
#include "io/interactions.h"
#include "io/model.h"
#include "progress.h"
#include "sparse.h"
#include "strlist.h"

#include <stddef.h>
#include <stdint.h>

enum { RS_MLP_MAX_HIDDEN = 8 };

/* ---- parameters --------------------------------------------------------- */

/* The parameters of every kind in one struct.  rs_params_init() fills the
 * kind's defaults from its option table; rs_params_set() parses one option
 * for the kind.  Fields a kind does not list keep 0. */
typedef struct rs_params {
    const char *kind;
    /* the run */
    int threads;
    uint64_t seed;
    rs_progress_fn progress;
    void *progress_ctx;
    /* supervised data */
    const char *label, *id;     /* names recorded in the model */
    const rs_dataset *valid;    /* NULL or a table with the same features */
    /* a kind that wraps another (uplift, a policy over a reward model, a
     * forecaster's global model): the inner kind, resolved by the caller so
     * that kind files never call the registry */
    const struct rs_kind *inner;
    /* its parameters, and the regressor (and parameters) an X-learner fits
     * effects with: rs_params_wrap fills them from the kind's "inner" and
     * "inner-options" options */
    const struct rs_params *inner_params;
    const struct rs_kind *inner_effect;
    const struct rs_params *inner_effect_params;
    /* recommender data */
    const rs_table_options *table;
    const char *item_col;       /* content: item column of item_features */
    /* options (see each kind's table for which it uses) */
    double l2, l1;              /* penalties: l2/2 |w|^2 + l1 |w|_1 (bias free) */
    int balanced;               /* class weights n / (2 n_class) */
    double class_weight[2];     /* else these */
    double tol;                 /* logreg: stop when |grad| <= tol |grad_0| */
    long max_iter;              /* 0: derived from the data */
    size_t hidden[RS_MLP_MAX_HIDDEN], n_hidden;
    int no_hidden;              /* --hidden 0; n_hidden 0 without it: one layer sized from the features */
    const char *activation;     /* relu, tanh, sigmoid */
    const char *loss;           /* bce or squared; NULL: bce for 0/1 labels */
    double dropout, lr;
    long epochs, batch, patience;
    long factors;
    double alpha;               /* als: confidence slope */
    long cg_steps;              /* als: conjugate-gradient steps per solve */
    int svdpp, hogwild;
    long neighbors;             /* knn: neighbours kept per item/user */
    double shrink;              /* knn: cosine shrinkage */
    const char *weighting;      /* knn: none, idf, bm25 */
    double recent_days;         /* pop: 0 = all time */
    const char *item_features;  /* content: item,text table */
    /* the values of kind-own options (their defaults too), as given */
    struct {
        const char *name, *value;
    } own[16];
    size_t n_own;
} rs_params;

/* How a search should draw an option's values. */
typedef enum {
    RS_SEARCH_NONE,      /* not searched (paths, switches of meaning) */
    RS_SEARCH_LINEAR,    /* uniform in [search_lo, search_hi] */
    RS_SEARCH_LOG,       /* log-uniform: penalties, rates */
    RS_SEARCH_INT,       /* uniform integers */
    RS_SEARCH_LOG_INT,   /* log-uniform integers: factors, neighbours */
    RS_SEARCH_CHOICE,    /* one of the option's choices */
    RS_SEARCH_LAYERS     /* hidden sizes: one layer W or two W,W/2, W log-uniform in [search_lo, search_hi] */
} rs_search_scale;

typedef enum {
    RS_OPTION_INT, RS_OPTION_REAL, RS_OPTION_FLAG, RS_OPTION_CHOICE, RS_OPTION_TEXT,
    RS_OPTION_SIZES,          /* a list of sizes (mlp --hidden) */
    RS_OPTION_CLASS_WEIGHT    /* balanced or W0,W1 */
} rs_option_type;

/* One option of one kind.  An option several kinds share (params.c) has
 * its type, field in rs_params and help line there, and only the numbers
 * here.  An option of this kind alone says its type, argument and help
 * here too, and its value is read with rs_params_real() and friends: a new
 * kind with new options is still one file. */
typedef struct {
    const char *name;            /* long option without "--" */
    const char *dflt;            /* default as text; NULL: none, or derived from the data (note says how) */
    double lo, hi;               /* valid range; lo_open/hi_open exclude the end */
    unsigned char lo_open, hi_open;
    rs_search_scale scale;
    double search_lo, search_hi;
    const char *note;            /* how a derived default is found, or NULL */
    /* the kind's own options only: */
    rs_option_type type;
    const char *arg;             /* "N", "X"; NULL for a flag */
    const char *choices;         /* CHOICE: "a,b,c" */
    const char *help;
} rs_kind_option;

/* The tail of an entry for an option several kinds share (params.c). */
#define RS_SHARED 0, NULL, NULL, NULL

/* ---- recommenders ------------------------------------------------------- */

/* Whom to score: a model user, or a history (items and values), or
 * neither (popularity). */
typedef struct {
    int32_t user;            /* model index, or -1 */
    const int32_t *items;    /* history, sorted ascending (may be NULL) */
    const float *values;
    size_t n_items;
    /* For kinds that read order (RS_KIND_ORDERED, the sequence issue): the
     * history in time order, most recent last.  NULL for the others. */
    const int32_t *sequence;
    size_t n_sequence;
    /* (n_sequence) each event's basket number, non-decreasing; NULL: every
     * event is its own basket */
    const int32_t *sequence_basket;
} rs_reco_query;

/* What every loaded recommender holds, whatever its kind. */
typedef struct {
    const rs_model *model;
    unsigned flags;             /* the kind's RS_KIND_* */
    size_t n_users, n_items;
    rs_csr seen;                /* users x items: the training interactions (view) */
    const float *popularity;    /* (n_items): the fallback */
    /* RS_KIND_ORDERED: each model user's training events in time order
     * (views of "seq_ptr" (n_users + 1), "seq_idx", "seq_basket"); NULL
     * for the others */
    const int32_t *seq_ptr, *seq_item, *seq_basket;
} rs_reco_base;

enum { RS_RECO_BLOCK = 128, RS_SCORE_BATCH = 1024 };

/* Training input of a recommender kind. */
typedef struct {
    const rs_interactions *x;
    const rs_params *p;
    rs_csr ui;       /* users x items, duplicates summed */
    rs_csr iu;       /* its transpose */
    rs_csr content;  /* content: items x tokens (term counts) */
    /* RS_KIND_ORDERED kinds: each user's events in time order (NULL for the
     * others), io/sequences.h */
    const struct rs_sequences *seq;
} rs_reco_data;

/* What a query is scored from: 1 its history, 0 the model user, -1 nothing
 * (the popularity fallback). */
int rs_reco_source(const rs_reco_base *b, const rs_reco_query *q);
/* The items model user interacted with in training (sorted), and values. */
size_t rs_reco_base_seen(const rs_reco_base *b, int32_t user, const int32_t **items, const float **values);
/* The query's history: its own (source 1) or the model user's seen items. */
size_t rs_reco_history(const rs_reco_base *b, const rs_reco_query *q, const int32_t **items, const float **values);

/* ---- the kind ----------------------------------------------------------- */

/* What a kind trains on and how it is scored.  Bandit policies (the
 * intervene issue) are supervised kinds with rows_choose; forecasters and
 * uplift models wrap another kind through rs_params.inner. */
typedef enum { RS_FAMILY_SUPERVISED, RS_FAMILY_RECOMMENDER } rs_family;

enum {
    RS_KIND_FOLDS_IN = 1,      /* a --history can be folded in */
    RS_KIND_SERVES_ALL = 4,    /* scores any query (no user needed): pop */
    RS_KIND_NEEDS_VALUE = 8,   /* training needs a value column (ratings) */
    RS_KIND_ORDERED = 16,      /* reads rs_reco_query.sequence (time order) */
    RS_KIND_MIXED = 32,        /* supervised: reads empty cells as missing (NaN)
                                  and text columns as categories (codes, see
                                  rs_dataset_spec.mixed) */
    RS_KIND_PARALLEL_SCORE = 64, /* rows_score may run on several threads at
                                    once (the loaded state is read-only) */
};

typedef struct rs_kind rs_kind;
typedef struct rs_sup_passes rs_sup_passes;
struct rs_kind {   /* members a kind does not implement are NULL */
    const char *name;
    rs_family family;
    const char *summary;             /* one line for --help and --list-models */
    const rs_kind_option *options;   /* ends with {NULL} */
    unsigned flags;
    const char *quick_args;          /* options for a tiny quick run: fuzz seeds, docs tests */

    /* supervised: train on rows; load a model for scoring rows */
    rs_status (*train_rows)(const rs_dataset *d, const rs_params *p, const unsigned char *constant, rs_model *m,
                            rs_error *err);
    /* Or, optional, training from a table read in passes without holding
     * its features (gbdt: the bins' edges from a sample of rows, then each
     * row straight into its byte bins): rs-train uses it when set;
     * rs-tune and the kinds that wrap another train on rows held
     * (train_rows).  The kind reads the rows with rs_sup_passes_read
     * (supervised.h); the first read checks the features, writes the
     * model's header and reads --valid. */
    rs_status (*train_passes)(struct rs_sup_passes *in, const rs_params *p, rs_model *m, rs_error *err);
    void *(*rows_load)(const rs_model *m, size_t n_features, rs_error *err);
    /* Scores of n <= RS_SCORE_BATCH rows (row-major, n_features each). */
    void (*rows_score)(void *state, const float *rows, size_t n, double *scores);
    int (*rows_probability)(const void *state);   /* 1: scores are probabilities */
    /* Outputs per row (NULL: 1).  A multiclass kind writes n x outputs
     * scores, one per class, named by rows_output_name. */
    size_t (*rows_outputs)(const void *state);
    const char *(*rows_output_name)(const void *state, size_t j);
    /* 1 when, with these options, the kind reads its label as classes: the
     * dataset then has classes set (K names, y = 0..K-1) for a label that is
     * not all 0/1 or all numbers (io/dataset.h), and supervised.c stores the
     * names in the model ("classes" ids, "n_classes").  NULL: numbers. */
    int (*label_classes)(const rs_params *p);
    /* A policy: the action for each row and the probability it was chosen
     * with (what off-policy evaluation needs), drawn from seed. */
    void (*rows_choose)(void *state, const float *rows, size_t n, uint64_t seed, int32_t *action,
                        double *propensity);
    /* A policy's probability of every action (rows_actions of them) for n
     * <= RS_SCORE_BATCH rows into probs (n x actions): what off-policy
     * evaluation of the policy needs (rs-eval policy --model). */
    size_t (*rows_actions)(const void *state);
    void (*rows_action_probs)(void *state, const float *rows, size_t n, double *probs);
    /* Per-row feature contributions of n <= RS_SCORE_BATCH rows into
     * contrib (n x (n_features + 1)): feature j's part of the raw score, the
     * last column the expected raw score; a row's sum is its raw score
     * (NULL: no rs-predict --explain). */
    void (*rows_explain)(void *state, const float *rows, size_t n, double *contrib);
    /* An uplift model's predicted outcome without and with the treatment
     * for n <= RS_SCORE_BATCH rows into outcomes (n x 2) (NULL: none;
     * rs-predict --outcomes). */
    void (*rows_outcomes)(void *state, const float *rows, size_t n, double *outcomes);
    /* Each feature's total gain and number of splits (NULL: none). */
    void (*rows_importance)(const void *state, double *gain, double *splits);

    /* recommenders: optional preparation before the CSR is built (may add
     * items), then training (NULL: the popularity the shared code writes is
     * the model) */
    rs_status (*prepare)(rs_reco_data *d, rs_error *err);
    rs_status (*train_interactions)(rs_reco_data *d, rs_model *m, rs_error *err);
    void *(*reco_load)(const rs_reco_base *b, rs_error *err);
    /* Per-thread scratch; NULL when the kind needs none. */
    void *(*work_new)(const rs_reco_base *b, const void *state);
    void (*work_free)(void *work);
    /* Scores of every item for q[0..n) (n <= RS_RECO_BLOCK) into scores
     * (n x n_items); rows of queries with source -1 are overwritten with
     * popularity afterwards. */
    void (*score_block)(const rs_reco_base *b, const void *state, const rs_reco_query *q, size_t n, float *scores,
                        void *work);
    /* Or, for kinds without a block method, one query's scores into row
     * (n_items, zeroed before), called for the queries with a source. */
    void (*score_row)(const rs_reco_base *b, const void *state, const rs_reco_query *q, float *row, void *work);
    /* Optional, beside score_row: the same scores where most are 0 — the
     * items scoring other than 0 listed in items (each once), their scores
     * in row (all 0 on entry; the caller sets the listed ones back to 0);
     * returns how many.  rs-recommend then ranks the listed items and the
     * 0s apart, without a pass over every item (NULL: score_row). */
    size_t (*score_sparse)(const rs_reco_base *b, const void *state, const rs_reco_query *q, float *row,
                           int32_t *items, void *work);
    /* One (query, item) pair; item -1 is an item the model lacks. */
    float (*score_pair)(const rs_reco_base *b, const void *state, const rs_reco_query *q, int32_t item, void *work);
    /* The part of item's score due to history item j (NULL: no --explain). */
    float (*contribution)(const rs_reco_base *b, const void *state, int32_t j, int32_t item);
    /* Similarity of every item to item into scores (n_items), NULL: none. */
    void (*similar)(const rs_reco_base *b, const void *state, int32_t item, float *scores);

    void (*unload)(void *state);
};

/* A pair score every kind shares: 1 when it applies (item -1: 0; the
 * popularity fallback), with the score in *score. */
int rs_reco_pair_fallback(const rs_reco_base *b, const rs_reco_query *q, int32_t item, float *score);

/* A pair score from a kind's contribution(): the fallbacks, else the sum
 * over the query's history of value x contribution(history item, item). */
float rs_reco_pair_from_history(const rs_reco_base *b, const rs_kind *kind, const void *state,
                                const rs_reco_query *q, int32_t item);

/* The scoring members every factor kind (mf, als, bpr: factors.h) shares;
 * load is the kind's own. */
#define RS_FACTORS_SCORING(load)                                                            \
    .reco_load = load, .work_new = rs_factors_work_new, .work_free = rs_factors_work_free,  \
    .score_block = rs_factors_score_block, .score_pair = rs_factors_score_pair,             \
    .similar = rs_factors_similar, .unload = rs_factors_unload

/* ---- the registry (registry.c) ------------------------------------------ */

/* The kinds in registry order; *n their count. */
const rs_kind *const *rs_kinds(size_t *n);
/* The kind named name, or NULL. */
const rs_kind *rs_kind_find(const char *name);
/* "linreg, logreg, ... or ease" into buf (the list every message shows). */
const char *rs_kind_names(char *buf, size_t size);
/* The kind a model file names: RS_OK with *kind; an unknown kind (a file
 * from a newer rs, or a damaged one) is RS_EDATA listing the known ones. */
rs_status rs_kind_of_model(const char *name, const rs_kind **kind, rs_error *err);
/* The kind's entry for option name (without "--"), or NULL. */
const rs_kind_option *rs_kind_option_find(const rs_kind *kind, const char *name);

/* ---- options (params.c) ------------------------------------------------- */

/* An option any kind may take: its type, argument name and help line. */
typedef struct {
    const char *name;
    rs_option_type type;
    const char *arg;          /* "N", "X", "FILE"; NULL for a flag */
    const char *choices;      /* CHOICE: "none,idf,bm25" */
    const char *help;
} rs_option_def;

/* Every kind option (shared, then each kind's own), in --help order; *n
 * their count. */
const rs_option_def *rs_option_defs(size_t *n);
const rs_option_def *rs_option_def_find(const char *name);

/* Zero p and fill the kind's defaults. */
rs_status rs_params_init(rs_params *p, const rs_kind *kind, rs_error *err);
/* Parse --name arg for the kind: an option the kind does not list, or a
 * value out of its range, is RS_EUSAGE naming both. */
rs_status rs_params_set(rs_params *p, const rs_kind *kind, const char *name, const char *arg, rs_error *err);
/* The value of a kind-own option (checked when it was set). */
double rs_params_real(const rs_params *p, const char *name);
long rs_params_int(const rs_params *p, const char *name);
const char *rs_params_text(const rs_params *p, const char *name);
/* rs_params_init, then every option given (name, argument, name, argument
 * ...: long names without "--", in command-line order).  The data options
 * of the other family (--label for a recommender, --user-col for a
 * supervised kind) and the kind options the kind does not list are
 * RS_EUSAGE naming the option and the kind; the data options themselves
 * are left to the caller. */
rs_status rs_params_apply(rs_params *p, const rs_kind *kind, const rs_strlist *given, rs_error *err);
/* For a kind that wraps another (it lists the option "inner"): the inner
 * kind named by --inner, with its defaults and then --inner-options (a
 * string of long options: "--l2 10", "--trees 200 --depth 4"), into
 * inner[0], and the regressor of effects into inner[1] (linreg with the
 * same --l2 for logreg; else the inner kind, squared loss); p points at
 * them.  args receives the split --inner-options, which inner points
 * into: keep inner and args as long as p, then rs_strlist_free(args).  A
 * kind without "inner": RS_OK, nothing set. */
rs_status rs_params_wrap(rs_params *p, const rs_kind *kind, rs_params inner[2], rs_strlist *args, rs_error *err);
/* "0 < X <= 10" for the kind's option into buf. */
const char *rs_kind_option_range(const rs_kind_option *o, char *buf, size_t size);

#endif
