#!/usr/bin/env bats
# rs-eval uplift: the Qini and uplift curves, the Qini coefficient, AUUC and
# the uplift at the top k % against an eight-row test worked out by hand;
# ties, the SVG, bad input and usage errors.

setup() {
    load test_helper/common-setup
    _common_setup
    # Scores all distinct, so every row ends a step of the curves.
    cat > toy.csv <<'EOF'
score,treatment,outcome
0.8,1,1
0.7,0,0
0.6,1,1
0.5,1,0
0.4,0,1
0.3,0,0
0.2,1,0
0.1,0,0
EOF
}

# The value of metric in rs-eval's --csv output (file).
metric() { # file metric
    awk -F, -v m="$2" '$2 == m { print $3 }' "$1"
}

# Succeeds when |a - b| <= 1e-9.
near() { # a b
    awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= 1e-9) }'
}

# By hand, over the top k rows (nt, yt treated rows and their outcomes;
# nc, yc control):
#   k   nt yt nc yc   Q = yt - yc nt/nc   U = (yt/nt - yc/nc) k
#   1   1  1  0  0    1                   1
#   2   1  1  1  0    1                   2
#   3   2  2  1  0    2                   3
#   4   3  2  1  0    2                   (2/3) 4 = 8/3
#   5   3  2  2  1    2 - 3/2 = 1/2       (2/3 - 1/2) 5 = 5/6
#   6   3  2  3  1    1                   (1/3) 6 = 2
#   7   4  2  3  1    2 - 4/3 = 2/3       (1/2 - 1/3) 7 = 7/6
#   8   4  2  4  1    1                   (1/4) 8 = 2
@test "uplift: the Qini and uplift curve points equal the hand computation" {
    run rs-eval uplift -i toy.csv --curve curve.csv -q
    assert_success
    run cat curve.csv
    assert_line --index 0 "rows,qini,uplift"
    [ "${#lines[@]}" -eq 10 ]
    expected_q=(0 1 1 2 2 0.5 1 0.6666666666666667 1)
    expected_u=(0 1 2 3 2.6666666666666667 0.8333333333333333 2 1.1666666666666667 2)
    for k in 0 1 2 3 4 5 6 7 8; do
        row=$(awk -F, -v k="$k" 'NR > 1 && $1 == k' curve.csv)
        near "$(echo "$row" | cut -d, -f2)" "${expected_q[$k]}"
        near "$(echo "$row" | cut -d, -f3)" "${expected_u[$k]}"
    done
}

# Areas (trapezoids over k = 0..8):
#   Qini: .5 + 1 + 1.5 + 2 + 1.25 + .75 + 5/6 + 5/6 = 26/3; random: the line
#   to (8, Q(8) = 1), area 4; qini_area = (26/3 - 4) / 8 = 7/12.
#   Perfect ranking y (2t - 1): steps {rows 1, 3} (score 1), the five with
#   score 0, {row 5} (-1): Q = 2 at k = 2, 2 at k = 7, 1 at k = 8; area
#   2 + 10 + 1.5 = 13.5; qini_area_perfect = (13.5 - 4) / 8 = 19/16.
#   qini = (26/3 - 4) / (13.5 - 4) = 28/57.
#   Uplift curve area .5 + 1.5 + 2.5 + 17/6 + 7/4 + 17/12 + 19/12 + 19/12 =
#   41/3; auuc = 41/24.
#   Top 10 %: ceil(0.8) = 1 row, no control row: undefined.  Top 25 %: rows
#   1, 2: 1 - 0.  Top 50 %: treated 1, 3, 4 (2/3), control 2 (0).  Top 75 %:
#   6 rows, treated 2/3, control 1/3.
@test "uplift: Qini coefficient, Qini area, AUUC and uplift at k % equal their formulas by hand" {
    rs-eval uplift -i toy.csv -k 10,25,50,75 --csv > m.csv
    near "$(metric m.csv qini)" "$(awk 'BEGIN { printf "%.17g", 28 / 57 }')"
    near "$(metric m.csv qini_area)" "$(awk 'BEGIN { printf "%.17g", 7 / 12 }')"
    near "$(metric m.csv qini_area_perfect)" 1.1875
    near "$(metric m.csv auuc)" "$(awk 'BEGIN { printf "%.17g", 41 / 24 }')"
    run metric m.csv uplift_at_10
    assert_output ""
    near "$(metric m.csv uplift_at_25)" 1
    near "$(metric m.csv uplift_at_50)" "$(awk 'BEGIN { printf "%.17g", 2 / 3 }')"
    near "$(metric m.csv uplift_at_75)" "$(awk 'BEGIN { printf "%.17g", 1 / 3 }')"
    run metric m.csv n_treated
    assert_output 4
    run metric m.csv n_control
    assert_output 4
}

