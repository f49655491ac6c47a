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
    {"case", "assign", 1, 1, "lawyer note", ctl_cmd_case_assign,
     "case assign 案件编号 --lawyer 执业证号 [--note 说明]   中心直接指派案件（第二十一条）"},
    {"case", "finish", 1, 1, "how note", ctl_cmd_case_finish,
     "case finish 案件编号 [--how withdrawn] [--note 说明]   撤回已指派的案件"},
    {"cases", NULL, 0, 0, "lawyer open", ctl_cmd_cases,
     "cases [--lawyer 执业证号] [--open]   案件及承办律师（--open 只列办理中的）"},
    {"apply", NULL, 0, 1,
     "lawyer pools name gender birth-date firm licensed-since qualified-since specialties phone "
     "email social endorsed-on round first-case-here",
     ctl_cmd_apply,
     "apply [名单.csv] --lawyer 执业证号 --pools duty;case [--name 姓名 --gender 男 --birth-date "
     "1990-01-01 --firm 律所 --licensed-since 2020-01-01 ...] [--endorsed-on 日期] [--round 2026]  "
     " "
     "入库申请（自动审查条件，第六条、第七条）"},
    {"application", NULL, 2, 2, "pool reason endorsed-on bureau bar", ctl_cmd_application,
     "application record|approve|reject 编号 [--endorsed-on 日期 --bureau 意见 --bar 意见] "
     "[--pool case] [--reason 理由]   记录审核意见、批准或驳回申请"},
    {"applications", NULL, 0, 0, "state", ctl_cmd_applications,
     "applications [--state pending]   申请及其入库条件审查结果"},
    {"eligibility", NULL, 1, 1, "", ctl_cmd_eligibility,
     "eligibility 执业证号       是否符合入库条件；不符合的，何时起符合"},
    {"penalty", "add", 1, 1, "kind on note", ctl_cmd_penalty_add,
     "penalty add 执业证号 --kind admin_penalty|bar_sanction|party_discipline --on 日期 "
     "[--note 说明]   记录处罚、处分（第六条）"},
    {"train", NULL, 1, 1, "pool on reason", ctl_cmd_train,
     "train 执业证号 [--pool duty|case] [--on 日期]   记录完成培训（第十条）"},
    {"exam", NULL, 1, 1, "pool on result", ctl_cmd_exam,
     "exam 执业证号 --result pass|fail [--on 日期]   记录考试结果；通过即上岗（第十条）"},
    {"suspend", NULL, 1, 1, "pool until rule reason", ctl_cmd_suspend,
     "suspend 执业证号 --rule 20 --reason 事由 [--until 日期] [--pool duty|case]   "
     "暂停并责令整改（第二十条、第二十五条）"},
    {"resume", NULL, 1, 1, "pool reason", ctl_cmd_resume,
     "resume 执业证号 [--pool duty|case] [--reason 说明]   整改完成，恢复服务"},
    {"rectify", NULL, 1, 1, "pool result reason", ctl_cmd_rectify,
     "rectify 执业证号 --result done|refused   记录整改结果（拒不整改即清退，第二十八条）"},
    {"exit", NULL, 1, 1, "pool kind reason", ctl_cmd_exit,
     "exit 执业证号 --kind voluntary|must_report --reason 事由 [--pool duty|case]   "
     "退出资源库（第二十六条、第二十七条）"},
    {"remove", NULL, 1, 1, "rule reason", ctl_cmd_remove,
     "remove 执业证号 --reason 事由 [--rule 28]   清退，三年内不得重新申请（第二十八条）"},
    {"probation", NULL, 2, 2, "then months reason", ctl_cmd_probation,
     "probation pass|fail 执业证号 [--then extend --months 3 | --then exit]   "
     "试用期考核（第十九条）"},
    {"mentor", "assign", 1, 1, "mentor", ctl_cmd_mentor_assign,
     "mentor assign 执业证号 [--mentor 导师执业证号]   指定办案导师（默认按规则选，第二十四条）"},
    {"round", "confirm", 1, 1, "round", ctl_cmd_round_confirm,
     "round confirm 名单.csv --round 2026   集中更新：确认名单中的人员继续在库（第四条）"},
    {"outside", "add", 1, 1, "name gender birth-date firm licensed-since specialties phone email",
     ctl_cmd_outside_add,
     "outside add 执业证号 --name 姓名 --gender 男 --birth-date 日期 --firm 律所 "
     "--licensed-since 日期   登记库外本地律师，可直接安排（第九条）"},
    {"firm", "set", 1, 1, "email phone", ctl_cmd_firm_set,
     "firm set 律所名称 --email 邮箱 [--phone 电话]   律师事务所联系方式（清退通知）"},
    {"members", NULL, 0, 0, "pool state unconfirmed", ctl_cmd_members,
     "members [--pool duty|case] [--state active|suspended|probation_due|exit_pending|"
     "mentor_needed|outside] "
     "[--unconfirmed 2026]   资源库人员及状态"},
    {"member", NULL, 1, 1, "", ctl_cmd_member, "member 执业证号          人员详情与全部变更记录"},
    {"export", NULL, 0, 0, "pool format all out", ctl_cmd_export,
     "export [--pool case] [--format provincial|staff] [--all] [--out 文件.csv]   导出名单 CSV"},
    {"list", "publish", 0, 0, "year", ctl_cmd_list_publish,
     "list publish --year 2026   发布年度办案人员库名单（第八条）"},
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
        } else if ((strcmp(a, "--open") == 0 || strcmp(a, "--all") == 0) &&
                   c.nopts < CTL_MAX_OPTS) {
            /* A flag (no value); commands accept it in their row like an option. */
            c.opt_name[c.nopts] = a + 2;
            c.opt_value[c.nopts++] = "1";
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
