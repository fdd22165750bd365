/* model.h — .rsm model files: one file per model, safe to keep for years.
 *
 * Layout (little-endian):
 *   magic "\x89RSM\r\n\x1a\n" (8)  version u32  header_bytes u32
 *   header: text lines "key value\n" in the C locale, numbers in full
 *     precision; first "kind NAME"; then hyper-parameters; then one line per
 *     section: "tensor NAME ROWS COLS OFFSET" (float32, row-major) and
 *     "ids NAME COUNT OFFSET BYTES" (u32 lengths then the bytes)
 *   zero padding; every section starts 64-byte aligned (mmap-friendly)
 *   trailer: checksum u64 (rs_hash64 of every byte before it), "RSMEND\0\0"
 * Written to a temp file and renamed (never half-written); loaded with
 * mmap, so many scoring processes share one copy.  A truncated, damaged or
 * newer-version file is an error naming what is wrong. */
#ifndef RS_MODEL_H
#define RS_MODEL_H

#include "error.h"
#include "idmap.h"
#include "io/io.h"
#include "sparse.h"

#include <stddef.h>
#include <stdint.h>

#define RS_MODEL_MAGIC "\x89RSM\r\n\x1a\n"
enum { RS_MODEL_VERSION = 1, RS_MODEL_ALIGN = 64 };

typedef struct rs_model rs_model;

/* A model being built.  Tensors and id maps are borrowed until save. */
rs_model *rs_model_new(const char *kind);
rs_status rs_model_set(rs_model *m, const char *key, const char *value, rs_error *err);
rs_status rs_model_set_f64(rs_model *m, const char *key, double value, rs_error *err);
rs_status rs_model_set_i64(rs_model *m, const char *key, int64_t value, rs_error *err);
rs_status rs_model_add_tensor(rs_model *m, const char *name, const float *data, size_t rows, size_t cols,
                              rs_error *err);
rs_status rs_model_add_ids(rs_model *m, const char *name, const rs_idmap *ids, rs_error *err);
rs_status rs_model_add_i32(rs_model *m, const char *name, const int32_t *data, size_t rows, size_t cols,
                           rs_error *err);
rs_status rs_model_adopt_i32(rs_model *m, const char *name, int32_t *data, size_t rows, size_t cols,
                             rs_error *err);
/* The same, but the model takes ownership (freed with it, also on error). */
rs_status rs_model_adopt_tensor(rs_model *m, const char *name, float *data, size_t rows, size_t cols,
                                rs_error *err);
rs_status rs_model_adopt_ids(rs_model *m, const char *name, rs_idmap *ids, rs_error *err);
/* A copy of data that the model owns. */
rs_status rs_model_add_copy(rs_model *m, const char *name, const float *data, size_t rows, size_t cols,
                            rs_error *err);
rs_status rs_model_save(const rs_model *m, const char *path, rs_error *err);

/* Store a CSR as three tensors NAME_ptr, NAME_idx (int32), NAME_val; the
 * model takes the arrays over (c is zeroed, also on error). */
rs_status rs_model_adopt_csr(rs_model *m, const char *name, rs_csr *c, rs_error *err);

/* A model that holds others (uplift: its outcome models): every key and
 * section of inner goes into m under "PREFIX.", its kind as the key
 * "PREFIX.kind"; inner's borrowed tensors and id maps are copied, its
 * owned ones moved.  inner is freed, also on error. */
rs_status rs_model_nest(rs_model *m, const char *prefix, rs_model *inner, rs_error *err);
/* The model nested under prefix in a loaded m, as a loaded model of its
 * own kind (its views point into m's mapping: free it before m); NULL
 * with err set when m holds none. */
rs_model *rs_model_nested_new(const rs_model *m, const char *prefix, rs_error *err);

/* A loaded (mmapped) model. */
rs_model *rs_model_load(const char *path, rs_error *err);
const char *rs_model_kind(const rs_model *m);
/* The value of key, or NULL. */
const char *rs_model_get(const rs_model *m, const char *key);
rs_status rs_model_get_f64(const rs_model *m, const char *key, double *value, rs_error *err);
rs_status rs_model_get_i64(const rs_model *m, const char *key, int64_t *value, rs_error *err);
/* The tensor's data (in the mapping), or NULL when absent. */
const float *rs_model_tensor(const rs_model *m, const char *name, size_t *rows, size_t *cols);
/* The float tensor, when it is exactly rows x cols; else NULL and err set. */
const float *rs_model_need(const rs_model *m, const char *name, size_t rows, size_t cols, rs_error *err);
const int32_t *rs_model_i32(const rs_model *m, const char *name, size_t *rows, size_t *cols);
/* A CSR view of NAME_ptr/_idx/_val (no copy: it lives as long as the
 * mapping), validated against n_rows x n_cols. */
rs_status rs_model_csr(const rs_model *m, const char *name, size_t n_rows, size_t n_cols, rs_csr *c,
                       rs_error *err);
/* A new idmap with the saved ids in their saved order, or NULL (err set). */
rs_idmap *rs_model_ids_new(const rs_model *m, const char *name, rs_error *err);
/* The header as "key value" lines (what rs-predict --describe prints). */
void rs_model_describe(const rs_model *m, rs_out *out);

void rs_model_free(rs_model *m);

#endif
