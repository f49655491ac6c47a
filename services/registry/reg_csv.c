/* reg_csv — decoder and validator of the lawyer roster CSV and of the
 * licence list of a recruitment round (see reg_csv.h).
 *
 * Dialect: RFC 4180 (comma, double quotes, "" inside quotes, line breaks inside
 * quotes), with CRLF, LF or a lone CR as the line break, an optional UTF-8 BOM,
 * blank lines at the end ignored, and spaces or tabs allowed around a quoted
 * field. A quote inside an unquoted field, or text after a closing quote, is an
 * error rather than a guess. Lists (pools, specialties) are separated by ';' or
 * the full-width '；' that a Chinese input method types.
 *
 * Every error names the physical line: the line where the record starts, or,
 * for a NUL byte, invalid UTF-8 or an unterminated quote, the line of the
 * offending byte or opening quote. A record gets at most one record-level error
 * (then its fields are not checked) or at most one error per field. A licence
 * list skips records whose fields are all empty wherever they are. */
#include "reg_csv.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fayuan/timeutil.h>
#include <jansson.h>

/* ---- messages for staff (zh-CN) --------------------------------------------------------- */

#define MSG_TOO_LARGE "文件过大（上限 %d 字节），请分批导入"
#define MSG_OOM "内存不足，导入中止"
#define MSG_HEADER "表头不正确，第一行应为：" REG_CSV_HEADER
#define MSG_NUL "含有空字符（NUL），请确认这是 CSV 文本文件"
#define MSG_UTF8 "不是有效的 UTF-8 编码；用 Excel 保存时请选择“CSV UTF-8（逗号分隔）”"
#define MSG_UNTERMINATED "引号未闭合：从此行开始的引号直到文件末尾都没有结束引号"
#define MSG_BARE_QUOTE                                                                             \
    "未加引号的字段中出现了双引号；含双引号的内容须整体加双引号，其中的双引号写成两个"
#define MSG_AFTER_QUOTE "结束引号之后还有其他字符"
#define MSG_BLANK_LINE "文件中间不能有空行"
#define MSG_COLUMNS "应有 %d 列，实际为 %zu 列（含英文逗号的内容须加英文双引号）"
#define MSG_TOO_MANY_ROWS "超过 %d 行的上限，请分批导入"
#define MSG_LICENCE "执业证号应为 1 至 32 位数字、英文字母或连字符（-）"
#define MSG_LICENCE_DUP "执业证号与第 %d 行重复"
#define MSG_NAME_EMPTY "姓名不能为空"
#define MSG_NAME_LONG "姓名不能超过 64 字节（约 21 个汉字）"
#define MSG_NAME_CONTROL "姓名不能包含换行或其他控制字符"
#define MSG_GENDER "性别应为“男”或“女”（也可写 M/F 或 male/female）"
#define MSG_BIRTH_FORMAT "出生日期应为有效日期，格式为 YYYY-MM-DD"
#define MSG_BIRTH_FUTURE "出生日期不能晚于今天"
#define MSG_BIRTH_AGE "按今天计算年龄为 %d 岁，应在 18 至 100 岁之间"
#define MSG_FIRM_LONG "律所（单位）名称不能超过 128 字节"
#define MSG_FIRM_CONTROL "律所（单位）名称不能包含换行或其他控制字符"
#define MSG_LICENSED_FORMAT "执业日期应为有效日期，格式为 YYYY-MM-DD（无执业证的志愿者留空）"
#define MSG_LICENSED_FUTURE "执业日期不能晚于今天"
#define MSG_LICENSED_EARLY "执业日期不能早于年满 18 周岁之日"
#define MSG_LICENSED_CASE "未填执业日期的人员不能加入办案库（case）"
#define MSG_POOLS_EMPTY "至少应填一个库：duty（值班）或 case（办案），多个用分号分隔"
#define MSG_POOLS_UNKNOWN "库只能是 duty（值班）或 case（办案）"
#define MSG_POOLS_DUP "同一个库填写了两次"
#define MSG_SPEC_COUNT "专长最多 %d 项"
#define MSG_SPEC_LONG "每项专长不能超过 32 个字"
#define MSG_SPEC_CONTROL "专长不能包含控制字符"
#define MSG_PHONE "电话应为手机号（11 位，如 13912345678）或座机号（如 0577-88376359）"
#define MSG_EMAIL "电子邮箱格式不正确（应如 name@example.com，不超过 128 字节，不含空格）"
/* The licence list (round confirm). */
#define MSG_LIST_TOO_LARGE "文件过大（上限 %d 字节），请分批确认"
#define MSG_LIST_OOM "内存不足，确认中止"
#define MSG_LIST_TOO_MANY "超过 %d 个执业证号的上限，请分批确认"
#define MSG_LIST_EMPTY "名单中没有执业证号：每行一个，或用导入 CSV 的第一列"

