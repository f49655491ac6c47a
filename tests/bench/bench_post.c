/* bench_post — load generator for gatewayd's POST /v1/hotline/sessions.
 *
 *   bench_post licences M
 *       Prints the M licence numbers the generator uses, one a line (the run
 *       script builds the roster CSV from them, so both sides agree).
 *
 *   bench_post ingest --url URL --secret S --lawyers M --records N
 *                     [--conns K] [--batch B] [--first-shift F]
 *                     [--dsn DSN --stats-cmd CMD] [--timeout SEC]
 *       Full speed: K keep-alive connections, each posting the next signed
 *       JSON array of B records as soon as its previous answer is back.
 *       With --dsn and --stats-cmd it then waits (polling every 10 ms) until
 *       score.ledger holds every shift and a standings recompute covering
 *       all of them has committed, and reports the end-to-end time.
 *
 *   bench_post paced --url URL --secret S --lawyers M --rate R --seconds T
 *                    [--batch b] [--conns K] [--first-shift F]
 *       Open loop: one array of b records every b/R seconds, sent on any
 *       idle connection of K (a late request is sent as soon as one frees).
 *
 * Records (deterministic): shift j (j = F, F+1, ...) belongs to lawyer
 * j % M and is that lawyer's k-th shift, k = j / M; it is a sign_in and a
 * sign_out 2 h apart, at 08:00, 11:00, 14:00, 17:00 or 20:00 local time
 * (+08:00) on a day of the current quarter up to today. A lawyer's shifts
 * fall on distinct days while there are enough days, and never overlap.
 * Ids: "<prefix><j>i" and "<prefix><j>o".
 *
 * Every answer must be 207 with every record "accepted" (code 202, its own
 * id, in order); anything else is counted as a failure and makes the exit
 * status 1. Results are one JSON object on stdout; diagnostics on stderr. */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <getopt.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define OFFSET_MIN 480 /* the center's offset from UTC (+08:00) */
#define SLOTS 5        /* shift start hours per day: 8, 11, 14, 17, 20 */
#define SHIFT_HOURS 2
#define PATH "/v1/hotline/sessions"
#define MAX_ERRORS_SHOWN 5

/* ---- small helpers ---------------------------------------------------------------------- */

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *s_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "bench_post: out of memory\n");
        exit(2);
    }
    return p;
}

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant). */
static int64_t s_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void s_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static void s_licence(long idx, char *out, size_t len)
{
    /* 17 digits: 1 3303 2010 + 8 digits */
    snprintf(out, len, "133032010%08ld", idx);
}

/* ---- the records ------------------------------------------------------------------------ */

typedef struct {
    long lawyers;
    const char *prefix;
    int64_t first_day; /* days since epoch (local) of the quarter's first day */
    long ndays;        /* days usable: quarter start .. today (local) */
} gen_t;

static void s_gen_init(gen_t *g, long lawyers, const char *prefix)
{
    g->lawyers = lawyers;
    g->prefix = prefix;
    time_t now = time(NULL);
    int64_t local_days = ((int64_t)now + OFFSET_MIN * 60) / 86400;
    int y, m, d;
    s_civil_from_days(local_days, &y, &m, &d);
    int qm = ((m - 1) / 3) * 3 + 1;
    g->first_day = s_days_from_civil(y, qm, 1);
    g->ndays = (long)(local_days - g->first_day + 1);
}

