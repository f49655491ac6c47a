/* consumer — see include/fayuan/consumer.h.
 *
 * State: last_seq is what the database says we applied. queue holds live
 * events with seq last_seq+1, +2, ... (contiguous; anything else sets
 * need_catchup). At most one job (load, catch-up read or apply) is in flight
 * per consumer. */
#include "fayuan/consumer.h"

#include "fayuan/log.h"
#include "fayuan/outbox.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POLL_MS 1000
#define RETRY_MS 500
#define QUEUE_MAX 20000 /* beyond this, drop live events and catch up instead */

typedef enum { C_IDLE, C_LOADING, C_READING, C_APPLYING, C_STOPPED } s_state_t;

struct consumer {
    consumer_config_t cfg;
    char *producer;
    db_t *db;
    bus_sub_t *sub;
    struct event *ev_kick;
    struct event *ev_poll;
    s_state_t state;
    bool loaded;
    bool need_catchup;
    uint64_t last_seq;   /* applied (or skipped) up to here */
    uint64_t db_seq;     /* what inbox.last_seq holds */
    uint64_t saving_seq; /* being written by the poll job, 0 if none */
    uint64_t applied;
    uint64_t head_seen; /* highest seq heard of */
    Fayuan__Envelope **queue;
    size_t qlen, qcap;
    /* the batch being applied */
    Fayuan__Envelope **batch;
    size_t nbatch;
    bool cursor_pending; /* the cursor batch has not been checked yet */
    consumer_apply_t apply;
    char sql_read[256];
    char sql_head[128];
};

static void s_kick(consumer_t *c)
{
    event_active(c->ev_kick, 0, 0);
}

static void s_free_envs(Fayuan__Envelope **evs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fayuan__envelope__free_unpacked(evs[i], NULL);
}

static void s_queue_clear(consumer_t *c)
{
    s_free_envs(c->queue, c->qlen);
    c->qlen = 0;
}

static void s_queue_push(consumer_t *c, Fayuan__Envelope *env)
{
    if (c->qlen == c->qcap) {
        c->qcap = c->qcap ? c->qcap * 2 : 64;
        c->queue = realloc(c->queue, c->qcap * sizeof *c->queue);
        if (!c->queue)
            abort();
    }
    c->queue[c->qlen++] = env;
}

/* Live event from the bus (owned). */
static void s_on_live(Fayuan__Envelope *env, void *arg)
{
    consumer_t *c = arg;
    if (env->seq > c->head_seen)
        c->head_seen = env->seq;
    uint64_t expect = c->last_seq + c->qlen + 1;
    if (!c->loaded || env->seq < expect) {
        /* Before the cursor is known, or already applied / queued. */
        fayuan__envelope__free_unpacked(env, NULL);
        if (!c->loaded)
            c->need_catchup = true;
        return;
    }
    if (env->seq > expect || c->need_catchup || c->qlen >= QUEUE_MAX) {
        /* A gap: what is missing is in the producer's outbox. */
        fayuan__envelope__free_unpacked(env, NULL);
        c->need_catchup = true;
        s_queue_clear(c);
        s_kick(c);
        return;
    }
    s_queue_push(c, env);
    s_kick(c);
}

/* ---- applying a batch --------------------------------------------------- */

/* The job's first batch is the guarded cursor update; then the service's
 * batches follow: stage 0 adds the first, each later stage sees the results
 * of the one before. */
static db_next_t s_apply_step(db_job_t *job, void *arg)
{
    consumer_t *c = arg;
    c->apply.job = job;
    if (c->cursor_pending) {
        c->cursor_pending = false;
        PGresult *res = db_job_result(job, 0);
        if (!res || strcmp(PQcmdTuples(res), "1") != 0) {
            log_error("inbox cursor for %s moved under us; catching up", c->producer);
            return DB_ROLLBACK;
        }
        c->apply.stage = 0;
    } else {
        c->apply.stage++;
    }
    return c->cfg.apply(&c->apply, c->cfg.arg);
}

static void s_apply_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    consumer_t *c = arg;
    c->apply.job = job;
    if (c->cfg.finish)
        c->cfg.finish(&c->apply, committed, c->cfg.arg);
    if (committed) {
        c->last_seq = c->db_seq = c->batch[c->nbatch - 1]->seq;
        c->applied += c->nbatch;
        log_debug("applied %s up to %" PRIu64, c->producer, c->last_seq);
    } else {
        log_warn("applying %s events %" PRIu64 "..%" PRIu64 " failed (%s); retrying", c->producer,
                 c->batch[0]->seq, c->batch[c->nbatch - 1]->seq, error ? error : "rolled back");
        c->need_catchup = true;
        s_queue_clear(c);
    }
    s_free_envs(c->batch, c->nbatch);
    free(c->batch);
    c->batch = NULL;
    c->nbatch = 0;
    memset(&c->apply, 0, sizeof c->apply);
    c->state = C_IDLE;
    if (committed) {
        s_kick(c);
    } else {
        struct timeval tv = {0, RETRY_MS * 1000};
        event_add(c->ev_poll, &tv);
    }
}

