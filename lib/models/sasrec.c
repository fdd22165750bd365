/* sasrec.c — the kind `sasrec`: a self-attentive next-item model (Kang and
 * McAuley 2018; the network is sasrec_net.c) trained on each user's
 * sequence in time order, and its scoring.
 *
 * Training: each sequence's last item is held out as its validation
 * target; the rest (its most recent maxlen + 1 items) gives the inputs and
 * next-item targets.  Adam on mini-batches of sequences; every
 * --eval-every epochs the validation NDCG@10 (full ranking, the input's
 * items excluded) is measured and the best epoch's parameters are kept;
 * --patience evaluations without a better one stop the training.
 *
 * Threads: the batch's matrix products run on OpenBLAS's -j threads (set
 * back to one after), each output block owned by one thread, so the same
 * seed and -j give the same bytes.
 *
 * Scoring: the query's sequence (its last maxlen items) through the
 * network, then one sgemm of the block's last rows against the item
 * embeddings. */
#include "models/sasrec.h"

#include "blas.h"
#include "io/csv.h"
#include "io/io.h"
#include "io/sequences.h"
#include "models/kind.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { EVAL_K = 10, NEG_TRIES = 64 };

/* ---- training data ------------------------------------------------------ */

typedef struct {
    const rs_sequences *seq;
    const rs_csr *ui;          /* users x items: what a negative must avoid */
    rs_sasrec_shape shape;
    size_t n_neg;
    int random_window;         /* 1: a random window of each long sequence per epoch, 0: its last */
    size_t holdout;            /* 1: each sequence's last item validates; 0: no sequence is long enough */
    size_t *train;             /* sequences with >= 2 training items */
    size_t n_train;
    size_t *valid;             /* sequences with a validation target */
    size_t n_valid;
    /* one batch */
    size_t *start;             /* (batch + 1) */
    int32_t *item, *target;    /* (batch x maxlen) */
    int32_t *negative;         /* (batch x maxlen x n_neg) */
} trainer;

static size_t seq_len(const rs_sequences *s, size_t i)
{
    return s->start[i + 1] - s->start[i];
}

static int32_t draw_negative(const trainer *t, int32_t user, rs_rng *rng)
{
    int32_t j = 0;
    for (int tries = 0; tries < NEG_TRIES; tries++) {
        j = (int32_t)rs_rng_below(rng, t->shape.n_items);
        if (user < 0 || rs_csr_find(t->ui, (size_t)user, j) < 0)
            break;
    }
    return j;
}

/* Sequences order[0..n) as a training batch: the training part of each
 * (all but its last item), its last maxlen + 1 items. */
static rs_sasrec_batch fill_train_batch(trainer *t, const size_t *order, size_t n, rs_rng *rng)
{
    const rs_sequences *s = t->seq;
    size_t rows = 0;
    t->start[0] = 0;
    for (size_t b = 0; b < n; b++) {
        size_t i = order[b], m = seq_len(s, i) - t->holdout, w = m < t->shape.maxlen + 1 ? m : t->shape.maxlen + 1;
        size_t end = t->random_window && m > w ? w + (size_t)rs_rng_below(rng, m - w + 1) : m;
        const int32_t *items = s->item + s->start[i] + (end - w);
        int32_t user = s->user ? s->user[i] : -1;
        for (size_t j = 0; j + 1 < w; j++, rows++) {
            t->item[rows] = items[j];
            t->target[rows] = items[j + 1];
            for (size_t k = 0; k < t->n_neg; k++)
                t->negative[rows * t->n_neg + k] = draw_negative(t, user, rng);
        }
        t->start[b + 1] = rows;
    }
    return (rs_sasrec_batch){n, t->start, t->item, t->target, t->negative, t->n_neg, 0};
}

/* Sequences' inputs for scoring: the last maxlen items of hist[b]. */
static rs_sasrec_batch fill_input_batch(const rs_sasrec_shape *shape, const int32_t *const *hist, const size_t *len,
                                        size_t n, size_t *start, int32_t *item)
{
    size_t rows = 0;
    start[0] = 0;
    for (size_t b = 0; b < n; b++) {
        size_t w = len[b] < shape->maxlen ? len[b] : shape->maxlen;
        memcpy(item + rows, hist[b] + (len[b] - w), w * sizeof *item);
        rows += w;
        start[b + 1] = rows;
    }
    return (rs_sasrec_batch){n, start, item, NULL, NULL, 0, 1};
}

/* Scores of every item for n sequences into scores (n x n_items); last
 * (n x d) scratch. */
