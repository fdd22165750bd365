/* rs-train — fit a model to a table and write it as an .rsm file. */
#include "../lib/blas.h"
#include "common.h"
#include "../lib/interactions.h"
#include "../lib/num.h"
#include "../lib/reco.h"
#include "../lib/supervised.h"
#include "../lib/threads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage_text[] =
    "Usage: rs-train --model KIND --label COL [OPTION]... -o MODEL.rsm\n"
    "  or:  rs-train --model KIND [OPTION]... -o MODEL.rsm   (recommenders)\n"
    "Fit a model to a table (CSV or rsf) and write it to MODEL.rsm (atomically).\n"
    "With no -i, or when it is -, read standard input.  The table is read into\n"
    "memory: 4 bytes per feature and row, or about 24 bytes per interaction.\n"
    "\n"
    "Supervised kinds (features + label):\n"
    "  linreg   least squares; ridge with --l2.  Closed form: X'X by dsyrk, then\n"
    "           Cholesky; linearly dependent features are an error naming one\n"
    "  logreg   logistic regression on a 0/1 (or true/false) label, minimising\n"
    "           sum log(1 + exp(-s (w.x + b))) + l2/2 |w|^2 + l1 |w|_1 (b free),\n"
    "           as LIBLINEAR and scikit-learn with C = 1/l2.  Newton steps on the\n"
    "           exact Hessian (up to 1023 features, l1 = 0), else OWL-QN\n"
    "  mlp      neural network: standardised inputs, hidden layers, one output\n"
    "           unit (logit for bce, value for squared), Adam on mini-batches\n"
    "\n"
    "Recommender kinds (interactions user,item[,value][,ts]; value defaults to 1):\n"
    "  pop      popularity: interactions per item (--recent DAYS: the last DAYS)\n"
    "  itemknn  item-item cosine with shrinkage, --neighbors per item\n"
    "  userknn  user-user cosine with shrinkage, --neighbors per user\n"
    "  content  TF-IDF cosine of item attributes/text (--item-features FILE)\n"
    "           against the user's history; items without interactions too\n"
    "  mf       explicit ratings: biased matrix factorisation by SGD (--svdpp)\n"
    "  als      implicit: weighted ALS (Hu-Koren-Volinsky), confidence\n"
    "           1 + alpha x value, conjugate-gradient solves\n"
    "  bpr      implicit: Bayesian personalised ranking by SGD\n"
    "  ease     implicit: Steck's linear autoencoder, closed form (--l2)\n"
    "\n"
    "Options:\n"
    "      --model KIND            one of the kinds above (required)\n"
    "      --label COL             supervised: the target column (required)\n"
    "      --features COLS         feature columns, comma-separated (default: every\n"
    "                              column but label and id whose first value is a\n"
    "                              number)\n"
    "      --id COL                an id column, never a feature (default: 'id' or\n"
    "                              'user' when present); recorded for rs-predict\n"
    "      --valid FILE            a validation table with the same feature names:\n"
    "                              its loss (and AUC) per iteration/epoch with -v;\n"
    "                              mlp keeps the best epoch (early stopping)\n"
    "      --l2 X                  L2 penalty (logreg default 1, others 0)\n"
    "      --l1 X                  L1 penalty (logreg; default 0)\n"
    "      --class-weight W        logreg: balanced (n / (2 n_class)) or W0,W1\n"
    "      --tol X                 logreg: stop when |gradient| <= X |initial gradient|\n"
    "                              (default 1e-6)\n"
    "      --max-iter N            logreg: iteration cap (default 100 Newton, 1000\n"
    "                              OWL-QN); not converging is a warning\n"
    "      --hidden LIST           mlp: hidden layer sizes, e.g. 64,32 (default 64;\n"
    "                              0 for none); at most 8 layers\n"
    "      --activation F          mlp: relu (default), tanh or sigmoid\n"
    "      --loss L                mlp: bce (default for a 0/1 label) or squared\n"
    "      --dropout P             mlp: drop hidden units with probability P (0)\n"
    "      --lr X                  mlp: Adam learning rate (0.001)\n"
    "      --epochs N              mlp: passes over the data (20)\n"
    "      --batch N               mlp: rows per mini-batch (256)\n"
    "      --patience N            mlp: with --valid, stop after N epochs without a\n"
    "                              better validation loss (3)\n"
    "      --user-col, --item-col, --value-col, --time-col COL\n"
    "                              recommenders: column names (default user, item,\n"
    "                              value and ts when present)\n"
    "      --time-format FMT       strptime(3) pattern for the time column\n"
    "      --factors N             mf, als, bpr: latent factors (64)\n"
    "      --alpha X               als: confidence slope (default 1)\n"
    "      --cg-steps N            als: conjugate-gradient steps per solve (3)\n"
    "      --svdpp                 mf: add SVD++'s implicit-feedback term\n"
    "      --neighbors N           itemknn, userknn: neighbours kept (100)\n"
    "      --shrink X              itemknn, userknn: cosine shrinkage (10)\n"
    "      --weighting W           itemknn, userknn: none, idf or bm25 (none)\n"
    "      --recent DAYS           pop: count only the last DAYS before the newest\n"
    "                              interaction (needs a time column)\n"
    "      --item-features FILE    content: item,attribute... table (item column by\n"
    "                              --item-col)\n"
    "      --hogwild               bpr: use -j threads without locks (faster, but\n"
    "                              runs differ); default one thread, reproducible\n"
    "      (--epochs, --lr, --l2 also set the recommenders' passes, SGD step and\n"
    "      regularisation; defaults: mf 40/0.007/0.05, als 15 iterations/l2 0.1,\n"
    "      bpr 60/0.05/0.002, ease l2 500)\n"
    "  -v, --verbose               the loss per iteration or epoch on stderr\n"
    "\n"
    "A summary line (rows, features, iterations, seconds) goes to stderr unless -q.\n"
    "-j: linreg and logreg split the rows by thread, mlp each mini-batch (when\n"
    "batch x parameters >= 2^21); the same -j gives the same bytes.  als, itemknn\n"
    "and userknn split users or items (any -j, the same bytes).  mf, and bpr\n"
    "without --hogwild, use one thread.  OpenBLAS runs one thread inside them.\n"
    "\n"
    "Examples:\n"
    "  rs-train --model logreg --label Revenue -i train.csv -o buy.rsm\n"
    "  rs-train --model mlp --hidden 64,32 --dropout 0.2 --label Revenue \\\n"
    "    -i train.csv --valid valid.csv --epochs 50 -v -o buy.rsm\n"
    "  rs-train --model ease -i interactions.csv -o ease.rsm\n"
    "  rs-train --model mf --svdpp -i ratings.csv --value-col rating -o mf.rsm\n";

