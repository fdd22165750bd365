/* common.c — see common.h: everything an rs binary prints about itself. */
#include "common.h"

#include "blas.h"

#include "num.h"
#include "suggest.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char rs_common_help[] =
    "Common options:\n"
    "  -i, --input FILE      read FILE (CSV or rsf, detected); default or '-': stdin\n"
    "  -o, --output FILE     write FILE (atomically: temp file, then rename);\n"
    "                        default or '-': stdout\n"
    "      --format FMT      output format: csv (default) or rsf\n"
    "  -d, --delimiter D     input delimiter: one byte, '\\t' or '::' (default ',')\n"
    "      --no-header       input has no header row; columns are named c1..cN\n"
    "      --max-field N     longest field accepted, in bytes (default 1048576)\n"
    "  -j, --threads N       split the work N ways (default: the CPUs this process\n"
    "                        may use, or SLURM_CPUS_PER_TASK), run on at most\n"
    "                        that many threads; the same N gives the same bytes\n"
    "      --seed N          random seed (default 1)\n"
    "  -q, --quiet           no warnings or summaries on stderr\n"
    "  -v, --verbose         more detail on stderr\n"
    "      --progress        progress on stderr even when it is not a terminal\n"
    "  -h, --help            show this help and exit\n"
    "      --version         show the version and exit\n";

/* "prog: file:line: msg\n" (without the parts that are empty), with the
 * command's name where msg holds RS_MSG_PROG. */
static void print_message(const char *prog, const char *file, long line, const char *msg)
{
    if (file && *file && line > 0)
        fprintf(stderr, "%s: %s:%ld: ", prog, file, line);
    else if (file && *file)
        fprintf(stderr, "%s: %s: ", prog, file);
    else
        fprintf(stderr, "%s: ", prog);
    for (const char *mark; (mark = strchr(msg, RS_MSG_PROG[0])); msg = mark + 1)
        fprintf(stderr, "%.*s%s", (int)(mark - msg), msg, prog);
    fprintf(stderr, "%s\n", msg);
}

void rs_error_print(const char *prog, const rs_error *err)
{
    if (err->code != RS_EPIPE)
        print_message(prog, err->file, err->line, err->msg);
}

static const char *warn_prog;

static void warn_to_stderr(const char *file, long line, const char *msg)
{
    print_message(warn_prog, file, line, msg);
}

void rs_common_init(rs_common *c, const char *prog)
{
    memset(c, 0, sizeof *c);
    c->prog = prog;
    c->seed = 1;
    c->format = RS_FORMAT_CSV;
    strcpy(c->table.csv.delim, ",");
    c->table.csv.max_field = RS_CSV_DEFAULT_MAX_FIELD;
    signal(SIGPIPE, SIG_IGN);
    setlocale(LC_ALL, "C");
}

int rs_common_option(rs_common *c, int opt, const char *arg, rs_error *err)
{
    long v;
    switch (opt) {
    case 'i':
    case 'o':
        if (!*arg) {   /* found before any work, not at the rename after it */
            rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid -%c '' (expected a file name, or - for standard %s)", opt,
                         opt == 'i' ? "input" : "output");
            return -1;
        }
        *(opt == 'i' ? &c->input : &c->output) = arg;
        return 1;
    case 'h':
        c->help = 1;
        return 1;
    case RS_OPT_VERSION:
        c->version = 1;
        return 1;
    case 'q':
        c->quiet = 1;
        return 1;
    case 'v':
        c->verbose++;
        return 1;
    case RS_OPT_PROGRESS:
        c->progress = 1;
        return 1;
    case RS_OPT_SEED:
        if (rs_parse_long_arg(arg, 0, 0x7fffffffffffffffL, &v) < 0) {
            rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --seed '%s' (expected an integer >= 0)", arg);
            return -1;
        }
        c->seed = (unsigned long)v;
        return 1;
    case 'j':
        if (rs_parse_long_arg(arg, 1, 1024, &v) < 0) {
            rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --threads '%s' (expected 1..1024)", arg);
            return -1;
        }
        c->threads = (int)v;
        return 1;
    case RS_OPT_FORMAT:
        return rs_format_parse(arg, &c->format, err) ? -1 : 1;
    case 'd':
        return rs_csv_parse_delim(arg, c->table.csv.delim, err) ? -1 : 1;
    case RS_OPT_NO_HEADER:
        c->table.no_header = 1;
        return 1;
    case RS_OPT_MAX_FIELD:
        if (rs_parse_long_arg(arg, 1, 1L << 40, &v) < 0) {
            rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid --max-field '%s' (expected bytes >= 1)", arg);
            return -1;
        }
        c->table.csv.max_field = (size_t)v;
        return 1;
    default:
        return 0;
    }
}

int rs_cli_progress_wanted(const rs_common *c)
{
    return !c->quiet && (c->progress || isatty(STDERR_FILENO));
}

int rs_cli_progress_init(rs_cli_progress *p, const rs_common *c, int verbose)
{
    memset(p, 0, sizeof *p);
    p->prog = c->prog;
    p->overwrite = !verbose && isatty(STDERR_FILENO);
    return !c->quiet && (verbose || rs_cli_progress_wanted(c));
}