static void score_sequences(const rs_sasrec_shape *shape, const float *params, const int32_t *const *hist,
                            const size_t *len, size_t n, size_t *start, int32_t *item, float *last,
                            rs_sasrec_work *w, float *scores)
{
    rs_sasrec_layout l;
    rs_sasrec_layout_of(shape, &l);
    size_t d = shape->dim;
    rs_sasrec_batch batch = fill_input_batch(shape, hist, len, n, start, item);
    const float *z = rs_sasrec_forward(shape, params, &batch, w, 0, NULL);
    for (size_t b = 0; b < n; b++)
        memcpy(last + b * d, z + b * d, d * sizeof *last);   /* last_only: row b */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)shape->n_items, (int)d, 1.0f, last, (int)d,
                params + l.item, (int)d, 0.0f, scores, (int)shape->n_items);
}

/* Mean NDCG@10 of the validation targets: each sequence's last item
 * ranked among all items but those of its input. */
static double validation_ndcg(trainer *t, const float *params, rs_sasrec_work *w, float *scores, float *last,
                              size_t batch)
{
    const rs_sequences *s = t->seq;
    size_t n_items = t->shape.n_items;
    const int32_t *hist[RS_RECO_BLOCK];
    size_t len[RS_RECO_BLOCK];
    double sum = 0;
    if (batch > RS_RECO_BLOCK)
        batch = RS_RECO_BLOCK;
    for (size_t v0 = 0; v0 < t->n_valid; v0 += batch) {
        size_t n = t->n_valid - v0 < batch ? t->n_valid - v0 : batch;
        for (size_t b = 0; b < n; b++) {
            size_t i = t->valid[v0 + b];
            hist[b] = s->item + s->start[i];
            len[b] = seq_len(s, i) - 1;
        }
        score_sequences(&t->shape, params, hist, len, n, t->start, t->item, last, w, scores);
        for (size_t b = 0; b < n; b++) {
            float *row = scores + b * n_items;
            int32_t target = hist[b][len[b]];
            int hit = 1;
            for (size_t j = 0; j < len[b]; j++) {
                hit &= hist[b][j] != target;
                row[hist[b][j]] = -INFINITY;
            }
            size_t above = 0;
            for (size_t j = 0; j < n_items && hit; j++)
                above += row[j] > row[target];
            if (hit && above < EVAL_K)
                sum += 1 / log2((double)above + 2);
        }
    }
    return t->n_valid ? sum / (double)t->n_valid : 0;
}

/* ---- Adam --------------------------------------------------------------- */

static void adam_step(float *params, const float *grad, float *m, float *v, size_t n, double lr, long step)
{
    const double beta1 = 0.9, beta2 = 0.98, eps = 1e-8;
    double c1 = 1 - pow(beta1, (double)step), c2 = 1 - pow(beta2, (double)step);
    for (size_t i = 0; i < n; i++) {
        double g = grad[i];
        m[i] = (float)(beta1 * m[i] + (1 - beta1) * g);
        v[i] = (float)(beta2 * v[i] + (1 - beta2) * g * g);
        params[i] -= (float)(lr * (m[i] / c1) / (sqrt(v[i] / c2) + eps));
    }
}

static void shuffle(size_t *a, size_t n, rs_rng *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rs_rng_below(rng, i), tmp = a[i - 1];
        a[i - 1] = a[j], a[j] = tmp;
    }
}

/* ---- the kind's training ------------------------------------------------ */

typedef struct {
    float *params, *grad, *adam_m, *adam_v, *best, *scores, *last;
    rs_sasrec_work *w;
} buffers;

static void buffers_free(buffers *b)
{
    free(b->params), free(b->grad), free(b->adam_m), free(b->adam_v), free(b->best), free(b->scores);
    free(b->last);
    rs_sasrec_work_free(b->w);
}

static void trainer_free(trainer *t)
{
    free(t->train), free(t->valid), free(t->start), free(t->item), free(t->target), free(t->negative);
}

