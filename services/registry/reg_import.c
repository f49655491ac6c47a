/* reg_import — the import command: validate the whole CSV (reg_csv), then in
 * one transaction upsert every row and write a LawyerChanged event for each
 * row that is new or changed. A repeated request id returns the first answer
 * (requests table); a file with any bad row changes nothing. */
#include "reg_csv.h"
#include "registry.h"

#include "events.pb-c.h"
#include "fayuan/ctlcmd.h"
#include "fayuan/log.h"
#include "fayuan/pgarr.h"
#include "fayuan/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    daemon_t *d;
    registry_t *reg;
    char actor[96];
    int announce_at;
    ctlcmd_t *cmd;
    reg_csv_result_t csv;
    char *center;
    outbox_batch_t *events;
    size_t created, updated;
} s_import_t;

static const char s_upsert_sql[] =
    "INSERT INTO lawyers AS l (center, licence, name, gender, birth_date, firm, licensed_since, "
    "  pools, specialties, phone, email, updated_xid) "
    "SELECT $1, r.licence, r.name, r.gender, r.birth_date::date, r.firm, "
    "       nullif(r.licensed_since, '')::date, '{}', "
    "       coalesce(string_to_array(nullif(r.specialties, ''), ';'), '{}'), r.phone, r.email, "
    "       pg_current_xact_id() "
    "FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], "
    "            $8::text[], $9::text[], $10::text[], $11::text[]) "
    "     AS r(licence, name, gender, birth_date, firm, licensed_since, pools, specialties, "
    "          phone, email) "
    "ON CONFLICT (center, licence) DO UPDATE SET name = excluded.name, gender = excluded.gender, "
    "  birth_date = excluded.birth_date, firm = excluded.firm, "
    "  licensed_since = excluded.licensed_since, "
    "  specialties = excluded.specialties, phone = excluded.phone, email = excluded.email, "
    "  updated_at = now(), updated_xid = pg_current_xact_id() "
    "WHERE (l.name, l.gender, l.birth_date, l.firm, l.licensed_since, l.specialties, "
    "       l.phone, l.email) IS DISTINCT FROM (excluded.name, excluded.gender, "
    "       excluded.birth_date, excluded.firm, excluded.licensed_since, "
    "       excluded.specialties, excluded.phone, excluded.email) "
    "RETURNING licence, (xmax = 0) AS created";

/* A center's existing list: each pool a person is listed in becomes an
 * active membership, trained already (clause 10 was met before the system;
 * the day it began is not known: active_on stays NULL).
 * A membership that exists is left as it is: an import never lifts a
 * suspension, undoes an exit or passes over the ban. $1 center, $2
 * licences, $3 pools (';'), $4 today, $5 actor. */
static const char s_members_sql[] =
    "WITH m AS (INSERT INTO memberships (center, licence, pool, state, active_on, trained_on, "
    "    exam_passed_on, probation) "
    "  SELECT $1, r.licence, p.pool, 'active', NULL, $4::date, $4::date, 'passed' "
    "  FROM unnest($2::text[], $3::text[]) AS r(licence, pools), "
    "       unnest(string_to_array(r.pools, ';')) AS p(pool) "
    "  ON CONFLICT DO NOTHING RETURNING licence, pool) "
    "INSERT INTO audit (center, lawyer, pool, action, reason, rule, actor) "
    "SELECT $1, licence, pool, 'imported', '导入现有名单：已在库、已培训', '5', $5 FROM m "
    "RETURNING lawyer";

static char *s_join(char **items, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(items[i]) + 1;
    char *out = calloc(1, len);
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(out, ";");
        strcat(out, items[i]);
    }
    return out;
}

static void s_free(s_import_t *im)
{
    reg_csv_result_free(&im->csv);
    free(im->center);
    free(im);
}

