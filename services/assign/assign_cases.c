/* assign_cases — staff commands about cases: direct assignment by the center
 * (clause 21), withdrawal, and the list of cases.
 *
 * A direct assignment goes to a lawyer who may be given cases now ("case" in
 * the registry's serving), or to a lawyer the registry holds as "outside": a
 * locally registered lawyer outside the pool, whom the center may appoint
 * directly (clause 9). A case is open with at most one lawyer at a time. If
 * the case system already reported the case closed by that lawyer (the close
 * waits in closes, see assign_closes.c), the assignment is recorded finished
 * at once. Mutating commands run through ctlcmd, so a repeated request id
 * returns the first answer; the events go out through the outbox in the
 * same transaction. */
#include "assign.h"

#include "fayuan/ctlcmd.h"
#include "fayuan/log.h"
#include "fayuan/timeutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASE_NO_MAX 64 /* as the gateway accepts them */
#define LAWYER_MAX 32
#define NOTE_MAX 500
#define LIST_MAX 1000

/* What staff read (zh-CN). */
static const char s_msg_bad_case[] = "案件编号应为 1 到 64 字节，不含控制字符，首尾不含空格";
static const char s_msg_bad_lawyer[] = "请用 --lawyer 给出律师执业证号";
static const char s_msg_bad_note[] = "说明不能超过 500 字节";
static const char s_msg_open_fmt[] = "案件 %s 已指派给 %s（%s），尚未办结；如需改派，请先撤回："
                                     "fayuanctl case finish %s";
static const char s_msg_unknown_lawyer[] = "没有这个执业证号的律师，未指派";
static const char s_msg_not_serving_fmt[] = "律师 %s（%s）目前不能承办案件：%s。未指派";
static const char s_why_removed[] = "已被清退";
static const char s_why_exited[] = "已退出人员库";
static const char s_why_suspended[] = "暂停服务中";
static const char s_why_no_pool[] = "不在办案人员库中";
static const char s_why_not_now[] = "尚未完成培训考核、被暂停指派案件或正在办理退出";
static const char s_msg_bad_how[] = "--how 只能是 withdrawn（撤回）；办结由案件系统报告";
static const char s_msg_no_case_fmt[] = "没有案件 %s 的指派记录";
static const char s_msg_finished_fmt[] = "案件 %s 已%s，无需撤回";
static const char s_msg_db[] = "查询失败，请稍后重试";

static const char *s_center(const assign_t *as, const Fayuan__CtlRequest *cmd)
{
    const char *c = ctlcmd_arg(cmd, "center");
    return c && *c ? c : as->d->cfg.center;
}

/* Who gave the command, as fayuanctl reports it ("" if it does not). */
static const char *s_actor(const Fayuan__CtlRequest *cmd)
{
    const char *a = ctlcmd_arg(cmd, "actor");
    return a ? a : "";
}

/* A case number as the case system writes it: 1..CASE_NO_MAX bytes, no
 * control characters, no space at either end (it is matched exactly). */
static bool s_case_no_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > CASE_NO_MAX || s[0] == ' ' || s[n - 1] == ' ')
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

static bool s_lawyer_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > LAWYER_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
            return false;
    return true;
}

static json_t *s_time_json(const char *us, int utc_offset)
{
    if (!us)
        return json_null();
    char buf[40];
    time_format_rfc3339(strtoll(us, NULL, 10), utc_offset, buf, sizeof buf);
    return json_string(buf);
}

/* Sets the command's ok reply to body (consumed). */
static void s_reply_json(ctlcmd_t *cmd, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    ctlcmd_set_reply_ok(cmd, text);
    free(text);
    json_decref(body);
}

static void s_reply_errorf(ctlcmd_t *cmd, const char *code, const char *fmt, const char *a,
                           const char *b, const char *c, const char *d)
{
    char msg[768];
    snprintf(msg, sizeof msg, fmt, a, b, c, d);
    ctlcmd_set_reply_error(cmd, code, msg);
}

