/* Unit tests for calendar: working days (weekends, holidays, make-up days from
 * the real 2026 arrangement), working hours, overlap of shifts with working
 * time, and refusal of bad configuration without side effects. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "fayuan/calendar.h"
#include "fayuan/timeutil.h"

#define US_PER_MIN (INT64_C(60) * TIME_US_PER_SEC)
#define US_PER_HOUR (60 * US_PER_MIN)
#define DEFAULT_DAY_US (7 * US_PER_HOUR) /* 08:30-12:00 + 14:00-17:30 */

/* The 2026 arrangement of the State Council General Office. */
#define HOLIDAYS_2026                                                                              \
    "2026-01-01..2026-01-03, 2026-02-15..2026-02-23, 2026-04-04..2026-04-06,"                      \
    "2026-05-01..2026-05-05, 2026-06-19..2026-06-21, 2026-09-25..2026-09-27,"                      \
    "2026-10-01..2026-10-07"
#define WORKDAYS_2026 "2026-01-04,2026-02-14,2026-02-28,2026-05-09,2026-09-20,2026-10-10"

/* An instant given as Shanghai local wall-clock time. */
static int64_t s_sh(int y, int m, int d, int hh, int mi)
{
    return time_days_from_civil(y, m, d) * TIME_US_PER_DAY + ((int64_t)hh * 60 + mi) * US_PER_MIN -
           480 * US_PER_MIN;
}

static int s_setup(void **state)
{
    calendar_t *cal = calendar_new();
    if (!cal)
        return -1;
    *state = cal;
    return 0;
}

/* A calendar with the real 2026 holidays and make-up working days. */
static int s_setup_2026(void **state)
{
    calendar_t *cal = calendar_new();
    if (!cal)
        return -1;
    char err[128];
    if (calendar_add_holidays(cal, HOLIDAYS_2026, err, sizeof err) != 0 ||
        calendar_add_workdays(cal, WORKDAYS_2026, err, sizeof err) != 0) {
        calendar_destroy(&cal);
        return -1;
    }
    *state = cal;
    return 0;
}

static int s_teardown(void **state)
{
    calendar_t *cal = *state;
    calendar_destroy(&cal);
    return 0;
}

/* The default calendar is intact: same hours, no holidays, Shanghai. */
static void s_assert_default(const calendar_t *cal)
{
    assert_int_equal(calendar_utc_offset(cal), 480);
    assert_true(calendar_is_working_day(cal, 2026, 10, 1));
    assert_false(calendar_is_working_day(cal, 2026, 10, 10));
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 9, 28, 0, 0), s_sh(2026, 9, 29, 0, 0)),
        DEFAULT_DAY_US);
    assert_true(calendar_is_working_time(cal, s_sh(2026, 9, 28, 8, 30)));
    assert_false(calendar_is_working_time(cal, s_sh(2026, 9, 28, 12, 30)));
}

/* Reference: step minute by minute through [from, to) asking is_working_time. */
static int64_t s_brute_overlap(const calendar_t *cal, int64_t from, int64_t to)
{
    int64_t sum = 0;
    for (int64_t t = from; t < to; t += US_PER_MIN)
        if (calendar_is_working_time(cal, t))
            sum += US_PER_MIN;
    return sum;
}

static void test_new_destroy(void **state)
{
    (void)state;
    calendar_t *cal = calendar_new();
    assert_non_null(cal);
    s_assert_default(cal);
    calendar_destroy(&cal);
    assert_null(cal);
    calendar_destroy(&cal); /* safe twice */
    calendar_destroy(NULL);
}

static void test_weekend_weekday(void **state)
{
    calendar_t *cal = *state;
    assert_true(calendar_is_working_day(cal, 2026, 9, 28));   /* Monday */
    assert_true(calendar_is_working_day(cal, 2026, 10, 2));   /* Friday */
    assert_false(calendar_is_working_day(cal, 2026, 11, 7));  /* Saturday */
    assert_false(calendar_is_working_day(cal, 2026, 11, 8));  /* Sunday */
    assert_true(calendar_is_working_day(cal, 2026, 11, 9));   /* Monday */
    assert_true(calendar_is_working_day(cal, 2024, 2, 29));   /* leap day, Thursday */
    assert_false(calendar_is_working_day(cal, 1970, 1, 3));   /* Saturday, day 2 */
    assert_true(calendar_is_working_day(cal, 1969, 12, 31));  /* Wednesday, day -1 */
    assert_false(calendar_is_working_day(cal, 1969, 12, 28)); /* Sunday before the epoch */
}

