/* global.c — the global gbdt model of global.h. */
#include "forecast/global.h"

#include "models/supervised.h"
#include "timeparse.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const feature_names[RS_FC_GLOBAL_MAX_FEATURES] = {
    "lag1", "lag2", "lag3", "lag4", "lag5", "lag6", "lag7", "lag8", "mean4", "mean8", "season"};

/* The period's place in the year (see global.h). */
static float season_of(const rs_fc_calendar *cal, int64_t period)
{
    if (cal->kind == RS_FC_MONTH)
        return (float)(period % 12);
    char date[RS_FC_DATE_BUF];
    rs_fc_period_format(cal, period, date);
    int year = 0, month = 0, day = 0;
    sscanf(date, "%d-%d-%d", &year, &month, &day);
    int64_t days = rs_days_from_civil(year, (unsigned)month, (unsigned)day);
    if (cal->kind == RS_FC_DAY)
        return (float)(((days + 3) % 7 + 7) % 7);   /* 1970-01-01 was a Thursday */
    return (float)((days - rs_days_from_civil(year, 1, 1)) / 7);
}

/* The features of position t of y (values before 0 are 0); row[10] is
 * the season, used or not. */
static void features(const double *y, size_t t, float season, float *row)
{
    double sum4 = 0, sum8 = 0;
    for (size_t k = 1; k <= RS_FC_GLOBAL_LAGS; k++) {
        double v = t >= k ? y[t - k] : 0;
        row[k - 1] = (float)log1p(v);
        sum8 += v;
        if (k <= 4)
            sum4 += v;
    }
    row[RS_FC_GLOBAL_LAGS] = (float)log1p(sum4 / 4);
    row[RS_FC_GLOBAL_LAGS + 1] = (float)log1p(sum8 / 8);
    row[RS_FC_GLOBAL_LAGS + 2] = season;
}

static rs_status train(const rs_fc_global_spec *spec, const rs_fc_series *s, const rs_fc_calendar *cal,
                       size_t min_periods, rs_model **model, rs_error *err)
{
    rs_dataset d = {0};
    size_t rows = 0;
    for (size_t i = 0; i < s->n_series; i++)
        if (rs_fc_series_len(s, i) >= min_periods)
            rows += rs_fc_series_len(s, i) - 1;
    size_t nf = RS_FC_GLOBAL_MAX_FEATURES - !spec->use_season;
    d.n_features = nf;
    d.x = malloc((rows + 1) * nf * sizeof *d.x);
    d.y = malloc((rows + 1) * sizeof *d.y);
    rs_status st = d.x && d.y ? RS_OK : rs_error_nomem(err);
    for (size_t j = 0; !st && j < nf; j++)
        if (rs_strlist_push(&d.names, feature_names[j]) < 0)
            st = rs_error_nomem(err);
    for (size_t i = 0; !st && i < s->n_series; i++) {
        size_t n = rs_fc_series_len(s, i);
        const double *y = s->values + s->offset[i];
        if (n < min_periods)
            continue;
        float row[RS_FC_GLOBAL_MAX_FEATURES];
        for (size_t t = 1; t < n; t++, d.n_rows++) {
            features(y, t, spec->use_season ? season_of(cal, s->first[i] + (int64_t)t) : 0, row);
            memcpy(d.x + d.n_rows * nf, row, nf * sizeof *row);
            d.y[d.n_rows] = spec->log_target ? log1p(y[t]) : y[t];
        }
    }
    if (!st && d.n_rows < 2)
        st = rs_error_set(err, RS_EDATA, s->source, 0, "--method global: too little history to train on");
    rs_params p;
    if (!st)
        st = rs_params_apply(&p, spec->kind, spec->options, err);
    if (!st) {
        p.threads = spec->threads;
        p.seed = spec->seed;
        p.label = "demand";
        if (!(*model = rs_sup_train_new(&d, &p, err)))
            st = err->code;
        else
            st = rs_model_set(*model, "forecast_target", spec->log_target ? "log1p" : "units", err);
    }
    free(d.x);
    free(d.y);
    rs_strlist_free(&d.names);
    return st;
}

/* The model's features must be this module's, in order (with or without
 * the season): *use_season says which. */
