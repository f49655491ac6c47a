/* score_facts — points from what the case-quality system reports: case
 * evaluations (Annex 1 6.x), closures (4.x), client satisfaction (5.x),
 * plea-leniency help (7.1), write-ups (8.x), activities (9.x) and drafting
 * (3.1).
 *
 * Every record is kept in facts under a family: the evaluations of one case
 * by one lawyer, its write-ups, its satisfaction ratings, ...; an activity is
 * a family of its own. A family's points are those of its effective fact —
 * the highest rank (evaluation level, write-up level), then the latest — and
 * the ledger holds them as entries whose source is the family. Settling a
 * family compares that with the ledger's net for it and adds the difference,
 * so a superseding evaluation replaces the earlier points, an upgraded
 * write-up adds the difference, a late lower level or older evaluation
 * changes nothing, in whatever order the records arrive. A lawyer the
 * registry does not know yet has facts but no entries (parked); when the
 * lawyer is registered, their families are settled. */
#include "score.h"
#include "score_family.h"
#include "score_ledger.h"

#include "events.pb-c.h"
#include "fayuan/lawyers_model.h"
#include "fayuan/log.h"
#include "fayuan/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char s_insert_sql[] =
    "INSERT INTO facts (source_event, external_id, center, lawyer, case_no, family, rule_code, "
    "  rank, at) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
    "                     $7::text[], $8::int[], $9::bigint[]) "
    "ON CONFLICT DO NOTHING RETURNING family";

/* Every fact of each family, with the ledger's net for the family so far,
 * the points of the fact's rule in the version in force, and whether the
 * lawyer is registered; the effective fact is chosen in C (score_family).
 * Scalar subqueries and LATERAL keep every part an index lookup. */
#define SETTLE_SELECT                                                                              \
    "SELECT fam.family, f.center, f.lawyer, f.rule_code, f.rank, f.at, f.external_id, "            \
    "  coalesce((SELECT sum(l.points_centi) FROM ledger l WHERE l.source = fam.family), 0), "      \
    "  (SELECT r.points_centi FROM rules r WHERE r.code = f.rule_code AND r.version = "            \
    "     (SELECT version FROM rule_versions WHERE in_force ORDER BY version DESC LIMIT 1)), "     \
    "  EXISTS (SELECT 1 FROM lawyers k2 WHERE k2.center = f.center AND k2.licence = f.lawyer) "
#define SETTLE_FACTS                                                                               \
    "CROSS JOIN LATERAL (SELECT * FROM facts x WHERE x.family = fam.family) f "                    \
    "ORDER BY fam.family"

static const char s_settle_families_sql[] =
    SETTLE_SELECT "FROM (SELECT DISTINCT unnest($1::text[]) AS family) fam " SETTLE_FACTS;

static const char s_settle_lawyers_sql[] =
    SETTLE_SELECT "FROM (SELECT DISTINCT y.family "
                  "      FROM unnest($1::text[], $2::text[]) AS k(center, lawyer) "
                  "      CROSS JOIN LATERAL (SELECT family FROM facts z "
                  "        WHERE z.center = k.center AND z.lawyer = k.lawyer) y) fam " SETTLE_FACTS;

/* Adds the difference of every settled family whose lawyer is known. Rows
 * come grouped by family. */
static void s_settle(const PGresult *res, const char *sev, score_entries_t *entries)
{
    int rows = PQntuples(res);
    score_fact_t *facts = calloc((size_t)rows + 1, sizeof *facts);
    for (int start = 0; start < rows;) {
        int end = start;
        while (end < rows && strcmp(db_value(res, end, 0), db_value(res, start, 0)) == 0) {
            facts[end - start] = (score_fact_t){(int)db_int64(res, end, 4), db_int64(res, end, 5),
                                                db_value(res, end, 6)};
            end++;
        }
        int e = start + (int)score_fact_effective(facts, (size_t)(end - start));
        start = end;
        if (!db_value(res, e, 8) || strcmp(db_value(res, e, 9), "t") != 0)
            continue; /* rule missing from the version in force, or lawyer parked */
        int64_t desired = db_int64(res, e, 8), net = db_int64(res, e, 7);
        if (desired == net)
            continue;
        score_entries_add(entries, db_value(res, e, 1), db_value(res, e, 2), db_int64(res, e, 5),
                          db_value(res, e, 3), desired - net, db_value(res, e, 0), sev,
                          net != 0 ? "按同一案件最新或最高级别的记录调整" : "");
    }
    free(facts);
}

/* ---- the gateway's records ------------------------------------------------ */

typedef struct {
    score_entries_t entries;
    char sev[48];
    bool staged;
    PGresult *totals;             /* the entries' new totals (copy), for the boards */
    pgarr_t q_centers, q_lawyers; /* lawyers with new evaluations: clause 25(3) */
    size_t nq;
    outbox_batch_t *events;
} s_state_t;

