/* registry — registryd's own state: centers and the members of their pools.
 * It publishes LawyerChanged so that every other service keeps a read-model. */
#ifndef FAYUAN_REGISTRY_H
#define FAYUAN_REGISTRY_H

#include "fayuan/daemon.h"

extern const migration_t registry_migrations[];
extern const size_t registry_migrations_count;

/* fayuanctl import lawyers: all-or-nothing CSV import (reg_csv.h). */
void registry_import_lawyers(daemon_t *d, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);

#endif
