/* score_family — see score_family.h. */
#include "score_family.h"

#include <stdio.h>
#include <string.h>

/* > 0 when a is preferred over b. */
static int s_better(const score_fact_t *a, const score_fact_t *b)
{
    if (a->rank != b->rank)
        return a->rank > b->rank ? 1 : -1;
    if (a->at != b->at)
        return a->at > b->at ? 1 : -1;
    return strcmp(a->external_id, b->external_id);
}

size_t score_fact_effective(const score_fact_t *facts, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (s_better(&facts[i], &facts[best]) > 0)
            best = i;
    return best;
}

const char *score_family_of(const char *type, const char *lawyer, const char *case_no,
                            const char *external_id, char *buf, size_t len)
{
    if (strcmp(type, "activity") == 0 || strcmp(type, "drafting") == 0)
        snprintf(buf, len, "%s:%s", type, external_id);
    else
        snprintf(buf, len, "%s:%s:%s", type, lawyer, case_no);
    return buf;
}

int score_case_quality_due(score_quality_result_t *results, size_t n, int64_t now)
{
    const int64_t year = INT64_C(365) * 24 * 3600 * 1000000;
    size_t unqualified = 0, low = 0;
    for (size_t i = 0; i < n; i++) {
        score_quality_result_t *r = &results[i];
        r->counted = 0;
        if (r->at <= now - year || r->at > now)
            continue;
        if (strcmp(r->rule_code, "6.4") == 0) {
            unqualified++;
            low++;
            r->counted = 1;
        } else if (strcmp(r->rule_code, "6.3") == 0) {
            low++;
            r->counted = 1;
        }
    }
    int due = unqualified >= 1 || low >= 2;
    if (!due)
        for (size_t i = 0; i < n; i++)
            results[i].counted = 0;
    return due;
}
