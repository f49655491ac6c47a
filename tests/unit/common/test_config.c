/* Unit tests for config: a table of rows loaded from a temporary INI file,
 * with defaults, FAYUAN_<SECTION>_<KEY> environment overrides, validation of
 * the whole table before any target is written, strict sections and reload.
 * (inih is built here without handler line numbers, so an unknown-key error
 * names the file and the key, not the line.) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fayuan/config.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The targets of one daemon's table (scored-like). */
static char *s_db_url;
static int s_green, s_red, s_workers;
static char *s_log_level;
static bool s_dry_run;
static char *s_spool;

static const cf_row_t s_rows[] = {
    {"common", "db_url", CF_STR, &s_db_url, NULL, false, 0, 0},
    {"score", "green_permille", CF_INT, &s_green, "300", true, 0, 1000},
    {"score", "red_permille", CF_INT, &s_red, "900", true, 0, 1000},
    {"score", "workers", CF_INT, &s_workers, "4", false, 0, 0}, /* unbounded */
    {"score", "log_level", CF_STR, &s_log_level, "info", true, 0, 0},
    {"score", "dry_run", CF_BOOL, &s_dry_run, "false", false, 0, 0},
    /* A key of another daemon's section that this one also reads. */
    {"notify", "spool_dir", CF_STR, &s_spool, "/var/spool/fayuan", false, 0, 0},
};

static const char *const s_strict[] = {"common", "score", NULL};

static const char *const s_env_names[] = {
    "FAYUAN_COMMON_DB_URL",      "FAYUAN_SCORE_GREEN_PERMILLE",
    "FAYUAN_SCORE_RED_PERMILLE", "FAYUAN_SCORE_WORKERS",
    "FAYUAN_SCORE_LOG_LEVEL",    "FAYUAN_SCORE_DRY_RUN",
    "FAYUAN_NOTIFY_SPOOL_DIR",   "FAYUAN_CONF",
};

static char s_path[64];
static char s_err[512];

/* Writes text to a fresh temporary file, path in s_path. */
static void s_write(const char *text)
{
    if (s_path[0])
        unlink(s_path);
    snprintf(s_path, sizeof s_path, "/tmp/fayuan-test-config-XXXXXX");
    int fd = mkstemp(s_path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* Every target set to a recognisable value so "unchanged" can be checked. */
static void s_sentinels(void)
{
    config_free(s_rows, NELEM(s_rows));
    s_db_url = strdup("old-db");
    s_log_level = strdup("old-level");
    s_spool = strdup("old-spool");
    s_green = -11;
    s_red = -22;
    s_workers = -33;
    s_dry_run = true;
}

static void s_assert_sentinels(void)
{
    assert_string_equal(s_db_url, "old-db");
    assert_string_equal(s_log_level, "old-level");
    assert_string_equal(s_spool, "old-spool");
    assert_int_equal(s_green, -11);
    assert_int_equal(s_red, -22);
    assert_int_equal(s_workers, -33);
    assert_true(s_dry_run);
}

static int s_load(const char *path, bool reload)
{
    s_err[0] = '\0';
    return config_load(path, s_rows, NELEM(s_rows), s_strict, reload, s_err, sizeof s_err);
}

/* Loading must fail with an error that contains want. */
static void s_expect_error(const char *path, bool reload, const char *want)
{
    int rc = s_load(path, reload);
    if (rc != -1)
        fail_msg("expected failure containing '%s', got rc %d", want, rc);
    if (!strstr(s_err, want))
        fail_msg("error '%s' does not contain '%s'", s_err, want);
}

static int s_setup(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(s_env_names); i++)
        unsetenv(s_env_names[i]);
    s_path[0] = '\0';
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(s_env_names); i++)
        unsetenv(s_env_names[i]);
    config_free(s_rows, NELEM(s_rows));
    if (s_path[0])
        unlink(s_path);
    s_path[0] = '\0';
    return 0;
}

static void test_defaults(void **state)
{
    (void)state;
    s_write("[common]\ndb_url = postgresql:///fayuan\n");
    assert_int_equal(s_load(s_path, false), 0);
    assert_string_equal(s_db_url, "postgresql:///fayuan");
    assert_int_equal(s_green, 300);
    assert_int_equal(s_red, 900);
    assert_int_equal(s_workers, 4);
    assert_string_equal(s_log_level, "info");
    assert_false(s_dry_run);
    assert_string_equal(s_spool, "/var/spool/fayuan");
}

