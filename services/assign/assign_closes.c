/* assign_closes — the case system's closures (CaseEvent "closed", from the
 * gateway) finish the open assignment of that case to that lawyer and go out
 * as CaseFinished (how "closed"), in the transaction that applies them.
 *
 * Every close is kept in closes, matched with the assignment it concerns:
 * the open one it finished; or, for a repeat (the same close reported twice,
 * or again under another id) or a close after staff withdrew the case, the
 * latest finished one, with no effect. A close whose assignment is not
 * recorded yet (external feeds come out of order) waits unmatched, and the
 * assignment finishes as soon as it is recorded (assign_cases.c). A close
 * naming another lawyer than the one the case is open with finishes nothing. */
#include "assign.h"

#include "fayuan/log.h"
#include "fayuan/pgarr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCOLS 7

#define CLOSES_UNNEST                                                                              \
    "unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], "          \
    "       $7::bigint[]) AS e(seq, external_id, center, case_no, lawyer, at, origin)"

/* Finishes the open assignments the batch's closes name (the first close of
 * each case and lawyer, in seq order, gives the time). */
static const char s_finish_sql[] =
    "WITH e AS (SELECT DISTINCT ON (center, case_no, lawyer) * FROM " CLOSES_UNNEST
    "           ORDER BY center, case_no, lawyer, seq) "
    "UPDATE cases c SET finished_at = e.at, finished_how = 'closed', "
    "  finish_source = 'gateway:' || e.seq "
    "FROM e WHERE c.center = e.center AND c.case_no = e.case_no AND c.lawyer = e.lawyer "
    "  AND c.finished_at IS NULL "
    "RETURNING c.center, c.case_no, c.lawyer, c.finished_at, e.origin";

/* Records every close with the assignment it concerns (after s_finish_sql,
 * none of them is open any more): the latest of that case and lawyer, or
 * NULL when there is none yet. */
static const char s_record_sql[] =
    "INSERT INTO closes (gateway_seq, external_id, center, case_no, lawyer, at, case_id) "
    "SELECT e.seq, e.external_id, e.center, e.case_no, e.lawyer, e.at, "
    "  (SELECT max(c.id) FROM cases c WHERE c.center = e.center AND c.case_no = e.case_no "
    "     AND c.lawyer = e.lawyer) "
    "FROM " CLOSES_UNNEST " ON CONFLICT (gateway_seq) DO NOTHING";

typedef struct {
    outbox_batch_t *events;
} s_state_t;

static size_t s_collect(const consumer_apply_t *a, pgarr_t cols[NCOLS])
{
    size_t n = 0;
    for (size_t i = 0; i < a->n; i++) {
        const Fayuan__Envelope *env = a->evs[i];
        if (strcmp(env->type, "CaseEvent") != 0)
            continue;
        Fayuan__CaseEvent *ev =
            fayuan__case_event__unpack(NULL, env->payload.len, env->payload.data);
        if (!ev) {
            log_warn("gateway event %llu undecodable; skipped", (unsigned long long)env->seq);
            continue;
        }
        if (strcmp(ev->type, "closed") == 0 && ev->case_no[0] && ev->lawyer[0]) {
            pgarr_add_int(&cols[0], (int64_t)env->seq);
            pgarr_add(&cols[1], ev->external_id);
            pgarr_add(&cols[2], env->center);
            pgarr_add(&cols[3], ev->case_no);
            pgarr_add(&cols[4], ev->lawyer);
            pgarr_add_int(&cols[5], ev->at);
            pgarr_add_int(&cols[6], env->origin_at ? env->origin_at : env->recorded_at);
            n++;
        }
        fayuan__case_event__free_unpacked(ev, NULL);
    }
    return n;
}

db_next_t assign_apply_gateway(consumer_apply_t *a, void *arg)
{
    assign_t *as = arg;
    if (a->stage == 0) {
        pgarr_t cols[NCOLS];
        for (int i = 0; i < NCOLS; i++)
            pgarr_init(&cols[i]);
        size_t n = s_collect(a, cols);
        if (n > 0) {
            const char *params[NCOLS];
            for (int i = 0; i < NCOLS; i++)
                params[i] = pgarr_str(&cols[i]);
            db_job_add(a->job, s_finish_sql, NCOLS, params);
            db_job_add(a->job, s_record_sql, NCOLS, params);
        }
        for (int i = 0; i < NCOLS; i++)
            pgarr_free(&cols[i]);
        return n > 0 ? DB_NEXT : DB_COMMIT;
    }
    if (a->stage == 1) {
        const PGresult *res = db_job_result(a->job, 0);
        if (PQntuples(res) == 0)
            return DB_COMMIT; /* nothing was open: repeats, or closes that wait */
        s_state_t *st = calloc(1, sizeof *st);
        a->state = st;
        st->events = outbox_batch_new(as->d->outbox);
        for (int i = 0; i < PQntuples(res); i++) {
            Fayuan__CaseFinished ev = FAYUAN__CASE_FINISHED__INIT;
            ev.case_no = (char *)db_value(res, i, 1);
            ev.lawyer = (char *)db_value(res, i, 2);
            ev.how = "closed";
            ev.at = db_int64(res, i, 3);
            outbox_batch_add_traced(st->events, "CaseFinished", db_value(res, i, 0), ev.at,
                                    db_int64(res, i, 4), &ev.base);
        }
        outbox_batch_stage(st->events, a->job);
        return DB_NEXT;
    }
    return DB_COMMIT;
}

void assign_finish_gateway(consumer_apply_t *a, bool committed, void *arg)
{
    s_state_t *st = a->state;
    if (!st)
        return;
    if (committed)
        log_info("%zu case(s) finished by the case system's closures",
                 outbox_batch_count(st->events));
    outbox_batch_finish(&st->events, a->job, committed);
    free(st);
    a->state = NULL;
}
