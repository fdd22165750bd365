/* test_tune_space.c — rs-tune's search space: Halton coordinates by hand
 * (the radical inverse reverses the digits of the index behind the point),
 * each scale's mapping at known points, and a space read from the registry
 * (fixed options and the halving resource left out). */
#include "tune/space.h"
#include "tap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *value_at(const rs_kind_option *o, double u)
{
    static char buf[RS_TUNE_VALUE_LEN];
    rs_tune_space_value(o, u, buf, sizeof buf);
    return buf;
}

int main(void)
{
    /* base 2: 1 = 1b -> 0.1b = 1/2; 2 = 10b -> 0.01b = 1/4; 3 = 11b -> 0.11b = 3/4; 6 = 110b -> 0.011b = 3/8 */
    CHECK(rs_tune_radical_inverse(0, 2) == 0, "radical inverse of 0 is 0");
    CHECK(rs_tune_radical_inverse(1, 2) == 0.5, "base 2: 1 -> 1/2");
    CHECK(rs_tune_radical_inverse(2, 2) == 0.25, "base 2: 2 -> 1/4");
    CHECK(rs_tune_radical_inverse(3, 2) == 0.75, "base 2: 3 -> 3/4");
    CHECK(rs_tune_radical_inverse(6, 2) == 0.375, "base 2: 6 -> 3/8");
    /* base 3: 5 = 12 (ternary) -> 0.21 = 2/3 + 1/9 = 7/9 */
    CHECK(fabs(rs_tune_radical_inverse(5, 3) - 7.0 / 9) < 1e-15, "base 3: 5 -> 7/9");
    /* the first 8 points in base 2 fill the eighths, each once */
    int seen[8] = {0}, all = 1;
    for (uint64_t i = 0; i < 8; i++)
        seen[(int)(rs_tune_radical_inverse(i, 2) * 8)]++;
    for (int i = 0; i < 8; i++)
        all &= seen[i] == 1;
    CHECK(all, "base 2: points 0..7 hit every eighth once");

    rs_kind_option log_opt = {"l2", "500", 0, INFINITY, 0, 0, RS_SEARCH_LOG, 1, 10000, NULL, RS_SHARED};
    CHECK(!strcmp(value_at(&log_opt, 0), "1"), "log: u = 0 is the low end");
    CHECK(!strcmp(value_at(&log_opt, 0.5), "100"), "log: u = 1/2 is the geometric middle, 100 (%s)",
          value_at(&log_opt, 0.5));
    CHECK(!strcmp(value_at(&log_opt, 0.25), "10"), "log: u = 1/4 is 10 (%s)", value_at(&log_opt, 0.25));
    rs_kind_option lin = {"shrink", "10", 0, INFINITY, 0, 0, RS_SEARCH_LINEAR, 0, 100, NULL, RS_SHARED};
    CHECK(!strcmp(value_at(&lin, 0.3), "30"), "linear: u = 0.3 of 0..100 is 30 (%s)", value_at(&lin, 0.3));
    rs_kind_option ints = {"cg-steps", "3", 1, 1000, 0, 0, RS_SEARCH_INT, 2, 10, NULL, RS_SHARED};
    CHECK(!strcmp(value_at(&ints, 0), "2"), "int: u = 0 is the low end");
    CHECK(!strcmp(value_at(&ints, 0.9999), "10"), "int: u near 1 is the high end, included");
    CHECK(!strcmp(value_at(&ints, 0.5), "6"), "int: 9 values, u = 1/2 is the fifth, 6 (%s)", value_at(&ints, 0.5));
    rs_kind_option logint = {"factors", "64", 1, 4096, 0, 0, RS_SEARCH_LOG_INT, 8, 255, NULL, RS_SHARED};
    CHECK(!strcmp(value_at(&logint, 0), "8"), "log int: u = 0 is the low end");
    CHECK(!strcmp(value_at(&logint, 0.4), "32"), "log int: 8..255 (log over 8..256), u = 0.4 is 8 x 32^0.4 = 32 (%s)",
          value_at(&logint, 0.4));
    CHECK(!strcmp(value_at(&logint, 0.99999), "255"), "log int: u near 1 is the high end");
    rs_kind_option choice = {"weighting", "none", 0, 0, 0, 0, RS_SEARCH_CHOICE, 0, 0, NULL, RS_SHARED};
    CHECK(!strcmp(value_at(&choice, 0.1), "none"), "choice: the first third is none");
    CHECK(!strcmp(value_at(&choice, 0.5), "idf"), "choice: the middle third is idf");
    CHECK(!strcmp(value_at(&choice, 0.9), "bm25"), "choice: the last third is bm25");
    /* layers 16..256: u in [0, 1/2) one layer, [1/2, 1) two, the width
     * log-uniform over 16..257 on the rest of u: 16 (257/16)^(1/2) = 64.1 */
    rs_kind_option layers = {"hidden", NULL, 1, 65536, 0, 0, RS_SEARCH_LAYERS, 16, 256, NULL, RS_SHARED};
    CHECK(!strcmp(value_at(&layers, 0), "16"), "layers: u = 0 is one layer of the low width (%s)", value_at(&layers, 0));
    CHECK(!strcmp(value_at(&layers, 0.25), "64"), "layers: u = 1/4 is one layer of 64 (%s)", value_at(&layers, 0.25));
    CHECK(!strcmp(value_at(&layers, 0.49999), "256"), "layers: u just under 1/2 is one layer of 256 (%s)",
          value_at(&layers, 0.49999));
    CHECK(!strcmp(value_at(&layers, 0.5), "16,8"), "layers: u = 1/2 is two layers, 16,8 (%s)", value_at(&layers, 0.5));
    CHECK(!strcmp(value_at(&layers, 0.75), "64,32"), "layers: u = 3/4 is 64,32 (%s)", value_at(&layers, 0.75));

    rs_tune_space s;
    rs_error err = {0};
    rs_strlist fixed = {0};
    rs_strlist_push(&fixed, "l2");
    CHECK(rs_tune_space_init(&s, rs_kind_find("als"), &fixed, "epochs", 7, &err) == RS_OK, "als: a space");
    CHECK(s.n_dims == 3 && !strcmp(s.dims[0]->name, "factors") && !strcmp(s.dims[1]->name, "alpha") &&
              !strcmp(s.dims[2]->name, "cg-steps"),
          "als without l2 (fixed) and epochs (halving): factors, alpha, cg-steps");
    char a[RS_TUNE_MAX_DIMS][RS_TUNE_VALUE_LEN] = {{0}}, b[RS_TUNE_MAX_DIMS][RS_TUNE_VALUE_LEN] = {{0}};
    rs_tune_space_point(&s, 3, a);
    rs_tune_space_point(&s, 3, b);
    CHECK(!memcmp(a, b, sizeof a), "the same index and seed give the same point");
    rs_tune_space other;
    rs_tune_space_init(&other, rs_kind_find("als"), &fixed, "epochs", 8, &err);
    CHECK(other.shift[0] != s.shift[0], "another seed shifts the sequence");
    CHECK(rs_tune_space_init(&s, rs_kind_find("pop"), NULL, NULL, 1, &err) == RS_OK && s.n_dims == 0,
          "pop: nothing to search");
    rs_strlist_free(&fixed);
    return tap_done();
}
