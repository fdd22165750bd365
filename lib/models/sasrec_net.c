/* sasrec_net.c — SASRec's forward and backward passes (see sasrec.h).
 * Dense layers run on all packed rows of a batch with one sgemm each;
 * attention runs per sequence on its (L x L) block. */
#include "models/sasrec.h"

#include "blas.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const float LN_EPS = 1e-8f;

/* What one block keeps from the forward pass for the backward pass. */
typedef struct {
    float *x;          /* (rows x d) the block's input */
    float *xh1, *rs1;  /* (rows x d), (rows): LN1's normalised input, 1/std */
    float *a;          /* (rows x d) LN1(x) */
    float *qkv;        /* (rows x 3d) */
    float *att;        /* (sum L^2) attention weights, per sequence */
    float *o;          /* (rows x d) attention output */
    float *m_o;        /* (rows x d) its dropout mask */
    float *x1;         /* (rows x d) */
    float *xh2, *rs2;  /* LN2 */
    float *c;          /* (rows x d) LN2(x1) */
    float *h;          /* (rows x d) relu(c W1 + b1) */
    float *m_h, *hd;   /* its mask, h * mask */
    float *m_f;        /* (rows x d) mask of the second layer's output */
} block_state;

struct rs_sasrec_work {
    size_t max_rows, max_att;
    int with_loss;
    int masked;            /* the last forward pass drew dropout masks */
    block_state block[RS_SASREC_MAX_BLOCKS];
    float *m_e;            /* (rows x d) embedding dropout mask */
    float *x_out;          /* (rows x d) the last block's output */
    float *xhf, *rsf, *z;  /* final layer norm */
    size_t *att_off;       /* (max_seq + 1) */
    int32_t *position;     /* (rows) */
    /* backward */
    float *dz, *dx, *t1, *t2, *t3, *dqkv, *datt, *logits;
};

void rs_sasrec_layout_of(const rs_sasrec_shape *s, rs_sasrec_layout *l)
{
    size_t d = s->dim, at = 0;
    l->item = at, at += s->n_items * d;
    l->pos = at, at += s->maxlen * d;
    for (size_t b = 0; b < s->blocks; b++) {
        l->block[b].ln1_g = at, at += d;
        l->block[b].ln1_b = at, at += d;
        l->block[b].wqkv = at, at += 3 * d * d;
        l->block[b].ln2_g = at, at += d;
        l->block[b].ln2_b = at, at += d;
        l->block[b].w1 = at, at += d * d;
        l->block[b].b1 = at, at += d;
        l->block[b].w2 = at, at += d * d;
        l->block[b].b2 = at, at += d;
    }
    l->lnf_g = at, at += d;
    l->lnf_b = at, at += d;
    l->total = at;
}

static void fill_normal(float *w, size_t n, double std, rs_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        w[i] = (float)(std * rs_rng_normal(rng));
}

static void fill_value(float *w, size_t n, float v)
{
    for (size_t i = 0; i < n; i++)
        w[i] = v;
}

void rs_sasrec_init(const rs_sasrec_shape *s, float *params, rs_rng *rng)
{
    rs_sasrec_layout l;
    rs_sasrec_layout_of(s, &l);
    size_t d = s->dim;
    memset(params, 0, l.total * sizeof *params);
    fill_normal(params + l.item, s->n_items * d, sqrt(2.0 / (double)(s->n_items + d)), rng);
    fill_normal(params + l.pos, s->maxlen * d, sqrt(2.0 / (double)(s->maxlen + d)), rng);
    for (size_t b = 0; b < s->blocks; b++) {
        fill_value(params + l.block[b].ln1_g, d, 1);
        fill_value(params + l.block[b].ln2_g, d, 1);
        fill_normal(params + l.block[b].wqkv, 3 * d * d, sqrt(2.0 / (double)(2 * d)), rng);
        fill_normal(params + l.block[b].w1, d * d, sqrt(2.0 / (double)(2 * d)), rng);
        fill_normal(params + l.block[b].w2, d * d, sqrt(2.0 / (double)(2 * d)), rng);
    }
    fill_value(params + l.lnf_g, d, 1);
}

