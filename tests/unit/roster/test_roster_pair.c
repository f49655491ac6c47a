/* Unit tests for roster_pair: the order of a lawyer's 12348 seat events
 * (time, sign-outs before sign-ins at one instant, id) and the pairing rule
 * (a sign-in pairs with the very next event when that is a sign-out strictly
 * later and no more than max_shift later). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "roster_pair.h"

#define US_PER_MIN (INT64_C(60) * 1000000)
#define MIN(m) ((int64_t)(m)*US_PER_MIN)
#define MAX_SHIFT MIN(12 * 60)
/* 2026-10-12 09:00 Asia/Shanghai (01:00 UTC) in unix microseconds. */
#define T0 INT64_C(1791766800000000)
#define IN(id, at) ((rp_event_t){(id), true, (at)})
#define OUT(id, at) ((rp_event_t){(id), false, (at)})
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Pairs evs (already sorted) and compares with the expected index pairs. */
static void s_expect_pairs(const rp_event_t *evs, size_t n, int64_t max_shift,
                           const rp_pair_t *want, size_t nwant)
{
    rp_pair_t got[16];
    memset(got, 0xab, sizeof got);
    assert_true(n / 2 <= NELEM(got));
    size_t np = roster_pair(evs, n, max_shift, got);
    if (np != nwant)
        fail_msg("got %zu pairs, want %zu", np, nwant);
    for (size_t i = 0; i < np; i++) {
        if (got[i].in != want[i].in || got[i].out != want[i].out)
            fail_msg("pair %zu: got (%zu,%zu), want (%zu,%zu)", i, got[i].in, got[i].out,
                     want[i].in, want[i].out);
    }
}

static void s_expect_events(const rp_event_t *got, const rp_event_t *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(got[i].id, want[i].id) != 0 || got[i].sign_in != want[i].sign_in ||
            got[i].at != want[i].at)
            fail_msg("event %zu: got %s %s @%lld, want %s %s @%lld", i, got[i].id,
                     got[i].sign_in ? "in" : "out", (long long)got[i].at, want[i].id,
                     want[i].sign_in ? "in" : "out", (long long)want[i].at);
    }
}

static void test_empty_and_single(void **state)
{
    (void)state;
    rp_pair_t out[1];
    assert_int_equal(roster_pair(NULL, 0, MAX_SHIFT, out), 0);
    rp_event_t one[] = {IN("a", T0)};
    roster_pair_sort(one, 1);
    assert_int_equal(roster_pair(one, 1, MAX_SHIFT, out), 0);
    rp_event_t orphan[] = {OUT("a", T0)};
    assert_int_equal(roster_pair(orphan, 1, MAX_SHIFT, out), 0);
}

static void test_simple_pair(void **state)
{
    (void)state;
    const rp_event_t evs[] = {IN("in-1", T0), OUT("out-1", T0 + MIN(240))};
    const rp_pair_t want[] = {{0, 1}};
    s_expect_pairs(evs, 2, MAX_SHIFT, want, 1);
}

/* A sign-out before the sign-in: the out is an orphan, the in stays open. */
static void test_out_before_in(void **state)
{
    (void)state;
    rp_event_t evs[] = {IN("b", T0 + MIN(60)), OUT("a", T0)};
    roster_pair_sort(evs, 2);
    const rp_event_t sorted[] = {OUT("a", T0), IN("b", T0 + MIN(60))};
    s_expect_events(evs, sorted, 2);
    s_expect_pairs(evs, 2, MAX_SHIFT, NULL, 0);
}

/* Two sign-ins then one sign-out: the first in is followed by an in and stays
 * open; only the second pairs. */
static void test_two_ins_one_out(void **state)
{
    (void)state;
    const rp_event_t evs[] = {IN("a", T0), IN("b", T0 + MIN(5)), OUT("c", T0 + MIN(120))};
    const rp_pair_t want[] = {{1, 2}};
    s_expect_pairs(evs, 3, MAX_SHIFT, want, 1);
}

/* A sign-out recorded twice (same instant, or a second tap later): the first
 * closes the shift, the second is an orphan. */
static void test_duplicate_out(void **state)
{
    (void)state;
    rp_event_t same[] = {OUT("o2", T0 + MIN(90)), IN("i", T0), OUT("o1", T0 + MIN(90))};
    roster_pair_sort(same, 3);
    const rp_event_t sorted[] = {IN("i", T0), OUT("o1", T0 + MIN(90)), OUT("o2", T0 + MIN(90))};
    s_expect_events(same, sorted, 3);
    const rp_pair_t want[] = {{0, 1}};
    s_expect_pairs(same, 3, MAX_SHIFT, want, 1);

    const rp_event_t later[] = {IN("i", T0), OUT("o1", T0 + MIN(90)), OUT("o2", T0 + MIN(91))};
    s_expect_pairs(later, 3, MAX_SHIFT, want, 1);
}

