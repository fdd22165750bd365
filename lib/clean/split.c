/* split.c — rs-split: one pass to learn what each row is (its stratum,
 * user, time), a decision per row, then one pass that writes. */
#include "clean/split.h"

#include "hash.h"
#include "idmap.h"
#include "io/sequences.h"
#include "mem.h"
#include "rng.h"
#include "timeparse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const rs_split_spec *spec;
    rs_table *table;
    size_t n_cols;
    size_t group_col, time_col, key_col, item_col, basket_col;
    int has_group, has_time, has_item, has_basket;
    long n_rows;
    int32_t *group;       /* (n_rows) stratum or user index */
    int64_t *time;        /* (n_rows) last modes */
    uint64_t *tie;        /* (n_rows) last modes with an item column: rs_seq_tie(user, item) */
    uint64_t *basket_tie; /* (n_rows) with --basket-col: rs_seq_tie(user, basket) */
    int32_t *basket;      /* (n_rows) with --basket-col: the basket id's index */
    size_t rows_cap, time_cap, tie_cap, basket_tie_cap, basket_cap;
    rs_idmap *groups, *baskets;
    unsigned char *to_test;  /* (n_rows) the decision */
} splitter;

/* The shard (0..n-1) of a key: rs_hash64, stable across versions. */
static long shard_of(const char *key, size_t len, long n)
{
    return (long)(rs_hash64(key, len, 0) % (uint64_t)n);
}

static rs_status parse_time(const splitter *s, const rs_record *rec, int64_t *t, rs_error *err)
{
    const rs_field *f = &rec->fields[s->time_col];
    int rc = rs_time_parse(f->ptr, f->len, s->spec->time_format, t);
    if (rc == 0)
        return RS_OK;
    return rs_table_bad_field(s->table, rec, s->time_col,
                              rs_time_expected(rc, s->spec->time_format
                                                       ? "a time (epoch seconds or ISO 8601, or --time-format)"
                                                       : "a time (epoch seconds or ISO 8601)"),
                              err);
}

/* The seeded tie-breaks of a row (io/sequences.h: the order rs-train's
 * sequence kinds use), and its basket. */
static rs_status learn_ties(splitter *s, const rs_record *rec, size_t i, rs_error *err)
{
    const rs_field *u = &rec->fields[s->group_col];
    uint64_t seed = s->spec->seed;
    if (s->has_item) {
        const rs_field *it = &rec->fields[s->item_col];
        if (rs_grow((void **)&s->tie, &s->tie_cap, i + 1, sizeof *s->tie) < 0)
            return rs_error_nomem(err);
        s->tie[i] = rs_seq_tie(seed, u->ptr, u->len, it->ptr, it->len);
    }
    if (s->has_basket) {
        const rs_field *b = &rec->fields[s->basket_col];
        if (rs_grow((void **)&s->basket_tie, &s->basket_tie_cap, i + 1, sizeof *s->basket_tie) < 0 ||
            rs_grow((void **)&s->basket, &s->basket_cap, i + 1, sizeof *s->basket) < 0 ||
            (s->basket[i] = rs_idmap_intern(s->baskets, b->ptr, b->len, NULL)) < 0)
            return rs_error_nomem(err);
        s->basket_tie[i] = rs_seq_tie(seed, u->ptr, u->len, b->ptr, b->len);
    }
    return RS_OK;
}

