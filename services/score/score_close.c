/* score_close — quarter close (clause 12; RULES.md, Policy — ranking and
 * dates), the frozen lists, and the red-list sanctions of clauses 13 and 28.
 *
 * Closing a quarter is one transaction (one db job): check that it may be
 * closed (it has ended, it is not closed, no later one is); read the ranked
 * population (every member of a pool, active or suspended: RULES.md ranks
 * all but those suspended for the whole quarter, and no suspension lasts
 * that long), the quarter's totals, the red lines of the quarter before and
 * the open red-list sanctions, each as a single-table read joined here (see
 * score_standings.c for why); rank (score_tier); ask score_sanction what is
 * due; then write closed_quarters, the frozen list and the sanctions, and in
 * the outbox a final TierChanged per ranked member, QuarterClosed, and a
 * SanctionDue per new sanction. A final TierChanged assigns the one frozen
 * tier of the quarter, so its old_tier is "" (the provisional tiers are
 * another series, published while the quarter ran). Jobs run one at a time,
 * so no ledger entry commits between the reads and the close: an entry
 * applied afterwards sees the quarter closed and counts in the current one
 * (score_apply.c, score_ledger.c).
 *
 * Staff close by command, through ctlcmd (a repeated request id gets the
 * first answer, refusals included). A timer closes the default center's
 * previous quarter close_after_hours after it ended: it checks on start,
 * then at the due time or hourly, whichever comes first, and closes only
 * once scored has applied every event that the services it follows
 * (registry, roster, assign, gateway) had committed when it first looked: a
 * restarted scored catches up before it freezes a list from its read-models
 * and totals.
 *
 * Also the commands tiers (a frozen list), sanctions (the list) and
 * sanction_decide (staff record rectified / refused). */
#include "score.h"
#include "score_sanction.h"

#include "events.pb-c.h"
#include "fayuan/ctlcmd.h"
#include "fayuan/log.h"
#include "fayuan/pgarr.h"
#include "fayuan/timeutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US_PER_HOUR (INT64_C(3600) * TIME_US_PER_SEC)
#define CHECK_RETRY_US (TIME_US_PER_SEC)     /* waiting for the consumers */
#define FAIL_RETRY_US (60 * TIME_US_PER_SEC) /* after a failed job */

/* What staff read (zh-CN). */
static const char s_msg_bad_quarter[] = "季度格式应为 2026Q4";
static const char s_msg_no_quarter[] = "请指定季度，例如 --quarter 2026Q3";
static const char s_msg_not_ended[] = "%s 尚未结束（%s 结束），不能结算";
static const char s_msg_closed[] = "%s 已于 %s 结算，季末清单已冻结，不能重复结算";
static const char s_msg_later_closed[] = "已结算较晚的季度 %s，不能再结算更早的 %s";
static const char s_msg_empty_pool[] = "中心 %s 没有在库律师，没有可冻结的清单；%s 保持未结算";
static const char s_msg_not_closed[] = "%s 尚未结算，没有季末清单（实时排名请用 standings）";
static const char s_msg_db[] = "查询失败，请稍后重试";
static const char s_msg_bad_id[] = "处理编号应为正整数";
static const char s_msg_bad_decision[] = "整改结果应为 rectified（已整改）或 refused（拒不整改）";
static const char s_msg_no_sanction[] = "没有编号为 %s 的处理";
static const char s_msg_not_decidable[] = "处理 #%s 为%s，当前状态：%s；不能再记录整改结果";
static const char s_reason_suspend[] =
    "%s、%s 连续两个季度列入红色等级（第 %d/%d 名、第 %d/%d 名）。依第13条暂停值班和办案一个月"
    "（至 %s），并责令整改";
static const char s_reason_reoffended[] =
    "暂停期满恢复后的第一个季度 %s 再次列入红色等级（第 %d/%d 名；此前处理 #%" PRId64
    "）。依第13条、第28条清退出库，三年内不得再申请加入";
static const char s_reason_refused_cases[] =
    "因案件质量被暂停指派案件并责令整改（第25条第3项；处理 #%" PRId64
    "），拒不整改。依第28条清退出库，三年内不得再申请加入";
static const char s_reason_refused[] =
    "因连续两个季度列入红色等级被暂停并责令整改（处理 #%" PRId64
    "），拒不整改。依第13条、第28条清退出库，三年内不得再申请加入";

/* The producers scored follows (main.c), whose heads the automatic close
 * waits for, and how to read each head. */
#define NPRODUCERS 4
static const char *const s_producers[NPRODUCERS] = {"registry", "roster", "assign", "gateway"};
static const char *const s_head_sql[NPRODUCERS] = {
    "SELECT seq FROM registry.outbox_head", "SELECT seq FROM roster.outbox_head",
    "SELECT seq FROM assign.outbox_head", "SELECT seq FROM gateway.outbox_head"};

struct score_close {
    bool busy;        /* a check or an automatic close is in flight */
    bool barrier_set; /* producers' heads seen while barrier_quarter was due */
    char barrier_quarter[8];
    int64_t barrier[NPRODUCERS];
};

/* ---- small helpers --------------------------------------------------------- */

static void s_quarter_label(int y, int q, char *buf, size_t len)
{
    while (q < 1) {
        q += 4;
        y--;
    }
    while (q > 4) {
        q -= 4;
        y++;
    }
    /* years 1900..2999 (time_quarter_parse): four digits */
    snprintf(buf, len, "%04uQ%c", (unsigned)y % 10000u, (char)('0' + q));
}

static void s_local_date(int64_t us, int offset, char *buf, size_t len)
{
    int y, m, d;
    time_local(us, offset, &y, &m, &d, NULL);
    snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
}

/* licence -> row number, open addressing; keys are borrowed. A slot keeps
 * the key's hash, so a probe compares strings only when the hashes match. */
typedef struct {
    const char **keys;
    uint64_t *hashes;
    int *rows;
    size_t mask;
} s_index_t;

static uint64_t s_hash(const char *s)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
    return h ^ (h >> 29);
}

static void s_index_init(s_index_t *x, size_t n)
{
    size_t cap = 64;
    while (cap < 2 * n)
        cap *= 2;
    x->keys = calloc(cap, sizeof *x->keys);
    x->hashes = malloc(cap * sizeof *x->hashes);
    x->rows = malloc(cap * sizeof *x->rows);
    x->mask = cap - 1;
}

/* Keys are unique (a primary key's values). */
static void s_index_put(s_index_t *x, const char *key, int row)
{
    uint64_t h = s_hash(key);
    size_t i = h & x->mask;
    while (x->keys[i])
        i = (i + 1) & x->mask;
    x->keys[i] = key;
    x->hashes[i] = h;
    x->rows[i] = row;
}

