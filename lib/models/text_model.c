/* text_model.c — see text_model.h.
 *
 * Training: the rows are read and hashed (on -j threads, in order), weighed
 * by TF-IDF, their buckets renumbered by frequency so the hot weight rows
 * stay in cache, and fitted by text_sgd.c (the loss, the step, the shards
 * and the threads are described there); the same bytes for the same seed
 * whatever -j. */
#include "models/text_model.h"

#include "models/text_sgd.h"

#include "io/dataset.h"
#include "logistic.h"
#include "mem.h"
#include "num.h"
#include "rng.h"
#include "threads.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- featurisation shared by training and scoring ---------------------- */

/* The distinct buckets of a row's text fields with their counts.  With
 * blocks (and char n-grams), two blocks: the word n-grams' buckets, *n_word
 * of them, then the char n-grams' (a bucket both hash to is in both, which
 * scores and steps as one entry holding the sum); else one, *n_word = *n.
 * Each field is hashed with its column's seed. */
static rs_status row_counts(const rs_text_spec *base, int blocks, size_t n_cols, const rs_field *const *texts,
                            rs_text_scratch *s, uint32_t **idx, size_t *n, size_t *cap, float **val, size_t *cap_val,
                            size_t *n_word, rs_error *err)
{
    size_t n_chars = 0;
    blocks = blocks && base->char_min > 0;
    *n = 0;
    for (size_t c = 0; c < n_cols; c++) {
        rs_text_spec spec = *base;
        spec.column = (int)c;
        if ((blocks ? rs_text_hash_apart(&spec, texts[c]->ptr, texts[c]->len, s, idx, n, cap, &s->chars, &n_chars,
                                         &s->cap_chars, err)
                    : rs_text_hash(&spec, texts[c]->ptr, texts[c]->len, s, idx, n, cap, err)) != RS_OK)
            return err->code;
    }
    if (rs_grow((void **)val, cap_val, *n + n_chars + 1, sizeof **val) < 0 ||
        rs_grow((void **)idx, cap, *n + n_chars + 1, sizeof **idx) < 0)
        return rs_error_nomem(err);
    if (rs_text_merge(*idx, *n, *val, s, n_word, err) != RS_OK)
        return err->code;
    *n = *n_word;
    if (!blocks)
        return RS_OK;
    if (n_chars)
        memcpy(*idx + *n_word, s->chars, n_chars * sizeof **idx);
    if (rs_text_merge(*idx + *n_word, n_chars, *val + *n_word, s, &n_chars, err) != RS_OK)
        return err->code;
    *n = *n_word + n_chars;
    return RS_OK;
}

/* count x idf of val[0..n), L2-normalised to length (none if all 0). */
static void weigh_block(const uint32_t *idx, float *val, size_t n, const float *idf, double length)
{
    double norm = 0;
    for (size_t j = 0; j < n; j++) {
        val[j] *= idf[idx[j]];
        norm += (double)val[j] * val[j];
    }
    for (size_t j = 0; norm > 0 && j < n; j++)
        val[j] = (float)(val[j] / sqrt(norm) * length);
}

/* TF-IDF: count x idf, then the row L2-normalised; with two blocks (row_counts)
 * each block to length 1/sqrt(2) (the words and the char n-grams weigh the
 * same, as scikit-learn's union of two TfidfVectorizers, and a row keeps
 * length 1). */
static void weigh(const uint32_t *idx, float *val, size_t n, size_t n_word, const float *idf)
{
    if (n_word == n) {
        weigh_block(idx, val, n, idf, 1);
        return;
    }
    weigh_block(idx, val, n_word, idf, sqrt(0.5));
    weigh_block(idx + n_word, val + n_word, n - n_word, idf, sqrt(0.5));
}

/* ---- reading the training table ---------------------------------------- */

typedef struct {
    size_t n_rows, nnz;
    size_t *ptr;            /* (n_rows + 1) */
    uint32_t *idx;          /* (nnz) */
    float *val;             /* (nnz) */
    uint32_t *n_word;       /* (n_rows) each row's word block (row_counts) */
    size_t cap_rows, cap_nnz, cap_val, cap_word;
    rs_dataset labels;      /* y and classes only (io/dataset.h) */
    size_t cap_y;
    size_t n_num;           /* --features: numeric columns */
    double *num;            /* (n_rows x n_num) their values as read */
    size_t cap_num;
} text_rows;

static void text_rows_free(text_rows *r)
{
    free(r->ptr), free(r->idx), free(r->val), free(r->n_word), free(r->labels.y), free(r->num);
    rs_idmap_free(r->labels.classes);
}

static rs_status find_columns(rs_table *t, const rs_params *p, const rs_strlist *cols, const rs_strlist *numeric,
                              size_t *label_col, size_t *text_cols, size_t *num_cols, rs_error *err)
{
    if (rs_table_find_col(t, p->label, "--label", label_col, err) != RS_OK)
        return err->code;
    for (size_t c = 0; c < cols->n; c++) {
        if (rs_table_find_col(t, cols->items[c], "--text", &text_cols[c], err) != RS_OK)
            return err->code;
        if (text_cols[c] == *label_col)
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "--text lists the label column '%s'", p->label);
    }
    for (size_t c = 0; c < numeric->n; c++) {
        if (rs_table_find_col(t, numeric->items[c], "--features", &num_cols[c], err) != RS_OK)
            return err->code;
        if (num_cols[c] == *label_col)
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "--features lists the label column '%s'", p->label);
        for (size_t k = 0; k < cols->n; k++)
            if (num_cols[c] == text_cols[k])
                return rs_error_set(err, RS_EUSAGE, NULL, 0, "--features lists the text column '%s' (a column is "
                                    "text or a number)", cols->items[k]);
    }
    return RS_OK;
}

/* ---- hashing the rows on threads ------------------------------------------
 * The rows are read CHUNK at a time (their text copied out of the reader,
 * their labels coded in order); each thread hashes a contiguous range of
 * the chunk into its own buffers, and the buffers are appended in thread
 * order, so the rows are the same for any -j. */

enum { CHUNK = 4096 };

