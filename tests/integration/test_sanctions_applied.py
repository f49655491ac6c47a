#!/usr/bin/env python3
"""The registry carries out what scored decides: a clause 25(3) stop to case
assignment (from real case-quality records), and a suspension and a removal
published by scored (written into its outbox as its close does) — each
applied once, audited, announced to the other services' read-models; a
suspension ends by itself when its time is up."""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fyfeed import lawyers_csv, licences  # noqa: E402
from fyproto import field  # noqa: E402
from fytime import at, days_of, previous_quarter  # noqa: E402
from harness import Stack, check, done  # noqa: E402


def sanction_due(sid, lawyer, kind, rule, reason, until):
    """fayuan.SanctionDue in protobuf wire format."""
    return (field(1, sid) + field(2, lawyer) + field(3, kind) + field(4, rule) + field(5, reason)
            + (field(7, until) if until else b"")).hex()


def publish(s, payload_hex):
    s.publish("score", "SanctionDue", bytes.fromhex(payload_hex))


prev_q, first, last = previous_quarter()
day = days_of(first, last, 1)[2]
with Stack(daemons="all", conf={"registry": {"expiry_check_s": "1"}}) as s:
    A, B, C = licences(3, prefix="13303208")
    path = os.path.join(s.dir, "l.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(lawyers_csv([A, B, C]))
    check("lawyers imported", s.ctl("import", "lawyers", path)[0] == 0)
    s.wait_until(lambda: s.sql1("select count(*) from score.lawyers") == "3", 10, "read-model")

    # clause 25(3) from the feed: one unqualified case
    st, body = s.post("/v1/quality/evaluations", {"id": "u1", "case": "K1", "lawyer": A, "level": "city",
                                                  "grade": "unqualified", "evaluated_at": at(day, 10)})
    check("evaluation accepted", st == 202, body)
    s.wait_until(lambda: s.sql1("select cases_suspended from registry.lawyers where licence = %s", A) == "t",
                 15, "case assignment stopped")
    check("registry stopped A's case assignment; A stays active for duty",
          s.sql("select status, cases_suspended from registry.lawyers where licence = %s", A) == [("active", "t")])
    check("audited with the reason", s.sql1("select count(*) from registry.audit where lawyer = %s "
                                            "and action = 'cases_suspended' and reason like '%%第二十五条%%'", A) == "1")

    # staff record the rectification: case assignment resumes
    sid = s.sql1("select id from score.sanctions where lawyer = %s and kind = 'suspend_cases'", A)
    rc, out, err = s.ctl("sanction", "rectified", sid)
    check("staff record A's rectification", rc == 0, (out, err))
    s.wait_until(lambda: s.sql1("select cases_suspended from registry.lawyers where licence = %s", A) == "f",
                 15, "case assignment resumed")
    check("case assignment resumed, audited", s.sql1(
        "select count(*) from registry.audit where lawyer = %s and action = 'cases_resumed'", A) == "1")

    # a one-month suspension and a removal, as scored's close publishes them
    until = int((time.time() + 2) * 1e6)
    publish(s, sanction_due("901", B, "suspend_all", "13", "连续两个季度列入红色清单", until))
    publish(s, sanction_due("902", C, "remove", "13/28", "拒不整改，清退出资源库", 0))
    s.wait_until(lambda: s.sql1("select status from registry.lawyers where licence = %s", C) == "removed",
                 15, "removal applied")
    check("B suspended until the date given", s.sql("select status, suspended_until from registry.lawyers "
                                                     "where licence = %s", B) in ([("suspended", str(until))],
                                                                                   [("active", "0")]))
    ban = int(s.sql1("select banned_until from registry.lawyers where licence = %s", C))
    years = (ban / 1e6 - time.time()) / (365.25 * 86400)
    check("removal sets the 3-year ban", 2.99 < years < 3.01, years)
    s.wait_until(lambda: s.sql1("select status from score.lawyers where licence = %s", C) == "removed",
                 10, "scored's read-model follows")
    rc, js, err = s.ctl_json("standings", "--json")
    check("a removed member is no longer ranked; a suspended one still is",
          rc == 0 and C not in [m["licence"] for m in js["members"]]
          and B in [m["licence"] for m in js["members"]], js)
    s.wait_until(lambda: s.sql1("select status from registry.lawyers where licence = %s", B) == "active",
                 15, "suspension ended")
    check("the suspension ended by itself in every pool, audited", s.sql1(
        "select count(*) from registry.audit where lawyer = %s and action = 'resumed'", B)
        == s.sql1("select count(*) from registry.memberships where licence = %s", B))
    check("B told of the suspension and of its end; C and C's firm of the removal",
          s.sql1("select count(*) from registry.audit where lawyer = %s and notice = 'suspended'", B) == "1"
          and s.sql1("select count(*) from registry.audit where lawyer = %s and notice = 'resumed'", B) != "0"
          and s.sql("select notice, tell_firm from registry.audit where lawyer = %s and notice <> ''", C)
          == [("removed", "t")])
    # notifyd delivers what the registry tells: the member, and the firm of the removal
    def lines(template):
        return [n for n in s.notifications() if n.get("template") == template]
    s.wait_until(lambda: lines("member_suspended") and lines("member_resumed") and lines("member_removed")
                 and lines("firm_removed"), 20, "member notices delivered")
    susp, res, rem, firm = (lines(t) for t in ("member_suspended", "member_resumed", "member_removed",
                                                "firm_removed"))
    ban_day = time.strftime("%Y年", time.localtime(ban / 1e6))
    check("B told once of the suspension (with its end) and once of its end",
          [n["lawyer"] for n in susp] == [B] and [n["lawyer"] for n in res] == [B]
          and "暂停" in susp[0]["message"], (susp, res))
    check("C and C's firm told of the removal and the 3-year bar, with its end date",
          [n["lawyer"] for n in rem] == [C] and len(firm) == 1
          and firm[0]["to"]["kind"] == "firm" and firm[0]["to"]["name"] == "温州测试律师事务所"
          and ban_day in rem[0]["message"] and "3年" in rem[0]["message"], (rem, firm))
    check("every change announced", int(s.sql1(
        "select count(*) from registry.outbox where type = 'LawyerChanged'")) >= 3 + 4)
    # redelivery: scored's consumer position is rewound; nothing is applied twice
    audited = s.sql1("select count(*) from registry.audit where actor like 'score:%%'")
    s.stop("registry")
    s.sql("update registry.inbox set last_seq = 0 where producer = 'score'")
    s.start("registry")
    time.sleep(2)
    check("sanctions applied once each despite redelivery",
          s.sql1("select count(*) from registry.sanctions_applied") == "4"
          and s.sql1("select count(*) from registry.audit where actor like 'score:%%'") == audited)
done()
