#!/usr/bin/env bats
# The text tokeniser (lib/features/text.c, shared with rs-features encode
# --text): Unicode case folding and word boundaries, invalid UTF-8.  The
# buckets of given strings are fixed by tests/unit/test_text.c.

setup() {
    load test_helper/common-setup
    _common_setup
}

# "loss accuracy" when MODEL's recorded valid_loss and valid_accuracy are
# the mean -log p(true class) and the share right of rs-predict's
# probabilities on FILE (label column intent, last); else the differences.
valid_numbers_of() {
    local loss acc
    loss=$(rs-predict --describe "$1" | awk '$1 == "valid_loss" { print $2 }')
    acc=$(rs-predict --describe "$1" | awk '$1 == "valid_accuracy" { print $2 }')
    rs-predict -m "$1" -i "$2" --proba --keep intent > valid_p.csv
    awk -F, -v loss="$loss" -v acc="$acc" 'NR == 1 { for (j = 1; j <= NF; j++) col[$j] = j; next }
        { n++; l -= log($(col["proba_" $NF])); ok += $2 == $NF }
        END { d = l / n - loss; e = ok / n - acc; print (d < 1e-5 && d > -1e-5) ? "loss" : d, (e == 0) ? "accuracy" : e }' valid_p.csv
}

@test "encode --text: ÉCOLE Œuvre and école œuvre fold to the same buckets; U+2019 splits words like a space" {
    printf 'id,t\n1,ÉCOLE Œuvre\n2,école œuvre\n3,don’t\n4,don t\n' > t.csv
    rs-features encode -i t.csv --text t:6 --keep id -o e.csv
    run awk -F, 'NR == 2 { a = $0; sub(/^[^,]*,/, "", a) } NR == 3 { b = $0; sub(/^[^,]*,/, "", b) }
        NR == 4 { c = $0; sub(/^[^,]*,/, "", c) } NR == 5 { d = $0; sub(/^[^,]*,/, "", d) }
        END { print (a == b ? "same" : "differ"), (c == d ? "same" : "differ") }' e.csv
    assert_output "same same"
}

@test "encode --text: one word is one bucket, L2-normalised to 1; a text without words is all 0" {
    printf 'id,t\n7,a\n8,?!\n' > t.csv
    rs-features encode -i t.csv --text t:4 -o e.csv
    run awk -F, 'NR > 1 { ones = 0; zeros = 0; for (j = 1; j <= NF; j++) { if ($j == 1) ones++; if ($j == 0) zeros++ }
        print ones, zeros }' e.csv
    assert_output "1 15
0 16"
}

@test "encode --text: invalid UTF-8 is an error with file, line and column" {
    printf 'id,t\n1,caf\xc3\xa9\n2,caf\xe9 au lait\n' > bad.csv
    run --separate-stderr rs-features encode -i bad.csv --text t:4 -o e.csv
    assert_failure 1
    assert_stderr --partial "rs-features: bad.csv:3: column t: 'caf"
    assert_stderr --partial "' is not valid UTF-8 text"
}

# 3 intents, each with its own words, in varied sentences; seeded.
make_intents() { # file rows seed
    awk -v n="$2" -v seed="$3" 'BEGIN { srand(seed); print "id,text,intent"
        split("refund money back return|parcel delivery late arrive|address change move street", w, "|")
        split("refund delivery address", k, " ")
        split("please i want my the when can you help", f, " ")
        for (i = 1; i <= n; i++) { c = 1 + int(rand() * 3); split(w[c], ws, " "); s = ""
            for (j = 1; j <= 5; j++) s = s " " (rand() < 0.5 ? ws[1 + int(rand() * 4)] : f[1 + int(rand() * 9)])
            printf "m%d,%s,%s\n", i, toupper(substr(s, 2, 1)) substr(s, 3), k[c] } }' > "$1"
}

