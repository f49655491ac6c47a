/* fuzz-sources: services/common/timeutil.c */
/* libFuzzer target for the timeutil text decoders: time_parse_rfc3339,
 * time_parse_date and time_quarter_parse on arbitrary bytes (copied into a
 * NUL-terminated buffer; a NUL inside the input simply ends the string, as it
 * would for any C caller). Checks the decoders' promises, not just "no crash":
 *   - each accepts exactly what an independent acceptor (POSIX regex plus
 *     range checks, real dates via timegm) accepts, and leaves its outputs
 *     untouched on failure;
 *   - an accepted instant equals timegm's reading of the same fields, and
 *     time_format_rfc3339 in the input's own offset writes the same civil
 *     time back, which re-parses to the same instant truncated to the second;
 *   - an accepted quarter round-trips through time_quarter_start and
 *     time_quarter_of, and its bounds are the first day of its months;
 *   - formatting any instant stays in its buffer and re-parses whenever its
 *     local year is one time_parse_date accepts. */
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fayuan/timeutil.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "CHECK failed at line %d: %s\n", __LINE__, #cond);                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define S_US_PER_MIN (INT64_C(60) * TIME_US_PER_SEC)
#define S_SENTINEL INT64_C(0x5A5A5A5A5A5A5A5A)

static regex_t s_re_date, s_re_rfc, s_re_quarter;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    CHECK(regcomp(&s_re_date, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", REG_EXTENDED | REG_NOSUB) == 0);
    CHECK(regcomp(&s_re_rfc,
                  "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?"
                  "([Zz]|[-+][0-9]{2}:[0-9]{2})$",
                  REG_EXTENDED | REG_NOSUB) == 0);
    CHECK(regcomp(&s_re_quarter, "^[0-9]{4}[Qq][1-4]$", REG_EXTENDED | REG_NOSUB) == 0);
    return 0;
}

static int64_t s_floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return r < 0 ? r + b : r;
}

/* n decimal digits at s (already known to be digits). */
static int s_num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Seconds since the epoch of a UTC civil time, via the C library (an oracle
 * independent of timeutil's own arithmetic). */
static int64_t s_timegm(int y, int m, int d, int hh, int mi, int ss)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = hh;
    tm.tm_min = mi;
    tm.tm_sec = ss;
    return (int64_t)timegm(&tm);
}

/* Is "YYYY-MM-DD" at s (pattern already matched) a real date in 1900..2999? */
static bool s_real_date(const char *s)
{
    int y = s_num(s, 4), m = s_num(s + 5, 2), d = s_num(s + 8, 2);
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    time_t t = (time_t)s_timegm(y, m, d, 0, 0, 0);
    struct tm back;
    CHECK(gmtime_r(&t, &back));
    return back.tm_year == y - 1900 && back.tm_mon == m - 1 && back.tm_mday == d;
}

static void s_check_date(const char *s)
{
    int y = -1, m = -1, d = -1;
    int rc = time_parse_date(s, &y, &m, &d);
    bool want = regexec(&s_re_date, s, 0, NULL, 0) == 0 && s_real_date(s);
    CHECK(rc == (want ? 0 : -1));
    if (rc != 0) {
        CHECK(y == -1 && m == -1 && d == -1);
        return;
    }
    char buf[16];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    CHECK(strcmp(buf, s) == 0);
    int64_t days = time_days_from_civil(y, m, d);
    CHECK(days * 86400 == s_timegm(y, m, d, 0, 0, 0));
    int ry, rm, rd;
    time_civil_from_days(days, &ry, &rm, &rd);
    CHECK(ry == y && rm == m && rd == d);
}

/* The offset in minutes written at the end of an accepted RFC 3339 string. */
static int s_rfc_offset(const char *s, size_t n)
{
    if (s[n - 1] == 'Z' || s[n - 1] == 'z')
        return 0;
    const char *z = s + n - 6;
    int v = s_num(z + 1, 2) * 60 + s_num(z + 4, 2);
    return z[0] == '-' ? -v : v;
}

