#!/usr/bin/env python3
"""The thin path end to end across the real daemons: a lawyer list imported by
staff, 12348 seat sessions posted by the hotline system (duplicates, reordered
pairs, every kind of bad request), shifts classed by the calendar, points in
the ledger, provisional tiers, and the message a lawyer receives."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fytime import at, days_of, now_local, previous_quarter, quarter_of  # noqa: E402
from harness import Stack, check, done  # noqa: E402

HEADER = "licence,name,gender,birth_date,firm,licensed_since,pools,specialties,phone,email\n"
NAMES = ["王海燕", "李建军", "张丽华", "刘志强", "陈晓东", "杨秀兰", "赵国庆", "黄美玲", "周文斌", "吴丽娟"]
LAWYERS = ["1330320151000%04d" % (i + 1) for i in range(10)]


def roster_csv():
    rows = []
    for i, (lic, name) in enumerate(zip(LAWYERS, NAMES)):
        rows.append("%s,%s,%s,19%02d-03-0%d,温州瓯江律师事务所,2015-06-01,duty;case,劳动争议,1390000%04d,l%d@example.com"
                    % (lic, name, "女" if i % 2 else "男", 70 + i, 1 + i % 9, i + 1, i))
    return HEADER + "\n".join(rows) + "\n"


def accepted_count(s):
    return int(s.sql1("select count(*) from gateway.accepted"))


def expected_tiers(points):
    """RULES.md ranking policy, computed independently of the C code."""
    ordered = sorted(points.values(), reverse=True)
    n = len(ordered)
    out = {}
    for lic, p in points.items():
        pos = ordered.index(p) + 1
        out[lic] = (pos, "green" if pos * 1000 <= 300 * n else "red" if pos * 1000 > 900 * n else "blue")
    return out


# The previous quarter is complete, so every kind of day is in it: a weekday
# the test declares a public holiday, a Saturday it declares a make-up working
# day (调休), and an ordinary Saturday.
prev_q, first, last = previous_quarter()
mondays, tuesdays, wednesdays = (days_of(first, last, d) for d in (0, 1, 2))
saturdays = days_of(first, last, 5)
holiday, makeup, plain_sat = wednesdays[1], saturdays[1], saturdays[2]
conf = {"roster": {"holidays": holiday.isoformat(), "workdays": makeup.isoformat(),
                   "working_hours": "08:30-12:00,14:00-17:30"}}

with Stack(daemons="all", conf=conf) as s:
    csv_path = os.path.join(s.dir, "lawyers.csv")
    with open(csv_path, "w", encoding="utf-8") as f:
        f.write(roster_csv())

    # ---- staff import: bad file changes nothing, a good one imports all -----
    bad_path = os.path.join(s.dir, "bad.csv")
    with open(bad_path, "w", encoding="utf-8") as f:
        f.write(roster_csv().replace("19", "XX", 1).replace(",女,", ",F?,"))
    rc, out, err = s.ctl("import", "lawyers", bad_path)
    check("bad CSV refused", rc == 1 and "未导入任何记录" in err, (rc, out, err))
    check("bad CSV reports line numbers", "第 2 行" in err and "第 3 行" in err, err)
    check("bad CSV changed nothing", s.sql1("select count(*) from registry.lawyers") == "0")

    rc, out, err = s.ctl("--request-id", "import-1", "import", "lawyers", csv_path)
    check("import succeeds", rc == 0 and "新增 10" in out, (rc, out, err))
    rc, out, err = s.ctl("--request-id", "import-1", "import", "lawyers", csv_path)
    check("repeated request id returns the first answer", rc == 0 and "新增 10" in out, out)
    rc, out, err = s.ctl("import", "lawyers", csv_path)
    check("re-import of the same list changes nothing", rc == 0 and "无变化 10" in out, out)
    check("registry published one event per lawyer",
          s.sql1("select count(*) from registry.outbox where type = 'LawyerChanged'") == "10")

    s.wait_until(lambda: s.sql1("select count(*) from gateway.lawyers") == "10", 10,
                 "gateway knows the lawyers")

    # ---- the hotline feed ----------------------------------------------------
    A, B, C, D, E, F = LAWYERS[:6]
    sess = lambda i, lic, ev, t: {"id": i, "lawyer": lic, "event": ev, "at": t}  # noqa: E731
    # A: an ordinary weekday morning, in order -> 2.1 (1 point)
    st, body = s.post("/v1/hotline/sessions", sess("a-in", A, "sign_in", at(mondays[1], 9)))
    check("sign_in accepted", st == 202 and body == {"status": "accepted", "id": "a-in"}, (st, body))
    st, body = s.post("/v1/hotline/sessions", sess("a-out", A, "sign_out", at(mondays[1], 11)))
    check("sign_out accepted", st == 202, (st, body))
    st, body = s.post("/v1/hotline/sessions", sess("a-out", A, "sign_out", at(mondays[1], 11)))
    check("resend is a duplicate", st == 200 and body.get("status") == "duplicate", (st, body))
    st, body = s.post("/v1/hotline/sessions", sess("a-out", A, "sign_out", at(mondays[1], 12)))
    check("same id, other content: 409", st == 409 and body.get("error") == "conflict", (st, body))
    # B: a weekday evening, sign_out first -> 2.2 (1.5)
    s.post("/v1/hotline/sessions", sess("b-out", B, "sign_out", at(tuesdays[2], 21)))
    s.post("/v1/hotline/sessions", sess("b-in", B, "sign_in", at(tuesdays[2], 19)))
    # C: the declared holiday, working hours on the clock -> 2.2
    # D: the make-up Saturday -> 2.1;  E: a plain Saturday -> 2.2
    # F: 11:00-15:00 on a weekday: 2 of 4 hours in working hours -> 2.1 (majority)
    st, body = s.post("/v1/hotline/sessions", [
        sess("c-in", C, "sign_in", at(holiday, 9)), sess("c-out", C, "sign_out", at(holiday, 11)),
        sess("d-out", D, "sign_out", at(makeup, 11)), sess("d-in", D, "sign_in", at(makeup, 9)),
        sess("e-in", E, "sign_in", at(plain_sat, 9)), sess("e-out", E, "sign_out", at(plain_sat, 11)),
        sess("f-in", F, "sign_in", at(wednesdays[3], 11)),
        sess("f-out", F, "sign_out", at(wednesdays[3], 15)),
        sess("a-in", A, "sign_in", at(mondays[1], 9)),
        {"id": "junk"},
    ])
    answers = [a.get("status") or a.get("error") for a in body] if isinstance(body, list) else body
    check("array answered 207 per record, in order", st == 207 and answers ==
          ["accepted"] * 8 + ["duplicate", "missing_field"], (st, answers))
    check("array answers carry their code", isinstance(body, list) and body[8].get("code") == 200
          and body[9].get("code") == 400, body)

    # ---- bad requests: each gets its 4xx and changes nothing -----------------
    before = accepted_count(s)
    good = sess("z-1", A, "sign_in", at(mondays[2], 9))
    st, body = s.post("/v1/hotline/sessions", good, signature="0" * 64)
    check("bad signature: 401", st == 401 and body.get("error") == "signature_mismatch", (st, body))
    st, body = s.post("/v1/hotline/sessions", good, secret=s.quality_secret)
    check("the quality system's secret is not the hotline's: 401", st == 401, (st, body))
    import time
    st, body = s.post("/v1/hotline/sessions", good, timestamp=int(time.time()) - 301)
    check("stale timestamp: 401", st == 401 and body.get("error") == "stale_timestamp", (st, body))
    st, body = s.post("/v1/hotline/sessions", good, secret=False)
    check("no signature: 401", st == 401 and body.get("error") == "missing_signature", (st, body))
    st, body = s.post("/v1/hotline/sessions", '{"id": "z-2", "lawyer": ', raw=True)
    check("malformed JSON: 400 naming the problem", st == 400 and body.get("error") == "malformed_json"
          and "field" in body and "message" in body, (st, body))
    st, body = s.post("/v1/hotline/sessions", sess("z-3", "13303999999999999", "sign_in", at(mondays[2], 9)))
    check("unknown lawyer: 400 naming the field", st == 400 and body.get("error") == "unknown_lawyer"
          and body.get("field") == "lawyer", (st, body))
    st, body = s.post("/v1/hotline/sessions", sess("z-4", A, "sign_on", at(mondays[2], 9)))
    check("bad event: 400 naming the field", st == 400 and body.get("field") == "event", (st, body))
    st, body = s.post("/v1/hotline/sessions", sess("z-5", A, "sign_in", "yesterday"))
    check("bad timestamp: 400 naming the field", st == 400 and body.get("field") == "at", (st, body))
    st, body = s.post("/v1/hotline/sessions", [good] * 1001)
    check("more than 1000 records: 413", st == 413, (st, body))
    st, body = s.post("/v1/hotline/sessions", "[" + " " * (4 * 1024 * 1024) + "]", raw=True)
    check("oversized body: 413", st == 413, (st, str(body)[:200]))
    st, body = s.get("/v1/hotline/sessions")
    check("wrong method: 405", st == 405 and body.get("error") == "method_not_allowed", (st, body))
    st, body = s.get("/v1/nothing")
    check("unknown path: 404 JSON", st == 404 and body.get("error") == "not_found", (st, body))
    check("bad requests changed nothing", accepted_count(s) == before, (before, accepted_count(s)))

    # ---- points, classed by the calendar ----------------------------------------
    want = {A: 1, B: 1.5, C: 1.5, D: 1, E: 1.5, F: 1}
    def prev_points():
        rc, js, err = s.ctl_json("standings", "--quarter", prev_q, "--json")
        return {m["licence"]: m["points"] for m in js["members"]} if rc == 0 and js else {}
    s.wait_until(lambda: all(prev_points().get(k) == v for k, v in want.items()), 15,
                 "points of the previous quarter")
    pts = prev_points()
    check("points: weekday 2.1, evening 2.2, holiday 2.2, make-up day 2.1, Saturday 2.2, straddle 2.1",
          all(pts.get(k) == v for k, v in want.items()) and all(pts[k] == 0 for k in LAWYERS[6:]), pts)
    rows = s.sql("select rule_code, count(*) from roster.shifts where status = 'completed' "
                 "group by 1 order by 1")
    check("six shifts, three of each code", rows == [("2.1", "3"), ("2.2", "3")], rows)
    check("one ledger entry per shift, none doubled",
          s.sql1("select count(*) from score.ledger") == "6"
          and s.sql1("select count(distinct source) from score.ledger") == "6")
    rc, js, err = s.ctl_json("standings", "--quarter", prev_q, "--json")
    check("standings JSON has the contract's shape",
          rc == 0 and set(js) == {"center", "quarter", "final", "members"} and js["center"] == "wz"
          and js["quarter"] == prev_q and js["final"] is False
          and all(set(m) == {"licence", "name", "points", "position", "tier"} for m in js["members"]),
          js)
    exp = expected_tiers({m["licence"]: m["points"] for m in js["members"]})
    check("positions and tiers follow the ranking policy",
          all((m["position"], m["tier"]) == exp[m["licence"]] for m in js["members"]), js["members"])
    rc, out, err = s.ctl("standings", "--quarter", prev_q)
    check("standings table for staff is in Chinese", rc == 0 and "积分排名" in out and "绿色" in out
          and NAMES[0] in out, out)
    rc, out, err = s.ctl("standings", "--quarter", "2026Q5")
    check("a bad quarter is refused with a reason", rc == 1 and "2026Q4" in err, (rc, err))

    # ---- live tiers in the current quarter, and the lawyer's message --------------
    now = now_local()
    cur_q = quarter_of(now)
    t_in = now.replace(minute=0, second=0, microsecond=0)
    start = t_in.replace(hour=max(0, t_in.hour - 3))
    if quarter_of(start) == cur_q:
        # Before: nobody has points this quarter, all ten tie at position 1 (green).
        # After: three lawyers score and share position 1; the other seven fall to
        # position 4 of 10 (0.4) -> blue, and each of them is told so.
        scorers = LAWYERS[6:9]
        recs = []
        for k, lic in enumerate(scorers):
            recs += [sess("g%d-in" % k, lic, "sign_in", start.isoformat()),
                     sess("g%d-out" % k, lic, "sign_out", start.replace(hour=start.hour + 2).isoformat())]
        st, body = s.post("/v1/hotline/sessions", recs)
        check("current-quarter shifts accepted", st == 207 and all(a["status"] == "accepted" for a in body), body)

        def cur():
            rc, js, err = s.ctl_json("standings", "--json")
            return js["members"] if rc == 0 and js else []
        s.wait_until(lambda: sum(1 for m in cur() if m["points"] > 0) == 3, 15, "current standings")
        members = cur()
        exp = expected_tiers({m["licence"]: m["points"] for m in members})
        check("current standings follow the policy",
              all((m["position"], m["tier"]) == exp[m["licence"]] for m in members)
              and sum(1 for m in members if m["tier"] == "blue") == 7, members)
        s.wait_until(lambda: len({n["lawyer"] for n in s.notifications()}) >= 7, 15,
                     "seven notifications")
        notes = s.notifications()
        by_lawyer = {}
        for n in notes:
            by_lawyer.setdefault(n["lawyer"], []).append(n)
        check("each lawyer who fell to blue is told once", sorted(by_lawyer) == sorted(LAWYERS[:6] + LAWYERS[9:])
              and all(len(v) == 1 for v in by_lawyer.values()), sorted(by_lawyer))
        msg = by_lawyer.get(LAWYERS[0], [{}])[0].get("message", "")
        check("message is in Chinese with the lawyer's name, quarter and both tiers",
              NAMES[0] in msg and "由绿色变为蓝色" in msg
              and "%s年第%s季度" % (cur_q[:4], cur_q[5]) in msg, msg)
        check("no message carries a phone number", all("1390000" not in n["message"] for n in notes))
        check("every line has id, lawyer, channel, message, time",
              all({"id", "lawyer", "channel", "message", "created_at"} <= set(n) for n in notes))
        check("delivered notifications are recorded",
              s.sql1("select count(*) from notify.notifications where status = 'delivered'") == str(len(notes)))
    else:
        check("current-quarter part skipped (quarter began under 3 hours ago)", True)

    st, body = s.get("/healthz")
    check("healthz", st == 200 and body.get("status") == "ok", (st, body))
    st, text = s.get("/metrics")
    check("metrics in Prometheus text", st == 200 and "fayuan_gateway_records_total{result=\"accepted\"}" in text)

done()
