/* gateway — gatewayd: the HTTP edge for external systems (12348 hotline,
 * case-quality system). It authenticates, validates (gw_feed), deduplicates
 * on (source, external id), commits accepted records in groups and answers
 * only after commit, and publishes each new record as an event. */
#ifndef FAYUAN_GATEWAY_H
#define FAYUAN_GATEWAY_H

#include "fayuan/consumer.h"
#include "fayuan/daemon.h"

#include <event2/http.h>
#include <jansson.h>
#include <stdint.h>

extern const migration_t gateway_migrations[];
extern const size_t gateway_migrations_count;

#include "gw_feed.h"

/* One HTTP request to a feed endpoint, answered when all its records are. */
typedef struct {
    struct gateway *gw;
    struct evhttp_request *req;
    bool is_array;
    size_t n;
    json_t **answers;   /* per record; NULL while undecided */
    int *statuses;      /* per record HTTP status */
    size_t outstanding; /* records waiting for the group commit */
} gw_request_t;

/* A valid record waiting for the next group commit. */
typedef struct {
    gw_request_t *owner;
    size_t index;
    const char *source; /* "hotline" | "quality" (static) */
    const char *kind;   /* "hotline_session" (static) */
    gw_session_t session;
    char canonical[160];
} gw_pending_t;

typedef struct gateway {
    /* settings ([gateway]) */
    char *http_addr;
    int http_port;
    char *hotline_secret;
    char *quality_secret;
    int replay_window_s;
    int max_body_bytes;
    int max_batch;
    int max_backlog;
    /* runtime */
    daemon_t *d;
    struct evhttp *http;
    consumer_t *registry;
    json_t *lawyers; /* set of known licences (object keys) for the default center */
    bool lawyers_loaded;
    gw_pending_t *pending; /* records waiting for the next group commit */
    size_t npending, cappending;
    bool flushing;
    struct event *ev_flush;
    /* metrics */
    uint64_t m_requests, m_accepted, m_duplicate, m_rejected, m_conflict, m_commits, m_shed;
} gateway_t;

/* gw_http.c: routing, authentication, validation, answers */
int gw_http_start(gateway_t *gw);
void gw_http_stop(gateway_t *gw);
/* Records the answer of one record; replies when the request is complete. */
void gw_request_answer(gw_request_t *r, size_t index, int status, json_t *answer);

/* gw_commit.c: group commit of accepted records */
void gw_commit_init(gateway_t *gw);
void gw_commit_fini(gateway_t *gw);
void gw_commit_enqueue(gateway_t *gw, const gw_pending_t *p);

/* gw_lawyers.c: read-model of the registry's lawyers */
void gw_lawyers_load(gateway_t *gw);
bool gw_lawyer_known(const gateway_t *gw, const char *licence);
db_next_t gw_registry_apply(consumer_apply_t *a, void *arg);
void gw_registry_finish(consumer_apply_t *a, bool committed, void *arg);

#endif
