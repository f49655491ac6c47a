/* timeutil — instants, civil dates, RFC 3339 and quarters (include/fayuan/timeutil.h).
 * Owns no state. Deliberately avoids mktime/timegm/localtime: they depend on
 * the TZ environment and the zone database, and localtime is not thread-safe;
 * a center's zone is a fixed UTC offset, so plain arithmetic is exact. */
#include "fayuan/timeutil.h"

#include <assert.h>
#include <stdio.h>
#include <time.h>

#define S_US_PER_MIN (INT64_C(60) * TIME_US_PER_SEC)

/* Division rounding toward minus infinity (C rounds toward zero), written so
 * that it cannot overflow for any a and positive b. */
static int64_t s_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if (a % b != 0 && a < 0)
        q--;
    return q;
}

static int64_t s_floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return r < 0 ? r + b : r;
}

/* Splits an instant into a local day number and microseconds into that day.
 * The offset is applied after splitting so that no intermediate sum can
 * overflow, even for instants near INT64_MIN/INT64_MAX. */
static void s_split_local(int64_t us, int offset_min, int64_t *days, int64_t *us_of_day)
{
    int64_t d = s_floor_div(us, TIME_US_PER_DAY);
    int64_t rem = s_floor_mod(us, TIME_US_PER_DAY) + (int64_t)offset_min * S_US_PER_MIN;
    d += s_floor_div(rem, TIME_US_PER_DAY);
    *days = d;
    *us_of_day = s_floor_mod(rem, TIME_US_PER_DAY);
}

int64_t time_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * TIME_US_PER_SEC + ts.tv_nsec / 1000;
}

/* Howard Hinnant's days_from_civil. The idea: start the year on 1 March so
 * that the leap day is the last day of a "computational year", then count in
 * 400-year eras, each exactly 146097 days. Everything is int64 so that no
 * argument can make an intermediate overflow. */
int64_t time_days_from_civil(int y, int m, int d)
{
    int64_t year = (int64_t)y - (m <= 2); /* Jan and Feb belong to the previous March-year */
    int64_t era = s_floor_div(year, 400);
    int64_t year_of_era = year - era * 400;                             /* 0..399 */
    int64_t month_from_march = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9; /* Mar=0 .. Feb=11 */
    /* (153 * mp + 2) / 5 is the number of days before month mp in a March-year:
     * the month lengths 31,30,31,30,31 repeat with period 153 days / 5 months. */
    int64_t day_of_year = (153 * month_from_march + 2) / 5 + (int64_t)d - 1;
    int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year; /* 0..146096 */
    /* 719468 days separate 0000-03-01 (start of era 0) from 1970-01-01. */
    return era * 146097 + day_of_era - 719468;
}

/* The inverse of the above, same March-based computational year. */
void time_civil_from_days(int64_t days, int *y, int *m, int *d)
{
    int64_t z = days + 719468;
    int64_t era = s_floor_div(z, 146097);
    int64_t day_of_era = z - era * 146097; /* 0..146096 */
    /* Remove the leap days accumulated so far (one per 4 years, none per 100,
     * one per 400) so that dividing by 365 gives the year of the era. */
    int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t month_from_march = (5 * day_of_year + 2) / 153;
    int64_t day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    int64_t month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
    int64_t year = year_of_era + era * 400 + (month <= 2);
    if (y)
        *y = (int)year;
    if (m)
        *m = (int)month;
    if (d)
        *d = (int)day;
}

static bool s_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int s_days_in_month(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && s_is_leap(y) ? 29 : len[m - 1];
}

/* Reads exactly n ASCII digits; -1 if any is not a digit. */
static int s_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* "YYYY-MM-DD" in the first 10 characters of s (what follows is the caller's
 * business). Checks that the date exists and the year is 1900..2999. */
static int s_parse_date10(const char *s, int *y, int *m, int *d)
{
    for (int i = 0; i < 10; i++)
        if (s[i] == '\0')
            return -1;
    if (s[4] != '-' || s[7] != '-')
        return -1;
    int year = s_digits(s, 4), month = s_digits(s + 5, 2), day = s_digits(s + 8, 2);
    if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1 ||
        day > s_days_in_month(year, month))
        return -1;
    *y = year;
    *m = month;
    *d = day;
    return 0;
}

int time_parse_date(const char *s, int *y, int *m, int *d)
{
    int year, month, day;
    if (!s || s_parse_date10(s, &year, &month, &day) != 0 || s[10] != '\0')
        return -1;
    *y = year;
    *m = month;
    *d = day;
    return 0;
}

