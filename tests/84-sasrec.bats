#!/usr/bin/env bats
# The sasrec kind (issue 20): a self-attention next-item model.  Its
# gradients are checked against finite differences in
# tests/unit/test_sasrec.c; here: it learns a sequence rule no unordered
# model can, it reads --history in order, its embeddings and --similar
# agree with a cosine computed from them by awk, the same seed and -j give
# the same bytes, and its errors.

setup() {
    load test_helper/common-setup
    _common_setup
}

# 80 users walk a cycle of 12 items (i0 -> i1 -> ... -> i11 -> i0) from a
# random start for 4..10 steps: the next item is the last one's successor.
cycle() {
    awk 'BEGIN { srand(7); print "user,item,ts"
        for (u = 1; u <= 80; u++) { s = int(rand() * 12); n = 4 + int(rand() * 7)
            for (t = 0; t < n; t++) printf "u%d,i%d,%d\n", u, (s + t) % 12, 100 - n + t } }' > c.csv
}

quick() { # model output [options]
    local out=$1
    shift
    rs-train --model sasrec --dim 16 --blocks 1 --maxlen 10 --epochs 40 --eval-every 20 --dropout 0 --lr 0.01 \
        --batch 16 -j 1 -q -i c.csv -o "$out" "$@"
}

# Users of recs.csv (user,item,rank,score) whose item is not the successor
# of their last item in c.csv.
wrong_next() { # recs.csv
    awk -F, 'NR == FNR { if (FNR > 1) { sub(/^i/, "", $2); last[$1] = $2 }; next }
        FNR > 1 { sub(/^i/, "", $2); if ($2 != (last[$1] + 1) % 12) print $1 }' c.csv "$1"
}

@test "sasrec learns the cycle: every user's top item is the successor of the last (one negative and softmax)" {
    cycle
    quick neg.rsm --epochs 60
    rs-recommend -m neg.rsm -k 1 > neg.csv
    run wrong_next neg.csv
    assert_output ""
    run wc -l < neg.csv
    assert_output "81"
    quick soft.rsm --negatives 0
    rs-recommend -m soft.rsm -k 1 --include-seen > soft.csv
    run wrong_next soft.csv
    assert_output ""
}

@test "sasrec records its options, the best epoch and the validation NDCG@10 (1 on the cycle)" {
    cycle
    quick m.rsm --negatives 0 --window random
    run rs-predict --describe m.rsm
    assert_line "dim 16"
    assert_line "blocks 1"
    assert_line "maxlen 10"
    assert_line "negatives 0"
    assert_line "window random"
    assert_line "best_epoch 20"
    assert_line "valid_ndcg10 1"
    assert_line "epochs_run 40"
    # params: items 12x16 + positions 10x16 + one block (4x16 + 16x48 + 2x(16x16+16)) + 2x16
    assert_line "tensor params 1x1760"
}

@test "sasrec --history: a session is read in its time order (3,4,5 -> 6; 5,4,3 -> 4)" {
    cycle
    quick m.rsm --negatives 0
    printf 'user,item,ts\nfwd,i3,1\nfwd,i4,2\nfwd,i5,3\nrev,i3,3\nrev,i4,2\nrev,i5,1\n' > h.csv
    run rs-recommend -m m.rsm --history h.csv -k 1 --include-seen
    assert_success
    assert_line --index 1 --regexp '^fwd,i6,1,'
    assert_line --index 2 --regexp '^rev,i4,1,'
}

@test "sasrec --patience: stops after N evaluations without a better validation NDCG" {
    cycle
    quick m.rsm --negatives 0 --epochs 100 --eval-every 5 --patience 2
    run rs-predict --describe m.rsm
    # NDCG reaches 1 by epoch 5 or 10 and cannot improve: two more evaluations
    assert_line --regexp '^epochs_run (15|20)$'
}

@test "sasrec: the same seed and -j give the same bytes; another seed another model" {
    cycle
    quick a.rsm --dropout 0.2 -j 2 --seed 3
    quick b.rsm --dropout 0.2 -j 2 --seed 3
    quick c.rsm --dropout 0.2 -j 2 --seed 4
    cmp a.rsm b.rsm
    run cmp -s a.rsm c.rsm
    assert_failure
}