/* ---- columns and limits ----------------------------------------------------------------- */

enum {
    COL_LICENCE,
    COL_NAME,
    COL_GENDER,
    COL_BIRTH,
    COL_FIRM,
    COL_LICENSED,
    COL_POOLS,
    COL_SPECIALTIES,
    COL_PHONE,
    COL_EMAIL,
    NCOLS
};

static const char *const s_columns[NCOLS] = {
    "licence",        "name",  "gender",      "birth_date", "firm",
    "licensed_since", "pools", "specialties", "phone",      "email",
};

#define LICENCE_MAX 32
#define NAME_MAX_BYTES 64
#define FIRM_MAX_BYTES 128
#define SPECIALTY_MAX_CHARS 32
#define PHONE_MAX 16
#define EMAIL_MAX_BYTES 128
#define POOL_DUTY 1u
#define POOL_CASE 2u
/* List items kept while splitting; more are only counted. */
#define LIST_KEEP (REG_CSV_MAX_SPECIALTIES + 1)

/* ---- parser state ----------------------------------------------------------------------- */

typedef enum { REC_OK, REC_EOF, REC_UNTERMINATED, REC_OOM } rec_status_t;

/* One record as read: unquoted field bytes, each NUL-terminated, in buf. */
typedef struct {
    int line;          /* physical line where the record starts */
    size_t start, end; /* raw span in the input, line break excluded */
    const char *shape; /* first quoting error (a message), or NULL */
    int shape_line;
    int quote_line; /* opening quote of an unterminated field */
    char *buf;
    size_t buf_len, buf_cap;
    size_t *offs; /* start of each field in buf */
    size_t nfields, offs_cap;
} record_t;

typedef struct {
    char licence[LICENCE_MAX + 1];
    int line;
} seen_t;

typedef struct {
    const unsigned char *text;
    size_t len;
    size_t pos;
    size_t tail; /* text[tail..len) is all blank: trailing blank lines */
    int line;
    int today_y, today_m, today_d;
    reg_csv_result_t *out;    /* the roster's result; NULL for a licence list */
    reg_csv_error_t **errors; /* where s_error appends: the result's errors */
    size_t *nerrors;
    size_t rows_cap, errors_cap;
    seen_t *seen; /* valid licences so far, for duplicates */
    size_t nseen, seen_cap;
    bool oom;
} parser_t;

/* The fields of a record that passed every check, normalised. */
typedef struct {
    char *f[NCOLS]; /* trimmed, in the record's buffer */
    const char *gender;
    unsigned pools;
    char *spec[LIST_KEEP];
    size_t nspec;
    char phone[PHONE_MAX + 1];
} draft_t;

/* ---- small helpers ---------------------------------------------------------------------- */

static int s_grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    void *n = realloc(*arr, ncap * size);
    if (!n)
        return -1;
    *arr = n;
    *cap = ncap;
    return 0;
}

static char *s_strdup(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

static bool s_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

static bool s_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool s_has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* Characters, not bytes (the text is valid UTF-8 by then). */
static size_t s_utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 if invalid:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t s_utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t need;
    uint32_t cp, min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        need = 2;
        cp = c & 0x1f;
        min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        need = 3;
        cp = c & 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return need;
}

/* Whitespace trimmed from fields: ASCII, NO-BREAK SPACE and the ideographic
 * space U+3000 that Chinese input methods type. Returns its length, or 0. */
static size_t s_space_at(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r'))
        return 1;
    if (u[0] == 0xc2 && u[1] == 0xa0)
        return 2;
    if (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
        return 3;
    return 0;
}

static size_t s_space_before(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 1 && (u[n - 1] == ' ' || (u[n - 1] >= '\t' && u[n - 1] <= '\r')))
        return 1;
    if (n >= 2 && u[n - 2] == 0xc2 && u[n - 1] == 0xa0)
        return 2;
    if (n >= 3 && u[n - 3] == 0xe3 && u[n - 2] == 0x80 && u[n - 1] == 0x80)
        return 3;
    return 0;
}