/* Every evaluation of the given lawyers, grouped by lawyer and case. */
static const char s_quality_sql[] =
    "SELECT f.center, f.lawyer, f.family, f.case_no, f.rule_code, f.rank, f.at, f.external_id, "
    "  (SELECT k.name FROM lawyers k WHERE k.center = f.center AND k.licence = f.lawyer) "
    "FROM (SELECT DISTINCT * FROM unnest($1::text[], $2::text[])) AS w(center, lawyer) "
    "CROSS JOIN LATERAL (SELECT * FROM facts x WHERE x.center = w.center AND x.lawyer = w.lawyer "
    "  AND x.family LIKE 'quality:%') f "
    "ORDER BY f.center, f.lawyer, f.family";

static const char s_sanction_sql[] =
    "INSERT INTO sanctions (center, lawyer, name, kind, rule, reason, records, status, quarter, "
    "  starts_at) "
    "SELECT $1, $2, $3, 'suspend_cases', '25(3)', $4, $5::jsonb, 'ordered', $6, $7 "
    "WHERE NOT EXISTS (SELECT 1 FROM sanctions s WHERE s.center = $1 AND s.lawyer = $2 "
    "  AND s.kind = 'suspend_cases' AND s.status IN ('ordered', 'rectified')) "
    "ON CONFLICT DO NOTHING RETURNING id, center, lawyer, reason, records::text";

typedef struct {
    pgarr_t cols[9];
    size_t n;
} s_rows_t;

static void s_row(s_rows_t *r, const Fayuan__Envelope *env, const char *external_id,
                  const char *lawyer, const char *case_no, const char *family,
                  const char *rule_code, int rank, int64_t at)
{
    char sev[48];
    snprintf(sev, sizeof sev, "gateway:%llu", (unsigned long long)env->seq);
    pgarr_add(&r->cols[0], sev);
    pgarr_add(&r->cols[1], external_id);
    pgarr_add(&r->cols[2], env->center);
    pgarr_add(&r->cols[3], lawyer);
    pgarr_add(&r->cols[4], case_no);
    pgarr_add(&r->cols[5], family);
    pgarr_add(&r->cols[6], rule_code);
    pgarr_add_int(&r->cols[7], rank);
    pgarr_add_int(&r->cols[8], at);
    r->n++;
}

static db_next_t s_insert(consumer_apply_t *a)
{
    s_rows_t r = {.n = 0};
    for (int c = 0; c < 9; c++)
        pgarr_init(&r.cols[c]);
    char family[256];
    for (size_t i = 0; i < a->n; i++) {
        const Fayuan__Envelope *env = a->evs[i];
        if (strcmp(env->type, "QualityEvaluation") == 0) {
            Fayuan__QualityEvaluation *ev =
                fayuan__quality_evaluation__unpack(NULL, env->payload.len, env->payload.data);
            if (!ev)
                continue;
            score_family_of("quality", ev->lawyer, ev->case_no, ev->external_id, family,
                            sizeof family);
            s_row(&r, env, ev->external_id, ev->lawyer, ev->case_no, family, ev->rule_code,
                  ev->level, ev->evaluated_at);
            fayuan__quality_evaluation__free_unpacked(ev, NULL);
        } else if (strcmp(env->type, "CaseEvent") == 0) {
            Fayuan__CaseEvent *ev =
                fayuan__case_event__unpack(NULL, env->payload.len, env->payload.data);
            if (!ev)
                continue;
            score_family_of(ev->type, ev->lawyer, ev->case_no, ev->external_id, family,
                            sizeof family);
            s_row(&r, env, ev->external_id, ev->lawyer, ev->case_no, family, ev->rule_code,
                  ev->rank, ev->at);
            fayuan__case_event__free_unpacked(ev, NULL);
        }
    }
    if (r.n > 0) {
        const char *params[9];
        for (int c = 0; c < 9; c++)
            params[c] = pgarr_str(&r.cols[c]);
        db_job_add(a->job, s_insert_sql, 9, params);
    }
    for (int c = 0; c < 9; c++)
        pgarr_free(&r.cols[c]);
    return r.n > 0 ? DB_NEXT : DB_COMMIT;
}

/* Clause 25(3) for the lawyers with new evaluations: rows of s_quality_sql.
 * Writes the sanctions that are due (stage 4 publishes them). */
