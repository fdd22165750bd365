#!/usr/bin/env bats
# Usage errors say why: each tool accepts only its own short options (the
# common -i -o -h -q -v -j -d, plus -k for rs-eval and rs-recommend and -m
# for rs-predict and rs-recommend), and an unknown option, an option missing
# its argument or given one it does not take is named on stderr before the
# "Try" line; exit status 2, nothing on stdout.

setup() {
    load test_helper/common-setup
    _common_setup
}

@test "rs-train -m als: rs-train has no -m (--model is long-only), the message names '-m'" {
    run --separate-stderr rs-train -m als
    assert_failure 2
    refute_output
    assert_stderr "rs-train: unknown option '-m'
Try 'rs-train --help' for more information."
}

@test "rs-clean -k 5: rs-clean has no -k, the message names '-k'" {
    run --separate-stderr rs-clean -k 5
    assert_failure 2
    refute_output
    assert_stderr "rs-clean: unknown option '-k'
Try 'rs-clean --help' for more information."
}

# Runs tool with the arguments and checks that it refuses letter by name.
refuses_short() { # tool letter args...
    local tool=$1 letter=$2
    shift 2
    run --separate-stderr "$tool" "$@"
    assert_failure 2
    refute_output
    assert_stderr "$tool: unknown option '$letter'
Try '$tool --help' for more information."
}

@test "every tool names an unknown short option, another tool's letter included" {
    refuses_short rs-clean -m -m x
    refuses_short rs-split -k -k 3
    refuses_short rs-features -m users -m x
    refuses_short rs-train -k -k 3
    refuses_short rs-predict -k -m model.rsm -k 3
    refuses_short rs-eval -m rank -m x
    refuses_short rs-recommend -x -m model.rsm -x
}

@test "an unknown short option inside a group is named alone" {
    run --separate-stderr rs-split -qz
    assert_failure 2
    assert_stderr "rs-split: unknown option '-z'
Try 'rs-split --help' for more information."
}

@test "an unknown long option is named, without its =value" {
    run --separate-stderr rs-clean --frobnicate
    assert_failure 2
    refute_output
    assert_stderr "rs-clean: unknown option '--frobnicate'
Try 'rs-clean --help' for more information."
    run --separate-stderr rs-eval class --truth y --frobnicate=3
    assert_failure 2
    assert_stderr "rs-eval: unknown option '--frobnicate'
Try 'rs-eval --help' for more information."
}

@test "a long option missing its argument is named, in full when abbreviated" {
    run --separate-stderr rs-predict --model
    assert_failure 2
    refute_output
    assert_stderr "rs-predict: option '--model' needs an argument
Try 'rs-predict --help' for more information."
    run --separate-stderr rs-clean -q --max-f
    assert_failure 2
    assert_stderr "rs-clean: option '--max-field' needs an argument
Try 'rs-clean --help' for more information."
}

@test "a short option missing its argument is named" {
    run --separate-stderr rs-recommend -m model.rsm -k
    assert_failure 2
    refute_output
    assert_stderr "rs-recommend: option '-k' needs an argument
Try 'rs-recommend --help' for more information."
    run --separate-stderr rs-features users -i
    assert_failure 2
    assert_stderr "rs-features: option '-i' needs an argument
Try 'rs-features --help' for more information."
}

@test "an argument given to an option that takes none is named" {
    run --separate-stderr rs-split --quiet=yes
    assert_failure 2
    assert_stderr "rs-split: option '--quiet' takes no argument
Try 'rs-split --help' for more information."
}

@test "an ambiguous abbreviation lists the options it could mean" {
    run --separate-stderr rs-clean --t 1
    assert_failure 2
    assert_stderr "rs-clean: option '--t' is ambiguous (--threads, --time-format, --time-out, --trim)
Try 'rs-clean --help' for more information."
}

@test "the tools' own short options are still accepted: rs-eval -k, rs-predict -m, rs-recommend -m and -k" {
    printf 'user,item\nu1,a\n' > truth.csv
    printf 'user,item,rank\nu1,a,1\n' > recs.csv
    run --separate-stderr rs-eval rank -k 1 --truth truth.csv --recs recs.csv
    assert_success
    assert_output --partial 'precision'
    run --separate-stderr rs-predict -m missing.rsm -i truth.csv
    assert_failure 1
    assert_stderr --partial "rs-predict: missing.rsm"
    run --separate-stderr rs-recommend -m missing.rsm -k 3
    assert_failure 1
    assert_stderr --partial "rs-recommend: missing.rsm"
}

@test "an empty -i or -o is a usage error before any work" {
    printf 'a\n1\n' > t.csv
    run --separate-stderr rs-clean -i t.csv -o ''
    assert_failure 2
    assert_stderr --partial "rs-clean: invalid -o '' (expected a file name, or - for standard output)"
    run --separate-stderr rs-train --model pop -i '' -o m.rsm
    assert_failure 2
    assert_stderr --partial "rs-train: invalid -i '' (expected a file name, or - for standard input)"
    run find . -name '*.tmp.*' -o -name m.rsm
    refute_output
}

@test "did you mean: an unknown long option points to the nearest one, or to the option another tool's word means (issue 12)" {
    run --separate-stderr rs-train --model als --regularization 0.1 -i x.csv -o m.rsm
    assert_failure 2
    refute_output
    assert_stderr "rs-train: unknown option '--regularization': did you mean '--l2'?
Try 'rs-train --help' for more information."
    run --separate-stderr rs-train --model mf --learning-rate=0.01 -i x.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "rs-train: unknown option '--learning-rate': did you mean '--lr'?"
    # edit distance <= 2, case ignored
    run --separate-stderr rs-clean --threds 2
    assert_failure 2
    assert_stderr --partial "rs-clean: unknown option '--threds': did you mean '--threads'?"
    run --separate-stderr rs-train --model itemknn --Neighbours 5
    assert_failure 2
    assert_stderr --partial "rs-train: unknown option '--Neighbours': did you mean '--neighbors'?"
    # an option the word starts with
    run --separate-stderr rs-recommend -m m.rsm --user-column CustomerID
    assert_failure 2
    assert_stderr --partial "rs-recommend: unknown option '--user-column': did you mean '--user-col'?"
    # nothing near: no suggestion
    run --separate-stderr rs-split --zzzz
    assert_failure 2
    assert_stderr "rs-split: unknown option '--zzzz'
Try 'rs-split --help' for more information."
}

@test "did you mean: an unknown column points to the nearest one, case ignored, within 2 edits (issue 12)" {
    printf 'CustomerID,StockCode,Quantity\n17850,85123A,6\n' > o.csv
    run --separate-stderr rs-train --model pop -i o.csv --user-col CustomerId --item-col StockCode -o m.rsm
    assert_failure 2
    assert_stderr "rs-train: o.csv: unknown column 'CustomerId' in --user-col: did you mean 'CustomerID'? (columns: CustomerID, StockCode, Quantity)
Try 'rs-train --help' for more information."
    run --separate-stderr rs-clean -i o.csv --select Stokcode
    assert_failure 2
    assert_stderr --partial "unknown column 'Stokcode' in --select: did you mean 'StockCode'? (columns: CustomerID, StockCode, Quantity)"
    # three edits away: no guess, the list only
    run --separate-stderr rs-clean -i o.csv --select Qty
    assert_failure 2
    assert_stderr --partial "unknown column 'Qty' in --select (columns: CustomerID, StockCode, Quantity)"
}
