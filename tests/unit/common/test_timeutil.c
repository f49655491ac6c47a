/* Unit tests for timeutil: civil-date arithmetic, strict parsers, RFC 3339
 * formatting, local time at a fixed offset, quarters and whole years. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "fayuan/timeutil.h"

#define US_PER_MIN (INT64_C(60) * TIME_US_PER_SEC)
#define SHANGHAI 480

/* The instant of a UTC wall-clock time, built from the day count alone. */
static int64_t s_utc(int y, int m, int d, int hh, int mi, int ss)
{
    return time_days_from_civil(y, m, d) * TIME_US_PER_DAY +
           ((int64_t)hh * 3600 + mi * 60 + ss) * TIME_US_PER_SEC;
}

static void test_days_from_civil_known(void **state)
{
    (void)state;
    assert_int_equal(time_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(time_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(time_days_from_civil(1970, 1, 2), 1);
    assert_int_equal(time_days_from_civil(1900, 1, 1), -25567);
    assert_int_equal(time_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(time_days_from_civil(2024, 2, 29), 19782);
    assert_int_equal(time_days_from_civil(2026, 10, 1), 20727);
    assert_int_equal(time_days_from_civil(2999, 12, 31), 376199);
    assert_int_equal(time_days_from_civil(1, 1, 1), -719162);
}

/* Walk every day from 1900 to 2999 with a naive calendar and compare both
 * directions: catches any leap-year or month-length slip. */
static void test_days_civil_exhaustive(void **state)
{
    (void)state;
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 1900, m = 1, d = 1;
    for (int64_t days = -25567; days <= 376199; days++) {
        assert_int_equal(time_days_from_civil(y, m, d), days);
        int ry, rm, rd;
        time_civil_from_days(days, &ry, &rm, &rd);
        if (ry != y || rm != m || rd != d)
            fail_msg("day %lld: got %d-%d-%d, want %d-%d-%d", (long long)days, ry, rm, rd, y, m, d);
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int mlen = m == 2 && leap ? 29 : len[m - 1];
        if (++d > mlen) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
    assert_int_equal(y, 3000);
}

static void test_civil_from_days_far(void **state)
{
    (void)state;
    int y, m, d;
    time_civil_from_days(-719162, &y, &m, &d);
    assert_int_equal(y, 1);
    assert_int_equal(m, 1);
    assert_int_equal(d, 1);
    /* Year 0 and before: the algorithm is proleptic, round trips hold. */
    for (int64_t days = -1000000; days <= -700000; days += 997) {
        time_civil_from_days(days, &y, &m, &d);
        assert_int_equal(time_days_from_civil(y, m, d), days);
    }
    /* NULL outputs are allowed. */
    time_civil_from_days(0, NULL, NULL, &d);
    assert_int_equal(d, 1);
}

static void test_parse_date_valid(void **state)
{
    (void)state;
    int y = 0, m = 0, d = 0;
    assert_int_equal(time_parse_date("2026-10-01", &y, &m, &d), 0);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 10);
    assert_int_equal(d, 1);
    assert_int_equal(time_parse_date("2024-02-29", &y, &m, &d), 0); /* leap */
    assert_int_equal(time_parse_date("2000-02-29", &y, &m, &d), 0); /* 400-year leap */
    assert_int_equal(time_parse_date("1900-01-01", &y, &m, &d), 0);
    assert_int_equal(time_parse_date("2999-12-31", &y, &m, &d), 0);
    assert_int_equal(y, 2999);
}

static void test_parse_date_invalid(void **state)
{
    (void)state;
    static const char *bad[] = {
        "2026-02-30",
        "2026-02-29",
        "1900-02-29",
        "2100-02-29",
        "2026-04-31",
        "2026-13-01",
        "2026-00-10",
        "2026-01-00",
        "2026-01-32",
        "1899-12-31",
        "3000-01-01",
        "2026-1-01",
        "2026-01-1",
        "26-01-01",
        "2026/01/01",
        "2026-01-01 ",
        " 2026-01-01",
        "2026-01-01T",
        "",
        "2026",
        "+026-01-01",
        "2026-0a-01",
        "\xef\xbc\x92\x30\x32\x36-01-01" /* fullwidth digit */,
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int y = -7, m = -7, d = -7;
        if (time_parse_date(bad[i], &y, &m, &d) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(y, -7); /* outputs untouched on failure */
        assert_int_equal(m, -7);
        assert_int_equal(d, -7);
    }
    int y, m, d;
    assert_int_equal(time_parse_date(NULL, &y, &m, &d), -1);
}

static void test_rfc3339_zones(void **state)
{
    (void)state;
    int64_t us = 0;
    int64_t want = s_utc(2026, 11, 26, 1, 30, 0);
    assert_int_equal(time_parse_rfc3339("2026-11-26T01:30:00Z", &us), 0);
    assert_int_equal(us, want);
    assert_int_equal(time_parse_rfc3339("2026-11-26T09:30:00+08:00", &us), 0);
    assert_int_equal(us, want);
    assert_int_equal(time_parse_rfc3339("2026-11-25T20:00:00-05:30", &us), 0);
    assert_int_equal(us, want);
    assert_int_equal(time_parse_rfc3339("2026-11-26T01:30:00-00:00", &us), 0);
    assert_int_equal(us, want);
    assert_int_equal(time_parse_rfc3339("2026-11-26t01:30:00z", &us), 0);
    assert_int_equal(us, want);
    assert_int_equal(time_parse_rfc3339("2026-11-26 09:30:00+08:00", &us), 0);
    assert_int_equal(us, want);
    /* The local date differs from the UTC date. */
    assert_int_equal(time_parse_rfc3339("2026-10-01T00:00:00+08:00", &us), 0);
    assert_int_equal(us, s_utc(2026, 9, 30, 16, 0, 0));
    /* Before the epoch. */
    assert_int_equal(time_parse_rfc3339("1969-12-31T23:59:59Z", &us), 0);
    assert_int_equal(us, -TIME_US_PER_SEC);
    /* Leap day. */
    assert_int_equal(time_parse_rfc3339("2024-02-29T12:00:00Z", &us), 0);
    assert_int_equal(us, s_utc(2024, 2, 29, 12, 0, 0));
}

static void test_rfc3339_fraction(void **state)
{
    (void)state;
    int64_t base = s_utc(2026, 11, 26, 1, 30, 0);
    int64_t us = 0;
    assert_int_equal(time_parse_rfc3339("2026-11-26T01:30:00.5Z", &us), 0);
    assert_int_equal(us, base + 500000);
    assert_int_equal(time_parse_rfc3339("2026-11-26T09:30:00.123456+08:00", &us), 0);
    assert_int_equal(us, base + 123456);
    /* Beyond microseconds: truncated, not rounded. */
    assert_int_equal(time_parse_rfc3339("2026-11-26T01:30:00.1234569Z", &us), 0);
    assert_int_equal(us, base + 123456);
    assert_int_equal(time_parse_rfc3339("2026-11-26T01:30:00.000000001Z", &us), 0);
    assert_int_equal(us, base);
    assert_int_equal(time_parse_rfc3339("2026-11-26T01:30:00.999999999Z", &us), 0);
    assert_int_equal(us, base + 999999);
    assert_int_equal(time_parse_rfc3339("2026-11-26T01:30:00.000001Z", &us), 0);
    assert_int_equal(us, base + 1);
}

static void test_rfc3339_invalid(void **state)
{
    (void)state;
    static const char *bad[] = {
        "",
        "garbage",
        "2026-11-26",
        "2026-11-26T09:30:00",        /* missing zone */
        "2026-11-26T09:30:00+08:00x", /* trailing junk */
        "2026-11-26T09:30:00Z ",
        " 2026-11-26T09:30:00Z",
        "2026-11-26T09:30:00ZZ",
        "2026-11-26T09:30:00.Z", /* dot without digits */
        "2026-11-26T09:30:00,5Z",
        "2026-11-26T09:30Z", /* no seconds */
        "2026-11-26T9:30:00Z",
        "2026-11-26T24:00:00Z",
        "2026-11-26T23:60:00Z",
        "2026-11-26T23:59:60Z", /* leap second */
        "2026-11-26X09:30:00Z",
        "2026-11-26T09:30:00+0800",
        "2026-11-26T09:30:00+08",
        "2026-11-26T09:30:00+8:00",
        "2026-11-26T09:30:00+24:00",
        "2026-11-26T09:30:00+08:60",
        "2026-11-26T09:30:00 +08:00",
        "2026-02-30T09:30:00Z", /* no such date */
        "2026-13-01T09:30:00Z",
        "1899-12-31T23:59:59Z",
        "2026-11-26T09:30:00UTC",
        "2026-11-26T09:30:00+08:00:00",
        "2026-11-26T09:3",
        "2026-11-26T",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t us = 42;
        if (time_parse_rfc3339(bad[i], &us) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(us, 42);
    }
    int64_t us = 42;
    assert_int_equal(time_parse_rfc3339(NULL, &us), -1);
    assert_int_equal(us, 42);
}

static void test_format_rfc3339(void **state)
{
    (void)state;
    char buf[32];
    int64_t t = s_utc(2026, 11, 26, 1, 30, 0);
    assert_string_equal(time_format_rfc3339(t, SHANGHAI, buf, sizeof buf),
                        "2026-11-26T09:30:00+08:00");
    assert_string_equal(time_format_rfc3339(t, 0, buf, sizeof buf), "2026-11-26T01:30:00Z");
    assert_string_equal(time_format_rfc3339(t, -330, buf, sizeof buf), "2026-11-25T20:00:00-05:30");
    /* Seconds precision: the fraction is dropped, not rounded up. */
    assert_string_equal(time_format_rfc3339(t + 999999, 0, buf, sizeof buf),
                        "2026-11-26T01:30:00Z");
    /* Before the epoch, microseconds floor to the earlier second. */
    assert_string_equal(time_format_rfc3339(-1, 0, buf, sizeof buf), "1969-12-31T23:59:59Z");
    assert_string_equal(time_format_rfc3339(0, 840, buf, sizeof buf), "1970-01-01T14:00:00+14:00");
    assert_string_equal(time_format_rfc3339(0, -720, buf, sizeof buf), "1969-12-31T12:00:00-12:00");
    /* Round trip through the parser. */
    for (int64_t u = s_utc(2024, 1, 1, 0, 0, 0); u < s_utc(2027, 1, 1, 0, 0, 0);
         u += 7919 * TIME_US_PER_SEC) {
        int64_t back;
        time_format_rfc3339(u, SHANGHAI, buf, sizeof buf);
        assert_int_equal(time_parse_rfc3339(buf, &back), 0);
        assert_int_equal(back, u);
    }
}

static void test_format_extreme_does_not_overflow(void **state)
{
    (void)state;
    char buf[64];
    /* Only checks there is no UB (run under UBSan) and a terminated string. */
    time_format_rfc3339(INT64_MAX, 840, buf, sizeof buf);
    assert_true(strlen(buf) < sizeof buf);
    time_format_rfc3339(INT64_MIN, -720, buf, sizeof buf);
    assert_true(strlen(buf) < sizeof buf);
}

static void test_local(void **state)
{
    (void)state;
    int y, m, d, mod;
    /* 16:00Z on 30 September is midnight of 1 October in Shanghai. */
    time_local(s_utc(2026, 9, 30, 16, 0, 0), SHANGHAI, &y, &m, &d, &mod);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 10);
    assert_int_equal(d, 1);
    assert_int_equal(mod, 0);
    time_local(s_utc(2026, 9, 30, 15, 59, 59), SHANGHAI, &y, &m, &d, &mod);
    assert_int_equal(m, 9);
    assert_int_equal(d, 30);
    assert_int_equal(mod, 23 * 60 + 59);
    /* Negative offset moves the date back. */
    time_local(s_utc(2026, 1, 1, 3, 0, 0), -330, &y, &m, &d, &mod);
    assert_int_equal(y, 2025);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    assert_int_equal(mod, 21 * 60 + 30);
    /* Before the epoch. */
    time_local(-1, 0, &y, &m, &d, &mod);
    assert_int_equal(y, 1969);
    assert_int_equal(mod, 1439);
    /* NULL outputs. */
    mod = -1;
    time_local(s_utc(2026, 9, 28, 0, 30, 0), SHANGHAI, NULL, NULL, NULL, &mod);
    assert_int_equal(mod, 8 * 60 + 30);
    time_local(INT64_MAX, 840, &y, NULL, NULL, &mod);
    time_local(INT64_MIN, -720, &y, NULL, NULL, &mod);
}

static void test_quarter_of(void **state)
{
    (void)state;
    char buf[8];
    assert_string_equal(time_quarter_of(s_utc(2026, 9, 30, 16, 0, 0), SHANGHAI, buf, sizeof buf),
                        "2026Q4");
    assert_string_equal(time_quarter_of(s_utc(2026, 9, 30, 15, 59, 59), SHANGHAI, buf, sizeof buf),
                        "2026Q3");
    assert_string_equal(
        time_quarter_of(s_utc(2026, 9, 30, 15, 59, 59) + 999999, SHANGHAI, buf, sizeof buf),
        "2026Q3");
    assert_string_equal(time_quarter_of(s_utc(2026, 9, 30, 16, 0, 0), 0, buf, sizeof buf),
                        "2026Q3");
    assert_string_equal(time_quarter_of(s_utc(2026, 12, 31, 16, 0, 0), SHANGHAI, buf, sizeof buf),
                        "2027Q1");
    assert_string_equal(time_quarter_of(s_utc(2026, 12, 31, 15, 59, 59), SHANGHAI, buf, sizeof buf),
                        "2026Q4");
    assert_string_equal(time_quarter_of(s_utc(2026, 3, 31, 16, 0, 0), SHANGHAI, buf, sizeof buf),
                        "2026Q2");
    assert_string_equal(time_quarter_of(s_utc(2026, 6, 30, 16, 0, 0), SHANGHAI, buf, sizeof buf),
                        "2026Q3");
    assert_string_equal(time_quarter_of(s_utc(2026, 1, 1, 0, 0, 0), SHANGHAI, buf, sizeof buf),
                        "2026Q1");
}

static void test_quarter_parse(void **state)
{
    (void)state;
    int y = 0, q = 0;
    assert_int_equal(time_quarter_parse("2026Q4", &y, &q), 0);
    assert_int_equal(y, 2026);
    assert_int_equal(q, 4);
    assert_int_equal(time_quarter_parse("2027q1", &y, &q), 0);
    assert_int_equal(y, 2027);
    assert_int_equal(q, 1);
    static const char *bad[] = {"2026Q0", "2026Q5",  "2026Q",   "26Q4",    "2026Q41",
                                "",       "2026-Q4", " 2026Q4", "2026Q4 ", "2026 Q4",
                                "Q42026", "1899Q4",  "3000Q1",  "20a6Q1",  "2026X4"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        y = -1;
        q = -1;
        if (time_quarter_parse(bad[i], &y, &q) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(y, -1);
        assert_int_equal(q, -1);
    }
    assert_int_equal(time_quarter_parse(NULL, &y, &q), -1);
}

static void test_quarter_start(void **state)
{
    (void)state;
    assert_int_equal(time_quarter_start(2026, 4, SHANGHAI), s_utc(2026, 9, 30, 16, 0, 0));
    assert_int_equal(time_quarter_start(2026, 1, SHANGHAI), s_utc(2025, 12, 31, 16, 0, 0));
    assert_int_equal(time_quarter_start(2026, 2, 0), s_utc(2026, 4, 1, 0, 0, 0));
    assert_int_equal(time_quarter_start(2026, 3, -330), s_utc(2026, 7, 1, 5, 30, 0));
    /* Rolling over: the end of Q4 is the start of next year's Q1. */
    assert_int_equal(time_quarter_start(2026, 5, SHANGHAI), time_quarter_start(2027, 1, SHANGHAI));
    assert_int_equal(time_quarter_start(2026, 0, SHANGHAI), time_quarter_start(2025, 4, SHANGHAI));
    /* Consistent with time_quarter_of on both sides of every boundary. */
    char buf[8], want[8];
    for (int y = 2020; y <= 2030; y++) {
        for (int q = 1; q <= 4; q++) {
            int64_t start = time_quarter_start(y, q, SHANGHAI);
            snprintf(want, sizeof want, "%dQ%d", y, q);
            assert_string_equal(time_quarter_of(start, SHANGHAI, buf, sizeof buf), want);
            snprintf(want, sizeof want, "%dQ%d", q == 1 ? y - 1 : y, q == 1 ? 4 : q - 1);
            assert_string_equal(time_quarter_of(start - 1, SHANGHAI, buf, sizeof buf), want);
        }
    }
}

static void test_years_between(void **state)
{
    (void)state;
    /* Around a birthday. */
    assert_int_equal(time_years_between(1990, 6, 15, 2026, 6, 14), 35);
    assert_int_equal(time_years_between(1990, 6, 15, 2026, 6, 15), 36);
    assert_int_equal(time_years_between(1990, 6, 15, 2026, 6, 16), 36);
    assert_int_equal(time_years_between(1990, 6, 15, 2026, 5, 31), 35);
    assert_int_equal(time_years_between(1990, 6, 15, 2026, 7, 1), 36);
    assert_int_equal(time_years_between(2026, 1, 1, 2026, 12, 31), 0);
    assert_int_equal(time_years_between(2026, 6, 15, 2026, 6, 15), 0);
    /* Born on 29 February. */
    assert_int_equal(time_years_between(2000, 2, 29, 2001, 2, 28), 0);
    assert_int_equal(time_years_between(2000, 2, 29, 2001, 3, 1), 1);
    assert_int_equal(time_years_between(2000, 2, 29, 2004, 2, 28), 3);
    assert_int_equal(time_years_between(2000, 2, 29, 2004, 2, 29), 4);
    /* Second date earlier: negative, symmetric. */
    assert_int_equal(time_years_between(2026, 6, 15, 1990, 6, 15), -36);
    assert_int_equal(time_years_between(2026, 6, 14, 1990, 6, 15), -35);
    assert_int_equal(time_years_between(2026, 1, 1, 2025, 12, 31), 0);
}

static void test_now(void **state)
{
    (void)state;
    int64_t now = time_now_us();
    assert_true(now > s_utc(2024, 1, 1, 0, 0, 0));
    assert_true(now < s_utc(2100, 1, 1, 0, 0, 0));
    assert_true(time_now_us() >= now - TIME_US_PER_SEC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_from_civil_known),
        cmocka_unit_test(test_days_civil_exhaustive),
        cmocka_unit_test(test_civil_from_days_far),
        cmocka_unit_test(test_parse_date_valid),
        cmocka_unit_test(test_parse_date_invalid),
        cmocka_unit_test(test_rfc3339_zones),
        cmocka_unit_test(test_rfc3339_fraction),
        cmocka_unit_test(test_rfc3339_invalid),
        cmocka_unit_test(test_format_rfc3339),
        cmocka_unit_test(test_format_extreme_does_not_overflow),
        cmocka_unit_test(test_local),
        cmocka_unit_test(test_quarter_of),
        cmocka_unit_test(test_quarter_parse),
        cmocka_unit_test(test_quarter_start),
        cmocka_unit_test(test_years_between),
        cmocka_unit_test(test_now),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
