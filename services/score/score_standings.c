/* score_standings — provisional standings. After changes, a center is marked
 * dirty and a timer (tier_delay_ms) coalesces a burst into one recompute:
 * read every ranked member's quarter total, rank them (score_tier), and
 * write and publish TierChanged only where a tier changed. Also the staff
 * commands "standings" (ranked live from the totals) and "stats". */
#include "score.h"

#include "events.pb-c.h"
#include "fayuan/log.h"
#include "fayuan/pgarr.h"
#include "fayuan/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ranked population (members of any pool of the center, active or suspended), their
 * quarter totals and their last published tiers are read as three plain
 * single-table queries and joined here: a join in SQL over freshly loaded,
 * not yet analysed tables can get a nested-loop plan that takes seconds. */
static const char s_members_sql[] =
    "SELECT licence, name FROM lawyers "
    "WHERE center = $1 AND status IN ('active', 'suspended') AND cardinality(pools) > 0";
static const char s_totals_sql[] =
    "SELECT lawyer, points_centi FROM totals WHERE center = $1 AND quarter = $2";
static const char s_tiers_sql[] =
    "SELECT lawyer, tier FROM standings WHERE center = $1 AND quarter = $2";

typedef struct {
    size_t n;
    const char **licence; /* borrowed from the job's results */
    const char **name;
    int64_t *points;
    tier_t *old; /* last published tier */
    int *position;
    tier_t *tier;
} s_ranked_t;

static void s_ranked_add(db_job_t *job, const char *center, const char *quarter)
{
    const char *params[] = {center, quarter};
    db_job_add(job, s_members_sql, 1, params);
    db_job_add(job, s_totals_sql, 2, params);
    db_job_add(job, s_tiers_sql, 2, params);
}

/* Joins the three results of s_ranked_add and ranks the members. */
static void s_ranked_load(const db_job_t *job, const tier_policy_t *policy, s_ranked_t *r)
{
    const PGresult *members = db_job_result(job, 0);
    const PGresult *totals = db_job_result(job, 1);
    const PGresult *tiers = db_job_result(job, 2);
    r->n = (size_t)PQntuples(members);
    r->licence = calloc(r->n + 1, sizeof *r->licence);
    r->name = calloc(r->n + 1, sizeof *r->name);
    r->points = calloc(r->n + 1, sizeof *r->points);
    r->old = calloc(r->n + 1, sizeof *r->old);
    r->position = calloc(r->n + 1, sizeof *r->position);
    r->tier = calloc(r->n + 1, sizeof *r->tier);
    json_t *index = json_object();
    for (size_t i = 0; i < r->n; i++) {
        r->licence[i] = db_value(members, (int)i, 0);
        r->name[i] = db_value(members, (int)i, 1);
        json_object_set_new(index, r->licence[i], json_integer((json_int_t)i));
    }
    for (int i = 0; i < PQntuples(totals); i++) {
        json_t *k = json_object_get(index, db_value(totals, i, 0));
        if (k)
            r->points[json_integer_value(k)] = db_int64(totals, i, 1);
    }
    for (int i = 0; i < PQntuples(tiers); i++) {
        json_t *k = json_object_get(index, db_value(tiers, i, 0));
        if (k)
            r->old[json_integer_value(k)] = tier_parse(db_value(tiers, i, 1));
    }
    json_decref(index);
    tier_compute(r->points, r->n, policy, r->position, r->tier);
}

static void s_ranked_free(s_ranked_t *r)
{
    free(r->licence);
    free(r->name);
    free(r->points);
    free(r->old);
    free(r->position);
    free(r->tier);
}

static const char s_upsert_sql[] =
    "INSERT INTO standings (center, quarter, lawyer, points_centi, position, ranked, tier) "
    "SELECT $1, $2, * FROM unnest($3::text[], $4::bigint[], $5::int[], $6::int[], $7::text[]) "
    "ON CONFLICT (center, quarter, lawyer) DO UPDATE SET points_centi = excluded.points_centi, "
    "  position = excluded.position, ranked = excluded.ranked, tier = excluded.tier, "
    "  updated_at = now()";

json_t *score_points_json(int64_t centi)
{
    if (centi % 100 == 0)
        return json_integer((json_int_t)(centi / 100));
    return json_real((double)centi / 100.0);
}

/* ---- recompute ---------------------------------------------------------- */

typedef struct {
    score_t *s;
    score_board_t *board;
    int64_t *origins; /* events this recompute covers, for ripple latency */
    size_t norigins;
    outbox_batch_t *events;
    score_change_t *changes; /* copies of the board's, for after commit */
    size_t nchanges;
} s_recompute_t;

