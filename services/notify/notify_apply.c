/* notify_apply — raising notifications from events (exactly once: the
 * consumer's inbox plus a unique source_event) and keeping the contact
 * read-model of lawyers. */
#include "notify.h"

#include "events.pb-c.h"
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
        char id[64];
        snprintf(id, sizeof id, "score:%llu", (unsigned long long)env->seq);
        json_t *v = json_pack("{s:s, s:I, s:i, s:i, s:s, s:s, s:b}", "quarter", ev->quarter,
                              "points_centi", (json_int_t)ev->points_centi, "position",
                              ev->position, "ranked", ev->ranked, "old_tier", ev->old_tier,
                              "new_tier", ev->new_tier, "final", ev->final);
        char *text = json_dumps(v, JSON_COMPACT);
        pgarr_add(&sev, id);
        pgarr_add(&centers, env->center);
        pgarr_add(&lawyers, ev->lawyer);
        pgarr_add(&templates, ev->old_tier[0] ? "tier_changed" : "tier_assigned");
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

db_next_t notify_apply_registry(consumer_apply_t *a, void *arg)
{
    if (a->stage > 0)
        return DB_COMMIT;
    pgarr_t cols[6];
    for (int c = 0; c < 6; c++)
        pgarr_init(&cols[c]);
    size_t n = 0;
    for (size_t i = 0; i < a->n; i++) {
        const Fayuan__Envelope *env = a->evs[i];
        if (strcmp(env->type, "LawyerChanged") != 0)
            continue;
        Fayuan__LawyerChanged *ev =
            fayuan__lawyer_changed__unpack(NULL, env->payload.len, env->payload.data);
        if (!ev)
            continue;
        const char *vals[6] = {env->center, ev->licence, ev->name, ev->firm, ev->phone, ev->email};
        for (int c = 0; c < 6; c++)
            pgarr_add(&cols[c], vals[c]);
        n++;
        fayuan__lawyer_changed__free_unpacked(ev, NULL);
    }
    if (n > 0) {
        const char *params[6];
        for (int c = 0; c < 6; c++)
            params[c] = pgarr_str(&cols[c]);
        db_job_add(a->job,
                   "INSERT INTO lawyers (center, licence, name, firm, phone, email) "
                   "SELECT DISTINCT ON (c, l) c, l, nm, f, p, e "
                   "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], "
                   "            $6::text[]) WITH ORDINALITY AS r(c, l, nm, f, p, e, ord) "
                   "ORDER BY c, l, ord DESC "
                   "ON CONFLICT (center, licence) DO UPDATE SET name = excluded.name, "
                   "  firm = excluded.firm, phone = excluded.phone, email = excluded.email",
                   6, params);
    }
    for (int c = 0; c < 6; c++)
        pgarr_free(&cols[c]);
    return n > 0 ? DB_NEXT : DB_COMMIT;
}
