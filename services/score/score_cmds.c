/* score_cmds — staff commands about points: explaining a lawyer's quarter
 * entry by entry, listing parked feed records, and Annex 2 deductions
 * (record, verify, reverse on appeal). Mutating commands run through ctlcmd,
 * so a repeated request id returns the first answer. */
#include "score.h"
#include "score_ledger.h"

#include "fayuan/ctlcmd.h"
#include "fayuan/log.h"
#include "fayuan/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- points explain ------------------------------------------------------- */

typedef struct {
    bus_ctl_req_t *req;
    char center[64], lawyer[64], quarter[8];
    int utc_offset;
} s_query_t;

static const char *s_center(score_t *s, const Fayuan__CtlRequest *cmd)
{
    const char *c = ctlcmd_arg(cmd, "center");
    return c && *c ? c : s->d->cfg.center;
}

/* "2026Q4" from the argument or the current quarter; -1 (replied) if bad. */
static int s_quarter(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd, char out[8])
{
    const char *q = ctlcmd_arg(cmd, "quarter");
    int y, qq;
    if (q && *q) {
        if (time_quarter_parse(q, &y, &qq) != 0) {
            bus_ctl_reply_error(req, "invalid_quarter", "季度格式应为 2026Q4");
            return -1;
        }
        snprintf(out, 8, "%04dQ%d", y, qq);
    } else {
        time_quarter_of(time_now_us(), s->d->cfg.utc_offset, out, 8);
    }
    return 0;
}

static void s_explain_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    s_query_t *q = arg;
    const PGresult *who = db_job_result(job, 0), *res = db_job_result(job, 1);
    if (!committed || !res) {
        bus_ctl_reply_error(q->req, "db_error", "查询失败，请稍后重试");
        free(q);
        return;
    }
    if (PQntuples(who) == 0 && PQntuples(res) == 0) {
        bus_ctl_reply_error(q->req, "unknown_lawyer", "没有这个执业证号的律师");
        free(q);
        return;
    }
    json_t *entries = json_array();
    int64_t total = 0;
    for (int i = 0; i < PQntuples(res); i++) {
        char occurred[40];
        time_format_rfc3339(db_int64(res, i, 8), q->utc_offset, occurred, sizeof occurred);
        int64_t pts = db_int64(res, i, 3);
        total += pts;
        json_array_append_new(
            entries,
            json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                      (json_int_t)db_int64(res, i, 0), "rule_code", db_value(res, i, 1),
                      "description", db_value(res, i, 2) ? db_value(res, i, 2) : "", "points",
                      score_points_json(pts), "quarter", db_value(res, i, 4), "effective_quarter",
                      db_value(res, i, 5), "source", db_value(res, i, 6), "source_event",
                      db_value(res, i, 7), "occurred_at", occurred, "recorded_at",
                      db_value(res, i, 9), "note", db_value(res, i, 10)));
    }
    json_t *body =
        json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "center", q->center, "lawyer", q->lawyer,
                  "name", PQntuples(who) ? db_value(who, 0, 0) : "", "quarter", q->quarter,
                  "points", score_points_json(total), "entries", entries);
    bus_ctl_reply_json(q->req, body);
    free(q);
}

void score_cmd_explain(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    const char *lawyer = ctlcmd_arg(cmd, "lawyer");
    if (!lawyer || !*lawyer) {
        bus_ctl_reply_error(req, "missing_lawyer", "请给出律师执业证号");
        return;
    }
    s_query_t *q = calloc(1, sizeof *q);
    q->req = req;
    q->utc_offset = s->d->cfg.utc_offset;
    snprintf(q->center, sizeof q->center, "%s", s_center(s, cmd));
    snprintf(q->lawyer, sizeof q->lawyer, "%s", lawyer);
    if (s_quarter(s, req, cmd, q->quarter) != 0) {
        free(q);
        return;
    }
    const char *params[] = {q->center, q->lawyer, q->quarter};
    db_job_t *job = db_job_new(s->d->db, NULL, s_explain_done, q);
    db_job_add(job, "SELECT name FROM lawyers WHERE center = $1 AND licence = $2", 2, params);
    db_job_add(job,
               "SELECT l.id, l.rule_code, (SELECT r.description FROM rules r "
               "  WHERE r.code = l.rule_code AND r.version = l.rule_version), "
               "  l.points_centi, l.quarter, l.effective_quarter, l.source, l.source_event, "
               "  l.occurred_at, to_char(l.recorded_at AT TIME ZONE 'UTC', "
               "    'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), l.note "
               "FROM ledger l WHERE l.center = $1 AND l.lawyer = $2 AND l.quarter = $3 "
               "ORDER BY l.occurred_at, l.id",
               3, params);
    db_job_submit(job);
}

