/* Unit tests for reg_csv: the lawyer roster CSV of `fayuanctl import lawyers`
 * and the licence list of `fayuanctl round confirm`.
 * Every input is copied into a buffer of exactly its length, so ASan catches
 * any read past len. Run from the repository root (the demo test reads
 * deploy/demo/lawyers.csv). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fayuan/timeutil.h"
#include "reg_csv.h"

#define TODAY 2026, 11, 26
#define HEADER REG_CSV_HEADER "\n"
#define DEMO_PATH "deploy/demo/lawyers.csv"

enum { LICENCE, NAME, GENDER, BIRTH, FIRM, LICENSED, POOLS, SPECIALTIES, PHONE, EMAIL, NCOLS };

static const char *const s_base[NCOLS] = {
    "13303201011012345",
    "张三",
    "男",
    "1985-04-12",
    "温州瓯江律师事务所",
    "2010-07-01",
    "duty;case",
    "婚姻家事;劳动争议",
    "13912345678",
    "zhangsan@example.com",
};

static const char *const s_names[NCOLS] = {
    "licence",        "name",  "gender",      "birth_date", "firm",
    "licensed_since", "pools", "specialties", "phone",      "email",
};

/* Parses text[0..len) from a heap copy of exactly len bytes. */
static int s_parse_n(const char *text, size_t len, reg_csv_result_t *r)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, text, len);
    int rc = reg_csv_parse_lawyers(len ? copy : NULL, len, TODAY, r);
    free(copy); /* so ASan also catches a result pointing into the input */
    return rc;
}

static int s_parse(const char *text, reg_csv_result_t *r)
{
    return s_parse_n(text, strlen(text), r);
}

/* A data line from the base row with column col replaced by the raw CSV text
 * value (col < 0: no change). Returns a static buffer. */
static const char *s_line(int col, const char *value)
{
    static char buf[4096];
    size_t n = 0;
    for (int i = 0; i < NCOLS; i++) {
        const char *v = i == col ? value : s_base[i];
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? "," : "", v);
        assert_true(n < sizeof buf);
    }
    return buf;
}

/* Header plus one base row with column col replaced. */
static int s_parse_one(int col, const char *value, reg_csv_result_t *r)
{
    char text[4200];
    snprintf(text, sizeof text, HEADER "%s\n", s_line(col, value));
    return s_parse(text, r);
}

/* Asserts the one-row file with column col = value fails on that column, on line 2. */
static void s_expect_bad(int col, const char *value)
{
    reg_csv_result_t r;
    int rc = s_parse_one(col, value, &r);
    if (rc != -1 || r.nerrors != 1 || strcmp(r.errors[0].field, s_names[col]) != 0 ||
        r.errors[0].line != 2) {
        print_error("column %s value [%s]: rc %d, %zu errors, first [%s] line %d: %s\n",
                    s_names[col], value, rc, r.nerrors, r.nerrors ? r.errors[0].field : "",
                    r.nerrors ? r.errors[0].line : 0, r.nerrors ? r.errors[0].message : "");
        reg_csv_result_free(&r);
        fail();
    }
    assert_int_equal(r.nrows, 0);
    assert_true(strlen(r.errors[0].message) > 0);
    reg_csv_result_free(&r);
}

/* Asserts the one-row file with column col = value is accepted; returns the
 * result for further checks (caller frees). */
static void s_expect_good(int col, const char *value, reg_csv_result_t *r)
{
    int rc = s_parse_one(col, value, r);
    if (rc != 0) {
        print_error("column %s value [%s]: %s: %s\n", col >= 0 ? s_names[col] : "-", value,
                    r->errors[0].field, r->errors[0].message);
        reg_csv_result_free(r);
        fail();
    }
    assert_int_equal(r->nerrors, 0);
    assert_int_equal(r->nrows, 1);
    assert_int_equal(r->rows[0].line, 2);
}

