/* A text model's scoring (lib/models/text_model.c) on hand-made models:
 * known probabilities from given weights, the same from the compact format
 * (the rows of the buckets training saw, "buckets") and the full one (all
 * 2^bits rows, the format before it), a numeric column (--features)
 * standardised from the model's mean and sd, and damaged bucket lists and
 * standardisations refused. */
#include "hash.h"
#include "models/text_model.h"
#include "tap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { BITS = 4, DIM = 1 << BITS, K = 2 };

/* --features x: its mean and sd (NULL: the key without the tensors). */
typedef struct {
    const float *mean, *sd;
} numbers;

/* Save and load a logreg text model on column t with word unigrams,
 * idf 1, bias 0, and the given weights (rows x K) and buckets (NULL: none);
 * with num, the numeric column x; with norm, char 3-grams too and the key
 * text_norm norm ("" : char 3-grams without the key, as models before it). */
static rs_model *made_with(const float *weights, size_t rows, const int32_t *buckets, size_t n_buckets,
                           const numbers *num, const char *norm)
{
    rs_error err = {0};
    char path[] = "/tmp/rs-text-model.XXXXXX";
    close(mkstemp(path));
    float idf[DIM], bias[K] = {0, 0};
    for (size_t b = 0; b < DIM; b++)
        idf[b] = 1;
    rs_idmap *classes = rs_idmap_new();
    rs_idmap_intern(classes, "neg", 3, NULL);
    rs_idmap_intern(classes, "pos", 3, NULL);
    rs_model *m = rs_model_new("logreg");
    int ok = !rs_model_set(m, "label", "y", &err) && !rs_model_set(m, "text", "t", &err) &&
             !rs_model_set_i64(m, "text_bits", BITS, &err) && !rs_model_set_i64(m, "word_ngrams", 1, &err) &&
             !rs_model_set(m, "char_ngrams", norm ? "3,3" : "0,0", &err) &&
             (!norm || !*norm || !rs_model_set(m, "text_norm", norm, &err)) &&
             !rs_model_set_i64(m, "n_classes", K, &err) &&
             !rs_model_add_ids(m, "classes", classes, &err) && !rs_model_add_tensor(m, "idf", idf, 1, DIM, &err) &&
             !rs_model_add_tensor(m, "bias", bias, 1, K, &err) &&
             !rs_model_add_tensor(m, "weights", weights, rows, K, &err) &&
             (!buckets || !rs_model_add_i32(m, "buckets", buckets, 1, n_buckets, &err)) &&
             (!num || !rs_model_set(m, "features", "x", &err)) &&
             (!num || !num->mean || (!rs_model_add_tensor(m, "num_mean", num->mean, 1, 1, &err) &&
                                     !rs_model_add_tensor(m, "num_sd", num->sd, 1, 1, &err))) &&
             !rs_model_save(m, path, &err);
    rs_model_free(m);
    rs_idmap_free(classes);
    rs_model *l = ok ? rs_model_load(path, &err) : NULL;
    unlink(path);
    return l;
}

static rs_model *made(const float *weights, size_t rows, const int32_t *buckets, size_t n_buckets)
{
    return made_with(weights, rows, buckets, n_buckets, NULL, NULL);
}

/* P(pos) of text and the number x (for a model with --features x) under
 * m, or -1 when the model does not load or score. */
static double p_pos_x(const rs_model *m, const char *text, double x, char *msg, size_t msg_size)
{
    rs_error err = {0};
    rs_text_model *tm = NULL;
    rs_text_scorer s = {0};
    double proba[K] = {-1, -1};
    rs_field f = {text, strlen(text)};
    const rs_field *texts[1] = {&f};
    if (!m || rs_text_model_load(m, &tm, &err) != RS_OK || !tm || rs_text_model_score(tm, &s, texts, &x, proba, &err))
        proba[1] = -1;
    snprintf(msg, msg_size, "%s", err.msg);
    rs_text_scorer_free(&s);
    rs_text_model_free(tm);
    return proba[1];
}

static double p_pos(const rs_model *m, const char *text, char *msg, size_t msg_size)
{
    return p_pos_x(m, text, 0, msg, msg_size);
}

