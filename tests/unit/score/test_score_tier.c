/* Unit tests for score_tier: competition ranking and the green/blue/red cut
 * of RULES.md "Policy — ranking" (green if p/N <= 0.30, red if p/N > 0.90,
 * ties share the better position and so a tier). Every expected position and
 * tier below was worked out by hand from that text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "score_tier.h"

#define G TIER_GREEN
#define B TIER_BLUE
#define R TIER_RED
#define MAXN 128

static const tier_policy_t s_measures = {300, 900};

/* Runs tier_compute and compares every position and tier with the hand-made
 * expectations; the message names the member that differs. */
static void s_check(const int64_t *points, size_t n, const tier_policy_t *policy,
                    const int *want_pos, const tier_t *want_tier)
{
    int pos[MAXN];
    tier_t tier[MAXN];
    assert_true(n <= MAXN);
    for (size_t i = 0; i < n; i++) {
        pos[i] = -1;
        tier[i] = TIER_NONE;
    }
    tier_compute(points, n, policy, pos, tier);
    for (size_t i = 0; i < n; i++) {
        if (pos[i] != want_pos[i] || tier[i] != want_tier[i])
            fail_msg("member %zu (points %lld) of %zu: got position %d %s, want %d %s", i,
                     (long long)points[i], n, pos[i], tier_name(tier[i]), want_pos[i],
                     tier_name(want_tier[i]));
    }
}

/* Distinct points n, n-1, ..., 1 (already in rank order): member i has
 * position i + 1; checks the tier of every position against the given cut. */
static void s_check_distinct(size_t n, size_t last_green, size_t first_red)
{
    int64_t points[MAXN];
    int want_pos[MAXN];
    tier_t want_tier[MAXN];
    for (size_t i = 0; i < n; i++) {
        points[i] = (int64_t)(n - i) * 100;
        want_pos[i] = (int)i + 1;
        size_t p = i + 1;
        want_tier[i] = p <= last_green ? G : p >= first_red ? R : B;
    }
    s_check(points, n, &s_measures, want_pos, want_tier);
}

static void test_empty_pool(void **state)
{
    (void)state;
    int pos[1] = {-7};
    tier_t tier[1] = {TIER_BLUE};
    /* Nothing to rank: the outputs are not touched (and may be NULL). */
    tier_compute(NULL, 0, &s_measures, NULL, NULL);
    int64_t points[1] = {500};
    tier_compute(points, 0, &s_measures, pos, tier);
    assert_int_equal(pos[0], -7);
    assert_int_equal(tier[0], TIER_BLUE);
}

/* N = 1: p/N = 1/1 = 1.0 > 0.90, so by the letter of the policy the only
 * member is red, whatever the points. */
static void test_one_member(void **state)
{
    (void)state;
    const int64_t a[] = {0}, b[] = {12345}, c[] = {-400};
    const int p[] = {1};
    const tier_t t[] = {R};
    s_check(a, 1, &s_measures, p, t);
    s_check(b, 1, &s_measures, p, t);
    s_check(c, 1, &s_measures, p, t);
}

/* N = 2: 1/2 = 0.5 (blue), 2/2 = 1.0 (red). */
static void test_two_members(void **state)
{
    (void)state;
    const int64_t pts[] = {100, 300};
    const int p[] = {2, 1};
    const tier_t t[] = {R, B};
    s_check(pts, 2, &s_measures, p, t);
}

/* N = 3: 1/3 = 0.33 > 0.30 so no green; 2/3 blue; 3/3 red. */
static void test_three_members(void **state)
{
    (void)state;
    const int64_t pts[] = {50, 150, 100};
    const int p[] = {3, 1, 2};
    const tier_t t[] = {R, B, B};
    s_check(pts, 3, &s_measures, p, t);
}

/* N = 7: 2/7 = 0.286 green, 3/7 = 0.43 blue, 6/7 = 0.857 blue, 7/7 red. */
static void test_seven_members(void **state)
{
    (void)state;
    const int64_t pts[] = {10, 70, 30, 60, 20, 50, 40};
    const int p[] = {7, 1, 5, 2, 6, 3, 4};
    const tier_t t[] = {R, G, B, G, B, B, B};
    s_check(pts, 7, &s_measures, p, t);
    s_check_distinct(7, 2, 7);
}

