/* fuzz-sources: services/gateway/gw_feed.c services/common/timeutil.c */
/* libFuzzer target for gw_feed: arbitrary bytes as a feed body (never
 * NUL-terminated: libFuzzer's buffer ends exactly at size, so ASan catches a
 * read past len), then every record decoder (hotline sessions, quality
 * evaluations, case events) on each record. Also checks the decoders'
 * promises: errors are well-formed and serialisable, *out is untouched on
 * error, accepted records obey the field rules. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The Makefile's fuzz rule passes -Iinclude only. */
#include "../../services/gateway/gw_feed.h"

/* 2025-11-26T12:00:00Z */
#define S_NOW_US (INT64_C(1764158400) * INT64_C(1000000))

static void s_check_error(const gw_error_t *err)
{
    if (err->code == NULL || (err->status != 400 && err->status != 413 && err->status != 500) ||
        strlen(err->field) >= sizeof err->field || strlen(err->message) == 0)
        abort();
    json_t *j = gw_error_json(err);
    if (!j) /* only out of memory may fail, and a fuzzer does not run out */
        abort();
    char *text = json_dumps(j, JSON_COMPACT);
    if (!text)
        abort();
    free(text);
    json_decref(j);
}

static void s_check_session(const gw_session_t *s)
{
    size_t id = strlen(s->id), lawyer = strlen(s->lawyer);
    if (id < 1 || id > GW_ID_MAX || lawyer < 1 || lawyer > GW_LAWYER_MAX)
        abort();
    if (strspn(s->id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") != id)
        abort();
    if (strspn(s->lawyer, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") !=
        lawyer)
        abort();
    if (s->at_us < INT64_C(946684800) * 1000000 || s->at_us > S_NOW_US + 86400 * INT64_C(1000000))
        abort();
}

/* A case number as the contract allows it (an independent restatement of the
 * rules in gw_feed.h): 1..GW_CASE_MAX bytes of valid UTF-8, each character a
 * Chinese character or one of the listed ASCII and CJK marks, no space first
 * or last. */
static bool s_case_cp_ok(uint32_t cp)
{
    if (cp < 0x80)
        return cp != 0 && strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                                 "()[]-_/.: ",
                                 (int)cp) != NULL;
    return cp == 0x3007 || cp == 0x3014 || cp == 0x3015 || cp == 0xff08 || cp == 0xff09 ||
           (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
           (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x2fa1f) ||
           (cp >= 0x30000 && cp <= 0x323af);
}

static void s_check_case_no(const char *c, bool may_be_empty)
{
    size_t n = strlen(c);
    if (n == 0) {
        if (!may_be_empty)
            abort();
        return;
    }
    if (n > GW_CASE_MAX || c[0] == ' ' || c[n - 1] == ' ')
        abort();
    json_t *j = json_string(c); /* NULL unless valid UTF-8 */
    if (!j)
        abort();
    json_decref(j);
    const unsigned char *u = (const unsigned char *)c;
    for (size_t i = 0; i < n;) {
        /* valid UTF-8 (checked above): the lead byte gives the length */
        size_t len = u[i] < 0x80 ? 1 : u[i] < 0xe0 ? 2 : u[i] < 0xf0 ? 3 : 4;
        uint32_t cp = len == 1 ? u[i] : (uint32_t)(u[i] & (0x7f >> len));
        for (size_t k = 1; k < len; k++)
            cp = cp << 6 | (u[i + k] & 0x3f);
        if (!s_case_cp_ok(cp))
            abort();
        i += len;
    }
}

static void s_check_evaluation(const gw_evaluation_t *e)
{
    gw_session_t s = {.at_us = e->at_us};
    memcpy(s.id, e->id, sizeof s.id);
    memcpy(s.lawyer, e->lawyer, sizeof s.lawyer);
    s_check_session(&s); /* the same id, lawyer and time rules */
    s_check_case_no(e->case_no, false);
    if (!gw_level_name(e->level) || !gw_grade_name(e->grade) || !gw_evaluation_rule(e->grade))
        abort();
}

static void s_check_case_event(const gw_case_event_t *e)
{
    gw_session_t s = {.at_us = e->at_us};
    memcpy(s.id, e->id, sizeof s.id);
    memcpy(s.lawyer, e->lawyer, sizeof s.lawyer);
    s_check_session(&s);
    if (!gw_case_type_name(e->type) || !gw_case_event_rule(e))
        abort();
    bool case_optional = e->type == GW_CASE_ACTIVITY || e->type == GW_CASE_DRAFTING;
    s_check_case_no(e->case_no, case_optional);
    bool has_sub = gw_case_value_key(e->type) != NULL;
    if (has_sub ? gw_case_value_name(e->type, e->value) == NULL : e->value != 0)
        abort();
}

/* Runs decode on rec with *out pre-filled by a pattern; on error, checks the
 * error and that *out still holds the pattern. 1 if accepted. */
#define S_DECODE(decode, rec, out, err)                                                            \
    __extension__({                                                                                \
        unsigned char pattern_[sizeof *(out)];                                                     \
        memset(pattern_, 0xa5, sizeof pattern_);                                                   \
        memcpy((out), pattern_, sizeof pattern_);                                                  \
        int ok_ = decode((rec), S_NOW_US, (out), (err)) == 0;                                      \
        if (!ok_) {                                                                                \
            if ((err)->status != 400 || memcmp((out), pattern_, sizeof pattern_) != 0)             \
                abort();                                                                           \
            s_check_error(err);                                                                    \
        }                                                                                          \
        ok_;                                                                                       \
    })

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *root = NULL;
    bool is_array = false;
    gw_error_t err;
    /* a small limit so the too_many_records path is reachable */
    if (gw_body_parse((const char *)data, size, 8, &root, &is_array, &err) != 0) {
        if (root)
            abort();
        s_check_error(&err);
        return 0;
    }
    size_t n = is_array ? json_array_size(root) : 1;
    if (n < 1 || n > 8)
        abort();
    for (size_t i = 0; i < n; i++) {
        const json_t *rec = is_array ? json_array_get(root, i) : root;
        gw_session_t s;
        gw_evaluation_t ev;
        gw_case_event_t ce;
        int accepted = 0;
        if (S_DECODE(gw_session_decode, rec, &s, &err)) {
            s_check_session(&s);
            accepted++;
        }
        if (S_DECODE(gw_evaluation_decode, rec, &ev, &err)) {
            s_check_evaluation(&ev);
            accepted++;
        }
        if (S_DECODE(gw_case_event_decode, rec, &ce, &err)) {
            s_check_case_event(&ce);
            accepted++;
        }
        /* the three schemas are disjoint: a record is at most one of them */
        if (accepted > 1)
            abort();
    }
    json_decref(root);
    return 0;
}
