/* logistic.h — the logistic function and its loss, computed stably; one
 * definition for every kind that needs them. */
#ifndef RS_LOGISTIC_H
#define RS_LOGISTIC_H

#include <math.h>

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

#endif
