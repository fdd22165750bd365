/* rs-split — train/test splits, K folds and shards; every row on one side. */
#include "common.h"
#include "io/paths.h"
#include "num.h"
#include "clean/split.h"
#include "timeparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "Usage: rs-split MODE [OPTION]... -o TRAIN --test-out TEST\n"
    "Split a table into train and test: every input row goes to exactly one of\n"
    "them, so rows in = train + test.  With no -i, or when it is -, read standard\n"
    "input.  Modes random, user, last and --folds read the input twice (standard\n"
    "input is spooled) and keep 1 to 33 bytes per row in memory; time and --shard\n"
    "stream.\n"
    "\n"
    "Modes (one of):\n"
    "      --method random --ratio R\n"
    "                              R of the rows (0 < R <= 1) to train, exactly\n"
    "                              round(R x rows), chosen at random (--seed)\n"
    "      --stratify COL          with --method random: the same R within each value\n"
    "                              of COL, so a label's rate is equal in both parts\n"
    "      --method user --ratio R per user: round(R x the user's rows) to train; a\n"
    "                              user with 2 or more rows keeps at least one in train,\n"
    "                              a user with one row is in train\n"
    "      --method time --cutoff TIME\n"
    "                              rows with time <= TIME to train, later ones to test\n"
    "      --method last --n N     each user's N latest rows (by time) to test; rows at\n"
    "                              the same time are ordered by a hash of the user\n"
    "                              and item ids under --seed (never by id), as\n"
    "                              rs-train's sequence kinds order them\n"
    "      --method last-basket [--n N]\n"
    "                              each user's N (default 1) latest baskets to test: a\n"
    "                              basket is one value of --basket-col, or the rows\n"
    "                              of a user at one time\n"
    "      --folds K --fold I      K-fold cross-validation: fold I (1..K) is test, the\n"
    "                              rest train; the K test folds partition the input\n"
    "      --shard K/N             shard K (1..N) of N by a stable hash of --key: those\n"
    "                              rows to -o, the others to --test-out if given\n"
    "      --by MODE               the old name of --method (still works; --by names\n"
    "                              a segment column in rs-eval and rs-features)\n"
    "\n"
    "Options:\n"
    "      --test-out FILE         where the test rows go (required but for --shard)\n"
    "      --user-col COL          user column (default user)\n"
    "      --time-col COL          time column (default ts): epoch seconds or ISO 8601\n"
    "      --time-format FMT       strptime(3) pattern for the time column and --cutoff\n"
    "      --key COL               --shard key column (default: the user column)\n"
    "      --item-col COL          last modes: item column for the tie hash (default\n"
    "                              item when present; without one, ties keep file\n"
    "                              order)\n"
    "      --basket-col COL        last-basket: the basket (invoice) column\n"
    "\n"
    "Examples:\n"
    "  rs-split -i ratings.csv --method user --ratio 0.8 --seed 7 -o train.csv --test-out test.csv\n"
    "  for i in 1 2 3 4 5; do rs-split -i r.csv --folds 5 --fold $i -o tr$i.csv --test-out te$i.csv; done\n"
    "  rs-split -i users.csv --shard 3/8 --key user | rs-recommend ...\n";

enum { OPT_METHOD = RS_OPT_FIRST_OWN, OPT_BY, OPT_RATIO, OPT_STRATIFY, OPT_CUTOFF, OPT_N, OPT_FOLDS, OPT_FOLD,
       OPT_SHARD, OPT_TEST_OUT, OPT_USER_COL, OPT_TIME_COL, OPT_TIME_FORMAT, OPT_KEY, OPT_ITEM_COL, OPT_BASKET_COL };

static const struct option long_options[] = {
    RS_COMMON_LONG_OPTIONS,
    {"method", required_argument, NULL, OPT_METHOD},
    {"by", required_argument, NULL, OPT_BY},
    {"ratio", required_argument, NULL, OPT_RATIO},
    {"stratify", required_argument, NULL, OPT_STRATIFY},
    {"cutoff", required_argument, NULL, OPT_CUTOFF},
    {"n", required_argument, NULL, OPT_N},
    {"folds", required_argument, NULL, OPT_FOLDS},
    {"fold", required_argument, NULL, OPT_FOLD},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"test-out", required_argument, NULL, OPT_TEST_OUT},
    {"user-col", required_argument, NULL, OPT_USER_COL},
    {"time-col", required_argument, NULL, OPT_TIME_COL},
    {"time-format", required_argument, NULL, OPT_TIME_FORMAT},
    {"key", required_argument, NULL, OPT_KEY},
    {"item-col", required_argument, NULL, OPT_ITEM_COL},
    {"basket-col", required_argument, NULL, OPT_BASKET_COL},
    {NULL, 0, NULL, 0},
};

