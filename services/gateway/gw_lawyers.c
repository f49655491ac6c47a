/* gw_lawyers — the gateway's read-model of the registry: which licences
 * exist at this gateway's center, so that a feed record for an unknown
 * lawyer is refused at the door. Kept in gateway.lawyers (from LawyerChanged
 * events, exactly once via the consumer) and mirrored in memory. */
#include "gateway.h"

#include "fayuan/lawyers_model.h"
#include "fayuan/log.h"

#include <stdlib.h>
#include <string.h>

bool gw_lawyer_known(const gateway_t *gw, const char *licence)
{
    return json_object_get(gw->lawyers, licence) != NULL;
}

static void s_load_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    gateway_t *gw = arg;
    const PGresult *res = db_job_result(job, 0);
    if (!committed || !res) {
        log_error("loading the lawyer read-model failed: %s", error ? error : "?");
        return;
    }
    for (int i = 0; i < PQntuples(res); i++)
        json_object_set_new(gw->lawyers, db_value(res, i, 0), json_true());
    gw->lawyers_loaded = true;
    log_info("%d lawyers known at center %s", PQntuples(res), gw->d->cfg.center);
}

void gw_lawyers_load(gateway_t *gw)
{
    const char *params[] = {gw->d->cfg.center};
    db_job_t *job = db_job_new(gw->d->db, NULL, s_load_done, gw);
    db_job_add(job, "SELECT licence FROM lawyers WHERE center = $1", 1, params);
    db_job_submit(job);
}

db_next_t gw_registry_apply(consumer_apply_t *a, void *arg)
{
    if (a->stage > 0)
        return DB_COMMIT;
    size_t n = lawyers_model_stage(a, "INSERT INTO lawyers (center, licence) "
                                      "SELECT DISTINCT center, licence FROM " LAWYERS_MODEL_UNNEST
                                      " ON CONFLICT DO NOTHING");
    return n > 0 ? DB_NEXT : DB_COMMIT;
}

static void s_remember(const Fayuan__Envelope *env, const Fayuan__LawyerChanged *ev, void *arg)
{
    gateway_t *gw = arg;
    if (strcmp(env->center, gw->d->cfg.center) == 0)
        json_object_set_new(gw->lawyers, ev->licence, json_true());
}

void gw_registry_finish(consumer_apply_t *a, bool committed, void *arg)
{
    if (committed)
        lawyers_model_foreach(a, s_remember, arg);
}
