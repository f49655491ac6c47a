#!/usr/bin/env python3
"""Which cases each lawyer has open (clauses 21, 26): a direct assignment by
the center to a case-pool member is recorded and published as CaseAssigned
through assignd's outbox; a duty-only member, an unknown lawyer and a second
assignment of an open case are refused (exit 1) and change nothing; a
repeated request id returns the first answer; the case system's signed
"closed" record finishes the case and publishes CaseFinished once, however
often it is sent; a close that arrives before the assignment waits and
finishes the case as soon as it is assigned; staff withdraw a case. Lawyers
whose registry events carry memberships and serving (a lawyer outside the
pool, clause 9; a member with a case-pool mentor, clause 24; a member whose
case assignment is stopped, clause 25) are written into registryd's outbox
exactly as its outbox module writes them."""

import datetime
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fyproto import field, pb_fields, varint  # noqa: E402
from fytime import at, now_local  # noqa: E402
from harness import REPO, Stack, check, done, note  # noqa: E402

CASE_A = "（2026）浙0302法援101号"   # case-only member
DUTY_CASE = "13303199511001037"      # 陈建国, duty;case
CASE_ONLY = "13303201010001074"      # 林晓燕, case
DUTY_ONLY = "13303201510001148"      # 王丽娟, duty
OTHER_CASE = "13303199910001222"     # 郑海燕, case
UNKNOWN = "13303000000000009"
OUTSIDE = "13303209900000001"        # injected: status outside
MENTEE = "13303209900000002"         # injected: case pool, mentor
STOPPED = "13303209900000003"        # injected: case assignment stopped
MENTOR = "13303199210001444"         # 叶秀英


# ---- protobuf payloads ------------------------------------------------------------------------

def text(f, num):
    return f.get(num, [b""])[0].decode("utf-8")


def submsg(num, data):
    return varint(num << 3 | 2) + varint(len(data)) + data


def lawyer_changed(licence, name, status, pools=(), memberships=(), serving=()):
    """fayuan.LawyerChanged with memberships (pool, state, mentor, cases_suspended)."""
    b = field(1, licence) + field(2, name)
    for p in pools:
        b += field(7, p)
    b += field(11, status)
    for pool, state, mentor, stopped in memberships:
        m = field(1, pool) + field(2, state)
        if mentor:
            m += field(5, mentor)
        if stopped:
            m += field(8, 1)
        b += submsg(15, m)
    for p in serving:
        b += field(16, p)
    return b.hex()


def publish_registry(s, payload_hex):
    """One LawyerChanged into registryd's outbox, as its outbox module writes it."""
    s.publish("registry", "LawyerChanged", bytes.fromhex(payload_hex))


def events(s, type_):
    return [pb_fields(bytes.fromhex(h)) for (h,) in s.sql(
        "select encode(payload, 'hex') from assign.outbox where type = %s order by seq", type_)]


def of_case(evs, case_no):
    return [e for e in evs if text(e, 1) == case_no]


def nothing_recorded(s, case_no):
    return (s.sql1("select count(*) from assign.cases where case_no = %s", case_no) == "0"
            and not of_case(events(s, "CaseAssigned"), case_no))


day = now_local().date() - datetime.timedelta(days=1)


def close_rec(rid, case_no, lawyer):
    return {"id": rid, "case": case_no, "lawyer": lawyer, "type": "closed",
            "category": "ordinary", "at": at(day, 10)}


