/* fuzz-sources: services/common/calendar.c services/common/timeutil.c */
/* libFuzzer target for the calendar's configuration decoders:
 * calendar_set_hours, calendar_add_holidays and calendar_add_workdays on
 * arbitrary specs. The input is split on '|' into
 *     hours | holidays | workdays | tail
 * where the tail is binary: int64 from, int64 to (instants for
 * calendar_working_overlap), int16 UTC offset (set only when present),
 * uint8 error-buffer length (0: 128 bytes, 255: err is NULL), int32 y, m, d
 * (for calendar_is_working_day); missing bytes are zero. Each spec is copied into its own
 * NUL-terminated buffer.
 *
 * Besides "no crash", it keeps an independent model of the calendar (its own
 * reading of the three spec grammars from calendar.h) and checks:
 *   - each call succeeds exactly when the model's reading of the spec does;
 *   - a failed call leaves the calendar unchanged: calendar_is_working_day over
 *     a few hundred days and calendar_working_overlap on fixed spans compare
 *     equal before and after, and the error text is a non-empty C string
 *     inside err;
 *   - after every successful step, working days, working hours (each side
 *     of every range boundary) and the overlap of fixed and fuzzed spans
 *     agree with the model (computed day by day), and
 *     calendar_working_overlap(from, to) is within [0, to - from] and
 *     additive at a midpoint for any from/to. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fayuan/calendar.h"
#include "fayuan/timeutil.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "CHECK failed at line %d: %s\n", __LINE__, #cond);                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define S_US_PER_MIN (INT64_C(60) * TIME_US_PER_SEC)
#define S_LIMIT (INT64_C(1) << 61) /* calendar.h: instants are clamped to +-2^61 us */
#define S_MAX_ORACLE_DAYS 1200     /* spans the model computes day by day */
#define S_MAX_TOKENS 16
#define S_BASE_DAYS 300

/* ---- the model -------------------------------------------------------------------------- */

typedef struct {
    int64_t *days;
    size_t n;
} dayset_t;

typedef struct {
    int from[1500], to[1500]; /* minutes since local midnight */
    size_t n;
    int offset_min;
    dayset_t holidays, workdays;
} model_t;

