/* notify_render — see notify_render.h. */
#include "notify_render.h"

#include "fayuan/timeutil.h"

#include <stdbool.h>
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

const char *notify_pool_zh(const char *pool)
{
    if (!pool || !*pool)
        return "法律援助人员资源库";
    if (strcmp(pool, "duty") == 0)
        return "值班人员库";
    if (strcmp(pool, "case") == 0)
        return "办案人员库";
    return pool;
}

/* Length of the run of ASCII digits that starts s[0..n). */
static size_t s_digits(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && s[k] >= '0' && s[k] <= '9')
        k++;
    return k;
}

const char *notify_rule_zh(const char *rule, char *buf, size_t len)
{
    if (len == 0)
        return buf;
    buf[0] = '\0';
    size_t used = 0;
    const char *p = rule ? rule : "";
    while (*p) {
        size_t n = strcspn(p, "/");
        const char *next = p + n;
        while (n > 0 && *p == ' ')
            p++, n--;
        while (n > 0 && p[n - 1] == ' ')
            n--;
        if (n > 0) {
            /* "N" or "N(M)", N and M of 1..4 digits; anything else as given. */
            size_t a = s_digits(p, n), b = 0;
            bool item = a > 0 && a <= 4 && a < n && p[a] == '(' && p[n - 1] == ')' &&
                        (b = s_digits(p + a + 1, n - a - 2)) == n - a - 2 && b > 0 && b <= 4;
            const char *sep = used ? "、" : "";
            int w;
            if (item)
                w = snprintf(buf + used, len - used, "%s第%.*s条第%.*s项", sep, (int)a, p, (int)b,
                             p + a + 1);
            else if (a == n && a <= 4)
                w = snprintf(buf + used, len - used, "%s第%.*s条", sep, (int)a, p);
            else
                w = snprintf(buf + used, len - used, "%s%.*s", sep, (int)n, p);
            if (w < 0 || (size_t)w >= len - used) {
                buf[used] = '\0'; /* cut at the last whole part */
                break;
            }
            used += (size_t)w;
        }
        p = *next == '/' ? next + 1 : next;
    }
    return buf;
}

const char *notify_date_zh(int64_t us, int offset_min, char *buf, size_t len)
{
    if (len == 0)
        return buf;
    buf[0] = '\0';
    if (us <= 0)
        return buf;
    int y, m, d;
    time_local(us, offset_min, &y, &m, &d, NULL);
    snprintf(buf, len, "%d年%d月%d日", y, m, d);
    return buf;
}
