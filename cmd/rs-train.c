/* rs-train — fit a model to a table and write it as an .rsm file.  The
 * kinds, their options and defaults come from the registry
 * (lib/models/kinds.def); this file parses, checks and reports. */
#include "blas.h"
#include "common.h"
#include "kind_options.h"
#include "io/paths.h"
#include "models/kinds_text.h"
#include "models/train.h"
#include "threads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage_head[] =
    "Usage: rs-train --model KIND --label COL [OPTION]... -o MODEL.rsm\n"
    "  or:  rs-train --model KIND [OPTION]... -o MODEL.rsm   (recommenders)\n"
    "  or:  rs-train --list-models\n"
    "Fit a model to a table (CSV or rsf) and write it to MODEL.rsm (atomically).\n"
    "With no -i, or when it is -, read standard input.  The table is read into\n"
    "memory: 4 bytes per feature and row, or about 24 bytes per interaction.\n"
    "gbdt reads the table twice instead (stdin is spooled to a temp file) and\n"
    "holds 1 byte per feature and row plus about 18 bytes per row.\n"
    "\n"
    "Supervised kinds (features + label), with their defaults:\n";
static const char usage_reco[] =
    "\n"
    "Recommender kinds (interactions user,item[,value][,ts]; value defaults to 1):\n";
static const char usage_options[] =
    "\n"
    "Options:\n"
    "      --model KIND            one of the kinds above (required)\n"
    "      --list-models           the kinds as a table (kind, family, summary,\n"
    "                              defaults, quick options) and exit\n"
    "      --label COL             supervised: the target column (required)\n"
    "      --features COLS         supervised: feature columns, comma-separated\n"
    "                              (default: every column but label and id whose\n"
    "                              first value is a number; with --text: none,\n"
    "                              COLS are numbers standardised beside the text)\n"
    "      --id COL                supervised: an id column, never a feature (alias\n"
    "                              --id-col)\n"
    "                              (default: 'id' or 'user' when present)\n"
    "      --valid FILE            supervised: a validation table with the same\n"
    "                              features: its loss (and AUC, or accuracy for\n"
    "                              classes) with -v; mlp keeps the best epoch\n"
    "                              (early stopping); logreg --text keeps the pass\n"
    "                              of lowest log loss on it\n"
    "      --user-col, --item-col, --value-col, --time-col COL\n"
    "                              recommenders: column names (default user, item,\n"
    "                              value and ts when present); the model remembers\n"
    "                              them for rs-recommend and rs-predict\n"
    "      --time-format FMT       recommenders: strptime(3) pattern for the time\n"
    "      --session-col COL       sequence kinds (markov, sknn, seqease, sasrec):\n"
    "                              sessions (the events with one value of COL)\n"
    "                              instead of each user's whole history\n"
    "      --basket-col COL        sequence kinds: events with one value of COL are\n"
    "                              one basket (default: the events of a user at one\n"
    "                              time).  Sequence kinds order each user's events\n"
    "                              by time (ts or --time-col), ties by a hash of\n"
    "                              user and item under --seed (never by id); with\n"
    "                              no time column, in file order\n"
    "  -v, --verbose               the loss per iteration or epoch on stderr\n"
    "      --progress              the same lines even when stderr is not a\n"
    "                              terminal (on a terminal they are shown, one\n"
    "                              line overwriting the last, without -v)\n"
    "\n"
    "Kind options (a kind takes only the options listed with it above; any\n"
    "other is a usage error naming both):\n";
static const char usage_tail[] =
    "\n"
    "A summary line goes to stderr unless -q: rows and features (users, items and\n"
    "interactions), iterations, the columns used ([label=L id=I], or [user=U\n"
    "item=I value=V time=T], '-' for none: without a value every row counts 1),\n"
    "seconds.\n"
    "-j: linreg and logreg split the rows by thread, mlp each mini-batch (when\n"
    "batch x parameters >= 2^21); the same -j gives the same bytes.  als, itemknn\n"
    "and userknn split users or items (any -j, the same bytes).  mf, and bpr\n"
    "without --hogwild, use one thread.  OpenBLAS runs one thread inside them;\n"
    "ease runs OpenBLAS on -j threads (another -j may change the last bits).\n"
    "OPENBLAS_THREAD_TIMEOUT unset is set to 20 (rs(7)); -vv prints it.\n"
    "Recommenders read interactions from a CSV or rsf file on -j threads and\n"
    "build their matrices on -j threads: the same bytes on any -j.  logreg\n"
    "--text hashes the rows on -j threads and splits SGD's classes over them\n"
    "(any -j, the same bytes).\n"
    "\n"
    "Examples:\n"
    "  rs-train --model logreg --label Revenue -i train.csv -o buy.rsm\n"
    "  rs-train --model mlp --hidden 64,32 --dropout 0.2 --label Revenue \\\n"
    "    -i train.csv --valid valid.csv --epochs 50 -v -o buy.rsm\n"
    "  rs-train --model ease -i interactions.csv -o ease.rsm\n"
    "  rs-train --model mf --svdpp -i ratings.csv --value-col rating -o mf.rsm\n";

