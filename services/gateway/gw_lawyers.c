/* gw_lawyers — the gateway's read-model of the registry: which licences
 * exist at this gateway's center, so that a feed record for an unknown
 * lawyer is refused at the door. Kept in gateway.lawyers (from LawyerChanged
 * events, exactly once via the consumer) and mirrored in memory. */
#include "gateway.h"

#include "events.pb-c.h"
#include "fayuan/log.h"
#include "fayuan/pgarr.h"

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

/* The licences of this center in a batch of registry events. */
typedef struct {
    char **licences;
    size_t n;
} s_batch_t;

db_next_t gw_registry_apply(consumer_apply_t *a, void *arg)
{
    gateway_t *gw = arg;
    if (a->stage > 0)
        return DB_COMMIT;
    s_batch_t *b = calloc(1, sizeof *b);
    b->licences = calloc(a->n, sizeof(char *));
    a->state = b;
    pgarr_t centers, licences;
    pgarr_init(&centers);
    pgarr_init(&licences);
    for (size_t i = 0; i < a->n; i++) {
        const Fayuan__Envelope *env = a->evs[i];
        if (strcmp(env->type, "LawyerChanged") != 0)
            continue;
        Fayuan__LawyerChanged *ev =
            fayuan__lawyer_changed__unpack(NULL, env->payload.len, env->payload.data);
        if (!ev) {
            log_warn("registry event %llu undecodable; skipped", (unsigned long long)env->seq);
            continue;
        }
        pgarr_add(&centers, env->center);
        pgarr_add(&licences, ev->licence);
        if (strcmp(env->center, gw->d->cfg.center) == 0)
            b->licences[b->n++] = strdup(ev->licence);
        fayuan__lawyer_changed__free_unpacked(ev, NULL);
    }
    const char *params[] = {pgarr_str(&centers), pgarr_str(&licences)};
    db_job_add(a->job,
               "INSERT INTO lawyers (center, licence) SELECT * FROM unnest($1::text[], $2::text[]) "
               "ON CONFLICT DO NOTHING",
               2, params);
    pgarr_free(&centers);
    pgarr_free(&licences);
    return DB_NEXT;
}

void gw_registry_finish(consumer_apply_t *a, bool committed, void *arg)
{
    gateway_t *gw = arg;
    s_batch_t *b = a->state;
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        if (committed)
            json_object_set_new(gw->lawyers, b->licences[i], json_true());
        free(b->licences[i]);
    }
    free(b->licences);
    free(b);
    a->state = NULL;
}
