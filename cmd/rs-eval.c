/* rs-eval — metrics of predictions: classification, regression, ranking and
 * A/B tests, per segment, as text, JSON or CSV, with SVG plots. */
#include "common.h"
#include "io/paths.h"
#include "eval/eval.h"
#include "num.h"
#include "threads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "Usage: rs-eval class|reg|rank|ab|policy|uplift|forecast [OPTION]...\n"
    "Compute metrics of predictions against the truth, overall and per segment.\n"
    "With no -i, or when it is -, read standard input.  Reads all rows into memory\n"
    "(16 bytes a row for class and reg).  The formulas are in man rs-eval.\n"
    "\n"
    "  class   --truth COL (0/1) --score COL [--threshold T]: accuracy, precision,\n"
    "          recall, F1 (at score >= T, default 0.5), ROC AUC (ties count half),\n"
    "          PR AUC (average precision), log loss, Brier, confusion matrix, the\n"
    "          threshold with the best F1, base rate\n"
    "  class   --truth COL [--pred COL] [-k K]: many classes (without --score, or\n"
    "          with --multiclass): the predicted class in --pred (default class),\n"
    "          probabilities in the columns proba_CLASS; accuracy, top-k accuracy,\n"
    "          macro, micro and weighted precision, recall and F1, log loss\n"
    "  reg     --truth COL --score COL: MSE, RMSE, MAE, R2, MAPE (zero truths skipped\n"
    "          and counted)\n"
    "  rank    -k K[,K...] --truth TEST --recs RECS [--train TRAIN] [--graded]:\n"
    "          Precision, Recall, NDCG, MAP, HitRate (HR), MRR, coverage and novelty\n"
    "          at each K, and MRR over all recommendations; TEST holds user,item[,value], RECS user,item[,rank]; test\n"
    "          users without recommendations count as zeros; a repeated (user, item)\n"
    "          in RECS counts once, and a K beyond the longest list is computed, each\n"
    "          with a warning\n"
    "  ab      --group COL --outcome COL [--value-col COL] [--control NAME]:\n"
    "          conversion and value per arm, the difference from the control\n"
    "          with a 95 % interval and a two-proportion z-test, a bootstrap\n"
    "          interval for value\n"
    "  forecast [--actuals FILE] [--train FILE]: demand forecasts (rs-forecast's\n"
    "          series,period,forecast[,qQ...][,actual]) against the actuals\n"
    "          (series,period,value): WAPE, bias, MAE, MASE and RMSSE (scaled by\n"
    "          --train, the history), pinball loss per quantile, coverage of each\n"
    "          pair qA, qB with A + B = 1\n"
    "      --actuals FILE          forecast: series,period,value joined to -i (else -i's\n"
    "                              actual column)\n"
    "      --per-series FILE       forecast: series,n,wape,mase,rmsse,bias\n"
    "      --plot-series LIST      forecast: the series drawn by --plot (at most 8)\n"
    "  policy  --target-prob COL | --target-prefix P | --model FILE [--context COLS\n"
    "          | --reward-prefix Q]: the value of a target policy from logged action,\n"
    "          reward and propensity columns: IPS, SNIPS, clipped IPS and SNIPS, and with every\n"
    "          action's probability the direct method (DM) and doubly robust (DR),\n"
    "          each with a 95 % bootstrap interval; effective sample size; warnings\n"
    "          for tiny propensities and dominating weights\n"
    "  uplift  [--treatment-col COL] [--outcome COL] [--score COL] [-k PCTS]: how\n"
    "          well a score (a predicted treatment effect) ranks rows of a test with\n"
    "          a 0/1 treatment: Qini coefficient (scikit-uplift's normalisation: the\n"
    "          area between the Qini curve and random over the perfect ranking's),\n"
    "          Qini area, AUUC, uplift at the top k % (default 10,20,30,50)\n"
    "\n"
    "Options:\n"
    "      --truth-col COL         class, reg: the truth column (class: 0/1, TRUE/FALSE,\n"
    "                              yes/no, or classes)\n"
    "      --test FILE             rank: the test interactions\n"
    "      --truth COL|FILE        the old name of --truth-col (class, reg) and --test\n"
    "                              (rank)\n"
    "      --score COL             class: the score (a probability or any real);\n"
    "                              reg: the prediction (rs-predict writes 'score');\n"
    "                              uplift: the predicted effect (default score)\n"
    "      --pred COL              class: the predicted class (default class); reg:\n"
    "                              the old name of --score\n"
    "      --multiclass            class: many classes even when the truth is 0/1\n"
    "      --proba-prefix P        class: probabilities in the columns P + class\n"
    "                              (default proba_; optional)\n"
    "  -k, --k K                   class: top-k accuracy cut-off (default 5)\n"
    "      --per-class FILE        class: group,class,support,predicted,tp,precision,\n"
    "                              recall,f1 per class and segment\n"
    "      --confusion FILE        class: the confusion matrix of all rows as CSV\n"
    "                              (rows true, columns predicted; at most 1000 classes)\n"
    "      --confusion-pairs FILE  class: its non-zero cells, group,truth,pred,count,\n"
    "                              per segment too (any number of classes)\n"
    "      --threshold T           class: predicted positive when score >= T (0.5)\n"
    "  -k, --k LIST                rank: increasing cut-offs, e.g. 5,10,20 (default 10)\n"
    "      --recs FILE             rank: the recommendations\n"
    "      --train FILE            rank: training interactions, for novelty (and the\n"
    "                              items of the catalogue for coverage); forecast:\n"
    "                              the history series,period,value (MASE, RMSSE)\n"
    "      --graded                rank: NDCG gain 2^value - 1 from TEST's value column\n"
    "      --user-col, --item-col, --rank-col, --value-col COL\n"
    "                              rank: column names (default user item rank value;\n"
    "                              without a rank column the order of RECS is used)\n"
    "      --group COL             ab: the arm\n"
    "      --outcome COL           ab: 0/1 conversion; uplift: the outcome, a number\n"
    "                              (default outcome)\n"
    "      --treatment-col COL     uplift: the treatment, 0 or 1 (default treatment)\n"
    "  -k, --k LIST                uplift: top percentages, e.g. 10,20,30,50\n"
    "      --curve FILE            uplift: rows,qini,uplift at each distinct score\n"
    "                              (ties form one step), from 0,0,0\n"
    "      --value-col COL         ab: value per row (revenue), optional (--value:\n"
    "                              its old name); rank: TEST's value (--graded)\n"
    "      --control NAME          ab: the control arm (default: the first by name)\n"
    "      --bootstrap N           ab: resamples for the value interval (1000; --seed);\n"
    "                              policy: Poisson bootstrap resamples (200)\n"
    "      --action-col, --reward-col, --propensity-col COL\n"
    "                              policy: the logged columns (default action,\n"
    "                              reward, propensity; propensity in (0, 1])\n"
    "      --target-prob COL       policy: the target policy's probability of the\n"
    "                              logged action\n"
    "      --target-prefix P       policy: its probability of every action, in the\n"
    "                              columns P<action> (the actions are their suffixes)\n"
    "      --model FILE            policy: the target policy is this linucb, lints\n"
    "                              or egreedy model (logged actions 0..K-1, its\n"
    "                              features by name)\n"
    "      --reward-prefix Q       policy: a reward model's r(x, a) in columns Q<action>\n"
    "      --context COLS          policy: without --reward-prefix, DM fits a ridge\n"
    "                              regression of reward on these columns per action\n"
    "                              (comma list; none: each action's mean reward)\n"
    "      --l2 X                  policy: that ridge's penalty (default 1)\n"
    "      --clip M                policy: weights capped at M in the clipped\n"
    "                              estimators (default 100)\n"
    "      --by COL                the same metrics per value of COL, by name (rank:\n"
    "                              a column of TEST)\n"
    "      --json                  JSON: {\"all\": {metric: value}, segment: {...}}\n"
    "      --csv                   CSV: group,metric,value\n"
    "      --plot FILE.svg         class: ROC, precision-recall, calibration and\n"
    "                              cumulative gain charts (many classes: a heat map\n"
    "                              of the confusion matrix, at most 200 classes);\n"
    "                              reg: binned predicted vs truth; rank: NDCG,\n"
    "                              precision and recall against K; uplift: the\n"
    "                              Qini curve with the random and perfect ones\n"
    "                              (at most 8 series: all and the first segments)\n";

