/* Unit tests for notify_render: "{key}" substitution in Chinese message
 * templates (unknown or unbalanced braces kept as written, values inserted
 * verbatim and never expanded again), the Chinese forms of a quarter, a pool,
 * a clause and a date (at the center's UTC offset; 0 is no date). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fayuan/timeutil.h"
#include "notify_render.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const notify_var_t s_vars[] = {
    {"name", "张三"},
    {"tier", "绿色"},
    {"quarter", "2026年第4季度"},
    {"points", "12.5"},
};

static void s_expect(const char *tpl, const notify_var_t *vars, size_t nvars, const char *want)
{
    char *got = notify_render(tpl, vars, nvars);
    assert_non_null(got);
    if (strcmp(got, want) != 0) {
        char msg[1024];
        snprintf(msg, sizeof msg, "template '%s': got '%s', want '%s'", tpl, got, want);
        free(got);
        fail_msg("%s", msg);
    }
    free(got);
}

static void test_placeholders_replaced(void **state)
{
    (void)state;
    s_expect("{name}律师：您{quarter}的积分为{points}分，等级为{tier}。", s_vars, NELEM(s_vars),
             "张三律师：您2026年第4季度的积分为12.5分，等级为绿色。");
    /* At the very start, the very end, adjacent, and the whole template. */
    s_expect("{name}", s_vars, NELEM(s_vars), "张三");
    s_expect("{name}{tier}", s_vars, NELEM(s_vars), "张三绿色");
    s_expect("尊敬的{name}", s_vars, NELEM(s_vars), "尊敬的张三");
    /* ASCII around. */
    s_expect("tier={tier};", s_vars, NELEM(s_vars), "tier=绿色;");
}

static void test_repeated_placeholder(void **state)
{
    (void)state;
    s_expect("{name}，{name}，{name}！", s_vars, NELEM(s_vars), "张三，张三，张三！");
    s_expect("{points}+{points}={points}x2", s_vars, NELEM(s_vars), "12.5+12.5=12.5x2");
}

static void test_unknown_kept(void **state)
{
    (void)state;
    s_expect("您好{nmae}，等级{tier}", s_vars, NELEM(s_vars), "您好{nmae}，等级绿色");
    s_expect("{}", s_vars, NELEM(s_vars), "{}");
    s_expect("{NAME}", s_vars, NELEM(s_vars), "{NAME}");
    s_expect("{ name }", s_vars, NELEM(s_vars), "{ name }");
    /* No table at all: everything kept. */
    s_expect("{name}律师", NULL, 0, "{name}律师");
    /* A key that is a prefix of a variable, or has one as a prefix. */
    s_expect("{nam}{names}", s_vars, NELEM(s_vars), "{nam}{names}");
}

static void test_unbalanced_braces(void **state)
{
    (void)state;
    s_expect("{name", s_vars, NELEM(s_vars), "{name");
    s_expect("name}", s_vars, NELEM(s_vars), "name}");
    s_expect("}{", s_vars, NELEM(s_vars), "}{");
    s_expect("{", s_vars, NELEM(s_vars), "{");
    s_expect("}", s_vars, NELEM(s_vars), "}");
    /* A stray "{" before a placeholder is kept, the placeholder filled. */
    s_expect("{{name}}", s_vars, NELEM(s_vars), "{张三}");
    s_expect("{x{name}", s_vars, NELEM(s_vars), "{x张三");
    /* "{foo{name}" then "}": the first "{" sees key "foo{name", unknown. */
    s_expect("{foo{name}}", s_vars, NELEM(s_vars), "{foo张三}");
    s_expect("等级：{tier", s_vars, NELEM(s_vars), "等级：{tier");
}

static void test_empty_template(void **state)
{
    (void)state;
    s_expect("", s_vars, NELEM(s_vars), "");
    s_expect("", NULL, 0, "");
    s_expect("没有占位符", s_vars, NELEM(s_vars), "没有占位符");
}

