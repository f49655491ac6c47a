/* Unit tests for pgarr: PostgreSQL array literals for unnest($1::text[])
 * (every element double-quoted, '"' and '\' backslash-escaped, SQL NULL
 * unquoted) and the hex helpers. Expected literals are written out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fayuan/pgarr.h"

static void test_empty_array(void **state)
{
    (void)state;
    pgarr_t a;
    pgarr_init(&a);
    assert_string_equal(pgarr_str(&a), "{}");
    assert_int_equal(a.count, 0);
    /* Asking twice gives the same literal. */
    assert_string_equal(pgarr_str(&a), "{}");
    pgarr_free(&a);
    assert_null(a.buf);
    assert_int_equal(a.len, 0);
    assert_int_equal(a.count, 0);
}

static void test_plain_elements(void **state)
{
    (void)state;
    pgarr_t a;
    pgarr_init(&a);
    pgarr_add(&a, "abc");
    assert_string_equal(pgarr_str(&a), "{\"abc\"}");
    pgarr_add(&a, "");
    pgarr_add(&a, "x");
    assert_string_equal(pgarr_str(&a), "{\"abc\",\"\",\"x\"}");
    assert_int_equal(a.count, 3);
    pgarr_free(&a);
}

static void test_special_characters(void **state)
{
    (void)state;
    pgarr_t a;
    pgarr_init(&a);
    pgarr_add(&a, "say \"hi\"");   /* quotes -> \" */
    pgarr_add(&a, "C:\\dir\\");    /* backslashes -> \\ */
    pgarr_add(&a, "a,b");          /* comma kept inside the quotes */
    pgarr_add(&a, "{x}");          /* braces kept inside the quotes */
    pgarr_add(&a, "  two  sp ");   /* spaces kept, leading and trailing too */
    pgarr_add(&a, "\\\"");         /* a backslash then a quote */
    pgarr_add(&a, "line1\nline2"); /* newline verbatim */
    pgarr_add(&a, "NULL");         /* the word NULL is a string, quoted */
    const char *want = "{"
                       "\"say \\\"hi\\\"\","
                       "\"C:\\\\dir\\\\\","
                       "\"a,b\","
                       "\"{x}\","
                       "\"  two  sp \","
                       "\"\\\\\\\"\","
                       "\"line1\nline2\","
                       "\"NULL\""
                       "}";
    assert_string_equal(pgarr_str(&a), want);
    /* Unescaped for the reader (newline shown as \n):
     * {"say \"hi\"","C:\\dir\\","a,b","{x}","  two  sp ","\\\"","line1\nline2","NULL"}
     * Lengths with quotes and comma: 13 12 6 6 13 7 14, then 6, plus braces. */
    assert_int_equal(strlen(want), 1 + 13 + 12 + 6 + 6 + 13 + 7 + 14 + 6 + 1);
    pgarr_free(&a);
}

static void test_utf8(void **state)
{
    (void)state;
    pgarr_t a;
    pgarr_init(&a);
    pgarr_add(&a, "张三");
    pgarr_add(&a, "温州市法律援助中心");
    pgarr_add(&a, "“引号”");
    assert_string_equal(pgarr_str(&a), "{\"张三\",\"温州市法律援助中心\",\"“引号”\"}");
    pgarr_free(&a);
}

static void test_null_elements(void **state)
{
    (void)state;
    pgarr_t a;
    pgarr_init(&a);
    pgarr_add(&a, NULL);
    assert_string_equal(pgarr_str(&a), "{NULL}");
    pgarr_add(&a, "a");
    pgarr_add(&a, NULL);
    pgarr_add(&a, NULL);
    assert_string_equal(pgarr_str(&a), "{NULL,\"a\",NULL,NULL}");
    assert_int_equal(a.count, 4);
    pgarr_free(&a);
}

static void test_ints(void **state)
{
    (void)state;
    pgarr_t a;
    pgarr_init(&a);
    pgarr_add_int(&a, 0);
    pgarr_add_int(&a, 42);
    pgarr_add_int(&a, -150);
    pgarr_add_int(&a, INT64_MAX);
    pgarr_add_int(&a, INT64_MIN);
    assert_string_equal(pgarr_str(&a), "{\"0\",\"42\",\"-150\",\"9223372036854775807\","
                                       "\"-9223372036854775808\"}");
    pgarr_free(&a);
}

static void test_hex(void **state)
{
    (void)state;
    pgarr_t a;
    pgarr_init(&a);
    const uint8_t bytes[] = {0x00, 0xff, 0x10, 0xab, 0x7f, 0x80, 0x09};
    pgarr_add_hex(&a, bytes, sizeof bytes);
    pgarr_add_hex(&a, NULL, 0);
    const uint8_t one = 0xc3;
    pgarr_add_hex(&a, &one, 1);
    assert_string_equal(pgarr_str(&a), "{\"00ff10ab7f8009\",\"\",\"c3\"}");
    pgarr_free(&a);
}