@test "--text: raw text in, class out; the same featurisation at predict; --top and --proba; describe shows it" {
    make_intents train.csv 300 1
    make_intents test.csv 60 2
    run --separate-stderr rs-train --model logreg --text text --label intent -i train.csv -o m.rsm --text-bits 12
    assert_success
    assert_stderr --regexp '^rs-train: logreg: 300 rows x 4096 text features \([0-9]+ non-zeros\), sgd 8 epochs, 3 classes \[label=intent\]'
    rs-predict -m m.rsm -i test.csv --top 2 --proba --keep intent > p.csv
    run head -1 p.csv
    assert_output "row,class,probability,class_2,probability_2,proba_address,proba_delivery,proba_refund,intent"
    # rows whose text holds a word of one intent only are routed to it
    run awk -F, 'NR > 1 { n++; ok += $2 == $NF } END { printf "%d %.2f\n", n, ok / n }' p.csv
    assert_output --regexp '^60 0\.(9[0-9])|1\.00$'
    run rs-predict --describe m.rsm
    assert_line "text text"
    assert_line "text_bits 12"
    assert_line "word_ngrams 2"
    assert_line "char_ngrams 0,0"
    assert_line "n_classes 3"
    assert_line "solver sgd"
    # one message by hand: the refund words win
    printf 'text\n"I want my money back, refund please"\n' | rs-predict -m m.rsm > one.csv
    run tail -1 one.csv
    assert_output --regexp '^1,refund,0\.[0-9]+$'
}

@test "--text: known answer: texts without words learn the class frequencies (the bias is the MLE, log n_k)" {
    printf 'text,y\n?,a\n!,a\n...,a\n--,b\n' > empty.csv
    rs-train --model logreg --text text --label y -i empty.csv -o m.rsm --text-bits 4 --epochs 2000 --lr 0.5 -q
    printf 'text\n?\n' | rs-predict -m m.rsm --proba > p.csv
    run awk -F, 'NR == 2 { printf "%.2f %.2f\n", $4, $5 }' p.csv
    assert_output "0.75 0.25"
}

@test "--text: the same seed gives the same bytes, whatever -j; another seed another order" {
    make_intents train.csv 200 3
    rs-train --model logreg --text text --label intent -i train.csv -o a.rsm --text-bits 10 --seed 4 -j 1 -q
    rs-train --model logreg --text text --label intent -i train.csv -o b.rsm --text-bits 10 --seed 4 -j 2 -q
    run cmp a.rsm b.rsm
    assert_success
    rs-train --model logreg --text text --label intent -i train.csv -o c.rsm --text-bits 10 --seed 5 -q
    run cmp -s a.rsm c.rsm
    assert_failure 1
}

@test "--text: two text columns hash apart (seeds 0 and 2); char n-grams are stored and used" {
    printf 'title,body,y\nred,blue,a\nblue,red,b\nred,blue,a\nblue,red,b\n' > two.csv
    rs-train --model logreg --text title,body --label y -i two.csv -o m.rsm --text-bits 8 --char-ngrams 2,3 --epochs 50 -q
    run rs-predict --describe m.rsm
    assert_line "text title,body"
    assert_line "char_ngrams 2,3"
    # the same words in swapped columns are told apart
    printf 'title,body\nred,blue\nblue,red\n' | rs-predict -m m.rsm > p.csv
    run cut -d, -f2 p.csv
    assert_output "class
a
b"
}

@test "--text: a 0/1 label is the two classes 0 and 1 (review sentiment)" {
    printf 'review,good\ngreat product love it,1\nawful broken refund,0\nlove it great,1\nbroken awful,0\n' > r.csv
    rs-train --model logreg --text review --label good -i r.csv -o m.rsm --text-bits 8 --epochs 50 -q
    printf 'review\nI love it\nbroken\n' | rs-predict -m m.rsm > p.csv
    run cut -d, -f2 p.csv
    assert_output "class
1
0"
}

@test "--text bad input: invalid UTF-8 (train and predict) with file:line; one class; 10,000 labels; an unknown column" {
    printf 'text,y\nfine,a\ncaf\xe9,b\n' > bad.csv
    run --separate-stderr rs-train --model logreg --text text --label y -i bad.csv -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: bad.csv:3: --text: invalid UTF-8 at byte 4"
    printf 'text,y\nfine,a\nbad,b\n' > ok.csv
    rs-train --model logreg --text text --label y -i ok.csv -o m.rsm --text-bits 4 -q
    printf 'text\nfine\ncaf\xe9\n' > badp.csv
    run --separate-stderr rs-predict -m m.rsm -i badp.csv
    assert_failure 1
    assert_stderr --partial "badp.csv:3: text: invalid UTF-8 at byte 4"
    assert_class_label_guards --model logreg --text a
    run --separate-stderr rs-train --model logreg --text body --label y -i ok.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "unknown column 'body' in --text"
    printf 'words\nfine\n' > nocol.csv
    run --separate-stderr rs-predict -m m.rsm -i nocol.csv
    assert_failure 1
    assert_stderr --partial "unknown column 'text' in the model's text columns"
    test ! -e p.csv
}

