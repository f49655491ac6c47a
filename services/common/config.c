/* config — see include/fayuan/config.h. Loading is two-phase: the file and
 * environment are read into a staging array of strings first, validated as a
 * whole, and only then written to the targets, so a bad file changes nothing. */
#include "fayuan/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    const cf_row_t *rows;
    size_t nrows;
    const char *const *strict;
    char **staged; /* one value per row, owned */
    char *err;
    size_t errlen;
    bool failed;
} s_load_t;

static bool s_section_strict(const s_load_t *ld, const char *section)
{
    for (const char *const *s = ld->strict; s && *s; s++)
        if (strcmp(*s, section) == 0)
            return true;
    return false;
}

static int s_on_pair(void *user, const char *section, const char *key, const char *value)
{
    s_load_t *ld = user;
    for (size_t i = 0; i < ld->nrows; i++) {
        if (strcmp(ld->rows[i].section, section) == 0 && strcmp(ld->rows[i].key, key) == 0) {
            free(ld->staged[i]);
            ld->staged[i] = strdup(value);
            return 1;
        }
    }
    /* Sections this daemon does not read belong to other daemons. */
    if (s_section_strict(ld, section) && !ld->failed) {
        snprintf(ld->err, ld->errlen, "unknown key [%s] %s", section, key);
        ld->failed = true;
    }
    return 1;
}

static void s_env_name(const cf_row_t *row, char *buf, size_t len)
{
    snprintf(buf, len, "FAYUAN_%s_%s", row->section, row->key);
    for (char *p = buf; *p; p++)
        *p = (char)toupper((unsigned char)*p);
}

static int s_parse_int(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

static int s_parse_bool(const char *s, bool *out)
{
    if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on") || !strcmp(s, "1"))
        *out = true;
    else if (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off") ||
             !strcmp(s, "0"))
        *out = false;
    else
        return -1;
    return 0;
}

int config_load(const char *path, const cf_row_t *rows, size_t nrows,
                const char *const *strict_sections, bool reload, char *err, size_t errlen)
{
    int rc = -1;
    s_load_t ld = {rows,   nrows, strict_sections, calloc(nrows ? nrows : 1, sizeof(char *)), err,
                   errlen, false};
    if (!ld.staged) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (path) {
        int r = ini_parse(path, s_on_pair, &ld);
        if (r < 0) {
            snprintf(err, errlen, "%s: cannot open", path);
            goto out;
        }
        if (r > 0) {
            snprintf(err, errlen, "%s: line %d: syntax error", path, r);
            goto out;
        }
        if (ld.failed) {
            char tmp[256];
            snprintf(tmp, sizeof tmp, "%s", err);
            snprintf(err, errlen, "%s: %s", path, tmp);
            goto out;
        }
    }
    for (size_t i = 0; i < nrows; i++) {
        char env[128];
        s_env_name(&rows[i], env, sizeof env);
        const char *v = getenv(env);
        if (v) {
            free(ld.staged[i]);
            ld.staged[i] = strdup(v);
        }
        if (!ld.staged[i] && rows[i].def)
            ld.staged[i] = strdup(rows[i].def);
        if (!ld.staged[i]) {
            snprintf(err, errlen, "[%s] %s is required (or %s)", rows[i].section, rows[i].key, env);
            goto out;
        }
    }
    /* Validate everything before writing anything. */
    for (size_t i = 0; i < nrows; i++) {
        const cf_row_t *row = &rows[i];
        long l;
        bool b;
        if (row->type == CF_INT) {
            if (s_parse_int(ld.staged[i], &l) || l < INT_MIN || l > INT_MAX ||
                (row->min < row->max && (l < row->min || l > row->max))) {
                snprintf(err, errlen, "[%s] %s = '%s': expected a whole number%s", row->section,
                         row->key, ld.staged[i], row->min < row->max ? " in range" : "");
                goto out;
            }
        } else if (row->type == CF_BOOL && s_parse_bool(ld.staged[i], &b)) {
            snprintf(err, errlen, "[%s] %s = '%s': expected true or false", row->section, row->key,
                     ld.staged[i]);
            goto out;
        }
    }
    for (size_t i = 0; i < nrows; i++) {
        const cf_row_t *row = &rows[i];
        if (reload && !row->reloadable)
            continue;
        long l = 0;
        bool b = false;
        switch (row->type) {
        case CF_STR:
            free(*(char **)row->target);
            *(char **)row->target = ld.staged[i];
            ld.staged[i] = NULL;
            break;
        case CF_INT:
            (void)s_parse_int(ld.staged[i], &l);
            *(int *)row->target = (int)l;
            break;
        case CF_BOOL:
            (void)s_parse_bool(ld.staged[i], &b);
            *(bool *)row->target = b;
            break;
        }
    }
    rc = 0;
out:
    for (size_t i = 0; i < nrows; i++)
        free(ld.staged[i]);
    free(ld.staged);
    return rc;
}

void config_free(const cf_row_t *rows, size_t nrows)
{
    for (size_t i = 0; i < nrows; i++) {
        if (rows[i].type == CF_STR) {
            free(*(char **)rows[i].target);
            *(char **)rows[i].target = NULL;
        }
    }
}

const char *config_default_path(const char *from_args)
{
    if (from_args)
        return from_args;
    const char *env = getenv("FAYUAN_CONF");
    return env && *env ? env : "/etc/fayuan/fayuan.conf";
}
