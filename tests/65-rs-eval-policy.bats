#!/usr/bin/env bats
# rs-eval policy: off-policy estimators against a five-row log worked out by
# hand, an independent NumPy implementation, the bootstrap's reproducibility,
# warnings, bad input and usage errors; scripts/gen-bandit's known values.

setup() {
    load test_helper/common-setup
    _common_setup
    root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
    # Two actions A and B; pi_ is the target policy, q_ a reward model, t the
    # target's probability of the logged action (pi_ of the logged action).
    cat > five.csv <<'EOF'
action,reward,propensity,pi_A,pi_B,q_A,q_B,t
A,1,0.5,0.8,0.2,0.6,0.3,0.8
B,0,0.25,0.8,0.2,0.5,0.2,0.2
A,0,0.5,0.5,0.5,0.4,0.1,0.5
B,1,0.5,0.1,0.9,0.2,0.7,0.9
A,1,0.2,1.0,0.0,0.9,0.0,1.0
EOF
}

# The value of metric in rs-eval's --csv output (file).
metric() { # file metric
    awk -F, -v m="$2" '$2 == m { print $3 }' "$1"
}

# Succeeds when |a - b| <= 1e-12.
near() { # a b
    awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= 1e-12) }'
}

# The hand computation (clip 2): w = t / propensity = 1.6, 0.8, 1.0, 1.8, 5.0
# (sum 10.2, squares 32.44); clipped 1.6, 0.8, 1.0, 1.8, 2.0 (sum 7.2).
#   ips   = (1.6 + 1.8 + 5.0) / 5 = 1.68      snips = 8.4 / 10.2
#   ips_clipped = (1.6 + 1.8 + 2.0) / 5 = 1.08  snips_clipped = 5.4 / 7.2 = 0.75
#   v = sum_a pi q = 0.54, 0.44, 0.25, 0.65, 0.9 (sum 2.78): dm = 0.556
#   r - q(logged) = 0.4, -0.2, -0.4, 0.3, 0.1; w times it sums to 1.12:
#   dr = (2.78 + 1.12) / 5 = 0.78; clipped: 0.82, dr_clipped = 3.6 / 5 = 0.72
#   ess = 10.2^2 / 32.44
@test "policy: every estimator equals its formula on a five-row log worked out by hand" {
    run --separate-stderr rs-eval policy -i five.csv --target-prefix pi_ --reward-prefix q_ --clip 2 --csv
    assert_success
    echo "$output" > out.csv
    near "$(metric out.csv n)" 5
    near "$(metric out.csv ips)" 1.68
    near "$(metric out.csv snips)" "$(awk 'BEGIN { printf "%.17g", 8.4 / 10.2 }')"
    near "$(metric out.csv ips_clipped)" 1.08
    near "$(metric out.csv snips_clipped)" 0.75
    near "$(metric out.csv dm)" 0.556
    near "$(metric out.csv dr)" 0.78
    near "$(metric out.csv dr_clipped)" 0.72
    near "$(metric out.csv ess)" "$(awk 'BEGIN { printf "%.17g", 10.2 * 10.2 / 32.44 }')"
    near "$(metric out.csv weight_mean)" 2.04
    near "$(metric out.csv weight_max)" 5
    near "$(metric out.csv logged_reward)" 0.6
    near "$(metric out.csv clip)" 2
}

@test "policy --target-prob: the narrow form gives the same IPS and SNIPS, and no DM or DR" {
    run --separate-stderr rs-eval policy -i five.csv --target-prob t --clip 2 --csv
    assert_success
    echo "$output" > out.csv
    near "$(metric out.csv ips)" 1.68
    near "$(metric out.csv snips_clipped)" 0.75
    run grep -c '^all,d[mr]' out.csv
    assert_output 0
}

# Without --reward-prefix or --context the reward model is each action's mean
# reward: A 2/3, B 1/2; v = 19/30, 19/30, 7/12, 31/60, 2/3, so dm = 182/300.
@test "policy: without a reward model DM uses each action's mean reward (the ridge on no context)" {
    run --separate-stderr rs-eval policy -i five.csv --target-prefix pi_ --csv
    assert_success
    echo "$output" > out.csv
    near "$(metric out.csv dm)" "$(awk 'BEGIN { printf "%.17g", 182 / 300 }')"
    # default clip 100 clips nothing: the clipped estimators equal the others
    near "$(metric out.csv ips_clipped)" 1.68
    near "$(metric out.csv clip)" 100
}

