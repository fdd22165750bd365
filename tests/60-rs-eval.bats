#!/usr/bin/env bats
# rs-eval: agreement with independent references (and scikit-learn when it
# is installed), hand-computed cases, plots, outputs and errors.

setup() {
    load test_helper/common-setup
    _common_setup
    helpers=$BATS_TEST_DIRNAME/helpers
}

# 300 cases: sizes 1..40, scores on a coarse grid (ties) or continuous;
# every 10th case is all one class, every 7th has a constant score.
make_cases() {
    awk 'BEGIN { srand(42); print "case,y,s";
        for (c = 1; c <= 300; c++) { n = 1 + int(rand() * 40); levels = 1 + int(rand() * 8)
            for (i = 0; i < n; i++) {
                y = c % 10 == 0 ? (c % 20 == 0) : rand() < 0.35
                s = c % 7 == 0 ? 0.5 : (c % 2 ? int(rand() * levels) / levels : rand())
                printf "c%d,%d,%.6f\n", c, y, s } } }' > cases.csv
}

# compare rs-eval's group,metric,value with reference case,metric,value
compare() { # rs.csv ref.csv
    awk -F, 'NR == FNR { if (FNR > 1) v[$1 "," $2] = $3; next }
             { key = $1 "," $2; r = v[key]
               if ($3 == "" || r == "") { if ($3 != r) { print "undefined differs:", key, r, $3; bad++ } }
               else { d = r - $3; if (d < 0) d = -d; if (d > 1e-6) { print "differs:", key, r, $3; bad++ } }
               checked++ }
             END { print checked " values checked"; exit bad > 0 }' "$1" "$2"
}

@test "class metrics agree with the definitions on 300 random cases (ties, one class, constant scores)" {
    make_cases
    run --separate-stderr rs-eval class -i cases.csv --truth y --score s --by case --csv -o rs.csv
    assert_success
    tail -n +2 cases.csv | awk -f "$helpers/class_reference.awk" > ref.csv
    run compare rs.csv ref.csv
    assert_success
    assert_output '2400 values checked'
}

@test "class metrics agree with scikit-learn (when python3-sklearn is installed)" {
    /usr/bin/python3 -c 'import sklearn' 2>/dev/null || skip "python3-sklearn is not installed"
    make_cases
    rs-eval class -i cases.csv --truth y --score s --by case --csv -o rs.csv
    tail -n +2 cases.csv > body.csv
    /usr/bin/python3 "$helpers/sklearn_reference.py" body.csv > sk.csv
    run compare rs.csv sk.csv
    assert_success
    assert_output '2400 values checked'
}

@test "class: a hand-computed case in text, JSON and CSV" {
    # y 1 0 1 0, s .9 .8 .4 .4 at threshold .5: tp 1 fp 1 fn 1 tn 1;
    # AUC: (.9>.8) (.9>.4) (.4<.8) (.4=.4 half) = 2.5/4; AP .5 + .5 x .5 = .75
    printf 'y,s\n1,0.9\n0,0.8\n1,0.4\n0,0.4\n' > t.csv
    run --separate-stderr rs-eval class -i t.csv --truth y --score s --json
    assert_success
    assert_output --partial '"all": {"n": 4, "positives": 2, "base_rate": 0.5, "roc_auc": 0.625, "pr_auc": 0.75,'
    assert_output --partial '"tp": 1, "fp": 1, "tn": 1, "fn": 1, "best_f1": 0.6666666666666666, "best_f1_threshold": 0.9}'
    run --separate-stderr rs-eval class -i t.csv --truth y --score s --csv
    assert_line 'all,roc_auc,0.625'
    run --separate-stderr rs-eval class -i t.csv --truth y --score s
    assert_line --regexp '^roc_auc +0\.625$'
    run --separate-stderr rs-eval class -i t.csv --truth y --score s --threshold 0.3 --csv
    assert_line 'all,recall,1'
}

@test "class edge cases: one class gives null AUC; TRUE/FALSE labels; --by segments sorted by name" {
    printf 'y,s,seg\n1,0.2,b\n1,0.7,b\nFALSE,0.1,a\nTRUE,0.9,a\n' > t.csv
    run --separate-stderr rs-eval class -i t.csv --truth y --score s --by seg --json
    assert_success
    assert_line --index 1 --partial '"all": {"n": 4'
    assert_line --index 2 --partial '"a": {"n": 2, "positives": 1, "base_rate": 0.5, "roc_auc": 1,'
    assert_line --index 3 --partial '"b": {"n": 2, "positives": 2, "base_rate": 1, "roc_auc": null, "pr_auc": 1,'
}

