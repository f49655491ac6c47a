/* notify_render — see notify_render.h. */
#include "notify_render.h"

#include "fayuan/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *notify_render(const char *tpl, const notify_var_t *vars, size_t nvars)
{
    size_t cap = strlen(tpl) + 64, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (const char *p = tpl; *p;) {
        const char *value = NULL;
        size_t skip = 1;
        if (*p == '{') {
            const char *end = strchr(p + 1, '}');
            for (size_t i = 0; end && i < nvars; i++) {
                size_t klen = strlen(vars[i].key);
                if ((size_t)(end - p - 1) == klen && strncmp(p + 1, vars[i].key, klen) == 0) {
                    value = vars[i].value ? vars[i].value : "";
                    skip = klen + 2;
                    break;
                }
            }
        }
        size_t add = value ? strlen(value) : 1;
        if (len + add + 1 > cap) {
            while (len + add + 1 > cap)
                cap *= 2;
            char *grown = realloc(out, cap);
            if (!grown) {
                free(out);
                return NULL;
            }
            out = grown;
        }
        if (value)
            memcpy(out + len, value, add);
        else
            out[len] = *p;
        len += add;
        p += skip;
    }
    out[len] = '\0';
    return out;
}

const char *notify_quarter_zh(const char *quarter, char *buf, size_t len)
{
    int y, q;
    /* Only a whole, valid quarter is translated; anything else ("2026Q12",
     * "2026Q4x") is shown as given rather than half-read as another quarter. */
    if (time_quarter_parse(quarter, &y, &q) == 0)
        snprintf(buf, len, "%d年第%d季度", y, q);
    else
        snprintf(buf, len, "%s", quarter);
    return buf;
}
