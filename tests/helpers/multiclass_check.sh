#!/usr/bin/env bash
# Run rs-eval class on the cases of scripts/eval-multiclass-cases in DIR and
# compare every value with scikit-learn's (DIR/expected-*.csv) within TOL
# (default 1e-9).  Prints one line per file, "FILE: N values checked, max
# |diff| D", and each difference; exits 1 on any difference, on a value
# missing from either side, or when rs-eval fails.  rs-eval is taken from
# PATH; scratch files go to the current directory.
set -u
dir=$1 tol=${2:-1e-9}

# compare EXPECTED ACTUAL KEYS: the first KEYS columns name a row, the
# others are values; both files must hold the same rows.
compare() {
    awk -F, -v keys="$3" -v tol="$tol" -v name="${1##*/}" '
        function key(   k, i) { k = $1; for (i = 2; i <= keys; i++) k = k "," $i; return k }
        NR == FNR { if (FNR > 1) { k = key(); want[k] = $0; seen[k] = 0 } next }
        FNR == 1 { next }
        { k = key()
          if (!(k in want)) { if (!only) { print "extra row: " $0; bad++ } next }
          seen[k] = 1; split(want[k], e, ",")
          for (i = keys + 1; i <= NF; i++) {
              d = e[i] - $i; if (d < 0) d = -d
              if (e[i] == "" || $i == "" || d > tol) { print "differs: " k " column " i ": " e[i] " vs " $i; bad++ }
              if (d > max) max = d
              checked++ } }
        END { for (k in seen) if (!seen[k]) { print "missing: " k; bad++ }
              printf "%s: %d values checked, max |diff| %.3g\n", name, checked, max; exit bad > 0 }' only="${4:-0}" "$1" "$2"
}

status=0
for kind in str int; do
    cases=$dir/cases-$kind.csv
    rs-eval class -q -i "$cases" --truth y --by case --csv -o rs-$kind.csv --per-class rs-$kind-class.csv \
        --confusion-pairs rs-$kind-pairs.csv || status=1
    for k in 1 3; do
        rs-eval class -q -i "$cases" --truth y --by case --csv -k $k -o rs-$kind-k$k.csv || status=1
    done
    # the top-k accuracies under the names of the expected file
    { sed 's/,top_k_accuracy,/,top_5_accuracy,/' rs-$kind.csv
      tail -n +2 rs-$kind-k1.csv | grep ',top_k_accuracy,' | sed 's/,top_k_accuracy,/,top_1_accuracy,/'
      tail -n +2 rs-$kind-k3.csv | grep ',top_k_accuracy,' | sed 's/,top_k_accuracy,/,top_3_accuracy,/'
    } | grep -v ',k,' > rs-$kind-all.csv
    compare "$dir/expected-$kind.csv" rs-$kind-all.csv 2 || status=1
    compare "$dir/expected-$kind-class.csv" rs-$kind-class.csv 2 || status=1
    compare "$dir/expected-$kind-pairs.csv" rs-$kind-pairs.csv 3 || status=1
done
exit $status
