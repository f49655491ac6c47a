/* gateway — gatewayd: the HTTP edge for external systems (12348 hotline,
 * case-quality system). It authenticates, validates (gw_feed), deduplicates
 * on (source, external id), commits accepted records in groups and answers
 * only after commit, and publishes each new record as an event. It also
 * serves the public case-pool list of clause 8 (gw_public) without login. */
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
#include "gw_public.h"

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

typedef struct gw_pending gw_pending_t;

/* One feed endpoint: where it is, whose secret signs it, how its records
 * are decoded and what event an accepted record becomes (gw_records.c). */
typedef struct {
    const char *path;   /* "/v1/hotline/sessions" */
    const char *source; /* dedupe namespace: ids are unique per endpoint */
    bool hotline;       /* signed with the hotline secret (else the quality system's) */
    bool require_known; /* refuse an unknown lawyer (400) rather than accept and park */
    /* Fills p->u, p->id, p->lawyer, p->canonical; -1 with err. */
    int (*decode)(const json_t *rec, int64_t now_us, gw_pending_t *p, gw_error_t *err);
    /* Adds the record's event to the outbox batch. */
    void (*emit)(const gw_pending_t *p, const char *center, outbox_batch_t *b);
} gw_feed_kind_t;

extern const gw_feed_kind_t gw_feeds[];
extern const size_t gw_nfeeds;

/* A valid record waiting for the next group commit. */
struct gw_pending {
    gw_request_t *owner;
    size_t index;
    const gw_feed_kind_t *feed;
    char id[GW_ID_MAX + 1];
    char lawyer[GW_LAWYER_MAX + 1];
    union {
        gw_session_t session;
        gw_evaluation_t evaluation;
        gw_case_event_t case_event;
    } u;
    char canonical[320]; /* the decoded record, to tell a resend from a conflict */
};

typedef struct gateway {
    /* settings ([gateway]) */
    char *http_addr;
    int http_port;
    char *hotline_secret;
    char *quality_secret;
    char *center_name; /* [gateway] center_name: opens the public page's title */
    int replay_window_s;
    int max_body_bytes;
    int max_batch;
    int max_backlog;
    /* runtime */
    daemon_t *d;
    struct evhttp *http;
    consumer_t *registry;
    json_t *lawyers;       /* set of known licences (object keys) for the default center */
    gw_public_t *pub;      /* the public case-pool list of the default center */
    bool lawyers_loaded;   /* both loaded from the database */
    bool reloading;        /* a load job is queued */
    gw_pending_t *pending; /* records waiting for the next group commit */
    size_t npending, cappending;
    bool flushing;
    struct event *ev_flush;
    /* metrics */
    uint64_t m_requests, m_accepted, m_duplicate, m_rejected, m_conflict, m_commits, m_shed;
    uint64_t m_public; /* requests for the public list */
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

/* gw_lawyers.c: read-model of the registry's lawyers and case-pool lists */
extern const char *const gw_registry_types[]; /* the registry events it follows */
/* (Re)loads both from the database into memory (each time it is ready). */
void gw_lawyers_load(gateway_t *gw);
bool gw_lawyer_known(const gateway_t *gw, const char *licence);
db_next_t gw_registry_apply(consumer_apply_t *a, void *arg);
void gw_registry_finish(consumer_apply_t *a, bool committed, void *arg);

#endif
