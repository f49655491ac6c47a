/* score — scored: the points ledger (Annex 1 from the rules table), quarter
 * totals, and provisional green/blue/red standings recomputed asynchronously
 * after changes, coalescing bursts; TierChanged is published only for
 * lawyers whose tier changed. */
#ifndef FAYUAN_SCORE_H
#define FAYUAN_SCORE_H

#include "score_board.h"
#include "score_tier.h"

#include "fayuan/consumer.h"
#include "fayuan/daemon.h"

#include <jansson.h>

extern const migration_t score_migrations[];
extern const size_t score_migrations_count;

#define SCORE_LAT_SAMPLES 200000

typedef struct {
    /* settings ([score]) */
    int green_permille;
    int red_permille;
    int tier_delay_ms;
    int close_after_hours; /* automatic quarter close, hours after the quarter ends */
    /* runtime */
    daemon_t *d;
    tier_policy_t policy;
    consumer_t *registry;
    consumer_t *roster;
    consumer_t *gateway;
    consumer_t *assign;
    json_t *dirty;          /* centers whose standings must be recomputed */
    score_board_t **boards; /* per center: the current quarter in memory */
    size_t nboards;
    bool recomputing;
    struct event *ev_recompute;
    /* ripple latency: origins of applied events not yet in a recompute */
    int64_t *waiting;
    size_t nwaiting, capwaiting;
    int64_t *lat; /* ring of latencies, microseconds */
    size_t nlat, latpos;
    uint64_t m_entries, m_recomputes, m_tier_changes;
    struct event *ev_close;    /* score_close.c: the automatic close timer */
    struct score_close *close; /* score_close.c: its own state */
} score_t;

/* score_apply.c: duty and case-work events of rosterd and assignd (shifts
 * completed and retracted, misconduct detected) */
db_next_t score_apply_duty(consumer_apply_t *a, void *arg);
void score_finish_duty(consumer_apply_t *a, bool committed, void *arg);

/* score_facts.c: the case-quality system's records (from the gateway), and
 * the registry's lawyers (membership; settling records parked for them) */
db_next_t score_apply_gateway(consumer_apply_t *a, void *arg);
void score_finish_gateway(consumer_apply_t *a, bool committed, void *arg);
db_next_t score_apply_registry(consumer_apply_t *a, void *arg);
void score_finish_registry(consumer_apply_t *a, bool committed, void *arg);

/* score_standings.c */
void score_standings_init(score_t *s);
void score_standings_fini(score_t *s);
void score_mark_dirty(score_t *s, const char *center);
/* An applied event (by its origin time) waits for the next recompute, which
 * measures its ripple latency. */
void score_wait(score_t *s, int64_t origin_at);
/* After a commit: totals rows (center, quarter, lawyer, points_centi) and
 * membership rows (center, licence, ranked bool) returned by it. */
void score_board_update_points(score_t *s, const PGresult *res);
void score_board_update_members(score_t *s, const PGresult *res);
void score_cmd_standings(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);
void score_cmd_stats(score_t *s, bus_ctl_req_t *req);

/* score_cmds.c: points explain, parked records, Annex 2 deductions */
void score_cmd_explain(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);
void score_cmd_unmatched(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);
void score_cmd_deduct(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);
void score_cmd_deduction_decide(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);

/* score_close.c: quarter close (clause 12, RULES.md Policy — ranking and
 * dates), frozen lists, and the red-list sanctions of clause 13. */
void score_close_init(score_t *s);
void score_close_fini(score_t *s);
/* fayuanctl quarter close [--center C] QUARTER */
void score_cmd_quarter_close(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);
/* fayuanctl tiers --quarter Q [--center C] [--json]: a frozen list */
void score_cmd_tiers(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);
/* fayuanctl sanctions [--center C] [--json], sanction rectified|refused ID */
void score_cmd_sanctions(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);
void score_cmd_sanction_decide(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd);

/* Points as a JSON number: whole points as integers, else with decimals. */
json_t *score_points_json(int64_t centi);

#endif
