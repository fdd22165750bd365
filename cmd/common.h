/* common.h — what every rs binary shares on the command line: the common
 * options, their help block, version, usage errors, printing an rs_error and
 * the stderr warning hook.  Linked into every binary ($(BUILD)/cmd/common.o),
 * not part of librs: the library never prints, it returns an rs_error and
 * reports warnings through rs_set_warn_hook; this is where they are printed. */
#ifndef RS_CMD_COMMON_H
#define RS_CMD_COMMON_H

#include "error.h"
#include "io/table.h"

#include <getopt.h>

#define RS_VERSION "0.1.0"

enum {
    RS_OPT_VERSION = 0x1000,
    RS_OPT_SEED,
    RS_OPT_FORMAT,
    RS_OPT_NO_HEADER,
    RS_OPT_MAX_FIELD,
    RS_OPT_PROGRESS,
    RS_OPT_FIRST_OWN   /* commands number their own long-only options from here */
};

/* The common short options; each command appends its own (rs-eval "k:",
 * rs-predict "m:", rs-recommend "m:k:") and passes the result to
 * rs_cli_parse, so a letter another command uses is unknown here. */
#define RS_COMMON_SHORT "i:o:hqvj:d:"
#define RS_COMMON_LONG_OPTIONS                                                   \
    {"input", required_argument, NULL, 'i'},                                     \
    {"output", required_argument, NULL, 'o'},                                    \
    {"help", no_argument, NULL, 'h'},                                            \
    {"version", no_argument, NULL, RS_OPT_VERSION},                              \
    {"quiet", no_argument, NULL, 'q'},                                           \
    {"verbose", no_argument, NULL, 'v'},                                         \
    {"seed", required_argument, NULL, RS_OPT_SEED},                              \
    {"threads", required_argument, NULL, 'j'},                                   \
    {"format", required_argument, NULL, RS_OPT_FORMAT},                          \
    {"delimiter", required_argument, NULL, 'd'},                                 \
    {"no-header", no_argument, NULL, RS_OPT_NO_HEADER},                          \
    {"max-field", required_argument, NULL, RS_OPT_MAX_FIELD},                    \
    {"progress", no_argument, NULL, RS_OPT_PROGRESS}

/* The identical "Common options" block of every --help. */
extern const char rs_common_help[];

typedef struct {
    const char *prog;
    const char *input;     /* NULL: stdin */
    const char *output;    /* NULL: stdout */
    int quiet, verbose, progress;
    unsigned long seed;
    int threads;           /* 0: all cores */
    rs_format format;
    rs_table_options table;
    int help, version;
} rs_common;

/* Defaults; also ignores SIGPIPE (a closed pipe becomes a quiet RS_EPIPE)
 * and sets the C locale so numbers always use '.'. */
void rs_common_init(rs_common *c, const char *prog);

/* 1: opt was a common option; 0: it is not; -1: bad argument (err set). */
int rs_common_option(rs_common *c, int opt, const char *arg, rs_error *err);

/* A command's own options: RS_OK, or an error (usage errors are RS_EUSAGE). */
typedef rs_status (*rs_own_option_fn)(void *ctx, int opt, const char *arg, rs_error *err);

/* Parse argv[first..] with short_options (RS_COMMON_SHORT plus the
 * command's own letters), long_options, the common options and own(); print
 * --help (usage, then the common block) or --version, or a usage error that
 * says why ("unknown option '-m'", "option '--model' needs an argument") and
 * then "Try 'prog --help'...".  Returns -1 when the command should run, else
 * the exit code to return. */
int rs_cli_parse(rs_common *c, int argc, char **argv, int first, const char *short_options,
                 const struct option *long_options, rs_own_option_fn own, void *ctx, const char *usage);

/* Progress on stderr (lib/progress.h lines): shown when stderr is a
 * terminal or with --progress, never with -q.  On a terminal without -v
 * each line overwrites the last (and rs_cli_progress_end erases it, so the
 * summary takes its place); otherwise, and with -v, one line each. */
typedef struct {
    const char *prog;
    int overwrite;
    int shown;          /* width of the line on screen, overwrite mode */
} rs_cli_progress;

/* 1 when c asks for progress (a terminal or --progress, and not -q). */
int rs_cli_progress_wanted(const rs_common *c);
/* Set p up; 1 when lines are to be printed (pass rs_cli_progress_line and
 * p to the library), 0 when not.  verbose: -v asks for the lines too. */
int rs_cli_progress_init(rs_cli_progress *p, const rs_common *c, int verbose);
/* An rs_progress_fn; ctx is an rs_cli_progress.  Safe from threads. */
void rs_cli_progress_line(void *ctx, const char *line);
void rs_cli_progress_end(rs_cli_progress *p);

/* Route library warnings to stderr as "prog: file:line: msg" unless quiet. */
void rs_cli_install_warnings(const rs_common *c);

/* "prog: message" and "Try 'prog --help'..." on stderr; returns 2. */
int rs_cli_usage_error(const char *prog, const rs_error *err);
/* "prog: file:line: msg" on stderr (nothing for RS_EPIPE); the one place
 * errors are printed. */
void rs_error_print(const char *prog, const rs_error *err);
/* Print err (if any) and return its exit code. */
int rs_cli_finish(const char *prog, rs_status st, const rs_error *err);
/* --help and --version: to stdout, checked (a full disk is exit 1). */
int rs_cli_print_help(const char *prog, const char *usage);
int rs_cli_print_version(const char *prog);
/* Other text for stdout (rs-train --list-models), checked the same way. */
int rs_cli_print_text(const char *prog, const char *text);

#endif