static int s_index_get(const s_index_t *x, const char *key)
{
    uint64_t h = s_hash(key);
    size_t i = h & x->mask;
    while (x->keys[i]) {
        if (x->hashes[i] == h && strcmp(x->keys[i], key) == 0)
            return x->rows[i];
        i = (i + 1) & x->mask;
    }
    return -1;
}

static void s_index_free(s_index_t *x)
{
    free(x->keys);
    free(x->hashes);
    free(x->rows);
}

/* ---- new sanctions (close and decide) ------------------------------------ */

typedef struct {
    char *lawyer, *name, *reason;
    sanction_kind_t kind;
    const char *rule;
    json_t *records;
    int64_t cause; /* a removal: the suspension it follows; 0 if none */
    int64_t until;
    int64_t id; /* once inserted */
} s_new_t;

static json_t *s_record_json(const sanction_record_t *r)
{
    return json_pack("{s:s, s:i, s:i, s:s, s:o}", "quarter", r->quarter, "position", r->position,
                     "ranked", r->ranked, "tier", tier_name(r->tier), "points",
                     score_points_json(r->points));
}

static void s_news_free(s_new_t *news, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(news[i].lawyer);
        free(news[i].name);
        free(news[i].reason);
        json_decref(news[i].records);
    }
    free(news);
}

static const char s_insert_sanctions_sql[] =
    "INSERT INTO sanctions (center, lawyer, name, kind, rule, reason, records, status, quarter, "
    "  cause, starts_at, until) "
    "SELECT $1, l, nm, k, r, rs, rec::jsonb, CASE k WHEN 'remove' THEN 'due' ELSE 'ordered' END, "
    "       $2, c, $3, u "
    "FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], "
    "            $10::bigint[], $11::bigint[]) AS x(l, nm, k, r, rs, rec, c, u) "
    "ON CONFLICT DO NOTHING RETURNING id, lawyer, kind";

static void s_news_stage(db_job_t *job, const char *center, const char *quarter, int64_t now,
                         const s_new_t *news, size_t n)
{
    pgarr_t cols[8];
    for (int k = 0; k < 8; k++)
        pgarr_init(&cols[k]);
    for (size_t i = 0; i < n; i++) {
        char *rec = json_dumps(news[i].records, JSON_COMPACT);
        pgarr_add(&cols[0], news[i].lawyer);
        pgarr_add(&cols[1], news[i].name);
        pgarr_add(&cols[2], sanction_kind_name(news[i].kind));
        pgarr_add(&cols[3], news[i].rule);
        pgarr_add(&cols[4], news[i].reason);
        pgarr_add(&cols[5], rec);
        if (news[i].cause)
            pgarr_add_int(&cols[6], news[i].cause);
        else
            pgarr_add(&cols[6], NULL);
        pgarr_add_int(&cols[7], news[i].until);
        free(rec);
    }
    char at[24];
    snprintf(at, sizeof at, "%" PRId64, now);
    const char *params[11] = {center, quarter, at};
    for (int k = 0; k < 8; k++)
        params[3 + k] = pgarr_str(&cols[k]);
    db_job_add(job, s_insert_sanctions_sql, 11, params);
    for (int k = 0; k < 8; k++)
        pgarr_free(&cols[k]);
}

/* Matches the ids the insert returned to the new sanctions (by lawyer and kind). */
static void s_news_ids(s_new_t *news, size_t n, const PGresult *res)
{
    for (int r = 0; res && r < PQntuples(res); r++)
        for (size_t i = 0; i < n; i++)
            if (strcmp(news[i].lawyer, db_value(res, r, 1)) == 0 &&
                sanction_kind_parse(db_value(res, r, 2)) == news[i].kind)
                news[i].id = db_int64(res, r, 0);
}

/* The records of a sanction as the event carries them:
 * "frozen:2026Q3:19/20:red", "sanction:12:refused". */
static void s_add_sanction_due(outbox_batch_t *b, const char *center, int64_t at, const s_new_t *ns)
{
    size_t n = json_array_size(ns->records);
    char **recs = calloc(n + 1, sizeof *recs);
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(ns->records, i);
        char buf[128];
        if (json_object_get(r, "sanction"))
            snprintf(buf, sizeof buf, "sanction:%" PRId64 ":%s",
                     (int64_t)json_integer_value(json_object_get(r, "sanction")),
                     json_string_value(json_object_get(r, "status")) ?: "");
        else
            snprintf(buf, sizeof buf, "frozen:%s:%" PRId64 "/%" PRId64 ":%s",
                     json_string_value(json_object_get(r, "quarter")) ?: "",
                     (int64_t)json_integer_value(json_object_get(r, "position")),
                     (int64_t)json_integer_value(json_object_get(r, "ranked")),
                     json_string_value(json_object_get(r, "tier")) ?: "");
        recs[i] = strdup(buf);
    }
    char id[24];
    snprintf(id, sizeof id, "%" PRId64, ns->id);
    Fayuan__SanctionDue ev = FAYUAN__SANCTION_DUE__INIT;
    ev.sanction_id = id;
    ev.lawyer = ns->lawyer;
    ev.kind = (char *)sanction_kind_name(ns->kind);
    ev.rule = (char *)ns->rule;
    ev.reason = ns->reason;
    ev.n_records = n;
    ev.records = recs;
    ev.until = ns->until;
    outbox_batch_add(b, "SanctionDue", center, at, &ev.base);
    for (size_t i = 0; i < n; i++)
        free(recs[i]);
    free(recs);
}

/* ---- the close -------------------------------------------------------------- */

typedef struct {
    score_t *s;
    ctlcmd_t *cmd; /* a staff command; NULL for the timer */
    bool automatic;
    char center[64];
    char quarter[8];
    char prev[8]; /* the calendar quarter before */
    int year, q;
    int64_t now; /* the instant of the close */
    int stage;   /* the timer's job: its own stage count */
    bool ran;    /* a step ran (not a replayed request id) */
    bool refused, closed, prev_closed;
    char code[32];
    char message[256];
    size_t ranked;
    int green, blue, red;
    s_new_t *news;
    size_t nnews;
    int news_index; /* result index of the sanctions insert; -1 if none */
    outbox_batch_t *events;
    /* The final TierChanged events are packed while the database writes the
     * frozen list (the loop is idle then), from copies of what they need:
     * the read results are freed once the step that ranked them returns. */
    struct event *ev_pack;
    bool packed;
    char *arena; /* the licences, NUL-separated */
    const char **licence;
    int64_t *points;
    int *position;
    tier_t *tier;
} s_close_t;

static const char s_closed_list_sql[] =
    "SELECT quarter, (extract(epoch FROM closed_at) * 1000000)::bigint FROM closed_quarters "
    "WHERE center = $1";
