#!/usr/bin/env bats
# rs-forecast: aggregation, each method's recursion against hand-computed
# values, auto's choice, quantile coverage and order-up-to on simulated
# series (fixed seeds), backtests, -j, and every error path.

setup() {
    load test_helper/common-setup
    _common_setup
    gen=$BATS_TEST_DIRNAME/fixtures/forecast-gen.awk
    # a small event log: 2024-01-01 is a Monday
    printf 'item,ts,qty,country\na,2024-01-01,3,FR\na,2024-01-02 10:00,2,DE\na,2024-01-15,4,FR\nb,2024-01-08,1,FR\nb,2024-01-22,6,FR\n' > ev.csv
}

# An aggregated weekly series "s" from 2024-01-01 with the given values.
agg() {
    printf 'series,period,value\n'
    local d=0 v
    for v in "$@"; do
        printf 's,%s,%s\n' "$(date -u -d "2024-01-01 + $((7 * d)) days" +%F)" "$v"
        d=$((d + 1))
    done
}

# The forecast column of row N (1-based, header skipped) of a file.
fc() { awk -F, -v n="$2" 'NR == n + 1 { print $3 }' "$1"; }

# |a - b| <= 1e-9 (1 + |b|)
close_to() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(d <= 1e-9 * (1 + m)) }'; }

@test "an event log is summed per week (Monday) and zero-filled from each series' first sale" {
    run --separate-stderr rs-forecast -i ev.csv --aggregate
    assert_success
    assert_output "$(printf 'series,period,value\na,2024-01-01,5\na,2024-01-08,0\na,2024-01-15,4\na,2024-01-22,0\nb,2024-01-08,1\nb,2024-01-15,0\nb,2024-01-22,6')"
}

@test "--week-start sunday moves the weeks; --from-start starts every series at the log's first week" {
    run --separate-stderr rs-forecast -i ev.csv --aggregate --week-start sunday
    assert_success
    assert_line --index 1 'a,2023-12-31,5'
    assert_line --index 3 'a,2024-01-14,4'
    assert_line --index 5 'b,2024-01-07,1'
    run --separate-stderr rs-forecast -i ev.csv --aggregate --from-start
    assert_line --index 5 'b,2024-01-01,0'
    assert_line --index 6 'b,2024-01-08,1'
}

@test "--period day and month; --by makes series item/value; a missing qty column counts rows" {
    run --separate-stderr rs-forecast -i ev.csv --aggregate --period month
    assert_output "$(printf 'series,period,value\na,2024-01-01,9\nb,2024-01-01,7')"
    run --separate-stderr rs-forecast -i ev.csv --aggregate --period day
    assert_line --index 1 'a,2024-01-01,3'
    assert_line --index 2 'a,2024-01-02,2'
    assert_line --index 3 'a,2024-01-03,0'
    run --separate-stderr rs-forecast -i ev.csv --aggregate --by country
    assert_line --index 1 'a/FR,2024-01-01,3'
    assert_line --index 5 'a/DE,2024-01-01,2'
    cut -d, -f1,2 ev.csv > noqty.csv
    run --separate-stderr rs-forecast -i noqty.csv --aggregate --period month
    assert_line --index 1 'a,2024-01-01,3'
}

@test "other column names: --item-col --time-col --qty-col; --series-col --period-col --value-col" {
    printf 'sku,when,units\nx,1704067200,2\nx,1704672000,4\n' > named.csv
    run --separate-stderr rs-forecast -i named.csv --item-col sku --time-col when --qty-col units --horizon 1w --method naive
    assert_output "$(printf 'series,period,forecast\nx,2024-01-15,4')"
    printf 'id,wk,y\nx,2024-01-01,2\nx,2024-01-08,6\n' > named2.csv
    run --separate-stderr rs-forecast -i named2.csv --aggregated --series-col id --period-col wk --value-col y --horizon 1w --method ma
    assert_output "$(printf 'series,period,forecast\nx,2024-01-15,4')"
    printf 'item,ts,qty\nx,01/01/2024,2\nx,08/01/2024,4\n' > fmt.csv
    run --separate-stderr rs-forecast -i fmt.csv --time-format '%d/%m/%Y' --horizon 1w --method naive
    assert_output "$(printf 'series,period,forecast\nx,2024-01-15,4')"
}