/* Negative instants: days must be split with floor, not C's truncation. */
static void test_before_epoch(void **state)
{
    calendar_t *cal = *state;
    assert_false(calendar_is_working_time(cal, s_sh(1969, 12, 28, 9, 0))); /* Sunday */
    assert_true(calendar_is_working_time(cal, s_sh(1969, 12, 29, 9, 0)));  /* Monday */
    assert_false(calendar_is_working_time(cal, s_sh(1969, 12, 29, 12, 30)));
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(1969, 12, 26, 0, 0), s_sh(1970, 1, 2, 0, 0)),
        5 * DEFAULT_DAY_US);
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(1969, 12, 31, 17, 0), s_sh(1970, 1, 1, 9, 0)),
        US_PER_HOUR);
}

static void test_invalid_dates_not_working(void **state)
{
    calendar_t *cal = *state;
    assert_false(calendar_is_working_day(cal, 2026, 2, 30));
    assert_false(calendar_is_working_day(cal, 2026, 2, 29));
    assert_false(calendar_is_working_day(cal, 2026, 4, 31));
    assert_false(calendar_is_working_day(cal, 2026, 13, 1));
    assert_false(calendar_is_working_day(cal, 2026, 0, 1));
    assert_false(calendar_is_working_day(cal, 2026, 1, 0));
    assert_false(calendar_is_working_day(cal, 2026, -1, -1));
    assert_false(calendar_is_working_day(cal, 2026, 2147483647, 2147483647));
    assert_false(calendar_is_working_day(cal, 2026, -2147483647 - 1, -2147483647 - 1));
}

static void test_holidays_and_makeup_2026(void **state)
{
    calendar_t *cal = *state;
    /* National Day: holidays on weekdays and on the weekend alike. */
    for (int d = 1; d <= 7; d++)
        assert_false(calendar_is_working_day(cal, 2026, 10, d));
    assert_true(calendar_is_working_day(cal, 2026, 10, 8));   /* Thursday */
    assert_true(calendar_is_working_day(cal, 2026, 10, 9));   /* Friday */
    assert_true(calendar_is_working_day(cal, 2026, 10, 10));  /* Saturday, make-up */
    assert_false(calendar_is_working_day(cal, 2026, 10, 11)); /* plain Sunday */
    assert_true(calendar_is_working_day(cal, 2026, 9, 20));   /* Sunday, make-up */
    assert_false(calendar_is_working_day(cal, 2026, 9, 19));  /* plain Saturday */
    assert_false(calendar_is_working_day(cal, 2026, 9, 25));  /* Mid-Autumn, Friday */
    assert_true(calendar_is_working_day(cal, 2026, 1, 4));    /* Sunday, make-up */
    assert_false(calendar_is_working_day(cal, 2026, 1, 1));   /* New Year, Thursday */
    assert_false(calendar_is_working_day(cal, 2026, 2, 23));  /* Spring Festival, Monday */
    assert_true(calendar_is_working_day(cal, 2026, 2, 14));   /* Saturday, make-up */
    /* The same dates a year later are unaffected. */
    assert_true(calendar_is_working_day(cal, 2027, 10, 1)); /* Friday */
}

