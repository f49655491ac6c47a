/* Unit tests for gw_feed (services/gateway/gw_feed.c): body parsing, the
 * hotline session decoder, and the error bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gw_feed.h"

/* 2025-11-26T12:00:00Z, the server's clock in these tests */
#define NOW_US (INT64_C(1764158400) * INT64_C(1000000))
#define DAY_US (INT64_C(86400) * INT64_C(1000000))

#define GOOD                                                                                       \
    "{\"id\":\"h-1\",\"lawyer\":\"13101201510012345\",\"event\":\"sign_in\","                      \
    "\"at\":\"2025-11-26T20:00:00+08:00\"}"

/* Parses a C string as a body; asserts success. */
static json_t *s_parse_ok(const char *body, bool *is_array)
{
    json_t *root = NULL;
    gw_error_t err;
    int rc = gw_body_parse(body, strlen(body), GW_MAX_RECORDS, &root, is_array, &err);
    if (rc != 0)
        fail_msg("unexpected parse error %s: %s", err.code, err.message);
    assert_non_null(root);
    return root;
}

/* Parses a C string as a body; asserts failure with status and code. */
static void s_parse_fails(const char *body, size_t len, size_t max, int status, const char *code,
                          gw_error_t *err)
{
    json_t *root = (json_t *)1;
    bool is_array = false;
    assert_int_equal(gw_body_parse(body, len, max, &root, &is_array, err), -1);
    assert_null(root);
    assert_int_equal(err->status, status);
    assert_string_equal(err->code, code);
    assert_true(strlen(err->message) > 0);
}

/* Decodes a one-record body; returns the decoder's result. */
static int s_decode(const char *body, gw_session_t *out, gw_error_t *err)
{
    bool is_array;
    json_t *root = s_parse_ok(body, &is_array);
    assert_false(is_array);
    int rc = gw_session_decode(root, NOW_US, out, err);
    json_decref(root);
    return rc;
}

/* Asserts that a one-record body is refused with code naming field. */
static void s_decode_fails(const char *body, const char *code, const char *field)
{
    gw_session_t out;
    memset(&out, 0x5a, sizeof out);
    gw_session_t before = out;
    gw_error_t err;
    if (s_decode(body, &out, &err) == 0)
        fail_msg("accepted: %s", body);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.code, code);
    assert_string_equal(err.field, field);
    assert_true(strlen(err.message) > 0);
    assert_memory_equal(&out, &before, sizeof out); /* untouched on error */
}

/* A session body with one field's raw JSON text replaced. */
static char *s_body_with(const char *id, const char *lawyer, const char *event, const char *at)
{
    char *buf = NULL;
    int n =
        asprintf(&buf, "{\"id\":%s,\"lawyer\":%s,\"event\":%s,\"at\":%s}", id, lawyer, event, at);
    assert_true(n > 0);
    return buf;
}

static void s_field_fails(const char *id, const char *lawyer, const char *event, const char *at,
                          const char *code, const char *field)
{
    char *body = s_body_with(id, lawyer, event, at);
    s_decode_fails(body, code, field);
    free(body);
}

static void s_field_ok(const char *id, const char *lawyer, const char *event, const char *at,
                       gw_session_t *out)
{
    char *body = s_body_with(id, lawyer, event, at);
    gw_error_t err;
    if (s_decode(body, out, &err) != 0)
        fail_msg("refused %s: %s %s %s", body, err.code, err.field, err.message);
    free(body);
}

#define ID "\"h-1\""
#define LAWYER "\"13101201510012345\""
#define EVENT "\"sign_in\""
#define AT "\"2025-11-26T20:00:00+08:00\""

/* ---- valid input -------------------------------------------------------- */

static void test_valid_single(void **state)
{
    gw_session_t s;
    gw_error_t err;
    assert_int_equal(s_decode(GOOD, &s, &err), 0);
    assert_string_equal(s.id, "h-1");
    assert_string_equal(s.lawyer, "13101201510012345");
    assert_true(s.sign_in);
    assert_int_equal(s.at_us, NOW_US);

    /* key order is free, sign_out, Z zone, fractional seconds */
    assert_int_equal(s_decode("{\"at\":\"2025-11-26T11:59:59.25Z\",\"event\":\"sign_out\","
                              "\"lawyer\":\"B-2\",\"id\":\"a.b_c:d-9\"}",
                              &s, &err),
                     0);
    assert_string_equal(s.id, "a.b_c:d-9");
    assert_string_equal(s.lawyer, "B-2");
    assert_false(s.sign_in);
    assert_int_equal(s.at_us, NOW_US - 750000);
}