static const char s_members_sql[] = "SELECT licence, name FROM lawyers "
                                    "WHERE center = $1 AND status IN ('active', 'suspended') "
                                    "AND cardinality(pools) > 0";
static const char s_totals_sql[] =
    "SELECT lawyer, points_centi FROM totals WHERE center = $1 AND quarter = $2";
static const char s_prev_red_sql[] =
    "SELECT lawyer, position, ranked, points_centi FROM frozen_tiers "
    "WHERE center = $1 AND quarter = $2 AND tier = 'red'";
static const char s_open_sql[] =
    "SELECT id, lawyer, kind, status, until, watch_quarter IS NOT NULL, records::text, name "
    "FROM sanctions WHERE center = $1 AND kind IN ('suspend_all', 'remove') "
    "AND status IN ('ordered', 'rectified', 'due')";
static const char s_insert_closed_sql[] =
    "INSERT INTO closed_quarters (center, quarter, ranked, green, blue, red, closed_by) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";
static const char s_insert_frozen_sql[] =
    "INSERT INTO frozen_tiers (center, quarter, lawyer, name, points_centi, position, ranked, "
    "  tier) "
    "SELECT $1, $2, l, nm, p, pos, $3, t "
    "FROM unnest($4::text[], $5::text[], $6::bigint[], $7::int[], $8::text[]) "
    "     AS u(l, nm, p, pos, t)";
static const char s_update_sanctions_sql[] =
    "UPDATE sanctions s SET status = u.status, watch_quarter = $1, updated_at = now() "
    "FROM unnest($2::bigint[], $3::text[]) AS u(id, status) WHERE s.id = u.id";

static s_close_t *s_close_new(score_t *s, const char *center, int y, int q, bool automatic)
{
    s_close_t *c = calloc(1, sizeof *c);
    c->s = s;
    c->automatic = automatic;
    snprintf(c->center, sizeof c->center, "%s", center);
    c->year = y;
    c->q = q;
    s_quarter_label(y, q, c->quarter, sizeof c->quarter);
    s_quarter_label(y, q - 1, c->prev, sizeof c->prev);
    c->now = time_now_us();
    c->news_index = -1;
    return c;
}

static void s_pack_free(s_close_t *c)
{
    free(c->arena);
    free(c->licence);
    free(c->points);
    free(c->position);
    free(c->tier);
    c->arena = NULL;
    c->licence = NULL;
    c->points = NULL;
    c->position = NULL;
    c->tier = NULL;
}

static void s_close_free(s_close_t *c)
{
    if (c->ev_pack)
        event_free(c->ev_pack);
    s_pack_free(c);
    s_news_free(c->news, c->nnews);
    free(c);
}

/* A refusal: nothing is written except, for a command, the answer under its
 * request id. */
static db_next_t s_refuse(s_close_t *c, db_job_t *job, const char *code, const char *message)
{
    c->refused = true;
    snprintf(c->code, sizeof c->code, "%s", code);
    snprintf(c->message, sizeof c->message, "%s", message);
    if (!c->cmd)
        return DB_COMMIT;
    ctlcmd_set_reply_error(c->cmd, code, message);
    ctlcmd_stage_reply(c->cmd, job);
    return db_job_pending_count(job) > 0 ? DB_NEXT : DB_COMMIT;
}

/* Stage 1: may the quarter be closed? Then read what the close needs. */
static db_next_t s_close_check(s_close_t *c, db_job_t *job)
{
    const PGresult *res = db_job_result(job, 0);
    char msg[256], when[32];
    for (int i = 0; i < PQntuples(res); i++) {
        const char *q = db_value(res, i, 0);
        if (strcmp(q, c->quarter) == 0) {
            s_local_date(db_int64(res, i, 1), c->s->d->cfg.utc_offset, when, sizeof when);
            snprintf(msg, sizeof msg, s_msg_closed, c->quarter, when);
            return s_refuse(c, job, "already_closed", msg);
        }
        if (strcmp(q, c->quarter) > 0) {
            snprintf(msg, sizeof msg, s_msg_later_closed, q, c->quarter);
            return s_refuse(c, job, "later_quarter_closed", msg);
        }
        if (strcmp(q, c->prev) == 0)
            c->prev_closed = true;
    }
    const char *p2[] = {c->center, c->quarter};
    const char *pp[] = {c->center, c->prev};
    db_job_add(job, s_members_sql, 1, p2);
    db_job_add(job, s_totals_sql, 2, p2);
    db_job_add(job, s_prev_red_sql, 2, pp);
    db_job_add(job, s_open_sql, 1, p2);
    return DB_NEXT;
}

/* One lawyer's sanction question; adds what is due to c->news and the open
 * sanction's change to the update arrays. */
static void s_close_sanction(s_close_t *c, const sanction_record_t *cur,
                             const sanction_record_t *prev, const sanction_state_t *open,
                             const char *lawyer, const char *name, json_t *open_records,
                             pgarr_t *upd_ids, pgarr_t *upd_status)
{
    sanction_outcome_t out;
    sanction_at_close(cur, prev, open, c->now, c->s->d->cfg.utc_offset, &out);
    if (open && out.changed) {
        pgarr_add_int(upd_ids, open->id);
        pgarr_add(upd_status, sanction_status_name(out.status));
    }
    if (out.due == SANCTION_KIND_NONE)
        return;
    c->news = realloc(c->news, (c->nnews + 1) * sizeof *c->news);
    s_new_t *ns = &c->news[c->nnews++];
    memset(ns, 0, sizeof *ns);
    ns->lawyer = strdup(lawyer);
    ns->name = strdup(name ? name : "");
    ns->kind = out.due;
    ns->rule = out.rule;
    ns->until = out.until;
    ns->records = json_array();
    char buf[512];
    if (out.due == SANCTION_SUSPEND_ALL) {
        char until[16];
        s_local_date(out.until, c->s->d->cfg.utc_offset, until, sizeof until);
        const sanction_record_t *a = &out.records[0], *b = &out.records[1];
        snprintf(buf, sizeof buf, s_reason_suspend, a->quarter, b->quarter, a->position, a->ranked,
                 b->position, b->ranked, until);
    } else {
        /* Red in the first quarter after a suspension: name the suspension
         * and what triggered it, then this quarter's line. */
        ns->cause = open ? open->id : 0;
        size_t i;
        json_t *r;
        json_array_foreach(open_records, i, r)
        {
            if (!json_object_get(r, "sanction"))
                json_array_append(ns->records, r);
        }
        json_array_append_new(ns->records,
                              json_pack("{s:I, s:s}", "sanction", (json_int_t)ns->cause, "status",
                                        sanction_status_name(out.status)));
        snprintf(buf, sizeof buf, s_reason_reoffended, cur->quarter, cur->position, cur->ranked,
                 ns->cause);
    }
    for (size_t i = 0; i < out.nrecords; i++)
        json_array_append_new(ns->records, s_record_json(&out.records[i]));
    ns->reason = strdup(buf);
}

