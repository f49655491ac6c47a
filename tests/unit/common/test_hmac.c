/* Unit tests for hmac (services/common/hmac.c). The expected signatures were
 * computed independently with the openssl command line, e.g.
 *   printf '%s' '1764158400.{"id":...}' | openssl dgst -sha256 -hmac 'hotline-secret-2025' */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fayuan/hmac.h"

#define SECRET "hotline-secret-2025"
#define TS "1764158400"
#define TS_S INT64_C(1764158400)
#define WINDOW 300

static const char k_body[] =
    "{\"id\":\"h-1\",\"lawyer\":\"13101201510012345\",\"event\":\"sign_in\","
    "\"at\":\"2025-11-26T20:00:00+08:00\"}";
/* openssl dgst -sha256 -hmac 'hotline-secret-2025' over "1764158400." + k_body */
static const char k_sig[] = "b601d359e9f57804cc4f8d7d0a341f7cad11d35d4a1d228451ea890719db53d8";
/* ... over "1764158400." (empty body) */
static const char k_sig_empty[] =
    "350f4f8516be871cfa5b3e4c88b5016f29cc0d11125ea9b31774bfc19e50984d";

static sig_result_t s_verify(const char *secret, const char *ts, const char *sig, int64_t now_s)
{
    return hmac_verify_request(secret, ts, sig, k_body, strlen(k_body), now_s, WINDOW);
}

static void test_sign_known_vector(void **state)
{
    char out[65];
    hmac_sign_request(SECRET, TS, k_body, strlen(k_body), out);
    assert_string_equal(out, k_sig);
    hmac_sign_request(SECRET, TS, NULL, 0, out);
    assert_string_equal(out, k_sig_empty);
}

/* The signed string is timestamp "." body: exactly one separator, no more framing. */
static void test_sign_framing(void **state)
{
    char a[65], b[65];
    hmac_sign_request(SECRET, "1", "2.3", 3, a);
    hmac_sign_request(SECRET, "1.2", "3", 1, b);
    assert_string_equal(a, b); /* both sign "1.2.3" */
    hmac_sign_request(SECRET, "12", "3", 1, b);
    assert_string_not_equal(a, b);
}

static void test_verify_ok(void **state)
{
    assert_int_equal(s_verify(SECRET, TS, k_sig, TS_S), SIG_OK);
    assert_int_equal(hmac_verify_request(SECRET, TS, k_sig_empty, NULL, 0, TS_S, WINDOW), SIG_OK);
}

static void test_window_edges(void **state)
{
    /* exactly 300 s either way is still inside the window */
    assert_int_equal(s_verify(SECRET, TS, k_sig, TS_S + 300), SIG_OK);
    assert_int_equal(s_verify(SECRET, TS, k_sig, TS_S - 300), SIG_OK);
    /* 301 s: stale (request from the past) and future (clock ahead) */
    assert_int_equal(s_verify(SECRET, TS, k_sig, TS_S + 301), SIG_STALE);
    assert_int_equal(s_verify(SECRET, TS, k_sig, TS_S - 301), SIG_STALE);
    /* far away, including clocks at the ends of int64 */
    assert_int_equal(s_verify(SECRET, TS, k_sig, 0), SIG_STALE);
    assert_int_equal(s_verify(SECRET, TS, k_sig, INT64_MAX), SIG_STALE);
    assert_int_equal(s_verify(SECRET, TS, k_sig, INT64_MIN), SIG_STALE);
}

static void test_missing_headers(void **state)
{
    assert_int_equal(s_verify(SECRET, NULL, k_sig, TS_S), SIG_MISSING);
    assert_int_equal(s_verify(SECRET, "", k_sig, TS_S), SIG_MISSING);
    assert_int_equal(s_verify(SECRET, TS, NULL, TS_S), SIG_MISSING);
    assert_int_equal(s_verify(SECRET, TS, "", TS_S), SIG_MISSING);
    assert_int_equal(s_verify(SECRET, NULL, NULL, TS_S), SIG_MISSING);
}

