#!/usr/bin/env bats
# Sequences (issue 20): ordered histories for the sequence kinds — time
# order with seeded tie-breaks, baskets, sessions — and the kinds that read
# them.  The library part (lib/io/sequences.c) has its unit test,
# tests/unit/test_sequences.c.

setup() {
    load test_helper/common-setup
    _common_setup
}

@test "--session-col and --basket-col are for the sequence kinds only" {
    printf 'user,item,ts,s\nu1,a,1,x\nu1,b,2,x\n' > t.csv
    run --separate-stderr rs-train --model ease --session-col s -i t.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--session-col is for the sequence kinds (markov, sknn, seqease, sasrec), not ease"
    run --separate-stderr rs-train --model itemknn --basket-col s -i t.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--basket-col is for the sequence kinds (markov, sknn, seqease, sasrec), not itemknn"
    run --separate-stderr rs-train --model linreg --label ts --session-col s -i t.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "session-col"
}

# u1: a b c d; u2: a b d; u3: b c a; u4: c b  (time order; the file is not)
# transitions: a->b 2; b->c 2, b->d 1; c->d 1, c->a 1, c->b 1; d: none
# popularity: a 3, b 4, c 3, d 2
chains() {
    printf 'user,item,ts\nu1,d,4\nu1,a,1\nu1,b,2\nu1,c,3\nu2,a,1\nu2,b,2\nu2,d,3\nu3,b,1\nu3,c,2\nu3,a,3\nu4,c,5\nu4,b,6\n' > chains.csv
}

@test "markov: scores are the decayed, shrunk transition counts worked out by hand" {
    chains
    rs-train --model markov --steps 2 --decay 0.5 --shrink 1 --backoff 0 -i chains.csv -o m.rsm -q
    printf 'u4\n' > u4.txt
    # u4 is c then b.  T = c / (n + 1): T(b,c) = 2/4, T(b,d) = 1/4; T(c,d) = T(c,a) = T(c,b) = 1/4.
    # score = 1 x T(b, .) + 0.5 x T(c, .): c 0.5, d 0.25 + 0.125, a 0.125, b 0.125 (tie: a first in the model)
    run rs-recommend -m m.rsm --users u4.txt --include-seen -k 5
    assert_output "user,item,rank,score
u4,c,1,0.5
u4,d,2,0.375
u4,a,3,0.125
u4,b,4,0.125"
    # one step, no shrinkage: T(b, .) = c 2/3, d 1/3; the seen items b and c are left out by default
    rs-train --model markov --steps 1 --shrink 0 --backoff 0 -i chains.csv -o m1.rsm -q
    run rs-recommend -m m1.rsm --users u4.txt -k 5
    assert_output "user,item,rank,score
u4,d,1,0.33333334
u4,a,2,0"
}

@test "markov: the back-off ranks what no transition reaches by popularity" {
    chains
    rs-train --model markov --backoff 0.5 -i chains.csv -o m.rsm -q
    printf 'u1\n' > u1.txt
    # u1 ends with d, which nothing follows: 0.5 x popularity / 4 = b 0.5, a 0.375, c 0.375, d 0.25
    run rs-recommend -m m.rsm --users u1.txt --include-seen -k 4
    assert_output "user,item,rank,score
u1,b,1,0.5
u1,a,2,0.375
u1,c,3,0.375
u1,d,4,0.25"
    run rs-predict -m m.rsm -i <(printf 'user,item\nu1,b\nu4,d\n')
    # u4 ends with b: T(b,d) = 1/3, plus 0.5 x 2/4
    assert_output "user,item,score
u1,b,0.5
u4,d,0.5833334"
}

