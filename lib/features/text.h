/* text.h — the text featurisation shared by rs-train --text, rs-predict
 * and rs-features encode --text: a tokeniser and the hashing of word and
 * character n-grams into 2^bits buckets.
 *
 * Tokens are maximal runs of word characters, lower-cased: ASCII letters
 * and digits, and every non-ASCII code point but the punctuation and space
 * blocks (U+0080-U+00BF but ª µ º, × ÷, U+2000-U+206F, U+2E00-U+2E7F,
 * U+3000-U+303F, U+FE30-U+FE4F, U+FF00-U+FF0F, U+FF1A-U+FF20,
 * U+FF3B-U+FF40, U+FF5B-U+FF65).  Lower-casing maps ASCII, Latin-1
 * (U+00C0-U+00DE), Latin Extended-A pairs, Greek (with tonos) and Cyrillic
 * capitals; other scripts are kept as they are.
 *
 * The buckets (fixed across releases: tests/unit/test_text.c holds them):
 *   word n-gram  rs_hash64(the n lower-cased tokens joined by one space, seed 2c)
 *   char n-gram  rs_hash64(n code points of " token ", seed 2c + 1)   (as char_wb)
 * each masked to the low bits; c is the text column's position (0 for the
 * first, so rs-features encode's words are rs_hash64(word, 0)). */
#ifndef RS_TEXT_H
#define RS_TEXT_H

#include "error.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int bits;                 /* 2^bits buckets, 1..28 */
    int word_max;             /* word n-grams 1..word_max (1..3) */
    int char_min, char_max;   /* char n-grams, 0 0: none; else 1 <= min <= max <= 8 */
    int column;               /* the column's position: its hash seeds (above) */
} rs_text_spec;

/* Scratch that grows with the longest text (no malloc per row after). */
typedef struct {
    char *lower;              /* the lower-cased text */
    size_t *tok_start, *tok_len;
    uint32_t *cp_start;       /* byte offset of each code point in a padded token */
    size_t cap_lower, cap_tok, cap_tok_len, cap_cp;
    char *pad;                /* " token " */
    size_t cap_pad;
    uint32_t *seen;           /* rs_text_merge's open-addressed table: output position + 1, 0 empty */
    size_t cap_seen;
    uint32_t *chars;          /* a caller's char n-gram buckets (rs_text_hash_apart) */
    size_t cap_chars;
} rs_text_scratch;

void rs_text_scratch_free(rs_text_scratch *s);

/* The bucket of each n-gram of text[0..len) appended to *idx (n, cap grown
 * with rs_grow); duplicates are kept (counts).  Invalid UTF-8 is RS_EDATA
 * with the message "invalid UTF-8" (the caller adds file and line). */
rs_status rs_text_hash(const rs_text_spec *spec, const char *text, size_t len, rs_text_scratch *s, uint32_t **idx,
                       size_t *n, size_t *cap, rs_error *err);

/* As rs_text_hash, but the word n-grams' buckets appended to *idx and the
 * char n-grams' to *chars, each in rs_text_hash's order: one tokenisation
 * for both. */
rs_status rs_text_hash_apart(const rs_text_spec *spec, const char *text, size_t len, rs_text_scratch *s,
                             uint32_t **idx, size_t *n, size_t *cap, uint32_t **chars, size_t *n_chars,
                             size_t *cap_chars, rs_error *err);

/* Merge repeats in O(n), without sorting: idx keeps the distinct
 * buckets in the order of their first occurrence, val their counts; *m the
 * number of distinct buckets.  RS_ENOMEM when the table cannot grow. */
rs_status rs_text_merge(uint32_t *idx, size_t n, float *val, rs_text_scratch *s, size_t *m, rs_error *err);

#endif
