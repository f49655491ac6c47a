/* log — see include/fayuan/log.h. One process-wide sink; the only mutable
 * state is the service name and level, set once at start (and on SIGHUP). */
#include "fayuan/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static struct {
    char service[32];
    log_level_t level;
} s_log = {"fayuan", LOG_INFO};

static const char *const s_names[] = {"error", "warn", "info", "debug"};

void log_init(const char *service)
{
    snprintf(s_log.service, sizeof s_log.service, "%s", service);
}

void log_set_level(log_level_t level)
{
    s_log.level = level;
}

int log_level_parse(const char *name)
{
    for (size_t i = 0; i < sizeof s_names / sizeof s_names[0]; i++)
        if (strcasecmp(name, s_names[i]) == 0)
            return (int)i;
    return -1;
}

int log_enabled(log_level_t level)
{
    return level <= s_log.level;
}

void log_write(log_level_t level, const char *fmt, ...)
{
    if (!log_enabled(level))
        return;
    char line[2048];
    int n = snprintf(line, sizeof line, "%s [%s] ", s_names[level], s_log.service);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    /* One write per record so lines from a burst never interleave. */
    fprintf(stderr, "%s\n", line);
}

const char *log_mask(const char *s, char *buf, size_t len)
{
    if (len == 0)
        return buf;
    if (s == NULL) {
        snprintf(buf, len, "(null)");
        return buf;
    }
    size_t n = strlen(s);
    size_t out = 0;
    for (size_t i = 0; i < n && out + 1 < len; i++) {
        int keep = n > 6 && (i < 3 || i >= n - 2);
        buf[out++] = keep ? s[i] : '*';
    }
    buf[out] = '\0';
    return buf;
}
