/* text.c — see text.h. */
#include "features/text.h"

#include "hash.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

void rs_text_scratch_free(rs_text_scratch *s)
{
    free(s->lower), free(s->tok_start), free(s->tok_len), free(s->cp_start), free(s->pad), free(s->seen);
    free(s->chars);
    memset(s, 0, sizeof *s);
}

/* One code point at s[0..len): its value and byte length, or 0 when the
 * bytes are not valid UTF-8 (RFC 3629). */
static size_t decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n == 0 || n > len)
        return 0;
    uint32_t v = c & (0xFF >> (n + 1));
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if ((n == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)))
        return 0;
    *cp = v;
    return n;
}

static size_t encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6), out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12), out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18), out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F)), out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int is_word(uint32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (c <= 0xBF)
        return c == 0xAA || c == 0xB5 || c == 0xBA;
    if (c == 0xD7 || c == 0xF7)
        return 0;
    return !((c >= 0x2000 && c <= 0x206F) || (c >= 0x2E00 && c <= 0x2E7F) || (c >= 0x3000 && c <= 0x303F) ||
             (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
             (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65));
}

static uint32_t lower(uint32_t c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) ||
        (c >= 0x410 && c <= 0x42F))
        return c + 0x20;
    if (c >= 0x400 && c <= 0x40F)
        return c + 0x50;
    if (c == 0x386)   /* Greek capitals with tonos */
        return 0x3AC;
    if (c >= 0x388 && c <= 0x38A)
        return c + 0x25;
    if (c == 0x38C)
        return 0x3CC;
    if (c == 0x38E || c == 0x38F)
        return c + 0x3F;
    if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17F)
        return (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E) ? c + (c & 1) : c | 1;
    return c;
}

/* The lower-cased tokens of text into s (tok_start/tok_len index s->lower). */
static rs_status tokenize(const char *text, size_t len, rs_text_scratch *s, size_t *n_tok, rs_error *err)
{
    const unsigned char *u = (const unsigned char *)text;
    *n_tok = 0;
    if (rs_grow((void **)&s->lower, &s->cap_lower, len + 4, 1) < 0)
        return rs_error_nomem(err);
    size_t out = 0;
    int in_word = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = decode(u + i, len - i, &cp);
        if (k == 0)
            return rs_error_set(err, RS_EDATA, NULL, 0, "invalid UTF-8 at byte %zu", i + 1);
        i += k;
        if (!is_word(cp)) {
            in_word = 0;
            continue;
        }
        if (!in_word) {
            if (rs_grow((void **)&s->tok_start, &s->cap_tok, *n_tok + 1, sizeof *s->tok_start) < 0 ||
                rs_grow((void **)&s->tok_len, &s->cap_tok_len, *n_tok + 1, sizeof *s->tok_len) < 0)
                return rs_error_nomem(err);
            s->tok_start[*n_tok] = out;
            s->tok_len[(*n_tok)++] = 0;
            in_word = 1;
        }
        /* a lower-cased code point is never longer than the original here */
        size_t w = encode(lower(cp), s->lower + out);
        out += w;
        s->tok_len[*n_tok - 1] += w;
    }
    return RS_OK;
}

static rs_status push(uint32_t bucket, uint32_t **idx, size_t *n, size_t *cap, rs_error *err)
{
    if (rs_grow((void **)idx, cap, *n + 1, sizeof **idx) < 0)
        return rs_error_nomem(err);
    (*idx)[(*n)++] = bucket;
    return RS_OK;
}

/* Character n-grams of one token, padded " token ". */
static rs_status char_grams(const rs_text_spec *spec, const char *tok, size_t len, rs_text_scratch *s, uint32_t mask,
                            uint32_t **idx, size_t *n, size_t *cap, rs_error *err)
{
    if (rs_grow((void **)&s->pad, &s->cap_pad, len + 2, 1) < 0 ||
        rs_grow((void **)&s->cp_start, &s->cap_cp, len + 3, sizeof *s->cp_start) < 0)
        return rs_error_nomem(err);
    s->pad[0] = ' ';
    memcpy(s->pad + 1, tok, len);
    s->pad[len + 1] = ' ';
    size_t n_cp = 0, plen = len + 2;
    for (size_t i = 0; i < plen;) {   /* valid: it came out of encode() */
        uint32_t cp;
        s->cp_start[n_cp++] = (uint32_t)i;
        i += decode((const unsigned char *)s->pad + i, plen - i, &cp);
    }
    s->cp_start[n_cp] = (uint32_t)plen;
    for (int g = spec->char_min; g <= spec->char_max; g++)
        for (size_t a = 0; a + (size_t)g <= n_cp; a++) {
            size_t from = s->cp_start[a], to = s->cp_start[a + (size_t)g];
            uint64_t h = rs_hash64(s->pad + from, to - from, 2 * (uint64_t)spec->column + 1);
            if (push((uint32_t)(h & mask), idx, n, cap, err) != RS_OK)
                return err->code;
        }
    return RS_OK;
}

