/* Unit tests for pool_rules: date arithmetic (whole years as in
 * time_years_between, months clamped), clause 6 eligibility and clause 28's
 * bar with their boundaries and messages, every (state, action) pair of the
 * membership state machine, names, clause 19 probation and the choice of a
 * mentor or companion (clauses 19, 24). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fayuan/timeutil.h"
#include "pool_rules.h"

#define D(y, m, d) time_days_from_civil((y), (m), (d))
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define TODAY D(2026, 11, 26)

static const pool_policy_t s_policy = POOL_POLICY_DEFAULT;

/* A social lawyer applying for the case pool with a clean record. */
static pool_applicant_t s_clean(void)
{
    return (pool_applicant_t){
        .case_pool = true,
        .social_lawyer = true,
        .today = TODAY,
        .licensed_since = D(2015, 7, 1),
        .last_penalty = POOL_NONE,
        .last_unqualified = POOL_NONE,
        .removed_on = POOL_NONE,
    };
}

static const char *s_ymd(int64_t day, char *buf, size_t len)
{
    int y, m, d;
    time_civil_from_days(day, &y, &m, &d);
    snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
    return buf;
}

static void s_expect_day(int64_t got, int64_t want)
{
    if (got != want) {
        char g[16], w[16];
        fail_msg("got %s, want %s", got == POOL_NEVER ? "never" : s_ymd(got, g, sizeof g),
                 want == POOL_NEVER ? "never" : s_ymd(want, w, sizeof w));
    }
}

/* s is valid, non-empty UTF-8 (nothing cut mid-character). */
static void s_expect_utf8(const char *s)
{
    assert_non_null(s);
    assert_true(s[0] != '\0');
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int extra = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : 3;
        if ((*p & 0xC0) == 0x80 || (*p & 0xF8) == 0xF8)
            fail_msg("bad lead byte in \"%s\"", s);
        for (int i = 1; i <= extra; i++)
            if ((p[i] & 0xC0) != 0x80)
                fail_msg("truncated character in \"%s\"", s);
        p += 1 + extra;
    }
}

/* The checks every result must satisfy, then the failures in order. */
static void s_check(const pool_policy_t *policy, const pool_applicant_t *a, pool_eligibility_t *e)
{
    memset(e, 0x5a, sizeof *e);
    pool_check_eligibility(policy, a, e);
    assert_true(e->nfails <= POOL_FAIL_COUNT);
    int64_t latest = a->today;
    for (size_t i = 0; i < e->nfails; i++) {
        const pool_failure_t *f = &e->fails[i];
        assert_true(f->code >= 0 && f->code < POOL_FAIL_COUNT);
        if (i > 0)
            assert_true(f->code > e->fails[i - 1].code); /* each at most once, in code order */
        assert_true(f->eligible_from > a->today);
        assert_true(strlen(f->message) < sizeof f->message);
        s_expect_utf8(f->message);
        if (f->eligible_from > latest)
            latest = f->eligible_from;
    }
    s_expect_day(e->eligible_from, latest);
}

static void s_expect_eligible(const pool_policy_t *policy, const pool_applicant_t *a)
{
    pool_eligibility_t e;
    s_check(policy, a, &e);
    if (e.nfails != 0)
        fail_msg("expected eligible, first failure: %s", e.fails[0].message);
    s_expect_day(e.eligible_from, a->today);
}

/* Exactly one failure, of code, until `until`; returns it for message checks. */
static pool_failure_t s_expect_one(const pool_policy_t *policy, const pool_applicant_t *a, int code,
                                   int64_t until)
{
    pool_eligibility_t e;
    s_check(policy, a, &e);
    assert_int_equal(e.nfails, 1);
    assert_int_equal(e.fails[0].code, code);
    s_expect_day(e.fails[0].eligible_from, until);
    s_expect_day(e.eligible_from, until);
    return e.fails[0];
}

static void s_expect_contains(const char *s, const char *part)
{
    if (!strstr(s, part))
        fail_msg("\"%s\" does not contain \"%s\"", s, part);
}

/* ---- dates ------------------------------------------------------------------------------ */

static void test_add_years_known(void **state)
{
    (void)state;
    s_expect_day(pool_add_years(D(2025, 3, 1), 2), D(2027, 3, 1));
    s_expect_day(pool_add_years(D(2024, 2, 29), 1), D(2025, 3, 1));
    s_expect_day(pool_add_years(D(2024, 2, 29), 3), D(2027, 3, 1));
    s_expect_day(pool_add_years(D(2024, 2, 29), 4), D(2028, 2, 29));
    s_expect_day(pool_add_years(D(2000, 2, 29), 100), D(2100, 3, 1)); /* 2100 is common */
    s_expect_day(pool_add_years(D(2000, 2, 29), 400), D(2400, 2, 29));
    s_expect_day(pool_add_years(D(2024, 2, 28), 1), D(2025, 2, 28));
    s_expect_day(pool_add_years(D(2024, 12, 31), 1), D(2025, 12, 31));
    s_expect_day(pool_add_years(D(2026, 11, 26), 0), D(2026, 11, 26));
    s_expect_day(pool_add_years(D(2026, 11, 26), -3), D(2023, 11, 26));
    s_expect_day(pool_add_years(D(2024, 2, 29), -1), D(2023, 3, 1));
    s_expect_day(pool_add_years(D(1969, 12, 31), 2), D(1971, 12, 31));
}

