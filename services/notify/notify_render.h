/* notify_render — fills a message template: every "{key}" whose key is in
 * the table is replaced by its value; an unknown "{...}" is kept as written,
 * so a template with a typo shows it rather than losing text. Pure. */
#ifndef FAYUAN_NOTIFY_RENDER_H
#define FAYUAN_NOTIFY_RENDER_H

#include <stddef.h>

typedef struct {
    const char *key;
    const char *value;
} notify_var_t;

/* Returns a malloc'ed string (caller frees). */
char *notify_render(const char *tpl, const notify_var_t *vars, size_t nvars);

/* "2026Q4" -> "2026年第4季度" into buf. */
const char *notify_quarter_zh(const char *quarter, char *buf, size_t len);

#endif