@test "markov --baskets: every item of a basket leads to every item of the next; a basket scores as its mean" {
    # u1: {a b} at 1, {c} at 2; u2: {a} at 1, {c d} at 2 -> a->c 2, a->d 1, b->c 1
    printf 'user,item,ts\nu1,a,1\nu1,b,1\nu1,c,2\nu2,a,1\nu2,c,2\nu2,d,2\n' > b.csv
    rs-train --model markov --baskets --backoff 0 -i b.csv -o m.rsm -q
    printf 'user,item,ts\nz,b,5\nz,a,5\n' > h.csv
    # z's last basket {a b}: (T(a, .) + T(b, .)) / 2 = c (2/3 + 1) / 2, d (1/3) / 2
    run rs-recommend -m m.rsm --history h.csv -k 3
    assert_output "user,item,rank,score
z,c,1,0.8333334
z,d,2,0.16666667"
    # the same baskets named by --basket-col at distinct times
    printf 'user,item,ts,inv\nu1,a,1,i1\nu1,b,2,i1\nu1,c,3,i2\nu2,a,1,i3\nu2,c,2,i4\nu2,d,3,i4\n' > bc.csv
    rs-train --model markov --baskets --basket-col inv --backoff 0 -i bc.csv -o m2.rsm -q
    run rs-recommend -m m2.rsm --history h.csv -k 3
    assert_output "user,item,rank,score
z,c,1,0.8333334
z,d,2,0.16666667"
}

@test "markov --session-col: transitions within sessions only; one-event sessions add none" {
    printf 'user,item,ts,s\nu1,a,1,s1\nu1,b,2,s1\nu1,c,3,s2\nu1,d,4,s2\nu1,e,5,s3\n' > s.csv
    rs-train --model markov --session-col s --backoff 0 -i s.csv -o m.rsm -q
    run rs-recommend -m m.rsm --similar b,a -k 3
    assert_output "item,similar,rank,score
a,b,1,1"
    run rs-predict --describe m.rsm
    assert_line "n_transitions 2"
    assert_line "n_sequences 3"
    assert_line "session_col s"
    # without sessions, b -> c and d -> e are transitions too
    rs-train --model markov --backoff 0 -i s.csv -o m2.rsm -q
    run rs-recommend -m m2.rsm --similar b -k 3
    assert_output "item,similar,rank,score
b,c,1,1"
}

@test "markov: time ties follow the seeded hash, not the file order; --history keeps its own order" {
    chains
    printf 'v,x,1\nv,y,1\nw,q,1\n' >> chains.csv
    printf 'user,item,ts\nw,q,1\nv,y,1\nv,x,1\n' > swapped.csv
    tail -n +2 chains.csv | grep -v '^[vw],' >> swapped.csv
    rs-train --model markov -i chains.csv -o a.rsm -q
    rs-train --model markov -i swapped.csv -o b.rsm -q
    run rs-predict --describe a.rsm
    assert_line "n_transitions 9"
    # the same events in another file order: the same transitions (x->y or y->x, by the hash)
    run bash -c "rs-recommend -m a.rsm --similar x,y -k 2 | sort"
    expected=$output
    run bash -c "rs-recommend -m b.rsm --similar x,y -k 2 | sort"
    assert_output "$expected"
    assert_line --regexp '^(x,y|y,x),1,1$'
    # --history with a time column: by time (b last: T(b, .) leads); without: file order (c last)
    rs-train --model markov --backoff 0 -i chains.csv -o m.rsm -q
    printf 'user,item,ts\nz,b,2\nz,c,1\n' > h.csv
    run rs-recommend -m m.rsm --history h.csv -k 1
    assert_output "user,item,rank,score
z,d,1,0.33333334"
    printf 'user,item\nz,b\nz,c\n' > h2.csv
    run rs-recommend -m m.rsm --history h2.csv -k 2
    assert_output "user,item,rank,score
z,d,1,0.33333334
z,a,2,0.33333334"
}

@test "bad input: one-event sequences and one-event sessions train (no transitions: popularity); unknown history items are skipped" {
    printf 'user,item,ts,s\nu1,a,1,s1\nu2,a,1,s2\nu3,b,1,s3\nu1,b,2,s4\n' > one.csv
    rs-train --model markov --session-col s -i one.csv -o m.rsm -q
    run rs-predict --describe m.rsm
    assert_line "n_transitions 0"
    assert_line "n_sequences 4"
    # nothing follows anything: the back-off alone, 0.01 x popularity / 2
    run rs-recommend -m m.rsm --include-seen -k 2 --users <(printf 'u3\n')
    assert_output "user,item,rank,score
u3,a,1,0.01
u3,b,2,0.01"
    printf 'user,item,ts\nu1,a,1\nu2,a,1\n' > single.csv
    rs-train --model markov -i single.csv -o s.rsm -q
    run rs-predict --describe s.rsm
    assert_line "n_transitions 0"
    # a history of items the model never saw: skipped; nothing left, so popularity (noted)
    chains
    rs-train --model markov --backoff 0 -i chains.csv -o c.rsm -q
    printf 'user,item,ts\nz,b,1\nz,new,2\ny,new,1\n' > h.csv
    run --separate-stderr rs-recommend -m c.rsm --history h.csv --users <(printf 'z\ny\n') -k 1
    assert_output "user,item,rank,score
z,c,1,0.6666667
y,b,1,4"
    assert_stderr --partial "1 of 2 users are neither in the model nor in --history"
}