/* For every day d and n >= 1: n whole years have passed on pool_add_years(d, n)
 * and not on the day before. (n = 0 is the identity; the day before d is not
 * "-1 years" because time_years_between truncates toward zero.) */
static void test_add_years_agrees_with_years_between(void **state)
{
    (void)state;
    for (int64_t d = D(1999, 1, 1); d <= D(2005, 1, 1); d++) {
        int y0, m0, d0;
        time_civil_from_days(d, &y0, &m0, &d0);
        s_expect_day(pool_add_years(d, 0), d);
        for (int n = 1; n <= 9; n++) {
            int64_t a = pool_add_years(d, n);
            int y1, m1, d1, yb, mb, db;
            time_civil_from_days(a, &y1, &m1, &d1);
            time_civil_from_days(a - 1, &yb, &mb, &db);
            if (time_years_between(y0, m0, d0, y1, m1, d1) != n ||
                time_years_between(y0, m0, d0, yb, mb, db) != n - 1)
                fail_msg("%04d-%02d-%02d + %d years = %04d-%02d-%02d disagrees", y0, m0, d0, n, y1,
                         m1, d1);
        }
    }
}

static void test_add_months_clamps(void **state)
{
    (void)state;
    s_expect_day(pool_add_months(D(2026, 4, 10), 3), D(2026, 7, 10));
    s_expect_day(pool_add_months(D(2026, 1, 31), 1), D(2026, 2, 28));
    s_expect_day(pool_add_months(D(2024, 1, 31), 1), D(2024, 2, 29));
    s_expect_day(pool_add_months(D(2025, 11, 30), 3), D(2026, 2, 28));
    s_expect_day(pool_add_months(D(2023, 11, 30), 3), D(2024, 2, 29));
    s_expect_day(pool_add_months(D(2026, 3, 31), 1), D(2026, 4, 30));
    s_expect_day(pool_add_months(D(2026, 10, 31), 2), D(2026, 12, 31));
    s_expect_day(pool_add_months(D(2026, 11, 26), 0), D(2026, 11, 26));
    s_expect_day(pool_add_months(D(2026, 12, 15), 1), D(2027, 1, 15));
    s_expect_day(pool_add_months(D(2026, 11, 26), 14), D(2028, 1, 26));
    s_expect_day(pool_add_months(D(2024, 2, 29), 12), D(2025, 2, 28));
    s_expect_day(pool_add_months(D(2026, 3, 31), -1), D(2026, 2, 28));
    s_expect_day(pool_add_months(D(2026, 1, 15), -1), D(2025, 12, 15));
    s_expect_day(pool_add_months(D(2026, 1, 15), -13), D(2024, 12, 15));
    s_expect_day(pool_add_months(D(1970, 1, 31), -1), D(1969, 12, 31));
}

/* ---- eligibility ------------------------------------------------------------------------ */

static void test_eligible_clean_record(void **state)
{
    (void)state;
    pool_applicant_t a = s_clean();
    s_expect_eligible(&s_policy, &a);
    a.case_pool = false;
    s_expect_eligible(&s_policy, &a);
    /* Old records outside every window. */
    a = s_clean();
    a.last_penalty = D(2020, 1, 1);
    a.last_unqualified = D(2021, 6, 30);
    a.removed_on = D(2019, 3, 3);
    s_expect_eligible(&s_policy, &a);
}

static void test_licence_years_boundary(void **state)
{
    (void)state;
    pool_applicant_t a = s_clean();
    a.licensed_since = D(2025, 3, 1);
    a.today = D(2027, 2, 28);
    pool_failure_t f = s_expect_one(&s_policy, &a, POOL_FAIL_LICENCE_YEARS, D(2027, 3, 1));
    assert_string_equal(f.message, "执业未满2年（执业证取得于2025-03-01），2027-03-01起可申请"
                                   "办案人员库（第六条）");
    a.today = D(2027, 3, 1); /* eligible on the anniversary */
    s_expect_eligible(&s_policy, &a);
    a.today = D(2025, 3, 1); /* licensed today */
    s_expect_one(&s_policy, &a, POOL_FAIL_LICENCE_YEARS, D(2027, 3, 1));

    pool_policy_t p = s_policy;
    p.licence_years = 5;
    a.licensed_since = D(2022, 11, 26);
    a.today = D(2027, 11, 25);
    f = s_expect_one(&p, &a, POOL_FAIL_LICENCE_YEARS, D(2027, 11, 26));
    s_expect_contains(f.message, "执业未满5年");
    a.today = D(2027, 11, 26);
    s_expect_eligible(&p, &a);
}

static void test_licence_leap_day(void **state)
{
    (void)state;
    pool_applicant_t a = s_clean();
    a.licensed_since = D(2024, 2, 29);
    a.today = D(2026, 2, 28);
    pool_failure_t f = s_expect_one(&s_policy, &a, POOL_FAIL_LICENCE_YEARS, D(2026, 3, 1));
    s_expect_contains(f.message, "2024-02-29");
    s_expect_contains(f.message, "2026-03-01起");
    a.today = D(2026, 3, 1);
    s_expect_eligible(&s_policy, &a);

    pool_policy_t p = s_policy;
    p.licence_years = 4;
    a.today = D(2028, 2, 28);
    s_expect_one(&p, &a, POOL_FAIL_LICENCE_YEARS, D(2028, 2, 29));
    a.today = D(2028, 2, 29);
    s_expect_eligible(&p, &a);
}

