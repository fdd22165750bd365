/* test_reco_score.c — block scoring (rs_reco_score: a kind's score_block,
 * one sgemm for the factor kinds and ease, or score_row per query) equals
 * pair scoring (rs_reco_score_pair: the kind's score_pair, what rs-predict
 * uses) for every recommender kind in the registry, on random models and
 * random blocks mixing model users, folded-in histories (empty ones too),
 * both, and queries with neither.
 *
 * Sums are in float in different orders (sgemm against a loop), so a score
 * may differ by rounding: the tolerance is 1e-5 of (the row's largest
 * |score| + 0.1).  One difference is by design (reco.h): mf scores
 * pairs as ratings, clamped to the training range, and a pair without a
 * user as the known biases (global mean + item bias), while its block
 * gives the unclamped score to rank by and popularity for the fallback. */
#include "reco_fixture.h"
#include "tap.h"

#include <math.h>

typedef struct {
    double mu, lo, hi;       /* mf: global mean, rating range */
    const float *item_bias;  /* mf */
} mf_view;

static float clamp(float s, const mf_view *mf) { return s < mf->lo ? (float)mf->lo : s > mf->hi ? (float)mf->hi : s; }

/* The kind's quick options (kind.h), its factors raised to 6 and epochs to
 * 2 when it has them, content's --item-features pointing at items_csv,
 * into options (name, value, ..., NULL) backed by buf. */
static void kind_options(const rs_kind *kind, const char *items_csv, char *buf, size_t size, const char **options)
{
    size_t n = 0;
    snprintf(buf, size, "%s", kind->quick_args);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        if (!strncmp(tok, "--", 2)) {
            options[n++] = tok + 2;
            options[n++] = "";
        } else if (n > 0) {
            options[n - 1] = tok;
        }
    }
    for (size_t i = 0; i < n; i += 2) {
        if (!strcmp(options[i], "item-features"))
            options[i + 1] = items_csv;
        else if (!strcmp(options[i], "factors"))
            options[i + 1] = "6";
        else if (!strcmp(options[i], "epochs"))
            options[i + 1] = "2";
    }
    options[n] = NULL;
}

/* A random query: a model user, a history, both, or neither.  items and
 * values are the query's own storage (n_items entries). */
static rs_reco_query random_query(rs_rng *rng, size_t n_users, size_t n_items, int32_t *items, float *values)
{
    rs_reco_query q = {.user = -1};
    int type = (int)rs_rng_below(rng, 4);
    if (type == 0 || type == 2)
        q.user = (int32_t)rs_rng_below(rng, n_users);
    if (type == 1 || type == 2) {
        size_t h = 0, want = rs_rng_below(rng, 9);
        for (size_t i = 0; i < n_items && h < want; i++)   /* ascending, unique */
            if (rs_rng_uniform(rng) < (double)(want - h) / (double)(n_items - i)) {
                items[h] = (int32_t)i;
                values[h++] = (float)(1 + rs_rng_below(rng, 5));
            }
        q.items = items, q.values = values, q.n_items = h;
        q.sequence = items, q.n_sequence = h;   /* for kinds that read order */
    }
    return q;
}

/* One kind on one random case: the largest |pair - block| / (the row's
 * largest |score| + 0.1); INFINITY when the kind did not train or a
 * fallback row is not popularity. */