/* The shift length must be in (0, max_shift]. */
static void test_max_shift(void **state)
{
    (void)state;
    const rp_event_t exact[] = {IN("a", T0), OUT("b", T0 + MAX_SHIFT)};
    const rp_pair_t want[] = {{0, 1}};
    s_expect_pairs(exact, 2, MAX_SHIFT, want, 1);

    const rp_event_t over[] = {IN("a", T0), OUT("b", T0 + MAX_SHIFT + 1)};
    s_expect_pairs(over, 2, MAX_SHIFT, NULL, 0);

    /* One microsecond is a (short) shift. */
    const rp_event_t tiny[] = {IN("a", T0), OUT("b", T0 + 1)};
    s_expect_pairs(tiny, 2, MAX_SHIFT, want, 1);

    /* A too-long in/out is skipped and the out is not reused by the next in;
     * the following shift pairs normally. */
    const rp_event_t next[] = {IN("a", T0), OUT("b", T0 + MIN(13 * 60)), IN("c", T0 + MIN(14 * 60)),
                               OUT("d", T0 + MIN(18 * 60))};
    const rp_pair_t want_next[] = {{2, 3}};
    s_expect_pairs(next, 4, MAX_SHIFT, want_next, 1);

    /* The same events with a 24 h limit pair both. */
    const rp_pair_t want_both[] = {{0, 1}, {2, 3}};
    s_expect_pairs(next, 4, MIN(24 * 60), want_both, 2);
}

/* A sign-in and a sign-out at the same instant sort out-before-in, so they
 * never form a zero-length shift. */
static void test_zero_length(void **state)
{
    (void)state;
    rp_event_t evs[] = {IN("a", T0), OUT("b", T0)};
    roster_pair_sort(evs, 2);
    const rp_event_t sorted[] = {OUT("b", T0), IN("a", T0)};
    s_expect_events(evs, sorted, 2);
    s_expect_pairs(evs, 2, MAX_SHIFT, NULL, 0);

    /* Unsorted input with a zero-length in/out is not paired either. */
    const rp_event_t raw[] = {IN("a", T0), OUT("b", T0)};
    s_expect_pairs(raw, 2, MAX_SHIFT, NULL, 0);

    /* A negative length (out earlier than in, unsorted) is not paired. */
    const rp_event_t back[] = {IN("a", T0 + MIN(10)), OUT("b", T0)};
    s_expect_pairs(back, 2, MAX_SHIFT, NULL, 0);
}

/* Handover: the lawyer signs out of one shift and in to the next at the same
 * instant. Sorted out-before-in, both shifts pair. */
static void test_handover_same_instant(void **state)
{
    (void)state;
    const int64_t h = T0 + MIN(240);
    /* The in's id sorts before the out's id: the kind decides, not the id. */
    rp_event_t evs[] = {IN("a-in2", h), OUT("z-out2", h + MIN(240)), OUT("z-out1", h),
                        IN("a-in1", T0)};
    roster_pair_sort(evs, 4);
    const rp_event_t sorted[] = {IN("a-in1", T0), OUT("z-out1", h), IN("a-in2", h),
                                 OUT("z-out2", h + MIN(240))};
    s_expect_events(evs, sorted, 4);
    const rp_pair_t want[] = {{0, 1}, {2, 3}};
    s_expect_pairs(evs, 4, MAX_SHIFT, want, 2);
}

/* Several shifts in a row over a few days, with an orphan and an open in. */
static void test_several_shifts(void **state)
{
    (void)state;
    const int64_t day = MIN(24 * 60);
    const rp_event_t evs[] = {
        IN("1", T0),                           /* 0: day 1 morning */
        OUT("2", T0 + MIN(180)),               /* 1 */
        IN("3", T0 + MIN(300)),                /* 2: day 1 afternoon */
        OUT("4", T0 + MIN(480)),               /* 3 */
        OUT("5", T0 + MIN(490)),               /* 4: stray tap, orphan */
        IN("6", T0 + day),                     /* 5: day 2, forgot to sign out */
        IN("7", T0 + 2 * day),                 /* 6: day 3 */
        OUT("8", T0 + 2 * day + MIN(240)),     /* 7 */
        IN("9", T0 + 2 * day + MIN(300)),      /* 8: day 3 evening */
        OUT("10", T0 + 2 * day + MIN(300 + 1)) /* 9 */
    };
    const rp_pair_t want[] = {{0, 1}, {2, 3}, {6, 7}, {8, 9}};
    s_expect_pairs(evs, NELEM(evs), MAX_SHIFT, want, 4);
}

static uint64_t s_rand(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return *seed >> 33;
}

