/* reg_members — staff commands that move a member through the states of
 * pool_rules.h: training and exam (clause 10), staff suspension and
 * resumption with rectification (clauses 20, 25), exits (26, 27), removal
 * with the ban (28, 29), probation decisions (19) and the re-confirmation
 * of a recruitment round (4). Each reads the member's memberships, asks
 * pool_transition for every pool it targets, and changes only the pools
 * the rules allow (refusing, with the rule's reason, if none). */
#include "reg_csv.h"
#include "registry.h"

#include "fayuan/ctlcmd.h"
#include "fayuan/log.h"
#include "fayuan/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading a member ------------------------------------------------------- */

static const char s_read_sql[] =
    "SELECT m.pool, m.state, m.probation, m.exit_pending, l.qualified_since::text, "
    "  l.licensed_since::text, l.first_case_here::text, l.name, "
    "  (SELECT count(*) FROM open_cases o WHERE o.center = l.center AND o.lawyer = l.licence), "
    "  m.rectification, m.suspension_rule "
    "FROM lawyers l LEFT JOIN memberships m ON m.center = l.center AND m.licence = l.licence "
    "WHERE l.center = $1 AND l.licence = $2 ORDER BY m.pool DESC";

typedef struct {
    char pool[8];
    pool_state_t state;
    char probation[12];
    bool exit_pending;
    char rectification[12];
    char suspension_rule[16];
} s_ms_t;

typedef struct {
    const char *licence;
    s_ms_t ms[2];
    size_t nms;
    int64_t qualified_since, licensed_since, first_case_here;
    long long open_cases;
    /* exam pass: partners found at stage 1 */
    int cand_at;
} s_member_t;

static reg_step_t s_read(reg_cmd_t *rc, db_job_t *job, s_member_t *m)
{
    m->licence = reg_arg(rc, "lawyer");
    if (!m->licence)
        return reg_fail(rc, "missing_argument", "缺少执业证号");
    const char *p[] = {rc->center, m->licence};
    db_job_add(job, s_read_sql, 2, p);
    return REG_MORE;
}

/* Stage 1: the member as read; -1 (after reg_fail) if unknown. */
static int s_load(reg_cmd_t *rc, db_job_t *job, s_member_t *m)
{
    const PGresult *res = db_job_result(job, 0);
    if (!res || PQntuples(res) == 0) {
        reg_fail(rc, "unknown_lawyer", "未找到执业证号为 %s 的人员", m->licence);
        return -1;
    }
    m->qualified_since = reg_parse_day(db_value(res, 0, 4));
    m->licensed_since = reg_parse_day(db_value(res, 0, 5));
    m->first_case_here = reg_parse_day(db_value(res, 0, 6));
    m->open_cases = db_int64(res, 0, 8);
    for (int i = 0; i < PQntuples(res) && m->nms < 2; i++) {
        if (!db_value(res, i, 0))
            continue;
        s_ms_t *x = &m->ms[m->nms++];
        snprintf(x->pool, sizeof x->pool, "%s", db_value(res, i, 0));
        x->state = (pool_state_t)pool_state_parse(db_value(res, i, 1));
        snprintf(x->probation, sizeof x->probation, "%s", db_value(res, i, 2));
        x->exit_pending = strcmp(db_value(res, i, 3), "t") == 0;
        snprintf(x->rectification, sizeof x->rectification, "%s", db_value(res, i, 9));
        snprintf(x->suspension_rule, sizeof x->suspension_rule, "%s", db_value(res, i, 10));
    }
    return 0;
}

static const char *s_pool_zh(const char *pool)
{
    return strcmp(pool, "duty") == 0   ? "值班人员库"
           : strcmp(pool, "case") == 0 ? "办案人员库"
                                       : pool;
}

/* The pool argument: NULL (every pool), "duty" or "case"; -1 if invalid. */
static int s_pool_arg(reg_cmd_t *rc, const char **pool)
{
    *pool = reg_arg(rc, "pool");
    if (*pool && strcmp(*pool, "all") == 0)
        *pool = NULL;
    if (*pool && strcmp(*pool, "duty") != 0 && strcmp(*pool, "case") != 0) {
        reg_fail(rc, "invalid_argument", "--pool 应为 duty（值班）、case（办案）或 all，收到：%s",
                 *pool);
        return -1;
    }
    return 0;
}

/* ---- the change of one membership ----------------------------------------- */

/* Parameters of every membership change: $1 center, $2 licence, $3 pool,
 * $4 new state, $5 state it must still be in, $6 audit action, $7 reason,
 * $8 rule, $9 actor, $10 until (bigint), $11 other (a licence), $12 notice
 * kind, $13 tell firm, $14 a day (date or NULL), $15 probation. The SET
 * fragment (constant text) uses what it needs; the last line mentions $14
 * and $15 so that every statement has all fifteen typed. */
