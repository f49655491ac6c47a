/* notify_apply — raising notifications from events (exactly once: the
 * consumer's inbox plus a unique source_event) and keeping the contact
 * read-model of lawyers.
 *
 * From scored: a TierChanged is one message to the lawyer (source
 * "score:<seq>"). From the registry: a MemberNotice is one message to the
 * lawyer ("registry:notice:<notice_id>", template "member_<kind>") and, when
 * the notice says tell_firm, one to the lawyer's firm
 * ("registry:notice:<notice_id>:firm", template "firm_<kind>", addressed by
 * the firm's name with the contacts the notice gives). The key is the notice's
 * own id, so the same notice published twice is still told once. */
#include "notify.h"

#include "events.pb-c.h"
#include "fayuan/lawyers_model.h"
#include "fayuan/log.h"
#include "fayuan/pgarr.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCOLS 9

/* The notifications a batch raises, as parallel columns of one INSERT. */
typedef struct {
    pgarr_t cols[NCOLS]; /* source_event center lawyer template vars recipient to_* */
    size_t n;
} s_rows_t;

static const char s_insert_sql[] =
    "INSERT INTO notifications (source_event, center, lawyer, channel, template, vars, "
    "  recipient, to_name, to_email, to_phone) "
    "SELECT s, c, l, 'file', t, v::jsonb, k, nullif(tn, ''), nullif(te, ''), nullif(tp, '') "
    "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
    "            $7::text[], $8::text[], $9::text[]) AS r(s, c, l, t, v, k, tn, te, tp) "
    "ON CONFLICT (source_event) DO NOTHING";

static void s_rows_init(s_rows_t *r)
{
    for (int i = 0; i < NCOLS; i++)
        pgarr_init(&r->cols[i]);
    r->n = 0;
}

static void s_rows_free(s_rows_t *r)
{
    for (int i = 0; i < NCOLS; i++)
        pgarr_free(&r->cols[i]);
}

/* to_name, to_email and to_phone are NULL for a lawyer (the read-model has them). */
static void s_rows_add(s_rows_t *r, const char *source, const char *center, const char *lawyer,
                       const char *tpl, const json_t *vars, const char *recipient,
                       const char *to_name, const char *to_email, const char *to_phone)
{
    char *text = json_dumps(vars, JSON_COMPACT);
    const char *vals[NCOLS] = {source,    center,  lawyer,   tpl,     text,
                               recipient, to_name, to_email, to_phone};
    for (int i = 0; i < NCOLS; i++)
        pgarr_add(&r->cols[i], vals[i]);
    free(text);
    r->n++;
}

/* Adds the INSERT to the batch; true if there was anything to raise. */
static bool s_rows_stage(s_rows_t *r, db_job_t *job)
{
    if (r->n == 0)
        return false;
    const char *params[NCOLS];
    for (int i = 0; i < NCOLS; i++)
        params[i] = pgarr_str(&r->cols[i]);
    db_job_add(job, s_insert_sql, NCOLS, params);
    return true;
}

db_next_t notify_apply_score(consumer_apply_t *a, void *arg)
{
    if (a->stage > 0)
        return DB_COMMIT;
    s_rows_t rows;
    s_rows_init(&rows);
    for (size_t i = 0; i < a->n; i++) {
        const Fayuan__Envelope *env = a->evs[i];
        if (strcmp(env->type, "TierChanged") != 0)
            continue;
        Fayuan__TierChanged *ev =
            fayuan__tier_changed__unpack(NULL, env->payload.len, env->payload.data);
        if (!ev)
            continue;
        /* A first provisional tier at zero points (a new quarter, a new
         * member) tells the lawyer nothing: no message for it. A final tier
         * always gets one. */
        if (!ev->final && !ev->old_tier[0] && ev->points_centi == 0) {
            fayuan__tier_changed__free_unpacked(ev, NULL);
            continue;
        }
        char id[64];
        snprintf(id, sizeof id, "score:%llu", (unsigned long long)env->seq);
        json_t *v =
            json_pack("{s:s, s:I, s:i, s:i, s:s, s:s, s:b}", "quarter", ev->quarter, "points_centi",
                      (json_int_t)ev->points_centi, "position", ev->position, "ranked", ev->ranked,
                      "old_tier", ev->old_tier, "new_tier", ev->new_tier, "final", ev->final);
        s_rows_add(&rows, id, env->center, ev->lawyer,
                   ev->final         ? "tier_final"
                   : ev->old_tier[0] ? "tier_changed"
                                     : "tier_assigned",
                   v, "lawyer", NULL, NULL, NULL);
        json_decref(v);
        fayuan__tier_changed__free_unpacked(ev, NULL);
    }
    bool raised = s_rows_stage(&rows, a->job);
    s_rows_free(&rows);
    a->state = raised ? arg : NULL;
    return raised ? DB_NEXT : DB_COMMIT;
}

void notify_finish_raised(consumer_apply_t *a, bool committed, void *arg)
{
    if (committed && a->state)
        notify_deliver_kick(arg);
    a->state = NULL;
}