enum { OPT_TRUTH = RS_OPT_FIRST_OWN, OPT_SCORE, OPT_PRED, OPT_THRESHOLD, OPT_RECS, OPT_TRAIN, OPT_GRADED,
       OPT_USER_COL, OPT_ITEM_COL, OPT_RANK_COL, OPT_VALUE_COL, OPT_GROUP, OPT_OUTCOME, OPT_VALUE,
       OPT_CONTROL, OPT_BOOTSTRAP, OPT_BY, OPT_JSON, OPT_CSV, OPT_PLOT, OPT_MULTICLASS, OPT_PROBA_PREFIX,
       OPT_PER_CLASS, OPT_CONFUSION, OPT_CONFUSION_PAIRS, OPT_REC_USER_COL, OPT_REC_ITEM_COL,
       OPT_TRUTH_COL, OPT_TEST, OPT_ACTUALS, OPT_PER_SERIES, OPT_PLOT_SERIES,
       /* policy */
       OPT_ACTION_COL, OPT_REWARD_COL, OPT_PROPENSITY_COL, OPT_TARGET_PROB, OPT_TARGET_PREFIX, OPT_REWARD_PREFIX,
       OPT_CONTEXT, OPT_L2, OPT_CLIP, OPT_POLICY_MODEL, OPT_TREATMENT_COL, OPT_CURVE };

