/* db — see include/fayuan/db.h.
 *
 * The runner is a small state machine driven by socket readiness:
 *   IDLE -> (job at head of queue) send BEGIN -> send statement i -> ...
 *   -> batch complete -> step() -> next batch | COMMIT/ROLLBACK -> done().
 * Only one statement is in flight at a time; a statement's result is read
 * fully (PQgetResult until NULL) before the next is sent. */
#include "fayuan/db.h"

#include "fayuan/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

typedef struct {
    char *sql;
    int nparams;
    char **params;
} s_stmt_t;

typedef enum { PH_BEGIN, PH_BATCH, PH_END } s_phase_t;

struct db_job {
    db_t *db;
    db_step_fn step;
    db_done_fn done;
    void *arg;
    s_stmt_t *stmts; /* the batch being built or run */
    int nstmts, capstmts;
    PGresult **results; /* results of the batch */
    int nresults;
    s_phase_t phase;
    bool commit;       /* in PH_END: COMMIT (true) or ROLLBACK */
    char *error;       /* first failure */
    bool sent;         /* a statement is in flight */
    PGresult *ending;  /* result of COMMIT/ROLLBACK */
    PGresult *pending; /* result of the in-flight statement so far */
    TAILQ_ENTRY(db_job) link;
};

typedef enum { ST_DOWN, ST_CONNECTING, ST_READY } s_state_t;

struct db {
    struct event_base *base;
    char *conninfo;
    char *schema;
    PGconn *conn;
    s_state_t state;
    PostgresPollingStatusType poll;
    struct event *ev_read;
    struct event *ev_write;
    struct event *ev_retry;
    struct event *ev_kick;
    int backoff_ms;
    int sock;
    TAILQ_HEAD(, db_job) queue;
    db_job_t *current;
    bool destroying;
    db_ready_fn ready_fn;
    void *ready_arg;
};

static void s_advance(db_t *db);
static void s_connect_step(db_t *db);

/* ---- jobs --------------------------------------------------------------- */

static void s_batch_clear(db_job_t *job)
{
    for (int i = 0; i < job->nstmts; i++) {
        for (int p = 0; p < job->stmts[i].nparams; p++)
            free(job->stmts[i].params[p]);
        free(job->stmts[i].params);
        free(job->stmts[i].sql);
    }
    job->nstmts = 0;
}

static void s_results_clear(db_job_t *job)
{
    for (int i = 0; i < job->nresults; i++)
        PQclear(job->results[i]);
    job->nresults = 0;
}

static void s_job_free(db_job_t *job)
{
    s_batch_clear(job);
    s_results_clear(job);
    PQclear(job->ending);
    PQclear(job->pending);
    free(job->stmts);
    free(job->results);
    free(job->error);
    free(job);
}

db_job_t *db_job_new(db_t *db, db_step_fn step, db_done_fn done, void *arg)
{
    db_job_t *job = calloc(1, sizeof *job);
    if (!job)
        abort(); /* out of memory: nothing sensible to do in a daemon */
    job->db = db;
    job->step = step;
    job->done = done;
    job->arg = arg;
    return job;
}

void db_job_add(db_job_t *job, const char *sql, int nparams, const char *const *params)
{
    if (job->nstmts == job->capstmts) {
        job->capstmts = job->capstmts ? job->capstmts * 2 : 8;
        job->stmts = realloc(job->stmts, (size_t)job->capstmts * sizeof *job->stmts);
        if (!job->stmts)
            abort();
    }
    s_stmt_t *st = &job->stmts[job->nstmts++];
    st->sql = strdup(sql);
    st->nparams = nparams;
    st->params = nparams ? calloc((size_t)nparams, sizeof(char *)) : NULL;
    for (int i = 0; i < nparams; i++)
        st->params[i] = params[i] ? strdup(params[i]) : NULL;
}

void db_job_submit(db_job_t *job)
{
    db_t *db = job->db;
    if (db->destroying) {
        if (job->done)
            job->done(job, false, "shutting down", job->arg);
        s_job_free(job);
        return;
    }
    TAILQ_INSERT_TAIL(&db->queue, job, link);
    if (!db->current && db->state == ST_READY)
        event_active(db->ev_kick, 0, 0);
}

