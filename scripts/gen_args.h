/* gen_args.h — option values for the generator tools (gen-bandit,
 * gen-uplift, gen-text).  A value that is not a number in range is a usage
 * error naming the option (exit 2): atol's silent 0 once turned a typo into
 * an empty fixture. */
#ifndef RS_GEN_ARGS_H
#define RS_GEN_ARGS_H

#include "num.h"

#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static inline long gen_long(const char *prog, const char *opt, const char *arg, long min, long max)
{
    long value;
    if (rs_parse_long_arg(arg, min, max, &value) == 0)
        return value;
    fprintf(stderr, "%s: --%s: '%s' is not an integer in %ld..%ld\n", prog, opt, arg, min, max);
    exit(2);
}

static inline uint64_t gen_seed(const char *prog, const char *opt, const char *arg)
{
    return (uint64_t)gen_long(prog, opt, arg, 0, LONG_MAX);
}

/* A finite number in [min, max]. */
static inline double gen_double(const char *prog, const char *opt, const char *arg, double min, double max)
{
    double value;
    if (rs_parse_double_arg(arg, &value) == 0 && value >= min && value <= max)
        return value;
    fprintf(stderr, "%s: --%s: '%s' is not a number in %g..%g\n", prog, opt, arg, min, max);
    exit(2);
}

#endif
