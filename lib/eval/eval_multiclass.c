/* eval_multiclass.c — rs-eval class for many classes: read the true and
 * predicted classes (and per-class probabilities), group rows by --by,
 * compute per group (multiclass.c), write the report, the per-class table,
 * the confusion matrix (dense or as non-zero cells) and its heat map. */
#include "eval/eval.h"

#include "eval/multiclass.h"
#include "mem.h"
#include "idmap.h"
#include "io/csv.h"
#include "io/svg.h"
#include "num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How far a row's probabilities may be from summing to 1 before a warning. */
#define SUM_TOLERANCE 1e-6

typedef struct {
    rs_idmap *classes, *groups;
    int32_t *truth, *pred, *group;  /* (n) */
    double *proba;                  /* (n, n_proba) */
    size_t *proba_col;              /* (n_proba) table column */
    int32_t *proba_class;           /* (n_proba) class of each probability column */
    int32_t *class_col;             /* (n_classes) probability column, or -1 */
    int32_t *rank, *order;          /* (n_classes) sorted order of the classes */
    int32_t *group_order;           /* (n_groups) by name */
    size_t *group_start, *group_rows; /* (n_groups + 1), (n): rows of each group */
    size_t n, cap, n_proba, n_classes;
    char *name;                     /* the input's name, for messages */
} mc_rows;

static void mc_rows_free(mc_rows *r)
{
    rs_idmap_free(r->classes), rs_idmap_free(r->groups);
    free(r->truth), free(r->pred), free(r->group), free(r->proba), free(r->proba_col), free(r->proba_class);
    free(r->class_col), free(r->rank), free(r->order), free(r->group_order), free(r->group_start);
    free(r->group_rows), free(r->name);
}

/* Room for twice as many rows in every per-row array. */
static int grow(mc_rows *r)
{
    size_t cap = r->cap ? r->cap * 2 : 4096;
    if (rs_resize((void **)&r->truth, cap, sizeof *r->truth) || rs_resize((void **)&r->pred, cap, sizeof *r->pred) ||
        rs_resize((void **)&r->group, cap, sizeof *r->group) ||
        (r->n_proba && rs_resize((void **)&r->proba, cap * r->n_proba, sizeof *r->proba)))
        return -1;
    r->cap = cap;
    return 0;
}

/* The probability columns: every column named prefix + CLASS, other than
 * the truth, prediction and --by columns. */
static rs_status find_proba_cols(const rs_eval_spec *spec, rs_table *t, const size_t *used, mc_rows *r,
                                 rs_error *err)
{
    const char *prefix = spec->proba_prefix ? spec->proba_prefix : "proba_";
    size_t plen = strlen(prefix), n_cols = rs_table_n_cols(t);
    r->proba_col = malloc((n_cols ? n_cols : 1) * sizeof *r->proba_col);
    r->proba_class = malloc((n_cols ? n_cols : 1) * sizeof *r->proba_class);
    if (!r->proba_col || !r->proba_class)
        return rs_error_nomem(err);
    for (size_t c = 0; c < n_cols; c++) {
        const char *name = rs_table_col_name(t, c);
        if (strncmp(name, prefix, plen) || !name[plen] || c == used[0] || c == used[1] || c == used[2])
            continue;
        int added;
        int32_t cls = rs_idmap_intern(r->classes, name + plen, strlen(name + plen), &added);
        if (cls < 0)
            return rs_error_nomem(err);
        if (!added)
            return rs_error_set(err, RS_EUSAGE, NULL, 0, "two probability columns for class '%s'", name + plen);
        r->proba_col[r->n_proba] = c;
        r->proba_class[r->n_proba++] = cls;
    }
    if (spec->proba_prefix && !r->n_proba)
        return rs_error_set(err, RS_EUSAGE, NULL, 0, "no column of %s is named --proba-prefix '%s' + a class",
                            rs_table_name(t), prefix);
    return RS_OK;
}