static void s_schedule(score_t *s, int delay_ms)
{
    struct timeval tv = {delay_ms / 1000, (delay_ms % 1000) * 1000};
    if (!evtimer_pending(s->ev_recompute, NULL))
        evtimer_add(s->ev_recompute, &tv);
}

void score_mark_dirty(score_t *s, const char *center)
{
    json_object_set_new(s->dirty, center, json_true());
    if (!s->recomputing)
        s_schedule(s, s->tier_delay_ms);
}

static score_board_t *s_board_find(score_t *s, const char *center)
{
    for (size_t i = 0; i < s->nboards; i++)
        if (strcmp(score_board_center(s->boards[i]), center) == 0)
            return s->boards[i];
    return NULL;
}

/* A fresh, unloaded board for the center (a new quarter, or the first time). */
static score_board_t *s_board_reset(score_t *s, const char *center, const char *quarter)
{
    for (size_t i = 0; i < s->nboards; i++) {
        if (strcmp(score_board_center(s->boards[i]), center) == 0) {
            score_board_destroy(&s->boards[i]);
            s->boards[i] = score_board_new(center, quarter);
            return s->boards[i];
        }
    }
    s->boards = realloc(s->boards, (s->nboards + 1) * sizeof *s->boards);
    s->boards[s->nboards] = score_board_new(center, quarter);
    return s->boards[s->nboards++];
}

void score_board_update_points(score_t *s, const PGresult *res)
{
    for (int i = 0; i < PQntuples(res); i++) {
        score_board_t *b = s_board_find(s, db_value(res, i, 0));
        if (b && strcmp(score_board_quarter(b), db_value(res, i, 1)) == 0)
            score_board_set_points(b, db_value(res, i, 2), db_int64(res, i, 3));
    }
}

void score_board_update_members(score_t *s, const PGresult *res)
{
    for (int i = 0; i < PQntuples(res); i++) {
        score_board_t *b = s_board_find(s, db_value(res, i, 0));
        if (b)
            score_board_set_member(b, db_value(res, i, 1), strcmp(db_value(res, i, 2), "t") == 0);
    }
}

static void s_start_next(score_t *s);

static void s_record_latency(score_t *s, const int64_t *origins, size_t n)
{
    int64_t now = time_now_us();
    for (size_t i = 0; i < n; i++) {
        s->lat[s->latpos] = now - origins[i];
        s->latpos = (s->latpos + 1) % SCORE_LAT_SAMPLES;
        if (s->nlat < SCORE_LAT_SAMPLES)
            s->nlat++;
    }
}

void score_wait(score_t *s, int64_t origin_at)
{
    if (s->nwaiting == s->capwaiting) {
        s->capwaiting = s->capwaiting ? s->capwaiting * 2 : 1024;
        s->waiting = realloc(s->waiting, s->capwaiting * sizeof *s->waiting);
        if (!s->waiting)
            abort();
    }
    s->waiting[s->nwaiting++] = origin_at;
}

static void s_give_back(score_t *s, s_recompute_t *rc)
{
    for (size_t i = 0; i < rc->norigins; i++)
        score_wait(s, rc->origins[i]);
}

static void s_recompute_end(s_recompute_t *rc, bool ok)
{
    score_t *s = rc->s;
    if (ok) {
        s->m_recomputes++;
        s->m_tier_changes += rc->nchanges;
        s_record_latency(s, rc->origins, rc->norigins);
    } else {
        json_object_set_new(s->dirty, score_board_center(rc->board), json_true());
        s_give_back(s, rc); /* still measured, by the retry */
    }
    for (size_t i = 0; i < rc->nchanges; i++)
        free((char *)rc->changes[i].licence);
    free(rc->changes);
    free(rc->origins);
    free(rc);
    s->recomputing = false;
    if (!ok)
        s_schedule(s, 500);
    else
        s_start_next(s);
}

static void s_publish_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    s_recompute_t *rc = arg;
    outbox_batch_finish(&rc->events, job, committed);
    if (committed) {
        for (size_t i = 0; i < rc->nchanges; i++)
            score_board_set_tier(rc->board, rc->changes[i].licence, rc->changes[i].new_tier);
    } else {
        log_warn("publishing tiers of %s failed: %s; will retry", score_board_center(rc->board),
                 error ? error : "?");
    }
    s_recompute_end(rc, committed);
}

