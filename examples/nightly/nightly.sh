#!/usr/bin/env bash
# nightly.sh — the nightly job of a shop, for cron:
#
#   15 2 * * *  RS=/usr/local/bin /srv/reco/nightly.sh /srv/reco >> /srv/reco/nightly.log 2>&1
#
# STATE holds incoming/orders-YYYY-MM-DD.csv, one raw export per day.  Each
# night, for DATE (default today):
#   1. clean yesterday's file (and any earlier day not cleaned yet, after a
#      missed night); days already cleaned are kept as they are
#   2. recompute customer features as of DATE from all cleaned days (published
#      with the recommendations)
#   3. check: a model trained on all but the last HOLDOUT_DAYS days must reach
#      NDCG@10 >= MIN_NDCG on the new items bought in them, else stop with
#      exit 3 and publish nothing
#   4. retrain on everything and publish recommendations for every customer;
#      every output is written to a temporary file and renamed, so readers
#      never see a half-written file and a failed night leaves the last
#      good files in place.
set -euo pipefail
usage() { echo "usage: nightly.sh [-d YYYY-MM-DD] STATE_DIR" >&2; exit 2; }
day=$(date +%F)
while getopts d: opt; do case $opt in d) day=$OPTARG ;; *) usage ;; esac; done
shift $((OPTIND - 1)); [ $# -eq 1 ] || usage
state=$1
RS=${RS:-$(cd "$(dirname "$0")/../../build/bin" 2>/dev/null && pwd || echo /usr/local/bin)}
MIN_NDCG=${MIN_NDCG:-0.02}
HOLDOUT_DAYS=${HOLDOUT_DAYS:-14}
K=${K:-10}
MODEL_OPTS=${MODEL_OPTS:---model ease --l2 200}
yesterday=$(date -d "$day - 1 day" +%F)
holdout_start=$(date -d "$day - $HOLDOUT_DAYS days" +%F)
mkdir -p "$state/clean" "$state/work" "$state/publish"
w=$state/work
log() { echo "nightly $day: $*" >&2; }

# 1. clean the exports up to yesterday that are not cleaned yet
cleaned=0
for raw in "$state"/incoming/orders-*.csv; do
    [ -f "$raw" ] || continue
    d=${raw##*/orders-}; d=${d%.csv}
    [[ "$d" > "$yesterday" ]] && continue
    [ -f "$state/clean/orders-$d.csv" ] && continue
    "$RS"/rs-clean -q -i "$raw" --schema InvoiceDate:time,CustomerID:int,Quantity:int,UnitPrice:num \
        --require CustomerID --drop-if 'InvoiceNo~^C' --keep-if 'Quantity>0' --keep-if 'UnitPrice>0' \
        --dedupe --rejects "$state/clean/rejects-$d.csv" -o "$state/clean/orders-$d.csv"
    cleaned=$((cleaned + 1))
done
log "cleaned $cleaned new daily file(s) up to $yesterday"
days=("$state"/clean/orders-*.csv)
[ -e "${days[0]}" ] || { log "no cleaned days in $state/clean"; exit 1; }
{ head -1 "${days[0]}"; tail -q -n +2 "${days[@]}"; } > "$w/history.csv"

# 2. features as of today
cols=(--user-col CustomerID --item-col StockCode --value-col UnitPrice --qty-col Quantity
      --time-col InvoiceDate --order-col InvoiceNo)
"$RS"/rs-features users -q -i "$w/history.csv" --asof "$day" "${cols[@]}" -o "$w/features.csv"

# 3. the quality gate on the last HOLDOUT_DAYS days
"$RS"/rs-clean -q -i "$w/history.csv" --select CustomerID,StockCode,InvoiceDate \
    --rename CustomerID=user,StockCode=item,InvoiceDate=ts -o "$w/interactions.csv"
"$RS"/rs-split -q -i "$w/interactions.csv" --method time --cutoff "$holdout_start" -o "$w/fit.csv" --test-out "$w/later.csv"
awk -F, 'NR == FNR { seen[$1 "," $2] = 1; next } FNR == 1 || !seen[$1 "," $2]++ { print $1 "," $2 }' \
    "$w/fit.csv" "$w/later.csv" > "$w/holdout.csv"
"$RS"/rs-clean -q -i "$w/holdout.csv" --select user --dedupe -o "$w/holdout_users.csv"
# shellcheck disable=SC2086
"$RS"/rs-train -q $MODEL_OPTS -i "$w/fit.csv" -o "$w/check.rsm"
"$RS"/rs-recommend -q -m "$w/check.rsm" --users "$w/holdout_users.csv" -k "$K" -o "$w/check_recs.csv"
ndcg=$("$RS"/rs-eval rank -k "$K" --truth "$w/holdout.csv" --recs "$w/check_recs.csv" --csv | sed -n "s/^all,ndcg@$K,//p")
if ! awk -v v="${ndcg:-0}" -v min="$MIN_NDCG" 'BEGIN { exit !(v >= min) }'; then
    log "NDCG@$K ${ndcg:-none} on the last $HOLDOUT_DAYS days is below $MIN_NDCG: not publishing"
    exit 3
fi
log "NDCG@$K $ndcg on the last $HOLDOUT_DAYS days (>= $MIN_NDCG)"

# 4. retrain on everything, publish (each file renamed into place)
mv "$w/features.csv" "$state/publish/features.csv"
# shellcheck disable=SC2086
"$RS"/rs-train -q $MODEL_OPTS -i "$w/interactions.csv" -o "$state/publish/model.rsm"
"$RS"/rs-recommend -q -m "$state/publish/model.rsm" -k "$K" -o "$state/publish/recs.csv"
log "published $(($(wc -l < "$state/publish/recs.csv") - 1)) recommendations"