static void test_no_licence(void **state)
{
    (void)state;
    pool_applicant_t a = s_clean();
    a.licensed_since = POOL_NONE;
    pool_failure_t f = s_expect_one(&s_policy, &a, POOL_FAIL_NO_LICENCE, POOL_NEVER);
    s_expect_contains(f.message, "办案人员库");
    s_expect_contains(f.message, "第六条");
}

/* Clause 6: no minimum years of practice for the duty pool. */
static void test_duty_pool_has_no_licence_condition(void **state)
{
    (void)state;
    pool_applicant_t a = s_clean();
    a.case_pool = false;
    a.licensed_since = a.today;
    s_expect_eligible(&s_policy, &a);
    a.licensed_since = POOL_NONE;
    s_expect_eligible(&s_policy, &a);
}

static void test_penalty_boundary(void **state)
{
    (void)state;
    pool_applicant_t a = s_clean();
    a.last_penalty = D(2024, 5, 10);
    a.today = D(2027, 5, 9);
    pool_failure_t f = s_expect_one(&s_policy, &a, POOL_FAIL_PENALTY, D(2027, 5, 10));
    s_expect_contains(f.message, "近3年内");
    s_expect_contains(f.message, "2024-05-10");
    s_expect_contains(f.message, "2027-05-10起");
    s_expect_contains(f.message, "第六条");
    a.today = D(2027, 5, 10);
    s_expect_eligible(&s_policy, &a);

    /* Binds the duty pool too; a leap-day penalty clears on 1 March. */
    a.case_pool = false;
    a.last_penalty = D(2024, 2, 29);
    a.today = D(2027, 2, 28);
    f = s_expect_one(&s_policy, &a, POOL_FAIL_PENALTY, D(2027, 3, 1));
    s_expect_contains(f.message, "值班人员库");
    a.today = D(2027, 3, 1);
    s_expect_eligible(&s_policy, &a);
}

static void test_unqualified_boundary(void **state)
{
    (void)state;
    pool_applicant_t a = s_clean();
    a.last_unqualified = D(2023, 11, 27);
    pool_failure_t f = s_expect_one(&s_policy, &a, POOL_FAIL_UNQUALIFIED, D(2026, 11, 27));
    s_expect_contains(f.message, "不合格");
    s_expect_contains(f.message, "2023-11-27");
    s_expect_contains(f.message, "2026-11-27起");
    a.last_unqualified = D(2023, 11, 26); /* third anniversary is today */
    s_expect_eligible(&s_policy, &a);

    pool_policy_t p = s_policy;
    p.clean_years = 5;
    a.last_unqualified = D(2022, 1, 1);
    f = s_expect_one(&p, &a, POOL_FAIL_UNQUALIFIED, D(2027, 1, 1));
    s_expect_contains(f.message, "近5年内");
}

static void test_removal_boundary(void **state)
{
    (void)state;
    pool_applicant_t a = s_clean();
    a.removed_on = D(2024, 5, 10);
    a.today = D(2027, 5, 9);
    pool_failure_t f = s_expect_one(&s_policy, &a, POOL_FAIL_REMOVED, D(2027, 5, 10));
    s_expect_contains(f.message, "2024-05-10");
    s_expect_contains(f.message, "2027-05-10起");
    s_expect_contains(f.message, "第二十八条");
    a.today = D(2027, 5, 10);
    s_expect_eligible(&s_policy, &a);

    pool_policy_t p = s_policy;
    p.removal_years = 5;
    a.removed_on = D(2024, 2, 29);
    a.today = D(2029, 2, 28);
    s_expect_one(&p, &a, POOL_FAIL_REMOVED, D(2029, 3, 1));
    a.today = D(2029, 3, 1);
    s_expect_eligible(&p, &a);
}

/* removal_years 0: clause 6's "never removed" — the bar has no end. */
static void test_removal_for_ever(void **state)
{
    (void)state;
    pool_policy_t p = s_policy;
    p.removal_years = 0;
    pool_applicant_t a = s_clean();
    a.removed_on = D(1999, 1, 1);
    pool_failure_t f = s_expect_one(&p, &a, POOL_FAIL_REMOVED, POOL_NEVER);
    s_expect_contains(f.message, "1999-01-01");
    s_expect_contains(f.message, "不得重新申请");
    a.social_lawyer = false;
    a.case_pool = false;
    s_expect_one(&p, &a, POOL_FAIL_REMOVED, POOL_NEVER);
    a.removed_on = POOL_NONE;
    s_expect_eligible(&p, &a);
}

/* Public lawyers, volunteers and staff: only the removal bar. */
static void test_non_social_only_removal_bar(void **state)
{
    (void)state;
    pool_applicant_t a = s_clean();
    a.social_lawyer = false;
    a.licensed_since = POOL_NONE;
    a.last_penalty = D(2026, 1, 1);
    a.last_unqualified = D(2026, 2, 1);
    s_expect_eligible(&s_policy, &a);
    a.licensed_since = D(2026, 11, 1);
    s_expect_eligible(&s_policy, &a);
    a.removed_on = D(2025, 6, 1);
    s_expect_one(&s_policy, &a, POOL_FAIL_REMOVED, D(2028, 6, 1));
}

