/* Unit tests for the member-notice templates of migration 003 as notifyd
 * renders them (notify_message_render): one template for every MemberNotice
 * kind and firm_removed; every placeholder filled, with all values given and
 * with none; the dates in the center's local time; the pool names; the
 * clauses cited; the 3-year bar and its end date in a removal; the end date
 * of a suspension. The template text is read from the migration embedded in
 * the binary (notify_migrations), so this tests what is deployed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fayuan/timeutil.h"
#include "notify.h"
#include "notify_message.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The kinds proto/events.proto lists for MemberNotice. */
static const char *const s_kinds[] = {
    "approved",        "rejected",         "activated",        "suspended",       "resumed",
    "cases_suspended", "cases_resumed",    "removed",          "exited",          "exit_pending",
    "probation_due",   "probation_passed", "probation_failed", "mentor_assigned",
};

static const notify_message_ctx_t s_ctx = {
    .name = "",
    .licence = "13303201000000007",
    .center_name = "温州市法律援助中心",
    .utc_offset = 480,
};

/* Unix microseconds of a local wall-clock time at +08:00. */
static int64_t s_cst(int y, int mo, int d, int h, int mi)
{
    return (time_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 - 8 * 3600) *
           TIME_US_PER_SEC;
}

/* Reads the SQL string literal at *p ('...' with '' for a quote); NULL if
 * there is none. *p moves past it. */
static char *s_literal(const char **p)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == ',')
        s++;
    if (*s != '\'')
        return NULL;
    s++;
    size_t cap = strlen(s) + 1, n = 0;
    char *out = malloc(cap);
    while (*s) {
        if (*s == '\'') {
            if (s[1] != '\'')
                break;
            s++;
        }
        out[n++] = *s++;
    }
    out[n] = '\0';
    *p = *s ? s + 1 : s;
    return out;
}

typedef struct {
    char *body;
    char *defaults;
} s_tpl_t;

/* The template `key` as migration 003 inserts it: ('key', 'body', 'defaults'). */
static s_tpl_t s_template(const char *key)
{
    s_tpl_t t = {NULL, NULL};
    const char *sql = NULL;
    for (size_t i = 0; i < notify_migrations_count; i++)
        if (notify_migrations[i].version == 3)
            sql = notify_migrations[i].sql;
    assert_non_null(sql);
    char pat[128];
    snprintf(pat, sizeof pat, "('%s',", key);
    const char *p = strstr(sql, pat);
    if (!p)
        return t;
    p += strlen(pat);
    t.body = s_literal(&p);
    t.defaults = s_literal(&p);
    return t;
}

static void s_free(s_tpl_t *t)
{
    free(t->body);
    free(t->defaults);
}

/* Renders template `key` with vars (a JSON object text); the caller frees. */
static char *s_render(const char *key, const char *vars)
{
    s_tpl_t t = s_template(key);
    if (!t.body)
        fail_msg("no template '%s' in migration 003", key);
    char *out = notify_message_render(t.body, vars, t.defaults, &s_ctx);
    s_free(&t);
    assert_non_null(out);
    return out;
}

static void s_contains(const char *key, const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("%s: '%s' does not contain '%s'", key, text, want);
}

static void s_lacks(const char *key, const char *text, const char *bad)
{
    if (strstr(text, bad))
        fail_msg("%s: '%s' contains '%s'", key, text, bad);
}

/* Text that shows a value was missing and the sentence around it broke. */
static void s_well_formed(const char *key, const char *text)
{
    static const char *const bad[] = {
        "{",          "}",    "：。",   "：，",     "（）", "（《法律援助人员管理办法》）",
        "至止",       "即前", "于届满", "指定作为", "。。", "，。",
        "贵所律师（", "【】", "】：",   "退出。",   "null",
    };
    for (size_t i = 0; i < NELEM(bad); i++)
        s_lacks(key, text, bad[i]);
}

static char *s_full_vars(const char *kind, const char *pool, int64_t until)
{
    char *v = malloc(1024);
    snprintf(v, 1024,
             "{\"kind\":\"%s\",\"name\":\"陈晓东\",\"pool\":\"%s\",\"rule\":\"13/28\","
             "\"reason\":\"连续两个季度列入红色清单，拒不整改。\",\"licence\":"
             "\"13303201000000007\",\"until\":%lld,\"other\":\"王丽娟\","
             "\"firm\":\"浙江瓯越律师事务所\"}",
             kind, pool, (long long)until);
    return v;
}

