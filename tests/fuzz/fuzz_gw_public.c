/*fuzz-sources: services/gateway/gw_public.c services/gateway/gw_feed.c services/common/timeutil.c
 * services/common/pgarr.c*/
/* libFuzzer target for gw_public, the public case-pool list: the first byte
 * chooses what the rest is —
 *   0: a request's query string (gw_public_query_parse);
 *   1: a CasePoolPublished payload, into an annual list, viewed and rendered;
 *   2: a LawyerChanged payload, into the live list, viewed and rendered.
 * Checks the promises: an accepted query keeps the rules of its values, a
 * refused one names the parameter; every rendering is valid (JSON parses;
 * the page has no raw markup from the data); nothing crashes, leaks or reads
 * past the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The Makefile's fuzz rule passes -Iinclude only. */
#include "../../services/gateway/gw_public.h"

/* 2026-05-20T02:00:00Z */
#define S_NOW_US (INT64_C(1779242400) * INT64_C(1000000))

static void s_query(const uint8_t *data, size_t size)
{
    char *q = malloc(size + 1);
    memcpy(q, data, size);
    q[size] = '\0';
    gw_public_query_t out;
    gw_error_t err;
    if (gw_public_query_parse(q, &out, &err) == 0) {
        size_t n = strlen(out.specialty);
        if (n > GW_PUBLIC_SPECIALTY_MAX)
            abort();
        char *c = gw_public_clean(out.specialty, GW_PUBLIC_SPECIALTY_MAX);
        if (!c || strcmp(c, out.specialty) != 0) /* valid, printable UTF-8 already */
            abort();
        free(c);
        if (out.year != 0 && (out.year < 1000 || out.year > 9999))
            abort();
    } else if (err.status != 400 ||
               (strcmp(err.field, "specialty") != 0 && strcmp(err.field, "year") != 0)) {
        abort();
    }
    free(q);
}

/* Renders a view both ways and checks them. */
static void s_render(const gw_public_view_t *v)
{
    char *text = gw_public_render_json(v, 480);
    if (!text)
        abort();
    json_t *root = json_loads(text, 0, NULL);
    if (!json_is_object(root) ||
        json_integer_value(json_object_get(root, "count")) != (json_int_t)v->n)
        abort();
    json_decref(root);
    free(text);
    char *page = gw_public_render_html(v, 480);
    if (!page)
        abort();
    /* The only tags are the page's own: nothing from the data opens one. */
    static const char *const tags[] = {"<!DOCTYPE html>",
                                       "<html lang=",
                                       "</html>",
                                       "<head>",
                                       "</head>",
                                       "<meta ",
                                       "<title>",
                                       "</title>",
                                       "<style>",
                                       "</style>",
                                       "<body>",
                                       "</body>",
                                       "<main>",
                                       "</main>",
                                       "<h1>",
                                       "</h1>",
                                       "<p>",
                                       "<p class=",
                                       "</p>",
                                       "<nav ",
                                       "</nav>",
                                       "<a href=",
                                       "</a>",
                                       "<table>",
                                       "</table>",
                                       "<thead>",
                                       "</thead>",
                                       "<tbody>",
                                       "</tbody>",
                                       "<tr>",
                                       "</tr>",
                                       "<th scope=",
                                       "</th>",
                                       "<td>",
                                       "<td class=",
                                       "</td>"};
    for (const char *p = strchr(page, '<'); p; p = strchr(p + 1, '<')) {
        bool ok = false;
        for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
            ok = ok || strncmp(p, tags[i], strlen(tags[i])) == 0;
        if (!ok)
            abort();
    }
    free(page);
}

static void s_annual(const uint8_t *data, size_t size)
{
    Fayuan__CasePoolPublished *ev = fayuan__case_pool_published__unpack(NULL, size, data);
    if (!ev)
        return;
    json_t *entries = gw_public_entries_json(ev);
    gw_public_t *pub = gw_public_new();
    if (!entries || !pub)
        abort();
    int year = ev->year > 0 ? ev->year : 2026;
    if (gw_public_put_annual(pub, year, ev->published_at, entries) != 0)
        abort();
    gw_public_view_t v;
    /* a filter as a query would give it: cleaned */
    char *filter = ev->n_entries && ev->entries[0]->n_specialties
                       ? gw_public_clean(ev->entries[0]->specialties[0], GW_PUBLIC_SPECIALTY_MAX)
                       : NULL;
    if (gw_public_view_annual(pub, year, filter, &v) != 0 || v.n > json_array_size(entries))
        abort();
    s_render(&v);
    gw_public_view_free(&v);
    free(filter); /* borrowed by the view */
    gw_public_destroy(&pub);
    json_decref(entries);
    fayuan__case_pool_published__free_unpacked(ev, NULL);
}

static void s_live(const uint8_t *data, size_t size)
{
    Fayuan__LawyerChanged *ev = fayuan__lawyer_changed__unpack(NULL, size, data);
    if (!ev)
        return;
    gw_public_t *pub = gw_public_new();
    gw_member_t m;
    if (!pub || gw_member_from_event(ev, &m) != 0)
        abort();
    char *filter = m.nspecialties ? strdup(m.specialties[0]) : NULL;
    char *key = strdup(m.key);
    if (gw_public_put_member(pub, &m) != 0)
        abort();
    gw_member_clear(&m);
    gw_public_view_t v;
    if (gw_public_view_live(pub, 2026, 5, 20, S_NOW_US, filter, &v) != 0 || v.n != 1)
        abort();
    s_render(&v);
    gw_public_view_free(&v);
    gw_public_remove_member(pub, key);
    if (gw_public_member_count(pub) != 0)
        abort();
    free(key);
    free(filter);
    gw_public_destroy(&pub);
    fayuan__lawyer_changed__free_unpacked(ev, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    switch (data[0] % 3) {
    case 0:
        s_query(data + 1, size - 1);
        break;
    case 1:
        s_annual(data + 1, size - 1);
        break;
    default:
        s_live(data + 1, size - 1);
        break;
    }
    return 0;
}