int time_parse_rfc3339(const char *s, int64_t *us_out)
{
    int y, mo, d;
    if (!s || s_parse_date10(s, &y, &mo, &d) != 0)
        return -1;
    const char *p = s + 10;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return -1;
    p++;
    /* s_digits stops at the first non-digit, so a short string (NUL) fails
     * there before anything beyond the terminator is read. */
    int hh = s_digits(p, 2);
    if (hh < 0 || p[2] != ':')
        return -1;
    int mi = s_digits(p + 3, 2);
    if (mi < 0 || p[5] != ':')
        return -1;
    int ss = s_digits(p + 6, 2);
    /* Second 60 (a leap second) is refused: unix time cannot represent it and
     * none of our feeds sends one. */
    if (ss < 0 || hh > 23 || mi > 59 || ss > 59)
        return -1;
    p += 8;

    int64_t frac_us = 0;
    if (*p == '.') {
        p++;
        int n = 0;
        int64_t scale = 100000;
        /* Digits beyond microseconds are accepted and truncated. */
        while (*p >= '0' && *p <= '9') {
            frac_us += (*p - '0') * scale;
            scale /= 10;
            p++;
            n++;
        }
        if (n == 0)
            return -1;
    }

    int offset_min;
    if (*p == 'Z' || *p == 'z') {
        offset_min = 0;
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        int oh = s_digits(p + 1, 2);
        if (oh < 0 || p[3] != ':')
            return -1;
        int om = s_digits(p + 4, 2);
        if (om < 0 || oh > 23 || om > 59)
            return -1;
        offset_min = sign * (oh * 60 + om);
        p += 6;
    } else {
        return -1; /* the zone is mandatory: a bare local time is ambiguous */
    }
    if (*p != '\0')
        return -1;

    int64_t secs = (int64_t)hh * 3600 + mi * 60 + ss;
    *us_out = time_days_from_civil(y, mo, d) * TIME_US_PER_DAY + secs * TIME_US_PER_SEC + frac_us -
              (int64_t)offset_min * S_US_PER_MIN;
    return 0;
}

char *time_format_rfc3339(int64_t us, int offset_min, char *buf, size_t len)
{
    assert(buf && len >= 32);
    int64_t days, us_of_day;
    s_split_local(us, offset_min, &days, &us_of_day);
    int y, m, d;
    time_civil_from_days(days, &y, &m, &d);
    int sec_of_day = (int)(us_of_day / TIME_US_PER_SEC);
    int n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, sec_of_day / 3600,
                     sec_of_day / 60 % 60, sec_of_day % 60);
    if (n < 0 || (size_t)n >= len)
        return buf;
    if (offset_min == 0) {
        snprintf(buf + n, len - (size_t)n, "Z");
    } else {
        int a = offset_min < 0 ? -offset_min : offset_min;
        snprintf(buf + n, len - (size_t)n, "%c%02d:%02d", offset_min < 0 ? '-' : '+', a / 60,
                 a % 60);
    }
    return buf;
}

void time_local(int64_t us, int offset_min, int *y, int *m, int *d, int *minute_of_day)
{
    int64_t days, us_of_day;
    s_split_local(us, offset_min, &days, &us_of_day);
    time_civil_from_days(days, y, m, d);
    if (minute_of_day)
        *minute_of_day = (int)(us_of_day / S_US_PER_MIN);
}

char *time_quarter_of(int64_t us, int offset_min, char *buf, size_t len)
{
    assert(buf && len >= 8);
    int y, m;
    time_local(us, offset_min, &y, &m, NULL, NULL);
    snprintf(buf, len, "%04dQ%d", y, (m - 1) / 3 + 1);
    return buf;
}

int time_quarter_parse(const char *s, int *year, int *quarter)
{
    if (!s)
        return -1;
    int y = s_digits(s, 4);
    if (y < 1900 || y > 2999 || (s[4] != 'Q' && s[4] != 'q') || s[5] < '1' || s[5] > '4' ||
        s[6] != '\0')
        return -1;
    *year = y;
    *quarter = s[5] - '0';
    return 0;
}

int64_t time_quarter_start(int year, int quarter, int offset_min)
{
    /* Normalise so that quarter 5 is Q1 of the next year (and 0 is Q4 of the
     * previous): callers get the end of a quarter as the start of quarter+1. */
    int64_t q0 = (int64_t)quarter - 1;
    int64_t y = (int64_t)year + s_floor_div(q0, 4);
    int month = (int)s_floor_mod(q0, 4) * 3 + 1;
    return time_days_from_civil((int)y, month, 1) * TIME_US_PER_DAY -
           (int64_t)offset_min * S_US_PER_MIN;
}

int time_years_between(int y0, int m0, int d0, int y1, int m1, int d1)
{
    /* Compare (month, day) lexicographically: someone born on 29 February
     * completes a year on 1 March in a common year. */
    bool later_first = y1 < y0 || (y1 == y0 && (m1 < m0 || (m1 == m0 && d1 < d0)));
    if (later_first)
        return -time_years_between(y1, m1, d1, y0, m0, d0);
    int years = y1 - y0;
    if (m1 < m0 || (m1 == m0 && d1 < d0))
        years--;
    return years;
}