typedef struct {
    const char *by, *cutoff;   /* by: the mode, from --method (or --by) */
    const char *mode_option;   /* "--method", or "--by" as given (the old name) */
    int have_ratio, have_n, have_folds, have_fold, have_shard;
} raw_args;

static rs_status bad(rs_error *err, const char *fmt, const char *arg)
{
    return rs_error_set(err, RS_EUSAGE, NULL, 0, fmt, arg);
}

typedef struct {
    rs_split_spec spec;
    raw_args raw;
} args;

static rs_status own_option(void *ctx, int opt, const char *arg, rs_error *err)
{
    rs_split_spec *spec = &((args *)ctx)->spec;
    raw_args *raw = &((args *)ctx)->raw;
    switch (opt) {
    case OPT_METHOD:
    case OPT_BY:
        if (raw->by && strcmp(raw->mode_option, opt == OPT_BY ? "--by" : "--method"))
            return bad(err, "%s", "--by MODE is the old name of --method MODE: give one");
        raw->by = arg;
        raw->mode_option = opt == OPT_BY ? "--by" : "--method";
        return RS_OK;
    case OPT_RATIO:
        raw->have_ratio = 1;
        if (rs_parse_double_arg(arg, &spec->ratio) < 0 || !(spec->ratio > 0 && spec->ratio <= 1))
            return bad(err, "invalid --ratio '%s' (expected the train fraction, 0 < R <= 1)", arg);
        return RS_OK;
    case OPT_STRATIFY: spec->stratify = arg; return RS_OK;
    case OPT_CUTOFF: raw->cutoff = arg; return RS_OK;
    case OPT_N:
        raw->have_n = 1;
        return rs_parse_long_arg(arg, 1, 1L << 40, &spec->last_n) < 0 ? bad(err, "invalid --n '%s' (expected N >= 1)", arg) : RS_OK;
    case OPT_FOLDS:
        raw->have_folds = 1;
        return rs_parse_long_arg(arg, 2, 1L << 20, &spec->folds) < 0 ? bad(err, "invalid --folds '%s' (expected K >= 2)", arg) : RS_OK;
    case OPT_FOLD:
        raw->have_fold = 1;
        return rs_parse_long_arg(arg, 1, 1L << 20, &spec->fold) < 0 ? bad(err, "invalid --fold '%s' (expected 1..K)", arg) : RS_OK;
    case OPT_SHARD: {
        raw->have_shard = 1;
        char k[32], n[32];
        const char *slash = strchr(arg, '/');
        if (!slash || slash - arg >= 31 || strlen(slash + 1) >= 31)
            return bad(err, "invalid --shard '%s' (expected K/N, 1 <= K <= N)", arg);
        snprintf(k, sizeof k, "%.*s", (int)(slash - arg), arg);
        snprintf(n, sizeof n, "%s", slash + 1);
        if (rs_parse_long_arg(n, 1, 1L << 30, &spec->shard_n) < 0 ||
            rs_parse_long_arg(k, 1, spec->shard_n, &spec->shard_k) < 0)
            return bad(err, "invalid --shard '%s' (expected K/N, 1 <= K <= N)", arg);
        return RS_OK;
    }
    case OPT_TEST_OUT: spec->test_path = arg; return RS_OK;
    case OPT_USER_COL: spec->user_col = arg; return RS_OK;
    case OPT_TIME_COL: spec->time_col = arg; return RS_OK;
    case OPT_TIME_FORMAT: spec->time_format = arg; return RS_OK;
    case OPT_KEY: spec->key_col = arg; return RS_OK;
    case OPT_ITEM_COL: spec->item_col = arg; return RS_OK;
    case OPT_BASKET_COL: spec->basket_col = arg; return RS_OK;
    default: return bad(err, "%s", "");
    }
}

