/* content.c — content-based recommendation from item attributes and text:
 * each item is a TF-IDF vector over the tokens of its other columns
 * ("column:word", lower-case ASCII letters and digits), tf the count and
 * idf log(1 + n / df), L2-normalised.  A user's profile is the
 * value-weighted sum of the vectors of the items in their history, and an
 * item's score its cosine with the profile.  Items that appear only in
 * --item-features (never bought) are in the model: the cold-start answer
 * for new items. */
#include "models/kind.h"

#include "mem.h"

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

static rs_status content_prepare(rs_reco_data *d, rs_error *err)
{
    const rs_params *p = d->p;
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

static rs_status content_train(rs_reco_data *d, rs_model *m, rs_error *err)
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
    d->content = (rs_csr){0};
    if (rs_model_set_i64(m, "vocabulary", (int64_t)f.n_cols, err) ||
        rs_model_set_i64(m, "described_items", (int64_t)described, err)) {
        rs_csr_free(&f);
        return err->code;
    }
    return rs_model_adopt_csr(m, "content", &f, err);
}

/* ---- scoring ------------------------------------------------------------ */

typedef struct {
    size_t vocabulary;
    rs_csr content;      /* items x tokens, TF-IDF rows of length 1 (a view) */
    rs_csr content_t;    /* owned: tokens x items */
} content_model;

typedef struct {
    float *profile;      /* (vocabulary), zero between queries */
    int32_t *touched;    /* (vocabulary): the profile's non-zero tokens */
} content_work;

static void content_unload(void *state)
{
    content_model *cm = state;
    rs_csr_free(&cm->content_t);
    free(cm);
}

static void *content_load(const rs_reco_base *b, rs_error *err)
{
    int64_t vocabulary;
    if (rs_model_get_i64(b->model, "vocabulary", &vocabulary, err) != RS_OK)
        return NULL;
    if (vocabulary < 0 || vocabulary > INT32_MAX) {
        rs_error_set(err, RS_EDATA, NULL, 0, "the model's vocabulary is out of range");
        return NULL;
    }
    content_model *cm = calloc(1, sizeof *cm);
    if (!cm) {
        rs_error_nomem(err);
        return NULL;
    }
    cm->vocabulary = (size_t)vocabulary;
    if (rs_model_csr(b->model, "content", b->n_items, cm->vocabulary, &cm->content, err) == RS_OK &&
        rs_csr_transpose(&cm->content, &cm->content_t, err) == RS_OK)
        return cm;
    content_unload(cm);
    return NULL;
}

static void content_work_free(void *work)
{
    content_work *w = work;
    free(w->profile), free(w->touched);
    free(w);
}

static void *content_work_new(const rs_reco_base *b, const void *state)
{
    (void)b;
    const content_model *cm = state;
    content_work *w = calloc(1, sizeof *w);
    if (w && (!(w->profile = calloc(cm->vocabulary + 1, sizeof *w->profile)) ||
              !(w->touched = malloc((cm->vocabulary + 1) * sizeof *w->touched)))) {
        content_work_free(w);
        return NULL;
    }
    return w;
}

/* The profile: value-weighted sum of the history's token vectors, unit length. */
static size_t content_profile(const content_model *cm, const int32_t *items, const float *values, size_t n,
                              content_work *w)
{
    size_t n_touched = 0;
    for (size_t t = 0; t < n; t++)
        for (int32_t k = cm->content.ptr[items[t]]; k < cm->content.ptr[items[t] + 1]; k++) {
            int32_t tok = cm->content.idx[k];
            if (w->profile[tok] == 0)
                w->touched[n_touched++] = tok;
            w->profile[tok] += values[t] * cm->content.val[k];
        }
    double norm = 0;
    for (size_t t = 0; t < n_touched; t++)
        norm += (double)w->profile[w->touched[t]] * w->profile[w->touched[t]];
    for (size_t t = 0; t < n_touched && norm > 0; t++)
        w->profile[w->touched[t]] /= (float)sqrt(norm);
    return n_touched;
}

static void content_clear(content_work *w, size_t n_touched)
{
    for (size_t t = 0; t < n_touched; t++)
        w->profile[w->touched[t]] = 0;
}

static void content_score_row(const rs_reco_base *b, const void *state, const rs_reco_query *q, float *row,
                              void *work)
{
    const content_model *cm = state;
    content_work *w = work;
    const int32_t *items;
    const float *values;
    size_t h = rs_reco_history(b, q, &items, &values);
    size_t n_touched = content_profile(cm, items, values, h, w);
    for (size_t t = 0; t < n_touched; t++) {
        int32_t tok = w->touched[t];
        for (int32_t k = cm->content_t.ptr[tok]; k < cm->content_t.ptr[tok + 1]; k++)
            row[cm->content_t.idx[k]] += w->profile[tok] * cm->content_t.val[k];
    }
    content_clear(w, n_touched);
}

static float content_score_pair(const rs_reco_base *b, const void *state, const rs_reco_query *q, int32_t item,
                                void *work)
{
    const content_model *cm = state;
    content_work *w = work;
    float s = 0;
    if (rs_reco_pair_fallback(b, q, item, &s))
        return s;
    const int32_t *items;
    const float *values;
    size_t h = rs_reco_history(b, q, &items, &values);
    size_t n_touched = content_profile(cm, items, values, h, w);
    for (int32_t k = cm->content.ptr[item]; k < cm->content.ptr[item + 1]; k++)
        s += w->profile[cm->content.idx[k]] * cm->content.val[k];
    content_clear(w, n_touched);
    return s;
}

static void content_similar(const rs_reco_base *b, const void *state, int32_t item, float *scores)
{
    const content_model *cm = state;
    for (size_t i = 0; i < b->n_items; i++)
        scores[i] = 0;
    for (int32_t k = cm->content.ptr[item]; k < cm->content.ptr[item + 1]; k++) {
        int32_t tok = cm->content.idx[k];
        for (int32_t l = cm->content_t.ptr[tok]; l < cm->content_t.ptr[tok + 1]; l++)
            scores[cm->content_t.idx[l]] += cm->content.val[k] * cm->content_t.val[l];
    }
}

static const rs_kind_option content_options[] = {
    {"item-features", NULL, 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_SHARED},
    {NULL},
};

const rs_kind rs_kind_content = {
    .name = "content",
    .family = RS_FAMILY_RECOMMENDER,
    .summary = "TF-IDF cosine of item attributes to the history (--item-features)",
    .options = content_options,
    .flags = RS_KIND_FOLDS_IN,
    .quick_args = "--item-features items.csv",
    .prepare = content_prepare,
    .train_interactions = content_train,
    .reco_load = content_load,
    .work_new = content_work_new,
    .work_free = content_work_free,
    .score_row = content_score_row,
    .score_pair = content_score_pair,
    .similar = content_similar,
    .unload = content_unload,
};