# A context column equal to the reward makes the ridge nearly exact: with a
# tiny --l2 the reward model predicts each logged reward, so DR = DM and the
# residual term vanishes.
@test "policy --context --l2: a context that is the reward gives a reward model that is exact" {
    awk -F, 'NR == 1 { print $0 ",c"; next } { print $0 "," $2 }' five.csv > ctx.csv
    run --separate-stderr rs-eval policy -i ctx.csv --target-prefix pi_ --context c --l2 1e-9 --csv
    assert_success
    echo "$output" > out.csv
    run awk -v a="$(metric out.csv dm)" -v b="$(metric out.csv dr)" 'BEGIN { d = a - b; print (d < 1e-6 && d > -1e-6) }'
    assert_output 1
}

@test "policy: rs-eval agrees with an independent NumPy implementation on random logs within 1e-9" {
    if ! /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
        skip "python3-numpy is not installed"
    fi
    run env BUILD="${RS_BUILD#$root/}" "$root/scripts/check-policy-numpy" 11 30
    assert_success
    assert_line '240 values checked, 0 differ'
}

@test "policy: the bootstrap intervals hold the estimate; the same --seed gives the same bytes for any -j" {
    "$root/scripts/gen-bandit" --rows 20000 --seed 4 --target egreedy --wide > log.csv
    rs-eval policy -i log.csv --target-prefix pi_ --context x1,x2,x3 --seed 9 -j 1 --csv -q > j1.csv
    rs-eval policy -i log.csv --target-prefix pi_ --context x1,x2,x3 --seed 9 -j 2 --csv -q > j2.csv
    rs-eval policy -i log.csv --target-prefix pi_ --context x1,x2,x3 --seed 10 -j 2 --csv -q > s10.csv
    cmp j1.csv j2.csv
    run cmp -s j1.csv s10.csv
    assert_failure
    for e in ips snips ips_clipped snips_clipped dm dr dr_clipped; do
        run awk -v lo="$(metric j1.csv ${e}_low)" -v v="$(metric j1.csv $e)" -v hi="$(metric j1.csv ${e}_high)" \
            'BEGIN { print (lo < v && v < hi) ? "inside" : "outside " lo " " v " " hi }'
        assert_output inside
    done
}

@test "policy --bootstrap N: more resamples change the interval, not the estimate" {
    rs-eval policy -i five.csv --target-prob t --bootstrap 10 --csv -q > b10.csv
    rs-eval policy -i five.csv --target-prob t --bootstrap 5000 --csv -q > b5000.csv
    near "$(metric b10.csv ips)" "$(metric b5000.csv ips)"
    run cmp -s b10.csv b5000.csv
    assert_failure
}

@test "policy: estimates close to the true value of the simulator's policy (gen-bandit --value)" {
    truth=$("$root/scripts/gen-bandit" --value egreedy)
    "$root/scripts/gen-bandit" --rows 100000 --seed 2 --target egreedy --wide > log.csv
    rs-eval policy -i log.csv --target-prefix pi_ --context x1,x2,x3,x4,x5,x6,x7,x8,x9,x10 --csv -q > out.csv
    for e in ips snips dr; do
        run awk -v v="$(metric out.csv $e)" -v t="$truth" 'BEGIN { d = v - t; if (d < 0) d = -d; print (d < 0.01) }'
        assert_output 1
    done
}

@test "policy --action-col --reward-col --propensity-col: other column names" {
    sed '1s/.*/act,rew,prop,pi_A,pi_B,q_A,q_B,t/' five.csv > renamed.csv
    run --separate-stderr rs-eval policy -i renamed.csv --action-col act --reward-col rew --propensity-col prop \
        --target-prob t --csv
    assert_success
    echo "$output" > out.csv
    near "$(metric out.csv ips)" 1.68
}

@test "policy --json: the same numbers as JSON" {
    run --separate-stderr rs-eval policy -i five.csv --target-prob t --json
    assert_success
    assert_output --partial '"ips": 1.68'
}

