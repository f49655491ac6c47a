/* ctl_util — see ctl.h. */
#include "ctl.h"

#include "fayuan/points.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *ctl_opt(const ctl_t *c, const char *name)
{
    for (size_t i = 0; i < c->nopts; i++)
        if (strcmp(c->opt_name[i], name) == 0)
            return c->opt_value[i];
    return NULL;
}

int ctl_set_opt(ctl_t *c, const char *name, const char *value)
{
    for (size_t i = 0; i < c->nopts; i++) {
        if (strcmp(c->opt_name[i], name) == 0) {
            c->opt_value[i] = value;
            return 0;
        }
    }
    if (c->nopts == CTL_MAX_OPTS) {
        fprintf(stderr, "选项过多\n");
        return -1;
    }
    c->opt_name[c->nopts] = name;
    c->opt_value[c->nopts++] = value;
    return 0;
}

static void s_uuid(char out[37])
{
    unsigned char b[16] = {0};
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, b, sizeof b) != (ssize_t)sizeof b) {
        for (size_t i = 0; i < sizeof b; i++)
            b[i] = (unsigned char)(rand() & 0xff);
    }
    if (fd >= 0)
        close(fd);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

Fayuan__CtlReply *ctl_call(ctl_t *c, const char *service, const char *command,
                           const char *const *opt_names, const void *body, size_t len)
{
    const char *endpoint = daemon_ctl_endpoint(&c->cfg, service);
    if (!endpoint) {
        fprintf(stderr, "未知服务：%s\n", service);
        return NULL;
    }
    /* the options given (as keys with '_' for '-': --birth-date is birth_date),
     * and who is asking, for the services' audit logs */
    Fayuan__CtlRequest__ArgsEntry entries[CTL_MAX_OPTS + 1], *args[CTL_MAX_OPTS + 1];
    char keys[CTL_MAX_OPTS][32];
    size_t nargs = 0;
    for (size_t i = 0; opt_names && opt_names[i] && nargs < CTL_MAX_OPTS; i++) {
        const char *v = ctl_opt(c, opt_names[i]);
        if (!v)
            continue;
        snprintf(keys[nargs], sizeof keys[nargs], "%s", opt_names[i]);
        for (char *k = keys[nargs]; *k; k++)
            if (*k == '-')
                *k = '_';
        fayuan__ctl_request__args_entry__init(&entries[nargs]);
        entries[nargs].key = keys[nargs];
        entries[nargs].value = (char *)v;
        args[nargs] = &entries[nargs];
        nargs++;
    }
    const char *actor = getenv("FAYUAN_ACTOR");
    if (!actor || !*actor)
        actor = getenv("SUDO_USER");
    if (!actor || !*actor)
        actor = getenv("USER");
    if (!actor || !*actor) {
        const struct passwd *pw = getpwuid(getuid());
        actor = pw ? pw->pw_name : NULL;
    }
    fayuan__ctl_request__args_entry__init(&entries[nargs]);
    entries[nargs].key = (char *)"actor";
    entries[nargs].value = (char *)(actor && *actor ? actor : "?");
    args[nargs] = &entries[nargs];
    nargs++;
    char rid[37];
    s_uuid(rid);
    const char *given = ctl_opt(c, "request-id");
    Fayuan__CtlRequest req = FAYUAN__CTL_REQUEST__INIT;
    req.request_id = (char *)(given ? given : rid);
    req.command = (char *)command;
    req.args = args;
    req.n_args = nargs;
    req.body.data = (uint8_t *)body;
    req.body.len = len;
    char err[256];
    Fayuan__CtlReply *reply =
        bus_ctl_call(c->zctx, endpoint, &req, CTL_TIMEOUT_MS, err, sizeof err);
    if (!reply)
        fprintf(stderr, "服务 %s 无响应：%s\n", service, err);
    return reply;
}

