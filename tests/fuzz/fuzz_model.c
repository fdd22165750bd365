/* libFuzzer harness: the .rsm loader and everything rs-predict reads from a
 * model (header keys, id maps, tensors, the scorer) must reject any bytes
 * cleanly.  make fuzz runs it. */
#include "model.h"
#include "supervised.h"

#include "fuzz_file.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/rs-fuzz-model.XXXXXX";
    if (fuzz_file_write(data, size, path) < 0)
        return 0;
    rs_error err = {0};
    rs_model *m = rs_model_load(path, &err);
    if (m) {
        rs_scorer *s = rs_scorer_new(m, &err);
        if (s) {
            float rows[4 * 64] = {0};
            double scores[4];
            if (rs_scorer_n_features(s) <= 64)
                rs_scorer_score(s, rows, 1, scores);
            rs_scorer_free(s);
        }
        rs_model_free(m);
    }
    unlink(path);
    return 0;
}