/* ---- case assign -------------------------------------------------------------- */

typedef struct {
    assign_t *as;
    char center[64], case_no[CASE_NO_MAX + 1], lawyer[LAWYER_MAX + 1];
    char note[NOTE_MAX + 1], request_id[128], actor[64];
    outbox_batch_t *events;
} s_assign_t;

/* The insert, marking the closes that waited for this assignment with it. */
static const char s_insert_sql[] =
    "WITH c AS (INSERT INTO cases (center, case_no, lawyer, how, assigned_at, mentor, note, "
    "             request_id, assigned_by, finished_at, finished_how, finish_source) "
    "           VALUES ($1, $2, $3, 'direct', $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id), "
    "w AS (UPDATE closes SET case_id = (SELECT id FROM c) "
    "      WHERE center = $1 AND case_no = $2 AND lawyer = $3 AND case_id IS NULL) "
    "SELECT id FROM c";

/* Why a lawyer who is not serving the case pool may not be given a case. */
static const char *s_why_not_serving(const char *status, bool in_case_pool)
{
    if (strcmp(status, "removed") == 0)
        return s_why_removed;
    if (strcmp(status, "exited") == 0)
        return s_why_exited;
    if (strcmp(status, "suspended") == 0)
        return s_why_suspended;
    if (!in_case_pool)
        return s_why_no_pool;
    return s_why_not_now;
}

static db_next_t s_assign_step(ctlcmd_t *cmd, db_job_t *job, int stage, void *arg)
{
    s_assign_t *x = arg;
    if (stage == 0) {
        const char *p_lawyer[] = {x->center, x->lawyer};
        db_job_add(job,
                   "SELECT l.name, l.status, 'case' = ANY(l.serving), 'case' = ANY(l.pools), "
                   "  l.mentor, coalesce((SELECT m.name FROM lawyers m "
                   "    WHERE m.center = l.center AND m.licence = l.mentor), '') "
                   "FROM lawyers l WHERE l.center = $1 AND l.licence = $2",
                   2, p_lawyer);
        const char *p_case[] = {x->center, x->case_no};
        db_job_add(job,
                   "SELECT c.lawyer, coalesce((SELECT k.name FROM lawyers k "
                   "  WHERE k.center = c.center AND k.licence = c.lawyer), '') "
                   "FROM cases c WHERE c.center = $1 AND c.case_no = $2 AND c.finished_at IS NULL",
                   2, p_case);
        const char *p_close[] = {x->center, x->case_no, x->lawyer};
        db_job_add(job,
                   "SELECT gateway_seq, at FROM closes WHERE center = $1 AND case_no = $2 "
                   "  AND lawyer = $3 AND case_id IS NULL ORDER BY gateway_seq LIMIT 1",
                   3, p_close);
        return DB_NEXT;
    }
    if (stage == 1) {
        const PGresult *who = db_job_result(job, 0), *open = db_job_result(job, 1);
        const PGresult *waiting = db_job_result(job, 2);
        if (PQntuples(open) > 0) {
            s_reply_errorf(cmd, "case_open", s_msg_open_fmt, x->case_no, db_value(open, 0, 1),
                           db_value(open, 0, 0), x->case_no);
            return DB_ROLLBACK;
        }
        if (PQntuples(who) == 0) {
            ctlcmd_set_reply_error(cmd, "unknown_lawyer", s_msg_unknown_lawyer);
            return DB_ROLLBACK;
        }
        const char *name = db_value(who, 0, 0), *status = db_value(who, 0, 1);
        bool serving = strcmp(db_value(who, 0, 2), "t") == 0;
        bool in_case_pool = strcmp(db_value(who, 0, 3), "t") == 0;
        /* Clause 9: the center may appoint a local lawyer outside the pool. */
        bool outside = strcmp(status, "outside") == 0;
        if (!serving && !outside) {
            s_reply_errorf(cmd, "not_serving", s_msg_not_serving_fmt, name, x->lawyer,
                           s_why_not_serving(status, in_case_pool), NULL);
            return DB_ROLLBACK;
        }
        const char *mentor = db_value(who, 0, 4), *mentor_name = db_value(who, 0, 5);
        int64_t now = time_now_us();
        bool closed = PQntuples(waiting) > 0;
        char at[24], fin_at[24], source[48];
        snprintf(at, sizeof at, "%lld", (long long)now);
        if (closed) {
            snprintf(fin_at, sizeof fin_at, "%s", db_value(waiting, 0, 1));
            snprintf(source, sizeof source, "gateway:%s", db_value(waiting, 0, 0));
        }
        const char *params[] = {x->center,
                                x->case_no,
                                x->lawyer,
                                at,
                                mentor,
                                x->note,
                                x->request_id[0] ? x->request_id : NULL,
                                x->actor,
                                closed ? fin_at : NULL,
                                closed ? "closed" : NULL,
                                closed ? source : NULL};
        db_job_add(job, s_insert_sql, 11, params);

        x->events = outbox_batch_new(x->as->d->outbox);
        Fayuan__CaseAssigned ev = FAYUAN__CASE_ASSIGNED__INIT;
        ev.case_no = x->case_no;
        ev.lawyer = x->lawyer;
        ev.how = "direct";
        ev.at = now;
        ev.mentor = (char *)mentor;
        ev.note = x->note;
        outbox_batch_add(x->events, "CaseAssigned", x->center, now, &ev.base);
        int64_t fin = closed ? strtoll(fin_at, NULL, 10) : 0;
        if (closed) {
            Fayuan__CaseFinished fe = FAYUAN__CASE_FINISHED__INIT;
            fe.case_no = x->case_no;
            fe.lawyer = x->lawyer;
            fe.how = "closed";
            fe.at = fin;
            outbox_batch_add(x->events, "CaseFinished", x->center, fin, &fe.base);
        }
        outbox_batch_stage(x->events, job);

        int off = x->as->d->cfg.utc_offset;
        json_t *body = json_pack(
            "{s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:o, s:o}", "center", x->center,
            "case_no", x->case_no, "lawyer", x->lawyer, "name", name, "how", "direct",
            "assigned_at", s_time_json(at, off), "mentor", mentor, "mentor_name", mentor_name,
            "note", x->note, "status", closed ? "closed" : "open", "finished_at",
            closed ? s_time_json(fin_at, off) : json_null(), "outside", json_boolean(outside));
        s_reply_json(cmd, body);
        ctlcmd_stage_reply(cmd, job);
        return DB_NEXT;
    }
    return DB_COMMIT;
}