static void test_valid_array(void **state)
{
    const char *body = "[" GOOD ",\n {\"id\":\"h-2\",\"lawyer\":\"L2\",\"event\":\"sign_out\","
                       "\"at\":\"2025-11-26T21:00:00+08:00\"}, 42, {\"id\":\"h-4\"}, " GOOD "]";
    bool is_array = false;
    json_t *root = s_parse_ok(body, &is_array);
    assert_true(is_array);
    assert_int_equal(json_array_size(root), 5);

    /* each element on its own: bad ones do not spoil the good ones */
    int expect_rc[] = {0, 0, -1, -1, 0};
    const char *expect_code[] = {NULL, NULL, GW_ERR_INVALID_RECORD, GW_ERR_MISSING_FIELD, NULL};
    for (size_t i = 0; i < json_array_size(root); i++) {
        gw_session_t s;
        gw_error_t err;
        int rc = gw_session_decode(json_array_get(root, i), NOW_US, &s, &err);
        assert_int_equal(rc, expect_rc[i]);
        if (rc != 0)
            assert_string_equal(err.code, expect_code[i]);
    }
    gw_session_t s;
    gw_error_t err;
    assert_int_equal(gw_session_decode(json_array_get(root, 1), NOW_US, &s, &err), 0);
    assert_string_equal(s.id, "h-2");
    assert_false(s.sign_in);
    assert_int_equal(gw_session_decode(json_array_get(root, 3), NOW_US, &s, &err), -1);
    assert_string_equal(err.field, "lawyer");
    json_decref(root);

    /* exactly max_records is fine */
    json_t *r = NULL;
    assert_int_equal(gw_body_parse("[{},{},{}]", 10, 3, &r, &is_array, &err), 0);
    assert_true(is_array);
    json_decref(r);
}

static void test_token_limits(void **state)
{
    gw_session_t s;
    char id64[67], id65[68], lawyer32[35], lawyer33[36];
    snprintf(id64, sizeof id64, "\"%s\"",
             "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.:");
    snprintf(id65, sizeof id65, "\"%s\"",
             "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.:_");
    snprintf(lawyer32, sizeof lawyer32, "\"%s\"", "0123456789-abcdefghijABCDEFGHIJ-");
    snprintf(lawyer33, sizeof lawyer33, "\"%s\"", "0123456789-abcdefghijABCDEFGHIJ-Z");
    assert_int_equal(strlen(id64), 66);
    assert_int_equal(strlen(lawyer32), 34);

    s_field_ok(id64, lawyer32, EVENT, AT, &s);
    assert_int_equal(strlen(s.id), 64);
    assert_int_equal(strlen(s.lawyer), 32);
    s_field_ok("\"x\"", "\"7\"", EVENT, AT, &s);

    /* overlong id / lawyer */
    s_field_fails(id65, LAWYER, EVENT, AT, GW_ERR_INVALID_FIELD, "id");
    s_field_fails(ID, lawyer33, EVENT, AT, GW_ERR_INVALID_FIELD, "lawyer");
    /* empty */
    s_field_fails("\"\"", LAWYER, EVENT, AT, GW_ERR_INVALID_FIELD, "id");
    s_field_fails(ID, "\"\"", EVENT, AT, GW_ERR_INVALID_FIELD, "lawyer");
    /* characters outside the class */
    s_field_fails("\"h 1\"", LAWYER, EVENT, AT, GW_ERR_INVALID_FIELD, "id");
    s_field_fails("\"h/1\"", LAWYER, EVENT, AT, GW_ERR_INVALID_FIELD, "id");
    s_field_fails("\"\\u6848-1\"", LAWYER, EVENT, AT, GW_ERR_INVALID_FIELD, "id"); /* 案 */
    s_field_fails(ID, "\"1310.1201\"", EVENT, AT, GW_ERR_INVALID_FIELD, "lawyer");
    s_field_fails(ID, "\"1310_1201\"", EVENT, AT, GW_ERR_INVALID_FIELD, "lawyer");
    s_field_fails(ID, "\" 13101201\"", EVENT, AT, GW_ERR_INVALID_FIELD, "lawyer");
}

