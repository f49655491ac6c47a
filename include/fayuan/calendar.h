/* calendar — a center's working calendar: which local days are working days
 * (weekdays, minus public holidays, plus make-up working days 调休) and which
 * minutes of a working day are working hours. Roster uses it to tell a 12348
 * shift in working hours (Annex 1 2.1) from one outside them (2.2).
 * Built once from configuration; read-only afterwards. */
#ifndef FAYUAN_CALENDAR_H
#define FAYUAN_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct calendar calendar_t;

/* A new calendar: Monday–Friday working days, no holidays, working hours
 * 08:30-12:00 and 14:00-17:30, UTC offset +480 (Asia/Shanghai). */
calendar_t *calendar_new(void);
void calendar_destroy(calendar_t **self_p);

/* Working hours of a working day: comma-separated "HH:MM-HH:MM" ranges,
 * ascending, non-overlapping, e.g. "08:30-12:00,14:00-17:30". Ranges are
 * half-open, so "08:00-12:00,12:00-13:00" is allowed; 24:00 may end a range.
 * At least one range. On error returns -1, writes a reason to err (may be
 * NULL) and leaves the calendar unchanged. */
int calendar_set_hours(calendar_t *self, const char *spec, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Public holidays (non-working even on a weekday) and make-up working days
 * (working even on a weekend): comma-separated dates or inclusive ranges,
 * "2026-10-01..2026-10-07,2026-01-01". Whitespace around items is ignored; an
 * empty spec adds nothing. A range spans at most 366 days. A day cannot be
 * both a holiday and a make-up working day. Adds to what is there. On error
 * returns -1 with a reason, unchanged. */
int calendar_add_holidays(calendar_t *self, const char *spec, char *err, size_t errlen)
    __attribute__((warn_unused_result));
int calendar_add_workdays(calendar_t *self, const char *spec, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* The local time zone as a fixed offset from UTC in minutes (-720..840). */
int calendar_set_utc_offset(calendar_t *self, int minutes) __attribute__((warn_unused_result));
int calendar_utc_offset(const calendar_t *self);

bool calendar_is_working_day(const calendar_t *self, int y, int m, int d);

/* Is the instant (unix microseconds) inside working hours of a working day? */
bool calendar_is_working_time(const calendar_t *self, int64_t at_us);

/* Microseconds of [from_us, to_us) that fall inside working hours; 0 when
 * to_us <= from_us. Spans of any length (across days and holidays), in time
 * independent of the length; instants beyond +-2^61 us (~73,000 years) are
 * clamped to it. */
int64_t calendar_working_overlap(const calendar_t *self, int64_t from_us, int64_t to_us);

#endif