typedef struct {
    rs_text_scratch s;
    rs_field *fields;           /* (n_cols) a row's texts */
    const rs_field **texts;
    uint32_t *row_idx;          /* one row's buckets and counts */
    float *row_val;
    size_t n_row, n_row_word, cap_row_idx, cap_row_val;
    uint32_t *idx;              /* the range's rows, one after the other */
    float *val;
    size_t n, cap_idx, cap_val;
    size_t len[CHUNK];          /* each row's buckets */
    uint32_t word_len[CHUNK];   /* and its word block's */
    size_t bad;                 /* the first row that failed (CHUNK: none) */
    rs_status status;
} hash_part;

typedef struct {
    const rs_text_spec *spec;
    int blocks;                 /* row_counts' */
    size_t n_cols, n_rows;
    char *bytes;                /* the chunk's text fields */
    size_t n_bytes, cap_bytes;
    size_t *start, *len;        /* (CHUNK x n_cols) */
    long line[CHUNK];
    hash_part *parts;           /* (n_parts) */
    int n_parts;
} text_chunk;

static void text_chunk_free(text_chunk *c)
{
    for (int t = 0; c->parts && t < c->n_parts; t++) {
        hash_part *h = &c->parts[t];
        rs_text_scratch_free(&h->s);
        free(h->fields), free(h->texts), free(h->row_idx), free(h->row_val), free(h->idx), free(h->val);
    }
    free(c->parts), free(c->bytes), free(c->start), free(c->len);
}

static rs_status text_chunk_init(text_chunk *c, const rs_text_spec *spec, int blocks, size_t n_cols, int threads,
                                 rs_error *err)
{
    c->spec = spec, c->blocks = blocks, c->n_cols = n_cols, c->n_parts = threads > 0 ? threads : 1;
    c->parts = calloc((size_t)c->n_parts, sizeof *c->parts);
    c->start = malloc(CHUNK * n_cols * sizeof *c->start);
    c->len = malloc(CHUNK * n_cols * sizeof *c->len);
    if (!c->parts || !c->start || !c->len)
        return rs_error_nomem(err);
    for (int t = 0; t < c->n_parts; t++)
        if (!(c->parts[t].fields = malloc(n_cols * sizeof *c->parts[t].fields)) ||
            !(c->parts[t].texts = malloc(n_cols * sizeof *c->parts[t].texts)))
            return rs_error_nomem(err);
    return RS_OK;
}

static rs_status chunk_add(text_chunk *c, const rs_record *rec, const size_t *text_cols, rs_error *err)
{
    for (size_t k = 0; k < c->n_cols; k++) {
        const rs_field *f = &rec->fields[text_cols[k]];
        if (rs_grow((void **)&c->bytes, &c->cap_bytes, c->n_bytes + f->len + 1, 1) < 0)
            return rs_error_nomem(err);
        if (f->len)
            memcpy(c->bytes + c->n_bytes, f->ptr, f->len);
        c->start[c->n_rows * c->n_cols + k] = c->n_bytes, c->len[c->n_rows * c->n_cols + k] = f->len;
        c->n_bytes += f->len;
    }
    c->line[c->n_rows++] = rec->line;
    return RS_OK;
}

/* Row i of the chunk hashed into h->row_idx/row_val. */
static rs_status hash_row(const text_chunk *c, hash_part *h, size_t i, rs_error *err)
{
    for (size_t k = 0; k < c->n_cols; k++) {
        h->fields[k] = (rs_field){c->bytes + c->start[i * c->n_cols + k], c->len[i * c->n_cols + k]};
        h->texts[k] = &h->fields[k];
    }
    return row_counts(c->spec, c->blocks, c->n_cols, h->texts, &h->s, &h->row_idx, &h->n_row, &h->cap_row_idx,
                      &h->row_val, &h->cap_row_val, &h->n_row_word, err);
}

static void hash_thread(void *ctx, int t, int n_threads)
{
    text_chunk *c = ctx;
    hash_part *h = &c->parts[t];
    size_t begin, end;
    rs_thread_range(c->n_rows, t, n_threads, &begin, &end);
    h->n = 0, h->bad = CHUNK, h->status = RS_OK;
    for (size_t i = begin; i < end; i++) {
        rs_error err = {0};
        if ((h->status = hash_row(c, h, i, &err)) != RS_OK) {
            h->bad = i;
            return;
        }
        if (rs_grow((void **)&h->idx, &h->cap_idx, h->n + h->n_row + 1, sizeof *h->idx) < 0 ||
            rs_grow((void **)&h->val, &h->cap_val, h->n + h->n_row + 1, sizeof *h->val) < 0) {
            h->status = RS_ENOMEM, h->bad = i;
            return;
        }
        if (h->n_row) {
            memcpy(h->idx + h->n, h->row_idx, h->n_row * sizeof *h->idx);
            memcpy(h->val + h->n, h->row_val, h->n_row * sizeof *h->val);
        }
        h->n += h->n_row;
        h->len[i - begin] = h->n_row, h->word_len[i - begin] = (uint32_t)h->n_row_word;
    }
}

/* Hash the chunk's rows on the threads and append them to r in order; the
 * first row that failed is hashed again here for its message. */
