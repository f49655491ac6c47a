/* score_apply — ledger entries from other services' events, exactly once
 * (the consumer's inbox) and in order. Points come from the rules table of
 * the version in force, never from code. A completed shift adds its rule's
 * points in the quarter it took effect (or the current one, if that quarter
 * is closed); a retracted shift adds a compensating entry that cancels the
 * shift's net points so far. Events are applied in runs of one kind so that
 * a retraction and a re-completion in one batch keep their order. */
#include "score.h"

#include "events.pb-c.h"
#include "fayuan/lawyers_model.h"
#include "fayuan/log.h"
#include "fayuan/pgarr.h"
#include "fayuan/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shared tail of both statements: add what was inserted to the totals. */
#define TOTALS_TAIL                                                                                \
    "INSERT INTO totals (center, quarter, lawyer, points_centi) "                                  \
    "SELECT center, quarter, lawyer, sum(points_centi) FROM ins GROUP BY 1, 2, 3 "                 \
    "ON CONFLICT (center, quarter, lawyer) DO UPDATE "                                             \
    "  SET points_centi = totals.points_centi + excluded.points_centi "                            \
    "RETURNING center, quarter, lawyer, points_centi"

static const char s_completed_sql[] =
    "WITH e AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], "
    "                                $6::text[], $7::bigint[]) "
    "           AS e(center, lawyer, eq, code, source, sev, occ)), "
    "v AS (SELECT version FROM rule_versions WHERE in_force ORDER BY version DESC LIMIT 1), "
    "ins AS (INSERT INTO ledger (center, lawyer, quarter, effective_quarter, rule_code, "
    "          rule_version, points_centi, source, source_event, occurred_at) "
    "        SELECT e.center, e.lawyer, "
    "               CASE WHEN EXISTS (SELECT 1 FROM closed_quarters c "
    "                                 WHERE c.center = e.center AND c.quarter = e.eq) "
    "                    THEN $8 ELSE e.eq END, "
    "               e.eq, e.code, v.version, r.points_centi, e.source, e.sev, e.occ "
    "        FROM e CROSS JOIN v JOIN rules r ON r.code = e.code AND r.version = v.version "
    "        ON CONFLICT DO NOTHING "
    "        RETURNING center, quarter, lawyer, points_centi) " TOTALS_TAIL;

static const char s_retracted_sql[] =
    "WITH e AS (SELECT * FROM unnest($1::text[], $2::text[]) AS e(source, sev)), "
    "last AS (SELECT DISTINCT ON (l.source) l.* FROM ledger l JOIN e ON l.source = e.source "
    "         ORDER BY l.source, l.id DESC), "
    "net AS (SELECT l.source, sum(l.points_centi) AS pts FROM ledger l "
    "        WHERE l.source IN (SELECT source FROM e) GROUP BY l.source), "
    "ins AS (INSERT INTO ledger (center, lawyer, quarter, effective_quarter, rule_code, "
    "          rule_version, points_centi, source, source_event, note, occurred_at) "
    "        SELECT last.center, last.lawyer, "
    "               CASE WHEN EXISTS (SELECT 1 FROM closed_quarters c "
    "                                 WHERE c.center = last.center AND c.quarter = last.quarter) "
    "                    THEN $3 ELSE last.quarter END, "
    "               last.effective_quarter, last.rule_code, last.rule_version, -net.pts, "
    "               last.source, e.sev, '撤销：值班记录更正', last.occurred_at "
    "        FROM last JOIN net ON net.source = last.source JOIN e ON e.source = last.source "
    "        WHERE net.pts <> 0 "
    "        ON CONFLICT DO NOTHING "
    "        RETURNING center, quarter, lawyer, points_centi) " TOTALS_TAIL;

/* Misconduct detected by another service: an Annex 2 deduction, counted at
 * once or (1.6, 2.2) reported for staff to verify, and for counted ones the
 * ledger entry — one statement, so a batch keeps its order. */
static const char s_misconduct_sql[] =
    "WITH e AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], "
    "                                $5::text[], $6::text[], $7::text[]) "
    "           AS e(center, lawyer, code, at, note, sev, eq)), "
    "v AS (SELECT version FROM rule_versions WHERE in_force ORDER BY version DESC LIMIT 1), "
    "d AS (INSERT INTO deductions (center, lawyer, rule_code, points_centi, at, note, status, "
    "        source_event) "
    "      SELECT e.center, e.lawyer, r.code, r.points_centi, e.at, e.note, "
    "             CASE WHEN e.code IN ('1.6', '2.2') THEN 'reported' ELSE 'counted' END, e.sev "
    "      FROM e CROSS JOIN v JOIN rules r ON r.code = 'd' || e.code AND r.version = v.version "
    "      WHERE r.points_centi < 0 "
    "      ON CONFLICT (source_event) DO NOTHING "
    "      RETURNING id, center, lawyer, rule_code, points_centi, at, note, status, source_event), "
    "ins AS (INSERT INTO ledger (center, lawyer, quarter, effective_quarter, rule_code, "
    "          rule_version, points_centi, source, source_event, note, occurred_at) "
    "        SELECT d.center, d.lawyer, "
    "               CASE WHEN EXISTS (SELECT 1 FROM closed_quarters c "
    "                                 WHERE c.center = d.center AND c.quarter = e.eq) "
    "                    THEN $8 ELSE e.eq END, "
    "               e.eq, d.rule_code, v.version, d.points_centi, 'deduction:' || d.id, "
    "               d.source_event, d.note, d.at "
    "        FROM d JOIN e ON e.sev = d.source_event CROSS JOIN v WHERE d.status = 'counted' "
    "        ON CONFLICT DO NOTHING "
    "        RETURNING center, quarter, lawyer, points_centi) " TOTALS_TAIL;

