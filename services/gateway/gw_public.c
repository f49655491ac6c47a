/* gw_public — the public case-pool list of clause 8 (see gw_public.h). The
 * zh-CN text of the page is all in s_zh and s_page below, so a center
 * changes the wording in one place. */
#include "gw_public.h"

#include "fayuan/pgarr.h"

#include "fayuan/timeutil.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- what the page says (zh-CN) ---------------------------------------------- */

static const struct {
    const char *title_live;
    const char *title_annual; /* %d: the year */
    const char *note;
    const char *meta_live;   /* %s: date and time; %zu: count */
    const char *meta_annual; /* %s: date; %zu: count */
    const char *meta_filter; /* %s: the specialty (escaped) */
    const char *filter_label;
    const char *all;
    const char *col_name, *col_gender, *col_age, *col_years, *col_specialties;
    const char *none;
    const char *none_filtered;
    const char *years_label;
    const char *year_link; /* %d: the year */
    const char *live_link;
    const char *list_sep;
} s_zh = {
    .title_live = "办案人员资源库名单",
    .title_annual = "%d年度办案人员资源库名单",
    .note = "公开办案人员资源库名单，方便受援人自主选择法律援助律师。",
    .meta_live = "%s生成，共 %zu 人。年龄、执业年限按当日计算。",
    .meta_annual = "%s公布，共 %zu 人。年龄、执业年限按公布之日计算。",
    .meta_filter = "业务专长：%s。",
    .filter_label = "按业务专长筛选",
    .all = "全部",
    .col_name = "姓名",
    .col_gender = "性别",
    .col_age = "年龄",
    .col_years = "执业年限",
    .col_specialties = "业务专长",
    .none = "暂无人员。",
    .none_filtered = "暂无该业务专长的人员。",
    .years_label = "历年公布的名单：",
    .year_link = "%d年度",
    .live_link = "当前名单",
    .list_sep = "、",
};

/* The page; every {slot} is filled with text that is already HTML. No
 * script and nothing loaded from elsewhere: it reads the same on a phone
 * with JavaScript off. */
static const char s_page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"zh-CN\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>{title}</title>\n"
    "<style>\n"
    "body{margin:0;background:#fff;color:#222;"
    "font:16px/1.5 system-ui,-apple-system,\"PingFang SC\",\"Microsoft YaHei\",sans-serif}\n"
    "main{max-width:960px;margin:0 auto;padding:12px}\n"
    "h1{font-size:1.3em;margin:.2em 0 .4em}\n"
    "p{margin:.3em 0}\n"
    ".meta,.note,.years{color:#555;font-size:.9em}\n"
    "nav{margin:.6em 0}\n"
    "nav a,.years a{display:inline-block;margin:0 .3em .4em 0;padding:.15em .7em;"
    "border:1px solid #bbb;border-radius:1em;color:#0645ad;text-decoration:none;"
    "white-space:nowrap}\n"
    "nav a.on{background:#0645ad;border-color:#0645ad;color:#fff}\n"
    "table{width:100%;border-collapse:collapse;font-size:.95em}\n"
    "th,td{padding:.45em .3em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}\n"
    "th{background:#f2f2f2;white-space:nowrap}\n"
    "td.n{white-space:nowrap}\n"
    "td.num{text-align:right;white-space:nowrap}\n"
    "</style>\n"
    "</head>\n"
    "<body>\n"
    "<main>\n"
    "<h1>{title}</h1>\n"
    "<p class=\"meta\">{meta}</p>\n"
    "<p class=\"note\">{note}</p>\n"
    "<nav aria-label=\"{filter_label}\">{filters}</nav>\n"
    "{list}"
    "{years}"
    "</main>\n"
    "</body>\n"
    "</html>\n";

/* ---- a growing string ------------------------------------------------------- */

typedef struct {
    char *s;
    size_t len, cap;
    bool oom;
} s_buf_t;

static void s_add(s_buf_t *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *grown = realloc(b->s, cap);
        if (!grown) {
            b->oom = true;
            return;
        }
        b->s = grown;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void s_adds(s_buf_t *b, const char *s)
{
    s_add(b, s, strlen(s));
}

static void s_addf(s_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void s_addf(s_buf_t *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        s_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    s_add(b, big, (size_t)n);
    free(big);
}

/* The text, or NULL (everything freed) if memory ran out on the way. */
static char *s_take(s_buf_t *b)
{
    if (b->oom || !b->s) {
        free(b->s);
        return b->oom ? NULL : strdup("");
    }
    return b->s;
}

static void s_add_escaped(s_buf_t *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '&':
            s_adds(b, "&amp;");
            break;
        case '<':
            s_adds(b, "&lt;");
            break;
        case '>':
            s_adds(b, "&gt;");
            break;
        case '"':
            s_adds(b, "&quot;");
            break;
        case '\'':
            s_adds(b, "&#39;");
            break;
        default:
            s_add(b, p, 1);
        }
    }
}

static void s_add_urlenc(s_buf_t *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            s_add(b, (const char *)p, 1);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            s_add(b, e, 3);
        }
    }
}

char *gw_public_html_escape(const char *s)
{
    s_buf_t b = {0};
    s_add_escaped(&b, s);
    return s_take(&b);
}

