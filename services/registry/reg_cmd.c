/* reg_cmd — running a registry staff command as one transaction (see
 * registry.h): the command's own steps, then the events of what changed,
 * then the reply stored under the request id (ctlcmd). */
#include "registry.h"

#include "fayuan/ctlcmd.h"
#include "fayuan/log.h"
#include "fayuan/timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PH_COMMAND, PH_ANNOUNCE, PH_END };

const char *reg_arg(const reg_cmd_t *rc, const char *key)
{
    const char *v = ctlcmd_arg(rc->req, key);
    return v && *v ? v : NULL;
}

reg_step_t reg_fail(reg_cmd_t *rc, const char *code, const char *fmt, ...)
{
    snprintf(rc->code, sizeof rc->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rc->msg, sizeof rc->msg, fmt, ap);
    va_end(ap);
    return REG_FAIL;
}

int64_t reg_parse_day(const char *s)
{
    int y, m, d;
    if (!s || !*s || time_parse_date(s, &y, &m, &d) != 0)
        return POOL_NONE;
    return time_days_from_civil(y, m, d);
}

int64_t reg_arg_day(reg_cmd_t *rc, const char *key, int64_t def)
{
    const char *v = reg_arg(rc, key);
    if (!v)
        return def;
    int y, m, d;
    if (time_parse_date(v, &y, &m, &d) != 0) {
        reg_fail(rc, "invalid_argument", "--%s 应为日期，格式 YYYY-MM-DD，收到：%s", key, v);
        return -2;
    }
    return time_days_from_civil(y, m, d);
}

int64_t reg_day_start_us(const registry_t *reg, int64_t day)
{
    return day * TIME_US_PER_DAY - (int64_t)reg->d->cfg.utc_offset * 60 * TIME_US_PER_SEC;
}

int64_t reg_day_of(const registry_t *reg, int64_t us)
{
    int y, m, d;
    time_local(us, reg->d->cfg.utc_offset, &y, &m, &d, NULL);
    return time_days_from_civil(y, m, d);
}

char *reg_day_text(int64_t day, char *buf, size_t len)
{
    int y, m, d;
    time_civil_from_days(day, &y, &m, &d);
    snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
    return buf;
}

pool_policy_t reg_policy(const registry_t *reg)
{
    pool_policy_t p = {reg->licence_years, reg->clean_years, reg->removal_years};
    return p;
}

static db_next_t s_step(ctlcmd_t *cmd, db_job_t *job, int stage, void *arg)
{
    reg_cmd_t *rc = arg;
    if (rc->phase == PH_COMMAND) {
        reg_step_t r = rc->step(rc, job, rc->stage++);
        if (r == REG_MORE)
            return DB_NEXT;
        if (r == REG_FAIL) {
            ctlcmd_set_reply_error(cmd, rc->code, rc->msg);
            ctlcmd_stage_reply(cmd, job);
            rc->phase = PH_END;
            /* the batch must not be empty (a refusal at stage 0, no request id) */
            if (db_job_pending_count(job) == 0)
                db_job_add(job, "SELECT 1", 0, NULL);
            return DB_NEXT;
        }
        rc->announce_at = reg_announce_add(job);
        rc->phase = PH_ANNOUNCE;
        return DB_NEXT;
    }
    if (rc->phase == PH_ANNOUNCE) {
        if (rc->results)
            rc->results(rc, job);
        if (!rc->events) /* a command may have added events of its own */
            rc->events = outbox_batch_new(rc->reg->d->outbox);
        reg_announce_stage(rc->events, job, rc->announce_at);
        if (!rc->out)
            rc->out = json_object();
        char *body = json_dumps(rc->out, JSON_COMPACT);
        ctlcmd_set_reply_ok(cmd, body);
        free(body);
        ctlcmd_stage_reply(cmd, job);
        rc->phase = PH_END;
        return DB_NEXT;
    }
    return DB_COMMIT;
}

static void s_done(ctlcmd_t *cmd, db_job_t *job, bool committed, void *arg)
{
    reg_cmd_t *rc = arg;
    size_t n = rc->events ? outbox_batch_count(rc->events) : 0;
    if (rc->events)
        outbox_batch_finish(&rc->events, job, committed);
    if (committed && n > 0)
        log_info("%s by %s: %zu events", rc->command, rc->actor, n);
    if (rc->free_data)
        rc->free_data(rc->data);
    json_decref(rc->out);
    free((char *)rc->actor);
    free(rc);
}

void reg_cmd_run(registry_t *reg, bus_ctl_req_t *req, reg_step_fn step, void *data,
                 void (*free_data)(void *))
{
    reg_cmd_t *rc = calloc(1, sizeof *rc);
    rc->reg = reg;
    rc->req = bus_ctl_request(req);
    snprintf(rc->command, sizeof rc->command, "%s", rc->req->command);
    rc->step = step;
    rc->data = data;
    rc->free_data = free_data;
    const char *center = ctlcmd_arg(rc->req, "center");
    rc->center = center && *center ? center : reg->d->cfg.center;
    const char *who = ctlcmd_arg(rc->req, "actor");
    char actor[96];
    snprintf(actor, sizeof actor, "staff:%s", who && *who ? who : "?");
    rc->actor = strdup(actor);
    rc->now = time_now_us();
    rc->today = reg_day_of(reg, rc->now);
    ctlcmd_run(reg->d->db, req, s_step, s_done, rc);
}
