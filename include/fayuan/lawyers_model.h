/* lawyers_model — the shared half of every service's read-model of the
 * registry. It decodes the LawyerChanged events of a consumer batch into
 * ten parallel text arrays and adds the service's own upsert, which reads
 * them as
 *   unnest($1::text[], ..., $10::text[]) WITH ORDINALITY
 *     AS r(center, licence, name, firm, phone, email, pools, status, serving,
 *          mentor, ord)
 * (pools and serving ';'-separated; mentor: the case-pool mentor). Several
 * changes of one lawyer in a batch: the statement should keep the last
 * (DISTINCT ON ... ORDER BY ord DESC). */
#ifndef FAYUAN_LAWYERS_MODEL_H
#define FAYUAN_LAWYERS_MODEL_H

#include "fayuan/consumer.h"

#include "events.pb-c.h"

#define LAWYERS_MODEL_UNNEST                                                                       \
    "unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "              \
    "$7::text[], $8::text[], $9::text[], $10::text[]) WITH ORDINALITY "                            \
    "AS r(center, licence, name, firm, phone, email, pools, status, serving, mentor, ord)"

/* The pools a member may be given work in now: the event's serving; for an
 * event published before the registry carried memberships, every pool of an
 * active member except cases while case assignment is stopped. Writes at most
 * max pointers into out (borrowed from ev); returns how many. */
size_t lawyers_model_serving(const Fayuan__LawyerChanged *ev, const char **out, size_t max);
/* The mentor of the member's case-pool membership (clause 24); "" if none. */
const char *lawyers_model_case_mentor(const Fayuan__LawyerChanged *ev);

/* Calls fn for each decodable LawyerChanged event of the batch, in order
 * (undecodable ones are logged and skipped). */
void lawyers_model_foreach(const consumer_apply_t *a,
                           void (*fn)(const Fayuan__Envelope *env, const Fayuan__LawyerChanged *ev,
                                      void *arg),
                           void *arg);

/* The event types a registry read-model follows. */
extern const char *const lawyers_model_types[];

/* The upsert for the common read-model table
 *   lawyers (center, licence, name, pools text[], status)
 * that scored and assignd keep; it returns (center, licence, ranked bool:
 * in at least one pool and not removed — RULES.md ranks every member not
 * suspended for a whole quarter, and no suspension lasts that long) for each
 * row written. */
extern const char lawyers_model_pool_sql[];

/* Adds upsert_sql with the batch's lawyers; returns how many events it used
 * (0: nothing added). */
size_t lawyers_model_stage(consumer_apply_t *a, const char *upsert_sql);

/* A consumer apply function for services whose whole registry consumer is
 * this one upsert: arg is the upsert SQL (const char *). */
db_next_t lawyers_model_apply(consumer_apply_t *a, void *upsert_sql);

#endif
