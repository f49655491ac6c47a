/* registryd — centers, lawyers and their pools. See services/registry/registry.h. */
#include "registry.h"

#include <string.h>

static void s_command(daemon_t *d, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd, void *svc)
{
    if (strcmp(cmd->command, "import_lawyers") == 0)
        registry_import_lawyers(d, req, cmd);
    else
        bus_ctl_reply_error(req, "unknown_command", "登记服务不支持此命令");
}

static registry_t s_registry;

static const cf_row_t s_rows[] = {
    {"registry", "expiry_check_s", CF_INT, &s_registry.expiry_check_s, "30", true, 1, 3600},
};

static const char *const s_score_types[] = {"SanctionDue", NULL};

static int s_init(daemon_t *d, void *svc)
{
    registry_t *reg = svc;
    reg->d = d;
    reg->score = daemon_follow(d, "score", s_score_types, registry_apply_sanctions,
                               registry_finish_sanctions, reg);
    return reg->score ? 0 : -1;
}

static void s_on_db_ready(daemon_t *d, void *svc)
{
    registry_expiry_start(svc);
}

static void s_fini(daemon_t *d, void *svc)
{
    registry_expiry_stop(svc);
}

int main(int argc, char **argv)
{
    daemon_spec_t spec = {
        .name = "registry",
        .migrations = registry_migrations,
        .nmigrations = registry_migrations_count,
        .rows = s_rows,
        .nrows = sizeof s_rows / sizeof s_rows[0],
        .init = s_init,
        .on_db_ready = s_on_db_ready,
        .command = s_command,
        .fini = s_fini,
    };
    return daemon_main(argc, argv, &spec, &s_registry);
}