@test "ses alpha 0.5 on 10 20 30: level 22.5 for every step" {
    agg 10 20 30 > s.csv
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 2w --method ses --alpha 0.5
    assert_output "$(printf 'series,period,forecast\ns,2024-01-22,22.5\ns,2024-01-29,22.5')"
}

@test "damped holt alpha 0.5 beta 0.5 phi 0.9 on 10 12 14: 13.70375 and 14.584625" {
    # l 10 b 0; y 12: l 11, b 0.5; y 14: yhat 11.45, l 12.725, b 1.0875;
    # f1 = 12.725 + 0.9 b, f2 = 12.725 + (0.9 + 0.81) b
    agg 10 12 14 > s.csv
    rs-forecast -i s.csv --aggregated --horizon 2w --method holt --alpha 0.5 --beta 0.5 --phi 0.9 > f.csv
    close_to "$(fc f.csv 1)" 13.70375
    close_to "$(fc f.csv 2)" 14.584625
}

@test "additive holt-winters, season 2, alpha beta gamma 0.5 on 1 3 2 4: 2.84375 and 5.15625" {
    # l 2, b 0.5, s -1 1; y 2: l 2.75 b 0.625 s -0.875; y 4: l 3.1875 b 0.53125 s 0.90625
    agg 1 3 2 4 > s.csv
    rs-forecast -i s.csv --aggregated --horizon 2w --method hw --season 2 --alpha 0.5 --beta 0.5 --gamma 0.5 > f.csv
    close_to "$(fc f.csv 1)" 2.84375
    close_to "$(fc f.csv 2)" 5.15625
}

@test "croston, sba and tsb on intermittent series (alpha 0.5, beta 0.5)" {
    # croston on 0 4 0 0 2: z 4 p 2, then z 3 p 2.5: 1.2; sba 0.75 x 1.2
    agg 0 4 0 0 2 > s.csv
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --method croston --alpha 0.5
    assert_line --index 1 's,2024-02-05,1.2'
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --method sba --alpha 0.5
    assert_line --index 1 's,2024-02-05,0.9'
    # tsb on 0 4 0 2: z 4 p 0.5; p 0.25; p 0.625 z 3: 1.875
    agg 0 4 0 2 > t.csv
    run --separate-stderr rs-forecast -i t.csv --aggregated --horizon 1w --method tsb --alpha 0.5 --beta 0.5
    assert_line --index 1 's,2024-01-29,1.875'
}

@test "naive, seasonal naive, moving average and medians are exact; combo is their mean" {
    agg 1 2 3 4 > s.csv
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 3w --method snaive --season 2
    assert_output "$(printf 'series,period,forecast\ns,2024-01-29,3\ns,2024-02-05,4\ns,2024-02-12,3')"
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --method naive
    assert_line --index 1 's,2024-01-29,4'
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --method ma --window 3
    assert_line --index 1 's,2024-01-29,3'
    # medians, window 4: medians of the last 2, 3, 4 of 1 9 2 8 3: 5.5, 3, 5.5
    agg 1 9 2 8 3 > m.csv
    rs-forecast -i m.csv --aggregated --horizon 1w --method medians --window 4 > f.csv
    close_to "$(fc f.csv 1)" 4.6666666666666667
    # combo (alpha 0.5, window 2) on 10 20 30: ses 22.5, ma 25, sba 0.75 x 22.5
    agg 10 20 30 > c.csv
    rs-forecast -i c.csv --aggregated --horizon 1w --method combo --alpha 0.5 --window 2 > f.csv
    close_to "$(fc f.csv 1)" 21.458333333333333
}

