/* recommend.c — rs-recommend's work: whom to recommend for (model users,
 * --users, --history fold-ins), blocks of RS_RECO_BLOCK users scored by the
 * model's kind over -j threads, the filters, the partial top-K and the
 * output; or the items similar to given items. */
#include "score/recommend.h"

#include "io/idlist.h"
#include "io/interactions.h"
#include "io/sequences.h"
#include "num.h"
#include "threads.h"
#include "topk.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- id lists: a table's named (or only) column ------------------------ */

typedef struct {
    rs_idmap *ids;    /* in file order, duplicates once */
} id_list;

/* The rule for a header is rs_idlist_read's (io/idlist.h): a first line
 * that is an id of known (the model's users or items) is data. */
static rs_status read_ids(const char *path, const rs_table_options *opt, const char *col_name, const char *dflt,
                          const char *option, const rs_idmap *const *known, size_t n_known, id_list *out,
                          rs_error *err)
{
    return rs_idlist_read(path, opt, col_name, dflt, option, known, n_known, &out->ids, err);
}

/* The name of a column of role "user", "item" or "value" in the files read
 * and written: the option's, else the model's (rs_reco_column). */
static const char *column(const rs_reco *r, const char *given, const char *role)
{
    return given ? given : rs_reco_column(rs_reco_model(r), role);
}

/* A comma-separated list, when ITEMS is not a readable file. */
static rs_status split_ids(const char *text, id_list *out, rs_error *err)
{
    if (!(out->ids = rs_idmap_new()))
        return rs_error_nomem(err);
    for (const char *p = text; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        int added;
        if (len && rs_idmap_intern(out->ids, p, len, &added) < 0)
            return rs_error_nomem(err);
        p += len + (comma != NULL);
    }
    return RS_OK;
}

/* A mask over the model's items (1 = listed); counts ids the model lacks. */
static rs_status item_mask(const rs_reco *r, const char *path, const rs_table_options *opt, const rs_recommend_spec *a,
                           const char *option, unsigned char **mask, long *unknown, rs_error *err)
{
    id_list list = {0};
    const rs_idmap *known = rs_reco_items(r);
    if (read_ids(path, opt, a->item_col, column(r, NULL, "item"), option, &known, 1, &list, err) != RS_OK) {
        rs_idmap_free(list.ids);
        return err->code;
    }
    if (!(*mask = calloc(rs_reco_n_items(r) + 1, 1))) {
        rs_idmap_free(list.ids);
        return rs_error_nomem(err);
    }
    for (int32_t i = 0; i < rs_idmap_size(list.ids); i++) {
        size_t len;
        const char *key = rs_idmap_key(list.ids, i, &len);
        int32_t item = rs_idmap_find(rs_reco_items(r), key, len);
        if (item >= 0)
            (*mask)[item] = 1;
        else
            (*unknown)++;
    }
    rs_idmap_free(list.ids);
    return RS_OK;
}

/* ---- the run ------------------------------------------------------------ */

typedef struct {
    const rs_reco *r;
    const rs_recommend_spec *a;
    unsigned char *exclude, *allow;
    rs_reco_query *queries;
    size_t n_queries;
    rs_scored *best;        /* (n_queries x k) */
    int32_t *n_best;
    int32_t *because;       /* (n_queries x k) with --explain */
    int failed;
    atomic_size_t done;     /* users scored, for the progress lines */
} run;

/* The user's training items that q leaves out as seen (none with
 * --include-seen, or for a history without a known user): their count. */
static size_t user_seen(const run *job, const rs_reco_query *q, const int32_t **items)
{
    const float *values;
    return job->a->include_seen || q->user < 0 ? 0 : rs_reco_seen(job->r, q->user, items, &values);
}

static void filter_row(const run *job, const rs_reco_query *q, float *row)
{
    size_t n_items = rs_reco_n_items(job->r);
    for (size_t i = 0; job->exclude && i < n_items; i++)
        if (job->exclude[i])
            row[i] = -INFINITY;
    for (size_t i = 0; job->allow && i < n_items; i++)
        if (!job->allow[i])
            row[i] = -INFINITY;
    const int32_t *items;
    for (size_t t = 0, n = user_seen(job, q, &items); t < n; t++)
        row[items[t]] = -INFINITY;
    for (size_t t = 0; !job->a->include_seen && t < q->n_items; t++)
        row[q->items[t]] = -INFINITY;
}

