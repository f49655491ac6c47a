/* pgarr — see include/fayuan/pgarr.h. */
#include "fayuan/pgarr.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_reserve(pgarr_t *a, size_t more)
{
    if (a->len + more + 2 <= a->cap)
        return;
    size_t cap = a->cap ? a->cap : 64;
    while (a->len + more + 2 > cap)
        cap *= 2;
    a->buf = realloc(a->buf, cap);
    if (!a->buf)
        abort();
    a->cap = cap;
}

static void s_put(pgarr_t *a, char c)
{
    s_reserve(a, 1);
    a->buf[a->len++] = c;
}

void pgarr_init(pgarr_t *a)
{
    memset(a, 0, sizeof *a);
    s_put(a, '{');
}

void pgarr_free(pgarr_t *a)
{
    free(a->buf);
    memset(a, 0, sizeof *a);
}

static void s_sep(pgarr_t *a)
{
    if (a->count++ > 0)
        s_put(a, ',');
}

void pgarr_add(pgarr_t *a, const char *s)
{
    s_sep(a);
    if (!s) {
        s_reserve(a, 4);
        memcpy(a->buf + a->len, "NULL", 4);
        a->len += 4;
        return;
    }
    s_put(a, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            s_put(a, '\\');
        s_put(a, *s);
    }
    s_put(a, '"');
}

void pgarr_add_int(pgarr_t *a, int64_t v)
{
    char num[32];
    snprintf(num, sizeof num, "%" PRId64, v);
    pgarr_add(a, num);
}

void pgarr_add_hex(pgarr_t *a, const uint8_t *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    s_sep(a);
    s_reserve(a, len * 2 + 2);
    a->buf[a->len++] = '"';
    for (size_t i = 0; i < len; i++) {
        a->buf[a->len++] = digits[data[i] >> 4];
        a->buf[a->len++] = digits[data[i] & 15];
    }
    a->buf[a->len++] = '"';
}

const char *pgarr_str(pgarr_t *a)
{
    s_reserve(a, 2);
    a->buf[a->len] = '}';
    a->buf[a->len + 1] = '\0';
    return a->buf;
}

int pgarr_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int pgarr_unhex(const char *hex, uint8_t **out, size_t *outlen)
{
    size_t n = strlen(hex);
    if (n % 2)
        return -1;
    uint8_t *buf = malloc(n / 2 + 1);
    if (!buf)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = pgarr_hex_digit(hex[2 * i]), lo = pgarr_hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(buf);
            return -1;
        }
        buf[i] = (uint8_t)(hi << 4 | lo);
    }
    *out = buf;
    *outlen = n / 2;
    return 0;
}