static void test_nul_in_string(void **state)
{
    /* "\u0000" parses (so the error can name the field), but no decoder takes it */
    s_field_fails("\"h\\u0000\"", LAWYER, EVENT, AT, GW_ERR_INVALID_FIELD, "id");
    s_field_fails("\"\\u0000\"", LAWYER, EVENT, AT, GW_ERR_INVALID_FIELD, "id");
    s_field_fails(ID, "\"131\\u0000x\"", EVENT, AT, GW_ERR_INVALID_FIELD, "lawyer");
    s_field_fails(ID, LAWYER, "\"sign_in\\u0000\"", AT, GW_ERR_INVALID_FIELD, "event");
    s_field_fails(ID, LAWYER, EVENT, "\"2025-11-26T20:00:00+08:00\\u0000junk\"",
                  GW_ERR_INVALID_FIELD, "at");

    /* a raw NUL byte in the body is not JSON at all */
    static const char raw[] = "{\"id\":\"h\0\",\"lawyer\":\"L\",\"event\":\"sign_in\"}";
    gw_error_t err;
    s_parse_fails(raw, sizeof raw - 1, GW_MAX_RECORDS, 400, GW_ERR_MALFORMED_JSON, &err);
    /* a NUL in a key is refused by the parser */
    static const char key[] = "{\"i\\u0000d\":\"h\"}";
    s_parse_fails(key, sizeof key - 1, GW_MAX_RECORDS, 400, GW_ERR_MALFORMED_JSON, &err);
}

/* ---- whole-body errors -------------------------------------------------- */

static void test_malformed_json(void **state)
{
    static const char *const bad[] = {
        "{",
        "{\"id\":\"h-1\",}",
        "[" GOOD ",]",
        "{'id':'h-1'}",
        GOOD " x",
        GOOD GOOD,
        "{\"id\":\"\xff\"}",          /* not UTF-8 */
        "{\"id\":\"\xc0\xaf\"}",      /* overlong */
        "{\"id\":\"\\ud800\"}",       /* lone surrogate */
        "{\"id\":\"a\tb\"}",          /* raw control character */
        "[1e999]",                    /* real overflow */
        "[123456789012345678901234]", /* integer overflow */
        "{\"id\":NaN}",
        "   ",
    };
    gw_error_t err;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s_parse_fails(bad[i], strlen(bad[i]), GW_MAX_RECORDS, 400, GW_ERR_MALFORMED_JSON, &err);
        assert_string_equal(err.field, "");
    }
    /* empty body, with and without a pointer */
    s_parse_fails("", 0, GW_MAX_RECORDS, 400, GW_ERR_MALFORMED_JSON, &err);
    s_parse_fails(NULL, 0, GW_MAX_RECORDS, 400, GW_ERR_MALFORMED_JSON, &err);
}

static void test_length_is_respected(void **state)
{
    /* the body is not NUL-terminated: only len bytes count */
    char *buf = malloc(strlen(GOOD));
    memcpy(buf, GOOD, strlen(GOOD)); /* no terminator: ASan catches a read past len */
    json_t *root = NULL;
    bool is_array;
    gw_error_t err;
    assert_int_equal(gw_body_parse(buf, strlen(GOOD), 1, &root, &is_array, &err), 0);
    json_decref(root);
    /* the same bytes cut short are malformed */
    s_parse_fails(buf, strlen(GOOD) - 1, 1, 400, GW_ERR_MALFORMED_JSON, &err);
    free(buf);
    /* bytes after len are ignored, even garbage */
    static const char tail[] = "{\"a\":1}garbage";
    assert_int_equal(gw_body_parse(tail, 7, 1, &root, &is_array, &err), 0);
    json_decref(root);
}