static rs_status check_features(const rs_scorer *sc, const char *path, int *use_season, rs_error *err)
{
    size_t nf = rs_scorer_n_features(sc);
    int ok = nf == RS_FC_GLOBAL_MAX_FEATURES || nf == RS_FC_GLOBAL_MAX_FEATURES - 1;
    for (size_t j = 0; ok && j < nf; j++)
        ok = !strcmp(rs_scorer_feature(sc, j), feature_names[j]);
    *use_season = nf == RS_FC_GLOBAL_MAX_FEATURES;
    return ok ? RS_OK
              : rs_error_set(err, RS_EDATA, path, 0, "not a model of rs-forecast --method global (its features "
                                                     "are not lag1..lag8, mean4, mean8[, season])");
}

/* Train, save (to --model-out, or a temp file) and load back: a model is
 * scored as the file holds it, so a saved model forecasts the same bytes. */
static rs_status train_and_load(const rs_fc_global_spec *spec, const rs_fc_series *s, const rs_fc_calendar *cal,
                                size_t min_periods, rs_model **model, rs_error *err)
{
    rs_model *trained = NULL;
    rs_status st = train(spec, s, cal, min_periods, &trained, err);
    char temp[4096] = "";
    const char *path = spec->model_out;
    if (!st && !path) {
        const char *dir = getenv("TMPDIR");
        snprintf(temp, sizeof temp, "%s/rs-forecast-XXXXXX", dir && *dir ? dir : "/tmp");
        int fd = mkstemp(temp);
        if (fd < 0)
            st = rs_error_set(err, RS_EIO, temp, 0, "cannot create a temporary model file");
        else
            close(fd);
        path = temp;
    }
    if (!st)
        st = rs_model_save(trained, path, err);
    rs_model_free(trained);
    if (!st && !(*model = rs_model_load(path, err)))
        st = err->code;
    if (temp[0])
        unlink(temp);
    return st;
}

rs_status rs_fc_global_forecast(const rs_fc_global_spec *spec, const rs_fc_series *s, const rs_fc_calendar *cal,
                                int h, size_t min_periods, double *fc, unsigned char *done, rs_error *err)
{
    rs_model *model = NULL;
    rs_status st = spec->model_in ? ((model = rs_model_load(spec->model_in, err)) ? RS_OK : err->code)
                                  : train_and_load(spec, s, cal, min_periods, &model, err);
    rs_scorer *sc = NULL;
    if (!st && !(sc = rs_scorer_new(model, err)))
        st = err->code;
    int use_season = 0;
    if (!st)
        st = check_features(sc, spec->model_in ? spec->model_in : "--method global", &use_season, err);
    const char *target = st ? NULL : rs_model_get(model, "forecast_target");
    int log_target = target && !strcmp(target, "log1p");
    if (!st && !target)
        st = rs_error_set(err, RS_EDATA, spec->model_in, 0, "not a model of rs-forecast --method global "
                                                            "(no forecast_target)");
    size_t longest = 0;
    for (size_t i = 0; i < s->n_series; i++)
        longest = rs_fc_series_len(s, i) > longest ? rs_fc_series_len(s, i) : longest;
    double *y = malloc((longest + (size_t)h + 1) * sizeof *y);
    if (!st && !y)
        st = rs_error_nomem(err);
    float row[RS_FC_GLOBAL_MAX_FEATURES];
    /* one row at a time: each step's forecast is the next step's lag */
    for (size_t i = 0; !st && i < s->n_series; i++) {
        size_t n = rs_fc_series_len(s, i);
        if (n < min_periods)
            continue;
        memcpy(y, s->values + s->offset[i], n * sizeof *y);
        for (int k = 0; k < h; k++) {
            double score;
            features(y, n + (size_t)k, use_season ? season_of(cal, s->first[i] + (int64_t)n + k) : 0, row);
            rs_scorer_score(sc, row, 1, &score);
            if (log_target)
                score = expm1(score);
            y[n + (size_t)k] = score > 0 ? score : 0;
            fc[i * (size_t)h + (size_t)k] = y[n + (size_t)k];
        }
        done[i] = 1;
    }
    free(y);
    rs_scorer_free(sc);
    rs_model_free(model);
    return st;
}
