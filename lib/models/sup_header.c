/* sup_header.c — the header keys every supervised model holds
 * (supervised.h): its own file so that training in passes
 * (sup_passes.c) writes it without depending on the registry. */
#include "models/supervised.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A mixed table's feature types ("feature_types n,c,..."; c: categories)
 * and each text column's categories in code order ("categories.J"),
 * borrowed from d until the model is saved. */
static rs_status add_categories(rs_model *m, const rs_dataset *d, rs_error *err)
{
    char *types = malloc(2 * d->n_features);
    if (!types)
        return rs_error_nomem(err);
    for (size_t j = 0; j < d->n_features; j++) {
        types[2 * j] = d->categories[j] ? 'c' : 'n';
        types[2 * j + 1] = j + 1 < d->n_features ? ',' : 0;
    }
    rs_status st = rs_model_set(m, "feature_types", types, err);
    free(types);
    for (size_t j = 0; st == RS_OK && j < d->n_features; j++) {
        char name[64];
        snprintf(name, sizeof name, "categories.%zu", j);
        if (d->categories[j])
            st = rs_model_add_ids(m, name, d->categories[j], err);
    }
    return st;
}

rs_status rs_sup_header(rs_model *m, const rs_dataset *d, const rs_params *p, rs_error *err)
{
    rs_idmap *names = rs_idmap_new();
    if (!names)
        return rs_error_nomem(err);
    for (size_t j = 0; j < d->n_features; j++) {
        int added = 0;
        const char *name = d->names.items[j];
        if (rs_idmap_intern(names, name, strlen(name), &added) < 0) {
            rs_idmap_free(names);
            return rs_error_nomem(err);
        }
        if (!added) {
            rs_idmap_free(names);
            return rs_error_set(err, RS_EDATA, NULL, 0, "two feature columns are named '%s'", name);
        }
    }
    if (d->categories && add_categories(m, d, err) != RS_OK) {
        rs_idmap_free(names);
        return err->code;
    }
    const char *id = p->id ? p->id : d->id_name;
    if (rs_model_set(m, "label", p->label, err) || (id && rs_model_set(m, "id", id, err)) ||
        rs_model_set_i64(m, "train_rows", (int64_t)d->n_rows, err) ||
        rs_model_set_i64(m, "n_features", (int64_t)d->n_features, err)) {
        rs_idmap_free(names);
        return err->code;
    }
    if (d->classes && (rs_model_set_i64(m, "n_classes", (int64_t)rs_dataset_n_classes(d), err) ||
                       rs_model_add_ids(m, "classes", d->classes, err))) {
        rs_idmap_free(names);
        return err->code;
    }
    return rs_model_adopt_ids(m, "features", names, err);
}
