/* Unit tests for gw_public (services/gateway/gw_public.c): cleaning of text
 * from other systems, the query of the public list, the live and annual
 * models and views (filter, order, ages), and the JSON and HTML renderings —
 * above all that they show the five fields of clause 8 and nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gw_public.h"

#define HUNYIN "\xe5\xa9\x9a\xe5\xa7\xbb\xe5\xae\xb6\xe4\xba\x8b" /* 婚姻家事 */
#define HUNYIN_URL "%E5%A9%9A%E5%A7%BB%E5%AE%B6%E4%BA%8B"
#define XINGSHI "刑事辩护"
#define LAODONG "劳动争议"

/* 2026-05-20T02:00:00Z = 10:00 in Asia/Shanghai */
#define NOW_US (INT64_C(1779242400) * INT64_C(1000000))
#define OFFSET 480

/* ---- helpers ---------------------------------------------------------------- */

/* A LawyerChanged with the fields the list reads, and private ones that
 * must never come out. */
typedef struct {
    Fayuan__LawyerChanged ev;
    char *specs[40];
} s_event_t;

static void s_event(s_event_t *e, const char *licence, const char *name, const char *gender,
                    const char *birth, const char *licensed, const char *specs)
{
    memset(e, 0, sizeof *e);
    Fayuan__LawyerChanged init = FAYUAN__LAWYER_CHANGED__INIT;
    e->ev = init;
    e->ev.licence = (char *)licence;
    e->ev.name = (char *)name;
    e->ev.gender = (char *)gender;
    e->ev.birth_date = (char *)birth;
    e->ev.licensed_since = (char *)licensed;
    e->ev.firm = "PRIVATE-FIRM";
    e->ev.phone = "PRIVATE-PHONE";
    e->ev.email = "PRIVATE-EMAIL";
    e->ev.status = "active";
    /* specs: ';'-separated, split into the event's array (the string literal
     * is copied so it can be cut) */
    static char buf[8][512];
    static int next;
    char *copy = buf[next++ % 8];
    snprintf(copy, 512, "%s", specs);
    for (char *save, *t = strtok_r(copy, ";", &save); t && e->ev.n_specialties < 40;
         t = strtok_r(NULL, ";", &save))
        e->specs[e->ev.n_specialties++] = t;
    e->ev.specialties = e->specs;
}

/* Puts a member from event fields into the model. */
static void s_put(gw_public_t *pub, const char *licence, const char *name, const char *gender,
                  const char *birth, const char *licensed, const char *specs)
{
    s_event_t e;
    s_event(&e, licence, name, gender, birth, licensed, specs);
    gw_member_t m;
    assert_int_equal(gw_member_from_event(&e.ev, &m), 0);
    assert_int_equal(gw_public_put_member(pub, &m), 0);
    gw_member_clear(&m); /* the model has its own copy */
}

static void s_query_ok(const char *query, const char *specialty, int year)
{
    gw_public_query_t q;
    gw_error_t err;
    if (gw_public_query_parse(query, &q, &err) != 0)
        fail_msg("query %s refused: %s", query ? query : "(null)", err.message);
    assert_string_equal(q.specialty, specialty);
    assert_int_equal(q.year, year);
}

static void s_query_bad(const char *query, const char *field)
{
    gw_public_query_t q;
    gw_error_t err;
    if (gw_public_query_parse(query, &q, &err) == 0)
        fail_msg("query %s accepted", query);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.code, "invalid_field");
    assert_string_equal(err.field, field);
    assert_true(strlen(err.message) > 0);
}

static size_t s_count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The keys of a JSON object, sorted and joined with ',' into buf. */
static const char *s_keys(const json_t *o, char *buf, size_t len)
{
    const char *keys[16];
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        if (n < 16)
            keys[n++] = k;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
            const char *t = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = t;
        }
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strncat(buf, ",", len - strlen(buf) - 1);
        strncat(buf, keys[i], len - strlen(buf) - 1);
    }
    return buf;
}

/* ---- cleaning, escaping ------------------------------------------------------ */

static void test_clean(void **state)
{
    char *c = gw_public_clean("陈建国", 128);
    assert_string_equal(c, "陈建国");
    free(c);
    c = gw_public_clean(NULL, 8);
    assert_string_equal(c, "");
    free(c);
    /* invalid bytes, an overlong form, a surrogate, controls: U+FFFD each */
    c = gw_public_clean("a\xff"
                        "b\xc0\xaf"
                        "c\xed\xa0\x80"
                        "d\n\x7f"
                        "e\xc2\x85",
                        128);
    assert_string_equal(c, "a\xef\xbf\xbd"
                           "b\xef\xbf\xbd\xef\xbf\xbd"
                           "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                           "d\xef\xbf\xbd\xef\xbf\xbd"
                           "e\xef\xbf\xbd");
    free(c);
    /* cut on a character boundary */
    c = gw_public_clean("婚姻家事", 7);
    assert_string_equal(c, "婚姻");
    free(c);
    c = gw_public_clean("婚姻家事", 2);
    assert_string_equal(c, "");
    free(c);
}

