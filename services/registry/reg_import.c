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

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    daemon_t *d;
    ctlcmd_t *cmd;
    reg_csv_result_t csv;
    char *center;
    outbox_batch_t *events;
    size_t created, updated;
} s_import_t;

static const char s_upsert_sql[] =
    "INSERT INTO lawyers AS l (center, licence, name, gender, birth_date, firm, licensed_since, "
    "  pools, specialties, phone, email) "
    "SELECT $1, r.licence, r.name, r.gender, r.birth_date::date, r.firm, "
    "       nullif(r.licensed_since, '')::date, string_to_array(r.pools, ';'), "
    "       coalesce(string_to_array(nullif(r.specialties, ''), ';'), '{}'), r.phone, r.email "
    "FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], "
    "            $8::text[], $9::text[], $10::text[], $11::text[]) "
    "     AS r(licence, name, gender, birth_date, firm, licensed_since, pools, specialties, "
    "          phone, email) "
    "ON CONFLICT (center, licence) DO UPDATE SET name = excluded.name, gender = excluded.gender, "
    "  birth_date = excluded.birth_date, firm = excluded.firm, "
    "  licensed_since = excluded.licensed_since, pools = excluded.pools, "
    "  specialties = excluded.specialties, phone = excluded.phone, email = excluded.email, "
    "  updated_at = now() "
    "WHERE (l.name, l.gender, l.birth_date, l.firm, l.licensed_since, l.pools, l.specialties, "
    "       l.phone, l.email) IS DISTINCT FROM (excluded.name, excluded.gender, "
    "       excluded.birth_date, excluded.firm, excluded.licensed_since, excluded.pools, "
    "       excluded.specialties, excluded.phone, excluded.email) "
    "RETURNING licence, (xmax = 0) AS created, status";

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

static const reg_lawyer_row_t *s_row(const s_import_t *im, const char *licence)
{
    for (size_t i = 0; i < im->csv.nrows; i++)
        if (strcmp(im->csv.rows[i].licence, licence) == 0)
            return &im->csv.rows[i];
    return NULL;
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
        for (int c = 0; c < 10; c++)
            pgarr_free(&cols[c]);
        return DB_NEXT;
    }
    if (stage == 1) {
        const PGresult *res = db_job_result(job, 0);
        im->events = outbox_batch_new(im->d->outbox);
        int64_t now = time_now_us();
        for (int i = 0; i < PQntuples(res); i++) {
            const reg_lawyer_row_t *r = s_row(im, db_value(res, i, 0));
            if (!r)
                continue;
            if (strcmp(db_value(res, i, 1), "t") == 0)
                im->created++;
            else
                im->updated++;
            Fayuan__LawyerChanged ev = FAYUAN__LAWYER_CHANGED__INIT;
            ev.licence = r->licence;
            ev.name = r->name;
            ev.gender = r->gender;
            ev.birth_date = r->birth_date;
            ev.firm = r->firm;
            ev.licensed_since = r->licensed_since;
            ev.n_pools = r->npools;
            ev.pools = r->pools;
            ev.n_specialties = r->nspecialties;
            ev.specialties = r->specialties;
            ev.phone = r->phone;
            ev.email = r->email;
            ev.status = (char *)db_value(res, i, 2);
            outbox_batch_add(im->events, "LawyerChanged", im->center, now, &ev.base);
        }
        outbox_batch_stage(im->events, job);
        char body[256];
        snprintf(body, sizeof body,
                 "{\"rows\":%zu,\"created\":%zu,\"updated\":%zu,\"unchanged\":%zu}", im->csv.nrows,
                 im->created, im->updated, im->csv.nrows - im->created - im->updated);
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

static json_t *s_errors_json(const reg_csv_result_t *csv)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < csv->nerrors; i++) {
        const reg_csv_error_t *e = &csv->errors[i];
        json_array_append_new(arr, json_pack("{s:i, s:s?, s:s}", "line", e->line, "field",
                                             e->field[0] ? e->field : NULL, "message", e->message));
    }
    return json_pack("{s:o}", "errors", arr);
}

void registry_import_lawyers(daemon_t *d, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    s_import_t *im = calloc(1, sizeof *im);
    im->d = d;
    const char *center = ctlcmd_arg(cmd, "center");
    im->center = strdup(center && *center ? center : d->cfg.center);
    int y, m, day, minute;
    time_local(time_now_us(), d->cfg.utc_offset, &y, &m, &day, &minute);
    if (reg_csv_parse_lawyers((const char *)cmd->body.data, cmd->body.len, y, m, day, &im->csv) !=
        0) {
        json_t *errs = s_errors_json(&im->csv);
        char *body = json_dumps(errs, JSON_COMPACT);
        char msg[128];
        snprintf(msg, sizeof msg, "导入失败：共 %zu 处错误，未导入任何记录", im->csv.nerrors);
        ctlcmd_reply_error_body(req, "invalid_csv", msg, body);
        free(body);
        json_decref(errs);
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