@test "reg: MSE, RMSE, MAE, R2, MAPE by hand; constant truth" {
    # errors .5 -.5 0 -1: MSE .375, MAE .5; mean truth 2.875, SS_tot 29.1875
    printf 't,p\n3,2.5\n-0.5,0\n2,2\n7,8\n' > r.csv
    run --separate-stderr rs-eval reg -i r.csv --truth t --pred p --csv
    assert_success
    assert_line 'all,mse,0.375'
    assert_line 'all,mae,0.5'
    assert_line 'all,rmse,0.6123724356957945'
    assert_line "all,r2,$(awk 'BEGIN { printf "%.16g", 1 - 1.5 / 29.1875 }')"
    printf 't,p\n0,1\n2,3\n' > z.csv
    run --separate-stderr rs-eval reg -i z.csv --truth t --pred p --csv
    assert_line 'all,mape,0.5'
    assert_line 'all,mape_skipped,1'
}

@test "reg agrees with the definitions on random cases" {
    awk 'BEGIN { srand(7); print "case,t,p"; for (c = 1; c <= 200; c++) { n = 1 + int(rand() * 30)
         for (i = 0; i < n; i++) { t = c % 9 == 0 ? 3 : int(rand() * 100) / 10; printf "c%d,%s,%.4f\n", c, t, t + rand() - 0.5 } } }' > reg.csv
    rs-eval reg -i reg.csv --truth t --pred p --by case --csv -o rs.csv
    awk -F, 'BEGIN { OFMT = CONVFMT = "%.17g" } NR > 1 { n[$1]++; t[$1, n[$1]] = $2; p[$1, n[$1]] = $3 }
        END { for (c in n) { st = 0; for (i = 1; i <= n[c]; i++) st += t[c, i]; m = st / n[c]; sr = ss = sa = 0
              for (i = 1; i <= n[c]; i++) { e = t[c, i] - p[c, i]; sr += e * e; ss += (t[c, i] - m) ^ 2; sa += e < 0 ? -e : e }
              print c ",mse," sr / n[c]; print c ",mae," sa / n[c]
              print c ",r2," (ss > 0 ? 1 - sr / ss : (sr == 0 ? 1 : 0)) } }' reg.csv > ref.csv
    run compare rs.csv ref.csv
    assert_success
    assert_output '600 values checked'
    /usr/bin/python3 -c 'import sklearn' 2>/dev/null || skip "python3-sklearn is not installed"
    # scikit-learn leaves R2 undefined for a single row; rs-eval follows its
    # constant-truth rule there, so those rows are compared with the reference above only
    tail -n +2 reg.csv > body.csv
    /usr/bin/python3 "$helpers/sklearn_reg_reference.py" body.csv | grep -v ',r2,$' > sk.csv
    run compare rs.csv sk.csv
    assert_success
}

