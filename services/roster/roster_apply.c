/* roster_apply — turning HotlineSession events into shifts, exactly once.
 *
 * One transaction per batch of events:
 *   0. store the sessions (a resent id is ignored); RETURNING tells which are new;
 *   1. for each lawyer with new sessions, read the sessions in a window around
 *      them and the shifts already standing there;
 *   2. pair the window again (roster_pair) and write the difference: new shifts
 *      (ShiftCompleted) and shifts that no longer stand (ShiftRetracted).
 * Why the window is enough: a new session e changes only the pairing of its
 * neighbours p (before) and s (after); a shift p–s spans at most max_shift, so
 * every shift that can change starts within [min(at) - max, max(at) + max],
 * and pairing a sign-in needs only its successor, at most max later. So we
 * read sessions in [lo - max, hi + max] and compare shifts starting in [lo, hi]. */
#include "roster.h"
#include "roster_pair.h"

#include "events.pb-c.h"
#include "fayuan/log.h"
#include "fayuan/pgarr.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *center, *lawyer;
    int64_t lo, hi; /* sign-in times whose shifts may change */
} s_window_t;

typedef struct {
    s_window_t *win;
    size_t nwin;
    json_t *index;  /* "center\x1flawyer" -> window index */
    json_t *origin; /* external id -> origin_at of its envelope (this batch) */
    outbox_batch_t *events;
    bool retract_pending; /* stage 2 ended with the retraction UPDATE */
} s_state_t;

static const char s_insert_sql[] =
    "INSERT INTO hotline_events (external_id, center, lawyer, sign_in, at) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[], $5::bigint[]) "
    "ON CONFLICT DO NOTHING RETURNING center, lawyer, at";
/* LATERAL, so that each window is an index range scan whatever the
 * planner's statistics say (a plain join over young tables can hash them whole). */
static const char s_sessions_sql[] =
    "SELECT w.center, w.lawyer, e.external_id, e.sign_in, e.at "
    "FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS w(center, lawyer, lo, hi) "
    "CROSS JOIN LATERAL (SELECT h.external_id, h.sign_in, h.at FROM hotline_events h "
    "  WHERE h.center = w.center AND h.lawyer = w.lawyer "
    "    AND h.at BETWEEN w.lo - $5 AND w.hi + $5) e";
static const char s_shifts_sql[] =
    "SELECT w.center, w.lawyer, s.shift_id "
    "FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS w(center, lawyer, lo, hi) "
    "CROSS JOIN LATERAL (SELECT x.shift_id FROM shifts x "
    "  WHERE x.center = w.center AND x.lawyer = w.lawyer "
    "    AND x.started_at BETWEEN w.lo AND w.hi AND x.status = 'completed') s";
static const char s_upsert_sql[] =
    "INSERT INTO shifts (shift_id, center, lawyer, kind, started_at, ended_at, working_hours, "
    "  rule_code, sign_in_id, sign_out_id) "
    "SELECT s.id, s.center, s.lawyer, 'hotline', s.started, s.ended, s.wh, s.code, s.in_id, "
    "       s.out_id "
    "FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bool[], "
    "            $7::text[], $8::text[], $9::text[]) "
    "     AS s(id, center, lawyer, started, ended, wh, code, in_id, out_id) "
    "ON CONFLICT (shift_id) DO UPDATE SET status = 'completed', updated_at = now()";
static const char s_retract_sql[] =
    "UPDATE shifts SET status = 'retracted', updated_at = now() WHERE shift_id = ANY($1::text[]) "
    "RETURNING shift_id, lawyer, center, rule_code, started_at";

static void s_key(char *buf, size_t len, const char *center, const char *lawyer)
{
    snprintf(buf, len, "%s\x1f%s", center, lawyer);
}

static void s_state_free(s_state_t *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->nwin; i++) {
        free(st->win[i].center);
        free(st->win[i].lawyer);
    }
    free(st->win);
    json_decref(st->index);
    json_decref(st->origin);
    free(st);
}

/* Stage 0: store the sessions. */
static db_next_t s_store(consumer_apply_t *a)
{
    s_state_t *st = calloc(1, sizeof *st);
    a->state = st;
    st->index = json_object();
    st->origin = json_object();
    pgarr_t ids, centers, lawyers, ins, ats;
    pgarr_init(&ids);
    pgarr_init(&centers);
    pgarr_init(&lawyers);
    pgarr_init(&ins);
    pgarr_init(&ats);
    size_t n = 0;
    for (size_t i = 0; i < a->n; i++) {
        const Fayuan__Envelope *env = a->evs[i];
        if (strcmp(env->type, "HotlineSession") != 0)
            continue;
        Fayuan__HotlineSession *ev =
            fayuan__hotline_session__unpack(NULL, env->payload.len, env->payload.data);
        if (!ev) {
            log_warn("gateway event %llu undecodable; skipped", (unsigned long long)env->seq);
            continue;
        }
        pgarr_add(&ids, ev->external_id);
        pgarr_add(&centers, env->center);
        pgarr_add(&lawyers, ev->lawyer);
        pgarr_add(&ins, ev->sign_in ? "t" : "f");
        pgarr_add_int(&ats, ev->at);
        json_object_set_new(st->origin, ev->external_id,
                            json_integer(env->origin_at ? env->origin_at : env->recorded_at));
        n++;
        fayuan__hotline_session__free_unpacked(ev, NULL);
    }
    if (n > 0) {
        const char *params[] = {pgarr_str(&ids), pgarr_str(&centers), pgarr_str(&lawyers),
                                pgarr_str(&ins), pgarr_str(&ats)};
        db_job_add(a->job, s_insert_sql, 5, params);
    }
    pgarr_free(&ids);
    pgarr_free(&centers);
    pgarr_free(&lawyers);
    pgarr_free(&ins);
    pgarr_free(&ats);
    return n > 0 ? DB_NEXT : DB_COMMIT;
}