static void s_record_of(sanction_record_t *r, const char *quarter, tier_t tier, int position,
                        int ranked, int64_t points)
{
    snprintf(r->quarter, sizeof r->quarter, "%s", quarter);
    r->tier = tier;
    r->position = position;
    r->ranked = ranked;
    r->points = points;
}

/* A final TierChanged for every ranked member, then QuarterClosed. */
static void s_pack_events(s_close_t *c)
{
    if (c->packed)
        return;
    c->packed = true;
    c->events = outbox_batch_new(c->s->d->outbox);
    for (size_t i = 0; i < c->ranked; i++) {
        Fayuan__TierChanged ev = FAYUAN__TIER_CHANGED__INIT;
        ev.lawyer = (char *)c->licence[i];
        ev.quarter = c->quarter;
        ev.old_tier = (char *)"";
        ev.new_tier = (char *)tier_name(c->tier[i]);
        ev.points_centi = c->points[i];
        ev.position = c->position[i];
        ev.ranked = (int32_t)c->ranked;
        ev.final = true;
        outbox_batch_add(c->events, "TierChanged", c->center, c->now, &ev.base);
    }
    Fayuan__QuarterClosed qc = FAYUAN__QUARTER_CLOSED__INIT;
    qc.quarter = c->quarter;
    qc.ranked = (int32_t)c->ranked;
    qc.green = c->green;
    qc.blue = c->blue;
    qc.red = c->red;
    qc.closed_at = c->now;
    outbox_batch_add(c->events, "QuarterClosed", c->center, c->now, &qc.base);
    s_pack_free(c);
}

static void s_on_pack(evutil_socket_t fd, short what, void *arg)
{
    s_pack_events(arg);
}

/* Stage 2: rank, decide the sanctions, and write everything but the outbox. */
static db_next_t s_close_write(s_close_t *c, db_job_t *job)
{
    const PGresult *members = db_job_result(job, 0);
    const PGresult *totals = db_job_result(job, 1);
    const PGresult *prev_red = db_job_result(job, 2);
    const PGresult *open = db_job_result(job, 3);
    size_t n = (size_t)PQntuples(members);
    if (n == 0) {
        char msg[256];
        snprintf(msg, sizeof msg, s_msg_empty_pool, c->center, c->quarter);
        return s_refuse(c, job, "empty_pool", msg);
    }
    const tier_policy_t *policy = &c->s->policy;
    s_index_t ix;
    s_index_init(&ix, n);
    int64_t *points = calloc(n, sizeof *points);
    int *position = calloc(n, sizeof *position);
    tier_t *tier = calloc(n, sizeof *tier);
    int *prev_row = malloc(n * sizeof *prev_row);
    bool *has_open = calloc(n, sizeof *has_open);
    for (size_t i = 0; i < n; i++) {
        s_index_put(&ix, db_value(members, (int)i, 0), (int)i);
        prev_row[i] = -1;
    }
    for (int r = 0; r < PQntuples(totals); r++) {
        int k = s_index_get(&ix, db_value(totals, r, 0));
        if (k >= 0)
            points[k] = db_int64(totals, r, 1);
    }
    for (int r = 0; c->prev_closed && r < PQntuples(prev_red); r++) {
        int k = s_index_get(&ix, db_value(prev_red, r, 0));
        if (k >= 0)
            prev_row[k] = r;
    }
    tier_compute(points, n, policy, position, tier);
    c->ranked = n;
    for (size_t i = 0; i < n; i++) {
        c->green += tier[i] == TIER_GREEN;
        c->blue += tier[i] == TIER_BLUE;
        c->red += tier[i] == TIER_RED;
    }

    /* Sanctions: first every open one (ranked this quarter or not), then the
     * red members without one. */
    pgarr_t upd_ids, upd_status;
    pgarr_init(&upd_ids);
    pgarr_init(&upd_status);
    sanction_record_t cur, prev;
    for (int r = 0; r < PQntuples(open); r++) {
        const char *lawyer = db_value(open, r, 1);
        int k = s_index_get(&ix, lawyer);
        sanction_state_t st = {
            .id = db_int64(open, r, 0),
            .kind = sanction_kind_parse(db_value(open, r, 2)),
            .status = sanction_status_parse(db_value(open, r, 3)),
            .until = db_int64(open, r, 4),
            .watched = strcmp(db_value(open, r, 5), "t") == 0,
        };
        if (k >= 0) {
            has_open[k] = true;
            s_record_of(&cur, c->quarter, tier[k], position[k], (int)n, points[k]);
        } else {
            s_record_of(&cur, c->quarter, TIER_NONE, 0, (int)n, 0);
        }
        const sanction_record_t *pp = NULL;
        if (k >= 0 && prev_row[k] >= 0) {
            int pr = prev_row[k];
            s_record_of(&prev, c->prev, TIER_RED, (int)db_int64(prev_red, pr, 1),
                        (int)db_int64(prev_red, pr, 2), db_int64(prev_red, pr, 3));
            pp = &prev;
        }
        json_t *recs = json_loads(db_value(open, r, 6), 0, NULL);
        s_close_sanction(c, &cur, pp, &st, lawyer, db_value(open, r, 7), recs, &upd_ids,
                         &upd_status);
        json_decref(recs);
    }
    for (size_t i = 0; i < n; i++) {
        if (tier[i] != TIER_RED || has_open[i] || prev_row[i] < 0)
            continue;
        int pr = prev_row[i];
        s_record_of(&cur, c->quarter, tier[i], position[i], (int)n, points[i]);
        s_record_of(&prev, c->prev, TIER_RED, (int)db_int64(prev_red, pr, 1),
                    (int)db_int64(prev_red, pr, 2), db_int64(prev_red, pr, 3));
        s_close_sanction(c, &cur, &prev, NULL, db_value(members, (int)i, 0),
                         db_value(members, (int)i, 1), NULL, &upd_ids, &upd_status);
    }

    /* The frozen list. */
    pgarr_t lic, names, pts, pos, tiers;
    pgarr_init(&lic);
    pgarr_init(&names);
    pgarr_init(&pts);
    pgarr_init(&pos);
    pgarr_init(&tiers);
    size_t arena_len = 0;
    for (size_t i = 0; i < n; i++) {
        const char *licence = db_value(members, (int)i, 0);
        arena_len += strlen(licence) + 1;
        pgarr_add(&lic, licence);
        pgarr_add(&names, db_value(members, (int)i, 1));
        pgarr_add_int(&pts, points[i]);
        pgarr_add_int(&pos, position[i]);
        pgarr_add(&tiers, tier_name(tier[i]));
    }
    /* What the final TierChanged events need, for s_pack_events. */
    c->arena = malloc(arena_len + 1);
    c->licence = malloc((n + 1) * sizeof *c->licence);
    for (size_t i = 0, off = 0; i < n; i++) {
        const char *licence = db_value(members, (int)i, 0);
        size_t len = strlen(licence) + 1;
        memcpy(c->arena + off, licence, len);
        c->licence[i] = c->arena + off;
        off += len;
    }
    c->points = points;
    c->position = position;
    c->tier = tier;

    char sn[24], sg[16], sb[16], sr[16];
    snprintf(sn, sizeof sn, "%zu", n);
    snprintf(sg, sizeof sg, "%d", c->green);
    snprintf(sb, sizeof sb, "%d", c->blue);
    snprintf(sr, sizeof sr, "%d", c->red);
    const char *pc[] = {c->center, c->quarter, sn, sg, sb, sr, c->automatic ? "timer" : "command"};
    db_job_add(job, s_insert_closed_sql, 7, pc);
    const char *pf[] = {c->center,       c->quarter,        sn,
                        pgarr_str(&lic), pgarr_str(&names), pgarr_str(&pts),
                        pgarr_str(&pos), pgarr_str(&tiers)};
    db_job_add(job, s_insert_frozen_sql, 8, pf);
    if (upd_ids.count > 0) {
        const char *pu[] = {c->quarter, pgarr_str(&upd_ids), pgarr_str(&upd_status)};
        db_job_add(job, s_update_sanctions_sql, 3, pu);
    }
    if (c->nnews > 0) {
        c->news_index = db_job_pending_count(job);
        s_news_stage(job, c->center, c->quarter, c->now, c->news, c->nnews);
    }
    pgarr_free(&lic);
    pgarr_free(&names);
    pgarr_free(&pts);
    pgarr_free(&pos);
    pgarr_free(&tiers);
    pgarr_free(&upd_ids);
    pgarr_free(&upd_status);
    s_index_free(&ix);
    free(prev_row);
    free(has_open);
    c->ev_pack = evtimer_new(c->s->d->base, s_on_pack, c);
    struct timeval now = {0, 0};
    evtimer_add(c->ev_pack, &now);
    return DB_NEXT;
}