static void test_duplicate_keys(void **state)
{
    gw_error_t err;
    const char *b1 = "{\"id\":\"h-1\",\"id\":\"h-2\",\"lawyer\":\"L\",\"event\":\"sign_in\","
                     "\"at\":\"2025-11-26T20:00:00+08:00\"}";
    s_parse_fails(b1, strlen(b1), GW_MAX_RECORDS, 400, GW_ERR_DUPLICATE_KEY, &err);
    assert_string_equal(err.field, "id");
    /* in the second record of a batch: the whole body is refused */
    const char *b2 = "[" GOOD ",{\"event\":\"sign_in\",\"event\":\"sign_out\"}]";
    s_parse_fails(b2, strlen(b2), GW_MAX_RECORDS, 400, GW_ERR_DUPLICATE_KEY, &err);
    assert_string_equal(err.field, "event");
    /* escaped forms of the same key are the same key; the field is decoded */
    const char *b3 = "{\"at\":1,\"\\u0061t\":2}";
    s_parse_fails(b3, strlen(b3), GW_MAX_RECORDS, 400, GW_ERR_DUPLICATE_KEY, &err);
    assert_string_equal(err.field, "at");
    const char *b4 = "{\"\\u6848\":1,\"\\u6848\":2}"; /* 案 */
    s_parse_fails(b4, strlen(b4), GW_MAX_RECORDS, 400, GW_ERR_DUPLICATE_KEY, &err);
    assert_string_equal(err.field, "\xe6\xa1\x88");
    /* nested objects too */
    const char *b5 = "{\"x\":{\"k\":1,\"k\":1}}";
    s_parse_fails(b5, strlen(b5), GW_MAX_RECORDS, 400, GW_ERR_DUPLICATE_KEY, &err);
}

static void test_bad_roots(void **state)
{
    static const char *const bad[] = {"\"str\"", "42", "true", "null", "-1.5"};
    gw_error_t err;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        s_parse_fails(bad[i], strlen(bad[i]), GW_MAX_RECORDS, 400, GW_ERR_INVALID_BODY, &err);
    s_parse_fails("[]", 2, GW_MAX_RECORDS, 400, GW_ERR_EMPTY_BATCH, &err);
    s_parse_fails(" [ ] ", 5, GW_MAX_RECORDS, 400, GW_ERR_EMPTY_BATCH, &err);
}

static void test_too_many_records(void **state)
{
    gw_error_t err;
    s_parse_fails("[{},{},{},{}]", 13, 3, 413, GW_ERR_TOO_MANY_RECORDS, &err);
    assert_string_equal(err.field, "");

    /* the real limit: 1,000 records pass, 1,001 do not */
    size_t rec = strlen(GOOD) + 1;
    char *body = malloc(rec * 1001 + 2);
    size_t o = 0;
    body[o++] = '[';
    for (int i = 0; i < 1001; i++) {
        memcpy(body + o, GOOD, rec - 1);
        o += rec - 1;
        body[o++] = ',';
    }
    body[o - 1] = ']';
    s_parse_fails(body, o, GW_MAX_RECORDS, 413, GW_ERR_TOO_MANY_RECORDS, &err);
    /* drop the last record */
    o -= rec;
    body[o - 1] = ']';
    json_t *root = NULL;
    bool is_array;
    assert_int_equal(gw_body_parse(body, o, GW_MAX_RECORDS, &root, &is_array, &err), 0);
    assert_int_equal(json_array_size(root), 1000);
    json_decref(root);
    free(body);
}

/* ---- record errors ------------------------------------------------------ */

static void test_wrong_types(void **state)
{
    s_field_fails("17", LAWYER, EVENT, AT, GW_ERR_INVALID_FIELD, "id");
    s_field_fails("null", LAWYER, EVENT, AT, GW_ERR_INVALID_FIELD, "id");
    s_field_fails("[\"h-1\"]", LAWYER, EVENT, AT, GW_ERR_INVALID_FIELD, "id");
    s_field_fails(ID, "13101201510012345", EVENT, AT, GW_ERR_INVALID_FIELD, "lawyer");
    s_field_fails(ID, "{\"no\":\"1\"}", EVENT, AT, GW_ERR_INVALID_FIELD, "lawyer");
    s_field_fails(ID, LAWYER, "true", AT, GW_ERR_INVALID_FIELD, "event");
    s_field_fails(ID, LAWYER, "1", AT, GW_ERR_INVALID_FIELD, "event");
    s_field_fails(ID, LAWYER, EVENT, "1764158400", GW_ERR_INVALID_FIELD, "at");
    s_field_fails(ID, LAWYER, EVENT, "1.7641584e9", GW_ERR_INVALID_FIELD, "at");

    /* the record itself */
    static const char *const not_objects[] = {"[[]]", "[\"x\"]", "[1]", "[null]", "[false]"};
    for (size_t i = 0; i < sizeof not_objects / sizeof not_objects[0]; i++) {
        bool is_array;
        json_t *root = s_parse_ok(not_objects[i], &is_array);
        gw_session_t s;
        gw_error_t err;
        assert_int_equal(gw_session_decode(json_array_get(root, 0), NOW_US, &s, &err), -1);
        assert_int_equal(err.status, 400);
        assert_string_equal(err.code, GW_ERR_INVALID_RECORD);
        assert_string_equal(err.field, "");
        json_decref(root);
    }
    gw_session_t s;
    gw_error_t err;
    assert_int_equal(gw_session_decode(NULL, NOW_US, &s, &err), -1);
    assert_string_equal(err.code, GW_ERR_INVALID_RECORD);
}

