/* gw_http — the gateway's HTTP surface (evhttp): routing, authentication,
 * body limits, validation, and the answers of DESIGN.md: 202 accepted, 200
 * duplicate, 207 for arrays, 4xx with {"error","field","message"}. Valid
 * records go to the group commit (gw_commit.c); nothing is answered as
 * accepted before it is committed. */
#include "gateway.h"

#include "fayuan/log.h"
#include "fayuan/timeutil.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_send_json(struct evhttp_request *req, int status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII);
    struct evbuffer *buf = evbuffer_new();
    evbuffer_add(buf, text, strlen(text));
    evbuffer_add(buf, "\n", 1);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "application/json; charset=utf-8");
    const char *reason = status == 207 ? "Multi-Status" : NULL;
    evhttp_send_reply(req, status, reason, buf);
    evbuffer_free(buf);
    free(text);
    json_decref(body);
}

static void s_send_error(gateway_t *gw, struct evhttp_request *req, const gw_error_t *err)
{
    gw->m_rejected++;
    s_send_json(req, err->status, gw_error_json(err));
}

/* ---- answers of feed requests ------------------------------------------- */

static void s_request_free(gw_request_t *r)
{
    for (size_t i = 0; i < r->n; i++)
        json_decref(r->answers[i]);
    free(r->answers);
    free(r->statuses);
    free(r);
}

static void s_request_reply(gw_request_t *r)
{
    if (!r->is_array) {
        s_send_json(r->req, r->statuses[0], r->answers[0]);
        r->answers[0] = NULL;
    } else {
        json_t *arr = json_array();
        for (size_t i = 0; i < r->n; i++) {
            json_object_set_new(r->answers[i], "code", json_integer(r->statuses[i]));
            json_array_append(arr, r->answers[i]);
        }
        s_send_json(r->req, 207, arr);
    }
    s_request_free(r);
}

void gw_request_answer(gw_request_t *r, size_t index, int status, json_t *answer)
{
    r->statuses[index] = status;
    r->answers[index] = answer;
    if (--r->outstanding == 0)
        s_request_reply(r);
}

/* ---- feed endpoints ----------------------------------------------------- */

/* Reads the whole body; NULL (with err) if over the limit. */
static char *s_body(gateway_t *gw, struct evhttp_request *req, size_t *len, gw_error_t *err)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t n = evbuffer_get_length(in);
    if (n > (size_t)gw->max_body_bytes) {
        gw_error_set(err, 413, GW_ERR_BODY_TOO_LARGE, NULL, "body is %zu bytes; the limit is %d", n,
                     gw->max_body_bytes);
        return NULL;
    }
    char *body = malloc(n + 1);
    evbuffer_copyout(in, body, n);
    body[n] = '\0';
    *len = n;
    return body;
}

static bool s_authenticate(gateway_t *gw, struct evhttp_request *req, const char *secret,
                           const char *body, size_t len, gw_error_t *err)
{
    struct evkeyvalq *h = evhttp_request_get_input_headers(req);
    sig_result_t r = hmac_verify_request(secret, evhttp_find_header(h, "X-Fayuan-Timestamp"),
                                         evhttp_find_header(h, "X-Fayuan-Signature"), body, len,
                                         time_now_us() / TIME_US_PER_SEC, gw->replay_window_s);
    if (r == SIG_OK)
        return true;
    gw_error_from_sig(r, err);
    return false;
}

static void s_feed(gateway_t *gw, struct evhttp_request *req, const gw_feed_kind_t *feed)
{
    gw_error_t err;
    size_t len = 0;
    json_t *root = NULL;
    bool is_array = false;
    char *body = s_body(gw, req, &len, &err);
    if (!body) {
        s_send_error(gw, req, &err);
        return;
    }
    const char *secret = feed->hotline ? gw->hotline_secret : gw->quality_secret;
    if (!s_authenticate(gw, req, secret, body, len, &err))
        goto reject;
    if (!db_is_ready(gw->d->db)) {
        gw_error_set(&err, 503, GW_ERR_INTERNAL, NULL, "storage unavailable; retry later");
        goto reject;
    }
    if (gw->npending >= (size_t)gw->max_backlog) {
        gw->m_shed++;
        gw_error_set(&err, 429, GW_ERR_OVERLOADED, NULL, "too many records waiting; retry later");
        goto reject;
    }
    if (gw_body_parse(body, len, (size_t)gw->max_batch, &root, &is_array, &err) != 0)
        goto reject;
    free(body);

    gw_request_t *r = calloc(1, sizeof *r);
    r->gw = gw;
    r->req = req;
    r->is_array = is_array;
    r->n = is_array ? json_array_size(root) : 1;
    /* One extra slot: the dispatch guard answered at the end. */
    r->answers = calloc(r->n + 1, sizeof *r->answers);
    r->statuses = calloc(r->n + 1, sizeof *r->statuses);
    r->outstanding = r->n + 1; /* +1 until every record is dispatched */
    int64_t now = time_now_us();
    for (size_t i = 0; i < r->n; i++) {
        const json_t *rec = is_array ? json_array_get(root, i) : root;
        gw_pending_t p = {.owner = r, .index = i, .feed = feed};
        if (feed->decode(rec, now, &p, &err) != 0) {
            gw->m_rejected++;
            gw_request_answer(r, i, err.status, gw_error_json(&err));
            continue;
        }
        if (feed->require_known && !gw_lawyer_known(gw, p.lawyer)) {
            gw->m_rejected++;
            gw_error_set(&err, 400, "unknown_lawyer", "lawyer",
                         "no lawyer with this licence number is registered at this center");
            gw_request_answer(r, i, 400, gw_error_json(&err));
            continue;
        }
        gw_commit_enqueue(gw, &p);
    }
    json_decref(root);
    gw_request_answer(r, r->n, 0, NULL); /* drops the dispatch guard */
    return;
reject:
    free(body);
    json_decref(root);
    s_send_error(gw, req, &err);
}