static void test_null_and_empty_value(void **state)
{
    (void)state;
    const notify_var_t vars[] = {{"a", NULL}, {"b", ""}, {"c", "C"}};
    s_expect("[{a}][{b}][{c}]", vars, NELEM(vars), "[][][C]");
    /* An empty key is a variable like any other. */
    const notify_var_t empty_key[] = {{"", "E"}};
    s_expect("x{}y", empty_key, 1, "xEy");
}

/* A value is inserted verbatim: braces in it are not expanded again. */
static void test_value_not_reexpanded(void **state)
{
    (void)state;
    const notify_var_t vars[] = {{"a", "{b}"}, {"b", "B"}, {"self", "{self}"}};
    s_expect("{a}", vars, NELEM(vars), "{b}");
    s_expect("{a}{b}", vars, NELEM(vars), "{b}B");
    s_expect("{self}{self}", vars, NELEM(vars), "{self}{self}");
    /* A value that ends in "{" does not start a placeholder with the text
     * after it. */
    const notify_var_t open[] = {{"o", "{"}, {"b", "B"}};
    s_expect("{o}b}", open, NELEM(open), "{b}");
}

/* The first matching row wins when a key appears twice in the table. */
static void test_first_row_wins(void **state)
{
    (void)state;
    const notify_var_t vars[] = {{"k", "first"}, {"k", "second"}};
    s_expect("{k}", vars, NELEM(vars), "first");
}

/* Values far longer than the template make the buffer grow. */
static void test_long_values(void **state)
{
    (void)state;
    char big[5001];
    memset(big, 'x', 5000);
    big[5000] = '\0';
    const notify_var_t vars[] = {{"v", big}};
    char *got = notify_render("<{v}|{v}|{v}>", vars, 1);
    assert_non_null(got);
    assert_int_equal(strlen(got), 3 * 5000 + 4);
    assert_int_equal(got[0], '<');
    assert_int_equal(got[5001], '|');
    assert_int_equal(got[10002], '|');
    assert_int_equal(got[15003], '>');
    assert_int_equal(got[1], 'x');
    assert_int_equal(got[15002], 'x');
    free(got);

    /* A long template with many small substitutions. */
    char tpl[6 * 1000 + 1];
    char want[2 * 1000 + 1];
    for (int i = 0; i < 1000; i++) {
        memcpy(tpl + 6 * i, "{tier}", 6);
        memcpy(want + 2 * i, "ab", 2);
    }
    tpl[6000] = '\0';
    want[2000] = '\0';
    const notify_var_t short_vars[] = {{"tier", "ab"}};
    s_expect(tpl, short_vars, 1, want);
}

static void s_expect_quarter(const char *in, const char *want)
{
    char buf[64];
    memset(buf, 0x55, sizeof buf);
    const char *got = notify_quarter_zh(in, buf, sizeof buf);
    assert_ptr_equal(got, buf);
    if (strcmp(got, want) != 0)
        fail_msg("quarter '%s': got '%s', want '%s'", in, got, want);
}

static void test_quarter_zh(void **state)
{
    (void)state;
    s_expect_quarter("2026Q4", "2026年第4季度");
    s_expect_quarter("2026Q1", "2026年第1季度");
    s_expect_quarter("2027Q2", "2027年第2季度");
    s_expect_quarter("1999Q3", "1999年第3季度");
    s_expect_quarter("1900Q1", "1900年第1季度");
    s_expect_quarter("2999Q4", "2999年第4季度");
    /* timeutil's quarter syntax also allows a lower-case q. */
    s_expect_quarter("2026q3", "2026年第3季度");
}

