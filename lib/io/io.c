#define _GNU_SOURCE
#include "io/io.h"

#include "io/paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

enum { OUT_BUF_SIZE = 1 << 18, SPOOL_BUF_SIZE = 1 << 16 };

struct rs_in {
    int fd;
    int owns_fd;
    int rewindable;
    char *name;
    const char *mem;      /* a memory input (fd -1): (mem_len) bytes, mem_pos read */
    size_t mem_len, mem_pos;
};

static int is_stdio_name(const char *path)
{
    return path == NULL || strcmp(path, "-") == 0;
}

/* A named FIFO: opened without blocking, then waited on with a note every
 * RS_FIFO_NOTE_SECONDS while nobody writes, so a FIFO whose writer never
 * comes does not hang the tool silently.  Then reads block as usual. */
enum { RS_FIFO_NOTE_SECONDS = 5 };

static int open_fifo(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -1;
    struct pollfd p = {fd, POLLIN, 0};
    for (int waited = 0; poll(&p, 1, RS_FIFO_NOTE_SECONDS * 1000) == 0;) {
        waited += RS_FIFO_NOTE_SECONDS;
        rs_warn(path, 0, "a FIFO: waiting for a writer (%d s so far)", waited);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

rs_in *rs_in_open(const char *path, rs_error *err)
{
    rs_in *in = calloc(1, sizeof *in);
    if (!in || !(in->name = strdup(is_stdio_name(path) ? "-" : path))) {
        free(in);
        rs_error_nomem(err);
        return NULL;
    }
    if (is_stdio_name(path)) {
        in->fd = STDIN_FILENO;
    } else {
        struct stat named;
        int fifo = stat(path, &named) == 0 && S_ISFIFO(named.st_mode);
        in->fd = fifo ? open_fifo(path) : open(path, O_RDONLY | O_CLOEXEC);
        if (in->fd < 0) {
            rs_error_set(err, RS_EIO, path, 0, "cannot open: %s", strerror(errno));
            rs_in_free(in);
            return NULL;
        }
        struct stat st;
        if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            rs_error_set(err, RS_EIO, path, 0, "is a directory");
            close(in->fd);
            in->fd = -1;
            rs_in_free(in);
            return NULL;
        }
        in->owns_fd = 1;
    }
    return in;
}

void rs_in_free(rs_in *in)
{
    if (!in)
        return;
    if (in->owns_fd && in->fd >= 0)
        close(in->fd);
    free(in->name);
    free(in);
}

const char *rs_in_name(const rs_in *in)
{
    return in->name;
}

rs_in *rs_in_open_memory(const char *name, const void *data, size_t len, rs_error *err)
{
    rs_in *in = calloc(1, sizeof *in);
    if (!in || !(in->name = strdup(name))) {
        free(in);
        rs_error_nomem(err);
        return NULL;
    }
    in->fd = -1;
    in->mem = data;
    in->mem_len = len;
    in->rewindable = 1;
    return in;
}

void rs_in_memory_reset(rs_in *in, const void *data, size_t len)
{
    in->mem = data;
    in->mem_len = len;
    in->mem_pos = 0;
}

ssize_t rs_in_read(rs_in *in, void *buf, size_t len, rs_error *err)
{
    if (in->mem) {
        size_t n = in->mem_len - in->mem_pos < len ? in->mem_len - in->mem_pos : len;
        memcpy(buf, in->mem + in->mem_pos, n);
        in->mem_pos += n;
        return (ssize_t)n;
    }
    for (;;) {
        ssize_t n = read(in->fd, buf, len);
        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        rs_error_set(err, RS_EIO, in->name, 0, "read error: %s", strerror(errno));
        return -1;
    }
}

static int make_temp_file(char *tmpl_out, size_t cap)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    snprintf(tmpl_out, cap, "%s/rs-spool.XXXXXX", dir);
    return mkostemp(tmpl_out, O_CLOEXEC);
}

