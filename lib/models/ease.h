/* ease.h — EASE's item-item weights (ease.c), shared with seqease.c, which
 * scores them with a time-decayed history. */
#ifndef RS_EASE_H
#define RS_EASE_H

#include "error.h"
#include "models/kind.h"

/* B = the EASE weights of ui (users x items; binary: every stored value
 * counts as 1) into *weights (n_items x n_items, row j: what item j adds to
 * every item; the caller frees it), l2 <= 0: 10 x the mean diagonal of X'X;
 * the l2 used into *l2_used.  OpenBLAS on threads while it runs. */
rs_status rs_ease_weights(const rs_csr *ui, int binary, double l2, int threads, float **weights, double *l2_used,
                          rs_error *err);

#endif
