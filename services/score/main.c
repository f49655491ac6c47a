/* scored — points, quarter totals and tiers. See services/score/score.h. */
#include "score.h"

#include "fayuan/lawyers_model.h"
#include "fayuan/log.h"

#include <string.h>

static score_t s_score;

static const cf_row_t s_rows[] = {
    {"score", "green_permille", CF_INT, &s_score.green_permille, "300", false, 0, 1000},
    {"score", "red_permille", CF_INT, &s_score.red_permille, "900", false, 0, 1000},
    {"score", "tier_delay_ms", CF_INT, &s_score.tier_delay_ms, "5", true, 0, 60000},
    {"score", "close_after_hours", CF_INT, &s_score.close_after_hours, "72", false, -1, 2160},
};

static const char *const s_duty_types[] = {"ShiftCompleted", "ShiftRetracted", "MisconductDetected",
                                           NULL};
static const char *const s_gateway_types[] = {"QualityEvaluation", "CaseEvent", NULL};

static int s_init(daemon_t *d, void *svc)
{
    score_t *s = svc;
    s->d = d;
    if (s->green_permille > s->red_permille) {
        log_error("configuration: [score] green_permille must not exceed red_permille");
        return -1;
    }
    s->policy = (tier_policy_t){s->green_permille, s->red_permille};
    score_standings_init(s);
    score_close_init(s);
    s->registry = daemon_follow(d, "registry", lawyers_model_types, score_apply_registry,
                                score_finish_registry, s);
    s->roster = daemon_follow(d, "roster", s_duty_types, score_apply_duty, score_finish_duty, s);
    s->assign = daemon_follow(d, "assign", s_duty_types, score_apply_duty, score_finish_duty, s);
    s->gateway =
        daemon_follow(d, "gateway", s_gateway_types, score_apply_gateway, score_finish_gateway, s);
    return s->registry && s->roster && s->assign && s->gateway ? 0 : -1;
}

static void s_on_db_ready(daemon_t *d, void *svc)
{
    score_t *s = svc;
    /* Standings may be stale after a restart: recompute the default center. */
    score_mark_dirty(s, d->cfg.center);
}

static void s_command(daemon_t *d, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd, void *svc)
{
    score_t *s = svc;
    if (strcmp(cmd->command, "standings") == 0)
        score_cmd_standings(s, req, cmd);
    else if (strcmp(cmd->command, "stats") == 0)
        score_cmd_stats(s, req);
    else if (strcmp(cmd->command, "explain") == 0)
        score_cmd_explain(s, req, cmd);
    else if (strcmp(cmd->command, "unmatched") == 0)
        score_cmd_unmatched(s, req, cmd);
    else if (strcmp(cmd->command, "deduct") == 0)
        score_cmd_deduct(s, req, cmd);
    else if (strcmp(cmd->command, "deduction_decide") == 0)
        score_cmd_deduction_decide(s, req, cmd);
    else if (strcmp(cmd->command, "quarter_close") == 0)
        score_cmd_quarter_close(s, req, cmd);
    else if (strcmp(cmd->command, "tiers") == 0)
        score_cmd_tiers(s, req, cmd);
    else if (strcmp(cmd->command, "sanctions") == 0)
        score_cmd_sanctions(s, req, cmd);
    else if (strcmp(cmd->command, "sanction_decide") == 0)
        score_cmd_sanction_decide(s, req, cmd);
    else
        bus_ctl_reply_error(req, "unknown_command", "积分服务不支持此命令");
}

static void s_fini(daemon_t *d, void *svc)
{
    score_close_fini(svc);
    score_standings_fini(svc);
}

int main(int argc, char **argv)
{
    daemon_spec_t spec = {
        .name = "score",
        .migrations = score_migrations,
        .nmigrations = score_migrations_count,
        .rows = s_rows,
        .nrows = sizeof s_rows / sizeof s_rows[0],
        .init = s_init,
        .on_db_ready = s_on_db_ready,
        .command = s_command,
        .fini = s_fini,
    };
    return daemon_main(argc, argv, &spec, &s_score);
}
