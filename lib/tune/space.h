/* space.h — the search space of a kind, read from its option table (the
 * registry: rs_kind_option.scale, search_lo, search_hi), and quasi-random
 * points in it.
 *
 * Points come from a Halton sequence (one prime base per searched option)
 * rotated by a uniform shift drawn from the seed (Cranley-Patterson): more
 * even than independent draws for a small budget, and a different but
 * reproducible set of settings for each --seed. */
#ifndef RS_TUNE_SPACE_H
#define RS_TUNE_SPACE_H

#include "error.h"
#include "models/kind.h"
#include "strlist.h"

#include <stdint.h>

enum { RS_TUNE_MAX_DIMS = 16, RS_TUNE_VALUE_LEN = 48 };

typedef struct {
    const rs_kind *kind;
    const rs_kind_option *dims[RS_TUNE_MAX_DIMS];   /* the searched options */
    size_t n_dims;
    double shift[RS_TUNE_MAX_DIMS];                 /* the seed's rotation, in [0, 1) */
} rs_tune_space;

/* The options of kind with a search scale, but those named in fixed (long
 * names, as given on the command line) and skip (NULL or an option name:
 * the resource of successive halving).  An empty space is fine: one
 * setting, the defaults and the fixed values. */
rs_status rs_tune_space_init(rs_tune_space *s, const rs_kind *kind, const rs_strlist *fixed, const char *skip,
                             uint64_t seed, rs_error *err);
/* Point `index` (0-based) of the sequence as option values (text the
 * option's parser takes: "0.0316", "48", "bm25") into values[n_dims]. */
void rs_tune_space_point(const rs_tune_space *s, uint64_t index, char values[][RS_TUNE_VALUE_LEN]);
/* The radical inverse of index in base (index >= 0): the Halton
 * coordinate, in [0, 1). */
double rs_tune_radical_inverse(uint64_t index, unsigned base);
/* The value at u in [0, 1) of one option's search range, as text. */
void rs_tune_space_value(const rs_kind_option *o, double u, char *out, size_t size);

#endif