rs_status rs_in_make_rewindable(rs_in *in, rs_error *err)
{
    struct stat st;
    if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode) && lseek(in->fd, 0, SEEK_CUR) >= 0) {
        in->rewindable = 1;
        return RS_OK;
    }
    char path[4096];
    int fd = make_temp_file(path, sizeof path);
    if (fd < 0)
        return rs_error_set(err, RS_EIO, in->name, 0, "cannot create temp file for a second pass: %s",
                            strerror(errno));
    unlink(path);
    char *buf = malloc(SPOOL_BUF_SIZE);
    if (!buf) {
        close(fd);
        return rs_error_nomem(err);
    }
    ssize_t n;
    while ((n = rs_in_read(in, buf, SPOOL_BUF_SIZE, err)) > 0) {
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                rs_error_set(err, RS_EIO, path, 0, "cannot spool input: %s", strerror(errno));
                free(buf);
                close(fd);
                return RS_EIO;
            }
            off += w;
        }
    }
    free(buf);
    if (n < 0) {
        close(fd);
        return err->code;
    }
    if (in->owns_fd)
        close(in->fd);
    in->fd = fd;
    in->owns_fd = 1;
    in->rewindable = 1;
    return rs_in_rewind(in, err);
}

rs_status rs_in_rewind(rs_in *in, rs_error *err)
{
    if (in->mem) {
        in->mem_pos = 0;
        return RS_OK;
    }
    if (!in->rewindable || lseek(in->fd, 0, SEEK_SET) < 0)
        return rs_error_set(err, RS_EIO, in->name, 0, "cannot rewind input");
    return RS_OK;
}

/* ---- output ---- */

/* ---- atomic replacement ------------------------------------------------
 * Where the file system allows it (Linux O_TMPFILE), the new file has no
 * name until it is complete, synced and linked beside the target under a
 * temporary name renamed over it at once: no signal, not even kill -9,
 * leaves a temp file.  Elsewhere the temp file has a name from the start,
 * and SIGINT, SIGTERM and SIGHUP remove it before the process dies. */

enum { MAX_PENDING = 64 };
static char *pending[MAX_PENDING];   /* named temp files not yet renamed */

static void remove_pending_and_die(int sig)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i])
            unlink(pending[i]);   /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void remember_temp(char *temp_path)
{
    static int handlers;
    if (!handlers) {
        static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
        for (int i = 0; i < 3; i++) {
            struct sigaction sa, old;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = remove_pending_and_die;
            sigemptyset(&sa.sa_mask);
            /* keep a handler or SIG_IGN the program chose */
            if (sigaction(signals[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
                sigaction(signals[i], &sa, NULL);
        }
        handlers = 1;
    }
    for (int i = 0; i < MAX_PENDING; i++)
        if (!pending[i]) {
            pending[i] = temp_path;
            return;
        }
}

static void forget_temp(const char *temp_path)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i] == temp_path)
            pending[i] = NULL;
}

static int open_anonymous(const char *path, mode_t mode)
{
#ifdef O_TMPFILE
    /* linkat needs /proc at commit; RS_NO_TMPFILE=1 takes the other path
     * (named temp files removed on signals), for its tests */
    const char *off = getenv("RS_NO_TMPFILE");
    if (access("/proc/self/fd", X_OK) != 0 || (off && !strcmp(off, "1")))
        return -1;
    char *dir = rs_path_dir_new(path);
    int fd = dir ? open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode) : -1;
    free(dir);
    return fd;
#else
    (void)path, (void)mode;
    return -1;
#endif
}

/* Give the anonymous file a temporary name beside its target. */
static rs_status name_anonymous(rs_out *out, rs_error *err)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", out->fd);
    size_t n = strlen(out->path) + 16;
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        snprintf(out->temp_path, n, "%s.tmp.%06x", out->path,
                 (unsigned)(getpid() * 2654435761u + attempt * 40503u + (unsigned)out->fd) & 0xffffff);
        if (linkat(AT_FDCWD, proc, AT_FDCWD, out->temp_path, AT_SYMLINK_FOLLOW) == 0) {
            out->anonymous = 0;   /* named now: removed on failure like any temp file */
            return RS_OK;
        }
        if (errno != EEXIST)
            break;
    }
    return rs_error_set(err, RS_EIO, out->path, 0, "cannot link the new file into place: %s", strerror(errno));
}

