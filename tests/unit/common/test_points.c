/* Unit tests for points_format: centi-points (integer hundredths) shown to
 * people with no trailing zeros in the fraction and an exact sign. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "fayuan/points.h"

static void s_expect(int64_t centi, const char *want)
{
    char buf[64];
    memset(buf, 0x55, sizeof buf);
    const char *got = points_format(centi, buf, sizeof buf);
    assert_ptr_equal(got, buf);
    if (strcmp(got, want) != 0)
        fail_msg("points_format(%lld): got '%s', want '%s'", (long long)centi, got, want);
}

static void test_whole_points(void **state)
{
    (void)state;
    s_expect(0, "0");
    s_expect(100, "1");
    s_expect(200, "2");
    s_expect(400, "4");
    s_expect(1000, "10");
    s_expect(10000, "100");
    s_expect(-100, "-1");
    s_expect(-1000, "-10");
}

static void test_one_decimal(void **state)
{
    (void)state;
    s_expect(150, "1.5");
    s_expect(10, "0.1");
    s_expect(50, "0.5");
    s_expect(90, "0.9");
    s_expect(1010, "10.1");
    s_expect(-150, "-1.5");
    s_expect(-50, "-0.5");
}

static void test_two_decimals(void **state)
{
    (void)state;
    s_expect(125, "1.25");
    s_expect(5, "0.05");
    s_expect(1, "0.01");
    s_expect(99, "0.99");
    s_expect(101, "1.01");
    s_expect(12345, "123.45");
    s_expect(-5, "-0.05");
    s_expect(-25, "-0.25");
    s_expect(-1, "-0.01");
    s_expect(-101, "-1.01");
}

/* The extremes: no overflow in the negation, every digit right.
 * INT64_MAX = 9223372036854775807, INT64_MIN = -9223372036854775808. */
static void test_extremes(void **state)
{
    (void)state;
    s_expect(INT64_MAX, "92233720368547758.07");
    s_expect(INT64_MIN, "-92233720368547758.08");
    s_expect(INT64_MIN + 1, "-92233720368547758.07");
    s_expect(INT64_MAX - 7, "92233720368547758");
    s_expect(INT64_MIN + 8, "-92233720368547758");
    s_expect(INT64_MAX - 37, "92233720368547757.7");
}

/* A short buffer gets a truncated, NUL-terminated string. */
static void test_small_buffer(void **state)
{
    (void)state;
    char buf[4];
    assert_string_equal(points_format(-150, buf, sizeof buf), "-1.");
    assert_string_equal(points_format(12345, buf, sizeof buf), "123");
    assert_string_equal(points_format(100, buf, sizeof buf), "1");
    char one[1] = {'z'};
    assert_string_equal(points_format(150, one, sizeof one), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_points), cmocka_unit_test(test_one_decimal),
        cmocka_unit_test(test_two_decimals), cmocka_unit_test(test_extremes),
        cmocka_unit_test(test_small_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
