/* rs-predict — score rows with a model file, streaming. */
#include "blas.h"
#include "common.h"
#include "io/paths.h"
#include "num.h"
#include "score/predict.h"
#include "threads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "Usage: rs-predict -m MODEL.rsm [OPTION]...\n"
    "  or:  rs-predict --describe MODEL.rsm\n"
    "Score every row of a table (CSV or rsf) with a model from rs-train and write\n"
    "ID,score: a probability for logreg, mlp and gbdt (bce), a value for linreg,\n"
    "mlp and gbdt (squared), a count for gbdt (poisson).  Features are matched\n"
    "by name: the input may order them any way and carry other columns; a\n"
    "missing one is an error naming it.  A logreg, mlp or gbdt (softmax) model\n"
    "of a class label (more than two classes, or class names) writes\n"
    "ID,class,probability: the most probable class and its probability.\n"
    "Streams in batches of 1024 rows, in constant memory (gbdt: each batch scored 64 rows\n"
    "at a time by -j threads while the next is read and the last written; text\n"
    "models in batches of 2048 split over -j threads; the same output for any -j).  With no -i, or when it is -,\n"
    "read standard input.\n"
    "\n"
    "With a recommender model (pop, itemknn, userknn, content, mf, als, bpr,\n"
    "ease) the input holds user,item pairs and the output is user,item,score:\n"
    "the predicted rating for mf, the ranking score for the others.  A user or\n"
    "item the model lacks gets what the model knows (mf: the global mean plus the\n"
    "known bias; others: popularity, or 0 for an unknown item); they are counted\n"
    "on stderr.\n"
    "\n"
    "With an uplift model the score is the predicted effect of the treatment\n"
    "(the outcome with it minus without it).\n"
    "\n"
    "With a policy model (linucb, lints, egreedy) it acts: ID,action,propensity, the action\n"
    "chosen for each row's context and the probability it was chosen with (what\n"
    "rs-eval policy reads); row i draws from --seed + i, the same for any -j.\n"
    "\n"
    "Options:\n"
    "  -m, --model FILE            the model (.rsm) to score with (required)\n"
    "      --describe FILE         print what the model holds as 'key value' lines\n"
    "                              (kind, hyper-parameters, sections, one 'feature\n"
    "                              NAME' line per feature; gbdt: 'importance NAME\n"
    "                              gain G splits N' lines, by gain) and exit\n"
    "      --id COL                the id column written first (default: the model's\n"
    "                              id column when the input has it, else 'row', the\n"
    "                              1-based row number; alias --id-col)\n"
    "      --keep COLS             pass these input columns through, after the score\n"
    "      --threshold T           add a column 'class': 1 when score >= T, else 0\n"
    "      --proba                 class-label model: also proba_CLASS, each class's\n"
    "                              probability, in the model's class order\n"
    "      --top K                 class-label model: also class_2,probability_2 ...\n"
    "                              class_K,probability_K, the K best classes\n"
    "      --outcomes              uplift: after the effect (the score),\n"
    "                              outcome_control and outcome_treated, the\n"
    "                              predicted outcome without and with the treatment\n"
    "      --explain               gbdt: after the score, each feature's TreeSHAP\n"
    "                              contribution to the raw score (contrib_FEATURE,\n"
    "                              then contrib_base, the expected raw score); a\n"
    "                              row's contributions sum to its raw score (the\n"
    "                              log-odds for bce, the log for poisson)\n"
    "      --user-col, --item-col COL\n"
    "                              recommender models: the pair columns (default:\n"
    "                              the names the model was trained with; user, item)\n"
    "\n"
    "Examples:\n"
    "  rs-predict -m buy.rsm -i test.csv --keep Revenue > scored.csv\n"
    "  rs-eval class -i scored.csv --truth Revenue --score score\n"
    "  rs-predict --describe buy.rsm\n"
    "  rs-predict -m churn.rsm -i customers.csv --explain > why.csv\n"
    "  rs-predict -m intent.rsm -i messages.csv --top 3 --proba > routed.csv\n";

enum { OPT_MODEL = RS_OPT_FIRST_OWN, OPT_DESCRIBE, OPT_ID, OPT_KEEP, OPT_THRESHOLD, OPT_USER_COL, OPT_ITEM_COL,
       OPT_EXPLAIN, OPT_PROBA, OPT_TOP, OPT_OUTCOMES };

