#!/usr/bin/env bats
# Recommenders: rs-train's recommender kinds, rs-recommend and rs-predict
# on user,item pairs.  Known answers (hand-computed cosines, EASE's closed
# form by NumPy, ALS fold-in = the trained factors), filters, ties, fall-
# backs, determinism and errors.

setup() {
    load test_helper/common-setup
    _common_setup
    PY=/usr/bin/python3
}

# u1: a b; u2: a b c; u3: b c  (item vectors over users: a=(1,1,0) b=(1,1,1) c=(0,1,1))
toy() { printf 'user,item\nu1,a\nu1,b\nu2,a\nu2,b\nu2,c\nu3,b\nu3,c\n' > toy.csv; }

# 40 users x 25 items, about 30 % filled, seeded; values 1..5
random_ratings() {
    awk 'BEGIN { srand(11); print "user,item,value"
        for (u = 1; u <= 40; u++) for (i = 1; i <= 25; i++) if (rand() < 0.3) printf "u%d,i%d,%d\n", u, i, 1 + int(rand() * 5) }' > r.csv
}

# rs-recommend's output (user,item,rank,score) against the hand-computed
# list: user, item and rank exact, the score within 3e-7 of the value
# (scores are float and print to 8 significant digits).
scores_near() { # actual.csv expected.csv
    awk -F, 'NR == FNR { want[FNR] = $0; n = FNR; next }
        { split(want[FNR], w, ",")
          d = $4 - w[4]; if (d < 0) d = -d
          if ($1 != w[1] || $2 != w[2] || $3 != w[3] || d > 3e-7 * (w[4] < 0 ? -w[4] : w[4]) + 1e-12) {
              print "line " FNR ": " $0 ", want " want[FNR]; bad++ } }
        END { if (FNR != n) { print FNR " lines, want " n; bad++ }; exit bad > 0 }' "$2" "$1"
}

@test "itemknn: --similar gives the hand-computed cosines, with and without shrinkage" {
    toy
    rs-train --model itemknn --weighting none --shrink 0 -i toy.csv -o knn.rsm -q
    run rs-recommend -m knn.rsm --similar a -k 5
    # cos(a,b) = 2 / (sqrt 2 sqrt 3) = 0.8164966; cos(a,c) = 1 / (sqrt 2 sqrt 2) = 0.5
    assert_output "item,similar,rank,score
a,b,1,0.8164966
a,c,2,0.5"
    # 0/1 values without weighting: the shrinkage unit (mean squared value) is 1
    rs-train --model itemknn --weighting none --shrink 1 -i toy.csv -o knn1.rsm -q
    run rs-recommend -m knn1.rsm --similar b -k 5
    # b with a and with c: 2 / (sqrt 3 sqrt 2 + 1) = 2 / 3.4494897 = 0.5797959 (a tie: a was seen first)
    assert_output "item,similar,rank,score
b,a,1,0.5797959
b,c,2,0.5797959"
}

@test "itemknn: a user's score is the sum of the history's similarities; --explain names the biggest part" {
    toy
    rs-train --model itemknn --weighting none --shrink 0 -i toy.csv -o knn.rsm -q
    # u1 has a, b: score(c) = cos(a,c) + cos(b,c) = 0.5 + 0.8164966 = 1.3164966, because b
    run rs-recommend -m knn.rsm --users <(printf 'user\nu1\n') --explain
    assert_output "user,item,rank,score,because
u1,c,1,1.3164966,b"
    printf 'user,item\nu1,c\nu3,a\n' > pairs.csv
    run rs-predict -m knn.rsm -i pairs.csv
    assert_line --index 1 "u1,c,1.3164966"
    assert_line --index 2 "u3,a,1.3164966"
}

