/* cmd_score — fayuanctl commands answered by scored. */
#include "ctl.h"

#include "fayuan/timeutil.h"

#include <stdio.h>
#include <string.h>

/* A ranking (standings or a frozen list) as a table for staff; see ctl.h. */
void ctl_print_ranking(json_t *body)
{
    int y = 0, q = 0;
    if (time_quarter_parse(json_string_value(json_object_get(body, "quarter")), &y, &q) != 0)
        y = q = 0;
    json_t *members = json_object_get(body, "members");
    printf("中心 %s  %d年第%d季度积分排名（%s）  共 %zu 人\n",
           json_string_value(json_object_get(body, "center")), y, q,
           json_is_true(json_object_get(body, "final")) ? "季末清单" : "实时，季末确定",
           json_array_size(members));
    ctl_cell("排名", 6);
    ctl_cell("执业证号", 20);
    ctl_cell("姓名", 10);
    ctl_cell("积分", 8);
    printf("等级\n");
    size_t i;
    json_t *m;
    json_array_foreach(members, i, m)
    {
        char pos[16], pts[32];
        snprintf(pos, sizeof pos, "%lld",
                 (long long)json_integer_value(json_object_get(m, "position")));
        ctl_cell(pos, 6);
        ctl_cell(json_string_value(json_object_get(m, "licence")), 20);
        ctl_cell(json_string_value(json_object_get(m, "name")), 10);
        ctl_cell(ctl_points(json_object_get(m, "points"), pts, sizeof pts), 8);
        printf("%s\n", ctl_tier_zh(json_string_value(json_object_get(m, "tier"))));
    }
}

void ctl_show_ranking(json_t *body, void *arg)
{
    ctl_print_ranking(body);
}

int ctl_cmd_standings(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", "quarter", NULL};
    return ctl_run(c, "score", "standings", opts, ctl_show_ranking, NULL);
}

int ctl_cmd_stats(ctl_t *c, int argc, char **argv)
{
    Fayuan__CtlReply *reply = ctl_call(c, "score", "stats", NULL, NULL, 0);
    if (!reply)
        return CTL_NO_ANSWER;
    int rc = ctl_finish(c, reply);
    if (rc == CTL_OK)
        ctl_print_body(reply);
    fayuan__ctl_reply__free_unpacked(reply, NULL);
    return rc;
}