@test "--plot writes valid SVG that renders to a non-empty PNG" {
    printf 'y,s,seg\n1,0.9,a\n0,0.8,a\n1,0.4,b\n0,0.3,b\n1,0.75,a\n0,0.1,b\n' > t.csv
    run --separate-stderr rs-eval class -i t.csv --truth y --score s --by seg --plot roc.svg
    assert_success
    run xmllint --noout roc.svg
    assert_success
    command -v rsvg-convert >/dev/null || skip "rsvg-convert (librsvg2-bin) is not installed"
    rsvg-convert roc.svg -o roc.png
    [ "$(head -c 8 roc.png | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ]
    [ "$(stat -c %s roc.png)" -gt 5000 ]
    printf 't,p\n1,1.1\n2,1.8\n3,3.3\n' > r.csv
    rs-eval reg -i r.csv --truth t --pred p --plot reg.svg
    run xmllint --noout reg.svg
    assert_success
}

@test "errors: missing columns, non-numeric scores with their line, empty input, bad options" {
    printf 'y,s\n1,0.5\n0,high\n' > bad.csv
    run --separate-stderr rs-eval class -i bad.csv --truth y --score s
    assert_failure 1
    assert_stderr "rs-eval: bad.csv:3: column s: 'high' is not a number"
    printf 'y,s\n2,0.5\n' > lab.csv
    run --separate-stderr rs-eval class -i lab.csv --truth y --score s
    assert_failure 1
    assert_stderr "rs-eval: lab.csv:2: column y: '2' is not a 0/1 label"
    run --separate-stderr rs-eval class -i bad.csv --truth label --score s
    assert_failure 2
    assert_stderr --partial "unknown column 'label' in --truth (columns: y, s)"
    printf 'y,s\n' > empty.csv
    run --separate-stderr rs-eval class -i empty.csv --truth y --score s
    assert_failure 1
    assert_stderr 'rs-eval: empty.csv: no rows to evaluate'
    run --separate-stderr rs-eval class -i bad.csv --truth y
    assert_failure 2
    assert_stderr --partial 'rs-eval class needs --truth COL and --score COL'
    run --separate-stderr rs-eval reg -i bad.csv --truth y --pred s --threshold 2
    assert_failure 2
    run --separate-stderr rs-eval lift
    assert_failure 2
    assert_stderr --partial "unknown subcommand 'lift' (expected class, reg, rank, ab, policy, uplift or forecast)"
}

@test "rank: hand-computed toy case with fewer than K relevant items and a user without recommendations" {
    # u1 relevant {a,b,c}, recs a x b; u2 relevant {d}, recs y z; u3 relevant {e}, no recs.
    # K=2: u1 1 hit: P .5, R 1/3, DCG 1, IDCG 1 + 1/log2 3 = 1.6309298 -> NDCG .6131472,
    #      AP (1/min(2,3)) x 1 = .5; u2 and u3 0.  Means over 3 users.
    # K=3: u1 2 hits: P 2/3, R 2/3, DCG 1 + 1/2, IDCG 1.6309298 + .5 -> .7039180; AP (1 + 2/3)/3
    # MRR (1 + 0 + 0)/3.  Coverage: top-2 {a,x,y,z}, top-3 adds b: 4/8, 5/8 of the 8 items seen.
    printf 'user,item\nu1,a\nu1,b\nu1,c\nu2,d\nu3,e\n' > test.csv
    printf 'user,item,rank\nu1,b,3\nu1,a,1\nu1,x,2\nu2,y,1\nu2,z,2\n' > recs.csv
    run --separate-stderr rs-eval rank -k 2,3 --truth test.csv --recs recs.csv --csv
    assert_success
    assert_line 'all,users,3'
    assert_line 'all,users_without_recs,1'
    assert_line 'all,precision@2,0.16666666666666666'
    assert_line 'all,recall@2,0.1111111111111111'
    assert_line --regexp '^all,ndcg@2,0\.20438239'
    assert_line 'all,map@2,0.16666666666666666'
    assert_line 'all,hitrate@2,0.3333333333333333'
    assert_line 'all,precision@3,0.2222222222222222'
    assert_line --regexp '^all,ndcg@3,0\.23463936'
    assert_line --regexp '^all,map@3,0\.1851851851'
    assert_line 'all,coverage@2,0.5'
    assert_line 'all,coverage@3,0.625'
    assert_line 'all,mrr,0.3333333333333333'
    assert_line 'all,novelty@2,'
}

@test "rank: mrr@K counts a first hit only within the top K; hitrate@K is HR@K for one target per user" {
    # one target each: u1 hit at 1, u2 at 3, u3 at 4 (beyond K 3), u4 none
    printf 'user,item
u1,a
u2,b
u3,c
u4,d
' > test.csv
    printf 'user,item,rank
u1,a,1
u2,x,1
u2,y,2
u2,b,3
u3,x,1
u3,y,2
u3,z,3
u3,c,4
u4,x,1
' > recs.csv
    run --separate-stderr rs-eval rank -k 1,3 --truth test.csv --recs recs.csv --csv
    assert_success
    # mrr@1 = 1/4; mrr@3 = (1 + 1/3)/4; mrr (all positions) = (1 + 1/3 + 1/4)/4; HR@3 = 2/4
    assert_line 'all,mrr@1,0.25'
    assert_line 'all,mrr@3,0.3333333333333333'
    assert_line 'all,mrr,0.3958333333333333'
    assert_line 'all,hitrate@1,0.25'
    assert_line 'all,hitrate@3,0.5'
}

@test "rank: --train gives novelty (mean self-information), --graded uses 2^value - 1, --by segments" {
    printf 'user,item,value,seg\nu1,a,3,x\nu1,b,1,x\nu2,c,1,y\n' > test.csv
    printf 'user,item,rank\nu1,b,1\nu1,a,2\nu2,c,1\n' > recs.csv
    # train: 4 users; a bought by 1, b by 2, c by 4 -> -log2 of 1/4, 2/4, 4/4 = 2, 1, 0
    printf 'user,item\nt1,a\nt1,b\nt2,b\nt1,c\nt2,c\nt3,c\nt4,c\n' > train.csv
    run --separate-stderr rs-eval rank -k 1,2 --truth test.csv --recs recs.csv --train train.csv --csv
    # top-1: b (1 bit) and c (0) -> .5; top-2: b a c -> (1 + 2 + 0)/3
    assert_line 'all,novelty@1,0.5'
    assert_line 'all,novelty@2,1'
    # graded u1: gains a 7, b 1; recs b a: DCG 1 + 7/log2 3, IDCG 7 + 1/log2 3
    run --separate-stderr rs-eval rank -k 2 --truth test.csv --recs recs.csv --graded --by seg --csv
    x=$(grep '^x,ndcg@2,' <<< "$output" | cut -d, -f3)
    awk -v x="$x" 'BEGIN { l = log(3) / log(2); d = x - (1 + 7 / l) / (7 + 1 / l); exit !(d < 1e-12 && d > -1e-12) }'
    assert_line 'y,ndcg@2,1'
}

@test "rank errors: ids of different forms, missing columns, bad -k" {
    printf 'user,item\n17850,a\n' > test.csv
    printf 'user,item,rank\n17850.0,a,1\n' > recs.csv
    run --separate-stderr rs-eval rank --truth test.csv --recs recs.csv
    assert_failure 1
    assert_stderr "rs-eval: recs.csv: no user of the recommendations is in the test set: the ids differ in form (e.g. '17850.0' here, '17850' in test.csv)"
    printf 'customer,item\n1,a\n' > other.csv
    run --separate-stderr rs-eval rank --truth other.csv --recs recs.csv
    assert_failure 2
    assert_stderr --partial "unknown column 'user' in --user-col (columns: customer, item)"
    run --separate-stderr rs-eval rank -k 10,5 --truth test.csv --recs recs.csv
    assert_failure 2
    assert_stderr --partial "invalid -k '10,5' (expected increasing cut-offs"
    : > empty.csv
    run --separate-stderr rs-eval rank --truth empty.csv --recs recs.csv
    assert_failure 1
    assert_stderr 'rs-eval: empty.csv: empty input (expected a header line)'
}

@test "rank --plot: metrics against K as valid SVG" {
    printf 'user,item\nu1,a\nu2,b\n' > test.csv
    printf 'user,item,rank\nu1,a,1\nu1,c,2\nu2,c,1\nu2,b,2\n' > recs.csv
    rs-eval rank -k 1,2 --truth test.csv --recs recs.csv --plot k.svg
    run xmllint --noout k.svg
    assert_success
}

@test "ab: rates, Wald interval, z-test and a seeded bootstrap interval" {
    awk 'BEGIN { print "arm,converted,revenue"; for (i = 0; i < 1000; i++) print "A," (i < 100) "," (i < 100 ? 20 : 0);
                 for (i = 0; i < 1000; i++) print "B," (i < 130) "," (i < 130 ? 20 : 0) }' > ab.csv
    run --separate-stderr rs-eval ab -i ab.csv --group arm --outcome converted --value revenue --csv
    assert_success
    # .13 - .10 +- 1.96 sqrt(.13 x .87/1000 + .1 x .9/1000); pooled .115: z = .03 / sqrt(.115 x .885 x 2/1000)
    assert_line 'B,rate_diff_low,0.0020679344393763656'
    assert_line 'B,rate_diff_high,0.057932065560623636'
    assert_line 'B,z,2.102740605622114'
    assert_line 'B,p_value,0.03548845046647473'
    assert_line 'B,value_diff,0.6000000000000001'
    assert_line 'A,rate_diff,'
    low=$(grep 'B,value_diff_low' <<< "$output" | cut -d, -f3)
    awk -v l="$low" 'BEGIN { exit !(l > -0.5 && l < 0.6) }'
    run --separate-stderr rs-eval ab -i ab.csv --group arm --outcome converted --value revenue --csv --seed 3
    first=$output
    run --separate-stderr rs-eval ab -i ab.csv --group arm --outcome converted --value revenue --csv --seed 3
    [ "$output" = "$first" ]
    run --separate-stderr rs-eval ab -i ab.csv --group arm --outcome converted --control B --csv
    assert_line 'A,rate_diff,-0.03'
}