@test "--text usage: --l1, W0,W1 weights, a bad --char-ngrams; text options without --text" {
    printf 'text,y,n\nfine,a,1\nbad,b,2\n' > ok.csv
    run --separate-stderr rs-train --model logreg --text text --label y -i ok.csv -o m.rsm --l1 1
    assert_failure 2
    assert_stderr --partial "--l1 is not for logreg --text (SGD with --l2)"
    run --separate-stderr rs-train --model logreg --text text --label y -i ok.csv -o m.rsm --class-weight 1,2
    assert_failure 2
    assert_stderr --partial "--class-weight W0,W1 is not for logreg --text (use balanced)"
    run --separate-stderr rs-train --model logreg --text text --label y -i ok.csv -o m.rsm --char-ngrams 5,2
    assert_failure 2
    assert_stderr --partial "invalid --char-ngrams '5,2' (expected MIN,MAX with 1 <= MIN <= MAX <= 8, or 0 for none)"
    run --separate-stderr rs-train --model logreg --text text --label y -i ok.csv -o m.rsm --text-bits 29
    assert_failure 2
    assert_stderr --partial "--text-bits"
    printf 'a,y\n1,0\n2,1\n3,0\n' > num.csv
    for opt in "--text-bits 8" "--word-ngrams 1" "--char-ngrams 2,4" "--tfidf off" "--epochs 5" "--lr 0.5"; do
        run --separate-stderr rs-train --model logreg --label y -i num.csv -o m.rsm $opt
        assert_failure 2
        assert_stderr --partial "${opt%% *} is for logreg --text"
    done
    test ! -e m.rsm
}

@test "--text with a rs-predict option for numbers: --threshold and --explain are usage errors" {
    printf 'text,y\nfine,a\nbad,b\n' > ok.csv
    rs-train --model logreg --text text --label y -i ok.csv -o m.rsm --text-bits 4 -q
    run --separate-stderr rs-predict -m m.rsm -i ok.csv --threshold 0.5
    assert_failure 2
    assert_stderr --partial "--threshold is not for a text model (it writes classes)"
    run --separate-stderr rs-predict -m m.rsm -i ok.csv --explain
    assert_failure 2
    assert_stderr --partial "--explain is not for a text model (it writes classes)"
}

@test "scripts/gen-text: N messages of W words, K classes c0..; Zipf: the top word 'be' is ~6.2 % of words; the seed fixes the bytes" {
    root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
    "$root/scripts/gen-text" --rows 2000 --words 20 --classes 5 --seed 3 > g.csv
    run head -1 g.csv
    assert_output "text,label"
    run awk -F, 'NR > 1 { n++; w += split($1, a, " "); c[$2]++ } END { printf "%d %d %d", n, w, length(c) }' g.csv
    assert_output "2000 40000 5"
    run awk -F, 'NR > 1 { print $2 }' g.csv
    assert_output --regexp '^(c[0-4]
?)+$'
    # P(word 0) = 1 / H(50000) = 0.0877 for a background word (70 %), 1/5 of that for a class word
    run awk -F, 'NR > 1 { n += split($1, a, " "); for (i in a) be += a[i] == "be" } END { s = be / n; print (s > 0.057 && s < 0.067) ? "ok" : s }' g.csv
    assert_output "ok"
    "$root/scripts/gen-text" --rows 2000 --words 20 --classes 5 --seed 3 > same.csv
    "$root/scripts/gen-text" --rows 2000 --words 20 --classes 5 --seed 4 > other.csv
    run cmp same.csv g.csv
    assert_success
    run cmp -s other.csv g.csv
    assert_failure 1
    run "$root/scripts/gen-text" --vocab 0
    assert_failure 2
}