enum { OPT_MODEL = RS_OPT_FIRST_OWN, OPT_LABEL, OPT_FEATURES, OPT_ID, OPT_VALID, OPT_L2, OPT_L1,
       OPT_CLASS_WEIGHT, OPT_TOL, OPT_MAX_ITER, OPT_HIDDEN, OPT_ACTIVATION, OPT_LOSS, OPT_DROPOUT, OPT_LR,
       OPT_EPOCHS, OPT_BATCH, OPT_PATIENCE, OPT_USER_COL, OPT_ITEM_COL, OPT_VALUE_COL, OPT_TIME_COL,
       OPT_TIME_FORMAT, OPT_FACTORS, OPT_ALPHA, OPT_CG_STEPS, OPT_SVDPP, OPT_NEIGHBORS, OPT_SHRINK, OPT_WEIGHTING,
       OPT_RECENT, OPT_ITEM_FEATURES, OPT_HOGWILD };

static const struct option long_options[] = {
    RS_COMMON_LONG_OPTIONS,
    {"model", required_argument, NULL, OPT_MODEL},
    {"label", required_argument, NULL, OPT_LABEL},
    {"features", required_argument, NULL, OPT_FEATURES},
    {"id", required_argument, NULL, OPT_ID},
    {"valid", required_argument, NULL, OPT_VALID},
    {"l2", required_argument, NULL, OPT_L2},
    {"l1", required_argument, NULL, OPT_L1},
    {"class-weight", required_argument, NULL, OPT_CLASS_WEIGHT},
    {"tol", required_argument, NULL, OPT_TOL},
    {"max-iter", required_argument, NULL, OPT_MAX_ITER},
    {"hidden", required_argument, NULL, OPT_HIDDEN},
    {"activation", required_argument, NULL, OPT_ACTIVATION},
    {"loss", required_argument, NULL, OPT_LOSS},
    {"dropout", required_argument, NULL, OPT_DROPOUT},
    {"lr", required_argument, NULL, OPT_LR},
    {"epochs", required_argument, NULL, OPT_EPOCHS},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"patience", required_argument, NULL, OPT_PATIENCE},
    {"user-col", required_argument, NULL, OPT_USER_COL},
    {"item-col", required_argument, NULL, OPT_ITEM_COL},
    {"value-col", required_argument, NULL, OPT_VALUE_COL},
    {"time-col", required_argument, NULL, OPT_TIME_COL},
    {"time-format", required_argument, NULL, OPT_TIME_FORMAT},
    {"factors", required_argument, NULL, OPT_FACTORS},
    {"alpha", required_argument, NULL, OPT_ALPHA},
    {"cg-steps", required_argument, NULL, OPT_CG_STEPS},
    {"svdpp", no_argument, NULL, OPT_SVDPP},
    {"neighbors", required_argument, NULL, OPT_NEIGHBORS},
    {"shrink", required_argument, NULL, OPT_SHRINK},
    {"weighting", required_argument, NULL, OPT_WEIGHTING},
    {"recent", required_argument, NULL, OPT_RECENT},
    {"item-features", required_argument, NULL, OPT_ITEM_FEATURES},
    {"hogwild", no_argument, NULL, OPT_HOGWILD},
    {NULL, 0, NULL, 0},
};

