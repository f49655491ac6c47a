/* reg_announce — the events of a registry transaction. Every change of a
 * person or membership marks the lawyer row with the transaction's id
 * (lawyers.updated_xid, set by lawyer_summarise and by the person upserts),
 * and every change of standing writes an audit row (audit.xid). At the end of
 * a transaction two reads find exactly what this transaction changed: the
 * lawyers to announce (LawyerChanged, from the lawyer_events view) and the
 * audit rows that tell someone (MemberNotice). No caller has to keep a list,
 * and a transaction that changed nothing has no id and finds nothing
 * (pg_current_xact_id_if_assigned: reading does not assign one). */
#include "registry.h"

#include "events.pb-c.h"
#include "fayuan/log.h"
#include "fayuan/timeutil.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char s_lawyers_sql[] =
    "SELECT center, licence, name, gender, birth_date, firm, licensed_since, pools, specialties, "
    "  phone, email, status, suspended_until, cases_suspended, banned_until, memberships, serving "
    "FROM lawyer_events WHERE updated_xid = pg_current_xact_id_if_assigned() ORDER BY center, "
    "licence";

static const char s_notices_sql[] =
    "SELECT a.id, a.center, a.lawyer, l.name, a.notice, a.pool, a.rule, a.reason, a.until, "
    "  l.firm, a.tell_firm, coalesce(f.email, ''), coalesce(f.phone, ''), "
    "  coalesce((SELECT o.name FROM lawyers o WHERE o.center = a.center AND o.licence = a.other), "
    "           a.other), l.phone, l.email "
    "FROM audit a JOIN lawyers l ON l.center = a.center AND l.licence = a.lawyer "
    "LEFT JOIN firms f ON f.center = a.center AND f.name = l.firm "
    "WHERE a.xid = pg_current_xact_id_if_assigned() AND a.notice <> '' ORDER BY a.id";

int reg_announce_add(db_job_t *job)
{
    int first = db_job_pending_count(job);
    db_job_add(job, s_lawyers_sql, 0, NULL);
    db_job_add(job, s_notices_sql, 0, NULL);
    return first;
}

/* Splits s at ';' into at most max pointers into the copy *buf. */
static size_t s_split(const char *s, char **buf, char **out, size_t max)
{
    *buf = strdup(s);
    size_t n = 0;
    for (char *save, *t = strtok_r(*buf, ";", &save); t && n < max; t = strtok_r(NULL, ";", &save))
        out[n++] = t;
    return n;
}

static void s_lawyer(outbox_batch_t *b, const PGresult *res, int i, int64_t now)
{
    char *pools_buf, *spec_buf, *serving_buf;
    char *pv[4] = {0}, *sv[32] = {0}, *srv[4] = {0};
    Fayuan__LawyerChanged ev = FAYUAN__LAWYER_CHANGED__INIT;
    ev.licence = (char *)db_value(res, i, 1);
    ev.name = (char *)db_value(res, i, 2);
    ev.gender = (char *)db_value(res, i, 3);
    ev.birth_date = (char *)db_value(res, i, 4);
    ev.firm = (char *)db_value(res, i, 5);
    ev.licensed_since = (char *)db_value(res, i, 6);
    ev.n_pools = s_split(db_value(res, i, 7), &pools_buf, pv, 4);
    ev.pools = pv;
    ev.n_specialties = s_split(db_value(res, i, 8), &spec_buf, sv, 32);
    ev.specialties = sv;
    ev.phone = (char *)db_value(res, i, 9);
    ev.email = (char *)db_value(res, i, 10);
    ev.status = (char *)db_value(res, i, 11);
    ev.suspended_until = db_int64(res, i, 12);
    ev.cases_suspended = strcmp(db_value(res, i, 13), "t") == 0;
    ev.banned_until = db_int64(res, i, 14);
    ev.n_serving = s_split(db_value(res, i, 16), &serving_buf, srv, 4);
    ev.serving = srv;

    json_t *ms = json_loads(db_value(res, i, 15), 0, NULL);
    size_t nm = json_is_array(ms) ? json_array_size(ms) : 0;
    Fayuan__Membership mv[4], *mp[4];
    if (nm > 4)
        nm = 4;
    for (size_t k = 0; k < nm; k++) {
        json_t *m = json_array_get(ms, k);
        fayuan__membership__init(&mv[k]);
        mv[k].pool = (char *)json_string_value(json_object_get(m, "pool"));
        mv[k].state = (char *)json_string_value(json_object_get(m, "state"));
        mv[k].suspended_until = json_integer_value(json_object_get(m, "suspended_until"));
        mv[k].probation_until = json_integer_value(json_object_get(m, "probation_until"));
        mv[k].mentor = (char *)json_string_value(json_object_get(m, "mentor"));
        mv[k].exit_kind = (char *)json_string_value(json_object_get(m, "exit_kind"));
        mv[k].exit_pending = json_is_true(json_object_get(m, "exit_pending"));
        mv[k].cases_suspended = json_is_true(json_object_get(m, "cases_suspended"));
        if (!mv[k].pool)
            mv[k].pool = (char *)"";
        if (!mv[k].state)
            mv[k].state = (char *)"";
        if (!mv[k].mentor)
            mv[k].mentor = (char *)"";
        if (!mv[k].exit_kind)
            mv[k].exit_kind = (char *)"";
        mp[k] = &mv[k];
    }
    ev.n_memberships = nm;
    ev.memberships = mp;
    outbox_batch_add(b, "LawyerChanged", db_value(res, i, 0), now, &ev.base);
    json_decref(ms);
    free(pools_buf);
    free(spec_buf);
    free(serving_buf);
}