/* Trims s in place (writes the new terminator) and returns the new start. */
static char *s_trim(char *s)
{
    size_t k;
    while ((k = s_space_at(s)) > 0)
        s += k;
    size_t n = strlen(s);
    while ((k = s_space_before(s, n)) > 0)
        n -= k;
    s[n] = '\0';
    return s;
}

/* Splits s in place on ';' or '；', trims the items and drops empty ones.
 * Keeps up to max items and returns how many there are in all. */
static size_t s_split(char *s, char **items, size_t max)
{
    size_t n = 0;
    for (;;) {
        char *sep = s;
        size_t seplen = 0;
        for (; *sep; sep++) {
            if (*sep == ';') {
                seplen = 1;
                break;
            }
            if (strncmp(sep, "\xef\xbc\x9b", 3) == 0) {
                seplen = 3;
                break;
            }
        }
        bool last = seplen == 0;
        *sep = '\0';
        char *item = s_trim(s);
        if (*item) {
            if (n < max)
                items[n] = item;
            n++;
        }
        if (last)
            return n;
        s = sep + seplen;
    }
}

static int s_date_cmp(int y0, int m0, int d0, int y1, int m1, int d1)
{
    if (y0 != y1)
        return y0 < y1 ? -1 : 1;
    if (m0 != m1)
        return m0 < m1 ? -1 : 1;
    if (d0 != d1)
        return d0 < d1 ? -1 : 1;
    return 0;
}

/* ---- errors ----------------------------------------------------------------------------- */

/* The errors array always keeps one spare slot, so running out of memory can
 * still be reported (see s_finish). */
