/* The CSV reader: fields, exact line numbers, dialects, errors. */
#include "io/csv.h"
#include "tap.h"

#include <stdint.h>

typedef struct {
    rs_in *in;
    rs_csv_reader *r;
} reader;

static reader open_text_with(const char *text, size_t len, const char *delim, size_t max_field,
                             int libcsv_only)
{
    rs_error err;
    reader rd;
    rs_csv_options opt = {.max_field = max_field, .libcsv_only = libcsv_only};
    strcpy(opt.delim, delim);
    const char *path = tap_temp_file(text, len);
    rd.in = rs_in_open(path, &err);
    unlink(path);   /* the open descriptor keeps it readable */
    rs_in_make_rewindable(rd.in, &err);
    rd.r = rs_csv_reader_new(rd.in, &opt, "", 0, &err);
    return rd;
}

static reader open_text(const char *text, size_t len, const char *delim, size_t max_field)
{
    return open_text_with(text, len, delim, max_field, 0);
}

static void close_reader(reader *rd);

/* Everything a reader yields, serialised: records with line and flags,
 * then the blank-line count or the error. */
static char *transcript(const char *text, size_t len, const char *delim, int libcsv_only, size_t *out_len)
{
    reader rd = open_text_with(text, len, delim, 0, libcsv_only);
    size_t cap = len * 4 + 4096, n = 0;
    char *t = malloc(cap);
    rs_record rec;
    rs_error err;
    int got;
    while ((got = rs_csv_reader_next(rd.r, &rec, &err)) > 0) {
        if (n + 64 + len * 2 > cap)
            t = realloc(t, cap *= 2);
        n += (size_t)snprintf(t + n, cap - n, "[%ld %u %zu]", rec.line, rec.flags, rec.n_fields);
        for (size_t i = 0; i < rec.n_fields; i++) {
            memcpy(t + n, rec.fields[i].ptr, rec.fields[i].len);
            n += rec.fields[i].len;
            t[n++] = '|';
        }
    }
    n += (size_t)snprintf(t + n, cap - n, got < 0 ? "ERR %ld %s" : "END blank=%ld", got < 0 ? err.line : rs_csv_reader_blank_lines(rd.r),
                          got < 0 ? err.msg : "");
    close_reader(&rd);
    *out_len = n;
    return t;
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static unsigned next_rand(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}


/* The memchr fast path must yield exactly what libcsv yields. */
static void differential(void)
{
    static const char alphabet[] = {'a', 'b', ',', ',', '"', '\n', '\n', '\r', ' ', '\0', (char)0xC3, ':', '\t'};
    int same = 1;
    long cases = 0;
    for (int round = 0; round < 3000 && same; round++) {
        size_t len = round < 2990 ? next_rand(200) : 150000 + next_rand(50000);   /* some span chunks */
        char *text = malloc(len + 1);
        for (size_t i = 0; i < len; i++) {
            /* mostly plain text with lines, so the fast path runs */
            unsigned r = next_rand(100);
            text[i] = r < 70 ? (char)('a' + next_rand(3)) : r < 82 ? ',' : r < 92 ? '\n'
                                                            : alphabet[next_rand(sizeof alphabet)];
        }
        const char *delims[] = {",", "\t", "::"};
        for (int d = 0; d < 3 && same; d++) {
            size_t la, lb;
            char *a = transcript(text, len, delims[d], 1, &la);
            char *b = transcript(text, len, delims[d], 0, &lb);
            cases++;
            if (la != lb || memcmp(a, b, la) != 0) {
                same = 0;
                printf("# differ on round %d delim '%s' (input %zu bytes)\n# libcsv: %.300s\n# mixed:  %.300s\n", round,
                       delims[d], len, a, b);
            }
            free(a);
            free(b);
        }
        free(text);
    }
    CHECK(same, "fast path equals libcsv on %ld random inputs (quotes, CR, LF, NUL, non-ASCII; 3 delimiters)", cases);
}

static void close_reader(reader *rd)
{
    rs_csv_reader_free(rd->r);
    rs_in_free(rd->in);
}

static int field_is(const rs_record *rec, size_t i, const char *want)
{
    return i < rec->n_fields && rec->fields[i].len == strlen(want) &&
           memcmp(rec->fields[i].ptr, want, rec->fields[i].len) == 0;
}

int main(void)
{
    rs_error err;
    rs_record rec;
    const char *text = "a,b,c\n1,\"x, y\",3\n\n2,\"two\nlines\",4\r\n5,\"say \"\"hi\"\"\",6";
    reader rd = open_text(text, strlen(text), ",", 0);
    CHECK(rs_csv_reader_next(rd.r, &rec, &err) == 1 && rec.line == 1 && rec.n_fields == 3 && field_is(&rec, 2, "c"),
          "header on line 1");
    CHECK(rs_csv_reader_next(rd.r, &rec, &err) == 1 && rec.line == 2 && field_is(&rec, 1, "x, y"),
          "quoted delimiter");
    CHECK(rs_csv_reader_next(rd.r, &rec, &err) == 1 && rec.line == 4 && field_is(&rec, 1, "two\nlines"),
          "blank line 3 skipped; quoted newline kept");
    CHECK(rs_csv_reader_next(rd.r, &rec, &err) == 1 && rec.line == 6 && field_is(&rec, 1, "say \"hi\""),
          "the record after a quoted newline and a CRLF starts on line 6; doubled quotes");
    CHECK(rs_csv_reader_next(rd.r, &rec, &err) == 0, "no final newline needed");
    CHECK(rs_csv_reader_blank_lines(rd.r) == 1, "one blank line counted");
    close_reader(&rd);

    text = "\xEF\xBB\xBFu\ti\r\n1\t  spaced  \r\n";
    rd = open_text(text, strlen(text), "\t", 0);
    CHECK(rs_csv_reader_next(rd.r, &rec, &err) == 1 && field_is(&rec, 0, "u") && field_is(&rec, 1, "i"),
          "BOM stripped, tab delimiter, CRLF");
    CHECK(rs_csv_reader_next(rd.r, &rec, &err) == 1 && rec.line == 2 && field_is(&rec, 1, "  spaced  "),
          "spaces are data (no silent trimming)");
    close_reader(&rd);

    text = "1::1193::5::978300760\n2::Star Wars: Episode IV (1977)::4::1\n";
    rd = open_text(text, strlen(text), "::", 0);
    CHECK(rs_csv_reader_next(rd.r, &rec, &err) == 1 && rec.n_fields == 4 && field_is(&rec, 3, "978300760"),
          ":: delimiter");
    CHECK(rs_csv_reader_next(rd.r, &rec, &err) == 1 && rec.n_fields == 4 &&
              field_is(&rec, 1, "Star Wars: Episode IV (1977)"),
          "single colons inside :: fields are data");
    close_reader(&rd);

    /* many records across 64 KiB chunk boundaries, "::" pairs split between
     * chunks */
    size_t cap = 4 << 20, len = 0;
    char *big = malloc(cap);
    for (int i = 0; i < 40000; i++)
        len += (size_t)snprintf(big + len, cap - len, "%d::x%d::y\n", i, i);
    rd = open_text(big, len, "::", 0);
    int ok = 1;
    long want_line = 1;
    for (int i = 0; i < 40000; i++) {
        char want[32];
        snprintf(want, sizeof want, "%d", i);
        if (rs_csv_reader_next(rd.r, &rec, &err) != 1 || rec.line != want_line || rec.n_fields != 3 ||
            !field_is(&rec, 0, want)) {
            printf("# record %d: line %ld (want %ld), %zu fields\n", i, rec.line, want_line, rec.n_fields);
            ok = 0;
            break;
        }
        want_line++;
    }
    CHECK(ok && rs_csv_reader_next(rd.r, &rec, &err) == 0, "40000 records over chunk boundaries keep exact lines");
    close_reader(&rd);

    len = 0;
    for (int i = 0; i < 30000; i++)
        len += (size_t)snprintf(big + len, cap - len, "%d,\"q\nq\",z\n", i);
    rd = open_text(big, len, ",", 0);
    ok = 1;
    for (int i = 0; i < 30000 && ok; i++)
        ok = rs_csv_reader_next(rd.r, &rec, &err) == 1 && rec.line == 1 + 2L * i && field_is(&rec, 1, "q\nq");
    CHECK(ok, "quoted newlines in every record over chunk boundaries");
    CHECK(rs_csv_reader_rewind(rd.r, &err) == RS_OK && rs_csv_reader_next(rd.r, &rec, &err) == 1 &&
              rec.line == 1 && field_is(&rec, 0, "0"),
          "rewind starts again at line 1");
    close_reader(&rd);
    free(big);

    text = "a,b\n1,2\n3,\"open\n4,5\n";
    rd = open_text(text, strlen(text), ",", 0);
    rs_csv_reader_next(rd.r, &rec, &err);
    rs_csv_reader_next(rd.r, &rec, &err);
    CHECK(rs_csv_reader_next(rd.r, &rec, &err) == -1 && err.line == 3 && strstr(err.msg, "unterminated quoted field"),
          "unterminated quote: error at the line where the record starts");
    close_reader(&rd);

    text = "a\n12345678901\n";
    rd = open_text(text, strlen(text), ",", 10);
    rs_csv_reader_next(rd.r, &rec, &err);
    CHECK(rs_csv_reader_next(rd.r, &rec, &err) == -1 && err.line == 2 && strstr(err.msg, "longer than 10 bytes"),
          "field size bound");
    close_reader(&rd);

    differential();

    char delim[3];
    CHECK(rs_csv_parse_delim("\\t", delim, &err) == RS_OK && strcmp(delim, "\t") == 0 &&
              rs_csv_parse_delim(";", delim, &err) == RS_OK && rs_csv_parse_delim("::", delim, &err) == RS_OK &&
              rs_csv_parse_delim("ab", delim, &err) == RS_EUSAGE && rs_csv_parse_delim("\"", delim, &err) == RS_EUSAGE,
          "delimiter argument parsing");
    return tap_done();
}