@test "sknn: neighbours by position-weighted overlap with the last items, scores summed similarities (worked by hand)" {
    printf 'user,item,ts\nu1,a,1\nu1,b,2\nu1,c,3\nu2,a,1\nu2,b,2\nu2,d,3\nu3,b,1\nu3,c,2\n' > k.csv
    printf 'u3\n' > u3.txt
    # u3's last items: c (weight 1), b (1 - 1/2); its own session is skipped.  u1 = {a b c} holds both:
    # sim 1.5 / sqrt(2 x 3) = 0.6123724; u2 = {a b d} holds b: 0.5 / sqrt 6 = 0.2041241.
    # a: u1 + u2 = 0.8164966, d: u2 (b, c seen)
    rs-train --model sknn -i k.csv -o m.rsm -q
    run rs-recommend -m m.rsm --users u3.txt -k 3
    assert_output "user,item,rank,score
u3,a,1,0.81649655
u3,d,2,0.20412414"
    # --position-weight none: u1 2 / sqrt 6, u2 1 / sqrt 6
    rs-train --model sknn --position-weight none -i k.csv -o m2.rsm -q
    run rs-recommend -m m2.rsm --users u3.txt -k 3
    assert_output "user,item,rank,score
u3,a,1,1.2247448
u3,d,2,0.40824828"
    # one neighbour: u1 alone (d, in no neighbour, scores 0)
    rs-train --model sknn --neighbors 1 -i k.csv -o m3.rsm -q
    run rs-recommend -m m3.rsm --users u3.txt -k 3
    assert_output "user,item,rank,score
u3,a,1,0.6123724
u3,d,2,0"
    # a session in progress, d then b (weights 0.5, 1): u2 (1 + 0.5) / sqrt(2 x 3), u1 1 / sqrt 6,
    # u3 = {b c} 1 / sqrt(2 x 2): a 1.0206207, c 0.9082483
    printf 'user,item,ts\nz,d,1\nz,b,2\n' > h.csv
    run rs-recommend -m m.rsm --history h.csv -k 2
    assert_output "user,item,rank,score
z,a,1,1.0206207
z,c,2,0.9082483"
}

