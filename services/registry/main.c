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

int main(int argc, char **argv)
{
    static const daemon_spec_t spec = {
        .name = "registry",
        .migrations = registry_migrations,
        .nmigrations = 0,
        .command = s_command,
    };
    daemon_spec_t s = spec;
    s.nmigrations = registry_migrations_count;
    return daemon_main(argc, argv, &s, NULL);
}
