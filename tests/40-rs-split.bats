#!/usr/bin/env bats
# rs-split: exact sizes, partitions, determinism, and every error path.

setup() {
    load test_helper/common-setup
    _common_setup
    # 1000 rows: 50 users with 20 rows each, label 1 on every 10th row
    awk 'BEGIN { print "user,item,ts,label";
                 for (n = 1; n <= 1000; n++) printf "u%d,i%d,%d,%d\n", (n * 7) % 50 + 1, n % 97, 1000 + n, n % 10 == 0 }' > log.csv
    n_rows=$(( $(wc -l < log.csv) - 1 ))
}

# data rows of a CSV, sorted (header dropped)
body() { tail -n +2 "$1" | sort; }

@test "--by random --ratio 0.7: exactly 70/30, nothing lost or repeated" {
    run --separate-stderr rs-split -i log.csv --by random --ratio 0.7 --seed 1 -o train.csv --test-out test.csv -v
    assert_success
    assert_stderr "rs-split: log.csv: $n_rows rows: train $(( (n_rows * 7 + 5) / 10 )), test $(( n_rows - (n_rows * 7 + 5) / 10 ))"
    [ "$(head -1 train.csv)" = "user,item,ts,label" ]
    [ "$(head -1 test.csv)" = "user,item,ts,label" ]
    run diff <(cat <(body train.csv) <(body test.csv) | sort) <(body log.csv)
    assert_success
}

@test "the same seed gives the same split, another seed another one" {
    rs-split -i log.csv --by random --ratio 0.7 --seed 5 -o a.csv --test-out at.csv
    rs-split -i log.csv --by random --ratio 0.7 --seed 5 -o b.csv --test-out bt.csv
    rs-split -i log.csv --by random --ratio 0.7 --seed 6 -o c.csv --test-out ct.csv
    run cmp a.csv b.csv
    assert_success
    run cmp a.csv c.csv
    assert_failure
}

@test "--stratify keeps the label rate equal in both parts" {
    rs-split -i log.csv --by random --ratio 0.7 --stratify label -o train.csv --test-out test.csv
    # 100 positives of 1000: round(0.7 x 100) = 70 to train, 30 to test
    [ "$(awk -F, 'NR > 1 && $4 == 1' train.csv | wc -l)" -eq 70 ]
    [ "$(awk -F, 'NR > 1 && $4 == 1' test.csv | wc -l)" -eq 30 ]
    [ "$(tail -n +2 train.csv | wc -l)" -eq 700 ]
}

@test "--by user: round(R x n) of each user's rows to train; every user keeps one in train" {
    printf 'user,item,ts,label\nsolo,a,1,0\npair,a,1,0\npair,b,2,0\n' > small.csv
    cat log.csv | tail -n +2 >> small.csv
    rs-split -i small.csv --by user --ratio 0.2 --seed 3 -o train.csv --test-out test.csv
    # solo has one row: train; pair has 2: round(0.4) = 0, raised to 1 in train
    run grep -c '^solo,' train.csv
    assert_output 1
    run grep -c '^pair,' train.csv
    assert_output 1
    # u3 has 20 rows: round(0.2 x 20) = 4 in train
    run grep -c '^u3,' train.csv
    assert_output 4
    run diff <(cat <(body train.csv) <(body test.csv) | sort) <(body small.csv)
    assert_success
}

@test "--by time --cutoff: train up to the cutoff, test after; ISO cutoffs work" {
    rs-split -i log.csv --by time --cutoff 1500 -o train.csv --test-out test.csv
    [ "$(awk -F, 'NR > 1 && $3 > 1500' train.csv | wc -l)" -eq 0 ]
    [ "$(awk -F, 'NR > 1 && $3 <= 1500' test.csv | wc -l)" -eq 0 ]
    [ "$(tail -n +2 train.csv | wc -l)" -eq 500 ]
    printf 'user,ts\na,2011-01-01 10:00\nb,2011-03-01\n' > iso.csv
    rs-split -i iso.csv --by time --cutoff 2011-02-01 -o train.csv --test-out test.csv
    run cat test.csv
    assert_output $'user,ts\nb,2011-03-01'
}

@test "--by last --n 2: each user's two latest rows go to test" {
    printf 'user,item,ts\na,x,5\na,y,9\na,z,7\na,w,9\nb,x,1\n' > t.csv
    rs-split -i t.csv --by last --n 2 -o train.csv --test-out test.csv
    run cat test.csv
    assert_output $'user,item,ts\na,y,9\na,w,9\nb,x,1'
    run cat train.csv
    assert_output $'user,item,ts\na,x,5\na,z,7'
}

