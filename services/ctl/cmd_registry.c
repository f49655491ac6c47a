/* cmd_registry — fayuanctl commands answered by registryd. */
#include "ctl.h"

#include <stdio.h>
#include <stdlib.h>

#define MAX_FILE (8 * 1024 * 1024)

int ctl_cmd_import_lawyers(ctl_t *c, int argc, char **argv)
{
    size_t len;
    char *text = ctl_read_file(argv[0], MAX_FILE, &len);
    if (!text)
        return CTL_USAGE;
    static const char *const opts[] = {"center", NULL};
    Fayuan__CtlReply *reply = ctl_call(c, "registry", "import_lawyers", opts, text, len);
    free(text);
    if (!reply)
        return CTL_NO_ANSWER;
    int rc = ctl_finish(c, reply);
    json_t *body = ctl_body(reply);
    if (c->json && rc == CTL_OK) {
        ctl_print_body(reply);
    } else if (rc == CTL_OK) {
        printf("导入成功：共 %lld 条，新增 %lld，更新 %lld，无变化 %lld\n",
               (long long)json_integer_value(json_object_get(body, "rows")),
               (long long)json_integer_value(json_object_get(body, "created")),
               (long long)json_integer_value(json_object_get(body, "updated")),
               (long long)json_integer_value(json_object_get(body, "unchanged")));
    } else if (!c->json) {
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(body, "errors"), i, e)
        {
            const char *field = json_string_value(json_object_get(e, "field"));
            fprintf(stderr, "  第 %lld 行%s%s：%s\n",
                    (long long)json_integer_value(json_object_get(e, "line")), field ? " " : "",
                    field ? field : "", json_string_value(json_object_get(e, "message")));
        }
    }
    json_decref(body);
    fayuan__ctl_reply__free_unpacked(reply, NULL);
    return rc;
}