char *gw_public_url_encode(const char *s)
{
    s_buf_t b = {0};
    s_add_urlenc(&b, s);
    return s_take(&b);
}

/* Fills the {slot}s of tpl from vars (name, value pairs, NULL-terminated);
 * an unknown {...} is copied as written. */
static void s_fill(s_buf_t *b, const char *tpl, const char *const *vars)
{
    for (const char *p = tpl; *p;) {
        if (*p == '{') {
            const char *end = strchr(p + 1, '}');
            const char *value = NULL;
            size_t klen = end ? (size_t)(end - p - 1) : 0;
            for (size_t i = 0; end && vars[i]; i += 2) {
                if (strlen(vars[i]) == klen && strncmp(p + 1, vars[i], klen) == 0) {
                    value = vars[i + 1];
                    break;
                }
            }
            if (value) {
                s_adds(b, value);
                p = end + 1;
                continue;
            }
        }
        s_add(b, p, 1);
        p++;
    }
}

/* ---- text from other systems ------------------------------------------------- */

static bool s_is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

char *gw_public_clean(const char *s, size_t max)
{
    static const char repl[] = "\xef\xbf\xbd"; /* U+FFFD */
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t left = strlen((const char *)p), o = 0;
    char *out = malloc(max + 1);
    if (!out)
        return NULL;
    while (left > 0) {
        uint32_t cp;
        size_t n = gw_utf8_char(p, left, &cp);
        bool ok = n > 0 && !s_is_control(cp);
        size_t need = ok ? n : sizeof repl - 1;
        if (o + need > max)
            break;
        memcpy(out + o, ok ? (const char *)p : repl, need);
        o += need;
        p += n > 0 ? n : 1;
        left -= n > 0 ? n : 1;
    }
    out[o] = '\0';
    char *fit = realloc(out, o + 1); /* many of these are kept: no slack */
    return fit ? fit : out;
}

/* ---- members ------------------------------------------------------------------ */

void gw_member_clear(gw_member_t *m)
{
    free(m->key);
    free(m->name);
    free(m->gender);
    for (size_t i = 0; i < m->nspecialties; i++)
        free(m->specialties[i]);
    free(m->specialties);
    memset(m, 0, sizeof *m);
}

static void s_date(const char *s, int *y, int *m, int *d)
{
    if (!s || time_parse_date(s, y, m, d) != 0)
        *y = *m = *d = 0;
}

int gw_member_from_event(const Fayuan__LawyerChanged *ev, gw_member_t *m)
{
    memset(m, 0, sizeof *m);
    m->key = gw_public_clean(ev->licence, GW_KEY_MAX);
    m->name = gw_public_clean(ev->name, GW_PUBLIC_NAME_MAX);
    m->gender = gw_public_clean(ev->gender, GW_PUBLIC_NAME_MAX);
    s_date(ev->birth_date, &m->birth_y, &m->birth_m, &m->birth_d);
    s_date(ev->licensed_since, &m->licensed_y, &m->licensed_m, &m->licensed_d);
    size_t n =
        ev->n_specialties < GW_PUBLIC_SPECIALTIES ? ev->n_specialties : GW_PUBLIC_SPECIALTIES;
    m->specialties = calloc(n ? n : 1, sizeof *m->specialties);
    if (!m->key || !m->name || !m->gender || !m->specialties)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        char *sp = gw_public_clean(ev->specialties[i], GW_PUBLIC_SPECIALTY_MAX);
        if (!sp)
            goto oom;
        if (sp[0])
            m->specialties[m->nspecialties++] = sp;
        else
            free(sp);
    }
    return 0;
oom:
    gw_member_clear(m);
    return -1;
}

/* ---- the model ------------------------------------------------------------------ */

/* A member of the live list or an entry of an annual list, its strings in one
 * allocation: key \0 name \0 gender \0 specialty_1 \0 ... specialty_n \0
 * (an annual entry's key is ""). Small, because there may be many. */
typedef struct {
    char *blob;
    uint16_t name_at, gender_at, spec_at, nspec;
    int32_t a, b; /* live: birth and licence day (days since 1970; S_NO_DAY if unknown);
                     annual: age and years of practice */
} s_rec_t;

#define S_NO_DAY INT32_MIN

typedef struct {
    int year;
    int64_t published_at;
    s_rec_t *entries;
    size_t n;
    const char **avail; /* its specialties, once each, byte order */
    size_t navail;
} s_annual_t;

typedef struct {
    bool used, html;
    int year;
    char specialty[GW_PUBLIC_SPECIALTY_MAX + 1];
    int64_t day, made_us;
    uint64_t gen;
    char *body;
    size_t len;
} s_cached_t;

struct gw_public {
    s_rec_t *members; /* the live case pool, in no order */
    size_t n, cap;
    uint32_t *slots; /* open addressing on the key: position + 1, 0 = empty */
    size_t nslots;   /* a power of two, at least twice n */
    s_annual_t *annuals;
    size_t nannuals;
    uint64_t gen;       /* changes with every change of the model */
    const char **avail; /* specialties of the live list, as of avail_gen */
    size_t navail;
    uint64_t avail_gen;
    bool avail_ok;
    s_cached_t cache[GW_PUBLIC_CACHE_SLOTS];
    size_t cache_bytes;
    char *scratch;     /* the last answer too big to cache */
    char *center_name; /* opens the page's title; NULL for none */
};

