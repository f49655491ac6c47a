/* cmd_registry — fayuanctl commands answered by registryd. */
#include "ctl.h"

#include <stdio.h>
#include <stdlib.h>

static void s_show_import(json_t *body, void *arg)
{
    printf(
        "导入成功：共 %lld 条，新增 %lld，更新 %lld，无变化 %lld；新入库 %lld 个资源库成员身份\n",
        (long long)json_integer_value(json_object_get(body, "rows")),
        (long long)json_integer_value(json_object_get(body, "created")),
        (long long)json_integer_value(json_object_get(body, "updated")),
        (long long)json_integer_value(json_object_get(body, "unchanged")),
        (long long)json_integer_value(json_object_get(body, "memberships_added")));
}

int ctl_cmd_import_lawyers(ctl_t *c, int argc, char **argv)
{
    static const char *const opts[] = {"center", NULL};
    return ctl_run_file(c, "registry", "import_lawyers", opts, argv[0], s_show_import, NULL);
}
