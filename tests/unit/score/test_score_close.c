/* test_score_close — the sanction state machine of clauses 13 and 28
 * (score_sanction), which scored runs at every quarter close and when staff
 * record a rectification outcome. Each case gives a lawyer's history — the
 * tiers on the frozen lists of successive quarters, the staff decisions —
 * and checks what is due; the expectations are worked out by hand from
 * RULES.md ("Two consecutive red quarters -> assignments stop for one
 * month and rectification is ordered; refusing rectification, or being red
 * again in the first quarter after service resumes -> removal"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "score_sanction.h"

#include "fayuan/timeutil.h"

#include <stdio.h>
#include <string.h>

#define OFF 480 /* Asia/Shanghai */
#define HOUR (INT64_C(3600) * TIME_US_PER_SEC)

/* ---- single steps ----------------------------------------------------------- */

static sanction_record_t s_rec(const char *quarter, tier_t tier, int position, int ranked)
{
    sanction_record_t r;
    memset(&r, 0, sizeof r);
    snprintf(r.quarter, sizeof r.quarter, "%s", quarter);
    r.tier = tier;
    r.position = position;
    r.ranked = ranked;
    r.points = 100 * (ranked - position);
    return r;
}

/* 2026-10-04 12:00 local: 2026Q3 closed 3 days and 12 hours after it ended. */
static int64_t s_close_q3(void)
{
    return time_quarter_start(2026, 4, OFF) + 84 * HOUR;
}

static void test_red_red_suspends_for_a_month(void **state)
{
    (void)state;
    sanction_record_t prev = s_rec("2026Q2", TIER_RED, 20, 20);
    sanction_record_t cur = s_rec("2026Q3", TIER_RED, 19, 20);
    sanction_outcome_t out;
    sanction_at_close(&cur, &prev, NULL, s_close_q3(), OFF, &out);
    assert_int_equal(out.due, SANCTION_SUSPEND_ALL);
    assert_string_equal(out.rule, "13");
    assert_false(out.changed);
    /* Until 2026-11-04 12:00 local, one calendar month after the close. */
    int y, m, d, minute;
    time_local(out.until, OFF, &y, &m, &d, &minute);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 11);
    assert_int_equal(d, 4);
    assert_int_equal(minute, 12 * 60);
    /* The records name both quarters and their frozen positions, oldest first. */
    assert_int_equal(out.nrecords, 2);
    assert_string_equal(out.records[0].quarter, "2026Q2");
    assert_int_equal(out.records[0].position, 20);
    assert_int_equal(out.records[0].ranked, 20);
    assert_int_equal(out.records[0].tier, TIER_RED);
    assert_string_equal(out.records[1].quarter, "2026Q3");
    assert_int_equal(out.records[1].position, 19);
}

static void test_one_red_quarter_is_nothing(void **state)
{
    (void)state;
    sanction_outcome_t out;
    sanction_record_t cur = s_rec("2026Q3", TIER_RED, 20, 20);
    /* The quarter before was not closed (no frozen list): nothing. */
    sanction_at_close(&cur, NULL, NULL, s_close_q3(), OFF, &out);
    assert_int_equal(out.due, SANCTION_KIND_NONE);
    /* Blue before, red now: nothing. */
    sanction_record_t blue = s_rec("2026Q2", TIER_BLUE, 10, 20);
    sanction_at_close(&cur, &blue, NULL, s_close_q3(), OFF, &out);
    assert_int_equal(out.due, SANCTION_KIND_NONE);
    /* Red before, blue now: nothing. */
    sanction_record_t red = s_rec("2026Q2", TIER_RED, 20, 20);
    sanction_record_t now_blue = s_rec("2026Q3", TIER_BLUE, 12, 20);
    sanction_at_close(&now_blue, &red, NULL, s_close_q3(), OFF, &out);
    assert_int_equal(out.due, SANCTION_KIND_NONE);
    /* Red before, not ranked now (left the pool): nothing. */
    sanction_record_t gone = s_rec("2026Q3", TIER_NONE, 0, 20);
    sanction_at_close(&gone, &red, NULL, s_close_q3(), OFF, &out);
    assert_int_equal(out.due, SANCTION_KIND_NONE);
}

static sanction_state_t s_suspension(sanction_status_t status, int64_t until, bool watched)
{
    return (sanction_state_t){.id = 7,
                              .kind = SANCTION_SUSPEND_ALL,
                              .status = status,
                              .until = until,
                              .watched = watched};
}

/* Suspended at the 2026Q3 close; 2026Q4 is closed on 2027-01-04, after the
 * suspension ended: it is the first quarter after. */
