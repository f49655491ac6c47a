/* daemon — see include/fayuan/daemon.h. */
#include "fayuan/daemon.h"

#include "fayuan/log.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const daemon_services[DAEMON_NSERVICES] = {"registry", "roster", "assign",
                                                       "score",    "notify", "gateway"};

#define MAX_ROWS 64
#define DRAIN_MS 5000
#define MIGRATE_TRIES 60

size_t daemon_config_rows(daemon_config_t *cfg, cf_row_t *rows, size_t max)
{
    size_t n = 0;
    rows[n++] = (cf_row_t){"center", "default", CF_STR, &cfg->center, "wz", false, 0, 0};
    rows[n++] = (cf_row_t){
        "center", "utc_offset_minutes", CF_INT, &cfg->utc_offset, "480", false, -720, 840};
    rows[n++] = (cf_row_t){"db", "dsn", CF_STR, &cfg->dsn, NULL, false, 0, 0};
    rows[n++] = (cf_row_t){"log", "level", CF_STR, &cfg->log_level, "info", true, 0, 0};
    for (int i = 0; i < DAEMON_NSERVICES && n + 2 <= max; i++) {
        rows[n++] = (cf_row_t){daemon_services[i], "pub", CF_STR, &cfg->pub[i], NULL, false, 0, 0};
        rows[n++] = (cf_row_t){daemon_services[i], "ctl", CF_STR, &cfg->ctl[i], NULL, false, 0, 0};
    }
    return n;
}

static int s_index(const char *service)
{
    for (int i = 0; i < DAEMON_NSERVICES; i++)
        if (strcmp(daemon_services[i], service) == 0)
            return i;
    return -1;
}

const char *daemon_pub_endpoint(const daemon_config_t *cfg, const char *service)
{
    int i = s_index(service);
    return i < 0 ? NULL : cfg->pub[i];
}

const char *daemon_ctl_endpoint(const daemon_config_t *cfg, const char *service)
{
    int i = s_index(service);
    return i < 0 ? NULL : cfg->ctl[i];
}

static size_t s_all_rows(daemon_t *d, cf_row_t *rows)
{
    size_t n = daemon_config_rows(&d->cfg, rows, MAX_ROWS);
    for (size_t i = 0; i < d->spec->nrows && n < MAX_ROWS; i++)
        rows[n++] = d->spec->rows[i];
    return n;
}

static int s_load_config(daemon_t *d, bool reload)
{
    cf_row_t rows[MAX_ROWS];
    size_t n = s_all_rows(d, rows);
    const char *strict[] = {"center", "db", "log", d->spec->name, NULL};
    char err[512];
    if (config_load(d->config_path, rows, n, strict, reload, err, sizeof err) != 0) {
        log_error("configuration: %s", err);
        return -1;
    }
    int level = log_level_parse(d->cfg.log_level);
    if (level < 0) {
        log_error("configuration: [log] level '%s' is not error|warn|info|debug", d->cfg.log_level);
        return -1;
    }
    log_set_level((log_level_t)level);
    return 0;
}

static int s_migrate(daemon_t *d)
{
    char err[1024];
    for (int attempt = 1; attempt <= MIGRATE_TRIES; attempt++) {
        PGconn *conn = db_connect_blocking(d->cfg.dsn, d->spec->name, err, sizeof err);
        if (conn) {
            int rc = migrate_run(conn, d->spec->name, "common", common_migrations,
                                 common_migrations_count, err, sizeof err);
            if (rc == 0)
                rc = migrate_run(conn, d->spec->name, d->spec->name, d->spec->migrations,
                                 d->spec->nmigrations, err, sizeof err);
            PQfinish(conn);
            if (rc == 0)
                return 0;
            log_error("migration failed: %s", err);
            return -1;
        }
        log_warn("database not reachable (attempt %d): %s", attempt, err);
        sleep(1);
    }
    return -1;
}

static void s_on_ctl(bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd, void *arg)
{
    daemon_t *d = arg;
    if (strcmp(cmd->command, "ping") == 0) {
        char body[128];
        int n = snprintf(body, sizeof body, "{\"service\":\"%s\",\"db\":%s}", d->spec->name,
                         db_is_ready(d->db) ? "true" : "false");
        bus_ctl_reply_ok(req, body, (size_t)n);
        return;
    }
    if (d->stopping) {
        bus_ctl_reply_error(req, "stopping", "服务正在停止，请稍后重试");
        return;
    }
    if (!d->spec->command) {
        bus_ctl_reply_error(req, "unknown_command", "该服务不支持此命令");
        return;
    }
    d->spec->command(d, req, cmd, d->svc);
}