static void test_every_kind_has_a_template(void **state)
{
    (void)state;
    char key[64];
    for (size_t i = 0; i < NELEM(s_kinds); i++) {
        snprintf(key, sizeof key, "member_%s", s_kinds[i]);
        s_tpl_t t = s_template(key);
        if (!t.body || !t.defaults)
            fail_msg("no template '%s' (body and defaults) in migration 003", key);
        json_error_t err;
        json_t *d = json_loads(t.defaults, 0, &err);
        if (!json_is_object(d))
            fail_msg("%s: defaults are not a JSON object: %s", key, err.text);
        /* Every default is text. */
        const char *k;
        json_t *v;
        json_object_foreach(d, k, v)
        {
            if (!json_is_string(v))
                fail_msg("%s: default for '%s' is not a string", key, k);
        }
        json_decref(d);
        /* Addressed to the member, by name, from the center. */
        if (strncmp(t.body, "【{center_name}】{name}律师：",
                    strlen("【{center_name}】{name}律师：")) != 0)
            fail_msg("%s does not open with the center and the member's name: %s", key, t.body);
        s_free(&t);
    }
    s_tpl_t f = s_template("firm_removed");
    assert_non_null(f.body);
    assert_non_null(f.defaults);
    s_free(&f);
}

/* With every value given: nothing left unfilled, the member's name, and the
 * pool named in Chinese. */
static void test_all_values(void **state)
{
    (void)state;
    int64_t until = s_cst(2027, 1, 15, 10, 0);
    char key[64];
    for (size_t i = 0; i < NELEM(s_kinds); i++) {
        snprintf(key, sizeof key, "member_%s", s_kinds[i]);
        for (int p = 0; p < 3; p++) {
            const char *pool = p == 0 ? "duty" : p == 1 ? "case" : "";
            char *vars = s_full_vars(s_kinds[i], pool, until);
            char *text = s_render(key, vars);
            s_well_formed(key, text);
            s_contains(key, text, "【温州市法律援助中心】陈晓东律师：");
            s_lacks(key, text, "duty");
            s_lacks(key, text, "case");
            /* Never the contacts or the licence in a member's own message. */
            s_lacks(key, text, "13303201000000007");
            free(text);
            free(vars);
        }
    }
}

static void test_suspension_states_end_date(void **state)
{
    (void)state;
    /* 2027-01-15 00:30 in Wenzhou is still 2027-01-14 in UTC. */
    char *vars = s_full_vars("suspended", "duty", s_cst(2027, 1, 15, 0, 30));
    char *text = s_render("member_suspended", vars);
    s_contains("member_suspended", text, "暂停期限至2027年1月15日止");
    s_contains("member_suspended", text, "值班人员库");
    s_contains("member_suspended", text, "第13条、第28条");
    s_contains("member_suspended", text, "事由：连续两个季度列入红色清单，拒不整改。");
    s_contains("member_suspended", text, "责令整改");
    free(text);
    free(vars);
    /* The whole text, as a lawyer reads it. */
    text = s_render("member_suspended",
                    "{\"name\":\"陈晓东\",\"pool\":\"\",\"rule\":\"13\",\"reason\":"
                    "\"连续两个季度列入红色清单\",\"until\":1784131200000000}");
    assert_string_equal(
        text, "【温州市法律援助中心】陈晓东律师：根据《法律援助人员管理办法》第13条的规定，"
              "中心决定暂停您作为法律援助人员资源库成员参与法律援助服务，并责令整改，"
              "暂停期限至2026年7月16日止。事由：连续两个季度列入红色清单。请在暂停期间认真"
              "整改，期满后恢复服务。如对本决定有异议，请及时与中心联系。");
    free(text);
}

