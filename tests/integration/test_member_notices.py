#!/usr/bin/env python3
"""notifyd tells members what the registry decided about them (MemberNotice),
and tells the firm of a removed member (clause 29). The notices are written
into registryd's outbox exactly as its outbox module writes them (one
transaction: bump outbox_head, insert the row), with registryd stopped so
that nothing else is published meanwhile; notifyd finds them by its poll of
the producer's head. Checked: one spool line per recipient per notice — the
same notice published twice, a rewound cursor, a SIGTERM and a SIGKILL of
notifyd change nothing — the firm's line with the firm's name and contacts,
the end dates in the texts, a kind without a template marked failed, and no
contact or full licence number in notifyd's log."""

import datetime
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fyfeed import lawyers_csv, licences  # noqa: E402
from fyproto import field  # noqa: E402
from harness import Stack, check, done  # noqa: E402

FIRM = "温州测试律师事务所"
FIRM_EMAIL = "office-wzcs@example.com"
FIRM_PHONE = "0577-88990011"
LAWYER_KEYS = {"id", "center", "lawyer", "channel", "template", "message", "created_at"}


def member_notice(notice_id, lawyer, name, kind, pool="", rule="", reason="", until=0, firm="",
                  tell_firm=False, firm_email="", firm_phone="", other="", phone="", email=""):
    """fayuan.MemberNotice in protobuf wire format (hex); empty fields left out."""
    out = b""
    for num, v in ((1, notice_id), (2, lawyer), (3, name), (4, kind), (5, pool), (6, rule),
                   (7, reason), (8, until), (9, firm), (10, 1 if tell_firm else 0),
                   (11, firm_email), (12, firm_phone), (13, other), (14, phone), (15, email)):
        if v:
            out += field(num, v)
    return out.hex()


def publish(s, payload_hex):
    s.publish("registry", "MemberNotice", bytes.fromhex(payload_hex))


def local_date(us, offset_min):
    d = datetime.datetime.fromtimestamp(us / 1e6, datetime.timezone(datetime.timedelta(minutes=offset_min)))
    return "%d年%d月%d日" % (d.year, d.month, d.day)