@test "ab errors: one group, a non 0/1 outcome, unknown control" {
    printf 'arm,c\nA,1\nA,0\n' > one.csv
    run --separate-stderr rs-eval ab -i one.csv --group arm --outcome c
    assert_failure 1
    assert_stderr 'rs-eval: one.csv: an A/B test needs two groups or more in arm (found 1)'
    printf 'arm,c\nA,1\nB,maybe\n' > bad.csv
    run --separate-stderr rs-eval ab -i bad.csv --group arm --outcome c
    assert_failure 1
    assert_stderr "rs-eval: bad.csv:3: column c: 'maybe' is not a 0/1 outcome"
    printf 'arm,c\nA,1\nB,0\n' > ok.csv
    run --separate-stderr rs-eval ab -i ok.csv --group arm --outcome c --control Z
    assert_failure 2
    assert_stderr --partial "--control 'Z' is not a value of arm"
}

@test "rank: a (user, item) repeated in the recommendations counts once, with a warning (issue 12)" {
    # u1 relevant {a}; recs a a a.  Counted three times, recall@3 was 3.
    printf 'user,item\nu1,a\n' > test.csv
    printf 'user,item,rank\nu1,a,1\nu1,a,2\nu1,a,3\n' > recs.csv
    run --separate-stderr rs-eval rank -k 3 --truth test.csv --recs recs.csv --csv
    assert_success
    assert_line 'all,recall@3,1'
    assert_line 'all,precision@3,0.3333333333333333'
    assert_line 'all,hitrate@3,1'
    assert_line 'all,mrr,1'
    assert_stderr "rs-eval: recs.csv: 2 repeated (user, item) pairs in the recommendations counted once, at the best rank (e.g. user 'u1', item 'a')
rs-eval: recs.csv: -k 3 is beyond the longest recommendation list (1 item): the places past a list count as misses"
    # u1 relevant {a, c}; recs a a x c -> a x c.  K=2: 1 hit: P .5, R .5,
    # NDCG 1 / (1 + 1/log2 3) = .61314719, AP 1/2; K=3: 2 hits: P 2/3, R 1,
    # NDCG (1 + 1/2) / (1 + 1/log2 3) = .91972079, AP (1 + 2/3) / 2
    printf 'user,item\nu1,a\nu1,c\n' > test.csv
    printf 'user,item,rank\nu1,a,1\nu1,a,2\nu1,x,3\nu1,c,4\n' > recs.csv
    run --separate-stderr rs-eval rank -k 2,3 --truth test.csv --recs recs.csv --csv
    assert_success
    assert_line 'all,precision@2,0.5'
    assert_line 'all,recall@2,0.5'
    assert_line --regexp '^all,ndcg@2,0\.61314719'
    assert_line 'all,map@2,0.5'
    assert_line 'all,precision@3,0.6666666666666666'
    assert_line 'all,recall@3,1'
    assert_line --regexp '^all,ndcg@3,0\.91972078'
    assert_line 'all,map@3,0.8333333333333333'
    assert_line 'all,coverage@3,1'
    assert_stderr "rs-eval: recs.csv: 1 repeated (user, item) pair in the recommendations counted once, at the best rank (e.g. user 'u1', item 'a')"
}

@test "rank: a K beyond the longest recommendation list is a warning; within it, none" {
    # 2-item lists evaluated @2, @5 and @10: @5 and @10 are computed (places
    # past the list are misses), and said so
    printf 'user,item\nu1,a\nu2,c\n' > test.csv
    printf 'user,item,rank\nu1,a,1\nu1,b,2\nu2,b,1\n' > recs.csv
    run --separate-stderr rs-eval rank -k 2,5,10 --truth test.csv --recs recs.csv --csv
    assert_success
    assert_line 'all,precision@5,0.1'
    assert_line 'all,recall@10,0.5'
    assert_stderr "rs-eval: recs.csv: -k 5, 10 are beyond the longest recommendation list (2 items): the places past a list count as misses"
    run --separate-stderr rs-eval rank -k 1,2 --truth test.csv --recs recs.csv --csv
    assert_success
    assert_line 'all,precision@2,0.25'
    assert_stderr ''
    run --separate-stderr rs-eval rank -k 5 -q --truth test.csv --recs recs.csv --csv
    assert_success
    assert_stderr ''
}
