/* assignd — case assignment. At this stage it keeps its read-model of the
 * registry (the case pool) so later work can build rotation and client
 * choice on it; it answers ping and "pool" (size of the case pool). */
#include "fayuan/consumer.h"
#include "fayuan/daemon.h"
#include "fayuan/log.h"
#include "fayuan/pgarr.h"

#include "events.pb-c.h"

#include <stdio.h>
#include <string.h>

extern const migration_t assign_migrations[];
extern const size_t assign_migrations_count;

typedef struct {
    daemon_t *d;
    consumer_t *registry;
} assign_t;

static assign_t s_assign;

static db_next_t s_apply_registry(consumer_apply_t *a, void *arg)
{
    if (a->stage > 0)
        return DB_COMMIT;
    pgarr_t cols[5];
    for (int c = 0; c < 5; c++)
        pgarr_init(&cols[c]);
    size_t n = 0;
    for (size_t i = 0; i < a->n; i++) {
        const Fayuan__Envelope *env = a->evs[i];
        if (strcmp(env->type, "LawyerChanged") != 0)
            continue;
        Fayuan__LawyerChanged *ev =
            fayuan__lawyer_changed__unpack(NULL, env->payload.len, env->payload.data);
        if (!ev)
            continue;
        char pools[64] = "";
        for (size_t p = 0; p < ev->n_pools; p++) {
            if (p)
                strncat(pools, ";", sizeof pools - strlen(pools) - 1);
            strncat(pools, ev->pools[p], sizeof pools - strlen(pools) - 1);
        }
        const char *vals[5] = {env->center, ev->licence, ev->name, pools,
                               ev->status[0] ? ev->status : "active"};
        for (int c = 0; c < 5; c++)
            pgarr_add(&cols[c], vals[c]);
        n++;
        fayuan__lawyer_changed__free_unpacked(ev, NULL);
    }
    if (n > 0) {
        const char *params[5];
        for (int c = 0; c < 5; c++)
            params[c] = pgarr_str(&cols[c]);
        db_job_add(a->job,
                   "INSERT INTO lawyers (center, licence, name, pools, status) "
                   "SELECT DISTINCT ON (c, l) c, l, nm, "
                   "       coalesce(string_to_array(nullif(p, ''), ';'), '{}'), st "
                   "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) "
                   "     WITH ORDINALITY AS r(c, l, nm, p, st, ord) "
                   "ORDER BY c, l, ord DESC "
                   "ON CONFLICT (center, licence) DO UPDATE SET name = excluded.name, "
                   "  pools = excluded.pools, status = excluded.status",
                   5, params);
    }
    for (int c = 0; c < 5; c++)
        pgarr_free(&cols[c]);
    return n > 0 ? DB_NEXT : DB_COMMIT;
}

static void s_pool_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    bus_ctl_req_t *req = arg;
    const PGresult *res = db_job_result(job, 0);
    if (!committed || !res) {
        bus_ctl_reply_error(req, "db_error", "查询失败，请稍后重试");
        return;
    }
    char body[64];
    int n = snprintf(body, sizeof body, "{\"case_pool\":%lld}", (long long)db_int64(res, 0, 0));
    bus_ctl_reply_ok(req, body, (size_t)n);
}

static void s_command(daemon_t *d, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd, void *svc)
{
    if (strcmp(cmd->command, "pool") != 0) {
        bus_ctl_reply_error(req, "unknown_command", "指派服务不支持此命令");
        return;
    }
    const char *params[] = {d->cfg.center};
    db_job_t *job = db_job_new(d->db, NULL, s_pool_done, req);
    db_job_add(job,
               "SELECT count(*) FROM lawyers WHERE center = $1 AND status = 'active' "
               "AND 'case' = ANY(pools)",
               1, params);
    db_job_submit(job);
}

static int s_init(daemon_t *d, void *svc)
{
    assign_t *as = svc;
    as->d = d;
    char err[256];
    consumer_config_t cc = {
        .producer = "registry",
        .endpoint = daemon_pub_endpoint(&d->cfg, "registry"),
        .apply = s_apply_registry,
        .arg = as,
    };
    as->registry = consumer_new(d->base, d->zctx, d->db, &cc, err, sizeof err);
    if (!as->registry) {
        log_error("%s", err);
        return -1;
    }
    return 0;
}

static void s_on_db_ready(daemon_t *d, void *svc)
{
    consumer_start(((assign_t *)svc)->registry);
}

static void s_fini(daemon_t *d, void *svc)
{
    consumer_destroy(&((assign_t *)svc)->registry);
}

int main(int argc, char **argv)
{
    daemon_spec_t spec = {
        .name = "assign",
        .migrations = assign_migrations,
        .nmigrations = assign_migrations_count,
        .init = s_init,
        .on_db_ready = s_on_db_ready,
        .command = s_command,
        .fini = s_fini,
    };
    return daemon_main(argc, argv, &spec, &s_assign);
}
