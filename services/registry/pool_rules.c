/* pool_rules — the resource pool's rules as pure functions (see pool_rules.h).
 * Owns no state; every date is a civil day number, every year count agrees
 * with time_years_between. What staff read (failures, refusals, labels) is in
 * the templates and tables at the top of this file. */
#include "pool_rules.h"

#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fayuan/timeutil.h"

/* ---- messages for staff (zh-CN) --------------------------------------------------------- */

/* Eligibility: what fails, since when, from when it no longer does, which clause. The
 * last %s is the pool applied for. */
#define MSG_NO_LICENCE "未取得律师执业证，不能申请%s（第六条）"
#define MSG_LICENCE_YEARS "执业未满%d年（执业证取得于%s），%s起可申请%s（第六条）"
#define MSG_PENALTY                                                                                \
    "近%d年内受过党纪处理、行政处罚或行业处分（最近一次于%s），%s起可申请%s（第六条）"
#define MSG_UNQUALIFIED "近%d年内有案件质量评估为不合格（最近一次于%s），%s起可申请%s（第六条）"
#define MSG_REMOVED "曾于%s被清退出资源库，%d年内不得重新申请，%s起可申请%s（第二十八条）"
#define MSG_REMOVED_EVER "曾于%s被清退出资源库，不得重新申请（第六条）"
#define MSG_CASE_POOL "办案人员库"
#define MSG_DUTY_POOL "值班人员库"

/* Refusals of the state machine. */
static const char s_bad_state[] = "未知的入库状态";
static const char s_bad_action[] = "未知的操作";
static const char s_apply_pending[] = "已提交申请，正在等待审核，不能重复申请";
static const char s_apply_member[] = "已是资源库成员，不能重复申请";
static const char s_approve_none[] = "没有待审核的申请，不能批准";
static const char s_approve_done[] = "申请已经批准，不能重复批准";
static const char s_reject_none[] = "没有待审核的申请，不能驳回";
static const char s_reject_done[] = "申请已经批准，不能再驳回";
static const char s_train_pending[] = "申请尚未批准，不能记录培训";
static const char s_train_done[] = "已完成培训，不能重复记录培训";
static const char s_train_out[] = "不是资源库成员，不能记录培训";
static const char s_exam_pending[] = "申请尚未批准，不能记录考试结果";
static const char s_exam_untrained[] = "尚未完成培训，不能记录考试结果";
static const char s_exam_done[] = "已通过考试，不能再记录考试结果";
static const char s_exam_out[] = "不是资源库成员，不能记录考试结果";
static const char s_suspend_new[] = "尚未正式在库，不能暂停";
static const char s_suspend_out[] = "不是资源库成员，不能暂停";
static const char s_resume_active[] = "未被暂停，无需恢复";
static const char s_resume_other[] = "未被暂停，不能恢复";
static const char s_exit_new[] = "尚未正式在库，不能申请自愿退出（第二十六条）";
static const char s_exit_out[] = "不是资源库成员，无需退出";
static const char s_report_pending[] = "申请尚在审核中，不再符合条件的应驳回申请（第二十七条）";
static const char s_report_out[] = "不是资源库成员，无需报告退出";
static const char s_remove_out[] = "不是资源库成员，不能清退";
static const char s_probation_new[] = "尚未正式在库，没有试用期可终止";
static const char s_probation_out[] = "不是资源库成员，没有试用期可终止";

/* ---- dates ------------------------------------------------------------------------------ */

static bool s_is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int s_days_in_month(int64_t y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && s_is_leap(y) ? 29 : len[m - 1];
}

int64_t pool_add_years(int64_t day, int n)
{
    int y, m, d;
    time_civil_from_days(day, &y, &m, &d);
    int64_t ny = (int64_t)y + n;
    assert(ny > INT_MIN && ny < INT_MAX);
    /* Roll forward, not back: 28 February is still short of a whole year for
     * someone who started on 29 February (time_years_between agrees). */
    if (m == 2 && d == 29 && !s_is_leap(ny)) {
        m = 3;
        d = 1;
    }
    return time_days_from_civil((int)ny, m, d);
}

