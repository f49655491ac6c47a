/* test_score_family — Annex 1 6 and 8 as scored settles them: records of a
 * case arrive in any order, each arrival adds (worth of the effective record)
 * minus (what the ledger holds), and the total must end at the worth of the
 * right record: the final evaluation at the highest level; the highest
 * write-up. Every arrival order of the same records is tried. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "score_family.h"

#include <string.h>

#define H (INT64_C(3600) * 1000000)

typedef struct {
    score_fact_t fact;
    int64_t points; /* worth of its rule, hundredths */
} s_rec_t;

/* Replays arrivals in the given order; returns the ledger's final net and
 * the number of entries (non-zero differences) it took. */
static int64_t s_replay(const s_rec_t *recs, const int *order, size_t n, int *entries,
                        int64_t *late_delta_of_last)
{
    score_fact_t seen[8];
    int64_t worth[8];
    int64_t net = 0;
    *entries = 0;
    for (size_t k = 0; k < n; k++) {
        seen[k] = recs[order[k]].fact;
        worth[k] = recs[order[k]].points;
        size_t e = score_fact_effective(seen, k + 1);
        int64_t delta = worth[e] - net;
        if (delta != 0)
            (*entries)++;
        net += delta;
        if (late_delta_of_last && k == n - 1)
            *late_delta_of_last = delta;
    }
    return net;
}

static int s_next_permutation(int *a, size_t n)
{
    size_t i = n - 1;
    while (i > 0 && a[i - 1] >= a[i])
        i--;
    if (i == 0)
        return 0;
    size_t j = n - 1;
    while (a[j] <= a[i - 1])
        j--;
    int t = a[i - 1];
    a[i - 1] = a[j];
    a[j] = t;
    for (size_t l = i, r = n - 1; l < r; l++, r--) {
        t = a[l];
        a[l] = a[r];
        a[r] = t;
    }
    return 1;
}

/* City good, city excellent later, an old city unqualified, then province
 * qualified, and a city excellent later still: the province level decides
 * (6.3, -1) whatever the order. */
static void test_evaluations_every_order(void **state)
{
    const s_rec_t recs[] = {
        {{1, 10 * H, "e0"}, 0},    /* city good */
        {{1, 11 * H, "e1"}, 400},  /* city excellent */
        {{1, 1 * H, "e2"}, -400},  /* city unqualified, older than all */
        {{2, 12 * H, "e3"}, -100}, /* province qualified */
        {{1, 13 * H, "e4"}, 400},  /* city excellent, latest */
    };
    int order[] = {0, 1, 2, 3, 4};
    int orders = 0;
    do {
        int entries;
        assert_int_equal(s_replay(recs, order, 5, &entries, NULL), -100);
        assert_true(entries >= 1 && entries <= 5);
        orders++;
    } while (s_next_permutation(order, 5));
    assert_int_equal(orders, 120);
}

/* Without a higher level, the final (latest) evaluation counts. */
static void test_final_evaluation_counts(void **state)
{
    const s_rec_t recs[] = {
        {{1, 10 * H, "a"}, 400},  /* excellent */
        {{1, 20 * H, "b"}, -400}, /* unqualified, final */
        {{1, 15 * H, "c"}, 0},    /* good */
    };
    int order[] = {0, 1, 2};
    do {
        int entries;
        assert_int_equal(s_replay(recs, order, 3, &entries, NULL), -400);
    } while (s_next_permutation(order, 3));
}

/* Write-ups: an upgrade adds the difference; a lower level arriving late
 * changes nothing. */
static void test_writeups(void **state)
{
    const s_rec_t recs[] = {
        {{2, 10 * H, "w1"}, 400}, /* recommended, 8.2 */
        {{4, 30 * H, "w2"}, 800}, /* city typical, 8.4 */
        {{1, 40 * H, "w3"}, 200}, /* submitted, 8.1: lower, late */
    };
    int in_order[] = {0, 1, 2}, entries;
    int64_t last = 99;
    assert_int_equal(s_replay(recs, in_order, 3, &entries, &last), 800);
    assert_int_equal(entries, 2); /* +4, then the +4 difference */
    assert_int_equal(last, 0);    /* the late lower level added nothing */
    int order[] = {0, 1, 2};
    do
        assert_int_equal(s_replay(recs, order, 3, &entries, NULL), 800);
    while (s_next_permutation(order, 3));
}

/* Same level, same time: the id decides, so every node agrees. */
static void test_tie_break_is_deterministic(void **state)
{
    score_fact_t f[] = {{1, 5, "b"}, {1, 5, "c"}, {1, 5, "a"}};
    assert_int_equal(score_fact_effective(f, 3), 1);
    score_fact_t g[] = {{1, 5, "c"}, {1, 5, "a"}, {1, 5, "b"}};
    assert_int_equal(score_fact_effective(g, 3), 0);
    score_fact_t one[] = {{0, 1, "x"}};
    assert_int_equal(score_fact_effective(one, 1), 0);
}

static void test_family_names(void **state)
{
    char buf[128];
    assert_string_equal(
        score_family_of("quality", "133", "（2026）浙0302法援1号", "e9", buf, sizeof buf),
        "quality:133:（2026）浙0302法援1号");
    assert_string_equal(score_family_of("writeup", "133", "K", "w1", buf, sizeof buf),
                        "writeup:133:K");
    assert_string_equal(score_family_of("activity", "133", "", "a7", buf, sizeof buf),
                        "activity:a7");
    assert_string_equal(score_family_of("drafting", "133", "K", "d1", buf, sizeof buf),
                        "drafting:d1");
}

/* Clause 25(3): one unqualified, or two at qualified or below, in a year. */
static void test_case_quality_trigger(void **state)
{
    const int64_t day = 24 * H, now = 400 * day;
    score_quality_result_t one_unq[] = {{"K1", "6.4", now - 10 * day, 0},
                                        {"K2", "6.1", now - 5 * day, 0}};
    assert_true(score_case_quality_due(one_unq, 2, now));
    assert_int_equal(one_unq[0].counted, 1);
    assert_int_equal(one_unq[1].counted, 0);

    score_quality_result_t one_low[] = {{"K1", "6.3", now - 10 * day, 0},
                                        {"K2", "6.2", now - 5 * day, 0}};
    assert_false(score_case_quality_due(one_low, 2, now));
    assert_int_equal(one_low[0].counted, 0);

    score_quality_result_t two_low[] = {
        {"K1", "6.3", now - 300 * day, 0}, {"K2", "6.3", now - 1 * day, 0}, {"K3", "6.2", now, 0}};
    assert_true(score_case_quality_due(two_low, 3, now));
    assert_int_equal(two_low[0].counted + two_low[1].counted + two_low[2].counted, 2);

    /* A result more than a year old no longer counts; exactly 365 days is out. */
    score_quality_result_t old[] = {{"K1", "6.3", now - 365 * day, 0},
                                    {"K2", "6.3", now - 2 * day, 0},
                                    {"K3", "6.4", now - 400 * day, 0}};
    assert_false(score_case_quality_due(old, 3, now));
    old[0].at = now - 364 * day;
    assert_true(score_case_quality_due(old, 3, now));
    assert_false(score_case_quality_due(NULL, 0, now));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evaluations_every_order),
        cmocka_unit_test(test_final_evaluation_counts),
        cmocka_unit_test(test_writeups),
        cmocka_unit_test(test_tie_break_is_deterministic),
        cmocka_unit_test(test_family_names),
        cmocka_unit_test(test_case_quality_trigger),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
