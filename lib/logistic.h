/* logistic.h — the logistic function, its loss and its many-class form
 * (softmax), computed stably; one definition for every kind that needs
 * them. */
#ifndef RS_LOGISTIC_H
#define RS_LOGISTIC_H

#include <math.h>
#include <stddef.h>

/* 1 / (1 + e^-z) */
static inline double rs_sigmoid(double z)
{
    return 1 / (1 + exp(-z));
}

/* log(1 + e^-m): the log loss at margin m, without overflow for large |m|. */
static inline double rs_log1p_exp_neg(double m)
{
    return m > 0 ? log1p(exp(-m)) : -m + log1p(exp(m));
}

/* The softmax of z[0..K) into p (p may be z), in double with the maximum
 * subtracted (exp stays in range for any z); returns log sum_k exp(z_k),
 * so that a row's cross-entropy is the return value less z_y. */
static inline double rs_softmax(const double *z, size_t K, double *p)
{
    double top = -INFINITY, sum = 0;
    for (size_t k = 0; k < K; k++)
        top = fmax(top, z[k]);
    for (size_t k = 0; k < K; k++)
        sum += p[k] = exp(z[k] - top);
    for (size_t k = 0; k < K; k++)
        p[k] /= sum;
    return log(sum) + top;
}

#endif
