#!/usr/bin/env bats
# The model-kind registry (lib/models/kinds.def) is the one list of kinds:
# --help, --list-models, the man page, option checking, the fuzz seeds and
# rs-predict/rs-recommend all follow it, and a new kind is one file plus
# one registry line (the dummy kind below, as man 7 rs says).

setup() {
    load test_helper/common-setup
    _common_setup
    root=$BATS_TEST_DIRNAME/..
}

kinds() { rs-train --list-models | tail -n +2 | cut -f1; }

@test "--list-models: one row per kind with family, summary, defaults and quick options" {
    run rs-train --list-models
    assert_success
    assert_line --index 0 "$(printf 'kind\tfamily\tsummary\tdefaults\tquick')"
    assert_line --regexp "^als	recommender	implicit: .*	factors=64 epochs=15 l2=derived alpha=derived cg-steps=3	--factors 2 --epochs 1$"
    assert_line --regexp "^logreg	supervised	.*	l2=1 l1=0 class-weight=1,1 tol=1e-6 max-iter=derived text=none text-bits=derived word-ngrams=derived char-ngrams=derived tfidf=derived text-norm=derived epochs=derived lr=derived	$"
    # the listed kinds are the registry's lines, in its order, each once
    sed -n 's/^RS_KIND(\([a-z0-9_]*\))$/\1/p' "$root/lib/models/kinds.def" > registry.txt
    kinds > listed.txt
    run diff registry.txt listed.txt
    assert_success
    run bash -c 'sort listed.txt | uniq -d'
    assert_output ""
    [ "$(wc -l < listed.txt)" -ge 21 ]
    run --separate-stderr bash -c 'rs-train --list-models > /dev/full'
    assert_failure 1
    assert_stderr "rs-train: stdout: write error"
}

@test "every kind has a --help line with its summary, a man-page paragraph with the registry's defaults, and a fuzz seed" {
    run "$root/scripts/fuzz-seeds" "$RS_BIN" seeds
    assert_success
    man=$(sed 's/\\-/-/g' "$root/man/rs-train.1")
    rs-train --list-models | tail -n +2 > list.tsv
    while IFS='	' read -r kind family summary defaults _quick; do
        run rs-train --help
        assert_line "  $(printf '%-8s' "$kind") $summary"
        run grep -c "^\.B $kind\$" <<< "$man"
        assert_output 1
        expected=$(echo "$defaults" | awk '{ for (i = 1; i <= NF; i++) { n = index($i, "=")
            s = s (i > 1 ? ", " : "") "--" substr($i, 1, n - 1) " " substr($i, n + 1) }
            print NF ? "Defaults: " s "." : "Defaults: none (no options)." }')
        run grep -cF -- "$expected" <<< "$man"
        assert_output --regexp '^[12]$'
        run rs-predict --describe "seeds/$kind.rsm"
        assert_success
        assert_line "kind $kind"
    done < list.tsv
}

@test "every error that lists the kinds lists the registry's" {
    all=$(kinds | paste -sd' ')
    run --separate-stderr rs-train --model forest -o m.rsm
    assert_failure 2
    for k in $all; do
        assert_stderr --partial "$k"
    done
    run --separate-stderr rs-train -o m.rsm
    assert_failure 2
    assert_stderr --partial "--model KIND is required ($(kinds | head -n -1 | paste -sd, | sed 's/,/, /g') or $(kinds | tail -1))"
}

@test "every option a kind does not use is exit 2 naming the option and the kind (generated from the registry)" {
    rs-train --list-models | tail -n +2 > list.tsv
    options=$(cut -f4 list.tsv | tr ' ' '\n' | cut -d= -f1 | sort -u)
    options="$options label features id valid user-col item-col value-col time-col time-format"
    n=0
    while IFS='	' read -r kind family _summary defaults _quick; do
        own=" $(echo "$defaults" | tr ' ' '\n' | cut -d= -f1 | paste -sd' ') "
        if [ "$family" = supervised ]; then
            own="$own label features id valid "
            base="--label y"
        else
            own="$own user-col item-col value-col time-col time-format "
            base=""
        fi
        for opt in $options; do
            case "$own" in *" $opt "*) continue ;; esac
            arg=1   # a flag takes none
            if rs-train --help | grep -E -- "^      --$opt {2,}" > /dev/null; then arg=; fi
            # shellcheck disable=SC2086
            run --separate-stderr rs-train --model "$kind" $base "--$opt" $arg -o m.rsm
            [ "$status" -eq 2 ] || { echo "$kind --$opt: status $status"; false; }
            [[ "$stderr" == *"--$opt is not an option of --model $kind"* ]] || { echo "$kind --$opt: $stderr"; false; }
            n=$((n + 1))
        done
    done < list.tsv
    # 11 kinds, 37 options: every pair but the ones a kind takes
    [ "$n" -ge 250 ]
    [ ! -e m.rsm ]
}