static void test_multiple_failures(void **state)
{
    (void)state;
    pool_applicant_t a = s_clean();
    a.licensed_since = D(2025, 3, 1);   /* until 2027-03-01 */
    a.last_penalty = D(2025, 8, 1);     /* until 2028-08-01, the latest */
    a.last_unqualified = D(2024, 1, 5); /* until 2027-01-05 */
    a.removed_on = D(2024, 9, 9);       /* until 2027-09-09 */
    pool_eligibility_t e;
    s_check(&s_policy, &a, &e);
    assert_int_equal(e.nfails, 4);
    assert_int_equal(e.fails[0].code, POOL_FAIL_LICENCE_YEARS);
    s_expect_day(e.fails[0].eligible_from, D(2027, 3, 1));
    assert_int_equal(e.fails[1].code, POOL_FAIL_PENALTY);
    s_expect_day(e.fails[1].eligible_from, D(2028, 8, 1));
    assert_int_equal(e.fails[2].code, POOL_FAIL_UNQUALIFIED);
    s_expect_day(e.fails[2].eligible_from, D(2027, 1, 5));
    assert_int_equal(e.fails[3].code, POOL_FAIL_REMOVED);
    s_expect_day(e.fails[3].eligible_from, D(2027, 9, 9));
    s_expect_day(e.eligible_from, D(2028, 8, 1));

    /* The latest may be any of them: here the removal. */
    a.last_penalty = POOL_NONE;
    s_check(&s_policy, &a, &e);
    assert_int_equal(e.nfails, 3);
    s_expect_day(e.eligible_from, D(2027, 9, 9));

    /* Only the ones that still hold are listed. */
    a.today = D(2027, 3, 1);
    s_check(&s_policy, &a, &e);
    assert_int_equal(e.nfails, 1);
    assert_int_equal(e.fails[0].code, POOL_FAIL_REMOVED);
}

static void test_never_dominates(void **state)
{
    (void)state;
    pool_applicant_t a = s_clean();
    a.licensed_since = POOL_NONE;
    a.last_penalty = D(2026, 1, 1);
    a.last_unqualified = D(2025, 1, 1);
    a.removed_on = D(2025, 6, 1);
    pool_eligibility_t e;
    s_check(&s_policy, &a, &e);
    assert_int_equal(e.nfails, 4);
    assert_int_equal(e.fails[0].code, POOL_FAIL_NO_LICENCE);
    s_expect_day(e.fails[0].eligible_from, POOL_NEVER);
    s_expect_day(e.eligible_from, POOL_NEVER);

    pool_policy_t p = s_policy;
    p.removal_years = 0;
    a.licensed_since = D(2025, 3, 1);
    s_check(&p, &a, &e);
    assert_int_equal(e.nfails, 4);
    assert_int_equal(e.fails[0].code, POOL_FAIL_LICENCE_YEARS);
    assert_int_equal(e.fails[3].code, POOL_FAIL_REMOVED);
    s_expect_day(e.fails[3].eligible_from, POOL_NEVER);
    s_expect_day(e.eligible_from, POOL_NEVER);
}

/* Every message fits its buffer whole, even with large policy numbers. */
static void test_messages_fit(void **state)
{
    (void)state;
    const pool_policy_t p = {99, 99, 99};
    pool_applicant_t a = s_clean();
    a.licensed_since = D(2026, 1, 1);
    a.last_penalty = D(2026, 1, 1);
    a.last_unqualified = D(2026, 1, 1);
    a.removed_on = D(2026, 1, 1);
    for (int pool = 0; pool < 2; pool++) {
        a.case_pool = pool;
        pool_eligibility_t e;
        s_check(&p, &a, &e);
        assert_int_equal(e.nfails, pool ? 4 : 3);
        for (size_t i = 0; i < e.nfails; i++) {
            s_expect_contains(e.fails[i].message, "2026-01-01");
            s_expect_contains(e.fails[i].message, "2125-01-01起");
            s_expect_contains(e.fails[i].message, "条）"); /* not cut short */
        }
    }
}

static void test_fail_codes(void **state)
{
    (void)state;
    assert_string_equal(pool_fail_code(POOL_FAIL_NO_LICENCE), "no_licence");
    assert_string_equal(pool_fail_code(POOL_FAIL_LICENCE_YEARS), "licence_years");
    assert_string_equal(pool_fail_code(POOL_FAIL_PENALTY), "penalty");
    assert_string_equal(pool_fail_code(POOL_FAIL_UNQUALIFIED), "unqualified_case");
    assert_string_equal(pool_fail_code(POOL_FAIL_REMOVED), "removed");
    assert_null(pool_fail_code(-1));
    assert_null(pool_fail_code(POOL_FAIL_COUNT));
}

/* ---- state machine ---------------------------------------------------------------------- */

typedef struct {
    pool_action_t action;
    pool_state_t from, to;
} s_allowed_t;