/* ---- scratch ------------------------------------------------------------ */

static float *take(float **pool, size_t n)
{
    float *p = *pool;
    *pool += n;
    return p;
}

rs_sasrec_work *rs_sasrec_work_new(const rs_sasrec_shape *s, size_t max_seq, int with_loss)
{
    rs_sasrec_work *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    size_t d = s->dim, rows = max_seq * s->maxlen, att = max_seq * s->maxlen * s->maxlen;
    w->max_rows = rows, w->max_att = att, w->with_loss = with_loss;
    /* per block: 12 (rows x d) arrays, 2 (rows), qkv and att; then 4 + 1 */
    size_t per_block = 12 * rows * d + 2 * rows + 3 * rows * d + att;
    size_t rest = 4 * rows * d + rows;
    if (with_loss)   /* 5 (rows x d), dqkv, datt, logits */
        rest += 5 * rows * d + 3 * rows * d + s->maxlen * s->maxlen + rows * s->n_items;
    float *pool = malloc((s->blocks * per_block + rest + 1) * sizeof *pool);
    w->att_off = malloc((max_seq + 1) * sizeof *w->att_off);
    w->position = malloc((rows + 1) * sizeof *w->position);
    if (!pool || !w->att_off || !w->position) {
        free(pool), free(w->att_off), free(w->position), free(w);
        return NULL;
    }
    float *at = pool;
    for (size_t b = 0; b < s->blocks; b++) {
        block_state *B = &w->block[b];
        B->x = take(&at, rows * d), B->xh1 = take(&at, rows * d), B->rs1 = take(&at, rows);
        B->a = take(&at, rows * d), B->qkv = take(&at, 3 * rows * d), B->att = take(&at, att);
        B->o = take(&at, rows * d), B->m_o = take(&at, rows * d), B->x1 = take(&at, rows * d);
        B->xh2 = take(&at, rows * d), B->rs2 = take(&at, rows), B->c = take(&at, rows * d);
        B->h = take(&at, rows * d), B->m_h = take(&at, rows * d), B->hd = take(&at, rows * d);
        B->m_f = take(&at, rows * d);
    }
    w->m_e = take(&at, rows * d), w->x_out = take(&at, rows * d), w->xhf = take(&at, rows * d);
    w->rsf = take(&at, rows), w->z = take(&at, rows * d);
    if (with_loss) {
        w->dz = take(&at, rows * d), w->dx = take(&at, rows * d), w->t1 = take(&at, rows * d);
        w->t2 = take(&at, rows * d), w->t3 = take(&at, rows * d);
        w->dqkv = take(&at, 3 * rows * d), w->datt = take(&at, s->maxlen * s->maxlen);
        w->logits = take(&at, rows * s->n_items);
    }
    return w;
}

void rs_sasrec_work_free(rs_sasrec_work *w)
{
    if (!w)
        return;
    /* the pool starts at the first block's first array (or m_e) */
    free(w->block[0].x ? w->block[0].x : w->m_e);
    free(w->att_off), free(w->position), free(w);
}

/* ---- kernels -------------------------------------------------------------- */

