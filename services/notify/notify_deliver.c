/* notify_deliver — delivery through the file channel: pending notifications
 * are rendered, appended to the spool file and fsync'ed, and only then
 * marked delivered in the same transaction that read them. A failed write
 * rolls back and is retried with backoff. */
#include "notify.h"
#include "notify_message.h"

#include "events.pb-c.h"
#include "fayuan/log.h"
#include "fayuan/pgarr.h"
#include "fayuan/timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DELIVER_BATCH 500
#define RETRY_S 2

typedef struct {
    notify_t *n;
    outbox_batch_t *events;
    size_t count;
    bool wrote;
} s_run_t;

/* The name and template are scalar subqueries (primary-key lookups) rather
 * than joins, so the plan stays an index walk over the pending rows however
 * young the tables' statistics are. */
static const char s_pending_sql[] =
    "SELECT n.id, n.center, n.lawyer, "
    "       coalesce((SELECT l.name FROM lawyers l "
    "                 WHERE l.center = n.center AND l.licence = n.lawyer), ''), "
    "       n.template, n.vars::text, "
    "       (SELECT t.body FROM templates t WHERE t.key = n.template AND t.locale = 'zh-CN'), "
    "       (extract(epoch FROM n.created_at) * 1000000)::bigint, "
    "       n.recipient, n.to_name, n.to_email, n.to_phone, "
    "       (SELECT t.defaults::text FROM templates t "
    "        WHERE t.key = n.template AND t.locale = 'zh-CN') "
    "FROM notifications n "
    "WHERE n.status = 'pending' AND n.channel = 'file' ORDER BY n.id LIMIT 500 FOR UPDATE";

enum {
    COL_ID,
    COL_CENTER,
    COL_LAWYER,
    COL_NAME,
    COL_TEMPLATE,
    COL_VARS,
    COL_BODY,
    COL_CREATED,
    COL_RECIPIENT,
    COL_TO_NAME,
    COL_TO_EMAIL,
    COL_TO_PHONE,
    COL_DEFAULTS,
};

static char *s_render(notify_t *nt, const PGresult *res, int row)
{
    notify_message_ctx_t ctx = {
        .name = db_value(res, row, COL_NAME),
        .licence = db_value(res, row, COL_LAWYER),
        .center_name = nt->center_name,
        .utc_offset = nt->d->cfg.utc_offset,
    };
    return notify_message_render(db_value(res, row, COL_BODY), db_value(res, row, COL_VARS),
                                 db_value(res, row, COL_DEFAULTS), &ctx);
}

/* The spool line's "to": who receives the message. A firm's contacts are
 * the ones the notice gave; a lawyer's stay in the read-model. */
static json_t *s_recipient(const PGresult *res, int row)
{
    const char *kind = db_value(res, row, COL_RECIPIENT);
    if (!kind || strcmp(kind, "firm") != 0)
        return json_pack("{s:s, s:s}", "kind", "lawyer", "licence", db_value(res, row, COL_LAWYER));
    json_t *to =
        json_pack("{s:s, s:s}", "kind", "firm", "name", db_value(res, row, COL_TO_NAME) ?: "");
    if (db_value(res, row, COL_TO_EMAIL))
        json_object_set_new(to, "email", json_string(db_value(res, row, COL_TO_EMAIL)));
    if (db_value(res, row, COL_TO_PHONE))
        json_object_set_new(to, "phone", json_string(db_value(res, row, COL_TO_PHONE)));
    return to;
}

