/* reco_fixture.h — random interaction tables trained into recommender
 * models the way rs-train does (interactions read from a CSV, the model
 * saved and loaded back), for the unit tests that hold a fast path equal
 * to its reference (test_als.c, test_ease.c, test_reco_score.c). */
#ifndef RS_RECO_FIXTURE_H
#define RS_RECO_FIXTURE_H

#include "io/interactions.h"
#include "io/model.h"
#include "models/kind.h"
#include "models/reco.h"
#include "rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh temp file name in path (at least 32 bytes). */
__attribute__((unused)) static void fixture_temp(char *path)
{
    strcpy(path, "/tmp/rs-unit.XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        exit(2);
    }
    close(fd);
}

/* user,item,value rows into a temp CSV (path): every user has at least
 * one item, each other pair is there with probability density; values
 * are 1..5 when rated, else 1.  Users are "u0".., items "i0".. */
__attribute__((unused)) static void fixture_ratings(rs_rng *rng, size_t n_users, size_t n_items, double density, int rated, char *path)
{
    fixture_temp(path);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fprintf(f, "user,item,value\n");
    for (size_t u = 0; u < n_users; u++) {
        size_t first = (size_t)rs_rng_below(rng, n_items);
        for (size_t i = 0; i < n_items; i++)
            if (i == first || rs_rng_uniform(rng) < density)
                fprintf(f, "u%zu,i%zu,%d\n", u, i, rated ? 1 + (int)rs_rng_below(rng, 5) : 1);
    }
    if (fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

/* item,text rows for content: a few words of a small vocabulary per item. */
__attribute__((unused)) static void fixture_item_text(rs_rng *rng, size_t n_items, char *path)
{
    static const char *const words[] = {"red", "blue", "mug", "cup", "tea", "set", "box", "gift", "lamp", "vintage"};
    fixture_temp(path);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fprintf(f, "item,text\n");
    for (size_t i = 0; i < n_items; i++) {
        fprintf(f, "i%zu,", i);
        for (int w = 0, n = 1 + (int)rs_rng_below(rng, 4); w < n; w++)
            fprintf(f, "%s%s", w ? " " : "", words[rs_rng_below(rng, sizeof words / sizeof *words)]);
        fprintf(f, "\n");
    }
    fclose(f);
}

/* Train kind on the CSV with options (name, value, ..., NULL; names
 * without "--"; "seed" is the run's seed, the others the kind's), save, load back: the loaded model (free with
 * rs_model_free), or NULL with err set. */
__attribute__((unused)) static rs_model *fixture_train(const char *kind_name, const char *csv, const char *const *options, rs_error *err)
{
    const rs_kind *kind = rs_kind_find(kind_name);
    rs_params p;
    if (!kind) {
        rs_error_set(err, RS_EUSAGE, NULL, 0, "no kind %s", kind_name);
        return NULL;
    }
    if (rs_params_init(&p, kind, err) != RS_OK)
        return NULL;
    for (size_t i = 0; options && options[i]; i += 2)
        if (!strcmp(options[i], "seed"))
            p.seed = strtoull(options[i + 1], NULL, 10);
        else if (rs_params_set(&p, kind, options[i], options[i + 1], err) != RS_OK)
            return NULL;
    rs_table_options table = {0};
    strcpy(table.csv.delim, ",");
    table.csv.max_field = RS_CSV_DEFAULT_MAX_FIELD;
    p.threads = 1;
    p.table = &table;
    rs_interactions_spec cols = {0};
    rs_interactions *x = rs_interactions_load(csv, &table, &cols, NULL, 1, NULL, err);
    rs_model *m = x ? rs_reco_train_new(x, &p, err) : NULL;
    char path[32];
    fixture_temp(path);
    rs_status st = m ? rs_model_save(m, path, err) : err->code;
    rs_model_free(m);   /* before x: the model borrowed x's id maps */
    rs_interactions_free(x);
    rs_model *loaded = st == RS_OK ? rs_model_load(path, err) : NULL;
    unlink(path);
    return loaded;
}

#endif
