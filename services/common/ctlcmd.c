/* ctlcmd — see include/fayuan/ctlcmd.h. */
#include "fayuan/ctlcmd.h"

#include "fayuan/log.h"
#include "fayuan/pgarr.h"

#include <stdlib.h>
#include <string.h>

struct ctlcmd {
    bus_ctl_req_t *req;
    ctlcmd_step_fn step;
    ctlcmd_done_fn done;
    void *arg;
    int stage;                /* the service's stage; -1 while checking the request id */
    bool replayed;            /* the request id was seen before */
    Fayuan__CtlReply *stored; /* the first answer, when replayed */
    Fayuan__CtlReply reply;
    char *body;
    char *code, *message;
};

const char *ctlcmd_arg(const Fayuan__CtlRequest *req, const char *key)
{
    for (size_t i = 0; i < req->n_args; i++)
        if (req->args[i]->key && strcmp(req->args[i]->key, key) == 0)
            return req->args[i]->value;
    return NULL;
}

void ctlcmd_reply_error_body(bus_ctl_req_t *req, const char *code, const char *message,
                             const char *json_body)
{
    Fayuan__CtlReply reply = FAYUAN__CTL_REPLY__INIT;
    reply.status = 1;
    reply.error = (char *)code;
    reply.message = (char *)message;
    reply.body.data = (uint8_t *)json_body;
    reply.body.len = json_body ? strlen(json_body) : 0;
    bus_ctl_reply(req, &reply);
}

void ctlcmd_set_reply_ok(ctlcmd_t *cmd, const char *json_body)
{
    free(cmd->body);
    cmd->body = strdup(json_body);
    cmd->reply.status = 0;
}

void ctlcmd_set_reply_error(ctlcmd_t *cmd, const char *code, const char *message)
{
    free(cmd->code);
    free(cmd->message);
    cmd->code = strdup(code);
    cmd->message = strdup(message);
    cmd->reply.status = 1;
}

static void s_fill_reply(ctlcmd_t *cmd)
{
    cmd->reply.error = cmd->code ? cmd->code : (char *)"";
    cmd->reply.message = cmd->message ? cmd->message : (char *)"";
    cmd->reply.body.data = (uint8_t *)cmd->body;
    cmd->reply.body.len = cmd->body ? strlen(cmd->body) : 0;
}

void ctlcmd_stage_reply(ctlcmd_t *cmd, db_job_t *job)
{
    const Fayuan__CtlRequest *req = bus_ctl_request(cmd->req);
    if (!req->request_id || !*req->request_id)
        return;
    s_fill_reply(cmd);
    size_t len = fayuan__ctl_reply__get_packed_size(&cmd->reply);
    uint8_t *buf = malloc(len ? len : 1);
    fayuan__ctl_reply__pack(&cmd->reply, buf);
    /* bytea input in hex form: "\x0a1b..." */
    char *hex = malloc(len * 2 + 3);
    static const char digits[] = "0123456789abcdef";
    hex[0] = '\\';
    hex[1] = 'x';
    for (size_t i = 0; i < len; i++) {
        hex[2 + 2 * i] = digits[buf[i] >> 4];
        hex[3 + 2 * i] = digits[buf[i] & 15];
    }
    hex[2 + 2 * len] = '\0';
    const char *params[] = {req->request_id, req->command, hex};
    db_job_add(job, "INSERT INTO requests (request_id, command, reply) VALUES ($1, $2, $3::bytea)",
               3, params);
    free(hex);
    free(buf);
}

static db_next_t s_step(db_job_t *job, void *arg)
{
    ctlcmd_t *cmd = arg;
    if (cmd->stage == -1) {
        const PGresult *res = db_job_result(job, 0);
        const char *hex = db_value(res, 0, 0);
        if (hex) {
            uint8_t *bytes;
            size_t len;
            if (pgarr_unhex(hex, &bytes, &len) == 0) {
                cmd->stored = fayuan__ctl_reply__unpack(NULL, len, bytes);
                free(bytes);
            }
            cmd->replayed = true;
            return DB_COMMIT;
        }
        cmd->stage = 0;
        return cmd->step(cmd, job, 0, cmd->arg);
    }
    cmd->stage++;
    return cmd->step(cmd, job, cmd->stage, cmd->arg);
}

static void s_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    ctlcmd_t *cmd = arg;
    if (cmd->replayed && cmd->stored) {
        bus_ctl_reply(cmd->req, cmd->stored);
    } else if (!committed) {
        log_warn("command %s failed: %s", bus_ctl_request(cmd->req)->command,
                 error ? error : "rolled back");
        if (cmd->reply.status != 0 && cmd->code)
            bus_ctl_reply_error(cmd->req, cmd->code, cmd->message);
        else
            bus_ctl_reply_error(cmd->req, "db_error", "数据库操作失败，未作任何更改，可重试");
    } else {
        s_fill_reply(cmd);
        bus_ctl_reply(cmd->req, &cmd->reply);
    }
    cmd->req = NULL;
    cmd->done(cmd, job, committed && !cmd->replayed, cmd->arg);
    if (cmd->stored)
        fayuan__ctl_reply__free_unpacked(cmd->stored, NULL);
    free(cmd->body);
    free(cmd->code);
    free(cmd->message);
    free(cmd);
}

void ctlcmd_run(db_t *db, bus_ctl_req_t *req, ctlcmd_step_fn step, ctlcmd_done_fn done, void *arg)
{
    ctlcmd_t *cmd = calloc(1, sizeof *cmd);
    fayuan__ctl_reply__init(&cmd->reply);
    cmd->req = req;
    cmd->step = step;
    cmd->done = done;
    cmd->arg = arg;
    const Fayuan__CtlRequest *r = bus_ctl_request(req);
    db_job_t *job = db_job_new(db, s_step, s_done, cmd);
    if (r->request_id && *r->request_id) {
        cmd->stage = -1;
        const char *params[] = {r->request_id};
        db_job_add(job, "SELECT encode(reply, 'hex') FROM requests WHERE request_id = $1", 1,
                   params);
    } else {
        cmd->stage = 0;
        (void)step(cmd, job, 0, arg);
    }
    db_job_submit(job);
}
