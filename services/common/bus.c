/* bus — see include/fayuan/bus.h. */
#include "fayuan/bus.h"

#include "fayuan/log.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZWATCH_BATCH 256 /* messages per loop pass, so others get their turn */
#define ZWATCH_MAXFRAMES 8

struct zwatch {
    void *sock;
    struct event *ev;
    zwatch_msg_fn fn;
    void *arg;
};

static bool s_readable(void *sock)
{
    int events = 0;
    size_t len = sizeof events;
    if (zmq_getsockopt(sock, ZMQ_EVENTS, &events, &len) != 0)
        return false;
    return (events & ZMQ_POLLIN) != 0;
}

static void s_zwatch_cb(evutil_socket_t fd, short what, void *arg)
{
    zwatch_t *w = arg;
    for (int n = 0; n < ZWATCH_BATCH; n++) {
        if (!s_readable(w->sock))
            return;
        zmq_msg_t frames[ZWATCH_MAXFRAMES];
        int nframes = 0;
        int more = 1;
        bool ok = true;
        while (more) {
            zmq_msg_t part;
            zmq_msg_init(&part);
            if (zmq_msg_recv(&part, w->sock, ZMQ_DONTWAIT) < 0) {
                zmq_msg_close(&part);
                ok = false;
                break;
            }
            more = zmq_msg_more(&part);
            if (nframes < ZWATCH_MAXFRAMES)
                frames[nframes++] = part;
            else {
                zmq_msg_close(&part); /* oversized message: dropped below */
                ok = false;
            }
        }
        if (ok)
            w->fn(frames, nframes, w->arg);
        for (int i = 0; i < nframes; i++)
            zmq_msg_close(&frames[i]);
    }
    /* Batch exhausted with more pending: continue on the next pass. */
    if (s_readable(w->sock))
        event_active(w->ev, EV_READ, 0);
}

zwatch_t *zwatch_new(struct event_base *base, void *sock, zwatch_msg_fn fn, void *arg)
{
    int fd;
    size_t len = sizeof fd;
    if (zmq_getsockopt(sock, ZMQ_FD, &fd, &len) != 0)
        return NULL;
    zwatch_t *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->sock = sock;
    w->fn = fn;
    w->arg = arg;
    w->ev = event_new(base, fd, EV_READ | EV_PERSIST, s_zwatch_cb, w);
    event_add(w->ev, NULL);
    /* Messages may have arrived before the fd was watched: look once. */
    event_active(w->ev, EV_READ, 0);
    return w;
}

void zwatch_destroy(zwatch_t **self_p)
{
    zwatch_t *w = *self_p;
    if (!w)
        return;
    event_free(w->ev);
    free(w);
    *self_p = NULL;
}

void zwatch_after_send(zwatch_t *self)
{
    if (s_readable(self->sock))
        event_active(self->ev, EV_READ, 0);
}

void bus_socket_defaults(void *sock)
{
    int linger = 500, hwm = 100000;
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(sock, ZMQ_RCVHWM, &hwm, sizeof hwm);
}

/* ---- publisher ---------------------------------------------------------- */

struct bus_pub {
    void *sock;
};

bus_pub_t *bus_pub_new(void *zctx, const char *endpoint, char *err, size_t errlen)
{
    bus_pub_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->sock = zmq_socket(zctx, ZMQ_PUB);
    bus_socket_defaults(p->sock);
    if (zmq_bind(p->sock, endpoint) != 0) {
        snprintf(err, errlen, "bind %s: %s", endpoint, zmq_strerror(errno));
        zmq_close(p->sock);
        free(p);
        return NULL;
    }
    return p;
}

void bus_pub_destroy(bus_pub_t **self_p)
{
    bus_pub_t *p = *self_p;
    if (!p)
        return;
    zmq_close(p->sock);
    free(p);
    *self_p = NULL;
}

int bus_publish(bus_pub_t *self, const Fayuan__Envelope *env)
{
    size_t len = fayuan__envelope__get_packed_size(env);
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, len) != 0)
        return -1;
    fayuan__envelope__pack(env, zmq_msg_data(&msg));
    if (zmq_msg_send(&msg, self->sock, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&msg);
        return -1;
    }
    /* A PUB socket never reads, so there is nothing to re-check here. */
    return 0;
}

/* ---- subscriber --------------------------------------------------------- */

struct bus_sub {
    void *sock;
    zwatch_t *watch;
    bus_sub_fn fn;
    void *arg;
};

static void s_sub_msg(zmq_msg_t *frames, int nframes, void *arg)
{
    bus_sub_t *s = arg;
    if (nframes != 1)
        return;
    Fayuan__Envelope *env =
        fayuan__envelope__unpack(NULL, zmq_msg_size(&frames[0]), zmq_msg_data(&frames[0]));
    if (!env) {
        log_warn("dropped an undecodable message from the bus");
        return;
    }
    s->fn(env, s->arg);
}

bus_sub_t *bus_sub_new(struct event_base *base, void *zctx, const char *endpoint, bus_sub_fn fn,
                       void *arg, char *err, size_t errlen)
{
    bus_sub_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->fn = fn;
    s->arg = arg;
    s->sock = zmq_socket(zctx, ZMQ_SUB);
    bus_socket_defaults(s->sock);
    zmq_setsockopt(s->sock, ZMQ_SUBSCRIBE, "", 0);
    if (zmq_connect(s->sock, endpoint) != 0) {
        snprintf(err, errlen, "connect %s: %s", endpoint, zmq_strerror(errno));
        zmq_close(s->sock);
        free(s);
        return NULL;
    }
    s->watch = zwatch_new(base, s->sock, s_sub_msg, s);
    return s;
}

