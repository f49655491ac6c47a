/* score_sanction — the red-list sanctions of clause 13 (removal under clause
 * 28) as a pure state machine. scored asks it, at every quarter close, what
 * is due for each lawyer on the red list and each lawyer with an open
 * sanction, and again when staff record the outcome of a rectification
 * order. It reads nothing and writes nothing: score_close.c reads the frozen
 * lists and the sanctions table, and writes and publishes what it says.
 *
 * The policy (RULES.md, clauses 13 and 28):
 *  - red in the closed quarter Q and red in the calendar quarter before it
 *    (which must itself be closed) -> suspend_all: no duty and no cases for
 *    one calendar month from the close, rectification ordered (rule "13");
 *  - staff record "rectified" -> the matter waits for the first quarter
 *    closed after the suspension ended; "refused" -> remove (rule "13/28");
 *  - red in that first quarter -> remove ("13/28"), whether or not the
 *    rectification was recorded; not red -> the matter ends (cleared) once
 *    the rectification is recorded;
 *  - while a lawyer has an open matter (a suspension not yet resolved, or a
 *    removal due) no new suspension is opened for them, so the quarters that
 *    triggered one are never counted twice.
 * The stop to case assignment of clause 25(3) (suspend_cases, decided from
 * case-quality results in score_facts.c) shares the sanctions table and the
 * staff decision: rectified ends it; refused -> remove (rule "25(3)/28").
 * It plays no part in the red-list rule. A removal carries the 3-year ban
 * of clause 28; the registry carries sanctions out (SanctionDue). */
#ifndef FAYUAN_SCORE_SANCTION_H
#define FAYUAN_SCORE_SANCTION_H

#include "score_tier.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    SANCTION_KIND_NONE = 0,
    SANCTION_SUSPEND_ALL,   /* clause 13: no duty and no cases, one month */
    SANCTION_REMOVE,        /* clause 28 */
    SANCTION_SUSPEND_CASES, /* clause 25(3): no cases until rectified */
} sanction_kind_t;

typedef enum {
    SANCTION_NO_STATUS = 0,
    SANCTION_ORDERED,    /* suspended, rectification ordered, no outcome recorded yet */
    SANCTION_RECTIFIED,  /* staff: rectified; waiting for the first quarter after */
    SANCTION_REFUSED,    /* staff: refused; a removal followed (final) */
    SANCTION_CLEARED,    /* rectified and not red in the first quarter after (final) */
    SANCTION_REOFFENDED, /* red in the first quarter after; a removal followed (final) */
    SANCTION_DUE,        /* a removal, handed to the registry (final for scored) */
} sanction_status_t;

/* A lawyer's line on one quarter's frozen list. */
typedef struct {
    char quarter[8]; /* "2026Q3" */
    tier_t tier;     /* TIER_NONE: not on that list (not ranked) */
    int position;
    int ranked;
    int64_t points; /* hundredths */
} sanction_record_t;

/* A lawyer's open sanction as scored keeps it. */
typedef struct {
    int64_t id;
    sanction_kind_t kind;
    sanction_status_t status;
    int64_t until; /* end of a suspension, unix microseconds */
    bool watched;  /* the first quarter closed after the suspension has been */
} sanction_state_t;

typedef struct {
    /* A new sanction, if any. */
    sanction_kind_t due;
    const char *rule;             /* "13", "13/28" */
    int64_t until;                /* end of a new suspension; 0 for a removal */
    sanction_record_t records[2]; /* the frozen lines that triggered it, oldest first */
    size_t nrecords;
    /* What becomes of the open sanction given (unchanged unless changed). */
    bool changed;
    sanction_status_t status;
    bool watched;
} sanction_outcome_t;

/* At the close of current->quarter, at instant close_at: what is due for one
 * lawyer. current: the lawyer's line on this quarter's list (tier TIER_NONE
 * when not ranked); previous: their line on the list of the calendar quarter
 * before, NULL when that quarter is not closed or they were not on it; open:
 * their open red-list sanction (an ORDERED or RECTIFIED suspend_all, or a
 * removal DUE), NULL when none; other kinds are ignored. */
void sanction_at_close(const sanction_record_t *current, const sanction_record_t *previous,
                       const sanction_state_t *open, int64_t close_at, int utc_offset,
                       sanction_outcome_t *out);

typedef enum {
    SANCTION_DECISION_NONE = 0,
    SANCTION_DECISION_RECTIFIED,
    SANCTION_DECISION_REFUSED,
} sanction_decision_t;

/* Staff record the outcome of a rectification order (suspend_all or
 * suspend_cases). 0 with *out filled (a removal is due after a refusal; its
 * records are for the caller to name), or -1 when the decision does not
 * apply: the sanction is a removal, or its outcome was recorded already. */
int sanction_decide(const sanction_state_t *s, sanction_decision_t d, sanction_outcome_t *out)
    __attribute__((warn_unused_result));

/* The same local time one calendar month later (31 January -> 28/29
 * February), for the end of a one-month suspension. */
int64_t sanction_month_after(int64_t us, int utc_offset);

const char *sanction_kind_name(sanction_kind_t k);  /* "suspend_all", "remove", ... "" */
const char *sanction_kind_zh(sanction_kind_t k);    /* "暂停值班和办案一个月", ... "" */
sanction_kind_t sanction_kind_parse(const char *s); /* NONE if unknown */
const char *sanction_status_name(sanction_status_t s);  /* "ordered", ... "" */
const char *sanction_status_zh(sanction_status_t s);    /* "已责令整改", ... "" */
sanction_status_t sanction_status_parse(const char *s); /* NO_STATUS if unknown */
sanction_decision_t sanction_decision_parse(const char *s);

#endif