static const struct option long_options[] = {
    RS_COMMON_LONG_OPTIONS,
    {"truth", required_argument, NULL, OPT_TRUTH},   /* the old name of --truth-col and --test */
    {"truth-col", required_argument, NULL, OPT_TRUTH_COL},
    {"test", required_argument, NULL, OPT_TEST},
    {"score", required_argument, NULL, OPT_SCORE},
    {"pred", required_argument, NULL, OPT_PRED},
    {"threshold", required_argument, NULL, OPT_THRESHOLD},
    {"by", required_argument, NULL, OPT_BY},
    {"json", no_argument, NULL, OPT_JSON},
    {"csv", no_argument, NULL, OPT_CSV},
    {"plot", required_argument, NULL, OPT_PLOT},
    {"k", required_argument, NULL, 'k'},
    {"recs", required_argument, NULL, OPT_RECS},
    {"train", required_argument, NULL, OPT_TRAIN},
    {"graded", no_argument, NULL, OPT_GRADED},
    {"user-col", required_argument, NULL, OPT_USER_COL},
    {"item-col", required_argument, NULL, OPT_ITEM_COL},
    {"rank-col", required_argument, NULL, OPT_RANK_COL},
    {"rec-user-col", required_argument, NULL, OPT_REC_USER_COL},
    {"rec-item-col", required_argument, NULL, OPT_REC_ITEM_COL},
    {"value-col", required_argument, NULL, OPT_VALUE_COL},
    {"group", required_argument, NULL, OPT_GROUP},
    {"outcome", required_argument, NULL, OPT_OUTCOME},
    {"value", required_argument, NULL, OPT_VALUE_COL},   /* ab's old name of --value-col */
    {"control", required_argument, NULL, OPT_CONTROL},
    {"bootstrap", required_argument, NULL, OPT_BOOTSTRAP},
    {"multiclass", no_argument, NULL, OPT_MULTICLASS},
    {"proba-prefix", required_argument, NULL, OPT_PROBA_PREFIX},
    {"per-class", required_argument, NULL, OPT_PER_CLASS},
    {"confusion", required_argument, NULL, OPT_CONFUSION},
    {"confusion-pairs", required_argument, NULL, OPT_CONFUSION_PAIRS},
    {"actuals", required_argument, NULL, OPT_ACTUALS},
    {"per-series", required_argument, NULL, OPT_PER_SERIES},
    {"plot-series", required_argument, NULL, OPT_PLOT_SERIES},
    {"action-col", required_argument, NULL, OPT_ACTION_COL},
    {"reward-col", required_argument, NULL, OPT_REWARD_COL},
    {"propensity-col", required_argument, NULL, OPT_PROPENSITY_COL},
    {"target-prob", required_argument, NULL, OPT_TARGET_PROB},
    {"target-prefix", required_argument, NULL, OPT_TARGET_PREFIX},
    {"reward-prefix", required_argument, NULL, OPT_REWARD_PREFIX},
    {"context", required_argument, NULL, OPT_CONTEXT},
    {"l2", required_argument, NULL, OPT_L2},
    {"clip", required_argument, NULL, OPT_CLIP},
    {"model", required_argument, NULL, OPT_POLICY_MODEL},
    {"treatment-col", required_argument, NULL, OPT_TREATMENT_COL},
    {"curve", required_argument, NULL, OPT_CURVE},
    {NULL, 0, NULL, 0},
};