static void test_red_in_first_quarter_after_removes(void **state)
{
    (void)state;
    int64_t until = sanction_month_after(s_close_q3(), OFF);
    int64_t close_q4 = time_quarter_start(2027, 1, OFF) + 72 * HOUR;
    sanction_record_t cur = s_rec("2026Q4", TIER_RED, 20, 20);
    sanction_record_t prev = s_rec("2026Q3", TIER_RED, 19, 20);
    sanction_outcome_t out;
    for (int k = 0; k < 2; k++) {
        /* Whether or not the rectification was recorded. */
        sanction_state_t st = s_suspension(k ? SANCTION_RECTIFIED : SANCTION_ORDERED, until, false);
        sanction_at_close(&cur, &prev, &st, close_q4, OFF, &out);
        assert_int_equal(out.due, SANCTION_REMOVE);
        assert_string_equal(out.rule, "13/28");
        assert_int_equal(out.until, 0);
        assert_true(out.changed);
        assert_int_equal(out.status, SANCTION_REOFFENDED);
        assert_int_equal(out.nrecords, 1);
        assert_string_equal(out.records[0].quarter, "2026Q4");
        assert_int_equal(out.records[0].position, 20);
    }
}

static void test_not_red_in_first_quarter_after(void **state)
{
    (void)state;
    int64_t until = sanction_month_after(s_close_q3(), OFF);
    int64_t close_q4 = time_quarter_start(2027, 1, OFF) + 72 * HOUR;
    sanction_record_t cur = s_rec("2026Q4", TIER_BLUE, 8, 20);
    sanction_outcome_t out;
    /* Rectified: the matter ends. */
    sanction_state_t st = s_suspension(SANCTION_RECTIFIED, until, false);
    sanction_at_close(&cur, NULL, &st, close_q4, OFF, &out);
    assert_int_equal(out.due, SANCTION_KIND_NONE);
    assert_true(out.changed);
    assert_int_equal(out.status, SANCTION_CLEARED);
    /* Outcome not recorded yet: watched, still waiting for the decision... */
    st = s_suspension(SANCTION_ORDERED, until, false);
    sanction_at_close(&cur, NULL, &st, close_q4, OFF, &out);
    assert_int_equal(out.due, SANCTION_KIND_NONE);
    assert_true(out.changed);
    assert_int_equal(out.status, SANCTION_ORDERED);
    assert_true(out.watched);
    /* ...which then ends the matter when it is "rectified". */
    st = s_suspension(SANCTION_ORDERED, until, true);
    assert_int_equal(sanction_decide(&st, SANCTION_DECISION_RECTIFIED, &out), 0);
    assert_int_equal(out.status, SANCTION_CLEARED);
    assert_int_equal(out.due, SANCTION_KIND_NONE);
    /* Not ranked in the first quarter after (left the pool) counts as not red. */
    sanction_record_t gone = s_rec("2026Q4", TIER_NONE, 0, 20);
    st = s_suspension(SANCTION_RECTIFIED, until, false);
    sanction_at_close(&gone, NULL, &st, close_q4, OFF, &out);
    assert_int_equal(out.status, SANCTION_CLEARED);
}

/* A close before the suspension ended is not "after service resumes", and
 * an open matter never opens a second suspension for the same quarters. */
static void test_suspension_in_force(void **state)
{
    (void)state;
    int64_t close_at = s_close_q3();
    sanction_state_t st = s_suspension(SANCTION_ORDERED, close_at + HOUR, false);
    sanction_record_t cur = s_rec("2026Q3", TIER_RED, 20, 20);
    sanction_record_t prev = s_rec("2026Q2", TIER_RED, 20, 20);
    sanction_outcome_t out;
    sanction_at_close(&cur, &prev, &st, close_at, OFF, &out);
    assert_int_equal(out.due, SANCTION_KIND_NONE);
    assert_false(out.changed);
    assert_int_equal(out.status, SANCTION_ORDERED);
    /* Watched already (not red then), outcome still unrecorded: red-red later
     * adds nothing until staff decide. */
    st = s_suspension(SANCTION_ORDERED, close_at - HOUR, true);
    sanction_at_close(&cur, &prev, &st, close_at, OFF, &out);
    assert_int_equal(out.due, SANCTION_KIND_NONE);
    assert_false(out.changed);
}

