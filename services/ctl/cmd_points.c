/* cmd_points — fayuanctl commands about a lawyer's points, answered by
 * scored: the entries behind a total, records waiting for their lawyer,
 * and Annex 2 deductions. */
#include "ctl.h"

#include <stdio.h>
#include <string.h>

/* The score service's answers, shown for staff (ctl_run). */
static int s_run(ctl_t *c, const char *command, const char *const *opts,
                 void (*show)(json_t *body, void *arg))
{
    return ctl_run(c, "score", command, opts, show, NULL);
}

static void s_show_explain(json_t *b, void *arg)
{
    char pts[32];
    printf("%s（%s）%s 积分明细，合计 %s 分\n", json_string_value(json_object_get(b, "name")),
           json_string_value(json_object_get(b, "lawyer")),
           json_string_value(json_object_get(b, "quarter")),
           ctl_points(json_object_get(b, "points"), pts, sizeof pts));
    ctl_cell("编号", 8);
    ctl_cell("项目", 8);
    ctl_cell("分值", 8);
    ctl_cell("发生时间", 27);
    ctl_cell("来源", 40);
    printf("说明\n");
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(b, "entries"), i, e)
    {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(e, "id")));
        const char *note = json_string_value(json_object_get(e, "note"));
        const char *eq = json_string_value(json_object_get(e, "effective_quarter"));
        const char *q = json_string_value(json_object_get(e, "quarter"));
        ctl_cell(id, 8);
        ctl_cell(json_string_value(json_object_get(e, "rule_code")), 8);
        ctl_cell(ctl_points(json_object_get(e, "points"), pts, sizeof pts), 8);
        ctl_cell(json_string_value(json_object_get(e, "occurred_at")), 27);
        ctl_cell(json_string_value(json_object_get(e, "source")), 40);
        printf("%s%s%s%s\n", json_string_value(json_object_get(e, "description")),
               note && *note ? "；" : "", note ? note : "",
               eq && q && strcmp(eq, q) != 0 ? "（所属季度已结算，计入本季度）" : "");
    }
}

int ctl_cmd_points_explain(ctl_t *c, int argc, char **argv)
{
    if (ctl_set_opt(c, "lawyer", argv[0]) != 0)
        return CTL_USAGE;
    static const char *const opts[] = {"center", "lawyer", "quarter", NULL};
    return s_run(c, "explain", opts, s_show_explain);
}

static void s_show_unmatched(json_t *b, void *arg)
{
    json_t *recs = json_object_get(b, "records");
    if (json_array_size(recs) == 0) {
        printf("没有待匹配的记录\n");
        return;
    }
    printf("以下 %zu 条记录的律师尚未登记，登记后将自动计分：\n", json_array_size(recs));
    size_t i;
    json_t *r;
    json_array_foreach(recs, i, r)
    {
        ctl_cell(json_string_value(json_object_get(r, "at")), 27);
        ctl_cell(json_string_value(json_object_get(r, "lawyer")), 20);
        ctl_cell(json_string_value(json_object_get(r, "rule_code")), 6);
        ctl_cell(json_string_value(json_object_get(r, "case")), 30);
        printf("%s\n", json_string_value(json_object_get(r, "external_id")));
    }
}

int ctl_cmd_feed_unmatched(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", NULL};
    return s_run(c, "unmatched", opts, s_show_unmatched);
}

static void s_show_deduction(json_t *b, void *arg)
{
    const char *status = json_string_value(json_object_get(b, "status"));
    long long id = (long long)json_integer_value(json_object_get(b, "id"));
    if (strcmp(status, "reported") == 0)
        printf("已登记扣分 %lld（待核实，核实后计分：fayuanctl deduction verify %lld）\n", id, id);
    else if (strcmp(status, "counted") == 0)
        printf("扣分 %lld 已计入积分\n", id);
    else
        printf("扣分 %lld 已撤销\n", id);
}

int ctl_cmd_deduct(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "lawyer", "code", "at", "note", "points", NULL};
    return s_run(c, "deduct", opts, s_show_deduction);
}

static int s_decide(ctl_t *c, const char *id, const char *decision)
{
    if (ctl_set_opt(c, "id", id) != 0 || ctl_set_opt(c, "decision", decision) != 0)
        return CTL_USAGE;
    static const char *const opts[] = {"center", "id", "decision", "reason", NULL};
    return s_run(c, "deduction_decide", opts, s_show_deduction);
}

int ctl_cmd_deduction_verify(ctl_t *c, int argc, char **argv)
{
    return s_decide(c, argv[0], "verify");
}

int ctl_cmd_deduction_reverse(ctl_t *c, int argc, char **argv)
{
    return s_decide(c, argv[0], "reverse");
}