@test "rs-predict --text: 5,000 rows in batches on -j threads: the same bytes for -j 1 and 2, in input order; a bad row far in is named by its line" {
    root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
    "$root/scripts/gen-text" --rows 5000 --words 8 --vocab 2000 --classes 4 --seed 1 > g.csv
    rs-train --model logreg --text text --label label -i g.csv -o m.rsm --text-bits 12 --epochs 3 -q
    rs-predict -m m.rsm -i g.csv --top 2 --proba --keep label,text -j 1 > j1.csv
    rs-predict -m m.rsm -i g.csv --top 2 --proba --keep label,text -j 2 > j2.csv
    run cmp j1.csv j2.csv
    assert_success
    run awk -F, 'NR > 1 && $1 != NR - 1 { bad++ } END { print NR - 1, bad + 0 }' j1.csv
    assert_output "5000 0"
    # --keep copies each row's own fields, whatever batch it was in
    run cmp <(cut -d, -f10,11 j1.csv | tail -n +2) <(awk -F, 'NR > 1 { print $2 "," $1 }' g.csv)
    assert_success
    # each row's numbers are its own: the top probability is the largest proba_ column
    run awk -F, 'NR > 1 { m = $6; for (j = 7; j <= 9; j++) if ($j > m) m = $j; bad += $3 != m } END { print bad + 0 }' j1.csv
    assert_output "0"
    awk 'NR == 4001 { $0 = "caf\351 au lait,c1" } { print }' g.csv > bad.csv
    run --separate-stderr rs-predict -m m.rsm -i bad.csv -j 2 -o p.csv
    assert_failure 1
    assert_stderr --partial "bad.csv:4001: text: invalid UTF-8 at byte 4"
    test ! -e p.csv
}

@test "rs-train --text: rows hashed on -j threads in chunks of 4096: the same model bytes for -j 1 and 2; errors far in name their line, the earlier row first" {
    root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
    "$root/scripts/gen-text" --rows 9000 --words 6 --vocab 3000 --classes 3 --seed 5 > g.csv
    rs-train --model logreg --text text --label label -i g.csv -o j1.rsm --text-bits 12 --epochs 2 -j 1 -q
    rs-train --model logreg --text text --label label -i g.csv -o j2.rsm --text-bits 12 --epochs 2 -j 2 -q
    run cmp j1.rsm j2.rsm
    assert_success
    run rs-predict --describe j2.rsm
    assert_line "train_rows 9000"
    # a bad text at line 6001 and an empty label at 6003: the text's error, though labels are read first
    awk 'NR == 6001 { $0 = "caf\351 au lait,c1" } NR == 6003 { $0 = "fine words," } { print }' g.csv > bad.csv
    run --separate-stderr rs-train --model logreg --text text --label label -i bad.csv -o m.rsm -j 2
    assert_failure 1
    assert_stderr "rs-train: bad.csv:6001: --text: invalid UTF-8 at byte 4"
    awk 'NR == 6003 { $0 = "fine words," } { print }' g.csv > nolabel.csv
    run --separate-stderr rs-train --model logreg --text text --label label -i nolabel.csv -o m.rsm -j 2
    assert_failure 1
    assert_stderr --partial "rs-train: nolabel.csv:6003: column label: '' is not a class"
    test ! -e m.rsm
}

@test "--tfidf off: the model stores idf 1 for every bucket (16 floats 1.0 with --text-bits 4) and says so; on (the default) does not; a bad value is a usage error" {
    printf 'text,y\nred apple,a\ngreen apple,a\nred pear,b\nblue pear,b\n' > t.csv
    rs-train --model logreg --text text --label y -i t.csv -o off.rsm --text-bits 4 --tfidf off -q
    rs-train --model logreg --text text --label y -i t.csv -o on.rsm --text-bits 4 -q
    run rs-predict --describe off.rsm
    assert_line "tfidf off"
    run rs-predict --describe on.rsm
    assert_line "tfidf on"
    # 1.0f is the bytes 00 00 80 3f; sixteen in a row is the idf tensor of 2^4 ones
    run sh -c "od -An -tx1 -v off.rsm | tr -d ' \n' | grep -c '\(0000803f\)\{16\}'"
    assert_output "1"
    run sh -c "od -An -tx1 -v on.rsm | tr -d ' \n' | grep -c '\(0000803f\)\{16\}'"
    assert_output "0"
    run --separate-stderr rs-train --model logreg --text text --label y -i t.csv -o m.rsm --tfidf maybe
    assert_failure 2
    assert_stderr --partial "invalid --tfidf 'maybe' (expected on or off)"
}