/* ctlcmd: the command's transaction, run only for a new request id. */
static db_next_t s_step(ctlcmd_t *cmd, db_job_t *job, int stage, void *arg)
{
    s_import_t *im = arg;
    if (stage == 0) {
        pgarr_t cols[10];
        for (int c = 0; c < 10; c++)
            pgarr_init(&cols[c]);
        for (size_t i = 0; i < im->csv.nrows; i++) {
            const reg_lawyer_row_t *r = &im->csv.rows[i];
            char *pools = s_join(r->pools, r->npools);
            char *spec = s_join(r->specialties, r->nspecialties);
            const char *vals[10] = {r->licence,        r->name, r->gender, r->birth_date, r->firm,
                                    r->licensed_since, pools,   spec,      r->phone,      r->email};
            for (int c = 0; c < 10; c++)
                pgarr_add(&cols[c], vals[c]);
            free(pools);
            free(spec);
        }
        const char *params[11] = {im->center};
        for (int c = 0; c < 10; c++)
            params[c + 1] = pgarr_str(&cols[c]);
        db_job_add(job, s_upsert_sql, 11, params);
        char today[16];
        const char *mp[] = {im->center, pgarr_str(&cols[0]), pgarr_str(&cols[6]),
                            reg_day_text(reg_day_of(im->reg, time_now_us()), today, sizeof today),
                            im->actor};
        db_job_add(job, s_members_sql, 5, mp);
        im->announce_at = reg_announce_add(job);
        for (int c = 0; c < 10; c++)
            pgarr_free(&cols[c]);
        return DB_NEXT;
    }
    if (stage == 1) {
        const PGresult *res = db_job_result(job, 0);
        for (int i = 0; i < PQntuples(res); i++) {
            if (strcmp(db_value(res, i, 1), "t") == 0)
                im->created++;
            else
                im->updated++;
        }
        size_t joined = (size_t)PQntuples(db_job_result(job, 1));
        im->events = outbox_batch_new(im->d->outbox);
        reg_announce_stage(im->events, job, im->announce_at);
        char body[256];
        snprintf(body, sizeof body,
                 "{\"rows\":%zu,\"created\":%zu,\"updated\":%zu,\"unchanged\":%zu,"
                 "\"memberships_added\":%zu}",
                 im->csv.nrows, im->created, im->updated, im->csv.nrows - im->created - im->updated,
                 joined);
        ctlcmd_set_reply_ok(cmd, body);
        ctlcmd_stage_reply(cmd, job);
        return DB_NEXT;
    }
    return DB_COMMIT;
}

static void s_done(ctlcmd_t *cmd, db_job_t *job, bool committed, void *arg)
{
    s_import_t *im = arg;
    outbox_batch_finish(&im->events, job, committed);
    if (committed)
        log_info("import: %zu rows, %zu created, %zu updated", im->csv.nrows, im->created,
                 im->updated);
    s_free(im);
}

void registry_import_lawyers(registry_t *reg, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    daemon_t *d = reg->d;
    s_import_t *im = calloc(1, sizeof *im);
    im->d = d;
    im->reg = reg;
    const char *who = ctlcmd_arg(cmd, "actor");
    snprintf(im->actor, sizeof im->actor, "staff:%s", who && *who ? who : "?");
    const char *center = ctlcmd_arg(cmd, "center");
    im->center = strdup(center && *center ? center : d->cfg.center);
    int y, m, day, minute;
    time_local(time_now_us(), d->cfg.utc_offset, &y, &m, &day, &minute);
    if (reg_csv_parse_lawyers((const char *)cmd->body.data, cmd->body.len, y, m, day, &im->csv) !=
        0) {
        char *body = reg_csv_errors_json(im->csv.errors, im->csv.nerrors);
        char msg[128];
        snprintf(msg, sizeof msg, "导入失败：共 %zu 处错误，未导入任何记录", im->csv.nerrors);
        ctlcmd_reply_error_body(req, "invalid_csv", msg, body);
        free(body);
        s_free(im);
        return;
    }
    if (im->csv.nrows == 0) {
        bus_ctl_reply_error(req, "empty", "文件中没有律师记录");
        s_free(im);
        return;
    }
    ctlcmd_run(d->db, req, s_step, s_done, im);
}