enum { OPT_MODEL = RS_OPT_FIRST_OWN, OPT_LIST, OPT_LABEL, OPT_FEATURES, OPT_ID, OPT_VALID, OPT_USER_COL, OPT_ITEM_COL,
       OPT_VALUE_COL, OPT_TIME_COL, OPT_TIME_FORMAT, OPT_SESSION_COL, OPT_BASKET_COL, OPT_KIND_FIRST };

/* rs-train's own options: --model, --list-models and the data options (which
 * family each belongs to is the library's table, rs_params_apply). */
static const struct option data_options[] = {
    {"model", required_argument, NULL, OPT_MODEL},     {"list-models", no_argument, NULL, OPT_LIST},
    {"label", required_argument, NULL, OPT_LABEL},     {"features", required_argument, NULL, OPT_FEATURES},
    {"id", required_argument, NULL, OPT_ID},           {"id-col", required_argument, NULL, OPT_ID},
    {"valid", required_argument, NULL, OPT_VALID},
    {"user-col", required_argument, NULL, OPT_USER_COL}, {"item-col", required_argument, NULL, OPT_ITEM_COL},
    {"value-col", required_argument, NULL, OPT_VALUE_COL}, {"time-col", required_argument, NULL, OPT_TIME_COL},
    {"time-format", required_argument, NULL, OPT_TIME_FORMAT},
    {"session-col", required_argument, NULL, OPT_SESSION_COL}, {"basket-col", required_argument, NULL, OPT_BASKET_COL},
};
enum { N_DATA = sizeof data_options / sizeof data_options[0] };

typedef struct {
    const char *kind_name, *valid_path, *label, *id;
    int list;
    rs_interactions_spec cols;
    rs_strlist features;
    rs_strlist given;           /* every option given after the common ones: name, arg, name, arg ... */
    const struct option *long_options;
} args;

static rs_status own_option(void *ctx, int opt, const char *arg, rs_error *err)
{
    args *a = ctx;
    const char *name = rs_kind_long_option_name(a->long_options, opt);
    if (!name)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "%s", "");
    switch (opt) {
    case OPT_MODEL: a->kind_name = arg; return RS_OK;
    case OPT_LIST: a->list = 1; return RS_OK;
    case OPT_LABEL: a->label = arg; break;
    case OPT_FEATURES:
        if (rs_strlist_push_split(&a->features, arg) < 0)
            return rs_error_nomem(err);
        break;
    case OPT_ID: a->id = arg; break;
    case OPT_VALID: a->valid_path = arg; break;
    case OPT_USER_COL: a->cols.user_col = arg; break;
    case OPT_ITEM_COL: a->cols.item_col = arg; break;
    case OPT_VALUE_COL: a->cols.value_col = arg; break;
    case OPT_TIME_COL: a->cols.time_col = arg; break;
    case OPT_TIME_FORMAT: a->cols.time_format = arg; break;
    case OPT_SESSION_COL: a->cols.session_col = arg; break;
    case OPT_BASKET_COL: a->cols.basket_col = arg; break;
    default: break;
    }
    /* checked against the kind once it is known */
    if (rs_strlist_push(&a->given, name) < 0 || rs_strlist_push(&a->given, arg ? arg : "") < 0)
        return rs_error_nomem(err);
    return RS_OK;
}

static rs_status apply_options(const args *a, const rs_kind *kind, rs_params *p, rs_error *err)
{
    if (rs_params_apply(p, kind, &a->given, err) != RS_OK)
        return err->code;
    p->label = a->label;
    p->id = a->id;
    p->item_col = a->cols.item_col;
    return RS_OK;
}