static void s_expect_error_lines(const reg_csv_error_t *errors, size_t nerrors, const int *lines,
                                 size_t n)
{
    if (nerrors != n)
        for (size_t i = 0; i < nerrors; i++)
            print_error("error line %d [%s]: %s\n", errors[i].line, errors[i].field,
                        errors[i].message);
    assert_int_equal(nerrors, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(errors[i].line, lines[i]);
}

static void s_expect_lines(const reg_csv_result_t *r, const int *lines, size_t n)
{
    s_expect_error_lines(r->errors, r->nerrors, lines, n);
}

/* ---- whole files ------------------------------------------------------------------------ */

static void test_good_file(void **state)
{
    (void)state;
    const char *text =
        HEADER "13303201011012345,张三,男,1985-04-12,温州瓯江律师事务所,2010-07-01,duty;case,"
               "婚姻家事;劳动争议,13912345678,zhangsan@example.com\n"
               "13303201510001148,李四,F,1990-02-18,温州塘河律师事务所,2015-08-01,值班,,"
               "0577-88376359,\n"
               "WZ-V-0001,王五,male,1999-10-03,,,duty, 交通事故 ;;民间借贷；交通事故 ,,\n";
    reg_csv_result_t r;
    assert_int_equal(s_parse(text, &r), 0);
    assert_int_equal(r.nerrors, 0);
    assert_int_equal(r.nrows, 3);

    const reg_lawyer_row_t *a = &r.rows[0];
    assert_int_equal(a->line, 2);
    assert_string_equal(a->licence, "13303201011012345");
    assert_string_equal(a->name, "张三");
    assert_string_equal(a->gender, "男");
    assert_string_equal(a->birth_date, "1985-04-12");
    assert_string_equal(a->firm, "温州瓯江律师事务所");
    assert_string_equal(a->licensed_since, "2010-07-01");
    assert_int_equal(a->npools, 2);
    assert_string_equal(a->pools[0], "duty");
    assert_string_equal(a->pools[1], "case");
    assert_int_equal(a->nspecialties, 2);
    assert_string_equal(a->specialties[0], "婚姻家事");
    assert_string_equal(a->specialties[1], "劳动争议");
    assert_string_equal(a->phone, "13912345678");
    assert_string_equal(a->email, "zhangsan@example.com");

    const reg_lawyer_row_t *b = &r.rows[1];
    assert_int_equal(b->line, 3);
    assert_string_equal(b->gender, "女");
    assert_int_equal(b->npools, 1);
    assert_string_equal(b->pools[0], "duty");
    assert_int_equal(b->nspecialties, 0);
    assert_string_equal(b->phone, "0577-88376359");
    assert_string_equal(b->email, "");

    /* A volunteer: registry-issued id, no licence date, duty pool only. */
    const reg_lawyer_row_t *c = &r.rows[2];
    assert_int_equal(c->line, 4);
    assert_string_equal(c->licence, "WZ-V-0001");
    assert_string_equal(c->gender, "男");
    assert_string_equal(c->firm, "");
    assert_string_equal(c->licensed_since, "");
    assert_int_equal(c->nspecialties, 2);
    assert_string_equal(c->specialties[0], "交通事故");
    assert_string_equal(c->specialties[1], "民间借贷");
    assert_string_equal(c->phone, "");
    reg_csv_result_free(&r);
}

static void test_header_only(void **state)
{
    (void)state;
    reg_csv_result_t r;
    assert_int_equal(s_parse(REG_CSV_HEADER, &r), 0);
    assert_int_equal(r.nrows, 0);
    reg_csv_result_free(&r);
    assert_int_equal(s_parse(HEADER "\n\n", &r), 0);
    assert_int_equal(r.nrows, 0);
    reg_csv_result_free(&r);
}

static void test_quoting(void **state)
{
    (void)state;
    const char *text = HEADER
        /* line 2: comma and doubled quotes inside quotes, spaces around a quoted field */
        "\"13303201011012345\",\"张三\",男,1985-04-12,"
        "\"温州\"\"瓯江\"\"律师事务所（鹿城, 分所）\", \"2010-07-01\" ,duty,\"\",,\"\"\n"
        /* line 3: specialties over three physical lines */
        "13303201510001148,李四,女,1990-02-18,x,2015-08-01,case,\"婚姻家事;\n劳动争议\n\","
        "13912345678,a@example.com\n"
        /* line 6: bad, to prove the line count after the multi-line record */
        "13303201510001149,,女,1990-02-18,x,2015-08-01,case,,,\n"
        /* line 7: a quoted field with a line break inside a name is refused */
        "13303201510001150,\"王\n五\",女,1990-02-18,x,2015-08-01,case,,,\n"
        /* line 9 */
        "13303201510001151,赵六,女,1990-02-18,x,2015-08-01,\"case\",,,\n";
    reg_csv_result_t r;
    assert_int_equal(s_parse(text, &r), -1);
    const int lines[] = {6, 7};
    s_expect_lines(&r, lines, 2);
    assert_string_equal(r.errors[0].field, "name");
    assert_string_equal(r.errors[1].field, "name");
    assert_int_equal(r.nrows, 3);
    assert_int_equal(r.rows[0].line, 2);
    assert_string_equal(r.rows[0].firm, "温州\"瓯江\"律师事务所（鹿城, 分所）");
    assert_string_equal(r.rows[0].licensed_since, "2010-07-01");
    assert_int_equal(r.rows[0].nspecialties, 0);
    assert_string_equal(r.rows[0].email, "");
    assert_int_equal(r.rows[1].line, 3);
    assert_int_equal(r.rows[1].nspecialties, 2);
    assert_string_equal(r.rows[1].specialties[0], "婚姻家事");
    assert_string_equal(r.rows[1].specialties[1], "劳动争议");
    assert_int_equal(r.rows[2].line, 9);
    reg_csv_result_free(&r);
}

static void test_quote_errors(void **state)
{
    (void)state;
    const char *text = HEADER "13303201011012345,张\"三,男,1985-04-12,x,2010-07-01,duty,,,\n"
                              "13303201011012346,\"张三\"x,男,1985-04-12,x,2010-07-01,duty,,,\n"
                              "13303201011012347,张三,男,1985-04-12,x,2010-07-01,duty,,,\n";
    reg_csv_result_t r;
    assert_int_equal(s_parse(text, &r), -1);
    const int lines[] = {2, 3};
    s_expect_lines(&r, lines, 2);
    assert_string_equal(r.errors[0].field, "");
    assert_int_equal(r.nrows, 1);
    assert_int_equal(r.rows[0].line, 4);
    reg_csv_result_free(&r);
}

static void test_bom(void **state)
{
    (void)state;
    reg_csv_result_t r;
    char text[4300];
    snprintf(text, sizeof text, "\xef\xbb\xbf" HEADER "%s\n", s_line(-1, NULL));
    assert_int_equal(s_parse(text, &r), 0);
    assert_int_equal(r.nrows, 1);
    assert_int_equal(r.rows[0].line, 2);
    assert_string_equal(r.rows[0].licence, s_base[LICENCE]);
    reg_csv_result_free(&r);

    /* Only one BOM, and only at the start. */
    snprintf(text, sizeof text, "\xef\xbb\xbf\xef\xbb\xbf" HEADER "%s\n", s_line(-1, NULL));
    assert_int_equal(s_parse(text, &r), -1);
    assert_int_equal(r.nerrors, 1);
    assert_int_equal(r.errors[0].line, 1);
    reg_csv_result_free(&r);

    /* A BOM alone is an empty file. */
    assert_int_equal(s_parse("\xef\xbb\xbf", &r), -1);
    assert_int_equal(r.nerrors, 1);
    assert_int_equal(r.errors[0].line, 1);
    reg_csv_result_free(&r);
}

static void test_crlf(void **state)
{
    (void)state;
    const char *text =
        REG_CSV_HEADER "\r\n"
                       "13303201011012345,张三,男,1985-04-12,x,2010-07-01,duty,\"a;\r\nb\",,\r\n"
                       "13303201011012346,,男,1985-04-12,x,2010-07-01,duty,,,\r\n"
                       "13303201011012347,王五,男,1985-04-12,x,2010-07-01,duty,,,\r\n"
                       "\r\n\r\n";
    reg_csv_result_t r;
    assert_int_equal(s_parse(text, &r), -1);
    const int lines[] = {4};
    s_expect_lines(&r, lines, 1);
    assert_int_equal(r.nrows, 2);
    assert_int_equal(r.rows[0].line, 2);
    assert_string_equal(r.rows[0].email, "");
    assert_int_equal(r.rows[0].nspecialties, 2);
    assert_string_equal(r.rows[0].specialties[1], "b");
    assert_int_equal(r.rows[1].line, 5);
    reg_csv_result_free(&r);

    /* A lone CR is a line break too; no final line break is fine. */
    const char *cr = REG_CSV_HEADER "\r"
                                    "13303201011012345,张三,男,1985-04-12,x,2010-07-01,duty,,,\r"
                                    "13303201011012346,,男,1985-04-12,x,2010-07-01,duty,,,";
    assert_int_equal(s_parse(cr, &r), -1);
    const int cr_lines[] = {3};
    s_expect_lines(&r, cr_lines, 1);
    assert_int_equal(r.nrows, 1);
    reg_csv_result_free(&r);
}

static void test_blank_lines(void **state)
{
    (void)state;
    reg_csv_result_t r;
    char text[4400];
    snprintf(text, sizeof text, HEADER "%s\n\n  \t\r\n\n", s_line(-1, NULL));
    assert_int_equal(s_parse(text, &r), 0);
    assert_int_equal(r.nrows, 1);
    reg_csv_result_free(&r);

    /* A blank line between rows is an error. */
    const char *mid = HEADER "13303201011012345,张三,男,1985-04-12,x,2010-07-01,duty,,,\n"
                             "\n"
                             "13303201011012346,李四,男,1985-04-12,x,2010-07-01,duty,,,\n"
                             "   \n"
                             "13303201011012347,王五,男,1985-04-12,x,2010-07-01,duty,,,\n";
    assert_int_equal(s_parse(mid, &r), -1);
    const int lines[] = {3, 5};
    s_expect_lines(&r, lines, 2);
    assert_int_equal(r.nrows, 3);
    reg_csv_result_free(&r);
}

static void test_trim(void **state)
{
    (void)state;
    reg_csv_result_t r;
    s_expect_good(NAME, " \t\xe3\x80\x80张三\xc2\xa0 ", &r);
    assert_string_equal(r.rows[0].name, "张三");
    reg_csv_result_free(&r);
    s_expect_good(LICENCE, "  13303201011012345 ", &r);
    assert_string_equal(r.rows[0].licence, "13303201011012345");
    reg_csv_result_free(&r);
    s_expect_good(BIRTH, "\" 1985-04-12 \"", &r);
    assert_string_equal(r.rows[0].birth_date, "1985-04-12");
    reg_csv_result_free(&r);
    /* Inner spaces are kept. */
    s_expect_good(FIRM, " 温州 瓯江 ", &r);
    assert_string_equal(r.rows[0].firm, "温州 瓯江");
    reg_csv_result_free(&r);
}

/* ---- field rules ------------------------------------------------------------------------ */

static void test_licence(void **state)
{
    (void)state;
    reg_csv_result_t r;
    s_expect_good(LICENCE, "WZ-2024-a1", &r);
    reg_csv_result_free(&r);
    s_expect_good(LICENCE, "12345678901234567890123456789012", &r);
    reg_csv_result_free(&r);
    s_expect_good(LICENCE, "7", &r);
    reg_csv_result_free(&r);

    s_expect_bad(LICENCE, "");
    s_expect_bad(LICENCE, "123456789012345678901234567890123");
    s_expect_bad(LICENCE, "13303 201011012345");
    s_expect_bad(LICENCE, "WZ_2024");
    s_expect_bad(LICENCE, "１３３０３");
    s_expect_bad(LICENCE, "张三");
    s_expect_bad(LICENCE, "WZ/1");
}

static void test_name(void **state)
{
    (void)state;
    reg_csv_result_t r;
    /* 64 bytes: 21 three-byte characters and a letter. */
    char name64[65];
    for (int i = 0; i < 21; i++)
        memcpy(name64 + 3 * i, "张", 3);
    name64[63] = 'a';
    name64[64] = '\0';
    s_expect_good(NAME, name64, &r);
    assert_string_equal(r.rows[0].name, name64);
    reg_csv_result_free(&r);
    s_expect_good(NAME, "Anna Müller", &r);
    reg_csv_result_free(&r);

    char name65[70];
    snprintf(name65, sizeof name65, "%sb", name64);
    s_expect_bad(NAME, name65);
    s_expect_bad(NAME, "");
    s_expect_bad(NAME, "   ");
    s_expect_bad(NAME, "\xe3\x80\x80");
    s_expect_bad(NAME, "\"\"");
    s_expect_bad(NAME, "张\t三");
    s_expect_bad(NAME, "\"张\n三\"");
    s_expect_bad(NAME, "张\x7f三");
}

static void test_gender(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } good[] = {
        {"男", "男"},     {"女", "女"},     {"M", "男"},    {"m", "男"},
        {"F", "女"},      {"f", "女"},      {"male", "男"}, {"MALE", "男"},
        {"Female", "女"}, {"fEmAlE", "女"}, {" 女 ", "女"},
    };
    reg_csv_result_t r;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        s_expect_good(GENDER, good[i].in, &r);
        assert_string_equal(r.rows[0].gender, good[i].out);
        reg_csv_result_free(&r);
    }
    s_expect_bad(GENDER, "");
    s_expect_bad(GENDER, "x");
    s_expect_bad(GENDER, "男性");
    s_expect_bad(GENDER, "ma");
    s_expect_bad(GENDER, "males");
    s_expect_bad(GENDER, "男女");
}