/* ---- the public case-pool list (clause 8) --------------------------------- */

/* Errors of the public endpoints: JSON as everywhere, never cached, and not
 * counted with the feed records. */
static void s_public_error(struct evhttp_request *req, const gw_error_t *err)
{
    evhttp_add_header(evhttp_request_get_output_headers(req), "Cache-Control", "no-store");
    s_send_json(req, err->status, gw_error_json(err));
}

/* GET /v1/public/case-pool (JSON) and GET /case-pool (HTML): no login, the
 * five fields of clause 8 and nothing else (gw_public.h). */
static void s_case_pool(gateway_t *gw, struct evhttp_request *req, bool html)
{
    gw->m_public++;
    gw_error_t err;
    gw_public_query_t q;
    const char *query = strchr(evhttp_request_get_uri(req), '?');
    if (gw_public_query_parse(query ? query + 1 : NULL, &q, &err) != 0) {
        s_public_error(req, &err);
        return;
    }
    if (!gw->lawyers_loaded) {
        gw_error_set(&err, 503, GW_ERR_INTERNAL, NULL, "the list is not loaded yet; retry later");
        s_public_error(req, &err);
        return;
    }
    int64_t now = time_now_us();
    int y, m, d;
    time_local(now, gw->d->cfg.utc_offset, &y, &m, &d, NULL);
    const char *body;
    size_t len;
    int rc = gw_public_answer(gw->pub, &q, html, y, m, d, now, gw->d->cfg.utc_offset, &body, &len);
    if (rc == 1) {
        gw_error_set(&err, 404, GW_ERR_NOT_FOUND, "year", "no case-pool list was published for %d",
                     q.year);
        s_public_error(req, &err);
        return;
    }
    if (rc != 0) {
        gw_error_set(&err, 500, GW_ERR_INTERNAL, NULL, "out of memory; retry later");
        s_public_error(req, &err);
        return;
    }
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Content-Type",
                      html ? "text/html; charset=utf-8" : "application/json; charset=utf-8");
    /* Short: a suspended member must drop off soon, and ages change daily. */
    evhttp_add_header(h, "Cache-Control", "public, max-age=60");
    evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
    if (html)
        evhttp_add_header(h, "Content-Security-Policy",
                          "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                          "form-action 'none'");
    struct evbuffer *buf = evbuffer_new();
    evbuffer_add(buf, body, len); /* copied: body is the model's */
    evhttp_send_reply(req, 200, "OK", buf);
    evbuffer_free(buf);
}

static void s_case_pool_json(gateway_t *gw, struct evhttp_request *req)
{
    s_case_pool(gw, req, false);
}

static void s_case_pool_html(gateway_t *gw, struct evhttp_request *req)
{
    s_case_pool(gw, req, true);
}

/* ---- operational endpoints ---------------------------------------------- */

static void s_healthz(gateway_t *gw, struct evhttp_request *req)
{
    bool ok = db_is_ready(gw->d->db);
    s_send_json(req, ok ? 200 : 503,
                json_pack("{s:s, s:b, s:b}", "status", ok ? "ok" : "degraded", "db", ok,
                          "lawyers_loaded", gw->lawyers_loaded));
}

