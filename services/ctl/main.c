/* fayuanctl — the staff command line. It reads the same configuration file
 * as the daemons (for their command endpoints), sends one command over
 * ZeroMQ and prints the answer: tables and messages in Chinese for staff,
 * or the raw JSON with --json. Exit status: 0 done, 1 refused (the message
 * says why), 2 usage, 3 no answer from the service. */
#include "fayuan/bus.h"
#include "fayuan/config.h"
#include "fayuan/daemon.h"
#include "fayuan/points.h"
#include "fayuan/timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TIMEOUT_MS 15000
#define MAX_FILE (8 * 1024 * 1024)

typedef struct {
    daemon_config_t cfg;
    bool json;
    const char *request_id;
    const char *center;
    const char *quarter;
    void *zctx;
} ctl_t;

static void s_usage(FILE *out)
{
    fprintf(out,
            "用法: fayuanctl [-c 配置文件] 命令 [参数]\n"
            "\n"
            "  ping 服务名                      检查服务是否在线（registry roster assign score "
            "notify gateway）\n"
            "  import lawyers 文件.csv          导入律师名单（全部正确才导入）\n"
            "  standings [--quarter 2026Q4]     本季度积分排名与实时等级\n"
            "  stats                            积分服务的运行统计（含联动延迟）\n"
            "\n"
            "选项: --center 中心代码  --json 输出 JSON  --request-id 编号（重复提交只执行一次）\n"
            "配置文件默认取 $FAYUAN_CONF，其次 /etc/fayuan/fayuan.conf。\n");
}