/* Stage 3: the sanctions' events (their ids are known now), the outbox and
 * the answer, in the job's final batch. */
static db_next_t s_close_publish(s_close_t *c, db_job_t *job)
{
    s_pack_events(c); /* if the loop has not got to it yet */
    if (c->news_index >= 0)
        s_news_ids(c->news, c->nnews, db_job_result(job, c->news_index));
    for (size_t i = 0; i < c->nnews; i++)
        if (c->news[i].id > 0) /* 0: one of its kind was there already */
            s_add_sanction_due(c->events, c->center, c->now, &c->news[i]);
    outbox_batch_stage(c->events, job);
    c->closed = true;
    if (c->cmd) {
        json_t *body = json_pack("{s:s, s:s, s:I, s:i, s:i, s:i}", "center", c->center, "quarter",
                                 c->quarter, "ranked", (json_int_t)c->ranked, "green", c->green,
                                 "blue", c->blue, "red", c->red);
        char *text = json_dumps(body, JSON_COMPACT);
        ctlcmd_set_reply_ok(c->cmd, text);
        ctlcmd_stage_reply(c->cmd, job);
        free(text);
        json_decref(body);
    }
    return DB_NEXT;
}

static db_next_t s_close_step(s_close_t *c, db_job_t *job, int stage)
{
    c->ran = true;
    if (c->refused)
        return DB_COMMIT;
    switch (stage) {
    case 0: {
        int64_t end = time_quarter_start(c->year, c->q + 1, c->s->d->cfg.utc_offset);
        if (c->now < end) {
            char msg[256], last[16];
            s_local_date(end - 1, c->s->d->cfg.utc_offset, last, sizeof last);
            snprintf(msg, sizeof msg, s_msg_not_ended, c->quarter, last);
            return s_refuse(c, job, "quarter_not_ended", msg);
        }
        const char *params[] = {c->center};
        db_job_add(job, s_closed_list_sql, 1, params);
        /* The close's statements carry arrays of the whole pool. The planner
         * cannot see their size (nor that outbox_head has one row), so its
         * estimates for the outbox insert run to millions of rows and buy a
         * JIT compilation that costs more than the statement; and an unnest
         * of 100,000 payloads would spill to disk at the default work_mem. */
        db_job_add(job, "SET LOCAL jit = off", 0, NULL);
        db_job_add(job, "SET LOCAL work_mem = '64MB'", 0, NULL);
        return DB_NEXT;
    }
    case 1:
        return s_close_check(c, job);
    case 2:
        return s_close_write(c, job);
    case 3:
        return s_close_publish(c, job);
    default:
        return DB_COMMIT;
    }
}

static void s_close_log(const s_close_t *c, bool committed, const char *error)
{
    if (committed && c->closed)
        log_info("quarter %s of %s closed by %s: %zu ranked (%d green, %d blue, %d red), "
                 "%zu sanction(s) due",
                 c->quarter, c->center, c->automatic ? "timer" : "command", c->ranked, c->green,
                 c->blue, c->red, c->nnews);
    else if (committed && c->refused)
        log_info("quarter %s of %s not closed (%s): %s", c->quarter, c->center, c->code,
                 c->message);
    else if (!committed)
        log_warn("closing quarter %s of %s failed: %s", c->quarter, c->center,
                 error ? error : "rolled back");
}

/* ---- by command ------------------------------------------------------------- */

static db_next_t s_cmd_step(ctlcmd_t *cmd, db_job_t *job, int stage, void *arg)
{
    s_close_t *c = arg;
    c->cmd = cmd;
    return s_close_step(c, job, stage);
}

static void s_cmd_done(ctlcmd_t *cmd, db_job_t *job, bool committed, void *arg)
{
    s_close_t *c = arg;
    outbox_batch_finish(&c->events, job, committed);
    if (c->ran)
        s_close_log(c, committed, NULL);
    s_close_free(c);
}

/* The quarter argument: "2026Q3"; replies and returns -1 when bad. */
static int s_quarter_arg(bus_ctl_req_t *req, const char *quarter, int *y, int *q)
{
    if (!quarter || !*quarter) {
        bus_ctl_reply_error(req, "missing_quarter", s_msg_no_quarter);
        return -1;
    }
    if (time_quarter_parse(quarter, y, q) != 0) {
        bus_ctl_reply_error(req, "invalid_quarter", s_msg_bad_quarter);
        return -1;
    }
    return 0;
}

static const char *s_center_arg(const score_t *s, const Fayuan__CtlRequest *cmd)
{
    const char *center = ctlcmd_arg(cmd, "center");
    return center && *center ? center : s->d->cfg.center;
}