static void s_check_rfc3339(const char *s)
{
    int64_t us = S_SENTINEL;
    int rc = time_parse_rfc3339(s, &us);
    size_t n = strlen(s);
    bool want = regexec(&s_re_rfc, s, 0, NULL, 0) == 0 && s_real_date(s);
    int hh = 0, mi = 0, ss = 0;
    if (want) {
        hh = s_num(s + 11, 2);
        mi = s_num(s + 14, 2);
        ss = s_num(s + 17, 2);
        want = hh <= 23 && mi <= 59 && ss <= 59;
    }
    int off = 0;
    if (want) {
        off = s_rfc_offset(s, n);
        const char *z = s + n - 6;
        if (s[n - 1] != 'Z' && s[n - 1] != 'z')
            want = s_num(z + 1, 2) <= 23 && s_num(z + 4, 2) <= 59;
    }
    CHECK(rc == (want ? 0 : -1));
    if (rc != 0) {
        CHECK(us == S_SENTINEL); /* "out untouched" */
        return;
    }

    /* The fraction, kept to microseconds (further digits truncated). */
    int64_t frac = 0;
    if (s[19] == '.') {
        int64_t scale = 100000;
        for (const char *p = s + 20; *p >= '0' && *p <= '9' && scale > 0; p++, scale /= 10)
            frac += (*p - '0') * scale;
    }
    int y = s_num(s, 4), m = s_num(s + 5, 2), d = s_num(s + 8, 2);
    int64_t want_us =
        s_timegm(y, m, d, hh, mi, ss) * TIME_US_PER_SEC + frac - (int64_t)off * S_US_PER_MIN;
    CHECK(us == want_us);
    CHECK(s_floor_mod(us, TIME_US_PER_SEC) == frac);

    /* Formatted in the input's own offset: the same civil time, canonical. */
    char buf[48];
    memset(buf, 0x7f, sizeof buf);
    CHECK(time_format_rfc3339(us, off, buf, 32) == buf);
    CHECK(memchr(buf, '\0', 32) != NULL);
    CHECK(memcmp(buf, s, 10) == 0 && buf[10] == 'T' && memcmp(buf + 11, s + 11, 8) == 0);
    if (off == 0)
        CHECK(strcmp(buf + 19, "Z") == 0);
    else
        CHECK(strcmp(buf + 19, s + n - 6) == 0);
    int64_t again = S_SENTINEL;
    CHECK(time_parse_rfc3339(buf, &again) == 0);
    CHECK(again == us - frac);

    /* The local civil time agrees with what was written. */
    int ly, lm, ld, lmin;
    time_local(us, off, &ly, &lm, &ld, &lmin);
    CHECK(ly == y && lm == m && ld == d && lmin == hh * 60 + mi);
}

