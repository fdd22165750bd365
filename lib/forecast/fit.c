/* fit.c — parameter estimation, combo and auto (see fit.h). */
#include "forecast/fit.h"

#include <stdlib.h>

enum { N_SLOTS = 4, SLOT_FC = 0, SLOT_SCRATCH = 1, SLOT_PART = 2, SLOT_SUM = 3 };

void rs_fc_work_free(rs_fc_work *w)
{
    free(w->buf);
    w->buf = NULL;
    w->cap = 0;
}

int rs_fc_work_reserve(rs_fc_work *w, size_t n, int h, int season)
{
    size_t slot = (n + 1) * (size_t)(h > 1 ? h : 1) + n + (size_t)season + 1;
    if (slot * N_SLOTS <= w->cap)
        return 0;
    double *buf = realloc(w->buf, slot * N_SLOTS * sizeof *buf);
    if (!buf)
        return -1;
    w->buf = buf;
    w->cap = slot * N_SLOTS;
    return 0;
}

/* Slot `slot` of w: rs_fc_work_reserve made it large enough for every use. */
static double *work_get(rs_fc_work *w, int slot)
{
    return w->buf + (w->cap / N_SLOTS) * (size_t)slot;
}

/* The parameters a method estimates, in order, and their ranges. */
typedef struct {
    int index[3];
    double lo[3], hi[3];
    int n;
} param_space;

static param_space space_of(int method)
{
    param_space s = {{RS_FC_ALPHA}, {0.01}, {0.99}, rs_fc_method_n_params(method)};
    if (method == RS_FC_CROSTON || method == RS_FC_SBA)
        s.hi[0] = 0.5;
    if (method == RS_FC_TSB) {
        s.index[1] = RS_FC_BETA;
        s.lo[1] = 0.01;
        s.hi[1] = 0.99;
    }
    if (method == RS_FC_HOLT || method == RS_FC_HW) {
        s.index[1] = RS_FC_BETA;
        s.lo[1] = 0.01;
        s.hi[1] = method == RS_FC_HOLT ? 0.5 : 0.99;
        s.index[2] = method == RS_FC_HOLT ? RS_FC_PHI : RS_FC_GAMMA;
        s.lo[2] = method == RS_FC_HOLT ? 0.8 : 0.01;
        s.hi[2] = method == RS_FC_HOLT ? 0.98 : 0.99;
    }
    return s;
}

typedef struct {
    int method;
    rs_fc_params params;
    const double *y;
    size_t n;
    double *fc, *scratch;
} objective;

/* Sum of squared one-step errors of y[1..n). */
static double sse(objective *o)
{
    rs_fc_path(o->method, &o->params, o->y, o->n, 1, 1, o->fc, o->scratch);
    double sum = 0;
    for (size_t t = 1; t < o->n; t++) {
        double e = o->y[t] - o->fc[t - 1];
        sum += e * e;
    }
    return sum;
}

static double sse_at(objective *o, int index, double value)
{
    o->params.p[index] = value;
    return sse(o);
}

/* Golden-section search of coordinate index in [lo, hi]; leaves the best
 * value found (or the starting one) in place. */
static void golden(objective *o, int index, double lo, double hi, double *best)
{
    const double r = 0.6180339887498949;
    double start = o->params.p[index];
    double a = lo, b = hi, c = b - r * (b - a), d = a + r * (b - a);
    double fc = sse_at(o, index, c), fd = sse_at(o, index, d);
    for (int it = 0; it < 14; it++) {
        if (fc <= fd) {
            b = d; d = c; fd = fc;
            c = b - r * (b - a);
            fc = sse_at(o, index, c);
        } else {
            a = c; c = d; fc = fd;
            d = a + r * (b - a);
            fd = sse_at(o, index, d);
        }
    }
    double x = fc <= fd ? c : d, fx = fc <= fd ? fc : fd;
    if (fx < *best) {
        *best = fx;
        o->params.p[index] = x;
    } else {
        o->params.p[index] = start;
    }
}