/* One MemberNotice: the lawyer's notification and, if the firm is to be
 * told, the firm's. */
static void s_notice(s_rows_t *rows, const Fayuan__Envelope *env, const Fayuan__MemberNotice *ev)
{
    char masked[32];
    if (!ev->lawyer[0] || !ev->kind[0]) {
        log_warn("registry event %llu: MemberNotice %s without a lawyer or kind; skipped",
                 (unsigned long long)env->seq, ev->notice_id);
        return;
    }
    /* The notice's own id is the key, whole (a cut key could merge two). */
    char *key = NULL, *fkey = NULL, *tpl = NULL;
    int rc = ev->notice_id[0] ? asprintf(&key, "registry:notice:%s", ev->notice_id)
                              : asprintf(&key, "registry:%llu", (unsigned long long)env->seq);
    if (rc < 0 || asprintf(&fkey, "%s:firm", key) < 0 || asprintf(&tpl, "member_%s", ev->kind) < 0)
        abort(); /* out of memory */
    /* What the templates show; never the member's own contacts. */
    json_t *v =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "kind", ev->kind, "name",
                  ev->name, "pool", ev->pool, "rule", ev->rule, "reason", ev->reason, "licence",
                  ev->lawyer, "until", (json_int_t)ev->until, "other", ev->other, "firm", ev->firm);
    if (!v) {
        /* Only invalid UTF-8 from the producer gets here. */
        log_error("registry event %llu: MemberNotice %s for %s not representable; skipped",
                  (unsigned long long)env->seq, ev->notice_id,
                  log_mask(ev->lawyer, masked, sizeof masked));
        goto out;
    }
    s_rows_add(rows, key, env->center, ev->lawyer, tpl, v, "lawyer", NULL, NULL, NULL);
    if (ev->tell_firm) {
        if (!ev->firm[0]) {
            log_warn("notice %s (%s) for %s is to be told to a firm, but names none; "
                     "only the member is told",
                     ev->notice_id, ev->kind, log_mask(ev->lawyer, masked, sizeof masked));
        } else {
            if (!ev->firm_email[0] && !ev->firm_phone[0])
                log_warn("notice %s (%s): firm of %s has no e-mail or phone; raised without "
                         "contacts",
                         ev->notice_id, ev->kind, log_mask(ev->lawyer, masked, sizeof masked));
            free(tpl);
            if (asprintf(&tpl, "firm_%s", ev->kind) < 0)
                abort(); /* out of memory */
            s_rows_add(rows, fkey, env->center, ev->lawyer, tpl, v, "firm", ev->firm,
                       ev->firm_email, ev->firm_phone);
        }
    }
    log_debug("notice %s (%s) for %s: to the member%s", ev->notice_id, ev->kind,
              log_mask(ev->lawyer, masked, sizeof masked),
              ev->tell_firm && ev->firm[0] ? " and the firm" : "");
out:
    json_decref(v);
    free(key);
    free(fkey);
    free(tpl);
}

static const char s_lawyers_sql[] =
    "INSERT INTO lawyers (center, licence, name, firm, phone, email) "
    "SELECT DISTINCT ON (center, licence) center, licence, name, firm, phone, email "
    "FROM " LAWYERS_MODEL_UNNEST " ORDER BY center, licence, ord DESC "
    "ON CONFLICT (center, licence) DO UPDATE SET name = excluded.name, "
    "  firm = excluded.firm, phone = excluded.phone, email = excluded.email";

const char *const notify_registry_types[] = {"LawyerChanged", "MemberNotice", NULL};

db_next_t notify_apply_registry(consumer_apply_t *a, void *arg)
{
    if (a->stage > 0) {
        /* The INSERT is the batch's last statement; a notice applied again
         * (redelivery, the same notice published twice) inserts nothing. */
        if (a->state)
            log_debug("registry notices: %s new notifications",
                      PQcmdTuples(db_job_result(a->job, db_job_nresults(a->job) - 1)));
        return DB_COMMIT;
    }
    size_t changed = lawyers_model_stage(a, s_lawyers_sql);
    s_rows_t rows;
    s_rows_init(&rows);
    for (size_t i = 0; i < a->n; i++) {
        const Fayuan__Envelope *env = a->evs[i];
        if (strcmp(env->type, "MemberNotice") != 0)
            continue;
        Fayuan__MemberNotice *ev =
            fayuan__member_notice__unpack(NULL, env->payload.len, env->payload.data);
        if (!ev) {
            log_warn("registry event %llu: MemberNotice undecodable; skipped",
                     (unsigned long long)env->seq);
            continue;
        }
        s_notice(&rows, env, ev);
        fayuan__member_notice__free_unpacked(ev, NULL);
    }
    bool raised = s_rows_stage(&rows, a->job);
    s_rows_free(&rows);
    a->state = raised ? arg : NULL;
    return changed > 0 || raised ? DB_NEXT : DB_COMMIT;
}