@test "policy: a row whose weight is most of the total is warned about, -q silences it" {
    run --separate-stderr rs-eval policy -i five.csv --target-prob t
    assert_success
    assert_stderr "rs-eval: five.csv: one row's weight is 49.0 % of all weights: the estimates rest on few rows"
    run --separate-stderr rs-eval policy -i five.csv --target-prob t -q
    assert_success
    assert_stderr ""
}

@test "policy: tiny propensities are counted and warned about with the first line" {
    printf 'action,reward,propensity,t\nA,1,0.5,0.5\nA,0,0.0005,0.5\nB,1,0.5,0.5\nB,0,0.0001,0.5\nA,1,0.5,0.5\n' > tiny.csv
    run --separate-stderr rs-eval policy -i tiny.csv --target-prob t --csv
    assert_success
    assert_line 'all,tiny_propensities,2'
    assert_stderr --partial "rs-eval: tiny.csv:3: 2 rows have a propensity below 0.001 (this is the first)"
}

@test "policy: a target that never takes a logged action has SNIPS undefined, with a warning" {
    printf 'action,reward,propensity,t\nA,1,0.5,0\nB,0,0.5,0\n' > zero.csv
    run --separate-stderr rs-eval policy -i zero.csv --target-prob t --csv
    assert_success
    assert_line 'all,ips,0'
    assert_line 'all,snips,'
    assert_stderr --partial "gives probability 0 to every logged action"
}

# ---- bad input -------------------------------------------------------------

bad_row() { # the row replacing line 3, expected stderr
    sed "3s/.*/$1/" five.csv > bad.csv
    run --separate-stderr rs-eval policy -i bad.csv --target-prefix pi_ --reward-prefix q_
    assert_failure 1
    refute_output
    assert_stderr "$2"
}

@test "policy: propensity 0 is an error naming file and line" {
    bad_row 'B,0,0,0.8,0.2,0.5,0.2,0.2' "rs-eval: bad.csv:3: column propensity: '0' is not a propensity in (0, 1]"
}

@test "policy: propensity above 1 is an error naming file and line" {
    bad_row 'B,0,1.5,0.8,0.2,0.5,0.2,0.2' "rs-eval: bad.csv:3: column propensity: '1.5' is not a propensity in (0, 1]"
}

@test "policy: a propensity that is not a number is an error" {
    bad_row 'B,0,high,0.8,0.2,0.5,0.2,0.2' "rs-eval: bad.csv:3: column propensity: 'high' is not a propensity in (0, 1]"
}

@test "policy: a missing action is an error" {
    bad_row ',0,0.25,0.8,0.2,0.5,0.2,0.2' "rs-eval: bad.csv:3: column action: '' is not an action (the cell is empty)"
}

@test "policy: an action the target policy has no column for is an error" {
    bad_row 'C,0,0.25,0.8,0.2,0.5,0.2,0.2' \
        "rs-eval: bad.csv:3: action 'C' is not among the target policy's actions (no column pi_C)"
}

@test "policy: a reward that is not a number is an error" {
    bad_row 'B,yes,0.25,0.8,0.2,0.5,0.2,0.2' "rs-eval: bad.csv:3: column reward: 'yes' is not a number (the reward)"
}

@test "policy: an empty reward is an error, not a zero" {
    bad_row 'B,,0.25,0.8,0.2,0.5,0.2,0.2' "rs-eval: bad.csv:3: column reward: '' is not a number (the reward)"
}

@test "policy: a target probability outside [0, 1] is an error" {
    bad_row 'B,0,0.25,0.8,1.2,0.5,0.2,0.2' "rs-eval: bad.csv:3: column pi_B: '1.2' is not a probability in [0, 1]"
}

@test "policy --target-prob: a target probability that is not a number is an error" {
    sed '3s/0.2$/x/' five.csv > bad.csv
    run --separate-stderr rs-eval policy -i bad.csv --target-prob t
    assert_failure 1
    assert_stderr "rs-eval: bad.csv:3: column t: 'x' is not a probability in [0, 1]"
}

@test "policy: a reward-model cell that is not a number is an error" {
    bad_row 'B,0,0.25,0.8,0.2,0.5,?,0.2' "rs-eval: bad.csv:3: column q_B: '?' is not a number (the reward model)"
}

