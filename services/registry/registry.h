/* registry — registryd's own state: centers and the members of their pools.
 * It publishes LawyerChanged so that every other service keeps a read-model. */
#ifndef FAYUAN_REGISTRY_H
#define FAYUAN_REGISTRY_H

#include "fayuan/consumer.h"
#include "fayuan/daemon.h"
#include "pool_rules.h"

#include <jansson.h>

extern const migration_t registry_migrations[];
extern const size_t registry_migrations_count;

typedef struct {
    int expiry_check_s; /* [registry] expiry_check_s: how often ended suspensions are lifted */
    int licence_years;  /* [registry] policy of clause 6 / 28, see pool_policy_t */
    int clean_years;
    int removal_years;
    int probation_months; /* clause 19 */
    int mentor_years;     /* clause 24: mentors' years of legal-aid case work */
    int companion_years;  /* clause 19: the experienced member's years of practice */
    daemon_t *d;
    consumer_t *score;
    consumer_t *gateway;
    consumer_t *assign;
    struct event *ev_expiry;
    bool expiring;
    outbox_batch_t *expiry_events;
} registry_t;

/* reg_sanctions.c: carrying out scored's SanctionDue; ending suspensions */
db_next_t registry_apply_sanctions(consumer_apply_t *a, void *arg);
void registry_expiry_start(registry_t *reg);
void registry_expiry_stop(registry_t *reg);

/* reg_announce.c: the events of the current transaction. reg_announce_add
 * adds two reads (after every change of the transaction) and returns the
 * index of the first; reg_announce_stage, in the next batch, turns their
 * results into LawyerChanged and MemberNotice events in b and stages b.
 * Returns the number of events. */
int reg_announce_add(db_job_t *job);
size_t reg_announce_stage(outbox_batch_t *b, db_job_t *job, int first);
/* The same for a consumer whose batch changes the registry: reg_batch_announce
 * at the end of stage 0 (it returns DB_NEXT), reg_batch_events for the later
 * stages, registry_finish_events as the consumer's finish function. */
db_next_t reg_batch_announce(consumer_apply_t *a);
db_next_t reg_batch_events(registry_t *reg, consumer_apply_t *a);
void registry_finish_events(consumer_apply_t *a, bool committed, void *arg);

/* reg_cmd.c: a staff command that changes the registry, as one transaction:
 * step() reads and decides over as many batches as it needs (REG_MORE after
 * adding statements), adds its changes and returns REG_DONE; or refuses
 * with reg_fail() before changing anything. Then the events of what changed
 * are staged (reg_announce) and the reply (out, or {} if NULL) is stored
 * under the request id. */
typedef struct reg_cmd reg_cmd_t;
typedef enum { REG_MORE, REG_DONE, REG_FAIL } reg_step_t;
typedef reg_step_t (*reg_step_fn)(reg_cmd_t *rc, db_job_t *job, int stage);
struct reg_cmd {
    registry_t *reg;
    const Fayuan__CtlRequest *req; /* valid until the reply is sent (not in done) */
    char command[48];
    const char *center;
    const char *actor; /* who: "staff:<name>" */
    int64_t now;       /* when the command started */
    int64_t today;     /* its local civil day */
    json_t *out;       /* the reply body */
    /* optional: called with the results of the batch holding the last
     * changes (before the announce reads), e.g. to put ids in out */
    void (*results)(reg_cmd_t *rc, db_job_t *job);
    void *data;
    void (*free_data)(void *data);
    /* internal */
    reg_step_fn step;
    int stage, phase, announce_at;
    char code[32];
    char msg[512];
    outbox_batch_t *events;
};
void reg_cmd_run(registry_t *reg, bus_ctl_req_t *req, reg_step_fn step, void *data,
                 void (*free_data)(void *));
reg_step_t reg_fail(reg_cmd_t *rc, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An argument of the request, or NULL when absent or empty. */
const char *reg_arg(const reg_cmd_t *rc, const char *key);
/* A "YYYY-MM-DD" argument as a civil day; def when absent; -2 (after
 * reg_fail) when malformed. */
int64_t reg_arg_day(reg_cmd_t *rc, const char *key, int64_t def);
/* Local midnight of a civil day, unix microseconds, and day text. */
int64_t reg_day_start_us(const registry_t *reg, int64_t day);
char *reg_day_text(int64_t day, char *buf, size_t len); /* "YYYY-MM-DD" (16 bytes) */
int64_t reg_day_of(const registry_t *reg, int64_t us);
pool_policy_t reg_policy(const registry_t *reg);
/* A "YYYY-MM-DD" text (from SQL) as a civil day; POOL_NONE for NULL/"". */
int64_t reg_parse_day(const char *s);

/* Each returns false when the command is not one of its own. */
/* reg_members.c: the state changes of memberships, one command each */
bool registry_member_command(registry_t *reg, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);
/* reg_apply.c: applications, eligibility, penalties, people outside the pool, firms */
bool registry_apply_command(registry_t *reg, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);
/* reg_lists.c: listing, export, the published list */
bool registry_list_command(registry_t *reg, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);
/* reg_follow.c: ratings and cases from the gateway and assignd */
db_next_t registry_apply_gateway(consumer_apply_t *a, void *arg);
db_next_t registry_apply_assign(consumer_apply_t *a, void *arg);

/* fayuanctl import lawyers: all-or-nothing CSV import (reg_csv.h) of a
 * center's existing list: its members become active, trained already. */
void registry_import_lawyers(registry_t *reg, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);

#endif
