/* eval_rank.c — rs-eval rank (top-K metrics of recommendations against
 * held-out interactions) and rs-eval ab (conversion and value by arm). */
#include "eval/eval.h"

#include "idmap.h"
#include "keyset.h"
#include "mem.h"
#include "num.h"
#include "rng.h"
#include "io/svg.h"
#include "io/value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int32_t user, item;
    double rank;
    long order;       /* input order, for equal ranks */
} rec_row;

typedef struct {
    int32_t user, item;
    double gain;
    long order;       /* input order: the first of repeated pairs wins */
} relevance;

typedef struct {
    rs_idmap *users, *items, *segments;
    relevance *rel;           /* (n_rel) test pairs, grouped by user after read_truth */
    size_t n_rel, rel_cap;
    size_t *rel_ptr;          /* (users + 1) CSR offsets into rel, sorted by item per user */
    int32_t *segment;         /* (users) */
    size_t users_cap;
    rec_row *recs;
    size_t n_recs, recs_cap;
    long recs_users_not_in_truth;
} rank_data;

/* Find names[0..n) (NULL: skip) in t; a missing required one is an error. */
static rs_status find_cols(const rs_table *t, const char *const *names, const char *const *options,
                           const int *required, size_t n, size_t *cols, int *has, rs_error *err)
{
    for (size_t i = 0; i < n; i++) {
        has[i] = 0;
        if (!names[i])
            continue;
        rs_status st = rs_table_find_col(t, names[i], options[i], &cols[i], err);
        if (st == RS_OK)
            has[i] = 1;
        else if (required[i])
            return st;
    }
    rs_error_clear(err);
    return RS_OK;
}

static rs_status open_cols(const char *path, const rs_table_options *opt, const char *const *names,
                           const char *const *options, const int *required, size_t n, rs_table **t,
                           size_t *cols, int *has, rs_error *err)
{
    if (!(*t = rs_table_open(path, opt, err)))
        return err->code;
    return find_cols(*t, names, options, required, n, cols, has, err);
}

static int has_col(const rs_table *t, const char *name)
{
    for (size_t c = 0; c < rs_table_n_cols(t); c++)
        if (!strcmp(rs_table_col_name(t, c), name))
            return 1;
    return 0;
}

/* A column of the recommendations: --rec-user-col/--rec-item-col when given,
 * else the test file's name when RECS has it, else column pos of a header
 * shaped as rs-recommend writes it (USER,ITEM,rank,score[,because]), else
 * the test file's name (and the error names --rec-...-col). */
static const char *recs_col(const rs_table *t, const char *given, const char *truth_name, size_t pos)
{
    if (given)
        return given;
    if (has_col(t, truth_name))
        return truth_name;
    if (rs_table_n_cols(t) >= 4 && !strcmp(rs_table_col_name(t, 2), "rank") &&
        !strcmp(rs_table_col_name(t, 3), "score"))
        return rs_table_col_name(t, pos);
    return truth_name;
}

static rs_status grow_users(rank_data *d, int32_t user, rs_error *err)
{
    size_t old = d->users_cap;
    if ((size_t)user < old)
        return RS_OK;
    if (rs_grow((void **)&d->segment, &d->users_cap, (size_t)user + 1, sizeof *d->segment) < 0)
        return rs_error_nomem(err);
    memset(d->segment + old, 0, (d->users_cap - old) * sizeof *d->segment);
    return RS_OK;
}