@test "estimated parameters: --methods-out lists them, in range, and a fixed one is kept" {
    agg 10 10 10 10 30 30 30 30 30 30 > s.csv
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --method ses --methods-out m.csv
    assert_success
    run cat m.csv
    assert_line --index 0 'series,method,alpha,beta,phi,gamma'
    assert_output --regexp 's,ses,0\.9[0-9]*,,,'
    rs-forecast -i s.csv --aggregated --horizon 1w --method holt --beta 0.2 --methods-out m.csv > /dev/null
    run awk -F, 'NR == 2 { print $2, $4, ($3 >= 0.01 && $3 <= 0.99), ($5 >= 0.8 && $5 <= 0.98) }' m.csv
    assert_output 'holt 0.2 1 1'
}

@test "auto picks snaive on a repeating season and holt on a straight line" {
    { printf 'series,period,value\n'
      for t in $(seq 0 31); do printf 'season,%s,%s\n' "$(date -u -d "2024-01-01 + $((7 * t)) days" +%F)" "$(echo 5 1 9 3 | cut -d' ' -f$((t % 4 + 1)))"; done
      for t in $(seq 0 29); do printf 'line,%s,%s\n' "$(date -u -d "2024-01-01 + $((7 * t)) days" +%F)" $((100 + 5 * t)); done
    } > s.csv
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 4w --season 4 --methods-out m.csv
    assert_success
    run cut -d, -f1,2 m.csv
    assert_line --index 1 'season,snaive'
    # line has 30 points: hw needs two seasons of 4, and would follow the line too; season 16 rules it out
    rs-forecast -i s.csv --aggregated --horizon 4w --season 16 --methods-out m.csv > /dev/null
    run cut -d, -f1,2 m.csv
    assert_line --index 2 'line,holt'
    # snaive's forecast of the season is the season itself
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 4w --season 4
    assert_line --index 1 'season,2024-08-12,5'
    assert_line --index 4 'season,2024-09-02,3'
}

@test "auto keeps medians unless a method beats it by --auto-margin; --validation sets the origins" {
    awk -v seed=3 -v n_series=20 -v len=40 -v lambda=4 -v p_demand=1 -f "$gen" > p.csv
    rs-forecast -i p.csv --aggregated --horizon 4w --methods-out m1.csv > /dev/null
    rs-forecast -i p.csv --aggregated --horizon 4w --auto-margin 1 --validation 12 --methods-out m2.csv > /dev/null
    # white noise: with the default margin nearly every series keeps medians; margin 1 switches more
    n1=$(grep -c ',medians,' m1.csv)
    n2=$(grep -c ',medians,' m2.csv)
    [ "$n1" -ge 15 ]
    [ "$n2" -lt "$n1" ]
}

@test "80 % intervals cover 75-85 % on simulated Poisson and intermittent series (backtest, seed fixed)" {
    awk -v seed=7 -v n_series=300 -v len=60 -v lambda=5 -v p_demand=1 -f "$gen" > pois.csv
    awk -v seed=8 -v n_series=300 -v len=60 -v lambda=3 -v p_demand=0.3 -f "$gen" > inter.csv
    for f in pois inter; do
        rs-forecast -i $f.csv --aggregated --horizon 8w --quantiles 0.1,0.9 --backtest 8 -o bt.csv
        cov=$(rs-eval forecast -i bt.csv --csv | awk -F, '$2 == "coverage_q0.1_q0.9" { print $3 }')
        echo "$f: $cov"
        awk -v c="$cov" 'BEGIN { exit !(c >= 0.75 && c <= 0.85) }'
    done
}

@test "order-up-to at service level 0.95 covers the lead-time demand in 93-97 % of 1000 simulated series" {
    awk -v seed=11 -v n_series=1000 -v len=54 -v lambda=3 -v p_demand=1 -f "$gen" > full.csv
    cut=$((1704067200 + 52 * 604800))
    awk -F, -v c=$cut 'NR == 1 || $2 < c' full.csv > hist.csv
    awk -F, -v c=$cut 'NR > 1 && $2 >= c { d[$1] += $3 } END { for (k in d) print k "," d[k] }' full.csv | sort > future.csv
    rs-forecast -i hist.csv --aggregated --horizon 2w --lead-time 2w --service-level 0.95 --orders o.csv -o /dev/null
    cov=$(tail -n +2 o.csv | sort -t, -k1,1 | join -t, - future.csv | awk -F, '{ n++; c += ($6 <= $3) } END { print c / n }')
    echo "coverage $cov"
    awk -v c="$cov" 'BEGIN { exit !(c >= 0.93 && c <= 0.97) }'
}