with Stack(daemons=["registry", "score"]) as s:
    m = re.search(r"^\s*utc_offset_minutes\s*=\s*(-?\d+)", s.conf_text(), re.M)
    offset = int(m.group(1)) if m else 480
    # notifyd logs at debug here, so that every line it can write is checked for personal data.
    s.start("notify", env={"FAYUAN_LOG_LEVEL": "debug"})
    A, B, C, D = licences(4, prefix="13303209")
    path = os.path.join(s.dir, "l.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(lawyers_csv([A, B, C, D]))
    check("lawyers imported", s.ctl("import", "lawyers", path)[0] == 0)
    s.wait_until(lambda: s.sql1("select count(*) from notify.lawyers") == "4", 15, "notify's read-model")
    phones = {l: p for l, p in s.sql("select licence, phone from notify.lawyers")}
    emails = {l: e for l, e in s.sql("select licence, email from notify.lawyers")}
    s.stop("registry")

    now = time.time()
    ban_until = int((now + 3 * 365.25 * 86400) * 1e6)
    susp_until = int((now + 30 * 86400) * 1e6)
    removal = member_notice("mn-1", A, "赵建国", "removed", rule="13/28",
                            reason="连续两个季度列入红色清单，恢复服务后的第一个季度仍列入红色清单",
                            until=ban_until, firm=FIRM, tell_firm=True, firm_email=FIRM_EMAIL,
                            firm_phone=FIRM_PHONE, phone=phones[A], email=emails[A])
    publish(s, removal)
    publish(s, member_notice("mn-2", B, "钱丽华", "suspended", pool="duty", rule="20",
                             reason="未按规定办理请假手续缺勤两次。", until=susp_until,
                             firm=FIRM, phone=phones[B], email=emails[B]))
    publish(s, member_notice("mn-3", C, "孙志强", "mentor_assigned", pool="case", rule="24",
                             other="李秀兰", firm=FIRM))
    publish(s, removal)  # the same notice published again under a new seq
    # to be told to a firm that it does not name: the member alone is told
    publish(s, member_notice("mn-4", D, "李晓东", "removed", rule="28", reason="未主动报告不再符合条件",
                             until=ban_until, tell_firm=True))
    # a kind this notifyd has no template for: raised, marked failed, nothing sent
    publish(s, member_notice("mn-5", D, "李晓东", "no_such_kind", firm=FIRM))
    head = s.sql1("select seq from registry.outbox_head")

    def ours():
        """source_event -> spool lines, for this test's notices."""
        src = dict(s.sql("select id, source_event from notify.notifications "
                         "where source_event like 'registry:notice:mn-%%'"))
        out = {}
        for n in s.notifications():
            if str(n.get("id")) in src:
                out.setdefault(src[str(n["id"])], []).append(n)
        return out

    want = {"registry:notice:mn-1", "registry:notice:mn-1:firm", "registry:notice:mn-2",
            "registry:notice:mn-3", "registry:notice:mn-4"}
    s.wait_until(lambda: set(ours()) >= want, 20, "the notices delivered")
    s.wait_until(lambda: s.sql1("select last_seq from notify.inbox where producer = 'registry'") == head,
                 10, "notifyd's registry cursor at the head")
    got = ours()
    check("one line per recipient per notice (a notice published twice is told once)",
          set(got) == want and all(len(v) == 1 for v in got.values()),
          {k: len(v) for k, v in got.items()})

    lawyer_line = got["registry:notice:mn-1"][0]
    firm_line = got["registry:notice:mn-1:firm"][0]
    ban_date = local_date(ban_until, offset)
    check("the member's line keeps the lawyer line's fields, addressed to the member",
          LAWYER_KEYS <= set(lawyer_line) and lawyer_line["lawyer"] == A
          and lawyer_line["template"] == "member_removed"
          and lawyer_line["to"] == {"kind": "lawyer", "licence": A}, lawyer_line)
    msg = lawyer_line["message"]
    check("the removal tells the member the 3-year bar and its end date",
          "赵建国律师" in msg and "清退出法律援助人员资源库" in msg and "3年内不得重新申请" in msg
          and ban_date + "前不得重新申请" in msg and "第13条、第28条" in msg, msg)
    check("the firm's line is addressed to the firm by name, with its contacts",
          firm_line["template"] == "firm_removed" and firm_line["lawyer"] == A
          and firm_line["to"] == {"kind": "firm", "name": FIRM, "email": FIRM_EMAIL, "phone": FIRM_PHONE},
          firm_line)
    fmsg = firm_line["message"]
    check("the firm is told who was removed, why, the bar's end date, and clause 29",
          fmsg.startswith("【") and FIRM + "：" in fmsg and "贵所赵建国律师" in fmsg
          and ban_date + "前不得重新申请" in fmsg and "第29条" in fmsg and "红色清单" in fmsg, fmsg)
    sline = got["registry:notice:mn-2"][0]
    smsg = sline["message"]
    check("the suspension states its end date, the pool and the clause",
          sline["template"] == "member_suspended" and sline["to"]["kind"] == "lawyer"
          and "暂停期限至%s止" % local_date(susp_until, offset) in smsg and "值班人员库" in smsg
          and "第20条" in smsg and "事由：未按规定办理请假手续缺勤两次。" in smsg, smsg)
    mmsg = got["registry:notice:mn-3"][0]["message"]
    check("the mentor is named", "指定李秀兰作为您在办案人员库的导师" in mmsg and "第24条" in mmsg, mmsg)
    check("tell_firm without a firm: the member is told, no firm line",
          "registry:notice:mn-4:firm" not in got
          and got["registry:notice:mn-4"][0]["template"] == "member_removed")
    check("a kind without a template is marked failed, not sent",
          s.sql("select template, status from notify.notifications where source_event = 'registry:notice:mn-5'")
          == [("member_no_such_kind", "failed")]
          and "registry:notice:mn-5" not in got)
    everything = s.notifications()
    check("no message carries a member's or firm's phone or e-mail",
          all(x not in n["message"] for n in everything
              for x in [FIRM_PHONE, FIRM_EMAIL] + list(phones.values()) + list(emails.values())))
    check("the firm's contacts are kept with its notification, the member's are not",
          s.sql("select recipient, to_name, to_email, to_phone from notify.notifications "
                "where source_event like 'registry:notice:mn-1%%' order by id")
          == [("lawyer", None, None, None), ("firm", FIRM, FIRM_EMAIL, FIRM_PHONE)])
    check("every notification of these notices delivered or failed, none pending",
          s.sql1("select count(*) from notify.notifications where status = 'pending' "
                 "and source_event like 'registry:notice:mn-%%'") == "0")

    # A redelivery: notifyd's registry cursor rewound to 0 while it is down, and a
    # new notice waiting. On start it catches up from the registry's outbox,
    # applies every notice again, and raises only the new one.
    lines_before = len(s.notifications())
    s.stop("notify")
    s.sql("update notify.inbox set last_seq = 0 where producer = 'registry'")
    publish(s, member_notice("mn-6", B, "钱丽华", "resumed", pool="duty", phone=phones[B]))
    head = s.sql1("select seq from registry.outbox_head")
    s.start("notify", env={"FAYUAN_LOG_LEVEL": "debug"})
    s.wait_until(lambda: "registry:notice:mn-6" in ours(), 20, "the notice published while notifyd was down")
    s.wait_until(lambda: s.sql1("select last_seq from notify.inbox where producer = 'registry'") == head,
                 10, "the cursor back at the head")
    time.sleep(1.5)  # a repeat, if there were one, would be written by now
    got = ours()
    check("after a restart with the cursor rewound: nothing lost, nothing told twice",
          set(got) == want | {"registry:notice:mn-6"} and all(len(v) == 1 for v in got.values())
          and len(s.notifications()) == lines_before + 1,
          {k: len(v) for k, v in got.items()})
    check("the member is told their service resumed",
          "恢复您作为值班人员库成员参与法律援助服务" in got["registry:notice:mn-6"][0]["message"])

    # SIGKILL with nothing in flight, then a notice while it is down.
    s.kill9("notify")
    publish(s, member_notice("mn-7", C, "孙志强", "probation_due", pool="duty", until=susp_until))
    s.start("notify", env={"FAYUAN_LOG_LEVEL": "debug"})
    s.wait_until(lambda: "registry:notice:mn-7" in ours(), 20, "the notice published while notifyd was dead")
    time.sleep(1.5)
    got = ours()
    check("after a SIGKILL: the new notice told once, the old ones not again",
          all(len(v) == 1 for v in got.values()) and len(got) == len(want) + 2
          and len(s.notifications()) == lines_before + 2,
          {k: len(v) for k, v in got.items()})
    check("probation: the member is told when it ends",
          "试用期于%s届满" % local_date(susp_until, offset) in got["registry:notice:mn-7"][0]["message"])
    check("every notification recorded delivered once, in the spool once",
          s.sql1("select count(*) from notify.notifications where status = 'delivered'")
          == str(len(s.notifications()))
          and len({n["id"] for n in s.notifications()}) == len(s.notifications()))

    log = s.log("notify")
    leaked = [x for x in [A, B, C, D, FIRM_PHONE, FIRM_EMAIL] + list(phones.values()) + list(emails.values())
              if x in log]
    check("notifyd's log holds no phone, e-mail or full licence number", not leaked, leaked)
    check("notifyd logged the missing template", "member_no_such_kind" in log)
done()
