/* test_score_board — the in-memory standings: only members are ranked, only
 * tiers that differ from the published ones are reported, and publishing a
 * tier (set_tier) makes the next ranking quiet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "score_board.h"

#include <string.h>

static const tier_policy_t policy = {300, 900};

static const score_change_t *s_find(score_change_t *c, size_t n, const char *licence)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].licence, licence) == 0)
            return &c[i];
    return NULL;
}

static void test_first_ranking_reports_everyone(void **state)
{
    score_board_t *b = score_board_new("wz", "2026Q4");
    const char *lics[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
    for (int i = 0; i < 10; i++) {
        score_board_set_member(b, lics[i], true);
        score_board_set_points(b, lics[i], (10 - i) * 100); /* a=10 ... j=1 */
    }
    score_change_t *c;
    size_t n = score_board_rank(b, &policy, &c);
    assert_int_equal(n, 10);
    assert_int_equal(score_board_members(b), 10);
    const score_change_t *a = s_find(c, n, "a"), *cc = s_find(c, n, "c"), *d = s_find(c, n, "d"),
                         *j = s_find(c, n, "j");
    assert_int_equal(a->position, 1);
    assert_int_equal(a->new_tier, TIER_GREEN);
    assert_int_equal(a->old_tier, TIER_NONE);
    assert_int_equal(a->points, 1000);
    assert_int_equal(cc->new_tier, TIER_GREEN); /* 3/10 = 0.30 */
    assert_int_equal(d->new_tier, TIER_BLUE);
    assert_int_equal(j->position, 10);
    assert_int_equal(j->new_tier, TIER_RED); /* 10/10 > 0.90 */
    score_board_destroy(&b);
    assert_null(b);
}

static void test_published_tiers_are_quiet_until_points_move(void **state)
{
    score_board_t *b = score_board_new("wz", "2026Q4");
    const char *lics[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++)
        score_board_set_member(b, lics[i], true);
    score_change_t *c;
    size_t n = score_board_rank(b, &policy, &c);
    assert_int_equal(n, 4); /* all tied at position 1 of 4: green */
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(c[i].new_tier, TIER_GREEN);
        score_board_set_tier(b, c[i].licence, c[i].new_tier);
    }
    assert_int_equal(score_board_rank(b, &policy, &c), 0);
    /* a scores: the other three fall to position 2 of 4 (0.5): blue. */
    score_board_set_points(b, "a", 150);
    n = score_board_rank(b, &policy, &c);
    assert_int_equal(n, 3);
    assert_null(s_find(c, n, "a"));
    assert_int_equal(s_find(c, n, "b")->old_tier, TIER_GREEN);
    assert_int_equal(s_find(c, n, "b")->new_tier, TIER_BLUE);
    assert_int_equal(s_find(c, n, "b")->position, 2);
    score_board_destroy(&b);
}

static void test_non_members_are_not_ranked(void **state)
{
    score_board_t *b = score_board_new("wz", "2026Q4");
    score_board_set_points(b, "gone", 5000); /* points, but not (or no longer) in a pool */
    score_board_set_member(b, "x", true);
    score_board_set_member(b, "y", true);
    score_board_set_points(b, "y", 100);
    score_change_t *c;
    size_t n = score_board_rank(b, &policy, &c);
    assert_int_equal(score_board_members(b), 2);
    assert_int_equal(n, 2);
    assert_null(s_find(c, n, "gone"));
    assert_int_equal(s_find(c, n, "y")->position, 1);
    assert_int_equal(s_find(c, n, "y")->new_tier, TIER_BLUE); /* 1/2 */
    assert_int_equal(s_find(c, n, "x")->new_tier, TIER_RED);  /* 2/2 */
    score_board_set_member(b, "y", false);
    n = score_board_rank(b, &policy, &c);
    assert_int_equal(n, 1); /* x alone, 1/1 > 0.9: red, still unpublished so still reported */
    assert_int_equal(s_find(c, n, "x")->new_tier, TIER_RED);
    assert_false(score_board_loaded(b));
    score_board_set_loaded(b);
    assert_true(score_board_loaded(b));
    assert_string_equal(score_board_center(b), "wz");
    assert_string_equal(score_board_quarter(b), "2026Q4");
    score_board_destroy(&b);
    score_board_destroy(&b); /* safe on NULL */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_ranking_reports_everyone),
        cmocka_unit_test(test_published_tiers_are_quiet_until_points_move),
        cmocka_unit_test(test_non_members_are_not_ranked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
