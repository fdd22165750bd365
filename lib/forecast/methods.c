/* methods.c — the recursions of methods.h, in double precision. */
#include "forecast/methods.h"

#include "stats.h"

#include <string.h>

static const char *const names[] = {"naive", "snaive", "ma", "ses", "holt", "hw", "croston", "sba", "tsb",
                                    "medians", "combo", "auto", "global"};

int rs_fc_method_parse(const char *name)
{
    for (int i = 0; i <= RS_FC_GLOBAL; i++)
        if (!strcmp(name, names[i]))
            return i;
    return -1;
}

const char *rs_fc_method_name(int method)
{
    return method >= 0 && method <= RS_FC_GLOBAL ? names[method] : "?";
}

int rs_fc_method_n_params(int method)
{
    switch (method) {
    case RS_FC_SES: case RS_FC_CROSTON: case RS_FC_SBA: return 1;
    case RS_FC_TSB: return 2;
    case RS_FC_HOLT: return 3;   /* alpha, beta, phi */
    case RS_FC_HW: return 3;     /* alpha, beta, gamma */
    default: return 0;
    }
}

/* Write the same value f for all h steps of origin o. */
static void flat(double *fc, size_t from, size_t o, int h, double f)
{
    double *row = fc + (o - from) * (size_t)h;
    for (int k = 0; k < h; k++)
        row[k] = f;
}

static void naive_path(const double *y, size_t n, size_t from, int h, double *fc)
{
    for (size_t o = from; o <= n; o++)
        flat(fc, from, o, h, y[o - 1]);
}

static void snaive_path(const double *y, size_t n, size_t from, int h, int m, double *fc)
{
    for (size_t o = from; o <= n; o++) {
        double *row = fc + (o - from) * (size_t)h;
        for (int k = 0; k < h; k++)
            row[k] = o >= (size_t)m ? y[o - (size_t)m + (size_t)(k % m)] : y[o - 1];
    }
}

static void ma_path(const double *y, size_t n, size_t from, int h, int window, double *fc)
{
    for (size_t o = from; o <= n; o++) {
        size_t w = o < (size_t)window ? o : (size_t)window;
        double sum = 0;   /* summed afresh: no drift from a running sum */
        for (size_t t = o - w; t < o; t++)
            sum += y[t];
        flat(fc, from, o, h, sum / (double)w);
    }
}

/* The median of the last k values before o, sorted in scratch. */
static double median_last(const double *y, size_t o, size_t k, double *scratch)
{
    memcpy(scratch, y + o - k, k * sizeof *scratch);
    rs_sort_doubles(scratch, k);
    return k % 2 ? scratch[k / 2] : (scratch[k / 2 - 1] + scratch[k / 2]) / 2;
}

static void medians_path(const double *y, size_t n, size_t from, int h, int window, double *fc, double *scratch)
{
    size_t w = (size_t)window, widths[3] = {(w + 1) / 2, (3 * w + 3) / 4, w};
    for (size_t o = from; o <= n; o++) {
        double sum = 0;
        for (int i = 0; i < 3; i++)
            sum += median_last(y, o, widths[i] < o ? widths[i] : o, scratch);
        flat(fc, from, o, h, sum / 3);
    }
}

static void ses_path(const double *y, size_t n, size_t from, int h, double alpha, double *fc)
{
    double l = y[0];
    for (size_t t = 1; t <= n; t++) {
        if (t >= from)
            flat(fc, from, t, h, l);
        if (t < n)
            l += alpha * (y[t] - l);
    }
}

static void holt_path(const double *y, size_t n, size_t from, int h, const double *p, double *fc)
{
    double alpha = p[RS_FC_ALPHA], beta = p[RS_FC_BETA], phi = p[RS_FC_PHI];
    double l = y[0], b = 0;
    for (size_t t = 1; t <= n; t++) {
        if (t >= from) {
            double *row = fc + (t - from) * (size_t)h, damp = 0, pk = 1;
            for (int k = 0; k < h; k++) {
                pk *= phi;
                damp += pk;
                row[k] = l + damp * b;
            }
        }
        if (t < n) {
            double yhat = l + phi * b;
            double l_new = alpha * y[t] + (1 - alpha) * yhat;
            b = beta * (l_new - l) + (1 - beta) * phi * b;
            l = l_new;
        }
    }
}

