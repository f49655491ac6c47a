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
#include "fayuan/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every statement below changes a member only for a sanction recorded by
 * this very transaction (applied_at = now(), the transaction's start): a
 * sanction seen before changes nothing, even if its event were delivered
 * again. $1 center, $2 licence, $3 until (bigint), $4 sanction id,
 * $5 reason, $6 rule, $7 today (removal). The states each may change are
 * those pool_transition allows for the action (SUSPEND, REMOVE). */
static const char s_record_sql[] =
    "INSERT INTO sanctions_applied (sanction_id, center, lawyer, kind, rule, reason, until) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING sanction_id";

#define FRESH                                                                                      \
    "EXISTS (SELECT 1 FROM sanctions_applied WHERE sanction_id = $4 AND applied_at = now()) "      \
    "AND ($7::date IS NULL OR true) "
/* per-pool audit rows, and one row that tells the member (and the firm) */
#define AUDIT(ACTION, NOTICE, POOL, FIRM)                                                          \
    "a AS (INSERT INTO audit (center, lawyer, pool, action, reason, rule, actor, until) "          \
    "  SELECT center, licence, pool, '" ACTION "', $5, $6, 'score:' || $4, $3::bigint FROM u) "    \
    "INSERT INTO audit (center, lawyer, pool, action, reason, rule, actor, until, notice, "        \
    "  tell_firm) "                                                                                \
    "SELECT DISTINCT center, licence, " POOL                                                       \
    ", 'notice', $5, $6, 'score:' || $4, $3::bigint, '" NOTICE "', " FIRM " FROM u"

static const char s_suspend_sql[] =
    "WITH u AS (UPDATE memberships SET state = 'suspended', "
    "    suspended_until = greatest(suspended_until, $3::bigint), suspension_rule = $6, "
    "    suspension_reason = $5, rectification = 'ordered', updated_at = now() "
    "  WHERE center = $1 AND licence = $2 AND state IN ('active', 'suspended') AND " FRESH
    "  RETURNING center, licence, pool), " AUDIT("suspended", "suspended", "''", "false");
static const char s_cases_sql[] =
    "WITH u AS (UPDATE memberships SET cases_suspended = true, rectification = 'ordered', "
    "    updated_at = now() "
    "  WHERE center = $1 AND licence = $2 AND pool = 'case' "
    "    AND state IN ('active', 'suspended') AND " FRESH
    "  RETURNING center, licence, pool), " AUDIT("cases_suspended", "cases_suspended", "'case'",
                                                 "false");
static const char s_lift_sql[] =
    "WITH u AS (UPDATE memberships SET cases_suspended = false, rectification = 'done', "
    "    updated_at = now() "
    "  WHERE center = $1 AND licence = $2 AND pool = 'case' AND cases_suspended AND " FRESH
    "  RETURNING center, licence, pool), " AUDIT("cases_resumed", "cases_resumed", "'case'",
                                                 "false");
static const char s_remove_sql[] =
    "WITH u AS (UPDATE memberships SET state = 'exited', exit_kind = 'removed', "
    "    exit_reason = $5, exit_pending = false, suspended_until = 0, updated_at = now() "
    "  WHERE center = $1 AND licence = $2 "
    "    AND state IN ('applicant', 'approved', 'trained', 'active', 'suspended') AND " FRESH
    "  RETURNING center, licence, pool), "
    "b AS (UPDATE lawyers SET banned_until = $3::bigint, removed_on = $7::date, "
    "    updated_at = now(), updated_xid = pg_current_xact_id() "
    "  WHERE center = $1 AND licence = $2 AND EXISTS (SELECT 1 FROM u)), " AUDIT(
        "removed", "removed", "''", "true");

/* Suspensions whose end has come ($1 now), and probations whose end has
 * come (an assessment is due, clause 19). */
static const char s_expire_sql[] =
    "WITH u AS (UPDATE memberships SET state = 'active', suspended_until = 0, updated_at = now() "
    "  WHERE state = 'suspended' AND suspended_until > 0 AND suspended_until <= $1::bigint "
    "  RETURNING center, licence, pool), "
    "a AS (INSERT INTO audit (center, lawyer, pool, action, reason, rule, actor) "
    "  SELECT center, licence, pool, 'resumed', '暂停期满，自动恢复', '', 'timer' FROM u) "
    "INSERT INTO audit (center, lawyer, pool, action, reason, rule, actor, notice) "
    "SELECT center, licence, CASE WHEN count(*) > 1 THEN '' ELSE min(pool) END, 'notice', "
    "  '暂停期满，自动恢复', '', 'timer', 'resumed' FROM u GROUP BY center, licence";
static const char s_probation_sql[] =
    "WITH u AS (UPDATE memberships SET probation = 'due', updated_at = now() "
    "  WHERE probation = 'serving' AND probation_until > 0 AND probation_until <= $1::bigint "
    "  RETURNING center, licence, pool, probation_until) "
    "INSERT INTO audit (center, lawyer, pool, action, reason, rule, actor, until, notice) "
    "SELECT center, licence, pool, 'probation_due', '试用期满，待市中心考核', '19', 'timer', "
    "  probation_until, 'probation_due' FROM u";

/* ---- SanctionDue from scored ---------------------------------------------- */

db_next_t registry_apply_sanctions(consumer_apply_t *a, void *arg)
{
    registry_t *reg = arg;
    if (a->stage == 0) {
        size_t n = 0;
        int64_t now = time_now_us();
        int64_t today = reg_day_of(reg, now);
        char today_s[16];
        reg_day_text(today, today_s, sizeof today_s);
        int64_t ban_day =
            reg->removal_years > 0 ? pool_add_years(today, reg->removal_years) : POOL_NEVER;
        int64_t ban = ban_day == POOL_NEVER ? INT64_MAX : reg_day_start_us(reg, ban_day);
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
            /* a removal bars a new application until the anniversary (clause 28) */
            int64_t until = strcmp(ev->kind, "remove") == 0 ? ban : ev->until;
            char until_s[24];
            snprintf(until_s, sizeof until_s, "%lld", (long long)until);
            const char *rec[] = {ev->sanction_id, env->center, ev->lawyer, ev->kind,
                                 ev->rule,        ev->reason,  until_s};
            db_job_add(a->job, s_record_sql, 7, rec);
            const char *upd[] = {env->center, ev->lawyer, until_s, ev->sanction_id,
                                 ev->reason,  ev->rule,   today_s};
            db_job_add(a->job, sql, 7, upd);
            n++;
            fayuan__sanction_due__free_unpacked(ev, NULL);
        }
        return n > 0 ? reg_batch_announce(a) : DB_COMMIT;
    }
    return reg_batch_events(reg, a);
}

/* ---- expiry ----------------------------------------------------------------- */

static db_next_t s_expire_step(db_job_t *job, void *arg)
{
    registry_t *reg = arg;
    if (reg->expiry_events)
        return DB_COMMIT;
    reg->expiry_events = outbox_batch_new(reg->d->outbox);
    if (reg_announce_stage(reg->expiry_events, job, 2) == 0)
        return DB_COMMIT;
    return DB_NEXT;
}

static void s_expire_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    registry_t *reg = arg;
    size_t n = reg->expiry_events ? outbox_batch_count(reg->expiry_events) : 0;
    outbox_batch_finish(&reg->expiry_events, job, committed);
    if (committed && n > 0)
        log_info("%zu events for ended suspensions and probations", n);
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
    db_job_add(job, s_probation_sql, 1, params);
    reg_announce_add(job); /* results 2 and 3 */
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