@test "sasrec --embeddings-out: item,e1..eD rows; --similar is their cosine (awk)" {
    cycle
    quick m.rsm --embeddings-out emb.csv
    run head -1 emb.csv
    assert_output "item,e1,e2,e3,e4,e5,e6,e7,e8,e9,e10,e11,e12,e13,e14,e15,e16"
    run awk -F, 'NR > 1 && NF == 17' emb.csv
    assert_equal "${#lines[@]}" 12
    # the cosine of i3 with every other item, highest first
    awk -F, 'NR > 1 { id[NR] = $1; for (k = 2; k <= NF; k++) e[NR, k] = $k; if ($1 == "i3") me = NR; n = NR }
        END { for (r = 2; r <= n; r++) { if (r == me) continue; d = a = b = 0
                for (k = 2; k <= 17; k++) { d += e[r, k] * e[me, k]; a += e[r, k]^2; b += e[me, k]^2 }
                printf "%s %.5f\n", id[r], d / sqrt(a * b) } }' emb.csv | sort -k2,2gr | head -3 > want.txt
    rs-recommend -m m.rsm --similar i3 -k 3 | awk -F, 'NR > 1 { printf "%s %.5f\n", $2, $4 }' > got.txt
    run diff want.txt got.txt
    assert_success
    run wc -l < got.txt
    assert_output "3"
}

@test "sasrec: with no sequence of 3 items every pair trains and nothing validates; single items are an error" {
    printf 'user,item,ts\nu1,a,1\nu1,b,2\nu2,b,1\nu2,c,2\n' > pairs.csv
    rs-train --model sasrec --dim 4 --blocks 1 --maxlen 4 --epochs 3 -i pairs.csv -o m.rsm
    run rs-predict --describe m.rsm
    assert_line "valid_ndcg10 none"
    assert_line "best_epoch 3"
    assert_line "epochs_run 3"
    printf 'user,item,ts\nu1,a,1\nu2,b,1\nu3,b,1\n' > single.csv
    run --separate-stderr rs-train --model sasrec -i single.csv -o m1.rsm
    assert_failure 1
    assert_stderr --partial "sasrec learns from what follows what: every sequence has one item (3 sequences)"
    assert [ ! -e m1.rsm ]
}

@test "sasrec: out-of-range options are usage errors naming the range" {
    cycle
    run --separate-stderr rs-train --model sasrec --dim 0 -i c.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--dim"
    run --separate-stderr rs-train --model sasrec --blocks 9 -i c.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--blocks"
    run --separate-stderr rs-train --model sasrec --dropout 1 -i c.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--dropout"
    run --separate-stderr rs-train --model sasrec --window first -i c.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--window"
    run --separate-stderr rs-train --model sasrec --factors 8 -i c.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--factors is not an option of --model sasrec"
}

@test "sasrec: users the model does not know, with no history, get the popular items" {
    cycle
    quick m.rsm
    printf 'user\nnobody\n' > who.csv
    run --separate-stderr rs-recommend -m m.rsm --users who.csv -k 1
    assert_success
    # popularity: the item's count in c.csv (here one item leads alone)
    top=$(awk -F, 'NR > 1 { n[$2]++ } END { for (i in n) print n[i], i }' c.csv | sort -k1,1nr | head -1)
    assert_line --index 1 "nobody,${top#* },1,${top% *}"
    assert_stderr --partial "1 of 1 users are neither in the model nor in --history"
}

@test "sasrec --refit trains the best epoch count again, validation items included; --window random reads other runs" {
    cycle
    quick plain.rsm --negatives 0
    quick refit.rsm --negatives 0 --refit
    run rs-predict --describe refit.rsm
    assert_line "best_epoch 20"
    assert_line "refit_epochs 20"
    run rs-predict --describe plain.rsm
    assert_line "refit_epochs 0"
    run cmp -s plain.rsm refit.rsm
    assert_failure
    rs-recommend -m refit.rsm -k 1 > refit.csv
    run wrong_next refit.csv
    assert_output ""
    # maxlen 3: sequences of 4..10 items are longer than a window of 4
    quick last.rsm --maxlen 3
    quick random.rsm --maxlen 3 --window random
    run cmp -s last.rsm random.rsm
    assert_failure
    rs-recommend -m random.rsm -k 1 > random.csv
    run wrong_next random.csv
    assert_output ""
}
