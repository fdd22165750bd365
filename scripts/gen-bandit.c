/* gen-bandit — logged bandit data from a known model, and the true value of
 * a policy on it (scripts/gen-bandit runs the built binary).
 *
 * The problem (fixed by --model-seed, 1 by default; --seed draws the sample):
 *   context x: D standard-normal features, written with 4 decimals and used
 *     as written, so the file holds exactly the contexts the truth used;
 *   click probability p(x, a) = sigmoid(c + b_a + theta_a . x), theta_a and
 *     b_a drawn N(0, 0.25^2) and N(0, 0.5^2), c = -3.2 (a mean click rate
 *     near 5 % under the uniform policy);
 *   logging policy: softmax (temperature 1) over a different linear model,
 *     phi_a . x with phi_a drawn N(0, 0.3^2); or uniform (--logging uniform).
 * Policies with a known value (--target, --value):
 *   uniform, logging, best (the action of highest p(x, a)), and
 *   egreedy (best with probability 0.8, else uniform).
 * The true value of a policy is the mean over 10^6 fresh contexts (drawn from
 * --model-seed, the same for every --seed) of sum_a pi(a | x) p(x, a).
 * --choices FILE reads a table with the context columns and `action` (what a
 * policy chose for each context) and prints the mean p(x, action): the true
 * value of those choices on those contexts.
 *
 * Columns: x1..xD, action (0..K-1), reward (0/1), propensity (the logging
 * policy's probability of the logged action), then with --target NAME:
 * target_prob (its probability of the logged action), and with --wide also
 * pi_0..pi_{K-1} (its probability of every action). */
#include "gen_args.h"
#include "logistic.h"
#include "rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ACTIONS = 64, MAX_FEATURES = 256, TRUTH_CONTEXTS = 1000000 };

typedef struct {
    int k, d;
    double c;
    double theta[MAX_ACTIONS][MAX_FEATURES], bias[MAX_ACTIONS];   /* (K, D), (K): the reward */
    double phi[MAX_ACTIONS][MAX_FEATURES];                        /* (K, D): the logging policy */
    int uniform_logging;
} problem;

static void problem_init(problem *pb, int k, int d, uint64_t model_seed)
{
    rs_rng rng;
    rs_rng_seed(&rng, model_seed);
    pb->k = k, pb->d = d, pb->c = -3.2;
    for (int a = 0; a < k; a++) {
        pb->bias[a] = 0.5 * rs_rng_normal(&rng);
        for (int j = 0; j < d; j++)
            pb->theta[a][j] = 0.25 * rs_rng_normal(&rng);
    }
    for (int a = 0; a < k; a++)
        for (int j = 0; j < d; j++)
            pb->phi[a][j] = 0.3 * rs_rng_normal(&rng);
}

/* A context drawn and rounded to 4 decimals, as the file holds it. */
static void draw_context(const problem *pb, rs_rng *rng, double *x)
{
    for (int j = 0; j < pb->d; j++)
        x[j] = round(rs_rng_normal(rng) * 1e4) / 1e4;
}

static void click_probs(const problem *pb, const double *x, double *p)
{
    for (int a = 0; a < pb->k; a++) {
        double z = pb->c + pb->bias[a];
        for (int j = 0; j < pb->d; j++)
            z += pb->theta[a][j] * x[j];
        p[a] = rs_sigmoid(z);
    }
}

static void logging_probs(const problem *pb, const double *x, double *pi)
{
    double top = -INFINITY, sum = 0;
    for (int a = 0; a < pb->k; a++) {
        double z = 0;
        if (!pb->uniform_logging)
            for (int j = 0; j < pb->d; j++)
                z += pb->phi[a][j] * x[j];
        pi[a] = z;
        top = z > top ? z : top;
    }
    for (int a = 0; a < pb->k; a++)
        sum += pi[a] = exp(pi[a] - top);
    for (int a = 0; a < pb->k; a++)
        pi[a] /= sum;
}