void score_cmd_quarter_close(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    int y, q;
    if (s_quarter_arg(req, ctlcmd_arg(cmd, "quarter"), &y, &q) != 0)
        return;
    s_close_t *c = s_close_new(s, s_center_arg(s, cmd), y, q, false);
    ctlcmd_run(s->d->db, req, s_cmd_step, s_cmd_done, c);
}

/* ---- by timer --------------------------------------------------------------- */

static void s_arm(score_t *s, int64_t delay_us)
{
    if (delay_us < 0)
        delay_us = 0;
    if (delay_us > US_PER_HOUR)
        delay_us = US_PER_HOUR;
    struct timeval tv = {(int)(delay_us / TIME_US_PER_SEC), (int)(delay_us % TIME_US_PER_SEC)};
    evtimer_del(s->ev_close);
    evtimer_add(s->ev_close, &tv);
}

/* The latest quarter whose automatic close is due at now, and when the next
 * one falls due. */
static void s_due(const score_t *s, int64_t now, int *y, int *q, int64_t *next_due)
{
    int off = s->d->cfg.utc_offset;
    int64_t grace = (int64_t)s->close_after_hours * US_PER_HOUR;
    int cy, cm;
    time_local(now, off, &cy, &cm, NULL, NULL);
    int cq = (cm - 1) / 3 + 1;
    /* The previous quarter is due at the start of this one plus the grace;
     * before that, the one before it is (a grace never exceeds 90 days). */
    int64_t due_prev = time_quarter_start(cy, cq, off) + grace;
    int k = now >= due_prev ? 1 : 2;
    *next_due = now >= due_prev ? time_quarter_start(cy, cq + 1, off) + grace : due_prev;
    int qq = cq - k, yy = cy;
    while (qq < 1) {
        qq += 4;
        yy--;
    }
    *y = yy;
    *q = qq;
}

static void s_arm_next(score_t *s)
{
    int y, q;
    int64_t now = time_now_us(), next;
    s_due(s, now, &y, &q, &next);
    s_arm(s, next - now);
}

static db_next_t s_timer_close_step(db_job_t *job, void *arg)
{
    s_close_t *c = arg;
    return s_close_step(c, job, ++c->stage);
}

static void s_timer_close_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    s_close_t *c = arg;
    score_t *s = c->s;
    outbox_batch_finish(&c->events, job, committed);
    s_close_log(c, committed, error);
    s->close->busy = false;
    s->close->barrier_set = false;
    if (committed)
        s_arm_next(s);
    else
        s_arm(s, FAIL_RETRY_US);
    s_close_free(c);
}

typedef struct {
    score_t *s;
    int y, q;
    char quarter[8];
} s_check_t;

static void s_check_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    s_check_t *k = arg;
    score_t *s = k->s;
    struct score_close *st = s->close;
    st->busy = false;
    if (!committed) {
        log_warn("automatic close of %s: check failed: %s; retrying in a minute", k->quarter,
                 error ? error : "?");
        s_arm(s, FAIL_RETRY_US);
        free(k);
        return;
    }
    const PGresult *closed = db_job_result(job, 0);
    for (int i = 0; i < PQntuples(closed); i++) {
        if (strcmp(db_value(closed, i, 0), k->quarter) >= 0) {
            st->barrier_set = false; /* closed already, or a later one is */
            s_arm_next(s);
            free(k);
            return;
        }
    }
    if (!st->barrier_set || strcmp(st->barrier_quarter, k->quarter) != 0) {
        st->barrier_set = true;
        snprintf(st->barrier_quarter, sizeof st->barrier_quarter, "%s", k->quarter);
        for (int p = 0; p < NPRODUCERS; p++)
            st->barrier[p] = db_int64(db_job_result(job, 1 + p), 0, 0);
    }
    const PGresult *inbox = db_job_result(job, 1 + NPRODUCERS);
    for (int p = 0; p < NPRODUCERS; p++) {
        int64_t at = 0;
        for (int i = 0; i < PQntuples(inbox); i++)
            if (strcmp(db_value(inbox, i, 0), s_producers[p]) == 0)
                at = db_int64(inbox, i, 1);
        if (at < st->barrier[p]) {
            log_debug("automatic close of %s waits until %s events up to %" PRId64
                      " are applied (at %" PRId64 ")",
                      k->quarter, s_producers[p], st->barrier[p], at);
            s_arm(s, CHECK_RETRY_US);
            free(k);
            return;
        }
    }
    log_info("automatic close of %s for %s: due since %d hours after its end", k->quarter,
             s->d->cfg.center, s->close_after_hours);
    s_close_t *c = s_close_new(s, s->d->cfg.center, k->y, k->q, true);
    c->stage = -1;
    st->busy = true;
    db_job_t *cj = db_job_new(s->d->db, s_timer_close_step, s_timer_close_done, c);
    (void)s_close_step(c, cj, ++c->stage);
    db_job_submit(cj);
    free(k);
}

static void s_on_timer(evutil_socket_t fd, short what, void *arg)
{
    score_t *s = arg;
    if (s->d->stopping)
        return;
    if (s->close->busy) {
        s_arm(s, CHECK_RETRY_US);
        return;
    }
    s_check_t *k = calloc(1, sizeof *k);
    k->s = s;
    int64_t next;
    s_due(s, time_now_us(), &k->y, &k->q, &next);
    s_quarter_label(k->y, k->q, k->quarter, sizeof k->quarter);
    s->close->busy = true;
    const char *params[] = {s->d->cfg.center};
    db_job_t *job = db_job_new(s->d->db, NULL, s_check_done, k);
    db_job_add(job, s_closed_list_sql, 1, params);
    for (int p = 0; p < NPRODUCERS; p++)
        db_job_add(job, s_head_sql[p], 0, NULL);
    db_job_add(job, "SELECT producer, last_seq FROM inbox", 0, NULL);
    db_job_submit(job);
}

void score_close_init(score_t *s)
{
    s->close = calloc(1, sizeof *s->close);
    s->ev_close = evtimer_new(s->d->base, s_on_timer, s);
    if (s->close_after_hours < 0) {
        log_info("automatic quarter close is off ([score] close_after_hours < 0)");
        return;
    }
    s_arm(s, 0); /* check on start; the job waits for the connection */
}

void score_close_fini(score_t *s)
{
    if (s->ev_close)
        event_free(s->ev_close);
    s->ev_close = NULL;
    free(s->close);
    s->close = NULL;
}

/* ---- tiers: a frozen list --------------------------------------------------- */

typedef struct {
    score_t *s;
    bus_ctl_req_t *req;
    char center[64];
    char quarter[8];
} s_query_t;

typedef struct {
    const char *licence, *name;
    int64_t points;
    int position;
    const char *tier;
} s_line_t;

