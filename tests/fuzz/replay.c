/* replay.c — main() for a fuzz harness outside libFuzzer: each FILE, or
 * every file in each DIRECTORY, is passed once to LLVMFuzzerTestOneInput.
 * make unit links one replay binary per harness against librs.a with the
 * normal compiler (build/tests/fuzz/NAME); tests/96-fuzz-corpus.bats runs
 * them on the saved corpus in tests/fuzz/corpus/NAME, so make test and
 * make sanitize check every saved input.  Prints "replayed N inputs";
 * exit 1 when a file cannot be read (a crash is a crash). */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    uint8_t *data = NULL;
    size_t size = 0, cap = 0, got;
    do {
        if (size == cap) {
            uint8_t *bigger = realloc(data, cap = cap ? 2 * cap : 65536);
            if (!bigger) {
                free(data);
                fclose(f);
                fprintf(stderr, "replay: %s: out of memory\n", path);
                return -1;
            }
            data = bigger;
        }
        got = fread(data + size, 1, cap - size, f);
        size += got;
    } while (got > 0);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(data);
        fprintf(stderr, "replay: %s: read error\n", path);
        return -1;
    }
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    long n = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            while (d && (e = readdir(d))) {
                if (e->d_name[0] == '.')
                    continue;
                size_t len = strlen(argv[i]) + strlen(e->d_name) + 2;
                char *path = malloc(len);
                if (!path || (snprintf(path, len, "%s/%s", argv[i], e->d_name), replay_file(path) < 0)) {
                    free(path);
                    closedir(d);
                    return 1;
                }
                free(path);
                n++;
            }
            if (!d) {
                fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
                return 1;
            }
            closedir(d);
        } else {
            if (replay_file(argv[i]) < 0)
                return 1;
            n++;
        }
    }
    printf("replayed %ld inputs\n", n);
    return 0;
}