/* ---- parked records --------------------------------------------------------- */

static void s_unmatched_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    s_query_t *q = arg;
    const PGresult *res = db_job_result(job, 0);
    if (!committed || !res) {
        bus_ctl_reply_error(q->req, "db_error", "查询失败，请稍后重试");
        free(q);
        return;
    }
    json_t *recs = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        char at[40];
        time_format_rfc3339(db_int64(res, i, 5), q->utc_offset, at, sizeof at);
        json_array_append_new(
            recs, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "external_id", db_value(res, i, 0),
                            "lawyer", db_value(res, i, 1), "case", db_value(res, i, 2), "rule_code",
                            db_value(res, i, 3), "source_event", db_value(res, i, 4), "at", at));
    }
    json_t *body = json_pack("{s:s, s:o}", "center", q->center, "records", recs);
    bus_ctl_reply_json(q->req, body);
    free(q);
}

void score_cmd_unmatched(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    s_query_t *q = calloc(1, sizeof *q);
    q->req = req;
    q->utc_offset = s->d->cfg.utc_offset;
    snprintf(q->center, sizeof q->center, "%s", s_center(s, cmd));
    const char *params[] = {q->center};
    db_job_t *job = db_job_new(s->d->db, NULL, s_unmatched_done, q);
    db_job_add(job,
               "SELECT f.external_id, f.lawyer, f.case_no, f.rule_code, f.source_event, f.at "
               "FROM facts f WHERE f.center = $1 AND NOT EXISTS (SELECT 1 FROM lawyers k "
               "  WHERE k.center = f.center AND k.licence = f.lawyer) "
               "ORDER BY f.at, f.source_event LIMIT 1000",
               1, params);
    db_job_submit(job);
}

/* ---- deductions ----------------------------------------------------------- */

/* Annex 2 items the measures say must be verified before they count. */
static bool s_needs_verification(const char *code)
{
    return strcmp(code, "1.6") == 0 || strcmp(code, "2.2") == 0 || strcmp(code, "3") == 0;
}

typedef struct {
    score_t *s;
    char center[64], lawyer[64], code[16], note[512], reason[512];
    int64_t at, points, id;
    bool verify, counted;
    enum { D_NEW, D_VERIFY, D_REVERSE } op;
    score_entries_t entries;
    bool staged;
} s_deduct_t;

static void s_deduct_free(s_deduct_t *d)
{
    score_entries_free(&d->entries);
    free(d);
}