static void test_missing_fields(void **state)
{
    s_decode_fails("{}", GW_ERR_MISSING_FIELD, "id");
    s_decode_fails("{\"lawyer\":" LAWYER ",\"event\":" EVENT ",\"at\":" AT "}",
                   GW_ERR_MISSING_FIELD, "id");
    s_decode_fails("{\"id\":" ID ",\"event\":" EVENT ",\"at\":" AT "}", GW_ERR_MISSING_FIELD,
                   "lawyer");
    s_decode_fails("{\"id\":" ID ",\"lawyer\":" LAWYER ",\"at\":" AT "}", GW_ERR_MISSING_FIELD,
                   "event");
    s_decode_fails("{\"id\":" ID ",\"lawyer\":" LAWYER ",\"event\":" EVENT "}",
                   GW_ERR_MISSING_FIELD, "at");
}

static void test_unknown_fields(void **state)
{
    /* misspelt: reported as unknown, not as the missing field */
    s_decode_fails("{\"id\":" ID ",\"lawyr\":" LAWYER ",\"event\":" EVENT ",\"at\":" AT "}",
                   GW_ERR_INVALID_FIELD, "lawyr");
    /* extra, even when everything required is there */
    s_decode_fails("{\"id\":" ID ",\"lawyer\":" LAWYER ",\"event\":" EVENT ",\"at\":" AT
                   ",\"seat\":3}",
                   GW_ERR_INVALID_FIELD, "seat");
    /* case matters */
    s_decode_fails("{\"ID\":" ID ",\"lawyer\":" LAWYER ",\"event\":" EVENT ",\"at\":" AT "}",
                   GW_ERR_INVALID_FIELD, "ID");
    /* an empty key */
    s_decode_fails("{\"\":1}", GW_ERR_INVALID_FIELD, "");

    /* a long non-ASCII key is cut on a character boundary and stays valid UTF-8 */
    char full[256] = "{\"";
    for (int i = 0; i < 30; i++)
        strcat(full, "\\u6848"); /* 案, 3 bytes in UTF-8 */
    strcat(full, "\":1}");
    gw_session_t s;
    gw_error_t err;
    assert_int_equal(s_decode(full, &s, &err), -1);
    assert_string_equal(err.code, GW_ERR_INVALID_FIELD);
    assert_int_equal(strlen(err.field), 63); /* 21 characters of 3 bytes */
    json_t *j = gw_error_json(&err);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "field")), err.field);
    json_decref(j);
}