/* Any order of the same events sorts to one sequence, written out by hand,
 * including the out-before-in rule and the id tie-breaks. */
static void test_shuffled_sorts_to_expected(void **state)
{
    (void)state;
    const int64_t h = T0 + MIN(240);
    const rp_event_t want[] = {
        IN("r1", T0),                 /* */
        IN("r2", T0 + MIN(1)),        /* double tap: first stays open */
        OUT("r4", h),                 /* out before in at h */
        OUT("r5", h),                 /* duplicate out, id order */
        IN("r3", h),                  /* handover in */
        IN("r6", h),                  /* second in at h, id order */
        OUT("r7", h + MIN(200)),      /* */
        OUT("r8", h + MIN(201)),      /* orphan */
        IN("r10", h + MIN(300)),      /* "r10" < "r9" by strcmp */
        IN("r9", h + MIN(300)),       /* */
        OUT("r11", h + MIN(300 + 60)) /* */
    };
    const size_t n = NELEM(want);
    /* r2 pairs with r4; r6 with r7; r9 with r11. */
    const rp_pair_t want_pairs[] = {{1, 2}, {5, 6}, {9, 10}};

    uint64_t seed = 7;
    for (int round = 0; round < 300; round++) {
        rp_event_t evs[NELEM(want)];
        memcpy(evs, want, sizeof evs);
        for (size_t i = n - 1; i > 0; i--) {
            size_t j = (size_t)(s_rand(&seed) % (i + 1));
            rp_event_t tmp = evs[i];
            evs[i] = evs[j];
            evs[j] = tmp;
        }
        roster_pair_sort(evs, n);
        s_expect_events(evs, want, n);
        s_expect_pairs(evs, n, MAX_SHIFT, want_pairs, NELEM(want_pairs));
    }
}

/* Equal time and kind: the id decides (strcmp order), whatever the input
 * order, so rosterd pairs the same events the same way every time. */
static void test_id_tie_break(void **state)
{
    (void)state;
    rp_event_t a[] = {IN("b", T0), IN("a", T0), OUT("x", T0 + MIN(60))};
    rp_event_t b[] = {OUT("x", T0 + MIN(60)), IN("a", T0), IN("b", T0)};
    roster_pair_sort(a, 3);
    roster_pair_sort(b, 3);
    const rp_event_t want[] = {IN("a", T0), IN("b", T0), OUT("x", T0 + MIN(60))};
    s_expect_events(a, want, 3);
    s_expect_events(b, want, 3);
    /* "b" is the in right before the out: it pairs, "a" stays open. */
    const rp_pair_t pairs[] = {{1, 2}};
    s_expect_pairs(a, 3, MAX_SHIFT, pairs, 1);
    s_expect_pairs(b, 3, MAX_SHIFT, pairs, 1);

    /* Two outs at one instant: "o-1" before "o-2"; the in pairs with "o-1". */
    rp_event_t c[] = {OUT("o-2", T0 + MIN(30)), OUT("o-1", T0 + MIN(30)), IN("i", T0)};
    roster_pair_sort(c, 3);
    const rp_event_t want_c[] = {IN("i", T0), OUT("o-1", T0 + MIN(30)), OUT("o-2", T0 + MIN(30))};
    s_expect_events(c, want_c, 3);

    /* Time wins over kind and id: an earlier in with a larger id comes first. */
    rp_event_t d[] = {OUT("a", T0 + 1), IN("zz", T0)};
    roster_pair_sort(d, 2);
    const rp_event_t want_d[] = {IN("zz", T0), OUT("a", T0 + 1)};
    s_expect_events(d, want_d, 2);
}

/* Times far apart (including before 1970) compare without overflow. */
static void test_extreme_times(void **state)
{
    (void)state;
    rp_event_t evs[] = {OUT("c", INT64_MAX), IN("a", INT64_MIN), IN("b", -1), OUT("d", 0)};
    roster_pair_sort(evs, 4);
    const rp_event_t want[] = {IN("a", INT64_MIN), IN("b", -1), OUT("d", 0), OUT("c", INT64_MAX)};
    s_expect_events(evs, want, 4);
    const rp_pair_t pairs[] = {{1, 2}};
    s_expect_pairs(evs, 4, MAX_SHIFT, pairs, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_and_single), cmocka_unit_test(test_simple_pair),
        cmocka_unit_test(test_out_before_in),    cmocka_unit_test(test_two_ins_one_out),
        cmocka_unit_test(test_duplicate_out),    cmocka_unit_test(test_max_shift),
        cmocka_unit_test(test_zero_length),      cmocka_unit_test(test_handover_same_instant),
        cmocka_unit_test(test_several_shifts),   cmocka_unit_test(test_shuffled_sorts_to_expected),
        cmocka_unit_test(test_id_tie_break),     cmocka_unit_test(test_extreme_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
