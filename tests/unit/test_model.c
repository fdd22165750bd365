/* .rsm model files: round trip, mmap alignment, and every way a file can
 * be wrong. */
#include "hash.h"
#include "io/model.h"
#include "tap.h"

#include <math.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    char *b = malloc(*len);
    if (fread(b, 1, *len, f) != *len)
        *len = 0;
    fclose(f);
    return b;
}

static void spit(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, len, f);
    fclose(f);
}

int main(void)
{
    rs_error err;
    char path[] = "/tmp/rs-model.XXXXXX";
    close(mkstemp(path));
    float w[6] = {1.5f, -2, 0.25f, 3, 4, 1e-7f};
    rs_idmap *users = rs_idmap_new();
    rs_idmap_intern(users, "17850", 5, NULL);
    rs_idmap_intern(users, "", 0, NULL);
    rs_idmap_intern(users, "device:9f2c", 11, NULL);
    rs_model *m = rs_model_new("linreg");
    int ok = rs_model_set_f64(m, "l2", 0.1, &err) == RS_OK && rs_model_set_i64(m, "n_features", 3, &err) == RS_OK &&
             rs_model_set(m, "features", "a,b,c", &err) == RS_OK &&
             rs_model_add_tensor(m, "weights", w, 2, 3, &err) == RS_OK &&
             rs_model_add_ids(m, "users", users, &err) == RS_OK && rs_model_save(m, path, &err) == RS_OK;
    rs_model_free(m);
    CHECK(ok, "a model with keys, a 2x3 tensor and an id map is saved");
    rs_model *refusing = rs_model_new("x");
    CHECK(rs_model_set(refusing, "bad key", "v", &err) == RS_EUSAGE && rs_model_set(refusing, "kind", "y", &err) == RS_EUSAGE,
          "keys with spaces, and the reserved 'kind', are refused");
    rs_model_free(refusing);

    rs_model *l = rs_model_load(path, &err);
    CHECK(l && !strcmp(rs_model_kind(l), "linreg"), "loads, kind read back");
    double l2;
    int64_t nf;
    CHECK(l && rs_model_get_f64(l, "l2", &l2, &err) == RS_OK && l2 == 0.1 &&
              rs_model_get_i64(l, "n_features", &nf, &err) == RS_OK && nf == 3 &&
              !strcmp(rs_model_get(l, "features"), "a,b,c"),
          "hyper-parameters in full precision");
    size_t rows = 0, cols = 0;
    const float *t = l ? rs_model_tensor(l, "weights", &rows, &cols) : NULL;
    CHECK(t && rows == 2 && cols == 3 && !memcmp(t, w, sizeof w) && (uintptr_t)t % RS_MODEL_ALIGN == 0,
          "the tensor reads back bit for bit, 64-byte aligned in the mapping");
    rs_idmap *back = l ? rs_model_ids_new(l, "users", &err) : NULL;
    size_t len;
    CHECK(back && rs_idmap_size(back) == 3 && rs_idmap_find(back, "device:9f2c", 11) == 2 &&
              rs_idmap_find(back, "", 0) == 1 && !memcmp(rs_idmap_key(back, 0, &len), "17850", 5),
          "the id map reads back in its order");
    CHECK(l && !rs_model_tensor(l, "bias", &rows, &cols) && !rs_model_get(l, "missing") &&
              rs_model_get_f64(l, "missing", &l2, &err) == RS_EDATA && strstr(err.msg, "missing"),
          "absent tensors and keys are reported");
    rs_idmap_free(back);
    rs_model_free(l);

    size_t n;
    char *bytes = slurp(path, &n);
    char bad[] = "/tmp/rs-model-bad.XXXXXX";
    close(mkstemp(bad));
    spit(bad, bytes, n - 20);
    CHECK(!rs_model_load(bad, &err) && strstr(err.msg, "truncated"), "a truncated file: %s", err.msg);
    char *copy = malloc(n);
    memcpy(copy, bytes, n);
    copy[n / 2] ^= 1;
    spit(bad, copy, n);
    CHECK(!rs_model_load(bad, &err) && strstr(err.msg, "checksum"), "a flipped bit: %s", err.msg);
    memcpy(copy, bytes, n);
    copy[8] = 7;   /* a damaged version field: the checksum says so */
    spit(bad, copy, n);
    CHECK(!rs_model_load(bad, &err) && strstr(err.msg, "damaged") && !strstr(err.msg, "upgrade"),
          "a damaged version field is damage: %s", err.msg);
    uint64_t sum = rs_hash64(copy, n - 16, 0);   /* a file a newer rs wrote: its checksum holds */
    memcpy(copy + n - 16, &sum, 8);
    spit(bad, copy, n);
    CHECK(!rs_model_load(bad, &err) && strstr(err.msg, "version 7") && strstr(err.msg, "upgrade"),
          "a newer version names both: %s", err.msg);
    spit(bad, "user,item\n1,2\n", 14);
    CHECK(!rs_model_load(bad, &err) && strstr(err.msg, "not a valid rs model file"), "a CSV is not a model: %s", err.msg);
    CHECK(!rs_model_load("/nonexistent/m.rsm", &err) && err.code == RS_EIO, "a missing file is an I/O error");
    free(copy);
    free(bytes);
    unlink(bad);
    unlink(path);
    rs_idmap_free(users);
    return tap_done();
}