static void test_refused_rectification_removes(void **state)
{
    (void)state;
    sanction_state_t st = s_suspension(SANCTION_ORDERED, s_close_q3(), false);
    sanction_outcome_t out;
    assert_int_equal(sanction_decide(&st, SANCTION_DECISION_REFUSED, &out), 0);
    assert_int_equal(out.due, SANCTION_REMOVE);
    assert_string_equal(out.rule, "13/28");
    assert_true(out.changed);
    assert_int_equal(out.status, SANCTION_REFUSED);
    assert_int_equal(sanction_decide(&st, SANCTION_DECISION_RECTIFIED, &out), 0);
    assert_int_equal(out.due, SANCTION_KIND_NONE);
    assert_int_equal(out.status, SANCTION_RECTIFIED);
}

static void test_decisions_that_do_not_apply(void **state)
{
    (void)state;
    sanction_outcome_t out;
    /* An outcome is recorded once. */
    static const sanction_status_t done[] = {SANCTION_RECTIFIED, SANCTION_REFUSED, SANCTION_CLEARED,
                                             SANCTION_REOFFENDED};
    for (size_t i = 0; i < sizeof done / sizeof done[0]; i++) {
        sanction_state_t st = s_suspension(done[i], 0, false);
        assert_int_equal(sanction_decide(&st, SANCTION_DECISION_REFUSED, &out), -1);
        assert_int_equal(sanction_decide(&st, SANCTION_DECISION_RECTIFIED, &out), -1);
        assert_int_equal(out.due, SANCTION_KIND_NONE);
    }
    /* A removal has no rectification. */
    sanction_state_t rm = {.id = 9, .kind = SANCTION_REMOVE, .status = SANCTION_DUE};
    assert_int_equal(sanction_decide(&rm, SANCTION_DECISION_RECTIFIED, &out), -1);
    sanction_state_t st = s_suspension(SANCTION_ORDERED, 0, false);
    assert_int_equal(sanction_decide(&st, SANCTION_DECISION_NONE, &out), -1);
}

static void test_removal_due_blocks_everything(void **state)
{
    (void)state;
    sanction_state_t rm = {.id = 9, .kind = SANCTION_REMOVE, .status = SANCTION_DUE};
    sanction_record_t cur = s_rec("2026Q3", TIER_RED, 20, 20);
    sanction_record_t prev = s_rec("2026Q2", TIER_RED, 20, 20);
    sanction_outcome_t out;
    sanction_at_close(&cur, &prev, &rm, s_close_q3(), OFF, &out);
    assert_int_equal(out.due, SANCTION_KIND_NONE);
    assert_false(out.changed);
    assert_int_equal(out.status, SANCTION_DUE);
}

/* Clause 25(3)'s stop to case assignment shares the decision, not the red-list rule. */
static void test_case_suspension(void **state)
{
    (void)state;
    sanction_state_t cs = {.id = 11, .kind = SANCTION_SUSPEND_CASES, .status = SANCTION_ORDERED};
    sanction_outcome_t out;
    assert_int_equal(sanction_decide(&cs, SANCTION_DECISION_RECTIFIED, &out), 0);
    assert_int_equal(out.status, SANCTION_CLEARED); /* no quarter to wait for */
    assert_int_equal(out.due, SANCTION_KIND_NONE);
    assert_int_equal(sanction_decide(&cs, SANCTION_DECISION_REFUSED, &out), 0);
    assert_int_equal(out.status, SANCTION_REFUSED);
    assert_int_equal(out.due, SANCTION_REMOVE);
    assert_string_equal(out.rule, "25(3)/28");
    cs.status = SANCTION_CLEARED;
    assert_int_equal(sanction_decide(&cs, SANCTION_DECISION_REFUSED, &out), -1);
    /* Handed to a close by mistake, it neither blocks nor triggers anything. */
    cs.status = SANCTION_ORDERED;
    sanction_record_t cur = s_rec("2026Q3", TIER_RED, 20, 20);
    sanction_record_t prev = s_rec("2026Q2", TIER_RED, 20, 20);
    sanction_at_close(&cur, &prev, &cs, s_close_q3(), OFF, &out);
    assert_int_equal(out.due, SANCTION_SUSPEND_ALL);
    assert_false(out.changed);
    sanction_record_t blue = s_rec("2026Q3", TIER_BLUE, 5, 20);
    sanction_at_close(&blue, NULL, &cs, s_close_q3(), OFF, &out);
    assert_int_equal(out.due, SANCTION_KIND_NONE);
    assert_false(out.changed);
}

/* ---- whole histories ------------------------------------------------------------ */

