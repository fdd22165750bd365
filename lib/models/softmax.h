/* softmax.h — multinomial (softmax) logistic regression: logreg on a class
 * label (rs_dataset.classes).  linear.c hands a class-label dataset and a
 * model with "n_classes" to these. */
#ifndef RS_SOFTMAX_H
#define RS_SOFTMAX_H

#include "models/kind.h"

rs_status rs_softmax_train(const rs_dataset *d, const rs_params *p, const unsigned char *constant, rs_model *m,
                           rs_error *err);
void *rs_softmax_load(const rs_model *m, size_t n_features, rs_error *err);
/* n x K class probabilities of n <= RS_SCORE_BATCH rows. */
void rs_softmax_score(void *state, const float *rows, size_t n, double *scores);
size_t rs_softmax_outputs(const void *state);
const char *rs_softmax_output_name(const void *state, size_t j);
void rs_softmax_unload(void *state);

#endif
