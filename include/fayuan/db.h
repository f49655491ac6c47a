/* db — asynchronous PostgreSQL inside the libevent loop.
 *
 * A daemon owns one db_t: one libpq connection in non-blocking mode, watched
 * through PQsocket, reconnected with backoff when lost. Work is submitted as
 * jobs; each job is one transaction and jobs run strictly one after another,
 * so a job may read, decide in C, and write without another job of the same
 * daemon interleaving.
 *
 * A job is a chain of batches: the creator adds the first batch of
 * statements, submits, and the runner sends BEGIN, then each statement in
 * turn (PQsendQueryParams; never SQL built from strings). When a batch is
 * done the step callback sees its results and either adds another batch
 * (DB_NEXT), or ends the job (DB_COMMIT / DB_ROLLBACK). Any failed statement
 * rolls the job back. done() is called exactly once, after COMMIT succeeded
 * (committed = true) or after the job failed or was rolled back; it may read
 * the results of the last batch. The job is freed after done() returns. */
#ifndef FAYUAN_DB_H
#define FAYUAN_DB_H

#include <event2/event.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct db db_t;
typedef struct db_job db_job_t;

typedef enum { DB_COMMIT = 0, DB_NEXT, DB_ROLLBACK } db_next_t;

typedef db_next_t (*db_step_fn)(db_job_t *job, void *arg);
typedef void (*db_done_fn)(db_job_t *job, bool committed, const char *error, void *arg);
typedef void (*db_ready_fn)(void *arg);

/* conninfo: a libpq connection string; schema: search_path of the session. */
db_t *db_new(struct event_base *base, const char *conninfo, const char *schema);
void db_destroy(db_t **self_p);

/* Called every time the connection becomes usable (first connect and each
 * reconnect), e.g. to start a catch-up. */
void db_on_ready(db_t *self, db_ready_fn fn, void *arg);

/* Starts connecting; jobs submitted before the connection is up wait. */
void db_start(db_t *self);
bool db_is_ready(const db_t *self);
size_t db_queue_length(const db_t *self);

/* A blocking connection with search_path set, for start-up work before the
 * loop runs (migrations). NULL with a reason on failure. */
PGconn *db_connect_blocking(const char *conninfo, const char *schema, char *err, size_t errlen);

/* step may be NULL: the job commits after its first batch. */
db_job_t *db_job_new(db_t *db, db_step_fn step, db_done_fn done, void *arg);
/* Adds a statement to the current batch. Parameters are text, copied; a NULL
 * element is SQL NULL. */
void db_job_add(db_job_t *job, const char *sql, int nparams, const char *const *params);
/* Statements added to the batch being built so far (the index the next
 * statement's result will have). */
int db_job_pending_count(const db_job_t *job);
/* Hands the job to the runner, which owns it from now on. */
void db_job_submit(db_job_t *job);

/* Results of the last finished batch, in the order the statements were added;
 * borrowed, valid during step/done. */
int db_job_nresults(const db_job_t *job);
PGresult *db_job_result(const db_job_t *job, int i);

/* Small helpers for reading results. */
const char *db_value(const PGresult *res, int row, int col); /* NULL for SQL NULL */
int64_t db_int64(const PGresult *res, int row, int col);     /* 0 for NULL */

#endif