@test "the issue's examples: ease --factors 8 --hidden 3 and logreg --alpha 3 are refused" {
    printf 'user,item\nu1,a\nu2,a\n' > i.csv
    run --separate-stderr rs-train --model ease --factors 8 --hidden 3 -i i.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--factors is not an option of --model ease"
    printf 'a,y\n1,0\n2,1\n' > t.csv
    run --separate-stderr rs-train --model logreg --alpha 3 --label y -i t.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--alpha is not an option of --model logreg"
    run --separate-stderr rs-train --model ease --label y -i i.csv -o m.rsm
    assert_failure 2
    assert_stderr --partial "--label is not an option of --model ease"
    [ ! -e m.rsm ]
}

@test "the model file records the registry's defaults" {
    printf 'user,item,value\nu1,a,1\nu1,b,2\nu2,b,1\nu2,c,3\nu3,a,1\n' > i.csv
    for kind in mf als bpr ease itemknn userknn; do
        rs-train --model "$kind" -i i.csv -o "$kind.rsm" -q
        defaults=$(rs-train --list-models | awk -F'\t' -v k="$kind" '$1 == k { print $4 }')
        checked=0
        for kv in $defaults; do
            key=$(echo "${kv%%=*}" | tr - _) value=${kv#*=}
            if [ "$kind/$key" = als/epochs ]; then key=iterations; fi
            got=$(rs-predict --describe "$kind.rsm" | awk -v k="$key" '$1 == k { print $2 }')
            [ -n "$got" ] || continue
            # a default derived from the data (ease l2, als l2 and alpha) is recorded as the value used
            # (its rule: tests/73-data-defaults.bats)
            if [ "$value" = derived ]; then checked=$((checked + 1)); continue; fi
            [[ "$value" =~ ^[0-9.e-]+$ ]] || continue
            awk -v a="$got" -v b="$value" 'BEGIN { exit !(a == b) }' || { echo "$kind $key: $got != $value"; false; }
            checked=$((checked + 1))
        done
        [ "$checked" -ge 1 ] || { echo "$kind: no default recorded"; false; }
    done
}

@test "a new kind is one file plus one registry line: rs-train, --help, option checks, rs-predict and rs-recommend serve it" {
    [ "${SAN:-}" != 1 ] || skip "builds a second tree: run once, not under the sanitizers"
    mkdir tree
    (cd "$root" && tar cf - --exclude=./build --exclude=./.git .) | tar xf - -C tree
    # the two steps of "How to add a model kind" (man 7 rs)
    cp "$root/tests/kinds/dummy.c" tree/lib/models/
    echo 'RS_KIND(dummy)' >> tree/lib/models/kinds.def
    run make -C tree -j2 all CFLAGS=-O0
    assert_success
    bin=tree/build/bin
    run "$bin/rs-train" --list-models
    assert_line --regexp "^dummy	recommender	a test kind: .*	dummy-scale=1	$"
    run "$bin/rs-train" --help
    assert_line "  dummy    a test kind: interactions per item times --dummy-scale"
    assert_line --regexp "^      --dummy-scale X +the dummy kind's score per interaction \(dummy\)$"
    printf 'user,item\nu1,a\nu1,b\nu2,a\nu3,a\nu3,c\n' > i.csv
    run --separate-stderr "$bin/rs-train" --model dummy --dummy-scale 2 -i i.csv -o d.rsm
    assert_success
    run "$bin/rs-recommend" -m d.rsm -k 1
    assert_output "user,item,rank,score
u1,c,1,2
u2,b,1,2
u3,b,1,2"
    printf 'user,item\nu1,a\nnew,c\n' > pairs.csv
    run --separate-stderr "$bin/rs-predict" -m d.rsm -i pairs.csv
    assert_output "user,item,score
u1,a,6
new,c,2"
    # a kind-own real option keeps its fraction (rs_params_real)
    run --separate-stderr "$bin/rs-train" --model dummy --dummy-scale 0.5 -i i.csv -o h.rsm
    assert_success
    run --separate-stderr "$bin/rs-predict" -m h.rsm -i pairs.csv
    assert_output "user,item,score
u1,a,1.5
new,c,0.5"
    run --separate-stderr "$bin/rs-train" --model dummy --dummy-scale 0 -i i.csv -o d2.rsm
    assert_failure 2
    assert_stderr --partial "invalid --dummy-scale '0' (expected X > 0)"
    run --separate-stderr "$bin/rs-train" --model dummy --factors 3 -i i.csv -o d2.rsm
    assert_failure 2
    assert_stderr --partial "--factors is not an option of --model dummy"
    # a model of a kind this build does not know: a data error naming it, from both scorers
    run --separate-stderr rs-predict -m d.rsm -i pairs.csv
    assert_failure 1
    assert_stderr --partial "d.rsm: unknown model kind 'dummy' (this rs knows linreg, logreg,"
    run --separate-stderr rs-recommend -m d.rsm -k 1
    assert_failure 1
    assert_stderr --partial "d.rsm: unknown model kind 'dummy'"
    run --separate-stderr "$bin/rs-train" --model ease --dummy-scale 3 -i i.csv -o d2.rsm
    assert_failure 2
    assert_stderr --partial "--dummy-scale is not an option of --model ease"
}
