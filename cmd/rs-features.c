/* rs-features — features and labels from an event log, encoders with
 * fit/apply, and joins. */
#include "common.h"
#include "io/paths.h"
#include "features/encode.h"
#include "features/aggregates.h"
#include "features/join.h"
#include "num.h"
#include "timeparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "Usage: rs-features users|items|label|encode|join [OPTION]...\n"
    "Turn a shop's event log into one row per user or item, as of a date; labels\n"
    "from the window after it; encoders fitted on one table and applied to others;\n"
    "left joins.  With no -i, or when it is -, read standard input.\n"
    "\n"
    "  users   one row per user seen at or before --asof: recency, frequency,\n"
    "          monetary, counts and shares per event type and channel, counts in\n"
    "          --windows, distinct items, value mean/std, hour and weekday shares,\n"
    "          conversion rate, tenure.  Events after --asof change nothing.\n"
    "  items   one row per item: buyers, repeat-buyer rate, price stats, units,\n"
    "          revenue, recency, trend (purchases in the last 30 days vs the 30 before)\n"
    "  label   one row per user seen at or before --asof, with 'label' computed in\n"
    "          (asof, asof + --horizon]: --label buys (1 if any purchase), spend (sum of\n"
    "          value x qty), churn (1 if no event)\n"
    "  encode  one-hot, hashing, scaling, booleans and hashed TF-IDF text; see below\n"
    "  join    left join of -i with --right on a key\n"
    "\n"
    "users, items, label:\n"
    "      --asof TIME            the as-of date (required): epoch seconds or ISO 8601\n"
    "      --windows LIST         count windows, e.g. 7d,30d,90d (default); each a whole\n"
    "                             number and a unit: s, min, h, d, w ('m' and a bare\n"
    "                             number are refused as ambiguous)\n"
    "      --horizon DURATION     label window length (default 90d), units as --windows\n"
    "      --label buys|spend|churn  (default buys)\n"
    "      --user-col, --item-col, --value-col, --qty-col, --time-col, --event-col,\n"
    "      --channel-col, --order-col COL\n"
    "                             input names of user item value qty ts event channel\n"
    "                             order (defaults: those names; user and ts required)\n"
    "      --time-format FMT      strptime(3) pattern for the time column\n"
    "      --purchase-event NAME  the event value that is a purchase (default purchase);\n"
    "                             without an event column every row is a purchase\n"
    "      --view-event NAME      the event value that is a view (default view)\n"
    "\n"
    "encode:\n"
    "      --onehot COL[:N]       one column per top-N value (default 20) + COL_other\n"
    "      --hash COL:BITS        COL into 2^BITS hashed indicator columns\n"
    "      --minmax COLS          scale to [0, 1] (fitted min and max)\n"
    "      --zscore COLS          (x - mean) / sd (fitted; sample sd)\n"
    "      --log1p COLS           log(1 + x), before --minmax/--zscore of the same column\n"
    "      --bool COLS            TRUE/FALSE yes/no y/n t/f 1/0 to 1/0\n"
    "      --text COL[:BITS]      hashed TF-IDF of COL's words (default 10 bits), L2-normed\n"
    "      --fit-out PARAMS       save what was fitted (categories, means, IDF)\n"
    "      --apply PARAMS         apply saved PARAMS unchanged (no fitting); unknown\n"
    "                             categories go to COL_other; a damaged PARAMS\n"
    "                             (two rules for a column, a bad line) is an error\n"
    "      --keep COLS            columns passed through unchanged (default: all others)\n"
    "\n"
    "join:\n"
    "      --right FILE           the table joined onto -i (read into memory)\n"
    "      --on COL               key column of -i (alias --key, as in rs-split)\n"
    "      --right-on COL         key column of --right (default: --on; alias\n"
    "                             --right-key)\n"
    "\n"
    "Examples:\n"
    "  rs-features users -i clean.csv --asof 2011-09-01 --user-col CustomerID \\\n"
    "    --item-col StockCode --value-col UnitPrice --qty-col Quantity \\\n"
    "    --time-col InvoiceDate --order-col InvoiceNo -o users.csv\n"
    "  rs-features encode -i train.csv --onehot Month --zscore Age --fit-out enc.params -o tr.csv\n"
    "  rs-features encode -i test.csv --apply enc.params -o te.csv\n";

enum {
    OPT_ASOF = RS_OPT_FIRST_OWN, OPT_WINDOWS, OPT_HORIZON, OPT_LABEL, OPT_USER_COL, OPT_ITEM_COL,
    OPT_VALUE_COL, OPT_QTY_COL, OPT_TIME_COL, OPT_EVENT_COL, OPT_CHANNEL_COL, OPT_ORDER_COL,
    OPT_TIME_FORMAT, OPT_PURCHASE, OPT_VIEW, OPT_ONEHOT, OPT_HASH, OPT_MINMAX, OPT_ZSCORE,
    OPT_LOG1P, OPT_BOOL, OPT_TEXT, OPT_FIT_OUT, OPT_APPLY, OPT_KEEP, OPT_RIGHT, OPT_ON, OPT_RIGHT_ON
};