typedef struct {
    rs_eval_spec spec;
    const char *ks;
    int have_threshold;
    const char *truth_name;   /* the option that named the truth: --truth, --truth-col or --test */
    int truth_names;          /* how many of them were given */
    int policy_options;       /* options of rs-eval policy alone were given */
} args;

static rs_status bad(rs_error *err, const char *fmt, const char *arg)
{
    return rs_error_set(err, RS_EUSAGE, NULL, 0, fmt, arg);
}

static rs_status policy_option(args *a, int opt, const char *arg, rs_error *err)
{
    rs_eval_spec *s = &a->spec;
    a->policy_options++;
    switch (opt) {
    case OPT_ACTION_COL: s->action_col = arg; return RS_OK;
    case OPT_REWARD_COL: s->reward_col = arg; return RS_OK;
    case OPT_PROPENSITY_COL: s->propensity_col = arg; return RS_OK;
    case OPT_TARGET_PROB: s->target_col = arg; return RS_OK;
    case OPT_TARGET_PREFIX:
        return *arg ? (s->target_prefix = arg, RS_OK) : bad(err, "%s", "--target-prefix must not be empty");
    case OPT_REWARD_PREFIX:
        return *arg ? (s->reward_prefix = arg, RS_OK) : bad(err, "%s", "--reward-prefix must not be empty");
    case OPT_CONTEXT: s->context = arg; return RS_OK;
    case OPT_POLICY_MODEL: s->model_path = arg; return RS_OK;
    case OPT_L2:
        return rs_parse_double_arg(arg, &s->l2) < 0 || !(s->l2 >= 0)
                   ? bad(err, "invalid --l2 '%s' (expected a number >= 0)", arg) : RS_OK;
    case OPT_CLIP:
        return rs_parse_double_arg(arg, &s->clip) < 0 || !(s->clip > 0)
                   ? bad(err, "invalid --clip '%s' (expected a number > 0)", arg) : RS_OK;
    default: return bad(err, "%s", "");
    }
}

/* rs-eval policy: one target, the options that go with it. */
static rs_status check_policy(const char *cmd, args *a, rs_error *err)
{
    rs_eval_spec *s = &a->spec;
    if (strcmp(cmd, "policy"))
        return a->policy_options ? bad(err, "%s", "--action-col, --reward-col, --propensity-col, --target-prob, "
                                                  "--target-prefix, --reward-prefix, --context, --l2, --clip and "
                                                  "--model are for rs-eval policy") : RS_OK;
    if (!!s->target_col + !!s->target_prefix + !!s->model_path != 1)
        return bad(err, "%s", "rs-eval policy needs one of --target-prob COL (the target policy's probability of "
                              "the logged action), --target-prefix P (of every action) and --model FILE (a policy)");
    if ((s->reward_prefix && !s->target_prefix) || (s->context && s->target_col))
        return bad(err, "%s", "--reward-prefix needs --target-prefix, --context --target-prefix or --model (the "
                              "direct method needs the target policy's probability of every action)");
    if (s->reward_prefix && s->context)
        return bad(err, "%s", "--reward-prefix gives the reward model; --context fits one: give one");
    if (s->by || s->plot)
        return bad(err, "%s", "--by and --plot are not for rs-eval policy");
    if (!s->bootstrap)
        s->bootstrap = 200;
    if (s->bootstrap > 100000)
        return bad(err, "%s", "rs-eval policy: --bootstrap at most 100000");
    if (!s->clip)
        s->clip = 100;
    return RS_OK;
}