__attribute__((format(printf, 4, 5))) static void s_error(parser_t *p, int line, const char *field,
                                                          const char *fmt, ...)
{
    if (p->oom)
        return;
    if (s_grow((void **)p->errors, &p->errors_cap, *p->nerrors + 2, sizeof **p->errors) != 0) {
        p->oom = true;
        return;
    }
    reg_csv_error_t *e = &(*p->errors)[(*p->nerrors)++];
    memset(e, 0, sizeof *e);
    e->line = line;
    snprintf(e->field, sizeof e->field, "%s", field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

/* ---- records ---------------------------------------------------------------------------- */

static int s_put(record_t *r, char c)
{
    if (s_grow((void **)&r->buf, &r->buf_cap, r->buf_len + 1, 1) != 0)
        return -1;
    r->buf[r->buf_len++] = c;
    return 0;
}

static void s_shape(record_t *r, const char *msg, int line)
{
    if (!r->shape) {
        r->shape = msg;
        r->shape_line = line;
    }
}

static bool s_is_break(unsigned char c)
{
    return c == ',' || c == '\n' || c == '\r';
}

/* A line break is LF, CRLF or a lone CR; CRLF counts on its LF. */
static bool s_ends_line(const unsigned char *t, size_t n, size_t i)
{
    return t[i] == '\n' || (t[i] == '\r' && !(i + 1 < n && t[i + 1] == '\n'));
}

/* Reads the record at p->pos into r and moves past its line break. */
static rec_status_t s_read_record(parser_t *p, record_t *r)
{
    const unsigned char *t = p->text;
    size_t n = p->len;
    if (p->pos >= p->tail) {
        p->pos = n;
        return REC_EOF;
    }
    r->line = p->line;
    r->start = p->pos;
    r->shape = NULL;
    r->buf_len = 0;
    r->nfields = 0;
    for (;;) {
        if (s_grow((void **)&r->offs, &r->offs_cap, r->nfields + 1, sizeof *r->offs) != 0)
            return REC_OOM;
        r->offs[r->nfields++] = r->buf_len;
        size_t q = p->pos;
        while (q < n && (t[q] == ' ' || t[q] == '\t'))
            q++;
        if (q < n && t[q] == '"') {
            r->quote_line = p->line;
            p->pos = q + 1;
            for (;;) {
                if (p->pos >= n) {
                    r->end = n;
                    return REC_UNTERMINATED;
                }
                if (t[p->pos] == '"') {
                    if (p->pos + 1 < n && t[p->pos + 1] == '"') {
                        if (s_put(r, '"') != 0)
                            return REC_OOM;
                        p->pos += 2;
                        continue;
                    }
                    p->pos++;
                    break;
                }
                if (s_ends_line(t, n, p->pos))
                    p->line++;
                if (s_put(r, (char)t[p->pos]) != 0)
                    return REC_OOM;
                p->pos++;
            }
            while (p->pos < n && (t[p->pos] == ' ' || t[p->pos] == '\t'))
                p->pos++;
            if (p->pos < n && !s_is_break(t[p->pos]))
                s_shape(r, MSG_AFTER_QUOTE, p->line);
            while (p->pos < n && !s_is_break(t[p->pos]))
                p->pos++;
        } else {
            for (; p->pos < n && !s_is_break(t[p->pos]); p->pos++) {
                if (t[p->pos] == '"')
                    s_shape(r, MSG_BARE_QUOTE, p->line);
                if (s_put(r, (char)t[p->pos]) != 0)
                    return REC_OOM;
            }
        }
        if (s_put(r, '\0') != 0)
            return REC_OOM;
        if (p->pos < n && t[p->pos] == ',') {
            p->pos++;
            continue;
        }
        r->end = p->pos;
        if (p->pos < n) {
            if (t[p->pos] == '\r' && p->pos + 1 < n && t[p->pos + 1] == '\n')
                p->pos++;
            p->pos++;
            p->line++;
        }
        return REC_OK;
    }
}

static const char *s_field(const record_t *r, size_t i)
{
    return r->buf + r->offs[i];
}

/* One error for the first NUL byte or invalid UTF-8 in the record's raw
 * bytes, on that byte's line. 0 if the bytes are clean. */
static int s_check_encoding(parser_t *p, const record_t *r)
{
    const unsigned char *t = p->text;
    int line = r->line;
    for (size_t i = r->start; i < r->end;) {
        if (t[i] == '\0') {
            s_error(p, line, "", MSG_NUL);
            return -1;
        }
        size_t k = s_utf8_seq(t + i, r->end - i);
        if (k == 0) {
            s_error(p, line, "", MSG_UTF8);
            return -1;
        }
        if (s_ends_line(t, p->len, i))
            line++;
        i += k;
    }
    return 0;
}

static bool s_is_blank(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* ---- field rules ------------------------------------------------------------------------ */

static bool s_licence_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > LICENCE_MAX)
        return false;
    for (; *s; s++) {
        char c = *s;
        if (!s_is_digit(c) && !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && c != '-')
            return false;
    }
    return true;
}

static const char *s_gender(const char *s)
{
    if (strcmp(s, "男") == 0 || s_ieq(s, "m") || s_ieq(s, "male"))
        return "男";
    if (strcmp(s, "女") == 0 || s_ieq(s, "f") || s_ieq(s, "female"))
        return "女";
    return NULL;
}

/* Copies s without spaces into out (PHONE_MAX + 1 bytes) and checks it: a
 * mainland mobile 1[3-9]xxxxxxxxx, or a landline of digits with at most one
 * inner dash, 7..16 characters. Chinese landlines never start with 1. */
static bool s_phone_ok(const char *s, char *out)
{
    size_t n = 0;
    for (; *s; s++) {
        if (*s == ' ')
            continue;
        if (n == PHONE_MAX)
            return false;
        out[n++] = *s;
    }
    out[n] = '\0';
    if (n == 0)
        return true;
    if (out[0] == '1') {
        if (n != 11 || out[1] < '3' || out[1] > '9')
            return false;
        for (size_t i = 0; i < n; i++)
            if (!s_is_digit(out[i]))
                return false;
        return true;
    }
    if (n < 7)
        return false;
    int dashes = 0;
    for (size_t i = 0; i < n; i++) {
        if (out[i] == '-') {
            if (++dashes > 1 || i == 0 || i == n - 1)
                return false;
        } else if (!s_is_digit(out[i])) {
            return false;
        }
    }
    return true;
}

static bool s_email_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return true;
    if (n > EMAIL_MAX_BYTES)
        return false;
    for (const char *c = s; *c; c++)
        if ((unsigned char)*c <= 0x20 || *c == 0x7f)
            return false;
    if (strstr(s, "\xc2\xa0") || strstr(s, "\xe3\x80\x80"))
        return false;
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        return false;
    const char *dom = at + 1;
    size_t dn = strlen(dom);
    return dn >= 3 && strchr(dom, '.') && dom[0] != '.' && dom[dn - 1] != '.' && !strstr(dom, "..");
}

/* A valid licence not seen before is added to p->seen, which the licence
 * list returns as its result. */