static void test_working_time(void **state)
{
    calendar_t *cal = *state;
    /* Monday 2026-09-28: edges of both ranges, ends exclusive. */
    assert_false(calendar_is_working_time(cal, s_sh(2026, 9, 28, 8, 29)));
    assert_false(calendar_is_working_time(cal, s_sh(2026, 9, 28, 8, 30) - 1));
    assert_true(calendar_is_working_time(cal, s_sh(2026, 9, 28, 8, 30)));
    assert_true(calendar_is_working_time(cal, s_sh(2026, 9, 28, 12, 0) - 1));
    assert_false(calendar_is_working_time(cal, s_sh(2026, 9, 28, 12, 0)));
    assert_false(calendar_is_working_time(cal, s_sh(2026, 9, 28, 13, 59)));
    assert_true(calendar_is_working_time(cal, s_sh(2026, 9, 28, 14, 0)));
    assert_true(calendar_is_working_time(cal, s_sh(2026, 9, 28, 17, 29)));
    assert_false(calendar_is_working_time(cal, s_sh(2026, 9, 28, 17, 30)));
    assert_false(calendar_is_working_time(cal, s_sh(2026, 9, 28, 0, 0)));
    assert_false(calendar_is_working_time(cal, s_sh(2026, 9, 28, 23, 59)));
    /* Holiday on a weekday, make-up on a weekend. */
    assert_false(calendar_is_working_time(cal, s_sh(2026, 10, 1, 9, 0)));
    assert_true(calendar_is_working_time(cal, s_sh(2026, 10, 10, 9, 0)));
    assert_true(calendar_is_working_time(cal, s_sh(2026, 9, 20, 15, 0)));
    assert_false(calendar_is_working_time(cal, s_sh(2026, 10, 11, 9, 0)));
    /* 01:00Z on Monday is 09:00 in Shanghai: the local day and time count. */
    assert_true(calendar_is_working_time(cal, time_days_from_civil(2026, 9, 28) * TIME_US_PER_DAY +
                                                  US_PER_HOUR));
    /* 01:00Z on Thursday 1 October: the holiday in local time. */
    assert_false(calendar_is_working_time(cal, time_days_from_civil(2026, 10, 1) * TIME_US_PER_DAY +
                                                   US_PER_HOUR));
    /* 00:30Z on Saturday 10 October is 08:30 local: the make-up day. */
    assert_true(calendar_is_working_time(cal, time_days_from_civil(2026, 10, 10) * TIME_US_PER_DAY +
                                                  30 * US_PER_MIN));
    /* Extremes do not overflow. */
    (void)calendar_is_working_time(cal, INT64_MAX);
    (void)calendar_is_working_time(cal, INT64_MIN);
}

static void test_overlap_single_day(void **state)
{
    calendar_t *cal = *state;
    /* Across the lunch break: 11:00-15:00 is 1 h + 1 h. */
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 9, 28, 11, 0), s_sh(2026, 9, 28, 15, 0)),
        2 * US_PER_HOUR);
    /* Entirely in the lunch break, in the evening, early morning. */
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 9, 28, 12, 0), s_sh(2026, 9, 28, 14, 0)), 0);
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 9, 28, 18, 0), s_sh(2026, 9, 28, 22, 0)), 0);
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 9, 28, 6, 0), s_sh(2026, 9, 28, 8, 30)), 0);
    /* A whole working day. */
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 9, 28, 8, 30), s_sh(2026, 9, 28, 17, 30)),
        DEFAULT_DAY_US);
    /* Weekend, holiday (in daytime hours): nothing. */
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 10, 11, 9, 0), s_sh(2026, 10, 11, 17, 0)), 0);
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 10, 2, 9, 0), s_sh(2026, 10, 2, 17, 0)), 0);
    /* Make-up Saturday counts like a weekday. */
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 10, 10, 9, 0), s_sh(2026, 10, 10, 17, 0)),
        6 * US_PER_HOUR);
    /* Sub-minute precision. */
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 9, 28, 11, 59) + 1, s_sh(2026, 9, 28, 14, 0) + 7),
        US_PER_MIN - 1 + 7);
}

static void test_overlap_empty_or_reversed(void **state)
{
    calendar_t *cal = *state;
    int64_t t = s_sh(2026, 9, 28, 9, 0);
    assert_int_equal(calendar_working_overlap(cal, t, t), 0);
    assert_int_equal(calendar_working_overlap(cal, t + US_PER_HOUR, t), 0);
    assert_int_equal(calendar_working_overlap(cal, INT64_MAX, INT64_MIN), 0);
}

static void test_overlap_across_midnight(void **state)
{
    calendar_t *cal = *state;
    /* Monday 17:00 to Tuesday 09:00: 30 min + 30 min. */
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 9, 28, 17, 0), s_sh(2026, 9, 29, 9, 0)),
        US_PER_HOUR);
    /* An overnight shift 20:00-08:00 never touches working hours. */
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 9, 28, 20, 0), s_sh(2026, 9, 29, 8, 0)), 0);
    /* Ending exactly at midnight. */
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 9, 28, 17, 0), s_sh(2026, 9, 29, 0, 0)),
        30 * US_PER_MIN);
    /* Wednesday 30 September into the holiday: only the Wednesday counts. */
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 9, 30, 17, 0), s_sh(2026, 10, 1, 9, 0)),
        30 * US_PER_MIN);
    /* Friday 9 October into the make-up Saturday. */
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 10, 9, 17, 0), s_sh(2026, 10, 10, 9, 0)),
        US_PER_HOUR);
}