static rs_status own_option(void *ctx, int opt, const char *arg, rs_error *err)
{
    args *a = ctx;
    rs_eval_spec *s = &a->spec;
    switch (opt) {
    case OPT_TRUTH:
    case OPT_TRUTH_COL:
    case OPT_TEST:
        s->truth_col = s->truth_path = arg;
        a->truth_name = opt == OPT_TRUTH ? "--truth" : opt == OPT_TRUTH_COL ? "--truth-col" : "--test";
        a->truth_names++;
        return RS_OK;
    case OPT_SCORE: s->score_col = arg; return RS_OK;
    case OPT_PRED: s->pred_col = arg; return RS_OK;
    case OPT_THRESHOLD:
        a->have_threshold = 1;
        return rs_parse_double_arg(arg, &s->threshold) < 0 ? bad(err, "invalid --threshold '%s' (expected a number)", arg) : RS_OK;
    case 'k': a->ks = arg; return RS_OK;
    case OPT_RECS: s->recs_path = arg; return RS_OK;
    case OPT_TRAIN: s->train_path = arg; return RS_OK;
    case OPT_GRADED: s->graded = 1; return RS_OK;
    case OPT_USER_COL: s->user_col = arg; return RS_OK;
    case OPT_ITEM_COL: s->item_col = arg; return RS_OK;
    case OPT_RANK_COL: s->rank_col = arg; return RS_OK;
    case OPT_REC_USER_COL: s->rec_user_col = arg; return RS_OK;
    case OPT_REC_ITEM_COL: s->rec_item_col = arg; return RS_OK;
    case OPT_VALUE_COL: s->value_col = arg; return RS_OK;
    case OPT_GROUP: s->group_col = arg; return RS_OK;
    case OPT_OUTCOME: s->outcome_col = arg; return RS_OK;
    case OPT_CONTROL: s->control = arg; return RS_OK;
    case OPT_BOOTSTRAP:
        return rs_parse_long_arg(arg, 10, 1000000, &s->bootstrap) < 0 ? bad(err, "invalid --bootstrap '%s' (expected 10..1000000)", arg) : RS_OK;
    case OPT_BY: s->by = arg; return RS_OK;
    case OPT_JSON: s->format = RS_EVAL_JSON; return RS_OK;
    case OPT_CSV: s->format = RS_EVAL_CSV; return RS_OK;
    case OPT_PLOT: s->plot = arg; return RS_OK;
    case OPT_MULTICLASS: s->multiclass = 1; return RS_OK;
    case OPT_PROBA_PREFIX:
        return *arg ? (s->proba_prefix = arg, RS_OK) : bad(err, "%s", "--proba-prefix must not be empty");
    case OPT_PER_CLASS: s->per_class_path = arg; return RS_OK;
    case OPT_CONFUSION: s->confusion_path = arg; return RS_OK;
    case OPT_CONFUSION_PAIRS: s->pairs_path = arg; return RS_OK;
    case OPT_ACTUALS: s->actuals_path = arg; return RS_OK;
    case OPT_PER_SERIES: s->per_series_path = arg; return RS_OK;
    case OPT_PLOT_SERIES: s->plot_series = arg; return RS_OK;
    case OPT_TREATMENT_COL: s->treatment_col = arg; return RS_OK;
    case OPT_CURVE: s->curve_path = arg; return RS_OK;
    default: return policy_option(a, opt, arg, err);
    }
}

/* -k: increasing cut-offs up to max (rank: K, uplift: percentages). */
static rs_status parse_ks(args *a, const char *dflt, long max, rs_error *err)
{
    const char *text = a->ks ? a->ks : dflt;
    rs_eval_spec *s = &a->spec;
    s->ks = calloc(strlen(text) + 1, sizeof *s->ks);
    if (!s->ks)
        return rs_error_nomem(err);
    char buf[32];
    for (const char *p = text;; ) {
        size_t len = strcspn(p, ",");
        snprintf(buf, sizeof buf, "%.*s", (int)(len < 31 ? len : 31), p);
        long k;
        if (rs_parse_long_arg(buf, 1, max, &k) < 0 || (s->n_ks && k <= s->ks[s->n_ks - 1]))
            return max == 100 ? bad(err, "invalid -k '%s' (expected increasing percentages 1..100, e.g. 10,20,50)", text)
                              : bad(err, "invalid -k '%s' (expected increasing cut-offs, e.g. 5,10,20)", text);
        s->ks[s->n_ks++] = k;
        if (!p[len])
            break;
        p += len + 1;
    }
    return RS_OK;
}

