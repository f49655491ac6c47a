/* Unit tests for the quality system's record decoders in gw_feed
 * (services/gateway/gw_feed.c): POST /v1/quality/evaluations
 * (gw_evaluation_decode), POST /v1/cases/events (gw_case_event_decode), case
 * numbers, and the names and Annex 1 rules of their values. Body parsing and
 * the error bodies are tested in test_gw_feed.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gw_feed.h"

/* 2025-11-26T12:00:00Z, the server's clock in these tests */
#define NOW_US (INT64_C(1764158400) * INT64_C(1000000))
#define DAY_US (INT64_C(86400) * INT64_C(1000000))

/* Chinese case numbers, as raw UTF-8 */
#define CASE_ZH                                                                                    \
    "\xef\xbc\x88"                                                                                 \
    "2026\xef\xbc\x89\xe6\xb5\x99"                                                                 \
    "0302\xe6\xb3\x95\xe6\x8f\xb4"                                                                 \
    "123\xe5\x8f\xb7" /* （2026）浙0302法援123号 */
#define CASE_ZH2                                                                                   \
    "\xe6\xb8\xa9\xe6\xb3\x95\xe6\x8f\xb4\xe3\x80\x94"                                             \
    "2026\xe3\x80\x95"                                                                             \
    "45\xe5\x8f\xb7" /* 温法援〔2026〕45号 */

#define EVAL_GOOD                                                                                  \
    "{\"id\":\"q-1\",\"case\":\"" CASE_ZH "\",\"lawyer\":\"13101201510012345\","                   \
    "\"level\":\"city\",\"grade\":\"excellent\",\"evaluated_at\":\"2025-11-26T20:00:00+08:00\"}"

/* ---- helpers ------------------------------------------------------------ */

/* A JSON object from key, raw JSON value pairs, NULL-terminated. A pair whose
 * value is NULL is left out, so one list can describe a record minus a key. */