static int s_cmp_day(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static bool s_in(const dayset_t *s, int64_t day)
{
    return s->n && bsearch(&day, s->days, s->n, sizeof *s->days, s_cmp_day) != NULL;
}

static int64_t s_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

static bool s_model_working_day(const model_t *m, int64_t day)
{
    if (s_in(&m->workdays, day))
        return true;
    if (s_in(&m->holidays, day))
        return false;
    int64_t wd = ((day + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday; 0 = Sunday */
    return wd != 0 && wd != 6;
}

static int64_t s_clamp(int64_t us)
{
    return us < -S_LIMIT ? -S_LIMIT : us > S_LIMIT ? S_LIMIT : us;
}

/* Working microseconds of [from, to), or -1 when the span is too long to walk. */
static int64_t s_model_overlap(const model_t *m, int64_t from, int64_t to)
{
    from = s_clamp(from);
    to = s_clamp(to);
    if (to <= from)
        return 0;
    int64_t l0 = from + m->offset_min * S_US_PER_MIN, l1 = to + m->offset_min * S_US_PER_MIN;
    int64_t d0 = s_floor_div(l0, TIME_US_PER_DAY), d1 = s_floor_div(l1, TIME_US_PER_DAY);
    if (d1 - d0 > S_MAX_ORACLE_DAYS)
        return -1;
    int64_t sum = 0;
    for (int64_t d = d0; d <= d1; d++) {
        if (!s_model_working_day(m, d))
            continue;
        for (size_t i = 0; i < m->n; i++) {
            int64_t lo = d * TIME_US_PER_DAY + m->from[i] * S_US_PER_MIN;
            int64_t hi = d * TIME_US_PER_DAY + m->to[i] * S_US_PER_MIN;
            if (lo < l0)
                lo = l0;
            if (hi > l1)
                hi = l1;
            if (hi > lo)
                sum += hi - lo;
        }
    }
    return sum;
}

static bool s_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The next comma-separated item of *p, trimmed, as [*b, *e); false at the end. */
static bool s_next_item(const char **p, bool *more, const char **b, const char **e)
{
    if (!*more)
        return false;
    const char *comma = strchr(*p, ',');
    *b = *p;
    *e = comma ? comma : *p + strlen(*p);
    while (*b < *e && s_space(**b))
        (*b)++;
    while (*e > *b && s_space((*e)[-1]))
        (*e)--;
    *more = comma != NULL;
    if (comma)
        *p = comma + 1;
    return true;
}

static bool s_blank(const char *s)
{
    for (; *s; s++)
        if (!s_space(*s))
            return false;
    return true;
}

static int s_hhmm(const char *s, bool end)
{
    for (int i = 0; i < 5; i++)
        if (i == 2 ? s[i] != ':' : (s[i] < '0' || s[i] > '9'))
            return -1;
    int h = (s[0] - '0') * 10 + s[1] - '0', mi = (s[3] - '0') * 10 + s[4] - '0';
    if (mi > 59 || h > 24 || (h == 24 && (!end || mi != 0)))
        return -1;
    return h * 60 + mi;
}

/* The model's reading of a working-hours spec: true and ranges, or false. */
static bool s_read_hours(const char *spec, int *from, int *to, size_t *n)
{
    if (s_blank(spec))
        return false;
    const char *p = spec, *b, *e;
    bool more = true;
    *n = 0;
    while (s_next_item(&p, &more, &b, &e)) {
        if (e - b != 11 || b[5] != '-')
            return false;
        int f = s_hhmm(b, false), t = s_hhmm(b + 6, true);
        if (f < 0 || t < 0 || t <= f || (*n > 0 && f < to[*n - 1]))
            return false;
        from[*n] = f;
        to[*n] = t;
        (*n)++;
    }
    return true;
}

static bool s_date10(const char *b, int64_t *day)
{
    char buf[11];
    memcpy(buf, b, 10);
    buf[10] = '\0';
    int y, m, d;
    if (time_parse_date(buf, &y, &m, &d) != 0)
        return false;
    *day = time_days_from_civil(y, m, d);
    return true;
}

/* The model's reading of a holidays/workdays spec against the other set:
 * true and the days (malloc'ed, unsorted), or false. */
static bool s_read_days(const char *spec, const dayset_t *other, int64_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (s_blank(spec))
        return true;
    size_t cap = 0;
    const char *p = spec, *b, *e;
    bool more = true;
    while (s_next_item(&p, &more, &b, &e)) {
        int64_t first, last;
        if (e - b == 10) {
            if (!s_date10(b, &first))
                goto bad;
            last = first;
        } else if (e - b == 22 && b[10] == '.' && b[11] == '.') {
            if (!s_date10(b, &first) || !s_date10(b + 12, &last) || last < first ||
                last - first >= 366)
                goto bad;
        } else {
            goto bad;
        }
        for (int64_t d = first; d <= last; d++) {
            if (s_in(other, d))
                goto bad;
            if (*n == cap) {
                cap = cap ? cap * 2 : 64;
                *out = realloc(*out, cap * sizeof **out);
                CHECK(*out);
            }
            (*out)[(*n)++] = d;
        }
    }
    return true;
bad:
    free(*out);
    *out = NULL;
    *n = 0;
    return false;
}

static void s_merge(dayset_t *set, int64_t *days, size_t n)
{
    if (n == 0)
        return;
    set->days = realloc(set->days, (set->n + n) * sizeof *set->days);
    CHECK(set->days);
    memcpy(set->days + set->n, days, n * sizeof *days);
    set->n += n;
    qsort(set->days, set->n, sizeof *set->days, s_cmp_day);
    size_t w = 0;
    for (size_t r = 0; r < set->n; r++)
        if (w == 0 || set->days[w - 1] != set->days[r])
            set->days[w++] = set->days[r];
    set->n = w;
}

/* ---- what is compared ------------------------------------------------------------------- */

typedef struct {
    int64_t days[S_BASE_DAYS + S_MAX_TOKENS * 7];
    int y[S_BASE_DAYS + S_MAX_TOKENS * 7], m[S_BASE_DAYS + S_MAX_TOKENS * 7],
        d[S_BASE_DAYS + S_MAX_TOKENS * 7];
    size_t ndays;
    int64_t span_from[8 + S_MAX_TOKENS], span_to[8 + S_MAX_TOKENS];
    size_t nspans;
} probes_t;

/* What the calendar answers on the probes. */
typedef struct {
    bool working[S_BASE_DAYS + S_MAX_TOKENS * 7];
    int64_t overlap[8 + S_MAX_TOKENS];
} snapshot_t;

static void s_add_day(probes_t *pr, int64_t day)
{
    if (pr->ndays < sizeof pr->days / sizeof pr->days[0]) {
        pr->days[pr->ndays] = day;
        time_civil_from_days(day, &pr->y[pr->ndays], &pr->m[pr->ndays], &pr->d[pr->ndays]);
        pr->ndays++;
    }
}

static void s_add_span(probes_t *pr, int64_t from, int64_t to)
{
    if (pr->nspans < sizeof pr->span_from / sizeof pr->span_from[0]) {
        pr->span_from[pr->nspans] = from;
        pr->span_to[pr->nspans++] = to;
    }
}

/* Days 2026-01-01 + [0, S_BASE_DAYS), and a few days around each date in the
 * specs (where a partial update would show); spans over the year, within one
 * day, beyond the clamp, and around each date. */
static void s_probes(probes_t *pr, char *const specs[3])
{
    memset(pr, 0, sizeof *pr);
    int64_t base = time_days_from_civil(2026, 1, 1);
    for (int i = 0; i < S_BASE_DAYS; i++)
        s_add_day(pr, base + i);
    s_add_span(pr, base * TIME_US_PER_DAY, (base + 365) * TIME_US_PER_DAY);
    s_add_span(pr, (base + 329) * TIME_US_PER_DAY + 3600 * TIME_US_PER_SEC,
               (base + 329) * TIME_US_PER_DAY + 7 * 3600 * TIME_US_PER_SEC);
    s_add_span(pr, -S_LIMIT * 2, S_LIMIT * 2);
    s_add_span(pr, INT64_MIN, INT64_MAX);
    int tokens = 0;
    for (int k = 0; k < 3; k++) {
        size_t len = strlen(specs[k]);
        for (size_t i = 0; i + 10 <= len && tokens < S_MAX_TOKENS; i++) {
            int64_t day;
            if (!s_date10(specs[k] + i, &day))
                continue;
            tokens++;
            for (int j = -3; j <= 3; j++)
                s_add_day(pr, day + j);
            s_add_span(pr, (day - 2) * TIME_US_PER_DAY + 12345, (day + 2) * TIME_US_PER_DAY);
            i += 9;
        }
    }
}

static void s_snap(const calendar_t *cal, const probes_t *pr, snapshot_t *sn)
{
    for (size_t i = 0; i < pr->ndays; i++)
        sn->working[i] = calendar_is_working_day(cal, pr->y[i], pr->m[i], pr->d[i]);
    for (size_t i = 0; i < pr->nspans; i++)
        sn->overlap[i] = calendar_working_overlap(cal, pr->span_from[i], pr->span_to[i]);
}

/* One overlap answer against the bounds and, when it can walk the span, the model. */
static void s_check_overlap(const model_t *m, int64_t from, int64_t to, int64_t got)
{
    int64_t cf = s_clamp(from), ct = s_clamp(to);
    CHECK(got >= 0);
    CHECK(ct <= cf ? got == 0 : got <= ct - cf);
    int64_t want = s_model_overlap(m, from, to);
    if (want >= 0)
        CHECK(got == want);
}

/* A fuzzed span: bounds, model, both orders, additive at the midpoint. */
static void s_check_span(const calendar_t *cal, const model_t *m, int64_t from, int64_t to)
{
    int64_t got = calendar_working_overlap(cal, from, to);
    s_check_overlap(m, from, to, got);
    s_check_overlap(m, to, from, calendar_working_overlap(cal, to, from));
    int64_t cf = s_clamp(from), ct = s_clamp(to);
    if (ct > cf) {
        int64_t mid = cf + (ct - cf) / 2;
        CHECK(got ==
              calendar_working_overlap(cal, cf, mid) + calendar_working_overlap(cal, mid, ct));
    }
}

static bool s_cal_working_day(const calendar_t *cal, int64_t day)
{
    int y, m, d;
    time_civil_from_days(day, &y, &m, &d);
    return calendar_is_working_day(cal, y, m, d);
}

static bool s_model_working_at(const model_t *m, int64_t us_of_day)
{
    for (size_t i = 0; i < m->n; i++)
        if (us_of_day >= m->from[i] * S_US_PER_MIN && us_of_day < m->to[i] * S_US_PER_MIN)
            return true;
    return false;
}

/* The working hours: on the first model working day and the first model
 * non-working day among the probes, calendar_is_working_time on each side of
 * every range boundary and at the middle of every range and gap. */
static void s_check_hours(const calendar_t *cal, const model_t *m, const probes_t *pr)
{
    bool seen[2] = {false, false};
    for (size_t i = 0; i < pr->ndays && !(seen[0] && seen[1]); i++) {
        int64_t day = pr->days[i];
        bool working = s_model_working_day(m, day);
        if (seen[working])
            continue;
        seen[working] = true;
        int64_t midnight = day * TIME_US_PER_DAY - m->offset_min * S_US_PER_MIN;
        int64_t prev = 0;
        for (size_t r = 0; r <= 2 * m->n; r++) {
            int64_t b = r < 2 * m->n ? (r % 2 ? m->to[r / 2] : m->from[r / 2]) * S_US_PER_MIN
                                     : TIME_US_PER_DAY;
            int64_t pts[3] = {prev + (b - prev) / 2, b - 1, b};
            for (int k = 0; k < 3; k++) {
                if (pts[k] < 0 || pts[k] >= TIME_US_PER_DAY)
                    continue;
                CHECK(calendar_is_working_time(cal, midnight + pts[k]) ==
                      (working && s_model_working_at(m, pts[k])));
            }
            prev = b;
        }
    }
}

/* Snapshots the calendar into *sn and checks it against the model. */
static void s_state(const calendar_t *cal, const model_t *m, const probes_t *pr, snapshot_t *sn,
                    int64_t from, int64_t to)
{
    CHECK(calendar_utc_offset(cal) == m->offset_min);
    s_snap(cal, pr, sn);
    for (size_t i = 0; i < pr->ndays; i++)
        CHECK(sn->working[i] == s_model_working_day(m, pr->days[i]));
    for (size_t i = 0; i < pr->nspans; i++)
        s_check_overlap(m, pr->span_from[i], pr->span_to[i], sn->overlap[i]);
    s_check_span(cal, m, from, to);
    s_check_hours(cal, m, pr);
}

/* Calls one setter; checks its error reporting and, on failure, that the
 * calendar answers every probe as it did before (cur, its current snapshot). */
static int s_call(int which, calendar_t *cal, const char *spec, const probes_t *pr, size_t errlen,
                  const snapshot_t *cur)
{
    static snapshot_t after;
    char *err = errlen ? malloc(errlen) : NULL;
    if (err)
        memset(err, 0x55, errlen);
    int rc = which == 0   ? calendar_set_hours(cal, spec, err, errlen)
             : which == 1 ? calendar_add_holidays(cal, spec, err, errlen)
                          : calendar_add_workdays(cal, spec, err, errlen);
    CHECK(rc == 0 || rc == -1);
    if (rc != 0) {
        if (err) {
            CHECK(memchr(err, '\0', errlen) != NULL);
            CHECK(errlen == 1 || err[0] != '\0');
        }
        s_snap(cal, pr, &after);
        CHECK(memcmp(cur->working, after.working, pr->ndays * sizeof cur->working[0]) == 0);
        CHECK(memcmp(cur->overlap, after.overlap, pr->nspans * sizeof cur->overlap[0]) == 0);
    }
    free(err);
    return rc;
}

/* ---- the target ------------------------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Split into three specs and the binary tail. */
    char *specs[3];
    const uint8_t *p = data, *end = data + size;
    for (int k = 0; k < 3; k++) {
        const uint8_t *sep = memchr(p, '|', (size_t)(end - p));
        size_t n = sep ? (size_t)(sep - p) : (size_t)(end - p);
        specs[k] = malloc(n + 1);
        CHECK(specs[k]);
        memcpy(specs[k], p, n);
        specs[k][n] = '\0';
        p = sep ? sep + 1 : end;
    }
    uint8_t tail[8 + 8 + 2 + 1 + 12] = {0};
    memcpy(tail, p, (size_t)(end - p) < sizeof tail ? (size_t)(end - p) : sizeof tail);
    int64_t from, to;
    int16_t off;
    int32_t y, mo, d;
    memcpy(&from, tail, 8);
    memcpy(&to, tail + 8, 8);
    memcpy(&off, tail + 16, 2);
    /* 0 (absent): a roomy 128; 255: err is NULL; else that many bytes */
    size_t errlen = tail[18] == 0 ? 128 : tail[18] == 255 ? 0 : tail[18];
    bool has_offset = (size_t)(end - p) >= 18;
    memcpy(&y, tail + 19, 4);
    memcpy(&mo, tail + 23, 4);
    memcpy(&d, tail + 27, 4);

    static model_t m;
    memset(&m, 0, sizeof m);
    m.from[0] = 8 * 60 + 30, m.to[0] = 12 * 60;
    m.from[1] = 14 * 60, m.to[1] = 17 * 60 + 30;
    m.n = 2;
    m.offset_min = 480;

    calendar_t *cal = calendar_new();
    CHECK(cal);
    static probes_t pr;
    static snapshot_t cur;
    s_probes(&pr, specs);
    if (!has_offset) {
        /* keep the default +480 */
    } else if (calendar_set_utc_offset(cal, off) == 0) {
        CHECK(off >= -720 && off <= 840);
        m.offset_min = off;
    } else {
        CHECK(off < -720 || off > 840);
    }
    s_state(cal, &m, &pr, &cur, from, to);

    /* working hours */
    static int hf[1500], ht[1500];
    size_t hn;
    bool ok = s_read_hours(specs[0], hf, ht, &hn);
    CHECK(s_call(0, cal, specs[0], &pr, errlen, &cur) == (ok ? 0 : -1));
    if (ok) {
        memcpy(m.from, hf, hn * sizeof hf[0]);
        memcpy(m.to, ht, hn * sizeof ht[0]);
        m.n = hn;
        s_state(cal, &m, &pr, &cur, from, to);
    }

    /* holidays, then make-up working days (each refused if it meets the
     * other), then the holidays again, which now clash with any make-up day
     * they share (and otherwise add nothing new) */
    for (int step = 1; step <= 3; step++) {
        int k = step == 2 ? 2 : 1;
        dayset_t *set = k == 1 ? &m.holidays : &m.workdays;
        const dayset_t *other = k == 1 ? &m.workdays : &m.holidays;
        int64_t *days;
        size_t n;
        ok = s_read_days(specs[k], other, &days, &n);
        CHECK(s_call(k, cal, specs[k], &pr, errlen, &cur) == (ok ? 0 : -1));
        if (ok) {
            s_merge(set, days, n);
            for (size_t i = 0; i < n; i += i < 32 ? 1 : n / 32 + 1)
                CHECK(s_cal_working_day(cal, days[i]) == (k == 2));
            s_state(cal, &m, &pr, &cur, from, to);
        }
        free(days);
    }

    /* a span near the specs' dates, at millisecond grain */
    int64_t near =
        (pr.ndays > S_BASE_DAYS ? pr.days[S_BASE_DAYS + 3] : pr.days[0]) * TIME_US_PER_DAY;
    int64_t nf = near + (int64_t)(int32_t)from * 1000, nt = nf + (int64_t)(uint32_t)to * 1000;
    s_check_span(cal, &m, nf, nt);

    /* any y/m/d: a nonexistent date is not a working day */
    bool real = mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
    if (real) {
        static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        real = d <= (mo == 2 && leap ? 29 : len[mo - 1]);
    }
    CHECK(calendar_is_working_day(cal, y, mo, d) ==
          (real && s_model_working_day(&m, time_days_from_civil(y, mo, d))));

    calendar_destroy(&cal);
    CHECK(cal == NULL);
    free(m.holidays.days);
    free(m.workdays.days);
    for (int k = 0; k < 3; k++)
        free(specs[k]);
    return 0;
}