@test "--folds 5: the five test folds partition the input; sizes differ by at most one" {
    for i in 1 2 3 4 5; do
        rs-split -i log.csv --folds 5 --fold $i --seed 9 -o tr$i.csv --test-out te$i.csv
        run diff <(cat <(body tr$i.csv) <(body te$i.csv) | sort) <(body log.csv)
        assert_success
    done
    run diff <(for i in 1 2 3 4 5; do tail -n +2 te$i.csv; done | sort) <(body log.csv)
    assert_success
    for i in 1 2 3 4 5; do [ "$(tail -n +2 te$i.csv | wc -l)" -eq 200 ]; done
}

@test "--shard K/N: the shards partition the input by key; a key lives in one shard" {
    for k in 1 2 3; do rs-split -i log.csv --shard $k/3 -o s$k.csv; done
    run diff <(for k in 1 2 3; do tail -n +2 s$k.csv; done | sort) <(body log.csv)
    assert_success
    run bash -c 'for k in 1 2 3; do cut -d, -f1 s$k.csv | tail -n +2 | sort -u; done | sort | uniq -d'
    assert_output ''
    rs-split -i log.csv --shard 2/3 --key item -o a.csv --test-out rest.csv
    [ $(( $(wc -l < a.csv) + $(wc -l < rest.csv) - 2 )) -eq "$n_rows" ]
}

@test "rsf in and out, and stdin" {
    rs-clean -i log.csv --schema ts:int,label:int --format rsf -o log.rsf
    rs-split -i log.rsf --by random --ratio 0.5 --format rsf -o tr.rsf --test-out te.rsf
    run bash -c 'rs-clean -i tr.rsf | tail -n +2 | wc -l'
    assert_output 500
    run bash -c 'rs-split --by random --ratio 0.5 -o - --test-out te.csv < log.csv | tail -n +2 | wc -l'
    assert_output 500
}

@test "usage errors: mode missing or doubled, missing values, bad numbers" {
    run --separate-stderr rs-split -i log.csv -o a --test-out b
    assert_failure 2
    assert_stderr --partial 'no mode given'
    run --separate-stderr rs-split -i log.csv --by random --ratio 0.5 --folds 3 --fold 1 -o a --test-out b
    assert_failure 2
    assert_stderr --partial 'choose one mode'
    run --separate-stderr rs-split -i log.csv --by random -o a --test-out b
    assert_stderr --partial '--by random needs --ratio R'
    run --separate-stderr rs-split -i log.csv --by random --ratio 1.5 -o a --test-out b
    assert_failure 2
    assert_stderr --partial "invalid --ratio '1.5' (expected the train fraction, 0 < R <= 1)"
    run --separate-stderr rs-split -i log.csv --by random --ratio 0.5 -o a
    assert_stderr --partial '--test-out FILE is required'
    run --separate-stderr rs-split -i log.csv --folds 3 --fold 4 -o a --test-out b
    assert_stderr --partial '--fold 4 is outside 1..3'
    run --separate-stderr rs-split -i log.csv --folds 3 -o a --test-out b
    assert_stderr --partial '--folds K needs --fold I'
    run --separate-stderr rs-split -i log.csv --shard 4/3 -o a
    assert_stderr --partial "invalid --shard '4/3'"
    run --separate-stderr rs-split -i log.csv --by time -o a --test-out b
    assert_stderr --partial '--by time needs --cutoff TIME'
    run --separate-stderr rs-split -i log.csv --by time --cutoff soon -o a --test-out b
    assert_failure 2
    assert_stderr --partial "invalid --cutoff 'soon'"
    run --separate-stderr rs-split -i log.csv --by last -o a --test-out b
    assert_stderr --partial '--by last needs --n N'
    run --separate-stderr rs-split -i log.csv --by user --ratio 0.5 --stratify label -o a --test-out b
    assert_stderr --partial '--stratify works with --method random only'
    run --separate-stderr rs-split -i log.csv --by sideways -o a --test-out b
    assert_stderr --partial "invalid --by 'sideways'"
    run --separate-stderr rs-split -i log.csv --by random --ratio 0.5 -o a --test-out a
    assert_stderr --partial 'name the same file'
    run --separate-stderr rs-split --help
    assert_success
    assert_output --partial 'Common options'
}

