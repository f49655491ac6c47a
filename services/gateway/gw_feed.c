/* gw_feed — decoding and validation of external feed bodies (see gw_feed.h).
 * The body parser is shared by every feed endpoint; each record type has one
 * decoder built from the small field helpers below (s_check_keys,
 * s_get_string, s_get_token, s_get_enum, s_get_instant), so a new record type
 * is a schema (its allowed keys) plus a dozen lines of calls. */
#include "gw_feed.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fayuan/timeutil.h"

/* 2000-01-01T00:00:00Z: no feed record is older than the system it feeds. */
#define S_EPOCH_2000_US (INT64_C(946684800) * TIME_US_PER_SEC)

/* ---- error values ------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1..4), 0 if the avail bytes at s
 * (avail >= 1) do not start one; the code point in *cp. Refuses overlong
 * forms, surrogates and code points above U+10FFFF, the same rules as
 * jansson's json_string(). Never reads past avail bytes. */
static size_t s_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp_out)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp_out = c;
        return 1;
    }
    size_t n;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n > avail)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    *cp_out = cp;
    return n;
}

size_t gw_utf8_char(const unsigned char *s, size_t avail, uint32_t *cp)
{
    return s_utf8_decode(s, avail, cp);
}

/* Copies src into dst[cap] as valid, printable UTF-8: control characters and
 * invalid bytes become '?', and the copy stops before a character that would
 * not fit. */
static void s_copy_text(char *dst, size_t cap, const char *src)
{
    assert(cap > 0);
    const unsigned char *s = (const unsigned char *)src;
    size_t left = strlen(src), o = 0;
    while (left > 0) {
        uint32_t cp;
        size_t n = s_utf8_decode(s, left, &cp);
        bool ok = n > 0 && !(n == 1 && (*s < 0x20 || *s == 0x7f));
        size_t need = ok ? n : 1;
        if (o + need >= cap)
            break;
        if (ok)
            memcpy(dst + o, s, n);
        else
            dst[o] = '?';
        o += need;
        s += need;
        left -= need;
    }
    dst[o] = '\0';
}

