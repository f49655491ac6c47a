/* reg_apply — applications to the pools (clauses 6, 7), the records
 * eligibility rests on (penalties, clause 6), people outside the pool
 * (clause 9) and the firms' contacts (clause 29).
 *
 * An application is recorded whatever its eligibility: staff see at once
 * what fails and from when it will not (pool_check_eligibility), and
 * approval is refused while anything fails, until the firm's endorsement
 * and the opinions of the justice bureau and the bar association are on
 * record. */
#include "reg_csv.h"
#include "registry.h"

#include "fayuan/ctlcmd.h"
#include "fayuan/log.h"
#include "fayuan/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What eligibility rests on, for a list of licences ($2, JSON array):
 * exists, licensed_since, social, latest penalty, latest effective
 * unqualified rating (unix us), latest removal, duty state, case state. */
static const char s_facts_sql[] =
    "SELECT x.licence, l.licence IS NOT NULL, l.licensed_since::text, coalesce(l.social, true), "
    "  (SELECT max(p.on_date)::text FROM penalties p WHERE p.center = $1 AND p.licence = "
    "x.licence), "
    "  (SELECT max(e.evaluated_at) FROM (SELECT DISTINCT ON (case_no) grade, evaluated_at "
    "     FROM evaluations WHERE center = $1 AND lawyer = x.licence "
    "     ORDER BY case_no, level DESC, evaluated_at DESC, external_id DESC) e "
    "   WHERE e.grade = 'unqualified'), "
    "  l.removed_on::text, "
    "  (SELECT state FROM memberships m WHERE m.center = $1 AND m.licence = x.licence "
    "     AND m.pool = 'duty'), "
    "  (SELECT state FROM memberships m WHERE m.center = $1 AND m.licence = x.licence "
    "     AND m.pool = 'case') "
    "FROM json_array_elements_text($2::json) WITH ORDINALITY AS x(licence, ord) "
    "LEFT JOIN lawyers l ON l.center = $1 AND l.licence = x.licence ORDER BY x.ord";

typedef struct {
    bool exists;
    int64_t licensed_since, last_penalty, last_unqualified, removed_on;
    bool social;
    pool_state_t state[2]; /* duty, case */
} s_facts_t;

static void s_facts(const registry_t *reg, const PGresult *res, int i, s_facts_t *f)
{
    f->exists = strcmp(db_value(res, i, 1), "t") == 0;
    f->licensed_since = reg_parse_day(db_value(res, i, 2));
    f->social = strcmp(db_value(res, i, 3), "t") == 0;
    f->last_penalty = reg_parse_day(db_value(res, i, 4));
    f->last_unqualified = db_value(res, i, 5) ? reg_day_of(reg, db_int64(res, i, 5)) : POOL_NONE;
    f->removed_on = reg_parse_day(db_value(res, i, 6));
    for (int k = 0; k < 2; k++) {
        const char *s = db_value(res, i, 7 + k);
        f->state[k] = s ? (pool_state_t)pool_state_parse(s) : POOL_S_NONE;
    }
}

static json_t *s_day_json(int64_t day)
{
    char buf[16];
    if (day == POOL_NEVER)
        return json_string("never");
    return json_string(reg_day_text(day, buf, sizeof buf));
}

/* {eligible, eligible_from, fails: [{code, message, eligible_from}]} */
static json_t *s_eligibility(const registry_t *reg, const s_facts_t *f, bool case_pool,
                             int64_t today, int64_t licensed_since, bool *ok)
{
    pool_policy_t policy = reg_policy(reg);
    pool_applicant_t a = {.case_pool = case_pool,
                          .social_lawyer = f->social,
                          .today = today,
                          .licensed_since = licensed_since,
                          .last_penalty = f->last_penalty,
                          .last_unqualified = f->last_unqualified,
                          .removed_on = f->removed_on};
    pool_eligibility_t e;
    pool_check_eligibility(&policy, &a, &e);
    json_t *fails = json_array();
    for (size_t i = 0; i < e.nfails; i++)
        json_array_append_new(fails,
                              json_pack("{s:s, s:s, s:o}", "code", pool_fail_code(e.fails[i].code),
                                        "message", e.fails[i].message, "eligible_from",
                                        s_day_json(e.fails[i].eligible_from)));
    *ok = e.nfails == 0;
    return json_pack("{s:b, s:o, s:o}", "eligible", e.nfails == 0, "eligible_from",
                     s_day_json(e.eligible_from), "fails", fails);
}

static int s_pool_index(const char *pool)
{
    return strcmp(pool, "duty") == 0 ? 0 : strcmp(pool, "case") == 0 ? 1 : -1;
}

/* ---- apply ----------------------------------------------------------------- */

typedef struct {
    char *licence;
    bool pools[2];
    const reg_lawyer_row_t *person; /* NULL: an existing person */
    int app_at;                     /* result index of the application insert */
    json_t *eligibility;
} s_app_row_t;

typedef struct {
    reg_csv_result_t csv;
    s_app_row_t *rows;
    size_t n;
} s_apply_t;

