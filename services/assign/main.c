/* assignd — case assignment. See services/assign/assign.h. It follows the
 * registry (its read-model of lawyers) and the gateway (the case system's
 * closures), and answers ping, "pool" (how many may be given cases now) and
 * the staff commands about cases. */
#include "assign.h"

#include "fayuan/lawyers_model.h"
#include "fayuan/log.h"

#include <stdio.h>
#include <string.h>

static assign_t s_assign;

static const char *const s_gateway_types[] = {"CaseEvent", NULL};

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

static void s_cmd_pool(daemon_t *d, bus_ctl_req_t *req)
{
    const char *params[] = {d->cfg.center};
    db_job_t *job = db_job_new(d->db, NULL, s_pool_done, req);
    db_job_add(job, "SELECT count(*) FROM lawyers WHERE center = $1 AND 'case' = ANY(serving)", 1,
               params);
    db_job_submit(job);
}

static void s_command(daemon_t *d, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd, void *svc)
{
    assign_t *as = svc;
    if (strcmp(cmd->command, "pool") == 0)
        s_cmd_pool(d, req);
    else if (strcmp(cmd->command, "case_assign") == 0)
        assign_cmd_assign(as, req, cmd);
    else if (strcmp(cmd->command, "case_finish") == 0)
        assign_cmd_finish(as, req, cmd);
    else if (strcmp(cmd->command, "cases") == 0)
        assign_cmd_cases(as, req, cmd);
    else
        bus_ctl_reply_error(req, "unknown_command", "指派服务不支持此命令");
}

static int s_init(daemon_t *d, void *svc)
{
    assign_t *as = svc;
    as->d = d;
    as->registry = daemon_follow(d, "registry", lawyers_model_types, lawyers_model_apply, NULL,
                                 (void *)assign_lawyers_sql);
    as->gateway = daemon_follow(d, "gateway", s_gateway_types, assign_apply_gateway,
                                assign_finish_gateway, as);
    return as->registry && as->gateway ? 0 : -1;
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
