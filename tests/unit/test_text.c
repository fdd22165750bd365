/* The text featurisation (lib/features/text.c): tokens, case folding, and
 * the buckets of given strings, fixed so that models stay valid across
 * releases (a change here breaks every saved text model: do not). */
#include "features/text.h"
#include "hash.h"
#include "rng.h"
#include "tap.h"

#include <stdlib.h>

static size_t buckets(const rs_text_spec *spec, const char *text, uint32_t *out, size_t max, rs_status *st)
{
    rs_text_scratch s = {0};
    uint32_t *idx = NULL;
    size_t n = 0, cap = 0;
    rs_error err = {0};
    *st = rs_text_hash(spec, text, strlen(text), &s, &idx, &n, &cap, &err);
    for (size_t i = 0; i < n && i < max; i++)
        out[i] = idx[i];
    free(idx);
    rs_text_scratch_free(&s);
    return n;
}

static int same(const uint32_t *a, const uint32_t *b, size_t n)
{
    return memcmp(a, b, n * sizeof *a) == 0;
}

/* rs_text_hash_apart's two lists are rs_text_hash's with word n-grams only
 * and with char n-grams only (text_model.c's two blocks, one tokenisation). */
static int apart_matches(const char *text)
{
    rs_text_spec spec = {.bits = 18, .word_max = 2, .char_min = 2, .char_max = 5, .column = 1};
    rs_text_spec words = spec, chars = spec;
    words.char_min = words.char_max = 0, chars.word_max = 0;
    uint32_t want_w[256], want_c[256];
    rs_status st_w, st_c;
    size_t n_w = buckets(&words, text, want_w, 256, &st_w), n_c = buckets(&chars, text, want_c, 256, &st_c);
    rs_text_scratch s = {0};
    uint32_t *idx = NULL, *ch = NULL;
    size_t n = 0, cap = 0, m = 0, cap_m = 0;
    rs_error err = {0};
    rs_status st = rs_text_hash_apart(&spec, text, strlen(text), &s, &idx, &n, &cap, &ch, &m, &cap_m, &err);
    int ok = st == RS_OK && st_w == RS_OK && st_c == RS_OK && n == n_w && m == n_c && n_w <= 256 && n_c <= 256 &&
             (!n || same(idx, want_w, n)) && (!m || same(ch, want_c, m));
    free(idx), free(ch);
    rs_text_scratch_free(&s);
    return ok;
}

/* rs_text_merge against a plain tally of each bucket: every bucket once, in the order of
 * its first occurrence, with its count; buckets sharing low bits (multiples
 * of 4096) probe past each other. */
static int merge_matches_tally(void)
{
    enum { MAX = 600, RANGE = 1024 };
    static uint32_t idx[MAX], orig[MAX];
    static float val[MAX];
    static unsigned tally[RANGE];
    rs_text_scratch s = {0};
    rs_error err = {0};
    rs_rng rng;
    rs_rng_seed(&rng, 8);
    int ok = 1;
    for (int c = 0; c < 300 && ok; c++) {
        size_t n = (size_t)rs_rng_below(&rng, MAX + 1), range = c % 3 == 0 ? 4 : c % 3 == 1 ? 64 : RANGE, m;
        memset(tally, 0, sizeof tally);
        for (size_t i = 0; i < n; i++) {
            orig[i] = idx[i] = (uint32_t)rs_rng_below(&rng, range);
            tally[idx[i]]++;
            if (c % 5 == 4)   /* the same low bits */
                idx[i] = orig[i] = idx[i] << 12;
        }
        if (rs_text_merge(idx, n, val, &s, &m, &err) != RS_OK)
            ok = 0;
        size_t seen = 0, next = 0;   /* next: the first-occurrence walk over orig */
        for (size_t i = 0; ok && i < m; i++) {
            uint32_t b = c % 5 == 4 ? idx[i] >> 12 : idx[i];
            while (next < n && orig[next] != idx[i])
                next++;
            for (size_t k = 0; k < next; k++)   /* nothing before next was this bucket */
                ok &= orig[k] != idx[i];
            ok &= next < n && val[i] == (float)tally[b];
            seen += tally[b];
        }
        ok &= seen == n;
    }
    rs_text_scratch_free(&s);
    return ok;
}

