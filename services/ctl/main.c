/* fayuanctl — the staff command line. It reads the same configuration file
 * as the daemons (for their command endpoints), sends one command over
 * ZeroMQ and prints the answer: tables and messages in Chinese for staff, or
 * the raw JSON with --json. Exit status: 0 done, 1 refused (the message says
 * why), 2 usage, 3 no answer from the service. See ctl.h for how commands
 * are declared. */
#include "ctl.h"

#include "fayuan/config.h"

#include <stdio.h>
#include <string.h>

int ctl_cmd_ping(ctl_t *c, int argc, char **argv)
{
    Fayuan__CtlReply *reply = ctl_call(c, argv[0], "ping", NULL, NULL, 0);
    if (!reply)
        return CTL_NO_ANSWER;
    int rc = ctl_finish(c, reply);
    if (rc == CTL_OK) {
        if (c->json)
            ctl_print_body(reply);
        else
            printf("%s 在线\n", argv[0]);
    }
    fayuan__ctl_reply__free_unpacked(reply, NULL);
    return rc;
}

static const ctl_cmd_t s_commands[] = {
    {"ping", NULL, 1, 1, "", ctl_cmd_ping, "ping 服务名            检查服务是否在线"},
    {"import", "lawyers", 1, 1, "center request-id", ctl_cmd_import_lawyers,
     "import lawyers 文件.csv   导入律师名单（全部正确才导入）"},
    {"standings", NULL, 0, 0, "center quarter", ctl_cmd_standings,
     "standings [--quarter 2026Q4]   积分排名与实时等级"},
    {"stats", NULL, 0, 0, "", ctl_cmd_stats,
     "stats                    积分服务运行统计（含联动延迟）"},
    {"quarter", "close", 1, 1, "", ctl_cmd_quarter_close,
     "quarter close 2026Q3     季度结算：冻结季末清单，判定红名单处理"},
    {"tiers", NULL, 0, 0, "quarter", ctl_cmd_tiers,
     "tiers --quarter 2026Q3   已结算季度的季末清单（冻结，不再变动）"},
    {"sanctions", NULL, 0, 0, "", ctl_cmd_sanctions,
     "sanctions                红名单处理记录（第13条、第28条）"},
    {"sanction", "rectified", 1, 1, "", ctl_cmd_sanction_rectified,
     "sanction rectified 编号   记录该律师已整改"},
    {"sanction", "refused", 1, 1, "", ctl_cmd_sanction_refused,
     "sanction refused 编号     记录该律师拒不整改（转清退）"},
    {"points", "explain", 1, 1, "quarter", ctl_cmd_points_explain,
     "points explain 执业证号 [--quarter 2026Q4]   逐条列出积分明细"},
    {"feed", "unmatched", 0, 0, "", ctl_cmd_feed_unmatched,
     "feed unmatched           律师尚未登记、暂存待计分的外部记录"},
    {"deduct", NULL, 0, 0, "lawyer code at note points", ctl_cmd_deduct,
     "deduct --lawyer 执业证号 --code 1.1.1 --at 2026-11-20 --note 说明 [--points 分]   "
     "记录扣分（附件2）"},
    {"deduction", "verify", 1, 1, "", ctl_cmd_deduction_verify,
     "deduction verify 编号    核实扣分（1.6、2.2、3 须核实后才计分）"},
    {"deduction", "reverse", 1, 1, "reason", ctl_cmd_deduction_reverse,
     "deduction reverse 编号 --reason 理由   申诉成立，撤销扣分"},
};

#define NCOMMANDS (sizeof s_commands / sizeof s_commands[0])

static void s_usage(FILE *out)
{
    fprintf(out, "用法: fayuanctl [-c 配置文件] [--json] 命令 [参数] [--选项 值]\n\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %s\n", s_commands[i].usage);
    fprintf(
        out,
        "\n通用选项: --center 中心代码  --json 输出 JSON  --request-id 编号（重复提交只执行一次）\n"
        "服务名: registry roster assign score notify gateway\n"
        "配置文件默认取 $FAYUAN_CONF，其次 /etc/fayuan/fayuan.conf。\n");
}

static bool s_allowed(const char *options, const char *name)
{
    if (strcmp(name, "request-id") == 0 || strcmp(name, "center") == 0)
        return true;
    size_t n = strlen(name);
    for (const char *p = options; (p = strstr(p, name)) != NULL; p += n) {
        bool start = p == options || p[-1] == ' ';
        bool end = p[n] == '\0' || p[n] == ' ';
        if (start && end)
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    ctl_t c = {0};
    const char *conf = NULL;
    char *pos[32];
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
            if (++i == argc)
                goto usage;
            conf = argv[i];
        } else if (strcmp(a, "--json") == 0 || strcmp(a, "-j") == 0) {
            c.json = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            s_usage(stdout);
            return CTL_OK;
        } else if (strncmp(a, "--", 2) == 0 && a[2]) {
            if (++i == argc || c.nopts == CTL_MAX_OPTS) {
                fprintf(stderr, "选项 %s 缺少取值\n", a);
                return CTL_USAGE;
            }
            c.opt_name[c.nopts] = a + 2;
            c.opt_value[c.nopts++] = argv[i];
        } else if (npos < 32) {
            pos[npos++] = argv[i];
        }
    }
    if (npos == 0)
        goto usage;
    const ctl_cmd_t *cmd = NULL;
    for (size_t i = 0; i < NCOMMANDS && !cmd; i++) {
        const ctl_cmd_t *k = &s_commands[i];
        if (strcmp(k->name, pos[0]) != 0)
            continue;
        if (k->sub && (npos < 2 || strcmp(k->sub, pos[1]) != 0))
            continue;
        cmd = k;
    }
    if (!cmd)
        goto usage;
    int skip = cmd->sub ? 2 : 1;
    int nargs = npos - skip;
    if (nargs < cmd->min_args || nargs > cmd->max_args) {
        fprintf(stderr, "用法: fayuanctl %s\n", cmd->usage);
        return CTL_USAGE;
    }
    for (size_t i = 0; i < c.nopts; i++) {
        if (!s_allowed(cmd->options, c.opt_name[i])) {
            fprintf(stderr, "命令 %s 不接受选项 --%s\n用法: fayuanctl %s\n", cmd->name,
                    c.opt_name[i], cmd->usage);
            return CTL_USAGE;
        }
    }
    cf_row_t rows[32];
    size_t nrows = daemon_config_rows(&c.cfg, rows, 32);
    const char *strict[] = {NULL};
    char err[512];
    if (config_load(config_default_path(conf), rows, nrows, strict, false, err, sizeof err) != 0) {
        fprintf(stderr, "配置错误：%s\n", err);
        return CTL_USAGE;
    }
    c.zctx = zmq_ctx_new();
    int rc = cmd->fn(&c, nargs, pos + skip);
    zmq_ctx_term(c.zctx);
    config_free(rows, nrows);
    return rc;
usage:
    s_usage(stderr);
    return CTL_USAGE;
}