static void test_birth_date(void **state)
{
    (void)state;
    reg_csv_result_t r;
    /* Exactly 18 and exactly 100 today (2026-11-26); licensed_since emptied
     * for the young one, who then stays out of the case pool. */
    char text[4400];
    snprintf(text, sizeof text,
             HEADER "A1,甲,男,2008-11-26,x,,duty,,,\n"
                    "A2,乙,女,1926-11-26,x,1960-01-01,duty;case,,,\n"
                    "A3,丙,女,2008-02-29,x,,duty,,,\n");
    assert_int_equal(s_parse(text, &r), 0);
    assert_int_equal(r.nrows, 3);
    reg_csv_result_free(&r);

    s_expect_bad(BIRTH, "");
    s_expect_bad(BIRTH, "1985/04/12");
    s_expect_bad(BIRTH, "1985-4-12");
    s_expect_bad(BIRTH, "1985-02-30");
    s_expect_bad(BIRTH, "1985-13-01");
    s_expect_bad(BIRTH, "85-04-12");
    s_expect_bad(BIRTH, "1985-04-12T00:00");
    s_expect_bad(BIRTH, "2027-01-01"); /* future */
    s_expect_bad(BIRTH, "1925-11-26"); /* 101 */
    s_expect_bad(BIRTH, "1800-01-01"); /* outside time_parse_date's years */

    /* 17 today: licensed_since empty and duty only, so only birth_date fails. */
    snprintf(text, sizeof text, HEADER "A1,甲,男,2008-11-27,x,,duty,,,\n");
    assert_int_equal(s_parse(text, &r), -1);
    assert_int_equal(r.nerrors, 1);
    assert_string_equal(r.errors[0].field, "birth_date");
    assert_non_null(strstr(r.errors[0].message, "17"));
    reg_csv_result_free(&r);
}

static void test_firm(void **state)
{
    (void)state;
    reg_csv_result_t r;
    char firm[200];
    memset(firm, 'a', 128);
    firm[128] = '\0';
    s_expect_good(FIRM, firm, &r);
    reg_csv_result_free(&r);
    s_expect_good(FIRM, "", &r);
    assert_string_equal(r.rows[0].firm, "");
    reg_csv_result_free(&r);

    firm[128] = 'a';
    firm[129] = '\0';
    s_expect_bad(FIRM, firm);
    s_expect_bad(FIRM, "\"温州\r\n瓯江\"");
}

static void test_licensed_since(void **state)
{
    (void)state;
    reg_csv_result_t r;
    /* Born 1985-04-12: 18 on 2003-04-12. */
    s_expect_good(LICENSED, "2003-04-12", &r);
    reg_csv_result_free(&r);
    s_expect_good(LICENSED, "2026-11-26", &r);
    reg_csv_result_free(&r);

    s_expect_bad(LICENSED, "2003-04-11");
    s_expect_bad(LICENSED, "1970-01-01");
    s_expect_bad(LICENSED, "2026-11-27");
    s_expect_bad(LICENSED, "2010-13-01");
    s_expect_bad(LICENSED, "2010");
    s_expect_bad(LICENSED, "2010-7-1");
    /* Empty while in the case pool (the base row is duty;case). */
    s_expect_bad(LICENSED, "");

    /* Empty and duty only: a volunteer. */
    char text[4400];
    snprintf(text, sizeof text, HEADER "V-1,甲,男,1990-01-01,x,,duty,,,\n");
    assert_int_equal(s_parse(text, &r), 0);
    assert_string_equal(r.rows[0].licensed_since, "");
    reg_csv_result_free(&r);

    /* A bad birth date is reported once; licensed_since is not judged on it. */
    snprintf(text, sizeof text, HEADER "V-1,甲,男,1990-02-30,x,1991-01-01,duty,,,\n");
    assert_int_equal(s_parse(text, &r), -1);
    assert_int_equal(r.nerrors, 1);
    assert_string_equal(r.errors[0].field, "birth_date");
    reg_csv_result_free(&r);
}

static void test_pools(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t n;
        const char *first, *second;
    } good[] = {
        {"duty", 1, "duty", NULL},
        {"case", 1, "case", NULL},
        {"值班", 1, "duty", NULL},
        {"办案", 1, "case", NULL},
        {"case;duty", 2, "duty", "case"},
        {"办案；值班", 2, "duty", "case"},
        {" CASE ; Duty ", 2, "duty", "case"},
        {"duty;", 1, "duty", NULL},
        {";;case;;", 1, "case", NULL},
        {"\"duty;\ncase\"", 2, "duty", "case"},
    };
    reg_csv_result_t r;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        s_expect_good(POOLS, good[i].in, &r);
        assert_int_equal(r.rows[0].npools, good[i].n);
        assert_string_equal(r.rows[0].pools[0], good[i].first);
        if (good[i].second)
            assert_string_equal(r.rows[0].pools[1], good[i].second);
        reg_csv_result_free(&r);
    }
    s_expect_bad(POOLS, "");
    s_expect_bad(POOLS, " ; ");
    s_expect_bad(POOLS, "court");
    s_expect_bad(POOLS, "duty;court");
    s_expect_bad(POOLS, "duty;duty");
    s_expect_bad(POOLS, "值班;duty");
    s_expect_bad(POOLS, "\"duty,case\"");
    s_expect_bad(POOLS, "duty case");
    s_expect_bad(POOLS, "duty;case;duty;case;duty;case;duty;case;duty;case;duty;case;duty;case;"
                        "duty;case;duty;case;duty;case;duty;case;duty;case");
}

