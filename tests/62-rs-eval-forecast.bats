#!/usr/bin/env bats
# rs-eval forecast: every metric against hand-computed values, --by,
# --per-series, --plot, and the error paths.

setup() {
    load test_helper/common-setup
    _common_setup
    printf 'series,period,forecast,q0.1,q0.9,grp\na,p1,2,1,3,g1\na,p2,2,1,3,g1\nb,p1,5,4,8,g2\nb,p2,5,4,8,g2\n' > fc.csv
    printf 'series,period,value\na,p1,3\na,p2,0\nb,p1,4\nb,p2,10\n' > actual.csv
    # history: a 1 3 2 (|diff| 2 1, squares 4 1), b 4 4 6 (|diff| 0 2, squares 0 4)
    printf 'series,period,value\na,h1,1\na,h2,3\na,h3,2\nb,h1,4\nb,h2,4\nb,h3,6\n' > train.csv
}

# |a - b| <= 1e-12
close_to() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; exit !(d <= 1e-12 && d >= -1e-12) }'; }

@test "wape, bias, mae, mase, rmsse, pinball and coverage equal the hand-computed values" {
    # F - Y: a -1 2, b 1 -5; sum |e| 9, sum Y 17
    run --separate-stderr rs-eval forecast -i fc.csv --actuals actual.csv --train train.csv --csv
    assert_success
    assert_line 'all,series,2'
    assert_line 'all,n,4'
    assert_line 'all,wape,0.5294117647058824'
    assert_line 'all,bias,-0.17647058823529413'
    assert_line 'all,mae,2.25'
    # mase: a 1.5 / 1.5, b 3 / 1: mean 2; rmsse: a sqrt(2.5 / 2.5), b sqrt(13 / 2)
    assert_line 'all,mase,2'
    assert_line "all,rmsse,$(awk 'BEGIN { printf "%.17g", (1 + sqrt(6.5)) / 2 }')"
    assert_line 'all,series_unscaled,0'
    # pinball 0.1: 0.1 x 2 + 0.9 x 1 + 0 + 0.1 x 6 = 1.7 over 4; 0.9: 0 + 0.1 x 3 + 0.1 x 4 + 0.9 x 2 = 2.5 over 4
    assert_line 'all,pinball_q0.9,0.625'
    # inside [q0.1, q0.9]: a p1 (3 on the bound counts), b p1 (4 on the bound)
    assert_line 'all,coverage_q0.1_q0.9,0.5'
    close_to "$(echo "$output" | awk -F, '$2 == "pinball_q0.1" { print $3 }')" 0.425
}

@test "without --train there is no mase or rmsse; the actual column of -i is used without --actuals" {
    run --separate-stderr rs-eval forecast -i fc.csv --actuals actual.csv --csv
    assert_success
    assert_line 'all,mase,'
    assert_line 'all,wape,0.5294117647058824'
    printf 'series,origin,period,forecast,actual\na,o,p1,2,3\na,o,p2,2,0\n' > bt.csv
    run --separate-stderr rs-eval forecast -i bt.csv --csv
    assert_line 'all,wape,1'
    assert_line 'all,bias,0.3333333333333333'
}

@test "--by: the metrics per segment" {
    run --separate-stderr rs-eval forecast -i fc.csv --actuals actual.csv --train train.csv --by grp --csv
    assert_success
    assert_line 'g1,wape,1'
    assert_line 'g1,mase,1'
    assert_line 'g2,wape,0.42857142857142855'
    assert_line 'g2,mase,3'
    assert_line 'g2,coverage_q0.1_q0.9,0.5'
}

@test "--per-series: series,n,wape,mase,rmsse,bias" {
    run --separate-stderr rs-eval forecast -i fc.csv --actuals actual.csv --train train.csv --per-series ps.csv -o /dev/null
    assert_success
    run cat ps.csv
    assert_line --index 0 'series,n,wape,mase,rmsse,bias'
    assert_line --index 1 'a,2,1,1,1,0.3333333333333333'
    assert_line --index 2 "b,2,0.42857142857142855,3,$(awk 'BEGIN { printf "%.17g", sqrt(6.5) }'),-0.2857142857142857"
}

@test "--plot with --plot-series draws actual and forecast of the series asked for" {
    run --separate-stderr rs-eval forecast -i fc.csv --actuals actual.csv --plot p.svg --plot-series a,b -o /dev/null
    assert_success
    run grep -c '<svg' p.svg
    assert_output 1
    run grep -o 'series [ab]: actual' p.svg
    assert_line --index 0 'series a: actual'
    assert_line --index 1 'series b: actual'
}

@test "JSON and text reports hold the same wape" {
    run --separate-stderr rs-eval forecast -i fc.csv --actuals actual.csv --json
    assert_output --partial '"wape": 0.5294117647058824'
    run --separate-stderr rs-eval forecast -i fc.csv --actuals actual.csv
    assert_output --regexp 'wape +0\.529412'
}

@test "errors: a forecast without an actual, an actual given twice, a bad number, an unknown plotted series" {
    printf 'series,period,value\na,p1,3\n' > short.csv
    run --separate-stderr rs-eval forecast -i fc.csv --actuals short.csv
    assert_failure 1
    assert_stderr "rs-eval: fc.csv:3: no actual for series a, period p2 in short.csv"
    printf 'series,period,value\na,p1,3\na,p1,4\n' > twice.csv
    run --separate-stderr rs-eval forecast -i fc.csv --actuals twice.csv
    assert_failure 1
    assert_stderr "rs-eval: twice.csv:3: series a, period p1 given twice"
    printf 'series,period,forecast\na,p1,x\n' > badnum.csv
    run --separate-stderr rs-eval forecast -i badnum.csv --actuals actual.csv
    assert_failure 1
    assert_stderr "rs-eval: badnum.csv:2: column forecast: 'x' is not a number"
    run --separate-stderr rs-eval forecast -i fc.csv --actuals actual.csv --plot p.svg --plot-series zz
    assert_failure 2
    assert_stderr --partial "--plot-series: no series 'zz' in the forecasts"
    run --separate-stderr rs-eval forecast -i fc.csv
    assert_failure 2
    assert_stderr --partial "-i (or give --actuals FILE)"
}

@test "usage: --plot and --plot-series go together; --actuals is for forecast only" {
    run --separate-stderr rs-eval forecast -i fc.csv --actuals actual.csv --plot p.svg
    assert_failure 2
    assert_stderr --partial "--plot FILE.svg and --plot-series LIST go together"
    run --separate-stderr rs-eval reg -i fc.csv --truth-col forecast --score forecast --actuals actual.csv
    assert_failure 2
    assert_stderr --partial "--actuals, --per-series and --plot-series are for rs-eval forecast"
}
