/* encode.h — rs-features encode: turn columns into model-ready numbers,
 * fitted on one table (--fit-out) and applied unchanged to others (--apply).
 *
 * Each encoded column is replaced, in place, by its encoding; the other
 * columns pass through (or only --keep ones).  The params file is text:
 * a first line "rs-encode-params<TAB>1", then one rule per line, values in
 * full precision (C locale), so it diffs and lasts. */
#ifndef RS_ENCODE_H
#define RS_ENCODE_H

#include "strlist.h"
#include "io/table.h"

typedef struct {
    const char *input, *output;
    rs_table_options table;
    rs_format out_format;
    rs_strlist onehot, hash, minmax, zscore, log1p, boolean, text, keep;
    int has_keep;
    const char *fit_out, *apply;
} rs_encode_spec;

rs_status rs_encode_run(const rs_encode_spec *spec, rs_error *err);
void rs_encode_spec_free(rs_encode_spec *spec);

#endif
