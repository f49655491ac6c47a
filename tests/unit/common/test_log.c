/* Unit tests for log: masking personal data for logs (first 3 and last 2
 * bytes kept when longer than 6 bytes, all starred otherwise), level names,
 * the level filter and the "<level> [<service>] message" line format. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fayuan/log.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void s_expect_mask(const char *in, size_t len, const char *want)
{
    char buf[128];
    assert_true(len <= sizeof buf);
    memset(buf, 'Z', sizeof buf);
    const char *got = log_mask(in, buf, len);
    assert_ptr_equal(got, buf);
    if (strcmp(got, want) != 0)
        fail_msg("log_mask('%s', %zu): got '%s', want '%s'", in ? in : "(NULL)", len, got, want);
}

static void test_mask_identifiers(void **state)
{
    (void)state;
    /* A 17-digit number: 3 kept, 12 starred, 2 kept. */
    s_expect_mask("13303199210001444", 64, "133************44");
    /* A mobile phone number (11 digits). */
    s_expect_mask("13812345678", 64, "138******78");
    /* A resident ID number (18 characters, X check digit). */
    s_expect_mask("33030219900101123X", 64, "330*************3X");
    /* A token. */
    s_expect_mask("abcdefghijklmnopqrstuvwxyz", 64, "abc*********************yz");
}

/* The cut is at 6 bytes: 7 keeps 3 + 2 around 2 stars, 6 and less all stars. */
static void test_mask_short(void **state)
{
    (void)state;
    s_expect_mask("1234567", 64, "123**67");
    s_expect_mask("12345678", 64, "123***78");
    s_expect_mask("123456", 64, "******");
    s_expect_mask("12345", 64, "*****");
    s_expect_mask("1", 64, "*");
    s_expect_mask("", 64, "");
}

static void test_mask_null(void **state)
{
    (void)state;
    s_expect_mask(NULL, 64, "(null)");
    s_expect_mask(NULL, 4, "(nu");
}

/* Truncation keeps the front of the masked text and always NUL-terminates;
 * it never reveals more than the full mask would. */
static void test_mask_truncation(void **state)
{
    (void)state;
    const char *id = "13303199210001444";
    s_expect_mask(id, 18, "133************44"); /* exactly fits */
    s_expect_mask(id, 17, "133************4");  /* last kept char cut */
    s_expect_mask(id, 16, "133************");
    s_expect_mask(id, 5, "133*");
    s_expect_mask(id, 4, "133");
    s_expect_mask(id, 2, "1");
    s_expect_mask(id, 1, "");
    s_expect_mask("123456", 3, "**");

    /* len 0: nothing is written, not even a NUL. */
    char buf[4] = {'a', 'b', 'c', '\0'};
    assert_ptr_equal(log_mask(id, buf, 0), buf);
    assert_string_equal(buf, "abc");
    assert_ptr_equal(log_mask(NULL, buf, 0), buf);
    assert_string_equal(buf, "abc");
}

/* Masking works on bytes: a 12-byte Chinese name keeps its first character
 * (3 bytes) and the last 2 bytes, starring the 7 in between. */
static void test_mask_bytes(void **state)
{
    (void)state;
    char buf[64];
    const char *name = "欧阳娜娜"; /* 4 x 3 bytes */
    log_mask(name, buf, sizeof buf);
    assert_int_equal(strlen(buf), 12);
    assert_memory_equal(buf, "欧", 3);
    assert_memory_equal(buf + 3, "*******", 7);
    assert_memory_equal(buf + 10, name + 10, 2);
}

static void test_level_parse(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int want;
    } cases[] = {
        {"error", LOG_ERROR}, {"warn", LOG_WARN}, {"info", LOG_INFO}, {"debug", LOG_DEBUG},
        {"ERROR", LOG_ERROR}, {"Warn", LOG_WARN}, {"INFO", LOG_INFO}, {"dEbUg", LOG_DEBUG},
        {"warning", -1},      {"err", -1},        {"", -1},           {"trace", -1},
        {"info ", -1},        {" info", -1},      {"fatal", -1},      {"0", -1},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        int got = log_level_parse(cases[i].name);
        if (got != cases[i].want)
            fail_msg("log_level_parse('%s'): got %d, want %d", cases[i].name, got, cases[i].want);
    }
    assert_int_equal(LOG_ERROR, 0);
    assert_int_equal(LOG_DEBUG, 3);
}

static void test_enabled(void **state)
{
    (void)state;
    log_set_level(LOG_WARN);
    assert_true(log_enabled(LOG_ERROR));
    assert_true(log_enabled(LOG_WARN));
    assert_false(log_enabled(LOG_INFO));
    assert_false(log_enabled(LOG_DEBUG));
    log_set_level(LOG_DEBUG);
    assert_true(log_enabled(LOG_DEBUG));
    log_set_level(LOG_ERROR);
    assert_true(log_enabled(LOG_ERROR));
    assert_false(log_enabled(LOG_WARN));
    log_set_level(LOG_INFO);
}

/* Runs fn with stderr sent to a temporary file and returns what it wrote
 * (malloc'ed). */
static char *s_capture(void (*fn)(void))
{
    char path[] = "/tmp/fayuan-test-log-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fd, STDERR_FILENO) >= 0);
    fn();
    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    off_t size = lseek(fd, 0, SEEK_END);
    assert_true(size >= 0);
    char *text = malloc((size_t)size + 1);
    assert_non_null(text);
    assert_int_equal(pread(fd, text, (size_t)size, 0), size);
    text[size] = '\0';
    close(fd);
    return text;
}

static void s_write_some(void)
{
    log_init("scored");
    log_set_level(LOG_INFO);
    log_error("db lost: %s", "timeout");
    log_warn("retry %d of %d", 2, 5);
    log_info("quarter %s closed", "2026Q4");
    log_debug("not shown %d", 1);
    log_set_level(LOG_ERROR);
    log_warn("not shown either");
    log_info("nor this");
    log_error("last");
    log_set_level(LOG_INFO);
}

static void test_write_format(void **state)
{
    (void)state;
    char *text = s_capture(s_write_some);
    assert_string_equal(text, "error [scored] db lost: timeout\n"
                              "warn [scored] retry 2 of 5\n"
                              "info [scored] quarter 2026Q4 closed\n"
                              "error [scored] last\n");
    free(text);
}

static void s_write_long(void)
{
    /* The service name is cut to 31 bytes, a long message to the line. */
    log_init("a-service-name-that-is-much-too-long-for-the-field");
    char msg[4000];
    memset(msg, 'm', sizeof msg - 1);
    msg[sizeof msg - 1] = '\0';
    log_error("%s", msg);
    log_init("fayuan");
}

static void test_write_truncated(void **state)
{
    (void)state;
    char *text = s_capture(s_write_long);
    const char *prefix = "error [a-service-name-that-is-much-too] ";
    size_t plen = strlen(prefix);
    assert_memory_equal(text, prefix, plen);
    /* One line of at most 2047 bytes, then the newline. */
    size_t n = strlen(text);
    assert_int_equal(n, 2047 + 1);
    assert_int_equal(text[n - 1], '\n');
    for (size_t i = plen; i < n - 1; i++)
        assert_int_equal(text[i], 'm');
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_identifiers), cmocka_unit_test(test_mask_short),
        cmocka_unit_test(test_mask_null),        cmocka_unit_test(test_mask_truncation),
        cmocka_unit_test(test_mask_bytes),       cmocka_unit_test(test_level_parse),
        cmocka_unit_test(test_enabled),          cmocka_unit_test(test_write_format),
        cmocka_unit_test(test_write_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