int64_t pool_add_months(int64_t day, int n)
{
    int y, m, d;
    time_civil_from_days(day, &y, &m, &d);
    int64_t months = (int64_t)y * 12 + (m - 1) + n; /* months since year 0 */
    int64_t ny = months >= 0 ? months / 12 : -((-months + 11) / 12);
    int nm = (int)(months - ny * 12) + 1;
    assert(ny > INT_MIN && ny < INT_MAX);
    int last = s_days_in_month(ny, nm);
    return time_days_from_civil((int)ny, nm, d > last ? last : d);
}

/* "YYYY-MM-DD" into buf (at least 16 bytes). */
static const char *s_date(int64_t day, char *buf, size_t len)
{
    int y, m, d;
    time_civil_from_days(day, &y, &m, &d);
    snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
    return buf;
}

/* ---- eligibility ------------------------------------------------------------------------ */

/* Cuts a string that snprintf truncated to len - 1 bytes back to the last
 * whole UTF-8 character. */
static void s_cut_utf8(char *s, size_t len)
{
    size_t end = len - 1, lead = end;
    while (lead > 0 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead == 0)
        return;
    lead--; /* the lead byte of the last character */
    unsigned char c = (unsigned char)s[lead];
    size_t need = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (lead + need > end)
        s[lead] = '\0';
}

/* Appends a failure with a formatted message. The templates are far shorter
 * than the buffer; should one ever outgrow it, the message is cut at a whole
 * character, never mid-character. */
__attribute__((format(printf, 4, 5))) static void
s_fail(pool_eligibility_t *out, int code, int64_t eligible_from, const char *fmt, ...)
{
    assert(out->nfails < POOL_FAIL_COUNT);
    pool_failure_t *f = &out->fails[out->nfails++];
    f->code = code;
    f->eligible_from = eligible_from;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
    assert(n >= 0 && (size_t)n < sizeof f->message);
    if (n < 0)
        f->message[0] = '\0';
    else if ((size_t)n >= sizeof f->message)
        s_cut_utf8(f->message, sizeof f->message);
    if (eligible_from > out->eligible_from)
        out->eligible_from = eligible_from;
}

/* A condition "no <event> within `years` years": it holds again on the
 * years-th anniversary of the latest event. Returns that day, or POOL_NONE if
 * there is no event or the anniversary is already here. */
static int64_t s_bar_until(int64_t last, int years, int64_t today)
{
    if (last == POOL_NONE)
        return POOL_NONE;
    int64_t until = pool_add_years(last, years);
    return today < until ? until : POOL_NONE;
}

