/* fuzz-sources: services/gateway/gw_feed.c services/common/timeutil.c */
/* libFuzzer target for gw_feed: arbitrary bytes as a feed body (never
 * NUL-terminated: libFuzzer's buffer ends exactly at size, so ASan catches a
 * read past len), then the session decoder on each record. Also checks the
 * decoder's promises: errors are well-formed and serialisable, accepted
 * records obey the field rules. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The Makefile's fuzz rule passes -Iinclude only. */
#include "../../services/gateway/gw_feed.h"

/* 2025-11-26T12:00:00Z */
#define S_NOW_US (INT64_C(1764158400) * INT64_C(1000000))

static void s_check_error(const gw_error_t *err)
{
    if (err->code == NULL || (err->status != 400 && err->status != 413 && err->status != 500) ||
        strlen(err->field) >= sizeof err->field || strlen(err->message) == 0)
        abort();
    json_t *j = gw_error_json(err);
    if (!j) /* only out of memory may fail, and a fuzzer does not run out */
        abort();
    char *text = json_dumps(j, JSON_COMPACT);
    if (!text)
        abort();
    free(text);
    json_decref(j);
}

static void s_check_session(const gw_session_t *s)
{
    size_t id = strlen(s->id), lawyer = strlen(s->lawyer);
    if (id < 1 || id > GW_ID_MAX || lawyer < 1 || lawyer > GW_LAWYER_MAX)
        abort();
    if (strspn(s->id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") != id)
        abort();
    if (strspn(s->lawyer, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") !=
        lawyer)
        abort();
    if (s->at_us < INT64_C(946684800) * 1000000 || s->at_us > S_NOW_US + 86400 * INT64_C(1000000))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *root = NULL;
    bool is_array = false;
    gw_error_t err;
    /* a small limit so the too_many_records path is reachable */
    if (gw_body_parse((const char *)data, size, 8, &root, &is_array, &err) != 0) {
        if (root)
            abort();
        s_check_error(&err);
        return 0;
    }
    size_t n = is_array ? json_array_size(root) : 1;
    if (n < 1 || n > 8)
        abort();
    for (size_t i = 0; i < n; i++) {
        const json_t *rec = is_array ? json_array_get(root, i) : root;
        gw_session_t s;
        if (gw_session_decode(rec, S_NOW_US, &s, &err) == 0)
            s_check_session(&s);
        else
            s_check_error(&err);
    }
    json_decref(root);
    return 0;
}
