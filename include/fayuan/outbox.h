/* outbox — a service's events, written in the same transaction as the state
 * change that causes them, and published on ZeroMQ only after commit.
 *
 * Per producer, seq is gap-free and in commit order (see outbox.c for how).
 * Usage inside a db job:
 *     outbox_batch_t *b = outbox_batch_new(ob);
 *     outbox_batch_add(b, "ShiftCompleted", "wz", at, &msg.base);
 *     outbox_batch_stage(b, job);            // in the job's FINAL batch
 *   and in the job's done callback:
 *     outbox_batch_finish(&b, job, committed); // publishes if committed */
#ifndef FAYUAN_OUTBOX_H
#define FAYUAN_OUTBOX_H

#include "fayuan/bus.h"
#include "fayuan/db.h"

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct outbox outbox_t;

/* The statement outbox_batch_stage adds ($1 count, $2 types, $3 centers,
 * $4 occurred_at, $5 hex payloads, $6 origins: arrays), for tests that race it. */
extern const char outbox_insert_sql[];
typedef struct outbox_batch outbox_batch_t;

/* producer: this service's name; pub: where to ring the doorbell (borrowed). */
outbox_t *outbox_new(const char *producer, bus_pub_t *pub);
void outbox_destroy(outbox_t **self_p);
uint64_t outbox_published(const outbox_t *self); /* events published so far */

outbox_batch_t *outbox_batch_new(outbox_t *ob);
void outbox_batch_add(outbox_batch_t *b, const char *type, const char *center, int64_t occurred_at,
                      const ProtobufCMessage *payload);
/* The same, tracing the event back to an earlier one: origin_at is the
 * Envelope.origin_at of the event that caused this one (0: this event is
 * the origin). */
void outbox_batch_add_traced(outbox_batch_t *b, const char *type, const char *center,
                             int64_t occurred_at, int64_t origin_at,
                             const ProtobufCMessage *payload);
size_t outbox_batch_count(const outbox_batch_t *b);
/* Adds the one statement that writes every event of the batch (nothing when
 * the batch is empty). Must be part of the job's final batch, because
 * outbox_batch_finish reads its result. */
void outbox_batch_stage(outbox_batch_t *b, db_job_t *job);
/* After the job ended: publishes the events when committed; frees the batch. */
void outbox_batch_finish(outbox_batch_t **b_p, db_job_t *job, bool committed);

/* Envelope from an outbox row (seq, event_id, type, center, occurred_at,
 * recorded_at, hex payload) as selected by OUTBOX_SELECT_COLUMNS. Caller frees
 * with fayuan__envelope__free_unpacked. NULL on a malformed row. */
#define OUTBOX_SELECT_COLUMNS                                                                      \
    "seq, event_id::text, type, center, occurred_at, recorded_at, encode(payload, 'hex'), "        \
    "origin_at"
Fayuan__Envelope *outbox_row_envelope(const char *producer, const PGresult *res, int row);

#endif