static rs_status intern_class(rs_table *t, const rs_record *rec, size_t col, const char *what, mc_rows *r,
                              int32_t *cls, rs_error *err)
{
    const rs_field *f = &rec->fields[col];
    if (!f->len)
        return rs_table_bad_field(t, rec, col, what, err);
    if ((*cls = rs_idmap_intern(r->classes, f->ptr, f->len, NULL)) < 0)
        return rs_error_nomem(err);
    return RS_OK;
}

typedef struct {
    long rows;          /* rows whose probabilities do not sum to 1 */
    long first_line;
    double first_sum;
} sum_check;

static rs_status read_proba(rs_table *t, const rs_record *rec, mc_rows *r, sum_check *check, rs_error *err)
{
    double *row = r->proba + r->n * r->n_proba, sum = 0;
    for (size_t j = 0; j < r->n_proba; j++) {
        const rs_field *f = &rec->fields[r->proba_col[j]];
        if (rs_parse_f64(f->ptr, f->len, &row[j]) < 0 || !(row[j] >= 0 && row[j] <= 1))
            return rs_table_bad_field(t, rec, r->proba_col[j], "a probability (a number in [0, 1])", err);
        sum += row[j];
    }
    if (fabs(sum - 1) > SUM_TOLERANCE && check->rows++ == 0)
        check->first_line = rec->line, check->first_sum = sum;
    return RS_OK;
}

static rs_status read_table(const rs_eval_spec *spec, mc_rows *r, sum_check *check, rs_error *err)
{
    rs_table *t = rs_table_open(spec->input, &spec->table, err);
    if (!t)
        return err->code;
    size_t used[3] = {(size_t)-1, (size_t)-1, (size_t)-1};
    rs_status st = RS_OK;
    const char *pred_col = spec->pred_col ? spec->pred_col : "class";
    if (!(r->name = strdup(rs_table_name(t))) || !(r->classes = rs_idmap_new()) || !(r->groups = rs_idmap_new()))
        st = rs_error_nomem(err);
    if (st == RS_OK)
        st = rs_table_find_col(t, spec->truth_col, "--truth", &used[0], err);
    if (st == RS_OK && !spec->pred_col && !rs_table_has_col(t, pred_col, &used[1]))
        st = rs_error_set(err, RS_EUSAGE, NULL, 0,
                          "rs-eval class needs --truth COL and --score COL (a 0/1 truth), or the predicted "
                          "class: --pred COL (%s has no column 'class')",
                          rs_table_name(t));
    if (st == RS_OK && spec->pred_col)
        st = rs_table_find_col(t, pred_col, "--pred", &used[1], err);
    if (st == RS_OK && spec->by)
        st = rs_table_find_col(t, spec->by, "--by", &used[2], err);
    if (st == RS_OK)
        st = find_proba_cols(spec, t, used, r, err);
    rs_record rec;
    int got = 0;
    while (st == RS_OK && (got = rs_table_next(t, &rec, err)) > 0) {
        if ((st = rs_table_check_width(t, &rec, err)))
            break;
        if (r->n == r->cap && grow(r) < 0) {
            st = rs_error_nomem(err);
            break;
        }
        if ((st = intern_class(t, &rec, used[0], "a class (the truth is empty)", r, &r->truth[r->n], err)) ||
            (st = intern_class(t, &rec, used[1], "a class (the prediction is empty)", r, &r->pred[r->n], err)) ||
            (r->n_proba && (st = read_proba(t, &rec, r, check, err))))
            break;
        if ((st = rs_eval_segment(r->groups, spec, &rec, used[2], &r->group[r->n], err)))
            break;
        r->n++;
    }
    if (got < 0)
        st = err->code;
    if (st == RS_OK && r->n == 0)
        st = rs_error_set(err, RS_EDATA, rs_table_name(t), 0, "no rows to evaluate");
    rs_table_free(t);
    return st;
}

