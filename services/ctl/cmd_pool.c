/* cmd_pool — fayuanctl commands of the resource pool (registryd):
 * applications and their decision, eligibility, penalties, training and
 * exam, suspension and resumption, exits and removal, probation, the
 * recruitment round, people outside the pool, firms, listings, export and
 * the yearly case-pool list. */
#include "ctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_str(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

static const char *s_pool_zh(const char *pool)
{
    return strcmp(pool, "duty") == 0   ? "值班人员库"
           : strcmp(pool, "case") == 0 ? "办案人员库"
                                       : pool;
}

static const char *s_state_zh(const char *state)
{
    static const char *const map[][2] = {{"applicant", "申请中"},   {"approved", "待培训"},
                                         {"trained", "待考试"},     {"active", "在库"},
                                         {"suspended", "暂停"},     {"exited", "已退出"},
                                         {"rejected", "未通过审核"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(state, map[i][0]) == 0)
            return map[i][1];
    return state;
}

/* Runs a registry command with a file as its body (NULL: none). */
static int s_call(ctl_t *c, const char *command, const char *const *opts, const char *file,
                  void (*show)(json_t *body, void *arg))
{
    if (!file)
        return ctl_run(c, "registry", command, opts, show, NULL);
    return ctl_run_file(c, "registry", command, opts, file, show, NULL);
}

/* ---- what staff see --------------------------------------------------------- */

static void s_show_eligibility(json_t *el, const char *indent)
{
    const char *k;
    json_t *e;
    json_object_foreach(el, k, e)
    {
        if (json_is_true(json_object_get(e, "eligible"))) {
            printf("%s%s：符合入库条件\n", indent, s_pool_zh(k));
            continue;
        }
        const char *from = s_str(e, "eligible_from");
        if (strcmp(from, "never") == 0)
            printf("%s%s：不符合入库条件\n", indent, s_pool_zh(k));
        else
            printf("%s%s：不符合入库条件，最早 %s 起符合\n", indent, s_pool_zh(k), from);
        size_t i;
        json_t *f;
        json_array_foreach(json_object_get(e, "fails"), i, f)
            printf("%s  - %s\n", indent, s_str(f, "message"));
    }
}

static void s_show_apply(json_t *b, void *arg)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(b, "applications"), i, a)
    {
        printf("已登记申请 %lld：%s\n", (long long)json_integer_value(json_object_get(a, "id")),
               s_str(a, "lawyer"));
        s_show_eligibility(json_object_get(a, "eligibility"), "  ");
    }
    printf("批准前须记录单位审核同意及司法局、律师协会意见：application record 编号 ...\n");
}

static void s_show_applications(json_t *b, void *arg)
{
    json_t *apps = json_object_get(b, "applications");
    if (json_array_size(apps) == 0) {
        printf("没有申请\n");
        return;
    }
    size_t i;
    json_t *a;
    json_array_foreach(apps, i, a)
    {
        const char *st = s_str(a, "state");
        printf("%lld  %s %s  申请：%s  %s  单位同意：%s  司法局意见：%s  律协意见：%s\n",
               (long long)json_integer_value(json_object_get(a, "id")), s_str(a, "lawyer"),
               s_str(a, "name"), s_str(a, "pools"),
               strcmp(st, "pending") == 0    ? "待审核"
               : strcmp(st, "approved") == 0 ? "已批准"
                                             : "已驳回",
               *s_str(a, "endorsed_on") ? s_str(a, "endorsed_on") : "未记录",
               *s_str(a, "bureau_opinion") ? "已记录" : "未记录",
               *s_str(a, "bar_opinion") ? "已记录" : "未记录");
        if (strcmp(st, "pending") == 0)
            s_show_eligibility(json_object_get(a, "eligibility"), "    ");
    }
}

static void s_show_check(json_t *b, void *arg)
{
    printf("%s 入库条件（按今天计）：\n", s_str(b, "lawyer"));
    json_t *el = json_pack("{s:O, s:O}", "duty", json_object_get(b, "duty"), "case",
                           json_object_get(b, "case"));
    s_show_eligibility(el, "  ");
    json_decref(el);
}

