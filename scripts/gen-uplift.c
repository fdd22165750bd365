/* gen-uplift — a randomised (or propensity-assigned) test of a treatment
 * with a known effect on every row, for rs-train --model uplift and
 * rs-eval uplift (scripts/gen-uplift runs the built binary).
 *
 * The problem (fixed by --model-seed, 1 by default; --seed draws the rows):
 *   features x: D standard-normal values, written with 4 decimals and used
 *     as written;
 *   outcome probability without the treatment p0(x) = sigmoid(c + beta . x),
 *     with it p1(x) = sigmoid(c + beta . x + d + gamma . x): beta drawn
 *     N(0, 0.5^2), gamma N(0, 0.6^2), c = -1.5, d = 0.2; the treatment helps
 *     some rows and harms others;
 *   treatment: 1 with probability --treated-share (0.5: a randomised test),
 *     or with --assignment propensity e(x) = sigmoid(0.8 x1) (known, written);
 *   outcome: 1 with probability p0 or p1 by the row's treatment.
 * Columns: x1..xD, treatment, outcome, effect (the true p1(x) - p0(x)),
 * propensity (the row's probability of treatment).  Ranking rows by effect
 * is the oracle: rs-eval uplift --score effect gives its Qini. */
#include "gen_args.h"
#include "logistic.h"
#include "rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_FEATURES = 256 };

typedef struct {
    int d;
    double c, lift;
    double beta[MAX_FEATURES], gamma[MAX_FEATURES];
} problem;

static void problem_init(problem *pb, int d, uint64_t model_seed)
{
    rs_rng rng;
    rs_rng_seed(&rng, model_seed);
    pb->d = d, pb->c = -1.5, pb->lift = 0.2;
    for (int j = 0; j < d; j++)
        pb->beta[j] = 0.5 * rs_rng_normal(&rng);
    for (int j = 0; j < d; j++)
        pb->gamma[j] = 0.6 * rs_rng_normal(&rng);
}

static void usage(FILE *to)
{
    fprintf(to, "Usage: gen-uplift [--rows N] [--seed S] [--model-seed S] [--features D]\n"
                "                  [--treated-share P | --assignment propensity]\n");
}

int main(int argc, char **argv)
{
    long rows = 10000;
    uint64_t seed = 1, model_seed = 1;
    int d = 6, by_propensity = 0;
    double share = 0.5;
    static const struct option options[] = {
        {"rows", required_argument, 0, 'r'},       {"seed", required_argument, 0, 's'},
        {"model-seed", required_argument, 0, 'm'}, {"features", required_argument, 0, 'd'},
        {"treated-share", required_argument, 0, 't'}, {"assignment", required_argument, 0, 'a'},
        {"help", no_argument, 0, 'h'},             {0, 0, 0, 0}};
    for (int c, at; (c = getopt_long(argc, argv, "h", options, &at)) != -1;) {
        const char *name = c == '?' || c == 'h' ? "" : options[at].name;
        switch (c) {
        case 'r': rows = gen_long("gen-uplift", name, optarg, 0, LONG_MAX); break;
        case 's': seed = gen_seed("gen-uplift", name, optarg); break;
        case 'm': model_seed = gen_seed("gen-uplift", name, optarg); break;
        case 'd': d = (int)gen_long("gen-uplift", name, optarg, 1, MAX_FEATURES); break;
        case 't': share = gen_double("gen-uplift", name, optarg, 0, 1); break;
        case 'a':
            if (strcmp(optarg, "propensity"))
                return fprintf(stderr, "gen-uplift: --assignment: only 'propensity'\n"), 2;
            by_propensity = 1;
            break;
        case 'h': return usage(stdout), 0;
        default: return usage(stderr), 2;
        }
    }
    if (optind < argc)
        return usage(stderr), 2;
    if (!(share > 0 && share < 1))
        return fprintf(stderr, "gen-uplift: --treated-share in (0, 1)\n"), 2;
    problem pb;
    problem_init(&pb, d, model_seed);
    rs_rng rng;
    rs_rng_seed(&rng, seed);
    for (int j = 0; j < d; j++)
        printf("x%d,", j + 1);
    printf("treatment,outcome,effect,propensity\n");
    double x[MAX_FEATURES];
    for (long r = 0; r < rows; r++) {
        double base = pb.c, lift = pb.lift;
        for (int j = 0; j < d; j++) {
            x[j] = round(rs_rng_normal(&rng) * 1e4) / 1e4;
            base += pb.beta[j] * x[j];
            lift += pb.gamma[j] * x[j];
        }
        double p0 = rs_sigmoid(base), p1 = rs_sigmoid(base + lift);
        double e = by_propensity ? rs_sigmoid(0.8 * x[0]) : share;
        int t = rs_rng_uniform(&rng) < e;
        int y = rs_rng_uniform(&rng) < (t ? p1 : p0);
        for (int j = 0; j < d; j++)
            printf("%.4f,", x[j]);
        printf("%d,%d,%.6f,%.6f\n", t, y, p1 - p0, e);
    }
    return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
