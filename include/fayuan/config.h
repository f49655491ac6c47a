/* config — one INI file for the whole stack, read with inih. Each daemon
 * describes the keys it reads as a table of rows (section, key, type, target,
 * default, reloadable); every key can be overridden by the environment as
 * FAYUAN_<SECTION>_<KEY> (upper case), e.g. FAYUAN_GATEWAY_HTTP_PORT.
 * Unknown keys in a strict section (the daemon's own section and the common
 * ones) are an error, so a misspelt setting never passes silently; other
 * sections belong to other daemons and only their listed keys are read. */
#ifndef FAYUAN_CONFIG_H
#define FAYUAN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { CF_STR, CF_INT, CF_BOOL } cf_type_t;

typedef struct {
    const char *section;
    const char *key;
    cf_type_t type;
    void *target;    /* char ** (owned, strdup'ed) | int * | bool * */
    const char *def; /* default as text; NULL = required */
    bool reloadable; /* applied again on SIGHUP */
    int min, max;    /* CF_INT bounds (inclusive) when min < max */
} cf_row_t;

/* strict_sections: NULL-terminated list of section names.
 * Loads path (NULL: defaults and environment only) into the rows' targets.
 * reload = true applies only reloadable rows. On error returns -1 with a
 * reason in err (file, line, key) and leaves the targets in a defined state
 * (old values kept for a failed reload). */
int config_load(const char *path, const cf_row_t *rows, size_t nrows,
                const char *const *strict_sections, bool reload, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Frees the CF_STR targets of the rows. */
void config_free(const cf_row_t *rows, size_t nrows);

/* The config path from -c, else $FAYUAN_CONF, else /etc/fayuan/fayuan.conf. */
const char *config_default_path(const char *from_args);

#endif