static const char *s_key(const s_rec_t *r)
{
    return r->blob;
}

/* Packs the strings; false when out of memory or too long to pack. */
static bool s_pack(s_rec_t *r, const char *key, const char *name, const char *gender,
                   char *const *spec, size_t nspec)
{
    size_t lk = strlen(key) + 1, ln = strlen(name) + 1, lg = strlen(gender) + 1, ls = 0;
    for (size_t i = 0; i < nspec; i++)
        ls += strlen(spec[i]) + 1;
    if (lk + ln + lg + ls > UINT16_MAX || nspec > UINT16_MAX)
        return false;
    char *b = malloc(lk + ln + lg + ls);
    if (!b)
        return false;
    memcpy(b, key, lk);
    memcpy(b + lk, name, ln);
    memcpy(b + lk + ln, gender, lg);
    size_t o = lk + ln + lg;
    for (size_t i = 0; i < nspec; i++) {
        size_t l = strlen(spec[i]) + 1;
        memcpy(b + o, spec[i], l);
        o += l;
    }
    *r = (s_rec_t){.blob = b,
                   .name_at = (uint16_t)lk,
                   .gender_at = (uint16_t)(lk + ln),
                   .spec_at = (uint16_t)(lk + ln + lg),
                   .nspec = (uint16_t)nspec};
    return true;
}

static bool s_rec_has(const s_rec_t *r, const char *specialty)
{
    const char *sp = r->blob + r->spec_at;
    for (size_t k = 0; k < r->nspec; k++, sp = gw_public_next(sp))
        if (strcmp(sp, specialty) == 0)
            return true;
    return false;
}

static int s_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every specialty of recs, once each, in byte order, into *out (malloc'ed
 * array of borrowed strings). false when out of memory. */
static bool s_gather(const s_rec_t *recs, size_t n, const char ***out, size_t *nout)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += recs[i].nspec;
    const char **all = malloc((total ? total : 1) * sizeof *all);
    if (!all)
        return false;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *sp = recs[i].blob + recs[i].spec_at;
        for (size_t j = 0; j < recs[i].nspec; j++, sp = gw_public_next(sp))
            all[k++] = sp;
    }
    qsort(all, k, sizeof *all, s_cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || strcmp(all[u - 1], all[i]) != 0)
            all[u++] = all[i];
    *out = all;
    *nout = u;
    return true;
}

gw_public_t *gw_public_new(void)
{
    return calloc(1, sizeof(gw_public_t));
}

int gw_public_set_center_name(gw_public_t *self, const char *name)
{
    char *copy = name && *name ? strdup(name) : NULL;
    if (name && *name && !copy)
        return -1;
    free(self->center_name);
    self->center_name = copy;
    self->gen++; /* cached pages carry the old name */
    return 0;
}

static void s_annual_clear(s_annual_t *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->entries[i].blob);
    free(a->entries);
    free(a->avail);
    memset(a, 0, sizeof *a);
}

static void s_cache_drop(gw_public_t *self, s_cached_t *c)
{
    self->cache_bytes -= c->len;
    free(c->body);
    memset(c, 0, sizeof *c);
}

void gw_public_destroy(gw_public_t **self_p)
{
    gw_public_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; i < self->n; i++)
        free(self->members[i].blob);
    free(self->members);
    free(self->slots);
    free(self->center_name);
    for (size_t i = 0; i < self->nannuals; i++)
        s_annual_clear(&self->annuals[i]);
    free(self->annuals);
    free(self->avail);
    for (size_t i = 0; i < GW_PUBLIC_CACHE_SLOTS; i++)
        s_cache_drop(self, &self->cache[i]);
    free(self->scratch);
    free(self);
    *self_p = NULL;
}

/* FNV-1a */
static size_t s_home(const gw_public_t *self, const char *key)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * UINT64_C(1099511628211);
    return (size_t)(h & (self->nslots - 1));
}

/* The slot holding key, or the empty slot where it would go. */
static size_t s_slot(const gw_public_t *self, const char *key)
{
    size_t mask = self->nslots - 1;
    for (size_t i = s_home(self, key);; i = (i + 1) & mask)
        if (self->slots[i] == 0 || strcmp(s_key(&self->members[self->slots[i] - 1]), key) == 0)
            return i;
}

static bool s_grow_slots(gw_public_t *self)
{
    size_t n = self->nslots ? self->nslots * 2 : 128;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots || n > UINT32_MAX) {
        free(slots);
        return false;
    }
    free(self->slots);
    self->slots = slots;
    self->nslots = n;
    for (size_t i = 0; i < self->n; i++)
        self->slots[s_slot(self, s_key(&self->members[i]))] = (uint32_t)(i + 1);
    return true;
}

static int32_t s_day(int y, int m, int d)
{
    return y ? (int32_t)time_days_from_civil(y, m, d) : S_NO_DAY;
}

