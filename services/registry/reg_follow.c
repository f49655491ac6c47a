/* reg_follow — what the registry learns from other services:
 *  - the gateway's QualityEvaluation: case ratings, for clause 6's "no case
 *    rated unqualified in 3 years" (evaluations table);
 *  - the gateway's CaseEvent "closed" and assignd's CaseAssigned: the first
 *    legal-aid case a lawyer handled here (clause 24, lawyers.first_case_here);
 *  - assignd's CaseAssigned / CaseFinished: the cases open with each member
 *    (open_cases). When the last one finishes, a pending voluntary exit
 *    (clause 26) is completed. */
#include "registry.h"

#include "events.pb-c.h"
#include "fayuan/log.h"
#include "fayuan/pgarr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char s_eval_sql[] =
    "INSERT INTO evaluations (external_id, center, lawyer, case_no, level, grade, evaluated_at) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], "
    "  $7::bigint[]) ON CONFLICT DO NOTHING";

/* $1 centers, $2 lawyers, $3 days (unix us): the earliest case each lawyer
 * handled here. */
static const char s_first_case_sql[] =
    "UPDATE lawyers l SET first_case_here = f.day, updated_at = now() "
    "FROM (SELECT c, x, min((to_timestamp(t / 1e6) AT TIME ZONE 'UTC' + $4::int * interval "
    "  '1 minute')::date) AS day FROM unnest($1::text[], $2::text[], $3::bigint[]) AS r(c, x, t) "
    "  GROUP BY c, x) f "
    "WHERE l.center = f.c AND l.licence = f.x "
    "  AND (l.first_case_here IS NULL OR l.first_case_here > f.day)";

static void s_first_case(consumer_apply_t *a, registry_t *reg, pgarr_t *c, pgarr_t *x, pgarr_t *t)
{
    char off[16];
    snprintf(off, sizeof off, "%d", reg->d->cfg.utc_offset);
    const char *p[] = {pgarr_str(c), pgarr_str(x), pgarr_str(t), off};
    db_job_add(a->job, s_first_case_sql, 4, p);
}

db_next_t registry_apply_gateway(consumer_apply_t *a, void *arg)
{
    registry_t *reg = arg;
    if (a->stage > 0)
        return DB_COMMIT;
    pgarr_t e[7], fc, fx, ft;
    for (int i = 0; i < 7; i++)
        pgarr_init(&e[i]);
    pgarr_init(&fc);
    pgarr_init(&fx);
    pgarr_init(&ft);
    size_t ne = 0, nf = 0;
    for (size_t i = 0; i < a->n; i++) {
        const Fayuan__Envelope *env = a->evs[i];
        if (strcmp(env->type, "QualityEvaluation") == 0) {
            Fayuan__QualityEvaluation *ev =
                fayuan__quality_evaluation__unpack(NULL, env->payload.len, env->payload.data);
            if (!ev)
                continue;
            pgarr_add(&e[0], ev->external_id);
            pgarr_add(&e[1], env->center);
            pgarr_add(&e[2], ev->lawyer);
            pgarr_add(&e[3], ev->case_no);
            pgarr_add_int(&e[4], ev->level);
            pgarr_add(&e[5], ev->grade);
            pgarr_add_int(&e[6], ev->evaluated_at);
            ne++;
            fayuan__quality_evaluation__free_unpacked(ev, NULL);
        } else if (strcmp(env->type, "CaseEvent") == 0) {
            Fayuan__CaseEvent *ev =
                fayuan__case_event__unpack(NULL, env->payload.len, env->payload.data);
            if (!ev)
                continue;
            if (strcmp(ev->type, "closed") == 0) {
                pgarr_add(&fc, env->center);
                pgarr_add(&fx, ev->lawyer);
                pgarr_add_int(&ft, ev->at);
                nf++;
            }
            fayuan__case_event__free_unpacked(ev, NULL);
        }
    }
    if (ne) {
        const char *p[7];
        for (int k = 0; k < 7; k++)
            p[k] = pgarr_str(&e[k]);
        db_job_add(a->job, s_eval_sql, 7, p);
    }
    if (nf)
        s_first_case(a, reg, &fc, &fx, &ft);
    for (int i = 0; i < 7; i++)
        pgarr_free(&e[i]);
    pgarr_free(&fc);
    pgarr_free(&fx);
    pgarr_free(&ft);
    return ne + nf > 0 ? DB_NEXT : DB_COMMIT;
}

/* A pending voluntary exit whose member has no open case any more: the
 * member leaves (state exited, kind voluntary), as the rules order. */
static const char s_complete_exits_sql[] =
    "WITH u AS (UPDATE memberships m SET state = 'exited', exit_kind = 'voluntary', "
    "    exit_pending = false, suspended_until = 0, updated_at = now() "
    "  WHERE m.exit_pending AND m.state IN ('active', 'suspended') "
    "    AND NOT EXISTS (SELECT 1 FROM open_cases o WHERE o.center = m.center "
    "                    AND o.lawyer = m.licence) "
    "  RETURNING m.center, m.licence, m.pool, m.exit_reason) "
    "INSERT INTO audit (center, lawyer, pool, action, reason, rule, actor, notice) "
    "SELECT center, licence, pool, 'exited', '已指派事项办结，自愿退出生效：' || exit_reason, "
    "  '26', 'assign', 'exited' FROM u";

db_next_t registry_apply_assign(consumer_apply_t *a, void *arg)
{
    registry_t *reg = arg;
    if (a->stage == 0) {
        size_t n = 0, nfirst = 0;
        pgarr_t fc, fx, ft;
        pgarr_init(&fc);
        pgarr_init(&fx);
        pgarr_init(&ft);
        for (size_t i = 0; i < a->n; i++) {
            const Fayuan__Envelope *env = a->evs[i];
            if (strcmp(env->type, "CaseAssigned") == 0) {
                Fayuan__CaseAssigned *ev =
                    fayuan__case_assigned__unpack(NULL, env->payload.len, env->payload.data);
                if (!ev)
                    continue;
                char at[24];
                snprintf(at, sizeof at, "%lld", (long long)ev->at);
                const char *p[] = {env->center, ev->lawyer, ev->case_no, at};
                db_job_add(a->job,
                           "INSERT INTO open_cases (center, lawyer, case_no, since) "
                           "VALUES ($1, $2, $3, $4::bigint) ON CONFLICT DO NOTHING",
                           4, p);
                pgarr_add(&fc, env->center);
                pgarr_add(&fx, ev->lawyer);
                pgarr_add_int(&ft, ev->at);
                n++;
                nfirst++;
                fayuan__case_assigned__free_unpacked(ev, NULL);
            } else if (strcmp(env->type, "CaseFinished") == 0) {
                Fayuan__CaseFinished *ev =
                    fayuan__case_finished__unpack(NULL, env->payload.len, env->payload.data);
                if (!ev)
                    continue;
                const char *p[] = {env->center, ev->lawyer, ev->case_no};
                db_job_add(a->job,
                           "DELETE FROM open_cases WHERE center = $1 AND lawyer = $2 "
                           "AND case_no = $3",
                           3, p);
                n++;
                fayuan__case_finished__free_unpacked(ev, NULL);
            }
        }
        if (nfirst > 0)
            s_first_case(a, reg, &fc, &fx, &ft);
        pgarr_free(&fc);
        pgarr_free(&fx);
        pgarr_free(&ft);
        if (n == 0)
            return DB_COMMIT;
        db_job_add(a->job, s_complete_exits_sql, 0, NULL);
        return reg_batch_announce(a);
    }
    return reg_batch_events(reg, a);
}
