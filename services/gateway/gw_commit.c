/* gw_commit — group commit. Valid records from any number of requests wait
 * in one queue; while one transaction is in flight the next group gathers,
 * and each transaction writes its whole group: the dedupe rows, the events
 * (outbox), and only after COMMIT are the requests answered. An answer of
 * 202 therefore always means committed, and under load one commit serves
 * many requests (DESIGN.md, "the road to the ingest figure"). */
#include "gateway.h"

#include "fayuan/log.h"
#include "fayuan/pgarr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLUSH_MAX 5000 /* records per transaction */

typedef struct {
    gateway_t *gw;
    gw_pending_t *recs;
    size_t n;
    int *verdict;     /* per record: 202 accepted, 200 duplicate, 409 conflict */
    char *keys[2];    /* sources and ids, as array literals, for the lookup */
    json_t *inserted; /* keys the insert wrote */
    json_t *stored;   /* key -> canonical text of what was there before */
    outbox_batch_t *events;
} s_flush_t;

static const char s_insert_sql[] =
    "INSERT INTO accepted (source, external_id, kind, lawyer, canonical) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) "
    "ON CONFLICT DO NOTHING RETURNING source, external_id";
static const char s_lookup_sql[] = "SELECT a.source, a.external_id, a.canonical FROM accepted a "
                                   "JOIN unnest($1::text[], $2::text[]) AS k(source, external_id) "
                                   "  ON a.source = k.source AND a.external_id = k.external_id";

static void s_schedule(gateway_t *gw)
{
    if (!gw->flushing && gw->npending > 0)
        event_active(gw->ev_flush, 0, 0);
}

void gw_commit_enqueue(gateway_t *gw, const gw_pending_t *p)
{
    if (gw->npending == gw->cappending) {
        gw->cappending = gw->cappending ? gw->cappending * 2 : 256;
        gw->pending = realloc(gw->pending, gw->cappending * sizeof *gw->pending);
        if (!gw->pending)
            abort();
    }
    gw->pending[gw->npending++] = *p;
    s_schedule(gw);
}

/* A map "source\x1fid" -> the row's canonical text (or "" for RETURNING
 * rows), so matching a group of n records costs O(n), not O(n^2). */
static json_t *s_map(const PGresult *res, int canon_col)
{
    json_t *map = json_object();
    for (int i = 0; i < PQntuples(res); i++) {
        char key[GW_ID_MAX + 32];
        snprintf(key, sizeof key, "%s\x1f%s", db_value(res, i, 0), db_value(res, i, 1));
        const char *canon = canon_col >= 0 ? db_value(res, i, canon_col) : "";
        json_object_set_new(map, key, json_string(canon ? canon : ""));
    }
    return map;
}

/* Stage 1: after the insert. When every record was new (the usual case) the
 * verdicts are known; otherwise look up the stored ones first (stage 2). */
static db_next_t s_step(db_job_t *job, void *arg)
{
    s_flush_t *f = arg;
    if (f->events)
        return DB_COMMIT; /* the outbox batch ran */
    if (!f->inserted) {
        f->inserted = s_map(db_job_result(job, 0), -1);
        if (json_object_size(f->inserted) < f->n) {
            db_job_add(job, s_lookup_sql, 2, (const char *const *)f->keys);
            return DB_NEXT;
        }
    } else {
        f->stored = s_map(db_job_result(job, 0), 2);
    }
    /* Keys RETURNING marks as inserted go to the first record carrying them;
     * a later record with the same key in the same group is a resend. */
    f->events = outbox_batch_new(f->gw->d->outbox);
    for (size_t i = 0; i < f->n; i++) {
        gw_pending_t *p = &f->recs[i];
        char key[GW_ID_MAX + 32];
        snprintf(key, sizeof key, "%s\x1f%s", p->feed->source, p->id);
        if (json_object_get(f->inserted, key)) {
            json_object_del(f->inserted, key);
            f->verdict[i] = 202;
            p->feed->emit(p, f->gw->d->cfg.center, f->events);
            continue;
        }
        const char *canon = json_string_value(json_object_get(f->stored, key));
        f->verdict[i] = canon && strcmp(canon, p->canonical) == 0 ? 200 : 409;
    }
    if (outbox_batch_count(f->events) == 0)
        return DB_COMMIT;
    outbox_batch_stage(f->events, job);
    return DB_NEXT;
}

