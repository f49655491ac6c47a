/* log — leveled logging to stderr (journald adds time and unit), one line per
 * record: "<level> [<service>] message". The level is checked before the
 * message is formatted. Personal data (phone, ID or licence numbers, tokens)
 * is never logged in full: pass it through log_mask(). */
#ifndef FAYUAN_LOG_H
#define FAYUAN_LOG_H

#include <stddef.h>

typedef enum { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG } log_level_t;

void log_init(const char *service);
void log_set_level(log_level_t level);
/* "error", "warn", "info", "debug"; -1 if unknown. */
int log_level_parse(const char *name);
int log_enabled(log_level_t level);
void log_write(log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_write(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_write(LOG_WARN, __VA_ARGS__)
#define log_info(...)                                                                              \
    do {                                                                                           \
        if (log_enabled(LOG_INFO))                                                                 \
            log_write(LOG_INFO, __VA_ARGS__);                                                      \
    } while (0)
#define log_debug(...)                                                                             \
    do {                                                                                           \
        if (log_enabled(LOG_DEBUG))                                                                \
            log_write(LOG_DEBUG, __VA_ARGS__);                                                     \
    } while (0)

/* Masks an identifier for logs: keeps the first 3 and last 2 characters of
 * anything longer than 6 bytes ("13303********12"), stars all of a shorter
 * one. Writes into buf (NUL-terminated, truncated to len) and returns buf. */
const char *log_mask(const char *s, char *buf, size_t len);

#endif
