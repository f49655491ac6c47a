/* fuzz-sources: services/notify/notify_render.c services/common/timeutil.c */
/* libFuzzer target for notify_render and notify_quarter_zh. The input is split
 * at NUL bytes: the first piece is the template (templates are operator-edited
 * text in the database), the next eight are the values of the keys notifyd
 * fills (name, center_name, quarter, points, position, ranked, old_tier,
 * new_tier; a piece that is absent is a NULL value), and any further pieces
 * are extra key/value pairs (up to eight, so empty keys, keys with braces and
 * duplicate keys are reached). The quarter value goes through
 * notify_quarter_zh first, as notify_deliver.c does.
 *
 * Checks, beyond "no crash": the rendering is byte for byte what an
 * independent reimplementation of notify_render.h's rule computes (a "{key}"
 * whose key is in the table becomes its value, the first entry winning; any
 * other text, unknown "{...}" included, is kept as written); and
 * notify_quarter_zh, for every buffer length 0..40 (allocated exactly, so
 * ASan sees an overflow), writes a terminated prefix of "YYYY年第Q季度" for a
 * quarter time_quarter_parse accepts and of the input otherwise, and touches
 * nothing when the length is 0. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fayuan/timeutil.h"

/* The Makefile's fuzz rule passes -Iinclude only. */
#include "../../services/notify/notify_render.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "CHECK failed at line %d: %s\n", __LINE__, #cond);                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define S_FIXED 8
#define S_EXTRA 8

static const char *const s_keys[S_FIXED] = {"name",     "center_name", "quarter",  "points",
                                            "position", "ranked",      "old_tier", "new_tier"};

typedef struct {
    char *buf;
    size_t len, cap;
} sbuf_t;

static void s_append(sbuf_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->buf = realloc(b->buf, b->cap);
        CHECK(b->buf);
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

/* The rendering rule, written from the header rather than from the code. */
static char *s_expected(const char *tpl, const notify_var_t *vars, size_t nvars)
{
    sbuf_t out = {0};
    s_append(&out, "", 0);
    size_t n = strlen(tpl);
    size_t i = 0;
    while (i < n) {
        if (tpl[i] == '{') {
            size_t close = i + 1;
            while (close < n && tpl[close] != '}')
                close++;
            if (close < n) {
                const char *key = tpl + i + 1;
                size_t klen = close - i - 1;
                size_t v = 0;
                while (v < nvars &&
                       !(strlen(vars[v].key) == klen && memcmp(vars[v].key, key, klen) == 0))
                    v++;
                if (v < nvars) {
                    const char *val = vars[v].value ? vars[v].value : "";
                    s_append(&out, val, strlen(val));
                    i = close + 1;
                    continue;
                }
            }
        }
        s_append(&out, tpl + i, 1);
        i++;
    }
    return out.buf;
}

static void s_check_quarter_zh(const char *quarter)
{
    char full[64];
    int y, q;
    const char *want = quarter;
    if (time_quarter_parse(quarter, &y, &q) == 0) {
        snprintf(full, sizeof full, "%d年第%d季度", y, q);
        want = full;
    }
    size_t wlen = strlen(want);
    for (size_t len = 0; len <= 40; len++) {
        char *buf = malloc(len ? len : 1);
        CHECK(buf);
        memset(buf, 0x7e, len ? len : 1);
        CHECK(notify_quarter_zh(quarter, buf, len) == buf);
        if (len == 0) {
            CHECK((unsigned char)buf[0] == 0x7e);
        } else {
            size_t keep = wlen < len - 1 ? wlen : len - 1;
            CHECK(memcmp(buf, want, keep) == 0 && buf[keep] == '\0');
        }
        free(buf);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* pieces at NUL bytes; the copy's trailing NUL ends the last one */
    char *copy = malloc(size + 1);
    CHECK(copy);
    memcpy(copy, data, size);
    copy[size] = '\0';
    const char *pieces[1 + S_FIXED + 2 * S_EXTRA];
    size_t npieces = 0;
    for (size_t at = 0; npieces < sizeof pieces / sizeof pieces[0];) {
        pieces[npieces++] = copy + at;
        at += strlen(copy + at) + 1;
        if (at > size)
            break;
    }
    const char *tpl = pieces[0];

    char quarter[32];
    notify_var_t vars[S_FIXED + S_EXTRA];
    size_t nvars = 0;
    for (size_t i = 0; i < S_FIXED; i++) {
        const char *v = 1 + i < npieces ? pieces[1 + i] : NULL;
        if (i == 2) { /* as notify_deliver.c: the quarter is shown in Chinese */
            s_check_quarter_zh(v ? v : "");
            v = notify_quarter_zh(v ? v : "", quarter, sizeof quarter);
        }
        vars[nvars++] = (notify_var_t){s_keys[i], v};
    }
    for (size_t i = 1 + S_FIXED; i + 1 < npieces; i += 2)
        vars[nvars++] = (notify_var_t){pieces[i], pieces[i + 1]};

    char *out = notify_render(tpl, vars, nvars);
    CHECK(out); /* only out of memory may fail */
    char *want = s_expected(tpl, vars, nvars);
    CHECK(strlen(out) == strlen(want));
    CHECK(strcmp(out, want) == 0);
    /* no table at all: the template comes back as written */
    char *plain = notify_render(tpl, NULL, 0);
    CHECK(plain && strcmp(plain, tpl) == 0);
    free(plain);
    free(want);
    free(out);

    /* the template itself as a quarter (arbitrary text, any length) */
    s_check_quarter_zh(tpl);
    free(copy);
    return 0;
}