/* ---- sparse kinds: rank the scored items and the 0s apart --------------- */

/* A sparse kind's per-thread scratch (rs_reco_sparse). */
typedef struct {
    float *row;            /* (n_items) 0 but while a query is ranked */
    int32_t *items;        /* (n_items) the items the kind listed */
    unsigned char *mark;   /* (n_items) LISTED | SEEN, 0 between queries */
    rs_scored *cand;       /* (n_items + k) the listed kept items, then the first 0s */
} sparse_work;

enum { LISTED = 1, SEEN = 2 };

static void sparse_work_free(sparse_work *sp)
{
    free(sp->row), free(sp->items), free(sp->mark), free(sp->cand);
}

static int sparse_work_init(sparse_work *sp, size_t n_items, size_t k)
{
    sp->row = calloc(n_items + 1, sizeof *sp->row);
    sp->items = malloc((n_items + 1) * sizeof *sp->items);
    sp->mark = calloc(n_items + 1, 1);
    sp->cand = malloc((n_items + k + 1) * sizeof *sp->cand);
    return sp->row && sp->items && sp->mark && sp->cand;
}

/* 1 when --exclude and --allow keep item. */
static int allowed(const run *job, int32_t item)
{
    return !(job->exclude && job->exclude[item]) && !(job->allow && !job->allow[item]);
}

/* Set (on 1) or clear the SEEN mark of the items filter_row leaves out as seen. */
static void mark_seen(const run *job, const rs_reco_query *q, unsigned char *mark, int on)
{
    const int32_t *items;
    for (size_t t = 0, n = user_seen(job, q, &items); t < n; t++)
        mark[items[t]] = on ? mark[items[t]] | SEEN : 0;
    for (size_t t = 0; !job->a->include_seen && t < q->n_items; t++)
        mark[q->items[t]] = on ? mark[q->items[t]] | SEEN : 0;
}

/* The k best for q as filter_row and rs_topk over the full row give them:
 * the listed items kept by the filters, ranked, and — unless k of them
 * score above 0 — the first k unlisted kept items (score 0, index order),
 * merged by rs_scored_before.  Returns how many. */
static size_t top_sparse(const run *job, const rs_reco_query *q, sparse_work *sp, rs_reco_work *w, size_t k,
                         rs_scored *best)
{
    size_t n_items = rs_reco_n_items(job->r), m = 0, zeros = 0;
    size_t n = rs_reco_score_sparse(job->r, q, sp->row, sp->items, w);
    mark_seen(job, q, sp->mark, 1);
    for (size_t i = 0; i < n; i++) {
        int32_t item = sp->items[i];
        float score = sp->row[item];
        sp->row[item] = 0;
        if (!(sp->mark[item] & SEEN) && allowed(job, item) && score > -INFINITY)   /* rs_topk skips -inf, NaN */
            sp->cand[m++] = (rs_scored){item, score};
        sp->mark[item] |= LISTED;
    }
    size_t got = rs_topk_select(sp->cand, m, k);
    rs_scored *zero = sp->cand + m;
    if (k > 0 && (got < k || !(sp->cand[got - 1].score > 0)))
        for (size_t j = 0; j < n_items && zeros < k; j++)
            if (!sp->mark[j] && allowed(job, (int32_t)j))
                zero[zeros++] = (rs_scored){(int32_t)j, 0};
    size_t a = 0, z = 0, out = 0;
    for (; out < k && (a < got || z < zeros); out++)
        best[out] = z == zeros || (a < got && rs_scored_before(sp->cand[a], zero[z])) ? sp->cand[a++] : zero[z++];
    for (size_t i = 0; i < n; i++)
        sp->mark[sp->items[i]] = 0;
    mark_seen(job, q, sp->mark, 0);
    return out;
}