static void test_html_escape(void **state)
{
    char *e = gw_public_html_escape("<script>alert('x')</script> & \"王五\"");
    assert_string_equal(e,
                        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;王五&quot;");
    free(e);
    e = gw_public_html_escape("");
    assert_string_equal(e, "");
    free(e);
}

static void test_url_encode(void **state)
{
    char *e = gw_public_url_encode(HUNYIN " a/b&c=d+e~_.-Z9");
    assert_string_equal(e, HUNYIN_URL "%20a%2Fb%26c%3Dd%2Be~_.-Z9");
    free(e);
}

/* ---- the query -------------------------------------------------------------------- */

static void test_query_ok(void **state)
{
    s_query_ok(NULL, "", 0);
    s_query_ok("", "", 0);
    s_query_ok("specialty=" HUNYIN_URL, HUNYIN, 0);
    s_query_ok("specialty=" HUNYIN, HUNYIN, 0); /* raw UTF-8 */
    s_query_ok("specialty=%e5%a9%9a%e5%a7%bb%e5%ae%b6%e4%ba%8b", HUNYIN, 0);
    s_query_ok("specialty=a+b%20c", "a b c", 0);
    s_query_ok("year=2026", "", 2026);
    s_query_ok("year=2026&specialty=" HUNYIN_URL, HUNYIN, 2026);
    s_query_ok("specialty=&year=", "", 0); /* a form's "all" */
    s_query_ok("specialty", "", 0);
    s_query_ok("&&specialty=x&", "x", 0);
    /* what WeChat appends to a shared link, and anything else, is ignored */
    s_query_ok("specialty=x&from=singlemessage&isappinstalled=0", "x", 0);
    s_query_ok("Specialty=x&years=1&%zz=1&y%=2", "", 0);
    s_query_ok("%73pecialty=x", "x", 0);
    /* exactly 64 bytes: 21 three-byte characters and one ASCII */
    s_query_ok("specialty=婚姻家事婚姻家事婚姻家事婚姻家事婚姻家事婚a",
               "婚姻家事婚姻家事婚姻家事婚姻家事婚姻家事婚a", 0);
}

static void test_query_bad(void **state)
{
    /* over-long: 22 characters = 66 bytes */
    s_query_bad("specialty=婚姻家事婚姻家事婚姻家事婚姻家事婚姻家事婚姻", "specialty");
    s_query_bad("specialty=" HUNYIN_URL HUNYIN_URL HUNYIN_URL HUNYIN_URL HUNYIN_URL HUNYIN_URL,
                "specialty");
    /* not UTF-8, or control characters */
    s_query_bad("specialty=%ff", "specialty");
    s_query_bad("specialty=%e5%a9", "specialty");
    s_query_bad("specialty=%c0%af", "specialty");
    s_query_bad("specialty=%ed%a0%80", "specialty");
    s_query_bad("specialty=a%00b", "specialty");
    s_query_bad("specialty=a%0Ab", "specialty");
    s_query_bad("specialty=%7f", "specialty");
    s_query_bad("specialty=%c2%85", "specialty");
    /* broken escapes */
    s_query_bad("specialty=%", "specialty");
    s_query_bad("specialty=%4", "specialty");
    s_query_bad("specialty=%zz", "specialty");
    s_query_bad("year=20%2", "year");
    /* twice */
    s_query_bad("specialty=a&specialty=b", "specialty");
    s_query_bad("specialty=a&specialty=a", "specialty");
    s_query_bad("year=2026&year=2026", "year");
    /* not a year */
    s_query_bad("year=26", "year");
    s_query_bad("year=20260", "year");
    s_query_bad("year=abcd", "year");
    s_query_bad("year=0999", "year");
    s_query_bad("year=-202", "year");
    s_query_bad("year=+2026", "year");
    s_query_bad("year=2026%00", "year");
}

/* ---- members and the model --------------------------------------------------------- */

static void test_member_from_event(void **state)
{
    s_event_t e;
    gw_member_t m;
    s_event(&e, "13303199511001037", "陈建国", "男", "1968-03-14", "1995-09-01",
            XINGSHI ";;合同纠纷");
    assert_int_equal(gw_member_from_event(&e.ev, &m), 0);
    assert_string_equal(m.key, "13303199511001037");
    assert_string_equal(m.name, "陈建国");
    assert_string_equal(m.gender, "男");
    assert_int_equal(m.birth_y, 1968);
    assert_int_equal(m.birth_m, 3);
    assert_int_equal(m.birth_d, 14);
    assert_int_equal(m.licensed_y, 1995);
    assert_int_equal(m.nspecialties, 2);
    assert_string_equal(m.specialties[1], "合同纠纷");
    gw_member_clear(&m);
    assert_null(m.name);

    /* bad or missing dates are unknown; empty specialties dropped; at most 32 */
    char many[40 * 4] = "";
    for (int i = 0; i < 40; i++)
        strcat(many, "x;");
    s_event(&e, "L", "N", "女", "1990-02-30", "", many);
    assert_int_equal(gw_member_from_event(&e.ev, &m), 0);
    assert_int_equal(m.birth_y, 0);
    assert_int_equal(m.licensed_y, 0);
    assert_int_equal(m.nspecialties, GW_PUBLIC_SPECIALTIES);
    gw_member_clear(&m);

    e.ev.birth_date = NULL;
    e.ev.licensed_since = "2010-13-01";
    e.ev.name = "a\x01"
                "b";
    assert_int_equal(gw_member_from_event(&e.ev, &m), 0);
    assert_int_equal(m.birth_y, 0);
    assert_int_equal(m.licensed_y, 0);
    assert_string_equal(m.name, "a\xef\xbf\xbd"
                                "b");
    gw_member_clear(&m);
}

static void test_model_put_replace_remove(void **state)
{
    gw_public_t *pub = gw_public_new();
    s_put(pub, "K1", "甲", "男", "1980-01-01", "2005-01-01", XINGSHI);
    s_put(pub, "K2", "乙", "女", "1980-01-01", "2005-01-01", HUNYIN);
    s_put(pub, "K3", "丙", "男", "1980-01-01", "2005-01-01", LAODONG);
    assert_int_equal(gw_public_member_count(pub), 3);
    s_put(pub, "K2", "乙改", "女", "1981-01-01", "2006-01-01", XINGSHI); /* replaces */
    assert_int_equal(gw_public_member_count(pub), 3);
    gw_public_remove_member(pub, "K1"); /* the last one moves into its place */
    gw_public_remove_member(pub, "K9"); /* nobody */
    assert_int_equal(gw_public_member_count(pub), 2);
    s_put(pub, "K3", "丙", "男", "1980-01-01", "2005-01-01", HUNYIN); /* still found */
    assert_int_equal(gw_public_member_count(pub), 2);

    gw_public_view_t v;
    assert_int_equal(gw_public_view_live(pub, 2026, 5, 20, NOW_US, NULL, &v), 0);
    assert_int_equal(v.n, 2);
    assert_string_equal(v.rows[0].name, "丙");          /* 丙 U+4E19 < 乙 U+4E59 */
    assert_string_equal(v.rows[0].specialties, HUNYIN); /* the first of them */
    assert_string_equal(v.rows[1].name, "乙改");
    assert_int_equal(v.rows[1].age, 45);
    assert_int_equal(v.rows[1].practice_years, 20);
    gw_public_view_free(&v);

    gw_public_remove_member(pub, "K3");
    gw_public_remove_member(pub, "K2");
    assert_int_equal(gw_public_member_count(pub), 0);
    assert_int_equal(gw_public_view_live(pub, 2026, 5, 20, NOW_US, NULL, &v), 0);
    assert_int_equal(v.n, 0);
    assert_int_equal(v.nspecialties, 0);
    gw_public_view_free(&v);
    gw_public_destroy(&pub);
    assert_null(pub);
    gw_public_destroy(&pub); /* safe on NULL */
}

static void test_view_order_and_years(void **state)
{
    gw_public_t *pub = gw_public_new();
    /* the same name twice: the hidden key decides, whatever the insertion order */
    s_put(pub, "K9", "王伟", "男", "1980-05-20", "2006-05-21", XINGSHI);
    s_put(pub, "K1", "王伟", "女", "1980-05-21", "2006-05-20", XINGSHI);
    s_put(pub, "K5", "Zed", "男", "2000-02-29", "", XINGSHI); /* ASCII first (byte order) */
    s_put(pub, "K4", "李娜", "女", "2030-01-01", "2030-01-01", XINGSHI); /* dates ahead */
    gw_public_view_t v;
    assert_int_equal(gw_public_view_live(pub, 2026, 5, 20, NOW_US, NULL, &v), 0);
    assert_int_equal(v.n, 4);
    assert_string_equal(v.rows[0].name, "Zed");
    assert_string_equal(v.rows[1].name, "李娜");
    assert_string_equal(v.rows[2].name, "王伟");
    assert_string_equal(v.rows[2].gender, "女"); /* K1 */
    assert_string_equal(v.rows[3].gender, "男"); /* K9 */
    /* whole years on the day: 1980-05-20 is 46 on 2026-05-20, 1980-05-21 still 45 */
    assert_int_equal(v.rows[3].age, 46);
    assert_int_equal(v.rows[2].age, 45);
    assert_int_equal(v.rows[3].practice_years, 19);
    assert_int_equal(v.rows[2].practice_years, 20);
    assert_int_equal(v.rows[0].practice_years, 0); /* no licence date */
    assert_int_equal(v.rows[1].age, 0);            /* never negative */
    assert_int_equal(v.rows[1].practice_years, 0);
    gw_public_view_free(&v);
    /* 29 February: the year completes on 1 March in a common year */
    assert_int_equal(gw_public_view_live(pub, 2026, 2, 28, NOW_US, NULL, &v), 0);
    assert_int_equal(v.rows[0].age, 25);
    gw_public_view_free(&v);
    assert_int_equal(gw_public_view_live(pub, 2026, 3, 1, NOW_US, NULL, &v), 0);
    assert_int_equal(v.rows[0].age, 26);
    gw_public_view_free(&v);
    gw_public_destroy(&pub);
}

static void test_view_filter(void **state)
{
    gw_public_t *pub = gw_public_new();
    s_put(pub, "K1", "甲", "男", "1980-01-01", "2005-01-01", XINGSHI ";" HUNYIN);
    s_put(pub, "K2", "乙", "女", "1980-01-01", "2005-01-01", HUNYIN);
    s_put(pub, "K3", "丙", "男", "1980-01-01", "2005-01-01", LAODONG ";" XINGSHI);
    gw_public_view_t v;
    assert_int_equal(gw_public_view_live(pub, 2026, 5, 20, NOW_US, HUNYIN, &v), 0);
    assert_int_equal(v.n, 2);
    assert_string_equal(v.specialty, HUNYIN);
    assert_string_equal(v.rows[0].name, "乙");
    assert_string_equal(v.rows[1].name, "甲");
    assert_int_equal(v.rows[1].nspecialties, 2);
    assert_string_equal(v.rows[1].specialties, XINGSHI);
    assert_string_equal(gw_public_next(v.rows[1].specialties), HUNYIN);
    /* every specialty of the unfiltered list, once, in byte order */
    assert_int_equal(v.nspecialties, 3);
    assert_string_equal(v.specialties[0], XINGSHI); /* 刑 U+5211 */
    assert_string_equal(v.specialties[1], LAODONG); /* 劳 U+52B3 */
    assert_string_equal(v.specialties[2], HUNYIN);  /* 婚 U+5A5A */
    gw_public_view_free(&v);
    /* exact match only */
    assert_int_equal(gw_public_view_live(pub, 2026, 5, 20, NOW_US, "婚姻", &v), 0);
    assert_int_equal(v.n, 0);
    assert_int_equal(v.nspecialties, 3);
    gw_public_view_free(&v);
    /* "" is no filter */
    assert_int_equal(gw_public_view_live(pub, 2026, 5, 20, NOW_US, "", &v), 0);
    assert_int_equal(v.n, 3);
    assert_null(v.specialty);
    gw_public_view_free(&v);
    gw_public_destroy(&pub);
}

/* Many members put, replaced and removed in a scrambled order: the model
 * (an open-addressing table) always holds exactly the expected ones. */
static void test_model_many(void **state)
{
    enum { N = 3000 };
    static bool in[N];
    memset(in, 0, sizeof in);
    gw_public_t *pub = gw_public_new();
    unsigned x = 12345;
    size_t expect = 0;
    for (int round = 0; round < 4 * N; round++) {
        x = x * 1103515245u + 12345u;
        int i = (int)((x >> 8) % N);
        char key[16], name[16];
        snprintf(key, sizeof key, "K%05d", i);
        snprintf(name, sizeof name, "N%05d", i);
        if ((x >> 4) % 3 == 0) {
            gw_public_remove_member(pub, key);
            expect -= in[i];
            in[i] = false;
        } else {
            s_put(pub, key, name, "男", "1980-01-01", "2005-01-01", XINGSHI);
            expect += !in[i];
            in[i] = true;
        }
        assert_int_equal(gw_public_member_count(pub), expect);
    }
    gw_public_view_t v;
    assert_int_equal(gw_public_view_live(pub, 2026, 5, 20, NOW_US, NULL, &v), 0);
    assert_int_equal(v.n, expect);
    size_t k = 0;
    for (int i = 0; i < N; i++) {
        if (!in[i])
            continue;
        char name[16];
        snprintf(name, sizeof name, "N%05d", i);
        assert_string_equal(v.rows[k++].name, name); /* sorted, each once */
    }
    gw_public_view_free(&v);
    for (int i = 0; i < N; i++) {
        char key[16];
        snprintf(key, sizeof key, "K%05d", i);
        gw_public_remove_member(pub, key);
    }
    assert_int_equal(gw_public_member_count(pub), 0);
    gw_public_destroy(&pub);
}

static void test_answer_cache(void **state)
{
    gw_public_t *pub = gw_public_new();
    s_put(pub, "K1", "甲", "男", "1980-01-01", "2005-01-01", XINGSHI ";" HUNYIN);
    gw_public_query_t q = {.specialty = "", .year = 0}, qf = {.specialty = HUNYIN, .year = 0};
    const char *a, *b;
    size_t alen, blen;
    assert_int_equal(gw_public_answer(pub, &q, false, 2026, 5, 20, NOW_US, OFFSET, &a, &alen), 0);
    assert_int_equal(alen, strlen(a));
    assert_non_null(strstr(a, "\"as_of\":\"2026-05-20T10:00:00+08:00\""));
    /* the same query within the minute: the same answer */
    assert_int_equal(
        gw_public_answer(pub, &q, false, 2026, 5, 20, NOW_US + 59 * 1000000, OFFSET, &b, &blen), 0);
    assert_ptr_equal(a, b);
    /* other queries are answered apart, and do not push it out */
    assert_int_equal(gw_public_answer(pub, &q, true, 2026, 5, 20, NOW_US, OFFSET, &b, &blen), 0);
    assert_non_null(strstr(b, "<!DOCTYPE html>"));
    assert_int_equal(gw_public_answer(pub, &qf, false, 2026, 5, 20, NOW_US, OFFSET, &b, &blen), 0);
    assert_non_null(strstr(b, "\"specialty\":\"" HUNYIN "\""));
    assert_int_equal(gw_public_answer(pub, &q, false, 2026, 5, 20, NOW_US + 1, OFFSET, &b, &blen),
                     0);
    assert_ptr_equal(a, b);
    /* after a minute: made again */
    assert_int_equal(
        gw_public_answer(pub, &q, false, 2026, 5, 20, NOW_US + 60 * 1000000, OFFSET, &b, &blen), 0);
    assert_non_null(strstr(b, "\"as_of\":\"2026-05-20T10:01:00+08:00\""));
    a = b;
    /* a change of the model: made again */
    s_put(pub, "K2", "乙", "女", "1980-01-01", "2005-01-01", HUNYIN);
    assert_int_equal(
        gw_public_answer(pub, &q, false, 2026, 5, 20, NOW_US + 61 * 1000000, OFFSET, &b, &blen), 0);
    assert_non_null(strstr(b, "\"count\":2"));
    a = b;
    gw_public_remove_member(pub, "K2");
    assert_int_equal(
        gw_public_answer(pub, &q, false, 2026, 5, 20, NOW_US + 62 * 1000000, OFFSET, &b, &blen), 0);
    assert_non_null(strstr(b, "\"count\":1"));
    /* another day (ages change): made again */
    assert_int_equal(
        gw_public_answer(pub, &q, false, 2026, 5, 21, NOW_US + 63 * 1000000, OFFSET, &b, &blen), 0);
    assert_non_null(strstr(b, "\"as_of\":\"2026-05-20T10:01:03+08:00\""));
    /* a year with no list */
    gw_public_query_t qy = {.specialty = "", .year = 2025};
    assert_int_equal(gw_public_answer(pub, &qy, false, 2026, 5, 20, NOW_US, OFFSET, &b, &blen), 1);
    /* many different queries: the cache stays within its slots */
    for (int i = 0; i < 3 * GW_PUBLIC_CACHE_SLOTS; i++) {
        gw_public_query_t qi = {.year = 0};
        snprintf(qi.specialty, sizeof qi.specialty, "s%d", i);
        assert_int_equal(gw_public_answer(pub, &qi, i % 2, 2026, 5, 20, NOW_US + 70 * 1000000,
                                          OFFSET, &b, &blen),
                         0);
        assert_non_null(strstr(b, i % 2 ? "共 0 人" : "\"count\":0"));
    }
    gw_public_destroy(&pub);
}

/* ---- annual lists ------------------------------------------------------------------ */

static json_t *s_published_entries(void)
{
    Fayuan__PublicEntry e[3], *pe[3];
    char *s0[] = {HUNYIN, "", "bad\xff"}, *s1[] = {XINGSHI}, *s2[] = {LAODONG};
    const char *names[] = {"王伟", "Ann <b>", "王伟"};
    const char *genders[] = {"男", "女", "女"};
    int ages[] = {46, -3, 30}, years[] = {20, 7, -1};
    char **specs[] = {s0, s1, s2};
    size_t nspecs[] = {3, 1, 1};
    for (int i = 0; i < 3; i++) {
        Fayuan__PublicEntry init = FAYUAN__PUBLIC_ENTRY__INIT;
        e[i] = init;
        e[i].name = (char *)names[i];
        e[i].gender = (char *)genders[i];
        e[i].age = ages[i];
        e[i].practice_years = years[i];
        e[i].specialties = specs[i];
        e[i].n_specialties = nspecs[i];
        pe[i] = &e[i];
    }
    Fayuan__CasePoolPublished ev = FAYUAN__CASE_POOL_PUBLISHED__INIT;
    ev.year = 2026;
    ev.published_at = NOW_US;
    ev.entries = pe;
    ev.n_entries = 3;
    json_t *entries = gw_public_entries_json(&ev);
    assert_non_null(entries);
    return entries;
}

static void test_annual_entries_json(void **state)
{
    json_t *entries = s_published_entries();
    char keys[256];
    assert_int_equal(json_array_size(entries), 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(s_keys(json_array_get(entries, i), keys, sizeof keys),
                            "age,gender,name,practice_years,specialties");
    json_t *first = json_array_get(entries, 0), *second = json_array_get(entries, 1);
    json_t *sp = json_object_get(first, "specialties");
    assert_int_equal(json_array_size(sp), 2); /* "" dropped */
    assert_string_equal(json_string_value(json_array_get(sp, 1)), "bad\xef\xbf\xbd");
    assert_int_equal(json_integer_value(json_object_get(second, "age")), 0);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(entries, 2), "practice_years")), 0);
    json_decref(entries);
}