static const struct option long_options[] = {
    RS_COMMON_LONG_OPTIONS,
    {"asof", required_argument, NULL, OPT_ASOF},
    {"windows", required_argument, NULL, OPT_WINDOWS},
    {"horizon", required_argument, NULL, OPT_HORIZON},
    {"label", required_argument, NULL, OPT_LABEL},
    {"user-col", required_argument, NULL, OPT_USER_COL},
    {"item-col", required_argument, NULL, OPT_ITEM_COL},
    {"value-col", required_argument, NULL, OPT_VALUE_COL},
    {"qty-col", required_argument, NULL, OPT_QTY_COL},
    {"time-col", required_argument, NULL, OPT_TIME_COL},
    {"event-col", required_argument, NULL, OPT_EVENT_COL},
    {"channel-col", required_argument, NULL, OPT_CHANNEL_COL},
    {"order-col", required_argument, NULL, OPT_ORDER_COL},
    {"time-format", required_argument, NULL, OPT_TIME_FORMAT},
    {"purchase-event", required_argument, NULL, OPT_PURCHASE},
    {"view-event", required_argument, NULL, OPT_VIEW},
    {"onehot", required_argument, NULL, OPT_ONEHOT},
    {"hash", required_argument, NULL, OPT_HASH},
    {"minmax", required_argument, NULL, OPT_MINMAX},
    {"zscore", required_argument, NULL, OPT_ZSCORE},
    {"log1p", required_argument, NULL, OPT_LOG1P},
    {"bool", required_argument, NULL, OPT_BOOL},
    {"text", required_argument, NULL, OPT_TEXT},
    {"fit-out", required_argument, NULL, OPT_FIT_OUT},
    {"apply", required_argument, NULL, OPT_APPLY},
    {"keep", required_argument, NULL, OPT_KEEP},
    {"right", required_argument, NULL, OPT_RIGHT},
    {"on", required_argument, NULL, OPT_ON},
    {"right-on", required_argument, NULL, OPT_RIGHT_ON},
    {"key", required_argument, NULL, OPT_ON},
    {"right-key", required_argument, NULL, OPT_RIGHT_ON},
    {NULL, 0, NULL, 0},
};

typedef struct {
    const char *asof, *windows, *horizon, *label;
    rs_features_spec features;
    rs_encode_spec encode;
    rs_join_spec join;
    rs_strlist window_list;
} args;

static rs_status push(rs_strlist *list, const char *arg, rs_error *err)
{
    return rs_strlist_push_split(list, arg) < 0 ? rs_error_nomem(err) : RS_OK;
}

static rs_status own_option(void *ctx, int opt, const char *arg, rs_error *err)
{
    args *a = ctx;
    const char **cols = a->features.log.names;
    switch (opt) {
    case OPT_ASOF: a->asof = arg; return RS_OK;
    case OPT_WINDOWS: a->windows = arg; return RS_OK;
    case OPT_HORIZON: a->horizon = arg; return RS_OK;
    case OPT_LABEL: a->label = arg; return RS_OK;
    case OPT_USER_COL: cols[RS_EV_USER] = arg; return RS_OK;
    case OPT_ITEM_COL: cols[RS_EV_ITEM] = arg; return RS_OK;
    case OPT_VALUE_COL: cols[RS_EV_VALUE] = arg; return RS_OK;
    case OPT_QTY_COL: cols[RS_EV_QTY] = arg; return RS_OK;
    case OPT_TIME_COL: cols[RS_EV_TS] = arg; return RS_OK;
    case OPT_EVENT_COL: cols[RS_EV_EVENT] = arg; return RS_OK;
    case OPT_CHANNEL_COL: cols[RS_EV_CHANNEL] = arg; return RS_OK;
    case OPT_ORDER_COL: cols[RS_EV_ORDER] = arg; return RS_OK;
    case OPT_TIME_FORMAT: a->features.log.time_format = arg; return RS_OK;
    case OPT_PURCHASE: a->features.log.purchase_event = arg; return RS_OK;
    case OPT_VIEW: a->features.log.view_event = arg; return RS_OK;
    case OPT_ONEHOT: return push(&a->encode.onehot, arg, err);
    case OPT_HASH: return push(&a->encode.hash, arg, err);
    case OPT_MINMAX: return push(&a->encode.minmax, arg, err);
    case OPT_ZSCORE: return push(&a->encode.zscore, arg, err);
    case OPT_LOG1P: return push(&a->encode.log1p, arg, err);
    case OPT_BOOL: return push(&a->encode.boolean, arg, err);
    case OPT_TEXT: return push(&a->encode.text, arg, err);
    case OPT_KEEP: a->encode.has_keep = 1; return push(&a->encode.keep, arg, err);
    case OPT_FIT_OUT: a->encode.fit_out = arg; return RS_OK;
    case OPT_APPLY: a->encode.apply = arg; return RS_OK;
    case OPT_RIGHT: a->join.right = arg; return RS_OK;
    case OPT_ON: a->join.on = arg; return RS_OK;
    case OPT_RIGHT_ON: a->join.right_on = arg; return RS_OK;
    default: return rs_error_set(err, RS_EUSAGE, NULL, 0, "%s", "");
    }
}

