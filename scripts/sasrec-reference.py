#!/usr/bin/python3
"""PyTorch SASRec (Kang and McAuley 2018), the reference rs's sasrec kind is
measured against (scripts/bench-sasrec).  The model follows the authors'
code as ported by pmixer/SASRec.pytorch: item embeddings (scaled by
sqrt(d)) + learned positions, blocks of layer norm, causal multi-head
attention, residual, layer norm, point-wise feed-forward (two width-d
layers, ReLU, dropout, residual), a last layer norm; binary cross-entropy
of the next item against one sampled negative; Adam (betas 0.9, 0.98).

Protocol (the issue's leave-last-out): --train holds user,item,ts rows;
each user's rows in ts order (ts must already be unique per user: the
bench writes the rank), the last is the validation target, the rest train.
--test holds user,item: the test target, scored with the whole train
sequence as input, ranked among all items, items of the input excluded.
Early stopping: validation NDCG@10 every --eval-every epochs, --patience
evaluations without a better one; the best epoch's weights are tested.

Prints one line per evaluation on stderr and, at the end, on stdout:
  ndcg10=... hr10=... valid_ndcg10=... best_epoch=... epochs=... sec_per_epoch=...
sec_per_epoch is the training time only (no evaluation), averaged.

Protocol files (scripts/bench-seq, both of the issue's protocols): with
--valid, --rest and --recs-out, --train holds the training events
(user,item and a time column, --time-col; --basket-col for baskets), put in
rs's order: time, then (with baskets) a seeded hash of (user, basket), then
a seeded hash of (user, item) -- rs_seq_tie of lib/io/sequences.c under
--seed, re-implemented here -- so the items of a basket follow the same
tie order as in rs.  The model trains on every user's whole train
sequence; --valid (user,item: a target set per user) is the early-stopping
target, input the train sequence, binary relevance over the set
(NDCG@10 = DCG / ideal DCG of min(10, |set|) hits).  The best epoch's
model then takes each test user's --rest sequence (train + validation
events) as input and writes its top 10 over the training items, the
input's items excluded, to --recs-out (user,item,rank,score) for rs-eval.
stdout: valid_ndcg10=... best_epoch=... epochs=... sec_per_epoch=...
"""
import argparse
import csv
import copy
import sys
import time

import numpy as np
import torch


def read_train(path):
    rows = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            rows.setdefault(r["user"], []).append((float(r["ts"]), r["item"]))
    return {u: [i for _, i in sorted(v)] for u, v in rows.items()}


M64 = (1 << 64) - 1


def mum(a, b):
    r = a * b
    return (r & M64) ^ (r >> 64)


def rs_hash64(data, seed):
    """lib/hash.c's rs_hash64 (wyhash-style multiply-fold) of bytes."""
    k0, k1, k2 = 0xa0761d6478bd642f, 0xe7037ed1a0b428db, 0x8ebc6af09c88c6e3
    n = len(data)
    le = lambda b: int.from_bytes(b, "little")   # noqa: E731
    h = seed ^ mum(seed ^ k0, n ^ k1)
    i = 0
    while i + 16 <= n:
        h = mum(le(data[i:i + 8]) ^ k1 ^ h, le(data[i + 8:i + 16]) ^ k2)
        i += 16
    if i + 8 <= n:
        h = mum(le(data[i:i + 8]) ^ k1, h ^ k2)
        i += 8
    if i < n:
        h = mum(le(data[i:]) ^ k2, h ^ k0)
    return mum(h ^ k0, n ^ k1)


def tie_mix(hu, hi):
    """lib/io/sequences.c's tie_mix (splitmix64's finaliser)."""
    z = (hu * 0x9e3779b97f4a7c15 + hi) & M64
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
    return z ^ (z >> 31)


def read_ordered(path, time_col, basket_col, seed):
    """user -> items in rs's sequence order (time, basket tie, item tie, file row)."""
    cache = {}
    h = lambda x: cache.setdefault(x, rs_hash64(x.encode(), seed))   # noqa: E731
    rows = {}
    with open(path, newline="") as f:
        for k, r in enumerate(csv.DictReader(f)):
            t = r[time_col]
            t = (0, int(t), "") if t.lstrip("-").isdigit() else (1, 0, t)   # ISO times sort as text
            u, i = r["user"], r["item"]
            hu = h(u)
            bt = tie_mix(hu, h(r[basket_col])) if basket_col else 0
            rows.setdefault(u, []).append((t, bt, tie_mix(hu, h(i)), k, i))
    return {u: [e[-1] for e in sorted(v)] for u, v in rows.items()}