#define CHANGE_SQL(SET)                                                                            \
    "WITH u AS (UPDATE memberships SET state = $4, updated_at = now()" SET                         \
    "  WHERE center = $1 AND licence = $2 AND pool = $3 AND state = $5 "                           \
    "    AND ($14::date IS NULL OR true) AND ($15::text IS NULL OR true) "                         \
    "  RETURNING center, licence, pool) "                                                          \
    "INSERT INTO audit (center, lawyer, pool, action, reason, rule, actor, until, other, notice, " \
    "  tell_firm) "                                                                                \
    "SELECT center, licence, pool, $6, $7, $8, $9, $10::bigint, $11, $12, $13::boolean FROM u "    \
    "RETURNING id"

typedef struct {
    const char *pool, *to, *from, *action, *reason, *rule, *until, *other, *notice, *day,
        *probation;
    bool tell_firm;
} s_change_t;

static void s_change(reg_cmd_t *rc, db_job_t *job, const char *sql, const s_change_t *c)
{
    const char *p[15] = {rc->center,
                         reg_arg(rc, "lawyer"),
                         c->pool,
                         c->to,
                         c->from,
                         c->action,
                         c->reason ? c->reason : "",
                         c->rule ? c->rule : "",
                         rc->actor,
                         c->until ? c->until : "0",
                         c->other ? c->other : "",
                         c->notice ? c->notice : "",
                         c->tell_firm ? "true" : "false",
                         c->day,
                         c->probation ? c->probation : ""};
    db_job_add(job, sql, 15, p);
}

static const char s_train_sql[] = CHANGE_SQL(", trained_on = $14::date");
static const char s_pass_sql[] =
    CHANGE_SQL(", exam_passed_on = $14::date, active_on = $14::date, probation = $15, "
               "probation_until = $10::bigint, mentor = $11");
static const char s_fail_sql[] = CHANGE_SQL(", exam_failures = exam_failures + 1");
static const char s_suspend_sql[] =
    CHANGE_SQL(", suspended_until = $10::bigint, suspension_rule = $8, suspension_reason = $7, "
               "rectification = 'ordered'");
static const char s_resume_sql[] =
    CHANGE_SQL(", suspended_until = 0, rectification = CASE WHEN rectification = 'ordered' "
               "THEN 'done' ELSE rectification END");
static const char s_exit_sql[] =
    CHANGE_SQL(", exit_kind = $15, exit_reason = $7, exit_pending = false, suspended_until = 0, "
               "probation = CASE WHEN probation IN ('serving', 'due') THEN '' ELSE probation END");
static const char s_pending_sql[] = CHANGE_SQL(", exit_pending = true, exit_reason = $7");
static const char s_probation_sql[] =
    CHANGE_SQL(", probation = $15, probation_until = CASE WHEN $15 = 'serving' THEN $10::bigint "
               "ELSE probation_until END");
static const char s_refused_sql[] = CHANGE_SQL(", rectification = 'refused'");
static const char s_confirm_sql[] = CHANGE_SQL(", confirmed_round = $15");
static const char s_note_sql[] = CHANGE_SQL("");
static const char s_mentor_sql[] = CHANGE_SQL(", mentor = $11");

/* After a removal: the ban (clause 28) on the person. */
static const char s_ban_sql[] =
    "UPDATE lawyers SET banned_until = $3::bigint, removed_on = $4::date, updated_at = now(), "
    "  updated_xid = pg_current_xact_id() WHERE center = $1 AND licence = $2";

/* ---- the commands ---------------------------------------------------------- */

/* A clause as staff cite it: a or b, alone or with an item: "25", "25(3)". */
static bool s_rule_ok(const char *rule, const char *a, const char *b)
{
    const char *clauses[] = {a, b};
    for (size_t i = 0; i < 2; i++) {
        size_t n = clauses[i] ? strlen(clauses[i]) : 0;
        if (n == 0 || strncmp(rule, clauses[i], n) != 0)
            continue;
        const char *r = rule + n;
        if (*r == '\0')
            return true;
        if (*r++ != '(' || !(*r >= '1' && *r <= '9'))
            continue;
        while (*r >= '0' && *r <= '9')
            r++;
        if (strcmp(r, ")") == 0)
            return true;
    }
    return false;
}

/* A command on one member: stage 0 reads the member (s_read), the later
 * stages are the command's own (fn, which loads what was read: s_load). */
typedef reg_step_t (*s_member_fn)(reg_cmd_t *rc, db_job_t *job, s_member_t *m, int stage);

typedef struct {
    s_member_t m;
    s_member_fn fn;
} s_cmd_t;