/* C = alpha op(A) op(B) + beta C, row-major. */
static void mm(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
               const float *b, size_t ldb, float beta, float *c, size_t ldc)
{
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, (int)m,
                (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
}

/* Sum of x[0..n) in 8 lanes: the compiler vectorises it (a plain float
 * reduction it may not reorder), the same result on every run. */
static float lane_sum(const float *x, size_t n)
{
    float lane[8] = {0};
    size_t k = 0;
    for (; k + 8 <= n; k += 8)
        for (int j = 0; j < 8; j++)
            lane[j] += x[k + (size_t)j];
    float sum = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
    for (; k < n; k++)
        sum += x[k];
    return sum;
}

static void ln_forward(const float *x, size_t rows, size_t d, const float *g, const float *b, float *xh,
                       float *rstd, float *y)
{
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * d;
        float *xhr = xh + r * d, *yr = y + r * d;
        float mean = lane_sum(xr, d) / (float)d;
        for (size_t k = 0; k < d; k++)
            xhr[k] = xr[k] - mean;
        for (size_t k = 0; k < d; k++)
            yr[k] = xhr[k] * xhr[k];   /* y as scratch */
        float rs = 1 / sqrtf(lane_sum(yr, d) / (float)d + LN_EPS);
        rstd[r] = rs;
        for (size_t k = 0; k < d; k++) {
            xhr[k] *= rs;
            yr[k] = xhr[k] * g[k] + b[k];
        }
    }
}

/* dx = LN's input gradient for output gradient dy; dg, db accumulate. */
static void ln_backward(const float *dy, const float *xh, const float *rstd, size_t rows, size_t d,
                        const float *g, float *dg, float *db, float *dx)
{
    for (size_t r = 0; r < rows; r++) {
        const float *dyr = dy + r * d, *xr = xh + r * d;
        double m1 = 0, m2 = 0;
        for (size_t k = 0; k < d; k++) {
            float dxh = dyr[k] * g[k];
            m1 += dxh;
            m2 += dxh * xr[k];
            dg[k] += dyr[k] * xr[k];
            db[k] += dyr[k];
        }
        m1 /= (double)d, m2 /= (double)d;
        for (size_t k = 0; k < d; k++)
            dx[r * d + k] = rstd[r] * (float)(dyr[k] * g[k] - m1 - xr[k] * m2);
    }
}

/* mask: 0 or 1/(1-p) each (only when w->masked). */
static void dropout_mask(float *mask, size_t n, float p, rs_rng *rng)
{
    float keep = 1 / (1 - p);
    uint64_t cut = (uint64_t)((double)p * 18446744073709551616.0);   /* p 2^64 */
    for (size_t i = 0; i < n; i++)
        mask[i] = rs_rng_next(rng) < cut ? 0.0f : keep;
}

/* out = base + x * mask (or + x without dropout); base may be NULL (0). */
static void add_masked(float *out, const float *base, const float *x, const float *mask, int masked, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (base ? base[i] : 0) + (masked ? x[i] * mask[i] : x[i]);
}

static void add_bias(float *y, size_t rows, size_t d, const float *b)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < d; k++)
            y[r * d + k] += b[k];
}

static void col_sum(const float *x, size_t rows, size_t d, float *sum)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < d; k++)
            sum[k] += x[r * d + k];
}

/* ---- forward ----------------------------------------------------------- */

/* x[j] = exp(x[j] - max x) for j < n (n >= 1), in place: the softmax's
 * numerators without overflow; returns their sum, added in double. */
static double exp_from_max(float *x, size_t n)
{
    float top = x[0];
    for (size_t j = 1; j < n; j++)
        top = x[j] > top ? x[j] : top;
    double sum = 0;
    for (size_t j = 0; j < n; j++) {
        x[j] = expf(x[j] - top);
        sum += x[j];
    }
    return sum;
}

static void attention_forward(const rs_sasrec_batch *batch, size_t d, block_state *B, const size_t *att_off)
{
    float scale = 1 / sqrtf((float)d);
    for (size_t s = 0; s < batch->n_seq; s++) {
        size_t r0 = batch->start[s], L = batch->start[s + 1] - r0;
        const float *q = B->qkv + r0 * 3 * d;
        float *att = B->att + att_off[s];
        mm(0, 1, L, L, d, scale, q, 3 * d, q + d, 3 * d, 0, att, L);
        for (size_t i = 0; i < L; i++) {
            float *row = att + i * L;
            double sum = exp_from_max(row, i + 1);
            for (size_t j = 0; j <= i; j++)
                row[j] = (float)(row[j] / sum);
            for (size_t j = i + 1; j < L; j++)
                row[j] = 0;
        }
        mm(0, 0, L, d, L, 1, att, L, q + 2 * d, 3 * d, 0, B->o + r0 * d, d);
    }
}

