/* roster_pair — pairing a lawyer's 12348 seat sign-ins and sign-outs into
 * completed shifts. Pure; rosterd feeds it the events of a time window.
 *
 * The rule: order the lawyer's events by (time, sign-outs before sign-ins at
 * the same instant, id); a sign-in pairs with the event right after it when
 * that is a sign-out no more than max_shift later (and strictly later). A
 * sign-in followed by another sign-in, or by nothing, stays open; a sign-out
 * not preceded by an open sign-in is an orphan. The pairing of an event
 * depends only on its neighbours, which is what lets rosterd recompute it in
 * a window around late or out-of-order records (see roster_apply.c). */
#ifndef FAYUAN_ROSTER_PAIR_H
#define FAYUAN_ROSTER_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *id; /* external record id */
    bool sign_in;
    int64_t at; /* unix microseconds */
} rp_event_t;

typedef struct {
    size_t in, out; /* indices into the sorted events */
} rp_pair_t;

/* Sorts evs in place into the rule's order. */
void roster_pair_sort(rp_event_t *evs, size_t n);

/* Pairs sorted events; writes at most n/2 pairs to out, returns the count. */
size_t roster_pair(const rp_event_t *evs, size_t n, int64_t max_shift_us, rp_pair_t *out);

#endif
