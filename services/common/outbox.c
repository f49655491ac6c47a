/* outbox — see include/fayuan/outbox.h.
 *
 * How seq stays gap-free and in commit order: every transaction that writes
 * events first updates the single row of outbox_head (seq = seq + n). That
 * row lock is held until the transaction ends, so a second writer waits
 * until the first has committed (and then sees its new seq) or rolled back
 * (and then reuses the numbers, which were never visible). Numbers are thus
 * handed out in commit order with no holes, which is what lets a consumer
 * treat "seq > last + 1" as a real gap. The price is that event-writing
 * transactions of one producer are serialised; a daemon runs its jobs one
 * at a time on one connection anyway. */
#include "fayuan/outbox.h"

#include "fayuan/log.h"
#include "fayuan/pgarr.h"
#include "fayuan/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct outbox {
    char *producer;
    bus_pub_t *pub;
    uint64_t published;
};

typedef struct {
    char *type;
    char *center;
    int64_t occurred_at;
    int64_t origin_at;
    uint8_t *payload;
    size_t len;
} s_item_t;

struct outbox_batch {
    outbox_t *ob;
    s_item_t *items;
    size_t n, cap;
    int result_index; /* index of the staged statement in the final batch */
};

const char outbox_insert_sql[] =
    "WITH h AS (UPDATE outbox_head SET seq = seq + $1 RETURNING seq - $1 AS base) "
    "INSERT INTO outbox (seq, type, center, occurred_at, recorded_at, origin_at, payload) "
    "SELECT h.base + e.ord, e.type, e.center, e.occ, n.now, "
    "       CASE WHEN e.origin = 0 THEN n.now ELSE e.origin END, decode(e.payload, 'hex') "
    "FROM h, (SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS now) n, "
    "     unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[]) "
    "     WITH ORDINALITY AS e(type, center, occ, payload, origin, ord) "
    "ORDER BY e.ord "
    "RETURNING seq, event_id::text, recorded_at, origin_at";

outbox_t *outbox_new(const char *producer, bus_pub_t *pub)
{
    outbox_t *ob = calloc(1, sizeof *ob);
    if (!ob)
        return NULL;
    ob->producer = strdup(producer);
    ob->pub = pub;
    return ob;
}

void outbox_destroy(outbox_t **self_p)
{
    outbox_t *ob = *self_p;
    if (!ob)
        return;
    free(ob->producer);
    free(ob);
    *self_p = NULL;
}

uint64_t outbox_published(const outbox_t *self)
{
    return self->published;
}

outbox_batch_t *outbox_batch_new(outbox_t *ob)
{
    outbox_batch_t *b = calloc(1, sizeof *b);
    if (!b)
        abort();
    b->ob = ob;
    b->result_index = -1;
    return b;
}

void outbox_batch_add(outbox_batch_t *b, const char *type, const char *center, int64_t occurred_at,
                      const ProtobufCMessage *payload)
{
    outbox_batch_add_traced(b, type, center, occurred_at, 0, payload);
}

void outbox_batch_add_traced(outbox_batch_t *b, const char *type, const char *center,
                             int64_t occurred_at, int64_t origin_at,
                             const ProtobufCMessage *payload)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 8;
        b->items = realloc(b->items, b->cap * sizeof *b->items);
        if (!b->items)
            abort();
    }
    s_item_t *it = &b->items[b->n++];
    it->type = strdup(type);
    it->center = strdup(center);
    it->occurred_at = occurred_at;
    it->origin_at = origin_at;
    it->len = protobuf_c_message_get_packed_size(payload);
    it->payload = malloc(it->len ? it->len : 1);
    protobuf_c_message_pack(payload, it->payload);
}

size_t outbox_batch_count(const outbox_batch_t *b)
{
    return b->n;
}

