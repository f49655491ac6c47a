/* assign_lawyers — assignd's read-model of the registry: each lawyer's name,
 * pools, status, the pools they may be given work in now (serving) and their
 * case-pool mentor. Decoded with lawyers_model_foreach; the upsert is
 * assignd's own because the common one knows nothing of serving or mentors. */
#include "assign.h"

#include "fayuan/lawyers_model.h"
#include "fayuan/pgarr.h"

#include <string.h>

#define NCOLS 7

static const char s_upsert_sql[] =
    "INSERT INTO lawyers (center, licence, name, pools, status, serving, mentor) "
    "SELECT DISTINCT ON (center, licence) center, licence, name, "
    "       coalesce(string_to_array(nullif(pools, ''), ';'), '{}'), status, "
    "       coalesce(string_to_array(nullif(serving, ''), ';'), '{}'), mentor "
    "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
    "            $7::text[]) WITH ORDINALITY "
    "     AS r(center, licence, name, pools, status, serving, mentor, ord) "
    "ORDER BY center, licence, ord DESC "
    "ON CONFLICT (center, licence) DO UPDATE SET name = excluded.name, pools = excluded.pools, "
    "  status = excluded.status, serving = excluded.serving, mentor = excluded.mentor";

static const char *s_status(const Fayuan__LawyerChanged *ev)
{
    return ev->status && ev->status[0] ? ev->status : "active";
}

size_t assign_serving(const Fayuan__LawyerChanged *ev, const char **out, size_t max)
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

const char *assign_case_mentor(const Fayuan__LawyerChanged *ev)
{
    for (size_t i = 0; i < ev->n_memberships; i++) {
        const Fayuan__Membership *m = ev->memberships[i];
        if (m->pool && strcmp(m->pool, "case") == 0)
            return m->mentor ? m->mentor : "";
    }
    return "";
}

typedef struct {
    pgarr_t cols[NCOLS];
    size_t n;
} s_columns_t;

/* items[0..n) joined by ';' into buf (truncated to len). */
static void s_join(char *buf, size_t len, const char *const *items, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strncat(buf, ";", len - strlen(buf) - 1);
        strncat(buf, items[i], len - strlen(buf) - 1);
    }
}

static void s_add_row(const Fayuan__Envelope *env, const Fayuan__LawyerChanged *ev, void *arg)
{
    s_columns_t *c = arg;
    char pools[64], serving[64];
    const char *items[8];
    size_t n = ev->n_pools < 8 ? ev->n_pools : 8;
    for (size_t i = 0; i < n; i++)
        items[i] = ev->pools[i];
    s_join(pools, sizeof pools, items, n);
    n = assign_serving(ev, items, 8);
    s_join(serving, sizeof serving, items, n);
    const char *vals[NCOLS] = {env->center, ev->licence,           ev->name, pools, s_status(ev),
                               serving,     assign_case_mentor(ev)};
    for (int i = 0; i < NCOLS; i++)
        pgarr_add(&c->cols[i], vals[i]);
    c->n++;
}

db_next_t assign_apply_registry(consumer_apply_t *a, void *arg)
{
    if (a->stage > 0)
        return DB_COMMIT;
    s_columns_t c = {.n = 0};
    for (int i = 0; i < NCOLS; i++)
        pgarr_init(&c.cols[i]);
    lawyers_model_foreach(a, s_add_row, &c);
    if (c.n > 0) {
        const char *params[NCOLS];
        for (int i = 0; i < NCOLS; i++)
            params[i] = pgarr_str(&c.cols[i]);
        db_job_add(a->job, s_upsert_sql, NCOLS, params);
    }
    for (int i = 0; i < NCOLS; i++)
        pgarr_free(&c.cols[i]);
    return c.n > 0 ? DB_NEXT : DB_COMMIT;
}
