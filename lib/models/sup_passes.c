/* sup_passes.c — supervised training from a table read in passes, its
 * features never held (supervised.h, kind.h's train_passes).  It calls
 * no registry function: the kind it trains is given. */
#include "models/supervised.h"

#include <stdlib.h>
#include <string.h>

struct rs_sup_passes {
    rs_dataset_passes *table;
    const char *valid_path;
    const rs_table_options *opt;
    const rs_dataset_spec *spec;
    const rs_params *p;
    rs_model *m;
    unsigned char *constant;   /* (n_features) */
    float *first;              /* (n_features) the first row's */
    size_t *same, n_same;      /* (n_features) the features constant so far: n_same of them */
    rs_dataset *valid;
    rs_row_fn fn;              /* the kind's, during the first read */
    void *ctx;
};

/* The first read: each feature still constant compared with the first
 * row's (most tables have none left after a few rows), then the row to
 * the kind. */
static rs_status first_read_row(void *ctx, const rs_dataset *d, size_t i, const float *row, rs_error *err)
{
    rs_sup_passes *in = ctx;
    size_t dim = d->n_features;
    if (i == 0) {
        if (!(in->constant = malloc(dim + 1)) || !(in->first = malloc((dim + 1) * sizeof *in->first)) ||
            !(in->same = malloc((dim + 1) * sizeof *in->same)))
            return rs_error_nomem(err);
        memset(in->constant, 1, dim);
        memcpy(in->first, row, dim * sizeof *row);
        for (size_t j = 0; j < dim; j++)
            in->same[j] = j;
        in->n_same = dim;
    }
    size_t kept = 0;
    for (size_t k = 0; k < in->n_same; k++) {
        size_t j = in->same[k];
        in->constant[j] = rs_same_cell(row[j], in->first[j]);
        in->same[kept] = j;
        kept += in->constant[j];
    }
    in->n_same = kept;
    return in->fn(in->ctx, d, i, row, err);
}

rs_status rs_sup_passes_read(rs_sup_passes *in, rs_row_fn fn, void *ctx, rs_error *err)
{
    if (rs_dataset_passes_data(in->table))
        return rs_dataset_passes_read(in->table, fn, ctx, err);
    in->fn = fn, in->ctx = ctx;
    if (rs_dataset_passes_read(in->table, first_read_row, in, err) != RS_OK)
        return err->code;
    const rs_dataset *d = rs_dataset_passes_data(in->table);
    if (!in->constant)
        return rs_error_set(err, RS_EDATA, NULL, 0, "no data rows");
    if (rs_report_constant(d, in->constant, in->first, err) != RS_OK || rs_sup_header(in->m, d, in->p, err) != RS_OK)
        return err->code;
    if (!in->valid_path)
        return RS_OK;
    rs_dataset_spec valid_spec = rs_dataset_valid_spec(in->spec, d);
    return (in->valid = rs_dataset_load(in->valid_path, in->opt, &valid_spec, err)) ? RS_OK : err->code;
}

void rs_sup_passes_close(rs_sup_passes *in)
{
    rs_dataset_passes_close(in->table);
}

rs_dataset *rs_sup_passes_dataset(rs_sup_passes *in)
{
    return rs_dataset_passes_data(in->table);
}

const unsigned char *rs_sup_passes_constant(const rs_sup_passes *in)
{
    return in->constant;
}

const rs_dataset *rs_sup_passes_valid(const rs_sup_passes *in)
{
    return in->valid;
}

rs_sup_passes *rs_sup_passes_open(const char *path, const rs_table_options *opt, const rs_dataset_spec *spec,
                                  const char *valid_path, rs_error *err)
{
    rs_sup_passes *in = calloc(1, sizeof *in);
    if (!in) {
        rs_error_nomem(err);
        return NULL;
    }
    *in = (rs_sup_passes){.valid_path = valid_path, .opt = opt, .spec = spec};
    if (!(in->table = rs_dataset_passes_open(path, opt, spec, err))) {
        free(in);
        return NULL;
    }
    return in;
}

rs_model *rs_sup_train_passes_new(rs_sup_passes *in, const rs_kind *kind, const rs_params *p, rs_error *err)
{
    if (!kind->train_passes) {
        rs_error_set(err, RS_EUSAGE, NULL, 0, "--model '%s' does not train in passes", p->kind);
        return NULL;
    }
    in->p = p;
    rs_model *m = in->m = rs_model_new(p->kind);
    if (!m) {
        rs_error_nomem(err);
        return NULL;
    }
    rs_status st = kind->train_passes(in, p, m, err);
    in->m = NULL;
    if (st != RS_OK) {
        rs_model_free(m);
        return NULL;
    }
    return m;
}

void rs_sup_passes_free(rs_sup_passes *in)
{
    if (!in)
        return;
    rs_dataset_passes_free(in->table);
    rs_dataset_free(in->valid);
    free(in->constant), free(in->first), free(in->same);
    free(in);
}