/* The word n-grams of tokens into *idx and the char n-grams into *chars
 * (chars == idx: both into idx, each token's words then its chars). */
static rs_status hash_tokens(const rs_text_spec *spec, size_t n_tok, rs_text_scratch *s, uint32_t **idx, size_t *n,
                             size_t *cap, uint32_t **chars, size_t *n_chars, size_t *cap_chars, rs_error *err)
{
    uint32_t mask = (uint32_t)(((uint64_t)1 << spec->bits) - 1);
    for (size_t t = 0; t < n_tok; t++) {
        /* word n-grams starting at token t: the tokens are adjacent in
         * s->lower only by position, so join them with one space */
        for (int g = 1; g <= spec->word_max && t + (size_t)g <= n_tok; g++) {
            uint64_t h;
            if (g == 1) {
                h = rs_hash64(s->lower + s->tok_start[t], s->tok_len[t], 2 * (uint64_t)spec->column);
            } else {
                char buf[512];
                size_t used = 0;
                for (int k = 0; k < g; k++) {
                    size_t l = s->tok_len[t + (size_t)k];
                    if (used + l + 1 > sizeof buf)
                        break;   /* a gram over 512 bytes is hashed by its first tokens */
                    if (k)
                        buf[used++] = ' ';
                    memcpy(buf + used, s->lower + s->tok_start[t + (size_t)k], l);
                    used += l;
                }
                h = rs_hash64(buf, used, 2 * (uint64_t)spec->column);
            }
            if (push((uint32_t)(h & mask), idx, n, cap, err) != RS_OK)
                return err->code;
        }
        if (spec->char_min > 0 &&
            char_grams(spec, s->lower + s->tok_start[t], s->tok_len[t], s, mask, chars, n_chars, cap_chars, err) !=
                RS_OK)
            return err->code;
    }
    return RS_OK;
}

rs_status rs_text_hash_apart(const rs_text_spec *spec, const char *text, size_t len, rs_text_scratch *s,
                             uint32_t **idx, size_t *n, size_t *cap, uint32_t **chars, size_t *n_chars,
                             size_t *cap_chars, rs_error *err)
{
    size_t n_tok;
    if (tokenize(text, len, s, &n_tok, err) != RS_OK)
        return err->code;
    return hash_tokens(spec, n_tok, s, idx, n, cap, chars, n_chars, cap_chars, err);
}

rs_status rs_text_merge(uint32_t *idx, size_t n, float *val, rs_text_scratch *s, size_t *m, rs_error *err)
{
    size_t size = 64;   /* a power of two at least twice n: probes stay short */
    while (size < 2 * n)
        size *= 2;
    if (rs_grow((void **)&s->seen, &s->cap_seen, size, sizeof *s->seen) < 0)
        return rs_error_nomem(err);
    memset(s->seen, 0, size * sizeof *s->seen);
    size_t out = 0, mask = size - 1;
    for (size_t i = 0; i < n; i++) {
        uint32_t b = idx[i];
        size_t h = (size_t)(((uint64_t)b * 0x9E3779B97F4A7C15u) >> 32) & mask;   /* mixed: buckets may share low bits */
        while (s->seen[h] && idx[s->seen[h] - 1] != b)
            h = (h + 1) & mask;
        if (s->seen[h]) {
            val[s->seen[h] - 1] += 1;
        } else {   /* out <= i: idx[i] is read before idx[out] is written */
            idx[out] = b, val[out] = 1;
            s->seen[h] = (uint32_t)++out;
        }
    }
    *m = out;
    return RS_OK;
}

rs_status rs_text_hash(const rs_text_spec *spec, const char *text, size_t len, rs_text_scratch *s, uint32_t **idx,
                       size_t *n, size_t *cap, rs_error *err)
{
    return rs_text_hash_apart(spec, text, len, s, idx, n, cap, idx, n, cap, err);
}
