/* ctlcmd — running a staff command (from fayuanctl) as one database
 * transaction, with the request-id rule of DESIGN.md: repeating a command's
 * request id returns the first answer and has no second effect. The answer
 * is stored in the service's requests table in the same transaction as the
 * command's effect. Read-only commands need none of this and reply directly. */
#ifndef FAYUAN_CTLCMD_H
#define FAYUAN_CTLCMD_H

#include "fayuan/bus.h"
#include "fayuan/db.h"

typedef struct ctlcmd ctlcmd_t;

/* stage 0: add the command's first batch; later stages see the results of the
 * batch before. Return DB_NEXT after adding statements, DB_COMMIT when done.
 * Before the final batch, set the reply and stage it (ctlcmd_stage_reply). */
typedef db_next_t (*ctlcmd_step_fn)(ctlcmd_t *cmd, db_job_t *job, int stage, void *arg);
/* Called once at the end (free arg here); the reply has been sent already. */
typedef void (*ctlcmd_done_fn)(ctlcmd_t *cmd, db_job_t *job, bool committed, void *arg);

/* Takes over req: it is answered when the job ends. */
void ctlcmd_run(db_t *db, bus_ctl_req_t *req, ctlcmd_step_fn step, ctlcmd_done_fn done, void *arg);

void ctlcmd_set_reply_ok(ctlcmd_t *cmd, const char *json_body);
void ctlcmd_set_reply_error(ctlcmd_t *cmd, const char *code, const char *message);
/* Adds the statement that records the reply under the request id. */
void ctlcmd_stage_reply(ctlcmd_t *cmd, db_job_t *job);

/* A command argument by key; NULL if absent. */
const char *ctlcmd_arg(const Fayuan__CtlRequest *req, const char *key);
/* An error reply that also carries a JSON body (e.g. the list of bad rows). */
void ctlcmd_reply_error_body(bus_ctl_req_t *req, const char *code, const char *message,
                             const char *json_body);

#endif