int gw_public_put_member(gw_public_t *self, const gw_member_t *m)
{
    assert(m->key != NULL);
    if ((self->n + 1) * 2 > self->nslots && !s_grow_slots(self))
        return -1;
    if (self->n == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 64;
        s_rec_t *grown = realloc(self->members, cap * sizeof *grown);
        if (!grown)
            return -1;
        self->members = grown;
        self->cap = cap;
    }
    s_rec_t r;
    if (!s_pack(&r, m->key, m->name ? m->name : "", m->gender ? m->gender : "", m->specialties,
                m->nspecialties))
        return -1;
    r.a = s_day(m->birth_y, m->birth_m, m->birth_d);
    r.b = s_day(m->licensed_y, m->licensed_m, m->licensed_d);
    size_t i = s_slot(self, m->key);
    if (self->slots[i]) {
        s_rec_t *old = &self->members[self->slots[i] - 1];
        free(old->blob);
        *old = r;
    } else {
        self->slots[i] = (uint32_t)(self->n + 1);
        self->members[self->n++] = r;
    }
    self->gen++;
    return 0;
}

void gw_public_remove_member(gw_public_t *self, const char *key)
{
    if (self->n == 0)
        return;
    size_t i = s_slot(self, key), mask = self->nslots - 1;
    if (self->slots[i] == 0)
        return;
    size_t pos = self->slots[i] - 1;
    /* empty the slot, and move back the entries of the run after it that
     * could not be found past the hole (linear probing without tombstones) */
    self->slots[i] = 0;
    for (size_t j = (i + 1) & mask; self->slots[j]; j = (j + 1) & mask) {
        size_t home = s_home(self, s_key(&self->members[self->slots[j] - 1]));
        bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!between) {
            self->slots[i] = self->slots[j];
            self->slots[j] = 0;
            i = j;
        }
    }
    free(self->members[pos].blob);
    self->n--;
    if (pos != self->n) {
        self->members[pos] = self->members[self->n];
        self->slots[s_slot(self, s_key(&self->members[pos]))] = (uint32_t)(pos + 1);
    }
    self->gen++;
}

size_t gw_public_member_count(const gw_public_t *self)
{
    return self->n;
}

/* A JSON string of cleaned text, or NULL when out of memory. */
static json_t *s_jstr(const char *s, size_t max)
{
    char *c = gw_public_clean(s, max);
    json_t *j = c ? json_string(c) : NULL;
    free(c);
    return j;
}

/* Sets key to value (consumed); false if value is NULL or on failure. */
static bool s_set(json_t *obj, const char *key, json_t *value)
{
    return value && json_object_set_new(obj, key, value) == 0;
}

json_t *gw_public_entries_json(const Fayuan__CasePoolPublished *ev)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < ev->n_entries; i++) {
        const Fayuan__PublicEntry *e = ev->entries[i];
        json_t *o = json_object(), *sp = json_array();
        bool ok = o && sp;
        ok = ok && s_set(o, "name", s_jstr(e->name, GW_PUBLIC_NAME_MAX));
        ok = ok && s_set(o, "gender", s_jstr(e->gender, GW_PUBLIC_NAME_MAX));
        ok = ok && s_set(o, "age", json_integer(e->age > 0 ? e->age : 0));
        ok = ok && s_set(o, "practice_years",
                         json_integer(e->practice_years > 0 ? e->practice_years : 0));
        for (size_t k = 0; ok && k < e->n_specialties && k < GW_PUBLIC_SPECIALTIES; k++) {
            json_t *s = s_jstr(e->specialties[k], GW_PUBLIC_SPECIALTY_MAX);
            if (s && json_string_length(s) == 0)
                json_decref(s);
            else
                ok = json_array_append_new(sp, s) == 0;
        }
        ok = ok && s_set(o, "specialties", json_incref(sp));
        ok = ok && json_array_append(arr, o) == 0;
        json_decref(o);
        json_decref(sp);
        if (!ok) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* Reads one element of a stored annual list into r: 1, 0 if malformed
 * (skipped), -1 when out of memory. */
static int s_entry_from_json(const json_t *o, s_rec_t *r)
{
    const json_t *name = json_object_get(o, "name"), *gender = json_object_get(o, "gender");
    const json_t *age = json_object_get(o, "age"), *py = json_object_get(o, "practice_years");
    const json_t *sp = json_object_get(o, "specialties");
    if (!json_is_string(name) || !json_is_string(gender) || !json_is_integer(age) ||
        !json_is_integer(py) || !json_is_array(sp))
        return 0;
    char *spec[GW_PUBLIC_SPECIALTIES];
    size_t nspec = 0;
    char *n = gw_public_clean(json_string_value(name), GW_PUBLIC_NAME_MAX);
    char *g = gw_public_clean(json_string_value(gender), GW_PUBLIC_NAME_MAX);
    bool ok = n && g;
    for (size_t k = 0; ok && k < json_array_size(sp) && nspec < GW_PUBLIC_SPECIALTIES; k++) {
        const char *v = json_string_value(json_array_get(sp, k));
        if (!v || !v[0])
            continue;
        spec[nspec] = gw_public_clean(v, GW_PUBLIC_SPECIALTY_MAX);
        ok = spec[nspec++] != NULL;
    }
    ok = ok && s_pack(r, "", n, g, spec, nspec);
    for (size_t k = 0; k < nspec; k++)
        free(spec[k]);
    free(n);
    free(g);
    if (!ok)
        return -1;
    json_int_t a = json_integer_value(age), p = json_integer_value(py);
    r->a = a > 0 && a < 1000 ? (int32_t)a : 0;
    r->b = p > 0 && p < 1000 ? (int32_t)p : 0;
    return 1;
}

int gw_public_put_annual(gw_public_t *self, int year, int64_t published_at_us,
                         const json_t *entries)
{
    if (year <= 0)
        return -1;
    s_annual_t a = {.year = year, .published_at = published_at_us};
    size_t n = json_array_size(entries);
    a.entries = calloc(n ? n : 1, sizeof *a.entries);
    if (!a.entries)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int rc = s_entry_from_json(json_array_get(entries, i), &a.entries[a.n]);
        if (rc < 0) {
            s_annual_clear(&a);
            return -1;
        }
        a.n += (size_t)rc;
    }
    if (!s_gather(a.entries, a.n, &a.avail, &a.navail)) {
        s_annual_clear(&a);
        return -1;
    }
    self->gen++;
    for (size_t i = 0; i < self->nannuals; i++) {
        if (self->annuals[i].year == year) {
            s_annual_clear(&self->annuals[i]);
            self->annuals[i] = a;
            return 0;
        }
    }
    s_annual_t *grown = realloc(self->annuals, (self->nannuals + 1) * sizeof *grown);
    if (!grown) {
        s_annual_clear(&a);
        return -1;
    }
    self->annuals = grown;
    self->annuals[self->nannuals++] = a;
    return 0;
}