@test "--text-norm: blocks (the default) lists a row's word buckets then its char buckets, each block normalised apart; a bucket in both counts once in df; row and no char n-grams as before; a bad value is a usage error" {
    printf 'text,y\nred apple,a\ngreen apple,a\nred pear,b\nblue pear,b\n' > t.csv
    # 2 buckets (--text-bits 1): every row's words and its char n-grams each fill both, so blocks hold
    # 4 entries a row (2 where the words hash to one bucket: 14 in all) and row 2 (8)
    rs-train --model logreg --text text --label y -i t.csv -o blocks.rsm --text-bits 1 --char-ngrams 2,3 -q
    rs-train --model logreg --text text --label y -i t.csv -o row.rsm --text-bits 1 --char-ngrams 2,3 --text-norm row -q
    run rs-predict --describe blocks.rsm
    assert_line "text_norm blocks"
    assert_line "nnz 14"
    run rs-predict --describe row.rsm
    refute_line --partial "text_norm"
    assert_line "nnz 8"
    # every row is in both buckets: df = n, idf = ln((1 + 4) / (1 + 4)) + 1 = 1 (1.0f: 00 00 80 3f) in both
    # models; counting a bucket of both blocks twice would give df 8 and an idf below 1
    for m in blocks row; do
        at=$(strings "$m.rsm" | awk '$1 == "tensor" && $2 == "idf" { print $5 }')
        run sh -c "od -An -tx1 -v -j $at -N 8 $m.rsm | tr -d ' \n'"
        assert_output "0000803f0000803f"
    done
    # without char n-grams there is one block: the same bytes either way, and no key
    rs-train --model logreg --text text --label y -i t.csv -o w_blocks.rsm --text-bits 4 -q
    rs-train --model logreg --text text --label y -i t.csv -o w_row.rsm --text-bits 4 --text-norm row -q
    run cmp w_blocks.rsm w_row.rsm
    assert_success
    run rs-predict --describe w_blocks.rsm
    refute_line --partial "text_norm"
    run --separate-stderr rs-train --model logreg --text text --label y -i t.csv -o m.rsm --text-norm rows
    assert_failure 2
    assert_stderr --partial "invalid --text-norm 'rows' (expected blocks or row)"
}

@test "rs-train --text: two shards averaged after each pass, by hand: 1 and 2 passes over two one-word rows" {
    # Each pass's shuffled rows are cut in two halves; each shard steps over its half on its own copy, and the
    # copies are averaged.  Rows "a" (class 0) and "b" (class 1), counts (--tfidf off), --l2 0, --lr 1: a shard
    # has 1 step per pass, so pass e steps with lr 1 - (e-1)/epochs.  Pass 1 from W = 0 (p = 1/2): the shard
    # of "a" sets W[a] = (1/2, -1/2), bias (1/2, -1/2); the other W[b] = (-1/2, 1/2), bias (-1/2, 1/2); the
    # mean: W[a] = (1/4, -1/4), bias 0, so p(0|a) = 1/(1 + e^-0.5) = 0.6224593.  With 2 passes, pass 1 is the
    # same (lr 1) and pass 2 steps with lr 1/2: the shard of "a" gets W[a] = w1 + (1/2)(1 - s(2 w1)) for class
    # 0 (s the logistic, w1 = 1/4), the other shard leaves W[a] at w1; the mean is (w1 + that) / 2, the bias
    # stays 0, and p(0|a) = s(2 mean) = 0.6656933.
    printf 'text,y\na,0\nb,1\n' > two.csv
    rs-train --model logreg --text text --label y -i two.csv -o one.rsm --word-ngrams 1 --tfidf off --epochs 1 --lr 1 --l2 0 -q
    printf 'text\na\nb\nc\n' | rs-predict -m one.rsm --proba > one.csv
    run awk -F, 'NR == 2 { d = $4 - 1 / (1 + exp(-0.5)); print (d < 1e-6 && d > -1e-6) ? "ok" : $4 }' one.csv
    assert_output "ok"
    run sed -n '3p;4p' one.csv
    assert_line --index 0 "2,1,0.62245935,0.37754068,0.62245935"
    assert_line --index 1 "3,0,0.5,0.5,0.5"
    rs-train --model logreg --text text --label y -i two.csv -o two.rsm --word-ngrams 1 --tfidf off --epochs 2 --lr 1 --l2 0 -q
    printf 'text\na\n' | rs-predict -m two.rsm --proba > two_p.csv
    run awk -F, 'NR == 2 { w1 = 0.25; w = (w1 + w1 + 0.5 * (1 - 1 / (1 + exp(-2 * w1)))) / 2
        d = $4 - 1 / (1 + exp(-2 * w)); print (d < 1e-6 && d > -1e-6) ? "ok" : $4 " vs " 1 / (1 + exp(-2 * w)) }' two_p.csv
    assert_output "ok"
}

