/* hmac — authentication of external feeds (see include/fayuan/hmac.h).
 * Called by the gateway for every POST from the hotline and quality systems,
 * before the body is decoded. The MAC is computed with OpenSSL 3's EVP_MAC in
 * three updates (timestamp, ".", body), so the body is never copied. Every
 * failure inside OpenSSL fails closed (SIG_MISMATCH). */
#include "fayuan/hmac.h"

#include <assert.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#define S_DIGEST_LEN 32
#define S_HEX_LEN (2 * S_DIGEST_LEN)
/* 12 digits reach the year 33658: enough, and small enough to never overflow. */
#define S_TIMESTAMP_MAX_DIGITS 12

/* HMAC-SHA256(secret, timestamp "." body) into mac. 0 on success, -1 if
 * OpenSSL failed (out of memory, provider missing). */
__attribute__((warn_unused_result)) static int s_compute(const char *secret, const char *timestamp,
                                                         const void *body, size_t body_len,
                                                         unsigned char mac[S_DIGEST_LEN])
{
    int rc = -1;
    EVP_MAC *alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = alg ? EVP_MAC_CTX_new(alg) : NULL;
    if (!ctx)
        goto out;

    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_end(),
    };
    size_t mac_len = 0;
    if (EVP_MAC_init(ctx, (const unsigned char *)secret, strlen(secret), params) != 1)
        goto out;
    if (EVP_MAC_update(ctx, (const unsigned char *)timestamp, strlen(timestamp)) != 1)
        goto out;
    if (EVP_MAC_update(ctx, (const unsigned char *)".", 1) != 1)
        goto out;
    if (body_len > 0 && EVP_MAC_update(ctx, body, body_len) != 1)
        goto out;
    if (EVP_MAC_final(ctx, mac, &mac_len, S_DIGEST_LEN) != 1 || mac_len != S_DIGEST_LEN)
        goto out;
    rc = 0;
out:
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(alg);
    return rc;
}

/* 1..12 ASCII decimal digits, nothing else (no sign, space or fraction). */
__attribute__((warn_unused_result)) static int s_parse_timestamp(const char *s, int64_t *out)
{
    int64_t v = 0;
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        if (n >= S_TIMESTAMP_MAX_DIGITS || s[n] < '0' || s[n] > '9')
            return -1;
        v = v * 10 + (s[n] - '0');
    }
    if (n == 0)
        return -1;
    *out = v;
    return 0;
}

static int s_hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1; /* uppercase is refused on purpose: the contract says lowercase */
}

/* Exactly 64 lowercase hex digits into 32 bytes. */
__attribute__((warn_unused_result)) static int s_parse_signature(const char *s,
                                                                 unsigned char out[S_DIGEST_LEN])
{
    for (size_t i = 0; i < S_DIGEST_LEN; i++) {
        /* s[2i] != 0 is checked before s[2i+1] is read, so a short string stops here. */
        int hi = s_hex_value(s[2 * i]);
        if (hi < 0)
            return -1;
        int lo = s_hex_value(s[2 * i + 1]);
        if (lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return s[S_HEX_LEN] == '\0' ? 0 : -1;
}

/* |a - b| without overflow for any pair of int64 values. */
static uint64_t s_distance(int64_t a, int64_t b)
{
    return a >= b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a;
}

/* An empty secret never verifies: a misconfigured system must not accept
 * signatures anyone can compute. */
sig_result_t hmac_verify_request(const char *secret, const char *timestamp, const char *signature,
                                 const void *body, size_t body_len, int64_t now_s, int window_s)
{
    assert(secret != NULL);
    assert(window_s >= 0);
    assert(body != NULL || body_len == 0);

    if (!timestamp || !*timestamp || !signature || !*signature)
        return SIG_MISSING;
    int64_t ts;
    if (s_parse_timestamp(timestamp, &ts) != 0)
        return SIG_BAD_TIMESTAMP;
    if (s_distance(ts, now_s) > (uint64_t)window_s)
        return SIG_STALE;
    unsigned char given[S_DIGEST_LEN];
    if (s_parse_signature(signature, given) != 0)
        return SIG_MALFORMED;
    if (*secret == '\0')
        return SIG_MISMATCH;

    unsigned char expected[S_DIGEST_LEN];
    if (s_compute(secret, timestamp, body, body_len, expected) != 0)
        return SIG_MISMATCH;
    return CRYPTO_memcmp(given, expected, S_DIGEST_LEN) == 0 ? SIG_OK : SIG_MISMATCH;
}

/* If OpenSSL fails (out of memory), out is the empty string, which no
 * verifier accepts. */
void hmac_sign_request(const char *secret, const char *timestamp, const void *body, size_t body_len,
                       char out[65])
{
    static const char digits[] = "0123456789abcdef";
    assert(secret != NULL && timestamp != NULL);
    assert(body != NULL || body_len == 0);

    unsigned char mac[S_DIGEST_LEN];
    if (s_compute(secret, timestamp, body, body_len, mac) != 0) {
        out[0] = '\0';
        return;
    }
    for (size_t i = 0; i < S_DIGEST_LEN; i++) {
        out[2 * i] = digits[mac[i] >> 4];
        out[2 * i + 1] = digits[mac[i] & 0x0f];
    }
    out[S_HEX_LEN] = '\0';
}

const char *hmac_result_str(sig_result_t r)
{
    switch (r) {
    case SIG_OK:
        return "signature valid";
    case SIG_MISSING:
        return "X-Fayuan-Timestamp or X-Fayuan-Signature header missing or empty";
    case SIG_BAD_TIMESTAMP:
        return "timestamp is not a plain decimal number of unix seconds";
    case SIG_STALE:
        return "timestamp outside the replay window";
    case SIG_MALFORMED:
        return "signature is not 64 lowercase hex digits";
    case SIG_MISMATCH:
        return "signature mismatch";
    }
    return "unknown signature result";
}