void outbox_batch_stage(outbox_batch_t *b, db_job_t *job)
{
    if (b->n == 0)
        return;
    pgarr_t types, centers, occ, payloads, origins;
    pgarr_init(&origins);
    pgarr_init(&types);
    pgarr_init(&centers);
    pgarr_init(&occ);
    pgarr_init(&payloads);
    for (size_t i = 0; i < b->n; i++) {
        pgarr_add(&types, b->items[i].type);
        pgarr_add(&centers, b->items[i].center);
        pgarr_add_int(&occ, b->items[i].occurred_at);
        pgarr_add_hex(&payloads, b->items[i].payload, b->items[i].len);
        pgarr_add_int(&origins, b->items[i].origin_at);
    }
    char n[24];
    snprintf(n, sizeof n, "%zu", b->n);
    const char *params[] = {n,
                            pgarr_str(&types),
                            pgarr_str(&centers),
                            pgarr_str(&occ),
                            pgarr_str(&payloads),
                            pgarr_str(&origins)};
    b->result_index = db_job_pending_count(job);
    db_job_add(job, outbox_insert_sql, 6, params);
    pgarr_free(&types);
    pgarr_free(&centers);
    pgarr_free(&occ);
    pgarr_free(&payloads);
    pgarr_free(&origins);
}

void outbox_batch_finish(outbox_batch_t **b_p, db_job_t *job, bool committed)
{
    outbox_batch_t *b = *b_p;
    if (!b)
        return;
    const PGresult *res = b->result_index >= 0 ? db_job_result(job, b->result_index) : NULL;
    if (committed && res && PQntuples(res) == (int)b->n) {
        /* seq = base + position in the batch; match on it rather than on the
         * order RETURNING happens to use. */
        uint64_t base = UINT64_MAX;
        for (int r = 0; r < PQntuples(res); r++)
            if ((uint64_t)db_int64(res, r, 0) < base)
                base = (uint64_t)db_int64(res, r, 0);
        for (int r = 0; r < PQntuples(res); r++) {
            Fayuan__Envelope env = FAYUAN__ENVELOPE__INIT;
            env.seq = (uint64_t)db_int64(res, r, 0);
            const s_item_t *it = &b->items[env.seq - base];
            env.producer = b->ob->producer;
            env.event_id = (char *)db_value(res, r, 1);
            env.type = it->type;
            env.center = it->center;
            env.occurred_at = it->occurred_at;
            env.recorded_at = db_int64(res, r, 2);
            env.origin_at = db_int64(res, r, 3);
            env.payload.data = it->payload;
            env.payload.len = it->len;
            if (b->ob->pub && bus_publish(b->ob->pub, &env) != 0)
                log_debug("doorbell for seq %llu not sent; consumers will catch up",
                          (unsigned long long)env.seq);
            b->ob->published++;
        }
    } else if (committed && b->n > 0) {
        log_warn("committed %zu events but cannot read their seq; consumers will catch up", b->n);
    }
    for (size_t i = 0; i < b->n; i++) {
        free(b->items[i].type);
        free(b->items[i].center);
        free(b->items[i].payload);
    }
    free(b->items);
    free(b);
    *b_p = NULL;
}

Fayuan__Envelope *outbox_row_envelope(const char *producer, const PGresult *res, int row)
{
    const char *hex = db_value(res, row, 6);
    uint8_t *payload = NULL;
    size_t len = 0;
    if (!hex || pgarr_unhex(hex, &payload, &len) != 0)
        return NULL;
    Fayuan__Envelope env = FAYUAN__ENVELOPE__INIT;
    env.producer = (char *)producer;
    env.seq = (uint64_t)db_int64(res, row, 0);
    env.event_id = (char *)(db_value(res, row, 1) ? db_value(res, row, 1) : "");
    env.type = (char *)(db_value(res, row, 2) ? db_value(res, row, 2) : "");
    env.center = (char *)(db_value(res, row, 3) ? db_value(res, row, 3) : "");
    env.occurred_at = db_int64(res, row, 4);
    env.recorded_at = db_int64(res, row, 5);
    env.origin_at = db_int64(res, row, 7);
    env.payload.data = payload;
    env.payload.len = len;
    /* Round-trip through the wire format so every envelope a consumer holds
     * is owned the same way, whether it came from the bus or the database. */
    size_t plen = fayuan__envelope__get_packed_size(&env);
    uint8_t *buf = malloc(plen ? plen : 1);
    fayuan__envelope__pack(&env, buf);
    Fayuan__Envelope *out = fayuan__envelope__unpack(NULL, plen, buf);
    free(buf);
    free(payload);
    return out;
}
