/* gen-text — generated short messages with a class label, for the text
 * model's scale bench (issue 15 point 4) and tests (scripts/gen-text runs
 * the built binary).
 *
 * The vocabulary is --vocab words; word r (0-based) is spelled by the
 * base-100 digits of r + 1 as consonant-vowel syllables ("ba", "ce", ...,
 * three for r < 999,999), so every word is a distinct lower-case token.
 * Word frequencies follow Zipf's law: P(rank r) is proportional to
 * 1 / (r + 1)^s (--zipf s, 1 by default).  A message of class c has --words
 * words; each is, with probability --topic (0.3), word (r + 997 c) mod V
 * for a Zipf rank r (the class's own frequent words), else word r (the
 * shared background).  The class is uniform over --classes, named c0..c{K-1}.
 * Same options and --seed, same bytes.
 *
 * Columns: text,label. */
#include "gen_args.h"
#include "rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *to)
{
    fprintf(to, "Usage: gen-text [--rows N] [--words W] [--vocab V] [--classes K] [--zipf S] [--topic P] [--seed S]\n"
                "  N messages (1000000) of W words (20) from a V-word (50000) Zipf(S = 1) vocabulary,\n"
                "  K classes (50); a share P (0.3) of each message's words is drawn from its class's words.\n");
}

/* The spelling of word r: syllables of the base-100 digits of r + 1. */
static void spell(long r, char *out)
{
    static const char cons[] = "bcdfghjklmnprstvwxyz", vow[] = "aeiou";
    size_t n = 0;
    for (long v = r + 1; v > 0; v /= 100) {
        out[n++] = cons[v % 100 / 5];
        out[n++] = vow[v % 5];
    }
    out[n] = '\0';
}

/* The Zipf rank of a uniform u: the first r with cdf[r] > u. */
static long rank_of(const double *cdf, long n, double u)
{
    long lo = 0, hi = n - 1;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (cdf[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

int main(int argc, char **argv)
{
    long rows = 1000000, words = 20, vocab = 50000, classes = 50;
    double zipf = 1, topic = 0.3;
    uint64_t seed = 1;
    static const struct option options[] = {
        {"rows", required_argument, 0, 'r'},    {"words", required_argument, 0, 'w'},
        {"vocab", required_argument, 0, 'v'},   {"classes", required_argument, 0, 'c'},
        {"zipf", required_argument, 0, 'z'},    {"topic", required_argument, 0, 't'},
        {"seed", required_argument, 0, 's'},    {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    for (int c, at; (c = getopt_long(argc, argv, "h", options, &at)) != -1;) {
        const char *name = c == '?' || c == 'h' ? "" : options[at].name;
        switch (c) {
        case 'r': rows = gen_long("gen-text", name, optarg, 0, LONG_MAX); break;
        case 'w': words = gen_long("gen-text", name, optarg, 1, LONG_MAX); break;
        case 'v': vocab = gen_long("gen-text", name, optarg, 1, 999999); break;
        case 'c': classes = gen_long("gen-text", name, optarg, 1, LONG_MAX); break;
        case 'z': zipf = gen_double("gen-text", name, optarg, 0, HUGE_VAL); break;
        case 't': topic = gen_double("gen-text", name, optarg, 0, 1); break;
        case 's': seed = gen_seed("gen-text", name, optarg); break;
        case 'h': return usage(stdout), 0;
        default: return usage(stderr), 2;
        }
    }
    if (optind < argc)
        return usage(stderr), 2;
    double *cdf = malloc((size_t)vocab * sizeof *cdf), total = 0;
    char (*spelling)[8] = malloc((size_t)vocab * sizeof *spelling);
    if (!cdf || !spelling)
        return fprintf(stderr, "gen-text: out of memory\n"), 1;
    for (long r = 0; r < vocab; r++) {
        total += pow((double)(r + 1), -zipf);
        cdf[r] = total;
        spell(r, spelling[r]);
    }
    for (long r = 0; r < vocab; r++)
        cdf[r] /= total;
    rs_rng rng;
    rs_rng_seed(&rng, seed);
    puts("text,label");
    for (long i = 0; i < rows; i++) {
        long c = (long)rs_rng_below(&rng, (uint64_t)classes);
        for (long w = 0; w < words; w++) {
            int own = rs_rng_uniform(&rng) < topic;
            long r = rank_of(cdf, vocab, rs_rng_uniform(&rng));
            fputs(spelling[own ? (r + 997 * c) % vocab : r], stdout);
            putchar(w + 1 < words ? ' ' : ',');
        }
        printf("c%ld\n", c);
    }
    free(cdf), free(spelling);
    return ferror(stdout) ? 1 : 0;
}