static db_next_t s_case_quality(score_t *s, consumer_apply_t *a, const PGresult *res)
{
    int rows = PQntuples(res);
    score_fact_t *facts = calloc((size_t)rows + 1, sizeof *facts);
    score_quality_result_t *results = calloc((size_t)rows + 1, sizeof *results);
    int64_t now = time_now_us();
    char quarter[8];
    time_quarter_of(now, s->d->cfg.utc_offset, quarter, sizeof quarter);
    size_t added = 0;
    for (int start = 0; start < rows;) {
        /* One lawyer: rows [start, lend); within it, families. */
        int lend = start;
        while (lend < rows && strcmp(db_value(res, lend, 1), db_value(res, start, 1)) == 0 &&
               strcmp(db_value(res, lend, 0), db_value(res, start, 0)) == 0)
            lend++;
        size_t nres = 0;
        for (int f = start; f < lend;) {
            int fend = f;
            while (fend < lend && strcmp(db_value(res, fend, 2), db_value(res, f, 2)) == 0) {
                facts[fend - f] = (score_fact_t){(int)db_int64(res, fend, 5),
                                                 db_int64(res, fend, 6), db_value(res, fend, 7)};
                fend++;
            }
            int e = f + (int)score_fact_effective(facts, (size_t)(fend - f));
            results[nres++] = (score_quality_result_t){db_value(res, e, 3), db_value(res, e, 4),
                                                       db_int64(res, e, 6), 0};
            f = fend;
        }
        if (score_case_quality_due(results, nres, now) && db_value(res, start, 8)) {
            json_t *recs = json_array();
            for (size_t k = 0; k < nres; k++) {
                if (!results[k].counted)
                    continue;
                char at[40];
                time_format_rfc3339(results[k].at, s->d->cfg.utc_offset, at, sizeof at);
                json_array_append_new(recs,
                                      json_pack("{s:s, s:s, s:s}", "case", results[k].case_no,
                                                "rule", results[k].rule_code, "evaluated_at", at));
            }
            char *text = json_dumps(recs, JSON_COMPACT);
            char starts[24];
            snprintf(starts, sizeof starts, "%lld", (long long)now);
            const char *params[] = {db_value(res, start, 0),
                                    db_value(res, start, 1),
                                    db_value(res, start, 8),
                                    "一年内办理的法律援助案件质量评估不合格 1 件，或合格及以下 2 "
                                    "件以上（第二十五条第三项），"
                                    "暂停指派案件并责令整改",
                                    text,
                                    quarter,
                                    starts};
            db_job_add(a->job, s_sanction_sql, 7, params);
            added++;
            free(text);
            json_decref(recs);
        }
        start = lend;
    }
    free(facts);
    free(results);
    return added > 0 ? DB_NEXT : DB_COMMIT;
}

db_next_t score_apply_gateway(consumer_apply_t *a, void *arg)
{
    score_t *s = arg;
    if (a->stage == 0) {
        s_state_t *st = calloc(1, sizeof *st);
        pgarr_init(&st->q_centers);
        pgarr_init(&st->q_lawyers);
        score_entries_init(&st->entries, s->d->cfg.utc_offset);
        snprintf(st->sev, sizeof st->sev, "gateway:%llu",
                 (unsigned long long)a->evs[a->n - 1]->seq);
        a->state = st;
        return s_insert(a);
    }
    s_state_t *st = a->state;
    if (a->stage == 1) {
        const PGresult *res = db_job_result(a->job, 0);
        if (PQntuples(res) == 0)
            return DB_COMMIT; /* every record was seen before */
        pgarr_t fams;
        pgarr_init(&fams);
        for (int i = 0; i < PQntuples(res); i++) {
            const char *family = db_value(res, i, 0);
            pgarr_add(&fams, family);
            /* "quality:<lawyer>:<case>": a new evaluation for this lawyer. */
            if (strncmp(family, "quality:", 8) == 0) {
                char lawyer[64];
                snprintf(lawyer, sizeof lawyer, "%.*s", (int)strcspn(family + 8, ":"), family + 8);
                pgarr_add(&st->q_centers, s->d->cfg.center);
                pgarr_add(&st->q_lawyers, lawyer);
                st->nq++;
            }
        }
        const char *params[] = {pgarr_str(&fams)};
        db_job_add(a->job, s_settle_families_sql, 1, params);
        pgarr_free(&fams);
        return DB_NEXT;
    }
    if (a->stage == 2) {
        s_settle(db_job_result(a->job, 0), st->sev, &st->entries);
        st->staged = score_entries_stage(&st->entries, a->job);
        if (st->nq > 0) {
            const char *params[] = {pgarr_str(&st->q_centers), pgarr_str(&st->q_lawyers)};
            db_job_add(a->job, s_quality_sql, 2, params);
        }
        return db_job_pending_count(a->job) > 0 ? DB_NEXT : DB_COMMIT;
    }
    if (a->stage == 3) {
        if (st->staged)
            st->totals =
                PQcopyResult(db_job_result(a->job, 0), PG_COPYRES_ATTRS | PG_COPYRES_TUPLES);
        if (st->nq == 0)
            return DB_COMMIT;
        return s_case_quality(s, a, db_job_result(a->job, st->staged ? 1 : 0));
    }
    if (a->stage == 4) {
        /* The sanctions written (one statement each): their events. */
        st->events = outbox_batch_new(s->d->outbox);
        for (int r = 0; r < db_job_nresults(a->job); r++) {
            const PGresult *res = db_job_result(a->job, r);
            if (PQntuples(res) == 0)
                continue;    /* one already open for that lawyer */
            const int i = 0; /* RETURNING one row */
            Fayuan__SanctionDue ev = FAYUAN__SANCTION_DUE__INIT;
            char id[32];
            snprintf(id, sizeof id, "%s", db_value(res, i, 0));
            ev.sanction_id = id;
            ev.lawyer = (char *)db_value(res, i, 2);
            ev.kind = "suspend_cases";
            ev.rule = "25(3)";
            ev.reason = (char *)db_value(res, i, 3);
            json_t *recs = json_loads(db_value(res, i, 4), 0, NULL);
            size_t k, n = json_array_size(recs);
            char **cases = calloc(n + 1, sizeof *cases);
            json_t *rec;
            json_array_foreach(recs, k, rec)
            {
                cases[k] = (char *)json_string_value(json_object_get(rec, "case"));
            }
            ev.n_records = n;
            ev.records = cases;
            outbox_batch_add(st->events, "SanctionDue", db_value(res, i, 1), time_now_us(),
                             &ev.base);
            free(cases);
            json_decref(recs);
        }
        outbox_batch_stage(st->events, a->job);
        return db_job_pending_count(a->job) > 0 ? DB_NEXT : DB_COMMIT;
    }
    return DB_COMMIT;
}

