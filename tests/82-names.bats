#!/usr/bin/env bats
# Names that carry through the pipeline (issue 12): a recommender model
# remembers the columns it was trained on, rs-recommend and rs-predict read
# and write those names, rs-eval rank takes each input's names from its own
# option or header, so data with its own column names (MovieLens' userId,
# movieId; Online Retail's CustomerID, StockCode) goes split -> train ->
# recommend -> eval without a renaming step.  Each expected value is the same
# flow run on the same rows renamed to user,item (the names rs had before).

setup() {
    load test_helper/common-setup
    _common_setup
    F="$BATS_TEST_DIRNAME/fixtures/models"
}

# 30 users x 20 items, seeded, MovieLens' header: userId,movieId,rating,timestamp
movielens_like() {
    awk 'BEGIN { srand(5); print "userId,movieId,rating,timestamp"
        for (u = 1; u <= 30; u++) for (i = 1; i <= 20; i++) if (rand() < 0.35)
            printf "%d,%d,%d,%d\n", u, 100 + i, 1 + int(rand() * 5), 964982000 + u * 100 + i }' > ml.csv
}

# The same rows with rs's default names for user and item.
renamed() { # in out
    sed '1s/.*/user,item,rating,timestamp/' "$1" > "$2"
}

@test "names: a model trained with --user-col/--item-col records them; default names add no key" {
    movielens_like
    rs-train --model itemknn -i ml.csv --user-col userId --item-col movieId -o named.rsm -q
    run rs-predict --describe named.rsm
    assert_success
    assert_line "user_col userId"
    assert_line "item_col movieId"
    renamed ml.csv plain.csv
    rs-train --model itemknn -i plain.csv -o plain.rsm -q
    run rs-predict --describe plain.rsm
    assert_success
    refute_line --regexp '^(user|item|value|time)_col '
}

@test "names: --value-col and --time-col are recorded when used" {
    movielens_like
    rs-train --model pop --recent 1 -i ml.csv --user-col userId --item-col movieId --value-col rating \
        --time-col timestamp -o pop.rsm -q
    run rs-predict --describe pop.rsm
    assert_line "value_col rating"
    assert_line "time_col timestamp"
}

@test "names: rs-recommend writes the model's names, and otherwise the same rows" {
    movielens_like
    renamed ml.csv plain.csv
    rs-train --model itemknn -i ml.csv --user-col userId --item-col movieId -o named.rsm -q
    rs-train --model itemknn -i plain.csv -o plain.rsm -q
    rs-recommend -m named.rsm -k 3 -o named.csv
    rs-recommend -m plain.rsm -k 3 -o plain_recs.csv
    run head -1 named.csv
    assert_output "userId,movieId,rank,score"
    run head -1 plain_recs.csv
    assert_output "user,item,rank,score"
    run diff <(tail -n +2 named.csv) <(tail -n +2 plain_recs.csv)
    assert_success
    run rs-recommend -m named.rsm --similar 101 -k 2
    assert_success
    assert_line --index 0 "movieId,similar,rank,score"
}

@test "names: --users, --exclude and --history files are read with the model's names" {
    movielens_like
    rs-train --model itemknn -i ml.csv --user-col userId --item-col movieId -o named.rsm -q
    printf 'userId,note\n3,x\n1,y\n' > users.csv
    printf 'movieId,why\n101,gone\n' > out.csv
    run rs-recommend -m named.rsm --users users.csv --exclude out.csv -k 2 -q
    assert_success
    assert_line --index 0 "userId,movieId,rank,score"
    run bash -c "rs-recommend -m named.rsm --users users.csv --exclude out.csv -k 2 -q | cut -d, -f1 | sort -u | tr '\n' ' '"
    assert_output "1 3 userId "
    refute_output --partial ",101,"
    printf 'userId,movieId\n900,101\n900,102\n' > hist.csv
    run rs-recommend -m named.rsm --history hist.csv -k 1 -q
    assert_success
    assert_line --index 0 "userId,movieId,rank,score"
    assert_line --index 1 --regexp '^900,1[0-9][0-9],1,'
}