static reg_step_t s_member_step(reg_cmd_t *rc, db_job_t *job, int stage)
{
    s_cmd_t *c = rc->data;
    return stage == 0 ? s_read(rc, job, &c->m) : c->fn(rc, job, &c->m, stage);
}

/* A suspension staff ordered (clauses 20, 25), whose rectification staff
 * record here; the red-list suspensions of clause 13 and the 25(3) stops
 * come from scored, which tracks their rectification (fayuanctl sanction). */
static bool s_staff_suspension(const s_ms_t *x)
{
    return x->state == POOL_S_SUSPENDED && s_rule_ok(x->suspension_rule, "20", "25");
}

/* resume / rectify: -1 (after reg_fail) when a targeted pool's suspension
 * is scored's, or when refused finds no rectification staff ordered. */
static int s_check_rectification(reg_cmd_t *rc, const s_member_t *m, const char *pool, bool refused)
{
    bool ordered = false;
    for (size_t i = 0; i < m->nms; i++) {
        const s_ms_t *x = &m->ms[i];
        if (pool && strcmp(pool, x->pool) != 0)
            continue;
        if (x->state == POOL_S_SUSPENDED && !s_staff_suspension(x)) {
            reg_fail(rc, "sanction",
                     "%s的暂停由积分服务按第%s条决定，整改结果请用 fayuanctl sanction rectified "
                     "或 sanction refused 记录",
                     s_pool_zh(x->pool), x->suspension_rule);
            return -1;
        }
        ordered |= s_staff_suspension(x) && strcmp(x->rectification, "ordered") == 0;
    }
    if (refused && !ordered) {
        reg_fail(rc, "not_allowed", "该人员没有待整改的暂停，无需记录拒不整改");
        return -1;
    }
    return 0;
}

/* Applies action to every targeted membership that allows it; -1 (after
 * reg_fail) if none does. */
static int s_for_pools(reg_cmd_t *rc, const s_member_t *m, const char *pool, pool_action_t action,
                       bool targets[2], pool_state_t to[2])
{
    const char *why = NULL;
    int n = 0;
    bool any = false;
    for (size_t i = 0; i < m->nms; i++) {
        targets[i] = false;
        if (pool && strcmp(pool, m->ms[i].pool) != 0)
            continue;
        any = true;
        const char *w = NULL;
        if (pool_transition(m->ms[i].state, action, &to[i], &w) == 0) {
            targets[i] = true;
            n++;
        } else if (!why) {
            why = w;
        }
    }
    if (!any) {
        reg_fail(rc, "not_member", "%s 不在%s中", m->licence,
                 pool ? s_pool_zh(pool) : "任何资源库");
        return -1;
    }
    if (n == 0) {
        reg_fail(rc, "not_allowed", "%s", why ? why : "当前状态不允许此操作");
        return -1;
    }
    return 0;
}

static void s_out_states(reg_cmd_t *rc, const s_member_t *m, const bool t[2],
                         const pool_state_t to[2])
{
    json_t *pools = json_object();
    for (size_t i = 0; i < m->nms; i++)
        if (t[i])
            json_object_set_new(pools, m->ms[i].pool, json_string(pool_state_name(to[i])));
    rc->out = json_pack("{s:s, s:o}", "lawyer", m->licence, "pools", pools);
}

/* member_train / member_exam_fail / member_suspend / member_resume /
 * member_exit / member_remove / member_rectify: one stage to read, one to
 * decide and change. */
