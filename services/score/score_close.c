/* score_close — quarter close. (Being written: see score.h for the contract.) */
#include "score.h"

void score_close_init(score_t *s)
{
    (void)s;
}

void score_close_fini(score_t *s)
{
    (void)s;
}

void score_cmd_quarter_close(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    bus_ctl_reply_error(req, "unavailable", "季度结算尚未提供");
}

void score_cmd_tiers(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    bus_ctl_reply_error(req, "unavailable", "季末清单尚未提供");
}

void score_cmd_sanctions(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    bus_ctl_reply_error(req, "unavailable", "处理记录尚未提供");
}

void score_cmd_sanction_decide(score_t *s, bus_ctl_req_t *req, const Fayuan__CtlRequest *cmd)
{
    bus_ctl_reply_error(req, "unavailable", "处理记录尚未提供");
}