/* N = 10: 3/10 = 0.30 green (<=), 4/10 blue, 9/10 = 0.90 blue (not >), 10/10 red. */
static void test_ten_members(void **state)
{
    (void)state;
    const int64_t pts[] = {100, 900, 200, 1000, 300, 800, 400, 700, 500, 600};
    const int p[] = {10, 2, 9, 1, 8, 3, 7, 4, 6, 5};
    const tier_t t[] = {R, G, B, G, B, G, B, B, B, B};
    s_check(pts, 10, &s_measures, p, t);
    s_check_distinct(10, 3, 10);
}

/* N = 11: 3/11 = 0.273 green, 4/11 = 0.364 blue; 9/11 = 0.818 blue,
 * 10/11 = 0.909 red, 11/11 red. */
static void test_eleven_members(void **state)
{
    (void)state;
    s_check_distinct(11, 3, 10);
}

/* N = 20: 6/20 = 0.30 green, 7/20 blue, 18/20 = 0.90 blue, 19/20 red. */
static void test_twenty_members(void **state)
{
    (void)state;
    s_check_distinct(20, 6, 19);
}

/* N = 100: positions 1..30 green, 31..90 blue, 91..100 red. */
static void test_hundred_members(void **state)
{
    (void)state;
    s_check_distinct(100, 30, 91);
}

/* All tied: everybody is position 1, so p/N = 1/N: N=1 -> 1.0 red; N=2 ->
 * 0.5 and N=3 -> 0.33 blue; N=4 -> 0.25, N=5 -> 0.2, N=10 -> 0.1 green. */
static void test_all_tied(void **state)
{
    (void)state;
    static const struct {
        size_t n;
        tier_t want;
    } cases[] = {{1, R}, {2, B}, {3, B}, {4, G}, {5, G}, {10, G}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        int64_t pts[MAXN];
        int p[MAXN];
        tier_t t[MAXN];
        for (size_t i = 0; i < cases[c].n; i++) {
            pts[i] = 250;
            p[i] = 1;
            t[i] = cases[c].want;
        }
        s_check(pts, cases[c].n, &s_measures, p, t);
        /* The same at zero points (a new quarter). */
        for (size_t i = 0; i < cases[c].n; i++)
            pts[i] = 0;
        s_check(pts, cases[c].n, &s_measures, p, t);
    }
}

/* Competition ranking 1, 2, 2, 4: the member after a tie skips positions. */
static void test_competition_ranking(void **state)
{
    (void)state;
    const int64_t pts[] = {300, 200, 200, 100};
    const int p[] = {1, 2, 2, 4};
    /* N=4: 1/4 = 0.25 green, 2/4 blue, 4/4 red. */
    const tier_t t[] = {G, B, B, R};
    s_check(pts, 4, &s_measures, p, t);

    const int64_t pts2[] = {5, 9, 9, 9, 1, 5};
    const int p2[] = {4, 1, 1, 1, 6, 4};
    /* N=6: 1/6 = 0.167 green, 4/6 = 0.667 blue, 6/6 red. */
    const tier_t t2[] = {B, G, G, G, R, B};
    s_check(pts2, 6, &s_measures, p2, t2);
}

/* Negative totals (deductions exceed earnings) rank below zero, and the most
 * negative is last; N=4: 1/4 green, 2/4 and 3/4 blue, 4/4 red. */
static void test_negative_and_mixed(void **state)
{
    (void)state;
    const int64_t neg[] = {-200, -50, -1000, -51};
    const int pn[] = {3, 1, 4, 2};
    const tier_t tn[] = {B, G, R, B};
    s_check(neg, 4, &s_measures, pn, tn);

    const int64_t mixed[] = {-5, 0, 300, -200, 0, 150, -5, 1};
    /* Sorted: 300(1) 150(2) 1(3) 0 0(4) -5 -5(6) -200(8); N=8: green p<=2.4
     * so 1,2; red p > 7.2 so 8. */
    const int pm[] = {6, 4, 1, 8, 4, 2, 6, 3};
    const tier_t tm[] = {B, B, G, R, B, G, B, B};
    s_check(mixed, 8, &s_measures, pm, tm);

    /* The extremes of int64 compare correctly (no subtraction overflow). */
    const int64_t ext[] = {INT64_MIN, INT64_MAX, 0, -1, 1};
    /* N=5: green p<=1.5 so 1; red p>4.5 so 5. */
    const int pe[] = {5, 1, 3, 4, 2};
    const tier_t te[] = {R, G, B, B, B};
    s_check(ext, 5, &s_measures, pe, te);
}