static rs_status choose_mode(rs_split_spec *spec, const raw_args *raw, rs_error *err)
{
    int modes = (raw->by != NULL) + raw->have_folds + raw->have_shard;
    if (modes != 1)
        return bad(err, "%s", modes ? "choose one mode: --method, --folds or --shard"
                                    : "no mode given (--method random|user|time|last|last-basket, --folds or --shard)");
    if (raw->have_folds || raw->have_fold) {
        if (!raw->have_folds || !raw->have_fold)
            return bad(err, "%s", "--folds K needs --fold I (and --fold needs --folds)");
        if (spec->fold > spec->folds)
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "--fold %ld is outside 1..%ld", spec->fold, spec->folds);
        spec->mode = RS_SPLIT_FOLDS;
    } else if (raw->have_shard) {
        spec->mode = RS_SPLIT_SHARD;
    } else if (!strcmp(raw->by, "random") || !strcmp(raw->by, "user")) {
        spec->mode = raw->by[0] == 'r' ? RS_SPLIT_RANDOM : RS_SPLIT_USER;
        if (!raw->have_ratio)
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "%s %s needs --ratio R", raw->mode_option, raw->by);
    } else if (!strcmp(raw->by, "time")) {
        spec->mode = RS_SPLIT_TIME;
        if (!raw->cutoff)
            return bad(err, "%s time needs --cutoff TIME", raw->mode_option);
        if (rs_time_parse(raw->cutoff, strlen(raw->cutoff), spec->time_format, &spec->cutoff) < 0)
            return bad(err, "invalid --cutoff '%s' (expected epoch seconds, ISO 8601 or --time-format)", raw->cutoff);
    } else if (!strcmp(raw->by, "last")) {
        spec->mode = RS_SPLIT_LAST;
        if (!raw->have_n)
            return bad(err, "%s last needs --n N", raw->mode_option);
    } else if (!strcmp(raw->by, "last-basket")) {
        spec->mode = RS_SPLIT_LAST_BASKET;
        if (!raw->have_n)
            spec->last_n = 1;
    } else {
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "invalid %s '%s' (expected random, user, time, last or last-basket)", raw->mode_option,
                            raw->by);
    }
    if (spec->item_col && spec->mode != RS_SPLIT_LAST && spec->mode != RS_SPLIT_LAST_BASKET)
        return bad(err, "%s", "--item-col works with --method last and last-basket only");
    if (spec->basket_col && spec->mode != RS_SPLIT_LAST_BASKET)
        return bad(err, "%s", "--basket-col works with --method last-basket only");
    if (spec->stratify && spec->mode != RS_SPLIT_RANDOM)
        return bad(err, "%s", "--stratify works with --method random only");
    if (!spec->test_path && spec->mode != RS_SPLIT_SHARD)
        return bad(err, "%s", "--test-out FILE is required (the train rows go to -o)");
    return RS_OK;
}

int main(int argc, char **argv)
{
    rs_common common;
    rs_common_init(&common, "rs-split");
    args a = {0};
    rs_error err = {0};
    int code = rs_cli_parse(&common, argc, argv, 1, RS_COMMON_SHORT, long_options, own_option, &a, usage_text);
    if (code >= 0)
        return code;
    rs_split_spec *spec = &a.spec;
    spec->train_path = common.output;
    rs_path_use files[] = {{common.input, "-i", 0}, {common.output, "-o", 1}, {spec->test_path, "--test-out", 1}};
    if (choose_mode(spec, &a.raw, &err) != RS_OK || rs_paths_distinct(files, 3, &err) != RS_OK)
        return rs_cli_finish(common.prog, err.code, &err);
    spec->input = common.input;
    spec->table = common.table;
    spec->out_format = common.format;
    spec->seed = common.seed;
    rs_split_report report;
    rs_status st = rs_split_run(spec, &report, &err);
    if (st == RS_OK && common.verbose && !common.quiet) {
        fprintf(stderr, "rs-split: %s: %ld rows: train %ld, test %ld", common.input ? common.input : "-",
                report.rows_in, report.rows_train, report.rows_test);
        if (report.users)
            fprintf(stderr, " (%ld users)", report.users);
        fputc('\n', stderr);
    }
    return rs_cli_finish(common.prog, st, &err);
}
