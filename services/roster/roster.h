/* roster — rosterd: duty shifts. For now: 12348 hotline seat sessions from
 * the gateway, paired into completed shifts (roster_pair) and classed as in
 * or outside working hours by the center's calendar (Annex 1 2.1 / 2.2). */
#ifndef FAYUAN_ROSTER_H
#define FAYUAN_ROSTER_H

#include "fayuan/calendar.h"
#include "fayuan/consumer.h"
#include "fayuan/daemon.h"

extern const migration_t roster_migrations[];
extern const size_t roster_migrations_count;

typedef enum { HOURS_MAJORITY, HOURS_START } roster_hours_rule_t;

typedef struct {
    /* settings ([roster]) */
    char *working_hours;
    char *holidays;
    char *workdays;
    char *hours_rule;
    int max_shift_hours;
    /* runtime */
    daemon_t *d;
    calendar_t *cal;
    roster_hours_rule_t rule;
    consumer_t *gateway;
} roster_t;

/* Builds the calendar from the settings; -1 with a reason. */
int roster_calendar_build(roster_t *r, char *err, size_t errlen);

/* Is a shift [start, end) in working hours (Annex 1 2.1) under the rule? */
bool roster_shift_in_hours(const roster_t *r, int64_t start_us, int64_t end_us);

/* consumer callbacks for the gateway's HotlineSession events */
db_next_t roster_apply_sessions(consumer_apply_t *a, void *arg);
void roster_finish_sessions(consumer_apply_t *a, bool committed, void *arg);

#endif