static void test_specialties(void **state)
{
    (void)state;
    reg_csv_result_t r;
    s_expect_good(SPECIALTIES, "", &r);
    assert_int_equal(r.rows[0].nspecialties, 0);
    assert_null(r.rows[0].specialties);
    reg_csv_result_free(&r);

    s_expect_good(SPECIALTIES, " 婚姻家事 ; ;劳动争议；刑事辩护;婚姻家事; ", &r);
    assert_int_equal(r.rows[0].nspecialties, 3);
    assert_string_equal(r.rows[0].specialties[0], "婚姻家事");
    assert_string_equal(r.rows[0].specialties[1], "劳动争议");
    assert_string_equal(r.rows[0].specialties[2], "刑事辩护");
    reg_csv_result_free(&r);

    /* 20 items, and an item of exactly 32 characters (three bytes each). */
    char list[1200] = "";
    for (int i = 0; i < 20; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s项%d", i ? ";" : "", i);
    s_expect_good(SPECIALTIES, list, &r);
    assert_int_equal(r.rows[0].nspecialties, 20);
    reg_csv_result_free(&r);
    char item[200] = "";
    for (int i = 0; i < 32; i++)
        strcat(item, "婚");
    s_expect_good(SPECIALTIES, item, &r);
    reg_csv_result_free(&r);

    strcat(list, ";项20");
    s_expect_bad(SPECIALTIES, list);
    strcat(item, "姻");
    s_expect_bad(SPECIALTIES, item);
    s_expect_bad(SPECIALTIES, "婚姻\x01家事");
    s_expect_bad(SPECIALTIES, "\"婚姻\n家事\"");
}

static void test_phone(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } good[] = {
        {"", ""},
        {"13912345678", "13912345678"},
        {"199 1234 5678", "19912345678"},
        {" 139 1234 5678 ", "13912345678"},
        {"0577-88376359", "0577-88376359"},
        {"057788376359", "057788376359"},
        {"88376359", "88376359"},
        {"8837635", "8837635"},
        {"0577 - 8837 6359", "0577-88376359"},
        {"0086-57788376359", "0086-57788376359"},
    };
    reg_csv_result_t r;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        s_expect_good(PHONE, good[i].in, &r);
        assert_string_equal(r.rows[0].phone, good[i].out);
        reg_csv_result_free(&r);
    }
    s_expect_bad(PHONE, "12345678901");
    s_expect_bad(PHONE, "1391234567");
    s_expect_bad(PHONE, "139123456789");
    s_expect_bad(PHONE, "139-1234-5678");
    s_expect_bad(PHONE, "+8613912345678");
    s_expect_bad(PHONE, "12348");
    s_expect_bad(PHONE, "883763");
    s_expect_bad(PHONE, "0577--88376359");
    s_expect_bad(PHONE, "0577-8837-6359");
    s_expect_bad(PHONE, "-057788376359");
    s_expect_bad(PHONE, "057788376359-");
    s_expect_bad(PHONE, "05778837635912345");
    s_expect_bad(PHONE, "0577-88376359 ext 1");
    s_expect_bad(PHONE, "phone");
    s_expect_bad(PHONE, "１３９１２３４５６７８");
}

static void test_email(void **state)
{
    (void)state;
    reg_csv_result_t r;
    s_expect_good(EMAIL, "", &r);
    reg_csv_result_free(&r);
    s_expect_good(EMAIL, "a.b+c@mail.example.com", &r);
    reg_csv_result_free(&r);
    s_expect_good(EMAIL, " x@y.cn ", &r);
    assert_string_equal(r.rows[0].email, "x@y.cn");
    reg_csv_result_free(&r);
    char email[200];
    memset(email, 'a', 116);
    strcpy(email + 116, "@example.com"); /* 128 bytes */
    s_expect_good(EMAIL, email, &r);
    reg_csv_result_free(&r);

    memset(email, 'a', 117);
    strcpy(email + 117, "@example.com"); /* 129 bytes */
    s_expect_bad(EMAIL, email);
    s_expect_bad(EMAIL, "zhangsan");
    s_expect_bad(EMAIL, "@example.com");
    s_expect_bad(EMAIL, "a@");
    s_expect_bad(EMAIL, "a@example");
    s_expect_bad(EMAIL, "a@@example.com");
    s_expect_bad(EMAIL, "a@b@example.com");
    s_expect_bad(EMAIL, "zhang san@example.com");
    s_expect_bad(EMAIL, "a@.com");
    s_expect_bad(EMAIL, "a@example.");
    s_expect_bad(EMAIL, "a@example..com");
    s_expect_bad(EMAIL, "a\xe3\x80\x80@example.com");
}

/* ---- several errors --------------------------------------------------------------------- */

static void test_several_bad_rows(void **state)
{
    (void)state;
    const char *text = HEADER "A1,甲,男,1985-04-12,x,2010-07-01,duty,,,\n"   /* 2 ok */
                              "A2,乙,X,1985-04-12,x,2010-07-01,duty,,,\n"    /* 3 gender */
                              "A3,丙,女,1985-04-12,x,2010-07-01,duty,,,\n"   /* 4 ok */
                              "A4,丁,女,1985-04-12,x,2010-07-01,court,,1,\n" /* 5 pools, phone */
                              "A 5,,男,19850412,x,,case,,,a@b\n"             /* 6 many */
                              "A6,己,女,1985-04-12,x,2010-07-01,duty,,,\n";  /* 7 ok */
    reg_csv_result_t r;
    assert_int_equal(s_parse(text, &r), -1);
    const int lines[] = {3, 5, 5, 6, 6, 6, 6, 6};
    s_expect_lines(&r, lines, 8);
    /* Column order within a row. */
    const char *fields[] = {"gender", "pools",      "phone",          "licence",
                            "name",   "birth_date", "licensed_since", "email"};
    for (size_t i = 0; i < 8; i++)
        assert_string_equal(r.errors[i].field, fields[i]);
    assert_int_equal(r.nrows, 3);
    assert_int_equal(r.rows[0].line, 2);
    assert_int_equal(r.rows[1].line, 4);
    assert_int_equal(r.rows[2].line, 7);
    reg_csv_result_free(&r);
}

static void test_duplicate_licence(void **state)
{
    (void)state;
    const char *text = HEADER "A1,甲,男,1985-04-12,x,2010-07-01,duty,,,\n"
                              "A2,乙,男,1985-04-12,x,2010-07-01,duty,,,\n"
                              "A1,丙,女,1985-04-12,x,2010-07-01,duty,,,\n"
                              "\" A1 \",丁,女,1985-04-12,x,2010-07-01,duty,,,\n"
                              "a1,戊,女,1985-04-12,x,2010-07-01,duty,,,\n"
                              "A2,己,X,1985-04-12,x,2010-07-01,duty,,,\n";
    reg_csv_result_t r;
    assert_int_equal(s_parse(text, &r), -1);
    const int lines[] = {4, 5, 7, 7};
    s_expect_lines(&r, lines, 4);
    assert_string_equal(r.errors[0].field, "licence");
    assert_non_null(strstr(r.errors[0].message, "第 2 行"));
    assert_non_null(strstr(r.errors[1].message, "第 2 行"));
    assert_non_null(strstr(r.errors[2].message, "第 3 行"));
    assert_string_equal(r.errors[3].field, "gender");
    /* Licences are compared as written: a1 is another licence. */
    assert_int_equal(r.nrows, 3);
    reg_csv_result_free(&r);

    /* A row with another error still claims its licence. */
    const char *text2 = HEADER "A1,甲,X,1985-04-12,x,2010-07-01,duty,,,\n"
                               "A1,乙,男,1985-04-12,x,2010-07-01,duty,,,\n";
    assert_int_equal(s_parse(text2, &r), -1);
    const int lines2[] = {2, 3};
    s_expect_lines(&r, lines2, 2);
    assert_string_equal(r.errors[1].field, "licence");
    reg_csv_result_free(&r);
}

