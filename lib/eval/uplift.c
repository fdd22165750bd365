/* uplift.c — see uplift.h. */
#include "eval/uplift.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
    double score;
    size_t row;
} ranked;

/* Highest score first, then row order: a total order, so any qsort gives
 * the same ranking. */
static int by_score(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->row > y->row) - (x->row < y->row);
}

size_t *rs_uplift_order_new(const double *score, size_t n)
{
    ranked *r = malloc((n + 1) * sizeof *r);
    size_t *order = malloc((n + 1) * sizeof *order);
    if (!r || !order) {
        free(r), free(order);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        r[i] = (ranked){score[i], i};
    qsort(r, n, sizeof *r, by_score);
    for (size_t i = 0; i < n; i++)
        order[i] = r[i].row;
    free(r);
    return order;
}

/* The perfect ranking's scores, y (2 t - 1). */
static double *perfect_new(const unsigned char *t, const double *y, size_t n)
{
    double *s = malloc((n + 1) * sizeof *s);
    for (size_t i = 0; s && i < n; i++)
        s[i] = t[i] ? y[i] : -y[i];
    return s;
}

rs_status rs_uplift_curve_new(const double *score, const unsigned char *t, const double *y, size_t n,
                              rs_uplift_curve *c, rs_error *err)
{
    double *own = score ? NULL : perfect_new(t, y, n);
    const double *s = score ? score : own;
    size_t *order = s ? rs_uplift_order_new(s, n) : NULL;
    c->k = malloc((n + 1) * sizeof *c->k);
    c->qini = malloc((n + 1) * sizeof *c->qini);
    c->uplift = malloc((n + 1) * sizeof *c->uplift);
    c->n_points = 0;
    if (!order || !c->k || !c->qini || !c->uplift) {
        free(own), free(order);
        rs_uplift_curve_free(c);
        return rs_error_nomem(err);
    }
    c->k[0] = c->qini[0] = c->uplift[0] = 0;
    c->n_points = 1;
    double nt = 0, nc = 0, yt = 0, yc = 0;
    for (size_t i = 0; i < n; i++) {
        size_t r = order[i];
        if (t[r])
            nt++, yt += y[r];
        else
            nc++, yc += y[r];
        if (i + 1 < n && s[order[i + 1]] == s[r])
            continue;   /* inside a step of equal scores */
        double k = (double)(i + 1);
        c->k[c->n_points] = k;
        c->qini[c->n_points] = yt - (nc > 0 ? yc * nt / nc : 0);
        c->uplift[c->n_points] = ((nt > 0 ? yt / nt : 0) - (nc > 0 ? yc / nc : 0)) * k;
        c->n_points++;
    }
    free(own), free(order);
    return RS_OK;
}

void rs_uplift_curve_free(rs_uplift_curve *c)
{
    free(c->k), free(c->qini), free(c->uplift);
    c->k = c->qini = c->uplift = NULL;
    c->n_points = 0;
}

static double area(const double *x, const double *v, size_t n)
{
    double sum = 0;
    for (size_t i = 1; i < n; i++)
        sum += 0.5 * (x[i] - x[i - 1]) * (v[i] + v[i - 1]);
    return sum;
}

rs_status rs_uplift_summarize(const double *score, const unsigned char *t, const double *y, size_t n,
                              rs_uplift_summary *s, rs_error *err)
{
    rs_uplift_curve model = {0}, perfect = {0};
    if (rs_uplift_curve_new(score, t, y, n, &model, err) || rs_uplift_curve_new(NULL, t, y, n, &perfect, err)) {
        rs_uplift_curve_free(&model);
        return err->code;
    }
    double last = model.qini[model.n_points - 1], random = 0.5 * (double)n * last;
    s->qini_area = area(model.k, model.qini, model.n_points) - random;
    s->perfect_area = area(perfect.k, perfect.qini, perfect.n_points) - random;
    s->qini = s->perfect_area > 0 ? s->qini_area / s->perfect_area : NAN;
    s->auuc = n ? area(model.k, model.uplift, model.n_points) / (double)n : NAN;
    s->n_treated = s->n_control = 0;
    for (size_t i = 0; i < n; i++)
        *(t[i] ? &s->n_treated : &s->n_control) += 1;
    rs_uplift_curve_free(&model);
    rs_uplift_curve_free(&perfect);
    return RS_OK;
}

double rs_uplift_at(const unsigned char *t, const double *y, size_t n, double pct, const size_t *order)
{
    size_t top = (size_t)ceil((double)n * pct / 100 - 1e-9);
    double nt = 0, nc = 0, yt = 0, yc = 0;
    for (size_t i = 0; i < top && i < n; i++) {
        size_t r = order[i];
        if (t[r])
            nt++, yt += y[r];
        else
            nc++, yc += y[r];
    }
    return nt > 0 && nc > 0 ? yt / nt - yc / nc : NAN;
}