static void estimate(int method, const rs_fc_config *cfg, const double *y, size_t n, rs_fc_params *out,
                     rs_fc_work *w)
{
    objective o = {method, {{0}, cfg->season, cfg->window}, y, n, work_get(w, SLOT_FC),
                   work_get(w, SLOT_SCRATCH)};
    param_space s = space_of(method);
    o.params.p[RS_FC_PHI] = 0.9;
    int free_[3], n_free = 0;
    for (int i = 0; i < s.n; i++) {
        double fixed = cfg->fixed[s.index[i]];
        o.params.p[s.index[i]] = isnan(fixed) ? (s.lo[i] + s.hi[i]) / 2 : fixed;
        if (isnan(fixed))
            free_[n_free++] = i;
    }
    if (n_free > 0) {
        /* the grid: 4 points per free coordinate (10 for one) */
        int per = n_free == 1 ? 10 : 4, total = 1;
        for (int i = 0; i < n_free; i++)
            total *= per;
        double best = INFINITY, best_p[RS_FC_N_PARAMS];
        for (int j = 0; j < RS_FC_N_PARAMS; j++)
            best_p[j] = o.params.p[j];
        for (int g = 0; g < total; g++) {
            int rest = g;
            for (int i = 0; i < n_free; i++) {
                int k = free_[i];
                o.params.p[s.index[k]] = s.lo[k] + (s.hi[k] - s.lo[k]) * (rest % per + 0.5) / per;
                rest /= per;
            }
            double f = sse(&o);
            if (f < best) {
                best = f;
                for (int j = 0; j < RS_FC_N_PARAMS; j++)
                    best_p[j] = o.params.p[j];
            }
        }
        for (int j = 0; j < RS_FC_N_PARAMS; j++)
            o.params.p[j] = best_p[j];
        for (int round = 0; round < (n_free == 1 ? 1 : 2); round++)
            for (int i = 0; i < n_free; i++) {
                int k = free_[i];
                double step = (s.hi[k] - s.lo[k]) / per, x = o.params.p[s.index[k]];
                double lo = x - step > s.lo[k] ? x - step : s.lo[k];
                double hi = x + step < s.hi[k] ? x + step : s.hi[k];
                golden(&o, s.index[k], lo, hi, &best);
            }
    }
    *out = o.params;
}

/* Fit one method (not auto) on y (n). */
static void fit_method(int method, const rs_fc_config *cfg, const double *y, size_t n, rs_fc_model *m,
                       rs_fc_work *w)
{
    m->method = method;
    for (int i = 0; i < RS_FC_COMBO_PARTS; i++)
        m->params[i] = (rs_fc_params){{NAN, NAN, NAN, NAN}, cfg->season, cfg->window};
    if (method == RS_FC_COMBO) {
        estimate(RS_FC_SES, cfg, y, n, &m->params[0], w);
        estimate(RS_FC_SBA, cfg, y, n, &m->params[2], w);
    } else if (rs_fc_method_n_params(method) > 0) {
        estimate(method, cfg, y, n, &m->params[0], w);
    }
}

void rs_fc_model_path(const rs_fc_model *model, const double *y, size_t n, size_t from, int h, double *fc,
                     rs_fc_work *w)
{
    double *scratch = work_get(w, SLOT_SCRATCH);
    if (model->method != RS_FC_COMBO) {
        rs_fc_path(model->method, &model->params[0], y, n, from, h, fc, scratch);
        return;
    }
    static const int parts[RS_FC_COMBO_PARTS] = {RS_FC_SES, RS_FC_MA, RS_FC_SBA};
    size_t len = (n - from + 1) * (size_t)h;
    double *part = work_get(w, SLOT_PART);
    for (size_t i = 0; i < len; i++)
        fc[i] = 0;
    for (int p = 0; p < RS_FC_COMBO_PARTS; p++) {
        rs_fc_path(parts[p], &model->params[p], y, n, from, h, part, scratch);
        for (size_t i = 0; i < len; i++)
            fc[i] += part[i] / RS_FC_COMBO_PARTS;
    }
}

/* Mean absolute error of model's forecasts from the origins [from, n). */
static double validation_mae(const rs_fc_model *m, const double *y, size_t n, size_t from, int h, rs_fc_work *w)
{
    double *fc = work_get(w, SLOT_SUM);
    rs_fc_model_path(m, y, n, from, h, fc, w);
    double sum = 0;
    size_t count = 0;
    for (size_t o = from; o < n; o++)
        for (int k = 0; k < h && o + (size_t)k < n; k++) {
            sum += fabs(y[o + (size_t)k] - fc[(o - from) * (size_t)h + (size_t)k]);
            count++;
        }
    return sum / (double)count;
}

int rs_fc_fit(const rs_fc_config *cfg, const double *y, size_t n, rs_fc_model *model, rs_fc_work *w)
{
    if (rs_fc_work_reserve(w, n, cfg->horizon, cfg->season) < 0)
        return -1;
    int method = cfg->method;
    if (method == RS_FC_AUTO) {
        size_t v = (size_t)cfg->validation;
        if (n < v + 3)
            v = n > 3 ? n - 3 : 0;
        method = RS_FC_MEDIANS;
        if (v > 0) {
            size_t train = n - v;
            double best = INFINITY, base = INFINITY;
            int best_method = method;
            for (int m = 0; m < RS_FC_N_METHODS; m++) {
                if ((m == RS_FC_SNAIVE && train < (size_t)cfg->season) ||
                    (m == RS_FC_HW && train < 2 * (size_t)cfg->season))
                    continue;
                rs_fc_model cand;
                fit_method(m, cfg, y, train, &cand, w);
                double mae = validation_mae(&cand, y, n, train, cfg->horizon, w);
                if (m == RS_FC_MEDIANS)
                    base = mae;
                if (mae < best) {
                    best = mae;
                    best_method = m;
                }
            }
            if (best < cfg->margin * base || (best == 0 && base > 0))
                method = best_method;
        }
    }
    fit_method(method, cfg, y, n, model, w);
    return 0;
}
