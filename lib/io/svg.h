/* svg.h — self-contained SVG charts: panels with axes, lines, dots and a
 * legend.  No fonts, scripts or external references, so any viewer (and
 * rsvg-convert) renders it. */
#ifndef RS_SVG_H
#define RS_SVG_H

#include "io/io.h"

typedef struct {
    double x, y, w, h;                /* plot area in pixels */
    double xmin, xmax, ymin, ymax;    /* data range */
} rs_svg_panel;

void rs_svg_begin(rs_out *out, int width, int height, const char *title);
void rs_svg_end(rs_out *out);
/* Frame, 5 ticks per axis with labels, axis titles, panel title. */
void rs_svg_axes(rs_out *out, const rs_svg_panel *p, const char *title, const char *xlabel, const char *ylabel);
void rs_svg_line(rs_out *out, const rs_svg_panel *p, const double *x, const double *y, size_t n,
                 const char *color, int dashed);
void rs_svg_dots(rs_out *out, const rs_svg_panel *p, const double *x, const double *y, size_t n, const char *color);
/* A line of grey text centred in a panel. */
void rs_svg_note(rs_out *out, const rs_svg_panel *p, const char *text);
void rs_svg_legend(rs_out *out, double x, double y, const char *const *names, size_t n);
/* A rectangle in pixels; stroke NULL for none. */
void rs_svg_rect(rs_out *out, double x, double y, double w, double h, const char *fill, const char *stroke);
/* Text at a pixel position; anchor "start", "middle" or "end". */
void rs_svg_text(rs_out *out, double x, double y, const char *anchor, int bold, const char *text);
/* Text turned upwards, ending at (x, y). */
void rs_svg_vtext(rs_out *out, double x, double y, const char *text);
/* The i-th series colour (a palette that stays apart for the colour-blind). */
const char *rs_svg_color(size_t i);

#endif