static const s_annual_t *s_annual(const gw_public_t *self, int year)
{
    for (size_t i = 0; i < self->nannuals; i++)
        if (self->annuals[i].year == year)
            return &self->annuals[i];
    return NULL;
}

bool gw_public_has_annual(const gw_public_t *self, int year)
{
    return s_annual(self, year) != NULL;
}

/* ---- the query ------------------------------------------------------------------ */

/* Decodes s[0..len) ('+' is a space, %XX a byte) into out[cap] (NUL-
 * terminated). 0; -1 a broken escape; -2 longer than cap - 1 bytes. */
static int s_unescape(const char *s, size_t len, char *out, size_t cap, size_t *outlen)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (i + 2 >= len)
                return -1;
            int hi = pgarr_hex_digit(s[i + 1]), lo = pgarr_hex_digit(s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = (char)(hi << 4 | lo);
            i += 2;
        }
        if (o + 1 >= cap)
            return -2;
        out[o++] = c;
    }
    out[o] = '\0';
    *outlen = o;
    return 0;
}

/* Valid UTF-8 without control characters (decoded length n). */
static bool s_text_ok(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    while (n > 0) {
        uint32_t cp;
        size_t k = gw_utf8_char(p, n, &cp);
        if (k == 0 || s_is_control(cp))
            return false;
        p += k;
        n -= k;
    }
    return true;
}

int gw_public_query_parse(const char *query, gw_public_query_t *q, gw_error_t *err)
{
    memset(q, 0, sizeof *q);
    bool seen_specialty = false, seen_year = false;
    for (const char *p = query ? query : ""; *p;) {
        size_t plen = strcspn(p, "&");
        const char *eq = memchr(p, '=', plen);
        size_t nlen = eq ? (size_t)(eq - p) : plen;
        const char *val = eq ? eq + 1 : p + plen;
        size_t vlen = (size_t)(p + plen - val);
        char name[16], value[GW_PUBLIC_SPECIALTY_MAX + 1];
        size_t namelen, len = 0;
        /* A name that does not decode to one of ours is someone else's. */
        if (s_unescape(p, nlen, name, sizeof name, &namelen) != 0)
            name[0] = '\0';
        bool specialty = strcmp(name, "specialty") == 0, year = strcmp(name, "year") == 0;
        p += plen + (p[plen] == '&');
        if (!specialty && !year)
            continue;
        const char *field = specialty ? "specialty" : "year";
        if (specialty ? seen_specialty : seen_year) {
            gw_error_set(err, 400, GW_ERR_INVALID_FIELD, field, "\"%s\" is given more than once",
                         field);
            return -1;
        }
        if (specialty)
            seen_specialty = true;
        else
            seen_year = true;
        int rc = s_unescape(val, vlen, value, sizeof value, &len);
        if (rc == -1) {
            gw_error_set(err, 400, GW_ERR_INVALID_FIELD, field,
                         "\"%s\" has a broken %%-escape (%% must be followed by two hex digits)",
                         field);
            return -1;
        }
        if (specialty) {
            if (rc == -2) {
                gw_error_set(err, 400, GW_ERR_INVALID_FIELD, field,
                             "\"specialty\" must be at most %d bytes of UTF-8 once decoded",
                             GW_PUBLIC_SPECIALTY_MAX);
                return -1;
            }
            if (!s_text_ok(value, len)) {
                gw_error_set(err, 400, GW_ERR_INVALID_FIELD, field,
                             "\"specialty\" must be UTF-8 text without control characters");
                return -1;
            }
            memcpy(q->specialty, value, len + 1);
            continue;
        }
        if (rc == 0 && len == 0)
            continue; /* "year=": the live list */
        bool digits = rc == 0 && len == 4;
        for (size_t i = 0; digits && i < 4; i++)
            digits = value[i] >= '0' && value[i] <= '9';
        if (!digits || value[0] == '0') {
            gw_error_set(err, 400, GW_ERR_INVALID_FIELD, field,
                         "\"year\" must be a year of four digits, such as 2026");
            return -1;
        }
        q->year = atoi(value);
    }
    return 0;
}