static int by_user_item_order(const void *a, const void *b)
{
    const relevance *x = a, *y = b;
    if (x->user != y->user)
        return x->user < y->user ? -1 : 1;
    if (x->item != y->item)
        return x->item < y->item ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* Group the test pairs by user, items ascending, repeated pairs dropped
 * (the first one stays): CSR rows that a binary search can probe. */
static rs_status index_relevance(rank_data *d, rs_error *err)
{
    size_t n_users = (size_t)rs_idmap_size(d->users);
    qsort(d->rel, d->n_rel, sizeof *d->rel, by_user_item_order);
    size_t w = 0;
    for (size_t i = 0; i < d->n_rel; i++)
        if (w == 0 || d->rel[i].user != d->rel[w - 1].user || d->rel[i].item != d->rel[w - 1].item)
            d->rel[w++] = d->rel[i];
    d->n_rel = w;
    if (!(d->rel_ptr = calloc(n_users + 1, sizeof *d->rel_ptr)))
        return rs_error_nomem(err);
    for (size_t i = 0; i < d->n_rel; i++)
        d->rel_ptr[d->rel[i].user + 1]++;
    for (size_t u = 0; u < n_users; u++)
        d->rel_ptr[u + 1] += d->rel_ptr[u];
    return RS_OK;
}

/* The gain of item for user, or -1 when the item is not relevant. */
static double gain_of(const rank_data *d, int32_t user, int32_t item)
{
    size_t lo = d->rel_ptr[user], hi = d->rel_ptr[user + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->rel[mid].item < item)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->rel_ptr[user + 1] && d->rel[lo].item == item ? d->rel[lo].gain : -1;
}

static rs_status read_truth(const rs_eval_spec *spec, rank_data *d, rs_error *err)
{
    const char *names[4] = {spec->user_col ? spec->user_col : "user", spec->item_col ? spec->item_col : "item",
                            spec->value_col ? spec->value_col : "value", spec->by};
    const char *options[4] = {"--user-col", "--item-col", "--value-col", "--by"};
    int required[4] = {1, 1, spec->graded, 1}, has[4];
    size_t col[4];
    rs_table *t;
    rs_status st = open_cols(spec->truth_path, &spec->table, names, options, required, 4, &t, col, has, err);
    rs_record rec;
    int got = 0;
    while (st == RS_OK && (got = rs_table_next(t, &rec, err)) > 0) {
        if ((st = rs_table_check_width(t, &rec, err)))
            break;
        const rs_field *u = &rec.fields[col[0]], *i = &rec.fields[col[1]];
        int32_t user = rs_idmap_intern(d->users, u->ptr, u->len, NULL);
        int32_t item = rs_idmap_intern(d->items, i->ptr, i->len, NULL);
        if (user < 0 || item < 0 || grow_users(d, user, err)) {
            st = user < 0 || item < 0 ? rs_error_nomem(err) : err->code;
            break;
        }
        double gain = 1;
        if (spec->graded) {
            const rs_field *v = &rec.fields[col[2]];
            if (rs_parse_f64(v->ptr, v->len, &gain) < 0) {
                st = rs_table_bad_field(t, &rec, col[2], "a number", err);
                break;
            }
            gain = pow(2, gain) - 1;
        }
        if (has[3]) {
            const rs_field *s = &rec.fields[col[3]];
            if ((d->segment[user] = rs_idmap_intern(d->segments, s->ptr, s->len, NULL)) < 0) {
                st = rs_error_nomem(err);
                break;
            }
        }
        if (rs_grow((void **)&d->rel, &d->rel_cap, d->n_rel + 1, sizeof *d->rel) < 0) {
            st = rs_error_nomem(err);
            break;
        }
        d->rel[d->n_rel] = (relevance){user, item, gain, (long)d->n_rel};
        d->n_rel++;
    }
    if (st == RS_OK && got < 0)
        st = err->code;
    if (st == RS_OK && rs_idmap_size(d->users) == 0)
        st = rs_error_set(err, RS_EDATA, spec->truth_path, 0, "no test interactions");
    if (st == RS_OK)
        st = index_relevance(d, err);
    rs_table_free(t);
    return st;
}

static rs_status read_recs(const rs_eval_spec *spec, rank_data *d, rs_error *err)
{
    const char *options[3] = {"--rec-user-col", "--rec-item-col", "--rank-col"};
    int required[3] = {1, 1, spec->rank_col != NULL}, has[3];
    size_t col[3];
    rs_table *t = rs_table_open(spec->recs_path, &spec->table, err);
    if (!t)
        return err->code;
    const char *names[3] = {recs_col(t, spec->rec_user_col, spec->user_col ? spec->user_col : "user", 0),
                            recs_col(t, spec->rec_item_col, spec->item_col ? spec->item_col : "item", 1),
                            spec->rank_col ? spec->rank_col : "rank"};
    rs_status st = find_cols(t, names, options, required, 3, col, has, err);
    rs_record rec;
    int got = 0;
    long seen_users = 0;
    rs_idmap *rec_users = rs_idmap_new();
    char example[64] = "";
    if (!rec_users && st == RS_OK)
        st = rs_error_nomem(err);
    while (st == RS_OK && (got = rs_table_next(t, &rec, err)) > 0) {
        if ((st = rs_table_check_width(t, &rec, err)))
            break;
        const rs_field *u = &rec.fields[col[0]], *i = &rec.fields[col[1]];
        int added;
        if (rs_idmap_intern(rec_users, u->ptr, u->len, &added) < 0) {
            st = rs_error_nomem(err);
            break;
        }
        int32_t user = rs_idmap_find(d->users, u->ptr, u->len);
        if (user < 0) {
            d->recs_users_not_in_truth += added;
            if (!example[0])
                snprintf(example, sizeof example, "%.*s", (int)(u->len > 40 ? 40 : u->len), u->ptr);
            continue;
        }
        seen_users += added;
        double rank = (double)d->n_recs;
        if (has[2] && rs_parse_f64(rec.fields[col[2]].ptr, rec.fields[col[2]].len, &rank) < 0) {
            st = rs_table_bad_field(t, &rec, col[2], "a number", err);
            break;
        }
        int32_t item = rs_idmap_intern(d->items, i->ptr, i->len, NULL);
        if (item < 0 || rs_grow((void **)&d->recs, &d->recs_cap, d->n_recs + 1, sizeof *d->recs) < 0) {
            st = rs_error_nomem(err);
            break;
        }
        d->recs[d->n_recs] = (rec_row){user, item, rank, (long)d->n_recs};
        d->n_recs++;
    }
    if (st == RS_OK && got < 0)
        st = err->code;
    if (st == RS_OK && seen_users == 0 && d->recs_users_not_in_truth > 0) {
        size_t len;
        const char *truth_user = rs_idmap_key(d->users, 0, &len);
        st = rs_error_set(err, RS_EDATA, spec->recs_path, 0,
                          "no user of the recommendations is in the test set: the ids differ in form "
                          "(e.g. '%s' here, '%.*s' in %s)", example, (int)(len > 40 ? 40 : len), truth_user,
                          spec->truth_path);
    }
    rs_idmap_free(rec_users);
    rs_table_free(t);
    return st;
}

static int by_user_rank(const void *a, const void *b)
{
    const rec_row *x = a, *y = b;
    if (x->user != y->user)
        return x->user < y->user ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* A (user, item) repeated in the recommendations counts once, at its best
 * rank: recs are sorted by user and rank, so the first copy stays.  The
 * others are dropped with a warning that counts them and names one. */
static rs_status drop_repeated_recs(const rs_eval_spec *spec, rank_data *d, rs_error *err)
{
    rs_keyset *pairs = rs_keyset_new();
    if (!pairs)
        return rs_error_nomem(err);
    size_t w = 0;
    long repeated = 0;
    rec_row first = {0};
    for (size_t r = 0; r < d->n_recs; r++) {
        int32_t key[2] = {d->recs[r].user, d->recs[r].item};
        int added;
        if (!rs_keyset_upsert(pairs, key, sizeof key, 0, &added)) {
            rs_keyset_free(pairs);
            return rs_error_nomem(err);
        }
        if (added)
            d->recs[w++] = d->recs[r];
        else if (repeated++ == 0)
            first = d->recs[r];
    }
    rs_keyset_free(pairs);
    d->n_recs = w;
    if (repeated) {
        size_t ulen, ilen;
        const char *user = rs_idmap_key(d->users, first.user, &ulen), *item = rs_idmap_key(d->items, first.item, &ilen);
        rs_warn(spec->recs_path, 0,
                "%ld repeated (user, item) pair%s in the recommendations counted once, at the best rank "
                "(e.g. user '%.*s', item '%.*s')",
                repeated, repeated > 1 ? "s" : "", (int)(ulen > 40 ? 40 : ulen), user, (int)(ilen > 40 ? 40 : ilen),
                item);
    }
    return RS_OK;
}

/* A warning when a K is beyond the longest list of recommendations (of a
 * user in the test set): its places past the list count as misses. */
static void warn_k_beyond_lists(const rs_eval_spec *spec, const rank_data *d)
{
    size_t longest = 0, run = 0;
    for (size_t r = 0; r < d->n_recs; r++) {
        run = r > 0 && d->recs[r].user == d->recs[r - 1].user ? run + 1 : 1;
        longest = run > longest ? run : longest;
    }
    char list[256] = "";
    size_t len = 0, n_beyond = 0;
    for (size_t k = 0; k < spec->n_ks && len < sizeof list - 32; k++)
        if ((size_t)spec->ks[k] > longest)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%ld", n_beyond++ ? ", " : "", spec->ks[k]);
    if (n_beyond)
        rs_warn(spec->recs_path, 0,
                "-k %s %s beyond the longest recommendation list (%zu item%s): the places past a list count as "
                "misses",
                list, n_beyond > 1 ? "are" : "is", longest, longest == 1 ? "" : "s");
}

static int desc_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Sums over users of one series (all users, or one segment). */
typedef struct {
    double *precision, *recall, *ndcg, *map, *hit, *novelty, *mrr_at;   /* (n_ks) */
    double mrr;
    long users, users_without_recs;
    long *novelty_count;     /* (n_ks) recommended items counted in novelty */
    unsigned char **covered; /* (n_ks) x (n_items): item seen in some top K */
    long *n_covered;         /* (n_ks) */
} rank_sums;

static rs_status load_popularity(const rs_eval_spec *spec, rank_data *d, double **pop, double *n_users,
                                 rs_error *err)
{
    const char *names[2] = {spec->user_col ? spec->user_col : "user", spec->item_col ? spec->item_col : "item"};
    const char *options[2] = {"--user-col", "--item-col"};
    int required[2] = {1, 1}, has[2];
    size_t col[2];
    rs_table *t;
    rs_keyset *pairs = rs_keyset_new();
    rs_idmap *users = rs_idmap_new();
    size_t cap = 0;
    rs_status st = pairs && users ? open_cols(spec->train_path, &spec->table, names, options, required, 2, &t,
                                              col, has, err)
                                  : rs_error_nomem(err);
    if (st) {
        rs_keyset_free(pairs), rs_idmap_free(users);
        return st;
    }
    rs_record rec;
    int got;
    while ((got = rs_table_next(t, &rec, err)) > 0) {
        if ((st = rs_table_check_width(t, &rec, err)))
            break;
        const rs_field *u = &rec.fields[col[0]], *i = &rec.fields[col[1]];
        int32_t user = rs_idmap_intern(users, u->ptr, u->len, NULL), item = rs_idmap_intern(d->items, i->ptr, i->len, NULL);
        int32_t key[2] = {user, item};
        int added;
        size_t old = cap;
        if (user < 0 || item < 0 || !rs_keyset_upsert(pairs, key, sizeof key, 0, &added) ||
            rs_grow((void **)pop, &cap, (size_t)item + 1, sizeof **pop) < 0) {
            st = rs_error_nomem(err);
            break;
        }
        memset(*pop + old, 0, (cap - old) * sizeof **pop);
        (*pop)[item] += added;
    }
    if (st == RS_OK && got < 0)
        st = err->code;
    *n_users = rs_idmap_size(users);
    size_t old = cap;
    if (st == RS_OK && rs_grow((void **)pop, &cap, (size_t)rs_idmap_size(d->items) + 1, sizeof **pop) < 0)
        st = rs_error_nomem(err);
    else if (st == RS_OK)
        memset(*pop + old, 0, (cap - old) * sizeof **pop);
    rs_table_free(t);
    rs_keyset_free(pairs), rs_idmap_free(users);
    return st;
}

static void user_metrics(const rs_eval_spec *spec, const rank_data *d, int32_t user, const rec_row *recs,
                         size_t n, const double *pop, double n_train_users, rank_sums *s, double *ideal)
{
    size_t first = d->rel_ptr[user];
    long rel = (long)(d->rel_ptr[user + 1] - first);
    for (long i = 0; i < rel; i++)
        ideal[i] = d->rel[first + (size_t)i].gain;
    qsort(ideal, (size_t)rel, sizeof *ideal, desc_double);
    s->users++;
    s->users_without_recs += n == 0;
    double dcg = 0, ap = 0, rr = 0;
    long hits = 0;
    size_t pos, k = 0, max_k = (size_t)spec->ks[spec->n_ks - 1];
    for (pos = 0; pos < max_k; pos++) {
        if (pos < n) {
            double gain = gain_of(d, user, recs[pos].item);
            int relevant = gain >= 0;
            hits += relevant;
            dcg += (relevant ? gain : 0) / log2((double)pos + 2);
            if (relevant)
                ap += (double)hits / (double)(pos + 1);
            if (relevant && rr == 0)
                rr = 1.0 / (double)(pos + 1);
            /* this position is inside every cut-off from the current one on */
            for (size_t j = k; j < spec->n_ks; j++) {
                unsigned char *seen = &s->covered[j][recs[pos].item];
                s->n_covered[j] += !*seen;
                *seen = 1;
                if (pop) {
                    double p = (pop[recs[pos].item] > 0 ? pop[recs[pos].item] : 1) / n_train_users;
                    s->novelty[j] += -log2(p);
                    s->novelty_count[j]++;
                }
            }
        }
        if (pos + 1 == (size_t)spec->ks[k]) {
            long K = spec->ks[k];
            double idcg = 0;
            for (long i = 0; i < rel && i < K; i++)
                idcg += ideal[i] / log2((double)i + 2);
            s->precision[k] += (double)hits / (double)K;
            s->recall[k] += rel ? (double)hits / (double)rel : 0;
            s->ndcg[k] += idcg > 0 ? dcg / idcg : 0;
            s->map[k] += rel ? ap / (double)(rel < K ? rel : K) : 0;
            s->hit[k] += hits > 0;
            s->mrr_at[k] += rr;   /* 0 unless the first hit is within the top K */
            k++;
        }
    }
    /* MRR over every recommendation given, not only the top K */
    for (size_t i = pos; rr == 0 && i < n; i++)
        if (gain_of(d, user, recs[i].item) >= 0)
            rr = 1.0 / (double)(i + 1);
    s->mrr += rr;
}

static rs_status sums_init(rank_sums *s, size_t n_ks, size_t n_items, rs_error *err)
{
    memset(s, 0, sizeof *s);
    double **arrays[] = {&s->precision, &s->recall, &s->ndcg, &s->map, &s->hit, &s->novelty, &s->mrr_at};
    for (size_t i = 0; i < 7; i++)
        if (!(*arrays[i] = calloc(n_ks, sizeof **arrays[i])))
            return rs_error_nomem(err);
    if (!(s->novelty_count = calloc(n_ks, sizeof *s->novelty_count)) ||
        !(s->n_covered = calloc(n_ks, sizeof *s->n_covered)) || !(s->covered = calloc(n_ks, sizeof *s->covered)))
        return rs_error_nomem(err);
    for (size_t k = 0; k < n_ks; k++)
        if (!(s->covered[k] = calloc(n_items ? n_items : 1, 1)))
            return rs_error_nomem(err);
    return RS_OK;
}

static void sums_free(rank_sums *s, size_t n_ks)
{
    free(s->precision), free(s->recall), free(s->ndcg), free(s->map), free(s->hit), free(s->novelty);
    free(s->mrr_at);
    free(s->novelty_count), free(s->n_covered);
    for (size_t k = 0; s->covered && k < n_ks; k++)
        free(s->covered[k]);
    free(s->covered);
}

static int report_sums(const rs_eval_spec *spec, const rank_sums *s, double catalogue, int has_train,
                       rs_eval_report *r, long not_in_truth)
{
    double u = (double)s->users;
    int bad = rs_eval_report_set(r, "users", u, 1) |
              rs_eval_report_set(r, "users_without_recs", (double)s->users_without_recs, 1) |
              rs_eval_report_set(r, "rec_users_not_in_test", (double)not_in_truth, 1);
    char name[64];
    const char *labels[] = {"precision", "recall", "ndcg", "map", "hitrate", "mrr"};
    for (size_t k = 0; k < spec->n_ks; k++) {
        const double *v[] = {s->precision, s->recall, s->ndcg, s->map, s->hit, s->mrr_at};
        for (int m = 0; m < 6; m++) {
            snprintf(name, sizeof name, "%s@%ld", labels[m], spec->ks[k]);
            bad |= rs_eval_report_set(r, name, v[m][k] / u, 0);
        }
        snprintf(name, sizeof name, "coverage@%ld", spec->ks[k]);
        bad |= rs_eval_report_set(r, name, (double)s->n_covered[k] / catalogue, 0);
        snprintf(name, sizeof name, "novelty@%ld", spec->ks[k]);
        bad |= rs_eval_report_set(r, name, has_train && s->novelty_count[k] ? s->novelty[k] / (double)s->novelty_count[k] : NAN, 0);
    }
    return bad | rs_eval_report_set(r, "mrr", s->mrr / u, 0);
}

static rs_status plot_rank(const rs_eval_spec *spec, const rank_sums *sums, size_t n_series,
                           const char *const *names, rs_error *err)
{
    rs_out *out = rs_out_open(spec->plot, err);
    if (!out)
        return err->code;
    rs_svg_begin(out, 960, 420 + 16 * (int)n_series, "rs-eval rank");
    double kmax = (double)spec->ks[spec->n_ks - 1], kmin = (double)spec->ks[0];
    if (kmax <= kmin)
        kmax = kmin + 1;
    const char *titles[] = {"NDCG@K", "Precision@K", "Recall@K"};
    double *x = malloc(spec->n_ks * sizeof *x), *y = malloc(spec->n_ks * sizeof *y);
    if (!x || !y) {
        free(x), free(y), rs_out_abort(out);
        return rs_error_nomem(err);
    }
    for (int m = 0; m < 3; m++) {
        double ymax = 0;
        for (size_t g = 0; g < n_series; g++)
            for (size_t k = 0; k < spec->n_ks; k++) {
                const double *v = m == 0 ? sums[g].ndcg : m == 1 ? sums[g].precision : sums[g].recall;
                ymax = fmax(ymax, v[k] / (double)(sums[g].users ? sums[g].users : 1));
            }
        rs_svg_panel p = {70.0 + 310 * m, 40, 230, 300, kmin, kmax, 0, ymax > 0 ? ymax * 1.1 : 1};
        rs_svg_axes(out, &p, titles[m], "K", titles[m]);
        for (size_t g = 0; g < n_series; g++) {
            const double *v = m == 0 ? sums[g].ndcg : m == 1 ? sums[g].precision : sums[g].recall;
            for (size_t k = 0; k < spec->n_ks; k++)
                x[k] = (double)spec->ks[k], y[k] = v[k] / (double)(sums[g].users ? sums[g].users : 1);
            rs_svg_line(out, &p, x, y, spec->n_ks, rs_svg_color(g), 0);
            rs_svg_dots(out, &p, x, y, spec->n_ks, rs_svg_color(g));
        }
    }
    rs_svg_legend(out, 90, 400, names, n_series);
    rs_svg_end(out);
    free(x), free(y);
    return rs_out_commit(out, err);
}

rs_status rs_eval_rank(const rs_eval_spec *spec, rs_error *err)
{
    rank_data d = {0};
    rs_eval_report report = {0};
    rank_sums sums[8];
    size_t n_series = 0;
    double *pop = NULL, n_train_users = 0;
    int32_t *order = NULL;
    rs_status st = RS_OK;
    double *ideal = NULL;
    if (!(d.users = rs_idmap_new()) || !(d.items = rs_idmap_new()) || !(d.segments = rs_idmap_new())) {
        st = rs_error_nomem(err);
        goto done;
    }
    if ((st = read_truth(spec, &d, err)) || (st = read_recs(spec, &d, err)) ||
        (spec->train_path && (st = load_popularity(spec, &d, &pop, &n_train_users, err))))
        goto done;
    qsort(d.recs, d.n_recs, sizeof *d.recs, by_user_rank);
    if ((st = drop_repeated_recs(spec, &d, err)))
        goto done;
    warn_k_beyond_lists(spec, &d);
    /* series 0: all users; then segments by name (the first 7 are plotted,
     * all are reported) */
    int32_t n_segments = spec->by ? rs_idmap_size(d.segments) : 0;
    if (!(order = rs_idmap_sorted_new(d.segments))) {
        st = rs_error_nomem(err);
        goto done;
    }
    double catalogue = (double)rs_idmap_size(d.items);
    size_t most = 1;
    for (int32_t u = 0; u < rs_idmap_size(d.users); u++)
        if (d.rel_ptr[u + 1] - d.rel_ptr[u] > most)
            most = d.rel_ptr[u + 1] - d.rel_ptr[u];
    if (!(ideal = malloc(most * sizeof *ideal))) {
        st = rs_error_nomem(err);
        goto done;
    }
    for (int32_t series = -1; series < n_segments; series++) {
        rank_sums all;
        if ((st = sums_init(&all, spec->n_ks, (size_t)rs_idmap_size(d.items), err))) {
            sums_free(&all, spec->n_ks);
            goto done;
        }
        size_t r = 0;
        for (int32_t u = 0; u < rs_idmap_size(d.users); u++) {
            while (r < d.n_recs && d.recs[r].user < u)
                r++;
            size_t start = r;
            while (r < d.n_recs && d.recs[r].user == u)
                r++;
            if (series >= 0 && d.segment[u] != order[series])
                continue;
            user_metrics(spec, &d, u, d.recs + start, r - start, pop, n_train_users, &all, ideal);
        }
        size_t len;
        const char *name = series < 0 ? "all" : rs_idmap_key(d.segments, order[series], &len);
        if (series < 0)
            len = 3;
        if (rs_eval_report_group(&report, name, len) ||
            report_sums(spec, &all, catalogue, spec->train_path != NULL, &report, series < 0 ? d.recs_users_not_in_truth : 0)) {
            sums_free(&all, spec->n_ks);
            st = rs_error_nomem(err);
            goto done;
        }
        if (n_series < 8)
            sums[n_series++] = all;
        else
            sums_free(&all, spec->n_ks);
    }
    if ((st = rs_eval_write_report(spec, &report, err)))
        goto done;
    if (spec->plot) {
        const char *names[8];
        for (size_t g = 0; g < n_series; g++)
            names[g] = report.groups.items[g];
        st = plot_rank(spec, sums, n_series, names, err);
    }
done:
    for (size_t g = 0; g < n_series; g++)
        sums_free(&sums[g], spec->n_ks);
    free(d.rel), free(d.rel_ptr), free(d.segment), free(d.recs), free(pop), free(order), free(ideal);
    rs_idmap_free(d.users), rs_idmap_free(d.items), rs_idmap_free(d.segments);
    rs_eval_report_free(&report);
    return st;
}