static double mean_of(const double *y, size_t n)
{
    double sum = 0;
    for (size_t t = 0; t < n; t++)
        sum += y[t];
    return sum / (double)n;
}

/* s holds n + m seasonal states: s[t] is the state of period t. */
static void hw_path(const double *y, size_t n, size_t from, int h, const double *p, int m, double *fc,
                    double *s)
{
    double alpha = p[RS_FC_ALPHA], beta = p[RS_FC_BETA], gamma = p[RS_FC_GAMMA];
    size_t um = (size_t)m;
    if (n < 2 * um) {   /* not two seasons: the mean of what was seen */
        for (size_t o = from; o <= n; o++)
            flat(fc, from, o, h, mean_of(y, o));
        return;
    }
    double l = mean_of(y, um), b = (mean_of(y + um, um) - l) / (double)m;
    for (size_t i = 0; i < um; i++)
        s[i] = y[i] - l;
    for (size_t o = from; o < um && o <= n; o++)
        flat(fc, from, o, h, mean_of(y, o));
    for (size_t t = um; t <= n; t++) {
        if (t >= from) {
            double *row = fc + (t - from) * (size_t)h;
            for (int k = 0; k < h; k++)
                row[k] = l + (double)(k + 1) * b + s[t - um + (size_t)(k % m)];
        }
        if (t < n) {
            double l_new = alpha * (y[t] - s[t - um]) + (1 - alpha) * (l + b);
            b = beta * (l_new - l) + (1 - beta) * b;
            s[t] = gamma * (y[t] - l_new) + (1 - gamma) * s[t - um];
            l = l_new;
        }
    }
}

/* croston (sba: scaled by 1 - alpha / 2) */
static void croston_path(const double *y, size_t n, size_t from, int h, double alpha, double scale, double *fc)
{
    double z = 0, p = 1, q = 0;
    int seen = 0;
    for (size_t t = 0; t <= n; t++) {
        if (t >= from && t >= 1)
            flat(fc, from, t, h, seen ? scale * z / p : 0);
        if (t == n)
            break;
        q++;
        if (y[t] > 0) {
            if (!seen) {
                z = y[t];
                p = q;
                seen = 1;
            } else {
                z += alpha * (y[t] - z);
                p += alpha * (q - p);
            }
            q = 0;
        }
    }
}

static void tsb_path(const double *y, size_t n, size_t from, int h, double alpha, double beta, double *fc)
{
    double z = 0, p = 0;
    int seen = 0;
    for (size_t t = 0; t <= n; t++) {
        if (t >= from && t >= 1)
            flat(fc, from, t, h, seen ? p * z : 0);
        if (t == n)
            break;
        if (!seen) {
            if (y[t] > 0) {
                z = y[t];
                p = 1.0 / (double)(t + 1);
                seen = 1;
            }
            continue;
        }
        p += beta * ((y[t] > 0) - p);
        if (y[t] > 0)
            z += alpha * (y[t] - z);
    }
}

void rs_fc_path(int method, const rs_fc_params *params, const double *y, size_t n, size_t from, int h,
                double *fc, double *scratch)
{
    const double *p = params->p;
    switch (method) {
    case RS_FC_NAIVE: naive_path(y, n, from, h, fc); break;
    case RS_FC_SNAIVE: snaive_path(y, n, from, h, params->season, fc); break;
    case RS_FC_MA: ma_path(y, n, from, h, params->window, fc); break;
    case RS_FC_SES: ses_path(y, n, from, h, p[RS_FC_ALPHA], fc); break;
    case RS_FC_HOLT: holt_path(y, n, from, h, p, fc); break;
    case RS_FC_HW: hw_path(y, n, from, h, p, params->season, fc, scratch); break;
    case RS_FC_CROSTON: croston_path(y, n, from, h, p[RS_FC_ALPHA], 1, fc); break;
    case RS_FC_SBA: croston_path(y, n, from, h, p[RS_FC_ALPHA], 1 - p[RS_FC_ALPHA] / 2, fc); break;
    case RS_FC_TSB: tsb_path(y, n, from, h, p[RS_FC_ALPHA], p[RS_FC_BETA], fc); break;
    case RS_FC_MEDIANS: medians_path(y, n, from, h, params->window, fc, scratch); break;
    default: break;
    }
}