static bool s_wanted(const consumer_t *c, Fayuan__Envelope **evs, size_t n)
{
    if (!c->cfg.types)
        return true;
    for (size_t i = 0; i < n; i++)
        for (const char *const *t = c->cfg.types; *t; t++)
            if (strcmp(evs[i]->type, *t) == 0)
                return true;
    return false;
}

/* Takes ownership of evs[0..n) (and of the evs array). */
static void s_apply_start(consumer_t *c, Fayuan__Envelope **evs, size_t n)
{
    if (!s_wanted(c, evs, n)) {
        c->last_seq = evs[n - 1]->seq;
        s_free_envs(evs, n);
        free(evs);
        c->state = C_IDLE;
        s_kick(c);
        return;
    }
    c->state = C_APPLYING;
    c->batch = evs;
    c->nbatch = n;
    memset(&c->apply, 0, sizeof c->apply);
    c->apply.evs = evs;
    c->apply.n = n;
    c->cursor_pending = true;
    char old[24], new_[24];
    snprintf(old, sizeof old, "%" PRIu64, c->db_seq);
    snprintf(new_, sizeof new_, "%" PRIu64, evs[n - 1]->seq);
    const char *params[] = {c->producer, new_, old};
    db_job_t *job = db_job_new(c->db, s_apply_step, s_apply_done, c);
    db_job_add(job, "UPDATE inbox SET last_seq = $2 WHERE producer = $1 AND last_seq = $3", 3,
               params);
    db_job_submit(job);
}

/* ---- reading the producer's outbox -------------------------------------- */

static void s_read_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    consumer_t *c = arg;
    c->state = C_IDLE;
    const PGresult *res = db_job_result(job, 0);
    if (!committed || !res) {
        log_warn("reading %s outbox failed: %s", c->producer, error ? error : "?");
        struct timeval tv = {0, RETRY_MS * 1000};
        event_add(c->ev_poll, &tv);
        return;
    }
    int rows = PQntuples(res);
    if (rows == 0) {
        c->need_catchup = false;
        s_kick(c);
        return;
    }
    Fayuan__Envelope **evs = calloc((size_t)rows, sizeof *evs);
    size_t n = 0;
    for (int i = 0; i < rows; i++) {
        Fayuan__Envelope *env = outbox_row_envelope(c->producer, res, i);
        if (!env || env->seq != c->last_seq + n + 1) {
            /* Cannot happen with a gap-free outbox; stop at the anomaly. */
            log_error("%s outbox row %d unusable (seq %s)", c->producer, i,
                      db_value(res, i, 0) ? db_value(res, i, 0) : "?");
            if (env)
                fayuan__envelope__free_unpacked(env, NULL);
            break;
        }
        evs[n++] = env;
    }
    if (n == 0) {
        free(evs);
        struct timeval tv = {0, RETRY_MS * 1000};
        event_add(c->ev_poll, &tv);
        return;
    }
    /* Still behind if we read a full page; keep catching up after this batch. */
    c->need_catchup = (size_t)rows >= c->cfg.max_batch;
    s_queue_clear(c);
    s_apply_start(c, evs, n);
}

static void s_read_start(consumer_t *c)
{
    c->state = C_READING;
    char after[24], limit[24];
    snprintf(after, sizeof after, "%" PRIu64, c->last_seq);
    snprintf(limit, sizeof limit, "%zu", c->cfg.max_batch);
    const char *params[] = {after, limit};
    db_job_t *job = db_job_new(c->db, NULL, s_read_done, c);
    db_job_add(job, c->sql_read, 2, params);
    db_job_submit(job);
}

/* ---- loading the cursor ------------------------------------------------- */

static void s_load_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    consumer_t *c = arg;
    c->state = C_IDLE;
    const PGresult *res = db_job_result(job, 1);
    if (!committed || !res || PQntuples(res) != 1) {
        log_warn("loading inbox cursor for %s failed: %s", c->producer, error ? error : "?");
        struct timeval tv = {0, RETRY_MS * 1000};
        event_add(c->ev_poll, &tv);
        return;
    }
    c->last_seq = c->db_seq = (uint64_t)db_int64(res, 0, 0);
    c->loaded = true;
    c->need_catchup = true;
    log_info("following %s from seq %" PRIu64, c->producer, c->last_seq);
    s_kick(c);
}

static void s_load_start(consumer_t *c)
{
    c->state = C_LOADING;
    const char *params[] = {c->producer};
    db_job_t *job = db_job_new(c->db, NULL, s_load_done, c);
    db_job_add(job, "INSERT INTO inbox (producer) VALUES ($1) ON CONFLICT DO NOTHING", 1, params);
    db_job_add(job, "SELECT last_seq FROM inbox WHERE producer = $1", 1, params);
    db_job_submit(job);
}

/* ---- the driver --------------------------------------------------------- */

