/* reg_sanctions — the registry carries out the sanctions scored decides
 * (SanctionDue, clauses 13, 25, 28) and ends suspensions when they expire.
 * Each sanction is applied once (sanctions_applied), in the order scored
 * published them; every change of standing is written to the audit log and
 * announced as LawyerChanged, so the other services' read-models follow:
 *   suspend_all   status 'suspended' until the date given (no duty, no cases)
 *   suspend_cases cases_suspended = true (duty continues)
 *   remove        status 'removed', banned_until = now + 3 years (clause 28)
 *   lift_cases    cases_suspended = false (a suspend_cases rectified) */
#include "registry.h"

#include "events.pb-c.h"
#include "fayuan/log.h"
#include "fayuan/pgarr.h"
#include "fayuan/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAN_US (INT64_C(3) * 365 * TIME_US_PER_DAY + TIME_US_PER_DAY) /* three years */

/* The columns of a lawyer row that a LawyerChanged carries. */
#define LAWYER_COLUMNS                                                                             \
    "center, licence, name, gender, birth_date::text, firm, coalesce(licensed_since::text, ''), "  \
    "array_to_string(pools, ';'), array_to_string(specialties, ';'), phone, email, status, "       \
    "suspended_until, cases_suspended, banned_until"

/* The updates below run only for a sanction recorded by this very
 * transaction (applied_at = now(), the transaction's start): a sanction seen
 * before changes nothing, even if its event were delivered again. */
static const char s_record_sql[] =
    "INSERT INTO sanctions_applied (sanction_id, center, lawyer, kind, rule, reason, until) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING sanction_id";

static const char s_suspend_sql[] =
    "WITH u AS (UPDATE lawyers SET status = CASE WHEN status = 'removed' THEN status "
    "    ELSE 'suspended' END, suspended_until = greatest(suspended_until, $3), "
    "    updated_at = now() "
    "  WHERE center = $1 AND licence = $2 AND EXISTS (SELECT 1 FROM sanctions_applied "
    "    WHERE sanction_id = $4 AND applied_at = now()) RETURNING " LAWYER_COLUMNS "), "
    "a AS (INSERT INTO audit (center, lawyer, action, reason, actor) "
    "  SELECT center, licence, 'suspended', $5, 'score:' || $4 FROM u) "
    "SELECT * FROM u";
static const char s_cases_sql[] =
    "WITH u AS (UPDATE lawyers SET cases_suspended = true, updated_at = now() "
    "  WHERE center = $1 AND licence = $2 AND EXISTS (SELECT 1 FROM sanctions_applied "
    "    WHERE sanction_id = $4 AND applied_at = now()) AND $3::bigint IS NOT NULL "
    "  RETURNING " LAWYER_COLUMNS "), "
    "a AS (INSERT INTO audit (center, lawyer, action, reason, actor) "
    "  SELECT center, licence, 'cases_suspended', $5, 'score:' || $4 FROM u) "
    "SELECT * FROM u";
static const char s_lift_sql[] =
    "WITH u AS (UPDATE lawyers SET cases_suspended = false, updated_at = now() "
    "  WHERE center = $1 AND licence = $2 AND EXISTS (SELECT 1 FROM sanctions_applied "
    "    WHERE sanction_id = $4 AND applied_at = now()) AND $3::bigint IS NOT NULL "
    "  RETURNING " LAWYER_COLUMNS "), "
    "a AS (INSERT INTO audit (center, lawyer, action, reason, actor) "
    "  SELECT center, licence, 'cases_resumed', $5, 'score:' || $4 FROM u) "
    "SELECT * FROM u";
static const char s_remove_sql[] =
    "WITH u AS (UPDATE lawyers SET status = 'removed', suspended_until = 0, banned_until = $3, "
    "    updated_at = now() "
    "  WHERE center = $1 AND licence = $2 AND EXISTS (SELECT 1 FROM sanctions_applied "
    "    WHERE sanction_id = $4 AND applied_at = now()) RETURNING " LAWYER_COLUMNS "), "
    "a AS (INSERT INTO audit (center, lawyer, action, reason, actor) "
    "  SELECT center, licence, 'removed', $5, 'score:' || $4 FROM u) "
    "SELECT * FROM u";
static const char s_expire_sql[] =
    "WITH u AS (UPDATE lawyers SET status = 'active', suspended_until = 0, updated_at = now() "
    "  WHERE status = 'suspended' AND suspended_until <= $1 RETURNING " LAWYER_COLUMNS "), "
    "a AS (INSERT INTO audit (center, lawyer, action, reason, actor) "
    "  SELECT center, licence, 'resumed', '暂停期满，自动恢复', 'timer' FROM u) "
    "SELECT * FROM u";