/* Rename the temp file over the target, then sync the directory so the
 * rename itself survives a power loss. */
static rs_status replace(rs_out *out, rs_error *err)
{
    if (rename(out->temp_path, out->path) < 0)
        return rs_error_set(err, RS_EIO, out->path, 0, "cannot rename %s into place: %s", out->temp_path,
                            strerror(errno));
    forget_temp(out->temp_path);
    char *dir = rs_path_dir_new(out->path);
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        fsync(fd);   /* best effort: some file systems refuse directory syncs */
        close(fd);
    }
    free(dir);
    return RS_OK;
}

/* The file a dangling symlink points to (a new string), or NULL when path
 * is not a symlink. */
static char *link_target_new(const char *path)
{
    char *cur = strdup(path);
    for (int hops = 0; cur && hops < 40; hops++) {
        char target[4096];
        ssize_t len = readlink(cur, target, sizeof target - 1);
        if (len < 0) {
            if (hops == 0) {
                free(cur);
                return NULL;
            }
            return cur;
        }
        target[len] = 0;
        char *next;
        if (target[0] == '/' || !strchr(cur, '/')) {
            next = strdup(target);
        } else {
            char *dir = rs_path_dir_new(cur);
            size_t n = (dir ? strlen(dir) : 0) + strlen(target) + 2;
            next = dir ? malloc(n) : NULL;
            if (next)
                snprintf(next, n, "%s/%s", dir, target);
            free(dir);
        }
        free(cur);
        cur = next;
    }
    return cur;
}

/* An rs_out with its buffer and nothing open; NULL (err set) when memory is short. */
static rs_out *out_new(rs_error *err)
{
    rs_out *out = calloc(1, sizeof *out);
    if (!out || !(out->buf = malloc(OUT_BUF_SIZE))) {
        free(out);
        rs_error_nomem(err);
        return NULL;
    }
    out->cap = OUT_BUF_SIZE;
    return out;
}

rs_out *rs_out_open(const char *path, rs_error *err)
{
    rs_out *out = out_new(err);
    if (!out)
        return NULL;
    if (is_stdio_name(path)) {
        out->fd = STDOUT_FILENO;
        return out;
    }
    out->path = strdup(path);
    if (!out->path)
        goto nomem;
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0 ||
        (exists && !S_ISREG(st.st_mode))) {
        /* a device, FIFO, socket or /dev/stdout: write in place, appending,
         * and never rename over it (/dev/stdout may resolve to the very file
         * the shell redirected stdout to) */
        out->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
        if (out->fd < 0)
            goto cannot_open;
        return out;
    }
    /* through a symlink (even one whose target does not exist yet), write
     * the target and keep the link, as GNU tools do */
    char *real = exists ? realpath(path, NULL) : link_target_new(path);
    if (real) {
        free(out->path);
        out->path = real;
        path = real;
    }
    /* the mode of the file replaced, else what the umask allows */
    mode_t mask = umask(0);
    umask(mask);
    mode_t mode = exists ? st.st_mode & 07777 : 0666 & ~mask;
    size_t n = strlen(path) + 16;
    if (!(out->temp_path = malloc(n)))
        goto nomem;
    if ((out->fd = open_anonymous(path, mode)) >= 0) {
        out->anonymous = 1;   /* no name until commit: kill -9 leaves nothing */
    } else {
        snprintf(out->temp_path, n, "%s.tmp.XXXXXX", path);
        out->fd = mkostemp(out->temp_path, O_CLOEXEC);
        if (out->fd < 0)
            goto cannot_open;
        remember_temp(out->temp_path);
    }
    out->is_temp = 1;
    fchmod(out->fd, mode);
    return out;