void pool_check_eligibility(const pool_policy_t *policy, const pool_applicant_t *a,
                            pool_eligibility_t *out)
{
    assert(policy && a && out);
    assert(policy->licence_years >= 0 && policy->clean_years >= 0 && policy->removal_years >= 0);
    memset(out, 0, sizeof *out);
    out->eligible_from = a->today;
    const char *pool = a->case_pool ? MSG_CASE_POOL : MSG_DUTY_POOL;
    char d0[16], d1[16];

    if (a->social_lawyer && a->case_pool) {
        if (a->licensed_since == POOL_NONE) {
            s_fail(out, POOL_FAIL_NO_LICENCE, POOL_NEVER, MSG_NO_LICENCE, pool);
        } else {
            int64_t until = s_bar_until(a->licensed_since, policy->licence_years, a->today);
            if (until != POOL_NONE)
                s_fail(out, POOL_FAIL_LICENCE_YEARS, until, MSG_LICENCE_YEARS,
                       policy->licence_years, s_date(a->licensed_since, d0, sizeof d0),
                       s_date(until, d1, sizeof d1), pool);
        }
    }
    if (a->social_lawyer) {
        int64_t until = s_bar_until(a->last_penalty, policy->clean_years, a->today);
        if (until != POOL_NONE)
            s_fail(out, POOL_FAIL_PENALTY, until, MSG_PENALTY, policy->clean_years,
                   s_date(a->last_penalty, d0, sizeof d0), s_date(until, d1, sizeof d1), pool);
        until = s_bar_until(a->last_unqualified, policy->clean_years, a->today);
        if (until != POOL_NONE)
            s_fail(out, POOL_FAIL_UNQUALIFIED, until, MSG_UNQUALIFIED, policy->clean_years,
                   s_date(a->last_unqualified, d0, sizeof d0), s_date(until, d1, sizeof d1), pool);
    }
    if (a->removed_on != POOL_NONE) {
        if (policy->removal_years == 0) {
            s_fail(out, POOL_FAIL_REMOVED, POOL_NEVER, MSG_REMOVED_EVER,
                   s_date(a->removed_on, d0, sizeof d0));
        } else {
            int64_t until = s_bar_until(a->removed_on, policy->removal_years, a->today);
            if (until != POOL_NONE)
                s_fail(out, POOL_FAIL_REMOVED, until, MSG_REMOVED,
                       s_date(a->removed_on, d0, sizeof d0), policy->removal_years,
                       s_date(until, d1, sizeof d1), pool);
        }
    }
}

const char *pool_fail_code(int code)
{
    static const char *const names[POOL_FAIL_COUNT] = {
        [POOL_FAIL_NO_LICENCE] = "no_licence", [POOL_FAIL_LICENCE_YEARS] = "licence_years",
        [POOL_FAIL_PENALTY] = "penalty",       [POOL_FAIL_UNQUALIFIED] = "unqualified_case",
        [POOL_FAIL_REMOVED] = "removed",
    };
    return code >= 0 && code < POOL_FAIL_COUNT ? names[code] : NULL;
}

/* ---- state machine ---------------------------------------------------------------------- */

/* One cell of the table: allowed (why == NULL) with its target, or refused
 * with the reason. No action leads to NONE, so an empty cell is a bug. */
typedef struct {
    pool_state_t to;
    const char *why;
} s_cell_t;

#define GO(state)                                                                                  \
    {                                                                                              \
        (state), NULL                                                                              \
    }
#define NO(reason)                                                                                 \
    {                                                                                              \
        POOL_S_NONE, (reason)                                                                      \
    }

/* [action][from]; columns in pool_state_t order:
 *   NONE, APPLICANT, APPROVED, TRAINED, ACTIVE, SUSPENDED, EXITED, REJECTED */
