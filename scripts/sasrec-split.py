#!/usr/bin/python3
"""The issue's ML-100K leave-last-out protocol as two CSV files, for
scripts/bench-sasrec: each user's ratings in time order, ties in time
broken by a seeded hash of (user, item) (never by id); the last item is the
test target (TEST: user,item), the rest train (TRAIN: user,item,ts with ts
the rank in the user's order, so every reader sees the same order).

usage: sasrec-split.py U.DATA TRAIN TEST [SEED]"""
import hashlib
import sys


def tie(seed, user, item):
    return hashlib.blake2b(f"{seed}:{user}:{item}".encode(), digest_size=8).digest()


def main():
    src, train, test = sys.argv[1:4]
    seed = sys.argv[4] if len(sys.argv) > 4 else "1"
    rows = {}
    with open(src) as f:
        for line in f:
            u, i, _, ts = line.split()
            rows.setdefault(u, []).append((int(ts), tie(seed, u, i), i))
    with open(train, "w") as tr, open(test, "w") as te:
        tr.write("user,item,ts\n")
        te.write("user,item\n")
        for u in sorted(rows, key=int):
            seq = [i for _, _, i in sorted(rows[u])]
            for rank, i in enumerate(seq[:-1]):
                tr.write(f"{u},{i},{rank}\n")
            te.write(f"{u},{seq[-1]}\n")


if __name__ == "__main__":
    main()
