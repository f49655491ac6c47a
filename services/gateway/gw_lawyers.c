/* gw_lawyers — the gateway's read-model of the registry, written exactly once
 * per event by the consumer (LawyerChanged, CasePoolPublished) into
 * gateway.lawyers and gateway.case_pool_lists, and mirrored in memory after
 * each commit:
 *  - which licences exist at this gateway's center (gw->lawyers), so that a
 *    feed record for an unknown lawyer is refused at the door;
 *  - the public case-pool list of clause 8 (gw->pub, gw_public.h): the five
 *    public fields of each member serving in the case pool ("case" among the
 *    pools lawyers_model_serving gives), and the annual lists the registry
 *    published.
 * Memory is loaded from the tables each time the database becomes ready, so
 * it is right after a restart, a reconnect and a catch-up. */
#include "gateway.h"

#include "fayuan/lawyers_model.h"
#include "fayuan/log.h"
#include "fayuan/pgarr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const gw_registry_types[] = {"LawyerChanged", "CasePoolPublished", NULL};

/* Public fields are written only for members serving in the case pool; a
 * member who stops serving has them blanked. Several changes of one lawyer
 * in a batch: the last one counts. */
static const char s_upsert_lawyers_sql[] =
    "INSERT INTO lawyers (center, licence, name, gender, birth_date, licensed_since, specialties, "
    "                     serving_case) "
    "SELECT DISTINCT ON (center, licence) center, licence, name, gender, birth_date::date, "
    "       licensed_since::date, specialties::text[], serving::boolean "
    "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
    "            $7::text[], $8::text[]) WITH ORDINALITY "
    "  AS r(center, licence, name, gender, birth_date, licensed_since, specialties, serving, ord) "
    "ORDER BY center, licence, ord DESC "
    "ON CONFLICT (center, licence) DO UPDATE SET name = excluded.name, gender = excluded.gender, "
    "  birth_date = excluded.birth_date, licensed_since = excluded.licensed_since, "
    "  specialties = excluded.specialties, serving_case = excluded.serving_case";

/* The latest publication of a year (in the registry's commit order) wins. */
static const char s_upsert_lists_sql[] =
    "INSERT INTO case_pool_lists (center, year, published_at, entries) "
    "SELECT DISTINCT ON (center, year) center, year::integer, published_at::bigint, "
    "       entries::jsonb "
    "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY "
    "  AS r(center, year, published_at, entries, ord) "
    "ORDER BY center, year, ord DESC "
    "ON CONFLICT (center, year) DO UPDATE SET published_at = excluded.published_at, "
    "  entries = excluded.entries";

static const char s_load_lawyers_sql[] =
    "SELECT licence, serving_case, name, gender, coalesce(to_char(birth_date, 'YYYY-MM-DD'), ''), "
    "       coalesce(to_char(licensed_since, 'YYYY-MM-DD'), ''), array_to_json(specialties)::text "
    "FROM lawyers WHERE center = $1";
static const char s_load_lists_sql[] =
    "SELECT year, published_at, entries::text FROM case_pool_lists WHERE center = $1";

/* Serving in the case pool now, by the rule every read-model shares. */
static bool s_serving_case(const Fayuan__LawyerChanged *ev)
{
    const char *pools[8];
    size_t n = lawyers_model_serving(ev, pools, 8);
    for (size_t i = 0; i < n; i++)
        if (pools[i] && strcmp(pools[i], "case") == 0)
            return true;
    return false;
}

bool gw_lawyer_known(const gateway_t *gw, const char *licence)
{
    return json_object_get(gw->lawyers, licence) != NULL;
}

/* ---- the CasePoolPublished events of a batch -------------------------------- */

static void s_foreach_published(const consumer_apply_t *a,
                                void (*fn)(const Fayuan__Envelope *env,
                                           const Fayuan__CasePoolPublished *ev, void *arg),
                                void *arg)
{
    for (size_t i = 0; i < a->n; i++) {
        const Fayuan__Envelope *env = a->evs[i];
        if (strcmp(env->type, "CasePoolPublished") != 0)
            continue;
        Fayuan__CasePoolPublished *ev =
            fayuan__case_pool_published__unpack(NULL, env->payload.len, env->payload.data);
        if (!ev) {
            log_warn("registry event %llu undecodable; skipped", (unsigned long long)env->seq);
            continue;
        }
        if (ev->year <= 0)
            log_warn("registry event %llu: a case-pool list of year %d; skipped",
                     (unsigned long long)env->seq, (int)ev->year);
        else
            fn(env, ev, arg);
        fayuan__case_pool_published__free_unpacked(ev, NULL);
    }
}

/* ---- applying a batch --------------------------------------------------------- */

#define NLAWYER_COLS 8
#define NLIST_COLS 4

typedef struct {
    pgarr_t cols[NLAWYER_COLS];
    size_t n;
    bool oom;
} s_lawyer_cols_t;

typedef struct {
    pgarr_t cols[NLIST_COLS];
    size_t n;
    bool oom;
} s_list_cols_t;