/* The whole table of pool_rules.h; every pair not listed is refused. */
static const s_allowed_t s_allowed[] = {
    {POOL_A_APPLY, POOL_S_NONE, POOL_S_APPLICANT},
    {POOL_A_APPLY, POOL_S_EXITED, POOL_S_APPLICANT},
    {POOL_A_APPLY, POOL_S_REJECTED, POOL_S_APPLICANT},
    {POOL_A_APPROVE, POOL_S_APPLICANT, POOL_S_APPROVED},
    {POOL_A_REJECT, POOL_S_APPLICANT, POOL_S_REJECTED},
    {POOL_A_TRAIN, POOL_S_APPROVED, POOL_S_TRAINED},
    {POOL_A_EXAM_PASS, POOL_S_TRAINED, POOL_S_ACTIVE},
    {POOL_A_EXAM_FAIL, POOL_S_TRAINED, POOL_S_TRAINED},
    {POOL_A_IMPORT, POOL_S_NONE, POOL_S_ACTIVE},
    {POOL_A_IMPORT, POOL_S_APPLICANT, POOL_S_ACTIVE},
    {POOL_A_IMPORT, POOL_S_APPROVED, POOL_S_ACTIVE},
    {POOL_A_IMPORT, POOL_S_TRAINED, POOL_S_ACTIVE},
    {POOL_A_IMPORT, POOL_S_ACTIVE, POOL_S_ACTIVE},
    {POOL_A_IMPORT, POOL_S_SUSPENDED, POOL_S_ACTIVE},
    {POOL_A_IMPORT, POOL_S_EXITED, POOL_S_ACTIVE},
    {POOL_A_IMPORT, POOL_S_REJECTED, POOL_S_ACTIVE},
    {POOL_A_SUSPEND, POOL_S_ACTIVE, POOL_S_SUSPENDED},
    {POOL_A_SUSPEND, POOL_S_SUSPENDED, POOL_S_SUSPENDED},
    {POOL_A_RESUME, POOL_S_SUSPENDED, POOL_S_ACTIVE},
    {POOL_A_EXIT, POOL_S_ACTIVE, POOL_S_EXITED},
    {POOL_A_EXIT, POOL_S_SUSPENDED, POOL_S_EXITED},
    {POOL_A_REPORT, POOL_S_APPROVED, POOL_S_EXITED},
    {POOL_A_REPORT, POOL_S_TRAINED, POOL_S_EXITED},
    {POOL_A_REPORT, POOL_S_ACTIVE, POOL_S_EXITED},
    {POOL_A_REPORT, POOL_S_SUSPENDED, POOL_S_EXITED},
    {POOL_A_REMOVE, POOL_S_APPLICANT, POOL_S_EXITED},
    {POOL_A_REMOVE, POOL_S_APPROVED, POOL_S_EXITED},
    {POOL_A_REMOVE, POOL_S_TRAINED, POOL_S_EXITED},
    {POOL_A_REMOVE, POOL_S_ACTIVE, POOL_S_EXITED},
    {POOL_A_REMOVE, POOL_S_SUSPENDED, POOL_S_EXITED},
    {POOL_A_FAIL_PROBATION, POOL_S_ACTIVE, POOL_S_EXITED},
    {POOL_A_FAIL_PROBATION, POOL_S_SUSPENDED, POOL_S_EXITED},
};

static const s_allowed_t *s_find_allowed(pool_state_t from, pool_action_t action)
{
    for (size_t i = 0; i < NELEM(s_allowed); i++)
        if (s_allowed[i].from == from && s_allowed[i].action == action)
            return &s_allowed[i];
    return NULL;
}

static void test_transition_table(void **state)
{
    (void)state;
    int nallowed = 0, nrefused = 0;
    for (int f = 0; f < POOL_S_COUNT; f++) {
        for (int ac = 0; ac < POOL_A_COUNT; ac++) {
            pool_state_t from = (pool_state_t)f, to = (pool_state_t)99;
            pool_action_t action = (pool_action_t)ac;
            const char *why = "unset";
            int rc = pool_transition(from, action, &to, &why);
            const s_allowed_t *want = s_find_allowed(from, action);
            if (want) {
                if (rc != 0 || to != want->to || why != NULL)
                    fail_msg("%s from \"%s\": rc %d to %d, want %d", pool_action_name(action),
                             pool_state_name(from), rc, (int)to, (int)want->to);
                nallowed++;
            } else {
                if (rc != -1 || to != (pool_state_t)99)
                    fail_msg("%s from \"%s\" should be refused (rc %d)", pool_action_name(action),
                             pool_state_name(from), rc);
                assert_non_null(why);
                assert_string_not_equal(why, "unset");
                s_expect_utf8(why);
                nrefused++;
            }
            /* The same answer without the output pointers. */
            assert_int_equal(pool_transition(from, action, NULL, NULL), rc);
        }
    }
    assert_int_equal(nallowed, NELEM(s_allowed));
    assert_int_equal(nallowed + nrefused, POOL_S_COUNT * POOL_A_COUNT);
}

static void s_expect_refusal(pool_state_t from, pool_action_t action, const char *reason)
{
    const char *why = NULL;
    assert_int_equal(pool_transition(from, action, NULL, &why), -1);
    assert_non_null(why);
    assert_string_equal(why, reason);
}

