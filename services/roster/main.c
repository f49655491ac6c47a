/* rosterd — duty shifts. See services/roster/roster.h. */
#include "roster.h"

#include "fayuan/log.h"

static roster_t s_roster;

static const cf_row_t s_rows[] = {
    {"roster", "working_hours", CF_STR, &s_roster.working_hours, "08:30-12:00,14:00-17:30", false,
     0, 0},
    {"roster", "holidays", CF_STR, &s_roster.holidays, "", false, 0, 0},
    {"roster", "workdays", CF_STR, &s_roster.workdays, "", false, 0, 0},
    {"roster", "hours_rule", CF_STR, &s_roster.hours_rule, "majority", false, 0, 0},
    {"roster", "max_shift_hours", CF_INT, &s_roster.max_shift_hours, "12", false, 1, 24},
};

static int s_init(daemon_t *d, void *svc)
{
    roster_t *r = svc;
    r->d = d;
    char err[300];
    if (roster_calendar_build(r, err, sizeof err) != 0) {
        log_error("configuration: %s", err);
        return -1;
    }
    consumer_config_t cc = {
        .producer = "gateway",
        .endpoint = daemon_pub_endpoint(&d->cfg, "gateway"),
        .apply = roster_apply_sessions,
        .finish = roster_finish_sessions,
        .arg = r,
    };
    r->gateway = consumer_new(d->base, d->zctx, d->db, &cc, err, sizeof err);
    if (!r->gateway) {
        log_error("%s", err);
        return -1;
    }
    return 0;
}

static void s_on_db_ready(daemon_t *d, void *svc)
{
    roster_t *r = svc;
    consumer_start(r->gateway);
}

static void s_fini(daemon_t *d, void *svc)
{
    roster_t *r = svc;
    consumer_destroy(&r->gateway);
    calendar_destroy(&r->cal);
}

int main(int argc, char **argv)
{
    daemon_spec_t spec = {
        .name = "roster",
        .migrations = roster_migrations,
        .nmigrations = roster_migrations_count,
        .rows = s_rows,
        .nrows = sizeof s_rows / sizeof s_rows[0],
        .init = s_init,
        .on_db_ready = s_on_db_ready,
        .fini = s_fini,
    };
    return daemon_main(argc, argv, &spec, &s_roster);
}