static void s_on_kick(evutil_socket_t fd, short what, void *arg)
{
    consumer_t *c = arg;
    if (c->state != C_IDLE || !db_is_ready(c->db))
        return;
    if (!c->loaded) {
        s_load_start(c);
        return;
    }
    if (c->need_catchup) {
        s_read_start(c);
        return;
    }
    if (c->qlen > 0) {
        size_t n = c->qlen < c->cfg.max_batch ? c->qlen : c->cfg.max_batch;
        Fayuan__Envelope **evs = malloc(n * sizeof *evs);
        memcpy(evs, c->queue, n * sizeof *evs);
        memmove(c->queue, c->queue + n, (c->qlen - n) * sizeof *c->queue);
        c->qlen -= n;
        s_apply_start(c, evs, n);
    }
}

static void s_head_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    consumer_t *c = arg;
    c->state = C_IDLE;
    int head_index = 0;
    if (c->saving_seq) {
        /* Guarded: it wrote nothing if an apply moved the cursor meanwhile. */
        if (committed && strcmp(PQcmdTuples(db_job_result(job, 0)), "1") == 0 &&
            c->saving_seq > c->db_seq)
            c->db_seq = c->saving_seq;
        c->saving_seq = 0;
        head_index = 1;
    }
    const PGresult *res = db_job_result(job, head_index);
    if (committed && res && PQntuples(res) == 1) {
        uint64_t head = (uint64_t)db_int64(res, 0, 0);
        if (head > c->last_seq + c->qlen)
            c->need_catchup = true;
    }
    s_kick(c);
}

/* Slow safety net: a doorbell lost for the very last event would otherwise
 * leave it unapplied until the next one rings. */
static void s_on_poll(evutil_socket_t fd, short what, void *arg)
{
    consumer_t *c = arg;
    struct timeval tv = {POLL_MS / 1000, (POLL_MS % 1000) * 1000};
    event_add(c->ev_poll, &tv);
    if (c->state != C_IDLE || !db_is_ready(c->db))
        return;
    if (!c->loaded || c->need_catchup) {
        s_kick(c);
        return;
    }
    c->state = C_READING;
    db_job_t *job = db_job_new(c->db, NULL, s_head_done, c);
    c->saving_seq = 0;
    if (c->last_seq > c->db_seq) {
        /* Events skipped since the last write: record them, so the cursor in
         * the database reaches the producer's head too. */
        char old[24], new_[24];
        snprintf(old, sizeof old, "%" PRIu64, c->db_seq);
        snprintf(new_, sizeof new_, "%" PRIu64, c->last_seq);
        const char *params[] = {c->producer, new_, old};
        db_job_add(job, "UPDATE inbox SET last_seq = $2 WHERE producer = $1 AND last_seq = $3", 3,
                   params);
        c->saving_seq = c->last_seq;
    }
    db_job_add(job, c->sql_head, 0, NULL);
    db_job_submit(job);
}

consumer_t *consumer_new(struct event_base *base, void *zctx, db_t *db,
                         const consumer_config_t *cfg, char *err, size_t errlen)
{
    consumer_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cfg = *cfg;
    if (c->cfg.max_batch == 0)
        c->cfg.max_batch = 2000;
    c->producer = strdup(cfg->producer);
    c->cfg.producer = c->producer;
    c->db = db;
    /* The producer name is also its schema; it comes from our own code, but
     * quote it anyway. */
    snprintf(c->sql_read, sizeof c->sql_read,
             "SELECT " OUTBOX_SELECT_COLUMNS " FROM \"%s\".outbox WHERE seq > $1 ORDER BY seq "
             "LIMIT $2",
             c->producer);
    snprintf(c->sql_head, sizeof c->sql_head, "SELECT seq FROM \"%s\".outbox_head", c->producer);
    c->ev_kick = event_new(base, -1, 0, s_on_kick, c);
    c->ev_poll = evtimer_new(base, s_on_poll, c);
    c->sub = bus_sub_new(base, zctx, cfg->endpoint, s_on_live, c, err, errlen);
    if (!c->sub) {
        consumer_destroy(&c);
        return NULL;
    }
    return c;
}

void consumer_start(consumer_t *self)
{
    struct timeval tv = {POLL_MS / 1000, (POLL_MS % 1000) * 1000};
    event_add(self->ev_poll, &tv);
    if (self->state == C_IDLE)
        s_kick(self);
}

uint64_t consumer_last_seq(const consumer_t *self)
{
    return self->last_seq;
}

uint64_t consumer_applied(const consumer_t *self)
{
    return self->applied;
}

void consumer_destroy(consumer_t **self_p)
{
    consumer_t *c = *self_p;
    if (!c)
        return;
    bus_sub_destroy(&c->sub);
    if (c->ev_kick)
        event_free(c->ev_kick);
    if (c->ev_poll)
        event_free(c->ev_poll);
    s_queue_clear(c);
    free(c->queue);
    if (c->batch) {
        s_free_envs(c->batch, c->nbatch);
        free(c->batch);
    }
    free(c->producer);
    free(c);
    *self_p = NULL;
}
