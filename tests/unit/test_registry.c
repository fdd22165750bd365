/* test_registry.c — every kind in the registry is complete for its family:
 * unique name, a summary, options known and defaults that parse within
 * their own ranges, and the functions its family's callers use. */
#include "models/kind.h"
#include "models/reco.h"
#include "models/supervised.h"
#include "tap.h"

#include <math.h>
#include <string.h>

static void check_kind(const rs_kind *k, const rs_kind *const *kinds, size_t n)
{
    size_t same_name = 0;
    for (size_t i = 0; i < n; i++)
        same_name += !strcmp(kinds[i]->name, k->name);
    CHECK(same_name == 1, "%s: listed once", k->name);
    CHECK(rs_kind_find(k->name) == k, "%s: found by its name", k->name);
    CHECK(k->summary && strlen(k->summary) > 10 && strlen(k->summary) <= 70, "%s: a one-line summary", k->name);
    CHECK(k->options != NULL && k->quick_args != NULL, "%s: an option table and quick options", k->name);
    rs_params p;
    rs_error err = {0};
    CHECK(rs_params_init(&p, k, &err) == RS_OK, "%s: its defaults parse (%s)", k->name, err.msg);
    for (const rs_kind_option *o = k->options; o->name; o++) {
        CHECK(rs_option_def_find(o->name) != NULL, "%s --%s: a known option", k->name, o->name);
        CHECK(o->dflt || o->note || o->scale == RS_SEARCH_NONE || o->scale == RS_SEARCH_CHOICE,
              "%s --%s: a searched option has a default", k->name, o->name);
        if (o->scale == RS_SEARCH_LOG || o->scale == RS_SEARCH_LOG_INT)
            CHECK(o->search_lo > 0 && o->search_hi > o->search_lo, "%s --%s: a log search range > 0", k->name,
                  o->name);
        if (o->scale == RS_SEARCH_LINEAR || o->scale == RS_SEARCH_INT || o->scale == RS_SEARCH_LOG ||
            o->scale == RS_SEARCH_LOG_INT)
            CHECK(o->search_lo >= o->lo && (isinf(o->hi) || o->search_hi <= o->hi),
                  "%s --%s: the search range lies in the valid range", k->name, o->name);
    }
    if (k->family == RS_FAMILY_SUPERVISED)
        CHECK(k->train_rows && k->rows_load && k->rows_score && k->rows_probability && k->unload,
              "%s: supervised: train_rows, rows_load, rows_score, rows_probability, unload", k->name);
    else
        CHECK((k->score_block || k->score_row) && k->score_pair,
              "%s: recommender: score_block or score_row, and score_pair", k->name);
    CHECK(!k->work_new == !k->work_free, "%s: work_new and work_free come together", k->name);
}

int main(void)
{
    size_t n;
    const rs_kind *const *kinds = rs_kinds(&n);
    CHECK(n >= 11, "the registry lists the kinds (%zu)", n);
    for (size_t i = 0; i < n; i++)
        check_kind(kinds[i], kinds, n);
    CHECK(rs_kind_find("forest") == NULL, "an unknown name is not a kind");
    CHECK(rs_kind_find("po") == NULL && rs_kind_find("popular") == NULL, "names match exactly");
    rs_params p;
    rs_error err = {0};
    const rs_kind *ease = rs_kind_find("ease");
    CHECK(ease && rs_params_init(&p, ease, &err) == RS_OK && p.l2 == 0,
          "ease's default l2 is derived from the data at training (0 in the parameters)");
    CHECK(rs_params_set(&p, ease, "factors", "8", &err) == RS_EUSAGE &&
              strstr(err.msg, "--factors is not an option of --model ease") != NULL,
          "an option the kind does not list is a usage error naming both: %s", err.msg);
    const rs_kind *mlp = rs_kind_find("mlp");
    CHECK(mlp && rs_params_init(&p, mlp, &err) == RS_OK && rs_params_set(&p, mlp, "hidden", "8,4", &err) == RS_OK &&
              p.n_hidden == 2 && p.hidden[0] == 8 && p.hidden[1] == 4 && !p.no_hidden,
          "--hidden 8,4 gives two layers");
    CHECK(rs_params_set(&p, mlp, "hidden", "0", &err) == RS_OK && p.n_hidden == 0 && p.no_hidden,
          "--hidden 0: no hidden layer (not the derived width)");
    CHECK(rs_params_set(&p, mlp, "dropout", "1", &err) == RS_EUSAGE && strstr(err.msg, "0 <= X < 1") != NULL,
          "an open range end is refused and named: %s", err.msg);
    /* a model file of a kind this build does not know (make fuzz found a
     * crash here): both scorers refuse it */
    rs_model *unknown = rs_model_new("nosuch");
    const char *path = tap_temp_file("", 0);
    CHECK(unknown && rs_model_save(unknown, path, &err) == RS_OK, "a model of kind nosuch is saved");
    rs_model_free(unknown);
    rs_model *loaded = rs_model_load(path, &err);
    CHECK(loaded != NULL, "and loads");
    rs_error e1 = {0}, e2 = {0};
    CHECK(loaded && !rs_scorer_new(loaded, &e1) && e1.code == RS_EDATA && strstr(e1.msg, "unknown model kind 'nosuch'"),
          "rs_scorer_new refuses it: %s", e1.msg);
    CHECK(loaded && !rs_reco_new(loaded, &e2) && e2.code == RS_EDATA && strstr(e2.msg, "unknown model kind 'nosuch'"),
          "rs_reco_new refuses it: %s", e2.msg);
    rs_model_free(loaded);
    unlink(path);
    return tap_done();
}