void gw_error_set(gw_error_t *err, int status, const char *code, const char *field, const char *fmt,
                  ...)
{
    assert(err != NULL && code != NULL && fmt != NULL);
    char buf[2 * sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    err->status = status;
    err->code = code;
    s_copy_text(err->field, sizeof err->field, field ? field : "");
    s_copy_text(err->message, sizeof err->message, buf);
}

void gw_error_from_sig(sig_result_t r, gw_error_t *err)
{
    static const char ts[] = "X-Fayuan-Timestamp", sig[] = "X-Fayuan-Signature";
    switch (r) {
    case SIG_MISSING:
        gw_error_set(err, 401, GW_ERR_MISSING_SIGNATURE, NULL,
                     "the %s and %s headers are both required and must not be empty", ts, sig);
        return;
    case SIG_BAD_TIMESTAMP:
        gw_error_set(err, 401, GW_ERR_BAD_TIMESTAMP, ts,
                     "must be unix seconds as 1 to 12 decimal digits, no sign or spaces");
        return;
    case SIG_STALE:
        gw_error_set(err, 401, GW_ERR_STALE_TIMESTAMP, ts,
                     "too far from the server's clock (replay window); check the sender's clock");
        return;
    case SIG_MALFORMED:
        gw_error_set(err, 401, GW_ERR_MALFORMED_SIGNATURE, sig,
                     "must be 64 lowercase hex digits of HMAC-SHA256");
        return;
    case SIG_MISMATCH:
        gw_error_set(err, 401, GW_ERR_SIGNATURE_MISMATCH, sig,
                     "does not match HMAC-SHA256(secret, \"<timestamp>.<raw body>\")");
        return;
    case SIG_OK:
        break;
    }
    assert(!"gw_error_from_sig called without an error");
    gw_error_set(err, 500, GW_ERR_INTERNAL, NULL, "internal error");
}

json_t *gw_error_json(const gw_error_t *err)
{
    assert(err != NULL && err->code != NULL);
    json_t *field = err->field[0] ? json_string(err->field) : json_null();
    return json_pack("{s:s, s:o?, s:s}", "error", err->code, "field", field, "message",
                     err->message);
}

/* ---- body --------------------------------------------------------------- */

/* jansson reports "duplicate object key near '<raw key token>'": decode the
 * token (it is a JSON string literal) so the error can name the key. */
static void s_duplicate_key_error(const json_error_t *jerr, gw_error_t *err)
{
    static const char prefix[] = "duplicate object key near '";
    char key[sizeof err->field] = "";
    size_t tlen = strnlen(jerr->text, sizeof jerr->text);
    if (tlen > sizeof prefix && strncmp(jerr->text, prefix, sizeof prefix - 1) == 0 &&
        jerr->text[tlen - 1] == '\'') {
        const char *tok = jerr->text + sizeof prefix - 1;
        json_t *s = json_loadb(tok, tlen - (sizeof prefix - 1) - 1, JSON_DECODE_ANY, NULL);
        if (json_is_string(s))
            s_copy_text(key, sizeof key, json_string_value(s));
        json_decref(s);
    }
    if (key[0])
        gw_error_set(err, 400, GW_ERR_DUPLICATE_KEY, key,
                     "an object repeats the key \"%s\" (line %d, column %d)", key, jerr->line,
                     jerr->column);
    else
        gw_error_set(err, 400, GW_ERR_DUPLICATE_KEY, NULL, "%s (line %d, column %d)", jerr->text,
                     jerr->line, jerr->column);
}

int gw_body_parse(const char *body, size_t len, size_t max_records, json_t **root_out,
                  bool *is_array_out, gw_error_t *err)
{
    assert(body != NULL || len == 0);
    assert(root_out != NULL && is_array_out != NULL && err != NULL);
    assert(max_records >= 1);

    *root_out = NULL;
    if (len == 0) {
        gw_error_set(err, 400, GW_ERR_MALFORMED_JSON, NULL, "the body is empty");
        return -1;
    }
    json_error_t jerr;
    json_t *root =
        json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY, &jerr);
    if (!root) {
        switch (json_error_code(&jerr)) {
        case json_error_duplicate_key:
            s_duplicate_key_error(&jerr, err);
            break;
        case json_error_out_of_memory:
            gw_error_set(err, 500, GW_ERR_INTERNAL, NULL, "out of memory");
            break;
        default:
            gw_error_set(err, 400, GW_ERR_MALFORMED_JSON, NULL,
                         "invalid JSON at line %d, column %d: %s", jerr.line, jerr.column,
                         jerr.text);
            break;
        }
        return -1;
    }

    if (json_is_object(root)) {
        *is_array_out = false;
    } else if (json_is_array(root)) {
        size_t n = json_array_size(root);
        if (n == 0) {
            gw_error_set(err, 400, GW_ERR_EMPTY_BATCH, NULL, "the array holds no records");
            goto error;
        }
        if (n > max_records) {
            gw_error_set(err, 413, GW_ERR_TOO_MANY_RECORDS, NULL,
                         "%zu records in one request; at most %zu are taken, send the rest "
                         "in further requests",
                         n, max_records);
            goto error;
        }
        *is_array_out = true;
    } else {
        gw_error_set(err, 400, GW_ERR_INVALID_BODY, NULL,
                     "the body must be a JSON object or an array of objects");
        goto error;
    }
    *root_out = root;
    return 0;
error:
    json_decref(root);
    return -1;
}

/* ---- field helpers, shared by every record decoder ---------------------- */

static const char *s_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "a value of unknown type";
}

__attribute__((warn_unused_result)) static int s_check_object(const json_t *rec, gw_error_t *err)
{
    if (json_is_object(rec))
        return 0;
    gw_error_set(err, 400, GW_ERR_INVALID_RECORD, NULL, "a record must be a JSON object, not %s",
                 rec ? s_type_name(rec) : "nothing");
    return -1;
}

/* Every key of rec must be one of allowed[] (NULL-terminated). */
__attribute__((warn_unused_result)) static int
s_check_keys(const json_t *rec, const char *const allowed[], gw_error_t *err)
{
    const char *key;
    size_t key_len;
    json_t *v;
    json_object_keylen_foreach((json_t *)rec, key, key_len, v)
    {
        bool known = false;
        for (size_t i = 0; allowed[i] && !known; i++)
            known = strlen(allowed[i]) == key_len && memcmp(allowed[i], key, key_len) == 0;
        if (!known) {
            gw_error_set(err, 400, GW_ERR_INVALID_FIELD, key, "unknown field \"%s\"", key);
            return -1;
        }
    }
    return 0;
}

/* rec[key] as a string without NUL bytes. 1: found; 0: absent and optional
 * (*s = NULL); -1: err filled (absent and required, wrong type, NUL). */