static void s_apply_free(void *p)
{
    s_apply_t *ap = p;
    for (size_t i = 0; i < ap->n; i++) {
        free(ap->rows[i].licence);
        json_decref(ap->rows[i].eligibility);
    }
    free(ap->rows);
    reg_csv_result_free(&ap->csv);
    free(ap);
}

static const char s_person_sql[] =
    "INSERT INTO lawyers AS l (center, licence, name, gender, birth_date, firm, licensed_since, "
    "  qualified_since, pools, specialties, phone, email, social, status, updated_xid) "
    "VALUES ($1, $2, $3, $4, $5::date, $6, nullif($7, '')::date, nullif($8, '')::date, '{}', "
    "  coalesce(string_to_array(nullif($9, ''), ';'), '{}'), $10, $11, $12::boolean, "
    "  'applicant', pg_current_xact_id()) "
    "ON CONFLICT (center, licence) DO UPDATE SET name = excluded.name, gender = excluded.gender, "
    "  birth_date = excluded.birth_date, firm = excluded.firm, "
    "  licensed_since = excluded.licensed_since, "
    "  qualified_since = coalesce(excluded.qualified_since, l.qualified_since), "
    "  specialties = excluded.specialties, phone = excluded.phone, email = excluded.email, "
    "  social = excluded.social, updated_at = now(), updated_xid = pg_current_xact_id()";

/* Adds the upsert of a person from a validated CSV row. */
static void s_person(reg_cmd_t *rc, db_job_t *job, const reg_lawyer_row_t *r, const char *qualified,
                     bool social)
{
    char spec[1024] = "";
    for (size_t k = 0; k < r->nspecialties; k++) {
        if (k)
            strncat(spec, ";", sizeof spec - strlen(spec) - 1);
        strncat(spec, r->specialties[k], sizeof spec - strlen(spec) - 1);
    }
    const char *p[] = {rc->center,    r->licence, r->name,           r->gender,
                       r->birth_date, r->firm,    r->licensed_since, qualified ? qualified : "",
                       spec,          r->phone,   r->email,          social ? "true" : "false"};
    db_job_add(job, s_person_sql, 12, p);
}

/* The application, its memberships (applicant; reset when re-applying after
 * an exit or a rejection, the only states pool_transition lets apply from)
 * and the audit rows. */
static const char s_application_sql[] =
    "WITH a AS (INSERT INTO applications (center, licence, pools, round, endorsed_on) "
    "  VALUES ($1, $2, string_to_array($3, ';'), $4, nullif($5, '')::date) "
    "  RETURNING id, center, licence, pools), "
    "m AS (INSERT INTO memberships AS x (center, licence, pool, state, application) "
    "  SELECT a.center, a.licence, p.pool, 'applicant', a.id FROM a, unnest(a.pools) AS p(pool) "
    "  ON CONFLICT (center, licence, pool) DO UPDATE SET state = 'applicant', "
    "    application = excluded.application, active_on = NULL, confirmed_round = '', "
    "    trained_on = NULL, exam_passed_on = NULL, exam_failures = 0, suspended_until = 0, "
    "    suspension_rule = '', suspension_reason = '', rectification = '', "
    "    cases_suspended = false, probation = '', probation_until = 0, mentor = '', "
    "    exit_kind = '', exit_pending = false, exit_reason = '', updated_at = now() "
    "  WHERE x.state IN ('exited', 'rejected') RETURNING pool), "
    "au AS (INSERT INTO audit (center, lawyer, pool, action, reason, rule, actor) "
    "  SELECT $1, $2, pool, 'applied', '提交入库申请', '7', $6 FROM m) "
    "SELECT id FROM a";

static int s_parse_pools(const char *s, bool pools[2])
{
    pools[0] = pools[1] = false;
    if (!s)
        return -1;
    char *copy = strdup(s);
    int rc = 0;
    for (char *save, *t = strtok_r(copy, ";,", &save); t; t = strtok_r(NULL, ";,", &save)) {
        int k = s_pool_index(t);
        if (k < 0)
            rc = -1;
        else
            pools[k] = true;
    }
    free(copy);
    return rc == 0 && (pools[0] || pools[1]) ? 0 : -1;
}