static void s_check_licence(parser_t *p, int line, const char *s)
{
    if (!s_licence_ok(s)) {
        s_error(p, line, s_columns[COL_LICENCE], MSG_LICENCE);
        return;
    }
    for (size_t i = 0; i < p->nseen; i++) {
        if (strcmp(p->seen[i].licence, s) == 0) {
            s_error(p, line, s_columns[COL_LICENCE], MSG_LICENCE_DUP, p->seen[i].line);
            return;
        }
    }
    if (s_grow((void **)&p->seen, &p->seen_cap, p->nseen + 1, sizeof *p->seen) != 0) {
        p->oom = true;
        return;
    }
    snprintf(p->seen[p->nseen].licence, sizeof p->seen[p->nseen].licence, "%s", s);
    p->seen[p->nseen].line = line;
    p->nseen++;
}

static void s_check_name(parser_t *p, int line, const char *s)
{
    const char *col = s_columns[COL_NAME];
    if (*s == '\0')
        s_error(p, line, col, MSG_NAME_EMPTY);
    else if (strlen(s) > NAME_MAX_BYTES)
        s_error(p, line, col, MSG_NAME_LONG);
    else if (s_has_control(s))
        s_error(p, line, col, MSG_NAME_CONTROL);
}

/* Returns true and the date when the birth date passes; licensed_since is
 * judged against it only then, so a bad birth date is reported once. */
static bool s_check_birth(parser_t *p, int line, const char *s, int *y, int *m, int *d)
{
    const char *col = s_columns[COL_BIRTH];
    if (time_parse_date(s, y, m, d) != 0) {
        s_error(p, line, col, MSG_BIRTH_FORMAT);
        return false;
    }
    if (s_date_cmp(*y, *m, *d, p->today_y, p->today_m, p->today_d) > 0) {
        s_error(p, line, col, MSG_BIRTH_FUTURE);
        return false;
    }
    int age = time_years_between(*y, *m, *d, p->today_y, p->today_m, p->today_d);
    if (age < 18 || age > 100) {
        s_error(p, line, col, MSG_BIRTH_AGE, age);
        return false;
    }
    return true;
}

static void s_check_firm(parser_t *p, int line, const char *s)
{
    if (strlen(s) > FIRM_MAX_BYTES)
        s_error(p, line, s_columns[COL_FIRM], MSG_FIRM_LONG);
    else if (s_has_control(s))
        s_error(p, line, s_columns[COL_FIRM], MSG_FIRM_CONTROL);
}

static void s_check_licensed(parser_t *p, int line, const char *s, unsigned pools, bool birth_ok,
                             int by, int bm, int bd)
{
    const char *col = s_columns[COL_LICENSED];
    int y, m, d;
    if (*s == '\0') {
        if (pools & POOL_CASE)
            s_error(p, line, col, MSG_LICENSED_CASE);
        return;
    }
    if (time_parse_date(s, &y, &m, &d) != 0)
        s_error(p, line, col, MSG_LICENSED_FORMAT);
    else if (s_date_cmp(y, m, d, p->today_y, p->today_m, p->today_d) > 0)
        s_error(p, line, col, MSG_LICENSED_FUTURE);
    else if (birth_ok && time_years_between(by, bm, bd, y, m, d) < 18)
        s_error(p, line, col, MSG_LICENSED_EARLY);
}

/* Parses the pool list into *set; returns NULL or the message of its error. */
static const char *s_pools(char *s, unsigned *set)
{
    char *items[LIST_KEEP];
    size_t n = s_split(s, items, LIST_KEEP);
    size_t kept = n < LIST_KEEP ? n : LIST_KEEP;
    *set = 0;
    if (n == 0)
        return MSG_POOLS_EMPTY;
    for (size_t i = 0; i < kept; i++) {
        unsigned bit;
        if (s_ieq(items[i], "duty") || strcmp(items[i], "值班") == 0)
            bit = POOL_DUTY;
        else if (s_ieq(items[i], "case") || strcmp(items[i], "办案") == 0)
            bit = POOL_CASE;
        else
            return MSG_POOLS_UNKNOWN;
        if (*set & bit)
            return MSG_POOLS_DUP;
        *set |= bit;
    }
    /* More items than kept: with two possible values some must repeat. */
    return n > kept ? MSG_POOLS_DUP : NULL;
}