/* Pass 1: remember each row's group and time. */
static rs_status learn_rows(splitter *s, rs_error *err)
{
    rs_record rec;
    int got;
    while ((got = rs_table_next(s->table, &rec, err)) > 0) {
        if (rs_table_check_width(s->table, &rec, err))
            return err->code;
        size_t i = (size_t)s->n_rows;
        if (s->has_group) {
            if (rs_grow((void **)&s->group, &s->rows_cap, i + 1, sizeof *s->group) < 0)
                return rs_error_nomem(err);
            const rs_field *f = &rec.fields[s->group_col];
            if ((s->group[i] = rs_idmap_intern(s->groups, f->ptr, f->len, NULL)) < 0)
                return rs_error_nomem(err);
        }
        if (s->has_time) {
            if (rs_grow((void **)&s->time, &s->time_cap, i + 1, sizeof *s->time) < 0)
                return rs_error_nomem(err);
            if (parse_time(s, &rec, &s->time[i], err))
                return err->code;
        }
        if ((s->has_item || s->has_basket) && learn_ties(s, &rec, i, err))
            return err->code;
        s->n_rows++;
    }
    return got < 0 ? err->code : RS_OK;
}

/* Exactly round(ratio * n) of each group's n rows go to train, chosen by
 * selection sampling (Knuth's Algorithm S) in row order: every subset of
 * that size is equally likely, and one seeded stream decides them all.
 * min_train_2: a group of 2 or more rows keeps at least one in train, a
 * group of one row goes to train (per-user splits). */
static rs_status decide_by_groups(splitter *s, int min_train_2, rs_error *err)
{
    size_t n_groups = s->has_group ? (size_t)rs_idmap_size(s->groups) : 1;
    long *size = calloc(n_groups ? n_groups : 1, sizeof *size);
    long *seen = calloc(n_groups ? n_groups : 1, sizeof *seen);
    long *train = calloc(n_groups ? n_groups : 1, sizeof *train);
    if (!size || !seen || !train) {
        free(size), free(seen), free(train);
        return rs_error_nomem(err);
    }
    for (long i = 0; i < s->n_rows; i++)
        size[s->has_group ? s->group[i] : 0]++;
    rs_rng rng;
    rs_rng_seed(&rng, s->spec->seed);
    for (long i = 0; i < s->n_rows; i++) {
        size_t g = s->has_group ? (size_t)s->group[i] : 0;
        long want = lround(s->spec->ratio * (double)size[g]);
        if (min_train_2 && want < 1)
            want = 1;
        double u = rs_rng_uniform(&rng);
        int to_train = u * (double)(size[g] - seen[g]) < (double)(want - train[g]);
        train[g] += to_train;
        seen[g]++;
        s->to_test[i] = !to_train;
    }
    free(size), free(seen), free(train);
    return RS_OK;
}

static const splitter *sort_ctx;

static int by_group_time_row(const void *a, const void *b)
{
    long i = *(const long *)a, j = *(const long *)b;
    const splitter *s = sort_ctx;
    if (s->group[i] != s->group[j])
        return s->group[i] < s->group[j] ? -1 : 1;
    if (s->time[i] != s->time[j])
        return s->time[i] < s->time[j] ? -1 : 1;
    /* equal times: the seeded hashes (never the ids), then the later row */
    if (s->basket_tie && s->basket_tie[i] != s->basket_tie[j])
        return s->basket_tie[i] < s->basket_tie[j] ? -1 : 1;
    if (s->tie && s->tie[i] != s->tie[j])
        return s->tie[i] < s->tie[j] ? -1 : 1;
    return (i > j) - (i < j);
}

/* Row order[k] starts a new step after order[k - 1] (same user): every row
 * in last mode; in last-basket mode a new basket id, or a new time. */
static int new_step(const splitter *s, long a, long b)
{
    if (s->spec->mode != RS_SPLIT_LAST_BASKET)
        return 1;
    return s->has_basket ? s->basket[a] != s->basket[b] : s->time[a] != s->time[b];
}

/* The last N rows (baskets) of each user by time go to test. */
static rs_status decide_last(splitter *s, rs_error *err)
{
    long *order = malloc((size_t)(s->n_rows ? s->n_rows : 1) * sizeof *order);
    if (!order)
        return rs_error_nomem(err);
    for (long i = 0; i < s->n_rows; i++)
        order[i] = i;
    sort_ctx = s;
    qsort(order, (size_t)s->n_rows, sizeof *order, by_group_time_row);
    for (long k = s->n_rows - 1, steps = 0; k >= 0; k--) {
        if (k == s->n_rows - 1 || s->group[order[k]] != s->group[order[k + 1]])
            steps = 1;
        else
            steps += new_step(s, order[k], order[k + 1]);
        s->to_test[order[k]] = steps <= s->spec->last_n;
    }
    free(order);
    return RS_OK;
}