static void run_thread(void *ctx, int t, int n_threads)
{
    run *job = ctx;
    size_t n_blocks = (job->n_queries + RS_RECO_BLOCK - 1) / RS_RECO_BLOCK, begin, end, k = (size_t)job->a->k;
    size_t n_items = rs_reco_n_items(job->r);
    rs_thread_range(n_blocks, t, n_threads, &begin, &end);
    rs_reco_work *w = rs_reco_work_new(job->r);
    int sparse = rs_reco_sparse(job->r);
    sparse_work sp = {0};
    /* a sparse kind scores its queries one at a time: one row of scratch */
    float *scores = malloc((sparse ? 1 : RS_RECO_BLOCK) * (n_items + 1) * sizeof *scores);
    if (!w || !scores || (sparse && !sparse_work_init(&sp, n_items, k))) {
        job->failed = 1;
        rs_reco_work_free(w);
        free(scores);
        sparse_work_free(&sp);
        return;
    }
    for (size_t b = begin; b < end; b++) {
        size_t q0 = b * RS_RECO_BLOCK, n = job->n_queries - q0 < RS_RECO_BLOCK ? job->n_queries - q0 : RS_RECO_BLOCK;
        if (!sparse)
            rs_reco_score(job->r, job->queries + q0, n, scores, w);
        for (size_t i = 0; i < n; i++) {
            const rs_reco_query *q = &job->queries[q0 + i];
            rs_scored *best = job->best + (q0 + i) * k;
            if (sparse && rs_reco_serves(job->r, q)) {
                job->n_best[q0 + i] = (int32_t)top_sparse(job, q, &sp, w, k, best);
            } else {
                float *row = sparse ? scores : scores + i * n_items;
                if (sparse)   /* the popularity fallback */
                    rs_reco_score(job->r, q, 1, row, w);
                filter_row(job, q, row);
                job->n_best[q0 + i] = (int32_t)rs_topk(row, n_items, k, best);
            }
            for (int32_t j = 0; job->because && j < job->n_best[q0 + i]; j++)
                job->because[(q0 + i) * k + (size_t)j] = rs_reco_explain(job->r, &job->queries[q0 + i], best[j].index);
        }
        if (job->a->progress) {   /* a line each time the count passes a multiple of 64 blocks */
            size_t before = atomic_fetch_add(&job->done, n), step = 64 * RS_RECO_BLOCK;
            if ((before + n) / step != before / step)
                rs_progress_emit(job->a->progress, job->a->progress_ctx, "users %zu of %zu", before + n,
                                 job->n_queries);
        }
    }
    rs_reco_work_free(w);
    free(scores);
    sparse_work_free(&sp);
}

/* The header: USER,ITEM,rank,score[,because] (or ITEM,similar,...), the
 * names the model was trained with unless --user-col/--item-col. */
static rs_status write_recs(const run *job, const rs_field *names, int similar_items, rs_error *err)
{
    const char *item = column(job->r, job->a->item_col, "item");
    const char *cols[] = {similar_items ? item : column(job->r, job->a->user_col, "user"), item, "rank", "score",
                          "because"};
    if (similar_items)
        cols[1] = "similar";
    rs_col_type types[5] = {RS_COL_STR, RS_COL_STR, RS_COL_STR, RS_COL_STR, RS_COL_STR};
    size_t n_cols = job->because ? 5 : 4, k = (size_t)job->a->k;
    rs_table_sink sink = {0};
    if (rs_table_sink_open(&sink, job->a->output, job->a->format, n_cols, cols, types, err) != RS_OK)
        return err->code;
    rs_status st = RS_OK;
    char rank[RS_NUM_BUF], score[RS_NUM_BUF];
    const rs_idmap *items = rs_reco_items(job->r);
    for (size_t q = 0; q < job->n_queries && st == RS_OK; q++)
        for (int32_t j = 0; j < job->n_best[q] && st == RS_OK; j++) {
            rs_scored s = job->best[q * k + (size_t)j];
            rs_field f[5];
            size_t len;
            f[0] = names[q];
            f[1].ptr = rs_idmap_key(items, s.index, &len), f[1].len = len;
            f[2] = (rs_field){rank, rs_format_i64(j + 1, rank)};
            f[3] = (rs_field){score, rs_format_f32(s.score, score)};
            if (job->because) {
                int32_t why = job->because[q * k + (size_t)j];
                f[4].ptr = why >= 0 ? rs_idmap_key(items, why, &len) : "", f[4].len = why >= 0 ? len : 0;
            }
            st = rs_table_writer_write(sink.writer, f, 0, err);
        }
    if (st == RS_OK)
        st = rs_table_sink_commit(&sink, err);
    rs_table_sink_close(&sink);
    return st;
}

/* Whom to recommend for, with their names and histories. */
typedef struct {
    id_list users;                 /* --users */
    rs_interactions *history;
    rs_csr history_csr;            /* history users x model items */
    rs_sequences *history_seq;     /* ordered kinds: the history users' events in order */
    rs_reco_query *queries;
    rs_field *names;
    size_t n;
    long fallback, fold_ins;
} audience;