@test "userknn: scores are the hand-computed sums of neighbour similarity x value (shrink 10, --neighbors, --shrink 0)" {
    # user vectors over items a b c d: u1 = (3 4 0 0), u2 = (4 0 3 0), u3 = (0 2 4 4);
    # norms 5, 5, 6; dots u1.u2 = 12, u1.u3 = 8, u2.u3 = 12
    printf 'user,item,value\nu1,a,3\nu1,b,4\nu2,a,4\nu2,c,3\nu3,b,2\nu3,c,4\nu3,d,4\n' > uk.csv
    # --weighting none, shrink 10 and 100 neighbours (the defaults):
    # sim = dot / (|x| |y| + 10 m2), m2 the mean squared value (9+16+16+9+4+16+16)/7 = 86/7, so 10 m2 = 860/7:
    # s12 = 12/(25 + 860/7) = 28/345, s13 = 8/(30 + 860/7) = 28/535, s23 = 12/(30 + 860/7) = 42/535;
    # score(u, i) = sum_v s_uv x_vi
    # u1: a 4 s12, b 2 s13, c 3 s12 + 4 s13, d 4 s13
    # u2: a 3 s12, b 4 s12 + 2 s23, c 4 s23, d 4 s23 (tie: c first)
    # u3: a 3 s13 + 4 s23, b 4 s13, c 3 s23, d 0
    rs-train --model userknn --weighting none -i uk.csv -o uk.rsm -q
    run rs-predict --describe uk.rsm
    assert_line "shrink_applied 122.85714285714286"
    rs-recommend -m uk.rsm -k 5 --include-seen > recs.csv
    assert_equal "$(head -1 recs.csv)" "user,item,rank,score"
    tail -n +2 recs.csv > got.csv
    printf '%s\n' u1,c,1,0.4528240553 u1,a,2,0.3246376812 u1,d,3,0.2093457944 u1,b,4,0.1046728972 \
        u2,b,1,0.4816470270 u2,c,2,0.3140186916 u2,d,3,0.3140186916 u2,a,4,0.2434782609 \
        u3,a,1,0.4710280374 u3,c,2,0.2355140187 u3,b,3,0.2093457944 u3,d,4,0 > want.csv
    run scores_near got.csv want.csv
    assert_success
    # without --include-seen: only the unseen items, same scores
    rs-recommend -m uk.rsm -k 5 | tail -n +2 > got.csv
    printf '%s\n' u1,c,1,0.4528240553 u1,d,2,0.2093457944 u2,b,1,0.4816470270 u2,d,2,0.3140186916 \
        u3,a,1,0.4710280374 > want.csv
    run scores_near got.csv want.csv
    assert_success
    # rs-predict scores pairs the same way; an unknown item is 0, an unknown user gets popularity (c: 2)
    printf 'user,item\nu1,c\nu2,b\nu3,d\nu1,zz\nzz,c\n' > pairs.csv
    rs-predict -m uk.rsm -i pairs.csv -q | tail -n +2 | awk -F, '{ print $1 "," $2 ",1," $3 }' > got.csv
    printf '%s\n' u1,c,1,0.4528240553 u2,b,1,0.4816470270 u3,d,1,0 u1,zz,1,0 zz,c,1,2 > want.csv
    run scores_near got.csv want.csv
    assert_success
    # --neighbors 1 keeps the most similar user only: u1 -> u2 (s12), u2 -> u1 (s12), u3 -> u2 (s23)
    rs-train --model userknn --weighting none --neighbors 1 -i uk.csv -o uk1.rsm -q
    rs-recommend -m uk1.rsm -k 2 --include-seen | tail -n +2 > got.csv
    printf '%s\n' u1,a,1,0.3246376812 u1,c,2,0.2434782609 u2,b,1,0.3246376812 u2,a,2,0.2434782609 \
        u3,a,1,0.3140186916 u3,c,2,0.2355140187 > want.csv
    run scores_near got.csv want.csv
    assert_success
    # --shrink 0: plain cosines s12 = 12/25, s13 = 8/30, s23 = 12/30
    # u1: c 3 s12 + 4 s13 = 1.44 + 16/15, a 4 s12 = 1.92, d 4 s13 = 16/15, b 2 s13 = 8/15
    # u3: a 3 s13 + 4 s23 = 0.8 + 1.6 = 2.4, c 3 s23 = 1.2, b 4 s13 = 16/15
    rs-train --model userknn --weighting none --shrink 0 -i uk.csv -o uk0.rsm -q
    rs-recommend -m uk0.rsm -k 4 --include-seen --users <(printf 'user\nu1\nu3\n') | tail -n +2 > got.csv
    printf '%s\n' u1,c,1,2.5066666667 u1,a,2,1.92 u1,d,3,1.0666666667 u1,b,4,0.5333333333 \
        u3,a,1,2.4 u3,c,2,1.2 u3,b,3,1.0666666667 u3,d,4,0 > want.csv
    run scores_near got.csv want.csv
    assert_success
}

