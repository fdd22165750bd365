/* train.h — rs-train's work: read the training table (feature rows, or
 * interactions) for a kind, train it and save the model atomically. */
#ifndef RS_TRAIN_H
#define RS_TRAIN_H

#include "io/interactions.h"
#include "models/kind.h"

typedef struct {
    const char *input, *output;        /* input NULL: stdin; output required */
    const rs_table_options *table;
    const char *valid_path;            /* supervised: a validation table, or NULL */
    const rs_strlist *features;        /* supervised: NULL or empty: every numeric column */
    rs_interactions_spec cols;         /* recommenders: the interaction columns */
} rs_train_spec;

/* The table a supervised kind reads, for rs-train and rs-tune alike: its
 * label, id and features, mixed and class labels as the kind takes them,
 * the aux columns a policy (action, propensity) or an uplift model
 * (treatment) reads beside the label, and the hint said for a text label
 * a kind cannot take.  spec.aux points into aux: use it where it was
 * filled, do not copy it. */
typedef struct {
    rs_dataset_spec spec;
    const char *aux[2];
} rs_train_rows_spec;

void rs_train_rows_spec_init(rs_train_rows_spec *s, const rs_kind *kind, const rs_params *p,
                             const rs_strlist *features);

/* Train kind with p (filled by rs_params_apply; p->valid, p->table and p->id
 * are set here) and save to spec->output.  summary gets one line for the
 * user: "KIND: ROWS rows x N features, newton 6 iterations (converged)" or
 * "KIND: U users x I items, N interactions, 15 iterations". */
rs_status rs_train_run(const rs_kind *kind, rs_params *p, const rs_train_spec *spec, char *summary,
                       size_t summary_size, rs_error *err);

#endif
