#!/usr/bin/python3
# check-seq-pop.py REST TEST: popularity's NDCG@10, HR@10 and Recall@10 on a
# next-item (or next-basket) split, computed apart from rs (issue 20's
# protocol check, run by scripts/bench-seq): counts over the input REST,
# each user's REST items left out, binary relevance over the user's TEST
# items.  Popularity ties go by item id ascending (rs orders them its own
# way, so the figures may differ in the fourth place).
import csv, math, sys, collections
rest, test = sys.argv[1:3]
hist = collections.defaultdict(set); cnt = collections.Counter(); items = set()
for r in csv.DictReader(open(rest)):
    hist[r["user"]].add(r["item"]); cnt[r["item"]] += 1; items.add(r["item"])
tgt = collections.defaultdict(set)
for r in csv.DictReader(open(test)): tgt[r["user"]].add(r["item"])
order = sorted(items, key=lambda i: (-cnt[i], i))
nd = hr = rc = 0
for u, t in tgt.items():
    top = [i for i in order if i not in hist[u]][:10]
    dcg = sum(1 / math.log2(k + 2) for k, i in enumerate(top) if i in t)
    idcg = sum(1 / math.log2(k + 2) for k in range(min(10, len(t))))
    nd += dcg / idcg; hr += any(i in t for i in top); rc += len(t & set(top)) / len(t)
n = len(tgt); print(f"users {n} ndcg@10 {nd/n:.4f} hr@10 {hr/n:.4f} recall@10 {rc/n:.4f}")