@test "sknn: --session-items keeps each training session's N most recent items; filters and the popularity fallback on the sparse ranking (worked by hand)" {
    printf 'user,item,ts\nu1,a,1\nu1,b,2\nu1,c,3\nu2,a,1\nu2,b,2\nu2,d,3\nu3,b,1\nu3,c,2\n' > k.csv
    printf 'u3\n' > u3.txt
    # --session-items 2: u1 = {b c}, u2 = {b d}; u3's query is still c (1), b (0.5):
    # u1 1.5 / sqrt(2 x 2) = 0.75, u2 0.5 / sqrt(2 x 2) = 0.25; d 0.25, and a, in no session now, 0
    rs-train --model sknn --session-items 2 -i k.csv -o s2.rsm -q
    run rs-recommend -m s2.rsm --users u3.txt -k 3
    assert_output "user,item,rank,score
u3,d,1,0.25
u3,a,2,0"
    run rs-train --model sknn --session-items -1 -i k.csv -o x.rsm -q
    assert_failure 2
    assert_output --partial "invalid --session-items '-1' (expected 0 <= X <= 1073741824)"
    # the default keeps 20: u9's oldest of 21 items, x1, is dropped, so q (x1, then y) has no neighbour and
    # x2 (first unseen in model order) scores 0; with all items u9 holds x1: 0.5 / sqrt(2 x 21) = 0.0771517
    # (0.07715168 in float32)
    { echo user,item,ts; for i in $(seq 1 21); do echo "u9,x$i,$i"; done; printf 'q,x1,1\nq,y,2\n'; } > long.csv
    rs-train --model sknn -i long.csv -o d.rsm -q
    run rs-recommend -m d.rsm --users <(printf 'q\n') -k 1
    assert_output "user,item,rank,score
q,x2,1,0"
    rs-train --model sknn --session-items 0 -i long.csv -o all.rsm -q
    run rs-recommend -m all.rsm --users <(printf 'q\n') -k 1
    assert_output "user,item,rank,score
q,x2,1,0.07715168"
    # all items (the first test's model): a = b = u1 + u2 = 0.8164966 (tie: a first, in model order), c u1
    rs-train --model sknn -i k.csv -o m.rsm -q
    run rs-recommend -m m.rsm --users u3.txt -k 3 --include-seen
    assert_output "user,item,rank,score
u3,a,1,0.81649655
u3,b,2,0.81649655
u3,c,3,0.6123724"
    printf 'a\n' > ex.txt
    run rs-recommend -m m.rsm --users u3.txt -k 3 --exclude ex.txt
    assert_output "user,item,rank,score
u3,d,1,0.20412414"
    printf 'c\nd\n' > allow.txt
    run rs-recommend -m m.rsm --users u3.txt -k 3 --allow allow.txt
    assert_output "user,item,rank,score
u3,d,1,0.20412414"
    # a user the model lacks: popularity b 3, a 2, c 2, d 1
    run --separate-stderr rs-recommend -m m.rsm --users <(printf 'u3\nnobody\n') -k 4
    assert_output "user,item,rank,score
u3,a,1,0.81649655
u3,d,2,0.20412414
nobody,b,1,3
nobody,a,2,2
nobody,c,3,2
nobody,d,4,1"
}

@test "buyagain: the user's own counts first, then popularity / (top + 1); seen items need --include-seen" {
    printf 'user,item\nu1,a\nu1,b\nu1,a\nu2,c\nu2,c\nu2,b\nu3,c\n' > r.csv
    rs-train --model buyagain -i r.csv -o m.rsm -q
    # popularity a 2, b 2, c 3 -> x 1/4; u1 bought a twice, b once
    run rs-recommend -m m.rsm --users <(printf 'u1\n') --include-seen -k 3
    assert_output "user,item,rank,score
u1,a,1,2.5
u1,b,2,1.5
u1,c,3,0.75"
    # default: what u1 has is left out
    run rs-recommend -m m.rsm --users <(printf 'u1\n') -k 3
    assert_output "user,item,rank,score
u1,c,1,0.75"
    # a history folds in; pairs score the same way
    printf 'user,item\nz,b\nz,b\nz,b\n' > h.csv
    run rs-recommend -m m.rsm --history h.csv --include-seen -k 1
    assert_output "user,item,rank,score
z,b,1,3.5"
    run rs-predict -m m.rsm -i <(printf 'user,item\nu2,c\n')
    assert_output "user,item,score
u2,c,2.75"
}

# Three pairs of items, each bought together once and its first item once
# more alone: with --l2 1, X'X + I = [[3,1],[1,2]] per pair, P = its inverse
# = [[2,-1],[-1,3]] / 5, so B(first -> second) = -P_12 / P_22 = 1/3 and
# B(second -> first) = -P_21 / P_11 = 1/2; nothing across pairs.
pairs() {
    printf 'user,item,ts\nu1,a,1\nu1,b,2\nu2,a,1\nu3,c,1\nu3,d,2\nu4,c,1\nu5,e,1\nu5,f,2\nu6,e,1\n' > pairs.csv
}

# "user,item,rank,score" lines of a recommendation, scores to 6 places
rounded() { awk -F, 'NR > 1 { printf "%s,%s,%s,%.6f\n", $1, $2, $3, $4 }' "$@"; }