static void s_assign_done(ctlcmd_t *cmd, db_job_t *job, bool committed, void *arg)
{
    s_assign_t *x = arg;
    outbox_batch_finish(&x->events, job, committed);
    if (committed)
        log_info("case %s assigned to %s (direct)", x->case_no, x->lawyer);
    free(x);
}

void assign_cmd_assign(assign_t *as, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    const char *case_no = ctlcmd_arg(cmd, "case"), *lawyer = ctlcmd_arg(cmd, "lawyer");
    const char *note = ctlcmd_arg(cmd, "note");
    if (!s_case_no_ok(case_no)) {
        bus_ctl_reply_error(req, "invalid_case", s_msg_bad_case);
        return;
    }
    if (!s_lawyer_ok(lawyer)) {
        bus_ctl_reply_error(req, "missing_lawyer", s_msg_bad_lawyer);
        return;
    }
    if (note && strlen(note) > NOTE_MAX) {
        bus_ctl_reply_error(req, "invalid_note", s_msg_bad_note);
        return;
    }
    s_assign_t *x = calloc(1, sizeof *x);
    x->as = as;
    snprintf(x->center, sizeof x->center, "%s", s_center(as, cmd));
    snprintf(x->case_no, sizeof x->case_no, "%s", case_no);
    snprintf(x->lawyer, sizeof x->lawyer, "%s", lawyer);
    snprintf(x->note, sizeof x->note, "%s", note ? note : "");
    snprintf(x->request_id, sizeof x->request_id, "%s", cmd->request_id ? cmd->request_id : "");
    snprintf(x->actor, sizeof x->actor, "%s", s_actor(cmd));
    ctlcmd_run(as->d->db, req, s_assign_step, s_assign_done, x);
}

