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
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "-h") || !strcmp(o, "--help"))
            return usage(stdout), 0;
        if (!v)
            return usage(stderr), 2;
        i++;
        if (!strcmp(o, "--rows"))
            rows = atol(v);
        else if (!strcmp(o, "--seed"))
            seed = strtoull(v, NULL, 10);
        else if (!strcmp(o, "--model-seed"))
            model_seed = strtoull(v, NULL, 10);
        else if (!strcmp(o, "--features"))
            d = atoi(v);
        else if (!strcmp(o, "--treated-share"))
            share = atof(v);
        else if (!strcmp(o, "--assignment") && !strcmp(v, "propensity"))
            by_propensity = 1;
        else
            return usage(stderr), 2;
    }
    if (d < 1 || d > MAX_FEATURES || rows < 0 || !(share > 0 && share < 1))
        return fprintf(stderr, "gen-uplift: --features 1..%d, --rows >= 0, --treated-share in (0, 1)\n",
                       MAX_FEATURES), 2;
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