/* --features x (mean 2, sd 4) as bucket 2^bits: its weights (-1, 1) */
static void numeric_checks(const float *compact, const int32_t *buckets, char *msg, size_t msg_size)
{
    float with_x[3 * K] = {compact[0], compact[1], compact[2], compact[3], -1, 1}, mean = 2, sd = 4, zero = 0;
    int32_t with_bucket[3] = {buckets[0], buckets[1], DIM}, beyond[3] = {buckets[0], buckets[1], DIM + 1};
    rs_model *m = made_with(with_x, 3, with_bucket, 3, &(numbers){&mean, &sd}, NULL);
    CHECK(fabs(p_pos_x(m, "so", 10, msg, msg_size) - 1 / (1 + exp(-4.0))) < 1e-6,
          "x = 10 is (10 - 2) / 4 = 2 standardised: scores (-2, 2), P(pos) = 1 / (1 + e^-4): %s", msg);
    CHECK(fabs(p_pos_x(m, "good", 2, msg, msg_size) - 1 / (1 + exp(-2.0))) < 1e-6,
          "x = 2 (the mean) adds nothing to 'good' (0, 2): %s", msg);
    CHECK(fabs(p_pos_x(m, "bad", -2, msg, msg_size) - 1 / (1 + exp(4.0))) < 1e-6,
          "'bad' (1, -1) and x = -2, z = -1 (1, -1): (2, -2), P(pos) = 1 / (1 + e^4): %s", msg);
    rs_model_free(m);
    m = made_with(with_x, 3, with_bucket, 3, &(numbers){&mean, &zero}, NULL);
    CHECK(p_pos_x(m, "so", 1, msg, msg_size) == -1 && strstr(msg, "standardisation of 'x' is damaged"),
          "a standard deviation of 0: %s", msg);
    rs_model_free(m);
    m = made_with(with_x, 3, with_bucket, 3, &(numbers){NULL, NULL}, NULL);
    CHECK(p_pos_x(m, "so", 1, msg, msg_size) == -1 && strstr(msg, "num_mean or num_sd tensor is missing"),
          "features without num_mean and num_sd: %s", msg);
    rs_model_free(m);
    m = made_with(with_x, 3, beyond, 3, &(numbers){&mean, &sd}, NULL);
    CHECK(p_pos_x(m, "so", 1, msg, msg_size) == -1 && strstr(msg, "buckets are damaged (17 at 2)"),
          "a bucket beyond 2^bits + the numeric columns: %s", msg);
    rs_model_free(m);
}

static uint32_t bucket(const char *word)
{
    return (uint32_t)(rs_hash64(word, strlen(word), 0) & (DIM - 1));
}

/* --text-norm: "cd" with char 3-grams is the word cd and the grams " cd"
 * and "cd " (in three buckets, checked).  Every bucket's weights are (0, 1),
 * so the pos score is the sum of the row's values.  blocks: the word block
 * (cd) and the char block are each L2-normalised to 1/sqrt 2: 1/sqrt 2 +
 * 2 (1/2); row (and a model without the key): three values 1/sqrt 3. */
static void norm_checks(char *msg, size_t msg_size)
{
    uint32_t w = bucket("cd"), g1 = (uint32_t)(rs_hash64(" cd", 3, 1) & (DIM - 1)),
             g2 = (uint32_t)(rs_hash64("cd ", 3, 1) & (DIM - 1));
    CHECK(w != g1 && w != g2 && g1 != g2, "'cd', ' cd' and 'cd ' fall in buckets %u, %u and %u of 16", w, g1, g2);
    float ones[DIM * K];
    for (size_t b = 0; b < DIM; b++)
        ones[b * K] = 0, ones[b * K + 1] = 1;
    double blocks = 1 / sqrt(2.0) + 1, row = sqrt(3.0);
    const char *norm[3] = {"blocks", "row", ""};
    double want[3] = {blocks, row, row};
    for (int i = 0; i < 3; i++) {
        rs_model *m = made_with(ones, DIM, NULL, 0, NULL, norm[i]);
        CHECK(fabs(p_pos(m, "CD", msg, msg_size) - 1 / (1 + exp(-want[i]))) < 1e-6,
              "text_norm '%s': 'CD' scores (0, %.4f): %s", norm[i], want[i], msg);
        rs_model_free(m);
    }
    /* "ab": the word ab and the gram "ab " share bucket 10 (checked): blocks keep it in both blocks (the
     * same sum); row merges the counts, (2, 1) over sqrt 5 */
    uint32_t w_ab = bucket("ab"), g_ab = (uint32_t)(rs_hash64("ab ", 3, 1) & (DIM - 1));
    CHECK(w_ab == g_ab, "'ab' and 'ab ' share bucket %u of 16 (%u)", w_ab, g_ab);
    want[0] = blocks, want[1] = want[2] = 3 / sqrt(5.0);
    for (int i = 0; i < 3; i++) {
        rs_model *m = made_with(ones, DIM, NULL, 0, NULL, norm[i]);
        CHECK(fabs(p_pos(m, "ab", msg, msg_size) - 1 / (1 + exp(-want[i]))) < 1e-6,
              "text_norm '%s': 'ab' scores (0, %.4f): %s", norm[i], want[i], msg);
        rs_model_free(m);
    }
    rs_model *m = made_with(ones, DIM, NULL, 0, NULL, "both");
    CHECK(p_pos(m, "cd", msg, msg_size) == -1 && strstr(msg, "text_norm 'both' is unknown"),
          "an unknown text_norm: %s", msg);
    rs_model_free(m);
}