/* ---- views ---------------------------------------------------------------------- */

typedef struct {
    gw_public_row_t row;
    const char *key; /* live: the licence; annual: "" */
    size_t ord;      /* position in the model, the last resort */
} s_sortable_t;

static int s_cmp_rows(const void *a, const void *b)
{
    const s_sortable_t *x = a, *y = b;
    int c = strcmp(x->row.name, y->row.name);
    if (c == 0)
        c = strcmp(x->key, y->key);
    if (c == 0)
        c = x->ord < y->ord ? -1 : x->ord > y->ord;
    return c;
}

static int s_cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

/* Whole years from a day (S_NO_DAY: 0) to the given date; never negative. */
static int s_years_since(int32_t day, int y, int m, int d)
{
    if (day == S_NO_DAY)
        return 0;
    int y0, m0, d0;
    time_civil_from_days(day, &y0, &m0, &d0);
    int n = time_years_between(y0, m0, d0, y, m, d);
    return n > 0 ? n : 0;
}

/* The rows of recs that have the filter's specialty, sorted, into v; and the
 * published years. live: ages on the date, else stored in the record. */
static int s_build(const gw_public_t *self, const s_rec_t *recs, size_t n, bool live, int y, int m,
                   int d, gw_public_view_t *v)
{
    s_sortable_t *kept = malloc((n ? n : 1) * sizeof *kept);
    v->years = malloc((self->nannuals ? self->nannuals : 1) * sizeof *v->years);
    if (!kept || !v->years) {
        free(kept);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const s_rec_t *r = &recs[i];
        if (v->specialty && !s_rec_has(r, v->specialty))
            continue;
        kept[k++] = (s_sortable_t){
            .row = {.name = r->blob + r->name_at,
                    .gender = r->blob + r->gender_at,
                    .age = live ? s_years_since(r->a, y, m, d) : r->a,
                    .practice_years = live ? s_years_since(r->b, y, m, d) : r->b,
                    .specialties = r->blob + r->spec_at,
                    .nspecialties = r->nspec},
            .key = s_key(r),
            .ord = i,
        };
    }
    qsort(kept, k, sizeof *kept, s_cmp_rows);
    v->rows = malloc((k ? k : 1) * sizeof *v->rows);
    if (!v->rows) {
        free(kept);
        return -1;
    }
    for (size_t i = 0; i < k; i++)
        v->rows[i] = kept[i].row;
    v->n = k;
    free(kept);
    for (size_t i = 0; i < self->nannuals; i++)
        v->years[v->nyears++] = self->annuals[i].year;
    qsort(v->years, v->nyears, sizeof *v->years, s_cmp_int);
    return 0;
}

int gw_public_view_live(gw_public_t *self, int today_y, int today_m, int today_d, int64_t now_us,
                        const char *specialty, gw_public_view_t *v)
{
    memset(v, 0, sizeof *v);
    v->center_name = self->center_name;
    v->as_of_us = now_us;
    v->specialty = specialty && specialty[0] ? specialty : NULL;
    if (!self->avail_ok || self->avail_gen != self->gen) {
        free(self->avail);
        self->avail = NULL;
        self->avail_ok = s_gather(self->members, self->n, &self->avail, &self->navail);
        self->avail_gen = self->gen;
        if (!self->avail_ok)
            return -1;
    }
    v->specialties = self->avail;
    v->nspecialties = self->navail;
    int rc = s_build(self, self->members, self->n, true, today_y, today_m, today_d, v);
    if (rc != 0)
        gw_public_view_free(v);
    return rc;
}

int gw_public_view_annual(const gw_public_t *self, int year, const char *specialty,
                          gw_public_view_t *v)
{
    memset(v, 0, sizeof *v);
    const s_annual_t *a = s_annual(self, year);
    if (!a)
        return 1;
    v->year = year;
    v->center_name = self->center_name;
    v->as_of_us = a->published_at;
    v->specialty = specialty && specialty[0] ? specialty : NULL;
    v->specialties = a->avail;
    v->nspecialties = a->navail;
    int rc = s_build(self, a->entries, a->n, false, 0, 0, 0, v);
    if (rc != 0)
        gw_public_view_free(v);
    return rc;
}

void gw_public_view_free(gw_public_view_t *v)
{
    free(v->rows);
    free(v->years);
    memset(v, 0, sizeof *v);
}

/* ---- rendering ------------------------------------------------------------------ */

/* A JSON string of valid UTF-8 (control characters escaped, though the
 * model keeps none). */