static rs_status chunk_flush(text_chunk *c, text_rows *r, const char *name, rs_error *err)
{
    int threads = c->n_rows >= 64 ? c->n_parts : 1;
    rs_parallel(threads, hash_thread, c);
    for (int t = 0; t < threads; t++) {
        hash_part *h = &c->parts[t];
        size_t begin, end;
        rs_thread_range(c->n_rows, t, threads, &begin, &end);
        if (h->status == RS_ENOMEM)
            return rs_error_nomem(err);
        if (h->status != RS_OK) {
            if (hash_row(c, h, h->bad, err) == RS_OK)
                return rs_error_set(err, RS_EDATA, name, c->line[h->bad], "--text: hashing failed");
            char what[sizeof err->msg];
            snprintf(what, sizeof what, "%s", err->msg);
            return err->code == RS_EDATA ? rs_error_set(err, RS_EDATA, name, c->line[h->bad], "--text: %s", what)
                                         : err->code;
        }
        if (rs_grow((void **)&r->ptr, &r->cap_rows, r->n_rows + (end - begin) + 2, sizeof *r->ptr) < 0 ||
            rs_grow((void **)&r->n_word, &r->cap_word, r->n_rows + (end - begin) + 1, sizeof *r->n_word) < 0 ||
            rs_grow((void **)&r->idx, &r->cap_nnz, r->nnz + h->n + 1, sizeof *r->idx) < 0 ||
            rs_grow((void **)&r->val, &r->cap_val, r->nnz + h->n + 1, sizeof *r->val) < 0)
            return rs_error_nomem(err);
        if (h->n) {   /* texts without words have no buckets (and h->idx may be NULL) */
            memcpy(r->idx + r->nnz, h->idx, h->n * sizeof *r->idx);
            memcpy(r->val + r->nnz, h->val, h->n * sizeof *r->val);
        }
        for (size_t i = begin; i < end; i++) {
            r->n_word[r->n_rows] = h->word_len[i - begin];
            r->ptr[r->n_rows] = r->nnz;
            r->nnz += h->len[i - begin];
            r->ptr[++r->n_rows] = r->nnz;
        }
    }
    c->n_rows = c->n_bytes = 0;
    return RS_OK;
}

/* Row n's label, coded as it is read (classes by first sight), or with
 * like (a --valid file) by the training classes. */
static rs_status label_row(text_rows *r, const rs_table *t, const rs_record *rec, size_t label_col, size_t n,
                           const rs_dataset *like, rs_error *err)
{
    if (rs_table_check_width(t, rec, err) != RS_OK)
        return err->code;
    if (rs_grow((void **)&r->labels.y, &r->cap_y, n + 1, sizeof *r->labels.y) < 0)
        return rs_error_nomem(err);
    return rs_label_class_row(&r->labels, t, rec, label_col, like, &r->labels.y[n], err);
}

/* Row n's numbers: every --features column must hold a finite number. */
static rs_status number_row(text_rows *r, const rs_table *t, const rs_record *rec, const size_t *num_cols, size_t n,
                            rs_error *err)
{
    if (!r->n_num)
        return RS_OK;
    if (rs_grow((void **)&r->num, &r->cap_num, (n + 1) * r->n_num, sizeof *r->num) < 0)
        return rs_error_nomem(err);
    for (size_t c = 0; c < r->n_num; c++) {
        const rs_field *f = &rec->fields[num_cols[c]];
        if (rs_parse_f64(f->ptr, f->len, &r->num[n * r->n_num + c]) < 0)
            return rs_table_bad_field(t, rec, num_cols[c], "a number", err);
    }
    return RS_OK;
}

static rs_status read_rows(text_rows *r, const rs_text_spec *spec, int blocks, const rs_params *p,
                           const rs_strlist *cols,
                           const rs_strlist *numeric, const char *input, const rs_table_options *topt,
                           const rs_dataset *like, rs_error *err)
{
    rs_table *t = rs_table_open(input, topt, err);
    size_t label_col, *text_cols = malloc((cols->n + 1) * sizeof *text_cols);
    size_t *num_cols = malloc((numeric->n + 1) * sizeof *num_cols);
    text_chunk c = {0};
    rs_status st = !t ? err->code : !text_cols || !num_cols ? rs_error_nomem(err) : RS_OK;
    r->n_num = numeric->n;
    if (st == RS_OK)
        st = find_columns(t, p, cols, numeric, &label_col, text_cols, num_cols, err);
    if (st == RS_OK)
        st = text_chunk_init(&c, spec, blocks, cols->n, p->threads, err);
    rs_record rec;
    int got = 0;
    size_t n_labels = 0;
    while (st == RS_OK && (got = rs_table_next(t, &rec, err)) == 1) {
        if ((st = label_row(r, t, &rec, label_col, n_labels, like, err)) != RS_OK ||
            (st = number_row(r, t, &rec, num_cols, n_labels, err)) != RS_OK) {
            rs_error row_err = *err;   /* an earlier row's bad text is reported first */
            if (t && c.n_rows && chunk_flush(&c, r, rs_table_name(t), err) != RS_OK)
                st = err->code;
            else
                *err = row_err;
            break;
        }
        n_labels++;
        if ((st = chunk_add(&c, &rec, text_cols, err)) == RS_OK && c.n_rows == CHUNK)
            st = chunk_flush(&c, r, rs_table_name(t), err);
    }
    if (st == RS_OK && got < 0)
        st = err->code;
    if (st == RS_OK && c.n_rows)
        st = chunk_flush(&c, r, rs_table_name(t), err);
    if (st == RS_OK && r->n_rows == 0)
        st = rs_error_set(err, RS_EDATA, rs_table_name(t), 0, "no data rows");
    if (st == RS_OK) {
        r->labels.n_rows = r->n_rows;
        st = like ? RS_OK : rs_label_classes_finish(&r->labels, p->label, err);
    }
    rs_table_free(t);
    free(text_cols), free(num_cols);
    text_chunk_free(&c);
    return st;
}

/* The classes: a class label's, or 0 and 1 for a 0/1 label. */
static rs_status label_classes(text_rows *r, const rs_params *p, rs_error *err)
{
    if (r->labels.classes)
        return RS_OK;
    for (size_t i = 0; i < r->n_rows; i++)
        if (r->labels.y[i] != 0 && r->labels.y[i] != 1)
            return rs_error_set(err, RS_EDATA, NULL, 0,
                                "logreg needs a 0/1 label or classes (integers or names), but row %zu of the "
                                "training data has %g (use --model linreg for a number)", i + 1, r->labels.y[i]);
    int added;
    if (!(r->labels.classes = rs_idmap_new()) || rs_idmap_intern(r->labels.classes, "0", 1, &added) < 0 ||
        rs_idmap_intern(r->labels.classes, "1", 1, &added) < 0)
        return rs_error_nomem(err);
    (void)p;
    return RS_OK;
}

/* df[b]: the rows bucket b is in (a bucket in both blocks of a row, see
 * row_counts, counts once). */