/* Appends all lines and fsyncs; 0 on success. */
static int s_append(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)w;
    }
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static db_next_t s_step(db_job_t *job, void *arg)
{
    s_run_t *run = arg;
    if (run->wrote)
        return DB_COMMIT;
    const PGresult *res = db_job_result(job, 0);
    int rows = PQntuples(res);
    if (rows == 0)
        return DB_COMMIT;
    notify_t *nt = run->n;
    pgarr_t ids, bodies, failed;
    pgarr_init(&ids);
    pgarr_init(&bodies);
    pgarr_init(&failed);
    run->events = outbox_batch_new(nt->d->outbox);
    size_t total = 0;
    char **texts = calloc((size_t)rows, sizeof *texts);
    bool broken = false;
    for (int i = 0; i < rows; i++) {
        const char *id = db_value(res, i, COL_ID);
        if (!db_value(res, i, COL_BODY)) {
            /* A template removed from the table (or never written for this
             * kind of notice): nothing sensible to send. */
            log_error("notification %s: no template '%s'; marked failed", id,
                      db_value(res, i, COL_TEMPLATE));
            pgarr_add(&failed, id);
            continue;
        }
        char *body = s_render(nt, res, i);
        if (!body) {
            broken = true;
            break;
        }
        char at[40];
        time_format_rfc3339(db_int64(res, i, COL_CREATED), nt->d->cfg.utc_offset, at, sizeof at);
        json_t *line = json_pack(
            "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)db_int64(res, i, COL_ID),
            "center", db_value(res, i, COL_CENTER), "lawyer", db_value(res, i, COL_LAWYER),
            "channel", "file", "template", db_value(res, i, COL_TEMPLATE), "message", body,
            "created_at", at, "to", s_recipient(res, i));
        if (!line) {
            /* Only text that is not UTF-8 (the center's name in the
             * configuration) gets here: a retry would fail the same way. */
            log_error("notification %s: message not representable as JSON; marked failed", id);
            pgarr_add(&failed, id);
            free(body);
            continue;
        }
        texts[i] = json_dumps(line, JSON_COMPACT);
        json_decref(line);
        if (!texts[i]) {
            free(body);
            broken = true;
            break;
        }
        total += strlen(texts[i]) + 1;
        pgarr_add(&ids, id);
        pgarr_add(&bodies, body);
        Fayuan__NotificationDelivered ev = FAYUAN__NOTIFICATION_DELIVERED__INIT;
        ev.notification_id = (char *)id;
        ev.lawyer = (char *)db_value(res, i, COL_LAWYER);
        ev.channel = "file";
        outbox_batch_add(run->events, "NotificationDelivered", db_value(res, i, COL_CENTER),
                         time_now_us(), &ev.base);
        free(body);
    }
    char *all = malloc(total + 1), *p = all;
    for (int i = 0; i < rows; i++) {
        if (!texts[i])
            continue;
        size_t l = strlen(texts[i]);
        memcpy(p, texts[i], l);
        p[l] = '\n';
        p += l + 1;
        free(texts[i]);
    }
    free(texts);
    int rc = -1;
    if (broken)
        log_error("cannot render notifications (out of memory); retrying");
    else if ((rc = s_append(nt->spool, all, total)) != 0)
        log_error("cannot write notification spool %s: %s", nt->spool, strerror(errno));
    free(all);
    if (rc != 0) {
        pgarr_free(&ids);
        pgarr_free(&bodies);
        pgarr_free(&failed);
        return DB_ROLLBACK;
    }
    run->wrote = true;
    run->count = (size_t)rows;
    const char *params[] = {pgarr_str(&ids), pgarr_str(&bodies)};
    db_job_add(job,
               "UPDATE notifications n SET status = 'delivered', delivered_at = now(), "
               "  attempts = n.attempts + 1, body = r.body "
               "FROM unnest($1::bigint[], $2::text[]) AS r(id, body) WHERE n.id = r.id",
               2, params);
    if (failed.count > 0) {
        const char *fparams[] = {pgarr_str(&failed)};
        db_job_add(job,
                   "UPDATE notifications SET status = 'failed', attempts = attempts + 1 "
                   "WHERE id = ANY($1::bigint[])",
                   1, fparams);
    }
    outbox_batch_stage(run->events, job);
    pgarr_free(&ids);
    pgarr_free(&bodies);
    pgarr_free(&failed);
    return DB_NEXT;
}

static void s_done(db_job_t *job, bool committed, const char *error, void *arg)
{
    s_run_t *run = arg;
    notify_t *nt = run->n;
    outbox_batch_finish(&run->events, job, committed);
    nt->delivering = false;
    if (committed && run->wrote) {
        nt->m_delivered += run->count;
        log_debug("delivered %zu notifications", run->count);
    }
    bool more = committed && run->count == DELIVER_BATCH;
    if (!committed) {
        nt->m_failed++;
        struct timeval tv = {RETRY_S, 0};
        event_add(nt->ev_deliver, &tv);
    } else if (more || nt->again) {
        nt->again = false;
        notify_deliver_kick(nt);
    }
    free(run);
}

static void s_on_deliver(evutil_socket_t fd, short what, void *arg)
{
    notify_t *nt = arg;
    if (nt->delivering) {
        nt->again = true;
        return;
    }
    nt->delivering = true;
    s_run_t *run = calloc(1, sizeof *run);
    run->n = nt;
    db_job_t *job = db_job_new(nt->d->db, s_step, s_done, run);
    db_job_add(job, s_pending_sql, 0, NULL);
    db_job_submit(job);
}

void notify_deliver_kick(notify_t *n)
{
    if (n->delivering)
        n->again = true;
    else
        event_active(n->ev_deliver, EV_TIMEOUT, 0);
}

void notify_deliver_init(notify_t *n)
{
    n->ev_deliver = evtimer_new(n->d->base, s_on_deliver, n);
}

void notify_deliver_fini(notify_t *n)
{
    if (n->ev_deliver)
        event_free(n->ev_deliver);
    n->ev_deliver = NULL;
}