static void s_show_states(json_t *b, void *arg)
{
    const char *k;
    json_t *v;
    printf("%s：", s_str(b, "lawyer"));
    json_object_foreach(json_object_get(b, "pools"), k, v)
        printf("%s %s  ", s_pool_zh(k), s_state_zh(json_string_value(v)));
    printf("\n");
    if (json_is_true(json_object_get(b, "exit_pending")))
        printf("尚有 %lld 件已指派事项未办结：退出申请已记录，办结后自动退出（第二十六条）\n",
               (long long)json_integer_value(json_object_get(b, "open_cases")));
    json_t *pairs = json_object_get(b, "partners");
    json_object_foreach(pairs, k, v)
    {
        if (json_is_string(v))
            printf("%s：已指定%s %s\n", s_pool_zh(k),
                   strcmp(k, "duty") == 0 ? "带教的资深值班人员" : "导师", json_string_value(v));
        else
            printf("%s：暂无符合条件的%s，请人工指定\n", s_pool_zh(k),
                   strcmp(k, "duty") == 0 ? "带教人员" : "导师");
    }
    if (json_object_get(b, "banned_until"))
        printf("已清退，三年内不得重新申请；已通知本人及所在律师事务所\n");
}

static void s_show_done(json_t *b, void *arg)
{
    printf("%s\n", (const char *)arg ? (const char *)arg : "已完成");
}

static void s_show_members(json_t *b, void *arg)
{
    json_t *ms = json_object_get(b, "members");
    printf("共 %zu 人\n", json_array_size(ms));
    ctl_cell("执业证号", 20);
    ctl_cell("姓名", 10);
    ctl_cell("值班人员库", 16);
    ctl_cell("办案人员库", 16);
    printf("\n");
    size_t i;
    json_t *m;
    json_array_foreach(ms, i, m)
    {
        ctl_cell(s_str(m, "licence"), 20);
        ctl_cell(s_str(m, "name"), 10);
        char cell[2][64] = {"-", "-"};
        size_t k;
        json_t *p;
        json_array_foreach(json_object_get(m, "pools"), k, p)
        {
            int at = strcmp(s_str(p, "pool"), "duty") == 0 ? 0 : 1;
            snprintf(cell[at], sizeof cell[at], "%s%s%s%s", s_state_zh(s_str(p, "state")),
                     strcmp(s_str(p, "probation"), "serving") == 0 ? "·试用"
                     : strcmp(s_str(p, "probation"), "due") == 0   ? "·待考核"
                                                                   : "",
                     json_is_true(json_object_get(p, "cases_suspended")) ? "·停止办案" : "",
                     json_is_true(json_object_get(p, "exit_pending")) ? "·待退出" : "");
        }
        if (strcmp(s_str(m, "status"), "outside") == 0)
            snprintf(cell[0], sizeof cell[0], "库外（可直接安排）");
        ctl_cell(cell[0], 16);
        ctl_cell(cell[1], 16);
        printf("\n");
    }
}

static const char *s_status_zh(const char *status)
{
    static const char *const map[][2] = {
        {"active", "在库"},   {"suspended", "暂停"}, {"applicant", "申请中"},
        {"exited", "已退出"}, {"removed", "已清退"}, {"outside", "库外（可直接安排）"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(status, map[i][0]) == 0)
            return map[i][1];
    return status;
}

static void s_show_member(json_t *b, void *arg)
{
    printf("%s（%s）%s  %s\n", s_str(b, "name"), s_str(b, "licence"), s_str(b, "firm"),
           s_status_zh(s_str(b, "status")));
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(b, "pools"), i, p)
    {
        printf("  %s：%s", s_pool_zh(s_str(p, "pool")), s_state_zh(s_str(p, "state")));
        if (*s_str(p, "mentor"))
            printf("  导师/带教：%s", s_str(p, "mentor"));
        if (*s_str(p, "probation"))
            printf("  试用期：%s", s_str(p, "probation"));
        if (*s_str(p, "exit_kind"))
            printf("  退出方式：%s", s_str(p, "exit_kind"));
        printf("\n");
    }
    printf("  办理中的指派案件：%lld\n",
           (long long)json_integer_value(json_object_get(b, "open_cases")));
    printf("  记录：\n");
    json_array_foreach(json_object_get(b, "audit"), i, p)
    {
        printf("    %.19s  %-8s %s  %s%s%s  %s\n", s_str(p, "at"), s_str(p, "pool"),
               s_str(p, "action"), *s_str(p, "rule") ? "第" : "", s_str(p, "rule"),
               *s_str(p, "rule") ? "条" : "", s_str(p, "reason"));
        printf("      由 %s\n", s_str(p, "actor"));
    }
}

