/* The CSV reader: fields, exact line numbers, dialects, errors. */
#include "csv.h"
#include "tap.h"

typedef struct {
    rs_in *in;
    rs_csv_reader *r;
} reader;

static reader open_text(const char *text, size_t len, const char *delim, size_t max_field)
{
    rs_error err;
    reader rd;
    rs_csv_options opt = {.max_field = max_field};
    strcpy(opt.delim, delim);
    const char *path = tap_temp_file(text, len);
    rd.in = rs_in_open(path, &err);
    unlink(path);   /* the open descriptor keeps it readable */
    rs_in_make_rewindable(rd.in, &err);
    rd.r = rs_csv_reader_new(rd.in, &opt, "", 0, &err);
    return rd;
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

    char delim[3];
    CHECK(rs_csv_parse_delim("\\t", delim, &err) == RS_OK && strcmp(delim, "\t") == 0 &&
              rs_csv_parse_delim(";", delim, &err) == RS_OK && rs_csv_parse_delim("::", delim, &err) == RS_OK &&
              rs_csv_parse_delim("ab", delim, &err) == RS_EUSAGE && rs_csv_parse_delim("\"", delim, &err) == RS_EUSAGE,
          "delimiter argument parsing");
    return tap_done();
}