typedef struct {
    rs_sup_params p;
    rs_reco_params r;
    rs_interactions_spec cols;
    rs_strlist features;
    const char *valid_path;
    int have_l1, hogwild;
} args;

static rs_status bad(rs_error *err, const char *fmt, const char *arg)
{
    return rs_error_set(err, RS_EUSAGE, NULL, 0, fmt, arg);
}

static rs_status parse_nonneg(const char *arg, const char *name, double *out, rs_error *err)
{
    if (rs_parse_double_arg(arg, out) < 0 || !(*out >= 0))
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid %s '%s' (expected a number >= 0)", name, arg);
    return RS_OK;
}

static rs_status parse_count(const char *arg, const char *name, long max, long *out, rs_error *err)
{
    if (rs_parse_long_arg(arg, 1, max, out) < 0)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid %s '%s' (expected 1..%ld)", name, arg, max);
    return RS_OK;
}

static rs_status parse_hidden(rs_sup_params *p, const char *arg, rs_error *err)
{
    p->n_hidden = 0;
    if (!strcmp(arg, "0"))
        return RS_OK;
    rs_strlist sizes = {0};
    rs_status st = rs_strlist_push_split(&sizes, arg) < 0 ? rs_error_nomem(err) : RS_OK;
    for (size_t i = 0; st == RS_OK && i < sizes.n; i++) {
        long v;
        if (i >= RS_MLP_MAX_HIDDEN || rs_parse_long_arg(sizes.items[i], 1, 1L << 16, &v) < 0)
            st = bad(err, "invalid --hidden '%s' (expected up to 8 sizes 1..65536, e.g. 64,32)", arg);
        else
            p->hidden[p->n_hidden++] = (size_t)v;
    }
    rs_strlist_free(&sizes);
    return st;
}