static void test_wrong_header(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "\n\n",
        "licence,name,gender,birth_date,firm,licensed_since,pools,specialties,phone\n",
        "licence,name,gender,birth_date,firm,licensed_since,pools,specialties,phone,email,x\n",
        "name,licence,gender,birth_date,firm,licensed_since,pools,specialties,phone,email\n",
        "Licence,name,gender,birth_date,firm,licensed_since,pools,specialties,phone,email\n",
        "licence, name,gender,birth_date,firm,licensed_since,pools,specialties,phone,email\n",
        "licence;name;gender;birth_date;firm;licensed_since;pools;specialties;phone;email\n",
        "执业证号,姓名,性别,出生日期,律所,执业日期,库,专长,电话,邮箱\n",
        "13303201011012345,张三,男,1985-04-12,x,2010-07-01,duty,,,\n",
    };
    reg_csv_result_t r;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[600];
        snprintf(text, sizeof text, "%s13303201011012345,张三,男,1985-04-12,x,2010-07-01,duty,,,\n",
                 bad[i]);
        /* The empty cases must stay empty files. */
        const char *in = bad[i][0] == '\0' || bad[i][0] == '\n' ? bad[i] : text;
        assert_int_equal(s_parse(in, &r), -1);
        assert_int_equal(r.nerrors, 1);
        assert_int_equal(r.errors[0].line, 1);
        assert_string_equal(r.errors[0].field, "");
        assert_non_null(strstr(r.errors[0].message, REG_CSV_HEADER));
        assert_int_equal(r.nrows, 0);
        reg_csv_result_free(&r);
    }
    /* A quoted header field is the same field. */
    char text[4400];
    snprintf(text, sizeof text,
             "\"licence\",name,gender,birth_date,firm,licensed_since,pools,"
             "specialties,phone,\"email\"\n%s\n",
             s_line(-1, NULL));
    assert_int_equal(s_parse(text, &r), 0);
    reg_csv_result_free(&r);
}

static void test_column_count(void **state)
{
    (void)state;
    const char *text =
        HEADER "A1,甲,男,1985-04-12,x,2010-07-01,duty,,\n"
               "A2,乙,男,1985-04-12,x,2010-07-01,duty,,,\n"
               "A3,丙,男,1985-04-12,x,2010-07-01,duty,,,,\n"
               "A4\n"
               "A5,丁,男,1985-04-12,温州瓯江律师事务所,鹿城分所,2010-07-01,duty,,,\n";
    reg_csv_result_t r;
    assert_int_equal(s_parse(text, &r), -1);
    const int lines[] = {2, 4, 5, 6};
    s_expect_lines(&r, lines, 4);
    assert_non_null(strstr(r.errors[0].message, "实际为 9 列"));
    assert_non_null(strstr(r.errors[1].message, "实际为 11 列"));
    assert_non_null(strstr(r.errors[2].message, "实际为 1 列"));
    assert_string_equal(r.errors[3].field, "");
    assert_int_equal(r.nrows, 1);
    reg_csv_result_free(&r);
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    const char *text = HEADER "A1,甲,男,1985-04-12,x,2010-07-01,duty,,,\n"
                              "A2,乙,X,1985-04-12,x,2010-07-01,duty,,,\n"
                              /* the record starts on line 4, the open quote is on line 5 */
                              "A3,\"丙\n\",男,1985-04-12,x,2010-07-01,duty,\"婚姻\n"
                              "家事,,\n"
                              "A4,丁,男,1985-04-12,x,2010-07-01,duty,,,\n";
    reg_csv_result_t r;
    assert_int_equal(s_parse(text, &r), -1);
    const int lines[] = {3, 5};
    s_expect_lines(&r, lines, 2);
    assert_string_equal(r.errors[0].field, "gender");
    assert_non_null(strstr(r.errors[1].message, "引号未闭合"));
    assert_int_equal(r.nrows, 1);
    reg_csv_result_free(&r);

    /* In the header, and a lone quote at the very end. */
    assert_int_equal(s_parse("\"licence,name", &r), -1);
    const int hl[] = {1};
    s_expect_lines(&r, hl, 1);
    reg_csv_result_free(&r);
    assert_int_equal(s_parse(HEADER "\"", &r), -1);
    const int el[] = {2};
    s_expect_lines(&r, el, 1);
    reg_csv_result_free(&r);
}

static void test_nul_byte(void **state)
{
    (void)state;
    static const char text[] = HEADER "A1,甲,男,1985-04-12,x,2010-07-01,duty,,,\n"
                                      "A2,乙\0,男,1985-04-12,x,2010-07-01,duty,,,\n"
                                      "A3,丙,男,1985-04-12,\"x\n\0\",2010-07-01,duty,,,\n"
                                      "A4,丁,男,1985-04-12,x,2010-07-01,duty,,,\n";
    reg_csv_result_t r;
    assert_int_equal(s_parse_n(text, sizeof text - 1, &r), -1);
    const int lines[] = {3, 5};
    s_expect_lines(&r, lines, 2);
    assert_string_equal(r.errors[0].field, "");
    assert_non_null(strstr(r.errors[0].message, "NUL"));
    assert_int_equal(r.nrows, 2);
    assert_int_equal(r.rows[1].line, 6);
    reg_csv_result_free(&r);

    static const char head[] = "licence\0,name";
    assert_int_equal(s_parse_n(head, sizeof head - 1, &r), -1);
    const int hl[] = {1};
    s_expect_lines(&r, hl, 1);
    reg_csv_result_free(&r);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\xd5\xc5\xc8\xfd", /* 张三 in GBK */
        "\xc0\xaf",         /* overlong '/' */
        "\xe0\x80\xaf",     /* overlong, three bytes */
        "\xed\xa0\x80",     /* surrogate */
        "\xf4\x90\x80\x80", /* above U+10FFFF */
        "\xff",             /* never valid */
        "\x80",             /* lone continuation */
        "\xe5\xbc",         /* truncated */
        "\xe5\xbc\x41",     /* bad continuation */
    };
    reg_csv_result_t r;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[600];
        snprintf(text, sizeof text,
                 HEADER "A1,甲,男,1985-04-12,x,2010-07-01,duty,,,\n"
                        "A2,%s,男,1985-04-12,x,2010-07-01,duty,,,\n"
                        "A3,丙,男,1985-04-12,x,2010-07-01,duty,,,\n",
                 bad[i]);
        assert_int_equal(s_parse(text, &r), -1);
        const int lines[] = {3};
        s_expect_lines(&r, lines, 1);
        assert_non_null(strstr(r.errors[0].message, "UTF-8"));
        assert_int_equal(r.nrows, 2);
        reg_csv_result_free(&r);
    }
    /* Truncated at the very end of the input, in the last field. */
    assert_int_equal(s_parse(HEADER "A1,甲,男,1985-04-12,x,2010-07-01,duty,,,\xe5\xbc", &r), -1);
    const int el[] = {2};
    s_expect_lines(&r, el, 1);
    reg_csv_result_free(&r);
    /* Four-byte characters are fine. */
    reg_csv_result_t ok;
    s_expect_good(NAME, "\xf0\xa0\x80\x80", &ok);
    reg_csv_result_free(&ok);
}

/* ---- limits ----------------------------------------------------------------------------- */