/* Stage 1: windows around the new sessions; read what is in them. */
static db_next_t s_read_windows(roster_t *r, consumer_apply_t *a)
{
    const PGresult *res = db_job_result(a->job, 0);
    if (PQntuples(res) == 0)
        return DB_COMMIT; /* every session was a resend */
    int64_t max = (int64_t)r->max_shift_hours * 3600 * 1000000;
    s_state_t *st = a->state;
    st->win = calloc((size_t)PQntuples(res), sizeof *st->win);
    for (int i = 0; i < PQntuples(res); i++) {
        const char *center = db_value(res, i, 0), *lawyer = db_value(res, i, 1);
        int64_t at = db_int64(res, i, 2);
        char key[160];
        s_key(key, sizeof key, center, lawyer);
        json_t *idx = json_object_get(st->index, key);
        if (idx) {
            s_window_t *w = &st->win[json_integer_value(idx)];
            if (at - max < w->lo)
                w->lo = at - max;
            if (at + max > w->hi)
                w->hi = at + max;
            continue;
        }
        s_window_t *w = &st->win[st->nwin];
        w->center = strdup(center);
        w->lawyer = strdup(lawyer);
        w->lo = at - max;
        w->hi = at + max;
        json_object_set_new(st->index, key, json_integer((json_int_t)st->nwin++));
    }
    pgarr_t centers, lawyers, los, his;
    pgarr_init(&centers);
    pgarr_init(&lawyers);
    pgarr_init(&los);
    pgarr_init(&his);
    for (size_t i = 0; i < st->nwin; i++) {
        pgarr_add(&centers, st->win[i].center);
        pgarr_add(&lawyers, st->win[i].lawyer);
        pgarr_add_int(&los, st->win[i].lo);
        pgarr_add_int(&his, st->win[i].hi);
    }
    char margin[24];
    snprintf(margin, sizeof margin, "%lld", (long long)max);
    const char *params[] = {pgarr_str(&centers), pgarr_str(&lawyers), pgarr_str(&los),
                            pgarr_str(&his), margin};
    db_job_add(a->job, s_sessions_sql, 5, params);
    db_job_add(a->job, s_shifts_sql, 4, params);
    pgarr_free(&centers);
    pgarr_free(&lawyers);
    pgarr_free(&los);
    pgarr_free(&his);
    return DB_NEXT;
}

typedef struct {
    rp_event_t *evs;
    size_t n, cap;
} s_list_t;

