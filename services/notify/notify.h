/* notify — notifyd: turns events into messages for lawyers and their firms
 * and delivers them. Messages are rendered from the templates table at
 * delivery time. Delivery is at-least-once: a line may be repeated after a
 * crash between writing and recording it, never lost; every line carries the
 * notification id so a reader can drop a repeat. The only channel for now is
 * a spool file with one JSON object per line:
 *   {"id", "center", "lawyer", "channel", "template", "message", "created_at",
 *    "to": {"kind": "lawyer", "licence", "name"}
 *        | {"kind": "firm", "name", "email", "phone"}}
 * where "lawyer" is the lawyer the message is about (for a firm's message,
 * the member concerned) and "to" who receives it. */
#ifndef FAYUAN_NOTIFY_H
#define FAYUAN_NOTIFY_H

#include "fayuan/consumer.h"
#include "fayuan/daemon.h"

extern const migration_t notify_migrations[];
extern const size_t notify_migrations_count;

typedef struct {
    /* settings ([notify]) */
    char *spool;
    char *center_name;
    /* runtime */
    daemon_t *d;
    consumer_t *registry;
    consumer_t *score;
    bool delivering;
    bool again;
    struct event *ev_deliver;
    uint64_t m_delivered, m_failed;
} notify_t;

/* Consumers of scored (TierChanged) and of the registry (LawyerChanged for
 * the contacts read-model, MemberNotice); arg is the notify_t. */
extern const char *const notify_registry_types[];
db_next_t notify_apply_score(consumer_apply_t *a, void *arg);
db_next_t notify_apply_registry(consumer_apply_t *a, void *arg);
/* Starts a delivery pass once a batch that raised notifications committed. */
void notify_finish_raised(consumer_apply_t *a, bool committed, void *arg);

void notify_deliver_init(notify_t *n);
void notify_deliver_fini(notify_t *n);
void notify_deliver_kick(notify_t *n);

#endif
