#!/usr/bin/env bats
# The policy kinds linucb and lints: the ridge per action against hand
# computations, the off-policy weights, the exploration rules and their
# propensities, reproducibility, learning on the simulator (the issue's
# must-show 2), and bad input.

setup() {
    load test_helper/common-setup
    _common_setup
    root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
    # action 0: (x, r) = (1, 1), (2, 3); action 1: (0, 1), (0, 1); l2 1 on
    # z = [1, x], the intercept penalised too:
    #   action 0: A = I + [[2, 3], [3, 5]] = [[3, 3], [3, 6]], b = [4, 7],
    #             beta = A^-1 b = [1/3, 1]; A^-1 = [[6, -3], [-3, 3]] / 9
    #   action 1: A = [[3, 0], [0, 1]], b = [2, 0], beta = [2/3, 0]
    # greedy: action 0 when 1/3 + x > 2/3, i.e. x > 1/3
    printf 'x,action,reward,propensity\n1,0,1,0.5\n2,0,3,0.5\n0,1,1,0.5\n0,1,1,0.5\n' > hand.csv
    printf 'x\n0.33\n0.34\n1\n' > ctx.csv
}

@test "linucb --ucb-width 0: greedy on the ridge estimates, which equal the hand computation (boundary x = 1/3)" {
    rs-train --model linucb --label reward --ucb-width 0 -i hand.csv -o lu.rsm -q
    run --separate-stderr rs-predict -m lu.rsm -i ctx.csv
    assert_success
    assert_output 'row,action,propensity
1,1,1
2,0,1
3,0,1'
}

# With the bonus: at x = 1, z = [1, 1]: action 0 has 4/3 + w sqrt(3/9),
# action 1 has 2/3 + w sqrt(1/3 + 1); w = 3 gives 3.065 against 4.131.
@test "linucb --ucb-width 3: the confidence bonus sends x = 1 to the less-known action (hand computation)" {
    rs-train --model linucb --label reward --ucb-width 3 -i hand.csv -o lu.rsm -q
    run --separate-stderr rs-predict -m lu.rsm -i ctx.csv
    assert_success
    assert_line '3,1,1'
}

# Action 0 is logged at x = 0 with rewards 1 (propensity 0.25) and 0
# (propensity 1): weights 4 and 1 scaled to mean 1 (1.6, 0.4) give the
# estimate 1.6 / (2 + l2) ~ 0.8; unweighted 0.5.  Action 1 is logged at
# x = 1 with reward 0.6: its estimate at x = 1 is ~0.6.
@test "linucb --off-policy ips|none: inverse-propensity weights change the estimate as computed by hand" {
    printf 'x,action,reward,propensity\n0,0,1,0.25\n0,0,0,1\n1,1,0.6,1\n1,1,0.6,1\n' > w.csv
    printf 'x\n1\n' > one.csv
    rs-train --model linucb --label reward --ucb-width 0 --l2 1e-6 -i w.csv -o ips.rsm -q
    rs-train --model linucb --label reward --ucb-width 0 --l2 1e-6 --off-policy none -i w.csv -o none.rsm -q
    run rs-predict -m ips.rsm -i one.csv
    assert_line '1,0,1'
    run rs-predict -m none.rsm -i one.csv
    assert_line '1,1,1'
    # --propensity-col none: logs without propensities, every row weighs 1
    cut -d, -f1-3 w.csv > noprop.csv
    rs-train --model linucb --label reward --ucb-width 0 --l2 1e-6 --propensity-col none -i noprop.csv -o np.rsm -q
    run rs-predict -m np.rsm -i one.csv
    assert_line '1,1,1'
}

# 20000 copies of one context: each row draws from its own seed, so the
# share of each action estimates the probability of choosing it, which the
# propensity column states (the same on every row).
check_propensities() { # model
    awk 'BEGIN { print "x1,x2"; for (i = 0; i < 20000; i++) print "0.5,-0.5" }' > same.csv
    rs-predict -m "$1" -i same.csv --seed 5 > acts.csv
    run awk -F, 'NR > 1 { n[$2]++; p[$2] = $3; rows++ }
                 END { bad = 0; for (a in n) { d = n[a] / rows - p[a]; if (d < 0) d = -d
                       if (d > 0.012) { bad++; print "action " a ": share " n[a] / rows " propensity " p[a] } }
                       print bad " off, " length(n) " actions" }' acts.csv
    assert_line --regexp '^0 off, [2-3] actions$'
}

