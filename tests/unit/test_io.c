/* rs_out_printf: text of any length goes out through rs_out's buffer, in
 * order with rs_out_write, and reaches the file byte for byte. */
#include "io/io.h"
#include "tap.h"

/* The file's bytes (malloc'd, NUL-terminated); *len set. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    *len = s ? fread(s, 1, (size_t)n, f) : 0;
    if (s)
        s[*len] = '\0';
    fclose(f);
    return s;
}

int main(void)
{
    char path[] = "/tmp/rs-unit-io.XXXXXX";
    int fd = mkstemp(path);
    close(fd);

    /* 1 KiB, 100 KiB and 1 MiB texts: one fits, one crosses the 256 KiB
     * buffer once filled, one is longer than the whole buffer. */
    size_t sizes[] = {1024, 100 * 1024, 1024 * 1024};
    size_t total = 0;
    rs_error err = {0};
    rs_out *out = rs_out_open(path, &err);
    CHECK(out != NULL, "rs_out_open %s", path);
    for (int round = 0; out && round < 3; round++) {
        for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
            char *text = malloc(sizes[i] + 1);
            memset(text, 'a' + (int)i, sizes[i]);
            text[sizes[i]] = '\0';
            rs_out_printf(out, "<%zu:%s>", i, text);
            rs_out_write(out, "|", 1);
            total += sizes[i] + 5;
            free(text);
        }
    }
    CHECK(out && rs_out_commit(out, &err) == RS_OK, "commit: %s", err.msg);

    size_t len = 0;
    char *got = slurp(path, &len);
    CHECK(got && len == total, "%zu bytes written, want %zu", len, total);
    int in_order = got != NULL;
    size_t pos = 0;
    for (int round = 0; in_order && round < 3; round++)
        for (size_t i = 0; in_order && i < sizeof sizes / sizeof *sizes; i++) {
            char head[8];
            int n = snprintf(head, sizeof head, "<%zu:", i);
            in_order = pos + sizes[i] + 5 <= len && !memcmp(got + pos, head, (size_t)n) &&
                       !memcmp(got + pos + 3 + sizes[i], ">|", 2);
            for (size_t k = 0; in_order && k < sizes[i]; k++)
                in_order = got[pos + 3 + k] == 'a' + (int)i;
            pos += sizes[i] + 5;
        }
    CHECK(in_order, "every text whole and in order with the rs_out_write between them");
    free(got);
    unlink(path);
    return tap_done();
}
