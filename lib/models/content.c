/* content.c — content-based recommendation from item attributes and text:
 * each item is a TF-IDF vector over the tokens of its other columns
 * ("column:word", lower-case ASCII letters and digits), tf the count and
 * idf log(1 + n / df), L2-normalised.  A user's profile is the
 * value-weighted sum of the vectors of the items in their history, and an
 * item's score its cosine with the profile.  Items that appear only in
 * --item-features (never bought) are in the model: the cold-start answer
 * for new items. */
#include "../reco.h"

#include "../mem.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int32_t *item, *token;
    size_t n, cap;
} token_list;

static rs_status push_token(token_list *l, int32_t item, int32_t token, rs_error *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap;
        if (rs_grow((void **)&l->item, &cap, l->n + 1, sizeof *l->item) < 0 ||
            rs_grow((void **)&l->token, &l->cap, l->n + 1, sizeof *l->token) < 0)
            return rs_error_nomem(err);
    }
    l->item[l->n] = item, l->token[l->n++] = token;
    return RS_OK;
}

/* The "column:word" tokens of one field. */
static rs_status tokenize(const char *col, const rs_field *f, int32_t item, rs_idmap *vocab, token_list *l,
                          rs_error *err)
{
    char token[160];
    size_t prefix = (size_t)snprintf(token, sizeof token, "%.60s:", col);
    for (size_t i = 0; i < f->len;) {
        while (i < f->len && !isalnum((unsigned char)f->ptr[i]))
            i++;
        size_t len = prefix;
        while (i < f->len && isalnum((unsigned char)f->ptr[i])) {
            if (len < sizeof token - 1)
                token[len++] = (char)tolower((unsigned char)f->ptr[i]);
            i++;
        }
        if (len == prefix)
            continue;
        int added;
        int32_t t = rs_idmap_intern(vocab, token, len, &added);
        if (t < 0 || push_token(l, item, t, err) != RS_OK)
            return t < 0 ? rs_error_nomem(err) : err->code;
    }
    return RS_OK;
}

rs_status rs_content_prepare(rs_reco_data *d, rs_error *err)
{
    const rs_reco_params *p = d->p;
    if (!p->item_features)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--model content needs --item-features FILE (item,attributes...)");
    rs_table *t = rs_table_open(p->item_features, p->table, err);
    if (!t)
        return err->code;
    size_t item_col;
    rs_idmap *vocab = rs_idmap_new();
    token_list l = {0};
    rs_status st = vocab ? RS_OK : rs_error_nomem(err);
    if (st == RS_OK)
        st = rs_table_find_col(t, p->item_col ? p->item_col : "item", "--item-col", &item_col, err);
    rs_record rec;
    int got = 0;
    while (st == RS_OK && (got = rs_table_next(t, &rec, err)) == 1) {
        if ((st = rs_table_check_width(t, &rec, err)) != RS_OK)
            break;
        int added;
        int32_t item = rs_idmap_intern(d->x->items, rec.fields[item_col].ptr, rec.fields[item_col].len, &added);
        if (item < 0)
            st = rs_error_nomem(err);
        for (size_t c = 0; st == RS_OK && c < rec.n_fields; c++)
            if (c != item_col)
                st = tokenize(rs_table_col_name(t, c), &rec.fields[c], item, vocab, &l, err);
    }
    if (st == RS_OK && got < 0)
        st = err->code;
    if (st == RS_OK)
        st = rs_csr_from_triples(&d->content, (size_t)rs_idmap_size(d->x->items), (size_t)rs_idmap_size(vocab),
                                 l.item, l.token, NULL, l.n, err);
    rs_table_free(t);
    rs_idmap_free(vocab);
    free(l.item), free(l.token);
    return st;
}

rs_status rs_content_train(const rs_reco_data *d, rs_model *m, rs_error *err)
{
    rs_csr f = d->content;   /* the model takes these arrays */
    size_t n_items = d->ui.n_cols, nnz = rs_csr_nnz(&f);
    int32_t *df = calloc(f.n_cols + 1, sizeof *df);
    if (!df)
        return rs_error_nomem(err);
    for (size_t k = 0; k < nnz; k++)
        df[f.idx[k]]++;
    size_t described = 0;
    for (size_t i = 0; i < f.n_rows; i++)
        described += f.ptr[i + 1] > f.ptr[i];
    for (size_t i = 0; i < f.n_rows; i++) {
        double norm = 0;
        for (int32_t k = f.ptr[i]; k < f.ptr[i + 1]; k++) {
            f.val[k] = (float)(f.val[k] * log(1.0 + (double)described / df[f.idx[k]]));
            norm += (double)f.val[k] * f.val[k];
        }
        for (int32_t k = f.ptr[i]; k < f.ptr[i + 1]; k++)
            f.val[k] = (float)(f.val[k] / sqrt(norm));
    }
    free(df);
    f.n_rows = n_items;   /* items are final: the interactions added none after prepare */
    ((rs_reco_data *)d)->content = (rs_csr){0};
    if (rs_model_set_i64(m, "vocabulary", (int64_t)f.n_cols, err) ||
        rs_model_set_i64(m, "described_items", (int64_t)described, err)) {
        rs_csr_free(&f);
        return err->code;
    }
    return rs_model_adopt_csr(m, "content", &f, err);
}
