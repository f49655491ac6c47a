/* pool_rules — the rules of the resource pool (RULES.md clauses 4–10, 19,
 * 24, 26–29) as pure functions: eligibility of an application, the state
 * machine of one membership, probation, mentor pairing and the ban after a
 * removal. No I/O, no clock, no database: dates are civil days since
 * 1970-01-01 in the center's local time (time_days_from_civil), "today" is
 * passed in. registryd calls these and writes what they decide; the unit
 * tests (tests/unit/registry/test_pool_rules.c) pin every rule. */
#ifndef FAYUAN_POOL_RULES_H
#define FAYUAN_POOL_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A day that never comes (a bar without end). */
#define POOL_NEVER INT64_MAX
/* "No such date" in inputs (no penalty, no licence, never removed). */
#define POOL_NONE INT64_C(-1)

/* The same month and day n years later (or earlier, n < 0); 29 February
 * becomes 1 March in a common year, as in time_years_between, so that
 * pool_add_years(d, n) is the first day on which n whole years have passed. */
int64_t pool_add_years(int64_t day, int n);
/* The same day of the month n months later, clamped to the month's last day
 * (31 January + 1 month = 28/29 February). */
int64_t pool_add_months(int64_t day, int n);

/* ---- eligibility (clause 6, clause 28's bar) -------------------------------- */

typedef struct {
    int licence_years; /* case pool: licence held at least this long (2) */
    int clean_years;   /* no penalty / unqualified case within this many years (3) */
    int removal_years; /* bar after a removal (3, clause 28); 0 = for ever (clause 6's reading) */
} pool_policy_t;

#define POOL_POLICY_DEFAULT                                                                        \
    {                                                                                              \
        2, 3, 3                                                                                    \
    }

typedef struct {
    bool case_pool;     /* applying for the case pool */
    bool social_lawyer; /* clause 6 binds social lawyers; for others (public lawyers,
                           volunteers, staff) only the removal bar is checked */
    int64_t today;
    int64_t licensed_since;   /* POOL_NONE if no licence */
    int64_t last_penalty;     /* latest administrative penalty, bar sanction or party
                                 discipline recorded by staff; POOL_NONE if none */
    int64_t last_unqualified; /* latest case whose effective rating is unqualified; POOL_NONE */
    int64_t removed_on;       /* latest removal from this center's pool; POOL_NONE if never */
} pool_applicant_t;

enum {
    POOL_FAIL_NO_LICENCE = 0, /* case pool without a licence */
    POOL_FAIL_LICENCE_YEARS,  /* case pool, licence held < licence_years */
    POOL_FAIL_PENALTY,        /* penalty within clean_years */
    POOL_FAIL_UNQUALIFIED,    /* unqualified case within clean_years */
    POOL_FAIL_REMOVED,        /* removed within removal_years (or ever, removal_years = 0) */
    POOL_FAIL_COUNT
};

typedef struct {
    int code;              /* POOL_FAIL_* */
    int64_t eligible_from; /* first day this reason no longer holds; POOL_NEVER if never */
    char message[192];     /* zh-CN, for staff: what fails and until when */
} pool_failure_t;

typedef struct {
    pool_failure_t fails[POOL_FAIL_COUNT];
    size_t nfails;         /* 0: eligible */
    int64_t eligible_from; /* today if eligible; else the latest of the fails' dates */
} pool_eligibility_t;

/* Checks every condition and names every failure (not only the first). */
void pool_check_eligibility(const pool_policy_t *policy, const pool_applicant_t *a,
                            pool_eligibility_t *out);
/* Stable code of a failure for JSON: "no_licence", "licence_years", "penalty",
 * "unqualified_case", "removed". */
const char *pool_fail_code(int code);

/* ---- one membership's state machine (clauses 7, 10, 19, 20, 25–29) ---------- */