@test "--orders: the order is order_up_to - on_hand, never below 0; --on-hand reads series,on_hand" {
    agg 4 4 4 4 4 4 > s.csv
    printf 'series,on_hand\ns,3\n' > stock.csv
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 2w --lead-time 2w --orders o.csv --on-hand stock.csv --method naive
    assert_success
    # a constant series: no error, order-up-to = 2 x 4
    run cat o.csv
    assert_output "$(printf 'series,lead_time_demand,order_up_to,on_hand,order\ns,8,8,3,5')"
    printf 'series,on_hand\ns,20\n' > stock.csv
    rs-forecast -i s.csv --aggregated --horizon 2w --lead-time 2w --orders o.csv --on-hand stock.csv --method naive > /dev/null
    run tail -1 o.csv
    assert_output 's,8,8,20,0'
}

@test "--quantiles: columns qQ, ordered, never below 0" {
    awk -v seed=5 -v n_series=5 -v len=30 -v lambda=2 -v p_demand=1 -f "$gen" > p.csv
    run --separate-stderr rs-forecast -i p.csv --aggregated --horizon 3w --quantiles 0.1,0.5,0.9 --calibration 20
    assert_success
    assert_line --index 0 'series,period,forecast,q0.1,q0.5,q0.9'
    run awk -F, 'NR > 1 && !($4 >= 0 && $4 <= $5 && $5 <= $6) { bad++ } END { print bad + 0 }' <<< "$output"
    assert_output 0
}

@test "--backtest N: forecasts from each of the last N origins with the actual" {
    agg 10 20 30 40 > s.csv
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 2w --method naive --backtest 2
    assert_success
    assert_output "$(printf 'series,origin,period,forecast,actual\ns,2024-01-08,2024-01-15,20,30\ns,2024-01-08,2024-01-22,20,40\ns,2024-01-15,2024-01-22,30,40')"
}

@test "the same bytes for -j 1 and -j 3" {
    awk -v seed=9 -v n_series=200 -v len=40 -v lambda=3 -v p_demand=0.5 -f "$gen" > p.csv
    rs-forecast -i p.csv --aggregated --horizon 4w --quantiles 0.1,0.9 -j 1 -o a.csv
    rs-forecast -i p.csv --aggregated --horizon 4w --quantiles 0.1,0.9 -j 3 -o b.csv
    run cmp a.csv b.csv
    assert_success
    [ "$(wc -l < a.csv)" -eq 801 ]
}

@test "--horizon in months with --period month" {
    printf 'item,ts,qty\nx,2024-01-05,2\nx,2024-02-05,4\n' > m.csv
    run --separate-stderr rs-forecast -i m.csv --period month --horizon 2mo --method naive
    assert_output "$(printf 'series,period,forecast\nx,2024-03-01,4\nx,2024-04-01,4')"
    run --separate-stderr rs-forecast -i m.csv --period month --horizon 8w
    assert_failure 2
    assert_stderr --partial "invalid --horizon '8w' (with --period month: months, e.g. 3mo)"
}

