/* rs-clean — clean a CSV/TSV/rsf table: types, filters, fills, outliers,
 * duplicates, identity merge; every row accounted for. */
#include "clean/clean.h"
#include "common.h"
#include "io/paths.h"
#include "threads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
    "Usage: rs-clean [OPTION]...\n"
    "Clean a table: check types, filter, fill, clip or drop outliers, drop\n"
    "duplicates, merge customer identities.  Every input row is written out or\n"
    "rejected with a reason: rows in = rows out + rows rejected, always.\n"
    "With no -i, or when it is -, read standard input.  Rules that need\n"
    "statistics (--fill mean|median|mode, --outliers) and --dedupe-keep last read\n"
    "the input twice (standard input is spooled to a temp file).  --dedupe keeps\n"
    "24 bytes per distinct row in memory; nothing else grows with the input.\n"
    "-j N cleans parts of a CSV file on N threads and writes them in input\n"
    "order: the same bytes as -j 1 (one thread for stdin, rsf and --dedupe).\n"
    "\n"
    "Columns are named as in the input header (before --rename).\n"
    "\n"
    "Types and text:\n"
    "      --schema COL:TYPE[,...]  check and normalise: str, int, num, bool, time\n"
    "                               (17850.0 is a valid int; bools become 1/0)\n"
    "      --time-format FMT        strptime(3) pattern for time columns\n"
    "                               (default: epoch seconds or ISO 8601)\n"
    "      --time-out iso|epoch     how time columns are written (default iso)\n"
    "      --trim                   strip spaces around every field\n"
    "      --lower COLS             lower-case these columns (ASCII letters)\n"
    "\n"
    "Rows:\n"
    "      --require COLS           reject rows where any of COLS is empty\n"
    "      --fill COL=VALUE|mean|median|mode\n"
    "                               fill empty cells (repeatable)\n"
    "      --keep-if EXPR           keep only rows where EXPR holds (repeatable)\n"
    "      --drop-if EXPR           reject rows where EXPR holds (repeatable)\n"
    "                               EXPR is COL OP VALUE, OP one of = != < <= > >=\n"
    "                               ~ !~ (~: POSIX extended regex)\n"
    "      --outliers COL:METHOD[:K][:drop|clip]\n"
    "                               METHOD iqr (K 1.5), zscore (K 3) or mad (K 3.5);\n"
    "                               default drop (repeatable)\n"
    "      --dedupe[=COLS]          reject repeated rows (whole output row, or COLS)\n"
    "      --dedupe-keep first|last which copy to keep (default first)\n"
    "      --id-map FILE            CSV of alias,id pairs: aliases in --id-col\n"
    "                               become the canonical id\n"
    "      --id-col COL             the column --id-map rewrites (alias --id)\n"
    "      --id-map-strict          reject ids that are neither alias nor id\n"
    "\n"
    "Output:\n"
    "      --select COLS            output only these columns, in this order\n"
    "      --rename OLD=NEW[,...]   rename output columns\n"
    "      --rejects FILE           CSV of line,reason,<original fields> per rejected row\n"
    "      --report FILE            JSON counts: rows in/out, rejected per reason,\n"
    "                               filled and clipped per column\n"
    "      --strict                 a malformed row (ragged, NUL, bad type, missing\n"
    "                               required value) is an error, exit 1\n"
    "\n"
    "Example:\n"
    "  rs-clean -i online_retail.csv --schema CustomerID:int,Quantity:int \\\n"
    "    --require CustomerID --drop-if 'InvoiceNo~^C' --keep-if 'Quantity>0' \\\n"
    "    --dedupe --rejects rej.csv --report rep.json -o clean.csv\n";

enum {
    OPT_SCHEMA = RS_OPT_FIRST_OWN, OPT_TIME_FORMAT, OPT_TIME_OUT, OPT_SELECT, OPT_RENAME, OPT_TRIM,
    OPT_LOWER, OPT_REQUIRE, OPT_FILL, OPT_KEEP_IF, OPT_DROP_IF, OPT_DEDUPE, OPT_DEDUPE_KEEP,
    OPT_OUTLIERS, OPT_ID_MAP, OPT_ID_COL, OPT_ID_MAP_STRICT, OPT_REJECTS, OPT_REPORT, OPT_STRICT
};