static const s_cell_t s_fsm[POOL_A_COUNT][POOL_S_COUNT] = {
    [POOL_A_APPLY] = {GO(POOL_S_APPLICANT), NO(s_apply_pending), NO(s_apply_member),
                      NO(s_apply_member), NO(s_apply_member), NO(s_apply_member),
                      GO(POOL_S_APPLICANT), GO(POOL_S_APPLICANT)},
    [POOL_A_APPROVE] = {NO(s_approve_none), GO(POOL_S_APPROVED), NO(s_approve_done),
                        NO(s_approve_done), NO(s_approve_done), NO(s_approve_done),
                        NO(s_approve_none), NO(s_approve_none)},
    [POOL_A_REJECT] = {NO(s_reject_none), GO(POOL_S_REJECTED), NO(s_reject_done), NO(s_reject_done),
                       NO(s_reject_done), NO(s_reject_done), NO(s_reject_none), NO(s_reject_none)},
    [POOL_A_TRAIN] = {NO(s_train_out), NO(s_train_pending), GO(POOL_S_TRAINED), NO(s_train_done),
                      NO(s_train_done), NO(s_train_done), NO(s_train_out), NO(s_train_out)},
    [POOL_A_EXAM_PASS] = {NO(s_exam_out), NO(s_exam_pending), NO(s_exam_untrained),
                          GO(POOL_S_ACTIVE), NO(s_exam_done), NO(s_exam_done), NO(s_exam_out),
                          NO(s_exam_out)},
    [POOL_A_EXAM_FAIL] = {NO(s_exam_out), NO(s_exam_pending), NO(s_exam_untrained),
                          GO(POOL_S_TRAINED), NO(s_exam_done), NO(s_exam_done), NO(s_exam_out),
                          NO(s_exam_out)},
    [POOL_A_IMPORT] = {GO(POOL_S_ACTIVE), GO(POOL_S_ACTIVE), GO(POOL_S_ACTIVE), GO(POOL_S_ACTIVE),
                       GO(POOL_S_ACTIVE), GO(POOL_S_ACTIVE), GO(POOL_S_ACTIVE), GO(POOL_S_ACTIVE)},
    [POOL_A_SUSPEND] = {NO(s_suspend_out), NO(s_suspend_new), NO(s_suspend_new), NO(s_suspend_new),
                        GO(POOL_S_SUSPENDED), GO(POOL_S_SUSPENDED), NO(s_suspend_out),
                        NO(s_suspend_out)},
    [POOL_A_RESUME] = {NO(s_resume_other), NO(s_resume_other), NO(s_resume_other),
                       NO(s_resume_other), NO(s_resume_active), GO(POOL_S_ACTIVE),
                       NO(s_resume_other), NO(s_resume_other)},
    [POOL_A_EXIT] = {NO(s_exit_out), NO(s_exit_new), NO(s_exit_new), NO(s_exit_new),
                     GO(POOL_S_EXITED), GO(POOL_S_EXITED), NO(s_exit_out), NO(s_exit_out)},
    [POOL_A_REPORT] = {NO(s_report_out), NO(s_report_pending), GO(POOL_S_EXITED), GO(POOL_S_EXITED),
                       GO(POOL_S_EXITED), GO(POOL_S_EXITED), NO(s_report_out), NO(s_report_out)},
    [POOL_A_REMOVE] = {NO(s_remove_out), GO(POOL_S_EXITED), GO(POOL_S_EXITED), GO(POOL_S_EXITED),
                       GO(POOL_S_EXITED), GO(POOL_S_EXITED), NO(s_remove_out), NO(s_remove_out)},
    [POOL_A_FAIL_PROBATION] = {NO(s_probation_out), NO(s_probation_new), NO(s_probation_new),
                               NO(s_probation_new), GO(POOL_S_EXITED), GO(POOL_S_EXITED),
                               NO(s_probation_out), NO(s_probation_out)},
};

#undef GO
#undef NO

int pool_transition(pool_state_t from, pool_action_t action, pool_state_t *to, const char **why)
{
    const char *refusal;
    if ((int)from < 0 || from >= POOL_S_COUNT) {
        refusal = s_bad_state;
    } else if ((int)action < 0 || action >= POOL_A_COUNT) {
        refusal = s_bad_action;
    } else {
        const s_cell_t *c = &s_fsm[action][from];
        assert(c->why || c->to != POOL_S_NONE);
        if (!c->why) {
            if (to)
                *to = c->to;
            if (why)
                *why = NULL;
            return 0;
        }
        refusal = c->why;
    }
    if (why)
        *why = refusal;
    return -1;
}

/* ---- names ------------------------------------------------------------------------------ */

static const char *const s_state_names[POOL_S_COUNT] = {
    [POOL_S_NONE] = "",
    [POOL_S_APPLICANT] = "applicant",
    [POOL_S_APPROVED] = "approved",
    [POOL_S_TRAINED] = "trained",
    [POOL_S_ACTIVE] = "active",
    [POOL_S_SUSPENDED] = "suspended",
    [POOL_S_EXITED] = "exited",
    [POOL_S_REJECTED] = "rejected",
};