/* Anything that is not exactly "YYYYQn" with n in 1..4 is echoed as given. */
static void test_quarter_bad_input_echoed(void **state)
{
    (void)state;
    /* Wrong shape, trailing or leading text, quarter out of 1..4, or a year
     * outside the 1900..2999 that timeutil accepts. */
    static const char *const bad[] = {
        "",        "Q4",      "2026",    "2026Q",   "2026Q0",  "2026Q5",  "2026Q9",     "2026-Q4",
        "2026q4x", "20264",   "第4季度", "20261Q1", "2026Q12", "2026Q4x", "2026Q4 ",    " 2026Q4",
        "+202Q4",  "-202Q4",  "26Q4",    "Q42026",  "2026Q-1", "2026Q+4", "２０２６Q4", "2026Q４",
        "abcdQ1",  "2026 Q4", "1899Q4",  "3000Q1",  "0000Q1",
    };
    for (size_t i = 0; i < NELEM(bad); i++)
        s_expect_quarter(bad[i], bad[i]);
}

/* The result is cut to the buffer, NUL-terminated. */
static void test_quarter_small_buffer(void **state)
{
    (void)state;
    char buf[8];
    /* "2026年" is 4 + 3 bytes: exactly fits 7 bytes + NUL. */
    assert_string_equal(notify_quarter_zh("2026Q4", buf, sizeof buf), "2026年");
    char one[1] = {'z'};
    assert_string_equal(notify_quarter_zh("2026Q4", one, sizeof one), "");
    char echo[4];
    assert_string_equal(notify_quarter_zh("bogus", echo, sizeof echo), "bog");
}

static void test_pool_zh(void **state)
{
    (void)state;
    assert_string_equal(notify_pool_zh("duty"), "值班人员库");
    assert_string_equal(notify_pool_zh("case"), "办案人员库");
    /* "" is every pool: the whole resource pool. */
    assert_string_equal(notify_pool_zh(""), "法律援助人员资源库");
    assert_string_equal(notify_pool_zh(NULL), "法律援助人员资源库");
    /* Unknown names are shown as given, never guessed. */
    assert_string_equal(notify_pool_zh("Duty"), "Duty");
    assert_string_equal(notify_pool_zh("duty "), "duty ");
    assert_string_equal(notify_pool_zh("hotline"), "hotline");
}

static void s_expect_rule(const char *in, const char *want)
{
    char buf[128];
    memset(buf, 0x55, sizeof buf);
    const char *got = notify_rule_zh(in, buf, sizeof buf);
    assert_ptr_equal(got, buf);
    if (strcmp(got, want) != 0)
        fail_msg("rule '%s': got '%s', want '%s'", in ? in : "(null)", got, want);
}

static void test_rule_zh(void **state)
{
    (void)state;
    s_expect_rule("13", "第13条");
    s_expect_rule("28", "第28条");
    s_expect_rule("6", "第6条");
    s_expect_rule("25(3)", "第25条第3项");
    s_expect_rule("20(7)", "第20条第7项");
    s_expect_rule("13/28", "第13条、第28条");
    s_expect_rule("25(3)/28", "第25条第3项、第28条");
    s_expect_rule("13/20/25", "第13条、第20条、第25条");
    /* Blanks around a part, and empty parts, are dropped. */
    s_expect_rule(" 13 / 28 ", "第13条、第28条");
    s_expect_rule("13//28/", "第13条、第28条");
    s_expect_rule("", "");
    s_expect_rule(NULL, "");
    s_expect_rule("/", "");
    /* Anything else is shown as given rather than half-read. */
    s_expect_rule("第二十八条", "第二十八条");
    s_expect_rule("25(3", "25(3");
    s_expect_rule("25()", "25()");
    s_expect_rule("(3)", "(3)");
    s_expect_rule("25(x)", "25(x)");
    s_expect_rule("12345", "12345");
    s_expect_rule("13a", "13a");
    s_expect_rule("13/附件2", "第13条、附件2");
}

static void test_rule_zh_small_buffer(void **state)
{
    (void)state;
    /* "第13条" is 3 + 2 + 3 = 8 bytes, "、第28条" 11 more: cut at whole
     * parts only. */
    char buf[32];
    assert_string_equal(notify_rule_zh("13/28", buf, 9), "第13条");
    assert_string_equal(notify_rule_zh("13/28", buf, 8), "");
    assert_string_equal(notify_rule_zh("13/28", buf, 19), "第13条");
    assert_string_equal(notify_rule_zh("13/28", buf, 20), "第13条、第28条");
    char one[1] = {'z'};
    assert_string_equal(notify_rule_zh("13", one, sizeof one), "");
    char none[1] = {'z'};
    notify_rule_zh("13", none, 0); /* nothing written */
    assert_int_equal(none[0], 'z');
}