@test "names: explicit --user-col/--item-col win over the model's names" {
    movielens_like
    rs-train --model itemknn -i ml.csv --user-col userId --item-col movieId -o named.rsm -q
    printf 'uid\n3\n' > users.csv
    run rs-recommend -m named.rsm --users users.csv --user-col uid -k 1 -q
    assert_success
    assert_line --index 0 "uid,movieId,rank,score"
    run rs-recommend -m named.rsm --users users.csv --user-col uid --item-col film -k 1 -q
    assert_line --index 0 "uid,film,rank,score"
}

@test "names: rs-predict scores pairs under the model's names; --user-col still wins" {
    movielens_like
    rs-train --model itemknn -i ml.csv --user-col userId --item-col movieId -o named.rsm -q
    printf 'userId,movieId\n1,101\n2,102\n' > pairs.csv
    run rs-predict -m named.rsm -i pairs.csv -q
    assert_success
    assert_line --index 0 "userId,movieId,score"
    printf 'u,m\n1,101\n2,102\n' > pairs2.csv
    run rs-predict -m named.rsm -i pairs2.csv --user-col u --item-col m -q
    assert_success
    assert_line --index 0 "u,m,score"
    run --separate-stderr rs-predict -m named.rsm -i pairs2.csv -q
    assert_failure 2
    assert_stderr --partial "unknown column 'userId' in --user-col"
}

@test "names: a model from rs 0.1.0 (no name keys) keeps user,item" {
    run rs-recommend -m "$F/itemknn.rsm" -k 1 -q
    assert_success
    assert_line --index 0 "user,item,rank,score"
}

@test "rs-eval rank: --rec-user-col/--rec-item-col name RECS' columns apart from TEST's" {
    printf 'userId,movieId\n1,a\n1,b\n2,c\n' > test.csv
    printf 'u,m,rank\n1,a,1\n1,x,2\n2,c,1\n2,y,2\n' > recs.csv
    run rs-eval rank -k 2 --truth test.csv --recs recs.csv --user-col userId --item-col movieId \
        --rec-user-col u --rec-item-col m --csv
    assert_success
    # user 1: 1 of 2 relevant in top 2; user 2: 1 of 1 -> recall (0.5 + 1) / 2
    assert_line "all,recall@2,0.75"
    assert_line "all,precision@2,0.5"
}

@test "rs-eval rank: RECS' names come from rs-recommend's header when they differ from TEST's" {
    printf 'userId,movieId\n1,a\n1,b\n2,c\n' > test.csv
    printf 'user,item,rank,score\n1,a,1,0.9\n1,x,2,0.5\n2,c,1,0.8\n2,y,2,0.1\n' > recs.csv
    run rs-eval rank -k 2 --truth test.csv --recs recs.csv --user-col userId --item-col movieId --csv
    assert_success
    assert_line "all,recall@2,0.75"
    printf 'who,what,pos\n1,a,1\n' > odd.csv
    run --separate-stderr rs-eval rank -k 2 --truth test.csv --recs odd.csv --user-col userId --item-col movieId
    assert_failure 2
    assert_stderr --partial "unknown column 'userId' in --rec-user-col"
}