static void test_file_values(void **state)
{
    (void)state;
    s_write("; fayuan test configuration\n"
            "# another comment style\n"
            "[common]\n"
            "db_url=host=db dbname=fayuan\n"
            "\n"
            "[score]\n"
            "  green_permille   =   250  \n"
            "red_permille = 950 ; inline comment\n"
            "workers = -7\n"
            "log_level = debug\n"
            "dry_run = yes\n"
            "[notify]\n"
            "spool_dir = /srv/spool/通知\n");
    assert_int_equal(s_load(s_path, false), 0);
    assert_string_equal(s_db_url, "host=db dbname=fayuan");
    assert_int_equal(s_green, 250);
    assert_int_equal(s_red, 950);
    assert_int_equal(s_workers, -7);
    assert_string_equal(s_log_level, "debug");
    assert_true(s_dry_run);
    assert_string_equal(s_spool, "/srv/spool/通知");
}

/* A key given twice: the last one counts. */
static void test_duplicate_key_last_wins(void **state)
{
    (void)state;
    s_write("[common]\ndb_url = a\n[score]\nworkers = 1\nworkers = 2\n[common]\ndb_url = b\n");
    assert_int_equal(s_load(s_path, false), 0);
    assert_string_equal(s_db_url, "b");
    assert_int_equal(s_workers, 2);
}

/* The environment beats the file and the default; names are upper case. */
static void test_env_override(void **state)
{
    (void)state;
    s_write("[common]\ndb_url = from-file\n[score]\ngreen_permille = 350\nlog_level = warn\n");
    setenv("FAYUAN_COMMON_DB_URL", "from-env", 1);
    setenv("FAYUAN_SCORE_GREEN_PERMILLE", "200", 1);
    setenv("FAYUAN_SCORE_WORKERS", "16", 1);
    setenv("FAYUAN_SCORE_DRY_RUN", "on", 1);
    setenv("FAYUAN_NOTIFY_SPOOL_DIR", "", 1); /* set but empty still overrides */
    assert_int_equal(s_load(s_path, false), 0);
    assert_string_equal(s_db_url, "from-env");
    assert_int_equal(s_green, 200);
    assert_int_equal(s_red, 900);
    assert_int_equal(s_workers, 16);
    assert_string_equal(s_log_level, "warn");
    assert_true(s_dry_run);
    assert_string_equal(s_spool, "");

    /* Without a file: defaults and environment only. */
    config_free(s_rows, NELEM(s_rows));
    unsetenv("FAYUAN_NOTIFY_SPOOL_DIR");
    assert_int_equal(s_load(NULL, false), 0);
    assert_string_equal(s_db_url, "from-env");
    assert_int_equal(s_green, 200);
    assert_int_equal(s_workers, 16);
    assert_string_equal(s_log_level, "info");
    assert_string_equal(s_spool, "/var/spool/fayuan");

    /* A bad value from the environment is rejected like one from a file. */
    setenv("FAYUAN_SCORE_RED_PERMILLE", "ninety", 1);
    s_sentinels();
    s_expect_error(s_path, false, "[score] red_permille = 'ninety'");
    s_assert_sentinels();
}

static void test_required_missing(void **state)
{
    (void)state;
    s_write("[score]\ngreen_permille = 100\n");
    s_sentinels();
    s_expect_error(s_path, false, "[common] db_url is required (or FAYUAN_COMMON_DB_URL)");
    s_assert_sentinels();
    s_expect_error(NULL, false, "db_url is required");
    s_assert_sentinels();
    /* An empty value in the file is a value: the key is present. */
    s_write("[common]\ndb_url =\n");
    assert_int_equal(s_load(s_path, false), 0);
    assert_string_equal(s_db_url, "");
}

static void test_int_bounds(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        bool ok;
        int green, workers;
    } cases[] = {
        {"green_permille = 0", true, 0, 4},
        {"green_permille = 1000", true, 1000, 4},
        {"green_permille = +7", true, 7, 4},
        {"green_permille = 1001", false, 0, 0},
        {"green_permille = -1", false, 0, 0},
        {"green_permille = 99999999999999999999", false, 0, 0},
        /* min == max: no bounds beyond those of int. */
        {"workers = 2147483647", true, 300, 2147483647},
        {"workers = -2147483648", true, 300, -2147483647 - 1},
        {"workers = 2147483648", false, 0, 0},
        {"workers = -2147483649", false, 0, 0},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        char text[256];
        snprintf(text, sizeof text, "[common]\ndb_url = x\n[score]\n%s\n", cases[i].line);
        s_write(text);
        s_sentinels();
        int rc = s_load(s_path, false);
        if (cases[i].ok) {
            if (rc != 0)
                fail_msg("'%s': %s", cases[i].line, s_err);
            assert_int_equal(s_green, cases[i].green);
            assert_int_equal(s_workers, cases[i].workers);
        } else {
            if (rc != -1)
                fail_msg("'%s' accepted", cases[i].line);
            assert_non_null(strstr(s_err, "expected a whole number"));
            s_assert_sentinels();
        }
    }
    /* The message names the key, the value and that a range applies. */
    s_write("[common]\ndb_url = x\n[score]\nred_permille = 1200\n");
    s_expect_error(s_path, false,
                   "[score] red_permille = '1200': expected a whole number in range");
}

