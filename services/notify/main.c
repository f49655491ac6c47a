/* notifyd — messages to lawyers. See services/notify/notify.h. */
#include "notify.h"

#include "fayuan/log.h"

static notify_t s_notify;

static const cf_row_t s_rows[] = {
    {"notify", "spool", CF_STR, &s_notify.spool, "/var/spool/fayuan/notifications.jsonl", false, 0,
     0},
    {"notify", "center_name", CF_STR, &s_notify.center_name, "温州市法律援助中心", true, 0, 0},
};

static int s_init(daemon_t *d, void *svc)
{
    notify_t *n = svc;
    n->d = d;
    notify_deliver_init(n);
    char err[256];
    consumer_config_t reg = {
        .producer = "registry",
        .endpoint = daemon_pub_endpoint(&d->cfg, "registry"),
        .apply = notify_apply_registry,
        .arg = n,
    };
    consumer_config_t sco = {
        .producer = "score",
        .endpoint = daemon_pub_endpoint(&d->cfg, "score"),
        .apply = notify_apply_score,
        .finish = notify_finish_score,
        .arg = n,
    };
    n->registry = consumer_new(d->base, d->zctx, d->db, &reg, err, sizeof err);
    n->score = n->registry ? consumer_new(d->base, d->zctx, d->db, &sco, err, sizeof err) : NULL;
    if (!n->score) {
        log_error("%s", err);
        return -1;
    }
    return 0;
}

static void s_on_db_ready(daemon_t *d, void *svc)
{
    notify_t *n = svc;
    consumer_start(n->registry);
    consumer_start(n->score);
    notify_deliver_kick(n); /* anything left pending by a previous run */
}

static void s_fini(daemon_t *d, void *svc)
{
    notify_t *n = svc;
    consumer_destroy(&n->registry);
    consumer_destroy(&n->score);
    notify_deliver_fini(n);
}

int main(int argc, char **argv)
{
    daemon_spec_t spec = {
        .name = "notify",
        .migrations = notify_migrations,
        .nmigrations = notify_migrations_count,
        .rows = s_rows,
        .nrows = sizeof s_rows / sizeof s_rows[0],
        .init = s_init,
        .on_db_ready = s_on_db_ready,
        .fini = s_fini,
    };
    return daemon_main(argc, argv, &spec, &s_notify);
}