int db_job_pending_count(const db_job_t *job)
{
    return job->nstmts;
}

int db_job_nresults(const db_job_t *job)
{
    return job->nresults;
}

PGresult *db_job_result(const db_job_t *job, int i)
{
    return i >= 0 && i < job->nresults ? job->results[i] : NULL;
}

const char *db_value(const PGresult *res, int row, int col)
{
    if (!res || row >= PQntuples(res) || col >= PQnfields(res) || PQgetisnull(res, row, col))
        return NULL;
    return PQgetvalue(res, row, col);
}

int64_t db_int64(const PGresult *res, int row, int col)
{
    const char *v = db_value(res, row, col);
    return v ? strtoll(v, NULL, 10) : 0;
}

/* ---- connection --------------------------------------------------------- */

static void s_events_free(db_t *db)
{
    if (db->ev_read)
        event_free(db->ev_read);
    if (db->ev_write)
        event_free(db->ev_write);
    db->ev_read = db->ev_write = NULL;
}

static void s_on_io(evutil_socket_t fd, short what, void *arg);

static void s_events_for_socket(db_t *db)
{
    int sock = PQsocket(db->conn);
    if (sock == db->sock && db->ev_read)
        return;
    s_events_free(db);
    db->sock = sock;
    db->ev_read = event_new(db->base, sock, EV_READ | EV_PERSIST, s_on_io, db);
    db->ev_write = event_new(db->base, sock, EV_WRITE, s_on_io, db);
    event_add(db->ev_read, NULL);
}

static void s_schedule_retry(db_t *db)
{
    struct timeval tv = {db->backoff_ms / 1000, (db->backoff_ms % 1000) * 1000};
    event_add(db->ev_retry, &tv);
    db->backoff_ms = db->backoff_ms * 2 > 5000 ? 5000 : db->backoff_ms * 2;
}

static void s_fail_current(db_t *db, const char *why);

static void s_lost(db_t *db, const char *why)
{
    log_error("database connection lost: %s", why);
    s_events_free(db);
    if (db->conn)
        PQfinish(db->conn);
    db->conn = NULL;
    db->sock = -1;
    db->state = ST_DOWN;
    if (db->current)
        s_fail_current(db, "database connection lost");
    s_schedule_retry(db);
}

/* Server notices (e.g. "already exists, skipping") are not errors. */
static void s_notice(void *arg, const char *message)
{
    log_debug("postgres: %s", message);
}

static void s_connect_begin(db_t *db)
{
    const char *keys[] = {"dbname", "options", "application_name", NULL};
    char options[300];
    snprintf(options, sizeof options, "-c search_path=%s", db->schema);
    const char *vals[] = {db->conninfo, options, db->schema, NULL};
    db->conn = PQconnectStartParams(keys, vals, 1);
    if (!db->conn || PQstatus(db->conn) == CONNECTION_BAD) {
        s_lost(db, db->conn ? PQerrorMessage(db->conn) : "out of memory");
        return;
    }
    PQsetNoticeProcessor(db->conn, s_notice, NULL);
    db->state = ST_CONNECTING;
    db->poll = PGRES_POLLING_WRITING;
    db->sock = -1;
    s_connect_step(db);
}

static void s_on_retry(evutil_socket_t fd, short what, void *arg)
{
    s_connect_begin(arg);
}

/* One step of PQconnectPoll; the socket may change between steps. */
static void s_connect_step(db_t *db)
{
    db->poll = PQconnectPoll(db->conn);
    if (db->poll == PGRES_POLLING_FAILED) {
        s_lost(db, PQerrorMessage(db->conn));
        return;
    }
    s_events_for_socket(db);
    if (db->poll == PGRES_POLLING_OK) {
        if (PQsetnonblocking(db->conn, 1) != 0) {
            s_lost(db, "cannot set non-blocking");
            return;
        }
        db->state = ST_READY;
        db->backoff_ms = 100;
        log_info("database connected (schema %s)", db->schema);
        if (db->ready_fn)
            db->ready_fn(db->ready_arg);
        s_advance(db);
        return;
    }
    if (db->poll == PGRES_POLLING_WRITING)
        event_add(db->ev_write, NULL);
    /* PGRES_POLLING_READING: the persistent read event fires. */
}