/* Ranks the board; writes and publishes the tiers that changed, if any. */
static void s_rank(s_recompute_t *rc)
{
    score_t *s = rc->s;
    score_change_t *changes;
    size_t n = score_board_rank(rc->board, &s->policy, &changes);
    if (n == 0) {
        s_recompute_end(rc, true);
        return;
    }
    int ranked = (int)score_board_members(rc->board);
    const char *center = score_board_center(rc->board);
    const char *quarter = score_board_quarter(rc->board);
    rc->changes = calloc(n, sizeof *rc->changes);
    rc->nchanges = n;
    rc->events = outbox_batch_new(s->d->outbox);
    int64_t origin = 0;
    for (size_t i = 0; i < rc->norigins; i++)
        if (origin == 0 || rc->origins[i] < origin)
            origin = rc->origins[i];
    pgarr_t lawyers, pts, pos, nranked, tiers;
    pgarr_init(&lawyers);
    pgarr_init(&pts);
    pgarr_init(&pos);
    pgarr_init(&nranked);
    pgarr_init(&tiers);
    for (size_t i = 0; i < n; i++) {
        const score_change_t *c = &changes[i];
        rc->changes[i] = *c;
        rc->changes[i].licence = strdup(c->licence);
        pgarr_add(&lawyers, c->licence);
        pgarr_add_int(&pts, c->points);
        pgarr_add_int(&pos, c->position);
        pgarr_add_int(&nranked, ranked);
        pgarr_add(&tiers, tier_name(c->new_tier));
        Fayuan__TierChanged ev = FAYUAN__TIER_CHANGED__INIT;
        ev.lawyer = (char *)c->licence;
        ev.quarter = (char *)quarter;
        ev.old_tier = (char *)tier_name(c->old_tier);
        ev.new_tier = (char *)tier_name(c->new_tier);
        ev.points_centi = c->points;
        ev.position = c->position;
        ev.ranked = ranked;
        ev.final = false;
        outbox_batch_add_traced(rc->events, "TierChanged", center, time_now_us(), origin, &ev.base);
    }
    const char *params[] = {center,           quarter,         pgarr_str(&lawyers),
                            pgarr_str(&pts),  pgarr_str(&pos), pgarr_str(&nranked),
                            pgarr_str(&tiers)};
    db_job_t *job = db_job_new(s->d->db, NULL, s_publish_done, rc);
    db_job_add(job, s_upsert_sql, 7, params);
    outbox_batch_stage(rc->events, job);
    db_job_submit(job);
    pgarr_free(&lawyers);
    pgarr_free(&pts);
    pgarr_free(&pos);
    pgarr_free(&nranked);
    pgarr_free(&tiers);
}

/* The board was not loaded (start, new quarter): read it, then rank. */
static void s_load_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    s_recompute_t *rc = arg;
    if (!committed) {
        log_warn("loading standings of %s failed: %s; will retry", score_board_center(rc->board),
                 error ? error : "?");
        s_recompute_end(rc, false);
        return;
    }
    const PGresult *members = db_job_result(job, 0);
    const PGresult *totals = db_job_result(job, 1);
    const PGresult *tiers = db_job_result(job, 2);
    for (int i = 0; i < PQntuples(members); i++)
        score_board_set_member(rc->board, db_value(members, i, 0), true);
    for (int i = 0; i < PQntuples(totals); i++)
        score_board_set_points(rc->board, db_value(totals, i, 0), db_int64(totals, i, 1));
    for (int i = 0; i < PQntuples(tiers); i++)
        score_board_set_tier(rc->board, db_value(tiers, i, 0), tier_parse(db_value(tiers, i, 1)));
    score_board_set_loaded(rc->board);
    s_rank(rc);
}

static void s_start_next(score_t *s)
{
    if (s->recomputing)
        return;
    void *iter = json_object_iter(s->dirty);
    if (!iter)
        return;
    char center[64], quarter[8];
    snprintf(center, sizeof center, "%s", json_object_iter_key(iter));
    json_object_del(s->dirty, center);
    time_quarter_of(time_now_us(), s->d->cfg.utc_offset, quarter, sizeof quarter);
    s_recompute_t *rc = calloc(1, sizeof *rc);
    rc->s = s;
    /* Every applied event so far is covered by this recompute once it ends. */
    rc->origins = s->waiting;
    rc->norigins = s->nwaiting;
    s->waiting = NULL;
    s->nwaiting = s->capwaiting = 0;
    s->recomputing = true;
    score_board_t *board = s_board_find(s, center);
    if (board && strcmp(score_board_quarter(board), quarter) == 0 && score_board_loaded(board)) {
        rc->board = board;
        s_rank(rc);
        return;
    }
    rc->board = s_board_reset(s, center, quarter);
    db_job_t *job = db_job_new(s->d->db, NULL, s_load_done, rc);
    s_ranked_add(job, center, quarter);
    db_job_submit(job);
}

static void s_on_timer(evutil_socket_t fd, short what, void *arg)
{
    s_start_next(arg);
}

void score_standings_init(score_t *s)
{
    s->dirty = json_object();
    s->ev_recompute = evtimer_new(s->d->base, s_on_timer, s);
    s->lat = calloc(SCORE_LAT_SAMPLES, sizeof *s->lat);
}

