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