@test "ease: equals its closed form B = -P / diag(P), P = (X'X + l2 I)^-1, on a toy matrix" {
    random_ratings
    cut -d, -f1,2 r.csv > bin.csv
    rs-train --model ease --l2 3 -i bin.csv -o ease.rsm -q
    rs-recommend -m ease.rsm --similar i1,i7 -k 100 > sim.csv
    $PY -c '
import csv, numpy as np
rows = list(csv.DictReader(open("bin.csv")))
users = list(dict.fromkeys(r["user"] for r in rows)); items = list(dict.fromkeys(r["item"] for r in rows))
X = np.zeros((len(users), len(items)))
for r in rows: X[users.index(r["user"]), items.index(r["item"])] = 1
P = np.linalg.inv(X.T @ X + 3 * np.eye(len(items))); B = -P / np.diag(P); np.fill_diagonal(B, 0)
for r in csv.DictReader(open("sim.csv")):
    print("%.6f %s" % (B[items.index(r["item"]), items.index(r["similar"])], r["score"]))' > cmp.txt
    [ "$(wc -l < cmp.txt)" -eq 48 ]
    run awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > 1e-5) bad++ } END { exit bad > 0 }' cmp.txt
    assert_success
}

@test "als: folding in a model user's own rows reproduces the user's trained scores" {
    random_ratings
    rs-train --model als --factors 4 --epochs 40 --cg-steps 20 --l2 1 --alpha 2 -i r.csv -o als.rsm -q
    for u in u3 u17; do
        rs-recommend -m als.rsm --users <(printf 'user\n%s\n' $u) --include-seen -k 25 | cut -d, -f2,4 | sort > model.txt
        awk -F, -v u=$u -v OFS=, 'NR == 1 || $1 == u { if (NR > 1) $1 = "new"; print }' r.csv > h.csv
        rs-recommend -m als.rsm --history h.csv --include-seen -k 25 | cut -d, -f2,4 | sort > folded.txt
        [ "$(wc -l < model.txt)" -eq 26 ]
        run awk -F, 'NR == FNR { s[$1] = $2; next } FNR > 1 { d = s[$1] - $2; if (d < 0) d = -d; if (d > m) m = d; n++ }
                    END { printf "%d items, max diff %.2g\n", n, m; exit n != 25 || m > 2e-3 }' model.txt folded.txt
        echo "$u: $output"
        assert_success
    done
}

@test "seen items are excluded by default; --include-seen keeps them; --exclude and --allow filter" {
    toy
    rs-train --model pop -i toy.csv -o pop.rsm -q
    run rs-recommend -m pop.rsm -k 5
    assert_output "user,item,rank,score
u1,c,1,2
u3,a,1,2"
    run rs-recommend -m pop.rsm -k 5 --include-seen --users <(printf 'user\nu1\n')
    assert_output "user,item,rank,score
u1,b,1,3
u1,a,2,2
u1,c,3,2"
    printf 'item\nb\nzz\n' > ex.csv
    run rs-recommend -m pop.rsm -k 5 --include-seen --exclude ex.csv --users <(printf 'user\nu1\n')
    assert_output "user,item,rank,score
u1,a,1,2
u1,c,2,2"
    run rs-recommend -m pop.rsm -k 5 --include-seen --allow <(printf 'item\nc\n') --users <(printf 'user\nu1\n')
    assert_output "user,item,rank,score
u1,c,1,2"
}

@test "ties are broken by the item's first appearance, the same on every run and -j" {
    printf 'user,item\nx,z\ny,m\nw,a\nv,q\n' > ties.csv
    rs-train --model pop -i ties.csv -o pop.rsm -q
    run rs-recommend -m pop.rsm --users <(printf 'user\nnobody\n') -k 4 -q
    assert_output "user,item,rank,score
nobody,z,1,1
nobody,m,2,1
nobody,a,3,1
nobody,q,4,1"
    random_ratings
    rs-train --model als -i r.csv -o als.rsm -q
    rs-recommend -m als.rsm -k 7 -j 1 > a.csv
    rs-recommend -m als.rsm -k 7 -j 2 > b.csv
    cmp a.csv b.csv
}