static rs_status trainer_init(trainer *t, const rs_reco_data *d, size_t batch, rs_error *err)
{
    const rs_sequences *s = d->seq;
    size_t rows = batch * t->shape.maxlen;
    t->seq = s, t->ui = &d->ui;
    t->train = malloc((s->n_seq + 1) * sizeof *t->train);
    t->valid = malloc((s->n_seq + 1) * sizeof *t->valid);
    t->start = malloc((batch + RS_RECO_BLOCK + 1) * sizeof *t->start);
    t->item = malloc((rows + RS_RECO_BLOCK * t->shape.maxlen + 1) * sizeof *t->item);
    t->target = malloc((rows + 1) * sizeof *t->target);
    t->negative = malloc((rows * t->n_neg + 1) * sizeof *t->negative);
    if (!t->train || !t->valid || !t->start || !t->item || !t->target || !t->negative)
        return rs_error_nomem(err);
    /* a sequence of 3 gives a training pair and a validation target; when
     * none is that long, every pair trains and nothing validates */
    t->holdout = 1;
    for (size_t i = 0; i < s->n_seq; i++) {
        size_t n = seq_len(s, i);
        if (n >= 3)
            t->train[t->n_train++] = i;
        if (n >= 2)
            t->valid[t->n_valid++] = i;
    }
    if (t->n_train == 0) {
        t->holdout = 0;
        memcpy(t->train, t->valid, t->n_valid * sizeof *t->train);
        t->n_train = t->n_valid, t->n_valid = 0;
    }
    if (t->n_train == 0)
        return rs_error_set(err, RS_EDATA, NULL, 0,
                            "sasrec learns from what follows what: every sequence has one item (%zu sequences); "
                            "give the time column, or a --session-col with longer sessions", s->n_seq);
    return RS_OK;
}

static rs_status write_embeddings(const char *path, const rs_interactions *x, const float *e, size_t n_items,
                                  size_t d, rs_error *err)
{
    rs_out *out = rs_out_open(path, err);
    if (!out)
        return err->code;
    rs_out_printf(out, "item");
    for (size_t k = 0; k < d; k++)
        rs_out_printf(out, ",e%zu", k + 1);
    rs_out_putc(out, '\n');
    for (size_t i = 0; i < n_items; i++) {
        size_t len;
        const char *id = rs_idmap_key(x->items, (int32_t)i, &len);
        rs_csv_write_field(out, id, len);
        for (size_t k = 0; k < d; k++)
            rs_out_printf(out, ",%.9g", e[i * d + k]);
        rs_out_putc(out, '\n');
    }
    return rs_out_commit(out, err);
}

/* What a run of epochs found. */
typedef struct {
    double best_ndcg;
    long best_epoch, epochs_run;
} run_result;

/* Up to max_epochs epochs from freshly initialised parameters; with
 * validate, stops after --patience evaluations without a better NDCG and
 * leaves the best epoch's parameters in bu->best, else the last epoch's. */
static run_result run_epochs(trainer *t, buffers *bu, const rs_params *p, size_t np, long max_epochs, int validate)
{
    size_t batch = (size_t)p->batch;
    long eval_every = rs_params_int(p, "eval-every"), step = 0, bad = 0, epoch;
    run_result res = {-1, 0, 0};
    rs_rng rng;
    rs_rng_seed(&rng, p->seed);
    rs_sasrec_init(&t->shape, bu->params, &rng);
    memset(bu->adam_m, 0, np * sizeof *bu->adam_m);
    memset(bu->adam_v, 0, np * sizeof *bu->adam_v);
    memcpy(bu->best, bu->params, np * sizeof *bu->best);
    for (epoch = 1; epoch <= max_epochs && bad < p->patience; epoch++) {
        shuffle(t->train, t->n_train, &rng);
        double loss = 0;
        size_t n_batches = 0;
        for (size_t b0 = 0; b0 < t->n_train; b0 += batch, n_batches++) {
            size_t n = t->n_train - b0 < batch ? t->n_train - b0 : batch;
            rs_sasrec_batch bt = fill_train_batch(t, t->train + b0, n, &rng);
            loss += rs_sasrec_loss_grad(&t->shape, bu->params, &bt, bu->grad, bu->w, (float)p->dropout, &rng);
            adam_step(bu->params, bu->grad, bu->adam_m, bu->adam_v, np, p->lr, ++step);
        }
        if (!validate || (epoch % eval_every && epoch != max_epochs)) {
            rs_progress_emit(p->progress, p->progress_ctx, "epoch %ld loss %.6g", epoch, loss / (double)n_batches);
            continue;
        }
        double ndcg = validation_ndcg(t, bu->params, bu->w, bu->scores, bu->last, batch);
        rs_progress_emit(p->progress, p->progress_ctx, "epoch %ld loss %.6g valid NDCG@10 %.4f", epoch,
                         loss / (double)n_batches, ndcg);
        if (ndcg > res.best_ndcg) {
            res.best_ndcg = ndcg, res.best_epoch = epoch, bad = 0;
            memcpy(bu->best, bu->params, np * sizeof *bu->best);
        } else
            bad++;
    }
    res.epochs_run = epoch - 1;
    if (!validate) {
        res.best_epoch = res.epochs_run;
        memcpy(bu->best, bu->params, np * sizeof *bu->best);
    }
    return res;
}