/* Appends the two records of shift j to buf (with a leading comma unless first). */
static size_t s_shift_json(const gen_t *g, long j, char *buf, size_t cap, bool first)
{
    long lawyer = j % g->lawyers, k = j / g->lawyers;
    long period = g->ndays * SLOTS;
    long s = (k + lawyer * 7) % period;
    long day = s % g->ndays, slot = s / g->ndays;
    int y, m, d;
    s_civil_from_days(g->first_day + day, &y, &m, &d);
    int h0 = 8 + 3 * (int)slot, h1 = h0 + SHIFT_HOURS;
    char lic[32];
    s_licence(lawyer, lic, sizeof lic);
    int n =
        snprintf(buf, cap,
                 "%s{\"id\":\"%s%ldi\",\"lawyer\":\"%s\",\"event\":\"sign_in\","
                 "\"at\":\"%04d-%02d-%02dT%02d:00:00+08:00\"},"
                 "{\"id\":\"%s%ldo\",\"lawyer\":\"%s\",\"event\":\"sign_out\","
                 "\"at\":\"%04d-%02d-%02dT%02d:00:00+08:00\"}",
                 first ? "" : ",", g->prefix, j, lic, y, m, d, h0, g->prefix, j, lic, y, m, d, h1);
    if (n < 0 || (size_t)n >= cap) {
        fprintf(stderr, "bench_post: record buffer too small\n");
        exit(2);
    }
    return (size_t)n;
}

/* One request: a JSON array of nrec records (shifts first_shift ..). */
typedef struct {
    char *body;
    size_t len;
    long first_shift;
    int nrec;
} chunk_t;

/* Builds the chunks for shifts [first, first + nshifts), b records per array
 * (b even: a shift's two records travel together). */
static chunk_t *s_build_chunks(const gen_t *g, long first, long nshifts, int b, size_t *nchunks)
{
    long per = b / 2;
    size_t n = (size_t)((nshifts + per - 1) / per);
    chunk_t *c = s_xmalloc(n * sizeof *c);
    size_t cap = (size_t)per * 400 + 16;
    for (size_t i = 0; i < n; i++) {
        long s0 = first + (long)i * per;
        long cnt = first + nshifts - s0 < per ? first + nshifts - s0 : per;
        char *buf = s_xmalloc(cap);
        size_t len = 0;
        buf[len++] = '[';
        for (long s = 0; s < cnt; s++)
            len += s_shift_json(g, s0 + s, buf + len, cap - len - 2, s == 0);
        buf[len++] = ']';
        buf[len] = '\0';
        c[i] = (chunk_t){buf, len, s0, (int)(cnt * 2)};
    }
    *nchunks = n;
    return c;
}

/* ---- checking an answer ----------------------------------------------------------------- */

/* Checks a 207 body: a JSON array of exactly c->nrec objects, each with
 * "status":"accepted", "code":202 and the id of its record, in order.
 * Returns the number of records accepted; the first problem goes to why. */