def read_targets(path):
    t = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            t.setdefault(r["user"], set()).add(r["item"])
    return t


def read_test(path):
    with open(path, newline="") as f:
        return {r["user"]: r["item"] for r in csv.DictReader(f)}


class FeedForward(torch.nn.Module):
    def __init__(self, d, dropout):
        super().__init__()
        self.w1 = torch.nn.Linear(d, d)
        self.w2 = torch.nn.Linear(d, d)
        self.drop1 = torch.nn.Dropout(dropout)
        self.drop2 = torch.nn.Dropout(dropout)

    def forward(self, x):
        return x + self.drop2(self.w2(self.drop1(torch.relu(self.w1(x)))))


class SASRec(torch.nn.Module):
    def __init__(self, n_items, d, blocks, heads, maxlen, dropout):
        super().__init__()
        self.d = d
        self.item_emb = torch.nn.Embedding(n_items + 1, d, padding_idx=0)
        self.pos_emb = torch.nn.Embedding(maxlen, d)
        self.emb_drop = torch.nn.Dropout(dropout)
        self.attn_ln = torch.nn.ModuleList([torch.nn.LayerNorm(d, eps=1e-8) for _ in range(blocks)])
        self.attn = torch.nn.ModuleList(
            [torch.nn.MultiheadAttention(d, heads, dropout=dropout, batch_first=True) for _ in range(blocks)])
        self.ffn_ln = torch.nn.ModuleList([torch.nn.LayerNorm(d, eps=1e-8) for _ in range(blocks)])
        self.ffn = torch.nn.ModuleList([FeedForward(d, dropout) for _ in range(blocks)])
        self.last_ln = torch.nn.LayerNorm(d, eps=1e-8)
        for name, p in self.named_parameters():
            try:
                torch.nn.init.xavier_normal_(p.data)
            except ValueError:
                pass   # 1-d: keep the defaults
        self.item_emb.weight.data[0] = 0

    def feats(self, seqs):   # (B, T) item ids, 0 = padding
        T = seqs.shape[1]
        x = self.item_emb(seqs) * self.d ** 0.5
        x = x + self.pos_emb(torch.arange(T).unsqueeze(0))
        x = self.emb_drop(x)
        pad = (seqs == 0).unsqueeze(-1)
        x = x.masked_fill(pad, 0)
        causal = ~torch.tril(torch.ones(T, T, dtype=torch.bool))
        for ln, att, fln, ffn in zip(self.attn_ln, self.attn, self.ffn_ln, self.ffn):
            q = ln(x)
            out, _ = att(q, x, x, attn_mask=causal, need_weights=False)
            x = q + out
            x = ffn(fln(x))
            x = x.masked_fill(pad, 0)
        return self.last_ln(x)

    def loss(self, seqs, pos, neg):
        h = self.feats(seqs)
        pl = (h * self.item_emb(pos)).sum(-1)
        nl = (h * self.item_emb(neg)).sum(-1)
        mask = pos != 0
        bce = torch.nn.functional.binary_cross_entropy_with_logits
        return (bce(pl[mask], torch.ones_like(pl[mask])) + bce(nl[mask], torch.zeros_like(nl[mask])))

    def scores(self, seqs):
        return self.feats(seqs)[:, -1, :] @ self.item_emb.weight.T   # (B, n_items + 1)


def left_pad(items, maxlen):
    s = items[-maxlen:]
    return [0] * (maxlen - len(s)) + s


def evaluate(model, inputs, targets, maxlen, batch=256):
    """Mean NDCG@10 and HR@10 over users: target ranked among all items,
    the input's items (and padding) excluded."""
    model.eval()
    ndcg = hr = 0.0
    with torch.no_grad():
        for b0 in range(0, len(inputs), batch):
            ins, tgt = inputs[b0:b0 + batch], targets[b0:b0 + batch]
            sc = model.scores(torch.tensor([left_pad(s, maxlen) for s in ins])).numpy()
            for row, s, t in zip(sc, ins, tgt):
                row[0] = -np.inf
                row[s] = -np.inf
                if t in s:
                    continue
                above = int((row > row[t]).sum())
                if above < 10:
                    ndcg += 1 / np.log2(above + 2)
                    hr += 1
    model.train()
    return ndcg / len(inputs), hr / len(inputs)


