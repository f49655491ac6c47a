/* score_tier — see score_tier.h. */
#include "score_tier.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t points;
    size_t index;
} s_item_t;

static int s_desc(const void *a, const void *b)
{
    const s_item_t *x = a, *y = b;
    if (x->points != y->points)
        return x->points > y->points ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index);
}

void tier_compute(const int64_t *points, size_t n, const tier_policy_t *policy, int *position,
                  tier_t *tier)
{
    if (n == 0)
        return;
    s_item_t *items = malloc(n * sizeof *items);
    if (!items)
        abort();
    for (size_t i = 0; i < n; i++)
        items[i] = (s_item_t){points[i], i};
    qsort(items, n, sizeof *items, s_desc);
    size_t pos = 1;
    for (size_t k = 0; k < n; k++) {
        if (k > 0 && items[k].points != items[k - 1].points)
            pos = k + 1; /* competition ranking: skip past the tied group */
        size_t i = items[k].index;
        position[i] = (int)pos;
        /* p/N <= g/1000  <=>  1000 p <= g N, exact in integers. */
        if ((int64_t)pos * 1000 <= (int64_t)policy->green_permille * (int64_t)n)
            tier[i] = TIER_GREEN;
        else if ((int64_t)pos * 1000 > (int64_t)policy->red_permille * (int64_t)n)
            tier[i] = TIER_RED;
        else
            tier[i] = TIER_BLUE;
    }
    free(items);
}

const char *tier_name(tier_t t)
{
    switch (t) {
    case TIER_GREEN:
        return "green";
    case TIER_BLUE:
        return "blue";
    case TIER_RED:
        return "red";
    default:
        return "";
    }
}

const char *tier_name_zh(tier_t t)
{
    switch (t) {
    case TIER_GREEN:
        return "绿色";
    case TIER_BLUE:
        return "蓝色";
    case TIER_RED:
        return "红色";
    default:
        return "";
    }
}

tier_t tier_parse(const char *name)
{
    if (!name)
        return TIER_NONE;
    if (strcmp(name, "green") == 0)
        return TIER_GREEN;
    if (strcmp(name, "blue") == 0)
        return TIER_BLUE;
    if (strcmp(name, "red") == 0)
        return TIER_RED;
    return TIER_NONE;
}