/* Ties at the 30 % boundary, N = 10. */
static void test_tie_at_green_boundary(void **state)
{
    (void)state;
    /* A tie spanning positions 3-4 shares position 3: 3/10 = 0.30, green. */
    const int64_t a[] = {100, 90, 80, 80, 60, 50, 40, 30, 20, 10};
    const int pa[] = {1, 2, 3, 3, 5, 6, 7, 8, 9, 10};
    const tier_t ta[] = {G, G, G, G, B, B, B, B, B, R};
    s_check(a, 10, &s_measures, pa, ta);

    /* A tie spanning positions 4-5 shares position 4: 0.40, both blue. */
    const int64_t b[] = {100, 90, 80, 70, 70, 50, 40, 30, 20, 10};
    const int pb[] = {1, 2, 3, 4, 4, 6, 7, 8, 9, 10};
    const tier_t tb[] = {G, G, G, B, B, B, B, B, B, R};
    s_check(b, 10, &s_measures, pb, tb);

    /* A tie spanning positions 2-6 shares position 2: 0.20, all green. */
    const int64_t c[] = {100, 90, 90, 90, 90, 90, 40, 30, 20, 10};
    const int pc[] = {1, 2, 2, 2, 2, 2, 7, 8, 9, 10};
    const tier_t tc[] = {G, G, G, G, G, G, B, B, B, R};
    s_check(c, 10, &s_measures, pc, tc);

    /* One leader and nine tied behind: the nine are position 2, green. */
    const int64_t d[] = {500, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    const int pd[] = {1, 2, 2, 2, 2, 2, 2, 2, 2, 2};
    const tier_t td[] = {G, G, G, G, G, G, G, G, G, G};
    s_check(d, 10, &s_measures, pd, td);
}

/* Ties at the 90 % boundary, N = 10. */
static void test_tie_at_red_boundary(void **state)
{
    (void)state;
    /* A tie at 9-10 shares position 9: 0.90 is not > 0.90, both blue, no red. */
    const int64_t a[] = {100, 90, 80, 70, 60, 50, 40, 30, 20, 20};
    const int pa[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 9};
    const tier_t ta[] = {G, G, G, B, B, B, B, B, B, B};
    s_check(a, 10, &s_measures, pa, ta);

    /* A tie at 8-10 shares position 8: blue. */
    const int64_t b[] = {100, 90, 80, 70, 60, 50, 40, -3, -3, -3};
    const int pb[] = {1, 2, 3, 4, 5, 6, 7, 8, 8, 8};
    const tier_t tb[] = {G, G, G, B, B, B, B, B, B, B};
    s_check(b, 10, &s_measures, pb, tb);

    /* N = 11, a tie at 10-11 shares position 10: 10/11 = 0.909 > 0.90, red. */
    const int64_t c[] = {110, 100, 90, 80, 70, 60, 50, 40, 30, 20, 20};
    const int pc[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10};
    const tier_t tc[] = {G, G, G, B, B, B, B, B, B, R, R};
    s_check(c, 11, &s_measures, pc, tc);
}

/* A small deterministic generator so the shuffles are reproducible. */
static uint64_t s_rand(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return *seed >> 33;
}

/* Ranking depends on the points only: any order of the same members gives
 * every member the same position and tier. */
static void test_order_independence(void **state)
{
    (void)state;
    /* 20 members with ties (values repeat) and negatives. */
    const int64_t base[20] = {500, 300, 300, 250, 200, 200, 200, 150, 100, 100,
                              50,  0,   0,   -10, -10, -50, -60, -60, -60, -400};
    /* By hand: 500(1) 300x2(2) 250(4) 200x3(5) 150(8) 100x2(9) 50(11) 0x2(12)
     * -10x2(14) -50(16) -60x3(17) -400(20). N=20: green p<=6, red p>18. */
    const int want_pos[20] = {1, 2, 2, 4, 5, 5, 5, 8, 9, 9, 11, 12, 12, 14, 14, 16, 17, 17, 17, 20};
    const tier_t want_tier[20] = {G, G, G, G, G, G, G, B, B, B, B, B, B, B, B, B, B, B, B, R};
    s_check(base, 20, &s_measures, want_pos, want_tier);

    uint64_t seed = 42;
    for (int round = 0; round < 200; round++) {
        size_t perm[20];
        for (size_t i = 0; i < 20; i++)
            perm[i] = i;
        for (size_t i = 19; i > 0; i--) {
            size_t j = (size_t)(s_rand(&seed) % (i + 1));
            size_t tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        int64_t pts[20];
        int p[20];
        tier_t t[20];
        for (size_t i = 0; i < 20; i++) {
            pts[i] = base[perm[i]];
            p[i] = want_pos[perm[i]];
            t[i] = want_tier[perm[i]];
        }
        s_check(pts, 20, &s_measures, p, t);
    }
}

/* The thresholds are settings: check the edges of the per-mille range. */
static void test_policies(void **state)
{
    (void)state;
    const int64_t pts[] = {100, 90, 80, 70, 60, 50, 40, 30, 20, 10};
    const int p[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    /* green 0: p/N <= 0 never holds, nobody is green. */
    const tier_policy_t no_green = {0, 900};
    const tier_t t0[] = {B, B, B, B, B, B, B, B, B, R};
    s_check(pts, 10, &no_green, p, t0);

    /* red 1000: p/N > 1 never holds, nobody is red. */
    const tier_policy_t no_red = {300, 1000};
    const tier_t t1[] = {G, G, G, B, B, B, B, B, B, B};
    s_check(pts, 10, &no_red, p, t1);

    /* green 1000: p/N <= 1 always, everybody green (green is decided first). */
    const tier_policy_t all_green = {1000, 900};
    const tier_t t2[] = {G, G, G, G, G, G, G, G, G, G};
    s_check(pts, 10, &all_green, p, t2);

    /* green 0, red 0: p/N > 0 always, everybody red. */
    const tier_policy_t all_red = {0, 0};
    const tier_t t3[] = {R, R, R, R, R, R, R, R, R, R};
    s_check(pts, 10, &all_red, p, t3);

    /* 500/500 splits in halves: 5/10 = 0.5 green, 6/10 red. */
    const tier_policy_t halves = {500, 500};
    const tier_t t4[] = {G, G, G, G, G, R, R, R, R, R};
    s_check(pts, 10, &halves, p, t4);

    /* 250/750, N=10: green p <= 2.5, red p > 7.5. */
    const tier_policy_t quarters = {250, 750};
    const tier_t t5[] = {G, G, B, B, B, B, B, R, R, R};
    s_check(pts, 10, &quarters, p, t5);

    /* A single member with red 1000 and green 0: 1.0 is neither, blue. */
    const int64_t one[] = {7};
    const int p1[] = {1};
    const tier_t tb[] = {B};
    const tier_policy_t blue_only = {0, 1000};
    s_check(one, 1, &blue_only, p1, tb);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(tier_name(TIER_GREEN), "green");
    assert_string_equal(tier_name(TIER_BLUE), "blue");
    assert_string_equal(tier_name(TIER_RED), "red");
    assert_string_equal(tier_name(TIER_NONE), "");
    assert_string_equal(tier_name((tier_t)42), "");

    assert_string_equal(tier_name_zh(TIER_GREEN), "绿色");
    assert_string_equal(tier_name_zh(TIER_BLUE), "蓝色");
    assert_string_equal(tier_name_zh(TIER_RED), "红色");
    assert_string_equal(tier_name_zh(TIER_NONE), "");
    assert_string_equal(tier_name_zh((tier_t)-1), "");
}

static void test_parse(void **state)
{
    (void)state;
    assert_int_equal(tier_parse("green"), TIER_GREEN);
    assert_int_equal(tier_parse("blue"), TIER_BLUE);
    assert_int_equal(tier_parse("red"), TIER_RED);
    assert_int_equal(tier_parse(NULL), TIER_NONE);
    assert_int_equal(tier_parse(""), TIER_NONE);
    assert_int_equal(tier_parse("Green"), TIER_NONE);
    assert_int_equal(tier_parse("RED"), TIER_NONE);
    assert_int_equal(tier_parse("green "), TIER_NONE);
    assert_int_equal(tier_parse("gree"), TIER_NONE);
    assert_int_equal(tier_parse("绿色"), TIER_NONE);
    /* Round trip of every tier through its name. */
    for (tier_t t = TIER_GREEN; t <= TIER_RED; t++)
        assert_int_equal(tier_parse(tier_name(t)), t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_pool),
        cmocka_unit_test(test_one_member),
        cmocka_unit_test(test_two_members),
        cmocka_unit_test(test_three_members),
        cmocka_unit_test(test_seven_members),
        cmocka_unit_test(test_ten_members),
        cmocka_unit_test(test_eleven_members),
        cmocka_unit_test(test_twenty_members),
        cmocka_unit_test(test_hundred_members),
        cmocka_unit_test(test_all_tied),
        cmocka_unit_test(test_competition_ranking),
        cmocka_unit_test(test_negative_and_mixed),
        cmocka_unit_test(test_tie_at_green_boundary),
        cmocka_unit_test(test_tie_at_red_boundary),
        cmocka_unit_test(test_order_independence),
        cmocka_unit_test(test_policies),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