static db_next_t s_deduct_step(ctlcmd_t *cmd, db_job_t *job, int stage, void *arg)
{
    s_deduct_t *d = arg;
    char id[24], pts[24], at[24];
    if (d->op == D_NEW) {
        if (stage == 0) {
            /* Is the lawyer known, and what is the rule's amount? */
            const char *params[] = {d->center, d->lawyer, d->code};
            db_job_add(job, "SELECT 1 FROM lawyers WHERE center = $1 AND licence = $2", 2, params);
            db_job_add(
                job,
                "SELECT r.points_centi, r.description FROM rules r WHERE r.code = 'd' || $3 AND "
                "r.version = (SELECT version FROM rule_versions WHERE in_force "
                "ORDER BY version DESC LIMIT 1) AND $1::text IS NOT NULL AND "
                "$2::text IS NOT NULL",
                3, params);
            return DB_NEXT;
        }
        if (stage == 1) {
            if (PQntuples(db_job_result(job, 0)) == 0) {
                ctlcmd_set_reply_error(cmd, "unknown_lawyer", "没有这个执业证号的律师，未记录扣分");
                return DB_ROLLBACK;
            }
            const PGresult *rule = db_job_result(job, 1);
            if (PQntuples(rule) == 0) {
                ctlcmd_set_reply_error(cmd, "unknown_code", "附件2中没有这个扣分项目，未记录扣分");
                return DB_ROLLBACK;
            }
            if (d->points == 0)
                d->points = db_int64(rule, 0, 0);
            if (d->points >= 0) {
                ctlcmd_set_reply_error(cmd, "points_required",
                                       "该项目由市中心酌情确定扣分，请用 --points 给出扣分值");
                return DB_ROLLBACK;
            }
            snprintf(pts, sizeof pts, "%lld", (long long)d->points);
            snprintf(at, sizeof at, "%lld", (long long)d->at);
            const char *status = d->verify ? "reported" : "counted";
            const char *params[] = {d->center, d->lawyer, d->code, pts, at, d->note, status};
            db_job_add(job,
                       "INSERT INTO deductions (center, lawyer, rule_code, points_centi, at, "
                       "note, status) VALUES ($1, $2, 'd' || $3, $4, $5, $6, $7) RETURNING id",
                       7, params);
            return DB_NEXT;
        }
        if (stage == 2) {
            d->id = db_int64(db_job_result(job, 0), 0, 0);
            d->counted = !d->verify;
        }
    } else {
        if (stage == 0) {
            snprintf(id, sizeof id, "%lld", (long long)d->id);
            const char *params[] = {id, d->center};
            db_job_add(job,
                       "SELECT lawyer, rule_code, points_centi, at, status, note FROM deductions "
                       "WHERE id = $1 AND center = $2 FOR UPDATE",
                       2, params);
            return DB_NEXT;
        }
        if (stage == 1) {
            const PGresult *res = db_job_result(job, 0);
            if (PQntuples(res) == 0) {
                ctlcmd_set_reply_error(cmd, "not_found", "没有这条扣分记录");
                return DB_ROLLBACK;
            }
            const char *status = db_value(res, 0, 4);
            snprintf(d->lawyer, sizeof d->lawyer, "%s", db_value(res, 0, 0));
            snprintf(d->code, sizeof d->code, "%s", db_value(res, 0, 1) + 1); /* drop 'd' */
            d->points = db_int64(res, 0, 2);
            d->at = db_int64(res, 0, 3);
            if (d->op == D_VERIFY && strcmp(status, "reported") != 0) {
                ctlcmd_set_reply_error(cmd, "not_reported",
                                       strcmp(status, "counted") == 0 ? "该扣分已核实计分"
                                                                      : "该扣分已撤销");
                return DB_ROLLBACK;
            }
            if (d->op == D_REVERSE && strcmp(status, "reversed") == 0) {
                ctlcmd_set_reply_error(cmd, "already_reversed", "该扣分已撤销");
                return DB_ROLLBACK;
            }
            /* Reversing a counted deduction gives the points back. */
            d->counted = d->op == D_VERIFY || strcmp(status, "counted") == 0;
            snprintf(id, sizeof id, "%lld", (long long)d->id);
            const char *params[] = {id, d->op == D_VERIFY ? "counted" : "reversed", d->reason};
            db_job_add(job,
                       "UPDATE deductions SET status = $2, reason = $3, decided_at = now() "
                       "WHERE id = $1",
                       3, params);
            return DB_NEXT;
        }
    }
    if (stage == 2) {
        char source[48], sev[48], rule[20];
        snprintf(source, sizeof source, "deduction:%lld", (long long)d->id);
        snprintf(rule, sizeof rule, "d%s", d->code);
        snprintf(sev, sizeof sev, "ctl:%s:%lld",
                 d->op == D_NEW      ? "deduct"
                 : d->op == D_VERIFY ? "verify"
                                     : "reverse",
                 (long long)d->id);
        if (d->counted) {
            bool reverse = d->op == D_REVERSE;
            score_entries_add(&d->entries, d->center, d->lawyer, d->at, rule,
                              reverse ? -d->points : d->points, source, sev,
                              reverse ? d->reason : d->note);
            d->staged = score_entries_stage(&d->entries, job);
        }
        char body[160];
        const char *status = d->op == D_REVERSE ? "reversed" : d->counted ? "counted" : "reported";
        snprintf(body, sizeof body, "{\"id\":%lld,\"status\":\"%s\"}", (long long)d->id, status);
        ctlcmd_set_reply_ok(cmd, body);
        ctlcmd_stage_reply(cmd, job);
        return DB_NEXT;
    }
    return DB_COMMIT;
}

static void s_deduct_done(ctlcmd_t *cmd, db_job_t *job, bool committed, void *arg)
{
    s_deduct_t *d = arg;
    if (committed && d->staged) {
        /* The entries statement is the first of the last batch. */
        score_board_update_points(d->s, db_job_result(job, 0));
        score_mark_dirty(d->s, d->center);
    }
    s_deduct_free(d);
}

