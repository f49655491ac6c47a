/* gw_records — the feed endpoints as data: for each, its path, dedupe
 * namespace, secret, whether an unknown lawyer is refused or parked, its
 * decoder (gw_feed.c) and the event an accepted record becomes. The 12348
 * hotline only reports seats of registered lawyers, so an unknown licence
 * there is an error; the case-quality system can report work of a lawyer
 * the center has not registered yet, so those records are accepted and
 * parked by scored until the lawyer exists (RULES: never lose a record). */
#include "gateway.h"

#include "events.pb-c.h"

#include <stdio.h>
#include <string.h>

static void s_ids(gw_pending_t *p, const char *id, const char *lawyer)
{
    snprintf(p->id, sizeof p->id, "%s", id);
    snprintf(p->lawyer, sizeof p->lawyer, "%s", lawyer);
}

/* ---- 12348 seat sessions ---- */

static int s_session_decode(const json_t *rec, int64_t now_us, gw_pending_t *p, gw_error_t *err)
{
    gw_session_t *s = &p->u.session;
    if (gw_session_decode(rec, now_us, s, err) != 0)
        return -1;
    s_ids(p, s->id, s->lawyer);
    snprintf(p->canonical, sizeof p->canonical, "%s|%s|%lld", s->lawyer,
             s->sign_in ? "sign_in" : "sign_out", (long long)s->at_us);
    return 0;
}

static void s_session_emit(const gw_pending_t *p, const char *center, outbox_batch_t *b)
{
    const gw_session_t *s = &p->u.session;
    Fayuan__HotlineSession ev = FAYUAN__HOTLINE_SESSION__INIT;
    ev.external_id = (char *)s->id;
    ev.lawyer = (char *)s->lawyer;
    ev.sign_in = s->sign_in;
    ev.at = s->at_us;
    outbox_batch_add(b, "HotlineSession", center, s->at_us, &ev.base);
}

/* ---- case-quality evaluations ---- */

static int s_evaluation_decode(const json_t *rec, int64_t now_us, gw_pending_t *p, gw_error_t *err)
{
    gw_evaluation_t *e = &p->u.evaluation;
    if (gw_evaluation_decode(rec, now_us, e, err) != 0)
        return -1;
    s_ids(p, e->id, e->lawyer);
    snprintf(p->canonical, sizeof p->canonical, "%s|%s|%s|%s|%lld", e->case_no, e->lawyer,
             gw_level_name(e->level), gw_grade_name(e->grade), (long long)e->at_us);
    return 0;
}

static void s_evaluation_emit(const gw_pending_t *p, const char *center, outbox_batch_t *b)
{
    const gw_evaluation_t *e = &p->u.evaluation;
    Fayuan__QualityEvaluation ev = FAYUAN__QUALITY_EVALUATION__INIT;
    ev.external_id = (char *)e->id;
    ev.case_no = (char *)e->case_no;
    ev.lawyer = (char *)e->lawyer;
    ev.level = (int32_t)e->level;
    ev.grade = (char *)gw_grade_name(e->grade);
    ev.rule_code = (char *)gw_evaluation_rule(e->grade);
    ev.evaluated_at = e->at_us;
    outbox_batch_add(b, "QualityEvaluation", center, e->at_us, &ev.base);
}

/* ---- case events ---- */

static int s_case_decode(const json_t *rec, int64_t now_us, gw_pending_t *p, gw_error_t *err)
{
    gw_case_event_t *e = &p->u.case_event;
    if (gw_case_event_decode(rec, now_us, e, err) != 0)
        return -1;
    s_ids(p, e->id, e->lawyer);
    const char *value = gw_case_value_name(e->type, e->value);
    snprintf(p->canonical, sizeof p->canonical, "%s|%s|%s|%s|%lld", e->case_no, e->lawyer,
             gw_case_type_name(e->type), value ? value : "", (long long)e->at_us);
    return 0;
}

static void s_case_emit(const gw_pending_t *p, const char *center, outbox_batch_t *b)
{
    const gw_case_event_t *e = &p->u.case_event;
    const char *value = gw_case_value_name(e->type, e->value);
    Fayuan__CaseEvent ev = FAYUAN__CASE_EVENT__INIT;
    ev.external_id = (char *)e->id;
    ev.case_no = (char *)e->case_no;
    ev.lawyer = (char *)e->lawyer;
    ev.type = (char *)gw_case_type_name(e->type);
    ev.value = (char *)(value ? value : "");
    ev.rank = e->type == GW_CASE_WRITEUP ? e->value : 0;
    ev.rule_code = (char *)gw_case_event_rule(e);
    ev.at = e->at_us;
    outbox_batch_add(b, "CaseEvent", center, e->at_us, &ev.base);
}

const gw_feed_kind_t gw_feeds[] = {
    {"/v1/hotline/sessions", "hotline", true, true, s_session_decode, s_session_emit},
    {"/v1/quality/evaluations", "quality", false, false, s_evaluation_decode, s_evaluation_emit},
    {"/v1/cases/events", "cases", false, false, s_case_decode, s_case_emit},
};
const size_t gw_nfeeds = sizeof gw_feeds / sizeof gw_feeds[0];
