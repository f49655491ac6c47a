/* calendar — a center's working days and hours (include/fayuan/calendar.h).
 * Owns the working-hours ranges and two sorted sets of local day numbers
 * (days since 1970-01-01): public holidays and make-up working days. Built
 * from configuration by the daemon that owns it (rosterd), then read-only, so
 * readers need no locking. Setters validate the whole spec into fresh memory
 * before swapping it in, which is what makes "unchanged on error" hold. */
#include "fayuan/calendar.h"

#include "fayuan/timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_US_PER_MIN (INT64_C(60) * TIME_US_PER_SEC)
#define S_MINUTES_PER_DAY 1440
/* One holiday range longer than a year is certainly a typo in the config. */
#define S_MAX_RANGE_DAYS 366
/* Instants are clamped to +-2^61 us (about 73,000 years) so that the sums in
 * calendar_working_overlap cannot overflow whatever the caller passes. */
#define S_INSTANT_LIMIT (INT64_C(1) << 61)

/* A working-hours range of a day, in minutes since local midnight, [from, to). */
struct hour_range {
    int from;
    int to;
};

/* A sorted set of day numbers without duplicates; binary-searched. */
struct day_set {
    int64_t *days;
    size_t n;
};

struct calendar {
    int offset_min;             /* local zone as a fixed offset from UTC */
    struct hour_range *hours;   /* ascending, non-overlapping */
    size_t n_hours;             /* at least 1 */
    int64_t working_us_per_day; /* sum of hours: a full working day's worth */
    struct day_set holidays;    /* not working, even on a weekday */
    struct day_set workdays;    /* working (调休), even on a weekend */
};

__attribute__((format(printf, 3, 4))) static int s_fail(char *err, size_t errlen, const char *fmt,
                                                        ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int64_t s_floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return r < 0 ? r + b : r;
}

static int64_t s_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if (a % b != 0 && a < 0)
        q--;
    return q;
}

/* 1970-01-01 was a Thursday; 0 = Sunday .. 6 = Saturday. */
static bool s_is_weekend(int64_t day)
{
    int64_t wd = s_floor_mod(day + 4, 7);
    return wd == 0 || wd == 6;
}