/* Many classes: class without --score (or with --multiclass). */
static int is_multiclass(const char *cmd, const rs_eval_spec *s)
{
    return !strcmp(cmd, "class") && (s->multiclass || !s->score_col);
}

static rs_status check_multiclass(const char *cmd, args *a, rs_error *err)
{
    rs_eval_spec *s = &a->spec;
    int many = is_multiclass(cmd, s);
    if (s->multiclass && s->score_col)
        return bad(err, "%s", "--multiclass reads the predicted class (--pred) and probabilities, not --score");
    if ((s->multiclass || s->proba_prefix || s->per_class_path || s->confusion_path || s->pairs_path) && !many)
        return bad(err, "%s", "--multiclass, --proba-prefix, --per-class and --confusion[-pairs] are for rs-eval "
                              "class without --score");
    if (many && a->have_threshold)
        return bad(err, "%s", "--threshold is for rs-eval class with --score (two classes)");
    if (many && a->ks && rs_parse_long_arg(a->ks, 1, 1000000, &s->top_k) < 0)
        return bad(err, "invalid -k '%s' (expected 1..1000000)", a->ks);
    return RS_OK;
}

static rs_status check(const char *cmd, args *a, rs_error *err)
{
    rs_eval_spec *s = &a->spec;
    int rank = !strcmp(cmd, "rank");
    if (check_policy(cmd, a, err))
        return err->code;
    if (a->truth_names > 1)
        return bad(err, "%s", "--truth-col (class, reg), --test (rank) and their old name --truth: give one");
    if (a->truth_name && rank && !strcmp(a->truth_name, "--truth-col"))
        return bad(err, "%s", "--truth-col COL is for rs-eval class and reg (rank: --test FILE)");
    if (a->truth_name && !rank && !strcmp(a->truth_name, "--test"))
        return bad(err, "%s", "--test FILE is for rs-eval rank (class and reg: --truth-col COL)");
    if (!strcmp(cmd, "class") && !s->truth_col)
        return bad(err, "%s", "rs-eval class needs --truth COL and --score COL (a 0/1 truth), or --truth COL "
                              "and --pred COL (many classes)");
    if (check_multiclass(cmd, a, err))
        return err->code;
    if (!strcmp(cmd, "reg") && s->score_col && s->pred_col)
        return bad(err, "%s", "rs-eval reg: --pred is the old name of --score: give one");
    if (!strcmp(cmd, "reg") && s->score_col)
        s->pred_col = s->score_col;   /* reg reads the prediction as pred_col */
    if (!strcmp(cmd, "reg") && (!s->truth_col || !s->pred_col))
        return bad(err, "%s", "rs-eval reg needs --truth COL and --score COL");
    if (!strcmp(cmd, "ab"))
        s->ab_value_col = s->value_col;
    if (!strcmp(cmd, "rank") && (!s->truth_path || !s->recs_path))
        return bad(err, "%s", "rs-eval rank needs --truth TEST and --recs RECS");
    if (!strcmp(cmd, "ab") && (!s->group_col || !s->outcome_col))
        return bad(err, "%s", "rs-eval ab needs --group COL and --outcome COL");
    if (a->have_threshold && strcmp(cmd, "class"))
        return bad(err, "%s", "--threshold is for rs-eval class");
    if ((s->actuals_path || s->per_series_path || s->plot_series) && strcmp(cmd, "forecast"))
        return bad(err, "%s", "--actuals, --per-series and --plot-series are for rs-eval forecast");
    if (!strcmp(cmd, "forecast") && !!s->plot != !!s->plot_series)
        return bad(err, "%s", "rs-eval forecast: --plot FILE.svg and --plot-series LIST go together");
    rs_path_use files[] = {{s->input, "-i", 0},          {s->recs_path, "--recs", 0}, {s->train_path, "--train", 0},
                           {s->output, "-o", 1},         {s->plot, "--plot", 1},
                           {!strcmp(cmd, "rank") ? s->truth_path : NULL, "--truth", 0},
                           {s->per_class_path, "--per-class", 1}, {s->confusion_path, "--confusion", 1},
                           {s->pairs_path, "--confusion-pairs", 1}, {s->actuals_path, "--actuals", 0},
                           {s->per_series_path, "--per-series", 1}};
    if (rs_paths_distinct(files, sizeof files / sizeof *files, err) != RS_OK)
        return err->code;
    return !strcmp(cmd, "rank") ? parse_ks(a, "10", 100000, err) : RS_OK;
}

