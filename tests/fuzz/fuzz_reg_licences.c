/* fuzz-sources: services/registry/reg_csv.c services/common/timeutil.c */
/* libFuzzer target for reg_csv_parse_licences (the licence list of `fayuanctl
 * round confirm`): any bytes must decode without a crash, leak or read past
 * the input, and the result must keep its promises (errors iff -1, at least
 * one licence on 0, every licence valid and unique, errors in file order);
 * the errors must also make a reply body (reg_csv_errors_json). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../services/registry/reg_csv.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static int s_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void s_check_licences(const reg_licences_t *l, size_t size)
{
    CHECK(l->nlicences <= REG_CSV_MAX_ROWS);
    CHECK(l->nlicences == 0 || l->licences);
    for (size_t i = 0; i < l->nlicences; i++) {
        const char *s = l->licences[i];
        size_t n = strlen(s);
        CHECK(n >= 1 && n <= 32 && n <= size);
        for (; *s; s++)
            CHECK((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') ||
                  (*s >= 'a' && *s <= 'z') || *s == '-');
    }
    if (l->nlicences < 2)
        return;
    char **sorted = malloc(l->nlicences * sizeof *sorted);
    if (!sorted)
        return;
    memcpy(sorted, l->licences, l->nlicences * sizeof *sorted);
    qsort(sorted, l->nlicences, sizeof *sorted, s_cmp);
    for (size_t i = 1; i < l->nlicences; i++)
        CHECK(strcmp(sorted[i - 1], sorted[i]) != 0);
    free(sorted);
}

static void s_check_json(const reg_licences_t *l)
{
    char *text = reg_csv_errors_json(l->errors, l->nerrors);
    if (!text)
        return; /* out of memory */
    json_t *body = json_loads(text, 0, NULL);
    CHECK(body);
    json_t *arr = json_object_get(body, "errors");
    CHECK(json_array_size(arr) == l->nerrors);
    for (size_t i = 0; i < l->nerrors; i++) {
        json_t *e = json_array_get(arr, i);
        CHECK(json_integer_value(json_object_get(e, "line")) == l->errors[i].line);
        CHECK(strcmp(json_string_value(json_object_get(e, "message")), l->errors[i].message) == 0);
    }
    json_decref(body);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reg_licences_t l;
    int rc = reg_csv_parse_licences((const char *)data, size, &l);
    CHECK(rc == 0 || rc == -1);
    CHECK((rc == 0) == (l.nerrors == 0));
    CHECK(rc != 0 || l.nlicences >= 1);
    int last = 0;
    for (size_t i = 0; i < l.nerrors; i++) {
        const reg_csv_error_t *e = &l.errors[i];
        CHECK(memchr(e->field, '\0', sizeof e->field) &&
              memchr(e->message, '\0', sizeof e->message));
        CHECK(e->message[0] != '\0');
        CHECK(e->field[0] == '\0' || strcmp(e->field, "licence") == 0);
        CHECK(e->line >= 0 && (size_t)e->line <= size + 1);
        /* Errors come in file order, except the final out-of-memory one. */
        CHECK(e->line >= last || e->line == 0);
        last = e->line;
    }
    s_check_licences(&l, size);
    s_check_json(&l);
    reg_licences_free(&l);
    return 0;
}