/* ---- running jobs ------------------------------------------------------- */

static void s_finish(db_t *db, bool committed)
{
    db_job_t *job = db->current;
    db->current = NULL;
    if (job->done)
        job->done(job, committed, job->error, job->arg);
    s_job_free(job);
}

static void s_fail_current(db_t *db, const char *why)
{
    db_job_t *job = db->current;
    if (!job->error)
        job->error = strdup(why);
    s_finish(db, false);
}

static void s_flush(db_t *db)
{
    int r = PQflush(db->conn);
    if (r == 1)
        event_add(db->ev_write, NULL); /* wait for write (read is always armed) */
    else if (r < 0)
        s_lost(db, PQerrorMessage(db->conn));
}

static void s_send(db_t *db, const char *sql, int nparams, char *const *params)
{
    db_job_t *job = db->current;
    if (!PQsendQueryParams(db->conn, sql, nparams, NULL, (const char *const *)params, NULL, NULL,
                           0)) {
        s_lost(db, PQerrorMessage(db->conn));
        return;
    }
    job->sent = true;
    s_flush(db);
}

/* Sends whatever comes next for the current job. */
static void s_send_next(db_t *db)
{
    db_job_t *job = db->current;
    switch (job->phase) {
    case PH_BEGIN:
        s_send(db, "BEGIN", 0, NULL);
        return;
    case PH_BATCH: {
        s_stmt_t *st = &job->stmts[job->nresults];
        s_send(db, st->sql, st->nparams, st->params);
        return;
    }
    case PH_END:
        s_send(db, job->commit ? "COMMIT" : "ROLLBACK", 0, NULL);
        return;
    }
}

/* The batch finished: let the job decide what is next. */
static void s_batch_done(db_t *db)
{
    db_job_t *job = db->current;
    s_batch_clear(job);
    db_next_t next = job->step ? job->step(job, job->arg) : DB_COMMIT;
    if (next == DB_NEXT && job->nstmts > 0) {
        s_results_clear(job);
        job->phase = PH_BATCH;
    } else {
        job->phase = PH_END;
        job->commit = next != DB_ROLLBACK;
    }
    s_send_next(db);
}

static void s_on_result(db_t *db, PGresult *res)
{
    db_job_t *job = db->current;
    ExecStatusType st = PQresultStatus(res);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    switch (job->phase) {
    case PH_BEGIN:
        PQclear(res);
        if (!ok) {
            job->error = strdup("BEGIN failed");
            s_finish(db, false);
            return;
        }
        job->phase = PH_BATCH;
        if (job->nstmts == 0) {
            s_batch_done(db);
            return;
        }
        break;
    case PH_BATCH:
        job->results = realloc(job->results, (size_t)(job->nresults + 1) * sizeof(PGresult *));
        job->results[job->nresults++] = res;
        if (!ok) {
            job->error = strdup(PQresultErrorMessage(res));
            log_warn("statement failed, rolling back: %s", job->error);
            job->phase = PH_END;
            job->commit = false;
            break;
        }
        if (job->nresults == job->nstmts) {
            s_batch_done(db);
            return;
        }
        break;
    case PH_END:
        job->ending = res;
        if (!ok && !job->error)
            job->error = strdup(PQresultErrorMessage(res));
        s_finish(db, ok && job->commit && !job->error);
        s_advance(db);
        return;
    }
    s_send_next(db);
}