static void s_check_specialties(parser_t *p, int line, char *s, draft_t *d)
{
    const char *col = s_columns[COL_SPECIALTIES];
    size_t n = s_split(s, d->spec, LIST_KEEP);
    d->nspec = 0;
    if (n > REG_CSV_MAX_SPECIALTIES) {
        s_error(p, line, col, MSG_SPEC_COUNT, REG_CSV_MAX_SPECIALTIES);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (s_utf8_chars(d->spec[i]) > SPECIALTY_MAX_CHARS) {
            s_error(p, line, col, MSG_SPEC_LONG);
            return;
        }
        if (s_has_control(d->spec[i])) {
            s_error(p, line, col, MSG_SPEC_CONTROL);
            return;
        }
    }
    d->nspec = n;
}

/* ---- rows ------------------------------------------------------------------------------- */

static void s_row_clear(reg_lawyer_row_t *row)
{
    free(row->licence);
    free(row->name);
    free(row->gender);
    free(row->birth_date);
    free(row->firm);
    free(row->licensed_since);
    for (size_t i = 0; i < row->npools; i++)
        free(row->pools[i]);
    free(row->pools);
    for (size_t i = 0; i < row->nspecialties; i++)
        free(row->specialties[i]);
    free(row->specialties);
    free(row->phone);
    free(row->email);
    memset(row, 0, sizeof *row);
}

static int s_row_add(parser_t *p, int line, const draft_t *d)
{
    reg_csv_result_t *out = p->out;
    reg_lawyer_row_t row = {.line = line};
    if (!(row.licence = s_strdup(d->f[COL_LICENCE])) || !(row.name = s_strdup(d->f[COL_NAME])) ||
        !(row.gender = s_strdup(d->gender)) || !(row.birth_date = s_strdup(d->f[COL_BIRTH])) ||
        !(row.firm = s_strdup(d->f[COL_FIRM])) ||
        !(row.licensed_since = s_strdup(d->f[COL_LICENSED])) || !(row.phone = s_strdup(d->phone)) ||
        !(row.email = s_strdup(d->f[COL_EMAIL])))
        goto error;
    if (!(row.pools = calloc(2, sizeof *row.pools)))
        goto error;
    if ((d->pools & POOL_DUTY) && !(row.pools[row.npools++] = s_strdup("duty")))
        goto error;
    if ((d->pools & POOL_CASE) && !(row.pools[row.npools++] = s_strdup("case")))
        goto error;
    if (d->nspec > 0 && !(row.specialties = calloc(d->nspec, sizeof *row.specialties)))
        goto error;
    for (size_t i = 0; i < d->nspec; i++) {
        bool dup = false;
        for (size_t j = 0; j < row.nspecialties && !dup; j++)
            dup = strcmp(row.specialties[j], d->spec[i]) == 0;
        if (!dup && !(row.specialties[row.nspecialties++] = s_strdup(d->spec[i])))
            goto error;
    }
    if (s_grow((void **)&out->rows, &p->rows_cap, out->nrows + 1, sizeof *out->rows) != 0)
        goto error;
    out->rows[out->nrows++] = row;
    return 0;
error:
    /* A failed s_strdup left a NULL counted in npools/nspecialties: free(NULL) is fine. */
    s_row_clear(&row);
    return -1;
}

/* Checks one data record; adds the row if it has no error. */
static void s_process(parser_t *p, record_t *r)
{
    size_t before = *p->nerrors;
    int line = r->line;
    if (s_check_encoding(p, r) != 0)
        return;
    if (r->shape) {
        s_error(p, r->shape_line, "", "%s", r->shape);
        return;
    }
    if (s_is_blank(p->text + r->start, r->end - r->start)) {
        s_error(p, line, "", MSG_BLANK_LINE);
        return;
    }
    if (r->nfields != NCOLS) {
        s_error(p, line, "", MSG_COLUMNS, NCOLS, r->nfields);
        return;
    }

    draft_t d;
    memset(&d, 0, sizeof d);
    for (size_t i = 0; i < NCOLS; i++)
        d.f[i] = s_trim(r->buf + r->offs[i]);

    int by = 0, bm = 0, bd = 0;
    s_check_licence(p, line, d.f[COL_LICENCE]);
    s_check_name(p, line, d.f[COL_NAME]);
    if (!(d.gender = s_gender(d.f[COL_GENDER])))
        s_error(p, line, s_columns[COL_GENDER], MSG_GENDER);
    bool birth_ok = s_check_birth(p, line, d.f[COL_BIRTH], &by, &bm, &bd);
    s_check_firm(p, line, d.f[COL_FIRM]);
    /* Pools are parsed first, since an empty licensed_since depends on them,
     * but reported in column order. */
    const char *pools_err = s_pools(d.f[COL_POOLS], &d.pools);
    s_check_licensed(p, line, d.f[COL_LICENSED], d.pools, birth_ok, by, bm, bd);
    if (pools_err)
        s_error(p, line, s_columns[COL_POOLS], "%s", pools_err);
    s_check_specialties(p, line, d.f[COL_SPECIALTIES], &d);
    if (!s_phone_ok(d.f[COL_PHONE], d.phone))
        s_error(p, line, s_columns[COL_PHONE], MSG_PHONE);
    if (!s_email_ok(d.f[COL_EMAIL]))
        s_error(p, line, s_columns[COL_EMAIL], MSG_EMAIL);

    if (*p->nerrors == before && !p->oom && s_row_add(p, line, &d) != 0)
        p->oom = true;
}