static rs_status count_df(const text_rows *r, size_t dim, uint32_t *df, rs_error *err)
{
    uint32_t *last = calloc(dim, sizeof *last);   /* the last row (+ 1) counted in each bucket */
    if (!last)
        return rs_error_nomem(err);
    for (size_t i = 0; i < r->n_rows; i++)
        for (size_t j = r->ptr[i]; j < r->ptr[i + 1]; j++)
            if (last[r->idx[j]] != i + 1)
                last[r->idx[j]] = (uint32_t)(i + 1), df[r->idx[j]]++;
    free(last);
    return RS_OK;
}

/* ---- --features: numeric columns beside the text ----------------------- */

/* The training mean and standard deviation of each numeric column, rounded
 * to float as the model stores them (a constant column's deviation: 1). */
static rs_status number_stats(const text_rows *r, float **mean, float **sd, rs_error *err)
{
    size_t n = r->n_rows, d = r->n_num;
    *mean = malloc((d + 1) * sizeof **mean), *sd = malloc((d + 1) * sizeof **sd);
    if (!*mean || !*sd)
        return rs_error_nomem(err);
    for (size_t c = 0; c < d; c++) {
        double sum = 0, dev = 0;
        for (size_t i = 0; i < n; i++)
            sum += r->num[i * d + c];
        double mu = sum / (double)n;
        for (size_t i = 0; i < n; i++)
            dev += (r->num[i * d + c] - mu) * (r->num[i * d + c] - mu);
        double s = sqrt(dev / (double)n);
        (*mean)[c] = (float)mu, (*sd)[c] = s > 0 && (float)s > 0 ? (float)s : 1;
    }
    return RS_OK;
}

/* A number standardised as training and scoring both do it. */
static float standardise(double x, float mean, float sd)
{
    return (float)((x - mean) / sd);
}

/* Append each row's standardised numbers to its (weighed) text features,
 * column c as bucket dim + c. */
static rs_status append_numbers(text_rows *r, size_t dim, const float *mean, const float *sd, rs_error *err)
{
    size_t d = r->n_num, nnz = r->nnz + r->n_rows * d;
    if (!d)
        return RS_OK;
    uint32_t *idx = malloc((nnz + 1) * sizeof *idx);
    float *val = malloc((nnz + 1) * sizeof *val);
    if (!idx || !val) {
        free(idx), free(val);
        return rs_error_nomem(err);
    }
    size_t at = 0;
    for (size_t i = 0; i < r->n_rows; i++) {
        size_t begin = r->ptr[i], n = r->ptr[i + 1] - begin;
        if (n)
            memcpy(idx + at, r->idx + begin, n * sizeof *idx), memcpy(val + at, r->val + begin, n * sizeof *val);
        r->ptr[i] = at;
        at += n;
        for (size_t c = 0; c < d; c++, at++)
            idx[at] = (uint32_t)(dim + c), val[at] = standardise(r->num[i * d + c], mean[c], sd[c]);
    }
    r->ptr[r->n_rows] = at;
    free(r->idx), free(r->val);
    r->idx = idx, r->val = val, r->nnz = at, r->cap_nnz = r->cap_val = nnz + 1;
    return RS_OK;
}

/* ---- SGD (text_sgd.c) on the used buckets ------------------------------ */

typedef struct {
    uint32_t df, bucket;
} bucket_df;

static int by_df_desc(const void *a, const void *b)
{
    const bucket_df *x = a, *y = b;
    return x->df != y->df ? (x->df < y->df) - (x->df > y->df) : (x->bucket > y->bucket) - (x->bucket < y->bucket);
}

/* Renumber the buckets the rows use 0..n_used-1, the most frequent first,
 * and allocate v for them alone: the hot weight rows share cache lines and
 * the unused 2^bits rows cost nothing.  A row keeps its order of buckets,
 * so the arithmetic (and the model's bytes) are those of the full table. */
static rs_status compact(text_rows *r, text_rows *valid, const uint32_t *df, size_t n_buckets, rs_text_sgd_model *m,
                         rs_error *err)
{
    bucket_df *used = malloc((n_buckets + 1) * sizeof *used);
    uint32_t *slot = malloc((n_buckets + 1) * sizeof *slot);
    if (!used || !slot) {
        free(used), free(slot);
        return rs_error_nomem(err);
    }
    m->n_used = 0;
    for (size_t b = 0; b < n_buckets; b++)
        if (df[b] > 0)
            used[m->n_used++] = (bucket_df){df[b], (uint32_t)b};
    qsort(used, m->n_used, sizeof *used, by_df_desc);
    m->stride = (m->K + 15) / 16 * 16;
    m->bucket = malloc((m->n_used + 1) * sizeof *m->bucket);
    m->bias = calloc(m->stride, sizeof *m->bias);
    m->v = aligned_alloc(64, (m->n_used * m->stride + 16) * sizeof *m->v);
    if (m->bucket && m->v) {
        for (size_t u = 0; u < m->n_used; u++)
            m->bucket[u] = used[u].bucket, slot[used[u].bucket] = (uint32_t)u;
        for (size_t j = 0; j < r->nnz; j++)
            r->idx[j] = slot[r->idx[j]];
        for (size_t j = 0; valid && j < valid->nnz; j++)   /* a bucket training never saw: no weights */
            valid->idx[j] = df[valid->idx[j]] ? slot[valid->idx[j]] : UINT32_MAX;
        memset(m->v, 0, (m->n_used * m->stride + 16) * sizeof *m->v);
    }
    free(used), free(slot);
    return m->bucket && m->v && m->bias ? RS_OK : rs_error_nomem(err);
}

/* ---- --valid: the epoch with the lowest validation log loss is kept ----- */

typedef struct {
    const text_rows *rows;   /* buckets as rows of v (UINT32_MAX: none) */
    const rs_params *p;
    double *z;               /* (K) a row's scores */
    float *best_v;           /* (n_used x stride) W = scale v of the best epoch */
    float *best_bias;        /* (stride) */
    long best_epoch;
    double best_loss, best_accuracy;
} valid_run;