static void s_metrics(gateway_t *gw, struct evhttp_request *req)
{
    struct evbuffer *buf = evbuffer_new();
    evbuffer_add_printf(buf,
                        "# TYPE fayuan_gateway_requests_total counter\n"
                        "fayuan_gateway_requests_total %llu\n"
                        "# TYPE fayuan_gateway_records_total counter\n"
                        "fayuan_gateway_records_total{result=\"accepted\"} %llu\n"
                        "fayuan_gateway_records_total{result=\"duplicate\"} %llu\n"
                        "fayuan_gateway_records_total{result=\"conflict\"} %llu\n"
                        "fayuan_gateway_records_total{result=\"rejected\"} %llu\n"
                        "# TYPE fayuan_gateway_shed_total counter\n"
                        "fayuan_gateway_shed_total %llu\n"
                        "# TYPE fayuan_gateway_commits_total counter\n"
                        "fayuan_gateway_commits_total %llu\n"
                        "# TYPE fayuan_gateway_public_requests_total counter\n"
                        "fayuan_gateway_public_requests_total %llu\n"
                        "# TYPE fayuan_gateway_pending_records gauge\n"
                        "fayuan_gateway_pending_records %zu\n"
                        "# TYPE fayuan_db_queue_jobs gauge\n"
                        "fayuan_db_queue_jobs{service=\"gateway\"} %zu\n"
                        "# TYPE fayuan_outbox_published_total counter\n"
                        "fayuan_outbox_published_total{producer=\"gateway\"} %llu\n",
                        (unsigned long long)gw->m_requests, (unsigned long long)gw->m_accepted,
                        (unsigned long long)gw->m_duplicate, (unsigned long long)gw->m_conflict,
                        (unsigned long long)gw->m_rejected, (unsigned long long)gw->m_shed,
                        (unsigned long long)gw->m_commits, (unsigned long long)gw->m_public,
                        gw->npending, db_queue_length(gw->d->db),
                        (unsigned long long)outbox_published(gw->d->outbox));
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "text/plain; version=0.0.4");
    evhttp_send_reply(req, 200, "OK", buf);
    evbuffer_free(buf);
}

typedef struct {
    const char *path;
    void (*fn)(gateway_t *gw, struct evhttp_request *req);
} s_route_t;

static const s_route_t s_routes[] = {
    {"/healthz", s_healthz},
    {"/metrics", s_metrics},
    {"/v1/public/case-pool", s_case_pool_json},
    {"/case-pool", s_case_pool_html},
};

static bool s_path_is(const char *uri, size_t plen, const char *path)
{
    return strlen(path) == plen && strncmp(uri, path, plen) == 0;
}

static bool s_method_is(gateway_t *gw, struct evhttp_request *req, enum evhttp_cmd_type want)
{
    if (evhttp_request_get_command(req) == want)
        return true;
    gw_error_t err;
    gw_error_set(&err, 405, "method_not_allowed", NULL, "use %s",
                 want == EVHTTP_REQ_POST ? "POST" : "GET");
    s_send_error(gw, req, &err);
    return false;
}

static void s_dispatch(struct evhttp_request *req, void *arg)
{
    gateway_t *gw = arg;
    gw->m_requests++;
    const char *uri = evhttp_request_get_uri(req);
    size_t plen = strcspn(uri, "?");
    for (size_t i = 0; i < gw_nfeeds; i++) {
        if (s_path_is(uri, plen, gw_feeds[i].path)) {
            if (s_method_is(gw, req, EVHTTP_REQ_POST))
                s_feed(gw, req, &gw_feeds[i]);
            return;
        }
    }
    for (size_t i = 0; i < sizeof s_routes / sizeof s_routes[0]; i++) {
        if (s_path_is(uri, plen, s_routes[i].path)) {
            if (s_method_is(gw, req, EVHTTP_REQ_GET))
                s_routes[i].fn(gw, req);
            return;
        }
    }
    gw_error_t err;
    gw_error_set(&err, 404, GW_ERR_NOT_FOUND, NULL, "no such endpoint");
    s_send_error(gw, req, &err);
}

int gw_http_start(gateway_t *gw)
{
    gw->http = evhttp_new(gw->d->base);
    /* Bodies up to twice our limit still reach s_body, which answers with
     * the JSON 413 of the contract; larger ones are cut off by evhttp. */
    evhttp_set_max_body_size(gw->http, (ev_ssize_t)gw->max_body_bytes * 2);
    evhttp_set_max_headers_size(gw->http, 16384);
    evhttp_set_timeout(gw->http, 30);
    evhttp_set_allowed_methods(gw->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
                                             EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD);
    evhttp_set_gencb(gw->http, s_dispatch, gw);
    if (!evhttp_bind_socket_with_handle(gw->http, gw->http_addr, (ev_uint16_t)gw->http_port)) {
        log_error("cannot listen on %s:%d", gw->http_addr, gw->http_port);
        return -1;
    }
    log_info("listening on http://%s:%d", gw->http_addr, gw->http_port);
    return 0;
}

void gw_http_stop(gateway_t *gw)
{
    if (gw->http)
        evhttp_free(gw->http);
    gw->http = NULL;
}