/* The last block for each sequence's last row only (no dropout): keys and
 * values of every row, the rest of the last rows; output rows 0..n_seq of
 * x_out. */
static void last_block_forward(const rs_sasrec_shape *s, const float *params, const rs_sasrec_layout *l,
                               const rs_sasrec_batch *batch, rs_sasrec_work *w)
{
    size_t d = s->dim, rows = batch->start[batch->n_seq], n = batch->n_seq, b = s->blocks - 1;
    block_state *B = &w->block[b];
    const float *wqkv = params + l->block[b].wqkv;
    float scale = 1 / sqrtf((float)d);
    ln_forward(B->x, rows, d, params + l->block[b].ln1_g, params + l->block[b].ln1_b, B->xh1, B->rs1, B->a);
    mm(0, 0, rows, 2 * d, d, 1, B->a, d, wqkv + d, 3 * d, 0, B->qkv + d, 3 * d);   /* K, V */
    for (size_t q = 0; q < n; q++)
        memcpy(B->c + q * d, B->a + (batch->start[q + 1] - 1) * d, d * sizeof *B->c);
    mm(0, 0, n, d, d, 1, B->c, d, wqkv, 3 * d, 0, B->h, d);   /* the last rows' queries */
    for (size_t q = 0; q < n; q++) {
        size_t r0 = batch->start[q], L = batch->start[q + 1] - r0;
        const float *kv = B->qkv + r0 * 3 * d;
        float *att = B->att;
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)L, (int)d, scale, kv + d, (int)(3 * d), B->h + q * d, 1, 0.0f,
                    att, 1);
        double sum = exp_from_max(att, L);
        cblas_sgemv(CblasRowMajor, CblasTrans, (int)L, (int)d, (float)(1 / sum), kv + 2 * d, (int)(3 * d), att, 1,
                    0.0f, B->o + q * d, 1);
        const float *x_last = B->x + (r0 + L - 1) * d;
        for (size_t k = 0; k < d; k++)
            B->x1[q * d + k] = x_last[k] + B->o[q * d + k];
    }
    ln_forward(B->x1, n, d, params + l->block[b].ln2_g, params + l->block[b].ln2_b, B->xh2, B->rs2, B->c);
    mm(0, 0, n, d, d, 1, B->c, d, params + l->block[b].w1, d, 0, B->h, d);
    add_bias(B->h, n, d, params + l->block[b].b1);
    for (size_t i = 0; i < n * d; i++)
        B->h[i] = B->h[i] > 0 ? B->h[i] : 0;
    mm(0, 0, n, d, d, 1, B->h, d, params + l->block[b].w2, d, 0, w->x_out, d);
    add_bias(w->x_out, n, d, params + l->block[b].b2);
    add_masked(w->x_out, B->x1, w->x_out, NULL, 0, n * d);
}