typedef enum {
    POOL_S_NONE = 0,  /* no membership (never applied) */
    POOL_S_APPLICANT, /* applied, waiting for the center's decision */
    POOL_S_APPROVED,  /* admitted; training and exam ahead (clause 10) */
    POOL_S_TRAINED,   /* training done; exam not yet passed */
    POOL_S_ACTIVE,    /* serves */
    POOL_S_SUSPENDED, /* no work in this pool until resumed */
    POOL_S_EXITED,    /* left: voluntarily, must-report, removed or failed probation */
    POOL_S_REJECTED,  /* application refused */
    POOL_S_COUNT
} pool_state_t;

typedef enum {
    POOL_A_APPLY = 0,      /* none / exited / rejected -> applicant (eligibility checked apart) */
    POOL_A_APPROVE,        /* applicant -> approved */
    POOL_A_REJECT,         /* applicant -> rejected */
    POOL_A_TRAIN,          /* approved -> trained */
    POOL_A_EXAM_PASS,      /* trained -> active */
    POOL_A_EXAM_FAIL,      /* trained -> trained (may sit it again) */
    POOL_A_IMPORT,         /* any -> active (a center's existing list; trained already) */
    POOL_A_SUSPEND,        /* active / suspended -> suspended (a later end date extends it) */
    POOL_A_RESUME,         /* suspended -> active (expiry or staff) */
    POOL_A_EXIT,           /* voluntary exit (clause 26): active / suspended -> exited */
    POOL_A_REPORT,         /* must-report exit (clause 27): approved..suspended -> exited */
    POOL_A_REMOVE,         /* removal (clause 28): applicant..suspended -> exited */
    POOL_A_FAIL_PROBATION, /* staff end a failed probation: active / suspended -> exited */
    POOL_A_COUNT
} pool_action_t;

/* 0 with *to set to the state after action from `from` (and *why to NULL),
 * or -1 with *why (zh-CN, static) saying why the action is not allowed in
 * that state (*to untouched). to and why may be NULL. */
int pool_transition(pool_state_t from, pool_action_t action, pool_state_t *to, const char **why);

/* Names as stored and sent ("applicant", ...; "" for NONE) and back (-1 if
 * unknown). Actions: "apply", "approve", "reject", "train", "exam_pass",
 * "exam_fail", "import", "suspend", "resume", "exit", "report", "remove",
 * "fail_probation". */
const char *pool_state_name(pool_state_t s);
int pool_state_parse(const char *s);
const char *pool_action_name(pool_action_t a);
int pool_action_parse(const char *s);
/* zh-CN label of a state for staff tables ("申请中", "在库", "暂停" ...). */
const char *pool_state_zh(pool_state_t s);

/* ---- probation (clause 19) ----------------------------------------------------- */

/* A new duty-pool member whose legal-profession qualification is less than
 * one year old on the day they become active serves probation. An unknown
 * qualification date (POOL_NONE) falls back to the licence date; with
 * neither, no probation. */
bool pool_needs_probation(int64_t qualified_since, int64_t licensed_since, int64_t active_on);
/* The last day of probation + 1: active_on + months (3) months. */
int64_t pool_probation_end(int64_t active_on, int months);

/* ---- mentors (clause 24) and probation companions (clause 19) ------------------ */

/* A case-pool member new to this center's pool who has never handled a
 * legal-aid case here (first_case_here == POOL_NONE) gets a mentor. */
bool pool_needs_mentor(int64_t first_case_here);

typedef struct {
    const char *licence;
    int64_t experience_since; /* mentors: first legal-aid case here; companions: active in
                                 the duty pool since; POOL_NONE if none */
    int load;                 /* current mentees (or companions) */
    bool shares_specialty;    /* shares at least one specialty with the newcomer */
    bool available;           /* active in the pool, not suspended, not on probation */
} pool_candidate_t;

/* The candidate to pair a newcomer with: available, with at least
 * min_years of experience on today; among those, sharing a specialty first,
 * then the lightest load, then the longest experience, then the smallest
 * licence (so the choice is deterministic). -1 if nobody qualifies. */
int pool_pick_partner(const pool_candidate_t *c, size_t n, int64_t today, int min_years);

#endif