@test "rs-train --text: 40 classes trained on 1, 2 and 3 threads (the two shards on one or two) give the same model bytes and the same predictions" {
    root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
    "$root/scripts/gen-text" --rows 1500 --words 8 --vocab 500 --classes 40 --seed 6 > g.csv
    rs-train --model logreg --text text --label label -i g.csv -o j1.rsm --text-bits 12 --char-ngrams 2,3 --epochs 2 --seed 3 -j 1 -q
    rs-train --model logreg --text text --label label -i g.csv -o j2.rsm --text-bits 12 --char-ngrams 2,3 --epochs 2 --seed 3 -j 2 -q
    rs-train --model logreg --text text --label label -i g.csv -o j3.rsm --text-bits 12 --char-ngrams 2,3 --epochs 2 --seed 3 -j 3 -q
    run cmp j1.rsm j2.rsm
    assert_success
    run cmp j1.rsm j3.rsm
    assert_success
    run rs-predict --describe j2.rsm
    assert_line "n_classes 40"
    # and the model learned: most training rows are routed to their class (40 classes: chance is 0.025)
    rs-predict -m j2.rsm -i g.csv --keep label > p.csv
    run awk -F, 'NR > 1 { n++; ok += $2 == $NF } END { print (ok / n > 0.5) ? "learned" : ok / n }' p.csv
    assert_output "learned"
}

