#define _GNU_SOURCE
#include "clean/expr.h"

#include "num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *text;
    rs_op op;
} ops[] = {{"!~", RS_OP_NOMATCH}, {"!=", RS_OP_NE}, {"<=", RS_OP_LE}, {">=", RS_OP_GE},
           {"=", RS_OP_EQ},       {"<", RS_OP_LT},  {">", RS_OP_GT},  {"~", RS_OP_MATCH}};

static char *dup_trimmed(const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    char *d = malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

static int is_regex_meta(char c)
{
    return strchr(".[]()*+?{}|\\^$", c) != NULL;
}

/* Most filters people write are anchored literals ("^C"); matching those
 * with memcmp keeps the hot loop out of regexec. */
static void classify_pattern(rs_expr *e)
{
    const char *p = e->value;
    size_t len = e->value_len;
    int anchored_start = len && p[0] == '^';
    int anchored_end = len > (size_t)anchored_start && p[len - 1] == '$';
    size_t start = (size_t)anchored_start, end = len - (size_t)anchored_end;
    for (size_t i = start; i < end; i++)
        if (is_regex_meta(p[i]))
            return;   /* a real regex */
    e->literal = e->value + start;
    e->literal_len = end - start;
    if (anchored_start && anchored_end)
        e->match = RS_MATCH_EXACT;
    else if (anchored_start)
        e->match = RS_MATCH_PREFIX;
    else if (anchored_end)
        e->match = RS_MATCH_SUFFIX;
    else
        e->match = RS_MATCH_SUBSTRING;
}

rs_status rs_expr_parse(const char *text, rs_expr *e, rs_error *err)
{
    memset(e, 0, sizeof *e);
    size_t pos = strcspn(text, "=!<>~");
    if (text[pos] == '\0')
        return rs_error_set(err, RS_EUSAGE, NULL, 0,
                            "invalid expression '%s' (expected COL OP VALUE with OP one of "
                            "= != < <= > >= ~ !~)", text);
    size_t op_len = 0;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t n = strlen(ops[i].text);
        if (strncmp(text + pos, ops[i].text, n) == 0) {
            e->op = ops[i].op;
            op_len = n;
            break;
        }
    }
    e->column = dup_trimmed(text, pos);
    e->value = dup_trimmed(text + pos + op_len, strlen(text + pos + op_len));
    if (!e->column || !e->value) {
        rs_expr_free(e);
        return rs_error_nomem(err);
    }
    if (op_len == 0 || e->column[0] == '\0') {
        rs_status st = rs_error_set(err, RS_EUSAGE, NULL, 0,
                                    "invalid expression '%s' (expected COL OP VALUE)", text);
        rs_expr_free(e);
        return st;
    }
    e->value_len = strlen(e->value);
    if (e->value_len >= 2 && e->value[0] == '"' && e->value[e->value_len - 1] == '"') {
        memmove(e->value, e->value + 1, e->value_len - 2);
        e->value_len -= 2;
        e->value[e->value_len] = '\0';
    }
    size_t text_len = strlen(e->column) + op_len + e->value_len + 1;
    if (!(e->text = malloc(text_len))) {
        rs_expr_free(e);
        return rs_error_nomem(err);
    }
    snprintf(e->text, text_len, "%s%.*s%s", e->column, (int)op_len, text + pos, e->value);
    if (e->op == RS_OP_MATCH || e->op == RS_OP_NOMATCH) {
        classify_pattern(e);
        if (!e->literal) {
            int rc = regcomp(&e->regex, e->value, REG_EXTENDED | REG_NOSUB);
            if (rc != 0) {
                char msg[256];
                regerror(rc, &e->regex, msg, sizeof msg);
                rs_status st = rs_error_set(err, RS_EUSAGE, NULL, 0, "invalid regex in '%s': %s",
                                            text, msg);
                rs_expr_free(e);
                return st;
            }
            e->has_regex = 1;
            e->match = RS_MATCH_REGEX;
        }
    } else {
        e->value_is_number = rs_parse_f64(e->value, e->value_len, &e->value_number) == 0;
    }
    return RS_OK;
}

void rs_expr_free(rs_expr *e)
{
    if (e->has_regex)
        regfree(&e->regex);
    free(e->text);
    free(e->column);
    free(e->value);
    memset(e, 0, sizeof *e);
}

static int matches(const rs_expr *e, const rs_field *f, char *scratch)
{
    switch (e->match) {
    case RS_MATCH_PREFIX:
        return f->len >= e->literal_len && memcmp(f->ptr, e->literal, e->literal_len) == 0;
    case RS_MATCH_SUFFIX:
        return f->len >= e->literal_len &&
               memcmp(f->ptr + f->len - e->literal_len, e->literal, e->literal_len) == 0;
    case RS_MATCH_EXACT:
        return f->len == e->literal_len && memcmp(f->ptr, e->literal, e->literal_len) == 0;
    case RS_MATCH_SUBSTRING:
        return e->literal_len == 0 || memmem(f->ptr, f->len, e->literal, e->literal_len) != NULL;
    case RS_MATCH_REGEX:
        memcpy(scratch, f->ptr, f->len);
        scratch[f->len] = '\0';
        return regexec(&e->regex, scratch, 0, NULL, 0) == 0;
    }
    return 0;
}

static int compare_result(rs_op op, int cmp)
{
    switch (op) {
    case RS_OP_EQ: return cmp == 0;
    case RS_OP_NE: return cmp != 0;
    case RS_OP_LT: return cmp < 0;
    case RS_OP_LE: return cmp <= 0;
    case RS_OP_GT: return cmp > 0;
    case RS_OP_GE: return cmp >= 0;
    default: return 0;
    }
}

int rs_expr_test(const rs_expr *e, const rs_field *f, int numeric_column, double number,
                 char *scratch)
{
    if (e->op == RS_OP_MATCH)
        return matches(e, f, scratch);
    if (e->op == RS_OP_NOMATCH)
        return !matches(e, f, scratch);
    if (numeric_column || e->value_is_number) {
        if (!numeric_column && rs_parse_f64(f->ptr, f->len, &number) < 0)
            number = NAN;
        if (isnan(number))
            return e->op == RS_OP_NE;
        return compare_result(e->op, (number > e->value_number) - (number < e->value_number));
    }
    size_t n = f->len < e->value_len ? f->len : e->value_len;
    int cmp = n ? memcmp(f->ptr, e->value, n) : 0;
    if (cmp == 0)
        cmp = (f->len > e->value_len) - (f->len < e->value_len);
    return compare_result(e->op, cmp);
}
