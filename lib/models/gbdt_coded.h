/* gbdt_coded.h — the byte-coded forest's layout (internal to lib/models):
 * gbdt_coded.c lays it out, codes rows and walks 8 rows at a time;
 * gbdt_masks.c scores 64 rows per vector compare. */
#ifndef RS_GBDT_CODED_H
#define RS_GBDT_CODED_H

#include "models/gbdt.h"

enum { CODED_MISSING = 255, CODED_LANES = 8, CODED_BYTES = 16384, CODED_SEARCH = 256, CODED_CHUNK = 128 };

struct rs_gbdt_coded {
    size_t n_features, n_trees;
    int depth;                 /* every tree padded to it */
    size_t stride;             /* rows per chunk of codes: one feature's codes */
    uint16_t *offset;          /* (n_trees x (2^depth - 1)): where each node's codes start */
    uint8_t *split;            /* (n_trees x (2^depth - 1)): j (255: padding, always left) */
    float *leaf;               /* (n_trees x 2^depth) */
    uint16_t *level_offset;    /* the same as offset and split with each level's */
    uint8_t *level_split;      /* nodes in bit-reversed order (gbdt_masks.c) */
    float *thresholds;         /* each feature's sorted distinct thresholds */
    uint32_t *threshold_start; /* (n_features + 1) */
    float *padded;             /* (n_features x CODED_SEARCH): the same, +inf after */
    /* the codes of the first rows of n by vector gathers (gbdt_masks.c):
     * returns how many (the rest take the scalar search), or NULL */
    size_t (*encode)(const struct rs_gbdt_coded *c, const float *rows, size_t n, uint8_t *codes);
    /* 64 rows at a time (gbdt_masks.c), or NULL: the lane walk */
    void (*group)(const struct rs_gbdt_coded *c, const uint8_t *codes, double *scores, size_t n_outputs);
};

enum { CODED_GROUP_ROWS = 64 };   /* the rows c->group scores */

/* c->encode and c->group for this CPU, the widest at most `widest`
 * (RS_GBDT_MASKS_*); returns the group scorer chosen, LANES for none
 * (gbdt_masks.c). */
int rs_gbdt_masks_choose(rs_gbdt_coded *c, int widest);

#endif
