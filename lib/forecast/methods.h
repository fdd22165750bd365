/* methods.h — the per-series forecasting recursions, as one "path" each.
 *
 * A path runs a method with fixed parameters once through a series y (n)
 * and, at every origin o in [from, n] (having seen y[0..o)), writes the
 * forecasts of the next h periods: fc[(o - from) * h + k] for y[o + k],
 * k = 0..h-1.  One pass serves all three uses: the one-step errors that
 * parameters are estimated on (from 1, h 1), rolling-origin validation and
 * backtests (the last origins), and the forecast itself (origin n).
 *
 * The recursions (their states are updated after each y_t):
 *   naive      f = y[o-1]
 *   snaive     f[k] = y[o - m + k mod m]   (naive until a season is seen)
 *   ma         f = mean of the last min(window, o) values
 *   ses        l = y0;  l += alpha (y - l)                          f = l
 *   holt       l = y0, b = 0;  yhat = l + phi b;
 *              l' = alpha y + (1 - alpha) yhat;
 *              b' = beta (l' - l) + (1 - beta) phi b      f[k] = l' + (phi + .. + phi^(k+1)) b'
 *   hw         additive Holt-Winters: l = mean of season 1, b = (mean of season 2 -
 *              mean of season 1) / m, s_i = y_i - l (i < m); from t = m:
 *              l' = alpha (y - s[t-m]) + (1 - alpha)(l + b); b' = beta (l' - l) + (1 - beta) b;
 *              s[t] = gamma (y - l') + (1 - gamma) s[t-m]    f[k] = l + (k+1) b + s[o - m + k mod m]
 *              (needs 2 seasons; before that the mean of what was seen)
 *   croston    on the periods with demand: z += alpha (y - z), p += alpha (q - p), q the
 *              periods since the last demand; z, p start at the first demand and its
 *              position + 1                                      f = z / p
 *   sba        (1 - alpha / 2) z / p  (Syntetos-Boylan)
 *   tsb        every period p += beta (d - p), d = y > 0; on demand z += alpha (y - z);
 *              z, p start at the first demand, p = 1 / (its position + 1)   f = p z
 *   medians    the mean of the medians of the last w/2, 3w/4 and w values (w the
 *              window, each rounded up, at most o): a level that one large order
 *              does not move, for the absolute errors demand is judged by
 * Before any demand the intermittent methods forecast 0.
 *
 * params: alpha, beta, phi, gamma in that order (unused ones ignored); m is the
 * season length, window the moving-average width. */
#ifndef RS_FORECAST_METHODS_H
#define RS_FORECAST_METHODS_H

#include <stddef.h>

typedef enum {
    RS_FC_NAIVE, RS_FC_SNAIVE, RS_FC_MA, RS_FC_SES, RS_FC_HOLT, RS_FC_HW, RS_FC_CROSTON, RS_FC_SBA,
    RS_FC_TSB, RS_FC_MEDIANS, RS_FC_COMBO, RS_FC_N_METHODS, RS_FC_AUTO = RS_FC_N_METHODS,
    RS_FC_GLOBAL   /* one model across series: global.h, not a path */
} rs_fc_method;

enum { RS_FC_ALPHA, RS_FC_BETA, RS_FC_PHI, RS_FC_GAMMA, RS_FC_N_PARAMS };

typedef struct {
    double p[RS_FC_N_PARAMS];
    int season;     /* m >= 1 */
    int window;     /* moving average width >= 1 */
} rs_fc_params;

/* "naive", "snaive", ..., "combo", "auto", "global"; -1 for an unknown name. */
int rs_fc_method_parse(const char *name);
const char *rs_fc_method_name(int method);

/* How many parameters the method estimates (0 for naive, snaive, ma, combo). */
int rs_fc_method_n_params(int method);

/* The path described above; fc holds (n - from + 1) * h values; from >= 1.
 * scratch holds n + season doubles (hw's seasonal states, medians' sorting).  Not for combo
 * and auto, which fit.h builds from these. */
void rs_fc_path(int method, const rs_fc_params *params, const double *y, size_t n, size_t from, int h,
                double *fc, double *scratch);

#endif