/* The mean log loss and the accuracy (the first highest score) of W = scale v. */
static void valid_score(valid_run *vr, const rs_text_sgd_model *m, double scale, double *loss, double *accuracy)
{
    const text_rows *r = vr->rows;
    double total = 0;
    size_t right = 0, K = m->K;
    for (size_t i = 0; i < r->n_rows; i++) {
        for (size_t k = 0; k < K; k++)
            vr->z[k] = m->bias[k];
        for (size_t j = r->ptr[i]; j < r->ptr[i + 1]; j++) {
            if (r->idx[j] == UINT32_MAX)
                continue;
            const float *w = m->v + (size_t)r->idx[j] * m->stride;
            double x = r->val[j] * scale;
            for (size_t k = 0; k < K; k++)
                vr->z[k] += x * w[k];
        }
        size_t top = 0, y = (size_t)r->labels.y[i];
        for (size_t k = 1; k < K; k++)
            top = vr->z[k] > vr->z[top] ? k : top;
        double sum = 0;
        for (size_t k = 0; k < K; k++)
            sum += exp(vr->z[k] - vr->z[top]);
        total += vr->z[top] + log(sum) - vr->z[y];
        right += top == y;
    }
    *loss = total / (double)r->n_rows, *accuracy = (double)right / (double)r->n_rows;
}

static void valid_epoch(void *ctx, long epoch, const rs_text_sgd_model *m, double scale)
{
    valid_run *vr = ctx;
    double loss, accuracy;
    valid_score(vr, m, scale, &loss, &accuracy);
    rs_progress(vr->p, "epoch %ld valid_loss %.6g valid_accuracy %.6g", epoch, loss, accuracy);
    if (vr->best_epoch && loss >= vr->best_loss)
        return;
    vr->best_epoch = epoch, vr->best_loss = loss, vr->best_accuracy = accuracy;
    for (size_t u = 0; u < m->n_used * m->stride; u++)
        vr->best_v[u] = (float)(m->v[u] * scale);
    memcpy(vr->best_bias, m->bias, m->stride * sizeof *m->bias);
}

/* SGD on r; with valid rows, the weights of the best epoch. */
static rs_status fit(const text_rows *r, const text_rows *valid, const rs_params *p, rs_text_sgd_model *m,
                     valid_run *vr, rs_error *err)
{
    rs_text_rows x = {r->n_rows, r->ptr, r->idx, r->val, r->labels.y};
    if (!valid)
        return rs_text_sgd(&x, p, m, NULL, NULL, err);
    *vr = (valid_run){.rows = valid, .p = p, .z = malloc(m->K * sizeof *vr->z),
                      .best_v = malloc((m->n_used * m->stride + 16) * sizeof *vr->best_v),
                      .best_bias = malloc(m->stride * sizeof *vr->best_bias)};
    rs_status st = vr->z && vr->best_v && vr->best_bias ? rs_text_sgd(&x, p, m, valid_epoch, vr, err)
                                                         : rs_error_nomem(err);
    if (st == RS_OK) {
        memcpy(m->v, vr->best_v, m->n_used * m->stride * sizeof *m->v);
        memcpy(m->bias, vr->best_bias, m->stride * sizeof *m->bias);
        m->scale = 1;
    }
    free(vr->z), free(vr->best_v), free(vr->best_bias);
    return st;
}

/* ---- the model file ---------------------------------------------------- */

/* "a,b,c" (a new string; NULL when out of memory). */
static char *join_names(const rs_strlist *names)
{
    size_t len = 1;
    for (size_t c = 0; c < names->n; c++)
        len += strlen(names->items[c]) + 1;
    char *out = malloc(len), *at = out;
    for (size_t c = 0; out && c < names->n; c++)
        at += sprintf(at, "%s%s", c ? "," : "", names->items[c]);
    if (out)
        *at = 0;
    return out;
}

/* --features: the columns and their standardisation. */
static rs_status save_numbers(rs_model *model, const rs_strlist *numeric, const float *mean, const float *sd,
                              rs_error *err)
{
    if (!numeric->n)
        return RS_OK;
    char *names = join_names(numeric);
    rs_status st = !names ? rs_error_nomem(err)
                   : rs_model_set(model, "features", names, err) ||
                             rs_model_add_tensor(model, "num_mean", mean, 1, numeric->n, err) ||
                             rs_model_add_tensor(model, "num_sd", sd, 1, numeric->n, err)
                       ? err->code
                       : RS_OK;
    free(names);
    return st;
}

