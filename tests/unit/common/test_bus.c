/* test_bus — ZeroMQ inside libevent with real sockets (inproc://): a burst
 * far larger than one drain batch all arrives (the edge-triggered ZMQ_FD is
 * re-armed correctly), envelopes survive the trip, and a command gets its
 * reply through ROUTER while the loop runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fayuan/bus.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    struct event_base *base;
    int received;
    int want;
    uint64_t last_seq;
    bool in_order;
} s_sub_state_t;

static void s_on_env(Fayuan__Envelope *env, void *arg)
{
    s_sub_state_t *st = arg;
    if (env->seq != st->last_seq + 1 || strcmp(env->type, "T") != 0)
        st->in_order = false;
    st->last_seq = env->seq;
    if (++st->received == st->want)
        event_base_loopbreak(st->base);
    fayuan__envelope__free_unpacked(env, NULL);
}

static void s_timeout(evutil_socket_t fd, short what, void *arg)
{
    event_base_loopbreak(arg);
}

static void s_run_for(struct event_base *base, int ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    struct event *t = evtimer_new(base, s_timeout, base);
    evtimer_add(t, &tv);
    event_base_dispatch(base);
    event_free(t);
}

static void test_burst_larger_than_a_drain_batch(void **state)
{
    void *zctx = zmq_ctx_new();
    struct event_base *base = event_base_new();
    char err[128];
    bus_pub_t *pub = bus_pub_new(zctx, "inproc://burst", err, sizeof err);
    assert_non_null(pub);
    s_sub_state_t st = {.base = base, .want = 5000, .in_order = true};
    bus_sub_t *sub = bus_sub_new(base, zctx, "inproc://burst", s_on_env, &st, err, sizeof err);
    assert_non_null(sub);
    s_run_for(base, 100); /* let the subscription reach the publisher */
    uint8_t payload[16] = {1, 2, 3};
    for (int i = 1; i <= st.want; i++) {
        Fayuan__Envelope env = FAYUAN__ENVELOPE__INIT;
        env.producer = "p";
        env.seq = (uint64_t)i;
        env.type = "T";
        env.center = "wz";
        env.payload.data = payload;
        env.payload.len = sizeof payload;
        assert_int_equal(bus_publish(pub, &env), 0);
    }
    s_run_for(base, 5000);
    assert_int_equal(st.received, st.want);
    assert_true(st.in_order);
    bus_sub_destroy(&sub);
    assert_null(sub);
    bus_pub_destroy(&pub);
    event_base_free(base);
    zmq_ctx_term(zctx);
}

typedef struct {
    void *zctx;
    int ok;
    char body[64];
} s_client_t;

static void *s_client(void *arg)
{
    s_client_t *c = arg;
    for (int i = 0; i < 20; i++) {
        Fayuan__CtlRequest req = FAYUAN__CTL_REQUEST__INIT;
        req.request_id = "r";
        req.command = i % 2 ? "echo" : "fail";
        char err[128];
        Fayuan__CtlReply *reply =
            bus_ctl_call(c->zctx, "inproc://ctl", &req, 5000, err, sizeof err);
        if (!reply)
            continue;
        if (i % 2 && reply->status == 0 && reply->body.len == 4 &&
            memcmp(reply->body.data, "echo", 4) == 0)
            c->ok++;
        if (!(i % 2) && reply->status == 1 && strcmp(reply->error, "nope") == 0)
            c->ok++;
        fayuan__ctl_reply__free_unpacked(reply, NULL);
    }
    return NULL;
}

static void s_on_cmd(bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd, void *arg)
{
    if (strcmp(cmd->command, "echo") == 0)
        bus_ctl_reply_ok(req, cmd->command, strlen(cmd->command));
    else
        bus_ctl_reply_error(req, "nope", "不支持");
}

static void test_command_round_trip(void **state)
{
    void *zctx = zmq_ctx_new();
    struct event_base *base = event_base_new();
    char err[128];
    bus_ctl_t *ctl = bus_ctl_new(base, zctx, "inproc://ctl", s_on_cmd, NULL, err, sizeof err);
    assert_non_null(ctl);
    s_client_t c = {.zctx = zctx};
    pthread_t th;
    pthread_create(&th, NULL, s_client, &c);
    for (int i = 0; i < 50 && c.ok < 20; i++)
        s_run_for(base, 50);
    pthread_join(th, NULL);
    assert_int_equal(c.ok, 20);
    bus_ctl_destroy(&ctl);
    event_base_free(base);
    zmq_ctx_term(zctx);
}

static void test_bind_failure_is_reported(void **state)
{
    void *zctx = zmq_ctx_new();
    char err[128] = "";
    bus_pub_t *a = bus_pub_new(zctx, "inproc://twice", err, sizeof err);
    bus_pub_t *b = bus_pub_new(zctx, "inproc://twice", err, sizeof err);
    assert_non_null(a);
    assert_null(b);
    assert_non_null(strstr(err, "inproc://twice"));
    bus_pub_destroy(&a);
    bus_pub_destroy(&b); /* safe on NULL */
    zmq_ctx_term(zctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_larger_than_a_drain_batch),
        cmocka_unit_test(test_command_round_trip),
        cmocka_unit_test(test_bind_failure_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
