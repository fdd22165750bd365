/* libFuzzer harness: the .rsm loader and everything rs-predict and
 * rs-recommend read from a model (header keys, id maps, tensors, CSR
 * sections, the scorers) must reject any bytes cleanly.  make fuzz runs it.
 * The harness rewrites the checksum of a file that ends in the trailer tag,
 * so that mutated bytes reach the checks behind it also when replayed by a
 * normal build (tests/fuzz/replay.c; make fuzz also builds librs with
 * RS_FUZZING, which skips the checksum). */
#include "hash.h"
#include "io/model.h"
#include "models/reco.h"
#include "models/supervised.h"

#include "fuzz_file.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* As rs-recommend and rs-predict do: a model user (with the history it
 * was trained on), a history alone (folded in), and nobody (popularity);
 * pairs, explanations and similar items. */
static void score_reco(const rs_model *m)
{
    rs_error err = {0};
    rs_reco *r = rs_reco_new(m, &err);
    rs_reco_work *w = r ? rs_reco_work_new(r) : NULL;
    size_t n_items = r ? rs_reco_n_items(r) : 0;
    float *scores = w && n_items <= 4096 ? malloc(3 * (n_items + 1) * sizeof *scores) : NULL;
    if (scores) {
        int32_t items[2] = {0, (int32_t)n_items - 1};
        float values[2] = {1, 2};
        size_t n_hist = n_items == 0 ? 0 : n_items == 1 ? 1 : 2;
        rs_reco_query q[3] = {
            {.user = rs_idmap_size(rs_reco_users(r)) ? 0 : -1},
            {.user = -1, .items = items, .values = values, .n_items = n_hist, .sequence = items, .n_sequence = n_hist},
            {.user = -1},
        };
        if (q[0].user == 0) {
            const float *seen_values;
            q[0].n_items = rs_reco_seen(r, 0, &q[0].items, &seen_values);
            q[0].values = seen_values;
        }
        rs_reco_score(r, q, 3, scores, w);
        for (int k = 0; k < 3; k++) {
            (void)rs_reco_serves(r, &q[k]);
            (void)rs_reco_score_pair(r, &q[k], -1, w);
            if (n_items) {
                (void)rs_reco_score_pair(r, &q[k], (int32_t)n_items - 1, w);
                if (rs_reco_explains(r))
                    (void)rs_reco_explain(r, &q[k], 0);
            }
        }
        if (n_items && rs_reco_has_similar(r))
            rs_reco_similar(r, (int32_t)n_items - 1, scores);
        (void)rs_reco_folds_in(r);
    }
    free(scores);
    rs_reco_work_free(w);
    rs_reco_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum { TRAILER = 16 };   /* checksum u64, then "RSMEND\0\0" (io/model.c) */
    unsigned char *file = malloc(size + 1);
    if (!file)
        return 0;
    memcpy(file, data, size);
    if (size >= 2 * TRAILER && memcmp(file + size - 8, "RSMEND\0\0", 8) == 0) {
        uint64_t sum = rs_hash64(file, size - TRAILER, 0);
        for (int i = 0; i < 8; i++)
            file[size - TRAILER + i] = (unsigned char)(sum >> (8 * i));
    }
    char path[] = "/tmp/rs-fuzz-model.XXXXXX";
    int written = fuzz_file_write(file, size, path);
    free(file);
    if (written < 0)
        return 0;
    rs_error err = {0};
    rs_model *m = rs_model_load(path, &err);
    if (m) {
        rs_scorer *s = rs_scorer_new(m, &err);
        if (s) {
            float rows[2 * 64];
            double scores[2];
            for (size_t j = 0; j < 2 * 64; j++)
                rows[j] = (float)((int)(j % 5) - 2);
            if (rs_scorer_n_features(s) <= 64)
                rs_scorer_score(s, rows, 2, scores);
            for (size_t j = 0; j < rs_scorer_n_features(s) && j < 4; j++)
                (void)rs_scorer_feature(s, j);
            (void)rs_scorer_is_probability(s);
            rs_scorer_free(s);
        }
        score_reco(m);
        rs_model_free(m);
    }
    unlink(path);
    return 0;
}
