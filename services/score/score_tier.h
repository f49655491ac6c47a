/* score_tier — the ranking policy of RULES.md ("Policy — ranking"), pure:
 * competition ranking on quarter points (ties share the better position:
 * 1, 2, 2, 4); position p of N: green if p/N <= green, red if p/N > red,
 * else blue. Tied members share a position and therefore a tier. The
 * thresholds are per-mille settings ([score] green_permille, red_permille;
 * 300 and 900 by the measures). Integer arithmetic only. */
#ifndef FAYUAN_SCORE_TIER_H
#define FAYUAN_SCORE_TIER_H

#include <stddef.h>
#include <stdint.h>

typedef enum { TIER_NONE = 0, TIER_GREEN, TIER_BLUE, TIER_RED } tier_t;

typedef struct {
    int green_permille; /* p/N <= this/1000 -> green */
    int red_permille;   /* p/N >  this/1000 -> red */
} tier_policy_t;

/* Fills position[i] and tier[i] for points[i], i < n (any order). */
void tier_compute(const int64_t *points, size_t n, const tier_policy_t *policy, int *position,
                  tier_t *tier);

const char *tier_name(tier_t t);     /* "green", "blue", "red", "" */
const char *tier_name_zh(tier_t t);  /* "绿色", "蓝色", "红色", "" */
tier_t tier_parse(const char *name); /* TIER_NONE if unknown */

#endif