static bool s_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Index of the first element >= day. */
static size_t s_lower_bound(const struct day_set *set, int64_t day)
{
    size_t lo = 0, hi = set->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (set->days[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool s_contains(const struct day_set *set, int64_t day)
{
    size_t i = s_lower_bound(set, day);
    return i < set->n && set->days[i] == day;
}

static int s_cmp_day(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static bool s_is_working_day_no(const calendar_t *self, int64_t day)
{
    /* A day is never in both sets (the setters refuse it), so order is moot. */
    if (s_contains(&self->workdays, day))
        return true;
    if (s_contains(&self->holidays, day))
        return false;
    return !s_is_weekend(day);
}

/* Working days in [a, b] without visiting each day: whole weeks hold five
 * weekdays, then correct for the few configured exceptions in the span. */
static int64_t s_count_working_days(const calendar_t *self, int64_t a, int64_t b)
{
    if (b < a)
        return 0;
    int64_t n = b - a + 1;
    int64_t count = n / 7 * 5;
    for (int64_t day = a + n / 7 * 7; day <= b; day++)
        if (!s_is_weekend(day))
            count++;
    for (size_t i = s_lower_bound(&self->holidays, a);
         i < self->holidays.n && self->holidays.days[i] <= b; i++)
        if (!s_is_weekend(self->holidays.days[i]))
            count--;
    for (size_t i = s_lower_bound(&self->workdays, a);
         i < self->workdays.n && self->workdays.days[i] <= b; i++)
        if (s_is_weekend(self->workdays.days[i]))
            count++;
    return count;
}

/* Microseconds of [t0, t1) (offsets into one local day) inside working hours. */
static int64_t s_day_overlap(const calendar_t *self, int64_t t0, int64_t t1)
{
    int64_t sum = 0;
    for (size_t i = 0; i < self->n_hours; i++) {
        int64_t lo = self->hours[i].from * S_US_PER_MIN;
        int64_t hi = self->hours[i].to * S_US_PER_MIN;
        if (t0 > lo)
            lo = t0;
        if (t1 < hi)
            hi = t1;
        if (hi > lo)
            sum += hi - lo;
    }
    return sum;
}

static void s_split_local(const calendar_t *self, int64_t us, int64_t *day, int64_t *us_of_day)
{
    int64_t local = us + (int64_t)self->offset_min * S_US_PER_MIN;
    *day = s_floor_div(local, TIME_US_PER_DAY);
    *us_of_day = s_floor_mod(local, TIME_US_PER_DAY);
}

static int64_t s_clamp(int64_t us)
{
    if (us < -S_INSTANT_LIMIT)
        return -S_INSTANT_LIMIT;
    if (us > S_INSTANT_LIMIT)
        return S_INSTANT_LIMIT;
    return us;
}

calendar_t *calendar_new(void)
{
    calendar_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->hours = malloc(2 * sizeof *self->hours);
    if (!self->hours) {
        free(self);
        return NULL;
    }
    self->hours[0] = (struct hour_range){8 * 60 + 30, 12 * 60};
    self->hours[1] = (struct hour_range){14 * 60, 17 * 60 + 30};
    self->n_hours = 2;
    self->working_us_per_day = (210 + 210) * S_US_PER_MIN;
    self->offset_min = 480;
    return self;
}

void calendar_destroy(calendar_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    calendar_t *self = *self_p;
    free(self->hours);
    free(self->holidays.days);
    free(self->workdays.days);
    free(self);
    *self_p = NULL;
}

/* "HH:MM" at s (exactly 5 characters); 24:00 only where allow_24 (a range's
 * end, so that a day can be worked to midnight). Minutes since midnight or -1. */
static int s_parse_hhmm(const char *s, bool allow_24)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] != ':' || s[3] < '0' ||
        s[3] > '9' || s[4] < '0' || s[4] > '9')
        return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0');
    int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && (!allow_24 || m != 0)))
        return -1;
    return h * 60 + m;
}

/* Trims whitespace from [*b, *e). */
static void s_trim(const char **b, const char **e)
{
    while (*b < *e && s_is_space(**b))
        (*b)++;
    while (*e > *b && s_is_space((*e)[-1]))
        (*e)--;
}

int calendar_set_hours(calendar_t *self, const char *spec, char *err, size_t errlen)
{
    if (!spec)
        return s_fail(err, errlen, "working hours: no spec");
    const char *sb = spec, *se = spec + strlen(spec);
    s_trim(&sb, &se);
    if (sb == se)
        return s_fail(err, errlen, "working hours: no ranges given");
    size_t cap = 1;
    for (const char *c = spec; *c; c++)
        if (*c == ',')
            cap++;
    struct hour_range *ranges = malloc(cap * sizeof *ranges);
    if (!ranges)
        return s_fail(err, errlen, "working hours: out of memory");

    size_t n = 0;
    int64_t total_min = 0;
    const char *p = spec;
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *b = p, *e = comma ? comma : p + strlen(p);
        s_trim(&b, &e);
        int len = (int)(e - b);
        if (len == 0) {
            s_fail(err, errlen, "working hours: empty item %zu in \"%.60s\"", n + 1, spec);
            goto error;
        }
        if (len != 11 || b[5] != '-') {
            s_fail(err, errlen, "working hours: \"%.*s\" is not HH:MM-HH:MM", len > 40 ? 40 : len,
                   b);
            goto error;
        }
        int from = s_parse_hhmm(b, false), to = s_parse_hhmm(b + 6, true);
        if (from < 0 || to < 0) {
            s_fail(err, errlen, "working hours: \"%.11s\" has a time out of range", b);
            goto error;
        }
        if (to <= from) {
            s_fail(err, errlen, "working hours: \"%.11s\" is empty or reversed", b);
            goto error;
        }
        if (n > 0 && from < ranges[n - 1].to) {
            s_fail(err, errlen,
                   "working hours: \"%.11s\" overlaps or precedes the range before it "
                   "(ranges must be ascending and non-overlapping)",
                   b);
            goto error;
        }
        ranges[n++] = (struct hour_range){from, to};
        total_min += to - from;
        if (!comma)
            break;
        p = comma + 1;
    }

    free(self->hours);
    self->hours = ranges;
    self->n_hours = n;
    self->working_us_per_day = total_min * S_US_PER_MIN;
    return 0;