static reg_step_t s_simple(reg_cmd_t *rc, db_job_t *job, s_member_t *m, int stage)
{
    if (s_load(rc, job, m) != 0)
        return REG_FAIL;
    const char *pool;
    if (s_pool_arg(rc, &pool) != 0)
        return REG_FAIL;
    const char *reason = reg_arg(rc, "reason");
    const char *rule = reg_arg(rc, "rule");
    char day[16], until[24] = "0";
    bool t[2];
    pool_state_t to[2];
    s_change_t ch = {.reason = reason, .rule = rule};
    const char *sql = NULL;
    bool waits = false; /* a voluntary exit with open cases */
    pool_action_t action;
    const char *cmd = rc->command;

    if (strcmp(cmd, "member_train") == 0) {
        int64_t on = reg_arg_day(rc, "on", rc->today);
        if (on == -2)
            return REG_FAIL;
        action = POOL_A_TRAIN;
        sql = s_train_sql;
        ch.action = "trained";
        ch.day = reg_day_text(on, day, sizeof day);
        ch.reason = reason ? reason : "完成市中心培训（第十条）";
    } else if (strcmp(cmd, "member_suspend") == 0) {
        if (!reason || !rule)
            return reg_fail(rc, "missing_argument",
                            "暂停须写明依据条款（--rule，如 20 或 25）和事由（--reason）");
        if (!s_rule_ok(rule, "20", "25"))
            return reg_fail(rc, "invalid_argument",
                            "--rule 应为暂停的依据条款：20（值班）或 25（办案），可带项，如 "
                            "20(1)、25(3)；收到：%s",
                            rule);
        int64_t u = reg_arg_day(rc, "until", POOL_NONE);
        if (u == -2)
            return REG_FAIL;
        if (u != POOL_NONE && u <= rc->today)
            return reg_fail(rc, "invalid_argument", "--until 应晚于今天");
        snprintf(until, sizeof until, "%lld",
                 (long long)(u == POOL_NONE ? 0 : reg_day_start_us(rc->reg, u)));
        action = POOL_A_SUSPEND;
        sql = s_suspend_sql;
        ch.action = "suspended";
        ch.notice = "suspended";
        ch.until = until;
    } else if (strcmp(cmd, "member_resume") == 0) {
        action = POOL_A_RESUME;
        sql = s_resume_sql;
        ch.action = "resumed";
        ch.notice = "resumed";
        ch.reason = reason ? reason : "已整改，恢复服务";
    } else if (strcmp(cmd, "member_rectify") == 0) {
        const char *result = reg_arg(rc, "result");
        if (!result || (strcmp(result, "done") != 0 && strcmp(result, "refused") != 0))
            return reg_fail(rc, "invalid_argument",
                            "--result 应为 done（已整改）或 refused（拒不整改）");
        if (strcmp(result, "done") == 0) {
            action = POOL_A_RESUME;
            sql = s_resume_sql;
            ch.action = "resumed";
            ch.notice = "resumed";
            ch.reason = reason ? reason : "已整改，恢复服务";
        } else {
            /* refused: recorded on the suspended pools; removal follows
             * (clause 28(2)) */
            action = POOL_A_REMOVE;
            sql = NULL;
        }
    } else if (strcmp(cmd, "member_exit") == 0) {
        const char *kind = reg_arg(rc, "kind");
        if (!kind || (strcmp(kind, "voluntary") != 0 && strcmp(kind, "must_report") != 0))
            return reg_fail(rc, "invalid_argument",
                            "--kind 应为 voluntary（自愿退出，第二十六条）或 must_report"
                            "（不再符合条件主动退出，第二十七条）");
        if (!reason)
            return reg_fail(rc, "missing_argument", "退出须写明事由（--reason）");
        bool voluntary = strcmp(kind, "voluntary") == 0;
        action = voluntary ? POOL_A_EXIT : POOL_A_REPORT;
        ch.probation = kind;
        ch.rule = voluntary ? "26" : "27";
        /* clause 26: already assigned matters are finished first — the case
         * pool waits for them (a pending exit), any other pool leaves now */
        sql = s_exit_sql;
        ch.action = "exited";
        ch.notice = "exited";
        waits = voluntary && m->open_cases > 0;
    } else { /* member_remove */
        if (!reason)
            return reg_fail(rc, "missing_argument", "清退须写明事由（--reason）");
        if (rule && !s_rule_ok(rule, "28", NULL))
            return reg_fail(rc, "invalid_argument",
                            "--rule 应为清退的依据条款 28，可带项，如 28(2)；收到：%s", rule);
        action = POOL_A_REMOVE;
        sql = NULL;
        ch.rule = rule ? rule : "28";
    }

    if ((strcmp(cmd, "member_resume") == 0 || strcmp(cmd, "member_rectify") == 0) &&
        s_check_rectification(rc, m, pool, action == POOL_A_REMOVE) != 0)
        return REG_FAIL;
    if (action == POOL_A_REMOVE) {
        bool refused = strcmp(cmd, "member_rectify") == 0;
        if (s_for_pools(rc, m, NULL, POOL_A_REMOVE, t, to) != 0)
            return REG_FAIL;
        int64_t ban_day = rc->reg->removal_years > 0
                              ? pool_add_years(rc->today, rc->reg->removal_years)
                              : POOL_NEVER;
        long long ban = ban_day == POOL_NEVER ? INT64_MAX : reg_day_start_us(rc->reg, ban_day);
        snprintf(until, sizeof until, "%lld", ban);
        s_change_t rm = {.action = "removed",
                         .reason = refused ? (reason ? reason : "拒不整改") : reason,
                         .rule = refused ? "28(2)" : ch.rule,
                         .until = until,
                         .notice = NULL,
                         .probation = "removed",
                         .tell_firm = false};
        bool first = true;
        for (size_t i = 0; i < m->nms; i++) {
            if (!t[i])
                continue;
            if (refused && s_staff_suspension(&m->ms[i]) &&
                strcmp(m->ms[i].rectification, "ordered") == 0) {
                s_change_t rf = {.pool = m->ms[i].pool,
                                 .to = pool_state_name(m->ms[i].state),
                                 .from = pool_state_name(m->ms[i].state),
                                 .action = "rectification_refused",
                                 .reason = rm.reason,
                                 .rule = "28(2)"};
                s_change(rc, job, s_refused_sql, &rf);
            }
            rm.pool = m->ms[i].pool;
            rm.to = pool_state_name(to[i]);
            rm.from = pool_state_name(m->ms[i].state);
            /* one notice for the person and one for the firm, on the first pool */
            rm.notice = first ? "removed" : "";
            rm.tell_firm = first;
            first = false;
            s_change(rc, job, s_exit_sql, &rm);
        }
        char today[16];
        const char *bp[] = {rc->center, m->licence, until,
                            reg_day_text(rc->today, today, sizeof today)};
        db_job_add(job, s_ban_sql, 4, bp);
        s_out_states(rc, m, t, to);
        json_object_set_new(rc->out, "banned_until", json_integer(ban));
        return REG_DONE;
    }

    if (s_for_pools(rc, m, pool, action, t, to) != 0)
        return REG_FAIL;
    bool pending = false;
    for (size_t i = 0; i < m->nms; i++) {
        if (!t[i])
            continue;
        s_change_t one = ch;
        const char *q = sql;
        one.pool = m->ms[i].pool;
        one.from = pool_state_name(m->ms[i].state);
        one.to = pool_state_name(to[i]);
        if (waits && strcmp(one.pool, "case") == 0) {
            pending = true;
            to[i] = m->ms[i].state; /* stays until the last case is finished */
            if (m->ms[i].exit_pending)
                continue;
            q = s_pending_sql;
            one.to = one.from;
            one.action = one.notice = "exit_pending";
        }
        s_change(rc, job, q, &one);
    }
    s_out_states(rc, m, t, to);
    if (pending) {
        json_object_set_new(rc->out, "exit_pending", json_true());
        json_object_set_new(rc->out, "open_cases", json_integer(m->open_cases));
    }
    return db_job_pending_count(job) > 0 ? REG_DONE
                                         : reg_fail(rc, "not_allowed", "退出申请已在等待中");
}