static rs_status parse_class_weight(rs_sup_params *p, const char *arg, rs_error *err)
{
    if (!strcmp(arg, "balanced")) {
        p->balanced = 1;
        return RS_OK;
    }
    const char *comma = strchr(arg, ',');
    char w0[64];
    if (!comma || comma - arg >= (long)sizeof w0)
        return bad(err, "invalid --class-weight '%s' (expected balanced or W0,W1)", arg);
    snprintf(w0, sizeof w0, "%.*s", (int)(comma - arg), arg);
    if (rs_parse_double_arg(w0, &p->class_weight[0]) < 0 || rs_parse_double_arg(comma + 1, &p->class_weight[1]) < 0 ||
        !(p->class_weight[0] > 0) || !(p->class_weight[1] > 0))
        return bad(err, "invalid --class-weight '%s' (expected balanced or W0,W1, both > 0)", arg);
    p->balanced = 0;
    return RS_OK;
}

static rs_status reco_option(args *a, int opt, const char *arg, rs_error *err)
{
    rs_reco_params *r = &a->r;
    switch (opt) {
    case OPT_USER_COL: a->cols.user_col = arg; return RS_OK;
    case OPT_ITEM_COL: a->cols.item_col = r->item_col = arg; return RS_OK;
    case OPT_VALUE_COL: a->cols.value_col = arg; return RS_OK;
    case OPT_TIME_COL: a->cols.time_col = arg; return RS_OK;
    case OPT_TIME_FORMAT: a->cols.time_format = arg; return RS_OK;
    case OPT_FACTORS: return parse_count(arg, "--factors", 4096, &r->factors, err);
    case OPT_ALPHA: return parse_nonneg(arg, "--alpha", &r->alpha, err);
    case OPT_CG_STEPS: return parse_count(arg, "--cg-steps", 1000, &r->cg_steps, err);
    case OPT_SVDPP: r->svdpp = 1; return RS_OK;
    case OPT_NEIGHBORS: return parse_count(arg, "--neighbors", 1L << 30, &r->neighbors, err);
    case OPT_SHRINK: return parse_nonneg(arg, "--shrink", &r->shrink, err);
    case OPT_WEIGHTING:
        if (strcmp(arg, "none") && strcmp(arg, "idf") && strcmp(arg, "bm25"))
            return bad(err, "invalid --weighting '%s' (expected none, idf or bm25)", arg);
        r->weighting = arg;
        return RS_OK;
    case OPT_RECENT:
        if (parse_nonneg(arg, "--recent", &r->recent_days, err) != RS_OK || !(r->recent_days > 0))
            return bad(err, "invalid --recent '%s' (expected days > 0)", arg);
        return RS_OK;
    case OPT_ITEM_FEATURES: r->item_features = arg; return RS_OK;
    case OPT_HOGWILD: a->hogwild = 1; return RS_OK;
    default: return bad(err, "%s", "");
    }
}