static const struct option long_options[] = {
    RS_COMMON_LONG_OPTIONS,
    {"schema", required_argument, NULL, OPT_SCHEMA},
    {"time-format", required_argument, NULL, OPT_TIME_FORMAT},
    {"time-out", required_argument, NULL, OPT_TIME_OUT},
    {"select", required_argument, NULL, OPT_SELECT},
    {"rename", required_argument, NULL, OPT_RENAME},
    {"trim", no_argument, NULL, OPT_TRIM},
    {"lower", required_argument, NULL, OPT_LOWER},
    {"require", required_argument, NULL, OPT_REQUIRE},
    {"fill", required_argument, NULL, OPT_FILL},
    {"keep-if", required_argument, NULL, OPT_KEEP_IF},
    {"drop-if", required_argument, NULL, OPT_DROP_IF},
    {"dedupe", optional_argument, NULL, OPT_DEDUPE},
    {"dedupe-keep", required_argument, NULL, OPT_DEDUPE_KEEP},
    {"outliers", required_argument, NULL, OPT_OUTLIERS},
    {"id-map", required_argument, NULL, OPT_ID_MAP},
    {"id-col", required_argument, NULL, OPT_ID_COL},
    {"id", required_argument, NULL, OPT_ID_COL},
    {"id-map-strict", no_argument, NULL, OPT_ID_MAP_STRICT},
    {"rejects", required_argument, NULL, OPT_REJECTS},
    {"report", required_argument, NULL, OPT_REPORT},
    {"strict", no_argument, NULL, OPT_STRICT},
    {NULL, 0, NULL, 0},
};

static rs_status add_filter(rs_clean_spec *spec, const char *expr, int keep, rs_error *err)
{
    rs_clean_filter *f = realloc(spec->filters, (spec->n_filters + 1) * sizeof *f);
    if (!f)
        return rs_error_nomem(err);
    spec->filters = f;
    f[spec->n_filters++] = (rs_clean_filter){expr, keep};
    return RS_OK;
}

static rs_status push(rs_strlist *list, const char *arg, int split, rs_error *err)
{
    if ((split ? rs_strlist_push_split(list, arg) : rs_strlist_push(list, arg)) < 0)
        return rs_error_nomem(err);
    return RS_OK;
}

static rs_status own_option(void *ctx, int opt, const char *arg, rs_error *err)
{
    rs_clean_spec *spec = ctx;
    switch (opt) {
    case OPT_SCHEMA: return push(&spec->schema, arg, 1, err);
    case OPT_TIME_FORMAT: spec->values.time_format = arg; return RS_OK;
    case OPT_TIME_OUT:
        if (strcmp(arg, "iso") && strcmp(arg, "epoch"))
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --time-out '%s' (expected iso or epoch)", arg);
        spec->values.time_out_epoch = strcmp(arg, "epoch") == 0;
        return RS_OK;
    case OPT_SELECT: return push(&spec->select, arg, 1, err);
    case OPT_RENAME: return push(&spec->rename, arg, 1, err);
    case OPT_TRIM: spec->trim = 1; return RS_OK;
    case OPT_LOWER: return push(&spec->lower, arg, 1, err);
    case OPT_REQUIRE: return push(&spec->require, arg, 1, err);
    case OPT_FILL: return push(&spec->fill, arg, 0, err);
    case OPT_KEEP_IF: return add_filter(spec, arg, 1, err);
    case OPT_DROP_IF: return add_filter(spec, arg, 0, err);
    case OPT_DEDUPE:
        spec->dedupe = 1;
        return arg ? push(&spec->dedupe_cols, arg, 1, err) : RS_OK;
    case OPT_DEDUPE_KEEP:
        if (strcmp(arg, "first") && strcmp(arg, "last"))
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --dedupe-keep '%s' (expected first or last)", arg);
        spec->dedupe_keep_last = strcmp(arg, "last") == 0;
        return RS_OK;
    case OPT_OUTLIERS: return push(&spec->outliers, arg, 1, err);
    case OPT_ID_MAP: spec->id_map_path = arg; return RS_OK;
    case OPT_ID_COL: spec->id_col = arg; return RS_OK;
    case OPT_ID_MAP_STRICT: spec->id_map_strict = 1; return RS_OK;
    case OPT_REJECTS: spec->rejects_path = arg; return RS_OK;
    case OPT_REPORT: spec->report_path = arg; return RS_OK;
    case OPT_STRICT: spec->strict = 1; return RS_OK;
    default: return rs_error_set(err, RS_EUSAGE, NULL, 0, "%s", "");
    }
}