/* ---- exam: activation, with probation (19) and mentor (24) ------------------- */

/* Candidates to stand beside a newcomer: $1 center, $2 newcomer, $3 pool.
 * experience: duty — in practice since (an experienced lawyer, clause 19);
 * case — first legal-aid case here (clause 24). load: newcomers they
 * already accompany. */
static const char s_candidates_sql[] =
    "SELECT m.licence, CASE WHEN $3 = 'duty' THEN l.licensed_since::text "
    "                       ELSE l.first_case_here::text END, "
    "  (SELECT count(*) FROM memberships x WHERE x.center = m.center AND x.mentor = m.licence "
    "     AND x.pool = m.pool AND x.state IN ('active', 'suspended') "
    "     AND (x.pool = 'case' OR x.probation IN ('serving', 'due'))), "
    "  l.specialties && (SELECT n.specialties FROM lawyers n "
    "                    WHERE n.center = $1 AND n.licence = $2), "
    "  m.state = 'active' AND NOT m.cases_suspended AND NOT m.exit_pending "
    "    AND m.probation NOT IN ('serving', 'due') "
    "FROM memberships m JOIN lawyers l ON l.center = m.center AND l.licence = m.licence "
    "WHERE m.center = $1 AND m.pool = $3 AND m.state = 'active' AND m.licence <> $2";

static const char *s_pick(const PGresult *res, int64_t today, int min_years)
{
    int n = res ? PQntuples(res) : 0;
    if (n == 0)
        return NULL;
    pool_candidate_t *c = calloc((size_t)n, sizeof *c);
    for (int i = 0; i < n; i++) {
        c[i].licence = db_value(res, i, 0);
        c[i].experience_since = reg_parse_day(db_value(res, i, 1));
        c[i].load = (int)db_int64(res, i, 2);
        c[i].shares_specialty = db_value(res, i, 3) && strcmp(db_value(res, i, 3), "t") == 0;
        c[i].available = strcmp(db_value(res, i, 4), "t") == 0;
    }
    int k = pool_pick_partner(c, (size_t)n, today, min_years);
    free(c);
    return k >= 0 ? db_value(res, k, 0) : NULL;
}