static reg_step_t s_apply(reg_cmd_t *rc, db_job_t *job, int stage)
{
    s_apply_t *ap = rc->data;
    if (stage == 0) {
        json_t *arr = json_array();
        for (size_t i = 0; i < ap->n; i++)
            json_array_append_new(arr, json_string(ap->rows[i].licence));
        char *list = json_dumps(arr, JSON_COMPACT);
        const char *p[] = {rc->center, list};
        db_job_add(job, s_facts_sql, 2, p);
        free(list);
        json_decref(arr);
        return REG_MORE;
    }
    if (stage == 2) {
        json_t *apps = json_array();
        for (size_t i = 0; i < ap->n; i++) {
            const PGresult *res = db_job_result(job, ap->rows[i].app_at);
            json_array_append_new(
                apps, json_pack("{s:I, s:s, s:O}", "id", (json_int_t)db_int64(res, 0, 0), "lawyer",
                                ap->rows[i].licence, "eligibility", ap->rows[i].eligibility));
        }
        rc->out = json_pack("{s:o}", "applications", apps);
        return REG_DONE;
    }
    const PGresult *res = db_job_result(job, 0);
    const char *round = reg_arg(rc, "round");
    const char *endorsed = reg_arg(rc, "endorsed_on");
    if (reg_arg_day(rc, "endorsed_on", 0) == -2)
        return REG_FAIL;
    const char *qualified = reg_arg(rc, "qualified_since");
    if (reg_arg_day(rc, "qualified_since", 0) == -2)
        return REG_FAIL;
    const char *social = reg_arg(rc, "social");
    if (reg_arg_day(rc, "first_case_here", 0) == -2)
        return REG_FAIL;
    /* decide every row first: a refusal changes nothing */
    for (size_t i = 0; i < ap->n; i++) {
        s_app_row_t *r = &ap->rows[i];
        s_facts_t f;
        s_facts(rc->reg, res, (int)i, &f);
        if (!f.exists && !r->person)
            return reg_fail(rc, "unknown_lawyer",
                            "%s 尚未登记：首次申请须提供姓名、性别、出生日期、执业机构等信息",
                            r->licence);
        int64_t licensed = r->person ? reg_parse_day(r->person->licensed_since) : f.licensed_since;
        if (social)
            f.social = strcmp(social, "no") != 0;
        r->eligibility = json_object();
        for (int k = 0; k < 2; k++) {
            if (!r->pools[k])
                continue;
            pool_state_t to;
            const char *why;
            if (pool_transition(f.state[k], POOL_A_APPLY, &to, &why) != 0)
                return reg_fail(rc, "not_allowed", "%s（%s）：%s", r->licence,
                                k == 0 ? "值班人员库" : "办案人员库", why);
            bool ok;
            json_object_set_new(r->eligibility, k == 0 ? "duty" : "case",
                                s_eligibility(rc->reg, &f, k == 1, rc->today, licensed, &ok));
        }
    }
    for (size_t i = 0; i < ap->n; i++) {
        s_app_row_t *r = &ap->rows[i];
        const reg_lawyer_row_t *pr = r->person;
        if (pr) {
            s_person(rc, job, pr, qualified, !(social && strcmp(social, "no") == 0));
        } else if (qualified || social) {
            const char *p[] = {rc->center, r->licence, qualified ? qualified : "",
                               social && strcmp(social, "no") == 0 ? "false" : "true",
                               social ? "t" : "f"};
            db_job_add(job,
                       "UPDATE lawyers SET qualified_since = coalesce(nullif($3, '')::date, "
                       "  qualified_since), social = CASE WHEN $5 = 't' THEN $4::boolean "
                       "  ELSE social END, updated_at = now(), updated_xid = pg_current_xact_id() "
                       "WHERE center = $1 AND licence = $2",
                       5, p);
        }
        const char *first = reg_arg(rc, "first_case_here");
        if (first) { /* declared history of legal-aid cases in the area (clause 24) */
            const char *p[] = {rc->center, r->licence, first};
            db_job_add(job,
                       "UPDATE lawyers SET first_case_here = least(coalesce(first_case_here, "
                       "  $3::date), $3::date), updated_at = now() "
                       "WHERE center = $1 AND licence = $2",
                       3, p);
        }
        char pools[16];
        snprintf(pools, sizeof pools, "%s%s%s", r->pools[0] ? "duty" : "",
                 r->pools[0] && r->pools[1] ? ";" : "", r->pools[1] ? "case" : "");
        const char *p[] = {
            rc->center, r->licence, pools, round ? round : "", endorsed ? endorsed : "", rc->actor};
        r->app_at = db_job_pending_count(job);
        db_job_add(job, s_application_sql, 6, p);
    }
    return REG_MORE;
}