static s_deduct_t *s_deduct_new(score_t *s, const Fayuan__CtlRequest *cmd)
{
    s_deduct_t *d = calloc(1, sizeof *d);
    d->s = s;
    score_entries_init(&d->entries, s->d->cfg.utc_offset);
    snprintf(d->center, sizeof d->center, "%s", s_center(s, cmd));
    return d;
}

void score_cmd_deduct(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    const char *lawyer = ctlcmd_arg(cmd, "lawyer"), *code = ctlcmd_arg(cmd, "code");
    const char *at = ctlcmd_arg(cmd, "at"), *note = ctlcmd_arg(cmd, "note");
    const char *points = ctlcmd_arg(cmd, "points");
    if (!lawyer || !code || !at || !note || !*note) {
        bus_ctl_reply_error(req, "missing_argument", "需要 --lawyer、--code、--at 和 --note");
        return;
    }
    int64_t when;
    int y, m, day;
    if (time_parse_rfc3339(at, &when) != 0) {
        if (time_parse_date(at, &y, &m, &day) != 0) {
            bus_ctl_reply_error(req, "invalid_at",
                                "时间格式应为 2026-11-20 或 2026-11-20T09:00:00+08:00");
            return;
        }
        when = time_days_from_civil(y, m, day) * TIME_US_PER_DAY -
               (int64_t)s->d->cfg.utc_offset * 60 * TIME_US_PER_SEC + 9 * 3600 * TIME_US_PER_SEC;
    }
    if (when > time_now_us() + TIME_US_PER_DAY) {
        bus_ctl_reply_error(req, "invalid_at", "违规时间不能晚于当前时间");
        return;
    }
    int64_t pts = 0;
    bool is_other = strcmp(code, "3") == 0;
    if (points) {
        char *end;
        double v = strtod(points, &end);
        if (!is_other || *end || v <= 0 || v > 100) {
            bus_ctl_reply_error(req, "invalid_points",
                                is_other ? "--points 应为 0 到 100 之间的扣分值"
                                         : "只有附件2第3项（其他严重违规）可以指定扣分值");
            return;
        }
        pts = -(int64_t)(v * 100 + 0.5);
    } else if (is_other) {
        bus_ctl_reply_error(req, "points_required",
                            "附件2第3项由市中心酌情确定扣分，请用 --points 给出扣分值");
        return;
    }
    if (strlen(code) > 8 || strlen(note) > 500) {
        bus_ctl_reply_error(req, "invalid_argument", "项目代码或说明过长");
        return;
    }
    s_deduct_t *d = s_deduct_new(s, cmd);
    d->op = D_NEW;
    snprintf(d->lawyer, sizeof d->lawyer, "%s", lawyer);
    snprintf(d->code, sizeof d->code, "%s", code);
    snprintf(d->note, sizeof d->note, "%s", note);
    d->at = when;
    d->points = pts;
    d->verify = s_needs_verification(code);
    ctlcmd_run(s->d->db, req, s_deduct_step, s_deduct_done, d);
}

void score_cmd_deduction_decide(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    const char *id = ctlcmd_arg(cmd, "id"), *decision = ctlcmd_arg(cmd, "decision");
    const char *reason = ctlcmd_arg(cmd, "reason");
    char *end = NULL;
    long long n = id ? strtoll(id, &end, 10) : 0;
    if (!id || *end || n <= 0 || !decision ||
        (strcmp(decision, "verify") != 0 && strcmp(decision, "reverse") != 0)) {
        bus_ctl_reply_error(req, "invalid_argument", "需要扣分记录编号，以及 verify 或 reverse");
        return;
    }
    bool reverse = strcmp(decision, "reverse") == 0;
    if (reverse && (!reason || !*reason || strlen(reason) > 500)) {
        bus_ctl_reply_error(req, "reason_required", "撤销扣分须用 --reason 说明理由");
        return;
    }
    s_deduct_t *d = s_deduct_new(s, cmd);
    d->op = reverse ? D_REVERSE : D_VERIFY;
    d->id = n;
    snprintf(d->reason, sizeof d->reason, "%s", reverse ? reason : "");
    ctlcmd_run(s->d->db, req, s_deduct_step, s_deduct_done, d);
}