static int s_check_answer(const gen_t *g, const chunk_t *c, const char *p, size_t len, char *why,
                          size_t whylen)
{
    int accepted = 0, idx = 0;
    size_t i = 0;
    while (i < len && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
        i++;
    if (i >= len || p[i] != '[') {
        snprintf(why, whylen, "answer is not a JSON array");
        return 0;
    }
    i++;
    bool in_str = false, esc = false;
    int depth = 0;
    size_t start = 0;
    for (; i < len; i++) {
        char ch = p[i];
        if (in_str) {
            if (esc)
                esc = false;
            else if (ch == '\\')
                esc = true;
            else if (ch == '"')
                in_str = false;
            continue;
        }
        if (ch == '"') {
            in_str = true;
        } else if (ch == '{') {
            if (depth++ == 0)
                start = i;
        } else if (ch == '}') {
            if (--depth == 0) {
                const char *el = p + start;
                size_t el_len = i + 1 - start;
                char id[96];
                long j = c->first_shift + idx / 2;
                snprintf(id, sizeof id, "\"id\":\"%s%ld%c\"", g->prefix, j,
                         idx % 2 == 0 ? 'i' : 'o');
                bool ok = memmem(el, el_len, "\"status\":\"accepted\"", 19) &&
                          memmem(el, el_len, "\"code\":202", 10) &&
                          memmem(el, el_len, id, strlen(id));
                if (ok)
                    accepted++;
                else if (!why[0])
                    snprintf(why, whylen, "record %d: %.*s", idx,
                             (int)(el_len < 300 ? el_len : 300), el);
                idx++;
            }
        } else if (ch == ']' && depth == 0) {
            break;
        }
    }
    if (idx != c->nrec && !why[0])
        snprintf(why, whylen, "%d answers for %d records", idx, c->nrec);
    return idx == c->nrec ? accepted : 0;
}

/* ---- the HTTP client -------------------------------------------------------------------- */

typedef struct bench bench_t;

typedef struct {
    bench_t *b;
    struct evhttp_connection *evcon;
    bool busy;
    size_t chunk; /* in flight */
    double sent_at;
} conn_t;

struct bench {
    struct event_base *base;
    gen_t gen;
    const char *host;
    int port;
    const char *secret;
    chunk_t *chunks;
    size_t nchunks, next, done;
    conn_t *conns;
    int nconns;
    /* results */
    long records_sent, records_accepted, requests_ok, requests_failed, http_429;
    int errors_shown;
    double *lat; /* per request, seconds */
    double t_first, t_last;
    /* paced mode */
    bool paced;
    double interval, t0;
    size_t due; /* chunks whose time has come */
    struct event *ev_tick;
    double max_late;
};

static void s_send(conn_t *c, size_t chunk);

static void s_pump(bench_t *b)
{
    for (int i = 0; i < b->nconns && b->next < b->nchunks; i++) {
        if (b->conns[i].busy)
            continue;
        if (b->paced && b->next >= b->due)
            return;
        if (b->paced) {
            double late = s_now() - (b->t0 + (double)b->next * b->interval);
            if (late > b->max_late)
                b->max_late = late;
        }
        s_send(&b->conns[i], b->next++);
    }
}

static void s_on_answer(struct evhttp_request *req, void *arg)
{
    conn_t *c = arg;
    bench_t *b = c->b;
    double now = s_now();
    const chunk_t *ch = &b->chunks[c->chunk];
    b->lat[c->chunk] = now - c->sent_at;
    b->t_last = now;
    c->busy = false;
    b->done++;
    int code = req ? evhttp_request_get_response_code(req) : 0;
    char why[400] = "";
    int accepted = 0;
    if (code == 207) {
        struct evbuffer *in = evhttp_request_get_input_buffer(req);
        size_t len = evbuffer_get_length(in);
        const char *body = (const char *)evbuffer_pullup(in, (ev_ssize_t)len);
        accepted = s_check_answer(&b->gen, ch, body ? body : "", body ? len : 0, why, sizeof why);
    } else if (req) {
        if (code == 429)
            b->http_429++;
        struct evbuffer *in = evhttp_request_get_input_buffer(req);
        size_t len = evbuffer_get_length(in);
        const char *body = (const char *)evbuffer_pullup(in, (ev_ssize_t)len);
        snprintf(why, sizeof why, "HTTP %d: %.*s", code, (int)(len < 300 ? len : 300),
                 body ? body : "");
    } else {
        snprintf(why, sizeof why, "no answer (connection failed or timed out)");
    }
    b->records_accepted += accepted;
    if (accepted == ch->nrec) {
        b->requests_ok++;
    } else {
        b->requests_failed++;
        if (b->errors_shown++ < MAX_ERRORS_SHOWN)
            fprintf(stderr, "bench_post: request %zu: %s\n", c->chunk, why);
    }
    if (b->done == b->nchunks) {
        event_base_loopexit(b->base, NULL);
        return;
    }
    s_pump(b);
}

static void s_send(conn_t *c, size_t chunk)
{
    bench_t *b = c->b;
    const chunk_t *ch = &b->chunks[chunk];
    char ts[24];
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    /* HMAC-SHA256(secret, "<ts>.<body>"), lowercase hex */
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    size_t tlen = strlen(ts);
    size_t msglen = tlen + 1 + ch->len;
    char *msg = s_xmalloc(msglen);
    memcpy(msg, ts, tlen);
    msg[tlen] = '.';
    memcpy(msg + tlen + 1, ch->body, ch->len);
    if (!HMAC(EVP_sha256(), b->secret, (int)strlen(b->secret), (const unsigned char *)msg, msglen,
              mac, &maclen)) {
        fprintf(stderr, "bench_post: HMAC failed\n");
        exit(2);
    }
    free(msg);
    char sig[2 * EVP_MAX_MD_SIZE + 1];
    for (unsigned int i = 0; i < maclen; i++)
        snprintf(sig + 2 * i, 3, "%02x", mac[i]);
    char clen[24];
    snprintf(clen, sizeof clen, "%zu", ch->len);

    struct evhttp_request *req = evhttp_request_new(s_on_answer, c);
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Host", b->host);
    evhttp_add_header(h, "Content-Type", "application/json");
    evhttp_add_header(h, "Content-Length", clen);
    evhttp_add_header(h, "X-Fayuan-Timestamp", ts);
    evhttp_add_header(h, "X-Fayuan-Signature", sig);
    evbuffer_add_reference(evhttp_request_get_output_buffer(req), ch->body, ch->len, NULL, NULL);
    c->busy = true;
    c->chunk = chunk;
    c->sent_at = s_now();
    if (b->t_first == 0)
        b->t_first = c->sent_at;
    b->records_sent += ch->nrec;
    if (evhttp_make_request(c->evcon, req, EVHTTP_REQ_POST, PATH) != 0) {
        fprintf(stderr, "bench_post: cannot send request %zu\n", chunk);
        exit(2);
    }
}

static void s_on_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    bench_t *b = arg;
    double now = s_now();
    size_t due = (size_t)((now - b->t0) / b->interval) + 1;
    b->due = due < b->nchunks ? due : b->nchunks;
    s_pump(b);
    if (b->due < b->nchunks) {
        double next = b->t0 + (double)b->due * b->interval - s_now();
        if (next < 0)
            next = 0;
        struct timeval tv = {(time_t)next, (suseconds_t)((next - (double)(time_t)next) * 1e6)};
        evtimer_add(b->ev_tick, &tv);
    }
}

