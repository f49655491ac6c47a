/* notify_deliver — delivery through the file channel: pending notifications
 * are rendered, appended to the spool file and fsync'ed, and only then
 * marked delivered in the same transaction that read them. A failed write
 * rolls back and is retried with backoff. */
#include "notify.h"
#include "notify_render.h"

#include "events.pb-c.h"
#include "fayuan/log.h"
#include "fayuan/pgarr.h"
#include "fayuan/points.h"
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
    "       (extract(epoch FROM n.created_at) * 1000000)::bigint "
    "FROM notifications n "
    "WHERE n.status = 'pending' AND n.channel = 'file' ORDER BY n.id LIMIT 500 FOR UPDATE";

static char *s_render(notify_t *nt, const PGresult *res, int row)
{
    json_t *vars = json_loads(db_value(res, row, 5), 0, NULL);
    char quarter[32], points[32], position[16], ranked[16];
    notify_quarter_zh(json_string_value(json_object_get(vars, "quarter")) ?: "", quarter,
                      sizeof quarter);
    points_format(json_integer_value(json_object_get(vars, "points_centi")), points, sizeof points);
    snprintf(position, sizeof position, "%lld",
             (long long)json_integer_value(json_object_get(vars, "position")));
    snprintf(ranked, sizeof ranked, "%lld",
             (long long)json_integer_value(json_object_get(vars, "ranked")));
    static const struct {
        const char *en, *zh;
    } tiers[] = {{"green", "绿色"}, {"blue", "蓝色"}, {"red", "红色"}};
    const char *old_tier = json_string_value(json_object_get(vars, "old_tier")) ?: "";
    const char *new_tier = json_string_value(json_object_get(vars, "new_tier")) ?: "";
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(old_tier, tiers[i].en) == 0)
            old_tier = tiers[i].zh;
        if (strcmp(new_tier, tiers[i].en) == 0)
            new_tier = tiers[i].zh;
    }
    const char *name = db_value(res, row, 3);
    notify_var_t table[] = {
        {"name", name && *name ? name : db_value(res, row, 2)},
        {"center_name", nt->center_name},
        {"quarter", quarter},
        {"points", points},
        {"position", position},
        {"ranked", ranked},
        {"old_tier", old_tier},
        {"new_tier", new_tier},
    };
    char *out = notify_render(db_value(res, row, 6), table, sizeof table / sizeof table[0]);
    json_decref(vars);
    return out;
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
    for (int i = 0; i < rows; i++) {
        if (!db_value(res, i, 6)) {
            /* A template removed from the table: nothing sensible to send. */
            log_error("notification %s: no template '%s'; marked failed", db_value(res, i, 0),
                      db_value(res, i, 4));
            pgarr_add(&failed, db_value(res, i, 0));
            continue;
        }
        char *body = s_render(nt, res, i);
        char at[40];
        time_format_rfc3339(db_int64(res, i, 7), nt->d->cfg.utc_offset, at, sizeof at);
        json_t *line =
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_int64(res, i, 0),
                      "center", db_value(res, i, 1), "lawyer", db_value(res, i, 2), "channel",
                      "file", "template", db_value(res, i, 4), "message", body, "created_at", at);
        texts[i] = json_dumps(line, JSON_COMPACT);
        total += strlen(texts[i]) + 1;
        json_decref(line);
        pgarr_add(&ids, db_value(res, i, 0));
        pgarr_add(&bodies, body);
        Fayuan__NotificationDelivered ev = FAYUAN__NOTIFICATION_DELIVERED__INIT;
        ev.notification_id = (char *)db_value(res, i, 0);
        ev.lawyer = (char *)db_value(res, i, 2);
        ev.channel = "file";
        outbox_batch_add(run->events, "NotificationDelivered", db_value(res, i, 1), time_now_us(),
                         &ev.base);
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
    int rc = s_append(nt->spool, all, total);
    free(all);
    if (rc != 0) {
        log_error("cannot write notification spool %s: %s", nt->spool, strerror(errno));
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