static rs_status save(const text_rows *r, const rs_text_spec *spec, int blocks, const rs_params *p,
                      const char *columns,
                      const rs_strlist *numeric, const float *mean, const float *sd, const float *idf,
                      rs_text_sgd_model *m, const valid_run *vr, const char *output, rs_error *err)
{
    size_t dim = m->dim, K = m->K, rows = m->n_used ? m->n_used : 1;   /* no words at all: one zero row */
    rs_model *model = rs_model_new("logreg");
    /* the weights (rows x K) are v's rows (stride apart) packed in place: K <= stride, so each float moves
     * down over floats already read; the model takes v (no 10 MB copy) */
    float *w = m->n_used ? m->v : calloc(rows * K, sizeof *w);
    int32_t *bucket = calloc(rows, sizeof *bucket);
    if (m->n_used)
        m->v = NULL;
    rs_status st = model && w && bucket ? RS_OK : rs_error_nomem(err);
    for (size_t u = 0; st == RS_OK && u < m->n_used; u++) {
        bucket[u] = (int32_t)m->bucket[u];
        for (size_t k = 0; k < K; k++)
            w[u * K + k] = (float)(w[u * m->stride + k] * m->scale);
    }
    char chars[64];
    snprintf(chars, sizeof chars, "%d,%d", spec->char_min, spec->char_max);
    if (st == RS_OK &&
        (rs_model_set(model, "label", p->label, err) || (p->id && rs_model_set(model, "id", p->id, err)) ||
         rs_model_set(model, "text", columns, err) || rs_model_set_i64(model, "text_bits", spec->bits, err) ||
         rs_model_set_i64(model, "word_ngrams", spec->word_max, err) ||
         rs_model_set(model, "char_ngrams", chars, err) ||
         (blocks && spec->char_min > 0 && rs_model_set(model, "text_norm", "blocks", err)) ||   /* else as before */
         rs_model_set(model, "tfidf", rs_params_text(p, "tfidf") ? rs_params_text(p, "tfidf") : "on", err) ||
         rs_model_set_i64(model, "train_rows", (int64_t)r->n_rows, err) ||
         rs_model_set_i64(model, "nnz", (int64_t)r->nnz, err) ||
         rs_model_set_i64(model, "n_classes", (int64_t)K, err) ||
         rs_model_add_ids(model, "classes", r->labels.classes, err) || rs_model_set(model, "solver", "sgd", err) ||
         rs_model_set_f64(model, "l2", p->l2, err) || rs_model_set_f64(model, "lr", p->lr, err) ||
         rs_model_set_i64(model, "epochs", p->epochs, err) ||
         rs_model_set(model, "class_weight", p->balanced ? "balanced" : "given", err) ||
         (vr && (rs_model_set_i64(model, "best_epoch", vr->best_epoch, err) ||
                 rs_model_set_f64(model, "valid_loss", vr->best_loss, err) ||
                 rs_model_set_f64(model, "valid_accuracy", vr->best_accuracy, err))) ||
         rs_model_add_tensor(model, "idf", idf, 1, dim, err) || rs_model_add_tensor(model, "bias", m->bias, 1, K, err)))
        st = err->code;
    if (st == RS_OK)
        st = save_numbers(model, numeric, mean, sd, err);
    if (st == RS_OK) {
        st = rs_model_adopt_tensor(model, "weights", w, rows, K, err);
        w = NULL;
    }
    if (st == RS_OK) {
        st = rs_model_adopt_i32(model, "buckets", bucket, 1, rows, err);
        bucket = NULL;
    }
    if (st == RS_OK)
        st = rs_model_save(model, output, err);
    free(w), free(bucket);
    rs_model_free(model);
    return st;
}

/* --text a,b, --char-ngrams MIN,MAX, --tfidf and --text-norm from the kind's options. */
static rs_status text_spec(const rs_params *p, rs_text_spec *spec, rs_strlist *cols, int *idf_off, int *blocks,
                           rs_error *err)
{
    const char *chars = rs_params_text(p, "char-ngrams");
    memset(spec, 0, sizeof *spec);
    spec->bits = rs_params_text(p, "text-bits") ? (int)rs_params_int(p, "text-bits") : 18;
    spec->word_max = rs_params_text(p, "word-ngrams") ? (int)rs_params_int(p, "word-ngrams") : 2;
    if (chars && strcmp(chars, "0") &&
        (sscanf(chars, "%d,%d", &spec->char_min, &spec->char_max) != 2 || spec->char_min < 1 ||
         spec->char_max < spec->char_min || spec->char_max > 8))
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --char-ngrams '%s' (expected MIN,MAX with 1 <= MIN <= "
                            "MAX <= 8, or 0 for none)", chars);
    const char *tfidf = rs_params_text(p, "tfidf");
    if (tfidf && strcmp(tfidf, "on") && strcmp(tfidf, "off"))
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --tfidf '%s' (expected on or off)", tfidf);
    *idf_off = tfidf && !strcmp(tfidf, "off");
    const char *norm = rs_params_text(p, "text-norm");
    if (norm && strcmp(norm, "blocks") && strcmp(norm, "row"))
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --text-norm '%s' (expected blocks or row)", norm);
    *blocks = !norm || !strcmp(norm, "blocks");
    if (rs_strlist_push_split(cols, rs_params_text(p, "text")) < 0)
        return rs_error_nomem(err);
    if (p->l1 > 0)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--l1 is not for logreg --text (SGD with --l2)");
    if (!p->balanced && (p->class_weight[0] != 1 || p->class_weight[1] != 1))
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--class-weight W0,W1 is not for logreg --text (use balanced)");
    return RS_OK;
}