static reg_step_t s_exam(reg_cmd_t *rc, db_job_t *job, s_member_t *m, int stage)
{
    const char *result = reg_arg(rc, "result");
    bool pass = result && strcmp(result, "pass") == 0;
    if (!result || (!pass && strcmp(result, "fail") != 0))
        return reg_fail(rc, "invalid_argument", "--result 应为 pass（考试合格）或 fail（不合格）");
    const char *pool;
    if (s_pool_arg(rc, &pool) != 0)
        return REG_FAIL;
    int64_t on = reg_arg_day(rc, "on", rc->today);
    if (on == -2)
        return REG_FAIL;
    bool t[2];
    pool_state_t to[2];
    if (stage == 1) {
        if (s_load(rc, job, m) != 0)
            return REG_FAIL;
        if (s_for_pools(rc, m, pool, pass ? POOL_A_EXAM_PASS : POOL_A_EXAM_FAIL, t, to) != 0)
            return REG_FAIL;
        if (!pass) {
            char day[16];
            s_change_t ch = {.action = "exam_failed",
                             .reason = "考试未通过，可再次参加",
                             .rule = "10",
                             .day = reg_day_text(on, day, sizeof day)};
            for (size_t i = 0; i < m->nms; i++) {
                if (!t[i])
                    continue;
                ch.pool = m->ms[i].pool;
                ch.from = ch.to = pool_state_name(m->ms[i].state);
                s_change(rc, job, s_fail_sql, &ch);
            }
            s_out_states(rc, m, t, to);
            return REG_DONE;
        }
        /* find who could accompany the newcomer in each pool */
        const char *dp[] = {rc->center, m->licence, "duty"};
        const char *cp[] = {rc->center, m->licence, "case"};
        db_job_add(job, s_candidates_sql, 3, dp);
        db_job_add(job, s_candidates_sql, 3, cp);
        return REG_MORE;
    }
    /* stage 2: the candidates are results 0 (duty) and 1 (case) */
    (void)s_for_pools(rc, m, pool, POOL_A_EXAM_PASS, t, to);
    char day[16], until[24];
    reg_day_text(on, day, sizeof day);
    json_t *pairs = json_object();
    for (size_t i = 0; i < m->nms; i++) {
        if (!t[i])
            continue;
        bool duty = strcmp(m->ms[i].pool, "duty") == 0;
        s_change_t ch = {.pool = m->ms[i].pool,
                         .to = "active",
                         .from = pool_state_name(m->ms[i].state),
                         .action = "activated",
                         .rule = "10",
                         .day = day,
                         .notice = "activated",
                         .until = "0",
                         .probation = ""};
        ch.reason = "培训合格、考试通过，开始参与值班与办案";
        const char *partner = NULL;
        if (duty && pool_needs_probation(m->qualified_since, m->licensed_since, on)) {
            int64_t end = pool_probation_end(on, rc->reg->probation_months);
            snprintf(until, sizeof until, "%lld", (long long)reg_day_start_us(rc->reg, end));
            ch.until = until;
            ch.probation = "serving";
            ch.rule = "19";
            ch.reason = "取得法律职业资格不满一年，试用期三个月，实行老带新";
            partner = s_pick(db_job_result(job, 0), on, rc->reg->companion_years);
        } else if (!duty && pool_needs_mentor(m->first_case_here)) {
            ch.rule = "24";
            ch.reason = "首次加入办案人员库且未在本地办理过法律援助案件，由导师指导";
            partner = s_pick(db_job_result(job, 1), on, rc->reg->mentor_years);
        }
        ch.other = partner ? partner : "";
        s_change(rc, job, s_pass_sql, &ch);
        if (partner) {
            json_object_set_new(pairs, m->ms[i].pool, json_string(partner));
            s_change_t pc = {.pool = m->ms[i].pool,
                             .to = "active",
                             .from = "active",
                             .action = "mentor_assigned",
                             .rule = duty ? "19" : "24",
                             .reason = duty ? "试用期老带新" : "办案导师",
                             .other = partner,
                             .notice = "mentor_assigned",
                             .until = "0",
                             .probation = ch.probation};
            /* no change of state: records the pairing and tells the member */
            s_change(rc, job, s_note_sql, &pc);
        } else if (ch.probation[0] || (!duty && pool_needs_mentor(m->first_case_here))) {
            json_object_set_new(pairs, m->ms[i].pool, json_null());
        }
    }
    s_out_states(rc, m, t, to);
    json_object_set_new(rc->out, "partners", pairs);
    return REG_DONE;
}

/* ---- probation decision (clause 19) ------------------------------------------ */