@test "bad input: one point, negative quantity, gap, duplicate period, bad time: FILE:LINE messages" {
    printf 'item,ts,qty\na,2024-01-01,3\n' > one.csv
    run --separate-stderr rs-forecast -i one.csv --horizon 1w
    assert_failure 1
    assert_stderr "rs-forecast: one.csv:2: series a has 1 period; at least 2 are needed to fit a method (--min-periods N skips shorter series with a warning)"
    printf 'item,ts,qty\na,2024-01-01,3\na,2024-01-08,-2\n' > neg.csv
    run --separate-stderr rs-forecast -i neg.csv --horizon 1w
    assert_failure 1
    assert_stderr "rs-forecast: neg.csv:3: column qty: -2 is negative (demand is >= 0: remove returns and cancellations, e.g. with rs-clean)"
    printf 'series,period,value\na,2024-01-01,3\na,2024-01-15,3\n' > gap.csv
    run --separate-stderr rs-forecast -i gap.csv --aggregated --horizon 1w
    assert_failure 1
    assert_stderr "rs-forecast: gap.csv:3: series a: a gap before period 2024-01-15 (2024-01-08 is missing; give every period, with 0 for no demand, or read the event log)"
    printf 'series,period,value\na,2024-01-01,3\na,2024-01-03,3\n' > dup.csv
    run --separate-stderr rs-forecast -i dup.csv --aggregated --horizon 1w
    assert_failure 1
    assert_stderr "rs-forecast: dup.csv:3: series a: period 2024-01-01 given twice (also on line 2)"
    printf 'item,ts,qty\na,2024-13-01,3\n' > time.csv
    run --separate-stderr rs-forecast -i time.csv --horizon 1w
    assert_failure 1
    assert_stderr "rs-forecast: time.csv:2: column ts: '2024-13-01' is not a time (epoch seconds, ISO 8601, or --time-format)"
    printf 'item,ts,qty\na,2024-01-01,x\n' > num.csv
    run --separate-stderr rs-forecast -i num.csv --horizon 1w
    assert_failure 1
    assert_stderr "rs-forecast: num.csv:2: column qty: 'x' is not a number"
    printf 'item,ts,qty\n' > empty.csv
    run --separate-stderr rs-forecast -i empty.csv --horizon 1w
    assert_failure 1
    assert_stderr "rs-forecast: empty.csv: no rows: nothing to forecast"
}

@test "--min-periods skips shorter series with a warning" {
    printf 'item,ts,qty\na,2024-01-01,3\na,2024-01-08,5\nb,2024-01-08,1\n' > short.csv
    run --separate-stderr rs-forecast -i short.csv --horizon 1w --method naive --min-periods 2
    assert_success
    assert_output "$(printf 'series,period,forecast\na,2024-01-15,5')"
    assert_stderr "rs-forecast: short.csv: skipped 1 series shorter than 2 periods (--min-periods)"
}

@test "usage errors: horizon 0, not whole periods, bad method, quantiles, options that need others" {
    agg 1 2 3 > s.csv
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 0w
    assert_failure 2
    assert_stderr --partial "invalid --horizon '0w' (expected a whole number > 0 and a unit"
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 10d
    assert_failure 2
    assert_stderr --partial "invalid --horizon '10d' (expected a whole number of weeks, e.g. 8w)"
    run --separate-stderr rs-forecast -i s.csv --aggregated
    assert_failure 2
    assert_stderr --partial "--horizon DURATION is required"
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --method arima
    assert_failure 2
    assert_stderr --partial "invalid --method 'arima'"
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --quantiles 0.1,1.5
    assert_failure 2
    assert_stderr --partial "invalid --quantiles item '1.5'"
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --lead-time 2w
    assert_failure 2
    assert_stderr --partial "--lead-time and --orders FILE go together"
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --service-level 0.9
    assert_failure 2
    assert_stderr --partial "--on-hand and --service-level need --orders FILE"
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --orders o.csv --lead-time 1w --service-level 1
    assert_failure 2
    assert_stderr --partial "invalid --service-level '1' (expected 0 < S < 1)"
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --method ses --validation 3
    assert_failure 2
    assert_stderr --partial "--validation and --auto-margin are for --method auto"
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --alpha 2
    assert_failure 2
    assert_stderr --partial "invalid --alpha '2' (expected 0..1)"
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --by x
    assert_failure 2
    assert_stderr --partial "--by is for an event log"
    run --separate-stderr rs-forecast -i ev.csv --horizon 1w --series-col x
    assert_failure 2
    assert_stderr --partial "--series-col, --period-col and --value-col need --aggregated"
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --backtest 2 --methods-out m.csv
    assert_failure 2
    assert_stderr --partial "--backtest writes forecasts only"
    run --separate-stderr rs-forecast -i ev.csv --horizon 1w --item-col sku
    assert_failure 2
    assert_stderr --partial "--item-col"
    run --separate-stderr rs-forecast -i ev.csv --horizon 1w --period year
    assert_failure 2
    assert_stderr --partial "invalid --period 'year' (expected day, week or month)"
    run --separate-stderr rs-forecast -i ev.csv --horizon 1w --week-start someday
    assert_failure 2
    assert_stderr --partial "invalid --week-start 'someday'"
}