void rs_cli_progress_line(void *ctx, const char *line)
{
    rs_cli_progress *p = ctx;
    flockfile(stderr);
    if (p->overwrite) {
        int width = (int)(strlen(p->prog) + 2 + strlen(line));
        fprintf(stderr, "\r%s: %s%*s", p->prog, line, p->shown > width ? p->shown - width : 0, "");
        p->shown = width;
    } else {
        fprintf(stderr, "%s: %s\n", p->prog, line);
    }
    funlockfile(stderr);
}

void rs_cli_progress_end(rs_cli_progress *p)
{
    if (p->overwrite && p->shown)
        fprintf(stderr, "\r%*s\r", p->shown, "");
    p->shown = 0;
}

void rs_cli_install_warnings(const rs_common *c)
{
    warn_prog = c->prog;
    rs_set_warn_hook(c->quiet ? NULL : warn_to_stderr);
}

int rs_cli_usage_error(const char *prog, const rs_error *err)
{
    if (err && err->msg[0])
        rs_error_print(prog, err);
    fprintf(stderr, "Try '%s --help' for more information.\n", prog);
    return RS_EXIT_USAGE;
}

int rs_cli_finish(const char *prog, rs_status st, const rs_error *err)
{
    int argument;
    const char *routine = rs_blas_argument_error(&argument);
    if (routine) {   /* never a success: the numbers came from a call that did nothing */
        fprintf(stderr, "%s: internal error: OpenBLAS %s rejected argument %d (please report this)\n", prog, routine,
                argument);
        return RS_EXIT_FAILURE;
    }
    if (st == RS_EUSAGE)
        return rs_cli_usage_error(prog, err);
    if (st != RS_OK)
        rs_error_print(prog, err);
    return rs_exit_code(st);
}

static int flush_stdout(const char *prog)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return RS_EXIT_OK;
    fprintf(stderr, "%s: stdout: write error\n", prog);
    return RS_EXIT_FAILURE;
}

int rs_cli_print_help(const char *prog, const char *usage)
{
    fputs(usage, stdout);
    fputs("\n", stdout);
    fputs(rs_common_help, stdout);
    printf("\nExit status: 0 success, 1 data or I/O error, 2 usage error.\n"
           "Full documentation: man %s; formats and conventions: man 7 rs.\n", prog);
    return flush_stdout(prog);
}

int rs_cli_print_text(const char *prog, const char *text)
{
    fputs(text, stdout);
    return flush_stdout(prog);
}

int rs_cli_print_version(const char *prog)
{
    printf("%s (rs) %s\n", prog, RS_VERSION);
    return flush_stdout(prog);
}

/* The long option that name (without "--", up to len bytes) selects as
 * getopt_long does: an exact match, else the only one it is a prefix of;
 * NULL when none or several.  The names it is a prefix of go to list (", "
 * between them), *n_prefixed counts them. */
static const struct option *find_long(const struct option *long_options, const char *name, size_t len,
                                      char *list, size_t list_size, int *n_prefixed)
{
    const struct option *found = NULL;
    size_t used = 0;
    *n_prefixed = 0;
    list[0] = '\0';
    for (const struct option *o = long_options; o->name; o++) {
        if (strncmp(o->name, name, len) != 0)
            continue;
        if (strlen(o->name) == len) {
            *n_prefixed = 1;
            return o;
        }
        if (used < list_size)
            used += (size_t)snprintf(list + used, list_size - used, "%s--%s", *n_prefixed ? ", " : "", o->name);
        ++*n_prefixed;
        found = o;
    }
    return *n_prefixed == 1 ? found : NULL;
}

/* Other words for an option, from other tools (scikit-learn, LIBMF,
 * implicit, xsv): suggested when the tool has the option they point to. */
static const struct {
    const char *word, *option;
} option_synonyms[] = {
    {"regularization", "l2"}, {"regularisation", "l2"}, {"reg", "l2"},       {"lambda", "l2"},
    {"weight-decay", "l2"},   {"learning-rate", "lr"},  {"eta", "lr"},       {"iterations", "epochs"},
    {"iterations", "max-iter"}, {"n-iter", "max-iter"}, {"rank", "factors"}, {"dim", "factors"},
    {"components", "factors"}, {"top-k", "k"},          {"topk", "k"},       {"top", "k"},
    {"sep", "delimiter"},     {"separator", "delimiter"}, {"delim", "delimiter"}, {"header", "no-header"},
    {"jobs", "threads"},      {"out", "output"},        {"in", "input"},
};

/* The long option to suggest for an unknown --name (len bytes): a synonym
 * the tool has, else the nearest name (suggest.h), else one that name
 * starts with ("--user-column": "--user-col"); NULL when none. */