@test "policy --context: a context cell that is not a number is an error" {
    printf 'action,reward,propensity,pi_A,pi_B,x\nA,1,0.5,0.5,0.5,1\nB,0,0.5,0.5,0.5,n/a\n' > bad.csv
    run --separate-stderr rs-eval policy -i bad.csv --target-prefix pi_ --context x
    assert_failure 1
    assert_stderr "rs-eval: bad.csv:3: column x: 'n/a' is not a number (a context column)"
}

@test "policy: a short row is an error" {
    printf 'action,reward,propensity,t\nA,1,0.5\n' > short.csv
    run --separate-stderr rs-eval policy -i short.csv --target-prob t
    assert_failure 1
    assert_stderr --partial "rs-eval: short.csv:2: expected 4 fields, got 3"
}

@test "policy: a log without rows is an error" {
    printf 'action,reward,propensity,t\n' > empty.csv
    run --separate-stderr rs-eval policy -i empty.csv --target-prob t
    assert_failure 1
    assert_stderr "rs-eval: empty.csv: no logged rows"
}

@test "policy: a missing column is named with the option" {
    run --separate-stderr rs-eval policy -i five.csv --target-prob t --propensity-col p
    assert_failure 2
    assert_stderr --partial "--propensity-col"
    assert_stderr --partial "'p'"
}

@test "policy --reward-prefix: an action without a reward column is an error" {
    cut -d, -f1-7 five.csv | sed '1s/q_B/z_B/' > bad.csv
    run --separate-stderr rs-eval policy -i bad.csv --target-prefix pi_ --reward-prefix q_
    assert_failure 2
    assert_stderr --partial "q_B"
}

@test "policy --target-prefix: a prefix no column has is a usage error" {
    run --separate-stderr rs-eval policy -i five.csv --target-prefix nope_
    assert_failure 2
    assert_stderr "rs-eval: --target-prefix 'nope_': no column of five.csv starts with it
Try 'rs-eval --help' for more information."
}

# ---- usage errors ------------------------------------------------------------

usage_error() { # expected first stderr line, arguments...
    local want=$1
    shift
    run --separate-stderr rs-eval "$@"
    assert_failure 2
    refute_output
    assert_stderr "rs-eval: $want
Try 'rs-eval --help' for more information."
}

@test "policy: no target is a usage error" {
    usage_error "rs-eval policy needs one of --target-prob COL (the target policy's probability of the logged action), --target-prefix P (of every action) and --model FILE (a policy)" policy -i five.csv
}

@test "policy: two targets are a usage error" {
    usage_error "rs-eval policy needs one of --target-prob COL (the target policy's probability of the logged action), --target-prefix P (of every action) and --model FILE (a policy)" policy -i five.csv --target-prob t --target-prefix pi_
    usage_error "rs-eval policy needs one of --target-prob COL (the target policy's probability of the logged action), --target-prefix P (of every action) and --model FILE (a policy)" policy -i five.csv --target-prob t --model m.rsm
}

@test "policy --reward-prefix without --target-prefix, --context with --target-prob, are usage errors" {
    usage_error "--reward-prefix needs --target-prefix, --context --target-prefix or --model (the direct method needs the target policy's probability of every action)" policy -i five.csv --target-prob t --reward-prefix q_
    usage_error "--reward-prefix needs --target-prefix, --context --target-prefix or --model (the direct method needs the target policy's probability of every action)" policy -i five.csv --target-prob t --context c
}

@test "policy --reward-prefix with --context is a usage error" {
    usage_error "--reward-prefix gives the reward model; --context fits one: give one" policy -i five.csv --target-prefix pi_ --reward-prefix q_ --context c
}

@test "policy --clip, --l2 and --bootstrap out of range are usage errors" {
    usage_error "invalid --clip '0' (expected a number > 0)" policy -i five.csv --target-prob t --clip 0
    usage_error "invalid --l2 '-1' (expected a number >= 0)" policy -i five.csv --target-prob t --l2 -1
    usage_error "rs-eval policy: --bootstrap at most 100000" policy -i five.csv --target-prob t --bootstrap 200000
}

@test "policy --by and --plot are usage errors" {
    usage_error "--by and --plot are not for rs-eval policy" policy -i five.csv --target-prob t --by action
}

@test "policy's options on another subcommand are usage errors" {
    usage_error "--action-col, --reward-col, --propensity-col, --target-prob, --target-prefix, --reward-prefix, --context, --l2, --clip and --model are for rs-eval policy" reg -i five.csv --truth-col reward --score t --clip 2
}

