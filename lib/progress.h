/* progress.h — progress lines from training (loss per epoch); cmd/ decides
 * whether and where they are printed. */
#ifndef RS_PROGRESS_H
#define RS_PROGRESS_H

typedef void (*rs_progress_fn)(void *ctx, const char *line);

/* Format a line and hand it to fn (nothing when fn is NULL). */
void rs_progress_emit(rs_progress_fn fn, void *ctx, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* p->progress, p->progress_ctx of any parameter struct that has them. */
#define rs_progress(p, ...) rs_progress_emit((p)->progress, (p)->progress_ctx, __VA_ARGS__)

#endif