static void test_removal_states_bar_and_end(void **state)
{
    (void)state;
    int64_t ban = s_cst(2029, 12, 2, 14, 5);
    char *vars = s_full_vars("removed", "", ban);
    char *text = s_render("member_removed", vars);
    s_contains("member_removed", text, "清退出法律援助人员资源库");
    s_contains("member_removed", text, "3年内不得重新申请加入");
    s_contains("member_removed", text, "2029年12月2日前不得重新申请");
    s_contains("member_removed", text, "第28条");
    free(text);
    /* The firm's letter: to the firm by name, naming the member and licence,
     * the bar and its end, citing clause 29. */
    text = s_render("firm_removed", vars);
    s_well_formed("firm_removed", text);
    s_contains("firm_removed", text, "【温州市法律援助中心】浙江瓯越律师事务所：");
    s_contains("firm_removed", text, "贵所陈晓东律师（执业证号：13303201000000007）");
    s_contains("firm_removed", text, "清退出法律援助人员资源库");
    s_contains("firm_removed", text, "3年内不得重新申请加入");
    s_contains("firm_removed", text, "2029年12月2日前不得重新申请");
    s_contains("firm_removed", text, "第29条");
    s_contains("firm_removed", text, "事由：连续两个季度列入红色清单，拒不整改。");
    free(text);
    free(vars);
}

static void test_kind_specific_values(void **state)
{
    (void)state;
    char *vars = s_full_vars("probation_due", "duty", s_cst(2027, 3, 31, 23, 59));
    char *text = s_render("member_probation_due", vars);
    s_contains("member_probation_due", text, "试用期于2027年3月31日届满");
    s_contains("member_probation_due", text, "第19条");
    free(text);
    free(vars);
    vars = s_full_vars("mentor_assigned", "case", 0);
    text = s_render("member_mentor_assigned", vars);
    s_contains("member_mentor_assigned", text, "指定王丽娟作为您在办案人员库的导师");
    free(text);
    free(vars);
    /* mentor_assigned without a rule cites clause 24 (its default). */
    text = s_render("member_mentor_assigned", "{\"other\":\"王丽娟\",\"pool\":\"case\"}");
    s_contains("member_mentor_assigned", text, "第24条");
    free(text);
    text = s_render("member_cases_suspended",
                    "{\"rule\":\"25(3)\",\"reason\":\"一个年度内两件案件质量评估为合格及以下\"}");
    s_contains("member_cases_suspended", text, "第25条第3项");
    s_contains("member_cases_suspended", text, "暂停指派您承办法律援助案件");
    free(text);
    text = s_render("member_exit_pending", "{\"pool\":\"case\"}");
    s_contains("member_exit_pending", text, "退出办案人员库的申请");
    s_contains("member_exit_pending", text, "第26条");
    free(text);
    text = s_render("member_approved", "{\"pool\":\"case\"}");
    s_contains("member_approved", text, "加入办案人员库");
    s_contains("member_approved", text, "第10条");
    free(text);
}

/* With nothing but the kind: every sentence still reads, from the
 * template's defaults; the name falls back to the licence. */
static void test_missing_values(void **state)
{
    (void)state;
    char key[64], vars[128];
    for (size_t i = 0; i < NELEM(s_kinds); i++) {
        snprintf(key, sizeof key, "member_%s", s_kinds[i]);
        snprintf(vars, sizeof vars, "{\"kind\":\"%s\"}", s_kinds[i]);
        char *text = s_render(key, vars);
        s_well_formed(key, text);
        s_contains(key, text, "13303201000000007律师：");
        free(text);
        /* Empty strings and a zero date are missing too. */
        snprintf(vars, sizeof vars,
                 "{\"kind\":\"%s\",\"rule\":\"\",\"reason\":\"\",\"until\":0,\"other\":\"\"}",
                 s_kinds[i]);
        text = s_render(key, vars);
        s_well_formed(key, text);
        free(text);
    }
    char *text = s_render("member_removed", "{}");
    s_contains("member_removed", text, "3年内不得重新申请加入");
    s_contains("member_removed", text, "即清退满3年前不得重新申请");
    s_contains("member_removed", text, "事由：详见中心书面决定。");
    free(text);
    text = s_render("member_suspended", "{\"rule\":\"20\"}");
    s_contains("member_suspended", text, "暂停期限至中心另行通知之日止");
    free(text);
    text = s_render("firm_removed", "{\"firm\":\"某律师事务所\"}");
    s_well_formed("firm_removed", text);
    s_contains("firm_removed", text, "即清退满3年前不得重新申请");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind_has_a_template),
        cmocka_unit_test(test_all_values),
        cmocka_unit_test(test_suspension_states_end_date),
        cmocka_unit_test(test_removal_states_bar_and_end),
        cmocka_unit_test(test_kind_specific_values),
        cmocka_unit_test(test_missing_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