@test "policy --target-prefix and --reward-prefix must not be empty" {
    usage_error "--target-prefix must not be empty" policy -i five.csv --target-prefix ''
    usage_error "--reward-prefix must not be empty" policy -i five.csv --target-prefix pi_ --reward-prefix ''
}

# ---- a policy model as the target ---------------------------------------------

# The linucb model of tests/66-policy-kinds.bats' hand log: greedy (width 0)
# it takes action 0 when x > 1/3, else 1.  The log: (x, action, reward,
# propensity) = (0, 1, 1, 0.5), (1, 1, 0, 0.5), (1, 0, 1, 0.25), (0.2, 0, 0, 0.5).
#   epsilon 0: weights 2, 0, 4, 0: ips = 6 / 4 = 1.5, snips = 6 / 6 = 1
#   epsilon 0.5 (K = 2): greedy 0.75, other 0.25: weights 1.5, 0.5, 3, 0.5:
#   ips = 4.5 / 4 = 1.125, snips = 4.5 / 5.5
policy_model() { # extra rs-train options
    printf 'x,action,reward,propensity\n1,0,1,0.5\n2,0,3,0.5\n0,1,1,0.5\n0,1,1,0.5\n' > hand.csv
    rs-train --model linucb --label reward --ucb-width 0 "$@" -i hand.csv -o lu.rsm -q
    printf 'x,action,reward,propensity\n0,1,1,0.5\n1,1,0,0.5\n1,0,1,0.25\n0.2,0,0,0.5\n' > plog.csv
}

@test "policy --model: a linucb model's probabilities of the logged actions, by hand (epsilon 0 and 0.5)" {
    policy_model
    rs-eval policy -i plog.csv --model lu.rsm --csv -q > out.csv
    near "$(metric out.csv ips)" 1.5
    near "$(metric out.csv snips)" 1
    policy_model --epsilon 0.5
    rs-eval policy -i plog.csv --model lu.rsm --csv -q > out.csv
    near "$(metric out.csv ips)" 1.125
    near "$(metric out.csv snips)" "$(awk 'BEGIN { printf "%.17g", 4.5 / 5.5 }')"
    near "$(metric out.csv weight_max)" 3
}

# With a reward of 1 everywhere each action's mean reward is 1, so DM is the
# mean over rows of the sum of the policy's probabilities: 1 when they sum to
# 1 (lints: by quadrature).
@test "policy --model: a lints model's probabilities over the actions sum to 1 (DM of a reward that is always 1)" {
    "$root/scripts/gen-bandit" --actions 4 --features 3 --rows 400 --logging uniform --seed 2 > small.csv
    rs-train --model lints --label reward --features x1,x2,x3 --epsilon 0.1 -i small.csv -o lt.rsm -q
    awk -F, 'BEGIN { OFS = "," } NR > 1 { $5 = 1 } { print }' small.csv > ones.csv
    rs-eval policy -i ones.csv --model lt.rsm --csv -q > out.csv
    run awk -v v="$(metric out.csv dm)" 'BEGIN { d = v - 1; if (d < 0) d = -d; print (d < 1e-4) }'
    assert_output 1
}

@test "policy --model: an action the policy does not know is an error naming file and line" {
    policy_model
    sed -i '3s/^1,1,/1,7,/' plog.csv
    run --separate-stderr rs-eval policy -i plog.csv --model lu.rsm
    assert_failure 1
    assert_stderr "rs-eval: plog.csv:3: action '7' is not one of the policy's actions (0..1)"
}

@test "policy --model: a model that is not a policy, and a log without the model's features, are errors" {
    printf 'x,y\n1,0\n2,1\n3,0\n4,1\n' > t.csv
    rs-train --model logreg --label y -i t.csv -o lr.rsm -q
    policy_model
    run --separate-stderr rs-eval policy -i plog.csv --model lr.rsm
    assert_failure 2
    assert_stderr --partial "--model lr.rsm: a logreg model is not a policy (linucb, lints, egreedy)"
    cut -d, -f2- plog.csv > nox.csv
    run --separate-stderr rs-eval policy -i nox.csv --model lu.rsm
    assert_failure 2
    assert_stderr --partial "the policy model's features"
}