/* ---- case finish (withdrawal) -------------------------------------------------- */

typedef struct {
    assign_t *as;
    char center[64], case_no[CASE_NO_MAX + 1], note[NOTE_MAX + 1], source[160], actor[64];
    outbox_batch_t *events;
} s_finish_t;

static db_next_t s_finish_step(ctlcmd_t *cmd, db_job_t *job, int stage, void *arg)
{
    s_finish_t *x = arg;
    if (stage == 0) {
        /* The open assignment of the case, else its latest one. */
        const char *params[] = {x->center, x->case_no};
        db_job_add(job,
                   "SELECT c.id, c.lawyer, c.finished_how, coalesce(k.name, '') "
                   "FROM cases c LEFT JOIN lawyers k ON k.center = c.center "
                   "  AND k.licence = c.lawyer "
                   "WHERE c.center = $1 AND c.case_no = $2 "
                   "ORDER BY c.finished_at IS NULL DESC, c.id DESC LIMIT 1 FOR UPDATE OF c",
                   2, params);
        return DB_NEXT;
    }
    if (stage == 1) {
        const PGresult *res = db_job_result(job, 0);
        if (PQntuples(res) == 0) {
            s_reply_errorf(cmd, "unknown_case", s_msg_no_case_fmt, x->case_no, NULL, NULL, NULL);
            return DB_ROLLBACK;
        }
        const char *how = db_value(res, 0, 2);
        if (how) {
            s_reply_errorf(cmd, "case_finished", s_msg_finished_fmt, x->case_no,
                           strcmp(how, "closed") == 0 ? "办结" : "撤回", NULL, NULL);
            return DB_ROLLBACK;
        }
        const char *lawyer = db_value(res, 0, 1);
        int64_t now = time_now_us();
        char at[24];
        snprintf(at, sizeof at, "%lld", (long long)now);
        const char *params[] = {db_value(res, 0, 0), at, x->source, x->note, x->actor};
        db_job_add(job,
                   "UPDATE cases SET finished_at = $2, finished_how = 'withdrawn', "
                   "  finish_source = $3, finish_note = $4, finished_by = $5 "
                   "WHERE id = $1 AND finished_at IS NULL",
                   5, params);

        x->events = outbox_batch_new(x->as->d->outbox);
        Fayuan__CaseFinished ev = FAYUAN__CASE_FINISHED__INIT;
        ev.case_no = x->case_no;
        ev.lawyer = (char *)lawyer;
        ev.how = "withdrawn";
        ev.at = now;
        outbox_batch_add(x->events, "CaseFinished", x->center, now, &ev.base);
        outbox_batch_stage(x->events, job);

        json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "center", x->center,
                                 "case_no", x->case_no, "lawyer", lawyer, "name",
                                 db_value(res, 0, 3), "status", "withdrawn", "finished_at",
                                 s_time_json(at, x->as->d->cfg.utc_offset), "note", x->note);
        s_reply_json(cmd, body);
        ctlcmd_stage_reply(cmd, job);
        return DB_NEXT;
    }
    return DB_COMMIT;
}

static void s_finish_done(ctlcmd_t *cmd, db_job_t *job, bool committed, void *arg)
{
    s_finish_t *x = arg;
    outbox_batch_finish(&x->events, job, committed);
    if (committed)
        log_info("case %s withdrawn", x->case_no);
    free(x);
}