static int s_parse_url(const char *url, char *host, size_t hostlen, int *port)
{
    const char *p = strncmp(url, "http://", 7) == 0 ? url + 7 : url;
    const char *colon = strchr(p, ':');
    if (!colon || (size_t)(colon - p) >= hostlen)
        return -1;
    memcpy(host, p, (size_t)(colon - p));
    host[colon - p] = '\0';
    *port = atoi(colon + 1);
    return *port > 0 ? 0 : -1;
}

static int s_cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static double s_pct(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return 0;
    size_t i = (size_t)((double)n * p);
    return sorted[i < n ? i : n - 1];
}

/* Runs the client over b->chunks; returns when every request is answered. */
static void s_run(bench_t *b)
{
    b->base = event_base_new();
    b->lat = calloc(b->nchunks + 1, sizeof *b->lat);
    b->conns = calloc((size_t)b->nconns, sizeof *b->conns);
    for (int i = 0; i < b->nconns; i++) {
        conn_t *c = &b->conns[i];
        c->b = b;
        c->evcon = evhttp_connection_base_new(b->base, NULL, b->host, (ev_uint16_t)b->port);
        if (!c->evcon) {
            fprintf(stderr, "bench_post: cannot create a connection\n");
            exit(2);
        }
        evhttp_connection_set_timeout(c->evcon, 120);
        evhttp_connection_set_retries(c->evcon, 0);
    }
    if (b->nchunks == 0)
        return;
    if (b->paced) {
        b->ev_tick = evtimer_new(b->base, s_on_tick, b);
        b->t0 = s_now();
        s_on_tick(-1, 0, b);
    } else {
        s_pump(b);
    }
    event_base_dispatch(b->base);
    if (b->ev_tick)
        event_free(b->ev_tick);
    for (int i = 0; i < b->nconns; i++)
        evhttp_connection_free(b->conns[i].evcon);
    event_base_free(b->base);
}

/* ---- waiting for the pipeline (ingest) --------------------------------------------------- */