/* Replays a lawyer's history from 2025Q1 on, as scored does: tiers[i] is the
 * tier on quarter i's frozen list ('G', 'B', 'R', '-' not ranked), each
 * quarter closed 72 hours after it ended; decisions[i] is what staff record
 * during quarter i, before it closes ('r' rectified, 'x' refused, '.'
 * nothing). Writes what became due in each quarter, by a decision or at the
 * close: "S" suspend, "X" remove, "." nothing. */
static void s_replay(const char *tiers, const char *decisions, char *due, size_t len)
{
    sanction_state_t open = {0};
    bool have_open = false;
    sanction_record_t prev;
    bool have_prev = false;
    size_t n = strlen(tiers), k = 0;
    for (size_t i = 0; i < n && k + 2 < len; i++) {
        int y = 2025 + (int)(i / 4), q = 1 + (int)(i % 4);
        char label[8];
        snprintf(label, sizeof label, "%04uQ%c", (unsigned)y % 10000u, (char)('0' + q));
        tier_t t = tiers[i] == 'G'   ? TIER_GREEN
                   : tiers[i] == 'B' ? TIER_BLUE
                   : tiers[i] == 'R' ? TIER_RED
                                     : TIER_NONE;
        sanction_record_t cur = s_rec(label, t, t == TIER_RED ? 20 : 5, 20);
        int64_t close_at = time_quarter_start(y, q + 1, OFF) + 72 * HOUR;
        sanction_outcome_t out;
        char c = '.';
        char dc = decisions && i < strlen(decisions) ? decisions[i] : '.';
        if (dc != '.' && have_open) {
            sanction_decision_t d =
                dc == 'x' ? SANCTION_DECISION_REFUSED : SANCTION_DECISION_RECTIFIED;
            if (sanction_decide(&open, d, &out) == 0) {
                open.status = out.status;
                if (out.due == SANCTION_REMOVE) {
                    open = (sanction_state_t){
                        .id = 100 + (int64_t)i, .kind = SANCTION_REMOVE, .status = SANCTION_DUE};
                    c = 'X';
                }
            }
        }
        /* Only open matters are handed to a close. */
        if (have_open && open.kind == SANCTION_SUSPEND_ALL && open.status != SANCTION_ORDERED &&
            open.status != SANCTION_RECTIFIED)
            have_open = false;
        sanction_at_close(&cur, have_prev ? &prev : NULL, have_open ? &open : NULL, close_at, OFF,
                          &out);
        if (have_open && out.changed) {
            open.status = out.status;
            open.watched = out.watched;
        }
        if (out.due == SANCTION_SUSPEND_ALL) {
            open = (sanction_state_t){.id = (int64_t)i + 1,
                                      .kind = SANCTION_SUSPEND_ALL,
                                      .status = SANCTION_ORDERED,
                                      .until = out.until};
            have_open = true;
            c = 'S';
        } else if (out.due == SANCTION_REMOVE) {
            open = (sanction_state_t){
                .id = (int64_t)i + 1, .kind = SANCTION_REMOVE, .status = SANCTION_DUE};
            have_open = true;
            c = 'X';
        }
        if (have_open && open.kind == SANCTION_SUSPEND_ALL && open.status != SANCTION_ORDERED &&
            open.status != SANCTION_RECTIFIED)
            have_open = false;
        due[k++] = c;
        prev = cur;
        have_prev = true;
    }
    due[k] = '\0';
}