@test "pipeline: MovieLens' own names go split -> train -> recommend -> eval rank as renamed rows do" {
    movielens_like
    rs-split -i ml.csv --by user --ratio 0.75 --seed 42 --user-col userId -o train.csv --test-out test.csv -q
    rs-train --model itemknn -i train.csv --user-col userId --item-col movieId -o named.rsm -q
    rs-recommend -m named.rsm -k 5 -o recs.csv
    run rs-eval rank -k 5 --truth test.csv --recs recs.csv --train train.csv --user-col userId --item-col movieId --csv
    assert_success
    assert_line "all,users,29"
    named=$output
    renamed ml.csv plain.csv
    rs-split -i plain.csv --by user --ratio 0.75 --seed 42 -o ptrain.csv --test-out ptest.csv -q
    rs-train --model itemknn -i ptrain.csv -o plain.rsm -q
    rs-recommend -m plain.rsm -k 5 -o precs.csv
    run rs-eval rank -k 5 --truth ptest.csv --recs precs.csv --train ptrain.csv --csv
    assert_success
    assert_equal "$named" "$output"
}

@test "pipeline: Online Retail's CustomerID and StockCode, split by time, --users from the test file" {
    awk 'BEGIN { srand(9); print "InvoiceNo,StockCode,Quantity,InvoiceDate,CustomerID"
        for (n = 1; n <= 400; n++) printf "%d,%s,%d,2011-%02d-%02dT10:00:00Z,%d\n", 536000 + n,
            (rand() < 0.5 ? "85123A" : 22000 + int(rand() * 15)), 1 + int(rand() * 6), 1 + int(rand() * 12),
            1 + int(rand() * 28), 12000 + int(rand() * 40) }' > retail.csv
    rs-split -i retail.csv --by time --cutoff 2011-09-01 --time-col InvoiceDate -o past.csv --test-out future.csv -q
    rs-train --model ease -i past.csv --user-col CustomerID --item-col StockCode -o ease.rsm -q
    rs-recommend -m ease.rsm --users future.csv -k 5 -o recs.csv -q
    run head -1 recs.csv
    assert_output "CustomerID,StockCode,rank,score"
    run rs-eval rank -k 5 --truth future.csv --recs recs.csv --user-col CustomerID --item-col StockCode --csv
    assert_success
    named=$output
    sed '1s/.*/InvoiceNo,item,Quantity,InvoiceDate,user/' past.csv > ppast.csv
    sed '1s/.*/InvoiceNo,item,Quantity,InvoiceDate,user/' future.csv > pfuture.csv
    rs-train --model ease -i ppast.csv -o plain.rsm -q
    rs-recommend -m plain.rsm --users pfuture.csv -k 5 -o precs.csv -q
    run rs-eval rank -k 5 --truth pfuture.csv --recs precs.csv --csv
    assert_success
    assert_equal "$named" "$output"
    assert_line --regexp '^all,users,[1-9][0-9]*$'
}

# Aliases: the old spelling gives the same bytes as the new name.
@test "aliases: rs-split --by MODE = --method MODE; both at once is a usage error" {
    movielens_like
    rs-split -i ml.csv --method user --ratio 0.75 --seed 3 --user-col userId -o a_train.csv --test-out a_test.csv -q
    rs-split -i ml.csv --by user --ratio 0.75 --seed 3 --user-col userId -o b_train.csv --test-out b_test.csv -q
    run cmp a_train.csv b_train.csv
    assert_success
    run cmp a_test.csv b_test.csv
    assert_success
    run --separate-stderr rs-split -i ml.csv --method time --cutoff 964983000 --time-col timestamp
    assert_failure 2
    assert_stderr --partial "--test-out FILE is required"
    run --separate-stderr rs-split -i ml.csv --method user --by user --ratio 0.5 -o x.csv --test-out y.csv
    assert_failure 2
    assert_stderr --partial "--by MODE is the old name of --method MODE"
    run --separate-stderr rs-split -i ml.csv --method last -o x.csv --test-out y.csv
    assert_failure 2
    assert_stderr --partial "--method last needs --n N"
}