/* A refusal says what is wrong in that state, not just "not allowed". */
static void test_transition_reasons(void **state)
{
    (void)state;
    s_expect_refusal(POOL_S_APPROVED, POOL_A_EXAM_PASS, "尚未完成培训，不能记录考试结果");
    s_expect_refusal(POOL_S_APPROVED, POOL_A_EXAM_FAIL, "尚未完成培训，不能记录考试结果");
    s_expect_refusal(POOL_S_APPLICANT, POOL_A_APPLY, "已提交申请，正在等待审核，不能重复申请");
    s_expect_refusal(POOL_S_ACTIVE, POOL_A_APPLY, "已是资源库成员，不能重复申请");
    s_expect_refusal(POOL_S_ACTIVE, POOL_A_RESUME, "未被暂停，无需恢复");
    s_expect_refusal(POOL_S_APPLICANT, POOL_A_TRAIN, "申请尚未批准，不能记录培训");
    s_expect_refusal(POOL_S_EXITED, POOL_A_REMOVE, "不是资源库成员，不能清退");

    /* Different states give different reasons for one action. */
    const char *a = NULL, *b = NULL;
    assert_int_equal(pool_transition(POOL_S_NONE, POOL_A_TRAIN, NULL, &a), -1);
    assert_int_equal(pool_transition(POOL_S_TRAINED, POOL_A_TRAIN, NULL, &b), -1);
    assert_string_not_equal(a, b);
    assert_int_equal(pool_transition(POOL_S_APPROVED, POOL_A_SUSPEND, NULL, &a), -1);
    assert_int_equal(pool_transition(POOL_S_REJECTED, POOL_A_SUSPEND, NULL, &b), -1);
    assert_string_not_equal(a, b);
}

static void test_transition_out_of_range(void **state)
{
    (void)state;
    pool_state_t to = (pool_state_t)99;
    const char *why = NULL;
    assert_int_equal(pool_transition((pool_state_t)-1, POOL_A_IMPORT, &to, &why), -1);
    s_expect_utf8(why);
    why = NULL;
    assert_int_equal(pool_transition(POOL_S_COUNT, POOL_A_IMPORT, &to, &why), -1);
    s_expect_utf8(why);
    why = NULL;
    assert_int_equal(pool_transition(POOL_S_ACTIVE, POOL_A_COUNT, &to, &why), -1);
    s_expect_utf8(why);
    why = NULL;
    assert_int_equal(pool_transition(POOL_S_ACTIVE, (pool_action_t)-1, &to, &why), -1);
    s_expect_utf8(why);
    assert_int_equal(to, 99);
}

/* A whole life: apply, approve, train, fail and pass the exam, suspend twice,
 * resume, exit, apply again. */
static void test_transition_walk(void **state)
{
    (void)state;
    static const pool_action_t walk[] = {
        POOL_A_APPLY,   POOL_A_APPROVE, POOL_A_TRAIN,  POOL_A_EXAM_FAIL, POOL_A_EXAM_PASS,
        POOL_A_SUSPEND, POOL_A_SUSPEND, POOL_A_RESUME, POOL_A_EXIT,      POOL_A_APPLY,
    };
    static const pool_state_t want[] = {
        POOL_S_APPLICANT, POOL_S_APPROVED,  POOL_S_TRAINED, POOL_S_TRAINED, POOL_S_ACTIVE,
        POOL_S_SUSPENDED, POOL_S_SUSPENDED, POOL_S_ACTIVE,  POOL_S_EXITED,  POOL_S_APPLICANT,
    };
    pool_state_t s = POOL_S_NONE;
    for (size_t i = 0; i < NELEM(walk); i++) {
        const char *why = NULL;
        assert_int_equal(pool_transition(s, walk[i], &s, &why), 0);
        assert_int_equal(s, want[i]);
        assert_null(why);
    }
}

/* ---- names ------------------------------------------------------------------------------ */

static void test_state_names(void **state)
{
    (void)state;
    static const char *const want[POOL_S_COUNT] = {
        "", "applicant", "approved", "trained", "active", "suspended", "exited", "rejected",
    };
    for (int s = 0; s < POOL_S_COUNT; s++) {
        assert_string_equal(pool_state_name((pool_state_t)s), want[s]);
        assert_int_equal(pool_state_parse(want[s]), s);
    }
    assert_null(pool_state_name(POOL_S_COUNT));
    assert_null(pool_state_name((pool_state_t)-1));
    assert_int_equal(pool_state_parse("ACTIVE"), -1);
    assert_int_equal(pool_state_parse("active "), -1);
    assert_int_equal(pool_state_parse("removed"), -1);
    assert_int_equal(pool_state_parse(NULL), -1);
}

static void test_action_names(void **state)
{
    (void)state;
    static const char *const want[POOL_A_COUNT] = {
        "apply",   "approve", "reject", "train",  "exam_pass", "exam_fail",      "import",
        "suspend", "resume",  "exit",   "report", "remove",    "fail_probation",
    };
    for (int a = 0; a < POOL_A_COUNT; a++) {
        assert_string_equal(pool_action_name((pool_action_t)a), want[a]);
        assert_int_equal(pool_action_parse(want[a]), a);
    }
    assert_null(pool_action_name(POOL_A_COUNT));
    assert_null(pool_action_name((pool_action_t)-1));
    assert_int_equal(pool_action_parse(""), -1);
    assert_int_equal(pool_action_parse("Apply"), -1);
    assert_int_equal(pool_action_parse("exam"), -1);
    assert_int_equal(pool_action_parse(NULL), -1);
}