static void s_check_history(const char *tiers, const char *decisions, const char *want)
{
    char got[64];
    s_replay(tiers, decisions, got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("tiers %s, decisions %s: due %s, want %s", tiers, decisions ? decisions : "-", got,
                 want);
}

static void test_histories(void **state)
{
    (void)state;
    /* Red, red: suspended at the second close. */
    s_check_history("RR", NULL, ".S");
    /* Red, blue, red: never two in a row, nothing. */
    s_check_history("RBR", NULL, "...");
    s_check_history("RBRBRB", NULL, "......");
    /* Green and blue only. */
    s_check_history("GBBGB", NULL, ".....");
    /* Red, red, red: suspended, then red in the first quarter after the
     * month -> removed; the third red does not open a second suspension. */
    s_check_history("RRR", NULL, ".SX");
    s_check_history("RRR", "..r", ".SX");
    /* A decision with no suspension open changes nothing. */
    s_check_history("RRR", ".r.", ".SX");
    /* Suspended, rectified, blue after: cleared; a later single red is nothing. */
    s_check_history("RRBR", "..r.", ".S..");
    /* ...and two reds again later are a new matter. */
    s_check_history("RRBRR", "..r..", ".S..S");
    /* Suspended, refusal recorded: removed at the decision; nothing more. */
    s_check_history("RRB", "..x", ".SX");
    s_check_history("RRBRR", "..x..", ".SX..");
    /* Suspended, outcome recorded late (after the first quarter after, which
     * was blue): rectified then ends it; a refusal still removes. */
    s_check_history("RRBB", "...r", ".S..");
    s_check_history("RRBBRR", "...r..", ".S...S");
    s_check_history("RRBB", "...x", ".S.X");
    /* After a removal nothing more is due. */
    s_check_history("RRRRR", NULL, ".SX..");
    /* Not ranked in between: the quarters are not consecutive reds. */
    s_check_history("R-R", NULL, "...");
}

static void test_month_after(void **state)
{
    (void)state;
    int64_t at;
    int y, m, d, minute;
    /* 31 January -> 28 February (2026) and 29 February (2028). */
    assert_int_equal(time_parse_rfc3339("2026-01-31T10:00:00+08:00", &at), 0);
    time_local(sanction_month_after(at, OFF), OFF, &y, &m, &d, &minute);
    assert_true(y == 2026 && m == 2 && d == 28 && minute == 600);
    assert_int_equal(time_parse_rfc3339("2028-01-31T10:00:00+08:00", &at), 0);
    time_local(sanction_month_after(at, OFF), OFF, &y, &m, &d, &minute);
    assert_true(y == 2028 && m == 2 && d == 29);
    /* December -> January of the next year. */
    assert_int_equal(time_parse_rfc3339("2026-12-15T08:30:00+08:00", &at), 0);
    time_local(sanction_month_after(at, OFF), OFF, &y, &m, &d, &minute);
    assert_true(y == 2027 && m == 1 && d == 15 && minute == 510);
    /* Late evening and just after midnight: by the local date, not the UTC one. */
    assert_int_equal(time_parse_rfc3339("2026-03-31T23:30:00+08:00", &at), 0);
    int64_t later = sanction_month_after(at, OFF);
    time_local(later, OFF, &y, &m, &d, &minute);
    assert_true(y == 2026 && m == 4 && d == 30 && minute == 23 * 60 + 30);
    assert_int_equal(time_parse_rfc3339("2026-05-01T00:15:00+08:00", &at), 0);
    time_local(sanction_month_after(at, OFF), OFF, &y, &m, &d, &minute);
    assert_true(y == 2026 && m == 6 && d == 1 && minute == 15);
    /* The time of day is kept to the second: whole days later. */
    assert_int_equal(time_parse_rfc3339("2026-07-04T12:00:07+08:00", &at), 0);
    assert_int_equal(sanction_month_after(at, OFF) - at, 31 * TIME_US_PER_DAY);
}

static void test_names(void **state)
{
    (void)state;
    for (sanction_kind_t k = SANCTION_SUSPEND_ALL; k <= SANCTION_SUSPEND_CASES; k++) {
        assert_int_equal(sanction_kind_parse(sanction_kind_name(k)), k);
        assert_true(strlen(sanction_kind_zh(k)) > 0);
    }
    for (sanction_status_t st = SANCTION_ORDERED; st <= SANCTION_DUE; st++) {
        assert_int_equal(sanction_status_parse(sanction_status_name(st)), st);
        assert_true(strlen(sanction_status_zh(st)) > 0);
    }
    assert_int_equal(sanction_kind_parse("ban"), SANCTION_KIND_NONE);
    assert_int_equal(sanction_kind_parse(NULL), SANCTION_KIND_NONE);
    assert_int_equal(sanction_status_parse("open"), SANCTION_NO_STATUS);
    assert_int_equal(sanction_decision_parse("refused"), SANCTION_DECISION_REFUSED);
    assert_int_equal(sanction_decision_parse("rectified"), SANCTION_DECISION_RECTIFIED);
    assert_int_equal(sanction_decision_parse("Refused"), SANCTION_DECISION_NONE);
    assert_int_equal(sanction_decision_parse(NULL), SANCTION_DECISION_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_red_red_suspends_for_a_month),
        cmocka_unit_test(test_one_red_quarter_is_nothing),
        cmocka_unit_test(test_red_in_first_quarter_after_removes),
        cmocka_unit_test(test_not_red_in_first_quarter_after),
        cmocka_unit_test(test_suspension_in_force),
        cmocka_unit_test(test_refused_rectification_removes),
        cmocka_unit_test(test_decisions_that_do_not_apply),
        cmocka_unit_test(test_removal_due_blocks_everything),
        cmocka_unit_test(test_case_suspension),
        cmocka_unit_test(test_histories),
        cmocka_unit_test(test_month_after),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
