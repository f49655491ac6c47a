/* Unit tests for notify_render: "{key}" substitution in Chinese message
 * templates (unknown or unbalanced braces kept as written, values inserted
 * verbatim and never expanded again) and the Chinese name of a quarter. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