@test "k larger than the catalogue writes every unseen item; an unknown user gets popularity, noted" {
    toy
    rs-train --model itemknn -i toy.csv -o knn.rsm -q
    run rs-recommend -m knn.rsm -k 100 --include-seen --users <(printf 'user\nu2\n')
    assert_equal "${#lines[@]}" 4
    run --separate-stderr rs-recommend -m knn.rsm -k 100 --users <(printf 'user\nu1\nghost\n')
    assert_stderr "rs-recommend: 1 of 2 users are neither in the model nor in --history: the most popular items instead"
    assert_line --index 2 "ghost,b,1,3"
    assert_equal "${#lines[@]}" 5
}

@test "--history: an empty history, unknown items, and kinds that cannot fold in" {
    toy
    rs-train --model ease -i toy.csv -o ease.rsm -q
    printf 'user,item\n' > empty.csv
    run --separate-stderr rs-recommend -m ease.rsm --history empty.csv
    assert_success
    assert_output "user,item,rank,score"
    printf 'user,item\nnew,a\nnew,unknown\nodd,unknown\n' > h.csv
    run --separate-stderr rs-recommend -m ease.rsm --history h.csv -k 2
    assert_success
    assert_line --index 0 "user,item,rank,score"
    assert_line --index 1 --regexp "^new,(b|c),1,"
    refute_output --partial "new,a,"
    random_ratings
    rs-train --model bpr --epochs 2 -i r.csv -o bpr.rsm -q
    printf 'user,item\nfresh,i1\n' > h2.csv
    run --separate-stderr rs-recommend -m bpr.rsm --history h2.csv -k 3
    assert_stderr --partial "a history cannot be folded into this kind"
    assert_line --index 1 --regexp "^fresh,"
}

@test "mf: rating predictions for pairs, clamped to the training range; unknown users and items" {
    random_ratings
    rs-train --model mf --factors 8 --epochs 30 -i r.csv -o mf.rsm -q
    run rs-predict --describe mf.rsm
    assert_line "kind mf"
    assert_line "rating_min 1"
    assert_line "rating_max 5"
    rs-predict -m mf.rsm -i r.csv --keep value > p.csv
    run awk -F, 'NR > 1 && ($3 < 1 || $3 > 5) { bad++ } END { exit bad > 0 }' p.csv
    assert_success
    run rs-eval reg -i p.csv --truth value --pred score --csv
    rmse=$(echo "$output" | awk -F, '$2 == "rmse" { print $3 }')
    # the ratings are uniform on 1..5 (standard deviation 1.41): the fit must explain part of them
    awk -v r="$rmse" 'BEGIN { exit !(r < 1.2) }'
    printf 'user,item\nu1,nope\nnobody,i1\n' > odd.csv
    run --separate-stderr rs-predict -m mf.rsm -i odd.csv
    assert_success
    assert_stderr "rs-predict: 1 pairs with a user and 1 with an item the model lacks"
    mean=$(rs-predict --describe mf.rsm | awk '$1 == "global_mean" { print $2 }')
    awk -v m="$mean" 'BEGIN { exit !(m > 2.5 && m < 3.5) }'
    rs-train --model mf --svdpp --factors 8 --epochs 5 -i r.csv -o svdpp.rsm -q
    run rs-predict --describe svdpp.rsm
    assert_line "svdpp 1"
    assert_line "tensor implicit_factors 25x8"
}

@test "mf needs a value column; bpr, als, mf are reproducible with --seed" {
    toy
    run --separate-stderr rs-train --model mf -i toy.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "unknown column 'value' in --value-col"
    random_ratings
    for kind in bpr als mf; do
        rs-train --model $kind --epochs 3 --seed 9 -i r.csv -o a.rsm -q
        rs-train --model $kind --epochs 3 --seed 9 -i r.csv -o b.rsm -q
        cmp a.rsm b.rsm
    done
    rs-train --model als --epochs 3 -j 1 -i r.csv -o j1.rsm -q
    rs-train --model als --epochs 3 -j 2 -i r.csv -o j2.rsm -q
    cmp j1.rsm j2.rsm
}

@test "content: TF-IDF cosine of item attributes; a never-bought item can be recommended" {
    printf 'item,title,color\nmug1,red coffee mug,red\nmug2,blue coffee mug,blue\nlamp,desk lamp,red\nmug3,green coffee mug,green\n' > items.csv
    printf 'user,item\nann,mug1\nann,mug2\nbob,lamp\n' > buys.csv
    rs-train --model content --item-features items.csv -i buys.csv -o content.rsm -q
    run rs-predict --describe content.rsm
    assert_line "n_items 4"
    run rs-recommend -m content.rsm --users <(printf 'user\nann\n') -k 1
    assert_output --partial "ann,mug3,1,"
    run rs-recommend -m content.rsm --similar mug1 -k 3
    assert_line --index 1 --regexp "^mug1,mug(2|3),1,"
    run --separate-stderr rs-train --model content -i buys.csv -o c.rsm
    assert_failure 2
    assert_stderr --partial "--item-features FILE"
}