static json_t *s_answer(const gw_pending_t *p, int verdict)
{
    switch (verdict) {
    case 202:
        return json_pack("{s:s, s:s}", "status", "accepted", "id", p->id);
    case 200:
        return json_pack("{s:s, s:s}", "status", "duplicate", "id", p->id);
    default: {
        gw_error_t err;
        gw_error_set(&err, 409, "conflict", "id",
                     "id %s was already accepted with different content", p->id);
        return gw_error_json(&err);
    }
    }
}

static void s_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    s_flush_t *f = arg;
    gateway_t *gw = f->gw;
    outbox_batch_finish(&f->events, job, committed);
    if (committed)
        gw->m_commits++;
    else
        log_error("group commit of %zu records failed: %s", f->n, error ? error : "?");
    for (size_t i = 0; i < f->n; i++) {
        gw_pending_t *p = &f->recs[i];
        if (!committed) {
            gw_error_t err;
            gw_error_set(&err, 503, GW_ERR_INTERNAL, NULL,
                         "the record could not be stored; nothing was accepted, retry later");
            gw_request_answer(p->owner, p->index, 503, gw_error_json(&err));
            continue;
        }
        if (f->verdict[i] == 202)
            gw->m_accepted++;
        else if (f->verdict[i] == 200)
            gw->m_duplicate++;
        else
            gw->m_conflict++;
        gw_request_answer(p->owner, p->index, f->verdict[i], s_answer(p, f->verdict[i]));
    }
    free(f->recs);
    free(f->verdict);
    free(f->keys[0]);
    free(f->keys[1]);
    json_decref(f->inserted);
    json_decref(f->stored);
    free(f);
    gw->flushing = false;
    s_schedule(gw);
}

static void s_on_flush(evutil_socket_t fd, short what, void *arg)
{
    gateway_t *gw = arg;
    if (gw->flushing || gw->npending == 0)
        return;
    size_t n = gw->npending < FLUSH_MAX ? gw->npending : FLUSH_MAX;
    s_flush_t *f = calloc(1, sizeof *f);
    f->gw = gw;
    f->n = n;
    f->recs = malloc(n * sizeof *f->recs);
    f->verdict = calloc(n, sizeof *f->verdict);
    memcpy(f->recs, gw->pending, n * sizeof *f->recs);
    memmove(gw->pending, gw->pending + n, (gw->npending - n) * sizeof *gw->pending);
    gw->npending -= n;

    pgarr_t src, ids, kinds, lawyers, canon;
    pgarr_init(&src);
    pgarr_init(&ids);
    pgarr_init(&kinds);
    pgarr_init(&lawyers);
    pgarr_init(&canon);
    for (size_t i = 0; i < n; i++) {
        pgarr_add(&src, f->recs[i].feed->source);
        pgarr_add(&ids, f->recs[i].id);
        pgarr_add(&kinds, f->recs[i].feed->path);
        pgarr_add(&lawyers, f->recs[i].lawyer);
        pgarr_add(&canon, f->recs[i].canonical);
    }
    const char *ins[] = {pgarr_str(&src), pgarr_str(&ids), pgarr_str(&kinds), pgarr_str(&lawyers),
                         pgarr_str(&canon)};
    db_job_t *job = db_job_new(gw->d->db, s_step, s_done, f);
    db_job_add(job, s_insert_sql, 5, ins);
    f->keys[0] = strdup(ins[0]);
    f->keys[1] = strdup(ins[1]);
    pgarr_free(&src);
    pgarr_free(&ids);
    pgarr_free(&kinds);
    pgarr_free(&lawyers);
    pgarr_free(&canon);
    gw->flushing = true;
    db_job_submit(job);
}

void gw_commit_init(gateway_t *gw)
{
    gw->ev_flush = event_new(gw->d->base, -1, 0, s_on_flush, gw);
}

void gw_commit_fini(gateway_t *gw)
{
    if (gw->ev_flush)
        event_free(gw->ev_flush);
    gw->ev_flush = NULL;
    /* Records that never reached a transaction: nothing was stored. */
    for (size_t i = 0; i < gw->npending; i++) {
        gw_error_t err;
        gw_error_set(&err, 503, GW_ERR_INTERNAL, NULL, "shutting down; nothing was stored");
        gw_request_answer(gw->pending[i].owner, gw->pending[i].index, 503, gw_error_json(&err));
    }
    free(gw->pending);
    gw->pending = NULL;
    gw->npending = 0;
}