static void s_check_quarter(const char *s, int offset_min)
{
    int y = -1, q = -1;
    int rc = time_quarter_parse(s, &y, &q);
    bool want =
        regexec(&s_re_quarter, s, 0, NULL, 0) == 0 && s_num(s, 4) >= 1900 && s_num(s, 4) <= 2999;
    CHECK(rc == (want ? 0 : -1));
    if (rc != 0) {
        CHECK(y == -1 && q == -1);
        return;
    }
    char canon[16], buf[16];
    snprintf(canon, sizeof canon, "%04dQ%d", y, q);
    CHECK(memcmp(canon, s, 4) == 0 && (s[4] == 'Q' || s[4] == 'q') && canon[5] == s[5] &&
          s[6] == '\0');

    int offs[3] = {offset_min, 0, 480};
    for (int i = 0; i < 3; i++) {
        int off = offs[i];
        int64_t start = time_quarter_start(y, q, off);
        int64_t next = time_quarter_start(y, q + 1, off);
        CHECK(start == s_timegm(y, (q - 1) * 3 + 1, 1, 0, 0, 0) * TIME_US_PER_SEC -
                           (int64_t)off * S_US_PER_MIN);
        CHECK(next - start >= 90 * TIME_US_PER_DAY && next - start <= 92 * TIME_US_PER_DAY);
        CHECK(strcmp(time_quarter_of(start, off, buf, 8), canon) == 0);
        CHECK(strcmp(time_quarter_of(next - 1, off, buf, 8), canon) == 0);
        CHECK(strcmp(time_quarter_of(start - 1, off, buf, 8), canon) != 0);
        CHECK(strcmp(time_quarter_of(next, off, buf, 8), canon) != 0);
        int ly, lm, ld, lmin;
        time_local(start, off, &ly, &lm, &ld, &lmin);
        CHECK(ly == y && lm == (q - 1) * 3 + 1 && ld == 1 && lmin == 0);
        /* quarter rolls over: q + 4 is the same quarter a year later */
        CHECK(time_quarter_start(y, q + 4, off) == time_quarter_start(y + 1, q, off));
        CHECK(time_quarter_start(y, q - 4, off) == time_quarter_start(y - 1, q, off));
        /* the quarter's text re-parses to itself */
        int y2, q2;
        CHECK(time_quarter_parse(time_quarter_of(start, off, buf, 8), &y2, &q2) == 0);
        CHECK(y2 == y && q2 == q);
    }
}

/* Formats an instant and, when its local year is in 1900..2999, re-parses it. */
static void s_check_format(int64_t us, int off)
{
    char buf[40];
    memset(buf, 0x7f, sizeof buf);
    time_format_rfc3339(us, off, buf, 32);
    CHECK(memchr(buf, '\0', 32) != NULL);
    CHECK((unsigned char)buf[32] == 0x7f);
    int y, m, d, minute;
    time_local(us, off, &y, &m, &d, &minute);
    CHECK(m >= 1 && m <= 12 && d >= 1 && d <= 31 && minute >= 0 && minute < 1440);
    if (y < 1900 || y > 2999 || off <= -1440 || off >= 1440)
        return;
    int64_t back = S_SENTINEL;
    CHECK(time_parse_rfc3339(buf, &back) == 0);
    CHECK(back == us - s_floor_mod(us, TIME_US_PER_SEC));
    char qbuf[8];
    time_quarter_of(us, off, qbuf, sizeof qbuf);
    int qy, qq;
    CHECK(time_quarter_parse(qbuf, &qy, &qq) == 0);
    CHECK(qy == y && qq == (m - 1) / 3 + 1);
    CHECK(time_quarter_start(qy, qq, off) <= us && us < time_quarter_start(qy, qq + 1, off));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';

    /* FNV-1a of the input: a deterministic offset and instant per input. */
    uint64_t h = UINT64_C(14695981039346656037);
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * UINT64_C(1099511628211);
    int offset_min = (int)(h % 1561) - 720; /* -720..840, what calendars allow */

    s_check_date(s);
    s_check_rfc3339(s);
    s_check_quarter(s, offset_min);

    /* Any instant between 1899-12-30 and 3000-01-02 in any offset a parsed
     * string can carry (-23:59..+23:59). */
    const int64_t lo = INT64_C(-2209161600) * TIME_US_PER_SEC;
    const int64_t hi = INT64_C(32503852800) * TIME_US_PER_SEC;
    int64_t us = lo + (int64_t)((h >> 11) % (uint64_t)(hi - lo));
    s_check_format(us, (int)((h >> 3) % 2879) - 1439);
    s_check_format(us, 0);
    /* And the raw leading bytes as an instant: no overflow at any value. */
    if (size >= 10) {
        int64_t raw;
        int16_t roff;
        memcpy(&raw, data, sizeof raw);
        memcpy(&roff, data + 8, sizeof roff);
        s_check_format(raw, roff % 1440);
    }
    free(s);
    return 0;
}