cannot_open:
    rs_error_set(err, RS_EIO, path, 0, "cannot open for writing: %s", strerror(errno));
    free(out->temp_path);
    free(out->path);
    free(out->buf);
    free(out);
    return NULL;
nomem:
    rs_out_abort(out);
    rs_error_nomem(err);
    return NULL;
}

rs_out *rs_out_open_memory(rs_error *err)
{
    rs_out *out = out_new(err);
    if (!out)
        return NULL;
    out->fd = -1;
    out->memory = 1;
    return out;
}

/* A memory output's buffer holds at least need bytes; when it cannot grow,
 * what it holds is dropped and the error is kept (ENOMEM). */
static int grow_memory(rs_out *out, size_t need)
{
    size_t cap = out->cap;
    while (cap < need)
        cap *= 2;
    char *buf = cap == out->cap ? out->buf : realloc(out->buf, cap);
    if (!buf) {
        out->len = 0;
        if (!out->write_errno)
            out->write_errno = ENOMEM;
        return -1;
    }
    out->buf = buf;
    out->cap = cap;
    return 0;
}

rs_status rs_out_move(rs_out *dst, rs_out *mem, rs_error *err)
{
    if (mem->write_errno)
        return rs_error_nomem(err);
    rs_out_write(dst, mem->buf, mem->len);
    mem->len = 0;
    return RS_OK;
}

static void flush_early(rs_out *out);

rs_status rs_out_move_pieces(rs_out *dst, rs_out *mem, const rs_out_piece *pieces, size_t n, rs_error *err)
{
    enum { BATCH = 256 };
    if (mem->write_errno)
        return rs_error_nomem(err);
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += pieces[i].len;
    /* until bytes reach the file, what fits is buffered as rs_out_write
     * would (a small output shows nothing before an error) */
    if (dst->memory || (dst->written == 0 && dst->len + total <= dst->cap)) {
        for (size_t i = 0; i < n; i++)
            rs_out_write(dst, pieces[i].ptr ? pieces[i].ptr : mem->buf + pieces[i].off, pieces[i].len);
        mem->len = 0;
        return RS_OK;
    }
    rs_out_flush_buffer(dst);
    for (size_t done = 0; done < n && !dst->write_errno;) {
        struct iovec iov[BATCH];
        int k = 0;
        for (; k < BATCH && done + (size_t)k < n; k++) {
            const rs_out_piece *p = &pieces[done + (size_t)k];
            iov[k].iov_base = (void *)(p->ptr ? p->ptr : mem->buf + p->off);
            iov[k].iov_len = p->len;
        }
        done += (size_t)k;
        for (int first = 0; first < k && !dst->write_errno;) {
            ssize_t w = writev(dst->fd, iov + first, k - first);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                dst->write_errno = errno;
                break;
            }
            if (w == 0) {
                dst->write_errno = EIO;
                break;
            }
            dst->written += (size_t)w;
            size_t left = (size_t)w;
            while (first < k && left >= iov[first].iov_len)
                left -= iov[first++].iov_len;
            if (first < k) {   /* a short write: the rest of this piece, then on */
                iov[first].iov_base = (char *)iov[first].iov_base + left;
                iov[first].iov_len -= left;
            }
        }
    }
    flush_early(dst);
    mem->len = 0;
    return RS_OK;
}

void rs_out_memory_clear(rs_out *mem)
{
    mem->len = 0;
    mem->write_errno = 0;
}

static const char *out_name(const rs_out *out)
{
    return out->path ? out->path : "stdout";
}

/* A temp file is fsynced at commit: start writing it to the disk every
 * few MB, so the disk works while the tool does and the fsync finds little
 * left to wait for. */
static void flush_early(rs_out *out)
{
#ifdef SYNC_FILE_RANGE_WRITE
    enum { EARLY_BYTES = 8 << 20 };
    if (out->is_temp && out->written - out->flushed >= EARLY_BYTES) {
        sync_file_range(out->fd, (off_t)out->flushed, (off_t)(out->written - out->flushed),
                        SYNC_FILE_RANGE_WRITE);   /* a hint: an error shows at fsync */
        out->flushed = out->written;
    }
#else
    (void)out;
#endif
}