@test "lints: the propensity of each action is its share of the choices on one context (quadrature vs counts)" {
    "$root/scripts/gen-bandit" --actions 3 --features 2 --rows 300 --logging uniform --seed 8 > small.csv
    rs-train --model lints --label reward -i small.csv --features x1,x2 -o lt.rsm -q
    check_propensities lt.rsm
}

@test "lints --epsilon: the propensity counts the uniform exploration too" {
    "$root/scripts/gen-bandit" --actions 3 --features 2 --rows 300 --logging uniform --seed 8 > small.csv
    rs-train --model lints --label reward --epsilon 0.3 --posterior-scale 0.5 -i small.csv --features x1,x2 -o lt.rsm -q
    check_propensities lt.rsm
}

@test "linucb --epsilon 0.3: the greedy action 0.8 of the time with propensity 0.8, the others 0.1" {
    "$root/scripts/gen-bandit" --actions 3 --features 2 --rows 300 --logging uniform --seed 8 > small.csv
    rs-train --model linucb --label reward --epsilon 0.3 -i small.csv --features x1,x2 -o lu.rsm -q
    check_propensities lu.rsm
    run awk -F, 'NR > 1 { print $3 }' acts.csv
    assert_line '0.8'
    assert_line '0.1'
}

@test "policies: the same --seed gives the same choices for any -j; another seed other choices" {
    "$root/scripts/gen-bandit" --rows 2000 --logging uniform --seed 3 > logs.csv
    "$root/scripts/gen-bandit" --rows 5000 --seed 4 | cut -d, -f1-10 > contexts.csv
    rs-train --model lints --label reward -i logs.csv --features x1,x2,x3,x4,x5,x6,x7,x8,x9,x10 -o lt.rsm -q
    rs-predict -m lt.rsm -i contexts.csv --seed 7 -j 1 > j1.csv
    rs-predict -m lt.rsm -i contexts.csv --seed 7 -j 2 > j2.csv
    rs-predict -m lt.rsm -i contexts.csv --seed 8 -j 2 > s8.csv
    cmp j1.csv j2.csv
    run cmp -s j1.csv s8.csv
    assert_failure
    run wc -l < j1.csv
    assert_output 5001
}

# The issue's must-show 2: trained off-policy from uniform-random logs of the
# reference setting (100,000 rows), acting greedily on fresh contexts.
@test "linucb from uniform logs: true value >= 1.2x the logging policy's and within 10 % of the best policy's" {
    f=x1,x2,x3,x4,x5,x6,x7,x8,x9,x10
    "$root/scripts/gen-bandit" --logging uniform --seed 11 > uniform.csv
    rs-train --model linucb --label reward --ucb-width 0 -i uniform.csv --features $f -o lu.rsm -q
    "$root/scripts/gen-bandit" --rows 20000 --seed 99 | cut -d, -f1-10 > contexts.csv
    rs-predict -m lu.rsm -i contexts.csv --keep $f > chosen.csv
    learned=$("$root/scripts/gen-bandit" --choices chosen.csv)
    logging=$("$root/scripts/gen-bandit" --value uniform)
    best=$("$root/scripts/gen-bandit" --value best)
    run awk -v v="$learned" -v l="$logging" -v b="$best" 'BEGIN { print (v >= 1.2 * l), (v >= 0.9 * b) }'
    assert_output '1 1'
}

@test "policies: rs-eval policy evaluates a policy's own logs (action and propensity from rs-predict)" {
    "$root/scripts/gen-bandit" --rows 3000 --logging uniform --seed 3 > logs.csv
    rs-train --model linucb --label reward --epsilon 0.2 -i logs.csv --features x1,x2,x3 -o lu.rsm -q
    rs-predict -m lu.rsm -i logs.csv > acted.csv
    # the new logs' propensities are in (0, 1]: rs-eval policy accepts them
    awk -F, 'NR == 1 { print "action,reward,propensity,t"; next } { print $2 ",1," $3 ",1" }' acted.csv > new.csv
    run --separate-stderr rs-eval policy -i new.csv --target-prob t --csv -q
    assert_success
    assert_line 'all,n,3000'
}