static void test_overlap_several_days(void **state)
{
    calendar_t *cal = *state;
    /* Monday 28 September to Monday 12 October: Mon-Wed, Thu-Fri 8-9 and the
     * make-up Saturday 10 are six working days; 1-7 October are holidays. */
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 9, 28, 0, 0), s_sh(2026, 10, 12, 0, 0)),
        6 * DEFAULT_DAY_US);
    /* A plain week in November: five days. */
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 11, 9, 0, 0), s_sh(2026, 11, 16, 0, 0)),
        5 * DEFAULT_DAY_US);
    /* Partial first and last days: Monday 16:00 to Thursday 10:00. */
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 11, 9, 16, 0), s_sh(2026, 11, 12, 10, 0)),
        90 * US_PER_MIN + 2 * DEFAULT_DAY_US + 90 * US_PER_MIN);
    /* The whole of 2026: 365 days, 261 weekdays, minus 19 holidays that fall
     * on weekdays, plus 6 make-up days. */
    assert_int_equal(calendar_working_overlap(cal, s_sh(2026, 1, 1, 0, 0), s_sh(2027, 1, 1, 0, 0)),
                     (261 - 19 + 6) * DEFAULT_DAY_US);
}

/* Compare the arithmetic with minute-by-minute stepping on pseudo-random
 * spans over the autumn 2026 holidays, at several offsets. */
static void test_overlap_matches_brute_force(void **state)
{
    calendar_t *cal = *state;
    uint64_t rng = 88172645463325252u;
    int64_t base = s_sh(2026, 9, 15, 0, 0);
    static const int offsets[] = {480, 0, -330, 840};
    for (size_t o = 0; o < sizeof offsets / sizeof *offsets; o++) {
        assert_int_equal(calendar_set_utc_offset(cal, offsets[o]), 0);
        for (int i = 0; i < 60; i++) {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            int64_t from = base + (int64_t)(rng % (40 * 1440)) * US_PER_MIN;
            int64_t to = from + (int64_t)((rng >> 32) % (5 * 1440)) * US_PER_MIN;
            assert_int_equal(calendar_working_overlap(cal, from, to),
                             s_brute_overlap(cal, from, to));
        }
    }
}

static void test_overlap_huge_spans(void **state)
{
    calendar_t *cal = *state;
    /* 400 Gregorian years are 146097 days, exactly 20871 weeks. */
    calendar_t *plain = calendar_new();
    assert_non_null(plain);
    int64_t from = s_sh(1900, 1, 1, 0, 0);
    int64_t to = from + 146097 * TIME_US_PER_DAY;
    assert_int_equal(calendar_working_overlap(plain, from, to), 20871 * 5 * DEFAULT_DAY_US);
    /* Holidays subtract, make-up days add, whatever the span around them. */
    assert_int_equal(calendar_working_overlap(cal, from, to),
                     (20871 * 5 - 19 + 6) * DEFAULT_DAY_US);
    calendar_destroy(&plain);
    /* The full int64 range: no overflow (UBSan), positive, and quick. */
    int64_t all = calendar_working_overlap(cal, INT64_MIN, INT64_MAX);
    assert_true(all > 0);
    assert_true(all <= INT64_MAX);
}

static void test_utc_offset(void **state)
{
    calendar_t *cal = *state;
    assert_int_equal(calendar_set_utc_offset(cal, 841), -1);
    assert_int_equal(calendar_set_utc_offset(cal, -721), -1);
    assert_int_equal(calendar_utc_offset(cal), 480);
    /* 01:00Z Monday is 09:00 in Shanghai but 20:30 Sunday in UTC-04:30. */
    int64_t t = time_days_from_civil(2026, 9, 28) * TIME_US_PER_DAY + US_PER_HOUR;
    assert_true(calendar_is_working_time(cal, t));
    assert_int_equal(calendar_set_utc_offset(cal, -270), 0);
    assert_int_equal(calendar_utc_offset(cal), -270);
    assert_false(calendar_is_working_time(cal, t));
    assert_true(calendar_is_working_time(cal, t + 12 * US_PER_HOUR)); /* 08:30 local */
    assert_int_equal(calendar_set_utc_offset(cal, 840), 0);
    assert_int_equal(calendar_set_utc_offset(cal, -720), 0);
}