void assign_cmd_finish(assign_t *as, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    const char *case_no = ctlcmd_arg(cmd, "case"), *how = ctlcmd_arg(cmd, "how");
    const char *note = ctlcmd_arg(cmd, "note");
    if (!s_case_no_ok(case_no)) {
        bus_ctl_reply_error(req, "invalid_case", s_msg_bad_case);
        return;
    }
    if (how && strcmp(how, "withdrawn") != 0) {
        bus_ctl_reply_error(req, "invalid_how", s_msg_bad_how);
        return;
    }
    if (note && strlen(note) > NOTE_MAX) {
        bus_ctl_reply_error(req, "invalid_note", s_msg_bad_note);
        return;
    }
    s_finish_t *x = calloc(1, sizeof *x);
    x->as = as;
    snprintf(x->center, sizeof x->center, "%s", s_center(as, cmd));
    snprintf(x->case_no, sizeof x->case_no, "%s", case_no);
    snprintf(x->note, sizeof x->note, "%s", note ? note : "");
    snprintf(x->source, sizeof x->source, "ctl:%s", cmd->request_id ? cmd->request_id : "");
    snprintf(x->actor, sizeof x->actor, "%s", s_actor(cmd));
    ctlcmd_run(as->d->db, req, s_finish_step, s_finish_done, x);
}

/* ---- cases (list) ---------------------------------------------------------------- */

typedef struct {
    bus_ctl_req_t *req;
    char center[64];
    int utc_offset;
} s_list_t;

static void s_list_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    s_list_t *q = arg;
    const PGresult *res = db_job_result(job, 0);
    if (!committed || !res) {
        bus_ctl_reply_error(q->req, "db_error", s_msg_db);
        free(q);
        return;
    }
    int rows = PQntuples(res);
    json_t *cases = json_array();
    for (int i = 0; i < rows && i < LIST_MAX; i++) {
        const char *fin = db_value(res, i, 8);
        json_array_append_new(
            cases, json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s?, s:o, s:s, s:s}",
                             "case_no", db_value(res, i, 0), "lawyer", db_value(res, i, 1), "name",
                             db_value(res, i, 2), "how", db_value(res, i, 3), "assigned_at",
                             s_time_json(db_value(res, i, 4), q->utc_offset), "mentor",
                             db_value(res, i, 5), "note", db_value(res, i, 6), "status",
                             fin ? fin : "open", "finished_how", fin, "finished_at",
                             s_time_json(db_value(res, i, 7), q->utc_offset), "finish_note",
                             db_value(res, i, 9), "assigned_by", db_value(res, i, 10)));
    }
    json_t *body = json_pack("{s:s, s:o, s:b}", "center", q->center, "cases", cases, "truncated",
                             rows > LIST_MAX);
    bus_ctl_reply_json(q->req, body);
    free(q);
}

void assign_cmd_cases(assign_t *as, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    const char *lawyer = ctlcmd_arg(cmd, "lawyer");
    bool open_only = ctlcmd_arg(cmd, "open") != NULL;
    if (lawyer && !s_lawyer_ok(lawyer)) {
        bus_ctl_reply_error(req, "missing_lawyer", s_msg_bad_lawyer);
        return;
    }
    s_list_t *q = calloc(1, sizeof *q);
    q->req = req;
    q->utc_offset = as->d->cfg.utc_offset;
    snprintf(q->center, sizeof q->center, "%s", s_center(as, cmd));
    char limit[16];
    snprintf(limit, sizeof limit, "%d", LIST_MAX + 1);
    const char *params[] = {q->center, lawyer, open_only ? "t" : "f", limit};
    db_job_t *job = db_job_new(as->d->db, NULL, s_list_done, q);
    db_job_add(job,
               "SELECT c.case_no, c.lawyer, coalesce(k.name, ''), c.how, c.assigned_at, c.mentor, "
               "  c.note, c.finished_at, c.finished_how, c.finish_note, c.assigned_by "
               "FROM cases c LEFT JOIN lawyers k ON k.center = c.center AND k.licence = c.lawyer "
               "WHERE c.center = $1 AND ($2::text IS NULL OR c.lawyer = $2) "
               "  AND (NOT $3::bool OR c.finished_at IS NULL) "
               "ORDER BY c.assigned_at DESC, c.id DESC LIMIT $4",
               4, params);
    db_job_submit(job);
}