/* pi (K) of the named policy at x, p (K) the click probabilities: 0, or -1
 * for an unknown name. */
static int policy_probs(const problem *pb, const char *name, const double *x, const double *p, double *pi)
{
    int best = 0;
    for (int a = 1; a < pb->k; a++)
        best = p[a] > p[best] ? a : best;
    if (!strcmp(name, "logging"))
        logging_probs(pb, x, pi);
    else if (!strcmp(name, "uniform") || !strcmp(name, "best") || !strcmp(name, "egreedy")) {
        double eps = !strcmp(name, "uniform") ? 1 : !strcmp(name, "best") ? 0 : 0.2;
        for (int a = 0; a < pb->k; a++)
            pi[a] = eps / pb->k + (a == best ? 1 - eps : 0);
    } else
        return -1;
    return 0;
}

static double true_value(const problem *pb, const char *name, uint64_t model_seed)
{
    rs_rng rng;
    rs_rng_seed(&rng, model_seed ^ 0x7275657661756c65ull);
    double x[MAX_FEATURES], p[MAX_ACTIONS], pi[MAX_ACTIONS], sum = 0;
    for (long i = 0; i < TRUTH_CONTEXTS; i++) {
        draw_context(pb, &rng, x);
        click_probs(pb, x, p);
        policy_probs(pb, name, x, p, pi);
        for (int a = 0; a < pb->k; a++)
            sum += pi[a] * p[a];
    }
    return sum / TRUTH_CONTEXTS;
}

/* The index of column name in a comma-separated header, or -1. */
static int header_col(char *header, const char *name)
{
    int col = 0;
    for (char *f = strtok(header, ",\r\n"); f; f = strtok(NULL, ",\r\n"), col++)
        if (!strcmp(f, name))
            return col;
    return -1;
}

/* --choices FILE: mean p(x, action) over the file's rows. */
static int score_choices(const problem *pb, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return fprintf(stderr, "gen-bandit: cannot open %s\n", path), 1;
    char line[65536], copy[65536];
    int cols[MAX_FEATURES + 1];
    if (!fgets(line, sizeof line, f))
        return fprintf(stderr, "gen-bandit: %s: empty\n", path), fclose(f), 1;
    for (int j = 0; j <= pb->d; j++) {
        char name[32];
        snprintf(name, sizeof name, j < pb->d ? "x%d" : "action", j + 1);
        strcpy(copy, line);
        if ((cols[j] = header_col(copy, name)) < 0)
            return fprintf(stderr, "gen-bandit: %s: no column %s\n", path, name), fclose(f), 1;
    }
    double x[MAX_FEATURES], p[MAX_ACTIONS], sum = 0;
    long n = 0;
    while (fgets(line, sizeof line, f)) {
        double field[MAX_FEATURES * 2 + 64];
        int nf = 0;
        for (char *s = strtok(line, ",\r\n"); s && nf < (int)(sizeof field / sizeof *field); s = strtok(NULL, ",\r\n"))
            field[nf++] = atof(s);
        for (int j = 0; j < pb->d; j++)
            x[j] = field[cols[j]];
        int a = (int)field[cols[pb->d]];
        if (a < 0 || a >= pb->k)
            return fprintf(stderr, "gen-bandit: %s:%ld: action %d out of 0..%d\n", path, n + 2, a, pb->k - 1), fclose(f), 1;
        click_probs(pb, x, p);
        sum += p[a];
        n++;
    }
    fclose(f);
    printf("%.6f\n", n ? sum / (double)n : NAN);
    return 0;
}

static void usage(FILE *to)
{
    fprintf(to, "Usage: gen-bandit [--rows N] [--seed S] [--model-seed S] [--actions K] [--features D]\n"
                "                  [--logging softmax|uniform] [--target POLICY [--wide]]\n"
                "       gen-bandit --value POLICY    the true value of uniform, logging, best or egreedy\n"
                "       gen-bandit --choices FILE    the true value of the actions chosen in FILE\n");
}

