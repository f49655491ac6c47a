/* notify_message — see notify_message.h. */
#include "notify_message.h"
#include "notify_render.h"

#include "fayuan/points.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* A copy of a reason without trailing blanks and full stops. */
static char *s_reason(const char *reason)
{
    size_t n = strlen(reason);
    for (;;) {
        if (n >= 3 && memcmp(reason + n - 3, "。", 3) == 0)
            n -= 3;
        else if (n >= 1 && (reason[n - 1] == '.' || reason[n - 1] == ' ' || reason[n - 1] == '\n' ||
                            reason[n - 1] == '\t'))
            n--;
        else
            break;
    }
    return strndup(reason, n);
}

char *notify_message_render(const char *tpl, const char *vars_json, const char *defaults_json,
                            const notify_message_ctx_t *ctx)
{
    json_t *vars = json_loads(vars_json ? vars_json : "{}", 0, NULL);
    json_t *defs = defaults_json && *defaults_json ? json_loads(defaults_json, 0, NULL) : NULL;
    char quarter[32], points[32], position[24], ranked[24], rule[256], until[48];
    notify_quarter_zh(s_str(vars, "quarter"), quarter, sizeof quarter);
    points_format(json_integer_value(json_object_get(vars, "points_centi")), points, sizeof points);
    snprintf(position, sizeof position, "%lld",
             (long long)json_integer_value(json_object_get(vars, "position")));
    snprintf(ranked, sizeof ranked, "%lld",
             (long long)json_integer_value(json_object_get(vars, "ranked")));
    static const struct {
        const char *en, *zh;
    } tiers[] = {{"green", "绿色"}, {"blue", "蓝色"}, {"red", "红色"}};
    const char *old_tier = s_str(vars, "old_tier"), *new_tier = s_str(vars, "new_tier");
    for (size_t i = 0; i < sizeof tiers / sizeof tiers[0]; i++) {
        if (strcmp(old_tier, tiers[i].en) == 0)
            old_tier = tiers[i].zh;
        if (strcmp(new_tier, tiers[i].en) == 0)
            new_tier = tiers[i].zh;
    }
    const char *name = s_str(vars, "name");
    if (!*name)
        name = ctx->name && *ctx->name ? ctx->name : ctx->licence;
    char *reason = s_reason(s_str(vars, "reason"));
    notify_var_t table[] = {
        {"name", name},
        {"licence", ctx->licence},
        {"center_name", ctx->center_name},
        {"quarter", quarter},
        {"points", points},
        {"position", position},
        {"ranked", ranked},
        {"old_tier", old_tier},
        {"new_tier", new_tier},
        {"pool", notify_pool_zh(s_str(vars, "pool"))},
        {"rule", notify_rule_zh(s_str(vars, "rule"), rule, sizeof rule)},
        {"reason", reason},
        {"until", notify_date_zh(json_integer_value(json_object_get(vars, "until")),
                                 ctx->utc_offset, until, sizeof until)},
        {"other", s_str(vars, "other")},
        {"firm", s_str(vars, "firm")},
    };
    size_t n = sizeof table / sizeof table[0];
    for (size_t i = 0; i < n; i++) {
        if (!table[i].value || !*table[i].value)
            table[i].value = s_str(defs, table[i].key);
    }
    char *out = reason ? notify_render(tpl, table, n) : NULL;
    free(reason);
    json_decref(vars);
    json_decref(defs);
    return out;
}