@test "an unknown column is exit 2 listing the columns; bad data is exit 1 with its line" {
    run --separate-stderr rs-split -i log.csv --by user --ratio 0.5 --user-col customer -o a --test-out b
    assert_failure 2
    assert_stderr --partial "unknown column 'customer' in --user-col (columns: user, item, ts, label)"
    printf 'user,ts\na,1\nb,yesterday\n' > bad.csv
    run --separate-stderr rs-split -i bad.csv --by time --cutoff 5 -o a --test-out b
    assert_failure 1
    assert_stderr "rs-split: bad.csv:3: column ts: 'yesterday' is not a time (epoch seconds or ISO 8601)"
    [ ! -e a ]
    [ ! -e b ]
    printf 'user,ts\na,1\nb\n' > ragged.csv
    run --separate-stderr rs-split -i ragged.csv --by random --ratio 0.5 -o a --test-out b
    assert_failure 1
    assert_stderr --partial 'ragged.csv:3: expected 2 fields, got 1'
}

@test "epoch milliseconds are refused with a message naming them, never read as the year 43165" {
    printf 'user,item,ts\nu1,a,1700000000\nu1,b,1700000000000\n' > ms.csv
    run --separate-stderr rs-split -i ms.csv --by time --cutoff 2023-01-01 -o a.csv --test-out b.csv
    assert_failure 1
    assert_stderr --partial "ms.csv:3: column ts: '1700000000000' is not a time in epoch seconds (this number is past the year 5138: epoch milliseconds or microseconds?"
    run --separate-stderr rs-train --model pop --recent 3 -i ms.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "ms.csv:3: column ts: '1700000000000' is not a time in epoch seconds"
}

@test "--method last: time ties go by the seeded hash of (user, item), not file order or id" {
    printf 'user,item,ts\na,x,9\na,y,9\na,w,1\n' > t.csv
    printf 'user,item,ts\na,y,9\na,w,1\na,x,9\n' > swapped.csv
    for seed in 1 2 3 4 5 6 7 8; do
        rs-split -i t.csv --method last --n 1 --seed $seed -o tr.csv --test-out te$seed.csv
        rs-split -i swapped.csv --method last --n 1 --seed $seed -o tr.csv --test-out sw.csv
        run diff te$seed.csv sw.csv
        assert_success
    done
    # the hash, not the row or the id, decides: over eight seeds both tied items are chosen
    run bash -c 'for s in 1 2 3 4 5 6 7 8; do tail -n +2 te$s.csv | cut -d, -f2; done | sort -u | paste -sd,'
    assert_output "x,y"
    # without an item column the later row wins the tie
    printf 'user,ts\na,9\nb,9\na,9\n' > noitem.csv
    run rs-split -i noitem.csv --method last --n 1 -o tr.csv --test-out -
    assert_output $'user,ts\nb,9\na,9'
    run cat tr.csv
    assert_output $'user,ts\na,9'
}

@test "--method last-basket: each user's last basket (one time, or one --basket-col value) to test" {
    printf 'user,item,ts\na,z,3\na,x,5\na,y,5\nb,q,1\nb,r,2\n' > t.csv
    run rs-split -i t.csv --method last-basket -o tr.csv --test-out -
    assert_output $'user,item,ts\na,x,5\na,y,5\nb,r,2'
    run cat tr.csv
    assert_output $'user,item,ts\na,z,3\nb,q,1'
    run rs-split -i t.csv --method last-basket --n 2 -o tr.csv --test-out -
    assert_output $'user,item,ts\na,z,3\na,x,5\na,y,5\nb,q,1\nb,r,2'
    # an invoice spread over two times is still one basket
    printf 'user,item,ts,inv\na,z,3,i0\na,x,5,i1\na,y,6,i1\nb,q,1,i2\n' > inv.csv
    run rs-split -i inv.csv --method last-basket --basket-col inv -o tr.csv --test-out -
    assert_output $'user,item,ts,inv\na,x,5,i1\na,y,6,i1\nb,q,1,i2'
    run --separate-stderr rs-split -i inv.csv --method last --n 1 --basket-col inv -o tr.csv --test-out te.csv
    assert_failure 2
    assert_stderr --partial "--basket-col works with --method last-basket only"
    run --separate-stderr rs-split -i inv.csv --method user --ratio 0.5 --item-col item -o tr.csv --test-out te.csv
    assert_failure 2
    assert_stderr --partial "--item-col works with --method last and last-basket only"
    run --separate-stderr rs-split -i inv.csv --method last-basket --basket-col invoice -o tr.csv --test-out te.csv
    assert_failure 2
    assert_stderr --partial "invoice"
}
