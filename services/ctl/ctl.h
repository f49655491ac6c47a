/* ctl — fayuanctl's shared parts. Every command is a row of the table in
 * main.c (name, sub-command, positional arguments, the --options it takes,
 * usage text) and a function in cmd_<area>.c. Options are parsed generically
 * as "--name value" (plus the flags --json, --help, and --open and --all,
 * which a command accepts in its row like an option) and looked up by name,
 * so a command's options are declared in its row, not parsed by hand. */
#ifndef FAYUAN_CTL_H
#define FAYUAN_CTL_H

#include "fayuan/bus.h"
#include "fayuan/daemon.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define CTL_MAX_OPTS 24
#define CTL_TIMEOUT_MS 15000

typedef struct {
    daemon_config_t cfg;
    void *zctx;
    bool json;
    const char *opt_name[CTL_MAX_OPTS];
    const char *opt_value[CTL_MAX_OPTS];
    size_t nopts;
} ctl_t;

/* Exit statuses. */
enum { CTL_OK = 0, CTL_REFUSED = 1, CTL_USAGE = 2, CTL_NO_ANSWER = 3 };

typedef int (*ctl_cmd_fn)(ctl_t *c, int argc, char **argv);

typedef struct {
    const char *name; /* "points" */
    const char *sub;  /* "explain", or NULL */
    int min_args, max_args;
    const char *options; /* space-separated option names it accepts, e.g. "quarter center" */
    ctl_cmd_fn fn;
    const char *usage; /* one line for staff, zh-CN */
} ctl_cmd_t;

/* An option's value, or NULL. */
const char *ctl_opt(const ctl_t *c, const char *name);
/* Sets an option from a positional argument (e.g. the lawyer of points
 * explain); -1 (with a message) when the option table is full. */
int ctl_set_opt(ctl_t *c, const char *name, const char *value);

/* Sends command to service with the named options as arguments (those that
 * are set) and the body; prints why on failure and returns NULL. */
Fayuan__CtlReply *ctl_call(ctl_t *c, const char *service, const char *command,
                           const char *const *opt_names, const void *body, size_t len);

/* Calls the command and prints the answer: its JSON with --json, else
 * show(body, arg) for staff. Returns the exit status. */
int ctl_run(ctl_t *c, const char *service, const char *command, const char *const *opt_names,
            void (*show)(json_t *body, void *arg), void *arg);

/* The same with a file (at most 8 MiB) as the command's body; a refused
 * file's errors are listed line by line (ctl_print_errors). */
int ctl_run_file(ctl_t *c, const char *service, const char *command, const char *const *opt_names,
                 const char *path, void (*show)(json_t *body, void *arg), void *arg);

/* Prints a refused reply's message to stderr (and its JSON body with --json);
 * returns CTL_OK or CTL_REFUSED. */
int ctl_finish(const ctl_t *c, const Fayuan__CtlReply *reply);

/* Prints the "errors" list of a refused file ({"line", "field", "message"};
 * line 0: about the whole file) to stderr. */
void ctl_print_errors(json_t *body);

/* The reply body parsed as JSON (NULL if it is not). */
json_t *ctl_body(const Fayuan__CtlReply *reply);
/* Prints the raw body and a newline. */
void ctl_print_body(const Fayuan__CtlReply *reply);

/* A table cell padded to width display columns (CJK characters take two). */
void ctl_cell(const char *s, int width);
const char *ctl_tier_zh(const char *tier);
/* A JSON number of points printed exactly ("1.5"). */
const char *ctl_points(const json_t *points, char *buf, size_t len);

/* Prints a ranking as a table for staff: the standings JSON shape, live
 * ("final": false) or a frozen list ("final": true). cmd_score.c. */
void ctl_print_ranking(json_t *body);
/* The same, as a ctl_run show function. */
void ctl_show_ranking(json_t *body, void *arg);

/* Reads a whole file (at most max bytes); NULL with a message. */
char *ctl_read_file(const char *path, size_t max, size_t *len);

/* cmd_*.c */
int ctl_cmd_ping(ctl_t *c, int argc, char **argv);
int ctl_cmd_import_lawyers(ctl_t *c, int argc, char **argv);
int ctl_cmd_standings(ctl_t *c, int argc, char **argv);
int ctl_cmd_stats(ctl_t *c, int argc, char **argv);
int ctl_cmd_quarter_close(ctl_t *c, int argc, char **argv);
int ctl_cmd_tiers(ctl_t *c, int argc, char **argv);
int ctl_cmd_sanctions(ctl_t *c, int argc, char **argv);
int ctl_cmd_sanction_rectified(ctl_t *c, int argc, char **argv);
int ctl_cmd_sanction_refused(ctl_t *c, int argc, char **argv);
int ctl_cmd_points_explain(ctl_t *c, int argc, char **argv);
int ctl_cmd_feed_unmatched(ctl_t *c, int argc, char **argv);
int ctl_cmd_deduct(ctl_t *c, int argc, char **argv);
int ctl_cmd_deduction_verify(ctl_t *c, int argc, char **argv);
int ctl_cmd_deduction_reverse(ctl_t *c, int argc, char **argv);
/* cmd_case.c: case assign, case finish, cases (assignd) */
int ctl_cmd_case_assign(ctl_t *c, int argc, char **argv);
int ctl_cmd_case_finish(ctl_t *c, int argc, char **argv);
int ctl_cmd_cases(ctl_t *c, int argc, char **argv);

/* cmd_pool.c */
int ctl_cmd_apply(ctl_t *c, int argc, char **argv);
int ctl_cmd_application(ctl_t *c, int argc, char **argv);
int ctl_cmd_applications(ctl_t *c, int argc, char **argv);
int ctl_cmd_eligibility(ctl_t *c, int argc, char **argv);
int ctl_cmd_penalty_add(ctl_t *c, int argc, char **argv);
int ctl_cmd_train(ctl_t *c, int argc, char **argv);
int ctl_cmd_exam(ctl_t *c, int argc, char **argv);
int ctl_cmd_suspend(ctl_t *c, int argc, char **argv);
int ctl_cmd_resume(ctl_t *c, int argc, char **argv);
int ctl_cmd_rectify(ctl_t *c, int argc, char **argv);
int ctl_cmd_exit(ctl_t *c, int argc, char **argv);
int ctl_cmd_remove(ctl_t *c, int argc, char **argv);
int ctl_cmd_probation(ctl_t *c, int argc, char **argv);
int ctl_cmd_round_confirm(ctl_t *c, int argc, char **argv);
int ctl_cmd_mentor_assign(ctl_t *c, int argc, char **argv);
int ctl_cmd_outside_add(ctl_t *c, int argc, char **argv);
int ctl_cmd_firm_set(ctl_t *c, int argc, char **argv);
int ctl_cmd_members(ctl_t *c, int argc, char **argv);
int ctl_cmd_member(ctl_t *c, int argc, char **argv);
int ctl_cmd_export(ctl_t *c, int argc, char **argv);
int ctl_cmd_list_publish(ctl_t *c, int argc, char **argv);

#endif