static rs_status check_spec(const rs_clean_spec *spec, rs_error *err)
{
    if (spec->dedupe_keep_last && !spec->dedupe)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--dedupe-keep needs --dedupe");
    if ((spec->id_col || spec->id_map_strict) && !spec->id_map_path)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "--id-col and --id-map-strict need --id-map FILE");
    for (size_t i = 0; i < spec->select.n; i++)
        if (!spec->select.items[i][0])
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "empty column name in --select");
    return RS_OK;
}

static void show_progress(long rows_in, int done)
{
    fprintf(stderr, "\rrs-clean: %ld rows%s", rows_in, done ? "\n" : "");
}

static void print_summary(const rs_common *common, const rs_clean_spec *spec, const rs_clean_report *r)
{
    if (common->quiet)
        return;
    int unreported = r->rows_rejected && !spec->rejects_path && !spec->report_path;
    if (!common->verbose && !unreported)
        return;
    const char *name = common->input ? common->input : "-";
    fprintf(stderr, "rs-clean: %s: %ld rows in, %ld out, %ld rejected\n", name, r->rows_in,
            r->rows_out, r->rows_rejected);
    if (!common->verbose)
        return;
    for (size_t i = 0; i < r->n_rejected; i++)
        fprintf(stderr, "rs-clean:   rejected %8ld  %s\n", r->rejected[i].count, r->rejected[i].name);
    for (size_t i = 0; i < r->n_filled; i++)
        fprintf(stderr, "rs-clean:   filled   %8ld  %s\n", r->filled[i].count, r->filled[i].name);
    for (size_t i = 0; i < r->n_clipped; i++)
        fprintf(stderr, "rs-clean:   clipped  %8ld  %s\n", r->clipped[i].count, r->clipped[i].name);
    if (r->invalid_utf8_rows)
        fprintf(stderr, "rs-clean:   %ld rows with invalid UTF-8 passed through\n", r->invalid_utf8_rows);
}

int main(int argc, char **argv)
{
    rs_common common;
    rs_common_init(&common, "rs-clean");
    rs_clean_spec spec = {0};
    rs_error err = {0};
    int code = rs_cli_parse(&common, argc, argv, 1, RS_COMMON_SHORT, long_options, own_option, &spec, usage_text);
    if (code >= 0) {
        rs_clean_spec_free(&spec);
        return code;
    }
    rs_path_use files[] = {{common.input, "-i", 0},         {spec.id_map_path, "--id-map", 0},
                           {common.output, "-o", 1},        {spec.rejects_path, "--rejects", 1},
                           {spec.report_path, "--report", 1}};
    if (check_spec(&spec, &err) != RS_OK || rs_paths_distinct(files, 5, &err) != RS_OK) {
        code = rs_cli_finish(common.prog, err.code, &err);
    } else {
        spec.input = common.input;
        spec.output = common.output;
        spec.table = common.table;
        spec.out_format = common.format;
        spec.threads = rs_threads_resolve(common.threads);
        /* tests cut the input into tiny parts to put quoted newlines on the cuts */
        const char *part_bytes = getenv("RS_CLEAN_PART_BYTES");
        if (part_bytes && atol(part_bytes) > 0)
            spec.part_bytes = (size_t)atol(part_bytes);
        if (!common.quiet && (common.progress || isatty(STDERR_FILENO)))
            spec.progress = show_progress;
        rs_clean_report report;
        rs_status st = rs_clean_run(&spec, &report, &err);
        if (st == RS_OK) {
            print_summary(&common, &spec, &report);
            rs_clean_report_free(&report);
        }
        code = rs_cli_finish(common.prog, st, &err);
    }
    rs_clean_spec_free(&spec);
    return code;
}
