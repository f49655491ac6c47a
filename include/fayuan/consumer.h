/* consumer — the inbox side of delivery: applies one producer's events to
 * this service's state exactly once and in seq order.
 *
 * Each batch of events is applied in one transaction that also advances the
 * cursor inbox(producer, last_seq) — guarded by the expected old value — so a
 * redelivered event has no second effect. Events come from the producer's
 * PUB socket when they arrive in order; on start, on a seq gap, after a
 * failed batch and on a slow poll of the producer's outbox_head (for a
 * doorbell lost at the tail), the consumer reads the producer's outbox table
 * instead. ZeroMQ loss only ever costs latency.
 *
 * The service supplies apply(): at stage 0 it adds the statements of the
 * first batch to a->job for the events a->evs[0..n) and returns DB_NEXT
 * (DB_COMMIT if there is nothing to write); after each batch it is called
 * again with stage 1, 2, ... and that batch's results, and returns DB_NEXT
 * (having added another batch) or DB_COMMIT/DB_ROLLBACK. Outbox events must
 * be staged in the last batch that runs (see outbox.h).
 * finish() is called once when the transaction has ended (publish outbox
 * batches, free a->state). */
#ifndef FAYUAN_CONSUMER_H
#define FAYUAN_CONSUMER_H

#include "fayuan/bus.h"
#include "fayuan/db.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    Fayuan__Envelope **evs; /* borrowed, seq-ordered, contiguous */
    size_t n;
    db_job_t *job;
    int stage;
    void *state; /* the service's own per-batch state */
} consumer_apply_t;

typedef db_next_t (*consumer_apply_fn)(consumer_apply_t *a, void *arg);
typedef void (*consumer_finish_fn)(consumer_apply_t *a, bool committed, void *arg);

typedef struct consumer consumer_t;

typedef struct {
    const char *producer; /* e.g. "gateway": also the producer's schema */
    const char *endpoint; /* the producer's PUB endpoint */
    size_t max_batch;     /* events per transaction (0: 500) */
    consumer_apply_fn apply;
    consumer_finish_fn finish; /* may be NULL */
    void *arg;
    /* The event types apply() handles (NULL-terminated; NULL: all). A batch
     * with none of them only moves the cursor in memory: no transaction. It
     * is written with the next batch that does something; after a restart
     * such events are read again and skipped again, which changes nothing. */
    const char *const *types;
} consumer_config_t;

consumer_t *consumer_new(struct event_base *base, void *zctx, db_t *db,
                         const consumer_config_t *cfg, char *err, size_t errlen);
void consumer_destroy(consumer_t **self_p);

/* Starts: load the cursor, catch up, then follow live events. Call when the
 * database is ready (again after a reconnect). */
void consumer_start(consumer_t *self);

uint64_t consumer_last_seq(const consumer_t *self);
uint64_t consumer_applied(const consumer_t *self); /* events applied by this process */

#endif
