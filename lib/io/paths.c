/* paths.c — see paths.h. */
#define _XOPEN_SOURCE 700   /* realpath */

#include "io/paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    int exists;          /* a regular file now */
    dev_t dev;
    ino_t ino;
    char canonical[PATH_MAX];
    int comparable;      /* not stdin/stdout, a pipe, a terminal, a socket */
} file_id;

char *rs_path_dir_new(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    return slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
}

/* The path with its directory's links resolved: realpath of the whole path
 * when it exists, else of its directory plus the last component. */
static void canonical_path(const char *path, char *out)
{
    if (realpath(path, out))
        return;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char *dir = rs_path_dir_new(path);
    char resolved[PATH_MAX];
    size_t len;
    int ok = dir && realpath(dir, resolved) && (len = strlen(resolved)) + strlen(base) + 2 <= PATH_MAX;
    free(dir);
    if (ok) {
        len = strcmp(resolved, "/") ? len : 0;
        memcpy(out, resolved, len);
        out[len] = '/';
        strcpy(out + len + 1, base);
    } else {
        snprintf(out, PATH_MAX, "%s", path);
    }
}

static void identify(const char *path, file_id *id)
{
    struct stat st;
    memset(id, 0, sizeof *id);
    if (!path || !strcmp(path, "-"))
        return;
    if (stat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return;
        id->exists = 1, id->dev = st.st_dev, id->ino = st.st_ino;
    }
    id->comparable = 1;
    canonical_path(path, id->canonical);
}

static int same_file(const file_id *a, const file_id *b)
{
    if (!a->comparable || !b->comparable)
        return 0;
    if (a->exists && b->exists)
        return a->dev == b->dev && a->ino == b->ino;
    return !strcmp(a->canonical, b->canonical);
}

rs_status rs_paths_distinct(const rs_path_use *uses, size_t n, rs_error *err)
{
    file_id *ids = calloc(n + 1, sizeof *ids);
    if (!ids)
        return rs_error_nomem(err);
    for (size_t i = 0; i < n; i++)
        identify(uses[i].path, &ids[i]);
    rs_status st = RS_OK;
    for (size_t i = 0; i < n && st == RS_OK; i++)
        for (size_t j = i + 1; j < n && st == RS_OK; j++)
            if ((uses[i].is_output || uses[j].is_output) && same_file(&ids[i], &ids[j]))
                st = rs_error_set(err, RS_EUSAGE, NULL, 0, "%s and %s name the same file '%s'%s", uses[i].option,
                                  uses[j].option, uses[j].path,
                                  uses[i].is_output && uses[j].is_output ? "" : " (the input would be overwritten)");
    free(ids);
    return st;
}