/* --refit: the training sequences again, now with their validation items. */
static void include_validation(trainer *t)
{
    const rs_sequences *s = t->seq;
    t->holdout = 0, t->n_train = 0;
    for (size_t i = 0; i < s->n_seq; i++)
        if (seq_len(s, i) >= 2)
            t->train[t->n_train++] = i;
}

static rs_status save_model(const rs_reco_data *d, const trainer *t, buffers *bu, const rs_sasrec_layout *l,
                            const run_result *res, long refit_epochs, rs_model *m, rs_error *err)
{
    const rs_params *p = d->p;
    rs_status st = RS_OK;
    for (size_t k = 0; st == RS_OK && k < p->n_own; k++)   /* the output path is no part of the model */
        if (strcmp(p->own[k].name, "embeddings-out"))
            st = rs_model_set(m, p->own[k].name, p->own[k].value, err);
    if (st == RS_OK && (rs_model_set_f64(m, "dropout", p->dropout, err) || rs_model_set_f64(m, "lr", p->lr, err) ||
                        rs_model_set_i64(m, "batch", p->batch, err) ||
                        rs_model_set_i64(m, "epochs_run", res->epochs_run, err) ||
                        rs_model_set_i64(m, "best_epoch", res->best_epoch, err) ||
                        (t->n_valid ? rs_model_set_f64(m, "valid_ndcg10", res->best_ndcg, err)
                                    : rs_model_set(m, "valid_ndcg10", "none", err)) ||
                        rs_model_set_i64(m, "refit_epochs", refit_epochs, err) ||
                        rs_model_set_i64(m, "threads", p->threads, err)))
        st = err->code;
    const char *emb_path = rs_params_text(p, "embeddings-out");
    if (st == RS_OK && emb_path && *emb_path)
        st = write_embeddings(emb_path, d->x, bu->best + l->item, t->shape.n_items, t->shape.dim, err);
    if (st == RS_OK) {
        st = rs_model_adopt_tensor(m, "params", bu->best, 1, l->total, err);
        bu->best = NULL;
    }
    return st;
}

static rs_status sasrec_train(rs_reco_data *d, rs_model *m, rs_error *err)
{
    const rs_params *p = d->p;
    if (!d->seq)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "sasrec reads sequences: give the time column (--time-col)");
    trainer t = {.shape = {d->seq->n_items, (size_t)rs_params_int(p, "dim"), (size_t)rs_params_int(p, "blocks"),
                           (size_t)rs_params_int(p, "maxlen")},
                 .n_neg = (size_t)rs_params_int(p, "negatives"),
                 .random_window = !strcmp(rs_params_text(p, "window"), "random")};
    size_t batch = (size_t)p->batch;
    rs_sasrec_layout l;
    rs_sasrec_layout_of(&t.shape, &l);
    buffers bu = {0};
    rs_status st = trainer_init(&t, d, batch, err);
    size_t n_items = t.shape.n_items, np = l.total;
    if (st == RS_OK) {
        bu.params = malloc(np * sizeof *bu.params), bu.grad = malloc(np * sizeof *bu.grad);
        bu.adam_m = malloc(np * sizeof *bu.adam_m), bu.adam_v = malloc(np * sizeof *bu.adam_v);
        bu.best = malloc(np * sizeof *bu.best);
        bu.scores = malloc(RS_RECO_BLOCK * n_items * sizeof *bu.scores);
        bu.last = malloc(RS_RECO_BLOCK * t.shape.dim * sizeof *bu.last);
        bu.w = rs_sasrec_work_new(&t.shape, batch > RS_RECO_BLOCK ? batch : RS_RECO_BLOCK, 1);
        if (!bu.params || !bu.grad || !bu.adam_m || !bu.adam_v || !bu.best || !bu.scores || !bu.last || !bu.w)
            st = rs_error_nomem(err);
    }
    if (st != RS_OK) {
        trainer_free(&t), buffers_free(&bu);
        return st;
    }
    rs_blas_threads(p->threads);
    run_result res = run_epochs(&t, &bu, p, np, p->epochs, t.n_valid > 0);
    long refit_epochs = 0;
    if (rs_params_int(p, "refit") && t.n_valid > 0) {
        rs_progress_emit(p->progress, p->progress_ctx, "refit: %ld epochs with the validation items", res.best_epoch);
        include_validation(&t);
        refit_epochs = run_epochs(&t, &bu, p, np, res.best_epoch, 0).epochs_run;
    }
    rs_blas_threads(1);
    st = save_model(d, &t, &bu, &l, &res, refit_epochs, m, err);
    trainer_free(&t), buffers_free(&bu);
    return st;
}