error:
    free(ranges);
    return -1;
}

/* Appends to a growable array of day numbers. */
static int s_push(int64_t **days, size_t *n, size_t *cap, int64_t day)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        int64_t *grown = realloc(*days, ncap * sizeof *grown);
        if (!grown)
            return -1;
        *days = grown;
        *cap = ncap;
    }
    (*days)[(*n)++] = day;
    return 0;
}

/* A date in [b, b+10) via time_parse_date, which wants a terminated string. */
static int s_parse_day(const char *b, int64_t *day)
{
    char buf[11];
    memcpy(buf, b, 10);
    buf[10] = '\0';
    int y, m, d;
    if (time_parse_date(buf, &y, &m, &d) != 0)
        return -1;
    *day = time_days_from_civil(y, m, d);
    return 0;
}

/* Parses spec into sorted unique day numbers (*out, *n_out; caller frees),
 * refusing any day that is in `other` (a day cannot be both a holiday and a
 * make-up working day). what/other_what name the sets in error messages. */
static int s_parse_days(const char *spec, const struct day_set *other, const char *what,
                        const char *other_what, int64_t **out, size_t *n_out, char *err,
                        size_t errlen)
{
    int64_t *days = NULL;
    size_t n = 0, cap = 0;
    const char *b, *e;

    if (!spec) {
        s_fail(err, errlen, "%s: no spec", what);
        goto error;
    }
    b = spec;
    e = spec + strlen(spec);
    s_trim(&b, &e);
    if (b == e)
        goto out; /* an empty list adds nothing */

    for (const char *p = spec;;) {
        const char *comma = strchr(p, ',');
        b = p;
        e = comma ? comma : p + strlen(p);
        s_trim(&b, &e);
        int len = (int)(e - b);
        int show = len > 40 ? 40 : len;
        int64_t first, last;
        if (len == 0) {
            s_fail(err, errlen, "%s: empty item in \"%.60s\"", what, spec);
            goto error;
        }
        if (len == 10) {
            if (s_parse_day(b, &first) != 0) {
                s_fail(err, errlen, "%s: \"%.*s\" is not a valid YYYY-MM-DD date", what, show, b);
                goto error;
            }
            last = first;
        } else if (len == 22 && b[10] == '.' && b[11] == '.') {
            if (s_parse_day(b, &first) != 0 || s_parse_day(b + 12, &last) != 0) {
                s_fail(err, errlen, "%s: \"%.*s\" has an invalid date", what, show, b);
                goto error;
            }
            if (last < first) {
                s_fail(err, errlen, "%s: range \"%.*s\" ends before it starts", what, show, b);
                goto error;
            }
            if (last - first + 1 > S_MAX_RANGE_DAYS) {
                s_fail(err, errlen, "%s: range \"%.*s\" is longer than %d days", what, show, b,
                       S_MAX_RANGE_DAYS);
                goto error;
            }
        } else {
            s_fail(err, errlen, "%s: \"%.*s\" is not YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD", what,
                   show, b);
            goto error;
        }
        for (int64_t day = first; day <= last; day++) {
            if (s_contains(other, day)) {
                int y, m, d;
                time_civil_from_days(day, &y, &m, &d);
                s_fail(err, errlen, "%s: %04d-%02d-%02d is already a %s", what, y, m, d,
                       other_what);
                goto error;
            }
            if (s_push(&days, &n, &cap, day) != 0) {
                s_fail(err, errlen, "%s: out of memory", what);
                goto error;
            }
        }
        if (!comma)
            break;
        p = comma + 1;
    }
out:
    *out = days;
    *n_out = n;
    return 0;
error:
    free(days);
    return -1;
}

