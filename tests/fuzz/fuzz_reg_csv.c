/* fuzz-sources: services/registry/reg_csv.c services/common/timeutil.c */
/* libFuzzer target for reg_csv_parse_lawyers: any bytes must decode without a
 * crash, leak or read past the input, and the result must keep its promises
 * (errors iff -1, rows only when they passed every rule). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/registry/reg_csv.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void s_check_row(const reg_lawyer_row_t *row, size_t size)
{
    CHECK(row->line >= 2 && (size_t)row->line <= size + 1);
    size_t n = strlen(row->licence);
    CHECK(n >= 1 && n <= 32);
    CHECK(*row->name != '\0' && strlen(row->name) <= 64);
    CHECK(strcmp(row->gender, "男") == 0 || strcmp(row->gender, "女") == 0);
    CHECK(strlen(row->birth_date) == 10);
    CHECK(strlen(row->firm) <= 128);
    n = strlen(row->licensed_since);
    CHECK(n == 0 || n == 10);
    CHECK(row->npools == 1 || row->npools == 2);
    CHECK(row->npools == 1 || strcmp(row->pools[0], row->pools[1]) != 0);
    for (size_t i = 0; i < row->npools; i++) {
        CHECK(strcmp(row->pools[i], "duty") == 0 || strcmp(row->pools[i], "case") == 0);
        CHECK(n > 0 || strcmp(row->pools[i], "case") != 0);
    }
    CHECK(row->nspecialties <= REG_CSV_MAX_SPECIALTIES);
    CHECK(row->nspecialties == 0 || row->specialties);
    for (size_t i = 0; i < row->nspecialties; i++)
        CHECK(*row->specialties[i] != '\0');
    CHECK(strlen(row->phone) <= 16 && !strchr(row->phone, ' '));
    CHECK(strlen(row->email) <= 128);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reg_csv_result_t r;
    int rc = reg_csv_parse_lawyers((const char *)data, size, 2026, 11, 26, &r);
    CHECK(rc == 0 || rc == -1);
    CHECK((rc == 0) == (r.nerrors == 0));
    int last = 0;
    for (size_t i = 0; i < r.nerrors; i++) {
        const reg_csv_error_t *e = &r.errors[i];
        CHECK(memchr(e->field, '\0', sizeof e->field) &&
              memchr(e->message, '\0', sizeof e->message));
        CHECK(e->message[0] != '\0');
        CHECK(e->line >= 0 && (size_t)e->line <= size + 1);
        /* Errors come in file order, except the final out-of-memory one. */
        CHECK(e->line >= last || e->line == 0);
        last = e->line;
    }
    int prev = 1;
    for (size_t i = 0; i < r.nrows; i++) {
        s_check_row(&r.rows[i], size);
        CHECK(r.rows[i].line > prev);
        prev = r.rows[i].line;
    }
    reg_csv_result_free(&r);
    return 0;
}
