/* daemon — the shape every fayuan daemon shares, so that a service's main.c
 * holds only what is its own. Setup runs in a fixed order — config, log,
 * signals, schema migration (blocking, before the loop), the asynchronous
 * database connection, ZeroMQ (PUB doorbell, ROUTER command port), the
 * service's own init — and teardown in reverse. SIGTERM/SIGINT drain the
 * database queue (bounded) and exit 0; SIGHUP reloads reloadable settings.
 * Every daemon answers the "ping" command itself. */
#ifndef FAYUAN_DAEMON_H
#define FAYUAN_DAEMON_H

#include "fayuan/bus.h"
#include "fayuan/config.h"
#include "fayuan/consumer.h"
#include "fayuan/db.h"
#include "fayuan/migrate.h"
#include "fayuan/outbox.h"

#include <event2/event.h>
#include <stdbool.h>

#define DAEMON_NSERVICES 6
extern const char *const daemon_services[DAEMON_NSERVICES]; /* registry, roster, ... */

/* Settings every daemon reads. */
typedef struct {
    char *center;    /* [center] default */
    int utc_offset;  /* [center] utc_offset_minutes */
    char *dsn;       /* [db] dsn */
    char *log_level; /* [log] level */
    char *pub[DAEMON_NSERVICES];
    char *ctl[DAEMON_NSERVICES];
} daemon_config_t;

typedef struct daemon daemon_t;

typedef struct {
    const char *name; /* service name = schema name = config section */
    const migration_t *migrations;
    size_t nmigrations;
    const cf_row_t *rows; /* the service's own settings (section = name) */
    size_t nrows;
    /* After the common setup, before the loop. -1 aborts start-up. */
    int (*init)(daemon_t *d, void *svc);
    /* Each time the database connection becomes usable. */
    void (*on_db_ready)(daemon_t *d, void *svc);
    /* A command other than "ping"; must eventually reply to req. */
    void (*command)(daemon_t *d, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd, void *svc);
    /* Before teardown, after the loop ended. */
    void (*fini)(daemon_t *d, void *svc);
} daemon_spec_t;

struct daemon {
    const daemon_spec_t *spec;
    void *svc;
    const char *config_path;
    daemon_config_t cfg;
    struct event_base *base;
    void *zctx;
    db_t *db;
    bus_pub_t *pub;
    bus_ctl_t *ctl;
    outbox_t *outbox;
    bool stopping;
    consumer_t *consumers[DAEMON_NSERVICES]; /* see daemon_follow */
    size_t nconsumers;
    struct event *ev_term, *ev_int, *ev_hup, *ev_drain;
};

/* Follows another service's events of the given types (NULL-terminated;
 * see consumer_config_t) (call from init): the daemon starts the
 * consumer each time the database is ready and destroys it at teardown.
 * NULL (logged) on failure. */
consumer_t *daemon_follow(daemon_t *d, const char *producer, const char *const *types,
                          consumer_apply_fn apply, consumer_finish_fn finish, void *arg);

/* Runs the daemon; returns the process exit status. */
int daemon_main(int argc, char **argv, const daemon_spec_t *spec, void *svc);

/* The PUB or command endpoint of a service by name; NULL if unknown. */
const char *daemon_pub_endpoint(const daemon_config_t *cfg, const char *service);
const char *daemon_ctl_endpoint(const daemon_config_t *cfg, const char *service);

/* Config rows of the common settings (for fayuanctl, which reads the same file). */
size_t daemon_config_rows(daemon_config_t *cfg, cf_row_t *rows, size_t max);

#endif