static reg_step_t s_probation(reg_cmd_t *rc, db_job_t *job, s_member_t *m, int stage)
{
    if (s_load(rc, job, m) != 0)
        return REG_FAIL;
    const s_ms_t *d = NULL;
    for (size_t i = 0; i < m->nms; i++)
        if (strcmp(m->ms[i].pool, "duty") == 0 &&
            (strcmp(m->ms[i].probation, "serving") == 0 || strcmp(m->ms[i].probation, "due") == 0))
            d = &m->ms[i];
    if (!d)
        return reg_fail(rc, "not_on_probation", "%s 不在试用期", m->licence);
    const char *result = reg_arg(rc, "result");
    const char *then = reg_arg(rc, "then");
    const char *reason = reg_arg(rc, "reason");
    const char *state = pool_state_name(d->state);
    s_change_t ch = {.pool = "duty", .to = state, .from = state, .rule = "19", .until = "0"};
    if (result && strcmp(result, "pass") == 0) {
        ch.action = "probation_passed";
        ch.notice = "probation_passed";
        ch.probation = "passed";
        ch.reason = reason ? reason : "试用期考核合格，转为正式在库人员";
        s_change(rc, job, s_probation_sql, &ch);
        rc->out = json_pack("{s:s, s:s}", "lawyer", m->licence, "probation", "passed");
        return REG_DONE;
    }
    if (!result || strcmp(result, "fail") != 0)
        return reg_fail(rc, "invalid_argument", "--result 应为 pass（考核合格）或 fail（不合格）");
    if (!then || (strcmp(then, "extend") != 0 && strcmp(then, "exit") != 0))
        return reg_fail(rc, "invalid_argument",
                        "考核不合格须决定处理方式：--then extend（延长试用期，配合 --months）"
                        "或 --then exit（退出值班人员库）");
    ch.reason = reason ? reason : "试用期考核不合格";
    if (strcmp(then, "extend") == 0) {
        const char *months = reg_arg(rc, "months");
        int n = months ? atoi(months) : 0;
        if (n < 1 || n > 12)
            return reg_fail(rc, "invalid_argument", "--months 应为 1 至 12 的整数");
        char until[24];
        snprintf(until, sizeof until, "%lld",
                 (long long)reg_day_start_us(rc->reg, pool_add_months(rc->today, n)));
        ch.action = "probation_extended";
        ch.notice = "probation_failed";
        ch.probation = "serving";
        ch.until = until;
        s_change(rc, job, s_probation_sql, &ch);
        rc->out = json_pack("{s:s, s:s, s:s}", "lawyer", m->licence, "probation", "serving",
                            "until", until);
        return REG_DONE;
    }
    pool_state_t to;
    const char *why;
    if (pool_transition(d->state, POOL_A_FAIL_PROBATION, &to, &why) != 0)
        return reg_fail(rc, "not_allowed", "%s", why);
    ch.to = pool_state_name(to);
    ch.action = "exited";
    ch.notice = "probation_failed";
    ch.probation = "probation_failed";
    s_change(rc, job, s_exit_sql, &ch);
    rc->out = json_pack("{s:s, s:s}", "lawyer", m->licence, "duty", "exited");
    return REG_DONE;
}

/* ---- a recruitment round re-confirms members (clause 4) ----------------------- */

typedef struct {
    reg_licences_t list; /* the decoded body; owns what licences points to */
    char **licences;     /* list.licences: valid, unique, at least one */
    size_t n;
} s_round_t;

static void s_round_free(void *p)
{
    s_round_t *r = p;
    reg_licences_free(&r->list);
    free(r);
}

static reg_step_t s_round(reg_cmd_t *rc, db_job_t *job, int stage)
{
    s_round_t *r = rc->data;
    const char *round = reg_arg(rc, "round");
    if (!round)
        return reg_fail(rc, "missing_argument", "缺少轮次（--round，如 2026）");
    if (r->n == 0)
        return reg_fail(rc, "empty", "名单中没有执业证号");
    if (stage == 0) {
        json_t *arr = json_array();
        for (size_t i = 0; i < r->n; i++)
            json_array_append_new(arr, json_string(r->licences[i]));
        char *list = json_dumps(arr, JSON_COMPACT);
        const char *p[] = {rc->center, list};
        db_job_add(job,
                   "SELECT x.licence, (SELECT count(*) FROM memberships m WHERE m.center = $1 "
                   "  AND m.licence = x.licence AND m.state IN ('active', 'suspended')) "
                   "FROM json_array_elements_text($2::json) AS x(licence)",
                   2, p);
        free(list);
        json_decref(arr);
        return REG_MORE;
    }
    const PGresult *res = db_job_result(job, 0);
    json_t *missing = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        if (db_int64(res, i, 1) == 0)
            json_array_append_new(missing, json_string(db_value(res, i, 0)));
    if (json_array_size(missing) > 0) {
        char *ml = json_dumps(missing, JSON_COMPACT);
        reg_fail(rc, "not_member", "以下执业证号不是在库人员，未作任何确认：%s", ml);
        free(ml);
        json_decref(missing);
        return REG_FAIL;
    }
    json_decref(missing);
    for (size_t i = 0; i < r->n; i++) {
        const char *p[15] = {
            rc->center, r->licences[i], NULL, NULL, NULL, "confirmed", "集中更新确认在库",
            "4",        rc->actor,      "0",  "",   "",   "false",     NULL,
            round};
        for (const char *pool = "duty"; pool; pool = strcmp(pool, "duty") == 0 ? "case" : NULL) {
            p[2] = pool;
            for (int s = 0; s < 2; s++) {
                p[3] = p[4] = s == 0 ? "active" : "suspended";
                db_job_add(job, s_confirm_sql, 15, p);
            }
        }
    }
    rc->out = json_pack("{s:s, s:i}", "round", round, "confirmed", (int)r->n);
    return REG_DONE;
}