static void s_start_apply(registry_t *reg, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    s_apply_t *ap = calloc(1, sizeof *ap);
    int y, m, d;
    time_local(time_now_us(), reg->d->cfg.utc_offset, &y, &m, &d, NULL);
    const char *pools_arg = ctlcmd_arg(cmd, "pools");
    bool pools[2] = {false, false};
    if (pools_arg && *pools_arg && s_parse_pools(pools_arg, pools) != 0) {
        bus_ctl_reply_error(req, "invalid_argument", "--pools 应为 duty、case 或 duty;case");
        s_apply_free(ap);
        return;
    }
    char *synth = NULL;
    const char *text = (const char *)cmd->body.data;
    size_t len = cmd->body.len;
    const char *licence = ctlcmd_arg(cmd, "lawyer");
    const char *name = ctlcmd_arg(cmd, "name");
    if (len == 0 && name && *name) {
        /* one person given field by field: validated exactly as a CSV row */
        const char *keys[] = {"lawyer",         "name",  "gender",      "birth_date", "firm",
                              "licensed_since", "pools", "specialties", "phone",      "email"};
        size_t cap = 64 + strlen(REG_CSV_HEADER);
        for (size_t k = 0; k < 10; k++) {
            const char *v = ctlcmd_arg(cmd, keys[k]);
            cap += (v ? strlen(v) * 2 : 0) + 3;
        }
        synth = malloc(cap);
        size_t at = (size_t)snprintf(synth, cap, "%s\n", REG_CSV_HEADER);
        for (size_t k = 0; k < 10; k++) {
            const char *v = ctlcmd_arg(cmd, keys[k]);
            synth[at++] = '"';
            for (const char *c = v ? v : ""; *c; c++) {
                if (*c == '"')
                    synth[at++] = '"';
                synth[at++] = *c;
            }
            synth[at++] = '"';
            synth[at++] = k < 9 ? ',' : '\n';
        }
        synth[at] = '\0';
        text = synth;
        len = at;
    }
    if (len > 0) {
        if (reg_csv_parse_lawyers(text, len, y, m, d, &ap->csv) != 0) {
            char msg[160];
            snprintf(msg, sizeof msg, "申请信息有 %zu 处错误，未记录任何申请", ap->csv.nerrors);
            json_t *errs = json_array();
            for (size_t i = 0; i < ap->csv.nerrors; i++)
                json_array_append_new(
                    errs, json_pack("{s:i, s:s, s:s}", "line", ap->csv.errors[i].line, "field",
                                    ap->csv.errors[i].field, "message", ap->csv.errors[i].message));
            json_t *body = json_pack("{s:o}", "errors", errs);
            char *b = json_dumps(body, JSON_COMPACT);
            ctlcmd_reply_error_body(req, "invalid_application", msg, b);
            free(b);
            json_decref(body);
            free(synth);
            s_apply_free(ap);
            return;
        }
        ap->rows = calloc(ap->csv.nrows ? ap->csv.nrows : 1, sizeof *ap->rows);
        for (size_t i = 0; i < ap->csv.nrows; i++) {
            const reg_lawyer_row_t *r = &ap->csv.rows[i];
            s_app_row_t *row = &ap->rows[ap->n++];
            row->licence = strdup(r->licence);
            row->person = r;
            for (size_t k = 0; k < r->npools; k++)
                row->pools[s_pool_index(r->pools[k])] = true;
        }
    } else if (licence && *licence) {
        if (!pools[0] && !pools[1]) {
            bus_ctl_reply_error(req, "missing_argument", "缺少申请的资源库（--pools duty;case）");
            s_apply_free(ap);
            return;
        }
        ap->rows = calloc(1, sizeof *ap->rows);
        ap->rows[0].licence = strdup(licence);
        ap->rows[0].pools[0] = pools[0];
        ap->rows[0].pools[1] = pools[1];
        ap->n = 1;
    }
    free(synth);
    if (ap->n == 0) {
        bus_ctl_reply_error(req, "missing_argument", "没有申请人：请给出执业证号或申请名单 CSV");
        s_apply_free(ap);
        return;
    }
    reg_cmd_run(reg, req, s_apply, ap, s_apply_free);
}

/* ---- deciding an application ------------------------------------------------- */

static const char s_app_sql[] =
    "SELECT a.licence, array_to_string(a.pools, ';'), a.state, a.endorsed_on::text, "
    "  a.bureau_opinion, a.bar_opinion FROM applications a WHERE a.center = $1 AND a.id = $2";

typedef struct {
    char licence[64];
    bool pools[2];
    char state[16];
} s_app_t;

static void s_app_free(void *p)
{
    free(p);
}

static int s_app_id(reg_cmd_t *rc, const char **id)
{
    *id = reg_arg(rc, "id");
    if (!*id || strspn(*id, "0123456789") != strlen(*id) || strlen(*id) > 18) {
        reg_fail(rc, "invalid_argument", "申请编号应为数字");
        return -1;
    }
    return 0;
}

/* Membership and application changes of a decision: $1 center, $2 licence,
 * $3 pool, $4 new state, $5 audit action, $6 reason, $7 actor, $8 notice,
 * $9 application id. */
static const char s_decide_ms_sql[] =
    "WITH u AS (UPDATE memberships SET state = $4, updated_at = now() "
    "  WHERE center = $1 AND licence = $2 AND pool = $3 AND state = 'applicant' "
    "    AND application = $9::bigint RETURNING center, licence, pool) "
    "INSERT INTO audit (center, lawyer, pool, action, reason, rule, actor, notice) "
    "SELECT center, licence, pool, $5, $6, '7', $7, $8 FROM u";

/* Writes a decision: every pool the application names becomes approved
 * (approve[k]) or rejected, each with its audit row and notice, and the
 * application takes the decision's state (approved if any pool is). */