int main(void)
{
    rs_text_spec words = {.bits = 20, .word_max = 2}, chars = {.bits = 20, .word_max = 1, .char_min = 3, .char_max = 4},
                 second = {.bits = 20, .word_max = 1, .column = 1};
    uint32_t a[64], b[64], mask = (1u << 20) - 1;
    rs_status st;

    /* the buckets of given strings, recorded once: a change is a format change */
    size_t n = buckets(&words, "Where is my card?", a, 64, &st);
    const uint32_t fixed[] = {261653, 78967, 581046, 776638, 579476, 215612, 19431};
    CHECK(st == RS_OK && n == 7 && same(a, fixed, 7), "'Where is my card?' -> its 4 words and 3 bigrams, fixed");
    /* ... and they are the documented hashes: words seed 0 (as rs-features encode), joined by one space */
    CHECK(a[0] == (rs_hash64("where", 5, 0) & mask) && a[1] == (rs_hash64("where is", 8, 0) & mask) &&
              a[6] == (rs_hash64("card", 4, 0) & mask),
          "word n-grams: rs_hash64(lower-cased tokens joined by a space, seed 0) & (2^bits - 1)");
    n = buckets(&chars, "Hi!", a, 64, &st);
    CHECK(st == RS_OK && n == 4 && a[0] == (rs_hash64("hi", 2, 0) & mask) && a[1] == (rs_hash64(" hi", 3, 1) & mask) &&
              a[2] == (rs_hash64("hi ", 3, 1) & mask) && a[3] == (rs_hash64(" hi ", 4, 1) & mask),
          "char n-grams: code points of ' token ', seed 1, lengths min..max");
    n = buckets(&second, "card", a, 64, &st);
    CHECK(n == 1 && a[0] == (rs_hash64("card", 4, 2) & mask), "the second text column's words: seed 2");
    n = buckets(&words, "where IS my CARD", b, 64, &st);
    CHECK(n == 7 && same(a, a, 1) && buckets(&words, "Where is my card?", a, 64, &st) == 7 && same(a, b, 7),
          "case and punctuation do not change the buckets");

    /* Unicode: case folding beyond ASCII, punctuation blocks split words */
    size_t n1 = buckets(&words, "\xC3\x89" "COLE \xCE\xA3\xCE\x9F\xCE\xA6\xCE\x8A\xCE\x91 \xD0\x9C\xD0\x98\xD0\xA0", a, 64, &st);
    size_t n2 = buckets(&words, "\xC3\xA9" "cole \xCF\x83\xCE\xBF\xCF\x86\xCE\xAF\xCE\xB1 \xD0\xBC\xD0\xB8\xD1\x80", b, 64, &st);
    CHECK(n1 == 5 && n2 == 5 && same(a, b, 5), "ÉCOLE ΣΟΦΊΑ МИР fold to école σοφία мир");
    n = buckets(&words, "don\xE2\x80\x99t", a, 64, &st);
    CHECK(n == 3 && a[0] == (rs_hash64("don", 3, 0) & mask) && a[2] == (rs_hash64("t", 1, 0) & mask),
          "a right single quote (U+2019, general punctuation) separates words");
    n = buckets(&words, "caf\xC3\xA9\xC2\xA0" "cr\xC3\xA8me", a, 64, &st);
    CHECK(n == 3 && a[0] == (rs_hash64("caf\xC3\xA9", 5, 0) & mask), "U+00A0 (no-break space) separates; é is a letter");

    /* empty and invalid text */
    n = buckets(&words, "  ?! ", a, 64, &st);
    CHECK(st == RS_OK && n == 0, "text without words has no features");
    n = buckets(&words, "caf\xE9 au lait", a, 64, &st);
    CHECK(st == RS_EDATA, "invalid UTF-8 (a Latin-1 byte) is an error");

    /* counts */
    float val[6];
    size_t m = 0;
    uint32_t first[] = {7, 3, 7, 1, 3, 7};
    rs_error err = {0};
    rs_text_scratch scratch = {0};
    CHECK(rs_text_merge(first, 6, val, &scratch, &m, &err) == RS_OK && m == 3 && first[0] == 7 &&
              first[1] == 3 && first[2] == 1 && val[0] == 3 && val[1] == 2 && val[2] == 1,
          "rs_text_merge keeps the first-occurrence order and counts repeats");
    rs_text_scratch_free(&scratch);
    CHECK(merge_matches_tally(), "rs_text_merge equals a tally in first-occurrence order on 300 random arrays");
    CHECK(apart_matches("Where is my CARD? it still hasn't arrived") && apart_matches("") && apart_matches("a"),
          "rs_text_hash_apart: the word and the char n-gram lists of rs_text_hash, one tokenisation");
    return tap_done();
}