static void test_state_zh(void **state)
{
    (void)state;
    assert_string_equal(pool_state_zh(POOL_S_APPLICANT), "申请中");
    assert_string_equal(pool_state_zh(POOL_S_ACTIVE), "在库");
    assert_string_equal(pool_state_zh(POOL_S_SUSPENDED), "暂停");
    for (int s = 0; s < POOL_S_COUNT; s++) {
        const char *zh = pool_state_zh((pool_state_t)s);
        s_expect_utf8(zh);
        for (int t = 0; t < s; t++)
            assert_string_not_equal(zh, pool_state_zh((pool_state_t)t));
    }
    assert_null(pool_state_zh(POOL_S_COUNT));
}

/* ---- probation -------------------------------------------------------------------------- */

static void test_probation_boundary(void **state)
{
    (void)state;
    /* Exactly one year qualified: no probation; a day less: probation. */
    assert_false(pool_needs_probation(D(2025, 6, 1), D(2025, 9, 1), D(2026, 6, 1)));
    assert_true(pool_needs_probation(D(2025, 6, 2), D(2025, 9, 1), D(2026, 6, 1)));
    assert_true(pool_needs_probation(D(2025, 6, 1), D(2025, 9, 1), D(2026, 5, 31)));
    assert_true(pool_needs_probation(D(2026, 6, 1), POOL_NONE, D(2026, 6, 1)));
    /* Qualified on 29 February: the year is complete on 1 March. */
    assert_true(pool_needs_probation(D(2024, 2, 29), POOL_NONE, D(2025, 2, 28)));
    assert_false(pool_needs_probation(D(2024, 2, 29), POOL_NONE, D(2025, 3, 1)));
    /* Long qualified, recently licensed: the qualification decides. */
    assert_false(pool_needs_probation(D(2015, 1, 1), D(2026, 5, 1), D(2026, 6, 1)));
}

static void test_probation_fallback(void **state)
{
    (void)state;
    assert_false(pool_needs_probation(POOL_NONE, D(2025, 6, 1), D(2026, 6, 1)));
    assert_true(pool_needs_probation(POOL_NONE, D(2025, 6, 2), D(2026, 6, 1)));
    assert_false(pool_needs_probation(POOL_NONE, POOL_NONE, D(2026, 6, 1)));
}

static void test_probation_end(void **state)
{
    (void)state;
    s_expect_day(pool_probation_end(D(2026, 4, 10), 3), D(2026, 7, 10));
    s_expect_day(pool_probation_end(D(2025, 11, 30), 3), D(2026, 2, 28));
    s_expect_day(pool_probation_end(D(2023, 11, 30), 3), D(2024, 2, 29));
    s_expect_day(pool_probation_end(D(2026, 1, 31), 1), D(2026, 2, 28));
    s_expect_day(pool_probation_end(D(2024, 1, 31), 1), D(2024, 2, 29));
    s_expect_day(pool_probation_end(D(2026, 11, 26), 3), D(2027, 2, 26));
}

/* ---- mentors and companions ------------------------------------------------------------- */

static void test_needs_mentor(void **state)
{
    (void)state;
    assert_true(pool_needs_mentor(POOL_NONE));
    assert_false(pool_needs_mentor(D(2020, 1, 1)));
    assert_false(pool_needs_mentor(TODAY));
}

#define CAND(lic, since, load, spec, avail)                                                        \
    ((pool_candidate_t){(lic), (since), (load), (spec), (avail)})

static void test_pick_experience_boundary(void **state)
{
    (void)state;
    pool_candidate_t c[] = {CAND("A", D(2023, 11, 26), 0, true, true)}; /* exactly 3 years */
    assert_int_equal(pool_pick_partner(c, 1, TODAY, 3), 0);
    c[0].experience_since = D(2023, 11, 27); /* one day short */
    assert_int_equal(pool_pick_partner(c, 1, TODAY, 3), -1);
    c[0].experience_since = D(2023, 2, 28);
    assert_int_equal(pool_pick_partner(c, 1, D(2026, 2, 28), 3), 0);
    c[0].experience_since = D(2024, 2, 29);
    assert_int_equal(pool_pick_partner(c, 1, D(2027, 2, 28), 3), -1);
    assert_int_equal(pool_pick_partner(c, 1, D(2027, 3, 1), 3), 0);
    /* Companions: zero years needed, but some experience. */
    c[0].experience_since = TODAY;
    assert_int_equal(pool_pick_partner(c, 1, TODAY, 0), 0);
    c[0].experience_since = POOL_NONE;
    assert_int_equal(pool_pick_partner(c, 1, TODAY, 0), -1);
}

static void test_pick_specialty_first(void **state)
{
    (void)state;
    pool_candidate_t c[] = {
        CAND("A", D(2010, 1, 1), 0, false, true), /* lighter, longer, smaller licence */
        CAND("B", D(2022, 1, 1), 2, true, true),
    };
    assert_int_equal(pool_pick_partner(c, NELEM(c), TODAY, 3), 1);
    c[1].shares_specialty = false;
    assert_int_equal(pool_pick_partner(c, NELEM(c), TODAY, 3), 0);
    /* Nobody shares a specialty: still someone. */
    c[0].available = false;
    assert_int_equal(pool_pick_partner(c, NELEM(c), TODAY, 3), 1);
}