void score_standings_fini(score_t *s)
{
    for (size_t i = 0; i < s->nboards; i++)
        score_board_destroy(&s->boards[i]);
    free(s->boards);
    if (s->ev_recompute)
        event_free(s->ev_recompute);
    json_decref(s->dirty);
    free(s->waiting);
    free(s->lat);
}

/* ---- commands ----------------------------------------------------------- */

typedef struct {
    score_t *s;
    bus_ctl_req_t *req;
    char center[64];
    char quarter[8];
} s_query_t;

typedef struct {
    int64_t points;
    int position;
    tier_t tier;
    const char *licence, *name;
} s_member_t;

static int s_by_position(const void *a, const void *b)
{
    const s_member_t *x = a, *y = b;
    if (x->position != y->position)
        return x->position - y->position;
    return strcmp(x->licence, y->licence);
}

static void s_standings_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    s_query_t *q = arg;
    const PGresult *res = db_job_result(job, 0);
    if (!committed || !res) {
        bus_ctl_reply_error(q->req, "db_error", "查询失败，请稍后重试");
        free(q);
        return;
    }
    s_ranked_t r;
    s_ranked_load(job, &q->s->policy, &r);
    size_t n = r.n;
    s_member_t *m = calloc(n + 1, sizeof *m);
    for (size_t i = 0; i < n; i++)
        m[i] = (s_member_t){r.points[i], r.position[i], r.tier[i], r.licence[i], r.name[i]};
    qsort(m, n, sizeof *m, s_by_position);
    json_t *members = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(members,
                              json_pack("{s:s, s:s, s:o, s:i, s:s}", "licence", m[i].licence,
                                        "name", m[i].name, "points", score_points_json(m[i].points),
                                        "position", m[i].position, "tier", tier_name(m[i].tier)));
    json_t *body = json_pack("{s:s, s:s, s:b, s:o}", "center", q->center, "quarter", q->quarter,
                             "final", false, "members", members);
    bus_ctl_reply_json(q->req, body);
    s_ranked_free(&r);
    free(m);
    free(q);
}

void score_cmd_standings(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    s_query_t *q = calloc(1, sizeof *q);
    q->s = s;
    q->req = req;
    const char *center = NULL, *quarter = NULL;
    for (size_t i = 0; i < cmd->n_args; i++) {
        if (strcmp(cmd->args[i]->key, "center") == 0)
            center = cmd->args[i]->value;
        else if (strcmp(cmd->args[i]->key, "quarter") == 0)
            quarter = cmd->args[i]->value;
    }
    snprintf(q->center, sizeof q->center, "%s", center && *center ? center : s->d->cfg.center);
    int y, qq;
    if (quarter && *quarter) {
        if (time_quarter_parse(quarter, &y, &qq) != 0) {
            bus_ctl_reply_error(req, "invalid_quarter", "季度格式应为 2026Q4");
            free(q);
            return;
        }
        snprintf(q->quarter, sizeof q->quarter, "%04dQ%d", y, qq);
    } else {
        time_quarter_of(time_now_us(), s->d->cfg.utc_offset, q->quarter, sizeof q->quarter);
    }
    db_job_t *job = db_job_new(s->d->db, NULL, s_standings_done, q);
    s_ranked_add(job, q->center, q->quarter);
    db_job_submit(job);
}

static int s_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

void score_cmd_stats(score_t *s, bus_ctl_req_t *req)
{
    int64_t *sorted = malloc((s->nlat + 1) * sizeof *sorted);
    memcpy(sorted, s->lat, s->nlat * sizeof *sorted);
    qsort(sorted, s->nlat, sizeof *sorted, s_cmp_i64);
    double p50 = s->nlat ? (double)sorted[s->nlat / 2] / 1000.0 : 0;
    double p99 = s->nlat ? (double)sorted[(s->nlat * 99) / 100] / 1000.0 : 0;
    double pmax = s->nlat ? (double)sorted[s->nlat - 1] / 1000.0 : 0;
    free(sorted);
    json_t *body = json_pack(
        "{s:I, s:f, s:f, s:f, s:I, s:I, s:I, s:I, s:I}", "ripple_samples", (json_int_t)s->nlat,
        "ripple_p50_ms", p50, "ripple_p99_ms", p99, "ripple_max_ms", pmax, "events_applied",
        (json_int_t)s->m_entries, "recomputes", (json_int_t)s->m_recomputes, "tier_changes",
        (json_int_t)s->m_tier_changes, "roster_seq", (json_int_t)consumer_last_seq(s->roster),
        "registry_seq", (json_int_t)consumer_last_seq(s->registry));
    bus_ctl_reply_json(req, body);
}
