/* fit.h — a method fitted to one series: parameters estimated by one-step
 * squared error, the combination, and `auto` by rolling-origin validation.
 *
 * Estimation (double precision): each free parameter on a coarse grid, then
 * rounds of golden-section search along each coordinate around the best
 * point, minimising the sum of squared one-step errors over the series.
 * Ranges: alpha, beta, gamma in [0.01, 0.99] (croston, sba: alpha in
 * [0.01, 0.5]; holt: beta in [0.01, 0.5]), phi in [0.8, 0.98].  A parameter
 * given on the command line is fixed and not searched.
 *
 * combo: the mean of the forecasts of ses, ma and sba, each fitted alone.
 * auto: every method is fitted to the series without its last V values and
 * scored by the mean absolute error of its forecasts (up to the horizon)
 * from the last V origins.  The robust default, medians, stays unless the
 * best method (the first on ties, in the order of methods.h) has an error
 * below margin x medians' error: picking the best of many on a few noisy
 * origins mostly picks noise (on Online Retail, plain selection loses
 * against medians alone).  The choice is then fitted to the whole series. */
#ifndef RS_FORECAST_FIT_H
#define RS_FORECAST_FIT_H

#include "forecast/methods.h"

#include <math.h>

typedef struct {
    int method;                     /* an rs_fc_method, or RS_FC_AUTO */
    double fixed[RS_FC_N_PARAMS];   /* NaN: estimate */
    int season, window;
    int horizon;                    /* >= 1 */
    int validation;                 /* auto: origins held out (V >= 1) */
    double margin;                  /* auto: replace medians below margin x its error (0 < margin <= 1) */
} rs_fc_config;

/* A fitted method; combo keeps its three parts. */
enum { RS_FC_COMBO_PARTS = 3 };
typedef struct {
    int method;
    rs_fc_params params[RS_FC_COMBO_PARTS];
} rs_fc_model;

/* Scratch of one thread: grows with the longest series seen (no malloc per
 * series once it is large enough). */
typedef struct {
    double *buf;
    size_t cap;
} rs_fc_work;

void rs_fc_work_free(rs_fc_work *w);

/* Make w large enough for a series of n values, paths of h steps and a
 * season of m.  -1 when out of memory.  rs_fc_fit reserves for itself;
 * call it before rs_fc_model_path. */
int rs_fc_work_reserve(rs_fc_work *w, size_t n, int h, int m);

/* Fit cfg->method (auto: select, then fit) to y (n >= 2).  -1 when out of
 * memory. */
int rs_fc_fit(const rs_fc_config *cfg, const double *y, size_t n, rs_fc_model *model, rs_fc_work *w);

/* rs_fc_path for a fitted model (combo: the mean of its parts); fc is the
 * caller's (not from w), w reserved for n, h. */
void rs_fc_model_path(const rs_fc_model *model, const double *y, size_t n, size_t from, int h, double *fc,
                     rs_fc_work *w);

#endif