consumer_t *daemon_follow(daemon_t *d, const char *producer, const char *const *types,
                          consumer_apply_fn apply, consumer_finish_fn finish, void *arg)
{
    if (d->nconsumers == DAEMON_NSERVICES) {
        log_error("too many consumers");
        return NULL;
    }
    consumer_config_t cc = {
        .producer = producer,
        .endpoint = daemon_pub_endpoint(&d->cfg, producer),
        .apply = apply,
        .finish = finish,
        .arg = arg,
        .types = types,
    };
    char err[256];
    consumer_t *c =
        cc.endpoint ? consumer_new(d->base, d->zctx, d->db, &cc, err, sizeof err) : NULL;
    if (!c) {
        log_error("cannot follow %s: %s", producer, cc.endpoint ? err : "unknown service");
        return NULL;
    }
    d->consumers[d->nconsumers++] = c;
    return c;
}

static void s_on_db_ready(void *arg)
{
    daemon_t *d = arg;
    for (size_t i = 0; i < d->nconsumers; i++)
        consumer_start(d->consumers[i]);
    if (d->spec->on_db_ready)
        d->spec->on_db_ready(d, d->svc);
}

static void s_on_drain(evutil_socket_t fd, short what, void *arg)
{
    daemon_t *d = arg;
    static int waited_ms;
    if (db_queue_length(d->db) == 0 || waited_ms >= DRAIN_MS || !db_is_ready(d->db)) {
        event_base_loopbreak(d->base);
        return;
    }
    waited_ms += 20;
    struct timeval tv = {0, 20000};
    evtimer_add(d->ev_drain, &tv);
}

static void s_on_stop(evutil_socket_t sig, short what, void *arg)
{
    daemon_t *d = arg;
    if (d->stopping)
        return;
    d->stopping = true;
    log_info("signal %d: finishing queued work, then exiting", (int)sig);
    event_active(d->ev_drain, EV_TIMEOUT, 0);
}

static void s_on_hup(evutil_socket_t sig, short what, void *arg)
{
    daemon_t *d = arg;
    if (s_load_config(d, true) == 0)
        log_info("configuration reloaded");
}

static void s_usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [-c CONFIG]\n  CONFIG defaults to $FAYUAN_CONF or /etc/fayuan/fayuan.conf\n",
            prog);
}

int daemon_main(int argc, char **argv, const daemon_spec_t *spec, void *svc)
{
    int rc = 1;
    daemon_t d = {.spec = spec, .svc = svc};
    const char *conf = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "c:h")) != -1) {
        if (opt == 'c')
            conf = optarg;
        else {
            s_usage(argv[0]);
            return opt == 'h' ? 0 : 2;
        }
    }
    d.config_path = config_default_path(conf);
    log_init(spec->name);
    cf_row_t rows[MAX_ROWS];
    size_t nrows = s_all_rows(&d, rows);

    if (s_load_config(&d, false) != 0)
        goto out_config;
    signal(SIGPIPE, SIG_IGN);
    d.base = event_base_new();
    d.ev_term = evsignal_new(d.base, SIGTERM, s_on_stop, &d);
    d.ev_int = evsignal_new(d.base, SIGINT, s_on_stop, &d);
    d.ev_hup = evsignal_new(d.base, SIGHUP, s_on_hup, &d);
    d.ev_drain = evtimer_new(d.base, s_on_drain, &d);
    event_add(d.ev_term, NULL);
    event_add(d.ev_int, NULL);
    event_add(d.ev_hup, NULL);

    if (s_migrate(&d) != 0)
        goto out_base;
    d.db = db_new(d.base, d.cfg.dsn, spec->name);
    db_on_ready(d.db, s_on_db_ready, &d);

    char err[512];
    d.zctx = zmq_ctx_new();
    d.pub = bus_pub_new(d.zctx, daemon_pub_endpoint(&d.cfg, spec->name), err, sizeof err);
    if (!d.pub) {
        log_error("%s", err);
        goto out_zmq;
    }
    d.ctl = bus_ctl_new(d.base, d.zctx, daemon_ctl_endpoint(&d.cfg, spec->name), s_on_ctl, &d, err,
                        sizeof err);
    if (!d.ctl) {
        log_error("%s", err);
        goto out_zmq;
    }
    d.outbox = outbox_new(spec->name, d.pub);
    if (spec->init && spec->init(&d, svc) != 0)
        goto out_zmq;
    db_start(d.db);
    log_info("started (config %s)", d.config_path);
    event_base_dispatch(d.base);
    rc = 0;
    /* Pending jobs end (done callbacks run) while the service's objects they
     * point to still exist; then the service tears itself down. */
    db_destroy(&d.db);
    if (spec->fini)
        spec->fini(&d, svc);
    for (size_t i = 0; i < d.nconsumers; i++)
        consumer_destroy(&d.consumers[i]);
    log_info("stopped");
out_zmq:
    for (size_t i = 0; i < d.nconsumers; i++)
        consumer_destroy(&d.consumers[i]);
    outbox_destroy(&d.outbox);
    bus_ctl_destroy(&d.ctl);
    bus_pub_destroy(&d.pub);
    db_destroy(&d.db);
    zmq_ctx_term(d.zctx);
out_base:
    event_free(d.ev_term);
    event_free(d.ev_int);
    event_free(d.ev_hup);
    event_free(d.ev_drain);
    event_base_free(d.base);
out_config:
    config_free(rows, nrows);
    return rc;
}
