/* gatewayd — the HTTP edge for external systems. See services/gateway/gateway.h. */
#include "gateway.h"

#include "fayuan/log.h"

#include <stdlib.h>

static gateway_t s_gw;

static const cf_row_t s_rows[] = {
    {"gateway", "http_addr", CF_STR, &s_gw.http_addr, "127.0.0.1", false, 0, 0},
    {"gateway", "http_port", CF_INT, &s_gw.http_port, "8348", false, 1, 65535},
    {"gateway", "hotline_secret", CF_STR, &s_gw.hotline_secret, NULL, true, 0, 0},
    {"gateway", "quality_secret", CF_STR, &s_gw.quality_secret, NULL, true, 0, 0},
    {"gateway", "replay_window_s", CF_INT, &s_gw.replay_window_s, "300", true, 1, 86400},
    {"gateway", "max_body_bytes", CF_INT, &s_gw.max_body_bytes, "4194304", true, 1024,
     64 * 1024 * 1024},
    {"gateway", "max_batch", CF_INT, &s_gw.max_batch, "1000", true, 1, GW_MAX_RECORDS},
    {"gateway", "center_name", CF_STR, &s_gw.center_name, "温州市法律援助中心", true, 0, 0},
    {"gateway", "max_backlog", CF_INT, &s_gw.max_backlog, "50000", true, 100, 10000000},
};

static int s_init(daemon_t *d, void *svc)
{
    gateway_t *gw = svc;
    gw->d = d;
    gw->lawyers = json_object();
    gw->pub = gw_public_new();
    if (!gw->lawyers || !gw->pub || gw_public_set_center_name(gw->pub, gw->center_name) != 0)
        return -1;
    gw_commit_init(gw);
    gw->registry =
        daemon_follow(d, "registry", gw_registry_types, gw_registry_apply, gw_registry_finish, gw);
    return gw->registry ? gw_http_start(gw) : -1;
}

static void s_on_db_ready(daemon_t *d, void *svc)
{
    /* Every time, not only the first: a batch whose commit was lost with the
     * connection may have been applied without reaching memory. */
    gw_lawyers_load(svc);
}

static void s_fini(daemon_t *d, void *svc)
{
    gateway_t *gw = svc;
    gw_commit_fini(gw);
    gw_http_stop(gw);
    json_decref(gw->lawyers);
    gw_public_destroy(&gw->pub);
}

int main(int argc, char **argv)
{
    daemon_spec_t spec = {
        .name = "gateway",
        .migrations = gateway_migrations,
        .nmigrations = gateway_migrations_count,
        .rows = s_rows,
        .nrows = sizeof s_rows / sizeof s_rows[0],
        .init = s_init,
        .on_db_ready = s_on_db_ready,
        .fini = s_fini,
    };
    int rc = daemon_main(argc, argv, &spec, &s_gw);
    return rc;
}