/* Fold of row perm[j] is j mod K for a seeded permutation: the K test folds
 * partition the rows, their sizes differ by at most one. */
static rs_status decide_folds(splitter *s, rs_error *err)
{
    long *perm = malloc((size_t)(s->n_rows ? s->n_rows : 1) * sizeof *perm);
    if (!perm)
        return rs_error_nomem(err);
    for (long i = 0; i < s->n_rows; i++)
        perm[i] = i;
    rs_rng rng;
    rs_rng_seed(&rng, s->spec->seed);
    for (long i = s->n_rows - 1; i > 0; i--) {
        long j = (long)rs_rng_below(&rng, (uint64_t)i + 1), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (long j = 0; j < s->n_rows; j++)
        s->to_test[perm[j]] = j % s->spec->folds == s->spec->fold - 1;
    free(perm);
    return RS_OK;
}

static int streams(const rs_split_spec *spec)
{
    return spec->mode == RS_SPLIT_TIME || spec->mode == RS_SPLIT_SHARD;
}

static rs_status resolve_columns(splitter *s, rs_error *err)
{
    const rs_split_spec *spec = s->spec;
    const char *user = spec->user_col ? spec->user_col : "user";
    const char *time = spec->time_col ? spec->time_col : "ts";
    switch (spec->mode) {
    case RS_SPLIT_RANDOM:
        s->has_group = spec->stratify != NULL;
        return s->has_group ? rs_table_find_col(s->table, spec->stratify, "--stratify", &s->group_col, err)
                            : RS_OK;
    case RS_SPLIT_USER:
        s->has_group = 1;
        return rs_table_find_col(s->table, user, "--user-col", &s->group_col, err);
    case RS_SPLIT_LAST:
    case RS_SPLIT_LAST_BASKET:
        s->has_group = s->has_time = 1;
        if (rs_table_find_col(s->table, user, "--user-col", &s->group_col, err) ||
            rs_table_find_col(s->table, time, "--time-col", &s->time_col, err))
            return err->code;
        /* ties by the seeded hash of (user, item) when there is an item column */
        s->has_item = spec->item_col ? 1 : rs_table_has_col(s->table, "item", &s->item_col);
        if (spec->item_col && rs_table_find_col(s->table, spec->item_col, "--item-col", &s->item_col, err))
            return err->code;
        s->has_basket = spec->basket_col != NULL;
        if (s->has_basket && !(s->baskets = rs_idmap_new()))
            return rs_error_nomem(err);
        return s->has_basket ? rs_table_find_col(s->table, spec->basket_col, "--basket-col", &s->basket_col, err)
                             : RS_OK;
    case RS_SPLIT_TIME:
        return rs_table_find_col(s->table, time, "--time-col", &s->time_col, err);
    case RS_SPLIT_SHARD:
        return rs_table_find_col(s->table, spec->key_col ? spec->key_col : user, "--key", &s->key_col, err);
    default:
        return RS_OK;
    }
}

static rs_status decide(splitter *s, rs_error *err)
{
    if (!(s->groups = rs_idmap_new()))
        return rs_error_nomem(err);
    if (learn_rows(s, err))
        return err->code;
    if (!(s->to_test = calloc((size_t)(s->n_rows ? s->n_rows : 1), 1)))
        return rs_error_nomem(err);
    switch (s->spec->mode) {
    case RS_SPLIT_RANDOM: return decide_by_groups(s, 0, err);
    case RS_SPLIT_USER: return decide_by_groups(s, 1, err);
    case RS_SPLIT_LAST:
    case RS_SPLIT_LAST_BASKET: return decide_last(s, err);
    default: return decide_folds(s, err);
    }
}

static rs_status write_rows(splitter *s, rs_table_writer *train, rs_table_writer *test,
                            rs_split_report *report, rs_error *err)
{
    const rs_split_spec *spec = s->spec;
    rs_record rec;
    int got;
    long i = 0;
    while ((got = rs_table_next(s->table, &rec, err)) > 0) {
        if (rs_table_check_width(s->table, &rec, err))
            return err->code;
        int to_test;
        if (spec->mode == RS_SPLIT_TIME) {
            int64_t t;
            if (parse_time(s, &rec, &t, err))
                return err->code;
            to_test = t > spec->cutoff;
        } else if (spec->mode == RS_SPLIT_SHARD) {
            const rs_field *k = &rec.fields[s->key_col];
            to_test = shard_of(k->ptr, k->len, spec->shard_n) != spec->shard_k - 1;
        } else {
            if (i >= s->n_rows)
                return rs_error_set(err, RS_EDATA, rs_table_name(s->table), rec.line,
                                    "the input changed between passes");
            to_test = s->to_test[i];
        }
        i++;
        rs_table_writer *w = to_test ? test : train;
        if (w && rs_table_writer_write(w, rec.fields, !(rec.flags & RS_REC_SPECIAL), err))
            return err->code;
        report->rows_in++;
        *(to_test ? &report->rows_test : &report->rows_train) += 1;
    }
    return got < 0 ? err->code : RS_OK;
}

static rs_status open_sink(splitter *s, rs_table_sink *sink, const char *path, rs_error *err)
{
    const char **names = malloc((s->n_cols ? s->n_cols : 1) * sizeof *names);
    rs_col_type *types = malloc((s->n_cols ? s->n_cols : 1) * sizeof *types);
    rs_status st;
    if (names && types) {
        for (size_t i = 0; i < s->n_cols; i++) {
            names[i] = rs_table_col_name(s->table, i);
            types[i] = rs_table_col_type(s->table, i);
        }
        st = rs_table_sink_open(sink, path, s->spec->out_format, s->n_cols, names, types, err);
    } else {
        st = rs_error_nomem(err);
    }
    free(names);
    free(types);
    return st;
}

rs_status rs_split_run(const rs_split_spec *spec, rs_split_report *report, rs_error *err)
{
    memset(report, 0, sizeof *report);
    splitter s = {.spec = spec};
    rs_table_options topt = spec->table;
    topt.rewindable = !streams(spec);
    rs_table_sink train = {0}, test = {0};
    rs_status st = RS_OK;
    if (!(s.table = rs_table_open(spec->input, &topt, err)))
        return err->code;
    s.n_cols = rs_table_n_cols(s.table);
    if ((st = resolve_columns(&s, err)))
        goto done;
    if (!streams(spec) && ((st = decide(&s, err)) || (st = rs_table_rewind(s.table, err))))
        goto done;
    report->users = s.groups && (spec->mode == RS_SPLIT_USER || spec->mode == RS_SPLIT_LAST ||
                                  spec->mode == RS_SPLIT_LAST_BASKET)
                        ? rs_idmap_size(s.groups) : 0;
    if ((st = open_sink(&s, &train, spec->train_path, err)) ||
        (spec->test_path && (st = open_sink(&s, &test, spec->test_path, err))) ||
        (st = write_rows(&s, train.writer, test.writer, report, err)) ||
        (test.writer && (st = rs_table_sink_commit(&test, err))))
        goto done;
    st = rs_table_sink_commit(&train, err);
done:
    rs_table_sink_close(&train);
    rs_table_sink_close(&test);
    rs_table_free(s.table);
    rs_idmap_free(s.groups);
    free(s.group);
    free(s.time), free(s.tie), free(s.basket_tie), free(s.basket);
    rs_idmap_free(s.baskets);
    free(s.to_test);
    return st;
}