/* ---- mentor assign (clause 24) ------------------------------------------------- */

/* mentor assign LICENCE [--mentor X]: a case-pool member's mentor, chosen
 * by the rule (pool_pick_partner) or named by staff — for a newcomer whose
 * mentor left, or when nobody qualified at activation. */
static reg_step_t s_mentor(reg_cmd_t *rc, db_job_t *job, s_member_t *m, int stage)
{
    const char *named = reg_arg(rc, "mentor");
    if (stage == 1) {
        if (s_load(rc, job, m) != 0)
            return REG_FAIL;
        const s_ms_t *cm = NULL;
        for (size_t i = 0; i < m->nms; i++)
            if (strcmp(m->ms[i].pool, "case") == 0 && m->ms[i].state == POOL_S_ACTIVE)
                cm = &m->ms[i];
        if (!cm)
            return reg_fail(rc, "not_member", "%s 不是在库的办案人员", m->licence);
        if (named && strcmp(named, m->licence) == 0)
            return reg_fail(rc, "invalid_argument", "不能指定本人为导师");
        const char *p[] = {rc->center, m->licence, "case"};
        db_job_add(job, s_candidates_sql, 3, p);
        return REG_MORE;
    }
    const PGresult *res = db_job_result(job, 0);
    const char *mentor = NULL;
    if (named) {
        for (int i = 0; i < PQntuples(res); i++)
            if (strcmp(db_value(res, i, 0), named) == 0)
                mentor = db_value(res, i, 0);
        if (!mentor)
            return reg_fail(rc, "invalid_argument", "%s 不是在库的办案人员，不能担任导师", named);
    } else {
        mentor = s_pick(res, rc->today, rc->reg->mentor_years);
        if (!mentor)
            return reg_fail(
                rc, "no_mentor",
                "没有办理法律援助案件满 %d 年且可担任导师的在库人员，请用 --mentor 指定",
                rc->reg->mentor_years);
    }
    s_change_t pc = {.pool = "case",
                     .to = "active",
                     .from = "active",
                     .action = "mentor_assigned",
                     .rule = "24",
                     .reason = named ? "市中心指定导师" : "按规则指定导师",
                     .other = mentor,
                     .notice = "mentor_assigned",
                     .until = "0"};
    s_change(rc, job, s_mentor_sql, &pc);
    rc->out = json_pack("{s:s, s:{s:s}}", "lawyer", m->licence, "partners", "case", mentor);
    return REG_DONE;
}

static void s_cmd_free(void *p)
{
    free(p);
}

bool registry_member_command(registry_t *reg, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    static const struct {
        const char *command;
        s_member_fn fn;
    } member[] = {
        {"member_train", s_simple},   {"member_suspend", s_simple}, {"member_resume", s_simple},
        {"member_rectify", s_simple}, {"member_exit", s_simple},    {"member_remove", s_simple},
        {"member_exam", s_exam},      {"probation", s_probation},   {"mentor_assign", s_mentor}};
    for (size_t i = 0; i < sizeof member / sizeof member[0]; i++)
        if (strcmp(cmd->command, member[i].command) == 0) {
            s_cmd_t *c = calloc(1, sizeof *c);
            c->fn = member[i].fn;
            reg_cmd_run(reg, req, s_member_step, c, s_cmd_free);
            return true;
        }
    if (strcmp(cmd->command, "round_confirm") == 0) {
        s_round_t *r = calloc(1, sizeof *r);
        /* the body: licences, one per record (or the first CSV column); a
         * list with any error confirms nobody */
        if (reg_csv_parse_licences((const char *)cmd->body.data, cmd->body.len, &r->list) != 0) {
            char *body = reg_csv_errors_json(r->list.errors, r->list.nerrors);
            char msg[128];
            snprintf(msg, sizeof msg, "名单有 %zu 处错误，未作任何确认", r->list.nerrors);
            ctlcmd_reply_error_body(req, "invalid_csv", msg, body);
            free(body);
            s_round_free(r);
            return true;
        }
        r->licences = r->list.licences;
        r->n = r->list.nlicences;
        reg_cmd_run(reg, req, s_round, r, s_round_free);
        return true;
    }
    return false;
}
