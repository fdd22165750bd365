/* Filter expressions: parsing, numeric and byte comparisons, and the literal
 * fast paths held equal to regexec. */
#include "clean/expr.h"
#include "tap.h"

#include <math.h>

static int test(const char *expr, const char *field)
{
    rs_expr e;
    rs_error err;
    if (rs_expr_parse(expr, &e, &err) != RS_OK) {
        printf("# parse failed: %s\n", err.msg);
        return -1;
    }
    char scratch[256];
    rs_field f = {field, strlen(field)};
    int r = rs_expr_test(&e, &f, 0, NAN, scratch);
    rs_expr_free(&e);
    return r;
}

int main(void)
{
    rs_expr e;
    rs_error err;
    CHECK(rs_expr_parse("Quantity > 0", &e, &err) == RS_OK && strcmp(e.column, "Quantity") == 0 &&
              e.op == RS_OP_GT && e.value_is_number && e.value_number == 0 && strcmp(e.text, "Quantity>0") == 0,
          "parse COL OP VALUE with spaces");
    rs_expr_free(&e);
    CHECK(rs_expr_parse("a<=b", &e, &err) == RS_OK && e.op == RS_OP_LE && !e.value_is_number, "two-char operator");
    rs_expr_free(&e);
    CHECK(rs_expr_parse("novalue", &e, &err) == RS_EUSAGE && strstr(err.msg, "COL OP VALUE"), "no operator");
    CHECK(rs_expr_parse("=5", &e, &err) == RS_EUSAGE, "no column");
    CHECK(rs_expr_parse("a~(", &e, &err) == RS_EUSAGE && strstr(err.msg, "invalid regex"), "bad regex");

    CHECK(test("q>0", "5") == 1 && test("q>0", "-5") == 0 && test("q>0", "0") == 0, "numeric >");
    CHECK(test("q>=0", "0") == 1 && test("q<0", "-0.5") == 1 && test("q<=1", "1.0") == 1, "numeric >= < <=");
    CHECK(test("q=6", "6.0") == 1 && test("q!=6", "6") == 0, "numeric = compares values, not text");
    CHECK(test("q>0", "abc") == 0 && test("q>0", "") == 0 && test("q!=0", "") == 1,
          "non-numbers fail numeric tests except !=");
    CHECK(test("c=United Kingdom", "United Kingdom") == 1 && test("c<b", "a") == 1 && test("c<b", "ba") == 0 &&
              test("c>ab", "abc") == 1,
          "byte comparisons");
    CHECK(test("c=\" x\"", " x") == 1, "quoted values keep spaces");

    /* literal fast paths must agree with regexec on the same patterns */
    const char *patterns[] = {"^C", "^C$", "C$", "C", "^", "^5363", "DUCK", "ll$"};
    const char *fields[] = {"C536379", "536379", "C", "", "SET OF 3 COLOURED FLYING DUCKS", "ball", "xC", "CC"};
    int agree = 1;
    for (size_t p = 0; p < sizeof patterns / sizeof *patterns; p++) {
        regex_t re;
        regcomp(&re, patterns[p], REG_EXTENDED | REG_NOSUB);
        char expr[64];
        snprintf(expr, sizeof expr, "c~%s", patterns[p]);
        for (size_t f = 0; f < sizeof fields / sizeof *fields; f++)
            if (test(expr, fields[f]) != (regexec(&re, fields[f], 0, NULL, 0) == 0)) {
                printf("# '%s' on '%s' disagrees with regexec\n", patterns[p], fields[f]);
                agree = 0;
            }
        regfree(&re);
    }
    CHECK(agree, "prefix/suffix/exact/substring fast paths agree with regexec");
    CHECK(test("c~^C[0-9]+$", "C536379") == 1 && test("c~^C[0-9]+$", "C53x") == 0, "a real regex");
    CHECK(test("c!~^C", "C1") == 0 && test("c!~^C", "1") == 1, "!~");
    return tap_done();
}