@test "--text --valid: the pass of lowest validation log loss is kept; its loss and accuracy are those of rs-predict on the file" {
    make_intents train.csv 300 7
    make_intents valid.csv 90 8
    run --separate-stderr rs-train --model logreg --text text --label intent -i train.csv --valid valid.csv -o m.rsm \
        --text-bits 12 --epochs 6 -v -j 2
    assert_success
    # one line per pass; the kept pass is the one of the lowest valid_loss
    run awk '$2 == "epoch" && $4 == "valid_loss" { n++; if (n == 1 || $5 < best) { best = $5; at = $3 } }
        END { print n, at }' <(printf '%s\n' "$stderr")
    assert_output --regexp '^6 [1-6]$'
    kept=${output#* }
    assert_stderr --partial "kept epoch $kept (valid_loss "
    run rs-predict --describe m.rsm
    assert_line "best_epoch $kept"
    # the same numbers from the saved model's probabilities on the file: mean -log p(true class), share right
    run valid_numbers_of m.rsm valid.csv
    assert_output "loss accuracy"
}

@test "--text --valid with char n-grams (two blocks, a bucket in both listed twice): the kept pass's loss and accuracy are those of rs-predict on the file" {
    make_intents train.csv 300 7
    make_intents valid.csv 90 8
    rs-train --model logreg --text text --label intent -i train.csv --valid valid.csv -o m.rsm --text-bits 10 \
        --char-ngrams 2,4 --epochs 4 -q -j 2
    run rs-predict --describe m.rsm
    assert_line "text_norm blocks"
    # some buckets are in both blocks of a row: more non-zeros than one block merged
    rs-train --model logreg --text text --label intent -i train.csv -o row.rsm --text-bits 10 --char-ngrams 2,4 \
        --epochs 1 --text-norm row -q
    nnz_blocks=$(rs-predict --describe m.rsm | awk '$1 == "nnz" { print $2 }')
    nnz_row=$(rs-predict --describe row.rsm | awk '$1 == "nnz" { print $2 }')
    [ "$nnz_blocks" -gt "$nnz_row" ]
    # the same numbers from the saved model's probabilities on the file: mean -log p(true class), share right
    run valid_numbers_of m.rsm valid.csv
    assert_output "loss accuracy"
}

@test "--text --valid: 40 classes on 1 and 2 threads give the same bytes; a label the training data lacks and bad UTF-8 name the validation file and line" {
    root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
    "$root/scripts/gen-text" --rows 1200 --words 8 --vocab 500 --classes 40 --seed 6 > g.csv
    "$root/scripts/gen-text" --rows 300 --words 8 --vocab 500 --classes 40 --seed 7 > v.csv
    rs-train --model logreg --text text --label label -i g.csv --valid v.csv -o j1.rsm --text-bits 12 --epochs 3 -j 1 -q
    rs-train --model logreg --text text --label label -i g.csv --valid v.csv -o j2.rsm --text-bits 12 --epochs 3 -j 2 -q
    run cmp j1.rsm j2.rsm
    assert_success
    awk 'NR == 5 { $0 = "some words,c99" } { print }' v.csv > unknown.csv
    run --separate-stderr rs-train --model logreg --text text --label label -i g.csv --valid unknown.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "rs-train: unknown.csv:5: column label: 'c99' is not a class of the training data"
    awk 'NR == 7 { $0 = "caf\351 au lait,c1" } { print }' v.csv > bad.csv
    run --separate-stderr rs-train --model logreg --text text --label label -i g.csv --valid bad.csv -o m.rsm
    assert_failure 1
    assert_stderr "rs-train: bad.csv:7: --text: invalid UTF-8 at byte 4"
    test ! -e m.rsm
}

@test "--text --features: a numeric column standardised beside the text, by hand (two rows, one pass)" {
    # x = 1 (class a) and 3 (class b): mean 2, population sd 1, so the rows carry -1 and +1 and no text.  One
    # pass, --lr 1, --l2 0: the shard of row 1 steps (p = 1/2) to W[x] = (-1/2, 1/2), bias (1/2, -1/2); the
    # other to W[x] = (-1/2, 1/2), bias (-1/2, 1/2); the mean W[x] = (-1/2, 1/2), bias 0.  So x = 1 (z = -1)
    # scores (1/2, -1/2): p(a) = 1/(1 + e^-1) = 0.7310586; x = 5 (z = 3): p(b) = 1/(1 + e^-3) = 0.9525741.
    printf 'text,x,y\n,1,a\n,3,b\n' > num.csv
    run --separate-stderr rs-train --model logreg --text text --features x --label y -i num.csv -o num.rsm --epochs 1 --lr 1 --l2 0
    assert_success
    assert_stderr --partial "logreg: 2 rows x 262144 text features + 1 numeric (2 non-zeros)"
    run rs-predict --describe num.rsm
    assert_line "features x"
    printf 'text,x\n,1\n,3\n,2\n,5\n' > new.csv
    run rs-predict -m num.rsm -i new.csv --proba
    assert_line --index 1 "1,a,0.7310586,0.7310586,0.26894143"
    assert_line --index 2 "2,b,0.7310586,0.26894143,0.7310586"
    assert_line --index 3 "3,a,0.5,0.5,0.5"
    assert_line --index 4 "4,b,0.95257413,0.047425874,0.95257413"
}

# rows whose words are drawn from one vocabulary whatever the class, and a number that decides it
make_numeric() { # file rows seed
    awk -v n="$2" -v seed="$3" 'BEGIN { srand(seed); print "text,amount,size"
        split("order refund card parcel late address change money help account", w, " ")
        for (i = 0; i < n; i++) { t = ""; for (k = 0; k < 4; k++) t = t (k ? " " : "") w[1 + int(rand() * 10)]
            x = int(rand() * 1000) / 10; print t "," x "," (x > 50 ? "big" : "small") } }' > "$1"
}