static void test_bad_event(void **state)
{
    static const char *const bad[] = {"\"signin\"",   "\"SIGN_IN\"", "\"sign_in \"", "\"\"",
                                      "\"sign_off\"", "\"sign\"",    "\"sign_inx\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        s_field_fails(ID, LAWYER, bad[i], AT, GW_ERR_INVALID_FIELD, "event");
}

static void test_bad_timestamp(void **state)
{
    static const char *const bad[] = {
        "\"2025-11-26T20:00:00\"",       /* no zone */
        "\"2025-11-26\"",                /* date only */
        "\"2025-02-30T20:00:00+08:00\"", /* no such day */
        "\"2025-11-26T24:00:00Z\"",      /* hour 24 */
        "\"yesterday\"",
        "\"\"",
        "\"1764158400\"",
        "\"1999-12-31T23:59:59Z\"",        /* before 2000 */
        "\"2000-01-01T07:59:59+08:00\"",   /* the same instant written in +08:00 */
        "\"2025-11-27T12:00:00.000001Z\"", /* one day and a microsecond ahead */
        "\"2999-01-01T00:00:00Z\"",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        s_field_fails(ID, LAWYER, EVENT, bad[i], GW_ERR_INVALID_FIELD, "at");

    /* the edges themselves are accepted */
    gw_session_t s;
    s_field_ok(ID, LAWYER, EVENT, "\"2000-01-01T00:00:00Z\"", &s);
    assert_int_equal(s.at_us, INT64_C(946684800) * 1000000);
    s_field_ok(ID, LAWYER, EVENT, "\"2025-11-27T12:00:00Z\"", &s);
    assert_int_equal(s.at_us, NOW_US + DAY_US);
    s_field_ok(ID, LAWYER, EVENT, "\"2025-11-27T20:00:00+08:00\"", &s);
    assert_int_equal(s.at_us, NOW_US + DAY_US);

    /* the clock is the caller's: extreme clocks do not overflow */
    bool is_array;
    json_t *root = s_parse_ok(GOOD, &is_array);
    gw_error_t err;
    assert_int_equal(gw_session_decode(root, INT64_MAX, &s, &err), 0);
    assert_int_equal(gw_session_decode(root, INT64_MIN, &s, &err), -1);
    assert_string_equal(err.field, "at");
    json_decref(root);
}

/* ---- error bodies ------------------------------------------------------- */

static void test_error_json(void **state)
{
    gw_error_t err;
    gw_session_t s;
    assert_int_equal(s_decode("{\"id\":17}", &s, &err), -1);
    json_t *j = gw_error_json(&err);
    assert_non_null(j);
    assert_int_equal(json_object_size(j), 3);
    assert_string_equal(json_string_value(json_object_get(j, "error")), "invalid_field");
    assert_string_equal(json_string_value(json_object_get(j, "field")), "id");
    assert_string_equal(json_string_value(json_object_get(j, "message")), err.message);
    json_decref(j);

    /* no field: JSON null */
    s_parse_fails("[]", 2, 5, 400, GW_ERR_EMPTY_BATCH, &err);
    j = gw_error_json(&err);
    assert_non_null(j);
    assert_true(json_is_null(json_object_get(j, "field")));
    json_decref(j);

    /* control characters and invalid UTF-8 never reach the body */
    gw_error_set(&err, 413, GW_ERR_BODY_TOO_LARGE, "a\nb\xff", "limit %d\x01 bytes \xe6\xa1", 5);
    assert_int_equal(err.status, 413);
    assert_string_equal(err.field, "a?b?");
    assert_string_equal(err.message, "limit 5? bytes ??");
    j = gw_error_json(&err);
    assert_non_null(j);
    json_decref(j);

    /* long messages are cut, not overflowed */
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    gw_error_set(&err, 429, GW_ERR_OVERLOADED, big, "%s", big);
    assert_int_equal(strlen(err.field), sizeof err.field - 1);
    assert_int_equal(strlen(err.message), sizeof err.message - 1);
}

static void test_error_from_sig(void **state)
{
    static const struct {
        sig_result_t r;
        const char *code, *field;
    } cases[] = {
        {SIG_MISSING, GW_ERR_MISSING_SIGNATURE, ""},
        {SIG_BAD_TIMESTAMP, GW_ERR_BAD_TIMESTAMP, "X-Fayuan-Timestamp"},
        {SIG_STALE, GW_ERR_STALE_TIMESTAMP, "X-Fayuan-Timestamp"},
        {SIG_MALFORMED, GW_ERR_MALFORMED_SIGNATURE, "X-Fayuan-Signature"},
        {SIG_MISMATCH, GW_ERR_SIGNATURE_MISMATCH, "X-Fayuan-Signature"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gw_error_t err;
        gw_error_from_sig(cases[i].r, &err);
        assert_int_equal(err.status, 401);
        assert_string_equal(err.code, cases[i].code);
        assert_string_equal(err.field, cases[i].field);
        assert_true(strlen(err.message) > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_single),     cmocka_unit_test(test_valid_array),
        cmocka_unit_test(test_token_limits),     cmocka_unit_test(test_nul_in_string),
        cmocka_unit_test(test_malformed_json),   cmocka_unit_test(test_length_is_respected),
        cmocka_unit_test(test_duplicate_keys),   cmocka_unit_test(test_bad_roots),
        cmocka_unit_test(test_too_many_records), cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_missing_fields),   cmocka_unit_test(test_unknown_fields),
        cmocka_unit_test(test_bad_event),        cmocka_unit_test(test_bad_timestamp),
        cmocka_unit_test(test_error_json),       cmocka_unit_test(test_error_from_sig),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