static char *s_obj(const char *first, ...)
{
    char *buf = NULL;
    size_t cap = 0;
    FILE *f = open_memstream(&buf, &cap);
    assert_non_null(f);
    fputc('{', f);
    va_list ap;
    va_start(ap, first);
    bool comma = false;
    for (const char *k = first; k; k = va_arg(ap, const char *)) {
        const char *v = va_arg(ap, const char *);
        if (!v)
            continue;
        fprintf(f, "%s\"%s\":%s", comma ? "," : "", k, v);
        comma = true;
    }
    va_end(ap);
    fputc('}', f);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static json_t *s_parse_ok(const char *body)
{
    json_t *root = NULL;
    bool is_array;
    gw_error_t err;
    if (gw_body_parse(body, strlen(body), GW_MAX_RECORDS, &root, &is_array, &err) != 0)
        fail_msg("unexpected parse error %s: %s (%s)", err.code, err.message, body);
    return root;
}

static int s_eval(const char *body, gw_evaluation_t *out, gw_error_t *err)
{
    json_t *root = s_parse_ok(body);
    int rc = gw_evaluation_decode(root, NOW_US, out, err);
    json_decref(root);
    return rc;
}

static int s_event(const char *body, gw_case_event_t *out, gw_error_t *err)
{
    json_t *root = s_parse_ok(body);
    int rc = gw_case_event_decode(root, NOW_US, out, err);
    json_decref(root);
    return rc;
}

static void s_check_err(const gw_error_t *err, const char *body, const char *code,
                        const char *field)
{
    if (strcmp(err->code, code) != 0 || strcmp(err->field, field) != 0)
        fail_msg("%s: got %s/%s (%s), want %s/%s", body, err->code, err->field, err->message, code,
                 field);
    assert_int_equal(err->status, 400);
    assert_true(strlen(err->message) > 0);
    json_t *j = gw_error_json(err);
    assert_non_null(j);
    json_decref(j);
}

/* The record is refused with code naming field, and *out is untouched. */
static void s_eval_fails(const char *body, const char *code, const char *field)
{
    gw_evaluation_t out, before;
    memset(&out, 0x5a, sizeof out);
    before = out;
    gw_error_t err;
    if (s_eval(body, &out, &err) == 0)
        fail_msg("accepted: %s", body);
    s_check_err(&err, body, code, field);
    assert_memory_equal(&out, &before, sizeof out);
}

static void s_event_fails(const char *body, const char *code, const char *field)
{
    gw_case_event_t out, before;
    memset(&out, 0x5a, sizeof out);
    before = out;
    gw_error_t err;
    if (s_event(body, &out, &err) == 0)
        fail_msg("accepted: %s", body);
    s_check_err(&err, body, code, field);
    assert_memory_equal(&out, &before, sizeof out);
}

static void s_eval_ok(const char *body, gw_evaluation_t *out)
{
    gw_error_t err;
    if (s_eval(body, out, &err) != 0)
        fail_msg("refused %s: %s %s %s", body, err.code, err.field, err.message);
}

static void s_event_ok(const char *body, gw_case_event_t *out)
{
    gw_error_t err;
    if (s_event(body, out, &err) != 0)
        fail_msg("refused %s: %s %s %s", body, err.code, err.field, err.message);
}

/* An evaluation with each field's raw JSON given (NULL: absent). */
static char *s_eval_body(const char *id, const char *cs, const char *lawyer, const char *level,
                         const char *grade, const char *at)
{
    return s_obj("id", id, "case", cs, "lawyer", lawyer, "level", level, "grade", grade,
                 "evaluated_at", at, NULL);
}

#define ID "\"q-1\""
#define CASE "\"" CASE_ZH "\""
#define LAWYER "\"13101201510012345\""
#define LEVEL "\"province\""
#define GRADE "\"good\""
#define AT "\"2025-11-26T20:00:00+08:00\""

static void s_eval_field_fails(const char *id, const char *cs, const char *lawyer,
                               const char *level, const char *grade, const char *at,
                               const char *code, const char *field)
{
    char *body = s_eval_body(id, cs, lawyer, level, grade, at);
    s_eval_fails(body, code, field);
    free(body);
}

/* A case event: type, its sub-kind key and value (raw JSON; key NULL: none),
 * case (raw JSON; NULL: absent). */
static char *s_event_body(const char *type, const char *sub_key, const char *sub, const char *cs)
{
    if (sub_key)
        return s_obj("id", "\"e-1\"", "case", cs, "lawyer", LAWYER, "type", type, "at", AT, sub_key,
                     sub, NULL);
    return s_obj("id", "\"e-1\"", "case", cs, "lawyer", LAWYER, "type", type, "at", AT, NULL);
}

/* Every type with its sub-kind key and spellings (NULL-terminated). */
static const struct {
    gw_case_type_t type;
    const char *name, *key;
    const char *values[6];
    const char *rules[6];
    bool case_required;
} TYPES[] = {
    {GW_CASE_CLOSED,
     "closed",
     "category",
     {"ordinary", "major", "group"},
     {"4.1", "4.2", "4.2"},
     true},
    {GW_CASE_SATISFACTION,
     "satisfaction",
     "rating",
     {"satisfied", "default", "basic", "dissatisfied"},
     {"5.1", "5.2", "5.3", "5.4"},
     true},
    {GW_CASE_PLEA_HELP, "plea_help", NULL, {NULL}, {"7.1"}, true},
    {GW_CASE_WRITEUP,
     "writeup",
     "level",
     {"submitted", "recommended", "city_excellent", "city_typical", "province_typical"},
     {"8.1", "8.2", "8.3", "8.4", "8.5"},
     true},
    {GW_CASE_ACTIVITY, "activity", "kind", {"consultation", "lecture"}, {"9.1", "9.2"}, false},
    {GW_CASE_DRAFTING, "drafting", NULL, {NULL}, {"3.1"}, false},
};
#define N_TYPES (sizeof TYPES / sizeof TYPES[0])

static char *s_quoted(const char *s)
{
    char *q = NULL;
    assert_true(asprintf(&q, "\"%s\"", s) > 0);
    return q;
}

/* A valid event of TYPES[t] with its first sub-kind value (if any). */
static char *s_event_of(size_t t, const char *cs)
{
    char *type = s_quoted(TYPES[t].name);
    char *sub = TYPES[t].key ? s_quoted(TYPES[t].values[0]) : NULL;
    char *body = s_event_body(type, TYPES[t].key, sub, cs);
    free(type);
    free(sub);
    return body;
}

/* ---- evaluations -------------------------------------------------------- */

static void test_eval_valid(void **state)
{
    gw_evaluation_t e;
    s_eval_ok(EVAL_GOOD, &e);
    assert_string_equal(e.id, "q-1");
    assert_string_equal(e.case_no, CASE_ZH);
    assert_string_equal(e.lawyer, "13101201510012345");
    assert_int_equal(e.level, GW_LEVEL_CITY);
    assert_int_equal(e.grade, GW_GRADE_EXCELLENT);
    assert_int_equal(e.at_us, NOW_US);

    /* key order is free; \u escapes decode to the same case number */
    s_eval_ok("{\"evaluated_at\":\"2025-11-26T11:59:59.5Z\",\"grade\":\"unqualified\","
              "\"level\":\"ministry\",\"lawyer\":\"B-2\",\"case\":\"\\u6e29\\u6cd5\\u63f4"
              "\\u3014"
              "2026\\u3015"
              "45\\u53f7\",\"id\":\"a.b_c:d-9\"}",
              &e);
    assert_string_equal(e.id, "a.b_c:d-9");
    assert_string_equal(e.case_no, CASE_ZH2);
    assert_string_equal(e.lawyer, "B-2");
    assert_int_equal(e.level, GW_LEVEL_MINISTRY);
    assert_int_equal(e.grade, GW_GRADE_UNQUALIFIED);
    assert_int_equal(e.at_us, NOW_US - 500000);

    /* every level and grade */
    static const char *const levels[] = {"city", "province", "ministry"};
    static const char *const grades[] = {"excellent", "good", "qualified", "unqualified"};
    for (int l = 0; l < 3; l++) {
        for (int g = 0; g < 4; g++) {
            char *lv = s_quoted(levels[l]), *gr = s_quoted(grades[g]);
            char *body = s_eval_body(ID, CASE, LAWYER, lv, gr, AT);
            s_eval_ok(body, &e);
            assert_int_equal(e.level, GW_LEVEL_CITY + l);
            assert_int_equal(e.grade, GW_GRADE_EXCELLENT + g);
            assert_string_equal(gw_level_name(e.level), levels[l]);
            assert_string_equal(gw_grade_name(e.grade), grades[g]);
            free(body);
            free(lv);
            free(gr);
        }
    }
    /* levels are ordered */
    assert_true(GW_LEVEL_CITY < GW_LEVEL_PROVINCE && GW_LEVEL_PROVINCE < GW_LEVEL_MINISTRY);
}

static void test_eval_rules_and_names(void **state)
{
    assert_string_equal(gw_evaluation_rule(GW_GRADE_EXCELLENT), "6.1");
    assert_string_equal(gw_evaluation_rule(GW_GRADE_GOOD), "6.2");
    assert_string_equal(gw_evaluation_rule(GW_GRADE_QUALIFIED), "6.3");
    assert_string_equal(gw_evaluation_rule(GW_GRADE_UNQUALIFIED), "6.4");
    assert_null(gw_evaluation_rule((gw_grade_t)0));
    assert_null(gw_evaluation_rule((gw_grade_t)5));
    assert_null(gw_evaluation_rule((gw_grade_t)-1));

    assert_string_equal(gw_level_name(GW_LEVEL_CITY), "city");
    assert_string_equal(gw_level_name(GW_LEVEL_PROVINCE), "province");
    assert_string_equal(gw_level_name(GW_LEVEL_MINISTRY), "ministry");
    assert_null(gw_level_name((gw_level_t)0));
    assert_null(gw_level_name((gw_level_t)4));
    assert_string_equal(gw_grade_name(GW_GRADE_GOOD), "good");
    assert_string_equal(gw_grade_name(GW_GRADE_QUALIFIED), "qualified");
    assert_null(gw_grade_name((gw_grade_t)0));
    assert_null(gw_grade_name((gw_grade_t)5));
}

static void test_eval_missing_fields(void **state)
{
    s_eval_fails("{}", GW_ERR_MISSING_FIELD, "id");
    s_eval_field_fails(NULL, CASE, LAWYER, LEVEL, GRADE, AT, GW_ERR_MISSING_FIELD, "id");
    s_eval_field_fails(ID, NULL, LAWYER, LEVEL, GRADE, AT, GW_ERR_MISSING_FIELD, "case");
    s_eval_field_fails(ID, CASE, NULL, LEVEL, GRADE, AT, GW_ERR_MISSING_FIELD, "lawyer");
    s_eval_field_fails(ID, CASE, LAWYER, NULL, GRADE, AT, GW_ERR_MISSING_FIELD, "level");
    s_eval_field_fails(ID, CASE, LAWYER, LEVEL, NULL, AT, GW_ERR_MISSING_FIELD, "grade");
    s_eval_field_fails(ID, CASE, LAWYER, LEVEL, GRADE, NULL, GW_ERR_MISSING_FIELD, "evaluated_at");
    /* several missing: the first in id, case, lawyer, level, grade, evaluated_at order */
    s_eval_field_fails(ID, NULL, NULL, NULL, NULL, NULL, GW_ERR_MISSING_FIELD, "case");
    s_eval_field_fails(ID, CASE, LAWYER, NULL, NULL, AT, GW_ERR_MISSING_FIELD, "level");
}

static void test_eval_unknown_fields(void **state)
{
    /* "at" is the session/event spelling; evaluations say "evaluated_at" */
    char *body = s_obj("id", ID, "case", CASE, "lawyer", LAWYER, "level", LEVEL, "grade", GRADE,
                       "at", AT, NULL);
    s_eval_fails(body, GW_ERR_INVALID_FIELD, "at");
    free(body);
    /* extra, with everything required present */
    body = s_obj("id", ID, "case", CASE, "lawyer", LAWYER, "level", LEVEL, "grade", GRADE,
                 "evaluated_at", AT, "score", "95", NULL);
    s_eval_fails(body, GW_ERR_INVALID_FIELD, "score");
    free(body);
    /* a case-event key */
    body = s_obj("id", ID, "case", CASE, "lawyer", LAWYER, "level", LEVEL, "grade", GRADE,
                 "evaluated_at", AT, "type", "\"closed\"", NULL);
    s_eval_fails(body, GW_ERR_INVALID_FIELD, "type");
    free(body);
    /* unknown keys come before missing ones */
    s_eval_fails("{\"Case\":\"x\"}", GW_ERR_INVALID_FIELD, "Case");
}

static void test_eval_wrong_types(void **state)
{
    static const char *const bad[] = {"17", "null", "true", "[\"x\"]", "{\"a\":\"b\"}", "1.5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *b = bad[i];
        s_eval_field_fails(b, CASE, LAWYER, LEVEL, GRADE, AT, GW_ERR_INVALID_FIELD, "id");
        s_eval_field_fails(ID, b, LAWYER, LEVEL, GRADE, AT, GW_ERR_INVALID_FIELD, "case");
        s_eval_field_fails(ID, CASE, b, LEVEL, GRADE, AT, GW_ERR_INVALID_FIELD, "lawyer");
        s_eval_field_fails(ID, CASE, LAWYER, b, GRADE, AT, GW_ERR_INVALID_FIELD, "level");
        s_eval_field_fails(ID, CASE, LAWYER, LEVEL, b, AT, GW_ERR_INVALID_FIELD, "grade");
        s_eval_field_fails(ID, CASE, LAWYER, LEVEL, GRADE, b, GW_ERR_INVALID_FIELD, "evaluated_at");
    }
    /* levels and grades are strings, not their numbers */
    s_eval_field_fails(ID, CASE, LAWYER, "1", GRADE, AT, GW_ERR_INVALID_FIELD, "level");
    s_eval_field_fails(ID, CASE, LAWYER, LEVEL, "2", AT, GW_ERR_INVALID_FIELD, "grade");
    /* ids and licences keep the session rules */
    s_eval_field_fails("\"q 1\"", CASE, LAWYER, LEVEL, GRADE, AT, GW_ERR_INVALID_FIELD, "id");
    s_eval_field_fails(ID, CASE, "\"1310_12\"", LEVEL, GRADE, AT, GW_ERR_INVALID_FIELD, "lawyer");
    s_eval_field_fails(ID, CASE, "\"\"", LEVEL, GRADE, AT, GW_ERR_INVALID_FIELD, "lawyer");

    /* not an object */
    json_t *root = s_parse_ok("[1, \"x\", null, []]");
    for (size_t i = 0; i < json_array_size(root); i++) {
        gw_evaluation_t e;
        gw_error_t err;
        assert_int_equal(gw_evaluation_decode(json_array_get(root, i), NOW_US, &e, &err), -1);
        s_check_err(&err, "array element", GW_ERR_INVALID_RECORD, "");
    }
    json_decref(root);
    gw_evaluation_t e;
    gw_error_t err;
    assert_int_equal(gw_evaluation_decode(NULL, NOW_US, &e, &err), -1);
    assert_string_equal(err.code, GW_ERR_INVALID_RECORD);
}

static void test_eval_bad_enums(void **state)
{
    static const char *const levels[] = {"\"City\"", "\"CITY\"",   "\"city \"",
                                         "\"\"",     "\"county\"", "\"national\"",
                                         "\"cit\"",  "\"cityx\"",  "\"city\\u0000\""};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        s_eval_field_fails(ID, CASE, LAWYER, levels[i], GRADE, AT, GW_ERR_INVALID_FIELD, "level");
    static const char *const grades[] = {"\"Excellent\"",  "\"excellent \"", "\"\"",
                                         "\"bad\"",        "\"fail\"",       "\"qualify\"",
                                         "\"unqualifed\"", "\"submitted\""};
    for (size_t i = 0; i < sizeof grades / sizeof grades[0]; i++)
        s_eval_field_fails(ID, CASE, LAWYER, LEVEL, grades[i], AT, GW_ERR_INVALID_FIELD, "grade");
    /* a write-up level is not an evaluation level */
    s_eval_field_fails(ID, CASE, LAWYER, "\"city_excellent\"", GRADE, AT, GW_ERR_INVALID_FIELD,
                       "level");
}

static void test_eval_time(void **state)
{
    static const char *const bad[] = {
        "\"2025-11-26T20:00:00\"",         /* no zone */
        "\"2025-11-26\"",                  /* date only */
        "\"2025-02-29T20:00:00+08:00\"",   /* not a leap year */
        "\"\"",                            /* empty */
        "\"1764158400\"",                  /* unix seconds */
        "\"1999-12-31T23:59:59Z\"",        /* before 2000 */
        "\"2025-11-27T12:00:00.000001Z\"", /* a day and a microsecond ahead */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        s_eval_field_fails(ID, CASE, LAWYER, LEVEL, GRADE, bad[i], GW_ERR_INVALID_FIELD,
                           "evaluated_at");
    gw_evaluation_t e;
    char *body = s_eval_body(ID, CASE, LAWYER, LEVEL, GRADE, "\"2000-01-01T00:00:00Z\"");
    s_eval_ok(body, &e);
    assert_int_equal(e.at_us, INT64_C(946684800) * 1000000);
    free(body);
    body = s_eval_body(ID, CASE, LAWYER, LEVEL, GRADE, "\"2025-11-27T20:00:00+08:00\"");
    s_eval_ok(body, &e);
    assert_int_equal(e.at_us, NOW_US + DAY_US);
    free(body);

    /* extreme clocks do not overflow */
    json_t *root = s_parse_ok(EVAL_GOOD);
    gw_error_t err;
    assert_int_equal(gw_evaluation_decode(root, INT64_MAX, &e, &err), 0);
    assert_int_equal(gw_evaluation_decode(root, INT64_MIN, &e, &err), -1);
    assert_string_equal(err.field, "evaluated_at");
    json_decref(root);
}

/* ---- case numbers ------------------------------------------------------- */

static void test_case_numbers_accepted(void **state)
{
    static const char *const good[] = {
        CASE_ZH,
        CASE_ZH2,
        "1",
        "\xe6\xa1\x88",                                     /* 案 */
        "(2025)Zhe0302FaYuan123",                           /* ASCII parentheses */
        "[2025] 0302-12_3/4.5:6",                           /* every ASCII mark, spaces inside */
        "A  B",                                             /* two spaces inside */
        "\xe4\xba\x8c\xe3\x80\x87\xe4\xba\x8c\xe5\x85\xad", /* 二〇二六 */
        "\xe3\x90\x80",                                     /* U+3400, extension A */
        "\xe4\xb8\x80\xe9\xbf\xbf",                         /* U+4E00, U+9FFF */
        "\xef\xa4\x80",                                     /* U+F900, compatibility ideograph */
        "\xf0\xa0\x80\x80",                                 /* U+20000, extension B (4 bytes) */
        "\xf0\xb0\x80\x80",                                 /* U+30000, extension G */
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char *cs = s_quoted(good[i]);
        char *body = s_eval_body(ID, cs, LAWYER, LEVEL, GRADE, AT);
        gw_evaluation_t e;
        s_eval_ok(body, &e);
        assert_string_equal(e.case_no, good[i]);
        free(body);
        free(cs);
    }
}

static void test_case_number_length(void **state)
{
    /* the limit is GW_CASE_MAX bytes: 21 Chinese characters (63 bytes) + 1 digit = 64 */
    char c64[GW_CASE_MAX + 1] = "", c65[GW_CASE_MAX + 2] = "";
    for (int i = 0; i < 21; i++)
        strcat(c64, "\xe6\xa1\x88");
    strcat(c64, "1");
    assert_int_equal(strlen(c64), GW_CASE_MAX);
    memcpy(c65, c64, sizeof c64);
    strcat(c65, "2");
    char *q64 = s_quoted(c64), *q65 = s_quoted(c65);
    char *body = s_eval_body(ID, q64, LAWYER, LEVEL, GRADE, AT);
    gw_evaluation_t e;
    s_eval_ok(body, &e);
    assert_string_equal(e.case_no, c64);
    free(body);
    s_eval_field_fails(ID, q65, LAWYER, LEVEL, GRADE, AT, GW_ERR_INVALID_FIELD, "case");
    /* 22 Chinese characters: 66 bytes, although only 22 characters */
    char c66[80] = "\"";
    for (int i = 0; i < 22; i++)
        strcat(c66, "\xe6\xa1\x88");
    strcat(c66, "\"");
    s_eval_field_fails(ID, c66, LAWYER, LEVEL, GRADE, AT, GW_ERR_INVALID_FIELD, "case");
    /* 64 ASCII characters pass, 65 do not */
    char a64[80], a65[80];
    snprintf(a64, sizeof a64, "\"%.64s\"",
             "0123456789012345678901234567890123456789012345678901234567890123456789");
    snprintf(a65, sizeof a65, "\"%.65s\"",
             "0123456789012345678901234567890123456789012345678901234567890123456789");
    body = s_eval_body(ID, a64, LAWYER, LEVEL, GRADE, AT);
    s_eval_ok(body, &e);
    assert_int_equal(strlen(e.case_no), 64);
    free(body);
    s_eval_field_fails(ID, a65, LAWYER, LEVEL, GRADE, AT, GW_ERR_INVALID_FIELD, "case");
    /* the same in a case event */
    body = s_event_body("\"drafting\"", NULL, NULL, q65);
    s_event_fails(body, GW_ERR_INVALID_FIELD, "case");
    free(body);
    free(q64);
    free(q65);
}

static void test_case_numbers_refused(void **state)
{
    static const char *const bad[] = {
        "\"\"",                   /* empty */
        "\" \"",                  /* only a space */
        "\" " CASE_ZH "\"",       /* leading space: not trimmed */
        "\"" CASE_ZH " \"",       /* trailing space */
        "\"A\\tB\"",              /* tab */
        "\"A\\nB\"",              /* newline */
        "\"\\r\"",                /* carriage return */
        "\"A\\u0000B\"",          /* NUL */
        "\"A\\u007fB\"",          /* DEL */
        "\"A\\u0085B\"",          /* C1 control (NEL) */
        "\"A\\u00a0B\"",          /* no-break space */
        "\"\\u3000" CASE_ZH "\"", /* ideographic space */
        "\"A\\u3000B\"",          /* ideographic space inside */
        "\"A\\u2028B\"",          /* line separator */
        "\"\\u3010"
        "2026\\u3011\"",      /* 【】 not in the list */
        "\"\\uff10\\uff11\"", /* full-width digits */
        "\"\\uff21\"",        /* full-width letter */
        "\"A#1\"",            /* # */
        "\"A,1\"",            /* comma */
        "\"A\\\"1\"",         /* quote */
        "\"A\\\\1\"",         /* backslash */
        "\"\\u00e9\"",        /* Latin-1 letter */
        "\"\\u3042\"",        /* hiragana */
        "\"\\uac00\"",        /* hangul */
        "\"\\ud83d\\ude00\"", /* emoji (4 bytes) */
        "\"\\ufeff"
        "2026\"",      /* byte-order mark */
        "\"\\u200b\"", /* zero-width space */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s_eval_field_fails(ID, bad[i], LAWYER, LEVEL, GRADE, AT, GW_ERR_INVALID_FIELD, "case");
        char *body = s_event_body("\"plea_help\"", NULL, NULL, bad[i]);
        s_event_fails(body, GW_ERR_INVALID_FIELD, "case");
        free(body);
        /* also where "case" is optional */
        body = s_event_body("\"drafting\"", NULL, NULL, bad[i]);
        s_event_fails(body, GW_ERR_INVALID_FIELD, "case");
        free(body);
    }
}

/* Records built in memory rather than parsed may hold invalid UTF-8: refused,
 * without reading past the string (ASan would see it). */
static void test_case_number_invalid_utf8(void **state)
{
    static const struct {
        const char *s;
        size_t n;
    } bad[] = {
        {"\xe6\xa1", 2},         /* truncated at the end */
        {"A\xe6", 2},            /* lead byte at the end */
        {"\xf0\xa0\x80", 3},     /* truncated 4-byte sequence */
        {"\xff", 1},             /* never valid */
        {"\xc0\xaf", 2},         /* overlong */
        {"\xed\xa0\x80", 3},     /* surrogate */
        {"\xf4\x90\x80\x80", 4}, /* above U+10FFFF */
        {"\x80"
         "1",
         2}, /* stray continuation */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *copy = malloc(bad[i].n); /* exact size, no terminator after it */
        memcpy(copy, bad[i].s, bad[i].n);
        json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", "q-1", "lawyer", "L", "level",
                                "city", "grade", "good", "evaluated_at", "2025-11-26T12:00:00Z");
        assert_non_null(rec);
        assert_int_equal(json_object_set_new(rec, "case", json_stringn_nocheck(copy, bad[i].n)), 0);
        free(copy);
        gw_evaluation_t e;
        gw_error_t err;
        assert_int_equal(gw_evaluation_decode(rec, NOW_US, &e, &err), -1);
        s_check_err(&err, "in-memory record", GW_ERR_INVALID_FIELD, "case");
        json_decref(rec);
    }
}

/* ---- case events -------------------------------------------------------- */

static void test_event_every_type_and_value(void **state)
{
    for (size_t t = 0; t < N_TYPES; t++) {
        char *type = s_quoted(TYPES[t].name);
        size_t nv = 0;
        while (nv < 6 && TYPES[t].values[nv])
            nv++;
        for (size_t v = 0; v < (nv ? nv : 1); v++) {
            char *sub = nv ? s_quoted(TYPES[t].values[v]) : NULL;
            char *body = s_event_body(type, TYPES[t].key, sub, CASE);
            gw_case_event_t e;
            s_event_ok(body, &e);
            assert_string_equal(e.id, "e-1");
            assert_string_equal(e.case_no, CASE_ZH);
            assert_string_equal(e.lawyer, "13101201510012345");
            assert_int_equal(e.type, TYPES[t].type);
            assert_int_equal(e.value, nv ? (int)v + 1 : 0);
            assert_int_equal(e.at_us, NOW_US);
            /* names give back the JSON spellings */
            assert_string_equal(gw_case_type_name(e.type), TYPES[t].name);
            if (nv) {
                assert_string_equal(gw_case_value_key(e.type), TYPES[t].key);
                assert_string_equal(gw_case_value_name(e.type, e.value), TYPES[t].values[v]);
            } else {
                assert_null(gw_case_value_key(e.type));
                assert_null(gw_case_value_name(e.type, e.value));
            }
            /* and the Annex 1 rule */
            assert_string_equal(gw_case_event_rule(&e), TYPES[t].rules[v]);
            free(body);
            free(sub);
        }
        free(type);
    }
}

static void test_event_rules(void **state)
{
    static const struct {
        gw_case_type_t type;
        int value;
        const char *rule;
    } rules[] = {
        {GW_CASE_DRAFTING, 0, "3.1"},     {GW_CASE_CLOSED, 1, "4.1"},
        {GW_CASE_CLOSED, 2, "4.2"},       {GW_CASE_CLOSED, 3, "4.2"},
        {GW_CASE_SATISFACTION, 1, "5.1"}, {GW_CASE_SATISFACTION, 2, "5.2"},
        {GW_CASE_SATISFACTION, 3, "5.3"}, {GW_CASE_SATISFACTION, 4, "5.4"},
        {GW_CASE_PLEA_HELP, 0, "7.1"},    {GW_CASE_WRITEUP, 1, "8.1"},
        {GW_CASE_WRITEUP, 2, "8.2"},      {GW_CASE_WRITEUP, 3, "8.3"},
        {GW_CASE_WRITEUP, 4, "8.4"},      {GW_CASE_WRITEUP, 5, "8.5"},
        {GW_CASE_ACTIVITY, 1, "9.1"},     {GW_CASE_ACTIVITY, 2, "9.2"},
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        gw_case_event_t e = {.type = rules[i].type, .value = rules[i].value};
        assert_string_equal(gw_case_event_rule(&e), rules[i].rule);
    }
    /* out of range: no rule, no name */
    static const struct {
        int type, value;
    } bad[] = {{0, 0},
               {0, 1},
               {7, 1},
               {-1, 0},
               {GW_CASE_CLOSED, 0},
               {GW_CASE_CLOSED, 4},
               {GW_CASE_SATISFACTION, 5},
               {GW_CASE_WRITEUP, 6},
               {GW_CASE_WRITEUP, -1},
               {GW_CASE_ACTIVITY, 3},
               {GW_CASE_PLEA_HELP, 1},
               {GW_CASE_DRAFTING, 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gw_case_event_t e = {.type = (gw_case_type_t)bad[i].type, .value = bad[i].value};
        assert_null(gw_case_event_rule(&e));
        assert_null(gw_case_value_name(e.type, e.value));
    }
    assert_null(gw_case_type_name((gw_case_type_t)0));
    assert_null(gw_case_type_name((gw_case_type_t)7));
    assert_null(gw_case_value_key((gw_case_type_t)0));
    assert_null(gw_case_value_key((gw_case_type_t)7));
}

static void test_event_case_optional(void **state)
{
    for (size_t t = 0; t < N_TYPES; t++) {
        char *body = s_event_of(t, NULL); /* no "case" */
        if (TYPES[t].case_required) {
            s_event_fails(body, GW_ERR_MISSING_FIELD, "case");
        } else {
            gw_case_event_t e;
            memset(&e, 0x5a, sizeof e);
            s_event_ok(body, &e);
            assert_string_equal(e.case_no, "");
            assert_int_equal(e.type, TYPES[t].type);
        }
        free(body);
        /* present: taken where optional too */
        body = s_event_of(t, "\"" CASE_ZH2 "\"");
        gw_case_event_t e;
        s_event_ok(body, &e);
        assert_string_equal(e.case_no, CASE_ZH2);
        free(body);
        /* null is not absent; "" is not absent either */
        body = s_event_of(t, "null");
        s_event_fails(body, GW_ERR_INVALID_FIELD, "case");
        free(body);
        body = s_event_of(t, "\"\"");
        s_event_fails(body, GW_ERR_INVALID_FIELD, "case");
        free(body);
        body = s_event_of(t, "42");
        s_event_fails(body, GW_ERR_INVALID_FIELD, "case");
        free(body);
    }
}

static void test_event_missing_fields(void **state)
{
    s_event_fails("{}", GW_ERR_MISSING_FIELD, "id");
    const char *sub = "\"major\"";
    char *b;
    b = s_obj("case", CASE, "lawyer", LAWYER, "type", "\"closed\"", "at", AT, "category", sub,
              NULL);
    s_event_fails(b, GW_ERR_MISSING_FIELD, "id");
    free(b);
    b = s_obj("id", ID, "case", CASE, "lawyer", LAWYER, "at", AT, "category", sub, NULL);
    s_event_fails(b, GW_ERR_MISSING_FIELD, "type");
    free(b);
    b = s_obj("id", ID, "case", CASE, "type", "\"closed\"", "at", AT, "category", sub, NULL);
    s_event_fails(b, GW_ERR_MISSING_FIELD, "lawyer");
    free(b);
    b = s_obj("id", ID, "case", CASE, "lawyer", LAWYER, "type", "\"closed\"", "category", sub,
              NULL);
    s_event_fails(b, GW_ERR_MISSING_FIELD, "at");
    free(b);
    /* the field the type requires */
    for (size_t t = 0; t < N_TYPES; t++) {
        if (!TYPES[t].key)
            continue;
        char *type = s_quoted(TYPES[t].name);
        b = s_event_body(type, NULL, NULL, CASE);
        s_event_fails(b, GW_ERR_MISSING_FIELD, TYPES[t].key);
        free(b);
        /* null or the wrong type is not absent */
        b = s_event_body(type, TYPES[t].key, "null", CASE);
        s_event_fails(b, GW_ERR_INVALID_FIELD, TYPES[t].key);
        free(b);
        b = s_event_body(type, TYPES[t].key, "1", CASE);
        s_event_fails(b, GW_ERR_INVALID_FIELD, TYPES[t].key);
        free(b);
        b = s_event_body(type, TYPES[t].key, "[\"major\"]", CASE);
        s_event_fails(b, GW_ERR_INVALID_FIELD, TYPES[t].key);
        free(b);
        free(type);
    }
}

static void test_event_foreign_fields(void **state)
{
    /* "rating" on a "closed" event, and so on for every pair of types */
    for (size_t t = 0; t < N_TYPES; t++) {
        for (size_t o = 0; o < N_TYPES; o++) {
            if (o == t || !TYPES[o].key)
                continue;
            char *type = s_quoted(TYPES[t].name);
            char *own = TYPES[t].key ? s_quoted(TYPES[t].values[0]) : NULL;
            char *other = s_quoted(TYPES[o].values[0]);
            char *b = s_obj("id", ID, "case", CASE, "lawyer", LAWYER, "type", type, "at", AT,
                            TYPES[t].key ? TYPES[t].key : "x", own, TYPES[o].key, other, NULL);
            s_event_fails(b, GW_ERR_INVALID_FIELD, TYPES[o].key);
            free(b);
            free(type);
            free(own);
            free(other);
        }
    }
    /* the brief's example, exactly */
    s_event_fails("{\"id\":\"e-1\",\"case\":\"" CASE_ZH "\",\"lawyer\":" LAWYER
                  ",\"type\":\"closed\",\"at\":" AT ",\"category\":\"group\","
                  "\"rating\":\"satisfied\"}",
                  GW_ERR_INVALID_FIELD, "rating");
    /* a foreign field is reported before a missing case or own field */
    s_event_fails("{\"id\":\"e-1\",\"lawyer\":" LAWYER ",\"type\":\"closed\",\"at\":" AT
                  ",\"rating\":\"satisfied\"}",
                  GW_ERR_INVALID_FIELD, "rating");
    /* keys outside every type's schema */
    static const char *const unknown[] = {"grade", "evaluated_at", "event", "value", "Type"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        char *b = s_obj("id", ID, "case", CASE, "lawyer", LAWYER, "type", "\"plea_help\"", "at", AT,
                        unknown[i], "\"x\"", NULL);
        s_event_fails(b, GW_ERR_INVALID_FIELD, unknown[i]);
        free(b);
    }
    /* an unknown key comes before everything else, even a missing id */
    s_event_fails("{\"seat\":3}", GW_ERR_INVALID_FIELD, "seat");
}

static void test_event_bad_enums(void **state)
{
    static const char *const types[] = {"\"Closed\"",   "\"close\"",      "\"plea-help\"",
                                        "\"pleahelp\"", "\"\"",           "\"closed \"",
                                        "\"writeups\"", "\"evaluation\"", "\"sign_in\""};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        char *b = s_event_body(types[i], NULL, NULL, CASE);
        s_event_fails(b, GW_ERR_INVALID_FIELD, "type");
        free(b);
    }
    static const char *const not_strings[] = {"1", "null", "true", "[\"closed\"]"};
    for (size_t i = 0; i < sizeof not_strings / sizeof not_strings[0]; i++) {
        char *b = s_event_body(not_strings[i], NULL, NULL, CASE);
        s_event_fails(b, GW_ERR_INVALID_FIELD, "type");
        free(b);
    }
    /* a bad type is reported before the sub-kind field it would decide on */
    s_event_fails("{\"id\":\"e-1\",\"type\":\"closd\",\"rating\":\"basic\"}", GW_ERR_INVALID_FIELD,
                  "type");

    /* sub-kind values: wrong case, another type's spelling, near misses */
    static const struct {
        const char *type, *key, *value;
    } bad[] = {
        {"\"closed\"", "category", "\"Ordinary\""},
        {"\"closed\"", "category", "\"satisfied\""},
        {"\"closed\"", "category", "\"groups\""},
        {"\"closed\"", "category", "\"\""},
        {"\"satisfaction\"", "rating", "\"unsatisfied\""},
        {"\"satisfaction\"", "rating", "\"good\""},
        {"\"satisfaction\"", "rating", "\"Default\""},
        {"\"writeup\"", "level", "\"city\""}, /* an evaluation level */
        {"\"writeup\"", "level", "\"province_excellent\""},
        {"\"writeup\"", "level", "\"city-typical\""},
        {"\"activity\"", "kind", "\"lectures\""},
        {"\"activity\"", "kind", "\"consultation \""},
        {"\"activity\"", "kind", "\"lecture\\u0000\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *b = s_event_body(bad[i].type, bad[i].key, bad[i].value, CASE);
        s_event_fails(b, GW_ERR_INVALID_FIELD, bad[i].key);
        free(b);
    }
}

static void test_event_fields(void **state)
{
    /* id, lawyer and at keep the session rules */
    char *b = s_obj("id", "\"e 1\"", "type", "\"drafting\"", "lawyer", LAWYER, "at", AT, NULL);
    s_event_fails(b, GW_ERR_INVALID_FIELD, "id");
    free(b);
    b = s_obj("id", ID, "type", "\"drafting\"", "lawyer", "\"L.1\"", "at", AT, NULL);
    s_event_fails(b, GW_ERR_INVALID_FIELD, "lawyer");
    free(b);
    static const char *const bad_at[] = {"\"2025-11-26T20:00:00\"", "\"1999-12-31T23:59:59Z\"",
                                         "\"2025-11-27T12:00:01Z\"", "1764158400", "null"};
    for (size_t i = 0; i < sizeof bad_at / sizeof bad_at[0]; i++) {
        b = s_obj("id", ID, "type", "\"drafting\"", "lawyer", LAWYER, "at", bad_at[i], NULL);
        s_event_fails(b, GW_ERR_INVALID_FIELD, "at");
        free(b);
    }
    /* the time edges */
    gw_case_event_t e;
    b = s_obj("id", ID, "type", "\"drafting\"", "lawyer", LAWYER, "at", "\"2025-11-27T12:00:00Z\"",
              NULL);
    s_event_ok(b, &e);
    assert_int_equal(e.at_us, NOW_US + DAY_US);
    assert_int_equal(e.value, 0);
    free(b);
    /* "evaluated_at" is the evaluation's key, not the event's */
    b = s_obj("id", ID, "type", "\"drafting\"", "lawyer", LAWYER, "evaluated_at", AT, NULL);
    s_event_fails(b, GW_ERR_INVALID_FIELD, "evaluated_at");
    free(b);

    /* order: id, type, foreign field, case, lawyer, at, the type's field */
    s_event_fails("{\"type\":\"closd\"}", GW_ERR_MISSING_FIELD, "id");
    s_event_fails("{\"id\":\"e-1\"}", GW_ERR_MISSING_FIELD, "type");
    s_event_fails("{\"id\":\"e-1\",\"type\":\"closed\"}", GW_ERR_MISSING_FIELD, "case");
    s_event_fails("{\"id\":\"e-1\",\"type\":\"activity\"}", GW_ERR_MISSING_FIELD, "lawyer");
    s_event_fails("{\"id\":\"e-1\",\"type\":\"activity\",\"lawyer\":\"L\"}", GW_ERR_MISSING_FIELD,
                  "at");
    s_event_fails("{\"id\":\"e-1\",\"type\":\"activity\",\"lawyer\":\"L\",\"at\":" AT "}",
                  GW_ERR_MISSING_FIELD, "kind");

    /* not an object */
    json_t *root = s_parse_ok("[1, \"x\", null, [], true]");
    for (size_t i = 0; i < json_array_size(root); i++) {
        gw_error_t err;
        assert_int_equal(gw_case_event_decode(json_array_get(root, i), NOW_US, &e, &err), -1);
        s_check_err(&err, "array element", GW_ERR_INVALID_RECORD, "");
    }
    json_decref(root);
    gw_error_t err;
    assert_int_equal(gw_case_event_decode(NULL, NOW_US, &e, &err), -1);
    assert_string_equal(err.code, GW_ERR_INVALID_RECORD);
}

static void test_event_batch(void **state)
{
    /* each element on its own: bad ones do not spoil the good ones */
    const char *body =
        "[{\"id\":\"e-1\",\"case\":\"" CASE_ZH "\",\"lawyer\":\"L1\",\"type\":\"writeup\","
        "\"at\":\"2025-11-01T09:00:00+08:00\",\"level\":\"province_typical\"},"
        "{\"id\":\"e-2\",\"lawyer\":\"L1\",\"type\":\"closed\",\"at\":\"2025-11-01T09:00:00Z\","
        "\"category\":\"major\"},"
        "{\"id\":\"e-3\",\"lawyer\":\"L2\",\"type\":\"activity\",\"at\":\"2025-11-02T09:00:00Z\","
        "\"kind\":\"lecture\"},"
        "\"e-4\","
        "{\"id\":\"e-5\",\"case\":\"" CASE_ZH2 "\",\"lawyer\":\"L3\",\"type\":\"satisfaction\","
        "\"at\":\"2025-11-03T09:00:00Z\",\"rating\":\"dissatisfied\"}]";
    json_t *root = s_parse_ok(body);
    assert_int_equal(json_array_size(root), 5);
    static const struct {
        int rc;
        const char *code, *field, *rule;
    } expect[] = {
        {0, NULL, NULL, "8.5"}, {-1, GW_ERR_MISSING_FIELD, "case", NULL},
        {0, NULL, NULL, "9.2"}, {-1, GW_ERR_INVALID_RECORD, "", NULL},
        {0, NULL, NULL, "5.4"},
    };
    for (size_t i = 0; i < 5; i++) {
        gw_case_event_t e;
        gw_error_t err;
        int rc = gw_case_event_decode(json_array_get(root, i), NOW_US, &e, &err);
        assert_int_equal(rc, expect[i].rc);
        if (rc == 0) {
            assert_string_equal(gw_case_event_rule(&e), expect[i].rule);
        } else {
            assert_string_equal(err.code, expect[i].code);
            assert_string_equal(err.field, expect[i].field);
        }
    }
    /* an evaluation is not a case event, and the other way round */
    gw_case_event_t e;
    gw_evaluation_t ev;
    gw_error_t err;
    assert_int_equal(gw_case_event_decode(json_array_get(root, 0), NOW_US, &e, &err), 0);
    assert_int_equal(gw_evaluation_decode(json_array_get(root, 0), NOW_US, &ev, &err), -1);
    assert_string_equal(err.field, "type");
    json_decref(root);
    root = s_parse_ok(EVAL_GOOD);
    assert_int_equal(gw_case_event_decode(root, NOW_US, &e, &err), -1);
    assert_string_equal(err.code, GW_ERR_INVALID_FIELD);
    assert_string_equal(err.field, "grade");
    json_decref(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval_valid),
        cmocka_unit_test(test_eval_rules_and_names),
        cmocka_unit_test(test_eval_missing_fields),
        cmocka_unit_test(test_eval_unknown_fields),
        cmocka_unit_test(test_eval_wrong_types),
        cmocka_unit_test(test_eval_bad_enums),
        cmocka_unit_test(test_eval_time),
        cmocka_unit_test(test_case_numbers_accepted),
        cmocka_unit_test(test_case_number_length),
        cmocka_unit_test(test_case_numbers_refused),
        cmocka_unit_test(test_case_number_invalid_utf8),
        cmocka_unit_test(test_event_every_type_and_value),
        cmocka_unit_test(test_event_rules),
        cmocka_unit_test(test_event_case_optional),
        cmocka_unit_test(test_event_missing_fields),
        cmocka_unit_test(test_event_foreign_fields),
        cmocka_unit_test(test_event_bad_enums),
        cmocka_unit_test(test_event_fields),
        cmocka_unit_test(test_event_batch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
