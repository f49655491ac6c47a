#!/usr/bin/env python3
"""Annex 1 through the case-quality system's feeds and Annex 2 through staff:
evaluations superseded in both arrival orders (the final one counts, the
highest level wins), write-ups counted at their highest level, closures,
satisfaction, plea help, activities and drafting; a record for an unknown
lawyer parked and applied once the lawyer is registered; deductions that
count at once, that wait for verification, and that are reversed on appeal;
and `points explain` summing to the standings."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fyfeed import lawyers_csv, licences  # noqa: E402
from fytime import at, days_of, previous_quarter  # noqa: E402
from harness import Stack, check, done  # noqa: E402

prev_q, first, last = previous_quarter()
days = days_of(first, last, 1)  # Tuesdays of the previous quarter
A, B, C, D = licences(4, prefix="13303205")


def ev(i, lawyer, case, level, grade, d, hh=10):
    return {"id": i, "case": case, "lawyer": lawyer, "level": level, "grade": grade,
            "evaluated_at": at(d, hh)}


def case_ev(i, lawyer, typ, d, case=None, **extra):
    r = {"id": i, "lawyer": lawyer, "type": typ, "at": at(d, 10)}
    if case is not None:
        r["case"] = case
    r.update(extra)
    return r


with Stack(daemons="all") as s:
    path = os.path.join(s.dir, "l.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(lawyers_csv([A, B, C]))
    check("three lawyers imported", s.ctl("import", "lawyers", path)[0] == 0)
    s.wait_until(lambda: s.sql1("select count(*) from score.lawyers") == "3", 10, "scored read-model")

    def points():
        rc, js, err = s.ctl_json("standings", "--quarter", prev_q, "--json")
        return {m["licence"]: m["points"] for m in js["members"]} if rc == 0 and js else {}

    # ---- evaluations: the same five records for A in order and for B reversed ----
    case = "（2026）浙0302法援123号"
    seq = [("city", "good", 0), ("city", "excellent", 1), ("city", "unqualified", -1),
           ("province", "qualified", 2), ("city", "excellent", 3)]
    # In time order: good (t0) -> excellent (t1) ; a late city unqualified dated before
    # them changes nothing ; province qualified (t2) wins by level ; city excellent (t3)
    # later in time still loses to the province level. Final: 6.3 = -1.
    recs_a = [ev("qa%d" % k, A, case, lvl, gr, days[1], 10 + hh) for k, (lvl, gr, hh) in enumerate(seq)]
    recs_a[2]["evaluated_at"] = at(days[0], 9)  # the unqualified one is older than all
    for r in recs_a:
        st, body = s.post("/v1/quality/evaluations", r)
        check("evaluation %s accepted" % r["id"], st == 202, (st, body))
    recs_b = [dict(r, id=r["id"].replace("qa", "qb"), lawyer=B) for r in recs_a]
    st, body = s.post("/v1/quality/evaluations", list(reversed(recs_b)))
    check("evaluations as an array, in reverse order", st == 207
          and all(a["status"] == "accepted" for a in body), body)
    st, body = s.post("/v1/quality/evaluations", recs_a[0])
    check("resent evaluation is a duplicate", st == 200, (st, body))
    st, body = s.post("/v1/quality/evaluations", recs_a[0], secret=s.hotline_secret)
    check("the hotline's secret does not sign quality records", st == 401, (st, body))
    s.wait_until(lambda: points().get(A) == -1 and points().get(B) == -1, 15, "evaluations settled")
    check("the final evaluation at the highest level counts, in both arrival orders",
          points().get(A) == -1 and points().get(B) == -1, points())
    rows = s.sql("select rule_code, points_centi, source_event from score.ledger "
                 "where lawyer = %s and source like 'quality:%%' order by id", A)
    check("supersedes are added differences that sum to the final rule, never edits",
          sum(int(p) for _, p, _ in rows) == -100 and rows[-1][0] == "6.3"
          and len({e for _, _, e in rows}) == len(rows), rows)

    # ---- write-ups, closures, satisfaction, plea help, activities, drafting (C) ----
    k2 = "温法援〔2026〕45号"
    feed = [
        case_ev("w1", C, "writeup", days[2], k2, level="recommended"),      # 8.2: +4
        case_ev("w2", C, "writeup", days[3], k2, level="submitted"),        # lower, late: 0
        case_ev("c1", C, "closed", days[2], k2, category="group"),          # 4.2: +8
        case_ev("s1", C, "satisfaction", days[2], k2, rating="satisfied"),  # 5.1: +2
        case_ev("s2", C, "satisfaction", days[3], k2, rating="basic"),      # latest 5.3: -1
        case_ev("p1", C, "plea_help", days[2], "浙检刑诉〔2026〕7号"),       # 7.1: +1
        case_ev("a1", C, "activity", days[2], kind="lecture"),              # 9.2: +2
        case_ev("a2", C, "activity", days[3], kind="consultation"),         # 9.1: +1
        case_ev("d1", C, "drafting", days[3]),                              # 3.1: +1
    ]
    st, body = s.post("/v1/cases/events", feed)
    check("case events accepted", st == 207 and all(a["status"] == "accepted" for a in body), body)
    s.wait_until(lambda: points().get(C) == 4 + 8 - 1 + 1 + 2 + 1 + 1, 15, "case events settled")
    st, body = s.post("/v1/cases/events", case_ev("w3", C, "writeup", days[4], k2, level="city_typical"))
    check("an upgraded write-up accepted", st == 202, body)
    s.wait_until(lambda: points().get(C) == 8 + 8 - 1 + 1 + 2 + 1 + 1, 15, "upgrade adds the difference")
    check("write-up counts only its highest level; satisfaction the latest rating",
          points().get(C) == 20, points())
    st, body = s.post("/v1/cases/events", case_ev("bad", C, "closed", days[2], k2, rating="satisfied"))
    check("a closure with a rating is refused, naming the field", st == 400
          and body.get("field") in ("rating", "category"), (st, body))
    st, body = s.post("/v1/cases/events", case_ev("nocase", C, "writeup", days[2], level="submitted"))
    check("a write-up without its case is refused", st == 400 and body.get("field") == "case", (st, body))

    # ---- a lawyer the registry does not know: accepted, parked, applied later ----
    st, body = s.post("/v1/quality/evaluations", ev("qd", D, "D案", "city", "excellent", days[2]))
    check("record for an unknown lawyer is accepted", st == 202, (st, body))
    s.wait_until(lambda: s.sql1("select count(*) from score.facts where lawyer = %s", D) == "1", 10,
                 "fact stored")
    rc, js, err = s.ctl_json("feed", "unmatched", "--json")
    check("staff see it as unmatched", rc == 0 and [r["lawyer"] for r in js["records"]] == [D], js)
    rc, out, err = s.ctl("feed", "unmatched")
    check("unmatched list in Chinese", rc == 0 and "尚未登记" in out and D in out, out)
    path2 = os.path.join(s.dir, "d.csv")
    with open(path2, "w", encoding="utf-8") as f:
        f.write(lawyers_csv([D]))
    check("the lawyer is registered", s.ctl("import", "lawyers", path2)[0] == 0)
    s.wait_until(lambda: points().get(D) == 4, 15, "parked record applied")
    check("parked record counted once the lawyer exists", points().get(D) == 4, points())
    rc, js, err = s.ctl_json("feed", "unmatched", "--json")
    check("nothing left unmatched", rc == 0 and js["records"] == [], js)

    # ---- deductions ----
    day = days[5].isoformat()
    rc, js, err = s.ctl_json("deduct", "--lawyer", A, "--code", "1.1.1", "--at", day, "--note", "迟到10分钟", "--json")
    check("a plain deduction counts at once", rc == 0 and js["status"] == "counted", (rc, js, err))
    late_id = js and js["id"]
    rc, js, err = s.ctl_json("deduct", "--lawyer", A, "--code", "2.2", "--at", day, "--note", "法院投诉", "--json")
    check("a complaint waits for verification", rc == 0 and js["status"] == "reported", (rc, js, err))
    complaint_id = js and js["id"]
    s.wait_until(lambda: points().get(A) == -2, 10, "deduction counted")
    check("reported complaint not yet deducted", points().get(A) == -2, points())
    rc, out, err = s.ctl("deduction", "verify", complaint_id)
    check("verify", rc == 0 and "已计入" in out, (out, err))
    s.wait_until(lambda: points().get(A) == -10, 10, "verified complaint deducted")
    rc, out, err = s.ctl("deduction", "verify", complaint_id)
    check("verifying twice is refused", rc == 1 and "已核实" in err, err)
    rc, out, err = s.ctl("deduction", "reverse", late_id)
    check("reversing needs a reason", rc == 1 and "理由" in err, err)
    rc, out, err = s.ctl("deduction", "reverse", late_id, "--reason", "申诉成立：交通管制")
    check("reverse on appeal", rc == 0 and "撤销" in out, (out, err))
    s.wait_until(lambda: points().get(A) == -9, 10, "reversal gives the point back")
    check("the reversal is a compensating entry", s.sql1(
        "select count(*) from score.ledger where source = %s", "deduction:%s" % late_id) == "2")
    rc, out, err = s.ctl("deduct", "--lawyer", A, "--code", "3", "--at", day, "--note", "其他")
    check("code 3 needs --points", rc == 1 and "--points" in err, err)
    rc, js, err = s.ctl_json("deduct", "--lawyer", A, "--code", "3", "--at", day, "--note", "其他", "--points", "5", "--json")
    check("code 3 with points starts reported", rc == 0 and js["status"] == "reported", (rc, js, err))
    rc, out, err = s.ctl("deduct", "--lawyer", "13303000000000000", "--code", "1.1.1", "--at", day, "--note", "x")
    check("unknown lawyer refused", rc == 1 and "没有这个执业证号" in err, err)
    rc, out, err = s.ctl("deduct", "--lawyer", A, "--code", "9.9", "--at", day, "--note", "x")
    check("unknown code refused", rc == 1 and "附件2" in err, err)
    before = s.sql1("select count(*) from score.deductions")
    rc, out, err = s.ctl("--request-id", "ded-1", "deduct", "--lawyer", B, "--code", "1.5", "--at", day, "--note", "未登记日志")
    rc2, out2, err2 = s.ctl("--request-id", "ded-1", "deduct", "--lawyer", B, "--code", "1.5", "--at", day, "--note", "未登记日志")
    check("a repeated request id records one deduction", rc == 0 and out == out2
          and int(s.sql1("select count(*) from score.deductions")) == int(before) + 1, (out, out2))

    # ---- clause 25(3): case assignment suspended pending rectification ----
    # A and B each have one case rated qualified (6.3) at province level. A gets a
    # second qualified case: two at qualified or below within a year. B gets an
    # unqualified one. C has none.
    st, body = s.post("/v1/quality/evaluations", [
        ev("qa-k3", A, "K3", "city", "qualified", days[6]),
        ev("qb-k4", B, "K4", "city", "unqualified", days[6]),
        ev("qc-k5", C, "K5", "city", "good", days[6]),
    ])
    check("more evaluations accepted", st == 207, body)
    s.wait_until(lambda: s.sql1("select count(*) from score.sanctions where kind = 'suspend_cases'") == "2",
                 15, "clause 25(3) sanctions")
    rows = sorted(s.sql("select lawyer, rule, status, records::text from score.sanctions "
                        "where kind = 'suspend_cases'"))
    check("25(3) due for A (two qualified) and B (one unqualified), not C",
          [r[0] for r in rows] == sorted([A, B]) and all(r[1] == "25(3)" and r[2] == "ordered"
                                                         for r in rows), rows)
    check("each names the cases behind it",
          case in rows[0][3] and "K3" in rows[0][3] and "K4" in rows[1][3], rows)
    s.wait_until(lambda: s.sql1("select count(*) from score.outbox where type = 'SanctionDue'") == "2",
                 10, "SanctionDue published")
    st, body = s.post("/v1/quality/evaluations", ev("qa-k6", A, "K6", "city", "unqualified", days[6]))
    s.wait_until(lambda: s.sql1("select count(*) from score.facts where external_id = 'qa-k6'") == "1",
                 10, "another evaluation applied")
    check("no second 25(3) sanction while one is open",
          s.sql1("select count(*) from score.sanctions where kind = 'suspend_cases' and lawyer = %s", A)
          == "1")

    # ---- explanations sum to the standings ----
    # B: -1 (province qualified) -4 (K4 unqualified) -2 (1.5 deduction)
    s.wait_until(lambda: points().get(B) == -7, 10, "B's deduction")
    pts = points()
    for lic in (A, B, C, D):
        rc, js, err = s.ctl_json("points", "explain", lic, "--quarter", prev_q, "--json")
        total = round(sum(e["points"] for e in js["entries"]), 2) if rc == 0 and js else None
        check("explain %s sums to its standings total" % lic,
              rc == 0 and total == pts[lic] and js["points"] == pts[lic], (total, pts.get(lic)))
    rc, out, err = s.ctl("points", "explain", C, "--quarter", prev_q)
    check("explain in Chinese names rules and sources", rc == 0 and "积分明细" in out and "writeup:" in out
          and "案例" in out, out)

done()