static void test_bad_timestamp(void **state)
{
    static const char *const bad[] = {
        "+1764158400",  "-1764158400", " 1764158400", "1764158400 ", "1764158400.0",
        "1764158400\n", "17641584OO",  "0x691e5a40",  "1e9",         "1764158400000", /* 13 */
        "abc",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(s_verify(SECRET, bad[i], k_sig, TS_S), SIG_BAD_TIMESTAMP);
    /* 12 digits is the longest accepted form; it is far in the future here */
    assert_int_equal(s_verify(SECRET, "999999999999", k_sig, TS_S), SIG_STALE);
    /* leading zeros are digits too: the signature covers the header verbatim */
    assert_int_equal(s_verify(SECRET, "01764158400", k_sig, TS_S), SIG_MISMATCH);
}

static void test_malformed_signature(void **state)
{
    char upper[65];
    for (size_t i = 0; i < 64; i++)
        upper[i] = (char)((k_sig[i] >= 'a' && k_sig[i] <= 'f') ? k_sig[i] - 'a' + 'A' : k_sig[i]);
    upper[64] = '\0';
    assert_int_equal(s_verify(SECRET, TS, upper, TS_S), SIG_MALFORMED);

    char one_upper[65];
    memcpy(one_upper, k_sig, sizeof one_upper);
    one_upper[0] = 'B'; /* "b601..." -> "B601..." */
    assert_int_equal(s_verify(SECRET, TS, one_upper, TS_S), SIG_MALFORMED);

    char shorter[64];
    memcpy(shorter, k_sig, 63);
    shorter[63] = '\0';
    assert_int_equal(s_verify(SECRET, TS, shorter, TS_S), SIG_MALFORMED);

    char longer[66];
    memcpy(longer, k_sig, 64);
    longer[64] = '0';
    longer[65] = '\0';
    assert_int_equal(s_verify(SECRET, TS, longer, TS_S), SIG_MALFORMED);

    char spaced[66];
    spaced[0] = ' ';
    memcpy(spaced + 1, k_sig, 65);
    assert_int_equal(s_verify(SECRET, TS, spaced, TS_S), SIG_MALFORMED);
    assert_int_equal(s_verify(SECRET, TS, "sha256=b601d359", TS_S), SIG_MALFORMED);
}

static void test_mismatch(void **state)
{
    assert_int_equal(s_verify("quality-secret", TS, k_sig, TS_S), SIG_MISMATCH);
    assert_int_equal(s_verify(SECRET "x", TS, k_sig, TS_S), SIG_MISMATCH);
    /* an empty secret never verifies, even a signature made with it */
    char empty_sig[65];
    hmac_sign_request("", TS, k_body, strlen(k_body), empty_sig);
    assert_int_equal(s_verify("", TS, empty_sig, TS_S), SIG_MISMATCH);

    /* one flipped digit */
    char flipped[65];
    memcpy(flipped, k_sig, sizeof flipped);
    flipped[63] = flipped[63] == '8' ? '9' : '8';
    assert_int_equal(s_verify(SECRET, TS, flipped, TS_S), SIG_MISMATCH);

    /* timestamp changed within the window: the signature covers it */
    assert_int_equal(s_verify(SECRET, "1764158401", k_sig, TS_S), SIG_MISMATCH);

    /* body changed by one byte, or truncated */
    char body[sizeof k_body];
    memcpy(body, k_body, sizeof body);
    body[8] = 'X';
    assert_int_equal(hmac_verify_request(SECRET, TS, k_sig, body, strlen(body), TS_S, WINDOW),
                     SIG_MISMATCH);
    assert_int_equal(
        hmac_verify_request(SECRET, TS, k_sig, k_body, strlen(k_body) - 1, TS_S, WINDOW),
        SIG_MISMATCH);
}

static void test_result_str(void **state)
{
    for (int r = SIG_OK; r <= SIG_MISMATCH; r++) {
        const char *s = hmac_result_str((sig_result_t)r);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
    }
    assert_string_equal(hmac_result_str(SIG_MISMATCH), "signature mismatch");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_known_vector),   cmocka_unit_test(test_sign_framing),
        cmocka_unit_test(test_verify_ok),           cmocka_unit_test(test_window_edges),
        cmocka_unit_test(test_missing_headers),     cmocka_unit_test(test_bad_timestamp),
        cmocka_unit_test(test_malformed_signature), cmocka_unit_test(test_mismatch),
        cmocka_unit_test(test_result_str),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