static rs_status check_args(const args *a, const rs_common *c, const rs_kind **kind, rs_error *err)
{
    if (rs_kind_resolve(a->kind_name, kind, err) != RS_OK)
        return err->code;
    if (!a->label && (*kind)->family == RS_FAMILY_SUPERVISED)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--label COL is required");
    if (!c->output || !strcmp(c->output, "-"))
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "-o MODEL.rsm is required (a model is binary; it is not written to stdout)");
    return RS_OK;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *usage_new(void)
{
    char *sup = rs_kinds_help_new(RS_FAMILY_SUPERVISED), *reco = rs_kinds_help_new(RS_FAMILY_RECOMMENDER);
    char *opts = rs_kind_options_help_new(), *usage = NULL;
    if (sup && reco && opts) {
        size_t len = strlen(usage_head) + strlen(sup) + strlen(usage_reco) + strlen(reco) + strlen(usage_options) +
                     strlen(opts) + strlen(usage_tail) + 1;
        if ((usage = malloc(len)))
            snprintf(usage, len, "%s%s%s%s%s%s%s", usage_head, sup, usage_reco, reco, usage_options, opts, usage_tail);
    }
    free(sup), free(reco), free(opts);
    return usage;
}

static int list_models(const rs_common *c)
{
    rs_error err = {0};
    char *list = rs_kinds_list_new();
    if (!list)
        return rs_cli_finish(c->prog, rs_error_nomem(&err), &err);
    int code = rs_cli_print_text(c->prog, list);
    free(list);
    return code;
}

static int run(args *a, rs_common *common, int argc, char **argv, const char *usage)
{
    int code = rs_cli_parse(common, argc, argv, 1, RS_COMMON_SHORT, a->long_options, own_option, a, usage);
    if (code >= 0)
        return code;
    if (a->list)
        return list_models(common);
    double start = now_seconds();
    rs_error err = {0};
    const rs_kind *kind = NULL;
    rs_params p;
    rs_path_use files[] = {{common->input, "-i", 0}, {a->valid_path, "--valid", 0}, {common->output, "-o", 1}};
    rs_status st = check_args(a, common, &kind, &err);
    if (st == RS_OK)
        st = rs_paths_distinct(files, 3, &err);
    if (st == RS_OK)
        st = apply_options(a, kind, &p, &err);
    rs_blas_init();
    if (st == RS_OK) {
        p.threads = rs_threads_resolve(common->threads);
        p.seed = common->seed;
        rs_cli_progress progress;
        if (rs_cli_progress_init(&progress, common, common->verbose)) {
            p.progress = rs_cli_progress_line;
            p.progress_ctx = &progress;
        }
        if (common->verbose > 1 && !common->quiet)
            fprintf(stderr, "rs-train: OpenBLAS kernel %s, %d threads, idle OpenBLAS threads spin 2^%s cycles\n",
                    rs_blas_kernel(), p.threads, rs_blas_thread_timeout());
        rs_train_spec spec = {common->input, common->output, &common->table, a->valid_path, &a->features, a->cols};
        char summary[512];
        st = rs_train_run(kind, &p, &spec, summary, sizeof summary, &err);
        rs_cli_progress_end(&progress);
        if (st == RS_OK && !common->quiet)
            fprintf(stderr, "rs-train: %s, %.3f s -> %s\n", summary, now_seconds() - start, common->output);
    }
    if (st == RS_EDATA && !err.file[0])
        snprintf(err.file, sizeof err.file, "%s", common->input ? common->input : "-");
    return rs_cli_finish(common->prog, st, &err);
}

int main(int argc, char **argv)
{
    rs_blas_choose_kernel(argv);
    rs_common common;
    rs_common_init(&common, "rs-train");
    args a = {0};
    struct option *long_options = rs_kind_long_options_new(data_options, N_DATA, OPT_KIND_FIRST);
    char *usage = usage_new();
    a.long_options = long_options;
    rs_error err = {0};
    int code = long_options && usage ? run(&a, &common, argc, argv, usage)
                                     : rs_cli_finish(common.prog, rs_error_nomem(&err), &err);
    rs_strlist_free(&a.features);
    rs_strlist_free(&a.given);
    free(long_options);
    free(usage);
    return code;
}