int main(void)
{
    char msg[sizeof ((rs_error *)0)->msg];
    /* three words in three different buckets (checked, so the test means what it says) */
    const char *good = "good", *bad = "bad", *other = "so";
    uint32_t bg = bucket(good), bb = bucket(bad), bo = bucket(other);
    CHECK(bg != bb && bg != bo && bb != bo, "'good', 'bad' and 'so' fall in buckets %u, %u, %u of 16", bg, bb, bo);

    /* compact: row 0 is good's weights (0, 2), row 1 bad's (1, -1) */
    float compact[2 * K] = {0, 2, 1, -1};
    int32_t buckets[2] = {(int32_t)bg, (int32_t)bb};
    rs_model *mc = made(compact, 2, buckets, 2);
    /* full: the same rows at their buckets, zeros elsewhere */
    float full[DIM * K] = {0};
    full[bg * K + 1] = 2, full[bb * K] = 1, full[bb * K + 1] = -1;
    rs_model *mf = made(full, DIM, NULL, 0);
    rs_model *both[2] = {mc, mf};
    const char *name[2] = {"compact", "full"};
    for (int f = 0; f < 2; f++) {
        CHECK(fabs(p_pos(both[f], "Good!", msg, sizeof msg) - 1 / (1 + exp(-2.0))) < 1e-6,
              "%s: 'Good!' scores (0, 2): P(pos) = 1 / (1 + e^-2)", name[f]);
        CHECK(fabs(p_pos(both[f], "good bad", msg, sizeof msg) - 0.5) < 1e-6,
              "%s: 'good bad' (each 1/sqrt 2) scores (1, 1)/sqrt 2: P(pos) = 0.5", name[f]);
        CHECK(fabs(p_pos(both[f], "bad", msg, sizeof msg) - 1 / (1 + exp(2.0))) < 1e-6,
              "%s: 'bad' scores (1, -1): P(pos) = 1 / (1 + e^2)", name[f]);
        CHECK(p_pos(both[f], "so", msg, sizeof msg) == 0.5, "%s: a word training never saw scores the bias: 0.5",
              name[f]);
        CHECK(fabs(p_pos(both[f], "so good", msg, sizeof msg) - 1 / (1 + exp(-sqrt(2.0)))) < 1e-6,
              "%s: an unseen word still counts in the L2 norm: 'so good' scores (0, 2/sqrt 2)", name[f]);
    }
    rs_model_free(mc), rs_model_free(mf);
    numeric_checks(compact, buckets, msg, sizeof msg);
    norm_checks(msg, sizeof msg);

    int32_t twice[2] = {(int32_t)bg, (int32_t)bg}, outside[2] = {(int32_t)bg, DIM};
    rs_model *m = made(compact, 2, twice, 2);
    CHECK(p_pos(m, "good", msg, sizeof msg) == -1 && strstr(msg, "buckets are damaged"), "a bucket listed twice: %s",
          msg);
    rs_model_free(m);
    m = made(compact, 2, outside, 2);
    CHECK(p_pos(m, "good", msg, sizeof msg) == -1 && strstr(msg, "buckets are damaged (16 at 1)"),
          "a bucket beyond 2^bits: %s", msg);
    rs_model_free(m);
    m = made(compact, 2, buckets, 1);
    CHECK(p_pos(m, "good", msg, sizeof msg) == -1 && strstr(msg, "wrong shape"), "2 weight rows for 1 bucket: %s", msg);
    rs_model_free(m);
    return tap_done();
}