int main(int argc, char **argv)
{
    long rows = 100000;
    uint64_t seed = 1, model_seed = 1;
    int k = 10, d = 10, wide = 0;
    const char *target = NULL, *value = NULL, *choices = NULL, *logging = "softmax";
    static const struct option options[] = {
        {"rows", required_argument, 0, 'r'},        {"seed", required_argument, 0, 's'},
        {"model-seed", required_argument, 0, 'm'},  {"actions", required_argument, 0, 'a'},
        {"features", required_argument, 0, 'd'},    {"logging", required_argument, 0, 'l'},
        {"target", required_argument, 0, 't'},      {"wide", no_argument, 0, 'w'},
        {"value", required_argument, 0, 'v'},       {"choices", required_argument, 0, 'c'},
        {"help", no_argument, 0, 'h'},              {0, 0, 0, 0}};
    for (int c, at; (c = getopt_long(argc, argv, "h", options, &at)) != -1;) {
        const char *name = c == '?' || c == 'h' ? "" : options[at].name;
        switch (c) {
        case 'r': rows = gen_long("gen-bandit", name, optarg, 0, LONG_MAX); break;
        case 's': seed = gen_seed("gen-bandit", name, optarg); break;
        case 'm': model_seed = gen_seed("gen-bandit", name, optarg); break;
        case 'a': k = (int)gen_long("gen-bandit", name, optarg, 2, MAX_ACTIONS); break;
        case 'd': d = (int)gen_long("gen-bandit", name, optarg, 1, MAX_FEATURES); break;
        case 'l': logging = optarg; break;
        case 't': target = optarg; break;
        case 'w': wide = 1; break;
        case 'v': value = optarg; break;
        case 'c': choices = optarg; break;
        case 'h': return usage(stdout), 0;
        default: return usage(stderr), 2;
        }
    }
    if (optind < argc)
        return usage(stderr), 2;
    if (strcmp(logging, "softmax") && strcmp(logging, "uniform"))
        return fprintf(stderr, "gen-bandit: --logging softmax or uniform\n"), 2;
    static problem pb;
    problem_init(&pb, k, d, model_seed);
    pb.uniform_logging = !strcmp(logging, "uniform");
    double x[MAX_FEATURES], p[MAX_ACTIONS], pi0[MAX_ACTIONS], pi[MAX_ACTIONS];
    const char *check = value ? value : target;
    memset(x, 0, sizeof x);
    click_probs(&pb, x, p);
    if (check && policy_probs(&pb, check, x, p, pi) < 0)
        return fprintf(stderr, "gen-bandit: unknown policy '%s' (uniform, logging, best, egreedy)\n", check), 2;
    if (value)
        return printf("%.6f\n", true_value(&pb, value, model_seed)), 0;
    if (choices)
        return score_choices(&pb, choices);

    for (int j = 0; j < d; j++)
        printf("x%d,", j + 1);
    printf("action,reward,propensity%s", target ? ",target_prob" : "");
    for (int a = 0; wide && target && a < k; a++)
        printf(",pi_%d", a);
    putchar('\n');
    rs_rng rng;
    rs_rng_seed(&rng, seed * 0x9e3779b97f4a7c15ull + model_seed);
    for (long i = 0; i < rows; i++) {
        draw_context(&pb, &rng, x);
        click_probs(&pb, x, p);
        logging_probs(&pb, x, pi0);
        double u = rs_rng_uniform(&rng), acc = 0;
        int a = 0;
        for (; a < k - 1; a++)
            if (u < (acc += pi0[a]))
                break;
        int reward = rs_rng_uniform(&rng) < p[a];
        for (int j = 0; j < d; j++)
            printf("%.4f,", x[j]);
        printf("%d,%d,%.9g", a, reward, pi0[a]);
        if (target) {
            policy_probs(&pb, target, x, p, pi);
            printf(",%.9g", pi[a]);
            for (int b = 0; wide && b < k; b++)
                printf(",%.9g", pi[b]);
        }
        putchar('\n');
    }
    return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