/* Unix microseconds of a local wall-clock time at an offset (minutes). */
static int64_t s_local_us(int y, int mo, int d, int h, int mi, int offset)
{
    return (time_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 - offset * 60) *
           TIME_US_PER_SEC;
}

static void s_expect_date(int64_t us, int offset, const char *want)
{
    char buf[64];
    memset(buf, 0x55, sizeof buf);
    const char *got = notify_date_zh(us, offset, buf, sizeof buf);
    assert_ptr_equal(got, buf);
    if (strcmp(got, want) != 0)
        fail_msg("date %lld at %+d: got '%s', want '%s'", (long long)us, offset, got, want);
}

static void test_date_zh(void **state)
{
    (void)state;
    /* No leading zeros: 2027年1月5日. */
    s_expect_date(s_local_us(2027, 1, 5, 10, 30, 480), 480, "2027年1月5日");
    s_expect_date(s_local_us(2029, 12, 31, 23, 59, 480), 480, "2029年12月31日");
    s_expect_date(s_local_us(2028, 2, 29, 12, 0, 480), 480, "2028年2月29日");
    /* The center's local day, not UTC's: midnight in Shanghai is 16:00 UTC
     * the day before. */
    int64_t midnight = s_local_us(2027, 1, 1, 0, 0, 480);
    s_expect_date(midnight, 480, "2027年1月1日");
    s_expect_date(midnight - 1, 480, "2026年12月31日");
    s_expect_date(midnight, 0, "2026年12月31日");
    s_expect_date(midnight + 8 * 3600 * TIME_US_PER_SEC, 0, "2027年1月1日");
    /* A western offset moves the day back. */
    s_expect_date(s_local_us(2027, 3, 1, 2, 0, 0), -300, "2027年2月28日");
    /* 1970-01-01 00:00:01 UTC is a real instant. */
    s_expect_date(TIME_US_PER_SEC, 0, "1970年1月1日");
}

static void test_date_zh_missing(void **state)
{
    (void)state;
    /* 0 is "no date" in the events; a negative value is no date either. */
    s_expect_date(0, 480, "");
    s_expect_date(-1, 480, "");
    s_expect_date(INT64_MIN, 480, "");
    /* Far ends of the range neither crash nor overflow. */
    char buf[64];
    assert_true(strlen(notify_date_zh(INT64_MAX, 480, buf, sizeof buf)) > 0);
    assert_true(strlen(notify_date_zh(INT64_MAX, -720, buf, sizeof buf)) > 0);
    /* Cut to the buffer. */
    char small[5];
    assert_string_equal(notify_date_zh(s_local_us(2027, 1, 5, 0, 0, 480), 480, small, 5), "2027");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_placeholders_replaced),
        cmocka_unit_test(test_repeated_placeholder),
        cmocka_unit_test(test_unknown_kept),
        cmocka_unit_test(test_unbalanced_braces),
        cmocka_unit_test(test_empty_template),
        cmocka_unit_test(test_null_and_empty_value),
        cmocka_unit_test(test_value_not_reexpanded),
        cmocka_unit_test(test_first_row_wins),
        cmocka_unit_test(test_long_values),
        cmocka_unit_test(test_quarter_zh),
        cmocka_unit_test(test_quarter_bad_input_echoed),
        cmocka_unit_test(test_quarter_small_buffer),
        cmocka_unit_test(test_pool_zh),
        cmocka_unit_test(test_rule_zh),
        cmocka_unit_test(test_rule_zh_small_buffer),
        cmocka_unit_test(test_date_zh),
        cmocka_unit_test(test_date_zh_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