static void write_all(rs_out *out, const char *data, size_t len)
{
    while (len && !out->write_errno) {
        ssize_t n = write(out->fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            out->write_errno = errno;
            return;
        }
        data += n;
        len -= (size_t)n;
        out->written += (size_t)n;
    }
    flush_early(out);
}

void rs_out_flush_buffer(rs_out *out)
{
    if (out->memory) {
        grow_memory(out, out->cap + 1);
        return;
    }
    write_all(out, out->buf, out->len);
    out->len = 0;
}

void rs_out_write(rs_out *out, const void *data, size_t len)
{
    if (out->memory && out->len + len > out->cap && grow_memory(out, out->len + len) < 0)
        return;
    if (out->len + len > out->cap) {
        rs_out_flush_buffer(out);
        if (len > out->cap) {
            write_all(out, data, len);
            return;
        }
    }
    memcpy(out->buf + out->len, data, len);
    out->len += len;
}

/* Formats straight into out's buffer (flushing it first when the text does
 * not fit), so the bytes take the same path as rs_out_write; text longer than
 * the whole buffer is formatted into a temporary allocation. */
void rs_out_printf(rs_out *out, const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    size_t room = out->cap - out->len;
    int n = vsnprintf(out->buf + out->len, room, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < room) {
        out->len += (size_t)n;
    } else if (n > 0 && out->memory) {
        if (grow_memory(out, out->len + (size_t)n + 1) == 0)
            out->len += (size_t)vsnprintf(out->buf + out->len, out->cap - out->len, fmt, again);
    } else if (n > 0) {
        rs_out_flush_buffer(out);
        if ((size_t)n < out->cap) {
            out->len = (size_t)vsnprintf(out->buf, out->cap, fmt, again);
        } else {
            char *text = malloc((size_t)n + 1);
            if (text) {
                vsnprintf(text, (size_t)n + 1, fmt, again);
                write_all(out, text, (size_t)n);
                free(text);
            } else if (!out->write_errno) {
                out->write_errno = ENOMEM;
            }
        }
    }
    va_end(again);
}

rs_status rs_out_status(const rs_out *out, rs_error *err)
{
    if (!out->write_errno)
        return RS_OK;
    if (out->write_errno == EPIPE)
        return rs_error_set(err, RS_EPIPE, out_name(out), 0, "broken pipe");
    return rs_error_set(err, RS_EIO, out_name(out), 0, "write error: %s",
                        strerror(out->write_errno));
}

rs_status rs_out_commit(rs_out *out, rs_error *err)
{
    rs_out_flush_buffer(out);
    rs_status st = rs_out_status(out, err);
    /* on disk before it replaces the old file: a power loss leaves the old
     * file or the new one, never an empty one */
    if (st == RS_OK && out->is_temp && fsync(out->fd) < 0)
        st = rs_error_set(err, RS_EIO, out_name(out), 0, "write error: %s", strerror(errno));
    if (st == RS_OK && out->is_temp && out->anonymous && name_anonymous(out, err) != RS_OK)
        st = err->code;
    if (st == RS_OK && out->fd != STDOUT_FILENO && close(out->fd) < 0)
        st = rs_error_set(err, RS_EIO, out_name(out), 0, "write error: %s", strerror(errno));
    if (out->fd != STDOUT_FILENO)
        out->fd = -1;
    if (st == RS_OK && out->is_temp)
        st = replace(out, err);
    if (st == RS_OK)
        out->is_temp = 0;
    rs_out_abort(out);
    return st;
}

void rs_out_abort(rs_out *out)
{
    if (!out)
        return;
    if (out->fd >= 0 && out->fd != STDOUT_FILENO)
        close(out->fd);
    if (out->is_temp && !out->anonymous)
        unlink(out->temp_path);
    if (out->temp_path && !out->anonymous)
        forget_temp(out->temp_path);
    free(out->temp_path);
    free(out->path);
    free(out->buf);
    free(out);
}
