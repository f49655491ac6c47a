/* test_lawyers_model — what every read-model keeps of a LawyerChanged: the pools the
 * member may be given work in now (serving, or for an event published before
 * the registry carried memberships, every pool of an active member except
 * cases while case assignment is stopped) and the case-pool mentor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fayuan/lawyers_model.h"

#include <string.h>

static char *s_duty_case[] = {"duty", "case"};
static char *s_case_only[] = {"case"};

/* The serving pools joined by ';'. */
static const char *s_serving(const Fayuan__LawyerChanged *ev)
{
    static char buf[64];
    const char *out[8];
    size_t n = lawyers_model_serving(ev, out, 8);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(buf, ";");
        strcat(buf, out[i]);
    }
    return buf;
}

static void test_serving_is_taken_as_published(void **state)
{
    (void)state;
    Fayuan__Membership duty = FAYUAN__MEMBERSHIP__INIT, kase = FAYUAN__MEMBERSHIP__INIT;
    duty.pool = "duty";
    duty.state = "active";
    kase.pool = "case";
    kase.state = "trained";
    Fayuan__Membership *ms[] = {&duty, &kase};
    Fayuan__LawyerChanged ev = FAYUAN__LAWYER_CHANGED__INIT;
    ev.status = "active";
    ev.pools = s_duty_case;
    ev.n_pools = 2;
    ev.memberships = ms;
    ev.n_memberships = 2;
    char *serving[] = {"duty"};
    ev.serving = serving;
    ev.n_serving = 1;
    /* Not yet active in the case pool: not "case", although it is in pools. */
    assert_string_equal(s_serving(&ev), "duty");
    /* Memberships but nothing serving (suspended everywhere): nothing. */
    ev.n_serving = 0;
    ev.status = "suspended";
    assert_string_equal(s_serving(&ev), "");
}

static void test_event_without_memberships(void **state)
{
    (void)state;
    Fayuan__LawyerChanged ev = FAYUAN__LAWYER_CHANGED__INIT;
    ev.status = "active";
    ev.pools = s_duty_case;
    ev.n_pools = 2;
    assert_string_equal(s_serving(&ev), "duty;case");
    ev.status = ""; /* an old event without status: active */
    assert_string_equal(s_serving(&ev), "duty;case");
    ev.cases_suspended = true; /* clause 25: duty goes on */
    assert_string_equal(s_serving(&ev), "duty");
    ev.cases_suspended = false;
    ev.status = "suspended";
    assert_string_equal(s_serving(&ev), "");
    ev.status = "removed";
    assert_string_equal(s_serving(&ev), "");
    /* A lawyer outside the pool has no pools and serves none. */
    ev.status = "outside";
    ev.n_pools = 0;
    assert_string_equal(s_serving(&ev), "");
}

static void test_serving_bounded(void **state)
{
    (void)state;
    Fayuan__LawyerChanged ev = FAYUAN__LAWYER_CHANGED__INIT;
    ev.status = "active";
    ev.pools = s_duty_case;
    ev.n_pools = 2;
    const char *out[1];
    assert_int_equal(lawyers_model_serving(&ev, out, 1), 1);
    assert_string_equal(out[0], "duty");
}

static void test_case_mentor(void **state)
{
    (void)state;
    Fayuan__LawyerChanged ev = FAYUAN__LAWYER_CHANGED__INIT;
    ev.status = "active";
    ev.pools = s_case_only;
    ev.n_pools = 1;
    assert_string_equal(lawyers_model_case_mentor(&ev), "");
    Fayuan__Membership duty = FAYUAN__MEMBERSHIP__INIT, kase = FAYUAN__MEMBERSHIP__INIT;
    duty.pool = "duty";
    duty.mentor = "13303199511001037"; /* probation companion, not a case mentor */
    kase.pool = "case";
    Fayuan__Membership *ms[] = {&duty, &kase};
    ev.memberships = ms;
    ev.n_memberships = 2;
    assert_string_equal(lawyers_model_case_mentor(&ev), "");
    kase.mentor = "13303199210001444";
    assert_string_equal(lawyers_model_case_mentor(&ev), "13303199210001444");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_serving_is_taken_as_published),
        cmocka_unit_test(test_event_without_memberships),
        cmocka_unit_test(test_serving_bounded),
        cmocka_unit_test(test_case_mentor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
