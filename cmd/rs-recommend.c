/* rs-recommend — top-K items for every user (or the items similar to
 * given items) from a recommender model, with the filters shops need. */
#include "blas.h"
#include "common.h"
#include "io/paths.h"
#include "num.h"
#include "score/recommend.h"
#include "threads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "Usage: rs-recommend -m MODEL.rsm [-k K] [OPTION]...\n"
    "  or:  rs-recommend -m MODEL.rsm --similar ITEMS [-k K] [OPTION]...\n"
    "Write the K best items for each user as USER,ITEM,rank,score (rank 1 is\n"
    "best; USER and ITEM: the model's column names, e.g. userId,movieId when it\n"
    "was trained with --user-col userId --item-col movieId; else user,item),\n"
    "users in the order given (default: every user of the model, in\n"
    "model order).  Items a user already has are left out unless\n"
    "--include-seen.  Equal scores are ordered by the item's position in the\n"
    "model (first seen in training first), so output is the same on every run.\n"
    "Users are scored in blocks of 128 (one sgemm for als, bpr, mf and ease), a\n"
    "partial top-K per user, blocks split over -j threads; the user x item score\n"
    "matrix is never held.\n"
    "\n"
    "Options:\n"
    "  -m, --model FILE            a recommender model from rs-train (required)\n"
    "  -k, --k K                   items per user (default 10)\n"
    "      --users FILE            recommend for these users: a table with a user\n"
    "                              column (--user-col) or an id list of one column,\n"
    "                              with or without a header: a first line that is\n"
    "                              an id of the model or starts with no letter is\n"
    "                              data; another header is named in a warning\n"
    "      --history FILE          user,item[,value] interactions of users the model\n"
    "                              has not seen (or has, and that changed): als solves\n"
    "                              their factors against the item factors, itemknn,\n"
    "                              ease and content score from the history, markov,\n"
    "                              sknn, seqease continue it, the other\n"
    "                              kinds fall back to popularity (noted on stderr).\n"
    "                              Without --users, recommends for the history's users.\n"
    "                              Sequence kinds read it in order: by its time column\n"
    "                              when present (ties: a hash under --seed), else in\n"
    "                              file order\n"
    "      --include-seen          keep items the user already has\n"
    "      --exclude FILE          never recommend these items (out of stock,\n"
    "                              blocked): a table with an item column or an id\n"
    "                              list of one column (read as --users)\n"
    "      --allow FILE            recommend only these items (a category, a campaign)\n"
    "      --similar ITEMS         item-to-item lists instead: ITEMS is a file (item\n"
    "                              column or one column) or a comma-separated list;\n"
    "                              writes ITEM,similar,rank,score (ITEM: the model's\n"
    "                              item column name) with the same filters\n"
    "      --explain               itemknn, ease: add 'because', the history item that\n"
    "                              contributed most to each recommendation\n"
    "      --user-col, --item-col, --value-col COL\n"
    "                              column names in --users, --history, --exclude,\n"
    "                              --allow and --similar files and the output\n"
    "                              (default: the model's, see above)\n"
    "\n"
    "Users neither in the model nor in --history get the most popular items (a\n"
    "note on stderr counts them).  -v reports counts and the OpenBLAS kernel\n"
    "(and OPENBLAS_THREAD_TIMEOUT, set to 20 when unset: rs(7));\n"
    "progress (users N of M) shows on a terminal, or anywhere with --progress.\n"
    "\n"
    "Examples:\n"
    "  rs-recommend -m als.rsm -k 10 > recs.csv\n"
    "  rs-recommend -m ease.rsm --users today.csv --exclude out_of_stock.csv -k 20\n"
    "  rs-recommend -m als.rsm --history new_sessions.csv -k 10\n"
    "  rs-recommend -m itemknn.rsm --similar 85123A,22423 -k 5 --explain\n";

enum { OPT_MODEL = RS_OPT_FIRST_OWN, OPT_K, OPT_USERS, OPT_HISTORY, OPT_INCLUDE_SEEN, OPT_EXCLUDE, OPT_ALLOW,
       OPT_SIMILAR, OPT_EXPLAIN, OPT_USER_COL, OPT_ITEM_COL, OPT_VALUE_COL };

static const struct option long_options[] = {
    RS_COMMON_LONG_OPTIONS,
    {"model", required_argument, NULL, OPT_MODEL},
    {"k", required_argument, NULL, OPT_K},
    {"users", required_argument, NULL, OPT_USERS},
    {"history", required_argument, NULL, OPT_HISTORY},
    {"include-seen", no_argument, NULL, OPT_INCLUDE_SEEN},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"allow", required_argument, NULL, OPT_ALLOW},
    {"similar", required_argument, NULL, OPT_SIMILAR},
    {"explain", no_argument, NULL, OPT_EXPLAIN},
    {"user-col", required_argument, NULL, OPT_USER_COL},
    {"item-col", required_argument, NULL, OPT_ITEM_COL},
    {"value-col", required_argument, NULL, OPT_VALUE_COL},
    {NULL, 0, NULL, 0},
};

typedef struct {
    const char *model_path;
    rs_recommend_spec spec;
} args;