@test "--text --features: the number decides the class where the text cannot; the model file keeps it (round trip, -j)" {
    make_numeric train.csv 400 1
    make_numeric test.csv 200 2
    rs-train --model logreg --text text --features amount --label size -i train.csv -o with.rsm -q -j 1
    rs-train --model logreg --text text --features amount --label size -i train.csv -o with2.rsm -q -j 2
    run cmp with.rsm with2.rsm
    assert_success
    rs-train --model logreg --text text --label size -i train.csv -o without.rsm -q
    rs-predict -m with.rsm -i test.csv --keep size,amount > with.csv
    rs-predict -m without.rsm -i test.csv --keep size > without.csv
    # accuracy with the number: at least 0.9; the text alone is near chance (the words do not depend on the class)
    run awk -F, 'NR > 1 { n++; ok += $2 == $4 } END { print (ok / n >= 0.9) ? "high" : ok / n }' with.csv
    assert_output "high"
    run awk -F, 'NR > 1 { n++; ok += $2 == $4 } END { print (ok / n < 0.75) ? "chance" : ok / n }' without.csv
    assert_output "chance"
    # for one text, P(big) rises with the amount and crosses 1/2 near 50
    printf 'text,amount\norder refund,10\norder refund,40\norder refund,60\norder refund,90\n' > same.csv
    rs-predict -m with.rsm -i same.csv --proba > proba.csv
    run awk -F, 'NR == 1 { for (j = 1; j <= NF; j++) if ($j == "proba_big") c = j } NR > 1 { p[NR - 1] = $c } END { print (p[1] < p[2] && p[2] < 0.5 && 0.5 < p[3] && p[3] < p[4]) ? "rises" : p[1] " " p[2] " " p[3] " " p[4] }' proba.csv
    assert_output "rises"
    # the same scores from the file again, on 1 and 2 threads
    rs-predict -m with.rsm -i test.csv --keep size,amount -j 2 > again.csv
    run cmp with.csv again.csv
    assert_success
    # --valid reads the number too, standardised with the training mean and sd: its accuracy is rs-predict's
    rs-train --model logreg --text text --features amount --label size -i train.csv --valid test.csv -o valid.rsm -q
    acc=$(rs-predict --describe valid.rsm | awk '$1 == "valid_accuracy" { print $2 }')
    rs-predict -m valid.rsm -i test.csv --keep size > valid_pred.csv
    run awk -F, -v acc="$acc" 'NR > 1 { n++; ok += $2 == $4 } END { d = ok / n - acc; print (acc >= 0.9 && d < 1e-9 && d > -1e-9) ? "same" : acc " vs " ok / n }' valid_pred.csv
    assert_output "same"
}

@test "--text --features: a constant column (sd 0, stored as 1) adds nothing; the text still decides" {
    printf 'text,c,y\nrefund please,7,r\nwhere is my parcel,7,p\nrefund my money,7,r\nparcel late,7,p\n' > const.csv
    rs-train --model logreg --text text --features c --label y -i const.csv -o c.rsm --epochs 20 -q
    printf 'text,c\nrefund,7\nparcel,7\nrefund,1000\n' > new.csv
    run rs-predict -m c.rsm -i new.csv
    assert_line --index 1 --regexp '^1,r,'
    assert_line --index 2 --regexp '^2,p,'
    # every training row carried (7 - 7) / 1 = 0, so the column's weights never moved from 0: 1000 changes nothing
    rs-predict -m c.rsm -i new.csv --proba > p.csv
    run awk -F, 'NR == 2 { a = $3 "," $4 "," $5 } NR == 4 { b = $3 "," $4 "," $5 } END { print (a == b) ? "same" : a " vs " b }' p.csv
    assert_output "same"
}

@test "--text --features errors: not a number (training, --valid, rs-predict), a missing column, the label or a text column" {
    printf 'text,x,y\nhi,1,a\nyo,abc,b\n' > bad.csv
    run --separate-stderr rs-train --model logreg --text text --features x --label y -i bad.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "rs-train: bad.csv:3: column x: 'abc' is not a number"
    test ! -e m.rsm
    printf 'text,x,y\nhi,1,a\nyo,,b\n' > empty.csv
    run --separate-stderr rs-train --model logreg --text text --features x --label y -i empty.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "rs-train: empty.csv:3: column x: '' is not a number"
    printf 'text,x,y\nhi,1,a\nyo,2,b\n' > ok.csv
    printf 'text,x,y\nhi,1,a\nyo,nan,b\n' > badvalid.csv
    run --separate-stderr rs-train --model logreg --text text --features x --label y -i ok.csv --valid badvalid.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "rs-train: badvalid.csv:3: column x: 'nan' is not a number"
    run --separate-stderr rs-train --model logreg --text text --features y --label y -i ok.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--features lists the label column 'y'"
    run --separate-stderr rs-train --model logreg --text text --features x,text --label y -i ok.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--features lists the text column 'text' (a column is text or a number)"
    run --separate-stderr rs-train --model logreg --text text --features z --label y -i ok.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "unknown column 'z' in --features"
    rs-train --model logreg --text text --features x --label y -i ok.csv -o m.rsm -q
    printf 'text,x\nhi,1\nyo,1e999\n' > p.csv
    run --separate-stderr rs-predict -m m.rsm -i p.csv
    assert_failure 1
    assert_stderr --partial "rs-predict: p.csv:3: column x: '1e999' is not a number"
    printf 'text\nhi\n' > nox.csv
    run --separate-stderr rs-predict -m m.rsm -i nox.csv
    assert_failure 1
    assert_stderr --partial "unknown column 'x' in the model's numeric columns"
}
