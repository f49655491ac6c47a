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

static const char *const s_gateway_types[] = {"HotlineSession", NULL};

static int s_init(daemon_t *d, void *svc)
{
    roster_t *r = svc;
    r->d = d;
    char err[300];
    if (roster_calendar_build(r, err, sizeof err) != 0) {
        log_error("configuration: %s", err);
        return -1;
    }
    r->gateway = daemon_follow(d, "gateway", s_gateway_types, roster_apply_sessions,
                               roster_finish_sessions, r);
    return r->gateway ? 0 : -1;
}

static void s_fini(daemon_t *d, void *svc)
{
    roster_t *r = svc;
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
        .fini = s_fini,
    };
    return daemon_main(argc, argv, &spec, &s_roster);
}