with Stack(daemons="all") as s:
    rc, out, err = s.ctl("import", "lawyers", os.path.join(REPO, "deploy", "demo", "lawyers.csv"))
    check("demo lawyers imported", rc == 0, (out, err))
    s.wait_until(lambda: s.sql1("select count(*) from assign.lawyers") == "30", 15,
                 "assignd's read-model of the registry")
    lc = [pb_fields(bytes.fromhex(h)) for (h,) in s.sql(
        "select encode(payload, 'hex') from registry.outbox where type = 'LawyerChanged'")]
    carries = any(15 in f or 16 in f for f in lc)
    note("registryd's LawyerChanged %s memberships/serving; assignd %s"
         % ("carries" if carries else "does not carry yet",
            "uses them" if carries else "reads such events as every pool of an active member"))
    check("imported case-pool members may be given cases, duty-only members may not",
          s.sql("select licence, 'case' = any(serving) from assign.lawyers "
                "where licence in (%s, %s, %s) order by licence", DUTY_CASE, CASE_ONLY, DUTY_ONLY)
          == [(DUTY_CASE, "t"), (CASE_ONLY, "t"), (DUTY_ONLY, "f")],
          s.sql("select licence, status, pools, serving from assign.lawyers where licence in "
                "(%s, %s, %s)", DUTY_CASE, CASE_ONLY, DUTY_ONLY))

    # ---- direct assignment ----
    rc, out, err = s.ctl("case", "assign", CASE_A, "--lawyer", CASE_ONLY, "--note", "中心直接指派")
    check("a case assigned to a case-pool member", rc == 0 and "已指派给" in out and "林晓燕" in out,
          (rc, out, err))
    check("the case is recorded open",
          s.sql("select lawyer, how, note, finished_at from assign.cases where case_no = %s", CASE_A)
          == [(CASE_ONLY, "direct", "中心直接指派", None)])
    ev = of_case(events(s, "CaseAssigned"), CASE_A)
    check("CaseAssigned in assign's outbox, how direct",
          len(ev) == 1 and text(ev[0], 2) == CASE_ONLY and text(ev[0], 3) == "direct"
          and text(ev[0], 6) == "中心直接指派" and ev[0].get(4, [0])[0] > 0, ev)

    rc, out, err = s.ctl("case", "assign", CASE_A, "--lawyer", OTHER_CASE)
    check("a second assignment of an open case is refused, naming who has it",
          rc == 1 and "已指派给" in err and "林晓燕" in err, (rc, out, err))
    check("... and changes nothing",
          s.sql1("select count(*) from assign.cases where case_no = %s", CASE_A) == "1"
          and len(of_case(events(s, "CaseAssigned"), CASE_A)) == 1)

    rc, out, err = s.ctl("case", "assign", "K-duty", "--lawyer", DUTY_ONLY)
    check("a duty-only member is refused", rc == 1 and "不能承办案件" in err
          and "不在办案人员库" in err, (rc, out, err))
    check("... and nothing is recorded", nothing_recorded(s, "K-duty"))
    rc, out, err = s.ctl("case", "assign", "K-unknown", "--lawyer", UNKNOWN)
    check("an unknown lawyer is refused", rc == 1 and "没有这个执业证号" in err, (rc, out, err))
    check("... and nothing is recorded", nothing_recorded(s, "K-unknown"))
    rc, out, err = s.ctl("case", "assign", "K-x")
    check("assign without --lawyer is a usage error", rc == 2, (rc, out, err))

    # ---- request ids ----
    args = ("case", "assign", "K-rid", "--lawyer", DUTY_CASE, "--request-id", "rid-1", "--json")
    rc1, js1, _ = s.ctl_json(*args)
    rc2, js2, _ = s.ctl_json(*args)
    check("a repeated request id returns the first answer", rc1 == 0 and rc2 == 0 and js1 == js2
          and js1["status"] == "open" and js1["how"] == "direct", (js1, js2))
    check("... and records it once",
          s.sql1("select count(*) from assign.cases where case_no = 'K-rid'") == "1"
          and len(of_case(events(s, "CaseAssigned"), "K-rid")) == 1)

    # ---- the list ----
    rc, js, err = s.ctl_json("cases", "--json")
    check("cases --json lists both", rc == 0 and {c["case_no"] for c in js["cases"]} == {CASE_A, "K-rid"},
          (rc, js, err))
    rc, out, err = s.ctl("cases", "--lawyer", CASE_ONLY, "--open")
    check("cases --lawyer --open, a table in Chinese", rc == 0 and CASE_A in out and "办理中" in out
          and "直接指派" in out and "K-rid" not in out, (rc, out, err))

    # ---- the case system closes it ----
    st, body = s.post("/v1/cases/events", close_rec("cl-1", CASE_A, CASE_ONLY))
    check("a signed close accepted", st == 202, (st, body))
    s.wait_until(lambda: s.sql1("select finished_how from assign.cases where case_no = %s", CASE_A)
                 == "closed", 15, "the close applied")
    fin = of_case(events(s, "CaseFinished"), CASE_A)
    check("CaseFinished published, how closed", len(fin) == 1 and text(fin[0], 2) == CASE_ONLY
          and text(fin[0], 3) == "closed", fin)
    st, body = s.post("/v1/cases/events", close_rec("cl-1", CASE_A, CASE_ONLY))
    check("the same close again is a duplicate at the gateway", st == 200, (st, body))
    st, body = s.post("/v1/cases/events", close_rec("cl-1b", CASE_A, CASE_ONLY))
    check("the close again under another id accepted", st == 202, (st, body))
    s.wait_until(lambda: s.sql1("select count(*) from assign.closes where case_no = %s", CASE_A)
                 == "2", 15, "the repeat recorded")
    check("a repeated close: still one CaseFinished",
          len(of_case(events(s, "CaseFinished"), CASE_A)) == 1)
    check("both closes matched with the assignment",
          s.sql1("select count(distinct case_id) from assign.closes where case_no = %s", CASE_A)
          == s.sql1("select count(*) from assign.cases where case_no = %s", CASE_A) == "1")
    rc, out, err = s.ctl("cases", "--lawyer", CASE_ONLY)
    check("the list shows it finished", rc == 0 and "已办结" in out, out)

    # ---- a close before the assignment ----
    early = "（2026）浙0302法援102号"
    st, body = s.post("/v1/cases/events", [close_rec("cl-2", early, OTHER_CASE),
                                           close_rec("cl-2b", early, OTHER_CASE)])
    check("a close for a case not assigned yet accepted", st == 207, (st, body))
    s.wait_until(lambda: s.sql1("select count(*) from assign.closes where case_no = %s "
                                "and case_id is null", early) == "2", 15, "the close kept")
    check("... it finishes nothing yet", nothing_recorded(s, early)
          and not of_case(events(s, "CaseFinished"), early))
    rc, out, err = s.ctl("case", "assign", early, "--lawyer", OTHER_CASE)
    check("the case is then assigned, and recorded finished at once",
          rc == 0 and "已同时记为办结" in out, (rc, out, err))
    check("... finished closed at the case system's time",
          s.sql("select finished_how, finish_source like 'gateway:%%' from assign.cases "
                "where case_no = %s", early) == [("closed", "t")])
    a, f = of_case(events(s, "CaseAssigned"), early), of_case(events(s, "CaseFinished"), early)
    check("... CaseAssigned then one CaseFinished", len(a) == 1 and len(f) == 1
          and text(f[0], 3) == "closed", (a, f))
    order = [t for (t,) in s.sql("select type from assign.outbox where position(convert_to(%s, "
                                 "'UTF8') in payload) > 0 order by seq", early)]
    check("... in that order", order == ["CaseAssigned", "CaseFinished"], order)
    check("... both waiting closes matched", s.sql1(
        "select count(*) from assign.closes where case_no = %s and case_id is null", early) == "0")
    rc, out, err = s.ctl("case", "assign", early, "--lawyer", CASE_ONLY)
    check("a finished case may be assigned again, and stays open",
          rc == 0 and "办结" not in out, (rc, out, err))

    # ---- withdrawal ----
    rc, out, err = s.ctl("case", "finish", "K-rid", "--how", "closed")
    check("staff cannot mark a case closed", rc == 1 and "withdrawn" in err, (rc, out, err))
    rc, out, err = s.ctl("case", "finish", "K-rid", "--note", "当事人撤回申请")
    check("staff withdraw a case", rc == 0 and "已撤回" in out, (rc, out, err))
    fin = of_case(events(s, "CaseFinished"), "K-rid")
    check("CaseFinished, how withdrawn", len(fin) == 1 and text(fin[0], 3) == "withdrawn", fin)
    rc, out, err = s.ctl("case", "finish", "K-rid")
    check("withdrawing twice is refused", rc == 1 and "撤回" in err, (rc, out, err))
    rc, out, err = s.ctl("case", "finish", "K-none")
    check("withdrawing an unknown case is refused", rc == 1 and "没有案件" in err, (rc, out, err))
    st, body = s.post("/v1/cases/events", close_rec("cl-3", "K-rid", DUTY_CASE))
    s.wait_until(lambda: s.sql1("select case_id is not null from assign.closes "
                                "where external_id = 'cl-3'") == "t", 15, "late close recorded")
    check("a close after the withdrawal changes nothing",
          len(of_case(events(s, "CaseFinished"), "K-rid")) == 1
          and s.sql1("select finished_how from assign.cases where case_no = 'K-rid'") == "withdrawn")
    rc, out, err = s.ctl("cases", "--lawyer", DUTY_CASE, "--open")
    check("cases --open leaves the withdrawn case out", rc == 0 and "K-rid" not in out, out)

    # ---- registry events with memberships and serving ----
    publish_registry(s, lawyer_changed(OUTSIDE, "外所律师", "outside"))
    publish_registry(s, lawyer_changed(MENTEE, "新入库律师", "active", ["case"],
                                       [("case", "active", MENTOR, False)], ["case"]))
    publish_registry(s, lawyer_changed(STOPPED, "暂停律师", "active", ["duty", "case"],
                                       [("duty", "active", "", False),
                                        ("case", "active", "", True)], ["duty"]))
    s.wait_until(lambda: s.sql1("select count(*) from assign.lawyers") == "33", 15,
                 "injected lawyers in the read-model")
    rc, out, err = s.ctl("case", "assign", "K-outside", "--lawyer", OUTSIDE)
    check("a lawyer outside the pool may be appointed directly (clause 9)",
          rc == 0 and "第九条" in out, (rc, out, err))
    rc, out, err = s.ctl("case", "assign", "K-mentee", "--lawyer", MENTEE)
    ev = of_case(events(s, "CaseAssigned"), "K-mentee")
    check("a member with a case-pool mentor: CaseAssigned names the mentor (clause 24)",
          rc == 0 and "叶秀英" in out and len(ev) == 1 and text(ev[0], 5) == MENTOR, (out, err, ev))
    rc, out, err = s.ctl("case", "assign", "K-stopped", "--lawyer", STOPPED)
    check("a member whose case assignment is stopped is refused",
          rc == 1 and "不能承办案件" in err, (rc, out, err))
    check("... and nothing is recorded", nothing_recorded(s, "K-stopped"))

    # ---- a restart keeps everything and publishes nothing twice ----
    before = s.sql("select type, count(*) from assign.outbox group by 1 order by 1")
    s.restart("assign")
    st, body = s.post("/v1/cases/events", close_rec("cl-4", "K-outside", OUTSIDE))
    s.wait_until(lambda: s.sql1("select finished_how from assign.cases where case_no = 'K-outside'")
                 == "closed", 15, "close after restart")
    after = dict(s.sql("select type, count(*) from assign.outbox group by 1"))
    check("after a restart only the new close is published",
          after.get("CaseFinished") == str(int(dict(before)["CaseFinished"]) + 1)
          and after.get("CaseAssigned") == dict(before)["CaseAssigned"], (before, after))
    check("assignd's registry cursor reached the registry's head",
          s.wait_until(lambda: s.sql1("select last_seq from assign.inbox where producer = 'registry'")
                       == s.sql1("select seq from registry.outbox_head"), 10, "cursor"))

done()
