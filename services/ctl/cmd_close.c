/* cmd_close — fayuanctl commands for quarter close, frozen lists and the
 * red-list sanctions, answered by scored (services/score/score_close.c). */
#include "ctl.h"

#include "fayuan/timeutil.h"

#include <stdio.h>
#include <string.h>

/* "2026年第3季度" for "2026Q3" (the label itself when it is not one). */
static const char *s_quarter_zh(const char *label, char *buf, size_t len)
{
    int y, q;
    if (!label || time_quarter_parse(label, &y, &q) != 0)
        return label ? label : "";
    snprintf(buf, len, "%d年第%d季度", y, q);
    return buf;
}

static void s_show_closed(json_t *body, void *arg)
{
    const char *quarter = json_string_value(json_object_get(body, "quarter"));
    char qz[32];
    printf("已结算：中心 %s %s\n", json_string_value(json_object_get(body, "center")),
           s_quarter_zh(quarter, qz, sizeof qz));
    printf("参与排名 %lld 人：绿色 %lld 人，蓝色 %lld 人，红色 %lld 人。\n",
           (long long)json_integer_value(json_object_get(body, "ranked")),
           (long long)json_integer_value(json_object_get(body, "green")),
           (long long)json_integer_value(json_object_get(body, "blue")),
           (long long)json_integer_value(json_object_get(body, "red")));
    printf("季末清单已冻结，此后到达的该季度记录计入当前季度。\n"
           "查看清单：fayuanctl tiers --quarter %s；红名单处理：fayuanctl sanctions\n",
           quarter ? quarter : "");
}

int ctl_cmd_quarter_close(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "quarter", NULL};
    if (ctl_set_opt(c, "quarter", argv[0]) != 0)
        return CTL_USAGE;
    return ctl_run(c, "score", "quarter_close", opts, s_show_closed, NULL);
}

int ctl_cmd_tiers(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "quarter", NULL};
    if (!ctl_opt(c, "quarter")) {
        fprintf(stderr, "请指定季度：fayuanctl tiers --quarter 2026Q3\n");
        return CTL_USAGE;
    }
    return ctl_run(c, "score", "tiers", opts, ctl_show_ranking, NULL);
}

static const struct {
    const char *name, *zh;
} s_kinds[] = {{"suspend_all", "暂停值班和办案一个月"},
               {"suspend_cases", "暂停指派案件（值班照常）"},
               {"remove", "清退出库（三年内不得再申请）"}},
  s_statuses[] = {
      {"ordered", "已暂停，责令整改中"},
      {"rectified", "已整改，待观察恢复后首个季度"},
      {"refused", "拒不整改，已转清退"},
      {"cleared", "处理结束"},
      {"reoffended", "恢复后首个季度再次列红色，已转清退"},
      {"due", "待名册服务执行"},
};

static const char *s_zh(const char *name, int which)
{
    size_t n =
        which == 0 ? sizeof s_kinds / sizeof s_kinds[0] : sizeof s_statuses / sizeof s_statuses[0];
    for (size_t i = 0; name && i < n; i++) {
        if (which == 0 && strcmp(s_kinds[i].name, name) == 0)
            return s_kinds[i].zh;
        if (which == 1 && strcmp(s_statuses[i].name, name) == 0)
            return s_statuses[i].zh;
    }
    return name ? name : "";
}

/* "第13条、第28条" for the rule "13/28". */
static const char *s_rule_zh(const char *rule, char *buf, size_t len)
{
    size_t n = 0;
    const char *p = rule ? rule : "";
    buf[0] = '\0';
    while (*p) {
        size_t k = strcspn(p, "/");
        int w = snprintf(buf + n, len - n, "%s第%.*s条", n ? "、" : "", (int)k, p);
        if (w < 0 || (size_t)w >= len - n)
            break; /* truncated: what fits is printed */
        n += (size_t)w;
        p += k;
        if (*p == '/')
            p++;
    }
    return buf;
}

/* "2026-11-26" of an RFC 3339 string (its first ten characters). */
static const char *s_date(const json_t *v, char *buf, size_t len)
{
    const char *s = json_string_value(v);
    snprintf(buf, len, "%.10s", s ? s : "");
    return buf;
}

