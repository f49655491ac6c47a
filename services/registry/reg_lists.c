/* reg_lists — what staff read out of the registry: the members with their
 * standing in each pool, one member in full (with the audit log), the CSV
 * export for the provincial platform and for spreadsheets, and the yearly
 * publication of the case-pool list (clause 8: name, gender, age, years of
 * practice, specialties — nothing else). */
#include "registry.h"

#include "events.pb-c.h"
#include "fayuan/ctlcmd.h"
#include "fayuan/log.h"
#include "fayuan/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading a JSON answer straight from SQL -------------------------------- */

static void s_json_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    bus_ctl_req_t *req = arg;
    const PGresult *res = db_job_result(job, 0);
    if (!committed || !res || PQntuples(res) == 0) {
        bus_ctl_reply_error(req, "db_error", "查询失败，请稍后重试");
        return;
    }
    const char *body = db_value(res, 0, 0);
    if (!body) {
        bus_ctl_reply_error(req, "unknown_lawyer", "未找到该人员");
        return;
    }
    bus_ctl_reply_ok(req, body, strlen(body));
}

static void s_json_query(registry_t *reg, bus_ctl_req_t *req, const char *sql, int n,
                         const char *const *p)
{
    db_job_t *job = db_job_new(reg->d->db, NULL, s_json_done, req);
    db_job_add(job, sql, n, p);
    db_job_submit(job);
}

#define MEMBERSHIP_JSON                                                                            \
    "json_build_object('pool', m.pool, 'state', m.state, 'active_on', m.active_on, "               \
    "  'confirmed_round', m.confirmed_round, 'trained_on', m.trained_on, "                         \
    "  'exam_passed_on', m.exam_passed_on, 'suspended_until', m.suspended_until, "                 \
    "  'suspension_rule', m.suspension_rule, 'suspension_reason', m.suspension_reason, "           \
    "  'rectification', m.rectification, 'cases_suspended', m.cases_suspended, "                   \
    "  'probation', m.probation, 'probation_until', m.probation_until, 'mentor', m.mentor, "       \
    "  'exit_kind', m.exit_kind, 'exit_pending', m.exit_pending)"

/* $1 center, $2 pool or '', $3 state or '', $4 round: only members not
 * confirmed by it, or '' */
static const char s_members_sql[] =
    "SELECT json_build_object('members', coalesce(json_agg(x ORDER BY x.licence), '[]')) FROM ("
    "  SELECT l.licence, l.name, l.firm, l.status, "
    "    (SELECT json_agg(" MEMBERSHIP_JSON " ORDER BY m.pool DESC) FROM memberships m "
    "     WHERE m.center = l.center AND m.licence = l.licence) AS pools "
    "  FROM lawyers l WHERE l.center = $1 "
    "    AND ($2 = '' AND $3 = '' AND $4 = '' OR EXISTS (SELECT 1 FROM memberships m "
    "      WHERE m.center = l.center AND m.licence = l.licence "
    "        AND ($2 = '' OR m.pool = $2) "
    "        AND ($3 = '' OR m.state = $3 OR ($3 = 'probation_due' AND m.probation = 'due') "
    "             OR ($3 = 'exit_pending' AND m.exit_pending) "
    "             OR ($3 = 'mentor_needed' AND m.pool = 'case' AND m.state = 'active' "
    "                 AND m.application IS NOT NULL AND l.first_case_here IS NULL AND NOT EXISTS "
    "(SELECT 1 FROM memberships t "
    "                   WHERE t.center = m.center AND t.licence = m.mentor AND t.pool = 'case' "
    "                     AND t.state = 'active' AND NOT t.exit_pending))) "
    "        AND ($4 = '' OR (m.state IN ('active', 'suspended') AND m.confirmed_round <> $4)))) "
    "    AND ($3 <> 'outside' OR l.status = 'outside') "
    ") x";