/* ---- scoring ------------------------------------------------------------ */

typedef struct {
    rs_sasrec_shape shape;
    const float *params;   /* view into the model */
    float *item_norm;      /* (n_items) |E_j|, for similar() */
} sasrec_state;

typedef struct {
    rs_sasrec_work *w;
    size_t start[RS_RECO_BLOCK + 1];
    int32_t *item;          /* (RS_RECO_BLOCK x maxlen) */
    float *last, *scores;   /* (RS_RECO_BLOCK x d), (RS_RECO_BLOCK x n_items) */
} sasrec_work;

static rs_status get_size(const rs_model *m, const char *key, long lo, long hi, size_t *out, rs_error *err)
{
    int64_t v;
    if (rs_model_get_i64(m, key, &v, err))
        return err->code;
    if (v < lo || v > hi)
        return rs_error_set(err, RS_EDATA, NULL, 0, "the model's %s is %lld (expected %ld..%ld)", key, (long long)v,
                            lo, hi);
    *out = (size_t)v;
    return RS_OK;
}

static void *sasrec_load(const rs_reco_base *b, rs_error *err)
{
    sasrec_state *s = calloc(1, sizeof *s);
    if (!s) {
        rs_error_nomem(err);
        return NULL;
    }
    s->shape.n_items = b->n_items;
    rs_sasrec_layout l;
    if (get_size(b->model, "dim", 1, 4096, &s->shape.dim, err) ||
        get_size(b->model, "blocks", 0, RS_SASREC_MAX_BLOCKS, &s->shape.blocks, err) ||
        get_size(b->model, "maxlen", 1, 100000, &s->shape.maxlen, err)) {
        free(s);
        return NULL;
    }
    rs_sasrec_layout_of(&s->shape, &l);
    s->params = rs_model_need(b->model, "params", 1, l.total, err);
    s->item_norm = malloc((b->n_items + 1) * sizeof *s->item_norm);
    if (!s->params || !s->item_norm) {
        if (s->params)
            rs_error_nomem(err);
        free(s->item_norm), free(s);
        return NULL;
    }
    for (size_t j = 0; j < b->n_items; j++)
        s->item_norm[j] = cblas_snrm2((int)s->shape.dim, s->params + l.item + j * s->shape.dim, 1);
    return s;
}

static void sasrec_unload(void *state)
{
    sasrec_state *s = state;
    if (s)
        free(s->item_norm);
    free(s);
}

static void sasrec_work_free(void *work)
{
    sasrec_work *w = work;
    if (!w)
        return;
    rs_sasrec_work_free(w->w);
    free(w->item), free(w->last), free(w->scores), free(w);
}

static void *sasrec_work_new(const rs_reco_base *b, const void *state)
{
    const sasrec_state *s = state;
    sasrec_work *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->w = rs_sasrec_work_new(&s->shape, RS_RECO_BLOCK, 0);
    w->item = malloc(RS_RECO_BLOCK * s->shape.maxlen * sizeof *w->item);
    w->last = malloc(RS_RECO_BLOCK * s->shape.dim * sizeof *w->last);
    w->scores = malloc(RS_RECO_BLOCK * b->n_items * sizeof *w->scores);
    if (!w->w || !w->item || !w->last || !w->scores) {
        sasrec_work_free(w);
        return NULL;
    }
    return w;
}

static void sasrec_score_block(const rs_reco_base *b, const void *state, const rs_reco_query *q, size_t n,
                               float *scores, void *work)
{
    const sasrec_state *s = state;
    sasrec_work *w = work;
    const int32_t *hist[RS_RECO_BLOCK];
    size_t len[RS_RECO_BLOCK], row[RS_RECO_BLOCK], m = 0;
    for (size_t i = 0; i < n; i++) {
        if (q[i].sequence && q[i].n_sequence > 0) {
            hist[m] = q[i].sequence, len[m] = q[i].n_sequence, row[m++] = i;
        } else   /* no order known: popularity */
            memcpy(scores + i * b->n_items, b->popularity, b->n_items * sizeof *scores);
    }
    if (m == 0)
        return;
    score_sequences(&s->shape, s->params, hist, len, m, w->start, w->item, w->last, w->w, w->scores);
    for (size_t j = 0; j < m; j++)
        memcpy(scores + row[j] * b->n_items, w->scores + j * b->n_items, b->n_items * sizeof *scores);
}