@test "seqease: EASE's closed form read with recency, worked by hand" {
    pairs
    rs-train --model seqease --l2 1 --recency 0.5 -i pairs.csv -o m.rsm -q
    run rs-predict --describe m.rsm
    assert_line "recency 0.5"
    assert_line "l2 1"
    rs-recommend -m m.rsm --similar a,b -k 1 > sim.csv
    run rounded sim.csv
    assert_output "a,b,1,0.333333
b,a,1,0.500000"
    # a then c: x_a = 0.5, x_c = 1, so d = 1/3, b = 0.5 x 1/3 (a, c are the history's: left out)
    printf 'user,item,ts\nz,a,1\nz,c,2\n' > h.csv
    rs-recommend -m m.rsm --history h.csv -k 3 > r.csv
    run rounded r.csv
    assert_output "z,d,1,0.333333
z,b,2,0.166667
z,e,3,0.000000"
    # a again after c: an item weighs by its most recent step (1), not the sum of its steps
    printf 'user,item,ts\nz,a,1\nz,c,2\nz,a,3\n' > h.csv
    rs-recommend -m m.rsm --history h.csv -k 2 > r.csv
    run rounded r.csv
    assert_output "z,b,1,0.333333
z,d,2,0.166667"
    # --recency 0: the last step alone
    rs-train --model seqease --l2 1 --recency 0 -i pairs.csv -o m0.rsm -q
    rs-recommend -m m0.rsm --history h.csv -k 2 > r.csv
    run rounded r.csv
    assert_output "z,b,1,0.333333
z,d,2,0.000000"
}

@test "seqease --baskets: every item of the last basket weighs 1, the basket before recency" {
    pairs
    # c and e at one time: one basket.  Without --baskets the hash orders them (one 1, one 0.5) and a gets 0.25
    printf 'user,item,ts\nz,a,1\nz,c,2\nz,e,2\n' > h.csv
    rs-train --model seqease --l2 1 --recency 0.5 -i pairs.csv -o m.rsm -q
    rs-recommend -m m.rsm --history h.csv -k 3 > r.csv
    rounded r.csv | cut -d, -f2,4 | sort > sorted.txt
    run cat sorted.txt
    assert_output --regexp '^b,0.083333
(d,0.333333
f,0.166667|d,0.166667
f,0.333333)$'
    rs-train --model seqease --l2 1 --recency 0.5 --baskets -i pairs.csv -o mb.rsm -q
    rs-recommend -m mb.rsm --history h.csv -k 3 > r.csv
    run rounded r.csv
    assert_output "z,d,1,0.333333
z,f,2,0.333333
z,b,3,0.166667"
    # --basket-col: an invoice is the basket whatever the times
    printf 'user,item,ts,inv\nu1,a,1,i1\nu1,b,2,i1\nu2,a,1,i2\nu3,c,1,i3\nu3,d,2,i3\nu4,c,1,i4\nu5,e,1,i5\nu5,f,2,i5\nu6,e,1,i6\n' > inv.csv
    rs-train --model seqease --l2 1 --recency 0.5 --baskets --basket-col inv -i inv.csv -o mi.rsm -q
    run rs-predict --describe mi.rsm
    assert_line "baskets 1"
}

@test "seqease --recency 1 scores as ease on 0/1 values; -j and pairs agree with the lists" {
    chains
    rs-train --model ease --l2 2 -i chains.csv -o e.rsm -q
    rs-train --model seqease --l2 2 --recency 1 -i chains.csv -o s.rsm -q
    rs-recommend -m e.rsm -k 4 > e.csv
    rs-recommend -m s.rsm -k 4 > s.csv
    run rounded s.csv
    assert_output "$(rounded e.csv)"
    # u1 has all four items, u2 and u3 three, u4 two: 0 + 1 + 1 + 2 rows
    assert_equal "$(wc -l < s.csv)" 5
    # the same bytes on 2 threads; rs-predict's pair scores are the list's scores
    rs-train --model seqease --l2 2 --recency 0.5 -i chains.csv -o s5.rsm -q
    rs-recommend -m s5.rsm -k 4 > one.csv
    rs-recommend -m s5.rsm -k 4 -j 2 > two.csv
    run cmp one.csv two.csv
    assert_success
    printf 'user,item\nu4,d\nu4,a\n' > pairs_in.csv
    rs-predict -m s5.rsm -i pairs_in.csv -o p.csv
    run grep '^u4,' one.csv
    assert_output "u4,a,1,0.4
u4,d,2,0.1875"
    run cat p.csv
    assert_output "user,item,score
u4,d,0.1875
u4,a,0.4"
}

