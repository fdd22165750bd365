#!/usr/bin/env bats
# Edges of the kind registry and its option checks that the other files
# leave open (found by mutating lib/models/): exact kind names, open range
# ends, the popularity kind serving everyone, pass-through columns of pair
# scoring, the --recent window's edge and the validation loss that -v
# prints.

setup() {
    load test_helper/common-setup
    _common_setup
}

toy() { printf 'user,item,value,ts\nu1,a,1,10\nu1,b,2,20\nu2,a,1,30\nu2,b,1,40\nu2,c,3,50\nu3,b,1,60\nu3,c,2,70\n' > toy.csv; }

@test "a kind is found by its exact name only: a longer or shorter name is an unknown --model" {
    toy
    for name in popular pop2 als_ itemknnx ease0 mlpx m l; do
        run --separate-stderr rs-train --model "$name" -i toy.csv -o m.rsm
        assert_failure 2
        assert_stderr --partial "unknown --model '$name'"
    done
    [ ! -e m.rsm ]
}

@test "open range ends: --recent 0, --lr 0, --tol 0 and --tol 1 are refused; the closed ends are taken" {
    toy
    run --separate-stderr rs-train --model pop --recent 0 -i toy.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "invalid --recent '0' (expected X > 0)"
    printf 'a,y\n1,0\n2,1\n3,0\n4,1\n' > t.csv
    run --separate-stderr rs-train --model logreg --label y --tol 1 -i t.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "invalid --tol '1' (expected 0 < X < 1)"
    run --separate-stderr rs-train --model logreg --label y --tol 0 -i t.csv -o m.rsm
    assert_failure 2
    run --separate-stderr rs-train --model bpr --lr 0 -i toy.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "invalid --lr '0' (expected 0 < X <= 10)"
    run --separate-stderr rs-train --model bpr --lr 10 --epochs 1 --factors 2 -i toy.csv -o m.rsm -q
    assert_success
    run --separate-stderr rs-train --model mlp --label y --dropout 0 --epochs 1 -i t.csv -o m.rsm -q
    assert_success
    run --separate-stderr rs-train --model logreg --label y --class-weight 0,1 -i t.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "invalid --class-weight '0,1'"
    run --separate-stderr rs-train --model logreg --label y --class-weight 1,0 -i t.csv -o m.rsm
    assert_failure 2
}

@test "pop serves every user: no fallback note for the users it lacks" {
    toy
    rs-train --model pop -i toy.csv -o pop.rsm -q
    run --separate-stderr rs-recommend -m pop.rsm --users <(printf 'user\nghost\nu1\n') -k 2
    assert_success
    assert_stderr ""
    assert_output "user,item,rank,score
ghost,b,1,3
ghost,a,2,2
u1,c,1,2"
}

@test "rs-predict on user,item pairs: several --keep columns in the order given; a lacking user gets popularity" {
    toy
    rs-train --model itemknn --shrink 0 -i toy.csv -o knn.rsm -q
    printf 'ts,user,value,item\n5,u1,7,c\n6,ghost,8,c\n' > pairs.csv
    run --separate-stderr rs-predict -m knn.rsm -i pairs.csv --keep value,ts
    assert_success
    assert_line --index 0 "user,item,score,value,ts"
    assert_line --index 2 "ghost,c,2,8,6"
    [[ "${lines[1]}" == u1,c,*,7,5 ]]
}

@test "-v with --valid: linreg's valid_rmse is the RMSE of the saved model on the validation table" {
    awk 'BEGIN { srand(5); print "a,b,y"; for (i = 0; i < 200; i++) { a = rand(); b = rand(); printf "%.4f,%.4f,%.4f\n", a, b, 1 + 2 * a - b + rand() - 0.5 } }' > reg.csv
    head -151 reg.csv > fit.csv
    { head -1 reg.csv; tail -50 reg.csv; } > valid.csv
    run --separate-stderr rs-train --model linreg --label y -i fit.csv --valid valid.csv -o r.rsm -v
    assert_success
    last=$(echo "$stderr" | grep valid_rmse | tail -1 | awk '{ print $NF }')
    rs-predict -m r.rsm -i valid.csv --keep y > p.csv
    rmse=$(rs-eval reg -i p.csv --truth y --pred score --csv | sed -n 's/^all,rmse,//p')
    [ -n "$last" ]
    [ -n "$rmse" ]
    awk -v a="$last" -v b="$rmse" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 1e-4) }'
}

@test "pop --recent DAYS counts an interaction exactly DAYS before the newest" {
    printf 'user,item,ts\nu1,a,1700000000\nu2,b,1700086400\nu3,a,1700086400\nu4,c,1699999999\n' > rec.csv
    rs-train --model pop --recent 1 -i rec.csv -o pop.rsm -q
    run --separate-stderr rs-recommend -m pop.rsm --users <(printf 'user\nghost\n') -k 3
    assert_success
    assert_output "user,item,rank,score
ghost,a,1,2
ghost,b,2,1
ghost,c,3,0"
}

@test "--help shows each kind's defaults as '--name value', the same values as --list-models" {
    rs-train --help > help.txt
    n=0
    while IFS='	' read -r kind _family _summary defaults _quick; do
        block=$(awk -v k="$kind" '/^  [a-z]/ { on = $1 == k; next } /^$/ { on = 0 } on' help.txt | tr '\n' ' ')
        [ -n "$block" ] || { echo "$kind: no defaults under its --help line"; false; }
        for kv in $defaults; do
            value=${kv#*=}
            case $value in derived|none) continue ;; esac
            [[ "$block" == *"--${kv%%=*} $value"* ]] || { echo "$kind: '--${kv%%=*} $value' not in: $block"; false; }
            n=$((n + 1))
        done
    done < <(rs-train --list-models | tail -n +2)
    [ "$n" -ge 30 ]
}

@test "an empty file option is a usage error naming it" {
    printf 'user,item\nu1,a\nu2,b\n' > i.csv
    run --separate-stderr rs-train --model content --item-features '' -i i.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "invalid --item-features '' (expected a non-empty value)"
    [ ! -e m.rsm ]
}
