#include "io/svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void put_text(rs_out *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': rs_out_write(out, "&amp;", 5); break;
        case '<': rs_out_write(out, "&lt;", 4); break;
        case '>': rs_out_write(out, "&gt;", 4); break;
        case '"': rs_out_write(out, "&quot;", 6); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\t')
                rs_out_putc(out, *s);
        }
    }
}

const char *rs_svg_color(size_t i)
{
    static const char *const palette[] = {"#222222", "#0072b2", "#e69f00", "#009e73",
                                          "#cc79a7", "#d55e00", "#56b4e9", "#f0e442"};
    return palette[i % 8];
}

void rs_svg_begin(rs_out *out, int width, int height, const char *title)
{
    rs_out_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
             "font-family=\"sans-serif\" font-size=\"12\">\n<title>",
        width, height, width, height);
    put_text(out, title);
    rs_out_printf(out, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height);
}

void rs_svg_end(rs_out *out)
{
    rs_out_write(out, "</svg>\n", 7);
}

static double px(const rs_svg_panel *p, double x)
{
    return p->x + (x - p->xmin) / (p->xmax - p->xmin) * p->w;
}

static double py(const rs_svg_panel *p, double y)
{
    return p->y + p->h - (y - p->ymin) / (p->ymax - p->ymin) * p->h;
}

void rs_svg_axes(rs_out *out, const rs_svg_panel *p, const char *title, const char *xlabel, const char *ylabel)
{
    rs_out_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#888\"/>\n", p->x,
        p->y, p->w, p->h);
    for (int i = 0; i <= 4; i++) {
        double fx = p->xmin + (p->xmax - p->xmin) * i / 4, fy = p->ymin + (p->ymax - p->ymin) * i / 4;
        double x = px(p, fx), y = py(p, fy);
        rs_out_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n", x, p->y, x, p->y + p->h);
        rs_out_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n", p->x, y, p->x + p->w, y);
        rs_out_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#444\">%.3g</text>\n", x,
            p->y + p->h + 15, fx);
        rs_out_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#444\">%.3g</text>\n", p->x - 5, y + 4, fy);
    }
    rs_out_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-weight=\"bold\">", p->x + p->w / 2, p->y - 10);
    put_text(out, title);
    rs_out_printf(out, "</text>\n<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", p->x + p->w / 2, p->y + p->h + 32);
    put_text(out, xlabel);
    rs_out_printf(out, "</text>\n<text transform=\"translate(%.1f,%.1f) rotate(-90)\" text-anchor=\"middle\">",
        p->x - 38, p->y + p->h / 2);
    put_text(out, ylabel);
    rs_out_write(out, "</text>\n", 8);
}

void rs_svg_line(rs_out *out, const rs_svg_panel *p, const double *x, const double *y, size_t n,
                 const char *color, int dashed)
{
    rs_out_printf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s points=\"", color, dashed ? "1" : "2",
        dashed ? " stroke-dasharray=\"4 4\"" : "");
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]) && isfinite(y[i]))
            rs_out_printf(out, "%s%.1f,%.1f", i ? " " : "", px(p, x[i]), py(p, y[i]));
    rs_out_write(out, "\"/>\n", 4);
}

void rs_svg_dots(rs_out *out, const rs_svg_panel *p, const double *x, const double *y, size_t n, const char *color)
{
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]) && isfinite(y[i]))
            rs_out_printf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", px(p, x[i]), py(p, y[i]), color);
}

void rs_svg_legend(rs_out *out, double x, double y, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rs_out_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"4\" fill=\"%s\"/>\n", x, y + 16.0 * i - 4,
            rs_svg_color(i));
        rs_out_printf(out, "<text x=\"%.1f\" y=\"%.1f\">", x + 20, y + 16.0 * i + 2);
        put_text(out, names[i]);
        rs_out_write(out, "</text>\n", 8);
    }
}

void rs_svg_note(rs_out *out, const rs_svg_panel *p, const char *text)
{
    rs_out_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#888\">", p->x + p->w / 2, p->y + p->h / 2);
    put_text(out, text);
    rs_out_write(out, "</text>\n", 8);
}

void rs_svg_rect(rs_out *out, double x, double y, double w, double h, const char *fill, const char *stroke)
{
    rs_out_printf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"", x, y, w, h, fill);
    if (stroke)
        rs_out_printf(out, " stroke=\"%s\"", stroke);
    rs_out_write(out, "/>\n", 3);
}

void rs_svg_text(rs_out *out, double x, double y, const char *anchor, int bold, const char *text)
{
    rs_out_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>", x, y, anchor,
                  bold ? " font-weight=\"bold\"" : "");
    put_text(out, text);
    rs_out_write(out, "</text>\n", 8);
}

void rs_svg_vtext(rs_out *out, double x, double y, const char *text)
{
    rs_out_printf(out, "<text transform=\"translate(%.1f,%.1f) rotate(-90)\" text-anchor=\"end\">", x, y);
    put_text(out, text);
    rs_out_write(out, "</text>\n", 8);
}