static void test_annual_views(void **state)
{
    gw_public_t *pub = gw_public_new();
    json_t *entries = s_published_entries();
    assert_int_equal(gw_public_put_annual(pub, 2026, NOW_US, entries), 0);
    assert_int_equal(gw_public_put_annual(pub, 0, NOW_US, entries), -1);
    assert_true(gw_public_has_annual(pub, 2026));
    assert_false(gw_public_has_annual(pub, 2025));

    gw_public_view_t v;
    assert_int_equal(gw_public_view_annual(pub, 2025, NULL, &v), 1);
    assert_int_equal(gw_public_view_annual(pub, 2026, NULL, &v), 0);
    assert_int_equal(v.year, 2026);
    assert_true(v.as_of_us == NOW_US);
    assert_int_equal(v.n, 3);
    assert_string_equal(v.rows[0].name, "Ann <b>");
    /* two of one name keep the published order */
    assert_string_equal(v.rows[1].gender, "男");
    assert_int_equal(v.rows[1].age, 46);
    assert_string_equal(v.rows[2].gender, "女");
    assert_int_equal(v.nyears, 1);
    gw_public_view_free(&v);

    /* a later publication of the year replaces it; other years are kept, listed in order */
    json_t *one =
        json_pack("[{s:s, s:s, s:i, s:i, s:[s]}, {s:s}, i]", "name", "赵六", "gender", "男", "age",
                  50, "practice_years", 25, "specialties", HUNYIN, "name", "incomplete", 7);
    assert_non_null(one);
    assert_int_equal(gw_public_put_annual(pub, 2026, NOW_US + 1, one), 0);
    assert_int_equal(gw_public_put_annual(pub, 2024, NOW_US - 1, entries), 0);
    assert_int_equal(gw_public_view_annual(pub, 2026, HUNYIN, &v), 0);
    assert_int_equal(v.n, 1); /* malformed elements skipped */
    assert_string_equal(v.rows[0].name, "赵六");
    assert_int_equal(v.nyears, 2);
    assert_int_equal(v.years[0], 2024);
    assert_int_equal(v.years[1], 2026);
    gw_public_view_free(&v);
    /* the live list knows the published years too */
    assert_int_equal(gw_public_view_live(pub, 2026, 5, 20, NOW_US, NULL, &v), 0);
    assert_int_equal(v.nyears, 2);
    gw_public_view_free(&v);
    json_decref(one);
    json_decref(entries);
    gw_public_destroy(&pub);
}

