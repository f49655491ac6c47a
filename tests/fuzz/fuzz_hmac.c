/* fuzz-sources: services/common/hmac.c */
/* libFuzzer target for hmac_verify_request: the input is split at the first
 * two NUL bytes into secret, timestamp header and signature header; the rest
 * is the body (no terminator, so ASan catches a read past body_len). Also
 * checks that what hmac_sign_request writes verifies, for any secret and
 * well-formed timestamp. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fayuan/hmac.h"

#define S_NOW_S INT64_C(1764158400)

/* Next NUL-terminated piece of [*p, end), copied to a fresh heap string. */
static char *s_take(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *nul = memchr(*p, 0, (size_t)(end - *p));
    size_t n = nul ? (size_t)(nul - *p) : (size_t)(end - *p);
    char *s = malloc(n + 1);
    if (!s)
        abort();
    memcpy(s, *p, n);
    s[n] = '\0';
    *p = nul ? nul + 1 : end;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    char *secret = s_take(&p, end);
    char *ts = s_take(&p, end);
    char *sig = s_take(&p, end);
    size_t body_len = (size_t)(end - p);
    uint8_t *body = malloc(body_len ? body_len : 1);
    if (!body)
        abort();
    memcpy(body, p, body_len);

    sig_result_t r = hmac_verify_request(secret, ts, sig, body, body_len, S_NOW_S, 300);
    if (r < SIG_OK || r > SIG_MISMATCH || !hmac_result_str(r))
        abort();
    /* also as the "empty header" the HTTP layer passes for an absent one */
    if (hmac_verify_request(secret, NULL, sig, body, body_len, S_NOW_S, 300) != SIG_MISSING)
        abort();

    /* round trip: a signature we make verifies, unless the secret is empty */
    char made[65];
    hmac_sign_request(secret, ts, body, body_len, made);
    if (strlen(made) != 64)
        abort();
    bool plain = *ts != '\0' && strspn(ts, "0123456789") == strlen(ts) && strlen(ts) <= 12;
    int64_t now = plain ? strtoll(ts, NULL, 10) : S_NOW_S;
    r = hmac_verify_request(secret, ts, made, body, body_len, now, 0);
    if (r != (plain ? (*secret ? SIG_OK : SIG_MISMATCH) : *ts ? SIG_BAD_TIMESTAMP : SIG_MISSING))
        abort();

    free(body);
    free(sig);
    free(ts);
    free(secret);
    return 0;
}