@test "--method global: one gbdt model for all series; --model-out saves it, --model-in forecasts the same bytes" {
    awk -v seed=21 -v n_series=40 -v len=30 -v lambda=4 -v p_demand=0.7 -f "$gen" > p.csv
    run --separate-stderr rs-forecast -i p.csv --aggregated --horizon 3w --method global --trees 50 --model-out g.rsm -o a.csv
    assert_success
    [ "$(wc -l < a.csv)" -eq 121 ]
    run awk -F, 'NR > 1 && !($3 >= 0) { bad++ } END { print bad + 0 }' a.csv
    assert_output 0
    rs-forecast -i p.csv --aggregated --horizon 3w --method global --model-in g.rsm -o b.csv
    run cmp a.csv b.csv
    assert_success
    rs-forecast -i p.csv --aggregated --horizon 3w --method global --trees 50 -j 1 -o c.csv
    rs-forecast -i p.csv --aggregated --horizon 3w --method global --trees 50 -j 2 -o d.csv
    run cmp c.csv d.csv
    assert_success
    run cmp a.csv c.csv
    assert_success
}

@test "--method global with --global-season (week of the year) and --global-loss poisson or squared" {
    awk -v seed=22 -v n_series=30 -v len=30 -v lambda=4 -v p_demand=1 -f "$gen" > p.csv
    rs-forecast -i p.csv --aggregated --horizon 2w --method global --trees 30 --global-season --model-out s.rsm -o a.csv
    rs-forecast -i p.csv --aggregated --horizon 2w --method global --model-in s.rsm -o b.csv
    run cmp a.csv b.csv
    assert_success
    rs-forecast -i p.csv --aggregated --horizon 2w --method global --trees 30 -o plain.csv
    run cmp a.csv plain.csv
    assert_failure
    for loss in poisson squared; do
        rs-forecast -i p.csv --aggregated --horizon 2w --method global --trees 30 --global-loss $loss -o $loss.csv
        # demand around 4: every forecast between 0 and 20
        run awk -F, 'NR > 1 && !($3 >= 0 && $3 < 20) { bad++ } END { print NR - 1, bad + 0 }' $loss.csv
        assert_output '60 0'
    done
}

@test "--method global on constant series forecasts the constant (log1p target, expm1 back)" {
    { printf 'series,period,value\n'
      for s in a b c; do for t in $(seq 0 19); do printf '%s,%s,5\n' $s "$(date -u -d "2024-01-01 + $((7 * t)) days" +%F)"; done; done
    } > flat.csv
    rs-forecast -i flat.csv --aggregated --horizon 2w --method global --trees 20 -o f.csv 2> /dev/null
    run awk -F, 'NR > 1 { d = $3 - 5; if (d < 0) d = -d; if (d > 1e-3) bad++ } END { print NR - 1, bad + 0 }' f.csv
    assert_output '6 0'
}

@test "--method global: usage and model errors" {
    agg 1 2 3 4 5 > s.csv
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --method global --quantiles 0.1,0.9
    assert_failure 2
    assert_stderr --partial "--method global gives point forecasts only"
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --model-out m.rsm
    assert_failure 2
    assert_stderr --partial "--model-out, --model-in, --trees, --global-loss and --global-season are for --method global"
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --method global --global-loss huber
    assert_failure 2
    assert_stderr --partial "invalid --global-loss 'huber' (expected poisson, squared or log)"
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --method global --model-in none.rsm --trees 5
    assert_failure 2
    assert_stderr --partial "--model-in forecasts with a trained model"
    printf 'x,y\n1,2\n2,4\n3,6\n4,8\n5,10\n6,12\n' > lin.csv
    rs-train --model gbdt --label y -i lin.csv -o other.rsm -q
    run --separate-stderr rs-forecast -i s.csv --aggregated --horizon 1w --method global --model-in other.rsm
    assert_failure 1
    assert_stderr --partial "not a model of rs-forecast --method global"
}