@test "policies: --describe shows the actions, the width and epsilon" {
    rs-train --model linucb --label reward --epsilon 0.25 -i hand.csv -o lu.rsm -q
    run rs-predict --describe lu.rsm
    assert_success
    assert_line 'kind linucb'
    assert_line 'n_actions 2'
    assert_line 'epsilon 0.25'
    assert_line 'feature x'
}

@test "policies: an action never logged is warned about and kept at the prior" {
    printf 'x,action,reward,propensity\n1,0,1,0.5\n2,2,0,0.5\n' > gap.csv
    run --separate-stderr rs-train --model linucb --label reward -i gap.csv -o g.rsm
    assert_success
    assert_stderr --partial "rs-train: 1 of 3 actions (0..2) were never logged: their estimates are the prior"
}

@test "policies: an action that is not an integer is an error naming file and line" {
    printf 'x,action,reward,propensity\n1,0,1,0.5\n2,1.5,0,0.5\n' > bad.csv
    run --separate-stderr rs-train --model linucb --label reward -i bad.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "rs-train: bad.csv:3: action 1.5 is not an integer 0..99999"
}

@test "policies: an action that is not a number is an error naming file and line" {
    printf 'x,action,reward,propensity\n1,0,1,0.5\n2,banner,0,0.5\n' > bad.csv
    run --separate-stderr rs-train --model lints --label reward -i bad.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "bad.csv:3: column action: 'banner' is not a number"
}

@test "policies: propensity 0 or above 1 is an error" {
    printf 'x,action,reward,propensity\n1,0,1,0.5\n2,1,0,0\n' > bad.csv
    run --separate-stderr rs-train --model linucb --label reward -i bad.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "rs-train: bad.csv:3: propensity 0 is not in (0, 1]"
    printf 'x,action,reward,propensity\n1,0,1,1.5\n' > bad.csv
    run --separate-stderr rs-train --model linucb --label reward -i bad.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "rs-train: bad.csv:2: propensity 1.5 is not in (0, 1]"
}

@test "policies: a reward that is not a number is an error naming file and line" {
    printf 'x,action,reward,propensity\n1,0,yes,0.5\n' > bad.csv
    run --separate-stderr rs-train --model linucb --label reward -i bad.csv -o m.rsm
    assert_failure 1
    assert_stderr --partial "bad.csv:2: column reward: 'yes' is not a number"
}

@test "policies: a missing action or propensity column is a usage error naming the option" {
    printf 'x,act,reward,propensity\n1,0,1,0.5\n' > t.csv
    run --separate-stderr rs-train --model linucb --label reward -i t.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--action-col"
    run --separate-stderr rs-train --model linucb --label reward --action-col act --propensity-col p -i t.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--propensity-col"
    run rs-train --model linucb --label reward --action-col act -i t.csv -o m.rsm -q
    assert_success
}

@test "policies: --features may not list the action or propensity column" {
    run --separate-stderr rs-train --model linucb --label reward --features x,action -i hand.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--features lists the --action-col column 'action'"
}

@test "policies: rs-predict --threshold is a usage error (a policy has actions, not scores)" {
    rs-train --model linucb --label reward -i hand.csv -o lu.rsm -q
    run --separate-stderr rs-predict -m lu.rsm -i ctx.csv --threshold 0.5
    assert_failure 2
    assert_stderr --partial "--threshold: a linucb model chooses actions"
}

@test "policies: the options are checked (ranges and choices)" {
    run --separate-stderr rs-train --model linucb --label reward --epsilon 1.5 -i hand.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "invalid --epsilon '1.5'"
    run --separate-stderr rs-train --model lints --label reward --off-policy dr -i hand.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--off-policy"
    run --separate-stderr rs-train --model linucb --label reward --posterior-scale 1 -i hand.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--posterior-scale is not an option of --model linucb"
}