static void s_add_lawyer(const Fayuan__Envelope *env, const Fayuan__LawyerChanged *ev, void *arg)
{
    s_lawyer_cols_t *c = arg;
    gw_member_t m;
    bool serving = s_serving_case(ev);
    char *center = gw_public_clean(env->center, 64);
    if (!center || gw_member_from_event(ev, &m) != 0) {
        free(center);
        c->oom = true;
        return;
    }
    char birth[16], licensed[16];
    snprintf(birth, sizeof birth, "%04d-%02d-%02d", m.birth_y, m.birth_m, m.birth_d);
    snprintf(licensed, sizeof licensed, "%04d-%02d-%02d", m.licensed_y, m.licensed_m, m.licensed_d);
    pgarr_t spec;
    pgarr_init(&spec);
    for (size_t i = 0; serving && i < m.nspecialties; i++)
        pgarr_add(&spec, m.specialties[i]);
    const char *vals[NLAWYER_COLS] = {
        center,
        m.key,
        serving ? m.name : "",
        serving ? m.gender : "",
        serving && m.birth_y ? birth : NULL,
        serving && m.licensed_y ? licensed : NULL,
        pgarr_str(&spec),
        serving ? "t" : "f",
    };
    for (int i = 0; i < NLAWYER_COLS; i++)
        pgarr_add(&c->cols[i], vals[i]);
    c->n++;
    pgarr_free(&spec);
    gw_member_clear(&m);
    free(center);
}

static void s_add_list(const Fayuan__Envelope *env, const Fayuan__CasePoolPublished *ev, void *arg)
{
    s_list_cols_t *c = arg;
    char *center = gw_public_clean(env->center, 64);
    json_t *entries = gw_public_entries_json(ev);
    char *text = entries ? json_dumps(entries, JSON_COMPACT) : NULL;
    if (center && text) {
        pgarr_add(&c->cols[0], center);
        pgarr_add_int(&c->cols[1], ev->year);
        pgarr_add_int(&c->cols[2], ev->published_at);
        pgarr_add(&c->cols[3], text);
        c->n++;
    } else {
        c->oom = true;
    }
    free(text);
    json_decref(entries);
    free(center);
}

db_next_t gw_registry_apply(consumer_apply_t *a, void *arg)
{
    if (a->stage > 0)
        return DB_COMMIT;
    s_lawyer_cols_t lc = {.n = 0};
    s_list_cols_t pc = {.n = 0};
    for (int i = 0; i < NLAWYER_COLS; i++)
        pgarr_init(&lc.cols[i]);
    for (int i = 0; i < NLIST_COLS; i++)
        pgarr_init(&pc.cols[i]);
    lawyers_model_foreach(a, s_add_lawyer, &lc);
    s_foreach_published(a, s_add_list, &pc);
    db_next_t next = DB_COMMIT;
    if (lc.oom || pc.oom) {
        log_error("out of memory applying registry events; retrying");
        next = DB_ROLLBACK;
        goto out;
    }
    if (lc.n > 0) {
        const char *params[NLAWYER_COLS];
        for (int i = 0; i < NLAWYER_COLS; i++)
            params[i] = pgarr_str(&lc.cols[i]);
        db_job_add(a->job, s_upsert_lawyers_sql, NLAWYER_COLS, params);
        next = DB_NEXT;
    }
    if (pc.n > 0) {
        const char *params[NLIST_COLS];
        for (int i = 0; i < NLIST_COLS; i++)
            params[i] = pgarr_str(&pc.cols[i]);
        db_job_add(a->job, s_upsert_lists_sql, NLIST_COLS, params);
        next = DB_NEXT;
    }
out:
    for (int i = 0; i < NLAWYER_COLS; i++)
        pgarr_free(&lc.cols[i]);
    for (int i = 0; i < NLIST_COLS; i++)
        pgarr_free(&pc.cols[i]);
    return next;
}

/* ---- memory, after a commit ------------------------------------------------------ */

typedef struct {
    gateway_t *gw;
    bool oom;
} s_mirror_t;

/* Puts a member into the public list or takes them out. */
static bool s_mirror_member(gw_public_t *pub, const Fayuan__LawyerChanged *ev)
{
    gw_member_t m;
    if (gw_member_from_event(ev, &m) != 0)
        return false;
    if (!s_serving_case(ev)) {
        gw_public_remove_member(pub, m.key);
        gw_member_clear(&m);
        return true;
    }
    if (m.licensed_y == 0) {
        char masked[48];
        log_warn("case-pool member %s has no licence date; the public list shows 0 years of "
                 "practice",
                 log_mask(m.key, masked, sizeof masked));
    }
    int rc = gw_public_put_member(pub, &m);
    gw_member_clear(&m);
    return rc == 0;
}