/* ---- the commands -------------------------------------------------------------- */

static int s_member(ctl_t *c, const char *command, const char *lawyer, const char *const *opts)
{
    if (lawyer && ctl_set_opt(c, "lawyer", lawyer) != 0)
        return CTL_USAGE;
    return ctl_run(c, "registry", command, opts, s_show_states, NULL);
}

int ctl_cmd_apply(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center",
                                       "lawyer",
                                       "pools",
                                       "name",
                                       "gender",
                                       "birth-date",
                                       "firm",
                                       "licensed-since",
                                       "qualified-since",
                                       "specialties",
                                       "phone",
                                       "email",
                                       "social",
                                       "endorsed-on",
                                       "round",
                                       "first-case-here",
                                       NULL};
    return s_call(c, "apply", opts, argc > 0 ? argv[0] : NULL, s_show_apply);
}

int ctl_cmd_application(ctl_t *c, int argc, char **argv)
{
    /* application approve|reject|record ID */
    if (ctl_set_opt(c, "id", argv[1]) != 0)
        return CTL_USAGE;
    static const char *const opts[] = {"center",      "id",     "pool", "reason",
                                       "endorsed-on", "bureau", "bar",  NULL};
    char command[32];
    if (strcmp(argv[0], "approve") != 0 && strcmp(argv[0], "reject") != 0 &&
        strcmp(argv[0], "record") != 0) {
        fprintf(stderr, "用法: fayuanctl application approve|reject|record 申请编号 ...\n");
        return CTL_USAGE;
    }
    snprintf(command, sizeof command, "application_%s", argv[0]);
    const char *msg = strcmp(argv[0], "approve") == 0
                          ? "已批准：须参加培训并通过考试后上岗（第十条）"
                      : strcmp(argv[0], "reject") == 0 ? "已驳回，已通知申请人"
                                                       : "已记录";
    return ctl_run(c, "registry", command, opts, s_show_done, (void *)msg);
}

int ctl_cmd_applications(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "state", NULL};
    return ctl_run(c, "registry", "applications", opts, s_show_applications, NULL);
}

int ctl_cmd_eligibility(ctl_t *c, int argc, char **argv)
{
    if (ctl_set_opt(c, "lawyer", argv[0]) != 0)
        return CTL_USAGE;
    static const char *const opts[] = {"center", "lawyer", NULL};
    return ctl_run(c, "registry", "eligibility", opts, s_show_check, NULL);
}

int ctl_cmd_penalty_add(ctl_t *c, int argc, char **argv)
{
    if (ctl_set_opt(c, "lawyer", argv[0]) != 0)
        return CTL_USAGE;
    static const char *const opts[] = {"center", "lawyer", "kind", "on", "note", NULL};
    return ctl_run(c, "registry", "penalty_add", opts, s_show_done, (void *)"已记录处分");
}

int ctl_cmd_train(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "lawyer", "pool", "on", "reason", NULL};
    return s_member(c, "member_train", argv[0], opts);
}

int ctl_cmd_exam(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "lawyer", "pool", "on", "result", NULL};
    return s_member(c, "member_exam", argv[0], opts);
}

int ctl_cmd_suspend(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "lawyer", "pool", "until", "rule", "reason", NULL};
    return s_member(c, "member_suspend", argv[0], opts);
}

int ctl_cmd_resume(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "lawyer", "pool", "reason", NULL};
    return s_member(c, "member_resume", argv[0], opts);
}

int ctl_cmd_rectify(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "lawyer", "pool", "result", "reason", NULL};
    return s_member(c, "member_rectify", argv[0], opts);
}

int ctl_cmd_exit(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "lawyer", "pool", "kind", "reason", NULL};
    return s_member(c, "member_exit", argv[0], opts);
}

int ctl_cmd_remove(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "lawyer", "rule", "reason", NULL};
    return s_member(c, "member_remove", argv[0], opts);
}

