/* registryd — centers, lawyers and their pools. See services/registry/registry.h. */
#include "registry.h"

#include <string.h>

static void s_command(daemon_t *d, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd, void *svc)
{
    registry_t *reg = svc;
    if (strcmp(cmd->command, "import_lawyers") == 0)
        registry_import_lawyers(reg, req, cmd);
    else if (!registry_member_command(reg, req, cmd) && !registry_apply_command(reg, req, cmd) &&
             !registry_list_command(reg, req, cmd))
        bus_ctl_reply_error(req, "unknown_command", "登记服务不支持此命令");
}

static registry_t s_registry;

static const cf_row_t s_rows[] = {
    {"registry", "expiry_check_s", CF_INT, &s_registry.expiry_check_s, "30", true, 1, 3600},
    {"registry", "licence_years", CF_INT, &s_registry.licence_years, "2", true, 0, 50},
    {"registry", "clean_years", CF_INT, &s_registry.clean_years, "3", true, 0, 50},
    {"registry", "removal_years", CF_INT, &s_registry.removal_years, "3", true, 0, 50},
    {"registry", "probation_months", CF_INT, &s_registry.probation_months, "3", true, 1, 24},
    {"registry", "mentor_years", CF_INT, &s_registry.mentor_years, "3", true, 0, 50},
    {"registry", "companion_years", CF_INT, &s_registry.companion_years, "3", true, 0, 50},
};

static const char *const s_score_types[] = {"SanctionDue", NULL};
static const char *const s_gateway_types[] = {"QualityEvaluation", "CaseEvent", NULL};
static const char *const s_assign_types[] = {"CaseAssigned", "CaseFinished", NULL};

static int s_init(daemon_t *d, void *svc)
{
    registry_t *reg = svc;
    reg->d = d;
    reg->score = daemon_follow(d, "score", s_score_types, registry_apply_sanctions,
                               registry_finish_events, reg);
    reg->gateway = daemon_follow(d, "gateway", s_gateway_types, registry_apply_gateway, NULL, reg);
    reg->assign = daemon_follow(d, "assign", s_assign_types, registry_apply_assign,
                                registry_finish_events, reg);
    return reg->score && reg->gateway && reg->assign ? 0 : -1;
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