static rs_status prepare_features(args *a, const char *cmd, rs_error *err)
{
    rs_features_spec *f = &a->features;
    if (!a->asof)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "rs-features %s needs --asof TIME", cmd);
    if (rs_time_parse(a->asof, strlen(a->asof), f->log.time_format, &f->asof) < 0)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --asof '%s' (expected epoch seconds or ISO 8601)", a->asof);
    if (rs_strlist_push_split(&a->window_list, a->windows ? a->windows : "7d,30d,90d") < 0)
        return rs_error_nomem(err);
    f->n_windows = a->window_list.n;
    f->windows = calloc(f->n_windows + 1, sizeof *f->windows);
    f->window_names = (const char **)a->window_list.items;
    if (!f->windows)
        return rs_error_nomem(err);
    for (size_t w = 0; w < f->n_windows; w++)
        if (rs_duration_parse(a->window_list.items[w], "--windows", &f->windows[w], err) != RS_OK)
            return err->code;
    if (rs_duration_parse(a->horizon ? a->horizon : "90d", "--horizon", &f->horizon, err) != RS_OK)
        return err->code;
    const char *label = a->label ? a->label : "buys";
    if (!strcmp(label, "buys"))
        f->label = RS_LABEL_BUYS;
    else if (!strcmp(label, "spend"))
        f->label = RS_LABEL_SPEND;
    else if (!strcmp(label, "churn"))
        f->label = RS_LABEL_CHURN;
    else
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --label '%s' (expected buys, spend or churn)", label);
    return RS_OK;
}

static void print_report(const rs_common *c, const char *cmd, const rs_features_report *r)
{
    if (!c->verbose || c->quiet)
        return;
    fprintf(stderr, "rs-features: %s: %s: %ld events read, %ld at or before --asof, %ld rows out\n",
            c->input ? c->input : "-", cmd, r->events_read, r->events_used, r->rows_out);
}

static rs_status run(args *a, const char *cmd, rs_common *common, rs_error *err)
{
    rs_path_use files[] = {{common->input, "-i", 0},       {a->encode.apply, "--apply", 0},
                           {a->join.right, "--right", 0},  {common->output, "-o", 1},
                           {a->encode.fit_out, "--fit-out", 1}};
    if (rs_paths_distinct(files, 5, err) != RS_OK)
        return err->code;
    if (!strcmp(cmd, "encode")) {
        a->encode.input = common->input;
        a->encode.output = common->output;
        a->encode.table = common->table;
        a->encode.out_format = common->format;
        return rs_encode_run(&a->encode, err);
    }
    if (!strcmp(cmd, "join")) {
        a->join.input = common->input;
        a->join.output = common->output;
        a->join.table = common->table;
        a->join.out_format = common->format;
        return rs_join_run(&a->join, err);
    }
    rs_status st = prepare_features(a, cmd, err);
    if (st)
        return st;
    rs_features_spec *f = &a->features;
    f->input = common->input;
    f->output = common->output;
    f->table = common->table;
    f->out_format = common->format;
    rs_features_report report;
    st = !strcmp(cmd, "users")   ? rs_features_users(f, &report, err)
         : !strcmp(cmd, "items") ? rs_features_items(f, &report, err)
                                 : rs_features_label(f, &report, err);
    if (st == RS_OK)
        print_report(common, cmd, &report);
    return st;
}

static void free_args(args *a)
{
    free(a->features.windows);
    rs_strlist_free(&a->window_list);
    rs_encode_spec_free(&a->encode);
}

static int is_subcommand(const char *cmd)
{
    static const char *const names[] = {"users", "items", "label", "encode", "join"};
    for (size_t i = 0; cmd && i < sizeof names / sizeof *names; i++)
        if (!strcmp(cmd, names[i]))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    rs_common common;
    rs_common_init(&common, "rs-features");
    args a = {0};
    rs_error err = {0};
    const char *cmd = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
    int code = rs_cli_parse(&common, argc, argv, cmd ? 2 : 1, RS_COMMON_SHORT, long_options, own_option, &a,
                            usage_text);
    if (code < 0 && !is_subcommand(cmd)) {
        if (cmd)
            rs_error_set(&err, RS_EUSAGE, NULL, 0, "unknown subcommand '%s' (expected users, items, label, encode or join)", cmd);
        else
            rs_error_set(&err, RS_EUSAGE, NULL, 0, "a subcommand is required: users, items, label, encode or join");
        code = rs_cli_finish(common.prog, err.code, &err);
    } else if (code < 0) {
        code = rs_cli_finish(common.prog, run(&a, cmd, &common, &err), &err);
    }
    free_args(&a);
    return code;
}