rs_status rs_text_train(const rs_params *params, const char *input, const rs_strlist *numeric_cols,
                        const char *valid_path, const rs_table_options *table, const char *output, char *summary,
                        size_t summary_size, rs_error *err)
{
    static const rs_strlist none = {0};
    const rs_strlist *numeric = numeric_cols ? numeric_cols : &none;
    rs_params derived = *params;   /* the defaults of --epochs and --lr with --text */
    const rs_params *p = &derived;
    /* chosen on 80/20 validation splits of BANKING77's training file with
     * --char-ngrams 2,5 --l2 0.01 (the mean of split seeds 1-3: 8 passes
     * from 3 0.9029, from 2.5 0.9012, from 4 0.9022, 6 passes from 3 0.9001;
     * the two shards' mean moves about half as far as one copy would, so
     * the step is twice that of a single SGD) */
    derived.epochs = derived.epochs ? derived.epochs : 8;
    derived.lr = derived.lr ? derived.lr : 3;
    rs_text_spec spec;
    rs_strlist cols = {0};
    text_rows r = {0}, valid = {0};
    rs_text_sgd_model m = {0};
    valid_run vr = {0};
    float *idf = NULL, *mean = NULL, *sd = NULL;
    uint32_t *df = NULL;   /* the rows each bucket is in (and the numeric columns after the 2^bits) */
    int idf_off = 0;   /* --tfidf off */
    int blocks = 1;   /* --text-norm blocks */
    rs_status st = text_spec(p, &spec, &cols, &idf_off, &blocks, err);
    if (st == RS_OK)
        st = read_rows(&r, &spec, blocks, p, &cols, numeric, input, table, NULL, err);
    if (st == RS_OK)
        st = label_classes(&r, p, err);
    if (st == RS_OK && valid_path)
        st = read_rows(&valid, &spec, blocks, p, &cols, numeric, valid_path, table, &r.labels, err);
    m.K = r.labels.classes ? (size_t)rs_idmap_size(r.labels.classes) : 0;
    m.dim = (size_t)1 << spec.bits;
    if (st == RS_OK && m.K < 2) {
        size_t len;
        const char *name = rs_idmap_key(r.labels.classes, 0, &len);
        st = rs_error_set(err, RS_EDATA, NULL, 0, "the label has one class (every one of the %zu rows is '%.*s'): "
                          "nothing to learn", r.n_rows, (int)(len > 40 ? 40 : len), name);
    }
    if (st == RS_OK && (!(idf = calloc(m.dim, sizeof *idf)) || !(df = calloc(m.dim + r.n_num, sizeof *df))))
        st = rs_error_nomem(err);
    if (st == RS_OK)
        st = number_stats(&r, &mean, &sd, err);
    if (st == RS_OK)
        st = count_df(&r, m.dim, df, err);
    if (st == RS_OK) {
        /* idf = ln((1 + n) / (1 + df)) + 1, as scikit-learn's smooth idf; --tfidf off: 1, so rs-predict needs
         * no switch */
        float unseen = idf_off ? 1 : (float)(log(1.0 + (double)r.n_rows) + 1);   /* df 0: most buckets */
        for (size_t b = 0; b < m.dim; b++)
            idf[b] = idf_off ? 1 : df[b] ? (float)(log((1.0 + (double)r.n_rows) / (1.0 + df[b])) + 1) : unseen;
        for (size_t i = 0; i < r.n_rows; i++)
            weigh(r.idx + r.ptr[i], r.val + r.ptr[i], r.ptr[i + 1] - r.ptr[i], r.n_word[i], idf);
        for (size_t i = 0; i < valid.n_rows; i++)   /* the training idf */
            weigh(valid.idx + valid.ptr[i], valid.val + valid.ptr[i], valid.ptr[i + 1] - valid.ptr[i], valid.n_word[i],
                  idf);
        for (size_t c = 0; c < r.n_num; c++)
            df[m.dim + c] = (uint32_t)r.n_rows;
        st = append_numbers(&r, m.dim, mean, sd, err);   /* the training mean and deviation for both */
        if (st == RS_OK && valid_path)
            st = append_numbers(&valid, m.dim, mean, sd, err);
    }
    if (st == RS_OK)
        st = compact(&r, valid_path ? &valid : NULL, df, m.dim + r.n_num, &m, err);
    if (st == RS_OK)
        st = fit(&r, valid_path ? &valid : NULL, p, &m, &vr, err);
    if (st == RS_OK)
        st = save(&r, &spec, blocks, p, rs_params_text(p, "text"), numeric, mean, sd, idf, &m, valid_path ? &vr : NULL,
                  output, err);
    if (st == RS_OK) {
        char numbers[48] = "";
        if (r.n_num)
            snprintf(numbers, sizeof numbers, " + %zu numeric", r.n_num);
        int used = snprintf(summary, summary_size, "logreg: %zu rows x %zu text features%s (%zu non-zeros), sgd %ld "
                            "epochs, %zu classes [label=%s]", r.n_rows, m.dim, numbers, r.nnz, p->epochs, m.K,
                            p->label);
        if (valid_path && used > 0 && (size_t)used < summary_size)
            snprintf(summary + used, summary_size - (size_t)used, ", kept epoch %ld (valid_loss %.6g, valid_accuracy "
                     "%.6g)", vr.best_epoch, vr.best_loss, vr.best_accuracy);
    }
    text_rows_free(&r);
    text_rows_free(&valid);
    rs_strlist_free(&cols);
    free(idf), free(df), free(mean), free(sd), free(m.v), free(m.bias), free(m.bucket);
    return st;
}

/* ---- scoring ------------------------------------------------------------ */

void rs_text_model_free(rs_text_model *tm)
{
    if (!tm)
        return;
    for (size_t k = 0; tm->classes && k < tm->n_classes; k++)
        free(tm->classes[k]);
    free(tm->classes), free(tm->slot);
    rs_strlist_free(&tm->columns);
    rs_strlist_free(&tm->numeric);
    free(tm);
}

void rs_text_scorer_free(rs_text_scorer *s)
{
    free(s->idx), free(s->val), free(s->z);
    rs_text_scratch_free(&s->scratch);
    memset(s, 0, sizeof *s);
}

/* The weights row of each bucket (-1: none, its weights are 0): the model
 * stores the rows of the buckets training saw, most frequent first (models
 * without "buckets" hold all 2^bits rows in bucket order). */
static rs_status load_slots(rs_text_model *tm, const int32_t *buckets, size_t n, size_t dim, rs_error *err)
{
    if (!(tm->slot = malloc((dim + 1) * sizeof *tm->slot)))
        return rs_error_nomem(err);
    memset(tm->slot, 0xff, (dim + 1) * sizeof *tm->slot);
    for (size_t u = 0; u < n; u++) {
        if (buckets[u] < 0 || (size_t)buckets[u] >= dim || tm->slot[buckets[u]] >= 0)
            return rs_error_set(err, RS_EDATA, NULL, 0, "the model's buckets are damaged (%" PRId32 " at %zu)",
                                buckets[u], u);
        tm->slot[buckets[u]] = (int32_t)u;
    }
    return RS_OK;
}

/* --features: the numeric columns and their standardisation (none in a
 * model without "features"). */
static rs_status load_numbers(rs_text_model *tm, const rs_model *m, rs_error *err)
{
    const char *names = rs_model_get(m, "features");
    if (!names)
        return RS_OK;
    if (rs_strlist_push_split(&tm->numeric, names) < 0)
        return rs_error_nomem(err);
    size_t r1, c1, r2, c2, d = tm->numeric.n;
    tm->num_mean = rs_model_tensor(m, "num_mean", &r1, &c1);
    tm->num_sd = rs_model_tensor(m, "num_sd", &r2, &c2);
    if (!d || !tm->num_mean || !tm->num_sd || r1 != 1 || c1 != d || r2 != 1 || c2 != d)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's num_mean or num_sd tensor is missing or of the wrong "
                            "shape (expected 1 x %zu)", d);
    for (size_t c = 0; c < d; c++)
        if (!isfinite(tm->num_mean[c]) || !(tm->num_sd[c] > 0) || !isfinite(tm->num_sd[c]))
            return rs_error_set(err, RS_EDATA, NULL, 0, "the model's standardisation of '%s' is damaged",
                                tm->numeric.items[c]);
    return RS_OK;
}