static const struct option long_options[] = {
    RS_COMMON_LONG_OPTIONS,
    {"model", required_argument, NULL, OPT_MODEL},
    {"describe", required_argument, NULL, OPT_DESCRIBE},
    {"id", required_argument, NULL, OPT_ID},
    {"id-col", required_argument, NULL, OPT_ID},
    {"keep", required_argument, NULL, OPT_KEEP},
    {"threshold", required_argument, NULL, OPT_THRESHOLD},
    {"user-col", required_argument, NULL, OPT_USER_COL},
    {"item-col", required_argument, NULL, OPT_ITEM_COL},
    {"explain", no_argument, NULL, OPT_EXPLAIN},
    {"outcomes", no_argument, NULL, OPT_OUTCOMES},
    {"proba", no_argument, NULL, OPT_PROBA},
    {"top", required_argument, NULL, OPT_TOP},
    {NULL, 0, NULL, 0},
};

typedef struct {
    const char *model_path, *describe_path;
    rs_predict_spec spec;
} args;

static rs_status own_option(void *ctx, int opt, const char *arg, rs_error *err)
{
    args *a = ctx;
    switch (opt) {
    case 'm':
    case OPT_MODEL: a->model_path = arg; return RS_OK;
    case OPT_DESCRIBE: a->describe_path = arg; return RS_OK;
    case OPT_ID: a->spec.id = arg; return RS_OK;
    case OPT_USER_COL: a->spec.user_col = arg; return RS_OK;
    case OPT_ITEM_COL: a->spec.item_col = arg; return RS_OK;
    case OPT_EXPLAIN: a->spec.explain = 1; return RS_OK;
    case OPT_OUTCOMES: a->spec.outcomes = 1; return RS_OK;
    case OPT_PROBA: a->spec.proba = 1; return RS_OK;
    case OPT_TOP: {
        double top;
        if (rs_parse_double_arg(arg, &top) < 0 || top < 1 || top > 1000 || top != (long)top)
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --top '%s' (expected an integer 1..1000)", arg);
        a->spec.top = (long)top;
        return RS_OK;
    }
    case OPT_KEEP: return rs_strlist_push_split(&a->spec.keep, arg) < 0 ? rs_error_nomem(err) : RS_OK;
    case OPT_THRESHOLD:
        a->spec.have_threshold = 1;
        if (rs_parse_double_arg(arg, &a->spec.threshold) < 0)
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --threshold '%s' (expected a number)", arg);
        return RS_OK;
    default: return rs_error_set(err, RS_EUSAGE, NULL, 0, "%s", "");
    }
}

int main(int argc, char **argv)
{
    rs_blas_choose_kernel(argv);
    rs_common common;
    rs_common_init(&common, "rs-predict");
    args a = {0};
    rs_error err = {0};
    int code = rs_cli_parse(&common, argc, argv, 1, RS_COMMON_SHORT "m:", long_options, own_option, &a, usage_text);
    if (code >= 0 || a.describe_path) {
        rs_strlist_free(&a.spec.keep);
        if (code >= 0)
            return code;
        return rs_cli_finish(common.prog, rs_predict_describe(a.describe_path, common.output, &err), &err);
    }
    rs_blas_init();
    a.spec.input = common.input, a.spec.output = common.output;
    a.spec.format = common.format, a.spec.table = &common.table;
    a.spec.threads = rs_threads_resolve(common.threads);
    a.spec.seed = common.seed;
    rs_model *model = NULL;
    rs_predict_report rep = {0};
    rs_status st = RS_OK;
    rs_path_use files[] = {{common.input, "-i", 0}, {a.model_path, "-m", 0}, {common.output, "-o", 1}};
    if (!a.model_path)
        st = rs_error_set(&err, RS_EUSAGE, NULL, 0, "-m MODEL.rsm is required");
    else if (rs_paths_distinct(files, 3, &err) != RS_OK)
        st = err.code;
    else if (!(model = rs_model_load(a.model_path, &err)))
        st = err.code;
    else
        st = rs_predict_run(model, &a.spec, &rep, &err);
    if (st == RS_OK && (rep.unknown_users || rep.unknown_items) && !common.quiet)
        fprintf(stderr, "rs-predict: %ld pairs with a user and %ld with an item the model lacks\n",
                rep.unknown_users, rep.unknown_items);
    if (st != RS_OK && !err.file[0] && a.model_path && model)
        snprintf(err.file, sizeof err.file, "%s", a.model_path);
    rs_model_free(model);
    rs_strlist_free(&a.spec.keep);
    return rs_cli_finish(common.prog, st, &err);
}
