/* score_board — see score_board.h. */
#include "score_board.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *licence;
    int64_t points;
    tier_t tier; /* last published */
    bool member;
} s_entry_t;

struct score_board {
    char center[64];
    char quarter[8];
    json_t *index; /* licence -> entry index */
    s_entry_t *e;
    size_t n, cap;
    /* scratch for score_board_rank */
    size_t *ranked;
    int64_t *points;
    int *position;
    tier_t *tier;
    score_change_t *changes;
    size_t scratch_cap;
    bool loaded;
};

score_board_t *score_board_new(const char *center, const char *quarter)
{
    score_board_t *b = calloc(1, sizeof *b);
    if (!b)
        abort();
    snprintf(b->center, sizeof b->center, "%s", center);
    snprintf(b->quarter, sizeof b->quarter, "%s", quarter);
    b->index = json_object();
    return b;
}

void score_board_destroy(score_board_t **self_p)
{
    score_board_t *b = *self_p;
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        free(b->e[i].licence);
    free(b->e);
    json_decref(b->index);
    free(b->ranked);
    free(b->points);
    free(b->position);
    free(b->tier);
    free(b->changes);
    free(b);
    *self_p = NULL;
}

const char *score_board_center(const score_board_t *b)
{
    return b->center;
}

const char *score_board_quarter(const score_board_t *b)
{
    return b->quarter;
}

static s_entry_t *s_entry(score_board_t *b, const char *licence)
{
    json_t *k = json_object_get(b->index, licence);
    if (k)
        return &b->e[json_integer_value(k)];
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->e = realloc(b->e, b->cap * sizeof *b->e);
        if (!b->e)
            abort();
    }
    s_entry_t *e = &b->e[b->n];
    *e = (s_entry_t){strdup(licence), 0, TIER_NONE, false};
    json_object_set_new(b->index, licence, json_integer((json_int_t)b->n++));
    return e;
}

void score_board_set_member(score_board_t *b, const char *licence, bool member)
{
    s_entry(b, licence)->member = member;
}

void score_board_set_points(score_board_t *b, const char *licence, int64_t points)
{
    s_entry(b, licence)->points = points;
}

void score_board_set_tier(score_board_t *b, const char *licence, tier_t tier)
{
    s_entry(b, licence)->tier = tier;
}

void score_board_set_loaded(score_board_t *b)
{
    b->loaded = true;
}

bool score_board_loaded(const score_board_t *b)
{
    return b->loaded;
}

size_t score_board_members(const score_board_t *b)
{
    size_t m = 0;
    for (size_t i = 0; i < b->n; i++)
        m += b->e[i].member;
    return m;
}

size_t score_board_rank(score_board_t *b, const tier_policy_t *policy, score_change_t **changes)
{
    if (b->scratch_cap < b->n + 1) {
        b->scratch_cap = b->n + 1;
        b->ranked = realloc(b->ranked, b->scratch_cap * sizeof *b->ranked);
        b->points = realloc(b->points, b->scratch_cap * sizeof *b->points);
        b->position = realloc(b->position, b->scratch_cap * sizeof *b->position);
        b->tier = realloc(b->tier, b->scratch_cap * sizeof *b->tier);
        b->changes = realloc(b->changes, b->scratch_cap * sizeof *b->changes);
        if (!b->ranked || !b->points || !b->position || !b->tier || !b->changes)
            abort();
    }
    size_t m = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (!b->e[i].member)
            continue;
        b->ranked[m] = i;
        b->points[m] = b->e[i].points;
        m++;
    }
    tier_compute(b->points, m, policy, b->position, b->tier);
    size_t nchanges = 0;
    for (size_t k = 0; k < m; k++) {
        const s_entry_t *e = &b->e[b->ranked[k]];
        if (e->tier == b->tier[k])
            continue;
        b->changes[nchanges++] =
            (score_change_t){e->licence, e->points, b->position[k], e->tier, b->tier[k]};
    }
    *changes = b->changes;
    return nchanges;
}