void score_finish_gateway(consumer_apply_t *a, bool committed, void *arg)
{
    score_t *s = arg;
    s_state_t *st = a->state;
    if (!st)
        return;
    if (committed && (st->totals || (st->staged && st->nq == 0))) {
        score_board_update_points(s, st->totals ? st->totals : db_job_result(a->job, 0));
        for (size_t i = 0; i < a->n; i++)
            score_mark_dirty(s, a->evs[i]->center);
    }
    outbox_batch_finish(&st->events, a->job, committed);
    PQclear(st->totals);
    pgarr_free(&st->q_centers);
    pgarr_free(&st->q_lawyers);
    score_entries_free(&st->entries);
    free(st);
    a->state = NULL;
}

/* ---- the registry: membership, and unparking ------------------------------- */

typedef struct {
    score_entries_t entries;
    char sev[48];
    PGresult *members; /* the upsert's RETURNING rows (owned copy) */
    bool staged;
} s_reg_state_t;

db_next_t score_apply_registry(consumer_apply_t *a, void *arg)
{
    score_t *s = arg;
    if (a->stage == 0) {
        s_reg_state_t *st = calloc(1, sizeof *st);
        score_entries_init(&st->entries, s->d->cfg.utc_offset);
        snprintf(st->sev, sizeof st->sev, "registry:%llu",
                 (unsigned long long)a->evs[a->n - 1]->seq);
        a->state = st;
        return lawyers_model_stage(a, lawyers_model_pool_sql) > 0 ? DB_NEXT : DB_COMMIT;
    }
    s_reg_state_t *st = a->state;
    if (a->stage == 1) {
        const PGresult *res = db_job_result(a->job, 0);
        st->members = PQcopyResult(res, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES);
        /* Settle the facts parked for these lawyers, if any. */
        pgarr_t centers, lawyers;
        pgarr_init(&centers);
        pgarr_init(&lawyers);
        for (int i = 0; i < PQntuples(res); i++) {
            pgarr_add(&centers, db_value(res, i, 0));
            pgarr_add(&lawyers, db_value(res, i, 1));
        }
        const char *params[] = {pgarr_str(&centers), pgarr_str(&lawyers)};
        db_job_add(a->job, s_settle_lawyers_sql, 2, params);
        pgarr_free(&centers);
        pgarr_free(&lawyers);
        return DB_NEXT;
    }
    if (a->stage == 2) {
        s_settle(db_job_result(a->job, 0), st->sev, &st->entries);
        st->staged = score_entries_stage(&st->entries, a->job);
        return st->staged ? DB_NEXT : DB_COMMIT;
    }
    return DB_COMMIT;
}

void score_finish_registry(consumer_apply_t *a, bool committed, void *arg)
{
    score_t *s = arg;
    s_reg_state_t *st = a->state;
    if (!st)
        return;
    if (committed) {
        if (st->members)
            score_board_update_members(s, st->members);
        if (st->staged)
            score_board_update_points(s, db_job_result(a->job, 0));
        for (size_t i = 0; i < a->n; i++)
            score_mark_dirty(s, a->evs[i]->center);
    }
    PQclear(st->members);
    score_entries_free(&st->entries);
    free(st);
    a->state = NULL;
}