int ctl_cmd_probation(ctl_t *c, int argc, char **argv)
{
    /* probation pass|fail LICENCE */
    if (strcmp(argv[0], "pass") != 0 && strcmp(argv[0], "fail") != 0) {
        fprintf(stderr, "用法: fayuanctl probation pass|fail 执业证号 ...\n");
        return CTL_USAGE;
    }
    if (ctl_set_opt(c, "result", argv[0]) != 0)
        return CTL_USAGE;
    static const char *const opts[] = {"center", "lawyer", "result", "then",
                                       "months", "reason", NULL};
    if (ctl_set_opt(c, "lawyer", argv[1]) != 0)
        return CTL_USAGE;
    return ctl_run(c, "registry", "probation", opts, s_show_done,
                   (void *)(strcmp(argv[0], "pass") == 0 ? "试用期考核合格，已转为正式在库人员"
                                                         : "已记录试用期考核结果"));
}

static void s_show_confirmed(json_t *b, void *arg)
{
    printf("第 %s 轮集中更新：已确认 %lld 人继续在库；未确认者可用 members --unconfirmed %s 查看\n",
           s_str(b, "round"), (long long)json_integer_value(json_object_get(b, "confirmed")),
           s_str(b, "round"));
}

int ctl_cmd_mentor_assign(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "lawyer", "mentor", NULL};
    return s_member(c, "mentor_assign", argv[0], opts);
}

int ctl_cmd_round_confirm(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "round", NULL};
    return s_call(c, "round_confirm", opts, argv[0], s_show_confirmed);
}

int ctl_cmd_outside_add(ctl_t *c, int argc, char **argv)
{
    if (ctl_set_opt(c, "lawyer", argv[0]) != 0)
        return CTL_USAGE;
    static const char *const opts[] = {
        "center",         "lawyer",      "name",  "gender", "birth-date", "firm",
        "licensed-since", "specialties", "phone", "email",  NULL};
    return ctl_run(c, "registry", "outside_add", opts, s_show_done,
                   (void *)"已登记为库外本地律师，可直接安排值班或办案（第九条）");
}

int ctl_cmd_firm_set(ctl_t *c, int argc, char **argv)
{
    if (ctl_set_opt(c, "firm", argv[0]) != 0)
        return CTL_USAGE;
    static const char *const opts[] = {"center", "firm", "email", "phone", NULL};
    return ctl_run(c, "registry", "firm_set", opts, s_show_done,
                   (void *)"已保存律师事务所联系方式");
}

int ctl_cmd_members(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "pool", "state", "unconfirmed", NULL};
    return ctl_run(c, "registry", "members", opts, s_show_members, NULL);
}

int ctl_cmd_member(ctl_t *c, int argc, char **argv)
{
    if (ctl_set_opt(c, "lawyer", argv[0]) != 0)
        return CTL_USAGE;
    static const char *const opts[] = {"center", "lawyer", NULL};
    return ctl_run(c, "registry", "member", opts, s_show_member, NULL);
}

int ctl_cmd_export(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "pool", "format", "all", NULL};
    Fayuan__CtlReply *reply = ctl_call(c, "registry", "export", opts, NULL, 0);
    if (!reply)
        return CTL_NO_ANSWER;
    int rc = ctl_finish(c, reply);
    if (rc == CTL_OK) {
        const char *out = ctl_opt(c, "out");
        FILE *f = out ? fopen(out, "wb") : stdout;
        if (!f) {
            perror(out);
            rc = CTL_USAGE;
        } else {
            fwrite(reply->body.data, 1, reply->body.len, f);
            if (out) {
                fclose(f);
                fprintf(stderr, "已导出到 %s\n", out);
            }
        }
    }
    fayuan__ctl_reply__free_unpacked(reply, NULL);
    return rc;
}

static void s_show_published(json_t *b, void *arg)
{
    printf("已发布 %lld 年办案人员库名单，共 %lld 人；公众可在 /case-pool?year=%lld 查看\n",
           (long long)json_integer_value(json_object_get(b, "year")),
           (long long)json_integer_value(json_object_get(b, "members")),
           (long long)json_integer_value(json_object_get(b, "year")));
}

int ctl_cmd_list_publish(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "year", NULL};
    if (!ctl_opt(c, "year")) {
        fprintf(stderr, "用法: fayuanctl list publish --year 2026\n");
        return CTL_USAGE;
    }
    return ctl_run(c, "registry", "list_publish", opts, s_show_published, NULL);
}