static void s_write_decision(reg_cmd_t *rc, db_job_t *job, const s_app_t *app, const char *id,
                             const bool approve[2], const char *reason)
{
    bool any = false;
    for (int k = 0; k < 2; k++) {
        if (!app->pools[k])
            continue;
        const char *state = approve[k] ? "approved" : "rejected";
        const char *why = approve[k] ? (reason ? reason : "审核通过，须参加培训并通过考试后上岗")
                          : approve[1 - k] ? "未获批准加入该资源库"
                                           : reason;
        const char *p[] = {rc->center, app->licence, k == 0 ? "duty" : "case",
                           state,      state,        why,
                           rc->actor,  state,        id};
        db_job_add(job, s_decide_ms_sql, 9, p);
        any |= approve[k];
    }
    const char *state = any ? "approved" : "rejected";
    const char *p[] = {rc->center, id, rc->actor, reason ? reason : "", state};
    db_job_add(job,
               "UPDATE applications SET state = $5, decided_by = $3, decided_at = now(), "
               "  decision_reason = $4 WHERE center = $1 AND id = $2::bigint",
               5, p);
    rc->out = json_pack("{s:s, s:s}", "application", id, "state", state);
}

static reg_step_t s_decide(reg_cmd_t *rc, db_job_t *job, int stage)
{
    s_app_t *app = rc->data;
    const char *id;
    if (s_app_id(rc, &id) != 0)
        return REG_FAIL;
    bool approve = strcmp(rc->req->command, "application_approve") == 0;
    if (stage == 0) {
        const char *p[] = {rc->center, id};
        db_job_add(job, s_app_sql, 2, p);
        return REG_MORE;
    }
    if (stage == 1) {
        const PGresult *res = db_job_result(job, 0);
        if (PQntuples(res) == 0)
            return reg_fail(rc, "unknown_application", "没有编号为 %s 的申请", id);
        snprintf(app->licence, sizeof app->licence, "%s", db_value(res, 0, 0));
        s_parse_pools(db_value(res, 0, 1), app->pools);
        if (strcmp(db_value(res, 0, 2), "pending") != 0)
            return reg_fail(rc, "already_decided", "申请 %s 已处理（%s），不能再次决定", id,
                            strcmp(db_value(res, 0, 2), "approved") == 0 ? "已批准" : "已驳回");
        if (approve) {
            char missing[256] = "";
            if (!db_value(res, 0, 3))
                strcat(missing, "所在律师事务所（单位）审核同意；");
            if (!*db_value(res, 0, 4))
                strcat(missing, "所在地司法局律师工作部门意见；");
            if (!*db_value(res, 0, 5))
                strcat(missing, "律师协会意见；");
            if (*missing)
                return reg_fail(rc, "incomplete",
                                "申请 %s 尚缺：%s请先用 application record 记录（第七条）", id,
                                missing);
            json_t *arr = json_pack("[s]", app->licence);
            char *list = json_dumps(arr, JSON_COMPACT);
            const char *p[] = {rc->center, list};
            db_job_add(job, s_facts_sql, 2, p);
            free(list);
            json_decref(arr);
            return REG_MORE;
        }
        /* reject */
        const char *reason = reg_arg(rc, "reason");
        if (!reason)
            return reg_fail(rc, "missing_argument", "驳回须写明理由（--reason）");
        const bool none[2] = {false, false};
        s_write_decision(rc, job, app, id, none, reason);
        return REG_DONE;
    }
    /* approve, stage 2: eligibility now */
    const PGresult *res = db_job_result(job, 0);
    s_facts_t f;
    s_facts(rc->reg, res, 0, &f);
    const char *only = reg_arg(rc, "pool");
    if (only && s_pool_index(only) < 0)
        return reg_fail(rc, "invalid_argument", "--pool 应为 duty 或 case");
    if (only && !app->pools[s_pool_index(only)])
        return reg_fail(rc, "invalid_argument", "申请 %s 未申请该资源库", id);
    json_t *elig = json_object();
    char fails[400] = "";
    for (int k = 0; k < 2; k++) {
        if (!app->pools[k] || (only && s_pool_index(only) != k))
            continue;
        bool ok;
        json_t *e = s_eligibility(rc->reg, &f, k == 1, rc->today, f.licensed_since, &ok);
        if (!ok) {
            json_t *fl = json_object_get(e, "fails");
            for (size_t i = 0; i < json_array_size(fl); i++) {
                strncat(fails, json_string_value(json_object_get(json_array_get(fl, i), "message")),
                        sizeof fails - strlen(fails) - 1);
                strncat(fails, "；", sizeof fails - strlen(fails) - 1);
            }
        }
        json_object_set_new(elig, k == 0 ? "duty" : "case", e);
    }
    json_decref(elig);
    if (*fails)
        return reg_fail(
            rc, "ineligible", "不符合入库条件，不能批准：%s%s", fails,
            app->pools[0] && app->pools[1] && !only ? "可用 --pool 只批准符合条件的资源库" : "");
    const bool yes[2] = {!only || s_pool_index(only) == 0, !only || s_pool_index(only) == 1};
    s_write_decision(rc, job, app, id, yes, reg_arg(rc, "reason"));
    return REG_DONE;
}