/* All classes canonical integers: numeric order (as scikit-learn sorts
 * integer labels); else by bytes (as it sorts strings). */
static int all_integers(const rs_idmap *classes)
{
    for (int32_t c = 0; c < rs_idmap_size(classes); c++) {
        size_t len;
        const char *key = rs_idmap_key(classes, c, &len);
        if (!rs_i64_text_is_canonical(key, len))
            return 0;
    }
    return 1;
}

typedef struct {
    int64_t value;
    int32_t cls;
} int_key;

static int cmp_int_key(const void *x, const void *y)
{
    const int_key *a = x, *b = y;
    return (a->value > b->value) - (a->value < b->value);
}

static rs_status sort_classes(mc_rows *r, rs_error *err)
{
    size_t n = r->n_classes = (size_t)rs_idmap_size(r->classes);
    r->rank = malloc((n ? n : 1) * sizeof *r->rank);
    if (!r->rank)
        return rs_error_nomem(err);
    if (all_integers(r->classes)) {
        int_key *keys = malloc((n ? n : 1) * sizeof *keys);
        r->order = malloc((n ? n : 1) * sizeof *r->order);
        if (!keys || !r->order) {
            free(keys);
            return rs_error_nomem(err);
        }
        for (size_t c = 0; c < n; c++) {
            size_t len;
            const char *key = rs_idmap_key(r->classes, (int32_t)c, &len);
            rs_parse_i64(key, len, &keys[c].value);
            keys[c].cls = (int32_t)c;
        }
        qsort(keys, n, sizeof *keys, cmp_int_key);
        for (size_t i = 0; i < n; i++)
            r->order[i] = keys[i].cls;
        free(keys);
    } else if (!(r->order = rs_idmap_sorted_new(r->classes))) {
        return rs_error_nomem(err);
    }
    for (size_t i = 0; i < n; i++)
        r->rank[r->order[i]] = (int32_t)i;
    r->class_col = malloc((n ? n : 1) * sizeof *r->class_col);
    if (!r->class_col)
        return rs_error_nomem(err);
    for (size_t c = 0; c < n; c++)
        r->class_col[c] = -1;
    for (size_t j = 0; j < r->n_proba; j++)
        r->class_col[r->proba_class[j]] = (int32_t)j;
    return RS_OK;
}

/* Rows of each group, by a counting sort: group g's rows are
 * group_rows[group_start[g] .. group_start[g + 1]). */
static rs_status index_groups(mc_rows *r, rs_error *err)
{
    size_t ng = (size_t)rs_idmap_size(r->groups);
    r->group_start = calloc(ng + 1, sizeof *r->group_start);
    r->group_rows = malloc(r->n * sizeof *r->group_rows);
    if (!r->group_start || !r->group_rows || !(r->group_order = rs_idmap_sorted_new(r->groups)))
        return rs_error_nomem(err);
    for (size_t i = 0; i < r->n; i++)
        r->group_start[r->group[i] + 1]++;
    for (size_t g = 0; g < ng; g++)
        r->group_start[g + 1] += r->group_start[g];
    size_t *next = malloc((ng ? ng : 1) * sizeof *next);
    if (!next)
        return rs_error_nomem(err);
    memcpy(next, r->group_start, ng * sizeof *next);
    for (size_t i = 0; i < r->n; i++)
        r->group_rows[next[r->group[i]]++] = i;
    free(next);
    return RS_OK;
}

static const char *class_name(const mc_rows *r, int32_t cls, size_t *len)
{
    return rs_idmap_key(r->classes, cls, len);
}