def train_epoch(model, opt, train_seqs, train_seen, n_items, a, rng):
    """One pass over the sequences in a random order, batches of a.batch:
    each sequence's last maxlen + 1 items, every next item against one
    sampled item the user has not had.  Returns the last batch's loss."""
    order = rng.permutation(len(train_seqs))
    for b0 in range(0, len(order), a.batch):
        ins, pos, neg = [], [], []
        for k in order[b0:b0 + a.batch]:
            s = train_seqs[k][-(a.maxlen + 1):]
            ins.append(left_pad(s[:-1], a.maxlen))
            pos.append(left_pad(s[1:], a.maxlen))
            ng = []
            for _ in s[1:]:
                j = int(rng.integers(1, n_items + 1))
                while j in train_seen[k]:
                    j = int(rng.integers(1, n_items + 1))
                ng.append(j)
            neg.append(left_pad(ng, a.maxlen))
        loss = model.loss(torch.tensor(ins), torch.tensor(pos), torch.tensor(neg))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss


def protocol_files(a, rng):
    """bench-seq's protocol files: train on --train, stop early on --valid,
    write the test users' top 10 from their --rest input (module doc)."""
    seqs = read_ordered(a.train, a.time_col, a.basket_col, a.seed)
    rest = read_ordered(a.rest, a.time_col, a.basket_col, a.seed)
    valid, test = read_targets(a.valid), read_targets(a.test)
    items = sorted({i for s in seqs.values() for i in s})   # the items the model learns
    code = {i: k + 1 for k, i in enumerate(items)}   # 0: padding
    n_items = len(items)
    coded = {u: [code[i] for i in s if i in code] for u, s in seqs.items()}
    users = sorted(u for u in coded if len(coded[u]) >= 2)
    train_seqs = [coded[u] for u in users]
    train_seen = [set(coded[u]) for u in users]
    valid_users = sorted(u for u in valid if u in coded)
    valid_in = [coded[u] for u in valid_users]
    valid_t = [({code[i] for i in valid[u] if i in code}, len(valid[u])) for u in valid_users]
    test_users = sorted(test)
    test_in = [[code[i] for i in rest.get(u, []) if i in code] for u in test_users]
    print(f"{len(users)} training sequences, {n_items} items, {len(valid_users)} validation users, "
          f"{len(test_users)} test users", file=sys.stderr, flush=True)

    model, best, best_epoch, epochs, train_time = fit(
        a, n_items, train_seqs, train_seen, rng,
        lambda model: evaluate_sets(model, valid_in, valid_t, a.maxlen, n_items))
    with open(a.recs_out, "w") as f:
        f.write("user,item,rank,score\n")
        for u, top in zip(test_users, top10(model, test_in, a.maxlen, n_items)):
            for rank, (j, sc) in enumerate(top, 1):
                f.write(f"{u},{items[j - 1]},{rank},{sc:.6g}\n")
    print(f"valid_ndcg10={best:.4f} best_epoch={best_epoch} epochs={epochs} "
          f"sec_per_epoch={train_time / epochs:.4f}")


def fit(a, n_items, train_seqs, train_seen, rng, valid_ndcg, on_best=None):
    """Train a SASRec with the paper's early stopping: valid_ndcg(model)
    every a.eval_every epochs, stop after a.patience without a new best, and
    return the best epoch's model with (best, best_epoch, epochs, seconds of
    training)."""
    model = SASRec(n_items, a.dim, a.blocks, a.heads, a.maxlen, a.dropout)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(0.9, 0.98))
    best, best_epoch, bad, train_time, epochs = -1.0, 0, 0, 0.0, 0
    best_state = copy.deepcopy(model.state_dict())
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        loss = train_epoch(model, opt, train_seqs, train_seen, n_items, a, rng)
        train_time += time.perf_counter() - t0
        epochs = epoch
        if epoch % a.eval_every == 0:
            v = valid_ndcg(model)
            print(f"epoch {epoch} loss {loss.item():.4f} valid NDCG@10 {v:.4f} "
                  f"({train_time / epoch:.3f} s/epoch)", file=sys.stderr, flush=True)
            if v > best:
                best, best_epoch, bad = v, epoch, 0
                best_state = copy.deepcopy(model.state_dict())
                if on_best:
                    on_best(model, best, epoch, train_time)
            else:
                bad += 1
                if bad >= a.patience:
                    break
    model.load_state_dict(best_state)
    return model, best, best_epoch, epochs, train_time


