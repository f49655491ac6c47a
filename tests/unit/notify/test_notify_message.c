/* Unit tests for notify_message: the table notify_message_render() builds
 * from a notification's values — the tier messages as before, the name
 * (notice, read-model, licence), pools, clauses and dates at the center's
 * offset, a reason's full stop, and missing or unreadable values with the
 * template's defaults. The templates themselves are tested in
 * test_notify_templates.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fayuan/timeutil.h"
#include "notify_message.h"

/* Unix microseconds of a local wall-clock time at an offset (minutes). */
static int64_t s_local_us(int y, int mo, int d, int h, int mi, int offset)
{
    return (time_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 - offset * 60) *
           TIME_US_PER_SEC;
}

static const notify_message_ctx_t s_ctx = {
    .name = "王建国",
    .licence = "13303201000000001",
    .center_name = "温州市法律援助中心",
    .utc_offset = 480,
};

static void s_expect_message(const char *tpl, const char *vars, const char *defaults,
                             const notify_message_ctx_t *ctx, const char *want)
{
    char *got = notify_message_render(tpl, vars, defaults, ctx);
    assert_non_null(got);
    if (strcmp(got, want) != 0) {
        char msg[2048];
        snprintf(msg, sizeof msg, "template '%s' with %s: got '%s', want '%s'", tpl,
                 vars ? vars : "(null)", got, want);
        free(got);
        fail_msg("%s", msg);
    }
    free(got);
}

/* The tier messages render as they always have. */
static void test_message_tier(void **state)
{
    (void)state;
    const char *tpl = "【{center_name}】{name}律师：您在{quarter}的积分为 {points} 分，目前排名第 "
                      "{position} 名（共 {ranked} 人），等级由{old_tier}变为{new_tier}。";
    s_expect_message(tpl,
                     "{\"quarter\":\"2026Q4\",\"points_centi\":1250,\"position\":3,\"ranked\":30,"
                     "\"old_tier\":\"blue\",\"new_tier\":\"green\",\"final\":false}",
                     NULL, &s_ctx,
                     "【温州市法律援助中心】王建国律师：您在2026年第4季度的积分为 12.5 分，"
                     "目前排名第 3 名（共 30 人），等级由蓝色变为绿色。");
    /* An unknown tier is shown as given; missing numbers are 0. */
    s_expect_message("{old_tier}/{new_tier}/{points}/{position}/{ranked}",
                     "{\"old_tier\":\"\",\"new_tier\":\"purple\"}", NULL, &s_ctx, "/purple/0/0/0");
    s_expect_message("{points}", "{\"points_centi\":-150}", "{}", &s_ctx, "-1.5");
}

static void test_message_name(void **state)
{
    (void)state;
    /* The notice's own name wins; then the read-model's; then the licence. */
    s_expect_message("{name}", "{\"name\":\"李丽华\"}", NULL, &s_ctx, "李丽华");
    s_expect_message("{name}", "{\"name\":\"\"}", NULL, &s_ctx, "王建国");
    s_expect_message("{name}", "{}", NULL, &s_ctx, "王建国");
    notify_message_ctx_t unknown = s_ctx;
    unknown.name = "";
    s_expect_message("{name}", "{}", NULL, &unknown, "13303201000000001");
    unknown.name = NULL;
    s_expect_message("{name}|{licence}", "{}", NULL, &unknown,
                     "13303201000000001|13303201000000001");
}

