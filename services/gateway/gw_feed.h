/* gw_feed — decoding and validation of the JSON bodies that external systems
 * POST to the gateway (DESIGN.md, "Contracts at the edges"; docs/api.md).
 * Pure functions, no I/O and no clock: the HTTP layer (evhttp) authenticates
 * the request (fayuan/hmac.h), calls gw_body_parse() on the raw body, then one
 * decoder per record type on the object, or on each element of the array.
 * Every rejection fills a gw_error_t naming the field and the reason, which
 * gw_error_json() turns into the error body of the contract. */
#ifndef FAYUAN_GW_FEED_H
#define FAYUAN_GW_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "fayuan/hmac.h"

/* Largest batch a feed endpoint takes (DESIGN.md: "up to 1,000 records"). */
#define GW_MAX_RECORDS 1000

/* The "error" codes of the error bodies; docs/api.md lists them all. */
/* gw_body_parse (the whole request fails): */
#define GW_ERR_MALFORMED_JSON "malformed_json"     /* 400: not JSON, or not UTF-8 */
#define GW_ERR_DUPLICATE_KEY "duplicate_key"       /* 400: an object repeats a key */
#define GW_ERR_INVALID_BODY "invalid_body"         /* 400: root neither object nor array */
#define GW_ERR_EMPTY_BATCH "empty_batch"           /* 400: [] */
#define GW_ERR_TOO_MANY_RECORDS "too_many_records" /* 413: array longer than the limit */
/* record decoders (only that record fails): */
#define GW_ERR_INVALID_RECORD "invalid_record" /* 400: array element is not an object */
#define GW_ERR_MISSING_FIELD "missing_field"   /* 400: a required key is absent */
#define GW_ERR_INVALID_FIELD "invalid_field"   /* 400: wrong type or value, or unknown key */
/* gw_error_from_sig (401): */
#define GW_ERR_MISSING_SIGNATURE "missing_signature"
#define GW_ERR_BAD_TIMESTAMP "bad_timestamp"
#define GW_ERR_STALE_TIMESTAMP "stale_timestamp"
#define GW_ERR_MALFORMED_SIGNATURE "malformed_signature"
#define GW_ERR_SIGNATURE_MISMATCH "signature_mismatch"
/* set by the HTTP layer and the commit with gw_error_set(): */
#define GW_ERR_BODY_TOO_LARGE "body_too_large"         /* 413: body over the byte limit */
#define GW_ERR_OVERLOADED "overloaded"                 /* 429: shedding load, retry later */
#define GW_ERR_NOT_FOUND "not_found"                   /* 404: no such endpoint (yet) */
#define GW_ERR_METHOD_NOT_ALLOWED "method_not_allowed" /* 405 */
#define GW_ERR_UNKNOWN_LAWYER "unknown_lawyer"         /* 400: licence not in the registry */
#define GW_ERR_CONFLICT "conflict"                     /* 409: id already accepted, other content */
#define GW_ERR_INTERNAL "internal_error"               /* 500/503: out of memory, storage down */

typedef struct {
    int status;        /* HTTP status: 400, 401, 413, ... */
    const char *code;  /* one of GW_ERR_* (static storage) */
    char field[64];    /* offending key or header; "" when none (JSON null) */
    char message[256]; /* for the sender's developers, English, valid UTF-8 */
} gw_error_t;

/* Length of the valid UTF-8 character at s (1..4; avail >= 1 bytes may be
 * read), 0 if s does not start one: overlong forms, surrogates and code
 * points above U+10FFFF are invalid, as in jansson. The code point in *cp. */
size_t gw_utf8_char(const unsigned char *s, size_t avail, uint32_t *cp);

/* Fills err. field may be NULL. field and the formatted message are cut to
 * fit (on a UTF-8 character boundary) and any invalid UTF-8 or control
 * character becomes '?', so gw_error_json() never fails on them. */
void gw_error_set(gw_error_t *err, int status, const char *code, const char *field, const char *fmt,
                  ...) __attribute__((format(printf, 5, 6)));

/* The 401 error for a failed hmac_verify_request(); r must not be SIG_OK. */
void gw_error_from_sig(sig_result_t r, gw_error_t *err);

/* {"error": code, "field": name or null, "message": text}. New reference
 * (caller json_decref()s it); NULL only when out of memory. */
json_t *gw_error_json(const gw_error_t *err) __attribute__((warn_unused_result));

/* Parses a raw request body of len bytes (not NUL-terminated; never read past
 * len). Objects must not repeat a key, anywhere. The root must be an object
 * (*is_array_out = false) or an array of 1..max_records elements (true;
 * max_records >= 1). Elements are not checked here: each is decoded on its
 * own so one bad record never fails the others. Strings may contain "\u0000";
 * the record decoders refuse it.
 * 0: *root_out is a new reference the caller json_decref()s.
 * -1: err is filled (400, 413, or 500 when out of memory), *root_out = NULL. */
int gw_body_parse(const char *body, size_t len, size_t max_records, json_t **root_out,
                  bool *is_array_out, gw_error_t *err) __attribute__((warn_unused_result));

/* ---- record decoders: one per record type -------------------------------
 * Each takes one record (an element of the array, or the root object), the
 * server's clock in unix microseconds (time stamps more than a day ahead of
 * it are refused), and on success fills *out and returns 0; on failure
 * returns -1 with err filled (400) and *out untouched. Keys outside the
 * record's schema are refused (invalid_field naming the key), so a misspelt
 * or extra field never passes silently. */

#define GW_ID_MAX 64     /* external record id: [A-Za-z0-9._:-]{1,64} */
#define GW_LAWYER_MAX 32 /* licence number or registry id: [A-Za-z0-9-]{1,32} */