void bus_sub_destroy(bus_sub_t **self_p)
{
    bus_sub_t *s = *self_p;
    if (!s)
        return;
    zwatch_destroy(&s->watch);
    zmq_close(s->sock);
    free(s);
    *self_p = NULL;
}

/* ---- command server ----------------------------------------------------- */

struct bus_ctl {
    void *sock;
    zwatch_t *watch;
    bus_ctl_fn fn;
    void *arg;
};

struct bus_ctl_req {
    bus_ctl_t *ctl;
    zmq_msg_t identity;
    Fayuan__CtlRequest *cmd;
};

static void s_ctl_msg(zmq_msg_t *frames, int nframes, void *arg)
{
    bus_ctl_t *c = arg;
    /* REQ peers send [identity, empty delimiter, body]. */
    if (nframes != 3 || zmq_msg_size(&frames[1]) != 0)
        return;
    Fayuan__CtlRequest *cmd =
        fayuan__ctl_request__unpack(NULL, zmq_msg_size(&frames[2]), zmq_msg_data(&frames[2]));
    bus_ctl_req_t *req = calloc(1, sizeof *req);
    req->ctl = c;
    zmq_msg_init(&req->identity);
    zmq_msg_copy(&req->identity, &frames[0]);
    req->cmd = cmd;
    if (!cmd) {
        bus_ctl_reply_error(req, "bad_request", "无法解析的请求");
        return;
    }
    c->fn(req, cmd, c->arg);
}

bus_ctl_t *bus_ctl_new(struct event_base *base, void *zctx, const char *endpoint, bus_ctl_fn fn,
                       void *arg, char *err, size_t errlen)
{
    bus_ctl_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fn = fn;
    c->arg = arg;
    c->sock = zmq_socket(zctx, ZMQ_ROUTER);
    bus_socket_defaults(c->sock);
    if (zmq_bind(c->sock, endpoint) != 0) {
        snprintf(err, errlen, "bind %s: %s", endpoint, zmq_strerror(errno));
        zmq_close(c->sock);
        free(c);
        return NULL;
    }
    c->watch = zwatch_new(base, c->sock, s_ctl_msg, c);
    return c;
}

void bus_ctl_destroy(bus_ctl_t **self_p)
{
    bus_ctl_t *c = *self_p;
    if (!c)
        return;
    zwatch_destroy(&c->watch);
    zmq_close(c->sock);
    free(c);
    *self_p = NULL;
}

const Fayuan__CtlRequest *bus_ctl_request(const bus_ctl_req_t *req)
{
    return req->cmd;
}

void bus_ctl_reply(bus_ctl_req_t *req, const Fayuan__CtlReply *reply)
{
    bus_ctl_t *c = req->ctl;
    size_t len = fayuan__ctl_reply__get_packed_size(reply);
    zmq_msg_t body;
    zmq_msg_init_size(&body, len);
    fayuan__ctl_reply__pack(reply, zmq_msg_data(&body));
    zmq_msg_send(&req->identity, c->sock, ZMQ_SNDMORE | ZMQ_DONTWAIT);
    zmq_send(c->sock, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
    if (zmq_msg_send(&body, c->sock, ZMQ_DONTWAIT) < 0)
        zmq_msg_close(&body);
    zwatch_after_send(c->watch);
    zmq_msg_close(&req->identity);
    if (req->cmd)
        fayuan__ctl_request__free_unpacked(req->cmd, NULL);
    free(req);
}

void bus_ctl_reply_error(bus_ctl_req_t *req, const char *code, const char *message)
{
    Fayuan__CtlReply reply = FAYUAN__CTL_REPLY__INIT;
    reply.status = 1;
    reply.error = (char *)code;
    reply.message = (char *)message;
    bus_ctl_reply(req, &reply);
}

void bus_ctl_reply_ok(bus_ctl_req_t *req, const char *body, size_t len)
{
    Fayuan__CtlReply reply = FAYUAN__CTL_REPLY__INIT;
    reply.body.data = (uint8_t *)body;
    reply.body.len = len;
    bus_ctl_reply(req, &reply);
}

void bus_ctl_reply_json(bus_ctl_req_t *req, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    bus_ctl_reply_ok(req, text, text ? strlen(text) : 0);
    free(text);
    json_decref(body);
}

/* ---- command client ----------------------------------------------------- */

Fayuan__CtlReply *bus_ctl_call(void *zctx, const char *endpoint, const Fayuan__CtlRequest *cmd,
                               int timeout_ms, char *err, size_t errlen)
{
    Fayuan__CtlReply *reply = NULL;
    void *sock = zmq_socket(zctx, ZMQ_REQ);
    int linger = 0;
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(sock, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
    zmq_setsockopt(sock, ZMQ_SNDTIMEO, &timeout_ms, sizeof timeout_ms);
    if (zmq_connect(sock, endpoint) != 0) {
        snprintf(err, errlen, "connect %s: %s", endpoint, zmq_strerror(errno));
        goto out;
    }
    size_t len = fayuan__ctl_request__get_packed_size(cmd);
    uint8_t *buf = malloc(len ? len : 1);
    fayuan__ctl_request__pack(cmd, buf);
    int sent = zmq_send(sock, buf, len, 0);
    free(buf);
    if (sent < 0) {
        snprintf(err, errlen, "send: %s", zmq_strerror(errno));
        goto out;
    }
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, sock, 0) < 0) {
        snprintf(err, errlen, "no answer from %s within %d ms", endpoint, timeout_ms);
        zmq_msg_close(&msg);
        goto out;
    }
    reply = fayuan__ctl_reply__unpack(NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
    if (!reply)
        snprintf(err, errlen, "undecodable reply");
    zmq_msg_close(&msg);
out:
    zmq_close(sock);
    return reply;
}