/* Warnings about the probabilities, once each. */
static void warn_proba(const mc_rows *r, const rs_mc_counts *all, const sum_check *check, const rs_eval_spec *spec)
{
    if (check->rows)
        rs_warn(r->name, check->first_line,
                "probabilities sum to %.6g, not 1 (%ld row%s like this); log loss divides each row by its sum",
                check->first_sum, check->rows, check->rows > 1 ? "s" : "");
    long missing = 0;
    int32_t first = -1;
    for (size_t i = 0; i < all->n_labels; i++)
        if (all->support[all->labels[i]] && r->class_col[all->labels[i]] < 0 && missing++ == 0)
            first = all->labels[i];
    if (missing) {
        size_t len;
        const char *name = class_name(r, first, &len);
        rs_warn(r->name, 0,
                "true class '%.*s' has no probability column %s%.*s (%ld class%s like this): its probability is 0",
                (int)(len > 60 ? 60 : len), name, spec->proba_prefix ? spec->proba_prefix : "proba_",
                (int)(len > 60 ? 60 : len), name, missing, missing > 1 ? "es" : "");
    }
}

static int set_metrics(rs_eval_report *rep, const rs_mc_metrics *m, int proba)
{
    static const char *const names[RS_MC_AVERAGES] = {"macro", "micro", "weighted"};
    int bad = rs_eval_report_set(rep, "n", (double)m->n, 1) | rs_eval_report_set(rep, "classes", (double)m->n_labels, 1) |
              rs_eval_report_set(rep, "accuracy", m->accuracy, 0);
    if (proba)
        bad |= rs_eval_report_set(rep, "k", (double)m->k, 1) |
               rs_eval_report_set(rep, "top_k_accuracy", m->top_k_accuracy, 0);
    char name[32];
    for (int a = 0; a < RS_MC_AVERAGES; a++) {
        snprintf(name, sizeof name, "precision_%s", names[a]);
        bad |= rs_eval_report_set(rep, name, m->precision[a], 0);
        snprintf(name, sizeof name, "recall_%s", names[a]);
        bad |= rs_eval_report_set(rep, name, m->recall[a], 0);
        snprintf(name, sizeof name, "f1_%s", names[a]);
        bad |= rs_eval_report_set(rep, name, m->f1[a], 0);
    }
    if (proba)
        bad |= rs_eval_report_set(rep, "log_loss", m->log_loss, 0);
    return bad;
}

static void put_number(rs_out *out, double v)
{
    char buf[RS_NUM_BUF];
    rs_out_write(out, buf, rs_format_f64(v, buf));
}

static void put_count(rs_out *out, long v)
{
    char buf[RS_NUM_BUF];
    rs_out_write(out, buf, rs_format_i64(v, buf));
}

static void put_class(rs_out *out, const mc_rows *r, int32_t cls)
{
    size_t len;
    const char *name = class_name(r, cls, &len);
    rs_csv_write_field(out, name, len);
}

