/* train.c — see train.h. */
#include "models/train.h"

#include "models/reco.h"
#include "models/supervised.h"
#include "models/text_model.h"

#include <stdio.h>
#include <string.h>

/* The counts, then the columns used: [label=L id=I], "-" for no id. */
static void summarize_rows(const rs_model *m, const rs_dataset *d, const char *label, char *out, size_t size)
{
    const char *iterations = rs_model_get(m, "iterations"), *epochs = rs_model_get(m, "epochs_run");
    size_t used = (size_t)snprintf(out, size, "%s: %zu rows x %zu features", rs_model_kind(m), d->n_rows,
                                   d->n_features);
    if (iterations && used < size)
        used += (size_t)snprintf(out + used, size - used, ", %s %s iterations (%s)", rs_model_get(m, "solver"),
                                 iterations, strcmp(rs_model_get(m, "converged"), "1") ? "not converged" : "converged");
    if (epochs && used < size)
        used += (size_t)snprintf(out + used, size - used, ", %s epochs", epochs);
    const char *classes = rs_model_get(m, "n_classes");
    if (classes && used < size)
        used += (size_t)snprintf(out + used, size - used, ", %s classes", classes);
    const char *trees = rs_model_get(m, "n_trees");
    if (trees && used < size)
        used += (size_t)snprintf(out + used, size - used, ", %s trees", trees);
    if (used < size)
        snprintf(out + used, size - used, " [label=%s id=%s]", label,
                 d->id_name ? d->id_name : "-");
}

/* The counts, then the columns used: [user=U item=I value=V time=T], "-"
 * for none (without a value column every row counts 1). */
static void summarize_interactions(const rs_model *m, const rs_interactions_spec *cols, const rs_interactions *x,
                                   char *out, size_t size)
{
    const char *iterations = rs_model_get(m, "iterations");
    const char *passes = iterations ? iterations : rs_model_get(m, "epochs");
    size_t used = (size_t)snprintf(out, size, "%s: %s users x %s items, %s interactions", rs_model_kind(m),
                                   rs_model_get(m, "n_users"), rs_model_get(m, "n_items"),
                                   rs_model_get(m, "n_interactions"));
    if (passes && used < size)
        used += (size_t)snprintf(out + used, size - used, ", %s %s", passes, iterations ? "iterations" : "epochs");
    if (used < size)
        snprintf(out + used, size - used, " [user=%s item=%s value=%s time=%s]", cols->user_col ? cols->user_col : "user",
                 cols->item_col ? cols->item_col : "item",
                 x->has_value ? (cols->value_col ? cols->value_col : "value") : "-",
                 x->ts ? (cols->time_col ? cols->time_col : "ts") : "-");
}

void rs_train_rows_spec_init(rs_train_rows_spec *s, const rs_kind *kind, const rs_params *p,
                             const rs_strlist *features)
{
    /* a policy learns from the logged action and its propensity too
     * (--propensity-col none: logs without one) */
    static const char *const policy_option[] = {"--action-col", "--propensity-col"};
    /* an uplift model reads the treatment beside the label */
    static const char *const treatment_option[] = {"--treatment"};
    memset(s, 0, sizeof *s);
    s->spec = (rs_dataset_spec){.label = p->label, .id = p->id, .features = features,
                                .mixed = (kind->flags & RS_KIND_MIXED) != 0,
                                .classes = kind->label_classes && kind->label_classes(p),
                                .label_hint = "class labels need logreg, mlp, or gbdt with --loss softmax"};
    const char *treatment = rs_params_text(p, "treatment");
    if (treatment) {
        s->aux[0] = treatment;
        s->spec.aux = s->aux, s->spec.aux_option = treatment_option, s->spec.n_aux = 1;
    } else if (kind->rows_choose) {
        s->aux[0] = rs_params_text(p, "action-col"), s->aux[1] = rs_params_text(p, "propensity-col");
        s->spec.aux = s->aux, s->spec.aux_option = policy_option;
        s->spec.n_aux = s->aux[1] && strcmp(s->aux[1], "none") ? 2 : 1;
    }
}

/* A kind that trains in passes (kind.h): the table is read as often as it
 * needs, its features never held. */