static const char s_member_sql[] =
    "SELECT json_build_object('licence', l.licence, 'name', l.name, 'gender', l.gender, "
    "  'birth_date', l.birth_date, 'firm', l.firm, 'licensed_since', l.licensed_since, "
    "  'qualified_since', l.qualified_since, 'first_case_here', l.first_case_here, "
    "  'specialties', l.specialties, 'social', l.social, 'status', l.status, "
    "  'banned_until', l.banned_until, 'removed_on', l.removed_on, "
    "  'pools', (SELECT json_agg(" MEMBERSHIP_JSON " ORDER BY m.pool DESC) FROM memberships m "
    "            WHERE m.center = l.center AND m.licence = l.licence), "
    "  'open_cases', (SELECT count(*) FROM open_cases o WHERE o.center = l.center "
    "                 AND o.lawyer = l.licence), "
    "  'applications', (SELECT json_agg(json_build_object('id', a.id, 'pools', a.pools, "
    "       'round', a.round, 'state', a.state, 'endorsed_on', a.endorsed_on, "
    "       'bureau_opinion', a.bureau_opinion, 'bar_opinion', a.bar_opinion, "
    "       'decided_by', a.decided_by, 'decision_reason', a.decision_reason, "
    "       'created_at', a.created_at) ORDER BY a.id) FROM applications a "
    "     WHERE a.center = l.center AND a.licence = l.licence), "
    "  'penalties', (SELECT json_agg(json_build_object('id', p.id, 'kind', p.kind, "
    "       'on', p.on_date, 'note', p.note, 'recorded_by', p.recorded_by) ORDER BY p.on_date) "
    "     FROM penalties p WHERE p.center = l.center AND p.licence = l.licence), "
    "  'audit', (SELECT json_agg(json_build_object('at', a.at, 'pool', a.pool, "
    "       'action', a.action, 'rule', a.rule, 'reason', a.reason, 'actor', a.actor, "
    "       'until', a.until, 'other', a.other) ORDER BY a.id) FROM audit a "
    "     WHERE a.center = l.center AND a.lawyer = l.licence)) "
    "FROM lawyers l WHERE l.center = $1 AND l.licence = $2";

static const char *s_center(registry_t *reg, const Fayuan__CtlRequest *cmd)
{
    const char *c = ctlcmd_arg(cmd, "center");
    return c && *c ? c : reg->d->cfg.center;
}

static const char *s_or_empty(const Fayuan__CtlRequest *cmd, const char *key)
{
    const char *v = ctlcmd_arg(cmd, key);
    return v ? v : "";
}

/* ---- export (CSV) ------------------------------------------------------------ */

static const char s_export_sql[] =
    "SELECT l.licence, l.name, l.gender, l.birth_date::text, l.firm, "
    "  coalesce(l.licensed_since::text, ''), array_to_string(l.specialties, ';'), l.phone, "
    "  l.email, m.pool, m.state, coalesce(m.active_on::text, ''), m.confirmed_round, "
    "  m.probation, m.mentor, m.cases_suspended, m.exit_pending "
    "FROM memberships m JOIN lawyers l ON l.center = m.center AND l.licence = m.licence "
    "WHERE m.center = $1 AND ($2 = '' OR m.pool = $2) "
    "  AND ($3 = '1' OR m.state IN ('active', 'suspended')) "
    "ORDER BY m.pool DESC, l.licence";

typedef struct {
    bus_ctl_req_t *req;
    registry_t *reg;
    bool staff;
} s_export_t;

static void s_csv_field(char **buf, size_t *len, size_t *cap, const char *v, bool last)
{
    size_t need = strlen(v) * 2 + 4;
    if (*len + need >= *cap) {
        *cap = (*cap + need) * 2;
        *buf = realloc(*buf, *cap);
    }
    bool quote = strpbrk(v, ",\"\r\n") != NULL;
    char *o = *buf + *len;
    if (quote)
        *o++ = '"';
    for (const char *c = v; *c; c++) {
        if (*c == '"')
            *o++ = '"';
        *o++ = *c;
    }
    if (quote)
        *o++ = '"';
    *o++ = last ? '\n' : ',';
    *len = (size_t)(o - *buf);
}

static const char *s_state_zh(const char *state)
{
    int s = pool_state_parse(state);
    return s < 0 ? state : pool_state_zh((pool_state_t)s);
}