static PGresult *s_query(PGconn *pg, const char *sql)
{
    PGresult *r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "bench_post: query failed: %s", PQerrorMessage(pg));
        PQclear(r);
        return NULL;
    }
    return r;
}

static bool s_json_int(const char *text, const char *key, long long *out)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(text, pat);
    if (!p)
        return false;
    *out = strtoll(p + strlen(pat), NULL, 10);
    return true;
}

/* Runs the stats command; fills samples/applied/recomputes. */
static bool s_stats(const char *cmd, long long *samples, long long *applied, long long *recomputes)
{
    FILE *f = popen(cmd, "r");
    if (!f)
        return false;
    char buf[2048];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    int rc = pclose(f);
    return rc == 0 && s_json_int(buf, "ripple_samples", samples) &&
           s_json_int(buf, "events_applied", applied) && s_json_int(buf, "recomputes", recomputes);
}

static void s_sleep_until(double t)
{
    double d = t - s_now();
    if (d <= 0)
        return;
    struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

typedef struct {
    double t_ledger, t_done;
    long long ledger_rows, samples, applied, recomputes;
    int polls_sql, polls_stats;
    bool ok;
} wait_result_t;

/* Polls every 10 ms: (1) cheaply, until every consumer on the path has
 * applied its producer's whole outbox, then count(*) of score.ledger until it
 * holds `expect` rows; (2) scored's stats until every applied shift is
 * covered by a committed recompute (ripple_samples == events_applied, both
 * counted since scored started). */
static wait_result_t s_wait_pipeline(const char *dsn, const char *stats_cmd, long long expect,
                                     long long applied_before, double t_start, double timeout)
{
    wait_result_t w = {0};
    PGconn *pg = PQconnectdb(dsn);
    if (PQstatus(pg) != CONNECTION_OK) {
        fprintf(stderr, "bench_post: cannot connect: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return w;
    }
    const char *drained_sql =
        "SELECT (SELECT last_seq FROM roster.inbox WHERE producer = 'gateway') >= "
        "       (SELECT seq FROM gateway.outbox_head) "
        "   AND (SELECT last_seq FROM score.inbox WHERE producer = 'roster') >= "
        "       (SELECT seq FROM roster.outbox_head)";
    double deadline = t_start + timeout, t = s_now();
    while (w.t_ledger == 0) {
        if (s_now() > deadline)
            goto out;
        PGresult *r = s_query(pg, drained_sql);
        w.polls_sql++;
        bool drained = r && PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
        PQclear(r);
        if (drained) {
            r = s_query(pg, "SELECT count(*) FROM score.ledger");
            w.polls_sql++;
            if (r && PQntuples(r) == 1)
                w.ledger_rows = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
            PQclear(r);
            if (w.ledger_rows >= expect)
                w.t_ledger = s_now();
        }
        t += 0.010;
        s_sleep_until(t);
    }
    while (w.t_done == 0) {
        if (s_now() > deadline)
            goto out;
        w.polls_stats++;
        if (s_stats(stats_cmd, &w.samples, &w.applied, &w.recomputes) &&
            w.applied - applied_before >= expect && w.samples >= w.applied)
            w.t_done = s_now();
        t = s_now() + 0.010;
        s_sleep_until(t);
    }
    w.ok = true;
out:
    PQfinish(pg);
    return w;
}

/* ---- main ------------------------------------------------------------------------------- */

static void s_usage(void)
{
    fprintf(stderr,
            "usage: bench_post licences M\n"
            "       bench_post ingest --url URL --secret S --lawyers M --records N [--conns K]\n"
            "                  [--batch B] [--first-shift F] [--prefix P]\n"
            "                  [--dsn DSN --stats-cmd CMD [--applied-before A]] [--timeout SEC]\n"
            "       bench_post paced --url URL --secret S --lawyers M --rate R --seconds T\n"
            "                  [--batch b] [--conns K] [--first-shift F] [--prefix P]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        s_usage();
    const char *mode = argv[1];
    if (strcmp(mode, "licences") == 0) {
        if (argc != 3)
            s_usage();
        long m = atol(argv[2]);
        char lic[32];
        for (long i = 0; i < m; i++) {
            s_licence(i, lic, sizeof lic);
            puts(lic);
        }
        return 0;
    }
    bool paced = strcmp(mode, "paced") == 0;
    if (!paced && strcmp(mode, "ingest") != 0)
        s_usage();
    const char *url = NULL, *secret = NULL, *dsn = NULL, *stats_cmd = NULL, *prefix = "b";
    long lawyers = 0, records = 0, first_shift = 0;
    long long applied_before = 0;
    int conns = paced ? 4 : 8, batch = paced ? 10 : 1000;
    double rate = 1000, seconds = 20, timeout = 300;
    static const struct option opts[] = {{"url", required_argument, NULL, 'u'},
                                         {"secret", required_argument, NULL, 's'},
                                         {"lawyers", required_argument, NULL, 'm'},
                                         {"records", required_argument, NULL, 'n'},
                                         {"conns", required_argument, NULL, 'k'},
                                         {"batch", required_argument, NULL, 'b'},
                                         {"first-shift", required_argument, NULL, 'f'},
                                         {"prefix", required_argument, NULL, 'p'},
                                         {"dsn", required_argument, NULL, 'd'},
                                         {"stats-cmd", required_argument, NULL, 'c'},
                                         {"applied-before", required_argument, NULL, 'a'},
                                         {"timeout", required_argument, NULL, 't'},
                                         {"rate", required_argument, NULL, 'r'},
                                         {"seconds", required_argument, NULL, 'S'},
                                         {NULL, 0, NULL, 0}};
    int opt;
    optind = 2;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'u':
            url = optarg;
            break;
        case 's':
            secret = optarg;
            break;
        case 'm':
            lawyers = atol(optarg);
            break;
        case 'n':
            records = atol(optarg);
            break;
        case 'k':
            conns = atoi(optarg);
            break;
        case 'b':
            batch = atoi(optarg);
            break;
        case 'f':
            first_shift = atol(optarg);
            break;
        case 'p':
            prefix = optarg;
            break;
        case 'd':
            dsn = optarg;
            break;
        case 'c':
            stats_cmd = optarg;
            break;
        case 'a':
            applied_before = atoll(optarg);
            break;
        case 't':
            timeout = atof(optarg);
            break;
        case 'r':
            rate = atof(optarg);
            break;
        case 'S':
            seconds = atof(optarg);
            break;
        default:
            s_usage();
        }
    }
    if (!url || !secret || lawyers <= 0 || conns <= 0 || batch < 2 || batch % 2 != 0 ||
        batch > 1000 || (!paced && records <= 0) || (paced && (rate <= 0 || seconds <= 0)) ||
        (dsn && !stats_cmd)) {
        fprintf(stderr, "bench_post: bad arguments (batch must be even, 2..1000)\n");
        s_usage();
    }
    if (paced)
        records = (long)(rate * seconds);
    if (records % 2 != 0)
        records++;
    long nshifts = records / 2;

    bench_t b = {0};
    char host[256];
    if (s_parse_url(url, host, sizeof host, &b.port) != 0) {
        fprintf(stderr, "bench_post: cannot parse url %s\n", url);
        return 2;
    }
    b.host = host;
    b.secret = secret;
    b.nconns = conns;
    b.paced = paced;
    s_gen_init(&b.gen, lawyers, prefix);
    long per_lawyer = (first_shift + nshifts + lawyers - 1) / lawyers;
    if (per_lawyer > b.gen.ndays * SLOTS) {
        fprintf(stderr,
                "bench_post: %ld shifts per lawyer do not fit in the %ld days of this quarter "
                "so far; use more lawyers\n",
                per_lawyer, b.gen.ndays);
        return 2;
    }
    /* The bodies are built before the clock starts, as a backlog would be;
     * signing happens per request, at send time. */
    b.chunks = s_build_chunks(&b.gen, first_shift, nshifts, batch, &b.nchunks);
    if (paced)
        b.interval = (double)batch / rate;

    s_run(&b);
    double http_s = b.t_last - b.t_first;

    double *sorted = s_xmalloc((b.nchunks + 1) * sizeof *sorted);
    memcpy(sorted, b.lat, b.nchunks * sizeof *sorted);
    qsort(sorted, b.nchunks, sizeof *sorted, s_cmp_double);
    bool all_ok = b.records_accepted == records && b.requests_failed == 0;

    printf("{\"mode\":\"%s\",\"records\":%ld,\"shifts\":%ld,\"lawyers\":%ld,\"conns\":%d,"
           "\"batch\":%d,\"requests\":%zu,\"requests_ok\":%ld,\"requests_failed\":%ld,"
           "\"http_429\":%ld,\"records_accepted\":%ld,\"all_accepted\":%s,"
           "\"days_used\":%ld,\"http_seconds\":%.4f,\"http_records_per_s\":%.1f,"
           "\"req_p50_ms\":%.3f,\"req_p99_ms\":%.3f,\"req_max_ms\":%.3f",
           mode, records, nshifts, lawyers, conns, batch, b.nchunks, b.requests_ok,
           b.requests_failed, b.http_429, b.records_accepted, all_ok ? "true" : "false",
           b.gen.ndays, http_s, http_s > 0 ? (double)records / http_s : 0.0,
           s_pct(sorted, b.nchunks, 0.5) * 1e3, s_pct(sorted, b.nchunks, 0.99) * 1e3,
           b.nchunks ? sorted[b.nchunks - 1] * 1e3 : 0.0);
    /* CLOCK_MONOTONIC instants, so the caller can line up its own samples. */
    printf(",\"mono_first\":%.4f,\"mono_http_end\":%.4f", b.t_first, b.t_last);
    if (paced)
        printf(",\"rate_target\":%.1f,\"rate_achieved\":%.1f,\"max_send_late_ms\":%.3f", rate,
               http_s > 0 ? (double)records / http_s : 0.0, b.max_late * 1e3);
    int rc = all_ok ? 0 : 1;
    if (!paced && dsn) {
        wait_result_t w =
            s_wait_pipeline(dsn, stats_cmd, nshifts, applied_before, b.t_first, timeout);
        double e2e = (w.t_done > 0 ? w.t_done : s_now()) - b.t_first;
        printf(",\"pipeline_ok\":%s,\"ledger_rows\":%lld,\"ledger_seconds\":%.4f,"
               "\"e2e_seconds\":%.4f,\"e2e_records_per_s\":%.1f,\"score_events_applied\":%lld,"
               "\"score_ripple_samples\":%lld,\"score_recomputes\":%lld,\"polls_sql\":%d,"
               "\"polls_stats\":%d",
               w.ok ? "true" : "false", w.ledger_rows,
               w.t_ledger > 0 ? w.t_ledger - b.t_first : -1.0, e2e,
               w.ok ? (double)records / e2e : 0.0, w.applied, w.samples, w.recomputes, w.polls_sql,
               w.polls_stats);
        printf(",\"mono_ledger\":%.4f,\"mono_done\":%.4f", w.t_ledger, w.t_done);
        if (!w.ok) {
            fprintf(stderr,
                    "bench_post: the pipeline did not finish within %.0f s (ledger %lld "
                    "of %ld rows)\n",
                    timeout, w.ledger_rows, nshifts);
            rc = 1;
        }
    }
    printf("}\n");
    if (!all_ok)
        fprintf(stderr, "bench_post: NOT ALL RECORDS ACCEPTED: %ld of %ld (%ld failed requests)\n",
                b.records_accepted, records, b.requests_failed);
    for (size_t i = 0; i < b.nchunks; i++)
        free(b.chunks[i].body);
    free(b.chunks);
    free(sorted);
    free(b.lat);
    free(b.conns);
    return rc;
}
