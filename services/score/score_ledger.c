/* score_ledger — see score_ledger.h. */
#include "score_ledger.h"

#include "fayuan/timeutil.h"

#include <stdio.h>

static const char s_entries_sql[] =
    "WITH e AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
    "                                $5::bigint[], $6::text[], $7::text[], $8::text[], "
    "                                $9::bigint[]) "
    "           AS e(center, lawyer, eq, code, points, source, sev, note, occ)), "
    "v AS (SELECT version FROM rule_versions WHERE in_force ORDER BY version DESC LIMIT 1), "
    "ins AS (INSERT INTO ledger (center, lawyer, quarter, effective_quarter, rule_code, "
    "          rule_version, points_centi, source, source_event, note, occurred_at) "
    "        SELECT e.center, e.lawyer, "
    "               CASE WHEN EXISTS (SELECT 1 FROM closed_quarters c "
    "                                 WHERE c.center = e.center AND c.quarter = e.eq) "
    "                    THEN $10 ELSE e.eq END, "
    "               e.eq, e.code, v.version, e.points, e.source, e.sev, e.note, e.occ "
    "        FROM e CROSS JOIN v "
    "        ON CONFLICT DO NOTHING "
    "        RETURNING center, quarter, lawyer, points_centi) "
    "INSERT INTO totals (center, quarter, lawyer, points_centi) "
    "SELECT center, quarter, lawyer, sum(points_centi) FROM ins GROUP BY 1, 2, 3 "
    "ON CONFLICT (center, quarter, lawyer) DO UPDATE "
    "  SET points_centi = totals.points_centi + excluded.points_centi "
    "RETURNING center, quarter, lawyer, points_centi";

void score_entries_init(score_entries_t *e, int utc_offset)
{
    for (int c = 0; c < 9; c++)
        pgarr_init(&e->cols[c]);
    e->n = 0;
    e->utc_offset = utc_offset;
}

void score_entries_free(score_entries_t *e)
{
    for (int c = 0; c < 9; c++)
        pgarr_free(&e->cols[c]);
    e->n = 0;
}

void score_entries_add(score_entries_t *e, const char *center, const char *lawyer,
                       int64_t occurred_at, const char *rule_code, int64_t points_centi,
                       const char *source, const char *source_event, const char *note)
{
    char eq[8];
    time_quarter_of(occurred_at, e->utc_offset, eq, sizeof eq);
    pgarr_add(&e->cols[0], center);
    pgarr_add(&e->cols[1], lawyer);
    pgarr_add(&e->cols[2], eq);
    pgarr_add(&e->cols[3], rule_code);
    pgarr_add_int(&e->cols[4], points_centi);
    pgarr_add(&e->cols[5], source);
    pgarr_add(&e->cols[6], source_event);
    pgarr_add(&e->cols[7], note ? note : "");
    pgarr_add_int(&e->cols[8], occurred_at);
    e->n++;
}

bool score_entries_stage(score_entries_t *e, db_job_t *job)
{
    if (e->n == 0)
        return false;
    char current[8];
    time_quarter_of(time_now_us(), e->utc_offset, current, sizeof current);
    const char *params[10];
    for (int c = 0; c < 9; c++)
        params[c] = pgarr_str(&e->cols[c]);
    params[9] = current;
    db_job_add(job, s_entries_sql, 10, params);
    return true;
}