static void test_bad_int(void **state)
{
    (void)state;
    static const char *const bad[] = {"12abc", "0x10", "1.5", "1e3", "", "abc", "- 1", "3 4"};
    for (size_t i = 0; i < NELEM(bad); i++) {
        char text[256], want[128];
        snprintf(text, sizeof text, "[common]\ndb_url = x\n[score]\nworkers = %s\n", bad[i]);
        s_write(text);
        s_sentinels();
        snprintf(want, sizeof want, "[score] workers = '%s': expected a whole number", bad[i]);
        s_expect_error(s_path, false, want);
        /* Unbounded row: no "in range" in the message. */
        assert_null(strstr(s_err, "in range"));
        s_assert_sentinels();
    }
}

static void test_bool_forms(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int want; /* 1 true, 0 false, -1 rejected */
    } cases[] = {
        {"true", 1},     {"TRUE", 1}, {"True", 1},   {"yes", 1},   {"YES", 1}, {"on", 1},
        {"On", 1},       {"1", 1},    {"false", 0},  {"FALSE", 0}, {"no", 0},  {"No", 0},
        {"off", 0},      {"OFF", 0},  {"0", 0},      {"2", -1},    {"y", -1},  {"n", -1},
        {"enabled", -1}, {"", -1},    {"truee", -1}, {"01", -1},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        char text[256];
        snprintf(text, sizeof text, "[common]\ndb_url = x\n[score]\ndry_run = %s\n", cases[i].text);
        s_write(text);
        s_sentinels();
        s_dry_run = cases[i].want != 1; /* the opposite of what is expected */
        int rc = s_load(s_path, false);
        if (cases[i].want < 0) {
            if (rc != -1)
                fail_msg("dry_run = '%s' accepted", cases[i].text);
            char want[128];
            snprintf(want, sizeof want, "[score] dry_run = '%s': expected true or false",
                     cases[i].text);
            assert_non_null(strstr(s_err, want));
            assert_true(s_dry_run);
        } else {
            if (rc != 0)
                fail_msg("dry_run = '%s': %s", cases[i].text, s_err);
            assert_int_equal(s_dry_run, cases[i].want == 1);
        }
    }
}

/* An unknown key in a strict section fails the whole load; nothing changes. */
static void test_unknown_key_strict(void **state)
{
    (void)state;
    s_write("[common]\ndb_url = new-db\n[score]\ngreen_permille = 100\ngren_permille = 200\n");
    s_sentinels();
    s_expect_error(s_path, false, "unknown key [score] gren_permille");
    assert_non_null(strstr(s_err, s_path));
    s_assert_sentinels();

    /* In [common] too. */
    s_write("[common]\ndb_url = new-db\ndb_uri = typo\n");
    s_expect_error(s_path, false, "unknown key [common] db_uri");
    s_assert_sentinels();

    /* Keys are case-sensitive. */
    s_write("[common]\ndb_url = new-db\n[score]\nWorkers = 3\n");
    s_expect_error(s_path, false, "unknown key [score] Workers");
    s_assert_sentinels();

    /* The first unknown key is the one reported. */
    s_write("[common]\ndb_url = x\nfirst = 1\n[score]\nsecond = 2\n");
    s_expect_error(s_path, false, "unknown key [common] first");
}

/* Other daemons' sections: their unknown keys are ignored, the listed ones read. */
static void test_unknown_key_other_section(void **state)
{
    (void)state;
    s_write("[common]\ndb_url = x\n"
            "[notify]\nspool_dir = /srv/n\nsmtp_host = mail\n"
            "[assign]\nround_size = 5\n"
            "[gateway]\nhttp_port = 8080\n");
    s_sentinels();
    assert_int_equal(s_load(s_path, false), 0);
    assert_string_equal(s_db_url, "x");
    assert_string_equal(s_spool, "/srv/n");
    assert_int_equal(s_green, 300);
}