static float sasrec_score_pair(const rs_reco_base *b, const void *state, const rs_reco_query *q, int32_t item,
                               void *work)
{
    float s = 0;
    if (rs_reco_pair_fallback(b, q, item, &s))
        return s;
    float *row = malloc(b->n_items * sizeof *row);
    if (!row)
        return NAN;
    sasrec_score_block(b, state, q, 1, row, work);
    s = row[item];
    free(row);
    return s;
}

/* Cosine of the item embeddings. */
static void sasrec_similar(const rs_reco_base *b, const void *state, int32_t item, float *scores)
{
    const sasrec_state *s = state;
    rs_sasrec_layout l;
    rs_sasrec_layout_of(&s->shape, &l);
    size_t d = s->shape.dim;
    const float *e = s->params + l.item;
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)b->n_items, (int)d, 1.0f, e, (int)d, e + (size_t)item * d, 1, 0.0f,
                scores, 1);
    for (size_t j = 0; j < b->n_items; j++) {
        float norm = s->item_norm[j] * s->item_norm[item];
        scores[j] = norm > 0 ? scores[j] / norm : 0;
    }
}

static const rs_kind_option sasrec_options[] = {
    {"dim", "64", 1, 4096, 0, 0, RS_SEARCH_LOG_INT, 16, 128, NULL, RS_OPTION_INT, "N", NULL,
     "embedding and hidden width"},
    {"blocks", "2", 0, RS_SASREC_MAX_BLOCKS, 0, 0, RS_SEARCH_INT, 1, 3, NULL, RS_OPTION_INT, "N", NULL,
     "self-attention blocks"},
    {"maxlen", "50", 1, 100000, 0, 0, RS_SEARCH_INT, 20, 200, NULL, RS_OPTION_INT, "N", NULL,
     "the most recent N items of a sequence are read"},
    {"negatives", "1", 0, 1000, 0, 0, RS_SEARCH_INT, 0, 8, NULL, RS_OPTION_INT, "N", NULL,
     "sampled negatives per target (binary loss); 0: softmax over every item"},
    {"window", "last", 0, 0, 0, 0, RS_SEARCH_CHOICE, 0, 0, NULL, RS_OPTION_CHOICE, "W", "last,random",
     "which maxlen + 1 items of a longer sequence an epoch trains on: its last, or a random run"},
    {"refit", "off", 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_OPTION_FLAG, NULL, NULL,
     "after early stopping, train the best epoch count again on every item"},
    {"dropout", "0.2", 0, 1, 0, 1, RS_SEARCH_LINEAR, 0, 0.5, NULL, RS_SHARED},
    {"lr", "0.001", 0, 10, 1, 0, RS_SEARCH_LOG, 1e-4, 1e-2, NULL, RS_SHARED},
    {"epochs", "200", 1, 1e6, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_SHARED},
    {"batch", "128", 1, 1e6, 0, 0, RS_SEARCH_LOG_INT, 32, 512, NULL, RS_SHARED},
    {"patience", "5", 1, 1e6, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_SHARED},
    {"eval-every", "10", 1, 1e6, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_OPTION_INT, "N", NULL,
     "measure the validation NDCG@10 every N epochs"},
    {"embeddings-out", NULL, 0, 0, 0, 0, RS_SEARCH_NONE, 0, 0, NULL, RS_OPTION_TEXT, "FILE", NULL,
     "also write the item embeddings as CSV: item,e1..eN"},
    {NULL},
};

const rs_kind rs_kind_sasrec = {
    .name = "sasrec",
    .family = RS_FAMILY_RECOMMENDER,
    .summary = "sequences: self-attention over each user's recent items (SASRec)",
    .options = sasrec_options,
    .flags = RS_KIND_ORDERED | RS_KIND_FOLDS_IN,
    .quick_args = "--dim 4 --blocks 1 --maxlen 4 --epochs 1",
    .train_interactions = sasrec_train,
    .reco_load = sasrec_load,
    .work_new = sasrec_work_new,
    .work_free = sasrec_work_free,
    .score_block = sasrec_score_block,
    .score_pair = sasrec_score_pair,
    .similar = sasrec_similar,
    .unload = sasrec_unload,
};
