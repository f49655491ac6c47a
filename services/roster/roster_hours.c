/* roster_hours — which 12348 shifts count as "in working hours" (Annex 1
 * 2.1, 1 point) and which as outside (2.2, 1.5 points). The measures do not
 * say how to class a shift that straddles the boundary; the setting
 * [roster] hours_rule decides: "majority" (default) — in working hours when
 * at least half of the shift lies in working hours of a working day;
 * "start" — by the moment the shift started. */
#include "roster.h"

#include <stdio.h>
#include <string.h>

int roster_calendar_build(roster_t *r, char *err, size_t errlen)
{
    calendar_t *cal = calendar_new();
    char why[200];
    if (calendar_set_utc_offset(cal, r->d->cfg.utc_offset) != 0) {
        snprintf(err, errlen, "[center] utc_offset_minutes out of range");
        goto error;
    }
    if (calendar_set_hours(cal, r->working_hours, why, sizeof why) != 0) {
        snprintf(err, errlen, "[roster] working_hours: %s", why);
        goto error;
    }
    if (calendar_add_holidays(cal, r->holidays, why, sizeof why) != 0) {
        snprintf(err, errlen, "[roster] holidays: %s", why);
        goto error;
    }
    if (calendar_add_workdays(cal, r->workdays, why, sizeof why) != 0) {
        snprintf(err, errlen, "[roster] workdays: %s", why);
        goto error;
    }
    if (strcmp(r->hours_rule, "majority") == 0) {
        r->rule = HOURS_MAJORITY;
    } else if (strcmp(r->hours_rule, "start") == 0) {
        r->rule = HOURS_START;
    } else {
        snprintf(err, errlen, "[roster] hours_rule must be majority or start, not '%s'",
                 r->hours_rule);
        goto error;
    }
    calendar_destroy(&r->cal);
    r->cal = cal;
    return 0;
error:
    calendar_destroy(&cal);
    return -1;
}

bool roster_shift_in_hours(const roster_t *r, int64_t start_us, int64_t end_us)
{
    if (r->rule == HOURS_START)
        return calendar_is_working_time(r->cal, start_us);
    int64_t overlap = calendar_working_overlap(r->cal, start_us, end_us);
    return overlap * 2 >= end_us - start_us;
}