static rs_status load_fields(rs_text_model *tm, const rs_model *m, rs_error *err)
{
    int64_t bits, words, n_classes;
    const char *chars = rs_model_get(m, "char_ngrams");
    if (rs_model_get_i64(m, "text_bits", &bits, err) || rs_model_get_i64(m, "word_ngrams", &words, err) ||
        rs_model_get_i64(m, "n_classes", &n_classes, err))
        return err->code;
    if (bits < 1 || bits > 28 || words < 0 || words > 3 || n_classes < 2 || !chars ||
        sscanf(chars, "%d,%d", &tm->spec.char_min, &tm->spec.char_max) != 2 || tm->spec.char_min < 0 ||
        tm->spec.char_max < tm->spec.char_min || tm->spec.char_max > 8)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's text settings are damaged");
    tm->spec.bits = (int)bits, tm->spec.word_max = (int)words, tm->n_classes = (size_t)n_classes;
    const char *norm = rs_model_get(m, "text_norm");   /* models before it: one block */
    if (norm && strcmp(norm, "blocks") && strcmp(norm, "row"))
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's text_norm '%.40s' is unknown (expected row or blocks)",
                            norm);
    tm->blocks = norm && !strcmp(norm, "blocks");
    if (load_numbers(tm, m, err) != RS_OK)
        return err->code;
    size_t dim = (size_t)1 << bits, n_buckets = dim + tm->numeric.n, K = tm->n_classes, r1, c1, r2, c2, r3, c3, r4,
           c4 = n_buckets;
    tm->idf = rs_model_tensor(m, "idf", &r1, &c1);
    tm->weights = rs_model_tensor(m, "weights", &r2, &c2);
    tm->bias = rs_model_tensor(m, "bias", &r3, &c3);
    const int32_t *buckets = rs_model_i32(m, "buckets", &r4, &c4);
    if (!tm->idf || r1 != 1 || c1 != dim || !tm->weights || r2 != c4 || c2 != K || !tm->bias || r3 != 1 || c3 != K ||
        (buckets && (r4 != 1 || c4 > n_buckets)) || (!buckets && tm->numeric.n))
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's idf, weights, buckets or bias tensor is missing or of "
                            "the wrong shape (expected 1 x %zu, B x %zu, 1 x B, 1 x %zu)", dim, K, K);
    if (buckets && load_slots(tm, buckets, c4, n_buckets, err) != RS_OK)
        return err->code;
    rs_idmap *classes = rs_model_ids_new(m, "classes", err);
    if (!classes)
        return err->code;
    rs_status st = rs_idmap_size(classes) == (int32_t)K ? RS_OK
                   : rs_error_set(err, RS_EDATA, NULL, 0, "the model's classes do not match n_classes");
    if (st == RS_OK && !(tm->classes = calloc(K, sizeof *tm->classes)))
        st = rs_error_nomem(err);
    for (size_t k = 0; st == RS_OK && k < K; k++) {
        size_t len;
        const char *key = rs_idmap_key(classes, (int32_t)k, &len);
        if (!(tm->classes[k] = strndup(key, len)))
            st = rs_error_nomem(err);
    }
    rs_idmap_free(classes);
    if (st == RS_OK && rs_strlist_push_split(&tm->columns, rs_model_get(m, "text")) < 0)
        st = rs_error_nomem(err);
    return st;
}

rs_status rs_text_model_load(const rs_model *m, rs_text_model **out, rs_error *err)
{
    *out = NULL;
    if (!rs_model_get(m, "text"))
        return RS_OK;
    rs_text_model *tm = calloc(1, sizeof *tm);
    if (!tm)
        return rs_error_nomem(err);
    if (load_fields(tm, m, err) != RS_OK) {
        rs_text_model_free(tm);
        return err->code;
    }
    *out = tm;
    return RS_OK;
}

rs_status rs_text_model_score(const rs_text_model *tm, rs_text_scorer *s, const rs_field *const *texts,
                              const double *numbers, double *proba, rs_error *err)
{
    size_t n_word;
    if (row_counts(&tm->spec, tm->blocks, tm->columns.n, texts, &s->scratch, &s->idx, &s->n_idx, &s->cap_idx, &s->val,
                   &s->cap_val, &n_word, err) != RS_OK)
        return err->code;
    if (rs_grow((void **)&s->z, &s->cap_z, tm->n_classes, sizeof *s->z) < 0)
        return rs_error_nomem(err);
    size_t K = tm->n_classes;
    for (size_t j = 0; j < s->n_idx; j++) {   /* the weight rows load while the row is weighed */
        int32_t row = tm->slot ? tm->slot[s->idx[j]] : (int32_t)s->idx[j];
        for (size_t k = 0; row >= 0 && k < K; k += 16)
            __builtin_prefetch(tm->weights + (size_t)row * K + k);
    }
    weigh(s->idx, s->val, s->n_idx, n_word, tm->idf);
    float *z = s->z;
    memcpy(z, tm->bias, K * sizeof *z);
    for (size_t j = 0; j < s->n_idx; j++) {
        int32_t row = tm->slot ? tm->slot[s->idx[j]] : (int32_t)s->idx[j];
        if (row >= 0)   /* a bucket training never saw has weights 0 */
            rs_text_axpy(z, tm->weights + (size_t)row * K, s->val[j], K);
    }
    size_t dim = (size_t)1 << tm->spec.bits;
    for (size_t c = 0; c < tm->numeric.n; c++) {   /* after the text, as in training */
        int32_t row = tm->slot[dim + c];
        if (row >= 0)
            rs_text_axpy(z, tm->weights + (size_t)row * K, standardise(numbers[c], tm->num_mean[c], tm->num_sd[c]), K);
    }
    for (size_t k = 0; k < K; k++)
        proba[k] = z[k];
    rs_softmax(proba, K, proba);
    return RS_OK;
}