static int s_by_position(const void *a, const void *b)
{
    const s_line_t *x = a, *y = b;
    if (x->position != y->position)
        return x->position < y->position ? -1 : 1;
    return strcmp(x->licence, y->licence);
}

static void s_tiers_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    s_query_t *qy = arg;
    const PGresult *closed = db_job_result(job, 0);
    const PGresult *rows = db_job_result(job, 1);
    if (!committed || !closed || !rows) {
        bus_ctl_reply_error(qy->req, "db_error", s_msg_db);
        goto out;
    }
    if (PQntuples(closed) == 0) {
        char msg[256];
        snprintf(msg, sizeof msg, s_msg_not_closed, qy->quarter);
        bus_ctl_reply_error(qy->req, "not_closed", msg);
        goto out;
    }
    size_t n = (size_t)PQntuples(rows);
    s_line_t *lines = calloc(n + 1, sizeof *lines);
    for (size_t i = 0; i < n; i++)
        lines[i] = (s_line_t){db_value(rows, (int)i, 0), db_value(rows, (int)i, 1),
                              db_int64(rows, (int)i, 2), (int)db_int64(rows, (int)i, 3),
                              db_value(rows, (int)i, 4)};
    qsort(lines, n, sizeof *lines, s_by_position);
    json_t *members = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(members, json_pack("{s:s, s:s, s:o, s:i, s:s}", "licence",
                                                 lines[i].licence, "name", lines[i].name, "points",
                                                 score_points_json(lines[i].points), "position",
                                                 lines[i].position, "tier", lines[i].tier));
    free(lines);
    bus_ctl_reply_json(qy->req, json_pack("{s:s, s:s, s:b, s:o}", "center", qy->center, "quarter",
                                          qy->quarter, "final", true, "members", members));
out:
    free(qy);
}

void score_cmd_tiers(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    int y, q;
    if (s_quarter_arg(req, ctlcmd_arg(cmd, "quarter"), &y, &q) != 0)
        return;
    s_query_t *qy = calloc(1, sizeof *qy);
    qy->s = s;
    qy->req = req;
    snprintf(qy->center, sizeof qy->center, "%s", s_center_arg(s, cmd));
    s_quarter_label(y, q, qy->quarter, sizeof qy->quarter);
    const char *params[] = {qy->center, qy->quarter};
    db_job_t *job = db_job_new(s->d->db, NULL, s_tiers_done, qy);
    db_job_add(job, "SELECT 1 FROM closed_quarters WHERE center = $1 AND quarter = $2", 2, params);
    db_job_add(job,
               "SELECT lawyer, name, points_centi, position, tier FROM frozen_tiers "
               "WHERE center = $1 AND quarter = $2",
               2, params);
    db_job_submit(job);
}

/* ---- sanctions: the list ---------------------------------------------------- */

static json_t *s_instant_json(const score_t *s, int64_t us)
{
    char buf[40];
    if (us <= 0)
        return json_null();
    return json_string(time_format_rfc3339(us, s->d->cfg.utc_offset, buf, sizeof buf));
}

static void s_sanctions_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    s_query_t *qy = arg;
    const PGresult *res = db_job_result(job, 0);
    if (!committed || !res) {
        bus_ctl_reply_error(qy->req, "db_error", s_msg_db);
        free(qy);
        return;
    }
    json_t *list = json_array();
    for (int r = 0; r < PQntuples(res); r++) {
        json_t *records = json_loads(db_value(res, r, 6), 0, NULL);
        const char *watch = db_value(res, r, 11);
        json_array_append_new(
            list,
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, "
                      "s:o, s:o}",
                      "id", (json_int_t)db_int64(res, r, 0), "lawyer", db_value(res, r, 1), "name",
                      db_value(res, r, 2), "kind", db_value(res, r, 3), "rule", db_value(res, r, 4),
                      "reason", db_value(res, r, 5), "records", records ? records : json_array(),
                      "status", db_value(res, r, 7), "quarter", db_value(res, r, 8), "cause",
                      db_value(res, r, 9) ? json_integer((json_int_t)db_int64(res, r, 9))
                                          : json_null(),
                      "starts_at", s_instant_json(qy->s, db_int64(res, r, 10)), "until",
                      s_instant_json(qy->s, db_int64(res, r, 12)), "watch_quarter",
                      watch ? json_string(watch) : json_null(), "decision",
                      db_value(res, r, 13) ? json_string(db_value(res, r, 13)) : json_null(),
                      "decided_at", s_instant_json(qy->s, db_int64(res, r, 14)), "created_at",
                      s_instant_json(qy->s, db_int64(res, r, 15))));
    }
    bus_ctl_reply_json(qy->req, json_pack("{s:s, s:o}", "center", qy->center, "sanctions", list));
    free(qy);
}

void score_cmd_sanctions(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    s_query_t *qy = calloc(1, sizeof *qy);
    qy->s = s;
    qy->req = req;
    snprintf(qy->center, sizeof qy->center, "%s", s_center_arg(s, cmd));
    const char *params[] = {qy->center};
    db_job_t *job = db_job_new(s->d->db, NULL, s_sanctions_done, qy);
    db_job_add(job,
               "SELECT id, lawyer, name, kind, rule, reason, records::text, status, quarter, "
               "  cause, starts_at, watch_quarter, until, decision, "
               "  (extract(epoch FROM decided_at) * 1000000)::bigint, "
               "  (extract(epoch FROM created_at) * 1000000)::bigint "
               "FROM sanctions WHERE center = $1 ORDER BY id",
               1, params);
    db_job_submit(job);
}

/* ---- sanction_decide: staff record rectified / refused ---------------------- */

typedef struct {
    score_t *s;
    char id[24];
    char center[64]; /* "" when not given: any */
    sanction_decision_t decision;
    bool refused;
    int64_t now;
    char lawyer[64];
    sanction_status_t status;
    s_new_t *removal; /* after a refusal */
    bool lift_cases;  /* a clause 25(3) stop rectified: case assignment resumes */
    outbox_batch_t *events;
} s_decide_t;

static db_next_t s_decide_refuse(ctlcmd_t *cmd, db_job_t *job, s_decide_t *dc, const char *code,
                                 const char *message)
{
    dc->refused = true;
    ctlcmd_set_reply_error(cmd, code, message);
    ctlcmd_stage_reply(cmd, job);
    return db_job_pending_count(job) > 0 ? DB_NEXT : DB_COMMIT;
}