static void s_notice(outbox_batch_t *b, const PGresult *res, int i, int64_t now)
{
    Fayuan__MemberNotice ev = FAYUAN__MEMBER_NOTICE__INIT;
    char id[40];
    snprintf(id, sizeof id, "registry-audit:%s", db_value(res, i, 0));
    ev.notice_id = id;
    ev.lawyer = (char *)db_value(res, i, 2);
    ev.name = (char *)db_value(res, i, 3);
    ev.kind = (char *)db_value(res, i, 4);
    ev.pool = (char *)db_value(res, i, 5);
    ev.rule = (char *)db_value(res, i, 6);
    ev.reason = (char *)db_value(res, i, 7);
    ev.until = db_int64(res, i, 8);
    ev.firm = (char *)db_value(res, i, 9);
    ev.tell_firm = strcmp(db_value(res, i, 10), "t") == 0;
    ev.firm_email = (char *)db_value(res, i, 11);
    ev.firm_phone = (char *)db_value(res, i, 12);
    ev.other = (char *)db_value(res, i, 13);
    ev.phone = (char *)db_value(res, i, 14);
    ev.email = (char *)db_value(res, i, 15);
    outbox_batch_add(b, "MemberNotice", db_value(res, i, 1), now, &ev.base);
}

size_t reg_announce_stage(outbox_batch_t *b, db_job_t *job, int first)
{
    int64_t now = time_now_us();
    size_t n = 0;
    const PGresult *lawyers = db_job_result(job, first);
    const PGresult *notices = db_job_result(job, first + 1);
    for (int i = 0; lawyers && i < PQntuples(lawyers); i++, n++)
        s_lawyer(b, lawyers, i, now);
    for (int i = 0; notices && i < PQntuples(notices); i++, n++)
        s_notice(b, notices, i, now);
    outbox_batch_stage(b, job);
    return n;
}

/* ---- consumers whose batch changes the registry -------------------------------- */

typedef struct {
    outbox_batch_t *events;
    int announce_at;
} s_batch_t;

db_next_t reg_batch_announce(consumer_apply_t *a)
{
    s_batch_t *st = calloc(1, sizeof *st);
    st->announce_at = reg_announce_add(a->job);
    a->state = st;
    return DB_NEXT;
}

db_next_t reg_batch_events(registry_t *reg, consumer_apply_t *a)
{
    s_batch_t *st = a->state;
    if (a->stage != 1 || !st)
        return DB_COMMIT;
    st->events = outbox_batch_new(reg->d->outbox);
    reg_announce_stage(st->events, a->job, st->announce_at);
    return db_job_pending_count(a->job) > 0 ? DB_NEXT : DB_COMMIT;
}

void registry_finish_events(consumer_apply_t *a, bool committed, void *arg)
{
    s_batch_t *st = a->state;
    if (!st)
        return;
    outbox_batch_finish(&st->events, a->job, committed);
    free(st);
    a->state = NULL;
}