@test "userknn and bpr recommend; pop --recent counts only the last days" {
    random_ratings
    rs-train --model userknn --neighbors 5 -i r.csv -o uk.rsm -q
    run rs-recommend -m uk.rsm -k 3 --users <(printf 'user\nu1\n')
    assert_equal "${#lines[@]}" 4
    printf 'user,item,ts\na,old,2020-01-01\nb,old,2020-01-02\nc,new,2020-03-01\n' > t.csv
    rs-train --model pop -i t.csv -o all.rsm -q
    rs-train --model pop --recent 30 -i t.csv -o recent.rsm -q
    run rs-recommend -m all.rsm --users <(printf 'user\nz\n') -k 1 -q
    assert_line --index 1 "z,old,1,2"
    run rs-recommend -m recent.rsm --users <(printf 'user\nz\n') -k 1 -q
    assert_line --index 1 "z,new,1,1"
    printf 'user,item\na,x\n' > nots.csv
    run --separate-stderr rs-train --model pop --recent 30 -i nots.csv -o r.rsm
    assert_failure 2
    assert_stderr --partial "--recent needs a time column"
}

@test "errors: supervised model, --explain with als, --similar with pop or an unknown item, bad -k" {
    random_ratings
    rs-train --model als -i r.csv -o als.rsm -q
    rs-train --model pop -i r.csv -o pop.rsm -q
    run --separate-stderr rs-recommend -m als.rsm --explain
    assert_failure 2
    assert_stderr --partial "--explain works with itemknn and ease models, not als"
    run --separate-stderr rs-recommend -m pop.rsm --similar i1
    assert_failure 2
    assert_stderr --partial "a pop model has no item-to-item similarities"
    run --separate-stderr rs-recommend -m als.rsm --similar nosuch
    assert_failure 1
    assert_stderr --partial "item 'nosuch' is not in the model"
    run --separate-stderr rs-recommend -m als.rsm -k 0
    assert_failure 2
    assert_stderr --partial "invalid -k '0'"
    run --separate-stderr rs-recommend
    assert_failure 2
    assert_stderr --partial "-m MODEL.rsm is required"
    printf 'a,y\n1,0\n2,1\n' > s.csv
    rs-train --model logreg --label y -i s.csv -o lr.rsm -q
    run --separate-stderr rs-recommend -m lr.rsm
    assert_failure 2
    assert_stderr --partial "a logreg model does not recommend"
    run --separate-stderr rs-train --model als --user-col who -i r.csv -o x.rsm
    assert_failure 2
    assert_stderr --partial "unknown column 'who' in --user-col"
    printf 'user,item,value\nu1,i1,abc\n' > badv.csv
    run --separate-stderr rs-train --model als -i badv.csv -o x.rsm
    assert_failure 1
    assert_stderr "rs-train: badv.csv:2: column value: 'abc' is not a finite number"
    size=$(stat -c %s als.rsm); head -c $((size / 2)) als.rsm > cut.rsm
    run --separate-stderr rs-recommend -m cut.rsm
    assert_failure 1
    assert_stderr --partial "cut.rsm"
}

@test "-v on training prints the loss per iteration; the summary names users, items and interactions" {
    random_ratings
    run --separate-stderr rs-train --model als --epochs 2 -v -i r.csv -o als.rsm
    assert_stderr --regexp "iteration 1 loss [0-9.e+]+"
    assert_stderr --regexp "rs-train: als: 40 users x 25 items, [0-9]+ interactions, 2 iterations \[user=user item=item value=value time=-\], [0-9.]+ s -> als.rsm"
    run --separate-stderr rs-train --model bpr --epochs 2 -v -i r.csv -o bpr.rsm
    assert_stderr --regexp "epoch 2 loss [0-9.]+"
    run --separate-stderr rs-train --model mf --epochs 2 -v -i r.csv -o mf.rsm
    assert_stderr --regexp "epoch 2 train_rmse [0-9.]+"
    run --separate-stderr rs-recommend -m als.rsm -v -k 3
    assert_stderr --partial "rs-recommend: als model, 40 users (0 from --history), 25 items, k 3"
}

