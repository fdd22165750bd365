/* sequences.h — each user's (or session's) events in time order, grouped
 * into baskets: what the sequence-aware kinds (RS_KIND_ORDERED) train on and
 * what rs-recommend hands them as rs_reco_query.sequence.
 *
 * Order: by time; events with the same time (and no explicit order column)
 * are ordered by a seeded hash of (user, item) — never by id, since ids
 * correlate with popularity and would leak.  Without a time column the file
 * order is the order.
 *
 * Ownership: rs_sequences_new() returns a struct the caller frees with
 * rs_sequences_free(). */
#ifndef RS_SEQUENCES_H
#define RS_SEQUENCES_H

#include "error.h"
#include "io/interactions.h"

#include <stddef.h>
#include <stdint.h>

typedef struct rs_sequences {
    size_t n_seq;        /* sequences: users, or sessions with --session-col */
    size_t n_items;      /* item indices are 0..n_items-1 (the interactions' item map) */
    size_t n;            /* events */
    size_t *start;       /* (n_seq + 1): sequence s is events [start[s], start[s+1]) */
    int32_t *item;       /* (n): oldest first */
    int32_t *basket;     /* (n): the event's basket within its sequence, 0, 1, ... non-decreasing */
    int32_t *user;       /* (n_seq): the user index each sequence belongs to */
    int64_t *time;       /* (n): each event's time, NULL without a time column */
} rs_sequences;

/* How the events are cut into sequences. */
typedef enum {
    RS_SEQ_BY_USER,      /* one sequence per user (index = user index) */
    RS_SEQ_BY_SESSION    /* one per session (x->session), in order of first sight */
} rs_seq_grouping;

/* The sequences of x.  Order within a sequence: by x->ts, ties by
 * rs_seq_tie (with a basket column: first by the basket's tie, so a
 * basket's events stay together), then file order; without x->ts, file
 * order.  Baskets: with x->basket a new basket starts where the basket id
 * changes; without, where the time changes (events at one time are one
 * basket); without time either, every event is its own basket.
 * BY_SESSION needs x->session (else RS_EUSAGE). */
rs_sequences *rs_sequences_new(const rs_interactions *x, rs_seq_grouping grouping, uint64_t seed, rs_error *err);
void rs_sequences_free(rs_sequences *s);

/* The seeded order of two events with the same time: a hash of the user
 * and item ids (their text, so rs-split and rs-train agree on any file
 * order), never the ids themselves. */
uint64_t rs_seq_tie(uint64_t seed, const char *user, size_t user_len, const char *item, size_t item_len);

#endif
