/* assignd — case assignment. At this stage it keeps its read-model of the
 * registry (the case pool) so later work can build rotation and client
 * choice on it; it answers ping and "pool" (size of the case pool). */
#include "fayuan/consumer.h"
#include "fayuan/daemon.h"
#include "fayuan/lawyers_model.h"
#include "fayuan/log.h"

#include <stdio.h>
#include <string.h>

extern const migration_t assign_migrations[];
extern const size_t assign_migrations_count;

typedef struct {
    daemon_t *d;
    consumer_t *registry;
} assign_t;

static assign_t s_assign;

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
    as->registry = daemon_follow(d, "registry", lawyers_model_types, lawyers_model_apply, NULL,
                                 (void *)lawyers_model_pool_sql);
    return as->registry ? 0 : -1;
}

int main(int argc, char **argv)
{
    daemon_spec_t spec = {
        .name = "assign",
        .migrations = assign_migrations,
        .nmigrations = assign_migrations_count,
        .init = s_init,
        .command = s_command,
    };
    return daemon_main(argc, argv, &spec, &s_assign);
}