# the --similar rows of model $2 minus those of model $1, "item:similar,difference"
next_part() {
    rs-recommend -m "$1" --similar a,c -k 2 | tail -n +2 | awk -F, '{ print $1 ":" $2 "," $4 }' | sort > base.txt
    rs-recommend -m "$2" --similar a,c -k 2 | tail -n +2 | awk -F, '{ print $1 ":" $2 "," $4 }' | sort > with.txt
    join -t, base.txt with.txt | awk -F, '{ printf "%s,%.6f\n", $1, $3 - $2 }'
}

@test "seqease --next: the next-step ridge regression worked by hand, --next-window cuts the source" {
    # u1, u2: a b; u3: c a b.  Rows (source -> target), recency 0.5: a -> b twice, c -> a, (a 1, c 0.5) -> b.
    # S'S + I over (a, c) = [[4, 0.5], [0.5, 2.25]] (det 8.75), S'Y: a->b 3, c->b 0.5, c->a 1.
    # N(., b) = [3 x 2.25 - 0.5 x 0.5, 4 x 0.5 - 0.5 x 3] / 8.75 = [0.742857, 0.057143]
    # N(., a) = [-0.5, 4] / 8.75 = [-0.057143, 0.457143]; nothing reaches c
    printf 'user,item,ts\nu1,a,1\nu1,b,2\nu2,a,1\nu2,b,2\nu3,c,1\nu3,a,2\nu3,b,3\n' > nx.csv
    rs-train --model seqease --l2 1 --recency 0.5 -i nx.csv -o m0.rsm -q
    rs-train --model seqease --l2 1 --recency 0.5 --next 1 -i nx.csv -o m1.rsm -q
    run next_part m0.rsm m1.rsm
    assert_output "a:b,0.742857
a:c,0.000000
c:a,0.457143
c:b,0.057143"
    # --next 2 adds twice as much
    rs-train --model seqease --l2 1 --recency 0.5 --next 2 -i nx.csv -o m2.rsm -q
    run next_part m0.rsm m2.rsm
    assert_line "a:b,1.485714"
    assert_line "c:a,0.914286"
    # --next-window 1: u3's b sees a alone: S'S + I = [[4, 0], [0, 2]], N(a, b) = 3/4, N(c, a) = 1/2, N(c, b) = 0
    rs-train --model seqease --l2 1 --recency 0.5 --next 1 --next-window 1 -i nx.csv -o w1.rsm -q
    run next_part m0.rsm w1.rsm
    assert_output "a:b,0.750000
a:c,0.000000
c:a,0.500000
c:b,0.000000"
    run rs-predict --describe w1.rsm
    assert_line "next_window 1"
    assert_line "next 1"
}

@test "seqease: bad options and input" {
    pairs
    run --separate-stderr rs-train --model seqease --recency 1.5 -i pairs.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "rs-train: invalid --recency '1.5' (expected 0 <= X <= 1)"
    run --separate-stderr rs-train --model ease --recency 0.5 -i pairs.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--recency is not an option of --model ease"
    run --separate-stderr rs-train --model seqease --next -1 -i pairs.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "rs-train: invalid --next '-1'"
    run --separate-stderr rs-train --model seqease --next-window 0 -i pairs.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "rs-train: invalid --next-window '0'"
    # one-event sequences train; an unknown history item is skipped; nothing known: popularity
    printf 'user,item,ts\nu1,a,1\nu2,b,1\nu3,a,1\n' > single.csv
    rs-train --model seqease --l2 1 -i single.csv -o s.rsm -q
    printf 'user,item,ts\nz,new,1\nz,a,2\ny,new,1\n' > h.csv
    run --separate-stderr rs-recommend -m s.rsm --history h.csv --users <(printf 'z\ny\n') -k 1
    assert_output "user,item,rank,score
z,b,1,0
y,a,1,2"
    assert_stderr --partial "1 of 2 users are neither in the model nor in --history"
}

@test "rs-tune refuses the sequence kinds (its validation split ignores order)" {
    chains
    run --separate-stderr rs-tune --model markov --budget 2 -i chains.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "markov reads order, which rs-tune's split ignores"
    run --separate-stderr rs-tune --model sknn --budget 2 -i chains.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "sknn reads order"
    run --separate-stderr rs-tune --model seqease --budget 2 -i chains.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "seqease reads order"
}