@test "aliases: rs-eval reg --pred = --score; ab --value = --value-col" {
    printf 't,p,arm,buy,rev\n1,1.5,a,1,10\n2,1.5,b,0,0\n3,2.5,a,1,5\n4,5,b,1,20\n' > r.csv
    run rs-eval reg -i r.csv --truth t --score p --csv
    assert_success
    assert_line "all,mae,0.625"
    new=$output
    run rs-eval reg -i r.csv --truth t --pred p --csv
    assert_equal "$output" "$new"
    run --separate-stderr rs-eval reg -i r.csv --truth t --pred p --score p
    assert_failure 2
    assert_stderr --partial "--pred is the old name of --score"
    run rs-eval ab -i r.csv --group arm --outcome buy --value-col rev --csv
    assert_success
    assert_line "a,value_mean,7.5"
    new=$output
    run rs-eval ab -i r.csv --group arm --outcome buy --value rev --csv
    assert_equal "$output" "$new"
}

@test "aliases: --id-col = --id (rs-train, rs-predict), --id = --id-col (rs-clean)" {
    printf 'cust,x,y\nc1,0,0\nc2,1,1\nc3,2,0\nc4,3,1\nc5,4,1\nc6,0.5,0\n' > s.csv
    rs-train --model logreg --label y --id cust -i s.csv -o a.rsm -q
    rs-train --model logreg --label y --id-col cust -i s.csv -o b.rsm -q
    run cmp a.rsm b.rsm
    assert_success
    run rs-predict -m a.rsm -i s.csv --id cust -q
    assert_success
    assert_line --index 0 "cust,score"
    new=$output
    run rs-predict -m a.rsm -i s.csv --id-col cust -q
    assert_equal "$output" "$new"
    printf 'alias,id\nc1,c2\n' > map.csv
    rs-clean -i s.csv --id-map map.csv --id-col cust -q -o a.csv
    rs-clean -i s.csv --id-map map.csv --id cust -q -o b.csv
    run cmp a.csv b.csv
    assert_success
    run sed -n 2p b.csv
    assert_output "c2,0,0"
}

@test "aliases: rs-features join --key/--right-key = --on/--right-on" {
    printf 'cust,n\nc1,1\nc2,2\n' > left.csv
    printf 'who,age\nc2,30\nc1,40\n' > right.csv
    run rs-features join -i left.csv --right right.csv --on cust --right-on who
    assert_success
    assert_line --index 1 "c1,1,40"
    new=$output
    run rs-features join -i left.csv --right right.csv --key cust --right-key who
    assert_equal "$output" "$new"
}

@test "rs-eval: --truth-col (class, reg) and --test (rank) give what their old name --truth gives; the wrong one or two names is exit 2" {
    printf 'y,score\n1,0.9\n0,0.2\n1,0.4\n0,0.6\n' > c.csv
    rs-eval class -i c.csv --truth y --score score > old.out
    rs-eval class -i c.csv --truth-col y --score score > new.out
    cmp old.out new.out
    run grep -c '^roc_auc' new.out
    assert_output 1
    rs-eval reg -i c.csv --truth y --score score > old.out
    rs-eval reg -i c.csv --truth-col y --score score > new.out
    cmp old.out new.out
    printf 'user,item\nu1,a\nu2,b\n' > test.csv
    printf 'user,item,rank,score\nu1,a,1,0.9\nu1,b,2,0.5\nu2,a,1,0.8\n' > recs.csv
    rs-eval rank -k 2 --truth test.csv --recs recs.csv > old.out
    rs-eval rank -k 2 --test test.csv --recs recs.csv > new.out
    cmp old.out new.out
    run --separate-stderr rs-eval rank -k 2 --truth-col test.csv --recs recs.csv
    assert_failure 2
    assert_stderr --partial "--truth-col COL is for rs-eval class and reg (rank: --test FILE)"
    run --separate-stderr rs-eval class -i c.csv --test y --score score
    assert_failure 2
    assert_stderr --partial "--test FILE is for rs-eval rank (class and reg: --truth-col COL)"
    run --separate-stderr rs-eval class -i c.csv --truth y --truth-col y --score score
    assert_failure 2
    assert_stderr --partial "give one"
}