static void s_export_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    s_export_t *ex = arg;
    const PGresult *res = db_job_result(job, 0);
    if (!committed || !res) {
        bus_ctl_reply_error(ex->req, "db_error", "导出失败，请稍后重试");
        free(ex);
        return;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    static const char *const provincial[] = {"执业证号", "姓名",           "性别",   "出生日期",
                                             "执业机构", "执业证取得日期", "资源库", "状态",
                                             "业务专长", "联系电话"};
    static const char *const staff[] = {"执业证号", "姓名",   "性别",     "年龄",     "执业机构",
                                        "执业年限", "资源库", "状态",     "入库日期", "确认轮次",
                                        "试用期",   "导师",   "停止办案", "待退出",   "业务专长",
                                        "手机",     "邮箱"};
    const char *const *head = ex->staff ? staff : provincial;
    size_t nhead = ex->staff ? 17 : 10;
    if (ex->staff) { /* a BOM, so that spreadsheet programs read UTF-8 */
        memcpy(buf, "\xEF\xBB\xBF", 3);
        len = 3;
    }
    for (size_t i = 0; i < nhead; i++)
        s_csv_field(&buf, &len, &cap, head[i], i + 1 == nhead);
    int y, m, d;
    time_local(time_now_us(), ex->reg->d->cfg.utc_offset, &y, &m, &d, NULL);
    for (int r = 0; r < PQntuples(res); r++) {
        const char *pool = strcmp(db_value(res, r, 9), "duty") == 0 ? "值班人员库" : "办案人员库";
        const char *state = s_state_zh(db_value(res, r, 10));
        if (!ex->staff) {
            const char *v[] = {db_value(res, r, 0),
                               db_value(res, r, 1),
                               db_value(res, r, 2),
                               db_value(res, r, 3),
                               db_value(res, r, 4),
                               db_value(res, r, 5),
                               pool,
                               state,
                               db_value(res, r, 6),
                               db_value(res, r, 7)};
            for (size_t i = 0; i < 10; i++)
                s_csv_field(&buf, &len, &cap, v[i], i == 9);
            continue;
        }
        int by, bm, bd, ly, lm, ld;
        char age[8] = "", years[8] = "";
        if (time_parse_date(db_value(res, r, 3), &by, &bm, &bd) == 0)
            snprintf(age, sizeof age, "%d", time_years_between(by, bm, bd, y, m, d));
        if (time_parse_date(db_value(res, r, 5), &ly, &lm, &ld) == 0)
            snprintf(years, sizeof years, "%d", time_years_between(ly, lm, ld, y, m, d));
        const char *prob = db_value(res, r, 13);
        const char *v[] = {db_value(res, r, 0),
                           db_value(res, r, 1),
                           db_value(res, r, 2),
                           age,
                           db_value(res, r, 4),
                           years,
                           pool,
                           state,
                           db_value(res, r, 11),
                           db_value(res, r, 12),
                           strcmp(prob, "serving") == 0  ? "试用中"
                           : strcmp(prob, "due") == 0    ? "待考核"
                           : strcmp(prob, "failed") == 0 ? "不合格"
                                                         : "",
                           db_value(res, r, 14),
                           strcmp(db_value(res, r, 15), "t") == 0 ? "是" : "",
                           strcmp(db_value(res, r, 16), "t") == 0 ? "是" : "",
                           db_value(res, r, 6),
                           db_value(res, r, 7),
                           db_value(res, r, 8)};
        for (size_t i = 0; i < 17; i++)
            s_csv_field(&buf, &len, &cap, v[i], i == 16);
    }
    bus_ctl_reply_ok(ex->req, buf, len);
    free(buf);
    free(ex);
}

/* ---- the yearly case-pool list (clause 8) ------------------------------------ */

/* Who is on the list: members serving in the case pool right now. */
static const char s_public_sql[] =
    "SELECT l.name, l.gender, l.birth_date::text, coalesce(l.licensed_since::text, ''), "
    "  array_to_string(l.specialties, ';') "
    "FROM memberships m JOIN lawyers l ON l.center = m.center AND l.licence = m.licence "
    "WHERE m.center = $1 AND m.pool = 'case' AND m.state = 'active' AND NOT m.cases_suspended "
    "  AND NOT m.exit_pending ORDER BY l.name, l.licence";

typedef struct {
    int year;
    Fayuan__PublicEntry *entries;
    char **spec_bufs;
    size_t n;
} s_publish_t;

static void s_publish_free(void *p)
{
    s_publish_t *pb = p;
    for (size_t i = 0; i < pb->n; i++) {
        free(pb->entries[i].specialties);
        free(pb->spec_bufs[i]);
        free(pb->entries[i].name);
        free(pb->entries[i].gender);
    }
    free(pb->entries);
    free(pb->spec_bufs);
    free(pb);
}