static db_next_t s_decide_apply(ctlcmd_t *cmd, db_job_t *job, s_decide_t *dc)
{
    const PGresult *res = db_job_result(job, 0);
    char msg[256];
    if (PQntuples(res) == 0 || (dc->center[0] && strcmp(db_value(res, 0, 1), dc->center) != 0)) {
        snprintf(msg, sizeof msg, s_msg_no_sanction, dc->id);
        return s_decide_refuse(cmd, job, dc, "not_found", msg);
    }
    sanction_state_t st = {
        .id = db_int64(res, 0, 0),
        .kind = sanction_kind_parse(db_value(res, 0, 4)),
        .status = sanction_status_parse(db_value(res, 0, 5)),
        .until = db_int64(res, 0, 6),
        .watched = strcmp(db_value(res, 0, 7), "t") == 0,
    };
    sanction_outcome_t out;
    if (sanction_decide(&st, dc->decision, &out) != 0) {
        snprintf(msg, sizeof msg, s_msg_not_decidable, dc->id, sanction_kind_zh(st.kind),
                 sanction_status_zh(st.status));
        return s_decide_refuse(cmd, job, dc, "not_decidable", msg);
    }
    snprintf(dc->center, sizeof dc->center, "%s", db_value(res, 0, 1));
    snprintf(dc->lawyer, sizeof dc->lawyer, "%s", db_value(res, 0, 2));
    dc->status = out.status;
    dc->lift_cases = st.kind == SANCTION_SUSPEND_CASES && dc->decision != SANCTION_DECISION_REFUSED;
    const char *decision = dc->decision == SANCTION_DECISION_REFUSED ? "refused" : "rectified";
    const char *pu[] = {dc->id, sanction_status_name(out.status), decision};
    db_job_add(job,
               "UPDATE sanctions SET status = $2, decision = $3, decided_at = now(), "
               "  updated_at = now() WHERE id = $1",
               3, pu);
    if (out.due == SANCTION_REMOVE) {
        s_new_t *ns = calloc(1, sizeof *ns);
        ns->lawyer = strdup(dc->lawyer);
        ns->name = strdup(db_value(res, 0, 3));
        ns->kind = SANCTION_REMOVE;
        ns->rule = out.rule;
        ns->cause = st.id;
        char buf[512];
        snprintf(buf, sizeof buf,
                 st.kind == SANCTION_SUSPEND_CASES ? s_reason_refused_cases : s_reason_refused,
                 st.id);
        ns->reason = strdup(buf);
        ns->records = json_array();
        json_t *recs = json_loads(db_value(res, 0, 8), 0, NULL);
        size_t i;
        json_t *r;
        json_array_foreach(recs, i, r)
        {
            if (!json_object_get(r, "sanction"))
                json_array_append(ns->records, r);
        }
        json_decref(recs);
        json_array_append_new(ns->records, json_pack("{s:I, s:s}", "sanction", (json_int_t)st.id,
                                                     "status", sanction_status_name(out.status)));
        dc->removal = ns;
        s_news_stage(job, dc->center, db_value(res, 0, 9), dc->now, ns, 1);
    }
    return DB_NEXT;
}

static db_next_t s_decide_step(ctlcmd_t *cmd, db_job_t *job, int stage, void *arg)
{
    s_decide_t *dc = arg;
    if (dc->refused)
        return DB_COMMIT;
    if (stage == 0) {
        const char *params[] = {dc->id};
        db_job_add(job,
                   "SELECT id, center, lawyer, name, kind, status, until, "
                   "  watch_quarter IS NOT NULL, records::text, quarter "
                   "FROM sanctions WHERE id = $1::bigint FOR UPDATE",
                   1, params);
        return DB_NEXT;
    }
    if (stage == 1)
        return s_decide_apply(cmd, job, dc);
    if (stage == 2) {
        json_t *body = json_pack(
            "{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)atoll(dc->id), "lawyer", dc->lawyer,
            "decision", dc->decision == SANCTION_DECISION_REFUSED ? "refused" : "rectified",
            "status", sanction_status_name(dc->status), "removal", json_null());
        if (dc->removal)
            /* The removal's id: the insert was the last statement of stage 1
             * (none when a removal of the lawyer was due already). */
            s_news_ids(dc->removal, 1, db_job_result(job, db_job_nresults(job) - 1));
        dc->events = outbox_batch_new(dc->s->d->outbox);
        if (dc->removal && dc->removal->id > 0) {
            json_object_set_new(body, "removal", json_integer((json_int_t)dc->removal->id));
            s_add_sanction_due(dc->events, dc->center, dc->now, dc->removal);
        }
        if (dc->lift_cases) {
            /* The registry resumes case assignment (it stopped it on the
             * original SanctionDue). */
            char lift_id[40];
            snprintf(lift_id, sizeof lift_id, "%s:lift", dc->id);
            Fayuan__SanctionDue ev = FAYUAN__SANCTION_DUE__INIT;
            ev.sanction_id = lift_id;
            ev.lawyer = dc->lawyer;
            ev.kind = "lift_cases";
            ev.rule = "25(3)";
            ev.reason = "已整改，恢复指派案件";
            outbox_batch_add(dc->events, "SanctionDue", dc->center, dc->now, &ev.base);
        }
        outbox_batch_stage(dc->events, job);
        char *text = json_dumps(body, JSON_COMPACT);
        ctlcmd_set_reply_ok(cmd, text);
        ctlcmd_stage_reply(cmd, job);
        free(text);
        json_decref(body);
        return DB_NEXT;
    }
    return DB_COMMIT;
}

static void s_decide_done(ctlcmd_t *cmd, db_job_t *job, bool committed, void *arg)
{
    s_decide_t *dc = arg;
    outbox_batch_finish(&dc->events, job, committed);
    if (committed && !dc->refused)
        log_info("sanction %s: %s recorded%s", dc->id,
                 dc->decision == SANCTION_DECISION_REFUSED ? "refused" : "rectified",
                 dc->removal ? "; removal due" : "");
    if (dc->removal)
        s_news_free(dc->removal, 1);
    free(dc);
}

void score_cmd_sanction_decide(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    const char *id = ctlcmd_arg(cmd, "id");
    sanction_decision_t d = sanction_decision_parse(ctlcmd_arg(cmd, "decision"));
    bool id_ok = id && *id && strlen(id) < 19 && id[0] != '0';
    for (const char *p = id; id_ok && *p; p++)
        id_ok = *p >= '0' && *p <= '9';
    if (!id_ok) {
        bus_ctl_reply_error(req, "invalid_id", s_msg_bad_id);
        return;
    }
    if (d == SANCTION_DECISION_NONE) {
        bus_ctl_reply_error(req, "invalid_decision", s_msg_bad_decision);
        return;
    }
    s_decide_t *dc = calloc(1, sizeof *dc);
    dc->s = s;
    snprintf(dc->id, sizeof dc->id, "%s", id);
    const char *center = ctlcmd_arg(cmd, "center");
    snprintf(dc->center, sizeof dc->center, "%s", center ? center : "");
    dc->decision = d;
    dc->now = time_now_us();
    ctlcmd_run(s->d->db, req, s_decide_step, s_decide_done, dc);
}
