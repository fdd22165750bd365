/* gbdt_shap.c — exact path-dependent TreeSHAP (Lundberg, Erion and Lee,
 * "Consistent individualized feature attribution for tree ensembles",
 * 2018, Algorithm 2), written from the paper.
 *
 * Walking down the tree keeps the path of distinct features met so far,
 * each with the fraction of training rows that follow the path when the
 * feature is unknown (zero) and whether the row itself follows it (one),
 * and the weights of every subset size.  At a leaf each feature on the
 * path gets the leaf value times the weight of the subsets it completes. */
#include "models/gbdt.h"

#include <string.h>

typedef struct {
    double feature;        /* feature index (-1: the root's placeholder) */
    double zero, one;      /* fractions: feature unknown / as in the row */
    double weight;         /* weight of the subsets of this size */
} path_entry;

static void extend(path_entry *path, int depth, double zero, double one, int feature)
{
    path[depth] = (path_entry){feature, zero, one, depth == 0 ? 1 : 0};
    for (int i = depth - 1; i >= 0; i--) {
        path[i + 1].weight += one * path[i].weight * (i + 1) / (depth + 1);
        path[i].weight = zero * path[i].weight * (depth - i) / (depth + 1);
    }
}

/* Undo the extension by entry k (a feature met again lower down). */
static void unwind(path_entry *path, int depth, int k)
{
    double one = path[k].one, zero = path[k].zero, next = path[depth].weight;
    for (int i = depth - 1; i >= 0; i--) {
        if (one != 0) {
            double w = path[i].weight;
            path[i].weight = next * (depth + 1) / ((i + 1) * one);
            next = w - path[i].weight * zero * (depth - i) / (depth + 1);
        } else {
            path[i].weight = path[i].weight * (depth + 1) / (zero * (depth - i));
        }
    }
    for (int i = k; i < depth; i++) {
        path[i].feature = path[i + 1].feature;
        path[i].zero = path[i + 1].zero;
        path[i].one = path[i + 1].one;
    }
}

/* The total weight the path would have without entry k. */
static double unwound_sum(const path_entry *path, int depth, int k)
{
    double one = path[k].one, zero = path[k].zero, next = path[depth].weight, total = 0;
    for (int i = depth - 1; i >= 0; i--) {
        if (one != 0) {
            double w = next * (depth + 1) / ((i + 1) * one);
            total += w;
            next = path[i].weight - w * zero * (depth - i) / (depth + 1);
        } else {
            total += path[i].weight / zero * (depth + 1) / (depth - i);
        }
    }
    return total;
}

typedef struct {
    const rs_gbdt_node *tree;
    const uint32_t *bitmaps;
    const float *row;
    double *phi;
} shap_run;

static void recurse(const shap_run *r, int32_t node, path_entry *parent_path, int depth, double zero, double one,
                    int feature)
{
    path_entry *path = parent_path + depth;   /* this level's copy, after the parent's */
    memcpy(path, parent_path, (size_t)depth * sizeof *path);
    extend(path, depth, zero, one, feature);
    const rs_gbdt_node *n = &r->tree[node];
    if (n->feature < 0) {
        for (int i = 1; i <= depth; i++)
            r->phi[(int)path[i].feature] += unwound_sum(path, depth, i) * (path[i].one - path[i].zero) * n->value;
        return;
    }
    int left = rs_gbdt_goes_left(n, r->bitmaps, r->row[n->feature]);
    int32_t hot = left ? n->left : n->right, cold = left ? n->right : n->left;
    double in_zero = 1, in_one = 1;
    for (int k = 1; k <= depth; k++)
        if ((int)path[k].feature == n->feature) {   /* met before: its fractions carry on */
            in_zero = path[k].zero, in_one = path[k].one;
            unwind(path, depth, k);
            depth--;
            break;
        }
    double cover = n->cover;
    recurse(r, hot, path, depth + 1, in_zero * r->tree[hot].cover / cover, in_one, n->feature);
    recurse(r, cold, path, depth + 1, in_zero * r->tree[cold].cover / cover, 0, n->feature);
}

/* The tree's expected value: leaves weighted by their share of the rows. */
static double expected_value(const rs_gbdt_node *tree, int32_t node)
{
    const rs_gbdt_node *n = &tree[node];
    if (n->feature < 0)
        return n->value;
    return (tree[n->left].cover * expected_value(tree, n->left) +
            tree[n->right].cover * expected_value(tree, n->right)) / n->cover;
}

void rs_gbdt_shap(const rs_gbdt_node *tree, const uint32_t *bitmaps, const float *row, size_t n_features,
                  double *phi, double *work)
{
    shap_run r = {tree, bitmaps, row, phi};
    phi[n_features] += expected_value(tree, 0);
    if (tree[0].feature >= 0)
        recurse(&r, 0, (path_entry *)(void *)work, 0, 1, 1, -1);
}

int rs_gbdt_tree_depth(const rs_gbdt_node *tree, size_t n_nodes, int *depth_of)
{
    int depth = 0;
    depth_of[0] = 0;
    for (size_t i = 0; i < n_nodes; i++) {   /* children come after their parent */
        if (depth_of[i] > depth)
            depth = depth_of[i];
        if (tree[i].feature >= 0)
            depth_of[tree[i].left] = depth_of[tree[i].right] = depth_of[i] + 1;
    }
    return depth;
}