def top10(model, inputs, maxlen, n_items, batch=256):
    """Each input's 10 best items (codes) and scores, the input's items and
    padding excluded."""
    model.eval()
    out = []
    with torch.no_grad():
        for b0 in range(0, len(inputs), batch):
            ins = inputs[b0:b0 + batch]
            sc = model.scores(torch.tensor([left_pad(s, maxlen) for s in ins])).numpy()[:, :n_items + 1]
            for row, s in zip(sc, ins):
                row[0] = -np.inf
                row[s] = -np.inf
                best = np.argsort(-row, kind="stable")[:10]
                out.append([(int(j), float(row[j])) for j in best])
    model.train()
    return out


def evaluate_sets(model, inputs, targets, maxlen, n_items):
    """Mean NDCG@10 over users, binary relevance over each target set
    (targets: (codes of the set's known items, size of the whole set))."""
    total = 0.0
    for top, (t, size) in zip(top10(model, inputs, maxlen, n_items), targets):
        dcg = sum(1 / np.log2(k + 2) for k, (j, _) in enumerate(top) if j in t)
        total += dcg / sum(1 / np.log2(k + 2) for k in range(min(10, size)))
    return total / len(inputs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--valid", help="protocol files: the validation targets (user,item)")
    ap.add_argument("--rest", help="protocol files: train + validation events, the test input")
    ap.add_argument("--recs-out", help="protocol files: the test users' top 10 (user,item,rank,score)")
    ap.add_argument("--time-col", default="ts")
    ap.add_argument("--basket-col")
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--blocks", type=int, default=2)
    ap.add_argument("--heads", type=int, default=1)
    ap.add_argument("--maxlen", type=int, default=50)
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--epochs", type=int, default=200)
    ap.add_argument("--eval-every", type=int, default=10)
    ap.add_argument("--patience", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--report-best", action="store_true",
                    help="also test each new best epoch (stderr), for runs that may be cut short")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    rng = np.random.default_rng(a.seed)

    if a.valid:
        return protocol_files(a, rng)
    seqs = read_train(a.train)
    test = read_test(a.test)
    items = sorted({i for s in seqs.values() for i in s} | set(test.values()))
    code = {i: k + 1 for k, i in enumerate(items)}   # 0: padding
    n_items = len(items)
    users = sorted(seqs)
    coded = {u: [code[i] for i in seqs[u]] for u in users}
    seen = {u: set(coded[u]) for u in users}
    train_users = [u for u in users if len(coded[u]) >= 3]
    valid_users = [u for u in users if len(coded[u]) >= 2]
    valid_in = [coded[u][:-1] for u in valid_users]
    valid_t = [coded[u][-1] for u in valid_users]
    test_users = [u for u in users if u in test]
    test_in = [coded[u] for u in test_users]
    test_t = [code[test[u]] for u in test_users]

    train_seqs = [coded[u][:-1] for u in train_users]   # the last is the validation target
    train_seen = [seen[u] for u in train_users]
    def report(model, best, epoch, train_time):   # the result so far, should the run be cut short
        n, h = evaluate(model, test_in, test_t, a.maxlen)
        print(f"so far: ndcg10={n:.4f} hr10={h:.4f} valid_ndcg10={best:.4f} best_epoch={epoch} "
              f"epochs={epoch} sec_per_epoch={train_time / epoch:.4f}", file=sys.stderr, flush=True)

    model, best, best_epoch, epochs, train_time = fit(
        a, n_items, train_seqs, train_seen, rng,
        lambda model: evaluate(model, valid_in, valid_t, a.maxlen)[0], report if a.report_best else None)
    n, h = evaluate(model, test_in, test_t, a.maxlen)
    print(f"ndcg10={n:.4f} hr10={h:.4f} valid_ndcg10={best:.4f} best_epoch={best_epoch} epochs={epochs} "
          f"sec_per_epoch={train_time / epochs:.4f}")


if __name__ == "__main__":
    main()