@test "scale-out: rs-split --shard I/N and GNU parallel over one model equal the single run, byte for byte" {
    command -v parallel >/dev/null || skip "GNU parallel is not installed (scripts/install-deps installs it)"
    awk 'BEGIN { srand(21); print "user,item"
        for (n = 0; n < 3000; n++) { u = rand(); v = rand(); printf "c%d,p%d\n", int(300 * u * u), int(120 * v * v) } }' > orders.csv
    rs-train --model ease --l2 20 -i orders.csv -o ease.rsm -q
    rs-clean -q -i orders.csv --select user --dedupe -o users.csv
    printf 'user\nstranger\n' | tail -n +2 >> users.csv   # one user the model has never seen
    rs-recommend -q -m ease.rsm --users users.csv -k 5 -o single.csv
    parallel -j 3 "rs-split -i users.csv --shard {}/3 --key user | rs-recommend -q -m ease.rsm --users - -k 5 -o shard{}.csv" ::: 1 2 3
    [ "$(cat shard1.csv shard2.csv shard3.csv | grep -vc '^user,item')" -gt 1000 ]
    { head -1 single.csv; tail -q -n +2 shard1.csv shard2.csv shard3.csv | sort; } > union.csv
    { head -1 single.csv; tail -n +2 single.csv | sort; } > sorted.csv
    cmp union.csv sorted.csv
    # every shard got some users, and no user is in two shards
    for i in 1 2 3; do [ "$(tail -n +2 shard$i.csv | wc -l)" -gt 0 ]; done
    [ "$(tail -q -n +2 shard*.csv | cut -d, -f1 | sort -u | wc -l)" -eq "$(tail -n +2 single.csv | cut -d, -f1 | sort -u | wc -l)" ]
}

@test "a model path that is a FIFO is refused at once, never waited on" {
    mkfifo pipe.rsm
    run --separate-stderr timeout 10 rs-recommend -m pipe.rsm
    assert_failure 1
    assert_stderr --partial "pipe.rsm: not a valid rs model file (not a regular file)"
    printf 'user,item\nu,a\n' > pairs.csv
    run --separate-stderr timeout 10 rs-predict -m pipe.rsm -i pairs.csv
    assert_failure 1
    assert_stderr --partial "pipe.rsm: not a valid rs model file (not a regular file)"
}

@test "a side file that is a FIFO with no writer yet: a note on stderr while waiting, then it is read" {
    printf 'user,item\nu1,a\nu2,b\n' > r.csv
    rs-train --model pop -i r.csv -o m.rsm -q
    mkfifo users.fifo
    timeout 60 rs-recommend -m m.rsm --users users.fifo -k 1 -o out.csv 2> err.txt &
    pid=$!
    for _ in $(seq 150); do
        if grep -q "users.fifo: a FIFO: waiting for a writer (5 s so far)" err.txt; then break; fi
        sleep 0.1
    done
    run cat err.txt
    assert_output --partial "rs-recommend: users.fifo: a FIFO: waiting for a writer (5 s so far)"
    printf 'user\nu1\n' > users.fifo
    wait "$pid"
    run cat out.csv
    assert_output "user,item,rank,score
u1,b,1,1"
}

@test "id lists without a header lose no line: --users, --exclude, --allow, --similar FILE (issue 12)" {
    toy
    rs-train --model pop -i toy.csv -o pop.rsm -q
    rs-train --model itemknn --weighting none -i toy.csv -o knn.rsm -q
    # popularity: b 3, a 2, c 2.  The first lines u3 and b are ids of the
    # model, so they are data: u3 gets recommendations and b is excluded
    printf 'u3\nu1\n' > users.csv
    printf 'b\n' > out_of_stock.csv
    run --separate-stderr rs-recommend -m pop.rsm --include-seen -k 3 --users users.csv --exclude out_of_stock.csv
    assert_success
    assert_output $'user,item,rank,score\nu3,a,1,2\nu3,c,2,2\nu1,a,1,2\nu1,c,2,2'
    assert_stderr ''
    printf 'c\n' > allow.csv
    run --separate-stderr rs-recommend -m pop.rsm --include-seen -k 3 --users users.csv --allow allow.csv
    assert_output $'user,item,rank,score\nu3,c,1,2\nu1,c,1,2'
    run --separate-stderr rs-recommend -m knn.rsm -k 1 --similar allow.csv
    assert_output $'item,similar,rank,score\nc,b,1,0.16064915'
    # a first line that does not look like a name is an id, known or not
    printf '17850\nu1\n' > numeric.csv
    run --separate-stderr rs-recommend -m pop.rsm -k 1 --users numeric.csv
    assert_output $'user,item,rank,score\n17850,b,1,3\nu1,c,1,2'
}