static const char *suggest_long(const struct option *long_options, const char *name, size_t len)
{
    for (size_t s = 0; s < sizeof option_synonyms / sizeof option_synonyms[0]; s++)
        if (strlen(option_synonyms[s].word) == len && !strncmp(option_synonyms[s].word, name, len))
            for (const struct option *o = long_options; o->name; o++)
                if (!strcmp(o->name, option_synonyms[s].option))
                    return o->name;
    size_t n = 0;
    while (long_options[n].name)
        n++;
    const char **names = malloc((n + 1) * sizeof *names);
    if (!names)
        return NULL;
    for (size_t i = 0; i < n; i++)
        names[i] = long_options[i].name;
    long near = rs_suggest(name, len, names, n);
    free(names);
    if (near >= 0)
        return long_options[near].name;
    const char *longest = NULL;
    for (const struct option *o = long_options; o->name; o++) {
        size_t olen = strlen(o->name);
        if (olen >= 3 && olen < len && !strncmp(o->name, name, olen) && (!longest || olen > strlen(longest)))
            longest = o->name;
    }
    return longest;
}

/* The reason getopt_long refused argv (it returned '?' or ':' with its own
 * messages off), naming the option: argv[optind - 1] is the element it was
 * reading for a long option (an abbreviation is named in full when it
 * selects one), optopt the character of a short one (optopt is 0 for an
 * unknown or ambiguous long option). */
static void option_error(int opt, char **argv, const struct option *long_options, rs_error *err)
{
    const char *arg = argv[optind - 1];
    int is_long = strncmp(arg, "--", 2) == 0;
    int len = (int)strcspn(arg, "=");
    char list[256];
    int n_prefixed = 0;
    const char *near;
    const struct option *o =
        is_long ? find_long(long_options, arg + 2, (size_t)len - 2, list, sizeof list, &n_prefixed) : NULL;
    if (opt == ':' && o)
        rs_error_set(err, RS_EUSAGE, NULL, 0, "option '--%s' needs an argument", o->name);
    else if (opt == ':' && is_long)
        rs_error_set(err, RS_EUSAGE, NULL, 0, "option '%.*s' needs an argument", len, arg);
    else if (opt == ':')
        rs_error_set(err, RS_EUSAGE, NULL, 0, "option '-%c' needs an argument", optopt);
    else if (is_long && optopt == 0 && n_prefixed > 1)
        rs_error_set(err, RS_EUSAGE, NULL, 0, "option '%.*s' is ambiguous (%s)", len, arg, list);
    else if (is_long && optopt == 0 && (near = suggest_long(long_options, arg + 2, (size_t)len - 2)))
        rs_error_set(err, RS_EUSAGE, NULL, 0, "unknown option '%.*s': did you mean '--%s'?", len, arg, near);
    else if (is_long && optopt == 0)
        rs_error_set(err, RS_EUSAGE, NULL, 0, "unknown option '%.*s'", len, arg);
    else if (o && o->has_arg == no_argument && o->val == optopt && arg[len] == '=')
        rs_error_set(err, RS_EUSAGE, NULL, 0, "option '--%s' takes no argument", o->name);
    else
        rs_error_set(err, RS_EUSAGE, NULL, 0, "unknown option '-%c'", optopt);
}

/* For an option getopt_long accepted but own() has no case for (a command
 * listing a letter it does not handle): its name, "--name" or "-c". */
static void unhandled_option(int opt, const struct option *long_options, rs_error *err)
{
    for (const struct option *o = long_options; o->name; o++)
        if (o->val == opt) {
            rs_error_set(err, RS_EUSAGE, NULL, 0, "unknown option '--%s'", o->name);
            return;
        }
    rs_error_set(err, RS_EUSAGE, NULL, 0, "unknown option '-%c'", opt);
}

int rs_cli_parse(rs_common *c, int argc, char **argv, int first, const char *short_options,
                 const struct option *long_options, rs_own_option_fn own, void *ctx, const char *usage)
{
    /* a leading ':' makes getopt_long return ':' for a missing argument */
    char shorts[64];
    snprintf(shorts, sizeof shorts, ":%s", short_options);
    rs_error err = {0};
    int opt;
    opterr = 0;
    optind = first;
    while ((opt = getopt_long(argc, argv, shorts, long_options, NULL)) != -1) {
        if (opt == '?' || opt == ':') {
            option_error(opt, argv, long_options, &err);
            return rs_cli_usage_error(c->prog, &err);
        }
        int handled = rs_common_option(c, opt, optarg, &err);
        if (handled == 0 && own(ctx, opt, optarg, &err) != RS_OK)
            handled = -1;
        if (handled < 0 && !err.msg[0])
            unhandled_option(opt, long_options, &err);
        if (handled < 0)
            return rs_cli_finish(c->prog, err.code, &err);
    }
    if (c->help)
        return rs_cli_print_help(c->prog, usage);
    if (c->version)
        return rs_cli_print_version(c->prog);
    if (optind < argc) {
        rs_error_set(&err, RS_EUSAGE, NULL, 0, "unexpected argument '%s' (use -i FILE)", argv[optind]);
        return rs_cli_finish(c->prog, err.code, &err);
    }
    rs_cli_install_warnings(c);
    return -1;
}