/* group,class,support,predicted,tp,precision,recall,f1 for each label. */
static void write_per_class(rs_out *out, const char *group, size_t glen, const mc_rows *r, const rs_mc_counts *c)
{
    for (size_t i = 0; i < c->n_labels; i++) {
        int32_t cls = c->labels[i];
        double p, rc, f;
        rs_mc_class_scores(c, cls, &p, &rc, &f);
        rs_csv_write_field(out, group, glen);
        rs_out_putc(out, ',');
        put_class(out, r, cls);
        rs_out_putc(out, ',');
        put_count(out, c->support[cls]);
        rs_out_putc(out, ',');
        put_count(out, c->predicted[cls]);
        rs_out_putc(out, ',');
        put_count(out, c->tp[cls]);
        rs_out_putc(out, ',');
        put_number(out, p);
        rs_out_putc(out, ',');
        put_number(out, rc);
        rs_out_putc(out, ',');
        put_number(out, f);
        rs_out_putc(out, '\n');
    }
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* The non-zero cells of a confusion matrix: keys rank(truth) << 32 |
 * rank(pred), sorted, with their counts. */
typedef struct {
    uint64_t *keys;   /* (n) */
    long *counts;     /* (n) */
    size_t n;
} cells;

static void confusion_cells(const mc_rows *r, const size_t *rows, size_t n_rows, cells *out)
{
    for (size_t i = 0; i < n_rows; i++)
        out->keys[i] = (uint64_t)r->rank[r->truth[rows[i]]] << 32 | (uint32_t)r->rank[r->pred[rows[i]]];
    qsort(out->keys, n_rows, sizeof *out->keys, cmp_u64);
    out->n = 0;
    for (size_t i = 0; i < n_rows; i++) {
        if (out->n && out->keys[out->n - 1] == out->keys[i]) {
            out->counts[out->n - 1]++;
        } else {
            out->keys[out->n] = out->keys[i];
            out->counts[out->n++] = 1;
        }
    }
}

static void write_pairs(rs_out *out, const char *group, size_t glen, const mc_rows *r, const cells *cl)
{
    for (size_t i = 0; i < cl->n; i++) {
        rs_csv_write_field(out, group, glen);
        rs_out_putc(out, ',');
        put_class(out, r, r->order[cl->keys[i] >> 32]);
        rs_out_putc(out, ',');
        put_class(out, r, r->order[(uint32_t)cl->keys[i]]);
        rs_out_putc(out, ',');
        put_count(out, cl->counts[i]);
        rs_out_putc(out, '\n');
    }
}

/* The dense matrix over the labels of all rows: a header "truth" and the
 * predicted classes, then a row per true class. */
static rs_status write_confusion(const char *path, const mc_rows *r, const rs_mc_counts *all, const cells *cl,
                                 rs_error *err)
{
    size_t nl = all->n_labels;
    long *matrix = calloc(nl ? nl * nl : 1, sizeof *matrix);
    int32_t *pos = malloc((r->n_classes ? r->n_classes : 1) * sizeof *pos);   /* rank -> label position */
    if (!matrix || !pos) {
        free(matrix), free(pos);
        return rs_error_nomem(err);
    }
    for (size_t i = 0; i < nl; i++)
        pos[r->rank[all->labels[i]]] = (int32_t)i;
    for (size_t i = 0; i < cl->n; i++)
        matrix[(size_t)pos[cl->keys[i] >> 32] * nl + (size_t)pos[(uint32_t)cl->keys[i]]] = cl->counts[i];
    rs_out *out = rs_out_open(path, err);
    if (out) {
        rs_out_write(out, "truth", 5);
        for (size_t j = 0; j < nl; j++) {
            rs_out_putc(out, ',');
            put_class(out, r, all->labels[j]);
        }
        rs_out_putc(out, '\n');
        for (size_t i = 0; i < nl; i++) {
            put_class(out, r, all->labels[i]);
            for (size_t j = 0; j < nl; j++) {
                rs_out_putc(out, ',');
                put_count(out, matrix[i * nl + j]);
            }
            rs_out_putc(out, '\n');
        }
    }
    free(matrix), free(pos);
    return out ? rs_out_commit(out, err) : err->code;
}

/* A heat map of the confusion matrix of all rows: cell (truth, pred) shaded
 * by its share of the true class's rows. */
static rs_status plot_confusion(const char *path, const mc_rows *r, const rs_mc_counts *all, const cells *cl,
                                rs_error *err)
{
    size_t nl = all->n_labels;
    int32_t *pos = malloc((r->n_classes ? r->n_classes : 1) * sizeof *pos);
    if (!pos)
        return rs_error_nomem(err);
    for (size_t i = 0; i < nl; i++)
        pos[r->rank[all->labels[i]]] = (int32_t)i;
    rs_out *out = rs_out_open(path, err);
    if (!out) {
        free(pos);
        return err->code;
    }
    const double side = 600, left = 160, top = 60, cell = side / (double)nl;
    rs_svg_begin(out, (int)(left + side + 40), (int)(top + side + 170), "rs-eval class: confusion matrix");
    rs_svg_text(out, left + side / 2, top - 30, "middle", 1, "Confusion matrix: share of each true class's rows");
    rs_svg_text(out, left + side / 2, top + side + 160, "middle", 0, "predicted class");
    rs_svg_text(out, 14, top - 8, "start", 0, "true class");
    rs_svg_rect(out, left, top, side, side, "#ffffff", "#888");
    for (size_t i = 0; i < cl->n; i++) {
        int32_t t = pos[cl->keys[i] >> 32], p = pos[(uint32_t)cl->keys[i]];
        double share = (double)cl->counts[i] / (double)all->support[all->labels[t]];
        /* white to dark blue */
        int red = (int)lround(255 - share * (255 - 8)), green = (int)lround(255 - share * (255 - 48));
        int blue = (int)lround(255 - share * (255 - 107));
        char color[8];
        snprintf(color, sizeof color, "#%02x%02x%02x", red, green, blue);
        rs_svg_rect(out, left + p * cell, top + t * cell, cell, cell, color, NULL);
    }
    /* class names when they fit */
    if (cell >= 7) {
        char name[64];
        for (size_t i = 0; i < nl; i++) {
            size_t len;
            const char *key = class_name(r, all->labels[i], &len);
            snprintf(name, sizeof name, "%.*s", (int)(len > 24 ? 24 : len), key);
            rs_svg_text(out, left - 4, top + ((double)i + 0.5) * cell + 4, "end", 0, name);
            rs_svg_vtext(out, left + ((double)i + 0.5) * cell + 4, top + side + 4, name);
        }
    }
    rs_svg_end(out);
    free(pos);
    return rs_out_commit(out, err);
}

/* Refuse outputs that would be too large before writing anything. */
static rs_status check_limits(const rs_eval_spec *spec, const rs_mc_counts *all, rs_error *err)
{
    long nl = (long)all->n_labels;
    if (spec->confusion_path && nl > RS_EVAL_CONFUSION_MAX_CLASSES)
        return rs_error_set(err, RS_EDATA, NULL, 0,
                            "--confusion: %ld classes would make %ld cells; the matrix is written for at most %d "
                            "classes (--confusion-pairs writes the non-zero cells of any number)",
                            nl, nl * nl, RS_EVAL_CONFUSION_MAX_CLASSES);
    if (spec->plot && nl > RS_EVAL_HEATMAP_MAX_CLASSES)
        return rs_error_set(err, RS_EDATA, NULL, 0,
                            "--plot: %ld classes; the heat map draws at most %d (--confusion-pairs writes the "
                            "non-zero cells of any number)",
                            nl, RS_EVAL_HEATMAP_MAX_CLASSES);
    return RS_OK;
}

typedef struct {
    rs_out *per_class, *pairs;
    cells cl, all_cells;
} mc_outputs;

static rs_status open_outputs(const rs_eval_spec *spec, size_t n, mc_outputs *o, rs_error *err)
{
    if (spec->per_class_path) {
        if (!(o->per_class = rs_out_open(spec->per_class_path, err)))
            return err->code;
        rs_out_write(o->per_class, "group,class,support,predicted,tp,precision,recall,f1\n", 53);
    }
    if (spec->pairs_path) {
        if (!(o->pairs = rs_out_open(spec->pairs_path, err)))
            return err->code;
        rs_out_write(o->pairs, "group,truth,pred,count\n", 23);
    }
    if (spec->pairs_path || spec->confusion_path || spec->plot) {
        o->cl.keys = malloc(n * sizeof *o->cl.keys);
        o->cl.counts = malloc(n * sizeof *o->cl.counts);
        o->all_cells.keys = malloc(n * sizeof *o->all_cells.keys);
        o->all_cells.counts = malloc(n * sizeof *o->all_cells.counts);
        if (!o->cl.keys || !o->cl.counts || !o->all_cells.keys || !o->all_cells.counts)
            return rs_error_nomem(err);
    }
    return RS_OK;
}

static void close_outputs(mc_outputs *o)
{
    rs_out_abort(o->per_class), rs_out_abort(o->pairs);
    free(o->cl.keys), free(o->cl.counts), free(o->all_cells.keys), free(o->all_cells.counts);
}

rs_status rs_eval_multiclass(const rs_eval_spec *spec, rs_error *err)
{
    mc_rows r = {0};
    rs_mc_counts counts = {0}, all = {0};
    rs_eval_report report = {0};
    mc_outputs o = {0};
    sum_check check = {0};
    size_t *identity = NULL;
    rs_status st = read_table(spec, &r, &check, err);
    if (st || (st = sort_classes(&r, err)) || (st = index_groups(&r, err)) ||
        (st = rs_mc_counts_init(&counts, r.n_classes, err)) || (st = rs_mc_counts_init(&all, r.n_classes, err)))
        goto done;
    if (spec->top_k && !r.n_proba) {
        st = rs_error_set(err, RS_EUSAGE, NULL, 0, "-k needs probability columns (--proba-prefix, default proba_): "
                          "%s has none", r.name);
        goto done;
    }
    if (!(identity = malloc(r.n * sizeof *identity))) {
        st = rs_error_nomem(err);
        goto done;
    }
    for (size_t i = 0; i < r.n; i++)
        identity[i] = i;
    rs_mc_data data = {.truth = r.truth, .pred = r.pred, .proba = r.n_proba ? r.proba : NULL,
                       .proba_class = r.proba_class, .class_col = r.class_col, .rank = r.rank, .order = r.order,
                       .n_classes = r.n_classes, .n_proba = r.n_proba, .k = spec->top_k ? spec->top_k : 5};
    rs_mc_metrics m;
    rs_mc_compute(&data, identity, r.n, &all, &m);   /* all keeps its counts for the matrix */
    if ((st = check_limits(spec, &all, err)) || (st = open_outputs(spec, r.n, &o, err)))
        goto done;
    if (r.n_proba)
        warn_proba(&r, &all, &check, spec);
    size_t ns = 1 + (spec->by ? (size_t)rs_idmap_size(r.groups) : 0);
    for (size_t k = 0; k < ns; k++) {
        const size_t *rows = identity;
        size_t n = r.n, glen = 3;
        const char *gname = "all";
        rs_mc_counts *c = &all;
        if (k > 0) {
            int32_t g = r.group_order[k - 1];
            rows = r.group_rows + r.group_start[g];
            n = r.group_start[g + 1] - r.group_start[g];
            gname = rs_idmap_key(r.groups, g, &glen);
            c = &counts;
            rs_mc_compute(&data, rows, n, c, &m);
        }
        if (rs_eval_report_group(&report, gname, glen) || set_metrics(&report, &m, r.n_proba > 0)) {
            st = rs_error_nomem(err);
            goto done;
        }
        if (o.per_class)
            write_per_class(o.per_class, gname, glen, &r, c);
        if (o.cl.keys)
            confusion_cells(&r, rows, n, k == 0 ? &o.all_cells : &o.cl);
        if (o.pairs)
            write_pairs(o.pairs, gname, glen, &r, k == 0 ? &o.all_cells : &o.cl);
    }
    if ((st = rs_eval_write_report(spec, &report, err)))
        goto done;
    if (o.per_class) {
        st = rs_out_commit(o.per_class, err);
        o.per_class = NULL;
        if (st)
            goto done;
    }
    if (o.pairs) {
        st = rs_out_commit(o.pairs, err);
        o.pairs = NULL;
        if (st)
            goto done;
    }
    if (spec->confusion_path && (st = write_confusion(spec->confusion_path, &r, &all, &o.all_cells, err)))
        goto done;
    if (spec->plot)
        st = plot_confusion(spec->plot, &r, &all, &o.all_cells, err);
done:
    close_outputs(&o);
    free(identity);
    rs_mc_counts_free(&counts), rs_mc_counts_free(&all);
    rs_eval_report_free(&report);
    mc_rows_free(&r);
    return st;
}