__attribute__((warn_unused_result)) static int s_get_string(const json_t *rec, const char *key,
                                                            bool required, const char **s,
                                                            size_t *len, gw_error_t *err)
{
    const json_t *v = json_object_get(rec, key);
    *s = NULL;
    *len = 0;
    if (!v) {
        if (!required)
            return 0;
        gw_error_set(err, 400, GW_ERR_MISSING_FIELD, key, "\"%s\" is required", key);
        return -1;
    }
    if (!json_is_string(v)) {
        gw_error_set(err, 400, GW_ERR_INVALID_FIELD, key, "\"%s\" must be a string, not %s", key,
                     s_type_name(v));
        return -1;
    }
    const char *str = json_string_value(v);
    size_t n = json_string_length(v);
    if (memchr(str, '\0', n)) {
        gw_error_set(err, 400, GW_ERR_INVALID_FIELD, key, "\"%s\" must not contain NUL (\\u0000)",
                     key);
        return -1;
    }
    *s = str;
    *len = n;
    return 1;
}

typedef bool (*s_char_class_fn)(char c);

static bool s_is_alnum(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool s_is_id_char(char c)
{
    return s_is_alnum(c) || c == '.' || c == '_' || c == ':' || c == '-';
}

static bool s_is_lawyer_char(char c)
{
    return s_is_alnum(c) || c == '-';
}

/* A required string of 1..max characters of one class (ASCII), copied into
 * buf[max + 1]. what describes the class for the message. The class is
 * checked before the length, so lengths in messages are in characters. */
__attribute__((warn_unused_result)) static int s_get_token(const json_t *rec, const char *key,
                                                           size_t max, s_char_class_fn ok,
                                                           const char *what, char *buf,
                                                           gw_error_t *err)
{
    const char *s;
    size_t n;
    if (s_get_string(rec, key, true, &s, &n, err) < 0)
        return -1;
    if (n == 0) {
        gw_error_set(err, 400, GW_ERR_INVALID_FIELD, key, "\"%s\" must not be empty", key);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!ok(s[i])) {
            gw_error_set(err, 400, GW_ERR_INVALID_FIELD, key,
                         "\"%s\" has a character not allowed at position %zu; allowed: %s", key,
                         i + 1, what);
            return -1;
        }
    }
    if (n > max) {
        gw_error_set(err, 400, GW_ERR_INVALID_FIELD, key,
                     "\"%s\" must be at most %zu characters long, not %zu", key, max, n);
        return -1;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return 0;
}

/* A required string equal to one of values[] (NULL-terminated); its index. */
__attribute__((warn_unused_result)) static int s_get_enum(const json_t *rec, const char *key,
                                                          const char *const values[], int *idx,
                                                          gw_error_t *err)
{
    const char *s;
    size_t n;
    if (s_get_string(rec, key, true, &s, &n, err) < 0)
        return -1;
    char choices[160] = "";
    size_t used = 0;
    for (int i = 0; values[i]; i++) {
        if (strlen(values[i]) == n && memcmp(values[i], s, n) == 0) {
            *idx = i;
            return 0;
        }
        int w =
            snprintf(choices + used, sizeof choices - used, "%s\"%s\"", i ? ", " : "", values[i]);
        if (w > 0 && (size_t)w < sizeof choices - used)
            used += (size_t)w;
    }
    gw_error_set(err, 400, GW_ERR_INVALID_FIELD, key, "\"%s\" must be one of %s", key, choices);
    return -1;
}

/* A required RFC 3339 date-time, from 2000-01-01 up to one day after now_us. */
__attribute__((warn_unused_result)) static int
s_get_instant(const json_t *rec, const char *key, int64_t now_us, int64_t *us, gw_error_t *err)
{
    const char *s;
    size_t n;
    if (s_get_string(rec, key, true, &s, &n, err) < 0)
        return -1;
    int64_t t;
    if (time_parse_rfc3339(s, &t) != 0) {
        gw_error_set(err, 400, GW_ERR_INVALID_FIELD, key,
                     "\"%s\" must be an RFC 3339 date-time with a zone, such as "
                     "\"2025-11-26T20:00:00+08:00\"",
                     key);
        return -1;
    }
    if (t < S_EPOCH_2000_US) {
        gw_error_set(err, 400, GW_ERR_INVALID_FIELD, key, "\"%s\" is before the year 2000", key);
        return -1;
    }
    if (now_us <= INT64_MAX - TIME_US_PER_DAY && t > now_us + TIME_US_PER_DAY) {
        gw_error_set(err, 400, GW_ERR_INVALID_FIELD, key,
                     "\"%s\" is more than one day after the server's clock", key);
        return -1;
    }
    *us = t;
    return 0;
}

/* ---- record decoders ---------------------------------------------------- */

#define S_ID_CHARS "A-Z a-z 0-9 . _ : -"
#define S_LAWYER_CHARS "A-Z a-z 0-9 -"

int gw_session_decode(const json_t *rec, int64_t now_us, gw_session_t *out, gw_error_t *err)
{
    static const char *const keys[] = {"id", "lawyer", "event", "at", NULL};
    static const char *const events[] = {"sign_in", "sign_out", NULL};
    assert(out != NULL && err != NULL);

    gw_session_t r;
    int event = -1;
    if (s_check_object(rec, err) < 0 || s_check_keys(rec, keys, err) < 0 ||
        s_get_token(rec, "id", GW_ID_MAX, s_is_id_char, S_ID_CHARS, r.id, err) < 0 ||
        s_get_token(rec, "lawyer", GW_LAWYER_MAX, s_is_lawyer_char, S_LAWYER_CHARS, r.lawyer, err) <
            0 ||
        s_get_enum(rec, "event", events, &event, err) < 0 ||
        s_get_instant(rec, "at", now_us, &r.at_us, err) < 0)
        return -1;
    r.sign_in = event == 0;
    *out = r;
    return 0;
}

/* ---- case numbers ------------------------------------------------------- */

/* A character a case number may hold: a Chinese character (CJK unified
 * ideographs and their extensions A to H, compatibility ideographs, 〇),
 * an ASCII letter or digit, ( ) （ ） 〔 〕 [ ] - _ / . : or an ASCII space. */
static bool s_is_case_cp(uint32_t cp)
{
    if (cp < 0x80)
        return s_is_alnum((char)cp) || (cp != 0 && strchr("()[]-_/.: ", (int)cp) != NULL);
    return cp == 0x3007 ||                     /* 〇 */
           cp == 0x3014 || cp == 0x3015 ||     /* 〔 〕 */
           cp == 0xff08 || cp == 0xff09 ||     /* （ ） */
           (cp >= 0x3400 && cp <= 0x4dbf) ||   /* extension A */
           (cp >= 0x4e00 && cp <= 0x9fff) ||   /* unified ideographs */
           (cp >= 0xf900 && cp <= 0xfaff) ||   /* compatibility ideographs */
           (cp >= 0x20000 && cp <= 0x2fa1f) || /* extensions B-F, compatibility supplement */
           (cp >= 0x30000 && cp <= 0x323af);   /* extensions G, H */
}

#define S_CASE_CHARS                                                                               \
    "Chinese characters, A-Z a-z 0-9 ( ) \xef\xbc\x88 \xef\xbc\x89 \xe3\x80\x94 \xe3\x80\x95 "     \
    "[ ] - _ / . : and spaces inside"

/* rec["case"] as a case number, copied into buf[GW_CASE_MAX + 1]. 1: found;
 * 0: absent and optional (buf = ""); -1: err filled. */
__attribute__((warn_unused_result)) static int s_get_case(const json_t *rec, bool required,
                                                          char *buf, gw_error_t *err)
{
    static const char key[] = "case";
    const char *s;
    size_t n;
    int found = s_get_string(rec, key, required, &s, &n, err);
    if (found <= 0) {
        if (found == 0)
            buf[0] = '\0';
        return found;
    }
    if (n == 0) {
        gw_error_set(err, 400, GW_ERR_INVALID_FIELD, key, "\"%s\" must not be empty", key);
        return -1;
    }
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, chars = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = s_utf8_decode(u + i, n - i, &cp);
        chars++;
        if (len == 0 || !s_is_case_cp(cp)) {
            gw_error_set(err, 400, GW_ERR_INVALID_FIELD, key,
                         "\"%s\" has a character not allowed at position %zu; allowed: %s", key,
                         chars, S_CASE_CHARS);
            return -1;
        }
        i += len;
    }
    if (s[0] == ' ' || s[n - 1] == ' ') {
        gw_error_set(err, 400, GW_ERR_INVALID_FIELD, key,
                     "\"%s\" must not start or end with a space (it is not trimmed)", key);
        return -1;
    }
    if (n > GW_CASE_MAX) {
        gw_error_set(err, 400, GW_ERR_INVALID_FIELD, key,
                     "\"%s\" must be at most %d bytes of UTF-8, not %zu (a Chinese character "
                     "takes 3 or 4 bytes)",
                     key, GW_CASE_MAX, n);
        return -1;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return 1;
}

/* ---- POST /v1/quality/evaluations --------------------------------------- */

static const char *const s_levels[] = {"city", "province", "ministry", NULL};
static const char *const s_grades[] = {"excellent", "good", "qualified", "unqualified", NULL};
static const char *const s_evaluation_rules[] = {"6.1", "6.2", "6.3", "6.4"};

_Static_assert(GW_LEVEL_CITY == 1 && GW_LEVEL_PROVINCE == 2 && GW_LEVEL_MINISTRY == 3,
               "s_levels[] is in enum order");
_Static_assert(GW_GRADE_EXCELLENT == 1 && GW_GRADE_UNQUALIFIED == 4,
               "s_grades[] and s_evaluation_rules[] are in enum order");

const char *gw_level_name(gw_level_t level)
{
    return level >= GW_LEVEL_CITY && level <= GW_LEVEL_MINISTRY ? s_levels[level - 1] : NULL;
}

const char *gw_grade_name(gw_grade_t grade)
{
    return grade >= GW_GRADE_EXCELLENT && grade <= GW_GRADE_UNQUALIFIED ? s_grades[grade - 1]
                                                                        : NULL;
}

const char *gw_evaluation_rule(gw_grade_t grade)
{
    return grade >= GW_GRADE_EXCELLENT && grade <= GW_GRADE_UNQUALIFIED
               ? s_evaluation_rules[grade - 1]
               : NULL;
}

int gw_evaluation_decode(const json_t *rec, int64_t now_us, gw_evaluation_t *out, gw_error_t *err)
{
    static const char *const keys[] = {"id",    "case",         "lawyer", "level",
                                       "grade", "evaluated_at", NULL};
    assert(out != NULL && err != NULL);

    gw_evaluation_t r;
    int level = -1, grade = -1;
    if (s_check_object(rec, err) < 0 || s_check_keys(rec, keys, err) < 0 ||
        s_get_token(rec, "id", GW_ID_MAX, s_is_id_char, S_ID_CHARS, r.id, err) < 0 ||
        s_get_case(rec, true, r.case_no, err) < 0 ||
        s_get_token(rec, "lawyer", GW_LAWYER_MAX, s_is_lawyer_char, S_LAWYER_CHARS, r.lawyer, err) <
            0 ||
        s_get_enum(rec, "level", s_levels, &level, err) < 0 ||
        s_get_enum(rec, "grade", s_grades, &grade, err) < 0 ||
        s_get_instant(rec, "evaluated_at", now_us, &r.at_us, err) < 0)
        return -1;
    r.level = (gw_level_t)(GW_LEVEL_CITY + level);
    r.grade = (gw_grade_t)(GW_GRADE_EXCELLENT + grade);
    *out = r;
    return 0;
}

/* ---- POST /v1/cases/events ---------------------------------------------- */

static const char *const s_case_type_names[] = {"closed",   "satisfaction", "plea_help", "writeup",
                                                "activity", "drafting",     NULL};
static const char *const s_categories[] = {"ordinary", "major", "group", NULL};
static const char *const s_ratings[] = {"satisfied", "default", "basic", "dissatisfied", NULL};
static const char *const s_writeup_levels[] = {"submitted",    "recommended",      "city_excellent",
                                               "city_typical", "province_typical", NULL};
static const char *const s_activity_kinds[] = {"consultation", "lecture", NULL};

/* One row per gw_case_type_t, in enum order. */
static const struct {
    const char *key;           /* the sub-kind's key; NULL: none (value 0) */
    const char *const *values; /* its spellings, NULL-terminated; value = index + 1 */
    int n_values;              /* 0 when key is NULL */
    bool case_required;        /* "case" must be present */
    const char *rules[5];      /* Annex 1 rule per value (rules[0] when none) */
} s_case_types[] = {
    [GW_CASE_CLOSED - 1] = {"category", s_categories, 3, true, {"4.1", "4.2", "4.2"}},
    [GW_CASE_SATISFACTION - 1] = {"rating", s_ratings, 4, true, {"5.1", "5.2", "5.3", "5.4"}},
    [GW_CASE_PLEA_HELP - 1] = {NULL, NULL, 0, true, {"7.1"}},
    [GW_CASE_WRITEUP -
        1] = {"level", s_writeup_levels, 5, true, {"8.1", "8.2", "8.3", "8.4", "8.5"}},
    [GW_CASE_ACTIVITY - 1] = {"kind", s_activity_kinds, 2, false, {"9.1", "9.2"}},
    [GW_CASE_DRAFTING - 1] = {NULL, NULL, 0, false, {"3.1"}},
};
#define S_N_CASE_TYPES ((int)(sizeof s_case_types / sizeof s_case_types[0]))
_Static_assert(sizeof s_case_types / sizeof s_case_types[0] == GW_CASE_DRAFTING &&
                   sizeof s_case_type_names / sizeof s_case_type_names[0] == GW_CASE_DRAFTING + 1,
               "one row per gw_case_type_t");

static bool s_case_type_ok(gw_case_type_t type)
{
    return type >= GW_CASE_CLOSED && type <= GW_CASE_DRAFTING;
}

const char *gw_case_type_name(gw_case_type_t type)
{
    return s_case_type_ok(type) ? s_case_type_names[type - 1] : NULL;
}

const char *gw_case_value_key(gw_case_type_t type)
{
    return s_case_type_ok(type) ? s_case_types[type - 1].key : NULL;
}

const char *gw_case_value_name(gw_case_type_t type, int value)
{
    if (!s_case_type_ok(type) || value < 1 || value > s_case_types[type - 1].n_values)
        return NULL;
    return s_case_types[type - 1].values[value - 1];
}

const char *gw_case_event_rule(const gw_case_event_t *e)
{
    assert(e != NULL);
    if (!s_case_type_ok(e->type))
        return NULL;
    int n = s_case_types[e->type - 1].n_values;
    if (n == 0)
        return e->value == 0 ? s_case_types[e->type - 1].rules[0] : NULL;
    return e->value >= 1 && e->value <= n ? s_case_types[e->type - 1].rules[e->value - 1] : NULL;
}

/* A sub-kind key of another type than t (e.g. "rating" on a "closed" event). */
__attribute__((warn_unused_result)) static int
s_check_foreign_keys(const json_t *rec, gw_case_type_t t, gw_error_t *err)
{
    for (int i = 0; i < S_N_CASE_TYPES; i++) {
        const char *key = s_case_types[i].key;
        if (i == (int)t - 1 || !key || !json_object_get(rec, key))
            continue;
        const char *own = s_case_types[t - 1].key;
        if (own)
            gw_error_set(err, 400, GW_ERR_INVALID_FIELD, key,
                         "\"%s\" is not a field of a \"%s\" event, which takes \"%s\"", key,
                         s_case_type_names[t - 1], own);
        else
            gw_error_set(err, 400, GW_ERR_INVALID_FIELD, key,
                         "\"%s\" is not a field of a \"%s\" event, which takes no sub-kind", key,
                         s_case_type_names[t - 1]);
        return -1;
    }
    return 0;
}

int gw_case_event_decode(const json_t *rec, int64_t now_us, gw_case_event_t *out, gw_error_t *err)
{
    /* every key of every type; which sub-kind key is allowed depends on "type" */
    static const char *const keys[] = {"id",       "case",   "lawyer", "type", "at",
                                       "category", "rating", "level",  "kind", NULL};
    assert(out != NULL && err != NULL);

    gw_case_event_t r;
    int type = -1;
    if (s_check_object(rec, err) < 0 || s_check_keys(rec, keys, err) < 0 ||
        s_get_token(rec, "id", GW_ID_MAX, s_is_id_char, S_ID_CHARS, r.id, err) < 0 ||
        s_get_enum(rec, "type", s_case_type_names, &type, err) < 0)
        return -1;
    r.type = (gw_case_type_t)(GW_CASE_CLOSED + type);
    const char *sub_key = s_case_types[type].key;
    int sub = -1;
    if (s_check_foreign_keys(rec, r.type, err) < 0 ||
        s_get_case(rec, s_case_types[type].case_required, r.case_no, err) < 0 ||
        s_get_token(rec, "lawyer", GW_LAWYER_MAX, s_is_lawyer_char, S_LAWYER_CHARS, r.lawyer, err) <
            0 ||
        s_get_instant(rec, "at", now_us, &r.at_us, err) < 0 ||
        (sub_key && s_get_enum(rec, sub_key, s_case_types[type].values, &sub, err) < 0))
        return -1;
    r.value = sub_key ? sub + 1 : 0;
    *out = r;
    return 0;
}