static rs_status train_passes(const rs_kind *kind, rs_params *p, const rs_train_spec *spec,
                              const rs_dataset_spec *rows, char *summary, size_t size, rs_error *err)
{
    rs_sup_passes *in = rs_sup_passes_open(spec->input, spec->table, rows, spec->valid_path, err);
    rs_model *model = in ? rs_sup_train_passes_new(in, kind, p, err) : NULL;
    rs_status st = model ? rs_model_save(model, spec->output, err) : err->code;
    if (st == RS_OK)
        summarize_rows(model, rs_sup_passes_dataset(in), p->label, summary, size);
    rs_model_free(model);   /* before in: the model borrowed its categories */
    rs_sup_passes_free(in);
    return st;
}

static rs_status train_rows(const rs_kind *kind, rs_params *p, const rs_train_spec *spec, char *summary,
                            size_t size, rs_error *err)
{
    rs_train_rows_spec rows;
    rs_train_rows_spec_init(&rows, kind, p, spec->features);
    rs_params inner[2];
    rs_strlist inner_args = {0};
    rs_dataset *train = NULL, *valid = NULL;
    rs_model *model = NULL;
    rs_status st = rs_params_wrap(p, kind, inner, &inner_args, err);
    if (st == RS_OK && kind->train_passes && !p->inner) {
        st = train_passes(kind, p, spec, &rows.spec, summary, size, err);
        rs_strlist_free(&inner_args);
        return st;
    }
    if (st == RS_OK && !(train = rs_dataset_load(spec->input, spec->table, &rows.spec, err)))
        st = err->code;
    rs_dataset_spec valid_spec = rs_dataset_valid_spec(&rows.spec, train);
    if (st == RS_OK && spec->valid_path && !(valid = rs_dataset_load(spec->valid_path, spec->table, &valid_spec, err)))
        st = err->code;
    p->valid = valid;
    if (train && !p->id)
        p->id = train->id_name;
    if (st == RS_OK && !(model = rs_sup_train_new(train, p, err)))
        st = err->code;
    if (st == RS_OK && (st = rs_model_save(model, spec->output, err)) == RS_OK)
        summarize_rows(model, train, p->label, summary, size);
    rs_model_free(model);
    rs_dataset_free(train);
    rs_dataset_free(valid);
    rs_strlist_free(&inner_args);
    p->valid = NULL;
    p->inner_params = p->inner_effect_params = NULL;
    return st;
}

static rs_status train_interactions(const rs_kind *kind, rs_params *p, const rs_train_spec *spec, char *summary,
                                    size_t size, rs_error *err)
{
    rs_interactions_spec cols = spec->cols;
    int ordered = (kind->flags & RS_KIND_ORDERED) != 0;
    if (!ordered && (cols.session_col || cols.basket_col))
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "--%s is for the sequence kinds (markov, sknn, seqease, sasrec), not %s", cols.session_col ? "session-col" : "basket-col", kind->name);
    cols.want_time = p->recent_days > 0 || ordered;
    cols.value_required = (kind->flags & RS_KIND_NEEDS_VALUE) && !cols.value_col;
    cols.threads = p->threads;
    p->table = spec->table;
    rs_interactions *x = rs_interactions_load(spec->input, spec->table, &cols, NULL, 1, NULL, err);
    rs_model *model = x ? rs_reco_train_new(x, p, err) : NULL;
    rs_status st = model ? rs_reco_record_columns(model, &cols, x, err) : err->code;
    if (st == RS_OK && cols.session_col)
        st = rs_model_set(model, "session_col", cols.session_col, err);
    if (st == RS_OK && cols.basket_col)
        st = rs_model_set(model, "basket_col", cols.basket_col, err);
    if (st == RS_OK)
        st = rs_model_save(model, spec->output, err);
    if (st == RS_OK)
        summarize_interactions(model, &cols, x, summary, size);
    rs_model_free(model);   /* before x: the model borrowed x's id maps */
    rs_interactions_free(x);
    return st;
}

rs_status rs_train_run(const rs_kind *kind, rs_params *p, const rs_train_spec *spec, char *summary,
                       size_t summary_size, rs_error *err)
{
    summary[0] = 0;
    if (kind->family == RS_FAMILY_SUPERVISED && rs_params_text(p, "text")) {
        return rs_text_train(p, spec->input, spec->features, spec->valid_path, spec->table, spec->output, summary,
                             summary_size, err);
    }
    return kind->family == RS_FAMILY_SUPERVISED ? train_rows(kind, p, spec, summary, summary_size, err)
                                                : train_interactions(kind, p, spec, summary, summary_size, err);
}