/* ---- rendering ---------------------------------------------------------------------- */

static gw_public_t *s_sample(void)
{
    gw_public_t *pub = gw_public_new();
    s_put(pub, "13303201010001074", "林晓燕", "女", "1985-07-22", "2010-03-15", HUNYIN ";民间借贷");
    s_put(pub, "13303199511001037", "<script>alert(1)</script>", "男", "1968-03-14", "1995-09-01",
          XINGSHI ";A&B \"x\"");
    json_t *entries = s_published_entries();
    assert_int_equal(gw_public_put_annual(pub, 2025, NOW_US - 1, entries), 0);
    json_decref(entries);
    return pub;
}

static void test_render_json(void **state)
{
    gw_public_t *pub = s_sample();
    gw_public_view_t v;
    assert_int_equal(gw_public_view_live(pub, 2026, 5, 20, NOW_US, HUNYIN, &v), 0);
    char *text = gw_public_render_json(&v, OFFSET);
    gw_public_view_free(&v);
    assert_non_null(text);
    assert_true(text[strlen(text) - 1] == '\n');
    assert_null(strstr(text, "13303")); /* no licence, anywhere */
    assert_null(strstr(text, "PRIVATE"));
    assert_null(strstr(text, "\\u")); /* UTF-8 as such */
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    assert_non_null(root);
    char keys[256];
    assert_string_equal(s_keys(root, keys, sizeof keys),
                        "as_of,available_specialties,count,members,published_years,specialty,year");
    assert_true(json_is_null(json_object_get(root, "year")));
    assert_string_equal(json_string_value(json_object_get(root, "as_of")),
                        "2026-05-20T10:00:00+08:00");
    assert_string_equal(json_string_value(json_object_get(root, "specialty")), HUNYIN);
    assert_int_equal(json_integer_value(json_object_get(root, "count")), 1);
    json_t *members = json_object_get(root, "members");
    assert_int_equal(json_array_size(members), 1);
    json_t *m = json_array_get(members, 0);
    assert_string_equal(s_keys(m, keys, sizeof keys), "age,gender,name,practice_years,specialties");
    assert_string_equal(json_string_value(json_object_get(m, "name")), "林晓燕");
    assert_string_equal(json_string_value(json_object_get(m, "gender")), "女");
    assert_int_equal(json_integer_value(json_object_get(m, "age")), 40);
    assert_int_equal(json_integer_value(json_object_get(m, "practice_years")), 16);
    assert_int_equal(json_array_size(json_object_get(m, "specialties")), 2);
    assert_int_equal(json_array_size(json_object_get(root, "available_specialties")), 4);
    assert_int_equal(
        json_integer_value(json_array_get(json_object_get(root, "published_years"), 0)), 2025);
    json_decref(root);
    free(text);

    /* an annual list */
    assert_int_equal(gw_public_view_annual(pub, 2025, NULL, &v), 0);
    text = gw_public_render_json(&v, OFFSET);
    gw_public_view_free(&v);
    root = json_loads(text, 0, &jerr);
    assert_int_equal(json_integer_value(json_object_get(root, "year")), 2025);
    assert_true(json_is_null(json_object_get(root, "specialty")));
    assert_int_equal(json_integer_value(json_object_get(root, "count")), 3);
    assert_string_equal(json_string_value(json_object_get(root, "as_of")),
                        "2026-05-20T09:59:59+08:00");
    json_decref(root);
    free(text);
    gw_public_destroy(&pub);
}