static void test_set_hours(void **state)
{
    calendar_t *cal = *state;
    char err[128] = "";
    assert_int_equal(calendar_set_hours(cal, "09:00-12:00,13:00-18:00", err, sizeof err), 0);
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 9, 28, 0, 0), s_sh(2026, 9, 29, 0, 0)),
        8 * US_PER_HOUR);
    assert_false(calendar_is_working_time(cal, s_sh(2026, 9, 28, 8, 30)));
    assert_true(calendar_is_working_time(cal, s_sh(2026, 9, 28, 17, 59)));
    /* Whitespace around items, touching ranges, a day worked to midnight. */
    assert_int_equal(
        calendar_set_hours(cal, " 08:00-12:00 , 12:00-13:00,20:00-24:00 ", err, sizeof err), 0);
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 9, 28, 0, 0), s_sh(2026, 9, 29, 0, 0)),
        9 * US_PER_HOUR);
    assert_true(calendar_is_working_time(cal, s_sh(2026, 9, 29, 0, 0) - 1));
    assert_false(calendar_is_working_time(cal, s_sh(2026, 9, 29, 0, 0)));
    /* Round the clock. */
    assert_int_equal(calendar_set_hours(cal, "00:00-24:00", err, sizeof err), 0);
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 11, 9, 0, 0), s_sh(2026, 11, 16, 0, 0)),
        5 * TIME_US_PER_DAY);
    /* A single range, and err may be NULL. */
    assert_int_equal(calendar_set_hours(cal, "08:30-17:30", NULL, 0), 0);
    assert_true(calendar_is_working_time(cal, s_sh(2026, 9, 28, 12, 30)));
}

