/* timeutil — instants as int64 unix microseconds (UTC), civil dates, RFC 3339,
 * and quarters in a center's local time. Pure functions; no time zone database:
 * a center's zone is a fixed UTC offset in minutes (Asia/Shanghai is +480 and
 * has had no daylight saving since 1991). */
#ifndef FAYUAN_TIMEUTIL_H
#define FAYUAN_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TIME_US_PER_SEC INT64_C(1000000)
#define TIME_US_PER_DAY (INT64_C(86400) * TIME_US_PER_SEC)

/* Current wall-clock time, unix microseconds. */
int64_t time_now_us(void);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t time_days_from_civil(int y, int m, int d);
void time_civil_from_days(int64_t days, int *y, int *m, int *d);

/* Strict "YYYY-MM-DD" (a real date, year 1900..2999). 0 on success, -1 otherwise. */
int time_parse_date(const char *s, int *y, int *m, int *d) __attribute__((warn_unused_result));

/* Strict RFC 3339 date-time with a mandatory zone: "2026-11-26T09:30:00+08:00",
 * "2026-11-26T01:30:00Z", fractional seconds allowed (kept to microseconds),
 * 'T' or 't' or ' ' separator. 0 on success, -1 otherwise (out untouched).
 * The date follows time_parse_date; a leap second (:60) is refused. */
int time_parse_rfc3339(const char *s, int64_t *us_out) __attribute__((warn_unused_result));

/* Formats an instant in the given offset: "2026-11-26T09:30:00+08:00" (seconds
 * precision, truncated; offset 0 is written "Z"). buf must hold at least 32
 * bytes. Returns buf. */
char *time_format_rfc3339(int64_t us, int offset_min, char *buf, size_t len);

/* Local civil date and minute-of-day of an instant at a fixed offset. Any
 * output pointer may be NULL. */
void time_local(int64_t us, int offset_min, int *y, int *m, int *d, int *minute_of_day);

/* The calendar quarter containing an instant in local time, as "2026Q4"
 * (buf of at least 8 bytes). Returns buf. */
char *time_quarter_of(int64_t us, int offset_min, char *buf, size_t len);

/* Parses "2026Q4" (also "2026q4"), year 1900..2999. 0 on success, -1 otherwise. */
int time_quarter_parse(const char *s, int *year, int *quarter) __attribute__((warn_unused_result));

/* First instant of a quarter in local time. quarter rolls over (5 is Q1 of
 * the next year, 0 is Q4 of the previous), so a quarter is the half-open
 * [time_quarter_start(y, q, off), time_quarter_start(y, q + 1, off)). */
int64_t time_quarter_start(int year, int quarter, int offset_min);

/* Whole years between two civil dates (age, years of practice): the year is
 * complete on the same month and day (29 February: on 1 March in a common
 * year). Negative when the second date is earlier. */
int time_years_between(int y0, int m0, int d0, int y1, int m1, int d1);

#endif
