/* assign — assignd: case assignment. This slice keeps track of which cases
 * each lawyer has open, so the registry can hold a voluntary exit until a
 * member's open assignments are finished (clause 26):
 *   assign_lawyers.c  the read-model of the registry (serving pools, mentor)
 *   assign_cases.c    staff commands: direct assignment (clause 21),
 *                     withdrawal, the list of cases
 *   assign_closes.c   the case system's closures (from the gateway), which
 *                     finish open cases, or wait for an assignment recorded
 *                     after them
 * Every assignment goes out as CaseAssigned and every finish as CaseFinished,
 * written in the same transaction as the change (outbox). Rotation and client
 * choice come later. */
#ifndef FAYUAN_ASSIGN_H
#define FAYUAN_ASSIGN_H

#include "events.pb-c.h"
#include "fayuan/consumer.h"
#include "fayuan/daemon.h"

#include <stddef.h>

extern const migration_t assign_migrations[];
extern const size_t assign_migrations_count;

typedef struct {
    daemon_t *d;
    consumer_t *registry;
    consumer_t *gateway;
} assign_t;

/* assign_lawyers.c ---------------------------------------------------------- */

/* The upsert of the read-model lawyers (with serving pools and the case-pool
 * mentor), for lawyers_model_apply. */
extern const char assign_lawyers_sql[];

/* assign_cases.c ------------------------------------------------------------ */

/* fayuanctl case assign CASE_NO --lawyer L [--note N] */
void assign_cmd_assign(assign_t *as, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);
/* fayuanctl case finish CASE_NO [--how withdrawn] [--note N] */
void assign_cmd_finish(assign_t *as, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);
/* fayuanctl cases [--lawyer L] [--open] */
void assign_cmd_cases(assign_t *as, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);

/* assign_closes.c ----------------------------------------------------------- */

/* The gateway consumer: CaseEvent records of type "closed". */
db_next_t assign_apply_gateway(consumer_apply_t *a, void *arg);
void assign_finish_gateway(consumer_apply_t *a, bool committed, void *arg);

#endif