/* POST /v1/hotline/sessions:
 * {"id": ..., "lawyer": ..., "event": "sign_in"|"sign_out", "at": RFC 3339} */
typedef struct {
    char id[GW_ID_MAX + 1];
    char lawyer[GW_LAWYER_MAX + 1];
    bool sign_in; /* false: sign_out */
    int64_t at_us;
} gw_session_t;

int gw_session_decode(const json_t *rec, int64_t now_us, gw_session_t *out, gw_error_t *err)
    __attribute__((warn_unused_result));

/* A case number (案号) as the case system writes it, such as
 * "（2026）浙0302法援123号" or "温法援〔2026〕45号": 1..GW_CASE_MAX bytes of
 * UTF-8, each character a Chinese character (a CJK unified or compatibility
 * ideograph, or 〇), an ASCII letter or digit, one of ( ) （ ） 〔 〕 [ ] - _ / . :
 * or an ASCII space; no space first or last (nothing is trimmed). */
#define GW_CASE_MAX 64

/* ---- POST /v1/quality/evaluations ----------------------------------------
 * {"id": ..., "case": ..., "lawyer": ..., "level": "city"|"province"|"ministry",
 *  "grade": "excellent"|"good"|"qualified"|"unqualified", "evaluated_at": RFC 3339} */

/* Who evaluated the case; ordered, a higher value is a higher level. */
typedef enum {
    GW_LEVEL_CITY = 1,
    GW_LEVEL_PROVINCE = 2,
    GW_LEVEL_MINISTRY = 3,
} gw_level_t;

/* The evaluation's grade, best first (Annex 1 6.1..6.4). */
typedef enum {
    GW_GRADE_EXCELLENT = 1,
    GW_GRADE_GOOD,
    GW_GRADE_QUALIFIED,
    GW_GRADE_UNQUALIFIED,
} gw_grade_t;

typedef struct {
    char id[GW_ID_MAX + 1];
    char case_no[GW_CASE_MAX + 1];
    char lawyer[GW_LAWYER_MAX + 1];
    gw_level_t level;
    gw_grade_t grade;
    int64_t at_us; /* "evaluated_at" */
} gw_evaluation_t;

int gw_evaluation_decode(const json_t *rec, int64_t now_us, gw_evaluation_t *out, gw_error_t *err)
    __attribute__((warn_unused_result));

/* The JSON spellings ("city", "excellent", ...); NULL for a value out of range. */
const char *gw_level_name(gw_level_t level);
const char *gw_grade_name(gw_grade_t grade);

/* The Annex 1 rule an evaluation of this grade scores under: "6.1" (excellent)
 * .. "6.4" (unqualified); NULL for a value out of range. */
const char *gw_evaluation_rule(gw_grade_t grade);

/* ---- POST /v1/cases/events -----------------------------------------------
 * {"id": ..., "case": ..., "lawyer": ..., "type": T, "at": RFC 3339, <T's field>}
 *   T               its field   values (gw_case_event_t.value 1, 2, ...)
 *   "closed"        "category"  "ordinary", "major", "group"
 *   "satisfaction"  "rating"    "satisfied", "default", "basic", "dissatisfied"
 *   "plea_help"     -
 *   "writeup"       "level"     "submitted", "recommended", "city_excellent",
 *                               "city_typical", "province_typical"
 *   "activity"      "kind"      "consultation", "lecture"
 *   "drafting"      -
 * "case" is required except for "activity" and "drafting", where it may be
 * absent (but not null). A field of another type (e.g. "rating" on a "closed"
 * event) is refused: invalid_field naming it. */
typedef enum {
    GW_CASE_CLOSED = 1,
    GW_CASE_SATISFACTION,
    GW_CASE_PLEA_HELP,
    GW_CASE_WRITEUP,
    GW_CASE_ACTIVITY,
    GW_CASE_DRAFTING,
} gw_case_type_t;

typedef struct {
    char id[GW_ID_MAX + 1];
    char case_no[GW_CASE_MAX + 1]; /* "" when absent */
    char lawyer[GW_LAWYER_MAX + 1];
    gw_case_type_t type;
    /* The sub-kind, 1-based in the order of the table above: category 1..3,
     * rating 1..4, write-up level 1..5, activity kind 1..2; 0 for plea_help
     * and drafting. */
    int value;
    int64_t at_us;
} gw_case_event_t;

int gw_case_event_decode(const json_t *rec, int64_t now_us, gw_case_event_t *out, gw_error_t *err)
    __attribute__((warn_unused_result));

/* "closed", "satisfaction", ...; NULL for a type out of range. */
const char *gw_case_type_name(gw_case_type_t type);

/* The JSON key of the type's sub-kind ("category", "rating", "level", "kind");
 * NULL for plea_help, drafting and a type out of range. */
const char *gw_case_value_key(gw_case_type_t type);

/* The JSON spelling of a sub-kind ("major", "basic", ...); NULL when the type
 * has no sub-kind or value is out of its range. */
const char *gw_case_value_name(gw_case_type_t type, int value);

/* The Annex 1 rule an event scores under: closed ordinary "4.1", major or
 * group "4.2"; satisfaction "5.1".."5.4" (satisfied..dissatisfied);
 * plea_help "7.1"; writeup "8.1".."8.5" (submitted..province_typical);
 * activity consultation "9.1", lecture "9.2"; drafting "3.1". NULL for a
 * type or value out of range (the decoder never produces one). */
const char *gw_case_event_rule(const gw_case_event_t *e);

#endif
