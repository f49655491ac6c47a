/* gw_public — the public case-pool list of clause 8 (RULES.md; 办案人员资源库名单):
 * what GET /v1/public/case-pool (JSON) and GET /case-pool (HTML) show without
 * login. Each member is shown with exactly five fields — name, gender, age,
 * years of practice, specialties — and the model below holds nothing else
 * (plus the licence as a key that is never shown), so no other field can
 * leak into a page.
 *
 * The model (gw_public_t) holds the live case pool (members whose latest
 * LawyerChanged has them serving in the case pool) and the annual lists the registry
 * published (CasePoolPublished). gw_lawyers.c fills it from the registry's
 * events and from the gateway's tables; gw_http.c parses the query
 * (gw_public_query_parse), builds a view (filtered, sorted, ages computed on
 * the day it is given) and renders it. Pure: no I/O, no clock. */
#ifndef FAYUAN_GW_PUBLIC_H
#define FAYUAN_GW_PUBLIC_H

#include "gw_feed.h"

#include "events.pb-c.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define GW_KEY_MAX 256             /* bytes of a licence kept as the key */
#define GW_PUBLIC_NAME_MAX 128     /* bytes of a name or gender kept (cut on a character) */
#define GW_PUBLIC_SPECIALTY_MAX 64 /* bytes of one specialty, and of a ?specialty= value */
#define GW_PUBLIC_SPECIALTIES 32   /* specialties kept per member */

/* Copies s as printable UTF-8 of at most max bytes: an invalid byte or a
 * control character becomes U+FFFD, and the copy stops before a character
 * that would not fit. Everything the model keeps passes through here, so
 * PostgreSQL and jansson never refuse it. malloc'ed; NULL when out of memory
 * (s NULL is taken as ""). */
char *gw_public_clean(const char *s, size_t max) __attribute__((warn_unused_result));

/* ---- the model ------------------------------------------------------------ */

/* A member of the live case pool, as the model keeps it. */
typedef struct {
    char *key;                     /* the licence: identity and last sort key; never shown */
    char *name;                    /* 姓名 */
    char *gender;                  /* 性别 */
    int birth_y, birth_m, birth_d; /* birth_y 0: unknown (age shown as 0) */
    int licensed_y, licensed_m, licensed_d; /* licensed_y 0: no date (practice shown as 0) */
    char **specialties;                     /* 业务专长, in the registry's order */
    size_t nspecialties;
} gw_member_t;

/* Fills m from a LawyerChanged (every string cleaned, dates checked; an
 * invalid date counts as unknown). Whether the member serves in the case
 * pool is the caller's to decide (lawyers_model_serving). 0, or -1 when out
 * of memory (m then empty). Free with gw_member_clear. */
int gw_member_from_event(const Fayuan__LawyerChanged *ev, gw_member_t *m)
    __attribute__((warn_unused_result));
void gw_member_clear(gw_member_t *m);

typedef struct gw_public gw_public_t;

gw_public_t *gw_public_new(void);
/* The center's name, which opens the page's title ("温州市法律援助中心办案
 *人员资源库名单"); NULL or "" for none. 0, or -1 when out of memory. */
int gw_public_set_center_name(gw_public_t *self, const char *name);
void gw_public_destroy(gw_public_t **self_p);

/* Adds a copy of the member (packed in one allocation), or replaces the one
 * with the same key. 0, or -1 when out of memory (the model unchanged). */
int gw_public_put_member(gw_public_t *self, const gw_member_t *m)
    __attribute__((warn_unused_result));
/* Removes the member with this key; nothing if there is none. */
void gw_public_remove_member(gw_public_t *self, const char *key);
size_t gw_public_member_count(const gw_public_t *self);

/* The entries of a CasePoolPublished as the JSON array the gateway stores:
 * [{"name", "gender", "age", "practice_years", "specialties"}], strings
 * cleaned, negative numbers as 0. New reference; NULL when out of memory. */
json_t *gw_public_entries_json(const Fayuan__CasePoolPublished *ev)
    __attribute__((warn_unused_result));

/* Stores the annual list of a year (entries as gw_public_entries_json makes
 * them; other keys and malformed elements are skipped), replacing an earlier
 * one of the same year. 0, or -1 when out of memory or year <= 0. */
int gw_public_put_annual(gw_public_t *self, int year, int64_t published_at_us,
                         const json_t *entries) __attribute__((warn_unused_result));
bool gw_public_has_annual(const gw_public_t *self, int year);

/* ---- the query ------------------------------------------------------------ */

