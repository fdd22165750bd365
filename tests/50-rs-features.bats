#!/usr/bin/env bats
# rs-features: every aggregate against values worked out by hand, leakage,
# labels, encoders with fit/apply, joins, and the error paths.

setup() {
    load test_helper/common-setup
    _common_setup
    # The hand-made log.  --asof 2024-01-10 (a Wednesday, 00:00 UTC) uses the
    # first six rows; the last one is after it.  2024-01-01 was a Monday.
    cat > log.csv <<'CSV'
user,item,value,qty,ts,event,channel,order
a,x,10,2,2024-01-01T10:00:00Z,purchase,web,o1
a,y,5,1,2024-01-01T10:00:00Z,purchase,web,o1
a,x,,1,2024-01-05T15:00:00Z,view,app,
a,z,20,1,2024-01-08T09:00:00Z,purchase,app,o2
b,x,10,1,2024-01-09T12:00:00Z,view,web,
b,x,10,3,2024-01-09T12:30:00Z,purchase,web,o3
a,y,5,4,2024-01-20T10:00:00Z,purchase,web,o4
CSV
}

# column NAME of data row ROW (1-based) of a CSV without quoted commas
col() { awk -F, -v name="$2" -v row="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
                                            NR == row + 1 { print $c }' "$1"; }

@test "users: every aggregate of user a, worked out by hand" {
    rs-features users -i log.csv --asof 2024-01-10 --windows 7d -o u.csv
    # a: rows 1-4.  events 4, purchases 3, orders {o1,o2}, days {Jan 1, 5, 8},
    # items {x,y,z}; monetary 10x2 + 5x1 + 20x1 = 45, basket 45/2;
    # values 10 5 20: mean 35/3, sample sd sqrt(116.67/2) = 7.637626
    [ "$(col u.csv user 1)" = a ]
    [ "$(col u.csv events 1)" = 4 ]
    [ "$(col u.csv purchases 1)" = 3 ]
    [ "$(col u.csv orders 1)" = 2 ]
    [ "$(col u.csv active_days 1)" = 3 ]
    [ "$(col u.csv distinct_items 1)" = 3 ]
    [ "$(col u.csv monetary 1)" = 45 ]
    [ "$(col u.csv mean_basket 1)" = 22.5 ]
    [ "$(col u.csv value_mean 1)" = 11.666667 ]
    [ "$(col u.csv value_std 1)" = 7.637626 ]
    # last event Jan 8 09:00: 1 d 15 h = 1.625 d before asof; first Jan 1 10:00: 8 d 14 h
    [ "$(col u.csv recency_days 1)" = 1.625 ]
    [ "$(col u.csv recency_purchase_days 1)" = 1.625 ]
    [ "$(col u.csv tenure_days 1)" = 8.583333 ]
    # 3 purchases / 1 view; event and channel counts and shares
    [ "$(col u.csv conversion_rate 1)" = 3 ]
    [ "$(col u.csv event_purchase_count 1)" = 3 ]
    [ "$(col u.csv event_purchase_share 1)" = 0.75 ]
    [ "$(col u.csv event_view_count 1)" = 1 ]
    [ "$(col u.csv event_view_share 1)" = 0.25 ]
    [ "$(col u.csv channel_web_count 1)" = 2 ]
    [ "$(col u.csv channel_app_share 1)" = 0.5 ]
    # 7-day window (Jan 3, Jan 10]: the Jan 5 view and the Jan 8 order of 20
    [ "$(col u.csv events_7d 1)" = 2 ]
    [ "$(col u.csv orders_7d 1)" = 1 ]
    [ "$(col u.csv spend_7d 1)" = 20 ]
    # hours 10 10 15 09; weekdays Mon Mon Fri Mon
    [ "$(col u.csv hour_10_share 1)" = 0.5 ]
    [ "$(col u.csv hour_15_share 1)" = 0.25 ]
    [ "$(col u.csv hour_09_share 1)" = 0.25 ]
    [ "$(col u.csv hour_00_share 1)" = 0 ]
    [ "$(col u.csv weekday_mon_share 1)" = 0.75 ]
    [ "$(col u.csv weekday_fri_share 1)" = 0.25 ]
}

@test "users: user b, and the column set" {
    rs-features users -i log.csv --asof 2024-01-10 --windows 7d,30d -o u.csv
    # b: a view at 12:00 and a purchase of 3 x 10 at 12:30 on Tuesday Jan 9
    [ "$(col u.csv user 2)" = b ]
    [ "$(col u.csv monetary 2)" = 30 ]
    [ "$(col u.csv value_std 2)" = 0 ]
    [ "$(col u.csv recency_days 2)" = 0.47916666 ]   # 11.5 h
    [ "$(col u.csv tenure_days 2)" = 0.5 ]
    [ "$(col u.csv weekday_tue_share 2)" = 1 ]
    [ "$(col u.csv channel_app_count 2)" = 0 ]
    [ "$(col u.csv orders_30d 2)" = 1 ]
    run head -1 u.csv
    assert_output --partial 'user,events,purchases,orders,active_days,distinct_items,monetary,mean_basket,value_mean,value_std,recency_days,recency_purchase_days,tenure_days,conversion_rate,event_purchase_count,event_purchase_share,event_view_count,event_view_share,channel_web_count,channel_web_share,channel_app_count,channel_app_share,events_7d,orders_7d,spend_7d,events_30d,orders_30d,spend_30d,hour_00_share'
    [ "$(wc -l < u.csv)" -eq 3 ]
}

@test "leakage: events after --asof change no feature and no column" {
    rs-features users -i log.csv --asof 2024-01-10 -o before.csv
    # later events of every kind: a new user, a new event type, a new channel
    { cat log.csv; echo 'a,q,999,9,2024-01-11T00:00:00Z,refund,store,o9'
      echo 'c,x,1,1,2024-02-01T00:00:00Z,purchase,web,o10'; } > more.csv
    rs-features users -i more.csv --asof 2024-01-10 -o after.csv
    run cmp before.csv after.csv
    assert_success
    rs-features items -i log.csv --asof 2024-01-10 -o i1.csv
    rs-features items -i more.csv --asof 2024-01-10 -o i2.csv
    run cmp i1.csv i2.csv
    assert_success
}

@test "items: buyers, repeat rate, price stats, trend, windows" {
    rs-features items -i log.csv --asof 2024-01-10 --windows 7d -o i.csv
    # x: a bought 2 (o1), viewed; b viewed, bought 3 (o3) -> buyers 2, no repeat
    [ "$(col i.csv item 1)" = x ]
    [ "$(col i.csv events 1)" = 4 ]
    [ "$(col i.csv purchases 1)" = 2 ]
    [ "$(col i.csv orders 1)" = 2 ]
    [ "$(col i.csv units 1)" = 5 ]
    [ "$(col i.csv buyers 1)" = 2 ]
    [ "$(col i.csv repeat_buyer_rate 1)" = 0 ]
    [ "$(col i.csv revenue 1)" = 50 ]
    [ "$(col i.csv price_mean 1)" = 10 ]
    [ "$(col i.csv price_std 1)" = 0 ]
    # both purchases in the last 30 days, none before: trend (2 + 1) / (0 + 1)
    [ "$(col i.csv trend_purchases_30d 1)" = 2 ]
    [ "$(col i.csv trend_purchases_prev_30d 1)" = 0 ]
    [ "$(col i.csv trend_30d 1)" = 3 ]
    [ "$(col i.csv events_7d 1)" = 3 ]
    [ "$(col i.csv purchases_7d 1)" = 1 ]
    [ "$(col i.csv units_7d 1)" = 3 ]
    [ "$(col i.csv recency_days 1)" = 0.47916666 ]
    [ "$(col i.csv first_seen_days 1)" = 8.583333 ]
}

@test "items: a user buying an item in two orders is a repeat buyer" {
    printf 'user,item,ts,order\nu,p,1,A\nu,p,2,A\nu,p,3,B\nv,p,4,C\n' > r.csv
    rs-features items -i r.csv --asof 10 -o i.csv
    # u bought p in orders A and B (two lines of A count once), v once: 1 of 2
    [ "$(col i.csv buyers 1)" = 2 ]
    [ "$(col i.csv repeat_buyer_rate 1)" = 0.5 ]
    [ "$(col i.csv orders 1)" = 3 ]
}

@test "label buys, spend and churn in (asof, asof + horizon]" {
    run --separate-stderr rs-features label -i log.csv --asof 2024-01-10 --horizon 30d
    assert_success
    assert_output $'user,label\na,1\nb,0'
    run --separate-stderr rs-features label -i log.csv --asof 2024-01-10 --horizon 30d --label spend
    assert_output $'user,label\na,20\nb,0'     # a: 4 x 5 on Jan 20
    run --separate-stderr rs-features label -i log.csv --asof 2024-01-10 --horizon 30d --label churn
    assert_output $'user,label\na,0\nb,1'
    run --separate-stderr rs-features label -i log.csv --asof 2024-01-10 --horizon 5d
    assert_output $'user,label\na,0\nb,0'      # Jan 20 is after Jan 15
}

@test "durations carry a unit: a bare number and 'm' are refused with the units listed (issue 12)" {
    # --horizon 90 used to be 90 seconds and 3m three minutes, silently
    run --separate-stderr rs-features label -i log.csv --asof 2024-01-10 --horizon 90
    assert_failure 2
    assert_output ''
    assert_stderr "rs-features: invalid --horizon '90': a duration needs a unit (s, min, h, d, w), e.g. 90d
Try 'rs-features --help' for more information."
    run --separate-stderr rs-features label -i log.csv --asof 2024-01-10 --horizon 3m
    assert_failure 2
    assert_stderr "rs-features: invalid --horizon '3m': 'm' is ambiguous (minutes or months?); write 3min for minutes (units: s, min, h, d, w)
Try 'rs-features --help' for more information."
    run --separate-stderr rs-features users -i log.csv --asof 2024-01-10 --windows 7d,30
    assert_failure 2
    assert_stderr --partial "rs-features: invalid --windows '30': a duration needs a unit (s, min, h, d, w), e.g. 30d"
    run --separate-stderr rs-features items -i log.csv --asof 2024-01-10 --windows 5m
    assert_failure 2
    assert_stderr --partial "rs-features: invalid --windows '5m': 'm' is ambiguous"
    run --separate-stderr rs-features label -i log.csv --asof 2024-01-10 --horizon 0d
    assert_failure 2
    assert_stderr --partial "invalid --horizon '0d' (expected a whole number > 0 and a unit: s, min, h, d, w, e.g. 90d)"
}

@test "every duration unit: 2w = 14d, 264h = 11d = 15840min = 950400s" {
    # a buys again on Jan 20 10:00: inside (Jan 10, Jan 24] and (Jan 10, Jan 21],
    # outside (Jan 10, Jan 20 00:00]
    run --separate-stderr rs-features label -i log.csv --asof 2024-01-10 --horizon 2w
    assert_success
    assert_output $'user,label\na,1\nb,0'
    run --separate-stderr rs-features label -i log.csv --asof 2024-01-10 --horizon 14d
    assert_output $'user,label\na,1\nb,0'
    for h in 10d 240h 14400min 864000s; do
        run --separate-stderr rs-features label -i log.csv --asof 2024-01-10 --horizon "$h"
        assert_success
        assert_output $'user,label\na,0\nb,0'
    done
    for h in 11d 264h 15840min 950400s; do
        run --separate-stderr rs-features label -i log.csv --asof 2024-01-10 --horizon "$h"
        assert_success
        assert_output $'user,label\na,1\nb,0'
    done
    run --separate-stderr rs-features users -i log.csv --asof 2024-01-10 --windows 90min,1w
    assert_success
    assert_line --index 0 --partial 'events_90min,orders_90min,spend_90min,events_1w,orders_1w,spend_1w'
}

@test "label keeps the input's id column name; without an event column every row is a purchase" {
    printf 'CustomerID,InvoiceDate\n17850,2011-01-01\n13047,2011-03-01\n' > o.csv
    run --separate-stderr rs-features label -i o.csv --user-col CustomerID --time-col InvoiceDate --asof 2011-02-01 --horizon 90d
    assert_output $'CustomerID,label\n17850,0'
}

@test "--asof outside the data range is a warning, not silence" {
    run --separate-stderr rs-features users -i log.csv --asof 2023-01-01
    assert_success
    assert_stderr --partial 'rs-features: log.csv: --asof 2023-01-01T00:00:00Z is outside the data (2024-01-01T10:00:00Z .. 2024-01-20T10:00:00Z): no event is used'
    run --separate-stderr rs-features label -i log.csv --asof 2024-01-15 --horizon 90d
    assert_stderr --partial 'the label window ends 2024-04-14T00:00:00Z, after the last event (2024-01-20T10:00:00Z): labels may be incomplete'
}

@test "rsf output has float32 feature columns and reads back the same" {
    rs-features users -i log.csv --asof 2024-01-10 -o u.csv
    rs-features users -i log.csv --asof 2024-01-10 --format rsf -o u.rsf
    run bash -c 'rs-clean -i u.rsf | cmp - u.csv'
    assert_success
}

@test "encode: one-hot top-N + other, bool, log1p + zscore, minmax; fit-out then apply" {
    printf 'm,v,w,d\nMay,TRUE,yes,0\nNov,FALSE,no,1\nMay,TRUE,y,3\nMar,FALSE,n,7\n' > tr.csv
    printf 'm,v,w,d\nJan,FALSE,t,3\n' > te.csv
    run --separate-stderr rs-features encode -i tr.csv --onehot m:2 --bool v,w --log1p d --minmax d --fit-out p.txt
    assert_success
    # top 2 of May(2) Nov(1) Mar(1): ties by value, Mar < Nov; log1p(d) = 0, ln 2, ln 4, ln 8 -> minmax /ln 8
    assert_output $'m_May,m_Mar,m_other,v,w,d\n1,0,0,1,1,0\n0,0,1,0,0,0.33333334\n1,0,0,1,1,0.6666667\n0,1,0,0,0,1'
    run --separate-stderr rs-features encode -i te.csv --apply p.txt
    assert_success
    assert_output $'m_May,m_Mar,m_other,v,w,d\n0,0,1,0,1,0.6666667'   # Jan is unknown: other
    run grep -c . p.txt
    assert_output 8
}

@test "encode: zscore uses the sample sd; hash; text TF-IDF is L2-normalised" {
    printf 'x\n1\n3\n5\n' > n.csv
    run --separate-stderr rs-features encode -i n.csv --zscore x
    assert_output $'x\n-1\n0\n1'                # mean 3, sd sqrt(8/2) = 2
    printf 'id,desc\n1,Red red BLUE\n2,blue\n3,\n' > t.csv
    rs-features encode -i t.csv --text desc:4 --keep id -o e.csv
    # N = 3 documents; df(red) = 1, df(blue) = 2: idf = ln(4/2) + 1 and ln(4/3) + 1;
    # doc 1: red 2 x 1.6931472 = 3.3862944, blue 1.2876821, norm 3.6228596
    run bash -c "sed -n 2p e.csv | tr , '\n' | tail -n +2 | grep -v '^0$' | sort"
    assert_output $'0.35543245\n0.934702'
    run bash -c "sed -n 3p e.csv | tr , '\n' | tail -n +2 | grep -v '^0$'"
    assert_output 1
    run bash -c "sed -n 4p e.csv | tr , '\n' | tail -n +2 | sort -u"
    assert_output 0
    printf 'c\na\nb\na\n' > h.csv
    run --separate-stderr rs-features encode -i h.csv --hash c:3
    assert_line --index 0 'c_h0,c_h1,c_h2,c_h3,c_h4,c_h5,c_h6,c_h7'
    [ "${lines[1]}" = "${lines[3]}" ]
    [ "${lines[1]}" != "${lines[2]}" ]
    [ "$(echo "${lines[1]}" | tr , '\n' | grep -c 1)" -eq 1 ]
}

@test "encode errors: another tool's file as params, conflicting rules, bad values" {
    printf 'x\n1\n' > n.csv
    run --separate-stderr rs-features encode -i n.csv --apply log.csv
    assert_failure 1
    assert_stderr "rs-features: log.csv:1: not an rs-features encode params file (expected 'rs-encode-params' on the first line; was it written by --fit-out?)"
    # binary files are named for what they are (issue 12)
    rs-clean -i n.csv --format rsf -o n.rsf
    run --separate-stderr rs-features encode -i n.csv --apply n.rsf
    assert_failure 1
    assert_stderr "rs-features: n.rsf: an rsf table, not an rs-features encode params file (written by --fit-out)"
    gzip -k log.csv
    run --separate-stderr rs-features encode -i n.csv --apply log.csv.gz
    assert_failure 1
    assert_stderr "rs-features: log.csv.gz: gzip-compressed data, not an rs-features encode params file (written by --fit-out)"
    printf 'rs-encode-params\t9\nend\n' > v9.txt
    run --separate-stderr rs-features encode -i n.csv --apply v9.txt
    assert_stderr --partial 'params format version 9, this rs reads version 1'
    printf 'rs-encode-params\t1\nnumeric\tx\t0\tzscore\t0\t1\n' > cut.txt
    run --separate-stderr rs-features encode -i n.csv --apply cut.txt
    assert_stderr --partial "truncated params file (no 'end' line)"
    printf 'rs-encode-params\t1\nbool\ty\nend\n' > y.txt
    run --separate-stderr rs-features encode -i n.csv --apply y.txt
    assert_failure 1
    assert_stderr --partial "unknown column 'y'"
    run --separate-stderr rs-features encode -i n.csv --apply y.txt --zscore x
    assert_failure 2
    run --separate-stderr rs-features encode -i n.csv --onehot x --zscore x
    assert_failure 2
    assert_stderr --partial "column 'x' has two encodings"
    run --separate-stderr rs-features encode -i n.csv
    assert_failure 2
    assert_stderr --partial 'nothing to encode'
    printf 'x\n1\nabc\n' > bad.csv
    run --separate-stderr rs-features encode -i bad.csv --zscore x
    assert_failure 1
    assert_stderr "rs-features: bad.csv:3: column x: 'abc' is not a number"
}

@test "encode --apply: damaged rule lines are errors (make fuzz found a crash on a short numeric line)" {
    printf 'x\n1\n' > n.csv
    # tests/fuzz/corpus/fuzz_encode/crash-numeric-rule-short-line: read a 4th field a 2-field line lacks
    printf 'rs-encode-params\t1\nnumeric\t204\nend\n' > short.txt
    run --separate-stderr rs-features encode -i n.csv --apply short.txt
    assert_failure 1
    assert_stderr "rs-features: short.txt:2: malformed rule line"
    refute_output
    # a second rule for a column leaked the first and mixed the two
    printf 'rs-encode-params\t1\nonehot\tx\t1\ncategory\t1\nonehot\tx\t1\nend\n' > twice.txt
    run --separate-stderr rs-features encode -i n.csv --apply twice.txt
    assert_failure 1
    assert_stderr "rs-features: twice.txt:4: column 'x' has two rules"
    # no more categories than --onehot can keep (100000), else the row scratch overflows
    awk 'BEGIN { printf "rs-encode-params\t1\nonehot\tx\t100001\n"; for (i = 0; i <= 100000; i++) print "category\t" i; print "end" }' > many.txt
    run --separate-stderr rs-features encode -i n.csv --apply many.txt
    assert_failure 1
    assert_stderr "rs-features: many.txt:100003: column 'x' has more than 100000 categories"
    head -n 100002 many.txt > keep.txt
    echo end >> keep.txt
    run --separate-stderr rs-features encode -i n.csv --apply keep.txt
    assert_success
    assert_line --index 1 --regexp '^0(,0)*,1,0(,0)*$'
}

@test "join: left join on a key; missing keys give empty fields; duplicate right keys are an error" {
    rs-features users -i log.csv --asof 2024-01-10 --windows 7d -o u.csv
    rs-features label -i log.csv --asof 2024-01-10 --horizon 30d -o l.csv
    printf 'user,segment\nb,vip\n' > seg.csv
    run --separate-stderr rs-features join -i l.csv --right seg.csv --on user
    assert_output $'user,label,segment\na,1,\nb,0,vip'
    printf 'cust,segment\nb,vip\nb,new\n' > dup.csv
    run --separate-stderr rs-features join -i l.csv --right dup.csv --on user --right-on cust
    assert_failure 1
    assert_stderr "rs-features: dup.csv:3: key 'b' appears twice in the right table (a join needs unique keys)"
    run --separate-stderr rs-features join -i l.csv --on user
    assert_failure 2
}

@test "errors: unknown column, unparsable time, missing --asof, bad subcommand" {
    run --separate-stderr rs-features users -i log.csv --asof 2024-01-10 --user-col customer
    assert_failure 2
    assert_stderr --partial "unknown column 'customer' in --user-col (columns: user, item, value, qty, ts, event, channel, order)"
    printf 'user,ts\na,2024-01-01\nb,last tuesday\n' > bad.csv
    run --separate-stderr rs-features users -i bad.csv --asof 2024-01-10
    assert_failure 1
    assert_stderr "rs-features: bad.csv:3: column ts: 'last tuesday' is not a time (epoch seconds or ISO 8601)"
    run --separate-stderr rs-features users -i log.csv
    assert_failure 2
    assert_stderr --partial 'rs-features users needs --asof TIME'
    run --separate-stderr rs-features users -i log.csv --asof never
    assert_stderr --partial "invalid --asof 'never'"
    run --separate-stderr rs-features users -i log.csv --asof 2024-01-10 --windows 7x
    assert_stderr "rs-features: invalid --windows '7x': unknown unit 'x' (units: s, min, h, d, w)
Try 'rs-features --help' for more information."
    run --separate-stderr rs-features label -i log.csv --asof 2024-01-10 --label love
    assert_stderr --partial "invalid --label 'love'"
    run --separate-stderr rs-features frobnicate
    assert_failure 2
    assert_stderr --partial "unknown subcommand 'frobnicate'"
    run --separate-stderr rs-features
    assert_failure 2
    run --separate-stderr rs-features --help
    assert_success
    assert_output --partial 'Common options'
}

# The names in the header of CSV file $1 that appear more than once.
repeated_names() { head -1 "$1" | tr , '\n' | sort | uniq -d; }

@test "output column names are unique in every rs-features mode (issue 12: items wrote purchases_30d twice)" {
    rs-features users -i log.csv --asof 2024-01-10 -o u.csv
    rs-features items -i log.csv --asof 2024-01-10 -o i.csv
    rs-features items -i log.csv --asof 2024-01-10 --windows 30d,1w,7d -o i2.csv
    rs-features label -i log.csv --asof 2024-01-10 -o l.csv
    rs-features encode -i log.csv --onehot item,channel --hash event:2 --zscore qty --log1p value --text order:3 -o e.csv
    rs-features join -i l.csv --right u.csv --on user -o j.csv
    for f in u.csv i.csv i2.csv l.csv e.csv j.csv; do
        run repeated_names "$f"
        assert_success
        assert_output ''
    done
    # the header of each mode is as wide as its rows, and has what it should
    run head -1 i.csv
    assert_output --partial 'recency_days,first_seen_days,trend_purchases_30d,trend_purchases_prev_30d,trend_30d,events_7d,purchases_7d,units_7d,events_30d,purchases_30d,units_30d,'
    run bash -c "head -1 j.csv | tr , '\n' | wc -l"
    assert_output "$(head -1 u.csv | tr , '\n' | wc -l | awk '{ print $1 + 1 }')"
}

@test "a column name that would repeat is an error naming it, not a second column" {
    run --separate-stderr rs-features users -i log.csv --asof 2024-01-10 --windows 30d,30d -o u.csv
    assert_failure 1
    assert_stderr "rs-features: output column 'events_30d' would appear twice (columns 23 and 26): output column names must be unique"
    run ls u.csv
    assert_failure
    rs-features label -i log.csv --asof 2024-01-10 --horizon 30d -o l.csv
    printf 'user,label\nb,7\n' > other.csv
    run --separate-stderr rs-features join -i l.csv --right other.csv --on user
    assert_failure 1
    assert_output ''
    assert_stderr "rs-features: output column 'label' would appear twice (columns 2 and 3): output column names must be unique"
    printf 'a,a\n1,2\n' > dup.csv
    run --separate-stderr rs-clean -i dup.csv
    assert_failure 1
    assert_stderr "rs-clean: output column 'a' would appear twice (columns 1 and 2): output column names must be unique"
}
