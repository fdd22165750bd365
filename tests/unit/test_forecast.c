/* The forecasting recursions (lib/forecast/methods.c) against values
 * computed by hand, step by step, in the comments; and the estimation and
 * auto selection of fit.c on series built so that the answer is known. */
#include "forecast/fit.h"
#include "forecast/methods.h"
#include "tap.h"

#include <math.h>

static int near(double a, double b)
{
    return fabs(a - b) <= 1e-12 * (1 + fabs(b));
}

static rs_fc_params params(double alpha, double beta, double phi, double gamma, int season, int window)
{
    return (rs_fc_params){{alpha, beta, phi, gamma}, season, window};
}

int main(void)
{
    double fc[64], scratch[64];

    /* SES alpha 0.5 on 10 20 30: l = 10, 15, 22.5 */
    double ses_y[] = {10, 20, 30};
    rs_fc_params p = params(0.5, 0, 0, 0, 1, 1);
    rs_fc_path(RS_FC_SES, &p, ses_y, 3, 1, 1, fc, scratch);
    CHECK(near(fc[0], 10) && near(fc[1], 15) && near(fc[2], 22.5), "ses: 10, 15, 22.5");

    /* damped Holt alpha 0.5 beta 0.5 phi 0.9 on 10 12 14:
     * l = 10, b = 0;  y 12: yhat 10, l = 11, b = 0.5 (1) + 0.5 (0.9 x 0) = 0.5;
     * y 14: yhat 11.45, l = 12.725, b = 0.5 (1.725) + 0.5 (0.45) = 1.0875;
     * f1 = 12.725 + 0.9 x 1.0875 = 13.70375, f2 = 12.725 + 1.71 x 1.0875 = 14.584625 */
    double holt_y[] = {10, 12, 14};
    p = params(0.5, 0.5, 0.9, 0, 1, 1);
    rs_fc_path(RS_FC_HOLT, &p, holt_y, 3, 1, 2, fc, scratch);
    CHECK(near(fc[0], 10) && near(fc[1], 10), "holt: origin 1 forecasts y0 (no trend yet)");
    CHECK(near(fc[2], 11.45), "holt: origin 2 forecasts 11.45");
    CHECK(near(fc[4], 13.70375) && near(fc[5], 14.584625), "holt: origin 3 forecasts 13.70375, 14.584625");

    /* additive Holt-Winters m 2, alpha beta gamma 0.5 on 1 3 2 4:
     * l = 2, b = (3 - 2) / 2 = 0.5, s = -1, 1;
     * t 2: f = 2 + 0.5 - 1 = 1.5; y 2: l = 0.5 (3) + 0.5 (2.5) = 2.75, b = 0.625, s2 = -0.875;
     * t 3: f = 2.75 + 0.625 + 1 = 4.375; y 4: l = 3.1875, b = 0.53125, s3 = 0.90625;
     * t 4: f1 = 3.1875 + 0.53125 - 0.875 = 2.84375, f2 = 3.1875 + 1.0625 + 0.90625 = 5.15625 */
    double hw_y[] = {1, 3, 2, 4};
    p = params(0.5, 0.5, 0, 0.5, 2, 1);
    rs_fc_path(RS_FC_HW, &p, hw_y, 4, 2, 2, fc, scratch);
    CHECK(near(fc[0], 1.5), "hw: origin 2 forecasts 1.5");
    CHECK(near(fc[2], 4.375), "hw: origin 3 forecasts 4.375");
    CHECK(near(fc[4], 2.84375) && near(fc[5], 5.15625), "hw: origin 4 forecasts 2.84375, 5.15625");

    /* Croston alpha 0.5 on 0 4 0 0 2: first demand z 4, p 2; then y 2 after
     * q 3: z = 3, p = 2.5; forecast 1.2; SBA 0.75 x 1.2 = 0.9 */
    double cr_y[] = {0, 4, 0, 0, 2};
    p = params(0.5, 0, 0, 0, 1, 1);
    rs_fc_path(RS_FC_CROSTON, &p, cr_y, 5, 1, 1, fc, scratch);
    CHECK(near(fc[0], 0) && near(fc[1], 2) && near(fc[4], 1.2), "croston: 0 before demand, 2, then 1.2");
    rs_fc_path(RS_FC_SBA, &p, cr_y, 5, 5, 1, fc, scratch);
    CHECK(near(fc[0], 0.9), "sba: 0.9");

    /* TSB alpha beta 0.5 on 0 4 0 2: z 4, p 1/2; y 0: p 0.25; y 2: p 0.625, z 3 */
    double tsb_y[] = {0, 4, 0, 2};
    p = params(0.5, 0.5, 0, 0, 1, 1);
    rs_fc_path(RS_FC_TSB, &p, tsb_y, 4, 1, 1, fc, scratch);
    CHECK(near(fc[0], 0) && near(fc[1], 2) && near(fc[2], 1) && near(fc[3], 1.875), "tsb: 0, 2, 1, 1.875");

    /* moving average of 2; seasonal naive m 2; naive */
    double ma_y[] = {1, 2, 6};
    p = params(0, 0, 0, 0, 2, 2);
    rs_fc_path(RS_FC_MA, &p, ma_y, 3, 1, 1, fc, scratch);
    CHECK(near(fc[0], 1) && near(fc[1], 1.5) && near(fc[2], 4), "ma 2: 1, 1.5, 4");
    double sn_y[] = {1, 2, 3, 4};
    rs_fc_path(RS_FC_SNAIVE, &p, sn_y, 4, 4, 3, fc, scratch);
    CHECK(fc[0] == 3 && fc[1] == 4 && fc[2] == 3, "snaive m 2: 3, 4, 3");
    rs_fc_path(RS_FC_NAIVE, &p, sn_y, 4, 4, 2, fc, scratch);
    CHECK(fc[0] == 4 && fc[1] == 4, "naive: the last value");

    /* estimation: a level shift is tracked fastest by a large alpha */
    double shift[40];
    for (int t = 0; t < 40; t++)
        shift[t] = t < 20 ? 10 : 30;
    rs_fc_config cfg = {.method = RS_FC_SES, .fixed = {NAN, NAN, NAN, NAN}, .season = 4, .window = 4,
                        .horizon = 4, .validation = 4, .margin = 0.8};
    rs_fc_model m;
    rs_fc_work w = {0};
    int rc = rs_fc_fit(&cfg, shift, 40, &m, &w);
    CHECK(rc == 0 && m.params[0].p[RS_FC_ALPHA] > 0.98,
          "ses on a step: alpha at the top of its range (%g)", m.params[0].p[RS_FC_ALPHA]);
    cfg.fixed[RS_FC_ALPHA] = 0.3;
    rs_fc_fit(&cfg, shift, 40, &m, &w);
    CHECK(m.params[0].p[RS_FC_ALPHA] == 0.3, "a fixed alpha is kept");

    /* auto: a repeating season of 4 is forecast exactly by snaive */
    double season[32];
    for (int t = 0; t < 32; t++)
        season[t] = (double[]){5, 1, 9, 3}[t % 4];
    cfg = (rs_fc_config){.method = RS_FC_AUTO, .fixed = {NAN, NAN, NAN, NAN}, .season = 4, .window = 4,
                         .horizon = 4, .validation = 4, .margin = 0.8};
    rs_fc_fit(&cfg, season, 32, &m, &w);
    CHECK(m.method == RS_FC_SNAIVE, "auto picks snaive on a pure season (got %s)", rs_fc_method_name(m.method));
    /* a straight line (shorter than two seasons of 52, so no hw, which
     * would follow it exactly): damped Holt follows it, the level methods lag */
    cfg.season = 52;
    double line[30];
    for (int t = 0; t < 30; t++)
        line[t] = 100 + 5 * t;
    rs_fc_fit(&cfg, line, 30, &m, &w);
    CHECK(m.method == RS_FC_HOLT, "auto picks holt on a line (got %s)", rs_fc_method_name(m.method));
    rs_fc_work_free(&w);
    return tap_done();
}