/* rs-eval uplift: its columns, -k percentages and --plot; nothing else. */
static rs_status check_uplift(const char *cmd, args *a, rs_error *err)
{
    rs_eval_spec *s = &a->spec;
    if (strcmp(cmd, "uplift"))
        return s->treatment_col || s->curve_path ? bad(err, "%s", "--treatment-col and --curve are for rs-eval uplift")
                                                 : RS_OK;
    if (a->truth_names || s->by || s->group_col || s->pred_col || a->have_threshold)
        return bad(err, "%s", "rs-eval uplift reads --treatment-col, --outcome and --score (not --truth-col, --by, "
                              "--group, --pred or --threshold)");
    rs_path_use files[] = {{s->input, "-i", 0}, {s->output, "-o", 1}, {s->plot, "--plot", 1},
                           {s->curve_path, "--curve", 1}};
    if (rs_paths_distinct(files, 4, err) != RS_OK)
        return err->code;
    return parse_ks(a, "10,20,30,50", 100, err);
}

static rs_status run(const char *cmd, args *a, const rs_common *common, rs_error *err)
{
    rs_eval_spec *s = &a->spec;
    s->input = common->input;
    s->output = common->output;
    s->table = common->table;
    s->seed = common->seed;
    s->threads = rs_threads_resolve(common->threads);
    if (!strcmp(cmd, "policy")) {
        rs_status pst = check(cmd, a, err);
        return pst ? pst : rs_eval_policy(s, err);
    }
    if (!strcmp(cmd, "uplift")) {
        rs_status ust = check_policy(cmd, a, err) ? err->code : check_uplift(cmd, a, err);
        return ust ? ust : rs_eval_uplift(s, err);
    }
    if (check_uplift(cmd, a, err))
        return err->code;
    if (!s->bootstrap)
        s->bootstrap = 1000;
    rs_status st = check(cmd, a, err);
    if (st)
        return st;
    return is_multiclass(cmd, s)      ? rs_eval_multiclass(s, err)
           : !strcmp(cmd, "class") ? rs_eval_class(s, err)
           : !strcmp(cmd, "reg") ? rs_eval_reg(s, err)
           : !strcmp(cmd, "rank") ? rs_eval_rank(s, err)
           : !strcmp(cmd, "forecast") ? rs_eval_forecast(s, err)
                                  : rs_eval_ab(s, err);
}

int main(int argc, char **argv)
{
    rs_common common;
    rs_common_init(&common, "rs-eval");
    args a = {.spec = {.threshold = 0.5, .l2 = 1}};
    rs_error err = {0};
    const char *cmd = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
    int code = rs_cli_parse(&common, argc, argv, cmd ? 2 : 1, RS_COMMON_SHORT "k:", long_options, own_option, &a,
                            usage_text);
    int known = cmd && (!strcmp(cmd, "class") || !strcmp(cmd, "reg") || !strcmp(cmd, "rank") || !strcmp(cmd, "ab") ||
                          !strcmp(cmd, "policy") || !strcmp(cmd, "forecast") || !strcmp(cmd, "uplift"));
    if (code < 0 && !known) {
        if (cmd)
            rs_error_set(&err, RS_EUSAGE, NULL, 0,
                         "unknown subcommand '%s' (expected class, reg, rank, ab, policy, uplift or forecast)", cmd);
        else
            rs_error_set(&err, RS_EUSAGE, NULL, 0, "a subcommand is required: class, reg, rank, ab, policy, uplift or forecast");
        code = rs_cli_finish(common.prog, err.code, &err);
    } else if (code < 0) {
        code = rs_cli_finish(common.prog, run(cmd, &a, &common, &err), &err);
    }
    free(a.spec.ks);
    return code;
}
