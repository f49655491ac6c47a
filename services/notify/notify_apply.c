/* notify_apply — raising notifications from events (exactly once: the
 * consumer's inbox plus a unique source_event) and keeping the contact
 * read-model of lawyers. */
#include "notify.h"

#include "events.pb-c.h"
#include "fayuan/lawyers_model.h"
#include "fayuan/log.h"
#include "fayuan/pgarr.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

db_next_t notify_apply_score(consumer_apply_t *a, void *arg)
{
    if (a->stage > 0)
        return DB_COMMIT;
    pgarr_t sev, centers, lawyers, templates, vars;
    pgarr_init(&sev);
    pgarr_init(&centers);
    pgarr_init(&lawyers);
    pgarr_init(&templates);
    pgarr_init(&vars);
    size_t n = 0;
    for (size_t i = 0; i < a->n; i++) {
        const Fayuan__Envelope *env = a->evs[i];
        if (strcmp(env->type, "TierChanged") != 0)
            continue;
        Fayuan__TierChanged *ev =
            fayuan__tier_changed__unpack(NULL, env->payload.len, env->payload.data);
        if (!ev)
            continue;
        /* A first provisional tier at zero points (a new quarter, a new
         * member) tells the lawyer nothing: no message for it. A final tier
         * always gets one. */
        if (!ev->final && !ev->old_tier[0] && ev->points_centi == 0) {
            fayuan__tier_changed__free_unpacked(ev, NULL);
            continue;
        }
        char id[64];
        snprintf(id, sizeof id, "score:%llu", (unsigned long long)env->seq);
        json_t *v =
            json_pack("{s:s, s:I, s:i, s:i, s:s, s:s, s:b}", "quarter", ev->quarter, "points_centi",
                      (json_int_t)ev->points_centi, "position", ev->position, "ranked", ev->ranked,
                      "old_tier", ev->old_tier, "new_tier", ev->new_tier, "final", ev->final);
        char *text = json_dumps(v, JSON_COMPACT);
        pgarr_add(&sev, id);
        pgarr_add(&centers, env->center);
        pgarr_add(&lawyers, ev->lawyer);
        pgarr_add(&templates, ev->final         ? "tier_final"
                              : ev->old_tier[0] ? "tier_changed"
                                                : "tier_assigned");
        pgarr_add(&vars, text);
        free(text);
        json_decref(v);
        n++;
        fayuan__tier_changed__free_unpacked(ev, NULL);
    }
    if (n > 0) {
        const char *params[] = {pgarr_str(&sev), pgarr_str(&centers), pgarr_str(&lawyers),
                                pgarr_str(&templates), pgarr_str(&vars)};
        db_job_add(a->job,
                   "INSERT INTO notifications (source_event, center, lawyer, channel, template, "
                   "  vars) "
                   "SELECT s, c, l, 'file', t, v::jsonb "
                   "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) "
                   "     AS r(s, c, l, t, v) "
                   "ON CONFLICT (source_event) DO NOTHING",
                   5, params);
    }
    pgarr_free(&sev);
    pgarr_free(&centers);
    pgarr_free(&lawyers);
    pgarr_free(&templates);
    pgarr_free(&vars);
    return n > 0 ? DB_NEXT : DB_COMMIT;
}

void notify_finish_score(consumer_apply_t *a, bool committed, void *arg)
{
    if (committed)
        notify_deliver_kick(arg);
}

static const char s_lawyers_sql[] =
    "INSERT INTO lawyers (center, licence, name, firm, phone, email) "
    "SELECT DISTINCT ON (center, licence) center, licence, name, firm, phone, email "
    "FROM " LAWYERS_MODEL_UNNEST " ORDER BY center, licence, ord DESC "
    "ON CONFLICT (center, licence) DO UPDATE SET name = excluded.name, "
    "  firm = excluded.firm, phone = excluded.phone, email = excluded.email";

db_next_t notify_apply_registry(consumer_apply_t *a, void *arg)
{
    return lawyers_model_apply(a, (void *)s_lawyers_sql);
}
