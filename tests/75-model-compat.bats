#!/usr/bin/env bats
# Model files from the previous release still load and score the same:
# tests/fixtures/models/ holds one small .rsm per kind written by rs 0.1.0
# (commit 99bc725, scripts/make-model-fixtures), the inputs they were trained
# on and scored with, and what the 0.1.0 rs-predict and rs-recommend wrote.
# The current build must write the same bytes from the same old files.
# (scripts/compare-release checks training and every option against a given
# old build; this file keeps the old models' answers in the repository.)

setup() {
    load test_helper/common-setup
    _common_setup
    F="$BATS_TEST_DIRNAME/fixtures/models"
}

# same_as EXPECTED PROG ARGS...: run PROG into got.out, then compare it with
# fixtures/models/EXPECTED byte for byte (diff -u shows the change).
same_as() {
    local expected=$1
    shift
    run "$@" -o got.out
    assert_success
    run diff -u "$F/$expected" got.out
    assert_success
}

describes_as_before() { # kind
    same_as "$1.describe.txt" rs-predict --describe "$F/$1.rsm"
}

recommends_as_before() { # kind: pairs, every user (some unknown), -k 5
    same_as "$1.predict.csv" rs-predict -m "$F/$1.rsm" -i "$F/pairs.csv" -q
    same_as "$1.recommend.csv" rs-recommend -m "$F/$1.rsm" --users "$F/users.csv" -k 5 -j 1 -q
}

@test "model fixtures: the release that wrote them, and one model per kind" {
    run cat "$F/VERSION.txt"
    assert_output "rs-train (rs) 0.1.0"
    run ls "$F"
    for kind in linreg logreg mlp pop itemknn userknn content mf als bpr ease; do
        assert_line "$kind.rsm"
    done
}

@test "linreg: the 0.1.0 model describes and scores its rows as before" {
    describes_as_before linreg
    same_as linreg.predict.csv rs-predict -m "$F/linreg.rsm" -i "$F/sup_test.csv" --keep y,t
}

@test "logreg: the 0.1.0 model describes and scores its rows as before" {
    describes_as_before logreg
    same_as logreg.predict.csv rs-predict -m "$F/logreg.rsm" -i "$F/sup_test.csv" --keep y,t
}

@test "mlp: the 0.1.0 model describes and scores its rows as before" {
    describes_as_before mlp
    same_as mlp.predict.csv rs-predict -m "$F/mlp.rsm" -i "$F/sup_test.csv" --keep y,t
}

@test "pop: the 0.1.0 model scores pairs and recommends as before" {
    describes_as_before pop
    recommends_as_before pop
}

@test "itemknn: the 0.1.0 model scores, recommends, folds in, explains and lists similar items as before" {
    describes_as_before itemknn
    recommends_as_before itemknn
    same_as itemknn.similar.csv rs-recommend -m "$F/itemknn.rsm" --similar i0,i4 -k 3 -q
    same_as itemknn.history.csv rs-recommend -m "$F/itemknn.rsm" --history "$F/history.csv" -k 5 -j 1 -q
    same_as itemknn.explain.csv rs-recommend -m "$F/itemknn.rsm" --explain -k 3 -j 1 -q
    same_as itemknn-ties.explain.csv rs-recommend -m "$F/itemknn-ties.rsm" --explain -k 8 -j 1 -q
    same_as itemknn-ties.similar.csv rs-recommend -m "$F/itemknn-ties.rsm" --similar i0,i5 -k 8 -q
}

@test "userknn: the 0.1.0 model scores pairs and recommends as before" {
    describes_as_before userknn
    recommends_as_before userknn
}

@test "content: the 0.1.0 model scores, recommends, folds in and lists similar items as before" {
    describes_as_before content
    recommends_as_before content
    same_as content.similar.csv rs-recommend -m "$F/content.rsm" --similar i0,i4 -k 3 -q
    same_as content.history.csv rs-recommend -m "$F/content.rsm" --history "$F/history.csv" -k 5 -j 1 -q
}

@test "mf: the 0.1.0 models (plain and --svdpp) predict ratings, recommend and list similar items as before" {
    describes_as_before mf
    recommends_as_before mf
    same_as mf.similar.csv rs-recommend -m "$F/mf.rsm" --similar i0,i4 -k 3 -q
    describes_as_before mf-svdpp
    recommends_as_before mf-svdpp
    same_as mf-svdpp.similar.csv rs-recommend -m "$F/mf-svdpp.rsm" --similar i0,i4 -k 3 -q
}

@test "als: the 0.1.0 model scores, recommends, folds in and lists similar items as before" {
    describes_as_before als
    recommends_as_before als
    same_as als.similar.csv rs-recommend -m "$F/als.rsm" --similar i0,i4 -k 3 -q
    same_as als.history.csv rs-recommend -m "$F/als.rsm" --history "$F/history.csv" -k 5 -j 1 -q
}

@test "bpr: the 0.1.0 model scores, recommends and lists similar items as before" {
    describes_as_before bpr
    recommends_as_before bpr
    same_as bpr.similar.csv rs-recommend -m "$F/bpr.rsm" --similar i0,i4 -k 3 -q
}

@test "ease: the 0.1.0 model scores, recommends, folds in, explains and lists similar items as before" {
    describes_as_before ease
    recommends_as_before ease
    same_as ease.similar.csv rs-recommend -m "$F/ease.rsm" --similar i0,i4 -k 3 -q
    same_as ease.history.csv rs-recommend -m "$F/ease.rsm" --history "$F/history.csv" -k 5 -j 1 -q
    same_as ease.explain.csv rs-recommend -m "$F/ease.rsm" --explain -k 3 -j 1 -q
    same_as ease-ties.explain.csv rs-recommend -m "$F/ease-ties.rsm" --explain -k 8 -j 1 -q
    same_as ease-ties.similar.csv rs-recommend -m "$F/ease-ties.rsm" --similar i0,i5 -k 8 -q
}