static void s_uuid(char out[37])
{
    unsigned char b[16];
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

/* Sends a command; returns the reply or NULL (message printed). */
static Fayuan__CtlReply *s_call(ctl_t *c, const char *service, const char *command,
                                Fayuan__CtlRequest__ArgsEntry **args, size_t nargs,
                                const void *body, size_t len)
{
    const char *endpoint = daemon_ctl_endpoint(&c->cfg, service);
    if (!endpoint) {
        fprintf(stderr, "未知服务：%s\n", service);
        return NULL;
    }
    char rid[37];
    s_uuid(rid);
    Fayuan__CtlRequest req = FAYUAN__CTL_REQUEST__INIT;
    req.request_id = (char *)(c->request_id ? c->request_id : rid);
    req.command = (char *)command;
    req.args = args;
    req.n_args = nargs;
    req.body.data = (uint8_t *)body;
    req.body.len = len;
    char err[256];
    Fayuan__CtlReply *reply = bus_ctl_call(c->zctx, endpoint, &req, TIMEOUT_MS, err, sizeof err);
    if (!reply)
        fprintf(stderr, "服务 %s 无响应：%s\n", service, err);
    return reply;
}

static int s_finish(ctl_t *c, Fayuan__CtlReply *reply)
{
    if (reply->status != 0) {
        fprintf(stderr, "失败：%s（%s）\n", reply->message, reply->error);
        if (c->json && reply->body.len)
            fprintf(stdout, "%.*s\n", (int)reply->body.len, (const char *)reply->body.data);
        return 1;
    }
    return 0;
}

static int s_ping(ctl_t *c, const char *service)
{
    Fayuan__CtlReply *reply = s_call(c, service, "ping", NULL, 0, NULL, 0);
    if (!reply)
        return 3;
    int rc = s_finish(c, reply);
    if (rc == 0) {
        if (c->json)
            printf("%.*s\n", (int)reply->body.len, (const char *)reply->body.data);
        else
            printf("%s 在线\n", service);
    }
    fayuan__ctl_reply__free_unpacked(reply, NULL);
    return rc;
}

static char *s_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "无法打开文件 %s：%s\n", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(MAX_FILE + 1);
    size_t n = fread(buf, 1, MAX_FILE + 1, f);
    fclose(f);
    if (n > MAX_FILE) {
        fprintf(stderr, "文件 %s 超过 %d MiB，请拆分后导入\n", path, MAX_FILE / 1024 / 1024);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static int s_import(ctl_t *c, const char *path)
{
    size_t len;
    char *text = s_read_file(path, &len);
    if (!text)
        return 2;
    Fayuan__CtlRequest__ArgsEntry center = FAYUAN__CTL_REQUEST__ARGS_ENTRY__INIT;
    center.key = "center";
    center.value = (char *)(c->center ? c->center : "");
    Fayuan__CtlRequest__ArgsEntry *args[] = {&center};
    Fayuan__CtlReply *reply = s_call(c, "registry", "import_lawyers", args, 1, text, len);
    free(text);
    if (!reply)
        return 3;
    int rc = s_finish(c, reply);
    json_t *body = json_loadb((const char *)reply->body.data, reply->body.len, 0, NULL);
    if (c->json && rc == 0) {
        printf("%.*s\n", (int)reply->body.len, (const char *)reply->body.data);
    } else if (rc == 0) {
        printf("导入成功：共 %lld 条，新增 %lld，更新 %lld，无变化 %lld\n",
               (long long)json_integer_value(json_object_get(body, "rows")),
               (long long)json_integer_value(json_object_get(body, "created")),
               (long long)json_integer_value(json_object_get(body, "updated")),
               (long long)json_integer_value(json_object_get(body, "unchanged")));
    } else if (!c->json) {
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(body, "errors"), i, e)
        {
            const char *field = json_string_value(json_object_get(e, "field"));
            fprintf(stderr, "  第 %lld 行%s%s：%s\n",
                    (long long)json_integer_value(json_object_get(e, "line")), field ? " " : "",
                    field ? field : "", json_string_value(json_object_get(e, "message")));
        }
    }
    json_decref(body);
    fayuan__ctl_reply__free_unpacked(reply, NULL);
    return rc;
}

/* Display width of UTF-8 text: CJK characters take two columns. */
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

static void s_cell(const char *s, int width)
{
    printf("%s%*s", s, width - s_width(s) > 0 ? width - s_width(s) : 0, "");
}

static const char *s_tier_zh(const char *t)
{
    if (strcmp(t, "green") == 0)
        return "绿色";
    if (strcmp(t, "blue") == 0)
        return "蓝色";
    if (strcmp(t, "red") == 0)
        return "红色";
    return "—";
}

static int s_standings(ctl_t *c)
{
    Fayuan__CtlRequest__ArgsEntry center = FAYUAN__CTL_REQUEST__ARGS_ENTRY__INIT;
    Fayuan__CtlRequest__ArgsEntry quarter = FAYUAN__CTL_REQUEST__ARGS_ENTRY__INIT;
    center.key = "center";
    center.value = (char *)(c->center ? c->center : "");
    quarter.key = "quarter";
    quarter.value = (char *)(c->quarter ? c->quarter : "");
    Fayuan__CtlRequest__ArgsEntry *args[] = {&center, &quarter};
    Fayuan__CtlReply *reply = s_call(c, "score", "standings", args, 2, NULL, 0);
    if (!reply)
        return 3;
    int rc = s_finish(c, reply);
    if (rc == 0 && c->json) {
        printf("%.*s\n", (int)reply->body.len, (const char *)reply->body.data);
    } else if (rc == 0) {
        json_t *body = json_loadb((const char *)reply->body.data, reply->body.len, 0, NULL);
        int y = 0, q = 0;
        if (time_quarter_parse(json_string_value(json_object_get(body, "quarter")), &y, &q) != 0)
            y = q = 0;
        json_t *members = json_object_get(body, "members");
        printf("中心 %s  %d年第%d季度积分排名（%s）  共 %zu 人\n",
               json_string_value(json_object_get(body, "center")), y, q,
               json_is_true(json_object_get(body, "final")) ? "季末清单" : "实时，季末确定",
               json_array_size(members));
        s_cell("排名", 6);
        s_cell("执业证号", 20);
        s_cell("姓名", 10);
        s_cell("积分", 8);
        printf("等级\n");
        size_t i;
        json_t *m;
        json_array_foreach(members, i, m)
        {
            char pos[16], pts[32];
            snprintf(pos, sizeof pos, "%lld",
                     (long long)json_integer_value(json_object_get(m, "position")));
            json_t *p = json_object_get(m, "points");
            /* The JSON number is points; back to hundredths for exact printing. */
            double v = json_is_integer(p) ? (double)json_integer_value(p) : json_real_value(p);
            points_format((int64_t)llround(v * 100.0), pts, sizeof pts);
            s_cell(pos, 6);
            s_cell(json_string_value(json_object_get(m, "licence")), 20);
            s_cell(json_string_value(json_object_get(m, "name")), 10);
            s_cell(pts, 8);
            printf("%s\n", s_tier_zh(json_string_value(json_object_get(m, "tier"))));
        }
        json_decref(body);
    }
    fayuan__ctl_reply__free_unpacked(reply, NULL);
    return rc;
}

static int s_stats(ctl_t *c)
{
    Fayuan__CtlReply *reply = s_call(c, "score", "stats", NULL, 0, NULL, 0);
    if (!reply)
        return 3;
    int rc = s_finish(c, reply);
    if (rc == 0)
        printf("%.*s\n", (int)reply->body.len, (const char *)reply->body.data);
    fayuan__ctl_reply__free_unpacked(reply, NULL);
    return rc;
}

int main(int argc, char **argv)
{
    ctl_t c = {0};
    const char *conf = NULL;
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"center", required_argument, NULL, 'C'},
                                         {"quarter", required_argument, NULL, 'q'},
                                         {"request-id", required_argument, NULL, 'r'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "c:jh", opts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            conf = optarg;
            break;
        case 'j':
            c.json = true;
            break;
        case 'C':
            c.center = optarg;
            break;
        case 'q':
            c.quarter = optarg;
            break;
        case 'r':
            c.request_id = optarg;
            break;
        case 'h':
            s_usage(stdout);
            return 0;
        default:
            s_usage(stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        s_usage(stderr);
        return 2;
    }
    cf_row_t rows[32];
    size_t nrows = daemon_config_rows(&c.cfg, rows, 32);
    const char *strict[] = {NULL};
    char err[512];
    if (config_load(config_default_path(conf), rows, nrows, strict, false, err, sizeof err) != 0) {
        fprintf(stderr, "配置错误：%s\n", err);
        return 2;
    }
    c.zctx = zmq_ctx_new();
    int rc = 2;
    const char *cmd = argv[optind];
    int nargs = argc - optind - 1;
    char **args = argv + optind + 1;
    if (strcmp(cmd, "ping") == 0 && nargs == 1)
        rc = s_ping(&c, args[0]);
    else if (strcmp(cmd, "import") == 0 && nargs == 2 && strcmp(args[0], "lawyers") == 0)
        rc = s_import(&c, args[1]);
    else if (strcmp(cmd, "standings") == 0 && nargs == 0)
        rc = s_standings(&c);
    else if (strcmp(cmd, "stats") == 0 && nargs == 0)
        rc = s_stats(&c);
    else
        s_usage(stderr);
    zmq_ctx_term(c.zctx);
    config_free(rows, nrows);
    return rc;
}