/* Strings, ints, hex and NULLs mix in one array, in order. */
static void test_mixed(void **state)
{
    (void)state;
    pgarr_t a;
    pgarr_init(&a);
    const uint8_t b[] = {0xde, 0xad};
    pgarr_add_int(&a, -1);
    pgarr_add(&a, NULL);
    pgarr_add_hex(&a, b, 2);
    pgarr_add(&a, "q\"");
    assert_string_equal(pgarr_str(&a), "{\"-1\",NULL,\"dead\",\"q\\\"\"}");
    pgarr_free(&a);
}

/* pgarr_str does not end the array: adding after it continues the list. */
static void test_add_after_str(void **state)
{
    (void)state;
    pgarr_t a;
    pgarr_init(&a);
    pgarr_add(&a, "a");
    assert_string_equal(pgarr_str(&a), "{\"a\"}");
    pgarr_add(&a, "b");
    assert_string_equal(pgarr_str(&a), "{\"a\",\"b\"}");
    pgarr_free(&a);
    /* A freed array can be initialised and used again. */
    pgarr_init(&a);
    pgarr_add_int(&a, 7);
    assert_string_equal(pgarr_str(&a), "{\"7\"}");
    pgarr_free(&a);
}

/* Many elements make the buffer grow; check the exact length and the ends. */
static void test_growth(void **state)
{
    (void)state;
    pgarr_t a;
    pgarr_init(&a);
    for (int i = 0; i < 10000; i++)
        pgarr_add(&a, "\"\\"); /* each becomes "\"\\" : 6 bytes */
    const char *s = pgarr_str(&a);
    /* "{" + 10000 * 6 + 9999 commas + "}" */
    assert_int_equal(strlen(s), 1 + 60000 + 9999 + 1);
    assert_memory_equal(s, "{\"\\\"\\\\\",\"", 9);
    assert_string_equal(s + strlen(s) - 8, ",\"\\\"\\\\\"}");
    assert_int_equal(a.count, 10000);
    pgarr_free(&a);

    /* One long element. */
    char big[100001];
    memset(big, 'z', 100000);
    big[100000] = '\0';
    pgarr_init(&a);
    pgarr_add(&a, big);
    s = pgarr_str(&a);
    assert_int_equal(strlen(s), 100004);
    assert_memory_equal(s, "{\"zz", 4);
    assert_string_equal(s + 100000, "zz\"}");
    pgarr_free(&a);
}

static void test_unhex(void **state)
{
    (void)state;
    uint8_t *out = NULL;
    size_t len = 99;
    assert_int_equal(pgarr_unhex("00ff10AB7f", &out, &len), 0);
    assert_int_equal(len, 5);
    const uint8_t want[] = {0x00, 0xff, 0x10, 0xab, 0x7f};
    assert_memory_equal(out, want, 5);
    free(out);

    out = NULL;
    len = 99;
    assert_int_equal(pgarr_unhex("", &out, &len), 0);
    assert_non_null(out);
    assert_int_equal(len, 0);
    free(out);
}

static void test_unhex_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {"0",  "abc", "0g", "g0", "zz", " 0a", "0a ", "0x0a",
                                      "-1", "+1",  "0:", "@0", "`0", "0G",  "ff\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t *out = (uint8_t *)"untouched";
        size_t len = 77;
        if (pgarr_unhex(bad[i], &out, &len) != -1)
            fail_msg("pgarr_unhex('%s') accepted", bad[i]);
        assert_string_equal((const char *)out, "untouched");
        assert_int_equal(len, 77);
    }
}

/* Every byte value survives pgarr_add_hex -> pgarr_unhex. */
static void test_hex_round_trip(void **state)
{
    (void)state;
    uint8_t all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)(255 - i);
    pgarr_t a;
    pgarr_init(&a);
    pgarr_add_hex(&a, all, sizeof all);
    const char *s = pgarr_str(&a);
    assert_int_equal(strlen(s), 2 + 2 + 512);
    assert_memory_equal(s, "{\"fffefd", 8);
    /* Strip {" and "} to get the hex text back. */
    char hex[513];
    memcpy(hex, s + 2, 512);
    hex[512] = '\0';
    assert_string_equal(s + 514, "\"}");
    pgarr_free(&a);

    uint8_t *out = NULL;
    size_t len = 0;
    assert_int_equal(pgarr_unhex(hex, &out, &len), 0);
    assert_int_equal(len, 256);
    assert_memory_equal(out, all, 256);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_array),
        cmocka_unit_test(test_plain_elements),
        cmocka_unit_test(test_special_characters),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_null_elements),
        cmocka_unit_test(test_ints),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_mixed),
        cmocka_unit_test(test_add_after_str),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_unhex),
        cmocka_unit_test(test_unhex_rejects),
        cmocka_unit_test(test_hex_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