static void s_print_records(const json_t *records)
{
    size_t i;
    json_t *r;
    printf("    依据：");
    json_array_foreach(records, i, r)
    {
        if (i > 0)
            printf("；");
        if (json_object_get(r, "sanction")) {
            printf("处理 #%lld（%s）",
                   (long long)json_integer_value(json_object_get(r, "sanction")),
                   s_zh(json_string_value(json_object_get(r, "status")), 1));
        } else {
            char qz[32];
            printf("%s 季末清单第 %lld/%lld 名，%s",
                   s_quarter_zh(json_string_value(json_object_get(r, "quarter")), qz, sizeof qz),
                   (long long)json_integer_value(json_object_get(r, "position")),
                   (long long)json_integer_value(json_object_get(r, "ranked")),
                   ctl_tier_zh(json_string_value(json_object_get(r, "tier"))));
        }
    }
    printf("\n");
}

static void s_print_sanctions(json_t *body)
{
    json_t *list = json_object_get(body, "sanctions");
    printf("中心 %s 红名单处理记录（第13条、第28条）  共 %zu 条\n",
           json_string_value(json_object_get(body, "center")), json_array_size(list));
    size_t i;
    json_t *sn;
    json_array_foreach(list, i, sn)
    {
        char id[24], d0[16], d1[16];
        snprintf(id, sizeof id, "#%lld", (long long)json_integer_value(json_object_get(sn, "id")));
        ctl_cell(id, 6);
        ctl_cell(json_string_value(json_object_get(sn, "lawyer")), 20);
        ctl_cell(json_string_value(json_object_get(sn, "name")), 10);
        char rule[64];
        printf("%s（%s）  %s", s_zh(json_string_value(json_object_get(sn, "kind")), 0),
               s_rule_zh(json_string_value(json_object_get(sn, "rule")), rule, sizeof rule),
               s_zh(json_string_value(json_object_get(sn, "status")), 1));
        if (json_is_string(json_object_get(sn, "until")))
            printf("  %s 至 %s", s_date(json_object_get(sn, "starts_at"), d0, sizeof d0),
                   s_date(json_object_get(sn, "until"), d1, sizeof d1));
        else
            printf("  %s 起", s_date(json_object_get(sn, "starts_at"), d0, sizeof d0));
        printf("\n    原因：%s\n", json_string_value(json_object_get(sn, "reason")));
        s_print_records(json_object_get(sn, "records"));
    }
    if (json_array_size(list) > 0)
        printf("处理由名册服务执行；暂停中的律师整改后请记录：fayuanctl sanction rectified|refused "
               "编号\n");
}

static void s_show_sanctions(json_t *body, void *arg)
{
    s_print_sanctions(body);
}

int ctl_cmd_sanctions(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", NULL};
    return ctl_run(c, "score", "sanctions", opts, s_show_sanctions, NULL);
}

static void s_show_decided(json_t *body, void *arg)
{
    const char *decision = arg;
    long long sid = (long long)json_integer_value(json_object_get(body, "id"));
    const char *lawyer = json_string_value(json_object_get(body, "lawyer"));
    json_t *removal = json_object_get(body, "removal");
    if (strcmp(decision, "refused") == 0 && json_is_integer(removal))
        printf("已记录：处理 #%lld（律师 %s）拒不整改。\n已生成清退处理 #%lld（第28条，三年内不得"
               "再申请加入），由名册服务执行。\n",
               sid, lawyer ? lawyer : "", (long long)json_integer_value(removal));
    else if (strcmp(decision, "refused") == 0)
        printf("已记录：处理 #%lld（律师 %s）拒不整改。该律师已有待执行的清退处理。\n", sid,
               lawyer ? lawyer : "");
    else
        printf("已记录：处理 #%lld（律师 %s）已整改。当前状态：%s\n", sid, lawyer ? lawyer : "",
               s_zh(json_string_value(json_object_get(body, "status")), 1));
}

static int s_decide(ctl_t *c, const char *id, const char *decision)
{
    static const char *const opts[] = {"center", "id", "decision", NULL};
    if (ctl_set_opt(c, "id", id) != 0 || ctl_set_opt(c, "decision", decision) != 0)
        return CTL_USAGE;
    return ctl_run(c, "score", "sanction_decide", opts, s_show_decided, (void *)decision);
}

int ctl_cmd_sanction_rectified(ctl_t *c, int argc, char **argv)
{
    return s_decide(c, argv[0], "rectified");
}

int ctl_cmd_sanction_refused(ctl_t *c, int argc, char **argv)
{
    return s_decide(c, argv[0], "refused");
}
