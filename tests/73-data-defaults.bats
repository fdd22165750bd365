#!/usr/bin/env bats
# Defaults that fit the data (issue 18): each derived value is recomputed
# here from the input by its documented rule (awk) and compared with what
# the model records; the model equals the one trained with that value given.

setup() {
    load test_helper/common-setup
    _common_setup
    # 40 users, each 3..10 distinct items of 25 (every pair once)
    awk 'BEGIN { srand(3); print "user,item,value"
        for (u = 1; u <= 40; u++) { n = 3 + int(rand() * 8); delete got; k = 0
            while (k < n) { i = 1 + int(rand() * 25); if (!(i in got)) { got[i] = 1; k++
                printf "u%d,i%d,%d\n", u, i, 1 + int(rand() * 5) } } } }' > rated.csv
    cut -d, -f1,2 rated.csv > inter.csv
}

# key's value in rs-predict --describe MODEL
described() { rs-predict --describe "$1" | awk -v k="$2" '$1 == k { print $2 }'; }

@test "ease: l2 defaults to 10 x the mean users per item; with values 10 x the mean of X'X's diagonal" {
    rs-train -q --model ease -i inter.csv -o e.rsm
    want=$(awk -F, 'NR > 1 { n++; items[$2] = 1 } END { for (i in items) m++; printf "%.6f", 10 * n / m }' inter.csv)
    run printf '%.6f' "$(described e.rsm l2)"
    assert_output "$want"
    # the same model as --l2 given that value
    rs-train -q --model ease --l2 "$(described e.rsm l2)" -i inter.csv -o given.rsm
    rs-recommend -m e.rsm -k 5 -o a.csv
    rs-recommend -m given.rsm -k 5 -o b.csv
    run cmp a.csv b.csv
    assert_success
    # values: the diagonal of X'X is each item's sum of squared values
    rs-train -q --model ease --value-col value -i rated.csv -o v.rsm
    want=$(awk -F, 'NR > 1 { s += $3 * $3; items[$2] = 1 } END { for (i in items) m++; printf "%.6f", 10 * s / m }' rated.csv)
    run printf '%.6f' "$(described v.rsm l2)"
    assert_output "$want"
    # a given l2 is kept
    run described given.rsm l2
    assert_output "$(described e.rsm l2)"
}

@test "itemknn: idf by default, --shrink counted in the mean squared weighted value (recorded)" {
    rs-train -q --model itemknn -i inter.csv -o k.rsm
    run described k.rsm weighting
    assert_output "idf"
    # items are the documents, users the terms: idf_u = log(1 + n_items / (1 + items of u))
    unit=$(awk -F, 'NR > 1 { n++; iu[n] = $1; du[$1]++; items[$2] = 1 }
        END { for (i in items) m++; for (t = 1; t <= n; t++) { w = log(1 + m / (1 + du[iu[t]])); s += w * w }
              printf "%.5f", s / n }' inter.csv)
    run printf '%.5f' "$(described k.rsm shrink_unit)"
    assert_output "$unit"
    run described k.rsm shrink
    assert_output "10"
    run printf '%.4f' "$(described k.rsm shrink_applied)"
    assert_output "$(awk -v u="$unit" 'BEGIN { printf "%.4f", 10 * u }')"
    # no weighting on 0/1 values: the unit is 1, the plain cosine shrinkage
    rs-train -q --model itemknn --weighting none --shrink 7 -i inter.csv -o n.rsm
    run described n.rsm shrink_unit
    assert_output "1"
    run described n.rsm shrink_applied
    assert_output "7"
    # userknn shares the rule, over users: users are the documents
    rs-train -q --model userknn --weighting none --value-col value -i rated.csv -o u.rsm
    run printf '%.5f' "$(described u.rsm shrink_unit)"
    assert_output "$(awk -F, 'NR > 1 { s += $3 * $3; n++ } END { printf "%.5f", s / n }' rated.csv)"
}

@test "mlp: one hidden layer, the power of 2 at or above 2 x features, 16..256; --hidden 0 has none" {
    for nf in 2 30 200; do
        awk -v nf="$nf" 'BEGIN { srand(nf); for (j = 1; j <= nf; j++) printf "f%d,", j; print "y"
            for (i = 1; i <= 60; i++) { for (j = 1; j <= nf; j++) printf "%.3f,", rand(); print i % 2 } }' > t$nf.csv
        rs-train -q --model mlp --epochs 1 --label y -i t$nf.csv -o m$nf.rsm
    done
    run described m2.rsm hidden
    assert_output "16"
    run described m30.rsm hidden
    assert_output "64"
    run described m200.rsm hidden
    assert_output "256"
    rs-train -q --model mlp --epochs 1 --hidden 0 --label y -i t30.csv -o none.rsm
    run described none.rsm hidden
    assert_output "none"
    # the derived width is the model of --hidden 64 given
    rs-train -q --model mlp --epochs 1 --hidden 64 --label y -i t30.csv -o given.rsm
    rs-predict -m m30.rsm -i t30.csv -o a.csv
    rs-predict -m given.rsm -i t30.csv -o b.csv
    run cmp a.csv b.csv
    assert_success
}

@test "the derived defaults show as derived in --list-models and rs-train --help" {
    run rs-train --list-models
    assert_line --regexp "^ease	recommender	.*	l2=derived	"
    assert_line --regexp "^itemknn	recommender	.*	neighbors=100 shrink=10 weighting=idf	"
    assert_line --regexp "^bpr	recommender	.*	factors=64 epochs=60 lr=0.02 l2=0.01 hogwild=off	"
    run rs-train --help
    assert_output --partial "10 x mean users per item"
    assert_output --partial "the power of 2 at or above 2 x features"
}
