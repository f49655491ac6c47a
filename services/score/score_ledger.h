/* score_ledger — adding ledger entries with explicit points (facts whose
 * points depend on other facts, staff deductions and their reversals) in one
 * statement that also adds them to the quarter totals. An entry counts in
 * the quarter of its event unless that quarter is closed, then in the
 * current one (RULES.md, Policy — dates); the statement returns the new
 * totals (center, quarter, lawyer, points_centi) for scored's boards. */
#ifndef FAYUAN_SCORE_LEDGER_H
#define FAYUAN_SCORE_LEDGER_H

#include "fayuan/db.h"
#include "fayuan/pgarr.h"

#include <stdint.h>

typedef struct {
    pgarr_t cols[9];
    size_t n;
    int utc_offset;
} score_entries_t;

void score_entries_init(score_entries_t *e, int utc_offset);
void score_entries_free(score_entries_t *e);
void score_entries_add(score_entries_t *e, const char *center, const char *lawyer,
                       int64_t occurred_at, const char *rule_code, int64_t points_centi,
                       const char *source, const char *source_event, const char *note);
/* Adds the statement (nothing if there are no entries); returns whether it did. */
bool score_entries_stage(score_entries_t *e, db_job_t *job);

#endif