static double one_case(const rs_kind *kind, rs_rng *rng, int trial, size_t *checked)
{
    size_t n_users = 2 + rs_rng_below(rng, 50), n_items = 2 + rs_rng_below(rng, 40);
    char csv[32], items_csv[32], buf[256];
    const char *options[32];
    fixture_ratings(rng, n_users, n_items, 0.05 + 0.3 * rs_rng_uniform(rng), 1, csv);
    fixture_item_text(rng, n_items, items_csv);
    kind_options(kind, items_csv, buf, sizeof buf, options);
    rs_error err = {0};
    rs_model *m = fixture_train(kind->name, csv, options, &err);
    unlink(csv);
    unlink(items_csv);
    rs_reco *r = m ? rs_reco_new(m, &err) : NULL;
    rs_reco_work *w = r ? rs_reco_work_new(r) : NULL;
    if (!w) {
        CHECK(0, "%s, case %d: trains and loads (%s)", kind->name, trial, err.msg);
        rs_reco_free(r);
        rs_model_free(m);
        return INFINITY;
    }
    int is_mf = !strcmp(kind->name, "mf");
    mf_view mf = {0, 0, 0, NULL};
    size_t rows, cols;
    if (is_mf) {
        rs_model_get_f64(m, "global_mean", &mf.mu, &err);
        rs_model_get_f64(m, "rating_min", &mf.lo, &err);
        rs_model_get_f64(m, "rating_max", &mf.hi, &err);
        mf.item_bias = rs_model_tensor(m, "item_bias", &rows, &cols);
    }
    const float *popularity = rs_model_tensor(m, "popularity", &rows, &cols);
    size_t n = rs_reco_n_items(r), nu = (size_t)rs_idmap_size(rs_reco_users(r));
    size_t n_queries = 1 + rs_rng_below(rng, 2 * RS_RECO_BLOCK + 10);
    rs_reco_query *q = malloc(n_queries * sizeof *q);
    int32_t *items = malloc(n_queries * n * sizeof *items);
    float *values = malloc(n_queries * n * sizeof *values), *scores = malloc(RS_RECO_BLOCK * n * sizeof *scores);
    for (size_t i = 0; i < n_queries; i++)
        q[i] = random_query(rng, nu, n, items + i * n, values + i * n);
    double worst = 0;
    for (size_t start = 0; start < n_queries; start += RS_RECO_BLOCK) {
        size_t block = n_queries - start < RS_RECO_BLOCK ? n_queries - start : RS_RECO_BLOCK;
        rs_reco_score(r, q + start, block, scores, w);
        for (size_t i = 0; i < block; i++) {
            const rs_reco_query *qi = &q[start + i];
            const float *row = scores + i * n;
            int served = rs_reco_serves(r, qi);
            double scale = 0;
            for (size_t j = 0; j < n; j++)
                scale = fabs(row[j]) > scale ? fabs(row[j]) : scale;
            for (size_t j = 0; j < n; j++) {
                float pair = rs_reco_score_pair(r, qi, (int32_t)j, w), want = row[j];
                if (!served && row[j] != popularity[j])
                    worst = INFINITY;   /* the block's fallback is popularity */
                if (is_mf)
                    want = served ? clamp(row[j], &mf) : clamp((float)mf.mu + mf.item_bias[j], &mf);
                double d = fabs((double)pair - want) / (scale + 0.1);
                worst = d > worst || isnan(d) ? d : worst;
                (*checked)++;
            }
        }
    }
    free(q), free(items), free(values), free(scores);
    rs_reco_work_free(w);
    rs_reco_free(r);
    rs_model_free(m);
    return worst;
}

int main(void)
{
    rs_rng rng;
    rs_rng_seed(&rng, 20240614);
    size_t n_kinds, n_recommenders = 0;
    const rs_kind *const *kinds = rs_kinds(&n_kinds);
    for (size_t k = 0; k < n_kinds; k++) {
        if (kinds[k]->family != RS_FAMILY_RECOMMENDER)
            continue;
        n_recommenders++;
        double worst = 0;
        size_t checked = 0;
        for (int trial = 0; trial < 6; trial++) {
            double d = one_case(kinds[k], &rng, trial, &checked);
            worst = d > worst || isnan(d) ? d : worst;
        }
        CHECK(worst <= 1e-5, "%s: block scores equal pair scores on %zu (query, item) pairs (largest difference "
              "%.3g of the row's scale)", kinds[k]->name, checked, worst);
    }
    CHECK(n_recommenders >= 8, "every recommender kind was checked (%zu)", n_recommenders);
    return tap_done();
}