/* The header must be exactly REG_CSV_HEADER, field by field. */
static int s_header(parser_t *p, record_t *r)
{
    if (s_check_encoding(p, r) != 0)
        return -1;
    bool ok = !r->shape && r->nfields == NCOLS;
    for (size_t i = 0; ok && i < NCOLS; i++)
        ok = strcmp(s_field(r, i), s_columns[i]) == 0;
    if (!ok) {
        s_error(p, 1, "", MSG_HEADER);
        return -1;
    }
    return 0;
}

/* ---- both formats ----------------------------------------------------------------------- */

/* Sets up p over text[0..len) with errors going to *errors / *nerrors, which
 * get their first two slots (s_error's spare one included). -1 if out of
 * memory: then nothing is recorded. */
static int s_start(parser_t *p, const char *text, size_t len, reg_csv_error_t **errors,
                   size_t *nerrors)
{
    p->text = (const unsigned char *)text;
    p->len = len;
    p->line = 1;
    p->errors = errors;
    p->nerrors = nerrors;
    if (s_grow((void **)errors, &p->errors_cap, 2, sizeof **errors) != 0)
        return -1;
    p->tail = len;
    while (p->tail > 0 && s_is_blank(p->text + p->tail - 1, 1))
        p->tail--;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        p->pos = 3;
    return 0;
}

/* Reports running out of memory as the last error (oom_msg, line 0), in the
 * spare slot s_error keeps, and frees what the parse used. */
static void s_finish(parser_t *p, record_t *r, const char *oom_msg)
{
    if (p->oom) {
        reg_csv_error_t *e = &(*p->errors)[(*p->nerrors)++];
        memset(e, 0, sizeof *e);
        snprintf(e->message, sizeof e->message, "%s", oom_msg);
    }
    free(r->buf);
    free(r->offs);
    free(p->seen);
}

/* ---- the roster ------------------------------------------------------------------------- */

int reg_csv_parse_lawyers(const char *text, size_t len, int today_y, int today_m, int today_d,
                          reg_csv_result_t *out)
{
    assert(out);
    assert(text || len == 0);
    assert(today_m >= 1 && today_m <= 12 && today_d >= 1 && today_d <= 31);
    memset(out, 0, sizeof *out);
    parser_t p = {
        .today_y = today_y,
        .today_m = today_m,
        .today_d = today_d,
        .out = out,
    };
    record_t r;
    memset(&r, 0, sizeof r);
    int nrows = 0;
    if (s_start(&p, text, len, &out->errors, &out->nerrors) != 0)
        return -1;
    if (len > REG_CSV_MAX_BYTES) {
        s_error(&p, 0, "", MSG_TOO_LARGE, REG_CSV_MAX_BYTES);
        return -1;
    }

    rec_status_t st = s_read_record(&p, &r);
    if (st == REC_OK) {
        if (s_header(&p, &r) != 0)
            goto out;
    } else if (st == REC_EOF) {
        s_error(&p, 1, "", MSG_HEADER);
        goto out;
    }
    while (st == REC_OK && !p.oom) {
        st = s_read_record(&p, &r);
        if (st != REC_OK)
            break;
        if (++nrows > REG_CSV_MAX_ROWS) {
            s_error(&p, r.line, "", MSG_TOO_MANY_ROWS, REG_CSV_MAX_ROWS);
            break;
        }
        s_process(&p, &r);
    }
    if (st == REC_UNTERMINATED)
        s_error(&p, r.quote_line, "", MSG_UNTERMINATED);
    else if (st == REC_OOM)
        p.oom = true;

out:
    s_finish(&p, &r, MSG_OOM);
    return out->nerrors == 0 ? 0 : -1;
}