@test "uplift: the default columns and k, other column names by option, JSON" {
    run rs-eval uplift -i toy.csv
    assert_success
    assert_line --regexp '^uplift_at_10 +-$'
    assert_line --regexp '^uplift_at_20 +1.0$'
    assert_line --regexp '^uplift_at_30 +1.0$'
    assert_line --regexp '^uplift_at_50 +0.666667$'
    sed '1s/.*/s,coupon,bought/' toy.csv > renamed.csv
    run rs-eval uplift -i renamed.csv --score s --treatment-col coupon --outcome bought --json
    assert_success
    assert_output --partial '"qini": 0.49122807017543'
}

# Rows 1 and 2 tied at the top: one step from (0, 0) to k = 2 (Q = 1), and
# the perfect ranking is the same whatever the order inside a step.
@test "uplift: tied scores form one step of the curve" {
    sed '3s/^0.7/0.8/' toy.csv > tied.csv
    rs-eval uplift -i tied.csv --curve curve.csv -q
    run cut -d, -f1 curve.csv
    assert_output "$(printf 'rows\n0\n2\n3\n4\n5\n6\n7\n8')"
    run awk -F, '$1 == 2 { print $2 }' curve.csv
    assert_output 1
}

@test "uplift: a perfect score reaches qini 1; a reversed one is negative" {
    awk -F, 'NR == 1 { print; next } { print ($3 * (2 * $2 - 1)) "," $2 "," $3 }' toy.csv > perfect.csv
    rs-eval uplift -i perfect.csv --csv > m.csv
    near "$(metric m.csv qini)" 1
    awk -F, 'NR == 1 { print; next } { print (-$1) "," $2 "," $3 }' toy.csv > reversed.csv
    rs-eval uplift -i reversed.csv --csv > r.csv
    run awk -v q="$(metric r.csv qini)" 'BEGIN { exit !(q < 0) }'
    assert_success
}

@test "uplift: --plot writes the Qini curve with the random and perfect ones as SVG" {
    run rs-eval uplift -i toy.csv --plot qini.svg -q
    assert_success
    run head -c 5 qini.svg
    assert_output "<?xml"
    run grep -c '<polyline' qini.svg
    assert_output 3
    run grep -c 'perfect (dashed)' qini.svg
    assert_output 1
}

@test "uplift: bad input is FILE:LINE and exit 1" {
    sed '4s/,1,1$/,2,1/' toy.csv > t2.csv
    run --separate-stderr rs-eval uplift -i t2.csv
    assert_failure 1
    assert_stderr --partial "t2.csv:4:"
    assert_stderr --partial "a treatment of 0 or 1"
    sed '5s/,0$/,maybe/' toy.csv > y.csv
    run --separate-stderr rs-eval uplift -i y.csv
    assert_failure 1
    assert_stderr --partial "y.csv:5:"
    assert_stderr --partial "an outcome that is a number"
    sed '2s/^0.8/high/' toy.csv > s.csv
    run --separate-stderr rs-eval uplift -i s.csv
    assert_failure 1
    assert_stderr --partial "s.csv:2:"
    assert_stderr --partial "a score that is a number"
    awk -F, 'NR == 1 || $2 == 1' toy.csv > treated.csv
    run --separate-stderr rs-eval uplift -i treated.csv
    assert_failure 1
    assert_stderr "rs-eval: treated.csv: uplift needs treated (1) and control (0) rows: found 4 treated and 0 control"
    cut -d, -f2,3 toy.csv > noscore.csv
    run --separate-stderr rs-eval uplift -i noscore.csv
    assert_failure 2
    assert_stderr --partial "score"
    run --separate-stderr rs-eval uplift -i toy.csv --score uplift
    assert_failure 2
    assert_stderr --partial "uplift"
}

@test "uplift: usage errors are exit 2" {
    run --separate-stderr rs-eval uplift -i toy.csv -k 50,20
    assert_failure 2
    assert_stderr --partial "invalid -k '50,20' (expected increasing percentages 1..100"
    run --separate-stderr rs-eval uplift -i toy.csv -k 150
    assert_failure 2
    run --separate-stderr rs-eval uplift -i toy.csv --by score
    assert_failure 2
    assert_stderr --partial "rs-eval uplift reads --treatment-col, --outcome and --score"
    run --separate-stderr rs-eval reg -i toy.csv --truth-col outcome --score score --treatment-col treatment
    assert_failure 2
    assert_stderr --partial "--treatment-col and --curve are for rs-eval uplift"
    run --separate-stderr rs-eval uplift -i toy.csv --target-prob score
    assert_failure 2
    run --separate-stderr rs-eval uplift -i toy.csv --curve toy.csv
    assert_failure 2
    run cat toy.csv
    assert_line --index 1 "0.8,1,1"
}
