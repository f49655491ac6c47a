/* lawyers_model — see include/fayuan/lawyers_model.h. */
#include "fayuan/lawyers_model.h"

#include "fayuan/log.h"
#include "fayuan/pgarr.h"

#include <string.h>

#define NCOLS 8

const char *const lawyers_model_types[] = {"LawyerChanged", NULL};

const char lawyers_model_pool_sql[] =
    "INSERT INTO lawyers (center, licence, name, pools, status) "
    "SELECT DISTINCT ON (center, licence) center, licence, name, "
    "       coalesce(string_to_array(nullif(pools, ''), ';'), '{}'), status "
    "FROM " LAWYERS_MODEL_UNNEST " ORDER BY center, licence, ord DESC "
    "ON CONFLICT (center, licence) DO UPDATE SET name = excluded.name, "
    "  pools = excluded.pools, status = excluded.status "
    "RETURNING center, licence, status IN ('active', 'suspended') AND cardinality(pools) > 0";

void lawyers_model_foreach(const consumer_apply_t *a,
                           void (*fn)(const Fayuan__Envelope *env, const Fayuan__LawyerChanged *ev,
                                      void *arg),
                           void *arg)
{
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
        fn(env, ev, arg);
        fayuan__lawyer_changed__free_unpacked(ev, NULL);
    }
}

typedef struct {
    pgarr_t cols[NCOLS];
    size_t n;
} s_columns_t;

static void s_add_row(const Fayuan__Envelope *env, const Fayuan__LawyerChanged *ev, void *arg)
{
    s_columns_t *c = arg;
    char pools[64] = "";
    for (size_t p = 0; p < ev->n_pools; p++) {
        if (p)
            strncat(pools, ";", sizeof pools - strlen(pools) - 1);
        strncat(pools, ev->pools[p], sizeof pools - strlen(pools) - 1);
    }
    const char *vals[NCOLS] = {
        env->center, ev->licence, ev->name, ev->firm,
        ev->phone,   ev->email,   pools,    ev->status[0] ? ev->status : "active"};
    for (int i = 0; i < NCOLS; i++)
        pgarr_add(&c->cols[i], vals[i]);
    c->n++;
}

size_t lawyers_model_stage(consumer_apply_t *a, const char *upsert_sql)
{
    s_columns_t c = {.n = 0};
    for (int i = 0; i < NCOLS; i++)
        pgarr_init(&c.cols[i]);
    lawyers_model_foreach(a, s_add_row, &c);
    if (c.n > 0) {
        const char *params[NCOLS];
        for (int i = 0; i < NCOLS; i++)
            params[i] = pgarr_str(&c.cols[i]);
        db_job_add(a->job, upsert_sql, NCOLS, params);
    }
    for (int i = 0; i < NCOLS; i++)
        pgarr_free(&c.cols[i]);
    return c.n;
}

db_next_t lawyers_model_apply(consumer_apply_t *a, void *upsert_sql)
{
    if (a->stage > 0)
        return DB_COMMIT;
    return lawyers_model_stage(a, upsert_sql) > 0 ? DB_NEXT : DB_COMMIT;
}