static rs_status load_history(audience *au, const rs_reco *r, const rs_recommend_spec *a, const rs_table_options *opt,
                              rs_error *err)
{
    const char *model_value = rs_model_get(rs_reco_model(r), "value_col");
    rs_interactions_spec spec = {.user_col = column(r, a->user_col, "user"), .item_col = column(r, a->item_col, "item"),
                                 .value_col = a->value_col ? a->value_col : model_value};
    if (rs_reco_ordered(r))   /* a session in progress: its own time column, else file order */
        spec.want_time = 1, spec.time_col = column(r, NULL, "time"), spec.time_optional = 1;
    if (!(au->history = rs_interactions_load(a->history_path, opt, &spec, NULL, 1, (rs_idmap *)rs_reco_items(r), err)))
        return err->code;
    rs_interactions *h = au->history;
    if (rs_reco_ordered(r) && !(au->history_seq = rs_sequences_new(h, RS_SEQ_BY_USER, a->seed, err)))
        return err->code;
    return rs_csr_from_triples(&au->history_csr, (size_t)rs_idmap_size(h->users), rs_reco_n_items(r), h->user,
                               h->item, h->value, h->n, err);
}

/* An ordered kind's query: the history user's events (those of items the
 * model knows) in their order, else the model user's training sequence. */
static void set_sequence(rs_reco_query *q, const rs_reco *r, const rs_sequences *history, int32_t hu)
{
    if (hu >= 0 && history->start[hu + 1] > history->start[hu]) {
        q->sequence = history->item + history->start[hu];
        q->sequence_basket = history->basket + history->start[hu];
        q->n_sequence = history->start[hu + 1] - history->start[hu];
        return;
    }
    q->n_sequence = rs_reco_sequence(r, q->user, &q->sequence, &q->sequence_basket);
}

static rs_status build_audience(audience *au, const rs_reco *r, const rs_recommend_spec *a, const rs_table_options *opt,
                                rs_error *err)
{
    if (a->history_path && load_history(au, r, a, opt, err) != RS_OK)
        return err->code;
    const rs_idmap *known[] = {rs_reco_users(r), au->history ? au->history->users : NULL};
    if (a->users_path && read_ids(a->users_path, opt, a->user_col, column(r, NULL, "user"), "--user-col", known, 2, &au->users, err))
        return err->code;
    const rs_idmap *names = a->users_path ? au->users.ids : au->history ? au->history->users : rs_reco_users(r);
    au->n = (size_t)rs_idmap_size(names);
    au->queries = calloc(au->n + 1, sizeof *au->queries);
    au->names = calloc(au->n + 1, sizeof *au->names);
    if (!au->queries || !au->names)
        return rs_error_nomem(err);
    for (size_t q = 0; q < au->n; q++) {
        size_t len;
        const char *key = rs_idmap_key(names, (int32_t)q, &len);
        au->names[q] = (rs_field){key, len};
        rs_reco_query *query = &au->queries[q];
        query->user = names == rs_reco_users(r) ? (int32_t)q : rs_idmap_find(rs_reco_users(r), key, len);
        int32_t hu = au->history ? rs_idmap_find(au->history->users, key, len) : -1;
        if (hu >= 0 && au->history_csr.ptr[hu + 1] > au->history_csr.ptr[hu]) {   /* known items only */
            const rs_csr *hc = &au->history_csr;
            query->items = hc->idx + hc->ptr[hu];
            query->values = hc->val + hc->ptr[hu];
            query->n_items = (size_t)(hc->ptr[hu + 1] - hc->ptr[hu]);
            au->fold_ins++;
        }
        if (rs_reco_ordered(r))
            set_sequence(query, r, au->history_seq, hu);
        au->fallback += !rs_reco_serves(r, query);
    }
    return RS_OK;
}

static void audience_free(audience *au)
{
    rs_idmap_free(au->users.ids);
    rs_interactions_free(au->history);
    rs_csr_free(&au->history_csr);
    rs_sequences_free(au->history_seq);
    free(au->queries), free(au->names);
}