static void s_remember(const Fayuan__Envelope *env, const Fayuan__LawyerChanged *ev, void *arg)
{
    s_mirror_t *mi = arg;
    gateway_t *gw = mi->gw;
    if (strcmp(env->center, gw->d->cfg.center) != 0)
        return;
    char *key = gw_public_clean(ev->licence, GW_KEY_MAX); /* as stored by s_add_lawyer */
    if (!key || json_object_set_new(gw->lawyers, key, json_true()) != 0 ||
        !s_mirror_member(gw->pub, ev))
        mi->oom = true;
    free(key);
}

static void s_remember_list(const Fayuan__Envelope *env, const Fayuan__CasePoolPublished *ev,
                            void *arg)
{
    s_mirror_t *mi = arg;
    gateway_t *gw = mi->gw;
    if (strcmp(env->center, gw->d->cfg.center) != 0)
        return;
    json_t *entries = gw_public_entries_json(ev);
    if (!entries || gw_public_put_annual(gw->pub, ev->year, ev->published_at, entries) != 0)
        mi->oom = true;
    else
        log_info("case-pool list of %d published: %zu entries", (int)ev->year,
                 (size_t)ev->n_entries);
    json_decref(entries);
}

void gw_registry_finish(consumer_apply_t *a, bool committed, void *arg)
{
    if (!committed)
        return;
    s_mirror_t mi = {.gw = arg};
    lawyers_model_foreach(a, s_remember, &mi);
    s_foreach_published(a, s_remember_list, &mi);
    if (mi.oom) {
        log_error("out of memory mirroring the registry; reloading from the database");
        gw_lawyers_load(mi.gw);
    }
}

/* ---- loading ---------------------------------------------------------------------- */

/* A member row of s_load_lawyers_sql into the model, through the same path
 * as an event. */
static bool s_load_member(gw_public_t *pub, const PGresult *res, int i)
{
    json_t *spec = json_loads(db_value(res, i, 6), 0, NULL);
    size_t n = json_array_size(spec);
    char **sv = calloc(n ? n : 1, sizeof *sv);
    bool ok = sv != NULL;
    for (size_t k = 0; ok && k < n; k++)
        sv[k] = (char *)json_string_value(json_array_get(spec, k));
    char *case_pool[] = {"case"};
    Fayuan__LawyerChanged ev = FAYUAN__LAWYER_CHANGED__INIT;
    ev.licence = (char *)db_value(res, i, 0);
    ev.name = (char *)db_value(res, i, 2);
    ev.gender = (char *)db_value(res, i, 3);
    ev.birth_date = (char *)db_value(res, i, 4);
    ev.licensed_since = (char *)db_value(res, i, 5);
    ev.n_specialties = ok ? n : 0;
    ev.specialties = sv;
    ev.n_serving = 1;
    ev.serving = case_pool;
    ok = ok && s_mirror_member(pub, &ev);
    free(sv);
    json_decref(spec);
    return ok;
}

static void s_load_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    gateway_t *gw = arg;
    gw->reloading = false;
    const PGresult *lr = db_job_result(job, 0), *pr = db_job_result(job, 1);
    if (!committed || !lr || !pr) {
        log_error("loading the lawyer read-model failed: %s", error ? error : "?");
        return;
    }
    json_t *known = json_object();
    gw_public_t *pub = gw_public_new();
    bool ok = known && pub && gw_public_set_center_name(pub, gw->center_name) == 0;
    for (int i = 0; ok && i < PQntuples(lr); i++) {
        ok = json_object_set_new(known, db_value(lr, i, 0), json_true()) == 0;
        if (ok && strcmp(db_value(lr, i, 1), "t") == 0)
            ok = s_load_member(pub, lr, i);
    }
    for (int i = 0; ok && i < PQntuples(pr); i++) {
        json_t *entries = json_loads(db_value(pr, i, 2), 0, NULL);
        if (json_is_array(entries))
            ok = gw_public_put_annual(pub, atoi(db_value(pr, i, 0)), db_int64(pr, i, 1), entries) ==
                 0;
        else
            log_warn("the stored case-pool list of %s is unreadable; not served",
                     db_value(pr, i, 0));
        json_decref(entries);
    }
    if (!ok) {
        log_error("loading the lawyer read-model failed: out of memory");
        json_decref(known);
        gw_public_destroy(&pub);
        return;
    }
    json_decref(gw->lawyers);
    gw->lawyers = known;
    gw_public_destroy(&gw->pub);
    gw->pub = pub;
    gw->lawyers_loaded = true;
    log_info("%d lawyers known at center %s; %zu serving in the case pool; %d annual lists",
             PQntuples(lr), gw->d->cfg.center, gw_public_member_count(pub), PQntuples(pr));
}

void gw_lawyers_load(gateway_t *gw)
{
    if (gw->reloading)
        return;
    const char *params[] = {gw->d->cfg.center};
    db_job_t *job = db_job_new(gw->d->db, NULL, s_load_done, gw);
    db_job_add(job, s_load_lawyers_sql, 1, params);
    db_job_add(job, s_load_lists_sql, 1, params);
    gw->reloading = true;
    db_job_submit(job);
}
