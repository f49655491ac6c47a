/* cmd_case — fayuanctl commands about cases, answered by assignd: direct
 * assignment by the center (clause 21), withdrawal, and the list of cases
 * (who has which case open). */
#include "ctl.h"

#include <stdio.h>
#include <string.h>

static const char *s_str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static const char *s_how_zh(const char *how)
{
    if (strcmp(how, "direct") == 0)
        return "直接指派";
    if (strcmp(how, "rotation") == 0)
        return "轮候";
    if (strcmp(how, "choice") == 0)
        return "当事人选择";
    return how;
}

static void s_show_assigned(json_t *b, void *arg)
{
    printf("案件 %s 已指派给 %s（%s）", s_str(b, "case_no"), s_str(b, "name"), s_str(b, "lawyer"));
    if (json_is_true(json_object_get(b, "outside")))
        printf("，人员库外律师，由中心直接指派（第九条）");
    if (*s_str(b, "mentor"))
        printf("，带教律师 %s（%s）", s_str(b, "mentor_name"), s_str(b, "mentor"));
    printf("\n");
    if (strcmp(s_str(b, "status"), "closed") == 0)
        printf("案件系统此前已报告该案于 %s 办结，已同时记为办结\n", s_str(b, "finished_at"));
}

int ctl_cmd_case_assign(ctl_t *c, int argc, char **argv)
{
    if (!ctl_opt(c, "lawyer")) {
        fprintf(stderr, "请用 --lawyer 给出律师执业证号\n");
        return CTL_USAGE;
    }
    if (ctl_set_opt(c, "case", argv[0]) != 0)
        return CTL_USAGE;
    static const char *const opts[] = {"center", "case", "lawyer", "note", NULL};
    return ctl_run(c, "assign", "case_assign", opts, s_show_assigned, NULL);
}

static void s_show_finished(json_t *b, void *arg)
{
    printf("案件 %s 已撤回（原承办律师 %s（%s））\n", s_str(b, "case_no"), s_str(b, "name"),
           s_str(b, "lawyer"));
}

int ctl_cmd_case_finish(ctl_t *c, int argc, char **argv)
{
    if (ctl_set_opt(c, "case", argv[0]) != 0)
        return CTL_USAGE;
    static const char *const opts[] = {"center", "case", "how", "note", NULL};
    return ctl_run(c, "assign", "case_finish", opts, s_show_finished, NULL);
}

static void s_show_cases(json_t *b, void *arg)
{
    json_t *cases = json_object_get(b, "cases");
    if (json_array_size(cases) == 0) {
        printf("没有案件\n");
        return;
    }
    ctl_cell("案件编号", 32);
    ctl_cell("律师", 10);
    ctl_cell("执业证号", 20);
    ctl_cell("方式", 10);
    ctl_cell("指派时间", 27);
    printf("状态\n");
    size_t i;
    json_t *k;
    json_array_foreach(cases, i, k)
    {
        ctl_cell(s_str(k, "case_no"), 32);
        ctl_cell(s_str(k, "name"), 10);
        ctl_cell(s_str(k, "lawyer"), 20);
        ctl_cell(s_how_zh(s_str(k, "how")), 10);
        ctl_cell(s_str(k, "assigned_at"), 27);
        const char *status = s_str(k, "status");
        if (strcmp(status, "open") == 0)
            printf("办理中\n");
        else
            printf("%s %s\n", strcmp(status, "closed") == 0 ? "已办结" : "已撤回",
                   s_str(k, "finished_at"));
    }
    if (json_is_true(json_object_get(b, "truncated")))
        printf("（只列出最近 %zu 件）\n", json_array_size(cases));
}

int ctl_cmd_cases(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "lawyer", "open", NULL};
    return ctl_run(c, "assign", "cases", opts, s_show_cases, NULL);
}