/* application record ID --endorsed-on D --bureau 意见 --bar 意见 */
static reg_step_t s_record(reg_cmd_t *rc, db_job_t *job, int stage)
{
    const char *id;
    if (s_app_id(rc, &id) != 0)
        return REG_FAIL;
    const char *endorsed = reg_arg(rc, "endorsed_on");
    if (reg_arg_day(rc, "endorsed_on", 0) == -2)
        return REG_FAIL;
    const char *bureau = reg_arg(rc, "bureau");
    const char *bar = reg_arg(rc, "bar");
    if (!endorsed && !bureau && !bar)
        return reg_fail(rc, "missing_argument",
                        "请给出 --endorsed-on（单位审核同意日期）、--bureau（司法局意见）或 "
                        "--bar（律师协会意见）");
    if (stage == 0) {
        const char *p[] = {rc->center, id, endorsed, bureau, bar};
        db_job_add(job,
                   "UPDATE applications SET endorsed_on = coalesce($3::date, endorsed_on), "
                   "  bureau_opinion = coalesce($4, bureau_opinion), "
                   "  bar_opinion = coalesce($5, bar_opinion) "
                   "WHERE center = $1 AND id = $2::bigint AND state = 'pending' "
                   "RETURNING endorsed_on::text, bureau_opinion, bar_opinion",
                   5, p);
        return REG_MORE;
    }
    const PGresult *res = db_job_result(job, 0);
    if (PQntuples(res) == 0)
        return reg_fail(rc, "unknown_application", "没有待审核的编号为 %s 的申请", id);
    rc->out =
        json_pack("{s:s, s:s?, s:s, s:s}", "application", id, "endorsed_on", db_value(res, 0, 0),
                  "bureau_opinion", db_value(res, 0, 1), "bar_opinion", db_value(res, 0, 2));
    return REG_DONE;
}

/* ---- penalties, people outside the pool, firms ----------------------------- */

static reg_step_t s_penalty(reg_cmd_t *rc, db_job_t *job, int stage)
{
    const char *licence = reg_arg(rc, "lawyer");
    const char *kind = reg_arg(rc, "kind");
    const char *note = reg_arg(rc, "note");
    if (!licence)
        return reg_fail(rc, "missing_argument", "缺少执业证号");
    if (!kind || (strcmp(kind, "admin_penalty") != 0 && strcmp(kind, "bar_sanction") != 0 &&
                  strcmp(kind, "party_discipline") != 0))
        return reg_fail(rc, "invalid_argument",
                        "--kind 应为 admin_penalty（行政处罚）、bar_sanction（行业处分）或 "
                        "party_discipline（党纪处理）");
    int64_t on = reg_arg_day(rc, "on", POOL_NONE);
    if (on == -2)
        return REG_FAIL;
    if (on == POOL_NONE)
        return reg_fail(rc, "missing_argument", "缺少处分日期（--on YYYY-MM-DD）");
    if (on > rc->today)
        return reg_fail(rc, "invalid_argument", "处分日期不能晚于今天");
    if (stage == 0) {
        char day[16];
        const char *p[] = {rc->center,       licence,  kind, reg_day_text(on, day, sizeof day),
                           note ? note : "", rc->actor};
        db_job_add(job,
                   "WITH p AS (INSERT INTO penalties (center, licence, kind, on_date, note, "
                   "  recorded_by) SELECT $1, $2, $3, $4::date, $5, $6 WHERE EXISTS (SELECT 1 "
                   "  FROM lawyers WHERE center = $1 AND licence = $2) RETURNING id, licence), "
                   "a AS (INSERT INTO audit (center, lawyer, action, reason, rule, actor) "
                   "  SELECT $1, licence, 'penalty_recorded', $3 || ' ' || $4 || ' ' || $5, '6', "
                   "  $6 FROM p) SELECT id FROM p",
                   6, p);
        return REG_MORE;
    }
    const PGresult *res = db_job_result(job, 0);
    if (PQntuples(res) == 0)
        return reg_fail(rc, "unknown_lawyer", "未找到执业证号为 %s 的人员", licence);
    rc->out =
        json_pack("{s:I, s:s}", "penalty", (json_int_t)db_int64(res, 0, 0), "lawyer", licence);
    return REG_DONE;
}

typedef struct {
    reg_csv_result_t csv;
} s_outside_t;

static void s_outside_free(void *p)
{
    s_outside_t *o = p;
    reg_csv_result_free(&o->csv);
    free(o);
}

