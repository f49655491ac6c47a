/* hmac — authentication of external feeds (DESIGN.md, contracts at the edges):
 * X-Fayuan-Timestamp: <unix seconds>, X-Fayuan-Signature: lowercase hex of
 * HMAC-SHA256(secret, "<timestamp>.<raw body>"). Uses OpenSSL's libcrypto;
 * comparison is constant-time. */
#ifndef FAYUAN_HMAC_H
#define FAYUAN_HMAC_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    SIG_OK = 0,
    SIG_MISSING,       /* a header is absent or empty */
    SIG_BAD_TIMESTAMP, /* timestamp is not a plain decimal number of seconds */
    SIG_STALE,         /* timestamp further than window_s from now_s */
    SIG_MALFORMED,     /* signature is not 64 lowercase hex digits */
    SIG_MISMATCH,      /* well-formed but wrong */
} sig_result_t;

sig_result_t hmac_verify_request(const char *secret, const char *timestamp, const char *signature,
                                 const void *body, size_t body_len, int64_t now_s, int window_s);

/* Writes the 64-digit lowercase hex signature and a NUL into out[65]. */
void hmac_sign_request(const char *secret, const char *timestamp, const void *body, size_t body_len,
                       char out[65]);

/* A short reason for staff and error bodies ("signature mismatch", ...). */
const char *hmac_result_str(sig_result_t r);

#endif
