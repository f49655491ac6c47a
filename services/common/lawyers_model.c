/* lawyers_model — see include/fayuan/lawyers_model.h. */
#include "fayuan/lawyers_model.h"

#include "fayuan/log.h"
#include "fayuan/pgarr.h"

#include <string.h>

#define NCOLS 10

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

static const char *s_status(const Fayuan__LawyerChanged *ev)
{
    return ev->status && ev->status[0] ? ev->status : "active";
}

size_t lawyers_model_serving(const Fayuan__LawyerChanged *ev, const char **out, size_t max)
{
    size_t n = 0;
    if (ev->n_memberships > 0 || ev->n_serving > 0) {
        for (size_t i = 0; i < ev->n_serving && n < max; i++)
            out[n++] = ev->serving[i];
        return n;
    }
    if (strcmp(s_status(ev), "active") != 0)
        return 0;
    for (size_t i = 0; i < ev->n_pools && n < max; i++) {
        if (ev->cases_suspended && strcmp(ev->pools[i], "case") == 0)
            continue;
        out[n++] = ev->pools[i];
    }
    return n;
}

const char *lawyers_model_case_mentor(const Fayuan__LawyerChanged *ev)
{
    for (size_t i = 0; i < ev->n_memberships; i++) {
        const Fayuan__Membership *m = ev->memberships[i];
        if (m->pool && strcmp(m->pool, "case") == 0)
            return m->mentor ? m->mentor : "";
    }
    return "";
}

/* items[0..n) joined by ';' into buf (truncated to len). */
static void s_join(char *buf, size_t len, char *const *items, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strncat(buf, ";", len - strlen(buf) - 1);
        strncat(buf, items[i], len - strlen(buf) - 1);
    }
}

typedef struct {
    pgarr_t cols[NCOLS];
    size_t n;
} s_columns_t;

static void s_add_row(const Fayuan__Envelope *env, const Fayuan__LawyerChanged *ev, void *arg)
{
    s_columns_t *c = arg;
    char pools[64], serving[64];
    const char *items[8];
    s_join(pools, sizeof pools, ev->pools, ev->n_pools);
    s_join(serving, sizeof serving, (char *const *)items, lawyers_model_serving(ev, items, 8));
    const char *vals[NCOLS] = {
        env->center, ev->licence, ev->name,     ev->firm, ev->phone,
        ev->email,   pools,       s_status(ev), serving,  lawyers_model_case_mentor(ev)};
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