static void test_limits(void **state)
{
    (void)state;
    reg_csv_result_t r;
    /* REG_CSV_MAX_ROWS rows are fine, one more is refused on its line. */
    size_t cap = (size_t)(REG_CSV_MAX_ROWS + 1) * 64 + 200;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, cap, HEADER);
    for (int i = 0; i < REG_CSV_MAX_ROWS; i++)
        n += (size_t)snprintf(text + n, cap - n, "L%d,甲,男,1985-04-12,x,2010-07-01,duty,,,\n", i);
    assert_int_equal(s_parse_n(text, n, &r), 0);
    assert_int_equal(r.nrows, REG_CSV_MAX_ROWS);
    reg_csv_result_free(&r);
    n += (size_t)snprintf(text + n, cap - n, "L,甲,男,1985-04-12,x,2010-07-01,duty,,,\n");
    assert_int_equal(s_parse_n(text, n, &r), -1);
    const int lines[] = {REG_CSV_MAX_ROWS + 2};
    s_expect_lines(&r, lines, 1);
    reg_csv_result_free(&r);
    free(text);

    size_t big = (size_t)REG_CSV_MAX_BYTES + 1;
    text = malloc(big);
    assert_non_null(text);
    memset(text, '\n', big);
    assert_int_equal(s_parse_n(text, big, &r), -1);
    assert_int_equal(r.nerrors, 1);
    assert_int_equal(r.errors[0].line, 0);
    reg_csv_result_free(&r);
    free(text);
}

static void test_free_is_safe(void **state)
{
    (void)state;
    reg_csv_result_t r;
    memset(&r, 0, sizeof r);
    reg_csv_result_free(&r);
    reg_csv_result_free(NULL);
    assert_int_equal(s_parse(HEADER "A1,甲,男,1985-04-12,x,2010-07-01,duty,a;b,,\n", &r), 0);
    reg_csv_result_free(&r);
    assert_null(r.rows);
    assert_int_equal(r.nrows, 0);
    reg_csv_result_free(&r);
}

/* ---- demo data -------------------------------------------------------------------------- */

static char *s_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            char *nb = realloc(buf, cap);
            assert_non_null(nb);
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    *len = n;
    return buf;
}

static void s_check_demo(int y, int m, int d)
{
    size_t len = 0;
    char *text = s_read_file(DEMO_PATH, &len);
    if (!text)
        fail_msg("cannot read %s (run from the repository root)", DEMO_PATH);
    reg_csv_result_t r;
    int rc = reg_csv_parse_lawyers(text, len, y, m, d, &r);
    free(text);
    for (size_t i = 0; i < r.nerrors; i++)
        print_error("%s:%d [%s] %s\n", DEMO_PATH, r.errors[i].line, r.errors[i].field,
                    r.errors[i].message);
    assert_int_equal(rc, 0);
    assert_int_equal(r.nerrors, 0);
    assert_int_equal(r.nrows, 30);
    size_t men = 0, duty = 0, cases = 0;
    for (size_t i = 0; i < r.nrows; i++) {
        const reg_lawyer_row_t *row = &r.rows[i];
        assert_int_equal(strlen(row->licence), 17);
        assert_memory_equal(row->licence, "13303", 5);
        assert_non_null(strstr(row->email, "@example.com"));
        int by, bm, bd;
        assert_int_equal(time_parse_date(row->birth_date, &by, &bm, &bd), 0);
        int age = time_years_between(by, bm, bd, 2026, 11, 26);
        assert_in_range(age, 26, 60);
        men += strcmp(row->gender, "男") == 0;
        for (size_t j = 0; j < row->npools; j++) {
            duty += strcmp(row->pools[j], "duty") == 0;
            cases += strcmp(row->pools[j], "case") == 0;
        }
    }
    assert_in_range(men, 5, 25);
    assert_true(duty > 0 && cases > 0 && duty + cases > 30);
    reg_csv_result_free(&r);
}

static void test_demo_file(void **state)
{
    (void)state;
    s_check_demo(TODAY);
    /* And on the day someone actually imports it. */
    int y, m, d;
    time_local(time_now_us(), 480, &y, &m, &d, NULL);
    s_check_demo(y, m, d);
}

/* ---- the licence list (round confirm) --------------------------------------------------- */

#define BOM "\xef\xbb\xbf"

static int s_list_n(const char *text, size_t len, reg_licences_t *l)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, text, len);
    int rc = reg_csv_parse_licences(len ? copy : NULL, len, l);
    free(copy);
    return rc;
}

static int s_list(const char *text, reg_licences_t *l)
{
    return s_list_n(text, strlen(text), l);
}

/* Asserts text is accepted with exactly the n licences want, in order. */
static void s_list_good(const char *text, const char *const *want, size_t n)
{
    reg_licences_t l;
    int rc = s_list(text, &l);
    for (size_t i = 0; i < l.nerrors; i++)
        print_error("[%s] line %d [%s]: %s\n", text, l.errors[i].line, l.errors[i].field,
                    l.errors[i].message);
    assert_int_equal(rc, 0);
    assert_int_equal(l.nerrors, 0);
    assert_int_equal(l.nlicences, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(l.licences[i], want[i]);
    reg_licences_free(&l);
}

/* Asserts text is refused with errors on exactly these lines; returns the
 * result for further checks (caller frees). */
static void s_list_bad(const char *text, size_t len, const int *lines, size_t n, reg_licences_t *l)
{
    assert_int_equal(s_list_n(text, len, l), -1);
    s_expect_error_lines(l->errors, l->nerrors, lines, n);
    for (size_t i = 0; i < l->nerrors; i++)
        assert_true(strlen(l->errors[i].message) > 0);
}

static void test_licences_bare(void **state)
{
    (void)state;
    static const char *const want[] = {"13303201011012345", "WZ-V-0001", "a1", "7"};
    s_list_good("13303201011012345\nWZ-V-0001\na1\n7\n", want, 4);
    /* No final line break; spaces, tabs, NO-BREAK SPACE and U+3000 trimmed. */
    s_list_good(" 13303201011012345\t\n\xc2\xa0WZ-V-0001\xe3\x80\x80\na1 \n7", want, 4);
    static const char *const one[] = {"12345678901234567890123456789012"};
    s_list_good("12345678901234567890123456789012", one, 1);
}

static void test_licences_bom(void **state)
{
    (void)state;
    static const char *const want[] = {"A1", "A2"};
    s_list_good(BOM "A1\nA2\n", want, 2);
    s_list_good(BOM "licence\nA1\nA2\n", want, 2);
    s_list_good(BOM "执业证号\r\nA1\r\nA2\r\n", want, 2);

    /* Only one BOM, and only at the start: the second is part of the field. */
    reg_licences_t l;
    const int l1[] = {1};
    const char *two = BOM BOM "A1\nA2\n";
    s_list_bad(two, strlen(two), l1, 1, &l);
    assert_string_equal(l.errors[0].field, "licence");
    assert_int_equal(l.nlicences, 1);
    assert_string_equal(l.licences[0], "A2");
    reg_licences_free(&l);
    const int l2[] = {2};
    const char *mid = "A1\n" BOM "A2\n";
    s_list_bad(mid, strlen(mid), l2, 1, &l);
    reg_licences_free(&l);
}

static void test_licences_header(void **state)
{
    (void)state;
    static const char *const want[] = {"A1", "A2"};
    static const char *const headers[] = {
        "licence\n",         "Licence\n",         "LICENCE\n",      "执业证号\n",
        "\"licence\"\n",     " licence \t\n",     "licence,name\n", "执业证号,姓名,性别,出生日期\n",
        REG_CSV_HEADER "\n", "\n\n  \nlicence\n", /* the first record that is not blank */
    };
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "%sA1\nA2\n", headers[i]);
        s_list_good(text, want, 2);
    }

    /* Only there: later, 执业证号 is a bad licence on its line. */
    reg_licences_t l;
    const int l3[] = {3};
    const char *late = "A1\nA2\n执业证号\n";
    s_list_bad(late, strlen(late), l3, 1, &l);
    assert_string_equal(l.errors[0].field, "licence");
    assert_int_equal(l.nlicences, 2);
    reg_licences_free(&l);
    /* Not a header: other words are taken as the first licence. */
    const int l1[] = {1};
    const char *other = "执业证号码\nA1\nA2\n";
    s_list_bad(other, strlen(other), l1, 1, &l);
    reg_licences_free(&l);
}