static void s_add_jstr(s_buf_t *b, const char *s)
{
    s_add(b, "\"", 1);
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            s_add(b, e, 2);
        } else if (c < 0x20) {
            s_addf(b, "\\u%04x", c);
        } else {
            s_add(b, p, 1);
        }
    }
    s_add(b, "\"", 1);
}

char *gw_public_render_json(const gw_public_view_t *v, int offset_min)
{
    char as_of[40];
    time_format_rfc3339(v->as_of_us, offset_min, as_of, sizeof as_of);
    s_buf_t b = {0};
    if (v->year)
        s_addf(&b, "{\"year\":%d,\"as_of\":", v->year);
    else
        s_adds(&b, "{\"year\":null,\"as_of\":");
    s_add_jstr(&b, as_of);
    s_adds(&b, ",\"specialty\":");
    char *filter = v->specialty ? gw_public_clean(v->specialty, GW_PUBLIC_SPECIALTY_MAX) : NULL;
    if (v->specialty && !filter)
        b.oom = true;
    if (filter)
        s_add_jstr(&b, filter);
    else
        s_adds(&b, "null");
    free(filter);
    s_addf(&b, ",\"count\":%zu,\"members\":[", v->n);
    for (size_t i = 0; i < v->n; i++) {
        const gw_public_row_t *r = &v->rows[i];
        s_adds(&b, i ? ",{\"name\":" : "{\"name\":");
        s_add_jstr(&b, r->name);
        s_adds(&b, ",\"gender\":");
        s_add_jstr(&b, r->gender);
        s_addf(&b, ",\"age\":%d,\"practice_years\":%d,\"specialties\":[", r->age,
               r->practice_years);
        const char *sp = r->specialties;
        for (size_t k = 0; k < r->nspecialties; k++, sp = gw_public_next(sp)) {
            if (k)
                s_add(&b, ",", 1);
            s_add_jstr(&b, sp);
        }
        s_adds(&b, "]}");
    }
    s_adds(&b, "],\"available_specialties\":[");
    for (size_t i = 0; i < v->nspecialties; i++) {
        if (i)
            s_add(&b, ",", 1);
        s_add_jstr(&b, v->specialties[i]);
    }
    s_adds(&b, "],\"published_years\":[");
    for (size_t i = 0; i < v->nyears; i++)
        s_addf(&b, i ? ",%d" : "%d", v->years[i]);
    s_adds(&b, "]}\n");
    return s_take(&b);
}

/* "2026年5月20日" (with " 10:05" if with_time) of an instant in local time. */
static void s_date_zh(int64_t us, int offset_min, bool with_time, char *buf, size_t len)
{
    int y, m, d, minute;
    time_local(us, offset_min, &y, &m, &d, &minute);
    if (with_time)
        snprintf(buf, len, "%d年%d月%d日 %02d:%02d", y, m, d, minute / 60, minute % 60);
    else
        snprintf(buf, len, "%d年%d月%d日", y, m, d);
}

/* A link to the page with these parameters (relative, so that the page
 * works behind a proxy that adds a path prefix). */
static void s_add_link(s_buf_t *b, const char *specialty, int year, bool on, const char *label)
{
    s_adds(b, "<a href=\"case-pool");
    const char *sep = "?";
    if (specialty) {
        s_adds(b, "?specialty=");
        s_add_urlenc(b, specialty);
        sep = "&amp;";
    }
    if (year)
        s_addf(b, "%syear=%d", sep, year);
    s_adds(b, on ? "\" class=\"on\" aria-current=\"page\">" : "\">");
    s_add_escaped(b, label);
    s_adds(b, "</a>");
}