# ---- the simulator -------------------------------------------------------------

@test "gen-bandit: the reference setting (10 actions, 10 features, mean click rate near 5 %), reproducible" {
    "$root/scripts/gen-bandit" --rows 20000 --seed 3 > a.csv
    "$root/scripts/gen-bandit" --rows 20000 --seed 3 > b.csv
    cmp a.csv b.csv
    run head -1 a.csv
    assert_output 'x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,action,reward,propensity'
    run awk -F, 'NR > 1 { r += $12; a[$11] = 1; if ($13 <= 0 || $13 > 1) bad++ }
                 END { n = 0; for (k in a) n++; printf "%d actions, rate ok %d, bad %d\n", n, (r / (NR - 1) > 0.03 && r / (NR - 1) < 0.08), bad }' a.csv
    assert_output '10 actions, rate ok 1, bad 0'
}

@test "gen-bandit --value: the true values order as they must (uniform < logging-ish < egreedy < best)" {
    uniform=$("$root/scripts/gen-bandit" --value uniform)
    egreedy=$("$root/scripts/gen-bandit" --value egreedy)
    best=$("$root/scripts/gen-bandit" --value best)
    # egreedy = 0.8 best + 0.2 uniform exactly (the same contexts)
    run awk -v u="$uniform" -v e="$egreedy" -v b="$best" 'BEGIN { d = e - (0.8 * b + 0.2 * u); print (u < e && e < b && d < 2e-6 && d > -2e-6) }'
    assert_output 1
}

@test "gen-bandit --choices: the true value of chosen actions (the best action's close to --value best)" {
    best=$("$root/scripts/gen-bandit" --value best)
    "$root/scripts/gen-bandit" --rows 20000 --seed 5 --target best --wide > log.csv
    # the best action of each row: the pi_ column holding 1
    awk -F, 'NR == 1 { print "x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,action"; next }
             { for (a = 0; a < 10; a++) if ($(15 + a) == 1) b = a
               for (j = 1; j <= 10; j++) printf "%s,", $j; print b }' log.csv > best.csv
    run "$root/scripts/gen-bandit" --choices best.csv
    assert_success
    run awk -v v="$output" -v b="$best" 'BEGIN { d = v - b; if (d < 0) d = -d; print (d < 0.005) }'
    assert_output 1
    run "$root/scripts/gen-bandit" --choices log.csv
    assert_success
    run awk -v v="$output" -v b="$best" 'BEGIN { print (v < b - 0.05) }'
    assert_output 1
}

@test "gen-bandit: an unknown policy or option is an error" {
    run --separate-stderr "$root/scripts/gen-bandit" --value clever
    assert_failure 2
    assert_stderr "gen-bandit: unknown policy 'clever' (uniform, logging, best, egreedy)"
    run --separate-stderr "$root/scripts/gen-bandit" --frobnicate 1
    assert_failure 2
}

@test "generators: a bad option value is a usage error naming the option, not a silent 0" {
    run --separate-stderr "$root/scripts/gen-bandit" --rows 12x
    assert_failure 2
    assert_stderr "gen-bandit: --rows: '12x' is not an integer in 0..9223372036854775807"
    run --separate-stderr "$root/scripts/gen-bandit" --actions 1
    assert_failure 2
    assert_stderr "gen-bandit: --actions: '1' is not an integer in 2..64"
    run --separate-stderr "$root/scripts/gen-uplift" --treated-share 0.5x
    assert_failure 2
    assert_stderr "gen-uplift: --treated-share: '0.5x' is not a number in 0..1"
    run --separate-stderr "$root/scripts/gen-uplift" --assignment random
    assert_failure 2
    assert_stderr "gen-uplift: --assignment: only 'propensity'"
    run --separate-stderr "$root/scripts/gen-text" --topic 2
    assert_failure 2
    assert_stderr "gen-text: --topic: '2' is not a number in 0..1"
    run --separate-stderr "$root/scripts/gen-text" --rows 2 extra
    assert_failure 2
    assert_stderr --partial "Usage: gen-text"
    run "$root/scripts/gen-text" --rows 2 --words 3 --vocab 10 --classes 2 --seed 5
    assert_success
    assert_equal "${#lines[@]}" 3
    assert_line --index 0 "text,label"
}
