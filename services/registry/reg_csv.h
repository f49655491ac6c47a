/* reg_csv — decoder and validator of the lawyer roster CSV that staff import
 * with `fayuanctl import lawyers FILE.csv`, and of the licence list they send
 * with `fayuanctl round confirm FILE.csv --round YEAR`. It owns the CSV dialect,
 * the column set and every per-field rule; it does no I/O, touches no database
 * and reads no clock ("today" is passed in), so registryd's handlers and the
 * fuzz targets call it the same way. Both are all-or-nothing: the caller
 * applies the result only when it has no error. */
#ifndef FAYUAN_REG_CSV_H
#define FAYUAN_REG_CSV_H

#include <stddef.h>

/* The exact first line (after an optional UTF-8 BOM). */
#define REG_CSV_HEADER                                                                             \
    "licence,name,gender,birth_date,firm,licensed_since,pools,specialties,phone,email"

/* Larger inputs are refused whole, so errors stay bounded (a few per row). */
#define REG_CSV_MAX_BYTES (8 * 1024 * 1024)
#define REG_CSV_MAX_ROWS 5000
#define REG_CSV_MAX_SPECIALTIES 20

/* One valid row. Every string is owned by the result, NUL-terminated, trimmed
 * and never NULL; an empty optional field is "". */
typedef struct {
    int line;             /* physical line where the record starts (header = 1) */
    char *licence;        /* [0-9A-Za-z-]{1,32}, as written */
    char *name;           /* 1..64 bytes */
    char *gender;         /* "男" or "女" */
    char *birth_date;     /* YYYY-MM-DD */
    char *firm;           /* 0..128 bytes */
    char *licensed_since; /* YYYY-MM-DD, or "" for a volunteer without a licence */
    char **pools;         /* "duty" and/or "case", in that order */
    size_t npools;        /* 1 or 2 */
    char **specialties;   /* 1..32 characters each, in file order, duplicates dropped */
    size_t nspecialties;  /* 0..REG_CSV_MAX_SPECIALTIES */
    char *phone;          /* spaces removed; "" if none */
    char *email;          /* "" if none */
} reg_lawyer_row_t;

typedef struct {
    int line;          /* physical line; 0 for a whole-file error (too large, out of memory) */
    char field[32];    /* column name, or "" for an error about the record or the file */
    char message[256]; /* zh-CN, for staff */
} reg_csv_error_t;

typedef struct {
    reg_lawyer_row_t *rows; /* the rows without any error, in file order */
    size_t nrows;
    reg_csv_error_t *errors; /* in file order */
    size_t nerrors;
} reg_csv_result_t;

/* Decodes and validates text[0..len) (not NUL-terminated; NULL allowed when
 * len is 0) against the civil date today_y-today_m-today_d (the center's local
 * date). Returns 0 if there is no error, -1 otherwise; out is always filled
 * (previous contents are overwritten, not freed) and must be released with
 * reg_csv_result_free. -1 with nerrors == 0 means out of memory before
 * anything could be recorded. */
int reg_csv_parse_lawyers(const char *text, size_t len, int today_y, int today_m, int today_d,
                          reg_csv_result_t *out) __attribute__((warn_unused_result));

/* Frees everything r holds and zeroes it. Safe on NULL, on a zeroed result and
 * twice. */
void reg_csv_result_free(reg_csv_result_t *r);

/* The licence list of a recruitment round: an optional UTF-8 BOM, an optional
 * header whose first field is "licence" (any case) or "执业证号", then one
 * licence per record in the first field; further fields are ignored, so a bare
 * list and the first columns of the import CSV both work. Same dialect and
 * encoding rules as the roster; records whose fields are all empty (blank
 * lines, a spreadsheet's ",,,") are skipped anywhere. */
typedef struct {
    char **licences; /* the valid ones, [0-9A-Za-z-]{1,32}, trimmed, unique, in file order */
    size_t nlicences;
    reg_csv_error_t *errors; /* in file order; field is "licence" or "" */
    size_t nerrors;
} reg_licences_t;

/* Decodes text[0..len) (not NUL-terminated; NULL allowed when len is 0).
 * Every bad or repeated licence is an error on its line; more than
 * REG_CSV_MAX_ROWS licences, more than REG_CSV_MAX_BYTES or a list without
 * any record is an error too. Returns 0 if there is no error (then nlicences
 * >= 1), -1 otherwise; out is always filled (previous contents are
 * overwritten, not freed) and must be released with reg_licences_free. -1
 * with nerrors == 0 means out of memory before anything could be recorded. */
int reg_csv_parse_licences(const char *text, size_t len, reg_licences_t *out)
    __attribute__((warn_unused_result));

/* Frees everything l holds and zeroes it. Safe on NULL, on a zeroed result and
 * twice. */
void reg_licences_free(reg_licences_t *l);

/* The reply body of a refused file, {"errors":[{"line","field","message"}]}
 * with field null when empty, as compact JSON text; the caller frees it. NULL
 * if out of memory. */
char *reg_csv_errors_json(const reg_csv_error_t *errors, size_t nerrors)
    __attribute__((warn_unused_result));

#endif