@test "id lists with a header: the column's name is quiet, another name is read as a header with a warning" {
    toy
    rs-train --model pop -i toy.csv -o pop.rsm -q
    run --separate-stderr rs-recommend -m pop.rsm -k 1 --include-seen --users <(printf 'user\nu1\n') --exclude <(printf 'item\nb\n')
    assert_success
    assert_output $'user,item,rank,score\nu1,a,1,2'
    assert_stderr ''
    printf 'CustomerID\nu1\n' > named.csv
    run --separate-stderr rs-recommend -m pop.rsm -k 1 --users named.csv
    assert_success
    assert_output $'user,item,rank,score\nu1,c,1,2'
    assert_stderr "rs-recommend: named.csv:1: the first line, 'CustomerID', is read as a header: it is not an id of the model (with --no-header it is read as an id)"
    # --user-col names the header: quiet again (and names the output's user column)
    run --separate-stderr rs-recommend -m pop.rsm -k 1 --users named.csv --user-col CustomerID
    assert_output $'CustomerID,item,rank,score\nu1,c,1,2'
    assert_stderr ''
    # --no-header: every line is an id, even 'user'
    run --separate-stderr rs-recommend -m pop.rsm -k 1 --no-header --users <(printf 'user\nu1\n')
    assert_output $'user,item,rank,score\nuser,b,1,3\nu1,c,1,2'
    # several columns: a header is required, the column is found by name
    run --separate-stderr rs-recommend -m pop.rsm -k 1 --users <(printf 'user,segment\nu1,vip\n')
    assert_output $'user,item,rank,score\nu1,c,1,2'
}

@test "progress: rs-train's iterations and rs-recommend's users on stderr with --progress, nothing otherwise; same bytes out (issue 12)" {
    random_ratings
    run --separate-stderr rs-train --model als --epochs 2 -i r.csv -o quiet.rsm
    assert_success
    assert_stderr --regexp '^rs-train: als: 40 users x 25 items, [0-9]+ interactions, 2 iterations \[user=user item=item value=value time=-\], [0-9.]+ s -> quiet.rsm$'
    run --separate-stderr rs-train --model als --epochs 2 -i r.csv -o progress.rsm --progress
    assert_success
    assert_stderr --regexp '^rs-train: iteration 1 loss [0-9.e+]+
rs-train: iteration 2 loss [0-9.e+]+
rs-train: als: 40 users'
    cmp quiet.rsm progress.rsm
    run --separate-stderr rs-train --model bpr --epochs 2 -i r.csv -o p.rsm --progress -q
    assert_stderr ''
    run --separate-stderr rs-recommend -m quiet.rsm -k 3 --progress
    assert_success
    assert_stderr 'rs-recommend: users 40 of 40'
    printf '%s\n' "$output" > with.csv
    run --separate-stderr rs-recommend -m quiet.rsm -k 3
    assert_stderr ''
    printf '%s\n' "$output" > without.csv
    cmp with.csv without.csv
}

@test "progress on a terminal overwrites one line and is erased before the summary (issue 12)" {
    command -v script >/dev/null || skip "script(1) is not installed"
    random_ratings
    script -qc "rs-train --model als --epochs 2 -i r.csv -o tty.rsm" /dev/null > tty.txt
    # \r iteration 1 ... \r iteration 2 ... \r<blanks>\r summary
    run grep -c 'iteration 2 loss' tty.txt
    assert_output 1
    run bash -c "tr '\r' '\n' < tty.txt | grep -c '^rs-train: iteration [12] loss'"
    assert_output 2
    run bash -c "tr '\r' '\n' < tty.txt | grep -c '^rs-train: als: 40 users'"
    assert_output 1
    rs-train --model als --epochs 2 -i r.csv -o file.rsm -q
    cmp tty.rsm file.rsm
}