const float *rs_sasrec_forward(const rs_sasrec_shape *s, const float *params, const rs_sasrec_batch *batch,
                               rs_sasrec_work *w, float dropout, rs_rng *rng)
{
    rs_sasrec_layout l;
    rs_sasrec_layout_of(s, &l);
    size_t d = s->dim, rows = batch->start[batch->n_seq];
    float emb_scale = sqrtf((float)d);
    w->att_off[0] = 0;
    for (size_t b = 0; b < batch->n_seq; b++) {
        size_t r0 = batch->start[b], L = batch->start[b + 1] - r0;
        w->att_off[b + 1] = w->att_off[b] + L * L;
        for (size_t j = 0; j < L; j++)
            w->position[r0 + j] = (int32_t)(s->maxlen - L + j);
    }
    float *x = s->blocks ? w->block[0].x : w->x_out;
    w->masked = dropout > 0;
    if (w->masked)
        dropout_mask(w->m_e, rows * d, dropout, rng);
    for (size_t r = 0; r < rows; r++) {
        const float *e = params + l.item + (size_t)batch->item[r] * d;
        const float *p = params + l.pos + (size_t)w->position[r] * d;
        for (size_t k = 0; k < d; k++)
            x[r * d + k] = e[k] * emb_scale + p[k];
    }
    if (w->masked)
        add_masked(x, NULL, x, w->m_e, 1, rows * d);
    size_t full_blocks = batch->last_only && s->blocks ? s->blocks - 1 : s->blocks;
    for (size_t b = 0; b < full_blocks; b++) {
        block_state *B = &w->block[b];
        float *out = b + 1 < s->blocks ? w->block[b + 1].x : w->x_out;
        ln_forward(B->x, rows, d, params + l.block[b].ln1_g, params + l.block[b].ln1_b, B->xh1, B->rs1, B->a);
        mm(0, 0, rows, 3 * d, d, 1, B->a, d, params + l.block[b].wqkv, 3 * d, 0, B->qkv, 3 * d);
        attention_forward(batch, d, B, w->att_off);
        if (w->masked)
            dropout_mask(B->m_o, rows * d, dropout, rng);
        add_masked(B->x1, B->x, B->o, B->m_o, w->masked, rows * d);
        ln_forward(B->x1, rows, d, params + l.block[b].ln2_g, params + l.block[b].ln2_b, B->xh2, B->rs2, B->c);
        mm(0, 0, rows, d, d, 1, B->c, d, params + l.block[b].w1, d, 0, B->h, d);
        add_bias(B->h, rows, d, params + l.block[b].b1);
        for (size_t i = 0; i < rows * d; i++)
            B->h[i] = B->h[i] > 0 ? B->h[i] : 0;
        if (w->masked)
            dropout_mask(B->m_h, rows * d, dropout, rng);
        add_masked(B->hd, NULL, B->h, B->m_h, w->masked, rows * d);
        mm(0, 0, rows, d, d, 1, B->hd, d, params + l.block[b].w2, d, 0, out, d);
        add_bias(out, rows, d, params + l.block[b].b2);
        if (w->masked)
            dropout_mask(B->m_f, rows * d, dropout, rng);
        add_masked(out, B->x1, out, B->m_f, w->masked, rows * d);
    }
    if (batch->last_only) {
        if (s->blocks)
            last_block_forward(s, params, &l, batch, w);
        else   /* no block: the embeddings' last rows */
            for (size_t b = 0; b < batch->n_seq; b++)
                memmove(w->x_out + b * d, w->x_out + (batch->start[b + 1] - 1) * d, d * sizeof *w->x_out);
        rows = batch->n_seq;
    }
    ln_forward(w->x_out, rows, d, params + l.lnf_g, params + l.lnf_b, w->xhf, w->rsf, w->z);
    return w->z;
}

/* ---- loss -------------------------------------------------------------- */