/* A LawyerChanged for each row (LAWYER_COLUMNS) of every result in the batch. */
static void s_announce(outbox_batch_t *b, db_job_t *job, int from)
{
    for (int r = from; r < db_job_nresults(job); r++) {
        const PGresult *res = db_job_result(job, r);
        if (PQnfields(res) < 15)
            continue;
        for (int i = 0; i < PQntuples(res); i++) {
            char *pools = strdup(db_value(res, i, 7)), *spec = strdup(db_value(res, i, 8));
            char *pv[4] = {0}, *sv[32] = {0};
            size_t np = 0, ns = 0;
            for (char *save, *t = strtok_r(pools, ";", &save); t && np < 4;
                 t = strtok_r(NULL, ";", &save))
                pv[np++] = t;
            for (char *save, *t = strtok_r(spec, ";", &save); t && ns < 32;
                 t = strtok_r(NULL, ";", &save))
                sv[ns++] = t;
            Fayuan__LawyerChanged ev = FAYUAN__LAWYER_CHANGED__INIT;
            ev.licence = (char *)db_value(res, i, 1);
            ev.name = (char *)db_value(res, i, 2);
            ev.gender = (char *)db_value(res, i, 3);
            ev.birth_date = (char *)db_value(res, i, 4);
            ev.firm = (char *)db_value(res, i, 5);
            ev.licensed_since = (char *)db_value(res, i, 6);
            ev.n_pools = np;
            ev.pools = pv;
            ev.n_specialties = ns;
            ev.specialties = sv;
            ev.phone = (char *)db_value(res, i, 9);
            ev.email = (char *)db_value(res, i, 10);
            ev.status = (char *)db_value(res, i, 11);
            ev.suspended_until = db_int64(res, i, 12);
            ev.cases_suspended = strcmp(db_value(res, i, 13), "t") == 0;
            ev.banned_until = db_int64(res, i, 14);
            outbox_batch_add(b, "LawyerChanged", db_value(res, i, 0), time_now_us(), &ev.base);
            free(pools);
            free(spec);
        }
    }
}

/* ---- SanctionDue from scored ---------------------------------------------- */

typedef struct {
    outbox_batch_t *events;
} s_state_t;

db_next_t registry_apply_sanctions(consumer_apply_t *a, void *arg)
{
    registry_t *reg = arg;
    if (a->stage == 0) {
        a->state = calloc(1, sizeof(s_state_t));
        size_t n = 0;
        int64_t now = time_now_us();
        for (size_t i = 0; i < a->n; i++) {
            const Fayuan__Envelope *env = a->evs[i];
            if (strcmp(env->type, "SanctionDue") != 0)
                continue;
            Fayuan__SanctionDue *ev =
                fayuan__sanction_due__unpack(NULL, env->payload.len, env->payload.data);
            if (!ev)
                continue;
            const char *sql = strcmp(ev->kind, "suspend_all") == 0     ? s_suspend_sql
                              : strcmp(ev->kind, "suspend_cases") == 0 ? s_cases_sql
                              : strcmp(ev->kind, "remove") == 0        ? s_remove_sql
                              : strcmp(ev->kind, "lift_cases") == 0    ? s_lift_sql
                                                                       : NULL;
            if (!sql) {
                log_warn("sanction %s of unknown kind %s ignored", ev->sanction_id, ev->kind);
                fayuan__sanction_due__free_unpacked(ev, NULL);
                continue;
            }
            int64_t until = strcmp(ev->kind, "remove") == 0 ? now + BAN_US : ev->until;
            char until_s[24];
            snprintf(until_s, sizeof until_s, "%lld", (long long)until);
            const char *rec[] = {ev->sanction_id, env->center, ev->lawyer, ev->kind,
                                 ev->rule,        ev->reason,  until_s};
            db_job_add(a->job, s_record_sql, 7, rec);
            const char *upd[] = {env->center, ev->lawyer, until_s, ev->sanction_id, ev->reason};
            db_job_add(a->job, sql, 5, upd);
            n++;
            fayuan__sanction_due__free_unpacked(ev, NULL);
        }
        (void)reg;
        return n > 0 ? DB_NEXT : DB_COMMIT;
    }
    if (a->stage == 1) {
        s_state_t *st = a->state;
        st->events = outbox_batch_new(reg->d->outbox);
        s_announce(st->events, a->job, 0);
        outbox_batch_stage(st->events, a->job);
        return db_job_pending_count(a->job) > 0 ? DB_NEXT : DB_COMMIT;
    }
    return DB_COMMIT;
}

void registry_finish_sanctions(consumer_apply_t *a, bool committed, void *arg)
{
    s_state_t *st = a->state;
    if (!st)
        return;
    outbox_batch_finish(&st->events, a->job, committed);
    free(st);
    a->state = NULL;
}

/* ---- expiry ----------------------------------------------------------------- */

static db_next_t s_expire_step(db_job_t *job, void *arg)
{
    registry_t *reg = arg;
    if (reg->expiry_events)
        return DB_COMMIT;
    reg->expiry_events = outbox_batch_new(reg->d->outbox);
    s_announce(reg->expiry_events, job, 0);
    if (outbox_batch_count(reg->expiry_events) == 0)
        return DB_COMMIT;
    outbox_batch_stage(reg->expiry_events, job);
    return DB_NEXT;
}

static void s_expire_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    registry_t *reg = arg;
    size_t n = reg->expiry_events ? outbox_batch_count(reg->expiry_events) : 0;
    outbox_batch_finish(&reg->expiry_events, job, committed);
    if (committed && n > 0)
        log_info("%zu suspensions ended", n);
    reg->expiring = false;
}

static void s_on_expiry(evutil_socket_t fd, short what, void *arg)
{
    registry_t *reg = arg;
    struct timeval tv = {reg->expiry_check_s, 0};
    evtimer_add(reg->ev_expiry, &tv);
    if (reg->expiring || !db_is_ready(reg->d->db))
        return;
    reg->expiring = true;
    char now[24];
    snprintf(now, sizeof now, "%lld", (long long)time_now_us());
    const char *params[] = {now};
    db_job_t *job = db_job_new(reg->d->db, s_expire_step, s_expire_done, reg);
    db_job_add(job, s_expire_sql, 1, params);
    db_job_submit(job);
}

void registry_expiry_start(registry_t *reg)
{
    if (!reg->ev_expiry)
        reg->ev_expiry = evtimer_new(reg->d->base, s_on_expiry, reg);
    event_active(reg->ev_expiry, EV_TIMEOUT, 0);
}

void registry_expiry_stop(registry_t *reg)
{
    if (reg->ev_expiry)
        event_free(reg->ev_expiry);
    reg->ev_expiry = NULL;
}