static rs_status own_option(void *ctx, int opt, const char *arg, rs_error *err)
{
    args *a = ctx;
    rs_sup_params *p = &a->p;
    double v;
    if (opt >= OPT_USER_COL)
        return reco_option(a, opt, arg, err);
    switch (opt) {
    case OPT_MODEL: p->kind = a->r.kind = arg; return RS_OK;
    case OPT_LABEL: p->label = arg; return RS_OK;
    case OPT_FEATURES:
        return rs_strlist_push_split(&a->features, arg) < 0 ? rs_error_nomem(err) : RS_OK;
    case OPT_ID: p->id = arg; return RS_OK;
    case OPT_VALID: a->valid_path = arg; return RS_OK;
    case OPT_L2: return parse_nonneg(arg, "--l2", &p->l2, err) ? err->code : (a->r.l2 = p->l2, RS_OK);
    case OPT_L1: a->have_l1 = 1; return parse_nonneg(arg, "--l1", &p->l1, err);
    case OPT_CLASS_WEIGHT: return parse_class_weight(p, arg, err);
    case OPT_TOL:
        if (parse_nonneg(arg, "--tol", &p->tol, err) != RS_OK || !(p->tol > 0 && p->tol < 1))
            return bad(err, "invalid --tol '%s' (expected 0 < X < 1)", arg);
        return RS_OK;
    case OPT_MAX_ITER: return parse_count(arg, "--max-iter", 1000000, &p->max_iter, err);
    case OPT_HIDDEN: return parse_hidden(p, arg, err);
    case OPT_ACTIVATION: p->activation = arg; return RS_OK;
    case OPT_LOSS: p->loss = arg; return RS_OK;
    case OPT_DROPOUT:
        if (rs_parse_double_arg(arg, &v) < 0 || !(v >= 0 && v < 1))
            return bad(err, "invalid --dropout '%s' (expected 0 <= P < 1)", arg);
        p->dropout = v;
        return RS_OK;
    case OPT_LR:
        if (rs_parse_double_arg(arg, &v) < 0 || !(v > 0 && v <= 10))
            return bad(err, "invalid --lr '%s' (expected 0 < X <= 10)", arg);
        p->lr = a->r.lr = v;
        return RS_OK;
    case OPT_EPOCHS:
        return parse_count(arg, "--epochs", 1000000, &p->epochs, err) ? err->code : (a->r.epochs = p->epochs, RS_OK);
    case OPT_BATCH: return parse_count(arg, "--batch", 1L << 20, &p->batch, err);
    case OPT_PATIENCE: return parse_count(arg, "--patience", 1000000, &p->patience, err);
    default: return bad(err, "%s", "");
    }
}

static rs_status check_args(const args *a, const rs_common *c, rs_error *err)
{
    const rs_sup_params *p = &a->p;
    if (!p->kind)
        return bad(err, "%s", "--model KIND is required (linreg, logreg, mlp, pop, itemknn, userknn, content, mf, "
                              "als, bpr or ease)");
    if (!rs_sup_kind_known(p->kind) && !rs_reco_kind_known(p->kind))
        return bad(err, "unknown --model '%s' (expected linreg, logreg, mlp, pop, itemknn, userknn, content, mf, als, "
                        "bpr or ease)", p->kind);
    if (!p->label && rs_sup_kind_known(p->kind))
        return bad(err, "%s", "--label COL is required");
    if (!c->output || !strcmp(c->output, "-"))
        return bad(err, "%s", "-o MODEL.rsm is required (a model is binary; it is not written to stdout)");
    if (a->have_l1 && p->l1 > 0 && strcmp(p->kind, "logreg"))
        return bad(err, "--l1 works with --model logreg only (not %s)", p->kind);
    return RS_OK;
}

static void print_progress(void *ctx, const char *line)
{
    fprintf(stderr, "%s: %s\n", (const char *)ctx, line);
}

