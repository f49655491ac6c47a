/* bus — ZeroMQ inside the libevent loop, and the three socket roles fayuan
 * uses: PUB (a producer's doorbell: each committed event, after commit), SUB
 * (a consumer listening to a producer) and ROUTER (a daemon's command port
 * for fayuanctl; replies may be sent later, after a database job).
 *
 * ZMQ_FD is edge-triggered: it signals "something changed", not "readable".
 * So the watcher registers it for EV_READ only, drains while ZMQ_EVENTS has
 * ZMQ_POLLIN in bounded batches (re-activating itself to continue, so one busy
 * socket cannot starve the loop), re-checks ZMQ_EVENTS after every send on the
 * socket, and activates once right after bind/connect. */
#ifndef FAYUAN_BUS_H
#define FAYUAN_BUS_H

#include "ctl.pb-c.h"
#include "envelope.pb-c.h"

#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>
#include <zmq.h>

typedef struct zwatch zwatch_t;

/* Called once per received message with its frames (borrowed). */
typedef void (*zwatch_msg_fn)(zmq_msg_t *frames, int nframes, void *arg);

/* Watches sock (not owned) and calls fn for each message. */
zwatch_t *zwatch_new(struct event_base *base, void *sock, zwatch_msg_fn fn, void *arg);
void zwatch_destroy(zwatch_t **self_p);
/* Must be called after every send on the watched socket. */
void zwatch_after_send(zwatch_t *self);

/* Sets linger and high-water marks every fayuan socket uses. */
void bus_socket_defaults(void *sock);

/* ---- publisher ---- */
typedef struct bus_pub bus_pub_t;
bus_pub_t *bus_pub_new(void *zctx, const char *endpoint, char *err, size_t errlen);
void bus_pub_destroy(bus_pub_t **self_p);
/* Packs and sends; never blocks (a slow subscriber loses messages, and
 * catches up from the outbox). */
int bus_publish(bus_pub_t *self, const Fayuan__Envelope *env);

/* ---- subscriber ---- */
typedef struct bus_sub bus_sub_t;
/* fn takes ownership of env (free with fayuan__envelope__free_unpacked). */
typedef void (*bus_sub_fn)(Fayuan__Envelope *env, void *arg);
bus_sub_t *bus_sub_new(struct event_base *base, void *zctx, const char *endpoint, bus_sub_fn fn,
                       void *arg, char *err, size_t errlen);
void bus_sub_destroy(bus_sub_t **self_p);

/* ---- command server (ROUTER) ---- */
typedef struct bus_ctl bus_ctl_t;
typedef struct bus_ctl_req bus_ctl_req_t;
/* req is owned by the server until bus_ctl_reply() is called on it. */
typedef void (*bus_ctl_fn)(bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd, void *arg);
bus_ctl_t *bus_ctl_new(struct event_base *base, void *zctx, const char *endpoint, bus_ctl_fn fn,
                       void *arg, char *err, size_t errlen);
void bus_ctl_destroy(bus_ctl_t **self_p);
/* Sends the reply and frees req. */
void bus_ctl_reply(bus_ctl_req_t *req, const Fayuan__CtlReply *reply);
/* Shorthands: an error reply with a code and a zh-CN message; an ok reply with a body. */
void bus_ctl_reply_error(bus_ctl_req_t *req, const char *code, const char *message);
void bus_ctl_reply_ok(bus_ctl_req_t *req, const char *body, size_t len);
const Fayuan__CtlRequest *bus_ctl_request(const bus_ctl_req_t *req);
/* An ok reply whose body is JSON; takes the reference to body. */
struct json_t;
void bus_ctl_reply_json(bus_ctl_req_t *req, struct json_t *body);

/* ---- command client (blocking, for fayuanctl and tests) ---- */
/* Sends cmd to endpoint and waits up to timeout_ms for the reply (caller
 * frees it with fayuan__ctl_reply__free_unpacked). NULL with a reason on
 * failure or timeout. */
Fayuan__CtlReply *bus_ctl_call(void *zctx, const char *endpoint, const Fayuan__CtlRequest *cmd,
                               int timeout_ms, char *err, size_t errlen);

#endif