void reg_csv_result_free(reg_csv_result_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nrows; i++)
        s_row_clear(&r->rows[i]);
    free(r->rows);
    free(r->errors);
    memset(r, 0, sizeof *r);
}

/* ---- the licence list ------------------------------------------------------------------- */

/* Trims every field in place; true if all are empty. */
static bool s_fields_empty(record_t *r)
{
    bool empty = true;
    for (size_t i = 0; i < r->nfields; i++)
        if (*s_trim(r->buf + r->offs[i]))
            empty = false;
    return empty;
}

int reg_csv_parse_licences(const char *text, size_t len, reg_licences_t *out)
{
    assert(out);
    assert(text || len == 0);
    memset(out, 0, sizeof *out);
    parser_t p = {.out = NULL};
    record_t r;
    memset(&r, 0, sizeof r);
    if (s_start(&p, text, len, &out->errors, &out->nerrors) != 0)
        return -1;
    if (len > REG_CSV_MAX_BYTES) {
        s_error(&p, 0, "", MSG_LIST_TOO_LARGE, REG_CSV_MAX_BYTES);
        return -1;
    }

    bool first = true; /* no record but blank ones yet: a header may come */
    int nrecords = 0;
    rec_status_t st = REC_OK;
    while (!p.oom && (st = s_read_record(&p, &r)) == REC_OK) {
        /* Encoding and quoting are judged on the whole record, as in the
         * roster: ignored fields are still part of the file staff meant. */
        bool clean = s_check_encoding(&p, &r) == 0;
        if (clean && r.shape) {
            s_error(&p, r.shape_line, "", "%s", r.shape);
            clean = false;
        }
        if (clean && s_fields_empty(&r))
            continue;
        const char *licence = s_trim(r.buf + r.offs[0]); /* trimmed already: the new start */
        if (clean && first && (s_ieq(licence, "licence") || strcmp(licence, "执业证号") == 0)) {
            first = false;
            continue;
        }
        first = false;
        if (++nrecords > REG_CSV_MAX_ROWS) {
            s_error(&p, r.line, "", MSG_LIST_TOO_MANY, REG_CSV_MAX_ROWS);
            break;
        }
        if (clean)
            s_check_licence(&p, r.line, licence);
    }
    if (st == REC_UNTERMINATED)
        s_error(&p, r.quote_line, "", MSG_UNTERMINATED);
    else if (st == REC_OOM)
        p.oom = true;
    if (nrecords == 0 && out->nerrors == 0)
        s_error(&p, 0, "", MSG_LIST_EMPTY);

    /* p.seen holds exactly the valid, unique licences, in file order. */
    if (!p.oom && p.nseen > 0 && !(out->licences = calloc(p.nseen, sizeof *out->licences)))
        p.oom = true;
    for (size_t i = 0; i < p.nseen && !p.oom; i++) {
        if (!(out->licences[i] = s_strdup(p.seen[i].licence)))
            p.oom = true;
        else
            out->nlicences++;
    }
    s_finish(&p, &r, MSG_LIST_OOM);
    return out->nerrors == 0 ? 0 : -1;
}

void reg_licences_free(reg_licences_t *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->nlicences; i++)
        free(l->licences[i]);
    free(l->licences);
    free(l->errors);
    memset(l, 0, sizeof *l);
}

/* ---- errors for the reply --------------------------------------------------------------- */

char *reg_csv_errors_json(const reg_csv_error_t *errors, size_t nerrors)
{
    json_t *arr = json_array();
    json_t *body = json_pack("{s:o}", "errors", arr);
    char *text = NULL;
    if (!body)
        return NULL;
    for (size_t i = 0; i < nerrors; i++) {
        const reg_csv_error_t *e = &errors[i];
        json_t *o = json_pack("{s:i, s:s?, s:s}", "line", e->line, "field",
                              e->field[0] ? e->field : NULL, "message", e->message);
        if (json_array_append_new(arr, o) != 0)
            goto out;
    }
    text = json_dumps(body, JSON_COMPACT);
out:
    json_decref(body);
    return text;
}