static double softplus(double x)
{
    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

static double sigmoid(double x)
{
    return 1 / (1 + exp(-x));
}

/* One (row, item) logit of the sampled loss: its loss, and label y's
 * gradient into dz and dE scaled by 1/count. */
static double sampled_term(const float *z, float *dz, const float *e, float *de, size_t d, int positive,
                           float per_row)
{
    double dot = 0;
    for (size_t k = 0; k < d; k++)
        dot += (double)z[k] * e[k];
    double loss = positive ? softplus(-dot) : softplus(dot);
    float g = (float)((sigmoid(dot) - positive) * per_row);
    for (size_t k = 0; k < d; k++) {
        dz[k] += g * e[k];
        de[k] += g * z[k];
    }
    return loss;
}

static double loss_sampled(const rs_sasrec_shape *s, const float *E, const rs_sasrec_batch *batch, size_t rows,
                           size_t count, const float *z, float *dz, float *dE)
{
    size_t d = s->dim;
    float per_row = 1.0f / (float)count;
    double loss = 0;
    memset(dz, 0, rows * d * sizeof *dz);
    for (size_t r = 0; r < rows; r++) {
        if (batch->target[r] < 0)
            continue;
        int32_t t = batch->target[r];
        loss += sampled_term(z + r * d, dz + r * d, E + (size_t)t * d, dE + (size_t)t * d, d, 1, per_row);
        for (size_t k = 0; k < batch->n_neg; k++) {
            int32_t j = batch->negative[r * batch->n_neg + k];
            loss += sampled_term(z + r * d, dz + r * d, E + (size_t)j * d, dE + (size_t)j * d, d, 0, per_row);
        }
    }
    return loss / (double)count;
}

static double loss_softmax(const rs_sasrec_shape *s, const float *E, const rs_sasrec_batch *batch, size_t rows,
                           size_t count, const float *z, float *logits, float *dz, float *dE)
{
    size_t d = s->dim, n = s->n_items;
    mm(0, 1, rows, n, d, 1, z, d, E, d, 0, logits, n);
    double loss = 0;
    for (size_t r = 0; r < rows; r++) {
        float *row = logits + r * n;
        if (batch->target[r] < 0) {
            memset(row, 0, n * sizeof *row);
            continue;
        }
        double sum = exp_from_max(row, n);
        size_t t = (size_t)batch->target[r];
        loss += log(sum) - log((double)row[t]);
        float scale = (float)(1 / (sum * (double)count));
        for (size_t j = 0; j < n; j++)
            row[j] *= scale;
        row[t] -= 1.0f / (float)count;
    }
    mm(0, 0, rows, d, n, 1, logits, n, E, d, 0, dz, d);
    mm(1, 0, n, d, rows, 1, logits, n, z, d, 1, dE, d);
    return loss / (double)count;
}

/* ---- backward ---------------------------------------------------------- */

static void attention_backward(const rs_sasrec_batch *batch, size_t d, const block_state *B, const size_t *att_off,
                               const float *d_o, float *dqkv, float *datt)
{
    float scale = 1 / sqrtf((float)d);
    for (size_t s = 0; s < batch->n_seq; s++) {
        size_t r0 = batch->start[s], L = batch->start[s + 1] - r0;
        const float *q = B->qkv + r0 * 3 * d, *att = B->att + att_off[s], *dout = d_o + r0 * d;
        float *dq = dqkv + r0 * 3 * d;
        mm(1, 0, L, d, L, 1, att, L, dout, d, 0, dq + 2 * d, 3 * d);   /* dV = A' dO */
        mm(0, 1, L, L, d, 1, dout, d, q + 2 * d, 3 * d, 0, datt, L);   /* dA = dO V' */
        for (size_t i = 0; i < L; i++) {
            const float *a = att + i * L;
            float *da = datt + i * L;
            double dot = 0;
            for (size_t j = 0; j <= i; j++)
                dot += (double)a[j] * da[j];
            for (size_t j = 0; j < L; j++)
                da[j] = j <= i ? a[j] * (da[j] - (float)dot) * scale : 0;
        }
        mm(0, 0, L, d, L, 1, datt, L, q + d, 3 * d, 0, dq, 3 * d);   /* dQ = dS K */
        mm(1, 0, L, d, L, 1, datt, L, q, 3 * d, 0, dq + d, 3 * d);   /* dK = dS' Q */
    }
}

static void block_backward(const rs_sasrec_shape *s, const float *params, const rs_sasrec_layout *l, size_t b,
                           const rs_sasrec_batch *batch, size_t rows, rs_sasrec_work *w, float *grad)
{
    size_t d = s->dim, n = rows * d;
    const block_state *B = &w->block[b];
    float *dx = w->dx, *t1 = w->t1, *t2 = w->t2, *t3 = w->t3;
    /* dx: gradient at the block's output */
    add_masked(t1, NULL, dx, B->m_f, w->masked, n);
    col_sum(t1, rows, d, grad + l->block[b].b2);
    mm(1, 0, d, d, rows, 1, B->hd, d, t1, d, 1, grad + l->block[b].w2, d);
    mm(0, 1, rows, d, d, 1, t1, d, params + l->block[b].w2, d, 0, t2, d);
    for (size_t i = 0; i < n; i++)
        t2[i] = B->h[i] > 0 ? (w->masked ? t2[i] * B->m_h[i] : t2[i]) : 0;
    col_sum(t2, rows, d, grad + l->block[b].b1);
    mm(1, 0, d, d, rows, 1, B->c, d, t2, d, 1, grad + l->block[b].w1, d);
    mm(0, 1, rows, d, d, 1, t2, d, params + l->block[b].w1, d, 0, t1, d);
    ln_backward(t1, B->xh2, B->rs2, rows, d, params + l->block[b].ln2_g, grad + l->block[b].ln2_g,
                grad + l->block[b].ln2_b, t3);
    for (size_t i = 0; i < n; i++)
        dx[i] += t3[i];   /* now at x1 */
    add_masked(t1, NULL, dx, B->m_o, w->masked, n);
    attention_backward(batch, d, B, w->att_off, t1, w->dqkv, w->datt);
    mm(1, 0, d, 3 * d, rows, 1, B->a, d, w->dqkv, 3 * d, 1, grad + l->block[b].wqkv, 3 * d);
    mm(0, 1, rows, d, 3 * d, 1, w->dqkv, 3 * d, params + l->block[b].wqkv, 3 * d, 0, t1, d);
    ln_backward(t1, B->xh1, B->rs1, rows, d, params + l->block[b].ln1_g, grad + l->block[b].ln1_g,
                grad + l->block[b].ln1_b, t3);
    for (size_t i = 0; i < n; i++)
        dx[i] += t3[i];   /* now at the block's input */
}

double rs_sasrec_loss_grad(const rs_sasrec_shape *s, const float *params, const rs_sasrec_batch *batch,
                           float *grad, rs_sasrec_work *w, float dropout, rs_rng *rng)
{
    rs_sasrec_layout l;
    rs_sasrec_layout_of(s, &l);
    size_t d = s->dim, rows = batch->start[batch->n_seq], count = 0;
    const float *z = rs_sasrec_forward(s, params, batch, w, dropout, rng);
    memset(grad, 0, l.total * sizeof *grad);
    for (size_t r = 0; r < rows; r++)
        count += batch->target[r] >= 0;
    if (count == 0)
        return 0;
    const float *E = params + l.item;
    double loss = batch->n_neg ? loss_sampled(s, E, batch, rows, count, z, w->dz, grad + l.item)
                               : loss_softmax(s, E, batch, rows, count, z, w->logits, w->dz, grad + l.item);
    ln_backward(w->dz, w->xhf, w->rsf, rows, d, params + l.lnf_g, grad + l.lnf_g, grad + l.lnf_b, w->dx);
    for (size_t b = s->blocks; b-- > 0;)
        block_backward(s, params, &l, b, batch, rows, w, grad);
    float emb_scale = sqrtf((float)d);
    for (size_t r = 0; r < rows; r++) {
        float *ge = grad + l.item + (size_t)batch->item[r] * d, *gp = grad + l.pos + (size_t)w->position[r] * d;
        for (size_t k = 0; k < d; k++) {
            float g = w->masked ? w->dx[r * d + k] * w->m_e[r * d + k] : w->dx[r * d + k];
            ge[k] += g * emb_scale;
            gp[k] += g;
        }
    }
    return loss;
}