/* outside add: a locally registered lawyer outside the pool (clause 9). */
static reg_step_t s_outside(reg_cmd_t *rc, db_job_t *job, int stage)
{
    s_outside_t *o = rc->data;
    const reg_lawyer_row_t *r = &o->csv.rows[0];
    if (stage == 0) {
        const char *p[] = {rc->center, r->licence};
        db_job_add(job,
                   "SELECT count(*) FROM memberships WHERE center = $1 AND licence = $2 "
                   "AND state NOT IN ('exited', 'rejected')",
                   2, p);
        return REG_MORE;
    }
    if (db_int64(db_job_result(job, 0), 0, 0) > 0)
        return reg_fail(rc, "already_member", "%s 已在资源库或正在申请，无需登记为库外律师",
                        r->licence);
    s_person(rc, job, r, NULL, true);
    const char *q[] = {rc->center, r->licence, rc->actor};
    db_job_add(job,
               "WITH u AS (UPDATE lawyers SET outside = true, status = CASE WHEN status IN "
               "  ('applicant', 'exited', 'removed', 'outside') AND NOT EXISTS (SELECT 1 FROM "
               "  memberships m WHERE m.center = $1 AND m.licence = $2 AND m.state NOT IN "
               "  ('exited', 'rejected')) THEN 'outside' ELSE status END, "
               "  updated_xid = pg_current_xact_id() WHERE center = $1 AND licence = $2 "
               "  RETURNING licence) "
               "INSERT INTO audit (center, lawyer, action, reason, rule, actor) "
               "SELECT $1, licence, 'recorded_outside', '登记为库外本地律师，可直接安排', '9', $3 "
               "FROM u",
               3, q);
    rc->out = json_pack("{s:s, s:s}", "lawyer", r->licence, "status", "outside");
    return REG_DONE;
}

static reg_step_t s_firm(reg_cmd_t *rc, db_job_t *job, int stage)
{
    const char *name = reg_arg(rc, "firm");
    if (!name)
        return reg_fail(rc, "missing_argument", "缺少律师事务所名称");
    const char *email = reg_arg(rc, "email"), *phone = reg_arg(rc, "phone");
    if (email && !strchr(email, '@'))
        return reg_fail(rc, "invalid_argument", "--email 不是有效的邮箱地址");
    const char *p[] = {rc->center, name, email ? email : "", phone ? phone : ""};
    db_job_add(job,
               "INSERT INTO firms (center, name, email, phone) VALUES ($1, $2, $3, $4) "
               "ON CONFLICT (center, name) DO UPDATE SET email = excluded.email, "
               "phone = excluded.phone",
               4, p);
    rc->out = json_pack("{s:s}", "firm", name);
    return REG_DONE;
}

/* ---- reading eligibility ------------------------------------------------------ */

typedef struct {
    registry_t *reg;
    bus_ctl_req_t *req;
    bool list; /* applications: one row per application */
    int stage;
    char center[64], state[16];
} s_read_t;

/* eligibility LICENCE: both pools, as of today. applications [--state S]:
 * every application with the eligibility of each pool it names. */
static const char s_apps_sql[] =
    "SELECT a.id, a.licence, l.name, array_to_string(a.pools, ';'), a.round, a.state, "
    "  coalesce(a.endorsed_on::text, ''), a.bureau_opinion, a.bar_opinion, a.decision_reason, "
    "  to_char(a.created_at, 'YYYY-MM-DD') "
    "FROM applications a JOIN lawyers l ON l.center = a.center AND l.licence = a.licence "
    "WHERE a.center = $1 AND ($2 = '' OR a.state = $2) ORDER BY a.id";

/* applications: after the list, the facts of each application's person */
static db_next_t s_read_step(db_job_t *job, void *arg)
{
    s_read_t *rd = arg;
    if (rd->stage++ > 0)
        return DB_COMMIT;
    const PGresult *apps = db_job_result(job, 0);
    json_t *arr = json_array();
    for (int i = 0; i < PQntuples(apps); i++)
        json_array_append_new(arr, json_string(db_value(apps, i, 1)));
    char *l = json_dumps(arr, JSON_COMPACT);
    const char *p[] = {rd->center, l};
    db_job_add(job, s_facts_sql, 2, p);
    db_job_add(job, s_apps_sql, 2, (const char *[]){rd->center, rd->state});
    free(l);
    json_decref(arr);
    return DB_NEXT;
}

static void s_read_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    s_read_t *rd = arg;
    int64_t today = reg_day_of(rd->reg, time_now_us());
    const PGresult *facts = db_job_result(job, 0);
    if (!committed || !facts) {
        bus_ctl_reply_error(rd->req, "db_error", "查询失败，请稍后重试");
        free(rd);
        return;
    }
    json_t *out;
    if (!rd->list) {
        s_facts_t f;
        s_facts(rd->reg, facts, 0, &f);
        if (!f.exists) {
            bus_ctl_reply_error(rd->req, "unknown_lawyer", "未找到该人员");
            free(rd);
            return;
        }
        bool ok;
        out = json_pack("{s:s, s:o, s:o}", "lawyer", db_value(facts, 0, 0), "duty",
                        s_eligibility(rd->reg, &f, false, today, f.licensed_since, &ok), "case",
                        s_eligibility(rd->reg, &f, true, today, f.licensed_since, &ok));
    } else {
        const PGresult *apps = db_job_result(job, 1);
        json_t *arr = json_array();
        for (int i = 0; i < PQntuples(apps); i++) {
            s_facts_t f;
            s_facts(rd->reg, facts, i, &f);
            bool pools[2];
            s_parse_pools(db_value(apps, i, 3), pools);
            json_t *el = json_object();
            for (int k = 0; k < 2; k++) {
                bool ok;
                if (pools[k])
                    json_object_set_new(
                        el, k == 0 ? "duty" : "case",
                        s_eligibility(rd->reg, &f, k == 1, today, f.licensed_since, &ok));
            }
            json_array_append_new(
                arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "id",
                               (json_int_t)db_int64(apps, i, 0), "lawyer", db_value(apps, i, 1),
                               "name", db_value(apps, i, 2), "pools", db_value(apps, i, 3), "round",
                               db_value(apps, i, 4), "state", db_value(apps, i, 5), "endorsed_on",
                               db_value(apps, i, 6), "bureau_opinion", db_value(apps, i, 7),
                               "bar_opinion", db_value(apps, i, 8), "decision_reason",
                               db_value(apps, i, 9), "created_on", db_value(apps, i, 10),
                               "eligibility", el));
        }
        out = json_pack("{s:o}", "applications", arr);
    }
    bus_ctl_reply_json(rd->req, out); /* takes out */
    free(rd);
}

