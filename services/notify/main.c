/* notifyd — messages to lawyers. See services/notify/notify.h. */
#include "notify.h"

#include "fayuan/log.h"

static notify_t s_notify;

static const cf_row_t s_rows[] = {
    {"notify", "spool", CF_STR, &s_notify.spool, "/var/spool/fayuan/notifications.jsonl", false, 0,
     0},
    {"notify", "center_name", CF_STR, &s_notify.center_name, "温州市法律援助中心", true, 0, 0},
};

static const char *const s_score_types[] = {"TierChanged", NULL};

static int s_init(daemon_t *d, void *svc)
{
    notify_t *n = svc;
    n->d = d;
    notify_deliver_init(n);
    n->registry = daemon_follow(d, "registry", notify_registry_types, notify_apply_registry,
                                notify_finish_raised, n);
    n->score =
        daemon_follow(d, "score", s_score_types, notify_apply_score, notify_finish_raised, n);
    return n->registry && n->score ? 0 : -1;
}

static void s_on_db_ready(daemon_t *d, void *svc)
{
    notify_t *n = svc;
    notify_deliver_kick(n); /* anything left pending by a previous run */
}

static void s_fini(daemon_t *d, void *svc)
{
    notify_deliver_fini(svc);
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