static reg_step_t s_publish(reg_cmd_t *rc, db_job_t *job, int stage)
{
    s_publish_t *pb = rc->data;
    int y, m, d;
    time_civil_from_days(rc->today, &y, &m, &d);
    if (pb->year < 2000 || pb->year > y + 1)
        return reg_fail(rc, "invalid_argument", "--year 应为 2000 至 %d 之间的年份", y + 1);
    if (stage == 0) {
        const char *p[] = {rc->center};
        db_job_add(job, s_public_sql, 1, p);
        return REG_MORE;
    }
    const PGresult *res = db_job_result(job, 0);
    size_t n = (size_t)PQntuples(res);
    pb->entries = calloc(n ? n : 1, sizeof *pb->entries);
    pb->spec_bufs = calloc(n ? n : 1, sizeof *pb->spec_bufs);
    json_t *entries = json_array();
    for (size_t i = 0; i < n; i++) {
        Fayuan__PublicEntry *e = &pb->entries[i];
        fayuan__public_entry__init(e);
        e->name = strdup(db_value(res, (int)i, 0));
        e->gender = strdup(db_value(res, (int)i, 1));
        int by, bm, bd, ly, lm, ld;
        if (time_parse_date(db_value(res, (int)i, 2), &by, &bm, &bd) == 0)
            e->age = time_years_between(by, bm, bd, y, m, d);
        if (time_parse_date(db_value(res, (int)i, 3), &ly, &lm, &ld) == 0)
            e->practice_years = time_years_between(ly, lm, ld, y, m, d);
        pb->spec_bufs[i] = strdup(db_value(res, (int)i, 4));
        json_t *spec = json_array();
        size_t ns = 0;
        for (char *c = pb->spec_bufs[i]; *c; c++)
            ns += *c == ';';
        e->specialties = calloc(ns + 2, sizeof *e->specialties);
        for (char *save, *t = strtok_r(pb->spec_bufs[i], ";", &save); t;
             t = strtok_r(NULL, ";", &save)) {
            e->specialties[e->n_specialties++] = t;
            json_array_append_new(spec, json_string(t));
        }
        json_array_append_new(entries,
                              json_pack("{s:s, s:s, s:i, s:i, s:o}", "name", e->name, "gender",
                                        e->gender, "age", e->age, "practice_years",
                                        e->practice_years, "specialties", spec));
        pb->n++;
    }
    char year[8];
    snprintf(year, sizeof year, "%d", pb->year);
    char *text = json_dumps(entries, JSON_COMPACT);
    const char *p[] = {rc->center, year, rc->actor, text};
    db_job_add(job,
               "INSERT INTO publications (center, year, published_by, entries) "
               "VALUES ($1, $2::int, $3, $4::jsonb)",
               4, p);
    free(text);
    json_decref(entries);

    Fayuan__CasePoolPublished ev = FAYUAN__CASE_POOL_PUBLISHED__INIT;
    ev.year = pb->year;
    ev.published_at = rc->now;
    Fayuan__PublicEntry **ep = calloc(pb->n ? pb->n : 1, sizeof *ep);
    for (size_t i = 0; i < pb->n; i++)
        ep[i] = &pb->entries[i];
    ev.n_entries = pb->n;
    ev.entries = ep;
    /* staged with the other events of the command (reg_cmd: announce) */
    rc->events = outbox_batch_new(rc->reg->d->outbox);
    outbox_batch_add(rc->events, "CasePoolPublished", rc->center, rc->now, &ev.base);
    free(ep);
    rc->out = json_pack("{s:i, s:i}", "year", pb->year, "members", (int)pb->n);
    return REG_DONE;
}

bool registry_list_command(registry_t *reg, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    const char *c = cmd->command;
    if (strcmp(c, "members") == 0) {
        const char *p[] = {s_center(reg, cmd), s_or_empty(cmd, "pool"), s_or_empty(cmd, "state"),
                           s_or_empty(cmd, "unconfirmed")};
        s_json_query(reg, req, s_members_sql, 4, p);
    } else if (strcmp(c, "member") == 0) {
        const char *p[] = {s_center(reg, cmd), s_or_empty(cmd, "lawyer")};
        s_json_query(reg, req, s_member_sql, 2, p);
    } else if (strcmp(c, "export") == 0) {
        const char *format = s_or_empty(cmd, "format");
        const char *pool = s_or_empty(cmd, "pool");
        if (*format && strcmp(format, "provincial") != 0 && strcmp(format, "staff") != 0) {
            bus_ctl_reply_error(req, "invalid_argument",
                                "--format 应为 provincial（省平台）或 staff（工作表）");
            return true;
        }
        if (*pool && strcmp(pool, "duty") != 0 && strcmp(pool, "case") != 0) {
            bus_ctl_reply_error(req, "invalid_argument", "--pool 应为 duty 或 case");
            return true;
        }
        s_export_t *ex = calloc(1, sizeof *ex);
        ex->req = req;
        ex->reg = reg;
        ex->staff = strcmp(format, "staff") == 0;
        const char *p[] = {s_center(reg, cmd), pool, s_or_empty(cmd, "all")};
        db_job_t *job = db_job_new(reg->d->db, NULL, s_export_done, ex);
        db_job_add(job, s_export_sql, 3, p);
        db_job_submit(job);
    } else if (strcmp(c, "list_publish") == 0) {
        s_publish_t *pb = calloc(1, sizeof *pb);
        const char *year = ctlcmd_arg(cmd, "year");
        pb->year = year ? atoi(year) : 0;
        reg_cmd_run(reg, req, s_publish, pb, s_publish_free);
    } else {
        return false;
    }
    return true;
}