/* Adds spec's days to `set`, all or nothing. */
static int s_add_days(struct day_set *set, const struct day_set *other, const char *what,
                      const char *other_what, const char *spec, char *err, size_t errlen)
{
    int64_t *added = NULL;
    size_t n_added = 0;
    if (s_parse_days(spec, other, what, other_what, &added, &n_added, err, errlen) != 0)
        return -1;
    if (n_added == 0) {
        free(added);
        return 0;
    }
    int64_t *merged = malloc((set->n + n_added) * sizeof *merged);
    if (!merged) {
        free(added);
        return s_fail(err, errlen, "%s: out of memory", what);
    }
    if (set->n > 0)
        memcpy(merged, set->days, set->n * sizeof *merged);
    memcpy(merged + set->n, added, n_added * sizeof *merged);
    free(added);
    size_t total = set->n + n_added;
    qsort(merged, total, sizeof *merged, s_cmp_day);
    /* Overlapping ranges and repeated days are harmless: keep each day once. */
    size_t w = 0;
    for (size_t r = 0; r < total; r++)
        if (w == 0 || merged[w - 1] != merged[r])
            merged[w++] = merged[r];
    free(set->days);
    set->days = merged;
    set->n = w;
    return 0;
}

int calendar_add_holidays(calendar_t *self, const char *spec, char *err, size_t errlen)
{
    return s_add_days(&self->holidays, &self->workdays, "holidays", "make-up working day", spec,
                      err, errlen);
}

int calendar_add_workdays(calendar_t *self, const char *spec, char *err, size_t errlen)
{
    return s_add_days(&self->workdays, &self->holidays, "make-up working days", "holiday", spec,
                      err, errlen);
}

int calendar_set_utc_offset(calendar_t *self, int minutes)
{
    if (minutes < -720 || minutes > 840)
        return -1;
    self->offset_min = minutes;
    return 0;
}

int calendar_utc_offset(const calendar_t *self)
{
    return self->offset_min;
}

bool calendar_is_working_day(const calendar_t *self, int y, int m, int d)
{
    /* Validate by round trip rather than trusting the caller: a nonexistent
     * date (2026-02-30) is not a working day. The range check first keeps the
     * arithmetic in time_days_from_civil meaningful. */
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    int64_t day = time_days_from_civil(y, m, d);
    int ry, rm, rd;
    time_civil_from_days(day, &ry, &rm, &rd);
    if (ry != y || rm != m || rd != d)
        return false;
    return s_is_working_day_no(self, day);
}

bool calendar_is_working_time(const calendar_t *self, int64_t at_us)
{
    int64_t day, t;
    s_split_local(self, s_clamp(at_us), &day, &t);
    if (!s_is_working_day_no(self, day))
        return false;
    for (size_t i = 0; i < self->n_hours; i++)
        if (t >= self->hours[i].from * S_US_PER_MIN && t < self->hours[i].to * S_US_PER_MIN)
            return true;
    return false;
}

int64_t calendar_working_overlap(const calendar_t *self, int64_t from_us, int64_t to_us)
{
    from_us = s_clamp(from_us);
    to_us = s_clamp(to_us);
    if (to_us <= from_us)
        return 0;
    int64_t d0, t0, d1, t1;
    s_split_local(self, from_us, &d0, &t0);
    s_split_local(self, to_us, &d1, &t1);
    if (d0 == d1)
        return s_is_working_day_no(self, d0) ? s_day_overlap(self, t0, t1) : 0;
    int64_t sum = 0;
    if (s_is_working_day_no(self, d0))
        sum += s_day_overlap(self, t0, TIME_US_PER_DAY);
    if (s_is_working_day_no(self, d1))
        sum += s_day_overlap(self, 0, t1);
    sum += s_count_working_days(self, d0 + 1, d1 - 1) * self->working_us_per_day;
    return sum;
}