static rs_status recommend(const rs_reco *r, const rs_recommend_spec *a, run *job, rs_recommend_report *rep,
                           rs_error *err)
{
    audience au = {0};
    rs_status st = build_audience(&au, r, a, a->table, err);
    size_t k = (size_t)a->k;
    if (st == RS_OK) {
        job->queries = au.queries, job->n_queries = au.n;
        job->best = malloc((au.n * k + 1) * sizeof *job->best);
        job->n_best = calloc(au.n + 1, sizeof *job->n_best);
        job->because = a->explain ? malloc((au.n * k + 1) * sizeof *job->because) : NULL;
        if (!job->best || !job->n_best || (a->explain && !job->because))
            st = rs_error_nomem(err);
    }
    if (st == RS_OK) {
        rs_parallel(a->threads > 0 ? a->threads : 1, run_thread, job);
        rs_progress_emit(a->progress, a->progress_ctx, "users %zu of %zu", au.n, au.n);
        if (job->failed)
            st = rs_error_nomem(err);
    }
    rep->n_users = au.n;
    rep->fallback = au.fallback;
    rep->fold_ins = au.fold_ins;
    rep->history_unknown_items = au.history && au.history->unknown_items;
    if (st == RS_OK)
        st = write_recs(job, au.names, 0, err);
    audience_free(&au);
    return st;
}

static rs_status similar(const rs_reco *r, const rs_recommend_spec *a, run *job, rs_error *err)
{
    if (!rs_reco_has_similar(r))
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--similar: a %s model has no item-to-item similarities",
                            rs_reco_kind(r)->name);
    id_list list = {0};
    FILE *probe = fopen(a->similar, "r");
    const rs_idmap *known = rs_reco_items(r);
    rs_status st = probe ? read_ids(a->similar, a->table, a->item_col, column(r, NULL, "item"), "--item-col", &known, 1, &list, err)
                         : split_ids(a->similar, &list, err);
    if (probe)
        fclose(probe);
    size_t n = st == RS_OK ? (size_t)rs_idmap_size(list.ids) : 0, k = (size_t)a->k, n_items = rs_reco_n_items(r);
    rs_field *names = calloc(n + 1, sizeof *names);
    float *row = malloc((n_items + 1) * sizeof *row);
    job->best = malloc((n * k + 1) * sizeof *job->best);
    job->n_best = calloc(n + 1, sizeof *job->n_best);
    job->n_queries = n;
    if (st == RS_OK && (!names || !row || !job->best || !job->n_best))
        st = rs_error_nomem(err);
    for (size_t q = 0; st == RS_OK && q < n; q++) {
        size_t len;
        const char *key = rs_idmap_key(list.ids, (int32_t)q, &len);
        names[q] = (rs_field){key, len};
        int32_t item = rs_idmap_find(rs_reco_items(r), key, len);
        if (item < 0) {
            st = rs_error_set(err, RS_EDATA, NULL, 0, "--similar: item '%.*s' is not in the model", (int)len, key);
            break;
        }
        rs_reco_similar(r, item, row);
        rs_reco_query none = {.user = -1};
        filter_row(job, &none, row);   /* --exclude and --allow; no user, nothing seen */
        job->n_best[q] = (int32_t)rs_topk(row, n_items, k, job->best + q * k);
    }
    if (st == RS_OK)
        st = write_recs(job, names, 1, err);
    rs_idmap_free(list.ids);
    free(names), free(row);
    return st;
}

rs_status rs_recommend_run(const rs_reco *reco, const rs_recommend_spec *a, rs_recommend_report *rep, rs_error *err)
{
    run job = {.r = reco, .a = a};
    rs_status st = RS_OK;
    if (a->explain && a->similar)
        st = rs_error_set(err, RS_EUSAGE, NULL, 0, "--explain works with user recommendations, not --similar");
    else if (a->explain && !rs_reco_explains(reco))
        st = rs_error_set(err, RS_EUSAGE, NULL, 0, "--explain works with itemknn and ease models, not %s",
                          rs_reco_kind(reco)->name);
    if (st == RS_OK && a->exclude_path)
        st = item_mask(reco, a->exclude_path, a->table, a, "--item-col", &job.exclude, &rep->unknown_filter_items, err);
    if (st == RS_OK && a->allow_path)
        st = item_mask(reco, a->allow_path, a->table, a, "--item-col", &job.allow, &rep->unknown_filter_items, err);
    if (st == RS_OK)
        st = a->similar ? similar(reco, a, &job, err) : recommend(reco, a, &job, rep, err);
    free(job.exclude), free(job.allow), free(job.best), free(job.n_best), free(job.because);
    return st;
}
