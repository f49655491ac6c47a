/* registry — registryd's own state: centers and the members of their pools.
 * It publishes LawyerChanged so that every other service keeps a read-model. */
#ifndef FAYUAN_REGISTRY_H
#define FAYUAN_REGISTRY_H

#include "fayuan/consumer.h"
#include "fayuan/daemon.h"

extern const migration_t registry_migrations[];
extern const size_t registry_migrations_count;

typedef struct {
    int expiry_check_s; /* [registry] expiry_check_s: how often ended suspensions are lifted */
    daemon_t *d;
    consumer_t *score;
    struct event *ev_expiry;
    bool expiring;
    outbox_batch_t *expiry_events;
} registry_t;

/* reg_sanctions.c: carrying out scored's SanctionDue; ending suspensions */
db_next_t registry_apply_sanctions(consumer_apply_t *a, void *arg);
void registry_finish_sanctions(consumer_apply_t *a, bool committed, void *arg);
void registry_expiry_start(registry_t *reg);
void registry_expiry_stop(registry_t *reg);

/* fayuanctl import lawyers: all-or-nothing CSV import (reg_csv.h). */
void registry_import_lawyers(daemon_t *d, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);

#endif