int ctl_finish(const ctl_t *c, const Fayuan__CtlReply *reply)
{
    if (reply->status == 0)
        return CTL_OK;
    fprintf(stderr, "失败：%s（%s）\n", reply->message, reply->error);
    if (c->json && reply->body.len)
        ctl_print_body(reply);
    return CTL_REFUSED;
}

int ctl_run(ctl_t *c, const char *service, const char *command, const char *const *opt_names,
            void (*show)(json_t *body, void *arg), void *arg)
{
    Fayuan__CtlReply *reply = ctl_call(c, service, command, opt_names, NULL, 0);
    if (!reply)
        return CTL_NO_ANSWER;
    int rc = ctl_finish(c, reply);
    if (rc == CTL_OK && c->json) {
        ctl_print_body(reply);
    } else if (rc == CTL_OK) {
        json_t *body = ctl_body(reply);
        show(body, arg);
        json_decref(body);
    }
    fayuan__ctl_reply__free_unpacked(reply, NULL);
    return rc;
}

json_t *ctl_body(const Fayuan__CtlReply *reply)
{
    return json_loadb((const char *)reply->body.data, reply->body.len, 0, NULL);
}

void ctl_print_body(const Fayuan__CtlReply *reply)
{
    printf("%.*s\n", (int)reply->body.len, (const char *)reply->body.data);
}

static int s_width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xc0) == 0x80)
            continue;
        w += *p >= 0xe0 ? 2 : 1;
    }
    return w;
}

void ctl_cell(const char *s, int width)
{
    s = s ? s : "";
    printf("%s%*s", s, width - s_width(s) > 0 ? width - s_width(s) : 0, "");
}

const char *ctl_tier_zh(const char *t)
{
    if (!t)
        return "—";
    if (strcmp(t, "green") == 0)
        return "绿色";
    if (strcmp(t, "blue") == 0)
        return "蓝色";
    if (strcmp(t, "red") == 0)
        return "红色";
    return "—";
}

const char *ctl_points(const json_t *p, char *buf, size_t len)
{
    /* The JSON number is points; back to hundredths for exact printing. */
    double v = json_is_integer(p) ? (double)json_integer_value(p) : json_real_value(p);
    return points_format((int64_t)llround(v * 100.0), buf, len);
}

char *ctl_read_file(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "无法打开文件 %s：%s\n", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(max + 1);
    size_t n = fread(buf, 1, max + 1, f);
    fclose(f);
    if (n > max) {
        fprintf(stderr, "文件 %s 超过 %zu MiB，请拆分后导入\n", path, max / 1024 / 1024);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

void ctl_print_errors(json_t *body)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(body, "errors"), i, e)
    {
        long long line = (long long)json_integer_value(json_object_get(e, "line"));
        const char *field = json_string_value(json_object_get(e, "field"));
        const char *msg = json_string_value(json_object_get(e, "message"));
        if (line > 0)
            fprintf(stderr, "  第 %lld 行%s%s：%s\n", line, field ? " " : "", field ? field : "",
                    msg ? msg : "");
        else
            fprintf(stderr, "  %s\n", msg ? msg : "");
    }
}

int ctl_run_file(ctl_t *c, const char *service, const char *command, const char *const *opt_names,
                 const char *path, void (*show)(json_t *body, void *arg), void *arg)
{
    size_t len;
    char *text = ctl_read_file(path, 8 * 1024 * 1024, &len);
    if (!text)
        return CTL_USAGE;
    Fayuan__CtlReply *reply = ctl_call(c, service, command, opt_names, text, len);
    free(text);
    if (!reply)
        return CTL_NO_ANSWER;
    int rc = ctl_finish(c, reply);
    json_t *body = ctl_body(reply);
    if (rc == CTL_OK && c->json)
        ctl_print_body(reply);
    else if (rc == CTL_OK)
        show(body, arg);
    else if (!c->json)
        ctl_print_errors(body);
    json_decref(body);
    fayuan__ctl_reply__free_unpacked(reply, NULL);
    return rc;
}