static void s_read(db_t *db)
{
    if (!PQconsumeInput(db->conn)) {
        s_lost(db, PQerrorMessage(db->conn));
        return;
    }
    while (db->state == ST_READY && db->current && db->current->sent && !PQisBusy(db->conn)) {
        db_job_t *job = db->current;
        PGresult *res = PQgetResult(db->conn);
        if (res) {
            /* A statement may yield several results; keep an error if any,
             * else the last one, until the terminating NULL. */
            if (!job->pending) {
                job->pending = res;
            } else if (PQresultStatus(job->pending) == PGRES_FATAL_ERROR) {
                PQclear(res);
            } else {
                PQclear(job->pending);
                job->pending = res;
            }
            continue;
        }
        job->sent = false;
        res = job->pending;
        job->pending = NULL;
        if (!res)
            res = PQmakeEmptyPGresult(db->conn, PGRES_FATAL_ERROR);
        s_on_result(db, res);
    }
}

static void s_on_io(evutil_socket_t fd, short what, void *arg)
{
    db_t *db = arg;
    if (db->state == ST_CONNECTING) {
        s_connect_step(db);
        return;
    }
    if (db->state != ST_READY)
        return;
    if (what & EV_WRITE)
        s_flush(db);
    if (what & EV_READ)
        s_read(db);
}

static void s_advance(db_t *db)
{
    if (db->state != ST_READY || db->current || TAILQ_EMPTY(&db->queue))
        return;
    db_job_t *job = TAILQ_FIRST(&db->queue);
    TAILQ_REMOVE(&db->queue, job, link);
    db->current = job;
    job->phase = PH_BEGIN;
    s_send_next(db);
}

static void s_on_kick(evutil_socket_t fd, short what, void *arg)
{
    s_advance(arg);
}

/* ---- lifecycle ---------------------------------------------------------- */

db_t *db_new(struct event_base *base, const char *conninfo, const char *schema)
{
    db_t *db = calloc(1, sizeof *db);
    if (!db)
        return NULL;
    db->base = base;
    db->conninfo = strdup(conninfo);
    db->schema = strdup(schema);
    db->sock = -1;
    db->backoff_ms = 100;
    TAILQ_INIT(&db->queue);
    db->ev_retry = evtimer_new(base, s_on_retry, db);
    db->ev_kick = event_new(base, -1, 0, s_on_kick, db);
    return db;
}

void db_start(db_t *self)
{
    s_connect_begin(self);
}

void db_on_ready(db_t *self, db_ready_fn fn, void *arg)
{
    self->ready_fn = fn;
    self->ready_arg = arg;
}

bool db_is_ready(const db_t *self)
{
    return self->state == ST_READY;
}

size_t db_queue_length(const db_t *self)
{
    size_t n = self->current ? 1 : 0;
    db_job_t *job;
    TAILQ_FOREACH(job, &self->queue, link)
    n++;
    return n;
}

void db_destroy(db_t **self_p)
{
    db_t *db = *self_p;
    if (!db)
        return;
    db->destroying = true;
    if (db->current) {
        db_job_t *job = db->current;
        db->current = NULL;
        if (job->done)
            job->done(job, false, "shutting down", job->arg);
        s_job_free(job);
    }
    db_job_t *job;
    while ((job = TAILQ_FIRST(&db->queue)) != NULL) {
        TAILQ_REMOVE(&db->queue, job, link);
        if (job->done)
            job->done(job, false, "shutting down", job->arg);
        s_job_free(job);
    }
    s_events_free(db);
    event_free(db->ev_retry);
    event_free(db->ev_kick);
    if (db->conn)
        PQfinish(db->conn);
    free(db->conninfo);
    free(db->schema);
    free(db);
    *self_p = NULL;
}

PGconn *db_connect_blocking(const char *conninfo, const char *schema, char *err, size_t errlen)
{
    const char *keys[] = {"dbname", "options", "application_name", NULL};
    char options[300];
    snprintf(options, sizeof options, "-c search_path=%s", schema);
    const char *vals[] = {conninfo, options, schema, NULL};
    PGconn *conn = PQconnectdbParams(keys, vals, 1);
    PQsetNoticeProcessor(conn, s_notice, NULL);
    if (PQstatus(conn) != CONNECTION_OK) {
        snprintf(err, errlen, "%s", PQerrorMessage(conn));
        PQfinish(conn);
        return NULL;
    }
    return conn;
}