static const char *const s_state_zh[POOL_S_COUNT] = {
    [POOL_S_NONE] = "未申请",    [POOL_S_APPLICANT] = "申请中",    [POOL_S_APPROVED] = "待培训",
    [POOL_S_TRAINED] = "待考试", [POOL_S_ACTIVE] = "在库",         [POOL_S_SUSPENDED] = "暂停",
    [POOL_S_EXITED] = "已退出",  [POOL_S_REJECTED] = "未通过审核",
};

static const char *const s_action_names[POOL_A_COUNT] = {
    [POOL_A_APPLY] = "apply",
    [POOL_A_APPROVE] = "approve",
    [POOL_A_REJECT] = "reject",
    [POOL_A_TRAIN] = "train",
    [POOL_A_EXAM_PASS] = "exam_pass",
    [POOL_A_EXAM_FAIL] = "exam_fail",
    [POOL_A_IMPORT] = "import",
    [POOL_A_SUSPEND] = "suspend",
    [POOL_A_RESUME] = "resume",
    [POOL_A_EXIT] = "exit",
    [POOL_A_REPORT] = "report",
    [POOL_A_REMOVE] = "remove",
    [POOL_A_FAIL_PROBATION] = "fail_probation",
};

static int s_lookup(const char *const *names, int n, const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

const char *pool_state_name(pool_state_t s)
{
    return (int)s >= 0 && s < POOL_S_COUNT ? s_state_names[s] : NULL;
}

int pool_state_parse(const char *s)
{
    return s_lookup(s_state_names, POOL_S_COUNT, s);
}

const char *pool_action_name(pool_action_t a)
{
    return (int)a >= 0 && a < POOL_A_COUNT ? s_action_names[a] : NULL;
}

int pool_action_parse(const char *s)
{
    return s_lookup(s_action_names, POOL_A_COUNT, s);
}

const char *pool_state_zh(pool_state_t s)
{
    return (int)s >= 0 && s < POOL_S_COUNT ? s_state_zh[s] : NULL;
}

/* ---- probation and mentors -------------------------------------------------------------- */

static int s_years_between(int64_t from, int64_t to)
{
    int y0, m0, d0, y1, m1, d1;
    time_civil_from_days(from, &y0, &m0, &d0);
    time_civil_from_days(to, &y1, &m1, &d1);
    return time_years_between(y0, m0, d0, y1, m1, d1);
}

bool pool_needs_probation(int64_t qualified_since, int64_t licensed_since, int64_t active_on)
{
    int64_t since = qualified_since != POOL_NONE ? qualified_since : licensed_since;
    if (since == POOL_NONE)
        return false;
    return s_years_between(since, active_on) < 1;
}

int64_t pool_probation_end(int64_t active_on, int months)
{
    return pool_add_months(active_on, months);
}

bool pool_needs_mentor(int64_t first_case_here)
{
    return first_case_here == POOL_NONE;
}

/* Licences compared with NULL last, so that the order stays total. */
static int s_licence_cmp(const char *a, const char *b)
{
    if (!a || !b)
        return (a == NULL) - (b == NULL);
    return strcmp(a, b);
}

/* True if a goes before b in the pairing order. */
static bool s_better(const pool_candidate_t *a, const pool_candidate_t *b)
{
    if (a->shares_specialty != b->shares_specialty)
        return a->shares_specialty;
    if (a->load != b->load)
        return a->load < b->load;
    if (a->experience_since != b->experience_since)
        return a->experience_since < b->experience_since;
    return s_licence_cmp(a->licence, b->licence) < 0;
}

int pool_pick_partner(const pool_candidate_t *c, size_t n, int64_t today, int min_years)
{
    assert(c || n == 0);
    assert(n <= INT_MAX);
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        if (!c[i].available || c[i].experience_since == POOL_NONE ||
            s_years_between(c[i].experience_since, today) < min_years)
            continue;
        if (best < 0 || s_better(&c[i], &c[best]))
            best = (int)i;
    }
    return best;
}