static void test_licences_first_column(void **state)
{
    (void)state;
    /* The import CSV as it is, and its first columns pasted. */
    static const char *const want[] = {"13303201011012345", "13303201510001148", "WZ-V-0001"};
    s_list_good(REG_CSV_HEADER "\n"
                               "13303201011012345,张三,男,1985-04-12,温州瓯江律师事务所,"
                               "2010-07-01,duty;case,\"婚姻家事;劳动争议\",13912345678,\n"
                               "13303201510001148,李四,F,1990-02-18,\"温州\"\"塘河\"\"律所\","
                               "2015-08-01,值班,,0577-88376359,\n"
                               "WZ-V-0001,王五,male,1999-10-03,,,duty,,,\n",
                want, 3);
    s_list_good("执业证号,姓名\n13303201011012345,张三\n13303201510001148\n"
                "WZ-V-0001,王五,,,,,,,,,,,,\n",
                want, 3);
    /* Any text in the other columns, even what would be a bad licence. */
    s_list_good("13303201011012345,WZ_1\n13303201510001148, 张 三 ,\nWZ-V-0001,,\n", want, 3);
    /* An empty first column with something after it is a bad licence. */
    reg_licences_t l;
    const int l2[] = {2};
    const char *gap = "A1,甲\n,乙\n";
    s_list_bad(gap, strlen(gap), l2, 1, &l);
    assert_string_equal(l.errors[0].field, "licence");
    reg_licences_free(&l);
}

static void test_licences_quoted(void **state)
{
    (void)state;
    static const char *const want[] = {"A1", "A2", "A3", "A4"};
    /* Quotes, spaces around them, a comma and line breaks inside an ignored field. */
    s_list_good("\"A1\"\n \"A2\" ,\"甲, 乙\"\nA3,\"第一行\n第二行\r\n第三行\"\n\" A4 \"\n", want,
                4);

    /* Lines after a record over three physical lines; quoting errors. */
    reg_licences_t l;
    const char *text = "A1,\"x\ny\nz\"\n" /* lines 1-3 */
                       "A_2\n"            /* 4: bad licence */
                       "\"A\"\"3\"\n"     /* 5: A"3 is a bad licence */
                       "\"A4\"x\n"        /* 6: text after the closing quote */
                       "A5,张\"三\n"      /* 7: a quote in an unquoted field */
                       "A6\n";
    const int lines[] = {4, 5, 6, 7};
    s_list_bad(text, strlen(text), lines, 4, &l);
    assert_string_equal(l.errors[0].field, "licence");
    assert_string_equal(l.errors[1].field, "licence");
    assert_string_equal(l.errors[2].field, "");
    assert_string_equal(l.errors[3].field, "");
    assert_int_equal(l.nlicences, 2);
    assert_string_equal(l.licences[0], "A1");
    assert_string_equal(l.licences[1], "A6");
    reg_licences_free(&l);

    /* An unterminated quote: on the line of the opening quote. */
    const char *open = "A1\nA2,甲\nA3,\"乙\n丙\n";
    const int ol[] = {3};
    s_list_bad(open, strlen(open), ol, 1, &l);
    assert_non_null(strstr(l.errors[0].message, "引号未闭合"));
    reg_licences_free(&l);
    const int el[] = {1};
    s_list_bad("\"", 1, el, 1, &l);
    reg_licences_free(&l);
}

static void test_licences_blank_lines(void **state)
{
    (void)state;
    static const char *const want[] = {"A1", "A2", "A3"};
    /* Anywhere, and a spreadsheet's empty rows too. */
    s_list_good("\n \t\nlicence\n\nA1\n  \n,,,\n\"\",\" \"\nA2\r\n\r\n\xe3\x80\x80\nA3\n\n\n", want,
                3);
    reg_licences_t l;
    const char *text = "\n\nA1\n\n\nA_2\n,,\nA3\n\n";
    const int lines[] = {6};
    s_list_bad(text, strlen(text), lines, 1, &l);
    assert_int_equal(l.nlicences, 2);
    reg_licences_free(&l);
}

static void test_licences_bad(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "123456789012345678901234567890123",
        "13303 201011012345",
        "WZ_2024",
        "１３３０３",
        "张三",
        "WZ/1",
        "A1;A2",
        "A1\xc2\xa0"
        "A2",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "licence\nA1\n%s,甲\nA2\n", bad[i]);
        reg_licences_t l;
        const int lines[] = {3};
        s_list_bad(text, strlen(text), lines, 1, &l);
        assert_string_equal(l.errors[0].field, "licence");
        assert_non_null(strstr(l.errors[0].message, "执业证号应为"));
        assert_int_equal(l.nlicences, 2);
        reg_licences_free(&l);
    }
    /* Every bad one is reported, in file order; the result keeps the good ones. */
    reg_licences_t l;
    const char *text = "licence\nA_1\nA2\n\nA 3\nA4\n张三\n";
    const int lines[] = {2, 5, 7};
    s_list_bad(text, strlen(text), lines, 3, &l);
    assert_int_equal(l.nlicences, 2);
    assert_string_equal(l.licences[0], "A2");
    assert_string_equal(l.licences[1], "A4");
    reg_licences_free(&l);
}

static void test_licences_duplicate(void **state)
{
    (void)state;
    reg_licences_t l;
    const char *text = "licence\n"
                       "A1\n"       /* 2 */
                       "A2,甲\n"    /* 3 */
                       "A1,乙\n"    /* 4: as line 2 */
                       "\" A1 \"\n" /* 5: trimmed, as line 2 */
                       "a1\n"       /* 6: another licence */
                       "A_3\n"      /* 7: bad, claims nothing */
                       "A_3\n"      /* 8: bad again, not a duplicate */
                       "A2\n";      /* 9: as line 3 */
    const int lines[] = {4, 5, 7, 8, 9};
    s_list_bad(text, strlen(text), lines, 5, &l);
    assert_non_null(strstr(l.errors[0].message, "第 2 行"));
    assert_non_null(strstr(l.errors[1].message, "第 2 行"));
    assert_non_null(strstr(l.errors[2].message, "执业证号应为"));
    assert_non_null(strstr(l.errors[3].message, "执业证号应为"));
    assert_non_null(strstr(l.errors[4].message, "第 3 行"));
    for (size_t i = 0; i < l.nerrors; i++)
        assert_string_equal(l.errors[i].field, "licence");
    assert_int_equal(l.nlicences, 3);
    assert_string_equal(l.licences[0], "A1");
    assert_string_equal(l.licences[1], "A2");
    assert_string_equal(l.licences[2], "a1");
    reg_licences_free(&l);
}

