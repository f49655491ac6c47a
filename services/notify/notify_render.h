/* notify_render — fills a message template: every "{key}" whose key is in
 * the table is replaced by its value; an unknown "{...}" is kept as written,
 * so a template with a typo shows it rather than losing text. Also the
 * Chinese forms of the values templates show (a quarter, a pool, a clause, a
 * date). Pure; needs only timeutil (see tests/fuzz/fuzz_notify_render.c). */
#ifndef FAYUAN_NOTIFY_RENDER_H
#define FAYUAN_NOTIFY_RENDER_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *key;
    const char *value;
} notify_var_t;

/* Returns a malloc'ed string (caller frees). */
char *notify_render(const char *tpl, const notify_var_t *vars, size_t nvars);

/* "2026Q4" -> "2026年第4季度" into buf. */
const char *notify_quarter_zh(const char *quarter, char *buf, size_t len);

/* "duty" -> "值班人员库", "case" -> "办案人员库", "" or NULL (every pool)
 * -> "法律援助人员资源库"; anything else is returned as given. Static strings. */
const char *notify_pool_zh(const char *pool);

/* The clause a decision rests on, as the registry and scored write it, in
 * Chinese into buf: "13" -> "第13条", "25(3)" -> "第25条第3项", "13/28" ->
 * "第13条、第28条". A part that is not "N" or "N(M)" is shown as given; ""
 * or NULL gives "". Cut to the buffer at a part boundary. Returns buf. */
const char *notify_rule_zh(const char *rule, char *buf, size_t len);

/* The local civil date of an instant (unix microseconds) at the center's
 * UTC offset (minutes): "2027年1月5日". 0 or less (no date) gives "".
 * Returns buf. */
const char *notify_date_zh(int64_t us, int offset_min, char *buf, size_t len);

#endif