static void test_center_name_opens_the_title(void **state)
{
    gw_public_t *pub = s_sample();
    assert_int_equal(gw_public_set_center_name(pub, "温州市<法律援助>中心"), 0);
    gw_public_view_t v;
    assert_int_equal(gw_public_view_live(pub, 2026, 5, 20, NOW_US, NULL, &v), 0);
    char *page = gw_public_render_html(&v, OFFSET);
    gw_public_view_free(&v);
    assert_non_null(strstr(page, "<title>温州市&lt;法律援助&gt;中心办案人员资源库名单</title>"));
    assert_null(strstr(page, "<法律援助>"));
    free(page);
    assert_int_equal(gw_public_set_center_name(pub, NULL), 0);
    assert_int_equal(gw_public_view_annual(pub, 2025, NULL, &v), 0);
    page = gw_public_render_html(&v, OFFSET);
    gw_public_view_free(&v);
    assert_non_null(strstr(page, "<title>2025年度办案人员资源库名单</title>"));
    free(page);
    gw_public_destroy(&pub);
}

static void test_render_html(void **state)
{
    gw_public_t *pub = s_sample();
    gw_public_view_t v;
    assert_int_equal(gw_public_view_live(pub, 2026, 5, 20, NOW_US, NULL, &v), 0);
    char *page = gw_public_render_html(&v, OFFSET);
    gw_public_view_free(&v);
    assert_non_null(page);
    assert_non_null(strstr(page, "<html lang=\"zh-CN\">"));
    assert_non_null(strstr(page, "<meta charset=\"utf-8\">"));
    assert_non_null(strstr(page, "<meta name=\"viewport\""));
    /* escaped, never raw */
    assert_null(strstr(page, "<script"));
    assert_non_null(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(page, "A&amp;B &quot;x&quot;"));
    /* nothing private, nothing from elsewhere */
    assert_null(strstr(page, "13303"));
    assert_null(strstr(page, "PRIVATE"));
    assert_null(strstr(page, "http"));
    assert_null(strstr(page, "src="));
    static const char *slots[] = {"{title}",   "{meta}", "{note}", "{filter_label}",
                                  "{filters}", "{list}", "{years}"};
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
        assert_null(strstr(page, slots[i])); /* every slot filled */
    /* the five columns, the count, the date */
    assert_non_null(strstr(page, "<th scope=\"col\">姓名</th><th scope=\"col\">性别</th>"
                                 "<th scope=\"col\">年龄</th><th scope=\"col\">执业年限</th>"
                                 "<th scope=\"col\">业务专长</th>"));
    assert_int_equal(s_count(page, "<tr><td"), 2);
    assert_non_null(strstr(page, "共 2 人"));
    assert_non_null(strstr(page, "2026年5月20日 10:00"));
    assert_non_null(strstr(page, "<td class=\"n\">林晓燕</td><td class=\"n\">女</td>"
                                 "<td class=\"num\">40</td><td class=\"num\">16</td>"
                                 "<td>" HUNYIN "、民间借贷</td>"));
    /* filter links: URL-encoded, the current one marked; year links */
    assert_non_null(
        strstr(page, "<a href=\"case-pool\" class=\"on\" aria-current=\"page\">全部</a>"));
    assert_non_null(strstr(page, "<a href=\"case-pool?specialty=" HUNYIN_URL "\">" HUNYIN "</a>"));
    assert_non_null(strstr(page, "<a href=\"case-pool?specialty=A%26B%20%22x%22\">A&amp;B "
                                 "&quot;x&quot;</a>"));
    assert_non_null(strstr(page, "<a href=\"case-pool?year=2025\">2025年度</a>"));
    free(page);

    /* filtered annual list: links keep the year; the active filter is marked */
    assert_int_equal(gw_public_view_annual(pub, 2025, XINGSHI, &v), 0);
    page = gw_public_render_html(&v, OFFSET);
    gw_public_view_free(&v);
    assert_non_null(strstr(page, "<title>2025年度办案人员资源库名单</title>"));
    assert_non_null(strstr(page, "业务专长：" XINGSHI "。"));
    assert_non_null(strstr(page, "共 1 人"));
    assert_non_null(strstr(page, "2026年5月20日公布"));
    assert_non_null(strstr(page,
                           "<a href=\"case-pool?specialty=%E5%88%91%E4%BA%8B%E8%BE%A9%E6%8A%A4"
                           "&amp;year=2025\" class=\"on\" aria-current=\"page\">" XINGSHI "</a>"));
    assert_non_null(strstr(page, "<a href=\"case-pool?year=2025\">全部</a>"));
    assert_non_null(strstr(page, "<a href=\"case-pool\">当前名单</a>"));
    assert_non_null(strstr(page, "Ann &lt;b&gt;"));
    assert_null(strstr(page, "Ann <b>"));
    free(page);

    /* nobody with that specialty */
    assert_int_equal(gw_public_view_live(pub, 2026, 5, 20, NOW_US, "无此专长", &v), 0);
    page = gw_public_render_html(&v, OFFSET);
    gw_public_view_free(&v);
    assert_null(strstr(page, "<table>"));
    assert_non_null(strstr(page, "暂无该业务专长的人员。"));
    assert_non_null(strstr(page, "共 0 人"));
    free(page);
    gw_public_destroy(&pub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_html_escape),
        cmocka_unit_test(test_url_encode),
        cmocka_unit_test(test_query_ok),
        cmocka_unit_test(test_query_bad),
        cmocka_unit_test(test_member_from_event),
        cmocka_unit_test(test_model_put_replace_remove),
        cmocka_unit_test(test_view_order_and_years),
        cmocka_unit_test(test_view_filter),
        cmocka_unit_test(test_model_many),
        cmocka_unit_test(test_answer_cache),
        cmocka_unit_test(test_annual_entries_json),
        cmocka_unit_test(test_annual_views),
        cmocka_unit_test(test_render_json),
        cmocka_unit_test(test_render_html),
        cmocka_unit_test(test_center_name_opens_the_title),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