static rs_status own_option(void *ctx, int opt, const char *arg, rs_error *err)
{
    args *a = ctx;
    switch (opt) {
    case 'm':
    case OPT_MODEL: a->model_path = arg; return RS_OK;
    case 'k':
    case OPT_K:
        if (rs_parse_long_arg(arg, 1, 1L << 20, &a->spec.k) < 0)
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid -k '%s' (expected 1..1048576)", arg);
        return RS_OK;
    case OPT_USERS: a->spec.users_path = arg; return RS_OK;
    case OPT_HISTORY: a->spec.history_path = arg; return RS_OK;
    case OPT_INCLUDE_SEEN: a->spec.include_seen = 1; return RS_OK;
    case OPT_EXCLUDE: a->spec.exclude_path = arg; return RS_OK;
    case OPT_ALLOW: a->spec.allow_path = arg; return RS_OK;
    case OPT_SIMILAR: a->spec.similar = arg; return RS_OK;
    case OPT_EXPLAIN: a->spec.explain = 1; return RS_OK;
    case OPT_USER_COL: a->spec.user_col = arg; return RS_OK;
    case OPT_ITEM_COL: a->spec.item_col = arg; return RS_OK;
    case OPT_VALUE_COL: a->spec.value_col = arg; return RS_OK;
    default: return rs_error_set(err, RS_EUSAGE, NULL, 0, "%s", "");
    }
}

/* The notes on stderr: filter items the model lacks (-v), users given the
 * popular items, and with -v a summary. */
static void report(const rs_common *c, const rs_reco *r, const args *a, const rs_recommend_report *rep, rs_status st)
{
    if (st != RS_OK || c->quiet)
        return;
    if (rep->unknown_filter_items && c->verbose)
        fprintf(stderr, "rs-recommend: %ld --exclude/--allow items are not in the model (ignored)\n",
                rep->unknown_filter_items);
    if (rep->fallback)
        fprintf(stderr, "rs-recommend: %ld of %zu users %s: the most popular items instead\n", rep->fallback,
                rep->n_users, rs_reco_folds_in(r) ? "are neither in the model nor in --history"
                                                  : "are not in the model (a history cannot be folded into this kind)");
    if (c->verbose && !a->spec.similar)
        fprintf(stderr, "rs-recommend: %s model, %zu users (%ld from --history%s), %zu items, k %ld\n",
                rs_reco_kind(r)->name, rep->n_users, rep->fold_ins,
                rep->history_unknown_items ? ", items unknown to the model skipped" : "", rs_reco_n_items(r),
                a->spec.k);
}

int main(int argc, char **argv)
{
    rs_blas_choose_kernel(argv);
    rs_common common;
    rs_common_init(&common, "rs-recommend");
    args a = {.spec.k = 10};
    rs_error err = {0};
    int code = rs_cli_parse(&common, argc, argv, 1, RS_COMMON_SHORT "m:k:", long_options, own_option, &a, usage_text);
    if (code >= 0)
        return code;
    rs_blas_init();
    if (common.verbose > 1 && !common.quiet)
        fprintf(stderr, "rs-recommend: OpenBLAS kernel %s, idle OpenBLAS threads spin 2^%s cycles\n", rs_blas_kernel(),
                rs_blas_thread_timeout());
    a.spec.output = common.output, a.spec.format = common.format, a.spec.table = &common.table;
    a.spec.threads = rs_threads_resolve(common.threads);
    a.spec.seed = common.seed;
    rs_model *model = NULL;
    rs_reco *reco = NULL;
    rs_recommend_report rep = {0};
    rs_status st = RS_OK;
    rs_path_use files[] = {{a.model_path, "-m", 0},          {a.spec.users_path, "--users", 0},
                           {a.spec.history_path, "--history", 0}, {a.spec.exclude_path, "--exclude", 0},
                           {a.spec.allow_path, "--allow", 0},     {common.output, "-o", 1}};
    if (!a.model_path)
        st = rs_error_set(&err, RS_EUSAGE, NULL, 0, "-m MODEL.rsm is required");
    else if (rs_paths_distinct(files, 6, &err) != RS_OK)
        st = err.code;
    else if (a.spec.explain && a.spec.similar)
        st = rs_error_set(&err, RS_EUSAGE, NULL, 0, "--explain works with user recommendations, not --similar");
    else if (!(model = rs_model_load(a.model_path, &err)) || !(reco = rs_reco_new(model, &err)))
        st = err.code;
    else {
        rs_cli_progress progress;
        if (rs_cli_progress_init(&progress, &common, 0)) {
            a.spec.progress = rs_cli_progress_line;
            a.spec.progress_ctx = &progress;
        }
        st = rs_recommend_run(reco, &a.spec, &rep, &err);
        rs_cli_progress_end(&progress);
    }
    report(&common, reco, &a, &rep, st);
    if (st != RS_OK && model && !err.file[0] && st == RS_EDATA && !a.spec.similar)
        snprintf(err.file, sizeof err.file, "%s", a.model_path);
    rs_reco_free(reco);
    rs_model_free(model);
    return rs_cli_finish(common.prog, st, &err);
}