static void test_message_member_values(void **state)
{
    (void)state;
    int64_t until = s_local_us(2027, 1, 15, 9, 30, 480);
    char vars[512];
    snprintf(vars, sizeof vars,
             "{\"kind\":\"suspended\",\"pool\":\"duty\",\"rule\":\"20/25(3)\","
             "\"reason\":\"值班缺勤\",\"until\":%lld,\"other\":\"李丽华\","
             "\"firm\":\"温州测试律师事务所\"}",
             (long long)until);
    s_expect_message("{pool}|{rule}|{reason}|{until}|{other}|{firm}", vars, NULL, &s_ctx,
                     "值班人员库|第20条、第25条第3项|值班缺勤|2027年1月15日|李丽华|"
                     "温州测试律师事务所");
    /* The date is the center's local date. */
    notify_message_ctx_t utc = s_ctx;
    utc.utc_offset = 0;
    snprintf(vars, sizeof vars, "{\"until\":%lld}", (long long)s_local_us(2027, 1, 15, 0, 0, 480));
    s_expect_message("{until}", vars, NULL, &s_ctx, "2027年1月15日");
    s_expect_message("{until}", vars, NULL, &utc, "2027年1月14日");
    s_expect_message("{pool}", "{\"pool\":\"case\"}", NULL, &s_ctx, "办案人员库");
    /* A reason's own full stops are dropped: the template ends the sentence. */
    s_expect_message("事由：{reason}。", "{\"reason\":\"连续两个季度列入红色清单。\"}", NULL,
                     &s_ctx, "事由：连续两个季度列入红色清单。");
    s_expect_message("事由：{reason}。", "{\"reason\":\"拒不整改。。 \\n\"}", NULL, &s_ctx,
                     "事由：拒不整改。");
    s_expect_message("事由：{reason}。", "{\"reason\":\"。\"}", NULL, &s_ctx, "事由：。");
    /* Inner full stops stay. */
    s_expect_message("{reason}", "{\"reason\":\"甲。乙\"}", NULL, &s_ctx, "甲。乙");
}

static void test_message_missing_values(void **state)
{
    (void)state;
    const char *tpl = "[{pool}][{rule}][{reason}][{until}][{other}][{firm}]";
    /* Nothing given: "" everywhere, except the pool ("" is every pool). */
    s_expect_message(tpl, "{}", NULL, &s_ctx, "[法律援助人员资源库][][][][][]");
    s_expect_message(tpl, "{\"pool\":\"\",\"rule\":\"\",\"reason\":\"\",\"until\":0}", "{}", &s_ctx,
                     "[法律援助人员资源库][][][][][]");
    /* Wrong types count as missing. */
    s_expect_message(tpl, "{\"pool\":1,\"rule\":13,\"reason\":null,\"until\":\"2027-01-15\"}", NULL,
                     &s_ctx, "[法律援助人员资源库][][][][][]");
    /* The template's defaults fill what is missing, and only that. */
    const char *defs = "{\"until\":\"中心另行通知之日\",\"reason\":\"详见中心书面决定\","
                       "\"rule\":\"第28条\",\"pool\":\"不会用到\",\"nosuch\":\"x\",\"other\":7}";
    s_expect_message(tpl, "{}", defs, &s_ctx,
                     "[法律援助人员资源库][第28条][详见中心书面决定][中心另行通知之日][][]");
    s_expect_message(tpl, "{\"rule\":\"13\",\"until\":-5}", defs, &s_ctx,
                     "[法律援助人员资源库][第13条][详见中心书面决定][中心另行通知之日][][]");
    /* Unreadable vars or defaults are treated as empty, never a crash. */
    s_expect_message(tpl, "not json", "{broken", &s_ctx, "[法律援助人员资源库][][][][][]");
    s_expect_message(tpl, NULL, "", &s_ctx, "[法律援助人员资源库][][][][][]");
    s_expect_message(tpl, "[1,2]", "[\"x\"]", &s_ctx, "[法律援助人员资源库][][][][][]");
    /* A placeholder the table does not know is kept. */
    s_expect_message("{kind}{phone}", "{\"kind\":\"removed\",\"phone\":\"13900000000\"}", NULL,
                     &s_ctx, "{kind}{phone}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message_tier),
        cmocka_unit_test(test_message_name),
        cmocka_unit_test(test_message_member_values),
        cmocka_unit_test(test_message_missing_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
