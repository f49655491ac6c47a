#!/usr/bin/env python3
"""The resource pool end to end, through fayuanctl and the real daemons:
an existing list imported as active members; applications with every
eligibility failure named and dated (licence age, penalty, removal bar);
approval refused until the endorsement and both opinions are recorded; the
training and exam gate; probation with an experienced member alongside and
its expiry raising an assessment; a mentor for a case-pool newcomer; staff
suspension and resumption; removal with the 3-year ban told to the person
and the firm; out-of-pool lawyers; a recruitment round; CSV export; the
yearly list; request-id replays; and the read-models of the other services
following every change."""

import datetime
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fyfeed import lawyers_csv, licences  # noqa: E402
from fytime import now_local  # noqa: E402
from harness import Stack, check, done  # noqa: E402


def ymd(d):
    return d.strftime("%Y-%m-%d")


def anniversary(d, years):
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February -> 1 March
        return d.replace(year=d.year + years, month=3, day=1)


def outbox(s, type_):
    return int(s.sql1("select count(*) from registry.outbox where type = %s", type_))


today = now_local().date()
with Stack(daemons="all", conf={"registry": {"expiry_check_s": "1"}}) as s:
    A, B, C, M = licences(4, prefix="13303209")
    path = os.path.join(s.dir, "l.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(lawyers_csv([A, B, C, M]))
    rc, js, err = s.ctl_json("--json", "import", "lawyers", path)
    check("the existing list imported as active members", rc == 0 and js["memberships_added"] == 8, (js, err))
    check("every imported membership is active and trained",
          s.sql1("select count(*) from registry.memberships where state = 'active' "
                 "and trained_on is not null and exam_passed_on is not null") == "8")
    s.wait_until(lambda: s.sql1("select count(*) from assign.lawyers") == "4", 10, "assignd read-model")
    rc, js, err = s.ctl_json("--json", "import", "lawyers", path)
    check("importing the same list again changes nothing", rc == 0 and js["memberships_added"] == 0
          and js["unchanged"] == 4, js)

    # ---- an application: the licence is one year old; the case pool must wait
    N = "13303209900000001"
    licensed = today - datetime.timedelta(days=400)
    qualified = today - datetime.timedelta(days=200)
    rc, js, err = s.ctl_json("--json", "apply", "--lawyer", N, "--pools", "duty;case", "--name", "郑新律",
                             "--gender", "女", "--birth-date", "1998-05-04", "--firm", "温州新锐律师事务所",
                             "--licensed-since", ymd(licensed), "--qualified-since", ymd(qualified),
                             "--specialties", "婚姻家事;劳动争议", "--phone", "13900001111",
                             "--email", "zheng@example.com", "--request-id", "apply-N")
    check("the application is recorded", rc == 0 and len(js["applications"]) == 1, (js, err))
    app = js["applications"][0]
    el = app["eligibility"]
    check("duty pool: eligible", el["duty"]["eligible"] is True, el)
    check("case pool: ineligible, the licence rule named with the date it is met",
          el["case"]["eligible"] is False and [f["code"] for f in el["case"]["fails"]] == ["licence_years"]
          and el["case"]["eligible_from"] == ymd(anniversary(licensed, 2)), el)
    rc2, js2, _ = s.ctl_json("--json", "apply", "--lawyer", N, "--pools", "duty;case", "--name", "郑新律",
                             "--gender", "女", "--birth-date", "1998-05-04", "--firm", "温州新锐律师事务所",
                             "--licensed-since", ymd(licensed), "--request-id", "apply-N")
    check("the same request id answers the first answer, nothing recorded twice",
          rc2 == 0 and js2 == js and s.sql1("select count(*) from registry.applications") == "1", js2)
    rc, out, err = s.ctl("apply", "--lawyer", N, "--pools", "duty")
    check("a second application while one is open is refused", rc == 1 and "申请" in err, err)
    rc, out, err = s.ctl("apply", "--lawyer", "13303209900000002", "--pools", "duty", "--name", "X",
                         "--gender", "未知", "--birth-date", "1990-13-01", "--firm", "所")
    check("bad applicant data: a clear error, nothing recorded",
          rc == 1 and "错误" in err and s.sql1("select count(*) from registry.applications") == "1", err)
    rc, out, err = s.ctl("applications")
    check("staff see the application and why the case pool is refused",
          rc == 0 and "办案人员库：不符合入库条件，最早 %s 起符合" % ymd(anniversary(licensed, 2)) in out, out)

    app_id = str(app["id"])
    rc, out, err = s.ctl("application", "approve", app_id)
    check("approval refused until the endorsement and both opinions are recorded",
          rc == 1 and "律师协会意见" in err and "司法局" in err, err)
    rc, out, err = s.ctl("application", "record", app_id, "--endorsed-on", ymd(today), "--bureau",
                         "无不良记录", "--bar", "同意")
    check("the consultation is recorded", rc == 0, err)
    rc, out, err = s.ctl("application", "approve", app_id)
    check("approving the ineligible case pool is refused, naming the rule",
          rc == 1 and "执业未满" in err and "--pool" in err, err)
    rc, out, err = s.ctl("application", "approve", app_id, "--pool", "duty")
    check("the duty pool approved", rc == 0, err)
    check("duty approved, case rejected",
          s.sql("select pool, state from registry.memberships where licence = %s order by pool", N)
          == [("case", "rejected"), ("duty", "approved")])
    check("the applicant is told both decisions",
          s.sql("select pool, notice from registry.audit where lawyer = %s and notice <> '' order by pool",
                N) == [("case", "rejected"), ("duty", "approved")])

    # ---- the training and exam gate (clause 10)
    s.wait_until(lambda: s.sql1("select status from assign.lawyers where licence = %s", N) == "applicant",
                 10, "read-model sees the applicant")
    rc, out, err = s.ctl("exam", N, "--result", "pass")
    check("no exam before training", rc == 1 and "培训" in err, err)
    check("train", s.ctl("train", N)[0] == 0)
    check("a failed exam keeps the member out of service",
          s.ctl("exam", N, "--result", "fail")[0] == 0
          and s.sql1("select state from registry.memberships where licence = %s and pool = 'duty'", N) == "trained")
    rc, js, err = s.ctl_json("--json", "exam", N, "--result", "pass")
    check("a passed exam activates the member", rc == 0 and js["pools"] == {"duty": "active"}, (js, err))
    check("qualified < 1 year: three months' probation with an experienced member alongside",
          js["partners"].get("duty") in (A, B, C, M)
          and s.sql1("select probation from registry.memberships where licence = %s and pool = 'duty'", N)
          == "serving", js)
    s.wait_until(lambda: s.sql1("select status from assign.lawyers where licence = %s", N) == "active",
                 10, "read-model sees the member active")
    ev = s.sql1("select count(*) from registry.outbox where type = 'LawyerChanged'")
    check("every change announced", int(ev) >= 4 + 5, ev)

    # ---- probation expiry raises an assessment (clause 19)
    s.sql("update registry.memberships set probation_until = %s where licence = %s and pool = 'duty'",
          int((time.time() - 1) * 1e6), N)
    s.wait_until(lambda: s.sql1("select probation from registry.memberships where licence = %s "
                                "and pool = 'duty'", N) == "due", 10, "probation due")
    rc, out, err = s.ctl("members", "--state", "probation_due")
    check("staff see the assessment due", rc == 0 and N in out and "待考核" in out, out)
    check("the member is told", s.sql1("select count(*) from registry.audit where lawyer = %s "
                                        "and notice = 'probation_due'", N) == "1")
    check("probation passed", s.ctl("probation", "pass", N)[0] == 0
          and s.sql1("select probation from registry.memberships where licence = %s and pool = 'duty'", N) == "passed")

    # ---- a case-pool newcomer gets a mentor with >= 3 years of legal-aid cases (clause 24)
    P = "13303209900000003"
    long_ago = today - datetime.timedelta(days=3650)
    rc, js, err = s.ctl_json("--json", "apply", "--lawyer", P, "--pools", "case", "--name", "钱办案",
                             "--gender", "男", "--birth-date", "1980-01-01", "--firm", "温州老牌律师事务所",
                             "--licensed-since", ymd(long_ago), "--specialties", "刑事辩护",
                             "--endorsed-on", ymd(today))
    pid = str(js["applications"][0]["id"])
    s.ctl("application", "record", pid, "--bureau", "同意", "--bar", "同意")
    check("eligible application approved", s.ctl("application", "approve", pid)[0] == 0)
    # history: M has handled legal-aid cases here for four years, C for two
    s.sql("update registry.lawyers set first_case_here = %s where licence = %s",
          ymd(today - datetime.timedelta(days=4 * 366)), M)
    s.sql("update registry.lawyers set first_case_here = %s where licence = %s",
          ymd(today - datetime.timedelta(days=2 * 365)), C)
    s.ctl("train", P)
    rc, js, err = s.ctl_json("--json", "exam", P, "--result", "pass")
    check("the mentor is the member with >= 3 years of cases", rc == 0 and js["partners"] == {"case": M},
          (js, err))
    check("the mentor is announced in the membership",
          s.sql1("select mentor from registry.memberships where licence = %s", P) == M)

    # ---- staff suspension (clause 20) and resumption
    rc, out, err = s.ctl("suspend", A, "--pool", "duty", "--rule", "20", "--reason", "无故缺勤",
                         "--until", ymd(today + datetime.timedelta(days=30)))
    check("staff suspend A from duty", rc == 0, err)
    s.wait_until(lambda: s.sql1("select serving from assign.lawyers where licence = %s", A) == "{case}",
                 10, "assignd sees A serving cases only")
    rc, out, err = s.ctl("suspend", A, "--pool", "duty", "--reason", "x")
    check("a suspension without its rule is refused", rc == 1 and "rule" in err, err)
    rc, out, err = s.ctl("suspend", A, "--pool", "duty", "--rule", "13", "--reason", "x")
    check("a suspension citing a clause that does not suspend is refused", rc == 1 and "20" in err, err)
    rc, out, err = s.ctl("suspend", A, "--pool", "case", "--rule", "25(3)", "--reason", "案件质量不合格")
    check("a clause with its item is accepted", rc == 0
          and s.sql1("select suspension_rule from registry.memberships where licence = %s and pool = 'case'", A)
          == "25(3)", err)
    check("resume the case pool", s.ctl("resume", A, "--pool", "case")[0] == 0)
    check("resume", s.ctl("resume", A, "--pool", "duty")[0] == 0
          and s.sql1("select state from registry.memberships where licence = %s and pool = 'duty'", A) == "active")

    # ---- removal: the 3-year ban, told to the person and the firm (clauses 28, 29)
    s.ctl("firm", "set", "温州测试律师事务所", "--email", "office@example.com")
    rc, out, err = s.ctl("remove", B, "--reason", "泄露当事人隐私", "--rule", "28", "--request-id", "rm-B")
    check("B removed", rc == 0 and "三年内不得重新申请" in out, (out, err))
    rc2, out2, err2 = s.ctl("remove", B, "--reason", "泄露当事人隐私", "--rule", "28", "--request-id", "rm-B")
    check("repeating the removal's request id changes nothing",
          rc2 == 0 and s.sql1("select count(*) from registry.audit where lawyer = %s and action = 'removed'", B) == "2")
    check("one removal notice, to the person and the firm",
          s.sql("select notice, tell_firm from registry.audit where lawyer = %s and notice <> ''", B)
          == [("removed", "t")] and outbox(s, "MemberNotice") >= 1)
    rc, js, err = s.ctl_json("--json", "eligibility", B)
    ban_end = ymd(anniversary(today, 3))
    check("B may not re-apply until the third anniversary of the removal",
          js["duty"]["eligible"] is False and js["duty"]["eligible_from"] == ban_end
          and js["duty"]["fails"][0]["code"] == "removed", js)
    rc, js, err = s.ctl_json("--json", "apply", "--lawyer", B, "--pools", "duty")
    check("a removed lawyer's application is recorded with the ban named",
          rc == 0 and js["applications"][0]["eligibility"]["duty"]["fails"][0]["code"] == "removed", (js, err))
    s.wait_until(lambda: s.sql1("select status from score.lawyers where licence = %s", B) in ("removed", "applicant"),
                 10, "scored's read-model follows")

    # ---- a penalty within three years (clause 6)
    rc, out, err = s.ctl("penalty", "add", C, "--kind", "bar_sanction",
                         "--on", ymd(today - datetime.timedelta(days=100)), "--note", "行业处分")
    check("penalty recorded", rc == 0, err)
    rc, js, err = s.ctl_json("--json", "eligibility", C)
    check("the penalty is named, with the day it stops counting",
          [f["code"] for f in js["case"]["fails"]] == ["penalty"]
          and js["case"]["eligible_from"] == ymd(anniversary(today - datetime.timedelta(days=100), 3)), js)
    rc, out, err = s.ctl("penalty", "add", C, "--kind", "fine", "--on", ymd(today))
    check("an unknown kind of penalty is refused", rc == 1, err)

    # ---- exits (clauses 26, 27)
    rc, out, err = s.ctl("exit", C, "--kind", "voluntary", "--reason", "工作调动", "--pool", "duty")
    check("C leaves the duty pool voluntarily (no open case)", rc == 0
          and s.sql1("select exit_kind from registry.memberships where licence = %s and pool = 'duty'", C)
          == "voluntary", err)

    # a voluntary exit waits for the member's open assignments (clause 26)
    rc, out, err = s.ctl("case", "assign", "AJ-2026-001", "--lawyer", M)
    check("a case assigned to M", rc == 0, (out, err))
    s.wait_until(lambda: s.sql1("select count(*) from registry.open_cases where lawyer = %s", M) == "1",
                 10, "registry sees M's open case")
    rc, js, err = s.ctl_json("--json", "exit", M, "--kind", "voluntary", "--reason", "退休", "--pool", "case")
    check("M's exit is kept pending while the case is open",
          rc == 0 and js.get("exit_pending") is True and js.get("open_cases") == 1
          and s.sql1("select state from registry.memberships where licence = %s and pool = 'case'", M) == "active",
          (js, err))
    s.wait_until(lambda: s.sql1("select serving from assign.lawyers where licence = %s", M) == "{duty}",
                 10, "a member about to leave gets no new case")
    rc, out, err = s.ctl("case", "assign", "AJ-2026-002", "--lawyer", M)
    check("no new case for a member whose exit is pending", rc == 1, err)
    st, body = s.post("/v1/cases/events", {"id": "close-1", "case": "AJ-2026-001", "lawyer": M,
                                           "type": "closed", "category": "ordinary",
                                           "at": now_local().isoformat(timespec="seconds")})
    check("the case system reports the case closed", st == 202, body)
    s.wait_until(lambda: s.sql1("select state from registry.memberships where licence = %s and pool = 'case'",
                                M) == "exited", 15, "exit completed")
    check("the exit took effect once the case was finished, and M was told",
          s.sql1("select exit_kind from registry.memberships where licence = %s and pool = 'case'", M)
          == "voluntary" and s.sql1("select count(*) from registry.audit where lawyer = %s "
                                    "and notice = 'exited'", M) == "1")

    # P's mentor has left: P is listed for a new one
    rc, js, err = s.ctl_json("--json", "members", "--state", "mentor_needed")
    check("a newcomer whose mentor left is listed for a new mentor",
          rc == 0 and [m["licence"] for m in js["members"]] == [P], js)
    rc, out, err = s.ctl("mentor", "assign", P)
    check("nobody else has 3 years of legal-aid cases: staff are asked to name one",
          rc == 1 and "--mentor" in err, err)
    rc, js, err = s.ctl_json("--json", "mentor", "assign", P, "--mentor", A)
    check("staff name the mentor", rc == 0 and js["partners"] == {"case": A}
          and s.sql1("select mentor from registry.memberships where licence = %s", P) == A, (js, err))

    # ---- rectification refused: removal (clause 28(2))
    rc, out, err = s.ctl("rectify", C, "--result", "refused")
    check("no rectification was ordered: nothing to refuse", rc == 1 and "整改" in err, err)
    check("C suspended from cases, rectification ordered", s.ctl(
        "suspend", C, "--pool", "case", "--rule", "25(4)", "--reason", "经查证投诉属实")[0] == 0)
    rc, out, err = s.ctl("rectify", C, "--result", "refused", "--reason", "拒不整改")
    check("refusing to rectify removes C under 28(2), with the ban, told to C and the firm",
          rc == 0 and s.sql1("select exit_kind from registry.memberships where licence = %s "
                             "and pool = 'case'", C) == "removed"
          and s.sql1("select count(*) from registry.audit where lawyer = %s and action = "
                     "'rectification_refused'", C) == "1"
          and s.sql("select rule, tell_firm from registry.audit where lawyer = %s and notice = 'removed'", C)
          == [("28(2)", "t")], (out, err))

    # ---- out-of-pool lawyers (clause 9)
    O = "13303209900000009"
    rc, out, err = s.ctl("outside", "add", O, "--name", "孙库外", "--gender", "男", "--birth-date",
                         "1975-02-02", "--firm", "温州本地律师事务所", "--licensed-since", "2000-01-01")
    check("a local lawyer outside the pool is recorded", rc == 0, err)
    s.wait_until(lambda: s.sql1("select status from assign.lawyers where licence = %s", O) == "outside",
                 10, "assignd knows the outside lawyer")
    check("an outside lawyer is not ranked", s.sql1("select count(*) from score.lawyers where licence = %s "
                                                    "and status in ('active','suspended')", O) == "0")

    # ---- a recruitment round's applications as one CSV (all or nothing)
    R1, R2 = "13303209900000011", "13303209900000012"
    apath = os.path.join(s.dir, "round-apps.csv")
    with open(apath, "w", encoding="utf-8") as f:
        f.write("licence,name,gender,birth_date,firm,licensed_since,pools,specialties,phone,email\n"
                "%s,冯一,男,1990-01-01,温州甲律师事务所,2015-01-01,duty;case,劳动争议,,\n"
                "%s,冯二,女,1991-02-02,温州乙律师事务所,2016-02-02,case,,13900002222,\n" % (R1, R2))
    rc, js, err = s.ctl_json("--json", "apply", apath, "--round", "2026", "--endorsed-on", ymd(today))
    check("a round's CSV records one application per row, each checked",
          rc == 0 and [a["lawyer"] for a in js["applications"]] == [R1, R2]
          and all(a["eligibility"]["case"]["eligible"] for a in js["applications"]), (js, err))
    check("the round and the endorsement are on every application", s.sql1(
        "select count(*) from registry.applications where round = '2026' and endorsed_on is not null") == "2")
    with open(apath, "w", encoding="utf-8") as f:
        f.write("licence,name,gender,birth_date,firm,licensed_since,pools,specialties,phone,email\n"
                "13303209900000013,冯三,男,1990-01-01,温州甲律师事务所,2015-01-01,duty,,,\n"
                "13303209900000014,冯四,X,1991-02-31,温州乙律师事务所,2016-02-02,none,,,\n")
    n_before = s.sql1("select count(*) from registry.applications")
    rc, out, err = s.ctl("apply", apath, "--round", "2026")
    check("a CSV with a bad row records nothing and names the line",
          rc == 1 and "第 3 行" in err and s.sql1("select count(*) from registry.applications") == n_before, err)

    # ---- the biennial round re-confirms members (clause 4)
    rpath = os.path.join(s.dir, "round.csv")
    with open(rpath, "w", encoding="utf-8") as f:
        f.write("licence\n%s\n%s\n" % (A, M))
    rc, out, err = s.ctl("round", "confirm", rpath, "--round", "2026")
    check("the round confirms the listed members", rc == 0, err)
    rc, js, err = s.ctl_json("--json", "members", "--unconfirmed", "2026")
    unconfirmed = sorted(m["licence"] for m in js["members"])
    check("staff see who the round did not confirm", A not in unconfirmed and M not in unconfirmed
          and N in unconfirmed, unconfirmed)
    with open(rpath, "w", encoding="utf-8") as f:
        f.write("licence\n%s\n%s\n" % (A, B))
    rc, out, err = s.ctl("round", "confirm", rpath, "--round", "2026")
    check("a round naming a non-member is refused whole", rc == 1 and B in err, err)

    # ---- export (provincial platform, staff spreadsheet)
    rc, out, err = s.ctl("export", "--pool", "case")
    lines = out.strip().split("\n")
    check("provincial export: header and one line per case-pool member",
          rc == 0 and lines[0].startswith("执业证号,姓名,性别,出生日期")
          and len(lines) - 1 == int(s.sql1("select count(*) from registry.memberships where pool = 'case' "
                                         "and state in ('active','suspended')")), lines[:3])
    xpath = os.path.join(s.dir, "staff.csv")
    rc, out, err = s.ctl("export", "--format", "staff", "--out", xpath)
    with open(xpath, "rb") as f:
        data = f.read()
    check("staff export starts with a BOM and carries probation and mentor",
          rc == 0 and data.startswith(b"\xef\xbb\xbf") and "导师".encode() in data and M.encode() in data)

    # ---- the yearly list (clause 8)
    rc, out, err = s.ctl("list", "publish", "--year", str(today.year))
    check("the list published", rc == 0 and "已发布" in out, (out, err))
    entries = json.loads(s.sql1("select entries::text from registry.publications"))
    check("the snapshot holds exactly the clause 8 fields of each case-pool member",
          all(sorted(e) == ["age", "gender", "name", "practice_years", "specialties"] for e in entries)
          and len(entries) == int(s.sql1("select count(*) from registry.memberships where pool = 'case' "
                                         "and state = 'active' and not cases_suspended and not exit_pending")),
          entries[:2])
    check("the publication is an event for the gateway", outbox(s, "CasePoolPublished") == 1)
    rc, out, err = s.ctl("list", "publish", "--year", "1999")
    check("a year out of range is refused", rc == 1, err)

    # leaving both pools with a case open: the duty pool at once, the case pool once it is finished
    check("a case assigned to A", s.ctl("case", "assign", "AJ-2026-003", "--lawyer", A)[0] == 0)
    s.wait_until(lambda: s.sql1("select count(*) from registry.open_cases where lawyer = %s", A) == "1",
                 10, "registry sees A's open case")
    rc, js, err = s.ctl_json("--json", "exit", A, "--kind", "voluntary", "--reason", "转行")
    check("A leaves the duty pool now; the case pool waits for the open case",
          rc == 0 and js["pools"] == {"duty": "exited", "case": "active"} and js["exit_pending"] is True,
          (js, err))
    check("staff withdraw the case", s.ctl("case", "finish", "AJ-2026-003", "--how", "withdrawn")[0] == 0)
    s.wait_until(lambda: s.sql1("select state from registry.memberships where licence = %s and pool = 'case'",
                                A) == "exited", 15, "A's exit completed")

    rc, out, err = s.ctl("member", N)
    check("staff see a member's full history", rc == 0 and "probation_passed" in out and "staff:" in out, out)
done()