/* reload = true writes only the reloadable rows (green, red, log_level). */
static void test_reload(void **state)
{
    (void)state;
    s_write("[common]\ndb_url = first\n[score]\ngreen_permille = 100\nred_permille = 800\n"
            "workers = 2\nlog_level = info\ndry_run = false\n[notify]\nspool_dir = /a\n");
    assert_int_equal(s_load(s_path, false), 0);
    char *db_before = s_db_url, *spool_before = s_spool;

    s_write("[common]\ndb_url = second\n[score]\ngreen_permille = 200\nred_permille = 850\n"
            "workers = 8\nlog_level = debug\ndry_run = true\n[notify]\nspool_dir = /b\n");
    assert_int_equal(s_load(s_path, true), 0);
    assert_int_equal(s_green, 200);
    assert_int_equal(s_red, 850);
    assert_string_equal(s_log_level, "debug");
    /* Not reloadable: kept, the very same strings. */
    assert_ptr_equal(s_db_url, db_before);
    assert_string_equal(s_db_url, "first");
    assert_int_equal(s_workers, 2);
    assert_false(s_dry_run);
    assert_ptr_equal(s_spool, spool_before);
    assert_string_equal(s_spool, "/a");

    /* A failed reload keeps every old value. */
    s_write("[common]\ndb_url = third\n[score]\ngreen_permille = 5000\nlog_level = warn\n");
    s_expect_error(s_path, true, "[score] green_permille = '5000'");
    assert_int_equal(s_green, 200);
    assert_int_equal(s_red, 850);
    assert_string_equal(s_log_level, "debug");
    assert_string_equal(s_db_url, "first");

    /* A reload that drops a reloadable key goes back to its default. */
    s_write("[common]\ndb_url = fourth\n");
    assert_int_equal(s_load(s_path, true), 0);
    assert_int_equal(s_green, 300);
    assert_int_equal(s_red, 900);
    assert_string_equal(s_log_level, "info");
    assert_string_equal(s_db_url, "first");
    assert_int_equal(s_workers, 2);
}

static void test_missing_file(void **state)
{
    (void)state;
    s_sentinels();
    s_expect_error("/nonexistent/fayuan-test.conf", false,
                   "/nonexistent/fayuan-test.conf: cannot open");
    s_assert_sentinels();
}

static void test_syntax_error(void **state)
{
    (void)state;
    s_write("[common]\ndb_url = x\n[score]\nthis line has no equals sign\n");
    s_sentinels();
    s_expect_error(s_path, false, ": line 4: syntax error");
    assert_non_null(strstr(s_err, s_path));
    s_assert_sentinels();

    s_write("[common\ndb_url = x\n");
    s_expect_error(s_path, false, ": line 1: syntax error");
    s_assert_sentinels();
}

static void test_config_free(void **state)
{
    (void)state;
    s_write("[common]\ndb_url = x\n");
    assert_int_equal(s_load(s_path, false), 0);
    assert_non_null(s_db_url);
    assert_non_null(s_log_level);
    assert_non_null(s_spool);
    s_green = 123;
    config_free(s_rows, NELEM(s_rows));
    assert_null(s_db_url);
    assert_null(s_log_level);
    assert_null(s_spool);
    /* Non-string targets are left alone; freeing twice is safe. */
    assert_int_equal(s_green, 123);
    config_free(s_rows, NELEM(s_rows));
    assert_null(s_db_url);
}

/* An empty table loads any file whose sections are not strict. */
static void test_empty_table(void **state)
{
    (void)state;
    s_write("[other]\nkey = value\n");
    char err[64] = "";
    assert_int_equal(config_load(s_path, NULL, 0, s_strict, false, err, sizeof err), 0);
    assert_int_equal(config_load(s_path, NULL, 0, NULL, false, err, sizeof err), 0);
    s_write("[score]\nkey = value\n");
    assert_int_equal(config_load(s_path, NULL, 0, s_strict, false, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown key [score] key"));
}

static void test_default_path(void **state)
{
    (void)state;
    assert_string_equal(config_default_path("/etc/x.conf"), "/etc/x.conf");
    assert_string_equal(config_default_path(NULL), "/etc/fayuan/fayuan.conf");
    setenv("FAYUAN_CONF", "/run/fayuan.conf", 1);
    assert_string_equal(config_default_path(NULL), "/run/fayuan.conf");
    assert_string_equal(config_default_path("/etc/x.conf"), "/etc/x.conf");
    setenv("FAYUAN_CONF", "", 1);
    assert_string_equal(config_default_path(NULL), "/etc/fayuan/fayuan.conf");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_file_values, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_key_last_wins, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_env_override, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_required_missing, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_int_bounds, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_bad_int, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_bool_forms, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key_strict, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key_other_section, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_reload, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_syntax_error, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_config_free, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_empty_table, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_default_path, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
