/* score_family — how scored values a family of facts (see score_facts.c):
 * which record of a case decides its points, and which family a record
 * belongs to. Pure, so the rules of Annex 1 6 and 8 — the final evaluation
 * counts, the highest level's evaluation counts, a write-up counts only at
 * its highest level — are unit-tested without a database. */
#ifndef FAYUAN_SCORE_FAMILY_H
#define FAYUAN_SCORE_FAMILY_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int rank;                /* evaluation level 1..3, write-up level 1..5, else 0 */
    int64_t at;              /* when it took effect, unix microseconds */
    const char *external_id; /* tie-break, so the choice never depends on arrival */
} score_fact_t;

/* Index of the effective fact: the highest rank, then the latest, then the
 * greatest id. n must be > 0. */
size_t score_fact_effective(const score_fact_t *facts, size_t n);

/* The family (ledger source) of a record of the case system or the quality
 * system: "<type>:<lawyer>:<case>" for per-case types (quality, closed,
 * satisfaction, plea_help, writeup); "<type>:<external id>" for activity and
 * drafting, which count every time. Returns buf. */
const char *score_family_of(const char *type, const char *lawyer, const char *case_no,
                            const char *external_id, char *buf, size_t len);

/* Clause 25(3): case assignment stops, pending rectification, for one case
 * rated unqualified, or two or more rated qualified or below, within one
 * year. results: each case's effective evaluation (rule 6.1 .. 6.4) and when
 * it was made; a result counts when now - 365 days < at <= now. Returns
 * whether the rule triggers and marks the results that triggered it. */
typedef struct {
    const char *case_no;
    const char *rule_code; /* "6.1" .. "6.4" */
    int64_t at;
    int counted; /* out: 1 when it is one of the results behind the trigger */
} score_quality_result_t;

int score_case_quality_due(score_quality_result_t *results, size_t n, int64_t now);

#endif