static void report(const rs_common *c, const rs_model *m, const rs_dataset *d, double seconds)
{
    const char *iterations = rs_model_get(m, "iterations"), *epochs = rs_model_get(m, "epochs_run");
    fprintf(stderr, "rs-train: %s: %zu rows x %zu features", rs_model_kind(m), d->n_rows, d->n_features);
    if (iterations)
        fprintf(stderr, ", %s %s iterations (%s)", rs_model_get(m, "solver"), iterations,
                strcmp(rs_model_get(m, "converged"), "1") ? "not converged" : "converged");
    if (epochs)
        fprintf(stderr, ", %s epochs", epochs);
    fprintf(stderr, ", %.3f s -> %s\n", seconds, c->output);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static rs_status train_supervised(args *a, const rs_common *c, double start, rs_error *err)
{
    rs_dataset_spec spec = {a->p.label, a->p.id, &a->features};
    rs_dataset *train = NULL, *valid = NULL;
    rs_model *model = NULL;
    rs_status st = RS_OK;
    if (!(train = rs_dataset_load(c->input, &c->table, &spec, err)))
        st = err->code;
    rs_dataset_spec valid_spec = {a->p.label, a->p.id, train ? &train->names : NULL};
    if (st == RS_OK && a->valid_path && !(valid = rs_dataset_load(a->valid_path, &c->table, &valid_spec, err)))
        st = err->code;
    a->p.valid = valid;
    if (train && !a->p.id)
        a->p.id = train->id_name;
    if (st == RS_OK && !(model = rs_sup_train_new(train, &a->p, err)))
        st = err->code;
    if (st == RS_OK)
        st = rs_model_save(model, c->output, err);
    if (st == RS_OK && !c->quiet)
        report(c, model, train, now_seconds() - start);
    rs_model_free(model);
    rs_dataset_free(train);
    rs_dataset_free(valid);
    return st;
}

static rs_status train_recommender(args *a, const rs_common *c, double start, rs_error *err)
{
    a->cols.want_time = a->r.recent_days > 0;
    a->cols.value_required = !strcmp(a->r.kind, "mf") && !a->cols.value_col;
    a->r.table = &c->table;
    if (!strcmp(a->r.kind, "bpr") && !a->hogwild)
        a->r.threads = 1;
    rs_interactions *x = rs_interactions_load(c->input, &c->table, &a->cols, NULL, 1, NULL, err);
    rs_model *model = x ? rs_reco_train_new(x, &a->r, err) : NULL;
    rs_status st = model ? rs_model_save(model, c->output, err) : err->code;
    if (st == RS_OK && !c->quiet) {
        const char *passes = rs_model_get(model, "iterations") ? rs_model_get(model, "iterations")
                                                              : rs_model_get(model, "epochs");
        fprintf(stderr, "rs-train: %s: %s users x %s items, %s interactions", rs_model_kind(model),
                rs_model_get(model, "n_users"), rs_model_get(model, "n_items"), rs_model_get(model, "n_interactions"));
        if (passes)
            fprintf(stderr, ", %s %s", passes, rs_model_get(model, "iterations") ? "iterations" : "epochs");
        fprintf(stderr, ", %.3f s -> %s\n", now_seconds() - start, c->output);
    }
    rs_model_free(model);
    rs_interactions_free(x);
    return st;
}

int main(int argc, char **argv)
{
    rs_blas_choose_kernel(argv);
    rs_common common;
    rs_common_init(&common, "rs-train");
    args a = {0};
    rs_sup_params_default(&a.p);
    rs_reco_params_default(&a.r);
    rs_error err = {0};
    int code = rs_cli_parse(&common, argc, argv, 1, RS_COMMON_SHORT, long_options, own_option, &a, usage_text);
    if (code >= 0) {
        rs_strlist_free(&a.features);
        return code;
    }
    double start = now_seconds();
    rs_status st = check_args(&a, &common, &err);
    rs_blas_init();
    a.p.threads = a.r.threads = rs_threads_resolve(common.threads);
    a.p.seed = a.r.seed = common.seed;
    if (common.verbose && !common.quiet) {
        a.p.progress = a.r.progress = print_progress;
        a.p.progress_ctx = a.r.progress_ctx = (void *)common.prog;
    }
    if (common.verbose > 1 && !common.quiet)
        fprintf(stderr, "rs-train: OpenBLAS kernel %s, %d threads\n", rs_blas_kernel(), a.p.threads);
    if (st == RS_OK)
        st = rs_sup_kind_known(a.p.kind) ? train_supervised(&a, &common, start, &err)
                                         : train_recommender(&a, &common, start, &err);
    if (st == RS_EDATA && !err.file[0])
        snprintf(err.file, sizeof err.file, "%s", common.input ? common.input : "-");
    rs_strlist_free(&a.features);
    return rs_cli_finish(common.prog, st, &err);
}