static void test_licences_empty(void **state)
{
    (void)state;
    static const char *const empty[] = {
        "",        "\n\n",        " \t\r\n",          BOM,           BOM "\n",
        "licence", "licence\n\n", "执业证号\r\n\r\n", ",,,\n\"\"\n", REG_CSV_HEADER "\n",
    };
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        reg_licences_t l;
        const int lines[] = {0};
        s_list_bad(empty[i], strlen(empty[i]), lines, 1, &l);
        assert_string_equal(l.errors[0].field, "");
        assert_non_null(strstr(l.errors[0].message, "没有执业证号"));
        assert_int_equal(l.nlicences, 0);
        assert_null(l.licences);
        reg_licences_free(&l);
    }
    /* A list whose every record is bad reports those, not emptiness. */
    reg_licences_t l;
    const int lines[] = {2};
    s_list_bad("licence\nA_1\n", strlen("licence\nA_1\n"), lines, 1, &l);
    assert_int_equal(l.nlicences, 0);
    reg_licences_free(&l);
}

static void test_licences_crlf(void **state)
{
    (void)state;
    static const char *const want[] = {"A1", "A2", "A3"};
    s_list_good("licence\r\nA1\r\nA2,\"x\r\ny\"\r\nA3\r\n\r\n", want, 3);
    s_list_good("licence\rA1\rA2\rA3", want, 3);
    s_list_good("A1\r\nA2\nA3\r", want, 3);

    reg_licences_t l;
    const char *crlf = "licence\r\nA1\r\nA2,\"x\r\ny\"\r\n\r\nA_3\r\nA1\r\n";
    const int lines[] = {6, 7};
    s_list_bad(crlf, strlen(crlf), lines, 2, &l);
    assert_non_null(strstr(l.errors[1].message, "第 2 行"));
    reg_licences_free(&l);
    const char *cr = "A1\rA2\r\rA_3\r";
    const int cl[] = {4};
    s_list_bad(cr, strlen(cr), cl, 1, &l);
    reg_licences_free(&l);
}

static void test_licences_encoding(void **state)
{
    (void)state;
    reg_licences_t l;
    /* A GBK file: the names in an ignored column give it away. */
    const char *gbk = "A1,\xd5\xc5\xc8\xfd\nA2,\xc0\xee\xcb\xc4\n";
    const int gl[] = {1, 2};
    s_list_bad(gbk, strlen(gbk), gl, 2, &l);
    assert_non_null(strstr(l.errors[0].message, "UTF-8"));
    assert_int_equal(l.nlicences, 0);
    reg_licences_free(&l);
    /* A GBK header is refused too, rather than taken for a licence. */
    const char *gbk_head = "\xd6\xb4\xd2\xb5\xd6\xa4\xba\xc5\nA1\n";
    const int hl[] = {1};
    s_list_bad(gbk_head, strlen(gbk_head), hl, 1, &l);
    reg_licences_free(&l);

    static const char nul[] = "A1\nA2,\0\nA3\n\"A4\n\0\"\nA5\n";
    const int nl[] = {2, 5};
    s_list_bad(nul, sizeof nul - 1, nl, 2, &l);
    assert_non_null(strstr(l.errors[0].message, "NUL"));
    assert_int_equal(l.nlicences, 3);
    reg_licences_free(&l);
}

static void test_licences_limits(void **state)
{
    (void)state;
    reg_licences_t l;
    /* REG_CSV_MAX_ROWS licences are fine (a header and blank lines do not
     * count), one more is refused on its line. */
    size_t cap = (size_t)(REG_CSV_MAX_ROWS + 1) * 16 + 100;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, cap, "licence\n\n");
    for (int i = 0; i < REG_CSV_MAX_ROWS; i++)
        n += (size_t)snprintf(text + n, cap - n, "L%d\n", i);
    n += (size_t)snprintf(text + n, cap - n, "\n,,\n");
    assert_int_equal(s_list_n(text, n, &l), 0);
    assert_int_equal(l.nlicences, REG_CSV_MAX_ROWS);
    assert_string_equal(l.licences[REG_CSV_MAX_ROWS - 1], "L4999");
    reg_licences_free(&l);
    n += (size_t)snprintf(text + n, cap - n, "L\n");
    const int lines[] = {REG_CSV_MAX_ROWS + 5};
    s_list_bad(text, n, lines, 1, &l);
    assert_string_equal(l.errors[0].field, "");
    reg_licences_free(&l);
    free(text);

    size_t big = (size_t)REG_CSV_MAX_BYTES + 1;
    text = malloc(big);
    assert_non_null(text);
    memset(text, 'A', big);
    const int zero[] = {0};
    s_list_bad(text, big, zero, 1, &l);
    assert_int_equal(l.nlicences, 0);
    reg_licences_free(&l);
    /* The limit itself is fine (here, one licence too long). */
    text[REG_CSV_MAX_BYTES - 1] = '\n';
    const int one[] = {1};
    s_list_bad(text, REG_CSV_MAX_BYTES, one, 1, &l);
    reg_licences_free(&l);
    free(text);
}

static void test_licences_free_is_safe(void **state)
{
    (void)state;
    reg_licences_t l;
    memset(&l, 0, sizeof l);
    reg_licences_free(&l);
    reg_licences_free(NULL);
    assert_int_equal(s_list("A1\nA2\n", &l), 0);
    reg_licences_free(&l);
    assert_null(l.licences);
    assert_null(l.errors);
    assert_int_equal(l.nlicences, 0);
    reg_licences_free(&l);
}

static void test_errors_json(void **state)
{
    (void)state;
    reg_licences_t l;
    assert_int_equal(s_list("licence\nA_1\n\"甲\"\"乙\n", &l), -1);
    char *text = reg_csv_errors_json(l.errors, l.nerrors);
    assert_non_null(text);
    json_error_t err;
    json_t *body = json_loads(text, 0, &err);
    assert_non_null(body);
    json_t *arr = json_object_get(body, "errors");
    assert_int_equal(json_array_size(arr), 2);
    json_t *e0 = json_array_get(arr, 0), *e1 = json_array_get(arr, 1);
    assert_int_equal(json_integer_value(json_object_get(e0, "line")), 2);
    assert_string_equal(json_string_value(json_object_get(e0, "field")), "licence");
    assert_string_equal(json_string_value(json_object_get(e0, "message")), l.errors[0].message);
    assert_int_equal(json_integer_value(json_object_get(e1, "line")), 3);
    assert_true(json_is_null(json_object_get(e1, "field")));
    assert_non_null(strstr(json_string_value(json_object_get(e1, "message")), "引号未闭合"));
    json_decref(body);
    free(text);
    reg_licences_free(&l);

    text = reg_csv_errors_json(NULL, 0);
    assert_string_equal(text, "{\"errors\":[]}");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file),
        cmocka_unit_test(test_header_only),
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_quote_errors),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_licence),
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_gender),
        cmocka_unit_test(test_birth_date),
        cmocka_unit_test(test_firm),
        cmocka_unit_test(test_licensed_since),
        cmocka_unit_test(test_pools),
        cmocka_unit_test(test_specialties),
        cmocka_unit_test(test_phone),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_several_bad_rows),
        cmocka_unit_test(test_duplicate_licence),
        cmocka_unit_test(test_wrong_header),
        cmocka_unit_test(test_column_count),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_free_is_safe),
        cmocka_unit_test(test_demo_file),
        cmocka_unit_test(test_licences_bare),
        cmocka_unit_test(test_licences_bom),
        cmocka_unit_test(test_licences_header),
        cmocka_unit_test(test_licences_first_column),
        cmocka_unit_test(test_licences_quoted),
        cmocka_unit_test(test_licences_blank_lines),
        cmocka_unit_test(test_licences_bad),
        cmocka_unit_test(test_licences_duplicate),
        cmocka_unit_test(test_licences_empty),
        cmocka_unit_test(test_licences_crlf),
        cmocka_unit_test(test_licences_encoding),
        cmocka_unit_test(test_licences_limits),
        cmocka_unit_test(test_licences_free_is_safe),
        cmocka_unit_test(test_errors_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