static void test_pick_lightest_load(void **state)
{
    (void)state;
    pool_candidate_t c[] = {
        CAND("A", D(2010, 1, 1), 3, true, true),
        CAND("B", D(2022, 1, 1), 1, true, true),
        CAND("C", D(2015, 1, 1), 2, true, true),
    };
    assert_int_equal(pool_pick_partner(c, NELEM(c), TODAY, 3), 1);
    c[1].available = false;
    assert_int_equal(pool_pick_partner(c, NELEM(c), TODAY, 3), 2);
}

static void test_pick_longest_experience(void **state)
{
    (void)state;
    pool_candidate_t c[] = {
        CAND("A", D(2020, 1, 1), 1, true, true),
        CAND("B", D(2012, 5, 5), 1, true, true),
        CAND("C", D(2012, 5, 6), 1, true, true),
    };
    assert_int_equal(pool_pick_partner(c, NELEM(c), TODAY, 3), 1);
}

static void test_pick_licence_tie(void **state)
{
    (void)state;
    pool_candidate_t c[] = {
        CAND("33030001", D(2015, 1, 1), 1, true, true),
        CAND("33010002", D(2015, 1, 1), 1, true, true),
        CAND("33020003", D(2015, 1, 1), 1, true, true),
    };
    assert_int_equal(pool_pick_partner(c, NELEM(c), TODAY, 3), 1);
}

/* Every order of the same candidates picks the same person. */
static void test_pick_deterministic(void **state)
{
    (void)state;
    const pool_candidate_t base[] = {
        CAND("D", D(2015, 1, 1), 1, true, true),  CAND("C", D(2015, 1, 1), 1, true, true),
        CAND("B", D(2014, 1, 1), 2, true, true),  CAND("A", D(2010, 1, 1), 0, false, true),
        CAND("E", D(2000, 1, 1), 0, true, false), CAND("F", D(2024, 1, 1), 0, true, true),
    };
    enum { N = NELEM(base) };
    int idx[N];
    for (int i = 0; i < N; i++)
        idx[i] = i;
    /* Heap's algorithm over all 720 orders. */
    int cnt[N] = {0};
    int seen = 0;
    for (int i = 0;;) {
        pool_candidate_t c[N];
        for (int k = 0; k < N; k++)
            c[k] = base[idx[k]];
        int pick = pool_pick_partner(c, N, TODAY, 3);
        assert_true(pick >= 0);
        assert_string_equal(c[pick].licence, "C");
        seen++;
        while (i < N && cnt[i] >= i) {
            cnt[i] = 0;
            i++;
        }
        if (i >= N)
            break;
        int j = i % 2 ? cnt[i] : 0;
        int t = idx[j];
        idx[j] = idx[i];
        idx[i] = t;
        cnt[i]++;
        i = 0;
    }
    assert_int_equal(seen, 720);
}

static void test_pick_none(void **state)
{
    (void)state;
    assert_int_equal(pool_pick_partner(NULL, 0, TODAY, 3), -1);
    pool_candidate_t c[] = {
        CAND("A", D(2010, 1, 1), 0, true, false), /* unavailable */
        CAND("B", D(2025, 1, 1), 0, true, true),  /* too new */
        CAND("C", POOL_NONE, 0, true, true),      /* no experience */
    };
    assert_int_equal(pool_pick_partner(c, NELEM(c), TODAY, 3), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_years_known),
        cmocka_unit_test(test_add_years_agrees_with_years_between),
        cmocka_unit_test(test_add_months_clamps),
        cmocka_unit_test(test_eligible_clean_record),
        cmocka_unit_test(test_licence_years_boundary),
        cmocka_unit_test(test_licence_leap_day),
        cmocka_unit_test(test_no_licence),
        cmocka_unit_test(test_duty_pool_has_no_licence_condition),
        cmocka_unit_test(test_penalty_boundary),
        cmocka_unit_test(test_unqualified_boundary),
        cmocka_unit_test(test_removal_boundary),
        cmocka_unit_test(test_removal_for_ever),
        cmocka_unit_test(test_non_social_only_removal_bar),
        cmocka_unit_test(test_multiple_failures),
        cmocka_unit_test(test_never_dominates),
        cmocka_unit_test(test_messages_fit),
        cmocka_unit_test(test_fail_codes),
        cmocka_unit_test(test_transition_table),
        cmocka_unit_test(test_transition_reasons),
        cmocka_unit_test(test_transition_out_of_range),
        cmocka_unit_test(test_transition_walk),
        cmocka_unit_test(test_state_names),
        cmocka_unit_test(test_action_names),
        cmocka_unit_test(test_state_zh),
        cmocka_unit_test(test_probation_boundary),
        cmocka_unit_test(test_probation_fallback),
        cmocka_unit_test(test_probation_end),
        cmocka_unit_test(test_needs_mentor),
        cmocka_unit_test(test_pick_experience_boundary),
        cmocka_unit_test(test_pick_specialty_first),
        cmocka_unit_test(test_pick_lightest_load),
        cmocka_unit_test(test_pick_longest_experience),
        cmocka_unit_test(test_pick_licence_tie),
        cmocka_unit_test(test_pick_deterministic),
        cmocka_unit_test(test_pick_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