/* Stage 2: pair each window again and write the difference. */
static db_next_t s_pair(roster_t *r, consumer_apply_t *a)
{
    s_state_t *st = a->state;
    const PGresult *sessions = db_job_result(a->job, 0);
    const PGresult *standing = db_job_result(a->job, 1);
    int64_t max = (int64_t)r->max_shift_hours * 3600 * 1000000;
    s_list_t *lists = calloc(st->nwin, sizeof *lists);
    for (int i = 0; i < PQntuples(sessions); i++) {
        char key[160];
        s_key(key, sizeof key, db_value(sessions, i, 0), db_value(sessions, i, 1));
        s_list_t *l = &lists[json_integer_value(json_object_get(st->index, key))];
        if (l->n == l->cap) {
            l->cap = l->cap ? l->cap * 2 : 8;
            l->evs = realloc(l->evs, l->cap * sizeof *l->evs);
        }
        l->evs[l->n++] =
            (rp_event_t){db_value(sessions, i, 2), strcmp(db_value(sessions, i, 3), "t") == 0,
                         db_int64(sessions, i, 4)};
    }
    /* Shifts standing now, by id; what the new pairing keeps is removed. */
    json_t *stale = json_object();
    for (int i = 0; i < PQntuples(standing); i++)
        json_object_set_new(stale, db_value(standing, i, 2), json_true());

    pgarr_t ids, centers, lawyers, starts, ends, whs, codes, in_ids, out_ids;
    pgarr_t *cols[] = {&ids, &centers, &lawyers, &starts, &ends, &whs, &codes, &in_ids, &out_ids};
    for (size_t c = 0; c < 9; c++)
        pgarr_init(cols[c]);
    st->events = outbox_batch_new(r->d->outbox);
    size_t nnew = 0;
    for (size_t w = 0; w < st->nwin; w++) {
        s_list_t *l = &lists[w];
        const s_window_t *win = &st->win[w];
        roster_pair_sort(l->evs, l->n);
        rp_pair_t *pairs = calloc(l->n / 2 + 1, sizeof *pairs);
        size_t np = roster_pair(l->evs, l->n, max, pairs);
        for (size_t p = 0; p < np; p++) {
            const rp_event_t *in = &l->evs[pairs[p].in], *out = &l->evs[pairs[p].out];
            if (in->at < win->lo || in->at > win->hi)
                continue; /* outside the part of the window that is decided here */
            char id[160];
            snprintf(id, sizeof id, "%s>%s", in->id, out->id);
            if (json_object_get(stale, id)) {
                json_object_del(stale, id); /* still stands */
                continue;
            }
            bool wh = roster_shift_in_hours(r, in->at, out->at);
            const char *code = wh ? "2.1" : "2.2";
            pgarr_add(&ids, id);
            pgarr_add(&centers, win->center);
            pgarr_add(&lawyers, win->lawyer);
            pgarr_add_int(&starts, in->at);
            pgarr_add_int(&ends, out->at);
            pgarr_add(&whs, wh ? "t" : "f");
            pgarr_add(&codes, code);
            pgarr_add(&in_ids, in->id);
            pgarr_add(&out_ids, out->id);
            nnew++;
            Fayuan__ShiftCompleted ev = FAYUAN__SHIFT_COMPLETED__INIT;
            char source[200];
            snprintf(source, sizeof source, "12348 sign_in %s, sign_out %s", in->id, out->id);
            ev.shift_id = id;
            ev.lawyer = win->lawyer;
            ev.kind = "hotline";
            ev.started_at = in->at;
            ev.ended_at = out->at;
            ev.working_hours = wh;
            ev.rule_code = (char *)code;
            ev.source = source;
            json_int_t o1 = json_integer_value(json_object_get(st->origin, in->id));
            json_int_t o2 = json_integer_value(json_object_get(st->origin, out->id));
            outbox_batch_add_traced(st->events, "ShiftCompleted", win->center, out->at,
                                    o1 > o2 ? o1 : o2, &ev.base);
        }
        free(pairs);
        free(l->evs);
    }
    free(lists);
    if (nnew > 0) {
        const char *params[9];
        for (size_t c = 0; c < 9; c++)
            params[c] = pgarr_str(cols[c]);
        db_job_add(a->job, s_upsert_sql, 9, params);
    }
    for (size_t c = 0; c < 9; c++)
        pgarr_free(cols[c]);
    if (json_object_size(stale) > 0) {
        /* Retractions are written first and their events added after we see
         * the rows (stage 3), so this batch ends with the retract UPDATE and
         * the outbox goes into the next one. */
        pgarr_t gone;
        pgarr_init(&gone);
        const char *key;
        json_t *v;
        json_object_foreach(stale, key, v) pgarr_add(&gone, key);
        const char *params[] = {pgarr_str(&gone)};
        db_job_add(a->job, s_retract_sql, 1, params);
        pgarr_free(&gone);
        json_decref(stale);
        st->retract_pending = true;
        return DB_NEXT;
    }
    json_decref(stale);
    outbox_batch_stage(st->events, a->job);
    return db_job_pending_count(a->job) > 0 ? DB_NEXT : DB_COMMIT;
}

/* Stage 3 (only with retractions): their events, then the outbox. */
static db_next_t s_retracted(consumer_apply_t *a)
{
    s_state_t *st = a->state;
    const PGresult *res = db_job_result(a->job, db_job_nresults(a->job) - 1);
    for (int i = 0; i < PQntuples(res); i++) {
        Fayuan__ShiftRetracted ev = FAYUAN__SHIFT_RETRACTED__INIT;
        ev.shift_id = (char *)db_value(res, i, 0);
        ev.lawyer = (char *)db_value(res, i, 1);
        ev.rule_code = (char *)db_value(res, i, 3);
        ev.started_at = db_int64(res, i, 4);
        ev.reason = "a later 12348 record changed the sign-in/sign-out pairing";
        outbox_batch_add(st->events, "ShiftRetracted", db_value(res, i, 2), ev.started_at,
                         &ev.base);
    }
    outbox_batch_stage(st->events, a->job);
    return db_job_pending_count(a->job) > 0 ? DB_NEXT : DB_COMMIT;
}

db_next_t roster_apply_sessions(consumer_apply_t *a, void *arg)
{
    roster_t *r = arg;
    switch (a->stage) {
    case 0:
        return s_store(a);
    case 1:
        return s_read_windows(r, a);
    case 2:
        return s_pair(r, a);
    case 3: {
        s_state_t *st = a->state;
        /* Stage 3 follows either the outbox insert (done) or the retraction. */
        if (st->events && !st->retract_pending)
            return DB_COMMIT;
        st->retract_pending = false;
        return s_retracted(a);
    }
    default:
        return DB_COMMIT;
    }
}

void roster_finish_sessions(consumer_apply_t *a, bool committed, void *arg)
{
    s_state_t *st = a->state;
    if (!st)
        return;
    outbox_batch_finish(&st->events, a->job, committed);
    s_state_free(st);
    a->state = NULL;
}