typedef enum { RUN_COMPLETED, RUN_RETRACTED, RUN_MISCONDUCT } s_kind_t;

typedef struct {
    pgarr_t cols[7];
    size_t n;
    s_kind_t kind;
} s_run_t;

static void s_run_flush(s_run_t *run, db_job_t *job, const char *current_quarter)
{
    if (run->n == 0)
        return;
    if (run->kind == RUN_RETRACTED) {
        const char *params[] = {pgarr_str(&run->cols[0]), pgarr_str(&run->cols[1]),
                                current_quarter};
        db_job_add(job, s_retracted_sql, 3, params);
    } else {
        const char *params[8];
        for (int c = 0; c < 7; c++)
            params[c] = pgarr_str(&run->cols[c]);
        params[7] = current_quarter;
        db_job_add(job, run->kind == RUN_COMPLETED ? s_completed_sql : s_misconduct_sql, 8, params);
    }
    for (int c = 0; c < 7; c++) {
        pgarr_free(&run->cols[c]);
        pgarr_init(&run->cols[c]);
    }
    run->n = 0;
}

db_next_t score_apply_duty(consumer_apply_t *a, void *arg)
{
    score_t *s = arg;
    if (a->stage > 0)
        return DB_COMMIT;
    int off = s->d->cfg.utc_offset;
    char current[8];
    time_quarter_of(time_now_us(), off, current, sizeof current);
    s_run_t run = {.n = 0};
    for (int c = 0; c < 7; c++)
        pgarr_init(&run.cols[c]);
    for (size_t i = 0; i < a->n; i++) {
        const Fayuan__Envelope *env = a->evs[i];
        char sev[64];
        snprintf(sev, sizeof sev, "%s:%llu", env->producer, (unsigned long long)env->seq);
        s_kind_t kind;
        if (strcmp(env->type, "ShiftCompleted") == 0)
            kind = RUN_COMPLETED;
        else if (strcmp(env->type, "ShiftRetracted") == 0)
            kind = RUN_RETRACTED;
        else if (strcmp(env->type, "MisconductDetected") == 0)
            kind = RUN_MISCONDUCT;
        else
            continue;
        if (run.n > 0 && run.kind != kind)
            s_run_flush(&run, a->job, current);
        run.kind = kind;
        if (kind == RUN_MISCONDUCT) {
            Fayuan__MisconductDetected *ev =
                fayuan__misconduct_detected__unpack(NULL, env->payload.len, env->payload.data);
            if (!ev) {
                log_warn("event %s undecodable; skipped", sev);
                continue;
            }
            char eq[8];
            time_quarter_of(ev->at, off, eq, sizeof eq);
            const char *vals[] = {env->center, ev->lawyer, ev->code};
            for (int c = 0; c < 3; c++)
                pgarr_add(&run.cols[c], vals[c]);
            pgarr_add_int(&run.cols[3], ev->at);
            char note[600];
            snprintf(note, sizeof note, "%s（%s）", ev->note, ev->source);
            pgarr_add(&run.cols[4], note);
            pgarr_add(&run.cols[5], sev);
            pgarr_add(&run.cols[6], eq);
            fayuan__misconduct_detected__free_unpacked(ev, NULL);
        } else if (kind == RUN_COMPLETED) {
            Fayuan__ShiftCompleted *ev =
                fayuan__shift_completed__unpack(NULL, env->payload.len, env->payload.data);
            if (!ev) {
                log_warn("roster event %s undecodable; skipped", sev);
                continue;
            }
            char eq[8];
            /* A shift belongs to the quarter in which it started. */
            time_quarter_of(ev->started_at, off, eq, sizeof eq);
            pgarr_add(&run.cols[0], env->center);
            pgarr_add(&run.cols[1], ev->lawyer);
            pgarr_add(&run.cols[2], eq);
            pgarr_add(&run.cols[3], ev->rule_code);
            pgarr_add(&run.cols[4], ev->shift_id);
            pgarr_add(&run.cols[5], sev);
            pgarr_add_int(&run.cols[6], ev->started_at);
            fayuan__shift_completed__free_unpacked(ev, NULL);
        } else {
            Fayuan__ShiftRetracted *ev =
                fayuan__shift_retracted__unpack(NULL, env->payload.len, env->payload.data);
            if (!ev) {
                log_warn("roster event %s undecodable; skipped", sev);
                continue;
            }
            pgarr_add(&run.cols[0], ev->shift_id);
            pgarr_add(&run.cols[1], sev);
            fayuan__shift_retracted__free_unpacked(ev, NULL);
        }
        run.n++;
    }
    s_run_flush(&run, a->job, current);
    for (int c = 0; c < 7; c++)
        pgarr_free(&run.cols[c]);
    return db_job_pending_count(a->job) > 0 ? DB_NEXT : DB_COMMIT;
}

void score_finish_duty(consumer_apply_t *a, bool committed, void *arg)
{
    score_t *s = arg;
    if (!committed)
        return;
    /* The apply's statements are the job's last batch: their RETURNING rows
     * are the new totals. */
    for (int r = 0; r < db_job_nresults(a->job); r++)
        score_board_update_points(s, db_job_result(a->job, r));
    for (size_t i = 0; i < a->n; i++) {
        const Fayuan__Envelope *env = a->evs[i];
        score_mark_dirty(s, env->center);
        s->m_entries++;
        score_wait(s, env->origin_at ? env->origin_at : env->recorded_at);
    }
}
