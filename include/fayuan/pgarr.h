/* pgarr — builds PostgreSQL array literals ('{"a","b"}') for passing many rows
 * as one text parameter to unnest($1::text[]), the way fayuan batches writes
 * without building SQL from strings. Every element is quoted and escaped. */
#ifndef FAYUAN_PGARR_H
#define FAYUAN_PGARR_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *buf;
    size_t len, cap;
    size_t count;
} pgarr_t;

void pgarr_init(pgarr_t *a);
void pgarr_free(pgarr_t *a);
void pgarr_add(pgarr_t *a, const char *s); /* NULL adds SQL NULL */
void pgarr_add_int(pgarr_t *a, int64_t v);
void pgarr_add_hex(pgarr_t *a, const uint8_t *data, size_t len); /* hex text, for decode(x,'hex') */
/* The literal, NUL-terminated; valid until the next add or free. */
const char *pgarr_str(pgarr_t *a);

/* Hex-decodes into a malloc'ed buffer; -1 on bad input. */
int pgarr_unhex(const char *hex, uint8_t **out, size_t *outlen);
/* The value of one hex digit (either case), or -1. */
int pgarr_hex_digit(char c);

#endif
