/* score_board — scored's in-memory picture of one center's quarter: every
 * member's total and last published tier. It is loaded from the database
 * once, then kept current from what scored's own transactions return after
 * they commit, so re-ranking after a burst costs a sort in memory, not a
 * read of the whole pool. The database stays the truth: a board is thrown
 * away and reloaded on restart and at a new quarter. */
#ifndef FAYUAN_SCORE_BOARD_H
#define FAYUAN_SCORE_BOARD_H

#include "score_tier.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct score_board score_board_t;

typedef struct {
    const char *licence; /* borrowed from the board */
    int64_t points;      /* hundredths */
    int position;
    tier_t old_tier, new_tier;
} score_change_t;

score_board_t *score_board_new(const char *center, const char *quarter);
void score_board_destroy(score_board_t **self_p);
const char *score_board_center(const score_board_t *b);
const char *score_board_quarter(const score_board_t *b);

/* member: active in at least one pool (ranked); others are kept but not ranked. */
void score_board_set_member(score_board_t *b, const char *licence, bool member);
void score_board_set_points(score_board_t *b, const char *licence, int64_t points);
void score_board_set_tier(score_board_t *b, const char *licence, tier_t tier);
size_t score_board_members(const score_board_t *b);

/* Whether the board has been filled from the database. */
void score_board_set_loaded(score_board_t *b);
bool score_board_loaded(const score_board_t *b);

/* Ranks the members and lists those whose tier differs from the published
 * one. *changes is owned by the board and valid until the next call. */
size_t score_board_rank(score_board_t *b, const tier_policy_t *policy, score_change_t **changes);

#endif