char *gw_public_render_html(const gw_public_view_t *v, int offset_min)
{
    s_buf_t title = {0}, meta = {0}, filters = {0}, list = {0}, years = {0}, page = {0};
    char date[64];
    if (v->center_name) {
        char *esc = gw_public_html_escape(v->center_name);
        if (esc)
            s_adds(&title, esc);
        free(esc);
    }
    if (v->year)
        s_addf(&title, s_zh.title_annual, v->year);
    else
        s_adds(&title, s_zh.title_live);

    s_date_zh(v->as_of_us, offset_min, v->year == 0, date, sizeof date);
    if (v->specialty) {
        char *esc = gw_public_html_escape(v->specialty);
        if (esc)
            s_addf(&meta, s_zh.meta_filter, esc);
        else
            meta.oom = true;
        free(esc);
    }
    s_addf(&meta, v->year ? s_zh.meta_annual : s_zh.meta_live, date, v->n);

    s_add_link(&filters, NULL, v->year, v->specialty == NULL, s_zh.all);
    for (size_t i = 0; i < v->nspecialties; i++) {
        s_adds(&filters, "\n");
        s_add_link(&filters, v->specialties[i], v->year,
                   v->specialty && strcmp(v->specialty, v->specialties[i]) == 0, v->specialties[i]);
    }

    if (v->n == 0) {
        s_addf(&list, "<p>%s</p>\n", v->specialty ? s_zh.none_filtered : s_zh.none);
    } else {
        s_addf(&list,
               "<table>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "</tr></thead>\n<tbody>\n",
               s_zh.col_name, s_zh.col_gender, s_zh.col_age, s_zh.col_years, s_zh.col_specialties);
        for (size_t i = 0; i < v->n; i++) {
            const gw_public_row_t *r = &v->rows[i];
            s_adds(&list, "<tr><td class=\"n\">");
            s_add_escaped(&list, r->name);
            s_adds(&list, "</td><td class=\"n\">");
            s_add_escaped(&list, r->gender);
            s_addf(&list, "</td><td class=\"num\">%d</td><td class=\"num\">%d</td><td>", r->age,
                   r->practice_years);
            const char *sp = r->specialties;
            for (size_t k = 0; k < r->nspecialties; k++, sp = gw_public_next(sp)) {
                if (k)
                    s_adds(&list, s_zh.list_sep);
                s_add_escaped(&list, sp);
            }
            s_adds(&list, "</td></tr>\n");
        }
        s_adds(&list, "</tbody>\n</table>\n");
    }

    if (v->nyears > 0) {
        s_addf(&years, "<p class=\"years\">%s", s_zh.years_label);
        for (size_t i = 0; i < v->nyears; i++) {
            char label[32];
            snprintf(label, sizeof label, s_zh.year_link, v->years[i]);
            s_adds(&years, "\n");
            s_add_link(&years, NULL, v->years[i], v->years[i] == v->year, label);
        }
        s_adds(&years, "\n");
        s_add_link(&years, NULL, 0, v->year == 0, s_zh.live_link);
        s_adds(&years, "</p>\n");
    }

    bool oom = title.oom || meta.oom || filters.oom || list.oom || years.oom;
    if (!oom) {
        const char *vars[] = {"title",
                              title.s ? title.s : "",
                              "meta",
                              meta.s ? meta.s : "",
                              "note",
                              s_zh.note,
                              "filter_label",
                              s_zh.filter_label,
                              "filters",
                              filters.s ? filters.s : "",
                              "list",
                              list.s ? list.s : "",
                              "years",
                              years.s ? years.s : "",
                              NULL};
        s_fill(&page, s_page, vars);
    }
    free(title.s);
    free(meta.s);
    free(filters.s);
    free(list.s);
    free(years.s);
    if (oom) {
        free(page.s);
        return NULL;
    }
    return s_take(&page);
}

/* ---- answers, and the cache of recent ones ------------------------------------- */

static bool s_cache_fresh(const gw_public_t *self, const s_cached_t *c, int64_t day, int64_t now_us)
{
    return c->used && c->gen == self->gen && c->day == day && now_us >= c->made_us &&
           now_us - c->made_us < GW_PUBLIC_CACHE_S * TIME_US_PER_SEC;
}

int gw_public_answer(gw_public_t *self, const gw_public_query_t *q, bool html, int today_y,
                     int today_m, int today_d, int64_t now_us, int offset_min, const char **body,
                     size_t *len)
{
    int64_t day = time_days_from_civil(today_y, today_m, today_d);
    s_cached_t *victim = &self->cache[0];
    for (size_t i = 0; i < GW_PUBLIC_CACHE_SLOTS; i++) {
        s_cached_t *c = &self->cache[i];
        if (s_cache_fresh(self, c, day, now_us) && c->html == html && c->year == q->year &&
            strcmp(c->specialty, q->specialty) == 0) {
            *body = c->body;
            *len = c->len;
            return 0;
        }
        if (c->used && !s_cache_fresh(self, c, day, now_us))
            s_cache_drop(self, c);
        if (!c->used || (victim->used && c->made_us < victim->made_us))
            victim = c;
    }
    gw_public_view_t v;
    int rc = q->year
                 ? gw_public_view_annual(self, q->year, q->specialty, &v)
                 : gw_public_view_live(self, today_y, today_m, today_d, now_us, q->specialty, &v);
    if (rc != 0)
        return rc;
    char *text =
        html ? gw_public_render_html(&v, offset_min) : gw_public_render_json(&v, offset_min);
    gw_public_view_free(&v);
    if (!text)
        return -1;
    size_t n = strlen(text);
    free(self->scratch);
    self->scratch = NULL;
    if (n > GW_PUBLIC_CACHE_BYTES) {
        self->scratch = text; /* too big to keep beside the others */
    } else {
        /* make room: the chosen slot, then the oldest others */
        s_cache_drop(self, victim);
        while (self->cache_bytes + n > GW_PUBLIC_CACHE_BYTES) {
            s_cached_t *old = NULL;
            for (size_t i = 0; i < GW_PUBLIC_CACHE_SLOTS; i++)
                if (self->cache[i].used && (!old || self->cache[i].made_us < old->made_us))
                    old = &self->cache[i];
            s_cache_drop(self, old);
        }
        *victim = (s_cached_t){.used = true,
                               .html = html,
                               .year = q->year,
                               .day = day,
                               .made_us = now_us,
                               .gen = self->gen,
                               .body = text,
                               .len = n};
        memcpy(victim->specialty, q->specialty, sizeof victim->specialty);
        self->cache_bytes += n;
    }
    *body = text;
    *len = n;
    return 0;
}
