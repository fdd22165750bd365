/* libFuzzer harness: the .rsm loader and everything rs-predict and
 * rs-recommend read from a model (header keys, id maps, tensors, CSR
 * sections, the scorers) must reject any bytes cleanly.  make fuzz runs it. */
#include "io/model.h"
#include "models/reco.h"
#include "models/supervised.h"

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
        rs_reco *r = rs_reco_new(m, &err);
        rs_reco_work *w = r ? rs_reco_work_new(r) : NULL;
        float *scores = w && rs_reco_n_items(r) <= 4096 ? malloc(2 * (rs_reco_n_items(r) + 1) * sizeof *scores) : NULL;
        if (scores) {
            rs_reco_query q[2] = {{0, NULL, NULL, 0}, {-1, NULL, NULL, 0}};
            if (rs_idmap_size(rs_reco_users(r)) == 0)
                q[0].user = -1;
            rs_reco_score(r, q, 2, scores, w);
            if (rs_reco_n_items(r)) {
                (void)rs_reco_score_pair(r, &q[0], 0, w);
                if (rs_reco_has_similar(r))
                    rs_reco_similar(r, 0, scores);
            }
        }
        free(scores);
        rs_reco_work_free(w);
        rs_reco_free(r);
        rs_model_free(m);
    }
    unlink(path);
    return 0;
}