static void test_set_hours_rejected(void **state)
{
    calendar_t *cal = *state;
    static const char *bad[] = {
        "25:00-26:00",             /* hours out of range */
        "08:00-12:00,11:00-13:00", /* overlapping */
        "14:00-17:30,08:30-12:00", /* descending */
        "08:30-12:00,08:30-12:00", /* duplicate */
        "12:00-08:00",             /* reversed */
        "12:00-12:00",             /* empty */
        "24:00-24:00",
        "23:00-24:30",
        "08:30-12:60",
        "8:30-12:00",
        "08:30-12:00,",
        ",08:30-12:00",
        "08:30-12:00,,14:00-17:30",
        "08:30 - 12:00",
        "08:30-12:00;14:00-17:30",
        "08.30-12.00",
        "",
        "   ",
        "garbage",
        "08:30-12:00x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char err[128] = "";
        if (calendar_set_hours(cal, bad[i], err, sizeof err) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
        if (err[0] == '\0')
            fail_msg("no reason for \"%s\"", bad[i]);
        s_assert_default(cal);
    }
    char err[128] = "";
    assert_int_equal(calendar_set_hours(cal, NULL, err, sizeof err), -1);
    assert_true(err[0] != '\0');
    assert_int_equal(calendar_set_hours(cal, "25:00-26:00", NULL, 0), -1);
    s_assert_default(cal);
    /* A tiny err buffer is truncated, still terminated. */
    char tiny[8];
    memset(tiny, 'x', sizeof tiny);
    assert_int_equal(calendar_set_hours(cal, "25:00-26:00", tiny, sizeof tiny), -1);
    assert_int_equal(strlen(tiny), sizeof tiny - 1);
}

static void test_days_rejected(void **state)
{
    calendar_t *cal = *state;
    static const char *bad[] = {
        "2026-13-01",
        "2026-02-30",
        "2026-10-07..2026-10-01", /* reversed */
        "2026-10-01..",
        "..2026-10-07",
        "2026-10-01...2026-10-07",
        "2026-10-01-2026-10-07",
        "2026-10-01..2026-10-32",
        "2026-10-01,,2026-10-02",
        "2026-10-01,",
        "2026-05-01, junk",
        "2026-05-01,2026-13-01", /* a good item before a bad one is not kept */
        "2026/10/01",
        "2026-10-1",
        "1899-12-31",
        "2026-01-01..2027-01-02", /* longer than 366 days */
        "2026-10-01 .. 2026-10-07",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char err[128] = "";
        if (calendar_add_holidays(cal, bad[i], err, sizeof err) != -1)
            fail_msg("holidays accepted \"%s\"", bad[i]);
        if (err[0] == '\0')
            fail_msg("no reason for \"%s\"", bad[i]);
        s_assert_default(cal);
        err[0] = '\0';
        if (calendar_add_workdays(cal, bad[i], err, sizeof err) != -1)
            fail_msg("workdays accepted \"%s\"", bad[i]);
        if (err[0] == '\0')
            fail_msg("no reason for \"%s\"", bad[i]);
        s_assert_default(cal);
    }
    assert_false(calendar_add_holidays(cal, NULL, NULL, 0) == 0);
    /* Exactly 366 days is the longest range allowed. */
    char err[128];
    assert_int_equal(calendar_add_holidays(cal, "2024-01-01..2024-12-31", err, sizeof err), 0);
    assert_false(calendar_is_working_day(cal, 2024, 12, 31));
}

static void test_days_accepted(void **state)
{
    calendar_t *cal = *state;
    char err[128] = "";
    /* Empty specs add nothing. */
    assert_int_equal(calendar_add_holidays(cal, "", err, sizeof err), 0);
    assert_int_equal(calendar_add_workdays(cal, "  \t", err, sizeof err), 0);
    s_assert_default(cal);
    /* Whitespace, single dates, ranges, one-day ranges, repeats, overlaps. */
    assert_int_equal(calendar_add_holidays(cal, " 2026-10-01..2026-10-03 ,2026-10-02..2026-10-07 ",
                                           err, sizeof err),
                     0);
    assert_int_equal(
        calendar_add_holidays(cal, "2026-10-05,2026-10-05..2026-10-05", err, sizeof err), 0);
    assert_int_equal(calendar_add_workdays(cal, "2026-10-10\n,2026-09-20", NULL, 0), 0);
    assert_int_equal(
        calendar_working_overlap(cal, s_sh(2026, 9, 14, 0, 0), s_sh(2026, 10, 19, 0, 0)),
        (25 - 5 + 2) * DEFAULT_DAY_US);
    /* Adding adds: a later call keeps earlier days. */
    assert_int_equal(calendar_add_holidays(cal, "2026-12-31", err, sizeof err), 0);
    assert_false(calendar_is_working_day(cal, 2026, 12, 31));
    assert_false(calendar_is_working_day(cal, 2026, 10, 1));
    assert_true(calendar_is_working_day(cal, 2026, 10, 10));
}

static void test_day_in_both_sets_rejected(void **state)
{
    calendar_t *cal = *state; /* 2026 arrangement */
    char err[128] = "";
    assert_int_equal(calendar_add_workdays(cal, "2026-12-05,2026-10-03", err, sizeof err), -1);
    assert_non_null(strstr(err, "2026-10-03"));
    assert_false(calendar_is_working_day(cal, 2026, 12, 5)); /* nothing added */
    assert_false(calendar_is_working_day(cal, 2026, 10, 3));
    err[0] = '\0';
    assert_int_equal(calendar_add_holidays(cal, "2026-10-08..2026-10-12", err, sizeof err), -1);
    assert_non_null(strstr(err, "2026-10-10"));
    assert_true(calendar_is_working_day(cal, 2026, 10, 8));
    assert_true(calendar_is_working_day(cal, 2026, 10, 10));
    /* Re-adding a day to its own set is fine. */
    assert_int_equal(calendar_add_holidays(cal, "2026-10-01", err, sizeof err), 0);
    assert_int_equal(calendar_add_workdays(cal, "2026-10-10", err, sizeof err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_destroy),
        cmocka_unit_test_setup_teardown(test_weekend_weekday, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_before_epoch, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_invalid_dates_not_working, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(test_holidays_and_makeup_2026, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(test_working_time, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(test_overlap_single_day, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(test_overlap_empty_or_reversed, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(test_overlap_across_midnight, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(test_overlap_several_days, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(test_overlap_matches_brute_force, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(test_overlap_huge_spans, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(test_utc_offset, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_set_hours, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(test_set_hours_rejected, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_days_rejected, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_days_accepted, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_day_in_both_sets_rejected, s_setup_2026, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