static void s_read(registry_t *reg, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd, bool list)
{
    const char *center = ctlcmd_arg(cmd, "center");
    if (!center || !*center)
        center = reg->d->cfg.center;
    s_read_t *rd = calloc(1, sizeof *rd);
    rd->reg = reg;
    rd->req = req;
    rd->list = list;
    snprintf(rd->center, sizeof rd->center, "%s", center);
    const char *state = ctlcmd_arg(cmd, "state");
    snprintf(rd->state, sizeof rd->state, "%s", state ? state : "");
    db_job_t *job = db_job_new(reg->d->db, list ? s_read_step : NULL, s_read_done, rd);
    if (!list) {
        const char *licence = ctlcmd_arg(cmd, "lawyer");
        json_t *arr = json_pack("[s]", licence ? licence : "");
        char *l = json_dumps(arr, JSON_COMPACT);
        const char *p[] = {center, l};
        db_job_add(job, s_facts_sql, 2, p);
        free(l);
        json_decref(arr);
    } else {
        const char *p[] = {rd->center, rd->state};
        db_job_add(job, s_apps_sql, 2, p);
    }
    db_job_submit(job);
}

bool registry_apply_command(registry_t *reg, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    const char *c = cmd->command;
    if (strcmp(c, "eligibility") == 0 || strcmp(c, "applications") == 0) {
        s_read(reg, req, cmd, strcmp(c, "applications") == 0);
    } else if (strcmp(c, "apply") == 0) {
        s_start_apply(reg, req, cmd);
    } else if (strcmp(c, "application_approve") == 0 || strcmp(c, "application_reject") == 0) {
        reg_cmd_run(reg, req, s_decide, calloc(1, sizeof(s_app_t)), s_app_free);
    } else if (strcmp(c, "application_record") == 0) {
        reg_cmd_run(reg, req, s_record, NULL, NULL);
    } else if (strcmp(c, "penalty_add") == 0) {
        reg_cmd_run(reg, req, s_penalty, NULL, NULL);
    } else if (strcmp(c, "firm_set") == 0) {
        reg_cmd_run(reg, req, s_firm, NULL, NULL);
    } else if (strcmp(c, "outside_add") == 0) {
        s_outside_t *o = calloc(1, sizeof *o);
        int y, m, d;
        time_local(time_now_us(), reg->d->cfg.utc_offset, &y, &m, &d, NULL);
        const char *keys[] = {"lawyer",         "name",        "gender", "birth_date", "firm",
                              "licensed_since", "specialties", "phone",  "email"};
        char line[2048];
        size_t at = (size_t)snprintf(line, sizeof line, "%s\n", REG_CSV_HEADER);
        for (size_t k = 0; k < 9 && at < sizeof line - 8; k++) {
            const char *v = ctlcmd_arg(cmd, keys[k]);
            if (k == 6) /* pools: a person outside the pool has none; the CSV needs one */
                at += (size_t)snprintf(line + at, sizeof line - at, "duty,");
            line[at++] = '"';
            for (const char *ch = v ? v : ""; *ch && at < sizeof line - 8; ch++) {
                if (*ch == '"')
                    line[at++] = '"';
                line[at++] = *ch;
            }
            line[at++] = '"';
            line[at++] = k < 8 ? ',' : '\n';
        }
        if (reg_csv_parse_lawyers(line, at, y, m, d, &o->csv) != 0 || o->csv.nrows != 1) {
            char msg[400];
            snprintf(msg, sizeof msg, "登记信息有误：%s%s%s",
                     o->csv.nerrors ? o->csv.errors[0].field : "", o->csv.nerrors ? " " : "",
                     o->csv.nerrors ? o->csv.errors[0].message : "");
            bus_ctl_reply_error(req, "invalid_argument", msg);
            s_outside_free(o);
        } else {
            reg_cmd_run(reg, req, s_outside, o, s_outside_free);
        }
    } else {
        return false;
    }
    return true;
}