typedef struct {
    char specialty[GW_PUBLIC_SPECIALTY_MAX + 1]; /* "" for no filter */
    int year;                                    /* 0: the live list */
} gw_public_query_t;

/* Parses the query string of a request (the text after '?', not decoded;
 * NULL or "" for none): "specialty" (percent- and '+'-decoded, 1 to 64 bytes
 * of UTF-8 without control characters; empty means no filter) and "year"
 * (four digits; empty means the live list). Other parameters are ignored
 * (links shared in WeChat get from=... appended). A parameter given twice,
 * a broken %-escape or a value breaking its rule: -1 with err (400
 * invalid_field naming the parameter). */
int gw_public_query_parse(const char *query, gw_public_query_t *q, gw_error_t *err)
    __attribute__((warn_unused_result));

/* ---- views and rendering -------------------------------------------------- */

/* One line of a list, borrowed from the model. */
typedef struct {
    const char *name;
    const char *gender;
    int age;
    int practice_years;
    const char *specialties; /* nspecialties strings, each NUL-terminated, one after another */
    size_t nspecialties;
} gw_public_row_t;

/* The specialty after s in gw_public_row_t.specialties. */
static inline const char *gw_public_next(const char *s)
{
    return s + strlen(s) + 1;
}

/* What one answer shows. Valid while the model is not changed. */
typedef struct {
    const char *center_name; /* opens the page's title; NULL for none */
    int year;                /* 0: the live list; else the annual list of that year */
    int64_t as_of_us;        /* live: when generated; annual: when published */
    const char *specialty;   /* the filter, NULL for none */
    gw_public_row_t *rows;   /* filtered, sorted by name (byte order), then a hidden key */
    size_t n;
    const char *const *specialties; /* every specialty of the unfiltered list, byte order */
    size_t nspecialties;
    int *years; /* the years with a published list, ascending */
    size_t nyears;
} gw_public_view_t;

/* The live list on the local date today_y-m-d (ages and years of practice
 * are whole years on that day), generated at now_us. specialty (borrowed,
 * as gw_public_query_parse gives it; "" or NULL: no filter) keeps the
 * members with exactly that specialty. 0, or -1 when out of memory. */
int gw_public_view_live(gw_public_t *self, int today_y, int today_m, int today_d, int64_t now_us,
                        const char *specialty, gw_public_view_t *v)
    __attribute__((warn_unused_result));
/* The annual list of year: 0, 1 if none was published, -1 when out of memory. */
int gw_public_view_annual(const gw_public_t *self, int year, const char *specialty,
                          gw_public_view_t *v) __attribute__((warn_unused_result));
void gw_public_view_free(gw_public_view_t *v);

/* {"year", "as_of" (RFC 3339 at offset_min), "specialty", "count", "members":
 * [{"name", "gender", "age", "practice_years", "specialties"}],
 * "available_specialties", "published_years"} as UTF-8 text with a final
 * newline. malloc'ed; NULL when out of memory. */
char *gw_public_render_json(const gw_public_view_t *v, int offset_min)
    __attribute__((warn_unused_result));

/* The zh-CN page: every value HTML-escaped, filter links, count and date;
 * no script, no external asset. malloc'ed; NULL when out of memory. */
char *gw_public_render_html(const gw_public_view_t *v, int offset_min)
    __attribute__((warn_unused_result));

/* The body answering q (the page if html, else JSON) on the local date
 * today_y-m-d at now_us. An answer made for the same query less than
 * GW_PUBLIC_CACHE_S seconds before, on the same day, with the model unchanged
 * since, is reused: a burst of requests costs one rendering. *body (len
 * bytes, NUL-terminated) is borrowed until the next call or change of the
 * model. 0; 1 when q asks for a year with no published list; -1 when out of
 * memory. */
#define GW_PUBLIC_CACHE_S 60
#define GW_PUBLIC_CACHE_SLOTS 16
#define GW_PUBLIC_CACHE_BYTES (16 * 1024 * 1024)
int gw_public_answer(gw_public_t *self, const gw_public_query_t *q, bool html, int today_y,
                     int today_m, int today_d, int64_t now_us, int offset_min, const char **body,
                     size_t *len) __attribute__((warn_unused_result));

/* s with & < > " ' escaped for HTML text and attribute values. malloc'ed. */
char *gw_public_html_escape(const char *s) __attribute__((warn_unused_result));

/* s percent-encoded for a query value (everything but A-Z a-z 0-9 - . _ ~).
 * malloc'ed. */
char *gw_public_url_encode(const char *s) __attribute__((warn_unused_result));

#endif
